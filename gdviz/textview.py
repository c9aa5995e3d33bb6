"""The plain-text view of a run, for people at a terminal (``gdviz run --format table``).

A run of up to :data:`MAX_COLUMNS` variables shows every coordinate per step. A wider one (the
33 parameters of ``mlp-moons``) shows per step only the loss, the gradient norm, the distance
travelled :math:`\\lVert \\theta_k - \\theta_0 \\rVert` and the learning rate, and prints its
start and final point as a block: one line per row of each parameter tensor where the
landscape declares them (``0.weight[3,:]``), else wrapped ``name=value`` pairs. Every value is
in the CSV and JSON output.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from gdviz.landscapes import Landscape
from gdviz.numbers import format_number as _format_number
from gdviz.trajectory import Trajectory

__all__ = ["MAX_COLUMNS", "aligned", "format_point_block", "format_table", "variables_text"]

#: The most variables the per-step table shows as columns.
MAX_COLUMNS = 4
#: Width a wrapped block of values aims at.
WIDTH = 100


def format_number(value: float) -> str:
    """A terminal number: six significant digits in ASCII (``-0.000123``, ``2.5e-09``)."""
    return _format_number(value, 6, ascii=True)


#: How many rows the table shows at each end before eliding the middle.
EDGE_ROWS = 6


def _rows_to_show(n_rows: int) -> list[int | None]:
    """Row indices to print; ``None`` marks an elided run of rows."""
    if n_rows <= 2 * EDGE_ROWS + 1:
        return list(range(n_rows))
    head = list(range(EDGE_ROWS))
    tail = list(range(n_rows - EDGE_ROWS, n_rows))
    return [*head, None, *tail]


def aligned(rows: Sequence[Sequence[str]]) -> list[str]:
    """A terminal table: the first row a header, a rule under it, columns right-aligned."""
    header, *body = rows
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = ["  ".join(h.rjust(w) for h, w in zip(header, widths, strict=True))]
    lines.append("  ".join("─" * w for w in widths))
    lines.extend("  ".join(c.rjust(w) for c, w in zip(row, widths, strict=True)) for row in body)
    return lines


def variables_text(landscape: Landscape) -> str:
    """The variables in a few words: ``x, y``, or for a network its tensors and their shapes
    (``33 parameters: 0.weight 8×2, 0.bias 8, 2.weight 1×8, 2.bias 1``)."""
    if landscape.dim <= MAX_COLUMNS:
        return ", ".join(landscape.variables)
    if landscape.tensors:
        shapes = ", ".join(f"{t.name} {'×'.join(map(str, t.shape))}" for t in landscape.tensors)
        return f"{landscape.dim} parameters: {shapes}"
    return f"{landscape.dim} variables: {landscape.variables[0]} … {landscape.variables[-1]}"


def _tensor_rows(landscape: Landscape) -> list[tuple[str, slice]]:
    """One ``(label, slice)`` per row of each weight and per bias, in vector order."""
    rows = []
    for tensor in landscape.tensors:
        if tensor.is_weight:
            width = tensor.size // tensor.shape[0]
            extra = ",:" * (len(tensor.shape) - 1)
            for r in range(tensor.shape[0]):
                start = tensor.offset + r * width
                rows.append((f"{tensor.name}[{r}{extra}]", slice(start, start + width)))
        else:
            rows.append((tensor.name, slice(tensor.offset, tensor.stop)))
    return rows


def format_point_block(landscape: Landscape, point: np.ndarray, indent: int = 11) -> list[str]:
    """A point of a wide landscape as aligned lines (the first without the indent)."""
    pad = " " * indent
    if landscape.tensors:
        rows = _tensor_rows(landscape)
        label_width = max(len(label) for label, _ in rows)
        cells = [[format_number(v) for v in point[part]] for _, part in rows]
        cell_width = max(len(c) for row in cells for c in row)
        per_line = max(1, (WIDTH - indent - label_width) // (cell_width + 2))
        lines = []
        for (label, _), row in zip(rows, cells, strict=True):
            for k in range(0, len(row), per_line):
                head = label if k == 0 else ""
                chunk = row[k : k + per_line]
                lines.append(
                    f"{head.ljust(label_width)}  " + "  ".join(c.rjust(cell_width) for c in chunk)
                )
    else:
        pairs = [f"{v}={format_number(x)}" for v, x in zip(landscape.variables, point, strict=True)]
        lines, line = [], ""
        for pair in pairs:
            if line and len(line) + 2 + len(pair) > WIDTH - indent:
                lines.append(line)
                line = ""
            line = f"{line}, {pair}" if line else pair
        lines.append(line)
    return [lines[0], *(pad + line for line in lines[1:])]


def format_table(trajectory: Trajectory, landscape: Landscape) -> str:
    """A readable summary: what ran, a table of steps (ends shown, middle elided), the outcome."""
    spec = trajectory.spec
    wide = landscape.dim > MAX_COLUMNS
    lines = []
    if spec is not None:
        params = ", ".join(f"{k}={v}" for k, v in spec.hyperparams.items())
        lines.append(f"landscape  {landscape.title}: {landscape.pretty}")
        lines.append(
            f"optimizer  {spec.optimizer} ({params})" if params else f"optimizer  {spec.optimizer}"
        )
        schedule = f", schedule {spec.schedule}" if spec.schedule else ""
        lines.append(f"lr         {format_number(spec.lr)}{schedule}")
        if wide:
            lines.append(f"variables  {variables_text(landscape)}")
            block = format_point_block(landscape, np.asarray(spec.start))
            lines.append(f"start      {block[0]}")
            lines.extend(block[1:])
        else:
            start = ", ".join(
                f"{v}={format_number(x)}"
                for v, x in zip(trajectory.variables, spec.start, strict=True)
            )
            lines.append(f"start      {start}")
        if spec.batch_size is not None:
            lines.append(
                f"batches    {spec.batch_size} samples per step, seed {spec.seed}; "
                "loss and ‖∇L‖ on the full data set"
            )
        lines.append("")

    stochastic = trajectory.epochs is not None and trajectory.batch_losses is not None
    columns = ["‖θ−θ₀‖"] if wide else list(trajectory.variables)
    header = ["step", *columns, "loss", "‖∇L‖", "lr"]
    if stochastic:
        header += ["epoch", "batch loss"]
    travelled = np.linalg.norm(trajectory.points - trajectory.points[0], axis=1)
    body: list[list[str]] = []
    for k in _rows_to_show(len(trajectory.points)):
        if k is None:
            body.append(["⋮"] * len(header))
            continue
        coordinates = (
            [format_number(travelled[k])]
            if wide
            else [format_number(v) for v in trajectory.points[k]]
        )
        body.append(
            [
                str(k),
                *coordinates,
                format_number(trajectory.losses[k]),
                format_number(trajectory.grad_norms[k]),
                format_number(trajectory.lrs[k]),
            ]
        )
        if stochastic:
            assert trajectory.epochs is not None and trajectory.batch_losses is not None
            body[-1] += [str(trajectory.epochs[k]), format_number(trajectory.batch_losses[k])]
    lines.extend(aligned([header, *body]))
    lines.append("")

    outcome = {
        "converged": "converged",
        "diverged": "diverged (values ran away; the last finite point is kept)",
        "max_steps": "stopped at the step limit",
        "unknown": "unknown",
    }[trajectory.status]
    lines.append(f"status     {outcome} after {trajectory.steps} step(s)")
    if wide:
        lines.append(f"loss       {format_number(trajectory.final_loss)}")
        block = format_point_block(landscape, trajectory.final_point)
        lines.append(f"final      {block[0]}")
        lines.extend(block[1:])
    else:
        final = ", ".join(
            f"{v}={format_number(x)}"
            for v, x in zip(trajectory.variables, trajectory.final_point, strict=True)
        )
        lines.append(f"final      {final}   loss {format_number(trajectory.final_loss)}")
    if landscape.minima:
        minima = np.array(landscape.minima)
        distances = np.linalg.norm(minima - trajectory.final_point, axis=1)
        nearest = int(np.argmin(distances))
        where = ", ".join(f"{format_number(x)}" for x in minima[nearest])
        lines.append(
            f"nearest    minimum ({where}) at distance {format_number(distances[nearest])}"
        )
    return "\n".join(lines)
