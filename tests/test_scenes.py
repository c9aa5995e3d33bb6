"""Render every lecture scene at a tiny size and check the video and where the runners are.

Each scene is rendered once (160×90 at 5 fps, caching off, in a temporary media directory) by
:func:`gdviz.animation.render.render_scene`, the same function ``gdviz video`` runs in its
subprocess. The checks read the video back with PyAV and compare the runners' drawn positions
(read back through the scene's axes) with trajectories the test computes itself from the
experiments.
"""

from __future__ import annotations

import itertools
import math

import av
import numpy as np
import pytest

from gdviz.experiments import get_experiment
from gdviz.video import SCENES

pytestmark = pytest.mark.slow

WIDTH, HEIGHT, FPS = 160, 90, 5
FRAME_HALF_WIDTH, FRAME_HALF_HEIGHT = 14.222 / 2, 4.0


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """Render scenes lazily, once per module: name -> render_scene's result."""
    from gdviz.animation.render import render_scene

    cache: dict[str, dict] = {}

    def get(name: str) -> dict:
        if name not in cache:
            out = tmp_path_factory.mktemp(name)
            cache[name] = render_scene(name, out, width=WIDTH, height=HEIGHT, fps=FPS)
        return cache[name]

    return get


def _walk(trajectory, surface) -> np.ndarray:
    """A 1-D run as the (x, L(x)) points a hiker or dot stands on at each step."""
    return np.column_stack([trajectory.points[:, 0], trajectory.losses])


def expected_paths(name: str) -> tuple[dict[str, np.ndarray], set[str]]:
    """Per probe name, the data points at integer clock values; and the names walking on L(x)."""
    if name == "race":
        runs = get_experiment("race-rosenbrock").run().by_run()
        return {run.display_name: t.points for run, t in runs}, set()
    if name == "saddle":
        runs = get_experiment("saddle").run().by_run()
        return {run.display_name: t.points for run, t in runs}, set()
    if name == "surface":
        runs = get_experiment("race-himmelblau").run().by_run()
        return {run.display_name: t.points for run, t in runs}, set()
    if name == "overshoot":
        experiment = get_experiment("learning-rates")
        paths = {
            f"lr={run.lr:g}": _walk(t, experiment.surface) for run, t in experiment.run().by_run()
        }
        valley = get_experiment("race-valley").run().by_run()
        paths["zigzag"] = next(t.points for run, t in valley if run.optimizer == "sgd")
        return paths, set()
    if name == "local-minima":
        result = get_experiment("local-minima").run()
        return {f"start {s}": _walk(t, None) for _, s, t in result.items()}, {"start 0", "start 1"}
    if name == "hiker":
        ((_, t),) = get_experiment("descent-path").run().by_run()
        return {"hiker": _walk(t, None)}, {"hiker"}
    if name == "decay":
        paths = {}
        for run, t in get_experiment("linear-regression").run().by_run():
            if run.schedule is None and run.lr >= 0.1:
                continue
            label = f"η = {run.lr:g}" + (" × 0.99ᵏ" if run.schedule else "")
            paths[label] = t.points
            paths[f"{label} loss"] = np.column_stack([np.arange(t.steps + 1), np.log10(t.losses)])
        return paths, set()
    raise AssertionError(f"no expectation for scene {name}")


def interpolate(points: np.ndarray, clock: float) -> np.ndarray:
    """Piecewise-linear position at a fractional step (independent of the scene kit)."""
    steps = np.arange(len(points))
    c = min(max(clock, 0.0), len(points) - 1)
    return np.array([np.interp(c, steps, points[:, j]) for j in range(points.shape[1])])


@pytest.mark.parametrize("name", list(SCENES))
def test_video_decodes_with_the_asked_size_rate_and_duration(rendered, name):
    result = rendered(name)
    with av.open(result["movie"]) as container:
        stream = container.streams.video[0]
        frames = [f.to_ndarray(format="rgb24") for f in container.decode(stream)]
        assert (stream.width, stream.height) == (WIDTH, HEIGHT)
        assert float(stream.average_rate) == FPS
    duration = result["duration"]
    assert 10 <= duration <= 25, f"{name} lasts {duration:.1f} s"
    assert abs(len(frames) - duration * FPS) <= 1
    # frames change over time: early, middle and late frames all differ
    picks = [frames[int(len(frames) * f)] for f in (0.15, 0.5, 0.9)]
    for a, b in itertools.pairwise(picks):
        assert np.mean(np.abs(a.astype(int) - b.astype(int))) > 0.3
    from PIL import Image

    with Image.open(result["poster"]) as poster:
        assert poster.size == (WIDTH, HEIGHT)
    assert np.mean(frames[-1]) > 8  # the last frame is not blank


