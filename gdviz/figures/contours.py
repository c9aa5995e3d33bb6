"""Two-dimensional figures: optimizer paths on contour plots, loss curves, momentum, a 3-D surface.

The default experiments are seed 003's races (SGD, Momentum, RMSprop and Adam on the bowl, the
valley, Rosenbrock, Himmelblau and Rastrigin) and the momentum sweep on the valley; given a user's
experiments, the same figures draw those instead.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, cast

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.colors import LightSource
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from gdviz.experiments import Experiment, ExperimentResult, RunConfig
from gdviz.figures._base import (
    NARROW_WIDTH,
    check_layout,
    landscape_cmap,
    new_figure,
    status_phrase,
    theme_context,
    theme_of,
)
from gdviz.figures.data import experiment_result, resolve_experiments
from gdviz.figures.labels import initial_lr, run_label
from gdviz.figures.primitives import (
    MINIMUM_STYLE,
    contour_levels,
    landscape_grid,
    mark_minima,
    mark_start,
    plot_landscape,
    plot_loss,
    plot_path,
    stroke,
)
from gdviz.numbers import format_number
from gdviz.style import Theme, optimizer_color, series_color
from gdviz.trajectory import Trajectory

if TYPE_CHECKING:
    from mpl_toolkits.mplot3d.axes3d import Axes3D

__all__ = [
    "RACES",
    "loss_curves_caption",
    "make_loss_curves",
    "make_momentum",
    "make_optimizer_paths",
    "make_surface_3d",
    "momentum_caption",
    "optimizer_paths_caption",
    "plot_final_losses",
    "plot_loss_curves",
    "plot_optimizer_paths",
    "plot_surface_path",
    "plot_zoom_inset",
    "run_colors",
    "surface_3d_caption",
]

Experiments = Experiment | Sequence[Experiment] | Mapping[str, Experiment] | None

#: Line styles telling the starts of one run apart on a loss plot.
_START_STYLES: tuple[object, ...] = ("-", (0, (4, 2)), (0, (1, 1.5)), (0, (6, 2, 1, 2)))

#: Seed 003's races, in the order the lesson presents its landscapes.
RACES = ("race-bowl", "race-valley", "race-rosenbrock", "race-himmelblau", "race-rastrigin")


def run_colors(experiment: Experiment, theme: Theme) -> list[str]:
    """One colour per run: the optimizer's own colour when every run uses a different
    optimizer, else the series colours in order (e.g. four momentum values of one SGD)."""
    names = [run.optimizer for run in experiment.runs]
    if len(set(names)) == len(names):
        return [optimizer_color(name, theme) for name in names]
    return [series_color(i, theme=theme) for i in range(len(names))]


def _same_runs(experiments: Sequence[Experiment]) -> bool:
    """Whether every experiment races the same optimizers in the same order."""
    signatures = {tuple(run.optimizer for run in e.runs) for e in experiments}
    return len(signatures) == 1 and len(set(next(iter(signatures)))) == len(experiments[0].runs)


def _panel_grid(
    figure: Figure, count: int, spare: int, ncols: int = 3
) -> tuple[list[Axes], list[Axes]]:
    """``count`` panels plus ``spare`` extra ones on a grid of at most ``ncols`` columns."""
    total = count + spare
    ncols = min(ncols, total)
    nrows = math.ceil(total / ncols)
    axes = [figure.add_subplot(nrows, ncols, i + 1) for i in range(total)]
    return axes[:count], axes[count:]


def _figure_size(
    panels: int, ncols: int = 3, panel: float = 3.55, extra: float = 1.0
) -> tuple[float, float]:
    ncols = min(ncols, panels)
    nrows = math.ceil(panels / ncols)
    width = max(7.5, min(11.0, panel * ncols + 0.3))
    return width, panel * nrows * (width / (panel * ncols + 0.3)) + extra


# ------------------------------------------------------------------------ optimizer paths


def plot_optimizer_paths(
    ax: Axes,
    experiment: Experiment,
    result: ExperimentResult | None = None,
    *,
    theme: str | Theme = "light",
    labels: bool = True,
    window: Sequence[tuple[float, float]] | None = None,
) -> list[Artist]:
    """Every run of a 2-D experiment on the landscape's contour plot, starts and minima marked.

    ``window`` limits the plot (and the contour grid) to ``((x_lo, x_hi), (y_lo, y_hi))``;
    default the landscape's bounds. Returns the path lines in run order, then start order
    (``line.get_xydata()`` equals the trajectory's points), followed by the other artists.
    """
    theme = theme_of(theme)
    result = result or experiment_result(experiment)
    surface = experiment.surface
    plot_landscape(ax, surface, theme=theme, bounds=window)
    colors = run_colors(experiment, theme)
    lines: list[Artist] = []
    others: list[Artist] = []
    for r, config in enumerate(experiment.runs):
        for s in range(len(experiment.starts)):
            trajectory = result.trajectories[r, s]
            label = _path_label(config, trajectory) if labels and s == 0 else None
            # earlier runs on top: in a sweep (momentum 0 … 0.99) the wildest path is drawn last
            # and must not hide the others
            line, end = plot_path(
                ax, trajectory, color=colors[r], label=label, theme=theme, zorder=3 - 0.1 * r
            )
            lines.append(line)
            others.append(end)
    for start in experiment.starts:
        others.append(mark_start(ax, start, theme=theme))
    minima = mark_minima(ax, surface)
    if minima is not None:
        others.append(minima)
    return [*lines, *others]


def plot_zoom_inset(
    ax: Axes,
    experiment: Experiment,
    result: ExperimentResult | None = None,
    *,
    theme: str | Theme = "light",
    threshold: float = 0.2,
) -> Axes | None:
    """Magnify the paths in an inset when all of them fit in a small part of the panel.

    On a landscape that traps every run near its start (Rastrigin), the paths would be a few
    pixels wide; the inset shows them over the local contours, in the corner away from them.
    Returns the inset Axes, or ``None`` when the paths span more than ``threshold`` of the
    window along either axis.
    """
    theme = theme_of(theme)
    result = result or experiment_result(experiment)
    points = np.vstack([t.points for t in result.trajectories.values()])
    bounds = np.asarray(experiment.surface.bounds, dtype=float)
    extent = bounds[:, 1] - bounds[:, 0]
    low, high = points.min(axis=0), points.max(axis=0)
    if np.any(high - low > threshold * extent):
        return None
    centre = (low + high) / 2
    half = max(0.75 * float((high - low).max()), 0.04 * float(extent.max()))
    window = [(c - half, c + half) for c in centre]
    left = 0.04 if centre[0] > bounds[0].mean() else 0.54
    bottom = 0.04 if centre[1] > bounds[1].mean() else 0.54
    inset = ax.inset_axes((left, bottom, 0.42, 0.42))
    plot_optimizer_paths(inset, experiment, result, theme=theme, labels=False, window=window)
    inset.set(xticks=[], yticks=[], xlabel="", ylabel="")
    for spine in inset.spines.values():
        spine.set_visible(True)
        spine.set_color(theme.foreground)
    ax.indicate_inset_zoom(inset, edgecolor=theme.foreground, alpha=0.6)
    return inset


def _path_label(config: RunConfig, trajectory: Trajectory) -> str:
    return (
        f"{run_label(config, trajectory)}: {status_phrase(trajectory.status, trajectory.steps)}, "
        f"loss {format_number(trajectory.final_loss)}"
    )


def plot_final_losses(
    ax: Axes,
    experiments: Sequence[Experiment],
    *,
    theme: str | Theme = "light",
) -> list[Artist]:
    """Final loss of every run (log x), one row per experiment, a dot per run in its colour.

    A diverged run is drawn as a cross. Returns the scatter artists, one per run index.
    """
    theme = theme_of(theme)
    artists: list[Artist] = []
    count = len(experiments[0].runs)
    offsets = np.linspace(-0.22, 0.22, count) if count > 1 else np.zeros(1)
    floor = 1e-16
    for r in range(count):
        xs, ys, markers = [], [], []
        for row, experiment in enumerate(experiments):
            trajectory = experiment_result(experiment).trajectories[r, 0]
            xs.append(max(trajectory.final_loss, floor))
            ys.append(row + offsets[r])
            markers.append(trajectory.status == "diverged")
        color = run_colors(experiments[0], theme)[r]
        xs_a, ys_a, div = np.array(xs), np.array(ys), np.array(markers)
        artists.append(
            ax.scatter(
                xs_a[~div],
                ys_a[~div],
                s=42,
                color=color,
                edgecolor=theme.background,
                linewidth=0.8,
                zorder=3,
            )
        )
        if div.any():
            artists.append(
                ax.scatter(xs_a[div], ys_a[div], s=60, marker="X", color=color, zorder=3)
            )
    ax.set_xscale("log")
    ax.margins(x=0.08)
    ax.set_yticks(range(len(experiments)), [_short_title(e) for e in experiments])
    ax.set_ylim(len(experiments) - 0.5, -0.5)
    ax.grid(True, axis="x")
    ax.tick_params(axis="y", length=0)
    ax.spines["left"].set_visible(False)
    ax.set_xlabel("final loss")
    for row in range(len(experiments) - 1):
        ax.axhline(row + 0.5, color=theme.grid, linewidth=0.7)
    return artists


def _short_title(experiment: Experiment) -> str:
    """The landscape's catalogue name, capitalised (``"Valley"``), or its title if long-named."""
    name = experiment.surface.name
    return name.capitalize() if len(name) <= 14 else experiment.surface.title[:14]


def optimizer_paths_caption(experiments: Experiments = None) -> str:
    """Caption of ``optimizer-paths``: landscapes, rates and outcomes, from the runs."""
    chosen = resolve_experiments(experiments, RACES)
    parts = []
    for experiment in chosen:
        result = experiment_result(experiment)
        runs = ", ".join(
            f"{run_label(config, t, params=False)} ({_short_status(t)})"
            for config, t in result.by_run()
        )
        start = ", ".join(format_number(v) for v in experiment.starts[0])
        parts.append(f"{experiment.surface.title} from ({start}), {experiment.steps} steps: {runs}")
    return "Optimizer paths on contour plots. " + "; ".join(parts) + "."


def _short_status(trajectory: Trajectory) -> str:
    if trajectory.status == "diverged":
        return f"diverged at step {trajectory.steps}"
    return f"loss {format_number(trajectory.final_loss, 2)}"


def make_optimizer_paths(
    theme: str = "light", experiments: Experiments = None, layout: str = "wide"
) -> Figure:
    """``optimizer-paths``: SGD, Momentum, RMSprop, Adam on seed 003's five landscapes.

    One contour panel per experiment. When all experiments race the same optimizers (the
    gallery), one legend serves the figure and a spare panel compares the final losses;
    otherwise each panel has its own legend with the runs' rates and outcomes. ``layout``
    ``"narrow"`` stacks the panels in one column (phones).
    """
    chosen = resolve_experiments(experiments, RACES)
    shared = len(chosen) > 1 and _same_runs(chosen)
    spare = 1 if shared else 0
    narrow = check_layout(layout)
    with theme_context(theme) as th:
        if narrow:
            figure = new_figure(NARROW_WIDTH, (NARROW_WIDTH - 0.2) * (len(chosen) + spare) + 1.6)
        elif shared:
            figure = new_figure(*_figure_size(len(chosen) + spare, extra=0.9))
        else:
            figure = new_figure(*_figure_size(len(chosen), ncols=2, panel=5.6, extra=1.2))
        ncols = 1 if narrow else 3 if shared else 2
        panels, spares = _panel_grid(figure, len(chosen), spare, ncols=ncols)
        for ax, experiment in zip(panels, chosen, strict=True):
            plot_optimizer_paths(ax, experiment, theme=th, labels=not shared)
            plot_zoom_inset(ax, experiment, theme=th)
            ax.set_title(_panel_title(experiment, shared), loc="left")
            if not shared:
                ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncols=1, frameon=False)
        if not shared and len(chosen) == 1:
            figure.suptitle(f"Optimizer paths: {chosen[0].title}", x=0.01, ha="left")
        if shared:
            plot_final_losses(spares[0], chosen, theme=th)
            spares[0].set_title("Final loss", loc="left")
            _shared_legend(figure, chosen[0], th, ncols=3 if narrow else None)
            title = "Optimizer paths on seed 003's landscapes"
            figure.suptitle(title.replace(" on ", "\non ") if narrow else title, x=0.01, ha="left")
    return figure


