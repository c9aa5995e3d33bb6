"""Noisy steps: minibatch SGD jitters around the full-batch path, and a decaying rate settles.

Data: the built-in experiment ``minibatch-noise`` (issue 10: seed 000's line fit, y = w·x + b
on five points, from w = 0.5, b = 0; batch size 1 under the contract of :mod:`gdviz.batches`,
six shuffling seeds; a constant η = 0.04 and the same η decayed as 0.04 / (1 + k/150)). The
full-batch path is the same experiment without ``batch_size``. What the scene says about where
the seeds end and the noise floor is :func:`gdviz.claims.seed_spread` and
:func:`gdviz.claims.noise_floor` of the runs; the first steps' numbers are the core's own,
replayed on each step's sample (:func:`gdviz.claims.optimizer_states`).
"""

from __future__ import annotations

import dataclasses

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, DashedLine, VGroup

from gdviz.animation.axes import plain_axes, tick_labels, to_scene_fn
from gdviz.animation.backgrounds import contour_panel
from gdviz.animation.clock import Clock, play_clock
from gdviz.animation.colors import FG, MUTED, run_color, series
from gdviz.animation.equations import caption_of, rate, tvec
from gdviz.animation.marks import key_row, ring, star
from gdviz.animation.runner import Runner
from gdviz.animation.scene import GDScene
from gdviz.animation.text import LiveText, fixed, formula, label
from gdviz.claims import BAND, lowest_loss, noise_floor, optimizer_states, seed_spread

SCENE = {
    "name": "noise",
    "title": "Noisy steps",
    "summary": "Minibatch SGD jitters around the full-batch path; a decaying rate settles.",
    "experiment": "minibatch-noise",
    "chapter": "noise",
}

MAP_WIDTH, MAP_HEIGHT = 4.7, 3.2
LOSS_WIDTH, LOSS_HEIGHT = 4.2, 2.0
RUN_SECONDS = 15.0
SEED_WIDTH = 2.0


