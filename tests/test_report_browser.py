"""The report in a real browser: Debian's Chromium driven by Playwright, page opened from file://.

Two reports are built once per session: one with its assets beside the page (and, when Manim is
installed, a real low-quality video), one ``--single-file`` page. The explorer is driven as a
student drives it — clicks, drags, keys, typed formulas, shared links, the TOML export — and
every number it shows is checked against the CLI. Screenshots at laptop and phone width and in
the dark scheme go to ``$GDVIZ_SCREENSHOTS`` when set (to look at), else to a temporary folder.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from page_helpers import run_cli

pytestmark = pytest.mark.slow

playwright_sync = pytest.importorskip("playwright.sync_api")

from gdviz.cli import cli  # noqa: E402
from gdviz.experiments import load_experiments  # noqa: E402
from gdviz.expression import ExpressionError, parse_expression  # noqa: E402
from gdviz.figures import user_figures  # noqa: E402
from gdviz.figures._base import status_phrase  # noqa: E402
from gdviz.numbers import format_number  # noqa: E402
from gdviz.optimizers import make_optimizer, parse_hyperparameter  # noqa: E402
from gdviz.report import ReportOptions, build_report  # noqa: E402
from gdviz.style import optimizer_label  # noqa: E402
from gdviz.video import video_available  # noqa: E402

HOSTILE_TITLE = "<script>window.__pwned=1</script>"
#: The scene rendered for real (low quality) when Manim is available; enough to test playback.
VIDEO_SCENES = ("hiker",)


@pytest.fixture(scope="session")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("browser-report")
    mp = pytest.MonkeyPatch()
    mp.setenv("GDVIZ_CACHE_DIR", str(root / "cache"))
    try:
        common = dict(
            title=HOSTILE_TITLE, videos=video_available(), quality="low", scenes=VIDEO_SCENES
        )
        assets = build_report(ReportOptions(output=root / "assets", **common))  # type: ignore[arg-type]
        single = build_report(ReportOptions(output=root / "single", single_file=True, **common))  # type: ignore[arg-type]
    finally:
        mp.undo()
    return {"assets": assets.page, "single": single.page}


def wait_until(page: Any, expression: str, timeout: float = 10.0) -> None:
    """Poll ``expression`` from Python: the page's Content-Security-Policy forbids the string
    evaluation Playwright's own ``wait_for_function`` polling relies on."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {expression}")
        page.wait_for_timeout(50)


class Visit:
    """A page opened from file:// that records console errors and every request."""

    def __init__(
        self,
        browser: Any,
        path: Path,
        width: int = 1280,
        height: int = 800,
        hash: str = "",
        scheme: str = "light",
    ) -> None:
        self.context = browser.new_context(
            viewport={"width": width, "height": height}, color_scheme=scheme
        )
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.route("**/*", self._route)
        self.page.goto(path.as_uri() + hash)
        self.page.wait_for_selector("#explorer[data-ready=true]")

    def _route(self, route: Any) -> None:
        url = route.request.url
        self.requests.append(url)
        if url.startswith(("file:", "data:")):
            route.continue_()
        else:
            route.abort()

    def state(self) -> dict[str, Any]:
        return self.page.evaluate("window.gdviz.explorer.getState()")

    def runs(self) -> list[dict[str, Any]]:
        return self.page.evaluate(
            """() => window.gdviz.explorer.runs().map((r) => ({
                optimizer: r.optimizer, start: r.start, lr: r.job.lr, steps: r.result.steps,
                status: r.result.status, exact: r.exact, losses: Array.from(r.result.losses),
                points: Array.from(r.result.points) }))"""
        )

    def readout(self) -> list[dict[str, str]]:
        return self.page.evaluate(
            """() => Array.from(document.querySelectorAll('.gx-readout tbody tr')).map((tr) =>
                Object.assign({ optimizer: tr.dataset.opt, index: tr.dataset.start },
                  Object.fromEntries(Array.from(tr.querySelectorAll('td')).map(
                    (td) => [td.dataset.col, td.textContent.trim()]))))"""
        )

    def close(self) -> None:
        self.context.close()


