"""Render one gdviz scene with Manim into a directory (run by :mod:`gdviz.video` in a subprocess).

Usage (internal)::

    python -m gdviz.animation.render --scene race --width 1920 --height 1080 --fps 60 \\
        --out DIR [--landscape NAME | --config FILE.toml --experiment NAME] [--progress]

writes ``DIR/<scene>.mp4``, the poster ``DIR/<scene>.png`` (the last frame) and the captions
``DIR/<scene>.vtt``, and prints one JSON line with the paths, the duration in seconds and the
frame count. With ``--progress`` it first counts the frames (a dry run, every animation at its
end state) and prints ``{"frames": done, "total": n}`` lines while it renders. Manim's media
(partial movies, Typst SVGs) go to ``DIR/media`` with caching disabled, so nothing is shared
between renders and a failed render leaves only its own temporary directory behind.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from gdviz.experiments import Experiment

__all__ = ["build_scene", "count_frames", "layout_scene", "load_scene_class", "render_scene"]


def load_scene_class(name: str) -> type:
    """Import the scene file of ``name`` (see :data:`gdviz.video.SCENES`) and return its class."""
    from gdviz.video import SCENES, scenes_dir

    info = SCENES[name]
    path = scenes_dir() / info.file
    spec = importlib.util.spec_from_file_location(f"gdviz_scenes.{path.stem}", path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return getattr(module, info.class_name)


def _settings(width: int, height: int, fps: float, media: Path, **extra: Any) -> dict[str, Any]:
    return {
        "pixel_width": int(width),
        "pixel_height": int(height),
        "frame_rate": fps,
        "media_dir": str(media),
        "disable_caching": True,
        "verbosity": "ERROR",
        "progress_bar": "none",
        **extra,
    }


def build_scene(name: str, experiment: Experiment | None = None) -> Any:
    """A new scene object of ``name`` drawing ``experiment`` (its declared one if None).

    Call it inside ``manim.tempconfig``: the scene takes the frame size of the current config.
    """
    from gdviz.animation.compat import use_pillow_canvas

    use_pillow_canvas()
    return load_scene_class(name)(experiment=experiment)


def layout_scene(
    name: str, *, width: int = 1920, height: int = 1080, experiment: Experiment | None = None
) -> Any:
    """Run scene ``name`` without writing a video (Manim's dry run) and return the scene.

    Every animation jumps to its end state, so the mobjects are laid out as in the last frame
    of a real render (the docs take their posters from it).
    """
    import shutil
    import tempfile

    from manim import tempconfig

    media = Path(tempfile.mkdtemp(prefix="gdviz-layout-"))
    try:
        with tempconfig(_settings(width, height, 1, media, dry_run=True, write_to_movie=False)):
            scene = build_scene(name, experiment)
            scene.render()
    finally:
        shutil.rmtree(media, ignore_errors=True)
    return scene


def count_frames(
    name: str, width: int, height: int, fps: float, media: Path, experiment: Experiment | None
) -> int:
    """The number of frames scene ``name`` will have, from a dry run (no frame drawn)."""
    from manim import tempconfig

    with tempconfig(_settings(width, height, fps, media, dry_run=True, write_to_movie=False)):
        scene = build_scene(name, experiment)
        scene.render()
        return round(scene.renderer.time * fps)


def render_scene(
    name: str,
    out_dir: str | Path,
    *,
    width: int,
    height: int,
    fps: float,
    experiment: Experiment | None = None,
    progress: Callable[[int, int], None] | None = None,
    before: Callable[[Any], None] | None = None,
) -> dict[str, Any]:
    """Render scene ``name`` at ``width``×``height`` and ``fps`` into ``out_dir``.

    Parameters
    ----------
    experiment : Experiment, optional
        What the scene draws (its declared built-in if None).
    progress : callable, optional
        Called as ``progress(frames_done, frames_total)`` while frames are written.
    before : callable, optional
        Called with the scene object before it renders (e.g. to watch its frames).

    Returns a dict with ``movie``, ``poster`` and ``captions`` paths, ``duration`` (s),
    ``frames`` and the rendered ``scene`` object.
    """
    from manim import tempconfig
    from PIL import Image

    from gdviz.animation.captions import to_webvtt

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    media = out_dir / "media"
    total = count_frames(name, width, height, fps, media, experiment) if progress else 0
    settings = _settings(
        width, height, fps, media, output_file=name, write_to_movie=True, save_last_frame=False
    )
    with tempconfig(settings):
        scene = build_scene(name, experiment)
        if progress is not None:
            _report_frames(scene, total, progress)
        if before is not None:
            before(scene)
        scene.render()
        produced = Path(scene.renderer.file_writer.movie_file_path)
        frame = np.asarray(scene.renderer.get_frame())
    duration = float(scene.renderer.time)
    movie = out_dir / f"{name}.mp4"
    produced.replace(movie)
    poster = out_dir / f"{name}.png"
    Image.fromarray(frame[..., :3].astype(np.uint8)).save(poster, optimize=True)
    captions = out_dir / f"{name}.vtt"
    captions.write_text(to_webvtt(scene.cues, duration), encoding="utf-8")
    return {
        "movie": str(movie),
        "poster": str(poster),
        "captions": str(captions),
        "duration": duration,
        "frames": round(duration * fps),
        "scene": scene,
    }


def _report_frames(scene: Any, total: int, progress: Callable[[int, int], None]) -> None:
    """Wrap the renderer's ``add_frame`` so every written frame is counted."""
    renderer = scene.renderer
    add_frame = renderer.add_frame
    done = [0]

    def counted(frame: Any, num_frames: int = 1) -> None:
        add_frame(frame, num_frames)
        done[0] += num_frames
        progress(done[0], max(total, done[0]))

    renderer.add_frame = counted


def _experiment(args: argparse.Namespace) -> Experiment | None:
    from gdviz.scene_catalogue import scene_experiment

    return scene_experiment(
        args.scene, landscape=args.landscape, config=args.config, experiment=args.experiment
    )


def main(argv: list[str] | None = None) -> int:
    """Command-line entry of the render subprocess (see the module docstring)."""
    parser = argparse.ArgumentParser(prog="python -m gdviz.animation.render")
    parser.add_argument("--scene", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--width", type=int, required=True)
    parser.add_argument("--height", type=int, required=True)
    parser.add_argument("--fps", type=float, required=True)
    parser.add_argument("--landscape")
    parser.add_argument("--config")
    parser.add_argument("--experiment")
    parser.add_argument("--progress", action="store_true")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    last = [0.0]

    def report(done: int, total: int) -> None:
        now = time.perf_counter()
        if done == total or now - last[0] > 0.25:
            last[0] = now
            print(json.dumps({"frames": done, "total": total}), flush=True)

    result = render_scene(
        args.scene,
        args.out,
        width=args.width,
        height=args.height,
        fps=args.fps,
        experiment=_experiment(args),
        progress=report if args.progress else None,
    )
    result.pop("scene")
    result["seconds"] = time.perf_counter() - started
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Exception as error:  # one line for the parent process to show
        if os.environ.get("GDVIZ_DEBUG"):
            traceback.print_exc()
        message = " ".join(str(error).split()) or type(error).__name__
        print(f"{type(error).__name__}: {message}", file=sys.stderr, flush=True)
        sys.exit(1)
