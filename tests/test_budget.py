"""The memory budget and hostile numbers (issue 13, class 4): refused before any allocation,
in one line that says how much it would need and how to need less."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import invoke, one_line_error
from hypothesis import given
from hypothesis import strategies as st

from gdviz import budget
from gdviz.budget import (
    BUDGET_VARIABLE,
    DEFAULT_BUDGET,
    BudgetError,
    check_memory,
    format_bytes,
    memory_budget,
    path_bytes,
)
from gdviz.experiments import Experiment, ExperimentError, RunConfig, load_experiments

HUGE = "1" + "0" * 350


def _toml(starts: int = 1, steps: int = 10, extra: str = "", run_extra: str = "") -> str:
    points = ", ".join(["[1.0, 1.0]"] * starts)
    return (
        "[experiment.big]\n"
        'landscape = "bowl"\n'
        f"starts = [{points}]\n"
        f"steps = {steps}\n"
        f"{extra}"
        "\n[[experiment.big.runs]]\n"
        'optimizer = "sgd"\n'
        "lr = 0.1\n"
        f"{run_extra}"
    )


@pytest.fixture()
def no_descent(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if anything starts a descent (the budget must refuse first)."""
    import gdviz.experiments

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("descend was called for a request over the budget")

    monkeypatch.setattr(gdviz.experiments, "descend", refuse)


# ------------------------------------------------------------------------------ the estimate


@given(
    starts=st.integers(1, 10**4),
    runs=st.integers(1, 50),
    steps=st.integers(0, 10**7),
    variables=st.integers(1, 100),
)
def test_the_estimate_is_every_kept_value_in_float64(
    starts: int, runs: int, steps: int, variables: int
) -> None:
    one = path_bytes(1, 0, 1)
    assert one == 8 * 4  # one row: a coordinate, loss, gradient norm, learning rate
    expected = 8 * 2 * starts * runs * (steps + 1) * (variables + 3)
    try:
        need = check_memory(
            "x", starts=starts, runs=runs, steps=steps, variables=variables, budget=2**62
        )
    except BudgetError:
        pytest.fail("a budget of 4 EiB refused a request")
    assert need == expected
    final = check_memory(
        "x", starts=starts, runs=runs, steps=steps, variables=variables, keep="final"
    )
    assert final == 8 * 2 * starts * runs * (variables + 3)  # nothing grows with the steps


@given(steps=st.integers(0, 10**9), limit=st.integers(1, 10**12))
def test_refused_exactly_when_over_the_budget(steps: int, limit: int) -> None:
    need = path_bytes(10, steps, 2, copies=2)
    if need > limit:
        with pytest.raises(BudgetError):
            check_memory("x", starts=10, runs=1, steps=steps, variables=2, budget=limit)
    else:
        assert check_memory("x", starts=10, runs=1, steps=steps, variables=2, budget=limit) == need


def test_the_refusal_says_how_much_and_how_to_need_less() -> None:
    with pytest.raises(BudgetError) as info:
        check_memory("experiment 'big'", starts=1000, runs=1, steps=10**6, variables=2)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith("experiment 'big' would need about 74.5 GiB")
    assert "1,000 start(s) × 1 run(s) × 1,000,001 steps × 2 variable(s)" in message
    assert "2.0 GiB budget" in message
    assert "fewer steps" in message and "keep='final'" in message
    assert BUDGET_VARIABLE in message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("4GiB", 4 * 2**30),
        ("500MB", 500 * 10**6),
        ("1e9", 10**9),
        ("1.5 gib", int(1.5 * 2**30)),
        ("123", 123),
        ("", DEFAULT_BUDGET),
    ],
)
def test_the_budget_variable(monkeypatch: pytest.MonkeyPatch, text: str, expected: int) -> None:
    monkeypatch.setenv(BUDGET_VARIABLE, text)
    assert memory_budget() == expected


