"""The plain-text view of a run, for people at a terminal (``gdviz run --format table``)."""

from __future__ import annotations

import numpy as np

from gdviz.landscapes import Landscape
from gdviz.numbers import format_number as _format_number
from gdviz.trajectory import Trajectory

__all__ = ["format_table"]


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


def format_table(trajectory: Trajectory, landscape: Landscape) -> str:
    """A readable summary: what ran, a table of steps (ends shown, middle elided), the outcome."""
    spec = trajectory.spec
    lines = []
    if spec is not None:
        params = ", ".join(f"{k}={v}" for k, v in spec.hyperparams.items())
        lines.append(f"landscape  {landscape.title}: {landscape.pretty}")
        lines.append(
            f"optimizer  {spec.optimizer} ({params})" if params else f"optimizer  {spec.optimizer}"
        )
        schedule = f", schedule {spec.schedule}" if spec.schedule else ""
        lines.append(f"lr         {format_number(spec.lr)}{schedule}")
        start = ", ".join(
            f"{v}={format_number(x)}" for v, x in zip(trajectory.variables, spec.start, strict=True)
        )
        lines.append(f"start      {start}")
        if spec.batch_size is not None:
            lines.append(
                f"batches    {spec.batch_size} samples per step, seed {spec.seed}; "
                "loss and ‖∇L‖ on the full data set"
            )
        lines.append("")

    stochastic = trajectory.epochs is not None and trajectory.batch_losses is not None
    header = ["step", *trajectory.variables, "loss", "‖∇L‖", "lr"]
    if stochastic:
        header += ["epoch", "batch loss"]
    body: list[list[str]] = []
    for k in _rows_to_show(len(trajectory.points)):
        if k is None:
            body.append(["⋮"] * len(header))
            continue
        body.append(
            [
                str(k),
                *(format_number(v) for v in trajectory.points[k]),
                format_number(trajectory.losses[k]),
                format_number(trajectory.grad_norms[k]),
                format_number(trajectory.lrs[k]),
            ]
        )
        if stochastic:
            assert trajectory.epochs is not None and trajectory.batch_losses is not None
            body[-1] += [str(trajectory.epochs[k]), format_number(trajectory.batch_losses[k])]
    widths = [max(len(row[i]) for row in [header, *body]) for i in range(len(header))]
    lines.append("  ".join(h.rjust(w) for h, w in zip(header, widths, strict=True)))
    lines.append("  ".join("─" * w for w in widths))
    lines.extend("  ".join(c.rjust(w) for c, w in zip(row, widths, strict=True)) for row in body)
    lines.append("")

    final = ", ".join(
        f"{v}={format_number(x)}"
        for v, x in zip(trajectory.variables, trajectory.final_point, strict=True)
    )
    outcome = {
        "converged": "converged",
        "diverged": "diverged (values ran away; the last finite point is kept)",
        "max_steps": "stopped at the step limit",
        "unknown": "unknown",
    }[trajectory.status]
    lines.append(f"status     {outcome} after {trajectory.steps} step(s)")
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
