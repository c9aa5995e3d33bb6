"""Shared plumbing of the figure gallery: themes, new figures, number formatting, exact saving.

Figures are built with the object-oriented API (:class:`matplotlib.figure.Figure` attached to an
Agg canvas), never with ``pyplot``'s global state, so building one neither needs nor changes a
backend: it works in a script, a test and a Jupyter notebook alike.

Determinism
-----------
:func:`save_figure` writes the same bytes for the same figure: the SVG writer's ids come from the
fixed ``svg.hashsalt`` and no date is written; the PDF has no creation date; the PNG has no
software tag (its pixels are those of the deterministic Agg rasteriser).
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

import matplotlib as mpl
from cycler import cycler
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.text import Text

from gdviz import __version__
from gdviz.style import THEMES, Theme, landscape_ramp, series_color

__all__ = [
    "FORMATS",
    "landscape_cmap",
    "new_figure",
    "save_figure",
    "status_phrase",
    "subtitle",
    "theme_context",
    "theme_of",
]

#: Output formats ``gdviz figures`` writes.
FORMATS = ("png", "svg", "pdf")

_CREATOR = f"gdviz {__version__} (matplotlib)"
_METADATA: dict[str, dict[str, Any]] = {
    "png": {"Software": None},
    "svg": {"Date": None, "Creator": _CREATOR},
    "pdf": {"CreationDate": None, "ModDate": None, "Creator": _CREATOR, "Producer": _CREATOR},
}

#: Base font size (points); ticks and legends use 10 pt, titles 12 pt: legible at blog width.
FONT_SIZE = 11


def theme_of(name: str | Theme) -> Theme:
    """The :class:`~gdviz.style.Theme` called ``name`` (``"light"`` or ``"dark"``)."""
    if isinstance(name, Theme):
        return name
    try:
        return THEMES[name]
    except KeyError:
        raise ValueError(f"unknown theme '{name}' (choose from {', '.join(THEMES)})") from None


def rc_params(theme: Theme) -> dict[str, Any]:
    """Matplotlib rc settings of a theme: colours, font sizes, exact-output settings."""
    return {
        "font.family": "DejaVu Sans",
        "mathtext.fontset": "dejavusans",
        "font.size": FONT_SIZE,
        "axes.titlesize": 12,
        "axes.titleweight": "bold",
        "axes.titlelocation": "left",
        "axes.titlepad": 8,
        "axes.labelsize": 11,
        "xtick.labelsize": 10,
        "ytick.labelsize": 10,
        "legend.fontsize": 10,
        "legend.title_fontsize": 10,
        "figure.titlesize": 14,
        "figure.titleweight": "bold",
        "figure.facecolor": theme.background,
        "figure.edgecolor": theme.background,
        "savefig.facecolor": theme.background,
        "savefig.edgecolor": theme.background,
        "axes.facecolor": theme.background,
        "axes.edgecolor": theme.muted,
        "axes.labelcolor": theme.foreground,
        "axes.titlecolor": theme.foreground,
        "axes.linewidth": 0.8,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.grid": False,
        "axes.axisbelow": True,
        "axes.prop_cycle": cycler(color=[series_color(i, 7, theme) for i in range(7)]),
        "grid.color": theme.grid,
        "grid.linewidth": 0.7,
        "text.color": theme.foreground,
        "xtick.color": theme.muted,
        "ytick.color": theme.muted,
        "xtick.labelcolor": theme.foreground,
        "ytick.labelcolor": theme.foreground,
        "legend.facecolor": theme.panel,
        "legend.edgecolor": theme.grid,
        "legend.labelcolor": theme.foreground,
        "legend.framealpha": 0.92,
        "legend.frameon": True,
        "lines.linewidth": 2.0,
        "lines.markersize": 6,
        "patch.edgecolor": theme.foreground,
        "image.cmap": "cividis",
        "axes3d.xaxis.panecolor": (0.0, 0.0, 0.0, 0.0),
        "axes3d.yaxis.panecolor": (0.0, 0.0, 0.0, 0.0),
        "axes3d.zaxis.panecolor": (0.0, 0.0, 0.0, 0.0),
        "svg.hashsalt": "gdviz",
        "svg.fonttype": "path",
        "pdf.fonttype": 42,
        "pdf.compression": 6,
    }


@contextlib.contextmanager
def theme_context(theme: str | Theme) -> Iterator[Theme]:
    """Apply a theme's rc settings for the duration of the block; yields the theme."""
    resolved = theme_of(theme)
    with mpl.rc_context(rc_params(resolved)):  # type: ignore[arg-type]
        yield resolved


#: Figure arrangements: ``wide`` (the gallery's, for pages and slides) and ``narrow`` (one
#: panel per row, for phone screens; only the multi-panel figures have it).
LAYOUTS = ("wide", "narrow")
#: Width of a narrow figure in inches (about a phone column at its usual text size).
NARROW_WIDTH = 4.6


def check_layout(layout: str) -> bool:
    """Whether ``layout`` is ``"narrow"``; raises ValueError for an unknown layout."""
    if layout not in LAYOUTS:
        raise ValueError(f"unknown layout '{layout}' (choose from {', '.join(LAYOUTS)})")
    return layout == "narrow"


def new_figure(width: float, height: float) -> Figure:
    """A constrained-layout :class:`Figure` on an Agg canvas (call inside :func:`theme_context`)."""
    layout = ConstrainedLayoutEngine(w_pad=0.06, h_pad=0.06, wspace=0.04, hspace=0.06)
    figure = Figure(figsize=(width, height), layout=layout)
    FigureCanvasAgg(figure)
    return figure


def save_figure(
    figure: Figure, path: str | Path | BinaryIO, fmt: str, *, dpi: int, theme: str | Theme
) -> None:
    """Write ``figure`` to ``path`` (or a binary file) as ``fmt`` (png, svg or pdf),
    byte-for-byte reproducibly."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format '{fmt}' (choose from {', '.join(FORMATS)})")
    with theme_context(theme):
        figure.savefig(path, format=fmt, dpi=dpi, metadata=_METADATA[fmt])


def status_phrase(status: str, steps: int, unit: str = "step") -> str:
    """How a run ended, in words: ``converged at step 83``, ``diverged at step 12``,
    ``200 steps`` (the budget ran out); ``unit`` names a step (``"epoch"``)."""
    if status == "converged":
        return f"converged at {unit} {steps}"
    if status == "diverged":
        return f"diverged at {unit} {steps}"
    return f"{steps} {unit}s"


def subtitle(ax: Axes, text: str, *, theme: str | Theme = "light") -> Text:
    """A one-line, normal-weight, muted title above an axes (for details under a suptitle)."""
    resolved = theme_of(theme)
    return ax.set_title(text, loc="left", fontsize=11, fontweight="normal", color=resolved.muted)


# ------------------------------------------------------------------------ landscape colormap


@functools.cache
def landscape_cmap(theme: str) -> ListedColormap:
    """The quiet landscape ramp of a theme (:func:`gdviz.style.landscape_ramp`) as a colormap."""
    name = theme_of(theme).name
    return ListedColormap(landscape_ramp(name), name=f"gdviz-landscape-{name}")
