"""Minibatch noise: the claims (seed spread, noise floor) and the figures drawn from them."""

from __future__ import annotations

from types import SimpleNamespace

import matplotlib.pyplot as plt
import numpy as np
import pytest
from helpers import spec_of

from gdviz.claims import BAND, noise_floor, seed_spread
from gdviz.descent import descend
from gdviz.experiments import get_experiment
from gdviz.figures import FIGURES
from gdviz.figures.data import minimum_loss, noise_fan, noise_recipes
from gdviz.figures.noise import fan_applies, floor_applies
from gdviz.numbers import format_number
from gdviz.trajectory import Trajectory


def _trajectory(losses, points=None) -> Trajectory:
    losses = np.asarray(losses, dtype=float)
    n = len(losses)
    points = np.zeros((n, 2)) if points is None else np.asarray(points, dtype=float)
    return Trajectory(("w", "b"), points, losses, np.zeros(n), np.full(n, 0.1), "max_steps")


def test_seed_spread_counts_and_percentiles() -> None:
    full = _trajectory([3.0, 1.0], [[0, 0], [1, 1]])
    seeds = [_trajectory([3.0, v], [[0, 0], [1 + v, 1]]) for v in (0.5, 1.5, 2.0, 3.0)]
    spread = seed_spread(seeds, full)
    finals = [0.5, 1.5, 2.0, 3.0]
    assert spread.higher == 3 and spread.seeds == 4 and spread.full_loss == 1.0
    assert (spread.low, spread.high) == tuple(np.percentile(finals, BAND))
    assert spread.median == 1.75
    assert spread.distance == pytest.approx(np.median(finals))  # end points 1 + v from (1, 1)
    assert spread.widest[0] == 1  # every seed starts at the same point
    with pytest.raises(ValueError, match="different numbers of steps"):
        seed_spread([_trajectory([1.0, 2.0, 3.0])], full)
    with pytest.raises(ValueError, match="at least one"):
        seed_spread([], full)


@pytest.mark.parametrize(
    ("decayed_end", "label", "below_from"),
    [(1e-4, "removes", 2), (5e-2, "lowers", 2), (0.2, "does not lower", None)],
)
def test_noise_floor_verdicts(decayed_end: float, label: str, below_from: int | None) -> None:
    constant = [_trajectory([1.0, 0.1, 0.1, 0.1, 0.1]), _trajectory([1.0, 0.1, 0.1, 0.1, 0.1])]
    decayed = [_trajectory([1.0, 0.5, decayed_end, decayed_end, decayed_end])] * 2
    facts = noise_floor(constant, decayed, 0.0)
    assert facts.floor == pytest.approx(0.1) and facts.constant_final == pytest.approx(0.1)
    assert facts.decayed_final == decayed_end and facts.label == label
    assert facts.below_from == below_from
    assert facts.ratio == pytest.approx(0.1 / decayed_end)


def test_the_noise_experiments_are_minibatch_runs_over_seeds() -> None:
    fan, floor = get_experiment("noise-fan"), get_experiment("noise-floor")
    assert fan_applies(fan) and floor_applies(floor)
    assert not fan_applies(get_experiment("race-bowl"))
    assert not floor_applies(fan)  # one run: nothing to compare
    assert fan.batch_size is not None and fan.surface.data is not None
    assert fan.batch_size < fan.surface.data.n and len(fan.seeds) == 24


def test_noise_fan_draws_every_seed_and_the_full_batch_run() -> None:
    fan = noise_fan()
    experiment = fan.experiment
    full = descend(
        experiment.surface,
        experiment.runs[0].make_optimizer(),
        experiment.starts[0],
        lr=experiment.runs[0].lr,
        steps=experiment.steps,
        grad_tol=experiment.grad_tol,
    )
    np.testing.assert_array_equal(fan.full.points, full.points)
    assert [spec_of(t).seed for t in fan.seeds] == list(experiment.seeds)
    figure = FIGURES["noise-fan"].make("light")
    try:
        paths, curves = figure.axes[:2]
        lines = paths.get_lines()
        for line, trajectory in zip(lines, fan.seeds, strict=False):
            np.testing.assert_array_equal(line.get_xydata(), trajectory.points)
        np.testing.assert_array_equal(lines[len(fan.seeds)].get_xydata(), full.points)
        floor = minimum_loss(experiment.surface)
        median = curves.get_lines()[0].get_ydata()
        excess = np.stack([t.losses for t in fan.seeds]) - floor
        np.testing.assert_array_equal(median, np.median(np.maximum(excess, 1e-12), axis=0))
    finally:
        plt.close(figure)
    caption = FIGURES["noise-fan"].caption
    spread = seed_spread(fan.seeds, fan.full)
    for number in (spread.full_loss, spread.low, spread.high, spread.median):
        assert format_number(number) in caption
    assert f"{spread.higher} of {spread.seeds} seeds end above" in caption


