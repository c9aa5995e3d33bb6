"""View models of the report: plain, frozen dataclasses the templates only lay out.

Every string here is *text*: the templates autoescape it. The only values that reach the page
unescaped are data URIs/paths in ``src`` attributes (built by gdviz, never from user text) and
the explorer data, which goes through ``|tojson``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from gdviz.report.formulas import Formula

__all__ = [
    "FigureView",
    "Image",
    "Report",
    "ResultRow",
    "ResultTable",
    "Section",
    "VideoView",
]


@dataclass(frozen=True)
class Image:
    """An image file or data URI with its intrinsic size (for layout without reflow)."""

    src: str
    alt: str
    width: int
    height: int


@dataclass(frozen=True)
class FigureView:
    """One gallery figure as the report shows it; ``narrow`` is its one-column arrangement
    for phone screens (multi-panel figures only)."""

    name: str
    title: str
    caption: str
    image: Image
    narrow: Image | None = None


@dataclass(frozen=True)
class VideoView:
    """One lecture video; ``sources`` is empty when it was not rendered (then the poster or
    the figure stands in and ``note`` says how to get it)."""

    name: str
    title: str
    description: str
    sources: tuple[tuple[str, str], ...]  # (src, MIME type)
    poster: Image | None
    note: str = ""


@dataclass(frozen=True)
class ResultRow:
    """One run's outcome, every number formatted from the core's float64 values."""

    run: str
    color: str
    landscape: str
    start: str
    lr: str
    steps: int
    final_loss: str
    final_point: str
    status: str
    schedule: str = ""


@dataclass(frozen=True)
class ResultTable:
    """A table of outcomes; ``columns`` says which optional columns to show."""

    caption: str
    rows: tuple[ResultRow, ...]
    show_landscape: bool = False
    show_start: bool = False


@dataclass(frozen=True)
class Section:
    """A chapter of the report.

    ``prose`` names a partial in ``templates/partials/prose/`` (built-in chapters); user sections
    have ``prose=None`` and show their ``summary`` text instead. ``extra`` holds small
    chapter-specific tables (for example the learning rate along a decayed run).
    """

    id: str
    title: str
    source: str
    summary: str
    prose: str | None
    figures: tuple[FigureView, ...]
    videos: tuple[VideoView, ...]
    tables: tuple[ResultTable, ...]
    formulas: tuple[Formula, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Report:
    """The whole page."""

    title: str
    subtitle: str
    version: str
    sections: tuple[Section, ...]
    formulas: dict[str, Formula]
    explorer: dict[str, Any]
    videos_note: str
    styles: str
    script: str
