"""The numbers of the report's "Noise" chapter, from the runs of its two figures.

:func:`noise_view` reads the built-in experiments ``noise-fan`` and ``noise-floor`` through the
same functions the figures use (:func:`gdviz.figures.data.noise_fan`,
:func:`~gdviz.figures.data.noise_recipes`) and the verdicts of :mod:`gdviz.claims`
(:func:`~gdviz.claims.seed_spread`, :func:`~gdviz.claims.noise_floor`), and formats every number
with :mod:`gdviz.numbers`; the chapter's prose only places them.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from gdviz.claims import BAND, meets_robbins_monro, noise_floor, seed_spread
from gdviz.figures.data import builtin, minimum_loss, noise_fan, noise_recipes
from gdviz.figures.noise import recipe_colors
from gdviz.numbers import format_number

__all__ = ["checkpoints", "noise_view"]


def checkpoints(steps: int) -> tuple[int, ...]:
    """The steps the chapter's table reports: 0, 1/20, 1/4, 1/2 and all of ``steps``."""
    return tuple(dict.fromkeys((0, steps // 20, steps // 4, steps // 2, steps)))


def noise_view() -> dict[str, Any]:
    """``{"fan": ..., "floor": ..., "table": ...}``: formatted numbers for the chapter."""
    fan = noise_fan()
    spread = seed_spread(fan.seeds, fan.full)
    surface = fan.experiment.surface
    assert surface.data is not None and fan.experiment.batch_size is not None
    n, size = surface.data.n, fan.experiment.batch_size
    fan_view = {
        "landscape": surface.title,
        "n": n,
        "batch_size": size,
        "per_epoch": -(-n // size),
        "seeds": spread.seeds,
        "lr": format_number(fan.experiment.runs[0].lr),
        "steps": spread.steps,
        "full_loss": format_number(spread.full_loss),
        "low": format_number(spread.low),
        "median": format_number(spread.median),
        "high": format_number(spread.high),
        "higher": spread.higher,
        "distance": format_number(spread.distance, 3),
        "band": f"{BAND[1] - BAND[0]:.0f} %",
    }

    floor_experiment = builtin("noise-floor")
    recipes = noise_recipes(floor_experiment)
    facts = noise_floor(recipes[0].runs, recipes[1].runs, minimum_loss(floor_experiment.surface))
    floor_surface = floor_experiment.surface
    assert floor_surface.data is not None and floor_experiment.batch_size is not None
    m, b = floor_surface.data.n, floor_experiment.batch_size
    floor_view = {
        "landscape": floor_surface.title,
        "n": m,
        "batch_size": b,
        "per_epoch": -(-m // b),
        "seeds": len(floor_experiment.seeds),
        "steps": floor_experiment.steps,
        "last_half": floor_experiment.steps - floor_experiment.steps // 2,
        "constant": recipes[0].config.display_name,
        "decayed": recipes[1].config.display_name,
        "floor": format_number(facts.floor),
        "constant_final": format_number(facts.constant_final),
        "decayed_final": format_number(facts.decayed_final),
        "ratio": format_number(facts.ratio, 3),
        "label": facts.label,
        "robbins_monro": meets_robbins_monro(recipes[1].config.schedule),
        "below_from": facts.below_from,
    }
    marks = checkpoints(floor_experiment.steps)
    colors = recipe_colors(len(recipes))
    header = ["Recipe", *(f"step {k}" for k in marks), "final rate"]
    rows = []
    for i, recipe in enumerate(recipes):
        median = np.median(recipe.excess, axis=0)
        rows.append(
            {
                "label": recipe.config.display_name,
                "color": colors[i],
                "cells": [format_number(float(median[k])) for k in marks]
                + [format_number(float(recipe.lrs[-1]))],
            }
        )
    table = {
        "caption": f"Median excess loss L − L* on all the data over {floor_view['seeds']} seeds",
        "header": header,
        "rows": rows,
    }
    return {"fan": fan_view, "floor": floor_view, "table": table}
