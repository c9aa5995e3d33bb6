"""Drawing primitives shared by the gallery: landscapes, paths, minima, loss curves.

Each ``plot_*`` function draws on a given :class:`~matplotlib.axes.Axes` and returns the artists
it made, the first being the one that carries the data (the path's :class:`Line2D` *is* the
trajectory: its data are ``trajectory.points``). Colours come from :mod:`gdviz.style`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from matplotlib import patheffects
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.colors import Colormap, LogNorm, Normalize
from matplotlib.contour import QuadContourSet
from matplotlib.lines import Line2D

from gdviz.figures._base import landscape_cmap, theme_of
from gdviz.landscapes import Landscape
from gdviz.style import Theme
from gdviz.trajectory import Trajectory

__all__ = [
    "MINIMUM_STYLE",
    "contour_levels",
    "landscape_grid",
    "mark_minima",
    "mark_start",
    "plot_curve",
    "plot_landscape",
    "plot_loss",
    "plot_path",
    "plot_path_on_curve",
    "stroke",
]

#: How a known minimum is marked on every landscape (light star, dark edge: readable on any
#: colour of the landscape colormap, in both themes).
MINIMUM_STYLE: dict[str, Any] = dict(
    marker="*", s=190, facecolor="#FFFFFF", edgecolor="#1F2328", linewidth=0.9
)

#: Above this many updates a path is drawn as a line only (no per-step dots).
_DOTS_UP_TO = 80


def stroke(theme: Theme, width: float) -> list[patheffects.AbstractPathEffect]:
    """A halo in the theme's background so a line stays readable over a landscape."""
    return [patheffects.withStroke(linewidth=width, foreground=theme.background, alpha=0.85)]


