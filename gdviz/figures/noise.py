"""Minibatch noise: ``noise-fan`` (SGD's seeds around the full-batch path) and ``noise-floor``
(a constant rate's noise floor against a Robbins–Monro decay).

The runs come from the built-in experiments ``noise-fan`` and ``noise-floor``
(:func:`gdviz.figures.data.noise_fan`, :func:`~gdviz.figures.data.noise_recipes`); every
number in the captions is a :mod:`gdviz.claims` verdict on those runs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from gdviz.claims import BAND, NoiseFloor, SeedSpread, noise_floor, seed_spread
from gdviz.experiments import Experiment
from gdviz.figures._base import (
    NARROW_WIDTH,
    check_layout,
    new_figure,
    subtitle,
    theme_context,
    theme_of,
)
from gdviz.figures.data import (
    NoiseFan,
    NoiseRecipe,
    minimum_loss,
    noise_fan,
    noise_recipes,
    resolve_experiments,
)
from gdviz.figures.primitives import mark_minima, mark_start, plot_landscape, stroke
from gdviz.numbers import format_number
from gdviz.style import Theme, optimizer_color, series_color

__all__ = [
    "fan_applies",
    "floor_applies",
    "make_noise_fan",
    "make_noise_floor",
    "noise_fan_caption",
    "noise_floor_caption",
    "plot_excess_band",
    "plot_seed_fan",
    "recipe_colors",
]

Experiments = Experiment | Sequence[Experiment] | Mapping[str, Experiment] | None

#: Lowest excess loss drawn on a log axis (a run at the minimum to rounding is drawn here).
_EXCESS_FLOOR = 1e-12
_BAND_SHORT = f"middle {BAND[1] - BAND[0]:.0f} %"
_BAND_TEXT = f"{_BAND_SHORT} of seeds"


def fan_applies(experiment: Experiment) -> bool:
    """A 2-D data landscape run with minibatches over several seeds."""
    return (
        experiment.batch_size is not None
        and len(experiment.seeds) > 1
        and experiment.surface.dim == 2
    )


def floor_applies(experiment: Experiment) -> bool:
    """A minibatch experiment with at least two runs and several seeds, whose landscape knows
    its minimum (the floor is measured above it)."""
    return (
        experiment.batch_size is not None
        and len(experiment.seeds) > 1
        and len(experiment.runs) >= 2
        and bool(experiment.surface.minima)
    )


# ------------------------------------------------------------------------------ noise-fan


def _fan_window(fan: NoiseFan, margin: float = 0.12) -> list[tuple[float, float]]:
    """The part of the landscape the paths cover, with a margin, clipped to its bounds."""
    points = np.concatenate([t.points for t in (*fan.seeds, fan.full)])
    lo, hi = points.min(axis=0), points.max(axis=0)
    pad = margin * (hi - lo)
    window = []
    for i, (b_lo, b_hi) in enumerate(fan.experiment.surface.bounds):
        window.append((max(b_lo, lo[i] - pad[i]), min(b_hi, hi[i] + pad[i])))
    return window


def plot_seed_fan(
    ax: Axes, fan: NoiseFan, *, theme: str | Theme = "light", window=None
) -> dict[str, list[Artist]]:
    """The seeds' paths (thin, the optimizer's colour) and the full-batch path (bold) on the
    landscape's contours. Returns ``{"seeds": [...], "full": [...]}``; each seed line's data
    are its trajectory's points."""
    theme = theme_of(theme)
    surface = fan.experiment.surface
    plot_landscape(ax, surface, theme=theme, bounds=window or _fan_window(fan))
    color = optimizer_color(fan.experiment.runs[0].optimizer, theme)
    seeds: list[Artist] = []
    for trajectory in fan.seeds:
        (line,) = ax.plot(
            trajectory.points[:, 0],
            trajectory.points[:, 1],
            color=color,
            linewidth=0.8,
            alpha=0.4,
            zorder=3,
            label="one seed's path" if not seeds else None,
        )
        seeds.append(line)
    points = fan.full.points
    (full,) = ax.plot(
        points[:, 0],
        points[:, 1],
        color=theme.foreground,
        linewidth=2.4,
        path_effects=stroke(theme, 4.2),
        zorder=4,
        label="full batch, same η",
    )
    mark_start(ax, points[0], theme=theme)
    mark_minima(ax, surface)
    return {"seeds": seeds, "full": [full]}


