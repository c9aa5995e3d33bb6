"""Formulas on screen: a checked syntax tree printed as Typst math or plain unicode.

Printed from the tree :func:`gdviz.expression_syntax.check` accepted, in the order the formula
is written, with the fewest parentheses: ``x**2 + 3*sin(y)`` is ``x^2 + 3 sin(y)`` in Typst (the
videos' ``MathTypst``, the report's formulas) and ``x² + 3·sin(y)`` in unicode (titles, the
terminal).
"""

from __future__ import annotations

import ast
from typing import ClassVar

from gdviz.numbers import superscript

__all__ = ["pretty", "typst"]

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


def typst(tree: ast.expr) -> str:
    """The checked formula ``tree`` in Typst math syntax, e.g. ``x^2 + 3 sin(y)``."""
    return _TypstPrinter()(tree)


def pretty(tree: ast.expr) -> str:
    """The checked formula ``tree`` in plain unicode, e.g. ``x² + 3·sin(y)``."""
    return _PrettyPrinter()(tree)
