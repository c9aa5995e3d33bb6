"""Learning-rate decay on seed 000's regression: a divergence, a rescue and a slow crawl.

Data: the built-in experiment ``linear-regression`` (seed 000: y = w·x + b on five points, from
w = 0.5, b = 0, 200 epochs) with its three recipes: constant η = 0.01, constant η = 0.5, and
η = 0.1 decayed ×0.99 per epoch. The loss's curvature caps a stable constant rate at 2/λ_max
(:func:`gdviz.claims.stability_limit`): 0.5 is far above it and diverges; 0.1 starts above it
too — its loss climbs — until the decay brings it below, and the run comes back.
Left, the data with each run's current line; middle, the runs as points (w, b) on the loss
contours; right, the loss per epoch on a log scale.

The descent pauses at the epoch the decayed rate falls below 2/λ_max (a dashed line on the
loss chart, beside the rule "stable while η < 2/λ_max"); on the map the older swings fade
under a bright tail, and once every run still going stays in the landscape's own window the
map zooms into it, where the log-spaced contours are rings round the minimum.
"""

from __future__ import annotations

import math

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UL,
    UP,
    Arrow,
    Create,
    DashedLine,
    Dot,
    FadeIn,
    FadeOut,
    Line,
    VGroup,
    VMobject,
    linear,
)

