"""Adamax: Adam with the infinity norm (``torch.optim.Adamax``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from gdviz.hyperparams import document
from gdviz.optimizers._shared import (
    BETAS,
    EPS,
    WEIGHT_DECAY,
    State,
    addcdiv,
    lerp,
    weight_decay,
    zeros,
)

PARAMS = (BETAS, EPS, WEIGHT_DECAY)


def init(hp: Mapping[str, Any], shape: tuple[int, ...]) -> State:
    """Fresh state: ``exp_avg``, ``exp_inf``."""
    return zeros(("exp_avg", "exp_inf"), shape)


@document(PARAMS)
def adamax(
    hp: Mapping[str, Any],
    step: int,
    lr: Any,
    g: np.ndarray,
    p: np.ndarray,
    st: State,
    t: list[np.ndarray],
) -> None:
    r"""Adamax, Adam with the infinity norm (``torch.optim.Adamax``).

    Update rule, as torch writes it (:math:`\gamma` lr, :math:`\lambda` weight_decay)::

        g_t ← ∇f(θ_{t-1})
        if λ ≠ 0:  g_t ← g_t + λ θ_{t-1}
        m_t ← β1 m_{t-1} + (1 - β1) g_t
        u_t ← max(β2 u_{t-1}, |g_t| + ε)
        θ_t ← θ_{t-1} - γ m_t / ((1 - β1^t) u_t)

    Notes
    -----
    State: ``exp_avg``, ``exp_inf``. torch default lr: 2e-3.
    """
    (t1,) = t
    beta1, beta2 = hp["betas"]
    if hp["weight_decay"] != 0:
        weight_decay(g, p, hp["weight_decay"], t1)
    exp_avg, exp_inf = st["exp_avg"], st["exp_inf"]
    lerp(exp_avg, g, 1 - beta1, t1)
    np.multiply(exp_inf, beta2, out=exp_inf)
    np.abs(g, out=t1)
    np.add(t1, hp["eps"], out=t1)
    np.maximum(exp_inf, t1, out=exp_inf)
    clr = lr / (1 - beta1 ** float(step))
    addcdiv(p, exp_avg, exp_inf, -clr, t1)
