"""The claims the videos, figures and report make, checked against the runs they describe."""

from __future__ import annotations

import numpy as np
import pytest

from gdviz import claims
from gdviz.experiments import get_experiment


def runs(name: str):
    return get_experiment(name).run().by_run()


def test_seed_001_rates_on_x_squared():
    """0.01 too small, 0.1 converges, 0.9 zig-zags at 0.1's rate (|1 − 2η| = 0.8), 1.1 diverges."""
    verdicts = {run.lr: claims.verdict(t, 0.0) for run, t in runs("learning-rates")}
    assert {lr: v.label for lr, v in verdicts.items()} == {
        0.01: "too small",
        0.1: "converges",
        0.9: "zig-zags",
        1.1: "diverges",
    }
    for lr, judged in verdicts.items():
        assert judged.rate == pytest.approx(abs(1 - 2 * lr), rel=1e-12)
    assert claims.same_rate(verdicts[0.1], verdicts[0.9])
    assert not claims.same_rate(verdicts[0.01], verdicts[0.1])
    assert verdicts[0.9].converges and not verdicts[1.1].converges


def test_the_figures_use_the_same_words():
    from gdviz.figures.data import behaviour

    for _, t in runs("learning-rates"):
        assert behaviour(t, 0.0) == claims.verdict(t, 0.0).label


def test_zig_zag_rates_per_coordinate_on_the_valley():
    run, t = next((r, t) for r, t in runs("race-valley") if r.optimizer == "sgd")
    rates = claims.coordinate_rates(t, (0.0, 0.0))
    # x² + 10y²: GD multiplies x by 1 − 2η and y by 1 − 20η each step
    assert rates == pytest.approx([1 - 2 * run.lr, 1 - 20 * run.lr], rel=1e-9)
    step = claims.reached(t, (0.0, 0.0))
    distances = np.linalg.norm(t.points, axis=1)
    assert distances[step] <= 0.01 * distances[0] < distances[step - 1]
    valley = get_experiment("race-valley").surface
    assert claims.curvature_ratio(valley, (0.0, 0.0)) == pytest.approx(10.0)  # 20 / 2
    saddle = get_experiment("saddle").surface
    assert claims.curvature_ratio(saddle, (0.0, 0.0)) == float("inf")


def test_decay_rescues_a_rate_that_starts_above_the_stability_limit():
    experiment = get_experiment("linear-regression")
    by_rate = {(r.lr, r.schedule is not None): t for r, t in experiment.run().by_run()}
    limit = claims.stability_limit(experiment.surface, experiment.starts[0])
    hessian = experiment.surface.hessian(np.zeros(2))
    assert limit == pytest.approx(2 / np.linalg.eigvalsh(hessian).max())
    constant = by_rate[0.5, False]
    assert constant.status == "diverged" and constant.steps == 3
    decayed = by_rate[0.1, True]
    assert decayed.lrs[0] > limit
    peak = int(np.argmax(decayed.losses))
    assert decayed.losses[peak] == pytest.approx(1589, rel=1e-3) and peak == 17
    assert claims.first_below(decayed.lrs, limit) == 17
    assert decayed.losses[-1] < by_rate[0.01, False].losses[-1]


def test_race_finish_lines_and_order():
    experiment = get_experiment("race-rosenbrock")
    results = experiment.run().by_run()
    finishes = [claims.finish(t, experiment.surface, experiment.grad_tol) for _, t in results]
    for (_, t), done in zip(results, finishes, strict=True):
        gaps = t.losses - 0.0
        if done.step is None:
            assert np.all(gaps >= claims.FINISH_GAP) and t.status != "converged"
        else:
            assert gaps[done.step] < claims.FINISH_GAP <= np.min(gaps[: done.step], initial=np.inf)
    order = claims.race_order(finishes, [t.losses[-1] for _, t in results])
    names = [results[i][0].optimizer for i in order]
    assert names[:2] == ["adam", "momentum"]  # the two that finish, by finish step
    assert finishes[order[0]].step < finishes[order[1]].step


def test_without_known_minima_only_convergence_finishes():
    from gdviz.descent import descend
    from gdviz.landscapes import from_expression
    from gdviz.optimizers import make_optimizer

    surface = from_expression("x**2 + 3*sin(y)")
    t = descend(surface, make_optimizer("adam"), [-2.0, 1.5], lr=0.1, steps=400, grad_tol=1e-6)
    done = claims.finish(t, surface, 1e-6)
    assert "no known minimum" in done.rule and not done.known_minimum
    assert done.step == (t.steps if t.status == "converged" else None)
    assert claims.valley_reached(t, surface) is None