def landscape_grid(
    landscape: Landscape,
    bounds: Sequence[tuple[float, float]] | None = None,
    resolution: int = 240,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``X, Y, Z`` with :math:`Z = L(X, Y)` on a ``resolution``² grid over ``bounds``."""
    (x_lo, x_hi), (y_lo, y_hi) = bounds or landscape.bounds
    xs = np.linspace(x_lo, x_hi, resolution)
    ys = np.linspace(y_lo, y_hi, resolution)
    grid_x, grid_y = np.meshgrid(xs, ys, indexing="xy")
    z = landscape.loss(np.stack([grid_x, grid_y], axis=-1))
    return grid_x, grid_y, z


def contour_levels(z: np.ndarray, log: bool, count: int = 16) -> tuple[np.ndarray, Normalize]:
    """Contour levels and colour norm for loss values ``z``.

    Log-spaced (geometric) levels from the 0.1 % quantile (at least :math:`10^{-5}` of the
    maximum) to the maximum when ``log`` and the loss is non-negative; otherwise evenly spaced.
    """
    finite = z[np.isfinite(z)]
    lo, hi = float(finite.min()), float(finite.max())
    if log and lo >= 0 and hi > 0:
        floor = max(float(np.quantile(finite, 0.001)), hi * 1e-5, np.finfo(float).tiny)
        levels = np.geomspace(floor, hi, count)
        return levels, LogNorm(floor, hi)
    if hi == lo:
        hi = lo + 1.0
    return np.linspace(lo, hi, count), Normalize(lo, hi)


def plot_landscape(
    ax: Axes,
    landscape: Landscape,
    *,
    theme: str | Theme = "light",
    bounds: Sequence[tuple[float, float]] | None = None,
    resolution: int = 240,
    levels: int = 16,
    cmap: str | Colormap | None = None,
) -> tuple[QuadContourSet, QuadContourSet]:
    """Filled contours of a 2-D landscape plus thin contour lines.

    Levels are log-spaced when ``landscape.log_levels``. The default colormap is the theme's
    quiet CIELAB ramp (:func:`~gdviz.figures._base.landscape_cmap`), low loss lightest in the
    light theme and darkest in the dark one, so coloured paths stand out. Sets the axes'
    limits to ``bounds``, an equal aspect when the window is square, and labels the axes with
    the variable names.
    Returns ``(filled, lines)``.
    """
    theme = theme_of(theme)
    grid_x, grid_y, z = landscape_grid(landscape, bounds, resolution)
    values, norm = contour_levels(z, landscape.log_levels, levels)
    filled = ax.contourf(
        grid_x,
        grid_y,
        z,
        levels=values,
        norm=norm,
        cmap=cmap or landscape_cmap(theme.name),
        extend="both",
    )
    lines = ax.contour(
        grid_x,
        grid_y,
        z,
        levels=values,
        norm=norm,
        colors=theme.foreground,
        linewidths=0.4,
        alpha=0.18,
    )
    # the landscape is a backdrop: raster it inside SVG/PDF (a Rastrigin contour set is
    # megabytes of paths), keep the paths, markers and text vector
    filled.set_rasterized(True)
    lines.set_rasterized(True)
    (x_lo, x_hi), (y_lo, y_hi) = bounds or landscape.bounds
    ax.set_xlim(x_lo, x_hi)
    ax.set_ylim(y_lo, y_hi)
    if np.isclose(x_hi - x_lo, y_hi - y_lo):
        ax.set_aspect("equal", adjustable="box")
    ax.set_xlabel(landscape.variables[0])
    ax.set_ylabel(landscape.variables[1], rotation=0, labelpad=8)
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.tick_params(length=3, color=theme.muted)
    return filled, lines


def plot_path(
    ax: Axes,
    trajectory: Trajectory,
    *,
    color: str,
    label: str | None = None,
    theme: str | Theme = "light",
    linewidth: float = 2.0,
    dots: bool | None = None,
    zorder: float = 3,
) -> list[Artist]:
    """A 2-D trajectory as a line through its points, with its end marked.

    The end is a filled dot, or a cross for a diverged run. Per-step dots are drawn for short
    runs (``dots=None``: up to 80 updates). Returns ``[line, end_marker]``; ``line.get_xydata()``
    equals ``trajectory.points``.
    """
    theme = theme_of(theme)
    points = trajectory.points
    show_dots = trajectory.steps <= _DOTS_UP_TO if dots is None else dots
    (line,) = ax.plot(
        points[:, 0],
        points[:, 1],
        color=color,
        linewidth=linewidth,
        marker="o" if show_dots else None,
        markersize=3.2,
        markeredgewidth=0,
        label=label,
        solid_capstyle="round",
        solid_joinstyle="round",
        path_effects=stroke(theme, linewidth + 1.6),
        zorder=zorder,
    )
    diverged = trajectory.status == "diverged"
    end = ax.scatter(
        [points[-1, 0]],
        [points[-1, 1]],
        marker="X" if diverged else "o",
        s=70 if diverged else 46,
        color=color,
        edgecolor=theme.background,
        linewidth=1.2,
        zorder=zorder + 1,
    )
    return [line, end]


def mark_start(ax: Axes, start: Sequence[float], *, theme: str | Theme = "light") -> Artist:
    """The shared start point of some paths: a hollow ring."""
    theme = theme_of(theme)
    return ax.scatter(
        [start[0]],
        [start[1]],
        marker="o",
        s=90,
        facecolor="none",
        edgecolor="#FFFFFF",
        linewidth=2.2,
        path_effects=[patheffects.withStroke(linewidth=3.6, foreground="#1F2328")],
        zorder=5,
    )


def mark_minima(ax: Axes, landscape: Landscape, **style: Any) -> Artist | None:
    """Every known minimum of a 2-D landscape as a star; ``None`` if it has none."""
    if not landscape.minima:
        return None
    minima = np.asarray(landscape.minima)
    return ax.scatter(minima[:, 0], minima[:, 1], zorder=6, **{**MINIMUM_STYLE, **style})


def plot_curve(
    ax: Axes,
    landscape: Landscape,
    x_range: tuple[float, float],
    *,
    theme: str | Theme = "light",
    resolution: int = 600,
) -> Line2D:
    """The graph of a 1-D landscape over ``x_range`` (in the theme's muted colour)."""
    theme = theme_of(theme)
    xs = np.linspace(*x_range, resolution)
    (line,) = ax.plot(xs, landscape.loss(xs[:, None]), color=theme.muted, linewidth=1.8, zorder=1)
    ax.set_xlim(*x_range)
    ax.set_xlabel(landscape.variables[0])
    ax.set_ylabel(f"f({landscape.variables[0]})")
    return line


def plot_path_on_curve(
    ax: Axes,
    trajectory: Trajectory,
    *,
    color: str,
    label: str | None = None,
    theme: str | Theme = "light",
    linewidth: float = 1.4,
) -> list[Artist]:
    """A 1-D trajectory as the points :math:`(x_k, f(x_k))` joined in step order.

    Returns ``[line, start_marker]``; the line's data are ``(points[:, 0], losses)``.
    """
    theme = theme_of(theme)
    xs = trajectory.points[:, 0]
    (line,) = ax.plot(
        xs,
        trajectory.losses,
        color=color,
        linewidth=linewidth,
        marker="o",
        markersize=5,
        markeredgecolor=theme.background,
        markeredgewidth=0.8,
        label=label,
        zorder=3,
    )
    start = ax.scatter(
        [xs[0]],
        [trajectory.losses[0]],
        s=80,
        facecolor=theme.background,
        edgecolor=color,
        linewidth=2,
        zorder=4,
    )
    return [line, start]


def plot_loss(
    ax: Axes,
    trajectory: Trajectory,
    *,
    color: str,
    label: str | None = None,
    theme: str | Theme = "light",
    linewidth: float = 2.0,
    linestyle: Any = "-",
) -> list[Artist]:
    """Loss against step, its end marked (a cross where the run diverged).

    Returns ``[line, end_marker]``; the line's data are ``(arange(n + 1), losses)``.
    """
    theme = theme_of(theme)
    steps = np.arange(trajectory.points.shape[0])
    (line,) = ax.plot(
        steps,
        trajectory.losses,
        color=color,
        linewidth=linewidth,
        linestyle=linestyle,
        label=label,
    )
    diverged = trajectory.status == "diverged"
    end = ax.scatter(
        [steps[-1]],
        [trajectory.losses[-1]],
        marker="X" if diverged else "o",
        s=64 if diverged else 30,
        color=color,
        edgecolor=theme.background,
        linewidth=1,
        zorder=4,
    )
    return [line, end]
