"""The fused loop (gdviz.fused) computes what the numpy loop computes, bit for bit.

Each case runs one batch twice — ``Engine(fused=True)`` and ``Engine(fused=False)`` — and
compares every output array with ``np.array_equal``. The batches mix elements that run all
their steps, converge on the gradient norm or the loss change, and diverge (runaway loss or an
overflowing point), with per-element rates, schedules, several blocks on two threads and a
short last tile.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from gdviz import fused
from gdviz.descent import TrajectoryBatch, descend
from gdviz.engine import Engine
from gdviz.landscapes import get_landscape
from gdviz.optimizers import Optimizer, make_optimizer, optimizer_names
from gdviz.schedules import make_schedule

pytest.importorskip("numba")

FUSED = Engine(threads=2, block_rows=160, fused=True)  # 300 rows: 2 blocks, a short tile
NUMPY = Engine(threads=1, fused=False)
FIELDS = ("status", "stop_step", "final_points", "final_losses")
PATH_FIELDS = ("points", "losses", "grad_norms", "lrs")

#: Hyperparameter variants beside each optimizer's defaults: every branch of every rule.
VARIANTS: list[tuple[str, dict[str, object]]] = [
    *((name, {}) for name in optimizer_names()),
    ("sgd", {"momentum": 0.5, "dampening": 0.3, "weight_decay": 0.1}),
    ("adam", {"amsgrad": True, "weight_decay": 0.05}),
    ("adam", {"decoupled_weight_decay": True, "weight_decay": 0.05}),
    ("rmsprop", {"centered": True, "momentum": 0.9}),
    ("adagrad", {"lr_decay": 0.01, "initial_accumulator_value": 0.1}),
    ("nadam", {"decoupled_weight_decay": True, "weight_decay": 0.1}),
    ("radam", {"weight_decay": 0.1}),
]


def starts(n: int, d: int, seed: int = 0) -> np.ndarray:
    """Uniform in [-3, 3]^d, every fifth start within 1e-3 of Rosenbrock's minimum (1, 1)."""
    rng = np.random.default_rng(seed)
    points = rng.uniform(-3.0, 3.0, size=(n, d))
    points[::5] = 1.0 + rng.uniform(-1e-3, 1e-3, size=(len(points[::5]), d))
    return points


def assert_same(landscape: str, optimizer: Optimizer, points: np.ndarray, **kw: Any) -> None:
    """Run fused and numpy; every output (and the path with keep="path") is equal."""
    land = get_landscape(landscape)
    a = descend(land, optimizer, points, engine=FUSED, **kw)
    b = descend(land, optimizer, points, engine=NUMPY, **kw)
    assert isinstance(a, TrajectoryBatch) and isinstance(b, TrajectoryBatch)
    for name in FIELDS + (PATH_FIELDS if kw.get("keep", "path") == "path" else ()):
        x, y = getattr(a, name), getattr(b, name)
        assert np.array_equal(x, y), f"{name} differs: max |Δ| {np.max(np.abs(x - y))}"


@pytest.mark.parametrize(("name", "hp"), VARIANTS, ids=lambda v: str(v))
def test_every_rule_and_branch_gives_the_numpy_loops_bits(name: str, hp: dict[str, Any]) -> None:
    lr = np.geomspace(1e-4, 3.0, 300)  # the big rates overflow or run away
    optimizer = make_optimizer(name, **hp)
    assert_same("rosenbrock", optimizer, starts(300, 2), lr=lr, steps=60, grad_tol=1e-3)


def test_the_batches_cover_every_way_of_stopping() -> None:
    """The cases above are not all one status: runs converge, diverge and run out of steps."""
    a = descend(
        get_landscape("rosenbrock"),
        make_optimizer("gd"),
        starts(300, 2),
        lr=np.geomspace(1e-4, 3.0, 300),
        steps=60,
        grad_tol=1e-3,
        keep="final",
        engine=FUSED,
    )
    assert set(np.unique(a.status)) == {"converged", "diverged", "max_steps"}
    assert np.any((a.status == "converged") & (a.stop_step > 0))  # during the run, too


@pytest.mark.parametrize("landscape", ["parabola", "saddle", "beale", "himmelblau", "booth"])
@pytest.mark.parametrize("keep", ["path", "final"])
def test_landscapes_schedules_and_loss_tolerance(landscape: str, keep: str) -> None:
    points = starts(300, get_landscape(landscape).dim, 1)
    schedule = make_schedule("cosine", T_max=40)
    optimizer = make_optimizer("momentum")
    assert_same(landscape, optimizer, points, lr=0.05, steps=80, schedule=schedule,
                loss_tol=1e-9, keep=keep)  # fmt: skip


def test_a_grid_of_rates_and_starts_with_max_loss() -> None:
    grid = starts(40, 2)[:, np.newaxis, :]  # 40 starts × 8 rates
    lr = np.geomspace(1e-3, 0.2, 8)
    assert_same("valley", make_optimizer("adam"), grid, lr=lr, steps=50, max_loss=500.0)


def test_a_start_that_is_not_finite_is_the_same_error() -> None:
    land = get_landscape("rosenbrock")
    points = starts(300, 2)
    points[123] = (1e200, 1.0)  # its loss overflows
    for engine in (FUSED, NUMPY):
        with pytest.raises(ValueError, match=r"loss at the start is not finite.*\(123,\)"):
            descend(land, make_optimizer("adam"), points, lr=1e-3, steps=5, engine=engine)


