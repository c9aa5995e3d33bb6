"""``gdviz video`` under faults (issue 13, classes 5 and 6), with tiny declared scenes.

A cached video is reused only when its record vouches for every file's size and hash; a
damaged one is rendered again. A SIGKILLed ``gdviz video`` leaves no Manim child running, and
the next run sweeps the temporary directory the killed one left.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
from pathlib import Path

import pytest
from helpers import environment, gdviz_command, processes_mentioning, temporaries_in, wait_until

pytest.importorskip("manim", reason="the video extra is part of make test's environment")

_SCENE = """
import time

from manim import Dot

from gdviz.animation.scene import GDScene

SCENE = {{"name": "hiker", "title": "T", "summary": "S", "experiment": "descent-path"}}


class Hiker(GDScene):
    declaration = SCENE

    def construct(self):
        {body}
"""
QUICK = "self.add(Dot())\n        self.wait(0.5)"
STUCK = "time.sleep(300)"


def _scenes(directory: Path, body: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "hiker.py").write_text(_SCENE.format(body=body))
    return directory


def _video(tmp_path: Path, scenes: Path, out: Path, *extra: str) -> subprocess.CompletedProcess:
    env = environment(GDVIZ_SCENES_DIR=str(scenes), GDVIZ_CACHE_DIR=str(tmp_path / "cache"))
    command = gdviz_command("video", "hiker", "--quality", "low", "-o", out, *extra)
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)


def _damage(path: Path, how: str) -> None:
    data = path.read_bytes()
    if how == "truncate":
        path.write_bytes(data[:1000] if len(data) > 1000 else data[: len(data) // 2])
    elif how == "flip":
        path.write_bytes(data[:-1] + bytes([data[-1] ^ 1]))
    elif how == "empty":
        path.write_bytes(b"")
    else:
        path.unlink()


@pytest.mark.slow
@pytest.mark.parametrize("how", ["truncate", "flip", "empty", "missing"])
@pytest.mark.parametrize("which", ["mp4", "png", "vtt"])
def test_a_damaged_cached_video_is_rendered_again(tmp_path: Path, which: str, how: str) -> None:
    scenes, out = _scenes(tmp_path / "scenes", QUICK), tmp_path / "videos"
    first = _video(tmp_path, scenes, out)
    assert first.returncode == 0, first.stderr
    good = (out / f"hiker.{which}").read_bytes()
    again = _video(tmp_path, scenes, out)
    assert "up to date, verified" in again.stderr
    _damage(out / f"hiker.{which}", how)
    rerun = _video(tmp_path, scenes, out)
    assert rerun.returncode == 0, rerun.stderr
    assert "do not match their record; rendering again" in rerun.stderr
    assert "rendering at low" in rerun.stderr
    if which != "mp4":  # the poster and captions are deterministic; the movie's bytes need not be
        assert (out / f"hiker.{which}").read_bytes() == good
    record = json.loads((out / ".hiker.render.json").read_text())
    for name, entry in record["files"].items():
        assert (out / name).stat().st_size == entry["size"]


@pytest.mark.slow
def test_a_damaged_gif_is_made_again_without_force(tmp_path: Path) -> None:
    scenes, out = _scenes(tmp_path / "scenes", QUICK), tmp_path / "videos"
    assert _video(tmp_path, scenes, out, "-f", "gif").returncode == 0
    gif = (out / "hiker.gif").read_bytes()
    (out / "hiker.gif").write_bytes(gif[: len(gif) // 2])
    rerun = _video(tmp_path, scenes, out, "-f", "gif")
    assert rerun.returncode == 0, rerun.stderr
    assert "writing GIF" in rerun.stderr and "up to date, verified" in rerun.stderr
    assert (out / "hiker.gif").read_bytes()[:6] in (b"GIF87a", b"GIF89a")
    assert len((out / "hiker.gif").read_bytes()) == len(gif)
    quiet = _video(tmp_path, scenes, out, "-f", "gif")
    assert "writing GIF" not in quiet.stderr


@pytest.mark.slow
def test_a_killed_video_leaves_no_child_and_the_rerun_no_temporary(tmp_path: Path) -> None:
    stuck, out = _scenes(tmp_path / "stuck", STUCK), tmp_path / "videos"
    env = environment(GDVIZ_SCENES_DIR=str(stuck), GDVIZ_CACHE_DIR=str(tmp_path / "cache"))
    command = gdviz_command("video", "hiker", "--quality", "low", "-o", out)
    parent = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    marker = str(out / ".hiker.gdviz-")  # the render child's --out is its temporary directory
    try:
        assert wait_until(lambda: bool(processes_mentioning(marker)), timeout=60), "no child"
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait()
        assert wait_until(lambda: not processes_mentioning(marker), timeout=10), (
            "the render child outlived its SIGKILLed parent"
        )
    finally:
        parent.kill()
        parent.wait()
        assert parent.stderr is not None
        parent.stderr.close()
    assert temporaries_in(out), "the kill left nothing to sweep"
    rerun = _video(tmp_path, _scenes(tmp_path / "quick", QUICK), out)
    assert rerun.returncode == 0, rerun.stderr
    assert not temporaries_in(out)
    assert sorted(p.name for p in out.iterdir()) == [
        ".hiker.render.json",
        "hiker.mp4",
        "hiker.png",
        "hiker.vtt",
    ]


@pytest.mark.slow
def test_the_report_embeds_a_real_render_and_renders_a_damaged_one_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """End to end through the real ``render_videos`` (not a stand-in): the record it publishes
    is the one the report checks before embedding."""
    import shutil

    from gdviz.report import ReportOptions, build_report
    from gdviz.report import build as report_build
    from gdviz.report.chapters import CHAPTERS

    scenes = tmp_path / "scenes"
    shutil.copytree(Path(__file__).resolve().parent.parent / "scenes", scenes)
    quick = _SCENE.format(body=QUICK).replace(
        '"experiment": "descent-path"', '"experiment": "descent-path", "chapter": "update-rule"'
    )
    (scenes / "hiker.py").write_text(quick)
    monkeypatch.setenv("GDVIZ_SCENES_DIR", str(scenes))
    monkeypatch.setenv("GDVIZ_CACHE_DIR", str(tmp_path / "cache"))
    (chapter,) = [c for c in CHAPTERS if "hiker" in c.videos]
    monkeypatch.setattr(report_build, "CHAPTERS", (chapter,))
    said: list[str] = []
    options = ReportOptions(output=tmp_path / "r", quality="low", scenes=("hiker",))
    first = build_report(options, progress=said.append)
    assert first.videos == ("hiker",) and "<video" in first.page.read_text()
    cached = tmp_path / "cache" / "videos" / "low" / "hiker.mp4"
    embedded = tmp_path / "r" / "assets" / "videos"
    assert cached.read_bytes() in [p.read_bytes() for p in embedded.iterdir()]
    cached.write_bytes(cached.read_bytes()[:100])
    said.clear()
    again = build_report(options, progress=said.append)
    assert again.videos == ("hiker",) and "<video" in again.page.read_text()
    assert any("do not match their record; rendering again" in line for line in said)
    assert cached.stat().st_size > 100
