"""A hiker in the fog: gradient descent as feeling the slope and stepping downhill.

Data: the built-in experiment ``descent-path`` (seed 001: L(x) = x² + 4x + 9 from x = 8 with
η = 0.1), or any 1-D experiment (``gdviz video hiker --landscape xcosx``, or a TOML experiment
on a formula in x). Only the ground near the hiker is visible; the slope under the feet is the
gradient arrow and each step is −η·L′(x). The first three steps are shown one at a time with the
update rule and its numbers; what the caption says at the end comes from :mod:`gdviz.claims`.
"""

from __future__ import annotations

import math

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, Arrow, FadeIn, VGroup, VMobject

from gdviz.animation.axes import nice_ticks, plain_axes, tick_labels, to_scene_fn
from gdviz.animation.clock import Clock, play_clock
from gdviz.animation.colors import FG, HIGHLIGHT, MUTED, run_color
from gdviz.animation.equations import caption_of, step_lines
from gdviz.animation.hiker import Hiker as HikerFigure
from gdviz.animation.marks import panel, set_arrow, star
from gdviz.animation.runner import Runner
from gdviz.animation.scene import GDScene
from gdviz.animation.text import LiveText, fixed, formula
from gdviz.claims import descent_facts, optimizer_states

SCENE = {
    "name": "hiker",
    "title": "A hiker in the fog",
    "summary": "Gradient descent as a hiker feeling the slope: the update rule step by step.",
    "experiment": "descent-path",
    "draws": ["1-D"],
    "chapter": "update-rule",
}

FOG_HALF_WIDTH = 0.16  # fraction of the x window visible on each side of the hiker


