"""The blog-figure gallery: named matplotlib figures drawn from gdviz's own runs.

>>> from gdviz.figures import FIGURES, make_figure, render_figures
>>> figure = make_figure("optimizer-paths", theme="dark")  # a Figure; Jupyter shows it
>>> render_figures(["basins"], output_dir="out", formats=("svg",))   # [Path('out/basins.svg')]

Each gallery entry is a :class:`FigureSpec` in :data:`FIGURES`. Every figure has its
``make_*`` function (returns a :class:`~matplotlib.figure.Figure`) and ``plot_*`` helpers that
draw on a given Axes and return their artists, in the modules of this package:
:mod:`~gdviz.figures.curves` (1-D), :mod:`~gdviz.figures.regression`,
:mod:`~gdviz.figures.contours` (2-D paths, losses, 3-D surface),
:mod:`~gdviz.figures.sweeps` (learning-rate sweep, stability, basins),
:mod:`~gdviz.figures.schedule_plots`, :mod:`~gdviz.figures.pitfalls`,
:mod:`~gdviz.figures.noise` (minibatch noise), :mod:`~gdviz.figures.fair_race` (the tuned
race, :mod:`gdviz.tuning`) and :mod:`~gdviz.figures.network` (a network's loss on a 2-D
slice of its parameters).

User experiments (a TOML file, :func:`gdviz.experiments.load_experiments`) get the gallery
figures that apply to them, named ``<figure>-<experiment>`` (:func:`user_figures`).
"""

from __future__ import annotations

import contextlib
import inspect
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from matplotlib.figure import Figure

from gdviz import temporaries
from gdviz.atomic import OutputError, atomic_path, check_writable_dir, inspect_target, output_path
from gdviz.experiments import Experiment
from gdviz.figures import (
    contours,
    curves,
    fair_race,
    network,
    noise,
    pitfalls,
    regression,
    schedule_plots,
    sweeps,
)
from gdviz.figures._base import FORMATS, check_layout, save_figure, theme_of
from gdviz.keyed import Keyed
from gdviz.names import did_you_mean, unknown_name_message

__all__ = [
    "DPI_RANGE",
    "FIGURES",
    "FORMATS",
    "FigureError",
    "FigureSpec",
    "available_figures",
    "check_outputs",
    "check_request",
    "figure_names",
    "make_figure",
    "prepare_output",
    "render_figures",
    "user_figures",
]

#: Accepted resolutions, dots per inch.
DPI_RANGE = (20, 600)


class FigureError(ValueError):
    """Bad input to the gallery (unknown figure, format, theme, dpi; unwritable directory).

    ``param`` names what was wrong: ``"name"``, ``"format"``, ``"theme"``, ``"dpi"``,
    ``"output"`` or ``"config"``.
    """

    def __init__(self, message: str, param: str = "name") -> None:
        super().__init__(message)
        self.param = param


def _always(experiment: Experiment) -> bool:
    return True


def _one_d(experiment: Experiment) -> bool:
    return experiment.surface.dim == 1


def _two_d(experiment: Experiment) -> bool:
    return experiment.surface.dim == 2


def _full_batch(experiment: Experiment) -> bool:
    """The sweeps run full batch: they do not stand for a minibatch experiment."""
    return experiment.batch_size is None


def _sweepable(experiment: Experiment) -> bool:
    return _full_batch(experiment) and experiment.steps * sweeps.SWEEP_COUNT <= 2_000_000


def _network(experiment: Experiment) -> bool:
    return bool(experiment.surface.tensors) and experiment.surface.data is not None


def _stable_2d(experiment: Experiment) -> bool:
    return _full_batch(experiment) and _two_d(experiment) and bool(experiment.surface.minima)


