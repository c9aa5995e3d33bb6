"""The optimizer race: SGD, Momentum, RMSProp and Adam on one landscape, with a live leaderboard.

Data: the built-in experiment ``race-<landscape>`` (seed 003's four optimizers; the landscape
is a render option, Rosenbrock by default). The leaderboard ranks the runners by their current
loss; a runner *finishes* when its run converged (‖∇L‖ below the experiment's tolerance).
"""

from __future__ import annotations

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, Dot, FadeIn, Group, VGroup

from gdviz.animation import kit
from gdviz.experiments import get_experiment
from gdviz.numbers import format_fixed

#: seconds of racing; playback accelerates (clock = steps · u²) so the start is watchable
RACE_SECONDS = 16.0
#: the finish line: a runner finishes at its first step with a loss below this (or when its run
#: converged by the experiment's gradient tolerance)
FINISH_LOSS = 1e-3


class RaceScene(kit.GDScene):
    def construct(self) -> None:
        landscape = kit.option("landscape", "rosenbrock")
        experiment = get_experiment(f"race-{landscape}")
        surface = experiment.surface
        runs = experiment.run().by_run()
        horizon = max(t.steps for _, t in runs)

        title = self.title_block(
            f"The optimizer race: {surface.title}",
            f"L = {surface.pretty}  ·  playback speeds up as the race goes on",
        )
        axes, image, deco = kit.contour_panel(surface, 5.6)
        Group(axes, image, deco).to_edge(LEFT, buff=0.5).shift(0.45 * DOWN)
        to_scene = kit.to_scene_fn(axes)
        inside = kit.inside_fn(surface.bounds)

        goals = VGroup(*(kit.star(to_scene(np.array([m]))[0]) for m in surface.minima))
        start = kit.ring(to_scene(np.array([experiment.starts[0]]))[0])
        start_label = kit.label("start", 20).next_to(start, UP, buff=0.1)
        # one minimum is "the goal"; with several (Himmelblau) any star is one (see finish_note)
        goal_label = kit.label("goal" if len(goals) == 1 else " ", 20)
        goal_label.next_to(goals[0], RIGHT, buff=0.12)
        # ---- leaderboard (static parts)
        board_left = axes.get_right()[0] + 0.8
        header = kit.label("leaderboard", 26, weight="BOLD")
        header.move_to([board_left, axes.get_top()[1] - 0.15, 0], aligned_edge=LEFT)
        step_text = kit.LiveText(14, 20, kit.MUTED)
        finish_text = f"L < {FINISH_LOSS:g} or ‖∇L‖ < {experiment.grad_tol:g}"
        if len(goals) > 1:
            finish_text = f"finish: {finish_text} at any ★"
        else:
            finish_text = f"finish line: {finish_text}"
        finish_note = kit.label(finish_text, 20, kit.MUTED)
        row_height = 0.95
        top = header.get_bottom()[1] - 0.55
        rows = []
        for run, trajectory in runs:
            below = np.flatnonzero(trajectory.losses < FINISH_LOSS)
            if len(below):
                finish_step = int(below[0])
            elif trajectory.status == "converged":
                finish_step = trajectory.steps
            else:
                finish_step = None
            col = kit.run_color(run.optimizer)
            name = kit.label(f"{run.display_name}", 26)
            lr = kit.label(f"η = {format_fixed(run.lr, 4).rstrip('0').rstrip('.')}", 20, kit.MUTED)
            swatch = Dot(radius=0.11, color=col)
            live = kit.LiveText(28, 22)
            rank = kit.LiveText(1, 30)
            rows.append(
                {
                    "run": run,
                    "trajectory": trajectory,
                    "name": name,
                    "lr": lr,
                    "swatch": swatch,
                    "live": live,
                    "rank": rank,
                    "col": col,
                    "finish": finish_step,
                }
            )

        def place_row(row: dict, slot: int) -> None:
            y = top - slot * row_height
            row["rank"].place([board_left, y - 0.08, 0])
            row["swatch"].move_to([board_left + 0.55, y, 0])
            row["name"].move_to([board_left + 0.8, y, 0], aligned_edge=LEFT)
            row["lr"].next_to(row["name"], RIGHT, buff=0.25).align_to(row["name"], DOWN)
            row["live"].place([board_left + 0.8, y - 0.42, 0])
            row["slot"] = slot

        for slot, row in enumerate(rows):
            place_row(row, slot)
        board_box = kit.panel(6.4, 0.5 + row_height * len(rows))
        board_box.move_to([board_left + 2.95, top - row_height * (len(rows) - 1) / 2 - 0.2, 0])
        finish_note.next_to(board_box, DOWN, buff=0.2).align_to(board_box, LEFT)
        step_text.place(
            [board_box.get_right()[0] - 0.2 - 14 * step_text.cell_width, header.get_center()[1], 0]
        )
        banner = kit.label(" ", 26)

        # ---- static first, moving last (Cairo redraws from the first moving mobject on)
        self.add(
            image,
            deco,
            goals,
            start,
            start_label,
            goal_label,
            title,
            board_box,
            header,
            finish_note,
        )
        clock = kit.Clock(0)
        from_scene = kit.from_scene_fn(axes)
        runners = []
        for row in rows:
            runner = kit.Runner(
                row["run"].display_name,
                row["trajectory"].points,
                to_scene,
                clock,
                row["col"],
                probe=self.probe,
                clip=inside,
                from_scene=from_scene,
            )
            row["runner"] = runner
            runners.append(runner)
        finish_rings = VGroup(*(kit.ring(ORIGIN_POINT, 0.2, row["col"]) for row in rows))
        finish_rings.set_stroke(opacity=0)
        board = VGroup(
            *(VGroup(r["rank"], r["swatch"], r["name"], r["lr"], r["live"]) for r in rows),
            step_text,
            banner,
        )
        finished: list[dict] = []
        banner_shown: list[bool] = []

        def update_board(_mob: VGroup) -> None:
            c = clock.get_value()
            step_text.set_text(f"step {min(int(c), horizon)}/{horizon}".rjust(14))
            order = sorted(rows, key=lambda r: (self._loss_at(r["trajectory"], c), r["slot"]))
            for slot, row in enumerate(order):
                if row["slot"] != slot:
                    place_row(row, slot)
                row["rank"].set_text(str(slot + 1))
                t = row["trajectory"]
                k = min(int(c), t.steps)
                done = row["finish"] is not None and c >= row["finish"]
                loss = format_fixed(float(t.losses[k]), 3)
                if t.status == "diverged" and c >= t.steps:
                    row["live"].set_text(f"loss {loss:<10} diverged")
                elif done:
                    row["live"].set_text(f"loss {loss:<10} ✓ step {row['finish']}")
                else:
                    row["live"].set_text(f"loss {loss:<10} step {k}")
                if done and row not in finished:
                    finished.append(row)
            for ring, row in zip(finish_rings, rows, strict=True):
                if row in finished:
                    ring.move_to(row["runner"].dot.get_center()).set_stroke(opacity=1)
            if finished and not banner_shown:
                first = finished[0]
                new = kit.label(
                    f"{first['run'].display_name} finishes first, at step {first['finish']}",
                    24,
                    kit.ACCENT,
                )
                new.next_to(finish_note, DOWN, buff=0.3).align_to(board_box, LEFT)
                banner.become(new)
                banner_shown.append(True)

        board.add_updater(update_board)
        update_board(board)
        self.add(step_text, banner, board, *runners, finish_rings)

        self.play(FadeIn(VGroup(*runners)), run_time=0.8)
        # in eight pieces: between them the trails drawn so far are frozen into the background
        kit.play_clock(
            self,
            clock,
            horizon,
            RACE_SECONDS,
            lambda u: u * u,
            runners=runners,
            under=image,
            segments=8,
        )
        if not finished:
            note = kit.label(f"no runner finished within {horizon} steps", 24, kit.MUTED)
            note.next_to(finish_note, DOWN, buff=0.3).align_to(board_box, LEFT)
            self.add(note)
        self.wait(2.5, frozen_frame=False)

    @staticmethod
    def _loss_at(trajectory, c: float) -> float:
        return float(trajectory.losses[min(int(c), trajectory.steps)])


ORIGIN_POINT = np.zeros(3)
