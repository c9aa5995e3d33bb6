"""Safe user formulas with exact gradients.

``gdviz run --expr "x**2 + 3*sin(y)"`` hands the text to :func:`parse_expression`, which

1. parses it with :mod:`ast` (``mode="eval"``) and walks the tree against a whitelist: numbers,
   the allowed variable names, ``pi`` and ``e``, unary ``+``/``-``, binary ``+ - * / **`` and
   one-argument calls of :data:`FUNCTIONS`. Size, nesting, exponents and constant values are
   bounded (see the ``MAX_*`` constants). Anything else raises :class:`ExpressionError` *before*
   anything is built or evaluated;
2. builds the sympy tree with constructors (``sympy.Add``, ``sympy.Pow``, ``sympy.sin``, ...) from
   the checked tree -- the raw text never reaches ``eval``, ``sympify`` or ``parse_expr``;
3. differentiates it exactly (sympy) and compiles value, gradient and Hessian into
   :mod:`gdviz.kernels` programs: the value straight from the checked tree, in the order it is
   written (so ``x**2 + 4*x + 9`` evaluates bit for bit like the numpy expression), the
   derivatives from sympy's expressions. The same programs print as JavaScript for the page.

Integer literals stay exact (``2`` is ``Integer(2)``); a float literal becomes the exact
``Rational`` of its shortest decimal form (``0.1`` is ``1/10``) and compiles back to the same
double. Constants with a function in them (``sin(2)``) enter as their float64 value, which
keeps sympy fast.
"""

from __future__ import annotations

import ast
import difflib
import math
import operator
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property
from keyword import iskeyword
from typing import Any, ClassVar, NamedTuple

import numpy as np
import sympy

from gdviz import kernels
from gdviz.numbers import superscript

__all__ = [
    "CONSTANTS",
    "FUNCTIONS",
    "MAX_DEPTH",
    "MAX_EXPONENT",
    "MAX_LENGTH",
    "MAX_NODES",
    "MAX_TOWER",
    "Expression",
    "ExpressionError",
    "parse_expression",
]

#: Longest formula accepted, in characters.
MAX_LENGTH = 300
#: Most expression nodes in the syntax tree.
MAX_NODES = 200
#: Deepest nesting of sub-expressions (a flat chain like ``a + b - c + d`` counts once).
MAX_DEPTH = 16
#: Largest absolute value of a constant exponent, also the largest combined power of nested
#: powers of a variable.
MAX_EXPONENT = 64
#: Highest tower of variable exponents: ``x**x**x`` is allowed, ``x**x**x**x`` is not.
MAX_TOWER = 2


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

_FLOAT_FUNCTIONS: dict[str, Callable[[float], float]] = {
    "sin": math.sin,
    "cos": math.cos,
    "tan": math.tan,
    "exp": math.exp,
    "log": math.log,
    "sqrt": math.sqrt,
    "abs": abs,
    "tanh": math.tanh,
}
_FLOAT_BINARY: dict[type[ast.operator], Callable[[float, float], float]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.Pow: math.pow,
}
_SYMPY_BINARY: dict[type[ast.operator], Callable[[sympy.Expr, sympy.Expr], sympy.Expr]] = {
    ast.Add: sympy.Add,
    ast.Sub: lambda a, b: sympy.Add(a, sympy.Mul(sympy.S.NegativeOne, b)),
    ast.Mult: sympy.Mul,
    ast.Div: lambda a, b: sympy.Mul(a, sympy.Pow(b, sympy.S.NegativeOne)),
    ast.Pow: sympy.Pow,
}
_OPERATOR_SYMBOLS: dict[type[ast.AST], str] = {
    ast.FloorDiv: "//",
    ast.Mod: "%",
    ast.MatMult: "@",
    ast.LShift: "<<",
    ast.RShift: ">>",
    ast.BitOr: "|",
    ast.BitAnd: "&",
    ast.Not: "not",
    ast.Invert: "~",
}
_HINTS = {"π": ["pi"], "ln": ["log"]}  # what difflib would not suggest
_DESCRIPTIONS: dict[type[ast.AST], str] = {
    ast.Attribute: "attribute access",
    ast.Subscript: "indexing",
    ast.Slice: "a slice",
    ast.Lambda: "lambda",
    ast.ListComp: "a comprehension",
    ast.SetComp: "a comprehension",
    ast.DictComp: "a comprehension",
    ast.GeneratorExp: "a comprehension",
    ast.IfExp: "if/else",
    ast.Compare: "a comparison",
    ast.BoolOp: "'and'/'or'",
    ast.List: "a list",
    ast.Tuple: "a tuple",
    ast.Set: "a set",
    ast.Dict: "a dict",
    ast.JoinedStr: "an f-string",
    ast.NamedExpr: "':='",
    ast.Starred: "'*' unpacking",
    ast.Await: "await",
    ast.Yield: "yield",
    ast.YieldFrom: "yield",
}


