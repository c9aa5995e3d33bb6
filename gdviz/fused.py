r"""The fused loop: :func:`gdviz.descend` compiled with numba, for big batches on built-ins.

:mod:`gdviz.descent`'s numpy loop makes one pass over a block's arrays per operation, and
numpy's passes, not the arithmetic, set its speed. This module runs *the same operations* in
one compiled loop: for a tile of :data:`TILE` elements held in the core's cache, every step
evaluates the landscape, applies the update rule and does the bookkeeping (loss, gradient
norm, stopping, divergence, the path) element by element, and LLVM vectorises across the
tile. It calls the very functions the numpy loop calls on arrays — the landscape's generated
kernel (:attr:`gdviz.landscapes.Functions.scalar`) and the optimizer's rule
(:mod:`gdviz.optimizers._shared`) — on float scalars, compiled with IEEE semantics (no
fast-math, so no contraction into fused multiply-adds and no reassociation; numpy's error
model, so a division by zero gives ±∞ as in numpy). Every ``+ − × ÷`` and ``sqrt`` is correctly
rounded in both, so the fused loop's result is the numpy loop's, bit for bit; only kernels
with those operations alone (``exact``) are fused, since numba's ``sin`` or ``exp`` need not
round as numpy's do.

Per element :math:`i` and step :math:`k` (:math:`s_i = \|g_i\|^2`, :math:`b` the squared
gradient tolerance)::

    if active and s < b:              stop: converged at k (no update)
    θ', state' ← rule(θ, g)            (every element; a stopped one discards it)
    L', g' ← landscape(θ');  s' ← Σ g'²
    if active and not (s' < ∞, |L'| < ∞, L' ≤ limit, |θ'| < ∞):   stop: diverged at k
    elif active:  θ, L, g, s ← θ', L', g', s';  if |L' − L| < loss_tol: converged at k+1

which is the numpy loop's order, element by element (its module docstring states the rules).

When it runs (:func:`eligible`): numba is installed; the landscape has an exact scalar kernel;
full batch; and the engine asks for it — ``Engine(fused=True)`` always, ``None`` (the default)
when the batch is worth compiling for (:data:`MIN_WORK` point-steps), ``False`` never. The
first fused call of a process imports numba (≈ 0.3 s) and loads the loop from the on-disk
cache, or compiles it (≈ 1–3 s) the first time a landscape, an optimizer and a dimension meet:
each such loop is generated as a small module under ``$GDVIZ_CACHE_DIR/fused/`` (see
:func:`gdviz.cache.cache_dir`) whose machine code numba caches beside it.
"""

from __future__ import annotations

import importlib.util
import inspect
import sys
import types
from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING, Any

import numpy as np

from gdviz.engine import BLOCK_ROWS

if TYPE_CHECKING:
    from gdviz.descent import _Job
    from gdviz.engine import Engine

__all__ = [
    "BLOCK_WORK",
    "MIN_WORK",
    "TILE",
    "available",
    "eligible",
    "loop_source",
    "make_jitable",
    "run",
]

#: Elements per tile: a tile's coordinates, gradients and state stay in the L1 cache.
TILE = 256
#: Point-steps per block at most (beyond one tile): a compiled call cannot be interrupted, so
#: blocks this size let Ctrl-C and a failing thread stop a long run within about 0.1 s.
BLOCK_WORK = 2**24
#: Point-steps (elements × steps) from which ``Engine(fused=None)`` compiles: below it the
#: numpy loop finishes before numba would have loaded.
MIN_WORK = 10**6


@cache
def available() -> bool:
    """Whether numba imports (asked only once a batch is worth fusing: the import takes ≈ 0.3 s).

    False when it is not installed or does not work with the installed numpy (numba pins the
    numpy versions it supports); descend then runs the numpy loop.
    """
    try:
        import numba  # noqa: F401
    except ImportError:
        return False
    return True


