"""Render the lecture videos: qualities, incremental renders, GIF/WebM, posters.

This module imports no Manim: listing scenes and checking options work without the ``video``
extra. What to render comes from the scene catalogue (:mod:`gdviz.scene_catalogue`:
:func:`~gdviz.scene_catalogue.plan`). Each scene renders in its own subprocess
(``python -m gdviz.animation.render``) into a temporary directory beside the output
(:func:`gdviz.temporaries.make_dir`; a killed render's leftovers are swept at the next start)
as a child that dies with gdviz (:func:`gdviz.processes.child_process`). The files are moved
into place only when everything succeeded, after their record ``.<scene>.render.json``
(:func:`gdviz.cache.publish`: the content hash of what was rendered — scene source, the core's
sources, quality and options — and each file's size and SHA-256). A scene is skipped only when
its record matches and every file still has its recorded size and hash
(:func:`gdviz.cache.verify`); a truncated or edited video is rendered again.

``python -m gdviz.video`` prints the scene names (the Makefile's list).
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gdviz.scene_catalogue import (
    Job,
    catalogue_table,
    plan,
    scene_catalogue,
    scenes_dir,
)
from gdviz.video_formats import make_gif, make_webm

if TYPE_CHECKING:
    from gdviz.scene_catalogue import SceneInfo

    #: Every scene by name: always the current scenes directory's catalogue (see ``__getattr__``).
    SCENES: dict[str, SceneInfo]

__all__ = [
    "FORMATS",
    "QUALITIES",
    "Quality",
    "VideoError",
    "VideoResult",
    "VideoUnavailable",
    "content_hash",
    "make_gif",
    "make_webm",
    "render_videos",
    "video_available",
]


def __getattr__(name: str) -> object:
    if name == "SCENES":  # always the current scenes directory's catalogue
        return scene_catalogue()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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

#: Core modules or packages whose source goes into a scene's content hash (a change re-renders it).
_CORE_MODULES = (
    "claims",
    "numbers",
    "kernels",
    "batches",
    "optimizers",
    "hyperparams",
    "schedules",
    "expression",
    "expression_syntax",
    "expression_display",
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


def render_command(
    name: str, preset: Quality, work: Path, options: dict[str, str] | None = None
) -> list[str]:
    """The subprocess command that renders scene ``name`` at ``preset`` into ``work``."""
    command = [sys.executable, "-m", "gdviz.animation.render", "--scene", name]
    command += ["--out", str(work), "--width", str(preset.width)]
    command += ["--height", str(preset.height), "--fps", str(preset.fps)]
    return command + [f"--{key}={value}" for key, value in (options or {}).items()]


def content_hash(
    name: str, quality: Quality, options: dict[str, str] | None = None, fingerprint: str = ""
) -> str:
    """SHA-256 of everything a render depends on: the scene's file, the animation package, the
    core's sources, quality, options and the drawn experiment (``fingerprint``, its repr)."""
    digest = hashlib.sha256()
    package = Path(__file__).resolve().parent
    sources = [scenes_dir() / scene_catalogue()[name].file]
    for module in (*_CORE_MODULES, "landscapes", "animation"):  # a module or a package
        path = package / f"{module}.py"
        sources += [path] if path.is_file() else sorted((package / module).glob("*.py"))
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
        "options": sorted((k, v) for k, v in (options or {}).items() if k != "config"),
        "experiment": fingerprint,
    }
    digest.update(json.dumps(settings, sort_keys=True).encode())
    return digest.hexdigest()


#: What every render writes, beside the formats asked for.
_ALWAYS = ("mp4", "png", "vtt")


def _reusable(output_dir: Path, stem: str, digest: str) -> bool:
    """Whether the outputs of ``stem`` were rendered from ``digest`` and are intact."""
    from gdviz.cache import verify

    return verify(output_dir, stem, digest, [f"{stem}.{ext}" for ext in _ALWAYS])


