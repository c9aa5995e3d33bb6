"""``schedules``: the learning rate against the step for every kind of :mod:`gdviz.schedules`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from gdviz.experiments import Experiment, builtin_experiments
from gdviz.figures._base import NARROW_WIDTH, check_layout, new_figure, theme_context, theme_of
from gdviz.figures.labels import describe_schedule
from gdviz.numbers import format_number
from gdviz.schedules import SCHEDULES, Schedule, make_schedule, parse_schedule
from gdviz.style import Theme, series_color

__all__ = [
    "EXAMPLES",
    "LR0",
    "STEPS",
    "example_schedules",
    "make_schedules",
    "plot_schedule",
    "schedules_caption",
]

Experiments = Experiment | Sequence[Experiment] | Mapping[str, Experiment] | None

#: Initial rate and number of steps drawn.
LR0, STEPS = 0.1, 100

#: Example parameters per kind, for kinds no built-in experiment uses.
EXAMPLES: dict[str, dict[str, float]] = {
    "constant": {},
    "exponential": {"gamma": 0.97},
    "step": {"step_size": 25, "gamma": 0.5},
    "cosine": {"T_max": 100, "eta_min": 0.001},
    "inverse-time": {"decay_rate": 0.05},
    "warmup": {"start_factor": 0.1, "total_iters": 20},
}


def example_schedules() -> list[Schedule]:
    """One schedule per kind: the one a built-in experiment uses if any, else :data:`EXAMPLES`.

    Raises
    ------
    KeyError
        If a kind has neither (a new kind needs an entry in :data:`EXAMPLES`).
    """
    used: dict[str, Schedule] = {}
    for experiment in builtin_experiments().values():
        for run in experiment.runs:
            if run.schedule:
                schedule = parse_schedule(run.schedule)
                used.setdefault(schedule.kind, schedule)
    return [used.get(kind) or make_schedule(kind, **EXAMPLES[kind]) for kind in SCHEDULES]


def plot_schedule(
    ax: Axes,
    schedule: Schedule,
    *,
    lr0: float = LR0,
    steps: int = STEPS,
    color: str,
    theme: str | Theme = "light",
) -> list[Artist]:
    """The rate :math:`\\eta_k` in effect at each step :math:`k = 0..steps` (a step line).

    Returns ``[line, reference]``: the line's y data are
    ``schedule.learning_rates(lr0, steps + 1)``; the reference is :math:`\\eta_0`, dashed.
    """
    theme = theme_of(theme)
    rates = np.asarray(schedule.learning_rates(lr0, steps + 1), dtype=np.float64)
    ks = np.arange(steps + 1)
    reference = ax.axhline(lr0, color=theme.muted, linewidth=1, linestyle=(0, (4, 3)), zorder=1)
    (line,) = ax.plot(ks, rates, drawstyle="steps-post", color=color, linewidth=2.2, zorder=3)
    ax.fill_between(ks, rates, step="post", color=color, alpha=0.12, linewidth=0, zorder=2)
    ax.set_xlim(0, steps)
    ax.set_ylim(0, lr0 * 1.42)
    ax.set_yticks(np.linspace(0, lr0, 6))
    ax.grid(True)
    return [line, reference]


def schedules_caption() -> str:
    """Caption of ``schedules``: each schedule and its rate at the last step."""
    parts = []
    for schedule in example_schedules():
        final = float(np.asarray(schedule.learning_rates(LR0, STEPS + 1))[-1])
        parts.append(
            f"{describe_schedule(str(schedule)) or schedule.kind}: "
            f"η_{STEPS} = {format_number(final)}"
        )
    return (
        f"The learning rate at each step from η₀ = {format_number(LR0)} for every schedule "
        f"(torch.optim.lr_scheduler semantics). " + "; ".join(parts) + "."
    )


def make_schedules(
    theme: str = "light", experiments: Experiments = None, layout: str = "wide"
) -> Figure:
    """``schedules``: learning rate against step for every schedule kind, one panel each
    (``layout`` ``"narrow"``: one column, for phones)."""
    schedules = example_schedules()
    narrow = check_layout(layout)
    with theme_context(theme) as th:
        ncols = 1 if narrow else 3
        nrows = -(-len(schedules) // ncols)
        figure = new_figure(
            NARROW_WIDTH if narrow else 11.0, (2.6 if narrow else 3.0) * nrows + 0.8
        )
        axes = figure.subplots(nrows, ncols, sharex=True, sharey=True, squeeze=False).ravel()
        for i, (ax, schedule) in enumerate(zip(axes, schedules, strict=False)):
            plot_schedule(ax, schedule, color=series_color(i, theme=th), theme=th)
            info = SCHEDULES[schedule.kind]
            torch = f" · {info.torch}" if info.torch != "(none)" else ""
            ax.set_title(f"{schedule.kind}{torch}", loc="left")
            params = describe_schedule(str(schedule)).partition("(")[2].rstrip(")")
            if len(params) > 30:
                params = params.replace(", ", "\n")
            ax.annotate(
                params or "η = η₀ throughout",
                xy=(1, 1),
                xycoords="axes fraction",
                xytext=(-6, -6),
                textcoords="offset points",
                ha="right",
                va="top",
                fontsize=10,
                color=th.muted,
            )
        for ax in axes[len(schedules) :]:
            ax.set_visible(False)
        for ax in axes[(nrows - 1) * ncols :]:
            ax.set_xlabel("step k")
        for ax in axes[::ncols]:
            ax.set_ylabel("learning rate $\\eta_k$")
        figure.suptitle(
            f"Learning-rate schedules from η₀ = {format_number(LR0)}", x=0.01, ha="left"
        )
    return figure
