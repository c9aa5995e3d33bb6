"""An installed wheel must carry the report templates and the scene files, and find them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_installed_wheel_finds_its_templates_and_scenes(tmp_path: Path) -> None:
    wheels, target = tmp_path / "wheels", tmp_path / "site"
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run(
        [*pip, "wheel", "--no-deps", "-w", wheels, ROOT],
        check=True,
        capture_output=True,
    )
    (wheel,) = wheels.glob("gdviz-*.whl")
    subprocess.run(
        [*pip, "install", "--no-deps", "--target", target, wheel], check=True, capture_output=True
    )
    probe = (
        "import gdviz, gdviz.video as v, gdviz.report.render as r\n"
        "print(gdviz.__file__); print(v.scenes_dir()); print(r.template_dir())\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        env={"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"},
        cwd=tmp_path,
        check=True,
        capture_output=True,
        text=True,
    )
    package, scenes, templates = (Path(line) for line in result.stdout.split())
    assert package.is_relative_to(target)
    assert scenes == target / "gdviz" / "_data" / "scenes"
    assert templates == target / "gdviz" / "_data" / "templates"
    assert (scenes / "race.py").is_file() and (templates / "report.html.jinja").is_file()
