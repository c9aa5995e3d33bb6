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
    ema_square,
    hyperparameter_tuple,
    lerp,
    weight_decay,
    zeros,
)

PARAMS = (BETAS, EPS, WEIGHT_DECAY, DECOUPLED)


#: The rule's state tuple, by torch's names.
STATE = ("exp_avg", "exp_avg_sq")
Hyperparameters = hyperparameter_tuple(__name__, PARAMS)


def init(hp: Mapping[str, Any], shape: tuple[int, ...]) -> State:
    """Fresh state: ``exp_avg``, ``exp_avg_sq``."""
    return zeros(STATE, shape)


def coefficients(h: Any, step: int) -> tuple[float, ...]:
    """:math:`1 - β_1^t`; 1.0 if :math:`ρ_t > 5` else 0.0; :math:`r_t`; :math:`\\sqrt{1 - β_2^t}`.

    Computed as torch computes them.
    """
    beta1, beta2 = h.betas
    fstep = float(step)
    bias_correction1 = 1 - beta1**fstep
    bias_correction2 = 1 - beta2**fstep
    rho_inf = 2 / (1 - beta2) - 1
    rho_t = rho_inf - 2 * fstep * (beta2**fstep) / bias_correction2
    if not rho_t > 5.0:
        return (bias_correction1, 0.0, 0.0, 0.0)
    rect = ((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5
    return (bias_correction1, 1.0, rect, bias_correction2**0.5)


@document(PARAMS)
def radam(
    h: Any, c: Any, lr: Any, g: Any, p: Any, s: tuple[Any, ...]
) -> tuple[Any, tuple[Any, ...]]:
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
    exp_avg, exp_avg_sq = s
    beta1, beta2 = h.betas
    g, p = weight_decay(h.weight_decay, h.decoupled_weight_decay, lr, g, p)
    exp_avg = lerp(exp_avg, g, 1 - beta1)
    exp_avg_sq = ema_square(exp_avg_sq, g, beta2)
    step = (exp_avg / c[0]) * lr  # the bias-corrected exp_avg times γ
    if c[1] == 1.0:  # rectified: γ m̂_t r_t l_t, l_t = reciprocal(√v_t + ε) · √(1 - β2^t)
        adaptive = (1.0 / (np.sqrt(exp_avg_sq) + h.eps)) * c[3]
        step = (step * adaptive) * c[2]
    return p - step, (exp_avg, exp_avg_sq)
