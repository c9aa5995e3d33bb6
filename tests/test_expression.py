"""Tests for gdviz.expression: safe parsing, exact derivatives, display formulas."""

from __future__ import annotations

import ast
import builtins
import dataclasses
import math
import pickle
import warnings
from pathlib import Path

import numpy as np
import pytest
import sympy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import gdviz.expression as expression
from gdviz import expression_display, expression_syntax, kernels
from gdviz.expression import Expression, ExpressionError, parse_expression
from gdviz.expression_syntax import MAX_DEPTH, MAX_LENGTH, MAX_NODES

# --------------------------------------------------------------------------------------------
# Values and gradients against hand-written numpy
# --------------------------------------------------------------------------------------------

X = np.linspace(0.3, 2.1, 7)  # positive, so log and sqrt are defined
Y = np.linspace(-1.2, 1.4, 7)
sech2 = lambda v: 1 - np.tanh(v) ** 2  # noqa: E731

# text, variables, f, gradient
CASES = [
    ("x**2 + 4*x + 9", ("x",), lambda x: x**2 + 4 * x + 9, lambda x: (2 * x + 4,)),
    ("x*cos(x)", ("x",), lambda x: x * np.cos(x), lambda x: (np.cos(x) - x * np.sin(x),)),
    ("-x**3 + +x", ("x",), lambda x: -(x**3) + x, lambda x: (-3 * x**2 + 1,)),
    ("exp(x)/x", ("x",), lambda x: np.exp(x) / x, lambda x: (np.exp(x) / x - np.exp(x) / x**2,)),
    (
        "sqrt(x) - log(x)",
        ("x",),
        lambda x: np.sqrt(x) - np.log(x),
        lambda x: (0.5 / np.sqrt(x) - 1 / x,),
    ),
    (
        "x**2 + 3*sin(y)",
        ("x", "y"),
        lambda x, y: x**2 + 3 * np.sin(y),
        lambda x, y: (2 * x, 3 * np.cos(y)),
    ),
    (
        "(1 - x)**2 + 100*(y - x**2)**2",
        ("x", "y"),
        lambda x, y: (1 - x) ** 2 + 100 * (y - x**2) ** 2,
        lambda x, y: (-2 * (1 - x) - 400 * x * (y - x**2), 200 * (y - x**2)),
    ),
    (
        "20 + x**2 - 10*cos(2*pi*x) + y**2 - 10*cos(2*pi*y)",
        ("x", "y"),
        lambda x, y: 20 + x**2 - 10 * np.cos(2 * np.pi * x) + y**2 - 10 * np.cos(2 * np.pi * y),
        lambda x, y: (
            2 * x + 20 * np.pi * np.sin(2 * np.pi * x),
            2 * y + 20 * np.pi * np.sin(2 * np.pi * y),
        ),
    ),
    (
        "exp(-(x**2 + y**2)/2)*log(x)",
        ("x", "y"),
        lambda x, y: np.exp(-(x**2 + y**2) / 2) * np.log(x),
        lambda x, y: (
            np.exp(-(x**2 + y**2) / 2) * (1 / x - x * np.log(x)),
            -y * np.exp(-(x**2 + y**2) / 2) * np.log(x),
        ),
    ),
    (
        "abs(y) + tanh(x*y)",
        ("x", "y"),
        lambda x, y: np.abs(y) + np.tanh(x * y),
        lambda x, y: (y * sech2(x * y), np.sign(y) + x * sech2(x * y)),
    ),
    (
        "e**x - pi*y + tan(y/2)",
        ("x", "y"),
        lambda x, y: np.e**x - np.pi * y + np.tan(y / 2),
        lambda x, y: (np.exp(x), -np.pi + 0.5 / np.cos(y / 2) ** 2),
    ),
    (
        "0.5*x**2.5 - y/3 + 1e-3*x*y",
        ("x", "y"),
        lambda x, y: 0.5 * x**2.5 - y / 3 + 1e-3 * x * y,
        lambda x, y: (1.25 * x**1.5 + 1e-3 * y, -1 / 3 + 1e-3 * x),
    ),
    (
        "x**y",
        ("x", "y"),
        lambda x, y: x**y,
        lambda x, y: (y * x ** (y - 1), x**y * np.log(x)),
    ),
    ("-y", ("x", "y"), lambda x, y: -y, lambda x, y: (0 * x, -1 + 0 * y)),
]


