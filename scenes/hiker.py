"""A hiker in the fog: gradient descent as feeling the slope and stepping downhill.

Data: the built-in experiment ``descent-path`` (seed 001: L(x) = x² + 4x + 9 from x = 8 with
η = 0.1). Only the ground near the hiker is visible; the slope under the feet is the gradient
arrow ∇L and each step is −η·∇L, with the update rule and its live numbers beside the picture.
Positions, losses and gradients come from the trajectory and the landscape; the scene only
interpolates between steps for the walk.
"""

from __future__ import annotations

import math

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Arrow,
    DashedLine,
    Dot,
    FadeIn,
    Line,
    VGroup,
    VMobject,
    linear,
)

from gdviz.animation import kit
from gdviz.experiments import get_experiment
from gdviz.numbers import format_fixed, subscript

FOG_HALF_WIDTH = 2.6  # x-units of ground visible on each side of the hiker
SLOW_STEPS = 3  # steps explained one phase at a time


class HikerScene(kit.GDScene):
    def construct(self) -> None:
        experiment = get_experiment("descent-path")
        surface = experiment.surface
        ((config, trajectory),) = experiment.run().by_run()
        xs = trajectory.points[:, 0]
        losses = trajectory.losses
        grads = surface.gradient(trajectory.points)[:, 0]
        eta = config.lr
        n = trajectory.steps

        title = self.title_block(
            "Walking downhill in the fog",
            f"gradient descent on L(x) = {surface.pretty} from x = {xs[0]:g}, η = {eta:g}",
        )
        x_lo, x_hi = -7.0, 10.0
        y_lo = -25.0  # room under the valley floor for the step arrows
        axes = kit.plain_axes((x_lo, x_hi, 1), (y_lo, 125, 25), 6.2, 4.9)
        axes.to_edge(LEFT, buff=0.6).to_edge(DOWN, buff=0.8)
        to_scene = kit.to_scene_fn(axes)
        baseline = Line(axes.c2p(x_lo, y_lo), axes.c2p(x_hi, y_lo), color=kit.MUTED, stroke_width=2)
        names = kit.formula("x", 28, kit.MUTED).next_to(baseline, RIGHT, buff=0.2)
        ticks = kit.tick_labels(axes, xs=(-6, -2, 2, 6, 10), size=18)

        def ground(a: float, b: float, count: int = 24) -> np.ndarray:
            gx = np.linspace(max(a, x_lo), min(b, x_hi), count)
            return to_scene(np.column_stack([gx, surface.loss(gx[:, None])]))

        # ---- the formula panel (static)
        rule = kit.formula("x_(k+1) = x_k - eta thin nabla L(x_k)", 38)
        rows = [
            ("k", "step"),
            ("x_k", "position"),
            ("L(x_k)", "height"),
            ("nabla L(x_k)", "slope"),
            ("eta", "step size"),
        ]
        panel_left = axes.get_right()[0] + 1.25
        rule.move_to([panel_left, 1.3, 0], aligned_edge=LEFT)
        labels, values = VGroup(), []
        for i, (symbol, meaning) in enumerate(rows):
            y = 0.4 - 0.6 * i
            sym = kit.formula(symbol, 30).move_to([panel_left, y, 0], aligned_edge=LEFT)
            note = kit.label(meaning, 20, kit.MUTED).move_to(
                [panel_left + 3.5, y, 0], aligned_edge=LEFT
            )
            labels.add(sym, note)
            values.append(kit.LiveText(9, 28).place([panel_left + 1.75, y, 0]))
        update_line = kit.LiveText(26, 24, kit.ACCENT).place([panel_left, 0.4 - 0.6 * 5.3, 0])
        result_line = kit.LiveText(26, 24, kit.ACCENT).place([panel_left, 0.4 - 0.6 * 6.1, 0])
        box = kit.panel(5.7, 5.5).move_to([panel_left + 2.65, -0.75, 0])

        self.add(box, title, baseline, names, ticks, rule, labels)

        # ---- moving parts: fog ground, arrows, hiker, numbers
        clock = kit.Clock(0)
        show_grad = kit.Clock(0)
        show_step = kit.Clock(0)
        fog = VGroup(*(VMobject(stroke_color=kit.FG, stroke_width=5) for _ in range(12)))
        hiker = kit.Hiker(0.9, facing=-1)
        from_scene = kit.from_scene_fn(axes)
        grad_arrow = Arrow(ORIGIN3, RIGHT, buff=0, color=kit.HIGHLIGHT, stroke_width=6)
        step_arrow = Arrow(ORIGIN3, RIGHT, buff=0, color=kit.ACCENT, stroke_width=6)
        grad_name = kit.formula("nabla L", 28, kit.HIGHLIGHT)
        step_name = kit.formula("-eta nabla L", 28, kit.ACCENT)
        drop = DashedLine(ORIGIN3, UP, color=kit.MUTED, stroke_width=2)
        mark = Dot(radius=0.06, color=kit.FG)

        def position(c: float) -> tuple[float, float]:
            x = float(kit.path_at(xs[:, None], c)[0])
            return x, float(surface.loss(np.array([x]))[()])

        def update_world(_mob: VMobject) -> None:
            c = clock.get_value()
            k = min(math.floor(c + 1e-9), n)
            x, height = position(c)
            feet = to_scene(np.array([[x, height]]))[0]
            # fog: ground segments fading out with distance from the hiker
            edges = np.linspace(x - FOG_HALF_WIDTH, x + FOG_HALF_WIDTH, len(fog) + 1)
            for i, seg in enumerate(fog):
                mid = (i + 0.5) / len(fog) * 2 - 1
                seg.set_points_as_corners(ground(edges[i], edges[i + 1], 6))
                seg.set_stroke(opacity=max(0.0, 1 - abs(mid)) ** 1.3)
            hiker.face(1 if k < n and xs[min(k + 1, n)] > xs[k] else -1)
            hiker.stand_at(feet, phase=2 * math.pi * 2 * c if k < n else 0.0)
            self.probe.log("hiker", c, from_scene(feet), feet)
            # slope at x_k: arrow pointing uphill (length grows with |∇L|, capped)
            anchor = to_scene(np.array([[xs[k], losses[k]]]))[0]
            g = float(grads[k])
            length = min(1.3, 0.07 * abs(g)) * (1 if g > 0 else -1)
            kit.set_arrow(
                grad_arrow, anchor + 0.05 * UP, anchor + 0.05 * UP + length * RIGHT, kit.HIGHLIGHT
            )
            grad_arrow.set_opacity(show_grad.get_value() if k < n else 0)
            grad_name.next_to(grad_arrow, UP, buff=0.1).set_opacity(grad_arrow.get_stroke_opacity())
            # the step on the x-axis: from x_k to x_{k+1} = x_k - η ∇L(x_k)
            if k < n:
                a = axes.c2p(xs[k], y_lo) + 0.3 * UP
                b = axes.c2p(xs[k + 1], y_lo) + 0.3 * UP
                kit.set_arrow(step_arrow, a, b, kit.ACCENT)
            op = show_step.get_value() if k < n else 0
            step_arrow.set_opacity(op)
            step_name.next_to(step_arrow, UP, buff=0.08).set_opacity(op)
            drop.put_start_and_end_on(axes.c2p(xs[k], y_lo), anchor)
            drop.set_stroke(opacity=0.8 * op)
            mark.move_to(axes.c2p(xs[k], y_lo)).set_opacity(op)
            # live numbers of step k
            values[0].set_text(f"{k}")
            values[1].set_text(format_fixed(xs[k], 3))
            values[2].set_text(format_fixed(losses[k], 3))
            values[3].set_text(format_fixed(g, 3))
            values[4].set_text(f"{eta:g}")
            if k < n and show_step.get_value() > 0.5:
                update_line.set_text(
                    f"x{subscript(k + 1)} = {format_fixed(xs[k], 3)} − {eta:g}×{format_fixed(g, 3)}"
                )
                result_line.set_text(
                    f"{'':{len(subscript(k + 1)) + 2}} = {format_fixed(xs[k + 1], 3)}"
                )
            elif k >= n:
                update_line.set_text(f"after {n} steps:")
                result_line.set_text(f"x = {format_fixed(xs[n], 3)}")
            else:
                update_line.set_text("")
                result_line.set_text("")

        world = VGroup(
            fog,
            drop,
            mark,
            grad_arrow,
            grad_name,
            step_arrow,
            step_name,
            hiker,
            *values,
            update_line,
            result_line,
        )
        world.add_updater(update_world)
        update_world(world)
        self.add(world)
        self.wait(1.2)

        for k in range(n):
            if k < SLOW_STEPS:
                self.play(show_grad.animate.set_value(1), run_time=0.7)
                self.play(show_step.animate.set_value(1), run_time=0.7)
                self.play(clock.animate(rate_func=linear).set_value(k + 1), run_time=1.1)
                if k < SLOW_STEPS - 1:
                    show_grad.set_value(0)
                    show_step.set_value(0)
            else:
                self.play(clock.animate(rate_func=linear).set_value(k + 1), run_time=0.55)

        # the fog lifts: the whole valley and every step taken
        whole = VMobject(stroke_color=kit.MUTED, stroke_width=3).set_points_as_corners(
            ground(x_lo, x_hi, 160)
        )
        footprints = VGroup(
            *(
                Dot(point, radius=0.05, color=kit.ACCENT)
                for point in to_scene(np.column_stack([xs, losses]))
            )
        )
        caption = kit.label(
            "the fog lifts:\nevery step went downhill,\neach one shorter", 24, kit.FG
        ).move_to(axes.c2p(x_lo, 120), aligned_edge=LEFT + UP)
        self.play(FadeIn(whole), FadeIn(footprints), FadeIn(caption), run_time=1.5)
        self.wait(2.5)


ORIGIN3 = np.zeros(3)
