"""``network-slice``: a real network's training, drawn on a 2-D slice of its parameter space.

Three panels from one experiment (``mlp-moons``: four optimizers from torch's initialisation):

* the loss on the PCA plane of the runs' paths (:func:`gdviz.figures.data.network_slice`:
  the contours are one batched call of the core over the plane), with each path projected
  onto it — a *slice* of the 33-dimensional landscape, as the caption says;
* each run's decision boundary (the zero level set of its final logit) over the two-moons
  data;
* the loss per step (log scale).
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.contour import ContourSet
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from gdviz.claims import classifier_fit, finish, race_order
from gdviz.experiments import Experiment
from gdviz.figures._base import (
    NARROW_WIDTH,
    check_layout,
    landscape_cmap,
    new_figure,
    status_phrase,
    theme_context,
    theme_of,
)
from gdviz.figures.contours import run_colors
from gdviz.figures.data import SliceView, experiment_result, network_slice, resolve_experiments
from gdviz.figures.primitives import contour_levels, mark_start, plot_loss, stroke
from gdviz.landscapes import Landscape
from gdviz.landscapes.network import logits
from gdviz.numbers import format_number, format_percent
from gdviz.style import Theme, optimizer_dash, optimizer_label
from gdviz.trajectory import Trajectory

__all__ = [
    "make_network_slice",
    "network_slice_caption",
    "plot_decision_boundaries",
    "plot_slice",
    "slice_axis_label",
]

Experiments = Experiment | Sequence[Experiment] | Mapping[str, Experiment] | None

#: Inputs over which the decision boundaries are drawn: the data's box widened by this margin.
_BOUNDARY_MARGIN = 0.45


def slice_axis_label(view: SliceView, k: int) -> str:
    """``"PC 1 (49.3% of the paths' variance)"``: a direction of the slice and its share."""
    if view.plane.explained is None:
        return f"{'uv'[k]}: a {view.plane.kind} direction"
    share = format_percent(view.plane.explained[k])
    return f"PC {k + 1} ({share} of the paths' variance)"


def plot_slice(
    ax: Axes,
    view: SliceView,
    colors: Sequence[str],
    *,
    theme: str | Theme = "light",
    labels: Sequence[str] | None = None,
) -> list[Artist]:
    """The loss on the slice (filled contours, log levels) and the projected paths on it.

    Returns the path lines in run order (``line.get_xydata()`` is the run's projection,
    ``view.paths[i]``), their end markers in the same order, then the other artists (the
    contour sets, the start).
    """
    theme = theme_of(theme)
    grid_a, grid_b = np.meshgrid(view.a, view.b, indexing="xy")
    values, norm = contour_levels(view.loss, log=True, count=18)
    filled = ax.contourf(
        grid_a,
        grid_b,
        view.loss,
        levels=values,
        norm=norm,
        cmap=landscape_cmap(theme.name),
        extend="both",
    )
    contours = ax.contour(
        grid_a,
        grid_b,
        view.loss,
        levels=values,
        norm=norm,
        colors=theme.foreground,
        linewidths=0.4,
        alpha=0.2,
    )
    filled.set_rasterized(True)
    contours.set_rasterized(True)
    lines: list[Artist] = []
    ends: list[Artist] = []
    others: list[Artist] = [filled, contours]
    for i, (path, color) in enumerate(zip(view.paths, colors, strict=True)):
        (line,) = ax.plot(
            path[:, 0],
            path[:, 1],
            color=color,
            linewidth=2.0,
            label=labels[i] if labels else None,
            solid_capstyle="round",
            solid_joinstyle="round",
            path_effects=stroke(theme, 3.6),
            zorder=3 - 0.1 * i,
        )
        lines.append(line)
        ends.append(
            ax.scatter(
                [path[-1, 0]],
                [path[-1, 1]],
                s=46,
                color=color,
                edgecolor=theme.background,
                linewidth=1.2,
                zorder=4,
            )
        )
    others.append(mark_start(ax, view.paths[0][0], theme=theme))
    ax.set_xlim(view.a[0], view.a[-1])
    ax.set_ylim(view.b[0], view.b[-1])
    ax.set_aspect("equal", adjustable="box")
    ax.set_xlabel(slice_axis_label(view, 0))
    ax.set_ylabel(slice_axis_label(view, 1))
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.tick_params(length=3, color=theme.muted)
    return [*lines, *ends, *others]


def plot_decision_boundaries(
    ax: Axes,
    landscape: Landscape,
    trajectories: Sequence[Trajectory],
    colors: Sequence[str],
    *,
    theme: str | Theme = "light",
    resolution: int = 200,
) -> list[Artist]:
    """The two-moons data and each run's final decision boundary :math:`z(x) = 0`.

    The logits of every run are evaluated over the input grid in one batched call
    (:func:`gdviz.landscapes.network.logits`). Label 1 is drawn filled, label 0 hollow.
    Returns the two scatters, then one contour set per run.
    """
    theme = theme_of(theme)
    data = landscape.data
    if data is None:
        raise ValueError(f"{landscape.name} has no data to classify")
    lo, hi = data.X.min(axis=0) - _BOUNDARY_MARGIN, data.X.max(axis=0) + _BOUNDARY_MARGIN
    xs, ys = (np.linspace(lo[k], hi[k], resolution) for k in range(2))
    grid_x, grid_y = np.meshgrid(xs, ys, indexing="xy")
    inputs = np.column_stack([grid_x.ravel(), grid_y.ravel()])
    finals = np.stack([t.final_point for t in trajectories])
    z = logits(finals, inputs).reshape(len(trajectories), *grid_x.shape)
    ones = data.y == 1
    artists: list[Artist] = [
        ax.scatter(
            data.X[ones, 0],
            data.X[ones, 1],
            s=26,
            color=theme.foreground,
            linewidth=0,
            label="label 1",
            zorder=5,
        ),
        ax.scatter(
            data.X[~ones, 0],
            data.X[~ones, 1],
            s=26,
            facecolor="none",
            edgecolor=theme.foreground,
            linewidth=1.1,
            label="label 0",
            zorder=5,
        ),
    ]
    for i, (values, color) in enumerate(zip(z, colors, strict=True)):
        artists.append(
            ax.contour(
                grid_x,
                grid_y,
                values,
                levels=[0.0],
                colors=[color],
                linewidths=2.2,
                zorder=3 - 0.1 * i,
            )
        )
    ax.set_xlim(lo[0], hi[0])
    ax.set_ylim(lo[1], hi[1])
    ax.set_aspect("equal", adjustable="box")
    ax.set_xlabel("x₁")
    ax.set_ylabel("x₂", rotation=0, labelpad=8)
    for spine in ax.spines.values():
        spine.set_visible(False)
    return artists


def _facts(experiment: Experiment) -> list[tuple[str, Trajectory, str]]:
    """Per run: its label, trajectory and how it ended (loss, accuracy), from the runs."""
    surface = experiment.surface
    rows = []
    for config, trajectory in experiment_result(experiment).by_run():
        fit = classifier_fit(trajectory, surface)
        ending = (
            f"{status_phrase(trajectory.status, trajectory.steps)}, "
            f"loss {format_number(fit.final_loss, 3)}, accuracy {format_percent(fit.accuracy, 0)}"
        )
        rows.append((optimizer_label(config.optimizer), trajectory, ending))
    return rows


def network_slice_caption(
    experiment: Experiment | None = None, plane: str = "pca", seed: int = 0
) -> str:
    """Caption of ``network-slice``: it says the picture is a slice, with the runs' numbers."""
    experiment = experiment or resolve_experiments(None, ["mlp-moons"])[0]
    view = network_slice(experiment, plane, seed)
    facts = view.facts
    surface = experiment.surface
    runs = experiment_result(experiment).by_run()
    finishes = [finish(t, surface, experiment.grad_tol) for _, t in runs]
    order = race_order(finishes, [t.final_loss for _, t in runs])
    lowest = optimizer_label(runs[order[0]][0].optimizer)
    if facts.explained is not None:
        explained = (
            f"the plane of the paths' two principal directions, which hold "
            f"{format_percent(facts.explained[0])} and {format_percent(facts.explained[1])} "
            f"of their variance"
        )
    else:
        kind = "filter-normalised random" if facts.kind == "filter-normalised" else "random"
        through = runs[view.through or 0][0].display_name
        explained = (
            f"the plane of two {kind} directions (seed {seed}) through {through}'s final point"
        )
    ends = "; ".join(f"{label}: {ending}" for label, _, ending in _facts(experiment))
    return (
        f"{experiment.title}. The contour plot is a 2-D slice of the {facts.dim}-dimensional "
        f"parameter space — {explained} — not the whole landscape: the paths leave the plane "
        f"by up to {format_percent(max(facts.off_plane), 0)} of the distance they travel, "
        f"and the loss drawn under a projected point differs from the run's own loss by up "
        f"to {format_number(max(facts.loss_gap), 2)}. {ends}. {lowest} ends lowest after "
        f"{experiment.steps} full-batch steps."
    )


