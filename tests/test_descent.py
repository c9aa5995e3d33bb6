"""descend(): stopping rules, divergence, batching, and the seeds' own loops."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from gdviz.descent import TrajectoryBatch, descend
from gdviz.landscapes import REGRESSION_X, REGRESSION_Y, get_landscape, least_squares_problem
from gdviz.optimizers import make_optimizer
from gdviz.schedules import parse_schedule
from gdviz.trajectory import Trajectory

GD = make_optimizer("gd")


def _single(result: Trajectory | TrajectoryBatch) -> Trajectory:
    assert isinstance(result, Trajectory)
    return result


def test_seed_001_learning_rates_on_x_squared_match_the_plain_loop() -> None:
    parabola = get_landscape("parabola")
    for lr in (0.01, 0.1, 0.9, 1.1):
        x, expected = 3.0, [3.0]
        for _ in range(10):
            x = x - lr * (2 * x)
            expected.append(x)
        run = _single(descend(parabola, GD, [3.0], lr=lr, steps=10))
        np.testing.assert_array_equal(run.points[:, 0], expected)
        assert run.status == "max_steps" and run.steps == 10


def test_seed_000_three_regression_runs_match_the_seed_loop_to_the_last_bit() -> None:
    landscape = get_landscape("linear-regression")
    for lr0, decay in ((0.01, None), (0.1, 0.99)):
        w, b, lr = 0.5, 0.0, lr0
        losses = []
        for _ in range(200):
            y_pred = w * REGRESSION_X + b
            losses.append(np.mean((REGRESSION_Y - y_pred) ** 2))
            dw = np.mean(2 * (y_pred - REGRESSION_Y) * REGRESSION_X)
            db = np.mean(2 * (y_pred - REGRESSION_Y))
            w, b = w - lr * dw, b - lr * db
            if decay:
                lr = lr * decay
        schedule = parse_schedule(f"exponential:gamma={decay}") if decay else None
        run = _single(descend(landscape, GD, [0.5, 0.0], lr=lr0, steps=200, schedule=schedule))
        np.testing.assert_array_equal(run.losses[:200], losses)
        assert tuple(run.final_point) == (w, b)
        assert run.status == "max_steps"


def test_seed_000_too_high_lr_diverges_cleanly() -> None:
    landscape = get_landscape("linear-regression")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        run = _single(descend(landscape, GD, [0.5, 0.0], lr=0.5, steps=200))
    assert run.status == "diverged"
    assert run.steps < 200
    assert np.all(np.isfinite(run.points)) and np.all(np.isfinite(run.losses))
    assert np.all(np.diff(run.losses) > 0)  # it only gets worse


def test_seed_002_gradient_norm_tolerance_matches_the_seed_loop() -> None:
    problem = least_squares_problem()
    theta = problem.start.copy()
    X, y = problem.X, problem.y
    losses = []
    for iteration in range(1000):
        y_pred = X @ theta
        losses.append(np.mean((y_pred - y) ** 2))
        gradient = (2 / 100) * X.T @ (y_pred - y)
        if np.linalg.norm(gradient) < 1e-6:
            stopped = iteration
            break
        theta = theta - 0.1 * gradient
    run = _single(
        descend(
            get_landscape("least-squares"), GD, problem.start, lr=0.1, steps=1000, grad_tol=1e-6
        )
    )
    assert run.status == "converged"
    assert run.steps == stopped
    np.testing.assert_allclose(run.final_point, theta, rtol=1e-12)
    np.testing.assert_allclose(run.losses, losses, rtol=1e-12)
    assert run.grad_norms[-1] < 1e-6 <= run.grad_norms[-2]
    np.testing.assert_allclose(run.final_point, [2.0, -1.0, 0.5], atol=0.05)


def test_loss_change_tolerance_stops_after_the_small_change() -> None:
    run = _single(descend(get_landscape("bowl"), GD, [1.0, 1.0], lr=0.1, steps=500, loss_tol=1e-9))
    assert run.status == "converged"
    assert abs(run.losses[-1] - run.losses[-2]) < 1e-9 <= abs(run.losses[-2] - run.losses[-3])


def test_zero_tolerances_run_exactly_the_requested_steps() -> None:
    run = _single(descend(get_landscape("bowl"), GD, [0.0, 0.0], lr=0.1, steps=7))
    assert run.steps == 7 and run.status == "max_steps"


def test_non_finite_values_end_the_run_without_warnings() -> None:
    rosenbrock = get_landscape("rosenbrock")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        run = _single(descend(rosenbrock, GD, [-1.5, 2.0], lr=0.5, steps=100))
    assert run.status == "diverged"
    assert np.isfinite(run.points).all() and np.isfinite(run.grad_norms).all()


def test_batch_of_starts_equals_single_runs_bit_for_bit() -> None:
    landscape = get_landscape("himmelblau")
    starts = np.array([[0.0, 0.0], [-1.0, 3.5], [4.5, -4.5], [-4.0, -4.0]])
    adam = make_optimizer("adam")
    batch = descend(landscape, adam, starts, lr=0.05, steps=80, grad_tol=1e-3)
    assert isinstance(batch, TrajectoryBatch) and batch.shape == (4,)
    for i, start in enumerate(starts):
        single = _single(descend(landscape, adam, start, lr=0.05, steps=80, grad_tol=1e-3))
        element = batch[i]
        assert element.status == single.status and element.steps == single.steps
        np.testing.assert_array_equal(element.points, single.points)
        np.testing.assert_array_equal(element.losses, single.losses)
        np.testing.assert_array_equal(element.lrs, single.lrs)


def test_batch_of_learning_rates_with_some_diverging_equals_single_runs() -> None:
    landscape = get_landscape("valley")
    lrs = np.array([0.01, 0.05, 0.099, 0.11, 0.5])
    batch = descend(landscape, GD, [2.0, 1.0], lr=lrs, steps=300, grad_tol=1e-8)
    assert isinstance(batch, TrajectoryBatch)
    assert list(batch.status) == ["max_steps", "converged", "max_steps", "diverged", "diverged"]
    for i, lr in enumerate(lrs):
        single = _single(descend(landscape, GD, [2.0, 1.0], lr=lr, steps=300, grad_tol=1e-8))
        np.testing.assert_array_equal(batch[i].points, single.points)
        assert batch[i].status == single.status
        assert batch.final_points[i].tolist() == single.final_point.tolist()


def test_grid_of_learning_rates_by_starts_with_a_schedule() -> None:
    landscape = get_landscape("bowl")
    schedule = parse_schedule("step:step_size=5,gamma=0.5")
    momentum = make_optimizer("momentum")
    lrs = np.array([[0.05], [0.2]])
    starts = np.array([[1.0, 2.0], [-2.0, 0.5], [0.3, -0.3]])
    batch = descend(landscape, momentum, starts, lr=lrs, steps=20, schedule=schedule)
    assert isinstance(batch, TrajectoryBatch) and batch.shape == (2, 3)
    single = _single(descend(landscape, momentum, starts[2], lr=0.2, steps=20, schedule=schedule))
    np.testing.assert_array_equal(batch[1, 2].points, single.points)
    np.testing.assert_array_equal(single.lrs[:11], [0.2] * 5 + [0.1] * 5 + [0.05])


def test_keep_final_matches_the_full_path() -> None:
    landscape = get_landscape("rosenbrock")
    starts = np.random.default_rng(3).uniform(-2, 2, size=(50, 2))
    adam = make_optimizer("adam")
    full = descend(landscape, adam, starts, lr=0.01, steps=40)
    final = descend(landscape, adam, starts, lr=0.01, steps=40, keep="final")
    assert isinstance(full, TrajectoryBatch) and isinstance(final, TrajectoryBatch)
    assert final.points is None
    np.testing.assert_array_equal(full.final_points, final.final_points)
    np.testing.assert_array_equal(full.final_losses, final.final_losses)
    with pytest.raises(ValueError, match="keep='final'"):
        final[0]


def test_spec_records_the_recipe() -> None:
    schedule = parse_schedule("exponential:gamma=0.9")
    run = _single(
        descend(
            get_landscape("bowl"),
            make_optimizer("momentum"),
            [1.0, 2.0],
            lr=0.05,
            steps=3,
            schedule=schedule,
        )
    )
    assert run.spec is not None
    assert run.spec.landscape == "bowl" and run.spec.optimizer == "momentum"
    assert run.spec.hyperparams["momentum"] == 0.9
    assert run.spec.start == (1.0, 2.0) and run.spec.lr == 0.05 and run.spec.steps == 3
    assert run.spec.schedule is not None and "exponential" in run.spec.schedule


def test_inputs_are_not_modified() -> None:
    start = np.array([1.0, 2.0])
    lrs = np.array([0.1, 0.2])
    descend(get_landscape("bowl"), GD, start, lr=lrs, steps=5)
    assert start.tolist() == [1.0, 2.0] and lrs.tolist() == [0.1, 0.2]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"start": [1.0]}, "needs a start with 2"),
        ({"start": [np.nan, 1.0]}, "finite"),
        ({"lr": -0.1}, "learning rate"),
        ({"lr": np.inf}, "learning rate"),
        ({"steps": -1}, "steps"),
        ({"grad_tol": -1.0}, "grad_tol"),
        ({"loss_tol": np.nan}, "loss_tol"),
        ({"keep": "all"}, "keep"),
    ],
)
def test_bad_arguments_raise_value_errors(kwargs: dict, message: str) -> None:
    arguments = {"start": [1.0, 1.0], "lr": 0.1, "steps": 5, **kwargs}
    start = arguments.pop("start")
    with pytest.raises(ValueError, match=message):
        descend(get_landscape("bowl"), GD, start, **arguments)
