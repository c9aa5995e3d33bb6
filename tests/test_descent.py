"""descend(): stopping rules, divergence, batching, and the seeds' own loops."""

from __future__ import annotations

import csv
import inspect
import json
import math
import threading
import time
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gdviz.descent import (
    DEFAULT_GRAD_TOL,
    DEFAULT_LOSS_TOL,
    DEFAULT_STEPS,
    TrajectoryBatch,
    _squared_bound,
    descend,
)
from gdviz.engine import BLOCK_ROWS, THREAD_BLOCK_ROWS, Engine, default_engine
from gdviz.landscapes import (
    REGRESSION_X,
    REGRESSION_Y,
    from_expression,
    get_landscape,
    least_squares_problem,
)
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
        run = _single(descend(parabola, GD, [3.0], lr=lr, steps=10, grad_tol=0))
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
        run = _single(
            descend(landscape, GD, [0.5, 0.0], lr=lr0, steps=200, schedule=schedule, grad_tol=0)
        )
        np.testing.assert_array_equal(run.losses[:200], losses)
        assert tuple(run.final_point) == (w, b)
        assert run.status == "max_steps"


def test_seed_000_too_high_lr_diverges_cleanly() -> None:
    landscape = get_landscape("linear-regression")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        run = _single(descend(landscape, GD, [0.5, 0.0], lr=0.5, steps=200, grad_tol=0))
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
    run = _single(
        descend(get_landscape("bowl"), GD, [1.0, 1.0], lr=0.1, steps=500, grad_tol=0, loss_tol=1e-9)
    )
    assert run.status == "converged"
    assert abs(run.losses[-1] - run.losses[-2]) < 1e-9 <= abs(run.losses[-2] - run.losses[-3])


def test_zero_tolerances_run_exactly_the_requested_steps() -> None:
    run = _single(descend(get_landscape("bowl"), GD, [0.0, 0.0], lr=0.1, steps=7, grad_tol=0))
    assert run.steps == 7 and run.status == "max_steps"


def test_non_finite_values_end_the_run_without_warnings() -> None:
    rosenbrock = get_landscape("rosenbrock")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        run = _single(descend(rosenbrock, GD, [-1.5, 2.0], lr=0.5, steps=100, grad_tol=0))
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
    batch = descend(landscape, momentum, starts, lr=lrs, steps=20, schedule=schedule, grad_tol=0)
    assert isinstance(batch, TrajectoryBatch) and batch.shape == (2, 3)
    single = _single(
        descend(landscape, momentum, starts[2], lr=0.2, steps=20, schedule=schedule, grad_tol=0)
    )
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


# ------------------------------------------------------------------------------ defaults


def test_defaults_are_the_clis() -> None:
    """`gdviz run`'s options default to descend()'s: every option named like a parameter of
    descend() (steps, loss_tol, schedule, batch_size, seed...), and --tol to grad_tol. A
    parameter descend() requires is required on the command line too, except the learning
    rate and the start, whose help says what the CLI takes instead (torch's default rate, the
    landscape's own start)."""
    import click

    from gdviz.cli.run import command as run_command

    parameters = inspect.signature(descend).parameters
    assert parameters["steps"].default == DEFAULT_STEPS == 100
    assert parameters["grad_tol"].default == DEFAULT_GRAD_TOL == 1e-6
    assert parameters["loss_tol"].default == DEFAULT_LOSS_TOL == 0.0
    options = {p.name: p for p in run_command.params if isinstance(p, click.Option)}
    # the values the command receives when only the required options are given
    received = run_command.make_context(
        "run", ["-l", "bowl", "--optimizer=gd", "--start=1,1"]
    ).params
    shared = set(options) & set(parameters)
    assert {"steps", "loss_tol", "schedule", "batch_size", "seed", "start", "lr"} <= shared
    stated = {"lr": "torch.optim's default", "start": "the landscape's own start"}
    for name in sorted(shared - set(stated)):
        option, parameter = options[name], parameters[name]
        if parameter.default is inspect.Parameter.empty:
            assert option.required, name
            continue
        assert received[name] == parameter.default, name
        assert type(received[name]) is type(parameter.default), name
    assert received["tol"] == DEFAULT_GRAD_TOL
    for name, text in stated.items():
        assert parameters[name].default is inspect.Parameter.empty and not options[name].required
        assert f"[default: {text}" in (options[name].help or ""), name


def test_the_default_gradient_tolerance_stops_a_converged_run() -> None:
    run = _single(descend(get_landscape("bowl"), GD, [1.0, 1.0], lr=0.5, steps=50))
    assert run.status == "converged" and run.steps == 1  # lr 0.5 on x² + y² lands on 0
    assert run.spec is not None and run.spec.grad_tol == DEFAULT_GRAD_TOL


