"""The page's formula box speaks gdviz/expression.py's language: same rejections, word for word,
and never evaluates anything; the formulas it accepts have the Python core's values and exact
gradients.

* every bad-formula case of tests/test_expression.py (REJECTED) gets Python's full message;
* a seeded corpus of typos (characters deleted, inserted, cut) of valid formulas gets the same
  verdict and message as parse_expression — syntax errors at the same column included;
* formula text that is JavaScript (or Python) meant to run never sets a marker global;
* random valid formulas: the same variables and plain-text display; the value bit for bit
  where only + − × ÷ √ occur (else 1e-12), the forward-mode gradient within 1e-12 of sympy's.
"""

from __future__ import annotations

import random
import warnings
from typing import Any

import numpy as np
import pytest
from page_helpers import relative_error, same_bits
from test_expression import REJECTED

from gdviz.expression import Expression, ExpressionError, parse_expression

pytestmark = pytest.mark.slow

SEED = 20261205
BASES = [
    "x**2 + y**2",
    "(1 - x)**2 + 100*(y - x**2)**2",
    "sin(x)*cos(y)",
    "exp(-x**2 - y**2)",
    "sqrt(x**2 + 1) - log(y + 3)",
    "x*y/(1 + x**2)",
    "abs(x) + tanh(y)",
    "3.5e-2*x - 2*y",
    "(x + y)**3",
    "x**x",
    "-x + +y",
    "[x, y]",
    "{x: y}",
    "sin(x, y=2)",
    "f(*x)",
    "lambda x: x",
    "x if y else 2",
    "x[1:2]",
    "(x for x in y)",
    "2**-3*x",
    "1/(x - x)",
    "x**64 + y**-2",
]
PIECES = [
    *"()+-*/.,^ xye0123456789[]{}=<>!%&|~@:;'\"#$`\\",
    "**",
    "sin",
    "lambda",
    "if",
    "and",
    "not",
    "1e",
    "0x",
    "_",
    "²",
    "π",
    "\t",
    "for",
    "in",
    "else",
    ":=",
    "=",
    "pi",
    "e",
    "sqrt(",
    "abs",
]
ATTACKS = [
    "window.__marker = 1",
    "window.__marker=1",
    "(()=>{window.__marker=1})()",
    "constructor.constructor('window.__marker=1')()",
    "this.constructor.constructor('window.__marker=1')()",
    "Function('window.__marker=1')()",
    "eval('window.__marker=1')",
    "setTimeout('window.__marker=1')",
    "`${window.__marker=1}`",
    "x; window.__marker = 1",
    "x + (window.__marker = 1)",
    "</script><script>window.__marker=1</script>",
    "<img src=x onerror='window.__marker=1'>",
    "__import__('os').system('echo hi')",
    "x.constructor('window.__marker=1')()",
    "x['constructor']['constructor']('window.__marker=1')()",
    "sin.call(null, 1)",
    "globalThis.__marker = 1",
]


def python_message(text: str) -> str | None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            parse_expression(text)
        except ExpressionError as error:
            return str(error)
    return None


def page_messages(core: Any, texts: list[str]) -> list[str | None]:
    return core.evaluate(
        """(texts) => texts.map((t) => {
            try { gdvizFormula.parse(t); return null; }
            catch (e) {
              return e.name === "ExpressionError" ? e.message : "JS " + e.name + ": " + e.message;
            }
        })""",
        texts,
    )


def test_every_rejected_case_gets_pythons_message(core: Any) -> None:
    texts = [text for text, _ in REJECTED]
    got = page_messages(core, texts)
    for (text, fragment), message in zip(REJECTED, got, strict=True):
        expected = python_message(text)
        assert expected is not None and fragment in expected
        assert message == expected, text


def _mutations(count: int) -> list[str]:
    rng = random.Random(SEED)
    texts = []
    for _ in range(count):
        text = rng.choice(BASES)
        for _ in range(rng.randint(1, 2)):
            i = rng.randrange(len(text) + 1)
            roll = rng.random()
            if roll < 0.4 and text:
                text = text[:i] + text[i + 1 :]
            elif roll < 0.8:
                text = text[:i] + rng.choice(PIECES) + text[i:]
            else:
                j = rng.randrange(len(text) + 1)
                text = text[: min(i, j)] + text[max(i, j) :]
        texts.append(text)
    return texts


