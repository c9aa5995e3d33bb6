"""The sdist and the wheel: built (the wheel from the sdist), checked by twine, and complete.

An installed wheel must carry the report templates, the scene files, ``py.typed`` and the
licence, and find them; its metadata must say what pyproject says.
"""

from __future__ import annotations

import subprocess
import sys
import tomllib
import zipfile
from email.parser import Parser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """``python -m build``: the sdist, then the wheel built from the unpacked sdist."""
    pytest.importorskip("build", reason="the test extra is not installed: make setup")
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(out), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (sdist,) = out.glob("gdviz-*.tar.gz")
    (wheel,) = out.glob("gdviz-*.whl")
    return {"sdist": sdist, "wheel": wheel}


def test_twine_check_passes_strictly(dist: dict[str, Path]) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "twine",
            "check",
            "--strict",
            str(dist["sdist"]),
            str(dist["wheel"]),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("PASSED") == 2


def test_the_wheel_metadata_matches_pyproject(dist: dict[str, Path]) -> None:
    with zipfile.ZipFile(dist["wheel"]) as wheel:
        names = wheel.namelist()
        (metadata_name,) = [n for n in names if n.endswith(".dist-info/METADATA")]
        metadata = Parser().parsestr(wheel.read(metadata_name).decode())
        licence = [n for n in names if n.endswith(".dist-info/licenses/LICENSE")]
        assert licence, "LICENSE is not in the wheel"
        licence_text = wheel.read(licence[0]).decode()
        assert "gdviz/py.typed" in names
    project = PYPROJECT["project"]
    assert metadata["Name"] == "gdviz" and metadata["Version"] == project["version"]
    assert metadata["License-Expression"] == project["license"] == "MIT"
    assert licence_text.startswith("MIT License")
    assert licence_text == (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert metadata.get_all("Classifier") == sorted(project["classifiers"])
    assert "Typing :: Typed" in project["classifiers"]
    assert set(metadata.get_all("Provides-Extra") or ()) >= {"video", "notebook", "docs", "test"}
    assert metadata["Description-Content-Type"] == "text/markdown"  # the README


def test_the_sdist_has_the_sources_and_nothing_generated(dist: dict[str, Path]) -> None:
    import tarfile

    with tarfile.open(dist["sdist"]) as sdist:
        names = {name.split("/", 1)[1] for name in sdist.getnames() if "/" in name}
    assert {"LICENSE", "CHANGELOG.md", "README.md", "gdviz/py.typed", "docs/conf.py"} <= names
    assert not any(n.startswith(("docs/_generated", "build/", ".venv")) for n in names)


def test_the_changelog_keeps_a_changelog() -> None:
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "https://keepachangelog.com/" in text
    assert "## [Unreleased]" in text
    assert f"## [{PYPROJECT['project']['version']}]" in text


def test_installed_wheel_finds_its_templates_and_scenes(
    dist: dict[str, Path], tmp_path: Path
) -> None:
    target = tmp_path / "site"
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run(
        [*pip, "install", "--no-deps", "--target", target, dist["wheel"]],
        check=True,
        capture_output=True,
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
    from gdviz.report.explorer import EXPLORER_STYLES, PAGE_SCRIPTS, PAGE_STYLES, WIDGET_SCRIPTS

    for name in {*PAGE_SCRIPTS, *PAGE_STYLES, *WIDGET_SCRIPTS, *EXPLORER_STYLES}:
        assert (templates / name).is_file(), name  # the report's and the widget's
    assert (target / "gdviz" / "py.typed").is_file()
