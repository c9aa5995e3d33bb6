"""Learning-rate decay on seed 000's regression: the data view and the parameter view, linked.

Data: the built-in experiment ``linear-regression`` (seed 000: y = w·x + b on five points, from
w = 0.5, b = 0, 200 epochs): its constant η = 0.01 run against η = 0.1 decayed ×0.99 per epoch.
Left, the data with each run's current line; middle, the same runs as points (w, b) on the
loss contours; right, the loss per epoch.
"""

from __future__ import annotations

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, Dot, FadeIn, Group, Line, VGroup

from gdviz.animation import kit
from gdviz.experiments import get_experiment
from gdviz.landscapes import REGRESSION_X, REGRESSION_Y
from gdviz.numbers import format_fixed, superscript

RUN_SECONDS = 13.0
PANEL = 3.4
Y_MAX = 7.0


class DecayScene(kit.GDScene):
    def construct(self) -> None:
        experiment = get_experiment("linear-regression")
        surface = experiment.surface
        chosen = [
            (run, t)
            for run, t in experiment.run().by_run()
            if run.schedule is not None or run.lr < 0.1
        ]
        epochs = max(t.steps for _, t in chosen)
        title = self.title_block(
            "Decaying the learning rate",
            f"fit y = w·x + b to five points, {epochs} epochs from "
            f"w = {experiment.starts[0][0]:g}, b = {experiment.starts[0][1]:g}",
        )

        # ---- three panels
        data_axes = kit.plain_axes((0, 6, 1), (0, Y_MAX, 1), PANEL, PANEL * 0.9)
        # the parameter window holds every point of both runs (the decayed run swings wide)
        every = np.vstack([t.points for _, t in chosen])
        pad = 0.08 * (every.max(0) - every.min(0))
        (w0, b0), (w1, b1) = np.floor(every.min(0) - pad), np.ceil(every.max(0) + pad)
        param_axes, image, deco = kit.contour_panel(
            surface,
            PANEL,
            bounds=((w0, w1), (b0, b1)),
            height=PANEL * 0.9,
            levels=16,
            log=True,
            ticks=3,
        )
        # loss on a log scale: the decayed run starts by bouncing far up the valley walls
        log_losses = [np.log10(t.losses) for _, t in chosen]
        lo = np.floor(min(v.min() for v in log_losses))
        hi = np.ceil(max(v.max() for v in log_losses))
        loss_axes = kit.plain_axes((0, epochs, 50), (lo, hi, 1), PANEL, PANEL * 0.9)
        panels = (
            (data_axes, data_axes, -4.75),
            (Group(param_axes, image, deco), param_axes, 0.0),
            (loss_axes, loss_axes, 4.75),
        )
        for mob, anchor, x in panels:
            mob.shift(np.array([x, 0.15, 0]) - anchor.get_center())
        heads = VGroup(
            kit.label("data view", 24).next_to(data_axes, UP, buff=0.35),
            kit.label("parameter view (w, b)", 24).next_to(image, UP, buff=0.35),
            kit.label("loss per epoch", 24).next_to(loss_axes, UP, buff=0.35),
        )
        points = VGroup(
            *(
                Dot(data_axes.c2p(x, y), radius=0.08, color=kit.FG)
                for x, y in zip(REGRESSION_X, REGRESSION_Y, strict=True)
            )
        )
        data_ticks = kit.tick_labels(data_axes, xs=(0, 2, 4), ys=(0, 2, 4, 6), size=16)
        loss_axes.x_axis.set_opacity(0)
        loss_floor = Line(
            loss_axes.c2p(0, lo), loss_axes.c2p(epochs, lo), color=kit.MUTED, stroke_width=2
        )
        loss_ticks = kit.tick_labels(loss_axes, xs=(0, 100, 200), size=16)
        for exponent in range(int(lo), int(hi) + 1):
            p = loss_axes.c2p(0, exponent)
            loss_ticks.add(
                kit.label(f"10{superscript(exponent)}", 16, kit.MUTED).next_to(p, LEFT, buff=0.12)
            )
        data_names = kit.axis_names(data_axes, "x", "y", 26)
        loss_names = VGroup(
            loss_floor, kit.label("epoch", 18, kit.MUTED).next_to(loss_floor, DOWN, buff=0.45)
        )
        best = kit.star(param_axes.c2p(*surface.minima[0]), 0.12)
        self.add(
            image,
            deco,
            data_axes,
            loss_axes,
            heads,
            points,
            data_ticks,
            loss_ticks,
            data_names,
            loss_names,
            title,
            best,
        )

        # ---- the runs: a line in the data view, a point in the parameter view, a loss curve
        clock = kit.Clock(0)
        moving = VGroup()
        to_param = kit.to_scene_fn(param_axes)
        to_loss = kit.to_scene_fn(loss_axes)
        xs_line = np.array([0.0, 6.0])
        for i, (run, trajectory) in enumerate(chosen):
            col = kit.series(i)
            name = _describe(run)
            runner = kit.Runner(
                name,
                trajectory.points,
                to_param,
                clock,
                col,
                probe=self.probe,
                clip=kit.inside_fn(((w0, w1), (b0, b1))),
                from_scene=kit.from_scene_fn(param_axes),
                # the decayed run zig-zags across the valley ~40 times: a hairline keeps the
                # swings readable instead of merging them into a band over the other run
                trail_width=1.0,
            )
            curve = np.column_stack([np.arange(trajectory.steps + 1), np.log10(trajectory.losses)])
            loss_runner = kit.Runner(
                f"{name} loss",
                curve,
                to_loss,
                clock,
                col,
                radius=0.06,
                probe=self.probe,
                from_scene=kit.from_scene_fn(loss_axes),
            )
            fit = Line(LEFT, RIGHT, color=col, stroke_width=4)
            key = kit.key_row(col, name, 22)
            key.move_to([-6.3, -2.55 - 0.5 * i, 0], aligned_edge=LEFT)
            readout = kit.LiveText(54, 20).place([-3.3, key.get_center()[1], 0])

            def update(_m: Line, t=trajectory, fit=fit, readout=readout) -> None:
                w, b = kit.path_at(t.points, clock.get_value())
                x_a, x_b = _visible_span(w, b, xs_line[0], xs_line[1])
                fit.put_start_and_end_on(
                    data_axes.c2p(x_a, w * x_a + b), data_axes.c2p(x_b, w * x_b + b)
                )
                k = min(clock.step, t.steps)
                readout.set_text(
                    f"epoch {k:>3}  η {t.lrs[k]:.4f}  w {format_fixed(t.points[k, 0], 3):>7}  "
                    f"b {format_fixed(t.points[k, 1], 3):>6}  L {format_fixed(t.losses[k], 3)}"
                )

            # earlier runs on top: the short constant-rate path stays visible over the swings
            runner.set_z_index(len(chosen) - i)
            fit.add_updater(update)
            update(fit)
            self.add(key)
            moving.add(readout, fit, runner, loss_runner)
        self.add(moving)
        self.wait(1.0)
        self.play(clock.animate(rate_func=lambda u: u**1.6).set_value(epochs), run_time=RUN_SECONDS)
        summary = kit.label(
            "η = 0.1 bounces up the walls at first; as it decays the run "
            "settles, lower than η = 0.01",
            22,
            kit.ACCENT,
        ).to_edge(DOWN, buff=0.2)
        self.play(FadeIn(summary), run_time=0.8)
        self.wait(2.5)


def _visible_span(w: float, b: float, x_a: float, x_b: float) -> tuple[float, float]:
    """The x-interval of the line y = w·x + b inside the data window 0 ≤ y ≤ Y_MAX."""
    if abs(w) > 1e-12:
        lo, hi = sorted(((0 - b) / w, (Y_MAX - b) / w))
        x_a, x_b = max(x_a, lo), min(x_b, hi)
    if x_b <= x_a:  # the line misses the window entirely: draw nothing visible
        return x_a, x_a + 1e-6
    return x_a, x_b


def _describe(run) -> str:
    if run.schedule:
        gamma = run.schedule.split("gamma=")[-1]
        return f"η = {run.lr:g} × {gamma}ᵏ"
    return f"η = {run.lr:g}"
