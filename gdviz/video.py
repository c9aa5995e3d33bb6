"""Render the lecture videos: scene catalogue, qualities, incremental renders, GIF/WebM, posters.

This module imports no Manim: listing scenes and checking options work without the ``video``
extra. Each scene renders in its own subprocess (``python -m gdviz.animation.render``) into a
temporary directory beside the output; the files are moved into place only when everything
succeeded, and a sidecar ``.<scene>.render.json`` records the content hash of what was rendered
(scene source, the core's sources, quality and options) so an unchanged scene is skipped.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

__all__ = [
    "FORMATS",
    "QUALITIES",
    "RACE_LANDSCAPES",
    "SCENES",
    "Quality",
    "SceneInfo",
    "VideoError",
    "VideoResult",
    "VideoUnavailable",
    "content_hash",
    "render_videos",
    "scenes_dir",
    "video_available",
]


@dataclass(frozen=True)
class SceneInfo:
    """One lecture scene: its file in ``scenes/``, class name, title and a one-line summary."""

    name: str
    file: str
    class_name: str
    title: str
    description: str
    options: tuple[str, ...] = ()


SCENES: dict[str, SceneInfo] = {
    info.name: info
    for info in (
        SceneInfo(
            "hiker",
            "hiker.py",
            "HikerScene",
            "A hiker in the fog",
            "Gradient descent as a hiker feeling the slope: ∇L under the feet, −η·∇L as the step.",
        ),
        SceneInfo(
            "overshoot",
            "overshoot.py",
            "OvershootScene",
            "Step size",
            "x² from 3 with η = 0.01, 0.1, 0.9, 1.1, then the zig-zag across a long valley.",
        ),
        SceneInfo(
            "race",
            "race.py",
            "RaceScene",
            "The optimizer race",
            "SGD, Momentum, RMSProp and Adam race to the minimum with a live leaderboard.",
            ("landscape",),
        ),
        SceneInfo(
            "local-minima",
            "local_minima.py",
            "LocalMinimaScene",
            "Two hikers, two valleys",
            "On x·cos x, starts at −2 and 1 end in different local minima.",
        ),
        SceneInfo(
            "decay",
            "decay.py",
            "DecayScene",
            "Learning-rate decay",
            "Fitting a line to five points: constant η = 0.01 vs. η = 0.1 decayed ×0.99.",
        ),
        SceneInfo(
            "surface",
            "surface.py",
            "SurfaceScene",
            "The landscape in 3-D",
            "Four optimizers' paths on Himmelblau's surface under a slow camera move.",
        ),
        SceneInfo(
            "saddle",
            "saddle.py",
            "SaddleScene",
            "Stuck at a saddle",
            "Plain GD stalls near the saddle of x² − y²; momentum escapes.",
        ),
    )
}

#: Landscapes the race scene accepts (each has a built-in ``race-<name>`` experiment).
RACE_LANDSCAPES = ("rosenbrock", "valley", "himmelblau", "bowl", "rastrigin")
DEFAULT_RACE_LANDSCAPE = "rosenbrock"


@dataclass(frozen=True)
class Quality:
    """A render preset: frame size and rate (Manim's -ql/-qm/-qh/-qk)."""

    name: str
    width: int
    height: int
    fps: int

    def __str__(self) -> str:
        return f"{self.name} {self.width}×{self.height} at {self.fps} fps"


QUALITIES: dict[str, Quality] = {
    "low": Quality("low", 854, 480, 15),
    "medium": Quality("medium", 1280, 720, 30),
    "high": Quality("high", 1920, 1080, 60),
    "4k": Quality("4k", 3840, 2160, 60),
}

FORMATS = ("mp4", "gif", "webm")

#: Core modules whose source goes into a scene's content hash (a change re-renders it).
_CORE_MODULES = (
    "landscapes",
    "optimizers",
    "schedules",
    "expression",
    "descent",
    "trajectory",
    "experiments",
    "style",
)


class VideoUnavailable(RuntimeError):
    """Manim (or PyAV) is not installed."""

    def __init__(self, missing: str = "manim") -> None:
        super().__init__(
            f"{missing} is not installed: rendering videos needs pip install 'gdviz[video]' "
            "(make setup installs it)"
        )


class VideoError(RuntimeError):
    """A scene failed to render; the message names the scene and the reason in one line."""


@dataclass(frozen=True)
class VideoResult:
    """What :func:`render_videos` produced for one scene."""

    name: str
    paths: dict[str, Path]
    poster: Path
    rendered: bool
    seconds: float = 0.0
    duration: float = 0.0
    extra: dict[str, object] = field(default_factory=dict)


def video_available() -> bool:
    """Whether Manim and PyAV can be imported (without importing them)."""
    return all(importlib.util.find_spec(name) is not None for name in ("manim", "av"))


def scenes_dir() -> Path:
    """The scene files: ``$GDVIZ_SCENES_DIR`` if set, else the copy inside an installed wheel,
    else ``scenes/`` of a source checkout."""
    override = os.environ.get("GDVIZ_SCENES_DIR")
    if override:
        return Path(override)
    here = Path(__file__).resolve().parent
    for candidate in (here / "_data" / "scenes", here.parent / "scenes"):
        if (candidate / "hiker.py").is_file():
            return candidate
    raise FileNotFoundError("the gdviz scenes/ directory is missing from this installation")


def render_command(
    name: str, preset: Quality, work: Path, options: dict[str, str] | None = None
) -> list[str]:
    """The subprocess command that renders scene ``name`` at ``preset`` into ``work``."""
    command = [sys.executable, "-m", "gdviz.animation.render", "--scene", name]
    command += ["--out", str(work), "--width", str(preset.width)]
    command += ["--height", str(preset.height), "--fps", str(preset.fps)]
    return command + [f"--option={key}={value}" for key, value in (options or {}).items()]


def output_name(name: str, options: dict[str, str]) -> str:
    """The file stem of a render: ``race`` for the default landscape, ``race-valley`` otherwise."""
    landscape = options.get("landscape")
    if name == "race" and landscape and landscape != DEFAULT_RACE_LANDSCAPE:
        return f"race-{landscape}"
    return name


def content_hash(name: str, quality: Quality, options: dict[str, str] | None = None) -> str:
    """SHA-256 of everything a render depends on: scene, kit and core sources, quality, options."""
    digest = hashlib.sha256()
    package = Path(__file__).resolve().parent
    sources = [scenes_dir() / SCENES[name].file]
    sources += [package / f"{module}.py" for module in _CORE_MODULES]
    sources += sorted((package / "animation").glob("*.py"))
    sources.append(package / "figures" / "_base.py")  # the landscape colour ramp
    for path in sources:
        digest.update(path.name.encode())
        digest.update(path.read_bytes() if path.is_file() else b"<missing>")
    try:
        from importlib.metadata import version

        digest.update(f"manim {version('manim')} av {version('av')}".encode())
    except Exception:  # pragma: no cover - metadata missing in odd installs
        pass
    settings = {
        "quality": [quality.width, quality.height, quality.fps],
        "options": sorted((options or {}).items()),
    }
    digest.update(json.dumps(settings, sort_keys=True).encode())
    return digest.hexdigest()


def _sidecar(output_dir: Path, stem: str) -> Path:
    return output_dir / f".{stem}.render.json"


def _reusable(output_dir: Path, stem: str, digest: str) -> bool:
    try:
        record = json.loads(_sidecar(output_dir, stem).read_text())
    except (OSError, ValueError):
        return False
    return (
        record.get("hash") == digest
        and (output_dir / f"{stem}.mp4").is_file()
        and (output_dir / f"{stem}.png").is_file()
    )


def _say(progress: Callable[[str], None] | None, message: str) -> None:
    if progress is None:
        print(message, file=sys.stderr, flush=True)
    else:
        progress(message)


def render_videos(
    names: Iterable[str] | None = None,
    output_dir: str | Path = "build/videos",
    quality: str = "high",
    formats: Sequence[str] = ("mp4",),
    landscape: str | None = None,
    progress: Callable[[str], None] | None = None,
    force: bool = False,
) -> list[VideoResult]:
    """Render scenes (all by default) into ``output_dir``; skip the ones already up to date.

    Parameters
    ----------
    names : scene names of :data:`SCENES`, in the order to render.
    quality : a key of :data:`QUALITIES`.
    formats : any of ``mp4``, ``gif`` (blog-sized, palette-optimised), ``webm`` (VP9); the MP4
        and a poster ``<scene>.png`` are always written.
    landscape : the race scene's landscape (one of :data:`RACE_LANDSCAPES`).
    progress : receives one line per event; default prints to stderr.
    force : render even if the sidecar hash matches.

    Raises
    ------
    ValueError : an unknown scene, quality, format or landscape (one line).
    VideoUnavailable : Manim or PyAV missing.
    VideoError : a scene failed (``scene 'race' failed: ...``); scenes before it are kept.
    """
    from gdviz.names import unknown_name_message

    chosen = list(names) if names else list(SCENES)
    for name in chosen:
        if name not in SCENES:
            raise ValueError(unknown_name_message("scene", name, list(SCENES)))
    if quality not in QUALITIES:
        raise ValueError(unknown_name_message("quality", quality, list(QUALITIES)))
    for fmt in formats:
        if fmt not in FORMATS:
            raise ValueError(unknown_name_message("format", fmt, list(FORMATS)))
    if landscape is not None and landscape not in RACE_LANDSCAPES:
        raise ValueError(unknown_name_message("race landscape", landscape, list(RACE_LANDSCAPES)))
    if not video_available():
        raise VideoUnavailable("manim" if importlib.util.find_spec("manim") is None else "av")
    preset = QUALITIES[quality]
    output = Path(output_dir)
    from gdviz.atomic import check_writable_dir

    check_writable_dir(output)

    results = []
    for index, name in enumerate(chosen, 1):
        options = {"landscape": landscape} if (name == "race" and landscape) else {}
        stem = output_name(name, options)
        digest = content_hash(name, preset, options)
        tag = f"[{index}/{len(chosen)}] {stem}"
        if not force and _reusable(output, stem, digest):
            paths = {"mp4": output / f"{stem}.mp4"}
            for fmt in formats:
                if fmt != "mp4":
                    paths[fmt] = _convert_if_missing(output, stem, fmt, preset, progress, tag)
            _say(progress, f"{tag}: up to date ({output / (stem + '.mp4')})")
            results.append(VideoResult(stem, paths, output / f"{stem}.png", rendered=False))
            continue
        _say(progress, f"{tag}: rendering at {preset} …")
        started = time.perf_counter()
        results.append(
            _render_one(
                name, stem, options, preset, output, formats, digest, tag, progress, started
            )
        )
    return results


def _render_one(
    name: str,
    stem: str,
    options: dict[str, str],
    preset: Quality,
    output: Path,
    formats: Sequence[str],
    digest: str,
    tag: str,
    progress: Callable[[str], None] | None,
    started: float,
) -> VideoResult:
    work = Path(tempfile.mkdtemp(prefix=f".{stem}.", suffix=".tmp", dir=output))
    try:
        command = render_command(name, preset, work, options)
        env = dict(os.environ)
        package_root = str(Path(__file__).resolve().parent.parent)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [package_root, env.get("PYTHONPATH")]))
        proc = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
        if proc.returncode != 0:
            lines = [line for line in proc.stderr.strip().splitlines() if line.strip()]
            reason = lines[-1] if lines else f"exit code {proc.returncode}"
            raise VideoError(f"scene '{stem}' failed: {reason}")
        info = json.loads(proc.stdout.strip().splitlines()[-1])
        movie, poster = Path(info["movie"]), Path(info["poster"])
        if movie.name != f"{stem}.mp4":
            movie = movie.replace(work / f"{stem}.mp4")
            poster = poster.replace(work / f"{stem}.png")
        made = {"mp4": movie}
        for fmt in formats:
            if fmt != "mp4":
                target = work / f"{stem}.{fmt}"
                _say(progress, f"{tag}: writing {fmt.upper()} …")
                (make_gif if fmt == "gif" else make_webm)(movie, target)
                made[fmt] = target
        paths = {}
        for fmt, path in made.items():
            final = output / f"{stem}.{fmt}"
            os.replace(path, final)
            paths[fmt] = final
        os.replace(poster, output / f"{stem}.png")
        record = {
            "hash": digest,
            "scene": name,
            "quality": preset.name,
            "options": options,
            "duration": info["duration"],
        }
        from gdviz.atomic import atomic_write

        atomic_write(_sidecar(output, stem), json.dumps(record, indent=1).encode())
    except VideoError:
        raise
    except Exception as error:
        raise VideoError(f"scene '{stem}' failed: {type(error).__name__}: {error}") from None
    finally:
        shutil.rmtree(work, ignore_errors=True)
    seconds = time.perf_counter() - started
    _say(progress, f"{tag}: done in {seconds:.1f} s → {paths['mp4']}")
    return VideoResult(
        stem,
        paths,
        output / f"{stem}.png",
        rendered=True,
        seconds=seconds,
        duration=float(info["duration"]),
    )


