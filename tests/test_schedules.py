"""gdviz.schedules: torch lr_scheduler sequences bit for bit, batching, parsing, validation.

Reference sequences come from ``tests/reference/torch_reference.json`` (torch 2.13, recorded by
``tests/reference/record_torch.py``): the lr in effect for each ``optimizer.step()``, the
scheduler stepped after it. Schedules involve only Python-float recursions, so they match
exactly (no tolerance).
"""

from __future__ import annotations

import copy
import json
import pickle
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gdviz.schedules import (
    SCHEDULES,
    Schedule,
    describe,
    make_schedule,
    parse_schedule,
    schedule_names,
)

REFERENCE = json.loads((Path(__file__).parent / "reference" / "torch_reference.json").read_text())[
    "schedules"
]


def _id(index: int) -> str:
    item = REFERENCE[index]
    params = ",".join(f"{k}={v}" for k, v in item["params"].items())
    return f"{item['kind']}:{params}-lr0={item['lr0']}"


@pytest.mark.parametrize("index", range(len(REFERENCE)), ids=_id)
def test_matches_torch_bit_for_bit(index: int) -> None:
    item = REFERENCE[index]
    schedule = make_schedule(item["kind"], **item["params"])
    lrs = schedule.learning_rates(item["lr0"], len(item["lrs"]))
    assert len(item["lrs"]) >= 60
    np.testing.assert_array_equal(lrs, np.array(item["lrs"]))


def test_reference_covers_every_kind() -> None:
    assert {item["kind"] for item in REFERENCE} == set(SCHEDULES)
    assert {item["torch"] for item in REFERENCE} >= {
        "ExponentialLR",
        "StepLR",
        "CosineAnnealingLR",
        "LinearLR",
        "LambdaLR",
    }


@pytest.mark.parametrize("index", range(0, len(REFERENCE), 4), ids=lambda i: _id(i))
def test_batch_of_rates_equals_scalar_runs(index: int) -> None:
    item = REFERENCE[index]
    schedule = make_schedule(item["kind"], **item["params"])
    lr0 = np.array([[0.1, 0.03], [1.0, 0.0123]])
    batch = schedule.learning_rates(lr0, 80)
    assert batch.shape == (80, 2, 2)
    for i in range(2):
        for j in range(2):
            single = schedule.learning_rates(float(lr0[i, j]), 80)
            assert np.array_equal(batch[:, i, j], single)


def test_exponential_is_the_recursion_of_the_seed() -> None:
    schedule = parse_schedule("exponential:gamma=0.99")
    lrs = schedule.learning_rates(0.1, 200)
    learning_rate = 0.1
    seed = []
    for _ in range(200):
        seed.append(learning_rate)
        learning_rate = learning_rate * 0.99
    np.testing.assert_array_equal(lrs, np.array(seed))
    closed_form = 0.1 * 0.99 ** np.arange(200)
    assert not np.array_equal(lrs, closed_form)  # the recursion, not lr0 * gamma**k
    np.testing.assert_allclose(lrs, closed_form, rtol=1e-13)


def test_first_element_is_lr0_except_warmup() -> None:
    for kind, params in (
        ("constant", {}),
        ("exponential", {"gamma": 0.5}),
        ("step", {"step_size": 3}),
        ("cosine", {"T_max": 10}),
        ("inverse-time", {"decay_rate": 2.0}),
    ):
        lrs = make_schedule(kind, **params).learning_rates(0.25, 5)
        assert lrs[0] == 0.25, kind
    warmup = make_schedule("warmup", start_factor=0.5, total_iters=4).learning_rates(0.2, 8)
    assert warmup[0] == 0.1
    np.testing.assert_allclose(warmup, [0.1, 0.125, 0.15, 0.175, 0.2, 0.2, 0.2, 0.2], rtol=1e-15)


def test_shapes_and_values() -> None:
    schedule = make_schedule("step", step_size=2, gamma=0.5)
    assert schedule.learning_rates(1.0, 0).shape == (0,)
    np.testing.assert_array_equal(schedule.learning_rates(1.0, 6), [1, 1, 0.5, 0.5, 0.25, 0.25])
    assert schedule.learning_rates(np.ones((3, 1)), 4).shape == (4, 3, 1)
    cosine = make_schedule("cosine", T_max=4, eta_min=0.0).learning_rates(1.0, 9)
    np.testing.assert_allclose(cosine[:5], 0.5 * (1 + np.cos(np.pi * np.arange(5) / 4)), atol=1e-15)
    inverse = make_schedule("inverse-time", decay_rate=1.0, decay_steps=2).learning_rates(1.0, 3)
    np.testing.assert_allclose(inverse, [1.0, 1 / 1.5, 0.5], rtol=1e-15)
    assert np.all(make_schedule("constant").learning_rates(0.3, 5) == 0.3)


@settings(max_examples=60, deadline=None)
@given(
    kind=st.sampled_from(
        [
            ("exponential", {"gamma": st.floats(0.5, 1.0)}),
            ("step", {"step_size": st.integers(1, 9), "gamma": st.floats(0.01, 1.0)}),
            ("cosine", {"T_max": st.integers(1, 30), "eta_min": st.floats(0, 1e-3)}),
            ("inverse-time", {"decay_rate": st.floats(0, 5), "decay_steps": st.floats(0.5, 50)}),
            (
                "warmup",
                {
                    "start_factor": st.floats(0.01, 1.0),
                    "end_factor": st.floats(0, 1),
                    "total_iters": st.integers(1, 20),
                },
            ),
        ]
    ),
    data=st.data(),
    lr0=st.lists(st.floats(0, 10), min_size=1, max_size=4),
)
def test_property_batch_equals_scalar(kind: Any, data: st.DataObject, lr0: list[float]) -> None:
    name, strategies = kind
    params = {key: data.draw(strategy) for key, strategy in strategies.items()}
    schedule = make_schedule(name, **params)
    batch = schedule.learning_rates(np.array(lr0), 50)
    for i, rate in enumerate(lr0):
        assert np.array_equal(batch[:, i], schedule.learning_rates(rate, 50), equal_nan=True)
    assert parse_schedule(str(schedule)) == schedule


