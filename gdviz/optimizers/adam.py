"""Adam and AdamW: adaptive moment estimation (``torch.optim.Adam``, ``torch.optim.AdamW``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from gdviz.hyperparams import Hyperparameter, document
from gdviz.optimizers._shared import (
    BETAS,
    DECOUPLED,
    EPS,
    WEIGHT_DECAY,
    State,
    addcdiv,
    apply_weight_decay,
    ema_square,
    lerp,
    zeros,
)

AMSGRAD = Hyperparameter("amsgrad", False, "Use the running maximum of v_t (AMSGrad)", kind="bool")
PARAMS = (BETAS, EPS, WEIGHT_DECAY, AMSGRAD, DECOUPLED)
#: torch.optim.AdamW's arguments: its weight decay is always decoupled, by default 1e-2.
ADAMW_PARAMS = (
    BETAS,
    EPS,
    Hyperparameter("weight_decay", 1e-2, "Decoupled weight decay λ"),
    AMSGRAD,
)


def init(hp: Mapping[str, Any], shape: tuple[int, ...]) -> State:
    """Fresh state: ``exp_avg``, ``exp_avg_sq`` (and ``max_exp_avg_sq`` with amsgrad)."""
    names = (
        ("exp_avg", "exp_avg_sq", "max_exp_avg_sq") if hp["amsgrad"] else ("exp_avg", "exp_avg_sq")
    )
    return zeros(names, shape)


@document(PARAMS)
def adam(
    hp: Mapping[str, Any],
    step: int,
    lr: Any,
    g: np.ndarray,
    p: np.ndarray,
    st: State,
    t: list[np.ndarray],
) -> None:
    r"""Adam (``torch.optim.Adam``; ``torch.optim.AdamW`` with decoupled weight decay).

    Update rule, as torch writes it (:math:`\gamma` lr, :math:`\lambda` weight_decay)::

        g_t ← ∇f(θ_{t-1})
        if λ ≠ 0:
            if decoupled_weight_decay:  θ_{t-1} ← θ_{t-1} - γ λ θ_{t-1}
            else:                       g_t ← g_t + λ θ_{t-1}
        m_t ← β1 m_{t-1} + (1 - β1) g_t
        v_t ← β2 v_{t-1} + (1 - β2) g_t²
        m̂_t ← m_t / (1 - β1^t)
        if amsgrad:
            v_t^max ← max(v_{t-1}^max, v_t)
            v̂_t ← v_t^max / (1 - β2^t)
        else:
            v̂_t ← v_t / (1 - β2^t)
        θ_t ← θ_{t-1} - γ m̂_t / (√v̂_t + ε)

    Notes
    -----
    AdamW is this rule with ``decoupled_weight_decay`` built in and ``weight_decay`` 1e-2 by
    default. State: ``exp_avg``, ``exp_avg_sq`` (and ``max_exp_avg_sq`` with amsgrad). torch
    computes ``m_t`` with ``lerp_``, the denominator as ``√v_t / √(1 - β2^t) + ε`` and the step as
    ``θ + (-γ/(1 - β1^t)) · m_t / denom``; so does this code. torch default lr: 1e-3.
    """
    t1, t2 = t
    beta1, beta2 = hp["betas"]
    apply_weight_decay(hp, lr, g, p, t1)
    exp_avg, exp_avg_sq = st["exp_avg"], st["exp_avg_sq"]
    lerp(exp_avg, g, 1 - beta1, t1)
    ema_square(exp_avg_sq, g, beta2, t1)
    bias_correction1 = 1 - beta1 ** float(step)
    bias_correction2 = 1 - beta2 ** float(step)
    step_size = lr / bias_correction1
    bias_correction2_sqrt = bias_correction2**0.5
    second = exp_avg_sq
    if hp["amsgrad"]:
        second = st["max_exp_avg_sq"]
        np.maximum(second, exp_avg_sq, out=second)
    np.sqrt(second, out=t1)
    np.divide(t1, bias_correction2_sqrt, out=t1)
    np.add(t1, hp["eps"], out=t1)
    addcdiv(p, exp_avg, t1, -step_size, t2)
