"""Benchmark the public ``descend()`` against torch.optim (and JAX+optax), in the same process.

Adam (default betas, lr=1e-3) on Rosenbrock starting points (float64, seeded uniform in
[-2, 2] × [-1, 3]) for 200 steps, at 10³, 10⁴, 10⁵ and 10⁶ starts:

* ``descend``: :func:`gdviz.descent.descend` on the built-in ``get_landscape("rosenbrock")``
  (its generated kernel), with its defaults (gradient-norm and divergence checks on every
  element, loss and gradient norm computed every step), ``keep="final"`` — what users call.
  From :data:`gdviz.fused.MIN_WORK` point-steps it runs :mod:`gdviz.fused`'s compiled loop;
  the first such call of the process (numba's import and the loop's load from the on-disk
  cache, or its compilation) is timed once and printed before the table;
* ``descend numpy``: the same with ``Engine(fused=False)``, the numpy loop, for information;
* ``descend path``: the same with ``keep="path"`` (every step kept) where it fits in memory;
* ``descend analytic``: ``keep="final"`` on a landscape whose loss and gradient are the
  hand-written numpy formulas of the torch loop, for information;
* ``kernel``: the same analytic gradient and :meth:`Optimizer.apply` in the same cache-sized
  blocks on the same threads, without loss, norms or stopping — what ``descend`` costs beyond;
* torch: ``torch.optim.Adam`` on one ``(n, 2)`` float64 tensor, the analytic gradient computed
  with torch ops into ``.grad``, with torch's default (``foreach``) and ``foreach=False`` — the
  faster of the two is the peer; ``fused=True`` is printed for information;
* JAX+optax (when importable): ``optax.adam`` in a ``jax.lax.fori_loop`` under ``jax.jit``, x64,
  compiled before timing — a second peer.

Implementations run interleaved, best of ``--repeats``. Prints nanoseconds per point-step and,
per batch size, descend's throughput relative to each peer (target ≥ 1.3× torch) and its time
relative to the kernel (target ≤ 2×). Checks that descend's final points equal the numpy
loop's bit for bit, the hand-written landscape's equal the kernel's, and torch's within
1e-12. Exits 2 without torch. Run: ``python benchmarks/bench_core.py``
(``make bench``); ``--sizes 1000,10000`` and ``--steps`` shrink it, ``--threads N`` sets both
libraries' threads (default: torch's default, the CPU count); on a busy machine,
``--threads 1 --clock cpu`` compares the single-threaded work of each.

First, torch or not, the command line's start-up: ``gdviz --help`` and ``gdviz run`` on the
built-in Rosenbrock (the installed ``gdviz`` script, else ``python -m gdviz``) against a bare
``python -c "import numpy, click"``, each the median wall time of ``--startup-runs`` fresh
processes (default 15), run interleaved after one warm-up each; the target is at most 1.6× the
peer. The processes cache their bytecode in a temporary ``PYTHONPYCACHEPREFIX`` as an installed
wheel has it (``PYTHONDONTWRITEBYTECODE`` would have gdviz compiled from source at every start,
numpy and click not). ``--startup-only`` stops after it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

import numpy as np

try:
    import torch

    HAVE_TORCH = True
except ImportError:  # the start-up comparison runs without torch
    HAVE_TORCH = False

from gdviz.descent import TrajectoryBatch, descend
from gdviz.engine import Engine
from gdviz.landscapes import Functions, Landscape, get_landscape
from gdviz.optimizers import make_optimizer

SIZES = (10**3, 10**4, 10**5, 10**6)
STEPS = 200
REPEATS = 3
LR = 1e-3
SEED = 0
TOLERANCE = 1e-12
#: keep="path" needs (steps + 1) × n × 5 floats: timed up to this many starts
PATH_MAX = 10**5
ADAM = make_optimizer("adam")
#: wall-clock time; ``--clock cpu`` (with ``--threads 1``) times the process's CPU instead, which
#: other processes on a busy machine disturb far less
CLOCK = time.perf_counter
#: The start-up peer and the gdviz commands timed against it (target: at most 1.6x the peer).
STARTUP_PEER = ("-c", "import numpy, click")
STARTUP_COMMANDS = {
    "gdviz --help": ("--help",),
    "gdviz run": ("run", "-l", "rosenbrock", "--optimizer", "adam", "--start=-1,1", "-n", "200"),
}
STARTUP_RUNS = 15


def starts(n: int) -> np.ndarray:
    rng = np.random.default_rng(SEED)
    return rng.uniform((-2.0, -1.0), (2.0, 3.0), size=(n, 2))


def _gradient_into(p: np.ndarray, g: np.ndarray, tmp: np.ndarray) -> None:
    """∇ of (1 - x)² + 100 (y - x²)², the torch loop's formula, into ``g``."""
    x, y = p[:, 0], p[:, 1]
    np.multiply(x, x, out=tmp)
    np.subtract(y, tmp, out=tmp)  # d = y - x²
    np.multiply(tmp, 200.0, out=g[:, 1])
    np.multiply(x, -400.0, out=g[:, 0])
    np.multiply(g[:, 0], tmp, out=g[:, 0])  # -400 x d
    np.subtract(1.0, x, out=tmp)
    np.multiply(tmp, -2.0, out=tmp)  # -2 (1 - x)
    np.add(tmp, g[:, 0], out=g[:, 0])


