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


def init(hp: Mapping[str, Any], shape: tuple[int, ...]) -> State:
    """Fresh state: ``square_avg`` (``momentum_buffer`` when μ > 0, ``grad_avg`` if centered)."""
    names = ["square_avg"]
    if hp["momentum"] > 0:
        names.append("momentum_buffer")
    if hp["centered"]:
        names.append("grad_avg")
    return zeros(names, shape)


@document(PARAMS)
def rmsprop(
    hp: Mapping[str, Any],
    step: int,
    lr: Any,
    g: np.ndarray,
    p: np.ndarray,
    st: State,
    t: list[np.ndarray],
) -> None:
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
    t1, t2 = t
    alpha = hp["alpha"]
    if hp["weight_decay"] != 0:
        weight_decay(g, p, hp["weight_decay"], t1)
    square_avg = st["square_avg"]
    ema_square(square_avg, g, alpha, t1)
    if hp["centered"]:
        grad_avg = st["grad_avg"]
        lerp(grad_avg, g, 1 - alpha, t1)
        np.multiply(grad_avg, grad_avg, out=t1)
        np.subtract(square_avg, t1, out=t1)
        np.sqrt(t1, out=t1)
    else:
        np.sqrt(square_avg, out=t1)
    np.add(t1, hp["eps"], out=t1)
    if hp["momentum"] > 0:
        buf = st["momentum_buffer"]
        np.multiply(buf, hp["momentum"], out=buf)
        np.divide(g, t1, out=t2)
        np.add(buf, t2, out=buf)
        np.multiply(buf, -lr, out=t2)
        np.add(p, t2, out=p)
    else:
        addcdiv(p, g, t1, -lr, t2)
