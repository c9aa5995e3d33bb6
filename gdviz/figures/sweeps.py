"""Sweep figures: final loss against the learning rate, the stability limit, basins of attraction.

Each is one batched :func:`~gdviz.descent.descend` call (hundreds of learning rates, or a
400 × 400 grid of starts), computed in :mod:`gdviz.figures.data`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.colors import BoundaryNorm, ListedColormap
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle
from matplotlib.ticker import FuncFormatter, NullFormatter

from gdviz.descent import TrajectoryBatch, descend
from gdviz.experiments import Experiment, RunConfig
from gdviz.figures._base import NARROW_WIDTH, check_layout, new_figure, theme_context, theme_of
from gdviz.figures.contours import run_colors
from gdviz.figures.data import (
    BasinMap,
    StabilitySweep,
    basin_map,
    experiment_result,
    lr_sweep,
    resolve_experiments,
    stability_sweep,
)
from gdviz.figures.labels import initial_lr, run_label
from gdviz.figures.primitives import (
    contour_levels,
    landscape_grid,
    mark_minima,
)
from gdviz.keyed import Keyed
from gdviz.landscapes import get_landscape
from gdviz.numbers import format_number, superscript
from gdviz.style import Theme, series_color
from gdviz.trajectory import Trajectory

__all__ = [
    "BASIN_LR",
    "BASIN_RESOLUTION",
    "BASIN_STEPS",
    "SWEEP_COUNT",
    "basins_caption",
    "compute_basins",
    "compute_lr_sweeps",
    "compute_stability",
    "lr_sweep_caption",
    "make_basins",
    "make_lr_sweep",
    "make_stability",
    "plot_basins",
    "plot_diverged_band",
    "plot_lr_sweep",
    "plot_stability",
    "stability_caption",
]

Experiments = Experiment | Sequence[Experiment] | Mapping[str, Experiment] | None

#: Learning rates per optimizer in ``lr-sweep`` (log-spaced).
SWEEP_COUNT = 240
#: Plain GD on Himmelblau for ``basins``: rate, step budget, grid size.
BASIN_LR, BASIN_STEPS, BASIN_RESOLUTION = 0.01, 300, 400
#: ``stability``'s example paths: rates as multiples of 2/λmax, and their length.
EXAMPLE_RATIOS, EXAMPLE_STEPS = (0.9, 1.05), 40
#: Losses below this are drawn at this floor on log axes.
LOSS_FLOOR = 1e-16

Sweep = tuple[RunConfig, np.ndarray, TrajectoryBatch]


# ------------------------------------------------------------------------------ lr sweep


def sweep_range(
    experiment: Experiment, decades_below: float = 3.0, decades_above: float = 2.0
) -> np.ndarray:
    """``SWEEP_COUNT`` log-spaced rates around the experiment's own rates."""
    rates = [run.lr for run in experiment.runs]
    lo = min(rates) * 10.0**-decades_below
    hi = max(rates) * 10.0**decades_above
    return np.geomspace(lo, hi, SWEEP_COUNT)


def compute_lr_sweeps(experiment: Experiment) -> list[Sweep]:
    """For each run of ``experiment``: its config, the swept rates, and the batched result."""
    return _lr_sweeps(Keyed(experiment.fingerprint(), experiment))


@cache
def _lr_sweeps(keyed: Keyed[Experiment]) -> list[Sweep]:
    experiment = keyed.value
    lrs = sweep_range(experiment)
    return [
        (
            config,
            lrs,
            lr_sweep(
                experiment.surface,
                config,
                experiment.starts[0],
                lrs,
                steps=experiment.steps,
                grad_tol=experiment.grad_tol,
            ),
        )
        for config in experiment.runs
    ]


def plot_diverged_band(
    ax: Axes, lrs: np.ndarray, diverged: np.ndarray, *, color: str, theme: str | Theme = "light"
) -> list[Artist]:
    """A band along the top of a log-x axes, a tick at every rate that diverged.

    Returns ``[band, ticks]``; the ticks' x offsets are ``lrs[diverged]``.
    """
    theme = theme_of(theme)
    top = ax.get_xaxis_transform()  # x in data, y in axes fraction
    band = ax.add_patch(
        Rectangle(
            (0, 0.915),
            1,
            0.085,
            transform=ax.transAxes,
            facecolor=theme.panel,
            linewidth=0,
            zorder=0.5,
        )
    )
    ticks = ax.scatter(
        lrs[diverged],
        np.full(int(diverged.sum()), 0.957),
        transform=top,
        marker="|",
        s=80,
        color=color,
        linewidth=1.4,
        zorder=4,
        clip_on=False,
    )
    ax.text(
        0.01,
        0.957,
        "diverged" if diverged.any() else "no rate diverged",
        transform=ax.transAxes,
        ha="left",
        va="center",
        fontsize=10,
        color=theme.muted,
        zorder=5,
    )
    return [band, ticks]


