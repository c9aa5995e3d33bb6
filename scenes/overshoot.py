"""Step size: four learning rates on x², then the zig-zag across a long valley.

Data: the built-in experiments ``learning-rates`` (seed 001: L(x) = x² from x = 3 with
η = 0.01, 0.1, 0.9, 1.1 for 10 steps) and ``race-valley`` (its plain-GD run, η = 0.09, on
L = x² + 10y²). Every verdict and factor on screen is :mod:`gdviz.claims`' reading of the runs:
on x² one step multiplies x by 1 − 2η, so η = 0.9 zig-zags yet shrinks as fast as η = 0.1.
"""

from __future__ import annotations

import numpy as np
from manim import DOWN, LEFT, UP, FadeIn, FadeOut, Group, VGroup

from gdviz.animation.axes import curve, inside_fn, plain_axes, tick_labels, to_scene_fn
from gdviz.animation.backgrounds import contour_panel
from gdviz.animation.clock import Clock, play_clock
from gdviz.animation.colors import ACCENT, MUTED, run_color, series
from gdviz.animation.equations import caption_of, rate, step_lines, tvec
from gdviz.animation.marks import ring, series_dot, star
from gdviz.animation.runner import Runner
from gdviz.animation.scene import GDScene
from gdviz.animation.text import LiveText, fixed, formula, label
from gdviz.claims import (
    coordinate_rates,
    curvature_ratio,
    optimizer_states,
    reached,
    same_rate,
    verdict,
)
from gdviz.experiments import get_experiment

SCENE = {
    "name": "overshoot",
    "title": "Step size",
    "summary": "x² from 3 with η = 0.01, 0.1, 0.9, 1.1, then the zig-zag across a long valley.",
    "experiment": "learning-rates",
    "chapter": "learning-rate",
}

X_RANGE, Y_RANGE = (-4.0, 4.0), (0.0, 16.0)
PANEL_WIDTH = 2.7


