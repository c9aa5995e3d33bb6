"""No non-finite value out, through the command line (issue 13, class 1).

Hypothesis draws formulas with poles, logarithms, roots and overflow, starts (zero, huge, tiny,
on a pole), learning rates from 10⁻⁶ to 10³ and every optimizer, and runs ``gdviz run`` on them
in-process. Whatever happens, the output is valid JSON or CSV with finite numbers only, no
warning is printed, a start where the loss or gradient is not finite is a one-line usage error
on ``--start``, and the run ends ``diverged`` exactly when a plain reference loop (the
optimizer's own ``update``, the landscape's own loss and gradient) says the next step leaves the
finite numbers or runs away.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
import warnings
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from gdviz.cli import cli
from gdviz.descent import DIVERGENCE_FACTOR
from gdviz.landscapes import from_expression
from gdviz.optimizers import default_lr, make_optimizer, optimizer_names
from gdviz.trajectory import STATUSES

#: Pieces of formulas in x and y, chosen to hit poles, logs of ≤ 0, roots of < 0 and overflow.
HOSTILE = [
    "1/(x - 1)",
    "1/x",
    "1/(x*y)",
    "log(x)",
    "log(abs(x))",
    "log(x**2 + y**2)",
    "sqrt(x)",
    "sqrt(x**2 + y**2)",
    "sqrt(abs(y))",
    "exp(x)",
    "exp(exp(x))",
    "exp(x*y)",
    "x**64",
    "y**-3",
    "tan(x)",
    "abs(x)**0.5",
    "1/sqrt(x**2 + y**2)",
]
TAME = ["x**2", "y**2", "sin(x)", "cos(y)", "x*y", "3", "tanh(x)", "(x - y)**2"]
OPTIMIZERS = [*optimizer_names(), "gd", "momentum", "nesterov"]
SPECIAL_STARTS = [0.0, 1.0, -1.0, 1e-308, -1e-308, 1e308, -1e308, 1e154, 710.0, math.pi / 2]


@st.composite
def formulas(draw: st.DrawFn) -> str:
    terms = draw(st.lists(st.sampled_from(HOSTILE + TAME), min_size=1, max_size=3))
    if not any(term in HOSTILE for term in terms):
        terms.append(draw(st.sampled_from(HOSTILE)))
    operators = draw(st.lists(st.sampled_from([" + ", " - ", " * "]), min_size=len(terms) - 1))
    text = terms[0]
    for operator, term in zip(operators, terms[1:], strict=False):
        text += f"{operator}{term}"
    return text if "y" in text else f"{text} + y**2"  # always a formula in x and y


coordinates = st.one_of(
    st.sampled_from(SPECIAL_STARTS),
    st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False),
    st.floats(allow_nan=False, allow_infinity=False),
)
rates = st.one_of(st.sampled_from([1e-6, 0.01, 0.1, 1.0, 10.0, 1e3]), st.floats(1e-6, 1e3))


def _strict_json(text: str) -> Any:
    def refuse(constant: str) -> None:
        raise AssertionError(f"{constant} in the JSON output")

    return json.loads(text, parse_constant=refuse)


def _run(*args: str) -> tuple[Any, list[warnings.WarningMessage]]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = CliRunner().invoke(cli, list(args))
    return result, caught


def _reference(formula: str, optimizer: str, start: tuple[float, ...], lr: float, steps: int):
    """``(status, steps)`` by a plain loop: update, then stop before a non-finite point, loss
    or gradient norm, or a loss above ``DIVERGENCE_FACTOR · max(1, |L(θ₀)|)``."""
    landscape = from_expression(formula)
    opt = make_optimizer(optimizer)
    with np.errstate(all="ignore"):
        params = np.array(start, dtype=np.float64)
        limit = DIVERGENCE_FACTOR * max(1.0, abs(float(landscape.loss(params))))
        state = opt.init(params)
        grads = np.asarray(landscape.gradient(params), dtype=np.float64)
        for k in range(steps):
            params, state = opt.update(grads, state, params, k + 1, lr)
            loss = float(landscape.loss(params))
            grads = np.asarray(landscape.gradient(params), dtype=np.float64)
            norm = float(np.sqrt(np.sum(grads * grads)))
            finite = np.all(np.isfinite(params)) and math.isfinite(loss) and norm < math.inf
            if not finite or loss > limit:
                return "diverged", k
    return "max_steps", steps


def _start_is_finite(formula: str, start: tuple[float, ...]) -> bool:
    landscape = from_expression(formula)
    with np.errstate(all="ignore"):
        point = np.array(start, dtype=np.float64)
        loss = float(landscape.loss(point))
        grads = np.asarray(landscape.gradient(point), dtype=np.float64)
        norm = float(np.sqrt(np.sum(grads * grads)))
    return math.isfinite(loss) and bool(np.all(np.isfinite(grads))) and norm < math.inf


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(
    formula=formulas(),
    optimizer=st.sampled_from(OPTIMIZERS),
    x=coordinates,
    y=coordinates,
    lr=st.one_of(st.none(), rates),
    steps=st.integers(0, 40),
    fmt=st.sampled_from(["json", "csv"]),
)
@example(formula="1/(x - 1) + y", optimizer="gd", x=1.0, y=1.0, lr=0.1, steps=10, fmt="json")
@example(formula="1/(x - 1) + y", optimizer="gd", x=1.5, y=1.0, lr=1.0, steps=20, fmt="json")
@example(formula="1/x + y", optimizer="gd", x=0.0, y=0.0, lr=0.1, steps=5, fmt="csv")
@example(formula="log(x) + y", optimizer="gd", x=0.0, y=1.0, lr=0.1, steps=5, fmt="json")
@example(formula="sqrt(x**2 + y**2)", optimizer="gd", x=0.0, y=0.0, lr=0.1, steps=5, fmt="json")
@example(formula="x**2 + y**2", optimizer="gd", x=1e308, y=1e308, lr=None, steps=5, fmt="json")
def test_no_non_finite_value_leaves_gdviz_run(
    formula: str,
    optimizer: str,
    x: float,
    y: float,
    lr: float | None,
    steps: int,
    fmt: str,
) -> None:
    start = (x, y)
    args = ["run", "--expr", formula, "--optimizer", optimizer, f"--start={x!r},{y!r}"]
    args += ["-n", str(steps), "--tol", "0", "-f", fmt]
    if lr is not None:
        args += ["--lr", repr(lr)]
    result, caught = _run(*args)
    assert not [w for w in caught if issubclass(w.category, RuntimeWarning)], caught
    if not _start_is_finite(formula, start):
        assert result.exit_code == 2, result.output
        assert result.stdout == ""
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and "'--start'" in lines[0] and "not finite" in lines[0]
        return
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    if fmt == "json":
        document = _strict_json(result.stdout)
        status, taken = document["status"], document["steps"]
        records = document["records"]
        values = [v for record in records for v in record.values()]
    else:
        rows = list(csv.reader(io.StringIO(result.stdout)))
        assert rows[0][0] == "step" and rows[0][-3:] == ["loss", "grad_norm", "lr"]
        values = [float(v) for row in rows[1:] for v in row]
        records, taken, status = rows[1:], len(rows) - 2, None
    assert all(math.isfinite(v) for v in values)
    assert len(records) == taken + 1
    rate = default_lr(optimizer) if lr is None else lr
    expected_status, expected_steps = _reference(formula, optimizer, start, rate, steps)
    assert taken == expected_steps
    if status is not None:
        assert status in STATUSES and status == expected_status


@settings(max_examples=60, deadline=None)
@given(
    formula=formulas(),
    x=st.sampled_from(SPECIAL_STARTS),
    fmt=st.sampled_from(["table", "json", "csv"]),
)
def test_the_default_tolerance_and_table_stay_finite(formula: str, x: float, fmt: str) -> None:
    result, caught = _run(
        "run", "--expr", formula, "--optimizer", "adam", f"--start={x!r},0.5", "-f", fmt
    )
    assert not [w for w in caught if issubclass(w.category, RuntimeWarning)]
    assert result.exit_code in (0, 2), result.output
    if result.exit_code == 0:
        numbers = result.stdout.split('"records"')[-1]  # past the spec (the formula's text)
        assert not re.search(r"\b(nan|inf|NaN|Infinity)\b|∞", numbers), numbers[:200]


@pytest.mark.parametrize(
    ("formula", "start", "what"),
    [
        ("1/(x - 1) + y", "1,1", "loss"),
        ("1/x", "0", "loss"),
        ("log(x)", "0", "loss"),
        ("sqrt(x**2 + y**2)", "0,0", "gradient"),
        ("sqrt(x)", "-1", "loss"),
    ],
)
def test_a_start_where_it_is_not_finite_says_which(formula: str, start: str, what: str) -> None:
    result, _ = _run("run", "--expr", formula, "--optimizer", "gd", f"--start={start}")
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "'--start'" in lines[0] and f"the {what} at the start" in lines[0]


# ------------------------------------------------------------------ captions, tables, the page

NON_FINITE = re.compile(r"\b(nan|inf|NaN|Infinity|-Infinity)\b|∞")

HOSTILE_TOML = """\
[experiment.hostile]
expr = "{formula}"
starts = [[2.0, 1.0], [0.5, 0.5], [3.0, 1.9]]
steps = 60