@pytest.mark.parametrize(("text", "variables", "f", "grad"), CASES, ids=[c[0] for c in CASES])
def test_value_and_gradient_match_numpy(text, variables, f, grad):
    expr = parse_expression(text)
    assert expr.variables == variables
    assert expr.text == text
    coords = (X, Y)[: len(variables)]
    value = expr.value(*coords)
    assert value.dtype == np.float64
    np.testing.assert_allclose(value, f(*coords), rtol=1e-13, atol=1e-13)
    gradient = expr.gradient(*coords)
    assert isinstance(gradient, tuple)
    assert len(gradient) == len(variables)
    for got, want in zip(gradient, grad(*coords), strict=True):
        assert got.dtype == np.float64
        assert got.shape == X.shape
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)


def test_integer_polynomial_is_bit_identical_to_numpy():
    x = np.random.default_rng(0).normal(scale=50.0, size=1000)
    expr = parse_expression("x**2 + 4*x + 9")
    assert np.array_equal(expr.value(x), x**2 + 4 * x + 9)
    (dx,) = expr.gradient(x)
    assert np.array_equal(dx, 2 * x + 4)


def test_literals_stay_exact():
    expr = parse_expression("x**2 + 4*x + 9 + 0.1*x")
    x = sympy.Symbol("x", real=True)
    assert expr.sympy_expr == x**2 + sympy.Rational(41, 10) * x + 9
    assert expr.sympy_gradient == (2 * x + sympy.Rational(41, 10),)
    assert parse_expression("0.1*x").value(3.0) == 0.1 * 3.0


# --------------------------------------------------------------------------------------------
# Gradient against central finite differences (a sanity check; the gradient itself is symbolic)
# --------------------------------------------------------------------------------------------

SMOOTH = [
    "x**2 + 3*sin(y)",
    "(1 - x)**2 + 100*(y - x**2)**2",
    "(x**2 + y - 11)**2 + (x + y**2 - 7)**2",
    "x*cos(x) + exp(-y**2)",
    "tanh(x*y) + sqrt(x**2 + 1)/(y**2 + 2)",
    "log(1 + x**2 + y**2) - e**(x/4)*pi",
    "(1.5 - x + x*y)**2 + (2.25 - x + x*y**2)**2",
]
coordinate = st.floats(min_value=-2.0, max_value=2.0, allow_nan=False)


@pytest.mark.parametrize("text", SMOOTH)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(x=coordinate, y=coordinate)
def test_gradient_matches_central_difference(text, x, y):
    expr = _parsed(text)
    h = 1e-6
    exact = expr.gradient(x, y)
    numeric = (
        (expr.value(x + h, y) - expr.value(x - h, y)) / (2 * h),
        (expr.value(x, y + h) - expr.value(x, y - h)) / (2 * h),
    )
    for got, want in zip(exact, numeric, strict=True):
        assert got == pytest.approx(want, rel=1e-5, abs=1e-4)


_CACHE: dict[str, Expression] = {}


def _parsed(text: str) -> Expression:
    if text not in _CACHE:
        _CACHE[text] = parse_expression(text)
    return _CACHE[text]


# --------------------------------------------------------------------------------------------
# Hessian, broadcasting, variables
# --------------------------------------------------------------------------------------------


def test_hessian_of_quadratic():
    expr = parse_expression("x**2 + 10*y**2")
    np.testing.assert_array_equal(expr.hessian(0.3, -4.0), [[2.0, 0.0], [0.0, 20.0]])
    grid = expr.hessian(np.zeros((4, 1)), np.zeros((1, 5)))
    assert grid.shape == (4, 5, 2, 2)
    assert grid.dtype == np.float64
    np.testing.assert_array_equal(grid, np.broadcast_to([[2.0, 0.0], [0.0, 20.0]], (4, 5, 2, 2)))


def test_hessian_mixed_and_one_dimensional():
    x, y = np.meshgrid(X, Y)
    h = parse_expression("sin(x*y)").hessian(x, y)
    s, c = np.sin(x * y), np.cos(x * y)
    np.testing.assert_allclose(h[..., 0, 0], -(y**2) * s, atol=1e-14)
    np.testing.assert_allclose(h[..., 0, 1], c - x * y * s, atol=1e-14)
    np.testing.assert_allclose(h[..., 1, 0], h[..., 0, 1], atol=1e-14)
    np.testing.assert_allclose(h[..., 1, 1], -(x**2) * s, atol=1e-14)
    h1 = parse_expression("x*cos(x)").hessian(X)
    assert h1.shape == (*X.shape, 1, 1)
    np.testing.assert_allclose(h1[..., 0, 0], -2 * np.sin(X) - X * np.cos(X), atol=1e-14)


