"""Two hikers, two valleys: the start decides which local minimum gradient descent finds.

Data: the built-in experiment ``local-minima`` (seed 001: L(x) = x·cos x from x = −2 and
x = 1, η = 0.1, 50 steps). Same rule, same step size; only the start differs. Which valley each
hiker ends in is :func:`gdviz.claims.valley_reached`'s reading of its run.
"""

from __future__ import annotations

import numpy as np
from manim import DOWN, LEFT, FadeIn, VGroup

from gdviz.animation.axes import axis_names, curve, plain_axes, tick_labels, to_scene_fn
from gdviz.animation.clock import Clock, play_clock
from gdviz.animation.colors import FG, MUTED, series
from gdviz.animation.equations import caption_of, step_lines
from gdviz.animation.hiker import Hiker
from gdviz.animation.marks import ring, series_dot, star
from gdviz.animation.runner import Runner
from gdviz.animation.scene import GDScene
from gdviz.animation.text import LiveText, fixed, formula, label
from gdviz.claims import optimizer_states, valley_reached

SCENE = {
    "name": "local-minima",
    "title": "Two hikers, two valleys",
    "summary": "On x·cos x, starts at −2 and 1 end in different local minima.",
    "experiment": "local-minima",
    "chapter": "local-minima",
}

X_RANGE, Y_RANGE = (-4.0, 6.0), (-4.0, 6.0)


class LocalMinima(GDScene):
    """Two starts, one rule: each hiker settles in the valley nearest its start."""

    declaration = SCENE

    def construct(self) -> None:
        experiment = self.experiment
        surface = experiment.surface
        result = experiment.run()
        runs = [(run, s, t) for run, s, t in result.items()]
        config = experiment.runs[0]
        steps = max(t.steps for _, _, t in runs)
        self.add(
            self.title_block(
                "Two hikers, two valleys",
                f'L(x) = x cos x quad eta = {config.lr:g}, quad {steps} "steps, two starts"',
            )
        )
        axes = plain_axes((*X_RANGE, 1), (*Y_RANGE, 2), 10.4, 3.4).move_to((0.4, -0.25, 0))
        to_scene = to_scene_fn(axes)
        gx = np.linspace(*X_RANGE, 240)
        ground = curve(axes, gx, surface.loss(gx[:, None]), FG, 4)
        # no x tick at the corner, where the y axis's lowest label stands
        ticks = tick_labels(axes, xs=(-2, 0, 2, 4, 6), ys=(-4, 0, 4))
        names = axis_names(axes, "x", "L(x)")
        self.add(axes, ground, ticks, names)

        clock = Clock(0)
        runners, readouts = [], VGroup()
        for i, (_run, s, trajectory) in enumerate(runs):
            col = series(i, len(runs))
            xs = trajectory.points[:, 0]
            start = to_scene(np.array([[xs[0], trajectory.losses[0]]]))[0]
            # under the axis line, clear of the ground the hikers walk on
            tag = label(f"start {fixed(xs[0], 0)}", 26, MUTED).move_to(
                axes.c2p(xs[0], 0.45 * Y_RANGE[0])
            )
            self.add(ring(start, 0.1, MUTED), tag)
            runners.append(
                Runner(
                    f"start {s}",
                    trajectory.points,
                    to_scene,
                    clock,
                    col,
                    lift=lambda p: np.column_stack([p[:, 0], surface.loss(p[:, :1])]),
                    trail=False,
                    marker=Hiker(0.85, pack=col),
                )
            )
            swatch = series_dot(i, col).move_to((-4.45 + 5.55 * i, 2.0, 0))
            readout = LiveText(22, 26).place([-4.2 + 5.55 * i, 2.0, 0])

            def read(_m: object, t=trajectory, readout=readout) -> None:
                k = min(clock.step, t.steps)
                readout.set_text(
                    f"x = {fixed(t.points[k, 0], 3):>6}  L = {fixed(t.losses[k], 3):>6}"
                )

            readout.add_updater(read)
            read(readout)
            readouts.add(swatch, readout)
        step_text = LiveText(8, 26, MUTED).place([-6.3, 2.0, 0])
        step_text.add_updater(lambda m: m.set_text(f"step {min(clock.step, steps):>2}"))
        step_text.set_text("step  0")
        readouts.add(step_text)
        self.add(*runners, readouts)
        self.beat("Two hikers, the same rule, the same step size.", hold=3)
        self.beat("Only where they start is different.", hold=3)

        states = [optimizer_states(run, t, surface) for run, _, t in runs]
        hyper = dict(config.make_optimizer().hyperparams)

        def card(k: int) -> VGroup:
            lines = [
                " ".join(step_lines(config.optimizer, hyper, st[k], name="x")) for st in states
            ]
            rows = VGroup(*(formula(line, 38) for line in lines))
            rows.arrange(DOWN, aligned_edge=LEFT, buff=0.2).move_to((0, -2.85, 0))
            rows.caption = caption_of(lines)  # type: ignore[attr-defined]
            return rows

        self.clear_beat()
        self.slow_steps(clock, card)
        rate = 6.0
        badge = self.speed_up(f"faster: {rate:g} steps/s")
        play_clock(self, clock, steps, (steps - 3) / rate)
        self.end_badge(badge)

        ends = [valley_reached(t, surface) for _, _, t in runs]
        stars = VGroup(
            *(
                star(to_scene(np.array([[m[0], surface.loss(m)]]))[0] + 0.35 * DOWN, 0.13)
                for m in ends
                if m is not None
            )
        )
        self.play(FadeIn(stars), run_time=0.6)
        for (_, _, trajectory), end in zip(runs, ends, strict=True):
            where = (
                f"the valley at x = {fixed(end[0], 2)}" if end is not None else "no known valley"
            )
            self.beat(
                f"From {fixed(trajectory.points[0, 0], 0)}, the hiker settles in", where + "."
            )
        known = [tuple(np.round(m, 6)) for m in ends if m is not None]
        if len(set(known)) > 1:
            self.beat("Same rule, same step size:", "the start decided the valley.", hold=4)
        else:
            self.beat("Both starts end in the same valley here.", hold=4)
        self.hold(1.0)
