"""Minibatch noise in the page: numpy's random stream and gdviz/batches.py's contract, bit for bit.

``gdvizRandom`` (templates/js/random.js) ports SeedSequence, PCG64 and
``Generator.permutation``; the tests compare its draws with numpy's for many seeds and sizes,
its batch plans with :func:`gdviz.batches.batch_plan`, and minibatch runs of
``window.gdviz.run`` with a numpy loop that applies gdviz's optimizers to the gradients of
``landscape.functions.on_rows`` over the contract's slices.
"""

from __future__ import annotations

import random
from typing import Any

import numpy as np
import pytest
from page_helpers import load_core, minibatch_reference, relative_error, same_bits

from gdviz.batches import batch_plan

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


@pytest.fixture(scope="module")
def core(browser: Any) -> Any:
    context = browser.new_context()
    page = load_core(context.new_page())
    yield page
    context.close()


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


def test_minibatch_runs_equal_the_contract(core: Any) -> None:
    cases = _cases()
    steps = 60
    specs = [
        {
            "landscape": name,
            "optimizer": opt,
            "params": params,
            "lr": lr,
            "start": start,
            "steps": steps,
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
    for (name, opt, params, lr, start, b, seed), result in zip(cases, results, strict=True):
        doc, where = result["doc"], f"{name} {opt} {params} b={b} seed={seed}"
        ref = minibatch_reference(name, opt, params, lr, start, steps, b, seed)
        assert doc["status"] == "max_steps", where
        assert [batch["rows"] for batch in doc["batches"]] == [r.tolist() for r in ref["rows"]], (
            where
        )
        assert doc["spec"]["batch_size"] == b and doc["spec"]["seed"] == seed
        page = {
            "points": np.array([[r["w"], r["b"]] for r in doc["records"]]),
            "losses": np.array([r["loss"] for r in doc["records"]]),
            "norms": np.array([r["grad_norm"] for r in doc["records"]]),
            "batch_losses": np.array([r["batch_loss"] for r in doc["records"][1:]]),
        }
        assert doc["records"][0]["batch_loss"] is None
        for key, values in page.items():
            if result["exact"] == "bit":
                assert same_bits(values, ref[key]), (where, key)
            else:
                assert relative_error(values[:51], ref[key][:51]) <= 1e-12, (where, key)
        exact_runs += result["exact"] == "bit"
    assert exact_runs >= len(RUN_OPTIMIZERS) - 5  # linear regression: bit for bit where IEEE allows


def test_epochs_and_slices_in_the_document(core: Any) -> None:
    doc = core.evaluate(
        """() => gdvizCore.run({landscape: "linear-regression", optimizer: "sgd", start: [0, 0],
                               steps: 7, lr: 0.01, tol: 0, batch_size: 2, seed: 42})"""
    )
    rng = np.random.default_rng(42)
    first, second, third = rng.permutation(5), rng.permutation(5), rng.permutation(5)
    assert [b["epoch"] for b in doc["batches"]] == [0, 0, 0, 1, 1, 1, 2]
    assert [b["rows"] for b in doc["batches"]] == [
        first[:2].tolist(),
        first[2:4].tolist(),
        first[4:].tolist(),
        second[:2].tolist(),
        second[2:4].tolist(),
        second[4:].tolist(),
        third[:2].tolist(),
    ]
    assert [b["step"] for b in doc["batches"]] == list(range(1, 8))


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"batch_size": 0}, "Invalid value for '--batch-size': 0 is not in the range x>=1."),
        ({"batch_size": "two"}, "Invalid value for '--batch-size': 'two' is not a valid integer."),
        ({"batch_size": 2.5}, "Invalid value for '--batch-size': '2.5' is not a valid integer."),
        ({"batch_size": 2, "seed": -1}, "Invalid value for '--seed': -1 is not in the range x>=0."),
        (
            {"batch_size": 2, "seed": 2**60},
            "Invalid value for '--seed': 1152921504606846976 is beyond the page's",
        ),
        (
            {"batch_size": 2, "landscape": "bowl"},
            "Invalid value for '--batch-size': bowl is not a data landscape",
        ),
    ],
)
def test_bad_minibatch_specs(core: Any, extra: dict[str, Any], message: str) -> None:
    spec: dict[str, Any] = {
        "landscape": "linear-regression",
        "optimizer": "sgd",
        "start": [0, 0],
    } | extra
    if "seed" in extra and isinstance(extra["seed"], int) and extra["seed"] > 2**53:
        spec["seed"] = str(extra["seed"])
    error = core.evaluate(
        "(s) => { try { gdvizCore.run(s); return null; } catch (e) { return e.message; } }", spec
    )
    assert error is not None and error.startswith(message), error
