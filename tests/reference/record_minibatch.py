"""Record torch replays of minibatch runs into ``minibatch_reference.json``.

Each case is a data landscape of gdviz, an optimizer, a learning rate, a batch size and a seed.
torch replays it under the contract of :mod:`gdviz.batches` — ``numpy.random.default_rng(seed)``,
one ``rng.permutation(n)`` per epoch walked in consecutive slices (the last one shorter), one
``optimizer.step()`` per slice on the slice's mean loss — in float64 with ``foreach=False``,
the problems written as a torch user would write them:

* ``linear-regression``, ``least-squares``: ``nn.MSELoss()`` (``reduction="mean"``) of
  ``w·x + b`` / ``X @ θ``;
* ``logistic-regression``: ``nn.BCEWithLogitsLoss()`` of ``w·x + b``;
* ``mlp-moons``: ``nn.Sequential(nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, 1))`` loaded with
  gdviz's recorded initial point (torch's layout), ``nn.BCEWithLogitsLoss()``.

The data come from gdviz (``landscape.data``: X, y), the starts from the landscapes' defaults.

Each run is replayed a second time from the start moved one ulp up in every coordinate
(``numpy.nextafter``). ``horizon`` is the last step up to which the two torch runs still agree to
``RTOL`` (``‖a_k − b_k‖∞ ≤ RTOL · ‖a_k‖∞``): past it, rounding amplified by the dynamics makes
torch disagree with itself, so no implementation can be held to it. Only the points up to the
horizon are recorded. Run: ``make reference``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import numpy as np
import torch

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from gdviz.landscapes import get_landscape  # noqa: E402

OUT = Path(__file__).with_name("minibatch_reference.json")
RTOL = 1e-7

#: (landscape, optimizer, lr, batch_size, seed, steps)
CASES: list[tuple[str, str, float, int, int, int]] = [
    ("linear-regression", "sgd", 0.02, 2, 7, 300),
    ("linear-regression", "adam", 0.1, 2, 7, 300),
    ("least-squares", "sgd", 0.1, 10, 3, 300),
    ("least-squares", "adam", 0.05, 16, 3, 300),
    ("logistic-regression", "sgd", 0.5, 4, 1, 300),
    ("logistic-regression", "adam", 0.1, 4, 1, 300),
    ("mlp-moons", "sgd", 0.5, 16, 0, 300),
    ("mlp-moons", "adam", 0.02, 16, 0, 300),
]

OPTIMIZERS = {"sgd": torch.optim.SGD, "adam": torch.optim.Adam}


def _model(name: str, theta: torch.Tensor) -> Any:
    """``predict(X) -> outputs`` and the loss of the problem, with ``theta`` as its parameters."""
    if name == "mlp-moons":
        network = torch.nn.Sequential(torch.nn.Linear(2, 8), torch.nn.Tanh(), torch.nn.Linear(8, 1))
        with torch.no_grad():
            torch.nn.utils.vector_to_parameters(theta, network.parameters())
        return network, list(network.parameters()), torch.nn.BCEWithLogitsLoss()
    w = torch.nn.Parameter(theta.clone())
    if name == "least-squares":
        return (lambda X: X @ w), [w], torch.nn.MSELoss()
    loss = torch.nn.BCEWithLogitsLoss() if name == "logistic-regression" else torch.nn.MSELoss()
    return (lambda X: w[0] * X[:, 0] + w[1]), [w], loss


def replay(name: str, opt: str, lr: float, size: int, seed: int, steps: int, start) -> np.ndarray:
    """The parameters after each step (row 0 the start), shape ``(steps + 1, d)``."""
    data = get_landscape(name).data
    X, y = torch.tensor(data.X), torch.tensor(data.y)
    predict, params, criterion = _model(name, torch.tensor(np.asarray(start, dtype=np.float64)))
    optimizer = OPTIMIZERS[opt](params, lr=lr, foreach=False)
    n = len(data.y)
    rng = np.random.default_rng(seed)

    def flat() -> np.ndarray:
        return torch.nn.utils.parameters_to_vector(params).detach().numpy().copy()

    points = [flat()]
    while len(points) <= steps:
        order = rng.permutation(n)
        for lo in range(0, n, size):
            if len(points) > steps:
                break
            rows = torch.from_numpy(order[lo : lo + size])
            optimizer.zero_grad()
            out = predict(X[rows])
            loss = criterion(out.reshape(-1), y[rows])
            loss.backward()
            optimizer.step()
            points.append(flat())
    return np.array(points)


def horizon(a: np.ndarray, b: np.ndarray) -> int:
    """The last step up to which ``a`` and ``b`` agree to :data:`RTOL`."""
    scale = np.max(np.abs(a), axis=1)
    bad = np.max(np.abs(a - b), axis=1) > RTOL * scale
    return int(np.argmax(bad)) - 1 if bad.any() else len(a) - 1


def main() -> None:
    torch.set_default_dtype(torch.float64)
    cases = []
    for name, opt, lr, size, seed, steps in CASES:
        start = np.array(get_landscape(name).starts[0], dtype=np.float64)
        a = replay(name, opt, lr, size, seed, steps, start)
        b = replay(name, opt, lr, size, seed, steps, np.nextafter(start, np.inf))
        h = horizon(a, b)
        cases.append(
            {
                "landscape": name,
                "optimizer": opt,
                "lr": lr,
                "batch_size": size,
                "seed": seed,
                "steps": steps,
                "start": start.tolist(),
                "horizon": h,
                "points": a[: h + 1].tolist(),
            }
        )
        print(f"{name:20} {opt:5} horizon {h} of {steps}")
    record = {"torch": torch.__version__, "rtol": RTOL, "cases": cases}
    OUT.write_text(json.dumps(record, indent=0) + "\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
