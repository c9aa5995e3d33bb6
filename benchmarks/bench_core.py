"""Benchmark the optimizer core against torch.optim, in the same process.

Adam (default betas, lr=1e-3) on a batch of 1,000,000 Rosenbrock starting points (float64, shape
``(1_000_000, 2)``, seeded) for 200 steps, gradient included:

* gdviz: preallocated arrays, the analytic gradient computed with numpy ufuncs into ``out=``
  buffers (in row blocks, on as many threads as torch uses), then
  :meth:`gdviz.optimizers.Optimizer.update_inplace`;
* torch: ``torch.optim.Adam`` on one ``(1_000_000, 2)`` float64 tensor, the same analytic
  gradient computed with torch ops and assigned to ``.grad``; timed with torch's default
  ``foreach`` setting and with ``foreach=False`` — the faster is the peer. ``fused=True`` (a
  single-pass C++ kernel) is timed too and printed for information.

Implementations run interleaved, best of ``REPEATS``. Prints seconds, throughput (point-steps/s),
the gdviz/torch throughput ratio and the largest difference between the final points (must be
≤ 1e-12). Exits 2 without torch. Run: ``python benchmarks/bench_core.py`` (``make bench``);
``--threads N`` runs both libraries on N threads (default: torch's default, the CPU count),
``--steps``/``--points``/``--repeats`` shrink the run for a quick look.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import numpy as np

try:
    import torch
except ImportError:
    print("bench_core: torch is not installed (pip install '.[reference]'); nothing to compare")
    sys.exit(2)

from gdviz.optimizers import make_optimizer

N_POINTS = 1_000_000
STEPS = 200
REPEATS = 3
LR = 1e-3
SEED = 0
TOLERANCE = 1e-12
#: rows of the gradient computed per block (keeps the gradient's temporaries in cache)
GRAD_ROWS = 1 << 14


def starts() -> np.ndarray:
    rng = np.random.default_rng(SEED)
    return rng.uniform((-2.0, -1.0), (2.0, 3.0), size=(N_POINTS, 2))


Result = tuple[float, float, np.ndarray]


def run_gdviz() -> Result:
    """200 Adam steps with gdviz; returns (seconds, seconds in the optimizer, final points)."""
    params = starts()
    grads = np.empty_like(params)
    opt = make_optimizer("adam")
    state = opt.init(params)
    threads = torch.get_num_threads()
    share = -(-N_POINTS // threads)
    ranges = [(lo, min(lo + share, N_POINTS)) for lo in range(0, N_POINTS, share)]
    scratch = [np.empty(GRAD_ROWS) for _ in ranges]

    def gradient_rows(first: int, last: int, tmp: np.ndarray) -> None:
        # d/dx = -2 (1 - x) - 400 x (y - x²),  d/dy = 200 (y - x²), block by block
        for lo in range(first, last, GRAD_ROWS):
            hi = min(lo + GRAD_ROWS, last)
            x, y = params[lo:hi, 0], params[lo:hi, 1]
            gx, gy = grads[lo:hi, 0], grads[lo:hi, 1]
            d = tmp[: hi - lo]
            np.multiply(x, x, out=d)
            np.subtract(y, d, out=d)
            np.multiply(d, 200.0, out=gy)
            np.multiply(x, -400.0, out=gx)
            np.multiply(gx, d, out=gx)
            np.subtract(1.0, x, out=d)
            np.multiply(d, -2.0, out=d)
            np.add(d, gx, out=gx)

    def gradient() -> None:
        # on as many threads as the optimizer (torch computes its gradient ops on its threads)
        futures = [
            pool.submit(gradient_rows, lo, hi, tmp)
            for (lo, hi), tmp in zip(ranges[1:], scratch[1:], strict=True)
        ]
        gradient_rows(*ranges[0], scratch[0])
        for future in futures:
            future.result()

    with ThreadPoolExecutor(max(1, threads - 1)) as pool:
        in_optimizer = 0.0
        start = time.perf_counter()
        for step in range(1, STEPS + 1):
            gradient()
            mark = time.perf_counter()
            opt.update_inplace(grads, state, params, step, LR)
            in_optimizer += time.perf_counter() - mark
        elapsed = time.perf_counter() - start
    return elapsed, in_optimizer, params


def make_torch_run(**options: object) -> Callable[[], Result]:
    def run() -> Result:
        p = torch.tensor(starts(), dtype=torch.float64)
        p.grad = torch.empty_like(p)
        opt = torch.optim.Adam([p], lr=LR, **options)
        x, y = p[:, 0], p[:, 1]
        gx, gy = p.grad[:, 0], p.grad[:, 1]
        in_optimizer = 0.0
        start = time.perf_counter()
        for _ in range(STEPS):
            d = y - x * x
            torch.mul(d, 200.0, out=gy)
            gx.copy_(-2.0 * (1.0 - x) - 400.0 * x * d)
            mark = time.perf_counter()
            opt.step()
            in_optimizer += time.perf_counter() - mark
        return time.perf_counter() - start, in_optimizer, p.detach().numpy()

    return run


def main() -> None:
    global N_POINTS, STEPS, REPEATS
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=None, help="threads for both libraries")
    parser.add_argument("--steps", type=int, default=STEPS)
    parser.add_argument("--points", type=int, default=N_POINTS)
    parser.add_argument("--repeats", type=int, default=REPEATS)
    args = parser.parse_args()
    N_POINTS, STEPS, REPEATS = args.points, args.steps, args.repeats
    if args.threads is not None:
        torch.set_num_threads(args.threads)
    runs: dict[str, Callable[[], Result]] = {
        "gdviz update_inplace": run_gdviz,
        "torch Adam (default foreach)": make_torch_run(),
        "torch Adam foreach=False": make_torch_run(foreach=False),
        "torch Adam fused=True": make_torch_run(fused=True),
    }
    best = dict.fromkeys(runs, math.inf)
    best_opt = dict.fromkeys(runs, math.inf)
    finals: dict[str, np.ndarray] = {}
    for _ in range(REPEATS):
        for name, run in runs.items():
            seconds, in_optimizer, final = run()
            best[name] = min(best[name], seconds)
            best_opt[name] = min(best_opt[name], in_optimizer)
            finals[name] = final
    work = N_POINTS * STEPS
    print(
        f"Adam on {N_POINTS:,} Rosenbrock points x {STEPS} steps (float64), best of {REPEATS}; "
        f"gdviz threads={torch.get_num_threads()}, torch threads={torch.get_num_threads()}, "
        f"torch {torch.__version__}, numpy {np.__version__}"
    )
    print(f"  {'':30s} {'gradient + step':>30s}   {'optimizer step only':>28s}")
    for name, seconds in best.items():
        step_only = best_opt[name]
        print(
            f"  {name:30s} {seconds:8.3f} s {work / seconds / 1e6:7.1f} M point-steps/s"
            f"   {step_only:7.3f} s {work / step_only / 1e6:7.1f} M point-steps/s"
        )
    gd = "gdviz update_inplace"
    peers = ["torch Adam (default foreach)", "torch Adam foreach=False"]
    peer = min(peers, key=lambda name: best[name])
    ratio = best[peer] / best[gd]
    ratio_opt = min(best_opt[p] for p in peers) / best_opt[gd]
    fused = best["torch Adam fused=True"] / best[gd]
    print(f"  ratio gdviz/torch throughput: {ratio:.2f}x (peer: {peer}; target >= 1.3x)")
    print(f"  optimizer step only: {ratio_opt:.2f}x")
    print(f"  for information, against torch fused=True: {fused:.2f}x")
    diff = max(float(np.max(np.abs(finals[gd] - finals[p]))) for p in peers)
    print(f"  max |gdviz - torch| over the final points: {diff:.3e} (tolerance {TOLERANCE:g})")
    fused_diff = float(np.max(np.abs(finals[gd] - finals["torch Adam fused=True"])))
    print(f"  (against fused=True: {fused_diff:.3e})")
    if not diff <= TOLERANCE:
        print("  FAILED: final points disagree")
        sys.exit(1)


if __name__ == "__main__":
    main()
