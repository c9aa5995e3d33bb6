"""Rich display: compact one-line reprs and HTML summaries with inline SVG sketches.

In Jupyter, VS Code or Colab a :class:`~gdviz.trajectory.Trajectory`, a
:class:`~gdviz.descent.TrajectoryBatch`, an :class:`~gdviz.experiments.Experiment` or an
:class:`~gdviz.experiments.ExperimentResult` displays itself as a summary table with a small
inline SVG of the path and of the loss (``_repr_html_``); everywhere else its ``repr`` is one
line. The functions here are what those classes' display methods call. Nothing here
computes a step: every number comes from the trajectories. Making a repr imports neither
matplotlib nor sympy; the HTML of an experiment uses the gallery's run colours.

The SVG sketches map a series :math:`(u_i, v_i)` affinely into a box,
:math:`X_i = m + (u_i - u_{\\min})\\,s`, :math:`Y_i = H - m - (v_i - v_{\\min})\\,s_v`, with
one scale :math:`s = s_v` for a 2-D path :math:`(x_k, y_k)` (equal aspect, as on the
landscape) and separate scales for a 1-D path (the iterate :math:`x_k` against the step
:math:`k`) and for the loss, whose values are :math:`\\log_{10} L_k` when every loss is
positive and they span two decades or more. Long series are thinned: a path keeps evenly
spaced points, a loss curve keeps each bucket's minimum and maximum, so an oscillation stays
visible.
"""

from __future__ import annotations

import html
import itertools
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from gdviz.numbers import format_number, format_point
from gdviz.style import optimizer_color, optimizer_label

if TYPE_CHECKING:
    from gdviz.descent import TrajectoryBatch
    from gdviz.experiments import Experiment, ExperimentResult
    from gdviz.trajectory import RunSpec, Trajectory

__all__ = [
    "batch_html",
    "batch_repr",
    "experiment_html",
    "experiment_repr",
    "result_html",
    "result_repr",
    "trajectory_html",
    "trajectory_repr",
]

#: Most coordinates a one-line repr prints; a longer point is summarised by its dimension.
_REPR_COORDINATES = 4
#: Size of one inline SVG sketch, in CSS pixels.
_SVG_WIDTH, _SVG_HEIGHT, _SVG_MARGIN = 220, 150, 18
#: Most vertices one SVG polyline keeps (a path) / buckets a loss curve keeps (two each).
_PATH_VERTICES, _LOSS_BUCKETS = 1000, 300

# --------------------------------------------------------------------------- one-line reprs


def _landscape_text(spec: RunSpec, limit: int = 40) -> str:
    if not spec.expression:
        return spec.landscape
    text = spec.landscape if len(spec.landscape) <= limit else spec.landscape[: limit - 1] + "…"
    return f"f = {text}"


def trajectory_repr(trajectory: Trajectory) -> str:
    """One line: ``Trajectory(adam on rosenbrock, lr=0.01, converged, steps=412, ...)``.

    ASCII numbers (:func:`gdviz.numbers.format_number` with ``ascii=True``); a final point of
    more than four coordinates is summarised by its dimension.
    """
    spec = trajectory.spec
    parts = []
    if spec is None:
        parts.append(f"variables=({', '.join(trajectory.variables)})")
    else:
        parts.append(f"{spec.optimizer} on {_landscape_text(spec)}")
        parts.append(f"lr={format_number(spec.lr, ascii=True)}")
        if spec.schedule:
            parts.append(f"schedule={spec.schedule}")
    parts.append(trajectory.status)
    parts.append(f"steps={trajectory.steps}")
    parts.append(f"loss={format_number(trajectory.final_loss, ascii=True)}")
    if len(trajectory.variables) <= _REPR_COORDINATES:
        parts.append(f"at={format_point(trajectory.final_point, ascii=True)}")
    else:
        parts.append(f"at=<point in {len(trajectory.variables)} dimensions>")
    return f"Trajectory({', '.join(parts)})"


