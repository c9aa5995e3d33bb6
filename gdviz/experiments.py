"""Experiments: named, declarative recipes that figures, scenes and the report all draw from.

An :class:`Experiment` names a landscape, one or more starting points, a list of
:class:`RunConfig` (optimizer + learning rate + hyperparameters + schedule) and the stopping
rules. :meth:`Experiment.run` turns it into trajectories with :func:`gdviz.descent.descend`, so
a video, a figure and a report table showing "seed 000, lr = 0.5" show the same numbers.

The built-ins reproduce every example of the four seed documents. Users add their own in TOML::

    [experiment.my-race]
    title = "Adam vs. momentum on my formula"
    expr = "x**2 + 3*sin(y)"          # or: landscape = "rosenbrock"
    starts = [[-2.0, 1.5]]
    steps = 300
    grad_tol = 1e-6                     # optional; also loss_tol
    # batch_size = 2                    # data landscapes: minibatch SGD (see gdviz.batches)
    # seed = [0, 1, 2]                  # its permutation seed(s); default 0

    [[experiment.my-race.runs]]
    optimizer = "adam"
    lr = 0.05
    params = { betas = [0.9, 0.99] }  # torch.optim's names
    schedule = "exponential:gamma=0.995"
    label = "Adam"

An experiment's name (``my-race``) must match :data:`gdviz.names.SAFE_NAME` — 1 to 64 letters,
digits, ``-`` or ``_``, starting with a letter or digit — because it names files
(``optimizer-paths-my-race.svg``) and report sections. Every number must be a finite float
(a 350-digit integer is refused, not rounded to infinity), and the experiment must fit the
memory budget (:mod:`gdviz.budget`: starts × runs × seeds × steps × variables, 2 GiB by
default).

On a data landscape ``batch_size`` and ``seed`` (one whole number or a list) make every run a
minibatch run under the contract of :mod:`gdviz.batches`; with a list of seeds each (run,
start) has one trajectory per seed (:meth:`ExperimentResult.seed_runs`).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from gdviz.batches import check_batching
from gdviz.budget import BudgetError, check_memory
from gdviz.descent import TrajectoryBatch, descend
from gdviz.landscapes import (
    Landscape,
    from_expression,
    get_landscape,
    landscape_names,
    least_squares_problem,
)
from gdviz.names import check_name, unknown_name_message
from gdviz.trajectory import Trajectory

__all__ = [
    "Experiment",
    "ExperimentError",
    "ExperimentResult",
    "RunConfig",
    "builtin_experiments",
    "get_experiment",
    "load_experiments",
    "race_experiment",
]


class ExperimentError(ValueError):
    """A malformed experiment (file); the message names the key and, for files, the line."""


@dataclass(frozen=True)
class RunConfig:
    """One optimizer configuration inside an experiment.

    ``optimizer`` is a name or preset of :mod:`gdviz.optimizers` (``"gd"``, ``"momentum"``,
    ``"adam"``...), ``params`` its torch hyperparameters, ``schedule`` a schedule text
    (``"exponential:gamma=0.99"``) or ``None``.
    """

    optimizer: str
    lr: float
    params: dict[str, Any] = field(default_factory=dict)
    schedule: str | None = None
    label: str | None = None

    def make_optimizer(self):
        """The run's :class:`~gdviz.optimizers.Optimizer` (its name and hyperparameters)."""
        from gdviz.optimizers import make_optimizer

        return make_optimizer(self.optimizer, **self.params)

    def make_schedule(self):
        """The run's :class:`~gdviz.schedules.Schedule`, or ``None`` for a constant rate."""
        from gdviz.schedules import parse_schedule

        return parse_schedule(self.schedule) if self.schedule else None

    @property
    def display_name(self) -> str:
        """The label if given, else the optimizer's display name from the shared style."""
        from gdviz.style import optimizer_label

        return self.label or optimizer_label(self.optimizer)


