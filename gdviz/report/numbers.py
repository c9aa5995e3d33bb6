"""How the report prints numbers: short, typographic (true minus sign, ×10ⁿ), never rounded
away from what the core computed beyond the digits shown."""

from __future__ import annotations

import math
from collections.abc import Iterable

__all__ = ["format_number", "format_point"]

_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def format_number(value: float, digits: int = 4) -> str:
    """``0.0123``, ``−1.5``, ``2.35 × 10⁻⁹``, ``∞`` — ``digits`` significant digits.

    Plain notation from 10⁻³ up to 10⁵, scientific outside; exact zero prints as ``0``.
    """
    value = float(value)
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "∞" if value > 0 else "−∞"
    if value == 0:
        return "0"
    magnitude = abs(float(f"{value:.{digits}g}"))  # after rounding: 99999.9 → 1e5
    if 1e-3 <= magnitude < 1e5:
        text = f"{value:.{digits}g}"
        if "e" in text:  # 12345.6 at 4 digits: "1.235e+04" → "12350"
            text = f"{float(text):.0f}"
    else:
        mantissa, exponent = f"{value:.{digits - 1}e}".split("e")
        mantissa = mantissa.rstrip("0").rstrip(".")
        power = str(int(exponent)).translate(_SUPERSCRIPT)
        text = f"{mantissa} × 10{power}"
    return text.replace("-", "−")


def format_point(values: Iterable[float], digits: int = 4) -> str:
    """``(1, −0.5)`` — a point as a tuple of formatted coordinates."""
    return "(" + ", ".join(format_number(v, digits) for v in values) + ")"
