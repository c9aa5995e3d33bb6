"""``build_report``: experiments → view models → Jinja2 → one HTML page (and its assets).

Stages (each reported through ``progress``): run the experiments, prepare the live explorer,
render the figures (and the phone arrangement of the multi-panel ones), render or reuse the
videos, typeset the formulas, write the page. The whole output directory is built beside the
old one and swapped in at the end (:func:`gdviz.atomic.atomic_directory`: one atomic exchange,
so the path never goes missing), so a failed or interrupted build leaves the previous report
untouched.

The output directory must be new, empty or a report gdviz built: its marker file
(:data:`MARKER`) lists what the build wrote. Anything else in it — a user's ``my-notes.txt`` —
is never deleted silently: the build refuses with one line listing those entries, unless
``force`` is set, in which case it says which entries it removes.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import math
import mimetypes
import os
import re
import shutil
import time
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from gdviz import __version__
from gdviz.atomic import atomic_directory, output_path
from gdviz.cache import CacheError, FileDigest, copy_verified, recorded_digest
from gdviz.experiments import Experiment, ExperimentResult, builtin_experiments
from gdviz.numbers import format_number, format_percent, format_point
from gdviz.report.chapters import CHAPTERS, FORMULAS, Chapter
from gdviz.report.formulas import Formula, FormulaError, compile_formula
from gdviz.report.models import (
    FigureView,
    Image,
    Report,
    ResultRow,
    ResultTable,
    Section,
    VideoView,
)
from gdviz.report.render import render_page
from gdviz.style import optimizer_color, series_color

__all__ = [
    "DEFAULT_TITLE",
    "QUALITIES",
    "BuildResult",
    "ReportError",
    "ReportOptions",
    "build_report",
]

DEFAULT_TITLE = "Gradient descent, made visible"
#: Video qualities the report offers (``medium`` is 720p, the default).
QUALITIES = ("low", "medium", "high")
MAX_TITLE = 200
#: File that marks a directory as a gdviz report (and lists its entries), so a rebuild may
#: replace it.
MARKER = ".gdviz-report"
#: What a report held before markers listed their entries (gdviz 0.1).
_DEFAULT_ENTRIES = frozenset({"index.html", "assets", MARKER})
#: Unknown entries named in the refusal before it says "and N more".
_SHOWN_ENTRIES = 5
VIDEO_HELP = (
    "install Manim with pip install 'gdviz[video]' (Debian also needs libcairo2-dev and "
    "libpango1.0-dev), then run gdviz report again"
)

Progress = Callable[[str], None]


class ReportError(ValueError):
    """A bad option or an output that cannot be written — one line for the user."""


@dataclass(frozen=True)
class ReportOptions:
    """What to build and where.

    ``scenes`` limits the videos to these scene names (``None``: every chapter's video);
    ``user_experiments`` are added as chapters after the built-in ones; ``force`` replaces a
    report directory even if it holds files gdviz did not write (they are deleted).
    """

    output: Path = Path("build/report")
    title: str = DEFAULT_TITLE
    videos: bool = True
    quality: str = "medium"
    single_file: bool = False
    user_experiments: dict[str, Experiment] = field(default_factory=dict)
    scenes: tuple[str, ...] | None = None
    force: bool = False


@dataclass(frozen=True)
class BuildResult:
    """Where the page went, how big it is, which videos it carries and how long each stage took."""

    page: Path
    size: int
    videos: tuple[str, ...]
    seconds: dict[str, float]


def build_report(options: ReportOptions, progress: Progress | None = None) -> BuildResult:
    """Build the report described by ``options``.

    Raises
    ------
    ReportError
        For a bad title or quality, or an output directory that is not a gdviz report.
    """
    say = progress or (lambda message: None)
    title = check_title(options.title)
    if options.quality not in QUALITIES:
        raise ReportError(
            f"unknown quality '{options.quality}' (choose from {', '.join(QUALITIES)})"
        )
    output = Path(options.output)
    for name in check_output(output, force=options.force):
        say(f"removing {output / name}, which gdviz did not write (--force)")

    timer = _Timer(say)
    with atomic_directory(output) as tmp:
        assets = _Assets(tmp, inline=options.single_file)
        with timer("running the experiments"):
            results = _run_experiments(options.user_experiments)
        with timer("preparing the live explorer"):
            from gdviz.report.explorer import explorer_config, page_script, page_styles

            explorer = explorer_config()
            script = page_script()
        with timer("rendering the figures"):
            figures = _render_figures(assets, options.user_experiments, say)
        skipped = _videos_skipped(options)
        if skipped:
            say(f"building without videos: {skipped}")
            videos, note = _render_videos(assets, options, say)
        else:
            with timer("rendering the videos"):
                videos, note = _render_videos(assets, options, say)
        with timer("typesetting the formulas"):
            formulas = {
                key: compile_formula(
                    entry[0], entry[1], narrow=entry[2] if len(entry) > 2 else None
                )
                for key, entry in FORMULAS.items()
            }
            sections = _sections(results, figures, videos, formulas, options.user_experiments)
        with timer("writing the page"):
            report = Report(
                title=title,
                subtitle=(
                    "How gradient descent finds a minimum, what the learning rate does, and how "
                    "SGD, Momentum, RMSprop and Adam differ — with every number computed by "
                    "gdviz's optimizer core."
                ),
                version=__version__,
                sections=tuple(sections),
                formulas=formulas,
                explorer=explorer,
                videos_note=note,
                styles=page_styles(),
                script=script,
            )
            html = render_page(report)
            assets.finish()
            page = tmp / "index.html"
            page.write_text(html, encoding="utf-8")
            _write_marker(tmp)
            size = page.stat().st_size
        check_output(output, force=options.force)  # nothing new appeared in it meanwhile
    return BuildResult(
        page=output / "index.html",
        size=size,
        videos=tuple(name for name, view in videos.items() if view.sources),
        seconds=timer.seconds,
    )


# ------------------------------------------------------------------------------- checks


def check_title(title: str) -> str:
    """Strip ``title`` and refuse an empty, over-long or control-character title."""
    text = " ".join(str(title).split())
    if not text:
        raise ReportError("the title is empty")
    if len(text) > MAX_TITLE:
        raise ReportError(f"the title is longer than {MAX_TITLE} characters")
    if any(unicodedata.category(ch) == "Cc" for ch in text):
        raise ReportError("the title contains control characters")
    return text


def check_output(output: Path, *, force: bool = False) -> list[str]:
    """Check that ``output`` may be (re)placed by a report; return the entries it would delete.

    ``output`` may be missing, an empty directory or a report gdviz built (:data:`MARKER`).
    Entries of a report that its marker does not list (a user's notes) are refused unless
    ``force``; they are then returned, so the caller can say what goes.

    Raises
    ------
    ReportError
        For a file, a non-empty directory that is not a report, a report holding unknown
        entries (without ``force``), or a parent that cannot be written.
    """
    output = Path(output)
    if output.exists() and not output.is_dir():
        raise ReportError(f"{output} exists and is not a directory (--output takes a directory)")
    unknown: list[str] = []
    if output.is_dir() and any(output.iterdir()):
        if not (output / MARKER).is_file():
            raise ReportError(
                f"{output} is not empty and is not a gdviz report; choose a new or empty directory"
            )
        known = _marked_entries(output)
        unknown = sorted(p.name for p in output.iterdir() if p.name not in known)
        if unknown and not force:
            shown = ", ".join(unknown[:_SHOWN_ENTRIES])
            if len(unknown) > _SHOWN_ENTRIES:
                shown += f" and {len(unknown) - _SHOWN_ENTRIES} more"
            raise ReportError(
                f"{output} holds files gdviz did not write ({shown}); move them elsewhere, "
                "or pass --force to delete them with the old report"
            )
    parent = output.resolve().parent
    while not parent.exists():
        parent = parent.parent
    if not os.access(parent, os.W_OK | os.X_OK):
        raise ReportError(f"cannot write to {parent}")
    return unknown


def _marked_entries(directory: Path) -> frozenset[str]:
    """The entries the marker of the report in ``directory`` says the build wrote."""
    try:
        record = json.loads((directory / MARKER).read_text(encoding="utf-8"))
        entries = record["entries"]
    except (OSError, ValueError, KeyError, TypeError):
        return _DEFAULT_ENTRIES  # a marker from before markers listed their entries
    if not isinstance(entries, list) or not all(isinstance(e, str) for e in entries):
        return _DEFAULT_ENTRIES
    return frozenset({*entries, MARKER})


def _write_marker(directory: Path) -> None:
    """Mark ``directory`` as a report, listing every entry the build put in it."""
    entries = sorted(p.name for p in directory.iterdir())
    record = {"gdviz": __version__, "entries": entries}
    (directory / MARKER).write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")


# ------------------------------------------------------------------------------- stages


class _Timer:
    """Announces each stage through ``say`` and records how long it took."""

    def __init__(self, say: Progress) -> None:
        self.say = say
        self.seconds: dict[str, float] = {}

    @contextlib.contextmanager
    def __call__(self, stage: str) -> Iterator[None]:
        self.say(f"{stage}…")
        start = time.perf_counter()
        yield
        self.seconds[stage] = time.perf_counter() - start


def _run_experiments(user: dict[str, Experiment]) -> dict[str, ExperimentResult]:
    catalogue = builtin_experiments()
    names = {name for chapter in CHAPTERS for name in chapter.experiments} | {"linear-regression"}
    results = {name: catalogue[name].run() for name in sorted(names)}
    if any(chapter.id == "fair-race" for chapter in CHAPTERS):
        from gdviz.tuning import builtin_tuning

        results["tuned:fair-race"] = builtin_tuning().experiment().run()
    for name, experiment in user.items():
        results[f"user:{name}"] = experiment.run()
    return results


class _Assets:
    """Puts a file beside the page (``assets/...``) or inlines it as a data URI."""

    def __init__(self, root: Path, *, inline: bool) -> None:
        self.root = root
        self.inline = inline

    def add(self, path: Path, folder: str, expected: FileDigest | None = None) -> str:
        """The page's URL of ``path``; with ``expected``, only if its bytes match it.

        Raises
        ------
        CacheError
            If the bytes taken into the page do not have the ``expected`` size and hash.
        """
        if self.inline:
            data = path.read_bytes()
            if expected is not None and FileDigest(len(data), sha256(data)) != expected:
                raise CacheError(f"{path} does not match its record")
            mime = _mime(path)
            return f"data:{mime};base64," + base64.b64encode(data).decode("ascii")
        target = output_path(self.root / "assets" / folder, path.name)
        target.parent.mkdir(parents=True, exist_ok=True)
        if expected is not None:
            copy_verified(path, target, expected)
        elif path.resolve() != target.resolve():
            shutil.copy2(path, target)
        return f"assets/{folder}/{path.name}"

    def scratch(self, folder: str) -> Path:
        """A directory to render into: inside ``assets`` or a scratch dir removed at the end."""
        base = self.root / (".scratch" if self.inline else "assets")
        path = base / folder
        path.mkdir(parents=True, exist_ok=True)
        return path

    def finish(self) -> None:
        shutil.rmtree(self.root / ".scratch", ignore_errors=True)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _mime(path: Path) -> str:
    return {".svg": "image/svg+xml", ".mp4": "video/mp4", ".webm": "video/webm"}.get(
        path.suffix.lower(), mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    )


def image_size(path: Path) -> tuple[int, int]:
    """Intrinsic pixel size of a PNG/JPEG/WebP/GIF (Pillow) or an SVG (its width/height)."""
    if path.suffix.lower() == ".svg":
        head = path.read_bytes()[:2000].decode("utf-8", "replace")
        match = re.search(r'<svg[^>]*?width="([0-9.]+)(?:pt|px)?"[^>]*?height="([0-9.]+)', head)
        if match:
            return round(float(match.group(1)) * 4 / 3), round(float(match.group(2)) * 4 / 3)
        return 800, 600
    from PIL import Image as PILImage

    with PILImage.open(path) as image:
        return image.size


def _image(
    assets: _Assets, path: Path, folder: str, alt: str, expected: FileDigest | None = None
) -> Image:
    width, height = image_size(path)
    return Image(src=assets.add(path, folder, expected), alt=alt, width=width, height=height)


#: Gallery figures a user chapter shows, in order of preference (the first two that apply).
USER_FIGURES = ("optimizer-paths", "descent-path", "loss-curves")


def user_figure_names(user: dict[str, Experiment]) -> dict[str, tuple[str, ...]]:
    """For each user experiment, the names of its own figures the report shows."""
    if not user:
        return {}
    from gdviz.figures import user_figures

    chosen: dict[str, tuple[str, ...]] = {}
    for name, experiment in user.items():
        own = user_figures({name: experiment})
        names = [f"{base}-{experiment.name}" for base in USER_FIGURES]
        chosen[name] = tuple(n for n in names if n in own)[:2]
    return chosen


def _render_figures(
    assets: _Assets, user: dict[str, Experiment], say: Progress
) -> dict[str, FigureView]:
    from gdviz.figures import available_figures, render_figures

    names = [name for chapter in CHAPTERS for name in chapter.figures]
    names += [name for own in user_figure_names(user).values() for name in own]
    folder = assets.scratch("figures")
    paths = render_figures(
        names=names,
        output_dir=folder,
        formats=("png",),
        theme="light",
        dpi=150,
        experiments=user or None,
        progress=lambda name, seconds: say(f"  figure {name} ({seconds:.1f} s)"),
    )
    catalogue = available_figures(user or None)
    narrow_names = [name for name in dict.fromkeys(names) if catalogue[name].narrow]
    narrow_paths = (
        render_figures(
            names=narrow_names,
            output_dir=assets.scratch("figures-narrow"),
            formats=("png",),
            theme="light",
            dpi=150,
            experiments=user or None,
            progress=lambda name, seconds: say(f"  figure {name}, narrow ({seconds:.1f} s)"),
            layout="narrow",
        )
        if narrow_names
        else []
    )
    narrow = {path.stem: path for path in map(Path, narrow_paths)}
    views: dict[str, FigureView] = {}
    for path in map(Path, paths):
        spec = catalogue[path.stem]
        phone = narrow.get(path.stem)
        views[path.stem] = FigureView(
            path.stem,
            spec.title,
            spec.caption,
            _image(assets, path, "figures", spec.title),
            _image(assets, phone, "figures-narrow", spec.title) if phone else None,
        )
    return views


def _videos_skipped(options: ReportOptions) -> str:
    """Why this build has no videos (``--no-videos``, Manim missing), or ``""``."""
    from gdviz import video

    if not options.videos:
        return "videos are turned off (--no-videos)"
    if not video.video_available():
        return str(video.VideoUnavailable())
    return ""


def _render_videos(
    assets: _Assets, options: ReportOptions, say: Progress
) -> tuple[dict[str, VideoView], str]:
    from gdviz import video

    wanted = [name for chapter in CHAPTERS for name in chapter.videos]
    if options.scenes is not None:
        wanted = [name for name in wanted if name in options.scenes]
    infos = {name: video.SCENES[name] for name in wanted}

    def placeholder(name: str, note: str) -> VideoView:
        info = infos[name]
        return VideoView(name, info.title, info.summary, (), None, note)

    if not options.videos:
        note = "Videos were left out of this build (--no-videos); run gdviz report to add them."
        return {name: placeholder(name, note) for name in wanted}, note
    if not video.video_available():
        note = f"The lecture videos are not in this build: {VIDEO_HELP}."
        return {name: placeholder(name, note) for name in wanted}, note

    from gdviz.cache import cache_dir

    root = cache_dir()
    cache = (
        (root / "videos" / options.quality) if root is not None else assets.scratch("videos-raw")
    )
    views: dict[str, VideoView] = {}
    failed: list[str] = []
    for index, name in enumerate(wanted, 1):  # one at a time: a failing scene costs only its own
        info = infos[name]
        say(f"  video {index}/{len(wanted)}: {name}")
        try:
            (result,) = video.render_videos(
                names=[name],
                output_dir=cache,
                quality=options.quality,
                formats=("mp4",),
                progress=say,
            )
        except video.VideoUnavailable as error:
            note = f"The lecture videos could not be rendered ({error})."
            return {name: placeholder(name, note) for name in wanted}, note
        except video.VideoError as error:
            say(f"video {name}: {error}")
            failed.append(name)
            views[name] = placeholder(name, f"This video could not be rendered: {error}.")
            continue
        try:
            sources, poster = _verified_video(assets, cache, result, info.title)
        except (CacheError, OSError) as error:  # changed since it was checked
            say(f"video {name}: not embedded, it does not match its record ({error})")
            failed.append(name)
            views[name] = placeholder(name, "This video could not be verified; build again.")
            continue
        if not result.rendered:
            say(f"  video {name}: reusing the cached video {result.paths['mp4']} (verified)")
        views[name] = VideoView(name, info.title, info.summary, sources, poster)
    if failed:
        return (
            views,
            f"Some videos could not be rendered ({', '.join(failed)}); see their chapters.",
        )
    return views, ""


def _verified_video(
    assets: _Assets, cache: Path, result: Any, title: str
) -> tuple[tuple[tuple[str, str], ...], Image | None]:
    """The page's sources and poster of a rendered video, each checked against its record.

    Raises
    ------
    CacheError
        If a file has no record, or its bytes do not match it.
    """

    def expected(path: Path) -> FileDigest:
        digest = recorded_digest(cache, result.name, path.name)
        if digest is None:
            raise CacheError(f"{path} has no record of its size and hash")
        return digest

    sources = tuple(
        (assets.add(Path(path), "videos", expected(Path(path))), _mime(Path(path)))
        for fmt, path in sorted(result.paths.items())
    )
    poster = None
    if result.poster and Path(result.poster).exists():
        path = Path(result.poster)
        poster = _image(assets, path, "videos", f"Closing frame of “{title}”", expected(path))
    return sources, poster


# ----------------------------------------------------------------------------- sections


def _sections(
    results: dict[str, ExperimentResult],
    figures: dict[str, FigureView],
    videos: dict[str, VideoView],
    formulas: dict[str, Formula],
    user: dict[str, Experiment],
) -> list[Section]:
    sections = [
        _chapter_section(chapter, results, figures, videos, formulas) for chapter in CHAPTERS
    ]
    for name, experiment in user.items():
        sections.append(_user_section(name, experiment, results[f"user:{name}"], figures))
    return sections


def _chapter_section(
    chapter: Chapter,
    results: dict[str, ExperimentResult],
    figures: dict[str, FigureView],
    videos: dict[str, VideoView],
    formulas: dict[str, Formula],
) -> Section:
    tables: list[ResultTable] = []
    if chapter.experiments:
        multi = len(chapter.experiments) > 1
        rows = [row for name in chapter.experiments for row in result_rows(results[name])]
        caption = (
            "Each optimizer on each landscape, from the same start (seed 003's race)."
            if multi
            else results[chapter.experiments[0]].experiment.title
        )
        starts = any(len(results[name].experiment.starts) > 1 for name in chapter.experiments)
        tables.append(ResultTable(caption, tuple(rows), show_landscape=multi, show_start=starts))
    extra: dict[str, Any] = {}
    if chapter.id == "decay":
        extra["schedule"] = decay_table(results["linear-regression"])
    elif chapter.id == "landscapes":
        extra["surfaces"] = [
            _surface_view(results[name].experiment) for name in chapter.experiments
        ]
    elif chapter.id == "noise":
        from gdviz.report.noise import noise_view

        extra["noise"] = noise_view()
    elif chapter.id == "fair-race":
        from gdviz.tuning import builtin_tuning

        tuning = builtin_tuning()
        extra["tune"] = fair_race_view(tuning)
        race = results["tuned:fair-race"]
        tables.append(
            ResultTable(
                f"The tuned winners from the lecture's start "
                f"{format_point(race.experiment.starts[0])}, {race.experiment.steps} steps",
                tuple(result_rows(race)),
            )
        )
    elif chapter.id == "network":
        extra["network"] = network_summary(results["mlp-moons"])
    elif chapter.id == "linear-regression":
        surface = results["linear-regression"].experiment.surface
        names = ", ".join(surface.variables)
        extra["optimum"] = f"({names}) = {format_point(surface.minima[0])}"
    return Section(
        id=chapter.id,
        title=chapter.title,
        source=chapter.source,
        summary=chapter.summary,
        prose=f"partials/prose/{chapter.id}.jinja",
        figures=tuple(figures[name] for name in chapter.figures if name in figures),
        videos=tuple(videos[name] for name in chapter.videos if name in videos),
        tables=tuple(tables),
        formulas=tuple(formulas[key] for key in chapter.formulas),
        extra=extra,
    )


def _user_section(
    name: str, experiment: Experiment, result: ExperimentResult, figures: dict[str, FigureView]
) -> Section:
    surface = experiment.surface
    summary = experiment.description or f"Your experiment on {surface.pretty or surface.title}."
    table = ResultTable(
        experiment.title, tuple(result_rows(result)), show_start=len(experiment.starts) > 1
    )
    own = tuple(figures[key] for key in user_figure_names({name: experiment})[name])
    formula = None
    if surface.formula:
        try:
            formula = compile_formula(surface.formula, surface.pretty or surface.name)
        except FormulaError:
            formula = None
    return Section(
        id=f"user-{slug(name)}",
        title=experiment.title,
        source="your experiment",
        summary=summary,
        prose=None,
        figures=own,
        videos=(),
        tables=(table,),
        formulas=(formula,) if formula is not None else (),
        extra={"landscape": surface.pretty or surface.name, "steps": experiment.steps},
    )


def _surface_view(experiment: Experiment) -> dict[str, Any]:
    surface = experiment.surface
    return {
        "title": surface.title,
        "kind": surface.kind,
        "description": surface.description,
        "formula": compile_formula(surface.formula, surface.pretty),
    }


def result_rows(result: ExperimentResult) -> Iterable[ResultRow]:
    """One row per (run, start): steps, final loss, final point and status, from the core."""
    experiment = result.experiment
    surface = experiment.surface
    labelled = any(run.label for run in experiment.runs)
    for index, (run, start, trajectory) in enumerate(result.items()):
        color = (
            series_color(index // len(experiment.starts))
            if labelled
            else optimizer_color(run.optimizer)
        )
        yield ResultRow(
            run=run.display_name,
            color=color,
            landscape=surface.title,
            start=format_point(experiment.starts[start]),
            lr=format_number(run.lr, 4),
            schedule=describe_schedule(run.schedule),
            steps=trajectory.steps,
            final_loss=format_number(trajectory.final_loss),
            final_point=_point_text(trajectory.final_point),
            status=trajectory.status,
        )


def fair_race_view(result: Any) -> dict[str, Any]:
    """The numbers "A fair race" quotes, all from a :class:`~gdviz.tuning.TuneResult`: the
    protocol, the winners' table (with each optimizer's colour) and the facts the prose
    states."""
    protocol = result.protocol
    winners = result.winners
    first = winners[0]
    budget_bound = [w.title for w in winners if w.median_steps >= protocol.steps]
    return {
        "header": ["", "Optimizer", "lr", "Momentum", "Median finish", "Finished", "Median loss"],
        "rows": [
            {"color": optimizer_color(w.optimizer), "cells": row}
            for w, row in zip(winners, result.table_rows(ascii=False), strict=True)
        ],
        "optimizers": len(protocol.optimizers),
        "lrs": len(protocol.lrs),
        "lr_low": format_number(min(protocol.lrs)),
        "lr_high": format_number(max(protocol.lrs)),
        "momenta": ", ".join(format_number(m) for m in protocol.momenta),
        "starts": len(protocol.starts),
        "steps": protocol.steps,
        "gap": format_number(protocol.gap),
        "grad_tol": format_number(protocol.grad_tol),
        "runs": f"{protocol.runs:,}".replace(",", " "),
        "landscape": result.surface.title,
        "winner": first.title,
        "winner_lr": format_number(first.lr, 3),
        "winner_steps": format_number(first.median_steps),
        "winner_finished": round(first.success * protocol.trials),
        "winner_within": first.median_steps < protocol.steps,
        "budget_bound": len(budget_bound),
        "finishers": len(winners) - len(budget_bound),
    }


def _point_text(point: np.ndarray) -> str:
    """A final point for a table: its coordinates, or for a network its size and norm."""
    from gdviz.textview import MAX_COLUMNS

    if point.shape[0] <= MAX_COLUMNS:
        return format_point(point)
    return f"{point.shape[0]} parameters, ‖θ‖ = {format_number(float(np.linalg.norm(point)), 3)}"


def network_summary(result: ExperimentResult) -> dict[str, Any]:
    """The numbers the "A real network" chapter quotes, from its runs and their PCA slice.

    The slice is :func:`gdviz.figures.data.network_slice` (the figure's own, cached), the
    verdicts :func:`gdviz.claims.slice_facts`, :func:`~gdviz.claims.classifier_fit` and
    :func:`~gdviz.claims.race_order`.
    """
    from gdviz.claims import classifier_fit, finish, race_order
    from gdviz.figures.data import network_slice

    experiment = result.experiment
    surface = experiment.surface
    facts = network_slice(experiment).facts
    runs = result.by_run()
    fits = [classifier_fit(t, surface) for _, t in runs]
    finishes = [finish(t, surface, experiment.grad_tol) for _, t in runs]
    order = race_order(finishes, [t.final_loss for _, t in runs])
    start = runs[0][1]
    untrained = classifier_fit(start, surface, step=0)
    explained = facts.explained or (math.nan, math.nan)
    rows = [
        [
            run.display_name,
            format_number(fit.final_loss, 3),
            format_percent(fit.accuracy, 0),
            str(fit.misclassified),
            format_number(float(np.linalg.norm(t.final_point - t.points[0])), 3),
            format_percent(off, 0),
        ]
        for (run, t), fit, off in zip(runs, fits, facts.off_plane, strict=True)
    ]
    return {
        "parameters": surface.dim,
        "samples": fits[0].samples,
        "steps": experiment.steps,
        "start_loss": format_number(start.losses[0], 3),
        "start_accuracy": format_percent(untrained.accuracy, 0),
        "explained": [format_percent(explained[0]), format_percent(explained[1])],
        "captured": format_percent(explained[0] + explained[1]),
        "off_plane": format_percent(max(facts.off_plane), 0),
        "loss_gap": format_number(max(facts.loss_gap), 2),
        "lowest": runs[order[0]][0].display_name,
        "highest": runs[order[-1]][0].display_name,
        "all_separate": all(fit.misclassified == 0 for fit in fits),
        "header": [
            "run",
            "final loss",
            "accuracy",
            "misclassified",
            "distance from the start",
            "off the plane",
        ],
        "rows": rows,
    }


def describe_schedule(text: str | None) -> str:
    """``"exponential:gamma=0.99"`` → ``"exponential schedule, gamma 0.99"`` (empty if none)."""
    if not text:
        return ""
    kind, _, params = text.partition(":")
    pairs = [item.partition("=") for item in params.split(",") if item.strip()]
    details = ", ".join(f"{key.strip()} {value.strip()}" for key, _, value in pairs)
    return f"{kind.strip()} schedule" + (f", {details}" if details else "")


def decay_table(result: ExperimentResult, marks: tuple[int, ...] = (0, 10, 50, 100, 150, 200)):
    """The learning rate and loss along the decayed run next to the fixed-rate runs, and what
    the prose says of them: the share of its initial rate the schedule keeps after 100 and 200
    epochs (:meth:`gdviz.schedules.Schedule.learning_rates`) and each run's verdict
    (:func:`gdviz.claims.verdict`)."""
    from gdviz.claims import nearest_minimum, verdict

    runs = result.by_run()
    header = ["step"] + [f"loss, {run.display_name}" for run, _ in runs]
    config, decayed = next(((r, t) for r, t in runs if r.schedule), runs[-1])
    rows = []
    for k in marks:
        cells = [str(k), format_number(float(decayed.lrs[min(k, decayed.steps)]))]
        for _, trajectory in runs:
            cells.append(format_number(float(trajectory.losses[min(k, trajectory.steps)])))
        rows.append(cells)
    kept = []
    schedule = config.make_schedule()
    if schedule is not None:
        rates = schedule.learning_rates(config.lr, 201)
        kept = [(k, format_percent(float(rates[k] / rates[0]), 0)) for k in (100, 200)]
    surface = result.experiment.surface
    verdicts = []
    for run, trajectory in runs:
        minimum = nearest_minimum(surface, trajectory.points[0])
        label = verdict(trajectory, minimum).label if minimum is not None else trajectory.status
        verdicts.append({"lr": format_number(run.lr), "decays": bool(run.schedule), "says": label})
    return {
        "header": [header[0], "η with decay", *header[1:]],
        "rows": rows,
        "gamma": format_number(schedule.params["gamma"])
        if schedule and "gamma" in schedule.params
        else "",
        "kept": kept,
        "runs": verdicts,
    }


def slug(text: str) -> str:
    """``My race!`` → ``my-race`` (ids for user sections)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "experiment"
