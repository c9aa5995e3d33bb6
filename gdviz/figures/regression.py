"""``linear-regression``: seed 000's three runs — loss per epoch and the fitted lines."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from gdviz.experiments import Experiment
from gdviz.figures._base import new_figure, status_phrase, theme_context, theme_of
from gdviz.figures.data import experiment_result, resolve_experiments
from gdviz.figures.labels import run_label
from gdviz.figures.primitives import plot_loss
from gdviz.landscapes import REGRESSION_X, REGRESSION_Y
from gdviz.numbers import format_number
from gdviz.style import Theme, series_color
from gdviz.trajectory import Trajectory

__all__ = [
    "linear_regression_caption",
    "make_linear_regression",
    "plot_data",
    "plot_fit",
]

Experiments = Experiment | Sequence[Experiment] | Mapping[str, Experiment] | None


def plot_data(ax: Axes, x: np.ndarray, y: np.ndarray, *, theme: str | Theme = "light") -> Artist:
    """The data points."""
    theme = theme_of(theme)
    return ax.scatter(
        x,
        y,
        s=70,
        color=theme.foreground,
        edgecolor=theme.background,
        linewidth=1.2,
        zorder=5,
        label="data",
    )


def plot_fit(
    ax: Axes,
    trajectory: Trajectory,
    x_range: tuple[float, float],
    *,
    color: str,
    label: str | None = None,
    linestyle: str | tuple = "-",
) -> Artist:
    """The line :math:`y = w x + b` at the run's final :math:`(w, b)`."""
    w, b = trajectory.final_point
    xs = np.array(x_range)
    (line,) = ax.plot(xs, w * xs + b, color=color, linewidth=2.2, label=label, linestyle=linestyle)
    return line


def linear_regression_caption(experiment: Experiment | None = None) -> str:
    """Caption of ``linear-regression``, from the runs."""
    experiment = experiment or resolve_experiments(None, ["linear-regression"])[0]
    parts = []
    for config, t in experiment_result(experiment).by_run():
        w, b = t.final_point
        parts.append(
            f"{run_label(config, t, optimizer=False)}: {status_phrase(t.status, t.steps)}, "
            f"w = {format_number(w)}, b = {format_number(b)}, loss {format_number(t.final_loss)}"
        )
    w_opt, b_opt = experiment.surface.minima[0]
    return (
        f"{experiment.title}. {experiment.description} "
        + "; ".join(parts)
        + f". Least squares: w = {format_number(w_opt)}, b = {format_number(b_opt)}."
    )


def make_linear_regression(theme: str = "light", experiments: Experiments = None) -> Figure:
    """``linear-regression``: loss per epoch (log) and the fitted lines over the data (seed 000)."""
    experiment = resolve_experiments(experiments, ["linear-regression"])[0]
    runs = experiment_result(experiment).by_run()
    surface = experiment.surface
    with theme_context(theme) as th:
        figure = new_figure(11.0, 5.6)
        left, right = figure.subplots(1, 2, width_ratios=[1.15, 1])
        x_range = (float(REGRESSION_X.min()) - 0.5, float(REGRESSION_X.max()) + 0.5)
        plot_data(right, REGRESSION_X, REGRESSION_Y, theme=th)
        w_opt, b_opt = surface.minima[0]
        xs = np.array(x_range)
        right.plot(
            xs,
            w_opt * xs + b_opt,
            color=th.muted,
            linewidth=1.4,
            linestyle=(0, (5, 3)),
            label=f"least squares (w = {format_number(w_opt)}, b = {format_number(b_opt)})",
            zorder=1,
        )
        handles = []
        for i, (config, trajectory) in enumerate(runs):
            color = series_color(i, theme=th)
            name = run_label(config, trajectory, optimizer=False)
            line, _ = plot_loss(left, trajectory, color=color, theme=th)
            w, b = trajectory.final_point
            ending = status_phrase(trajectory.status, trajectory.steps, "epoch")
            if trajectory.status == "diverged":
                fit = f"no fit (last finite w = {format_number(w, 2)})"
            else:
                plot_fit(right, trajectory, x_range, color=color)
                fit = f"w = {format_number(w)}, b = {format_number(b)}"
            line.set_label(f"{name}: {ending}, loss {format_number(trajectory.final_loss)}, {fit}")
            handles.append(line)
        left.set_yscale("log")
        left.grid(True)
        left.set_xlabel("epoch")
        left.set_ylabel("mean squared error")
        left.set_xlim(0, experiment.steps * 1.03)
        left.set_title("Loss per epoch", loc="left")
        right.set_xlim(*x_range)
        lo, hi = float(REGRESSION_Y.min()), float(REGRESSION_Y.max())
        right.set_ylim(lo - 0.3 * (hi - lo), hi + 0.75 * (hi - lo))
        right.grid(True)
        right.set_xlabel("x")
        right.set_ylabel("y", rotation=0, labelpad=8)
        right.set_title(f"Fitted lines after {experiment.steps} epochs", loc="left")
        right.legend(loc="upper left")
        figure.legend(handles=handles, loc="outside lower center", ncols=1, frameon=False)
        figure.suptitle(experiment.title, x=0.01, ha="left")
    return figure
