"""The optimizer race: SGD, Momentum, RMSprop and Adam on one landscape, with a live leaderboard.

Data: the built-in experiment ``race-rosenbrock`` (seed 003's four optimizers), any 2-D
built-in (``gdviz video race --landscape booth``) or a user's TOML experiment. The
leaderboard ranks the runners by their current loss; the finish line and the final order are
:func:`gdviz.claims.finish` and :func:`gdviz.claims.race_order` of the runs. A landscape with no
known minimum has no stars, and its finish line is convergence (‖∇L‖ below the tolerance).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypedDict

import numpy as np
from manim import DOWN, LEFT, RIGHT, Dot, FadeIn, FadeOut, VGroup, VMobject

from gdviz.animation.axes import inside_fn, to_scene_fn
from gdviz.animation.backgrounds import contour_panel
from gdviz.animation.cards import summary_card
from gdviz.animation.clock import Clock, play_clock
from gdviz.animation.colors import MUTED, run_color, run_dash
from gdviz.animation.equations import rate, step_summary
from gdviz.animation.marks import panel, ring, star
from gdviz.animation.runner import Runner, layered
from gdviz.animation.scene import GDScene
from gdviz.animation.text import LiveText, fixed, formula, label
from gdviz.claims import FINISH_GAP, finish, optimizer_states, race_order

if TYPE_CHECKING:
    from gdviz.experiments import RunConfig
    from gdviz.trajectory import Trajectory

SCENE = {
    "name": "race",
    "title": "The optimizer race",
    "summary": "SGD, Momentum, RMSprop and Adam race to the minimum with a live leaderboard.",
    "experiment": "race-rosenbrock",
    "draws": ["2-D", "data"],
    "chapter": "optimizers",
    "max_runs": 12,
}

#: seconds of racing after the slow start; playback accelerates (steps ∝ u²)
RACE_SECONDS = 22.0
BOARD_X = 0.55
#: The compact board reaches further left, towards the contour panel: its four columns (name,
#: rate, loss, finish) need the room.
COMPACT_X = -0.6
BOARD_RIGHT = BOARD_X + 5.825
ROW = 0.8
#: Runners the board shows in full (name, rate, then a read-out line); more runners (a tuned
#: race of every optimizer) get one line each, in the same box: :data:`BOARD_HEIGHT` high.
FULL_ROWS = 4
BOARD_HEIGHT = 3.75
#: The top edge of the board (where four full rows put it).
BOARD_TOP = 2.215
#: The slow start's card explains each runner's update; it has room for this many.
CARD_ROWS = 4


class _Row(TypedDict):
    """One leaderboard row: its run and what the board shows of it, and its current slot."""

    run: RunConfig
    t: Trajectory
    finish: int | None
    swatch: Dot
    name: VMobject
    lr: VMobject
    live: LiveText
    rank: LiveText
    runner: Runner
    slot: int


class Race(GDScene):
    """Four optimizers, one start, one finish line."""

    declaration = SCENE

    def construct(self) -> None:
        experiment = self.experiment
        surface = experiment.surface
        runs = experiment.run().by_run()
        horizon = max(t.steps for _, t in runs)
        self.add(
            self.title_block(
                f"The optimizer race: {surface.title}",
                f"L = {_rhs(surface.formula)}" if surface.formula else "",
            )
        )
        axes, image, deco = contour_panel(surface, 4.3, height=4.0)
        offset = np.array([-3.75, -0.12, 0]) - axes.get_center()
        for mob in (axes, image, deco):
            mob.shift(offset)
        to_scene = to_scene_fn(axes)
        inside = inside_fn(surface.bounds)
        goals = VGroup(
            *(star(to_scene(np.array([m]))[0]) for m in surface.minima if inside(np.array([m]))[0])
        )
        start = ring(to_scene(np.array([experiment.starts[0]]))[0])
        finishes = [finish(t, surface, experiment.grad_tol) for _, t in runs]

        # ---- leaderboard: one row per runner, re-ordered by current loss
        compact = len(runs) > FULL_ROWS
        if compact:  # the box's top where four full rows put it; one line per runner below
            row_height = (BOARD_HEIGHT - 0.55) / len(runs)
            top = BOARD_TOP - 0.5 - row_height / 2
            height = 0.55 + row_height * len(runs)
            width = BOARD_RIGHT - COMPACT_X
            box = panel(width, height).move_to(
                ((BOARD_RIGHT + COMPACT_X) / 2, BOARD_TOP - height / 2, 0)
            )
        else:
            row_height, top = ROW, 1.52
            box = panel(5.85, 0.55 + ROW * len(runs)).move_to(
                (BOARD_X + 2.9, 1.74 - ROW * (len(runs) - 1) / 2 - 0.2, 0)
            )
        header = label("leaderboard", 28, weight="BOLD").move_to(
            ((COMPACT_X if compact else BOARD_X) + 0.2, 2.08, 0), aligned_edge=LEFT
        )
        step_text = LiveText(12, 26, MUTED)
        step_text.place([box.get_right()[0] - 0.2 - step_text.box_width, 2.08, 0])
        finish_note = VGroup(*(formula(line, 38, MUTED) for line in _finish_rule(finishes[0])))
        finish_note.arrange(DOWN, aligned_edge=LEFT, buff=0.1).next_to(box, DOWN, buff=0.2)
        finish_note.align_to(box, LEFT)
        self.add(image, deco, goals, start, box, header, finish_note)

        clock = Clock(0)
        rows: list[_Row] = []
        # lower runners wider: where paths coincide they show as bands ~1.5 px wide at 1080p;
        # dashed runners (their optimizer's line style) go on top, and the trail beneath shows
        # in full through their gaps
        layer = _layers([run.optimizer for run, _ in runs])
        widths = np.linspace(9.0, 9.0 - 2.2 * (FULL_ROWS - 1), FULL_ROWS)
        if compact:
            widths = np.linspace(9.0, 1.5, len(runs))
        for i, (run, trajectory) in enumerate(runs):
            col = run_color(run.optimizer)
            rows.append(
                {
                    "run": run,
                    "t": trajectory,
                    "finish": finishes[i].step,
                    "swatch": Dot(radius=0.08 if compact else 0.11, color=col),
                    "name": label(run.display_name, 21 if compact else 28),
                    "lr": label(f"η {fixed(run.lr, 4)}", 21, MUTED)
                    if compact
                    else formula(f"eta = {fixed(run.lr, 4)}", 38, MUTED),
                    "live": LiveText(17, 21) if compact else LiveText(26, 24),
                    "rank": LiveText(2, 21) if compact else LiveText(1, 30),
                    "runner": Runner(
                        run.display_name,
                        trajectory.points,
                        to_scene,
                        clock,
                        col,
                        clip=inside,
                        trail_width=float(widths[layer[i]]),
                        dash=run_dash(run.optimizer),
                    ),
                    "slot": i,
                }
            )

        def place(row: _Row, slot: int) -> None:
            y = top - slot * row_height
            if compact:  # one line: rank, name, rate, read-out in columns
                row["rank"].place([COMPACT_X + 0.12, y - 0.02, 0])
                row["swatch"].move_to((COMPACT_X + 0.62, y, 0))
                row["name"].move_to((COMPACT_X + 0.82, y, 0), aligned_edge=LEFT)
                row["lr"].move_to((COMPACT_X + 2.5, y, 0), aligned_edge=LEFT)
                row["live"].place([COMPACT_X + 4.05, y - 0.02, 0])
            else:
                row["rank"].place([BOARD_X + 0.2, y - 0.02, 0])
                row["swatch"].move_to((BOARD_X + 0.75, y, 0))
                row["name"].move_to((BOARD_X + 1.0, y, 0), aligned_edge=LEFT)
                row["lr"].next_to(row["name"], RIGHT, buff=0.3)
                row["live"].place([BOARD_X + 1.0, y - 0.42, 0])
            row["slot"] = slot

        for slot, row in enumerate(rows):
            place(row, slot)

        def update_board(_m: object) -> None:
            c = clock.get_value()
            step_text.set_text(f"step {min(int(c), horizon)}".rjust(12))
            order = sorted(rows, key=lambda r: (_loss_at(r["t"], c), r["slot"]))
            for slot, row in enumerate(order):
                place(row, slot)  # every frame: an animation of the board may have reset it
                row["rank"].set_text(str(slot + 1).rjust(2) if compact else str(slot + 1))
                t = row["t"]
                k = min(int(c), t.steps)
                loss = fixed(float(t.losses[k]), 4)
                if row["finish"] is not None and c >= row["finish"]:
                    line = f"{loss:<9}✓ " if compact else f"{loss:<10} ✓ step "
                    row["live"].set_text(f"L {line}{row['finish']}")
                elif t.status == "diverged" and c >= t.steps:
                    row["live"].set_text(f"L {loss:<9} ✗" if compact else f"L {loss:<10} diverged")
                else:
                    row["live"].set_text(f"L {loss}")

        board = VGroup(
            step_text,
            *(VGroup(r["rank"], r["swatch"], r["name"], r["lr"], r["live"]) for r in rows),
        )
        board.add_updater(update_board)
        update_board(board)
        runners = [rows[i]["runner"] for i in np.argsort(layer)]  # bottom layer first
        self.add(board, *layered(runners))

        self.beat(
            f"{_count(len(runs)).capitalize()} optimizer{'s' if len(runs) > 1 else ''}, one start,",
            "each with its own step size.",
            hold=3,
        )
        self.beat("The leaderboard ranks them by their loss", "at every step.", hold=3)
        card = _first_steps_card(rows[:CARD_ROWS], surface)

        self.clear_beat()
        leaderboard = VGroup(box, header, finish_note, board)
        self.play(FadeOut(leaderboard), run_time=0.3)
        self.slow_steps(clock, card, runners=runners)
        self.play(FadeIn(leaderboard), run_time=0.3)
        tag = self.speed_up("faster and faster, to the end")
        play_clock(
            self,
            clock,
            horizon,
            RACE_SECONDS,
            lambda u: u * u,
            runners=runners,
            under=image,
            segments=8,
        )
        self.end_badge(tag)

        self.announce(runs, finishes, horizon)
        self.hold(1.0)

    def announce(self, runs, finishes, horizon: int) -> None:
        """The beats of the result: who finished first, then the others, then who did not."""
        order = race_order(finishes, [float(t.losses[-1]) for _, t in runs])
        done = [i for i in order if finishes[i].step is not None]
        if done:
            first = runs[done[0]][0].display_name
            self.beat(f"{first} finishes first, at step {finishes[done[0]].step}.", hold=3.5)
            if len(done) > 1:
                named = [f"{runs[i][0].display_name} at {finishes[i].step}" for i in done[1:4]]
                more = len(done) - 4
                if more > 0:
                    named.append(f"{_count(more)} more")
                self.beat(f"Then {_join(named)}.", hold=3.5)
        rest = [runs[i][0].display_name for i in order if finishes[i].step is None]
        if rest:
            who = _join(rest) if len(rest) <= 3 else f"{_count(len(rest)).capitalize()} others"
            self.beat(f"{who} did not finish", f"within {horizon} steps.", hold=3.5)


def _first_steps_card(rows: list[_Row], surface):
    """The card of step ``k`` for the slow start: each row's state and new point, replayed
    through the core (:func:`gdviz.claims.optimizer_states`)."""
    states = [optimizer_states(row["run"], row["t"], surface) for row in rows]
    hypers = [dict(row["run"].make_optimizer().hyperparams) for row in rows]

    def card(k: int) -> VGroup:
        entries = [
            (
                row["run"].display_name,
                run_color(row["run"].optimizer),
                step_summary(row["run"].optimizer, hyper, state[k]),
            )
            for row, state, hyper in zip(rows, states, hypers, strict=True)
            if k < len(state)
        ]
        return summary_card(entries, right=6.3, centre_y=-0.35)

    return card


def _finish_rule(line) -> list[str]:
    """The finish line of :func:`gdviz.claims.finish` in Typst math, one or two lines."""
    tol = f"norm(nabla L) < {rate(line.grad_tol)}" if line.grad_tol > 0 else ""
    if line.known_minimum:
        gap = f'"finish:" quad L - L^* < {rate(FINISH_GAP)}'
        return [gap, f'"or" quad {tol}'] if tol else [gap]
    return [f'"finish:" quad {tol or chr(34) + "none" + chr(34)}', '"(no known minimum)"']


def _rhs(formula_text: str) -> str:
    """The right-hand side of a Typst formula ``L(x, y) = ...``."""
    return formula_text.split("=", 1)[-1].strip() if "=" in formula_text else formula_text


def _layers(optimizers: list[str]) -> list[int]:
    """Each runner's layer, 0 at the bottom: solid trails first, then dashed ones (a dashed
    trail lets the one beneath it show through its gaps), each group in run order."""
    order = sorted(range(len(optimizers)), key=lambda i: (bool(run_dash(optimizers[i])), i))
    return [order.index(i) for i in range(len(optimizers))]


def _count(n: int) -> str:
    """``four``, ``twelve``; digits above twelve."""
    words = [
        "zero",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
    ]
    return words[n] if n < len(words) else str(n)


def _join(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _loss_at(trajectory, c: float) -> float:
    value = float(trajectory.losses[min(int(c), trajectory.steps)])
    return value if np.isfinite(value) else np.inf
