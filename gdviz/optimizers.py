"""The optimizer core: torch.optim's update rules, batched, on numpy arrays (float64).

Every optimizer here has torch's name, hyperparameter names, defaults and update rule (the
``_single_tensor_*`` code path of torch 2.x, arithmetic in torch's order), so a trajectory drawn
by gdviz is the trajectory torch.optim takes, point for point.

An :class:`Optimizer` is a pure pair::

    state = opt.init(params)                                   # fresh buffers
    params, state = opt.update(grads, state, params, step, lr)   # step is 1-based

``params`` has shape ``(*batch, d)``: leading axes are batch axes (one element = one run of
torch on a parameter tensor of shape ``(d,)``), the last axis holds the coordinates. ``lr`` is a
float or an array broadcastable against ``params`` (e.g. ``(B, 1)`` for a batch of rates).
:meth:`Optimizer.update_inplace` is the one implementation of each rule; :meth:`Optimizer.update`
copies its inputs and calls it.

Exactness
---------
Each rule performs torch's floating-point operations in torch's order, with correctly rounded
numpy ufuncs, so every batch element equals its own unbatched run bit for bit, and the result is
what torch's source code specifies. torch's CPU kernels differ from that in two measured ways,
which numpy cannot reproduce:

* its kernels are compiled with floating-point contraction, so ``add(alpha=)``, ``addcmul``,
  ``lerp`` and ``a + s * b`` patterns are evaluated as fused multiply-adds (one rounding instead
  of two) — also in the scalar tail loop of small tensors;
* ``torch.sqrt`` on float64 (MKL's vectorised sqrt) is not correctly rounded: about 1 % of
  results are 1 ulp away from the IEEE square root.

Both make single operations differ by at most 1 ulp; ``tests/test_optimizers.py`` pins the
recorded torch trajectories with the tolerance measured for them.
"""

from __future__ import annotations

import math
import os
import threading
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np

from gdviz.names import did_you_mean

__all__ = [
    "OPTIMIZERS",
    "PRESETS",
    "Optimizer",
    "OptimizerInfo",
    "Preset",
    "default_lr",
    "describe",
    "get_num_threads",
    "make_optimizer",
    "optimizer_names",
    "parse_hyperparameter",
    "set_num_threads",
    "validate_lr",
]

State = dict[str, np.ndarray]
LearningRate = float | np.ndarray


# --------------------------------------------------------------------------------------------
# Hyperparameter specifications
# --------------------------------------------------------------------------------------------


def _fmt(value: Any) -> str:
    """A value as it is written in messages and descriptions."""
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, tuple):
        return "(" + ", ".join(_fmt(v) for v in value) + ")"
    return repr(value)


def _as_float(optimizer: str, key: str, value: Any) -> float:
    if isinstance(value, bool | np.bool_) or not isinstance(
        value, int | float | np.integer | np.floating
    ):
        raise ValueError(f"invalid {key} for {optimizer}: {value!r} (expected a number)")
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"invalid {key} for {optimizer}: {number!r} (must be finite)")
    return number


@dataclass(frozen=True)
class _Param:
    """One hyperparameter: its torch name, default, kind and allowed range."""

    name: str
    default: Any
    kind: str = "float"  # "float", "bool" or "betas"
    low: float = 0.0
    high: float = math.inf
    high_open: bool = False
    doc: str = ""

    def _range_text(self) -> str:
        if self.high == math.inf:
            return "≥ 0" if self.low == 0.0 else f"≥ {self.low!r}"
        close = ")" if self.high_open else "]"
        return f"in [{self.low!r}, {self.high!r}{close}"

    def _check_number(self, optimizer: str, key: str, value: Any) -> float:
        number = _as_float(optimizer, key, value)
        too_high = number >= self.high if self.high_open else number > self.high
        if number < self.low or too_high:
            raise ValueError(
                f"invalid {key} for {optimizer}: {number!r} (must be {self._range_text()})"
            )
        return number

    def check(self, optimizer: str, value: Any) -> Any:
        """Return ``value`` normalised (float, bool or tuple of floats) or raise ValueError."""
        if self.kind == "bool":
            if not isinstance(value, bool | np.bool_):
                raise ValueError(
                    f"invalid {self.name} for {optimizer}: {value!r} (expected True or False)"
                )
            return bool(value)
        if self.kind == "betas":
            if isinstance(value, str) or not isinstance(value, tuple | list | np.ndarray):
                raise ValueError(
                    f"invalid {self.name} for {optimizer}: {value!r} (expected two numbers)"
                )
            items = list(value)
            if len(items) != 2:
                raise ValueError(
                    f"invalid {self.name} for {optimizer}: {value!r} (expected two numbers)"
                )
            return tuple(
                self._check_number(optimizer, f"{self.name}[{i}]", v) for i, v in enumerate(items)
            )
        return self._check_number(optimizer, self.name, value)

    def parse(self, optimizer: str, text: str) -> Any:
        """Parse ``text`` (a CLI or TOML string) into a checked value."""
        raw = text.strip()
        if self.kind == "bool":
            lowered = raw.lower()
            if lowered in ("true", "yes", "on", "1"):
                return True
            if lowered in ("false", "no", "off", "0"):
                return False
            raise ValueError(
                f"invalid {self.name} for {optimizer}: {text!r} (expected true or false)"
            )
        if self.kind == "betas":
            inner = raw
            if len(raw) >= 2 and raw[0] in "([" and raw[-1] in ")]":
                inner = raw[1:-1]
            parts = [p.strip() for p in inner.split(",")]
            if len(parts) != 2 or not all(parts):
                raise ValueError(
                    f"invalid {self.name} for {optimizer}: {text!r} "
                    "(expected two numbers, e.g. 0.9,0.999)"
                )
            return self.check(
                optimizer, tuple(_parse_number(optimizer, self.name, p) for p in parts)
            )
        return self.check(optimizer, _parse_number(optimizer, self.name, raw))

    def describe(self) -> str:
        return f"{self.name}={_fmt(self.default)}"