def _status_counts(statuses: Sequence[str] | np.ndarray) -> str:
    counts = Counter(str(s) for s in np.ravel(np.asarray(statuses)))
    return ", ".join(f"{counts[name]} {name}" for name in sorted(counts))


def batch_repr(batch: TrajectoryBatch) -> str:
    """One line: the run, the batch shape and how many elements ended how."""
    spec = batch.spec
    return (
        f"TrajectoryBatch({spec.optimizer} on {_landscape_text(spec)}, "
        f"shape={batch.shape}, steps<={spec.steps}: {_status_counts(batch.status)})"
    )


def experiment_repr(experiment: Experiment) -> str:
    """One line: the name, the runs, the landscape, the starts and the step budget."""
    runs = [run.display_name for run in experiment.runs]
    shown = ", ".join(runs) if len(runs) <= 4 else f"{len(runs)} runs"
    starts = (
        f"from {format_point(experiment.starts[0], ascii=True)}"
        if len(experiment.starts) == 1
        else f"from {len(experiment.starts)} starts"
    )
    where = f"f = {experiment.landscape}" if experiment.expression else experiment.landscape
    return (
        f"Experiment({experiment.name!r}: {shown} on {where} {starts}, steps<={experiment.steps})"
    )


def result_repr(result: ExperimentResult) -> str:
    """One line: the experiment's name and how its trajectories ended."""
    statuses = [t.status for t in result.trajectories.values()]
    return (
        f"ExperimentResult({result.experiment.name!r}: {len(statuses)} trajectories, "
        f"{_status_counts(statuses)})"
    )


# ------------------------------------------------------------------------------ inline SVG


def _thin_path(count: int, limit: int = _PATH_VERTICES) -> np.ndarray:
    """Indices of at most ``limit`` evenly spaced points, first and last included."""
    if count <= limit:
        return np.arange(count)
    return np.unique(np.round(np.linspace(0, count - 1, limit)).astype(int))


def _thin_curve(values: np.ndarray, buckets: int = _LOSS_BUCKETS) -> np.ndarray:
    """Indices keeping each bucket's minimum and maximum (and both ends), in order."""
    count = values.shape[0]
    if count <= 2 * buckets:
        return np.arange(count)
    edges = np.linspace(0, count, buckets + 1).astype(int)
    keep = [0, count - 1]
    for lo, hi in itertools.pairwise(edges):
        segment = values[lo:hi]
        keep += [lo + int(np.argmin(segment)), lo + int(np.argmax(segment))]
    return np.unique(keep)


@dataclass(frozen=True)
class _Series:
    """One polyline of a sketch: its ``(u, v)`` data, colour and how the run ended."""

    data: np.ndarray  # shape (n, 2)
    color: str
    status: str


def _scale(series: Sequence[_Series], equal: bool) -> tuple[np.ndarray, np.ndarray] | None:
    """The lower corner and the per-axis scale mapping every finite point into the box."""
    finite = [s.data[np.all(np.isfinite(s.data), axis=1)] for s in series]
    finite = [f for f in finite if f.size]
    if not finite:
        return None
    stacked = np.concatenate(finite)
    lo, hi = stacked.min(axis=0), stacked.max(axis=0)
    span = hi - lo
    span = np.where(span > 0, span, np.maximum(np.abs(lo), 1.0) * 1e-3)
    inner = np.array([_SVG_WIDTH, _SVG_HEIGHT], dtype=float) - 2 * _SVG_MARGIN
    scale = inner / span
    if equal:
        scale[:] = scale.min()
    # centre what does not fill the box
    lo = lo - (inner / scale - span) / 2
    return lo, scale


def _xy(data: np.ndarray, lo: np.ndarray, scale: np.ndarray) -> np.ndarray:
    pixels = (data - lo) * scale + _SVG_MARGIN
    pixels[:, 1] = _SVG_HEIGHT - pixels[:, 1]
    return pixels


