"""Data problems: a per-sample loss averaged over a data set.

Seed 000's line fit is declared in the catalogue as a per-sample loss and gradient; its numpy
kernels are generated (:mod:`gdviz.landscapes.compiled`) and evaluated here on all samples at
once — shape ``(..., n)`` — then averaged with numpy's ``mean`` (pairwise summation, which the
page's JavaScript reproduces). Seed 002's least squares in three unknowns is written in matrix
form, as the seed writes it:

.. math::
    L(\\theta) = \\frac1n \\lVert X\\theta - y \\rVert^2, \\quad
    \\nabla L = \\frac2n X^\\top (X\\theta - y), \\quad \\nabla^2 L = \\frac2n X^\\top X.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np

from gdviz.landscapes.catalogue import DataEntry, declared
from gdviz.landscapes.landscape import Dataset, Functions, Landscape

__all__ = [
    "REGRESSION_X",
    "REGRESSION_Y",
    "LeastSquaresProblem",
    "data_landscape",
    "least_squares_landscape",
    "least_squares_problem",
]

#: Seed 000's data: one feature, five points.
REGRESSION_X = np.array([1.0, 2.0, 3.0, 4.0, 5.0])
REGRESSION_Y = np.array([2.0, 4.0, 5.0, 4.0, 5.0])
for _array in (REGRESSION_X, REGRESSION_Y):
    _array.setflags(write=False)


def two_classes(seed: int = 3, per_class: int = 15) -> Dataset:
    """The logistic-regression data: one feature, two overlapping classes.

    Class 0 draws ``x ~ N(−1, 1)``, class 1 ``x ~ N(1.2, 1)`` (``numpy.random.RandomState``,
    whose stream never changes), rounded to two decimals; labels 0 then 1.
    """
    rng = np.random.RandomState(seed)
    x = np.round(
        np.concatenate([rng.normal(-1.0, 1.0, per_class), rng.normal(1.2, 1.0, per_class)]), 2
    )
    y = np.repeat([0.0, 1.0], per_class)
    return Dataset(x[:, None], y)


@cache
def dataset(name: str) -> Dataset:
    """A catalogue data problem's samples (columns in the entry's ``columns`` order).

    Drawn on first use, so importing the landscapes (``gdviz run`` on a formula) draws none.
    """
    if name == "linear-regression":
        return Dataset(REGRESSION_X[:, None].copy(), REGRESSION_Y.copy())
    if name == "logistic-regression":
        return two_classes()
    raise KeyError(name)


def _columns(dataset: Dataset) -> tuple[np.ndarray, ...]:
    return (*(dataset.X[:, j] for j in range(dataset.X.shape[1])), dataset.y)


def sample_functions(kernels: Any, dataset: Dataset, dim: int) -> Functions:
    """:class:`Functions` of the mean of generated per-sample kernels over ``dataset``.

    The kernels (``sample_loss``, ``sample_both``, ``sample_hessian``) take ``dim`` parameter
    arrays of shape ``(..., 1)`` and the data columns of shape ``(n,)`` and return per-sample
    arrays ``(..., n)``; each is averaged over the last axis.
    """
    columns = _columns(dataset)

    def split(points: np.ndarray) -> tuple[np.ndarray, ...]:
        return tuple(points[..., i : i + 1] for i in range(dim))

    def means(parts: tuple[Any, ...], shape: tuple[int, ...]) -> np.ndarray:
        out = np.empty((*shape, len(parts)), dtype=np.float64)
        for i, part in enumerate(parts):
            out[..., i] = np.mean(np.broadcast_to(part, (*shape, dataset.n)), axis=-1)
        return out

    def loss(points: np.ndarray) -> np.ndarray:
        (per_sample,) = kernels.sample_loss(*split(points), *columns)
        return np.mean(per_sample, axis=-1)

    def both(points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        value, *parts = kernels.sample_both(*split(points), *columns)
        return np.mean(value, axis=-1), means(tuple(parts), points.shape[:-1])

    def gradient(points: np.ndarray) -> np.ndarray:
        return both(points)[1]

    def hessian(points: np.ndarray) -> np.ndarray:
        parts = kernels.sample_hessian(*split(points), *columns)
        return means(parts, points.shape[:-1]).reshape(*points.shape[:-1], dim, dim)

    def on_rows(points: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        picked = tuple(column[rows] for column in columns)  # (..., b): the slice's samples
        value, *parts = kernels.sample_both(*split(points), *picked)
        shape = np.broadcast_shapes(points.shape[:-1], rows.shape[:-1])
        b = rows.shape[-1]
        grad = np.empty((*shape, dim), dtype=np.float64)
        for i, part in enumerate(parts):
            grad[..., i] = np.mean(np.broadcast_to(part, (*shape, b)), axis=-1)
        return np.mean(np.broadcast_to(value, (*shape, b)), axis=-1), grad

    return Functions(loss, gradient, both, hessian, on_rows)


def data_landscape(entry: DataEntry, kernels: Any) -> Landscape:
    """The landscape of a catalogue data problem, from its generated kernels."""
    samples = dataset(entry.name)
    dim = len(entry.variables)
    functions = sample_functions(kernels, samples, dim)
    optimum = _newton(functions, np.zeros(dim))
    return Landscape(
        **declared(entry),
        functions=functions,
        minima=(tuple(float(v) for v in optimum),),
        formula=entry.formula,
        pretty=entry.pretty,
        data=samples,
    )


def _newton(functions: Functions, start: np.ndarray, steps: int = 50) -> np.ndarray:
    """The minimum of a convex data problem by Newton's method from its exact derivatives."""
    theta = start.astype(np.float64)
    for _ in range(steps):
        _, grad = functions.loss_and_gradient(theta)
        step = np.linalg.solve(functions.hessian(theta), grad)
        theta = theta - step
        if np.max(np.abs(step)) <= 1e-15 * max(1.0, float(np.max(np.abs(theta)))):
            break
    return theta


