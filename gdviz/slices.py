"""Two-dimensional slices of an n-dimensional landscape: a plane, the loss on it, paths on it.

A landscape of :math:`d > 2` parameters (``least-squares``, ``mlp-moons``) cannot be drawn; a
*slice* of it can. A plane through parameter space is an origin :math:`o` and two directions
:math:`u, v \\in \\mathbb{R}^d`; its point at plane coordinates :math:`(a, b)` is

.. math::
    \\theta(a, b) = o + a\\,u + b\\,v,

and the picture is :math:`L(\\theta(a, b))` over a grid of :math:`(a, b)`
(:func:`slice_loss`, one batched call of the landscape), with each run's path mapped to the
plane (:func:`project`). Everything off the plane is invisible: the contours are the loss *on
the slice*, not under the run, and a projected path's own loss is generally not the contour
value beneath it. Every caption says so.

Two planes are offered:

* :func:`pca_plane` — the plane of the paths' two principal directions, as
  loss-landscape-anim (after Li et al. 2018, §7) draws an optimizer's path: it holds as much of
  the paths' movement as any plane can, and says how much (the explained variance);
* :func:`random_plane` — two random Gaussian directions through a point, by default
  *filter-normalised* (Li et al. 2018, §4): each filter of the direction — one row of a
  weight, one output neuron — is rescaled to the norm of the same filter of the point, so the
  slice's scale is comparable across layers and networks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from gdviz.landscapes import Landscape
    from gdviz.trajectory import Trajectory

__all__ = [
    "Plane",
    "filter_normalise",
    "pca_plane",
    "plane_grid",
    "project",
    "random_plane",
    "slice_loss",
]


@dataclass(frozen=True, eq=False)
class Plane:
    """A plane through parameter space: :math:`\\theta(a, b) = o + a u + b v`.

    Attributes
    ----------
    origin : ndarray, shape ``(d,)``
        :math:`o`, the point at plane coordinates (0, 0).
    directions : ndarray, shape ``(2, d)``
        :math:`u` and :math:`v` (linearly independent; orthonormal for a PCA plane).
    kind : str
        ``"pca"``, ``"filter-normalised"`` or ``"random"``: how the directions were chosen.
    explained : tuple of two floats, or None
        For a PCA plane, the fraction of the paths' variance along :math:`u` and :math:`v`.
    """

    origin: np.ndarray
    directions: np.ndarray
    kind: str
    explained: tuple[float, float] | None = None

    def __post_init__(self) -> None:
        # own read-only copies: the caller's arrays are never frozen or aliased
        for name in ("origin", "directions"):
            array = np.array(getattr(self, name), dtype=np.float64)
            array.setflags(write=False)
            object.__setattr__(self, name, array)
        if self.directions.shape != (2, self.dim):
            raise ValueError(
                f"a plane in {self.dim} dimensions needs directions of shape (2, {self.dim})"
            )

    @property
    def dim(self) -> int:
        """The dimension :math:`d` of the parameter space."""
        return int(self.origin.shape[0])

    def points(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """:math:`o + a u + b v` for plane coordinates ``a``, ``b`` (broadcast together);
        returns shape ``(*broadcast(a, b).shape, d)``."""
        a, b = np.broadcast_arrays(np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64))
        u, v = self.directions
        return self.origin + a[..., None] * u + b[..., None] * v


def _path_arrays(
    paths: Trajectory | np.ndarray | Sequence[Trajectory | np.ndarray],
) -> list[np.ndarray]:
    """The points ``(steps + 1, d)`` of one path or of each of several."""
    chosen = [paths] if isinstance(paths, np.ndarray) or hasattr(paths, "points") else paths
    arrays = [np.asarray(getattr(p, "points", p), dtype=np.float64) for p in chosen]
    if not arrays or any(a.ndim != 2 for a in arrays):
        raise ValueError("a path is an array of shape (steps + 1, d), or a Trajectory")
    if len({a.shape[1] for a in arrays}) != 1:
        raise ValueError("the paths have different numbers of parameters")
    return arrays


def pca_plane(paths: Trajectory | np.ndarray | Sequence[Trajectory | np.ndarray]) -> Plane:
    """The plane of the paths' two principal directions, through their mean.

    With the points of every path stacked as rows :math:`\\theta_1, \\dots, \\theta_N` and
    centred on their mean :math:`\\bar\\theta`, the SVD
    :math:`[\\theta_i - \\bar\\theta]_i = U \\Sigma V^\\top` gives the directions :math:`u, v`
    as the first two rows of :math:`V^\\top` (orthonormal) and the explained variance
    :math:`\\sigma_k^2 / \\sum_j \\sigma_j^2`, as scikit-learn's ``PCA`` (which
    loss-landscape-anim uses) computes them. Each direction's sign is chosen so that the first
    path moves towards positive coordinates (:math:`(\\theta_{\\text{end}} -
    \\theta_{\\text{start}}) \\cdot u \\ge 0`), which keeps figures stable.

    Parameters
    ----------
    paths : Trajectory, ndarray ``(steps + 1, d)``, or a sequence of them
        Several optimizers' paths share one plane when given together.

    Raises
    ------
    ValueError
        For fewer than two parameters, or paths that never move.
    """
    arrays = _path_arrays(paths)
    points = np.concatenate(arrays)
    if points.shape[1] < 2:
        raise ValueError("a plane needs at least two parameters")
    centre = points.mean(axis=0)
    _, sigma, vt = np.linalg.svd(points - centre, full_matrices=False)
    total = float(np.sum(sigma**2))
    if not np.isfinite(total) or total == 0.0:
        raise ValueError("the paths never move: they span no plane")
    travel = arrays[0][-1] - arrays[0][0]
    directions = vt[:2].copy()
    directions[np.einsum("kd,d->k", directions, travel) < 0] *= -1.0
    explained = sigma[:2] ** 2 / total
    return Plane(centre, directions, "pca", (float(explained[0]), float(explained[1])))


def filter_normalise(
    direction: np.ndarray, point: np.ndarray, landscape: Landscape, *, biases: str = "zero"
) -> np.ndarray:
    """Li et al.'s filter normalisation of ``direction`` at ``point``.

    For every filter :math:`j` of every weight tensor :math:`i` (one row of an ``nn.Linear``
    weight: the weights into one output neuron; see :class:`~gdviz.landscapes.Tensor`):

    .. math::
        d_{i,j} \\leftarrow \\frac{d_{i,j}}{\\lVert d_{i,j} \\rVert} \\lVert \\theta_{i,j} \\rVert,

    so each filter of the direction has the norm of the same filter of the point. Biases are
    set to zero (``biases="zero"``, Li et al.'s ``ignore='biasbn'``: the slice moves the
    weights only) or to the point's own biases (``biases="copy"``, their code's other
    choice). A landscape that declares no tensors is one filter: the whole direction is
    rescaled to :math:`\\lVert \\theta \\rVert`.
    """
    if biases not in ("zero", "copy"):
        raise ValueError(f"biases must be 'zero' or 'copy', got {biases!r}")
    direction = np.array(direction, dtype=np.float64)
    point = np.asarray(point, dtype=np.float64)

    def rescale(d: np.ndarray, theta: np.ndarray) -> np.ndarray:
        norm = np.linalg.norm(d, axis=-1, keepdims=True)
        return d / np.where(norm > 0, norm, 1.0) * np.linalg.norm(theta, axis=-1, keepdims=True)

    if not landscape.tensors:
        return rescale(direction, point)
    for tensor in landscape.tensors:
        part = slice(tensor.offset, tensor.stop)
        if tensor.is_weight:
            rows = (tensor.shape[0], tensor.size // tensor.shape[0])
            direction[part] = rescale(
                direction[part].reshape(rows), point[part].reshape(rows)
            ).ravel()
        else:
            direction[part] = 0.0 if biases == "zero" else point[part]
    return direction


def random_plane(
    landscape: Landscape,
    point: Sequence[float] | np.ndarray,
    seed: int = 0,
    filter_normalised: bool = True,
) -> Plane:
    """Two random directions through ``point`` (Li et al. 2018).

    :math:`u, v` are drawn as standard Gaussians from ``numpy.random.default_rng(seed)``
    (:math:`u` first) and, when ``filter_normalised``, filter-normalised at ``point``
    (:func:`filter_normalise`); otherwise each is scaled to unit length. They are not
    orthogonalised (in many dimensions two Gaussian directions are nearly orthogonal;
    :func:`project` handles any independent pair exactly).

    Raises
    ------
    ValueError
        For a point of the wrong size, or directions that are not independent (a point of
        zero weights has zero filters).
    """
    origin = np.asarray(point, dtype=np.float64)
    if origin.shape != (landscape.dim,):
        raise ValueError(f"{landscape.name} takes points of {landscape.dim} coordinates")
    rng = np.random.default_rng(seed)
    raw = rng.standard_normal((2, landscape.dim))
    if filter_normalised:
        directions = np.stack([filter_normalise(d, origin, landscape) for d in raw])
    else:
        directions = raw / np.linalg.norm(raw, axis=1, keepdims=True)
    if np.linalg.matrix_rank(directions) < 2:
        raise ValueError("the two directions are not independent: they span no plane")
    return Plane(origin, directions, "filter-normalised" if filter_normalised else "random")


def project(path: Trajectory | np.ndarray, plane: Plane) -> np.ndarray:
    """Plane coordinates ``(..., 2)`` of points ``(..., d)``: the orthogonal projection.

    With :math:`D = [u; v]` (2 × d) and the Gram matrix :math:`G = D D^\\top`, the point
    :math:`\\theta` maps to :math:`(a, b) = G^{-1} D (\\theta - o)`, the least-squares
    coordinates: exact for a point of the plane, the nearest point of the plane otherwise
    (for an orthonormal PCA plane, simply :math:`(u \\cdot (\\theta - o), v \\cdot
    (\\theta - o))`).
    """
    points = np.asarray(getattr(path, "points", path), dtype=np.float64)
    if points.shape[-1] != plane.dim:
        raise ValueError(
            f"the plane lies in {plane.dim} dimensions, got points of shape {points.shape}"
        )
    d = plane.directions
    return ((points - plane.origin) @ d.T) @ np.linalg.inv(d @ d.T)


def plane_grid(
    coordinates: np.ndarray | Sequence[np.ndarray], resolution: int = 81, margin: float = 0.25
) -> tuple[np.ndarray, np.ndarray]:
    """Grid axes ``(a, b)`` covering plane coordinates ``(..., 2)`` with a margin.

    Each axis spans the coordinates' range widened by ``margin`` of the larger of the two
    ranges on each side (so a path that moves mostly along :math:`u` still gets a readable
    window along :math:`v`), sampled at ``resolution`` points.
    """
    parts = [coordinates] if isinstance(coordinates, np.ndarray) else coordinates
    stacked = np.concatenate([np.reshape(c, (-1, 2)) for c in parts])
    stacked = stacked[np.isfinite(stacked).all(axis=1)]
    lo, hi = stacked.min(axis=0), stacked.max(axis=0)
    pad = margin * max(float(np.max(hi - lo)), 1e-9)
    axes = [np.linspace(lo[k] - pad, hi[k] + pad, resolution) for k in range(2)]
    return axes[0], axes[1]


def slice_loss(
    landscape: Landscape, plane: Plane, grid: tuple[np.ndarray, np.ndarray]
) -> np.ndarray:
    """:math:`L(o + a u + b v)` over the grid, in one batched call of the landscape.

    Parameters
    ----------
    grid : (ndarray, ndarray)
        The axes ``a`` (length ``nx``) and ``b`` (length ``ny``).

    Returns
    -------
    ndarray, shape ``(ny, nx)``
        Row ``j``, column ``i`` is the loss at ``(a[i], b[j])`` (``meshgrid``'s ``"xy"``
        order, as matplotlib's ``contour`` takes it).
    """
    a, b = np.meshgrid(np.asarray(grid[0]), np.asarray(grid[1]), indexing="xy")
    return landscape.loss(plane.points(a, b))
