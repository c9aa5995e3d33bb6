"""Stuck at a saddle: plain GD lingers near the saddle of x² − y²; momentum escapes sooner.

Data: the built-in experiment ``saddle`` (GD and momentum, η = 0.05, from (−1.8, 10⁻⁴), almost
on the line where the slope across is zero). How long each run lingers near the saddle and when
it leaves the plot are :func:`gdviz.claims.saddle_passage` of the runs; leaving the plot is the
lesson (the loss has no minimum downhill along y).
"""

from __future__ import annotations

import numpy as np
from manim import DOWN, LEFT, RIGHT, VGroup

from gdviz.animation.axes import inside_fn, to_scene_fn
from gdviz.animation.backgrounds import contour_panel
from gdviz.animation.cards import summary_card
from gdviz.animation.clock import Clock, play_clock
from gdviz.animation.colors import FG, run_color
from gdviz.animation.equations import step_summary
from gdviz.animation.marks import key_row, ring
from gdviz.animation.runner import Runner, layered
from gdviz.animation.scene import GDScene
from gdviz.animation.text import LiveText, fixed, label
from gdviz.claims import optimizer_states, saddle_passage

SCENE = {
    "name": "saddle",
    "title": "Stuck at a saddle",
    "summary": "Plain GD lingers near the saddle of x² − y²; momentum escapes sooner.",
    "experiment": "saddle",
    "chapter": "pitfalls",
}

RUN_SECONDS = 14.0
#: The map's side and centre: 57 % of the frame's height, between the subtitle (bottom at
#: y ≈ 2.5) and the caption strip (top at y ≈ −2.6, below the x tick labels).
MAP_SIDE = 4.55
MAP_CENTRE = np.array([-3.58, 0.07, 0.0])
#: The left edge of the read-outs (centred on the map's height, the equation card of the first
#: steps below them, where the captions come later) and the card's right edge.
COLUMN_LEFT, COLUMN_RIGHT = 0.05, 6.3


class Saddle(GDScene):
    """A saddle point: zero slope that is not a minimum."""

    declaration = SCENE

    def construct(self) -> None:
        experiment = self.experiment
        surface = experiment.surface
        runs = experiment.run().by_run()
        steps = max(t.steps for _, t in runs)
        start = experiment.starts[0]
        self.add(
            self.title_block(
                "Stuck at a saddle",
                f'L = x^2 - y^2 quad "from" ({start[0]:g}, 10^(-4)), quad eta = {runs[0][0].lr:g}'
                if start[1] == 1e-4
                else f"L = x^2 - y^2 quad eta = {runs[0][0].lr:g}",
            )
        )
        axes, image, deco = contour_panel(surface, MAP_SIDE, levels=16)
        offset = MAP_CENTRE - axes.get_center()
        for mob in (axes, image, deco):
            mob.shift(offset)
        to_scene = to_scene_fn(axes)
        inside = inside_fn(surface.bounds)
        saddle = surface.saddles[0]
        mark = ring(to_scene(np.array([saddle]))[0], 0.12, FG)
        mark_label = label("saddle", 24).next_to(mark, DOWN + RIGHT, buff=0.05)
        self.add(image, deco, mark, mark_label, ring(to_scene(np.array([start]))[0], 0.12))

        clock = Clock(0)
        runners, moving = [], VGroup()
        passages = [saddle_passage(t, saddle, surface.bounds) for _, t in runs]
        for i, (run, trajectory) in enumerate(runs):
            col = run_color(run.optimizer)
            runners.append(
                Runner(
                    run.display_name,
                    trajectory.points,
                    to_scene,
                    clock,
                    col,
                    clip=inside,
                    trail_width=7.0 - 3.0 * i,
                )
            )
            y = 1.3 - 1.25 * i
            self.add(
                key_row(col, run.display_name, 32).move_to((COLUMN_LEFT, y, 0), aligned_edge=LEFT)
            )
            line = LiveText(30, 28).place([COLUMN_LEFT + 0.1, y - 0.55, 0])

            def update(_m: object, t=trajectory, line=line, p=passages[i]) -> None:
                c = clock.get_value()
                k = min(int(c), t.steps)
                if p.escaped_at is not None and c >= p.escaped_at:
                    line.set_text(f"left the plot at step {p.escaped_at}")
                else:
                    _x, _yy = t.points[k]
                    line.set_text(f"step {k:>3}   gradient {fixed(t.grad_norms[k], 4)}")

            line.add_updater(update)
            update(line)
            moving.add(line)
        self.add(moving, *layered(runners))

        self.beat("At a saddle the slope is zero,", "but it is not a minimum.", hold=3)
        self.beat("Uphill along x, downhill along y.", hold=3)
        self.beat("Starting almost on the ridge,", "the push along y is tiny.", hold=3)
        states = [optimizer_states(run, t, surface) for run, t in runs]
        hypers = [dict(run.make_optimizer().hyperparams) for run, _ in runs]

        def card(k: int) -> VGroup:
            entries = [
                (run.display_name, run_color(run.optimizer), step_summary(run.optimizer, hp, st[k]))
                for (run, _), st, hp in zip(runs, states, hypers, strict=True)
            ]
            return summary_card(entries, right=COLUMN_RIGHT, centre_y=-2.15)

        self.clear_beat()
        self.slow_steps(clock, card, runners=runners)
        tag = self.speed_up(f"faster: {round((steps - 3) / RUN_SECONDS)} steps/s")
        play_clock(self, clock, steps, RUN_SECONDS)
        self.end_badge(tag)

        for (run, _), passage in zip(runs, passages, strict=True):
            left = (
                f"leaves the plot at step {passage.escaped_at}"
                if passage.escaped_at is not None
                else f"is still there after {steps} steps"
            )
            self.beat(
                f"{run.display_name} {passage.label}: {passage.near} steps near the saddle;",
                f"it {left}.",
                hold=3.5,
            )
        escapes = {run.optimizer: p.escaped_at for (run, _), p in zip(runs, passages, strict=True)}
        gd, momentum = escapes.get("gd"), escapes.get("momentum")
        if gd is not None and momentum is not None and momentum < gd:
            self.beat("Momentum keeps the speed it gathers,", "so it slides off the ridge sooner.")
        self.hold(1.0)