@dataclass(frozen=True)
class Experiment:
    """A named recipe: landscape × starts × runs, plus stopping rules."""

    name: str
    title: str
    landscape: str
    starts: tuple[tuple[float, ...], ...]
    runs: tuple[RunConfig, ...]
    steps: int
    grad_tol: float = 0.0
    loss_tol: float = 0.0
    description: str = ""
    source: str = "gdviz"
    expression: bool = False
    batch_size: int | None = None
    seed: int | tuple[int, ...] = 0

    @property
    def seeds(self) -> tuple[int, ...]:
        """The minibatch seeds (one, unless ``seed`` is a tuple)."""
        return self.seed if isinstance(self.seed, tuple) else (self.seed,)

    @cached_property
    def surface(self) -> Landscape:
        """The :class:`~gdviz.landscapes.Landscape` this experiment runs on."""
        if self.expression:
            return from_expression(self.landscape)
        return get_landscape(self.landscape)

    def validate(self) -> Experiment:
        """Build every optimizer, schedule and the landscape once, and check the starts (the
        right number of coordinates; a finite loss and gradient, by :func:`descend`'s own
        check, run for zero steps); raise on the first problem."""
        try:
            surface = self.surface
            for run in self.runs:
                run.make_optimizer()
                run.make_schedule()
            for start in self.starts:
                if len(start) != surface.dim:
                    raise ValueError(
                        f"start {list(start)} has {len(start)} coordinate(s), "
                        f"{surface.name} needs {surface.dim}"
                    )
            for start in self.starts:
                try:
                    descend(
                        surface,
                        self.runs[0].make_optimizer(),
                        start,
                        lr=0.0,
                        steps=0,
                        batch_size=self.batch_size,
                        seed=self.seed,
                    )
                except ValueError as error:
                    raise ValueError(f"start {list(start)}: {error}") from None
        except ValueError as error:
            raise ExperimentError(f"experiment '{self.name}': {error}") from None
        return self

    def check_budget(self) -> int:
        """The memory its paths need (:func:`gdviz.budget.check_memory`), in bytes.

        Raises
        ------
        BudgetError
            If that is over the budget.
        """
        return check_memory(
            f"experiment '{self.name}'",
            starts=len(self.starts),
            runs=len(self.runs),
            steps=self.steps,
            variables=self.surface.dim,
            seeds=len(self.seeds),
            stochastic=self.batch_size is not None,
            samples=self._samples_per_step(),
            remedy="use fewer steps, starts, runs or seeds"
            if len(self.seeds) > 1
            else "use fewer steps, starts or runs",
        )

    def _samples_per_step(self) -> int:
        """A minibatch run's samples per step (0 for full batch or a landscape without data)."""
        data = self.surface.data
        if self.batch_size is None or data is None or self.batch_size >= data.n:
            return 0
        return self.batch_size

    def run(self) -> ExperimentResult:
        """Descend once per (run, start); all starts of a run go through one batched call.

        Raises
        ------
        BudgetError
            If keeping every step would not fit the memory budget (checked before any run).
        """
        surface = self.surface
        self.check_budget()
        trajectories: dict[tuple[int, int], Trajectory] = {}
        seeded: dict[tuple[int, int], tuple[Trajectory, ...]] = {}
        for r, config in enumerate(self.runs):
            batch = descend(
                surface,
                config.make_optimizer(),
                np.array(self.starts, dtype=np.float64),
                lr=config.lr,
                steps=self.steps,
                schedule=config.make_schedule(),
                grad_tol=self.grad_tol,
                loss_tol=self.loss_tol,
                batch_size=self.batch_size,
                seed=self.seed,
            )
            assert isinstance(batch, TrajectoryBatch)
            for s in range(len(self.starts)):
                if isinstance(self.seed, tuple):
                    seeded[r, s] = tuple(batch[k, s] for k in range(len(self.seed)))
                    trajectories[r, s] = seeded[r, s][0]
                else:
                    trajectories[r, s] = batch[s]
                    seeded[r, s] = (trajectories[r, s],)
        return ExperimentResult(self, trajectories, seeded)

    def fingerprint(self) -> str:
        """Every field's ``repr`` in order: equal exactly for equal experiments (a cache key)."""
        return repr(tuple((f.name, getattr(self, f.name)) for f in fields(self)))

    def __repr__(self) -> str:
        from gdviz.notebook.display import experiment_repr

        return experiment_repr(self)

    def _repr_html_(self) -> str:
        from gdviz.notebook.display import experiment_html

        return experiment_html(self)


