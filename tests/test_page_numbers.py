"""The page writes numbers and Python values exactly as gdviz's Python does.

templates/js/numbers.js against gdviz/numbers.py (format_number, format_fixed, format_point:
many values across magnitudes, both directions of the plain/scientific switch, exact ties,
±0, ±∞, NaN, ASCII and unicode), and templates/js/pyformat.js against Python's repr(),
float(), int(), format specs and difflib (the pieces of the CLI's messages).
"""

from __future__ import annotations

import difflib
import math
import random
import struct
from typing import Any

import pytest

from gdviz.names import did_you_mean, unknown_name_message
from gdviz.numbers import format_fixed, format_number, format_point

pytestmark = pytest.mark.slow

RNG = random.Random(20261204)


def _values() -> list[float]:
    values = [
        0.0,
        -0.0,
        math.inf,
        -math.inf,
        math.nan,
        1.0,
        -1.0,
        0.5,
        0.125,
        2.5,
        0.001,
        0.000999,
        0.00099996,
        0.0009999999,
        99999.9,
        99999.4,
        99995.0,
        1e5,
        1e-3,
        12345.6,
        1e-7,
        -1e-7,
        2.5e-9,
        1.23456e7,
        5e-324,
        1.7976931348623157e308,
        0.1,
        0.2,
        0.3,
        1.5,
        0.015,
        0.0015,
        1234.5,
        0.45,
        9.995,
        8.5e-4,
        1e16,
        1e22,
        123456789.0,
    ]
    for _ in range(3000):
        exponent = RNG.uniform(-320, 308)
        values.append(RNG.choice([-1, 1]) * RNG.uniform(1, 10) * 10.0 ** int(exponent))
    for _ in range(1000):  # exact decimal ties at a few digits
        digits = RNG.randint(1, 6)
        values.append(RNG.randint(1, 10**digits) / 2 ** RNG.randint(1, 12))
    for _ in range(1000):  # near the plain/scientific boundaries
        values.append(RNG.choice([1e-3, 1e5]) * (1 + RNG.uniform(-1e-4, 1e-4)))
    for _ in range(500):  # random bit patterns
        values.append(struct.unpack("<d", RNG.getrandbits(64).to_bytes(8, "little"))[0])
    return values


def test_format_number_is_pythons(core: Any) -> None:
    values = _values()
    cases: list[list[Any]] = [[v, RNG.randint(1, 10), RNG.random() < 0.3] for v in values]
    got = core.evaluate(
        "(cases) => cases.map(([v, d, a]) => gdvizNumbers.formatNumber(v, d, a))", cases
    )
    for (value, digits, ascii), text in zip(cases, got, strict=True):
        assert text == format_number(value, digits, ascii=ascii), (value, digits, ascii)
    defaults = core.evaluate("(vs) => vs.map((v) => gdvizNumbers.formatNumber(v))", values[:500])
    assert defaults == [format_number(v) for v in values[:500]]


def test_both_directions_of_the_plain_scientific_switch(core: Any) -> None:
    switch = [
        0.00099995,
        0.00099994,
        0.0009999,
        99999.5,
        99994.9,
        99999.0,
        1e5 - 1e-9,
        1e-3 - 1e-19,
    ]
    got = core.evaluate(
        "(vs) => vs.map((v) => [gdvizNumbers.formatNumber(v), gdvizNumbers.formatNumber(v, 6)])",
        switch,
    )
    assert got == [[format_number(v), format_number(v, 6)] for v in switch]
    kinds = {("×" in a or ("10" in a and "⁻" in a)) for a, _ in got}
    assert kinds == {True, False}


def test_format_fixed_and_points_are_pythons(core: Any) -> None:
    values = _values()[:2500]
    cases: list[list[Any]] = [
        [v, RNG.randint(0, 6), RNG.choice([0, 8, 12]), RNG.random() < 0.3] for v in values
    ]
    got = core.evaluate(
        "(cases) => cases.map(([v, d, w, a]) => gdvizNumbers.formatFixed(v, d, w, a))", cases
    )
    for (value, decimals, width, ascii), text in zip(cases, got, strict=True):
        assert text == format_fixed(value, decimals, width=width, ascii=ascii), (value, decimals)
    points = [[RNG.uniform(-5, 5), RNG.choice([0.0, -0.0, 1e-9, 3e7])] for _ in range(300)]
    got = core.evaluate("(ps) => ps.map((p) => gdvizNumbers.formatPoint(p))", points)
    assert got == [format_point(p) for p in points]