def _recorded_inputs(output_dir: Path, stem: str) -> str | None:
    """The inputs hash the record of ``stem`` holds, if any."""
    from gdviz.cache import read_record

    record = read_record(output_dir, stem)
    return record.get("hash") if record else None


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
    *,
    config: str | Path | None = None,
    experiment: str | None = None,
    bar: bool | None = None,
) -> list[VideoResult]:
    """Render scenes (all by default) into ``output_dir``; skip the ones already up to date.

    Parameters
    ----------
    names : scene names of :data:`SCENES`, in the order to render.
    quality : a key of :data:`QUALITIES`.
    formats : any of ``mp4``, ``gif`` (blog-sized, palette-optimised), ``webm`` (VP9); the MP4,
        a poster ``<scene>.png`` and the captions ``<scene>.vtt`` are always written (the
        captions are in each result's ``paths`` under ``"vtt"``).
    landscape : a built-in landscape for the scenes that can draw it (see :func:`plan`).
    config, experiment : the user's TOML experiments (all, or the one named) for the scenes
        that can draw them.
    progress : receives one line per event; default prints to stderr.
    force : render even if the record matches and the files are intact.
    bar : a live progress bar (frames done / total) per scene; default: when stderr is a
        terminal. Otherwise plain progress lines.

    Raises
    ------
    ValueError : an unknown scene, quality, format, landscape or experiment, or a combination
        no scene draws (one line).
    VideoUnavailable : Manim or PyAV missing.
    VideoError : a scene failed (``scene 'race' failed: ...``); scenes before it are kept.
    """
    from gdviz.names import unknown_name_message

    jobs = plan(list(names or ()), landscape=landscape, config=config, experiment=experiment)
    if quality not in QUALITIES:
        raise ValueError(unknown_name_message("quality", quality, list(QUALITIES)))
    for fmt in formats:
        if fmt not in FORMATS:
            raise ValueError(unknown_name_message("format", fmt, list(FORMATS)))
    if not video_available():
        raise VideoUnavailable("manim" if importlib.util.find_spec("manim") is None else "av")
    preset = QUALITIES[quality]
    output = Path(output_dir)
    from gdviz.atomic import check_writable_dir

    check_writable_dir(output)
    from gdviz import temporaries

    temporaries.sweep(output)
    use_bar = sys.stderr.isatty() if bar is None else bar

    results = []
    for index, job in enumerate(jobs, 1):
        options = dict(job.options)
        digest = content_hash(job.scene, preset, options, job.fingerprint)
        tag = f"[{index}/{len(jobs)}] {job.stem}"
        if not force and _reusable(output, job.stem, digest):
            paths = {"mp4": output / f"{job.stem}.mp4", "vtt": output / f"{job.stem}.vtt"}
            for fmt in formats:
                if fmt != "mp4":
                    paths[fmt] = _convert_if_missing(output, job.stem, digest, fmt, progress, tag)
            _say(progress, f"{tag}: up to date, verified ({output / (job.stem + '.mp4')})")
            results.append(VideoResult(job.stem, paths, output / f"{job.stem}.png", rendered=False))
            continue
        if not force and _recorded_inputs(output, job.stem) == digest:
            _say(progress, f"{tag}: the files do not match their record; rendering again")
        _say(progress, f"{tag}: rendering at {preset} …")
        results.append(_render_one(job, preset, output, formats, digest, tag, progress, use_bar))
    return results


def _run_render(command: list[str], tag: str, progress: Callable[[str], None] | None, bar: bool):
    """Run the render subprocess, showing its frame counts; return (returncode, info, stderr)."""
    env = dict(os.environ)
    package_root = str(Path(__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [package_root, env.get("PYTHONPATH")]))
    show = FrameProgress(tag, progress, bar)
    info: dict = {}
    from subprocess import PIPE

    from gdviz.processes import child_process

    with (
        tempfile.TemporaryFile("w+") as errors,
        child_process(
            [*command, "--progress"], stdout=PIPE, stderr=errors, text=True, env=env
        ) as proc,
    ):
        assert proc.stdout is not None
        with show:
            for line in proc.stdout:
                try:
                    event = json.loads(line)
                except ValueError:
                    continue
                if "total" in event:
                    show.update(int(event["frames"]), int(event["total"]))
                elif "movie" in event:
                    info = event
        code = proc.wait()
        errors.seek(0)
        return code, info, errors.read()