from gdviz.animation.axes import plain_axes, tick_labels, to_scene_fn
from gdviz.animation.backgrounds import contour_panel
from gdviz.animation.clock import Clock, path_at, play_clock
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
#: Seconds for the epochs up to the one where the decayed rate falls below 2/λ_max (the
#: swings grow), and for the rest (they shrink, then the runs creep along the valley).
CLIMB_SECONDS, REST_SECONDS = 5.0, 9.0
#: Seconds from there to the epoch the map zooms in (when the swings have died down).
APPROACH_SECONDS = 3.5
#: On the parameter map, the last TAIL epochs of each path are drawn bright (the newest
#: brightest) and the older path faded to HISTORY_OPACITY, so ~40 swings over one line
#: read as swings, not as a filled band.
TAIL = 3
HISTORY_OPACITY = 0.3
#: The tails are wider than the faded paths (the decayed run's 2 px path is lost on the map).
TAIL_WIDTH = 5.5


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
        clock = Clock(0)
        wide = ParamMap(surface, chosen, window, clock)
        log_losses = [np.log10(t.losses) for _, t in chosen]
        lo = np.floor(min(v.min() for v in log_losses))
        hi = min(np.ceil(max(v.max() for v in log_losses)), 7.0)
        loss_axes = plain_axes((0, epochs, 50), (lo, hi, 1), PANEL, PANEL * 0.8)
        for axes, x in ((data_axes, -4.4), (loss_axes, 4.5)):
            axes.shift(np.array([x, 0.1, 0]) - axes.get_center())
        heads = VGroup(
            label("the data", 26).next_to(data_axes, UP, buff=0.6),
            label("the parameters (w, b)", 26).next_to(wide.image, UP, buff=0.6),
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
        self.add(wide.image, wide.deco, data_axes, loss_axes, heads, points, data_ticks, loss_ticks)

        moving = VGroup()
        to_loss = to_scene_fn(loss_axes)
        keys = VGroup()
        count = len(chosen)
        for i, (run, trajectory) in enumerate(chosen):
            col = series(i, count)
            name = _describe(run)
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
        moving.add(*wide.layer)
        self.maps = [wide]
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

        self.descend(clock, chosen, limit, _limit_mark(loss_axes, chosen, lo, hi, limit))
        self.conclude(chosen, verdicts, limit)
        self.hold(1.0)

    def descend(self, clock: Clock, chosen, limit: float, mark: VGroup) -> None:
        """Play the epochs after the slow steps: up to the epoch the decayed rate falls below
        2/λ_max (its swings grow), a pause there with the limit marked; then up to the epoch
        from which every run still going stays in the landscape's own window (its swings have
        died down), a zoom into that window, and the rest."""
        epochs = max(t.steps for _, t in chosen)
        pause = _crossing(chosen, limit)
        if pause is not None and 3 < pause < epochs:
            self.play_to(clock, pause, CLIMB_SECONDS)
            self.play(FadeIn(mark), run_time=0.5)
            self.explain_crossing(chosen, limit, pause)
            mark = VGroup()
        window = self.experiment.surface.bounds
        settled = _settled(chosen, window)
        if settled is not None and clock.get_value() < settled < epochs - 20:
            self.play_to(clock, settled, APPROACH_SECONDS)
            self.zoom(clock, chosen, window, settled)
        self.play_to(clock, epochs, REST_SECONDS, lambda u: u**1.5)
        if mark.submobjects:  # no pause on the way: the rule comes after the descent
            self.play(FadeIn(mark), run_time=0.5)
            self.beat(*_limit_words(limit), hold=3.5)

    def play_to(self, clock: Clock, epoch: float, seconds: float, rate=linear) -> None:
        """Play the clock to ``epoch`` in ``seconds`` under a speed-up badge."""
        tag = self.speed_up(f"faster: {round((epoch - clock.get_value()) / seconds)} epochs/s")
        play_clock(self, clock, epoch, seconds, rate)
        self.end_badge(tag)

    def zoom(self, clock: Clock, chosen, window, since: int) -> None:
        """Outline ``window`` on the map, say why, and swap the map for one over ``window``
        whose paths start at epoch ``since``."""
        wide = self.maps[-1]
        box = wide.frame_of(window)
        self.play(Create(box), run_time=0.6)
        self.beat(
            f"By epoch {since} the swings fit in this box;",
            "zooming in shows the loss's rings round the minimum.",
            hold=3.5,
        )
        near = ParamMap(self.experiment.surface, chosen, window, clock, since)
        self.mobjects.insert(self.mobjects.index(wide.image) + 1, near.image)
        # the old ticks go before the new ones come (never two sets of ticks at once)
        self.play(FadeOut(wide.deco, *wide.layer), run_time=0.5)
        self.play(
            FadeOut(wide.image),
            FadeIn(near.image, near.deco, *near.layer),
            box.animate.become(near.frame_of(window)),
            run_time=1.0,
        )
        self.remove(box)
        self.maps.append(near)

    def explain_crossing(self, chosen, limit: float, pause: int) -> None:
        """Two beats at the epoch the decayed rate falls below 2/λ_max: the rule, then what
        the decayed run's loss does there (from the run: its peak)."""
        self.beat(*_limit_words(limit), hold=3.5)
        for run, trajectory in chosen:
            if not run.schedule:
                continue
            peak = int(np.argmax(trajectory.losses))
            then = (
                "there its loss peaks and turns down."
                if peak == pause
                else f"its loss peaks at epoch {peak}."
            )
            self.beat(f"{_describe(run)} falls below it at epoch {pause};", then, hold=3.5)

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


def _limit_words(limit: float) -> tuple[str, str]:
    """The beat stating the stability rule with the run's 2/λ_max."""
    return (
        "A constant rate is stable only below 2 over",
        f"the largest curvature of the loss: {fixed(limit, 4)}.",
    )


def _settled(chosen, window) -> int | None:
    """The first epoch from which every run that does not diverge stays inside ``window``
    (None if there is no such run)."""
    lasts = [
        int(np.flatnonzero(~inside)[-1]) + 1 if not inside.all() else 0
        for inside in (_inside(t.points, window) for _, t in chosen if t.status != "diverged")
    ]
    return max(lasts) if lasts else None


def _crossing(chosen, limit: float) -> int | None:
    """The epoch at which the decayed recipe's rate first falls below ``limit`` (or None)."""
    decayed = next((t for r, t in chosen if r.schedule), None)
    return first_below(decayed.lrs, limit) if decayed is not None else None


def _limit_mark(axes, chosen, lo: float, hi: float, limit: float) -> VGroup:
    """On the loss chart: the rule "stable while η < 2/λ_max = …" (scene font, Typst maths)
    at the top, and, when the decayed rate crosses the limit, a dashed line at that epoch."""
    epoch = _crossing(chosen, limit)
    words = VGroup(
        label("stable while", 22, MUTED),
        formula("eta < 2 \\/ lambda_max", 38, MUTED),
        formula(f"= {tnum(limit)}", 38, MUTED),
    ).arrange(DOWN, aligned_edge=LEFT, buff=0.08)
    mark = VGroup()
    x = 0 if epoch is None else epoch
    if epoch is not None:
        mark.add(
            DashedLine(
                axes.c2p(epoch, lo), axes.c2p(epoch, hi), color=MUTED, dash_length=0.08
            ).set_stroke(width=2.5)
        )
    words.move_to(axes.c2p(x, hi) + 0.3 * RIGHT + 0.02 * DOWN, aligned_edge=UL)
    return mark.add(words)


class ParamMap:
    """The parameter map (w, b) over ``window``: contours, the minimum, and each run's path.

    Each run that stays in the window from epoch ``since`` on is a :class:`Runner` whose
    trail starts where it entered the window for good, faded to :data:`HISTORY_OPACITY`
    under a :class:`FadingTail`; any other run is an exit mark (:func:`_exit_mark`). On the
    wide map (``since = 0``) every run is a runner; one that leaves the window (a diverging
    run) stops at its last point inside.

    The first recipes are drawn last: the decayed run's dense zig-zag (and its halo) lies
    underneath and cannot blot out the short path of the small constant rate; the
    bright tails lie over every faded path, the markers over every tail.
    """

    def __init__(self, surface, chosen, window, clock: Clock, since: int = 0) -> None:
        self.window = window
        self.axes, self.image, deco = contour_panel(
            surface, PANEL, bounds=window, height=PANEL * 0.8, levels=16, log=True, ticks=3
        )
        offset = np.array([0.0, 0.1, 0]) - self.axes.get_center()
        for mob in (self.axes, self.image, deco):
            mob.shift(offset)
        to_scene = to_scene_fn(self.axes)
        if surface.minima:
            deco.add(star(to_scene(np.array([surface.minima[0]]))[0], 0.12))
        self.deco = deco
        runners: list[Runner] = []
        tails: list[FadingTail] = []
        self.exits = VGroup()
        count = len(chosen)
        for i, (run, trajectory) in enumerate(chosen):
            col = series(i, count)
            inside = _inside(trajectory.points, window)
            if since and (since > trajectory.steps or not inside[since:].all()):
                self.exits.add(_exit_mark(trajectory.points, window, to_scene, i, col))
                continue
            runner = Runner(
                _describe(run),
                trajectory.points,
                to_scene,
                clock,
                col,
                clip=None if since else (lambda p: _inside(p, window)),
                trail_width=4.5 - 1.2 * i,
                marker=series_dot(i, col),
            )
            # the path is drawn from the epoch it stays in the window on (epoch 0 if always)
            runner.tail_from = int(np.flatnonzero(~inside)[-1]) + 1 if not inside.all() else 0
            runner.trail.set_stroke(opacity=HISTORY_OPACITY)
            runner.halo.set_stroke(opacity=HISTORY_OPACITY)
            runners.insert(0, runner)
            tails.insert(0, FadingTail(runner, col, TAIL_WIDTH - 0.8 * i))
        halos_and_runners = layered(runners)
        #: what moves, bottom to top
        self.layer = [
            *halos_and_runners[: len(runners)],
            *tails,
            self.exits,
            *halos_and_runners[len(runners) :],
        ]

    def frame_of(self, window) -> VMobject:
        """The outline of ``window`` (a sub-window) on this map."""
        (w0, w1), (b0, b1) = window
        c2p = self.axes.c2p
        return VMobject(stroke_color=FG, stroke_width=3).set_points_as_corners(
            [c2p(w0, b0), c2p(w1, b0), c2p(w1, b1), c2p(w0, b1), c2p(w0, b0)]
        )


def _exit_mark(points: np.ndarray, window, to_scene, index: int, col) -> VGroup:
    """Where a run leaves ``window`` for good: its path up to the border (faded), its marker
    on the border and an arrow pointing the way it went."""
    lo = np.array([w[0] for w in window])
    hi = np.array([w[1] for w in window])
    out = int(np.flatnonzero(~_inside(points, window))[0])
    a, b = points[out - 1], points[out]
    # the border on the segment a → b (a inside): the largest t with a + t (b − a) inside
    d = b - a
    with np.errstate(divide="ignore", invalid="ignore"):
        limits = np.where(d > 0, (hi - a) / d, np.where(d < 0, (lo - a) / d, np.inf))
    edge = a + min(1.0, float(limits.min())) * d
    path = to_scene(np.vstack([points[:out], edge]))
    head = path[-1]
    way = to_scene(np.array([b]))[0] - head
    way = way / np.linalg.norm(way)
    trail = VMobject(stroke_color=col, stroke_width=4.5 - 1.2 * index, stroke_opacity=0.6)
    trail.set_points_as_corners(path)
    arrow = Arrow(
        head,
        head + 0.45 * way,
        buff=0,
        color=col,
        stroke_width=5,
        max_tip_length_to_length_ratio=0.5,
    )
    return VGroup(trail, arrow, series_dot(index, col).move_to(head))


class FadingTail(VGroup):
    """The last :data:`TAIL` segments of a runner's path, more opaque the more recent.

    At clock ``c`` (the runner's shown clock), segment ``j`` is the path between clocks
    ``c − j − 1`` and ``c − j`` (:func:`~gdviz.animation.clock.path_at`: step points joined
    by straight lines) with opacity ``1 − j / TAIL``; nothing before the runner's
    ``tail_from`` is drawn. Every point is one of the runner's :attr:`Runner.scene_points`.
    """

    def __init__(self, runner: Runner, col, width: float) -> None:
        super().__init__(
            *(
                VMobject(stroke_color=col, stroke_width=width, stroke_opacity=1 - j / TAIL)
                for j in range(TAIL)
            )
        )
        self.runner = runner
        self.add_updater(lambda m: m.refresh())
        self.refresh()

    def refresh(self) -> None:
        """Put segment ``j`` on the path between clocks ``c − j − 1`` and ``c − j``."""
        runner = self.runner
        c = runner.shown_clock
        points = runner.scene_points
        for j, segment in enumerate(self.submobjects):
            c1, c0 = c - j, max(c - j - 1, float(runner.tail_from))
            if c1 <= runner.tail_from:
                segment.set_points_as_corners([points[0], points[0] + 1e-4 * RIGHT])
                segment.set_stroke(opacity=0)
                continue
            inner = points[math.floor(c0) + 1 : math.ceil(c1)]
            segment.set_points_as_corners([path_at(points, c0), *inner, path_at(points, c1)])
            segment.set_stroke(opacity=1 - j / TAIL)


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
