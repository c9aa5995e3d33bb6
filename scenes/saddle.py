"""Stuck at a saddle: plain GD crawls along the ridge of x² − y²; momentum escapes sooner.

Data: the built-in experiment ``saddle`` (GD and momentum, η = 0.05, from (−1.8, 10⁻⁴), almost
on the line where the slope across is zero). Runs that leave the plot leave on purpose: the
loss has no minimum downhill along y, and a label marks the exit step.
"""

from __future__ import annotations

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, Group, VGroup, linear

from gdviz.animation import kit
from gdviz.experiments import get_experiment
from gdviz.numbers import format_fixed

RUN_SECONDS = 12.0


class SaddleScene(kit.GDScene):
    def construct(self) -> None:
        experiment = get_experiment("saddle")
        surface = experiment.surface
        runs = experiment.run().by_run()
        steps = max(t.steps for _, t in runs)
        start = experiment.starts[0]

        title = self.title_block(
            "Stuck at a saddle",
            f"L = {surface.pretty}, start ({start[0]:g}, {start[1]:g}), η = {runs[0][0].lr:g}",
        )
        axes, image, deco = kit.contour_panel(surface, 5.5, levels=16)
        Group(axes, image, deco).to_edge(LEFT, buff=0.5).shift(0.45 * DOWN)
        to_scene = kit.to_scene_fn(axes)
        inside = kit.inside_fn(surface.bounds)
        saddle_point = to_scene(np.array([surface.saddles[0]]))[0]
        saddle_mark = kit.ring(saddle_point, 0.12, kit.FG)
        saddle_label = kit.label("saddle", 20).next_to(saddle_mark, DOWN + RIGHT, buff=0.05)
        start_mark = kit.ring(to_scene(np.array([start]))[0], 0.12)

        text = VGroup(
            kit.label("At the saddle the slope is zero:", 22),
            kit.label("uphill along x, downhill along y.", 22),
            kit.label("From almost on the ridge the push", 22),
            kit.label("along y is tiny: plain GD crawls,", 22),
            kit.label("momentum builds speed and escapes.", 22),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.14)
        text.next_to(axes, RIGHT, buff=0.7).align_to(axes, UP)
        self.add(image, deco, title, saddle_mark, saddle_label, start_mark, text)

        clock = kit.Clock(0)
        moving = VGroup()
        for i, (run, trajectory) in enumerate(runs):
            col = kit.run_color(run.optimizer)
            runner = kit.Runner(
                run.display_name,
                trajectory.points,
                to_scene,
                clock,
                col,
                probe=self.probe,
                clip=inside,
                from_scene=kit.from_scene_fn(axes),
            )
            y = text.get_bottom()[1] - 0.6 - 1.2 * i
            swatch = kit.key_row(col, run.display_name, 26).move_to(
                [text.get_left()[0], y, 0], aligned_edge=LEFT
            )
            line1 = kit.LiveText(34, 20).place([text.get_left()[0] + 0.3, y - 0.45, 0])
            escaped = runner.last_visible < trajectory.steps
            exit_step = runner.last_visible + 1
            norms = trajectory.grad_norms

            def update(
                _m: kit.LiveText,
                t=trajectory,
                line1=line1,
                escaped=escaped,
                exit_step=exit_step,
                norms=norms,
            ) -> None:
                c = clock.get_value()
                k = min(int(c), t.steps)
                if escaped and c >= exit_step:
                    line1.set_text(f"escaped: left the plot at step {exit_step}")
                else:
                    where = f"({t.points[k, 0]:+.2f}, {t.points[k, 1]:+.2f})".replace("-", "−")
                    line1.set_text(f"step {k:>3} {where} ‖∇L‖ {format_fixed(norms[k], 2)}")

            line1.add_updater(update)
            update(line1)
            self.add(swatch)
            moving.add(line1, runner)
        self.add(moving)
        self.wait(1.0)
        self.play(clock.animate(rate_func=linear).set_value(steps), run_time=RUN_SECONDS)
        self.wait(2.5)
