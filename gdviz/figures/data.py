"""The numbers behind the figures, computed apart from any drawing.

Every array a figure shows comes from :func:`gdviz.descent.descend`, either through an
:class:`~gdviz.experiments.Experiment` (:func:`experiment_result`) or through one batched call
over many learning rates (:func:`lr_sweep`) or many starts (:func:`basin_map`). Nothing here
re-implements an update rule; the figure modules only map these arrays onto axes.

Results of experiments are cached per process (they are deterministic and immutable), so the
gallery runs ``race-valley`` once even though three figures show it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache

import numpy as np

from gdviz.claims import SliceFacts
from gdviz.descent import TrajectoryBatch, descend
from gdviz.experiments import Experiment, ExperimentResult, RunConfig, get_experiment
from gdviz.keyed import Keyed
from gdviz.landscapes import REGRESSION_X, REGRESSION_Y, Landscape, from_expression
from gdviz.slices import Plane
from gdviz.trajectory import Trajectory

__all__ = [
    "BasinMap",
    "NoiseFan",
    "NoiseRecipe",
    "ScalingComparison",
    "SliceView",
    "StabilitySweep",
    "basin_map",
    "behaviour",
    "builtin",
    "experiment_result",
    "feature_scaling",
    "lr_sweep",
    "minimum_loss",
    "nearest_minimum",
    "network_slice",
    "noise_fan",
    "noise_recipes",
    "resolve_experiments",
    "slice_view",
    "stability_sweep",
    "standardised_regression",
    "steps_near",
]


def builtin(name: str) -> Experiment:
    """A built-in experiment by name."""
    return get_experiment(name)


def experiment_result(experiment: Experiment | str) -> ExperimentResult:
    """Run an experiment once per process (keyed by its full, deterministic ``repr``)."""
    if isinstance(experiment, str):
        experiment = builtin(experiment)
    return _result(Keyed(experiment.fingerprint(), experiment))


@cache
def _result(experiment: Keyed[Experiment]) -> ExperimentResult:
    return experiment.value.run()


def behaviour(trajectory: Trajectory, minimum: float) -> str:
    """What a 1-D run did, in the shared words of :func:`gdviz.claims.verdict`:
    ``too small``, ``converges``, ``zig-zags`` or ``diverges``."""
    from gdviz.claims import verdict

    return verdict(trajectory, minimum).label


# ---------------------------------------------------------------------------- sweeps


def lr_sweep(
    landscape: Landscape,
    config: RunConfig,
    start: tuple[float, ...],
    lrs: np.ndarray,
    *,
    steps: int,
    grad_tol: float = 0.0,
) -> TrajectoryBatch:
    """Final points of ``config``'s optimizer for every rate in ``lrs``: one batched ``descend``.

    The batch has shape ``(len(lrs),)``; element ``i`` is the run from ``start`` at ``lrs[i]``
    (with ``config``'s hyperparameters and schedule), kept as final values only.
    """
    return descend(
        landscape,
        config.make_optimizer(),
        np.asarray(start, dtype=np.float64),
        lr=np.asarray(lrs, dtype=np.float64),
        steps=steps,
        schedule=config.make_schedule(),
        grad_tol=grad_tol,
        keep="final",
    )


@dataclass(frozen=True)
class StabilitySweep:
    """Plain GD's final loss against the learning rate, and the Hessian's stability limit.

    For a quadratic bowl with Hessian :math:`H`, GD multiplies the error along the eigenvector
    of :math:`\\lambda_i` by :math:`1 - \\eta\\lambda_i` per step; it converges iff
    :math:`|1 - \\eta\\lambda_{\\max}| < 1`, i.e. :math:`\\eta < 2/\\lambda_{\\max}`.
    """

    landscape: Landscape
    minimum: tuple[float, ...]
    eigenvalues: np.ndarray
    eigenvectors: np.ndarray
    lr_limit: float
    batch: TrajectoryBatch

    @property
    def lam_max(self) -> float:
        """The largest Hessian eigenvalue :math:`\\lambda_{max}` (GD is stable for
        :math:`\\eta < 2 / \\lambda_{max}`)."""
        return float(self.eigenvalues.max())

    def steep_error(self, trajectory: Trajectory) -> np.ndarray:
        """:math:`|v_{\\max}^\\top(\\theta_k - \\theta^*)|`: the distance to the minimum along
        the Hessian's steepest direction, at every step of ``trajectory``."""
        direction = self.eigenvectors[:, int(np.argmax(self.eigenvalues))]
        return np.abs((trajectory.points - np.asarray(self.minimum)) @ direction)


def stability_sweep(
    experiment: Experiment, *, count: int = 301, span: tuple[float, float] = (0.1, 2.0)
) -> StabilitySweep:
    """Sweep plain GD on ``experiment``'s landscape, rates ``span`` × 2/λmax, log-spaced.

    λmax is the largest eigenvalue of :meth:`Landscape.hessian` at the global minimum.
    """
    surface = experiment.surface
    if not surface.minima:
        raise ValueError(f"{surface.name} has no known minimum to take the Hessian at")
    minimum = surface.minima[0]
    eigenvalues, eigenvectors = np.linalg.eigh(surface.hessian(np.array(minimum)))
    limit = 2.0 / float(eigenvalues.max())
    lrs = np.geomspace(span[0] * limit, span[1] * limit, count)
    batch = lr_sweep(
        surface, RunConfig("gd", limit), experiment.starts[0], lrs, steps=experiment.steps
    )
    return StabilitySweep(surface, minimum, eigenvalues, eigenvectors, limit, batch)


def nearest_minimum(
    landscape: Landscape, points: np.ndarray, status: np.ndarray, tol: float
) -> np.ndarray:
    """Index of the known minimum within ``tol`` of each point, ``-1`` if none or diverged.

    ``points`` has shape ``(..., d)``; the result has shape ``(...)``.
    """
    minima = np.asarray(landscape.minima, dtype=np.float64)
    distance = np.linalg.norm(points[..., None, :] - minima, axis=-1)
    index = np.argmin(distance, axis=-1)
    close = np.take_along_axis(distance, index[..., None], axis=-1)[..., 0] < tol
    return np.where(close & (status != "diverged"), index, -1)


@dataclass(frozen=True)
class BasinMap:
    """Which known minimum each start of a grid reaches.

    ``labels[i, j]`` is the index into ``landscape.minima`` reached from ``(xs[j], ys[i])``
    (row ``i`` is ``y``, as in an image with ``origin="lower"``), or ``-1`` if the run diverged
    or ended farther than ``tol`` from every known minimum.
    """

    landscape: Landscape
    config: RunConfig
    steps: int
    tol: float
    xs: np.ndarray
    ys: np.ndarray
    labels: np.ndarray
    batch: TrajectoryBatch

    def share(self, label: int) -> float:
        """Fraction of starts with ``label``."""
        return float(np.mean(self.labels == label))


def basin_map(
    landscape: Landscape,
    *,
    lr: float = 0.01,
    steps: int = 300,
    resolution: int = 400,
    tol: float = 1e-2,
    grad_tol: float = 1e-6,
) -> BasinMap:
    """Run plain GD from every point of a ``resolution`` × ``resolution`` grid over the bounds.

    One batched :func:`~gdviz.descent.descend` call with ``keep="final"``.
    """
    (x_lo, x_hi), (y_lo, y_hi) = landscape.bounds
    xs = np.linspace(x_lo, x_hi, resolution)
    ys = np.linspace(y_lo, y_hi, resolution)
    grid_x, grid_y = np.meshgrid(xs, ys, indexing="xy")
    starts = np.stack([grid_x, grid_y], axis=-1)
    config = RunConfig("gd", lr)
    batch = descend(
        landscape,
        config.make_optimizer(),
        starts,
        lr=lr,
        steps=steps,
        grad_tol=grad_tol,
        keep="final",
    )
    assert isinstance(batch, TrajectoryBatch)
    labels = nearest_minimum(landscape, batch.final_points, batch.status, tol)
    return BasinMap(landscape, config, steps, tol, xs, ys, labels, batch)


# ---------------------------------------------------------------------------- feature scaling


@cache
def standardised_regression() -> tuple[Landscape, float, float]:
    """Seed 000's regression with the feature standardised: :math:`x' = (x - \\mu)/\\sigma`.

    Returns the landscape :math:`L(w, b) = \\frac15\\sum_i (w x'_i + b - y_i)^2` (exact symbolic
    gradient) with ``(mu, sigma)``. A line :math:`y = w x + b` is the line
    :math:`y = (w\\sigma) x' + (b + w\\mu)` in the new feature, so both problems can start from
    the same line. Its Hessian is :math:`2I`: perfectly round, where the raw feature's is
    elongated.
    """
    mu = float(np.mean(REGRESSION_X))
    sigma = float(np.std(REGRESSION_X))
    scaled = (REGRESSION_X - mu) / sigma
    terms = " + ".join(
        f"(w*{float(x)!r} + b - {float(y)!r})**2" for x, y in zip(scaled, REGRESSION_Y, strict=True)
    )
    text = f"({terms})/{len(scaled)}"
    w_opt = float(np.mean(scaled * REGRESSION_Y) / np.mean(scaled * scaled))
    b_opt = float(np.mean(REGRESSION_Y))
    landscape = from_expression(
        text,
        name="standardised-regression",
        title="Linear regression, standardised feature",
        variables=("w", "b"),
        bounds=((-0.2, 1.8), (0.5, 5.5)),
        minima=((w_opt, b_opt),),
        kind="convex",
        description="Seed 000's data with x standardised to zero mean and unit variance.",
    )
    return landscape, mu, sigma


def resolve_experiments(
    experiments: Experiment | Sequence[Experiment] | Mapping[str, Experiment] | None,
    defaults: Sequence[str],
) -> list[Experiment]:
    """The experiments a figure draws: the given ones, or the built-ins named in ``defaults``."""
    if experiments is None:
        return [builtin(name) for name in defaults]
    if isinstance(experiments, Experiment):
        return [experiments]
    if isinstance(experiments, Mapping):
        return list(experiments.values())
    return list(experiments)


@dataclass(frozen=True)
class ScalingComparison:
    """Plain GD on seed 000's regression with the raw and the standardised feature.

    Both runs start from the same line and use the same rate: ``safety`` × 2/λmax of the raw
    problem's Hessian, the largest rate that is safe there. ``condition`` holds each Hessian's
    condition number :math:`\\kappa = \\lambda_{\\max}/\\lambda_{\\min}`.
    """

    raw: Landscape
    raw_run: Trajectory
    scaled: Landscape
    scaled_run: Trajectory
    lr: float
    condition: tuple[float, float]


def _condition(landscape: Landscape) -> tuple[float, float]:
    eigenvalues = np.linalg.eigvalsh(landscape.hessian(np.array(landscape.minima[0])))
    return float(eigenvalues.max()), float(eigenvalues.max() / eigenvalues.min())


@cache
def feature_scaling(steps: int = 40, safety: float = 0.9) -> ScalingComparison:
    """Run :class:`ScalingComparison` (seed 002's feature-scaling pitfall on seed 000's data)."""
    experiment = builtin("linear-regression")
    raw = experiment.surface
    scaled, mu, sigma = standardised_regression()
    lam_max, kappa_raw = _condition(raw)
    _, kappa_scaled = _condition(scaled)
    lr = safety * 2.0 / lam_max
    w0, b0 = experiment.starts[0]
    config = RunConfig("gd", lr)
    raw_run = descend(
        raw, config.make_optimizer(), np.array([w0, b0]), lr=lr, steps=steps, grad_tol=0
    )
    scaled_run = descend(
        scaled,
        config.make_optimizer(),
        np.array([w0 * sigma, b0 + w0 * mu]),
        lr=lr,
        steps=steps,
        grad_tol=0,
    )
    assert isinstance(raw_run, Trajectory) and isinstance(scaled_run, Trajectory)
    return ScalingComparison(raw, raw_run, scaled, scaled_run, lr, (kappa_raw, kappa_scaled))


def steps_near(trajectory: Trajectory, point: tuple[float, ...], radius: float) -> int:
    """How many of the trajectory's points lie within ``radius`` of ``point``."""
    distance = np.linalg.norm(trajectory.points - np.asarray(point), axis=-1)
    return int(np.sum(distance < radius))


# ---------------------------------------------------------------------------- noise


def full_batch(experiment: Experiment) -> Experiment:
    """The same experiment without minibatches: every step on the full data set."""
    return replace(experiment, name=f"{experiment.name}-full", batch_size=None, seed=0)


@dataclass(frozen=True)
class NoiseFan:
    """A minibatch run's seeds (``experiment``'s first run, first start) and its full-batch twin.

    ``band`` holds, per step, the :data:`gdviz.claims.BAND` percentiles and the median of the
    seeds' full-data loss, shape ``(3, steps + 1)`` (low, median, high).
    """

    experiment: Experiment
    seeds: tuple[Trajectory, ...]
    full: Trajectory
    band: np.ndarray


def noise_fan(experiment: Experiment | str = "noise-fan") -> NoiseFan:
    """The seeds of ``experiment`` (a minibatch experiment) and the same run on the full batch."""
    from gdviz.claims import BAND

    if isinstance(experiment, str):
        experiment = builtin(experiment)
    seeds = experiment_result(experiment).seed_runs(0, 0)
    full = experiment_result(full_batch(experiment)).trajectories[0, 0]
    losses = np.stack([t.losses for t in seeds])
    low, high = np.percentile(losses, BAND, axis=0)
    band = np.stack([low, np.median(losses, axis=0), high])
    band.setflags(write=False)
    return NoiseFan(experiment, seeds, full, band)


def minimum_loss(landscape: Landscape) -> float:
    """:math:`L^*`: the loss at the landscape's first (global) known minimum."""
    return float(landscape.loss(np.asarray(landscape.minima[0], dtype=np.float64)))


@dataclass(frozen=True)
class NoiseRecipe:
    """One run of a minibatch experiment over its seeds: the excess full-data loss
    :math:`L(\\theta_k) - L^*` per seed ``(seeds, steps + 1)``, its band (as
    :attr:`NoiseFan.band`) and the learning rate per step."""

    config: RunConfig
    runs: tuple[Trajectory, ...]
    excess: np.ndarray
    band: np.ndarray
    lrs: np.ndarray


def noise_recipes(experiment: Experiment | str = "noise-floor") -> list[NoiseRecipe]:
    """Each run of ``experiment`` (from its first start) over all its seeds."""
    from gdviz.claims import BAND, excess_losses

    if isinstance(experiment, str):
        experiment = builtin(experiment)
    result = experiment_result(experiment)
    floor = minimum_loss(experiment.surface)
    recipes = []
    for r, config in enumerate(experiment.runs):
        runs = result.seed_runs(r, 0)
        excess = excess_losses(runs, floor)
        low, high = np.percentile(excess, BAND, axis=0)
        band = np.stack([low, np.median(excess, axis=0), high])
        recipes.append(NoiseRecipe(config, runs, excess, band, runs[0].lrs))
    return recipes


# ---------------------------------------------------------------------------- slices


@dataclass(frozen=True, eq=False)
class SliceView:
    """An n-dimensional experiment drawn on the PCA plane of its runs' paths.

    ``a``, ``b`` are the grid axes in plane coordinates, ``loss`` the loss on the plane over
    them ``(len(b), len(a))`` (:func:`gdviz.slices.slice_loss`: one batched call), ``paths``
    each run's projected path ``(steps + 1, 2)`` in run order, ``facts`` what the slice shows
    and hides (:func:`gdviz.claims.slice_facts`), ``through`` the index of the run whose final
    point a random plane passes through (None for a PCA plane).
    """

    plane: Plane
    a: np.ndarray
    b: np.ndarray
    loss: np.ndarray
    paths: tuple[np.ndarray, ...]
    facts: SliceFacts
    through: int | None = None


#: Grid points per axis of a slice.
SLICE_RESOLUTION = 121


#: The planes a slice can be drawn on.
SLICE_PLANES = ("pca", "filter-normalised", "random")


def slice_view(
    landscape: Landscape,
    trajectories: Sequence[Trajectory],
    plane: str = "pca",
    seed: int = 0,
    resolution: int = SLICE_RESOLUTION,
) -> SliceView:
    """The loss of ``landscape`` on a plane through ``trajectories``, with their projections.

    ``plane`` is ``"pca"`` (the paths' principal plane through their mean,
    :func:`gdviz.slices.pca_plane`), or ``"filter-normalised"`` / ``"random"``: two random
    directions drawn from ``seed`` (:func:`gdviz.slices.random_plane`, Li et al. 2018) through
    the final point of the run that ends lowest (:attr:`SliceView.through`). The grid covers
    the projected paths and, for a random plane, the window ``[-1, 1]²`` of Li et al.'s
    figures around that point.

    Raises
    ------
    ValueError
        For an unknown ``plane``, or paths that span no plane.
    """
    from gdviz.claims import slice_facts
    from gdviz.slices import pca_plane, plane_grid, project, random_plane, slice_loss

    if plane not in SLICE_PLANES:
        raise ValueError(f"unknown plane '{plane}' (choose from {', '.join(SLICE_PLANES)})")
    through = None
    if plane == "pca":
        chosen = pca_plane(list(trajectories))
        extra: list[np.ndarray] = []
    else:
        through = int(np.argmin([t.final_loss for t in trajectories]))
        chosen = random_plane(
            landscape,
            trajectories[through].final_point,
            seed,
            filter_normalised=plane == "filter-normalised",
        )
        extra = [np.array([[-1.0, -1.0], [1.0, 1.0]])]
    paths = tuple(project(t, chosen) for t in trajectories)
    a, b = plane_grid([*paths, *extra], resolution=resolution)
    return SliceView(
        chosen,
        a,
        b,
        slice_loss(landscape, chosen, (a, b)),
        paths,
        slice_facts(landscape, chosen, trajectories),
        through,
    )


def network_slice(experiment: Experiment, plane: str = "pca", seed: int = 0) -> SliceView:
    """:func:`slice_view` of ``experiment``'s runs from its first start, cached per process
    (the figure, its caption and the report chapter share one computation)."""
    return _network_slice(Keyed(experiment.fingerprint(), experiment), plane, seed)


@cache
def _network_slice(experiment: Keyed[Experiment], plane: str, seed: int) -> SliceView:
    trajectories = [t for _, t in experiment_result(experiment.value).by_run()]
    return slice_view(experiment.value.surface, trajectories, plane, seed)
