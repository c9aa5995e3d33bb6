"""Minibatch noise in the page: numpy's random stream and gdviz/batches.py's contract, bit for bit.

``gdvizRandom`` (templates/js/random.js) ports SeedSequence, PCG64 and
``Generator.permutation``; the tests compare its draws with numpy's for many seeds and sizes,
its batch plans with :func:`gdviz.batches.batch_plan`, and minibatch runs of
``window.gdviz.run`` with a numpy loop that applies gdviz's optimizers to the gradients of
``landscape.functions.on_rows`` over the contract's slices.
"""

from __future__ import annotations

import json
import random
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner
from page_helpers import (
    cli_args,
    cli_message,
    record_matrix,
    relative_error,
    run_cli,
    same_bits,
)

from gdviz.batches import batch_plan
from gdviz.cli import cli

SEEDS = (
    *range(40),
    97,
    12345,
    2**31 - 1,
    2**31,
    2**32 - 1,
    2**32,
    2**32 + 7,
    2**40 + 3,
    2**53 - 1,
)
#: Sizes drawn in turn from one generator (so the kept half of a 64-bit draw crosses calls).
SIZES = (1, 2, 3, 5, 7, 8, 9, 16, 17, 30, 31, 64, 100, 255, 256, 257, 1000)


def test_seed_sequence_state_equals_numpy(core: Any) -> None:
    states = core.evaluate(
        "(seeds) => seeds.map((s) => gdvizRandom.generateState(s, 4).map(String))",
        [str(s) for s in SEEDS],
    )
    for seed, state in zip(SEEDS, states, strict=True):
        expected = np.random.SeedSequence(seed).generate_state(4, np.uint64)
        assert [int(v) for v in state] == [int(v) for v in expected], seed


def test_permutations_equal_numpy(core: Any) -> None:
    drawn = core.evaluate(
        """([seeds, sizes]) => seeds.map((s) => {
            const rng = gdvizRandom.defaultRng(s);
            return sizes.map((n) => Array.from(rng.permutation(n)));
        })""",
        [[str(s) for s in SEEDS], list(SIZES)],
    )
    for seed, permutations in zip(SEEDS, drawn, strict=True):
        rng = np.random.default_rng(seed)
        for n, got in zip(SIZES, permutations, strict=True):
            assert got == rng.permutation(n).tolist(), (seed, n)


@pytest.mark.parametrize(
    ("n", "batch_size", "steps"), [(5, 2, 40), (30, 4, 61), (30, 7, 50), (100, 32, 30)]
)
def test_batch_plan_equals_python(core: Any, n: int, batch_size: int, steps: int) -> None:
    for seed in (0, 1, 7, 2026):
        got = core.evaluate(
            """([n, b, seed, steps]) => {
                const plan = gdvizRandom.batchPlan(n, b, seed, steps);
                return { epochs: Array.from(plan.epochs),
                         rows: Array.from({ length: steps }, (_, k) => Array.from(plan.rows(k))) };
            }""",
            [n, batch_size, seed, steps],
        )
        plan = batch_plan(n, batch_size, (seed,), steps)
        assert got["epochs"] == plan.epochs.tolist()
        assert got["rows"] == [r[0].tolist() for r in plan.rows]


def test_full_batch_draws_nothing(core: Any) -> None:
    assert core.evaluate(
        "() => [gdvizRandom.batchPlan(5, null, 1, 9), gdvizRandom.batchPlan(5, 5, 1, 9)]"
    ) == [
        None,
        None,
    ]
    spec = {"landscape": "linear-regression", "optimizer": "sgd", "start": [0, 0], "steps": 20}
    with_seed = core.evaluate(
        "(s) => [gdvizCore.run({...s, batch_size: 5, seed: 3}), gdvizCore.run(s)]", spec
    )
    assert with_seed[0]["records"] == with_seed[1]["records"]
    assert "batches" not in with_seed[0]


# --------------------------------------------------------------------------- runs

RUN_OPTIMIZERS: tuple[tuple[str, dict[str, Any], float], ...] = (
    ("gd", {}, 0.02),
    ("momentum", {}, 0.01),
    ("nesterov", {}, 0.01),
    ("sgd", {"momentum": 0.5, "dampening": 0.1, "weight_decay": 0.01}, 0.02),
    ("adam", {}, 0.05),
    ("adam", {"amsgrad": True, "betas": [0.8, 0.99]}, 0.05),
    ("adamw", {}, 0.05),
    ("rmsprop", {"centered": True, "momentum": 0.3}, 0.01),
    ("adagrad", {"lr_decay": 0.01}, 0.3),
    ("adadelta", {}, 1.0),
    ("adamax", {}, 0.05),
    ("nadam", {}, 0.05),
    ("radam", {}, 0.05),
)


def _cases() -> list[tuple[str, str, dict[str, Any], float, list[float], int, int]]:
    rng = random.Random(20261202)
    cases = []
    for landscape, sizes in (
        ("linear-regression", (1, 2, 3, 4)),
        ("logistic-regression", (1, 4, 7, 16)),
    ):
        for optimizer, params, lr in RUN_OPTIMIZERS:
            start = [round(rng.uniform(-2, 2), 3), round(rng.uniform(-2, 2), 3)]
            cases.append(
                (landscape, optimizer, params, lr, start, rng.choice(sizes), rng.randrange(10**6))
            )
    return cases


