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

__all__ = ["SAFE_NAME", "check_name", "did_you_mean", "typo_distance", "unknown_name_message"]

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

    The suggestion is the only choice that starts with ``word`` (``"rms"`` → ``"rmsprop"``);
    else the first choice one typo away — a letter added, dropped, changed, or two neighbours
    swapped (``"adma"`` → ``"adam"``, not ``"adamax"``; two typos for words of six letters or
    more); else the closest by :func:`difflib.get_close_matches` (ratio ≥ 0.5).
    """
    options = list(choices)
    starts = [c for c in options if word and c.startswith(word)]
    if len(starts) == 1:
        return f" (did you mean '{starts[0]}'?)"
    allowed = 1 if len(word) < 6 else 2
    typos = [c for c in options if typo_distance(word.lower(), c.lower()) <= allowed]
    match = typos[:1] or difflib.get_close_matches(word, options, 1, 0.5)
    return f" (did you mean '{match[0]}'?)" if match else ""


def typo_distance(a: str, b: str) -> int:
    r"""The fewest typos that turn ``a`` into ``b``: the optimal-string-alignment distance.

    A typo inserts, deletes or substitutes one character, or swaps two adjacent ones. With
    :math:`d_{i,j}` the distance between the prefixes ``a[:i]`` and ``b[:j]``,

    .. math::
        d_{i,j} = \min(d_{i-1,j} + 1,\ d_{i,j-1} + 1,\ d_{i-1,j-1} + [a_i \ne b_j],
                       \ d_{i-2,j-2} + 1 \text{ if } a_i = b_{j-1},\ a_{i-1} = b_j).
    """
    before: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        row = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            row[j] = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (a[i - 1] != b[j - 1]))
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                row[j] = min(row[j], before[j - 2] + 1)
        before, previous = previous, row
    return previous[len(b)]


def unknown_name_message(what: str, name: str, choices: Iterable[str]) -> str:
    """One line: ``unknown landscape 'rosenbrok' (did you mean 'rosenbrock'?)``.

    Without a close match the line lists the choices instead.
    """
    options = list(choices)
    hint = did_you_mean(name, options) or f" (choose from {', '.join(options)})"
    return f"unknown {what} '{name}'{hint}"
