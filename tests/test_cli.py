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
        "--optimizer",
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
        "--optimizer",
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
        "--optimizer",
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
        "--optimizer",
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


BOWL_ADAM = ["-l", "bowl", "--optimizer", "adam", "--start", "0,0"]
BOWL_SGD = ["-l", "bowl", "--optimizer", "sgd", "--start", "0,0"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-l", "rosenbrok", "--optimizer", "adam", "--start", "0,0"], "did you mean 'rosenbrock'"),
        (["-l", "bowl", "--optimizer", "adamm", "--start", "0,0"], "did you mean 'adam'"),
        (["-l", "bowl", "-e", "x**2", "--optimizer", "adam", "--start", "0,0"], "exactly one of"),
        (["--optimizer", "adam", "--start", "0,0"], "exactly one of"),
        (["-l", "bowl", "--optimizer", "adam", "--start", "1"], "2 variable(s)"),
        (["-l", "bowl", "--optimizer", "adam", "--start", "1,2,3"], "2 variable(s)"),
        (["-l", "bowl", "--optimizer", "adam", "--start", "a,b"], "not a list of numbers"),
        ([*BOWL_ADAM, "--lr", "fast"], "not a number"),
        ([*BOWL_ADAM, "--lr", "-1"], "lr"),
        ([*BOWL_ADAM, "--steps", "-3"], "--steps"),
        (
            [*BOWL_ADAM, "--param", "momentum=0.9"],
            "momentum",
        ),
        (
            [*BOWL_ADAM, "--param", "betas=0.9,1.5"],
            "betas",
        ),
        ([*BOWL_ADAM, "--param", "betas"], "KEY=VALUE"),
        (
            [*BOWL_SGD, "--param", "nesterov=true"],
            "nesterov",
        ),
        (
            [
                "-l",
                "bowl",
                "--optimizer",
                "adam",
                "--start",
                "0,0",
                "--schedule",
                "exponential:gamma",
            ],
            "schedule",
        ),
        (
            [*BOWL_ADAM, "--schedule", "cosin:T_max=3"],
            "did you mean 'cosine'",
        ),
        ([*BOWL_ADAM, "--tol", "-1"], "--tol"),
        (["-e", "__import__('os')", "--optimizer", "adam", "--start", "0,0"], "--expr"),
        ([*BOWL_ADAM, "--format", "xml"], "--format"),
        (["-e", "x**2", "--optimizer", "adam"], "give a starting point: --start"),
        (
            ["-l", "mlp-moons", "--optimizer", "adam", "--start", "1,2"],
            "mlp-moons has 33 parameters: 0.weight 8×2, 0.bias 8, 2.weight 1×8, 2.bias 1, "
            "got 2 coordinate(s)",
        ),
        (
            [
                "-l",
                "bowl",
                "--optimizer",
                "adam",
                "--start",
                "0,0",
                "--output",
                "/proc/version/x.csv",
            ],
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
    result = invoke(
        "run", "-l", "bowl", "--optimizer", "adam", "--start", "0,0", "--output", str(target)
    )
    assert result.exit_code == 2
    assert list(tmp_path.iterdir()) == [target]


#: What ``--help`` and a run on a built-in printed on stdout never import: the heavy libraries,
#: numpy.random (no data set is drawn), the atomic writer (nothing is written to a file) and
#: the thread pool (one start is one block, run on the calling thread), nor numba (one start
#: is not worth compiling for).
HEAVY = (
    *("sympy", "matplotlib", "manim", "jinja2", "scipy", "PIL", "numba", "llvmlite"),
    *("numpy.random", "gdviz.atomic", "concurrent.futures"),
)


@pytest.mark.parametrize(
    ("args", "also"),
    [
        (["run", "-l", "bowl", "--optimizer", "gd", "--start", "1,1", "-f", "csv"], ()),
        (["run", "-l", "linear-regression", "--optimizer", "adam", "--start", "0,0"], ()),
        (["--help"], ("numpy",)),  # the command list needs no numpy at all
        (["run", "--help"], ()),
    ],
)
def test_help_and_runs_on_builtins_import_nothing_heavy(
    args: list[str], also: tuple[str, ...]
) -> None:
    code = (
        "import sys; from gdviz.cli import cli\n"
        f"try:\n    cli({args!r})\n"
        "except SystemExit as e:\n    assert e.code == 0, e.code\n"
        f"heavy = [m for m in {HEAVY + also!r} if m in sys.modules]\n"
        "lazy = [m for m in ('gdviz.cli.figures', 'gdviz.cli.video', 'gdviz.cli.report')\n"
        "        if m in sys.modules]\n"
        "print('HEAVY', heavy, lazy, file=sys.stderr)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert "HEAVY [] []" in result.stderr
    if args[0] == "run" and "-f" in args:
        assert result.stdout.startswith("step,x,y,loss,grad_norm,lr")


RUN = ["run", "-l", "bowl", "--optimizer", "gd", "--start", "1,1", "--steps", "5"]


def test_dash_output_is_standard_output(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, [*RUN, "-o", "-", "-f", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["steps"] == 5
    assert not (Path.cwd() / "-").exists()


@pytest.mark.parametrize("suffix", [".csv", ".json", ".npz", ".txt"])
def test_the_output_suffix_chooses_the_format(tmp_path: Path, suffix: str) -> None:
    from gdviz.trajectory import load_trajectory

    target = tmp_path / f"run{suffix}"
    result = CliRunner().invoke(cli, [*RUN, "-o", str(target)])
    assert result.exit_code == 0, result.output
    if suffix == ".txt":
        assert "status     " in target.read_text()
    else:
        assert load_trajectory(target).steps == 5


@pytest.mark.parametrize("name", ["r.parquet", "run"])
def test_an_unknown_suffix_is_a_usage_error(tmp_path: Path, name: str) -> None:
    result = CliRunner().invoke(cli, [*RUN, "-o", str(tmp_path / name)])
    assert result.exit_code == 2
    assert "cannot tell the format" in result.output and "'--output'" in result.output
    assert list(tmp_path.iterdir()) == []
    forced = CliRunner().invoke(cli, [*RUN, "-o", str(tmp_path / name), "--format", "csv"])
    assert forced.exit_code == 0 and (tmp_path / name).read_text().startswith("step,")


def test_quiet_and_verbose(tmp_path: Path) -> None:
    target = tmp_path / "run.csv"
    normal = CliRunner().invoke(cli, [*RUN, "-o", str(target)])
    assert "wrote" in normal.stderr
    quiet = CliRunner().invoke(cli, [*RUN, "-o", str(target), "-q"])
    assert quiet.exit_code == 0 and quiet.stderr == ""
    bad = CliRunner().invoke(cli, [*RUN, "-o", str(target), "-q", "--lr", "x"])
    assert bad.exit_code == 2 and bad.stderr.startswith("Error:")


def test_every_command_takes_quiet_and_verbose_and_outputs_are_dash_o() -> None:
    from gdviz.cli.app import COMMANDS

    for name in COMMANDS:
        command = cli.get_command(None, name)  # type: ignore[arg-type]
        assert command is not None, name
        flags = {flag for p in command.params for flag in getattr(p, "opts", [])}
        assert {"-q", "--quiet", "-v", "--verbose"} <= flags, name
        if name not in ("list", "completion", "cache"):  # they write no file
            assert {"-o", "--output"} <= flags, name


@pytest.mark.parametrize("command", ["figures", "report", "video"])
def test_directory_outputs_refuse_dash(command: str) -> None:
    result = CliRunner().invoke(cli, [command, "-o", "-"])
    assert result.exit_code == 2
    assert "writes a directory" in result.output


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_scripts(shell: str) -> None:
    result = CliRunner().invoke(cli, ["completion", shell])
    assert result.exit_code == 0
    assert "_GDVIZ_COMPLETE" in result.output


def test_shell_completion_offers_landscapes() -> None:
    from click.shell_completion import ShellComplete

    complete = ShellComplete(cli, {}, "gdviz", "_GDVIZ_COMPLETE")
    offered = [c.value for c in complete.get_completions(["run", "--landscape"], "ros")]
    assert offered == ["rosenbrock"]


def test_python_dash_m_gdviz() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "gdviz", "--version"], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == f"gdviz, version {__version__}"


def test_console_script_error_is_one_line() -> None:
    gdviz = Path(sys.executable).parent / "gdviz"
    result = subprocess.run(
        [str(gdviz), "run", "-l", "nope", "--optimizer", "adam", "--start", "0,0"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("Error:")
    assert result.stdout == ""


def test_the_network_runs_from_its_recorded_initialisation() -> None:
    network = get_landscape("mlp-moons")
    result = invoke("run", "-l", "mlp-moons", "--optimizer", "adam", "--lr", "0.02", "-n", "30")
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(result.output.splitlines()))
    assert rows[0] == ["step", *network.variables, "loss", "grad_norm", "lr"]
    assert rows[0][1:3] == ["0.weight[0,0]", "0.weight[0,1]"] and rows[0][33] == "2.bias[0]"
    expected = descend(network, make_optimizer("adam"), network.starts[0], lr=0.02, steps=30)
    got = np.array([[float(v) for v in row[1:34]] for row in rows[1:]])
    np.testing.assert_array_equal(got, expected.points)
    assert got[0].tolist() == list(network.starts[0])


def test_the_network_table_is_readable() -> None:
    result = invoke(
        "run", "-l", "mlp-moons", "--optimizer", "adam", "--lr", "0.02", "-n", "30", "-f", "table"
    )
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert max(len(line) for line in lines if not line.startswith("optimizer")) <= 110
    header = next(line for line in lines if line.lstrip().startswith("step"))
    assert header.split() == ["step", "‖θ−θ₀‖", "loss", "‖∇L‖", "lr"]
    # the final point: a line per weight row and per bias (long ones wrapped), torch's order
    block = lines[next(i for i, line in enumerate(lines) if line.startswith("final")) :]
    labels = [line[11:].split()[0] for line in block if not line[11:].startswith(" ")]
    assert labels == [*(f"0.weight[{r},:]" for r in range(8)), "0.bias", "2.weight[0,:]", "2.bias"]
    values = [
        float(v)
        for line in block
        for v in line[11:].split()
        if "weight" not in v and "bias" not in v
    ]
    network = get_landscape("mlp-moons")
    expected = descend(
        network, make_optimizer("adam"), network.starts[0], lr=0.02, steps=30
    ).final_point
    np.testing.assert_allclose(values, expected, rtol=1e-5)


def test_list_landscapes_summarises_the_network() -> None:
    lines = invoke("list").output.splitlines()
    assert max(len(line) for line in lines) <= 100
    at = next(i for i, line in enumerate(lines) if "mlp-moons" in line)
    entry = " ".join(line.strip() for line in lines[at : at + 2])
    assert "(33 parameters: 0.weight 8×2, 0.bias 8, 2.weight 1×8, 2.bias 1)" in entry
