"""Benchmark the loss over a slice of mlp-moons: one batched call against a loop over the grid.

:func:`gdviz.slices.slice_loss` evaluates the network's loss at every point of an ``n × n``
grid on the PCA plane of the ``mlp-moons`` experiment's paths in one batched call of the
landscape. The peers, timed in the same process on the same plane and grid:

* ``loop``: the loss evaluated point by point through the same public
  :meth:`~gdviz.landscapes.Landscape.loss` — how loss-landscape-anim fills its grid (a double
  loop loading each flat parameter vector into the model);
* ``torch loop`` (when torch is importable): loss-landscape-anim's own way, an
  ``nn.Sequential(Linear(2, 8), Tanh(), Linear(8, 1))`` in float64 loaded from each grid point
  with ``torch.nn.utils.vector_to_parameters`` and ``BCEWithLogitsLoss`` under ``no_grad``.

Best of ``--repeats``; prints milliseconds and the batched call's speed-up over each peer, and
checks that the values agree (bit for bit with the loop, within 1e-12 with torch). Run:
``python benchmarks/bench_slices.py`` (``--sizes 41,81``).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import numpy as np

from gdviz.experiments import get_experiment
from gdviz.figures.data import experiment_result
from gdviz.slices import Plane, pca_plane, plane_grid, project, slice_loss

SIZES = (41, 81, 121)
REPEATS = 3


def best(fn: Callable[[], np.ndarray], repeats: int) -> tuple[float, np.ndarray]:
    times, value = [], np.empty(0)
    for _ in range(repeats):
        start = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - start)
    return min(times), value


def torch_loop(plane: Plane, a: np.ndarray, b: np.ndarray) -> Callable[[], np.ndarray] | None:
    try:
        import torch
    except ImportError:
        return None
    from gdviz.landscapes import get_landscape

    data = get_landscape("mlp-moons").data
    assert data is not None
    X = torch.tensor(data.X, dtype=torch.float64)
    y = torch.tensor(data.y, dtype=torch.float64)
    model = torch.nn.Sequential(
        torch.nn.Linear(2, 8), torch.nn.Tanh(), torch.nn.Linear(8, 1)
    ).double()
    criterion = torch.nn.BCEWithLogitsLoss()
    points = plane.points(*np.meshgrid(a, b, indexing="xy"))

    def run() -> np.ndarray:
        out = np.empty(points.shape[:2])
        with torch.no_grad():
            for j in range(points.shape[0]):
                for i in range(points.shape[1]):
                    torch.nn.utils.vector_to_parameters(
                        torch.from_numpy(points[j, i]), model.parameters()
                    )
                    out[j, i] = criterion(model(X)[:, 0], y).item()
        return out

    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)))
    parser.add_argument("--repeats", type=int, default=REPEATS)
    args = parser.parse_args()
    experiment = get_experiment("mlp-moons")
    landscape = experiment.surface
    trajectories = [t for _, t in experiment_result(experiment).by_run()]
    plane = pca_plane(trajectories)
    paths = [project(t, plane) for t in trajectories]
    print(f"mlp-moons ({landscape.dim} parameters, {landscape.data.n} samples), PCA plane")  # type: ignore[union-attr]
    for n in map(int, args.sizes.split(",")):
        a, b = plane_grid(paths, resolution=n)
        batched_s, batched = best(
            lambda a=a, b=b: slice_loss(landscape, plane, (a, b)), args.repeats
        )

        def loop(a: np.ndarray = a, b: np.ndarray = b) -> np.ndarray:
            out = np.empty((len(b), len(a)))
            for j in range(len(b)):
                for i in range(len(a)):
                    out[j, i] = landscape.loss(plane.points(a[i], b[j]))
            return out

        loop_s, looped = best(loop, 1)
        np.testing.assert_array_equal(batched, looped)
        line = (
            f"{n:>4}² points: slice_loss {batched_s * 1e3:8.1f} ms | loop {loop_s * 1e3:8.1f} ms "
            f"({loop_s / batched_s:5.1f}× faster)"
        )
        peer = torch_loop(plane, a, b)
        if peer is not None:
            torch_s, by_torch = best(peer, 1)
            np.testing.assert_allclose(batched, by_torch, rtol=1e-12)
            line += f" | torch loop {torch_s * 1e3:8.1f} ms ({torch_s / batched_s:5.1f}× faster)"
        print(line)


if __name__ == "__main__":
    main()
