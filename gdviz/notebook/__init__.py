"""gdviz in notebooks (Jupyter, VS Code, Colab): rich display, plots, animations.

* :mod:`gdviz.notebook.display` — the compact ``repr`` and the HTML summary (table and inline
  SVG of the path and the loss) that :class:`~gdviz.trajectory.Trajectory`,
  :class:`~gdviz.descent.TrajectoryBatch`, :class:`~gdviz.experiments.Experiment` and
  :class:`~gdviz.experiments.ExperimentResult` show; imports no plotting library.
* :mod:`gdviz.notebook.plotting` — :func:`plot` (matplotlib artists, drawn by the gallery's
  ``plot_*`` functions) and :func:`animate` (an :class:`~gdviz.notebook.plotting.Animation`
  that plays inline and saves to MP4 or GIF).

* :mod:`gdviz.notebook.widget` — :func:`explore`, the report's live explorer as a notebook
  widget (anywidget; the optional extra ``gdviz[notebook]``), its view synced as traitlets.

``gdviz.plot``, ``gdviz.animate`` and ``gdviz.explore`` are these functions; each submodule is
imported on first use, so ``import gdviz`` stays light.
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["animate", "explore", "plot"]

#: public name -> submodule that defines it
_LAZY = {
    "plot": "plotting",
    "animate": "plotting",
    "Animation": "plotting",
    "explore": "widget",
    "Explorer": "widget",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_LAZY])
