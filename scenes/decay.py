"""Learning-rate decay on seed 000's regression: a divergence, a rescue and a slow crawl.

Data: the built-in experiment ``linear-regression`` (seed 000: y = w·x + b on five points, from
w = 0.5, b = 0, 200 epochs) with its three recipes: constant η = 0.01, constant η = 0.5, and
η = 0.1 decayed ×0.99 per epoch. The loss's curvature caps a stable constant rate at 2/λ_max
(:func:`gdviz.claims.stability_limit`): 0.5 is far above it and diverges; 0.1 starts above it
too — its loss climbs — until the decay brings it below, and the run comes back.
Left, the data with each run's current line; middle, the runs as points (w, b) on the loss
contours; right, the loss per epoch on a log scale.
"""

from __future__ import annotations

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, Dot, FadeIn, FadeOut, Line, VGroup

from gdviz.animation.axes import plain_axes, tick_labels, to_scene_fn
from gdviz.animation.backgrounds import contour_panel
from gdviz.animation.clock import Clock, play_clock
from gdviz.animation.colors import FG, MUTED, series
from gdviz.animation.equations import caption_of, rate, tnum, tvec
from gdviz.animation.marks import key_row, series_dot, star
from gdviz.animation.runner import Runner, layered
from gdviz.animation.scene import GDScene
from gdviz.animation.text import LiveText, fixed, formula, label
from gdviz.claims import first_below, optimizer_states, stability_limit, verdict

SCENE = {
    "name": "decay",
    "title": "Learning-rate decay",
    "summary": "Fitting a line to five points: η = 0.5 diverges, η = 0.1 × 0.99ᵏ is rescued.",
    "experiment": "linear-regression",
    "chapter": "decay",
}

PANEL = 3.0
Y_MAX = 7.0
RUN_SECONDS = 12.0


