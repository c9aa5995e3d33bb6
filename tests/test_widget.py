"""gdviz.explore: the live explorer as a notebook widget (anywidget).

The Python side is checked comm-free with ipywidgets' own test helpers (a dummy comm that
records the messages a kernel would send); the front end is the widget's ES module loaded into
Chromium with a model that behaves like the notebook's (set, change events, save_changes), the
way the report's explorer is tested.
"""

from __future__ import annotations

import inspect
import json
import re
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
from click.testing import CliRunner

pytest.importorskip("anywidget", reason="the notebook extra is not installed")

from ipywidgets.widgets.tests.utils import setup_test_comm, teardown_test_comm

import gdviz
from gdviz.cli import cli
from gdviz.descent import descend
from gdviz.experiments import get_experiment
from gdviz.notebook.widget import Explorer, explore, widget_module, widget_styles
from gdviz.numbers import format_number
from gdviz.report.explorer import CORE_SCRIPTS, EXPLORER_SCRIPTS, explorer_config


@pytest.fixture(autouse=True)
def _dummy_comm() -> Iterator[None]:
    from ipywidgets import Widget

    # widgets another module left open (the notebook tests' explore()) close with the comm
    # they were made with, before the test comm replaces its manager
    Widget.close_all()
    setup_test_comm()
    yield
    Widget.close_all()
    teardown_test_comm()


