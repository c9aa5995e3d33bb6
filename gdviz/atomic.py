"""Write outputs so that nothing is half-written and nothing that is there gets clobbered.

Every file gdviz writes goes through :func:`atomic_path` (or :func:`atomic_write` for bytes in
hand) and every directory it replaces through :func:`atomic_directory`. What happens depends
on what the target is (:func:`inspect_target`):

* a **regular file**, or nothing yet: the bytes go to a temporary sibling
  (:mod:`gdviz.temporaries`), are flushed to disk (``fsync``) and moved onto the target with
  :func:`os.replace`, which is atomic on POSIX: a reader sees the old file or the new one, never
  a partial one, and a failure leaves the old file intact. The new file keeps the old one's
  permission bits (and, when gdviz runs as root, its owner); a new file gets ``0o666`` less the
  umask, as any program's would.
* a **symbolic link**: followed to its final target, which is written as above; the link stays.
* a **FIFO** or a **character device** (``/dev/stdout``, a terminal, ``/dev/null``): streamed to,
  in order, with no temporary beside it; a reader of a FIFO gets every byte.
* a **directory**, **block device** or **socket**, a **read-only** file (no write permission bit,
  refused even for root), a **symbolic-link loop** or a **name too long** for the file system:
  refused with :class:`OutputError`, whose message is one line.

:func:`output_path` joins an output directory and a file name and refuses a name that would
leave the directory (``/``, ``..``, NUL).
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import errno
import functools
import os
import shutil
import stat
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from gdviz import temporaries

__all__ = [
    "OutputError",
    "Target",
    "atomic_directory",
    "atomic_path",
    "atomic_write",
    "check_writable_dir",
    "exchange_paths",
    "inspect_target",
    "output_path",
    "place",
]

_CHUNK = 1 << 20
#: Longest path shown in full in an error message.
_SHOWN = 100


class OutputError(OSError):
    """An output gdviz refuses or cannot write; ``str(error)`` is one line for the user.

    It is an :class:`OSError` (``errno``, ``strerror`` and ``filename`` are set), so code that
    handles write failures handles it too.
    """

    def __init__(self, code: int, reason: str, path: str | Path) -> None:
        super().__init__(code, reason, str(path))

    def __str__(self) -> str:
        name = str(self.filename)
        if len(name) > _SHOWN:  # a too-long name would swamp the line
            name = f"{name[: _SHOWN // 2]}…{name[-_SHOWN // 2 :]}"
        return f"cannot write {name}: {self.strerror}"

    @classmethod
    def wrap(cls, error: OSError, path: str | Path) -> OutputError:
        """``error`` as an :class:`OutputError` about ``path`` (unchanged if it is one)."""
        if isinstance(error, OutputError):
            return error
        reason = error.strerror or str(error) or type(error).__name__
        return cls(error.errno or errno.EIO, reason[0].lower() + reason[1:], path)


@dataclass(frozen=True)
class Target:
    """Where an output's bytes go.

    Attributes
    ----------
    path : Path
        The path as given.
    real : Path
        The path with every symbolic link followed.
    kind : {"new", "file", "stream"}
        Nothing there yet, a regular file, or a FIFO/character device.
    mode : int or None
        An existing regular file's permission bits.
    owner : tuple of int or None
        An existing regular file's ``(uid, gid)``.
    """

    path: Path
    real: Path
    kind: Literal["new", "file", "stream"]
    mode: int | None = None
    owner: tuple[int, int] | None = None


def inspect_target(path: str | Path) -> Target:
    """Classify ``path`` as an output target (see the module docstring).

    Raises
    ------
    OutputError
        For a directory, block device, socket, read-only file, symbolic-link loop or a name
        too long for the file system.
    """
    path = Path(path)
    real = Path(os.path.realpath(path))
    if os.path.islink(real):
        raise OutputError(errno.ELOOP, "it is a loop of symbolic links", path)
    _check_length(path, real)
    try:
        info = os.stat(real)
    except FileNotFoundError:
        return Target(path, real, "new")
    except NotADirectoryError:
        raise OutputError(errno.ENOTDIR, "a parent of it is a file", path) from None
    except OSError as error:
        raise OutputError.wrap(error, path) from None
    mode = info.st_mode
    if stat.S_ISFIFO(mode) or stat.S_ISCHR(mode):
        return Target(path, real, "stream")
    if stat.S_ISDIR(mode):
        raise OutputError(errno.EISDIR, "it is a directory", path)
    if not stat.S_ISREG(mode):
        what = "a block device" if stat.S_ISBLK(mode) else "a socket"
        raise OutputError(
            errno.EINVAL,
            f"it is {what} (gdviz writes regular files, FIFOs and character devices)",
            path,
        )
    bits = stat.S_IMODE(mode)
    if not bits & 0o222 or not os.access(real, os.W_OK):
        raise OutputError(
            errno.EACCES,
            f"it is read-only (mode {bits:04o}); make it writable or choose another name",
            path,
        )
    return Target(path, real, "file", bits, (info.st_uid, info.st_gid))


def _check_length(path: Path, real: Path) -> None:
    limit = temporaries.name_max(real.parent)
    for part in (*path.parts, *real.parts):
        size = len(os.fsencode(part))
        if size > limit:
            raise OutputError(
                errno.ENAMETOOLONG,
                f"a file name in it is too long ({size} bytes; at most {limit})",
                path,
            )
    try:
        longest = int(os.pathconf("/", "PC_PATH_MAX"))
    except (OSError, ValueError):
        longest = 4096
    if len(os.fsencode(real)) >= longest:
        raise OutputError(
            errno.ENAMETOOLONG, f"the path is too long (at most {longest} bytes)", path
        )


def output_path(directory: str | Path, name: str) -> Path:
    """``directory / name``, for a ``name`` that is one plain file name.

    Raises
    ------
    OutputError
        If ``name`` is empty, ``.`` or ``..``, or holds a path separator or NUL, i.e. would not
        name a file directly inside ``directory``.
    """
    directory = Path(directory)
    separators = {os.sep, os.altsep or os.sep, "\0"}
    if name in ("", ".", "..") or any(s in name for s in separators):
        raise OutputError(
            errno.EINVAL,
            f"{name!r} is not a plain file name (an output stays inside its directory)",
            directory / "…",
        )
    return directory / name


@contextlib.contextmanager
def atomic_path(path: str | Path, *, keep_suffix: bool = False) -> Iterator[Path]:
    """Yield a temporary path to write the output ``path`` into; on success, put it in place.

    A regular (or new) target is replaced atomically; a FIFO or character device receives the
    bytes written to the temporary path, streamed; see the module docstring. On an exception
    the temporary is removed and ``path`` is untouched. With ``keep_suffix`` the temporary
    ends in ``path``'s suffix, for writers that choose the format by the name (Pillow,
    matplotlib's movie writers).

    Raises
    ------
    OutputError
        If ``path`` is refused (:func:`inspect_target`) or cannot be written.
    """
    target = inspect_target(path)
    suffix = Path(path).suffix if keep_suffix else ""
    if target.kind == "stream":
        with _stream_buffer(suffix) as (buffer, fd):
            yield buffer
            _copy_to_stream(fd, target)
        return
    directory = target.real.parent
    try:
        directory.mkdir(parents=True, exist_ok=True)
        temporaries.sweep(directory, target.real.name)
        tmp = temporaries.make_file(directory, target.real.name, suffix)
    except OSError as error:
        raise OutputError.wrap(error, path) from None
    try:
        yield tmp
        _commit(tmp, target)
    except OSError as error:
        raise OutputError.wrap(error, path) from None
    finally:
        tmp.unlink(missing_ok=True)


def atomic_write(path: str | Path, data: bytes) -> None:
    """Write ``data`` to ``path``: atomically for a regular file, streamed to a FIFO or device.

    Raises
    ------
    OutputError
        If ``path`` is refused (:func:`inspect_target`) or cannot be written.
    """
    target = inspect_target(path)
    if target.kind == "stream":
        _write_stream(target, [data])
        return
    with atomic_path(path) as tmp, open(tmp, "wb") as handle:
        handle.write(data)


def place(made: str | Path, path: str | Path) -> Path:
    """Put the finished file ``made`` at the output ``path``, as :func:`atomic_path` would.

    ``made`` is moved (renamed if on the same file system, else copied through a temporary
    sibling of the target); a FIFO or device target receives its bytes and ``made`` is
    removed. Returns the path the bytes went to.

    Raises
    ------
    OutputError
        If ``path`` is refused (:func:`inspect_target`) or cannot be written.
    """
    made = Path(made)
    target = inspect_target(path)
    if target.kind == "stream":
        with open(made, "rb") as handle:
            _write_stream(target, iter(lambda: handle.read(_CHUNK), b""))
        made.unlink()
        return target.real
    try:
        target.real.parent.mkdir(parents=True, exist_ok=True)
        if os.stat(made).st_dev == os.stat(target.real.parent).st_dev:
            mode = target.mode if target.mode is not None else _new_file_mode(target.real.parent)
            os.chmod(made, mode)
            _commit(made, target)
            return target.real
    except OSError as error:
        raise OutputError.wrap(error, path) from None
    with atomic_path(path) as tmp:
        shutil.copyfile(made, tmp)
    made.unlink()
    return target.real


def _new_file_mode(directory: Path) -> int:
    """``0o666`` less the umask: the mode a new file in ``directory`` gets (found without
    changing the process's umask, which other threads share)."""
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return 0o666 & ~int(line.split()[1], 8)
    probe = temporaries.make_file(directory, "mode-probe")  # pragma: no cover - not Linux
    try:
        return stat.S_IMODE(probe.stat().st_mode)
    finally:
        probe.unlink()


def _commit(tmp: Path, target: Target) -> None:
    """fsync ``tmp``, give it the old file's mode (and owner), move it onto the target."""
    fd = os.open(tmp, os.O_RDONLY | os.O_CLOEXEC)
    try:
        if target.mode is not None:
            os.fchmod(fd, target.mode)
        if target.owner is not None and os.geteuid() == 0:
            with contextlib.suppress(OSError):
                os.fchown(fd, *target.owner)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, target.real)
    _fsync_directory(target.real.parent)


