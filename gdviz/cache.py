"""Where gdviz caches what it can reuse, and how it checks a cached file before reusing it.

Layout (``gdviz cache info`` prints it)::

    $XDG_CACHE_HOME/gdviz/          default ~/.cache/gdviz; $GDVIZ_CACHE_DIR overrides it,
    │                                and GDVIZ_CACHE_DIR="" turns the cache off
    ├── videos/<quality>/           the report's rendered lecture videos, one set per quality
    │   ├── <scene>.mp4, <scene>.png          the video and its poster
    │   └── .<scene>.render.json              its record (below)
    ├── typst/<key>-<sha256>.svg    typeset formulas, named by their source and their content
    └── fused/gdviz_fused_<sha>.py  descend's compiled loops (:mod:`gdviz.fused`), named by
        └── __pycache__/            their source, and numba's machine code of each

Nothing is reused on trust. A rendered output has a **record** beside it that holds the hash of
everything it was rendered from *and* each file's size and SHA-256; :func:`verify` accepts the
outputs only if the inputs are unchanged and every file still has exactly the recorded size and
hash, so a truncated or edited video is rendered again. :func:`publish` writes the record
*before* it moves the outputs into place: a kill between the two leaves a record that does not
match the files, which :func:`verify` rejects — never a stale pair that passes. A cached blob
(a formula) carries its own hash in its name (:func:`load_blob`). A file copied out of the
cache is checked again while it is copied (:func:`copy_verified`).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gdviz.atomic import atomic_path, atomic_write, output_path, place

__all__ = [
    "SECTIONS",
    "CacheError",
    "FileDigest",
    "SectionInfo",
    "cache_dir",
    "cache_info",
    "clear_cache",
    "copy_verified",
    "file_digest",
    "load_blob",
    "publish",
    "read_record",
    "record_path",
    "recorded_digest",
    "store_blob",
    "verify",
]

#: The cache's sections: directory name → what it holds.
SECTIONS: dict[str, str] = {
    "videos": "rendered lecture videos of the report",
    "typst": "typeset formulas (SVG)",
    "fused": "compiled loops of descend's big batches (numba)",
}
_CHUNK = 1 << 20


class CacheError(ValueError):
    """A cached file that does not match its record (one line)."""


def cache_dir() -> Path | None:
    """``$GDVIZ_CACHE_DIR``, else ``$XDG_CACHE_HOME/gdviz``, else ``~/.cache/gdviz``.

    ``GDVIZ_CACHE_DIR=""`` (empty) disables the on-disk cache and returns ``None``.
    """
    explicit = os.environ.get("GDVIZ_CACHE_DIR")
    if explicit is not None:
        return Path(explicit) if explicit else None
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "gdviz"


@dataclass(frozen=True)
class FileDigest:
    """A file's size in bytes and SHA-256 (hex)."""

    size: int
    sha256: str

    def to_dict(self) -> dict[str, Any]:
        """The record entry: ``{"size", "sha256"}``."""
        return {"size": self.size, "sha256": self.sha256}

    @classmethod
    def from_dict(cls, data: object) -> FileDigest | None:
        """The digest in a record entry, or ``None`` for a malformed entry."""
        if not isinstance(data, dict):
            return None
        size, sha = data.get("size"), data.get("sha256")
        if isinstance(size, int) and not isinstance(size, bool) and isinstance(sha, str):
            return cls(size, sha)
        return None


def file_digest(path: str | Path) -> FileDigest:
    """Size and SHA-256 of the file at ``path``."""
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return FileDigest(size, digest.hexdigest())


def _matches(path: Path, expected: FileDigest) -> bool:
    try:
        if path.stat().st_size != expected.size:  # the cheap check first
            return False
        return file_digest(path) == expected
    except OSError:
        return False


# ------------------------------------------------------------------------------ records


def record_path(directory: str | Path, stem: str) -> Path:
    """The record of the outputs ``<stem>.*`` in ``directory``: ``.<stem>.render.json``."""
    return output_path(directory, f".{stem}.render.json")


def read_record(directory: str | Path, stem: str) -> dict[str, Any] | None:
    """The record of ``stem`` in ``directory``, or ``None`` if missing or unreadable."""
    try:
        record = json.loads(record_path(directory, stem).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) else None


def verify(directory: str | Path, stem: str, inputs: str, names: Iterable[str]) -> bool:
    """Whether the files ``names`` in ``directory`` are reusable outputs of ``inputs``.

    True only if the record of ``stem`` was made from ``inputs`` (the hash of what the
    outputs depend on) and each file exists with exactly its recorded size and SHA-256.
    """
    record = read_record(directory, stem)
    if record is None or record.get("hash") != inputs:
        return False
    files = record.get("files")
    if not isinstance(files, dict):
        return False
    for name in names:
        expected = FileDigest.from_dict(files.get(name))
        if expected is None or not _matches(output_path(directory, name), expected):
            return False
    return True


