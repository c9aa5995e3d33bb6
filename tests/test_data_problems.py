"""Data problems: minibatches under the documented contract, logistic regression, the network."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from gdviz.batches import batch_plan, check_batching
from gdviz.landscapes import get_landscape, landscape_names
from gdviz.landscapes.network import PARAMETERS, initial_point, two_moons

REFERENCE = Path(__file__).parent / "reference" / "network_reference.json"
DATA = [n for n in landscape_names() if get_landscape(n).data is not None]


def test_the_plan_follows_the_contract() -> None:
    plan = batch_plan(n=7, batch_size=3, seeds=(5, 9), steps=8)
    for s, seed in enumerate((5, 9)):
        rng = np.random.default_rng(seed)
        expected = []
        for _ in range(3):  # three epochs of slices 3, 3, 1
            order = rng.permutation(7)
            expected += [order[0:3], order[3:6], order[6:7]]
        for k in range(8):
            np.testing.assert_array_equal(plan.rows[k][s], expected[k])
    assert plan.epochs.tolist() == [0, 0, 0, 1, 1, 1, 2, 2]
    assert [r.shape for r in plan.rows[:3]] == [(2, 3), (2, 3), (2, 1)]


@pytest.mark.parametrize("size", [None, 7, 50])
def test_full_batch_draws_nothing_and_uses_every_sample(size: int | None) -> None:
    plan = batch_plan(n=7, batch_size=size, seeds=(0,), steps=4)
    assert plan.full and plan.epochs.tolist() == [0, 1, 2, 3]
    for rows in plan.rows:
        np.testing.assert_array_equal(rows, [np.arange(7)])


@pytest.mark.parametrize(
    ("batch_size", "seed", "message"),
    [(0, 1, "batch_size"), (2.5, 1, "batch_size"), (True, 1, "batch_size"), (2, -1, "seed")],
)
def test_bad_batching_is_one_clear_error(batch_size: object, seed: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        check_batching(batch_size, seed)


@pytest.mark.parametrize("name", DATA)
def test_an_epochs_minibatch_gradients_average_to_the_full_gradient(name: str) -> None:
    landscape = get_landscape(name)
    assert landscape.data is not None
    n = landscape.data.n
    size = max(1, n // 4)
    plan = batch_plan(n, size, (3,), steps=-(-n // size))
    point = np.asarray(landscape.starts[0], dtype=np.float64)
    total = sum(landscape.minibatch(point, rows[0])[1] * rows.shape[1] for rows in plan.rows)
    np.testing.assert_allclose(total / n, landscape.gradient(point), rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("name", DATA)
def test_seeds_are_batched_and_each_equals_its_own_run(name: str) -> None:
    landscape = get_landscape(name)
    assert landscape.data is not None
    plan = batch_plan(landscape.data.n, 4, (0, 1, 2), steps=3)
    points = np.broadcast_to(np.asarray(landscape.starts[0]), (3, landscape.dim))
    for rows in plan.rows:
        loss, grad = landscape.minibatch(points, rows)
        for s in range(3):
            single = landscape.minibatch(points[s], rows[s])
            assert loss[s] == single[0]
            np.testing.assert_array_equal(grad[s], single[1])


def test_logistic_regression_is_stable_far_out() -> None:
    landscape = get_landscape("logistic-regression")
    far = np.array([[1e6, 0.0], [-1e6, 5e5], [0.0, -1e300]])
    loss, grad = landscape.loss_and_gradient(far)
    assert np.all(np.isfinite(loss)) and np.all(np.isfinite(grad))
    minimum = np.array(landscape.minima[0])
    assert np.linalg.norm(landscape.gradient(minimum)) < 1e-12
    assert np.all(np.linalg.eigvalsh(landscape.hessian(minimum)) > 0)
    assert landscape.data is not None and set(landscape.data.y) == {0.0, 1.0}


def test_the_network_is_torchs_loss_and_gradient() -> None:
    landscape = get_landscape("mlp-moons")
    assert landscape.dim == PARAMETERS == 33
    assert landscape.variables[:2] == ("0.weight[0,0]", "0.weight[0,1]")
    assert landscape.variables[-1] == "2.bias[0]"
    np.testing.assert_array_equal(landscape.starts[0], initial_point())
    reference = json.loads(REFERENCE.read_text())["checks"]
    points = np.array([c["point"] for c in reference])
    loss, grad = landscape.loss_and_gradient(points)
    np.testing.assert_allclose(loss, [c["loss"] for c in reference], rtol=1e-13)
    np.testing.assert_allclose(grad, [c["gradient"] for c in reference], rtol=1e-11, atol=1e-16)
    np.testing.assert_array_equal(landscape.loss(points), loss)
    with pytest.raises(ValueError, match="Hessian"):
        landscape.hessian(points)


def test_two_moons_is_deterministic_and_reachable() -> None:
    data = two_moons()
    again = two_moons()
    np.testing.assert_array_equal(data.X, again.X)
    assert data.X.shape == (100, 2) and data.y.sum() == 50
    landscape = get_landscape("mlp-moons")
    assert landscape.data is not None
    np.testing.assert_array_equal(landscape.data.X, data.X)


def test_formula_landscapes_have_no_minibatch() -> None:
    with pytest.raises(ValueError, match="no data set"):
        get_landscape("bowl").minibatch(np.zeros(2), np.arange(3))
