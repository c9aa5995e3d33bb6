"""Record torch.optim reference trajectories into ``torch_reference.json``.

Run it with a torch installation (the test suite itself never needs torch)::

    python3.11 -m venv /tmp/torchenv && /tmp/torchenv/bin/pip install torch==2.13.0 numpy
    /tmp/torchenv/bin/python tests/reference/record_torch.py      # or: make reference

What it records, in float64 (``torch.set_default_dtype(torch.float64)``, so torch's own scalar
state — ``step``, NAdam's ``mu_product`` — is float64 too) with ``foreach=False`` (torch's
single-tensor code path, the CPU default):

* every optimizer × a table of hyperparameter combinations (every option at a non-default
  value at least once) × every problem of ``problems.py`` × two learning rates: the parameters
  after each of ``STEPS`` steps, one torch tensor of shape ``(d,)`` per run;
* lr_scheduler sequences (ExponentialLR, StepLR, CosineAnnealingLR, LinearLR, LambdaLR for
  inverse-time decay) for ``SCHEDULE_STEPS`` steps: the lr in effect for each
  ``optimizer.step()``, the scheduler stepped after it.

Floats are written with ``repr`` (exact round trip). The file also records the torch version
and CPU capability the values came from.
"""

from __future__ import annotations

import json
import platform
import sys
from pathlib import Path
from typing import Any

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from problems import PROBLEMS, Problem

OUT = Path(__file__).resolve().parent / "torch_reference.json"
STEPS = 15
SCHEDULE_STEPS = 80

TORCH_CLASSES = {
    "sgd": torch.optim.SGD,
    "adam": torch.optim.Adam,
    "adamw": torch.optim.AdamW,
    "rmsprop": torch.optim.RMSprop,
    "adagrad": torch.optim.Adagrad,
    "adadelta": torch.optim.Adadelta,
    "adamax": torch.optim.Adamax,
    "nadam": torch.optim.NAdam,
    "radam": torch.optim.RAdam,
}

#: (optimizer, hyperparameters) — every option at a non-default value at least once.
CONFIGS: list[tuple[str, dict[str, Any]]] = [
    ("sgd", {}),
    ("sgd", {"momentum": 0.9}),
    ("sgd", {"momentum": 0.9, "nesterov": True}),
    ("sgd", {"momentum": 0.5, "dampening": 0.3}),
    ("sgd", {"weight_decay": 0.1}),
    ("sgd", {"momentum": 0.9, "nesterov": True, "weight_decay": 0.05}),
    ("adam", {}),
    ("adam", {"amsgrad": True}),
    ("adam", {"weight_decay": 0.1}),
    ("adam", {"betas": (0.8, 0.99), "eps": 1e-6}),
    ("adam", {"betas": (0.3, 0.9)}),
    ("adam", {"weight_decay": 0.1, "decoupled_weight_decay": True}),
    ("adam", {"weight_decay": 0.05, "amsgrad": True, "eps": 1e-4}),
    ("adamw", {}),
    ("adamw", {"weight_decay": 0.5, "amsgrad": True}),
    ("adamw", {"betas": (0.5, 0.9), "eps": 1e-4}),
    ("rmsprop", {}),
    ("rmsprop", {"centered": True}),
    ("rmsprop", {"momentum": 0.9}),
    ("rmsprop", {"centered": True, "momentum": 0.5}),
    ("rmsprop", {"alpha": 0.9, "eps": 1e-6, "weight_decay": 0.1}),
    ("rmsprop", {"alpha": 0.3, "centered": True}),
    ("adagrad", {}),
    ("adagrad", {"lr_decay": 0.1}),
    ("adagrad", {"initial_accumulator_value": 0.5, "eps": 1e-6}),
    ("adagrad", {"weight_decay": 0.1}),
    ("adadelta", {}),
    ("adadelta", {"rho": 0.5, "eps": 1e-4}),
    ("adadelta", {"weight_decay": 0.1}),
    ("adadelta", {"rho": 0.99}),
    ("adamax", {}),
    ("adamax", {"betas": (0.5, 0.9)}),
    ("adamax", {"eps": 1e-4, "weight_decay": 0.1}),
    ("nadam", {}),
    ("nadam", {"momentum_decay": 0.01}),
    ("nadam", {"weight_decay": 0.1}),
    ("nadam", {"weight_decay": 0.1, "decoupled_weight_decay": True}),
    ("nadam", {"betas": (0.8, 0.99), "eps": 1e-6}),
    ("radam", {}),
    ("radam", {"weight_decay": 0.1}),
    ("radam", {"weight_decay": 0.1, "decoupled_weight_decay": True}),
    ("radam", {"betas": (0.5, 0.9), "eps": 1e-6}),
]

