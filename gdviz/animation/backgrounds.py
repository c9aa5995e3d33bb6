"""Landscape backgrounds: a contour map rendered once to an image and laid on the axes.

Manim's Cairo renderer redraws, every frame, every mobject from the first *moving* one in the
scene's list onwards, so backgrounds are one pre-rendered image rather than hundreds of vector
contours, and scenes add static things first and moving things last.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from manim import RIGHT, UP, Axes, ImageMobject, Mobject, VGroup, VMobject, config

from gdviz.animation.axes import TICK_SIZE, plain_axes, tick_labels
from gdviz.animation.colors import BG, GRID, MUTED, THEME
from gdviz.animation.text import formula
from gdviz.style import landscape_ramp

__all__ = ["contour_panel", "height_field", "landscape_image"]


def height_field(surface: Any, xs: np.ndarray, ys: np.ndarray, log: bool) -> np.ndarray:
    """The loss on the grid ``xs × ys`` (rows: y), on a log scale ``log10(L − min + 10⁻³)``
    when ``log``; non-finite values are replaced by the largest finite one."""
    X, Y = np.meshgrid(xs, ys)
    Z = np.asarray(surface.loss(np.stack([X, Y], axis=-1)), dtype=float)
    finite = np.isfinite(Z)
    if not finite.any():
        raise ValueError(f"the loss of {surface.name} is not finite anywhere in its window")
    Z = np.where(finite, Z, np.max(Z[finite]))
    if log:
        Z = np.log10(Z - float(np.min(Z)) + 1e-3)
    return Z


def landscape_image(
    surface: Any,
    axes: Axes,
    *,
    levels: int = 18,
    log: bool | None = None,
    dim: float = 1.0,
    resolution: int = 300,
) -> ImageMobject:
    """A contour map of a 2-D landscape rendered once (matplotlib, Agg) and laid on ``axes``.

    The image has the pixel size the axes occupy in the current render, so it is drawn
    one-to-one; log-spaced levels when the landscape asks for them (``surface.log_levels``).
    Colours are the quiet landscape ramp of the dark theme (:func:`gdviz.style.landscape_ramp`,
    shared with the figures), so the optimizer colours are the only saturated ones.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.colors import ListedColormap
    from matplotlib.figure import Figure

    (x0, x1), (y0, y1) = axes.x_range[:2], axes.y_range[:2]
    lower, upper = axes.c2p(x0, y0), axes.c2p(x1, y1)
    width, height = upper[0] - lower[0], upper[1] - lower[1]
    px_per_unit = config.pixel_width / config.frame_width
    w_px, h_px = max(round(width * px_per_unit), 8), max(round(height * px_per_unit), 8)

    xs, ys = np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution)
    use_log = surface.log_levels if log is None else log
    Z = height_field(surface, xs, ys, use_log)
    fig = Figure(figsize=(w_px / 100, h_px / 100), dpi=100)
    canvas = FigureCanvasAgg(fig)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_axis_off()
    cmap = ListedColormap(landscape_ramp(THEME.name))
    ax.contourf(xs, ys, Z, levels=levels, cmap=cmap, antialiased=True)
    ax.contour(
        xs,
        ys,
        Z,
        levels=levels,
        colors=THEME.foreground,
        linewidths=0.8 * max(w_px / 900, 0.3),
        alpha=0.22,
    )
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    canvas.draw()
    rgba = np.asarray(canvas.buffer_rgba()).copy()
    if dim < 1:
        background = np.array(BG.to_rgb()) * 255
        rgba[..., :3] = (rgba[..., :3] * dim + background * (1 - dim)).astype(np.uint8)
    image = ImageMobject(rgba)
    image.stretch_to_fit_width(width)
    image.stretch_to_fit_height(height)
    image.move_to((lower + upper) / 2)
    return image


def contour_panel(
    surface: Any,
    size: float,
    *,
    bounds: Sequence[Sequence[float]] | None = None,
    ticks: int = 5,
    names: tuple[str, str] | None = None,
    levels: int = 18,
    log: bool | None = None,
    height: float | None = None,
) -> tuple[Axes, Mobject, VGroup]:
    """Axes over a 2-D landscape with its contour image, ticks and axis names.

    Returns ``(axes, image, decorations)``; add the image first (it is static), then the rest.
    """
    (x0, x1), (y0, y1) = bounds or surface.bounds
    axes = plain_axes(
        (x0, x1, (x1 - x0) / 4),
        (y0, y1, (y1 - y0) / 4),
        size,
        height or size * (y1 - y0) / (x1 - x0),
    )
    image = landscape_image(surface, axes, levels=levels, log=log)
    frame = VMobject(stroke_color=GRID, stroke_width=1.5).set_points_as_corners(
        [axes.c2p(x0, y0), axes.c2p(x1, y0), axes.c2p(x1, y1), axes.c2p(x0, y1), axes.c2p(x0, y0)]
    )
    xs = np.linspace(x0, x1, ticks)
    ys = np.linspace(y0, y1, ticks)
    digits = 0 if all(float(v).is_integer() for v in (*xs, *ys)) else 1
    deco = VGroup(frame, tick_labels(axes, xs, ys, size=TICK_SIZE, digits=digits))
    x_name, y_name = names or tuple(surface.variables[:2])
    deco.add(formula(x_name, 40, MUTED).next_to(axes.c2p(x1, y0), RIGHT, buff=0.2))
    deco.add(formula(y_name, 40, MUTED).next_to(axes.c2p(x0, y1), UP, buff=0.12))
    return axes, image, deco