@pytest.fixture(params=["assets", "single"])
def visit(
    request: pytest.FixtureRequest, reports: dict[str, Path], browser: Any
) -> Iterator[Visit]:
    v = Visit(browser, reports[request.param])
    yield v
    v.close()


@pytest.fixture
def laptop(reports: dict[str, Path], browser: Any) -> Iterator[Visit]:
    v = Visit(browser, reports["assets"])
    yield v
    assert v.errors == []
    v.close()


def cli_run(spec: dict[str, Any]) -> dict[str, Any]:
    args = ["run", f"--landscape={spec['landscape']}", f"--optimizer={spec['optimizer']}"]
    args.append("--start=" + ",".join(repr(float(v)) for v in spec["start"]))
    args += [f"--steps={spec['steps']}", f"--lr={spec['lr']!r}", "--format", "json"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def plot_box(page: Any) -> dict[str, float]:
    """The map's plot area in viewport pixels (scrolled into view first)."""
    page.locator(".gx-stage").scroll_into_view_if_needed()
    return page.evaluate(
        "(() => { const r = document.querySelector('.gx-contours').getBoundingClientRect();"
        " return {left: r.left, top: r.top, right: r.right, bottom: r.bottom}; })()"
    )


def to_data(box: dict[str, float], bounds: list[list[float]], cx: float, cy: float) -> list[float]:
    (x0, x1), (y0, y1) = bounds
    return [
        x0 + (cx - box["left"]) / (box["right"] - box["left"]) * (x1 - x0),
        y1 - (cy - box["top"]) / (box["bottom"] - box["top"]) * (y1 - y0),
    ]


def landscape_bounds(page: Any, name: str) -> list[list[float]]:
    return page.evaluate(
        "(n) => window.gdviz.data.landscapes.find((l) => l.name === n).bounds", name
    )


# ----------------------------------------------------------------------------- the page


def test_loads_offline_without_errors(visit: Visit) -> None:
    visit.page.wait_for_load_state("load")
    assert visit.errors == []
    outside = [url for url in visit.requests if not url.startswith(("file:", "data:"))]
    assert outside == []


def test_every_image_decodes_and_the_map_is_drawn(visit: Visit) -> None:
    page = visit.page
    wait_until(page, "Array.from(document.images).every(i => i.complete)")
    broken = page.evaluate(
        "Array.from(document.images).filter(i => !(i.naturalWidth > 0))"
        ".map(i => i.alt || i.src.slice(0, 60))"
    )
    assert page.evaluate("document.images.length") > 20
    assert broken == []
    colours = page.evaluate(
        """(() => { const c = document.querySelector('.gx-contours');
            const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
            const seen = new Set();
            for (let i = 0; i < d.length; i += 4 * 97) seen.add([d[i], d[i + 1], d[i + 2]].join());
            return seen.size; })()"""
    )
    assert colours >= 8  # filled bands, not a blank canvas


def test_every_video_has_a_duration(visit: Visit) -> None:
    if not video_available():
        pytest.skip("Manim is not installed: the report was built without videos")
    page = visit.page
    count = page.evaluate("document.querySelectorAll('video').length")
    assert count == len(VIDEO_SCENES)
    wait_until(
        page, "Array.from(document.querySelectorAll('video')).every(v => v.readyState >= 1)", 20
    )
    durations = page.evaluate("Array.from(document.querySelectorAll('video')).map(v => v.duration)")
    assert all(d > 1 for d in durations), durations


def test_the_page_api_is_gdviz_run(visit: Visit) -> None:
    spec = {
        "landscape": "rosenbrock",
        "optimizer": "adam",
        "start": [-1.5, 2.0],
        "steps": 300,
        "lr": 0.05,
    }
    assert visit.page.evaluate("(s) => window.gdviz.run(s)", spec) == cli_run(spec)
    error = visit.page.evaluate(
        "() => { try { window.gdviz.run({landscape: 'bowl', optimizer: 'adam', start: [1, 2],"
        " params: {eps: -1}}); }"
        " catch (e) { return e.message; } }"
    )
    assert error == "Invalid value for '--param': invalid eps for adam: -1.0 (must be ≥ 0)"


def test_the_explorer_opens_on_the_cores_runs(laptop: Visit) -> None:
    state = laptop.state()
    runs = laptop.runs()
    assert [r["optimizer"] for r in runs] == [r["optimizer"] for r in state["runs"]]
    for run, row in zip(runs, laptop.readout(), strict=True):
        expected = cli_run({"landscape": state["landscape"], **run, "steps": state["steps"]})
        assert run["losses"] == [r["loss"] for r in expected["records"]]
        assert (run["status"], run["steps"]) == (expected["status"], expected["steps"])
        assert run["exact"] == "bit"
        assert row["final"] == format_number(expected["final"]["loss"])
        assert row["stop"] == str(expected["steps"])
        assert row["lr"] == format_number(run["lr"], 4)
    claim = laptop.page.text_content(".gx-claim") or ""
    assert "every number is what gdviz run computes, bit for bit" in claim


# ----------------------------------------------------------------------------- the map


def test_a_click_starts_a_run_there_with_the_cores_numbers(laptop: Visit) -> None:
    page = laptop.page
    box = plot_box(page)
    cx, cy = (
        box["left"] + 0.31 * (box["right"] - box["left"]),
        box["top"] + 0.62 * (box["bottom"] - box["top"]),
    )
    before = len(laptop.state()["starts"])
    page.mouse.click(cx, cy)
    state = laptop.state()
    assert len(state["starts"]) == before + 1
    start = state["starts"][-1]
    bounds = landscape_bounds(page, state["landscape"])
    clicked = to_data(box, bounds, cx, cy)
    pixel = [(b[1] - b[0]) / (box["right"] - box["left"]) for b in bounds]
    assert abs(start[0] - clicked[0]) <= pixel[0] and abs(start[1] - clicked[1]) <= pixel[1]
    new = [r for r in laptop.runs() if r["start"] == start]
    assert len(new) == len(state["runs"])
    for run in new:
        expected = cli_run({"landscape": state["landscape"], **run, "steps": state["steps"]})
        assert run["points"][:2] == start
        assert run["losses"] == [r["loss"] for r in expected["records"]]
        assert run["points"] == [v for r in expected["records"] for v in (r["x"], r["y"])]
    drawn = page.get_attribute(f'.gx-path[data-start="{before}"]', "points") or ""
    first = [float(v) for v in drawn.split()[0].split(",")]
    svg = page.evaluate(
        "(() => { const r = document.querySelector('.gx-map').getBoundingClientRect();"
        " return [r.left, r.top]; })()"
    )
    assert abs(first[0] + svg[0] - cx) <= 1.5 and abs(first[1] + svg[1] - cy) <= 1.5


def test_dragging_a_start_moves_its_runs(laptop: Visit) -> None:
    page = laptop.page
    plot_box(page)
    marker = page.locator('.gx-start[data-index="0"]').bounding_box()
    assert marker
    x0, y0 = marker["x"] + marker["width"] / 2, marker["y"] + marker["height"] / 2
    losses_before = [r["losses"][-1] for r in laptop.runs()]
    page.mouse.move(x0, y0)
    page.mouse.down()
    page.mouse.move(x0 + 40, y0 + 30, steps=6)
    page.mouse.up()
    state = laptop.state()
    box = plot_box(page)
    bounds = landscape_bounds(page, state["landscape"])
    target = to_data(box, bounds, x0 + 40, y0 + 30)
    start = state["starts"][0]
    pixel = [(b[1] - b[0]) / (box["right"] - box["left"]) for b in bounds]
    assert abs(start[0] - target[0]) <= 2 * pixel[0] and abs(start[1] - target[1]) <= 2 * pixel[1]
    runs = laptop.runs()
    assert (
        all(r["start"] == start for r in runs if r["start"] == start) and runs[0]["start"] == start
    )
    assert [r["losses"][-1] for r in runs] != losses_before
    expected = cli_run({"landscape": state["landscape"], **runs[0], "steps": state["steps"]})
    assert runs[0]["losses"] == [r["loss"] for r in expected["records"]]


def test_the_keyboard_operates_the_controls(laptop: Visit) -> None:
    page = laptop.page
    page.focus('.gx-opt[data-opt="gd"] .gx-on')
    page.keyboard.press("Space")
    assert "gd" in [r["optimizer"] for r in laptop.state()["runs"]]
    lr_before = next(r["lr"] for r in laptop.state()["runs"] if r["optimizer"] == "adam")
    page.focus('.gx-opt[data-opt="adam"] input[type=range]')
    for _ in range(10):
        page.keyboard.press("ArrowRight")
    lr_after = next(r["lr"] for r in laptop.state()["runs"] if r["optimizer"] == "adam")
    assert lr_after > lr_before
    row = next(r for r in laptop.readout() if r["optimizer"] == "adam")
    assert row["lr"] == format_number(lr_after, 4)
    page.focus('.gx-start[data-index="0"]')
    start = laptop.state()["starts"][0]
    page.keyboard.press("ArrowUp")
    page.keyboard.press("Shift+ArrowLeft")
    moved = laptop.state()["starts"][0]
    assert moved[1] > start[1] and moved[0] < start[0]
    page.focus(".gx-play")
    page.keyboard.press("Enter")
    wait_until(page, "window.gdviz.explorer.getState().step >= 3")
    page.keyboard.press("Enter")  # pause
    paused = laptop.state()["step"]
    page.wait_for_timeout(300)
    assert laptop.state()["step"] == paused
    page.focus(".gx-landscape select")
    page.keyboard.press("ArrowDown")
    assert laptop.state()["landscape"] != "rosenbrock"


def test_playback_scrub_and_steps(laptop: Visit) -> None:
    page = laptop.page
    page.click(".gx-play")
    wait_until(page, "window.gdviz.explorer.getState().step >= 3")
    page.click(".gx-play")
    paused = laptop.state()["step"]
    page.click("button[aria-label='One step forward']")
    assert laptop.state()["step"] == paused + 1
    page.click("button[aria-label='One step back']")
    assert laptop.state()["step"] == paused
    page.eval_on_selector(
        ".gx-scrub input",
        "(el) => { el.value = '40'; el.dispatchEvent(new Event('input', {bubbles: true})); }",
    )
    assert laptop.state()["step"] == 40
    rows = laptop.readout()
    runs = laptop.runs()
    for row, run in zip(rows, runs, strict=True):
        assert row["loss"] == format_number(run["losses"][min(40, run["steps"])])
    page.click(".gx-transport button:has-text('Reset')")
    assert laptop.state()["step"] == 0


# ----------------------------------------------------------------------------- settings


def test_hyperparameters_are_checked_with_the_clis_messages(laptop: Visit) -> None:
    page = laptop.page
    page.click('.gx-opt[data-opt="adam"] summary')
    for key, text in (
        ("eps", "-1"),
        ("betas", "0.9"),
        ("betas", "0.9, 1.5"),
        ("weight_decay", "abc"),
    ):
        field = page.locator(f'.gx-opt[data-opt="adam"] input[data-param="{key}"]')
        field.fill(text)
        field.press("Enter")
        field.dispatch_event("change")
        message = field.evaluate("(el) => el.parentNode.querySelector('.gx-msg').textContent")
        with pytest.raises(ValueError) as error:
            make_optimizer("adam", **{key: parse_hyperparameter("adam", key, text)})
        assert message == str(error.value)
        assert "needs fixing" in (page.text_content(".gx-claim") or "")
    page.locator('.gx-opt[data-opt="adam"] input[data-param="weight_decay"]').fill("0")
    page.dispatch_event('.gx-opt[data-opt="adam"] input[data-param="weight_decay"]', "change")
    page.locator('.gx-opt[data-opt="adam"] input[data-param="eps"]').fill("1e-8")
    page.dispatch_event('.gx-opt[data-opt="adam"] input[data-param="eps"]', "change")
    field = page.locator('.gx-opt[data-opt="adam"] input[data-param="betas"]')
    field.fill("0.8, 0.99")
    field.dispatch_event("change")
    assert laptop.state()["runs"][-1]["params"]["betas"] == "0.8, 0.99"
    assert "bit for bit" in (page.text_content(".gx-claim") or "")
    adam = next(r for r in laptop.runs() if r["optimizer"] == "adam")
    assert adam["exact"] == "bit"
    page.select_option(".gx-schedule select", "cosine")
    message = page.text_content(".gx-schedule .gx-msg:not(:empty)") or ""
    assert message == "the cosine schedule needs T_max"
    page.fill(".gx-schedule-fields input", "50")
    page.dispatch_event(".gx-schedule-fields input", "change")
    assert laptop.state()["schedule"] == "cosine:T_max=50"


# ----------------------------------------------------------------------------- formulas


def test_the_formula_box_rejects_like_the_cli_and_runs_nothing(laptop: Visit) -> None:
    page = laptop.page
    page.evaluate("() => { delete window.__marker; }")
    page.select_option(".gx-landscape select", "")
    box = page.locator(".gx-formula input")
    for text in (
        "x^2",
        "sin(x",
        "window.__marker=1",
        "(()=>{window.__marker=1})()",
        "1/(x - x)",
        "constructor.constructor('window.__marker=1')()",
        "</script><b>x</b>",
    ):
        box.fill(text)
        box.dispatch_event("change")
        with pytest.raises(ExpressionError) as error:
            parse_expression(text)
        assert page.text_content(".gx-formula .gx-msg") == str(error.value)
    assert page.evaluate("typeof window.__marker") == "undefined"
    box.fill("x**2 + 3*sin(y)")
    box.dispatch_event("change")
    state = laptop.state()
    assert state["formula"] == "x**2 + 3*sin(y)" and state["landscape"] is None
    assert "x² + 3·sin(y)" in (page.text_content(".gx-caption") or "")
    assert laptop.runs() and all(r["exact"] == "close" for r in laptop.runs())
    box.fill("x*cos(x)")
    box.dispatch_event("change")
    assert page.locator(".gx-curve").count() == 1
    assert all(len(r["start"]) == 1 for r in laptop.runs())


# ----------------------------------------------------------------------------- sharing


def test_a_shared_link_reopens_the_same_view(
    laptop: Visit, reports: dict[str, Path], browser: Any
) -> None:
    page = laptop.page
    page.select_option(".gx-landscape select", "himmelblau")
    box = plot_box(page)
    page.mouse.click(
        box["left"] + 0.7 * (box["right"] - box["left"]),
        box["top"] + 0.2 * (box["bottom"] - box["top"]),
    )
    page.check('.gx-opt[data-opt="nadam"] .gx-on')
    page.eval_on_selector(
        ".gx-scrub input",
        "(el) => { el.value = '25'; el.dispatchEvent(new Event('input', {bubbles: true}));"
        " el.dispatchEvent(new Event('change')); }",
    )
    wait_until(page, "location.hash.indexOf('t=25') > 0")
    link = page.evaluate("location.hash")
    again = Visit(browser, reports["single"], hash=link)
    try:
        ours, theirs = laptop.state(), again.state()
        ours.pop("notes", None)
        theirs.pop("notes", None)
        assert theirs == ours
        assert again.readout() == laptop.readout()
        assert again.errors == []
    finally:
        again.close()


def test_the_exported_toml_gives_figures_with_the_tables_numbers(
    laptop: Visit, tmp_path: Path
) -> None:
    page = laptop.page
    page.select_option(".gx-landscape select", "himmelblau")
    page.check('.gx-opt[data-opt="rmsprop"] .gx-on')
    page.click('.gx-opt[data-opt="momentum"] summary')
    page.fill('.gx-opt[data-opt="momentum"] input[data-param="dampening"]', "0.1")
    page.dispatch_event('.gx-opt[data-opt="momentum"] input[data-param="dampening"]', "change")
    page.select_option(".gx-schedule select", "exponential")
    page.fill(".gx-schedule-fields input", "0.995")
    page.dispatch_event(".gx-schedule-fields input", "change")
    page.click(".gx-actions button:has-text('Export as TOML')")
    toml = page.input_value(".gx-export textarea")
    path = tmp_path / "view.toml"
    path.write_text(toml, encoding="utf-8")
    experiments = load_experiments(path)
    result = CliRunner().invoke(
        cli,
        [
            "figures",
            "--config",
            str(path),
            "--output",
            str(tmp_path / "figs"),
            "--format",
            "png",
            "surface-3d-explorer",
        ],
    )
    assert result.exit_code == 0, result.output
    captions = {name: spec.caption for name, spec in user_figures(experiments).items()}
    rows = [r for r in laptop.readout() if r["index"] == "0"]
    assert len(rows) == len(laptop.state()["runs"]) >= 4
    surface = captions["surface-3d-explorer"]
    paths = captions["optimizer-paths-explorer"]
    for row, run in zip(
        rows, [r for r in laptop.runs() if r["start"] == laptop.state()["starts"][0]], strict=True
    ):
        status = run["status"]
        phrase = status_phrase(status, int(row["stop"]))
        assert f"{optimizer_label(row['optimizer'])}, lr {row['lr']}" in paths
        assert f"{phrase}, loss {row['final']}" in surface, (row, surface)
        if status != "diverged":
            assert f"loss {format_number(run['losses'][-1], 2)}" in paths


def test_minibatch_noise_on_a_data_landscape(
    laptop: Visit, reports: dict[str, Path], browser: Any, tmp_path: Path
) -> None:
    page = laptop.page
    assert page.is_hidden(".gx-batch")  # Rosenbrock has no data to slice
    page.select_option(".gx-landscape select", "linear-regression")
    assert page.is_visible(".gx-batch")
    page.focus(".gx-batch input[type=checkbox]")
    page.keyboard.press("Space")
    state = laptop.state()
    assert state["minibatch"] is True and state["batchSize"] == "1"
    page.fill(".gx-batch .gx-field:has-text('batch size') input", "0")
    page.dispatch_event(".gx-batch .gx-field:has-text('batch size') input", "change")
    assert page.text_content(".gx-batch .gx-field:has-text('batch size') .gx-msg") == (
        "0 is not in the range x>=1."
    )
    assert "needs fixing" in (page.text_content(".gx-claim") or "")
    page.fill(".gx-batch .gx-field:has-text('batch size') input", "2")
    page.dispatch_event(".gx-batch .gx-field:has-text('batch size') input", "change")
    page.fill(".gx-batch .gx-field:has-text('seed') input", "41")
    page.dispatch_event(".gx-batch .gx-field:has-text('seed') input", "change")
    page.click(".gx-batch button:has-text('Next seed')")
    state = laptop.state()
    assert (state["batchSize"], state["seed"]) == ("2", "42")
    for run in laptop.runs():
        params = next(r for r in state["runs"] if r["optimizer"] == run["optimizer"])["params"]
        code, output = run_cli(
            {
                "landscape": "linear-regression",
                "optimizer": run["optimizer"],
                "params": params,
                "lr": run["lr"],
                "start": run["start"],
                "steps": state["steps"],
                "tol": state["tol"],
                "batch_size": 2,
                "seed": 42,
            }
        )
        assert code == 0, output
        records = json.loads(output)["records"]
        assert run["losses"] == [r["loss"] for r in records], run["optimizer"]
        assert run["points"] == [v for r in records for v in (r["w"], r["b"])]
    assert page.locator(".gx-ghosts .gx-reference").count() == len(laptop.runs())
    note = page.text_content(".gx-batch .gx-note") or ""
    first = laptop.runs()[0]
    quarter = first["losses"][first["steps"] * 3 // 4 :]
    assert f"runs from {format_number(min(quarter))} to {format_number(max(quarter))}" in note
    claim = page.text_content(".gx-claim") or ""
    assert "numpy.random.default_rng(42).permutation(5) in slices of 2" in claim
    page.click(".gx-actions button:has-text('Export as TOML')")
    toml = page.input_value(".gx-export textarea")
    assert "batch_size = 2\nseed = 42\n" in toml
    path = tmp_path / "noise.toml"
    path.write_text(toml, encoding="utf-8")
    (experiment,) = load_experiments(path).values()
    assert (experiment.batch_size, experiment.seed) == (2, 42)
    table = {row["optimizer"]: row["final"] for row in laptop.readout()}
    for config, trajectory in experiment.run().by_run():
        assert table[config.optimizer] == format_number(float(trajectory.losses[-1]))
    wait_until(page, "location.hash.indexOf('mb=2%3A42') > 0")
    again = Visit(browser, reports["single"], hash=page.evaluate("location.hash"))
    try:
        ours, theirs = laptop.state(), again.state()
        ours.pop("notes", None)
        theirs.pop("notes", None)
        assert theirs == ours
        assert again.readout() == laptop.readout()
        assert again.errors == []
    finally:
        again.close()
    page.select_option(".gx-landscape select", "bowl")
    assert page.is_hidden(".gx-batch") and laptop.state()["minibatch"] is False
    assert page.locator(".gx-ghosts .gx-reference").count() == 0


# ----------------------------------------------------------------------------- the page as a whole


def test_hostile_title_shows_as_text(visit: Visit) -> None:
    page = visit.page
    assert page.inner_text("h1").strip() == HOSTILE_TITLE
    assert page.title() == HOSTILE_TITLE
    assert page.evaluate("window.__pwned === undefined")


@pytest.mark.parametrize(
    ("device", "width", "height", "scheme"),
    [
        ("laptop", 1280, 800, "light"),
        ("phone", 390, 844, "light"),
        ("laptop-dark", 1280, 800, "dark"),
        ("phone-dark", 390, 844, "dark"),
    ],
)
def test_screenshots_fit_the_viewport(
    reports: dict[str, Path],
    browser: Any,
    tmp_path: Path,
    device: str,
    width: int,
    height: int,
    scheme: str,
) -> None:
    shots = Path(os.environ.get("GDVIZ_SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    v = Visit(browser, reports["assets"], width, height, scheme=scheme)
    try:
        page = v.page
        wait_until(page, "Array.from(document.images).every(i => i.complete)")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        cut = page.evaluate(
            "Array.from(document.querySelectorAll('.equation'))"
            ".filter((e) => e.scrollWidth > e.clientWidth + 1)"
            ".map((e) => e.innerHTML.slice(0, 120))"
        )
        assert cut == [], cut  # every formula fits its column (a phone gets narrow arrangements)
        readout = page.evaluate(
            "(() => { const box = document.querySelector('.gx-readout-box');"
            " const heads = Array.from(box.querySelectorAll('thead th')).map((t) => t.textContent);"
            " const labels = Array.from(box.querySelector('tbody tr').cells).slice(1)"
            ".map((c) => c.dataset.label);"
            " return {scrolls: box.scrollWidth > box.clientWidth + 1, heads, labels}; })()"
        )
        assert readout["labels"] == readout["heads"][1:]
        if width <= 640:  # a phone reads each run as a card: no column scrolled out of sight
            assert not readout["scrolls"]
        page.screenshot(path=str(shots / f"report-{device}.png"), full_page=True)
        page.locator("#explore").screenshot(path=str(shots / f"explorer-{device}.png"))
        assert (shots / f"report-{device}.png").stat().st_size > 50_000
        assert v.errors == []
    finally:
        v.close()
