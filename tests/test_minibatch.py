"""Minibatch descent: the contract of gdviz.batches through descend, files, CLI and TOML."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from helpers import invoke, one_line_error

from gdviz.budget import check_memory
from gdviz.descent import TrajectoryBatch, descend
from gdviz.experiments import load_experiments
from gdviz.landscapes import get_landscape
from gdviz.optimizers import make_optimizer
from gdviz.trajectory import Trajectory, load_trajectory

DATA = ("linear-regression", "least-squares", "logistic-regression", "mlp-moons")


def _start(name: str) -> np.ndarray:
    landscape = get_landscape(name)
    return np.array(landscape.starts[0] if landscape.starts else np.zeros(landscape.dim))


def _run(name: str = "linear-regression", start=None, **options) -> Trajectory:
    options = {"lr": 0.02, "steps": 40, "grad_tol": 0.0, **options}
    start = _start(name) if start is None else start
    run = descend(get_landscape(name), make_optimizer("sgd"), start, **options)
    assert isinstance(run, Trajectory)
    return run


def _slices(run: Trajectory) -> tuple[np.ndarray, ...]:
    """A minibatch run's slices (asserting it recorded them)."""
    assert run.batches is not None
    return run.batches


@pytest.mark.parametrize("size", [None, 5, 6, 1000])
def test_full_batch_is_bit_for_bit_todays_run(size: int | None) -> None:
    today = descend(
        get_landscape("linear-regression"), make_optimizer("adam"), [0.0, 0.0], lr=0.1, steps=60
    )
    run = descend(
        get_landscape("linear-regression"),
        make_optimizer("adam"),
        [0.0, 0.0],
        lr=0.1,
        steps=60,
        batch_size=size,
        seed=4,
    )
    assert isinstance(today, Trajectory) and isinstance(run, Trajectory)
    assert run.encode("json") == today.encode("json")
    assert run.encode("csv") == today.encode("csv")
    assert run.batch_losses is None and run.epochs is None and run.batches is None
    assert today.spec is not None
    assert "batch_size" not in today.spec.to_dict()  # files written before minibatches: same keys


