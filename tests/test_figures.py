"""The blog-figure gallery: artists carry the runs' data, exports are exact and reproducible.

Image baselines live in ``tests/baselines/``; regenerate them after an intended visual change with
``GDVIZ_UPDATE_BASELINES=1 .venv/bin/python -m pytest tests/test_figures.py -k baseline`` and
look at the new PNGs before committing them.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from PIL import Image

from gdviz.descent import descend
from gdviz.experiments import get_experiment, load_experiments
from gdviz.figures import (
    FIGURES,
    FigureError,
    available_figures,
    contours,
    curves,
    make_figure,
    render_figures,
    sweeps,
    user_figures,
)
from gdviz.figures._base import save_figure
from gdviz.figures.data import behaviour, experiment_result
from gdviz.figures.schedule_plots import example_schedules, make_schedules
from gdviz.landscapes import get_landscape
from gdviz.numbers import format_number
from gdviz.optimizers import make_optimizer
from gdviz.schedules import SCHEDULES
from gdviz.style import THEMES, optimizer_color

BASELINES = Path(__file__).parent / "baselines"
UPDATE = os.environ.get("GDVIZ_UPDATE_BASELINES") == "1"

GALLERY = [
    "descent-path",
    "learning-rates",
    "local-minima",
    "linear-regression",
    "optimizer-paths",
    "loss-curves",
    "surface-3d",
    "lr-sweep",
    "basins",
    "momentum",
    "schedules",
    "pitfalls",
    "stability",
    "noise-fan",
    "noise-floor",
    "tune-success",
    "tune-sensitivity",
    "network-slice",
]


def lines_with_data(figure: Figure) -> list:
    return [line for ax in figure.axes for line in ax.get_lines()]


# ------------------------------------------------------------------------------ registry


def test_the_gallery_has_every_figure_of_the_issue_in_order() -> None:
    assert list(FIGURES) == GALLERY
    for name, spec in FIGURES.items():
        assert spec.name == name and spec.title
        assert callable(spec.make)


@pytest.mark.parametrize("name", GALLERY)
def test_captions_quote_the_runs(name: str) -> None:
    caption = FIGURES[name].caption
    assert isinstance(caption, str) and len(caption) > 40
    assert caption == FIGURES[name].caption  # cached, stable


def test_captions_hold_numbers_computed_from_the_runs() -> None:
    path = get_experiment("descent-path")
    ((_, trajectory),) = experiment_result(path).by_run()
    assert format_number(trajectory.points[-1, 0]) in FIGURES["descent-path"].caption
    basins = sweeps.compute_basins()
    assert f"{basins.share(0):.1%}" in FIGURES["basins"].caption
    stability = sweeps.compute_stability(get_experiment("race-valley"))
    assert f"2/λmax = {format_number(stability.lr_limit)}" in FIGURES["stability"].caption


def test_importing_the_gallery_leaves_pyplot_and_the_backend_alone() -> None:
    # (read the raw rc value: matplotlib.get_backend() itself would import pyplot)
    code = (
        "import sys, matplotlib; raw = lambda: dict.__getitem__(matplotlib.rcParams, 'backend'); "
        "before = raw(); import gdviz.figures as f; fig = f.make_figure('surface-3d'); "
        "assert 'matplotlib.pyplot' not in sys.modules, 'pyplot imported'; "
        "assert raw() == before, (raw(), before); print(type(fig).__name__)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "Figure"


def test_make_figure_returns_a_matplotlib_figure_on_an_agg_canvas() -> None:
    figure = make_figure("schedules", theme="dark")
    assert isinstance(figure, Figure)
    assert type(figure.canvas).__name__ == "FigureCanvasAgg"
    assert to_rgba(figure.get_facecolor()) == to_rgba(THEMES["dark"].background)
    width, _ = figure.get_size_inches()
    assert 8 <= width <= 11


@pytest.mark.parametrize("bad", ["basin", "nope"])
def test_unknown_figures_fail_with_a_suggestion(bad: str) -> None:
    with pytest.raises(FigureError) as error:
        make_figure(bad)
    assert f"unknown figure '{bad}'" in str(error.value)
    if bad == "basin":
        assert "did you mean 'basins'?" in str(error.value)


def test_unknown_theme_fails() -> None:
    with pytest.raises(FigureError, match="unknown theme 'sepia'"):
        make_figure("schedules", theme="sepia")


# ------------------------------------------------------------------------------ artists


def test_descent_path_line_is_the_trajectory() -> None:
    figure = make_figure("descent-path")
    ((_config, trajectory),) = experiment_result("descent-path").by_run()
    path = next(line for line in lines_with_data(figure) if line.get_label().startswith("GD"))
    np.testing.assert_array_equal(path.get_xdata(), trajectory.points[:, 0])
    np.testing.assert_array_equal(path.get_ydata(), trajectory.losses)
    # steps are numbered: the start is "0" and every number is a real step index
    numbers = [t.get_text() for t in figure.axes[0].texts if t.get_text().isdigit()]
    assert "0" in numbers and all(int(n) <= trajectory.steps for n in numbers)
    assert "lr 0.1" in path.get_label() and format_number(trajectory.final_loss) in path.get_label()


def test_learning_rates_show_the_four_behaviours_of_seed_001() -> None:
    figure = curves.make_learning_rates()
    main = figure.axes[0]
    runs = experiment_result("learning-rates").by_run()
    for line, (_, trajectory) in zip(main.get_lines(), runs, strict=False):
        np.testing.assert_array_equal(line.get_ydata(), trajectory.points[:, 0])
    labels = [line.get_label() for line in main.get_lines()[: len(runs)]]
    kinds = [behaviour(t, 0.0) for _, t in runs]
    assert kinds == ["too small", "converges", "zig-zags", "diverges"]
    for label, kind, (_, t) in zip(labels, kinds, runs, strict=True):
        assert f"lr {format_number(t.spec.lr)}" in label and kind in label
    # one small curve panel per rate, titled from the run
    assert [ax.get_title(loc="center") or ax.get_title(loc="left") for ax in figure.axes[1:5]] == [
        f"lr {format_number(t.spec.lr)}: {k}" for (_, t), k in zip(runs, kinds, strict=True)
    ]


def test_local_minima_paths_end_in_different_valleys() -> None:
    figure = curves.make_local_minima()
    items = experiment_result("local-minima").items()
    paths = [line for line in figure.axes[0].get_lines() if line.get_label().startswith("start")]
    assert len(paths) == 2
    for line, (_, _, trajectory) in zip(paths, items, strict=True):
        np.testing.assert_array_equal(line.get_xdata(), trajectory.points[:, 0])
    ends = {round(float(line.get_xdata()[-1]), 2) for line in paths}
    assert ends == {-0.86, 3.43}


def test_linear_regression_losses_and_fits_come_from_the_runs() -> None:
    figure = make_figure("linear-regression")
    loss_axes, fit_axes = figure.axes[:2]
    runs = experiment_result("linear-regression").by_run()
    assert loss_axes.get_yscale() == "log"
    for line, (_, trajectory) in zip(loss_axes.get_lines(), runs, strict=True):
        np.testing.assert_array_equal(line.get_ydata(), trajectory.losses)
    statuses = [t.status for _, t in runs]
    assert statuses[1] == "diverged"  # seed 000's lr 0.5 is too high
    legend = [t.get_text() for t in figure.legends[0].get_texts()]
    assert any("diverged at epoch" in text and "no fit" in text for text in legend)
    # a fitted line per converging run: y = w x + b at its final (w, b)
    fits = [
        line
        for line in fit_axes.get_lines()
        if line.get_color() != fit_axes.get_lines()[0].get_color()
    ]
    finals = [t.final_point for _, t in runs if t.status != "diverged"]
    for w, b in finals:
        assert any(
            np.allclose(line.get_ydata(), w * np.asarray(line.get_xdata()) + b) for line in fits
        )


def test_optimizer_paths_lines_are_the_race_trajectories() -> None:
    for name in contours.RACES:
        experiment = get_experiment(name)
        figure = Figure()
        ax = figure.add_subplot()
        artists = contours.plot_optimizer_paths(ax, experiment)
        result = experiment_result(experiment)
        for r in range(len(experiment.runs)):
            line = artists[r]
            np.testing.assert_array_equal(line.get_xydata(), result.trajectories[r, 0].points)
            assert line.get_color() == optimizer_color(experiment.runs[r].optimizer)


def test_the_gallery_figure_has_five_landscapes_a_summary_and_one_legend() -> None:
    figure = make_figure("optimizer-paths")
    titles = [ax.get_title(loc="left") for ax in figure.axes]
    assert titles == [
        "Quadratic bowl",
        "Elongated valley",
        "Rosenbrock",
        "Himmelblau",
        "Rastrigin",
        "Final loss",
    ]
    legend = [t.get_text() for t in figure.legends[0].get_texts()]
    assert legend[:4] == ["SGD", "Momentum", "RMSprop", "Adam"]
    # Rosenbrock and Himmelblau use log-spaced levels
    rosenbrock = figure.axes[2]
    filled = next(c for c in rosenbrock.collections if hasattr(c, "levels") and c.filled)
    ratios = np.diff(np.log(filled.levels))
    np.testing.assert_allclose(ratios, ratios[0], rtol=1e-9)


def test_loss_curves_are_the_losses_on_a_log_axis() -> None:
    figure = make_figure("loss-curves")
    for ax, name in zip(figure.axes, contours.RACES[:4], strict=False):
        result = experiment_result(name)
        assert ax.get_yscale() == "log"
        for line, (_, t) in zip(ax.get_lines(), result.by_run(), strict=False):
            np.testing.assert_array_equal(line.get_ydata(), t.losses)


def test_surface_3d_paths_lie_on_the_surface() -> None:
    figure = make_figure("surface-3d")
    ax = figure.axes[0]
    experiment = get_experiment("race-himmelblau")
    result = experiment_result(experiment)
    surface = experiment.surface
    for line, (_, t) in zip(ax.get_lines(), result.by_run(), strict=True):
        x, y, z = line.get_data_3d()
        np.testing.assert_array_equal(np.stack([x, y], -1), t.points)
        lift = z - surface.loss(t.points)
        assert np.ptp(lift) < 1e-9 and 0 <= lift[0] < 0.01 * 900


def test_momentum_figure_shows_every_momentum_value() -> None:
    figure = make_figure("momentum")
    paths_ax, loss_ax = figure.axes[:2]
    runs = experiment_result("momentum").by_run()
    path_lines = paths_ax.get_lines()[: len(runs)]
    for line, loss, (_, t) in zip(path_lines, loss_ax.get_lines(), runs, strict=False):
        np.testing.assert_array_equal(line.get_xydata(), t.points)
        np.testing.assert_array_equal(loss.get_ydata(), t.losses)
    legend = [t.get_text() for t in figure.legends[0].get_texts()]
    assert [text.split(":")[0] for text in legend] == [
        f"momentum {m}" for m in ("0", "0.5", "0.9", "0.99")
    ]


def test_schedules_draw_every_kind_with_its_rates() -> None:
    figure = make_schedules()
    schedules = example_schedules()
    assert [s.kind for s in schedules] == list(SCHEDULES)
    visible = [ax for ax in figure.axes if ax.get_visible()]
    assert len(visible) == len(SCHEDULES)
    for ax, schedule in zip(visible, schedules, strict=True):
        assert ax.get_title(loc="left").startswith(schedule.kind)
        line = next(ln for ln in ax.get_lines() if ln.get_drawstyle() == "steps-post")
        np.testing.assert_array_equal(line.get_ydata(), schedule.learning_rates(0.1, 101))


def test_lr_sweep_is_one_batched_run_per_optimizer_and_marks_divergence() -> None:
    experiment = get_experiment("race-valley")
    sweeps_ = sweeps.compute_lr_sweeps(experiment)
    figure = make_figure("lr-sweep")
    surface = experiment.surface
    for ax, (config, lrs, batch) in zip(figure.axes, sweeps_, strict=True):
        assert len(lrs) >= 200
        np.testing.assert_allclose(np.diff(np.log(lrs)), np.log(lrs[1] / lrs[0]))
        line = next(
            ln
            for ln in ax.get_lines()
            if ln.get_color() == optimizer_color(config.optimizer, THEMES["light"])
        )
        diverged = batch.status == "diverged"
        np.testing.assert_array_equal(np.isnan(line.get_ydata()), diverged)
        ticks = [
            c
            for c in ax.collections
            if len(c.get_offsets()) == diverged.sum() and c.get_offsets().size
        ][-1:]
        if diverged.any():
            np.testing.assert_allclose(np.asarray(ticks[0].get_offsets())[:, 0], lrs[diverged])
        # the batched result equals single runs at a few sampled rates
        for i in (0, len(lrs) // 2, int(np.argmax(diverged)) if diverged.any() else -1):
            single = descend(
                surface,
                config.make_optimizer(),
                experiment.starts[0],
                lr=float(lrs[i]),
                steps=experiment.steps,
                grad_tol=experiment.grad_tol,
            )
            assert single.status == batch.status[i]
            assert single.final_loss == batch.final_losses[i]
    assert any((b.status == "diverged").any() for _, _, b in sweeps_)


def test_stability_marks_two_over_lambda_max_from_the_hessian() -> None:
    experiment = get_experiment("race-valley")
    sweep = sweeps.compute_stability(experiment)
    # valley x² + 10y²: Hessian diag(2, 20) everywhere, so λmax = 20 and the limit is 0.1
    assert sweep.lam_max == pytest.approx(20.0)
    assert sweep.lr_limit == pytest.approx(0.1)
    figure = make_figure("stability")
    ax = figure.axes[0]
    limit = next(ln for ln in ax.get_lines() if ln.get_label().startswith("2/λmax"))
    assert limit.get_xdata()[0] == pytest.approx(0.1)
    lrs, status = sweep.batch.lr0, sweep.batch.status
    assert len(lrs) >= 200
    # shown, not just stated: below the limit every rate ends finite, well above it all diverge
    assert np.all(status[lrs < 0.1 * 0.999] != "diverged")
    assert np.all(status[lrs > 0.1 * 1.1] == "diverged")
    curve = ax.get_lines()[0]
    np.testing.assert_array_equal(np.isnan(curve.get_ydata()), status == "diverged")


def test_basin_colours_match_the_minimum_each_start_reaches() -> None:
    basins = sweeps.compute_basins()
    assert basins.labels.shape[0] >= 400 and basins.labels.shape[1] >= 400
    figure = make_figure("basins")
    image = figure.axes[0].get_images()[0]
    np.testing.assert_array_equal(np.asarray(image.get_array()), basins.labels)
    landscape = get_landscape("himmelblau")
    minima = np.array(landscape.minima)
    colors = sweeps.basin_colors(len(minima), THEMES["light"])
    rng = np.random.default_rng(7)
    sampled = rng.integers(0, basins.labels.shape[0], size=(12, 2))
    for i, j in sampled:
        start = np.array([basins.xs[j], basins.ys[i]])
        single = descend(
            landscape,
            make_optimizer("gd"),
            start,
            lr=basins.config.lr,
            steps=basins.steps,
            grad_tol=1e-6,
        )
        distance = np.linalg.norm(minima - single.final_point, axis=1)
        expected = (
            int(np.argmin(distance))
            if distance.min() < basins.tol and single.status != "diverged"
            else -1
        )
        drawn = image.cmap(image.norm(image.get_array()[i, j]))
        assert np.allclose(drawn, to_rgba(colors[expected])), (start, expected)
    # the four minima are marked
    stars = [c for c in figure.axes[0].collections if len(c.get_offsets()) == 4]
    np.testing.assert_allclose(np.asarray(stars[0].get_offsets()), minima)
    # every share adds up
    shares = sum(basins.share(k) for k in range(-1, 4))
    assert shares == pytest.approx(1.0)


def test_pitfalls_has_six_panels_with_texts_from_the_runs() -> None:
    figure = make_figure("pitfalls")
    titles = [ax.get_title(loc="left") for ax in figure.axes]
    assert titles == [
        "Learning rate too high",
        "Learning rate too low",
        "A local minimum",
        "Raw feature x",
        "Standardised feature",
        "A saddle point",
    ]
    notes = " ".join(t.get_text() for ax in figure.axes for t in ax.texts)
    assert "lr 1.1" in notes and "lr 0.01" in notes and "κ = 70" in notes and "κ = 1" in notes


# ------------------------------------------------------------------------------ user experiments

USER_TOML = """
[experiment.my-race]
title = "Adam vs momentum on my formula"
expr = "x**2 + 3*sin(y)"
starts = [[-2.0, 1.5]]
steps = 60

