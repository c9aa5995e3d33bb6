"""The data behind the report's interactive explorer (seed 003's "play with it" lesson).

For every explorer landscape and every optimizer, one batched :func:`~gdviz.descent.descend`
call runs a grid of learning rates × a few starting points (batch shape ``(L, S)``). The page
draws the paths from compact copies (16-bit coordinates, float32 losses); every result
it *prints* as an outcome (stop step, final loss, status) is formatted here from the core's
float64 values.
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass
from typing import Any

import numpy as np

from gdviz.descent import descend
from gdviz.landscapes import Landscape, get_landscape
from gdviz.numbers import format_number, format_point
from gdviz.style import LANDSCAPE_CMAP, optimizer_color, optimizer_label

__all__ = [
    "EXPLORER_LANDSCAPES",
    "EXPLORER_OPTIMIZERS",
    "OFF_MAP",
    "QUANT",
    "ExplorerLandscape",
    "build_explorer",
    "decode_points",
    "encode_float32",
    "encode_points",
    "learning_rate_grid",
]

#: The explorer draws from compact copies of the core's float64 paths: coordinates quantised to
#: 16-bit integers over the plot window widened by one span on every side (a resolution of
#: 1/21845 of the span; points beyond it are pinned to :data:`OFF_MAP`), per-step losses as
#: float32 (7 significant digits). Both are base64 strings inside the JSON.
QUANT = 32766
OFF_MAP = 32767
#: Learning rates per optimizer, log-spaced from ``centre/25`` to ``centre·6.3``.
GRID_SIZE = 12
#: Index of the centre (the optimizer's sensible rate) in the grid.
CENTRE_INDEX = 7
_LOW_DECADES, _HIGH_DECADES = 1.4, 0.8

EXPLORER_OPTIMIZERS: tuple[str, ...] = ("sgd", "momentum", "rmsprop", "adam")
#: Seed 003 gives RMSProp's smoothing as 0.9 (torch's default ``alpha`` is 0.99).
_HYPERPARAMS: dict[str, dict[str, Any]] = {"rmsprop": {"alpha": 0.9}}


@dataclass(frozen=True)
class ExplorerLandscape:
    """What the explorer runs on one landscape.

    ``centres`` holds each optimizer's sensible learning rate (the centre of its grid, the rate
    seed 003's race uses); ``starts`` the points a reader can pick from, the first being the race's.
    """

    name: str
    steps: int
    starts: tuple[tuple[float, float], ...]
    centres: dict[str, float]


EXPLORER_LANDSCAPES: tuple[ExplorerLandscape, ...] = (
    ExplorerLandscape(
        "bowl",
        100,
        ((-2.4, 1.8), (2.5, 2.5), (1.0, -2.6)),
        {"sgd": 0.1, "momentum": 0.05, "rmsprop": 0.05, "adam": 0.2},
    ),
    ExplorerLandscape(
        "valley",
        150,
        ((-2.6, 1.4), (2.8, -0.6), (-0.5, 2.6)),
        {"sgd": 0.09, "momentum": 0.02, "rmsprop": 0.05, "adam": 0.2},
    ),
    ExplorerLandscape(
        "rosenbrock",
        500,
        ((-1.5, 2.0), (-1.2, -0.5), (1.6, 2.6)),
        {"sgd": 0.001, "momentum": 0.0005, "rmsprop": 0.005, "adam": 0.05},
    ),
    ExplorerLandscape(
        "himmelblau",
        200,
        ((-0.5, -0.5), (0.5, 4.5), (-4.5, 0.0)),
        {"sgd": 0.01, "momentum": 0.004, "rmsprop": 0.05, "adam": 0.2},
    ),
    ExplorerLandscape(
        "rastrigin",
        200,
        ((2.6, 2.3), (-3.3, 1.2), (0.4, -0.6)),
        {"sgd": 0.002, "momentum": 0.002, "rmsprop": 0.05, "adam": 0.2},
    ),
)
_GRAD_TOL = 1e-6


def learning_rate_grid(centre: float, size: int = GRID_SIZE) -> np.ndarray:
    r"""``size`` log-spaced rates :math:`\eta_c\,10^{-1.4} \ldots \eta_c\,10^{0.8}`.

    With the defaults, index :data:`CENTRE_INDEX` is exactly ``centre``.
    """
    exponents = np.linspace(-_LOW_DECADES, _HIGH_DECADES, size)
    return centre * 10.0**exponents


def build_explorer(
    landscapes: tuple[ExplorerLandscape, ...] = EXPLORER_LANDSCAPES,
    *,
    background: bool = True,
) -> dict[str, Any]:
    """The JSON-ready data of the explorer (embedded in the page with ``|tojson``).

    Layout::

        {"optimizers": [{"name", "label", "color"}], "centre": 9,
         "landscapes": [{"name", "title", "kind", "pretty", "bounds", "minima", "steps",
                         "window", "starts", "image", "runs": {opt: {"lrs", "lr_text",
                         "paths": [[{"p": base64 int16 (x0, y0, x1, ...), "l": base64 float32,
                                     "status", "stop", "final_loss", "final_point"}
                                    per start] per lr]}}}]}
    """
    return {
        "optimizers": [
            {"name": name, "label": optimizer_label(name), "color": optimizer_color(name)}
            for name in EXPLORER_OPTIMIZERS
        ],
        "centre": CENTRE_INDEX,
        "factors": [
            format_number(float(f), 2)
            for f in learning_rate_grid(1.0) / learning_rate_grid(1.0)[CENTRE_INDEX]
        ],
        "landscapes": [_landscape_data(spec, background) for spec in landscapes],
    }


def _landscape_data(spec: ExplorerLandscape, background: bool) -> dict[str, Any]:
    from gdviz.optimizers import make_optimizer

    surface = get_landscape(spec.name)
    starts = np.array(spec.starts, dtype=np.float64)
    window = _window(surface)
    runs: dict[str, Any] = {}
    for name in EXPLORER_OPTIMIZERS:
        lrs = learning_rate_grid(spec.centres[name])
        batch = descend(
            surface,
            make_optimizer(name, **_HYPERPARAMS.get(name, {})),
            starts,
            lr=lrs[:, None],
            steps=spec.steps,
            grad_tol=_GRAD_TOL,
        )
        runs[name] = {
            "lrs": [float(v) for v in lrs],
            "lr_text": [format_number(float(v), 3) for v in lrs],
            "paths": [
                [_path_data(batch[i, s], window) for s in range(len(spec.starts))]  # type: ignore[index]
                for i in range(len(lrs))
            ],
        }
    return {
        "name": surface.name,
        "title": surface.title,
        "kind": surface.kind,
        "pretty": surface.pretty,
        "description": surface.description,
        "bounds": [list(b) for b in surface.bounds],
        "window": window,
        "minima": [list(m) for m in surface.minima],
        "steps": spec.steps,
        "starts": [list(s) for s in spec.starts],
        "image": contour_image(surface) if background else "",
        "runs": runs,
    }


def _window(surface: Landscape) -> list[list[float]]:
    """The quantisation window: the plot bounds widened by one span on each side."""
    return [[lo - (hi - lo), hi + (hi - lo)] for lo, hi in surface.bounds]


def _path_data(trajectory: Any, window: list[list[float]]) -> dict[str, Any]:
    return {
        "p": encode_points(trajectory.points, window),
        "l": encode_float32(trajectory.losses),
        "status": trajectory.status,
        "stop": int(trajectory.steps),
        "final_loss": format_number(trajectory.final_loss),
        "final_point": format_point(trajectory.final_point),
    }


def encode_points(points: np.ndarray, window: list[list[float]]) -> str:
    """Points ``(n, d)`` as base64 little-endian int16, ``round(QUANT·(2u − 1))`` with
    ``u ∈ [0, 1]`` the position in ``window``; :data:`OFF_MAP` (±) outside it."""
    lo = np.array([w[0] for w in window])
    hi = np.array([w[1] for w in window])
    unit = (np.asarray(points, dtype=np.float64) - lo) / (hi - lo)
    codes = np.round(QUANT * (2.0 * unit - 1.0))
    codes = np.where(codes > QUANT, OFF_MAP, np.where(codes < -QUANT, -OFF_MAP, codes))
    return base64.b64encode(codes.astype("<i2").tobytes()).decode("ascii")


def decode_points(text: str, window: list[list[float]]) -> np.ndarray:
    """Inverse of :func:`encode_points` (off-map points come back as NaN)."""
    codes = np.frombuffer(base64.b64decode(text), dtype="<i2").astype(np.float64)
    codes = codes.reshape(-1, len(window))
    lo = np.array([w[0] for w in window])
    hi = np.array([w[1] for w in window])
    points = lo + (codes / QUANT + 1.0) / 2.0 * (hi - lo)
    return np.where(np.abs(codes) == OFF_MAP, np.nan, points)


def encode_float32(values: np.ndarray) -> str:
    """``values`` as base64 little-endian float32 (clipped to the float32 range)."""
    finite = np.clip(np.asarray(values, dtype=np.float64), -3.4e38, 3.4e38)
    return base64.b64encode(finite.astype("<f4").tobytes()).decode("ascii")


def contour_image(surface: Landscape, pixels: int = 360) -> str:
    """A filled-contour picture of ``surface`` over its bounds, as a JPEG data URI.

    The image spans exactly :attr:`Landscape.bounds` (no axes, no margins) so the page can lay
    SVG paths over it with a linear map. Log-spaced levels for steep landscapes.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.colors import LogNorm
    from matplotlib.figure import Figure

    xx, yy = surface.grid(pixels // 2)
    zz = surface.loss(np.stack([xx, yy], axis=-1))
    figure = Figure(figsize=(1, 1), dpi=pixels)
    FigureCanvasAgg(figure)
    axes = figure.add_axes((0, 0, 1, 1))
    axes.set_axis_off()
    if surface.log_levels:
        # spread the colours over the values that cover the map, not over a thin valley floor
        low = max(float(np.percentile(zz, 2)), 1e-3)
        shifted = np.maximum(zz, low)
        levels = np.geomspace(low, float(np.max(shifted)), 24)
        axes.contourf(xx, yy, shifted, levels=levels, cmap=LANDSCAPE_CMAP, norm=LogNorm())
        axes.contour(
            xx,
            yy,
            shifted,
            levels=levels[::2],
            colors="white",
            linewidths=0.25,
            alpha=0.5,
            norm=LogNorm(),
        )
    else:
        axes.contourf(xx, yy, zz, levels=24, cmap=LANDSCAPE_CMAP)
        axes.contour(xx, yy, zz, levels=12, colors="white", linewidths=0.25, alpha=0.5)
    axes.set_xlim(*surface.bounds[0])
    axes.set_ylim(*surface.bounds[1])
    buffer = io.BytesIO()
    figure.savefig(buffer, format="jpeg", pil_kwargs={"quality": 82, "optimize": True})
    return "data:image/jpeg;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