def _loss(points: np.ndarray) -> np.ndarray:
    x, y = points[..., 0], points[..., 1]
    d = y - x * x
    np.multiply(d, d, out=d)
    np.multiply(d, 100.0, out=d)
    a = 1.0 - x
    np.multiply(a, a, out=a)
    return np.add(a, d, out=d)


def _gradient(points: np.ndarray) -> np.ndarray:
    p = points.reshape(-1, 2)
    g = np.empty_like(p)
    _gradient_into(p, g, np.empty(len(p)))
    return g.reshape(points.shape)


ANALYTIC = Landscape(
    name="rosenbrock",
    title="Rosenbrock (analytic numpy)",
    variables=("x", "y"),
    functions=Functions(
        loss=_loss,
        gradient=_gradient,
        loss_and_gradient=lambda points: (_loss(points), _gradient(points)),
        hessian=lambda points: np.zeros((*points.shape, 2)),
    ),
    bounds=((-2.0, 2.0), (-1.0, 3.0)),
    minima=((1.0, 1.0),),
    kind="non-convex",
)

Result = tuple[float, np.ndarray]
Runner = Callable[[int], Result]


def run_descend(landscape: Landscape, keep: Literal["path", "final"], engine: Engine) -> Runner:
    def run(n: int) -> Result:
        s = starts(n)
        mark = CLOCK()
        batch = descend(landscape, ADAM, s, lr=LR, steps=STEPS, keep=keep, engine=engine)
        seconds = CLOCK() - mark
        assert isinstance(batch, TrajectoryBatch)
        return seconds, batch.final_points

    return run


