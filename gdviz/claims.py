"""What a picture says about a run, computed from the run: verdicts, rates, finish lines, ranks.

Every adjective a video, a figure or the report writes about a trajectory comes from here, so
no medium words its own: "too small", "converges", "zig-zags", "diverges", "stalls",
"escapes", a measured contraction factor, the step a run crosses the finish line, the order of
a race. The functions read :class:`~gdviz.trajectory.Trajectory` objects and the landscape they
ran on; nothing is re-run except :func:`optimizer_states`, which replays a run through the
core's own ``init``/``update`` to show the optimizer's internal state.

The rules, stated once
----------------------
With :math:`e_k = \\theta_k - \\theta^*` the distance to the nearest known minimum:

* **diverges** — the run ended ``diverged`` or :math:`\\lVert e_n \\rVert > \\lVert e_0 \\rVert`;
* **zig-zags** — it converges and :math:`e_k` changes sign at (almost) every step, in at least
  one coordinate (it jumps across the minimum);
* **too small** — it converges, but more than half of the initial distance remains at the end;
* **converges** — otherwise.

The *rate* of a run is its measured contraction factor
:math:`(\\lVert e_n \\rVert / \\lVert e_0 \\rVert)^{1/n}`; two runs "converge at the same rate" when
their rates agree to 1 %. On :math:`x^2`, gradient descent contracts by exactly
:math:`|1 - 2\\eta|` per step, so η = 0.1 and η = 0.9 share the rate 0.8.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from gdviz.numbers import format_number

if TYPE_CHECKING:
    from gdviz.experiments import RunConfig
    from gdviz.landscapes import Landscape
    from gdviz.slices import Plane
    from gdviz.trajectory import Trajectory

__all__ = [
    "FINISH_GAP",
    "Finish",
    "Passage",
    "RateWindow",
    "StepState",
    "Verdict",
    "descent_facts",
    "finish",
    "finish_steps",
    "lowest_loss",
    "nearest_minimum",
    "optimizer_states",
    "race_order",
    "rate_window",
    "saddle_passage",
    "same_rate",
    "stability_limit",
    "valley_reached",
    "verdict",
]

#: A run has *finished* (crossed the finish line) once its loss is within this of the lowest
#: known minimum's loss, or when it converged by its gradient-norm tolerance.
FINISH_GAP = 1e-3
#: More than this fraction of the initial distance left at the end: the step size is too small.
SLOW_FRACTION = 0.5
#: Steps near a saddle from which a run is said to stall there.
STALL_STEPS = 40
#: Two measured rates are "the same" when they agree to this relative tolerance.
SAME_RATE = 0.01


# ----------------------------------------------------------------------------- verdicts


@dataclass(frozen=True)
class Verdict:
    """What one run did.

    Attributes
    ----------
    label : str
        ``"diverges"``, ``"zig-zags"``, ``"too small"`` or ``"converges"``.
    rate : float
        Measured contraction factor per step of the distance to the minimum (> 1: growing).
    distance : tuple of float
        Distance to the minimum at the start and at the end.
    diverged_at : int or None
        The step at which the run left the finite range (status ``diverged``).
    """

    label: str
    rate: float
    distance: tuple[float, float]
    diverged_at: int | None = None

    @property
    def converges(self) -> bool:
        """Whether the run gets closer to the minimum (converges, zig-zags or too small)."""
        return self.label != "diverges"


def nearest_minimum(landscape: Landscape, point: Sequence[float] | np.ndarray) -> np.ndarray | None:
    """The known minimum of ``landscape`` nearest to ``point``, or None if none is known."""
    if not landscape.minima:
        return None
    minima = np.asarray(landscape.minima, dtype=float)
    index = int(np.argmin(np.linalg.norm(minima - np.asarray(point, dtype=float), axis=-1)))
    return minima[index]


def _zigzags(errors: np.ndarray) -> bool:
    """Whether the error changes sign at (almost) every step in some coordinate."""
    n = len(errors) - 1
    if n < 2:
        return False
    for j in range(errors.shape[1]):
        e = errors[:, j]
        significant = np.abs(e) > 1e-9 * max(float(np.max(np.abs(e))), 1e-300)
        signs = np.sign(e[significant])
        if len(signs) > 2 and np.mean(signs[1:] * signs[:-1] < 0) >= 0.9:
            return True
    return False


def verdict(trajectory: Trajectory, minimum: Sequence[float] | np.ndarray | float) -> Verdict:
    """Classify a run by what it did relative to ``minimum`` (see the module's rules).

    Parameters
    ----------
    trajectory : Trajectory
    minimum : point or float
        The minimum to measure the distance to (a float for a 1-D landscape).
    """
    target = np.atleast_1d(np.asarray(minimum, dtype=float))
    errors = trajectory.points - target
    distances = np.linalg.norm(errors, axis=-1)
    first, last = float(distances[0]), float(distances[-1])
    n = trajectory.steps
    rate = (last / first) ** (1 / n) if n > 0 and first > 0 else (0.0 if last == 0 else math.inf)
    diverged_at = n if trajectory.status == "diverged" else None
    if trajectory.status == "diverged" or last > first:
        label = "diverges"
    elif _zigzags(errors):
        label = "zig-zags"
    elif last > SLOW_FRACTION * first:
        label = "too small"
    else:
        label = "converges"
    return Verdict(label, float(rate), (first, last), diverged_at)


def same_rate(a: Verdict, b: Verdict) -> bool:
    """Whether two runs contract at the same measured rate (to :data:`SAME_RATE`)."""
    return abs(a.rate - b.rate) <= SAME_RATE * max(a.rate, b.rate)


def coordinate_rates(trajectory: Trajectory, minimum: Sequence[float]) -> np.ndarray:
    """Per coordinate, the measured signed factor of the error per step (negative: it flips
    sign every step), the geometric mean over the steps while the error is not negligible."""
    errors = trajectory.points - np.asarray(minimum, dtype=float)
    rates = []
    for j in range(errors.shape[1]):
        e = errors[:, j]
        keep = np.flatnonzero(np.abs(e) > 1e-9 * max(float(np.abs(e[0])), 1e-300))
        keep = keep[keep < len(e) - 1]
        keep = keep[np.abs(e[keep + 1]) > 0]
        if len(keep) == 0:
            rates.append(0.0)
            continue
        ratios = e[keep + 1] / e[keep]
        magnitude = float(np.exp(np.mean(np.log(np.abs(ratios)))))
        rates.append(-magnitude if np.mean(ratios < 0) > 0.5 else magnitude)
    return np.array(rates)


def reached(trajectory: Trajectory, minimum: Sequence[float], fraction: float = 0.01) -> int | None:
    """The first step within ``fraction`` of the start's distance to ``minimum`` (or None)."""
    distances = np.linalg.norm(trajectory.points - np.asarray(minimum, dtype=float), axis=-1)
    inside = np.flatnonzero(distances <= fraction * distances[0])
    return int(inside[0]) if len(inside) else None


__all__ += ["coordinate_rates", "reached"]


# ------------------------------------------------------------------------ one descent


@dataclass(frozen=True)
class DescentFacts:
    """What a single walk downhill did: every step downhill? each step shorter than the last?"""

    downhill: bool
    shrinking: bool
    steps: int
    final_loss: float
    lowest_known: float | None


__all__ += ["DescentFacts"]


def descent_facts(trajectory: Trajectory, landscape: Landscape) -> DescentFacts:
    """Whether every step lowered the loss and every step was shorter than the one before."""
    losses = trajectory.losses
    lengths = np.linalg.norm(np.diff(trajectory.points, axis=0), axis=-1)
    lowest = [float(landscape.loss(np.asarray(m))) for m in landscape.minima]
    return DescentFacts(
        downhill=bool(np.all(np.diff(losses) < 0)),
        shrinking=bool(np.all(np.diff(lengths) < 0)),
        steps=trajectory.steps,
        final_loss=float(losses[-1]),
        lowest_known=min(lowest) if lowest else None,
    )


def valley_reached(trajectory: Trajectory, landscape: Landscape) -> np.ndarray | None:
    """The known minimum a run ends in (its nearest), or None if no minimum is known."""
    return nearest_minimum(landscape, trajectory.final_point)


# -------------------------------------------------------------------------------- races


@dataclass(frozen=True)
class Finish:
    """Where a run stands against the finish line.

    Attributes
    ----------
    step : int or None
        The first step on or past the finish line, or None if it never got there.
    rule : str
        The finish line in words, for the screen (``"L − L* < 0.001 or ‖∇L‖ < 1e-06"``).
    gap : float
        The final loss minus the lowest known minimum's loss (``nan`` if none is known).
    """

    step: int | None
    rule: str
    gap: float
    grad_tol: float = 0.0
    known_minimum: bool = True


def lowest_loss(landscape: Landscape) -> float | None:
    """L* — the loss of the lowest known minimum, or None if none is known."""
    lowest = [float(landscape.loss(np.asarray(m))) for m in landscape.minima]
    return min(lowest) if lowest else None


def finish_steps(
    losses: np.ndarray,
    converged: np.ndarray,
    stop_step: np.ndarray,
    best: float | None,
    gap: float = FINISH_GAP,
) -> np.ndarray:
    """The finish step of every element of a batch (-1 where it never finished).

    The rule of :func:`finish`, batched: the first step :math:`k` with
    :math:`L(\\theta_k) - L^* <` ``gap``, else the stop step of a run that ``converged`` (by
    its gradient norm), else -1. Without a known minimum (``best`` None) only convergence counts.

    Parameters
    ----------
    losses : ndarray, shape ``(steps + 1, *batch)``
        The losses along each path (padded after the stop, as :func:`~gdviz.descent.descend`
        keeps them).
    converged : ndarray of bool, shape ``batch``
    stop_step : ndarray of int, shape ``batch``
    best : float or None
        :math:`L^*`, from :func:`lowest_loss`.
    """
    steps = np.where(converged, stop_step, -1).astype(np.int64)
    if best is None:
        return steps
    below = (losses - best) < gap
    crossed = below.any(axis=0)
    return np.where(crossed, np.argmax(below, axis=0), steps)


def finish(trajectory: Trajectory, landscape: Landscape, grad_tol: float) -> Finish:
    """The step a run crosses the finish line.

    With known minima the line is ``L − L* < FINISH_GAP`` (L* the lowest minimum's loss) or
    convergence by the gradient norm; without, only convergence (``‖∇L‖ < grad_tol``) counts,
    and the rule says so.
    """
    best = lowest_loss(landscape)
    tol_text = f"‖∇L‖ < {format_number(grad_tol, ascii=True)}" if grad_tol > 0 else ""
    step = int(
        finish_steps(
            trajectory.losses,
            np.array(trajectory.status == "converged"),
            np.array(trajectory.steps),
            best,
        )
    )
    reached = step if step >= 0 else None
    if best is not None:
        rule = f"L − L* < {format_number(FINISH_GAP)}" + (f" or {tol_text}" if tol_text else "")
        return Finish(reached, rule, float(trajectory.losses[-1] - best), grad_tol, True)
    rule = (tol_text or "no finish line") + " (no known minimum)"
    return Finish(reached, rule, math.nan, grad_tol, False)


@dataclass(frozen=True)
class RateWindow:
    """The learning rates from which an optimizer finishes from at least ``share`` of its starts.

    Attributes
    ----------
    low, high : float
        The smallest and largest such rate of the grid.
    decades : float
        :math:`\\log_{10}(\\text{high} / \\text{low})` — how forgiving the optimizer is.
    count : int
        How many rates of the grid qualify (they need not be contiguous).
    """

    low: float
    high: float
    decades: float
    count: int


def rate_window(
    lrs: Sequence[float] | np.ndarray, success: Sequence[float] | np.ndarray, share: float = 0.5
) -> RateWindow | None:
    """The :class:`RateWindow` of success rates ``success`` (one per rate of ``lrs``), or None
    if no rate reaches ``share``."""
    rates, ok = np.asarray(lrs, dtype=float), np.asarray(success, dtype=float) >= share
    if not ok.any():
        return None
    low, high = float(rates[ok].min()), float(rates[ok].max())
    return RateWindow(low, high, math.log10(high / low), int(ok.sum()))


def race_order(finishes: Sequence[Finish], final_losses: Sequence[float]) -> list[int]:
    """Indices of the runs from first to last: finished runs by finish step, then the others by
    final loss (lowest first); ties keep the given order."""

    def key(i: int) -> tuple[int, float, int]:
        step = finishes[i].step
        if step is not None:
            return (0, float(step), i)
        loss = final_losses[i]
        return (1, loss if np.isfinite(loss) else math.inf, i)

    return sorted(range(len(finishes)), key=key)


# --------------------------------------------------------------------------- stability


def stability_limit(landscape: Landscape, point: Sequence[float]) -> float:
    """Plain GD's stability limit 2 / λ_max of the Hessian at ``point`` (inf if λ_max ≤ 0)."""
    eigen = np.linalg.eigvalsh(landscape.hessian(np.asarray(point, dtype=float)))
    top = float(eigen.max())
    return 2 / top if top > 0 else math.inf


__all__ += ["curvature_ratio", "first_below"]


def curvature_ratio(landscape: Landscape, point: Sequence[float]) -> float:
    """How many times more sharply the loss curves in its steepest direction than in its
    flattest at ``point``: :math:`\\lambda_{max} / \\lambda_{min}` of the Hessian (inf if
    :math:`\\lambda_{min} \\le 0`)."""
    eigen = np.linalg.eigvalsh(landscape.hessian(np.asarray(point, dtype=float)))
    low, top = float(eigen.min()), float(eigen.max())
    return top / low if low > 0 else math.inf


def first_below(values: np.ndarray, limit: float) -> int | None:
    """The first index at which ``values`` is below ``limit`` (e.g. a decaying η under 2/λ)."""
    below = np.flatnonzero(np.asarray(values) < limit)
    return int(below[0]) if len(below) else None


# ------------------------------------------------------------------------------ saddles


@dataclass(frozen=True)
class Passage:
    """How a run passed a saddle.

    Attributes
    ----------
    label : str
        ``"stalls"`` (it lingered near the saddle for at least :data:`STALL_STEPS` steps) or
        ``"escapes"`` (it moved on sooner).
    near : int
        Steps spent within ``radius`` of the saddle.
    escaped_at : int or None
        The first step outside the plot window after having been near the saddle.
    """

    label: str
    near: int
    escaped_at: int | None


def saddle_passage(
    trajectory: Trajectory,
    saddle: Sequence[float],
    bounds: Sequence[Sequence[float]],
    radius: float = 0.5,
) -> Passage:
    """Steps spent near ``saddle`` and the step the run leaves ``bounds`` (escapes)."""
    points = trajectory.points
    near = int(np.sum(np.linalg.norm(points - np.asarray(saddle, dtype=float), axis=-1) < radius))
    lo = np.array([b[0] for b in bounds])
    hi = np.array([b[1] for b in bounds])
    outside = np.flatnonzero(~np.all((points >= lo) & (points <= hi), axis=-1))
    escaped = int(outside[0]) if len(outside) else None
    return Passage("stalls" if near >= STALL_STEPS else "escapes", near, escaped)


# ------------------------------------------------------------------- internal state


@dataclass(frozen=True)
class StepState:
    """The numbers of one update, as the core computed them.

    ``point`` is θ before the update, ``grad`` the gradient there, ``lr`` the rate used,
    ``state`` the optimizer's buffers *after* the update (torch's names: ``momentum_buffer``,
    ``square_avg``, ``exp_avg``, ``exp_avg_sq``...), ``new_point`` θ after it, ``step`` 1-based.
    """

    step: int
    point: np.ndarray
    grad: np.ndarray
    lr: float
    state: dict[str, np.ndarray]
    new_point: np.ndarray


def optimizer_states(
    run: RunConfig, trajectory: Trajectory, landscape: Landscape
) -> list[StepState]:
    """Replay ``trajectory`` through the core's ``init``/``update`` and keep every state.

    The replay starts from the trajectory's first point and uses its learning rates, so it is
    the same computation :func:`gdviz.descent.descend` made (on a minibatch run, with each
    step's slice); each new point is checked against
    the trajectory's (a mismatch raises, so a picture can never show other numbers).

    Raises
    ------
    RuntimeError
        If the replay leaves the trajectory.
    """
    optimizer = run.make_optimizer()
    params = np.array(trajectory.points[0], dtype=np.float64)
    state: Any = optimizer.init(params)
    out = []
    for k in range(trajectory.steps):
        if trajectory.batches is not None:  # a minibatch run: the slice's mean gradient
            grad = landscape.minibatch(params, trajectory.batches[k])[1]
        else:
            grad = landscape.gradient(params)
        lr = float(trajectory.lrs[k])
        new, state = optimizer.update(grad, state, params, k + 1, lr)
        if not np.allclose(new, trajectory.points[k + 1], rtol=1e-12, atol=1e-300):
            raise RuntimeError(f"replaying {run.optimizer} left the trajectory at step {k + 1}")
        out.append(StepState(k + 1, params, grad, lr, {n: v.copy() for n, v in state.items()}, new))
        params = new
    return out


@dataclass(frozen=True)
class Balance:
    """How unequal the coordinates of the gradient and of the step are, over the first steps.

    With :math:`s = \\arg\\max_j |g_{1,j}|` the steep coordinate and :math:`f` the flat one
    (the smallest :math:`|g_{1,j}|`), over the first ``n`` updates

    .. math::

        \\text{gradient} = \\operatorname{median}_k |g_{k,s}| / |g_{k,f}|, \\qquad
        \\text{step} = \\operatorname{median}_k |\\Delta\\theta_{k,s}| / |\\Delta\\theta_{k,f}|.

    Plain gradient descent has ``step == gradient``; a per-coordinate scaling (RMSProp's
    :math:`1/\\sqrt{v}`, Adam's :math:`1/\\sqrt{\\hat v}`) brings ``step`` towards 1.
    """

    steep: int
    flat: int
    gradient: float
    step: float

    @property
    def evened(self) -> bool:
        """Whether the steps are at least twice as even as the gradients."""
        return self.step <= 0.5 * self.gradient


__all__ += ["Balance", "step_balance"]


def step_balance(states: Sequence[StepState], steps: int = 3) -> Balance | None:
    """The :class:`Balance` of the first ``steps`` updates of a replayed run (None for a 1-D
    run or when a coordinate of the gradient or the step is zero)."""
    first = list(states[:steps])
    if not first or len(first[0].grad) < 2:
        return None
    grads = np.abs(np.array([s.grad for s in first]))
    moves = np.abs(np.array([s.new_point - s.point for s in first]))
    steep, flat = int(np.argmax(grads[0])), int(np.argmin(grads[0]))
    if steep == flat or np.any(grads[:, flat] == 0) or np.any(moves[:, flat] == 0):
        return None
    gradient = float(np.median(grads[:, steep] / grads[:, flat]))
    step = float(np.median(moves[:, steep] / moves[:, flat]))
    return Balance(steep, flat, gradient, step)


# -------------------------------------------------------------------------------- noise

__all__ += [
    "BAND",
    "FLOOR_FACTOR",
    "NoiseFloor",
    "SeedSpread",
    "meets_robbins_monro",
    "noise_floor",
    "seed_spread",
]

#: The percentiles of the seeds a spread band covers (the middle 80 %).
BAND = (10.0, 90.0)
#: A decayed rate *removes* the noise floor when it ends at least this many times below it.
FLOOR_FACTOR = 10.0


@dataclass(frozen=True)
class SeedSpread:
    """How minibatch runs of several seeds spread around the full-batch run from one start.

    With :math:`L` the loss on the full data set, at the last step:

    Attributes
    ----------
    seeds, steps : int
    full_loss : float
        :math:`L` of the full-batch run.
    low, median, high : float
        The :data:`BAND` percentiles and the median of the seeds' :math:`L`.
    higher : int
        Seeds whose :math:`L` is above ``full_loss``.
    distance : float
        Median over the seeds of the distance from their final point to the full-batch one.
    widest : tuple of (int, float)
        The step at which the seeds' points are farthest apart (the median distance to their
        mean point) and that distance.
    """

    seeds: int
    steps: int
    full_loss: float
    low: float
    median: float
    high: float
    higher: int
    distance: float
    widest: tuple[int, float]


def seed_spread(seeds: Sequence[Trajectory], full: Trajectory) -> SeedSpread:
    """The :class:`SeedSpread` of minibatch runs ``seeds`` around the full-batch run ``full``.

    Every run must have made the same number of steps (a fan drawn at equal steps).

    Raises
    ------
    ValueError
        For no seeds, or runs of different lengths.
    """
    if not seeds:
        raise ValueError("a spread needs at least one seed's run")
    steps = {t.steps for t in seeds} | {full.steps}
    if len(steps) != 1:
        raise ValueError(f"the runs made different numbers of steps: {sorted(steps)}")
    finals = np.array([t.final_loss for t in seeds])
    low, high = np.percentile(finals, BAND)
    ends = np.array([t.final_point for t in seeds])
    paths = np.stack([t.points for t in seeds])  # (seeds, steps + 1, d)
    spread = np.median(np.linalg.norm(paths - paths.mean(axis=0), axis=-1), axis=0)
    widest = int(np.argmax(spread))
    return SeedSpread(
        seeds=len(seeds),
        steps=full.steps,
        full_loss=full.final_loss,
        low=float(low),
        median=float(np.median(finals)),
        high=float(high),
        higher=int(np.count_nonzero(finals > full.final_loss)),
        distance=float(np.median(np.linalg.norm(ends - full.final_point, axis=-1))),
        widest=(widest, float(spread[widest])),
    )


@dataclass(frozen=True)
class NoiseFloor:
    """Constant against decaying learning rate under minibatch noise.

    With :math:`L^*` the loss at the landscape's minimum and :math:`e_k = L(\\theta_k) - L^*`
    the excess loss on the full data set, medians taken over the seeds:

    Attributes
    ----------
    floor : float
        The constant rate's *noise floor*: the median of its :math:`e_k` over the last half of
        the steps (where it has stopped improving on average).
    constant_final, decayed_final : float
        Median :math:`e` at the last step, constant and decayed rate.
    below_from : int or None
        The first step from which the decayed rate's median :math:`e_k` stays below the floor.
    """

    floor: float
    constant_final: float
    decayed_final: float
    below_from: int | None

    @property
    def ratio(self) -> float:
        """How many times below the floor the decayed rate ends."""
        return self.floor / self.decayed_final if self.decayed_final > 0 else math.inf

    @property
    def label(self) -> str:
        """``"removes"`` (ends :data:`FLOOR_FACTOR` times below the floor or more),
        ``"lowers"`` (ends below it) or ``"does not lower"`` — what decay does to the floor."""
        if self.ratio >= FLOOR_FACTOR:
            return "removes"
        return "lowers" if self.ratio > 1 else "does not lower"


def excess_losses(runs: Sequence[Trajectory], minimum_loss: float) -> np.ndarray:
    """:math:`L(\\theta_k) - L^*` of each run, shape ``(runs, steps + 1)`` (equal lengths)."""
    return np.stack([t.losses for t in runs]) - minimum_loss


def noise_floor(
    constant: Sequence[Trajectory], decayed: Sequence[Trajectory], minimum_loss: float
) -> NoiseFloor:
    """The :class:`NoiseFloor` of seeds run at a constant rate and with a decaying one."""
    e_constant = np.median(excess_losses(constant, minimum_loss), axis=0)
    e_decayed = np.median(excess_losses(decayed, minimum_loss), axis=0)
    floor = float(np.median(e_constant[len(e_constant) // 2 :]))
    above = np.flatnonzero(e_decayed >= floor)
    below_from = int(above[-1]) + 1 if len(above) else 0
    return NoiseFloor(
        floor=floor,
        constant_final=float(e_constant[-1]),
        decayed_final=float(e_decayed[-1]),
        below_from=below_from if below_from < len(e_decayed) else None,
    )


def meets_robbins_monro(schedule: str | None) -> bool:
    """Whether a schedule (its text form) meets Robbins and Monro's conditions
    :math:`\\sum_k \\eta_k = \\infty`, :math:`\\sum_k \\eta_k^2 < \\infty`.

    Of gdviz's kinds only ``inverse-time`` (:math:`\\eta_0 / (1 + r k / s)`, a harmonic series)
    does: a constant rate fails the second, exponential and step decay the first (a geometric
    sum), cosine annealing and warm-up end at a constant rate.
    """
    from gdviz.schedules import parse_schedule

    return schedule is not None and parse_schedule(schedule).kind == "inverse-time"


# ------------------------------------------------------------------------------- slices

__all__ += ["ClassifierFit", "SliceFacts", "classifier_fit", "slice_facts"]


@dataclass(frozen=True)
class SliceFacts:
    """What a 2-D slice of an n-dimensional landscape shows, and how much it hides.

    Attributes
    ----------
    dim : int
        Parameters of the landscape (the slice shows 2 of ``dim`` dimensions).
    kind : str
        How the plane was chosen (:attr:`gdviz.slices.Plane.kind`).
    explained : tuple of two floats, or None
        A PCA plane's share of the paths' variance along each direction.
    off_plane : tuple of float
        Per path, the largest distance of one of its points from the plane, as a fraction of
        the largest distance the path travels from its start (0: the path lies in the plane).
    loss_gap : tuple of float
        Per path, the largest :math:`|L(\\theta_k) - L(P\\theta_k)|`: how far the run's own
        loss is from the contour value under its projected point :math:`P\\theta_k`.
    """

    dim: int
    kind: str
    explained: tuple[float, float] | None
    off_plane: tuple[float, ...]
    loss_gap: tuple[float, ...]

    @property
    def captured(self) -> float | None:
        """The PCA plane's total share of the variance (None for a random plane)."""
        return None if self.explained is None else self.explained[0] + self.explained[1]


def slice_facts(landscape: Landscape, plane: Plane, paths: Sequence[Trajectory]) -> SliceFacts:
    """The :class:`SliceFacts` of ``paths`` drawn on ``plane`` (one batched loss call per path)."""
    from gdviz.slices import project

    off, gaps = [], []
    for path in paths:
        coordinates = project(path, plane)
        nearest = plane.points(coordinates[:, 0], coordinates[:, 1])
        distance = np.linalg.norm(path.points - nearest, axis=1)
        travel = np.linalg.norm(path.points - path.points[0], axis=1).max()
        off.append(float(distance.max() / travel) if travel > 0 else 0.0)
        gaps.append(float(np.max(np.abs(path.losses - landscape.loss(nearest)))))
    return SliceFacts(landscape.dim, plane.kind, plane.explained, tuple(off), tuple(gaps))


@dataclass(frozen=True)
class ClassifierFit:
    """How well a classifier's final parameters fit its data: loss and accuracy."""

    final_loss: float
    accuracy: float
    samples: int

    @property
    def misclassified(self) -> int:
        """Samples on the wrong side of the decision boundary."""
        return round((1.0 - self.accuracy) * self.samples)


def classifier_fit(trajectory: Trajectory, landscape: Landscape, step: int = -1) -> ClassifierFit:
    """The loss and training accuracy of a run of ``mlp-moons`` at ``step`` (default: its end;
    0 is the untrained start).

    Raises
    ------
    ValueError
        For a landscape that is not the network (no data or no declared tensors).
    """
    from gdviz.landscapes.network import TENSORS, accuracy

    if landscape.data is None or landscape.tensors != TENSORS:
        raise ValueError(f"{landscape.name} is not the mlp-moons classifier")
    share = float(accuracy(trajectory.points[step], landscape.data))
    return ClassifierFit(float(trajectory.losses[step]), share, landscape.data.n)
