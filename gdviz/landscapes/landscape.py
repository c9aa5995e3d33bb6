"""The :class:`Landscape`: a loss with its exact gradient and Hessian, and what it supports.

A landscape evaluates :math:`L(\\theta)`, :math:`\\nabla L(\\theta)` and
:math:`\\nabla^2 L(\\theta)` on arrays whose *last* axis holds the coordinates and whose leading
axes are batch axes, so one call evaluates a whole grid or a whole batch of runs. Evaluation
never warns: outside the domain the result is ``nan`` or ``inf``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, NamedTuple

import numpy as np

__all__ = [
    "Dataset",
    "FormulaKernels",
    "Functions",
    "Landscape",
    "SampleKernels",
    "Tensor",
    "coordinate_functions",
    "suggested_lr",
]

Bounds = tuple[tuple[float, float], ...]
Point = tuple[float, ...]
Array = np.ndarray


@dataclass(frozen=True)
class Functions:
    """How a landscape evaluates, on points of shape ``(..., d)``.

    ``loss`` returns ``(...)``, ``gradient`` ``(..., d)``, ``loss_and_gradient`` both (the
    same bits as the two separate calls, with shared work), ``hessian`` ``(..., d, d)``.
    Data problems also have ``on_rows(points, rows)``: the loss and gradient averaged over
    the samples ``rows`` only (an integer array broadcastable to ``(..., b)``) — a minibatch.
    ``scalar`` is the generated kernel ``f(x, y) -> (L, ∂L/∂x, ∂L/∂y)`` of a built-in whose
    operations are all correctly rounded, which :mod:`gdviz.fused` compiles; None otherwise.
    """

    loss: Callable[[Array], Array]
    gradient: Callable[[Array], Array]
    loss_and_gradient: Callable[[Array], tuple[Array, Array]]
    hessian: Callable[[Array], Array]
    on_rows: Callable[[Array, Array], tuple[Array, Array]] | None = None
    scalar: Callable[..., tuple[Any, ...]] | None = None


@dataclass(frozen=True)
class Dataset:
    """A data problem's samples: features ``X`` of shape ``(n, k)`` and targets ``y`` ``(n,)``."""

    X: np.ndarray
    y: np.ndarray

    def __post_init__(self) -> None:
        for array in (self.X, self.y):
            array.setflags(write=False)

    @property
    def n(self) -> int:
        """Number of samples."""
        return int(self.y.shape[0])


@dataclass(frozen=True)
class Tensor:
    """One named parameter tensor of a model: a contiguous slice of the flat parameter vector.

    A network landscape declares its layer structure as a tuple of these, in the vector's
    order (torch's ``named_parameters()``), so code that needs the structure — Li et al.'s
    filter normalisation (:func:`gdviz.slices.random_plane`), per-parameter names — reads it
    instead of guessing. A tensor of two or more axes is a weight whose *filters* are its
    rows (the last axes flattened: one output neuron of an ``nn.Linear``, one output channel
    of a convolution); a one-axis tensor is a bias.

    Attributes
    ----------
    name : str
        torch's name, ``"0.weight"``.
    shape : tuple of int
        torch's shape, ``(8, 2)``; the elements are stored row-major.
    offset : int
        Index of its first element in the flat vector.
    """

    name: str
    shape: tuple[int, ...]
    offset: int

    @property
    def size(self) -> int:
        """Number of elements."""
        return int(np.prod(self.shape, dtype=np.int64))

    @property
    def stop(self) -> int:
        """One past the index of its last element."""
        return self.offset + self.size

    @property
    def is_weight(self) -> bool:
        """Whether it has filters (two or more axes), as opposed to a bias."""
        return len(self.shape) >= 2

    def element_names(self) -> tuple[str, ...]:
        """``name[i,j]`` for every element, row-major (``0.weight[0,0]``, ``0.weight[0,1]``…)."""
        return tuple(
            f"{self.name}[{','.join(map(str, index))}]" for index in np.ndindex(*self.shape)
        )

    @staticmethod
    def layout(*tensors: tuple[str, tuple[int, ...]]) -> tuple[Tensor, ...]:
        """Tensors ``(name, shape)`` laid end to end from offset 0."""
        result, offset = [], 0
        for name, shape in tensors:
            tensor = Tensor(name, tuple(shape), offset)
            result.append(tensor)
            offset = tensor.stop
        return tuple(result)


