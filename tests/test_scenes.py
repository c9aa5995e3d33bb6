"""Render every lecture scene at a tiny size and check what is drawn, frame by frame.

Each scene of the catalogue is rendered once (160×90 at 4 fps, caching off, in a temporary
directory) by :func:`gdviz.animation.render.render_scene`, the function ``gdviz video`` runs in
its subprocess. The test wraps the renderer's ``add_frame`` to keep every written frame and, on
sampled frames, what the scene had laid out at that moment: the boxes of all text, where each
runner was drawn and what its trail covers. Scene coordinates do not depend on the pixel size,
so the layout checks hold for 1080p renders too.

Checked: size, rate and duration (45–120 s); runners drawn where trajectories computed here say;
text inside the 5 % title-safe margin, never on other text or on a trail; text sizes; read-outs
that change on screen while runners move; captions (WebVTT) of at least 2.5 s, during which the
picture stays still; optimizer colours.
"""

from __future__ import annotations

import itertools
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import av
import numpy as np
import pytest

from gdviz.experiments import get_experiment
from gdviz.video import scene_catalogue

if TYPE_CHECKING:
    from collections.abc import Callable

    from manim import Mobject, Scene

pytestmark = pytest.mark.slow

WIDTH, HEIGHT, FPS = 160, 90, 4
FRAME_W, FRAME_H = 128 / 9, 8.0
SAFE_X, SAFE_Y = 0.45 * FRAME_W, 0.45 * FRAME_H  # the 5 % title-safe margin
SAMPLE_EVERY = 2  # frames between layout snapshots
CATALOGUE = scene_catalogue()
SCRIPT_CHARS = set("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺₀₁₂₃₄₅₆₇₈₉₋₊ᵏ")


@dataclass
class Snapshot:
    """What the scene showed at one frame."""

    time: float
    frame: int
    texts: list[tuple[str, np.ndarray, np.ndarray, object, np.ndarray]] = field(
        default_factory=list
    )
    runners: list[tuple[str, float, np.ndarray, np.ndarray, object]] = field(default_factory=list)
    trails: list[np.ndarray] = field(default_factory=list)
    objects: list[tuple[str, np.ndarray, np.ndarray]] = field(default_factory=list)
    moving: set[str] = field(default_factory=set)  # runners that redraw themselves every frame


class Recorder:
    """Keeps every frame the renderer writes and snapshots the layout on sampled frames."""

    def __init__(self) -> None:
        self.frames: list[np.ndarray] = []
        self.snapshots: list[Snapshot] = []
        self.scene: Scene | None = None

    def attach(self, scene) -> None:
        self.scene = scene
        renderer = scene.renderer
        original = renderer.add_frame

        def add_frame(frame, num_frames: int = 1) -> None:
            start = len(self.frames)
            if start % SAMPLE_EVERY == 0 or num_frames > 1:
                self.snapshots.append(self.snapshot(start))
            self.frames.extend([np.array(frame[..., :3])] * num_frames)
            original(frame, num_frames)

        renderer.add_frame = add_frame

    def snapshot(self, index: int) -> Snapshot:
        from manim import MathTypst, VMobject

        from gdviz.animation.runner import Runner
        from gdviz.animation.text import FlatText, LiveText

        scene = self.scene
        assert scene is not None
        shot = Snapshot(index / FPS, index)
        fixed = _fixed_in_frame(scene)
        three_d = hasattr(scene.renderer.camera, "fixed_in_frame_mobjects")
        for mob in scene.get_mobject_family_members():
            if isinstance(mob, Runner):
                shot.runners.append(
                    (mob.name, mob.clock.get_value(), mob.position(), mob.data, mob)
                )
                if mob.updaters:
                    shot.moving.add(mob.name)
                if mob.trail in mob.submobjects and not three_d:
                    shot.trails.append(np.array(mob.trail.points))
                continue
            if not isinstance(mob, FlatText | LiveText | MathTypst):
                continue
            if three_d and id(mob) not in fixed:
                continue  # drawn in 3-D (axis names): not in frame coordinates
            glyphs = [
                m
                for m in mob.family_members_with_points()
                if isinstance(m, VMobject) and m.get_fill_opacity() > 0.05
            ]
            if not glyphs or (isinstance(mob, LiveText) and not (mob.text or "").strip()):
                continue
            lo = np.min([g.get_corner((-1, -1, 0)) for g in glyphs], axis=0)[:2]
            hi = np.max([g.get_corner((1, 1, 0)) for g in glyphs], axis=0)[:2]
            anchor = np.array(getattr(mob, "anchor", lo))
            shot.texts.append((getattr(mob, "text", None) or repr(mob), lo, hi, mob, anchor))
        if not three_d:
            for mob in scene.mobjects:
                drawn = _drawn(mob)
                if not drawn:
                    continue
                lo = np.min([m.get_corner([-1, -1, 0])[:2] for m in drawn], axis=0)
                hi = np.max([m.get_corner([1, 1, 0])[:2] for m in drawn], axis=0)
                shot.objects.append((type(mob).__name__, lo, hi))
        return shot


