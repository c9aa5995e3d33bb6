"""Inside the update: what Momentum, RMSprop and Adam carry from step to step, on the map.

Data: the built-in experiment ``race-valley`` (seed 003's optimizers on L = x² + 10y²), any
2-D built-in (``--landscape``) or a user's TOML experiment with such runs. For each optimizer
the scene draws its state where it acts — Momentum's velocity as the arrow of the step it is
about to take next to the plain gradient step; RMSprop's per-coordinate √v and Adam's √v̂ as an
ellipse (its axes in proportion to the two coordinates' √v) with bars beside the map; Adam's m̂
as an arrow — next to torch.optim's update equations with the live numbers. The state comes
from replaying each run through the core's own ``init``/``update``
(:func:`gdviz.claims.optimizer_states`); no update rule is written here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from manim import DOWN, LEFT, RIGHT, Ellipse, FadeIn, FadeOut, Group, Rectangle, VGroup

from gdviz.animation.axes import inside_fn, to_scene_fn
from gdviz.animation.backgrounds import contour_panel
from gdviz.animation.clock import Clock, play_clock
from gdviz.animation.colors import HIGHLIGHT, MUTED, run_color, run_dash
from gdviz.animation.equations import caption_of, step_lines
from gdviz.animation.marks import panel, ring, set_arrow, star
from gdviz.animation.runner import Runner
from gdviz.animation.scene import GDScene
from gdviz.animation.text import LiveText, fixed, formula
from gdviz.claims import Balance, optimizer_states, step_balance
from gdviz.numbers import format_number, round_off
from gdviz.scene_catalogue import scene_catalogue

if TYPE_CHECKING:
    from gdviz.experiments import RunConfig
    from gdviz.trajectory import Trajectory

SCENE = {
    "name": "inside",
    "title": "Inside the update",
    "summary": "Momentum's velocity, RMSprop's and Adam's per-coordinate scaling, drawn live.",
    "experiment": "race-valley",
    "draws": ["2-D", "data"],
    "optimizers": ["momentum", "nesterov", "rmsprop", "adam", "adamw"],
    "chapter": "optimizers",
}

#: torch.optim's rules, as its documentation writes them (γ is torch's lr, η here).
RULES = {
    "momentum": ("b_t = mu thin b_(t-1) + g_t", "theta_t = theta_(t-1) - eta thin b_t"),
    "rmsprop": (
        "v_t = alpha thin v_(t-1) + (1 - alpha) thin g_t^2",
        "theta_t = theta_(t-1) - eta thin g_t \\/ (sqrt(v_t) + epsilon)",
    ),
    "adam": (
        "m_t = beta_1 m_(t-1) + (1 - beta_1) g_t",
        "v_t = beta_2 v_(t-1) + (1 - beta_2) g_t^2",
        "theta_t = theta_(t-1) - eta thin hat(m)_t \\/ (sqrt(hat(v)_t) + epsilon)",
    ),
}
STORY = {
    "momentum": (
        ("Momentum keeps a velocity b: a running sum", "of the gradients it has seen."),
        ("The long arrow is its next step, the short", "white one the plain gradient step."),
    ),
    "rmsprop": (
        ("RMSprop keeps v, a running mean of the", "squared gradient, per coordinate."),
        ("The ellipse is the root of v per coordinate:", "each gradient is divided by its own."),
    ),
    "adam": (
        ("Adam keeps both: m, a running mean of the", "gradient, and v, of its square."),
        ("The arrow is the step, the ellipse the root", "of v̂ per coordinate, which divides m̂."),
    ),
}
RUN_SECONDS = 5.0
MAP_CENTRE = np.array([-3.55, -0.15, 0])


def family(run) -> str:
    """``momentum``, ``rmsprop`` or ``adam`` for the runs this scene explains (else ``""``)."""
    if run.optimizer in ("momentum", "nesterov") or (
        run.optimizer == "sgd" and float(run.params.get("momentum", 0)) > 0
    ):
        return "momentum"
    return {"rmsprop": "rmsprop", "adam": "adam", "adamw": "adam"}.get(run.optimizer, "")


class Inside(GDScene):
    """The state of Momentum, RMSprop and Adam, drawn on the map as it evolves."""

    declaration = SCENE

    def construct(self) -> None:
        experiment = self.experiment
        allowed = scene_catalogue()["inside"].optimizers
        chosen: list[tuple[str, RunConfig, Trajectory]] = []
        for run, trajectory in experiment.run().by_run():
            kind = family(run)
            if kind and run.optimizer in (*allowed, "sgd") and kind not in [k for k, *_ in chosen]:
                chosen.append((kind, run, trajectory))
        for index, (kind, run, trajectory) in enumerate(chosen):
            self.part(kind, run, trajectory, last=index == len(chosen) - 1)

    def part(self, kind: str, run, trajectory, *, last: bool) -> None:
        """One optimizer: the map with its state, the rule and the numbers."""
        surface = self.experiment.surface
        states = optimizer_states(run, trajectory, surface)
        hyper = dict(run.make_optimizer().hyperparams)
        steps = trajectory.steps
        col = run_color(run.optimizer)
        title = self.title_block(
            f"Inside the update: {run.display_name}",
            f"L = {_rhs(surface.formula)} quad eta = {fixed(run.lr, 4)}",
        )
        axes, image, deco = contour_panel(surface, 3.9)
        offset = MAP_CENTRE - axes.get_center()
        for mob in (axes, image, deco):
            mob.shift(offset)
        to_scene = to_scene_fn(axes)
        start = ring(to_scene(trajectory.points[:1])[0])
        goals = VGroup(*(star(to_scene(np.array([m]))[0]) for m in surface.minima))
        rules = VGroup(*(formula(rule, 40) for rule in RULES[kind]))
        rules.arrange(DOWN, aligned_edge=LEFT, buff=0.22)
        rules.move_to((2.85, 1.85 - rules.height / 2, 0))
        box = panel(6.5, rules.height + 0.4).move_to(rules)
        self.play(FadeIn(Group(image, deco, title, start, goals, box, rules)), run_time=0.8)

        clock = Clock(0)
        runner = Runner(
            run.display_name,
            trajectory.points,
            to_scene,
            clock,
            col,
            clip=inside_fn(surface.bounds),
            dash=run_dash(run.optimizer),
        )
        glyphs = VGroup()
        step_arrow = _arrow(col)
        grad_arrow = _arrow(HIGHLIGHT, 3)
        ellipse = Ellipse(width=1, height=1, color=col, stroke_width=3)
        bars = VGroup(
            *(
                Rectangle(width=0.01, height=0.3, fill_color=col, fill_opacity=0.85, stroke_width=0)
                for _ in range(2)
            )
        )
        bar_names = VGroup(
            formula(
                f"sqrt({'hat(v)' if kind == 'adam' else 'v'})_{surface.variables[0]}", 38, MUTED
            ),
            formula(
                f"sqrt({'hat(v)' if kind == 'adam' else 'v'})_{surface.variables[1]}", 38, MUTED
            ),
        )
        for i, name in enumerate(bar_names):
            name.move_to((0.95, -0.75 - 0.55 * i, 0))
        readouts = VGroup(*(LiveText(32, 26).place([-0.6, -1.95 - 0.45 * i, 0]) for i in range(2)))
        scale = _scale(states, kind, hyper)

        def update(_m: object) -> None:
            k = min(clock.step, steps - 1)
            s = states[k]
            here = to_scene(s.point[None])[0]
            there = to_scene(s.new_point[None])[0]
            set_arrow(step_arrow, here, there, col, width=6)
            plain = to_scene((s.point - s.lr * s.grad)[None])[0]
            set_arrow(grad_arrow, here, plain, HIGHLIGHT, width=3, tip=0.14)
            grad_arrow.set_opacity(1 if kind == "momentum" else 0)
            if kind != "momentum":
                root = _root(s, kind, hyper)
                size = 1.1 * root / max(float(root.max()), 1e-300)
                ellipse.become(
                    Ellipse(
                        width=max(size[0], 0.04),
                        height=max(size[1], 0.04),
                        color=col,
                        stroke_width=3,
                    ).move_to(here)
                )
                for i, bar in enumerate(bars):
                    length = max(3.0 * root[i] / scale, 0.02)
                    bar.become(
                        Rectangle(
                            width=min(length, 3.2),
                            height=0.3,
                            fill_color=col,
                            fill_opacity=0.85,
                            stroke_width=0,
                        )
                    )
                    bar.move_to((1.9 + bar.width / 2, -0.75 - 0.55 * i, 0))
                readouts[0].set_text(f"step {k + 1:>3}  √v {_pair(root)}")
            else:
                b = s.state["momentum_buffer"]
                readouts[0].set_text(f"step {k + 1:>3}  b {_pair(b)}")
            readouts[1].set_text(f"next {_pair(s.new_point)}")

        glyphs.add(step_arrow, grad_arrow)
        scaling = VGroup()  # the bars of √v per coordinate and their names
        if kind != "momentum":
            glyphs.add(ellipse)
            scaling.add(bars, bar_names)
        glyphs.add_updater(update)
        update(glyphs)
        self.add(scaling, runner, glyphs, readouts)
        for lines in STORY[kind]:
            self.beat(*lines, hold=3)

        def card(k: int) -> VGroup:
            lines = step_lines(run.optimizer, hyper, states[k])
            group = VGroup(*(formula(line, 38) for line in lines))
            group.arrange(DOWN, aligned_edge=LEFT, buff=0.14)
            back = panel(group.width + 0.4, group.height + 0.3)
            out = VGroup(back, group.move_to(back))
            out.move_to((6.3 - out.width / 2, 2.0 - out.height / 2, 0))
            out.caption = caption_of(lines)  # type: ignore[attr-defined]
            return out

        self.clear_beat()
        # the card covers the rules and the bars; the read-outs below stay and keep counting
        aside = VGroup(box, rules, scaling)
        self.play(FadeOut(aside), run_time=0.3)
        self.slow_steps(clock, card, steps=min(3, steps), step_seconds=1.0)
        self.play(FadeIn(aside), run_time=0.3)
        evened = step_balance(states, min(3, steps)) if kind != "momentum" else None
        if evened is not None:
            self.beat(*_balance_lines(evened, surface.variables), hold=3)
        tag = self.speed_up(f"faster: {round((steps - 3) / RUN_SECONDS)} steps/s")
        play_clock(self, clock, steps, RUN_SECONDS, lambda u: u**1.5)
        self.end_badge(tag)
        if not last:  # the last part's final frame stays: the video's closing frame and poster
            self.clear_beat()
            self.play(FadeOut(Group(*self.mobjects)), run_time=0.6)
            self.clear()


def _balance_lines(balance: Balance, names: tuple[str, ...]) -> tuple[str, str]:
    """The beat about :func:`gdviz.claims.step_balance` of the slow steps just shown."""
    steep, flat = names[balance.steep], names[balance.flat]
    ratio = fixed(balance.step, 1)
    return (
        f"Along {steep} the gradient is {fixed(balance.gradient, 1)}× that along {flat};",
        f"the steps differ only {ratio}×." if balance.evened else f"the steps differ {ratio}×.",
    )


def _arrow(col, width: float = 6):
    from manim import Arrow

    return Arrow(np.zeros(3), RIGHT, buff=0, color=col, stroke_width=width)


def _root(s, kind: str, hyper) -> np.ndarray:
    """√v (RMSprop) or √v̂ (Adam) of a step state, per coordinate."""
    if kind == "adam":
        return np.sqrt(s.state["exp_avg_sq"] / (1 - hyper["betas"][1] ** s.step))
    return np.sqrt(s.state["square_avg"])


def _scale(states, kind: str, hyper) -> float:
    if kind == "momentum":
        return 1.0
    return max(float(np.max(_root(s, kind, hyper))) for s in states[:60]) or 1.0


def _pair(values: np.ndarray) -> str:
    """A vector for the read-outs; round-off relative to the vector shows as 0."""
    return (
        "("
        + ", ".join(format_number(v, 3, ascii=True).replace("-", "−") for v in round_off(values))
        + ")"
    )


def _rhs(text: str) -> str:
    return text.split("=", 1)[-1].strip() if "=" in text else text
