"""Learning-rate schedules with torch.optim.lr_scheduler semantics.

A :class:`Schedule` turns an initial learning rate ``lr0`` (a float or an array: a batch of
rates) into the sequence of rates torch would use: element ``k`` of
:meth:`Schedule.learning_rates` is the rate in effect for update ``k + 1`` when the training loop
calls ``optimizer.step()`` and then ``scheduler.step()``. Each recursive torch scheduler is
replicated in its recursive ("chainable") form, operation for operation, so the rates equal
torch's bit for bit — e.g. ``exponential`` is ``lr ← lr · γ`` every step (what the seed's
``learning_rate = learning_rate * 0.99`` does), not ``lr0 · γ**k``.

===============  ==========================  =========================================
kind             torch                       parameters (default)
===============  ==========================  =========================================
constant         (no scheduler)              —
exponential      ExponentialLR               gamma (required)
step             StepLR                      step_size (required), gamma (0.1)
cosine           CosineAnnealingLR           T_max (required), eta_min (0.0)
inverse-time     LambdaLR                    decay_rate (required), decay_steps (1)
warmup           LinearLR                    start_factor (1/3), end_factor (1.0),
                                             total_iters (5)
===============  ==========================  =========================================

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

_REQUIRED = object()


@dataclass(frozen=True)
class _Param:
    name: str
    default: Any  # a number or _REQUIRED
    integer: bool = False
    low: float = 0.0
    low_open: bool = False
    high: float = math.inf
    doc: str = ""

    def _range_text(self) -> str:
        left = "(" if self.low_open else "["
        if self.high == math.inf:
            kind = "an integer" if self.integer else "a number"
            return f"{kind} {'>' if self.low_open else '≥'} {self.low:g}"
        return f"in {left}{self.low:g}, {self.high:g}]"

    def check(self, kind: str, value: Any) -> float | int:
        if isinstance(value, bool | np.bool_) or not isinstance(
            value, int | float | np.integer | np.floating
        ):
            raise ValueError(
                f"invalid {self.name} for {kind} schedule: {value!r} (expected a number)"
            )
        number = float(value)
        bad = (
            not math.isfinite(number)
            or number < self.low
            or (self.low_open and number == self.low)
            or number > self.high
        )
        if self.integer and not bad and number != int(number):
            raise ValueError(
                f"invalid {self.name} for {kind} schedule: {value!r} (must be a whole number)"
            )
        if bad:
            raise ValueError(
                f"invalid {self.name} for {kind} schedule: {value!r} (must be {self._range_text()})"
            )
        return int(number) if self.integer else number


Recursion = Callable[[Mapping[str, Any], np.ndarray, np.ndarray, int], np.ndarray]


@dataclass(frozen=True)
class ScheduleInfo:
    """Registry entry: a schedule kind, its torch counterpart and parameters."""

    kind: str
    torch: str
    summary: str
    params: tuple[_Param, ...]
    initial: Callable[[Mapping[str, Any], np.ndarray], np.ndarray] = field(repr=False)
    next: Recursion = field(repr=False)


# Each rule: ``initial(p, lr0)`` is the rate after the scheduler's constructor (its initial
# step, last_epoch = 0); ``next(p, lr, lr0, k)`` is the rate after the k-th scheduler.step()
# (last_epoch = k ≥ 1) given the current rate ``lr`` and the base rate ``lr0`` — torch's get_lr.


def _same(p: Mapping[str, Any], lr0: np.ndarray) -> np.ndarray:
    return lr0


def _constant_next(p: Mapping[str, Any], lr: np.ndarray, lr0: np.ndarray, k: int) -> np.ndarray:
    return lr


def _exponential_next(p: Mapping[str, Any], lr: np.ndarray, lr0: np.ndarray, k: int) -> np.ndarray:
    # ExponentialLR.get_lr: group["lr"] * gamma
    return lr * p["gamma"]


def _step_next(p: Mapping[str, Any], lr: np.ndarray, lr0: np.ndarray, k: int) -> np.ndarray:
    # StepLR.get_lr: unchanged unless last_epoch is a non-zero multiple of step_size
    if k == 0 or k % p["step_size"] != 0:
        return lr
    return lr * p["gamma"]


def _cosine_next(p: Mapping[str, Any], lr: np.ndarray, lr0: np.ndarray, k: int) -> np.ndarray:
    # CosineAnnealingLR.get_lr (recursive form), Python floats for the step-only factors
    t_max, eta_min = p["T_max"], p["eta_min"]
    if (k - 1 - t_max) % (2 * t_max) == 0:
        return lr + (lr0 - eta_min) * (1 - math.cos(math.pi / t_max)) / 2
    factor = (1 + math.cos(math.pi * k / t_max)) / (1 + math.cos(math.pi * (k - 1) / t_max))
    return factor * (lr - eta_min) + eta_min


def _inverse_time_factor(p: Mapping[str, Any], k: int) -> float:
    # the LambdaLR lambda: 1 / (1 + decay_rate * k / decay_steps)
    return 1.0 / (1.0 + p["decay_rate"] * k / p["decay_steps"])


def _inverse_time_initial(p: Mapping[str, Any], lr0: np.ndarray) -> np.ndarray:
    return lr0 * _inverse_time_factor(p, 0)


def _inverse_time_next(p: Mapping[str, Any], lr: np.ndarray, lr0: np.ndarray, k: int) -> np.ndarray:
    # LambdaLR.get_lr: base_lr * lmbda(last_epoch)
    return lr0 * _inverse_time_factor(p, k)


def _warmup_initial(p: Mapping[str, Any], lr0: np.ndarray) -> np.ndarray:
    # LinearLR.get_lr at last_epoch == 0 (its constructor): group["lr"] * start_factor
    return lr0 * p["start_factor"]


def _warmup_next(p: Mapping[str, Any], lr: np.ndarray, lr0: np.ndarray, k: int) -> np.ndarray:
    # LinearLR.get_lr: unchanged after total_iters, else a ratio of consecutive factors
    start, end, total = p["start_factor"], p["end_factor"], p["total_iters"]
    if k > total:
        return lr
    return lr * (1.0 + (end - start) / (total * start + (k - 1) * (end - start)))


_GAMMA = _Param("gamma", _REQUIRED, low=0.0, low_open=True, high=1.0, doc="decay factor")

_INFOS = (
    ScheduleInfo("constant", "(none)", "the same rate at every step", (), _same, _constant_next),
    ScheduleInfo(
        "exponential",
        "ExponentialLR",
        "multiply the rate by gamma after every step",
        (_GAMMA,),
        _same,
        _exponential_next,
    ),
    ScheduleInfo(
        "step",
        "StepLR",
        "multiply the rate by gamma every step_size steps",
        (
            _Param("step_size", _REQUIRED, integer=True, low=1.0, doc="steps between decays"),
            _Param("gamma", 0.1, low=0.0, low_open=True, high=1.0, doc="decay factor"),
        ),
        _same,
        _step_next,
    ),
    ScheduleInfo(
        "cosine",
        "CosineAnnealingLR",
        "cosine annealing from lr0 to eta_min over T_max steps",
        (
            _Param("T_max", _REQUIRED, integer=True, low=1.0, doc="half period in steps"),
            _Param("eta_min", 0.0, doc="minimum rate"),
        ),
        _same,
        _cosine_next,
    ),
    ScheduleInfo(
        "inverse-time",
        "LambdaLR",
        "lr0 / (1 + decay_rate * k / decay_steps)",
        (
            _Param("decay_rate", _REQUIRED, doc="decay rate"),
            _Param("decay_steps", 1.0, low=0.0, low_open=True, doc="time scale in steps"),
        ),
        _inverse_time_initial,
        _inverse_time_next,
    ),
    ScheduleInfo(
        "warmup",
        "LinearLR",
        "linear warm-up from start_factor*lr0 to end_factor*lr0 over total_iters steps",
        (
            _Param("start_factor", 1.0 / 3, low=0.0, low_open=True, high=1.0, doc="first factor"),
            _Param("end_factor", 1.0, high=1.0, doc="final factor"),
            _Param("total_iters", 5, integer=True, low=1.0, doc="steps of the ramp"),
        ),
        _warmup_initial,
        _warmup_next,
    ),
)

#: Schedule kinds by name.
SCHEDULES: Mapping[str, ScheduleInfo] = MappingProxyType({i.kind: i for i in _INFOS})


def schedule_names() -> list[str]:
    """Every schedule kind."""
    return list(SCHEDULES)


def _format_value(value: Any) -> str:
    return repr(value) if isinstance(value, float) else str(value)


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
        p.name if p.default is _REQUIRED else f"{p.name}={_format_value(p.default)}"
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
                values[param.name] = param.check(info.kind, given[param.name])
            elif param.default is _REQUIRED:
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
        items = ",".join(f"{k}={_format_value(v)}" for k, v in self.params.items())
        return f"{self.kind}:{items}"

    def __repr__(self) -> str:
        return f"Schedule({str(self)!r})"

    @property
    def info(self) -> ScheduleInfo:
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
            try:
                number = float(value)
            except ValueError:
                raise ValueError(
                    f"invalid {key} for {info.kind} schedule: {value!r} (expected a number)"
                ) from None
            params[key] = number
    return Schedule(info.kind, params)
