"""The landscape catalogue: formulas, exact gradients, minima, batching."""

from __future__ import annotations

import numpy as np
import pytest

from gdviz.expression import ExpressionError
from gdviz.landscapes import (
    REGRESSION_X,
    REGRESSION_Y,
    from_expression,
    get_landscape,
    landscape_names,
    least_squares_problem,
)

# name -> (loss(x, y) written by hand, gradient written by hand)
HAND_WRITTEN = {
    "bowl": (lambda x, y: x**2 + y**2, lambda x, y: (2 * x, 2 * y)),
    "valley": (lambda x, y: x**2 + 10 * y**2, lambda x, y: (2 * x, 20 * y)),
    "rosenbrock": (
        lambda x, y: (1 - x) ** 2 + 100 * (y - x**2) ** 2,
        lambda x, y: (-2 * (1 - x) - 400 * x * (y - x**2), 200 * (y - x**2)),
    ),
    "himmelblau": (
        lambda x, y: (x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2,
        lambda x, y: (
            4 * x * (x**2 + y - 11) + 2 * (x + y**2 - 7),
            2 * (x**2 + y - 11) + 4 * y * (x + y**2 - 7),
        ),
    ),
    "rastrigin": (
        lambda x, y: 20 + x**2 - 10 * np.cos(2 * np.pi * x) + y**2 - 10 * np.cos(2 * np.pi * y),
        lambda x, y: (
            2 * x + 20 * np.pi * np.sin(2 * np.pi * x),
            2 * y + 20 * np.pi * np.sin(2 * np.pi * y),
        ),
    ),
    "beale": (
        lambda x, y: (
            (1.5 - x + x * y) ** 2 + (2.25 - x + x * y**2) ** 2 + (2.625 - x + x * y**3) ** 2
        ),
        lambda x, y: (
            2 * (1.5 - x + x * y) * (y - 1)
            + 2 * (2.25 - x + x * y**2) * (y**2 - 1)
            + 2 * (2.625 - x + x * y**3) * (y**3 - 1),
            2 * (1.5 - x + x * y) * x
            + 2 * (2.25 - x + x * y**2) * 2 * x * y
            + 2 * (2.625 - x + x * y**3) * 3 * x * y**2,
        ),
    ),
    "saddle": (lambda x, y: x**2 - y**2, lambda x, y: (2 * x, -2 * y)),
    "booth": (
        lambda x, y: (x + 2 * y - 7) ** 2 + (2 * x + y - 5) ** 2,
        lambda x, y: (
            2 * (x + 2 * y - 7) + 4 * (2 * x + y - 5),
            4 * (x + 2 * y - 7) + 2 * (2 * x + y - 5),
        ),
    ),
}

ONE_D = {
    "parabola": (lambda x: x**2, lambda x: 2 * x),
    "shifted-parabola": (lambda x: x**2 + 4 * x + 9, lambda x: 2 * x + 4),
    "xcosx": (lambda x: x * np.cos(x), lambda x: np.cos(x) - x * np.sin(x)),
}


@pytest.fixture(scope="module")
def points_2d() -> np.ndarray:
    return np.random.default_rng(0).uniform(-3, 3, size=(64, 2))


@pytest.mark.parametrize("name", sorted(HAND_WRITTEN))
def test_2d_values_and_gradients_match_hand_written(name: str, points_2d: np.ndarray) -> None:
    landscape = get_landscape(name)
    f, g = HAND_WRITTEN[name]
    x, y = points_2d.T
    np.testing.assert_allclose(landscape.loss(points_2d), f(x, y), rtol=1e-13, atol=1e-12)
    np.testing.assert_allclose(
        landscape.gradient(points_2d), np.stack(g(x, y), axis=-1), rtol=1e-12, atol=1e-10
    )


@pytest.mark.parametrize("name", sorted(ONE_D))
def test_1d_values_and_gradients_match_the_seed_formulas_exactly(name: str) -> None:
    landscape = get_landscape(name)
    x = np.linspace(-9.5, 9.5, 41)
    f, g = ONE_D[name]
    assert landscape.dim == 1
    np.testing.assert_array_equal(landscape.loss(x[:, None]), f(x))
    np.testing.assert_array_equal(landscape.gradient(x[:, None])[:, 0], g(x))


def test_every_builtin_has_bounds_a_formula_and_stationary_minima() -> None:
    assert len(landscape_names()) >= 13
    for name in landscape_names():
        landscape = get_landscape(name)
        assert len(landscape.bounds) == landscape.dim
        assert all(lo < hi for lo, hi in landscape.bounds)
        assert landscape.formula and landscape.pretty and landscape.title
        for minimum in landscape.minima:
            point = np.array(minimum)
            assert np.linalg.norm(landscape.gradient(point)) < 1e-8, (name, minimum)
            eigenvalues = np.linalg.eigvalsh(landscape.hessian(point))
            assert eigenvalues.min() > 0, (name, minimum)


def test_minima_are_the_lowest_points_of_a_grid() -> None:
    for name in ("bowl", "valley", "rosenbrock", "himmelblau", "rastrigin", "beale", "booth"):
        landscape = get_landscape(name)
        grid = np.stack(landscape.grid(201), axis=-1)
        best = landscape.loss(np.array(landscape.minima[0]))
        assert best <= landscape.loss(grid).min() + 1e-12, name


def test_batch_axes_broadcast() -> None:
    landscape = get_landscape("rosenbrock")
    points = np.random.default_rng(1).normal(size=(3, 4, 5, 2))
    assert landscape.loss(points).shape == (3, 4, 5)
    assert landscape.gradient(points).shape == (3, 4, 5, 2)
    assert landscape.hessian(points).shape == (3, 4, 5, 2, 2)
    np.testing.assert_array_equal(landscape.loss(points)[1, 2], landscape.loss(points[1, 2]))


def test_valley_hessian_is_exact() -> None:
    np.testing.assert_array_equal(
        get_landscape("valley").hessian(np.array([0.3, -0.2])), [[2.0, 0.0], [0.0, 20.0]]
    )


def test_wrong_number_of_coordinates_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match=r"2 coordinate\(s\) \(x, y\)"):
        get_landscape("bowl").loss(np.zeros(3))


