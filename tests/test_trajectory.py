"""Trajectory save/load round trips and the CSV/JSON contract."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest

from gdviz.descent import descend
from gdviz.landscapes import get_landscape
from gdviz.optimizers import make_optimizer
from gdviz.schedules import parse_schedule
from gdviz.trajectory import Trajectory, load_trajectory


@pytest.fixture(scope="module")
def run() -> Trajectory:
    result = descend(
        get_landscape("rosenbrock"),
        make_optimizer("adam", betas=(0.8, 0.99)),
        [-1.5, 2.0],
        lr=0.01,
        steps=25,
        schedule=parse_schedule("cosine:T_max=20,eta_min=0.001"),
    )
    assert isinstance(result, Trajectory)
    return result


@pytest.mark.parametrize("fmt", ["csv", "json", "npz"])
def test_round_trip_is_bit_exact(run: Trajectory, fmt: str, tmp_path: Path) -> None:
    path = run.save(tmp_path / f"run.{fmt}")
    loaded = load_trajectory(path)
    assert loaded.variables == ("x", "y")
    for name in ("points", "losses", "grad_norms", "lrs"):
        np.testing.assert_array_equal(getattr(loaded, name), getattr(run, name))
    if fmt == "csv":
        assert loaded.spec is None and loaded.status == "unknown"
    else:
        assert loaded.spec == run.spec and loaded.status == run.status


def test_csv_header_and_rows(run: Trajectory) -> None:
    rows = list(csv.reader(run.to_csv().splitlines()))
    assert rows[0] == ["step", "x", "y", "loss", "grad_norm", "lr"]
    assert len(rows) == run.steps + 2
    assert rows[1][:3] == ["0", "-1.5", "2.0"]
    assert [int(r[0]) for r in rows[1:]] == list(range(run.steps + 1))


def test_regression_csv_names_its_variables_w_and_b() -> None:
    result = descend(
        get_landscape("linear-regression"), make_optimizer("gd"), [0.5, 0.0], lr=0.01, steps=2
    )
    assert isinstance(result, Trajectory)
    assert result.to_csv().splitlines()[0] == "step,w,b,loss,grad_norm,lr"


def test_json_has_spec_status_and_records(run: Trajectory) -> None:
    document = json.loads(run.to_json())
    assert document["status"] == "max_steps"
    assert document["spec"]["optimizer"] == "adam"
    assert document["spec"]["hyperparams"]["betas"] == [0.8, 0.99]
    assert document["spec"]["schedule"].startswith("cosine")
    assert len(document["records"]) == run.steps + 1
    assert document["records"][3]["x"] == run.points[3, 0]


def test_trajectory_arrays_are_read_only(run: Trajectory) -> None:
    with pytest.raises(ValueError):
        run.points[0, 0] = 1.0


def test_unknown_format_and_bad_csv(tmp_path: Path, run: Trajectory) -> None:
    with pytest.raises(ValueError, match="format"):
        run.save(tmp_path / "run.txt")
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n")
    with pytest.raises(ValueError, match="not a gdviz trajectory"):
        load_trajectory(bad)
    assert not list(tmp_path.glob(".*.tmp"))
