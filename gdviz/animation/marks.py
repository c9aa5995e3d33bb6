"""Small marks: minima stars, start rings, arrows with a constant tip, legend rows, panels,
the speed-up badge."""

from __future__ import annotations

import numpy as np
from manim import (
    RIGHT,
    Arrow,
    Circle,
    Dot,
    ManimColor,
    Mobject,
    RegularPolygon,
    RoundedRectangle,
    Square,
    Star,
    VGroup,
    VMobject,
)

from gdviz.animation.colors import ACCENT, BG, FG, GRID, PANEL
from gdviz.animation.text import label

__all__ = ["badge", "key_row", "panel", "ring", "series_dot", "set_arrow", "star"]


def star(point: np.ndarray, radius: float = 0.16, col: ManimColor | None = None) -> VMobject:
    """A five-pointed star marking a minimum."""
    return Star(
        5,
        outer_radius=radius,
        inner_radius=radius * 0.45,
        fill_color=col or FG,
        fill_opacity=1,
        stroke_color=BG,
        stroke_width=1.5,
    ).move_to(point)


def ring(point: np.ndarray, radius: float = 0.13, col: ManimColor | None = None) -> VMobject:
    """An open circle marking a start."""
    return Circle(radius=radius, stroke_color=col or FG, stroke_width=3).move_to(point)


def set_arrow(
    arrow: Mobject,
    start: np.ndarray,
    end: np.ndarray,
    col: ManimColor,
    width: float = 6,
    tip: float = 0.22,
) -> Mobject:
    """Redraw ``arrow`` from ``start`` to ``end`` keeping a constant tip size (for updaters)."""
    length = float(np.linalg.norm(np.asarray(end) - np.asarray(start)))
    if length < 1e-6:
        end = np.asarray(start) + 1e-3 * RIGHT
        length = 1e-3
    new = Arrow(
        start,
        end,
        buff=0,
        color=col,
        stroke_width=width,
        tip_length=min(tip, 0.6 * length),
        max_tip_length_to_length_ratio=1,
        max_stroke_width_to_length_ratio=100,
    )
    arrow.become(new)
    return arrow


def key_row(col: ManimColor, text: str, size: float = 26) -> VGroup:
    """A coloured swatch followed by a label (legend entry; text stays in the foreground)."""
    swatch = Dot(radius=0.1, color=col)
    words = label(text, size).next_to(swatch, RIGHT, buff=0.18)
    return VGroup(swatch, words)


def panel(width: float, height: float) -> RoundedRectangle:
    """A dim rounded box behind a group of text."""
    return RoundedRectangle(
        width=width,
        height=height,
        corner_radius=0.12,
        fill_color=PANEL,
        fill_opacity=0.94,
        stroke_color=GRID,
        stroke_width=1.5,
    )


def badge(text: str, size: float = 26) -> VGroup:
    """A rounded badge with ``text`` (the playback speed-up, e.g. ``▶▶ 10 steps/s``)."""
    words = label(text, size, BG, weight="BOLD")
    box = RoundedRectangle(
        width=words.width + 0.4,
        height=words.height + 0.28,
        corner_radius=0.14,
        fill_color=ACCENT,
        fill_opacity=1,
        stroke_width=0,
    ).move_to(words)
    return VGroup(box, words)


def series_dot(index: int, col: ManimColor, radius: float = 0.1) -> VMobject:
    """The marker of the ``index``-th non-optimizer series: the shapes of
    :func:`gdviz.style.series_marker` (circle, square, triangle, diamond), in ``col``."""
    kind = index % 4
    if kind == 0:
        mark: VMobject = Dot(radius=radius, color=col)
    elif kind == 1:
        mark = Square(side_length=1.7 * radius, fill_color=col, fill_opacity=1)
    elif kind == 2:
        mark = RegularPolygon(3, radius=1.3 * radius, fill_color=col, fill_opacity=1)
    else:
        mark = Square(side_length=1.6 * radius, fill_color=col, fill_opacity=1).rotate(np.pi / 4)
    return mark.set_stroke(BG, 2)