def _fsync_directory(directory: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextlib.contextmanager
def _stream_buffer(suffix: str = "") -> Iterator[tuple[Path, int]]:
    """A file to collect a stream's bytes in: in memory (``memfd``) where the system has it
    and no ``suffix`` is needed, else in the system's temporary directory; it never sits
    beside the FIFO or device."""
    memfd = getattr(os, "memfd_create", None)
    if memfd is not None and not suffix and Path("/proc/self/fd").is_dir():
        fd = memfd("gdviz-output", os.MFD_CLOEXEC)
        try:
            yield Path(f"/proc/self/fd/{fd}"), fd
        finally:
            os.close(fd)
        return
    with tempfile.TemporaryDirectory(prefix="gdviz-") as scratch:
        buffer = Path(scratch) / f"output{suffix}"
        buffer.touch()
        fd = os.open(buffer, os.O_RDWR)
        try:
            yield buffer, fd
        finally:
            os.close(fd)


def _copy_to_stream(fd: int, target: Target) -> None:
    os.lseek(fd, 0, os.SEEK_SET)

    def chunks() -> Iterator[bytes]:
        while chunk := os.read(fd, _CHUNK):
            yield chunk

    _write_stream(target, chunks())


def _write_stream(target: Target, chunks: Iterator[bytes] | list[bytes]) -> None:
    """Open the FIFO or device (waiting for a FIFO's reader, as any writer does) and write."""
    try:
        with open(target.real, "wb", buffering=0) as handle:
            for chunk in chunks:
                view = memoryview(chunk)
                while view:
                    written = handle.write(view)
                    view = view[written or len(view) :]
    except BrokenPipeError:
        raise OutputError(errno.EPIPE, "its reader closed it before the end", target.path) from None
    except OSError as error:
        raise OutputError.wrap(error, target.path) from None


# ------------------------------------------------------------------------------ directories


@contextlib.contextmanager
def atomic_directory(path: str | Path) -> Iterator[Path]:
    """Yield a fresh temporary directory beside ``path``; on success it replaces ``path``.

    The old directory stays intact until the new one is complete and flushed to disk. The two
    are then swapped with one atomic exchange (:func:`exchange_paths`), so ``path`` never goes
    missing, and the old one is removed. A symbolic link at ``path`` is followed (the link
    stays). On an exception the temporary directory is removed.

    File systems without an atomic exchange (not Linux, or one that lacks ``renameat2``'s
    ``RENAME_EXCHANGE``) get two renames instead, with a moment between them when ``path`` is
    missing: POSIX has no other way to replace a non-empty directory.
    """
    real = Path(os.path.realpath(path))
    parent = real.parent
    parent.mkdir(parents=True, exist_ok=True)
    temporaries.sweep(parent, real.name)
    tmp = temporaries.make_dir(parent, real.name)
    try:
        if real.is_dir():
            os.chmod(tmp, stat.S_IMODE(real.stat().st_mode))
        yield tmp
        _fsync_tree(tmp)
        _replace_directory(tmp, real)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def _fsync_tree(root: Path) -> None:
    """Flush every file and directory under ``root`` to disk (before it replaces anything)."""
    for directory, _, files in os.walk(root):
        for name in files:
            path = os.path.join(directory, name)
            if not os.path.islink(path):
                with contextlib.suppress(OSError):
                    fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
                    try:
                        os.fsync(fd)
                    finally:
                        os.close(fd)
        _fsync_directory(Path(directory))


def _replace_directory(new: Path, path: Path) -> None:
    if not path.exists():
        os.rename(new, path)
        _fsync_directory(path.parent)
        return
    try:
        exchange_paths(new, path)
    except OSError as error:
        if error.errno not in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):
            raise
        old = temporaries.make_dir(path.parent, path.name, "old")
        os.rename(path, old / "previous")
        os.rename(new, path)
        shutil.rmtree(old, ignore_errors=True)
    else:
        _fsync_directory(path.parent)
        shutil.rmtree(new, ignore_errors=True)  # holds the previous directory now


