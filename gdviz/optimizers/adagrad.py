"""Adagrad: per-coordinate steps shrinking with the sum of squared gradients."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from gdviz.hyperparams import Hyperparameter, document
from gdviz.optimizers._shared import (
    WEIGHT_DECAY,
    State,
    addcdiv,
    hyperparameter_tuple,
    weight_decay,
)

PARAMS = (
    Hyperparameter("lr_decay", 0.0, "Learning-rate decay η"),
    WEIGHT_DECAY,
    Hyperparameter("initial_accumulator_value", 0.0, "Initial value τ of the sum"),
    Hyperparameter("eps", 1e-10, "ε added to the denominator"),
)


#: The rule's state tuple, by torch's names.
STATE = ("sum",)
Hyperparameters = hyperparameter_tuple(__name__, PARAMS)


def init(hp: Mapping[str, Any], shape: tuple[int, ...]) -> State:
    """Fresh state: ``sum``, filled with ``initial_accumulator_value``."""
    return {"sum": np.full(shape, hp["initial_accumulator_value"], dtype=np.float64)}


def coefficients(h: Any, step: int) -> tuple[float, ...]:
    """The learning-rate decay's divisor :math:`1 + (t - 1) η`."""
    return (1 + (float(step) - 1) * h.lr_decay,)


@document(PARAMS)
def adagrad(
    h: Any, c: Any, lr: Any, g: Any, p: Any, s: tuple[Any, ...]
) -> tuple[Any, tuple[Any, ...]]:
    r"""Adagrad (``torch.optim.Adagrad``).

    Update rule, as torch writes it (:math:`\gamma` lr, :math:`\eta` lr_decay,
    :math:`\lambda` weight_decay, :math:`\tau` initial_accumulator_value)::

        state_sum_0 ← τ
        g_t ← ∇f(θ_{t-1})
        γ̃ ← γ / (1 + (t - 1) η)
        if λ ≠ 0:  g_t ← g_t + λ θ_{t-1}
        state_sum_t ← state_sum_{t-1} + g_t²
        θ_t ← θ_{t-1} - γ̃ g_t / (√state_sum_t + ε)

    Notes
    -----
    State: ``sum``. torch default lr: 1e-2.
    """
    (state_sum,) = s
    g, p = weight_decay(h.weight_decay, False, lr, g, p)
    clr = lr / c[0]
    state_sum = state_sum + g * g
    p = addcdiv(p, g, np.sqrt(state_sum) + h.eps, -clr)
    return p, (state_sum,)
