"""Straight-line arithmetic kernels: one program, written out as numpy and as JavaScript.

A landscape's loss and exact gradient are turned into a small *program* — a list of IEEE
operations (``+ − × ÷``, ``sqrt`` and a few library functions) on named inputs — and that one
program is printed twice: as numpy code that runs in Python and as JavaScript that runs in the
report's page. Both languages evaluate ``+ − × ÷`` and ``sqrt`` on float64 with correct
rounding, so for a program without transcendental functions the page computes *the same bits*
as ``gdviz run``.

Three rules make that true:

* operations keep their order and grouping (every sub-expression is parenthesised; nothing is
  reassociated); constant sub-expressions are folded once here, in Python floats;
* an integer power is a product chain, ``b**3`` is ``(b·b)·b`` (numpy's ``power`` and
  JavaScript's ``Math.pow`` are different functions); ``b**0.5`` is ``sqrt(b)``;
* common sub-expressions are computed once into temporaries (tree CSE only: an identical
  subtree is reused, never a regrouped one), which changes the work, not the bits.

Programs are built from a checked formula's syntax tree (:func:`from_ast`, keeping the user's
order) or from a sympy expression (:func:`from_sympy`, for derivatives). This module imports
neither sympy nor anything heavy.
"""

from __future__ import annotations

import ast
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = [
    "FUNCTIONS",
    "Node",
    "Program",
    "call",
    "const",
    "from_ast",
    "from_sympy",
    "var",
]

#: A node of a program: ``("const", repr)``, ``("var", name)``, ``("neg", a)``,
#: ``("add"|"sub"|"mul"|"div"|"pow", a, b)`` or ``("fn", name, a)``.
Node = tuple[Any, ...]

#: The library functions a program may call, as (numpy, JavaScript) names.
FUNCTIONS: dict[str, tuple[str, str]] = {
    "sin": ("np.sin", "Math.sin"),
    "cos": ("np.cos", "Math.cos"),
    "tan": ("np.tan", "Math.tan"),
    "exp": ("np.exp", "Math.exp"),
    "log": ("np.log", "Math.log"),
    "log1p": ("np.log1p", "Math.log1p"),
    "sqrt": ("np.sqrt", "Math.sqrt"),
    "abs": ("np.abs", "Math.abs"),
    "sign": ("np.sign", "Math.sign"),
    "tanh": ("np.tanh", "Math.tanh"),
}
#: Functions whose float64 result is correctly rounded in both languages.
EXACT_FUNCTIONS = frozenset({"sqrt", "abs", "sign"})

_FOLD: dict[str, Callable[..., float]] = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b,
    "pow": math.pow,
}
_FOLD_FN: dict[str, Callable[[float], float]] = {
    "sin": math.sin,
    "cos": math.cos,
    "tan": math.tan,
    "exp": math.exp,
    "log": math.log,
    "log1p": math.log1p,
    "sqrt": math.sqrt,
    "abs": abs,
    "sign": lambda v: float(np.sign(v)),
    "tanh": math.tanh,
}
_SYMBOLS = {"add": "+", "sub": "-", "mul": "*", "div": "/"}


# ------------------------------------------------------------------------------ building


def const(value: float) -> Node:
    """A float64 constant (kept by its ``repr``, so ``-0.0`` and ``0.0`` stay apart)."""
    return ("const", repr(float(value)))


def var(name: str) -> Node:
    """The node of variable ``name``."""
    return ("var", name)


def _value(node: Node) -> float | None:
    return float(node[1]) if node[0] == "const" else None


def binary(op: str, a: Node, b: Node) -> Node:
    """``a op b``; folded when both sides are constants (finite results only)."""
    left, right = _value(a), _value(b)
    if left is not None and right is not None:
        try:
            folded = _FOLD[op](left, right)
        except (ArithmeticError, ValueError):
            folded = math.nan
        if math.isfinite(folded):
            return const(folded)
    return (op, a, b)


def neg(a: Node) -> Node:
    value = _value(a)
    return const(-value) if value is not None else ("neg", a)


def call(name: str, a: Node) -> Node:
    """``name(a)`` for a name of :data:`FUNCTIONS`; folded on a constant."""
    if name not in FUNCTIONS:
        raise ValueError(f"unknown kernel function {name!r}")
    value = _value(a)
    if value is not None:
        try:
            folded = _FOLD_FN[name](value)
        except (ArithmeticError, ValueError):
            folded = math.nan
        if math.isfinite(folded):
            return const(folded)
    return ("fn", name, a)


