"""Two hikers, two valleys: the start decides which local minimum gradient descent finds.

Data: the built-in experiment ``local-minima`` (seed 001: L(x) = x·cos x from x = −2 and
x = 1, η = 0.1, 50 steps). Same rule, same step size; only the start differs.
"""

from __future__ import annotations

import math

import numpy as np
from manim import DOWN, UP, FadeIn, VGroup, VMobject

from gdviz.animation import kit
from gdviz.experiments import get_experiment
from gdviz.numbers import format_fixed

X_RANGE, Y_RANGE = (-4.0, 6.0), (-4.0, 6.0)


class LocalMinimaScene(kit.GDScene):
    def construct(self) -> None:
        experiment = get_experiment("local-minima")
        surface = experiment.surface
        result = experiment.run()
        runs = [(s, t) for _, s, t in result.items()]
        config = experiment.runs[0]
        steps = max(t.steps for _, t in runs)

        title = self.title_block(
            "Two hikers, two valleys",
            f"L(x) = {surface.pretty}, η = {config.lr:g}, {steps} steps, two starts",
        )
        axes = kit.plain_axes((*X_RANGE, 1), (*Y_RANGE, 2), 11.0, 4.7).shift(0.35 * DOWN)
        to_scene = kit.to_scene_fn(axes)
        from_scene = kit.from_scene_fn(axes)
        gx = np.linspace(*X_RANGE, 240)
        ground = kit.curve(axes, gx, surface.loss(gx[:, None]), kit.FG, 4)
        ticks = kit.tick_labels(axes, xs=(-4, -2, 0, 2, 4, 6), ys=(-4, 0, 4), size=18)
        names = kit.axis_names(axes, "x", "L(x)", 28)
        self.add(axes, ground, ticks, names, title)

        clock = kit.Clock(0)
        hikers, readouts = VGroup(), VGroup()
        for i, (s, trajectory) in enumerate(runs):
            col = kit.series(i)
            hiker = kit.Hiker(0.95, pack=col)
            xs = trajectory.points[:, 0]
            start = to_scene(np.array([[xs[0], trajectory.losses[0]]]))[0]
            tag = kit.label(f"start x = {format_fixed(xs[0], 0)}", 20, kit.MUTED)
            tag.next_to(start, UP, buff=0.2)
            self.add(Dot_at(start, kit.MUTED), tag)
            readout = kit.LiveText(34, 22).place(axes.c2p(-3.6, -2.4 - 0.9 * i))
            swatch = Dot_at(readout.anchor + 0.25 * np.array([-1, 0, 0]), col)

            def update(
                _m: VMobject,
                hiker=hiker,
                xs=xs,
                readout=readout,
                name=f"start {s}",
                losses=trajectory.losses,
            ) -> None:
                c = clock.get_value()
                k = min(clock.step, len(xs) - 1)
                x = float(kit.path_at(xs[:, None], c)[0])
                feet = to_scene(np.array([[x, float(surface.loss(np.array([x]))[()])]]))[0]
                going = xs[min(k + 1, len(xs) - 1)] - xs[k]
                if abs(going) > 1e-9:
                    hiker.face(1 if going > 0 else -1)
                moving = abs(going) > 1e-3
                hiker.stand_at(feet, phase=2 * math.pi * 1.5 * c if moving else 0.0)
                self.probe.log(name, c, from_scene(feet), feet)
                readout.set_text(
                    f"step {k:>2}  x = {format_fixed(xs[k], 3):>6}  "
                    f"L = {format_fixed(losses[k], 3)}"
                )

            hiker.add_updater(update)
            update(hiker)
            hikers.add(hiker)
            readouts.add(swatch, readout)
        self.add(readouts, hikers)
        self.wait(1.5)
        self.play(
            clock.animate(rate_func=lambda u: 1 - (1 - u) ** 1.4).set_value(steps), run_time=10.0
        )
        moral = kit.label(
            "same rule, same step size: the start decides the valley", 26, kit.ACCENT
        ).next_to(ticks, DOWN, buff=0.2)
        self.play(FadeIn(moral), run_time=1.0)
        self.wait(3.0)


def Dot_at(point: np.ndarray, col: object) -> VMobject:
    from manim import Dot

    return Dot(point, radius=0.07, color=col)