[[experiment.my-race.runs]]
optimizer = "adam"
lr = 0.1

[[experiment.my-race.runs]]
optimizer = "momentum"
lr = 0.05

[experiment.bumpy]
expr = "x**4 - 3*x**2 + x"
starts = [[2.0], [-0.3]]
steps = 40

[[experiment.bumpy.runs]]
optimizer = "gd"
lr = 0.02
"""


def test_user_experiments_get_the_figures_that_apply(tmp_path: Path) -> None:
    config = tmp_path / "mine.toml"
    config.write_text(USER_TOML)
    experiments = load_experiments(config)
    figures = user_figures(experiments)
    assert {
        "optimizer-paths-my-race",
        "loss-curves-my-race",
        "surface-3d-my-race",
        "lr-sweep-my-race",
        "descent-path-bumpy",
        "loss-curves-bumpy",
    } <= set(figures)
    assert "optimizer-paths-bumpy" not in figures and "basins-my-race" not in figures
    figure = make_figure("optimizer-paths-my-race", experiments=experiments)
    result = experiment_result(experiments["my-race"])
    lines = [
        ln for ln in figure.axes[0].get_lines() if ln.get_label().startswith(("Adam", "Momentum"))
    ]
    for line, (_, t) in zip(lines, result.by_run(), strict=True):
        np.testing.assert_array_equal(line.get_xydata(), t.points)
    figure = make_figure("descent-path-bumpy", experiments=experiments)
    assert len([ln for ln in figure.axes[0].get_lines() if ln.get_label().startswith("GD")]) == 2
    assert "my-race" in available_figures(experiments)["loss-curves-my-race"].name
    assert figures["lr-sweep-my-race"].caption


# ------------------------------------------------------------------------------ exports


def _decode(path: Path) -> np.ndarray:
    with Image.open(path) as image:
        return np.asarray(image.convert("RGBA"))


@pytest.fixture(scope="module")
def gallery_twice(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, list[Path]]:
    first = tmp_path_factory.mktemp("first")
    second = tmp_path_factory.mktemp("second")
    progress: list[tuple[str, float]] = []
    written = render_figures(
        output_dir=first,
        formats=("png", "svg", "pdf"),
        dpi=40,
        progress=lambda name, seconds: progress.append((name, seconds)),
    )
    render_figures(output_dir=second, formats=("png", "svg", "pdf"), dpi=40)
    assert [name for name, _ in progress] == GALLERY
    assert all(seconds > 0 for _, seconds in progress)
    return first, second, written


@pytest.mark.slow
def test_every_figure_in_every_format_opens(gallery_twice: tuple[Path, Path, list[Path]]) -> None:
    first, _, written = gallery_twice
    assert sorted(p.name for p in written) == sorted(
        f"{n}.{f}" for n in GALLERY for f in ("png", "svg", "pdf")
    )
    assert sorted(p.name for p in first.iterdir()) == sorted(
        p.name for p in written
    )  # no temp files left
    for name in GALLERY:
        with Image.open(first / f"{name}.png") as image:
            image.load()
            assert image.format == "PNG" and image.size[0] >= 40 * 7.5
            assert "Software" not in image.info
        root = ET.parse(first / f"{name}.svg").getroot()
        assert root.tag.endswith("svg")
        svg_text = (first / f"{name}.svg").read_text()
        assert "<dc:date>" not in svg_text
        pdf = (first / f"{name}.pdf").read_bytes()
        assert pdf.startswith(b"%PDF") and pdf.rstrip().endswith(b"%%EOF")
        assert (
            pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page ") + pdf.count(b"/Type /Page>")
            >= 1
        )
        assert b"/CreationDate" not in pdf


@pytest.mark.slow
def test_building_twice_gives_identical_files(gallery_twice: tuple[Path, Path, list[Path]]) -> None:
    first, second, _ = gallery_twice
    for name in GALLERY:
        for fmt in ("svg", "pdf"):
            assert (first / f"{name}.{fmt}").read_bytes() == (
                second / f"{name}.{fmt}"
            ).read_bytes(), (name, fmt)
        np.testing.assert_array_equal(
            _decode(first / f"{name}.png"), _decode(second / f"{name}.png")
        )


def test_dark_theme_paints_the_background(tmp_path: Path) -> None:
    (path,) = render_figures(
        ["schedules"], output_dir=tmp_path, formats=("png",), theme="dark", dpi=30
    )
    pixels = _decode(path)
    dark = np.array(to_rgba(THEMES["dark"].background)) * 255
    np.testing.assert_allclose(pixels[0, 0], dark, atol=1)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"names": ["basin"]}, "did you mean 'basins'"),
        ({"formats": ("png", "gif")}, "unknown format 'gif'"),
        ({"formats": ("sgv",)}, "did you mean 'svg'"),
        ({"formats": ()}, "at least one format"),
        ({"theme": "sepia"}, "unknown theme"),
        ({"dpi": 5}, "dpi must be a whole number from 20 to 600"),
        ({"dpi": 601}, "dpi must be"),
        ({"dpi": 150.5}, "dpi must be"),
    ],
)
def test_bad_requests_write_nothing(tmp_path: Path, kwargs: dict, message: str) -> None:
    out = tmp_path / "out"
    with pytest.raises(FigureError, match=message):
        render_figures(**{"names": ["schedules"], "output_dir": out, **kwargs})
    assert not out.exists()


def test_an_unwritable_output_is_refused(tmp_path: Path) -> None:
    blocker = tmp_path / "file.txt"
    blocker.write_text("not a directory")
    for target in (blocker, blocker / "sub"):
        with pytest.raises(FigureError, match="cannot write to") as error:
            render_figures(["schedules"], output_dir=target, formats=("png",))
        assert error.value.param == "output"
    assert blocker.read_text() == "not a directory"


def test_a_failure_midway_leaves_no_file_and_keeps_old_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = tmp_path / "schedules.png"
    old.write_bytes(b"previous build")

    def broken(**_: object) -> Figure:
        raise RuntimeError("boom")

    spec = FIGURES["momentum"]
    monkeypatch.setitem(
        FIGURES, "momentum", type(spec)(spec.name, spec.title, broken, spec.captioner)
    )
    with pytest.raises(RuntimeError, match="boom"):
        render_figures(
            ["schedules", "momentum"], output_dir=tmp_path, formats=("png", "svg"), dpi=30
        )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["schedules.png"]
    assert old.read_bytes() == b"previous build"


# ------------------------------------------------------------------------------ baselines

BASELINE_CASES = [
    ("descent-path", "light"),
    ("optimizer-paths", "light"),
    ("basins", "dark"),
    ("stability", "dark"),
]


@pytest.mark.slow
@pytest.mark.parametrize(("name", "theme"), BASELINE_CASES)
def test_image_baseline(name: str, theme: str, tmp_path: Path) -> None:
    """The rendered PNG matches the stored baseline within a small tolerance."""
    baseline = BASELINES / f"{name}-{theme}.png"
    figure = make_figure(name, theme=theme)
    buffer = io.BytesIO()
    save_figure(figure, buffer, "png", dpi=30, theme=theme)
    if UPDATE:
        BASELINES.mkdir(exist_ok=True)
        baseline.write_bytes(buffer.getvalue())
        pytest.skip(f"updated {baseline.name}")
    assert baseline.exists(), f"missing {baseline}; run with GDVIZ_UPDATE_BASELINES=1"
    expected = _decode(baseline).astype(np.int16)
    actual = np.asarray(Image.open(buffer).convert("RGBA")).astype(np.int16)
    assert actual.shape == expected.shape
    difference = np.abs(actual - expected).max(axis=-1)
    # anti-aliasing and font hinting may move a few edge pixels on another machine; a moved
    # path, label or colour changes far more than this
    assert np.mean(difference > 40) < 0.003, f"{np.mean(difference > 40):.4%} of pixels differ"
    assert difference.mean() < 1.5


def test_zoom_inset_magnifies_only_paths_that_stay_small() -> None:
    from matplotlib.figure import Figure

    from gdviz.experiments import builtin_experiments
    from gdviz.figures.contours import plot_zoom_inset

    experiments = builtin_experiments()
    ax = Figure().add_subplot()
    assert plot_zoom_inset(ax, experiments["race-bowl"]) is None
    rastrigin = experiments["race-rastrigin"]
    inset = plot_zoom_inset(ax, rastrigin)
    assert inset is not None
    (x_lo, x_hi), (y_lo, y_hi) = inset.get_xlim(), inset.get_ylim()
    assert x_hi - x_lo < 0.2 * (rastrigin.surface.bounds[0][1] - rastrigin.surface.bounds[0][0])
    drawn = [line.get_xydata() for line in inset.get_lines()]
    for trajectory in experiment_result(rastrigin).trajectories.values():
        assert any(np.array_equal(xy, trajectory.points) for xy in drawn)
        assert (trajectory.points[:, 0] >= x_lo).all() and (trajectory.points[:, 0] <= x_hi).all()
        assert (trajectory.points[:, 1] >= y_lo).all() and (trajectory.points[:, 1] <= y_hi).all()