class ExpressionError(ValueError):
    """A formula that is malformed or not allowed; the message is one line naming the column."""


# --------------------------------------------------------------------------------------------
# Checking: the whitelist walk. Builds nothing; folds constants in plain floats to bound them.
# --------------------------------------------------------------------------------------------


class _Facts(NamedTuple):
    """What the checker knows about a subtree."""

    value: float | None  # its float value if it is constant
    tower: int = 0  # height of the tallest tower of variable exponents in it
    power: float = 1.0  # combined constant exponent applied to a variable (x**2)**3 -> 6
    exact: bool = True  # false for a constant with a function call in it, like sin(2)


class _Checker:
    """Walk a parsed formula against the whitelist, raising :class:`ExpressionError`."""

    def __init__(self, text: str, variables: tuple[str, ...]) -> None:
        self.text = text
        self.variables = variables
        self.used: set[str] = set()
        self.floats: dict[int, float] = {}  # id(node) -> value of constants like sin(2)
        self._bytes = text.encode()

    # -- positions and messages ----------------------------------------------------------

    def column(self, node: ast.AST) -> int:
        """1-based character column of a node (``col_offset`` counts UTF-8 bytes)."""
        offset = getattr(node, "col_offset", 0)
        return len(self._bytes[:offset].decode(errors="ignore")) + 1

    def _char(self, node: ast.AST, attribute: str) -> int:
        return len(self._bytes[: getattr(node, attribute)].decode(errors="ignore"))

    def operator_column(self, node: ast.BinOp, symbol: str) -> int:
        """Column of a binary operator's symbol, between its operands."""
        start, end = self._char(node.left, "end_col_offset"), self._char(node.right, "col_offset")
        found = self.text.find(symbol, start, end)
        return (found if found >= 0 else start) + 1

    def source(self, node: ast.AST, limit: int = 30) -> str:
        """The user's text for a node, shortened to ``limit`` characters."""
        segment = ast.get_source_segment(self.text, node) or ""
        return segment if len(segment) <= limit else segment[: limit - 1] + "…"

    # -- the walk ---------------------------------------------------------------------------

    def check(self, node: ast.expr) -> _Facts:
        """Check ``node`` and return its facts, or raise :class:`ExpressionError`."""
        facts = self._check(node)
        if facts.value is not None and not facts.exact:
            self.floats[id(node)] = facts.value
        return facts

    def _check(self, node: ast.expr) -> _Facts:
        match node:
            case ast.Constant(value=value):
                return self._constant(node, value)
            case ast.Name(id=name):
                return self._name(node, name)
            case ast.UnaryOp(op=ast.UAdd() | ast.USub() as op, operand=operand):
                facts = self.check(operand)
                if facts.value is not None and isinstance(op, ast.USub):
                    return facts._replace(value=-facts.value)
                return facts
            case ast.BinOp(op=op) if type(op) in _FLOAT_BINARY:
                return self._binary(node)
            case ast.Call():
                return self._call(node)
        return self._reject(node)

    def _reject(self, node: ast.AST) -> _Facts:
        at = f"at column {self.column(node)}"
        match node:
            case ast.BinOp(op=ast.BitXor()):
                col = self.operator_column(node, "^")
                raise ExpressionError(f"'^' at column {col} is not a power; write ** (e.g. x**2)")
            case ast.BinOp(op=op) | ast.UnaryOp(op=op):
                symbol = _OPERATOR_SYMBOLS.get(type(op), type(op).__name__)
                if isinstance(node, ast.BinOp):
                    at = f"at column {self.operator_column(node, symbol)}"
                raise ExpressionError(f"operator '{symbol}' {at} is not allowed; use + - * / **")
            case ast.Attribute(attr=attr):
                dot = self.text.rfind(".", 0, self._char(node, "end_col_offset") - len(attr))
                raise ExpressionError(
                    f"attribute access '.{attr}' at column {dot + 1} is not allowed"
                )
        description = _DESCRIPTIONS.get(type(node), type(node).__name__)
        raise ExpressionError(f"{description} {at} is not allowed in a formula")

    def _constant(self, node: ast.Constant, value: object) -> _Facts:
        at = f"at column {self.column(node)}"
        if isinstance(value, bool) or not isinstance(value, int | float):
            kind = {str: "a string", bytes: "bytes", complex: "a complex number"}.get(
                type(value), repr(value)
            )
            raise ExpressionError(f"{kind} {at} is not allowed; only real numbers")
        try:
            number = float(value)
        except OverflowError:
            number = math.inf
        if not math.isfinite(number):
            raise ExpressionError(f"number {self.source(node)} {at} is not a finite float64")
        return _Facts(number)

    def _name(self, node: ast.Name, name: str) -> _Facts:
        if name in self.variables:
            self.used.add(name)
            return _Facts(None)
        if name in CONSTANTS:
            return _Facts(float(CONSTANTS[name]))
        at = f"at column {self.column(node)}"
        if name in FUNCTIONS:
            raise ExpressionError(f"'{name}' {at} is a function; call it like {name}(x)")
        allowed = [*self.variables, *CONSTANTS]
        close = _HINTS.get(name, difflib.get_close_matches(name, [*allowed, *FUNCTIONS], n=1))
        hint = f"did you mean '{close[0]}'?" if close else f"use {_either(allowed)}"
        raise ExpressionError(f"unknown name '{name}' {at}; {hint}")

    def _call(self, node: ast.Call) -> _Facts:
        at = f"at column {self.column(node)}"
        if not isinstance(node.func, ast.Name):
            self.check(node.func)  # rejects attributes, lambdas, unknown calls, ...
            raise ExpressionError(
                f"only {_either(list(FUNCTIONS))} can be called; not the call {at}"
            )
        name = node.func.id
        if name in self.variables or name in CONSTANTS:
            raise ExpressionError(
                f"'{name}' {at} is not a function; write {name}*(...) to multiply"
            )
        if name not in FUNCTIONS:
            close = _HINTS.get(name, difflib.get_close_matches(name, list(FUNCTIONS), n=1))
            hint = f"did you mean '{close[0]}'? " if close else ""
            raise ExpressionError(
                f"unknown function '{name}' {at}; {hint}allowed: {', '.join(FUNCTIONS)}"
            )
        if node.keywords or len(node.args) != 1 or isinstance(node.args[0], ast.Starred):
            raise ExpressionError(f"{name}() {at} takes exactly one argument, without keywords")
        facts = self.check(node.args[0])
        if facts.value is not None:
            return _Facts(self._fold(node, _FLOAT_FUNCTIONS[name], facts.value), exact=False)
        return facts

    def _binary(self, node: ast.BinOp) -> _Facts:
        left, right = self.check(node.left), self.check(node.right)
        if isinstance(node.op, ast.Pow):
            return self._power(node, left, right)
        if left.value is not None and right.value is not None:
            value = self._fold(node, _FLOAT_BINARY[type(node.op)], left.value, right.value)
            return _Facts(value, exact=left.exact and right.exact)
        if isinstance(node.op, ast.Div) and right.value == 0:
            col = self.operator_column(node, "/")
            raise ExpressionError(f"division by zero at column {col}")
        return _Facts(None, max(left.tower, right.tower), max(left.power, right.power))

    def _power(self, node: ast.BinOp, base: _Facts, exponent: _Facts) -> _Facts:
        at = f"at column {self.column(node.right)}"
        if exponent.value is not None and abs(exponent.value) > MAX_EXPONENT:
            shown = self.source(node.right)
            if not isinstance(node.right, ast.Constant | ast.UnaryOp):
                shown += f" = {exponent.value:.6g}"
            raise ExpressionError(
                f"exponent {shown} {at} is too large; |exponent| must be at most {MAX_EXPONENT}"
            )
        if base.value is not None and exponent.value is not None:
            value = self._fold(node, math.pow, base.value, exponent.value)
            return _Facts(value, exact=base.exact and exponent.exact)
        if exponent.value is None:  # a variable exponent
            if base.value is not None and base.value <= 0:
                raise ExpressionError(
                    f"base {self.source(node.left)} at column {self.column(node.left)} must be "
                    "positive when the exponent contains a variable"
                )
            tower = max(base.tower, exponent.tower + 1)
            if tower > MAX_TOWER:
                raise ExpressionError(
                    f"tower of powers {at} is {tower} high; at most {MAX_TOWER} (like x**x**x)"
                )
            return _Facts(None, tower, max(base.power, exponent.power))
        power = base.power * max(1.0, abs(exponent.value))
        if power > MAX_EXPONENT:
            raise ExpressionError(
                f"nested powers {at} raise a variable to the power {power:.6g}; "
                f"the limit is {MAX_EXPONENT}"
            )
        return _Facts(None, base.tower, power)

    def _fold(self, node: ast.expr, function: Callable[..., float], *args: float) -> float:
        """Evaluate a constant subtree in floats; it must be a finite real number."""
        try:
            value = function(*args)
        except (ArithmeticError, ValueError):  # ZeroDivisionError, OverflowError, domain
            value = math.nan
        if isinstance(value, complex) or not math.isfinite(value):
            raise ExpressionError(
                f"{self.source(node)} at column {self.column(node)} is not a finite real number"
            )
        return value


