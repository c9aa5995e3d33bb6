"""Safe user formulas with exact gradients.

``gdviz run --expr "x**2 + 3*sin(y)"`` hands the text to :func:`parse_expression`, which

1. parses and checks it against the formula language's whitelist
   (:func:`gdviz.expression_syntax.check`: numbers, the allowed variable names, ``pi`` and
   ``e``, ``+ - * / **`` and one-argument calls of :data:`FUNCTIONS`, all bounded); anything
   else raises :class:`ExpressionError` *before* anything is built or evaluated;
2. builds the sympy tree with constructors (``sympy.Add``, ``sympy.Pow``, ``sympy.sin``, ...) from
   the checked tree -- the raw text never reaches ``eval``, ``sympify`` or ``parse_expr``;
3. differentiates it exactly (sympy) and compiles value, gradient and Hessian into
   :mod:`gdviz.kernels` programs: the value straight from the checked tree, in the order it is
   written (so ``x**2 + 4*x + 9`` evaluates bit for bit like the numpy expression), the
   derivatives from sympy's expressions. The same programs print as JavaScript for the page.

Integer literals stay exact (``2`` is ``Integer(2)``); a float literal becomes the exact
``Rational`` of its shortest decimal form (``0.1`` is ``1/10``) and compiles back to the same
double. Constants with a function in them (``sin(2)``) enter as their float64 value, which
keeps sympy fast. :mod:`gdviz.expression_display` prints the checked tree for the screen.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property
from keyword import iskeyword
from typing import Any

import numpy as np
import sympy

from gdviz import expression_display, kernels
from gdviz.expression_syntax import (
    CONSTANT_VALUES,
    FUNCTION_NAMES,
    Checked,
    ExpressionError,
    check,
)

__all__ = [
    "CONSTANTS",
    "FUNCTIONS",
    "Expression",
    "ExpressionError",
    "formula_node",
    "parse_expression",
]


class RealSign(sympy.Function):
    """``numpy.sign`` as a sympy function whose derivative is 0 (the Dirac delta at 0 dropped)."""

    nargs = 1

    @classmethod
    def eval(cls, arg: sympy.Expr) -> sympy.Expr | None:
        return sympy.sign(arg) if arg.is_extended_real else None

    def fdiff(self, argindex: int = 1) -> sympy.Expr:
        return sympy.S.Zero


class RealAbs(sympy.Function):
    """``numpy.abs`` as a sympy function with derivative ``RealSign``.

    ``sympy.Abs`` differentiates arguments it cannot prove real (``abs(x**y)``, ``abs(log(x))``)
    into ``re``/``im``/``Derivative`` terms that numpy cannot evaluate; this one stays real.
    """

    nargs = 1

    @classmethod
    def eval(cls, arg: sympy.Expr) -> sympy.Expr | None:
        return sympy.Abs(arg) if arg.is_extended_real else None  # sympy's own when it is safe

    def fdiff(self, argindex: int = 1) -> sympy.Expr:
        return RealSign(self.args[0])


class RealTanh(sympy.tanh):
    """``sympy.tanh`` without its complex-plane checks of the argument.

    ``tanh`` asks ``as_real_imag()`` of an argument it cannot prove real (``log(x)``, ``x**y``);
    nested, that is exponential (seconds at six levels). Here such questions stay unanswered.
    """

    def fdiff(self, argindex: int = 1) -> sympy.Expr:
        return sympy.S.One - RealTanh(self.args[0]) ** 2

    def _eval_is_real(self) -> bool | None:
        return True if self.args[0].is_extended_real else None

    def _eval_is_finite(self) -> bool | None:
        return True if self.args[0].is_extended_real else None


#: The callable functions (one positional argument each) and their sympy constructors.
FUNCTIONS: dict[str, Callable[[sympy.Expr], sympy.Expr]] = {
    "sin": sympy.sin,
    "cos": sympy.cos,
    "tan": sympy.tan,
    "exp": sympy.exp,
    "log": sympy.log,
    "sqrt": sympy.sqrt,
    "abs": RealAbs,
    "tanh": RealTanh,
}
#: The named constants.
CONSTANTS: dict[str, sympy.Expr] = {"pi": sympy.pi, "e": sympy.E}

_SYMPY_BINARY: dict[type[ast.operator], Callable[[sympy.Expr, sympy.Expr], sympy.Expr]] = {
    ast.Add: sympy.Add,
    ast.Sub: lambda a, b: sympy.Add(a, sympy.Mul(sympy.S.NegativeOne, b)),
    ast.Mult: sympy.Mul,
    ast.Div: lambda a, b: sympy.Mul(a, sympy.Pow(b, sympy.S.NegativeOne)),
    ast.Pow: sympy.Pow,
}

# --------------------------------------------------------------------------------------------
# Building, differentiating and compiling (only ever on checked trees)
# --------------------------------------------------------------------------------------------


def _build(
    node: ast.expr, symbols: dict[str, sympy.Symbol], floats: dict[int, float]
) -> sympy.Expr:
    """Construct the sympy tree of a checked formula with sympy constructors.

    Constants with a function call in them (``sin(2)``, ``sqrt(3)/2``) enter as their float64
    value from ``floats``: exact sympy constants like ``tanh(sin(2))`` make sympy's assumption
    and ordering machinery slow (seconds), and numpy would round them to this value anyway.
    """
    if id(node) in floats:
        return sympy.Float(floats[id(node)])
    match node:
        case ast.Constant(value=int() as value):
            return sympy.Integer(value)
        case ast.Constant(value=float() as value):
            ratio = Fraction(repr(value))  # shortest decimal form: 0.1 -> 1/10
            return sympy.Rational(ratio.numerator, ratio.denominator)
        case ast.Name(id=name):
            return symbols[name] if name in symbols else CONSTANTS[name]
        case ast.UnaryOp(op=ast.USub(), operand=operand):
            return sympy.Mul(sympy.S.NegativeOne, _build(operand, symbols, floats))
        case ast.UnaryOp(operand=operand):
            return _build(operand, symbols, floats)
        case ast.BinOp(left=left, op=op, right=right):
            build = _SYMPY_BINARY[type(op)]
            return build(_build(left, symbols, floats), _build(right, symbols, floats))
        case ast.Call(func=ast.Name(id=name), args=[argument]):
            return FUNCTIONS[name](_build(argument, symbols, floats))
    raise AssertionError(f"unchecked node {ast.dump(node)}")  # pragma: no cover


def _symbols(variables: tuple[str, ...]) -> tuple[sympy.Symbol, ...]:
    return tuple(sympy.Symbol(name, real=True) for name in variables)


def _derivative(expr: sympy.Expr, symbol: sympy.Symbol) -> sympy.Expr:
    """Exact partial derivative; Dirac deltas (from ``sign`` at 0) are dropped, as numpy would."""
    derivative = sympy.diff(expr, symbol)
    if derivative.has(sympy.DiracDelta):
        derivative = derivative.replace(sympy.DiracDelta, lambda *args: sympy.S.Zero)
    return derivative


def _ensure_numeric(text: str, expr: sympy.Expr, what: str) -> None:
    """Reject a value or derivative numpy cannot evaluate as a real number."""
    shown = str(expr) if len(str(expr)) <= 40 else str(expr)[:39] + "…"
    if expr.has(sympy.I, sympy.zoo, sympy.nan, sympy.oo, sympy.S.NegativeInfinity):
        raise ExpressionError(f"{what} of {text!r} is not a real number (sympy gives {shown})")
    if expr.has(sympy.Derivative, sympy.Subs):
        raise ExpressionError(f"{what} of {text!r} has no closed form (sympy gives {shown})")
    huge = [n for n in expr.atoms(sympy.Number) if abs(n) > sys.float_info.max]
    if huge:
        raise ExpressionError(
            f"{what} of {text!r} has a constant beyond float64 once powers are multiplied out "
            f"({sympy.Float(abs(huge[0]), 3)})"
        )


def _fill(shape: tuple[int, ...], raw: Any) -> np.ndarray:
    out = np.empty(shape, dtype=np.float64)
    out[...] = raw
    return out


# --------------------------------------------------------------------------------------------
# The public API
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Expression:
    """A checked formula with its exact derivatives, compiled to vectorised numpy functions.

    Build it with :func:`parse_expression`. ``value``, ``gradient`` and ``hessian`` take one array
    per variable (in ``variables`` order), broadcast them against each other and return float64
    arrays of the broadcast shape, also for a constant formula. Evaluation never warns: points
    outside the domain give ``nan`` (``log(-1)``) or ``inf``.

    Attributes
    ----------
    text : str
        The user's text, stripped.
    variables : tuple of str
        The formula's variables: the allowed names up to the last one it uses (at least one),
        e.g. ``("x",)`` for ``x**2`` and ``("x", "y")`` for ``sin(y)``.
    sympy_expr : sympy.Expr
        The symbolic formula (variables are real sympy symbols).
    sympy_gradient : tuple of sympy.Expr
        Its exact partial derivatives, one per variable.
    """

    text: str
    variables: tuple[str, ...]
    sympy_expr: sympy.Expr = field(repr=False, compare=False)
    sympy_gradient: tuple[sympy.Expr, ...] = field(repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_value_fn", self.program(gradient=False).compile())
        object.__setattr__(self, "_gradient_fn", self.program(value=False).compile())

    def __reduce__(self) -> tuple[Any, ...]:
        return parse_expression, (self.text, self.variables)

    @property
    def inputs(self) -> tuple[str, ...]:
        """The kernels' argument names: ``v0, v1, …`` for the variables, in order."""
        return tuple(f"v{i}" for i in range(len(self.variables)))

    def program(self, *, value: bool = True, gradient: bool = True) -> kernels.Program:
        """The formula as one :class:`~gdviz.kernels.Program`: value, then the gradient.

        The value keeps the order the formula is written in; the gradient is sympy's exact
        derivative. The same program prints as numpy (``gdviz run``) and as JavaScript (the
        report's page).
        """
        outputs = ([self.value_node] if value else []) + (
            list(self.gradient_nodes) if gradient else []
        )
        return kernels.Program(self.inputs, tuple(outputs))

    @cached_property
    def value_node(self) -> kernels.Node:
        """The value's program node, built from the checked syntax tree."""
        names = {v: kernels.var(i) for v, i in zip(self.variables, self.inputs, strict=True)}
        return kernels.from_ast(self._checked.tree, names, floats=self._checked.floats)

    @cached_property
    def gradient_nodes(self) -> tuple[kernels.Node, ...]:
        """The exact partial derivatives' program nodes."""
        names = {s: kernels.var(i) for s, i in zip(self._symbols, self.inputs, strict=True)}
        return tuple(kernels.from_sympy(part, names) for part in self.sympy_gradient)

    @cached_property
    def hessian_nodes(self) -> tuple[kernels.Node, ...]:
        """The exact second derivatives' program nodes, row by row."""
        names = {s: kernels.var(i) for s, i in zip(self._symbols, self.inputs, strict=True)}
        return tuple(kernels.from_sympy(h, names) for row in self.sympy_hessian for h in row)

    @cached_property
    def _symbols(self) -> tuple[sympy.Symbol, ...]:
        return _symbols(self.variables)

    @cached_property
    def _checked(self) -> Checked:
        return check(self.text, self.variables)

    def _coords(self, coords: tuple[Any, ...]) -> tuple[tuple[np.ndarray, ...], tuple[int, ...]]:
        if len(coords) != len(self.variables):
            raise TypeError(
                f"{self.text!r} takes {len(self.variables)} coordinate array(s) "
                f"({', '.join(self.variables)}), got {len(coords)}"
            )
        arrays = tuple(np.asarray(c, dtype=np.float64) for c in coords)
        return arrays, np.broadcast_shapes(*(a.shape for a in arrays))

    def value(self, *coords: np.ndarray) -> np.ndarray:
        """f at the broadcast points: a float64 array of the broadcast shape."""
        arrays, shape = self._coords(coords)
        with np.errstate(all="ignore"):
            return _fill(shape, self._value_fn(*arrays)[0])  # type: ignore[attr-defined]

    def gradient(self, *coords: np.ndarray) -> tuple[np.ndarray, ...]:
        """The exact partial derivatives, one float64 array of the broadcast shape each."""
        arrays, shape = self._coords(coords)
        with np.errstate(all="ignore"):
            parts = self._gradient_fn(*arrays)  # type: ignore[attr-defined]
            return tuple(_fill(shape, part) for part in parts)

    def hessian(self, *coords: np.ndarray) -> np.ndarray:
        """The exact second derivatives, shape ``(..., n, n)`` for ``n`` variables.

        The second derivative of ``abs`` is taken as 0 (the Dirac delta at its kink dropped).
        """
        arrays, shape = self._coords(coords)
        n = len(self.variables)
        with np.errstate(all="ignore"):
            parts = self._hessian_fn(*arrays)
        out = np.empty((*shape, n * n), dtype=np.float64)
        for i, part in enumerate(parts):
            out[..., i] = part
        return out.reshape(*shape, n, n)

    @cached_property
    def sympy_hessian(self) -> tuple[tuple[sympy.Expr, ...], ...]:
        """The exact second derivatives as sympy expressions."""
        symbols = self._symbols
        return tuple(tuple(_derivative(part, s) for s in symbols) for part in self.sympy_gradient)

    @cached_property
    def _hessian_fn(self) -> Callable:
        return kernels.Program(self.inputs, self.hessian_nodes).compile()

    @cached_property
    def typst(self) -> str:
        """The formula in Typst math syntax, e.g. ``x^2 + 3 sin(y)``."""
        return expression_display.typst(self._checked.tree)

    @cached_property
    def pretty(self) -> str:
        """The formula in plain unicode, e.g. ``x² + 3·sin(y)``."""
        return expression_display.pretty(self._checked.tree)


