"""How gdviz writes a number: one formatter for the terminal, figures, videos and the report.

Every medium shows the core's float64 values through these functions, so ``0.0123``,
``−1.5`` and ``2.35 × 10⁻⁹`` look the same in a figure caption, a video read-out and a report
table. The page's JavaScript formatter (``templates/js/numbers.js``) implements the same rules
and is tested against this module.

Rules of :func:`format_number`:

* ``digits`` significant digits (Python's ``g`` rounding, round-half-even on the binary value);
* plain notation when the *rounded* magnitude lies in :math:`[10^{-3}, 10^{5})`, scientific
  outside it: mantissa with trailing zeros removed, ``× 10`` and a superscript exponent
  (``10⁻⁷`` alone when the mantissa is 1);
* exact zero is ``0``; a true minus sign ``−``; ``∞``, ``−∞`` and ``NaN``;
* ``ascii=True`` gives the same digits for terminals and data files: ``-`` and ``2.35e-09``,
  ``inf``, ``-inf``, ``nan``.

A vector's components are shown relative to the vector (:func:`round_off`): a component below
:data:`ROUNDOFF` times the vector's norm is floating-point round-off (``−1.1 × 10⁻¹⁶`` beside
``−2.3``, where exact arithmetic gives 0) and is shown as ``0``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

__all__ = [
    "PLAIN_RANGE",
    "ROUNDOFF",
    "format_fixed",
    "format_number",
    "format_percent",
    "format_point",
    "round_off",
    "subscript",
    "superscript",
]

#: Magnitudes written in plain notation: from 10⁻³ (inclusive) to 10⁵ (exclusive).
PLAIN_RANGE = (1e-3, 1e5)

#: A vector's component below this fraction of the vector's norm is shown as 0 (round-off).
ROUNDOFF = 1e-12

_SUPERSCRIPT = str.maketrans("-+0123456789", "⁻⁺⁰¹²³⁴⁵⁶⁷⁸⁹")
_SUBSCRIPT = str.maketrans("-+0123456789", "₋₊₀₁₂₃₄₅₆₇₈₉")
MINUS = "−"


def superscript(text: object) -> str:
    """Digits and signs as superscripts: ``superscript(-12)`` is ``⁻¹²``."""
    return str(text).translate(_SUPERSCRIPT)


def subscript(text: object) -> str:
    """Digits and signs as subscripts: ``subscript(10)`` is ``₁₀``."""
    return str(text).translate(_SUBSCRIPT)


def _special(value: float, ascii: bool) -> str | None:
    """The text of NaN, ±∞ and 0, or None for an ordinary number."""
    if math.isnan(value):
        return "nan" if ascii else "NaN"
    if math.isinf(value):
        if ascii:
            return "inf" if value > 0 else "-inf"
        return "∞" if value > 0 else f"{MINUS}∞"
    if value == 0:
        return "0"
    return None


def _scientific(value: float, digits: int, ascii: bool) -> str:
    mantissa, exponent = f"{value:.{max(digits - 1, 0)}e}".split("e")
    if "." in mantissa:
        mantissa = mantissa.rstrip("0").rstrip(".")
    power = int(exponent)
    if ascii:
        return f"{mantissa}e{power:+03d}"
    ten = f"10{superscript(power)}"
    if mantissa in ("1", "-1"):
        text = ten if mantissa == "1" else f"-{ten}"
    else:
        text = f"{mantissa} × {ten}"
    return text.replace("-", MINUS)


def format_number(value: float, digits: int = 4, *, ascii: bool = False) -> str:
    """``0.0123``, ``−1.5``, ``2.35 × 10⁻⁹``, ``∞`` — ``digits`` significant digits.

    Parameters
    ----------
    value : float
    digits : int
        Significant digits (≥ 1).
    ascii : bool
        Plain ASCII (``-1.5``, ``2.35e-09``, ``inf``) for terminals and data files.

    Examples
    --------
    >>> format_number(0.012345), format_number(-2.5e-9), format_number(123456.0, 3)
    ('0.01235', '−2.5 × 10⁻⁹', '1.23 × 10⁵')
    """
    value = float(value)
    special = _special(value, ascii)
    if special is not None:
        return special
    digits = max(int(digits), 1)
    magnitude = abs(float(f"{value:.{digits}g}"))  # after rounding: 99999.9 → 1e5
    if not PLAIN_RANGE[0] <= magnitude < PLAIN_RANGE[1]:
        return _scientific(value, digits, ascii)
    text = f"{value:.{digits}g}"
    if "e" in text:  # 12345.6 at 4 digits: "1.235e+04" → "12350"
        text = f"{float(text):.0f}"
    return text if ascii else text.replace("-", MINUS)


def format_fixed(value: float, decimals: int = 3, *, width: int = 0, ascii: bool = False) -> str:
    """A number with a fixed count of decimals, for read-outs whose digits must not jump.

    ``format_fixed(0.5, 3)`` is ``0.500``. Values that would show no significant digit (below
    :math:`10^{-\\text{decimals}}`) or whose magnitude reaches :math:`10^5` fall back to
    :func:`format_number` with ``decimals`` significant digits. The text is right-aligned in
    ``width`` characters.
    """
    value = float(value) + 0.0  # -0.0 prints as 0
    special = _special(value, ascii)
    if special is not None and special != "0":
        text = special
    elif value != 0 and (abs(value) < 10.0 ** (-decimals) or abs(value) >= PLAIN_RANGE[1]):
        text = format_number(value, max(decimals, 1), ascii=ascii)
    else:
        text = f"{value:.{decimals}f}"
        if not ascii:
            text = text.replace("-", MINUS)
    return text.rjust(width)


def format_point(values: Iterable[float], digits: int = 4, *, ascii: bool = False) -> str:
    """``(1, −0.5)`` — a point as a tuple of formatted coordinates."""
    return "(" + ", ".join(format_number(v, digits, ascii=ascii) for v in values) + ")"


def round_off(values: Iterable[float], relative: float = ROUNDOFF) -> tuple[float, ...]:
    """The components of a vector as they are shown: round-off relative to the vector is 0.

    A component :math:`v_i` with :math:`|v_i| \\le r\\,\\lVert v \\rVert_2` (``r`` =
    ``relative``, :data:`ROUNDOFF` by default) becomes ``0.0``; every other component, and
    every non-finite vector, is kept exactly. A float64 sum of terms of size
    :math:`\\lVert v \\rVert` carries errors near :math:`10^{-16} \\lVert v \\rVert`, so such
    a component is 0 up to rounding, and at the few significant digits shown beside the
    other components it is 0 anyway. The zero vector stays zero.

    Examples
    --------
    >>> round_off([-2.30256, -1.11e-16])
    (-2.30256, 0.0)
    >>> round_off([3e-20, 1e-20])  # small, but the scale of its own vector: kept
    (3e-20, 1e-20)
    """
    vector = tuple(float(v) for v in values)
    norm = math.hypot(*vector)
    if not math.isfinite(norm):
        return vector
    return tuple(0.0 if abs(v) <= relative * norm else v for v in vector)


def format_percent(fraction: float, decimals: int = 1, *, ascii: bool = False) -> str:
    """A fraction as a percentage with fixed decimals: ``format_percent(0.8734)`` is ``87.3%``.

    A fraction that would round to 100% without being 1 shows as ``>99.9%`` (and one that
    rounds to 0% without being 0 as ``<0.1%``), so a rounded figure never claims all or none.
    """
    fraction = float(fraction)
    step = 10.0 ** (-decimals)
    value = 100.0 * fraction
    if 0 < fraction < 1:
        if round(value, decimals) >= 100.0:
            return f">{100 - step:.{decimals}f}%"
        if round(value, decimals) <= 0.0:
            return f"<{step:.{decimals}f}%"
    return format_fixed(value, decimals, ascii=ascii) + "%"
