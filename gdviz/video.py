"""Render the lecture videos: scene catalogue, qualities, incremental renders, GIF/WebM, posters.

This module imports no Manim: listing scenes and checking options work without the ``video``
extra. Each scene renders in its own subprocess (``python -m gdviz.animation.render``) into a
temporary directory beside the output (:func:`gdviz.temporaries.make_dir`; a killed render's
leftovers are swept at the next start) as a child that dies with gdviz
(:func:`gdviz.processes.child_process`). The files are moved into place only when everything
succeeded, after their record ``.<scene>.render.json`` (:func:`gdviz.cache.publish`: the content
hash of what was rendered — scene source, the core's sources, quality and options — and each
file's size and SHA-256). A scene is skipped only when its record matches and every file still
has its recorded size and hash (:func:`gdviz.cache.verify`); a truncated or edited video is
rendered again.

The scene catalogue is read from the scene files themselves: each declares a module-level
``SCENE = {...}`` literal (name, title, summary, default experiment, what else it can draw,
report chapter), read here with :mod:`ast` without importing the file. ``python -m gdviz.video``
prints the scene names (the Makefile's list).
"""

from __future__ import annotations

import ast
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
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gdviz.video_formats import make_gif, make_webm

if TYPE_CHECKING:
    from gdviz.experiments import Experiment, RunConfig
    from gdviz.landscapes import Landscape

__all__ = [
    "FORMATS",
    "QUALITIES",
    "Job",
    "Quality",
    "SceneInfo",
    "VideoError",
    "VideoResult",
    "VideoUnavailable",
    "check_experiment",
    "content_hash",
    "drawable_landscapes",
    "landscape_experiment",
    "landscape_kind",
    "make_gif",
    "make_webm",
    "plan",
    "read_declaration",
    "render_videos",
    "scene_catalogue",
    "scene_experiment",
    "scenes_dir",
    "video_available",
]


@dataclass(frozen=True)
class SceneInfo:
    """One lecture scene, as its file declares it (the module-level ``SCENE`` literal).

    Attributes
    ----------
    name, title, summary : str
        ``hiker``; its title on screen and in the report; one line for ``--list`` and the docs.
    file, class_name : str
        ``hiker.py`` and ``Hiker`` (the class is named after the file, so
        ``manim -pql scenes/hiker.py Hiker`` renders what ``gdviz video hiker`` renders).
    experiment : str
        The built-in experiment it draws by default.
    draws : tuple of str
        The kinds of landscape it can also draw for ``--landscape`` and ``--config``:
        ``"1-D"`` (a formula in x), ``"2-D"`` (a formula in x and y), ``"data"`` (a 2-D data
        landscape); empty when it only tells its own experiment's story.
    optimizers : tuple of str
        The optimizers it can show (empty: any).
    chapter : str or None
        The report chapter it belongs to.
    max_runs : int or None
        The most runs of an experiment it can lay out (None: any number).
    """

    name: str
    file: str
    class_name: str
    title: str
    summary: str
    experiment: str
    draws: tuple[str, ...] = ()
    optimizers: tuple[str, ...] = ()
    chapter: str | None = None
    max_runs: int | None = None

    @property
    def options(self) -> tuple[str, ...]:
        """The ``gdviz video`` option that changes what it draws (``--landscape NAME``)."""
        return ("landscape",) if self.draws else ()

    @property
    def description(self) -> str:
        """The one-line summary (the name ``--list`` and the report use)."""
        return self.summary


#: The keys a scene file's ``SCENE`` literal must and may have.
_REQUIRED_KEYS = {"name", "title", "summary", "experiment"}
_OPTIONAL_KEYS = {"draws", "optimizers", "chapter", "max_runs"}
DRAWABLE_KINDS = ("1-D", "2-D", "data")


def class_name_of(path: Path) -> str:
    """The scene class of a file: ``local_minima.py`` → ``LocalMinima``."""
    return "".join(part.capitalize() for part in path.stem.split("_"))