def test_noise_floor_draws_the_measured_floor_and_each_recipe() -> None:
    experiment = get_experiment("noise-floor")
    recipes = noise_recipes(experiment)
    facts = noise_floor(recipes[0].runs, recipes[1].runs, minimum_loss(experiment.surface))
    # the run shows what the chapter says: decay takes the loss well below the floor
    assert facts.label == "removes" and facts.below_from is not None
    assert recipes[1].lrs[-1] < recipes[1].lrs[0] == recipes[0].lrs[-1]
    figure = FIGURES["noise-floor"].make("dark")
    try:
        losses, rates = figure.axes[:2]
        drawn = losses.get_lines()
        for line, recipe in zip(drawn[:2], recipes, strict=True):
            np.testing.assert_array_equal(
                line.get_ydata(), np.median(np.maximum(recipe.excess, 1e-12), axis=0)
            )
        assert list(np.asarray(drawn[2].get_ydata())) == [facts.floor, facts.floor]
        np.testing.assert_array_equal(rates.get_lines()[1].get_ydata(), recipes[1].lrs)
    finally:
        plt.close(figure)
    caption = FIGURES["noise-floor"].caption
    assert f"{facts.label} the floor" in caption
    for number in (facts.floor, facts.constant_final, facts.decayed_final):
        assert format_number(number) in caption
    assert f"from step {facts.below_from} on" in caption


def test_robbins_monro_conditions_by_schedule_kind() -> None:
    from gdviz.claims import meets_robbins_monro
    from gdviz.experiments import ROBBINS_MONRO

    assert meets_robbins_monro(ROBBINS_MONRO)
    for schedule in (None, "exponential:gamma=0.99", "step:step_size=10,gamma=0.5"):
        assert not meets_robbins_monro(schedule)


def test_the_noise_chapter_quotes_the_runs() -> None:
    from gdviz.report import sections
    from gdviz.report.chapters import CHAPTERS, FORMULAS
    from gdviz.report.formulas import compile_formula
    from gdviz.report.noise import noise_view
    from gdviz.report.render import environment

    chapter = next(c for c in CHAPTERS if c.id == "noise")
    assert chapter.figures == ("noise-fan", "noise-floor")
    formulas = {key: compile_formula(*FORMULAS[key]) for key in chapter.formulas}
    section = sections.chapter_section(chapter, {}, {}, {}, formulas)
    page = SimpleNamespace(formulas=formulas)  # what the chapter's display() reads
    html = environment().get_template("partials/section.jinja").render(section=section, report=page)
    view = noise_view()
    assert section.extra["noise"] == view
    fan, floor = view["fan"], view["floor"]
    recipes = noise_recipes(get_experiment("noise-floor"))
    facts = noise_floor(
        recipes[0].runs, recipes[1].runs, minimum_loss(get_experiment("noise-floor").surface)
    )
    assert floor["floor"] == format_number(facts.floor) and floor["label"] == facts.label
    assert f"in this run it {facts.label} the floor" in " ".join(html.split())
    for text in (floor["floor"], floor["decayed_final"], floor["ratio"], str(fan["seeds"])):
        assert text in html
    for row, recipe in zip(view["table"]["rows"], recipes, strict=True):
        assert row["cells"][-1] == format_number(float(recipe.lrs[-1]))
        assert format_number(float(np.median(recipe.excess[:, -1]))) == row["cells"][-2]


def test_optimizer_states_replays_a_minibatch_run_with_its_slices() -> None:
    from gdviz.claims import optimizer_states
    from gdviz.experiments import RunConfig

    landscape = get_experiment("noise-fan").surface
    config = RunConfig("adam", 0.1)
    run = descend(
        landscape, config.make_optimizer(), [-2.0, 3.0], lr=0.1, steps=30, batch_size=3, seed=4
    )
    states = optimizer_states(config, run, landscape)
    assert len(states) == run.steps
    np.testing.assert_array_equal(states[-1].new_point, run.points[-1])


def test_a_minibatch_experiment_gets_the_noise_figures_not_the_full_batch_sweeps() -> None:
    from dataclasses import replace

    from gdviz.figures import user_figures

    noisy = replace(get_experiment("noise-floor"), name="mine")
    names = set(user_figures([noisy]))
    assert {"noise-floor-mine", "loss-curves-mine"} <= names
    assert not {"lr-sweep-mine", "stability-mine"} & names
    full = replace(get_experiment("race-bowl"), name="mine")
    assert "lr-sweep-mine" in user_figures([full]) and "noise-fan-mine" not in user_figures([full])
