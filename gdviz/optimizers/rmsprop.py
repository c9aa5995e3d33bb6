"""RMSprop: divide the gradient by a running average of its magnitude (``torch.optim.RMSprop``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from gdviz.hyperparams import Hyperparameter, document
from gdviz.optimizers._shared import (
    EPS,
    WEIGHT_DECAY,
    State,
    addcdiv,
    ema_square,
    hyperparameter_tuple,
    lerp,
    weight_decay,
    zeros,
)

PARAMS = (
    Hyperparameter("alpha", 0.99, "Smoothing constant α", high=1.0),
    EPS,
    WEIGHT_DECAY,
    Hyperparameter("momentum", 0.0, "Momentum factor μ"),
    Hyperparameter(
        "centered", False, "Normalise by an estimate of the gradient's variance", kind="bool"
    ),
)


#: The rule's state tuple, by torch's names (``momentum_buffer`` when μ > 0, ``grad_avg``
#: when centered).
STATE = ("square_avg", "momentum_buffer", "grad_avg")
Hyperparameters = hyperparameter_tuple(__name__, PARAMS)


def init(hp: Mapping[str, Any], shape: tuple[int, ...]) -> State:
    """Fresh state: ``square_avg`` (``momentum_buffer`` when μ > 0, ``grad_avg`` if centered)."""
    names = ["square_avg"]
    if hp["momentum"] > 0:
        names.append("momentum_buffer")
    if hp["centered"]:
        names.append("grad_avg")
    return zeros(names, shape)


def coefficients(h: Any, step: int) -> tuple[float, ...]:
    """None: RMSprop's update does not depend on the step."""
    return ()


@document(PARAMS)
def rmsprop(
    h: Any, c: Any, lr: Any, g: Any, p: Any, s: tuple[Any, ...]
) -> tuple[Any, tuple[Any, ...]]:
    r"""RMSprop (``torch.optim.RMSprop``).

    Update rule, as torch writes it (:math:`\gamma` lr, :math:`\lambda` weight_decay,
    :math:`\mu` momentum)::

        g_t ← ∇f(θ_{t-1})
        if λ ≠ 0:  g_t ← g_t + λ θ_{t-1}
        v_t ← α v_{t-1} + (1 - α) g_t²
        ṽ_t ← v_t
        if centered:
            g^ave_t ← α g^ave_{t-1} + (1 - α) g_t
            ṽ_t ← ṽ_t - (g^ave_t)²
        if μ > 0:
            b_t ← μ b_{t-1} + g_t / (√ṽ_t + ε)
            θ_t ← θ_{t-1} - γ b_t
        else:
            θ_t ← θ_{t-1} - γ g_t / (√ṽ_t + ε)

    Notes
    -----
    State: ``square_avg`` (and ``grad_avg`` when centered, ``momentum_buffer`` when μ > 0).
    torch default lr: 1e-2.
    """
    square_avg, buf, grad_avg = s
    g, p = weight_decay(h.weight_decay, False, lr, g, p)
    square_avg = ema_square(square_avg, g, h.alpha)
    if h.centered:
        grad_avg = lerp(grad_avg, g, 1 - h.alpha)
        avg = np.sqrt(square_avg - grad_avg * grad_avg)
    else:
        avg = np.sqrt(square_avg)
    avg = avg + h.eps
    if h.momentum > 0:
        buf = buf * h.momentum + g / avg
        p = p + buf * (-lr)
    else:
        p = addcdiv(p, g, avg, -lr)
    return p, (square_avg, buf, grad_avg)
