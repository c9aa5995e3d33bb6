"""``build_report``: experiments → view models → Jinja2 → one HTML page (and its assets).

Stages (each reported through ``progress``): run the experiments, prepare the live explorer,
render the figures and render or reuse the videos (:mod:`gdviz.report.assets`), typeset the
formulas, build the sections (:mod:`gdviz.report.sections`), write the page. The whole output
directory is built beside the old one and swapped in at the end
(:func:`gdviz.atomic.atomic_directory`: one atomic exchange, so the path never goes missing),
so a failed or interrupted build leaves the previous report untouched.

The output directory must be new, empty or a report gdviz built: its marker file
(:data:`MARKER`) lists what the build wrote. Anything else in it — a user's ``my-notes.txt`` —
is never deleted silently: the build refuses with one line listing those entries, unless
``force`` is set, in which case it says which entries it removes.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from gdviz import __version__
from gdviz.atomic import atomic_directory
from gdviz.experiments import Experiment, ExperimentResult, builtin_experiments
from gdviz.report import assets as page_assets
from gdviz.report.assets import Assets, Progress
from gdviz.report.chapters import CHAPTERS, FORMULAS, Chapter
from gdviz.report.formulas import compile_formula
from gdviz.report.models import Report
from gdviz.report.render import render_page
from gdviz.report.sections import sections as build_sections

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
    chapters = CHAPTERS
    with atomic_directory(output) as tmp:
        assets = Assets(tmp, inline=options.single_file)
        with timer("running the experiments"):
            results = _run_experiments(chapters, options.user_experiments)
        with timer("preparing the live explorer"):
            from gdviz.report.explorer import explorer_config, page_script, page_styles

            explorer = explorer_config()
            script = page_script()
        with timer("rendering the figures"):
            figures = page_assets.render_figures(assets, chapters, options.user_experiments, say)
        skipped = page_assets.videos_skipped(options)
        if skipped:
            say(f"building without videos: {skipped}")
            videos, note = page_assets.render_videos(assets, chapters, options, say)
        else:
            with timer("rendering the videos"):
                videos, note = page_assets.render_videos(assets, chapters, options, say)
        with timer("typesetting the formulas"):
            formulas = {
                key: compile_formula(
                    entry[0], entry[1], narrow=entry[2] if len(entry) > 2 else None
                )
                for key, entry in FORMULAS.items()
            }
            sections = build_sections(
                chapters, results, figures, videos, formulas, options.user_experiments
            )
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


def _run_experiments(
    chapters: Sequence[Chapter], user: dict[str, Experiment]
) -> dict[str, ExperimentResult]:
    catalogue = builtin_experiments()
    names = {name for chapter in chapters for name in chapter.experiments} | {"linear-regression"}
    results = {name: catalogue[name].run() for name in sorted(names)}
    if any(chapter.id == "fair-race" for chapter in chapters):
        from gdviz.tuning import builtin_tuning

        results["tuned:fair-race"] = builtin_tuning().experiment().run()
    for name, experiment in user.items():
        results[f"user:{name}"] = experiment.run()
    return results