def run_kernel(engine: Engine) -> Runner:
    """The analytic gradient and Optimizer.apply, block by block on the engine's threads."""

    def run(n: int) -> Result:
        params = starts(n)
        rows = engine.rows_per_block(n)

        def block(b: int, cancelled: object) -> None:
            p = params[b * rows : (b + 1) * rows]
            g, tmp = np.empty_like(p), np.empty(len(p))
            state = ADAM.init(p)
            with np.errstate(all="ignore"):
                for step in range(1, STEPS + 1):
                    _gradient_into(p, g, tmp)
                    ADAM.apply(g, state, p, step, LR)

        mark = CLOCK()
        engine.run(block, -(-n // rows))
        return CLOCK() - mark, params

    return run


def run_torch(**options: Any) -> Runner:
    def run(n: int) -> Result:
        p = torch.tensor(starts(n), dtype=torch.float64)
        p.grad = torch.empty_like(p)
        opt = torch.optim.Adam([p], lr=LR, **options)
        x, y = p[:, 0], p[:, 1]
        gx, gy = p.grad[:, 0], p.grad[:, 1]
        mark = CLOCK()
        for _ in range(STEPS):
            d = y - x * x
            torch.mul(d, 200.0, out=gy)
            gx.copy_(-2.0 * (1.0 - x) - 400.0 * x * d)
            opt.step()
        return CLOCK() - mark, p.detach().numpy()

    return run


def jax_runner() -> Runner | None:
    """optax.adam under jit, or None when JAX or optax is not importable."""
    try:
        import jax
        import jax.numpy as jnp
        import optax
    except ImportError:
        return None
    jax.config.update("jax_enable_x64", True)
    optimizer = optax.adam(LR)

    def gradient(p: jax.Array) -> jax.Array:
        x, y = p[:, 0], p[:, 1]
        d = y - x * x
        return jnp.stack([-2.0 * (1.0 - x) - 400.0 * x * d, 200.0 * d], axis=1)

    @jax.jit
    def descend_jax(p: jax.Array) -> jax.Array:
        def body(_: int, carry: tuple) -> tuple:
            params, state = carry
            updates, state = optimizer.update(gradient(params), state)
            return optax.apply_updates(params, updates), state

        return jax.lax.fori_loop(0, STEPS, body, (p, optimizer.init(p)))[0]

    compiled: set[int] = set()

    def run(n: int) -> Result:
        p = jnp.asarray(starts(n))
        if n not in compiled:  # compile (and warm up) outside the timing
            descend_jax(p).block_until_ready()
            compiled.add(n)
        mark = CLOCK()
        out = descend_jax(p).block_until_ready()
        return CLOCK() - mark, np.asarray(out)

    return run


def first_call(engine: Engine) -> None:
    """Time the process's first fused descend: numba's import and the loop's load (or build)."""
    fused_engine = Engine(threads=engine.threads, fused=True)
    mark = time.perf_counter()
    descend(get_landscape("rosenbrock"), ADAM, starts(10), lr=LR, steps=2, engine=fused_engine)
    seconds = time.perf_counter() - mark
    print(
        f"first fused descend of this process (numba import, loop load or build): {seconds:.2f} s"
    )


def measure(n: int, runs: dict[str, Runner], repeats: int) -> dict[str, Result]:
    best: dict[str, Result] = {}
    for _ in range(repeats):
        for name, run in runs.items():
            seconds, final = run(n)
            if name not in best or seconds < best[name][0]:
                best[name] = (seconds, final)
    return best


def _check(n: int, best: dict[str, Result]) -> bool:
    """descend on the hand-written landscape equals the kernel (same formulas) bit for bit;
    descend on the built-in equals torch to 1e-12 (its kernel orders the operations its way)."""
    ours = best["descend"][1]
    same = np.array_equal(best["descend analytic"][1], best["kernel"][1])
    same &= np.array_equal(ours, best["descend numpy"][1])
    torch_diff = max(
        float(np.max(np.abs(ours - best[p][1]))) for p in ("torch foreach", "torch single")
    )
    if not same or not torch_diff <= TOLERANCE:
        print(f"  FAILED at n={n}: bit-equal {same}, max |descend - torch| {torch_diff:.3e}")
        return False
    return True


def _gdviz_command() -> list[str]:
    """The installed ``gdviz`` script beside this interpreter, else ``python -m gdviz``."""
    script = Path(sys.executable).with_name("gdviz")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "gdviz"]


def startup(runs: int) -> None:
    """Print the median start-up of each :data:`STARTUP_COMMANDS` and its ratio to the peer."""
    commands = {"python -c 'import numpy, click'": [sys.executable, *STARTUP_PEER]}
    commands |= {name: [*_gdviz_command(), *args] for name, args in STARTUP_COMMANDS.items()}
    times: dict[str, list[float]] = {name: [] for name in commands}
    with tempfile.TemporaryDirectory() as cache:
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPYCACHEPREFIX"] = cache
        for round_ in range(runs + 1):  # round 0 warms up (and writes the bytecode)
            for name, command in commands.items():
                start = time.perf_counter()
                subprocess.run(command, stdout=subprocess.DEVNULL, check=True, env=env)
                if round_:
                    times[name].append(time.perf_counter() - start)
    medians = {name: statistics.median(values) for name, values in times.items()}
    peer_name, *ours = medians
    print(f"start-up, median of {runs} fresh processes each (interleaved):")
    print(f"  {peer_name}: {medians[peer_name] * 1e3:6.1f} ms")
    for name in ours:
        ratio = medians[name] / medians[peer_name]
        print(f"  {name}: {medians[name] * 1e3:6.1f} ms = {ratio:.2f}x the peer (target <= 1.6)")


def main() -> None:
    global STEPS, CLOCK
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)))
    parser.add_argument("--steps", type=int, default=STEPS)
    parser.add_argument("--repeats", type=int, default=REPEATS)
    parser.add_argument("--threads", type=int, default=None, help="threads for both libraries")
    parser.add_argument("--clock", choices=("wall", "cpu"), default="wall")
    parser.add_argument("--startup-runs", type=int, default=STARTUP_RUNS)
    parser.add_argument("--startup-only", action="store_true", help="only time the start-up")
    args = parser.parse_args()
    startup(args.startup_runs)
    if args.startup_only:
        return
    if not HAVE_TORCH:
        print("bench_core: torch is not installed (make bench installs it); nothing to compare")
        sys.exit(2)
    STEPS = args.steps
    if args.clock == "cpu":
        CLOCK = time.process_time
    if args.threads is not None:
        torch.set_num_threads(args.threads)
    engine = Engine(threads=torch.get_num_threads())
    numpy_engine = Engine(threads=engine.threads, fused=False)
    first_call(engine)
    runs: dict[str, Runner] = {
        "descend": run_descend(get_landscape("rosenbrock"), "final", engine),
        "descend numpy": run_descend(get_landscape("rosenbrock"), "final", numpy_engine),
        "descend path": run_descend(get_landscape("rosenbrock"), "path", engine),
        "descend analytic": run_descend(ANALYTIC, "final", engine),
        "kernel": run_kernel(engine),
        "torch foreach": run_torch(),
        "torch single": run_torch(foreach=False),
        "torch fused": run_torch(fused=True),
    }
    jax_run = jax_runner()
    if jax_run is not None:
        runs["jax+optax jit"] = jax_run
    names = list(runs)
    print(
        f"Adam on Rosenbrock, {STEPS} steps, float64, best of {args.repeats} ({args.clock} time); "
        f"gdviz threads={engine.threads} (blocks of up to {engine.block_rows}), "
        f"torch {torch.__version__} threads={torch.get_num_threads()}, numpy {np.__version__}"
        + ("" if jax_run is not None else "; JAX+optax not installed")
    )
    print("ns per point-step:")
    print(f"  {'starts':>9}" + "".join(f"{name:>17}" for name in names))
    ok = True
    summary = []
    for n in (int(v) for v in args.sizes.split(",")):
        active = {k: v for k, v in runs.items() if k != "descend path" or n <= PATH_MAX}
        best = measure(n, active, args.repeats)
        work = n * STEPS
        cells = [f"{best[k][0] / work * 1e9:17.2f}" if k in best else f"{'—':>17}" for k in names]
        print(f"  {n:>9,}" + "".join(cells), flush=True)
        ok &= _check(n, best)
        summary.append((n, best))
    print("descend, ratios (throughput vs a peer: > 1 is faster; time vs the kernel):")
    for n, best in summary:
        seconds = best["descend"][0]
        peer = min(("torch foreach", "torch single"), key=lambda k: best[k][0])
        parts = [
            f"vs torch {best[peer][0] / seconds:5.2f}x ({peer.split()[1]}; target >= 1.3)",
            f"vs fused {best['torch fused'][0] / seconds:5.2f}x",
            f"{seconds / best['kernel'][0]:4.2f}x the kernel (target <= 2)",
        ]
        if "jax+optax jit" in best:
            parts.insert(2, f"vs JAX {best['jax+optax jit'][0] / seconds:5.2f}x")
        if "descend path" in best:
            parts.append(f"path mode {best[peer][0] / best['descend path'][0]:.2f}x torch")
        parts.append(
            f"hand-written landscape {best[peer][0] / best['descend analytic'][0]:.2f}x torch"
        )
        print(f"  {n:>9,}: " + ", ".join(parts))
    engine.close()
    numpy_engine.close()
    if not ok:
        sys.exit(1)


if __name__ == "__main__":
    main()