def test_abs_second_derivative_is_zero_and_finite():
    h = parse_expression("abs(x) + abs(log(x))*y").hessian(np.array([-1.0, 0.5, 2.0]), 1.0)
    assert h.shape == (3, 2, 2)
    np.testing.assert_allclose(h[1:, 0, 0], [-1 / 0.5**2 * -1, -1 / 2.0**2])
    assert parse_expression("abs(x)").hessian(np.array([-1.0, 0.0, 1.0])).tolist() == [
        [[0.0]],
        [[0.0]],
        [[0.0]],
    ]


def test_broadcasting_over_grids():
    expr = parse_expression("x**2 + 3*sin(y)")
    value = expr.value(X[:, None], Y[None, :])
    assert value.shape == (X.size, Y.size)
    np.testing.assert_allclose(value, X[:, None] ** 2 + 3 * np.sin(Y[None, :]))
    dx, dy = expr.gradient(X[:, None], Y[None, :])
    assert dx.shape == dy.shape == (X.size, Y.size)
    np.testing.assert_allclose(dx, np.broadcast_to(2 * X[:, None], dx.shape))


@pytest.mark.parametrize("text", ["3", "pi", "-y + y", "2*e"])
def test_constant_and_partly_constant_formulas_broadcast(text):
    expr = parse_expression(text)
    coords = [np.zeros((2, 3))] * len(expr.variables)
    assert expr.value(*coords).shape == (2, 3)
    assert all(g.shape == (2, 3) and not g.any() for g in expr.gradient(*coords))
    assert expr.hessian(*coords).shape == (2, 3, len(expr.variables), len(expr.variables))


def test_scalars_and_integer_arrays():
    expr = parse_expression("x**-1 + y")
    value = expr.value(2, np.array([1, 2]))
    assert value.dtype == np.float64
    np.testing.assert_array_equal(value, [1.5, 2.5])
    zero_d = parse_expression("x**2").value(3.0)
    assert zero_d.shape == ()
    assert zero_d == 9.0


def test_wrong_number_of_coordinates():
    with pytest.raises(TypeError, match="takes 1 coordinate"):
        parse_expression("x**2").value(1.0, 2.0)


@pytest.mark.parametrize(
    ("text", "variables", "expected"),
    [
        ("x**2", ("x", "y"), ("x",)),
        ("y**2", ("x", "y"), ("x", "y")),
        ("7", ("x", "y"), ("x",)),
        ("b**2 + 1", ("w", "b"), ("w", "b")),
        ("w*2", ("w", "b"), ("w",)),
        ("x", ("x",), ("x",)),
    ],
)
def test_variables_are_a_prefix_of_the_allowed_names(text, variables, expected):
    assert parse_expression(text, variables).variables == expected


@pytest.mark.parametrize("variables", [(), ("x", "x"), ("sin",), ("pi",), ("1x",), ("lambda",)])
def test_bad_variable_names(variables):
    with pytest.raises(ValueError, match=r"variable|repeat"):
        parse_expression("1", variables)


def test_evaluation_never_warns():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        expr = parse_expression("log(x) + 1/y + sqrt(x) + x**y")
        value = expr.value(np.array([-1.0, 0.0, 1.0]), np.array([0.0, 0.0, 2.0]))
        gradient = expr.gradient(np.array([-1.0, 0.0, 1.0]), np.array([0.0, 0.0, 2.0]))
        expr.hessian(np.array([-1.0, 0.0]), np.array([0.0, 0.0]))
        assert parse_expression("exp(x)**3").value(1e4) == np.inf
    assert np.isnan(value[0])
    assert value[2] == 2.5
    assert not np.isfinite(gradient[0][1])


def test_log_of_negative_is_nan():
    assert np.isnan(parse_expression("log(x)").value(-1.0))


def test_expression_is_frozen_and_picklable():
    expr = parse_expression("x**2 + 3*sin(y)")
    with pytest.raises(dataclasses.FrozenInstanceError):
        expr.text = "y"
    clone = pickle.loads(pickle.dumps(expr))
    assert clone == expr
    np.testing.assert_array_equal(clone.value(X, Y), expr.value(X, Y))


