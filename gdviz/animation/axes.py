"""Axes without TeX: plain axes, tick labels in the scene font, data ↔ scene mappings."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, Axes, Line, ManimColor, VGroup, VMobject

from gdviz.animation.colors import MUTED
from gdviz.animation.text import formula, label
from gdviz.numbers import format_fixed

__all__ = [
    "TICK_SIZE",
    "axis_names",
    "curve",
    "inside_fn",
    "nice_ticks",
    "plain_axes",
    "tick_labels",
    "to_scene_fn",
]

#: Tick-label size: digits 27 px tall at 1080p.
TICK_SIZE = 20


def plain_axes(
    x_range: Sequence[float],
    y_range: Sequence[float],
    width: float,
    height: float,
    *,
    tips: bool = False,
    stroke: float = 2.0,
) -> Axes:
    """Axes without Manim's TeX number labels (add ours with :func:`tick_labels`)."""
    return Axes(
        x_range=list(x_range),
        y_range=list(y_range),
        x_length=width,
        y_length=height,
        tips=tips,
        axis_config={"include_ticks": False, "stroke_color": MUTED, "stroke_width": stroke},
    )


def tick_labels(
    axes: Axes,
    xs: Sequence[float] | np.ndarray = (),
    ys: Sequence[float] | np.ndarray = (),
    size: float = TICK_SIZE,
    digits: int = 0,
) -> VGroup:
    """Small tick marks with plain-text numbers along both axes."""
    group = VGroup()
    x0, y0 = axes.x_range[0], axes.y_range[0]
    for x in xs:
        p = axes.c2p(x, y0)
        group.add(Line(p + 0.06 * DOWN, p + 0.06 * UP, stroke_width=2, color=MUTED))
        group.add(label(format_fixed(x, digits), size, MUTED).next_to(p, DOWN, buff=0.14))
    for y in ys:
        p = axes.c2p(x0, y)
        group.add(Line(p + 0.06 * LEFT, p + 0.06 * RIGHT, stroke_width=2, color=MUTED))
        group.add(label(format_fixed(y, digits), size, MUTED).next_to(p, LEFT, buff=0.14))
    return group


def axis_names(axes: Axes, x: str, y: str, size: float = 40) -> VGroup:
    """Axis names in Typst math at the ends of the axes."""
    xl = formula(x, size, MUTED).next_to(axes.x_axis.get_right(), RIGHT, buff=0.2)
    yl = formula(y, size, MUTED).next_to(axes.y_axis.get_top(), LEFT, buff=0.2)
    return VGroup(xl, yl)


def nice_ticks(lo: float, hi: float, count: int = 5) -> np.ndarray:
    """About ``count`` round tick values (1, 2 or 5 × 10ⁿ apart) inside ``[lo, hi]``."""
    raw = (hi - lo) / max(count - 1, 1)
    base = 10 ** np.floor(np.log10(raw))
    step = min((m * base for m in (1, 2, 5, 10) if m * base >= raw), default=10 * base)
    first = np.ceil(lo / step) * step
    values = np.arange(first, hi + 1e-9 * step, step)
    return np.round(values, 10)


def to_scene_fn(axes: Axes) -> Callable[[np.ndarray], np.ndarray]:
    """``(m, d) -> (m, 3)`` through ``axes.c2p`` (vectorised)."""

    def mapping(points: np.ndarray) -> np.ndarray:
        points = np.atleast_2d(points)
        return np.asarray(axes.c2p(*points.T), dtype=float).reshape(3, -1).T.copy()

    return mapping


def inside_fn(bounds: Sequence[Sequence[float]]) -> Callable[[np.ndarray], np.ndarray]:
    """Mask of data points inside ``bounds`` (one (lo, hi) pair per coordinate)."""
    lo = np.array([b[0] for b in bounds])
    hi = np.array([b[1] for b in bounds])

    def mask(points: np.ndarray) -> np.ndarray:
        p = np.asarray(points)[:, : len(lo)]
        return np.all((p >= lo) & (p <= hi), axis=1)

    return mask


def curve(
    axes: Axes, xs: np.ndarray, ys: np.ndarray, col: ManimColor, width: float = 4
) -> VMobject:
    """A smooth curve through the data points ``(xs, ys)`` on ``axes`` (sample densely)."""
    line = VMobject(stroke_color=col, stroke_width=width)
    line.set_points_smoothly(to_scene_fn(axes)(np.column_stack([xs, ys])))
    return line