def power(base: Node, exponent: Node) -> Node:
    """``base ** exponent``: integer exponents as product chains, ±½ through ``sqrt``."""
    value = _value(exponent)
    if value is None or _value(base) is not None:
        return binary("pow", base, exponent)  # a constant base and exponent fold through pow
    if value == 0:
        return const(1.0)
    if value.is_integer() and abs(value) <= 64:
        n = int(abs(value))
        chain = base
        for _ in range(n - 1):
            chain = binary("mul", chain, base)
        return chain if value > 0 else binary("div", const(1.0), chain)
    if value == 0.5:
        return call("sqrt", base)
    if value == -0.5:
        return binary("div", const(1.0), call("sqrt", base))
    return binary("pow", base, exponent)


def from_ast(
    node: ast.expr,
    names: Mapping[str, Node],
    *,
    floats: Mapping[int, float] | None = None,
    constants: Mapping[str, float] | None = None,
) -> Node:
    """The program of a checked formula tree, in the order the formula is written.

    ``names`` maps each variable (and data column) to its node; ``floats`` holds the values of
    constant sub-trees the checker folded (keyed by ``id(node)``); ``constants`` the named
    constants (``pi``, ``e``).
    """
    floats = floats or {}
    constants = constants or {"pi": math.pi, "e": math.e}

    def walk(item: ast.expr) -> Node:
        if id(item) in floats:
            return const(floats[id(item)])
        match item:
            case ast.Constant(value=int() | float() as number) if not isinstance(number, bool):
                return const(float(number))
            case ast.Name(id=name):
                return names[name] if name in names else const(constants[name])
            case ast.UnaryOp(op=ast.USub(), operand=operand):
                return neg(walk(operand))
            case ast.UnaryOp(op=ast.UAdd(), operand=operand):
                return walk(operand)
            case ast.BinOp(left=left, op=ast.Pow(), right=right):
                return power(walk(left), walk(right))
            case ast.BinOp(left=left, op=op, right=right) if type(op) in _AST_OPS:
                return binary(_AST_OPS[type(op)], walk(left), walk(right))
            case ast.Call(func=ast.Name(id=name), args=[argument]) if name in FUNCTIONS:
                return call(name, walk(argument))
        raise ValueError(f"cannot compile {ast.dump(item)}")

    return walk(node)


_AST_OPS: dict[type[ast.operator], str] = {
    ast.Add: "add",
    ast.Sub: "sub",
    ast.Mult: "mul",
    ast.Div: "div",
}


def from_sympy(expr: Any, names: Mapping[Any, Node]) -> Node:
    """The program of a sympy expression (a derivative), in sympy's printing order.

    ``names`` maps sympy symbols to nodes. Sums are added left to right in
    ``as_ordered_terms`` order; products multiply the numeric coefficient first, then the
    factors in ``as_ordered_factors`` order, and divide once by the product of the factors
    with negative exponents.
    """
    return _SympyWalk(names).walk(expr)


class _SympyWalk:
    """Turns a sympy expression into nodes, one method per kind of sympy node."""

    def __init__(self, names: Mapping[Any, Node]) -> None:
        import sympy

        self.sympy = sympy
        self.names = names

    def walk(self, item: Any) -> Node:
        if item in self.names:
            return self.names[item]
        if item.is_Number or item.is_NumberSymbol:
            return const(float(item))
        if item.is_Add:
            return _chain("add", [self.walk(term) for term in item.as_ordered_terms()])
        if item.is_Mul:
            return self.product(item)
        if item.is_Pow:
            base, exponent = item.args
            if base == self.sympy.E:
                return call("exp", self.walk(exponent))
            return power(self.walk(base), self.walk(exponent))
        name = _sympy_function(item)
        if name is not None and len(item.args) == 1:
            return call(name, self.walk(item.args[0]))
        raise ValueError(f"cannot compile {item}")

    def product(self, item: Any) -> Node:
        coefficient, rest = item.as_coeff_Mul()
        numerator: list[Node] = []
        denominator: list[Node] = []
        for factor in rest.as_ordered_factors():
            base, exponent = factor.as_base_exp()
            if factor.is_Pow and exponent.is_Number and exponent.is_negative:
                denominator.append(self.walk(self.sympy.Pow(base, -exponent, evaluate=False)))
            else:
                numerator.append(self.walk(factor))
        value = float(coefficient)
        if not numerator:
            top = const(value)
        elif value == -1.0:
            top = neg(_chain("mul", numerator))
        elif value == 1.0:
            top = _chain("mul", numerator)
        else:  # c·a·b is (c·a)·b, as numpy evaluates it
            top = _chain("mul", [const(value), *numerator])
        return binary("div", top, _chain("mul", denominator)) if denominator else top


def _chain(op: str, nodes: Sequence[Node]) -> Node:
    """``((n0 op n1) op n2) …``, left to right."""
    total = nodes[0]
    for node in nodes[1:]:
        total = binary(op, total, node)
    return total