def eligible(job: _Job, engine: Engine) -> bool:
    """Whether :func:`gdviz.descend` runs ``job`` fused (see the module docstring)."""
    if engine.fused is False or job.plan is not None or job.size == 0 or job.steps == 0:
        return False
    if not engine.fused and job.size * job.steps < MIN_WORK:
        return False
    return job.landscape.functions.scalar is not None and available()


# ------------------------------------------------------------------------------ the source


def loop_source(
    kernel: Callable[..., Any],
    rule: Callable[..., Any],
    d: int,
    ns: int,
    nc: int,
    *,
    cache: bool = True,
) -> str:
    """The module text of the fused loop for a landscape kernel and a rule, with ``d``
    coordinates, ``ns`` state entries and ``nc`` coefficients per step.

    Both functions are imported by module and name; with ``cache`` numba keeps the machine
    code beside the module's file. A tile's variables are rows of one flat local array ``T``
    (``T[LOSS + i]``: each row's offset is a constant of the module), and every step's inner
    loop runs over all :data:`TILE` columns (a short last tile is padded with copies of its
    first element, held inactive). One base pointer, constant offsets and a constant trip
    count let LLVM prove the columns independent without run-time checks and vectorise the
    loop; the count of live elements is an integer, as a float sum would not vectorise.
    """
    xs, gs = [f"X{j}" for j in range(d)], [f"G{j}" for j in range(d)]
    state = [[f"S{q}_{j}" for q in range(ns)] for j in range(d)]
    rows = [*xs, *gs, *(n for row in state for n in row)]
    # LR: the rate a path row records (held once stopped); RATE, LR_NEXT: rate(k), rate(k + 1)
    rows += ["LOSS", "SS", "LR", "RATE", "LR_NEXT", "LIMIT", "ACTIVE", "STOP", "CODE"]

    def squares(parts: list[str]) -> str:
        total = f"{parts[0]} * {parts[0]}"
        for part in parts[1:]:
            total = f"({total}) + {part} * {part}"
        return total

    def at(names: list[str], column: str = "i") -> str:
        return ", ".join(f"T[{n} + {column}]" for n in names)

    ys = [f"y{j}" for j in range(d)]
    grads = [f"r[{j + 1}]" for j in range(d)]
    lines = [
        f'"""Fused loop: {kernel.__module__}.{kernel.__name__} × {rule.__module__}.'
        f'{rule.__name__}, d={d} (generated by gdviz.fused; do not edit)."""',
        "import numpy as np",
        "from numba import njit",
        "from numba.np.unsafe.ndarray import to_fixed_tuple",
        "",
        "from gdviz.fused import make_jitable",
        f"from {kernel.__module__} import {kernel.__name__} as kernel",
        f"from {rule.__module__} import {rule.__name__} as rule",
        "",
        "make_jitable(kernel, rule)",
        f"TILE = {TILE}",
        f"NC = {nc}",
        *[f"{name} = {k * TILE}" for k, name in enumerate(rows)],
        f"SIZE = {len(rows) * TILE}",
        "",
        "",
        f'@njit(nogil=True, cache={cache}, error_model="numpy")',
        "def run(h, coefs, rates, index, initial, limits, tol2, loss_tol, steps, lo, hi, keep,",
        "        points, losses, status, stop_step, path_x, path_l, path_n, path_r):",
        "    varying = rates.shape[0] > 1",
        "    T = np.empty(SIZE)",
        "    col = np.zeros(TILE, np.int64)",
        "    for start in range(lo, hi, TILE):",
        "        m = min(hi, start + TILE) - start",
        "        for i in range(TILE):",
        "            e = start + min(i, m - 1) if i < m else start",
        "            col[i] = index[e]",
        *[f"            T[{x} + i] = points[e, {j}]" for j, x in enumerate(xs)],
        *[f"            T[{state[j][q]} + i] = initial[{q}]" for j in range(d) for q in range(ns)],
        f"            r = kernel({at(xs)})",
        "            T[LOSS + i] = r[0]",
        *[f"            T[{g} + i] = r[{j + 1}]" for j, g in enumerate(gs)],
        f"            T[SS + i] = {squares(grads)}",
        "            T[LR + i] = rates[0, col[i]]",
        "            T[LIMIT + i] = limits[e]",
        "            T[ACTIVE + i] = 1.0 if i < m else 0.0",
        "            T[STOP + i] = steps",
        "            T[CODE + i] = 2.0",
        "        if keep:",
        "            record(0, start, m, T, path_x, path_l, path_n, path_r)",
        "        last = 0",
        "        for k in range(steps):",
        "            c = to_fixed_tuple(coefs[k], NC)",
        "            now = k if varying else 0",
        "            after = k + 1 if varying else 0",
        "            for i in range(TILE):",
        "                T[RATE + i] = rates[now, col[i]]",
        "                T[LR_NEXT + i] = rates[after, col[i]]",
        "            alive = 0  # an integer count: a float sum would not vectorise",
        "            for i in range(TILE):",
        "                active = T[ACTIVE + i] > 0.0",
        "                converged = active and tol2 > 0.0 and T[SS + i] < tol2",
        "                active = active and not converged",
        "                lr = T[RATE + i]",
        *[
            f"                y{j}, t{j} = rule("
            f"h, c, lr, T[{g} + i], T[{x} + i], ({at(state[j])},))"
            for j, (x, g) in enumerate(zip(xs, gs, strict=True))
        ],
        f"                r = kernel({', '.join(ys)})",
        f"                ss = {squares(grads)}",
        "                ok = ss < np.inf and abs(r[0]) < np.inf and r[0] <= T[LIMIT + i]",
        *[f"                ok = ok and abs({y}) < np.inf" for y in ys],
        "                diverged = active and not ok",
        "                take = active and ok",
        "                done = take and loss_tol > 0.0 and abs(r[0] - T[LOSS + i]) < loss_tol",
        "                stop = k + 1.0 if done else T[STOP + i]",
        "                T[STOP + i] = k if converged or diverged else stop",
        "                code = 1.0 if diverged else T[CODE + i]",
        "                T[CODE + i] = 0.0 if converged or done else code",
        *[
            f"                T[{x} + i] = {y} if take else T[{x} + i]"
            for x, y in zip(xs, ys, strict=True)
        ],
        *[
            f"                T[{state[j][q]} + i] = t{j}[{q}] if take else T[{state[j][q]} + i]"
            for j in range(d)
            for q in range(ns)
        ],
        "                T[LOSS + i] = r[0] if take else T[LOSS + i]",
        *[
            f"                T[{g} + i] = r[{j + 1}] if take else T[{g} + i]"
            for j, g in enumerate(gs)
        ],
        "                T[SS + i] = ss if take else T[SS + i]",
        "                T[LR + i] = T[LR_NEXT + i] if take else T[LR + i]",
        "                still = 1.0 if take and not done else 0.0",
        "                T[ACTIVE + i] = still",
        "                alive += int(still)",
        "            if keep:",
        "                record(k + 1, start, m, T, path_x, path_l, path_n, path_r)",
        "            last = k + 1",
        "            if alive == 0:",
        "                break",
        "        if keep:",
        "            for k in range(last + 1, steps + 1):",
        "                path_x[k, start : start + m] = path_x[last, start : start + m]",
        "                path_l[k, start : start + m] = path_l[last, start : start + m]",
        "                path_n[k, start : start + m] = path_n[last, start : start + m]",
        "                path_r[k, start : start + m] = path_r[last, start : start + m]",
        "        for i in range(m):",
        *[f"            points[start + i, {j}] = T[{x} + i]" for j, x in enumerate(xs)],
        "            losses[start + i] = T[LOSS + i]",
        "            status[start + i] = int(T[CODE + i])",
        "            stop_step[start + i] = int(T[STOP + i])",
        "",
        "",
        f'@njit(nogil=True, cache={cache}, error_model="numpy")',
        "def record(k, start, m, T, path_x, path_l, path_n, path_r):",
        "    for i in range(m):",
        *[f"        path_x[k, start + i, {j}] = T[{x} + i]" for j, x in enumerate(xs)],
        "        path_l[k, start + i] = T[LOSS + i]",
        "        path_n[k, start + i] = np.sqrt(T[SS + i])",
        "        path_r[k, start + i] = T[LR + i]",
        "",
    ]
    return "\n".join(lines)