def _convert_if_missing(
    output: Path,
    stem: str,
    fmt: str,
    preset: Quality,
    progress: Callable[[str], None] | None,
    tag: str,
) -> Path:
    target = output / f"{stem}.{fmt}"
    source = output / f"{stem}.mp4"
    if not target.is_file() or target.stat().st_mtime < source.stat().st_mtime:
        from gdviz.atomic import atomic_path

        _say(progress, f"{tag}: writing {fmt.upper()} …")
        try:
            with atomic_path(target) as tmp:
                (make_gif if fmt == "gif" else make_webm)(source, tmp)
        except Exception as error:
            raise VideoError(f"scene '{stem}' failed: {type(error).__name__}: {error}") from None
    return target


# ------------------------------------------------------------------------------ conversions


def _frames(source: Path, fps: float, width: int):
    """Decode ``source`` and yield PIL images resampled to ``fps`` and ``width`` pixels wide."""
    import av

    with av.open(str(source)) as container:
        stream = container.streams.video[0]
        rate = float(stream.average_rate or 30)
        step = rate / fps
        next_index = 0.0
        for index, frame in enumerate(container.decode(stream)):
            if index + 1e-9 < next_index:
                continue
            next_index += step
            image = frame.to_image()
            height = round(image.height * width / image.width / 2) * 2
            if (width, height) != image.size:
                image = image.resize((width, height), resample=3)  # bicubic
            yield image