def test_each_step_is_the_contracts_sgd_step_replayed_in_numpy() -> None:
    """The contract, written out as a user would replay it: permutation per epoch, slices,
    plain SGD on the mean gradient of the slice."""
    landscape = get_landscape("linear-regression")
    assert landscape.data is not None
    X, y = landscape.data.X[:, 0], landscape.data.y
    run = _run(batch_size=2, seed=11, steps=23, lr=0.03)
    rng, theta, k = np.random.default_rng(11), _start("linear-regression"), 0
    expected, epochs, slices = [theta.copy()], [], []
    while k < 23:
        order = rng.permutation(5)
        for i in range(0, 5, 2):
            rows = order[i : i + 2]
            if k < 23:
                residual = theta[0] * X[rows] + theta[1] - y[rows]
                grad = np.array([np.mean(2 * residual * X[rows]), np.mean(2 * residual)])
                theta = theta - 0.03 * grad
                expected.append(theta.copy())
            epochs.append(k // 3)
            slices.append(rows)
            k += 1
    np.testing.assert_allclose(run.points, np.array(expected), rtol=1e-14, atol=1e-15)
    assert run.epochs is not None and run.batches is not None
    assert run.epochs.tolist() == [k // 3 for k in range(24)]
    for got, want in zip(run.batches, slices, strict=True):
        assert got.tolist() == want.tolist()


@pytest.mark.parametrize("name", DATA)
def test_rows_carry_full_data_values_and_the_slices_loss(name: str) -> None:
    landscape = get_landscape(name)
    lr = {"mlp-moons": 0.5, "logistic-regression": 0.5}.get(name, 0.02)
    size = 3 if name == "linear-regression" else 7
    run = _run(name, batch_size=size, seed=2, steps=12, lr=lr)
    assert run.spec is not None and run.batches is not None and run.batch_losses is not None
    assert landscape.data is not None
    assert run.steps == 12 and run.spec.batch_size == size and run.spec.seed == 2
    for k in range(run.steps + 1):  # evaluated as the run does: one row of shape (1, d)
        loss, grad = landscape.loss_and_gradient(run.points[k : k + 1])
        assert run.losses[k] == loss[0]
        assert run.grad_norms[k] == pytest.approx(np.linalg.norm(grad[0]), rel=1e-15)
    per_epoch = -(-landscape.data.n // size)
    for k, rows in enumerate(run.batches):
        assert len(rows) == size or k % per_epoch == per_epoch - 1
        batch_loss, _ = landscape.minibatch(run.points[k], rows)
        assert run.batch_losses[k] == batch_loss
    assert not np.array_equal(run.losses, run.batch_losses)


@pytest.mark.parametrize("name", DATA)
def test_each_seed_of_a_batch_is_its_own_single_run(name: str) -> None:
    """Bit for bit. (least-squares' *full-data* loss is a BLAS matrix product whose rounding
    depends on how many rows it multiplies — a property of that landscape with or without
    minibatches — so there the minibatch path is compared bit for bit and the full-data
    values by the landscape.)"""
    landscape = get_landscape(name)
    start = _start(name)
    starts = np.stack([start, start + 0.1])
    lrs = np.array([[0.01], [0.05]])  # (2, 1) × starts (2, d) -> batch (2, 2)
    batch = descend(
        landscape,
        make_optimizer("adam"),
        starts,
        lr=lrs,
        steps=25,
        batch_size=8,
        seed=[3, 0, 9],
        grad_tol=0.0,
    )
    assert isinstance(batch, TrajectoryBatch) and batch.shape == (3, 2, 2)
    for k, seed in enumerate((3, 0, 9)):
        for i in range(2):
            for j in range(2):
                single = descend(
                    landscape,
                    make_optimizer("adam"),
                    starts[j],
                    lr=float(lrs[i, 0]),
                    steps=25,
                    batch_size=8,
                    seed=seed,
                    grad_tol=0.0,
                )
                element = batch[k, i, j]
                if name != "least-squares":
                    assert element.encode("json") == single.encode("json")
                    continue
                np.testing.assert_array_equal(element.points, single.points)
                np.testing.assert_array_equal(element.batch_losses, single.batch_losses)
                assert element.spec == single.spec and element.status == single.status
                assert element.batches is not None and single.batches is not None
                assert [r.tolist() for r in element.batches] == [r.tolist() for r in single.batches]


def test_seeds_are_independent() -> None:
    """A seed's run does not depend on which other seeds share its call; seeds differ."""
    alone = _run(start=[0.0, 0.0], batch_size=2, seed=5)
    together = descend(
        get_landscape("linear-regression"),
        make_optimizer("sgd"),
        [0.0, 0.0],
        lr=0.02,
        steps=40,
        grad_tol=0.0,
        batch_size=2,
        seed=[1, 5, 2],
    )
    assert isinstance(together, TrajectoryBatch)
    assert together[1].encode("json") == alone.encode("json")
    paths = [together[k].points for k in range(3)]
    assert not np.array_equal(paths[0], paths[1]) and not np.array_equal(paths[1], paths[2])
    orders = [[rows.tolist() for rows in _slices(together[k])[:3]] for k in range(3)]
    assert orders[0] != orders[1] != orders[2]


def test_a_diverging_minibatch_run_ends_at_its_last_finite_point() -> None:
    run = _run(batch_size=2, seed=0, lr=1.0, steps=200)
    assert run.status == "diverged" and run.steps < 200
    assert run.batch_losses is not None and run.batches is not None
    assert np.all(np.isfinite(run.points)) and np.all(np.isfinite(run.batch_losses))
    assert len(run.batches) == run.steps + 1


def test_grad_tol_looks_at_the_full_gradient() -> None:
    """A decayed rate settles the noise: the run stops once the *full* gradient is small."""
    from gdviz.schedules import parse_schedule

    landscape = get_landscape("least-squares")
    run = descend(
        landscape,
        make_optimizer("sgd"),
        landscape.starts[0],
        lr=0.1,
        steps=5000,
        batch_size=50,
        seed=0,
        grad_tol=1e-3,
        schedule=parse_schedule("exponential:gamma=0.998"),
    )
    assert run.status == "converged"
    assert run.grad_norms[-1] < 1e-3 <= run.grad_norms[:-1].min()
    full = np.linalg.norm(landscape.gradient(run.points[-1]))
    assert full == pytest.approx(run.grad_norms[-1], rel=1e-12)


def test_holding_a_stopped_element_keeps_its_slice_loss() -> None:
    """Elements stop on their own; after the stop the padded path repeats the final values."""
    batch = descend(
        get_landscape("linear-regression"),
        make_optimizer("sgd"),
        [[0.0, 0.0]],
        lr=np.array([[0.02], [1.0]]),
        steps=60,
        grad_tol=0.0,
        batch_size=2,
        seed=3,
    )
    assert isinstance(batch, TrajectoryBatch) and batch.batch_losses is not None
    assert list(batch.status[:, 0]) == ["max_steps", "diverged"]
    stop = int(batch.stop_step[1, 0])
    assert np.all(batch.batch_losses[stop:, 1, 0] == batch.batch_losses[stop, 1, 0])


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"batch_size": 2}, "bowl has no data set: batch_size needs a data landscape"),
        ({"batch_size": 0}, "batch_size must be a whole number ≥ 1"),
        ({"batch_size": 2.5}, "batch_size must be a whole number ≥ 1"),
        ({"seed": -1}, "seed must be a whole number ≥ 0"),
        ({"seed": []}, "non-empty"),
    ],
)
def test_bad_batching_is_one_clear_line(options: dict, message: str) -> None:
    name = "bowl" if options.get("batch_size") == 2 else "linear-regression"
    with pytest.raises(ValueError, match=message) as caught:
        descend(get_landscape(name), make_optimizer("sgd"), [0.0, 0.0], lr=0.1, **options)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize("fmt", ["json", "npz", "csv"])