#: Learning rates per optimizer (SGD's depend on the problem's curvature: see Problem.sgd_lr).
ADAPTIVE_LRS = {
    "adam": (1e-3, 0.1),
    "adamw": (1e-3, 0.1),
    "rmsprop": (1e-2, 0.05),
    "adagrad": (1e-2, 0.5),
    "adadelta": (1.0, 0.5),
    "adamax": (2e-3, 0.1),
    "nadam": (2e-3, 0.1),
    "radam": (1e-3, 2e-4),  # rectification is off for t < 7: SGD-like steps at first
}


def learning_rates(optimizer: str, problem: Problem) -> tuple[float, ...]:
    """Two rates per run family; the 20-dimensional problem gets one (file size)."""
    rates = (problem.sgd_lr, problem.sgd_lr / 4) if optimizer == "sgd" else ADAPTIVE_LRS[optimizer]
    return rates[:1] if problem.name == "wide" else rates


def torch_grad(problem: Problem, p: torch.Tensor) -> torch.Tensor:
    return torch.stack(problem.grad(list(p.detach())))


def record_run(
    optimizer: str, hyper: dict[str, Any], problem: Problem, start: tuple[float, ...], lr: float
) -> list[list[float]]:
    p = torch.tensor(start, dtype=torch.float64, requires_grad=True)
    opt = TORCH_CLASSES[optimizer]([p], lr=lr, foreach=False, **hyper)
    path = []
    for _ in range(STEPS):
        p.grad = torch_grad(problem, p)
        opt.step()
        path.append([float(v) for v in p.detach()])
    if not np.all(np.isfinite(path)):
        raise RuntimeError(f"non-finite run: {optimizer} {hyper} {problem.name} lr={lr}")
    return path


def jsonable(hyper: dict[str, Any]) -> dict[str, Any]:
    return {k: list(v) if isinstance(v, tuple) else v for k, v in hyper.items()}


def record_optimizers() -> list[dict[str, Any]]:
    runs = []
    for optimizer, hyper in CONFIGS:
        for problem in PROBLEMS.values():
            for k, lr in enumerate(learning_rates(optimizer, problem)):
                # every start at the first rate, the first start at the others
                for start in problem.starts if k == 0 else problem.starts[:1]:
                    runs.append(
                        {
                            "optimizer": optimizer,
                            "hyperparams": jsonable(hyper),
                            "problem": problem.name,
                            "start": list(start),
                            "lr": lr,
                            "params": record_run(optimizer, hyper, problem, start, lr),
                        }
                    )
    return runs