def _panel_title(experiment: Experiment, shared: bool) -> str:
    """A panel's title: the landscape's name in the gallery; for a user's experiment, the
    landscape and its formula (the experiment's own title goes above the figure)."""
    surface = experiment.surface
    if shared or surface.pretty == surface.title:
        return surface.title
    return f"{surface.title}: {surface.pretty}"


def _shared_legend(
    figure: Figure,
    experiment: Experiment,
    theme: Theme,
    markers: bool = True,
    ncols: int | None = None,
) -> None:
    from gdviz.style import optimizer_label

    colors = run_colors(experiment, theme)
    handles = [
        Line2D([], [], color=color, linewidth=2.5, label=optimizer_label(run.optimizer))
        for run, color in zip(experiment.runs, colors, strict=True)
    ]
    if markers:
        handles.append(
            Line2D(
                [],
                [],
                linestyle="none",
                marker="o",
                markersize=9,
                markerfacecolor="none",
                markeredgecolor=theme.foreground,
                markeredgewidth=1.8,
                label="start",
            )
        )
        handles.append(
            Line2D(
                [],
                [],
                linestyle="none",
                marker="*",
                markersize=13,
                markerfacecolor=MINIMUM_STYLE["facecolor"],
                markeredgecolor="#1F2328",
                label="minimum",
            )
        )
    handles.append(
        Line2D(
            [],
            [],
            linestyle="none",
            marker="X",
            markersize=8,
            markerfacecolor=theme.muted,
            markeredgecolor=theme.muted,
            label="diverged",
        )
    )
    figure.legend(
        handles=handles, loc="outside lower center", ncols=ncols or len(handles), frameon=False
    )