def coordinate_functions(
    value: Callable[..., tuple[Any, ...]],
    value_and_gradient: Callable[..., tuple[Any, ...]],
    gradient: Callable[..., tuple[Any, ...]],
    hessian: Callable[..., tuple[Any, ...]],
    dim: int,
) -> Functions:
    """:class:`Functions` from kernels on coordinate arrays (``f(x, y) -> (outputs,)``).

    Each kernel takes one array per coordinate; its outputs are broadcast to the points' batch
    shape (a constant output, like the bowl's Hessian, becomes an array).
    """

    def split(points: Array) -> tuple[Array, ...]:
        return tuple(points[..., i] for i in range(dim))

    def stack(parts: tuple[Any, ...], shape: tuple[int, ...]) -> Array:
        out = np.empty((*shape, len(parts)), dtype=np.float64)
        for i, part in enumerate(parts):
            out[..., i] = part
        return out

    def own(v: Any, shape: tuple[int, ...]) -> Array:
        # a kernel's result is usually a new array already; an input view or a constant is not
        if isinstance(v, np.ndarray) and v.shape == shape and v.flags.owndata:
            return v
        return np.broadcast_to(np.asarray(v, dtype=np.float64), shape).copy()

    def loss(points: Array) -> Array:
        (v,) = value(*split(points))
        return own(v, points.shape[:-1])

    def grad(points: Array) -> Array:
        return stack(gradient(*split(points)), points.shape[:-1])

    def both(points: Array) -> tuple[Array, Array]:
        v, *g = value_and_gradient(*split(points))
        shape = points.shape[:-1]
        return own(v, shape), stack(tuple(g), shape)

    def hess(points: Array) -> Array:
        flat = stack(hessian(*split(points)), points.shape[:-1])
        return flat.reshape(*points.shape[:-1], dim, dim)

    return Functions(loss, grad, both, hess)


@dataclass(frozen=True, eq=False)
class Landscape:
    """A loss surface :math:`L: \\mathbb{R}^d \\to \\mathbb{R}` with its exact derivatives.

    Attributes
    ----------
    name : str
        Catalogue name (``"rosenbrock"``) or, for a user formula, the formula text.
    title : str
        Human-readable title ("Rosenbrock").
    variables : tuple of str
        Coordinate names, e.g. ``("x", "y")`` or ``("w", "b")``; ``dim`` is their count.
    bounds : tuple of (low, high)
        Default plotting window, one pair per variable.
    minima, saddles : tuple of points
        Known minima (the first is the global one) and saddle points; empty when unknown.
    formula, pretty : str
        The formula in Typst math syntax (display) and as plain unicode text (terminals).
    kind : str
        ``convex``, ``ill-conditioned``, ``non-convex``, ``multi-modal``, ``saddle`` or
        ``formula`` (a user's).
    log_levels : bool
        Whether contour plots should use log-spaced levels.
    starts : tuple of points
        Starting points a live view offers (the first is the default); may be empty.
    steps : int
        Default number of updates for a live view.
    lrs : mapping
        Learning rates known to show this landscape well, per optimizer (see
        :func:`suggested_lr`).
    race : bool
        A race landscape of seed 003 (has a built-in ``race-<name>`` experiment).
    data : Dataset or None
        The samples of a data problem (``None`` for a formula).
    tensors : tuple of Tensor
        A network's layer structure over the coordinates (empty for anything else): each
        parameter tensor's name, shape and place in the vector.
    """

    name: str
    title: str
    variables: tuple[str, ...]
    functions: Functions = field(repr=False)
    bounds: Bounds
    minima: tuple[Point, ...] = ()
    saddles: tuple[Point, ...] = ()
    formula: str = ""
    pretty: str = ""
    kind: str = "formula"
    description: str = ""
    log_levels: bool = False
    starts: tuple[Point, ...] = ()
    steps: int = 100
    lrs: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))
    race: bool = False
    data: Dataset | None = field(default=None, repr=False)
    tensors: tuple[Tensor, ...] = field(default=(), repr=False)

    def __post_init__(self) -> None:
        if not self.tensors:
            return
        offsets = [0, *(tensor.stop for tensor in self.tensors)]
        if [t.offset for t in self.tensors] != offsets[:-1] or offsets[-1] != self.dim:
            raise ValueError(
                f"{self.name}: its tensors must lie end to end over its {self.dim} variables"
            )

    @property
    def dim(self) -> int:
        """Number of coordinates ``d``."""
        return len(self.variables)

    @property
    def drawable(self) -> bool:
        """Whether the landscape can be drawn directly: one or two coordinates."""
        return self.dim <= 2

    def loss(self, points: Array) -> Array:
        """:math:`L` at ``points`` of shape ``(..., d)``; returns shape ``(...)``, float64."""
        with np.errstate(all="ignore"):
            return self.functions.loss(self._check(points))

    def gradient(self, points: Array) -> Array:
        """:math:`\\nabla L` at ``points`` of shape ``(..., d)``; returns ``(..., d)``."""
        with np.errstate(all="ignore"):
            return self.functions.gradient(self._check(points))

    def loss_and_gradient(self, points: Array) -> tuple[Array, Array]:
        """:math:`L` and :math:`\\nabla L` in one pass (bit for bit the separate calls)."""
        with np.errstate(all="ignore"):
            return self.functions.loss_and_gradient(self._check(points))

    def minibatch(self, points: Array, rows: Array) -> tuple[Array, Array]:
        """Loss and gradient of a data problem averaged over the samples ``rows`` only.

        Parameters
        ----------
        points : ndarray, shape ``(..., d)``
        rows : ndarray of int, broadcastable to ``(..., b)``
            Sample indices (see :mod:`gdviz.batches`); the mean runs over the last axis.

        Raises
        ------
        ValueError
            For a landscape without data.
        """
        if self.functions.on_rows is None:
            raise ValueError(f"{self.name} has no data set: minibatches need a data landscape")
        rows = np.asarray(rows)
        if self.data is not None and (rows.min() < 0 or rows.max() >= self.data.n):
            raise ValueError(f"sample indices must lie in [0, {self.data.n})")
        with np.errstate(all="ignore"):
            return self.functions.on_rows(self._check(points), rows)

    def hessian(self, points: Array) -> Array:
        """:math:`\\nabla^2 L` at ``points`` of shape ``(..., d)``; returns ``(..., d, d)``."""
        with np.errstate(all="ignore"):
            return self.functions.hessian(self._check(points))

    def _check(self, points: Array) -> Array:
        points = np.asarray(points, dtype=np.float64)
        if points.ndim == 0 or points.shape[-1] != self.dim:
            raise ValueError(
                f"{self.name} takes points with {self.dim} coordinate(s) "
                f"({', '.join(self.variables)}), got shape {points.shape}"
            )
        return points

    def grid(self, resolution: int = 200) -> tuple[np.ndarray, ...]:
        """Coordinate arrays spanning :attr:`bounds` (``meshgrid``, ``indexing="xy"``)."""
        axes = [np.linspace(lo, hi, resolution) for lo, hi in self.bounds]
        return tuple(np.meshgrid(*axes, indexing="xy"))