def plot_lr_sweep(
    ax: Axes,
    lrs: np.ndarray,
    final_losses: np.ndarray,
    status: np.ndarray,
    *,
    color: str,
    label: str | None = None,
    linewidth: float = 2.0,
) -> Line2D:
    """Final loss against learning rate (log–log); diverged rates are left as gaps.

    The line's x data are ``lrs``; its y data the final losses (floored at ``LOSS_FLOOR``),
    ``NaN`` where the run diverged.
    """
    shown = np.where(status == "diverged", np.nan, np.maximum(final_losses, LOSS_FLOOR))
    (line,) = ax.plot(lrs, shown, color=color, linewidth=linewidth, label=label)
    ax.set_xscale("log")
    ax.set_yscale("log")
    return line


def lr_sweep_caption(experiment: Experiment | None = None) -> str:
    """Caption of ``lr-sweep``: for each optimizer, the range of rates that did not diverge."""
    experiment = experiment or resolve_experiments(None, ["race-valley"])[0]
    parts = []
    race = experiment_result(experiment).by_run()
    lrs = np.empty(0)
    for (config, lrs, batch), (_, trajectory) in zip(
        compute_lr_sweeps(experiment), race, strict=True
    ):
        ok = batch.status != "diverged"
        best = int(np.argmin(np.where(ok, batch.final_losses, np.inf)))
        largest = format_number(float(lrs[ok].max())) if ok.any() else "none"
        parts.append(
            f"{run_label(config, trajectory, lr=False)}: {int((~ok).sum())} of {len(lrs)} rates "
            f"diverged, largest stable rate {largest}, lowest final loss "
            f"{format_number(float(batch.final_losses[best]))} "
            f"at lr {format_number(float(lrs[best]))}"
        )
    return (
        f"Final loss after at most {experiment.steps} steps on the "
        f"{experiment.surface.title.lower()} "
        f"from ({', '.join(format_number(v) for v in experiment.starts[0])}), "
        f"{len(lrs)} log-spaced "
        "learning rates per optimizer, each optimizer one batched run. " + "; ".join(parts) + "."
    )


