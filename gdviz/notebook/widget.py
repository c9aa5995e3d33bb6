"""The live explorer as a notebook widget: :func:`explore` and :class:`Explorer`.

The widget is the report's explorer — the same JavaScript (the page core and the explorer
component of ``templates/js/``, inlined in the widget's ES module, nothing fetched) configured
with the same document (:func:`gdviz.report.explorer.explorer_config`) — mounted by anywidget
into a notebook output (Jupyter, VS Code, Colab). It needs the optional extra
``gdviz[notebook]``.

The view is the widget's state, synced both ways as traitlets: what the student does in the
page sets the traits, and setting a trait from Python redraws the page.

============  ==============================================================================
trait         meaning (the explorer's state, ``templates/js/explorer-state.js``)
============  ==============================================================================
landscape     a built-in landscape of one or two variables, or ``None`` with a formula
formula       a formula in ``x`` (and ``y``), ``None`` for a built-in (it wins when given)
bounds        the view window ``[[x0, x1], [y0, y1]]``, ``None`` for the landscape's own
starts        up to six starting points, ``[[x, y], ...]``
runs          one per optimizer: ``{"optimizer", "lr", "params"}``, each parameter as the
              text ``gdviz run --param`` takes (``{"betas": "0.9,0.99"}``)
schedule      one schedule for every run, as ``--schedule`` writes it (``""``: constant)
steps         the step budget (text while the field holds something else than a number)
tol           the gradient-norm tolerance, as text (``"1e-06"``); ``loss_tol`` likewise
step, speed   the step shown and the playback speed
============  ==============================================================================

:meth:`Explorer.experiment` returns the view as an :class:`~gdviz.experiments.Experiment`
(what the explorer's *Export as TOML* writes) and :meth:`Explorer.run` runs it through
:func:`~gdviz.descent.descend`, so the numbers in Python are the numbers on the page: the page
core computes ``gdviz run``'s very bits (or agrees to 10⁻¹² where the browser's ``sin``,
``exp`` ... round differently, as the page says).

Set several traits at once with ``with widget.hold_sync(): ...``, so the page redraws once.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

try:
    import anywidget
    import traitlets
except ImportError as error:  # pragma: no cover - the extra is installed by make setup
    raise ImportError(
        "gdviz.explore needs the notebook extra: pip install 'gdviz[notebook]'"
    ) from error

from gdviz.descent import DEFAULT_GRAD_TOL, DEFAULT_LOSS_TOL
from gdviz.experiments import Experiment, ExperimentResult, RunConfig
from gdviz.names import unknown_name_message
from gdviz.report.explorer import (
    CORE_SCRIPTS,
    DEFAULT_OPTIMIZERS,
    EXPLORER_SCRIPTS,
    EXPLORER_STYLES,
    MAX_EXPLORER_STARTS,
    MAX_EXPLORER_STEPS,
    explorer_config,
    page_script,
    page_styles,
)

__all__ = ["WIDGET_SCRIPTS", "Explorer", "explore", "widget_module", "widget_styles"]

#: The widget's ES module: the page core, the explorer and the widget host (``render``).
WIDGET_SCRIPTS: tuple[str, ...] = (*CORE_SCRIPTS, *EXPLORER_SCRIPTS, "js/widget.js")

#: A run as :func:`explore` takes it: a name, ``{"optimizer", "lr", "params"}`` or a RunConfig.
RunLike = str | Mapping[str, Any] | RunConfig


@cache
def widget_module() -> str:
    """The widget's ES module (``export default {render}``), every script inlined."""
    return page_script(WIDGET_SCRIPTS)


@cache
def widget_styles() -> str:
    """The widget's CSS: the theme's custom properties and the explorer component's rules."""
    return page_styles(EXPLORER_STYLES)


@cache
def _config() -> dict[str, Any]:
    """The explorer's configuration, computed once per process (it is never modified)."""
    return explorer_config()


