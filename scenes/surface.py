"""The landscape in 3-D: four optimizers' paths on Himmelblau's surface, slow camera move.

Data: the built-in experiment ``race-himmelblau`` (seed 003). Height is drawn as
log₁₀(1 + L) so the four valleys stay visible next to the high rim; the paths are the
trajectories' (x, y) points lifted onto that surface.
"""

from __future__ import annotations

import numpy as np
from manim import DEGREES, DOWN, IN, LEFT, Surface, ThreeDAxes, VGroup

from gdviz.animation import kit
from gdviz.experiments import get_experiment
from gdviz.style import LANDSCAPE_RAMPS

RUN_SECONDS = 11.0
RESOLUTION = 18  # surface patches per side: smooth enough, cheap enough to redraw every frame


class SurfaceScene(kit.GDThreeDScene):
    def construct(self) -> None:
        experiment = get_experiment("race-himmelblau")
        surface = experiment.surface
        runs = experiment.run().by_run()
        steps = max(t.steps for _, t in runs)
        (x0, x1), (y0, y1) = surface.bounds

        def height(points: np.ndarray) -> np.ndarray:
            return np.log10(1 + surface.loss(points))

        axes = ThreeDAxes(
            x_range=[x0, x1, 1],
            y_range=[y0, y1, 1],
            z_range=[0, 3.2, 1],
            x_length=7,
            y_length=7,
            z_length=3.2,
            axis_config={"include_ticks": False, "stroke_color": kit.MUTED},
        )
        mesh = Surface(
            lambda u, v: axes.c2p(u, v, float(height(np.array([u, v])))),
            u_range=[x0, x1],
            v_range=[y0, y1],
            resolution=(RESOLUTION, RESOLUTION),
            fill_opacity=0.85,
            stroke_width=0,
            stroke_color=kit.BG,
        )
        low, high = (kit.ManimColor(c) for c in LANDSCAPE_RAMPS["dark"])
        mesh.set_fill_by_value(
            axes=axes,
            colorscale=[
                (low.interpolate(high, 0.3), 0.0),
                (high, 1.6),
                (high.interpolate(kit.FG, 0.55), 3.0),
            ],
            axis=2,
        )

        def lift(points: np.ndarray) -> np.ndarray:
            points = np.atleast_2d(points)
            z = height(points) + 0.04
            return np.asarray(axes.c2p(points[:, 0], points[:, 1], z)).reshape(3, -1).T.copy()

        title = self.title_block(
            "The landscape in 3-D", f"{surface.title}: height log₁₀(1 + L), four optimizers"
        )
        keys = VGroup(
            *(kit.key_row(kit.run_color(run.optimizer), run.display_name, 22) for run, _ in runs)
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.15)
        keys.to_corner(DOWN + LEFT, buff=0.4)
        step_text = kit.LiveText(16, 22, kit.MUTED).place([4.2, -3.6, 0])
        self.add_fixed_in_frame_mobjects(title, keys, step_text)
        self.set_camera_orientation(phi=62 * DEGREES, theta=-60 * DEGREES, zoom=0.8)
        axes.shift(1.4 * IN)
        mesh.shift(1.4 * IN)
        self.add(mesh)  # the axes only place things: their lines would clutter the picture

        clock = kit.Clock(0)
        runners = VGroup()
        for run, trajectory in runs:
            runner = kit.Runner(
                run.display_name,
                trajectory.points,
                lift,
                clock,
                kit.run_color(run.optimizer),
                probe=self.probe,
                radius=0.08,
                trail_width=4,
                from_scene=lambda point: np.asarray(axes.p2c(point))[:2],
            )
            runners.add(runner)
        step_text.add_updater(lambda m: m.set_text(f"step {min(clock.step, steps):>3} / {steps}"))
        self.add(runners, step_text)
        self.wait(0.8)
        self.begin_ambient_camera_rotation(rate=0.09)
        self.play(clock.animate(rate_func=lambda u: u * u).set_value(steps), run_time=RUN_SECONDS)
        self.wait(2.5)
        self.stop_ambient_camera_rotation()