def plot_excess_band(
    ax: Axes,
    excess: np.ndarray,
    *,
    color: str,
    label: str,
    theme: str | Theme = "light",
    linewidth: float = 2.0,
) -> list[Artist]:
    """The median (line) and :data:`gdviz.claims.BAND` band of the seeds' excess loss,
    ``excess`` of shape ``(seeds, steps + 1)``, on a log axis. Returns ``[line, band]``."""
    theme = theme_of(theme)
    shown = np.maximum(excess, _EXCESS_FLOOR)
    low, high = np.percentile(shown, BAND, axis=0)
    steps = np.arange(shown.shape[1])
    band = ax.fill_between(steps, low, high, color=color, alpha=0.22, linewidth=0)
    (line,) = ax.plot(
        steps, np.median(shown, axis=0), color=color, linewidth=linewidth, label=label
    )
    ax.set_yscale("log")
    return [line, band]


def _fan_spread(fan: NoiseFan) -> SeedSpread:
    return seed_spread(fan.seeds, fan.full)


def noise_fan_caption(experiment: Experiment | None = None) -> str:
    """Caption of ``noise-fan``: the spread of the seeds, from :func:`gdviz.claims.seed_spread`."""
    fan = noise_fan(resolve_experiments(experiment, ["noise-fan"])[0])
    spread = _fan_spread(fan)
    run = fan.experiment.runs[0]
    return (
        f"{fan.experiment.description} Every seed and the full-batch "
        f"run start at the ring with η = {format_number(run.lr)}. After {spread.steps} steps the "
        f"full-batch run's loss on all the data is {format_number(spread.full_loss)}; the "
        f"seeds' is {format_number(spread.low)} to {format_number(spread.high)} ({_BAND_TEXT}), "
        f"median {format_number(spread.median)}, and {spread.higher} of {spread.seeds} seeds end "
        f"above the full-batch run. Their end points lie a median "
        f"{format_number(spread.distance, 3)} from its end point; the seeds are farthest apart "
        f"at step {spread.widest[0]} (median distance {format_number(spread.widest[1], 3)} "
        "from their mean point)."
    )


def make_noise_fan(
    theme: str = "light", experiments: Experiments = None, layout: str = "wide"
) -> Figure:
    """``noise-fan``: the seeds' paths around the full-batch path (left) and the excess loss
    on the full data, the seeds' band against the full-batch run (right)."""
    fan = noise_fan(resolve_experiments(experiments, ["noise-fan"])[0])
    experiment = fan.experiment
    narrow = check_layout(layout)
    floor = minimum_loss(experiment.surface)
    with theme_context(theme) as th:
        figure = new_figure(NARROW_WIDTH, 9.4) if narrow else new_figure(11.0, 5.4)
        left, right = figure.subplots(2, 1) if narrow else figure.subplots(1, 2)
        plot_seed_fan(left, fan, theme=th)
        left.legend(loc="upper right")
        subtitle(
            left, f"{len(fan.seeds)} seeds, {experiment.batch_size} samples per step", theme=th
        )
        color = optimizer_color(experiment.runs[0].optimizer, th)
        excess = np.stack([t.losses for t in fan.seeds]) - floor
        plot_excess_band(
            right,
            excess,
            color=color,
            label=f"{len(fan.seeds)} seeds: median and {_BAND_SHORT}",
            theme=th,
        )
        full = np.maximum(fan.full.losses - floor, _EXCESS_FLOOR)
        right.plot(
            np.arange(len(full)), full, color=th.foreground, linewidth=2.0, label="full batch"
        )
        right.set_xlabel("step")
        right.set_ylabel("L(θ) − L* on all the data")
        right.set_xlim(0, experiment.steps)
        right.grid(True, which="major")
        right.legend(loc="upper right")
        subtitle(right, "Excess loss on the full data set", theme=th)
        joint = "\n" if narrow else " "
        figure.suptitle(
            f"Minibatch SGD:{joint}one fan of seeds, one full-batch path", x=0.01, ha="left"
        )
    return figure


