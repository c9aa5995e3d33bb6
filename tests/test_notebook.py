"""Notebook display: compact reprs, HTML summaries with SVG sketches, plot() and animate()."""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest

import gdviz
from gdviz.descent import descend
from gdviz.experiments import Experiment, RunConfig, get_experiment
from gdviz.landscapes import get_landscape
from gdviz.notebook.plotting import Animation
from gdviz.numbers import format_number
from gdviz.optimizers import make_optimizer
from gdviz.trajectory import Trajectory

# tests step animations by hand without rendering them; matplotlib warns when those are collected
pytestmark = pytest.mark.filterwarnings("ignore:Animation was deleted without rendering")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


def adam_run(steps: int = 60) -> Trajectory:
    run = descend(
        get_landscape("rosenbrock"), make_optimizer("adam"), [-1.5, 2.0], lr=0.05, steps=steps
    )
    assert isinstance(run, Trajectory)
    return run


class _Collect(HTMLParser):
    """Every element as (tag, attributes), and the text of the page."""

    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(html: str) -> _Collect:
    parser = _Collect()
    parser.feed(html)
    parser.close()
    return parser


def polylines(html: str) -> list[np.ndarray]:
    """The vertices of every SVG polyline, in document order."""
    lines = []
    for tag, attrs in parse(html).elements:
        if tag == "polyline":
            pairs = [p.split(",") for p in (attrs["points"] or "").split()]
            lines.append(np.array(pairs, dtype=float))
    return lines


# ---------------------------------------------------------------------------------- reprs


def test_trajectory_repr_is_one_short_line_of_the_runs_numbers() -> None:
    run = adam_run(2000)
    text = repr(run)
    assert "\n" not in text and len(text) < 160
    assert text.startswith("Trajectory(adam on rosenbrock, lr=0.05, ")
    assert f"{run.status}, steps={run.steps}" in text
    assert f"loss={format_number(run.final_loss, ascii=True)}" in text


def test_repr_of_a_long_point_names_its_dimension() -> None:
    n = 3
    run = Trajectory(
        variables=tuple(f"w{i}" for i in range(6)),
        points=np.zeros((n, 6)),
        losses=np.ones(n),
        grad_norms=np.ones(n),
        lrs=np.full(n, 0.1),
        status="unknown",
    )
    assert "at=<point in 6 dimensions>" in repr(run)
    assert "variables=(w0, w1, w2, w3, w4, w5)" in repr(run)


def test_batch_experiment_and_result_reprs_count_what_happened() -> None:
    lrs = np.array([1e-4, 1e-3, 0.5])[:, None]
    starts = np.array([[-1.5, 2.0], [0.0, 0.0]])
    batch = descend(
        get_landscape("rosenbrock"), make_optimizer("momentum"), starts, lr=lrs, steps=50
    )
    statuses, counts = np.unique(batch.status, return_counts=True)
    expected = ", ".join(f"{c} {s}" for s, c in zip(statuses, counts, strict=True))
    assert repr(batch).endswith(f"shape=(3, 2), steps<=50: {expected})")

    experiment = get_experiment("race-rosenbrock")
    assert repr(experiment) == (
        "Experiment('race-rosenbrock': SGD, Momentum, RMSprop, Adam on rosenbrock "
        f"from (-1.5, 2), steps<={experiment.steps})"
    )
    result = experiment.run()
    assert repr(result).startswith("ExperimentResult('race-rosenbrock': 4 trajectories, ")


