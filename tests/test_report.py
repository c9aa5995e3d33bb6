"""The HTML report: view models, number formatting, escaping, atomicity and the CLI's bad inputs.

One report is built per session (no videos) and shared by the read-only tests; the browser
tests live in ``test_report_browser.py``.
"""

from __future__ import annotations

import json
import re
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from gdviz.cli import cli
from gdviz.descent import descend
from gdviz.experiments import builtin_experiments, load_experiments
from gdviz.landscapes import get_landscape
from gdviz.numbers import format_number, format_point
from gdviz.report import ReportError, ReportOptions, build_report, template_dir
from gdviz.report import build as report_build
from gdviz.report.build import MARKER, check_title
from gdviz.report.chapters import CHAPTERS, FORMULAS
from gdviz.report.explorer import PAGE_SCRIPTS, explorer_config, page_script
from gdviz.report.formulas import FormulaError, compile_formula
from gdviz.report.page_scalars import bits, pow_table, tabulated_bases
from gdviz.report.render import environment, read_static
from gdviz.report.sections import decay_table, result_rows, slug

HOSTILE_TITLE = "<script>window.__pwned=1</script>"

USER_TOML = """
[experiment.my-race]
title = "<img src=x onerror=alert(1)> Adam & momentum"
expr = "x**2 + 3*sin(y)"
starts = [[-2.0, 1.5], [1.0, -1.0]]
steps = 120
grad_tol = 1e-6
description = "</section><script>window.__pwned=2</script>"

[[experiment.my-race.runs]]
optimizer = "adam"
lr = 0.05
label = "<b>Adam</b>"

[[experiment.my-race.runs]]
optimizer = "momentum"
lr = 0.02
"""


#: The name of the tuned experiment in the built report's --config files.
TUNED = "tuned-small"


def small_tuning():
    """A tuning small enough for the report fixture: two optimizers, three rates, four starts."""
    from gdviz.tuning import start_grid, tune

    surface = get_landscape("rosenbrock")
    return tune(
        surface,
        ("adam", "momentum"),
        lrs=(1e-3, 1e-2, 1e-1),
        starts=start_grid(surface, 2),
        steps=80,
    )


@pytest.fixture(autouse=True)
def _private_cache(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GDVIZ_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "gdviz-cache"))


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """A report with a hostile title and a hostile user experiment, assets beside the page."""
    root = tmp_path_factory.mktemp("report")
    config = root / "user.toml"
    config.write_text(USER_TOML, encoding="utf-8")
    tuned = root / "tuned.toml"  # what `gdviz tune -o tuned.toml` writes, from a small protocol
    tuned.write_text(small_tuning().to_toml(TUNED), encoding="utf-8")
    mp = pytest.MonkeyPatch()
    mp.setenv("GDVIZ_CACHE_DIR", str(root / "cache"))
    try:
        result = build_report(
            ReportOptions(
                output=root / "out",
                title=HOSTILE_TITLE,
                videos=False,
                user_experiments=load_experiments(config) | load_experiments(tuned),
            )
        )
    finally:
        mp.undo()
    html = result.page.read_text(encoding="utf-8")
    return {"result": result, "html": html, "root": root}


# ----------------------------------------------------------------------------- view models


def test_result_rows_are_the_cores_numbers() -> None:
    experiment = builtin_experiments()["learning-rates"]
    result = experiment.run()
    rows = list(result_rows(result))
    assert len(rows) == len(experiment.runs)
    for row, (run, trajectory) in zip(rows, result.by_run(), strict=True):
        single = descend(
            experiment.surface,
            run.make_optimizer(),
            experiment.starts[0],
            lr=run.lr,
            steps=experiment.steps,
        )
        assert row.final_loss == format_number(single.final_loss)
        assert row.final_point == format_point(single.final_point)
        assert row.steps == single.steps == trajectory.steps
        assert row.status == single.status
    # lr 1.1 on x² from 3: |x| grows by 1.2 per step → loss 9·1.44¹⁰
    assert rows[-1].final_loss == format_number(9 * 1.44**10)


def test_race_rows_cover_every_optimizer_and_landscape() -> None:
    chapter = next(c for c in CHAPTERS if c.id == "landscapes")
    seen = set()
    for name in chapter.experiments:
        for row in result_rows(builtin_experiments()[name].run()):
            seen.add((row.run, row.landscape))
            assert row.status in ("converged", "diverged", "max_steps")
    assert len(seen) == 4 * 5