@pytest.mark.parametrize("text", ["lots", "4 parsecs", "-1GB", "0", "1e999"])
def test_a_bad_budget_variable_is_one_line(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    monkeypatch.setenv(BUDGET_VARIABLE, text)
    with pytest.raises(BudgetError, match=BUDGET_VARIABLE):
        memory_budget()


def test_sizes_read_well() -> None:
    assert [format_bytes(n) for n in (17, 3277, 512 * 2**20, 15 * 2**30, 150 * 2**40)] == [
        "17 B",
        "3.2 KiB",
        "512 MiB",
        "15.0 GiB",
        "150 TiB",
    ]


# ---------------------------------------------------------------------- experiments and files


def test_the_issue_s_experiment_is_refused_at_load_with_its_line(
    tmp_path: Path, no_descent: None
) -> None:
    path = tmp_path / "big.toml"
    path.write_text(_toml(starts=1000, steps=10**6))
    with pytest.raises(ExperimentError) as info:
        load_experiments(path)
    message = str(info.value)
    assert message.startswith(f"{path}:4: experiment 'big' would need about")
    assert "GiB" in message and "fewer steps, starts or runs" in message


@pytest.mark.parametrize("command", ["figures", "report"])
def test_the_commands_refuse_it_as_a_usage_error(
    tmp_path: Path, command: str, no_descent: None
) -> None:
    path = tmp_path / "big.toml"
    path.write_text(_toml(starts=1000, steps=10**6))
    line = one_line_error(invoke(command, "--config", path, "-o", tmp_path / "out"))
    assert "'--config'" in line and "big.toml:4" in line and "would need about" in line
    assert not (tmp_path / "out").exists()


def test_a_lower_budget_refuses_smaller_experiments(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_descent: None
) -> None:
    path = tmp_path / "mid.toml"
    path.write_text(_toml(starts=10, steps=10_000))
    monkeypatch.setenv(BUDGET_VARIABLE, "1MB")
    with pytest.raises(ExperimentError, match=r"mid.toml:4: .*over the 977 KiB budget"):
        load_experiments(path)


def test_an_experiment_made_in_python_is_checked_before_it_runs(no_descent: None) -> None:
    experiment = Experiment(
        name="wide",
        title="wide",
        landscape="bowl",
        starts=((1.0, 1.0),) * 5000,
        runs=(RunConfig("gd", 0.1),) * 3,
        steps=1_000_000,
    )
    with pytest.raises(BudgetError, match="experiment 'wide' would need about"):
        experiment.run()


def test_an_experiment_within_the_budget_runs(tmp_path: Path) -> None:
    path = tmp_path / "ok.toml"
    path.write_text(_toml(starts=3, steps=20))
    result = load_experiments(path)["big"].run()
    assert len(result.items()) == 3


def test_run_refuses_too_many_steps_for_the_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(BUDGET_VARIABLE, "100KB")
    line = one_line_error(
        invoke("run", "-l", "bowl", "--optimizer", "gd", "-s", "1,1", "--steps", "100000")
    )
    assert "'--steps'" in line and "this run would need about" in line
    assert "fewer --steps" in line
    assert invoke("run", "-l", "bowl", "--optimizer", "gd", "-s", "1,1", "-n", "50").exit_code == 0


def test_the_budget_is_documented() -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    assert BUDGET_VARIABLE in readme and "2 GiB" in readme
    assert budget.__doc__ and "2 GiB" in budget.__doc__


# --------------------------------------------------------------------------- hostile numbers


@pytest.mark.parametrize(
    ("extra", "run_extra", "key"),
    [
        (f"grad_tol = {HUGE}\n", "", "grad_tol"),
        (f"loss_tol = {HUGE}\n", "", "loss_tol"),
        (f"loss_tol = -{HUGE}\n", "", "loss_tol"),
        ("grad_tol = inf\n", "", "grad_tol"),
        ("grad_tol = nan\n", "", "grad_tol"),
        (f"steps_per = 1\nsteps = {HUGE}\n", "", "steps"),
        ("", f"params = {{ momentum = {HUGE} }}\n", "params.momentum"),
        ("", f"params = {{ momentum = -{HUGE} }}\n", "params.momentum"),
        ("", "params = { momentum = nan }\n", "params.momentum"),
        ("", f"params = {{ dampening = [0.1, {HUGE}] }}\n", "params.dampening"),
    ],
)
def test_hostile_numbers_are_usage_errors(
    tmp_path: Path, extra: str, run_extra: str, key: str
) -> None:
    text = _toml(extra=extra, run_extra=run_extra)
    if extra.startswith("steps_per"):
        text = text.replace("steps = 10\n", "").replace("steps_per = 1\n", "")
    path = tmp_path / "numbers.toml"
    path.write_text(text)
    with pytest.raises(ExperimentError) as info:
        load_experiments(path)
    message = str(info.value)
    assert f"'{key}'" in message and "\n" not in message
    assert message.startswith(f"{path}:")
    line = int(message[len(str(path)) + 1 :].split(":")[0])
    wanted = key.split(".")[-1]
    assert wanted in text.splitlines()[line - 1], (line, text)


@pytest.mark.parametrize("where", ["start", "lr"])
def test_hostile_numbers_in_starts_and_rates(tmp_path: Path, where: str) -> None:
    text = _toml()
    text = (
        text.replace("[1.0, 1.0]", f"[1.0, {HUGE}]")
        if where == "start"
        else text.replace("lr = 0.1", f"lr = {HUGE}")
    )
    path = tmp_path / "numbers.toml"
    path.write_text(text)
    line = one_line_error(invoke("figures", "--config", path, "-o", tmp_path / "out"))
    assert "finite" in line and "internal error" not in line
