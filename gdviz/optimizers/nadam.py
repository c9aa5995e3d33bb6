"""NAdam: Adam with Nesterov momentum (``torch.optim.NAdam``)."""

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

PARAMS = (
    BETAS,
    EPS,
    WEIGHT_DECAY,
    Hyperparameter("momentum_decay", 4e-3, "Momentum decay ψ"),
    DECOUPLED,
)


#: The rule's state tuple, by torch's names.
STATE = ("exp_avg", "exp_avg_sq", "mu_product")
Hyperparameters = hyperparameter_tuple(__name__, PARAMS)


def init(hp: Mapping[str, Any], shape: tuple[int, ...]) -> State:
    """Fresh state: ``exp_avg``, ``exp_avg_sq`` and ``mu_product`` (ones, one per element)."""
    state = zeros(STATE[:2], shape)
    state["mu_product"] = np.ones((*shape[:-1], 1), dtype=np.float64)
    return state


def coefficients(h: Any, step: int) -> tuple[float, ...]:
    """:math:`1 - β_2^t`, :math:`μ_t` and :math:`μ_{t+1}`."""
    beta1, beta2 = h.betas
    fstep = float(step)
    mu = beta1 * (1.0 - 0.5 * (0.96 ** (fstep * h.momentum_decay)))
    mu_next = beta1 * (1.0 - 0.5 * (0.96 ** ((fstep + 1) * h.momentum_decay)))
    return (1 - beta2**fstep, mu, mu_next)


@document(PARAMS)
def nadam(
    h: Any, c: Any, lr: Any, g: Any, p: Any, s: tuple[Any, ...]
) -> tuple[Any, tuple[Any, ...]]:
    r"""NAdam, Adam with Nesterov momentum (``torch.optim.NAdam``).

    Update rule, as torch writes it (:math:`\gamma` lr, :math:`\lambda` weight_decay,
    :math:`\psi` momentum_decay)::

        g_t ← ∇f(θ_{t-1});  θ_t ← θ_{t-1}
        if λ ≠ 0:
            if decoupled_weight_decay:  θ_t ← θ_{t-1} - γ λ θ_{t-1}
            else:                       g_t ← g_t + λ θ_{t-1}
        μ_t ← β1 (1 - ½ 0.96^(t ψ))
        μ_{t+1} ← β1 (1 - ½ 0.96^((t+1) ψ))
        m_t ← β1 m_{t-1} + (1 - β1) g_t
        v_t ← β2 v_{t-1} + (1 - β2) g_t²
        m̂_t ← μ_{t+1} m_t / (1 - ∏_{i=1}^{t+1} μ_i) + (1 - μ_t) g_t / (1 - ∏_{i=1}^{t} μ_i)
        v̂_t ← v_t / (1 - β2^t)
        θ_t ← θ_t - γ m̂_t / (√v̂_t + ε)

    Notes
    -----
    State: ``exp_avg``, ``exp_avg_sq`` and ``mu_product`` (∏ μ_i, one per batch element, shape
    ``(*batch, 1)``; torch keeps it per parameter tensor, in float64 when the default dtype is
    float64). torch default lr: 2e-3.
    """
    exp_avg, exp_avg_sq, mu_product = s
    beta1, beta2 = h.betas
    bias_correction2, mu, mu_next = c[0], c[1], c[2]
    g, p = weight_decay(h.weight_decay, h.decoupled_weight_decay, lr, g, p)
    mu_product = mu_product * mu  # torch: mu_product *= mu
    exp_avg = lerp(exp_avg, g, 1 - beta1)
    exp_avg_sq = ema_square(exp_avg_sq, g, beta2)
    denom = np.sqrt(exp_avg_sq / bias_correction2) + h.eps
    mu_product_next = mu_product * mu_next
    value_grad = -lr * (1.0 - mu) / (1.0 - mu_product)
    value_avg = (-lr * mu_next) / (1.0 - mu_product_next)
    p = addcdiv(p, g, denom, value_grad)
    p = addcdiv(p, exp_avg, denom, value_avg)
    return p, (exp_avg, exp_avg_sq, mu_product)