def _drawn(mob) -> list:
    """The members of ``mob`` that put ink on the frame (not value trackers, not invisible)."""
    from manim import ImageMobject, VMobject

    out: list[Mobject] = []
    for m in mob.family_members_with_points():
        if isinstance(m, ImageMobject) or (
            isinstance(m, VMobject)
            and (
                m.get_fill_opacity() >= 0.05
                or (m.get_stroke_opacity() >= 0.05 and m.stroke_width > 0)
            )
        ):
            out.append(m)
    return out


def _fixed_in_frame(scene) -> set[int]:
    camera = scene.renderer.camera
    fixed: set[Mobject] = getattr(camera, "fixed_in_frame_mobjects", set())
    return {id(m) for top in fixed for m in top.get_family()}


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., tuple[dict, Recorder]]:
    """Render scenes lazily, once per module: name -> (render_scene's result, recorder)."""
    from gdviz.animation.render import render_scene

    cache: dict[str, tuple[dict, Recorder]] = {}

    def get(name: str, experiment=None, key: str | None = None) -> tuple[dict, Recorder]:
        key = key or name
        if key not in cache:
            recorder = Recorder()
            out = tmp_path_factory.mktemp(key)
            result = render_scene(
                name,
                out,
                width=WIDTH,
                height=HEIGHT,
                fps=FPS,
                experiment=experiment,
                before=recorder.attach,
            )
            cache[key] = (result, recorder)
        return cache[key]

    return get


# ------------------------------------------------------------------------- expectations


def expected_paths(name: str) -> dict[str, np.ndarray]:
    """Per runner name, the data points the trajectory computed here says it follows."""
    info = CATALOGUE[name]
    experiment = get_experiment(info.experiment)
    if name == "overshoot":
        paths = {f"lr={run.lr:g}": t.points for run, t in experiment.run().by_run()}
        valley = get_experiment("race-valley").run().by_run()
        paths["zigzag"] = next(t.points for run, t in valley if run.optimizer == "sgd")
        return paths
    if name == "local-minima":
        return {f"start {s}": t.points for _, s, t in experiment.run().items()}
    if name == "hiker":
        ((_, t),) = experiment.run().by_run()
        return {"hiker": t.points}
    if name == "decay":
        paths = {}
        for run, t in experiment.run().by_run():
            label = (
                f"{run.lr:g} decayed ×{run.schedule.split('gamma=')[-1]}"
                if run.schedule
                else f"constant {run.lr:g}"
            )
            paths[label] = t.points
            paths[f"{label} loss"] = np.column_stack([np.arange(t.steps + 1), np.log10(t.losses)])
        return paths
    if name == "noise":
        import dataclasses

        result = experiment.run()
        full = dataclasses.replace(experiment, batch_size=None, seed=0).run().by_run()[0][1]
        paths = {"full batch": full.points}
        paths["full batch loss"] = np.column_stack(
            [np.arange(full.steps + 1), np.log10(full.losses)]
        )
        for index, kind in ((0, "constant"), (len(experiment.runs) - 1, "decayed")):
            runs = result.seed_runs(index, 0)
            for seed, t in zip(experiment.seeds, runs, strict=True):
                paths[f"{kind} seed {seed}"] = t.points
            mean = np.mean([t.losses for t in runs], axis=0)
            paths[f"{kind} loss"] = np.column_stack([np.arange(len(mean)), np.log10(mean)])
        return paths
    if name == "inside":
        return {
            run.display_name: t.points
            for run, t in experiment.run().by_run()
            if run.optimizer in ("momentum", "rmsprop", "adam")
        }
    return {run.display_name: t.points for run, t in experiment.run().by_run()}


