r"""What the optimizer families share: torch's compound ops, the rule signature, common specs.

Every update rule has the signature of :data:`Rule`::

    rule(h, c, lr, g, p, s) -> (p, s)

and is *pure arithmetic*: it returns the new parameters and the new state tuple and modifies
nothing. ``h`` is the optimizer's hyperparameter tuple (its module's ``Hyperparameters``), ``c``
the step's coefficients (its module's ``coefficients(h, step)``: the numbers that depend on the
step alone, such as Adam's bias corrections :math:`1 - \beta_1^t`), ``lr`` the learning rate,
``g`` the gradient, ``p`` the parameters and ``s`` the state values in the order of its
module's ``STATE`` names. The same function runs on numpy arrays (a whole batch, each
operation one correctly rounded ufunc) and on float scalars inside :mod:`gdviz.fused`'s
compiled loop, so both compute every element with the same operations and the same bits.
Operations follow torch's ``_single_tensor_*`` code, in order.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from gdviz.hyperparams import Hyperparameter

State = dict[str, np.ndarray]
LearningRate = float | np.ndarray
Rule = Callable[[Any, Any, Any, Any, Any, tuple[Any, ...]], tuple[Any, tuple[Any, ...]]]


def hyperparameter_tuple(module: str, params: Iterable[Hyperparameter]) -> type:
    """The named tuple of a family's hyperparameters, ``module.Hyperparameters``.

    A rule reads ``h.betas``, ``h.eps``…; the class is importable by its module and name, which
    :mod:`gdviz.fused`'s on-disk cache of compiled loops relies on.
    """
    return namedtuple("Hyperparameters", [p.name for p in params], module=module)


def weight_decay(wd: float, decoupled: bool, lr: Any, g: Any, p: Any) -> tuple[Any, Any]:
    """Weight decay as torch applies it: ``(g, p)`` after it.

    Coupled, ``grad.add(param, alpha=λ)``: :math:`g + θλ`; decoupled (AdamW),
    ``param.mul_(1 - lr * λ)``: :math:`θ(1 - γλ)`; nothing when :math:`λ = 0`.
    """
    if wd == 0:
        return g, p
    if decoupled:
        return g, p * (1 - lr * wd)
    return g + p * wd, p


def lerp(a: Any, b: Any, w: float) -> Any:
    """The torch op ``a.lerp(b, w)``: ``at::native::lerp``, two formulas split at ``|w| = 0.5``."""
    if abs(w) < 0.5:
        return a + (b - a) * w
    return b - (b - a) * (1 - w)


def ema_square(v: Any, g: Any, beta: float) -> Any:
    """The torch ops ``v.mul_(beta).addcmul_(g, g, value=1 - beta)``: ``v·β + ((1-β)·g)·g``."""
    return v * beta + ((1 - beta) * g) * g


def addcdiv(p: Any, num: Any, den: Any, value: Any) -> Any:
    r"""The torch op ``p.addcdiv(num, den, value=v)``: :math:`p + (v \cdot num) / den`, in order."""
    return p + (num * value) / den


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


def zeros(names: tuple[str, ...] | list[str], shape: tuple[int, ...]) -> State:
    """Zero-filled float64 state buffers of ``shape``, by torch's state names."""
    return {name: np.zeros(shape, dtype=np.float64) for name in names}
