"""gdviz: make gradient descent visible.

One numpy optimizer core (exactly torch.optim's update rules, batched) produces trajectories that
feed matplotlib figures, Manim lecture videos, a self-contained HTML report and notebooks.

The top-level names are for notebooks and are imported on first use, so ``import gdviz`` loads
nothing heavy:

* :func:`gdviz.plot` — draw a run or an experiment; returns the matplotlib artists;
* :func:`gdviz.animate` — an animation of the runs that plays inline and saves to MP4 or GIF;
* :func:`gdviz.explore` — the report's live explorer as a notebook widget (``gdviz[notebook]``).
* :func:`gdviz.tune` — a fair race: every optimizer tuned under one protocol
  (:mod:`gdviz.tuning`).
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

__all__ = ["__version__", "animate", "explore", "plot", "tune"]

#: public name -> module that defines it (imported when the name is first used)
_LAZY = {
    "plot": "gdviz.notebook.plotting",
    "animate": "gdviz.notebook.plotting",
    "explore": "gdviz.notebook.widget",
    "tune": "gdviz.tuning",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'gdviz' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_LAZY])