[[experiment.hostile.runs]]
optimizer = "gd"
lr = 0.5

[[experiment.hostile.runs]]
optimizer = "adam"
lr = 0.1

[[experiment.hostile.runs]]
optimizer = "sgd"
lr = 5.0
params = {{ momentum = 0.9 }}
"""
HOSTILE_FORMULAS = [
    "log(x) + 1/(y - 2) + sqrt(x*y)",
    "exp(x*y) + x**64",
    "1/(x*y) - log(abs(x))",
]


def _hostile(tmp_path, formula: str):
    from gdviz.experiments import load_experiments

    path = tmp_path / "hostile.toml"
    path.write_text(HOSTILE_TOML.format(formula=formula))
    return load_experiments(path)


@pytest.mark.parametrize(
    ("formula", "start", "what"),
    [
        ("log(x) + 1/(y - 2) + sqrt(x*y)", "[1e150, -1e150]", "loss"),
        ("exp(x*y) + y", "[30.0, 30.0]", "loss"),
        ("1/x + y", "[0.0, 1.0]", "loss"),
        ("sqrt(x**2 + y**2)", "[0.0, 0.0]", "gradient"),
    ],
)
def test_an_experiment_starting_where_it_is_not_finite_is_refused_at_load(
    tmp_path, formula: str, start: str, what: str
) -> None:
    from gdviz.experiments import ExperimentError

    text = HOSTILE_TOML.format(formula=formula).replace("[3.0, 1.9]", start)
    path = tmp_path / "bad-start.toml"
    path.write_text(text)
    from gdviz.experiments import load_experiments

    with pytest.raises(ExperimentError) as info:
        load_experiments(path)
    message = str(info.value)
    assert message.startswith(f"{path}:1: experiment 'hostile': start ")
    assert f"the {what} at the start is not finite" in message and "\n" not in message


@pytest.mark.parametrize("formula", HOSTILE_FORMULAS)
def test_captions_of_diverging_runs_are_finite(tmp_path, formula: str) -> None:
    from gdviz.figures import user_figures

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        captions = {
            name: spec.caption for name, spec in user_figures(_hostile(tmp_path, formula)).items()
        }
    assert captions and not [w for w in caught if issubclass(w.category, RuntimeWarning)]
    for name, caption in captions.items():
        assert not NON_FINITE.search(caption), (name, caption)


@pytest.mark.slow
def test_report_tables_and_page_data_are_finite(tmp_path, monkeypatch) -> None:
    from gdviz.report import ReportOptions, build_report
    from gdviz.report import build as report_build
    from gdviz.report.chapters import CHAPTERS

    monkeypatch.setattr(report_build, "CHAPTERS", CHAPTERS[:1])
    monkeypatch.setenv("GDVIZ_CACHE_DIR", str(tmp_path / "cache"))
    experiments = _hostile(tmp_path, HOSTILE_FORMULAS[0])
    result = build_report(
        ReportOptions(output=tmp_path / "r", videos=False, user_experiments=experiments)
    )
    html = result.page.read_text(encoding="utf-8")
    section = html[html.index('id="user-hostile"') :]
    table = section[section.index("<table") : section.index("</table>")]
    assert "diverged" in table and not NON_FINITE.search(table)
    for data in re.findall(r'<script type="application/json"[^>]*>(.*?)</script>', html, re.S):
        _strict_json(data)