def test_decay_table_follows_the_schedule() -> None:
    result = builtin_experiments()["linear-regression"].run()
    table = decay_table(result)
    step_100 = next(row for row in table["rows"] if row[0] == "100")
    assert step_100[1] == format_number(0.1 * 0.99**100)
    assert table["header"][1] == "η with decay"
    # what the prose says: the share kept, and each run's verdict, from the run
    assert table["gamma"] == "0.99"
    assert table["kept"] == [(100, f"{0.99**100:.0%}"), (200, f"{0.99**200:.0%}")]
    says = {run["lr"]: run["says"] for run in table["runs"]}
    assert says == {"0.01": "converges", "0.5": "diverges", "0.1": "converges"}
    assert [t.status for _, t in result.by_run()][1] == "diverged"


def test_explorer_config_is_the_python_registries() -> None:
    from gdviz.landscapes import landscape_names, suggested_lr
    from gdviz.optimizers import OPTIMIZERS, PRESETS, default_lr, optimizer_names
    from gdviz.schedules import SCHEDULES
    from gdviz.style import optimizer_color, optimizer_label

    data = json.loads(json.dumps(explorer_config()))  # JSON-ready
    assert [o["name"] for o in data["optimizers"]] == list(OPTIMIZERS)
    assert [p["name"] for p in data["presets"]] == list(PRESETS)
    for entry in data["optimizers"]:
        info = OPTIMIZERS[entry["name"]]
        assert entry["default_lr"] == info.default_lr
        defaults = {p["name"]: p["default"] for p in entry["params"]}
        assert defaults == {
            k: list(v) if isinstance(v, tuple) else v for k, v in info.defaults.items()
        }
    assert [s["kind"] for s in data["schedules"]] == list(SCHEDULES)
    cosine = next(s for s in data["schedules"] if s["kind"] == "cosine")
    assert cosine["params"][0] == {
        **cosine["params"][0],
        "name": "T_max",
        "kind": "int",
        "required": True,
    }
    drawable = [n for n in landscape_names() if get_landscape(n).drawable]
    assert [land["name"] for land in data["landscapes"]] == drawable
    assert data["names"] == landscape_names()
    for land in data["landscapes"]:
        surface = get_landscape(land["name"])
        assert land["bounds"] == [list(b) for b in surface.bounds]
        for name in optimizer_names():
            assert land["lrs"][name] == (suggested_lr(surface, name) or default_lr(name))
    for name in optimizer_names():
        assert data["style"]["optimizers"][name] == {
            "label": optimizer_label(name),
            "color": optimizer_color(name),
        }
    assert len(data["style"]["ramps"]["light"]) == len(data["style"]["ramps"]["dark"]) == 64


def test_the_pages_theme_is_gdviz_styles_themes() -> None:
    """theme.css (the report's and the notebook widget's custom properties) holds the colours
    of :data:`gdviz.style.THEMES`, light first, then dark."""
    from gdviz.style import THEMES

    css = read_static("theme.css")
    light, dark = css.split("@media (prefers-color-scheme: dark)")
    for block, theme in ((light, THEMES["light"]), (dark, THEMES["dark"])):
        found = dict(re.findall(r"--(bg|fg|muted|grid|panel): (#[0-9a-f]{6});", block))
        assert found == {
            "bg": theme.background.lower(),
            "fg": theme.foreground.lower(),
            "muted": theme.muted.lower(),
            "grid": theme.grid.lower(),
            "panel": theme.panel.lower(),
        }


def test_the_scalar_table_holds_the_c_librarys_powers() -> None:
    import math
    import struct

    table = pow_table(betas=(0.9, 0.999), steps=3000)
    bases = tabulated_bases((0.9, 0.999), 3000)
    entries = table["pow"]["0.5"]
    assert entries, "glibc's pow(x, 0.5) differs from sqrt somewhere in 3000 steps of β₂ = 0.999"
    listed = set()
    for base in bases[0.5]:
        if bits(base**0.5) != bits(math.sqrt(base)):
            assert entries[bits(base)] == bits(base**0.5)
            listed.add(bits(base))
        else:
            assert bits(base) not in entries
    assert listed == set(entries)
    for key, value in entries.items():
        base = struct.unpack(">d", bytes.fromhex(key))[0]
        assert struct.unpack(">d", bytes.fromhex(value))[0] == base**0.5
    assert set(table["pow"]["2"]) <= {bits(b) for b in bases[2.0]}


