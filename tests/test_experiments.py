"""Experiments: the built-ins reproduce the seeds; TOML files load with clear errors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from gdviz.experiments import ExperimentError, builtin_experiments, get_experiment, load_experiments


def test_every_builtin_is_valid_and_runs() -> None:
    experiments = builtin_experiments()
    for name in (
        "linear-regression",
        "descent-path",
        "learning-rates",
        "local-minima",
        "least-squares",
    ):
        assert name in experiments
    for landscape in ("bowl", "valley", "rosenbrock", "himmelblau", "rastrigin"):
        race = experiments[f"race-{landscape}"]
        assert [run.optimizer for run in race.runs] == ["sgd", "momentum", "rmsprop", "adam"]
        assert race.source == "seed 003"
    for experiment in experiments.values():
        experiment.validate()


def test_seed_000_final_parameters() -> None:
    result = get_experiment("linear-regression").run()
    fixed, too_high, decayed = (t for _, t in result.by_run())
    assert fixed.status == "max_steps" and fixed.steps == 200
    assert too_high.status == "diverged"
    assert decayed.status == "max_steps"
    assert decayed.lrs[1] == 0.1 * 0.99
    # the decayed run ends much nearer the least-squares line w = 0.6, b = 2.2
    assert np.linalg.norm(decayed.final_point - [0.6, 2.2]) < np.linalg.norm(
        fixed.final_point - [0.6, 2.2]
    )


def test_seed_001_local_minima_from_two_starts() -> None:
    result = get_experiment("local-minima").run()
    left, right = (result.trajectories[0, s] for s in (0, 1))
    assert left.final_point[0] == pytest.approx(-0.8603335890193797, abs=1e-3)
    assert right.final_point[0] == pytest.approx(3.4256184594817283, abs=1e-3)


def test_seed_003_races_reach_a_minimum() -> None:
    result = get_experiment("race-bowl").run()
    for run, trajectory in result.by_run():
        assert trajectory.final_loss < 1e-2, run.optimizer


GOOD = """
[experiment.mine]
title = "Mine"
expr = "x**2 + 3*sin(y)"
starts = [[1.0, 2.0], [-1.0, 0.5]]
steps = 40
grad_tol = 1e-6

[[experiment.mine.runs]]
optimizer = "adam"
lr = 0.05
params = { betas = [0.9, 0.99] }
schedule = "exponential:gamma=0.99"
label = "My Adam"

[[experiment.mine.runs]]
optimizer = "momentum"
lr = 0.01
"""


def test_load_user_experiments(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(GOOD)
    experiments = load_experiments(path)
    mine = experiments["mine"]
    assert mine.expression and mine.surface.variables == ("x", "y")
    assert mine.runs[0].params == {"betas": (0.9, 0.99)}
    assert mine.runs[0].display_name == "My Adam" and mine.runs[1].display_name == "Momentum"
    result = mine.run()
    assert len(result.items()) == 4
    assert get_experiment("mine", experiments) is mine


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[experiment.a\n", r"invalid TOML"),
        (
            GOOD.replace('title = "Mine"', 'titel = "Mine"'),
            r"mine.toml:3: .*'titel'.*did you mean 'title'",
        ),
        (GOOD.replace("steps = 40", "steps = -4"), r"mine.toml:6: .*steps"),
        (GOOD.replace("lr = 0.05", 'lr = "fast"'), r"mine.toml:\d+: .*lr"),
        (
            GOOD.replace('optimizer = "adam"', 'optimizer = "adamm"'),
            r"mine.toml:2: .*did you mean 'adam'",
        ),
        (
            GOOD.replace("starts = [[1.0, 2.0], [-1.0, 0.5]]", "starts = [[1.0]]"),
            r"start \[1.0\] has 1",
        ),
        (GOOD.replace('expr = "x**2 + 3*sin(y)"', 'expr = "x.__class__"'), r"mine.toml:2: "),
        (
            GOOD.replace(
                'schedule = "exponential:gamma=0.99"', 'schedule = "exponential:gama=0.99"'
            ),
            "gama",
        ),
        (GOOD.replace("betas = [0.9, 0.99]", "betas = [0.9, 1.5]"), "betas"),
        ("[other]\nx = 1\n", r"unknown top-level key 'other'"),
    ],
)
def test_malformed_files_name_the_key_and_line(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(text)
    with pytest.raises(ExperimentError, match=message) as info:
        load_experiments(path)
    assert "\n" not in str(info.value)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ExperimentError, match="cannot read"):
        load_experiments(tmp_path / "nope.toml")


def test_unknown_experiment_suggests() -> None:
    with pytest.raises(ExperimentError, match="did you mean 'race-bowl'"):
        get_experiment("race-bowll")