def cli_run(landscape: str, optimizer: str, lr: float, start: list[float], steps: int) -> Any:
    args = ["run", f"--landscape={landscape}", f"--optimizer={optimizer}", f"--lr={lr!r}"]
    args += ["--start=" + ",".join(repr(v) for v in start), f"--steps={steps}", "-f", "json"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def sent_state(widget: Explorer) -> dict[str, Any]:
    """What the widget has sent the front end since it opened (its update messages, merged)."""
    state: dict[str, Any] = {}
    for _args, kwargs in widget.comm.messages:
        data = kwargs.get("data", {})
        if data.get("method") == "update":
            state.update(data["state"])
    return state


# ------------------------------------------------------------------ the Python side


def test_explore_is_lazy_and_opens_the_explorers_default_view() -> None:
    widget = gdviz.explore()
    config = explorer_config()
    entry = next(e for e in config["landscapes"] if e["name"] == config["initial"]["landscape"])
    assert widget.landscape == entry["name"] and widget.formula is None
    assert widget.starts == [entry["starts"][0]]
    assert widget.steps == entry["steps"]
    assert widget.runs == [
        {"optimizer": r["optimizer"], "lr": r["lr"], "params": {}}
        for r in config["initial"]["runs"]
    ]
    assert widget.tol == "1e-06" and widget.loss_tol == "0"  # as the page writes them
    ours, descends = (inspect.signature(f).parameters for f in (explore, descend))
    assert ours["tol"].default == descends["grad_tol"].default
    assert ours["loss_tol"].default == descends["loss_tol"].default


def test_the_widget_carries_the_reports_scripts_and_configuration_inline() -> None:
    state = explore().get_state()
    module = state["_esm"]
    assert module == widget_module() and module.rstrip().endswith(
        "export default { render: gdvizWidget.render };"
    )
    from gdviz.report.render import read_static

    for name in (*CORE_SCRIPTS, *EXPLORER_SCRIPTS):
        assert read_static(name) in module
    assert not re.search(r"^\s*import\b|\bimport\(|\bfetch\(|XMLHttpRequest", module, re.M)
    assert state["_css"] == widget_styles() and ".gdviz-theme" in state["_css"]
    assert state["_config"] == json.loads(json.dumps(explorer_config()))


def test_explore_sets_the_view_written_as_the_page_writes_it() -> None:
    widget = explore(
        "himmelblau",
        optimizers=[
            "adam",
            {"optimizer": "sgd", "lr": 1e-3, "params": {"momentum": 0.9, "nesterov": True}},
        ],
        starts=[(0, 0), (1.5, -1)],
        schedule="exponential:gamma=0.99",
        steps=300,
    )
    himmelblau = next(e for e in explorer_config()["landscapes"] if e["name"] == "himmelblau")
    assert widget.runs == [
        {"optimizer": "adam", "lr": himmelblau["lrs"]["adam"], "params": {}},
        {"optimizer": "sgd", "lr": 1e-3, "params": {"momentum": "0.9", "nesterov": "true"}},
    ]
    assert widget.starts == [[0.0, 0.0], [1.5, -1.0]]
    experiment = widget.experiment()
    assert experiment.landscape == "himmelblau" and experiment.steps == 300
    assert experiment.runs[1].params == {"momentum": 0.9, "nesterov": True}
    assert {r.schedule for r in experiment.runs} == {"exponential:gamma=0.99"}
    assert experiment.grad_tol == 1e-6 and experiment.loss_tol == 0.0


def test_an_experiment_opens_as_it_is_and_runs_to_its_own_numbers() -> None:
    race = get_experiment("race-rosenbrock")
    widget = explore(race)
    mine, theirs = widget.run(), race.run()
    for (_, s, a), (_, t, b) in zip(mine.items(), theirs.items(), strict=True):
        assert s == t and (a.points == b.points).all() and a.status == b.status


def test_minibatch_noise_is_the_pages_and_gdviz_runs() -> None:
    """A minibatch view (the page's Minibatch noise panel) runs descend's minibatch contract:
    its numbers are a single `descend(..., batch_size, seed)` call's, and an experiment with a
    batch size opens with the panel on."""
    from gdviz.descent import descend
    from gdviz.landscapes import get_landscape

    widget = explore("linear-regression", optimizers=["sgd"], batch_size=2, seed=7, steps=30)
    assert (widget.minibatch, widget.batch_size, widget.seed) == (True, "2", "7")
    (_, _, mine), *_ = widget.run().items()
    run, start = widget.experiment().runs[0], widget.experiment().starts[0]
    single = descend(
        get_landscape("linear-regression"),
        run.make_optimizer(),
        start,
        lr=run.lr,
        steps=30,
        grad_tol=widget.experiment().grad_tol,
        batch_size=2,
        seed=7,
    )
    assert (mine.points == single.points).all() and mine.epochs is not None
    widget.seed = "8"
    (_, _, other), *_ = widget.run().items()
    assert not (other.points == mine.points).all()
    again = explore(widget.experiment())
    assert (again.minibatch, again.batch_size, again.seed) == (True, "2", "8")
    widget.seed = "x"
    with pytest.raises(ValueError, match="seed: 'x' is not a whole number"):
        widget.experiment()


def test_bad_views_are_refused_in_one_line() -> None:
    race = get_experiment("race-rosenbrock")
    decayed = replace(race, runs=(race.runs[0], replace(race.runs[1], schedule="step:step_size=9")))
    cases: dict[str, dict[str, Any]] = {
        "unknown landscape 'rosenbrok' (did you mean 'rosenbrock'?)": {"landscape": "rosenbrok"},
        "unknown optimizer 'adamm' (did you mean 'adam'?)": {"optimizers": ["adamm"]},
        "adam is there twice": {"optimizers": ["adam", "adam"]},
        "start 1 must be a point of one or two numbers": {"starts": [(1, 2, 3)]},
        "give 1 to 6 starts, got 7": {"starts": [(0, 0)] * 7},
        "parabola needs 1": {"landscape": "parabola", "starts": [(1, 2)]},
        "unknown schedule 'exp'": {"schedule": "exp:gamma=0.5"},
        "steps must be from 0 to 20000": {"steps": 10**6},
        "invalid eps for adam: -1.0": {
            "optimizers": [{"optimizer": "adam", "params": {"eps": -1}}]
        },
        "formula 'x**': invalid syntax": {"formula": "x**"},
        "tol must be a finite number ≥ 0, got -1.0": {"tol": -1.0},
        "the explorer uses one for every run": {"landscape": decayed},
        "sgd is there twice": {"landscape": get_experiment("momentum")},
    }
    for message, kwargs in cases.items():
        with pytest.raises(ValueError, match=re.escape(message)) as caught:
            explore(**kwargs)
        assert "\n" not in str(caught.value)


def test_traits_set_from_python_are_checked_and_sent_to_the_page() -> None:
    widget = explore("himmelblau", optimizers=["adam"])
    widget.comm.messages.clear()
    with widget.hold_sync():
        widget.starts = [(1, 2)]
        widget.runs = [{"optimizer": "rmsprop", "lr": 0.01, "params": {"centered": True}}]
    assert sent_state(widget) == {
        "starts": [[1.0, 2.0]],
        "runs": [{"optimizer": "rmsprop", "lr": 0.01, "params": {"centered": "true"}}],
    }
    import traitlets

    with pytest.raises(traitlets.TraitError, match="unknown landscape 'nope'"):
        widget.landscape = "nope"
    with pytest.raises(traitlets.TraitError, match="needs a learning rate"):
        widget.runs = [{"optimizer": "adam"}]
    assert widget.landscape == "himmelblau"


def test_a_change_in_the_page_sets_the_traits_and_the_python_run() -> None:
    widget = explore("himmelblau", optimizers=["adam"], starts=[(0, 0)], steps=50)
    # what the front end sends when the student types a learning rate and a bad beta
    widget.set_state({"runs": [{"optimizer": "adam", "lr": 0.05, "params": {"betas": "0.8,0.9"}}]})
    result = widget.run()
    assert result.experiment.runs[0].lr == 0.05
    assert result.experiment.runs[0].params == {"betas": (0.8, 0.9)}
    widget.set_state({"steps": "abc"})  # the field as typed: the page says it needs fixing
    with pytest.raises(ValueError, match="steps: 'abc' is not a whole number"):
        widget.run()


# ------------------------------------------------------------------ the front end in Chromium

FAKE_MODEL = """
async ([state, module]) => {
  const listeners = {};
  const canonical = (v) => JSON.stringify(v);
  const model = {
    state: structuredClone(state), saved: [],
    get(key) { return structuredClone(this.state[key]); },
    set(key, value) {
      if (canonical(this.state[key]) === canonical(value)) return;
      this.state[key] = structuredClone(value);
      (listeners["change:" + key] || []).forEach((f) => f());
    },
    on(name, f) { (listeners[name] = listeners[name] || []).push(f); },
    off(name, f) { listeners[name] = (listeners[name] || []).filter((g) => g !== f); },
    save_changes() { this.saved.push(structuredClone(this.state)); },
  };
  const url = URL.createObjectURL(new Blob([module], { type: "text/javascript" }));
  const widget = (await import(url)).default;
  const el = document.getElementById("cell");
  window.model = model;
  window.cleanup = widget.render({ model, el });
  window.explorer = el.querySelector(".gdviz-widget").gdvizExplorer;
}
"""

RUNS = """() => window.explorer.runs().map((r) => ({
    optimizer: r.optimizer, start: r.start, lr: r.job.lr, steps: r.result.steps,
    status: r.result.status, exact: r.exact, losses: Array.from(r.result.losses),
    points: Array.from(r.result.points) }))"""


@pytest.fixture()
def cell(js_page: Any) -> Any:
    """A notebook-like page: one output element, the widget's CSS, no network."""
    requests: list[str] = []
    js_page.on("request", lambda request: requests.append(request.url))
    js_page.set_viewport_size({"width": 1100, "height": 900})
    js_page.set_content('<!doctype html><html><body><div id="cell"></div></body></html>')
    yield js_page
    assert all(url.startswith(("blob:", "data:", "about:")) for url in requests), requests


def mount(page: Any, widget: Explorer) -> None:
    state = widget.get_state()
    page.add_style_tag(content=state["_css"])
    page.evaluate(FAKE_MODEL, [state, state["_esm"]])
    page.wait_for_selector('.gdviz-widget[data-ready="true"]')


def front_end_updates(page: Any, widget: Explorer) -> None:
    """Deliver the widget's update messages to the page's model, as the comm would."""
    page.evaluate(
        "(state) => { for (const [k, v] of Object.entries(state)) window.model.set(k, v); }",
        sent_state(widget),
    )
    widget.comm.messages.clear()


@pytest.mark.slow
def test_the_widget_in_a_page_computes_gdviz_runs_numbers_and_syncs_both_ways(cell: Any) -> None:
    errors: list[str] = []
    cell.on("pageerror", lambda error: errors.append(str(error)))
    cell.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    widget = explore("himmelblau", optimizers=["adam", "momentum"], starts=[(0.5, -1.0)], steps=200)
    mount(cell, widget)
    assert cell.is_hidden("text=Copy link to this view")  # the notebook's URL keeps no view
    assert cell.is_visible("text=Export as TOML")

    # the page's numbers are `gdviz run`'s and the widget's run() in Python
    result = widget.run()
    for run, (config, trajectory) in zip(cell.evaluate(RUNS), result.by_run(), strict=True):
        expected = cli_run("himmelblau", run["optimizer"], run["lr"], [0.5, -1.0], 200)
        assert run["optimizer"] == config.optimizer and run["exact"] == "bit"
        assert run["losses"] == [r["loss"] for r in expected["records"]]
        assert run["points"] == [v for r in expected["records"] for v in (r["x"], r["y"])]
        assert run["losses"] == trajectory.losses.tolist()
        assert (run["status"], run["steps"]) == (expected["status"], expected["steps"])
    finals = cell.eval_on_selector_all(
        '.gx-readout td[data-col="final"]', "(tds) => tds.map((td) => td.textContent)"
    )
    assert finals == [format_number(t.losses[-1]) for _, t in result.by_run()]

    # the student types a learning rate: the model's trait changes and is saved
    saved_before = cell.evaluate("() => window.model.saved.length")
    cell.fill('input[aria-label="Learning rate of Adam"]', "0.05")
    cell.press('input[aria-label="Learning rate of Adam"]', "Enter")
    cell.dispatch_event('input[aria-label="Learning rate of Adam"]', "change")
    state = cell.evaluate("() => window.model.state")
    assert cell.evaluate("() => window.model.saved.length") > saved_before
    assert state["runs"][0] == {"optimizer": "adam", "lr": 0.05, "params": {}}
    widget.set_state({k: state[k] for k in ("runs",)})  # the comm's update, in Python
    assert widget.runs[0]["lr"] == 0.05
    adam = cell.evaluate(RUNS)[0]
    assert adam["losses"] == widget.run().by_run()[0][1].losses.tolist()

    # Python sets the view: the page redraws on it and computes the same numbers
    with widget.hold_sync():
        widget.starts = [(-2.0, 2.5), (1.0, 1.0)]
        widget.schedule = "cosine:T_max=150"
    saves = cell.evaluate("() => window.model.saved.length")
    front_end_updates(cell, widget)
    runs = cell.evaluate(RUNS)
    assert [r["start"] for r in runs] == [[-2.0, 2.5], [1.0, 1.0]] * 2
    assert cell.input_value(".gx-schedule select") == "cosine"
    ours = widget.run()
    for run, (_, s, trajectory) in zip(runs, ours.items(), strict=True):
        assert run["start"] == list(trajectory.points[0]) and s in (0, 1)
        assert run["losses"] == trajectory.losses.tolist()
    assert cell.evaluate("() => window.model.saved.length") == saves  # no echo to Python

    cell.evaluate("() => window.cleanup()")
    assert cell.evaluate("() => document.querySelector('.gdviz-widget').children.length") == 0
    assert errors == []