def test_the_page_script_is_every_module_in_order() -> None:
    script = page_script()
    positions = [script.index(read_static(name)) for name in PAGE_SCRIPTS]
    assert positions == sorted(positions)
    for forbidden in ("eval(", "new Function", "innerHTML", "document.write"):
        assert forbidden not in script, forbidden


# ----------------------------------------------------------------------------- formulas


def test_formulas_compile_offline_to_svg() -> None:
    formula = compile_formula(*FORMULAS["update"])
    assert formula.src.startswith("data:image/svg+xml;base64,")
    assert formula.width > formula.height > 0
    with pytest.raises(FormulaError):
        compile_formula("frac(", "broken")


#: A phone's text column (390 px less the page's margins) and a display formula's size there.
PHONE_COLUMN_PX, FORMULA_EM_PX = 350, 1.3 * 16


def test_formulas_too_wide_for_a_phone_have_an_arrangement_that_fits() -> None:
    wide = []
    for key, entry in FORMULAS.items():
        formula = compile_formula(entry[0], entry[1], narrow=entry[2] if len(entry) > 2 else None)
        if formula.width * FORMULA_EM_PX <= PHONE_COLUMN_PX:
            assert formula.narrow is None, f"{key} fits a phone: it needs no second arrangement"
            continue
        wide.append(key)
        assert formula.narrow is not None, f"{key} is {formula.width} em wide: give it a narrow one"
        assert formula.narrow.width * FORMULA_EM_PX <= PHONE_COLUMN_PX, key
        assert formula.narrow.alt == formula.alt
    assert "criteria" in wide  # the stopping rules (issue 8: they ran off a phone's edge)


def test_formula_cache_is_reused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from gdviz.report import formulas

    monkeypatch.setenv("GDVIZ_CACHE_DIR", str(tmp_path))
    formulas._compiled_svg.cache_clear()
    first = compile_formula("a^2 + b^2 = c^2", "a² + b² = c²")
    cached = list((tmp_path / "typst").glob("*.svg"))
    assert len(cached) == 1
    formulas._compiled_svg.cache_clear()
    monkeypatch.setitem(sys.modules, "typst", None)  # typst gone: only the disk cache can answer
    try:
        second = compile_formula("a^2 + b^2 = c^2", "a² + b² = c²")
    finally:
        formulas._compiled_svg.cache_clear()
    assert second.src == first.src != ""  # read back from the disk cache


def test_a_tampered_cached_formula_is_typeset_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gdviz.report import formulas

    monkeypatch.setenv("GDVIZ_CACHE_DIR", str(tmp_path))
    formulas._compiled_svg.cache_clear()
    first = compile_formula("a^2 + b^2 = c^2", "a² + b² = c²")
    (cached,) = (tmp_path / "typst").glob("*.svg")
    cached.write_bytes(cached.read_bytes().replace(b"<svg", b'<svg data-tampered="1"', 1))
    formulas._compiled_svg.cache_clear()
    try:
        second = compile_formula("a^2 + b^2 = c^2", "a² + b² = c²")
    finally:
        formulas._compiled_svg.cache_clear()
    assert second.src == first.src  # the tampered file was not served
    (again,) = (tmp_path / "typst").glob("*.svg")
    assert b"data-tampered" not in again.read_bytes()


# ----------------------------------------------------------------------------- templates


def test_templates_are_found_and_autoescaped() -> None:
    assert (template_dir() / "report.html.jinja").is_file()
    env = environment()
    assert callable(env.autoescape)
    assert env.autoescape("partials/section.jinja") is True
    assert env.autoescape("report.html.jinja") is True
    rendered = env.from_string("{{ x }}").render(x="<b>")
    assert rendered == "&lt;b&gt;"


def test_undefined_names_raise() -> None:
    import jinja2

    with pytest.raises(jinja2.UndefinedError):
        environment().from_string("{{ missing }}").render()


