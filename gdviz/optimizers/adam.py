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
    ema_square,
    hyperparameter_tuple,
    lerp,
    weight_decay,
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


#: The rule's state tuple, by torch's names (``max_exp_avg_sq`` only with amsgrad).
STATE = ("exp_avg", "exp_avg_sq", "max_exp_avg_sq")
Hyperparameters = hyperparameter_tuple(__name__, PARAMS)


def init(hp: Mapping[str, Any], shape: tuple[int, ...]) -> State:
    """Fresh state: ``exp_avg``, ``exp_avg_sq`` (and ``max_exp_avg_sq`` with amsgrad)."""
    return zeros(STATE if hp["amsgrad"] else STATE[:2], shape)


def coefficients(h: Any, step: int) -> tuple[float, ...]:
    """The bias corrections :math:`1 - β_1^t` and :math:`\\sqrt{1 - β_2^t}`."""
    beta1, beta2 = h.betas
    return (1 - beta1 ** float(step), (1 - beta2 ** float(step)) ** 0.5)


@document(PARAMS)
def adam(
    h: Any, c: Any, lr: Any, g: Any, p: Any, s: tuple[Any, ...]
) -> tuple[Any, tuple[Any, ...]]:
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
    exp_avg, exp_avg_sq, max_exp_avg_sq = s
    beta1, beta2 = h.betas
    g, p = weight_decay(h.weight_decay, h.decoupled_weight_decay, lr, g, p)
    exp_avg = lerp(exp_avg, g, 1 - beta1)
    exp_avg_sq = ema_square(exp_avg_sq, g, beta2)
    second = exp_avg_sq
    if h.amsgrad:
        max_exp_avg_sq = np.maximum(max_exp_avg_sq, exp_avg_sq)
        second = max_exp_avg_sq
    denom = np.sqrt(second) / c[1] + h.eps
    p = addcdiv(p, exp_avg, denom, -(lr / c[0]))
    return p, (exp_avg, exp_avg_sq, max_exp_avg_sq)
