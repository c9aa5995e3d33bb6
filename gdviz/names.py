"""Names: which ones are safe, and one rule for every "did you mean …?" gdviz prints.

A name of an experiment, figure or scene becomes part of a file name (``<figure>-<name>.svg``),
an element id and a JSON key in the report, so every such name matches :data:`SAFE_NAME`:
1 to 64 ASCII letters, digits, ``-`` and ``_``, starting with a letter or digit — no ``/``,
``..``, NUL, spaces or markup. Names are checked where they are read (:func:`check_name`).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

__all__ = ["SAFE_NAME", "check_name", "did_you_mean", "unknown_name_message"]

#: A name that is safe as a file name, an HTML id and a JSON key.
SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
SAFE_NAME_RULE = "1–64 letters, digits, '-' or '_', starting with a letter or digit"


def check_name(what: str, name: object) -> str:
    """``name`` if it matches :data:`SAFE_NAME`.

    Raises
    ------
    ValueError
        One line: ``experiment name '../x' is not allowed (use 1–64 letters, ...)``.
    """
    if not isinstance(name, str) or SAFE_NAME.fullmatch(name) is None:
        shown = repr(name) if len(str(name)) <= 80 else repr(str(name)[:77]) + "…"
        raise ValueError(f"{what} name {shown} is not allowed (use {SAFE_NAME_RULE})")
    return name


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """``" (did you mean 'adam'?)"`` or ``""``.

    The suggestion is the only choice that starts with ``word`` (``"rms"`` → ``"rmsprop"``) or
    else the closest by :func:`difflib.get_close_matches` (ratio ≥ 0.5).
    """
    options = list(choices)
    starts = [c for c in options if word and c.startswith(word)]
    match = starts if len(starts) == 1 else difflib.get_close_matches(word, options, 1, 0.5)
    return f" (did you mean '{match[0]}'?)" if match else ""


def unknown_name_message(what: str, name: str, choices: Iterable[str]) -> str:
    """One line: ``unknown landscape 'rosenbrok' (did you mean 'rosenbrock'?)``.

    Without a close match the line lists the choices instead.
    """
    options = list(choices)
    hint = did_you_mean(name, options) or f" (choose from {', '.join(options)})"
    return f"unknown {what} '{name}'{hint}"
