"""Where :func:`gdviz.descent.descend` runs: its threads and the size of its blocks.

``descend`` cuts a batch into blocks of rows and makes all the steps of one block while its
arrays stay in the core's cache. Blocks are independent, so an :class:`Engine` may run them on
several threads; every element is computed by the same operations either way, so the result is
the same bits on any number of threads.

A block's work is a sequence of numpy calls, and a thread holds the interpreter lock between
two of them. On one thread a block of :data:`BLOCK_ROWS` rows fits the cache and amortises
numpy's per-call cost. On several threads the lock's hand-overs cost more than a second core
gives until each call is long: measured on 2 cores (Adam on Rosenbrock, 10⁶ starts), blocks of
8,192 rows on 2 threads took 46 ns per point-step against 35 on one thread, and blocks of
65,536 rows took 29. So a threaded engine uses blocks of :data:`THREAD_BLOCK_ROWS`, and a batch
of one block runs on the calling thread.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from concurrent.futures import Future, ThreadPoolExecutor

__all__ = ["BLOCK_ROWS", "THREAD_BLOCK_ROWS", "Engine", "default_engine"]

#: Rows per block on one thread.
BLOCK_ROWS = 8192
#: Rows per block on several threads (see the module docstring).
THREAD_BLOCK_ROWS = 65536


def _threads_from_environment() -> int:
    text = os.environ.get("GDVIZ_NUM_THREADS", "").strip()
    if text.isdigit() and int(text) >= 1:
        return int(text)
    return os.cpu_count() or 1


class _Pool:
    """The worker threads of one engine, started on first use (and again in a forked child)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._executor: ThreadPoolExecutor | None = None
        self._pid = 0

    def get(self, threads: int) -> ThreadPoolExecutor:
        from concurrent.futures import ThreadPoolExecutor  # a batch of one block needs none

        with self._lock:
            if self._executor is None or self._pid != os.getpid():
                self._executor = ThreadPoolExecutor(threads, thread_name_prefix="gdviz")
                self._pid = os.getpid()
            return self._executor

    def close(self) -> None:
        with self._lock:
            if self._executor is not None and self._pid == os.getpid():
                self._executor.shutdown(wait=True)
            self._executor = None


@dataclass(frozen=True, eq=False)
class Engine:
    """Where :func:`~gdviz.descent.descend` runs: how many threads, how many rows per block.

    An engine is immutable; for other settings make another one and pass it as
    ``descend(..., engine=Engine(threads=1))``. Its worker threads start on the first batch that
    needs them and stop with :meth:`close` (or at the end of a ``with`` block). Results never
    depend on the engine: every element is computed by the same operations.

    Parameters
    ----------
    threads : int
        Worker threads (≥ 1); default ``$GDVIZ_NUM_THREADS`` or the CPU count.
    block_rows : int, optional
        Batch elements per block (≥ 1); default :data:`BLOCK_ROWS` on one thread and
        :data:`THREAD_BLOCK_ROWS` on several.
    fused : bool, optional
        Run batches in :mod:`gdviz.fused`'s compiled loop: ``True`` whenever it can (numba
        installed, an exact built-in landscape, full batch), ``False`` never, ``None``
        (default) when a batch has at least :data:`gdviz.fused.MIN_WORK` point-steps. The
        result is the same bits either way. Compiled code does not hold the interpreter
        lock, so fused blocks are at most :data:`BLOCK_ROWS` rows on any number of threads.
    """

    threads: int = field(default_factory=_threads_from_environment)
    block_rows: int | None = None
    fused: bool | None = None
    _pool: _Pool = field(default_factory=_Pool, repr=False)

    def __post_init__(self) -> None:
        if self.block_rows is None:
            rows = BLOCK_ROWS if self.threads == 1 else THREAD_BLOCK_ROWS
            object.__setattr__(self, "block_rows", rows)
        for name in ("threads", "block_rows"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
                raise ValueError(f"invalid {name}: {value!r} (must be an integer ≥ 1)")

    def rows_per_block(self, size: int) -> int:
        """Rows per block for a batch of ``size`` elements: :attr:`block_rows`, or fewer."""
        assert self.block_rows is not None
        return max(1, min(self.block_rows, size))

    def run(self, task: Callable[[int, threading.Event], None], count: int) -> None:
        """Call ``task(i, cancelled)`` for each ``i`` in ``range(count)``, on the threads.

        Returns when every call has returned. If one raises (or the caller is interrupted),
        ``cancelled`` is set — a long task should check it and return — calls not yet started
        are dropped, and the exception of the first failed call is raised.
        """
        cancelled = threading.Event()
        if self.threads == 1 or count <= 1:
            for i in range(count):
                task(i, cancelled)
            return
        from concurrent.futures import FIRST_EXCEPTION, wait

        pool = self._pool.get(self.threads)
        futures: list[Future[None]] = [pool.submit(task, i, cancelled) for i in range(count)]
        try:
            wait(futures, return_when=FIRST_EXCEPTION)
        finally:
            cancelled.set()
            for future in futures:
                future.cancel()
            wait(futures)  # never return while a worker still writes
        for future in futures:
            if not future.cancelled() and future.exception() is not None:
                raise future.exception()  # type: ignore[misc]

    def close(self) -> None:
        """Stop the worker threads (a later :meth:`run` starts them again)."""
        self._pool.close()

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@cache
def default_engine() -> Engine:
    """The engine :func:`~gdviz.descent.descend` uses when given none: ``Engine()``."""
    return Engine()
