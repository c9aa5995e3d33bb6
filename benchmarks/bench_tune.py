"""Benchmark ``gdviz.tune`` (the fair race) against two peers measured in the same run.

The protocol is the built-in one: 12 optimizers (torch's nine and the gd, momentum and
nesterov presets) × 16 learning rates × 64 starts × 500 steps on Rosenbrock, and for the seven
optimizers with a momentum or β₁ the 4 values of that grid too — 33 configurations, 33,792
runs, one batched ``descend`` per configuration. Timed:

* ``tune``: :func:`gdviz.tuning.tune` through the public API, everything included (the
  runs, the finish steps, the scores, the winners);
* ``single-run loop``: the same work as a plain Python loop of single ``descend()`` calls and
  :func:`gdviz.claims.finish` — a seeded subsample of ``--sample`` runs, extrapolated to all;
* ``torch``: the same updates with ``torch.optim`` in float64, one optimizer per
  configuration holding the 16 rates as 16 parameter groups of the 64 starts (torch takes
  one rate per group), the analytic Rosenbrock loss and gradient in torch ops on all groups
  at once, and the first step under the finish line tracked per run (no divergence checks or
  stopping: less work than ``tune``).

Prints the wall time of each (and ``tune``'s CPU time, which other processes on a busy
machine disturb far less) and ``tune``'s speed-up over each peer; the target is ``tune`` under
3 s. Run: ``python benchmarks/bench_tune.py`` (torch optional; ``--repeats`` takes the best
of several runs, ``--sample`` sizes the single-run subsample).
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from gdviz.claims import FINISH_GAP, finish
from gdviz.descent import descend
from gdviz.landscapes import get_landscape
from gdviz.optimizers import make_optimizer
from gdviz.tuning import (
    DEFAULT_LRS,
    DEFAULT_MOMENTA,
    DEFAULT_STEPS,
    momentum_knob,
    start_grid,
    tune,
)

TARGET_SECONDS = 3.0
LANDSCAPE = "rosenbrock"


def configurations() -> list[tuple[str, float | None]]:
    """Every (optimizer, momentum) pair the default protocol runs."""
    from gdviz.optimizers import optimizer_names

    pairs: list[tuple[str, float | None]] = []
    for name in optimizer_names():
        values: tuple[float | None, ...] = DEFAULT_MOMENTA if momentum_knob(name) else (None,)
        pairs += [(name, value) for value in values]
    return pairs


def params_of(name: str, value: float | None) -> dict:
    knob = momentum_knob(name)
    if knob is None or value is None:
        return {}
    return {"betas": (value, 0.999)} if knob == "betas" else {knob: value}


def time_tune() -> tuple[float, float, object]:
    """Wall-clock and CPU seconds of the default tuning, and its result."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = tune(LANDSCAPE)
    return time.perf_counter() - wall, time.process_time() - cpu, result


def time_single_runs(sample: int) -> tuple[float, int]:
    """Seconds for ``sample`` single runs, and how many runs the protocol has."""
    surface = get_landscape(LANDSCAPE)
    starts = start_grid(surface)
    runs = [
        (name, value, lr, s)
        for name, value in configurations()
        for lr in DEFAULT_LRS
        for s in range(len(starts))
    ]
    rng = np.random.default_rng(0)
    chosen = rng.choice(len(runs), size=min(sample, len(runs)), replace=False)
    started = time.perf_counter()
    for index in chosen:
        name, value, lr, s = runs[index]
        trajectory = descend(
            surface,
            make_optimizer(name, **params_of(name, value)),
            starts[s],
            lr=lr,
            steps=DEFAULT_STEPS,
            grad_tol=1e-6,
        )
        finish(trajectory, surface, 1e-6)
    return time.perf_counter() - started, len(runs)


def time_torch() -> float | None:
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(1)
    starts = start_grid(get_landscape(LANDSCAPE))
    classes = {
        "sgd": torch.optim.SGD,
        "gd": torch.optim.SGD,
        "momentum": torch.optim.SGD,
        "nesterov": torch.optim.SGD,
        "adam": torch.optim.Adam,
        "adamw": torch.optim.AdamW,
        "rmsprop": torch.optim.RMSprop,
        "adagrad": torch.optim.Adagrad,
        "adadelta": torch.optim.Adadelta,
        "adamax": torch.optim.Adamax,
        "nadam": torch.optim.NAdam,
        "radam": torch.optim.RAdam,
    }
    fixed = {"momentum": {"momentum": 0.9}, "nesterov": {"momentum": 0.9, "nesterov": True}}
    started = time.perf_counter()
    for name, value in configurations():
        tensors = [torch.tensor(starts, dtype=torch.float64) for _ in DEFAULT_LRS]
        groups = [{"params": [t], "lr": lr} for t, lr in zip(tensors, DEFAULT_LRS, strict=True)]
        options = fixed.get(name, {}) | params_of(name, value)
        optimizer = classes[name](groups, **options)
        first = torch.full((len(tensors), len(starts)), -1, dtype=torch.int64)
        with torch.no_grad():
            for k in range(DEFAULT_STEPS + 1):
                p = torch.stack(tensors)  # (16, 64, 2): one evaluation for all groups
                x, y = p[..., 0], p[..., 1]
                d = y - x * x
                loss = (1 - x) ** 2 + 100 * d * d
                first[(first < 0) & (loss < FINISH_GAP)] = k
                if k == DEFAULT_STEPS:
                    break
                grad = torch.stack((-2 * (1 - x) - 400 * x * d, 200 * d), dim=-1)
                for t, g in zip(tensors, grad.unbind(0), strict=True):
                    t.grad = g
                optimizer.step()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--sample", type=int, default=96)
    args = parser.parse_args()

    tune_seconds, tune_cpu, result = min(
        (time_tune() for _ in range(args.repeats)), key=lambda r: r[0]
    )
    single, total = time_single_runs(args.sample)
    per_run = single / args.sample
    loop_seconds = per_run * total
    torch_seconds = time_torch()

    protocol = result.protocol  # type: ignore[attr-defined]
    print(
        f"tune: {len(protocol.optimizers)} optimizers × {len(protocol.lrs)} learning rates × "
        f"{len(protocol.starts)} starts × {protocol.steps} steps on {LANDSCAPE}, "
        f"{len(configurations())} configurations, {protocol.runs:,} runs"
    )
    print(
        f"  tune (public API, best of {args.repeats})   {tune_seconds:8.2f} s"
        f"  ({tune_cpu:.2f} s of CPU: wall above CPU means a busy machine)"
    )
    print(
        f"  single-run loop (extrapolated)  {loop_seconds:8.2f} s  "
        f"({per_run * 1e3:.2f} ms/run over {args.sample} runs)"
        f"  → tune {loop_seconds / tune_seconds:6.0f}× faster"
    )
    if torch_seconds is None:
        print("  torch.optim                      (torch not installed)")
    else:
        print(
            f"  torch.optim (16 groups × 64)     {torch_seconds:8.2f} s"
            f"                               → tune {torch_seconds / tune_seconds:6.1f}× faster"
        )
    verdict = "met" if tune_seconds < TARGET_SECONDS else "missed"
    print(f"  target: tune under {TARGET_SECONDS:.0f} s — {verdict}")
    print(f"  winner: {result.winners[0].title} at lr {result.winners[0].lr:.3g}")  # type: ignore[attr-defined]


if __name__ == "__main__":
    main()
