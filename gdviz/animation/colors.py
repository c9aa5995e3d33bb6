"""The scenes' colours as ``ManimColor``: the dark theme of :mod:`gdviz.style` and its optimizers.

Videos use the dark theme. Optimizers keep their one colour (:func:`run_color`); series that
are not optimizers (learning rates, starts) take the sequential series palette (:func:`series`);
the interface accents below are neither.
"""

from __future__ import annotations

from manim import ManimColor

from gdviz.style import THEMES, optimizer_color, optimizer_dash, series_color

__all__ = [
    "ACCENT",
    "BG",
    "FG",
    "GRID",
    "HIGHLIGHT",
    "MUTED",
    "PANEL",
    "THEME",
    "run_color",
    "run_dash",
    "series",
]

THEME = THEMES["dark"]

FG = ManimColor(THEME.foreground)
MUTED = ManimColor(THEME.muted)
GRID = ManimColor(THEME.grid)
PANEL = ManimColor(THEME.panel)
BG = ManimColor(THEME.background)
#: Emphasis (a lesson's conclusion, a badge): the lightest step of the series palette's hue.
ACCENT = ManimColor("#F0C8F5")
#: The gradient arrow and other neutral marks: the foreground.
HIGHLIGHT = ManimColor(THEME.foreground)


def run_color(optimizer: str) -> ManimColor:
    """The one colour of an optimizer on the dark theme."""
    return ManimColor(optimizer_color(optimizer, THEME))


def run_dash(optimizer: str) -> tuple[float, ...]:
    """The one dash sequence of an optimizer's line (``()``: solid), as figures draw it."""
    return optimizer_dash(optimizer)


def series(index: int, count: int = 4) -> ManimColor:
    """The ``index``-th of ``count`` colours of a non-optimizer series on the dark theme."""
    return ManimColor(series_color(index, count, THEME))