#: (gdviz kind, gdviz params, torch class name, torch kwargs)
SCHEDULES: list[tuple[str, dict[str, float], str, dict[str, Any]]] = [
    ("exponential", {"gamma": 0.99}, "ExponentialLR", {"gamma": 0.99}),
    ("exponential", {"gamma": 0.9}, "ExponentialLR", {"gamma": 0.9}),
    ("step", {"step_size": 10, "gamma": 0.5}, "StepLR", {"step_size": 10, "gamma": 0.5}),
    ("step", {"step_size": 7, "gamma": 0.1}, "StepLR", {"step_size": 7, "gamma": 0.1}),
    (
        "cosine",
        {"T_max": 20, "eta_min": 0.001},
        "CosineAnnealingLR",
        {"T_max": 20, "eta_min": 0.001},
    ),
    ("cosine", {"T_max": 50}, "CosineAnnealingLR", {"T_max": 50}),
    (
        "warmup",
        {"start_factor": 0.1, "end_factor": 1.0, "total_iters": 10},
        "LinearLR",
        {"start_factor": 0.1, "end_factor": 1.0, "total_iters": 10},
    ),
    ("warmup", {}, "LinearLR", {}),
    (
        "warmup",
        {"start_factor": 1.0, "end_factor": 0.25, "total_iters": 30},
        "LinearLR",
        {"start_factor": 1.0, "end_factor": 0.25, "total_iters": 30},
    ),
    ("inverse-time", {"decay_rate": 0.5, "decay_steps": 10}, "LambdaLR", {}),
    ("inverse-time", {"decay_rate": 1.0, "decay_steps": 1}, "LambdaLR", {}),
    ("constant", {}, "LambdaLR", {}),
]
SCHEDULE_LR0 = (0.1, 0.03, 1.0, 0.0123)


def inverse_time(decay_rate: float, decay_steps: float):
    """LambdaLR factor of inverse-time decay (the same expression as gdviz.schedules)."""
    return lambda k: 1.0 / (1.0 + decay_rate * k / decay_steps)


def record_schedule(
    kind: str, params: dict[str, float], cls: str, kwargs: dict[str, Any], lr0: float
):
    p = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([p], lr=lr0)
    if cls == "LambdaLR":
        if kind == "constant":
            factor = lambda k: 1.0  # noqa: E731
        else:
            factor = inverse_time(params["decay_rate"], params.get("decay_steps", 1.0))
        sched = torch.optim.lr_scheduler.LambdaLR(opt, factor)
    else:
        sched = getattr(torch.optim.lr_scheduler, cls)(opt, **kwargs)
    lrs = [opt.param_groups[0]["lr"]]
    for _ in range(SCHEDULE_STEPS - 1):
        p.grad = torch.zeros_like(p)
        opt.step()
        sched.step()
        lrs.append(opt.param_groups[0]["lr"])
    return [float(v) for v in lrs]


def record_schedules() -> list[dict[str, Any]]:
    out = []
    for kind, params, cls, kwargs in SCHEDULES:
        for lr0 in SCHEDULE_LR0:
            out.append(
                {
                    "kind": kind,
                    "params": params,
                    "torch": cls,
                    "torch_kwargs": kwargs,
                    "lr0": lr0,
                    "lrs": record_schedule(kind, params, cls, kwargs, lr0),
                }
            )
    return out


def main() -> None:
    torch.set_default_dtype(torch.float64)
    data = {
        "meta": {
            "torch": torch.__version__,
            "numpy": np.__version__,
            "python": platform.python_version(),
            "machine": platform.machine(),
            "cpu_capability": torch.backends.cpu.get_cpu_capability(),
            "default_dtype": "float64",
            "foreach": False,
            "steps": STEPS,
            "schedule_steps": SCHEDULE_STEPS,
        },
        "optimizer_runs": record_optimizers(),
        "schedules": record_schedules(),
    }
    lines = ["{"]
    lines.append(f'"meta": {json.dumps(data["meta"])},')
    for key in ("optimizer_runs", "schedules"):
        lines.append(f'"{key}": [')
        items = [json.dumps(item) for item in data[key]]
        lines.append(",\n".join(items))
        lines.append("]," if key == "optimizer_runs" else "]")
    lines.append("}")
    OUT.write_text("\n".join(lines) + "\n")
    print(
        f"wrote {OUT} ({len(data['optimizer_runs'])} optimizer runs, "
        f"{len(data['schedules'])} schedules, torch {torch.__version__})"
    )


if __name__ == "__main__":
    main()