def interpolate(points: np.ndarray, clock: float) -> np.ndarray:
    """Piecewise-linear position at a fractional step (independent of the scene code)."""
    steps = np.arange(len(points))
    c = min(max(clock, 0.0), len(points) - 1)
    return np.array([np.interp(c, steps, points[:, j]) for j in range(points.shape[1])])


SCENES = list(CATALOGUE)


# ------------------------------------------------------------------------------- video


@pytest.mark.parametrize("name", SCENES)
def test_video_has_the_asked_size_rate_and_a_lecture_length(rendered, name):
    result, recorder = rendered(name)
    with av.open(result["movie"]) as container:
        stream = container.streams.video[0]
        count = sum(1 for _ in container.decode(stream))
        assert (stream.width, stream.height) == (WIDTH, HEIGHT)
        assert float(stream.average_rate) == FPS
    duration = result["duration"]
    assert 45 <= duration <= 120, f"{name} lasts {duration:.1f} s"
    assert abs(count - duration * FPS) <= 1
    assert len(recorder.frames) == count
    picks = [recorder.frames[int(len(recorder.frames) * f)] for f in (0.15, 0.5, 0.85)]
    for a, b in itertools.pairwise(picks):
        assert np.mean(np.abs(a.astype(int) - b.astype(int))) > 0.3
    from PIL import Image

    with Image.open(result["poster"]) as poster:
        assert poster.size == (WIDTH, HEIGHT)
    assert np.mean(recorder.frames[-1]) > 8  # the last frame is not blank


@pytest.mark.parametrize("name", SCENES)
def test_runners_are_where_the_trajectory_says(rendered, name) -> None:
    _, recorder = rendered(name)
    paths = expected_paths(name)
    seen: dict[str, list[float]] = {}
    for shot in recorder.snapshots:
        for runner_name, clock, position, data, runner in shot.runners:
            assert runner_name in paths, f"{name}: unexpected runner {runner_name}"
            want_points = paths[runner_name]
            np.testing.assert_array_equal(data, want_points)
            shown = min(clock, runner.last_visible)
            want = runner.to_scene(runner.lift(interpolate(want_points, shown)[None]))[0]
            assert position == pytest.approx(want, abs=1e-6), (runner_name, clock)
            seen.setdefault(runner_name, []).append(clock)
    assert set(seen) == set(paths), f"{name}: drew {sorted(seen)}, expected {sorted(paths)}"
    for runner_name, clocks in seen.items():
        assert min(clocks) == 0, runner_name
        end = len(paths[runner_name]) - 1
        if runner_name == "zigzag":
            end = min(end, 60)  # the zig-zag shows its first 60 steps
        assert max(clocks) >= end - 1e-9, f"{runner_name} stopped at {max(clocks)} of {end}"


@pytest.mark.parametrize("name", SCENES)
def test_text_stays_in_the_safe_area_and_never_overlaps(rendered, name):
    _, recorder = rendered(name)
    assert_text_layout(name, recorder)