def make_network_slice(
    theme: str = "light",
    experiments: Experiments = None,
    layout: str = "wide",
    plane: str = "pca",
    seed: int = 0,
) -> Figure:
    """``network-slice``: the loss on the PCA slice with the projected paths, the decision
    boundaries on the data, and the loss curves; ``layout="narrow"`` stacks the panels.

    ``plane="filter-normalised"`` (or ``"random"``) draws the slice of Li et al. 2018 instead:
    two random directions from ``seed`` through the lowest run's final point
    (:func:`gdviz.figures.data.network_slice`); :func:`network_slice_caption` takes the same
    arguments."""
    experiment = resolve_experiments(experiments, ["mlp-moons"])[0]
    narrow = check_layout(layout)
    view = network_slice(experiment, plane, seed)
    rows = _facts(experiment)
    trajectories = [t for _, t, _ in rows]
    with theme_context(theme) as th:
        colors = run_colors(experiment, th)
        if narrow:
            figure = new_figure(NARROW_WIDTH, 13.2)
            grid = figure.add_gridspec(3, 1, height_ratios=[1.15, 0.8, 0.9])
            slice_ax, boundary_ax, loss_ax = (figure.add_subplot(grid[k]) for k in range(3))
        else:
            figure = new_figure(11.0, 6.6)
            grid = figure.add_gridspec(2, 2, width_ratios=[1.35, 1], height_ratios=[1.2, 1])
            slice_ax = figure.add_subplot(grid[:, 0])
            boundary_ax = figure.add_subplot(grid[0, 1])
            loss_ax = figure.add_subplot(grid[1, 1])
        drawn = plot_slice(slice_ax, view, colors, theme=th)
        filled = next(a for a in drawn if isinstance(a, ContourSet))
        # one line each on the wide figure, wrapped to the column on a phone
        wrap = "\n" if narrow else " "
        slice_ax.set_title(f"Loss on a 2-D slice of the{wrap}{view.facts.dim}-D parameter space")
        bar = figure.colorbar(
            filled,
            ax=slice_ax,
            location="bottom",
            shrink=0.85,
            aspect=40,
            pad=0.01,
        )
        low, high = float(bar.norm.vmin or 1.0), float(bar.norm.vmax or 1.0)
        decades = [
            10.0**k for k in range(math.ceil(math.log10(low)), math.floor(math.log10(high)) + 1)
        ]
        bar.set_ticks(decades, labels=[format_number(v, 2) for v in decades])
        bar.minorticks_off()
        bar.set_label("loss on the slice (mean BCE)")
        bar.outline.set_visible(False)
        bar.ax.tick_params(length=2, color=th.muted)
        plot_decision_boundaries(boundary_ax, experiment.surface, trajectories, colors, theme=th)
        boundary_ax.set_title("Decision boundaries on the data\n(● label 1, ○ label 0)")
        for (_, trajectory, _), color, run in zip(rows, colors, experiment.runs, strict=True):
            dash = optimizer_dash(run.optimizer)
            plot_loss(
                loss_ax, trajectory, color=color, theme=th, linestyle=(0, dash) if dash else "-"
            )
        loss_ax.set_yscale("log")
        loss_ax.margins(y=0.06)
        loss_ax.grid(True)
        loss_ax.set_xlabel("step")
        loss_ax.set_ylabel("mean BCE (full data)")
        loss_ax.set_xlim(0, experiment.steps * 1.03)
        loss_ax.set_title("Each run's own loss per step")
        handles = [
            Line2D([], [], color=color, linewidth=2.5, label=f"{label}: {ending}")
            for (label, _, ending), color in zip(rows, colors, strict=True)
        ]
        figure.legend(
            handles=handles, loc="outside lower center", ncols=1 if narrow else 2, frameon=False
        )
        title = textwrap.fill(experiment.title, 36) if narrow else experiment.title
        figure.suptitle(title, x=0.01, ha="left")
    return figure
