"""The step clock of a scene and the interpolation of paths between steps.

A :class:`Clock` holds a continuous value ``c``; ``floor(c)`` is the current step. A runner shows
the trajectory's point :math:`\\theta_k` at ``c = k`` and, between two steps, the straight
segment :math:`\\theta_k + (c - k)(\\theta_{k+1} - \\theta_k)` (no optimizer is re-run).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import numpy as np
from manim import Scene, ValueTracker, linear

if TYPE_CHECKING:
    from manim import Mobject

    from gdviz.animation.runner import Runner

__all__ = ["Clock", "path_at", "path_until", "play_clock"]


class Clock(ValueTracker):
    """The scene's step counter: a continuous value ``c``; ``floor(c)`` is the current step.

    Animate it with :func:`play_clock`. Never add it to the scene before static mobjects.
    """

    @property
    def step(self) -> int:
        """The current step, ``floor(c)``."""
        return math.floor(self.get_value() + 1e-9)


def path_at(points: np.ndarray, c: float) -> np.ndarray:
    """The displayed point of a path at clock ``c``: step points joined by straight segments.

    ``points`` has shape ``(n + 1, d)``; beyond the end the last point is held.
    """
    n = len(points) - 1
    if c <= 0 or n == 0:
        return points[0]
    if c >= n:
        return points[n]
    k = math.floor(c)
    return points[k] + (c - k) * (points[k + 1] - points[k])


def path_until(points: np.ndarray, c: float) -> np.ndarray:
    """The path drawn up to clock ``c``: the first ``floor(c) + 1`` points and the current one."""
    n = len(points) - 1
    k = min(math.floor(max(c, 0.0)), n)
    head = points[: k + 1]
    if k < n and c > k:
        head = np.vstack([head, path_at(points, c)])
    return head


def play_clock(
    scene: Scene,
    clock: Clock,
    target: float,
    run_time: float,
    rate: Callable[[float], float] = linear,
    *,
    runners: Sequence[Runner] = (),
    under: Mobject | None = None,
    segments: int = 1,
    settle: bool = False,
) -> None:
    """Advance ``clock`` to ``target`` in ``run_time`` seconds along ``rate`` (0→0, 1→1).

    With ``segments > 1`` the move is played in that many pieces (the same motion: each piece
    follows ``rate`` on its share of time); between pieces the runners' trails drawn so far are
    frozen into static paths placed just above ``under`` (e.g. the background image), so Manim
    draws them once per piece instead of once per frame. Long trails then cost little. With
    ``settle`` the descent ends here: the runners are then
    :meth:`~gdviz.animation.runner.Runner.settle`-d (static, drawn once while others move).
    """
    start = clock.get_value()
    span = target - start
    if under is not None and segments > 1:
        # the frozen halos under every frozen trail (a halo never covers another runner's
        # trail), then each runner's frozen trail, in runner order (the live trails' stacking)
        groups = [r.frozen_halo for r in runners] + [r.frozen_trail for r in runners]
        position = scene.mobjects.index(under) + 1
        scene.mobjects[position:position] = [g for g in groups if g not in scene.mobjects]
    for j in range(segments):
        u0, u1 = j / segments, (j + 1) / segments
        f0, f1 = rate(u0), rate(u1)
        if under is not None and j > 0:
            for runner in runners:
                runner.freeze_trail()
        if f1 - f0 <= 1e-12:
            scene.wait(run_time / segments, frozen_frame=False)
            continue

        def segment_rate(t: float, u0: float = u0, f0: float = f0, f1: float = f1) -> float:
            return (rate(u0 + t / segments) - f0) / (f1 - f0)

        scene.play(
            clock.animate.set_value(start + span * f1),
            rate_func=linear if rate is linear else segment_rate,
            run_time=run_time / segments,
        )
    if settle:
        for runner in runners:
            runner.settle()
    elif under is not None and segments > 1:
        # the whole path frozen: every halo under every trail again in the still frame after
        for runner in runners:
            runner.freeze_trail()