@dataclass(frozen=True)
class FigureSpec:
    """A named figure of the gallery.

    ``make(theme, experiments)`` builds it (for ``experiments``, when given and it applies to
    them); ``caption`` describes it with numbers taken from its runs. A spec made for one user
    experiment by :func:`user_figures` has ``experiment`` set and draws that one by default.
    """

    name: str
    title: str
    maker: Callable[..., Figure]
    captioner: Callable[..., str]
    applies: Callable[[Experiment], bool] | None = None
    experiment: Experiment | None = None

    def make(
        self,
        theme: str = "light",
        experiments: Experiment | Sequence[Experiment] | Mapping[str, Experiment] | None = None,
        layout: str = "wide",
    ) -> Figure:
        """Build the figure as a :class:`~matplotlib.figure.Figure` in ``theme``;
        ``layout="narrow"`` is the one-column arrangement of a multi-panel figure
        (:attr:`narrow`)."""
        theme_of(theme)
        chosen = experiments if experiments is not None else self.experiment
        if check_layout(layout):
            if not self.narrow:
                raise ValueError(f"figure '{self.name}' has no narrow layout")
            return self.maker(theme=theme, experiments=chosen, layout=layout)
        return self.maker(theme=theme, experiments=chosen)

    @property
    def narrow(self) -> bool:
        """Whether the figure has a narrow (one column, phone) arrangement."""
        return "layout" in inspect.signature(self.maker).parameters

    @property
    def caption(self) -> str:
        """A one-paragraph caption; its numbers come from the runs (computed once, cached)."""
        fingerprint = self.experiment.fingerprint() if self.experiment else ""
        return _caption(Keyed((self.name, fingerprint), self))

    def for_experiment(self, experiment: Experiment) -> FigureSpec:
        """The figure drawn for one (user) experiment, named ``<figure>-<experiment>``."""
        return FigureSpec(
            name=f"{self.name}-{experiment.name}",
            title=f"{self.title}: {experiment.title}",
            maker=self.maker,
            captioner=self.captioner,
            applies=None,
            experiment=experiment,
        )


@cache
def _caption(spec: Keyed[FigureSpec]) -> str:
    """A figure's caption, once per figure and experiment (keyed by the spec's name too)."""
    figure = spec.value
    return figure.captioner(figure.experiment) if figure.experiment else figure.captioner()


def _spec(
    name: str,
    title: str,
    maker: Callable[..., Figure],
    captioner: Callable[..., str],
    applies: Callable[[Experiment], bool] | None = None,
) -> tuple[str, FigureSpec]:
    return name, FigureSpec(name, title, maker, captioner, applies)


#: The gallery, in reading order.
FIGURES: dict[str, FigureSpec] = dict(
    [
        _spec(
            "descent-path",
            "Descent on a curve, step by step",
            curves.make_descent_path,
            curves.descent_path_caption,
            _one_d,
        ),
        _spec(
            "learning-rates",
            "Four learning rates on x²",
            curves.make_learning_rates,
            curves.learning_rates_caption,
        ),
        _spec(
            "local-minima",
            "Two starts, two minima",
            curves.make_local_minima,
            curves.local_minima_caption,
        ),
        _spec(
            "linear-regression",
            "Linear regression: loss and fitted lines",
            regression.make_linear_regression,
            regression.linear_regression_caption,
        ),
        _spec(
            "optimizer-paths",
            "Optimizer paths on five landscapes",
            contours.make_optimizer_paths,
            contours.optimizer_paths_caption,
            _two_d,
        ),
        _spec(
            "loss-curves",
            "Loss per step",
            contours.make_loss_curves,
            contours.loss_curves_caption,
            _always,
        ),
        _spec(
            "surface-3d",
            "A descent on the 3-D surface",
            contours.make_surface_3d,
            contours.surface_3d_caption,
            _two_d,
        ),
        _spec(
            "lr-sweep",
            "Final loss against learning rate",
            sweeps.make_lr_sweep,
            sweeps.lr_sweep_caption,
            _sweepable,
        ),
        _spec(
            "basins",
            "Basins of attraction on Himmelblau",
            sweeps.make_basins,
            sweeps.basins_caption,
        ),
        _spec(
            "momentum",
            "Momentum on the elongated valley",
            contours.make_momentum,
            contours.momentum_caption,
        ),
        _spec(
            "schedules",
            "Learning-rate schedules",
            schedule_plots.make_schedules,
            schedule_plots.schedules_caption,
        ),
        _spec(
            "pitfalls",
            "Pitfalls of gradient descent",
            pitfalls.make_pitfalls,
            pitfalls.pitfalls_caption,
        ),
        _spec(
            "stability",
            "The largest stable learning rate",
            sweeps.make_stability,
            sweeps.stability_caption,
            _stable_2d,
        ),
        _spec(
            "noise-fan",
            "Minibatch SGD: a fan of seeds around the full-batch path",
            noise.make_noise_fan,
            noise.noise_fan_caption,
            noise.fan_applies,
        ),
        _spec(
            "noise-floor",
            "The noise floor: constant against decaying learning rate",
            noise.make_noise_floor,
            noise.noise_floor_caption,
            noise.floor_applies,
        ),
        _spec(
            "tune-success",
            "A fair race: how many starts finish at each learning rate",
            fair_race.make_tune_success,
            fair_race.tune_success_caption,
        ),
        _spec(
            "tune-sensitivity",
            "A fair race: finish step against the learning rate",
            fair_race.make_tune_sensitivity,
            fair_race.tune_sensitivity_caption,
        ),
        _spec(
            "network-slice",
            "A network's loss on a 2-D slice, with its paths",
            network.make_network_slice,
            network.network_slice_caption,
            _network,
        ),
    ]
)