def _source_geometry(source: Path) -> tuple[float, int]:
    """Frame rate and width of a video file."""
    import av

    with av.open(str(source)) as container:
        stream = container.streams.video[0]
        return float(stream.average_rate or 30), int(stream.width)


def make_gif(source: str | Path, target: str | Path, *, fps: float = 10, width: int = 640) -> Path:
    """A blog-sized GIF of an MP4: ``width`` px wide, ``fps`` frames/s, one shared palette.

    One palette serves every frame (no flicker): the shared style's colours (Okabe–Ito and
    both themes, so every optimizer keeps its exact colour even on a few pixels) plus up to 128
    adaptive colours from a sample of frames. Pillow stores only the changed part of a frame.
    """
    from PIL import Image

    rate, source_width = _source_geometry(Path(source))
    fps, width = min(fps, rate), min(width, source_width)
    frames = list(_frames(Path(source), fps, width))
    if not frames:
        raise ValueError(f"{source} has no frames")
    sample_count = min(len(frames), 8)
    picks = [
        frames[int(i * (len(frames) - 1) / max(sample_count - 1, 1))] for i in range(sample_count)
    ]
    strip = Image.new("RGB", (width, picks[0].height * len(picks)))
    for i, image in enumerate(picks):
        strip.paste(image, (0, i * image.height))
    palette = _gif_palette(strip)
    quantized = [f.quantize(palette=palette, dither=Image.Dither.NONE) for f in frames]
    duration = round(1000 / fps)
    quantized[0].save(
        target,
        format="GIF",
        save_all=True,
        append_images=quantized[1:],
        duration=duration,
        loop=0,
        optimize=True,
        disposal=1,
    )
    return Path(target)


