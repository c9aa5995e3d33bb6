"""Minibatches: which samples each step of a stochastic run averages over.

The contract, stated so that anyone can replay a gdviz run in torch:

1. ``rng = numpy.random.default_rng(seed)``;
2. each epoch draws ``rng.permutation(n)`` and walks it in consecutive slices of
   ``batch_size`` samples, the last, shorter slice kept;
3. one optimizer step per slice; the gradient is the *mean* over the slice (torch's
   ``reduction="mean"``).

``batch_size`` ``None`` or ``≥ n`` means full batch: every step uses all samples in order
(no random numbers are drawn), exactly as a deterministic run.

With several seeds (a leading seed axis), each seed draws its own permutations; the slices of
step ``k`` have the same length for every seed, so they stack into one array.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["BatchPlan", "batch_plan", "check_batching"]


def check_batching(batch_size: Any, seed: Any) -> tuple[int | None, tuple[int, ...]]:
    """Validate ``batch_size`` (a whole number ≥ 1, or None) and ``seed`` (one or several
    whole numbers ≥ 0); returns ``(batch_size, seeds)``.

    Raises
    ------
    ValueError
        One line naming the argument and the value.
    """
    if batch_size is not None:
        if isinstance(batch_size, bool) or not isinstance(batch_size, int | np.integer):
            raise ValueError(f"batch_size must be a whole number ≥ 1, got {batch_size!r}")
        if batch_size < 1:
            raise ValueError(f"batch_size must be a whole number ≥ 1, got {batch_size!r}")
    seeds = tuple(np.atleast_1d(np.asarray(seed if seed is not None else 0, dtype=object)))
    if not seeds:
        raise ValueError("seed must be a whole number ≥ 0 or a non-empty sequence of them")
    for value in seeds:
        if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 0:
            raise ValueError(f"seed must be a whole number ≥ 0, got {value!r}")
    return (None if batch_size is None else int(batch_size)), tuple(int(s) for s in seeds)


@dataclass(frozen=True)
class BatchPlan:
    """The samples of every step of a stochastic run, for one or several seeds.

    Attributes
    ----------
    n : int
        Samples in the data set.
    batch_size : int
        Samples per full slice.
    seeds : tuple of int
    epochs : ndarray of int, shape ``(steps,)``
        The epoch (0-based) of each step.
    rows : list of ndarray
        ``rows[k]`` has shape ``(len(seeds), b_k)``: the sample indices of step ``k`` (update
        ``k + 1``) for each seed; ``b_k`` is ``batch_size`` or the shorter last slice's size.
    """

    n: int
    batch_size: int
    seeds: tuple[int, ...]
    epochs: np.ndarray
    rows: list[np.ndarray]

    @property
    def full(self) -> bool:
        """Whether every step uses every sample (no stochasticity)."""
        return self.batch_size >= self.n


def batch_plan(n: int, batch_size: int | None, seeds: tuple[int, ...], steps: int) -> BatchPlan:
    """The slices of ``steps`` updates under the contract of this module.

    Parameters
    ----------
    n : int
        Samples in the data set (≥ 1).
    batch_size : int or None
        Samples per step; ``None`` or ``≥ n`` is full batch.
    seeds : tuple of int
        One permutation stream per seed.
    steps : int
        Updates to plan for.
    """
    size = n if batch_size is None or batch_size >= n else batch_size
    per_epoch = -(-n // size)
    epochs = np.arange(steps) // per_epoch
    if size == n:
        everything = np.broadcast_to(np.arange(n), (len(seeds), n))
        return BatchPlan(n, n, seeds, epochs, [everything] * steps)
    generators = [np.random.default_rng(seed) for seed in seeds]
    rows: list[np.ndarray] = []
    permutations: np.ndarray | None = None
    for k in range(steps):
        slot = k % per_epoch
        if slot == 0:
            permutations = np.stack([g.permutation(n) for g in generators])
        assert permutations is not None
        rows.append(permutations[:, slot * size : (slot + 1) * size])
    return BatchPlan(n, size, seeds, epochs, rows)
