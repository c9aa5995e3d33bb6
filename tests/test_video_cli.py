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

from gdviz import scene_catalogue as catalogue
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
    assert_one_line_error(output, "choose from hiker, overshoot, local-minima")


def test_bad_landscape_suggests_the_closest(tmp_path):
    code, output = run("race", "--landscape", "rosenbrok", "--output", str(tmp_path))
    assert code == 2
    assert_one_line_error(output, "unknown landscape 'rosenbrok'", "'rosenbrock'")


def test_a_landscape_the_scene_cannot_draw(tmp_path):
    code, output = run("hiker", "--landscape", "valley", "--output", str(tmp_path))
    assert code == 2
    assert_one_line_error(output, "scene 'hiker' cannot draw landscape 'valley'", "xcosx")
    code, output = run("race", "--landscape", "least-squares", "--output", str(tmp_path))
    assert code == 2
    assert_one_line_error(output, "scene 'race' cannot draw landscape 'least-squares'", "booth")
    code, output = run("overshoot", "--landscape", "booth", "--output", str(tmp_path))
    assert code == 2
    assert_one_line_error(output, "scene 'overshoot' cannot draw landscape 'booth'")


def test_every_drawable_builtin_has_a_job_for_the_scenes_that_draw_it():
    from gdviz.landscapes import get_landscape, landscape_names

    for name in landscape_names():
        kind = catalogue.landscape_kind(get_landscape(name))
        drawers = [n for n, i in catalogue.scene_catalogue().items() if kind in i.draws]
        if not drawers:
            with pytest.raises(ValueError, match="no scene draws"):
                catalogue.plan(landscape=name)
            continue
        jobs = catalogue.plan(landscape=name)
        assert [job.scene for job in jobs] == drawers
        for job in jobs:  # each builds its experiment: no landscape is rejected
            experiment = catalogue.scene_experiment(job.scene, landscape=name)
            assert experiment.surface.name == name
    assert "booth" in catalogue.drawable_landscapes("race")
    assert catalogue.drawable_landscapes("hiker") == ["parabola", "shifted-parabola", "xcosx"]


TOML = """
[experiment.flat]
expr = "x**2 + 3*sin(y)"
starts = [[-2.0, 1.5]]
steps = 50

[[experiment.flat.runs]]
optimizer = "adam"
lr = 0.1

[experiment.line]
expr = "x**4 - 3*x**2 + x"
starts = [[2.0]]
steps = 40

[[experiment.line.runs]]
optimizer = "gd"
lr = 0.02

[experiment.plain]
landscape = "booth"
starts = [[-8.0, -6.0]]

[[experiment.plain.runs]]
optimizer = "sgd"
lr = 0.02
"""


