"""Adadelta: steps from running averages of squared gradients and updates."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from gdviz.hyperparams import Hyperparameter, document
from gdviz.optimizers._shared import (
    WEIGHT_DECAY,
    State,
    ema_square,
    hyperparameter_tuple,
    weight_decay,
    zeros,
)

PARAMS = (
    Hyperparameter("rho", 0.9, "Decay ρ of the running averages", high=1.0),
    Hyperparameter("eps", 1e-6, "ε added inside the square roots"),
    WEIGHT_DECAY,
)


#: The rule's state tuple, by torch's names.
STATE = ("square_avg", "acc_delta")
Hyperparameters = hyperparameter_tuple(__name__, PARAMS)


def init(hp: Mapping[str, Any], shape: tuple[int, ...]) -> State:
    """Fresh state: ``square_avg``, ``acc_delta``."""
    return zeros(STATE, shape)


def coefficients(h: Any, step: int) -> tuple[float, ...]:
    """None: Adadelta's update does not depend on the step."""
    return ()


@document(PARAMS)
def adadelta(
    h: Any, c: Any, lr: Any, g: Any, p: Any, s: tuple[Any, ...]
) -> tuple[Any, tuple[Any, ...]]:
    r"""Adadelta (``torch.optim.Adadelta``).

    Update rule, as torch writes it (:math:`\gamma` lr, :math:`\rho` rho,
    :math:`\lambda` weight_decay)::

        g_t ← ∇f(θ_{t-1})
        if λ ≠ 0:  g_t ← g_t + λ θ_{t-1}
        v_t ← v_{t-1} ρ + g_t² (1 - ρ)
        Δx_t ← √(u_{t-1} + ε) / √(v_t + ε) · g_t
        u_t ← u_{t-1} ρ + Δx_t² (1 - ρ)
        θ_t ← θ_{t-1} - γ Δx_t

    Notes
    -----
    State: ``square_avg``, ``acc_delta``. torch default lr: 1.0.
    """
    square_avg, acc_delta = s
    g, p = weight_decay(h.weight_decay, False, lr, g, p)
    square_avg = ema_square(square_avg, g, h.rho)
    std = np.sqrt(square_avg + h.eps)
    delta = (np.sqrt(acc_delta + h.eps) / std) * g
    acc_delta = ema_square(acc_delta, delta, h.rho)
    return p + delta * (-lr), (square_avg, acc_delta)
