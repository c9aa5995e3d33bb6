"""The landscape in 3-D: a lit surface, four balls rolling down it, then the view from above.

Data: the built-in experiment ``race-himmelblau`` (seed 003), any 2-D built-in
(``--landscape``) or a user's TOML experiment. Height is ``log10(1 + L − L_min)`` for landscapes
drawn with log-spaced contours (the loss itself otherwise), clipped at its 97th percentile so
steep walls do not become spikes. The balls ride on the trajectories' points lifted onto the
surface; parts of a path the surface hides from the camera are drawn faintly (computed by
:func:`gdviz.animation.surface3d.hidden_mask`). At the end the camera settles straight above,
the surface fades, and the floor's contours with the same paths are the 2-D contour view.
"""

from __future__ import annotations

from typing import cast

import numpy as np
from manim import DEGREES, OUT, RIGHT, UP, Dot, FadeIn, FadeOut, Line, VGroup, VMobject
from manim.camera.three_d_camera import ThreeDCamera

from gdviz.animation.cards import summary_card
from gdviz.animation.clock import Clock, play_clock
from gdviz.animation.colors import BG, FG, MUTED, run_color
from gdviz.animation.equations import step_summary
from gdviz.animation.marks import key_row
from gdviz.animation.runner import Runner
from gdviz.animation.scene import GDThreeDScene
from gdviz.animation.surface3d import SurfaceImage, floor_contours, height_grid, hidden_mask
from gdviz.animation.text import LiveText, fixed, formula
from gdviz.claims import finish, optimizer_states, valley_reached

SCENE = {
    "name": "surface",
    "title": "The landscape in 3-D",
    "summary": "Balls rolling down a lit 3-D landscape, then the same paths on the contour map.",
    "experiment": "race-himmelblau",
    "draws": ["2-D", "data"],
    "chapter": "landscapes",
    "max_runs": 4,
}

SIZE, Z_MAX, RESOLUTION = 4.6, 2.0, 49  # 48 × 48 patches
#: The balls' lift above the surface, relative to the landscape's side: their drawn radius is
#: 1.4 × BALL (≈ 4.5 % of the side, ~50 px at 1080p: visible from the back of a lecture hall).
BALL = 0.032 * SIZE
PHI, THETA = 62 * DEGREES, -58 * DEGREES
RUN_SECONDS = 14.0
#: Where the landscape's centre sits on screen (left of the cards on the right).
SCREEN = np.array([-2.9, -0.45, 0.0])
#: The top view at the end: the map's centre on screen and the camera's zoom (the map is then
#: about SIZE × TOP_ZOOM tall, between the title and the captions).
TOP_VIEW, TOP_ZOOM = np.array([-2.2, -0.25, 0.0]), 0.85


class SplitTrail(VGroup):
    """A path drawn up to the clock, bright where the camera sees it and faint where the
    surface hides it (``hidden`` per point, for a camera that does not move meanwhile)."""

    def __init__(self, points: np.ndarray, hidden: np.ndarray, clock: Clock, col, width: float):
        super().__init__()
        self.points_3d, self.hidden, self.clock = points, hidden, clock
        self.seen = VMobject(stroke_color=col, stroke_width=width)
        self.behind = VMobject(stroke_color=col, stroke_width=width * 0.6, stroke_opacity=0.3)
        self.add(self.behind, self.seen)
        self.add_updater(lambda m: m.refresh())
        self.refresh()

    def refresh(self) -> None:
        """Redraw both parts up to the current step."""
        k = int(np.clip(np.floor(self.clock.get_value() + 1e-9), 0, len(self.points_3d) - 1))
        for part, want in ((self.seen, False), (self.behind, True)):
            part.clear_points()
            run: list[np.ndarray] = []
            for i in range(k + 1):
                if bool(self.hidden[i]) == want:
                    run.append(self.points_3d[i])
                    continue
                _append(part, run)
                run = []
            _append(part, run)
            if part.get_num_points() == 0:
                part.set_points_as_corners([self.points_3d[0], self.points_3d[0] + 1e-4 * RIGHT])
                part.set_stroke(opacity=0)
            else:
                part.set_stroke(opacity=1 if not want else 0.3)


