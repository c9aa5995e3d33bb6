"""Where the report keeps what it can reuse between builds (compiled formulas, videos)."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["cache_dir"]


def cache_dir() -> Path | None:
    """``$GDVIZ_CACHE_DIR``, else ``$XDG_CACHE_HOME/gdviz``, else ``~/.cache/gdviz``.

    ``GDVIZ_CACHE_DIR=""`` (empty) disables the on-disk cache and returns ``None``.
    """
    explicit = os.environ.get("GDVIZ_CACHE_DIR")
    if explicit is not None:
        return Path(explicit) if explicit else None
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "gdviz"