# ------------------------------------------------------------------ seed 002's least squares


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


def least_squares_landscape() -> Landscape:
    """Seed 002's 3-feature least squares, in the seed's matrix form."""
    problem = least_squares_problem()
    X, y = problem.X, problem.y
    n = X.shape[0]

    def loss(points: np.ndarray) -> np.ndarray:
        return np.mean((points @ X.T - y) ** 2, axis=-1)

    def gradient(points: np.ndarray) -> np.ndarray:
        return (2 / n) * ((points @ X.T - y) @ X)

    def both(points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return loss(points), gradient(points)

    def on_rows(points: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        # elementwise in a fixed order, then numpy's mean over the slice: the same bits for
        # every batch shape (an einsum's summation order depends on the operands' strides)
        Xb, yb = X[rows], y[rows]  # (..., b, 3), (..., b)
        residual = Xb[..., 0] * points[..., 0:1]
        for k in range(1, 3):
            residual = residual + Xb[..., k] * points[..., k : k + 1]
        residual = residual - yb
        grad = np.empty((*residual.shape[:-1], 3))
        for k in range(3):
            grad[..., k] = np.mean(2.0 * residual * Xb[..., k], axis=-1)
        return np.mean(residual**2, axis=-1), grad

    hess = (2 / n) * (X.T @ X)

    def hessian(points: np.ndarray) -> np.ndarray:
        return np.broadcast_to(hess, (*points.shape[:-1], 3, 3)).copy()

    theta_opt = np.linalg.lstsq(X, y, rcond=None)[0]
    return Landscape(
        name="least-squares",
        title="3-feature least squares (seed 002)",
        variables=("w1", "w2", "w3"),
        functions=Functions(loss, gradient, both, hessian, on_rows),
        bounds=((-1.0, 3.0), (-2.0, 2.0), (-1.0, 1.5)),
        minima=(tuple(float(v) for v in theta_opt),),
        formula="L(theta) = 1/n norm(X theta - y)^2",
        pretty="mean((X·θ − y)²)",
        kind="convex",
        description="Batch least squares on 100 seeded samples with 3 features (seed 002).",
        starts=(tuple(float(v) for v in problem.start),),
        steps=1000,
        lrs={"sgd": 0.1, "momentum": 0.05, "rmsprop": 0.01, "adam": 0.05},
        data=Dataset(X.copy(), y.copy()),
    )
