"""Benchmark the scene renders against a pure encode of the same frames, in the same run.

For each scene, at the chosen quality (default high: 1920×1080 at 60 fps):

* render: ``python -m gdviz.animation.render`` (what ``gdviz video`` runs), wall time of the
  whole subprocess — interpreter start, the experiment's descent, Typst, Manim's Cairo frames
  and the encode;
* encode only: the rendered MP4 is decoded frame by frame and every frame is encoded again with
  PyAV exactly as Manim encodes (``libx264``, ``yuv420p``, default options, from RGBA arrays,
  same size and rate); only the encoding calls are timed.

Prints per scene the frame count, both times and render ÷ encode. The 2-D scenes aim at ≤ 2
at 1080p60 (the frame is mostly a pre-rendered background; few mobjects move; still holds are
repeated frames), the 3-D ``surface`` at ≤ 8. Then it times ``make -j2 videos`` (every scene,
two renders at a time, into a temporary build directory). Run:
``python benchmarks/bench_video.py [--quality high] [--no-make] [SCENE ...]``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import tempfile
import time
from fractions import Fraction
from pathlib import Path

import av

from gdviz.video import QUALITIES, render_command, scene_catalogue

ROOT = Path(__file__).resolve().parent.parent


def render(name: str, quality: str, work: Path) -> tuple[float, Path]:
    preset = QUALITIES[quality]
    command = render_command(name, preset, work)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    started = time.perf_counter()
    proc = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"bench_video: {name} failed: {proc.stderr.strip().splitlines()[-1]}")
    return seconds, Path(json.loads(proc.stdout.strip().splitlines()[-1])["movie"])


def encode_only(movie: Path, target: Path) -> tuple[int, float]:
    """Re-encode ``movie``'s frames like Manim does; time only the encoder calls."""
    spent = 0.0
    count = 0
    with av.open(str(movie)) as source, av.open(str(target), "w") as out:
        decoded = source.streams.video[0]
        assert decoded.average_rate is not None
        rate = Fraction(decoded.average_rate)
        stream = out.add_stream("libx264", rate=rate)
        stream.width, stream.height, stream.pix_fmt = decoded.width, decoded.height, "yuv420p"
        for frame in source.decode(decoded):
            pixels = frame.to_ndarray(format="rgba")  # what Manim hands its encoder
            started = time.perf_counter()
            packet_frame = av.VideoFrame.from_ndarray(pixels, format="rgba")
            packet_frame.pts = count
            packet_frame.time_base = 1 / rate
            for packet in stream.encode(packet_frame):
                out.mux(packet)
            spent += time.perf_counter() - started
            count += 1
        started = time.perf_counter()
        for packet in stream.encode():
            out.mux(packet)
        spent += time.perf_counter() - started
    return count, spent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("scenes", nargs="*", default=list(scene_catalogue()))
    parser.add_argument("--quality", choices=list(QUALITIES), default="high")
    parser.add_argument("--no-make", action="store_true", help="skip timing make -j2 videos")
    args = parser.parse_args()
    preset = QUALITIES[args.quality]
    print(f"quality {preset}; render = whole subprocess, encode = PyAV libx264 of the same frames")
    print(f"{'scene':<14}{'frames':>8}{'render s':>10}{'encode s':>10}{'ratio':>8}")
    for name in args.scenes:
        with tempfile.TemporaryDirectory(prefix="gdviz-bench-") as tmp:
            work = Path(tmp)
            seconds, movie = render(name, args.quality, work)
            frames, encode = encode_only(movie, work / "encode-only.mp4")
        print(
            f"{name:<14}{frames:>8}{seconds:>10.1f}{encode:>10.1f}{seconds / encode:>8.2f}",
            flush=True,
        )
    if not args.no_make:
        print(f"make -j2 videos QUALITY={args.quality}: {make_videos(args.quality):.0f} s wall")


def make_videos(quality: str) -> float:
    """Wall time of ``make -j2 videos`` into a fresh build directory, with an empty video cache
    (``$GDVIZ_CACHE_DIR`` in a temporary directory), so every scene is rendered."""
    with tempfile.TemporaryDirectory(prefix="gdviz-bench-make-") as tmp:
        env = {**os.environ, "GDVIZ_CACHE_DIR": str(Path(tmp) / "cache")}
        started = time.perf_counter()
        subprocess.run(
            ["make", "-j2", "videos", f"QUALITY={quality}", f"BUILD={tmp}/build"],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )
        return time.perf_counter() - started


if __name__ == "__main__":
    main()