def test_minibatch_runs_are_gdviz_runs(core: Any) -> None:
    """Every optimizer on both 2-D data landscapes: the page's document is `gdviz run
    --batch-size B --seed S --format json`'s — records (full-data loss and gradient norm, epoch,
    the slice's loss) and slices — bit for bit on linear regression, to 1e-12 over 50 steps on
    logistic regression (exp, log and tanh round differently in the browser)."""
    cases = _cases()
    specs = [
        {
            "landscape": name,
            "optimizer": opt,
            "params": params,
            "lr": lr,
            "start": start,
            "steps": 60,
            "tol": 0,
            "batch_size": b,
            "seed": seed,
        }
        for name, opt, params, lr, start, b, seed in cases
    ]
    results = core.evaluate(
        "(specs) => specs.map((s) => ({ doc: gdvizCore.run(s), exact: gdvizCore.exactness(s) }))",
        specs,
    )
    exact_runs = 0
    for spec, result in zip(specs, results, strict=True):
        code, output = run_cli(spec)
        assert code == 0, (spec, output)
        expected, doc = json.loads(output), result["doc"]
        assert doc["spec"] == expected["spec"], spec
        assert doc["batches"] == expected["batches"], spec
        assert (doc["status"], doc["steps"]) == (expected["status"], expected["steps"]), spec
        keys = list(expected["records"][0])
        assert list(doc["records"][0]) == keys
        ours, theirs = record_matrix(doc["records"], keys), record_matrix(expected["records"], keys)
        if result["exact"] == "bit":
            assert same_bits(ours, theirs), spec
            exact_runs += 1
        else:
            assert relative_error(ours[:51], theirs[:51]) <= 1e-12, spec
    assert exact_runs >= len(RUN_OPTIMIZERS) - 5  # linear regression: bit for bit where IEEE allows


def test_epochs_and_slices_in_the_document(core: Any) -> None:
    """One slice per record (row k: the slice of update k + 1), in the contract's order."""
    doc = core.evaluate(
        """() => gdvizCore.run({landscape: "linear-regression", optimizer: "sgd", start: [0, 0],
                               steps: 7, lr: 0.01, tol: 0, batch_size: 2, seed: 42})"""
    )
    rng = np.random.default_rng(42)
    first, second, third = rng.permutation(5), rng.permutation(5), rng.permutation(5)
    assert [b["epoch"] for b in doc["batches"]] == [0, 0, 0, 1, 1, 1, 2, 2]
    assert [r["epoch"] for r in doc["records"]] == [0, 0, 0, 1, 1, 1, 2, 2]
    assert [b["indices"] for b in doc["batches"]] == [
        first[:2].tolist(),
        first[2:4].tolist(),
        first[4:].tolist(),
        second[:2].tolist(),
        second[2:4].tolist(),
        second[4:].tolist(),
        third[:2].tolist(),
        third[2:4].tolist(),
    ]


BAD_BATCHES: tuple[dict[str, Any], ...] = (
    {"batch_size": 0},
    {"batch_size": "two"},
    {"batch_size": 2.5},
    {"batch_size": -3},
    {"batch_size": 2, "seed": -1},
    {"batch_size": 2, "seed": "x"},
    {"batch_size": 2, "landscape": "bowl"},
    {"batch_size": 2, "landscape": None, "expr": "x**2 + y**2"},
    {"batch_sze": 2},
    {"sed": 2},
)


@pytest.mark.parametrize("change", BAD_BATCHES)
def test_bad_minibatch_specs_get_the_clis_message(core: Any, change: dict[str, Any]) -> None:
    spec: dict[str, Any] = {"landscape": "linear-regression", "optimizer": "sgd", "start": [0, 0]}
    for key, value in change.items():
        if value is None:
            spec.pop(key)
        else:
            spec[key] = value
    error = core.evaluate(
        "(s) => { try { gdvizCore.run(s); return null; } catch (e) { return e.message; } }", spec
    )
    typo = {k: v for k, v in spec.items() if k in ("batch_sze", "sed")}
    args = cli_args({k: v for k, v in spec.items() if k not in typo})
    args[1:1] = [f"--{key.replace('_', '-')}={value}" for key, value in typo.items()]
    outcome = CliRunner().invoke(cli, args)
    assert outcome.exit_code == 2, outcome.output
    assert error == cli_message(outcome.output)


def test_seeds_beyond_the_pages_integers_are_refused(core: Any) -> None:
    spec = {"landscape": "linear-regression", "optimizer": "sgd", "start": [0, 0]}
    error = core.evaluate(
        "(s) => { try { gdvizCore.run(s); return null; } catch (e) { return e.message; } }",
        {**spec, "batch_size": 2, "seed": str(2**60)},
    )
    assert error == (
        "Invalid value for '--seed': 1152921504606846976 is beyond the page's whole numbers"
        " (at most 2**53 - 1)"
    )