def user_figures(
    experiments: Mapping[str, Experiment] | Iterable[Experiment],
) -> dict[str, FigureSpec]:
    """The gallery figures that apply to each experiment, named ``<figure>-<experiment>``."""
    chosen = experiments.values() if isinstance(experiments, Mapping) else experiments
    result: dict[str, FigureSpec] = {}
    for experiment in chosen:
        for spec in FIGURES.values():
            if spec.applies is not None and spec.applies(experiment):
                derived = spec.for_experiment(experiment)
                result[derived.name] = derived
    return result


def available_figures(
    experiments: Mapping[str, Experiment] | Iterable[Experiment] | None = None,
) -> dict[str, FigureSpec]:
    """The gallery plus, for ``experiments``, their own figures."""
    return {**FIGURES, **(user_figures(experiments) if experiments else {})}


def figure_names() -> list[str]:
    """The gallery's figure names, in order."""
    return list(FIGURES)


def _lookup(name: str, catalogue: Mapping[str, FigureSpec]) -> FigureSpec:
    if name in catalogue:
        return catalogue[name]
    hint = did_you_mean(name, catalogue) or " (`gdviz figures --list` lists them)"
    raise FigureError(f"unknown figure '{name}'{hint}")


def make_figure(
    name: str,
    theme: str = "light",
    experiments: Mapping[str, Experiment] | Iterable[Experiment] | None = None,
) -> Figure:
    """Build the figure ``name`` (a gallery name, or ``<figure>-<experiment>`` for one of
    ``experiments``) as a :class:`~matplotlib.figure.Figure`."""
    try:
        theme_of(theme)
    except ValueError as error:
        raise FigureError(str(error), "theme") from None
    return _lookup(name, available_figures(experiments)).make(theme)


def check_request(
    names: Sequence[str] | None,
    formats: Sequence[str],
    theme: str,
    dpi: int,
    experiments: Mapping[str, Experiment] | Iterable[Experiment] | None = None,
) -> list[FigureSpec]:
    """Validate a render request before any work; returns the figures to draw.

    Without ``names``: the whole gallery, or, when ``experiments`` are given, their figures.

    Raises
    ------
    FigureError
        One line naming the first problem.
    """
    catalogue = available_figures(experiments)
    if not names:
        specs = list(user_figures(experiments).values()) if experiments else list(FIGURES.values())
        if not specs:
            raise FigureError("no gallery figure applies to the experiments in the file", "config")
    else:
        specs = [_lookup(name, catalogue) for name in dict.fromkeys(names)]
    if not formats:
        raise FigureError(f"give at least one format ({', '.join(FORMATS)})", "format")
    for fmt in formats:
        if fmt not in FORMATS:
            raise FigureError(unknown_name_message("format", fmt, FORMATS), "format")
    try:
        theme_of(theme)
    except ValueError as error:
        raise FigureError(str(error), "theme") from None
    if isinstance(dpi, bool) or not isinstance(dpi, int) or not DPI_RANGE[0] <= dpi <= DPI_RANGE[1]:
        low, high = DPI_RANGE
        raise FigureError(f"dpi must be a whole number from {low} to {high}, got {dpi!r}", "dpi")
    return specs