#: How the four optimizers a landscape declares rates for stand in for the others.
_LR_FAMILY = {
    "gd": "sgd",
    "nesterov": "momentum",
    "adamw": "adam",
    "nadam": "adam",
    "radam": "adam",
    "adamax": "adam",
    "adagrad": "rmsprop",
}


def suggested_lr(landscape: Landscape, optimizer: str) -> float | None:
    """A learning rate that shows ``landscape`` well for ``optimizer``, or None if unknown.

    The landscape's own rate for the optimizer when it declares one; else the rate of the
    closest of the four it declares (``gd`` → ``sgd``, ``nesterov`` → ``momentum``, the Adam
    family → ``adam``, ``adagrad`` → ``rmsprop`` × 10, as Adagrad's steps shrink);
    ``adadelta`` → torch's default 1.0 (its step size adapts by design).
    """
    if optimizer in landscape.lrs:
        return float(landscape.lrs[optimizer])
    if optimizer == "adadelta":
        return 1.0
    family = _LR_FAMILY.get(optimizer)
    if family is None or family not in landscape.lrs:
        return None
    scale = 10.0 if optimizer == "adagrad" else 1.0
    return float(landscape.lrs[family]) * scale


class FormulaKernels(NamedTuple):
    """The generated kernels of one formula: numpy functions of coordinate arrays.

    ``value(x, y) -> (L,)``, ``both -> (L, ∂L/∂x, ∂L/∂y)``, ``gradient -> (∂L/∂x, ∂L/∂y)``,
    ``hessian -> (∂²L/∂x², ∂²L/∂x∂y, ∂²L/∂y∂x, ∂²L/∂y²)``; ``text`` is the formula they were
    generated from, ``typst``/``pretty`` its display forms, ``exact`` whether only correctly
    rounded operations occur (the page then computes the same bits).
    """

    value: Callable[..., tuple[Any, ...]]
    both: Callable[..., tuple[Any, ...]]
    gradient: Callable[..., tuple[Any, ...]]
    hessian: Callable[..., tuple[Any, ...]]
    text: str
    typst: str
    pretty: str
    exact: bool


class SampleKernels(NamedTuple):
    """The generated per-sample kernels of a data problem (see :mod:`gdviz.landscapes.data`)."""

    sample_loss: Callable[..., tuple[Any, ...]]
    sample_both: Callable[..., tuple[Any, ...]]
    sample_hessian: Callable[..., tuple[Any, ...]]
    texts: tuple[str, ...]
    exact: bool