def read_declaration(path: Path) -> SceneInfo:
    """Read the ``SCENE = {...}`` literal of a scene file without importing it (``ast``).

    Raises
    ------
    ValueError
        If the file has no such literal, or it lacks a key or has an unknown one.
    """
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in tree.body:
        if (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
            and node.targets[0].id == "SCENE"
        ):
            data = ast.literal_eval(node.value)
            break
    else:
        raise ValueError(f"{path.name}: no SCENE = {{...}} declaration")
    if not isinstance(data, dict):
        raise ValueError(f"{path.name}: SCENE must be a dict literal")
    missing = sorted(_REQUIRED_KEYS - set(data))
    unknown = sorted(set(data) - _REQUIRED_KEYS - _OPTIONAL_KEYS)
    if missing or unknown:
        problem = f"lacks '{missing[0]}'" if missing else f"has an unknown key '{unknown[0]}'"
        raise ValueError(f"{path.name}: SCENE {problem}")
    kinds = tuple(data.get("draws", ()))
    bad = [kind for kind in kinds if kind not in DRAWABLE_KINDS]
    if bad:
        raise ValueError(f"{path.name}: SCENE draws an unknown kind '{bad[0]}'")
    max_runs = data.get("max_runs")
    if max_runs is not None and (
        isinstance(max_runs, bool) or not isinstance(max_runs, int) or max_runs < 1
    ):
        raise ValueError(f"{path.name}: SCENE max_runs must be a whole number ≥ 1")
    return SceneInfo(
        name=str(data["name"]),
        file=path.name,
        class_name=class_name_of(path),
        title=str(data["title"]),
        summary=str(data["summary"]),
        experiment=str(data["experiment"]),
        draws=kinds,
        optimizers=tuple(data.get("optimizers", ())),
        chapter=data.get("chapter"),
        max_runs=max_runs,
    )


@cache
def _catalogue(directory: Path, stamp: tuple[tuple[str, int], ...]) -> dict[str, SceneInfo]:
    infos = [read_declaration(directory / name) for name, _ in stamp]
    return {info.name: info for info in sorted(infos, key=lambda i: _ORDER.get(i.name, 99))}


#: The lesson order of the built-in scenes (others follow, by file name).
_ORDER = {
    name: i
    for i, name in enumerate(
        ("hiker", "overshoot", "local-minima", "decay", "race", "inside", "surface", "saddle")
    )
}


def scene_catalogue() -> dict[str, SceneInfo]:
    """Every scene of :func:`scenes_dir` by name, read from the files' declarations."""
    directory = scenes_dir()
    files = sorted(p for p in directory.glob("*.py") if not p.name.startswith("_"))
    return dict(_catalogue(directory, tuple((p.name, p.stat().st_mtime_ns) for p in files)))


if TYPE_CHECKING:
    #: Every scene by name: always the current scenes directory's catalogue (see ``__getattr__``).
    SCENES: dict[str, SceneInfo]


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

