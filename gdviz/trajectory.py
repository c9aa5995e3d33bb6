"""What a descent produced: :class:`RunSpec` (the recipe) and :class:`Trajectory` (the path).

A trajectory holds, for ``n`` updates, ``n + 1`` rows: row 0 is the start, row ``k`` the point
after ``k`` updates. Each row carries the point :math:`\\theta_k`, the loss
:math:`L(\\theta_k)`, the gradient norm :math:`\\lVert\\nabla L(\\theta_k)\\rVert_2` and the
learning rate :math:`\\eta_k` in effect at that point (the one the next update uses).

Trajectories save to and load from CSV, JSON and NPZ (:meth:`Trajectory.save`,
:func:`load_trajectory`); JSON and NPZ keep the spec and status, CSV keeps the numbers only.
Floats are written with ``repr`` so that every format round-trips bit for bit. Every value of a
trajectory is finite (a diverged run ends at its last finite point), so the JSON is strict JSON
(no ``NaN``/``Infinity``) and the CSV holds only numbers.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np

from gdviz.atomic import atomic_write

__all__ = ["STATUSES", "RunSpec", "Trajectory", "load_trajectory"]

Status = Literal["converged", "diverged", "max_steps"]
#: Why a run ended: gradient/loss tolerance reached, runaway or non-finite values, or step budget.
STATUSES: tuple[str, ...] = ("converged", "diverged", "max_steps")
FORMATS = ("csv", "json", "npz")


@dataclass(frozen=True)
class RunSpec:
    """The recipe of one run, enough to reproduce it.

    ``landscape`` is a catalogue name or, for a user formula, the formula text with
    ``expression=True``. ``schedule`` is the schedule's text form (``"exponential:gamma=0.99"``)
    or ``None`` for a constant rate.
    """

    landscape: str
    optimizer: str
    lr: float
    start: tuple[float, ...]
    steps: int
    hyperparams: dict[str, Any] = field(default_factory=dict)
    schedule: str | None = None
    grad_tol: float = 0.0
    loss_tol: float = 0.0
    expression: bool = False

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (tuples become lists)."""
        data = asdict(self)
        data["start"] = list(self.start)
        data["hyperparams"] = {
            k: list(v) if isinstance(v, tuple) else v for k, v in self.hyperparams.items()
        }
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RunSpec:
        """Inverse of :meth:`to_dict`."""
        data = dict(data)
        data["start"] = tuple(float(v) for v in data["start"])
        data["hyperparams"] = {
            k: tuple(v) if isinstance(v, list) else v
            for k, v in data.get("hyperparams", {}).items()
        }
        return cls(**data)