def _sympy_function(item: Any) -> str | None:
    """The kernel name of a sympy function application (``sin``, gdviz's ``RealAbs``…)."""
    name = type(item).__name__.lower()
    aliases = {"realabs": "abs", "realsign": "sign", "realtanh": "tanh"}
    name = aliases.get(name, name)
    return name if name in FUNCTIONS else None


# ----------------------------------------------------------------------------- programs


@dataclass(frozen=True)
class Program:
    """Named outputs computed from named inputs by one shared list of operations.

    Parameters
    ----------
    inputs : tuple of str
        Input names, in argument order (identifiers).
    outputs : tuple of Node
        One node per output.
    """

    inputs: tuple[str, ...]
    outputs: tuple[Node, ...]

    # -- analysis --------------------------------------------------------------------------

    def _uses(self) -> dict[Node, int]:
        """How many parents (or outputs) refer to each node: the shared DAG's use counts."""
        uses: dict[Node, int] = {}
        stack = list(self.outputs)
        for node in self.outputs:
            uses[node] = uses.get(node, 0) + 1
        seen: set[Node] = set()
        while stack:
            node = stack.pop()
            if node in seen:
                continue
            seen.add(node)
            for child in _children(node):
                uses[child] = uses.get(child, 0) + 1
                stack.append(child)
        return uses

    @property
    def exact(self) -> bool:
        """Whether only correctly rounded operations occur (no ``pow``, no transcendental)."""
        stack, seen = list(self.outputs), set()
        while stack:
            node = stack.pop()
            if node in seen:
                continue
            seen.add(node)
            if node[0] == "pow" or (node[0] == "fn" and node[1] not in EXACT_FUNCTIONS):
                return False
            stack.extend(_children(node))
        return True

    # -- printing --------------------------------------------------------------------------

    def _lines(self, language: str) -> tuple[list[str], list[str]]:
        """Temporary assignments and output expressions in ``language`` ("py" or "js")."""
        uses = self._uses()
        temps: dict[Node, str] = {}
        lines: list[str] = []

        def text(node: Node) -> str:
            if node in temps:
                return temps[node]
            kind = node[0]
            if kind == "const":
                value = float(node[1])
                literal = repr(value) if language == "py" else _js_number(value)
                return f"({literal})" if value < 0 or node[1].startswith("-") else literal
            if kind == "var":
                return str(node[1])
            if kind == "neg":
                out = f"(-{text(node[1])})"
            elif kind == "fn":
                out = f"{FUNCTIONS[node[1]][language == 'js']}({text(node[2])})"
            elif kind == "pow":
                function = "np.power" if language == "py" else "Math.pow"
                out = f"{function}({text(node[1])}, {text(node[2])})"
            else:
                out = f"({text(node[1])} {_SYMBOLS[kind]} {text(node[2])})"
            if uses.get(node, 0) > 1:
                name = f"t{len(temps)}"
                declare = "" if language == "py" else "var "
                lines.append(f"{declare}{name} = {out}")
                temps[node] = name
                return name
            return out

        results = [text(node) for node in self.outputs]
        return lines, results

    def python_source(self, name: str) -> str:
        """``def name(inputs): ... return (outputs)`` — numpy code."""
        lines, results = self._lines("py")
        body = [f"    {line}" for line in lines]
        body.append(f"    return ({', '.join(results)},)")
        return f"def {name}({', '.join(self.inputs)}):\n" + "\n".join(body) + "\n"

    def javascript_source(self, name: str) -> str:
        """``function name(inputs, out) { ...; out[i] = ...; }`` — the same operations."""
        lines, results = self._lines("js")
        body = [f"  {line};" for line in lines]
        body += [f"  out[{i}] = {result};" for i, result in enumerate(results)]
        args = ", ".join([*self.inputs, "out"])
        return f"function {name}({args}) {{\n" + "\n".join(body) + "\n}\n"

    def compile(self) -> Callable[..., tuple[np.ndarray, ...]]:
        """The numpy function, built from :meth:`python_source` (nothing but numbers in it)."""
        namespace: dict[str, Any] = {"np": np}
        exec(compile(self.python_source("kernel"), "<gdviz kernel>", "exec"), namespace)
        return namespace["kernel"]


def _children(node: Node) -> Sequence[Node]:
    kind = node[0]
    if kind in ("const", "var"):
        return ()
    if kind == "neg":
        return (node[1],)
    if kind == "fn":
        return (node[2],)
    return (node[1], node[2])


def _js_number(value: float) -> str:
    """A JavaScript literal that parses back to ``value`` (Python's repr does)."""
    text = repr(value)
    return text if text not in ("inf", "-inf", "nan") else {"inf": "Infinity"}.get(text, "NaN")
