"""The built-in landscapes, declared once: every other place reads these entries.

Each :class:`Entry` is a formula (in the CLI's formula language) or a data problem, with what
it supports: its dimension (from its variables), plotting window, known minima and saddles,
and the defaults a live view starts from (starting points, steps, a sensible learning rate per
optimizer). Seed 003's five race landscapes say so with ``race=True``: each gets a built-in
``race-<name>`` experiment.

Adding a landscape is one entry here, then ``make generate`` (which writes the numpy and
JavaScript kernels from the formula: :mod:`gdviz.landscapes.generate`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

__all__ = ["DATA_ENTRIES", "ENTRIES", "FORMULA_ENTRIES", "DataEntry", "Entry", "declared"]

Point = tuple[float, ...]


@dataclass(frozen=True)
class Entry:
    """One built-in formula landscape.

    Attributes
    ----------
    name, title, text : str
        Catalogue name, display title and the formula in the CLI's formula language.
    variables : tuple of str
        Coordinate names; the landscape's dimension is their count.
    bounds : tuple of (low, high)
        The default plotting window, one pair per variable.
    minima, saddles : tuple of points
        Known minima (the first is the global one) and saddle points.
    kind : str
        ``convex``, ``ill-conditioned``, ``non-convex``, ``multi-modal`` or ``saddle``.
    log_levels : bool
        Contours on log-spaced levels (steep valleys).
    starts : tuple of points
        Starting points a live view offers (the first is the default).
    steps : int
        Default number of updates.
    lrs : mapping
        A learning rate per optimizer that shows the landscape well (seed 003's where it has
        them); :func:`gdviz.landscapes.suggested_lr` derives the others.
    race : bool
        One of seed 003's race landscapes (a ``race-<name>`` experiment).
    """

    name: str
    title: str
    text: str
    variables: tuple[str, ...]
    bounds: tuple[tuple[float, float], ...]
    kind: str
    description: str
    starts: tuple[Point, ...]
    steps: int
    lrs: Mapping[str, float]
    minima: tuple[Point, ...] = ()
    saddles: tuple[Point, ...] = ()
    log_levels: bool = False
    race: bool = False


@dataclass(frozen=True)
class DataEntry:
    """One built-in data problem: a per-sample loss averaged over a data set.

    ``sample_loss``, ``sample_gradient`` and ``sample_hessian`` (row by row) are written in the
    formula language over the parameters (``variables``) and the data columns (``columns``), in
    the order the numpy code evaluates them; each is averaged over the samples (torch's
    ``reduction="mean"``). The tests check the derivatives against sympy's.
    """

    name: str
    title: str
    variables: tuple[str, ...]
    columns: tuple[str, ...]
    sample_loss: str
    sample_gradient: tuple[str, ...]
    sample_hessian: tuple[str, ...]
    bounds: tuple[tuple[float, float], ...]
    kind: str
    description: str
    formula: str
    pretty: str
    starts: tuple[Point, ...]
    steps: int
    lrs: Mapping[str, float] = field(default_factory=dict)
    log_levels: bool = False


def declared(entry: Entry | DataEntry) -> dict[str, Any]:
    """The :class:`~gdviz.landscapes.Landscape` fields an entry declares directly."""
    fields = (
        *("name", "title", "variables", "bounds", "kind", "description", "starts", "steps"),
        "log_levels",
    )
    return {key: getattr(entry, key) for key in fields} | {"lrs": entry.lrs}


def _lrs(sgd: float, momentum: float, rmsprop: float, adam: float) -> Mapping[str, float]:
    return MappingProxyType({"sgd": sgd, "momentum": momentum, "rmsprop": rmsprop, "adam": adam})


_XY = ("x", "y")

FORMULA_ENTRIES: tuple[Entry, ...] = (
    Entry(
        "bowl",
        "Quadratic bowl",
        "x**2 + y**2",
        _XY,
        ((-3.0, 3.0), (-3.0, 3.0)),
        "convex",
        "Convex and round: every optimizer finds the single minimum.",
        starts=((-2.4, 1.8), (2.5, 2.5), (1.0, -2.6)),
        steps=150,
        lrs=_lrs(0.1, 0.05, 0.05, 0.2),
        minima=((0.0, 0.0),),
        race=True,
    ),
    Entry(
        "valley",
        "Elongated valley",
        "x**2 + 10*y**2",
        _XY,
        ((-3.0, 3.0), (-3.0, 3.0)),
        "ill-conditioned",
        "Ten times steeper across than along: plain GD zig-zags.",
        starts=((-2.6, 1.4), (2.8, -0.6), (-0.5, 2.6)),
        steps=150,
        lrs=_lrs(0.09, 0.02, 0.05, 0.2),
        minima=((0.0, 0.0),),
        race=True,
    ),
    Entry(
        "rosenbrock",
        "Rosenbrock",
        "(1 - x)**2 + 100*(y - x**2)**2",
        _XY,
        ((-2.0, 2.0), (-1.0, 3.0)),
        "non-convex",
        "A curved, flat-bottomed banana valley; the minimum is easy to reach and hard to finish.",
        starts=((-1.5, 2.0), (-1.2, -0.5), (1.6, 2.6)),
        steps=1500,
        lrs=_lrs(0.001, 0.0005, 0.005, 0.05),
        minima=((1.0, 1.0),),
        log_levels=True,
        race=True,
    ),
    Entry(
        "himmelblau",
        "Himmelblau",
        "(x**2 + y - 11)**2 + (x + y**2 - 7)**2",
        _XY,
        ((-5.0, 5.0), (-5.0, 5.0)),
        "non-convex",
        "Four minima of equal depth: the start decides which one you reach.",
        starts=((-0.5, -0.5), (0.5, 4.5), (-4.5, 0.0)),
        steps=300,
        lrs=_lrs(0.01, 0.004, 0.05, 0.2),
        minima=(
            (3.0, 2.0),
            (-2.805118086952745, 3.131312518250573),
            (-3.779310253377747, -3.283185991286170),
            (3.584428340330492, -1.848126526964404),
        ),
        log_levels=True,
        race=True,
    ),
    Entry(
        "rastrigin",
        "Rastrigin",
        "20 + x**2 - 10*cos(2*pi*x) + y**2 - 10*cos(2*pi*y)",
        _XY,
        ((-5.12, 5.12), (-5.12, 5.12)),
        "multi-modal",
        "An egg-crate of local minima around one global minimum.",
        starts=((2.6, 2.3), (-3.3, 1.2), (0.4, -0.6)),
        steps=300,
        lrs=_lrs(0.002, 0.002, 0.05, 0.2),
        minima=((0.0, 0.0),),
        race=True,
    ),
    Entry(
        "beale",
        "Beale",
        "(1.5 - x + x*y)**2 + (2.25 - x + x*y**2)**2 + (2.625 - x + x*y**3)**2",
        _XY,
        ((-4.5, 4.5), (-4.5, 4.5)),
        "non-convex",
        "Flat plateaus and sharp ridges around a minimum in a narrow valley.",
        starts=((1.0, 1.5), (-2.0, 2.0), (2.0, -1.0)),
        steps=1000,
        lrs=_lrs(0.002, 0.0005, 0.01, 0.05),
        minima=((3.0, 0.5),),
        log_levels=True,
    ),
    Entry(
        "saddle",
        "Saddle",
        "x**2 - y**2",
        _XY,
        ((-2.0, 2.0), (-2.0, 2.0)),
        "saddle",
        "Up along x, down along y: a start on the x-axis stalls at the saddle.",
        starts=((-1.8, 1e-4), (-1.8, 0.6), (1.5, -0.2)),
        steps=120,
        lrs=_lrs(0.05, 0.05, 0.01, 0.01),
        saddles=((0.0, 0.0),),
    ),
    Entry(
        "booth",
        "Booth",
        "(x + 2*y - 7)**2 + (2*x + y - 5)**2",
        _XY,
        ((-10.0, 10.0), (-10.0, 10.0)),
        "convex",
        "A tilted, mildly elongated quadratic bowl.",
        starts=((-8.0, -6.0), (8.0, 8.0), (-6.0, 8.0)),
        steps=300,
        lrs=_lrs(0.02, 0.01, 0.2, 0.5),
        minima=((1.0, 3.0),),
        log_levels=True,
    ),
    Entry(
        "parabola",
        "Parabola",
        "x**2",
        ("x",),
        ((-4.0, 4.0),),
        "convex",
        "The simplest valley: f(x) = x², f'(x) = 2x (seed 001's learning-rate study).",
        starts=((3.0,),),
        steps=10,
        lrs=_lrs(0.1, 0.05, 0.1, 0.5),
        minima=((0.0,),),
    ),
    Entry(
        "shifted-parabola",
        "Shifted parabola",
        "x**2 + 4*x + 9",
        ("x",),
        ((-15.0, 10.0),),
        "convex",
        "Seed 001's first example: minimum 5 at x = −2.",
        starts=((8.0,),),
        steps=15,
        lrs=_lrs(0.1, 0.05, 0.5, 1.0),
        minima=((-2.0,),),
    ),
    Entry(
        "xcosx",
        "x·cos x",
        "x*cos(x)",
        ("x",),
        ((-10.0, 10.0),),
        "non-convex",
        "Several local minima: the start decides the valley (seed 001).",
        starts=((-2.0,), (1.0,)),
        steps=50,
        lrs=_lrs(0.1, 0.05, 0.1, 0.2),
        minima=(
            (-6.437298179171947,),
            (-0.8603335890193798,),
            (3.4256184594817283,),
            (9.529334405361963,),
        ),
    ),
)

DATA_ENTRIES: tuple[DataEntry, ...] = (
    DataEntry(
        "linear-regression",
        "Linear regression (seed 000 data)",
        ("w", "b"),
        ("x", "y"),
        # seed 000's arithmetic: predict = w·x + b, loss mean((y − predict)²),
        # gradient mean(2·(predict − y)·x), mean(2·(predict − y))
        sample_loss="(y - (w*x + b))**2",
        sample_gradient=("2*(w*x + b - y)*x", "2*(w*x + b - y)"),
        sample_hessian=("2*x*x", "2*x", "2*x", "2"),
        bounds=((-0.5, 1.5), (-1.0, 4.0)),
        kind="convex",
        description="Fit y = w·x + b to X=[1..5], y=[2,4,5,4,5] by mean squared error.",
        formula="L(w, b) = 1/5 sum_(i=1)^5 (w x_i + b - y_i)^2",
        pretty="mean((w·x + b − y)²)",
        starts=((0.5, 0.0),),
        steps=200,
        lrs=_lrs(0.01, 0.005, 0.05, 0.1),
        # shallow near the fit, steep at the edges: geometric levels ring the minimum
        log_levels=True,
    ),
    DataEntry(
        "logistic-regression",
        "Logistic regression (two classes, one feature)",
        ("w", "b"),
        ("x", "y"),
        # mean binary cross-entropy of p = σ(z), z = w·x + b, written stably (log-sum-exp):
        # softplus(z) − y·z with softplus(z) = max(z, 0) + log(1 + e^(−|z|)), σ(z) via tanh
        sample_loss=("(w*x + b + abs(w*x + b))/2 + log(1 + exp(-abs(w*x + b))) - y*(w*x + b)"),
        sample_gradient=(
            "(0.5 + 0.5*tanh(0.5*(w*x + b)) - y)*x",
            "0.5 + 0.5*tanh(0.5*(w*x + b)) - y",
        ),
        sample_hessian=(
            "0.25*(1 - tanh(0.5*(w*x + b))**2)*x*x",
            "0.25*(1 - tanh(0.5*(w*x + b))**2)*x",
            "0.25*(1 - tanh(0.5*(w*x + b))**2)*x",
            "0.25*(1 - tanh(0.5*(w*x + b))**2)",
        ),
        bounds=((-3.0, 7.0), (-5.0, 5.0)),
        kind="convex",
        description="Classify 30 points on a line into two overlapping classes: "
        "mean binary cross-entropy of σ(w·x + b).",
        formula="L(w, b) = 1/n sum_(i=1)^n [log(1 + e^(w x_i + b)) - y_i (w x_i + b)]",
        pretty="mean(log(1 + e^(w·x + b)) − y·(w·x + b))",
        starts=((-2.0, 3.0), (6.0, -4.0), (0.0, 0.0)),
        steps=300,
        lrs=_lrs(1.0, 0.5, 0.05, 0.1),
        log_levels=True,
    ),
)

#: Every built-in by name, in catalogue order (formulas, then data problems; least squares
#: in three unknowns is added by :mod:`gdviz.landscapes.data`).
_ALL: tuple[Entry | DataEntry, ...] = (*FORMULA_ENTRIES, *DATA_ENTRIES)
ENTRIES: Mapping[str, Entry | DataEntry] = MappingProxyType({entry.name: entry for entry in _ALL})
