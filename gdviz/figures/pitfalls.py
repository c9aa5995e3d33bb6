"""``pitfalls``: seed 002's pitfalls of gradient descent, side by side, each shown by a run.

Six panels: a learning rate too high, one too low (seed 001's runs on :math:`x^2`), a local
minimum (:math:`x\\cos x`), the same regression with a raw and with a standardised feature, and a
saddle point where plain GD lingers while momentum leaves.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from gdviz.experiments import Experiment, RunConfig
from gdviz.figures._base import NARROW_WIDTH, check_layout, new_figure, theme_context, theme_of
from gdviz.figures.contours import run_colors
from gdviz.figures.curves import curve_window, plot_minimum
from gdviz.figures.data import (
    ScalingComparison,
    behaviour,
    experiment_result,
    feature_scaling,
    resolve_experiments,
    steps_near,
)
from gdviz.figures.labels import initial_lr, run_label
from gdviz.figures.primitives import (
    mark_minima,
    mark_start,
    plot_curve,
    plot_landscape,
    plot_path,
    plot_path_on_curve,
)
from gdviz.landscapes import Landscape
from gdviz.numbers import format_number
from gdviz.style import Theme, series_color
from gdviz.trajectory import Trajectory

__all__ = [
    "SADDLE_RADIUS",
    "PitfallFacts",
    "make_pitfalls",
    "pitfalls_caption",
    "pitfalls_facts",
    "plot_headline",
]

Experiments = Experiment | Sequence[Experiment] | Mapping[str, Experiment] | None

#: A point counts as "at the saddle" within this distance of it.
SADDLE_RADIUS = 0.25


def plot_headline(
    ax: Axes, headline: str, detail: str, *, theme: str | Theme = "light"
) -> list[Artist]:
    """A bold panel title with one line of detail (from the run) beneath it."""
    theme = theme_of(theme)
    title = ax.set_title(headline, loc="left", pad=10 + 13 * (detail.count("\n") + 1))
    note = ax.annotate(
        detail,
        xy=(0, 1),
        xycoords="axes fraction",
        xytext=(0, 6),
        textcoords="offset points",
        ha="left",
        va="bottom",
        fontsize=10,
        color=theme.muted,
    )
    return [title, note]


def _pick(runs: Sequence[tuple[RunConfig, Trajectory]], minimum: float, kind: str) -> Trajectory:
    for _, trajectory in runs:
        if behaviour(trajectory, minimum) == kind:
            return trajectory
    raise ValueError(f"no run of the learning-rates experiment is {kind}")


@dataclass(frozen=True)
class PitfallFacts:
    """The runs the six panels show (and whose numbers their texts quote)."""

    rates: Experiment
    high: Trajectory
    low: Trajectory
    local: Experiment
    stuck: Trajectory
    deeper: Trajectory
    scaling: ScalingComparison
    saddle: Experiment
    saddle_runs: list[tuple[RunConfig, Trajectory]]
    lingering: list[int]


def pitfalls_facts() -> PitfallFacts:
    """Pick the runs: the diverging and the slow rate of seed 001's study, the start of
    ``local-minima`` that ends higher, the feature-scaling pair, and the saddle runs with how
    many of their points lie within :data:`SADDLE_RADIUS` of the saddle."""
    rates = resolve_experiments(None, ["learning-rates"])[0]
    minimum = rates.surface.minima[0][0]
    rate_runs = experiment_result(rates).by_run()
    local = resolve_experiments(None, ["local-minima"])[0]
    local_runs = [t for _, _, t in experiment_result(local).items()]
    saddle = resolve_experiments(None, ["saddle"])[0]
    saddle_runs = experiment_result(saddle).by_run()
    point = saddle.surface.saddles[0]
    return PitfallFacts(
        rates=rates,
        high=_pick(rate_runs, minimum, "diverges"),
        low=_pick(rate_runs, minimum, "too small"),
        local=local,
        stuck=max(local_runs, key=lambda t: t.final_loss),
        deeper=min(local_runs, key=lambda t: t.final_loss),
        scaling=feature_scaling(),
        saddle=saddle,
        saddle_runs=saddle_runs,
        lingering=[steps_near(t, point, SADDLE_RADIUS) for _, t in saddle_runs],
    )


def _lr(trajectory: Trajectory) -> str:
    return format_number(initial_lr(trajectory))


def _excess(landscape: Landscape, trajectory: Trajectory) -> float:
    return float(trajectory.final_loss - landscape.loss(np.array(landscape.minima[0])))


def pitfalls_caption() -> str:
    """Caption of ``pitfalls``: one sentence per panel, numbers from the runs."""
    f = pitfalls_facts()
    high, low, stuck, deeper, scaling = f.high, f.low, f.stuck, f.deeper, f.scaling
    saddle_text = ", ".join(
        f"{run_label(c, t, lr=False)} {n} of {t.steps + 1}"
        for (c, t), n in zip(f.saddle_runs, f.lingering, strict=True)
    )
    return (
        f"Too high: lr {_lr(high)} takes x from {format_number(high.points[0, 0])} to "
        f"{format_number(high.points[-1, 0])} in {high.steps} steps. "
        f"Too low: lr {_lr(low)} only reaches x = {format_number(low.points[-1, 0])}. "
        f"Local minimum: from x = {format_number(stuck.points[0, 0])} GD stops at f = "
        f"{format_number(stuck.final_loss)} while from x = {format_number(deeper.points[0, 0])} "
        "it reaches "
        f"f = {format_number(deeper.final_loss)}. Feature scaling: at lr "
        f"{format_number(scaling.lr)} for "
        f"{scaling.raw_run.steps} steps, the raw feature "
        f"(κ = {format_number(scaling.condition[0])}) "
        f"leaves an excess loss of {format_number(_excess(scaling.raw, scaling.raw_run))}, the "
        f"standardised one (κ = {format_number(scaling.condition[1])}) "
        f"{format_number(_excess(scaling.scaled, scaling.scaled_run))}. Saddle: points within "
        f"{format_number(SADDLE_RADIUS)} of the saddle: {saddle_text}."
    )


def make_pitfalls(
    theme: str = "light", experiments: Experiments = None, layout: str = "wide"
) -> Figure:
    """``pitfalls``: too-high and too-low rates, a local minimum, raw vs. standardised
    features, a saddle point (``layout`` ``"narrow"``: one column, for phones)."""
    f = pitfalls_facts()
    narrow = check_layout(layout)
    with theme_context(theme) as th:
        figure = new_figure(NARROW_WIDTH, 3.6 * 6 + 0.6) if narrow else new_figure(11.0, 8.2)
        axes = figure.subplots(6, 1).ravel() if narrow else figure.subplots(2, 3).ravel()
        _rate_panel(
            axes[0], f.rates, f.high, "Learning rate too high", series_color(3, theme=th), th
        )
        _rate_panel(axes[1], f.rates, f.low, "Learning rate too low", series_color(0, theme=th), th)
        _local_panel(axes[2], f.local, f.stuck, f.deeper, th)
        scaling = f.scaling
        _scaling_panel(
            axes[3], scaling.raw, scaling.raw_run, "Raw feature x", scaling.condition[0], th
        )
        _scaling_panel(
            axes[4],
            scaling.scaled,
            scaling.scaled_run,
            "Standardised feature",
            scaling.condition[1],
            th,
        )
        _saddle_panel(axes[5], f.saddle, f.saddle_runs, f.lingering, th)
        figure.suptitle("Pitfalls of gradient descent", x=0.01, ha="left")
    return figure


def _rate_panel(
    ax: Axes, experiment: Experiment, run: Trajectory, headline: str, color: str, theme: Theme
) -> None:
    surface = experiment.surface
    minimum = surface.minima[0][0]
    window = curve_window(surface, [run], pad=0.1)
    half = 1.1 * max(abs(window[0] - minimum), abs(window[1] - minimum))
    plot_curve(ax, surface, (minimum - half, minimum + half), theme=theme)
    plot_path_on_curve(ax, run, color=color, theme=theme, linewidth=1.3)
    ax.grid(True, axis="y")
    plot_headline(
        ax,
        headline,
        f"lr {_lr(run)}: x goes {format_number(run.points[0, 0])} → "
        f"{format_number(run.points[-1, 0])}\nin {run.steps} steps",
        theme=theme,
    )


def _local_panel(
    ax: Axes, experiment: Experiment, stuck: Trajectory, deeper: Trajectory, theme: Theme
) -> None:
    surface = experiment.surface
    window = curve_window(surface, [stuck, deeper], pad=0.3)
    plot_curve(ax, surface, window, theme=theme)
    plot_path_on_curve(ax, stuck, color=series_color(3, theme=theme), theme=theme, linewidth=1.3)
    plot_minimum(ax, surface, float(deeper.points[-1, 0]), theme=theme, text=False)
    ax.annotate(
        f"deeper: f = {format_number(deeper.final_loss)}",
        (deeper.points[-1, 0], deeper.final_loss),
        xytext=(0, -12),
        textcoords="offset points",
        ha="center",
        va="top",
        fontsize=10,
        color=theme.muted,
    )
    ax.annotate(
        f"stuck: f = {format_number(stuck.final_loss)}",
        (stuck.points[-1, 0], stuck.final_loss),
        xytext=(0, -12),
        textcoords="offset points",
        ha="center",
        va="top",
        fontsize=10,
        color=series_color(3, theme=theme),
    )
    lo, hi = ax.get_ylim()
    ax.set_ylim(lo - 0.15 * (hi - lo), hi)
    ax.grid(True, axis="y")
    plot_headline(
        ax,
        "A local minimum",
        f"from x = {format_number(stuck.points[0, 0])}, lr {_lr(stuck)}: stops at\n"
        f"x = {format_number(stuck.points[-1, 0])}, not the deeper valley",
        theme=theme,
    )


def _scaling_panel(
    ax: Axes, landscape: Landscape, run: Trajectory, headline: str, condition: float, theme: Theme
) -> None:
    (w_lo, w_hi), (b_lo, b_hi) = landscape.bounds
    centre_w = (w_lo + w_hi) / 2
    half = (b_hi - b_lo) / 2
    bounds = ((centre_w - half, centre_w + half), (b_lo, b_hi))
    plot_landscape(ax, landscape, theme=theme, bounds=bounds, levels=14)
    plot_path(ax, run, color=series_color(0, theme=theme), theme=theme, linewidth=1.8)
    mark_start(ax, run.points[0], theme=theme)
    mark_minima(ax, landscape)
    ax.set_aspect("equal")
    plot_headline(
        ax,
        headline,
        f"κ = {format_number(condition, 2)}, lr {_lr(run)}, {run.steps} steps:\n"
        f"excess loss {format_number(_excess(landscape, run), 2)}",
        theme=theme,
    )


def _saddle_panel(
    ax: Axes,
    experiment: Experiment,
    runs: Sequence[tuple[RunConfig, Trajectory]],
    lingering: Sequence[int],
    theme: Theme,
) -> None:
    surface = experiment.surface
    plot_landscape(ax, surface, theme=theme)
    colors = run_colors(experiment, theme)
    for (config, trajectory), color, count in zip(runs, colors, lingering, strict=True):
        plot_path(
            ax,
            trajectory,
            color=color,
            theme=theme,
            linewidth=1.6,
            label=f"{run_label(config, trajectory, lr=False)}: {count} steps at the saddle",
        )
    mark_start(ax, experiment.starts[0], theme=theme)
    saddles = np.asarray(surface.saddles)
    ax.scatter(
        saddles[:, 0],
        saddles[:, 1],
        marker="P",
        s=110,
        facecolor="#FFFFFF",
        edgecolor="#1F2328",
        linewidth=0.9,
        zorder=6,
    )
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.13), frameon=False)
    lr = initial_lr(runs[0][1])
    plot_headline(
        ax,
        "A saddle point",
        f"{surface.pretty}, lr {format_number(lr)}, from\n"
        f"({', '.join(format_number(v) for v in experiment.starts[0])}), just off the ridge",
        theme=theme,
    )