class Decay(GDScene):
    """Too large diverges; too large then decayed comes back; small and constant crawls."""

    declaration = SCENE

    def construct(self) -> None:
        experiment = self.experiment
        surface = experiment.surface
        chosen = experiment.run().by_run()
        epochs = max(t.steps for _, t in chosen)
        start = experiment.starts[0]
        self.add(
            self.title_block(
                "Decaying the learning rate",
                f'y = w x + b "on five points," quad {epochs} "epochs from" '
                f"(w, b) = ({start[0]:g}, {start[1]:g})",
            )
        )
        data_axes = plain_axes((0, 6, 1), (0, Y_MAX, 1), PANEL, PANEL * 0.8)
        # the parameter window holds every point of the runs that do not diverge
        kept = np.vstack([t.points for _, t in chosen if t.status != "diverged"])
        pad = 0.08 * np.ptp(kept, axis=0)
        low, high = np.floor((kept.min(0) - pad) * 2) / 2, np.ceil((kept.max(0) + pad) * 2) / 2
        window = ((float(low[0]), float(high[0])), (float(low[1]), float(high[1])))
        param_axes, image, deco = contour_panel(
            surface, PANEL, bounds=window, height=PANEL * 0.8, levels=16, log=True, ticks=3
        )
        log_losses = [np.log10(t.losses) for _, t in chosen]
        lo = np.floor(min(v.min() for v in log_losses))
        hi = min(np.ceil(max(v.max() for v in log_losses)), 7.0)
        loss_axes = plain_axes((0, epochs, 50), (lo, hi, 1), PANEL, PANEL * 0.8)
        for axes, x in ((data_axes, -4.4), (param_axes, 0.0), (loss_axes, 4.5)):
            offset = np.array([x, 0.1, 0]) - axes.get_center()
            axes.shift(offset)
            if axes is param_axes:
                image.shift(offset)
                deco.shift(offset)
        heads = VGroup(
            label("the data", 26).next_to(data_axes, UP, buff=0.6),
            label("the parameters (w, b)", 26).next_to(image, UP, buff=0.6),
            label("loss per epoch", 26).next_to(loss_axes, UP, buff=0.6),
        )
        assert surface.data is not None  # decay draws a data landscape (its declaration)
        xs_data, ys_data = surface.data.X[:, 0], surface.data.y
        points = VGroup(
            *(
                Dot(data_axes.c2p(x, y), radius=0.08, color=FG)
                for x, y in zip(xs_data, ys_data, strict=True)
            )
        )
        data_ticks = tick_labels(data_axes, xs=(0, 2, 4, 6), ys=(0, 2, 4, 6))
        loss_ticks = tick_labels(loss_axes, xs=(0, 100, 200))
        for exponent in range(int(lo), int(hi) + 1, 2):
            loss_ticks.add(
                formula(f"10^({exponent})", 38, MUTED).next_to(
                    loss_axes.c2p(0, exponent), LEFT, buff=0.1
                )
            )
        best = star(
            param_axes.c2p(*surface.minima[0]) if surface.minima else param_axes.c2p(0, 0), 0.12
        )
        self.add(image, deco, data_axes, loss_axes, heads, points, data_ticks, loss_ticks, best)

        clock = Clock(0)
        moving = VGroup()
        to_param, to_loss = to_scene_fn(param_axes), to_scene_fn(loss_axes)
        keys = VGroup()
        on_map: list[Runner] = []
        count = len(chosen)
        for i, (run, trajectory) in enumerate(chosen):
            col = series(i, count)
            name = _describe(run)
            runner = Runner(
                name,
                trajectory.points,
                to_param,
                clock,
                col,
                clip=lambda p: _inside(p, window),
                trail_width=4.5 - 1.2 * i,
                marker=series_dot(i, col),
            )
            curve_points = np.column_stack(
                [np.arange(trajectory.steps + 1), np.log10(trajectory.losses)]
            )
            loss_runner = Runner(
                f"{name} loss",
                curve_points,
                to_loss,
                clock,
                col,
                clip=lambda p: p[:, 1] <= hi,
                trail_width=3.5,
                marker=series_dot(i, col, 0.07),
            )
            fit = Line(LEFT, RIGHT, color=col, stroke_width=4)

            def update(_m: object, t=trajectory, fit=fit) -> None:
                w, b = t.points[min(clock.step, t.steps)]
                span = _visible_span(w, b, 0.0, 6.0)
                if span is None:  # the line misses the window: nothing to draw
                    fit.put_start_and_end_on(data_axes.c2p(0, 0), data_axes.c2p(0.01, 0))
                    fit.set_stroke(opacity=0)
                    return
                x_a, x_b = span
                fit.set_stroke(opacity=1)
                fit.put_start_and_end_on(
                    data_axes.c2p(x_a, w * x_a + b), data_axes.c2p(x_b, w * x_b + b)
                )

            fit.add_updater(update)
            update(fit)
            keys.add(key_row(col, name, 26))
            moving.add(fit, loss_runner)
            on_map.insert(0, runner)
        # on the map the first recipes are drawn last: the decayed run's dense zig-zag (and its
        # halo) lies underneath and cannot blot out the short path of the small constant rate
        moving.add(*layered(on_map))
        keys.arrange(RIGHT, buff=0.8).move_to((0, -2.2, 0))
        for i, key in enumerate(keys):
            key.remove(key[0])
            key.add_to_back(
                series_dot(i, series(i, count)).move_to(key[0].get_left() + 0.25 * LEFT)
            )
        readout = LiveText(9, 26).place([4.45, -1.75, 0])
        readout.add_updater(lambda m: m.set_text(f"epoch {min(clock.step, epochs):>3}"))
        readout.set_text("epoch   0")
        self.add(keys, moving, readout)

        limit = stability_limit(surface, start)
        verdicts = [verdict(t, surface.minima[0]) for _, t in chosen] if surface.minima else []
        self.beat("Fit a line to five points,", "with three learning-rate recipes.", hold=3)

        def card(k: int) -> VGroup:
            lines = []
            for run, trajectory in chosen:
                states = optimizer_states(run, trajectory, surface)
                if k < len(states):
                    s = states[k]
                    lines.append(
                        f"theta_{k + 1} = {tvec(s.point)} - {rate(s.lr)} dot {tvec(s.grad)} "
                        f"= {tvec(s.new_point)}"
                    )
                else:
                    lines.append(f'"diverged at epoch" {trajectory.steps}')
            rows = VGroup(*(formula(line, 38) for line in lines))
            rows.arrange(DOWN, aligned_edge=LEFT, buff=0.16).move_to((0.3, -2.75, 0))
            for i, row in enumerate(rows):
                row.add(series_dot(i, series(i, count)).next_to(row, LEFT, buff=0.2))
            rows.caption = caption_of(lines)  # type: ignore[attr-defined]
            return rows

        self.clear_beat()
        self.play(keys.animate.set_opacity(0), readout.animate.set_opacity(0), run_time=0.3)
        self.slow_steps(clock, card)
        self.play(keys.animate.set_opacity(1), readout.animate.set_opacity(1), run_time=0.3)
        tag = self.speed_up(f"faster: {round((epochs - 3) / RUN_SECONDS)} epochs/s")
        play_clock(self, clock, epochs, RUN_SECONDS, lambda u: u**1.5)
        self.end_badge(tag)

        # the bound takes the epoch read-out's place; the key stays for the beats naming runs
        bound = formula(f"2 \\/ lambda_max = {tnum(limit)}", 40)
        bound.move_to(readout.get_right(), aligned_edge=RIGHT)
        self.play(FadeOut(readout), FadeIn(bound), run_time=0.5)
        self.beat(
            "A constant rate is stable only below",
            f"2 over the largest curvature: {fixed(limit, 3)}.",
            hold=3.5,
        )
        self.conclude(chosen, verdicts, limit)
        self.hold(1.0)

    def conclude(self, chosen, verdicts, limit: float) -> None:
        """One beat per recipe from its verdict, then the two lowest final losses."""
        for (run, trajectory), judged in zip(chosen, verdicts, strict=True):
            self.beat(*_explain(run, trajectory, judged, limit), hold=3.5)
        finals = {_describe(r): float(t.losses[-1]) for r, t in chosen if t.status != "diverged"}
        if len(finals) >= 2:
            (a, la), (b, lb) = sorted(finals.items(), key=lambda item: item[1])[:2]
            self.beat(
                f"Lowest loss at the end: {a} ({fixed(la, 2)}),",
                f"then {b} ({fixed(lb, 2)}).",
                hold=4,
            )


