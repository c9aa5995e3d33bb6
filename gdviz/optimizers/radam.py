"""RAdam: Adam with a rectified variance estimate (``torch.optim.RAdam``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from gdviz.hyperparams import document
from gdviz.optimizers._shared import (
    BETAS,
    DECOUPLED,
    EPS,
    WEIGHT_DECAY,
    State,
    apply_weight_decay,
    ema_square,
    lerp,
    zeros,
)

PARAMS = (BETAS, EPS, WEIGHT_DECAY, DECOUPLED)


def init(hp: Mapping[str, Any], shape: tuple[int, ...]) -> State:
    """Fresh state: ``exp_avg``, ``exp_avg_sq``."""
    return zeros(("exp_avg", "exp_avg_sq"), shape)


@document(PARAMS)
def radam(
    hp: Mapping[str, Any],
    step: int,
    lr: Any,
    g: np.ndarray,
    p: np.ndarray,
    st: State,
    t: list[np.ndarray],
) -> None:
    r"""RAdam, rectified Adam (``torch.optim.RAdam``).

    Update rule, as torch writes it (:math:`\gamma` lr, :math:`\lambda` weight_decay)::

        ρ_∞ ← 2 / (1 - β2) - 1
        g_t ← ∇f(θ_{t-1});  θ_t ← θ_{t-1}
        if λ ≠ 0:
            if decoupled_weight_decay:  θ_t ← θ_t - γ λ θ_t
            else:                       g_t ← g_t + λ θ_t
        m_t ← β1 m_{t-1} + (1 - β1) g_t
        v_t ← β2 v_{t-1} + (1 - β2) g_t²
        m̂_t ← m_t / (1 - β1^t)
        ρ_t ← ρ_∞ - 2 t β2^t / (1 - β2^t)
        if ρ_t > 5:
            l_t ← √(1 - β2^t) / (√v_t + ε)
            r_t ← √((ρ_t - 4)(ρ_t - 2) ρ_∞ / ((ρ_∞ - 4)(ρ_∞ - 2) ρ_t))
            θ_t ← θ_t - γ m̂_t r_t l_t
        else:
            θ_t ← θ_t - γ m̂_t

    Notes
    -----
    State: ``exp_avg``, ``exp_avg_sq``. As in torch, ``l_t`` is computed as
    ``reciprocal(√v_t + ε) · √(1 - β2^t)`` (torch's ``scalar / tensor``). torch default lr: 1e-3.
    """
    t1, t2 = t
    beta1, beta2 = hp["betas"]
    apply_weight_decay(hp, lr, g, p, t1)
    exp_avg, exp_avg_sq = st["exp_avg"], st["exp_avg_sq"]
    lerp(exp_avg, g, 1 - beta1, t1)
    ema_square(exp_avg_sq, g, beta2, t1)
    fstep = float(step)
    bias_correction1 = 1 - beta1**fstep
    bias_correction2 = 1 - beta2**fstep
    np.divide(exp_avg, bias_correction1, out=t2)  # bias-corrected exp_avg
    rho_inf = 2 / (1 - beta2) - 1
    rho_t = rho_inf - 2 * fstep * (beta2**fstep) / bias_correction2
    np.multiply(t2, lr, out=t2)
    if rho_t > 5.0:
        rect = (
            (rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)
        ) ** 0.5
        np.sqrt(exp_avg_sq, out=t1)
        np.add(t1, hp["eps"], out=t1)
        np.reciprocal(t1, out=t1)
        np.multiply(t1, bias_correction2**0.5, out=t1)  # adaptive lr
        np.multiply(t2, t1, out=t2)
        np.multiply(t2, rect, out=t2)
    np.subtract(p, t2, out=p)