def test_inlined_static_files_cannot_close_their_element(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gdviz.report import render

    (tmp_path / "evil.js").write_text("var a = '</script><b>';", encoding="utf-8")
    monkeypatch.setattr(render, "template_dir", lambda: tmp_path)
    with pytest.raises(ValueError, match="must not contain"):
        read_static("evil.js")


# ----------------------------------------------------------------------------- the built page


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[dict[str, str | None]] = []
        self.srcs: list[str] = []
        self.ids: list[str] = []
        self.in_h1 = False
        self.h1 = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "script":
            self.scripts.append(attributes)
        if attributes.get("src"):
            self.srcs.append(str(attributes["src"]))
        if attributes.get("href") and tag in ("link", "image"):
            self.srcs.append(str(attributes["href"]))
        if attributes.get("id"):
            self.ids.append(str(attributes["id"]))
        self.in_h1 = tag == "h1" or self.in_h1

    def handle_endtag(self, tag: str) -> None:
        if tag == "h1":
            self.in_h1 = False

    def handle_data(self, data: str) -> None:
        if self.in_h1:
            self.h1 += data


def _parse(html: str) -> _Collector:
    collector = _Collector()
    collector.feed(html)
    return collector


def test_hostile_text_is_escaped(built: dict[str, object]) -> None:
    html = str(built["html"])
    page = _parse(html)
    assert page.h1.strip() == HOSTILE_TITLE  # shown as text
    assert "<script>window.__pwned" not in html
    assert "<img src=x" not in html and "<b>Adam</b>" not in html
    assert "&lt;b&gt;Adam&lt;/b&gt;" in html
    # exactly two scripts: the JSON data and the explorer code
    assert [s.get("type") for s in page.scripts] == ["application/json", None]


def test_page_is_self_contained(built: dict[str, object]) -> None:
    html = str(built["html"])
    page = _parse(html)
    for src in page.srcs:
        assert src.startswith(("data:", "assets/")), src
    assert not re.search(r"""(?:src|href)=["']?(?:https?:)?//""", html)
    assert "@import" not in html and "url(http" not in html
    root = Path(str(built["result"].page)).parent  # type: ignore[attr-defined]
    for src in page.srcs:
        if src.startswith("assets/"):
            assert (root / src).is_file(), src


def test_every_chapter_shows_its_figures_video_and_table(built: dict[str, object]) -> None:
    page = _parse(str(built["html"]))
    for chapter in CHAPTERS:
        assert chapter.id in page.ids
        for figure in chapter.figures:
            assert f"figure-{figure}" in page.ids, (chapter.id, figure)
        for name in chapter.videos:
            assert f"video-{name}" in page.ids, chapter.id
    assert "explore" in page.ids
    assert f"user-{slug('my-race')}" in page.ids
    html = str(built["html"])
    assert html.count('class="table-figure"') >= sum(1 for c in CHAPTERS if c.experiments) + 2


def test_multi_panel_figures_come_in_a_narrow_arrangement_for_phones(
    built: dict[str, object],
) -> None:
    from gdviz.figures import FIGURES

    html = str(built["html"])
    root = Path(str(built["result"].page)).parent  # type: ignore[attr-defined]
    shown = {figure for chapter in CHAPTERS for figure in chapter.figures}
    narrow = [name for name in shown if FIGURES[name].narrow]
    assert {"optimizer-paths", "loss-curves", "schedules", "pitfalls"} <= set(narrow)
    for name in narrow:
        source = f'<source media="(max-width: 640px)" srcset="assets/figures-narrow/{name}.png"'
        assert source in html, name
        assert (root / "assets" / "figures-narrow" / f"{name}.png").is_file()
    for name in shown - set(narrow):
        assert f"figures-narrow/{name}.png" not in html
    # formulas: both arrangements in the page, the narrow one shown below 640 px by the CSS
    assert html.count('class="math math-wide"') == html.count('class="math math-narrow"') >= 5
    assert "img.math-wide { display: none; }" in html


def test_tables_show_the_cores_values(built: dict[str, object]) -> None:
    html = str(built["html"])
    result = builtin_experiments()["race-rosenbrock"].run()
    for row in result_rows(result):
        assert f'<td class="num">{row.final_loss}</td>' in html


def test_explorer_data_is_embedded_as_json(built: dict[str, object]) -> None:
    html = str(built["html"])
    match = re.search(
        r'<script type="application/json" id="explorer-data">(.*?)</script>', html, re.S
    )
    assert match
    data = json.loads(match.group(1))
    assert data == json.loads(json.dumps(explorer_config()))


def test_videos_note_without_videos(built: dict[str, object]) -> None:
    html = str(built["html"])
    assert "--no-videos" in html
    assert "<video" not in html


def test_single_file_has_no_assets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(report_build, "CHAPTERS", CHAPTERS[:2])
    result = build_report(ReportOptions(output=tmp_path / "one", videos=False, single_file=True))
    assert sorted(p.name for p in (tmp_path / "one").iterdir()) == sorted(["index.html", MARKER])
    page = _parse(result.page.read_text(encoding="utf-8"))
    assert page.srcs and all(src.startswith("data:") for src in page.srcs)


def test_without_manim_the_report_builds_and_says_how_to_get_videos(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gdviz import video

    monkeypatch.setattr(report_build, "CHAPTERS", CHAPTERS[:2])
    monkeypatch.setattr(video, "video_available", lambda: False)
    result = build_report(ReportOptions(output=tmp_path / "r", videos=True))
    html = result.page.read_text(encoding="utf-8")
    assert "pip install &#39;gdviz[video]&#39;" in html or "pip install 'gdviz[video]'" in html
    assert "<video" not in html


# ----------------------------------------------------------------------------- atomicity


def test_failed_build_keeps_the_old_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    output = tmp_path / "report"
    output.mkdir()
    (output / MARKER).write_text("old")
    (output / "index.html").write_text("old report")

    def explode(report: object) -> str:
        raise RuntimeError("template exploded")

    monkeypatch.setattr(report_build, "CHAPTERS", CHAPTERS[:1])
    monkeypatch.setattr(report_build, "render_page", explode)
    with pytest.raises(RuntimeError):
        build_report(ReportOptions(output=output, videos=False))
    assert (output / "index.html").read_text() == "old report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report"]  # no temporary left over


def test_refuses_to_replace_a_foreign_directory(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(ReportError, match="not a gdviz report"):
        build_report(ReportOptions(output=tmp_path, videos=False))
    assert (tmp_path / "notes.txt").read_text() == "mine"


@pytest.mark.parametrize("title", ["", "   ", "x" * 201, "bell\x07"])
def test_bad_titles(title: str) -> None:
    with pytest.raises(ReportError):
        check_title(title)


# ----------------------------------------------------------------------------- CLI


def _one_line_error(result: object) -> str:
    assert result.exit_code == 2, result.output  # type: ignore[attr-defined]
    lines = [line for line in result.output.splitlines() if line.strip()]  # type: ignore[attr-defined]
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.output  # type: ignore[attr-defined]
    assert "Traceback" not in result.output  # type: ignore[attr-defined]
    return lines[0]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--title", ""], "title is empty"),
        (["--title", "y" * 300], "longer than"),
        (["--quality", "4k"], "--quality"),
        (["--config", "/no/such/file.toml"], "does not exist"),
    ],
)
def test_cli_bad_inputs(tmp_path: Path, args: list[str], expected: str) -> None:
    result = CliRunner().invoke(cli, ["report", "--output", str(tmp_path / "r"), *args])
    assert expected in _one_line_error(result)
    assert not (tmp_path / "r").exists()