def test_text_is_stripped():
    assert parse_expression("  x + 1\t").text == "x + 1"


# --------------------------------------------------------------------------------------------
# Display formulas
# --------------------------------------------------------------------------------------------

DISPLAY = [
    # text, typst, pretty
    ("x**2 + 3*sin(y)", "x^2 + 3 sin(y)", "x² + 3·sin(y)"),
    ("x**2 + 4*x + 9", "x^2 + 4 x + 9", "x² + 4·x + 9"),
    ("x*cos(x)", "x cos(x)", "x·cos(x)"),
    ("sin(x)*y", "sin(x) y", "sin(x)·y"),
    ("sin(x)**2", "sin(x)^2", "sin(x)²"),
    ("(x + 1)/2", "(x + 1)/2", "(x + 1)/2"),
    ("x/(2*y)", "x/(2 y)", "x/(2·y)"),
    ("-(x - y)**2", "-(x - y)^2", "−(x − y)²"),
    ("x - (y - 1)", "x - (y - 1)", "x − (y − 1)"),
    ("x - -y", "x - (-y)", "x − (−y)"),
    ("exp(-x**2)", "e^(-x^2)", "exp(−x²)"),
    ("sqrt(abs(x))", "sqrt(abs(x))", "√(|x|)"),
    ("pi*x**-1", "pi x^(-1)", "π·x⁻¹"),
    ("2*3", "2 dot 3", "2·3"),
    ("log(x)", "ln(x)", "ln(x)"),
    ("(x**2)**3", "(x^2)^3", "(x²)³"),
    ("x**(y + 1)", "x^(y + 1)", "x^(y + 1)"),
    ("1e-5*x", "10^(-5) x", "10⁻⁵·x"),
    ("2.5e20*e", "2.5 times 10^20 e", "2.5×10²⁰·e"),
    ("tanh(x + y)", "tanh(x + y)", "tanh(x + y)"),
]


@pytest.mark.parametrize(("text", "typst", "pretty"), DISPLAY, ids=[d[0] for d in DISPLAY])
def test_display_formulas(text, typst, pretty):
    expr = parse_expression(text)
    assert expr.typst == typst
    assert expr.pretty == pretty


def test_multi_letter_variable_names_display():
    expr = parse_expression("lr*w_1", ("w_1", "lr"))
    assert expr.typst == 'italic("lr") italic("w_1")'
    assert expr.pretty == "lr·w_1"


# --------------------------------------------------------------------------------------------
# Rejections
# --------------------------------------------------------------------------------------------

