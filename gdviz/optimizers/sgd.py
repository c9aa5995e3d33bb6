"""SGD: gradient descent, optionally with (Nesterov) momentum (``torch.optim.SGD``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gdviz.hyperparams import Hyperparameter, document
from gdviz.optimizers._shared import (
    WEIGHT_DECAY,
    State,
    hyperparameter_tuple,
    weight_decay,
    zeros,
)

PARAMS = (
    Hyperparameter("momentum", 0.0, "Momentum factor μ"),
    Hyperparameter("dampening", 0.0, "Dampening τ of the momentum", high=1.0),
    WEIGHT_DECAY,
    Hyperparameter(
        "nesterov",
        False,
        "Nesterov momentum (needs momentum > 0 and dampening = 0)",
        kind="bool",
    ),
)


#: The rule's state tuple, by torch's names (only when μ ≠ 0).
STATE = ("momentum_buffer",)
Hyperparameters = hyperparameter_tuple(__name__, PARAMS)


def init(hp: Mapping[str, Any], shape: tuple[int, ...]) -> State:
    """Fresh state: ``momentum_buffer`` when μ ≠ 0, else none."""
    return zeros(STATE if hp["momentum"] != 0 else (), shape)


def coefficients(h: Any, step: int) -> tuple[float, ...]:
    """1.0 on torch's first step (the buffer is then a copy of the gradient), else 0.0."""
    return (1.0 if step == 1 else 0.0,)


def check(hp: Mapping[str, Any]) -> None:
    """Check as torch does: Nesterov momentum needs momentum > 0 and dampening = 0."""
    if not hp["nesterov"]:
        return
    if hp["momentum"] <= 0:
        raise ValueError(
            f"invalid nesterov for sgd: True with momentum={hp['momentum']!r} "
            "(Nesterov momentum needs momentum > 0)"
        )
    if hp["dampening"] != 0:
        raise ValueError(
            f"invalid nesterov for sgd: True with dampening={hp['dampening']!r} "
            "(Nesterov momentum needs dampening = 0)"
        )


@document(PARAMS)
def sgd(h: Any, c: Any, lr: Any, g: Any, p: Any, s: tuple[Any, ...]) -> tuple[Any, tuple[Any, ...]]:
    r"""Stochastic gradient descent, optionally with momentum (``torch.optim.SGD``).

    Update rule, as torch writes it (:math:`\gamma` lr, :math:`\lambda` weight_decay,
    :math:`\mu` momentum, :math:`\tau` dampening)::

        g_t ← ∇f(θ_{t-1})
        if λ ≠ 0:  g_t ← g_t + λ θ_{t-1}
        if μ ≠ 0:
            if t > 1:  b_t ← μ b_{t-1} + (1 - τ) g_t
            else:      b_t ← g_t
            if nesterov:  g_t ← g_t + μ b_t
            else:         g_t ← b_t
        θ_t ← θ_{t-1} - γ g_t

    Notes
    -----
    State: ``momentum_buffer`` (when μ ≠ 0). torch's first step copies the gradient into the
    buffer (``t = 1`` above). torch default lr: 1e-3.
    """
    (buf,) = s
    g, p = weight_decay(h.weight_decay, False, lr, g, p)
    direction = g
    if h.momentum != 0:
        buf = g if c[0] == 1.0 else buf * h.momentum + g * (1 - h.dampening)
        direction = g + buf * h.momentum if h.nesterov else buf
    return p + direction * (-lr), (buf,)
