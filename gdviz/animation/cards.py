"""Cards: the first steps' update equations with their numbers, laid out in a panel."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
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
    ``caption`` attribute reads the lines as plain text, one caption line per run (for
    the WebVTT captions).
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
        words.append(f"{name}: " + caption_of(lines).replace("\n", ", "))
    width = max(tag.width for tag in names) + 0.25
    for row in rows:
        name_tag: Any = row[0]
        block: Any = row[1]
        block.next_to(name_tag, RIGHT, buff=width - name_tag.width, aligned_edge=DOWN)
        name_tag.move_to(block.get_top() + 0.22 * DOWN, coor_mask=np.array([0.0, 1.0, 0.0]))
    rows.arrange(DOWN, aligned_edge=LEFT, buff=0.18)
    back = panel(rows.width + 0.4, rows.height + 0.32)
    card = VGroup(back, rows)
    rows.move_to(back)
    card.move_to(np.array([right - card.width / 2, centre_y, 0.0]))
    card.caption = "\n".join(words)  # type: ignore[attr-defined]
    return card