class Overshoot(GDScene):
    """Too small, converges, zig-zags, diverges — and why the zig-zag still converges."""

    declaration = SCENE

    def construct(self) -> None:
        self.learning_rates()
        self.zigzag()

    # ---------------------------------------------------------------------- part 1
    def learning_rates(self) -> None:
        experiment = self.experiment
        surface = experiment.surface
        runs = experiment.run().by_run()
        minimum = surface.minima[0]
        verdicts = [verdict(t, minimum) for _, t in runs]
        steps = max(t.steps for _, t in runs)
        title = self.title_block(
            "How big a step?",
            f'L(x) = x^2 quad "from" x_0 = {experiment.starts[0][0]:g}, quad {steps} "steps each"',
        )
        rule = formula("x_(k+1) = x_k - eta dot 2 x_k = (1 - 2 eta) thin x_k", 40)
        rule.move_to((0, 2.05, 0))
        self.add(title)
        clock = Clock(0)
        static, moving, heads, factors = Group(), VGroup(), VGroup(), VGroup()
        inside = inside_fn((X_RANGE, Y_RANGE))
        count = len(runs)
        for i, ((run, trajectory), judged) in enumerate(zip(runs, verdicts, strict=True)):
            axes = plain_axes((*X_RANGE, 1), (*Y_RANGE, 4), PANEL_WIDTH, 1.75)
            x_mid = (i - (count - 1) / 2) * (PANEL_WIDTH + 0.5)
            axes.move_to((x_mid, 0.1, 0))
            to_scene = to_scene_fn(axes)
            gx = np.linspace(*X_RANGE, 81)
            static.add(curve(axes, gx, surface.loss(gx[:, None]), MUTED, 3))
            static.add(tick_labels(axes, xs=(-4, 0, 4)), star(axes.c2p(0, 0), 0.1))
            head = formula(f"eta = {run.lr:g}", 40).move_to((x_mid, 1.4, 0))
            heads.add(head)
            col = series(i, count)
            runner = Runner(
                f"lr={run.lr:g}",
                trajectory.points,
                to_scene,
                clock,
                col,
                lift=lambda p: np.column_stack([p[:, 0], surface.loss(p[:, :1])]),
                clip=lambda p: inside(np.column_stack([p[:, 0], surface.loss(p[:, :1])])),
                trail_width=3.0,
                marker=series_dot(i, col),
            )
            readout = LiveText(10, 24)
            readout.place([x_mid - readout.box_width / 2, -1.35, 0])
            factor = formula(f"abs(x_(k+1) \\/ x_k) = {fixed(judged.rate, 2)}", 38, MUTED)
            factor.move_to((x_mid, -2.1, 0))
            factors.add(factor)

            def update(_m: object, t=trajectory, readout=readout) -> None:
                k = min(clock.step, t.steps)
                readout.set_text(f"x = {fixed(t.points[k, 0], 3)}")

            readout.add_updater(update)
            update(readout)
            moving.add(runner, readout)
        self.add(static, heads, moving)
        self.beat("Same valley, same start, four step sizes.")
        self.play(FadeIn(rule), run_time=0.6)
        self.beat(
            "On this valley one step multiplies x", "by the same factor every time.", hold=3.5
        )

        def card(k: int) -> VGroup:
            lines = []
            for run, trajectory in runs:
                s = optimizer_states(run, trajectory, surface)[k]
                lines.append(
                    f"x_{k + 1} = {tvec(s.point)} - {rate(s.lr)} dot {tvec(s.grad)} "
                    f"= {tvec(s.new_point)}"
                )
            rows = VGroup(*(formula(line, 38) for line in lines))
            rows.arrange_in_grid(rows=2, cols=2, col_alignments="ll", buff=(0.6, 0.25))
            rows.move_to((0, -2.3, 0))
            rows.caption = caption_of(lines)  # type: ignore[attr-defined]
            return rows

        self.clear_beat()
        self.slow_steps(clock, card, steps=3)
        tag = self.speed_up("faster: 1 step/s")
        play_clock(self, clock, steps, steps - 3.0)
        self.end_badge(tag)
        self.play(FadeIn(factors), run_time=0.6)
        self.beat("Measured from the runs: the factor per step.", hold=3)

        words = VGroup()
        for heading, judged in zip(heads, verdicts, strict=True):
            words.add(label(judged.label, 28, ACCENT).move_to(heading.get_center() + 0.55 * UP))
        self.play(FadeOut(rule), FadeIn(words), run_time=0.6)
        rates = [r.lr for r, _ in runs]
        for (run, trajectory), judged in zip(runs, verdicts, strict=True):
            self.beat(*self._explain(run.lr, trajectory, judged, verdicts, rates), hold=3.5)
        self.clear_beat()
        self.play(FadeOut(Group(*self.mobjects)), run_time=0.8)
        self.clear()

    @staticmethod
    def _explain(lr, trajectory, judged, verdicts, rates) -> tuple[str, str]:
        """The beat about one rate, from its verdict (and the verdicts of the others)."""
        start, end = judged.distance
        x_end = fixed(trajectory.points[-1, 0], 2)
        if judged.label == "diverges":
            return (
                f"{lr:g} diverges: each step overshoots further,",
                f"x grows ×{fixed(judged.rate, 2)} per step, to {x_end}.",
            )
        if judged.label == "too small":
            return (
                f"{lr:g} is too small: after {trajectory.steps} steps",
                f"x is still {x_end}: {fixed(100 * end / start, 0)}% of the distance is left.",
            )
        twin = next(
            (
                r
                for r, v in zip(rates, verdicts, strict=True)
                if r != lr and v.converges and v.label != judged.label and same_rate(v, judged)
            ),
            None,
        )
        if judged.label == "zig-zags":
            second = (
                f"x shrinks ×{fixed(judged.rate, 2)}: as fast as {twin:g}."
                if twin is not None
                else f"x shrinks ×{fixed(judged.rate, 2)} per step."
            )
            return (f"{lr:g} zig-zags across the minimum,", second)
        return (f"{lr:g} converges: x shrinks ×{fixed(judged.rate, 2)}", f"per step, to {x_end}.")

    # ---------------------------------------------------------------------- part 2
    def zigzag(self) -> None:
        experiment = get_experiment("race-valley")
        surface = experiment.surface
        run, trajectory = next((r, t) for r, t in experiment.run().by_run() if r.optimizer == "sgd")
        minimum = surface.minima[0]
        rates = coordinate_rates(trajectory, minimum)
        near = reached(trajectory, minimum)
        title = self.title_block(
            "The zig-zag",
            f'L = {surface.formula.split("=")[-1].strip()} quad "gradient descent," '
            f"eta = {run.lr:g}",
        )
        window = ((-3.0, 3.0), (-3.0, 3.0))
        axes, image, deco = contour_panel(surface, 4.0, bounds=window)
        shift = np.array([-3.3, -0.1, 0]) - axes.get_center()
        for mob in (axes, image, deco):
            mob.shift(shift)
        to_scene = to_scene_fn(axes)
        start = ring(to_scene(np.array([trajectory.points[0]]))[0])
        goal = star(to_scene(np.array([minimum]))[0])
        clock = Clock(0)
        runner = Runner(
            "zigzag",
            trajectory.points,
            to_scene,
            clock,
            run_color(run.optimizer),
            clip=inside_fn(window),
        )
        lines = VGroup(
            formula(f'"across (y):" quad y_(k+1) \\/ y_k = {fixed(rates[1], 2)}', 40),
            formula(f'"along (x):" quad x_(k+1) \\/ x_k = {fixed(rates[0], 2)}', 40),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.45)
        lines.move_to((3.2, 0.9, 0))
        readout = VGroup(
            LiveText(28, 26).place([0.6, -0.8, 0]), LiveText(28, 26).place([0.6, -1.3, 0])
        )

        def update(_m: object) -> None:
            k = min(clock.step, trajectory.steps)
            x, y = trajectory.points[k]
            readout[0].set_text(f"step {k:>3}")
            readout[1].set_text(f"x {fixed(x, 3):>7}  y {fixed(y, 3):>7}")

        readout.add_updater(update)
        update(readout)
        self.play(FadeIn(Group(image, deco, title, start, goal)), run_time=0.8)
        self.add(readout, runner)
        sharper = fixed(curvature_ratio(surface, minimum), 0)
        self.beat(f"A long valley: it curves {sharper}× more sharply", "across than along.", hold=3)
        self.beat("Plain gradient descent from the ring,", "one step at a time.")
        states = optimizer_states(run, trajectory, surface)
        hyper = dict(run.make_optimizer().hyperparams)

        def card(k: int) -> VGroup:
            rows = step_lines(run.optimizer, hyper, states[k])
            group = VGroup(*(formula(line, 40) for line in rows))
            group.arrange(DOWN, aligned_edge=LEFT, buff=0.22)
            group.move_to((-1.05 + group.width / 2, 0.6, 0))
            group.caption = caption_of(rows)  # type: ignore[attr-defined]
            return group

        self.clear_beat()
        self.slow_steps(clock, card)
        self.play(FadeIn(lines[0]), run_time=0.5)
        self.beat(*_coordinate_beat("Across", "y", rates[1]), hold=3.5)
        self.play(FadeIn(lines[1]), run_time=0.5)
        self.beat(*_coordinate_beat("Along the floor", "x", rates[0]), hold=3.5)
        shown = min(trajectory.steps, 60)
        tag = self.speed_up("faster: 8 steps/s")
        play_clock(self, clock, shown, (shown - 3) / 8)
        self.end_badge(tag)
        if near is not None:
            self.beat(
                f"Per step y shrinks ×{fixed(abs(rates[1]), 2)}, x ×{fixed(abs(rates[0]), 2)}:",
                f"within 1% of the minimum by step {near}.",
                hold=4,
            )
        self.hold(1.0)


def _coordinate_beat(where: str, name: str, factor: float) -> tuple[str, str]:
    """What one coordinate does per step, from its measured factor (negative: it flips sign,
    the step overshoots the valley's floor in that coordinate)."""
    size = f"×{fixed(abs(factor), 2)}"
    change = "shrinks" if abs(factor) < 1 else "grows"
    if factor < 0:
        return (
            f"{where}, every step overshoots the floor:",
            f"{name} flips sign, {change} {size}.",
        )
    return (f"{where}, no step overshoots:", f"{name} keeps its sign, {change} {size} a step.")