@pytest.mark.parametrize(
    ("text", "kind", "params"),
    [
        ("constant", "constant", {}),
        ("exponential:gamma=0.99", "exponential", {"gamma": 0.99}),
        ("step:step_size=50,gamma=0.5", "step", {"step_size": 50, "gamma": 0.5}),
        ("step:step_size=50", "step", {"step_size": 50, "gamma": 0.1}),
        ("cosine:T_max=100,eta_min=0.001", "cosine", {"T_max": 100, "eta_min": 0.001}),
        (" Cosine : T_max = 100 ", "cosine", {"T_max": 100, "eta_min": 0.0}),
        ("inverse-time:decay_rate=0.5", "inverse-time", {"decay_rate": 0.5, "decay_steps": 1.0}),
        (
            "warmup",
            "warmup",
            {"start_factor": 1 / 3, "end_factor": 1.0, "total_iters": 5},
        ),
        (
            "warmup:total_iters=10.0",
            "warmup",
            {"start_factor": 1 / 3, "end_factor": 1.0, "total_iters": 10},
        ),
    ],
)
def test_parse_schedule(text: str, kind: str, params: dict[str, Any]) -> None:
    schedule = parse_schedule(text)
    assert schedule.kind == kind and dict(schedule.params) == params
    assert parse_schedule(str(schedule)) == schedule
    assert make_schedule(kind, **params) == schedule
    assert hash(make_schedule(kind, **params)) == hash(schedule)
    if "step_size" in params:
        assert type(schedule.params["step_size"]) is int


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("", "kind[:key=value"),
        ("exp:gamma=0.9", "did you mean 'exponential'"),
        ("cosinus:T_max=3", "did you mean 'cosine'"),
        ("linear", "choose from: constant, exponential"),
        ("exponential", "needs gamma"),
        ("exponential:", "nothing after"),
        ("exponential:gamma", "'gamma'"),
        ("exponential:gamma=", "'gamma='"),
        ("exponential:gamma=abc", "'abc'"),
        ("exponential:gama=0.9", "did you mean 'gamma'"),
        ("exponential:gamma=0.9,gamma=0.8", "gamma given twice"),
        ("exponential:gamma=1.5", "1.5"),
        ("exponential:gamma=0", "gamma"),
        ("exponential:gamma=nan", "nan"),
        ("step:step_size=2.5", "2.5"),
        ("step:step_size=0", "step_size"),
        ("step:gamma=0.5", "needs step_size"),
        ("cosine:T_max=0", "T_max"),
        ("cosine:T_max=10,eta_min=-1", "-1.0"),
        ("warmup:start_factor=0", "start_factor"),
        ("warmup:end_factor=2", "2.0"),
        ("warmup:total_iters=0", "total_iters"),
        ("inverse-time:decay_rate=-1", "-1.0"),
        ("inverse-time:decay_rate=1,decay_steps=0", "decay_steps"),
        ("constant:x=1", "valid: none"),
    ],
)
def test_parse_errors_are_one_line(text: str, shown: str) -> None:
    with pytest.raises(ValueError) as excinfo:
        parse_schedule(text)
    message = str(excinfo.value)
    assert shown in message and "\n" not in message


def test_make_schedule_validation() -> None:
    with pytest.raises(ValueError, match="gamma"):
        make_schedule("exponential", gamma=True)
    with pytest.raises(ValueError, match=r"'0\.5'"):
        make_schedule("exponential", gamma="0.5")
    with pytest.raises(ValueError, match="unknown schedule"):
        make_schedule("nope")
    with pytest.raises(ValueError, match="steps"):
        make_schedule("constant").learning_rates(0.1, -1)
    with pytest.raises(ValueError, match="learning rate"):
        make_schedule("constant").learning_rates(-0.1, 3)
    with pytest.raises(ValueError, match="learning rate"):
        make_schedule("constant").learning_rates(np.array([0.1, np.inf]), 3)
    assert isinstance(make_schedule("exponential", gamma=1), Schedule)


def test_registry_and_descriptions() -> None:
    assert schedule_names() == [
        "constant",
        "exponential",
        "step",
        "cosine",
        "inverse-time",
        "warmup",
    ]
    for kind in SCHEDULES:
        line = describe(kind)
        assert line.startswith(kind) and "\n" not in line
    assert "ExponentialLR" in describe("exponential") and "gamma" in describe("exponential")
    assert "LinearLR" in describe("warmup") and "total_iters=5" in describe("warmup")
    with pytest.raises(ValueError, match="did you mean 'step'"):
        describe("stpe")
    assert repr(parse_schedule("exponential:gamma=0.99")) == "Schedule('exponential:gamma=0.99')"
    schedule = parse_schedule("cosine:T_max=10,eta_min=0.01")
    assert pickle.loads(pickle.dumps(schedule)) == schedule == copy.deepcopy(schedule)