@dataclass(frozen=True)
class ExperimentResult:
    """The trajectories of an experiment, keyed by ``(run index, start index)``.

    ``trajectories`` holds the first seed's run; ``seeded`` every seed's (one for a single
    seed), in the order of :attr:`Experiment.seeds`.
    """

    experiment: Experiment
    trajectories: dict[tuple[int, int], Trajectory]
    seeded: dict[tuple[int, int], tuple[Trajectory, ...]] = field(default_factory=dict)

    def seed_runs(self, run: int = 0, start: int = 0) -> tuple[Trajectory, ...]:
        """The trajectories of run ``run`` from start ``start``, one per seed."""
        return self.seeded.get((run, start)) or (self.trajectories[run, start],)

    def items(self) -> list[tuple[RunConfig, int, Trajectory]]:
        """``(run, start index, trajectory)`` in run order, then start order."""
        return [
            (self.experiment.runs[r], s, self.trajectories[r, s])
            for r in range(len(self.experiment.runs))
            for s in range(len(self.experiment.starts))
        ]

    def by_run(self, start: int = 0) -> list[tuple[RunConfig, Trajectory]]:
        """One trajectory per run, all from start ``start``."""
        return [(run, self.trajectories[r, start]) for r, run in enumerate(self.experiment.runs)]

    def __repr__(self) -> str:
        from gdviz.notebook.display import result_repr

        return result_repr(self)

    def _repr_html_(self) -> str:
        from gdviz.notebook.display import result_html

        return result_html(self)


# --------------------------------------------------------------------------------------------
# Built-ins: every example of the seed documents
# --------------------------------------------------------------------------------------------

#: The four optimizers of seed 003's race.
RACE_OPTIMIZERS = ("sgd", "momentum", "rmsprop", "adam")
#: Seed 003 gives RMSprop's decay as β = 0.9 (torch's default alpha is 0.99).
_SEED003_PARAMS: dict[str, dict[str, Any]] = {"rmsprop": {"alpha": 0.9}}


def race_experiment(landscape: str | Landscape) -> Experiment:
    """Seed 003's race (SGD, Momentum, RMSprop, Adam) on a 2-D landscape, from its defaults.

    The start, the steps and each optimizer's learning rate are the landscape's declared ones
    (:mod:`gdviz.landscapes.catalogue`); the gradient-norm tolerance is 10⁻⁶.

    Raises
    ------
    ValueError
        For a landscape that is not 2-D or declares no start or learning rates.
    """
    surface = get_landscape(landscape) if isinstance(landscape, str) else landscape
    if surface.dim != 2 or not surface.starts:
        raise ValueError(f"landscape '{surface.name}' is not a 2-D landscape with a start")
    missing = [name for name in RACE_OPTIMIZERS if name not in surface.lrs]
    if missing:
        raise ValueError(f"landscape '{surface.name}' declares no learning rate for {missing[0]}")
    return Experiment(
        name=f"race-{surface.name}",
        title=f"SGD, Momentum, RMSprop and Adam on the {surface.title.lower()}",
        landscape=surface.name,
        starts=(surface.starts[0],),
        runs=tuple(
            RunConfig(name, surface.lrs[name], dict(_SEED003_PARAMS.get(name, {})))
            for name in RACE_OPTIMIZERS
        ),
        steps=surface.steps,
        grad_tol=1e-6,
        description=surface.description,
        source="seed 003" if surface.race else "gdviz",
    )


