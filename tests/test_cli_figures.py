"""`gdviz figures`: builds the gallery, reports progress, refuses every bad input in one line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from gdviz.cli import cli
from gdviz.figures import FIGURES, render_figures

GDVIZ = [sys.executable, "-m", "gdviz"]


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args))


def assert_one_line_error(result, *fragments: str) -> None:
    assert result.exit_code == 2, (result.exit_code, result.output)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error:")
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    assert "Traceback" not in result.output


def test_help_lists_the_command_and_its_options() -> None:
    assert "figures" in invoke("--help").output
    result = invoke("figures", "--help")
    assert result.exit_code == 0
    for option in ("--output", "--format", "--theme", "--dpi", "--config", "--list"):
        assert option in result.output


def test_list_names_every_gallery_figure() -> None:
    result = invoke("figures", "--list")
    assert result.exit_code == 0
    listed = [line.split()[0] for line in result.output.splitlines()]
    assert listed == list(FIGURES)


def test_named_figures_are_written_with_progress(tmp_path: Path) -> None:
    out = tmp_path / "figs"
    result = invoke(
        "figures",
        "schedules",
        "descent-path",
        "--output",
        str(out),
        "--format",
        "svg,png",
        "--dpi",
        "40",
        "--theme",
        "dark",
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == [
        "descent-path.png",
        "descent-path.svg",
        "schedules.png",
        "schedules.svg",
    ]
    progress = [
        line
        for line in result.stderr.splitlines()
        if line.strip().startswith(("schedules", "descent-path"))
    ]
    assert len(progress) == 2 and all(line.rstrip().endswith(" s") for line in progress)
    assert "wrote 4 file(s)" in result.stderr
    assert result.stdout == ""


def test_default_formats_are_png_and_svg(tmp_path: Path) -> None:
    result = invoke("figures", "schedules", "-o", str(tmp_path), "--dpi", "30")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["schedules.png", "schedules.svg"]


def test_formats_are_comma_separated_or_repeated(tmp_path: Path) -> None:
    # the same --format convention as gdviz video's
    result = invoke("figures", "schedules", "-o", str(tmp_path), "-f", "SVG", "-f", "pdf,svg")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["schedules.pdf", "schedules.svg"]
    assert "as svg, pdf into" in result.stderr


CONFIG = """
[experiment.mine]
expr = "x**2 + 3*sin(y)"
starts = [[-2.0, 1.5]]
steps = 50

[[experiment.mine.runs]]
optimizer = "adam"
lr = 0.1
"""


def test_config_draws_the_users_experiments(tmp_path: Path) -> None:
    config = tmp_path / "mine.toml"
    config.write_text(CONFIG)
    out = tmp_path / "out"
    listed = invoke("figures", "--config", str(config), "--list")
    assert "optimizer-paths-mine" in listed.output
    result = invoke("figures", "--config", str(config), "--output", str(out), "--format", "svg")
    assert result.exit_code == 0, result.output
    names = sorted(p.stem for p in out.iterdir())
    assert names == ["loss-curves-mine", "lr-sweep-mine", "optimizer-paths-mine", "surface-3d-mine"]
    one = invoke(
        "figures",
        "optimizer-paths-mine",
        "--config",
        str(config),
        "--output",
        str(tmp_path / "one"),
        "--format",
        "pdf",
    )
    assert one.exit_code == 0, one.output
    assert [p.name for p in (tmp_path / "one").iterdir()] == ["optimizer-paths-mine.pdf"]


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (["basin"], ["unknown figure 'basin'", "did you mean 'basins'?"]),
        (["schedules", "nonsense-figure"], ["unknown figure 'nonsense-figure'"]),
        (["schedules", "--format", "gif"], ["'--format'", "unknown format 'gif'"]),
        (["schedules", "--format", "png,sgv"], ["did you mean 'svg'?"]),
        (["schedules", "--format", ","], ["at least one format"]),
        (["schedules", "--dpi", "0"], ["'--dpi'", "20<=x<=600"]),
        (["schedules", "--dpi", "5000"], ["'--dpi'"]),
        (["schedules", "--dpi", "high"], ["'--dpi'", "not a valid integer"]),
        (["schedules", "--theme", "sepia"], ["'--theme'", "sepia"]),
        (["schedules", "--bogus"], ["No such option"]),
    ],
)
def test_bad_input_is_one_line_exit_2_and_writes_nothing(
    tmp_path: Path, args: list[str], fragments: list[str]
) -> None:
    out = tmp_path / "out"
    result = invoke("figures", *args, "--output", str(out))
    assert_one_line_error(result, *fragments)
    assert not out.exists()


def test_unwritable_output_is_refused(tmp_path: Path) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("a file")
    for target in (blocker, blocker / "sub"):
        result = invoke("figures", "schedules", "--output", str(target))
        assert_one_line_error(result, "'--output'", "cannot write to")
    assert blocker.read_text() == "a file"


@pytest.mark.parametrize(
    ("content", "fragments"),
    [
        (None, ["'--config'", "does not exist"]),
        ("[experiment.x\n", ["'--config'", "invalid TOML"]),
        (
            '[experiment.x]\nlandscape = "bowl"\nstarts = [[1.0, 1.0]]\n'
            '[[experiment.x.runs]]\noptimizer = "adamm"\nlr = 0.1\n',
            ["'--config'", "adamm"],
        ),
        (
            '[experiment.x]\nlandscape = "bowl"\nstarts = [[0.0, 0.0]]\nsteps = -5\n'
            '[[experiment.x.runs]]\noptimizer = "gd"\nlr = 0.1\n',
            ["'--config'", "steps"],
        ),
        (
            '[experiment.x]\nexpr = "import os"\nstarts = [[0.0, 0.0]]\n'
            '[[experiment.x.runs]]\noptimizer = "gd"\nlr = 0.1\n',
            ["'--config'"],
        ),
    ],
)
def test_bad_config_is_refused(tmp_path: Path, content: str | None, fragments: list[str]) -> None:
    config = tmp_path / "bad.toml"
    if content is not None:
        config.write_text(content)
    out = tmp_path / "out"
    result = invoke("figures", "--config", str(config), "--output", str(out))
    assert_one_line_error(result, *fragments)
    assert not out.exists()


def test_the_cli_does_not_import_matplotlib_until_figures_run() -> None:
    code = "import sys; import gdviz.cli; assert 'matplotlib' not in sys.modules; print('ok')"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert result.stdout.strip() == "ok", result.stderr


@pytest.mark.slow
def test_a_real_run_matches_the_library_byte_for_byte(tmp_path: Path) -> None:
    """A separate process builds the same bytes as this one (fixed ids, no dates)."""
    out = tmp_path / "cli"
    result = subprocess.run(
        [
            *GDVIZ,
            "figures",
            "momentum",
            "learning-rates",
            "--output",
            str(out),
            "--format",
            "svg,pdf,png",
            "--dpi",
            "40",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "momentum" in result.stderr and "learning-rates" in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("wrote 6 file(s)")
    here = tmp_path / "lib"
    render_figures(
        ["momentum", "learning-rates"], output_dir=here, formats=("svg", "pdf", "png"), dpi=40
    )
    for path in sorted(out.iterdir()):
        assert path.read_bytes() == (here / path.name).read_bytes(), path.name


def test_a_real_bad_run_exits_2_with_one_line(tmp_path: Path) -> None:
    result = subprocess.run(
        [*GDVIZ, "figures", "lr-swep", "--output", str(tmp_path / "x")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert result.stderr.strip() == "Error: unknown figure 'lr-swep' (did you mean 'lr-sweep'?)"
    assert not (tmp_path / "x").exists()