def test_minibatch_files_round_trip(tmp_path: Path, fmt: str) -> None:
    run = _run("least-squares", batch_size=30, seed=8, steps=9)
    back = load_trajectory(run.save(tmp_path / f"run.{fmt}"))
    assert run.batches is not None
    np.testing.assert_array_equal(back.points, run.points)
    np.testing.assert_array_equal(back.batch_losses, run.batch_losses)
    np.testing.assert_array_equal(back.epochs, run.epochs)
    if fmt == "csv":
        assert back.batches is None
        header = next(csv.reader(io.StringIO(run.to_csv())))
        assert header[-2:] == ["epoch", "batch_loss"]
    else:
        assert back.spec is not None and back.batches is not None
        assert back.spec == run.spec and back.spec.seed == 8
        assert [b.tolist() for b in back.batches] == [b.tolist() for b in run.batches]
    if fmt == "json":
        document = json.loads(run.to_json())
        assert document["batches"][3] == {"epoch": 0, "indices": run.batches[3].tolist()}
        assert len(document["batches"][3]["indices"]) == 10  # 100 = 3 × 30 + 10


def test_files_from_before_minibatches_still_load(tmp_path: Path) -> None:
    path = tmp_path / "old.json"
    path.write_text(
        json.dumps(
            {
                "spec": {
                    "landscape": "bowl",
                    "optimizer": "sgd",
                    "lr": 0.1,
                    "start": [1.0, 1.0],
                    "steps": 1,
                    "hyperparams": {},
                    "schedule": None,
                    "grad_tol": 0.0,
                    "loss_tol": 0.0,
                    "expression": False,
                },
                "variables": ["x", "y"],
                "status": "max_steps",
                "steps": 1,
                "records": [
                    {"step": 0, "x": 1.0, "y": 1.0, "loss": 2.0, "grad_norm": 2.8, "lr": 0.1},
                    {"step": 1, "x": 0.8, "y": 0.8, "loss": 1.28, "grad_norm": 2.2, "lr": 0.1},
                ],
            }
        )
    )
    old = load_trajectory(path)
    assert old.spec is not None
    assert old.spec.batch_size is None and old.epochs is None and not old.stochastic
    csv_path = tmp_path / "old.csv"
    csv_path.write_text("step,x,y,loss,grad_norm,lr\n0,1.0,1.0,2.0,2.8,0.1\n")
    assert load_trajectory(csv_path).variables == ("x", "y")


