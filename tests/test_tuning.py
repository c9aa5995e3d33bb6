"""The fair race: the score rule, the winners, the TOML experiment, the CLI's one-line errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from helpers import invoke, one_line_error

from gdviz.budget import BudgetError
from gdviz.claims import finish, finish_steps, lowest_loss, rate_window
from gdviz.descent import descend
from gdviz.experiments import load_experiments
from gdviz.landscapes import get_landscape
from gdviz.numbers import format_number
from gdviz.optimizers import make_optimizer
from gdviz.tuning import (
    DEFAULT_MOMENTA,
    Table,
    momentum_knob,
    score_order,
    start_grid,
    tune,
)

#: A small protocol: three competitors (one with a momentum knob), five rates, nine starts.
SMALL: dict[str, Any] = {
    "optimizers": ("gd", "sgd", "adam"),
    "lrs": np.geomspace(1e-4, 1e-1, 5),
    "momenta": (0.0, 0.9),
    "steps": 150,
}


@pytest.fixture(scope="module")
def small():
    surface = get_landscape("rosenbrock")
    return tune(surface, starts=start_grid(surface, 3), **SMALL)


# ------------------------------------------------------------------------- the score rule


def test_finish_steps_on_hand_made_losses() -> None:
    # three runs of 4 steps; L* = 0, finish line L < 0.5
    losses = np.array([[3.0, 3.0, 3.0], [2.0, 0.4, 3.0], [0.3, 0.4, 3.0], [0.2, 0.4, 3.0]])
    converged = np.array([False, False, True])
    stop = np.array([3, 1, 2])
    assert finish_steps(losses, converged, stop, 0.0, gap=0.5).tolist() == [2, 1, 2]
    # without a known minimum only convergence counts
    assert finish_steps(losses, converged, stop, None).tolist() == [-1, -1, 2]
    # a run already past the line at its start finishes at step 0
    assert finish_steps(np.array([[0.1], [0.1]]), np.array([False]), np.array([1]), 0.0, 0.5) == 0


def test_a_run_that_never_finishes_counts_as_the_budget_and_ties_go_to_the_lower_loss() -> None:
    # one momentum value, three rates, four starts; budget 100
    table = Table(
        optimizer="gd",
        knob=None,
        momenta=(None,),
        finish=np.array([[[10, 20, -1, -1], [30, 30, 30, 30], [5, 5, -1, -1]]]),
        final_losses=np.array([[[0.0, 0.0, 1.0, 2.0], [0.0] * 4, [0.0, 0.0, 0.5, 0.5]]]),
        diverged=np.zeros((1, 3, 4), dtype=bool),
        budget=100,
    )
    assert table.scored_steps[0, 0].tolist() == [10, 20, 100, 100]
    assert table.median_steps[0].tolist() == [60.0, 30.0, 52.5]
    assert table.success[0].tolist() == [0.5, 1.0, 0.5]
    assert table.best() == (0, 1)
    # equal medians: the lower median final loss wins, then the earlier entry
    assert score_order([30.0, 30.0, 30.0], [0.2, 0.1, 0.1]) == [1, 2, 0]
    assert score_order([500.0, 12.0], [0.0, 9.0]) == [1, 0]


def test_rate_window_reads_the_success_rates() -> None:
    window = rate_window([1e-3, 1e-2, 1e-1, 1.0], [0.0, 0.6, 0.5, 0.1])
    assert window is not None
    assert (window.low, window.high, window.count) == (1e-2, 1e-1, 2)
    assert window.decades == pytest.approx(1.0)
    assert rate_window([1e-3], [0.2]) is None


def test_tune_is_a_top_level_name() -> None:
    import gdviz

    assert gdviz.tune is tune and "tune" in dir(gdviz)


def test_momentum_knobs_are_declared_by_the_optimizers() -> None:
    assert momentum_knob("sgd") == "momentum"
    assert momentum_knob("rmsprop") == "momentum"
    assert momentum_knob("adam") == "betas" and momentum_knob("nadam") == "betas"
    assert momentum_knob("adagrad") is None and momentum_knob("adadelta") is None
    # a preset fixes its momentum: it is a configuration, not a knob
    assert momentum_knob("gd") is None and momentum_knob("nesterov") is None


# ------------------------------------------------------------------------------ the runs


def test_every_table_entry_is_its_own_single_run(small) -> None:
    surface = small.surface
    table = small.tables["adam"]
    assert table.finish.shape == (2, 5, 9)
    m, i, s = 1, 3, 4
    single = descend(
        surface,
        make_optimizer("adam", betas=(0.9, 0.999)),
        small.protocol.starts[s],
        lr=small.protocol.lrs[i],
        steps=SMALL["steps"],
        grad_tol=small.protocol.grad_tol,
    )
    line = finish(single, surface, small.protocol.grad_tol)
    assert table.finish[m, i, s] == (line.step if line.step is not None else -1)
    assert table.final_losses[m, i, s] == single.final_loss


def test_winners_are_each_tables_best_and_ranked_by_the_score(small) -> None:
    assert [w.optimizer for w in small.winners] == [
        small.protocol.optimizers[i]
        for i in score_order(
            [small.tables[n].median_steps.min() for n in small.protocol.optimizers],
            [
                small.tables[n].median_loss.ravel()[
                    np.ravel_multi_index(small.tables[n].best(), small.tables[n].median_steps.shape)
                ]
                for n in small.protocol.optimizers
            ],
        )
    ]
    for winner in small.winners:
        table = small.tables[winner.optimizer]
        m, i = table.best()
        assert winner.median_steps == table.median_steps.min()
        assert (winner.momentum_index, winner.lr_index) == (m, i)
        assert winner.lr == small.protocol.lrs[i]
    sgd = next(w for w in small.winners if w.optimizer == "sgd")
    assert sgd.params == {"momentum": SMALL["momenta"][sgd.momentum_index]}
    assert next(w for w in small.winners if w.optimizer == "gd").params == {}


def test_winners_are_stable(small) -> None:
    surface = small.surface
    again = tune(
        surface, starts=start_grid(surface, 3), **{**SMALL, "optimizers": ("adam", "gd", "sgd")}
    )
    assert {w.optimizer: (w.lr, w.params, w.median_steps) for w in again.winners} == {
        w.optimizer: (w.lr, w.params, w.median_steps) for w in small.winners
    }
    keys = [(w.median_steps, w.median_loss) for w in again.winners]
    assert keys == sorted(keys)


def test_the_default_protocol_fits_the_budget_and_the_benchmark_size() -> None:
    surface = get_landscape("rosenbrock")
    assert start_grid(surface).shape == (64, 2)
    assert len(DEFAULT_MOMENTA) == 4
    # the benchmark's 12 × 16 × 64 × 500 passes the memory check (it raises before running)
    tune(
        surface,
        ("gd",),
        steps=500,
        lrs=np.geomspace(1e-5, 1e-4, 16),
        starts=start_grid(surface)[:2],
    )
    with pytest.raises(BudgetError, match="tune would need"):
        tune(surface, ("gd",), steps=1_000_000, starts=start_grid(surface, 32))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"optimizers": ("adamm",)}, "did you mean 'adam'"),
        ({"optimizers": ()}, "at least one optimizer"),
        ({"lrs": [0.1, -1.0]}, "learning rates must be finite numbers > 0"),
        ({"momenta": (1.0,)}, r"momentum values must be numbers in \[0, 1\)"),
        ({"steps": 0}, "steps must be a whole number ≥ 1"),
        ({"starts": [[1.0, 2.0, 3.0]]}, "2 coordinate"),
        ({"starts": [[np.nan, 0.0]]}, "the start must be finite"),
    ],
)
def test_bad_protocols_are_refused(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        tune("rosenbrock", **{"optimizers": ("gd",), "steps": 5, **kwargs})


# ---------------------------------------------------------------------------------- TOML


def test_toml_round_trip(small, tmp_path: Path) -> None:
    path = tmp_path / "tuned.toml"
    path.write_text(small.to_toml("my-tuned"), encoding="utf-8")
    loaded = load_experiments(path)["my-tuned"]
    expected = small.experiment("my-tuned")
    for key in ("landscape", "starts", "runs", "steps", "grad_tol", "title", "description"):
        assert getattr(loaded, key) == getattr(expected, key), key
    assert [r.lr for r in loaded.runs] == [w.lr for w in small.winners]  # exact floats
    assert loaded.starts == (get_landscape("rosenbrock").starts[0],)
    text = path.read_text()
    assert "# budget      150 steps per run" in text
    assert lowest_loss(small.surface) == 0.0


# ----------------------------------------------------------------------------------- CLI

CLI_SMALL = [
    "--optimizer",
    "gd",
    "--optimizer",
    "adam",
    "--steps",
    "60",
    "--lr-count",
    "4",
    "--lr-range",
    "1e-3",
    "0.1",
    "--grid",
    "2",
    "--momentum",
    "0.9",
]


def test_cli_prints_the_protocol_and_winners_and_writes_the_experiment(tmp_path: Path) -> None:
    out = tmp_path / "t.toml"
    result = invoke("tune", *CLI_SMALL, "-o", out)
    assert result.exit_code == 0, result.output
    assert "Protocol" in result.stdout and "Winners" in result.stdout
    assert "budget      60 steps per run" in result.stdout
    assert f"wrote {out}" in result.stderr
    assert "  adam " in result.stderr  # one progress line per optimizer
    experiment = load_experiments(out)["tuned-rosenbrock"]
    assert {r.optimizer for r in experiment.runs} == {"gd", "adam"}
    best = invoke("tune", *CLI_SMALL, "--top", "1", "-q", "-o", out)
    assert best.exit_code == 0 and len(load_experiments(out)["tuned-rosenbrock"].runs) == 1
    piped = invoke("tune", *CLI_SMALL, "-q", "-o", "-")
    assert piped.exit_code == 0 and piped.stdout.startswith("# Written by `gdviz tune`")
    assert "Winners" in piped.stderr


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--optimizer", "adamm"], "did you mean 'adam'"),
        (["--landscape", "rosenbrok"], "did you mean 'rosenbrock'"),
        (["--landscape", "mlp-moons"], "no 1-D or 2-D plotting bounds"),
        (["--lr-range", "0.1", "0.01"], "LO must be below HI"),
        (["--lr-range", "0", "0.01"], "must be a finite number > 0"),
        (["--momentum", "1"], "--momentum"),
        (["--steps", "0"], "--steps"),
        (["--name", "a b"], "is not allowed"),
        (["--top", "0"], "--top"),
        (["--seeds", "3"], "needs --batch-size"),
        (["--batch-size", "4"], "rosenbrock has no data set"),
        (["--show-start", "1,2,3"], "needs 2 coordinate"),
        (["--steps", "100000", "--grid", "64", "--lr-count", "256"], "over the 2.0 GiB budget"),
    ],
)
def test_cli_errors_are_one_line(args: list[str], fragment: str) -> None:
    line = one_line_error(invoke("tune", *args))
    assert fragment in line


def test_cli_refuses_an_unwritable_output_before_any_work(tmp_path: Path) -> None:
    line = one_line_error(invoke("tune", *CLI_SMALL, "-o", tmp_path))
    assert "--output" in line


# ------------------------------------------------------------------------------- figures


def test_success_figure_draws_the_tables_success(small) -> None:
    import matplotlib.pyplot as plt

    from gdviz.figures.fair_race import make_tune_success, success_matrix, tune_success_caption

    figure = make_tune_success("dark", result=small)
    try:
        mesh = figure.axes[0].collections[0]
        matrix = success_matrix(small)
        np.testing.assert_array_equal(np.asarray(mesh.get_array()).reshape(matrix.shape), matrix)
        for row, winner in enumerate(small.winners):
            table = small.tables[winner.optimizer]
            assert matrix[row].tolist() == table.success[winner.momentum_index].tolist()
        labels = [t.get_text() for t in figure.axes[0].get_yticklabels()]
        assert labels == [w.title for w in small.winners]
    finally:
        plt.close(figure)
    caption = tune_success_caption(small)
    best = int(np.argmax(matrix.max(axis=1)))
    finished = round(matrix[best].max() * 9)
    assert f"{small.winners[best].title} finishes most often: {finished} of 9" in caption
    assert "within 150 steps" in caption


def test_sensitivity_figure_draws_the_median_finish_step(small) -> None:
    import matplotlib.pyplot as plt

    from gdviz.figures.fair_race import make_tune_sensitivity, tune_sensitivity_caption

    for layout in ("wide", "narrow"):
        figure = make_tune_sensitivity("light", layout=layout, result=small)
        try:
            for ax, winner in zip(figure.axes, small.winners, strict=False):
                steps = small.tables[winner.optimizer].scored_steps[winner.momentum_index]
                line = ax.get_lines()[0]
                np.testing.assert_array_equal(line.get_xdata(), small.protocol.lrs)
                np.testing.assert_array_equal(line.get_ydata(), np.median(steps, axis=-1))
        finally:
            plt.close(figure)
    caption = tune_sensitivity_caption(small)
    assert "counts as the budget, 150 steps" in caption
    windows = [
        rate_window(small.protocol.lrs, small.tables[w.optimizer].success[w.momentum_index])
        for w in small.winners
    ]
    if any(windows):
        widest = max(w.decades for w in windows if w is not None)
        assert f"{format_number(widest, 2)} decades" in caption
    else:
        assert "No optimizer finishes half its starts" in caption


# ------------------------------------------------- the tuned experiment in every medium


@pytest.fixture()
def tuned_toml(small, tmp_path: Path) -> Path:
    path = tmp_path / "tuned.toml"
    path.write_text(small.to_toml("tuned-small"), encoding="utf-8")
    return path


def test_figures_config_takes_the_tuned_experiment(tuned_toml: Path, tmp_path: Path) -> None:
    listed = invoke("figures", "--config", tuned_toml, "--list")
    assert listed.exit_code == 0 and "optimizer-paths-tuned-small" in listed.output
    out = tmp_path / "figs"
    result = invoke(
        "figures", "loss-curves-tuned-small", "--config", tuned_toml, "-o", out, "-f", "svg", "-q"
    )
    assert result.exit_code == 0, result.output
    assert (out / "loss-curves-tuned-small.svg").stat().st_size > 0


def test_video_config_takes_the_tuned_experiment(small, tuned_toml: Path, tmp_path: Path) -> None:
    from gdviz import scene_catalogue as catalogue
    from gdviz.tuning import builtin_tuning

    every = tmp_path / "every.toml"  # all twelve: the race draws them, the surface scene cannot
    every.write_text(builtin_tuning().to_toml("every"), encoding="utf-8")
    scenes = {job.scene for job in catalogue.plan(config=every)}
    assert "race" in scenes and "surface" not in scenes
    with pytest.raises(ValueError, match=r"scene 'surface' draws at most 4 runs.*--top 4"):
        catalogue.plan(["surface"], config=every)
    top = tmp_path / "top.toml"
    top.write_text(builtin_tuning().to_toml("top", top=4), encoding="utf-8")
    assert {job.scene for job in catalogue.plan(config=top)} >= {"race", "surface"}
    assert len(load_experiments(top)["top"].runs) == 4

    jobs = {(job.scene, job.stem) for job in catalogue.plan(config=tuned_toml)}
    assert ("race", "race-tuned-small") in jobs
    experiment = catalogue.scene_experiment("race", config=tuned_toml, experiment="tuned-small")
    assert experiment is not None
    assert [r.optimizer for r in experiment.runs] == [w.optimizer for w in small.winners]


# ------------------------------------------------------------------ minibatch seeds


def test_seeds_are_trials_each_equal_to_its_own_minibatch_run(tmp_path: Path) -> None:
    surface = get_landscape("logistic-regression")
    result = tune(
        surface,
        ("adam", "gd"),
        lrs=(0.1, 1.0),
        momenta=(0.9,),
        batch_size=5,
        seeds=range(4),
        steps=60,
    )
    protocol = result.protocol
    assert protocol.seeds == (0, 1, 2, 3) and protocol.starts == surface.starts[:1]
    assert protocol.trials == 4 and protocol.trial_label == "runs"
    table = result.tables["adam"]
    assert table.finish.shape == (1, 2, 4)
    single = descend(
        surface,
        make_optimizer("adam", betas=(0.9, 0.999)),
        surface.starts[0],
        lr=1.0,
        steps=60,
        grad_tol=protocol.grad_tol,
        batch_size=5,
        seed=2,
    )
    line = finish(single, surface, protocol.grad_tol)
    assert table.finish[0, 1, 2] == (line.step if line.step is not None else -1)
    assert table.final_losses[0, 1, 2] == single.final_loss
    path = tmp_path / "seeded.toml"
    path.write_text(result.to_toml("seeded"), encoding="utf-8")
    loaded = load_experiments(path)["seeded"]
    assert (loaded.batch_size, loaded.seed) == (5, 0)
    assert "minibatch   batch size 5, 4 seeds (0 to 3)" in path.read_text()
    with pytest.raises(ValueError, match="seeds need a batch_size"):
        tune(surface, ("gd",), seeds=(0, 1), steps=5)


def test_the_clis_defaults_are_tunes() -> None:
    """`gdviz tune`'s options default to tune()'s constants, and its help states the ones it
    has no option for (the finish line and the gradient tolerance)."""
    import inspect
    import re

    from gdviz.claims import FINISH_GAP
    from gdviz.cli.tune import command
    from gdviz.tuning import (
        BUILTIN_LANDSCAPE,
        DEFAULT_GRAD_TOL,
        DEFAULT_GRID,
        DEFAULT_LRS,
        DEFAULT_STEPS,
    )

    received = command.make_context("tune", []).params
    parameters = inspect.signature(tune).parameters
    assert received["steps"] == parameters["steps"].default == DEFAULT_STEPS
    low, high = received["lr_range"]
    grid = tuple(float(v) for v in np.geomspace(low, high, received["lr_count"]))
    assert grid == parameters["lrs"].default == DEFAULT_LRS
    assert received["momenta"] == () and parameters["momenta"].default == DEFAULT_MOMENTA
    (momentum,) = (p for p in command.params if p.name == "momenta")
    listed = re.search(r"\[default: ([^\]]+)\]", momentum.help or "")
    assert listed and tuple(float(v) for v in listed.group(1).split(",")) == DEFAULT_MOMENTA
    assert received["grid"] == inspect.signature(start_grid).parameters["per_side"].default
    assert received["grid"] == DEFAULT_GRID and parameters["starts"].default is None
    assert received["surface"].name == BUILTIN_LANDSCAPE
    text = " ".join((command.help or "").split())
    stated = re.search(r"L - L\* < (\S+), or a gradient norm below (\S+)\)", text)
    assert stated and float(stated.group(1)) == parameters["gap"].default == FINISH_GAP
    assert float(stated.group(2)) == parameters["grad_tol"].default == DEFAULT_GRAD_TOL