def _builtins() -> list[Experiment]:
    regression_runs = (
        RunConfig("gd", 0.01, label="lr 0.01"),
        RunConfig("gd", 0.5, label="lr 0.5 (too high)"),
        RunConfig("gd", 0.1, schedule="exponential:gamma=0.99", label="lr 0.1, ×0.99 decay"),
    )
    experiments = [
        Experiment(
            name="linear-regression",
            title="Linear regression: fixed, too-high and decayed learning rates",
            landscape="linear-regression",
            starts=((0.5, 0.0),),
            runs=regression_runs,
            steps=200,
            description="Fit y = w·x + b to five points for 200 epochs from w = 0.5, b = 0.",
            source="seed 000",
        ),
        Experiment(
            name="minibatch-noise",
            title="Minibatch SGD on the line fit: a constant and a decaying rate",
            landscape="linear-regression",
            starts=((0.5, 0.0),),
            runs=(
                RunConfig("sgd", 0.04, label="constant 0.04"),
                RunConfig(
                    "sgd",
                    0.04,
                    schedule="inverse-time:decay_rate=1,decay_steps=150",
                    label="0.04/(1 + k/150)",
                ),
            ),
            steps=600,
            grad_tol=0.0,
            loss_tol=0.0,
            batch_size=1,
            seed=(0, 1, 2, 3, 4, 5),
            description="One point per step (batch size 1, six shuffling seeds) for 120 epochs "
            "from w = 0.5, b = 0: a constant rate hovers at a noise floor, a Robbins–Monro "
            "decay settles.",
            source="issue 10",
        ),
        Experiment(
            name="descent-path",
            title="Gradient descent on f(x) = x² + 4x + 9",
            landscape="shifted-parabola",
            starts=((8.0,),),
            runs=(RunConfig("gd", 0.1),),
            steps=15,
            description="Each step moves against the slope f'(x) = 2x + 4.",
            source="seed 001",
        ),
        Experiment(
            name="learning-rates",
            title="The learning rate on f(x) = x², from x = 3",
            landscape="parabola",
            starts=((3.0,),),
            runs=tuple(RunConfig("gd", lr) for lr in (0.01, 0.1, 0.9, 1.1)),
            steps=10,
            description="Too small crawls, right converges, too large oscillates, larger diverges.",
            source="seed 001",
        ),
        Experiment(
            name="local-minima",
            title="Two starts, two valleys on f(x) = x·cos x",
            landscape="xcosx",
            starts=((-2.0,), (1.0,)),
            runs=(RunConfig("gd", 0.1),),
            steps=50,
            description="Gradient descent settles in the valley nearest its start.",
            source="seed 001",
        ),
        Experiment(
            name="least-squares",
            title="Batch gradient descent on a 3-feature linear regression",
            landscape="least-squares",
            starts=(tuple(float(v) for v in least_squares_problem().start),),
            runs=(RunConfig("gd", 0.1),),
            steps=1000,
            grad_tol=1e-6,
            description="100 seeded samples, θ* = (2, −1, 0.5); stops when ‖∇L‖ < 10⁻⁶.",
            source="seed 002",
        ),
        Experiment(
            name="momentum",
            title="Momentum on the elongated valley",
            landscape="valley",
            starts=((-2.6, 1.4),),
            runs=tuple(
                RunConfig("sgd", 0.01, {"momentum": m}, label=f"momentum {m}")
                for m in (0.0, 0.5, 0.9, 0.99)
            ),
            steps=150,
            grad_tol=1e-6,
            description="Momentum accumulates velocity along the valley floor.",
            source="seed 003",
        ),
        Experiment(
            name="saddle",
            title="Plain GD stalls at a saddle; momentum escapes",
            landscape="saddle",
            starts=((-1.8, 1e-4),),
            runs=(RunConfig("gd", 0.05), RunConfig("momentum", 0.05)),
            steps=120,
            description="Starting almost on the ridge line, the gradient along y is tiny.",
            source="seed 002",
        ),
        *noise_experiments(),
    ]
    network = get_landscape("mlp-moons")
    experiments.append(
        Experiment(
            name="mlp-moons",
            title="Four optimizers train a tanh network on two moons",
            landscape="mlp-moons",
            starts=(network.starts[0],),
            runs=tuple(RunConfig(name, network.lrs[name]) for name in RACE_OPTIMIZERS),
            steps=network.steps,
            grad_tol=1e-6,
            description="A 2→8→1 tanh network (33 parameters) from torch's initialisation "
            "under seed 0, full-batch mean binary cross-entropy on 100 points.",
            source="gdviz",
        )
    )
    experiments += [race_experiment(name) for name in landscape_names() if get_landscape(name).race]
    return experiments


