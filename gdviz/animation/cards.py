"""Cards: the first steps' update equations with their numbers, laid out in a panel."""

from __future__ import annotations

from collections.abc import Sequence

from manim import DOWN, LEFT, RIGHT, ManimColor, VGroup

from gdviz.animation.equations import caption_of
from gdviz.animation.marks import panel
from gdviz.animation.text import formula, label

__all__ = ["summary_card"]


def summary_card(
    entries: Sequence[tuple[str, ManimColor, Sequence[str]]],
    *,
    right: float = 6.3,
    centre_y: float = 0.0,
) -> VGroup:
    """One row per run: its name in its colour, then its Typst lines stacked to the right.

    The card is right-aligned at ``right`` and centred vertically at ``centre_y``; its
    ``caption`` attribute reads the lines as plain text (for the WebVTT captions).
    """
    rows = VGroup()
    names = VGroup()
    words = []
    for name, col, lines in entries:
        tag = label(name, 22, col)
        maths = VGroup(*(formula(line, 38) for line in lines))
        maths.arrange(DOWN, aligned_edge=LEFT, buff=0.08)
        names.add(tag)
        rows.add(VGroup(tag, maths))
        words.append(f"{name}: " + caption_of(lines))
    width = max(tag.width for tag in names) + 0.25
    for tag, maths in rows:
        maths.next_to(tag, RIGHT, buff=width - tag.width, aligned_edge=DOWN)
        tag.move_to(maths.get_top() + 0.22 * DOWN, coor_mask=[0, 1, 0])
    rows.arrange(DOWN, aligned_edge=LEFT, buff=0.18)
    back = panel(rows.width + 0.4, rows.height + 0.32)
    card = VGroup(back, rows)
    rows.move_to(back)
    card.move_to([right - card.width / 2, centre_y, 0])
    card.caption = " · ".join(words)  # type: ignore[attr-defined]
    return card