@pytest.mark.parametrize("name", list(SCENES))
def test_runners_are_where_the_trajectory_says(rendered, name):
    scene = rendered(name)["scene"]
    records = scene.probe.records
    paths, walkers = expected_paths(name)
    seen = {rec[0] for rec in records}
    assert seen == set(paths), f"{name}: probed {sorted(seen)}, expected {sorted(paths)}"
    for probe_name, clock, drawn, _scene_point in records:
        points = paths[probe_name]
        want = interpolate(points, clock)
        if probe_name in walkers:
            # a hiker walks on the ground: x between steps, height L(x) at that x
            x = want[0]
            assert drawn[0] == pytest.approx(x, abs=1e-6 * max(1.0, abs(x)) + 1e-6)
            continue
        tolerance = 1e-6 * max(1.0, float(np.max(np.abs(points))))
        if name == "surface":
            tolerance = 5e-3 * float(np.ptp(points[:, :2])) + 1e-3  # projected through 3-D
        assert drawn[: len(want)] == pytest.approx(want, abs=tolerance), (probe_name, clock)
    # the runs were played to their last drawn step (the zig-zag shows its first 60 steps)
    for probe_name, points in paths.items():
        clocks = [c for n, c, _, _ in records if n == probe_name]
        last = scene.probe.last_drawn.get(probe_name, len(points) - 1)
        if probe_name == "zigzag":
            last = min(last, 60)
        frame_gap = max(np.diff(sorted(set(clocks))), default=0.0)  # steps per frame
        assert max(clocks) >= last - frame_gap - 1e-9, probe_name
        assert min(clocks) == 0


@pytest.mark.parametrize("name", [n for n in SCENES if n != "surface"])
def test_runners_stay_inside_the_frame(rendered, name):
    for probe_name, _clock, _drawn, point in rendered(name)["scene"].probe.records:
        assert abs(point[0]) <= FRAME_HALF_WIDTH and abs(point[1]) <= FRAME_HALF_HEIGHT, probe_name


@pytest.fixture(scope="module")
def laid_out():
    """Scenes run at 1920×1080 without a video (every animation at its end state)."""
    from gdviz.animation.render import layout_scene

    cache: dict[tuple[str, str], object] = {}

    def get(name: str, landscape: str = ""):
        if (name, landscape) not in cache:
            options = {"landscape": landscape} if landscape else {}
            cache[name, landscape] = layout_scene(name, width=1920, height=1080, options=options)
        return cache[name, landscape]

    return get


LAYOUTS = [(n, "") for n in SCENES if n != "surface"] + [("race", "himmelblau"), ("race", "valley")]


@pytest.mark.parametrize(("name", "landscape"), LAYOUTS)
def test_text_does_not_overlap_and_stays_in_frame(laid_out, name, landscape):
    from manim import MathTypst, Text, VMobject

    from gdviz.animation.kit import FlatText, LiveText

    scene = laid_out(name, landscape)
    boxes = []
    for mob in scene.get_mobject_family_members():
        if (
            not isinstance(mob, Text | FlatText | MathTypst | LiveText)
            or mob.get_fill_opacity() < 0.05
        ):
            continue
        glyphs = [m for m in mob.family_members_with_points() if isinstance(m, VMobject)]
        if not glyphs or (isinstance(mob, LiveText) and not mob.text.strip()):
            continue
        lo = np.min([g.get_corner([-1, -1, 0]) for g in glyphs], axis=0)
        hi = np.max([g.get_corner([1, 1, 0]) for g in glyphs], axis=0)
        text = getattr(mob, "text", repr(mob))
        boxes.append((text, lo, hi))
        margin = 0.1  # text keeps clear of the frame's edge
        assert -FRAME_HALF_WIDTH + margin <= lo[0] and hi[0] <= FRAME_HALF_WIDTH - margin, text
        assert -FRAME_HALF_HEIGHT + margin <= lo[1] and hi[1] <= FRAME_HALF_HEIGHT - margin, text
    assert len(boxes) >= 3
    for i, (text_a, lo_a, hi_a) in enumerate(boxes):
        for text_b, lo_b, hi_b in boxes[i + 1 :]:
            overlap = np.minimum(hi_a, hi_b)[:2] - np.maximum(lo_a, lo_b)[:2]
            assert not np.all(overlap > 0.02), f"{name}: '{text_a}' overlaps '{text_b}'"


def test_race_landscape_option_switches_the_experiment(tmp_path):
    from gdviz.animation.render import render_scene

    result = render_scene(
        "race", tmp_path, width=WIDTH, height=HEIGHT, fps=2, options={"landscape": "valley"}
    )
    names = {rec[0] for rec in result["scene"].probe.records}
    runs = get_experiment("race-valley").run().by_run()
    assert names == {run.display_name for run, _ in runs}
    last = {}
    for probe_name, clock, drawn, _ in result["scene"].probe.records:
        last[probe_name] = (clock, drawn)
    for run, t in runs:
        clock, drawn = last[run.display_name]
        assert math.floor(clock) >= t.steps
        assert drawn == pytest.approx(t.final_point, abs=1e-6)