class FrameProgress:
    """Frames done / total of one render: a rich progress bar on a terminal, else a plain line
    at every quarter."""

    def __init__(self, tag: str, progress: Callable[[str], None] | None, bar: bool) -> None:
        self.tag, self.progress, self.bar = tag, progress, bar
        self.quarter = 0
        self._rich: Any = None
        self._task: Any = None

    def __enter__(self) -> FrameProgress:
        if self.bar:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

            self._rich = Progress(
                "{task.description}",
                BarColumn(),
                MofNCompleteColumn(),
                "frames",
                TimeRemainingColumn(),
                transient=True,
            )
            self._rich.__enter__()
            self._task = self._rich.add_task(self.tag, total=None)
        return self

    def update(self, done: int, total: int) -> None:
        """Show ``done`` of ``total`` frames."""
        if self._rich is not None:
            self._rich.update(self._task, completed=done, total=total)
            return
        quarter = 4 * done // max(total, 1)
        if quarter > self.quarter:
            self.quarter = quarter
            _say(self.progress, f"{self.tag}: {25 * quarter}% ({done}/{total} frames)")

    def __exit__(self, *exc: object) -> None:
        if self._rich is not None:
            self._rich.__exit__(*exc)


def _render_one(
    job: Job,
    preset: Quality,
    output: Path,
    formats: Sequence[str],
    digest: str,
    tag: str,
    progress: Callable[[str], None] | None,
    bar: bool,
) -> VideoResult:
    started = time.perf_counter()
    stem = job.stem
    from gdviz import temporaries
    from gdviz.cache import publish

    work = temporaries.make_dir(output, stem)
    try:
        command = render_command(job.scene, preset, work, dict(job.options))
        code, info, stderr = _run_render(command, tag, progress, bar)
        if code != 0 or not info:
            lines = [line for line in stderr.strip().splitlines() if line.strip()]
            reason = lines[-1] if lines else f"exit code {code}"
            raise VideoError(f"scene '{stem}' failed: {reason}")
        made = {
            ext: Path(info[key]).replace(work / f"{stem}.{ext}")
            for ext, key in (("mp4", "movie"), ("png", "poster"), ("vtt", "captions"))
        }
        for fmt in formats:
            if fmt != "mp4":
                target = work / f"{stem}.{fmt}"
                _say(progress, f"{tag}: writing {fmt.upper()} …")
                (make_gif if fmt == "gif" else make_webm)(made["mp4"], target)
                made[fmt] = target
        extra = {
            "scene": job.scene,
            "quality": preset.name,
            "options": dict(job.options),
            "duration": info["duration"],
        }
        placed = publish(output, stem, digest, {f"{stem}.{f}": p for f, p in made.items()}, extra)
        paths = {fmt: placed[f"{stem}.{fmt}"] for fmt in made if fmt != "png"}
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
    digest: str,
    fmt: str,
    progress: Callable[[str], None] | None,
    tag: str,
) -> Path:
    """The ``fmt`` file of a verified MP4: reused if its record vouches for it, else made from
    the MP4 and added to the record (:func:`gdviz.cache.publish`)."""
    from gdviz import temporaries
    from gdviz.cache import publish, verify

    name = f"{stem}.{fmt}"
    if verify(output, stem, digest, [name]):
        return output / name
    _say(progress, f"{tag}: writing {fmt.upper()} …")
    made = temporaries.make_file(output, name, suffix=f".{fmt}")
    try:
        (make_gif if fmt == "gif" else make_webm)(output / f"{stem}.mp4", made)
        return publish(output, stem, digest, {name: made})[name]
    except Exception as error:
        raise VideoError(f"scene '{stem}' failed: {type(error).__name__}: {error}") from None
    finally:
        made.unlink(missing_ok=True)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m gdviz.video [--table]``: the scene names, one a line, or the Markdown table
    of the catalogue (stdlib only, so the Makefile can call it before setup)."""
    args = list(sys.argv[1:] if argv is None else argv)
    text = catalogue_table() if args == ["--table"] else "\n".join(scene_catalogue())
    try:
        print(text, flush=True)
    except BrokenPipeError:  # `python -m gdviz.video | head`: the reader left; that is fine
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0


if __name__ == "__main__":
    sys.exit(main())