def assert_text_layout(name: str, recorder) -> None:
    """Every text in the safe area, no two overlapping, no trail crossing one."""
    checked = 0
    for shot in recorder.snapshots:
        boxes = shot.texts
        for text, lo, hi, *_ in boxes:
            assert lo[0] >= -SAFE_X and hi[0] <= SAFE_X, f"{name} t={shot.time}: {text!r} x"
            assert lo[1] >= -SAFE_Y and hi[1] <= SAFE_Y, f"{name} t={shot.time}: {text!r} y"
        for (text_a, lo_a, hi_a, a, _), (text_b, lo_b, hi_b, b, _) in itertools.combinations(
            boxes, 2
        ):
            if a in b.get_family() or b in a.get_family():
                continue
            overlap = np.minimum(hi_a, hi_b) - np.maximum(lo_a, lo_b)
            assert not np.all(overlap > 0.02), (
                f"{name} t={shot.time:.2f}: {text_a!r} {lo_a.round(2)}–{hi_a.round(2)} overlaps "
                f"{text_b!r} {lo_b.round(2)}–{hi_b.round(2)}"
            )
        for text, lo, hi, *_ in boxes:
            for trail in shot.trails:
                inside = np.all((trail[:, :2] > lo + 0.02) & (trail[:, :2] < hi - 0.02), axis=1)
                assert not inside.any(), f"{name} t={shot.time:.2f}: a trail crosses {text!r}"
        checked += len(boxes)
    assert checked > 50


@pytest.mark.parametrize("name", [n for n in SCENES if n != "surface"])
def test_everything_drawn_stays_in_the_safe_area(rendered, name):
    _, recorder = rendered(name)
    for shot in recorder.snapshots:
        for kind, lo, hi in shot.objects:
            assert lo[0] >= -SAFE_X - 1e-6 and hi[0] <= SAFE_X + 1e-6, (
                name,
                shot.time,
                kind,
                lo,
                hi,
            )
            assert lo[1] >= -SAFE_Y - 1e-6 and hi[1] <= SAFE_Y + 1e-6, (
                name,
                shot.time,
                kind,
                lo,
                hi,
            )


@pytest.mark.parametrize("name", SCENES)
def test_text_is_large_enough_and_math_is_typeset(rendered, name):
    from manim import MathTypst

    from gdviz.animation.text import MATH_SIZE_MIN, TEXT_SIZE_MIN

    _, recorder = rendered(name)
    for shot in recorder.snapshots[::5]:
        for text, _, _, mob, _ in shot.texts:
            if isinstance(mob, MathTypst):
                assert mob.font_size >= MATH_SIZE_MIN - 1e-9, (name, text)
            else:
                assert mob.size >= TEXT_SIZE_MIN, (name, text, mob.size)
                assert not set(text) & SCRIPT_CHARS, f"{name}: {text!r} has Unicode scripts"


def test_the_size_rules_give_24_px_digits_at_1080p():
    """Measured: digits of the smallest label, and sub/superscript digits of the smallest
    formula, are at least 24 px tall on a 1920×1080 frame (135 px per scene unit)."""
    from manim import MathTypst, Text

    from gdviz.animation.text import FONT, MATH_SIZE_MIN, TEXT_SIZE_MIN

    digits = Text("0123456789", font=FONT, font_size=TEXT_SIZE_MIN)
    assert min(g.height for g in digits.submobjects) * 135 >= 24
    formula = MathTypst("x_2^3 y_0", font_size=MATH_SIZE_MIN)
    heights = sorted(g.height * 135 for g in formula.family_members_with_points())
    # the glyphs: x, 2 (script), 3 (script), y, 0 (script); the script digits are the smallest
    assert heights[0] >= 24, heights


