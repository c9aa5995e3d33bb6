"""The landscape catalogue: loss functions with exact gradients, bounds and known minima.

Two kinds of landscape exist:

* formula landscapes — every 1-D and 2-D built-in and every user ``--expr``. A built-in's
  numpy kernels are generated from its catalogue formula (:mod:`gdviz.landscapes.generate`),
  so looking one up needs no sympy; a user's formula is parsed safely and differentiated
  exactly by :mod:`gdviz.expression` when it is given;
* data landscapes — a mean loss over a data set (:mod:`gdviz.landscapes.data`); their samples
  are ``landscape.data`` (``X``, ``y``).

Every built-in is one entry of :mod:`gdviz.landscapes.catalogue`.
"""

from __future__ import annotations

from dataclasses import replace
from functools import cache
from typing import Any

from gdviz.landscapes.catalogue import DATA_ENTRIES, ENTRIES, FORMULA_ENTRIES, Entry, declared
from gdviz.landscapes.data import (
    REGRESSION_X,
    REGRESSION_Y,
    LeastSquaresProblem,
    data_landscape,
    least_squares_landscape,
    least_squares_problem,
)
from gdviz.landscapes.landscape import (
    Bounds,
    Dataset,
    Functions,
    Landscape,
    coordinate_functions,
    suggested_lr,
)
from gdviz.landscapes.network import network_landscape
from gdviz.names import unknown_name_message

__all__ = [
    "LANDSCAPES",
    "REGRESSION_X",
    "REGRESSION_Y",
    "Dataset",
    "Functions",
    "Landscape",
    "LeastSquaresProblem",
    "from_expression",
    "get_landscape",
    "landscape_names",
    "least_squares_problem",
    "suggested_lr",
]

#: The built-in names, in catalogue order.
LANDSCAPES: tuple[str, ...] = (
    *(entry.name for entry in FORMULA_ENTRIES),
    *(entry.name for entry in DATA_ENTRIES),
    "least-squares",
    "mlp-moons",
)


def _formula_landscape(entry: Entry) -> Landscape:
    from gdviz.landscapes import compiled

    generated = compiled.FORMULAS.get(entry.name)
    if generated is None or generated.text != entry.text:
        raise RuntimeError(
            f"the kernels of landscape {entry.name!r} are stale: run `make generate`"
        )
    functions = coordinate_functions(
        generated.value, generated.both, generated.gradient, generated.hessian, len(entry.variables)
    )
    if generated.exact:
        functions = replace(functions, scalar=generated.both)
    return Landscape(
        **declared(entry),
        functions=functions,
        minima=entry.minima,
        saddles=entry.saddles,
        formula=generated.typst,
        pretty=generated.pretty,
        race=entry.race,
    )


@cache
def _builtin(name: str) -> Landscape:
    """Built-in ``name``, built on first use: a formula landscape draws no data, loads no net."""
    from gdviz.landscapes import compiled

    entry = ENTRIES.get(name)
    if isinstance(entry, Entry):
        return _formula_landscape(entry)
    if entry is not None:
        return data_landscape(entry, compiled.SAMPLES[name])
    return least_squares_landscape() if name == "least-squares" else network_landscape()


def landscape_names() -> list[str]:
    """The names of every built-in landscape."""
    return list(LANDSCAPES)


def get_landscape(name: str) -> Landscape:
    """Look up a built-in landscape by name.

    Raises
    ------
    ValueError
        For an unknown name, suggesting the closest one.
    """
    if name in LANDSCAPES:
        return _builtin(name)
    raise ValueError(unknown_name_message("landscape", name, LANDSCAPES))


def from_expression(
    text: str,
    *,
    name: str | None = None,
    title: str | None = None,
    variables: tuple[str, ...] = ("x", "y"),
    bounds: Bounds | None = None,
    **metadata: Any,
) -> Landscape:
    """Build a landscape from a user's formula (``--expr``).

    The text is parsed by :func:`gdviz.expression.parse_expression` (an AST whitelist: nothing
    is evaluated); the gradient and Hessian are its exact symbolic derivatives.

    Parameters
    ----------
    text : str
        The formula, e.g. ``"x**2 + 3*sin(y)"``.
    variables : tuple of str
        Names the formula may use; it is 1-D if only the first appears.
    bounds : tuple of (low, high), optional
        Plotting window; default ``[-5, 5]`` per variable.
    **metadata
        Other :class:`Landscape` fields (``minima``, ``kind``, ``description``…).

    Raises
    ------
    gdviz.expression.ExpressionError
        If the formula is not allowed or malformed (a one-line message).
    """
    from gdviz import kernels
    from gdviz.expression import parse_expression

    expr = parse_expression(text, variables=variables)
    dim = len(expr.variables)
    value = expr.program(gradient=False).compile()
    both = expr.program().compile()
    gradient = expr.program(value=False).compile()

    @cache
    def compiled_hessian() -> Any:
        return kernels.Program(expr.inputs, expr.hessian_nodes).compile()

    def hessian(*coords: Any) -> tuple[Any, ...]:
        return compiled_hessian()(*coords)

    return Landscape(
        name=name or expr.text,
        title=title or expr.pretty,
        variables=expr.variables,
        functions=coordinate_functions(value, both, gradient, hessian, dim),
        bounds=bounds or ((-5.0, 5.0),) * dim,
        formula=expr.typst,
        pretty=expr.pretty,
        **metadata,
    )
