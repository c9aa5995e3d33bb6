"""The optimizer registry, presets, and :class:`Optimizer` (a rule with its hyperparameters).

Adding an optimizer is its family module (the rule, its hyperparameters, its state) plus one
:class:`OptimizerInfo` entry in ``_INFOS`` below, plus re-recording the torch references
(``make reference``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType, ModuleType
from typing import Any

import numpy as np

from gdviz.hyperparams import Hyperparameter, format_value
from gdviz.names import did_you_mean
from gdviz.optimizers import adadelta, adagrad, adam, adamax, nadam, radam, rmsprop, sgd
from gdviz.optimizers._shared import LearningRate, Rule, State

__all__ = [
    "OPTIMIZERS",
    "PRESETS",
    "Optimizer",
    "OptimizerInfo",
    "Preset",
    "default_lr",
    "describe",
    "make_optimizer",
    "optimizer_names",
    "parse_hyperparameter",
    "validate_lr",
]


@dataclass(frozen=True)
class OptimizerInfo:
    """Registry entry of one torch optimizer.

    Attributes
    ----------
    name, title : str
        torch's lower-case name (``"rmsprop"``) and class name (``"RMSprop"``).
    summary : str
        One phrase for ``gdviz list optimizers``.
    default_lr : float
        torch's default learning rate.
    params : tuple of Hyperparameter
        torch's arguments, lr excluded, in torch's order.
    rule : callable
        The update rule, pure arithmetic on arrays or scalars (see
        :mod:`gdviz.optimizers._shared`); its docstring states it.
    family : module
        The rule's module: ``init(hyperparams, shape)`` (fresh state buffers by torch's
        names), ``STATE`` (the names of the rule's state tuple), ``coefficients(h, step)``
        and ``Hyperparameters`` (the named tuple ``h`` the rule reads).
    fixed : mapping
        Settings of a shared rule this optimizer always uses (AdamW: decoupled weight decay).
    check : callable, optional
        Cross-checks between hyperparameters (SGD's Nesterov conditions).
    momentum : str, optional
        The hyperparameter that plays momentum's role, which :func:`gdviz.tuning.tune` searches
        beside the learning rate: ``"momentum"`` (μ), or ``"betas"`` for the Adam family, whose
        first entry β₁ weighs the running average of gradients; None if the rule has none.
    """

    name: str
    title: str
    summary: str
    default_lr: float
    params: tuple[Hyperparameter, ...]
    rule: Rule = field(repr=False)
    family: ModuleType = field(repr=False)
    fixed: Mapping[str, Any] = field(default_factory=dict)
    check: Callable[[Mapping[str, Any]], None] | None = field(default=None, repr=False)
    momentum: str | None = None

    @property
    def defaults(self) -> dict[str, Any]:
        """Every hyperparameter of torch's signature with its default, lr excluded."""
        return {p.name: p.default for p in self.params}


@dataclass(frozen=True)
class Preset:
    """A named configuration of a torch optimizer from the seed vocabulary (``momentum``...)."""

    name: str
    title: str
    optimizer: str
    fixed: Mapping[str, Any]
    summary: str


# fmt: off
_INFOS = (
    OptimizerInfo("sgd", "SGD", "gradient descent, optionally with (Nesterov) momentum", 1e-3,
                  sgd.PARAMS, sgd.sgd, sgd, check=sgd.check,
                  momentum="momentum"),
    OptimizerInfo("adam", "Adam", "adaptive moment estimation", 1e-3,
                  adam.PARAMS, adam.adam, adam, momentum="betas"),
    OptimizerInfo("adamw", "AdamW", "Adam with decoupled weight decay", 1e-3,
                  adam.ADAMW_PARAMS, adam.adam, adam, momentum="betas",
                  fixed=MappingProxyType({"decoupled_weight_decay": True})),
    OptimizerInfo("rmsprop", "RMSprop", "divide the gradient by a running average of its magnitude",
                  1e-2, rmsprop.PARAMS, rmsprop.rmsprop, rmsprop, momentum="momentum"),
    OptimizerInfo("adagrad", "Adagrad",
                  "per-coordinate steps shrinking with the sum of squared gradients", 1e-2,
                  adagrad.PARAMS, adagrad.adagrad, adagrad),
    OptimizerInfo("adadelta", "Adadelta",
                  "adaptive steps from running averages of squared gradients and updates", 1.0,
                  adadelta.PARAMS, adadelta.adadelta, adadelta),
    OptimizerInfo("adamax", "Adamax", "Adam with the infinity norm", 2e-3,
                  adamax.PARAMS, adamax.adamax, adamax,
                  momentum="betas"),
    OptimizerInfo("nadam", "NAdam", "Adam with Nesterov momentum", 2e-3,
                  nadam.PARAMS, nadam.nadam, nadam, momentum="betas"),
    OptimizerInfo("radam", "RAdam", "Adam with a rectified variance estimate", 1e-3,
                  radam.PARAMS, radam.radam, radam, momentum="betas"),
)
# fmt: on

#: The torch optimizers, by torch's lower-case name.
OPTIMIZERS: Mapping[str, OptimizerInfo] = MappingProxyType({i.name: i for i in _INFOS})

#: Presets of the seed vocabulary: names for common SGD configurations.
PRESETS: Mapping[str, Preset] = MappingProxyType(
    {
        "gd": Preset(
            "gd", "GD", "sgd", MappingProxyType({"momentum": 0.0}), "plain gradient descent"
        ),
        "momentum": Preset(
            "momentum",
            "Momentum",
            "sgd",
            MappingProxyType({"momentum": 0.9, "nesterov": False}),
            "heavy-ball momentum",
        ),
        "nesterov": Preset(
            "nesterov",
            "Nesterov",
            "sgd",
            MappingProxyType({"momentum": 0.9, "nesterov": True}),
            "Nesterov momentum",
        ),
    }
)


def optimizer_names() -> list[str]:
    """Every name :func:`make_optimizer` accepts: the torch optimizers, then the presets."""
    return [*OPTIMIZERS, *PRESETS]


def _resolve(name: str) -> tuple[OptimizerInfo, Preset | None]:
    if not isinstance(name, str):
        raise ValueError(f"unknown optimizer {name!r}; choose from: {', '.join(optimizer_names())}")
    key = name.strip().lower()
    if key in OPTIMIZERS:
        return OPTIMIZERS[key], None
    if key in PRESETS:
        preset = PRESETS[key]
        return OPTIMIZERS[preset.optimizer], preset
    raise ValueError(
        f"unknown optimizer {name!r}{did_you_mean(key, optimizer_names())}; "
        f"choose from: {', '.join(optimizer_names())}"
    )


def default_lr(name: str) -> float:
    """The default learning rate torch gives an optimizer or preset (``adadelta``: 1.0)."""
    return _resolve(name)[0].default_lr


def describe(name: str) -> str:
    """One line for ``gdviz list optimizers``: what it is and its defaults."""
    info, preset = _resolve(name)
    hidden: set[str] = set()
    if preset is not None:
        hidden |= set(preset.fixed)
        head = f"{preset.title}: {preset.summary} (torch {info.title}"
        head += "".join(f", {k}={format_value(v)}" for k, v in preset.fixed.items()) + ")"
    else:
        head = f"{info.title}: {info.summary}"
    shown = [f"lr={format_value(info.default_lr)}"] + [
        f"{k}={format_value(v)}" for k, v in info.defaults.items() if k not in hidden
    ]
    return f"{head}; defaults {', '.join(shown)}"


def _unknown_key(info: OptimizerInfo, key: str) -> ValueError:
    valid = [p.name for p in info.params]
    if key == "lr":
        return ValueError(
            f"lr is not a hyperparameter of {info.name}: pass it to the run "
            f"(torch's default for {info.name} is {info.default_lr!r})"
        )
    return ValueError(
        f"unknown hyperparameter {key!r} for {info.name}{did_you_mean(key, valid)}; "
        f"valid: {', '.join(valid)}"
    )


def parse_hyperparameter(optimizer: str, key: str, text: str) -> Any:
    """Parse the text of one hyperparameter, typed by its declaration.

    ``"0.9"`` → 0.9, ``"true"``/``"false"`` → bool, ``"0.9,0.999"`` → ``(0.9, 0.999)``. The value
    is range-checked as :func:`make_optimizer` would.

    Raises
    ------
    ValueError
        Unknown optimizer or key (the valid keys are listed), or text that is not a valid value.
    """
    info, _ = _resolve(optimizer)
    for param in info.params:
        if param.name == key:
            return param.parse(info.name, text)
    raise _unknown_key(info, key)


def validate_lr(lr: Any) -> None:
    """Raise ValueError unless ``lr`` (a number or an array) is finite and ≥ 0 everywhere."""
    try:
        array = np.asarray(lr, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"invalid learning rate: {lr!r} (expected a number)") from None
    if isinstance(lr, bool | np.bool_):
        raise ValueError(f"invalid learning rate: {lr!r} (expected a number)")
    bad = ~np.isfinite(array) | (array < 0)
    if np.any(bad):
        value = float(array[bad].flat[0]) if array.ndim else float(array)
        raise ValueError(f"invalid learning rate: {value!r} (must be finite and ≥ 0)")


def _checked_hyperparameters(info: OptimizerInfo, given: Mapping[str, Any]) -> dict[str, Any]:
    """Every hyperparameter of ``info``, the given ones validated, the others their defaults."""
    given = dict(given)
    for key, value in info.fixed.items():  # accepted when it states the fixed value
        if key in given:
            stated = given.pop(key)
            if not isinstance(stated, bool | np.bool_) or bool(stated) != value:
                raise ValueError(
                    f"invalid {key} for {info.name}: {value!r} is built in, got {stated!r}"
                )
    for key in given:
        if key not in info.defaults:
            raise _unknown_key(info, key)
    values = {
        p.name: p.check(info.name, given[p.name]) if p.name in given else p.default
        for p in info.params
    }
    if info.check is not None:
        info.check(values)
    return values


def _rate(lr: LearningRate, shape: tuple[int, ...]) -> Any:
    """``lr`` as a float, or as a float64 array that broadcasts to ``shape`` (else ValueError)."""
    if not isinstance(lr, np.ndarray) and isinstance(lr, float | int):
        return float(lr)
    rate = np.asarray(lr, dtype=np.float64)
    try:
        fits = rate.ndim <= len(shape) and np.broadcast_shapes(rate.shape, shape) == shape
    except ValueError:
        fits = False
    if not fits:
        raise ValueError(f"lr shape {rate.shape} does not broadcast to params {shape}")
    return float(rate.reshape(())) if rate.size == 1 else rate


@dataclass(frozen=True)
class Optimizer:
    """A torch optimizer with its hyperparameters (lr excluded: it is passed per update).

    Build it with :func:`make_optimizer`. ``hyperparams`` holds every torch hyperparameter (the
    defaults filled in, validated); ``preset`` is the seed-vocabulary name it was made from
    (``"momentum"``...) or None.
    """

    name: str
    hyperparams: Mapping[str, Any] = field(default_factory=dict)
    preset: str | None = None
    #: What the rule reads (``h``): torch's arguments plus the settings built into this
    #: optimizer, as the family's ``Hyperparameters`` tuple.
    rule_hyperparameters: Any = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        info = OPTIMIZERS.get(self.name)
        if info is None:
            _resolve(self.name)  # raises with a suggestion
            raise ValueError(f"use make_optimizer({self.name!r}) for a preset")
        values = _checked_hyperparameters(info, self.hyperparams)
        if self.preset is not None:
            preset = PRESETS.get(self.preset)
            if preset is None or preset.optimizer != info.name:
                raise ValueError(f"unknown preset {self.preset!r} for {info.name}")
        object.__setattr__(self, "hyperparams", MappingProxyType(values))
        # what the rule reads: torch's arguments plus the settings built into this optimizer
        h = info.family.Hyperparameters(**values, **info.fixed)
        object.__setattr__(self, "rule_hyperparameters", h)

    def __hash__(self) -> int:
        return hash((self.name, tuple(self.hyperparams.items()), self.preset))

    def __reduce__(self) -> tuple[Any, ...]:  # pickle / deepcopy (mapping proxies do not pickle)
        return (Optimizer, (self.name, dict(self.hyperparams), self.preset))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Optimizer):
            return NotImplemented
        return (self.name, dict(self.hyperparams), self.preset) == (
            other.name,
            dict(other.hyperparams),
            other.preset,
        )

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={format_value(v)}" for k, v in self.changed().items())
        head = self.preset or self.name
        return f"Optimizer({head}{', ' if args else ''}{args})"

    # -- descriptions ------------------------------------------------------------------------

    @property
    def info(self) -> OptimizerInfo:
        """The registry entry (torch title, default lr, update rule)."""
        return OPTIMIZERS[self.name]

    @property
    def title(self) -> str:
        """Display name: the preset's (``"Momentum"``) or torch's class name (``"RMSprop"``)."""
        return PRESETS[self.preset].title if self.preset else self.info.title

    @property
    def default_lr(self) -> float:
        """The default learning rate torch gives this optimizer."""
        return self.info.default_lr

    def changed(self) -> dict[str, Any]:
        """The hyperparameters that differ from the defaults (of the preset, if any)."""
        base = self.info.defaults
        if self.preset:
            base |= dict(PRESETS[self.preset].fixed)
        return {k: v for k, v in self.hyperparams.items() if base.get(k) != v}

    # -- the update --------------------------------------------------------------------------

    def init(self, params: np.ndarray) -> State:
        """Fresh state buffers (torch's state names) for ``params`` of shape ``(*batch, d)``."""
        shape = np.shape(params)
        if len(shape) == 0:
            raise ValueError("params must have at least one axis (the coordinates)")
        return self.info.family.init(self.hyperparams, shape)

    def update(
        self,
        grads: np.ndarray,
        state: Mapping[str, np.ndarray],
        params: np.ndarray,
        step: int,
        lr: LearningRate,
    ) -> tuple[np.ndarray, State]:
        """One update, purely: returns new ``(params, state)`` and modifies none of the inputs.

        Parameters
        ----------
        grads, params : ndarray, shape ``(*batch, d)``
            Gradients and parameters; leading axes are batch axes.
        state : dict of ndarray
            From :meth:`init` or a previous update.
        step : int
            Number of this update, 1-based (torch's ``state['step']`` after its increment).
        lr : float or ndarray
            Learning rate(s), broadcastable against ``params``.
        """
        validate_lr(lr)
        new_params = np.array(params, dtype=np.float64, copy=True)
        new_grads = np.array(grads, dtype=np.float64, copy=True)
        new_state = {k: np.array(v, dtype=np.float64, copy=True) for k, v in state.items()}
        self.update_inplace(new_grads, new_state, new_params, step, lr)
        return new_params, new_state

    def update_inplace(
        self,
        grads: np.ndarray,
        state: State,
        params: np.ndarray,
        step: int,
        lr: LearningRate,
    ) -> None:
        """One update in place: mutates ``params`` and ``state``; may overwrite ``grads``.

        The argument-checked form of :meth:`apply`. Non-finite values propagate silently.
        ``lr`` is not range-checked here: validate it once with :func:`validate_lr`. ``grads``
        must not share memory with ``params`` or ``state``.
        """
        if isinstance(step, bool) or not isinstance(step, int | np.integer) or step < 1:
            raise ValueError(f"invalid step: {step!r} (must be an integer ≥ 1)")
        shape = params.shape
        if grads.shape != shape:
            raise ValueError(f"grads shape {grads.shape} does not match params shape {shape}")
        rate = _rate(lr, shape)
        with np.errstate(all="ignore"):
            self.apply(grads, state, params, int(step), rate)

    def values(self, state: Mapping[str, np.ndarray]) -> tuple[Any, ...]:
        """``state`` as the rule's state tuple (an entry this optimizer does not keep, such as
        Adam's ``max_exp_avg_sq`` without amsgrad, is 0.0)."""
        return tuple(state.get(name, 0.0) for name in self.info.family.STATE)

    def advance(
        self, grads: Any, values: tuple[Any, ...], params: Any, step: int, lr: Any
    ) -> tuple[Any, tuple[Any, ...]]:
        """The rule itself, purely: new ``(params, values)`` from the state tuple ``values``.

        ``step`` must be an int ≥ 1, ``lr`` a float or a float64 array broadcastable against
        ``params``; nothing is checked or copied (the hot loop of :func:`gdviz.descend`).
        Floating-point warnings are the caller's to silence (``np.errstate``).
        """
        family, h = self.info.family, self.rule_hyperparameters
        return self.info.rule(h, family.coefficients(h, step), lr, grads, params, values)

    def apply(
        self, grads: np.ndarray, state: State, params: np.ndarray, step: int, lr: Any
    ) -> None:
        """The update of :meth:`update_inplace` without its checks: :meth:`advance`, written
        into ``params`` and ``state``."""
        new, values = self.advance(grads, self.values(state), params, step, lr)
        params[...] = new
        for name, value in zip(self.info.family.STATE, values, strict=True):
            if name in state:
                state[name][...] = value


def make_optimizer(name: str, **hyperparams: Any) -> Optimizer:
    """An :class:`Optimizer` by torch name (``"adam"``) or preset (``"gd"``, ``"momentum"``...).

    Hyperparameters go by torch's names; omitted ones take torch's defaults.

    Raises
    ------
    ValueError
        Unknown name (the closest is suggested), unknown hyperparameter (the valid ones are
        listed) or an invalid value (the message names the parameter and the value).
    """
    info, preset = _resolve(name)
    if preset is None:
        return Optimizer(info.name, hyperparams)
    for key, value in preset.fixed.items():
        if key in hyperparams and hyperparams[key] != value:
            raise ValueError(
                f"invalid {key} for preset {preset.name}: {hyperparams[key]!r} "
                f"(the preset fixes {key}={format_value(value)}; use 'sgd' for other values)"
            )
    return Optimizer(info.name, dict(preset.fixed) | hyperparams, preset=preset.name)