def make_lr_sweep(
    theme: str = "light", experiments: Experiments = None, layout: str = "wide"
) -> Figure:
    """``lr-sweep``: final loss against learning rate for SGD, Momentum, RMSprop and Adam on
    the valley, 240 rates per optimizer in one batched run each; one panel per optimizer (the
    others faint behind it), diverged rates ticked in a band at the top, the race's rate ringed.
    ``layout`` ``"narrow"``: one panel per row, for phones."""
    experiment = resolve_experiments(experiments, ["race-valley"])[0]
    sweeps = compute_lr_sweeps(experiment)
    race = experiment_result(experiment).by_run()
    count = len(sweeps)
    narrow = check_layout(layout)
    ncols = 2 if count > 1 and not narrow else 1
    nrows = -(-count // ncols)
    with theme_context(theme) as th:
        width = NARROW_WIDTH if narrow else 10.0 if ncols == 2 else 7.5
        figure = new_figure(width, (3.0 if narrow else 3.5) * nrows + 1.1)
        axes = figure.subplots(nrows, ncols, sharex=True, sharey=True, squeeze=False).ravel()
        colors = run_colors(experiment, th)
        for i, (ax, (config, lrs, batch), (_, trajectory)) in enumerate(
            zip(axes, sweeps, race, strict=False)
        ):
            for j, (_, other_lrs, other) in enumerate(sweeps):
                if j != i:
                    plot_lr_sweep(
                        ax,
                        other_lrs,
                        other.final_losses,
                        other.status,
                        color=th.grid,
                        linewidth=1.2,
                    )
            ok = batch.status != "diverged"
            plot_lr_sweep(ax, lrs, batch.final_losses, batch.status, color=colors[i])
            ax.scatter(
                [initial_lr(trajectory)],
                [max(trajectory.final_loss, LOSS_FLOOR)],
                s=90,
                facecolor="none",
                edgecolor=th.foreground,
                linewidth=1.8,
                zorder=5,
            )
            loss_axis(ax, top=1e7, every=5)
            plot_diverged_band(ax, lrs, ~ok, color=colors[i], theme=th)
            if ok.all():
                stable = f"finite up to lr {format_number(float(lrs.max()))}"
            elif ok.any():
                stable = f"stable up to lr {format_number(float(lrs[ok].max()))}"
            else:
                stable = "every rate diverged"
            ax.set_title(f"{run_label(config, trajectory, lr=False)}", loc="left", color=colors[i])
            ax.annotate(
                f"{stable}\n◯ race: lr {format_number(initial_lr(trajectory))}, "
                f"loss {format_number(trajectory.final_loss, 2)}",
                xy=(0.02, 0.04),
                xycoords="axes fraction",
                ha="left",
                va="bottom",
                fontsize=10,
                color=th.foreground,
            )
            ax.grid(True, which="major")
        for ax in axes[count:]:
            ax.set_visible(False)
        for ax in axes[::ncols]:
            ax.set_ylabel("final loss")
        start = ", ".join(format_number(v) for v in experiment.starts[0])
        gap = "\n" if narrow else " "  # a phone's column takes the long lines in two
        figure.supxlabel(
            f"learning rate ({len(sweeps[0][1])} log-spaced rates per optimizer, one batched run "
            f"each;{gap}from ({start}), at most {experiment.steps} steps)",
            fontsize=11,
        )
        figure.suptitle(
            f"Final loss against learning rate{gap}on the {experiment.surface.title.lower()} "
            f"{experiment.surface.pretty}",
            x=0.01,
            ha="left",
        )
    return figure


# ------------------------------------------------------------------------------ stability


def compute_stability(experiment: Experiment) -> StabilitySweep:
    """:func:`~gdviz.figures.data.stability_sweep` for ``experiment``, cached."""
    return _stability(Keyed(experiment.fingerprint(), experiment))


@cache
def _stability(experiment: Keyed[Experiment]) -> StabilitySweep:
    return stability_sweep(experiment.value)


def loss_axis(ax: Axes, top: float, floor: float = LOSS_FLOOR, every: int = 4) -> None:
    """A log loss axis from ``floor`` to ``top``, ticked every ``every`` decades as powers of
    ten; the bottom tick reads "≤ floor" (smaller losses are drawn at the floor)."""
    ax.set_ylim(floor, top)
    low = round(np.log10(floor))
    ax.set_yticks(10.0 ** np.arange(low, np.log10(top) + 1e-9, every))
    ax.yaxis.set_minor_formatter(NullFormatter())

    def label(value: float, _position: float) -> str:
        exponent = round(np.log10(value)) if value > 0 else 0
        text = "10" + superscript(exponent)
        return f"≤{text}" if exponent == low else text

    ax.yaxis.set_major_formatter(FuncFormatter(label))


def plot_stability(
    ax: Axes, sweep: StabilitySweep, *, theme: str | Theme = "light"
) -> list[Artist]:
    """Final loss against lr (log–log) with :math:`2/\\lambda_{\\max}` marked, the unstable
    side shaded and diverged rates ticked along the top.

    Returns ``[curve, limit line, shading, band, ticks]``; the limit line's x is ``lr_limit``.
    """
    theme = theme_of(theme)
    lrs = sweep.batch.lr0
    diverged = sweep.batch.status == "diverged"
    curve = plot_lr_sweep(
        ax,
        lrs,
        sweep.batch.final_losses,
        sweep.batch.status,
        color=series_color(0, theme=theme),
        label="final loss",
    )
    limit_color = series_color(3, theme=theme)
    limit = ax.axvline(
        sweep.lr_limit,
        color=limit_color,
        linewidth=2,
        linestyle=(0, (5, 3)),
        label=f"2/λmax = {format_number(sweep.lr_limit)}",
    )
    shade = ax.axvspan(sweep.lr_limit, float(lrs.max()), color=limit_color, alpha=0.1, linewidth=0)
    ax.set_xlim(float(lrs.min()), float(lrs.max()))
    loss_axis(ax, top=1e14)
    band = plot_diverged_band(ax, lrs, diverged, color=series_color(0, theme=theme), theme=theme)
    ticks = [v for v in (0.1, 0.2, 0.5, 1.0, 2.0) if lrs.min() <= v * sweep.lr_limit <= lrs.max()]
    ax.set_xticks(
        [v * sweep.lr_limit for v in ticks], [format_number(v * sweep.lr_limit) for v in ticks]
    )
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.grid(True, which="major")
    ax.set_xlabel("learning rate η")
    ax.set_ylabel("final loss")
    return [curve, limit, shade, *band]


def plot_steep_error(
    ax: Axes, sweep: StabilitySweep, trajectory: Trajectory, *, color: str, label: str | None = None
) -> Line2D:
    """The distance to the minimum along the steepest direction at each step (log y)."""
    error = sweep.steep_error(trajectory)
    (line,) = ax.plot(
        np.arange(len(error)), error, color=color, marker="o", markersize=3.5, label=label
    )
    ax.set_yscale("log")
    return line


def stability_caption(experiment: Experiment | None = None) -> str:
    """Caption of ``stability``: λmax, the limit, and what the sweep did either side of it."""
    experiment = experiment or resolve_experiments(None, ["race-valley"])[0]
    sweep = compute_stability(experiment)
    lrs, status = sweep.batch.lr0, sweep.batch.status
    below = lrs < sweep.lr_limit
    eig = ", ".join(format_number(float(v)) for v in sweep.eigenvalues)
    first_bad = lrs[(status == "diverged")]
    return (
        f"Plain GD on the {sweep.landscape.title.lower()} {sweep.landscape.pretty}: the Hessian at "
        f"the minimum has eigenvalues {eig}, so rates below "
        f"2/λmax = {format_number(sweep.lr_limit)} "
        f"converge and larger ones do not. {len(lrs)} log-spaced rates in one batched run of "
        f"{experiment.steps} steps: {int(np.sum(below & (status != 'diverged')))} of "
        f"{int(below.sum())} rates below the limit ended finite, "
        f"{int(np.sum(~below & (status == 'diverged')))} of {int((~below).sum())} above it diverged"
        + (
            f" (the smallest diverging rate is {format_number(float(first_bad.min()))})."
            if first_bad.size
            else "."
        )
    )


def make_stability(theme: str = "light", experiments: Experiments = None) -> Figure:
    """``stability``: on the valley, 2/λmax from the Hessian marked on final loss against lr
    (one batched run), and, either side of the limit, the error along the steepest direction."""
    experiment = resolve_experiments(experiments, ["race-valley"])[0]
    sweep = compute_stability(experiment)
    surface = sweep.landscape
    examples = descend(
        surface,
        RunConfig("gd", sweep.lr_limit).make_optimizer(),
        np.array(experiment.starts[0]),
        lr=np.array(EXAMPLE_RATIOS) * sweep.lr_limit,
        steps=EXAMPLE_STEPS,
        grad_tol=0,
    )
    with theme_context(theme) as th:
        figure = new_figure(11.0, 5.0)
        left, right = figure.subplots(1, 2, width_ratios=[1.3, 1])
        plot_stability(left, sweep, theme=th)
        limit_color = series_color(3, theme=th)
        left.annotate(
            f"2/λmax = {format_number(sweep.lr_limit)}\n"
            f"λmax = {format_number(sweep.lam_max)}: Hessian "
            f"at ({', '.join(format_number(v) for v in sweep.minimum)})",
            (sweep.lr_limit, 0.55),
            xycoords=("data", "axes fraction"),
            xytext=(-10, 0),
            textcoords="offset points",
            ha="right",
            va="center",
            color=limit_color,
            fontsize=10,
        )
        left.text(
            0.99,
            0.4,
            "unstable:\nη > 2/λmax",
            transform=left.transAxes,
            ha="right",
            va="top",
            color=limit_color,
            fontsize=10,
        )
        left.set_title(
            f"Final loss after ≤ {experiment.steps} steps, {len(sweep.batch.lr0)} rates",
            loc="left",
        )
        for i, color in ((0, series_color(2, theme=th)), (1, limit_color)):
            assert isinstance(examples, TrajectoryBatch)
            trajectory = examples[i]
            rate = initial_lr(trajectory)
            factor = abs(1 - rate * sweep.lam_max)
            plot_steep_error(
                right,
                sweep,
                trajectory,
                color=color,
                label=f"η = {format_number(rate / sweep.lr_limit, 3)} × 2/λmax: "
                f"|1 − ηλmax| = {format_number(factor, 3)}",
            )
        right.grid(True)
        right.set_xlabel("step k")
        right.set_ylabel("distance along the steep axis")
        right.set_xlim(0, EXAMPLE_STEPS)
        right.legend(loc="lower left")
        right.set_title(f"Either side of the limit, {EXAMPLE_STEPS} steps", loc="left")
        figure.suptitle(
            f"The largest stable learning rate on the {surface.title.lower()} {surface.pretty}",
            x=0.01,
            ha="left",
        )
    return figure


# ------------------------------------------------------------------------------ basins


@cache
def compute_basins(
    landscape: str = "himmelblau",
    lr: float = BASIN_LR,
    steps: int = BASIN_STEPS,
    resolution: int = BASIN_RESOLUTION,
) -> BasinMap:
    """:func:`~gdviz.figures.data.basin_map` on a built-in landscape, cached."""
    return basin_map(get_landscape(landscape), lr=lr, steps=steps, resolution=resolution)


def basin_colors(count: int, theme: Theme) -> list[str]:
    """Colours of basins ``0..count-1`` followed by the colour of "no minimum" (last)."""
    return [series_color(i, theme=theme) for i in range(count)] + [theme.muted]


def plot_basins(ax: Axes, basins: BasinMap, *, theme: str | Theme = "light") -> list[Artist]:
    """The basin of every start as an image (one colour per minimum, muted for none), the
    landscape's contours over it and the minima starred. Returns ``[image, contours, stars]``;
    the image's array holds the label (``-1`` = none) of each start."""
    theme = theme_of(theme)
    count = len(basins.landscape.minima)
    colors = basin_colors(count, theme)
    cmap = ListedColormap([colors[-1], *colors[:count]])
    norm = BoundaryNorm(np.arange(-1.5, count + 0.5), cmap.N)
    dx = (basins.xs[1] - basins.xs[0]) / 2
    dy = (basins.ys[1] - basins.ys[0]) / 2
    image = ax.imshow(
        basins.labels,
        origin="lower",
        cmap=cmap,
        norm=norm,
        interpolation="nearest",
        extent=(basins.xs[0] - dx, basins.xs[-1] + dx, basins.ys[0] - dy, basins.ys[-1] + dy),
        alpha=0.88,
    )
    grid_x, grid_y, z = landscape_grid(basins.landscape, resolution=200)
    levels, norm_z = contour_levels(z, basins.landscape.log_levels, 14)
    lines = ax.contour(
        grid_x,
        grid_y,
        z,
        levels=levels,
        norm=norm_z,
        colors=theme.background,
        linewidths=0.6,
        alpha=0.55,
    )
    lines.set_rasterized(True)
    stars = mark_minima(ax, basins.landscape)
    ax.set_aspect("equal")
    ax.set_xlabel(basins.landscape.variables[0])
    ax.set_ylabel(basins.landscape.variables[1], rotation=0, labelpad=8)
    for spine in ax.spines.values():
        spine.set_visible(False)
    return [image, lines, stars]  # type: ignore[list-item]


def basins_caption() -> str:
    """Caption of ``basins``: how the starts split between the minima, from the run."""
    basins = compute_basins()
    shares = "; ".join(
        f"({', '.join(format_number(v) for v in m)}): {basins.share(i):.1%}"
        for i, m in enumerate(basins.landscape.minima)
    )
    return (
        f"Plain GD with lr {format_number(basins.config.lr)} for at most {basins.steps} steps "
        "from each of "
        f"{basins.labels.size:,} starts ({len(basins.xs)} × {len(basins.ys)}) on "
        f"{basins.landscape.title}, coloured by the minimum reached: {shares}; "
        f"no minimum: {basins.share(-1):.1%}."
    )


def make_basins(theme: str = "light", experiments: Experiments = None) -> Figure:
    """``basins``: which of Himmelblau's four minima plain GD reaches from each of 400 × 400
    starts (one batched run, ``keep="final"``)."""
    basins = compute_basins()
    with theme_context(theme) as th:
        figure = new_figure(9.5, 6.6)
        ax = figure.add_subplot()
        plot_basins(ax, basins, theme=th)
        colors = basin_colors(len(basins.landscape.minima), th)
        handles = [
            Patch(
                color=colors[i],
                label=f"({', '.join(format_number(v, 3) for v in m)}): {basins.share(i):.1%}",
            )
            for i, m in enumerate(basins.landscape.minima)
        ]
        none = basins.share(-1)
        handles.append(Patch(color=colors[-1], label=f"no minimum: {none:.1%}"))
        ax.legend(
            handles=handles,
            title="minimum reached: share of starts",
            loc="upper left",
            bbox_to_anchor=(1.02, 1.0),
            frameon=False,
            alignment="left",
        )
        ax.set_title(
            f"Plain GD, lr {format_number(basins.config.lr)}, ≤ {basins.steps} steps, "
            f"{len(basins.xs)} × {len(basins.ys)} starts",
            loc="left",
            fontsize=11,
            fontweight="normal",
            color=th.muted,
        )
        figure.suptitle(f"Basins of attraction on {basins.landscape.title}", x=0.01, ha="left")
    return figure