def test_unknown_landscape_suggests_the_closest() -> None:
    with pytest.raises(ValueError, match="did you mean 'rosenbrock'"):
        get_landscape("rosenbrok")


def test_linear_regression_is_seed_000_mse_to_the_last_bit() -> None:
    landscape = get_landscape("linear-regression")
    assert landscape.variables == ("w", "b")
    rng = np.random.default_rng(2)
    for w, b in rng.normal(size=(20, 2)):
        y_pred = w * REGRESSION_X + b
        assert landscape.loss(np.array([w, b])) == np.mean((REGRESSION_Y - y_pred) ** 2)
        expected = (
            np.mean(2 * (y_pred - REGRESSION_Y) * REGRESSION_X),
            np.mean(2 * (y_pred - REGRESSION_Y)),
        )
        assert tuple(landscape.gradient(np.array([w, b]))) == expected
    np.testing.assert_allclose(landscape.minima[0], (0.6, 2.2), rtol=1e-12)


def test_least_squares_is_seed_002_problem() -> None:
    problem = least_squares_problem()
    rng = np.random.RandomState(42)
    X = rng.randn(100, 3)
    y = X @ np.array([2.0, -1.0, 0.5]) + rng.randn(100) * 0.1
    np.testing.assert_array_equal(problem.X, X)
    np.testing.assert_array_equal(problem.y, y)
    np.testing.assert_array_equal(problem.start, rng.randn(3) * 0.01)
    landscape = get_landscape("least-squares")
    theta = np.array([1.0, 0.5, -0.25])
    np.testing.assert_allclose(
        landscape.gradient(theta), (2 / 100) * X.T @ (X @ theta - y), rtol=1e-13, atol=1e-15
    )
    np.testing.assert_allclose(landscape.minima[0], np.linalg.lstsq(X, y, rcond=None)[0])


def test_user_formula_landscape() -> None:
    landscape = from_expression("x**2 + 3*sin(y)")
    assert landscape.variables == ("x", "y")
    assert landscape.name == "x**2 + 3*sin(y)"
    point = np.array([1.5, 0.25])
    assert landscape.loss(point) == 1.5**2 + 3 * np.sin(0.25)
    np.testing.assert_allclose(landscape.gradient(point), [3.0, 3 * np.cos(0.25)], rtol=1e-15)
    assert from_expression("x**3").dim == 1


def test_constant_formula_broadcasts() -> None:
    landscape = from_expression("x*0 + 7")
    assert landscape.loss(np.zeros((4, 1))).shape == (4,)


def test_user_formula_rejects_code() -> None:
    with pytest.raises(ExpressionError):
        from_expression("__import__('os').system('true')")
