"""Captions: the sentences a scene shows, with their times, written as WebVTT.

Plain data (no Manim): :class:`gdviz.animation.scene.GDScene` records a :class:`Cue` for every
sentence it shows; :mod:`gdviz.animation.render` writes them next to the video as
``<scene>.vtt`` (the report plays them as a ``<track>``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["Cue", "to_webvtt", "vtt_time"]


@dataclass
class Cue:
    """One sentence on screen from ``start`` to ``end`` seconds (``end`` None: still shown)."""

    start: float
    text: str
    end: float | None = None


def vtt_time(seconds: float) -> str:
    """``HH:MM:SS.mmm`` as WebVTT writes timestamps."""
    millis = round(max(seconds, 0.0) * 1000)
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}.{millis:03d}"


def to_webvtt(cues: Iterable[Cue], duration: float) -> str:
    """The WebVTT document of ``cues``; a cue still shown at the end lasts until ``duration``."""
    lines = ["WEBVTT", ""]
    for index, cue in enumerate(sorted(cues, key=lambda c: c.start), 1):
        end = duration if cue.end is None else cue.end
        text = "\n".join(line for line in cue.text.replace("-->", "→").splitlines() if line)
        lines += [str(index), f"{vtt_time(cue.start)} --> {vtt_time(end)}", text, ""]
    return "\n".join(lines)
