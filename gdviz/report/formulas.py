"""Formulas for the report, compiled offline from Typst math to SVG.

The same Typst source that Manim's ``MathTypst`` shows in the videos is compiled here with the
pip-installed ``typst`` package (no TeX, no CDN, fonts embedded as glyph outlines) and embedded
as an ``<img>`` data URI, so each formula is an isolated document: glyph ids of two formulas never
clash and no text inside a formula can become markup in the page.

Compiled SVGs are cached by the hash of their source, in memory and on disk
(:func:`gdviz.cache.load_blob`: each cached file is checked against the hash in its name).
"""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass
from functools import cache

from gdviz.cache import load_blob, store_blob

__all__ = ["Formula", "FormulaError", "compile_formula"]

#: Bump when the page set-up below changes, so stale cached SVGs are not reused.
_PREAMBLE_VERSION = "1"
_PREAMBLE = (
    "#set page(width: auto, height: auto, margin: (x: 1pt, y: 3pt), fill: none)\n"
    '#set text(size: {size}pt, fill: rgb("#1f2328"))\n'
)
_MAX_SOURCE = 2000


class FormulaError(ValueError):
    """A formula that Typst could not compile (one line)."""


@dataclass(frozen=True)
class Formula:
    """A compiled formula, ready for the template.

    Attributes
    ----------
    source : str
        The Typst math source (without ``$``).
    alt : str
        Plain-text reading of the formula (the image's ``alt`` and tooltip).
    src : str
        ``data:image/svg+xml;base64,...`` of the compiled SVG; empty when the ``typst``
        package is missing (the template then prints ``alt`` as text).
    width, height : float
        Size in ``em`` of the surrounding text, so formulas scale with the page's type.
    display : bool
        A block formula (centred on its own line) rather than one inside a sentence.
    narrow : Formula or None
        The same formula arranged for a phone's column (its parts one per line), shown
        instead below 640 px; None when the formula fits.
    """

    source: str
    alt: str
    src: str
    width: float
    height: float
    display: bool
    narrow: Formula | None = None


def compile_formula(
    source: str, alt: str, *, display: bool = True, narrow: str | None = None
) -> Formula:
    """Compile Typst math ``source`` (e.g. ``theta_(k+1) = theta_k - eta nabla L``), and
    ``narrow``, the same formula arranged for a phone, when given.

    Raises
    ------
    FormulaError
        If the source is too long or does not compile.
    """
    if len(source) > _MAX_SOURCE:
        raise FormulaError(f"formula longer than {_MAX_SOURCE} characters")
    size = 12.0
    try:
        svg = _compiled_svg(source, size, display)
    except ImportError:  # typst is not installed: the page shows the plain-text reading
        return Formula(source=source, alt=alt, src="", width=0.0, height=0.0, display=display)
    match = re.search(rb'viewBox="0 0 ([0-9.]+) ([0-9.]+)"', svg)
    width_pt, height_pt = (float(match.group(1)), float(match.group(2))) if match else (size, size)
    return Formula(
        source=source,
        alt=alt,
        src="data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii"),
        width=round(width_pt / size, 3),
        height=round(height_pt / size, 3),
        display=display,
        narrow=None if narrow is None else compile_formula(narrow, alt, display=display),
    )


@cache
def _compiled_svg(source: str, size: float, display: bool) -> bytes:
    delimiter = f"$ {source} $" if display else f"${source}$"
    document = _PREAMBLE.format(size=size) + delimiter + "\n"
    key = hashlib.sha256((_PREAMBLE_VERSION + document).encode()).hexdigest()[:32]
    cached = load_blob("typst", key, ".svg")
    if cached is not None:
        return cached
    import typst

    try:
        svg = typst.compile(document.encode(), format="svg")
    except Exception as error:  # typst raises its own error types
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise FormulaError(f"cannot typeset {source!r}: {first}") from None
    assert isinstance(svg, bytes)
    store_blob("typst", key, svg, ".svg")
    return svg
