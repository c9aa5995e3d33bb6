"""Adagrad: per-coordinate steps shrinking with the sum of squared gradients."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from gdviz.hyperparams import Hyperparameter, document
from gdviz.optimizers._shared import WEIGHT_DECAY, State, addcdiv, weight_decay

PARAMS = (
    Hyperparameter("lr_decay", 0.0, "Learning-rate decay η"),
    WEIGHT_DECAY,
    Hyperparameter("initial_accumulator_value", 0.0, "Initial value τ of the sum"),
    Hyperparameter("eps", 1e-10, "ε added to the denominator"),
)


def init(hp: Mapping[str, Any], shape: tuple[int, ...]) -> State:
    """Fresh state: ``sum``, filled with ``initial_accumulator_value``."""
    return {"sum": np.full(shape, hp["initial_accumulator_value"], dtype=np.float64)}


@document(PARAMS)
def adagrad(
    hp: Mapping[str, Any],
    step: int,
    lr: Any,
    g: np.ndarray,
    p: np.ndarray,
    st: State,
    t: list[np.ndarray],
) -> None:
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
    t1, t2 = t
    if hp["weight_decay"] != 0:
        weight_decay(g, p, hp["weight_decay"], t1)
    clr = lr / (1 + (float(step) - 1) * hp["lr_decay"])
    state_sum = st["sum"]
    np.multiply(g, g, out=t1)
    np.add(state_sum, t1, out=state_sum)
    np.sqrt(state_sum, out=t1)
    np.add(t1, hp["eps"], out=t1)
    addcdiv(p, g, t1, -clr, t2)
