"""What the optimizer families share: torch's compound ops, the rule signature, common specs.

Every update rule has the signature of :data:`Rule`::

    rule(hp, step, lr, g, p, state, t) -> None

It works in place: it mutates ``p`` and the ``state`` arrays, may overwrite ``g``, and uses the
scratch arrays ``t`` (as many as its registry entry asks for, shaped like ``p``). ``hp`` holds the
validated hyperparameters, ``step`` is torch's 1-based step count, ``lr`` a float or an array
broadcastable against ``p``. Operations follow torch's ``_single_tensor_*`` code, in order, one
correctly rounded numpy ufunc per torch op, so a batch element's bits do not depend on the batch.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from gdviz.hyperparams import Hyperparameter

State = dict[str, np.ndarray]
LearningRate = float | np.ndarray
Rule = Callable[
    [Mapping[str, Any], int, Any, np.ndarray, np.ndarray, State, list[np.ndarray]], None
]


def weight_decay(g: np.ndarray, p: np.ndarray, wd: float, t: np.ndarray) -> None:
    """The torch op ``grad = grad.add(param, alpha=weight_decay)``."""
    np.multiply(p, wd, out=t)
    np.add(g, t, out=g)


def decay_weights(p: np.ndarray, lr: LearningRate, wd: float) -> None:
    """The torch op ``param.mul_(1 - lr * weight_decay)`` (decoupled weight decay)."""
    np.multiply(p, 1 - lr * wd, out=p)


def lerp(a: np.ndarray, b: np.ndarray, w: float, t: np.ndarray) -> None:
    """The torch op ``a.lerp_(b, w)``: ``at::native::lerp``, two formulas split at ``|w| = 0.5``."""
    np.subtract(b, a, out=t)
    if abs(w) < 0.5:
        np.multiply(t, w, out=t)
        np.add(a, t, out=a)
    else:
        np.multiply(t, 1 - w, out=t)
        np.subtract(b, t, out=a)


def ema_square(v: np.ndarray, g: np.ndarray, beta: float, t: np.ndarray) -> None:
    """The torch ops ``v.mul_(beta).addcmul_(g, g, value=1 - beta)``: ``v·β + ((1-β)·g)·g``."""
    np.multiply(v, beta, out=v)
    np.multiply(g, 1 - beta, out=t)
    np.multiply(t, g, out=t)
    np.add(v, t, out=v)


def addcdiv(p: np.ndarray, num: np.ndarray, den: np.ndarray, value: Any, t: np.ndarray) -> None:
    r"""The torch op ``p.addcdiv_(num, den, value=v)``: :math:`p ← p + (v \cdot num) / den`.

    Computed in that order through the scratch buffer ``t`` (which must not alias ``den``).
    """
    np.multiply(num, value, out=t)
    np.divide(t, den, out=t)
    np.add(p, t, out=p)


# Hyperparameters several optimizers declare (each optimizer's own live in its module).
BETAS = Hyperparameter(
    "betas",
    (0.9, 0.999),
    "Decay rates β1, β2 of the first and second moment estimates",
    kind="pair",
    high=1.0,
    high_open=True,
)
EPS = Hyperparameter("eps", 1e-8, "ε added to the denominator")
WEIGHT_DECAY = Hyperparameter("weight_decay", 0.0, "Weight decay λ, an L2 penalty")
DECOUPLED = Hyperparameter(
    "decoupled_weight_decay",
    False,
    "Decay the weights directly, θ ← θ - γλθ, instead of adding λθ to the gradient",
    kind="bool",
)


def apply_weight_decay(
    hp: Mapping[str, Any], lr: Any, g: np.ndarray, p: np.ndarray, t: np.ndarray
) -> None:
    """Weight decay as torch applies it: coupled ``g + λθ``, or decoupled ``θ·(1 - γλ)``.

    Decoupled when the rule's ``decoupled_weight_decay`` is set; nothing when λ = 0.
    """
    wd = hp["weight_decay"]
    if wd == 0:
        return
    if hp.get("decoupled_weight_decay", False):
        decay_weights(p, lr, wd)
    else:
        weight_decay(g, p, wd, t)


def zeros(names: tuple[str, ...] | list[str], shape: tuple[int, ...]) -> State:
    """Zero-filled float64 state buffers of ``shape``, by torch's state names."""
    return {name: np.zeros(shape, dtype=np.float64) for name in names}
