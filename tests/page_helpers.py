"""Shared by the page-core tests: load the page's JavaScript into Chromium, compare floats.

Not a test module. ``load_core`` puts the modules of ``gdviz.report.explorer.CORE_SCRIPTS``
into a blank page and configures them with ``explorer_config()`` — the very data the report
embeds — so the tests drive the core exactly as the report page does. ``minibatch_reference``
is gdviz/batches.py's contract as a plain numpy loop, for the page's minibatch runs.
"""

from __future__ import annotations

import math
from functools import cache
from typing import Any

import numpy as np

from gdviz.batches import batch_plan
from gdviz.landscapes import get_landscape
from gdviz.optimizers import make_optimizer
from gdviz.report.explorer import CORE_SCRIPTS, explorer_config
from gdviz.report.render import read_static


@cache
def config() -> dict[str, Any]:
    """The page's configuration (computed once per test session)."""
    return explorer_config()


def load_core(page: Any) -> Any:
    """Load and configure the page core in ``page``; returns the page."""
    for name in CORE_SCRIPTS:
        page.add_script_tag(content=read_static(name))
    page.evaluate("(data) => { gdvizCore.configure(data); }", config())
    return page


def same_bits(a: Any, b: Any) -> bool:
    """Whether two arrays of floats are identical, bit for bit (±0 apart, NaN equal to NaN)."""
    x = np.asarray(a, dtype=np.float64)
    y = np.asarray(b, dtype=np.float64)
    if x.shape != y.shape:
        return False
    both_nan = np.isnan(x) & np.isnan(y)
    return bool(np.all(both_nan | (x.view(np.uint64) == y.view(np.uint64))))


def relative_error(a: Any, b: Any) -> float:
    """max |a − b| / max(|a|, |b|, scale), with scale the largest |a| of each column: a
    trajectory's error relative to the size of its numbers (a coordinate passing through 0
    is not held to a relative bound at 0)."""
    x = np.asarray(a, dtype=np.float64)
    y = np.asarray(b, dtype=np.float64)
    scale = np.max(np.abs(x), axis=0, keepdims=True) if x.ndim > 1 else np.max(np.abs(x))
    bound = np.maximum(np.maximum(np.abs(x), np.abs(y)), scale)
    with np.errstate(invalid="ignore", divide="ignore"):
        err = np.where(x == y, 0.0, np.abs(x - y) / np.where(bound > 0, bound, 1.0))
    return float(np.max(err)) if err.size else 0.0


def record_matrix(records: list[dict[str, Any]], keys: list[str]) -> np.ndarray:
    """The records of a run document as a float matrix (rows: steps, columns: ``keys``)."""
    return np.array([[float(r[k]) for k in keys] for r in records], dtype=np.float64)


def minibatch_reference(
    landscape_name: str,
    optimizer: str,
    params: dict[str, Any],
    lr: float,
    start: list[float],
    steps: int,
    batch_size: int,
    seed: int,
) -> dict[str, np.ndarray]:
    """The contract as a plain numpy loop: update k from the mean gradient over slice k at θ_k,
    the full data set's loss and gradient norm recorded after it."""
    landscape = get_landscape(landscape_name)
    assert landscape.data is not None and landscape.functions.on_rows is not None
    opt = make_optimizer(optimizer, **params)
    p = np.array([start], dtype=np.float64)
    state, scratch = opt.init(p), opt.scratch(p)
    plan = batch_plan(landscape.data.n, batch_size, (seed,), steps)
    loss, grad = landscape.functions.loss_and_gradient(p)
    points, losses, norms, batch_losses = (
        [p[0].copy()],
        [loss[0]],
        [math.sqrt(float(np.sum(grad**2)))],
        [math.nan],
    )
    for k in range(steps):
        batch_loss, g = landscape.functions.on_rows(p, plan.rows[k])
        opt.apply(g, state, p, k + 1, lr, scratch)
        loss, grad = landscape.functions.loss_and_gradient(p)
        g0, g1 = float(grad[0, 0]), float(grad[0, 1])
        points.append(p[0].copy())
        losses.append(loss[0])
        norms.append(math.sqrt(g0 * g0 + g1 * g1))
        batch_losses.append(batch_loss[0])
    return {
        "points": np.array(points),
        "losses": np.array(losses),
        "norms": np.array(norms),
        "batch_losses": np.array(batch_losses[1:]),
        "rows": np.array([r[0] for r in plan.rows], dtype=object),
    }