def test_reprs_import_neither_matplotlib_nor_sympy() -> None:
    probe = (
        "import sys, gdviz\n"
        "from gdviz.descent import descend\n"
        "from gdviz.landscapes import get_landscape\n"
        "from gdviz.optimizers import make_optimizer\n"
        "run = descend(get_landscape('bowl'), make_optimizer('sgd'), [1.0, 1.0], lr=0.1)\n"
        "repr(run)\n"
        "print('matplotlib' in sys.modules, 'sympy' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_fingerprint_tells_experiments_apart_and_the_compact_repr_does_not() -> None:
    base = get_experiment("learning-rates")
    other = replace(base, runs=(RunConfig("gd", 0.2), *base.runs[1:]))
    assert repr(base) == repr(other)  # same names and sizes ...
    assert base.fingerprint() != other.fingerprint()  # ... so caches key on the fingerprint
    assert base.fingerprint() == replace(base).fingerprint()


# ----------------------------------------------------------------------------------- HTML


def test_trajectory_html_tables_the_run_and_sketches_its_exact_path() -> None:
    run = adam_run(60)
    html = run._repr_html_()
    text = "".join(parse(html).text)
    assert "Adam" in text and "rosenbrock" in text
    assert format_number(run.final_loss) in text
    assert f"x = {format_number(run.final_point[0])}" in text
    path, loss = polylines(html)
    assert path.shape == (run.steps + 1, 2) and loss.shape == (run.steps + 1, 2)
    # the path sketch is the points under one scale on both axes (y upwards)
    slopes = []
    for axis in (0, 1):
        fit = np.polyfit(run.points[:, axis], path[:, axis], 1)
        residual = np.polyval(fit, run.points[:, axis]) - path[:, axis]
        # the SVG rounds to 0.1 px; a least-squares fit through rounded values misses by a bit more
        assert np.max(np.abs(residual)) < 0.1
        slopes.append(fit[0])
    assert slopes[0] == pytest.approx(-slopes[1], rel=1e-3)  # equal aspect, y flipped


def bowl_run(steps: int = 100) -> Trajectory:
    run = descend(get_landscape("bowl"), make_optimizer("sgd"), [2.0, 1.0], lr=0.1, steps=steps)
    assert isinstance(run, Trajectory)
    return run


def test_loss_sketch_uses_a_log_scale_when_the_loss_spans_decades() -> None:
    run = bowl_run()
    assert run.losses.max() / run.losses.min() > 100
    _, loss = polylines(run._repr_html_())
    steps = np.arange(run.steps + 1)
    for column, values in ((0, steps), (1, np.log10(run.losses))):
        fit = np.polyfit(values, loss[:, column], 1)
        assert np.max(np.abs(np.polyval(fit, values) - loss[:, column])) < 0.1
    assert "loss (log)" in run._repr_html_()


def test_long_runs_are_thinned_but_keep_their_ends_and_extremes() -> None:
    run = descend(get_landscape("valley"), make_optimizer("gd"), [-2.6, 1.4], lr=0.09, steps=5000)
    path, loss = polylines(run._repr_html_())
    assert len(path) <= 1000 and len(loss) <= 602
    # the highest and lowest loss, the first and the last step survive: the curve still
    # touches all four sides of its box (margin 18 px in a 220 × 150 box; y grows downwards)
    assert loss[:, 1].min() == pytest.approx(18, abs=0.06)
    assert loss[:, 1].max() == pytest.approx(132, abs=0.06)
    assert (loss[0, 0], loss[-1, 0]) == (pytest.approx(18), pytest.approx(202))
    assert np.all(np.diff(loss[:, 0]) >= 0)  # in step order


def test_experiment_html_shows_every_run_with_the_cached_result() -> None:
    experiment = get_experiment("local-minima")
    html = experiment._repr_html_()
    result = experiment.run()
    text = "".join(parse(html).text)
    for _, _, trajectory in result.items():
        assert format_number(trajectory.final_loss) in text
    lines = polylines(html)
    assert len(lines) == 2 * len(result.items())  # a path and a loss per trajectory
    # 1-D: the path sketch is the iterate x_k against the step k, each axis on its own scale
    first = result.trajectories[0, 0]
    assert lines[0].shape == (first.steps + 1, 2)
    for column, values in ((0, np.arange(first.steps + 1)), (1, first.points[:, 0])):
        fit = np.polyfit(values, lines[0][:, column], 1)
        assert np.max(np.abs(np.polyval(fit, values) - lines[0][:, column])) < 0.1


def test_html_escapes_user_text() -> None:
    hostile = "<script>alert(1)</script>"
    experiment = Experiment(
        name="x",
        title=hostile,
        landscape="bowl",
        starts=((1.0, 1.0),),
        runs=(RunConfig("sgd", 0.1, label=hostile),),
        steps=5,
        description=hostile,
    )
    html = experiment._repr_html_()
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_batch_html_counts_statuses() -> None:
    batch = descend(
        get_landscape("bowl"),
        make_optimizer("sgd"),
        [1.0, 1.0],
        lr=np.array([0.1, 0.5, 1.5]),
        steps=30,
        grad_tol=1e-6,
    )
    text = "".join(parse(batch._repr_html_()).text)
    statuses, counts = np.unique(batch.status, return_counts=True)
    assert ", ".join(f"{c} {s}" for s, c in zip(statuses, counts, strict=True)) in text
    assert "3" in text


# ----------------------------------------------------------------------------------- plot


def test_plot_of_a_trajectory_draws_its_points_on_the_landscape() -> None:
    import matplotlib.pyplot as plt

    run = adam_run(60)
    _, ax = plt.subplots()
    artists = run.plot(ax)
    assert artists[0].axes is ax
    np.testing.assert_array_equal(artists[0].get_xydata(), run.points)
    assert len(ax.collections) >= 2  # the landscape's filled contours and lines
    assert artists[0].axes.get_title(loc="left") == "Adam, lr 0.05"
    short = bowl_run()
    loss_line = gdviz.plot(short, kind="loss")[0]
    np.testing.assert_array_equal(loss_line.get_xdata(), np.arange(short.steps + 1))
    np.testing.assert_array_equal(loss_line.get_ydata(), short.losses)
    assert loss_line.axes.get_yscale() == "log"


def test_plot_of_an_experiment_draws_each_run_in_order() -> None:
    experiment = get_experiment("race-valley")
    result = experiment.run()
    artists = gdviz.plot(experiment)
    for artist, (_, _, trajectory) in zip(artists, result.items(), strict=False):
        np.testing.assert_array_equal(artist.get_xydata(), trajectory.points)
    assert artists[-1].__class__.__name__ == "Legend"
    one_d = get_experiment("learning-rates")
    lines = gdviz.plot("learning-rates")
    for artist, (_, _, trajectory) in zip(lines, one_d.run().items(), strict=False):
        np.testing.assert_array_equal(artist.get_xdata(), trajectory.points[:, 0])
        np.testing.assert_array_equal(artist.get_ydata(), trajectory.losses)


def test_plot_draws_any_dimension_on_a_slice() -> None:
    from gdviz.slices import pca_plane, project

    experiment = get_experiment("least-squares")
    (trajectory,) = experiment.run().trajectories.values()
    artists = gdviz.plot(trajectory, kind="slice")
    np.testing.assert_array_equal(
        artists[0].get_xydata(), project(trajectory, pca_plane(trajectory))
    )
    assert "on a 2-D slice of its 3 dimensions" in artists[0].axes.get_title(loc="left")
    network = get_experiment("mlp-moons")
    short = replace(network, steps=40)
    result = short.run()
    lines = gdviz.plot(result, kind="slice")[: len(short.runs)]
    plane = pca_plane([t for _, _, t in result.items()])
    for line, (_, _, t) in zip(lines, result.items(), strict=True):
        np.testing.assert_array_equal(line.get_xydata(), project(t, plane))
    movie = gdviz.animate(result, kind="slice", frames=3, dpi=30)
    movie._func(1)  # a frame shortens the projected paths
    assert len(movie.ends) == len(short.runs)
    assert all(len(line.get_xydata()) < 41 for line in movie.lines)
    assert len(re.findall(r"data:image/png;base64", movie._repr_html_())) == 3
    with pytest.raises(ValueError, match="at least two coordinates"):
        gdviz.plot("descent-path", kind="slice")


def test_plot_picks_the_loss_above_two_dimensions_and_refuses_bad_input() -> None:
    experiment = get_experiment("least-squares")
    (trajectory,) = experiment.run().trajectories.values()
    line = gdviz.plot(trajectory)[0]
    np.testing.assert_array_equal(line.get_ydata(), trajectory.losses)
    with pytest.raises(ValueError, match=r"a path in 3 dimensions cannot be drawn.*'slice'"):
        gdviz.plot(trajectory, kind="path")
    with pytest.raises(ValueError, match="unknown kind 'contour'"):
        gdviz.plot(trajectory, kind="contour")
    batch = descend(get_landscape("bowl"), make_optimizer("sgd"), [[1.0, 1.0]], lr=0.1)
    with pytest.raises(TypeError, match=r"plot one element, e.g. batch\[0\]"):
        gdviz.plot(batch)
    with pytest.raises(TypeError, match="cannot draw a dict"):
        gdviz.plot({})
    with pytest.raises(ValueError, match="unknown experiment"):
        gdviz.plot("no-such-experiment")


# -------------------------------------------------------------------------------- animate


def test_animation_reveals_each_run_up_to_the_frames_step() -> None:
    experiment = get_experiment("learning-rates")
    result = experiment.run()
    animation = gdviz.animate(experiment, frames=6)
    assert isinstance(animation, Animation)
    update = animation._func
    longest = max(t.steps for _, _, t in result.items())
    shown = np.unique(np.round(np.linspace(0, longest, 6)).astype(int))
    lines = animation.lines
    assert len(lines) == len(result.items())
    for frame, step in enumerate(shown):
        update(frame)
        for line, (_, _, trajectory) in zip(lines, result.items(), strict=False):
            k = min(step, trajectory.steps)
            np.testing.assert_array_equal(line.get_xdata(), trajectory.points[: k + 1, 0])


def test_animation_end_markers_appear_when_each_run_ends() -> None:
    experiment = get_experiment("saddle")
    result = experiment.run()
    animation = gdviz.animate(experiment, frames=5)
    ends = animation.ends
    assert len(ends) == len(result.items())
    for end, (_, _, trajectory) in zip(ends, result.items(), strict=True):
        np.testing.assert_array_equal(end.get_offsets()[0], trajectory.final_point)
    animation._func(0)
    assert not any(end.get_visible() for end in ends)
    animation._func(4)
    assert all(end.get_visible() for end in ends)


def test_animation_shows_inline_and_saves_mp4_and_gif(tmp_path: Path) -> None:
    import av
    from PIL import Image

    animation = gdviz.animate("descent-path", frames=8, dpi=50)
    page = animation._repr_html_()
    assert len(re.findall(r"data:image/png;base64", page)) == 8
    mp4 = animation.save(tmp_path / "run.mp4")
    with av.open(str(mp4)) as container:
        stream = container.streams.video[0]
        frames = sum(1 for _ in container.decode(stream))
        assert (stream.codec_context.name, frames) == ("h264", 8)
        assert stream.width % 2 == 0 and float(stream.average_rate) == 12
    gif = animation.save(tmp_path / "run.gif")
    with Image.open(gif) as image:
        assert image.n_frames == 8


def test_animate_refuses_bad_input(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="frames must be a whole number ≥ 2"):
        gdviz.animate("descent-path", frames=1)
    with pytest.raises(ValueError, match="fps must be a whole number ≥ 1"):
        gdviz.animate("descent-path", fps=0)
    animation = gdviz.animate("descent-path", frames=2)
    with pytest.raises(ValueError, match=r"cannot tell the movie format of 'run.avi'"):
        animation.save(tmp_path / "run.avi")
    animation.save(tmp_path / "ok.gif")  # rendered, so matplotlib does not warn


def test_top_level_names_are_lazy() -> None:
    probe = (
        "import sys, gdviz; print('matplotlib' in sys.modules); gdviz.plot; "
        "print('matplotlib' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "True"]
    with pytest.raises(AttributeError, match="no attribute 'plott'"):
        gdviz.plott  # noqa: B018


# ------------------------------------------------------------------ the example notebook

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "notebook.ipynb"


def _outputs(cell: dict) -> dict[str, Any]:
    """An executed cell's outputs by MIME type (stream text under ``"stdout"``; a JSON type as
    its object)."""
    found: dict[str, Any] = {}
    for output in cell.get("outputs", []):
        if output["output_type"] == "stream":
            found[output["name"]] = found.get(output["name"], "") + output["text"]
        elif output["output_type"] in ("execute_result", "display_data"):
            for mime, data in output["data"].items():
                found[mime] = data if isinstance(data, str | dict) else "".join(data)
        elif output["output_type"] == "error":
            raise AssertionError("\n".join(output["traceback"]))
    return found


@pytest.mark.slow
def test_the_example_notebook_runs_headless_and_shows_the_cores_numbers(tmp_path: Path) -> None:
    import base64
    import io
    import json

    nbclient = pytest.importorskip("nbclient", reason="the test extra is not installed")
    nbformat = pytest.importorskip("nbformat")
    from PIL import Image

    notebook = nbformat.read(EXAMPLE, as_version=4)
    assert all(not c.get("outputs") for c in notebook.cells if c.cell_type == "code")  # clean
    client = nbclient.NotebookClient(
        notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": tmp_path}}
    )
    client.execute()
    cells = {
        c.source.splitlines()[-1]: _outputs(c) for c in notebook.cells if c.cell_type == "code"
    }

    run = adam_run_like_the_notebook()
    shown = cells["run"]
    assert shown["text/plain"] == repr(run)
    assert "<svg" in shown["text/html"] and format_number(run.final_loss) in shown["text/html"]

    race = get_experiment("race-rosenbrock")
    result = race.run()
    assert format_number(result.trajectories[3, 0].final_loss) in cells["race"]["text/html"]

    drawn = cells["print(artists[0].get_xydata()[:3].tolist())"]
    assert json.loads(drawn["stdout"]) == result.trajectories[0, 0].points[:3].tolist()
    for key in ("print(artists[0].get_xydata()[:3].tolist())", 'gdviz.plot(race, kind="loss");'):
        png = base64.b64decode(cells[key]["image/png"])
        with Image.open(io.BytesIO(png)) as image:
            assert image.width > 300  # the inline backend drew the figure

    page = cells["animation"]["text/html"]
    assert len(re.findall(r"data:image/png;base64", page)) == 12
    with Image.open(tmp_path / "race.gif") as gif:
        assert gif.n_frames == 12

    # the explorer widget: its view, as the front end receives it, and its numbers
    view = cells["explorer"]["application/vnd.jupyter.widget-view+json"]
    widgets = notebook.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    state = widgets[view["model_id"]]["state"]
    assert state["landscape"] == "himmelblau" and state["starts"] == [[0.5, -1.0]]
    assert [r["optimizer"] for r in state["runs"]] == ["adam", "momentum"]
    assert "gdvizExplorer.mount" in state["_esm"]
    explorer = gdviz.explore("himmelblau", optimizers=["adam", "momentum"], starts=[(0.5, -1.0)])
    lines = [
        f"{c.optimizer} {t.status} {format_number(t.final_loss)}"
        for c, t in explorer.run().by_run()
    ]
    printed = cells[
        "    print(config.optimizer, trajectory.status, format_number(trajectory.final_loss))"
    ]
    assert printed["stdout"].splitlines() == lines


def adam_run_like_the_notebook() -> Trajectory:
    run = descend(
        get_landscape("rosenbrock"), make_optimizer("adam"), [-1.5, 2.0], lr=0.01, steps=500
    )
    assert isinstance(run, Trajectory)
    return run