def _entry(name: str) -> dict[str, Any]:
    """The configuration's entry of the built-in landscape ``name`` (one or two variables)."""
    entries = {entry["name"]: entry for entry in _config()["landscapes"]}
    if not isinstance(name, str) or name not in entries:
        raise ValueError(unknown_name_message("landscape", str(name), entries))
    return entries[name]


def _formula(text: str) -> Any:
    """The landscape of a formula the explorer can draw (in ``x``, or ``x`` and ``y``)."""
    from gdviz.landscapes import from_expression

    try:
        return from_expression(text)
    except ValueError as error:
        raise ValueError(f"formula {text!r}: {error}") from None


def _optimizer_names() -> list[str]:
    config = _config()
    return [o["name"] for o in config["optimizers"]] + [p["name"] for p in config["presets"]]


def _text(value: Any) -> str:
    """A hyperparameter as the text ``gdviz run --param`` takes (what the page's fields hold)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return ",".join(_text(v) for v in value)
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _tolerance_text(value: float) -> str:
    """A tolerance as the page's field writes it: ``"1e-06"``, ``"0"``."""
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") else text


def _number(where: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValueError(f"{where} must be a number, got {value!r}")
    try:
        number = float(value)
    except (ValueError, OverflowError):
        raise ValueError(f"{where}: {value!r} is not a number") from None
    return number


def _tolerance(where: str, text: Any) -> float:
    """A tolerance field read as the page reads it: a finite number ≥ 0."""
    value = _number(where, text)
    if not (math.isfinite(value) and value >= 0):
        raise ValueError(f"{where} must be a finite number ≥ 0, got {text!r}")
    return value


def _point(where: str, point: Any) -> list[float]:
    if (
        isinstance(point, str | bytes)
        or not isinstance(point, Sequence)
        or not 1 <= len(point) <= 2
    ):
        raise ValueError(f"{where} must be a point of one or two numbers, e.g. [-1.5, 2.0]")
    coordinates = [_number(where, v) for v in point]
    if not all(math.isfinite(v) for v in coordinates):
        raise ValueError(f"{where} must be finite, got {list(point)}")
    return coordinates


class Explorer(anywidget.AnyWidget):
    """The live explorer in a notebook; its view is the traits (see the module docstring).

    Made by :func:`explore`. Every trait set from Python is checked and written the way the
    page writes it (a start as a list of floats, a hyperparameter as its ``--param`` text);
    a bad value raises :class:`traitlets.TraitError` with a one-line message.
    """

    _esm = traitlets.Unicode(widget_module()).tag(sync=True)
    _css = traitlets.Unicode(widget_styles()).tag(sync=True)
    _config = traitlets.Dict().tag(sync=True)

    landscape = traitlets.Unicode(None, allow_none=True).tag(sync=True)
    formula = traitlets.Unicode(None, allow_none=True).tag(sync=True)
    bounds: traitlets.List[Any] = traitlets.List(None, allow_none=True).tag(sync=True)
    starts: traitlets.List[Any] = traitlets.List().tag(sync=True)
    runs: traitlets.List[Any] = traitlets.List().tag(sync=True)
    schedule = traitlets.Unicode("").tag(sync=True)
    steps = traitlets.Union([traitlets.Int(), traitlets.Unicode()]).tag(sync=True)
    tol = traitlets.Unicode(_tolerance_text(DEFAULT_GRAD_TOL)).tag(sync=True)
    loss_tol = traitlets.Unicode(_tolerance_text(DEFAULT_LOSS_TOL)).tag(sync=True)
    step = traitlets.Int(0).tag(sync=True)
    speed = traitlets.Float(1.0).tag(sync=True)

    def __init__(self, **state: Any) -> None:
        config = _config()
        entry = _entry(config["initial"]["landscape"])
        view: dict[str, Any] = {
            "landscape": entry["name"],
            "formula": None,
            "bounds": None,
            "starts": [list(entry["starts"][0])],
            "runs": [
                {"optimizer": r["optimizer"], "lr": entry["lrs"][r["optimizer"]], "params": {}}
                for r in config["initial"]["runs"]
            ],
            "steps": entry["steps"],
        }
        view.update(state)
        super().__init__(_config=config, **view)

    # ---------------------------------------------------------------- checks of the traits

    @traitlets.validate("landscape")
    def _check_landscape(self, proposal: Any) -> str | None:
        name = proposal["value"]
        if name is not None:
            self._fail(lambda: _entry(name))
        return name

    @traitlets.validate("formula")
    def _check_formula(self, proposal: Any) -> str | None:
        text = proposal["value"]
        if text is not None:
            self._fail(lambda: _formula(text))
        return text

    @traitlets.validate("bounds")
    def _check_bounds(self, proposal: Any) -> list[list[float]] | None:
        bounds = proposal["value"]
        if bounds is None:
            return None

        def check() -> list[list[float]]:
            pairs = [_point("bounds", b) for b in bounds] if isinstance(bounds, Sequence) else []
            if not 1 <= len(pairs) <= 2 or any(len(p) != 2 or not p[0] < p[1] for p in pairs):
                raise ValueError("bounds must be [[x0, x1]] or [[x0, x1], [y0, y1]] with x0 < x1")
            return pairs

        return self._fail(check)

    @traitlets.validate("starts")
    def _check_starts(self, proposal: Any) -> list[list[float]]:
        starts = proposal["value"]

        def check() -> list[list[float]]:
            points = [_point(f"start {i + 1}", p) for i, p in enumerate(starts)]
            if not 1 <= len(points) <= MAX_EXPLORER_STARTS:
                raise ValueError(f"give 1 to {MAX_EXPLORER_STARTS} starts, got {len(points)}")
            return points

        return self._fail(check)

    @traitlets.validate("runs")
    def _check_runs(self, proposal: Any) -> list[dict[str, Any]]:
        return self._fail(lambda: [_run(r, None) for r in _unique(proposal["value"])])

    @traitlets.validate("steps")
    def _check_steps(self, proposal: Any) -> int | str:
        steps = proposal["value"]
        if isinstance(steps, int) and not 0 <= steps <= MAX_EXPLORER_STEPS:
            raise traitlets.TraitError(f"steps must be from 0 to {MAX_EXPLORER_STEPS}, got {steps}")
        return steps

    @staticmethod
    def _fail(check: Any) -> Any:
        try:
            return check()
        except ValueError as error:
            raise traitlets.TraitError(str(error)) from None

    # ---------------------------------------------------------------- the view in Python

    def experiment(self) -> Experiment:
        """The current view as an experiment (what the explorer's *Export as TOML* writes).

        The text fields are read by ``gdviz run``'s rules: ``steps`` as an integer from 0 to
        the explorer's 20 000, ``tol`` and ``loss_tol`` as numbers ≥ 0, each hyperparameter by
        :func:`gdviz.optimizers.parse_hyperparameter`, the schedule by
        :func:`gdviz.schedules.parse_schedule`.

        Raises
        ------
        ValueError
            One line naming the field at fault (the page shows the same message by it).
        """
        from gdviz.optimizers import parse_hyperparameter

        if not self.runs:
            raise ValueError("choose an optimizer first: the view has no runs")
        steps = self.steps
        if isinstance(steps, str):
            try:
                steps = int(steps)
            except ValueError:
                raise ValueError(f"steps: {steps!r} is not a whole number") from None
        if not 0 <= steps <= MAX_EXPLORER_STEPS:
            raise ValueError(f"steps must be from 0 to {MAX_EXPLORER_STEPS}, got {steps}")
        grad_tol, loss_tol = (
            _tolerance("grad_tol", self.tol),
            _tolerance("loss_tol", self.loss_tol),
        )
        runs = []
        for r in self.runs:
            params = {k: parse_hyperparameter(r["optimizer"], k, v) for k, v in r["params"].items()}
            lr = _number(f"the learning rate of {r['optimizer']}", r["lr"])
            runs.append(RunConfig(r["optimizer"], lr, params, self.schedule or None))
        formula = self.formula
        if formula is None:
            title = _entry(self.landscape or "")["title"]
        else:
            title = _formula(formula).pretty
        experiment = Experiment(
            name="explorer",
            title=f"Explorer view: {title}",
            landscape=formula if formula is not None else self.landscape or "",
            starts=tuple(tuple(s) for s in self.starts),
            runs=tuple(runs),
            steps=steps,
            description="The view of gdviz.explore's widget.",
            source="explorer",
            expression=formula is not None,
            grad_tol=grad_tol,
            loss_tol=loss_tol,
        )
        from gdviz.optimizers import validate_lr

        for run in runs:
            try:
                validate_lr(run.lr)
            except ValueError as error:
                raise ValueError(f"the learning rate of {run.optimizer}: {error}") from None
        return experiment.validate()

    def run(self) -> ExperimentResult:
        """Run the current view through :func:`~gdviz.descent.descend` (one batched call per
        optimizer): the page's numbers, in Python.

        Raises
        ------
        ValueError
            As :meth:`experiment` does.
        """
        return self.experiment().run()


def _unique(runs: Any) -> list[Any]:
    if isinstance(runs, str | bytes | Mapping) or not isinstance(runs, Sequence):
        raise ValueError("runs must be a list of {'optimizer', 'lr', 'params'}")
    names = [r.get("optimizer") if isinstance(r, Mapping) else r for r in runs]
    for name in names:
        if names.count(name) > 1:
            raise ValueError(f"the explorer shows one run per optimizer; {name} is there twice")
    return list(runs)


def _run(run: RunLike, entry: Mapping[str, Any] | None) -> dict[str, Any]:
    """A run as the page's state writes it; its learning rate defaults to the landscape's."""
    if isinstance(run, RunConfig):
        run = {"optimizer": run.optimizer, "lr": run.lr, "params": dict(run.params)}
    elif isinstance(run, str):
        run = {"optimizer": run}
    if not isinstance(run, Mapping):
        raise ValueError(f"a run is an optimizer's name or {{'optimizer', 'lr'}}, got {run!r}")
    unknown = sorted(set(run) - {"optimizer", "lr", "params"})
    if unknown:
        raise ValueError(unknown_name_message("run key", unknown[0], ["optimizer", "lr", "params"]))
    name = run.get("optimizer")
    if not isinstance(name, str) or name not in _optimizer_names():
        raise ValueError(unknown_name_message("optimizer", str(name), _optimizer_names()))
    if "lr" in run:
        lr = run["lr"]
        if not isinstance(lr, str):
            lr = _number(f"the learning rate of {name}", lr)
    elif entry is not None:
        lr = entry["lrs"][name]
    else:
        raise ValueError(f"the run of {name} needs a learning rate ('lr')")
    params = run.get("params", {})
    if not isinstance(params, Mapping):
        raise ValueError(f"the params of {name} must be a mapping such as {{'momentum': 0.9}}")
    return {"optimizer": name, "lr": lr, "params": {str(k): _text(v) for k, v in params.items()}}


def explore(
    landscape: str | Experiment | None = None,
    *,
    formula: str | None = None,
    optimizers: Sequence[RunLike] | None = None,
    starts: Sequence[Sequence[float]] | None = None,
    schedule: str | None = None,
    steps: int | None = None,
    tol: float = DEFAULT_GRAD_TOL,
    loss_tol: float = DEFAULT_LOSS_TOL,
    bounds: Sequence[Sequence[float]] | None = None,
) -> Explorer:
    """The live explorer as a notebook widget, opened on the view the arguments describe.

    Parameters
    ----------
    landscape : str or Experiment, optional
        A built-in landscape of one or two variables (default: the explorer's Rosenbrock), or
        an experiment to open as it is (its landscape, starts, runs, steps and tolerances; its
        runs must share one schedule and name each optimizer once).
    formula : str, optional
        Your own formula in ``x`` (and ``y``) instead of a built-in, e.g. ``"x**2 + 3*sin(y)"``.
    optimizers : sequence, optional
        The runs: names (``"adam"``, a preset such as ``"momentum"``), each at the learning rate
        the landscape suggests, or ``{"optimizer": "adam", "lr": 0.05, "params": {"betas":
        (0.9, 0.99)}}``, or :class:`~gdviz.experiments.RunConfig`. Default: SGD, Momentum,
        RMSProp and Adam.
    starts : sequence of points, optional
        Up to six starts (default: the landscape's first; for a formula, a point of its window).
    schedule : str, optional
        One learning-rate schedule for every run, e.g. ``"exponential:gamma=0.99"``.
    steps : int, optional
        The step budget, 0 to 20 000 (default: the landscape's).
    tol, loss_tol : float
        Stop when the gradient norm, or the change of the loss, is below them (``gdviz run``'s
        ``--tol`` and ``--loss-tol``: 10⁻⁶ and 0).
    bounds : sequence of (low, high), optional
        The view window (default: the landscape's own).

    Returns
    -------
    Explorer
        The widget; its traits are the view, :meth:`Explorer.run` computes it in Python.

    Raises
    ------
    ValueError
        One line naming the argument at fault.
    """
    if isinstance(landscape, Experiment):
        if formula is not None or optimizers is not None or starts is not None or steps is not None:
            raise ValueError("give an experiment alone, or a landscape with its settings")
        return _from_experiment(landscape, bounds)
    if landscape is not None and formula is not None:
        raise ValueError("give one of landscape or formula")
    entry = None if formula is not None else _entry(landscape or _config()["initial"]["landscape"])
    view: dict[str, Any] = {
        "landscape": None if entry is None else entry["name"],
        "formula": formula,
    }
    names = list(DEFAULT_OPTIMIZERS) if optimizers is None else optimizers
    # a formula has no suggested rates: the page gives torch's defaults
    rates = entry if entry is not None else {"lrs": _default_lrs()}
    view["runs"] = [_run(r, rates) for r in _unique(names)]
    if starts is not None:
        view["starts"] = starts
    elif entry is not None:
        view["starts"] = [list(entry["starts"][0])]
    else:
        view["starts"] = [_formula_start(formula or "")]
    if steps is not None:
        view["steps"] = steps
    else:
        view["steps"] = _config()["limits"]["default_steps"] if entry is None else entry["steps"]
    view["schedule"] = schedule or ""
    view["tol"] = _tolerance_text(_tolerance("tol", tol))
    view["loss_tol"] = _tolerance_text(_tolerance("loss_tol", loss_tol))
    view["bounds"] = bounds
    return _made(view)


def _made(view: dict[str, Any]) -> Explorer:
    """The widget of ``view``, every field checked (a ValueError names the one at fault)."""
    try:
        widget = Explorer(**view)
    except traitlets.TraitError as error:
        raise ValueError(str(error)) from None
    widget.experiment()  # the view must run: dimensions, schedule, hyperparameters
    return widget


def _default_lrs() -> dict[str, float]:
    """torch's default learning rate of every optimizer and preset (a formula has no others)."""
    from gdviz.optimizers import default_lr

    return {name: default_lr(name) for name in _optimizer_names()}


def _formula_start(formula: str) -> list[float]:
    """The start the page gives a formula: 20 % into the window along x, 80 % along y."""
    low, high = _config()["formula"]["default_bounds"]
    dim = _formula(formula).dim
    return [low + (high - low) * (0.2 if i == 0 else 0.8) for i in range(dim)]


def _from_experiment(experiment: Experiment, bounds: Any) -> Explorer:
    _unique([run.optimizer for run in experiment.runs])
    schedules = {run.schedule or "" for run in experiment.runs}
    if len(schedules) > 1:
        raise ValueError(
            f"experiment '{experiment.name}' gives its runs different schedules; "
            "the explorer uses one for every run"
        )
    return _made(
        {
            "landscape": None if experiment.expression else experiment.landscape,
            "formula": experiment.landscape if experiment.expression else None,
            "starts": [list(s) for s in experiment.starts],
            "runs": [_run(r, None) for r in experiment.runs],
            "schedule": schedules.pop(),
            "steps": experiment.steps,
            "tol": _tolerance_text(experiment.grad_tol),
            "loss_tol": _tolerance_text(experiment.loss_tol),
            "bounds": bounds,
        }
    )
