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
* a value is non-finite or the loss runs away (:math:`L > \\text{max\\_loss}`) — ``diverged``;
  the offending point is dropped, so the kept path holds only finite numbers;
* ``steps`` updates were made — ``max_steps``.

Everything is batched: ``start`` of shape ``(*S, d)`` and ``lr`` of shape ``L`` (any shape
broadcastable with ``S``) run as one batch of shape ``broadcast(S, L)``; each element stops on
its own and is frozen from then on. Each element equals its own single run bit for bit.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Literal

import numpy as np

from gdviz.trajectory import RunSpec, Trajectory

if TYPE_CHECKING:
    from gdviz.landscapes import Landscape
    from gdviz.optimizers import Optimizer
    from gdviz.schedules import Schedule

__all__ = ["DIVERGENCE_FACTOR", "TrajectoryBatch", "descend"]

#: A run has diverged once its loss exceeds this factor times ``max(1, |L(θ₀)|)``.
DIVERGENCE_FACTOR = 1e8

_CONVERGED, _DIVERGED, _MAX_STEPS = 0, 1, 2
_STATUS_NAMES = np.array(["converged", "diverged", "max_steps"])


@dataclass(frozen=True, eq=False)
class TrajectoryBatch:
    """The result of a batched :func:`descend`.

    Attributes
    ----------
    status : ndarray of str, shape ``batch``
    stop_step : ndarray of int, shape ``batch`` — updates made by each element
    final_points : ndarray, shape ``(*batch, d)``; final_losses : ndarray, shape ``batch``
    points, losses, grad_norms, lrs : ndarray or None
        Full paths, shape ``(steps + 1, *batch[, d])``, padded after each element's stop with its
        final values; ``None`` when run with ``keep="final"``.
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

    @property
    def shape(self) -> tuple[int, ...]:
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
        return Trajectory(
            variables=self.variables,
            points=self.points[sl].copy(),
            losses=self.losses[sl].copy(),
            grad_norms=self.grad_norms[sl].copy(),
            lrs=self.lrs[sl].copy(),
            status=str(self.status[where]),
            spec=spec,
        )

    def __repr__(self) -> str:
        from gdviz.notebook.display import batch_repr

        return batch_repr(self)

    def _repr_html_(self) -> str:
        from gdviz.notebook.display import batch_html

        return batch_html(self)


def descend(
    landscape: Landscape,
    optimizer: Optimizer,
    start: np.ndarray | list[float] | tuple[float, ...],
    *,
    lr: float | np.ndarray,
    steps: int = 100,
    schedule: Schedule | None = None,
    grad_tol: float = 0.0,
    loss_tol: float = 0.0,
    max_loss: float | None = None,
    keep: Literal["path", "final"] = "path",
) -> Trajectory | TrajectoryBatch:
    """Run ``optimizer`` on ``landscape`` from ``start``.

    Parameters
    ----------
    landscape : Landscape
    optimizer : Optimizer
        From :func:`gdviz.optimizers.make_optimizer`.
    start : array_like, shape ``(*S, d)``
        Starting point(s).
    lr : float or array_like, shape ``L``
        Initial learning rate(s) :math:`\\eta_0`; ``L`` must broadcast with ``S``.
    steps : int
        Maximum number of updates.
    schedule : Schedule, optional
        Learning-rate schedule (torch ``lr_scheduler`` semantics); constant if omitted.
    grad_tol, loss_tol : float
        Gradient-norm and loss-change tolerances; 0 disables a criterion.
    max_loss : float, optional
        Loss above which a run counts as diverged; default
        ``DIVERGENCE_FACTOR * max(1, |L(θ₀)|)`` per element.
    keep : {"path", "final"}
        Keep every step (default) or only the final point of each element (big batches).

    Returns
    -------
    Trajectory
        For a single start and a scalar ``lr``.
    TrajectoryBatch
        Otherwise.

    Raises
    ------
    ValueError
        For a start with the wrong number of coordinates, a negative or non-finite ``lr``,
        ``steps < 0`` or a negative tolerance.
    """
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
    if not isinstance(steps, int | np.integer) or steps < 0:
        raise ValueError(f"steps must be a whole number ≥ 0, got {steps!r}")
    for name, tol in (("grad_tol", grad_tol), ("loss_tol", loss_tol)):
        if not np.isfinite(tol) or tol < 0:
            raise ValueError(f"{name} must be a finite number ≥ 0, got {tol!r}")
    if keep not in ("path", "final"):
        raise ValueError(f"keep must be 'path' or 'final', got {keep!r}")

    batch = np.broadcast_shapes(start_arr.shape[:-1], lr_arr.shape)
    d = landscape.dim
    params = np.array(np.broadcast_to(start_arr, (*batch, d)), dtype=np.float64, order="C")
    starts = params.copy()
    lr0 = np.broadcast_to(lr_arr, batch)
    if schedule is None:
        lr_table = np.broadcast_to(lr_arr, (steps + 1, *lr_arr.shape))
    else:
        lr_table = schedule.learning_rates(lr_arr, steps + 1)

    with np.errstate(all="ignore"):
        loss = np.array(landscape.loss(params), dtype=np.float64)
        grad = np.array(landscape.gradient(params), dtype=np.float64)
        gnorm = _norm(grad)
        limit = (
            np.full(batch, float(max_loss))
            if max_loss is not None
            else DIVERGENCE_FACTOR * np.maximum(1.0, np.abs(loss))
        )

        status = np.full(batch, _MAX_STEPS, dtype=np.int8)
        stop_step = np.full(batch, steps, dtype=np.int64)
        active = np.ones(batch, dtype=bool)
        all_active = True

        path: dict[str, np.ndarray] = {}
        if keep == "path":
            path = {
                "points": np.empty((steps + 1, *batch, d)),
                "losses": np.empty((steps + 1, *batch)),
                "grad_norms": np.empty((steps + 1, *batch)),
                "lrs": np.empty((steps + 1, *batch)),
            }
            _record(path, 0, params, loss, gnorm, lr_table[0])

        state = optimizer.init(params)
        previous = np.empty_like(params)
        final = params.copy()
        last = 0
        for k in range(steps):
            if grad_tol > 0:
                done = active & (gnorm < grad_tol)
                if done.any():
                    _stop(done, _CONVERGED, k, status, stop_step, active, final, params)
                    all_active = False
                    if not active.any():
                        break
            np.copyto(previous, params)
            previous_loss = loss
            lr_k = lr_table[k]
            optimizer.update_inplace(grad, state, params, k + 1, lr_k[..., None])
            if not all_active:
                np.copyto(params, final, where=~active[..., None])
            loss = np.array(landscape.loss(params), dtype=np.float64, copy=None, ndmin=0)
            grad = np.array(landscape.gradient(params), dtype=np.float64, copy=None)
            gnorm = _norm(grad)

            bad = ~np.isfinite(loss) | ~np.isfinite(gnorm) | (loss > limit)
            bad &= active
            if bad.any():
                np.copyto(params, previous, where=bad[..., None])
                np.copyto(loss, previous_loss, where=bad)
                np.copyto(grad, landscape.gradient(previous), where=bad[..., None])
                gnorm = _norm(grad)
                _stop(bad, _DIVERGED, k, status, stop_step, active, final, params)
                all_active = False
            if loss_tol > 0:
                done = active & (np.abs(loss - previous_loss) < loss_tol)
                if done.any():
                    _stop(done, _CONVERGED, k + 1, status, stop_step, active, final, params)
                    all_active = False
            if path:
                _record(path, k + 1, params, loss, gnorm, lr_table[k + 1])
                if not all_active:
                    # a stopped element keeps its last learning rate too
                    np.copyto(path["lrs"][k + 1, ...], path["lrs"][k, ...], where=~active)
            last = k + 1
            if not active.any():
                break

        if path and last < steps:
            for array in path.values():
                array[last + 1 :] = array[last]

    spec = RunSpec(
        landscape=landscape.name,
        optimizer=getattr(optimizer, "preset", None) or optimizer.name,
        lr=float(lr_arr.flat[0]) if lr_arr.size else 0.0,
        start=tuple(float(v) for v in starts.reshape(-1, d)[0]) if starts.size else (),
        steps=int(steps),
        hyperparams=dict(optimizer.hyperparams),
        schedule=str(schedule) if schedule is not None else None,
        grad_tol=float(grad_tol),
        loss_tol=float(loss_tol),
        expression=landscape.kind == "formula",
    )
    result = TrajectoryBatch(
        variables=landscape.variables,
        spec=spec,
        status=np.asarray(_STATUS_NAMES[status]),
        stop_step=stop_step,
        final_points=params,
        final_losses=loss,
        starts=starts,
        lr0=np.array(lr0),
        **path,
    )
    if batch == ():
        return result[()]
    return result


def _stop(
    mask: np.ndarray,
    code: int,
    step: int,
    status: np.ndarray,
    stop_step: np.ndarray,
    active: np.ndarray,
    final: np.ndarray,
    params: np.ndarray,
) -> None:
    """Mark the elements in ``mask`` as stopped at ``step``; freeze them at ``params``."""
    status[mask] = code
    stop_step[mask] = step
    active &= ~mask
    np.copyto(final, params, where=mask[..., None])


def _norm(grad: np.ndarray) -> np.ndarray:
    """Euclidean norm over the last axis, :math:`\\sqrt{\\sum_i g_i^2}`."""
    return np.sqrt(np.einsum("...i,...i->...", grad, grad))


def _record(
    path: dict[str, np.ndarray],
    k: int,
    params: np.ndarray,
    loss: np.ndarray,
    gnorm: np.ndarray,
    lr: np.ndarray,
) -> None:
    path["points"][k] = params
    path["losses"][k] = loss
    path["grad_norms"][k] = gnorm
    path["lrs"][k] = lr
