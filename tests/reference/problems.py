"""Test problems shared by the torch recorder and the test suite.

Each gradient is written with ``+ - * /`` between coordinates and Python floats only, one
operation at a time in a fixed order, so the same code run on numpy float64 arrays and on torch
float64 tensors produces identical bits (no library function, no ``**``, no reduction whose
order could differ). A problem's gradient maps a list of coordinates (arrays or tensors of any
shape) to the list of partial derivatives.

Used by ``record_torch.py`` (torch) and ``tests/test_optimizers.py`` (numpy).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

Coords = Sequence[Any]


@dataclass(frozen=True)
class Problem:
    """A gradient field and the starting points recorded on it.

    ``sgd_lr`` is a learning rate at which plain SGD stays bounded for the recorded steps.
    """

    name: str
    dim: int
    grad: Callable[[Coords], list[Any]]
    starts: tuple[tuple[float, ...], ...]
    sgd_lr: float


def rosenbrock_grad(c: Coords) -> list[Any]:
    """∇ of (1 - x)² + 100 (y - x²)²."""
    x, y = c
    d = y - x * x
    return [-2.0 * (1.0 - x) - 400.0 * x * d, 200.0 * d]


def elongated_grad(c: Coords) -> list[Any]:
    """∇ of x² + 10 y² (condition number 10)."""
    x, y = c
    return [2.0 * x, 20.0 * y]


def parabola_grad(c: Coords) -> list[Any]:
    """∇ of x² in one dimension."""
    (x,) = c
    return [2.0 * x]


#: Least squares ½‖A w - b‖² in three unknowns.
LSQ_A = ((1.0, 2.0, 0.5), (0.0, 1.5, -1.0), (2.0, -0.5, 1.0), (0.25, 0.0, 3.0))
LSQ_B = (1.0, -2.0, 0.5, 3.0)


def lstsq_grad(c: Coords) -> list[Any]:
    """∇ of ½‖A w - b‖² = Aᵀ (A w - b), summed in a fixed order."""
    w0, w1, w2 = c
    r = [((a0 * w0 + a1 * w1) + a2 * w2) - b for (a0, a1, a2), b in zip(LSQ_A, LSQ_B, strict=True)]
    grads = []
    for j in range(3):
        total = LSQ_A[0][j] * r[0]
        for i in range(1, 4):
            total = total + LSQ_A[i][j] * r[i]
        grads.append(total)
    return grads


WIDE_DIM = 20


def wide_grad(c: Coords) -> list[Any]:
    """∇ of Σ (i+1)/2 · x_i² in 20 dimensions (wider than one SIMD chunk of torch's kernels)."""
    return [float(i + 1) * x for i, x in enumerate(c)]


PROBLEMS: dict[str, Problem] = {
    p.name: p
    for p in (
        Problem("rosenbrock", 2, rosenbrock_grad, ((-1.2, 1.0), (0.5, -0.3)), 1e-3),
        Problem("elongated", 2, elongated_grad, ((2.0, 1.0),), 0.04),
        Problem("parabola", 1, parabola_grad, ((3.0,),), 0.3),
        Problem("lstsq", 3, lstsq_grad, ((0.5, -1.0, 2.0),), 0.05),
        Problem(
            "wide", WIDE_DIM, wide_grad, (tuple(1.0 - 0.1 * i for i in range(WIDE_DIM)),), 0.04
        ),
    )
}


def numpy_grad(problem: Problem, params: np.ndarray) -> np.ndarray:
    """The gradient at ``params`` of shape ``(*batch, dim)``, as a new float64 array."""
    coords = [params[..., i] for i in range(problem.dim)]
    return np.stack(problem.grad(coords), axis=-1)