@dataclass(frozen=True, eq=False)
class Trajectory:
    """One run's path, trimmed to the step where it stopped; every value is finite.

    Attributes
    ----------
    variables : tuple of str
        Coordinate names (``("x", "y")``, ``("w", "b")``).
    points : ndarray, shape (n + 1, d)
    losses, grad_norms, lrs : ndarray, shape (n + 1,)
    status : {"converged", "diverged", "max_steps"}
    spec : RunSpec or None
        ``None`` only for a trajectory loaded from CSV.
    """

    variables: tuple[str, ...]
    points: np.ndarray
    losses: np.ndarray
    grad_norms: np.ndarray
    lrs: np.ndarray
    status: str
    spec: RunSpec | None = None

    def __post_init__(self) -> None:
        n = self.points.shape[0]
        if self.points.ndim != 2 or self.points.shape[1] != len(self.variables):
            raise ValueError(f"points must have shape (n, {len(self.variables)})")
        for name in ("losses", "grad_norms", "lrs"):
            if getattr(self, name).shape != (n,):
                raise ValueError(f"{name} must have shape ({n},)")
        if self.status not in (*STATUSES, "unknown"):
            raise ValueError(f"unknown status {self.status!r}")
        for name in ("points", "losses", "grad_norms", "lrs"):
            array = getattr(self, name)
            if not np.all(np.isfinite(array)):
                raise ValueError(f"{name} must be finite (a diverged run keeps its finite path)")
            array.setflags(write=False)

    @property
    def steps(self) -> int:
        """Number of updates performed (the stop step)."""
        return self.points.shape[0] - 1

    @property
    def final_point(self) -> np.ndarray:
        """The last kept point, shape ``(d,)``."""
        return self.points[-1]

    @property
    def final_loss(self) -> float:
        """The loss at the last kept point."""
        return float(self.losses[-1])

    def records(self) -> list[dict[str, float | int]]:
        """One dict per row: ``step``, each variable, ``loss``, ``grad_norm``, ``lr``."""
        rows = []
        for k in range(self.points.shape[0]):
            row: dict[str, float | int] = {"step": k}
            row.update(zip(self.variables, map(float, self.points[k]), strict=True))
            row["loss"] = float(self.losses[k])
            row["grad_norm"] = float(self.grad_norms[k])
            row["lr"] = float(self.lrs[k])
            rows.append(row)
        return rows

    # ----------------------------------------------------------------------------- serialise

    def to_csv(self) -> str:
        """Header row, then one row per point (row 0 is the start)."""
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(["step", *self.variables, "loss", "grad_norm", "lr"])
        for row in self.records():
            writer.writerow([_format_number(v) for v in row.values()])
        return buffer.getvalue()

    def to_json(self) -> str:
        """The spec, the status and the per-step records as one JSON document."""
        document = {
            "spec": self.spec.to_dict() if self.spec else None,
            "variables": list(self.variables),
            "status": self.status,
            "steps": self.steps,
            "final": dict(self.records()[-1]),
            "records": self.records(),
        }
        return json.dumps(document, indent=1, allow_nan=False) + "\n"

    def encode(self, fmt: str) -> bytes:
        """The trajectory as the bytes of a ``csv``, ``json`` or ``npz`` file."""
        if fmt not in FORMATS:
            raise ValueError(f"unknown trajectory format '{fmt}' (use csv, json or npz)")
        if fmt == "csv":
            return self.to_csv().encode()
        if fmt == "json":
            return self.to_json().encode()
        meta = {
            "variables": list(self.variables),
            "status": self.status,
            "spec": self.spec.to_dict() if self.spec else None,
        }
        buffer = io.BytesIO()
        np.savez(
            buffer,
            points=self.points,
            losses=self.losses,
            grad_norms=self.grad_norms,
            lrs=self.lrs,
            meta=np.array(json.dumps(meta)),
        )
        return buffer.getvalue()

    def save(self, path: str | Path, fmt: str | None = None) -> Path:
        """Write to ``path`` atomically; the format comes from ``fmt`` or the suffix."""
        path = Path(path)
        atomic_write(path, self.encode(fmt or path.suffix.lstrip(".").lower()))
        return path

    # ------------------------------------------------------------------------------ notebooks

    def plot(self, ax: Any = None, **options: Any) -> list[Any]:
        """Draw this run on ``ax`` (a new figure if None); see :func:`gdviz.plot`."""
        from gdviz.notebook.plotting import plot

        return plot(self, ax, **options)

    def __repr__(self) -> str:
        from gdviz.notebook.display import trajectory_repr

        return trajectory_repr(self)

    def _repr_html_(self) -> str:
        from gdviz.notebook.display import trajectory_html

        return trajectory_html(self)


def _format_number(value: float | int) -> str:
    return str(value) if isinstance(value, int) else repr(float(value))


def load_trajectory(path: str | Path) -> Trajectory:
    """Read a trajectory written by :meth:`Trajectory.save` (CSV, JSON or NPZ).

    Raises
    ------
    ValueError
        If the file is not a trajectory in a known format.
    """
    path = Path(path)
    fmt = path.suffix.lstrip(".").lower()
    if fmt == "npz":
        with np.load(path, allow_pickle=False) as data:
            meta = json.loads(str(data["meta"]))
            return Trajectory(
                variables=tuple(meta["variables"]),
                points=data["points"].copy(),
                losses=data["losses"].copy(),
                grad_norms=data["grad_norms"].copy(),
                lrs=data["lrs"].copy(),
                status=meta["status"],
                spec=RunSpec.from_dict(meta["spec"]) if meta["spec"] else None,
            )
    text = path.read_text()
    if fmt == "json":
        document = json.loads(text)
        variables = tuple(document["variables"])
        records = document["records"]
        return Trajectory(
            variables=variables,
            points=np.array([[r[v] for v in variables] for r in records], dtype=np.float64),
            losses=np.array([r["loss"] for r in records], dtype=np.float64),
            grad_norms=np.array([r["grad_norm"] for r in records], dtype=np.float64),
            lrs=np.array([r["lr"] for r in records], dtype=np.float64),
            status=document["status"],
            spec=RunSpec.from_dict(document["spec"]) if document["spec"] else None,
        )
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(text)))
        header, body = rows[0], rows[1:]
        if header[0] != "step" or header[-3:] != ["loss", "grad_norm", "lr"]:
            raise ValueError(f"{path}: not a gdviz trajectory CSV (header {header})")
        table = np.array([[float(v) for v in row] for row in body], dtype=np.float64)
        return Trajectory(
            variables=tuple(header[1:-3]),
            points=table[:, 1:-3].copy(),
            losses=table[:, -3].copy(),
            grad_norms=table[:, -2].copy(),
            lrs=table[:, -1].copy(),
            status="unknown",
        )
    raise ValueError(f"unknown trajectory format '{fmt}' (use .csv, .json or .npz)")
