"""One-dimensional figures: a descent on its curve, learning rates, local minima (seed 001)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from gdviz.experiments import Experiment
from gdviz.figures._base import (
    new_figure,
    status_phrase,
    subtitle,
    theme_context,
)
from gdviz.figures.data import behaviour, experiment_result, resolve_experiments
from gdviz.figures.labels import initial_lr, run_label
from gdviz.figures.primitives import plot_curve, plot_path_on_curve
from gdviz.landscapes import Landscape
from gdviz.numbers import format_number, subscript
from gdviz.style import Theme, series_color
from gdviz.trajectory import Trajectory

__all__ = [
    "curve_window",
    "descent_path_caption",
    "learning_rates_caption",
    "local_minima_caption",
    "make_descent_path",
    "make_learning_rates",
    "make_local_minima",
    "plot_descent_path",
    "plot_iterates",
    "plot_minimum",
    "plot_step_numbers",
]

Experiments = Experiment | Sequence[Experiment] | Mapping[str, Experiment] | None


def curve_window(
    landscape: Landscape, trajectories: Sequence[Trajectory], pad: float = 0.18
) -> tuple[float, float]:
    """An x-range showing every path and the minima they approach, padded, within the bounds."""
    xs = np.concatenate([t.points[:, 0] for t in trajectories])
    lo, hi = float(xs.min()), float(xs.max())
    for minimum in landscape.minima:
        if lo - (hi - lo) * 0.5 <= minimum[0] <= hi + (hi - lo) * 0.5:
            lo, hi = min(lo, minimum[0]), max(hi, minimum[0])
    span = max(hi - lo, 1.0)
    ((b_lo, b_hi),) = landscape.bounds
    return max(lo - pad * span, min(b_lo, lo)), min(hi + pad * span, max(b_hi, hi))


def plot_minimum(
    ax: Axes, landscape: Landscape, x: float, *, theme: str | Theme = "light", text: bool = True
) -> list[Artist]:
    """A star at :math:`(x^*, f(x^*))` on a 1-D curve, with its coordinates below it."""
    from gdviz.figures._base import theme_of
    from gdviz.figures.primitives import MINIMUM_STYLE

    theme = theme_of(theme)
    y = float(landscape.loss(np.array([x])))
    star = ax.scatter([x], [y], zorder=6, **MINIMUM_STYLE)
    artists: list[Artist] = [star]
    if text:
        artists.append(
            ax.annotate(
                f"minimum\n({format_number(x)}, {format_number(y)})",
                (x, y),
                xytext=(0, -14),
                textcoords="offset points",
                ha="center",
                va="top",
                fontsize=10,
                color=theme.muted,
            )
        )
    return artists


def plot_step_numbers(
    ax: Axes,
    trajectory: Trajectory,
    *,
    color: str,
    min_gap: float,
    theme: str | Theme = "light",
) -> list[Artist]:
    """Number the steps of a 1-D path (``0`` is the start) where the labels do not collide.

    A step is numbered if it lies at least ``min_gap`` (in x) from every numbered step.
    """
    xs = trajectory.points[:, 0]
    placed: list[float] = []
    texts: list[Artist] = []
    for k, (x, y) in enumerate(zip(xs, trajectory.losses, strict=True)):
        if any(abs(x - p) < min_gap for p in placed):
            continue
        placed.append(float(x))
        texts.append(
            ax.annotate(
                str(k),
                (x, y),
                xytext=(0, 9),
                textcoords="offset points",
                ha="center",
                va="bottom",
                fontsize=10,
                fontweight="bold",
                color=color,
            )
        )
    return texts


def plot_descent_path(
    ax: Axes,
    landscape: Landscape,
    trajectory: Trajectory,
    *,
    color: str,
    label: str | None = None,
    theme: str | Theme = "light",
    window: tuple[float, float] | None = None,
) -> list[Artist]:
    """A 1-D descent on its curve with numbered steps; returns ``[path line, start, ...]``."""
    window = window or curve_window(landscape, [trajectory])
    path = plot_path_on_curve(ax, trajectory, color=color, label=label, theme=theme)
    plot_curve(ax, landscape, window, theme=theme)
    numbers = plot_step_numbers(
        ax, trajectory, color=color, min_gap=0.035 * (window[1] - window[0]), theme=theme
    )
    return [*path, *numbers]


def descent_path_caption(experiment: Experiment | None = None) -> str:
    """The caption of ``descent-path``, from the run."""
    experiment = experiment or resolve_experiments(None, ["descent-path"])[0]
    parts = []
    for config, _, trajectory in experiment_result(experiment).items():
        x0, xn = trajectory.points[0, 0], trajectory.points[-1, 0]
        parts.append(
            f"{run_label(config, trajectory)} from {trajectory.variables[0]} = "
            f"{format_number(x0)}: "
            f"after {trajectory.steps} steps {trajectory.variables[0]} = {format_number(xn)}, "
            f"f = {format_number(trajectory.final_loss)} ({trajectory.status})"
        )
    return f"{experiment.title}. " + "; ".join(parts) + "."


def make_descent_path(theme: str = "light", experiments: Experiments = None) -> Figure:
    """``descent-path``: descent on :math:`x^2 + 4x + 9`, numbered steps on the curve (seed 001).

    With ``experiments``, the first (1-D) experiment given is drawn instead.
    """
    experiment = resolve_experiments(experiments, ["descent-path"])[0]
    result = experiment_result(experiment)
    items = result.items()
    trajectories = [t for _, _, t in items]
    surface = experiment.surface
    with theme_context(theme) as th:
        figure = new_figure(8.0, 5.0)
        ax = figure.add_subplot()
        window = curve_window(surface, trajectories)
        for i, (config, _, trajectory) in enumerate(items):
            color = series_color(i, theme=th)
            plot_descent_path(
                ax,
                surface,
                trajectory,
                color=color,
                label=f"{run_label(config, trajectory)}: "
                f"{status_phrase(trajectory.status, trajectory.steps)}, "
                f"{trajectory.variables[0]} = {format_number(trajectory.points[-1, 0])}, "
                f"f = {format_number(trajectory.final_loss)}",
                theme=th,
                window=window,
            )
        for (x,) in surface.minima:
            if window[0] <= x <= window[1]:
                plot_minimum(ax, surface, x, theme=th)
        ax.set_ylim(*_padded(ax.get_ylim(), low=0.12, high=0.08))
        ax.grid(True, axis="y")
        subtitle(ax, f"f({surface.variables[0]}) = {surface.pretty}", theme=th)
        ax.legend(loc="upper center", frameon=True)
        figure.suptitle(experiment.title, x=0.01, ha="left")
    return figure


def _padded(limits: tuple[float, float], low: float, high: float) -> tuple[float, float]:
    lo, hi = limits
    span = hi - lo
    return lo - low * span, hi + high * span


# ------------------------------------------------------------------------- learning rates


def plot_iterates(
    ax: Axes,
    trajectory: Trajectory,
    *,
    color: str,
    label: str | None = None,
    theme: str | Theme = "light",
) -> list[Artist]:
    """:math:`x_k` against :math:`k` for a 1-D run.

    Returns ``[line]``; the line's data are ``(k, points[:, 0])``.
    """
    steps = np.arange(trajectory.points.shape[0])
    (line,) = ax.plot(
        steps, trajectory.points[:, 0], color=color, marker="o", markersize=4.5, label=label
    )
    return [line]


def learning_rates_caption(experiment: Experiment | None = None) -> str:
    """The caption of ``learning-rates``: each rate's behaviour and final iterate, from the runs."""
    experiment = experiment or resolve_experiments(None, ["learning-rates"])[0]
    surface = experiment.surface
    minimum = surface.minima[0][0]
    parts = []
    for _config, _, t in experiment_result(experiment).items():
        parts.append(
            f"lr {format_number(initial_lr(t))}: {behaviour(t, minimum)} "
            f"(x = {format_number(t.points[-1, 0])} after {t.steps} steps)"
        )
    return f"{experiment.title}. " + "; ".join(parts) + "."


