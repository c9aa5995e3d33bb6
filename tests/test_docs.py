"""The documentation site builds offline with warnings as errors, and shows what it promises.

One build per session (``sphinx-build -W``, as ``make docs``) with every proxy pointing at a
closed port, so a build step that reached for the network would fail.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import cast

import pytest

pytestmark = pytest.mark.slow

sphinx = pytest.importorskip("sphinx", reason="the docs extra is not installed: make setup")

ROOT = Path(__file__).resolve().parent.parent
DEAD = "http://127.0.0.1:9"


class _Resources(HTMLParser):
    """What a page loads (scripts, styles, images) and its text."""

    def __init__(self) -> None:
        super().__init__()
        self.loads: list[str] = []
        self.images: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "script" and values.get("src"):
            self.loads.append(str(values["src"]))
        if tag == "link" and values.get("rel") in ("stylesheet", "preload", "icon"):
            self.loads.append(str(values.get("href")))
        if tag == "img":
            self.loads.append(str(values.get("src")))
            self.images.append(str(values.get("src")))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def page(path: Path) -> _Resources:
    parser = _Resources()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("docs") / "html"
    env = dict(os.environ)
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        env[name] = DEAD
    env.pop("no_proxy", None)
    env.pop("NO_PROXY", None)
    env["MPLBACKEND"] = "Agg"
    command = [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html"]
    result = subprocess.run(
        [*command, str(ROOT / "docs"), str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    assert "WARNING" not in result.stderr and "ERROR" not in result.stderr, result.stderr
    return out


def test_every_page_loads_only_local_files(site: Path) -> None:
    pages = list(site.rglob("*.html"))
    assert len(pages) > 40
    for path in pages:
        for url in page(path).loads:
            assert not re.match(r"(https?:)?//", url), f"{path.relative_to(site)} loads {url}"


def test_the_cli_reference_is_generated_from_click(site: Path) -> None:
    import click

    from gdviz.cli.app import COMMANDS, cli

    text = " ".join("".join(page(site / "cli.html").text).split())
    assert "--no-videos" in text and "–no-videos" not in text  # no smart dashes in options
    ctx = click.Context(cli)
    for name in COMMANDS:
        command = cli.get_command(ctx, name)
        assert command is not None and f"gdviz {name}" in text
        for param in command.params:
            for opt in getattr(param, "opts", []):
                if opt.startswith("-"):
                    assert opt in text, f"{name} {opt} missing from the CLI reference"


def test_the_api_reference_has_every_public_module_and_renders_math(site: Path) -> None:
    sys.path.insert(0, str(ROOT / "docs" / "_ext"))
    try:
        from gdviz_pages import public_modules
    finally:
        sys.path.pop(0)
    modules = public_modules()
    assert {"gdviz", "gdviz.descent", "gdviz.notebook.display", "gdviz.figures"} <= set(modules)
    for name in modules:
        assert (site / "_generated" / "api" / f"{name}.html").is_file()
    descent = (site / "_generated" / "api" / "gdviz.descent.html").read_text(encoding="utf-8")
    assert 'id="gdviz.descent.descend"' in descent
    assert "<math" in descent and "\\nabla" not in descent  # formulas became MathML
    top = (site / "_generated" / "api" / "gdviz.html").read_text(encoding="utf-8")
    assert 'id="gdviz.plot"' in top and 'id="gdviz.animate"' in top


def test_the_gallery_shows_each_figure_with_its_code(site: Path) -> None:
    from PIL import Image

    from gdviz.figures import FIGURES

    for name, spec in FIGURES.items():
        path = site / "_generated" / "gallery" / f"{name}.html"
        content = page(path)
        text = "".join(content.text)
        assert f'make_figure("{name}")' in text
        assert f"def {spec.maker.__name__}(" in text
        (image,) = content.images
        with Image.open(path.parent / image) as picture:
            picture.verify()


def test_each_scene_has_a_page_with_its_poster(site: Path) -> None:
    from PIL import Image

    from gdviz.video import SCENES, video_available

    for name, info in SCENES.items():
        path = site / "_generated" / "scenes" / f"{name}.html"
        content = page(path)
        text = "".join(content.text)
        assert info.title in text and f"gdviz video {name}" in text
        assert f"class {info.class_name}" in text
        if not video_available():
            assert "The poster needs Manim" in text
            continue
        (image,) = content.images
        with Image.open(path.parent / image) as poster:
            assert poster.size == (960, 540)
            # one band ("L"): (min, max), not one pair per band
            darkest, brightest = cast(tuple[int, int], poster.convert("L").getextrema())
            assert brightest - darkest > 100  # a picture, not a blank frame


def test_the_python_blocks_of_the_prose_pages_run(tmp_path: Path) -> None:
    """The hand-written pages' examples run too (the README's are tests/test_readme.py's)."""
    sys.path.insert(0, str(ROOT / "tests"))
    try:
        from test_readme import blocks
    finally:
        sys.path.pop(0)
    env = {**os.environ, "MPLBACKEND": "Agg"}
    ran = 0
    for source in sorted((ROOT / "docs").glob("*.md")):
        for block in blocks(source.read_text(encoding="utf-8")):
            if block.language != "python":
                continue
            result = subprocess.run(
                [sys.executable, "-c", block.code],
                cwd=tmp_path,
                env=env,
                capture_output=True,
                text=True,
                timeout=300,
                check=False,
            )
            assert result.returncode == 0, f"{source.name}:{block.line}\n{result.stderr[-2000:]}"
            ran += 1
    assert ran >= 3