def prepare_output(output_dir: str | Path) -> Path:
    """Create ``output_dir`` if needed and check it can be written.

    Raises
    ------
    FigureError
        (``param="output"``) if it is a file, lies under a file, or is not writable.
    """
    try:
        return check_writable_dir(output_dir)
    except OSError as error:
        if error.strerror:
            reason = error.strerror
        elif isinstance(error, NotADirectoryError):
            reason = "it is a file, not a directory"
        else:
            reason = "the directory is not writable"
        raise FigureError(f"cannot write to {output_dir}: {reason}", "output") from None


def render_figures(
    names: Sequence[str] | None = None,
    output_dir: str | Path = "build/figures",
    formats: Sequence[str] = ("png", "svg"),
    theme: str = "light",
    dpi: int = 150,
    experiments: Mapping[str, Experiment] | Iterable[Experiment] | None = None,
    progress: Callable[[str, float], None] | None = None,
    layout: str = "wide",
) -> list[Path]:
    """Write figures to ``<output_dir>/<name>.<fmt>``; returns the paths written.

    ``layout="narrow"`` draws the one-column (phone) arrangement of figures that have one
    (:attr:`FigureSpec.narrow`); asking it of another figure raises :class:`FigureError`.

    Everything is validated first (:func:`check_request`, then the directory and every file
    it will write: :func:`gdviz.atomic.inspect_target`). Every file is rendered to a temporary
    sibling and all are moved into place only once every figure has been drawn, so a failure
    leaves no partial file and the previous outputs intact; the temporaries of an earlier,
    killed build are swept away first (:func:`gdviz.temporaries.sweep`).
    ``progress(name, seconds)`` is called after each figure.

    Raises
    ------
    FigureError
        For a bad request or an output that cannot be written (before any drawing).
    OutputError
        If writing fails later (a full disk).
    """
    formats = tuple(dict.fromkeys(formats))
    specs = check_request(names, formats, theme, dpi, experiments)
    if check_layout(layout):
        wide_only = [spec.name for spec in specs if not spec.narrow]
        if wide_only:
            raise FigureError(f"figure '{wide_only[0]}' has no narrow layout", "name")
    directory = prepare_output(output_dir)
    temporaries.sweep(directory)
    targets = check_outputs(directory, specs, formats)
    written: list[Path] = []
    with contextlib.ExitStack() as stack:
        for spec in specs:
            started = time.perf_counter()
            figure = spec.make(theme, layout=layout)
            for fmt in formats:
                target = targets[spec.name, fmt]
                temporary = stack.enter_context(atomic_path(target))
                save_figure(figure, temporary, fmt, dpi=dpi, theme=theme)
                written.append(target)
            del figure
            if progress is not None:
                progress(spec.name, time.perf_counter() - started)
    return written


def check_outputs(
    directory: Path, specs: Sequence[FigureSpec], formats: Sequence[str]
) -> dict[tuple[str, str], Path]:
    """The file of each figure and format in ``directory``, each checked: inside
    ``directory`` (:func:`gdviz.atomic.output_path`) and writable
    (:func:`gdviz.atomic.inspect_target`).

    Raises
    ------
    FigureError
        (``param="output"``) naming the first file that cannot be written.
    """
    targets = {}
    for spec in specs:
        for fmt in formats:
            try:
                target = output_path(directory, f"{spec.name}.{fmt}")
                inspect_target(target)
            except OutputError as error:
                raise FigureError(str(error), "output") from None
            targets[spec.name, fmt] = target
    return targets
