"""``gdviz video`` and :mod:`gdviz.video`: bad input, incremental renders, failures, GIF/WebM."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import av
import numpy as np
import pytest
from click.testing import CliRunner
from PIL import Image

from gdviz import video
from gdviz.cli import cli

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["video", *args])
    return result.exit_code, result.output


def assert_one_line_error(output: str, *fragments: str) -> None:
    lines = [line for line in output.strip().splitlines() if line.strip()]
    assert len(lines) == 1, output
    assert lines[0].startswith("Error: ")
    assert "Traceback" not in output
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


# ------------------------------------------------------------------------------ bad input


def test_unknown_scene_suggests_the_closest(tmp_path):
    code, output = run("hikr", "--output", str(tmp_path))
    assert code == 2
    assert_one_line_error(output, "unknown scene 'hikr'", "did you mean 'hiker'")
    assert not any(tmp_path.iterdir())


def test_unknown_scene_without_a_close_match_lists_them(tmp_path):
    code, output = run("nothing-like-it", "--output", str(tmp_path))
    assert code == 2
    assert_one_line_error(output, "choose from hiker, overshoot, race")


def test_bad_race_landscape(tmp_path):
    code, output = run("race", "--landscape", "rosenbrok", "--output", str(tmp_path))
    assert code == 2
    assert_one_line_error(output, "unknown race landscape 'rosenbrok'", "'rosenbrock'")


def test_landscape_for_a_scene_that_is_not_the_race(tmp_path):
    code, output = run("hiker", "--landscape", "valley", "--output", str(tmp_path))
    assert code == 2
    assert_one_line_error(output, "--landscape applies to the race scene")


@pytest.mark.parametrize(("option", "value"), [("--quality", "ultra"), ("--format", "avi")])
def test_bad_quality_or_format(tmp_path, option, value):
    code, output = run("hiker", option, value, "--output", str(tmp_path))
    assert code == 2
    assert_one_line_error(output, value)


def test_output_that_is_a_file(tmp_path):
    target = tmp_path / "taken"
    target.write_text("x")
    code, output = run("hiker", "--output", str(target))
    assert code == 2
    assert_one_line_error(output, "--output")
    assert target.read_text() == "x"


def test_manim_missing_says_how_to_install(tmp_path, monkeypatch):
    monkeypatch.setattr(video, "video_available", lambda: False)
    code, output = run("hiker", "--output", str(tmp_path))
    assert code == 2
    assert_one_line_error(output, "pip install 'gdviz[video]'")


def test_render_videos_rejects_bad_arguments_before_any_work(tmp_path):
    with pytest.raises(ValueError, match="did you mean 'hiker'"):
        video.render_videos(["hikr"], output_dir=tmp_path)
    with pytest.raises(ValueError, match="unknown quality"):
        video.render_videos(["hiker"], output_dir=tmp_path, quality="8k")
    with pytest.raises(ValueError, match="unknown format"):
        video.render_videos(["hiker"], output_dir=tmp_path, formats=("mov",))
    assert not any(tmp_path.iterdir())


def test_list_names_every_scene():
    code, output = run("--list")
    assert code == 0
    for name in video.SCENES:
        assert name in output


def test_listing_scenes_and_the_cli_do_not_import_manim():
    code = (
        "import sys; import gdviz.video as v; from gdviz.cli import cli; "
        "assert len(v.SCENES) == 7 and v.QUALITIES['high'].fps == 60; "
        "assert 'manim' not in sys.modules, 'manim imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


# ------------------------------------------------------------------- hashing and failures


def test_content_hash_follows_scene_source_quality_and_options(tmp_path, monkeypatch):
    high, low = video.QUALITIES["high"], video.QUALITIES["low"]
    base = video.content_hash("race", high)
    assert base == video.content_hash("race", high)
    assert base != video.content_hash("race", low)
    assert base != video.content_hash("race", high, {"landscape": "valley"})
    for path in (ROOT / "scenes").glob("*.py"):
        (tmp_path / path.name).write_bytes(path.read_bytes())
    monkeypatch.setenv("GDVIZ_SCENES_DIR", str(tmp_path))
    assert video.content_hash("race", high) == base
    with (tmp_path / "race.py").open("a") as handle:
        handle.write("\n# edited\n")
    assert video.content_hash("race", high) != base


def test_failed_scene_names_itself_and_leaves_the_old_file(tmp_path, monkeypatch):
    scenes = tmp_path / "scenes"
    scenes.mkdir()
    (scenes / "hiker.py").write_text(
        "from gdviz.animation import kit\n\n"
        "class HikerScene(kit.GDScene):\n"
        "    def construct(self):\n"
        "        raise RuntimeError('the hiker fell')\n"
    )
    monkeypatch.setenv("GDVIZ_SCENES_DIR", str(scenes))
    out = tmp_path / "videos"
    out.mkdir()
    (out / "hiker.mp4").write_bytes(b"previous good video")
    code, output = run("hiker", "--quality", "low", "--output", str(out))
    assert code == 1
    lines = [line for line in output.strip().splitlines() if line.startswith("Error")]
    assert lines == ["Error: scene 'hiker' failed: RuntimeError: the hiker fell"]
    assert (out / "hiker.mp4").read_bytes() == b"previous good video"
    assert sorted(p.name for p in out.iterdir()) == ["hiker.mp4"]  # no temp dir, no sidecar


@pytest.mark.slow
def test_real_render_then_up_to_date(tmp_path):
    out = tmp_path / "videos"
    command = [
        sys.executable,
        "-m",
        "gdviz",
        "video",
        "local-minima",
        "--quality",
        "low",
        "--output",
        str(out),
    ]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    first = subprocess.run(command, capture_output=True, text=True, env=env, cwd=ROOT)
    assert first.returncode == 0, first.stderr
    assert "local-minima: rendering at low 854×480 at 15 fps" in first.stderr
    movie, poster = out / "local-minima.mp4", out / "local-minima.png"
    with av.open(str(movie)) as container:
        stream = container.streams.video[0]
        assert (stream.width, stream.height, float(stream.average_rate)) == (854, 480, 15)
        frames = sum(1 for _ in container.decode(stream))
    record = json.loads((out / ".local-minima.render.json").read_text())
    assert abs(frames - record["duration"] * 15) <= 1
    with Image.open(poster) as image:
        assert image.size == (854, 480)
    stamp = movie.stat().st_mtime_ns
    second = subprocess.run(command, capture_output=True, text=True, env=env, cwd=ROOT)
    assert second.returncode == 0, second.stderr
    assert "up to date" in second.stderr and "0 rendered, 1 up to date" in second.stderr
    assert movie.stat().st_mtime_ns == stamp
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]


# ------------------------------------------------------------------------------ GIF / WebM


@pytest.fixture(scope="module")
def clip(tmp_path_factory) -> Path:
    """A 3-second 320×180 MP4 at 30 fps with a square moving across it."""
    path = tmp_path_factory.mktemp("clip") / "clip.mp4"
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=30)
        stream.width, stream.height, stream.pix_fmt = 320, 180, "yuv420p"
        for i in range(90):
            frame = np.full((180, 320, 3), 30, np.uint8)
            frame[60:120, 3 * i : 3 * i + 40] = (230, 159, 0)
            for packet in stream.encode(av.VideoFrame.from_ndarray(frame, format="rgb24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path


def test_gif_is_small_palette_based_and_keeps_the_timing(clip, tmp_path):
    target = video.make_gif(clip, tmp_path / "clip.gif", fps=10, width=160)
    with Image.open(target) as gif:
        assert gif.size == (160, 90)
        assert gif.mode == "P"
        assert len(gif.getpalette()) // 3 <= 256
        durations = []
        for index in range(gif.n_frames):
            gif.seek(index)
            durations.append(gif.info["duration"])
        assert gif.n_frames == 30
        assert sum(durations) == pytest.approx(3000, abs=100)
    assert target.stat().st_size < 200_000


def test_gif_palette_keeps_the_style_colours_on_a_few_pixels():
    ramp = np.linspace(0, 1, 320)[None, :, None] * np.array([80, 120, 160])[None, None, :]
    image = np.broadcast_to(ramp + np.linspace(0, 60, 180)[:, None, None], (180, 320, 3))
    image = np.ascontiguousarray(image.astype(np.uint8))
    image[90:92, 100:102] = (230, 159, 0)  # a four-pixel Adam dot on a busy background
    image[40:42, 200:202] = (0, 158, 115)  # and an RMSProp one
    frame = Image.fromarray(image)
    quantized = frame.quantize(palette=video._gif_palette(frame), dither=Image.Dither.NONE)
    rgb = quantized.convert("RGB")
    assert rgb.getpixel((100, 90)) == (230, 159, 0)
    assert rgb.getpixel((200, 40)) == (0, 158, 115)


def test_webm_is_vp9_at_the_asked_rate(clip, tmp_path):
    target = video.make_webm(clip, tmp_path / "clip.webm", fps=15, width=160)
    with av.open(str(target)) as container:
        stream = container.streams.video[0]
        assert stream.codec_context.name == "vp9"
        assert (stream.width, stream.height) == (160, 90)
        frames = sum(1 for _ in container.decode(stream))
        assert float(stream.average_rate) == pytest.approx(15)
    assert frames == 45


def test_conversions_never_upscale(clip, tmp_path):
    target = video.make_gif(clip, tmp_path / "big.gif", fps=60, width=1920)
    with Image.open(target) as gif:
        assert gif.size == (320, 180)
        assert gif.n_frames == 90  # capped at the source's 30 fps
