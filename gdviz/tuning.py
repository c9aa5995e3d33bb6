"""A fair race: tune every optimizer under one protocol, then compare the winners.

Optimizer galleries are usually unfair: one optimizer gets a tuned learning rate, the others
torch's default, from one start, for a few steps. :func:`tune` gives every competitor the same
chance. For each optimizer it searches

* the learning rate :math:`\\eta` on a log grid (the same grid for all), and
* where the rule has one (:attr:`gdviz.optimizers.OptimizerInfo.momentum`), its momentum
  :math:`\\mu` or the Adam family's :math:`\\beta_1` on a grid (torch's other defaults kept),

over the same step budget :math:`K` and the same set of starts :math:`\\theta_0^{(s)}`. Each
run is scored by its *finish step* — the first step with :math:`L(\\theta_k) - L^* <` ``gap``
(or convergence by its gradient norm), the finish line of the race scene
(:func:`gdviz.claims.finish_steps`); a run that never finishes counts as :math:`K`. A
configuration's score is the median finish step over the starts, ties broken by the median
final loss; each optimizer's winner is its best configuration, and the winners are ranked by
the same key.

Every (optimizer, momentum) pair is one batched :func:`~gdviz.descent.descend` call over a
``(learning rates, starts)`` batch. Only the losses of the paths are kept once a call returns.

>>> from gdviz.tuning import tune
>>> result = tune("rosenbrock")                  # 12 optimizers × 16 rates × 64 starts × 500
>>> result.winners[0].title, result.winners[0].lr
>>> result.to_toml("tuned-rosenbrock")           # an experiment `gdviz video --config` takes
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np

from gdviz.budget import check_memory
from gdviz.claims import FINISH_GAP, finish_steps, lowest_loss
from gdviz.descent import TrajectoryBatch, descend
from gdviz.engine import Engine
from gdviz.experiments import Experiment, RunConfig
from gdviz.landscapes import Landscape, get_landscape
from gdviz.names import check_name
from gdviz.numbers import format_number

__all__ = [
    "DEFAULT_GRID",
    "DEFAULT_LRS",
    "DEFAULT_MOMENTA",
    "DEFAULT_STEPS",
    "Protocol",
    "Table",
    "TuneResult",
    "Winner",
    "builtin_tuning",
    "momentum_knob",
    "score_order",
    "start_grid",
    "tune",
]

#: The learning-rate grid: 16 rates, log-spaced from 10⁻⁵ to 10 (0.4 decades apart).
DEFAULT_LRS: tuple[float, ...] = tuple(float(v) for v in np.geomspace(1e-5, 10.0, 16))
#: The momentum / β₁ grid of the optimizers that have one.
DEFAULT_MOMENTA: tuple[float, ...] = (0.0, 0.5, 0.9, 0.99)
#: The step budget of every run.
DEFAULT_STEPS = 500
#: Starts per side of the square grid of starts (8 × 8 = 64).
DEFAULT_GRID = 8
#: The gradient-norm tolerance that also ends a run as finished (as in the race).
DEFAULT_GRAD_TOL = 1e-6
#: The landscape of the built-in tuning (the report's "A fair race").
BUILTIN_LANDSCAPE = "rosenbrock"


def momentum_knob(name: str) -> str | None:
    """The momentum-like hyperparameter :func:`tune` searches for optimizer ``name``.

    The optimizer's declared :attr:`~gdviz.optimizers.OptimizerInfo.momentum`, unless ``name``
    is a preset that fixes it (``gd``, ``momentum``, ``nesterov`` are fixed configurations).
    """
    from gdviz.optimizers import OPTIMIZERS, PRESETS

    if name in PRESETS:
        preset = PRESETS[name]
        knob = OPTIMIZERS[preset.optimizer].momentum
        return None if knob is None or knob in preset.fixed else knob
    return OPTIMIZERS[name].momentum


def _knob_params(name: str, value: float | None) -> dict[str, Any]:
    """The hyperparameters of ``name`` with its knob at ``value`` (β₂ kept at torch's default)."""
    from gdviz.optimizers import OPTIMIZERS

    knob = momentum_knob(name)
    if knob is None or value is None:
        return {}
    if knob == "betas":
        beta2 = OPTIMIZERS[name].defaults["betas"][1]
        return {"betas": (float(value), float(beta2))}
    return {knob: float(value)}


def start_grid(landscape: Landscape, per_side: int = DEFAULT_GRID) -> np.ndarray:
    """``per_side²`` starts: the centres of a ``per_side × per_side`` grid of cells over the
    landscape's plotting bounds (2-D), or ``per_side`` cell centres (1-D); shape ``(n, d)``."""
    if landscape.dim not in (1, 2) or landscape.bounds is None:
        raise ValueError(
            f"landscape '{landscape.name}' has no 1-D or 2-D plotting bounds for a grid of "
            "starts; pass starts=..."
        )
    axes = []
    for lo, hi in landscape.bounds[: landscape.dim]:
        edges = np.linspace(lo, hi, per_side + 1)
        axes.append((edges[:-1] + edges[1:]) / 2)
    if landscape.dim == 1:
        return axes[0][:, np.newaxis]
    x, y = np.meshgrid(axes[0], axes[1])
    return np.stack([x.ravel(), y.ravel()], axis=-1)


@dataclass(frozen=True)
class Protocol:
    """The rules every competitor runs under.

    Attributes
    ----------
    landscape : str
        The built-in landscape's name.
    optimizers : tuple of str
        The competitors (optimizer or preset names).
    lrs : tuple of float
        The learning-rate grid.
    momenta : tuple of float
        The momentum / β₁ grid, for the optimizers with a knob (:func:`momentum_knob`).
    starts : tuple of tuple of float
        The starts every configuration runs from.
    steps : int
        The budget :math:`K`: updates per run, and the score of a run that never finishes.
    gap : float
        The finish line :math:`L - L^* <` ``gap`` (only convergence counts without a known
        minimum).
    grad_tol : float
        Gradient-norm tolerance: a run that meets it has finished.
    batch_size : int or None
        Minibatch size on a data landscape (None: full batch).
    seeds : tuple of int
        The minibatch seeds every configuration runs under, from every start (empty: one
        stream, seed 0, or full batch); the finish line is on the full-data loss.
    """

    landscape: str
    optimizers: tuple[str, ...]
    lrs: tuple[float, ...]
    momenta: tuple[float, ...]
    starts: tuple[tuple[float, ...], ...]
    steps: int
    gap: float = FINISH_GAP
    grad_tol: float = DEFAULT_GRAD_TOL
    batch_size: int | None = None
    seeds: tuple[int, ...] = ()

    @property
    def trials(self) -> int:
        """Runs per configuration: every start, under every minibatch seed."""
        return len(self.starts) * max(1, len(self.seeds))

    @property
    def trial_label(self) -> str:
        """What a configuration's runs are in words: ``starts``, or ``runs`` (starts × seeds)."""
        return "runs" if self.seeds else "starts"

    @property
    def runs(self) -> int:
        """Descents in all: every configuration from every start (and seed)."""
        configurations = sum(
            len(self.momenta) if momentum_knob(name) else 1 for name in self.optimizers
        )
        return configurations * len(self.lrs) * self.trials

    def lines(self) -> list[str]:
        """The protocol in words, one line each (numbers by :mod:`gdviz.numbers`)."""
        surface = get_landscape(self.landscape)
        lo, hi = format_number(min(self.lrs), ascii=True), format_number(max(self.lrs), ascii=True)
        finish = (
            f"L - L* < {format_number(self.gap, ascii=True)} or "
            if lowest_loss(surface) is not None
            else ""
        ) + f"|grad L| < {format_number(self.grad_tol, ascii=True)}"
        return [
            f"landscape   {self.landscape} ({surface.title})",
            f"optimizers  {len(self.optimizers)}: {', '.join(self.optimizers)}",
            f"lr grid     {len(self.lrs)} rates, log-spaced from {lo} to {hi}",
            "momentum    "
            + ", ".join(format_number(m, ascii=True) for m in self.momenta)
            + " (momentum or beta1, where the optimizer has one)",
            f"starts      {len(self.starts)}, the same for every run",
            *(
                [
                    f"minibatch   batch size {self.batch_size}, "
                    + (
                        f"{len(self.seeds)} seeds ({self.seeds[0]} to {self.seeds[-1]}), "
                        "the same for every run"
                        if self.seeds
                        else "seed 0"
                    )
                ]
                if self.batch_size is not None
                else []
            ),
            f"budget      {self.steps} steps per run",
            f"finish      {finish}",
            f"score       median finish step over the {'runs' if self.seeds else 'starts'}"
            f" (never finished = {self.steps}),"
            " ties by median final loss",
        ]


@dataclass(frozen=True, eq=False)
class Table:
    """Everything one optimizer did under the protocol.

    Attributes
    ----------
    optimizer : str
    knob : str or None
        The searched momentum-like hyperparameter (None: only the learning rate).
    momenta : tuple of float or None
        Its grid values (``(None,)`` without a knob).
    finish : ndarray of int, shape ``(M, L, S)``
        Finish step per (momentum, learning rate, start); -1 where the run never finished.
    final_losses : ndarray, shape ``(M, L, S)``
    diverged : ndarray of bool, shape ``(M, L, S)``
    """

    optimizer: str
    knob: str | None
    momenta: tuple[float | None, ...]
    finish: np.ndarray
    final_losses: np.ndarray
    diverged: np.ndarray
    budget: int

    @property
    def finished(self) -> np.ndarray:
        """Whether each run finished, shape ``(M, L, S)``."""
        return self.finish >= 0

    @property
    def scored_steps(self) -> np.ndarray:
        """Finish steps with never-finished runs counted as the budget, shape ``(M, L, S)``."""
        return np.where(self.finished, self.finish, self.budget)

    @property
    def median_steps(self) -> np.ndarray:
        """The score: median of :attr:`scored_steps` over the starts, shape ``(M, L)``."""
        return np.median(self.scored_steps, axis=-1)

    @property
    def median_loss(self) -> np.ndarray:
        """The tie-break: median final loss over the starts, shape ``(M, L)``."""
        return np.median(self.final_losses, axis=-1)

    @property
    def success(self) -> np.ndarray:
        """Share of the starts from which the run finished, shape ``(M, L)``."""
        return self.finished.mean(axis=-1)

    def best(self) -> tuple[int, int]:
        """``(momentum index, lr index)`` of the winning configuration (:func:`score_order`)."""
        order = score_order(self.median_steps.ravel(), self.median_loss.ravel())
        m, i = np.unravel_index(order[0], self.median_steps.shape)
        return int(m), int(i)


def score_order(
    median_steps: Sequence[float] | np.ndarray, median_losses: Sequence[float] | np.ndarray
) -> list[int]:
    """Indices from best to worst: fewest median steps, then lowest median final loss, then
    the given order (the scoring rule of :func:`tune`)."""

    def key(i: int) -> tuple[float, float, int]:
        loss = float(median_losses[i])
        return (float(median_steps[i]), loss if math.isfinite(loss) else math.inf, i)

    return sorted(range(len(median_steps)), key=key)


@dataclass(frozen=True)
class Winner:
    """An optimizer's best configuration under the protocol.

    Attributes
    ----------
    optimizer : str
    lr : float
    params : dict
        The tuned momentum-like hyperparameter (empty without one), by torch's name.
    median_steps : float
        Its score.
    success : float
        Share of the starts it finished from.
    median_loss : float
        Median final loss over the starts.
    lr_index, momentum_index : int
        Where it sits in the grids.
    """

    optimizer: str
    lr: float
    params: dict[str, Any]
    median_steps: float
    success: float
    median_loss: float
    lr_index: int
    momentum_index: int

    @property
    def title(self) -> str:
        """The display name of the shared style (``"RMSProp"``)."""
        from gdviz.style import optimizer_label

        return optimizer_label(self.optimizer)

    @property
    def momentum(self) -> float | None:
        """The tuned momentum or β₁ (None without a knob)."""
        if "betas" in self.params:
            return float(self.params["betas"][0])
        if "momentum" in self.params:
            return float(self.params["momentum"])
        return None

    def run_config(self) -> RunConfig:
        """The configuration as an experiment's run."""
        return RunConfig(self.optimizer, self.lr, dict(self.params))


@dataclass(frozen=True, eq=False)
class TuneResult:
    """The protocol, every optimizer's full score :class:`Table`, and the ranked winners."""

    protocol: Protocol
    tables: dict[str, Table]
    winners: tuple[Winner, ...]
    seconds: float

    @property
    def surface(self) -> Landscape:
        """The tuned landscape."""
        return get_landscape(self.protocol.landscape)

    def table_rows(self, *, ascii: bool = True) -> list[tuple[str, ...]]:
        """The winners as text rows (rank, optimizer, lr, momentum/β₁, median steps, finished,
        median final loss), numbers by :mod:`gdviz.numbers` (ASCII for terminals and files,
        ``ascii=False`` for pages)."""
        starts = self.protocol.trials
        rows: list[tuple[str, ...]] = []
        for rank, w in enumerate(self.winners, 1):
            rows.append(
                (
                    str(rank),
                    w.title,
                    format_number(w.lr, 3, ascii=ascii),
                    _momentum_text(w, ascii=ascii),
                    format_number(w.median_steps, ascii=ascii),
                    f"{round(w.success * starts)}/{starts}",
                    format_number(w.median_loss, 3, ascii=ascii),
                )
            )
        return rows

    def experiment(
        self, name: str | None = None, start: Sequence[float] | None = None, top: int | None = None
    ) -> Experiment:
        """The winners as an experiment: one run each, in rank order (only the ``top`` best if
        given), from ``start`` (default the landscape's first declared start, else the first of
        the protocol's starts), with the protocol's budget and gradient-norm tolerance."""
        protocol, surface = self.protocol, self.surface
        if top is not None and (isinstance(top, bool) or not isinstance(top, int) or top < 1):
            raise ValueError(f"top must be a whole number ≥ 1, got {top!r}")
        winners = self.winners[:top]
        name = check_name("experiment", name or f"tuned-{protocol.landscape}")
        if start is None:
            start = surface.starts[0] if surface.starts else protocol.starts[0]
        lo, hi = min(protocol.lrs), max(protocol.lrs)
        return Experiment(
            name=name,
            title=f"A fair race on {surface.title}: every optimizer tuned",
            landscape=protocol.landscape,
            starts=(tuple(float(v) for v in start),),
            runs=tuple(w.run_config() for w in winners),
            steps=protocol.steps,
            grad_tol=protocol.grad_tol,
            batch_size=protocol.batch_size,
            seed=protocol.seeds[0] if protocol.seeds else 0,
            description=(
                f"Each optimizer at its best of {len(protocol.lrs)} learning rates "
                f"({format_number(lo)} to {format_number(hi)}) and, where it has one, of "
                f"{len(protocol.momenta)} momentum or β₁ values: the fewest median steps to "
                f"the finish over {len(protocol.starts)} starts"
                + (f" × {len(protocol.seeds)} minibatch seeds" if protocol.seeds else "")
                + f", {protocol.steps} steps each."
            ),
        )

    def to_toml(
        self, name: str | None = None, start: Sequence[float] | None = None, top: int | None = None
    ) -> str:
        """:meth:`experiment` as the TOML text :func:`gdviz.experiments.load_experiments`
        reads, the protocol and the whole score table as comments above it."""
        import tomli_w

        experiment = self.experiment(name, start, top)
        table: dict[str, Any] = {
            "title": experiment.title,
            "landscape": experiment.landscape,
            "starts": [list(s) for s in experiment.starts],
            "steps": experiment.steps,
            "grad_tol": experiment.grad_tol,
            **({"batch_size": experiment.batch_size} if experiment.batch_size is not None else {}),
            **({"seed": experiment.seed} if experiment.batch_size is not None else {}),
            "description": experiment.description,
            "runs": [
                {"optimizer": r.optimizer, "lr": r.lr}
                | ({"params": {k: _toml_value(v) for k, v in r.params.items()}} if r.params else {})
                for r in experiment.runs
            ],
        }
        header = ["# Written by `gdviz tune`: every optimizer tuned under one protocol.", "#"]
        header += [f"# {line}" for line in self.protocol.lines()]
        header += ["#", "# rank  optimizer  lr  momentum  median steps  finished  median loss"]
        header += ["#   " + "  ".join(row) for row in self.table_rows()]
        body = tomli_w.dumps({"experiment": {experiment.name: table}})
        return "\n".join(header) + "\n\n" + body


def _momentum_text(winner: Winner, *, ascii: bool = True) -> str:
    """``mu 0.9``, ``beta1 0.5``, ``mu 0.9 fixed`` (a preset's), or ``-`` (none); ``μ``, ``β₁``
    and ``–`` when not ``ascii``."""
    from gdviz.optimizers import PRESETS

    mu, beta = ("mu", "beta1") if ascii else ("μ", "β₁")
    if winner.momentum is not None:
        symbol = beta if momentum_knob(winner.optimizer) == "betas" else mu
        return f"{symbol} {format_number(winner.momentum, ascii=ascii)}"
    preset = PRESETS.get(winner.optimizer)
    if preset is not None and "momentum" in preset.fixed:
        value = format_number(float(preset.fixed["momentum"]), ascii=ascii)
        return f"{mu} {value} fixed"
    return "-" if ascii else "–"


def _toml_value(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def _check_grids(
    lrs: Sequence[float] | np.ndarray, momenta: Sequence[float], steps: int, gap: float
) -> tuple[np.ndarray, tuple[float, ...]]:
    """The learning-rate and momentum grids of :func:`tune`, checked; also its budget and gap."""
    rates = np.asarray(lrs, dtype=np.float64).ravel()
    if rates.size == 0 or not np.all(np.isfinite(rates)) or np.any(rates <= 0):
        raise ValueError("learning rates must be finite numbers > 0 (give at least one)")
    grid = tuple(float(m) for m in momenta)
    if not grid or not all(0.0 <= m < 1.0 for m in grid):
        raise ValueError("momentum values must be numbers in [0, 1) (give at least one)")
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 1:
        raise ValueError(f"steps must be a whole number ≥ 1, got {steps!r}")
    if not (math.isfinite(gap) and gap > 0):
        raise ValueError(f"gap must be a finite number > 0, got {gap!r}")
    return rates, grid


def tune(
    landscape: str | Landscape,
    optimizers: Sequence[str] | None = None,
    *,
    lrs: Sequence[float] | np.ndarray = DEFAULT_LRS,
    momenta: Sequence[float] = DEFAULT_MOMENTA,
    starts: np.ndarray | Sequence[Sequence[float]] | None = None,
    steps: int = DEFAULT_STEPS,
    gap: float = FINISH_GAP,
    grad_tol: float = DEFAULT_GRAD_TOL,
    batch_size: int | None = None,
    seeds: Sequence[int] | None = None,
    engine: Engine | None = None,
    progress: Callable[[str, float], None] | None = None,
) -> TuneResult:
    """Tune each optimizer's learning rate (and momentum or β₁) under one protocol.

    Parameters
    ----------
    landscape : str or Landscape
        A built-in landscape.
    optimizers : sequence of str, optional
        Optimizer or preset names; default all of :func:`gdviz.optimizers.optimizer_names`.
    lrs : sequence of float
        The learning-rate grid (finite, > 0); default :data:`DEFAULT_LRS`.
    momenta : sequence of float
        The momentum / β₁ grid, each in [0, 1); default :data:`DEFAULT_MOMENTA`.
    starts : array_like, shape ``(S, d)``, optional
        Default :func:`start_grid` (8 × 8 cell centres over the plotting bounds).
    steps : int
        The budget :math:`K` (≥ 1).
    gap : float
        The finish line :math:`L - L^* <` ``gap`` (> 0).
    grad_tol : float
        Gradient-norm tolerance (≥ 0) that also counts as finished.
    batch_size : int, optional
        Minibatch SGD on a data landscape (:mod:`gdviz.batches`); None is full batch.
    seeds : sequence of int, optional
        With ``batch_size``: every configuration runs from every start under each seed (a
        leading seed axis of the same batched call); the score is the median over them all.
        Default starts then: the landscape's first declared start.
    progress : callable, optional
        ``progress(optimizer, seconds)`` after each optimizer.

    Returns
    -------
    TuneResult

    Raises
    ------
    ValueError
        One line: an unknown landscape or optimizer, an empty or invalid grid, bad starts
        (:func:`~gdviz.descent.descend`'s own checks), or a batch over the memory budget
        (:class:`~gdviz.budget.BudgetError`).
    """
    from gdviz.optimizers import make_optimizer, optimizer_names

    surface = get_landscape(landscape) if isinstance(landscape, str) else landscape
    if surface.kind == "formula":
        raise ValueError("tune takes a built-in landscape, not a formula")
    names = list(dict.fromkeys(optimizers if optimizers is not None else optimizer_names()))
    if not names:
        raise ValueError("give at least one optimizer")
    for name in names:
        make_optimizer(name)  # unknown names fail here, with a suggestion
    rates, grid = _check_grids(lrs, momenta, steps, gap)
    seed_list = tuple(int(v) for v in seeds) if seeds is not None else ()
    if seeds is not None and (not seed_list or batch_size is None):
        raise ValueError("seeds need a batch_size (minibatches on a data landscape)")
    if starts is None and seed_list and surface.starts:
        starts = surface.starts[:1]
    points = start_grid(surface) if starts is None else np.asarray(starts, dtype=np.float64)
    if points.ndim != 2 or len(points) == 0 or points.shape[1] != surface.dim:
        raise ValueError(
            f"starts must be a list of points with {surface.dim} coordinate(s) for {surface.name}"
        )
    check_memory(
        "tune",
        starts=len(points) * max(1, len(seed_list)),
        runs=len(rates),
        steps=steps,
        variables=surface.dim,
        copies=1,
        remedy="use fewer steps, starts or learning rates",
    )
    protocol = Protocol(
        landscape=surface.name,
        optimizers=tuple(names),
        lrs=tuple(float(v) for v in rates),
        momenta=grid,
        starts=tuple(tuple(float(v) for v in p) for p in points),
        steps=steps,
        gap=float(gap),
        grad_tol=float(grad_tol),
        batch_size=batch_size,
        seeds=seed_list,
    )
    best = lowest_loss(surface)
    began = time.perf_counter()
    tables: dict[str, Table] = {}
    for name in names:
        started = time.perf_counter()
        tables[name] = _tune_one(surface, name, protocol, rates, points, best, engine)
        if progress is not None:
            progress(name, time.perf_counter() - started)
    winners = []
    for name in names:
        table = tables[name]
        m, i = table.best()
        value = table.momenta[m]
        winners.append(
            Winner(
                optimizer=name,
                lr=protocol.lrs[i],
                params=_knob_params(name, value),
                median_steps=float(table.median_steps[m, i]),
                success=float(table.success[m, i]),
                median_loss=float(table.median_loss[m, i]),
                lr_index=i,
                momentum_index=m,
            )
        )
    order = score_order([w.median_steps for w in winners], [w.median_loss for w in winners])
    ranked = tuple(winners[i] for i in order)
    return TuneResult(protocol, tables, ranked, time.perf_counter() - began)


def _tune_one(
    surface: Landscape,
    name: str,
    protocol: Protocol,
    rates: np.ndarray,
    points: np.ndarray,
    best: float | None,
    engine: Engine | None,
) -> Table:
    """One batched descend per momentum value: lr on axis 0, starts on axis 1."""
    from gdviz.optimizers import make_optimizer

    knob = momentum_knob(name)
    values: tuple[float | None, ...] = protocol.momenta if knob else (None,)
    finish, losses, diverged = [], [], []
    for value in values:
        batch = descend(
            surface,
            make_optimizer(name, **_knob_params(name, value)),
            points[np.newaxis, :, :],
            lr=rates[:, np.newaxis],
            steps=protocol.steps,
            grad_tol=protocol.grad_tol,
            batch_size=protocol.batch_size,
            seed=list(protocol.seeds) if protocol.seeds else 0,
            engine=engine,
        )
        assert isinstance(batch, TrajectoryBatch) and batch.losses is not None
        steps = finish_steps(
            batch.losses, batch.status == "converged", batch.stop_step, best, protocol.gap
        )
        finish.append(_trials_last(steps, protocol))
        losses.append(_trials_last(batch.final_losses, protocol))
        diverged.append(_trials_last(batch.status == "diverged", protocol))
        del batch  # only the finish steps and final losses outlive the call
    return Table(
        optimizer=name,
        knob=knob,
        momenta=values,
        finish=np.stack(finish),
        final_losses=np.stack(losses),
        diverged=np.stack(diverged),
        budget=protocol.steps,
    )


def _trials_last(values: np.ndarray, protocol: Protocol) -> np.ndarray:
    """``(L, S)``, or ``(K seeds, L, S)`` with a seed axis, as ``(L, trials)``: seed-major."""
    if not protocol.seeds:
        return values
    return np.moveaxis(values, 0, 1).reshape(values.shape[1], -1)


@cache
def builtin_tuning() -> TuneResult:
    """The built-in tuning (computed once per process): every optimizer on the Rosenbrock
    function under the default protocol — what the report's "A fair race" and the gallery's
    fair-race figures show."""
    return tune(BUILTIN_LANDSCAPE)