def parse_expression(text: str, variables: tuple[str, ...] = ("x", "y")) -> Expression:
    """Parse a user's formula safely and differentiate it exactly.

    Parameters
    ----------
    text : str
        The formula in Python syntax, e.g. ``"x**2 + 3*sin(y)"``. Allowed: numbers, the names in
        ``variables``, ``pi``, ``e``, unary ``+ -``, binary ``+ - * / **`` and one-argument calls
        of ``sin cos tan exp log sqrt abs tanh``.
    variables : tuple of str
        The variable names the formula may use, in coordinate order.

    Returns
    -------
    Expression
        Its ``variables`` are ``variables`` up to the last one the formula uses (at least the
        first), so ``"x**2"`` is one-dimensional.

    Raises
    ------
    ExpressionError
        If the text is empty, too long or too large, malformed, uses anything outside the
        whitelist, or is not real-valued; the one-line message names the column.
    ValueError
        If ``variables`` is empty, repeats a name or uses a reserved or invalid one.
    """
    _check_variables(variables)
    text = text.strip()
    checked = check(text, tuple(variables))
    last = max((variables.index(name) for name in checked.used), default=0)
    used = tuple(variables[: last + 1])
    symbols = dict(zip(used, _symbols(used), strict=True))
    try:
        expr = _build(checked.tree, symbols, checked.floats)
        gradient = tuple(_derivative(expr, s) for s in symbols.values())
    except (ArithmeticError, RecursionError, TypeError, ValueError) as error:  # sympy's own
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise ExpressionError(f"sympy cannot differentiate {text!r}: {reason}") from None
    _ensure_numeric(text, expr, "the value")
    for part in gradient:
        _ensure_numeric(text, part, "the gradient")
    return Expression(text, used, expr, gradient)


def _check_variables(variables: tuple[str, ...]) -> None:
    if not variables:
        raise ValueError("at least one variable name is needed")
    if len(set(variables)) != len(variables):
        raise ValueError(f"variable names repeat: {variables}")
    for name in variables:
        if not isinstance(name, str) or not name.isidentifier() or iskeyword(name):
            raise ValueError(f"{name!r} is not a valid variable name")
        if name in FUNCTION_NAMES or name in CONSTANT_VALUES:
            raise ValueError(f"{name!r} is a function or constant, not a variable name")


def formula_node(text: str, names: dict[str, kernels.Node]) -> kernels.Node:
    """The :mod:`gdviz.kernels` node of a formula over ``names``, checked but not differentiated.

    Used for per-sample losses of data problems, whose gradients are written out alongside
    them (and checked against sympy's derivative by the tests).

    Raises
    ------
    ExpressionError
        As :func:`parse_expression`.
    """
    checked = check(text.strip(), tuple(names))
    return kernels.from_ast(checked.tree, names, floats=checked.floats)