class Hiker(GDScene):
    """One hiker walking down a 1-D loss in the fog, with the update rule's numbers."""

    declaration = SCENE

    def construct(self) -> None:
        experiment = self.experiment
        surface = experiment.surface
        ((run, trajectory),) = experiment.run().by_run()[:1]
        xs, losses = trajectory.points[:, 0], trajectory.losses
        states = optimizer_states(run, trajectory, surface)
        hyper = dict(run.make_optimizer().hyperparams)
        n = trajectory.steps
        self.add(
            self.title_block(
                "Walking downhill in the fog",
                f"L(x) = {surface.formula.split('=')[-1].strip() or surface.formula} "
                f'quad "from" x_0 = {fixed(xs[0], 2)}, quad eta = {run.lr:g}',
            )
        )

        # ---- the ground (axes fitted to the walk) and the panel
        span = max(float(np.ptp(xs)), 1.0)
        x_lo, x_hi = float(xs.min()) - 0.6 * span, float(xs.max()) + 0.35 * span
        gx = np.linspace(x_lo, x_hi, 200)
        gl = surface.loss(gx[:, None])
        y_min, y_max = float(np.min(gl)), float(np.max(gl))
        pad = 0.12 * (y_max - y_min or 1.0)
        y_lo, y_hi = y_min - 3.6 * pad, y_max + pad
        axes = plain_axes((x_lo, x_hi, span), (y_lo, y_hi, (y_hi - y_lo) / 4), 6.4, 4.0)
        axes.move_to((-3.05, 0.05, 0))
        to_scene = to_scene_fn(axes)
        tick_xs = nice_ticks(x_lo, x_hi)
        ticks = tick_labels(
            axes, xs=tick_xs, digits=0 if np.all(tick_xs == np.round(tick_xs)) else 1
        )
        x_name = formula("x", 40, MUTED).next_to(axes.c2p(x_hi, y_lo), UP + RIGHT, buff=0.05)
        whole = VMobject(stroke_color=MUTED, stroke_width=3).set_points_smoothly(
            to_scene(np.column_stack([gx, gl]))
        )
        box = panel(5.9, 4.9).move_to((3.45, -0.15, 0))
        rule = formula("x_(k+1) = x_k - eta thin L'(x_k)", 44).move_to((3.45, 1.75, 0))
        self.add(box, rule, x_name, ticks)

        # ---- fog, arrows, hiker
        clock = Clock(0)
        fog = VGroup(*(VMobject(stroke_color=FG, stroke_width=6) for _ in range(12)))
        grads = np.array([s.grad[0] for s in states] + [surface.gradient(xs[-1:])[0]])
        walker = HikerFigure(0.9, pack=run_color(run.optimizer))
        runner = Runner(
            "hiker",
            trajectory.points,
            to_scene,
            clock,
            run_color(run.optimizer),
            lift=lambda p: np.column_stack([p[:, 0], surface.loss(p[:, :1])]),
            trail=False,
            marker=walker,
        )
        grad_arrow = Arrow(np.zeros(3), RIGHT, buff=0, color=HIGHLIGHT, stroke_width=6)
        step_arrow = Arrow(np.zeros(3), RIGHT, buff=0, color=run_color(run.optimizer))
        grad_name = formula("L'(x_k)", 38, HIGHLIGHT)
        step_name = formula("-eta thin L'(x_k)", 38, run_color(run.optimizer))
        show = Clock(0)  # 1: the arrows of the current step are shown
        half = FOG_HALF_WIDTH * (x_hi - x_lo)

        def ground(a: float, b: float, count: int) -> np.ndarray:
            g = np.linspace(max(a, x_lo), min(b, x_hi), count)
            return to_scene(np.column_stack([g, surface.loss(g[:, None])]))

        drawn: dict[str, int] = {}

        def update_world(_m: object) -> None:
            c = clock.get_value()
            k = min(math.floor(c + 1e-9), n)
            x = float(runner.current()[0])
            edges = np.linspace(x - half, x + half, len(fog) + 1)
            for i, seg in enumerate(fog):
                mid = (i + 0.5) / len(fog) * 2 - 1
                seg.set_points_as_corners(ground(edges[i], edges[i + 1], 6))
                seg.set_stroke(opacity=max(0.0, 1 - abs(mid)) ** 1.3)
            if drawn.get("k") != k:  # the arrows change only with the step
                drawn["k"] = k
                anchor = to_scene(np.array([[xs[k], losses[k]]]))[0] + 0.3 * DOWN
                g = float(grads[k])
                length = 1.4 * np.tanh(abs(g) / (abs(grads[0]) + 1e-300) * 2) * np.sign(g)
                set_arrow(grad_arrow, anchor, anchor + length * RIGHT, HIGHLIGHT)
                base = axes.c2p(xs[k], y_lo) + 0.25 * UP
                end = axes.c2p(xs[min(k + 1, n)], y_lo) + 0.25 * UP
                set_arrow(step_arrow, base, end, run_color(run.optimizer))
                # under its arrow, so the name never reaches into the panel on the right
                grad_name.next_to(grad_arrow, DOWN, buff=0.1)
                ahead = RIGHT if xs[min(k + 1, n)] >= xs[k] else LEFT
                step_name.next_to(step_arrow, ahead, buff=0.12)
            opacity = show.get_value() if k < n else 0.0
            for mob in (grad_arrow, step_arrow, grad_name, step_name):
                mob.set_opacity(opacity)

        world = VGroup(fog, grad_arrow, step_arrow, grad_name, step_name)
        world.add_updater(update_world)
        update_world(world)
        readout = VGroup(
            LiveText(22, 26).place([0.85, -1.75, 0]), LiveText(22, 26).place([0.85, -2.2, 0])
        )

        def read(_m: object) -> None:
            k = min(clock.step, n)
            readout[0].set_text(f"step {k:>3}   x = {fixed(xs[k], 3)}")
            readout[1].set_text(f"L(x) = {fixed(losses[k], 3)}")

        readout.add_updater(read)
        read(readout)
        self.add(world, runner, readout)

        self.beat("A hiker in thick fog sees only the ground", "right at her feet.", hold=3)
        self.beat("She feels which way the ground slopes,", "and steps the other way.", hold=3)
        self.beat("The steeper the slope, the longer the step:", "the step is η times the slope.")
        self.play(show.animate.set_value(1), run_time=0.6)

        def card(k: int) -> VGroup:
            lines = step_lines(run.optimizer, hyper, states[k], name="x")
            group = VGroup(*(formula(line, 40) for line in lines))
            group.arrange(DOWN, aligned_edge=LEFT, buff=0.22).move_to((3.45, 0.1, 0))
            group.caption = caption_of(lines)  # type: ignore[attr-defined]
            return group

        self.clear_beat()
        slow = min(3, n)
        self.slow_steps(clock, card, steps=slow)
        self.play(show.animate.set_value(0), run_time=0.4)
        rest = n - slow
        if rest > 0:
            seconds = float(np.clip(rest / 2.0, 4.0, 12.0))
            tag = self.speed_up(f"faster: {rest / seconds:.1f} steps/s")
            play_clock(self, clock, n, seconds)
            self.end_badge(tag)

        facts = descent_facts(trajectory, surface)
        marks = VGroup(
            *(
                star(axes.c2p(m[0], surface.loss(np.array(m))), 0.14)
                for m in surface.minima
                if x_lo <= m[0] <= x_hi
            )
        )
        self.play(FadeIn(whole), FadeIn(marks), run_time=1.5)
        words = "went downhill" if facts.downhill else "did not all go downhill"
        shorter = ", each one shorter" if facts.shrinking else ""
        self.beat("The fog lifts: the whole valley.", f"Every step {words}{shorter}.", hold=4)
        end = f"After {n} steps: x = {fixed(xs[-1], 3)}, L = {fixed(losses[-1], 3)}"
        if facts.lowest_known is not None:
            self.beat(end + ",", f"the lowest L is {fixed(facts.lowest_known, 3)}.", hold=4)
        else:
            self.beat(end + ".", "This landscape has no known minimum.", hold=4)
        self.hold(1.0)
