"""The update cards' Typst lines and their plain-text captions."""

from __future__ import annotations

import numpy as np

from gdviz.animation.equations import caption_of, step_lines, step_summary
from gdviz.claims import optimizer_states
from gdviz.experiments import get_experiment


def test_captions_spell_whole_symbol_names_one_line_each():
    lines = ["theta_1 = theta_0 - eta thin nabla L(theta_0)", "m_t = beta_1 m_(t-1)"]
    assert caption_of(lines) == "θ_1 = θ_0 - η ∇ L(θ_0)\nm_t = β_1 m_(t-1)"
    assert caption_of(["hat(m) \\/ sqrt(hat(v)) = 1"]) == "m̂ / √(v̂) = 1"
    assert caption_of(["betas = meta"]) == "betas = meta"  # not a symbol's name


def test_adams_card_reads_the_cores_numbers():
    experiment = get_experiment("race-valley")
    run, trajectory = next((r, t) for r, t in experiment.run().by_run() if r.optimizer == "adam")
    state = optimizer_states(run, trajectory, experiment.surface)[0]
    lines = step_lines(run.optimizer, dict(run.make_optimizer().hyperparams), state)
    caption = caption_of(lines)
    assert len(caption.splitlines()) == len(lines) <= 6
    assert "thη" not in caption and "bη" not in caption
    # the first step of Adam moves each coordinate by η (m̂/√v̂ = sign of the gradient)
    np.testing.assert_allclose(np.abs(state.new_point - state.point), run.lr, rtol=1e-6)


def test_momentums_card_shows_round_off_as_zero():
    """On race-valley Momentum's second step lands on y = 0 up to rounding (−1.1e−16); the
    cards say 0, not a power of ten the exact arithmetic does not have."""
    experiment = get_experiment("race-valley")
    run, trajectory = next(
        (r, t) for r, t in experiment.run().by_run() if r.optimizer == "momentum"
    )
    states = optimizer_states(run, trajectory, experiment.surface)
    assert 0 < abs(states[1].new_point[1]) < 1e-15  # the core's float64 value
    hyper = dict(run.make_optimizer().hyperparams)
    for state in states[1:3]:
        text = "\n".join(step_lines(run.optimizer, hyper, state))
        assert "10^(-1" not in text, text
    assert "= (-2.30, 0)" in "\n".join(step_lines(run.optimizer, hyper, states[1]))


def test_summaries_show_each_optimizers_state_with_the_cores_numbers():
    """The race's first-steps card: Momentum's velocity, RMSprop's √v, Adam's m, v and m̂/√v̂
    (seed 003 on race-valley, step 1: g = (−5.2, 28))."""
    experiment = get_experiment("race-valley")
    lines = {}
    for run, trajectory in experiment.run().by_run():
        state = optimizer_states(run, trajectory, experiment.surface)[0]
        lines[run.optimizer] = step_summary(
            run.optimizer, dict(run.make_optimizer().hyperparams), state
        )
    assert lines["momentum"][0] == "b_1 = (-5.20, 28.0)"
    assert lines["rmsprop"][0].startswith("sqrt(v_1) = ")
    # Adam: m = 0.1 g, v = 0.001 g², so m̂/√v̂ is the gradient's sign and the step is η
    assert lines["adam"] == (
        "m_1 = (-0.520, 2.80)",
        "v_1 = (0.0270, 0.784)",
        "hat(m) \\/ sqrt(hat(v)) = (-1.00, 1.00)",
        "theta_1 = (-2.40, 1.20)",
    )