def test_config_renders_each_experiment_through_the_scenes_that_apply(tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text(TOML)
    jobs = {(job.scene, job.stem) for job in catalogue.plan(config=path)}
    assert jobs == {
        ("hiker", "hiker-line"),
        ("race", "race-flat"),
        ("race", "race-plain"),
        ("surface", "surface-flat"),
        ("surface", "surface-plain"),
        ("inside", "inside-flat"),
    }
    only = catalogue.plan(["race"], config=path, experiment="flat")
    assert [(job.scene, job.stem) for job in only] == [("race", "race-flat")]
    formula = catalogue.scene_experiment("race", config=path, experiment="flat")
    assert formula.surface.minima == () and formula.expression


def test_config_errors_are_one_line(tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text(TOML)
    code, output = run("--config", str(path), "--experiment", "flta", "--output", str(tmp_path))
    assert code == 2
    assert_one_line_error(output, "unknown experiment in", "did you mean 'flat'")
    code, output = run("hiker", "--config", str(path), "--experiment", "flat", "-o", str(tmp_path))
    assert code == 2
    assert_one_line_error(output, "scene 'hiker' draws 1-D", "experiment 'flat' is on a 2-D")
    code, output = run(
        "inside", "--config", str(path), "--experiment", "plain", "-o", str(tmp_path)
    )
    assert code == 2
    assert_one_line_error(output, "scene 'inside' shows momentum", "has no run of these")
    code, output = run("--experiment", "flat", "--output", str(tmp_path))
    assert code == 2
    assert_one_line_error(output, "--experiment names an experiment of --config")
    bad = tmp_path / "bad.toml"
    bad.write_text("[experiment.x]\nexpr = 'x**'\nstarts = [[1.0]]\n")
    code, output = run("--config", str(bad), "--output", str(tmp_path))
    assert code == 2
    assert_one_line_error(output)


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
    for name, info in video.SCENES.items():
        assert name in output and info.summary in output


def test_scene_names_come_from_the_files_and_classes_are_named_after_them():
    # the Makefile runs it with the system's python3 before setup: no third-party module
    blocked = "numpy click manim jinja2 matplotlib sympy av typst rich PIL"
    names = subprocess.run(
        [
            sys.executable,
            "-c",
            f"import sys, runpy; sys.modules.update(dict.fromkeys({blocked.split()!r}));"
            "runpy.run_module('gdviz.video', run_name='__main__')",
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    ).stdout.split()
    assert names == list(catalogue.scene_catalogue())
    for info in catalogue.scene_catalogue().values():
        source = (ROOT / "scenes" / info.file).read_text()
        assert f"class {info.class_name}(" in source
        assert info.class_name == catalogue.class_name_of(ROOT / "scenes" / info.file)
        assert info.file == info.name.replace("-", "_") + ".py"


def test_a_bad_declaration_is_a_one_line_error(tmp_path):
    (tmp_path / "odd.py").write_text("SCENE = {'name': 'odd', 'title': 'Odd'}\n")
    with pytest.raises(ValueError, match=r"odd\.py: SCENE lacks 'experiment'"):
        catalogue.read_declaration(tmp_path / "odd.py")
    (tmp_path / "odd.py").write_text("x = 1\n")
    with pytest.raises(ValueError, match="no SCENE"):
        catalogue.read_declaration(tmp_path / "odd.py")


def test_listing_scenes_and_the_cli_do_not_import_manim():
    code = (
        "import sys; import gdviz.video as v; from gdviz.cli import cli; "
        "assert len(v.SCENES) == 9 and v.QUALITIES['high'].fps == 60; "
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
    assert base != video.content_hash("race", high, fingerprint="Experiment(...)")
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
        "from gdviz.animation.scene import GDScene\n\n"
        "SCENE = {'name': 'hiker', 'title': 'T', 'summary': 'S', 'experiment': 'descent-path'}\n\n"
        "class Hiker(GDScene):\n"
        "    declaration = SCENE\n\n"
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
    assert (out / "local-minima.vtt").read_text().startswith("WEBVTT")
    assert "local-minima: 25%" in first.stderr  # progress lines when not on a terminal
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
    from gdviz.style import hex_to_rgb, optimizer_color

    adam = tuple(round(v * 255) for v in hex_to_rgb(optimizer_color("adam", "dark")))
    rms = tuple(round(v * 255) for v in hex_to_rgb(optimizer_color("rmsprop", "dark")))
    image[90:92, 100:102] = adam  # a four-pixel Adam dot on a busy background
    image[40:42, 200:202] = rms  # and an RMSprop one
    frame = Image.fromarray(image)
    from gdviz.video_formats import gif_palette

    quantized = frame.quantize(palette=gif_palette(frame), dither=Image.Dither.NONE)
    rgb = quantized.convert("RGB")
    assert rgb.getpixel((100, 90)) == adam
    assert rgb.getpixel((200, 40)) == rms


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


def test_the_scenes_readme_table_is_the_catalogue():
    readme = (ROOT / "scenes" / "README.md").read_text()
    assert catalogue.catalogue_table() in readme
