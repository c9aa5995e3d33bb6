"""Step size: too small, right, too large, divergent — then the zig-zag across a long valley.

Data: the built-in experiments ``learning-rates`` (seed 001: L(x) = x² from x = 3 with
η = 0.01, 0.1, 0.9, 1.1 for 10 steps) and ``race-valley`` (its plain-GD run, η = 0.09, on
L = x² + 10y²). The divergent run leaves its panel on purpose; a label says so.
"""

from __future__ import annotations

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, Arrow, FadeIn, FadeOut, Group, VGroup, linear

from gdviz.animation import kit
from gdviz.experiments import get_experiment
from gdviz.numbers import format_fixed, subscript

VERDICTS = {0.01: "too small", 0.1: "about right", 0.9: "too large", 1.1: "diverges"}
X_RANGE, Y_RANGE = (-4.0, 4.0), (0.0, 16.0)


class OvershootScene(kit.GDScene):
    def construct(self) -> None:
        self.learning_rates()
        self.zigzag()

    # ---------------------------------------------------------------------- part 1
    def learning_rates(self) -> None:
        experiment = get_experiment("learning-rates")
        surface = experiment.surface
        runs = experiment.run().by_run()
        steps = max(t.steps for _, t in runs)
        title = self.title_block(
            "How big a step?",
            f"gradient descent on L(x) = {surface.pretty} from x = "
            f"{experiment.starts[0][0]:g}, {steps} steps each",
        )
        clock = kit.Clock(0)
        static, moving = Group(title), VGroup()
        inside = kit.inside_fn((X_RANGE, Y_RANGE))
        width = 2.6
        for i, (run, trajectory) in enumerate(runs):
            axes = kit.plain_axes((*X_RANGE, 1), (*Y_RANGE, 4), width, 2.6)
            axes.move_to([(i - 1.5) * (width + 0.7), -0.2, 0])
            to_scene = kit.to_scene_fn(axes)
            gx = np.linspace(*X_RANGE, 81)
            valley = kit.curve(axes, gx, surface.loss(gx[:, None]), kit.MUTED, 3)
            col = kit.series(i)
            verdict = VERDICTS.get(run.lr, "")
            head = VGroup(
                kit.formula(f"eta = {run.lr:g}", 30),
                kit.label(verdict, 22, kit.WARNING if run.lr > 1 else kit.FG),
            ).arrange(DOWN, buff=0.12)
            head.next_to(axes, UP, buff=0.3)
            ticks = kit.tick_labels(axes, xs=(-4, 0, 4), size=16)
            static.add(valley, head, ticks, kit.star(axes.c2p(0, 0), 0.1))
            data = np.column_stack([trajectory.points[:, 0], trajectory.losses])
            runner = kit.Runner(
                f"lr={run.lr:g}",
                data,
                to_scene,
                clock,
                col,
                probe=self.probe,
                clip=inside,
                radius=0.08,
                trail_width=2.5,
                from_scene=kit.from_scene_fn(axes),
            )
            readout = kit.LiveText(12, 22).place(axes.get_bottom() + DOWN * 0.75 + LEFT * 1.1)
            moving.add(runner, readout)
            if runner.last_visible < trajectory.steps:
                last = runner.scene_points[runner.last_visible]
                heading = runner.scene_points[runner.last_visible + 1] - last
                heading /= np.linalg.norm(heading)
                exit_arrow = Arrow(
                    last, last + 1.1 * heading, buff=0.1, color=kit.WARNING, stroke_width=5
                )
                note = kit.label(
                    f"leaves the plot at step {runner.last_visible + 1};\n"
                    f"x = {format_fixed(trajectory.final_point[0], 1)} after "
                    f"{trajectory.steps} steps",
                    18,
                    kit.WARNING,
                )
                note.next_to(axes, DOWN, buff=1.05)
                warning = VGroup(exit_arrow, note).set_opacity(0)
                moving.add(warning)
            else:
                warning = None

            def update(
                _m: VGroup, t=trajectory, readout=readout, warning=warning, last=runner.last_visible
            ) -> None:
                k = min(clock.step, t.steps)
                readout.set_text(f"x{subscript(k)} = {format_fixed(t.points[k, 0], 3)}")
                if warning is not None:
                    warning.set_opacity(1 if clock.get_value() > last + 0.6 else 0)

            readout.add_updater(update)
            update(readout)
        self.add(static, moving)
        self.wait(1.0)
        self.play(clock.animate(rate_func=linear).set_value(steps), run_time=8.0)
        self.wait(1.5)
        self.play(FadeOut(Group(*self.mobjects)), run_time=0.8)
        self.clear()

    # ---------------------------------------------------------------------- part 2
    def zigzag(self) -> None:
        experiment = get_experiment("race-valley")
        surface = experiment.surface
        run, trajectory = next((r, t) for r, t in experiment.run().by_run() if r.optimizer == "sgd")
        curvature = np.diag(surface.hessian(np.zeros(2)))
        title = self.title_block(
            "The zig-zag", f"plain gradient descent, η = {run.lr:g}, on L = {surface.pretty}"
        )
        axes, image, deco = kit.contour_panel(surface, 5.4, bounds=((-3, 3), (-3, 3)))
        Group(axes, image, deco).to_edge(LEFT, buff=0.5).shift(0.45 * DOWN)
        to_scene = kit.to_scene_fn(axes)
        start = kit.ring(to_scene(np.array([trajectory.points[0]]))[0])
        goal = kit.star(to_scene(np.array([surface.minima[0]]))[0])
        lines = VGroup(
            kit.label(f"across the valley (y): curvature {curvature[1]:g},", 22),
            kit.label(f"η × {curvature[1]:g} = {run.lr * curvature[1]:.2g} > 1: every step", 22),
            kit.label("overshoots the floor and bounces back.", 22),
            kit.label(f"along the valley (x): curvature {curvature[0]:g},", 22),
            kit.label(f"η × {curvature[0]:g} = {run.lr * curvature[0]:.2g}: progress is slow.", 22),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.16)
        lines[3].shift(0.3 * DOWN)
        lines[4].shift(0.3 * DOWN)
        lines.next_to(axes, RIGHT, buff=0.8).align_to(axes, UP)
        clock = kit.Clock(0)
        runner = kit.Runner(
            "zigzag",
            trajectory.points,
            to_scene,
            clock,
            kit.run_color(run.optimizer),
            probe=self.probe,
            clip=kit.inside_fn(((-3, 3), (-3, 3))),
            from_scene=kit.from_scene_fn(axes),
        )
        readout = kit.LiveText(32, 22, kit.MUTED).place(lines.get_left() + DOWN * 2.6)

        def update(_m: kit.LiveText) -> None:
            k = min(clock.step, trajectory.steps)
            x, y = trajectory.points[k]
            readout.set_text(f"step {k:>3}  x = {x:+.3f}  y = {y:+.3f}".replace("-", "−"))

        readout.add_updater(update)
        update(readout)
        self.play(FadeIn(Group(image, deco, title, start, goal, lines)), run_time=0.8)
        self.add(readout, runner)
        shown = min(trajectory.steps, 60)
        self.play(clock.animate(rate_func=lambda u: u**1.5).set_value(shown), run_time=7.0)
        self.wait(2.0)