# ------------------------------------------------------------------- single run, keep="final"


def test_a_single_run_keeps_only_its_final_values() -> None:
    landscape = get_landscape("rosenbrock")
    adam = make_optimizer("adam")
    path = _single(descend(landscape, adam, [-1.5, 2.0], lr=0.01, steps=30))
    final = descend(landscape, adam, [-1.5, 2.0], lr=0.01, steps=30, keep="final")
    assert isinstance(final, TrajectoryBatch) and final.shape == () and final.points is None
    assert str(final.status) == path.status and int(final.stop_step) == path.steps
    assert final.final_points.shape == (2,)
    np.testing.assert_array_equal(final.final_points, path.final_point)
    assert float(final.final_losses) == path.final_loss
    assert final.spec.start == (-1.5, 2.0) and final.spec.lr == 0.01
    with pytest.raises(ValueError, match="keep='final'"):
        final[()]


# ----------------------------------------------------------------------- non-finite starts


@pytest.mark.parametrize(
    ("formula", "start", "message"),
    [
        ("1/x", [0.0], "the loss at the start is not finite (inf)"),
        ("log(x)", [0.0], "the loss at the start is not finite (-inf)"),
        ("1/(x-1) + y", [1.0, 1.0], "the loss at the start is not finite (inf)"),
        ("sqrt(x**2+y**2)", [0.0, 0.0], "the gradient at the start is not finite (nan)"),
        ("sqrt(abs(x))", [0.0], "the gradient at the start is not finite (nan)"),
        ("x**2 + y**2", [1e200, 0.0], "the loss at the start is not finite (inf)"),
        ("1e200*x + 1e200*y", [0.0, 0.0], "the gradient norm at the start is not finite (inf)"),
    ],
)
def test_a_start_where_the_landscape_is_not_finite_is_an_error(
    formula: str, start: list[float], message: str
) -> None:
    landscape = from_expression(formula)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError) as excinfo:
            descend(landscape, GD, start[: landscape.dim], lr=0.1, steps=5)
    assert str(excinfo.value) == message


def test_a_batch_names_the_element_whose_start_is_not_finite() -> None:
    landscape = from_expression("1/x")
    with pytest.raises(ValueError) as excinfo:
        descend(landscape, GD, [[1.0], [2.0], [0.0]], lr=np.array([[0.1], [0.2]]), steps=5)
    assert str(excinfo.value) == "the loss at the start is not finite (inf) at batch index (0, 2)"


# --------------------------------------------------------------------- non-finite points


def test_a_point_that_becomes_infinite_ends_the_run_at_the_last_finite_point() -> None:
    # near the pole of 1/(x-1) the step throws x to inf, where loss (= y) and gradient stay finite
    landscape = from_expression("1/(x-1) + y")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        run = _single(descend(landscape, GD, [1.001, 1.0], lr=1e303, steps=10))
    assert run.status == "diverged" and run.steps == 0
    assert run.final_point.tolist() == [1.001, 1.0]
    document = json.loads(run.to_json())
    assert document["status"] == "diverged" and len(document["records"]) == 1


def test_a_run_to_a_non_finite_loss_ends_diverged_and_its_files_stay_valid() -> None:
    landscape = from_expression("x**3")  # unbounded below: the loss runs to -inf
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        run = _single(descend(landscape, GD, [-1.0], lr=1.0, steps=100))
    assert run.status == "diverged" and 0 < run.steps < 100
    assert np.isfinite(run.losses).all() and run.losses[-1] < -1e100
    json.loads(run.to_json(), parse_constant=_no_constant)
    rows = list(csv.reader(run.to_csv().splitlines()))[1:]
    assert all(math.isfinite(float(v)) for row in rows for v in row)


def _no_constant(name: str) -> float:
    raise AssertionError(f"{name} in JSON")


def test_max_loss_bounds_the_run() -> None:
    run = _single(descend(get_landscape("bowl"), GD, [1.0, 1.0], lr=1.5, steps=50, max_loss=100))
    assert run.status == "diverged"
    assert run.losses.max() <= 100 and run.losses[-1] * 4 > 100  # the next step would pass it
    with pytest.raises(ValueError, match="max_loss"):
        descend(get_landscape("bowl"), GD, [1.0, 1.0], lr=0.1, max_loss=float("nan"))


# ----------------------------------------------------------------------------------- engine


