"""One source for the landscapes: the catalogue's formulas, generated numpy kernels, page JS.

The generated files must be what the catalogue gives; the generated numpy kernels must equal a
fresh compile of the catalogue formula; the data problems' written-out derivatives must be
sympy's; and the page's JavaScript must compute the numpy kernels' bits where only correctly
rounded operations occur (1 ulp-level agreement otherwise).
"""

from __future__ import annotations

import ast
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from gdviz import kernels
from gdviz.expression import parse_expression
from gdviz.landscapes import generate, get_landscape, landscape_names
from gdviz.landscapes.catalogue import DATA_ENTRIES, FORMULA_ENTRIES

SCRIPTS = (Path(generate.RUNTIME_PATH), Path(generate.JAVASCRIPT_PATH))
RNG = np.random.default_rng(20261201)


def test_generated_files_are_what_the_catalogue_gives() -> None:
    for path, text in generate.outputs().items():
        assert path.read_text() == text, f"{path} is stale: run `make generate`"


@pytest.mark.parametrize("entry", FORMULA_ENTRIES, ids=lambda e: e.name)
def test_generated_kernels_equal_a_fresh_compile_of_the_formula(entry: Any) -> None:
    landscape = get_landscape(entry.name)
    fresh = parse_expression(entry.text, entry.variables)
    points = _points(landscape, 500)
    coords = [points[:, i] for i in range(landscape.dim)]
    loss, grad = landscape.loss_and_gradient(points)
    np.testing.assert_array_equal(loss, fresh.value(*coords))
    np.testing.assert_array_equal(grad, np.stack(fresh.gradient(*coords), axis=-1))
    np.testing.assert_array_equal(landscape.loss(points), loss)
    np.testing.assert_array_equal(landscape.gradient(points), grad)
    np.testing.assert_array_equal(landscape.hessian(points[:7]), fresh.hessian(*coords)[:7])


@pytest.mark.parametrize("entry", DATA_ENTRIES, ids=lambda e: e.name)
def test_data_problems_write_out_exact_derivatives(entry: Any) -> None:
    """The written-out per-sample gradient and Hessian equal the exact (sympy) derivatives."""
    names = (*entry.variables, *entry.columns)
    loss = parse_expression(entry.sample_loss, names)
    gradient = [parse_expression(text, names) for text in entry.sample_gradient]
    hessian = [parse_expression(text, names) for text in entry.sample_hessian]
    coords = list(RNG.uniform(-4, 4, size=(len(names), 400)))
    dim = len(entry.variables)
    exact = loss.gradient(*coords)[:dim]
    for written, derivative in zip(gradient, exact, strict=True):
        np.testing.assert_allclose(
            _value(written, coords, names), derivative, rtol=1e-12, atol=1e-14
        )
    for i, row in enumerate(gradient):
        second = row.gradient(*_padded(row, coords, names))
        for j in range(dim):
            np.testing.assert_allclose(
                _value(hessian[i * dim + j], coords, names), second[j], rtol=1e-12, atol=1e-14
            )


def _padded(expr: Any, coords: list[np.ndarray], names: tuple[str, ...]) -> list[np.ndarray]:
    # a formula's variables stop at the last name it uses
    return coords[: len(expr.variables)]


def _value(expr: Any, coords: list[np.ndarray], names: tuple[str, ...]) -> np.ndarray:
    return np.broadcast_to(expr.value(*_padded(expr, coords, names)), coords[0].shape)


def test_program_keeps_the_written_order_and_folds_constants() -> None:
    names = {"x": kernels.var("x")}
    node = kernels.from_ast(ast.parse("2*3*x + 1.1**3", mode="eval").body, names)
    source = kernels.Program(("x",), (node,)).python_source("f")
    assert "(6.0 * x)" in source and repr(math.pow(1.1, 3)) in source
    cube = kernels.from_ast(ast.parse("(x + 1)**3", mode="eval").body, names)
    assert kernels.Program(("x",), (cube,)).python_source("g").count("(x + 1.0)") == 1


def _points(landscape: Any, n: int) -> np.ndarray:
    lows = np.array([lo for lo, _ in landscape.bounds])
    highs = np.array([hi for _, hi in landscape.bounds])
    return RNG.uniform(lows, highs, size=(n, landscape.dim))


def _load(page: Any) -> None:
    for script in SCRIPTS:
        page.add_script_tag(content=script.read_text())


def _in_page(page: Any, name: str, points: np.ndarray) -> list[list[float | None]]:
    _load(page)
    return page.evaluate(
        """([name, points]) => {
            const land = gdvizKernels.landscapes[name];
            const out = new Float64Array(land.dim + 1);
            return points.map((p) => { land.valueAndGradient(...p, out); return Array.from(out); });
        }""",
        [name, points.tolist()],
    )


@pytest.mark.slow
@pytest.mark.parametrize("name", [n for n in landscape_names() if get_landscape(n).drawable])
def test_the_page_computes_the_cores_numbers(js_page: Any, name: str) -> None:
    landscape = get_landscape(name)
    points = _points(landscape, 2000)
    loss, grad = landscape.loss_and_gradient(points)
    expected = np.column_stack([loss, grad])
    actual = np.array(_in_page(js_page, name, points), dtype=np.float64)
    exact = js_page.evaluate(f"gdvizKernels.landscapes[{json.dumps(name)}].exact")
    if exact:
        np.testing.assert_array_equal(actual, expected)
    else:
        np.testing.assert_allclose(actual, expected, rtol=1e-13, atol=1e-13)
    assert exact == (name not in ("rastrigin", "xcosx", "logistic-regression"))


@pytest.mark.slow
def test_the_pages_pairwise_sum_is_numpys(js_page: Any) -> None:
    _load(js_page)
    for n in [*range(1, 140), 255, 256, 257, 1000, 4097]:
        values = RNG.normal(size=n) * 10.0 ** RNG.uniform(-8, 8, size=n)
        total = js_page.evaluate("(a) => gdvizKernels.pairwiseSum(a, 0, a.length)", values.tolist())
        assert total == np.sum(values), n