_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def exchange_paths(first: str | Path, second: str | Path) -> None:
    """Swap two existing paths in one atomic step (Linux ``renameat2(RENAME_EXCHANGE)``).

    Raises
    ------
    OSError
        ``ENOSYS`` where the system has no such call, ``EINVAL`` where the file system does not
        support it, or the call's own error.
    """
    renameat2 = _renameat2()
    if renameat2 is None:
        raise OSError(errno.ENOSYS, "atomic exchange is not available on this system")
    result = renameat2(
        _AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE
    )
    if result != 0:
        code = ctypes.get_errno()
        raise OSError(code, os.strerror(code), str(first), None, str(second))


@functools.cache
def _renameat2():  # -> the C function, or None
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        function = ctypes.CDLL(name, use_errno=True).renameat2
    except (OSError, AttributeError):
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p]
    function.argtypes += [ctypes.c_uint]
    function.restype = ctypes.c_int
    return function


def check_writable_dir(path: str | Path) -> Path:
    """Create ``path`` if needed and check a file can be written in it.

    Raises
    ------
    OSError
        With a one-line reason if the directory cannot be created or written.
    """
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise NotADirectoryError(f"{path} exists and is not a directory")
    path.mkdir(parents=True, exist_ok=True)
    if not os.access(path, os.W_OK | os.X_OK):
        raise PermissionError(f"{path} is not writable")
    return path