def test_typos_get_the_same_verdict_and_message(core: Any) -> None:
    texts = _mutations(1500)
    got = page_messages(core, texts)
    verdicts = {"accepted": 0, "rejected": 0}
    for text, message in zip(texts, got, strict=True):
        expected = python_message(text)
        assert message == expected, text
        verdicts["accepted" if expected is None else "rejected"] += 1
    assert verdicts["accepted"] >= 100 and verdicts["rejected"] >= 800, verdicts


def test_nothing_in_a_formula_is_ever_run(core: Any) -> None:
    core.evaluate("() => { delete window.__marker; }")
    got = page_messages(core, ATTACKS)
    assert all(message is not None and not message.startswith("JS ") for message in got), got
    assert got == [python_message(text) for text in ATTACKS]
    assert core.evaluate("typeof window.__marker") == "undefined"


def _random_formula(rng: random.Random, depth: int = 0) -> str:
    leaves = ["x", "y", "2", "0.5", "pi", "e", "3", "1e-3", "x", "y"]
    if depth > 3 or rng.random() < 0.3:
        return rng.choice(leaves)
    roll = rng.random()
    if roll < 0.3:
        name = rng.choice(["sin", "cos", "tan", "exp", "log", "sqrt", "abs", "tanh"])
        return f"{name}({_random_formula(rng, depth + 1)})"
    if roll < 0.85:
        op = rng.choice(["+", "-", "*", "/", "**", "+", "*"])
        right = (
            str(rng.randint(-3, 4))
            if op == "**" and rng.random() < 0.7
            else _random_formula(rng, depth + 1)
        )
        return f"({_random_formula(rng, depth + 1)}){op}({right})"
    return f"-{_random_formula(rng, depth + 1)}"


def test_accepted_formulas_compute_the_cores_numbers(core: Any) -> None:
    rng = random.Random(SEED + 1)
    formulas: list[tuple[str, Expression]] = []
    while len(formulas) < 120:
        text = _random_formula(rng)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                formulas.append((text, parse_expression(text)))
            except ExpressionError:
                continue
    points = np.array([[rng.uniform(-2.5, 2.5), rng.uniform(-2.5, 2.5)] for _ in range(300)])
    got = core.evaluate(
        """([texts, points]) => texts.map((t) => {
            const f = gdvizFormula.parse(t), out = new Float64Array(f.dim + 1);
            return { variables: f.variables, pretty: f.pretty, exact: f.exactValue,
                     rows: points.map((p) => {
                       f.evaluate(Float64Array.from(p.slice(0, f.dim)), out);
                       return Array.from(out);
                     }) };
        })""",
        [[t for t, _ in formulas], points.tolist()],
    )
    exact_values = 0
    for (text, expr), result in zip(formulas, got, strict=True):
        assert result["variables"] == list(expr.variables), text
        assert result["pretty"] == expr.pretty, text
        coords = [points[:, i] for i in range(len(expr.variables))]
        with np.errstate(all="ignore"):
            value = expr.value(*coords)
            gradient = np.column_stack(expr.gradient(*coords))
        ours = np.array(result["rows"], dtype=np.float64)
        finite = (
            np.isfinite(value)
            & np.all(np.isfinite(gradient), axis=1)
            & np.all(np.isfinite(ours), axis=1)
        )
        assert np.array_equal(np.isfinite(ours[:, 0]), np.isfinite(value)), text
        if result["exact"]:
            assert same_bits(ours[:, 0], value), text
            exact_values += 1
        else:
            assert relative_error(ours[finite, :1], value[finite, None]) <= 1e-12, text
        assert relative_error(ours[finite, 1:], gradient[finite]) <= 1e-12, text
    assert exact_values >= 15


def test_one_variable_formulas_are_one_dimensional(core: Any) -> None:
    got = core.evaluate(
        "() => ['x**2 + 1', 'sin(y) + x', 'pi*2'].map((t) => gdvizFormula.parse(t).variables)"
    )
    assert got == [list(parse_expression(t).variables) for t in ("x**2 + 1", "sin(y) + x", "pi*2")]