def _gif_palette(sample):
    """A ``P`` image holding the style's colours followed by adaptive colours of ``sample``."""
    from PIL import Image

    from gdviz.style import OKABE_ITO, THEMES

    fixed = list(OKABE_ITO.values())
    for theme in THEMES.values():
        fixed += [theme.background, theme.foreground, theme.muted, theme.grid, theme.panel]
    rgb = [
        int(c[i : i + 2], 16)
        for c in dict.fromkeys(c.lstrip("#").upper() for c in fixed)
        for i in (0, 2, 4)
    ]
    adaptive = sample.quantize(colors=128, method=Image.Quantize.MEDIANCUT)
    colours = rgb + adaptive.getpalette()[: 3 * 128]
    palette = Image.new("P", (1, 1))
    palette.putpalette(colours + colours[:3] * (256 - len(colours) // 3))
    return palette


def make_webm(
    source: str | Path, target: str | Path, *, fps: float = 30, width: int = 1280, crf: int = 34
) -> Path:
    """A VP9 WebM of an MP4 at ``width`` px and ``fps`` for a web page (PyAV, no ffmpeg CLI)."""
    import av

    rate, source_width = _source_geometry(Path(source))
    fps, width = min(fps, rate), min(width, source_width)
    with av.open(str(target), mode="w", format="webm") as out:
        stream = None
        for index, image in enumerate(_frames(Path(source), fps, width)):
            if stream is None:
                frame_rate = Fraction(fps).limit_denominator(1001)
                stream = out.add_stream(
                    "libvpx-vp9",
                    rate=frame_rate,
                    options={
                        "crf": str(crf),
                        "b": "0",
                        "deadline": "realtime",
                        "cpu-used": "8",
                        "row-mt": "1",
                    },
                )
                stream.width, stream.height = image.width, image.height
                stream.pix_fmt = "yuv420p"
            frame = av.VideoFrame.from_image(image)
            frame.pts = index
            frame.time_base = 1 / frame_rate
            for packet in stream.encode(frame):
                out.mux(packet)
        if stream is None:
            raise ValueError(f"{source} has no frames")
        for packet in stream.encode():
            out.mux(packet)
    return Path(target)