def test_python_format_specs(core: Any) -> None:
    values = [v for v in _values() if math.isfinite(v)][:3000]
    cases = [[v, RNG.randint(0, 17)] for v in values]
    got = core.evaluate(
        """(cases) => cases.map(([v, p]) =>
            [gdvizPy.formatG(v, p), gdvizPy.formatE(v, p), gdvizPy.formatF(v, Math.min(p, 12))])""",
        cases,
    )
    for (value, p), (g, e, f) in zip(cases, got, strict=True):
        assert (g, e, f) == (f"{value:.{p}g}", f"{value:.{p}e}", f"{value:.{min(p, 12)}f}"), (
            value,
            p,
        )


def test_repr_of_floats_and_strings(core: Any) -> None:
    values = _values()
    got = core.evaluate("(vs) => vs.map((v) => gdvizPy.floatRepr(v))", values)
    assert got == [repr(v) for v in values]
    alphabet = "ab'\"\\\t\n\r\x00\x7f é€π\u200b\u2028\U0001f600\x85"
    texts = ["".join(RNG.choice(alphabet) for _ in range(RNG.randint(0, 8))) for _ in range(500)]
    got = core.evaluate("(ts) => ts.map((t) => gdvizPy.strRepr(t))", texts)
    assert got == [repr(t) for t in texts]


def _python_float(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def test_float_and_int_parsing_are_pythons(core: Any) -> None:
    pieces = [
        "1",
        "2.5",
        "-",
        "+",
        ".",
        "e",
        "E",
        "_",
        "0",
        "9",
        " ",
        "inf",
        "nan",
        "x",
        "1e5",
        "\t",
        "Infinity",
        "j",
    ]
    texts = ["".join(RNG.choice(pieces) for _ in range(RNG.randint(1, 5))) for _ in range(3000)]
    texts += [
        "1_000",
        "1__0",
        "_1",
        "1_",
        " 3.5 ",
        "-inf",
        "+NaN",
        "iNfInItY",
        "1e-5",
        ".5",
        "5.",
        "0x10",
        "1e+3_0",
    ]
    got = core.evaluate("(ts) => ts.map((t) => gdvizPy.parseFloat(t))", texts)
    for text, value in zip(texts, got, strict=True):
        expected = _python_float(text)
        if expected is None or value is None:
            assert value is expected, text
        else:
            assert struct.pack("<d", float(value)) == struct.pack("<d", expected) or (
                math.isnan(value) and math.isnan(expected)
            ), text
    ints = core.evaluate("(ts) => ts.map((t) => gdvizPy.parseInt(t))", texts)
    for text, value in zip(texts, ints, strict=True):
        try:
            expected_int: int | None = int(text)
        except ValueError:
            expected_int = None
        assert value == expected_int, text


def test_suggestions_are_gdvizs(core: Any) -> None:
    choices = [
        "sgd",
        "adam",
        "adamw",
        "rmsprop",
        "adagrad",
        "adadelta",
        "adamax",
        "nadam",
        "radam",
        "gd",
        "momentum",
        "nesterov",
        "rosenbrock",
        "himmelblau",
        "rastrigin",
        "beale",
        "booth",
        "x",
        "y",
        "pi",
        "e",
    ]
    words = [
        "".join(RNG.choice("adegimnoprstvwxy") for _ in range(RNG.randint(1, 9)))
        for _ in range(1500)
    ]
    words += [
        "adm",
        "adma",
        "Adamw",
        "rms",
        "rosenbrok",
        "ada",
        "nesterof",
        "himelblau",
        "",
        "sgd",
        "momentun",
    ]
    got = core.evaluate(
        """([ws, cs]) => ws.map((w) => [gdvizPy.getCloseMatches(w, cs, 3, 0.6),
            gdvizPy.didYouMean(w, cs), gdvizPy.unknownNameMessage('optimizer', w, cs)])""",
        [words, choices],
    )
    for word, (close, hint, message) in zip(words, got, strict=True):
        assert close == difflib.get_close_matches(word, choices, 3, 0.6), word
        assert hint == did_you_mean(word, choices), word
        assert message == unknown_name_message("optimizer", word, choices), word