@pytest.mark.parametrize("name", SCENES)
def test_readouts_change_on_screen_while_runners_move(rendered, name):
    from gdviz.animation.text import LiveText

    _, recorder = rendered(name)
    shots = recorder.snapshots
    moving_pairs = changed_pairs = 0
    for before, after in itertools.pairwise(shots):
        steps_before = {r[0]: math.floor(r[1]) for r in before.runners}
        steps_after = {r[0]: math.floor(r[1]) for r in after.runners}
        moved = any(steps_after.get(k, v) > v for k, v in steps_before.items())
        texts_before = {
            id(m): (t, anchor) for t, _, _, m, anchor in before.texts if isinstance(m, LiveText)
        }
        changed = False
        for text, lo, hi, mob, anchor in after.texts:
            if not isinstance(mob, LiveText) or id(mob) not in texts_before:
                continue
            old_text, old_anchor = texts_before[id(mob)]
            if old_text == text:
                continue
            changed = True
            if not np.allclose(old_anchor, anchor):
                continue  # it moved (a leaderboard row): another text may now stand there
            crop_a = _crop(recorder.frames[before.frame], lo, hi)
            crop_b = _crop(recorder.frames[after.frame], lo, hi)
            assert np.any(crop_a != crop_b), f"{name}: {text!r} changed but the screen did not"
        moving_pairs += moved
        changed_pairs += moved and changed
    assert moving_pairs > 5
    assert changed_pairs >= 0.8 * moving_pairs, (changed_pairs, moving_pairs)