#: The inverse-time (Robbins–Monro) decay of ``noise-floor``: η_k = η₀ / (1 + k/50).
ROBBINS_MONRO = "inverse-time:decay_rate=1,decay_steps=50"


def noise_experiments() -> list[Experiment]:
    """The minibatch experiments (seed 003: batch size "affects gradient noise"): SGD's fan
    of seeds on logistic regression, and the noise floor of a constant rate on seed 002's least
    squares against a Robbins–Monro decay (Σ η_k = ∞, Σ η_k² < ∞)."""
    return [
        Experiment(
            name="noise-fan",
            title="Minibatch SGD: a fan of 24 seeds around the full-batch path",
            landscape="logistic-regression",
            starts=((-2.0, 3.0),),
            runs=(RunConfig("sgd", 1.0, label="SGD, 3 samples per step"),),
            steps=150,
            description="Logistic regression on 30 points; each step averages the gradient "
            "of 3 of them, drawn by the seed's permutations (10 steps per epoch).",
            source="seed 003",
            batch_size=3,
            seed=tuple(range(24)),
        ),
        Experiment(
            name="noise-floor",
            title="The noise floor: constant against decaying learning rate",
            landscape="least-squares",
            starts=(tuple(float(v) for v in least_squares_problem().start),),
            runs=(
                RunConfig("sgd", 0.2, label="constant η = 0.2"),
                RunConfig("sgd", 0.2, schedule=ROBBINS_MONRO, label="η = 0.2 / (1 + k/50)"),
            ),
            steps=2000,
            description="Seed 002's least squares (100 samples), 5 samples per step, "
            "16 seeds per learning-rate recipe.",
            source="seed 002",
            batch_size=5,
            seed=tuple(range(16)),
        ),
    ]


def builtin_experiments() -> dict[str, Experiment]:
    """Every built-in experiment by name."""
    return {experiment.name: experiment for experiment in _builtins()}


def get_experiment(name: str, extra: dict[str, Experiment] | None = None) -> Experiment:
    """Look up an experiment among the built-ins and ``extra`` (a user's file)."""
    catalogue = {**builtin_experiments(), **(extra or {})}
    if name not in catalogue:
        raise ExperimentError(unknown_name_message("experiment", name, list(catalogue)))
    return catalogue[name]


# --------------------------------------------------------------------------------------------
# TOML
# --------------------------------------------------------------------------------------------

_EXPERIMENT_KEYS = {
    "title",
    "landscape",
    "expr",
    "starts",
    "steps",
    "grad_tol",
    "loss_tol",
    "description",
    "runs",
    "batch_size",
    "seed",
}
_RUN_KEYS = {"optimizer", "lr", "params", "schedule", "label"}
_MAX_STEPS = 1_000_000