#: Core modules whose source goes into a scene's content hash (a change re-renders it).
_CORE_MODULES = (
    "claims",
    "numbers",
    "kernels",
    "batches",
    "optimizers",
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


# ------------------------------------------------------------------------- what to draw


def landscape_kind(surface: Landscape) -> str | None:
    """``"1-D"``, ``"2-D"`` or ``"data"`` (a 2-D data problem); None if no scene can draw it."""
    if surface.dim == 1:
        return "1-D"
    if surface.dim == 2:
        return "data" if surface.data is not None else "2-D"
    return None


def drawable_landscapes(name: str) -> list[str]:
    """The built-in landscapes scene ``name`` can draw with ``--landscape``."""
    from gdviz.landscapes import get_landscape, landscape_names

    info = scene_catalogue()[name]
    return [n for n in landscape_names() if landscape_kind(get_landscape(n)) in info.draws]


def _optimizer_family(run: RunConfig) -> str:
    if run.optimizer == "sgd" and float(run.params.get("momentum", 0)) > 0:
        return "momentum"
    return run.optimizer


def check_experiment(info: SceneInfo, experiment: Experiment) -> None:
    """Raise a one-line ``ValueError`` if scene ``info`` cannot draw ``experiment``."""
    kind = landscape_kind(experiment.surface)
    if kind not in info.draws:
        drawn = (
            " or ".join(info.draws) if info.draws else f"only its experiment '{info.experiment}'"
        )
        what = f"a {kind} landscape" if kind else f"a {experiment.surface.dim}-D landscape"
        raise ValueError(
            f"scene '{info.name}' draws {drawn}; experiment '{experiment.name}' is on {what}"
        )
    if info.max_runs is not None and len(experiment.runs) > info.max_runs:
        raise ValueError(
            f"scene '{info.name}' draws at most {info.max_runs} runs; experiment "
            f"'{experiment.name}' has {len(experiment.runs)} (`gdviz tune --top "
            f"{info.max_runs}` writes only the best {info.max_runs})"
        )
    if info.optimizers and not any(
        _optimizer_family(r) in info.optimizers for r in experiment.runs
    ):
        raise ValueError(
            f"scene '{info.name}' shows {', '.join(info.optimizers)}; experiment "
            f"'{experiment.name}' has no run of these"
        )


def landscape_experiment(info: SceneInfo, landscape: str) -> Experiment:
    """The experiment scene ``info`` draws for the built-in ``landscape`` (``--landscape``).

    2-D scenes race seed 003's four optimizers from the landscape's declared start and rates;
    the 1-D hiker walks with plain GD at its suggested rate.
    """
    from gdviz.experiments import Experiment, RunConfig, race_experiment
    from gdviz.landscapes import get_landscape, landscape_names, suggested_lr
    from gdviz.names import unknown_name_message

    if landscape not in landscape_names():
        raise ValueError(
            unknown_name_message("landscape", landscape, drawable_landscapes(info.name))
        )
    surface = get_landscape(landscape)
    kind = landscape_kind(surface)
    if kind not in info.draws:
        choices = ", ".join(drawable_landscapes(info.name)) or "none"
        raise ValueError(
            f"scene '{info.name}' cannot draw landscape '{landscape}' (it draws: {choices})"
        )
    if kind == "1-D":
        lr = suggested_lr(surface, "gd") or 0.1
        return Experiment(
            name=f"{info.name}-{landscape}",
            title=f"Gradient descent on {surface.title.lower()}",
            landscape=landscape,
            starts=(surface.starts[0] if surface.starts else (0.0,),),
            runs=(RunConfig("gd", lr),),
            steps=surface.steps,
        )
    return race_experiment(surface)


def scene_experiment(
    name: str,
    *,
    landscape: str | None = None,
    config: str | Path | None = None,
    experiment: str | None = None,
) -> Experiment | None:
    """What scene ``name`` draws: None for its declared built-in, else the experiment of a
    built-in ``landscape`` or the user's ``experiment`` of the TOML file ``config``.

    Raises
    ------
    ValueError
        One line, for an unknown name or a combination the scene cannot draw.
    """
    info = scene_catalogue()[name]
    if landscape is not None:
        chosen = landscape_experiment(info, landscape)
    elif config is not None:
        chosen = _user_experiments(config, experiment)[0]
    else:
        return None
    check_experiment(info, chosen)
    return chosen


def _user_experiments(config: str | Path, name: str | None) -> list[Experiment]:
    from gdviz.experiments import load_experiments
    from gdviz.names import unknown_name_message

    experiments = load_experiments(config)
    if name is None:
        return list(experiments.values())
    if name not in experiments:
        raise ValueError(unknown_name_message(f"experiment in {config}", name, list(experiments)))
    return [experiments[name]]


@dataclass(frozen=True)
class Job:
    """One video to make: a scene, the file stem, and the options its subprocess gets."""

    scene: str
    stem: str
    options: tuple[tuple[str, str], ...] = ()
    fingerprint: str = ""


def plan(
    names: Sequence[str] | None = None,
    *,
    landscape: str | None = None,
    config: str | Path | None = None,
    experiment: str | None = None,
) -> list[Job]:
    """The videos a ``gdviz video`` call makes, checked before any work.

    Without options: each scene (all by default) with its own experiment. With ``landscape``:
    each chosen scene (default: every scene that can draw it) on that landscape. With
    ``config``: each user experiment (or only ``experiment``) through each chosen scene that
    can draw it (default: every one that can).

    Raises
    ------
    ValueError
        One line: an unknown scene, landscape or experiment, or a combination no scene draws.
    """
    from gdviz.names import unknown_name_message

    catalogue = scene_catalogue()
    for name in names or ():
        if name not in catalogue:
            raise ValueError(unknown_name_message("scene", name, list(catalogue)))
    if experiment is not None and config is None:
        raise ValueError("--experiment names an experiment of --config FILE.toml; give --config")
    if landscape is not None and config is not None:
        raise ValueError("give --landscape or --config, not both")
    explicit = list(dict.fromkeys(names or ()))
    if landscape is not None:
        return _landscape_jobs(explicit, landscape)
    if config is not None:
        return _config_jobs(explicit, config, experiment)
    return [Job(name, name) for name in explicit or list(catalogue)]


def _landscape_jobs(explicit: list[str], landscape: str) -> list[Job]:
    catalogue = scene_catalogue()
    candidates = explicit or [n for n, i in catalogue.items() if i.draws]
    jobs = []
    for name in candidates:
        info = catalogue[name]
        try:
            chosen = landscape_experiment(info, landscape)
        except ValueError:
            if explicit:
                raise
            continue
        stem = name if chosen.name == info.experiment else f"{name}-{landscape}"
        jobs.append(Job(name, stem, (("landscape", landscape),), repr(chosen)))
    if not jobs:
        raise ValueError(f"no scene draws landscape '{landscape}'")
    return jobs


def _config_jobs(explicit: list[str], config: str | Path, experiment: str | None) -> list[Job]:
    catalogue = scene_catalogue()
    experiments = _user_experiments(config, experiment)
    jobs = []
    for name in explicit or [n for n, i in catalogue.items() if i.draws]:
        for chosen in experiments:
            try:
                check_experiment(catalogue[name], chosen)
            except ValueError:
                if explicit and (experiment is not None or len(experiments) == 1):
                    raise
                continue
            options = (("config", str(Path(config).resolve())), ("experiment", chosen.name))
            jobs.append(Job(name, f"{name}-{chosen.name}", options, repr(chosen)))
    if not jobs:
        names = ", ".join(e.name for e in experiments)
        raise ValueError(f"no chosen scene can draw the experiments of {config} ({names})")
    return jobs


# ------------------------------------------------------------------------------ rendering


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
    sources += [package / f"{module}.py" for module in _CORE_MODULES]
    sources += sorted(package.glob("landscapes/*.py"))
    sources += sorted((package / "animation").glob("*.py"))
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


def catalogue_table() -> str:
    """The scene catalogue as the Markdown table of ``scenes/README.md``."""
    lines = [
        "| scene | file and class | draws | chapter | what it shows |",
        "| --- | --- | --- | --- | --- |",
    ]
    for info in scene_catalogue().values():
        draws = ", ".join(info.draws) if info.draws else f"only `{info.experiment}`"
        if info.draws:
            draws = f"`{info.experiment}`; any {draws}"
        lines.append(
            f"| {info.name} | {info.file} `{info.class_name}` | {draws} | "
            f"{info.chapter or '—'} | {info.summary} |"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m gdviz.video [--table]``: the scene names, one a line, or the Markdown table
    of the catalogue (stdlib only, so the Makefile can call it before setup)."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args == ["--table"]:
        print(catalogue_table())
        return 0
    for name in scene_catalogue():
        print(name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
