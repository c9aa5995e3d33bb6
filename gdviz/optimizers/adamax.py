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
    hyperparameter_tuple,
    lerp,
    weight_decay,
    zeros,
)

PARAMS = (BETAS, EPS, WEIGHT_DECAY)


#: The rule's state tuple, by torch's names.
STATE = ("exp_avg", "exp_inf")
Hyperparameters = hyperparameter_tuple(__name__, PARAMS)


def init(hp: Mapping[str, Any], shape: tuple[int, ...]) -> State:
    """Fresh state: ``exp_avg``, ``exp_inf``."""
    return zeros(STATE, shape)


def coefficients(h: Any, step: int) -> tuple[float, ...]:
    """The bias correction :math:`1 - β_1^t`."""
    return (1 - h.betas[0] ** float(step),)


@document(PARAMS)
def adamax(
    h: Any, c: Any, lr: Any, g: Any, p: Any, s: tuple[Any, ...]
) -> tuple[Any, tuple[Any, ...]]:
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
    exp_avg, exp_inf = s
    beta1, beta2 = h.betas
    g, p = weight_decay(h.weight_decay, False, lr, g, p)
    exp_avg = lerp(exp_avg, g, 1 - beta1)
    exp_inf = np.maximum(exp_inf * beta2, np.abs(g) + h.eps)
    p = addcdiv(p, exp_avg, exp_inf, -(lr / c[0]))
    return p, (exp_avg, exp_inf)
