"""Caching what is computed from an unhashable value (an experiment), with :func:`functools.cache`.

An :class:`~gdviz.experiments.Experiment` holds dicts (its runs' hyperparameters), so it cannot
be a cache key itself; its :meth:`~gdviz.experiments.Experiment.fingerprint` (its full,
deterministic ``repr``) can. :class:`Keyed` carries the value beside such a key and hashes and
compares by the key alone, so a function of the value can be ``@functools.cache``-d::

    @cache
    def _result(experiment: Keyed[Experiment]) -> ExperimentResult:
        return experiment.value.run()

    _result(Keyed(experiment.fingerprint(), experiment))

One mechanism for every per-process cache of the figures and the report: each is an ordinary
``functools.cache`` (``cache_clear()`` and ``cache_info()`` included), never a module-level dict.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

__all__ = ["Keyed"]

T = TypeVar("T")


@dataclass(frozen=True)
class Keyed(Generic[T]):
    """``value``, hashed and compared by ``key`` only."""

    key: Hashable
    value: T = field(compare=False, hash=False)
