"""The one number formatter every medium uses (gdviz.numbers)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gdviz.numbers import (
    ROUNDOFF,
    format_fixed,
    format_number,
    format_point,
    round_off,
    subscript,
    superscript,
)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0.0, "0"),
        (-0.0, "0"),
        (0.1, "0.1"),
        (-1.5, "−1.5"),
        (5.123456, "5.123"),
        (0.001, "0.001"),
        (0.00099996, "0.001"),  # rounds into the plain range
        (0.000999, "9.99 × 10⁻⁴"),
        (2.5e-9, "2.5 × 10⁻⁹"),
        (1e-7, "10⁻⁷"),
        (-1e-7, "−10⁻⁷"),
        (1.23456e7, "1.235 × 10⁷"),
        (99999.9, "10⁵"),  # rounding carries into the next decade
        (12345.6, "12350"),
        (float("inf"), "∞"),
        (float("-inf"), "−∞"),
        (float("nan"), "NaN"),
    ],
)
def test_format_number(value: float, text: str) -> None:
    assert format_number(value) == text


@pytest.mark.parametrize(
    ("value", "digits", "text"),
    [
        (-0.000123, 6, "-1.23e-04"),
        (2.5e-9, 6, "2.5e-09"),
        (1.5e300, 3, "1.5e+300"),
        (float("inf"), 4, "inf"),
        (float("-inf"), 4, "-inf"),
        (float("nan"), 4, "nan"),
    ],
)
def test_ascii_style_for_terminals(value: float, digits: int, text: str) -> None:
    assert format_number(value, digits, ascii=True) == text


@given(st.floats(allow_nan=False, allow_infinity=False), st.integers(1, 10))
def test_ascii_text_reads_back_as_the_rounded_value(value: float, digits: int) -> None:
    """Whatever the notation, the ASCII text is the value rounded to ``digits`` digits."""
    text = format_number(value, digits, ascii=True)
    assert float(text) == pytest.approx(float(f"{value:.{digits}g}"), rel=1e-12, abs=0)


@given(st.floats(allow_nan=False, allow_infinity=False), st.integers(1, 8))
def test_unicode_and_ascii_show_the_same_digits(value: float, digits: int) -> None:
    unicode = format_number(value, digits)
    ascii = format_number(value, digits, ascii=True)
    if "e" in ascii:
        mantissa, exponent = ascii.split("e")
        assert superscript(int(exponent)) in unicode
        if mantissa.lstrip("-") != "1":
            assert mantissa.replace("-", "−") in unicode
    else:
        assert unicode == ascii.replace("-", "−")


@pytest.mark.parametrize(
    ("value", "decimals", "width", "text"),
    [
        (0.5, 3, 0, "0.500"),
        (-0.5, 3, 7, " −0.500"),
        (-0.0, 3, 0, "0.000"),
        (0.0004, 3, 0, "4 × 10⁻⁴"),
        (123456.0, 2, 0, "1.2 × 10⁵"),
        (3.0, 0, 0, "3"),
        (float("inf"), 3, 0, "∞"),
    ],
)
def test_format_fixed(value: float, decimals: int, width: int, text: str) -> None:
    assert format_fixed(value, decimals, width=width) == text


def test_points_and_scripts() -> None:
    assert format_point([1.0, -0.5]) == "(1, −0.5)"
    assert format_point([1.0, -0.5], ascii=True) == "(1, -0.5)"
    assert superscript(-12) == "⁻¹²" and subscript(10) == "₁₀"
    assert not math.isnan(float(format_number(math.pi, 17, ascii=True)))


def test_round_off_is_relative_to_the_vector() -> None:
    # Momentum's second point on race-valley: y is 0 in exact arithmetic
    assert round_off([-2.30256, -1.1102230246251565e-16]) == (-2.30256, 0.0)
    assert round_off([-4.60512, -2.220446049250313e-15]) == (-4.60512, 0.0)
    # tiny but of its own vector's scale: kept exactly, whatever the magnitude
    assert round_off([3e-20, -1e-20]) == (3e-20, -1e-20)
    assert round_off([1e-16]) == (1e-16,)
    # just above the threshold is kept, at it becomes 0
    assert round_off([1.0, 2 * ROUNDOFF]) == (1.0, 2 * ROUNDOFF)
    assert round_off([1.0, ROUNDOFF / 2]) == (1.0, 0.0)
    assert round_off([0.0, 0.0]) == (0.0, 0.0)
    nan_vector = round_off([math.nan, 1e-30])
    assert math.isnan(nan_vector[0]) and nan_vector[1] == 1e-30


@given(st.lists(st.floats(-1e300, 1e300), min_size=1, max_size=4))
def test_round_off_only_zeroes_components_far_below_the_norm(values: list[float]) -> None:
    shown = round_off(values)
    norm = math.hypot(*values)
    for before, after in zip(values, shown, strict=True):
        assert after == before or (after == 0.0 and abs(before) <= ROUNDOFF * norm)


def test_format_percent_never_rounds_to_all_or_none() -> None:
    from gdviz.numbers import format_percent

    assert format_percent(0.8734) == "87.3%"
    assert format_percent(0.5, 0) == "50%"
    assert format_percent(1.0) == "100.0%" and format_percent(0.0) == "0.0%"
    assert format_percent(0.99996) == ">99.9%" and format_percent(0.999, 0) == ">99%"
    assert format_percent(0.00001) == "<0.1%"
