"""The hiker of the 1-D scenes, drawn from primitives (no images, no TeX)."""

from __future__ import annotations

import math

import numpy as np
from manim import ORIGIN, RIGHT, UP, Circle, Line, ManimColor, Polygon, RoundedRectangle, VGroup

from gdviz.animation.colors import ACCENT, FG

__all__ = ["Hiker"]


def _xy(x: float, y: float) -> np.ndarray:
    return np.array([x, y, 0.0])


class Hiker(VGroup):
    """A hiker drawn from primitives: head with a hat, body, backpack, legs and a walking stick.

    The origin of the figure is between the feet: :meth:`stand_at` puts the feet on a point.
    ``facing`` is +1 (walking right) or -1. :meth:`stride` swings legs and stick with a phase.
    """

    def __init__(
        self,
        height: float = 1.0,
        col: ManimColor | None = None,
        pack: ManimColor | None = None,
        facing: int = 1,
    ) -> None:
        super().__init__()
        self.h = height
        self.facing = 1
        self.col = col or FG
        s = height
        body_col = self.col
        self.pack = RoundedRectangle(
            width=0.2 * s,
            height=0.3 * s,
            corner_radius=0.05 * s,
            fill_color=pack or ACCENT,
            fill_opacity=1,
            stroke_width=0,
        ).move_to(_xy(-0.12 * s, 0.6 * s))
        self.torso = Line(
            _xy(0, 0.45 * s), _xy(0.02 * s, 0.78 * s), stroke_width=9 * s, color=body_col
        )
        self.head = Circle(
            radius=0.085 * s, fill_color=body_col, fill_opacity=1, stroke_width=0
        ).move_to(_xy(0.04 * s, 0.9 * s))
        self.hat = Polygon(
            _xy(-0.06 * s, 0.96 * s),
            _xy(0.16 * s, 0.96 * s),
            _xy(0.05 * s, 1.04 * s),
            fill_color=pack or ACCENT,
            fill_opacity=1,
            stroke_width=0,
        )
        self.legs = VGroup(
            *(Line(ORIGIN, ORIGIN + UP, stroke_width=7 * s, color=body_col) for _ in range(2))
        )
        self.arm = Line(ORIGIN, RIGHT, stroke_width=6 * s, color=body_col)
        self.stick = Line(ORIGIN, RIGHT, stroke_width=4 * s, color=ManimColor("#B08D57"))
        self.add(self.pack, self.legs, self.torso, self.stick, self.arm, self.head, self.hat)
        self._feet = np.array(ORIGIN, dtype=float)
        self.stride(0.0)
        if facing < 0:
            self.face(-1)

    def stride(self, phase: float) -> Hiker:
        """Pose for a walking phase (radians): legs swing opposite, the stick follows."""
        s, f = self.h, self.facing
        hip = self._feet + np.array([0.0, 0.45 * s, 0])
        swing = 0.32 * math.sin(phase)
        for leg, sign in zip(self.legs, (1, -1), strict=True):
            angle = sign * swing
            foot = hip + 0.45 * s * np.array([f * math.sin(angle), -math.cos(angle), 0])
            leg.put_start_and_end_on(hip, foot)
        shoulder = self._feet + np.array([f * 0.03 * s, 0.74 * s, 0])
        hand = shoulder + s * np.array([f * 0.2, -0.2 + 0.03 * math.sin(phase), 0])
        self.arm.put_start_and_end_on(shoulder, hand)
        tip = self._feet + np.array([f * (0.34 + 0.08 * math.sin(phase)) * s, 0.0, 0])
        top = hand + (hand - tip) * 0.25
        self.stick.put_start_and_end_on(top, tip)
        return self

    def face(self, direction: int) -> Hiker:
        """Turn to walk right (+1) or left (-1)."""
        direction = 1 if direction >= 0 else -1
        if direction != self.facing:
            for part in (self.pack, self.torso, self.head, self.hat):
                part.flip(UP, about_point=self._feet)
            self.facing = direction
            self.stride(0.0)
        return self

    def stand_at(self, point: np.ndarray, phase: float = 0.0) -> Hiker:
        """Put the feet on ``point`` (scene coordinates) and pose for ``phase``."""
        point = np.asarray(point, dtype=float)
        shift = point - self._feet
        for part in (self.pack, self.torso, self.head, self.hat):
            part.shift(shift)
        self._feet = point
        return self.stride(phase)

    @property
    def feet(self) -> np.ndarray:
        """Where the hiker stands (scene coordinates; a copy)."""
        return self._feet.copy()