def test_cli_bad_config(tmp_path: Path) -> None:
    config = tmp_path / "bad.toml"
    config.write_text(
        '[experiment.x]\nlandscape = "rosenbrok"\nstarts = [[0, 0]]\n'
        '[[experiment.x.runs]]\noptimizer = "adam"\nlr = 0.1\n'
    )
    result = CliRunner().invoke(
        cli, ["report", "--output", str(tmp_path / "r"), "--config", str(config)]
    )
    line = _one_line_error(result)
    assert "did you mean 'rosenbrock'" in line and "bad.toml:" in line


def test_cli_output_is_a_file_or_foreign_dir(tmp_path: Path) -> None:
    target = tmp_path / "file.html"
    target.write_text("x")
    line = _one_line_error(
        CliRunner().invoke(cli, ["report", "--output", str(target), "--no-videos"])
    )
    assert "not a directory" in line
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "thesis.tex").write_text("x")
    line = _one_line_error(
        CliRunner().invoke(cli, ["report", "--output", str(tmp_path / "mine"), "--no-videos"])
    )
    assert "not a gdviz report" in line
    assert (tmp_path / "mine" / "thesis.tex").exists()


def test_formulas_fall_back_to_text_without_typst(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from gdviz.report import formulas
    from gdviz.report.render import environment

    formulas._compiled_svg.cache_clear()
    monkeypatch.setenv("GDVIZ_CACHE_DIR", "")
    monkeypatch.setitem(sys.modules, "typst", None)  # import typst → ImportError
    try:
        f = compile_formula("x^2 < y", "x² < y")
    finally:
        formulas._compiled_svg.cache_clear()
    assert f.src == ""
    template = environment().from_string(
        '{% from "partials/macros.jinja" import formula %}{{ formula(f) }}'
    )
    assert template.render(f=f).strip() == '<span class="math-text">x² &lt; y</span>'


def test_schedules_are_described_in_words() -> None:
    from gdviz.report.sections import describe_schedule

    assert describe_schedule(None) == ""
    assert describe_schedule("exponential:gamma=0.99") == "exponential schedule, gamma 0.99"
    rows = list(result_rows(builtin_experiments()["linear-regression"].run()))
    assert [row.schedule for row in rows] == ["", "", "exponential schedule, gamma 0.99"]


# ------------------------------------------------------------------- what the command says


def test_no_videos_says_so_on_stderr_and_never_renders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(report_build, "CHAPTERS", CHAPTERS[:2])
    result = CliRunner().invoke(cli, ["report", "-o", str(tmp_path / "r"), "--no-videos"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""  # progress goes to stderr; the report command prints no data
    assert "report: building without videos: videos are turned off (--no-videos)" in (
        result.stderr.splitlines()
    )
    assert "rendering the videos" not in result.stderr
    quiet = CliRunner().invoke(cli, ["report", "-q", "-o", str(tmp_path / "r"), "--no-videos"])
    assert (quiet.exit_code, quiet.stdout, quiet.stderr) == (0, "", "")


def test_without_manim_the_command_says_why_on_stderr(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gdviz import video

    monkeypatch.setattr(report_build, "CHAPTERS", CHAPTERS[:2])
    monkeypatch.setattr(video, "video_available", lambda: False)
    result = CliRunner().invoke(cli, ["report", "-o", str(tmp_path / "r")])
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    (line,) = [line for line in result.stderr.splitlines() if "without videos" in line]
    assert line == f"report: building without videos: {video.VideoUnavailable()}"
    assert "pip install 'gdviz[video]'" in line
    assert "rendering the videos" not in result.stderr


def test_report_config_takes_a_tuned_experiment(built: dict[str, object]) -> None:
    page = _parse(str(built["html"]))
    assert f"user-{slug(TUNED)}" in page.ids
    html = str(built["html"])
    tuning = small_tuning()
    section = html[html.index(f'id="user-{slug(TUNED)}"') :]
    for winner in tuning.winners:
        assert winner.title in section
        assert format_number(winner.lr, 4) in section
    assert f"figure-loss-curves-{TUNED}" in page.ids


def test_fair_race_view_quotes_the_tuning() -> None:
    from gdviz.report.sections import fair_race_view

    tuning = small_tuning()
    view = fair_race_view(tuning)
    assert [row["cells"] for row in view["rows"]] == tuning.table_rows(ascii=False)
    assert view["winner"] == tuning.winners[0].title
    assert view["starts"] == 4 and view["steps"] == 80 and view["lrs"] == 3
    assert view["budget_bound"] + view["finishers"] == 2


def test_the_network_chapter_quotes_its_runs_and_their_slice() -> None:
    from gdviz.claims import classifier_fit
    from gdviz.figures.data import network_slice
    from gdviz.numbers import format_percent
    from gdviz.report.sections import network_summary

    chapter = next(c for c in CHAPTERS if c.id == "network")
    assert chapter.title == "A real network" and "network-slice" in chapter.figures
    result = builtin_experiments()["mlp-moons"].run()
    summary = network_summary(result)
    facts = network_slice(result.experiment).facts
    assert facts.explained is not None and facts.off_plane is not None
    assert summary["explained"] == [format_percent(v) for v in facts.explained]
    assert summary["off_plane"] == format_percent(max(facts.off_plane), 0)
    assert summary["parameters"] == 33 and summary["steps"] == result.experiment.steps
    for row, (run, trajectory) in zip(summary["rows"], result.by_run(), strict=True):
        fit = classifier_fit(trajectory, result.experiment.surface)
        assert row[:4] == [
            run.display_name,
            format_number(trajectory.final_loss, 3),
            format_percent(fit.accuracy, 0),
            str(fit.misclassified),
        ]
    lowest = min(result.by_run(), key=lambda pair: pair[1].final_loss)[0]
    assert summary["lowest"] == lowest.display_name
    # a network's final point is summarised in the results table, not spelled out
    rows = list(result_rows(result))
    assert rows[0].final_point.startswith("33 parameters, ‖θ‖ = ")


def test_the_network_chapter_is_on_the_page(built: dict[str, object]) -> None:
    html = str(built["html"])
    page = _parse(html)
    assert "network" in page.ids and "figure-network-slice" in page.ids
    assert "The four trained networks, from their runs" in html
    assert "cannot be drawn. A <em>slice</em> of it can" in html
