"""Runners: a marker following a trajectory on given axes, with a trail behind it.

Drawing only: every point comes from a :class:`~gdviz.trajectory.Trajectory`; between two steps
the marker moves along the straight segment (see :mod:`gdviz.animation.clock`), or along the
ground for a 1-D curve (``lift``). Overlapping trails stay visible: each trail is drawn over a
thin halo of the background colour, scenes give earlier runners wider trails so a later,
thinner one drawn on top never hides them, and :func:`layered` puts every runner's halo under
all the trails (a halo drawn with its own trail would blot out the wider trail beneath it).

Cost: a runner redraws itself every frame while it has its updater, and Manim then redraws
everything stacked above it too. Long descents freeze the trail drawn so far into static copies
(:meth:`Runner.freeze_trail`, used by :func:`~gdviz.animation.clock.play_clock`), and a runner
whose descent is over is :meth:`Runner.settle`-d: one static mobject again, drawn once into
the background while other runners move.

Line styles: a runner draws its optimizer's dash sequence of :mod:`gdviz.style` (the same one
matplotlib draws), scaled like matplotlib's by the line width (:func:`dash_pieces`); where
paths coincide, a dashed trail lets the wider one beneath it show through its gaps.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from manim import RIGHT, Dot, ManimColor, VGroup, VMobject

from gdviz.animation.clock import Clock, path_at, path_until
from gdviz.animation.colors import BG

__all__ = ["STROKE_UNIT", "Runner", "dash_pieces", "layered"]

Mapping = Callable[[np.ndarray], np.ndarray]

#: A Manim stroke width of 1 in scene units (Cairo's line width multiple).
STROKE_UNIT = 0.01


def _arc_lengths(points: np.ndarray) -> np.ndarray:
    """The arc length of a polyline up to each corner: :math:`s_0 = 0`,
    :math:`s_i = s_{i-1} + \\lVert p_i - p_{i-1} \\rVert`."""
    return np.concatenate([[0.0], np.cumsum(np.linalg.norm(np.diff(points, axis=0), axis=1))])


def dash_pieces(
    points: np.ndarray, pattern: Sequence[float], scale: float, offset: float = 0.0
) -> list[np.ndarray]:
    """The drawn ("on") pieces of a polyline under a dash pattern.

    Parameters
    ----------
    points : ndarray, shape (m, k)
        The polyline's corners.
    pattern : sequence of float
        Matplotlib's on/off sequence :math:`(d_0, d_1, \\dots)`, each length times ``scale``;
        empty for a solid line (one piece: the polyline).
    offset : float
        The arc length drawn before ``points[0]`` (so a path drawn in pieces keeps one phase).

    Returns
    -------
    list of ndarray
        Each piece's corners: the arc-length interval :math:`[a, b]` of a dash, with every
        corner strictly inside it. A dash at arc length :math:`u` is on when
        :math:`(u \\bmod P)` falls in an "on" entry, :math:`P = \\text{scale} \\sum d_i`.
    """
    points = np.asarray(points, dtype=float)
    lengths = np.asarray(pattern, dtype=float) * scale
    if len(lengths) == 0 or len(points) < 2 or float(lengths.sum()) <= 0:
        return [points]
    arc = _arc_lengths(points)
    total = float(arc[-1])
    period = float(lengths.sum())
    starts = np.concatenate([[0.0], np.cumsum(lengths)[:-1]])
    first = math.floor(offset / period)
    pieces = []
    for cycle in range(first, math.floor((offset + total) / period) + 1):
        for start, length in zip(starts[::2], lengths[::2], strict=False):
            a = max(cycle * period + start - offset, 0.0)
            b = min(cycle * period + start + length - offset, total)
            if b - a <= 1e-12:
                continue
            inner = (arc > a) & (arc < b)
            at = np.concatenate([[a], arc[inner], [b]])
            pieces.append(
                np.column_stack([np.interp(at, arc, points[:, j]) for j in range(points.shape[1])])
            )
    return pieces


def _set_polylines(mob: VMobject, pieces: Sequence[np.ndarray]) -> None:
    """Give ``mob`` one straight-segment subpath per piece (Manim splits the subpaths where a
    curve does not start at the previous one's end)."""
    quads = []
    for corners in pieces:
        if len(corners) < 2:
            continue
        a, b = corners[:-1], corners[1:]
        quads.append(np.stack([a, a + (b - a) / 3, a + 2 * (b - a) / 3, b], axis=1).reshape(-1, 3))
    if quads:
        mob.points = np.concatenate(quads)
    else:
        mob.clear_points()


class Runner(VGroup):
    """A marker following a trajectory, with an optional trail.

    Parameters
    ----------
    name : str
        Identifies the runner (tests compare what it draws with the trajectory of that name).
    points : ndarray, shape (n + 1, d)
        The data points (``Trajectory.points``).
    to_scene : callable
        Maps an ``(m, k)`` array of shown points to ``(m, 3)`` scene points (``axes.c2p``).
    clock : Clock
    col : ManimColor
    lift : callable, optional
        ``(m, d) -> (m, k)``: the point shown for a data point (1-D: ``x -> (x, L(x))``, so the
        marker walks on the curve; 3-D: ``(x, y) -> (x, y, height)``). Default: the point.
    clip : callable, optional
        ``clip(data_points) -> bool mask`` of points that may be drawn (inside the plot); the
        trail and the marker stop at the last point before the first one outside.
    marker : Mobject, optional
        Drawn instead of a dot; a marker with a ``stand_at(point, phase)`` method (the hiker) is
        posed with a walking phase that follows the clock.
    halo : bool
        Draw the trail over a halo of the background colour (off for crossing noisy paths,
        where halos would blot each other out).
    dash : sequence of float
        The trail's dash sequence (:func:`gdviz.style.optimizer_dash`; empty: solid), in
        multiples of the trail's width (see :func:`dash_pieces`). The halo stays solid.
    """

    def __init__(
        self,
        name: str,
        points: np.ndarray,
        to_scene: Mapping,
        clock: Clock,
        col: ManimColor,
        *,
        lift: Mapping | None = None,
        radius: float = 0.1,
        trail: bool = True,
        trail_width: float = 4.0,
        clip: Callable[[np.ndarray], np.ndarray] | None = None,
        marker: VMobject | None = None,
        halo: bool = True,
        dash: Sequence[float] = (),
    ) -> None:
        super().__init__()
        self.name = name
        self.data = np.asarray(points, dtype=float)
        self.lift: Mapping = lift or (lambda p: p)
        self.to_scene = to_scene
        self.scene_points = np.asarray(to_scene(self.lift(self.data)), dtype=float)
        self.clock = clock
        inside = np.ones(len(self.data), bool) if clip is None else np.asarray(clip(self.data))
        outside = np.flatnonzero(~inside)
        #: the last index that may be drawn (a run leaving the plot stops being drawn there)
        self.last_visible = int(outside[0]) - 1 if len(outside) else len(self.data) - 1
        self.halo = VMobject(stroke_color=BG, stroke_width=trail_width + 3, stroke_opacity=0.8)
        self.trail = VMobject(stroke_color=col, stroke_width=trail_width, stroke_opacity=1)
        self.dot: Any = marker if marker is not None else Dot(radius=radius, color=col)
        if marker is None:
            self.dot.set_stroke(BG, 2)
        if trail:
            self.add(*((self.halo,) if halo else ()), self.trail)
        self.add(self.dot)
        #: the live trail starts at this step; the part before it was frozen (see play_clock)
        self.tail_from = 0
        #: the frozen copies of the halo and of the trail (placed in the scene by play_clock)
        self.frozen_halo, self.frozen_trail = VGroup(), VGroup()
        self.draws_halo = trail and halo
        self.dash = tuple(float(d) for d in dash)
        #: the arc length of the drawn path up to each step (the dashes' phase)
        self.arc = _arc_lengths(self.scene_points)
        self.add_updater(lambda m: m.refresh())
        self.refresh()

    @property
    def shown_clock(self) -> float:
        """The clock value drawn: the clock, held at the last visible step."""
        return min(self.clock.get_value(), float(self.last_visible))

    @property
    def visible(self) -> bool:
        """Whether the runner is still inside the plot at the current clock."""
        return self.clock.get_value() <= self.last_visible + 1e-9

    def current(self) -> np.ndarray:
        """The data point shown now (between steps: on the segment)."""
        return path_at(self.data, self.shown_clock)

    def position(self) -> np.ndarray:
        """The scene point the marker stands on now."""
        return np.asarray(self.to_scene(self.lift(self.current()[None, :])), dtype=float)[0]

    def freeze_trail(self) -> list[VMobject]:
        """Static copies (halo if drawn, then trail) of the trail drawn since the last freeze,
        added to :attr:`frozen_halo` and :attr:`frozen_trail`; the live trail then starts where
        they end. Empty if there is too little to freeze."""
        k = min(math.floor(self.clock.get_value() + 1e-9), self.last_visible)
        if k - self.tail_from < 2 or self.trail not in self.submobjects:
            return []
        frozen = []
        pairs = [(self.halo, self.frozen_halo)] if self.draws_halo else []
        for live, group in (*pairs, (self.trail, self.frozen_trail)):
            piece = VMobject(
                stroke_color=live.get_stroke_color(),
                stroke_width=live.get_stroke_width(),
                stroke_opacity=live.get_stroke_opacity(),
            )
            self._draw(piece, live is self.trail, self.scene_points[self.tail_from : k + 1])
            group.add(piece)
            frozen.append(piece)
        self.tail_from = k
        return frozen

    def settle(self) -> Runner:
        """Stop following the clock and keep what is shown now, as one static mobject.

        The frozen copies are emptied and the runner's own trail redrawn from the first step
        (the same points), so the runner can be restacked or faded as one mobject; without its
        updater Manim draws it once into the background instead of every frame. Call it when
        the runner's descent is over and others still move.
        """
        for group in (self.frozen_halo, self.frozen_trail):
            group.remove(*group.submobjects)
        self.tail_from = 0
        self.refresh()
        self.clear_updaters()
        return self

    def _draw(self, mob: VMobject, dashed: bool, corners: np.ndarray) -> None:
        """Set ``mob`` to the path through ``corners`` (from step :attr:`tail_from` on),
        dashed with the runner's pattern when ``dashed``."""
        if not (dashed and self.dash):
            mob.set_points_as_corners(corners)
            return
        scale = self.trail.get_stroke_width() * STROKE_UNIT
        _set_polylines(mob, dash_pieces(corners, self.dash, scale, self.arc[self.tail_from]))

    def refresh(self) -> None:
        """Redraw the trail up to the clock and put the marker on the current point."""
        c = self.shown_clock
        start = self.tail_from
        pts = path_until(self.scene_points[start : self.last_visible + 1], c - start)
        pts = np.vstack([pts[:-1], self.position()[None, :]])
        if len(pts) < 2:
            pts = np.vstack([pts, pts[-1] + 1e-4 * RIGHT])
        self._draw(self.trail, True, pts)
        self.halo.set_points_as_corners(pts)
        if hasattr(self.dot, "stand_at"):
            k = min(math.floor(c + 1e-9), self.last_visible)
            ahead = self.scene_points[min(k + 1, self.last_visible)] - self.scene_points[k]
            if abs(ahead[0]) > 1e-9:
                self.dot.face(1 if ahead[0] > 0 else -1)
            moving = c < self.last_visible
            self.dot.stand_at(self.position(), phase=2 * math.pi * 1.5 * c if moving else 0.0)
        else:
            self.dot.move_to(self.position())


def layered(runners: Sequence[Runner]) -> list[VMobject]:
    """The mobjects to add for ``runners`` that share a map: every halo first, then the
    runners (trail and marker) in the given order. Each halo is taken out of its runner, which
    keeps redrawing it (:meth:`Runner.refresh`), so it still follows the trail."""
    halos = []
    for runner in runners:
        if runner.halo in runner.submobjects:
            runner.remove(runner.halo)
            halos.append(runner.halo)
    return [*halos, *runners]