def _explain(run, trajectory, judged, limit: float) -> tuple[str, str]:
    """The beat about one recipe, from its run and its verdict."""
    name = _describe(run)
    losses = trajectory.losses
    if trajectory.status == "diverged":
        return (f"{name}: far above the limit.", f"It diverges by epoch {trajectory.steps}.")
    if run.schedule:
        peak = int(np.argmax(losses))
        below = first_below(trajectory.lrs, limit)
        if peak > 0 and below is not None:
            return (
                f"{name}: above the limit, the loss climbs",
                f"to {fixed(losses[peak], 0)}; decayed below it by epoch {below}, it recovers.",
            )
        return (f"{name}: {judged.label}.", f"The loss ends at {fixed(losses[-1], 3)}.")
    first = f"{name}: stable but slow," if judged.label == "too small" else f"{name}: stable,"
    return (first, f"the loss is {fixed(losses[-1], 3)} after {trajectory.steps} epochs.")


def _inside(points: np.ndarray, window) -> np.ndarray:
    (w0, w1), (b0, b1) = window
    return (points[:, 0] >= w0) & (points[:, 0] <= w1) & (points[:, 1] >= b0) & (points[:, 1] <= b1)


def _visible_span(w: float, b: float, x_a: float, x_b: float) -> tuple[float, float] | None:
    """The x-interval of the line y = w·x + b inside the data window 0 ≤ y ≤ Y_MAX, or None
    if the line misses the window."""
    if abs(w) > 1e-12:
        lo, hi = sorted(((0 - b) / w, (Y_MAX - b) / w))
        x_a, x_b = max(x_a, lo), min(x_b, hi)
    elif not 0 <= b <= Y_MAX:
        return None
    return (x_a, x_b) if x_b > x_a else None


def _describe(run) -> str:
    if run.schedule:
        gamma = run.schedule.split("gamma=")[-1]
        return f"{run.lr:g} decayed ×{gamma}"
    return f"constant {run.lr:g}"
