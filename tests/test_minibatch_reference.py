"""gdviz's minibatch runs against torch's replays (``tests/reference/record_minibatch.py``).

Point for point to the recorded ``rtol`` (``‖gdviz_k − torch_k‖∞ ≤ rtol · ‖torch_k‖∞``), up to
each case's ``horizon``: the last step at which torch still agrees with its own run from a start
one ulp away (recorded with the points).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from gdviz.descent import descend
from gdviz.landscapes import get_landscape
from gdviz.optimizers import make_optimizer

REFERENCE = json.loads(
    (Path(__file__).parent / "reference" / "minibatch_reference.json").read_text()
)
CASES = REFERENCE["cases"]


def test_every_problem_and_both_optimizers_are_recorded() -> None:
    recorded = {(case["landscape"], case["optimizer"]) for case in CASES}
    problems = ("linear-regression", "least-squares", "logistic-regression", "mlp-moons")
    assert recorded == {(name, opt) for name in problems for opt in ("sgd", "adam")}
    for case in CASES:  # long enough to mean something, every batch a real minibatch
        assert case["horizon"] >= 100
        assert case["batch_size"] < get_landscape(case["landscape"]).data.n


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c['landscape']}-{c['optimizer']}")
def test_minibatch_runs_equal_torch_point_for_point(case: dict) -> None:
    horizon = case["horizon"]
    run = descend(
        get_landscape(case["landscape"]),
        make_optimizer(case["optimizer"]),
        case["start"],
        lr=case["lr"],
        steps=horizon,
        grad_tol=0.0,
        batch_size=case["batch_size"],
        seed=case["seed"],
    )
    torch_points = np.array(case["points"])
    assert run.points.shape == torch_points.shape
    error = np.max(np.abs(run.points - torch_points), axis=1)
    scale = np.max(np.abs(torch_points), axis=1)
    worst = int(np.argmax(error / scale))
    assert np.all(error <= REFERENCE["rtol"] * scale), (
        f"step {worst}: relative error {error[worst] / scale[worst]:.3g}"
    )