# ------------------------------------------------------------------------ loss curves


def plot_loss_curves(
    ax: Axes,
    experiment: Experiment,
    result: ExperimentResult | None = None,
    *,
    theme: str | Theme = "light",
    labels: bool = True,
) -> list[Artist]:
    """Loss against step for every run of an experiment, on a log axis when all losses are
    positive. Returns the loss lines (data: ``step, losses``) in run order, then start order,
    then the end markers."""
    theme = theme_of(theme)
    result = result or experiment_result(experiment)
    colors = run_colors(experiment, theme)
    lines: list[Artist] = []
    ends: list[Artist] = []
    positive = True
    for r, config in enumerate(experiment.runs):
        for s in range(len(experiment.starts)):
            trajectory = result.trajectories[r, s]
            positive &= bool(np.all(trajectory.losses > 0))
            label = _path_label(config, trajectory) if labels and s == 0 else None
            line, end = plot_loss(
                ax,
                trajectory,
                color=colors[r],
                label=label,
                theme=theme,
                linestyle=_START_STYLES[s % len(_START_STYLES)],
            )
            lines.append(line)
            ends.append(end)
    if labels and len(experiment.starts) > 1:
        for s, start in enumerate(experiment.starts):
            ax.plot(
                [],
                [],
                color=theme.muted,
                linestyle=_START_STYLES[s % len(_START_STYLES)],
                label=f"start ({', '.join(format_number(v) for v in start)})",
            )
    if positive and _spans_decades(ax):
        ax.set_yscale("log")
    ax.grid(True, which="major")
    ax.set_xlabel("step")
    ax.set_ylabel("loss")
    ax.set_xlim(0, None)
    return [*lines, *ends]


