"""The formula language of ``--expr``: its limits, parsing and the whitelist check.

:func:`check` parses a user's text with :mod:`ast` (``mode="eval"``) and walks the tree against
a whitelist: numbers, the allowed variable names, ``pi`` and ``e``, unary ``+``/``-``, binary
``+ - * / **`` and one-argument calls of :data:`FUNCTION_NAMES`. Size, nesting, exponents and
constant values are bounded (see the ``MAX_*`` constants); constants are folded in plain floats
to bound them. Anything else raises :class:`ExpressionError` with a one-line message naming the
column. Nothing is built or evaluated here: :mod:`gdviz.expression` builds the symbolic tree
from a checked one, :mod:`gdviz.expression_display` prints it.
"""

from __future__ import annotations

import ast
import difflib
import math
import operator
from collections.abc import Callable
from typing import NamedTuple

__all__ = [
    "CONSTANT_VALUES",
    "FUNCTION_NAMES",
    "MAX_DEPTH",
    "MAX_EXPONENT",
    "MAX_LENGTH",
    "MAX_NODES",
    "MAX_TOWER",
    "Checked",
    "ExpressionError",
    "check",
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

#: The callable functions (one positional argument each) and their float64 values, which fold
#: constants like ``sin(2)``.
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
#: The names of the callable functions, in the order messages list them.
FUNCTION_NAMES: tuple[str, ...] = tuple(_FLOAT_FUNCTIONS)
#: The named constants' float64 values.
CONSTANT_VALUES: dict[str, float] = {"pi": math.pi, "e": math.e}
_FLOAT_BINARY: dict[type[ast.operator], Callable[[float, float], float]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.Pow: math.pow,
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
        if name in CONSTANT_VALUES:
            return _Facts(CONSTANT_VALUES[name])
        at = f"at column {self.column(node)}"
        if name in FUNCTION_NAMES:
            raise ExpressionError(f"'{name}' {at} is a function; call it like {name}(x)")
        allowed = [*self.variables, *CONSTANT_VALUES]
        close = _HINTS.get(name, difflib.get_close_matches(name, [*allowed, *FUNCTION_NAMES], n=1))
        hint = f"did you mean '{close[0]}'?" if close else f"use {_either(allowed)}"
        raise ExpressionError(f"unknown name '{name}' {at}; {hint}")

    def _call(self, node: ast.Call) -> _Facts:
        at = f"at column {self.column(node)}"
        if not isinstance(node.func, ast.Name):
            self.check(node.func)  # rejects attributes, lambdas, unknown calls, ...
            raise ExpressionError(
                f"only {_either(list(FUNCTION_NAMES))} can be called; not the call {at}"
            )
        name = node.func.id
        if name in self.variables or name in CONSTANT_VALUES:
            raise ExpressionError(
                f"'{name}' {at} is not a function; write {name}*(...) to multiply"
            )
        if name not in FUNCTION_NAMES:
            close = _HINTS.get(name, difflib.get_close_matches(name, list(FUNCTION_NAMES), n=1))
            hint = f"did you mean '{close[0]}'? " if close else ""
            raise ExpressionError(
                f"unknown function '{name}' {at}; {hint}allowed: {', '.join(FUNCTION_NAMES)}"
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


class Checked(NamedTuple):
    """A formula that passed :func:`check`.

    Attributes
    ----------
    tree : ast.expr
        Its syntax tree.
    used : frozenset of str
        The variables it uses.
    floats : dict
        ``id(node) -> value`` of the constant subtrees with a function in them (``sin(2)``),
        which enter the symbolic tree as their float64 value.
    """

    tree: ast.expr
    used: frozenset[str]
    floats: dict[int, float]


def check(text: str, variables: tuple[str, ...]) -> Checked:
    """Parse the stripped ``text`` and check it against the whitelist over ``variables``.

    Raises
    ------
    ExpressionError
        If the text is empty, too long or too large, malformed or uses anything outside the
        whitelist; the one-line message names the column.
    """
    tree = _parse(text)
    checker = _Checker(text, tuple(variables))
    checker.check(tree)
    return Checked(tree, frozenset(checker.used), checker.floats)
