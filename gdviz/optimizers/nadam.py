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
    apply_weight_decay,
    ema_square,
    lerp,
    zeros,
)

PARAMS = (
    BETAS,
    EPS,
    WEIGHT_DECAY,
    Hyperparameter("momentum_decay", 4e-3, "Momentum decay ψ"),
    DECOUPLED,
)


def init(hp: Mapping[str, Any], shape: tuple[int, ...]) -> State:
    """Fresh state: ``exp_avg``, ``exp_avg_sq`` and ``mu_product`` (ones, one per element)."""
    state = zeros(("exp_avg", "exp_avg_sq"), shape)
    state["mu_product"] = np.ones((*shape[:-1], 1), dtype=np.float64)
    return state


@document(PARAMS)
def nadam(
    hp: Mapping[str, Any],
    step: int,
    lr: Any,
    g: np.ndarray,
    p: np.ndarray,
    st: State,
    t: list[np.ndarray],
) -> None:
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
    t1, t2 = t
    beta1, beta2 = hp["betas"]
    momentum_decay = hp["momentum_decay"]
    fstep = float(step)
    bias_correction2 = 1 - beta2**fstep
    apply_weight_decay(hp, lr, g, p, t1)
    mu = beta1 * (1.0 - 0.5 * (0.96 ** (fstep * momentum_decay)))
    mu_next = beta1 * (1.0 - 0.5 * (0.96 ** ((fstep + 1) * momentum_decay)))
    mu_product = st["mu_product"]
    np.multiply(mu_product, mu, out=mu_product)  # torch: mu_product *= mu
    exp_avg, exp_avg_sq = st["exp_avg"], st["exp_avg_sq"]
    lerp(exp_avg, g, 1 - beta1, t1)
    ema_square(exp_avg_sq, g, beta2, t1)
    np.divide(exp_avg_sq, bias_correction2, out=t1)
    np.sqrt(t1, out=t1)
    np.add(t1, hp["eps"], out=t1)
    mu_product_next = mu_product * mu_next
    value_grad = -lr * (1.0 - mu) / (1.0 - mu_product)
    value_avg = (-lr * mu_next) / (1.0 - mu_product_next)
    addcdiv(p, g, t1, value_grad, t2)
    addcdiv(p, exp_avg, t1, value_avg, t2)