def _spans_decades(ax: Axes, decades: float = 2.0) -> bool:
    """Whether the data plotted so far spans more than ``decades`` powers of ten in y."""
    ys = np.concatenate([line.get_ydata() for line in ax.get_lines()])
    ys = ys[np.isfinite(ys) & (ys > 0)]
    return ys.size > 0 and float(ys.max() / ys.min()) > 10.0**decades


def loss_curves_caption(experiments: Experiments = None) -> str:
    """Caption of ``loss-curves``."""
    chosen = resolve_experiments(experiments, RACES)
    parts = []
    for experiment in chosen:
        runs = ", ".join(
            f"{run_label(c, t, lr=False, params=False)} {status_phrase(t.status, t.steps)}"
            for c, t in experiment_result(experiment).by_run()
        )
        parts.append(f"{experiment.surface.title}: {runs}")
    return "Loss against step (log scale). " + "; ".join(parts) + "."


def make_loss_curves(
    theme: str = "light", experiments: Experiments = None, layout: str = "wide"
) -> Figure:
    """``loss-curves``: loss against step (log scale) for the runs of ``optimizer-paths``;
    ``layout`` ``"narrow"`` stacks the panels in one column (phones)."""
    chosen = resolve_experiments(experiments, RACES)
    shared = len(chosen) > 1 and _same_runs(chosen)
    narrow = check_layout(layout)
    with theme_context(theme) as th:
        if narrow:
            figure = new_figure(NARROW_WIDTH, 3.3 * (len(chosen) + shared) + 1.4)
        elif shared:
            figure = new_figure(11.0, 7.0)
        else:
            figure = new_figure(*_figure_size(len(chosen), ncols=2, panel=5.0, extra=1.0))
        ncols = 1 if narrow else 3 if shared else 2
        panels, spares = _panel_grid(figure, len(chosen), 1 if shared else 0, ncols=ncols)
        for ax, experiment in zip(panels, chosen, strict=True):
            plot_loss_curves(ax, experiment, theme=th, labels=not shared)
            ax.set_title(_panel_title(experiment, shared), loc="left")
            if not shared:
                ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), frameon=False)
        if not shared and len(chosen) == 1:
            figure.suptitle(f"Loss per step: {chosen[0].title}", x=0.01, ha="left")
        if shared:
            _rate_table(spares[0], chosen, th)
            _shared_legend(figure, chosen[0], th, markers=False, ncols=3 if narrow else None)
            figure.suptitle("Loss per step on seed 003's landscapes", x=0.01, ha="left")
    return figure