def _polyline(pixels: np.ndarray, color: str) -> str:
    points = " ".join(f"{x:.1f},{y:.1f}" for x, y in pixels)
    return (
        f'<polyline points="{points}" fill="none" stroke="{color}" stroke-width="1.6" '
        'stroke-linejoin="round" stroke-linecap="round"/>'
    )


def _end_mark(x: float, y: float, color: str, diverged: bool) -> str:
    if diverged:
        d = 3.5
        return (
            f'<path d="M{x - d:.1f},{y - d:.1f}L{x + d:.1f},{y + d:.1f}'
            f'M{x - d:.1f},{y + d:.1f}L{x + d:.1f},{y - d:.1f}" stroke="{color}" '
            'stroke-width="2"/>'
        )
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{color}"/>'


def _label(x: float, y: float, text: str, anchor: str = "start") -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="10" fill="currentColor" '
        f'fill-opacity="0.7" text-anchor="{anchor}">{html.escape(text)}</text>'
    )


def _svg(body: list[str], title: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_SVG_WIDTH}" height="{_SVG_HEIGHT}" '
        f'viewBox="0 0 {_SVG_WIDTH} {_SVG_HEIGHT}" role="img" aria-label="{html.escape(title)}" '
        'style="overflow:visible">'
        f"<title>{html.escape(title)}</title>"
        f'<rect x="0.5" y="0.5" width="{_SVG_WIDTH - 1}" height="{_SVG_HEIGHT - 1}" '
        'fill="none" stroke="currentColor" stroke-opacity="0.2"/>' + "".join(body) + "</svg>"
    )


def _path_svg(
    series: Sequence[_Series], axes: tuple[str, str], title: str, equal: bool = True
) -> str:
    """The paths, equal aspect, each start a ring and each end a dot (a cross if diverged)."""
    frame = _scale(series, equal=equal)
    body = [
        _label(4, 11, f"{axes[1]} ↑"),
        _label(_SVG_WIDTH - 4, _SVG_HEIGHT - 4, f"{axes[0]} →", "end"),
    ]
    if frame is not None:
        for s in series:
            pixels = _xy(s.data[_thin_path(len(s.data))], *frame)
            body.append(_polyline(pixels, s.color))
            body.append(
                f'<circle cx="{pixels[0, 0]:.1f}" cy="{pixels[0, 1]:.1f}" r="4" fill="none" '
                'stroke="currentColor" stroke-width="1.5"/>'
            )
            body.append(_end_mark(pixels[-1, 0], pixels[-1, 1], s.color, s.status == "diverged"))
    return _svg(body, title)


def _loss_svg(series: Sequence[_Series], title: str) -> str:
    """Loss against step for each series, on a log scale when the losses span two decades."""
    values = np.concatenate([s.data[:, 1] for s in series]) if series else np.zeros(0)
    finite = values[np.isfinite(values)]
    log = bool(finite.size and np.all(finite > 0) and finite.max() >= 100 * finite.min())
    shown = [
        _Series(
            np.column_stack([s.data[:, 0], np.log10(s.data[:, 1]) if log else s.data[:, 1]]),
            s.color,
            s.status,
        )
        for s in series
    ]
    frame = _scale(shown, equal=False)
    body = [_label(_SVG_WIDTH - 4, _SVG_HEIGHT - 4, "step →", "end")]
    if finite.size:
        top, bottom = format_number(finite.max(), 3), format_number(finite.min(), 3)
        body.append(_label(4, 11, f"loss{' (log)' if log else ''}: {top}"))
        body.append(_label(4, _SVG_HEIGHT - 4, bottom))
    if frame is not None:
        for s in shown:
            pixels = _xy(s.data[_thin_curve(s.data[:, 1])], *frame)
            body.append(_polyline(pixels, s.color))
            body.append(_end_mark(pixels[-1, 0], pixels[-1, 1], s.color, s.status == "diverged"))
    return _svg(body, title)