def test_what_is_fused() -> None:
    """Exact built-ins only, full batch, and by default only from MIN_WORK point-steps."""
    opt = make_optimizer("adam")
    assert get_landscape("rosenbrock").functions.scalar is not None
    assert get_landscape("rastrigin").functions.scalar is None  # cos need not round as numpy's
    assert get_landscape("linear-regression").functions.scalar is None
    calls: list[int] = []
    original = fused.run

    def spy(job: object, engine: Engine) -> None:
        calls.append(1)
        original(job, engine)  # type: ignore[arg-type]

    mp = pytest.MonkeyPatch()
    mp.setattr(fused, "run", spy)
    try:
        small = starts(10, 2)
        descend(get_landscape("rosenbrock"), opt, small, lr=1e-3, steps=5)  # 50 point-steps
        descend(get_landscape("rastrigin"), opt, small, lr=1e-3, steps=5, engine=FUSED)
        assert calls == []
        descend(get_landscape("rosenbrock"), opt, small, lr=1e-3, steps=5, engine=FUSED)
        big = starts(fused.MIN_WORK // 100, 2)
        descend(get_landscape("rosenbrock"), opt, big, lr=1e-3, steps=100, keep="final")
        assert calls == [1, 1]
    finally:
        mp.undo()


def test_the_loop_is_cached_on_disk_and_reused(tmp_path: Path) -> None:
    """A second process loads the compiled loop from ``$GDVIZ_CACHE_DIR/fused``."""
    code = (
        "import numpy as np\n"
        "from numba.core.dispatcher import Dispatcher\n"
        "from gdviz.descent import descend\n"
        "from gdviz.engine import Engine\n"
        "from gdviz.landscapes import get_landscape\n"
        "from gdviz.optimizers import make_optimizer\n"
        "descend(get_landscape('booth'), make_optimizer('adagrad'), np.ones((3, 2)), lr=0.1,\n"
        "        steps=3, engine=Engine(fused=True))\n"
        "import sys\n"
        "loop = next(sys.modules[m].run for m in list(sys.modules)\n"
        "            if m.startswith('gdviz_fused'))\n"
        "print(sum(loop.stats.cache_hits.values()), sum(loop.stats.cache_misses.values()))\n"
    )
    env = {"GDVIZ_CACHE_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    runs = [
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
        ).stdout.split()
        for _ in range(2)
    ]
    assert runs[0] == ["0", "1"]  # compiled
    assert runs[1] == ["1", "0"]  # loaded
    assert len(list((tmp_path / "fused").glob("gdviz_fused_*.py"))) == 1


@pytest.mark.parametrize("cache", ["", "not-a-directory/cache"])
def test_without_a_usable_cache_it_compiles_in_memory(tmp_path: Path, cache: str) -> None:
    """``GDVIZ_CACHE_DIR=""`` (off) or a cache that cannot be written: the run still fuses."""
    (tmp_path / "not-a-directory").write_text("a file")
    code = (
        "import numpy as np, sys\n"
        "from gdviz.descent import descend\n"
        "from gdviz.engine import Engine\n"
        "from gdviz.landscapes import get_landscape\n"
        "from gdviz.optimizers import make_optimizer\n"
        "args = (get_landscape('saddle'), make_optimizer('nadam'), np.full((5, 2), 0.5))\n"
        "a = descend(*args, lr=0.01, steps=4, keep='final', engine=Engine(fused=True))\n"
        "b = descend(*args, lr=0.01, steps=4, keep='final', engine=Engine(fused=False))\n"
        "print('numba' in sys.modules, np.array_equal(a.final_points, b.final_points))\n"
    )
    env = {"GDVIZ_CACHE_DIR": str(tmp_path / cache) if cache else "", "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert result.stdout.split() == ["True", "True"]
    assert [p.name for p in tmp_path.iterdir()] == ["not-a-directory"]  # nothing written


def test_ctrl_c_stops_a_long_fused_run_promptly() -> None:
    """Blocks of at most BLOCK_WORK point-steps: SIGINT lands between two of them (one block
    of all 8,192 rows would run 12 s)."""
    code = (
        "import signal, numpy as np\n"
        "signal.signal(signal.SIGINT, signal.default_int_handler)  # even if started ignoring it\n"
        "from gdviz.descent import descend\n"
        "from gdviz.engine import Engine\n"
        "from gdviz.landscapes import get_landscape\n"
        "from gdviz.optimizers import make_optimizer\n"
        "args = (get_landscape('bowl'), make_optimizer('adam'))\n"
        "kw = dict(lr=1e-9, grad_tol=0.0, keep='final', engine=Engine(threads=1, fused=True))\n"
        "descend(*args, np.ones((300, 2)), steps=2, **kw)  # compiled (or loaded) first\n"
        "print('ready', flush=True)\n"
        "descend(*args, np.ones((20000, 2)), steps=200000, **kw)  # about 30 s\n"
        "print('finished', flush=True)\n"
    )
    child = subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "ready"
    time.sleep(1.5)  # past the step coefficients' table (0.2 s), into blocks of 0.4 s each
    sent = time.monotonic()
    child.send_signal(signal.SIGINT)
    _, err = child.communicate(timeout=30)
    assert time.monotonic() - sent < 2.0
    assert "KeyboardInterrupt" in err