def recorded_digest(directory: str | Path, stem: str, name: str) -> FileDigest | None:
    """The size and hash the record of ``stem`` holds for the output ``name``."""
    record = read_record(directory, stem)
    files = record.get("files") if record else None
    return FileDigest.from_dict(files.get(name)) if isinstance(files, dict) else None


def publish(
    directory: str | Path,
    stem: str,
    inputs: str,
    files: Mapping[str, Path],
    extra: Mapping[str, Any] | None = None,
) -> dict[str, Path]:
    """Move freshly made ``files`` (final name → where it was made) into ``directory``.

    The record — ``inputs``, each file's size and hash, and ``extra`` — is written first, then
    each file is moved into place (:func:`gdviz.atomic.place`). Files the
    record already lists for the same ``inputs`` (a GIF made after the MP4) are kept in it.

    Returns
    -------
    dict
        Final name → its path in ``directory``.
    """
    directory = Path(directory)
    digests = {name: file_digest(path) for name, path in files.items()}
    previous = read_record(directory, stem) or {}
    entries: dict[str, Any] = {}
    if previous.get("hash") == inputs and isinstance(previous.get("files"), dict):
        entries.update(previous["files"])
    entries.update({name: digest.to_dict() for name, digest in digests.items()})
    record = {**previous, **(extra or {}), "hash": inputs, "files": entries}
    atomic_write(record_path(directory, stem), json.dumps(record, indent=1).encode())
    placed = {}
    for name, path in files.items():
        final = output_path(directory, name)
        place(path, final)
        placed[name] = final
    return placed


def copy_verified(source: str | Path, target: str | Path, expected: FileDigest) -> None:
    """Copy ``source`` to ``target`` (atomically), checking its size and hash on the way.

    Raises
    ------
    CacheError
        If the bytes copied do not have the ``expected`` size and SHA-256; ``target`` is then
        not written.
    """
    digest = hashlib.sha256()
    size = 0
    with atomic_path(target) as tmp, open(source, "rb") as reader, open(tmp, "wb") as writer:
        while chunk := reader.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
            writer.write(chunk)
        writer.flush()
        if FileDigest(size, digest.hexdigest()) != expected:
            raise CacheError(
                f"{source} does not match its record ({size} bytes, expected {expected.size})"
            )


# -------------------------------------------------------------------------------- blobs


def _blob_dir(section: str) -> Path | None:
    root = cache_dir()
    return None if root is None else root / section


def load_blob(section: str, key: str, suffix: str) -> bytes | None:
    """The cached bytes stored under ``key`` in ``section``, if intact; else ``None``.

    A blob is the file ``<key>-<sha256 of its bytes><suffix>``; one whose bytes no longer
    hash to its name is removed.
    """
    directory = _blob_dir(section)
    if directory is None:
        return None
    for path in sorted(directory.glob(f"{key}-*{suffix}")):
        try:
            data = path.read_bytes()
        except OSError:
            continue
        if path.name == f"{key}-{hashlib.sha256(data).hexdigest()}{suffix}":
            return data
        path.unlink(missing_ok=True)
    return None


def store_blob(section: str, key: str, data: bytes, suffix: str) -> Path | None:
    """Cache ``data`` under ``key`` in ``section`` (atomically); ``None`` if the cache is off
    or cannot be written (a read-only cache only costs time)."""
    directory = _blob_dir(section)
    if directory is None:
        return None
    path = output_path(directory, f"{key}-{hashlib.sha256(data).hexdigest()}{suffix}")
    try:
        atomic_write(path, data)
    except OSError:
        return None
    return path


# -------------------------------------------------------------------------- info, clear


@dataclass(frozen=True)
class SectionInfo:
    """What one section of the cache holds."""

    name: str
    description: str
    path: Path
    files: int
    size: int


def cache_info() -> list[SectionInfo]:
    """Every section of the cache, with its file count and size (empty if the cache is off)."""
    root = cache_dir()
    if root is None:
        return []
    sections = []
    for name, description in SECTIONS.items():
        path = root / name
        files = [p for p in path.rglob("*") if p.is_file()] if path.is_dir() else []
        size = sum(p.stat().st_size for p in files)
        sections.append(SectionInfo(name, description, path, len(files), size))
    return sections


def clear_cache(sections: Iterable[str] | None = None) -> list[SectionInfo]:
    """Remove the named sections (all by default); returns what they held.

    Only gdviz's own sections are removed, never anything else under the cache directory (so
    a mistaken ``GDVIZ_CACHE_DIR`` cannot wipe a directory), and the directory itself only if
    that leaves it empty.

    Raises
    ------
    ValueError
        For an unknown section name.
    """
    from gdviz.names import unknown_name_message

    chosen = list(sections) if sections else list(SECTIONS)
    for name in chosen:
        if name not in SECTIONS:
            raise ValueError(unknown_name_message("cache section", name, list(SECTIONS)))
    removed = [info for info in cache_info() if info.name in chosen]
    for info in removed:
        shutil.rmtree(info.path, ignore_errors=True)
    root = cache_dir()
    if root is not None and root.is_dir() and not any(root.iterdir()):
        root.rmdir()
    return removed