def _either(names: list[str]) -> str:
    return ", ".join(names[:-1]) + f" or {names[-1]}" if len(names) > 1 else names[0]


def _parse(text: str) -> ast.expr:
    """Parse stripped text into a bounded expression tree (not yet whitelisted)."""
    if not text:
        raise ExpressionError("empty formula; write one such as x**2 + y**2")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"formula is {len(text)} characters long; the limit is {MAX_LENGTH}")
    for index, char in enumerate(text):
        if not (char.isprintable() or char == "\t"):
            raise ExpressionError(f"control character {char!r} at column {index + 1}")
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as error:
        column = error.offset if error.offset and error.offset > 0 else len(text) + 1
        message = str(error.msg).splitlines()[0] if error.msg else "invalid syntax"
        raise ExpressionError(f"{message} at column {column}") from None
    except (ValueError, RecursionError, MemoryError):
        raise ExpressionError("formula cannot be parsed (too deeply nested?)") from None
    count, stack = 0, [(tree.body, 1)]
    while stack:
        node, depth = stack.pop()
        count += 1
        if count > MAX_NODES:
            raise ExpressionError(f"formula has more than {MAX_NODES} parts; simplify it")
        if depth > MAX_DEPTH:
            column = _Checker(text, ()).column(node)
            raise ExpressionError(
                f"formula is nested too deeply at column {column} (limit {MAX_DEPTH} levels)"
            )
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.expr):
                stack.append((child, depth if _same_chain(node, child) else depth + 1))
    return tree.body


