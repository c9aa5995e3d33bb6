"""The report in a real browser: Debian's Chromium driven by Playwright, page opened from file://.

Two reports are built once per session: one with its assets beside the page (and, when Manim is
installed, a real low-quality video), one ``--single-file`` page. Screenshots at laptop and phone
width are written to ``$GDVIZ_SCREENSHOTS`` when set (to look at), else to a temporary folder.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.slow

playwright_sync = pytest.importorskip("playwright.sync_api")

from gdviz.report import ReportOptions, build_report  # noqa: E402
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

    def __init__(self, browser: Any, path: Path, width: int = 1280, height: int = 800) -> None:
        self.context = browser.new_context(viewport={"width": width, "height": height})
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.route("**/*", self._route)
        self.page.goto(path.as_uri())
        self.page.wait_for_selector("#explorer[data-ready=true]")

    def _route(self, route: Any) -> None:
        url = route.request.url
        self.requests.append(url)
        if url.startswith(("file:", "data:")):
            route.continue_()
        else:
            route.abort()

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
    v.close()


def test_loads_offline_without_errors(visit: Visit) -> None:
    visit.page.wait_for_load_state("load")
    assert visit.errors == []
    outside = [url for url in visit.requests if not url.startswith(("file:", "data:"))]
    assert outside == []


def test_every_image_decodes(visit: Visit) -> None:
    page = visit.page
    wait_until(page, "Array.from(document.images).every(i => i.complete)")
    broken = page.evaluate(
        "Array.from(document.images).filter(i => !(i.naturalWidth > 0))"
        ".map(i => i.alt || i.src.slice(0, 60))"
    )
    assert page.evaluate("document.images.length") > 20
    assert broken == []
    assert page.evaluate("document.getElementById('ex-bg').getAttribute('href')").startswith(
        "data:image/"
    )


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


def _readout(page: Any, optimizer: str) -> dict[str, str]:
    return page.evaluate(
        """(opt) => Object.fromEntries(Array.from(
            document.querySelectorAll(`#ex-readout tr[data-opt="${opt}"] td`)).map(
            td => [td.dataset.col, td.textContent.trim()]))""",
        optimizer,
    )


def _set_range(page: Any, selector: str, value: int) -> None:
    page.eval_on_selector(
        selector,
        "(el, v) => { el.value = String(v);"
        " el.dispatchEvent(new Event('input', {bubbles: true})); }",
        value,
    )


def _data(page: Any) -> dict[str, Any]:
    return json.loads(page.eval_on_selector("#explorer-data", "el => el.textContent"))


def test_slider_changes_the_path_and_the_numbers(laptop: Visit) -> None:
    page = laptop.page
    data = _data(page)
    steps = data["landscapes"][0]["steps"]
    _set_range(page, "#ex-scrub", steps)
    path_before = page.get_attribute('#ex-paths polyline[data-opt="sgd"]', "points")
    numbers_before = _readout(page, "sgd")
    centre = data["centre"]
    sgd = data["landscapes"][0]["runs"]["sgd"]
    assert numbers_before["lr"] == sgd["lr_text"][centre]
    assert sgd["paths"][centre][0]["final_loss"] in numbers_before["status"]

    _set_range(page, "#ex-lr", 1)
    _set_range(page, "#ex-scrub", steps)
    path_after = page.get_attribute('#ex-paths polyline[data-opt="sgd"]', "points")
    numbers_after = _readout(page, "sgd")
    assert path_after != path_before
    assert numbers_after["lr"] == sgd["lr_text"][1] != numbers_before["lr"]
    assert numbers_after["loss"] != numbers_before["loss"]
    assert sgd["paths"][1][0]["final_loss"] in numbers_after["status"]
    assert page.text_content("#ex-lr-text") != "×1, each optimizer's usual rate"


def test_play_advances_the_step_counter(laptop: Visit) -> None:
    page = laptop.page
    assert page.text_content("#ex-step-count") == "0"
    page.click("#ex-play")
    wait_until(page, "Number(document.getElementById('ex-step-count').textContent) >= 3")
    page.click("#ex-play")  # pause
    paused = page.text_content("#ex-step-count")
    page.wait_for_timeout(300)
    assert page.text_content("#ex-step-count") == paused
    page.click("#ex-step")
    assert int(page.text_content("#ex-step-count") or 0) == int(paused or 0) + 1
    page.click("#ex-reset")
    assert page.text_content("#ex-step-count") == "0"


def test_switching_landscape_and_optimizers(laptop: Visit) -> None:
    page = laptop.page
    data = _data(page)
    before = page.get_attribute("#ex-bg", "href")
    page.select_option("#ex-landscape", "2")
    assert page.get_attribute("#ex-bg", "href") != before
    assert page.text_content("#ex-step-total") == str(data["landscapes"][2]["steps"])
    assert page.locator("#ex-paths polyline.path").count() == 4
    page.uncheck('input[name=ex-opt][value="adam"]')
    assert page.locator("#ex-paths polyline.path").count() == 3
    page.check("#ex-starts input[value='1']")
    assert page.text_content("#ex-step-count") == "0"


def test_hostile_title_shows_as_text(visit: Visit) -> None:
    page = visit.page
    assert page.inner_text("h1").strip() == HOSTILE_TITLE
    assert page.title() == HOSTILE_TITLE
    assert page.evaluate("window.__pwned === undefined")


@pytest.mark.parametrize(
    ("device", "width", "height"), [("laptop", 1280, 800), ("phone", 390, 844)]
)
def test_screenshots_fit_the_viewport(
    reports: dict[str, Path], browser: Any, tmp_path: Path, device: str, width: int, height: int
) -> None:
    shots = Path(os.environ.get("GDVIZ_SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    v = Visit(browser, reports["assets"], width, height)
    try:
        page = v.page
        wait_until(page, "Array.from(document.images).every(i => i.complete)")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.screenshot(path=str(shots / f"report-{device}.png"), full_page=True)
        page.locator("#explore").screenshot(path=str(shots / f"explorer-{device}.png"))
        assert (shots / f"report-{device}.png").stat().st_size > 50_000
        assert v.errors == []
    finally:
        v.close()