# ------------------------------------------------------------------------------ compiling


def make_jitable(*functions: Callable[..., Any]) -> None:
    """Let numba compile calls to these plain Python functions and to every function of
    :mod:`gdviz.optimizers._shared` (the rules' helpers; one a rule does not call is never
    compiled)."""
    from gdviz.optimizers import _shared

    helpers = [f for f in vars(_shared).values() if inspect.isfunction(f)]
    for function in (*functions, *(f for f in helpers if f.__module__ == _shared.__name__)):
        _jitable(function)


@cache
def _jitable(function: Callable[..., Any]) -> None:
    """Register ``function`` with numba once (``numba.extending.register_jitable``)."""
    from numba.extending import register_jitable

    register_jitable(function)


@cache
def _loop(kernel: Callable[..., Any], rule: Callable[..., Any], d: int, ns: int, nc: int) -> Any:
    """The compiled ``run`` of :func:`loop_source`, from its module in the cache directory."""
    import hashlib

    from gdviz.atomic import atomic_write
    from gdviz.cache import cache_dir

    root = cache_dir()
    source = loop_source(kernel, rule, d, ns, nc, cache=root is not None)
    name = f"gdviz_fused_{hashlib.sha256(source.encode()).hexdigest()[:16]}"
    path = None if root is None else root / "fused" / f"{name}.py"
    if path is not None and not (path.is_file() and path.read_text() == source):
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(path, source.encode())
        except OSError:  # a read-only cache: compile without one
            path = None
    if path is None:  # no on-disk cache (GDVIZ_CACHE_DIR="" or read-only): every process compiles
        module = types.ModuleType(name)
        exec(
            compile(loop_source(kernel, rule, d, ns, nc, cache=False), name, "exec"),
            module.__dict__,
        )
        return module.run
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module.run


