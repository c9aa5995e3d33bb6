"""The landscape catalogue: loss functions with exact gradients, bounds and known minima.

A :class:`Landscape` evaluates a loss :math:`L(\\theta)` and its gradient :math:`\\nabla L(\\theta)`
on arrays of points whose *last* axis holds the coordinates and whose leading axes are batch
axes, so one call evaluates a whole grid or a whole batch of runs.

Two kinds of landscape exist:

* formula landscapes (every 1-D and 2-D built-in and every user ``--expr``): the formula text is
  parsed by :mod:`gdviz.expression`, which differentiates it symbolically, so gradients are exact;
* data landscapes (least squares on a data set): the mean squared error
  :math:`L(\\theta) = \\frac1n\\sum_i (x_i^\\top\\theta - y_i)^2` with its closed-form gradient
  :math:`\\nabla L = \\frac2n X^\\top (X\\theta - y)`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

import numpy as np

from gdviz.expression import Expression, parse_expression
from gdviz.names import unknown_name_message

__all__ = [
    "LANDSCAPES",
    "Landscape",
    "from_expression",
    "get_landscape",
    "landscape_names",
    "least_squares_problem",
]

Bounds = tuple[tuple[float, float], ...]


@dataclass(frozen=True, eq=False)
class Landscape:
    """A loss surface :math:`L: \\mathbb{R}^d \\to \\mathbb{R}` with its exact gradient.

    Parameters
    ----------
    name : str
        Catalogue name (``"rosenbrock"``) or, for a user formula, the formula text.
    title : str
        Human-readable title ("Rosenbrock").
    variables : tuple of str
        Coordinate names, e.g. ``("x", "y")`` or ``("w", "b")``.
    loss_fn, gradient_fn : callable
        ``(..., d) -> (...)`` and ``(..., d) -> (..., d)``.
    hessian_fn : callable
        ``(..., d) -> (..., d, d)``, the exact Hessian.
    bounds : tuple of (low, high)
        Plotting window, one pair per variable.
    minima : tuple of tuple of float
        Known local/global minima (the first is the global one), possibly empty.
    formula : str
        The formula in Typst math syntax, for display.
    pretty : str
        The formula as plain unicode text, for terminals and legends.
    kind : str
        "convex", "ill-conditioned", "non-convex", "multi-modal", "saddle" or "formula".
    log_levels : bool
        Whether contour plots should use log-spaced levels (steep, banana-shaped valleys).
    """

    name: str
    title: str
    variables: tuple[str, ...]
    loss_fn: Callable[[np.ndarray], np.ndarray] = field(repr=False)
    gradient_fn: Callable[[np.ndarray], np.ndarray] = field(repr=False)
    hessian_fn: Callable[[np.ndarray], np.ndarray] = field(repr=False)
    bounds: Bounds
    minima: tuple[tuple[float, ...], ...] = ()
    formula: str = ""
    pretty: str = ""
    kind: str = "formula"
    description: str = ""
    log_levels: bool = False
    saddles: tuple[tuple[float, ...], ...] = ()

    @property
    def dim(self) -> int:
        """Number of coordinates ``d``."""
        return len(self.variables)

    def loss(self, points: np.ndarray) -> np.ndarray:
        """:math:`L` at ``points`` of shape ``(..., d)``; returns shape ``(...)``, float64."""
        with np.errstate(all="ignore"):
            return self.loss_fn(self._check(points))

    def gradient(self, points: np.ndarray) -> np.ndarray:
        """:math:`\\nabla L` at ``points`` of shape ``(..., d)``; returns ``(..., d)``."""
        with np.errstate(all="ignore"):
            return self.gradient_fn(self._check(points))

    def hessian(self, points: np.ndarray) -> np.ndarray:
        """:math:`\\nabla^2 L` at ``points`` of shape ``(..., d)``; returns ``(..., d, d)``."""
        with np.errstate(all="ignore"):
            return self.hessian_fn(self._check(points))

    def _check(self, points: np.ndarray) -> np.ndarray:
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


def _unstack(fn: Callable[..., object]) -> Callable[[np.ndarray], np.ndarray]:
    """Adapt ``fn(x, y, ...)`` to take one ``(..., d)`` array; result broadcast to ``(...)``."""

    def wrapped(points: np.ndarray) -> np.ndarray:
        coords = np.moveaxis(points, -1, 0)
        value = np.asarray(fn(*coords), dtype=np.float64)
        if value.shape != points.shape[:-1]:  # a constant formula, or one variable unused
            value = np.broadcast_to(value, points.shape[:-1]).copy()
        return value

    return wrapped


def _stack_gradient(expr: Expression) -> Callable[[np.ndarray], np.ndarray]:
    def gradient(points: np.ndarray) -> np.ndarray:
        parts = expr.gradient(*np.moveaxis(points, -1, 0))
        return np.stack([np.broadcast_to(p, points.shape[:-1]) for p in parts], axis=-1)

    return gradient


def _hessian(expr: Expression) -> Callable[[np.ndarray], np.ndarray]:
    def hessian(points: np.ndarray) -> np.ndarray:
        h = np.asarray(expr.hessian(*np.moveaxis(points, -1, 0)), dtype=np.float64)
        dim = len(expr.variables)
        return np.broadcast_to(h, (*points.shape[:-1], dim, dim))

    return hessian


def from_expression(
    text: str,
    *,
    name: str | None = None,
    title: str | None = None,
    variables: tuple[str, ...] = ("x", "y"),
    bounds: Bounds | None = None,
    **metadata: object,
) -> Landscape:
    """Build a landscape from a formula (a built-in's or a user's ``--expr``).

    The text is parsed by :func:`gdviz.expression.parse_expression` (an AST whitelist: nothing is
    evaluated), and the gradient and Hessian are its exact symbolic derivatives.

    Parameters
    ----------
    text : str
        The formula, e.g. ``"x**2 + 3*sin(y)"``.
    variables : tuple of str
        Names the formula may use; it is 1-D if only the first appears.
    bounds : tuple of (low, high), optional
        Plotting window; default ``[-5, 5]`` per variable.

    Raises
    ------
    gdviz.expression.ExpressionError
        If the formula is not allowed or malformed (a one-line message).
    """
    expr = parse_expression(text, variables=variables)
    dim = len(expr.variables)
    return Landscape(
        name=name or expr.text,
        title=title or expr.pretty,
        variables=expr.variables,
        loss_fn=_unstack(expr.value),
        gradient_fn=_stack_gradient(expr),
        hessian_fn=_hessian(expr),
        bounds=bounds or ((-5.0, 5.0),) * dim,
        formula=expr.typst,
        pretty=expr.pretty,
        **metadata,  # type: ignore[arg-type]
    )


# --------------------------------------------------------------------------------------------
# Data landscapes: least squares
# --------------------------------------------------------------------------------------------

#: Seed 000's data: one feature, five points.
REGRESSION_X = np.array([1.0, 2.0, 3.0, 4.0, 5.0])
REGRESSION_Y = np.array([2.0, 4.0, 5.0, 4.0, 5.0])


def _regression_landscape() -> Landscape:
    """Mean squared error of the line ``y = w x + b`` on seed 000's data.

    .. math::
        L(w, b) = \\frac15 \\sum_i (y_i - (w x_i + b))^2, \\quad
        \\partial_w L = \\frac15 \\sum_i 2 (w x_i + b - y_i) x_i, \\quad
        \\partial_b L = \\frac15 \\sum_i 2 (w x_i + b - y_i)

    The arithmetic follows the seed's own code operation for operation, so gdviz's numbers are
    the seed's to the last bit.
    """
    x, y = REGRESSION_X, REGRESSION_Y

    def predict(points: np.ndarray) -> np.ndarray:
        return points[..., 0:1] * x + points[..., 1:2]

    def loss(points: np.ndarray) -> np.ndarray:
        return np.mean((y - predict(points)) ** 2, axis=-1)

    def gradient(points: np.ndarray) -> np.ndarray:
        residual = predict(points) - y
        return np.stack(
            [np.mean(2 * residual * x, axis=-1), np.mean(2 * residual, axis=-1)], axis=-1
        )

    hess = 2 * np.array([[np.mean(x * x), np.mean(x)], [np.mean(x), 1.0]])

    def hessian(points: np.ndarray) -> np.ndarray:
        return np.broadcast_to(hess, (*points.shape[:-1], 2, 2))

    w_opt, b_opt = np.linalg.solve(hess / 2, [np.mean(x * y), np.mean(y)])
    return Landscape(
        name="linear-regression",
        title="Linear regression (seed 000 data)",
        variables=("w", "b"),
        loss_fn=loss,
        gradient_fn=gradient,
        hessian_fn=hessian,
        bounds=((-0.5, 1.5), (-1.0, 4.0)),
        minima=((float(w_opt), float(b_opt)),),
        formula="L(w, b) = 1/5 sum_(i=1)^5 (w x_i + b - y_i)^2",
        pretty="mean((w·x + b − y)²)",
        kind="convex",
        description="Fit y = w·x + b to X=[1..5], y=[2,4,5,4,5] by mean squared error.",
    )


@dataclass(frozen=True)
class LeastSquaresProblem:
    """Seed 002's problem: ``X`` (100×3) and ``y = X θ* + noise`` drawn with ``np.random.seed(42)``.

    ``start`` is the seed's initial ``θ = randn(3) · 0.01`` drawn right after the data, so the
    whole example reproduces from one seed.
    """

    X: np.ndarray
    y: np.ndarray
    true_theta: np.ndarray
    start: np.ndarray


@cache
def least_squares_problem(seed: int = 42) -> LeastSquaresProblem:
    """Generate seed 002's 3-feature regression data (legacy ``np.random.seed`` stream)."""
    rng = np.random.RandomState(seed)
    X = rng.randn(100, 3)
    true_theta = np.array([2.0, -1.0, 0.5])
    y = X @ true_theta + rng.randn(100) * 0.1
    start = rng.randn(3) * 0.01
    for array in (X, y, start):
        array.setflags(write=False)
    return LeastSquaresProblem(X=X, y=y, true_theta=true_theta, start=start)