def _crop(frame: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    h, w = frame.shape[:2]
    x0 = int(np.floor((lo[0] / FRAME_W + 0.5) * w))
    x1 = int(np.ceil((hi[0] / FRAME_W + 0.5) * w)) + 1
    y0 = int(np.floor((0.5 - hi[1] / FRAME_H) * h))
    y1 = int(np.ceil((0.5 - lo[1] / FRAME_H) * h)) + 1
    return frame[max(y0, 0) : y1, max(x0, 0) : x1].astype(int)


# ----------------------------------------------------------------------------- captions


def _cues(path: str) -> list[tuple[float, float, str]]:
    text = Path(path).read_text(encoding="utf-8")
    assert text.startswith("WEBVTT\n")
    cues = []
    for block in text.strip().split("\n\n")[1:]:
        lines = block.splitlines()
        timing = re.fullmatch(r"(\S+) --> (\S+)", lines[1])
        assert timing is not None, lines[1]
        start, end = timing.groups()
        cues.append((_seconds(start), _seconds(end), "\n".join(lines[2:])))
    return cues


def _seconds(stamp: str) -> float:
    hours, minutes, seconds = stamp.split(":")
    return int(hours) * 3600 + int(minutes) * 60 + float(seconds)


@pytest.mark.parametrize("name", SCENES)
def test_captions_are_beats_held_still_for_reading(rendered, name):
    result, recorder = rendered(name)
    cues = _cues(result["captions"])
    assert len(cues) >= 6
    frames = recorder.frames
    for start, end, text in cues:
        assert end - start >= 2.5, (name, text, end - start)
        assert 1 <= len(text.splitlines()) <= 6
        # the picture stays still for 2.5 s once the sentence has faded in
        first, last = math.ceil((start + 0.6) * FPS), math.floor((start + 0.6 + 2.4) * FPS)
        still = frames[first : last + 1]
        for a, b in itertools.pairwise(still):
            assert np.max(np.abs(a.astype(int) - b.astype(int))) <= 2, (name, text)
    beats = [c for c in cues if "=" not in c[2]]
    assert all(len(line) <= 56 for _, _, t in beats for line in t.splitlines())


# ------------------------------------------------------------------------------ colours


@pytest.mark.parametrize("name", ["race", "saddle", "surface", "inside"])
def test_runners_wear_their_optimizers_colour(rendered, name):
    from manim import ManimColor

    from gdviz.style import THEMES, optimizer_color

    _, recorder = rendered(name)
    experiment = get_experiment(CATALOGUE[name].experiment)
    by_name = {run.display_name: run.optimizer for run in experiment.runs}
    checked = set()
    for shot in recorder.snapshots:
        for *_, runner in shot.runners:
            want = ManimColor(optimizer_color(by_name[runner.name], THEMES["dark"]))
            assert runner.dot.get_fill_color().to_hex() == want.to_hex()
            checked.add(runner.name)
    assert len(checked) >= 2


@pytest.mark.parametrize("name", ["race", "inside"])
def test_runners_draw_their_optimizers_line_style(rendered, name):
    """Dashed optimizers (style.py) draw dashed trails — many subpaths — and solid ones one."""
    from gdviz.style import optimizer_dash

    _, recorder = rendered(name)
    experiment = get_experiment(CATALOGUE[name].experiment)
    by_name = {run.display_name: run.optimizer for run in experiment.runs}
    pieces: dict[str, int] = {}
    for shot in recorder.snapshots:
        for runner_name, clock, *_, runner in shot.runners:
            if clock >= 10 and runner.trail in runner.submobjects:
                drawn = [runner.trail, *runner.frozen_trail.submobjects]
                count = max(len(p.get_subpaths()) for p in drawn)
                pieces[runner_name] = max(pieces.get(runner_name, 0), count)
    assert pieces
    for runner_name, count in pieces.items():
        dashed = bool(optimizer_dash(by_name[runner_name]))
        assert (count > 3) if dashed else (count == 1), (runner_name, count)


def test_race_draws_dashed_trails_over_solid_ones(rendered):
    """Where paths coincide a dashed trail on top lets the ones beneath show in its gaps."""
    from gdviz.animation.runner import Runner
    from gdviz.style import optimizer_dash

    result, _ = rendered("race")
    scene = result["scene"]
    experiment = get_experiment(CATALOGUE["race"].experiment)
    by_name = {run.display_name: run.optimizer for run in experiment.runs}
    stack = [m for m in scene.mobjects if isinstance(m, Runner)]
    dashed = [bool(optimizer_dash(by_name[r.name])) for r in stack]
    assert any(dashed) and dashed == sorted(dashed)
    widths = [r.trail.get_stroke_width() for r in stack]
    assert widths == sorted(widths, reverse=True)  # lower trails wider


def test_noise_legend_tells_the_reference_from_the_faded_run(rendered):
    """The "lowest L" key and the faded constant-rate key, as they look over the background,
    differ (ΔE₀₀ ≥ 20, also under simulated deuteranopia and protanopia)."""
    from manim import Dot

    from gdviz.animation.text import FlatText
    from gdviz.style import THEMES, delta_e2000, hex_to_rgb, simulate_cvd, srgb_to_lab

    result, _ = rendered("noise")
    scene = result["scene"]
    experiment = get_experiment("minibatch-noise")
    background = hex_to_rgb(THEMES["dark"].background)
    swatches = {}
    for mob in scene.get_mobject_family_members():
        parts = mob.submobjects
        if len(parts) == 2 and isinstance(parts[0], Dot) and isinstance(parts[1], FlatText):
            alpha = parts[0].get_fill_opacity()
            rgb = hex_to_rgb(parts[0].get_fill_color().to_hex()[:7])
            swatches[parts[1].text] = alpha * rgb + (1 - alpha) * background
    reference = next(rgb for text, rgb in swatches.items() if text.startswith("lowest L"))
    faded = swatches[experiment.runs[0].display_name]
    for kind in ("normal", "deuteranopia", "protanopia"):
        a, b = (srgb_to_lab(simulate_cvd(c, kind)) for c in (reference, faded))
        assert delta_e2000(a, b) >= 20, (kind, reference, faded)


def test_surface_balls_are_seen_from_the_back_of_the_room(rendered):
    """Balls sized to the landscape (their diameter ≥ 8 % of its side) and facing the camera."""
    from gdviz.animation.runner import Runner

    result, _ = rendered("surface")
    scene = result["scene"]
    camera = scene.renderer.camera
    module = __import__(type(scene).__module__, fromlist=["SIZE"])
    balls = [m.dot for m in scene.get_mobject_family_members() if isinstance(m, Runner)]
    assert len(balls) == len(get_experiment(CATALOGUE["surface"].experiment).runs)
    for ball in balls:
        assert 2 * ball.radius >= 0.08 * module.SIZE
        assert ball in camera.fixed_orientation_mobjects


# --------------------------------------------------------------------------- the claims


def test_overshoot_says_what_the_runs_show(rendered):
    from gdviz.claims import verdict

    result, _ = rendered("overshoot")
    spoken = " ".join(text for _, _, text in _cues(result["captions"]))
    runs = get_experiment("learning-rates").run().by_run()
    for run, trajectory in runs:
        assert (
            f"{run.lr:g} {verdict(trajectory, 0.0).label.replace('too small', 'is too small')}"
            in spoken
        )
    assert "as fast as 0.1" in spoken
    assert "too large" not in spoken and "progress is slow" not in spoken


def test_decay_shows_the_divergence_and_the_rescue(rendered):
    result, _ = rendered("decay")
    spoken = " ".join(text for _, _, text in _cues(result["captions"]))
    runs = dict((r.lr, t) for r, t in get_experiment("linear-regression").run().by_run())
    assert f"diverges by epoch {runs[0.5].steps}" in spoken
    assert f"to {round(runs[0.1].losses.max())}" in spoken and "recovers" in spoken


def test_decay_marks_the_limit_and_zooms_once_the_swings_fit(rendered):
    from gdviz.animation.text import fixed
    from gdviz.claims import first_below, stability_limit

    result, recorder = rendered("decay")
    spoken = " ".join(text for _, _, text in _cues(result["captions"]))
    experiment = get_experiment("linear-regression")
    surface = experiment.surface
    runs = dict((r.lr, t) for r, t in experiment.run().by_run())
    limit = stability_limit(surface, experiment.starts[0])
    crossing = first_below(runs[0.1].lrs, limit)
    assert f"largest curvature of the loss: {fixed(limit, 4)}." in spoken
    assert f"falls below it at epoch {crossing};" in spoken
    assert int(np.argmax(runs[0.1].losses)) == crossing and "peaks and turns down" in spoken
    # the zoom comes at the first epoch from which the runs still going stay in the
    # landscape's window: there the decayed run is a new runner on a map of that window
    (w0, w1), (b0, b1) = surface.bounds
    settled = 0
    for t in (runs[0.01], runs[0.1]):
        p = t.points
        outside = np.flatnonzero(
            ~((p[:, 0] >= w0) & (p[:, 0] <= w1) & (p[:, 1] >= b0) & (p[:, 1] <= b1))
        )
        settled = max(settled, int(outside[-1]) + 1 if len(outside) else 0)
    assert f"By epoch {settled} the swings fit in this box;" in spoken
    decayed = {
        id(runner): runner
        for shot in recorder.snapshots
        for name, *_, runner in shot.runners
        if name == "0.1 decayed ×0.99"
    }
    assert len(decayed) == 2
    near = list(decayed.values())[-1]
    assert near.tail_from == settled
    corners = near.to_scene(np.array([[w0, b0], [w1, b1]]))
    assert np.ptp(corners[:, 0]) == pytest.approx(3.0)  # the zoomed map fills the panel
    # older swings are faded under a bright tail
    assert near.trail.get_stroke_opacity() < 0.5


def test_saddle_map_is_large_enough_to_read_from_the_back_of_a_hall(rendered):
    _, recorder = rendered("saddle")
    heights = {
        round(float(hi[1] - lo[1]), 3)
        for shot in recorder.snapshots
        for kind, lo, hi in shot.objects
        if kind == "ImageMobject"
    }
    assert heights and min(heights) >= 0.55 * FRAME_H, heights


def test_noise_says_where_the_seeds_hover(rendered):
    import dataclasses

    from gdviz.animation.text import fixed
    from gdviz.claims import lowest_loss, noise_floor, seed_spread

    result, _ = rendered("noise")
    spoken = " ".join(text for _, _, text in _cues(result["captions"]))
    experiment = get_experiment("minibatch-noise")
    runs = experiment.run()
    constant, decayed = runs.seed_runs(0, 0), runs.seed_runs(1, 0)
    fulls = dataclasses.replace(experiment, batch_size=None, seed=0).run().by_run()
    floor = noise_floor(constant, decayed, lowest_loss(experiment.surface))
    spread = seed_spread(constant, fulls[0][1])
    assert f"Full batch ends at L = {fixed(fulls[0][1].losses[-1], 3)}" in spoken
    assert f"L = {fixed(spread.low, 3)} to {fixed(spread.high, 3)}" in spoken
    assert f"{fixed(floor.floor, 3)}: the noise floor" in spoken
    assert f"The decaying rate {floor.label} the noise floor" in spoken
    assert f"ends at {fixed(floor.decayed_final, 4)}" in spoken
    assert "point 3 of seed 0" in spoken  # seed 0's first sample, as the contract draws it


def test_noise_redraws_only_the_descent_that_plays(rendered):
    """While the decaying rate plays, the finished full-batch and constant-rate runners are
    settled (static: Manim draws them once, not every frame), their whole paths still drawn."""
    _, recorder = rendered("noise")
    steps = len(expected_paths("noise")["decayed seed 0"]) - 1
    during = [
        shot
        for shot in recorder.snapshots
        if any(name == "decayed seed 0" and 0 < c < steps for name, c, *_ in shot.runners)
    ]
    assert during
    for shot in during:
        assert shot.moving <= {n for n, *_ in shot.runners if n.startswith("decayed")}
        assert shot.moving, "the decayed runners move"
        for name, _, _, data, runner in shot.runners:
            if name == "constant seed 0":  # the settled trail is the whole path again
                start = runner.to_scene(data[:1])[0]
                assert runner.trail.points[0] == pytest.approx(start, abs=1e-9)


def test_local_minima_readouts_follow_the_hikers(rendered):
    from gdviz.animation.text import fixed

    _, recorder = rendered("local-minima")
    for shot in recorder.snapshots:
        steps = {math.floor(r[1] + 1e-9) for r in shot.runners}
        shown = [t for t, *_ in shot.texts if t.startswith("step")]
        assert shown, shot.time
        for text in shown:
            assert int(text.split()[1]) in {min(s, 50) for s in steps}, (shot.time, text)
        for runner_name, clock, _, data, _ in shot.runners:
            x = fixed(data[min(math.floor(clock + 1e-9), len(data) - 1), 0], 3)
            assert any(t.startswith(f"x = {x:>6}") for t, *_ in shot.texts), (runner_name, x)


# ----------------------------------------------------------------- the lecturer's own


FORMULA_TOML = """
[experiment.my-bowl]
title = "Adam and momentum on my formula"
expr = "x**2 + 3*sin(y)"
starts = [[-2.0, 1.5]]
steps = 120
grad_tol = 1e-6

[[experiment.my-bowl.runs]]
optimizer = "adam"
lr = 0.1

[[experiment.my-bowl.runs]]
optimizer = "momentum"
lr = 0.02
"""


def test_a_toml_experiment_on_a_formula_renders_through_the_race(rendered, tmp_path):
    from gdviz.experiments import load_experiments
    from gdviz.scene_catalogue import scene_experiment

    path = tmp_path / "mine.toml"
    path.write_text(FORMULA_TOML)
    experiment = scene_experiment("race", config=path, experiment="my-bowl")
    assert experiment == load_experiments(path)["my-bowl"]
    result, recorder = rendered("race", experiment, key="race-my-bowl")
    names = {r[0] for shot in recorder.snapshots for r in shot.runners}
    assert names == {"Adam", "Momentum"}
    spoken = " ".join(text for _, _, text in _cues(result["captions"]))
    assert "finish" in spoken or "did not finish" in spoken
    texts = {t for shot in recorder.snapshots for t, *_ in shot.texts}
    assert any("no known minimum" in t for t in texts)
    assert 45 <= result["duration"] <= 120


def test_a_tuned_race_of_every_optimizer_fits_the_board(rendered):
    from gdviz.tuning import builtin_tuning

    tuning = builtin_tuning()
    experiment = tuning.experiment()
    result, recorder = rendered("race", experiment, key="race-tuned")
    assert_text_layout("race-tuned", recorder)
    names = {r[0] for shot in recorder.snapshots for r in shot.runners}
    assert names == {w.title for w in tuning.winners}
    spoken = " ".join(text for _, _, text in _cues(result["captions"]))
    assert len(tuning.winners) == 12 and "Twelve optimizers, one start" in spoken
    assert 45 <= result["duration"] <= 120