def make_learning_rates(theme: str = "light", experiments: Experiments = None) -> Figure:
    """``learning-rates``: :math:`x_k` for lr 0.01, 0.1, 0.9, 1.1 on :math:`x^2` from 3, and
    each path on the curve — too small, converges, zig-zags, diverges (seed 001; the words
    are :func:`gdviz.claims.verdict`'s)."""
    experiment = resolve_experiments(experiments, ["learning-rates"])[0]
    surface = experiment.surface
    minimum = surface.minima[0][0]
    items = experiment_result(experiment).by_run()
    with theme_context(theme) as th:
        figure = new_figure(11.0, 5.6)
        grid = figure.add_gridspec(2, 4, width_ratios=[1.15, 1.15, 1, 1])
        main = figure.add_subplot(grid[:, :2])
        small = [figure.add_subplot(grid[i, 2 + j]) for i in range(2) for j in range(2)]
        for i, (config, trajectory) in enumerate(items):
            color = series_color(i, theme=th)
            kind = behaviour(trajectory, minimum)
            plot_iterates(
                main,
                trajectory,
                color=color,
                label=f"{run_label(config, trajectory, optimizer=False)}: {kind}, "
                f"x{subscript(trajectory.steps)} = {format_number(trajectory.points[-1, 0])}",
                theme=th,
            )
            if i < len(small):
                ax = small[i]
                window = curve_window(surface, [trajectory], pad=0.12)
                half = 1.1 * max(abs(window[0] - minimum), abs(window[1] - minimum))
                plot_curve(ax, surface, (minimum - half, minimum + half), theme=th)
                plot_path_on_curve(ax, trajectory, color=color, theme=th, linewidth=1.2)
                rate = initial_lr(trajectory)
                ax.set_title(
                    f"lr {format_number(rate)}: {kind}",
                    fontsize=11,
                    color=color,
                )
                ax.set_xlabel("")
                ax.set_ylabel("")
                ax.grid(True, axis="y")
        main.axhline(minimum, color=th.muted, linewidth=1, linestyle=(0, (4, 3)), zorder=0)
        main.set_xlabel("iteration $k$")
        main.set_ylabel("$x_k$", rotation=0, labelpad=12)
        main.grid(True)
        main.legend(loc="upper left")
        main.set_title("The iterate $x_k$ at each step", loc="left")
        main.set_xticks(np.arange(0, experiment.steps + 1, 2 if experiment.steps <= 20 else 10))
        figure.suptitle(experiment.title, x=0.01, ha="left")
    return figure


