"""``descend()``: the one optimisation loop every figure, scene and report section uses.

For :math:`k = 0, 1, \\ldots` the loop evaluates :math:`L(\\theta_k)` and
:math:`g_k = \\nabla L(\\theta_k)`, checks the stopping criteria, and applies the optimizer's
update with the learning rate :math:`\\eta_k` of the schedule (torch semantics: the scheduler is
stepped after each update, so :math:`\\eta_0` is the initial rate).

A run stops when

* ``grad_tol > 0`` and :math:`\\lVert g_k \\rVert_2 < \\text{grad\\_tol}` — status ``converged``,
  no update is made from :math:`\\theta_k` (seed 002's check-before-update order);
* ``loss_tol > 0`` and :math:`|L(\\theta_{k+1}) - L(\\theta_k)| < \\text{loss\\_tol}` —
  ``converged`` at :math:`\\theta_{k+1}`;
* the update would produce a non-finite point, loss or gradient (norm), or a runaway loss
  (:math:`L > \\text{max\\_loss}`) — ``diverged``; that update is dropped, so the run ends at its
  last finite point and every kept value is finite;
* ``steps`` updates were made — ``max_steps``.

The defaults are the CLI's: :data:`DEFAULT_STEPS`, :data:`DEFAULT_GRAD_TOL`,
:data:`DEFAULT_LOSS_TOL`. A start whose loss or gradient is not finite is an error
(``ValueError``), not a run.

Minibatches (data landscapes only): with ``batch_size`` the gradient of update :math:`k+1` is
the mean over the slice of step :math:`k` of the contract in :mod:`gdviz.batches`
(``numpy.random.default_rng(seed)``, one permutation per epoch, consecutive slices, the last
one shorter). Row :math:`k` of the path then carries

* ``losses`` and ``grad_norms``: :math:`L(\\theta_k)` and :math:`\\lVert\\nabla L(\\theta_k)\\rVert`
  on the *full* data set — the objective being minimised;
* ``batch_losses``: the loss at :math:`\\theta_k` on slice :math:`k` (the slice whose mean
  gradient makes update :math:`k+1`; the last row's slice is the one a next update would use);
* ``epochs`` and ``batches``: that slice's epoch and sample indices.

The stopping rules are the deterministic ones applied to those full-data values: ``grad_tol``
compares the full gradient's norm (under a constant rate SGD hovers at its noise floor, so a
stochastic run usually makes all its steps), ``loss_tol`` the one-step change of the full loss,
and divergence is detected on the full loss and the point, exactly as for a full-batch run.
``batch_size=None`` or :math:`\\ge n` is full batch: the same operations, bit for bit, as a run
without it. ``seed`` may be a sequence of seeds: a leading axis of the batch, each element its
own stream of permutations and equal bit for bit to its single run.

Everything is batched: ``start`` of shape ``(*S, d)`` and ``lr`` of shape ``L`` (any shape
broadcastable with ``S``) run as one batch of shape ``broadcast(S, L)``; each element stops on
its own and is frozen from then on. Each element equals its own single run bit for bit.

How it runs: the batch is cut into blocks of rows
(:meth:`~gdviz.engine.Engine.rows_per_block`), and each block makes all its steps — landscape,
update, bookkeeping — while its arrays stay in the core's cache. Blocks are independent, so an
:class:`~gdviz.engine.Engine` may run them on its threads; the result is the same bits on any
number of threads. A big batch on a built-in landscape runs in :mod:`gdviz.fused`'s compiled
loop instead, which performs the same operations element by element: the same bits again.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Literal, overload

import numpy as np

from gdviz import fused  # numba itself is imported only when a batch is fused
from gdviz.batches import BatchPlan, batch_plan, check_batching
from gdviz.engine import Engine, default_engine
from gdviz.trajectory import RunSpec, Trajectory

if TYPE_CHECKING:
    from numpy.typing import ArrayLike

    from gdviz.landscapes import Landscape
    from gdviz.optimizers import Optimizer
    from gdviz.schedules import Schedule

__all__ = [
    "DEFAULT_GRAD_TOL",
    "DEFAULT_LOSS_TOL",
    "DEFAULT_STEPS",
    "DIVERGENCE_FACTOR",
    "TrajectoryBatch",
    "descend",
]

#: Maximum number of updates of a run (the CLI's ``--steps``).
DEFAULT_STEPS = 100
#: Stop when the gradient norm falls below this (the CLI's ``--tol``); 0 disables.
DEFAULT_GRAD_TOL = 1e-6
#: Stop when the loss changes by less than this in one step (the CLI's ``--loss-tol``); 0 disables.
DEFAULT_LOSS_TOL = 0.0
#: A run has diverged once its loss exceeds this factor times ``max(1, |L(θ₀)|)``.
DIVERGENCE_FACTOR = 1e8

_CONVERGED, _DIVERGED, _MAX_STEPS = 0, 1, 2
_STATUS_NAMES = np.array(["converged", "diverged", "max_steps"])
_STATUS_NAMES.setflags(write=False)


# --------------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class TrajectoryBatch:
    """The result of a batched :func:`descend`, or of any run with ``keep="final"``.

    Attributes
    ----------
    status : ndarray of str, shape ``batch``
        ``"converged"``, ``"diverged"`` or ``"max_steps"`` per element.
    stop_step : ndarray of int, shape ``batch``
        Updates made by each element.
    final_points : ndarray, shape ``(*batch, d)``
    final_losses : ndarray, shape ``batch``
    points, losses, grad_norms, lrs : ndarray or None
        Full paths, shape ``(steps + 1, *batch[, d])``, padded after each element's stop with its
        final values; ``None`` when run with ``keep="final"``. For a minibatch run ``losses``
        and ``grad_norms`` are on the full data set.
    batch_losses : ndarray or None
        A minibatch run's loss on each row's slice (see :func:`descend`), like ``losses``;
        ``None`` for full batch or ``keep="final"``.
    plan : BatchPlan or None
        A minibatch run's slices (:mod:`gdviz.batches`); ``None`` for full batch.
    seed_axis : bool
        Whether the first batch axis is the seed axis (``seed`` was a sequence).

    A single run with ``keep="final"`` gives a batch of shape ``()``: ``str(batch.status)``,
    ``int(batch.stop_step)``, ``batch.final_points`` (shape ``(d,)``),
    ``float(batch.final_losses)``.
    """

    variables: tuple[str, ...]
    spec: RunSpec
    status: np.ndarray
    stop_step: np.ndarray
    final_points: np.ndarray
    final_losses: np.ndarray
    starts: np.ndarray
    lr0: np.ndarray
    points: np.ndarray | None = None
    losses: np.ndarray | None = None
    grad_norms: np.ndarray | None = None
    lrs: np.ndarray | None = None
    batch_losses: np.ndarray | None = None
    plan: BatchPlan | None = None
    seed_axis: bool = False

    @property
    def shape(self) -> tuple[int, ...]:
        """The batch shape."""
        return self.status.shape

    def __getitem__(self, index: int | tuple[int, ...]) -> Trajectory:
        """The single :class:`Trajectory` of one batch element, trimmed to its stop step."""
        if self.points is None or self.losses is None:
            raise ValueError("this batch kept only final points (keep='final')")
        assert self.grad_norms is not None and self.lrs is not None
        where: tuple[int, ...] = index if isinstance(index, tuple) else (index,)
        n = int(self.stop_step[where])
        sl: tuple[slice | int, ...] = (slice(0, n + 1), *where)
        spec = replace(
            self.spec,
            start=tuple(float(v) for v in self.starts[where]),
            lr=float(self.lr0[where]),
        )
        stochastic: dict[str, Any] = {}
        if self.plan is not None:
            assert self.batch_losses is not None
            s = int(where[0]) if self.seed_axis and where else 0
            spec = replace(spec, seed=self.plan.seeds[s])
            stochastic = {
                "batch_losses": self.batch_losses[sl].copy(),
                "epochs": self.plan.epochs[: n + 1].copy(),
                "batches": tuple(rows[s].copy() for rows in self.plan.rows[: n + 1]),
            }
        return Trajectory(
            variables=self.variables,
            points=self.points[sl].copy(),
            losses=self.losses[sl].copy(),
            grad_norms=self.grad_norms[sl].copy(),
            lrs=self.lrs[sl].copy(),
            status=str(self.status[where]),
            spec=spec,
            **stochastic,
        )

    def __repr__(self) -> str:
        from gdviz.notebook.display import batch_repr

        return batch_repr(self)

    def _repr_html_(self) -> str:
        from gdviz.notebook.display import batch_html

        return batch_html(self)


# --------------------------------------------------------------------------------------------
# descend
# --------------------------------------------------------------------------------------------


# What the type system can see of the Returns rule below: a flat sequence of coordinates is one
# start, a float one rate and an int one seed, so that call with keep="path" is a Trajectory;
# keep="final" is always a TrajectoryBatch; an array start or rate may be either.
@overload
def descend(
    landscape: Landscape,
    optimizer: Optimizer,
    start: Sequence[float],
    *,
    lr: float,
    steps: int = ...,
    schedule: Schedule | None = ...,
    grad_tol: float = ...,
    loss_tol: float = ...,
    max_loss: float | None = ...,
    keep: Literal["path"] = ...,
    engine: Engine | None = ...,
    batch_size: int | None = ...,
    seed: int = ...,
) -> Trajectory: ...
@overload
def descend(
    landscape: Landscape,
    optimizer: Optimizer,
    start: ArrayLike,
    *,
    lr: ArrayLike,
    steps: int = ...,
    schedule: Schedule | None = ...,
    grad_tol: float = ...,
    loss_tol: float = ...,
    max_loss: float | None = ...,
    keep: Literal["final"],
    engine: Engine | None = ...,
    batch_size: int | None = ...,
    seed: int | Sequence[int] = ...,
) -> TrajectoryBatch: ...
@overload
def descend(
    landscape: Landscape,
    optimizer: Optimizer,
    start: ArrayLike,
    *,
    lr: ArrayLike,
    steps: int = ...,
    schedule: Schedule | None = ...,
    grad_tol: float = ...,
    loss_tol: float = ...,
    max_loss: float | None = ...,
    keep: Literal["path", "final"] = ...,
    engine: Engine | None = ...,
    batch_size: int | None = ...,
    seed: int | Sequence[int] = ...,
) -> Trajectory | TrajectoryBatch: ...
def descend(
    landscape: Landscape,
    optimizer: Optimizer,
    start: ArrayLike,
    *,
    lr: ArrayLike,
    steps: int = DEFAULT_STEPS,
    schedule: Schedule | None = None,
    grad_tol: float = DEFAULT_GRAD_TOL,
    loss_tol: float = DEFAULT_LOSS_TOL,
    max_loss: float | None = None,
    keep: Literal["path", "final"] = "path",
    engine: Engine | None = None,
    batch_size: int | None = None,
    seed: int | Sequence[int] = 0,
) -> Trajectory | TrajectoryBatch:
    """Run ``optimizer`` on ``landscape`` from ``start``.

    Parameters
    ----------
    landscape : Landscape
        The loss surface (``landscape.loss`` and ``landscape.gradient`` on ``(..., d)`` arrays).
    optimizer : Optimizer
        From :func:`gdviz.optimizers.make_optimizer`.
    start : array_like, shape ``(*S, d)``
        Starting point(s).
    lr : float or array_like, shape ``L``
        Initial learning rate(s) :math:`\\eta_0`; ``L`` must broadcast with ``S``.
    steps : int, default :data:`DEFAULT_STEPS`
        Maximum number of updates.
    schedule : Schedule, optional
        Learning-rate schedule (torch ``lr_scheduler`` semantics); constant if omitted.
    grad_tol : float, default :data:`DEFAULT_GRAD_TOL`
        Gradient-norm tolerance; 0 disables it (the run makes all its steps unless it diverges
        or meets ``loss_tol``).
    loss_tol : float, default :data:`DEFAULT_LOSS_TOL`
        One-step loss-change tolerance; 0 disables it.
    max_loss : float, optional
        Loss above which a run counts as diverged; default
        ``DIVERGENCE_FACTOR * max(1, |L(θ₀)|)`` per element.
    keep : {"path", "final"}
        Keep every step (default) or only the final values of each element (big batches).
    engine : Engine, optional
        Threads and block size; default :func:`~gdviz.engine.default_engine`.
    batch_size : int, optional
        Samples per step of a data landscape (see the module docstring); ``None`` or ``≥ n``
        is full batch.
    seed : int or sequence of int, default 0
        The permutation stream(s) of :mod:`gdviz.batches`; a sequence of ``K`` seeds adds a
        leading batch axis of length ``K`` (the result has shape ``(K, *broadcast(S, L))``).

    Returns
    -------
    Trajectory
        For a single start and a scalar ``lr`` with ``keep="path"``.
    TrajectoryBatch
        Otherwise; of shape ``()`` for a single run with ``keep="final"``.

    Raises
    ------
    ValueError
        For a start with the wrong number of coordinates or not finite, a negative or
        non-finite ``lr``, ``steps < 0``, a negative tolerance, or a start where the landscape
        is not finite: ``the loss at the start is not finite (inf)``, ``the gradient at the
        start is not finite (nan)`` (for a batch, the element's index follows); a
        ``batch_size`` on a landscape without data, or an invalid ``batch_size`` or ``seed``.
    """
    job = _Job(landscape, optimizer, start, lr, steps, schedule, grad_tol, loss_tol, max_loss, keep)
    job.plan_batches(batch_size, seed)
    job.allocate(keep)
    engine = engine or default_engine()
    if fused.eligible(job, engine):
        fused.run(job, engine)
    else:
        rows = engine.rows_per_block(job.size)
        engine.run(
            lambda b, cancelled: _Block(job, b * rows, min(job.size, (b + 1) * rows)).run(
                cancelled
            ),
            -(-job.size // rows),
        )
    result = job.result(optimizer, schedule)
    if result.shape == () and keep == "path":
        return result[()]
    return result


def _evaluate(landscape: Landscape, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:math:`L` and :math:`\\nabla L` at ``points`` of shape ``(n, d)``: new float64 arrays.

    The one place :func:`descend` calls the landscape (one call per block and step). Both
    arrays must be new on every call: the loop keeps the previous loss by reference, and the
    update overwrites the gradient (torch's weight decay adds to it), so a gradient sharing
    memory with ``points`` or read-only is copied here.
    """
    # the landscape's own fused evaluation: descend has checked the shapes and set errstate
    loss, grad = landscape.functions.loss_and_gradient(points)
    loss = np.asarray(loss, dtype=np.float64)
    grad = np.asarray(grad, dtype=np.float64)
    if not grad.flags.writeable or np.may_share_memory(grad, points):
        grad = grad.copy()
    return loss, grad


def _sum_of_squares(grad: np.ndarray, squares: np.ndarray, out: np.ndarray) -> None:
    r""":math:`g_1^2 + \cdots + g_d^2` per row of ``grad``, summed in coordinate order.

    The gradient norm is its square root.
    """
    np.multiply(grad, grad, out=squares)
    if grad.shape[-1] == 1:
        np.copyto(out, squares[:, 0])
        return
    np.add(squares[:, 0], squares[:, 1], out=out)
    for i in range(2, grad.shape[-1]):
        np.add(out, squares[:, i], out=out)


def _squared_bound(tol: float) -> float:
    """The bound ``b`` with ``sqrt(s) < tol`` exactly when ``s < b``, for every double ``s``.

    The correctly rounded square root is monotonic, so comparing sums of squares with ``b``
    decides ``‖g‖ < tol`` bit for bit without taking a square root per element.
    """
    bound = tol * tol
    while bound > 0 and math.sqrt(bound) >= tol:
        bound = math.nextafter(bound, 0.0)
    while bound < math.inf and math.sqrt(bound) < tol:
        bound = math.nextafter(bound, math.inf)
    return bound


def _check_number(name: str, value: Any) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a finite number ≥ 0, got {value!r}") from None
    if not math.isfinite(number) or number < 0:
        raise ValueError(f"{name} must be a finite number ≥ 0, got {value!r}")
    return number


class _Rates:
    """The learning rate of each step for a block of rows: a float, or an ``(n, 1)`` array."""

    def __init__(self, lr: np.ndarray, schedule: Schedule | None, steps: int, batch: tuple) -> None:
        self.shape = lr.shape
        table = schedule.learning_rates(lr, steps + 1) if schedule is not None else lr[np.newaxis]
        self.varying = schedule is not None
        self.uniform = lr.size == 1
        if self.uniform:
            self.values: list[float] = table.reshape(table.shape[0]).tolist()
        else:
            self.table = table.reshape(table.shape[0], -1)
            index = np.arange(lr.size).reshape(lr.shape)
            self.index = np.broadcast_to(index, batch).reshape(-1)

    def table_and_index(self, size: int) -> tuple[np.ndarray, np.ndarray]:
        """The rates as a table and the column of each of ``size`` rows: row ``k`` of the
        table is step ``k`` (a table of one row when the rate is constant)."""
        if self.uniform:
            table = np.array(self.values if self.varying else self.values[:1])[:, np.newaxis]
            return table, np.zeros(size, dtype=np.int64)
        return self.table, self.index.astype(np.int64)

    def for_block(self, lo: int, hi: int) -> Callable[[int], Any]:
        """``rate(k)``: the rate of step ``k`` (0-based) for rows ``lo:hi``."""
        if self.uniform:
            values = self.values
            if not self.varying:
                constant = values[0]
                return lambda k: constant
            return values.__getitem__
        index = self.index[lo:hi]
        if not self.varying:
            rows = self.table[0].take(index)[:, np.newaxis]
            return lambda k: rows
        buffer = np.empty((hi - lo, 1))
        table = self.table

        def rate(k: int) -> np.ndarray:
            np.take(table[k], index, out=buffer[:, 0])
            return buffer

        return rate


class _Job:
    """One descend call: validated inputs, shared read-only by the blocks, and its outputs."""

    def __init__(
        self,
        landscape: Landscape,
        optimizer: Optimizer,
        start: Any,
        lr: Any,
        steps: Any,
        schedule: Schedule | None,
        grad_tol: Any,
        loss_tol: Any,
        max_loss: Any,
        keep: str,
    ) -> None:
        from gdviz.optimizers import validate_lr

        start_arr = np.array(start, dtype=np.float64)
        if start_arr.ndim == 0 or start_arr.shape[-1] != landscape.dim:
            raise ValueError(
                f"{landscape.name} needs a start with {landscape.dim} coordinate(s) "
                f"({', '.join(landscape.variables)}), got {np.shape(start)}"
            )
        if not np.all(np.isfinite(start_arr)):
            raise ValueError("the start must be finite")
        lr_arr = np.asarray(lr, dtype=np.float64)
        validate_lr(lr_arr)
        if isinstance(steps, bool) or not isinstance(steps, int | np.integer) or steps < 0:
            raise ValueError(f"steps must be a whole number ≥ 0, got {steps!r}")
        self.grad_tol = _check_number("grad_tol", grad_tol)
        self.squared_grad_tol = _squared_bound(self.grad_tol)
        self.loss_tol = _check_number("loss_tol", loss_tol)
        if keep not in ("path", "final"):
            raise ValueError(f"keep must be 'path' or 'final', got {keep!r}")
        if max_loss is not None and not float(max_loss) > -math.inf:
            raise ValueError(f"max_loss must be a number, got {max_loss!r}")

        self.landscape, self.optimizer, self.steps = landscape, optimizer, int(steps)
        self.max_loss = None if max_loss is None else float(max_loss)
        self.start_arr, self.lr, self.schedule = start_arr, lr_arr, schedule
        self.d = landscape.dim

    def plan_batches(self, batch_size: Any, seed: Any) -> None:
        """Validate ``batch_size`` and ``seed`` and plan the slices (:mod:`gdviz.batches`).

        Sets the batch shape: ``broadcast(S, L)``, behind a seed axis for a sequence of seeds.
        """
        size, seeds = check_batching(batch_size, seed)
        landscape = self.landscape
        if size is not None and (landscape.data is None or landscape.functions.on_rows is None):
            raise ValueError(
                f"{landscape.name} has no data set: batch_size needs a data landscape "
                "(see `gdviz list landscapes`)"
            )
        self.seeds, self.seed_axis = seeds, np.ndim(seed) > 0
        self.plan: BatchPlan | None = None
        if size is not None:
            assert landscape.data is not None
            plan = batch_plan(landscape.data.n, size, seeds, self.steps + 1)
            self.plan = None if plan.full else plan
        inner = np.broadcast_shapes(self.start_arr.shape[:-1], self.lr.shape)
        self.batch = (len(seeds), *inner) if self.seed_axis else inner
        self.size = math.prod(self.batch)
        #: rows per seed of the flattened batch (the seed axis leads)
        self.per_seed = math.prod(inner)

    def allocate(self, keep: str) -> None:
        """The starts, rates and output arrays for the batch shape."""
        self.starts = np.broadcast_to(self.start_arr, (*self.batch, self.d))
        self.rates = _Rates(self.lr, self.schedule, self.steps, self.batch)
        self.points = np.array(self.starts.reshape(self.size, self.d), order="C")
        self.losses = np.empty(self.size)
        self.status = np.full(self.size, _MAX_STEPS, dtype=np.int8)
        self.stop_step = np.full(self.size, self.steps, dtype=np.int64)
        self.path: dict[str, np.ndarray] = {}
        if keep == "path":
            rows = (self.steps + 1, self.size)
            self.path = {
                "points": np.empty((*rows, self.d)),
                "losses": np.empty(rows),
                "grad_norms": np.empty(rows),
                "lrs": np.empty(rows),
            }
            if self.plan is not None:
                self.path["batch_losses"] = np.empty(rows)

    def slices(self, lo: int, hi: int) -> Callable[[int], np.ndarray] | None:
        """``rows(k)``: the sample indices of step ``k`` for batch rows ``lo:hi``, shape
        ``(hi - lo, b_k)`` or ``(1, b_k)`` when they share a seed; None for full batch."""
        plan = self.plan
        if plan is None:
            return None
        first, last = lo // self.per_seed, (hi - 1) // self.per_seed
        if not self.seed_axis or first == last:
            s = first if self.seed_axis else 0
            return lambda k: plan.rows[k][s : s + 1]
        which = np.arange(lo, hi) // self.per_seed
        return lambda k: plan.rows[k][which]

    def where(self, row: int) -> str:
        """`` at batch index (i, j)`` for a batch, nothing for a single run."""
        if self.batch == ():
            return ""
        return f" at batch index {tuple(int(i) for i in np.unravel_index(row, self.batch))}"

    def check_start(self, lo: int, loss: np.ndarray, grad: np.ndarray, squares: np.ndarray) -> None:
        """Raise ValueError if the loss, gradient or gradient norm at a start is not finite."""
        gnorm = np.sqrt(squares)
        for what, values in (("loss", loss), ("gradient", grad), ("gradient norm", gnorm)):
            bad = ~np.isfinite(values)
            if bad.any():
                row = int(np.argmax(bad.reshape(len(loss), -1).any(axis=1)))
                value = float(values[bad][0])
                raise ValueError(
                    f"the {what} at the start is not finite ({value!r}){self.where(lo + row)}"
                )

    def start_limits(self) -> np.ndarray | float:
        """Check every start (as a block does) and return the runaway bounds of the batch."""
        with np.errstate(all="ignore"):
            loss, grad = _evaluate(self.landscape, self.points)
            ss = np.empty(self.size)
            _sum_of_squares(grad, np.empty_like(grad), ss)
        self.check_start(0, loss, grad, ss)
        return self.limit(loss)

    def limit(self, loss: np.ndarray) -> np.ndarray | float:
        """The runaway bound of each row, from its loss at the start."""
        if self.max_loss is not None:
            return self.max_loss
        return DIVERGENCE_FACTOR * np.maximum(1.0, np.abs(loss))

    def result(self, optimizer: Optimizer, schedule: Schedule | None) -> TrajectoryBatch:
        batch, d = self.batch, self.d
        spec = RunSpec(
            landscape=self.landscape.name,
            optimizer=getattr(optimizer, "preset", None) or optimizer.name,
            lr=float(self.lr.flat[0]) if self.lr.size else 0.0,
            start=tuple(float(v) for v in self.starts.reshape(-1, d)[0]) if self.size else (),
            steps=self.steps,
            hyperparams=dict(optimizer.hyperparams),
            schedule=str(schedule) if schedule is not None else None,
            grad_tol=self.grad_tol,
            loss_tol=self.loss_tol,
            expression=self.landscape.kind == "formula",
            batch_size=None if self.plan is None else self.plan.batch_size,
            seed=None if self.plan is None else self.seeds[0],
        )
        path = {k: v.reshape(v.shape[0], *batch, *v.shape[2:]) for k, v in self.path.items()}
        return TrajectoryBatch(
            variables=self.landscape.variables,
            spec=spec,
            status=np.asarray(_STATUS_NAMES[self.status.reshape(batch)]),
            stop_step=self.stop_step.reshape(batch),
            final_points=self.points.reshape(*batch, d),
            final_losses=self.losses.reshape(batch),
            starts=self.starts,
            lr0=np.array(np.broadcast_to(self.lr, batch)),
            plan=self.plan,
            seed_axis=self.seed_axis,
            **path,
        )


class _Block:
    """Rows ``lo:hi`` of a job, run through all their steps (on one thread)."""

    def __init__(self, job: _Job, lo: int, hi: int) -> None:
        self.job, self.lo, self.hi = job, lo, hi
        n = hi - lo
        self.p = job.points[lo:hi]  # then each update's new array; copied back when done
        self.previous = self.p
        self.squares = np.empty_like(self.p)
        self.finite = np.empty(self.p.shape, dtype=bool)
        self.ss, self.previous_ss = np.empty(n), np.empty(n)  # squared gradient norms
        self.ok, self.flag = np.empty(n, dtype=bool), np.empty(n, dtype=bool)
        self.status, self.stop_step = job.status[lo:hi], job.stop_step[lo:hi]
        self.active = np.ones(n, dtype=bool)
        self.frozen: np.ndarray | None = None  # (n, 1): rows stopped, held at their point
        self.path = {k: v[:, lo:hi] for k, v in job.path.items()}
        self.slices = job.slices(lo, hi)
        self.batch_loss: np.ndarray | None = None  # a minibatch run's loss on its slice

    def evaluate(self, k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """At the block's points (row ``k``): the full loss and gradient, and the gradient the
        next update uses — the full one, or the mean over slice ``k`` of a minibatch run."""
        p = self.p
        loss, grad = _evaluate(self.job.landscape, p)
        if self.slices is None:
            return loss, grad, grad
        on_rows = self.job.landscape.functions.on_rows
        assert on_rows is not None
        batch_loss, step = on_rows(p, self.slices(k))
        self.batch_loss = np.asarray(batch_loss, dtype=np.float64)
        step = np.asarray(step, dtype=np.float64)
        if not step.flags.writeable or np.may_share_memory(step, p):
            step = step.copy()
        return loss, grad, step

    def run(self, cancelled: threading.Event) -> None:
        with np.errstate(all="ignore"):
            self._run(cancelled)

    def _run(self, cancelled: threading.Event) -> None:
        job, optimizer = self.job, self.job.optimizer
        loss, grad, step = self.evaluate(0)
        _sum_of_squares(grad, self.squares, self.ss)
        job.check_start(self.lo, loss, grad, self.ss)
        limit, grad_tol, loss_tol = job.limit(loss), job.squared_grad_tol, job.loss_tol
        rate = job.rates.for_block(self.lo, self.hi)
        values, advance, flag = (
            optimizer.values(optimizer.init(self.p)),
            optimizer.advance,
            self.flag,
        )
        self._record(0, loss, rate(0))
        last = 0
        for k in range(job.steps):
            stopped = grad_tol > 0 and self._stop(
                np.less(self.ss, grad_tol, out=flag), _CONVERGED, k
            )
            if stopped and not np.count_nonzero(self.active):
                break
            previous, previous_loss = self.p, loss
            self.ss, self.previous_ss = self.previous_ss, self.ss
            self.p, values = advance(step, values, previous, k + 1, rate(k))  # a new array
            if self.frozen is not None:
                np.copyto(self.p, previous, where=self.frozen)
            self.previous = previous
            loss, grad, step = self.evaluate(k + 1)
            _sum_of_squares(grad, self.squares, self.ss)
            loss = self._diverged(k, loss, previous_loss, limit)
            held = self.frozen
            if loss_tol > 0:
                self._stop(np.abs(loss - previous_loss) < loss_tol, _CONVERGED, k + 1)
            if self.path:
                self._record(k + 1, loss, rate(k + 1), held)
            last = k + 1
            if cancelled.is_set() or (
                self.frozen is not None and not np.count_nonzero(self.active)
            ):
                break
        for array in self.path.values():
            array[last + 1 :] = array[last]
        job.points[self.lo : self.hi] = self.p
        job.losses[self.lo : self.hi] = loss

    def _diverged(
        self, k: int, loss: np.ndarray, previous_loss: np.ndarray, limit: np.ndarray | float
    ) -> np.ndarray:
        """Stop the rows whose new values are not finite or run away; restore their last ones.

        Not finite: the point, the loss or the gradient norm; runaway: the loss above ``limit``.
        Returns the loss with those rows restored.
        """
        ok, flag, finite = self.ok, self.flag, self.finite
        np.isfinite(self.p, out=finite)
        points_finite = np.count_nonzero(finite) == finite.size
        np.less(self.ss, math.inf, out=ok)  # False for NaN too
        np.isfinite(loss, out=flag)
        ok &= flag
        np.less_equal(loss, limit, out=flag)
        ok &= flag
        if points_finite and np.count_nonzero(ok) == ok.size:
            return loss
        for i in range(self.job.d):
            ok &= finite[:, i]
        bad = ~ok
        if self.frozen is not None:
            bad &= self.active
        if not np.count_nonzero(bad):
            return loss
        np.copyto(self.p, self.previous, where=bad[:, np.newaxis])
        np.copyto(self.ss, self.previous_ss, where=bad)
        self._stop(bad, _DIVERGED, k)
        return np.where(bad, previous_loss, loss)

    def _stop(self, mask: np.ndarray, code: int, step: int) -> bool:
        """Stop the active rows of ``mask`` at ``step`` with status ``code``; True if any."""
        if self.frozen is not None:
            mask &= self.active
        if not np.count_nonzero(mask):  # (faster than mask.any())
            return False
        self.status[mask] = code
        self.stop_step[mask] = step
        self.active &= ~mask
        self.frozen = ~self.active[:, np.newaxis]
        return True

    def _record(self, k: int, loss: np.ndarray, lr: Any, held: np.ndarray | None = None) -> None:
        """Row ``k`` of the path (a row held at its stop point keeps its last rate too)."""
        if not self.path:
            return
        path = self.path
        path["points"][k] = self.p
        path["losses"][k] = loss
        np.sqrt(self.ss, out=path["grad_norms"][k])
        rates = path["lrs"]
        rates[k] = lr[:, 0] if isinstance(lr, np.ndarray) else lr
        if held is not None:
            np.copyto(rates[k], rates[k - 1], where=held[:, 0])
        if self.batch_loss is not None:
            batch_losses = path["batch_losses"]
            batch_losses[k] = self.batch_loss
            if held is not None:
                np.copyto(batch_losses[k], batch_losses[k - 1], where=held[:, 0])