@pytest.mark.parametrize("threads", [1, 2, 3])
def test_the_engine_changes_no_bit(threads: int) -> None:
    landscape = get_landscape("himmelblau")
    starts = np.random.default_rng(5).uniform(-5, 5, size=(37, 2))
    lrs = np.array([[1e-5], [0.01], [0.05], [0.2]])
    nesterov = make_optimizer("nesterov")
    schedule = parse_schedule("cosine:T_max=25,eta_min=1e-6")
    reference = descend(
        landscape, nesterov, starts, lr=lrs, steps=60, schedule=schedule, loss_tol=1e-12
    )
    assert isinstance(reference, TrajectoryBatch)
    assert set(reference.status.ravel()) == {"converged", "diverged", "max_steps"}
    with Engine(threads=threads, block_rows=5) as engine:
        for keep in ("path", "final"):
            batch = descend(
                landscape,
                nesterov,
                starts,
                lr=lrs,
                steps=60,
                schedule=schedule,
                loss_tol=1e-12,
                keep=keep,
                engine=engine,
            )
            assert isinstance(batch, TrajectoryBatch)
            np.testing.assert_array_equal(batch.status, reference.status)
            np.testing.assert_array_equal(batch.stop_step, reference.stop_step)
            np.testing.assert_array_equal(batch.final_points, reference.final_points)
            np.testing.assert_array_equal(batch.final_losses, reference.final_losses)
            if keep == "path":
                for name in ("points", "losses", "grad_norms", "lrs"):
                    np.testing.assert_array_equal(getattr(batch, name), getattr(reference, name))
    i, j = np.argwhere(reference.status == "diverged")[0]
    single = _single(
        descend(
            landscape,
            nesterov,
            starts[j],
            lr=lrs[i, 0],
            steps=60,
            schedule=schedule,
            loss_tol=1e-12,
        )
    )
    np.testing.assert_array_equal(reference[i, j].points, single.points)
    np.testing.assert_array_equal(reference[i, j].lrs, single.lrs)


def test_a_stopped_element_keeps_its_final_values_in_the_padded_path() -> None:
    batch = descend(
        get_landscape("valley"),
        GD,
        [2.0, 1.0],
        lr=np.array([0.05, 0.5]),
        steps=300,
        schedule=parse_schedule("exponential:gamma=0.999"),
        grad_tol=1e-8,
    )
    assert isinstance(batch, TrajectoryBatch) and batch.lrs is not None
    assert batch.points is not None and batch.losses is not None
    for i in range(2):
        n = int(batch.stop_step[i])
        assert n < 300
        assert (batch.points[n:, i] == batch.points[n, i]).all()
        assert (batch.losses[n:, i] == batch.losses[n, i]).all()
        assert (batch.lrs[n:, i] == batch.lrs[n, i]).all()


def test_engine_validation_and_default() -> None:
    assert default_engine() is default_engine()
    assert default_engine().threads >= 1
    for bad in ({"threads": 0}, {"threads": 1.5}, {"block_rows": 0}, {"threads": True}):
        with pytest.raises(ValueError, match="must be an integer"):
            Engine(**bad)
    engine = Engine(threads=2, block_rows=4096)
    assert engine.rows_per_block(1000) == 1000
    assert engine.rows_per_block(10_000) == 4096
    assert Engine(threads=1).block_rows == BLOCK_ROWS
    # threads pay only for long numpy calls: a threaded engine's blocks are big, and a batch
    # that fits one of them runs on the calling thread
    assert Engine(threads=2).block_rows == THREAD_BLOCK_ROWS > BLOCK_ROWS
    assert Engine(threads=2).rows_per_block(10_000) == 10_000


def test_an_error_in_a_worker_reaches_the_caller() -> None:
    calls: list[int] = []
    seen_cancelled: list[bool] = []

    def task(i: int, cancelled: threading.Event) -> None:
        calls.append(i)
        if i == 3:
            raise KeyError(i)
        time.sleep(0.01)
        seen_cancelled.append(cancelled.is_set())

    with Engine(threads=2) as engine, pytest.raises(KeyError):
        engine.run(task, 50)
    assert 3 in calls and len(calls) < 50 and seen_cancelled[-1]


@settings(max_examples=300, deadline=None)
@given(
    tol=st.floats(0, 1e300, allow_nan=False, exclude_min=True),
    offsets=st.lists(st.integers(-3, 3), min_size=1, max_size=7),
)
def test_the_squared_tolerance_decides_like_the_norm(tol: float, offsets: list[int]) -> None:
    bound = _squared_bound(tol)
    for offset in offsets:
        s = bound
        for _ in range(abs(offset)):
            s = math.nextafter(s, math.inf if offset > 0 else 0.0)
        assert (math.sqrt(s) < tol) == (s < bound)