def _same_chain(node: ast.AST, child: ast.AST) -> bool:
    """Whether ``child`` continues ``node``'s chain, as ``a + b`` continues ``a + b - c``."""
    groups = ((ast.Add, ast.Sub), (ast.Mult, ast.Div))
    return (
        isinstance(node, ast.BinOp)
        and isinstance(child, ast.BinOp)
        and child is node.left
        and any(isinstance(node.op, g) and isinstance(child.op, g) for g in groups)
    )


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
# Display: Typst and plain unicode, printed from the checked syntax tree
# --------------------------------------------------------------------------------------------

_ADD, _MUL, _NEG, _POW, _ATOM = range(1, 6)


class _Printer:
    """Render a checked tree with the fewest parentheses; subclasses give the notation.

    ``walk`` returns ``(text, precedence)``; ``tail`` is false where more factors follow on the
    right (kept for notations that write ``sin x`` without parentheses).
    """

    minus: ClassVar[str] = "-"
    constants: ClassVar[dict[str, str]] = {}
    functions: ClassVar[dict[str, str]] = {}

    def __call__(self, node: ast.expr) -> str:
        return self.walk(node, True)[0]

    def walk(self, node: ast.expr, tail: bool) -> tuple[str, int]:
        match node:
            case ast.Constant(value=int() | float() as value):
                return self.number(value)
            case ast.Name(id=name):
                return self.constants.get(name) or self.name(name), _ATOM
            case ast.UnaryOp(op=ast.UAdd(), operand=operand):
                return self.walk(operand, tail)
            case ast.UnaryOp(operand=operand):
                return self.minus + self.operand(operand, _NEG, tail, first=False), _NEG
            case ast.BinOp(op=ast.Add() | ast.Sub() as op, left=left, right=right):
                is_add = isinstance(op, ast.Add)
                sign = " + " if is_add else f" {self.minus} "
                right_text = self.operand(right, _ADD if is_add else _MUL, True, first=False)
                return self.operand(left, _ADD, True) + sign + right_text, _ADD
            case ast.BinOp(op=ast.Mult(), left=left, right=right):
                left_text = self.operand(left, _MUL, False)
                right_text = self.operand(right, _MUL, tail, first=False)
                return self.times(left_text, right_text), _MUL
            case ast.BinOp(op=ast.Div(), left=left, right=right):
                return self.divide(left, right), _MUL
            case ast.BinOp(op=ast.Pow(), left=left, right=right):
                return self.power(self.operand(left, _ATOM, False), right), _POW
            case ast.Call(func=ast.Name(id=name), args=[argument]):
                return self.call(name, argument, tail)
        raise AssertionError(f"unchecked node {ast.dump(node)}")  # pragma: no cover

    def operand(self, node: ast.expr, least: int, tail: bool, first: bool = True) -> str:
        """Render ``node``, in parentheses if it binds less than ``least`` or starts with −."""
        text, precedence = self.walk(node, tail)
        if precedence < least or (not first and text.startswith(self.minus)):
            return self.paren(self.walk(node, True)[0])
        return text

    def number(self, value: float) -> tuple[str, int]:
        text = repr(value)
        if "e" not in text:
            return text, _ATOM
        mantissa, exponent = text.split("e")
        ten = self.ten(str(int(exponent)))
        return (ten, _POW) if mantissa == "1" else (self.scientific(mantissa, ten), _MUL)

    def is_simple(self, node: ast.expr) -> bool:
        """A name or a plain number: safe without parentheses after a function or in ``^``."""
        return isinstance(node, ast.Name) or (
            isinstance(node, ast.Constant) and "e" not in repr(node.value)
        )

    def name(self, name: str) -> str:
        return name

    def paren(self, text: str) -> str:
        return f"({text})"

    def times(self, left: str, right: str) -> str:
        raise NotImplementedError

    def divide(self, left: ast.expr, right: ast.expr) -> str:
        raise NotImplementedError

    def power(self, base: str, exponent: ast.expr) -> str:
        raise NotImplementedError

    def call(self, name: str, argument: ast.expr, tail: bool) -> tuple[str, int]:
        raise NotImplementedError

    def ten(self, exponent: str) -> str:
        raise NotImplementedError

    def scientific(self, mantissa: str, ten: str) -> str:
        raise NotImplementedError


