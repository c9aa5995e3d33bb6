"""No non-finite value leaves descend(): property tests over hostile formulas, starts and rates.

Each example is checked against a plain single-element loop written from descend()'s documented
rules (the pure ``Optimizer.update`` and the landscape, nothing shared with descend's blocks):

* a start whose loss, gradient or gradient norm is not finite raises ValueError saying which;
* otherwise the run equals the loop bit for bit, its status included: ``diverged`` exactly when
  the next update would have produced a non-finite point, loss or gradient norm, or a loss above
  the runaway bound — and then the run ends at the last finite point;
* every kept value is finite, JSON and CSV parse back with only numbers in them, and no warning
  is emitted.
"""

from __future__ import annotations

import csv
import json
import math
import warnings
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from gdviz.descent import DIVERGENCE_FACTOR, TrajectoryBatch, descend
from gdviz.engine import Engine
from gdviz.landscapes import Landscape, from_expression
from gdviz.optimizers import make_optimizer, optimizer_names
from gdviz.trajectory import Trajectory

#: Poles, logarithms, roots, cusps, overflow, and surfaces unbounded below.
FORMULAS = (
    "1/(x-1) + y",
    "1/x",
    "log(x)",
    "log(x**2 + y**2)",
    "sqrt(x**2+y**2)",
    "sqrt(abs(x))",
    "exp(x**2)",
    "exp(x) + exp(-y)",
    "x**3",
    "x*y",
    "tan(x) + y**2",
    "x**2 + 1000000*y**2",
)
LANDSCAPES: dict[str, Landscape] = {f: from_expression(f) for f in FORMULAS}
OPTIMIZERS = optimizer_names()

SPECIAL = st.sampled_from([0.0, 1.0, -1.0, 1.001, 0.5, 1e-300, 1e154, -1e154, 1e300, 1.5707963])
COORDINATE = st.one_of(SPECIAL, st.floats(-1e6, 1e6, allow_nan=False, width=64))
RATE = st.one_of(
    st.sampled_from([0.0, 1e-3, 0.1, 1.0, 10.0, 1e10, 1e100, 1e300, 1.7e308]),
    st.floats(0, 100, allow_nan=False),
)


def _norm(g: np.ndarray) -> float:
    total = float(g[0]) * float(g[0])
    for v in g[1:]:
        total = total + float(v) * float(v)
    return math.sqrt(total) if total == total else math.nan


def _finite(*values: Any) -> bool:
    return all(bool(np.all(np.isfinite(v))) for v in values)


def reference(
    landscape: Landscape, name: str, start: list[float], lr: float, steps: int, grad_tol: float
) -> tuple[str, list[np.ndarray]]:
    """descend()'s rules for one element, written plainly; raises ValueError like descend."""
    opt = make_optimizer(name)
    with np.errstate(all="ignore"):
        p = np.array(start, dtype=np.float64)
        loss, g = float(landscape.loss(p)), np.array(landscape.gradient(p))
        for what, value in (("loss", loss), ("gradient", g), ("gradient norm", _norm(g))):
            if not _finite(value):
                raise ValueError(f"the {what} at the start is not finite")
        limit = DIVERGENCE_FACTOR * max(1.0, abs(loss))
        state, path = opt.init(p), [p]
        for k in range(steps):
            if grad_tol > 0 and _norm(g) < grad_tol:
                return "converged", path
            new_p, state = opt.update(g, state, p, k + 1, lr)
            new_loss, new_g = float(landscape.loss(new_p)), np.array(landscape.gradient(new_p))
            if not (_finite(new_p, new_loss, _norm(new_g)) and new_loss <= limit):
                return "diverged", path
            p, loss, g = new_p, new_loss, new_g
            path.append(p)
    return "max_steps", path


def _no_constant(name: str) -> float:
    raise AssertionError(f"{name} written to JSON")


def _check_files(run: Trajectory) -> None:
    document = json.loads(run.to_json(), parse_constant=_no_constant)
    assert len(document["records"]) == run.steps + 1
    rows = list(csv.reader(run.to_csv().splitlines()))
    assert all(math.isfinite(float(v)) for row in rows[1:] for v in row)


@st.composite
def runs(draw: st.DrawFn) -> tuple[str, str, list[float], float, int, float]:
    formula = draw(st.sampled_from(FORMULAS))
    dim = LANDSCAPES[formula].dim
    start = [draw(COORDINATE) for _ in range(dim)]
    return (
        formula,
        draw(st.sampled_from(OPTIMIZERS)),
        start,
        draw(RATE),
        draw(st.integers(0, 25)),
        draw(st.sampled_from([0.0, 1e-6])),
    )


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(runs())
def test_every_value_is_finite_and_diverged_means_the_next_step_was_not(
    case: tuple[str, str, list[float], float, int, float],
) -> None:
    formula, name, start, lr, steps, grad_tol = case
    landscape = LANDSCAPES[formula]
    try:
        status, path = reference(landscape, name, start, lr, steps, grad_tol)
    except ValueError as expected:
        event(str(expected))
        with pytest.raises(ValueError, match=f"^{expected}"), warnings.catch_warnings():
            warnings.simplefilter("error")
            descend(landscape, make_optimizer(name), start, lr=lr, steps=steps, grad_tol=grad_tol)
        return
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        run = descend(landscape, make_optimizer(name), start, lr=lr, steps=steps, grad_tol=grad_tol)
    assert isinstance(run, Trajectory)
    event(status)
    assert run.status == status
    np.testing.assert_array_equal(run.points, np.array(path))
    assert _finite(run.points, run.losses, run.grad_norms, run.lrs)
    _check_files(run)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    formula=st.sampled_from(FORMULAS),
    name=st.sampled_from(OPTIMIZERS),
    data=st.data(),
    lrs=st.lists(RATE, min_size=1, max_size=3),
)
def test_a_hostile_batch_equals_its_single_runs(
    formula: str, name: str, data: st.DataObject, lrs: list[float]
) -> None:
    landscape = LANDSCAPES[formula]
    starts = data.draw(
        st.lists(
            st.lists(COORDINATE, min_size=landscape.dim, max_size=landscape.dim),
            min_size=1,
            max_size=4,
        )
    )
    opt = make_optimizer(name)
    rates = np.array(lrs)[:, None]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            batch = descend(landscape, opt, starts, lr=rates, steps=12, engine=Engine(2, 2))
        except ValueError as error:
            assert "at the start is not finite" in str(error)
            return
    assert isinstance(batch, TrajectoryBatch)
    assert _finite(batch.final_points, batch.final_losses, batch.points, batch.grad_norms)
    for i, lr in enumerate(lrs):
        for j, start in enumerate(starts):
            single = descend(landscape, opt, start, lr=lr, steps=12)
            assert isinstance(single, Trajectory)
            element = batch[i, j]
            assert element.status == single.status
            np.testing.assert_array_equal(element.points, single.points)
            np.testing.assert_array_equal(element.grad_norms, single.grad_norms)