def load_experiments(path: str | Path) -> dict[str, Experiment]:
    """Read user experiments from a TOML file (see the module docstring for the format).

    Raises
    ------
    ExperimentError
        One line naming the file, the line and the key at fault.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ExperimentError(f"cannot read {path}: {error}") from None
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ExperimentError(f"{path}: invalid TOML: {error}") from None
    locate = _Locator(path, text)
    unknown = set(document) - {"experiment"}
    if unknown:
        key = sorted(unknown)[0]
        raise ExperimentError(
            locate(key, None, f"unknown top-level key '{key}' (use [experiment.NAME])")
        )
    tables = document.get("experiment")
    if not isinstance(tables, dict) or not tables:
        raise ExperimentError(f"{path}: no experiments found (add an [experiment.NAME] table)")
    experiments = {}
    for name, table in tables.items():
        try:
            check_name("experiment", name)
        except ValueError as error:
            raise ExperimentError(locate(None, name, str(error))) from None
        experiment = _parse_experiment(name, table, locate)
        try:  # the budget first: validating the starts already runs the core
            experiment.check_budget()
        except BudgetError as error:
            raise ExperimentError(locate("steps", name, str(error))) from None
        except ValueError:
            pass  # a bad landscape: validate() says which
        try:
            experiment.validate()
        except ExperimentError as error:
            raise ExperimentError(locate(None, name, str(error))) from None
        experiments[name] = experiment
    return experiments


class _Locator:
    """Formats ``file:line: message`` by finding a key's line in the raw TOML text."""

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.lines = text.splitlines()

    def line_of(self, key: str | None, table: str | None) -> int | None:
        start = 0
        if table is not None:
            for i, line in enumerate(self.lines):
                if self._table_of(line) == table:
                    start = i
                    break
            if key is None:
                return start + 1
        if key is None:
            return None
        pattern = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=|[{{,]\s*{re.escape(key)}\s*=")
        for i in range(start, len(self.lines)):
            if pattern.search(self.lines[i]):
                return i + 1
        return start + 1 if table is not None else None

    @staticmethod
    def _table_of(line: str) -> str | None:
        """The experiment a ``[experiment.NAME...]`` header line opens (TOML decodes the name,
        escapes and quotes included), else ``None``."""
        if not line.lstrip().startswith("["):
            return None
        try:
            tables = tomllib.loads(line + "\n").get("experiment")
        except tomllib.TOMLDecodeError:
            return None
        return next(iter(tables)) if isinstance(tables, dict) and len(tables) == 1 else None

    def __call__(self, key: str | None, table: str | None, message: str) -> str:
        line = self.line_of(key, table)
        where = f"{self.path}:{line}" if line else str(self.path)
        return f"{where}: {message}"


def _parse_experiment(name: str, table: Any, locate: _Locator) -> Experiment:
    def fail(key: str | None, message: str) -> ExperimentError:
        return ExperimentError(locate(key, name, f"experiment '{name}': {message}"))

    landscape = _parse_head(table, fail)
    starts = _parse_starts(table.get("starts"), fail)
    steps = table.get("steps", 100)
    if not isinstance(steps, int) or isinstance(steps, bool) or not 0 <= steps <= _MAX_STEPS:
        raise fail("steps", f"'steps' must be a whole number from 0 to {_MAX_STEPS}")
    tolerances = {}
    for key in ("grad_tol", "loss_tol"):
        value = table.get(key, 0.0)
        if not _is_number(value) or float(value) < 0:
            raise fail(key, f"'{key}' must be a finite number ≥ 0")
        tolerances[key] = float(value)
    seed = table.get("seed", 0)
    try:
        batch_size, seeds = check_batching(table.get("batch_size"), seed)
    except ValueError as error:
        raise fail("batch_size" if "batch_size" in str(error) else "seed", str(error)) from None
    if "seed" in table and batch_size is None:
        raise fail("seed", "'seed' needs 'batch_size' (minibatch seeds)")
    runs_table = table.get("runs")
    if not isinstance(runs_table, list) or not runs_table:
        raise fail(None, f"needs at least one [[experiment.{name}.runs]] table")
    return Experiment(
        name=name,
        title=str(table.get("title", name)),
        landscape=landscape,
        starts=starts,
        runs=tuple(_parse_run(run, fail) for run in runs_table),
        steps=steps,
        description=str(table.get("description", "")),
        source="user",
        expression="expr" in table,
        batch_size=batch_size,
        seed=seeds if isinstance(seed, list) else seeds[0],
        **tolerances,
    )


_Fail = Callable[[str | None, str], ExperimentError]


def _parse_head(table: Any, fail: _Fail) -> str:
    """Check an experiment table's keys and strings; return its landscape name or formula."""
    if not isinstance(table, dict):
        raise fail(None, "must be a table")
    unknown = sorted(set(table) - _EXPERIMENT_KEYS)
    if unknown:
        raise fail(unknown[0], unknown_name_message("key", unknown[0], sorted(_EXPERIMENT_KEYS)))
    if ("landscape" in table) == ("expr" in table):
        raise fail(None, "give exactly one of 'landscape' or 'expr'")
    landscape = table.get("landscape", table.get("expr"))
    if not isinstance(landscape, str):
        raise fail("landscape" if "landscape" in table else "expr", "must be a string")
    for key in ("title", "description"):
        if key in table and not isinstance(table[key], str):
            raise fail(key, f"'{key}' must be a string")
    return landscape


def _parse_starts(starts: Any, fail: _Fail) -> tuple[tuple[float, ...], ...]:
    """``starts``: a non-empty list of non-empty points of finite numbers."""
    if (
        not isinstance(starts, list)
        or not starts
        or not all(isinstance(s, list) and s and all(_is_number(v) for v in s) for s in starts)
    ):
        raise fail(
            "starts", "'starts' must be a list of points of finite numbers, e.g. [[-1.5, 2.0]]"
        )
    return tuple(tuple(float(v) for v in s) for s in starts)


def _parse_run(run: Any, fail: _Fail) -> RunConfig:
    """One ``[[experiment.NAME.runs]]`` table."""
    if not isinstance(run, dict):
        raise fail("runs", "each run must be a table")
    unknown = sorted(set(run) - _RUN_KEYS)
    if unknown:
        raise fail(unknown[0], unknown_name_message("run key", unknown[0], sorted(_RUN_KEYS)))
    if not isinstance(run.get("optimizer"), str):
        raise fail("optimizer", 'each run needs optimizer = "NAME"')
    if not _is_number(run.get("lr")):
        raise fail("lr", "each run needs a finite numeric lr")
    params = run.get("params", {})
    if not isinstance(params, dict):
        raise fail("params", "'params' must be a table, e.g. { momentum = 0.9 }")
    for key, value in params.items():
        if not _is_parameter(value):
            raise fail(key, f"'params.{key}' must be a finite number, a boolean or a list")
    params = {k: tuple(v) if isinstance(v, list) else v for k, v in params.items()}
    schedule = run.get("schedule")
    if schedule is not None and not isinstance(schedule, str):
        raise fail("schedule", "'schedule' must be a string like \"exponential:gamma=0.99\"")
    label = run.get("label")
    if label is not None and not isinstance(label, str):
        raise fail("label", "'label' must be a string")
    return RunConfig(run["optimizer"], float(run["lr"]), params, schedule, label)


def _is_number(value: object) -> bool:
    """A TOML integer or float that is a finite float64 (a 350-digit integer is not)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    try:
        return bool(np.isfinite(float(value)))
    except OverflowError:
        return False


def _is_parameter(value: object) -> bool:
    """A hyperparameter value: a finite number, a boolean, a string or a list of those."""
    if isinstance(value, list):
        return all(_is_parameter(item) for item in value)
    return isinstance(value, bool | str) or _is_number(value)