def _parse_number(optimizer: str, key: str, text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise ValueError(f"invalid {key} for {optimizer}: {text!r} (expected a number)") from None


def _nonneg(name: str, default: float, doc: str) -> _Param:
    return _Param(name, default, doc=doc)


def _unit(name: str, default: float, doc: str) -> _Param:
    return _Param(name, default, high=1.0, doc=doc)


_BETAS = _Param(
    "betas", (0.9, 0.999), kind="betas", high=1.0, high_open=True, doc="moment decay rates"
)
_EPS8 = _nonneg("eps", 1e-8, "added to the denominator")
_WD = _nonneg("weight_decay", 0.0, "L2 penalty added to the gradient")
_DECOUPLED = _Param(
    "decoupled_weight_decay", False, kind="bool", doc="decay the weights directly (AdamW-style)"
)


# --------------------------------------------------------------------------------------------
# Scratch buffers and block-wise (optionally threaded) execution
# --------------------------------------------------------------------------------------------

#: Elements per block: every array of one block stays in the core's cache across the passes.
_BLOCK = 1 << 16
#: Below this many elements an update runs in one block in the calling thread.
_PARALLEL_MIN = 1 << 17

_local = threading.local()
_pool_lock = threading.Lock()
_pool: ThreadPoolExecutor | None = None
_pool_pid = 0


def _default_threads() -> int:
    text = os.environ.get("GDVIZ_NUM_THREADS", "")
    if text.strip().isdigit() and int(text) >= 1:
        return int(text)
    return os.cpu_count() or 1


_num_threads = _default_threads()


def set_num_threads(n: int) -> None:
    """Use ``n`` threads (≥ 1) for updates of large batches (default: the CPU count).

    Results do not depend on it: every element is computed by the same operations.
    """
    global _num_threads, _pool
    if not isinstance(n, int | np.integer) or isinstance(n, bool) or n < 1:
        raise ValueError(f"invalid number of threads: {n!r} (must be an integer ≥ 1)")
    with _pool_lock:
        _num_threads = int(n)
        if _pool is not None:
            _pool.shutdown(wait=True)
            _pool = None


def get_num_threads() -> int:
    """The number of threads used for updates of large batches."""
    return _num_threads


def _get_pool() -> ThreadPoolExecutor:
    global _pool, _pool_pid
    with _pool_lock:
        if _pool is None or _pool_pid != os.getpid():  # a forked child needs its own threads
            _pool = ThreadPoolExecutor(max_workers=_num_threads, thread_name_prefix="gdviz")
            _pool_pid = os.getpid()
        return _pool


def _scratch(count: int, shape: tuple[int, ...]) -> list[np.ndarray]:
    """``count`` scratch arrays of ``shape`` owned by the calling thread (reused across calls)."""
    size = math.prod(shape)
    buffers: list[np.ndarray] | None = getattr(_local, "buffers", None)
    if buffers is None or len(buffers) < count or buffers[0].size < size:
        old = buffers or []
        length = max(size, 1024, *(b.size for b in old))
        buffers = [np.empty(length) for _ in range(max(count, 2, len(old)))]
        _local.buffers = buffers
    return [b[:size].reshape(shape) for b in buffers[:count]]


def _blocks(shape: tuple[int, ...], block: int) -> Iterator[tuple[slice, ...]]:
    """Index prefixes splitting an array of ``shape`` into pieces of about ``block`` elements."""
    if not shape:
        yield ()
        return
    row = math.prod(shape[1:])
    if row <= block or len(shape) == 1:
        rows = max(1, block // max(row, 1))
        for start in range(0, shape[0], rows):
            yield (slice(start, min(start + rows, shape[0])),)
    else:
        for i in range(shape[0]):
            for rest in _blocks(shape[1:], block):
                yield (slice(i, i + 1), *rest)


def _take(array: Any, index: tuple[slice, ...], ndim: int) -> Any:
    """The part of ``array`` (broadcastable to an ``ndim``-array) under the params ``index``."""
    if not isinstance(array, np.ndarray):
        return array
    offset = ndim - array.ndim
    parts: list[slice] = []
    for axis, piece in enumerate(index):
        own = axis - offset
        if own < 0:
            continue
        parts.append(slice(None) if array.shape[own] == 1 else piece)
    return array[tuple(parts)] if parts else array


# --------------------------------------------------------------------------------------------
# Update rules. Each kernel works on one block: it mutates p and the state arrays, may overwrite
# g, and uses the scratch arrays t. Operations follow torch's _single_tensor_* code, in order.
# --------------------------------------------------------------------------------------------

Kernel = Callable[
    [Mapping[str, Any], int, Any, np.ndarray, np.ndarray, State, list[np.ndarray]], None
]


def _weight_decay(g: np.ndarray, p: np.ndarray, wd: float, t: np.ndarray) -> None:
    # torch: grad = grad.add(param, alpha=weight_decay)
    np.multiply(p, wd, out=t)
    np.add(g, t, out=g)


def _decay_weights(p: np.ndarray, lr: LearningRate, wd: float) -> None:
    # torch: param.mul_(1 - lr * weight_decay)
    np.multiply(p, 1 - lr * wd, out=p)


def _lerp(a: np.ndarray, b: np.ndarray, w: float, t: np.ndarray) -> None:
    # torch: a.lerp_(b, w), at::native::lerp — two formulas split at |w| = 0.5
    np.subtract(b, a, out=t)
    if abs(w) < 0.5:
        np.multiply(t, w, out=t)
        np.add(a, t, out=a)
    else:
        np.multiply(t, 1 - w, out=t)
        np.subtract(b, t, out=a)


def _ema_square(v: np.ndarray, g: np.ndarray, beta: float, t: np.ndarray) -> None:
    # torch: v.mul_(beta).addcmul_(g, g, value=1 - beta)  ->  v*beta + ((1-beta)*g)*g
    np.multiply(v, beta, out=v)
    np.multiply(g, 1 - beta, out=t)
    np.multiply(t, g, out=t)
    np.add(v, t, out=v)


def _addcdiv(p: np.ndarray, num: np.ndarray, den: np.ndarray, value: Any, t: np.ndarray) -> None:
    r"""torch's ``p.addcdiv_(num, den, value=v)``: :math:`p \leftarrow p + (v \cdot num) / den`.

    Computed in that order through the scratch buffer ``t`` (which must not alias ``den``).
    """
    np.multiply(num, value, out=t)
    np.divide(t, den, out=t)
    np.add(p, t, out=p)


def _sgd(
    hp: Mapping[str, Any],
    step: int,
    lr: Any,
    g: np.ndarray,
    p: np.ndarray,
    st: State,
    t: list[np.ndarray],
) -> None:
    r"""Stochastic gradient descent, optionally with momentum (``torch.optim.SGD``).

    Update rule, as torch writes it (:math:`\gamma` lr, :math:`\lambda` weight_decay,
    :math:`\mu` momentum, :math:`\tau` dampening)::

        g_t ← ∇f(θ_{t-1})
        if λ ≠ 0:  g_t ← g_t + λ θ_{t-1}
        if μ ≠ 0:
            if t > 1:  b_t ← μ b_{t-1} + (1 - τ) g_t
            else:      b_t ← g_t
            if nesterov:  g_t ← g_t + μ b_t
            else:         g_t ← b_t
        θ_t ← θ_{t-1} - γ g_t

    Parameters
    ----------
    momentum : float, default 0
        Momentum factor :math:`\mu` (≥ 0).
    dampening : float, default 0
        Dampening :math:`\tau` for momentum (in [0, 1]).
    weight_decay : float, default 0
        L2 penalty :math:`\lambda` (≥ 0).
    nesterov : bool, default False
        Nesterov momentum (needs momentum > 0 and dampening = 0).

    Notes
    -----
    State: ``momentum_buffer`` (when momentum ≠ 0). torch's first step copies the gradient into
    the buffer (``t = 1`` above). torch default lr: 1e-3.
    """
    (t1,) = t
    momentum = hp["momentum"]
    if hp["weight_decay"] != 0:
        _weight_decay(g, p, hp["weight_decay"], t1)
    direction = g
    if momentum != 0:
        buf = st["momentum_buffer"]
        if step == 1:
            np.copyto(buf, g)
        else:
            np.multiply(buf, momentum, out=buf)
            np.multiply(g, 1 - hp["dampening"], out=t1)
            np.add(buf, t1, out=buf)
        if hp["nesterov"]:
            np.multiply(buf, momentum, out=t1)
            np.add(g, t1, out=g)
        else:
            direction = buf
    np.multiply(direction, -lr, out=t1)
    np.add(p, t1, out=p)


def _adam(
    hp: Mapping[str, Any],
    step: int,
    lr: Any,
    g: np.ndarray,
    p: np.ndarray,
    st: State,
    t: list[np.ndarray],
) -> None:
    r"""Adam (``torch.optim.Adam``; ``torch.optim.AdamW`` with decoupled weight decay).

    Update rule, as torch writes it (:math:`\gamma` lr, :math:`\lambda` weight_decay)::

        g_t ← ∇f(θ_{t-1})
        if λ ≠ 0:
            if decoupled_weight_decay:  θ_{t-1} ← θ_{t-1} - γ λ θ_{t-1}
            else:                       g_t ← g_t + λ θ_{t-1}
        m_t ← β1 m_{t-1} + (1 - β1) g_t
        v_t ← β2 v_{t-1} + (1 - β2) g_t²
        m̂_t ← m_t / (1 - β1^t)
        if amsgrad:
            v_t^max ← max(v_{t-1}^max, v_t)
            v̂_t ← v_t^max / (1 - β2^t)
        else:
            v̂_t ← v_t / (1 - β2^t)
        θ_t ← θ_{t-1} - γ m̂_t / (√v̂_t + ε)

    Parameters
    ----------
    betas : (float, float), default (0.9, 0.999)
        Decay rates β1, β2 of the moment estimates (each in [0, 1)).
    eps : float, default 1e-8
        ε added to the denominator (≥ 0).
    weight_decay : float, default 0 (AdamW: 1e-2)
        λ (≥ 0).
    amsgrad : bool, default False
        Use the running maximum of v_t (AMSGrad).
    decoupled_weight_decay : bool, default False (AdamW: always True)
        Decay the weights directly instead of adding λθ to the gradient.

    Notes
    -----
    State: ``exp_avg``, ``exp_avg_sq`` (and ``max_exp_avg_sq`` with amsgrad). torch computes
    ``m_t`` with ``lerp_``, the denominator as ``√v_t / √(1 - β2^t) + ε`` and the step as
    ``θ + (-γ/(1 - β1^t)) · m_t / denom``; so does this code. torch default lr: 1e-3.
    """
    t1, t2 = t
    beta1, beta2 = hp["betas"]
    wd = hp["weight_decay"]
    if wd != 0:
        if hp["decoupled_weight_decay"]:
            _decay_weights(p, lr, wd)
        else:
            _weight_decay(g, p, wd, t1)
    exp_avg, exp_avg_sq = st["exp_avg"], st["exp_avg_sq"]
    _lerp(exp_avg, g, 1 - beta1, t1)
    _ema_square(exp_avg_sq, g, beta2, t1)
    bias_correction1 = 1 - beta1 ** float(step)
    bias_correction2 = 1 - beta2 ** float(step)
    step_size = lr / bias_correction1
    bias_correction2_sqrt = bias_correction2**0.5
    second = exp_avg_sq
    if hp["amsgrad"]:
        second = st["max_exp_avg_sq"]
        np.maximum(second, exp_avg_sq, out=second)
    np.sqrt(second, out=t1)
    np.divide(t1, bias_correction2_sqrt, out=t1)
    np.add(t1, hp["eps"], out=t1)
    _addcdiv(p, exp_avg, t1, -step_size, t2)


def _rmsprop(
    hp: Mapping[str, Any],
    step: int,
    lr: Any,
    g: np.ndarray,
    p: np.ndarray,
    st: State,
    t: list[np.ndarray],
) -> None:
    r"""RMSprop (``torch.optim.RMSprop``).

    Update rule, as torch writes it (:math:`\gamma` lr, :math:`\lambda` weight_decay,
    :math:`\mu` momentum)::

        g_t ← ∇f(θ_{t-1})
        if λ ≠ 0:  g_t ← g_t + λ θ_{t-1}
        v_t ← α v_{t-1} + (1 - α) g_t²
        ṽ_t ← v_t
        if centered:
            g^ave_t ← α g^ave_{t-1} + (1 - α) g_t
            ṽ_t ← ṽ_t - (g^ave_t)²
        if μ > 0:
            b_t ← μ b_{t-1} + g_t / (√ṽ_t + ε)
            θ_t ← θ_{t-1} - γ b_t
        else:
            θ_t ← θ_{t-1} - γ g_t / (√ṽ_t + ε)

    Parameters
    ----------
    alpha : float, default 0.99
        Smoothing constant α (in [0, 1]).
    eps : float, default 1e-8
        ε (≥ 0).
    weight_decay : float, default 0
        λ (≥ 0).
    momentum : float, default 0
        μ (≥ 0).
    centered : bool, default False
        Normalise by an estimate of the gradient's variance.

    Notes
    -----
    State: ``square_avg`` (and ``grad_avg`` when centered, ``momentum_buffer`` when μ > 0).
    torch default lr: 1e-2.
    """
    t1, t2 = t
    alpha = hp["alpha"]
    if hp["weight_decay"] != 0:
        _weight_decay(g, p, hp["weight_decay"], t1)
    square_avg = st["square_avg"]
    _ema_square(square_avg, g, alpha, t1)
    if hp["centered"]:
        grad_avg = st["grad_avg"]
        _lerp(grad_avg, g, 1 - alpha, t1)
        np.multiply(grad_avg, grad_avg, out=t1)
        np.subtract(square_avg, t1, out=t1)
        np.sqrt(t1, out=t1)
    else:
        np.sqrt(square_avg, out=t1)
    np.add(t1, hp["eps"], out=t1)
    if hp["momentum"] > 0:
        buf = st["momentum_buffer"]
        np.multiply(buf, hp["momentum"], out=buf)
        np.divide(g, t1, out=t2)
        np.add(buf, t2, out=buf)
        np.multiply(buf, -lr, out=t2)
        np.add(p, t2, out=p)
    else:
        _addcdiv(p, g, t1, -lr, t2)


def _adagrad(
    hp: Mapping[str, Any],
    step: int,
    lr: Any,
    g: np.ndarray,
    p: np.ndarray,
    st: State,
    t: list[np.ndarray],
) -> None:
    r"""Adagrad (``torch.optim.Adagrad``).

    Update rule, as torch writes it (:math:`\gamma` lr, :math:`\eta` lr_decay,
    :math:`\lambda` weight_decay, :math:`\tau` initial_accumulator_value)::

        state_sum_0 ← τ
        g_t ← ∇f(θ_{t-1})
        γ̃ ← γ / (1 + (t - 1) η)
        if λ ≠ 0:  g_t ← g_t + λ θ_{t-1}
        state_sum_t ← state_sum_{t-1} + g_t²
        θ_t ← θ_{t-1} - γ̃ g_t / (√state_sum_t + ε)

    Parameters
    ----------
    lr_decay : float, default 0
        η (≥ 0).
    weight_decay : float, default 0
        λ (≥ 0).
    initial_accumulator_value : float, default 0
        τ (≥ 0).
    eps : float, default 1e-10
        ε (≥ 0).

    Notes
    -----
    State: ``sum``. torch default lr: 1e-2.
    """
    t1, t2 = t
    if hp["weight_decay"] != 0:
        _weight_decay(g, p, hp["weight_decay"], t1)
    clr = lr / (1 + (float(step) - 1) * hp["lr_decay"])
    state_sum = st["sum"]
    np.multiply(g, g, out=t1)
    np.add(state_sum, t1, out=state_sum)
    np.sqrt(state_sum, out=t1)
    np.add(t1, hp["eps"], out=t1)
    _addcdiv(p, g, t1, -clr, t2)


def _adadelta(
    hp: Mapping[str, Any],
    step: int,
    lr: Any,
    g: np.ndarray,
    p: np.ndarray,
    st: State,
    t: list[np.ndarray],
) -> None:
    r"""Adadelta (``torch.optim.Adadelta``).

    Update rule, as torch writes it (:math:`\gamma` lr, :math:`\rho` rho,
    :math:`\lambda` weight_decay)::

        g_t ← ∇f(θ_{t-1})
        if λ ≠ 0:  g_t ← g_t + λ θ_{t-1}
        v_t ← v_{t-1} ρ + g_t² (1 - ρ)
        Δx_t ← √(u_{t-1} + ε) / √(v_t + ε) · g_t
        u_t ← u_{t-1} ρ + Δx_t² (1 - ρ)
        θ_t ← θ_{t-1} - γ Δx_t

    Parameters
    ----------
    rho : float, default 0.9
        ρ, decay of the running averages (in [0, 1]).
    eps : float, default 1e-6
        ε (≥ 0).
    weight_decay : float, default 0
        λ (≥ 0).

    Notes
    -----
    State: ``square_avg``, ``acc_delta``. torch default lr: 1.0.
    """
    t1, t2 = t
    rho = hp["rho"]
    eps = hp["eps"]
    if hp["weight_decay"] != 0:
        _weight_decay(g, p, hp["weight_decay"], t1)
    square_avg, acc_delta = st["square_avg"], st["acc_delta"]
    _ema_square(square_avg, g, rho, t1)
    np.add(square_avg, eps, out=t1)
    np.sqrt(t1, out=t1)  # std
    np.add(acc_delta, eps, out=t2)
    np.sqrt(t2, out=t2)  # delta
    np.divide(t2, t1, out=t2)
    np.multiply(t2, g, out=t2)
    _ema_square(acc_delta, t2, rho, t1)
    np.multiply(t2, -lr, out=t1)
    np.add(p, t1, out=p)


def _adamax(
    hp: Mapping[str, Any],
    step: int,
    lr: Any,
    g: np.ndarray,
    p: np.ndarray,
    st: State,
    t: list[np.ndarray],
) -> None:
    r"""Adamax, Adam with the infinity norm (``torch.optim.Adamax``).

    Update rule, as torch writes it (:math:`\gamma` lr, :math:`\lambda` weight_decay)::

        g_t ← ∇f(θ_{t-1})
        if λ ≠ 0:  g_t ← g_t + λ θ_{t-1}
        m_t ← β1 m_{t-1} + (1 - β1) g_t
        u_t ← max(β2 u_{t-1}, |g_t| + ε)
        θ_t ← θ_{t-1} - γ m_t / ((1 - β1^t) u_t)

    Parameters
    ----------
    betas : (float, float), default (0.9, 0.999)
        β1, β2 (each in [0, 1)).
    eps : float, default 1e-8
        ε (≥ 0).
    weight_decay : float, default 0
        λ (≥ 0).

    Notes
    -----
    State: ``exp_avg``, ``exp_inf``. torch default lr: 2e-3.
    """
    (t1,) = t
    beta1, beta2 = hp["betas"]
    if hp["weight_decay"] != 0:
        _weight_decay(g, p, hp["weight_decay"], t1)
    exp_avg, exp_inf = st["exp_avg"], st["exp_inf"]
    _lerp(exp_avg, g, 1 - beta1, t1)
    np.multiply(exp_inf, beta2, out=exp_inf)
    np.abs(g, out=t1)
    np.add(t1, hp["eps"], out=t1)
    np.maximum(exp_inf, t1, out=exp_inf)
    clr = lr / (1 - beta1 ** float(step))
    _addcdiv(p, exp_avg, exp_inf, -clr, t1)


def _nadam(
    hp: Mapping[str, Any],
    step: int,
    lr: Any,
    g: np.ndarray,
    p: np.ndarray,
    st: State,
    t: list[np.ndarray],
) -> None:
    r"""NAdam, Adam with Nesterov momentum (``torch.optim.NAdam``).

    Update rule, as torch writes it (:math:`\gamma` lr, :math:`\lambda` weight_decay,
    :math:`\psi` momentum_decay)::

        g_t ← ∇f(θ_{t-1});  θ_t ← θ_{t-1}
        if λ ≠ 0:
            if decoupled_weight_decay:  θ_t ← θ_{t-1} - γ λ θ_{t-1}
            else:                       g_t ← g_t + λ θ_{t-1}
        μ_t ← β1 (1 - ½ 0.96^(t ψ))
        μ_{t+1} ← β1 (1 - ½ 0.96^((t+1) ψ))
        m_t ← β1 m_{t-1} + (1 - β1) g_t
        v_t ← β2 v_{t-1} + (1 - β2) g_t²
        m̂_t ← μ_{t+1} m_t / (1 - ∏_{i=1}^{t+1} μ_i) + (1 - μ_t) g_t / (1 - ∏_{i=1}^{t} μ_i)
        v̂_t ← v_t / (1 - β2^t)
        θ_t ← θ_t - γ m̂_t / (√v̂_t + ε)

    Parameters
    ----------
    betas : (float, float), default (0.9, 0.999)
        β1, β2 (each in [0, 1)).
    eps : float, default 1e-8
        ε (≥ 0).
    weight_decay : float, default 0
        λ (≥ 0).
    momentum_decay : float, default 4e-3
        ψ (≥ 0).
    decoupled_weight_decay : bool, default False
        Decay the weights directly (NAdamW).

    Notes
    -----
    State: ``exp_avg``, ``exp_avg_sq`` and ``mu_product`` (∏ μ_i, one per batch element, shape
    ``(*batch, 1)``; torch keeps it per parameter tensor, in float64 when the default dtype is
    float64). torch default lr: 2e-3.
    """
    t1, t2 = t
    beta1, beta2 = hp["betas"]
    momentum_decay = hp["momentum_decay"]
    fstep = float(step)
    bias_correction2 = 1 - beta2**fstep
    wd = hp["weight_decay"]
    if wd != 0:
        if hp["decoupled_weight_decay"]:
            _decay_weights(p, lr, wd)
        else:
            _weight_decay(g, p, wd, t1)
    mu = beta1 * (1.0 - 0.5 * (0.96 ** (fstep * momentum_decay)))
    mu_next = beta1 * (1.0 - 0.5 * (0.96 ** ((fstep + 1) * momentum_decay)))
    mu_product = st["mu_product"]  # already multiplied by mu_t (_nadam_prepare)
    exp_avg, exp_avg_sq = st["exp_avg"], st["exp_avg_sq"]
    _lerp(exp_avg, g, 1 - beta1, t1)
    _ema_square(exp_avg_sq, g, beta2, t1)
    np.divide(exp_avg_sq, bias_correction2, out=t1)
    np.sqrt(t1, out=t1)
    np.add(t1, hp["eps"], out=t1)
    mu_product_next = mu_product * mu_next
    value_grad = -lr * (1.0 - mu) / (1.0 - mu_product)
    value_avg = (-lr * mu_next) / (1.0 - mu_product_next)
    _addcdiv(p, g, t1, value_grad, t2)
    _addcdiv(p, exp_avg, t1, value_avg, t2)


def _nadam_prepare(hp: Mapping[str, Any], step: int, state: State) -> None:
    # torch: mu_product *= mu  (once per update, for the whole tensor: before the blocks)
    beta1 = hp["betas"][0]
    mu = beta1 * (1.0 - 0.5 * (0.96 ** (float(step) * hp["momentum_decay"])))
    np.multiply(state["mu_product"], mu, out=state["mu_product"])


def _radam(
    hp: Mapping[str, Any],
    step: int,
    lr: Any,
    g: np.ndarray,
    p: np.ndarray,
    st: State,
    t: list[np.ndarray],
) -> None:
    r"""RAdam, rectified Adam (``torch.optim.RAdam``).

    Update rule, as torch writes it (:math:`\gamma` lr, :math:`\lambda` weight_decay)::

        ρ_∞ ← 2 / (1 - β2) - 1
        g_t ← ∇f(θ_{t-1});  θ_t ← θ_{t-1}
        if λ ≠ 0:
            if decoupled_weight_decay:  θ_t ← θ_t - γ λ θ_t
            else:                       g_t ← g_t + λ θ_t
        m_t ← β1 m_{t-1} + (1 - β1) g_t
        v_t ← β2 v_{t-1} + (1 - β2) g_t²
        m̂_t ← m_t / (1 - β1^t)
        ρ_t ← ρ_∞ - 2 t β2^t / (1 - β2^t)
        if ρ_t > 5:
            l_t ← √(1 - β2^t) / (√v_t + ε)
            r_t ← √((ρ_t - 4)(ρ_t - 2) ρ_∞ / ((ρ_∞ - 4)(ρ_∞ - 2) ρ_t))
            θ_t ← θ_t - γ m̂_t r_t l_t
        else:
            θ_t ← θ_t - γ m̂_t

    Parameters
    ----------
    betas : (float, float), default (0.9, 0.999)
        β1, β2 (each in [0, 1)).
    eps : float, default 1e-8
        ε (≥ 0).
    weight_decay : float, default 0
        λ (≥ 0).
    decoupled_weight_decay : bool, default False
        Decay the weights directly (RAdamW).

    Notes
    -----
    State: ``exp_avg``, ``exp_avg_sq``. As in torch, ``l_t`` is computed as
    ``reciprocal(√v_t + ε) · √(1 - β2^t)`` (torch's ``scalar / tensor``). torch default lr: 1e-3.
    """
    t1, t2 = t
    beta1, beta2 = hp["betas"]
    wd = hp["weight_decay"]
    if wd != 0:
        if hp["decoupled_weight_decay"]:
            _decay_weights(p, lr, wd)
        else:
            _weight_decay(g, p, wd, t1)
    exp_avg, exp_avg_sq = st["exp_avg"], st["exp_avg_sq"]
    _lerp(exp_avg, g, 1 - beta1, t1)
    _ema_square(exp_avg_sq, g, beta2, t1)
    fstep = float(step)
    bias_correction1 = 1 - beta1**fstep
    bias_correction2 = 1 - beta2**fstep
    np.divide(exp_avg, bias_correction1, out=t2)  # bias-corrected exp_avg
    rho_inf = 2 / (1 - beta2) - 1
    rho_t = rho_inf - 2 * fstep * (beta2**fstep) / bias_correction2
    np.multiply(t2, lr, out=t2)
    if rho_t > 5.0:
        rect = (
            (rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)
        ) ** 0.5
        np.sqrt(exp_avg_sq, out=t1)
        np.add(t1, hp["eps"], out=t1)
        np.reciprocal(t1, out=t1)
        np.multiply(t1, bias_correction2**0.5, out=t1)  # adaptive lr
        np.multiply(t2, t1, out=t2)
        np.multiply(t2, rect, out=t2)
    np.subtract(p, t2, out=p)


# --------------------------------------------------------------------------------------------
# Registry
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OptimizerInfo:
    """Registry entry of one torch optimizer."""

    name: str
    title: str
    summary: str
    default_lr: float
    params: tuple[_Param, ...]
    kernel: Kernel = field(repr=False)
    buffers: Callable[[Mapping[str, Any]], tuple[str, ...]] = field(repr=False)
    scratch: int = 2
    #: settings of the shared rule this optimizer always uses (not torch arguments)
    fixed: Mapping[str, Any] = field(default_factory=dict)
    prepare: Callable[[Mapping[str, Any], int, State], None] | None = field(
        default=None, repr=False
    )

    @property
    def defaults(self) -> dict[str, Any]:
        """Every hyperparameter of torch's signature with its default, lr excluded."""
        return {p.name: p.default for p in self.params}

    @property
    def doc(self) -> str:
        """The update rule (the kernel's docstring)."""
        return self.kernel.__doc__ or ""


@dataclass(frozen=True)
class Preset:
    """A named configuration of a torch optimizer from the seed vocabulary (``momentum``...)."""

    name: str
    title: str
    optimizer: str
    fixed: Mapping[str, Any]
    summary: str


def _adam_buffers(hp: Mapping[str, Any]) -> tuple[str, ...]:
    return (
        ("exp_avg", "exp_avg_sq", "max_exp_avg_sq") if hp["amsgrad"] else ("exp_avg", "exp_avg_sq")
    )


def _rmsprop_buffers(hp: Mapping[str, Any]) -> tuple[str, ...]:
    names = ["square_avg"]
    if hp["momentum"] > 0:
        names.append("momentum_buffer")
    if hp["centered"]:
        names.append("grad_avg")
    return tuple(names)


_ADAM_PARAMS = (
    _BETAS,
    _EPS8,
    _WD,
    _Param("amsgrad", False, kind="bool", doc="use the maximum of past squared gradients"),
)

_INFOS = (
    OptimizerInfo(
        "sgd",
        "SGD",
        "gradient descent, optionally with (Nesterov) momentum",
        1e-3,
        (
            _nonneg("momentum", 0.0, "momentum factor"),
            _unit("dampening", 0.0, "dampening for momentum"),
            _WD,
            _Param("nesterov", False, kind="bool", doc="Nesterov momentum"),
        ),
        _sgd,
        lambda hp: ("momentum_buffer",) if hp["momentum"] != 0 else (),
        scratch=1,
    ),
    OptimizerInfo(
        "adam",
        "Adam",
        "adaptive moment estimation",
        1e-3,
        (*_ADAM_PARAMS, _DECOUPLED),
        _adam,
        _adam_buffers,
    ),
    OptimizerInfo(
        "adamw",
        "AdamW",
        "Adam with decoupled weight decay",
        1e-3,
        (_BETAS, _EPS8, _nonneg("weight_decay", 1e-2, "decoupled weight decay"), _ADAM_PARAMS[3]),
        _adam,
        _adam_buffers,
        fixed=MappingProxyType({"decoupled_weight_decay": True}),
    ),
    OptimizerInfo(
        "rmsprop",
        "RMSprop",
        "divide the gradient by a running average of its magnitude",
        1e-2,
        (
            _unit("alpha", 0.99, "smoothing constant"),
            _EPS8,
            _WD,
            _nonneg("momentum", 0.0, "momentum factor"),
            _Param("centered", False, kind="bool", doc="normalise by the gradient's variance"),
        ),
        _rmsprop,
        _rmsprop_buffers,
    ),
    OptimizerInfo(
        "adagrad",
        "Adagrad",
        "per-coordinate steps shrinking with the sum of squared gradients",
        1e-2,
        (
            _nonneg("lr_decay", 0.0, "learning-rate decay"),
            _WD,
            _nonneg("initial_accumulator_value", 0.0, "initial value of the sum"),
            _nonneg("eps", 1e-10, "added to the denominator"),
        ),
        _adagrad,
        lambda hp: ("sum",),
    ),
    OptimizerInfo(
        "adadelta",
        "Adadelta",
        "adaptive steps from running averages of squared gradients and updates",
        1.0,
        (
            _unit("rho", 0.9, "decay of the running averages"),
            _nonneg("eps", 1e-6, "added inside the square roots"),
            _WD,
        ),
        _adadelta,
        lambda hp: ("square_avg", "acc_delta"),
    ),
    OptimizerInfo(
        "adamax",
        "Adamax",
        "Adam with the infinity norm",
        2e-3,
        (_BETAS, _EPS8, _WD),
        _adamax,
        lambda hp: ("exp_avg", "exp_inf"),
        scratch=1,
    ),
    OptimizerInfo(
        "nadam",
        "NAdam",
        "Adam with Nesterov momentum",
        2e-3,
        (
            _BETAS,
            _EPS8,
            _WD,
            _nonneg("momentum_decay", 4e-3, "momentum decay ψ"),
            _DECOUPLED,
        ),
        _nadam,
        lambda hp: ("exp_avg", "exp_avg_sq"),
        prepare=_nadam_prepare,
    ),
    OptimizerInfo(
        "radam",
        "RAdam",
        "Adam with a rectified variance estimate",
        1e-3,
        (_BETAS, _EPS8, _WD, _DECOUPLED),
        _radam,
        lambda hp: ("exp_avg", "exp_avg_sq"),
    ),
)

#: The torch optimizers, by torch's lower-case name.
OPTIMIZERS: Mapping[str, OptimizerInfo] = MappingProxyType({i.name: i for i in _INFOS})

#: Presets of the seed vocabulary: names for common SGD configurations.
PRESETS: Mapping[str, Preset] = MappingProxyType(
    {
        "gd": Preset(
            "gd", "GD", "sgd", MappingProxyType({"momentum": 0.0}), "plain gradient descent"
        ),
        "momentum": Preset(
            "momentum",
            "Momentum",
            "sgd",
            MappingProxyType({"momentum": 0.9, "nesterov": False}),
            "heavy-ball momentum",
        ),
        "nesterov": Preset(
            "nesterov",
            "Nesterov",
            "sgd",
            MappingProxyType({"momentum": 0.9, "nesterov": True}),
            "Nesterov momentum",
        ),
    }
)


def optimizer_names() -> list[str]:
    """Every name :func:`make_optimizer` accepts: the torch optimizers, then the presets."""
    return [*OPTIMIZERS, *PRESETS]


def _resolve(name: str) -> tuple[OptimizerInfo, Preset | None]:
    if not isinstance(name, str):
        raise ValueError(f"unknown optimizer {name!r}; choose from: {', '.join(optimizer_names())}")
    key = name.strip().lower()
    if key in OPTIMIZERS:
        return OPTIMIZERS[key], None
    if key in PRESETS:
        preset = PRESETS[key]
        return OPTIMIZERS[preset.optimizer], preset
    raise ValueError(
        f"unknown optimizer {name!r}{did_you_mean(key, optimizer_names())}; "
        f"choose from: {', '.join(optimizer_names())}"
    )


def default_lr(name: str) -> float:
    """torch's default learning rate of an optimizer or preset (``adadelta``: 1.0)."""
    return _resolve(name)[0].default_lr


def describe(name: str) -> str:
    """One line for ``gdviz list optimizers``: what it is and its defaults."""
    info, preset = _resolve(name)
    defaults = info.defaults
    hidden: set[str] = set()
    if preset is not None:
        hidden |= set(preset.fixed)
        head = f"{preset.title}: {preset.summary} (torch {info.title}"
        head += "".join(f", {k}={_fmt(v)}" for k, v in preset.fixed.items()) + ")"
    else:
        head = f"{info.title}: {info.summary}"
    shown = [f"lr={_fmt(info.default_lr)}"] + [
        f"{k}={_fmt(v)}" for k, v in defaults.items() if k not in hidden
    ]
    return f"{head}; defaults {', '.join(shown)}"


def _unknown_key(info: OptimizerInfo, key: str) -> ValueError:
    valid = [p.name for p in info.params]
    if key == "lr":
        return ValueError(
            f"lr is not a hyperparameter of {info.name}: pass it to the run "
            f"(torch's default for {info.name} is {info.default_lr!r})"
        )
    return ValueError(
        f"unknown hyperparameter {key!r} for {info.name}{did_you_mean(key, valid)}; "
        f"valid: {', '.join(valid)}"
    )


def parse_hyperparameter(optimizer: str, key: str, text: str) -> Any:
    """Parse the text of one hyperparameter, typed by its default.

    ``"0.9"`` → 0.9, ``"true"``/``"false"`` → bool, ``"0.9,0.999"`` → ``(0.9, 0.999)``. The value
    is range-checked as :func:`make_optimizer` would.

    Raises
    ------
    ValueError
        Unknown optimizer or key (the valid keys are listed), or text that is not a valid value.
    """
    info, _ = _resolve(optimizer)
    for param in info.params:
        if param.name == key:
            return param.parse(info.name, text)
    raise _unknown_key(info, key)


# --------------------------------------------------------------------------------------------
# Validation helpers
# --------------------------------------------------------------------------------------------


def validate_lr(lr: Any) -> None:
    """Raise ValueError unless ``lr`` (a number or an array) is finite and ≥ 0 everywhere."""
    try:
        array = np.asarray(lr, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"invalid learning rate: {lr!r} (expected a number)") from None
    if isinstance(lr, bool | np.bool_):
        raise ValueError(f"invalid learning rate: {lr!r} (expected a number)")
    bad = ~np.isfinite(array) | (array < 0)
    if np.any(bad):
        value = float(array[bad].flat[0]) if array.ndim else float(array)
        raise ValueError(f"invalid learning rate: {value!r} (must be finite and ≥ 0)")


# --------------------------------------------------------------------------------------------
# Optimizer
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Optimizer:
    """A torch optimizer with its hyperparameters (lr excluded: it is passed per update).

    Build it with :func:`make_optimizer`. ``hyperparams`` holds every torch hyperparameter (the
    defaults filled in, validated); ``preset`` is the seed-vocabulary name it was made from
    (``"momentum"``...) or None.
    """

    name: str
    hyperparams: Mapping[str, Any] = field(default_factory=dict)
    preset: str | None = None

    def __post_init__(self) -> None:
        info = OPTIMIZERS.get(self.name)
        if info is None:
            _resolve(self.name)  # raises with a suggestion
            raise ValueError(f"use make_optimizer({self.name!r}) for a preset")
        given = dict(self.hyperparams)
        for key, value in info.fixed.items():  # accepted when it states the fixed value
            if key in given:
                stated = given.pop(key)
                if not isinstance(stated, bool | np.bool_) or bool(stated) != value:
                    raise ValueError(
                        f"invalid {key} for {info.name}: {value!r} is built in, "
                        f"got {self.hyperparams[key]!r}"
                    )
        for key in given:
            if key not in info.defaults:
                raise _unknown_key(info, key)
        values: dict[str, Any] = {}
        for param in info.params:
            values[param.name] = (
                param.check(info.name, given[param.name]) if param.name in given else param.default
            )
        if info.name == "sgd" and values["nesterov"]:
            if values["momentum"] <= 0:
                raise ValueError(
                    f"invalid nesterov for sgd: True with momentum={values['momentum']!r} "
                    "(Nesterov momentum needs momentum > 0)"
                )
            if values["dampening"] != 0:
                raise ValueError(
                    f"invalid nesterov for sgd: True with dampening={values['dampening']!r} "
                    "(Nesterov momentum needs dampening = 0)"
                )
        if self.preset is not None:
            preset = PRESETS.get(self.preset)
            if preset is None or preset.optimizer != info.name:
                raise ValueError(f"unknown preset {self.preset!r} for {info.name}")
        object.__setattr__(self, "hyperparams", MappingProxyType(values))
        # what the rule reads: torch's arguments plus the settings built into this optimizer
        object.__setattr__(self, "_rule", MappingProxyType(values | dict(info.fixed)))

    def __hash__(self) -> int:
        return hash((self.name, tuple(self.hyperparams.items()), self.preset))

    def __reduce__(self) -> tuple[Any, ...]:  # pickle / deepcopy (mapping proxies do not pickle)
        return (Optimizer, (self.name, dict(self.hyperparams), self.preset))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Optimizer):
            return NotImplemented
        return (self.name, dict(self.hyperparams), self.preset) == (
            other.name,
            dict(other.hyperparams),
            other.preset,
        )

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={_fmt(v)}" for k, v in self.changed().items())
        head = self.preset or self.name
        return f"Optimizer({head}{', ' if args else ''}{args})"

    # -- descriptions ------------------------------------------------------------------------

    @property
    def info(self) -> OptimizerInfo:
        """The registry entry (torch title, default lr, update rule)."""
        return OPTIMIZERS[self.name]

    @property
    def title(self) -> str:
        """Display name: the preset's (``"Momentum"``) or torch's class name (``"RMSprop"``)."""
        return PRESETS[self.preset].title if self.preset else self.info.title

    @property
    def default_lr(self) -> float:
        """torch's default learning rate for this optimizer."""
        return self.info.default_lr

    def changed(self) -> dict[str, Any]:
        """The hyperparameters that differ from the defaults (of the preset, if any)."""
        base = self.info.defaults
        if self.preset:
            base |= dict(PRESETS[self.preset].fixed)
        return {k: v for k, v in self.hyperparams.items() if base.get(k) != v}

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form; ``make_optimizer(**d)`` style round trip via :meth:`from_dict`."""
        return {
            "name": self.name,
            "preset": self.preset,
            "hyperparams": {
                k: list(v) if isinstance(v, tuple) else v for k, v in self.hyperparams.items()
            },
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Optimizer:
        """Inverse of :meth:`to_dict`."""
        hyper = {
            k: tuple(v) if isinstance(v, list) else v for k, v in dict(data["hyperparams"]).items()
        }
        return cls(str(data["name"]), hyper, data.get("preset"))

    # -- the update --------------------------------------------------------------------------

    def init(self, params: np.ndarray) -> State:
        """Fresh state buffers (torch's state names) for ``params`` of shape ``(*batch, d)``."""
        shape = np.shape(params)
        if len(shape) == 0:
            raise ValueError("params must have at least one axis (the coordinates)")
        hp = self.hyperparams
        fill = hp["initial_accumulator_value"] if self.name == "adagrad" else 0.0
        state = {key: np.full(shape, fill, dtype=np.float64) for key in self.info.buffers(hp)}
        if self.name == "nadam":
            state["mu_product"] = np.ones((*shape[:-1], 1), dtype=np.float64)
        return state

    def update(
        self,
        grads: np.ndarray,
        state: Mapping[str, np.ndarray],
        params: np.ndarray,
        step: int,
        lr: LearningRate,
    ) -> tuple[np.ndarray, State]:
        """One update, purely: returns new ``(params, state)`` and modifies none of the inputs.

        Parameters
        ----------
        grads, params : ndarray, shape ``(*batch, d)``
        state : dict of ndarray
            From :meth:`init` or a previous update.
        step : int
            Number of this update, 1-based (torch's ``state['step']`` after its increment).
        lr : float or ndarray
            Learning rate(s), broadcastable against ``params``.
        """
        validate_lr(lr)
        new_params = np.array(params, dtype=np.float64, copy=True)
        new_grads = np.array(grads, dtype=np.float64, copy=True)
        new_state = {k: np.array(v, dtype=np.float64, copy=True) for k, v in state.items()}
        self.update_inplace(new_grads, new_state, new_params, step, lr)
        return new_params, new_state

    def update_inplace(
        self,
        grads: np.ndarray,
        state: State,
        params: np.ndarray,
        step: int,
        lr: LearningRate,
    ) -> None:
        """One update in place: mutates ``params`` and ``state``; may overwrite ``grads``.

        The one implementation of each rule (see :attr:`info` ``.doc``). Large batches are
        processed in cache-sized blocks, on several threads (:func:`set_num_threads`); the
        result is the same bits either way. Non-finite values propagate silently. ``lr`` is not
        range-checked here (hot loop): validate it once with :func:`validate_lr`. ``grads`` must
        not share memory with ``params`` or ``state``.
        """
        if isinstance(step, bool) or not isinstance(step, int | np.integer) or step < 1:
            raise ValueError(f"invalid step: {step!r} (must be an integer ≥ 1)")
        shape = params.shape
        if grads.shape != shape:
            raise ValueError(f"grads shape {grads.shape} does not match params shape {shape}")
        rate: Any = lr
        if isinstance(lr, np.ndarray) or not isinstance(lr, float | int):
            rate = np.asarray(lr, dtype=np.float64)
            try:
                fits = rate.ndim <= len(shape) and np.broadcast_shapes(rate.shape, shape) == shape
            except ValueError:
                fits = False
            if not fits:
                raise ValueError(f"lr shape {rate.shape} does not broadcast to params {shape}")
            if rate.size == 1:
                rate = float(rate.reshape(()))
        else:
            rate = float(lr)
        info = self.info
        kernel, count = info.kernel, info.scratch
        hp: Mapping[str, Any] = self._rule  # type: ignore[attr-defined]
        if info.prepare is not None:
            with np.errstate(all="ignore"):
                info.prepare(hp, int(step), state)
        buffers = list(state.items())
        ndim = len(shape)

        def run(pieces: list[tuple[slice, ...]]) -> None:
            with np.errstate(all="ignore"):
                for index in pieces:
                    p = params[index]
                    st = {k: _take(v, index, ndim) for k, v in buffers}
                    kernel(
                        hp,
                        int(step),
                        _take(rate, index, ndim),
                        grads[index],
                        p,
                        st,
                        _scratch(count, p.shape),
                    )

        size = params.size
        if size <= _PARALLEL_MIN or ndim == 0:
            with np.errstate(all="ignore"):
                kernel(hp, int(step), rate, grads, params, dict(buffers), _scratch(count, shape))
            return
        pieces = list(_blocks(shape, _BLOCK))
        workers = min(_num_threads, len(pieces))
        if workers <= 1:
            run(pieces)
            return
        share = -(-len(pieces) // workers)
        groups = [pieces[i : i + share] for i in range(0, len(pieces), share)]
        pool = _get_pool()
        futures = [pool.submit(run, group) for group in groups[1:]]
        try:
            run(groups[0])
        finally:
            wait(futures)  # never return while a worker still writes
        for future in futures:
            future.result()


def make_optimizer(name: str, **hyperparams: Any) -> Optimizer:
    """An :class:`Optimizer` by torch name (``"adam"``) or preset (``"gd"``, ``"momentum"``,
    ``"nesterov"``), with torch's hyperparameter names; omitted ones take torch's defaults.

    Raises
    ------
    ValueError
        Unknown name (the closest is suggested), unknown hyperparameter (the valid ones are
        listed) or an invalid value (the message names the parameter and the value).
    """
    info, preset = _resolve(name)
    if preset is None:
        return Optimizer(info.name, hyperparams)
    for key, value in preset.fixed.items():
        if key in hyperparams and hyperparams[key] != value:
            raise ValueError(
                f"invalid {key} for preset {preset.name}: {hyperparams[key]!r} "
                f"(the preset fixes {key}={_fmt(value)}; use 'sgd' for other values)"
            )
    return Optimizer(info.name, dict(preset.fixed) | hyperparams, preset=preset.name)