def _rate_table(ax: Axes, experiments: Sequence[Experiment], theme: Theme) -> None:
    """The learning rate of every run, as a small table (rows: optimizers, columns: landscapes)."""
    from gdviz.style import optimizer_label

    ax.axis("off")
    ax.set_title("Learning rates", loc="left")
    runs = experiments[0].runs
    colors = run_colors(experiments[0], theme)
    cells = [
        [format_number(initial_lr(t), 2) for _, t in experiment_result(e).by_run()]
        for e in experiments
    ]
    table = ax.table(
        cellText=cells,
        rowLabels=[_short_title(e) for e in experiments],
        colLabels=[optimizer_label(run.optimizer) for run in runs],
        loc="upper center",
        cellLoc="center",
        edges="horizontal",
    )
    table.auto_set_font_size(False)
    table.set_fontsize(10)
    table.auto_set_column_width(list(range(-1, len(runs))))
    table.scale(1.0, 1.7)
    for (row, col), cell in table.get_celld().items():
        cell.set_edgecolor(theme.grid)
        cell.set_facecolor("none")
        cell.get_text().set_color(theme.foreground)
        if row == 0:
            cell.get_text().set_color(colors[col])
            cell.get_text().set_fontweight("bold")
        elif col == -1:
            cell.get_text().set_color(theme.muted)


# ------------------------------------------------------------------------ momentum


def momentum_caption(experiment: Experiment | None = None) -> str:
    """Caption of ``momentum``."""
    experiment = experiment or resolve_experiments(None, ["momentum"])[0]
    runs = "; ".join(
        f"{run_label(c, t, optimizer=False)}: {status_phrase(t.status, t.steps)}, "
        f"loss {format_number(t.final_loss)}"
        for c, t in experiment_result(experiment).by_run()
    )
    return f"{experiment.title}. {runs}."


def make_momentum(
    theme: str = "light", experiments: Experiments = None, layout: str = "wide"
) -> Figure:
    """``momentum``: momentum 0, 0.5, 0.9, 0.99 on the elongated valley: paths and losses
    (side by side; ``layout`` ``"narrow"``: one above the other, for phones)."""
    experiment = resolve_experiments(experiments, ["momentum"])[0]
    result = experiment_result(experiment)
    narrow = check_layout(layout)
    with theme_context(theme) as th:
        if narrow:
            figure = new_figure(NARROW_WIDTH, 2 * NARROW_WIDTH + 2.4)
            left, right = figure.subplots(2, 1)
        else:
            figure = new_figure(11.0, 6.0)
            left, right = figure.subplots(1, 2, width_ratios=[1, 1.05])
        plot_optimizer_paths(left, experiment, result, theme=th, labels=False)
        left.set_title(f"Paths on {experiment.surface.pretty}", loc="left")
        plot_loss_curves(right, experiment, result, theme=th, labels=False)
        right.set_title("Loss per step", loc="left")
        colors = run_colors(experiment, th)
        handles = [
            Line2D(
                [],
                [],
                color=color,
                linewidth=2.5,
                label=f"{run_label(config, t, optimizer=False, lr=False)}: "
                f"{status_phrase(t.status, t.steps)}, loss {format_number(t.final_loss)}",
            )
            for color, (config, t) in zip(colors, result.by_run(), strict=True)
        ]
        figure.legend(
            handles=handles, loc="outside lower center", ncols=1 if narrow else 2, frameon=False
        )
        lr = initial_lr(result.by_run()[0][1])
        title = f"{experiment.title} (SGD, lr {format_number(lr)})"
        figure.suptitle(title.replace(" on ", "\non ") if narrow else title, x=0.01, ha="left")
    return figure


