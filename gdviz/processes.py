"""Child processes that die with gdviz.

A render runs in a child process (Manim in its own interpreter). If gdviz is killed — even with
SIGKILL, which no handler can catch — the child must not live on as an orphan, rendering into a
directory nobody will ever read. :func:`start_child` therefore starts every child

* with ``PR_SET_PDEATHSIG = SIGKILL`` (Linux): the kernel kills the child the moment its parent
  dies, however it dies; a child whose parent is already gone by the time it starts exits
  at once;
* in a process group of its own, so that gdviz can end the child *and everything it started*
  with one signal (:func:`stop_child`) when gdviz is interrupted or fails — the terminal's
  Ctrl-C then reaches gdviz alone, which stops the child's group itself.

:func:`child_process` wraps both in a ``with`` block: whatever way the block is left (success,
exception, KeyboardInterrupt), no process of the group is left running. :func:`run_child` is
:func:`subprocess.run` built on it.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import functools
import os
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import Any

__all__ = ["child_process", "run_child", "start_child", "stop_child"]

_PR_SET_PDEATHSIG = 1


@functools.cache
def _prctl() -> Callable[..., int] | None:
    if not sys.platform.startswith("linux"):
        return None
    name = ctypes.util.find_library("c")
    try:
        return ctypes.CDLL(name, use_errno=True).prctl if name else None
    except (OSError, AttributeError):  # pragma: no cover - no libc
        return None


def _die_with(parent: int, prctl: Callable[..., int] | None) -> Callable[[], None]:
    """The function run in the child between fork and exec."""

    def setup() -> None:
        if prctl is not None:
            prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        if os.getppid() != parent:  # the parent died before prctl took effect
            os._exit(1)

    return setup


def start_child(command: Sequence[str], **popen: Any) -> subprocess.Popen:
    """Start ``command`` as a child that dies with this process, in its own process group.

    ``popen`` are :class:`subprocess.Popen`'s keyword arguments (``stdout``, ``env``, ...).
    """
    return subprocess.Popen(
        list(command),
        preexec_fn=_die_with(os.getpid(), _prctl()),
        process_group=0,
        **popen,
    )


def stop_child(child: subprocess.Popen, grace: float = 2.0) -> None:
    """End ``child`` and its process group: SIGTERM, then SIGKILL after ``grace`` seconds."""
    for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, None)):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(child.pid, sig)
        try:
            child.wait(wait)
            break
        except subprocess.TimeoutExpired:
            continue
    with contextlib.suppress(ProcessLookupError, PermissionError):  # anything the child left
        os.killpg(child.pid, signal.SIGKILL)


@contextlib.contextmanager
def child_process(command: Sequence[str], **popen: Any) -> Iterator[subprocess.Popen]:
    """``with child_process(cmd, stdout=PIPE) as child: ...`` — the child and its group are
    stopped when the block is left, however it is left."""
    child = start_child(command, **popen)
    try:
        with child:
            yield child
    finally:
        stop_child(child)


def run_child(
    command: Sequence[str], *, input: str | bytes | None = None, **popen: Any
) -> subprocess.CompletedProcess:
    """:func:`subprocess.run` for a child that dies with gdviz (``capture_output``, ``text``,
    ``env``... as there)."""
    if popen.pop("capture_output", False):
        popen["stdout"] = popen["stderr"] = subprocess.PIPE
    if input is not None:
        popen["stdin"] = subprocess.PIPE
    with child_process(command, **popen) as child:
        stdout, stderr = child.communicate(input)
        code = child.wait()
    return subprocess.CompletedProcess(list(command), code, stdout, stderr)
