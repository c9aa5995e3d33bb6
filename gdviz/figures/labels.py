"""Legend and caption text, composed from the runs themselves (never typed by hand)."""

from __future__ import annotations

from collections.abc import Sequence

from gdviz.experiments import RunConfig
from gdviz.numbers import format_number
from gdviz.style import optimizer_label
from gdviz.trajectory import Trajectory

__all__ = ["describe_params", "describe_schedule", "initial_lr", "point_text", "run_label"]

_SYMBOLS = {
    "gamma": "γ",
    "momentum": "momentum",
    "alpha": "α",
    "eta_min": "η_min",
    "betas": "β",
    "eps": "ε",
    "rho": "ρ",
}


def _value_text(value: object) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float):
        return format_number(float(value), 4)
    if isinstance(value, tuple | list):
        return "(" + ", ".join(_value_text(v) for v in value) + ")"
    return str(value)


def describe_params(params: dict[str, object]) -> str:
    """``{"momentum": 0.9}`` → ``"momentum 0.9"``; ``{"alpha": 0.9}`` → ``"α 0.9"``."""
    return ", ".join(f"{_SYMBOLS.get(k, k)} {_value_text(v)}" for k, v in params.items())


def describe_schedule(text: str | None) -> str:
    """``"exponential:gamma=0.99"`` → ``"exponential (γ = 0.99)"`` (empty for a constant rate)."""
    if not text:
        return ""
    kind, _, rest = text.partition(":")
    parts = []
    for item in filter(None, rest.split(",")):
        key, _, value = item.partition("=")
        try:
            shown = format_number(float(value), 4)
        except ValueError:
            shown = value
        parts.append(f"{_SYMBOLS.get(key.strip(), key.strip())} = {shown}")
    return f"{kind} ({', '.join(parts)})" if parts else kind


def initial_lr(trajectory: Trajectory) -> float:
    """The run's initial learning rate :math:`\\eta_0`, from its spec (NaN if it has none)."""
    return trajectory.spec.lr if trajectory.spec is not None else float("nan")


def run_label(
    config: RunConfig,
    trajectory: Trajectory,
    *,
    optimizer: bool = True,
    lr: bool = True,
    params: bool = True,
) -> str:
    """A run's legend entry from its own spec: ``"Momentum, lr 0.02"``,
    ``"lr 0.1, exponential (γ = 0.99)"``.

    The learning rate is the run's initial rate as recorded in ``trajectory.spec``; the
    hyperparameters are those the run set explicitly (``config.params``).
    """
    parts = []
    if optimizer:
        parts.append(optimizer_label(config.optimizer))
    if lr:
        rate = trajectory.spec.lr if trajectory.spec is not None else config.lr
        parts.append(f"lr {format_number(rate, 4)}")
    if params and config.params:
        parts.append(describe_params(dict(config.params)))
    schedule = trajectory.spec.schedule if trajectory.spec is not None else config.schedule
    if schedule:
        parts.append(describe_schedule(schedule))
    return ", ".join(parts)


def point_text(variables: tuple[str, ...], point: Sequence[float], digits: int = 3) -> str:
    """``("x", "y"), (3, 2)`` → ``"x = 3, y = 2"``."""
    return ", ".join(
        f"{name} = {format_number(float(value), digits)}"
        for name, value in zip(variables, point, strict=True)
    )
