"""SGD: gradient descent, optionally with (Nesterov) momentum (``torch.optim.SGD``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from gdviz.hyperparams import Hyperparameter, document
from gdviz.optimizers._shared import WEIGHT_DECAY, State, weight_decay, zeros

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


def init(hp: Mapping[str, Any], shape: tuple[int, ...]) -> State:
    """Fresh state: ``momentum_buffer`` when μ ≠ 0, else none."""
    return zeros(("momentum_buffer",) if hp["momentum"] != 0 else (), shape)


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
def sgd(
    hp: Mapping[str, Any],
    step: int,
    lr: Any,
    g: np.ndarray,
    p: np.ndarray,
    st: State,
    t: list[np.ndarray],
) -> None:
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
    (t1,) = t
    momentum = hp["momentum"]
    if hp["weight_decay"] != 0:
        weight_decay(g, p, hp["weight_decay"], t1)
    direction = g
    if momentum != 0:
        buf = st["momentum_buffer"]
        if step == 1:
            np.copyto(buf, g)
        else:
            np.multiply(buf, momentum, out=buf)
            np.multiply(g, 1 - hp["dampening"], out=t1)
            np.add(buf, t1, out=buf)
        if hp["nesterov"]:
            np.multiply(buf, momentum, out=t1)
            np.add(g, t1, out=g)
        else:
            direction = buf
    np.multiply(direction, -lr, out=t1)
    np.add(p, t1, out=p)
