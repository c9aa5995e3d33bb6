"""gdviz's temporary files and directories: one naming pattern, and a sweep of the stale ones.

Every temporary gdviz creates beside an output (a file being written, a video being rendered,
a report directory being built, an old report being removed) is named

``.<name>.gdviz-<pid>-<token>.<kind>``

where ``<name>`` is the output's file name (cut short if the whole name would be too long),
``<pid>`` the process that made it, ``<token>`` eight random letters and digits and
``<kind>`` ``tmp`` (being built) or ``old`` (being removed), followed by the output's own suffix
(``.gif``) for writers that choose the format by the name. A process killed with SIGKILL
cannot clean up, so each command sweeps its output directory at start (:func:`sweep`): a
temporary is *stale*, and removed, when the process named in it has ended, or when that process
id now belongs to a process started after the temporary was last modified (the id was reused).
A temporary of a build that is still running is never touched, so concurrent builds are safe.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import string
from pathlib import Path

__all__ = [
    "PATTERN",
    "is_stale",
    "make_dir",
    "make_file",
    "process_start_time",
    "sweep",
    "temporary_name",
]

#: The names of gdviz's temporaries (see the module docstring).
PATTERN = re.compile(
    r"^\.(?P<name>.+)\.gdviz-(?P<pid>[0-9]+)-(?P<token>[a-z0-9]{8})\.(tmp|old)"
    r"(?P<suffix>\.[A-Za-z0-9]{1,16})?$"
)
_ALPHABET = string.ascii_lowercase + string.digits
_DEFAULT_NAME_MAX = 255


def name_max(directory: str | Path) -> int:
    """The longest file name, in bytes, that ``directory`` (or its nearest existing parent)
    accepts (``NAME_MAX``, 255 on most file systems)."""
    path = Path(directory)
    while not os.path.isdir(path) and path != path.parent:  # isdir: False on any error
        path = path.parent
    try:
        return int(os.pathconf(path, "PC_NAME_MAX"))
    except (OSError, ValueError, AttributeError):
        return _DEFAULT_NAME_MAX


def temporary_name(
    name: str, kind: str = "tmp", *, limit: int = _DEFAULT_NAME_MAX, suffix: str = ""
) -> str:
    """A fresh temporary name for the output ``name``:
    ``.<name>.gdviz-<pid>-<token>.<kind><suffix>``.

    ``name`` is shortened (by whole characters) so that the result fits in ``limit`` bytes.
    """
    # os.urandom, not secrets: the token only keeps concurrent builds apart, and importing
    # secrets (hashlib, random) costs the CLI's start-up ~50 ms
    token = "".join(_ALPHABET[byte % len(_ALPHABET)] for byte in os.urandom(8))
    tail = f".gdviz-{os.getpid()}-{token}.{kind}{suffix}"
    room = limit - 1 - len(tail.encode())
    while len(name.encode()) > room:
        name = name[:-1]
    return f".{name}{tail}"


def make_file(directory: Path, name: str, suffix: str = "") -> Path:
    """Create an empty temporary file for the output ``directory/name`` and return its path
    (ending in ``suffix`` if given).

    It is created with mode ``0o666`` less the umask, as a new output would be.
    """
    limit = name_max(directory)
    while True:
        path = directory / temporary_name(name, limit=limit, suffix=suffix)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666)
        except FileExistsError:  # pragma: no cover - 36⁸ tokens
            continue
        os.close(fd)
        return path


def make_dir(directory: Path, name: str, kind: str = "tmp") -> Path:
    """Create an empty temporary directory for the output ``directory/name``.

    It is created with mode ``0o777`` less the umask, as a new directory would be.
    """
    limit = name_max(directory)
    while True:
        path = directory / temporary_name(name, kind, limit=limit)
        try:
            path.mkdir(0o777)
        except FileExistsError:  # pragma: no cover - 36⁸ tokens
            continue
        return path


def process_start_time(pid: int) -> float | None:
    """When process ``pid`` started (seconds since the epoch), or ``None`` if it is not running.

    On Linux the start time comes from ``/proc``; elsewhere a running process gets ``0.0``
    (known to be running, start unknown).
    """
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:
        pass  # running, owned by someone else
    except OverflowError:
        return None
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        boot = next(
            float(line.split()[1])
            for line in Path("/proc/stat").read_text().splitlines()
            if line.startswith("btime ")
        )
    except (OSError, StopIteration, ValueError):
        return 0.0
    fields = stat[stat.rindex(")") + 2 :].split()
    if fields[0] == "Z":  # a zombie has ended; only its parent has not reaped it yet
        return None
    return boot + int(fields[19]) / os.sysconf("SC_CLK_TCK")


def is_stale(path: Path) -> bool:
    """Whether ``path`` is a gdviz temporary whose process has ended (see the module docstring)."""
    match = PATTERN.match(path.name)
    if match is None:
        return False
    try:
        modified = path.lstat().st_mtime
    except OSError:
        return False
    started = process_start_time(int(match["pid"]))
    # /proc's start time is rounded down to a clock tick: one tick of slack either way
    return started is None or started > modified + 0.02


def sweep(directory: str | Path, name: str | None = None) -> list[Path]:
    """Remove the stale gdviz temporaries in ``directory`` (only those of output ``name`` if
    given); returns what was removed. Errors (a vanished entry, a read-only directory) are
    ignored: a sweep only ever tidies up."""
    directory = Path(directory)
    removed: list[Path] = []
    limit = name_max(directory)
    try:
        entries = list(directory.iterdir())
    except OSError:
        return removed
    for path in entries:
        match = PATTERN.match(path.name)
        if match is None or (name is not None and not _names(path, match["name"], name, limit)):
            continue
        if not is_stale(path):
            continue
        with contextlib.suppress(OSError):
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink()
            removed.append(path)
    return removed


def _names(path: Path, kept: str, name: str, limit: int) -> bool:
    """Whether the temporary ``path`` (holding ``kept``) belongs to the output ``name``: the
    same name, or ``name`` shortened by :func:`temporary_name` to fill ``limit`` bytes."""
    if kept == name:
        return True
    return name.startswith(kept) and len(path.name.encode()) >= limit - 3