REJECTED = [
    # text, a fragment the message must contain
    ("__import__('os').system('echo hi')", "attribute access '.system' at column 17"),
    ("().__class__", "attribute access '.__class__'"),
    ("x.real", "attribute access '.real' at column 2"),
    ("sin(x).real", "attribute access"),
    ("x[0]", "indexing"),
    ("lambda: 1", "lambda"),
    ("[x for x in y]", "comprehension"),
    ("(x for x in y)", "comprehension"),
    ("x if y else 1", "if/else"),
    ("x < y", "comparison"),
    ("x and y", "'and'/'or'"),
    ("not x", "'not'"),
    ("~x", "'~'"),
    ('"abc"', "a string"),
    ("b'x'", "bytes"),
    ("f'{x}'", "f-string"),
    ("1j*x", "complex"),
    ("True", "True"),
    ("None", "None"),
    ("...", "Ellipsis"),
    ("(x, y)", "tuple"),
    ("[x]", "list"),
    ("{x: 1}", "dict"),
    ("(x := 1)", "':='"),
    ("x ^ 2", "'^' at column 3 is not a power; write **"),
    ("x // 2", "'//' at column 3"),
    ("x % 2", "'%'"),
    ("x @ y", "'@'"),
    ("x << 2", "'<<'"),
    ("2**10000", "exponent 10000 at column 4 is too large"),
    ("2**1000000", "too large"),
    ("9**9**9", "exponent 9**9 = 3.8742e+08"),
    ("x**65", "exponent 65"),
    ("x**-65", "exponent -65"),
    ("x**x**x**x", "tower of powers"),
    ("((2*x)**8)**16", "nested powers"),
    ("(-2)**x", "must be positive"),
    ("1e999", "not a finite"),
    ("1e400*x", "number 1e400 at column 1 is not a finite"),
    ("1e200*1e200", "not a finite"),
    ("exp(exp(exp(10)))", "exp(exp(10)) at column 5 is not a finite"),
    ("log(-1)", "log(-1) at column 1 is not a finite real number"),
    ("sqrt(-2)", "not a finite real number"),
    ("(-8)**(1/3)", "not a finite real number"),
    ("1/0", "not a finite real number"),
    ("0**-1", "not a finite real number"),
    ("x/0", "division by zero at column 2"),
    ("1/(x - x)", "not a real number"),
    ("(1e200*x)**2", "constant beyond float64 once powers are multiplied out (1.00E+400)"),
    ("x" * (MAX_LENGTH + 1), f"the limit is {MAX_LENGTH}"),
    ("+".join(["x"] * 120), f"more than {MAX_NODES} parts"),
    ("sin(" * MAX_DEPTH + "x" + ")" * MAX_DEPTH, "nested too deeply"),
    ("-" * 40 + "x", "nested too deeply"),
    ("foo(x)", "unknown function 'foo' at column 1; allowed: sin, cos, tan, exp, log"),
    ("sni(x)", "did you mean 'sin'?"),
    ("ln(x)", "did you mean 'log'?"),
    ("open('/etc/passwd')", "unknown function 'open'"),
    ("z", "unknown name 'z' at column 1; use x, y, pi or e"),
    ("x + xx", "unknown name 'xx' at column 5; did you mean 'x'?"),
    ("π*x", "did you mean 'pi'?"),
    ("sin", "'sin' at column 1 is a function"),
    ("x(2)", "'x' at column 1 is not a function"),
    ("pi(2)", "not a function"),
    ("(x + 1)(2)", "can be called"),
    ("sin(x, y)", "sin() at column 1 takes exactly one argument"),
    ("sin(x=1)", "takes exactly one argument"),
    ("sin()", "takes exactly one argument"),
    ("sin(*x)", "takes exactly one argument"),
    ("", "empty formula"),
    ("   ", "empty formula"),
    ("x +", "invalid syntax at column 4"),
    ("sin(x", "never closed"),
    ("x²", "invalid character"),
    ("x\ny", "control character"),
    ("x\x00", "control character"),
]


@pytest.mark.parametrize(("text", "fragment"), REJECTED, ids=[r[0][:30] for r in REJECTED])
def test_rejected(text, fragment):
    with pytest.raises(ExpressionError) as info:
        parse_expression(text)
    message = str(info.value)
    assert fragment in message
    assert "\n" not in message
    assert len(message) < 200


def test_expression_error_is_a_value_error():
    assert issubclass(ExpressionError, ValueError)


def test_y_is_unknown_in_one_dimension():
    with pytest.raises(ExpressionError, match="unknown name 'y' at column 5; use x, pi or e"):
        parse_expression("x + y", ("x",))


def test_limits_are_inclusive():
    parse_expression("x**64 + x**-64")
    parse_expression("x**x**x")
    parse_expression("((x**2)**4)**8")
    parse_expression("+".join(["x"] * 100))  # a long flat sum is not deep nesting
    parse_expression("x" + " " * (MAX_LENGTH - 3) + "+1")


# --------------------------------------------------------------------------------------------
# Nothing is evaluated, compiled or built for rejected input
# --------------------------------------------------------------------------------------------


def _forbidden(name):
    def fail(*args, **kwargs):
        raise AssertionError(f"{name} was called")

    return fail


@pytest.fixture
def nothing_runs(monkeypatch):
    """Make every way of running or building code fail loudly (AST-only compile still works)."""
    real_compile = builtins.compile

    def ast_only_compile(source, filename, mode, flags=0, *args, **kwargs):
        if not flags & ast.PyCF_ONLY_AST:
            raise AssertionError("compile to bytecode was called")
        return real_compile(source, filename, mode, flags, *args, **kwargs)

    monkeypatch.setattr(builtins, "compile", ast_only_compile)
    for name in ("eval", "exec"):
        monkeypatch.setattr(builtins, name, _forbidden(name))
    for name in ("sympify", "parse_expr", "lambdify", "Symbol", "Add", "Mul", "Pow"):
        monkeypatch.setattr(sympy, name, _forbidden(f"sympy.{name}"))
    monkeypatch.setattr(expression, "_build", _forbidden("_build"))
    monkeypatch.setattr(kernels.Program, "compile", _forbidden("Program.compile"))