# ---------------------------------------------------------------------------- noise-floor


def recipe_colors(count: int, theme: str | Theme = "light") -> list[str]:
    """The series colours of ``noise-floor``'s recipes (the report's table uses them too): the
    constant rate, first, takes the palette's far end, so the floor line drawn across it in the
    foreground colour stands out on both themes."""
    return [series_color(count - 1 - i, count, theme) for i in range(count)]


def _floor(recipes: Sequence[NoiseRecipe], experiment: Experiment) -> NoiseFloor:
    floor = minimum_loss(experiment.surface)
    return noise_floor(recipes[0].runs, recipes[1].runs, floor)


def noise_floor_caption(experiment: Experiment | None = None) -> str:
    """Caption of ``noise-floor``: the floor and what decay does to it
    (:func:`gdviz.claims.noise_floor`)."""
    chosen = resolve_experiments(experiment, ["noise-floor"])[0]
    recipes = noise_recipes(chosen)
    facts = _floor(recipes, chosen)
    constant, decayed = (r.config.display_name for r in recipes[:2])
    steps = chosen.steps
    below = (
        f"stays below the floor from step {facts.below_from} on and "
        if facts.below_from is not None
        else ""
    )
    return (
        f"{chosen.description} With {constant} the excess loss L − L* on all "
        f"the data stops falling at a noise floor of {format_number(facts.floor)} (median over "
        f"the seeds and the last {steps - steps // 2} steps) and ends at "
        f"{format_number(facts.constant_final)}. The decaying rate {decayed} {facts.label} "
        f"the floor: it {below}ends at {format_number(facts.decayed_final)}, "
        f"{format_number(facts.ratio, 3)} times below it."
    )


def make_noise_floor(
    theme: str = "light", experiments: Experiments = None, layout: str = "wide"
) -> Figure:
    """``noise-floor``: the excess full-data loss of each recipe over its seeds (median and
    band) with the measured noise floor (left), and each recipe's learning rate (right)."""
    chosen = resolve_experiments(experiments, ["noise-floor"])[0]
    recipes = noise_recipes(chosen)
    facts = _floor(recipes, chosen)
    narrow = check_layout(layout)
    with theme_context(theme) as th:
        if narrow:
            figure = new_figure(NARROW_WIDTH, 9.0)
            left, right = figure.subplots(2, 1, height_ratios=[1.6, 1])
        else:
            figure = new_figure(11.0, 5.2)
            left, right = figure.subplots(1, 2, width_ratios=[1.8, 1])
        colors = recipe_colors(len(recipes), th)
        for recipe, color in zip(recipes, colors, strict=True):
            plot_excess_band(
                left,
                recipe.excess,
                color=color,
                label=recipe.config.display_name,
                theme=th,
                linewidth=1.3,
            )
            right.plot(np.arange(len(recipe.lrs)), recipe.lrs, color=color, linewidth=2.0)
        left.axhline(
            facts.floor,
            color=th.foreground,
            linewidth=1.6,
            linestyle=(0, (5, 3)),
            label=f"noise floor {format_number(facts.floor, 3)}",
            zorder=5,
        )
        left.set_xlabel("step")
        left.set_ylabel("L(θ) − L* on all the data")
        left.set_xlim(0, chosen.steps)
        left.grid(True, which="major")
        left.legend(loc="upper right", title=f"median, {_BAND_TEXT}")
        subtitle(left, f"{len(chosen.seeds)} seeds, {chosen.batch_size} samples per step", theme=th)
        right.set_yscale("log")
        right.set_xlim(0, chosen.steps)
        right.set_xlabel("step")
        right.set_ylabel("learning rate η")
        right.grid(True, which="major")
        subtitle(right, "The learning rate per step", theme=th)
        joint = "\n" if narrow else " "
        figure.suptitle(f"The noise floor,{joint}and a decaying rate below it", x=0.01, ha="left")
    return figure