def _least_squares_landscape() -> Landscape:
    """:math:`L(\\theta) = \\frac1n \\lVert X\\theta - y \\rVert^2`, gradient
    :math:`\\frac2n X^\\top (X\\theta - y)`, Hessian :math:`\\frac2n X^\\top X`."""
    problem = least_squares_problem()
    X, y = problem.X, problem.y
    n = X.shape[0]

    def loss(points: np.ndarray) -> np.ndarray:
        return np.mean((points @ X.T - y) ** 2, axis=-1)

    def gradient(points: np.ndarray) -> np.ndarray:
        return (2 / n) * ((points @ X.T - y) @ X)

    hess = (2 / n) * (X.T @ X)

    def hessian(points: np.ndarray) -> np.ndarray:
        return np.broadcast_to(hess, (*points.shape[:-1], 3, 3))

    theta_opt = np.linalg.lstsq(X, y, rcond=None)[0]
    return Landscape(
        name="least-squares",
        title="3-feature least squares (seed 002)",
        variables=("w1", "w2", "w3"),
        loss_fn=loss,
        gradient_fn=gradient,
        hessian_fn=hessian,
        bounds=((-1.0, 3.0), (-2.0, 2.0), (-1.0, 1.5)),
        minima=(tuple(float(v) for v in theta_opt),),
        formula="L(theta) = 1/n norm(X theta - y)^2",
        pretty="mean((X·θ − y)²)",
        kind="convex",
        description="Batch least squares on 100 seeded samples with 3 features (seed 002).",
    )