# ------------------------------------------------------------------------ 3-D surface


def plot_surface_path(
    ax: Axes3D,
    experiment: Experiment,
    result: ExperimentResult | None = None,
    *,
    theme: str | Theme = "light",
    resolution: int = 90,
) -> list[Artist]:
    """The landscape as a 3-D surface (an ``mplot3d`` Axes) with every run's path lying on it.

    A path's height is the loss the run recorded at each point, :math:`L(\\theta_k)`, so it lies
    on the surface. Returns the path lines (3-D data: ``x, y, L``) followed by the surface.
    """
    theme = theme_of(theme)
    result = result or experiment_result(experiment)
    surface = experiment.surface
    grid_x, grid_y, z = landscape_grid(surface, resolution=resolution)
    _, norm = contour_levels(z, surface.log_levels, 64)
    light = LightSource(azdeg=315, altdeg=50)
    faces = light.shade(
        z,
        cmap=landscape_cmap(theme.name),
        norm=norm,
        blend_mode="soft",
        vert_exag=0.5 * (np.ptp(grid_x) / max(float(np.ptp(z)), 1e-12)),
    )
    mesh = ax.plot_surface(
        grid_x,
        grid_y,
        z,
        facecolors=faces,
        linewidth=0,
        antialiased=False,
        rcount=resolution,
        ccount=resolution,
        shade=False,
        zorder=1,
    )
    mesh.set_rasterized(True)
    colors = run_colors(experiment, theme)
    lines: list[Artist] = []
    lift = 0.004 * float(np.ptp(z))
    for r, config in enumerate(experiment.runs):
        for s in range(len(experiment.starts)):
            trajectory = result.trajectories[r, s]
            points = trajectory.points
            (line,) = ax.plot(
                points[:, 0],
                points[:, 1],
                trajectory.losses + lift,
                color=colors[r],
                linewidth=2.4,
                zorder=5 - 0.1 * r,
                label=run_label(config, trajectory) if s == 0 else None,
                path_effects=stroke(theme, 4.0),
            )
            ax.scatter(
                [points[-1, 0]],
                [points[-1, 1]],
                [trajectory.losses[-1] + lift],
                color=colors[r],
                s=30,
                zorder=6,
                depthshade=False,
            )
            lines.append(line)
    if surface.minima:
        minima = np.asarray(surface.minima)
        ax.scatter(
            minima[:, 0],
            minima[:, 1],
            surface.loss(minima) + lift,
            depthshade=False,
            zorder=7,
            **MINIMUM_STYLE,
        )
    (x_lo, x_hi), (y_lo, y_hi) = surface.bounds
    ax.set_xlim(x_lo, x_hi)
    ax.set_ylim(y_lo, y_hi)
    ax.set_xlabel(surface.variables[0], labelpad=2)
    ax.set_ylabel(surface.variables[1], labelpad=2)
    ax.set_zlabel("loss", labelpad=4)
    ax.tick_params(labelsize=10, pad=0)
    return [*lines, mesh]


def surface_3d_caption(experiment: Experiment | None = None) -> str:
    """Caption of ``surface-3d``."""
    experiment = experiment or resolve_experiments(None, ["race-himmelblau"])[0]
    runs = "; ".join(
        f"{run_label(c, t)}: {status_phrase(t.status, t.steps)}, loss {format_number(t.final_loss)}"
        for c, t in experiment_result(experiment).by_run()
    )
    return f"The {experiment.surface.title} surface with each run's path drawn on it. {runs}."


def make_surface_3d(theme: str = "light", experiments: Experiments = None) -> Figure:
    """``surface-3d``: Himmelblau's surface with seed 003's four optimizers descending on it."""
    experiment = resolve_experiments(experiments, ["race-himmelblau"])[0]
    result = experiment_result(experiment)
    with theme_context(theme) as th:
        figure = new_figure(9.0, 7.0)
        ax = cast("Axes3D", figure.add_subplot(projection="3d", computed_zorder=False))
        plot_surface_path(ax, experiment, result, theme=th)
        ax.view_init(elev=38, azim=-128)
        ax.set_box_aspect((1, 1, 0.6), zoom=1.05)
        ax.set_facecolor(th.background)
        ax.legend(loc="upper left", bbox_to_anchor=(0.0, 0.98))
        names = [run.display_name for run in experiment.runs]
        who = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        figure.suptitle(f"{who} on the {experiment.surface.title} surface", x=0.01, ha="left")
    return figure
