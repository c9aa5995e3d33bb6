"""The memory budget: how much a descent will allocate, checked before it allocates.

:func:`gdviz.descent.descend` with ``keep="path"`` stores every step of every batch element:
``steps + 1`` rows × the batch × (the variables + loss, gradient norm and learning rate, and
for a minibatch run the loss on the slice), in float64, where several minibatch seeds multiply
the batch — and an experiment keeps the trimmed copy of each run's paths as well. A thousand
starts × a million steps is ~15 GiB, which a machine may refuse (``MemoryError``) or, worse,
grant and then swap. :func:`check_memory` estimates the bytes first and refuses a request over
the budget with one line saying how much it would need and how to make it smaller.

The budget is :data:`DEFAULT_BUDGET` (2 GiB); set the environment variable
``GDVIZ_MEMORY_BUDGET`` (``4GiB``, ``500MB``, ``1e9`` bytes) to change it.
"""

from __future__ import annotations

import math
import os
import re

__all__ = [
    "BUDGET_VARIABLE",
    "DEFAULT_BUDGET",
    "BudgetError",
    "check_memory",
    "format_bytes",
    "memory_budget",
    "path_bytes",
]

#: The default budget: 2 GiB.
DEFAULT_BUDGET = 2 * 2**30
#: The environment variable that overrides :data:`DEFAULT_BUDGET`.
BUDGET_VARIABLE = "GDVIZ_MEMORY_BUDGET"
#: Values kept per step and batch element besides the coordinates: loss, gradient norm, lr.
PER_STEP_VALUES = 3
_UNITS = {
    "": 1,
    "b": 1,
    "k": 10**3,
    "kb": 10**3,
    "m": 10**6,
    "mb": 10**6,
    "g": 10**9,
    "gb": 10**9,
    "t": 10**12,
    "tb": 10**12,
    "kib": 2**10,
    "mib": 2**20,
    "gib": 2**30,
    "tib": 2**40,
}


class BudgetError(ValueError):
    """A request that would need more memory than the budget (one line)."""


def memory_budget() -> int:
    """The budget in bytes: ``$GDVIZ_MEMORY_BUDGET`` if set, else :data:`DEFAULT_BUDGET`.

    Raises
    ------
    BudgetError
        If the variable is set to something that is not a size.
    """
    text = os.environ.get(BUDGET_VARIABLE, "").strip()
    if not text:
        return DEFAULT_BUDGET
    match = re.fullmatch(r"([0-9]*\.?[0-9]+(?:e[0-9]+)?)\s*([a-z]*)", text.lower())
    if match is None or match.group(2) not in _UNITS:
        raise BudgetError(
            f"{BUDGET_VARIABLE}={text!r} is not a size (write e.g. 4GiB, 500MB or 1e9)"
        )
    value = float(match.group(1)) * _UNITS[match.group(2)]
    if not math.isfinite(value) or value < 1:
        raise BudgetError(f"{BUDGET_VARIABLE}={text!r} must be at least one byte")
    return int(value)


def path_bytes(
    batch: int, steps: int, variables: int, *, copies: int = 1, stochastic: bool = False
) -> int:
    """Bytes of ``copies`` full paths: ``(steps + 1) × batch × (variables + 3) × 8``; a
    minibatch run (``stochastic``) keeps one value more per step (the slice's loss)."""
    values = variables + PER_STEP_VALUES + (1 if stochastic else 0)
    return 8 * copies * (steps + 1) * batch * values


def format_bytes(size: float) -> str:
    """``15.0 GiB``, ``512 MiB``, ``3.2 KiB``, ``17 B``."""
    for unit, scale in (("TiB", 2**40), ("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if size >= scale:
            value = size / scale
            return f"{value:.1f} {unit}" if value < 100 else f"{value:.0f} {unit}"
    return f"{size:.0f} B"


def check_memory(
    what: str,
    *,
    starts: int,
    runs: int,
    steps: int,
    variables: int,
    seeds: int = 1,
    stochastic: bool = False,
    samples: int = 0,
    copies: int = 2,
    keep: str = "path",
    budget: int | None = None,
    remedy: str = "use fewer steps or starts, or keep='final' when only the end points matter",
) -> int:
    """Refuse ``what`` (e.g. ``"experiment 'big'"``) if its paths would not fit the budget.

    Parameters
    ----------
    starts, runs, steps, variables : int
        The batch: ``starts`` points for each of ``runs`` optimizer runs, ``steps`` updates,
        ``variables`` coordinates.
    seeds : int
        Minibatch seeds per (start, run): each is one more batch element.
    stochastic : bool
        A minibatch run (one more value per step: the slice's loss).
    samples : int
        A minibatch run's samples per step: its plan keeps their indices for every step and
        seed (:mod:`gdviz.batches`), whatever ``keep`` says.
    copies : int
        How many copies of the paths are alive at the peak (a batch and its trajectories: 2).
    keep : {"path", "final"}
        ``"final"`` keeps only each element's last point: nothing grows with ``steps``.
    budget : int, optional
        Bytes; default :func:`memory_budget`.
    remedy : str
        How to need less, in the caller's terms (``"use fewer --steps"``).

    Returns
    -------
    int
        The estimate, in bytes.

    Raises
    ------
    BudgetError
        One line: what it would need, the budget, and how to need less.
    """
    elements = starts * runs * seeds
    if keep == "final":
        need = 8 * copies * elements * (variables + PER_STEP_VALUES)
    else:
        need = path_bytes(elements, steps, variables, copies=copies, stochastic=stochastic)
    need += 8 * seeds * (steps + 1) * samples  # the slices' indices, one plan per run
    limit = memory_budget() if budget is None else budget
    if need > limit:
        several = f" × {seeds:,} seed(s)" if seeds > 1 else ""
        shape = (
            f"{starts:,} start(s) × {runs:,} run(s){several} × {steps + 1:,} steps × "
            f"{variables} variable(s)"
        )
        raise BudgetError(
            f"{what} would need about {format_bytes(need)} of memory to keep every step "
            f"({shape}), over the {format_bytes(limit)} budget; {remedy} "
            f"(or raise {BUDGET_VARIABLE})"
        )
    return need