class Noise(GDScene):
    """One point per step: the path jitters; a decaying rate brings it to rest."""

    declaration = SCENE

    def construct(self) -> None:
        experiment = self.experiment
        surface = experiment.surface
        result = experiment.run()
        full_experiment = dataclasses.replace(experiment, batch_size=None, seed=0)
        full_runs = full_experiment.run().by_run()
        full_run, full = full_runs[0]
        full_decayed = full_runs[-1][1]
        constant_run, decayed_run = experiment.runs[0], experiment.runs[-1]
        constant = result.seed_runs(0, 0)
        decayed = result.seed_runs(len(experiment.runs) - 1, 0)
        seeds = experiment.seeds
        steps = max(t.steps for t in (full, *constant, *decayed))
        n = surface.data.n if surface.data is not None else 0
        size = experiment.batch_size or n
        points = f"{size} point{'s' if size > 1 else ''}"
        start = experiment.starts[0]
        self.add(
            self.title_block(
                "Noisy steps: minibatch SGD",
                f'y = w x + b "on {n} points," quad "batch of {size}," quad '
                f"eta_0 = {fixed(constant_run.lr, 3)}",
            )
        )

        # ---- the map of (w, b), fitted to every path, and the loss per step
        every = np.vstack([t.points for t in (full, *constant, *decayed)])
        pad = 0.1 * np.ptp(every, axis=0)
        low = np.floor((every.min(0) - pad) * 2) / 2
        high = np.ceil((every.max(0) + pad) * 2) / 2
        window = ((float(low[0]), float(high[0])), (float(low[1]), float(high[1])))
        axes, image, deco = contour_panel(
            surface, MAP_WIDTH, bounds=window, height=MAP_HEIGHT, levels=16, log=True, ticks=3
        )
        offset = np.array([-3.05, -0.2, 0]) - axes.get_center()
        for mob in (axes, image, deco):
            mob.shift(offset)
        to_map = to_scene_fn(axes)
        minimum = surface.minima[0] if surface.minima else None
        marks = VGroup(ring(to_map(np.array([start]))[0]))
        if minimum is not None:
            marks.add(star(to_map(np.array([minimum]))[0], 0.12))
        lowest = lowest_loss(surface)

        logs = np.log10(np.concatenate([t.losses for t in (full, *constant, *decayed)]))
        lo = float(np.floor(min(logs.min(), np.log10(lowest) if lowest else logs.min())))
        hi = float(min(np.ceil(logs.max()), lo + 3))
        loss_axes = plain_axes((0, steps, steps / 2), (lo, hi, 1), LOSS_WIDTH, LOSS_HEIGHT)
        loss_axes.move_to((3.75, 0.45, 0))
        to_loss = to_scene_fn(loss_axes)
        loss_ticks = tick_labels(loss_axes, xs=(0, steps // 2, steps))
        for exponent in range(int(lo), int(hi) + 1):
            loss_ticks.add(
                formula(f"10^({exponent})", 38, MUTED).next_to(
                    loss_axes.c2p(0, exponent), LEFT, buff=0.1
                )
            )
        heads = VGroup(
            label("the parameters (w, b)", 26).next_to(image, UP, buff=0.35),
            label("mean loss over the seeds", 26).next_to(loss_axes, UP, buff=0.3),
        )
        # the lowest loss is a reference level, not a run: the series palette's first colour,
        # apart from the faded (muted grey) constant-rate run it is read against
        reference = series(0)
        floor_line = VGroup()
        if lowest is not None:
            floor_line.add(
                DashedLine(
                    loss_axes.c2p(0, np.log10(lowest)),
                    loss_axes.c2p(steps, np.log10(lowest)),
                    color=reference,
                    stroke_width=2.5,
                    dash_length=0.08,
                )
            )
        self.add(image, deco, marks, loss_axes, loss_ticks, heads, floor_line)

        # ---- runners: the full-batch path, then one per seed
        clock, later = Clock(0), Clock(0)
        sgd = run_color(constant_run.optimizer)

        def runners_for(
            name: str, paths: list[np.ndarray], losses: np.ndarray, col, on: Clock
        ) -> tuple[list[Runner], Runner]:
            """Dots for every seed's path on the map (the first one with a thin trail) and the
            seeds' mean loss per step on the loss panel."""
            dots = [
                Runner(
                    name if len(paths) == 1 else f"{name} seed {seed}",
                    path,
                    to_map,
                    on,
                    col,
                    trail=i == 0,
                    trail_width=4.0 if len(paths) == 1 else 1.5,
                    radius=0.07 if len(paths) == 1 else 0.055,
                    halo=False,  # crossing noisy paths: no halo blots out the others
                )
                for i, (seed, path) in enumerate(zip(seeds, paths, strict=False))
            ]
            curve = np.column_stack([np.arange(len(losses)), np.log10(losses)])
            loss = Runner(
                f"{name} loss",
                curve,
                to_loss,
                on,
                col,
                clip=lambda p: (p[:, 1] <= hi) & (p[:, 1] >= lo),
                trail_width=3.0,
                radius=0.05,
                halo=False,
            )
            return dots, loss

        const_dots, const_loss = runners_for(
            "constant", [t.points for t in constant], mean_loss(constant), sgd, clock
        )
        const_dots[0].trail.set_stroke(opacity=0.6)
        full_dots, full_loss = runners_for("full batch", [full.points], full.losses, FG, clock)
        decayed_dots, decayed_loss = runners_for(
            "decayed", [t.points for t in decayed], mean_loss(decayed), sgd, later
        )
        decayed_dots[0].trail.set_stroke(opacity=0.6)
        first_part = [*const_dots, const_loss, *full_dots, full_loss]
        keys = VGroup(
            key_row(FG, "full batch", 24),
            key_row(reference, f"lowest L {fixed(lowest, 3)}", 24)
            if lowest is not None
            else VGroup(),
            key_row(sgd, constant_run.display_name, 24),
            key_row(sgd, decayed_run.display_name, 24),
        )
        keys.arrange_in_grid(rows=2, cols=2, col_alignments="ll", buff=(0.3, 0.2))
        keys.move_to((3.25, -2.0, 0))
        keys[3].set_opacity(0)
        active = [clock]
        readout = LiveText(24, 26, MUTED)
        readout.place([keys.get_left()[0], -1.22, 0])

        def read(_m: object) -> None:
            k = min(active[0].step, steps)
            epoch = k * size // n if n else k
            readout.set_text(f"step {k:>3}   epoch {epoch:>3}")

        readout.add_updater(read)
        read(readout)
        # the seeds under the full-batch path, so the reference stays visible on top; the
        # legend under the runners (still while they move: drawn once, not every frame)
        self.add(keys, *first_part, readout)

        self.beat(f"Full batch: every step uses all {n} points.", hold=3)
        self.beat(
            f"Minibatch SGD: {points} per step, in a new",
            f"shuffled order each epoch; {len(seeds)} seeds, one path each.",
            hold=3.5,
        )

        # ---- the first steps: the full gradient against one sample's
        full_states = optimizer_states(full_run, full, surface)
        seed_states = optimizer_states(constant_run, constant[0], surface)

        def card(k: int) -> VGroup:
            a, b = full_states[k], seed_states[k]
            rows = constant[0].batches[k] if constant[0].batches is not None else ()
            sample = ", ".join(str(int(i) + 1) for i in rows)
            lines = [
                f"theta_{k + 1} = {tvec(a.point)} - {rate(a.lr)} dot {tvec(a.grad)} "
                f"= {tvec(a.new_point)}",
                f"theta_{k + 1} = {tvec(b.point)} - {rate(b.lr)} dot {tvec(b.grad)} "
                f"= {tvec(b.new_point)}",
            ]
            names = (
                label("all points", 24, FG),
                label(f"point {sample}", 24, sgd),
            )
            card = VGroup(
                *(
                    VGroup(name, formula(line, 38)).arrange(RIGHT, buff=0.3)
                    for name, line in zip(names, lines, strict=True)
                )
            )
            card.arrange(DOWN, aligned_edge=LEFT, buff=0.2).move_to((0, -2.85, 0))
            card.caption = caption_of(  # type: ignore[attr-defined]
                [f'"all points:" {lines[0]}', f'"point {sample} of seed {seeds[0]}:" {lines[1]}']
            ).replace('"', "")
            return card

        self.clear_beat()
        self.play(keys.animate.set_opacity(0), run_time=0.3)
        self.slow_steps(clock, card, runners=first_part)
        self.play(*(key.animate.set_opacity(1) for key in keys[:3]), run_time=0.3)
        per_second = round((steps - 3) / RUN_SECONDS)
        tag = self.speed_up(f"faster: {per_second} steps/s")
        # the trails drawn so far freeze into the background every segment; once the
        # descent is over its runners settle (static): the second one redraws only its own
        play_clock(
            self,
            clock,
            steps,
            RUN_SECONDS,
            runners=first_part,
            under=floor_line,
            segments=8,
            settle=True,
        )
        self.end_badge(tag)

        # ---- what the constant rate did
        spread = seed_spread(constant, full)
        floor = noise_floor(constant, decayed, lowest) if lowest is not None else None
        if lowest is not None:
            self.beat(
                f"Full batch ends at L = {fixed(full.losses[-1], 3)};",
                f"the lowest loss is {fixed(lowest, 3)}.",
                hold=3,
            )
        self.beat(
            f"{points.capitalize()} per step: the seeds end at",
            f"L = {fixed(spread.low, 3)} to {fixed(spread.high, 3)} "
            f"(the middle {fixed(BAND[1] - BAND[0], 0)} %).",
            hold=4,
        )
        if floor is not None:
            self.beat(
                "Over the second half, L − L* stays near",
                f"{fixed(floor.floor, 3)}: the noise floor.",
                hold=3.5,
            )

        # ---- the decaying rate
        rates = decayed[0].lrs
        self.play(
            # strokes only: a faded trail must not turn into a filled polygon
            *(r.trail.animate.set_stroke(MUTED, opacity=0.35) for r in (*const_dots, const_loss)),
            *(r.dot.animate.set_fill(MUTED, opacity=0.5) for r in (*const_dots, const_loss)),
            keys[2][0].animate.set_fill(MUTED, opacity=0.5),  # the key looks like its dots
            keys[3].animate.set_opacity(1),
            run_time=0.6,
        )
        # the decayed seeds and their loss over the faded constant ones; their frozen trails go
        # under the (static) full batch, their live tails and dots on top; the read-out (its
        # updater makes it and all above it redraw every frame) stays last
        self.add(*decayed_dots, decayed_loss, readout)
        active[0] = later
        self.beat(
            f"Now the rate decays: {decayed_run.display_name},",
            f"η falls from {fixed(rates[0], 3)} to {fixed(rates[-1], 4)} by step {steps}.",
            hold=4,
        )
        tag = self.speed_up(f"faster: {per_second} steps/s")
        second_part = [*decayed_dots, decayed_loss]
        play_clock(
            self,
            later,
            steps,
            RUN_SECONDS,
            runners=second_part,
            under=const_loss,
            segments=8,
            settle=True,
        )
        # settled, the decayed seeds are whole static trails: the full batch back on top of
        # them (static too), then the read-out, the one mobject still updating
        self.bring_to_front(*full_dots, full_loss, readout)
        self.end_badge(tag)
        settled = seed_spread(decayed, full_decayed)
        if floor is not None:
            self.beat(
                f"Decayed: L − L* ends at {fixed(floor.decayed_final, 4)},",
                f"{fixed(floor.ratio, 0)} times below the floor.",
                hold=4,
            )
            self.beat(f"The decaying rate {floor.label} the noise floor.", hold=3.5)
        self.beat(
            f"The seeds end {fixed(settled.distance, 3)} from the full batch,",
            f"against {fixed(spread.distance, 3)} at the constant rate.",
            hold=4,
        )
        self.hold(1.0)


def mean_loss(trajectories) -> np.ndarray:
    """The full-data loss per step, averaged over the seeds' runs."""
    return np.mean(np.stack([t.losses for t in trajectories]), axis=0)