class _TypstPrinter(_Printer):
    """Typst math: ``x^2 + 4 x + 9``, ``(x + 1)/2``, ``sin(y)``, ``e^(-x)``."""

    constants: ClassVar[dict[str, str]] = {"pi": "pi", "e": "e"}
    functions: ClassVar[dict[str, str]] = {"log": "ln"}

    def name(self, name: str) -> str:
        return name if len(name) == 1 else f'italic("{name}")'

    def times(self, left: str, right: str) -> str:
        return f"{left} dot {right}" if right[:1].isdigit() else f"{left} {right}"

    def divide(self, left: ast.expr, right: ast.expr) -> str:
        return f"{self.operand(left, _POW, True)}/{self.operand(right, _POW, True)}"

    def power(self, base: str, exponent: ast.expr) -> str:
        text = self(exponent)
        return f"{base}^{text}" if self.is_simple(exponent) else f"{base}^({text})"

    def call(self, name: str, argument: ast.expr, tail: bool) -> tuple[str, int]:
        if name == "exp":
            return self.power("e", argument), _POW
        return f"{self.functions.get(name, name)}({self(argument)})", _ATOM

    def ten(self, exponent: str) -> str:
        return f"10^({exponent})" if exponent.startswith("-") else f"10^{exponent}"

    def scientific(self, mantissa: str, ten: str) -> str:
        return f"{mantissa} times {ten}"