def _path_data(trajectory: Trajectory) -> np.ndarray | None:
    """What the path sketch draws: ``(x, y)``, or ``(k, x_k)`` in 1-D; None above 2-D."""
    if trajectory.points.shape[1] == 2:
        return trajectory.points
    if trajectory.points.shape[1] == 1:
        return np.column_stack([np.arange(trajectory.points.shape[0]), trajectory.points[:, 0]])
    return None


def _loss_data(trajectory: Trajectory) -> np.ndarray:
    return np.column_stack([np.arange(trajectory.points.shape[0]), trajectory.losses])


def _path_axes(variables: tuple[str, ...]) -> tuple[str, str]:
    return (variables[0], variables[1]) if len(variables) == 2 else ("step", variables[0])


def _sketches(trajectories: Sequence[Trajectory], colors: Sequence[str], name: str) -> str:
    paths = [
        _Series(data, color, t.status)
        for t, color in zip(trajectories, colors, strict=True)
        if (data := _path_data(t)) is not None
    ]
    losses = [
        _Series(_loss_data(t), color, t.status)
        for t, color in zip(trajectories, colors, strict=True)
    ]
    parts = []
    if paths:
        variables = trajectories[0].variables
        parts.append(
            _path_svg(paths, _path_axes(variables), f"path of {name}", len(variables) == 2)
        )
    parts.append(_loss_svg(losses, f"loss of {name}"))
    return "".join(f"<div>{part}</div>" for part in parts)


# ------------------------------------------------------------------------------ HTML tables

_BOX = (
    'style="display:flex;flex-wrap:wrap;gap:12px;align-items:flex-start;'
    'font-family:system-ui,sans-serif;font-size:13px;line-height:1.35"'
)
_CELL = 'style="text-align:left;padding:1px 10px 1px 0;vertical-align:top"'


def _rows(rows: Sequence[tuple[str, str]]) -> str:
    return "".join(
        f"<tr><th {_CELL}>{html.escape(key)}</th><td {_CELL}>{html.escape(value)}</td></tr>"
        for key, value in rows
    )


def _table(head: Sequence[str], body: Sequence[Sequence[str]], swatches: Sequence[str]) -> str:
    """A table whose first cell in each row is a colour swatch (the series' colour)."""
    cells = "".join(f"<th {_CELL}>{html.escape(h)}</th>" for h in ["", *head])
    lines = []
    for color, row in zip(swatches, body, strict=True):
        swatch = f'<span style="color:{color}">&#9632;</span>'
        tds = "".join(f"<td {_CELL}>{html.escape(v)}</td>" for v in row)
        lines.append(f"<tr><td {_CELL}>{swatch}</td>{tds}</tr>")
    return f"<table><thead><tr>{cells}</tr></thead><tbody>{''.join(lines)}</tbody></table>"


def _value(value: object) -> str:
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, int | float):
        return format_number(float(value))
    if isinstance(value, tuple | list):
        return "(" + ", ".join(_value(v) for v in value) + ")"
    return str(value)


def _point_text(trajectory: Trajectory, point: np.ndarray) -> str:
    if len(trajectory.variables) <= _REPR_COORDINATES:
        return ", ".join(
            f"{v} = {format_number(float(c))}"
            for v, c in zip(trajectory.variables, point, strict=True)
        )
    return f"{len(trajectory.variables)} coordinates"


