"""Text in the scenes: labels (Pango), live read-outs and Typst formulas.

Sizes are Manim font sizes. On a 1920×1080 frame a capital or a digit of the scene font is
``1.367 × size`` pixels tall, so size 18 is the smallest whose digits reach 24 px
(:data:`TEXT_SIZE_MIN` keeps a margin); Typst sub- and superscripts are set at 70 % of their
formula, so formulas are at least :data:`MATH_SIZE_MIN` (``tests/test_scenes.py`` measures both
rules and checks every text the scenes draw obeys them).
Math — subscripts, powers, η, ∇ — is always a :func:`formula`, never Unicode sub/superscripts.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from typing import Any

import numpy as np
from manim import ORIGIN, RIGHT, ManimColor, MathTypst, Text, VMobject, config

from gdviz.animation.colors import FG
from gdviz.numbers import format_fixed

__all__ = [
    "FONT",
    "MATH_SIZE_MIN",
    "MONO",
    "TEXT_SIZE_MIN",
    "FlatText",
    "LiveText",
    "fixed",
    "formula",
    "label",
]

FONT = "DejaVu Sans"
MONO = "DejaVu Sans Mono"
#: The smallest label / read-out size: digits 24 px tall at 1080p (with a margin: 26 px).
TEXT_SIZE_MIN = 19
#: The smallest formula size: its sub- and superscript digits reach 24 px at 1080p.
MATH_SIZE_MIN = 38


@contextmanager
def _layout_canvas() -> Iterator[None]:
    """Lay text out on a 4K canvas whatever the render size.

    Manim's ``Text`` hands Pango a canvas the size of the current render, so a long line wraps
    in a small render and not in a large one; gdviz always lays out on 3840×2160 (and the
    renders use a fresh media directory, so no SVG laid out otherwise is reused).
    """
    size = config.pixel_width, config.pixel_height
    config.pixel_width, config.pixel_height = 3840, 2160
    try:
        yield
    finally:
        config.pixel_width, config.pixel_height = size


def pango_text(text: str, font: str, size: float, **kwargs: Any) -> Text:
    """Manim's ``Text``, laid out the same at every render size (see :func:`_layout_canvas`)."""
    with _layout_canvas():
        return Text(text, font=font, font_size=size, **kwargs)


def fixed(value: float, decimals: int = 3) -> str:
    """A number for labels and read-outs: :func:`gdviz.numbers.format_fixed` without
    superscripts (``−8.87e−04``; powers are for formulas)."""
    return format_fixed(value, decimals, ascii=True).replace("-", "−")


class FlatText(VMobject):
    """Text laid out by Pango, kept as ONE path (all glyph outlines in one point array).

    Manim's ``Text`` is one mobject per glyph; when text moves or sits among moving mobjects,
    the renderer pays per mobject, so labels are flattened. ``text`` keeps the string and
    ``size`` the font size.
    """

    def __init__(self, text: str, size: float, col: ManimColor | str, **kwargs: Any) -> None:
        super().__init__(fill_color=col, fill_opacity=1, stroke_width=0)
        self.text = text
        self.size = size
        laid = pango_text(text, FONT, size, color=col, **kwargs)
        parts = [glyph.points for glyph in laid.family_members_with_points()]
        if parts:
            self.points = np.concatenate(parts)


def label(
    text: str, size: float = 26, col: ManimColor | str | None = None, **kwargs: Any
) -> FlatText:
    """Text in the scene font (Pango, no TeX), as one path."""
    return FlatText(text, size, col or FG, **kwargs)


def formula(source: str, size: float = 40, col: ManimColor | str | None = None) -> MathTypst:
    """A formula in Typst math syntax (no TeX installation needed)."""
    return MathTypst(source, font_size=size, color=col or FG)


#: Characters a :class:`LiveText` can show (numbers and plain words; math goes in formulas).
CHARSET = (
    "0123456789.,-+−×=:/()%<>[]|·abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ‖√→←↑↓✓✗…*#"
)


@cache
def _glyphs(size: float) -> tuple[dict[str, np.ndarray], float, float]:
    """Glyph outlines of :data:`CHARSET` relative to their cell, the advance and cell height.

    The charset is laid out in short chunks, each after a reference ``0``; a glyph's outline is
    stored relative to where the ``0`` of its own cell would be centred.
    """
    one, ten = pango_text("0", MONO, size), pango_text("0" * 10, MONO, size)
    advance = (ten.width - one.width) / 9
    glyphs: dict[str, np.ndarray] = {}
    for start in range(0, len(CHARSET), 16):
        chunk = CHARSET[start : start + 16]
        laid = pango_text("0" + chunk, MONO, size)
        if len(laid.submobjects) != len(chunk) + 1:
            raise RuntimeError(f"the font {MONO} cannot lay out {chunk!r}")
        zero = laid.submobjects[0].get_center()
        for k, (char, glyph) in enumerate(zip(chunk, laid.submobjects[1:], strict=True)):
            glyph.points.setflags(write=False)
            glyphs[char] = glyph.points - zero - (k + 1) * advance * RIGHT
    return glyphs, advance, one.height


class LiveText(VMobject):
    """Monospaced text that can change every frame at almost no cost.

    The glyphs of :data:`CHARSET` are laid out once per size by Pango; :meth:`set_text` then
    only copies glyph outlines, shifted to their cells, into this one mobject's points (no text
    layout, no new mobjects, one path for the renderer to draw). At most ``width`` characters
    are shown, left-aligned at ``anchor``.
    """

    def __init__(
        self,
        width: int,
        size: float = 24,
        col: ManimColor | None = None,
        text: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(fill_color=col or FG, fill_opacity=1, stroke_width=0, **kwargs)
        self.size = size
        self.width_chars = width
        self.glyphs, self.advance, self.cell_height = _glyphs(float(size))
        self.anchor = np.array(ORIGIN, dtype=float)
        self.text: str | None = None
        self.set_text(text)

    def place(self, point: np.ndarray | Sequence[float]) -> LiveText:
        """Move the text so that its first cell starts at ``point``."""
        self.anchor = np.array(point, dtype=float)
        text, self.text = self.text, None
        return self.set_text(text or "")

    def set_text(self, text: str) -> LiveText:
        """Show ``text`` (cut to ``width`` characters).

        Raises
        ------
        ValueError
            For a character outside :data:`CHARSET` (write math with :func:`formula`).
        """
        if text == self.text:
            return self
        unknown = set(text) - set(self.glyphs) - {" "}
        if unknown:
            raise ValueError(f"LiveText cannot show {''.join(sorted(unknown))!r} in {text!r}")
        self.text = text
        parts = [
            self.glyphs[char] + self.anchor + (i + 0.5) * self.advance * RIGHT
            for i, char in enumerate(text[: self.width_chars])
            if char != " "
        ]
        if parts:
            self.points = np.concatenate(parts)
        else:
            self.clear_points()
        return self

    @property
    def cell_width(self) -> float:
        """The advance of one character cell, in scene units."""
        return self.advance

    @property
    def box_width(self) -> float:
        """The width of ``width`` cells, in scene units."""
        return self.advance * self.width_chars
