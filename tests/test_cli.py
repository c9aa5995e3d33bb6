"""The `gdviz` command line: list, run, and one-line errors for every bad input."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from gdviz import __version__
from gdviz.cli import cli
from gdviz.descent import descend
from gdviz.landscapes import get_landscape
from gdviz.optimizers import make_optimizer


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args))


def test_version_and_help() -> None:
    assert invoke("--version").output.strip() == f"gdviz, version {__version__}"
    result = invoke("--help")
    assert result.exit_code == 0
    for command in ("list", "run"):
        assert command in result.output


@pytest.mark.parametrize("what", ["landscapes", "optimizers", "schedules", "experiments"])
def test_list(what: str) -> None:
    result = invoke("list", what)
    assert result.exit_code == 0
    expected = {
        "landscapes": "rosenbrock",
        "optimizers": "nesterov",
        "schedules": "cosine",
        "experiments": "race-himmelblau",
    }[what]
    assert expected in result.output


def test_list_everything() -> None:
    result = invoke("list")
    assert result.exit_code == 0
    assert all(
        word in result.output for word in ("landscapes", "optimizers", "schedules", "experiments")
    )


def test_run_table_for_people() -> None:
    result = invoke(
        "run",
        "--landscape",
        "rosenbrock",
        "--optimizer",
        "adam",
        "--lr",
        "0.01",
        "--start=-1.5,2",
        "--format",
        "table",
    )
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Rosenbrock" in out and "adam" in out
    assert "step" in out and "loss" in out and "‖∇L‖" in out
    assert "status" in out and "stopped at the step limit after 100 step(s)" in out
    assert "nearest    minimum (1, 1)" in out


def test_run_csv_matches_the_library() -> None:
    result = invoke(
        "run",
        "-l",
        "himmelblau",
        "-o",
        "momentum",
        "--lr",
        "0.01",
        "--start",
        "0,0",
        "--steps",
        "30",
        "--tol",
        "0",
        "--format",
        "csv",
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(result.output.splitlines()))
    assert rows[0] == ["step", "x", "y", "loss", "grad_norm", "lr"]
    expected = descend(
        get_landscape("himmelblau"), make_optimizer("momentum"), [0.0, 0.0], lr=0.01, steps=30
    )
    table = np.array([[float(v) for v in row] for row in rows[1:]])
    np.testing.assert_array_equal(table[:, 1:3], expected.points)
    np.testing.assert_array_equal(table[:, 3], expected.losses)
    assert len(rows) == 32


def test_run_params_schedule_and_json() -> None:
    result = invoke(
        "run",
        "--expr",
        "x**2 + 3*sin(y)",
        "--optimizer",
        "sgd",
        "--start",
        "2,1",
        "--lr",
        "0.05",
        "--param",
        "momentum=0.9",
        "--param",
        "nesterov=true",
        "--schedule",
        "step:step_size=5,gamma=0.5",
        "--steps",
        "12",
        "--tol",
        "0",
        "--format",
        "json",
    )
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert document["spec"]["hyperparams"]["nesterov"] is True
    assert document["spec"]["schedule"].startswith("step")
    assert document["status"] == "max_steps" and len(document["records"]) == 13
    assert document["records"][6]["lr"] == 0.025


def test_tol_zero_runs_exactly_the_steps_and_default_tol_converges() -> None:
    exact = invoke(
        "run",
        "-l",
        "bowl",
        "-o",
        "gd",
        "--start",
        "1,1",
        "--steps",
        "500",
        "--tol",
        "0",
        "-f",
        "json",
    )
    assert len(json.loads(exact.output)["records"]) == 501
    default = invoke(
        "run",
        "-l",
        "bowl",
        "-o",
        "gd",
        "--lr",
        "0.1",
        "--start",
        "1,1",
        "--steps",
        "500",
        "-f",
        "json",
    )
    assert json.loads(default.output)["status"] == "converged"


def test_output_file_format_from_suffix(tmp_path: Path) -> None:
    target = tmp_path / "out" / "run.json"
    result = invoke(
        "run",
        "-l",
        "parabola",
        "-o",
        "gd",
        "--start",
        "3",
        "--lr",
        "1.1",
        "--steps",
        "10",
        "--output",
        str(target),
    )
    assert result.exit_code == 0, result.output
    assert json.loads(target.read_text())["records"][1]["x"] == 3 - 1.1 * 6


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-l", "rosenbrok", "-o", "adam", "--start", "0,0"], "did you mean 'rosenbrock'"),
        (["-l", "bowl", "-o", "adamm", "--start", "0,0"], "did you mean 'adam'"),
        (["-l", "bowl", "-e", "x**2", "-o", "adam", "--start", "0,0"], "exactly one of"),
        (["-o", "adam", "--start", "0,0"], "exactly one of"),
        (["-l", "bowl", "-o", "adam", "--start", "1"], "2 variable(s)"),
        (["-l", "bowl", "-o", "adam", "--start", "1,2,3"], "2 variable(s)"),
        (["-l", "bowl", "-o", "adam", "--start", "a,b"], "not a list of numbers"),
        (["-l", "bowl", "-o", "adam", "--start", "0,0", "--lr", "fast"], "not a number"),
        (["-l", "bowl", "-o", "adam", "--start", "0,0", "--lr", "-1"], "lr"),
        (["-l", "bowl", "-o", "adam", "--start", "0,0", "--steps", "-3"], "--steps"),
        (["-l", "bowl", "-o", "adam", "--start", "0,0", "--param", "momentum=0.9"], "momentum"),
        (["-l", "bowl", "-o", "adam", "--start", "0,0", "--param", "betas=0.9,1.5"], "betas"),
        (["-l", "bowl", "-o", "adam", "--start", "0,0", "--param", "betas"], "KEY=VALUE"),
        (["-l", "bowl", "-o", "sgd", "--start", "0,0", "--param", "nesterov=true"], "nesterov"),
        (
            ["-l", "bowl", "-o", "adam", "--start", "0,0", "--schedule", "exponential:gamma"],
            "schedule",
        ),
        (
            ["-l", "bowl", "-o", "adam", "--start", "0,0", "--schedule", "cosin:T_max=3"],
            "did you mean 'cosine'",
        ),
        (["-l", "bowl", "-o", "adam", "--start", "0,0", "--tol", "-1"], "--tol"),
        (["-e", "__import__('os')", "-o", "adam", "--start", "0,0"], "--expr"),
        (["-l", "bowl", "-o", "adam", "--start", "0,0", "--format", "xml"], "--format"),
        (
            ["-l", "bowl", "-o", "adam", "--start", "0,0", "--output", "/proc/version/x.csv"],
            "--output",
        ),
    ],
)
def test_bad_input_is_one_line_exit_2(args: list[str], message: str) -> None:
    result = CliRunner().invoke(cli, ["run", *args])
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert lines[0].startswith("Error:") and message in lines[0]
    assert "Traceback" not in result.output


def test_bad_output_leaves_nothing_behind(tmp_path: Path) -> None:
    target = tmp_path / "run.csv"
    target.mkdir()
    result = invoke("run", "-l", "bowl", "-o", "adam", "--start", "0,0", "--output", str(target))
    assert result.exit_code == 2
    assert list(tmp_path.iterdir()) == [target]


def test_real_subprocess_answers_without_heavy_imports() -> None:
    code = (
        "import sys; from gdviz.cli import cli\n"
        "try:\n    cli(['run','-l','bowl','-o','gd','--start','1,1','-f','csv'])\n"
        "except SystemExit as e:\n    assert e.code == 0, e.code\n"
        "heavy = [m for m in ('matplotlib', 'manim') if m in sys.modules]\n"
        "print('HEAVY', heavy, file=sys.stderr)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert "HEAVY []" in result.stderr
    assert result.stdout.startswith("step,x,y,loss,grad_norm,lr")


def test_console_script_error_is_one_line() -> None:
    gdviz = Path(sys.executable).parent / "gdviz"
    result = subprocess.run(
        [str(gdviz), "run", "-l", "nope", "-o", "adam", "--start", "0,0"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("Error:")
    assert result.stdout == ""