def test_saddle_gd_stalls_and_momentum_escapes_sooner():
    experiment = get_experiment("saddle")
    passages = {
        r.optimizer: claims.saddle_passage(
            t, experiment.surface.saddles[0], experiment.surface.bounds
        )
        for r, t in experiment.run().by_run()
    }
    assert passages["gd"].label == "stalls" and passages["momentum"].label == "escapes"
    assert passages["momentum"].escaped_at < passages["gd"].escaped_at
    assert passages["gd"].near > passages["momentum"].near


def test_the_hiker_always_goes_downhill_in_shorter_steps():
    experiment = get_experiment("descent-path")
    ((_, t),) = experiment.run().by_run()
    facts = claims.descent_facts(t, experiment.surface)
    assert facts.downhill and facts.shrinking and facts.lowest_known == 5.0


@pytest.mark.parametrize("name", ["race-valley", "race-rosenbrock", "momentum"])
def test_replayed_states_are_the_cores_own(name):
    experiment = get_experiment(name)
    for run, t in experiment.run().by_run():
        states = claims.optimizer_states(run, t, experiment.surface)
        assert len(states) == t.steps
        for s, point, following in zip(states, t.points, t.points[1:], strict=False):
            np.testing.assert_array_equal(s.point, point)
            np.testing.assert_array_equal(s.new_point, following)
            np.testing.assert_array_equal(s.grad, experiment.surface.gradient(point))
        if run.optimizer == "adam":
            assert set(states[0].state) == {"exp_avg", "exp_avg_sq"}
            np.testing.assert_allclose(states[0].state["exp_avg"], 0.1 * states[0].grad)


def test_a_replay_that_leaves_the_trajectory_raises():
    experiment = get_experiment("race-valley")
    run, t = experiment.run().by_run()[1]
    other = experiment.run().by_run()[0][0]  # replay SGD's rule on Momentum's path
    with pytest.raises(RuntimeError, match="left the trajectory"):
        claims.optimizer_states(other, t, experiment.surface)
    del run


def test_rmsprop_and_adam_even_out_the_steps_gradient_descent_does_not():
    experiment = get_experiment("race-valley")
    balances = {
        r.optimizer: claims.step_balance(claims.optimizer_states(r, t, experiment.surface))
        for r, t in experiment.run().by_run()
    }
    # on x² + 10y² from (−2.6, 1.4) the gradient is 3–5× steeper along y than along x
    for balance in balances.values():
        assert (balance.steep, balance.flat) == (1, 0)
        assert balance.gradient > 3
    gd = balances["sgd"]
    assert gd.step == pytest.approx(gd.gradient) and not gd.evened
    for name in ("rmsprop", "adam"):
        assert balances[name].evened and balances[name].step == pytest.approx(1.0, abs=0.05)
    one_d = get_experiment("descent-path")
    ((run, t),) = one_d.run().by_run()
    assert claims.step_balance(claims.optimizer_states(run, t, one_d.surface)) is None


def test_the_noise_scenes_experiment_has_a_floor_that_its_decay_removes():
    import dataclasses

    experiment = get_experiment("minibatch-noise")
    assert experiment.batch_size == 1 and len(experiment.seeds) == 6
    result = experiment.run()
    constant, decayed = result.seed_runs(0, 0), result.seed_runs(1, 0)
    floor = claims.noise_floor(constant, decayed, claims.lowest_loss(experiment.surface))
    assert floor.label == "removes" and floor.floor > 0.1 > floor.decayed_final
    fulls = dataclasses.replace(experiment, batch_size=None, seed=0).run().by_run()
    spread, settled = (
        claims.seed_spread(constant, fulls[0][1]),
        claims.seed_spread(decayed, fulls[1][1]),
    )
    assert settled.distance < 0.5 * spread.distance


def test_minibatch_states_replay_each_steps_sample():
    experiment = get_experiment("minibatch-noise")
    run, trajectory = experiment.runs[0], experiment.run().seed_runs(0, 0)[2]
    states = claims.optimizer_states(run, trajectory, experiment.surface)
    for s, rows in zip(states, trajectory.batches, strict=False):
        np.testing.assert_array_equal(s.grad, experiment.surface.minibatch(s.point, rows)[1])
