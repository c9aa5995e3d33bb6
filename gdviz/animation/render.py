"""Render one gdviz scene with Manim into a directory (run by :mod:`gdviz.video` in a subprocess).

Usage (internal)::

    python -m gdviz.animation.render --scene race --width 1920 --height 1080 --fps 60 \\
        --out DIR [--option landscape=valley]

writes ``DIR/<scene>.mp4`` and the poster ``DIR/<scene>.png`` (the last frame) and prints one
JSON line with the paths, the duration in seconds and the frame count. Manim's media (partial
movies, Typst SVGs) go to ``DIR/media`` with caching disabled, so nothing is shared between
renders and a failed render leaves only its own temporary directory behind.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import sys
import time
import traceback
from pathlib import Path
from typing import Any

import numpy as np


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


def layout_scene(
    name: str, *, width: int = 1920, height: int = 1080, options: dict[str, Any] | None = None
) -> Any:
    """Run scene ``name`` without writing a video (Manim's dry run) and return the scene.

    Every animation jumps to its end state, so the scene's mobjects are laid out exactly as in
    the last frame of a real render at this size; tests check the layout on it quickly.
    """
    import shutil
    import tempfile

    from manim import tempconfig

    from gdviz.animation import kit

    media = tempfile.mkdtemp(prefix="gdviz-layout-")
    settings = {
        "pixel_width": width,
        "pixel_height": height,
        "dry_run": True,
        "frame_rate": 1,
        "save_last_frame": True,
        "write_to_movie": False,
        "disable_caching": True,
        "verbosity": "ERROR",
        "progress_bar": "none",
        "media_dir": media,
    }
    kit.OPTIONS.clear()
    kit.OPTIONS.update(options or {})
    try:
        with tempconfig(settings):
            scene = load_scene_class(name)()
            scene.render()
    finally:
        kit.OPTIONS.clear()
        shutil.rmtree(media, ignore_errors=True)
    return scene


def render_scene(
    name: str,
    out_dir: str | Path,
    *,
    width: int,
    height: int,
    fps: float,
    options: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Render scene ``name`` at ``width``×``height`` and ``fps`` into ``out_dir``.

    Returns a dict with ``movie`` and ``poster`` paths, ``duration`` (s), ``frames`` and the
    rendered ``scene`` object (for tests that inspect the mobjects and the runner probe).
    """
    from manim import tempconfig
    from PIL import Image

    from gdviz.animation import kit

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    media = out_dir / "media"
    settings = {
        "pixel_width": int(width),
        "pixel_height": int(height),
        "frame_rate": fps,
        "media_dir": str(media),
        "disable_caching": True,
        "verbosity": "ERROR",
        "progress_bar": "none",
        "output_file": name,
        "write_to_movie": True,
        "save_last_frame": False,
    }
    kit.OPTIONS.clear()
    kit.OPTIONS.update(options or {})
    try:
        scene_class = load_scene_class(name)
        with tempconfig(settings):
            scene = scene_class()
            scene.render()
            produced = Path(scene.renderer.file_writer.movie_file_path)
            frame = np.asarray(scene.renderer.get_frame())
    finally:
        kit.OPTIONS.clear()
    movie = out_dir / f"{name}.mp4"
    produced.replace(movie)
    poster = out_dir / f"{name}.png"
    Image.fromarray(frame[..., :3].astype(np.uint8)).save(poster, optimize=True)
    return {
        "movie": str(movie),
        "poster": str(poster),
        "duration": float(scene.time),
        "frames": round(scene.time * fps),
        "scene": scene,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m gdviz.animation.render")
    parser.add_argument("--scene", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--width", type=int, required=True)
    parser.add_argument("--height", type=int, required=True)
    parser.add_argument("--fps", type=float, required=True)
    parser.add_argument("--option", action="append", default=[], metavar="KEY=VALUE")
    args = parser.parse_args(argv)
    options = dict(item.split("=", 1) for item in args.option)
    started = time.perf_counter()
    result = render_scene(
        args.scene, args.out, width=args.width, height=args.height, fps=args.fps, options=options
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