class _PrettyPrinter(_Printer):
    """Plain unicode: ``x² + 4·x + 9``, ``(x + 1)/2``, ``3·sin(y)``, ``√x``, ``|x|``."""

    minus: ClassVar[str] = "−"
    constants: ClassVar[dict[str, str]] = {"pi": "π", "e": "e"}
    functions: ClassVar[dict[str, str]] = {"log": "ln"}

    def times(self, left: str, right: str) -> str:
        return f"{left}·{right}"

    def divide(self, left: ast.expr, right: ast.expr) -> str:
        return f"{self.operand(left, _MUL, True)}/{self.operand(right, _NEG, True, first=False)}"

    def power(self, base: str, exponent: ast.expr) -> str:
        match exponent:
            case ast.Constant(value=int() as value):
                return base + superscript(value)
            case ast.UnaryOp(op=ast.USub(), operand=ast.Constant(value=int() as value)):
                return base + superscript(-value)
        text = self(exponent)
        return f"{base}^{text}" if self.is_simple(exponent) else f"{base}^({text})"

    def call(self, name: str, argument: ast.expr, tail: bool) -> tuple[str, int]:
        text = self(argument)
        if name == "abs":
            return f"|{text}|", _ATOM
        if name == "sqrt":
            return ("√" + text if self.is_simple(argument) else f"√({text})"), _ATOM
        return f"{self.functions.get(name, name)}({text})", _ATOM

    def ten(self, exponent: str) -> str:
        return "10" + superscript(exponent)

    def scientific(self, mantissa: str, ten: str) -> str:
        return f"{mantissa}×{ten}"


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
        return kernels.from_ast(self._tree, names, floats=self._floats)

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
    def _floats(self) -> dict[int, float]:
        checker = _Checker(self.text, self.variables)
        checker.check(self._tree)
        return checker.floats

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
    def _tree(self) -> ast.expr:
        return ast.parse(self.text, mode="eval").body

    @cached_property
    def typst(self) -> str:
        """The formula in Typst math syntax, e.g. ``x^2 + 3 sin(y)``."""
        return _TypstPrinter()(self._tree)

    @cached_property
    def pretty(self) -> str:
        """The formula in plain unicode, e.g. ``x² + 3·sin(y)``."""
        return _PrettyPrinter()(self._tree)


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
    node = _parse(text)
    checker = _Checker(text, tuple(variables))
    checker.check(node)
    last = max((variables.index(name) for name in checker.used), default=0)
    used = tuple(variables[: last + 1])
    symbols = dict(zip(used, _symbols(used), strict=True))
    try:
        expr = _build(node, symbols, checker.floats)
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
        if name in FUNCTIONS or name in CONSTANTS:
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
    text = text.strip()
    node = _parse(text)
    checker = _Checker(text, tuple(names))
    checker.check(node)
    return kernels.from_ast(node, names, floats=checker.floats)