def test_cli_run_with_batch_size_and_seed() -> None:
    result = invoke(
        "run", "-l", "linear-regression", "--optimizer", "sgd", "--start", "0,0", "--lr", "0.02",
        "--steps", "12", "--batch-size", "2", "--seed", "7", "-f", "csv",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    expected = _run(start=[0.0, 0.0], batch_size=2, seed=7, steps=12, grad_tol=1e-6)
    assert expected.epochs is not None and expected.batch_losses is not None
    assert [int(r["epoch"]) for r in rows] == expected.epochs.tolist()
    assert [float(r["batch_loss"]) for r in rows] == expected.batch_losses.tolist()
    assert [float(r["loss"]) for r in rows] == expected.losses.tolist()
    table = invoke(
        "run", "-l", "linear-regression", "--optimizer", "sgd", "--start", "0,0",
        "--batch-size", "2", "-f", "table",
    )  # fmt: skip
    assert "2 samples per step, seed 0" in table.output and "batch loss" in table.output


@pytest.mark.parametrize(
    ("args", "hint"),
    [
        (("-l", "bowl", "--batch-size", "2"), "bowl has no data set"),
        (("-l", "linear-regression", "--batch-size", "0"), "--batch-size"),
        (("-l", "linear-regression", "--batch-size", "2", "--seed", "-3"), "--seed"),
        (("-l", "linear-regression", "--seed", "x"), "--seed"),
        (("-l", "linear-regression", "--seed", "3"), "'--seed': needs --batch-size"),
    ],
)
def test_cli_bad_batching_is_one_line(args: tuple[str, ...], hint: str) -> None:
    result = invoke("run", *args, "--optimizer", "sgd", "--start", "0,0")
    assert hint in one_line_error(result)


def test_toml_experiments_take_batch_size_and_seeds(tmp_path: Path) -> None:
    path = tmp_path / "noisy.toml"
    path.write_text(
        "[experiment.noisy]\n"
        'landscape = "linear-regression"\n'
        "starts = [[0.0, 0.0], [1.0, 1.0]]\n"
        "steps = 30\n"
        "batch_size = 2\n"
        "seed = [4, 1]\n"
        "[[experiment.noisy.runs]]\n"
        'optimizer = "sgd"\n'
        "lr = 0.02\n"
    )
    experiment = load_experiments(path)["noisy"]
    assert experiment.batch_size == 2 and experiment.seeds == (4, 1)
    result = experiment.run()
    runs = result.seed_runs(0, 1)
    assert len(runs) == 2 and result.trajectories[0, 1] is runs[0]
    single = descend(
        get_landscape("linear-regression"),
        make_optimizer("sgd"),
        [1.0, 1.0],
        lr=0.02,
        steps=30,
        grad_tol=0.0,
        batch_size=2,
        seed=1,
    )
    assert runs[1].encode("json") == single.encode("json")


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("batch_size = 0", "batch_size must be a whole number ≥ 1"),
        ("seed = 1.5", "seed must be a whole number ≥ 0"),
        ("seed = []", "non-empty"),
        ("seed = 3", "'seed' needs 'batch_size'"),
        ("batch_size = 2\nexpr = 'x**2'", "exactly one of"),
    ],
)
def test_toml_bad_batching_names_the_line(tmp_path: Path, line: str, message: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(
        "[experiment.bad]\n"
        'landscape = "linear-regression"\n'
        "starts = [[0.0, 0.0]]\n"
        f"{line}\n"
        "[[experiment.bad.runs]]\n"
        'optimizer = "sgd"\n'
        "lr = 0.02\n"
    )
    with pytest.raises(ValueError, match=message) as caught:
        load_experiments(path)
    assert str(caught.value).startswith(f"{path}:")


def test_toml_batch_size_on_a_formula_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(
        "[experiment.bad]\n"
        'landscape = "bowl"\n'
        "starts = [[0.0, 0.0]]\n"
        "batch_size = 2\n"
        "[[experiment.bad.runs]]\n"
        'optimizer = "sgd"\n'
        "lr = 0.02\n"
    )
    with pytest.raises(ValueError, match="bowl has no data set"):
        load_experiments(path)


def test_the_budget_counts_seeds_and_the_slice_loss() -> None:
    one = check_memory("x", starts=2, runs=3, steps=99, variables=2)
    assert check_memory("x", starts=2, runs=3, steps=99, variables=2, seeds=16) == 16 * one
    stochastic = check_memory("x", starts=2, runs=3, steps=99, variables=2, stochastic=True)
    assert stochastic == one * 6 // 5
    with pytest.raises(ValueError, match="16 seed"):
        check_memory("x", starts=2, runs=3, steps=99, variables=2, seeds=16, budget=one)
    # the plan's indices: 8 bytes per sample per step and seed, kept even with keep="final"
    final = check_memory("x", starts=2, runs=3, steps=99, variables=2, keep="final")
    slices = check_memory(
        "x", starts=2, runs=3, steps=99, variables=2, keep="final", seeds=4, samples=10
    )
    assert slices == 4 * final + 8 * 4 * 100 * 10


@pytest.mark.parametrize("name", DATA)
def test_a_runs_slices_of_one_epoch_average_to_the_full_gradient(name: str) -> None:
    """The slices a run records for an epoch cover the data once; at any point their mean
    gradients, weighted by slice size, are the full-batch gradient."""
    landscape = get_landscape(name)
    assert landscape.data is not None
    n = landscape.data.n
    run = _run(name, batch_size=max(2, n // 3), seed=6, steps=8, lr=0.001)
    assert run.batches is not None and run.epochs is not None
    first = [rows for rows, epoch in zip(run.batches, run.epochs, strict=True) if epoch == 0]
    assert sorted(np.concatenate(first).tolist()) == list(range(n))
    point = run.points[-1]
    total = sum(landscape.minibatch(point, rows)[1] * len(rows) for rows in first)
    np.testing.assert_allclose(total / n, landscape.gradient(point), rtol=1e-12, atol=1e-15)


def test_blocks_and_threads_do_not_change_a_minibatch_batch() -> None:
    """Blocks of 7 rows cut across the seed axis; two threads run them: the same bits."""
    from gdviz.engine import Engine

    landscape = get_landscape("logistic-regression")
    starts = np.array([[-2.0, 3.0], [0.0, 0.0], [6.0, -4.0]])
    options: dict[str, Any] = {
        "lr": 0.5,
        "steps": 40,
        "grad_tol": 0.0,
        "batch_size": 4,
        "seed": range(5),
    }
    reference = descend(landscape, make_optimizer("adam"), starts, **options)
    with Engine(threads=2, block_rows=7) as engine:
        blocked = descend(landscape, make_optimizer("adam"), starts, engine=engine, **options)
    assert isinstance(reference, TrajectoryBatch) and isinstance(blocked, TrajectoryBatch)
    np.testing.assert_array_equal(blocked.points, reference.points)
    np.testing.assert_array_equal(blocked.batch_losses, reference.batch_losses)
    single = descend(landscape, make_optimizer("adam"), starts[2], **{**options, "seed": 3})
    assert blocked[3, 2].encode("json") == single.encode("json")