def trajectory_html(trajectory: Trajectory) -> str:
    """A summary table and SVG sketches of the path and the loss of one run."""
    spec = trajectory.spec
    rows: list[tuple[str, str]] = []
    color = optimizer_color(spec.optimizer) if spec is not None else optimizer_color("")
    if spec is not None:
        rows.append(("landscape", _landscape_text(spec, 80)))
        rows.append(("optimizer", optimizer_label(spec.optimizer)))
        if spec.hyperparams:
            rows.append(
                (
                    "hyperparameters",
                    ", ".join(f"{k} {_value(v)}" for k, v in spec.hyperparams.items()),
                )
            )
        rows.append(("learning rate", format_number(spec.lr)))
        if spec.schedule:
            rows.append(("schedule", spec.schedule))
    rows.append(("start", _point_text(trajectory, trajectory.points[0])))
    rows.append(("status", trajectory.status))
    rows.append(("steps", str(trajectory.steps)))
    rows.append(("final point", _point_text(trajectory, trajectory.final_point)))
    rows.append(("final loss", format_number(trajectory.final_loss)))
    rows.append(("final ‖∇L‖", format_number(float(trajectory.grad_norms[-1]))))
    name = spec.optimizer if spec is not None else "the run"
    return (
        f'<div class="gdviz-trajectory" {_BOX}>'
        f'<table><caption style="text-align:left;font-weight:600">Trajectory</caption>'
        f"{_rows(rows)}</table>{_sketches([trajectory], [color], name)}</div>"
    )


def result_html(result: ExperimentResult) -> str:
    """The experiment's title, one table row per (run, start) and SVG sketches of them all."""
    from gdviz.figures.contours import run_colors
    from gdviz.style import THEMES

    experiment = result.experiment
    colors = run_colors(experiment, THEMES["light"])
    trajectories, swatches, body = [], [], []
    for r, run in enumerate(experiment.runs):
        for s, start in enumerate(experiment.starts):
            trajectory = result.trajectories[r, s]
            trajectories.append(trajectory)
            swatches.append(colors[r])
            body.append(
                [
                    run.display_name,
                    format_number(run.lr),
                    format_point(start),
                    trajectory.status,
                    str(trajectory.steps),
                    format_number(trajectory.final_loss),
                ]
            )
    table = _table(["run", "lr", "start", "status", "steps", "final loss"], body, swatches)
    heading = (
        f'<div style="font-weight:600">{html.escape(experiment.name)} — '
        f"{html.escape(experiment.title)}</div>"
    )
    if experiment.description:
        heading += f"<div>{html.escape(experiment.description)}</div>"
    return (
        f'<div class="gdviz-experiment" style="font-family:system-ui,sans-serif;font-size:13px">'
        f"{heading}<div {_BOX}><div>{table}</div>"
        f"{_sketches(trajectories, swatches, experiment.name)}</div></div>"
    )


def experiment_html(experiment: Experiment) -> str:
    """:func:`result_html` of the experiment's runs (run once per process and cached)."""
    from gdviz.figures.data import experiment_result

    return result_html(experiment_result(experiment))


def batch_html(batch: TrajectoryBatch) -> str:
    """A table of the batch: its run, its shape, how its elements ended and their final loss."""
    spec = batch.spec
    finite = batch.final_losses[np.isfinite(batch.final_losses)]
    rows = [
        ("landscape", _landscape_text(spec, 80)),
        ("optimizer", optimizer_label(spec.optimizer)),
        ("batch shape", " × ".join(map(str, batch.shape)) or "()"),
        ("learning rates", _range(batch.lr0)),
        ("step budget", str(spec.steps)),
        ("status", _status_counts(batch.status)),
        ("steps made", _range(batch.stop_step)),
        ("final loss", _range(finite) if finite.size else "none finite"),
    ]
    return (
        f'<div class="gdviz-batch" {_BOX}><table><caption style="text-align:left;'
        f'font-weight:600">TrajectoryBatch</caption>{_rows(rows)}</table></div>'
    )


def _range(values: np.ndarray) -> str:
    values = np.ravel(values)
    lo, hi = float(values.min()), float(values.max())
    if lo == hi:
        return format_number(lo)
    median = format_number(float(np.median(values)))
    return f"{format_number(lo)} … {format_number(hi)} (median {median})"