# ------------------------------------------------------------------------- local minima


def local_minima_caption(experiment: Experiment | None = None) -> str:
    """The caption of ``local-minima``: where each start ended, from the runs."""
    experiment = experiment or resolve_experiments(None, ["local-minima"])[0]
    parts = []
    for _, _, t in experiment_result(experiment).items():
        parts.append(
            f"from x = {format_number(t.points[0, 0])} to x = {format_number(t.points[-1, 0])} "
            f"(f = {format_number(t.final_loss)})"
        )
    config = experiment.runs[0]
    return (
        f"{experiment.title}. {run_label(config, experiment_result(experiment).by_run()[0][1])}, "
        f"{experiment.steps} steps: " + "; ".join(parts) + "."
    )


def make_local_minima(theme: str = "light", experiments: Experiments = None) -> Figure:
    """``local-minima``: :math:`x\\cos x` from starts −2 and 1 settle in different valleys."""
    experiment = resolve_experiments(experiments, ["local-minima"])[0]
    surface = experiment.surface
    items = experiment_result(experiment).items()
    trajectories = [t for _, _, t in items]
    with theme_context(theme) as th:
        figure = new_figure(8.5, 5.0)
        ax = figure.add_subplot()
        window = curve_window(surface, trajectories, pad=0.45)
        plot_curve(ax, surface, window, theme=th)
        for i, (_, s, trajectory) in enumerate(items):
            color = series_color(i, theme=th)
            plot_path_on_curve(
                ax,
                trajectory,
                color=color,
                theme=th,
                label=f"start x = {format_number(experiment.starts[s][0])} → "
                f"x = {format_number(trajectory.points[-1, 0])}, "
                f"f = {format_number(trajectory.final_loss)}",
            )
        shown = [x for (x,) in surface.minima if window[0] <= x <= window[1]]
        for x in shown:
            plot_minimum(ax, surface, x, theme=th)
        ax.set_ylim(*_padded(ax.get_ylim(), low=0.22, high=0.1))
        ax.grid(True, axis="y")
        config = experiment.runs[0]
        subtitle(
            ax,
            f"f(x) = {surface.pretty} · {run_label(config, trajectories[0])}, "
            f"{experiment.steps} steps",
            theme=th,
        )
        ax.legend(loc="upper left")
        figure.suptitle(experiment.title, x=0.01, ha="left")
    return figure
