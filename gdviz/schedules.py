"""Learning-rate schedules with torch.optim.lr_scheduler semantics.

A :class:`Schedule` turns an initial learning rate ``lr0`` (a float or an array: a batch of
rates) into the sequence of rates torch would use: element ``k`` of
:meth:`Schedule.learning_rates` is the rate in effect for update ``k + 1`` when the training loop
calls ``optimizer.step()`` and then ``scheduler.step()``. Each recursive torch scheduler is
replicated in its recursive ("chainable") form, operation for operation, so the rates equal
torch's bit for bit — e.g. ``exponential`` is ``lr ← lr · γ`` every step (what the seed's
``learning_rate = learning_rate * 0.99`` does), not ``lr0 · γ**k``.

{catalogue}

Text form (CLI, experiment files): ``"exponential:gamma=0.99"``,
``"step:step_size=50,gamma=0.5"``, ``"cosine:T_max=100,eta_min=0.001"``, ``"constant"``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np

from gdviz.hyperparams import (
    REQUIRED,
    SCHEDULE_WORDING,
    Hyperparameter,
    document,
    format_value,
    parse_number,
)
from gdviz.names import did_you_mean

__all__ = [
    "SCHEDULES",
    "Schedule",
    "ScheduleInfo",
    "describe",
    "make_schedule",
    "parse_schedule",
    "schedule_names",
]

Recursion = Callable[[Mapping[str, Any], np.ndarray, np.ndarray, int], np.ndarray]


@dataclass(frozen=True)
class ScheduleInfo:
    """Registry entry: a schedule kind, its torch counterpart and parameters."""

    kind: str
    torch: str
    summary: str
    params: tuple[Hyperparameter, ...]
    initial: Callable[[Mapping[str, Any], np.ndarray], np.ndarray] = field(repr=False)
    next: Recursion = field(repr=False)


# Each kind: ``initial(p, lr0)`` is the rate after the scheduler's constructor (its initial
# step, last_epoch = 0); ``next(p, lr, lr0, k)`` is the rate after the k-th scheduler.step()
# (last_epoch = k ≥ 1) given the current rate ``lr`` and the base rate ``lr0`` — torch's get_lr.
# The ``next`` function's docstring states the rule; its Parameters section comes from the specs.

GAMMA = Hyperparameter("gamma", REQUIRED, "Decay factor γ", low=0.0, low_open=True, high=1.0)
STEP_PARAMS = (
    Hyperparameter("step_size", REQUIRED, "Steps between decays", kind="int", low=1.0),
    Hyperparameter("gamma", 0.1, "Decay factor γ", low=0.0, low_open=True, high=1.0),
)
COSINE_PARAMS = (
    Hyperparameter("T_max", REQUIRED, "Half period in steps", kind="int", low=1.0),
    Hyperparameter("eta_min", 0.0, "Minimum rate η_min"),
)
INVERSE_TIME_PARAMS = (
    Hyperparameter("decay_rate", REQUIRED, "Decay rate r"),
    Hyperparameter("decay_steps", 1.0, "Time scale s in steps", low=0.0, low_open=True),
)
WARMUP_PARAMS = (
    Hyperparameter("start_factor", 1.0 / 3, "First factor f₀", low=0.0, low_open=True, high=1.0),
    Hyperparameter("end_factor", 1.0, "Final factor f₁", high=1.0),
    Hyperparameter("total_iters", 5, "Steps n of the ramp", kind="int", low=1.0),
)


def _same(p: Mapping[str, Any], lr0: np.ndarray) -> np.ndarray:
    return lr0


def constant(p: Mapping[str, Any], lr: np.ndarray, lr0: np.ndarray, k: int) -> np.ndarray:
    """The same rate at every step (no torch scheduler): ``lr_k = lr_0``."""
    return lr


@document((GAMMA,), SCHEDULE_WORDING)
def exponential(p: Mapping[str, Any], lr: np.ndarray, lr0: np.ndarray, k: int) -> np.ndarray:
    """ExponentialLR: ``lr_k = lr_{k-1} · γ`` (torch's ``group["lr"] * gamma``)."""
    return lr * p["gamma"]


@document(STEP_PARAMS, SCHEDULE_WORDING)
def step(p: Mapping[str, Any], lr: np.ndarray, lr0: np.ndarray, k: int) -> np.ndarray:
    """StepLR: ``lr_k = lr_{k-1} · γ`` when ``k`` is a multiple of ``step_size``, else unchanged."""
    if k == 0 or k % p["step_size"] != 0:
        return lr
    return lr * p["gamma"]


@document(COSINE_PARAMS, SCHEDULE_WORDING)
def cosine(p: Mapping[str, Any], lr: np.ndarray, lr0: np.ndarray, k: int) -> np.ndarray:
    """CosineAnnealingLR: cosine annealing from ``lr_0`` to ``η_min`` over ``T_max`` steps.

    torch's recursive form, with Python floats for the factors that depend on the step only::

        if (k - 1 - T_max) mod 2 T_max = 0:
            lr_k = lr_{k-1} + (lr_0 - η_min) (1 - cos(π / T_max)) / 2
        else:
            lr_k = (1 + cos(π k / T_max)) / (1 + cos(π (k - 1) / T_max)) (lr_{k-1} - η_min) + η_min
    """
    t_max, eta_min = p["T_max"], p["eta_min"]
    if (k - 1 - t_max) % (2 * t_max) == 0:
        return lr + (lr0 - eta_min) * (1 - math.cos(math.pi / t_max)) / 2
    factor = (1 + math.cos(math.pi * k / t_max)) / (1 + math.cos(math.pi * (k - 1) / t_max))
    return factor * (lr - eta_min) + eta_min


def _inverse_time_factor(p: Mapping[str, Any], k: int) -> float:
    return 1.0 / (1.0 + p["decay_rate"] * k / p["decay_steps"])


def _inverse_time_initial(p: Mapping[str, Any], lr0: np.ndarray) -> np.ndarray:
    return lr0 * _inverse_time_factor(p, 0)


@document(INVERSE_TIME_PARAMS, SCHEDULE_WORDING)
def inverse_time(p: Mapping[str, Any], lr: np.ndarray, lr0: np.ndarray, k: int) -> np.ndarray:
    """Inverse-time decay as a LambdaLR: ``lr_k = lr_0 · 1 / (1 + r k / s)``."""
    return lr0 * _inverse_time_factor(p, k)


def _warmup_initial(p: Mapping[str, Any], lr0: np.ndarray) -> np.ndarray:
    # LinearLR.get_lr at last_epoch == 0 (its constructor): group["lr"] * start_factor
    return lr0 * p["start_factor"]


@document(WARMUP_PARAMS, SCHEDULE_WORDING)
def warmup(p: Mapping[str, Any], lr: np.ndarray, lr0: np.ndarray, k: int) -> np.ndarray:
    """LinearLR: a linear ramp from ``f₀ · lr_0`` to ``f₁ · lr_0`` in ``n`` steps.

    torch's recursive form::

        rate_0 = f₀ · lr_0
        rate_k = rate_{k-1} · (1 + (f₁ - f₀) / (n f₀ + (k - 1)(f₁ - f₀)))   (k ≤ n; then unchanged)
    """
    start, end, total = p["start_factor"], p["end_factor"], p["total_iters"]
    if k > total:
        return lr
    return lr * (1.0 + (end - start) / (total * start + (k - 1) * (end - start)))


_INFOS = (
    ScheduleInfo("constant", "(none)", "the same rate at every step", (), _same, constant),
    ScheduleInfo(
        "exponential",
        "ExponentialLR",
        "multiply the rate by gamma after every step",
        (GAMMA,),
        _same,
        exponential,
    ),
    ScheduleInfo(
        "step",
        "StepLR",
        "multiply the rate by gamma every step_size steps",
        STEP_PARAMS,
        _same,
        step,
    ),
    ScheduleInfo(
        "cosine",
        "CosineAnnealingLR",
        "cosine annealing from lr0 to eta_min over T_max steps",
        COSINE_PARAMS,
        _same,
        cosine,
    ),
    ScheduleInfo(
        "inverse-time",
        "LambdaLR",
        "lr0 / (1 + decay_rate * k / decay_steps)",
        INVERSE_TIME_PARAMS,
        _inverse_time_initial,
        inverse_time,
    ),
    ScheduleInfo(
        "warmup",
        "LinearLR",
        "linear warm-up from start_factor*lr0 to end_factor*lr0 over total_iters steps",
        WARMUP_PARAMS,
        _warmup_initial,
        warmup,
    ),
)

#: Schedule kinds by name.
SCHEDULES: Mapping[str, ScheduleInfo] = MappingProxyType({i.kind: i for i in _INFOS})


def schedule_names() -> list[str]:
    """Every schedule kind."""
    return list(SCHEDULES)


def _lookup(kind: Any) -> ScheduleInfo:
    key = kind.strip().lower() if isinstance(kind, str) else kind
    if isinstance(key, str) and key in SCHEDULES:
        return SCHEDULES[key]
    choices = list(SCHEDULES)
    raise ValueError(
        f"unknown schedule {kind!r}{did_you_mean(str(key), choices)}; "
        f"choose from: {', '.join(choices)}"
    )


def describe(kind: str) -> str:
    """One line for ``gdviz list schedules``: what it does, torch's class, parameters."""
    info = _lookup(kind)
    params = ", ".join(
        p.name if p.default is REQUIRED else f"{p.name}={format_value(p.default)}"
        for p in info.params
    )
    torch = f"torch {info.torch}" if info.torch != "(none)" else "no torch scheduler"
    return f"{info.kind}: {info.summary} ({torch}){'; parameters ' + params if params else ''}"


@dataclass(frozen=True)
class Schedule:
    """A learning-rate schedule: a kind of :data:`SCHEDULES` and its parameters."""

    kind: str
    params: Mapping[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        info = _lookup(self.kind)
        given = dict(self.params)
        names = [p.name for p in info.params]
        for key in given:
            if key not in names:
                hint = did_you_mean(key, names)
                valid = ", ".join(names) if names else "none"
                raise ValueError(
                    f"unknown parameter {key!r} for {info.kind} schedule{hint}; valid: {valid}"
                )
        values: dict[str, Any] = {}
        for param in info.params:
            if param.name in given:
                values[param.name] = param.check(info.kind, given[param.name], SCHEDULE_WORDING)
            elif param.default is REQUIRED:
                raise ValueError(f"the {info.kind} schedule needs {param.name}")
            else:
                values[param.name] = param.default
        object.__setattr__(self, "kind", info.kind)
        object.__setattr__(self, "params", MappingProxyType(values))

    def __hash__(self) -> int:
        return hash((self.kind, tuple(self.params.items())))

    def __reduce__(self) -> tuple[Any, ...]:  # pickle / deepcopy (mapping proxies do not pickle)
        return (Schedule, (self.kind, dict(self.params)))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Schedule):
            return NotImplemented
        return self.kind == other.kind and dict(self.params) == dict(other.params)

    def __str__(self) -> str:
        """The text form, accepted by :func:`parse_schedule`."""
        if not self.params:
            return self.kind
        items = ",".join(f"{k}={format_value(v)}" for k, v in self.params.items())
        return f"{self.kind}:{items}"

    def __repr__(self) -> str:
        return f"Schedule({str(self)!r})"

    @property
    def info(self) -> ScheduleInfo:
        """The registry entry of this schedule's kind."""
        return SCHEDULES[self.kind]

    def learning_rates(self, lr0: float | np.ndarray, n: int) -> np.ndarray:
        """The first ``n`` learning rates, shape ``(n, *np.shape(lr0))``.

        Element ``k`` is the rate used by update ``k + 1`` (torch: ``optimizer.step()`` then
        ``scheduler.step()``): element 0 is the rate after the scheduler's construction — ``lr0``
        for every kind except ``warmup`` (torch's LinearLR starts at ``start_factor * lr0``).
        Elementwise: each element of an array ``lr0`` equals the scalar computation bit for bit.
        """
        if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 0:
            raise ValueError(f"invalid number of steps: {n!r} (must be an integer ≥ 0)")
        base = np.array(lr0, dtype=np.float64)
        if not np.all(np.isfinite(base)) or np.any(base < 0):
            raise ValueError(f"invalid learning rate: {lr0!r} (must be finite and ≥ 0)")
        out = np.empty((int(n), *base.shape), dtype=np.float64)
        if n == 0:
            return out
        info, p = self.info, self.params
        with np.errstate(all="ignore"):
            lr = np.asarray(info.initial(p, base), dtype=np.float64)
            out[0] = lr
            for k in range(1, int(n)):
                lr = np.asarray(info.next(p, lr, base, k), dtype=np.float64)
                out[k] = lr
        return out


def make_schedule(kind: str, **params: Any) -> Schedule:
    """A :class:`Schedule` by kind with its parameters (torch's names).

    Raises
    ------
    ValueError
        Unknown kind (the closest is suggested), unknown or missing parameter, or a value out of
        range; the message names the parameter and the value.
    """
    return Schedule(kind, params)


def parse_schedule(text: str) -> Schedule:
    """Parse ``"kind"`` or ``"kind:key=value,key=value"`` into a :class:`Schedule`.

    Examples: ``"exponential:gamma=0.99"``, ``"step:step_size=50,gamma=0.5"``,
    ``"cosine:T_max=100,eta_min=0.001"``, ``"constant"``.
    """
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"invalid schedule {text!r}: expected kind[:key=value,...]")
    kind, sep, rest = text.strip().partition(":")
    info = _lookup(kind)
    params: dict[str, Any] = {}
    if sep:
        if not rest.strip():
            raise ValueError(f"invalid schedule {text!r}: nothing after ':'")
        for item in rest.split(","):
            key, eq, value = item.partition("=")
            key, value = key.strip(), value.strip()
            if not eq or not key or not value:
                raise ValueError(
                    f"invalid schedule {text!r}: expected key=value, got {item.strip()!r}"
                )
            if key in params:
                raise ValueError(f"invalid schedule {text!r}: {key} given twice")
            params[key] = parse_number(key, f"{info.kind} schedule", value)
    return Schedule(info.kind, params)


def _catalogue() -> str:
    """The table of kinds for the module docstring, from the registry."""
    rows = [
        (
            i.kind,
            i.torch if i.torch != "(none)" else "(no scheduler)",
            ", ".join(
                p.name
                + (" (required)" if p.default is REQUIRED else f" ({format_value(p.default)})")
                for p in i.params
            )
            or "—",
        )
        for i in _INFOS
    ]
    header = ("kind", "torch", "parameters (default)")
    widths = [max(len(r[c]) for r in (*rows, header)) for c in range(3)]
    rule = "  ".join("=" * w for w in widths)
    lines = [
        rule,
        "  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip(),
        rule,
    ]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    return "\n".join([*lines, rule])


__doc__ = (__doc__ or "").replace("{catalogue}", _catalogue())