# ------------------------------------------------------------------------------ running


def run(job: _Job, engine: Engine) -> None:
    """Run ``job`` fused, its blocks on the engine's threads; fills the job's outputs as the
    numpy loop does (raises the same ValueError for a start that is not finite)."""
    landscape, optimizer = job.landscape, job.optimizer
    info = optimizer.info
    ns = len(info.family.STATE)

    points = job.points
    limits = np.ascontiguousarray(np.broadcast_to(job.start_limits(), (job.size,)))
    h = optimizer.rule_hyperparameters
    coefs = np.array(
        [info.family.coefficients(h, k) for k in range(1, job.steps + 1)], dtype=np.float64
    ).reshape(job.steps, -1)
    loop = _loop(landscape.functions.scalar, info.rule, job.d, ns, coefs.shape[1])
    # the state's starting values are the same for every element and coordinate
    first = optimizer.values(optimizer.init(points[:1]))
    initial = np.array([np.asarray(v, dtype=np.float64).flat[0] for v in first])
    rates, index = job.rates.table_and_index(job.size)
    keep = bool(job.path)
    path = job.path or {
        "points": np.empty((1, 1, job.d)),
        "losses": np.empty((1, 1)),
        "grad_norms": np.empty((1, 1)),
        "lrs": np.empty((1, 1)),
    }
    # compiled code holds no interpreter lock: small blocks share the threads' work evenly, and
    # a block of at most BLOCK_WORK point-steps returns to Python (Ctrl-C) within ~0.1 s
    rows = min(engine.rows_per_block(job.size), BLOCK_ROWS, max(TILE, BLOCK_WORK // job.steps))

    def block(b: int, cancelled: object) -> None:
        lo, hi = b * rows, min(job.size, (b + 1) * rows)
        loop(
            h, coefs, rates, index, initial, limits, job.squared_grad_tol, job.loss_tol,
            job.steps, lo, hi, keep, points, job.losses, job.status, job.stop_step,
            path["points"], path["losses"], path["grad_norms"], path["lrs"],
        )  # fmt: skip

    engine.run(block, -(-job.size // rows))
