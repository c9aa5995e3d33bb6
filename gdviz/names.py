"""Suggestions for mistyped names: one rule for every "did you mean …?" gdviz prints."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

__all__ = ["did_you_mean", "unknown_name_message"]


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