# Two rejections need sympy's simplification (1/(x - x), constants beyond float64 once
# multiplied out); every other rejection happens before anything is built.
REJECTED_BEFORE_BUILDING = [
    r for r in REJECTED if "not a real number" not in r[1] and "beyond float64" not in r[1]
]


@pytest.mark.parametrize(
    ("text", "fragment"),
    REJECTED_BEFORE_BUILDING,
    ids=[r[0][:30] for r in REJECTED_BEFORE_BUILDING],
)
def test_rejected_input_is_never_evaluated_or_built(nothing_runs, text, fragment):
    with pytest.raises(ExpressionError):
        parse_expression(text)


def test_rejected_input_has_no_side_effect(tmp_path: Path):
    marker = tmp_path / "pwned"
    attacks = [
        f"__import__('os').system('touch {marker}')",
        f"open('{marker}', 'w')",
        f"[__import__('os').system('touch {marker}') for _ in (1,)]",
        f"(lambda: __import__('os').system('touch {marker}'))()",
        f"sin(__import__('os').system('touch {marker}'))",
    ]
    for attack in attacks:
        with pytest.raises(ExpressionError):
            parse_expression(attack)
    assert not marker.exists()


def test_accepted_text_never_reaches_a_string_evaluator(monkeypatch):
    text = "x**2 + 3*sin(y) - log(x)/e"
    real_eval, real_exec = builtins.eval, builtins.exec

    def guard(real):
        def wrapper(source, *args, **kwargs):
            assert not (isinstance(source, str) and text in source), "raw text evaluated"
            return real(source, *args, **kwargs)

        return wrapper

    monkeypatch.setattr(builtins, "eval", guard(real_eval))
    monkeypatch.setattr(builtins, "exec", guard(real_exec))
    monkeypatch.setattr(sympy, "sympify", _forbidden("sympy.sympify"))
    monkeypatch.setattr(sympy, "parse_expr", _forbidden("sympy.parse_expr"))
    expr = parse_expression(text)
    assert expr.value(1.0, 0.0) == 1.0


@pytest.mark.parametrize("module", [expression, expression_syntax, expression_display])
def test_module_source_never_uses_string_evaluators(module):
    tree = ast.parse(Path(module.__file__).read_text())
    names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    attributes = {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
    forbidden = {"eval", "exec", "sympify", "parse_expr"}
    assert not (names | attributes) & forbidden


def test_the_checker_and_the_builder_know_the_same_functions_and_constants():
    assert tuple(expression.FUNCTIONS) == expression_syntax.FUNCTION_NAMES
    assert {k: float(v) for k, v in expression.CONSTANTS.items()} == (
        expression_syntax.CONSTANT_VALUES
    )


# --------------------------------------------------------------------------------------------
# Robustness: random formulas either parse or raise ExpressionError, never anything else
# --------------------------------------------------------------------------------------------

leaves = st.sampled_from(["x", "y", "2", "0.5", "pi", "e", "3", "1e-3"])


def _grow(children):
    function = st.sampled_from(["sin", "cos", "tan", "exp", "log", "sqrt", "abs", "tanh"])
    operator = st.sampled_from(["+", "-", "*", "/", "**"])
    return st.one_of(
        st.builds(lambda f, a: f"{f}({a})", function, children),
        st.builds(lambda a, op, b: f"({a}){op}({b})", children, operator, children),
        st.builds(lambda a: f"-{a}", children),
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.recursive(leaves, _grow, max_leaves=6))
def test_random_formulas_parse_or_fail_cleanly(text):
    try:
        expr = parse_expression(text)
    except ExpressionError as error:
        assert "\n" not in str(error)
        return
    grid = np.linspace(-2.0, 2.0, 5)
    coords = [grid] * len(expr.variables)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert expr.value(*coords).shape == (5,)
        assert all(g.shape == (5,) for g in expr.gradient(*coords))
    for display in (expr.typst, expr.pretty):
        assert display.count("(") == display.count(")")
        assert display.count("{") == display.count("}")
    assert math.isfinite(len(expr.pretty))


def test_the_guard_fixture_bites(nothing_runs):
    with pytest.raises(AssertionError, match="was called"):
        parse_expression("x + 1")
