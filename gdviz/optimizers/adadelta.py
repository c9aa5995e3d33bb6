"""Adadelta: steps from running averages of squared gradients and updates."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from gdviz.hyperparams import Hyperparameter, document
from gdviz.optimizers._shared import WEIGHT_DECAY, State, ema_square, weight_decay, zeros

PARAMS = (
    Hyperparameter("rho", 0.9, "Decay ρ of the running averages", high=1.0),
    Hyperparameter("eps", 1e-6, "ε added inside the square roots"),
    WEIGHT_DECAY,
)


def init(hp: Mapping[str, Any], shape: tuple[int, ...]) -> State:
    """Fresh state: ``square_avg``, ``acc_delta``."""
    return zeros(("square_avg", "acc_delta"), shape)


@document(PARAMS)
def adadelta(
    hp: Mapping[str, Any],
    step: int,
    lr: Any,
    g: np.ndarray,
    p: np.ndarray,
    st: State,
    t: list[np.ndarray],
) -> None:
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
    t1, t2 = t
    rho = hp["rho"]
    eps = hp["eps"]
    if hp["weight_decay"] != 0:
        weight_decay(g, p, hp["weight_decay"], t1)
    square_avg, acc_delta = st["square_avg"], st["acc_delta"]
    ema_square(square_avg, g, rho, t1)
    np.add(square_avg, eps, out=t1)
    np.sqrt(t1, out=t1)  # std
    np.add(acc_delta, eps, out=t2)
    np.sqrt(t2, out=t2)  # delta
    np.divide(t2, t1, out=t2)
    np.multiply(t2, g, out=t2)
    ema_square(acc_delta, t2, rho, t1)
    np.multiply(t2, -lr, out=t1)
    np.add(p, t1, out=p)
