"""The C library's scalar powers the page cannot reproduce by itself.

The optimizers compute ``beta ** step``, ``0.96 ** (step * psi)`` and ``bias_correction2 ** 0.5``
with CPython's float power, which calls the C library's ``pow`` (glibc: about 0.1 % of results
are one ulp from the true value). Chromium's JavaScript ``Math.pow`` calls that same ``pow``,
except for the exponents 2 and 0.5, which it evaluates as ``x * x`` and ``sqrt(x)`` — correctly
rounded, so not always the C library's bits. This module tabulates, for the default and the
common hyperparameter values, every base the optimizers raise to 2 or 0.5 whose C-library power
differs from ``x * x`` or ``sqrt(x)``; the page (``templates/js/scalars.js``) looks those up.
"""

from __future__ import annotations

import math
import struct
from collections.abc import Iterable, Iterator
from typing import Any

__all__ = [
    "COMMON_BETAS",
    "DEFAULT_STEPS",
    "NADAM_BASE",
    "bits",
    "calibration",
    "pow_table",
    "tabulated_bases",
]

#: β values (either of Adam's betas, Adamax's, NAdam's, RAdam's) whose powers are tabulated.
COMMON_BETAS: tuple[float, ...] = (0.0, 0.5, 0.8, 0.9, 0.95, 0.98, 0.99, 0.995, 0.999, 0.9999)
#: Steps tabulated for every β₂ of :data:`COMMON_BETAS` (the explorer's largest step budget).
DEFAULT_STEPS = 20_000
#: NAdam's momentum schedule raises this constant to step·ψ (torch's 0.96).
NADAM_BASE = 0.96


def bits(value: float) -> str:
    """The 16 hex digits of a double's bits (big-endian), the table's key."""
    return struct.pack(">d", value).hex()


def _bias_corrections(beta2: float, steps: int) -> Iterator[float]:
    # Adam, AdamW, NAdam, RAdam: bias_correction2 = 1 - beta2 ** float(step)
    for step in range(1, steps + 1):
        yield 1 - beta2 ** float(step)


def _radam_rectifications(beta2: float, steps: int) -> Iterator[float]:
    # RAdam (gdviz.optimizers._radam): the base of rect = (...) ** 0.5 where rho_t > 5
    if beta2 == 1.0:
        return
    rho_inf = 2 / (1 - beta2) - 1
    for step in range(1, steps + 1):
        fstep = float(step)
        bias_correction2 = 1 - beta2**fstep
        rho_t = rho_inf - 2 * fstep * (beta2**fstep) / bias_correction2
        if rho_t > 5.0:
            yield (rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)


def tabulated_bases(
    betas: Iterable[float] = COMMON_BETAS, steps: int = DEFAULT_STEPS
) -> dict[float, list[float]]:
    """Every base the optimizers raise to the power 2 or 0.5, for ``betas`` and ``steps``.

    Returns ``{2.0: [...], 0.5: [...]}``: β itself at step 2, and NAdam's 0.96 (its exponent
    step·ψ can be exactly 2 or 0.5); the bias corrections 1 − β₂ᵗ and RAdam's rectification
    bases for t = 1 … ``steps``.
    """
    squares = [*betas, NADAM_BASE]
    roots = [NADAM_BASE]
    for beta2 in betas:
        roots.extend(_bias_corrections(beta2, steps))
        roots.extend(_radam_rectifications(beta2, steps))
    return {2.0: squares, 0.5: roots}


def pow_table(betas: Iterable[float] = COMMON_BETAS, steps: int = DEFAULT_STEPS) -> dict[str, Any]:
    """The page's table: ``{"pow": {"2": {bits(x): bits(x ** 2.0)}, "0.5": {...}},
    "betas": [...], "steps": steps}``, listing only the bases where the C library's power
    differs from ``x * x`` or ``sqrt(x)``."""
    chosen = tuple(float(b) for b in betas)
    table: dict[str, dict[str, str]] = {"2": {}, "0.5": {}}
    for exponent, bases in tabulated_bases(chosen, steps).items():
        entries = table["2" if exponent == 2.0 else "0.5"]
        for base in bases:
            power = base**exponent
            plain = base * base if exponent == 2.0 else math.sqrt(base)
            if bits(power) != bits(plain):
                entries[bits(base)] = bits(power)
    return {
        "pow": table,
        "betas": list(chosen),
        "steps": int(steps),
        "calibration": calibration(),
    }


def calibration(count: int = 64, seed: int = 20261202) -> dict[str, list[list[str]]]:
    """Values the page compares its ``Math.pow``/``Math.cos`` with when it starts.

    ``{"pow": [[bits(x), bits(y), bits(x ** y)], ...], "cos": [[bits(x), bits(cos x)], ...]}``
    for seeded β-like bases with integer and NAdam-like exponents, and cosine-schedule
    arguments π·k/T. A browser whose library reproduces every one computes these scalars as
    this Python did; the page then calls runs that use them bit-identical (else 1e-12).
    """
    import random

    rng = random.Random(seed)
    powers: list[list[str]] = []
    for _ in range(count):
        base = rng.choice([rng.random(), 1 - 10 ** rng.uniform(-4, -0.5)])
        exponent = (
            float(rng.randint(3, 5000)) if rng.random() < 0.5 else rng.randint(1, 5000) * 0.004
        )
        if exponent in (2.0, 0.5):
            exponent = 3.0
        powers.append([bits(base), bits(exponent), bits(base**exponent)])
    cosines: list[list[str]] = []
    for _ in range(count):
        t_max = rng.randint(1, 5000)
        x = math.pi * rng.randint(0, 4 * t_max) / t_max
        cosines.append([bits(x), bits(math.cos(x))])
    return {"pow": powers, "cos": cosines}
