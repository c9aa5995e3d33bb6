"""What a descent produced: :class:`RunSpec` (the recipe) and :class:`Trajectory` (the path).

A trajectory holds, for ``n`` updates, ``n + 1`` rows: row 0 is the start, row ``k`` the point
after ``k`` updates. Each row carries the point :math:`\\theta_k`, the loss
:math:`L(\\theta_k)`, the gradient norm :math:`\\lVert\\nabla L(\\theta_k)\\rVert_2` and the
learning rate :math:`\\eta_k` in effect at that point (the one the next update uses).

A minibatch run (:mod:`gdviz.batches`) also carries, per row, the loss on the slice the next
update averages over (``batch_losses``; ``losses`` are then on the full data set), that slice's
epoch (``epochs``) and its sample indices (``batches``).

Trajectories save to and load from CSV, JSON and NPZ (:meth:`Trajectory.save`,
:func:`load_trajectory`); JSON and NPZ keep the spec and status, CSV keeps the numbers only
(a minibatch run adds the columns ``epoch`` and ``batch_loss``; JSON adds ``batches``, one
``{"epoch", "indices"}`` per row). Files written before minibatches load unchanged.
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
    batch_size: int | None = None
    seed: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (tuples become lists; a full-batch run has no ``batch_size`` or
        ``seed`` key, as before minibatches)."""
        data = asdict(self)
        for key in ("batch_size", "seed"):
            if data[key] is None:
                del data[key]
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
    batch_losses : ndarray, shape (n + 1,), or None
        A minibatch run's loss at each point on the slice the next update averages over
        (``losses`` and ``grad_norms`` are then on the full data set); None for full batch.
    epochs : ndarray of int, shape (n + 1,), or None
        The epoch (0-based) of each row's slice.
    batches : tuple of ndarray of int, or None
        Each row's slice: the sample indices (``None`` when loaded from CSV).
    """

    variables: tuple[str, ...]
    points: np.ndarray
    losses: np.ndarray
    grad_norms: np.ndarray
    lrs: np.ndarray
    status: str
    spec: RunSpec | None = None
    batch_losses: np.ndarray | None = None
    epochs: np.ndarray | None = None
    batches: tuple[np.ndarray, ...] | None = None

    @property
    def stochastic(self) -> bool:
        """Whether this is a minibatch run (it has per-row slices)."""
        return self.epochs is not None

    def __post_init__(self) -> None:
        n = self.points.shape[0]
        if self.points.ndim != 2 or self.points.shape[1] != len(self.variables):
            raise ValueError(f"points must have shape (n, {len(self.variables)})")
        for name in ("losses", "grad_norms", "lrs", "batch_losses", "epochs"):
            array = getattr(self, name)
            if array is not None and array.shape != (n,):
                raise ValueError(f"{name} must have shape ({n},)")
        self._check_minibatch(n)
        if self.status not in (*STATUSES, "unknown"):
            raise ValueError(f"unknown status {self.status!r}")
        for name in ("points", "losses", "grad_norms", "lrs", "batch_losses"):
            array = getattr(self, name)
            if array is None:
                continue
            if not np.all(np.isfinite(array)):
                raise ValueError(f"{name} must be finite (a diverged run keeps its finite path)")
            array.setflags(write=False)

    def _check_minibatch(self, n: int) -> None:
        """A minibatch run's epochs, batch losses and slices come together; made read-only."""
        if (self.batch_losses is None) != (self.epochs is None):
            raise ValueError("a minibatch run has both batch_losses and epochs")
        if self.batches is not None:
            if self.epochs is None or len(self.batches) != n:
                raise ValueError(f"batches must hold {n} slices, with epochs")
            for rows in self.batches:
                rows.setflags(write=False)
        if self.epochs is not None:
            self.epochs.setflags(write=False)

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
        """One dict per row: ``step``, each variable, ``loss``, ``grad_norm``, ``lr`` (and
        ``epoch``, ``batch_loss`` for a minibatch run)."""
        rows = []
        for k in range(self.points.shape[0]):
            row: dict[str, float | int] = {"step": k}
            row.update(zip(self.variables, map(float, self.points[k]), strict=True))
            row["loss"] = float(self.losses[k])
            row["grad_norm"] = float(self.grad_norms[k])
            row["lr"] = float(self.lrs[k])
            if self.epochs is not None and self.batch_losses is not None:
                row["epoch"] = int(self.epochs[k])
                row["batch_loss"] = float(self.batch_losses[k])
            rows.append(row)
        return rows

    # ----------------------------------------------------------------------------- serialise

    def to_csv(self) -> str:
        """Header row, then one row per point (row 0 is the start)."""
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        records = self.records()
        writer.writerow(list(records[0]))
        for row in records:
            writer.writerow([_format_number(v) for v in row.values()])
        return buffer.getvalue()

    def to_json(self) -> str:
        """The spec, the status and the per-step records as one JSON document."""
        records = self.records()
        document: dict[str, Any] = {
            "spec": self.spec.to_dict() if self.spec else None,
            "variables": list(self.variables),
            "status": self.status,
            "steps": self.steps,
            "final": dict(records[-1]),
            "records": records,
        }
        if self.batches is not None and self.epochs is not None:
            document["batches"] = [
                {"epoch": int(epoch), "indices": rows.tolist()}
                for epoch, rows in zip(self.epochs, self.batches, strict=True)
            ]
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
        arrays: dict[str, Any] = {}
        if self.epochs is not None and self.batch_losses is not None:
            arrays = {"epochs": self.epochs, "batch_losses": self.batch_losses}
            if self.batches is not None:
                arrays["batch_indices"] = np.concatenate(self.batches)
                arrays["batch_sizes"] = np.array([len(rows) for rows in self.batches])
        buffer = io.BytesIO()
        np.savez(
            buffer,
            points=self.points,
            losses=self.losses,
            grad_norms=self.grad_norms,
            lrs=self.lrs,
            meta=np.array(json.dumps(meta)),
            **arrays,
        )
        return buffer.getvalue()

    def save(self, path: str | Path, fmt: str | None = None) -> Path:
        """Write to ``path`` atomically; the format comes from ``fmt`` or the suffix."""
        from gdviz.atomic import atomic_write  # not needed by a run printed on stdout

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
            stochastic: dict[str, Any] = {}
            if "epochs" in data:
                stochastic = {"epochs": data["epochs"].copy(), "batch_losses": data["batch_losses"]}
                if "batch_indices" in data:
                    cuts = np.cumsum(data["batch_sizes"])[:-1]
                    stochastic["batches"] = tuple(np.split(data["batch_indices"], cuts))
            return Trajectory(
                variables=tuple(meta["variables"]),
                points=data["points"].copy(),
                losses=data["losses"].copy(),
                grad_norms=data["grad_norms"].copy(),
                lrs=data["lrs"].copy(),
                status=meta["status"],
                spec=RunSpec.from_dict(meta["spec"]) if meta["spec"] else None,
                **stochastic,
            )
    text = path.read_text()
    if fmt == "json":
        document = json.loads(text)
        variables = tuple(document["variables"])
        records = document["records"]
        stochastic = {}
        if "batches" in document:
            slices = document["batches"]
            stochastic = {
                "epochs": np.array([b["epoch"] for b in slices], dtype=np.int64),
                "batch_losses": np.array([r["batch_loss"] for r in records], dtype=np.float64),
                "batches": tuple(np.array(b["indices"], dtype=np.int64) for b in slices),
            }
        return Trajectory(
            variables=variables,
            points=np.array([[r[v] for v in variables] for r in records], dtype=np.float64),
            losses=np.array([r["loss"] for r in records], dtype=np.float64),
            grad_norms=np.array([r["grad_norm"] for r in records], dtype=np.float64),
            lrs=np.array([r["lr"] for r in records], dtype=np.float64),
            status=document["status"],
            spec=RunSpec.from_dict(document["spec"]) if document["spec"] else None,
            **stochastic,
        )
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(text)))
        header, body = rows[0], rows[1:]
        extra = 2 if header[-2:] == ["epoch", "batch_loss"] else 0
        end = len(header) - extra
        if header[0] != "step" or header[end - 3 : end] != ["loss", "grad_norm", "lr"]:
            raise ValueError(f"{path}: not a gdviz trajectory CSV (header {header})")
        table = np.array([[float(v) for v in row] for row in body], dtype=np.float64)
        stochastic = {}
        if extra:
            stochastic = {"epochs": table[:, -2].astype(np.int64), "batch_losses": table[:, -1]}
        return Trajectory(
            variables=tuple(header[1 : end - 3]),
            points=table[:, 1 : end - 3].copy(),
            losses=table[:, end - 3].copy(),
            grad_norms=table[:, end - 2].copy(),
            lrs=table[:, end - 1].copy(),
            status="unknown",
            **stochastic,
        )
    raise ValueError(f"unknown trajectory format '{fmt}' (use .csv, .json or .npz)")