def _append(part: VMobject, run: list[np.ndarray]) -> None:
    if len(run) >= 2:
        part.start_new_path(run[0])
        part.add_points_as_corners(np.array(run[1:]))


class Surface(GDThreeDScene):
    """The loss as a landscape: height is the loss."""

    declaration = SCENE

    def construct(self) -> None:
        experiment = self.experiment
        surface = experiment.surface
        runs = experiment.run().by_run()
        steps = max(t.steps for _, t in runs)
        bounds = surface.bounds
        centre = self._centre(PHI, THETA)
        grid = height_grid(surface, bounds, SIZE, Z_MAX, resolution=RESOLUTION, origin=centre)
        height_text = "log_10 (1 + (L - L_min) \\/ m)" if surface.log_levels else "L - L_min"
        title = self.title_block(
            "The landscape in 3-D", f'"height" = {height_text} quad "(clipped)"'
        )
        self.set_camera_orientation(phi=PHI, theta=THETA, zoom=0.92)

        contours = floor_contours(grid)
        (x0, x1), (y0, y1) = bounds
        corner = grid.on_floor(np.array([[x0, y0]]))[0]
        axes = VGroup(
            Line(corner, grid.on_floor(np.array([[x1, y0]]))[0], color=MUTED, stroke_width=2),
            Line(corner, grid.on_floor(np.array([[x0, y1]]))[0], color=MUTED, stroke_width=2),
            Line(corner, corner + (Z_MAX - grid.floor) * OUT, color=MUTED, stroke_width=2),
        )
        names = VGroup(
            formula(surface.variables[0], 40, MUTED).move_to(axes[0].get_end() + 0.35 * RIGHT),
            formula(surface.variables[1], 40, MUTED).move_to(axes[1].get_end() + 0.35 * UP),
            formula("L", 40, MUTED).move_to(axes[2].get_end() + 0.3 * OUT),
        )
        minima = [m for m in surface.minima if x0 <= m[0] <= x1 and y0 <= m[1] <= y1]
        marks = VGroup(
            *(Dot(grid.lift(np.array([m]), 0.03)[0], radius=0.07, color=FG) for m in minima),
            *(Dot(grid.on_floor(np.array([m]))[0], radius=0.06, color=FG) for m in minima),
        )
        patches = SurfaceImage(grid, self.renderer.camera)
        self.add(contours, axes)
        self.add_fixed_in_frame_mobjects(patches)
        self.add_fixed_in_frame_mobjects(title)
        self.add(marks)
        self.add_fixed_orientation_mobjects(*names)

        camera = _camera(self)
        camera.reset_rotation_matrix()
        project = camera.project_points
        clock = Clock(0)
        runners, trails, keys = [], VGroup(), VGroup()
        for i, (run, trajectory) in enumerate(runs):
            col = run_color(run.optimizer)
            lifted = grid.lift(trajectory.points, BALL)
            hidden = hidden_mask(grid, project, lifted)
            trails.add(SplitTrail(lifted, hidden, clock, col, 5.0 - 0.8 * i))
            ball = Dot(radius=BALL * 1.4, color=col).set_stroke(BG, 3)
            # a disc facing the camera: round from every angle, not squashed by the tilt
            camera.add_fixed_orientation_mobjects(ball)
            runners.append(
                Runner(
                    run.display_name,
                    trajectory.points,
                    lambda p: p,
                    clock,
                    col,
                    lift=lambda p: grid.lift(p, BALL),
                    trail=False,
                    marker=ball,
                )
            )
            shadow = Dot(radius=BALL * 1.2, color=BG).set_opacity(0.7)
            shadow.add_updater(
                lambda m, r=runners[-1], g=grid: m.move_to(g.on_floor(r.current()[None])[0])
            )
            trails.add(shadow)
            keys.add(key_row(col, run.display_name, 26))
        keys.arrange_in_grid(rows=2, cols=2, col_alignments="ll", buff=(0.5, 0.2))
        keys.move_to((3.45, 1.85, 0))
        step_text = LiveText(14, 26, MUTED).place([3.3, 1.05, 0])
        step_text.add_updater(lambda m: m.set_text(f"step {min(clock.step, steps):>4}"))
        step_text.set_text("step    0")
        self.fix_in_frame(keys)
        self.fix_in_frame(step_text)
        self.add(keys, step_text, trails, *runners)

        count = len(minima)
        self.beat("The loss as a landscape:", "height is the loss.", hold=3)
        self.move_camera(
            theta=THETA + 14 * DEGREES,
            run_time=5,
        )
        self.move_camera(theta=THETA, run_time=3)
        if count:
            self.beat(
                f"{count} known minim{'a' if count > 1 else 'um'}, marked by white dots.", hold=3
            )
        else:
            self.beat("No minimum is known for this landscape.", hold=3)
        self.beat("Four balls start on the same slope.", hold=3)

        states = [optimizer_states(run, t, surface) for run, t in runs]
        hypers = [dict(run.make_optimizer().hyperparams) for run, _ in runs]

        def card(k: int) -> VGroup:
            entries = [
                (run.display_name, run_color(run.optimizer), step_summary(run.optimizer, hp, st[k]))
                for (run, _), st, hp in zip(runs, states, hypers, strict=True)
                if k < len(st)
            ]
            return summary_card(entries, right=6.3, centre_y=-0.35)

        self.clear_beat()
        self.play(FadeOut(keys), FadeOut(step_text), run_time=0.3)
        self.slow_steps(clock, card)
        self.play(FadeIn(keys), FadeIn(step_text), run_time=0.3)
        tag = self.speed_up("faster: to the end")
        play_clock(self, clock, steps, RUN_SECONDS, lambda u: u * u)
        self.end_badge(tag)

        for run, trajectory in runs:
            where = valley_reached(trajectory, surface)
            done = finish(trajectory, surface, experiment.grad_tol)
            if where is not None and done.step is not None:
                first = f"{run.display_name} reaches the minimum"
                second = f"near ({fixed(where[0], 2)}, {fixed(where[1], 2)}) at step {done.step}."
            else:
                end = trajectory.final_point
                first = f"{run.display_name} ends at ({fixed(end[0], 2)}, {fixed(end[1], 2)})"
                second = f"after {trajectory.steps} steps."
            self.beat(first, second, hold=3)

        self.clear_beat()
        for trail in trails:
            if isinstance(trail, SplitTrail):
                trail.hidden = np.zeros_like(trail.hidden)
        floor_paths = VGroup()
        for (run, trajectory), r in zip(runs, runners, strict=True):
            path = VMobject(stroke_color=run_color(run.optimizer), stroke_width=4)
            path.set_points_as_corners(grid.on_floor(trajectory.points[: r.last_visible + 1]))
            floor_paths.add(path)
        # straight above, the floor's map fills the space left of the key, centred at TOP_VIEW
        floor_centre = grid.on_floor(np.array([[np.mean(bounds[0]), np.mean(bounds[1])]]))[0]
        self.move_camera(
            phi=0,
            theta=-90 * DEGREES,
            zoom=TOP_ZOOM,
            frame_center=floor_centre - TOP_VIEW / TOP_ZOOM,
            run_time=5,
            added_anims=[
                FadeOut(patches),
                FadeOut(trails),
                FadeOut(marks[:count]),
                FadeOut(axes[2]),  # the height axis: seen end-on from above
                FadeOut(names[2]),
                FadeIn(floor_paths),
            ],
        )
        self.beat("From straight above: the contour map", "and the same paths.", hold=4)
        self.hold(1.0)

    def _centre(self, phi: float, theta: float) -> np.ndarray:
        """The world point the camera at ``phi``, ``theta`` shows at :data:`SCREEN` (the
        landscape is built around it, left of the cards)."""
        camera = _camera(self)
        keep = camera.get_phi(), camera.get_theta()
        camera.set_phi(phi)
        camera.set_theta(theta)
        rotation = camera.generate_rotation_matrix()
        camera.set_phi(keep[0])
        camera.set_theta(keep[1])
        return rotation.T @ SCREEN


def _camera(scene: GDThreeDScene) -> ThreeDCamera:
    """The scene's camera: a ThreeDScene under the Cairo renderer holds a ``ThreeDCamera``
    (manim's stub types ``renderer.camera`` as ``Camera | OpenGLCamera``)."""
    return cast(ThreeDCamera, scene.renderer.camera)