# --------------------------------------------------------------------------------------------
# Formula landscapes
# --------------------------------------------------------------------------------------------

_HIMMELBLAU_MINIMA = (
    (3.0, 2.0),
    (-2.805118086952745, 3.131312518250573),
    (-3.779310253377747, -3.283185991286170),
    (3.584428340330492, -1.848126526964404),
)

# (name, formula, title, bounds, minima, kind, log_levels, description)
_FORMULAS: tuple[dict[str, object], ...] = (
    dict(
        name="bowl",
        text="x**2 + y**2",
        title="Quadratic bowl",
        bounds=((-3.0, 3.0), (-3.0, 3.0)),
        minima=((0.0, 0.0),),
        kind="convex",
        description="Convex and round: every optimizer finds the single minimum.",
    ),
    dict(
        name="valley",
        text="x**2 + 10*y**2",
        title="Elongated valley",
        bounds=((-3.0, 3.0), (-3.0, 3.0)),
        minima=((0.0, 0.0),),
        kind="ill-conditioned",
        description="Ten times steeper across than along: plain GD zig-zags.",
    ),
    dict(
        name="rosenbrock",
        text="(1 - x)**2 + 100*(y - x**2)**2",
        title="Rosenbrock",
        bounds=((-2.0, 2.0), (-1.0, 3.0)),
        minima=((1.0, 1.0),),
        kind="non-convex",
        log_levels=True,
        description="A curved, flat-bottomed banana valley; the minimum is easy to reach "
        "and hard to finish.",
    ),
    dict(
        name="himmelblau",
        text="(x**2 + y - 11)**2 + (x + y**2 - 7)**2",
        title="Himmelblau",
        bounds=((-5.0, 5.0), (-5.0, 5.0)),
        minima=_HIMMELBLAU_MINIMA,
        kind="non-convex",
        log_levels=True,
        description="Four minima of equal depth: the start decides which one you reach.",
    ),
    dict(
        name="rastrigin",
        text="20 + x**2 - 10*cos(2*pi*x) + y**2 - 10*cos(2*pi*y)",
        title="Rastrigin",
        bounds=((-5.12, 5.12), (-5.12, 5.12)),
        minima=((0.0, 0.0),),
        kind="multi-modal",
        description="An egg-crate of local minima around one global minimum.",
    ),
    dict(
        name="beale",
        text="(1.5 - x + x*y)**2 + (2.25 - x + x*y**2)**2 + (2.625 - x + x*y**3)**2",
        title="Beale",
        bounds=((-4.5, 4.5), (-4.5, 4.5)),
        minima=((3.0, 0.5),),
        kind="non-convex",
        log_levels=True,
        description="Flat plateaus and sharp ridges around a minimum in a narrow valley.",
    ),
    dict(
        name="saddle",
        text="x**2 - y**2",
        title="Saddle",
        bounds=((-2.0, 2.0), (-2.0, 2.0)),
        saddles=((0.0, 0.0),),
        kind="saddle",
        description="Up along x, down along y: a start on the x-axis stalls at the saddle.",
    ),
    dict(
        name="booth",
        text="(x + 2*y - 7)**2 + (2*x + y - 5)**2",
        title="Booth",
        bounds=((-10.0, 10.0), (-10.0, 10.0)),
        minima=((1.0, 3.0),),
        kind="convex",
        log_levels=True,
        description="A tilted, mildly elongated quadratic bowl.",
    ),
    dict(
        name="parabola",
        text="x**2",
        title="Parabola",
        bounds=((-4.0, 4.0),),
        minima=((0.0,),),
        kind="convex",
        description="The simplest valley: f(x) = x², f'(x) = 2x (seed 001's learning-rate study).",
    ),
    dict(
        name="shifted-parabola",
        text="x**2 + 4*x + 9",
        title="Shifted parabola",
        bounds=((-15.0, 10.0),),
        minima=((-2.0,),),
        kind="convex",
        description="Seed 001's first example: minimum 5 at x = −2.",
    ),
    dict(
        name="xcosx",
        text="x*cos(x)",
        title="x·cos x",
        bounds=((-10.0, 10.0),),
        minima=(
            (-6.437298179171947,),
            (-0.8603335890193798,),
            (3.4256184594817283,),
            (9.529334405361963,),
        ),
        kind="non-convex",
        description="Several local minima: the start decides the valley (seed 001).",
    ),
)


@cache
def _builtins() -> dict[str, Landscape]:
    catalogue: dict[str, Landscape] = {}
    for spec in _FORMULAS:
        spec = dict(spec)
        name = str(spec.pop("name"))
        text = str(spec.pop("text"))
        catalogue[name] = from_expression(text, name=name, **spec)  # type: ignore[arg-type]
    for landscape in (_regression_landscape(), _least_squares_landscape()):
        catalogue[landscape.name] = landscape
    return catalogue


#: The built-in names, in catalogue order.
LANDSCAPES: tuple[str, ...] = (
    *(str(spec["name"]) for spec in _FORMULAS),
    "linear-regression",
    "least-squares",
)


def landscape_names() -> list[str]:
    """The names of every built-in landscape."""
    return list(LANDSCAPES)


def get_landscape(name: str) -> Landscape:
    """Look up a built-in landscape by name.

    Raises
    ------
    ValueError
        For an unknown name, suggesting the closest one.
    """
    catalogue = _builtins()
    if name in catalogue:
        return catalogue[name]
    raise ValueError(unknown_name_message("landscape", name, LANDSCAPES))
