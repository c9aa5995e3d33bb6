"""Shared Manim building blocks for the lecture scenes.

Everything a scene draws that is not specific to one topic lives here: the theme colours as
``ManimColor``, a base scene, a step *clock*, runners that follow a
:class:`~gdviz.trajectory.Trajectory`, trails, a hiker drawn from primitives, landscape
backgrounds rendered once to an image, fast live text and Typst formulas.

Drawing only: every number comes from a trajectory or a landscape of the core. A runner shows
the trajectory's point :math:`\\theta_k` at clock value :math:`k` and, between two steps, the
straight segment :math:`\\theta_k + (c - k)(\\theta_{k+1} - \\theta_k)` (no optimizer is re-run).

Speed: Manim's Cairo renderer redraws, every frame, every mobject from the first *moving* one
(animated or with an updater) in the scene's list onwards, and draws the rest once per
``play``. So scenes add static things (backgrounds, axes, labels) first and moving things last,
and backgrounds are pre-rendered images rather than hundreds of vector contours.
"""

from __future__ import annotations

import math
import types
from collections.abc import Callable, Sequence
from typing import Any, ClassVar

import numpy as np
from manim import (
    DOWN,
    LEFT,
    ORIGIN,
    RIGHT,
    UP,
    Axes,
    Circle,
    Dot,
    ImageMobject,
    Line,
    ManimColor,
    MathTypst,
    Mobject,
    Polygon,
    RoundedRectangle,
    Scene,
    Text,
    ThreeDScene,
    ValueTracker,
    VGroup,
    VMobject,
    config,
)
from PIL import Image as _PILImage

from gdviz.numbers import format_fixed
from gdviz.style import OKABE_ITO, THEMES, optimizer_color, series_color

__all__ = [
    "FONT",
    "MONO",
    "OPTIONS",
    "Clock",
    "FlatText",
    "GDScene",
    "GDThreeDScene",
    "Hiker",
    "LiveText",
    "Runner",
    "color",
    "formula",
    "label",
    "landscape_image",
    "option",
    "plain_axes",
]

# ----------------------------------------------------------------------------- compatibility


def _patch_pillow_fromarray() -> None:
    """Let Manim's Cairo camera draw ``ImageMobject`` with Pillow ≥ 13.

    Manim 0.22 pastes images onto ``Image.fromarray(np.zeros((h, w)), mode="RGBA")``, which
    Pillow 13 rejects (a 2-D float array cannot be RGBA). The camera module gets a view of
    ``PIL.Image`` whose ``fromarray`` builds that blank canvas with ``Image.new`` instead; every
    other call is passed through unchanged.
    """
    import manim.camera.camera as camera_module

    if getattr(camera_module.Image, "_gdviz_shim", False):
        return

    class _PillowView(types.ModuleType):
        _gdviz_shim = True

        def __getattr__(self, name: str) -> Any:
            return getattr(_PILImage, name)

        @staticmethod
        def fromarray(obj: Any, mode: str | None = None) -> _PILImage.Image:
            array = np.asarray(obj)
            if mode == "RGBA" and array.ndim == 2:
                return _PILImage.new("RGBA", (array.shape[1], array.shape[0]))
            if mode is None:
                return _PILImage.fromarray(array)
            return _PILImage.fromarray(array, mode=mode)

    camera_module.Image = _PillowView("PIL.Image")


_patch_pillow_fromarray()

# ------------------------------------------------------------------------------- options

#: Options a render passes to its scene (``landscape`` for the race); see :func:`option`.
OPTIONS: dict[str, Any] = {}


def option(name: str, default: Any) -> Any:
    """A render option set by :mod:`gdviz.animation.render` (or a test), else ``default``."""
    return OPTIONS.get(name, default)


# ------------------------------------------------------------------------------------ style

THEME = THEMES["dark"]
FONT = "DejaVu Sans"
MONO = "DejaVu Sans Mono"


def color(value: str) -> ManimColor:
    """A hex colour of :mod:`gdviz.style` (or a theme field name) as a ``ManimColor``."""
    return ManimColor(getattr(THEME, value, value))


FG = color("foreground")
MUTED = color("muted")
GRID = color("grid")
PANEL = color("panel")
BG = color("background")
ACCENT = ManimColor(OKABE_ITO["orange"])
HIGHLIGHT = ManimColor(OKABE_ITO["sky"])
WARNING = ManimColor(OKABE_ITO["vermillion"])


def run_color(optimizer: str) -> ManimColor:
    """The shared colour of an optimizer (Okabe–Ito)."""
    return ManimColor(optimizer_color(optimizer))


def series(index: int) -> ManimColor:
    """The shared colour of the ``index``-th non-optimizer series."""
    return ManimColor(series_color(index))


class FlatText(VMobject):
    """Text laid out by Pango, kept as ONE path (all glyph outlines in one point array).

    Manim's ``Text`` is one mobject per glyph; when text moves or sits among moving mobjects,
    the renderer pays per mobject, so labels are flattened. ``text`` keeps the string.
    """

    def __init__(self, text: str, size: float, col: ManimColor | str, **kwargs: Any) -> None:
        super().__init__(fill_color=col, fill_opacity=1, stroke_width=0)
        self.text = text
        laid = Text(text, font=FONT, font_size=size, color=col, **kwargs)
        parts = [glyph.points for glyph in laid.family_members_with_points()]
        if parts:
            self.points = np.concatenate(parts)


def label(
    text: str, size: float = 28, col: ManimColor | str | None = None, **kwargs: Any
) -> FlatText:
    """Text in the scene font (Pango, no TeX), as one path."""
    return FlatText(text, size, col or FG, **kwargs)


def formula(source: str, size: float = 36, col: ManimColor | str | None = None) -> MathTypst:
    """A formula in Typst math syntax (no TeX installation needed)."""
    return MathTypst(source, font_size=size, color=col or FG)


# ------------------------------------------------------------------------------- live text


class LiveText(VMobject):
    """Monospaced text that can change every frame at almost no cost.

    The glyphs of ``CHARSET`` are laid out once by Pango; :meth:`set_text` then only copies
    glyph outlines, shifted to their cells, into this one mobject's points (no text layout, no
    new mobjects, one path for the renderer to draw). At most ``width`` characters are shown,
    left-aligned at ``anchor``.
    """

    CHARSET = (
        "0123456789.,-+−×=:/()%<>[]|·"
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
        "ηθ∇‖′√²³⁰¹⁴⁵⁶⁷⁸⁹₀₁₂₃₄₅₆₇₈₉ᵏ₊→←↑↓✓✗…"
    )
    _cache: ClassVar[dict[tuple[float, str], tuple[dict[str, np.ndarray], float, float]]] = {}

    def __init__(
        self,
        width: int,
        size: float = 28,
        col: ManimColor | None = None,
        text: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(fill_color=col or FG, fill_opacity=1, stroke_width=0, **kwargs)
        self.size = size
        self.width_chars = width
        self.glyphs, self.advance, self.cell_height = self._glyphs(size)
        self.anchor = np.array(ORIGIN, dtype=float)
        self.text: str | None = None
        self.set_text(text)

    @classmethod
    def _glyphs(cls, size: float) -> tuple[dict[str, np.ndarray], float, float]:
        """Glyph outlines relative to their cell, the advance width and the cell height.

        The charset is laid out in short chunks, each after a reference ``0`` (Pango drops
        glyphs beyond the frame, so one long line would lose its tail at small sizes); a glyph's
        outline is stored relative to where the ``0`` of its own cell would be centred.
        """
        key = (size, MONO)
        if key not in cls._cache:
            one, ten = (
                Text("0", font=MONO, font_size=size),
                Text("0" * 10, font=MONO, font_size=size),
            )
            advance = (ten.width - one.width) / 9
            glyphs: dict[str, np.ndarray] = {}
            chars = cls.CHARSET
            for start in range(0, len(chars), 16):
                chunk = chars[start : start + 16]
                laid = Text("0" + chunk, font=MONO, font_size=size)
                if len(laid.submobjects) != len(chunk) + 1:
                    raise RuntimeError(f"the font {MONO} cannot lay out {chunk!r}")
                zero = laid.submobjects[0].get_center()
                for k, (char, glyph) in enumerate(zip(chunk, laid.submobjects[1:], strict=True)):
                    glyphs[char] = glyph.points - zero - (k + 1) * advance * RIGHT
            cls._cache[key] = (glyphs, advance, one.height)
        return cls._cache[key]

    def place(self, point: np.ndarray | Sequence[float]) -> LiveText:
        """Move the text so that its first cell starts at ``point``."""
        self.anchor = np.array(point, dtype=float)
        text, self.text = self.text, None
        return self.set_text(text or "")

    def set_text(self, text: str) -> LiveText:
        """Show ``text`` (cut to ``width`` characters; unknown characters show as spaces)."""
        if text == self.text:
            return self
        self.text = text
        parts = [
            self.glyphs[char] + self.anchor + (i + 0.5) * self.advance * RIGHT
            for i, char in enumerate(text[: self.width_chars])
            if char in self.glyphs
        ]
        if parts:
            self.points = np.concatenate(parts)
        else:
            self.clear_points()
        return self

    @property
    def cell_width(self) -> float:
        return self.advance


# ----------------------------------------------------------------------------- base scenes


class _Probe:
    """Records where runners are drawn, frame by frame, for the tests.

    Each record is ``(name, clock, data point read back from the drawn position, scene point)``.
    """

    def __init__(self) -> None:
        self.records: list[tuple[str, float, np.ndarray, np.ndarray]] = []
        #: per runner, the last step drawn (earlier than the run's end if it leaves the plot)
        self.last_drawn: dict[str, int] = {}

    def log(
        self, name: str, clock: float, data_point: np.ndarray, scene_point: np.ndarray | None = None
    ) -> None:
        scene = np.zeros(3) if scene_point is None else np.array(scene_point, dtype=float)
        self.records.append((name, clock, np.array(data_point, dtype=float), scene))


class _SceneMixin:
    """Theme, probe and a few layout helpers shared by 2-D and 3-D scenes."""

    probe: _Probe

    def setup_theme(self) -> None:
        self.camera.background_color = BG  # type: ignore[attr-defined]
        self.probe = _Probe()

    def title_block(self, title: str, subtitle: str = "") -> VGroup:
        """A title at the top edge with an optional muted subtitle under it."""
        head = label(title, 40, weight="BOLD")
        block = VGroup(head)
        if subtitle:
            block.add(label(subtitle, 24, MUTED).next_to(head, DOWN, buff=0.12))
        return block.to_edge(UP, buff=0.3)


class GDScene(_SceneMixin, Scene):
    """Base of every 2-D gdviz scene: dark theme, a runner probe, title helper."""

    def setup(self) -> None:
        self.setup_theme()


class GDThreeDScene(_SceneMixin, ThreeDScene):
    """Base of the 3-D scene."""

    def setup(self) -> None:
        self.setup_theme()


# --------------------------------------------------------------------------------- clock


class Clock(ValueTracker):
    """The scene's step counter: a continuous value ``c``; ``floor(c)`` is the current step.

    Animate it with ``clock.animate.set_value(k)`` (``rate_func=linear`` to move at constant
    steps per second). Never add it to the scene before static mobjects.
    """

    @property
    def step(self) -> int:
        return math.floor(self.get_value() + 1e-9)


def path_at(points: np.ndarray, c: float) -> np.ndarray:
    """The displayed point of a path at clock ``c``: step points joined by straight segments.

    ``points`` has shape ``(n + 1, d)``; beyond the end the last point is held.
    """
    n = len(points) - 1
    if c <= 0 or n == 0:
        return points[0]
    if c >= n:
        return points[n]
    k = math.floor(c)
    return points[k] + (c - k) * (points[k + 1] - points[k])


def path_until(points: np.ndarray, c: float) -> np.ndarray:
    """The path drawn up to clock ``c``: the first ``floor(c) + 1`` points and the current one."""
    n = len(points) - 1
    k = min(math.floor(max(c, 0.0)), n)
    head = points[: k + 1]
    if k < n and c > k:
        head = np.vstack([head, path_at(points, c)])
    return head


class Runner(VGroup):
    """A dot following a trajectory on given axes, with an optional trail behind it.

    Parameters
    ----------
    name : str
        Identifies the runner in the probe log (tests compare it to the trajectory).
    points : ndarray, shape (n + 1, d)
        The data points (``Trajectory.points``; for a 1-D curve pass ``(x, L(x))`` pairs).
    to_scene : callable
        Maps an ``(m, d)`` array of data points to ``(m, 3)`` scene points (``axes.c2p``).
    clock : Clock
    clip : callable, optional
        ``clip(data_points) -> bool mask`` of points that may be drawn (inside the plot); the
        trail and the dot stop at the last point before the first one outside.
    from_scene : callable, optional
        The inverse of ``to_scene`` (``axes.p2c``): the probe reads each drawn position back
        as data, so tests compare what is on screen with the trajectory.
    """

    def __init__(
        self,
        name: str,
        points: np.ndarray,
        to_scene: Callable[[np.ndarray], np.ndarray],
        clock: Clock,
        col: ManimColor,
        *,
        radius: float = 0.09,
        trail: bool = True,
        trail_width: float = 3.5,
        probe: _Probe | None = None,
        clip: Callable[[np.ndarray], np.ndarray] | None = None,
        marker: VMobject | None = None,
        from_scene: Callable[[np.ndarray], np.ndarray] | None = None,
    ) -> None:
        super().__init__()
        self.name = name
        self.from_scene = from_scene
        self.data = np.asarray(points, dtype=float)
        self.scene_points = np.asarray(to_scene(self.data), dtype=float)
        self.clock = clock
        self.to_scene = to_scene
        self.probe = probe
        inside = np.ones(len(self.data), bool) if clip is None else np.asarray(clip(self.data))
        outside = np.flatnonzero(~inside)
        #: the last index that may be drawn (a run leaving the plot stops being drawn there)
        self.last_visible = int(outside[0]) - 1 if len(outside) else len(self.data) - 1
        if probe is not None:
            probe.last_drawn[name] = self.last_visible
        self.trail = VMobject(stroke_color=col, stroke_width=trail_width, stroke_opacity=0.9)
        self.dot = (
            marker if marker is not None else Dot(radius=radius, color=col).set_stroke(BG, 1.5)
        )
        if trail:
            self.add(self.trail)
        self.add(self.dot)
        self.add_updater(lambda m: m.refresh())
        self.refresh()

    def current(self) -> np.ndarray:
        """The data point shown now (between steps: on the segment)."""
        return path_at(self.data, self.clock.get_value())

    #: the live trail starts at this step; the part before it was frozen (see play_clock)
    tail_from = 0

    def freeze_trail(self) -> VMobject | None:
        """A static copy of the trail drawn so far; the live trail then starts where it ends."""
        k = min(math.floor(self.clock.get_value() + 1e-9), self.last_visible)
        if k - self.tail_from < 2 or self.trail not in self.submobjects:
            return None
        frozen = VMobject(
            stroke_color=self.trail.get_stroke_color(),
            stroke_width=self.trail.get_stroke_width(),
            stroke_opacity=self.trail.get_stroke_opacity(),
        )
        frozen.set_points_as_corners(self.scene_points[self.tail_from : k + 1])
        self.tail_from = k
        return frozen

    def refresh(self) -> None:
        c = min(self.clock.get_value(), self.last_visible)
        start = self.tail_from
        pts = path_until(self.scene_points[start : self.last_visible + 1], c - start)
        if len(pts) >= 2:
            self.trail.set_points_as_corners(pts)
        else:
            self.trail.set_points_as_corners([pts[0], pts[0] + 1e-4 * RIGHT])
        self.dot.move_to(pts[-1])
        clipped = self.last_visible < len(self.data) - 1
        visible = not clipped or self.clock.get_value() <= self.last_visible + 1e-9
        if self.probe is not None and visible:
            self.probe.log(
                self.name,
                self.clock.get_value(),
                self.data_point_of(self.dot),
                self.dot.get_center(),
            )

    def data_point_of(self, mob: Mobject) -> np.ndarray:
        return self.data_point_from_scene(mob.get_center())

    def data_point_from_scene(self, point: np.ndarray) -> np.ndarray:
        """Read a drawn position back as data (``from_scene``, e.g. ``axes.p2c``)."""
        if self.from_scene is None:
            return np.full(self.data.shape[1], np.nan)
        return np.asarray(self.from_scene(point), dtype=float)


# --------------------------------------------------------------------------------- axes


def plain_axes(
    x_range: Sequence[float],
    y_range: Sequence[float],
    width: float,
    height: float,
    *,
    tips: bool = False,
    stroke: float = 2.0,
) -> Axes:
    """Axes without Manim's TeX number labels (we add our own with :func:`tick_labels`)."""
    return Axes(
        x_range=list(x_range),
        y_range=list(y_range),
        x_length=width,
        y_length=height,
        tips=tips,
        axis_config={"include_ticks": False, "stroke_color": MUTED, "stroke_width": stroke},
    )


def tick_labels(
    axes: Axes,
    xs: Sequence[float] | np.ndarray = (),
    ys: Sequence[float] | np.ndarray = (),
    size: float = 20,
    digits: int = 0,
) -> VGroup:
    """Small tick marks with plain-text numbers along both axes."""
    group = VGroup()
    x0, y0 = axes.x_range[0], axes.y_range[0]
    for x in xs:
        p = axes.c2p(x, y0)
        group.add(Line(p + 0.06 * DOWN, p + 0.06 * UP, stroke_width=2, color=MUTED))
        group.add(label(format_fixed(x, digits), size, MUTED).next_to(p, DOWN, buff=0.12))
    for y in ys:
        p = axes.c2p(x0, y)
        group.add(Line(p + 0.06 * LEFT, p + 0.06 * RIGHT, stroke_width=2, color=MUTED))
        group.add(label(format_fixed(y, digits), size, MUTED).next_to(p, LEFT, buff=0.12))
    return group


def axis_names(axes: Axes, x: str, y: str, size: float = 30) -> VGroup:
    """Axis names in Typst math at the ends of the axes."""
    xl = formula(x, size, MUTED).next_to(axes.x_axis.get_right(), DOWN, buff=0.15)
    yl = formula(y, size, MUTED).next_to(axes.y_axis.get_top(), LEFT, buff=0.15)
    return VGroup(xl, yl)


def to_scene_fn(axes: Axes) -> Callable[[np.ndarray], np.ndarray]:
    """``(m, d) -> (m, 3)`` through ``axes.c2p`` (vectorised)."""

    def mapping(points: np.ndarray) -> np.ndarray:
        points = np.atleast_2d(points)
        return np.asarray(axes.c2p(*points.T), dtype=float).reshape(3, -1).T.copy()

    return mapping


def from_scene_fn(axes: Axes) -> Callable[[np.ndarray], np.ndarray]:
    return lambda point: np.asarray(axes.p2c(point), dtype=float)


def inside_fn(bounds: Sequence[Sequence[float]]) -> Callable[[np.ndarray], np.ndarray]:
    """Mask of data points inside ``bounds`` (one (lo, hi) pair per coordinate)."""
    lo = np.array([b[0] for b in bounds])
    hi = np.array([b[1] for b in bounds])

    def mask(points: np.ndarray) -> np.ndarray:
        p = np.asarray(points)[:, : len(lo)]
        return np.all((p >= lo) & (p <= hi), axis=1)

    return mask


def curve(
    axes: Axes, xs: np.ndarray, ys: np.ndarray, col: ManimColor, width: float = 4
) -> VMobject:
    """A smooth curve through the data points ``(xs, ys)`` on ``axes`` (sample densely)."""
    line = VMobject(stroke_color=col, stroke_width=width)
    line.set_points_smoothly(to_scene_fn(axes)(np.column_stack([xs, ys])))
    return line


# --------------------------------------------------------------------------- backgrounds


def landscape_image(
    surface: Any,
    axes: Axes,
    *,
    levels: int = 18,
    log: bool | None = None,
    dim: float = 1.0,
    resolution: int = 300,
) -> ImageMobject:
    """A contour map of a 2-D landscape rendered once (matplotlib, Agg) and laid on ``axes``.

    The image has the pixel size the axes occupy in the current render, so it is drawn
    one-to-one; log-spaced levels when the landscape asks for them (``surface.log_levels``).
    Colours are the figures' quiet landscape ramp of the theme (shared with the blog figures),
    so the optimizer colours are the only saturated ones; ``dim < 1`` fades it further.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from gdviz.figures._base import landscape_cmap

    (x0, x1), (y0, y1) = axes.x_range[:2], axes.y_range[:2]
    lower, upper = axes.c2p(x0, y0), axes.c2p(x1, y1)
    width, height = upper[0] - lower[0], upper[1] - lower[1]
    px_per_unit = config.pixel_width / config.frame_width
    w_px, h_px = max(round(width * px_per_unit), 8), max(round(height * px_per_unit), 8)

    xs, ys = np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution)
    X, Y = np.meshgrid(xs, ys)
    Z = surface.loss(np.stack([X, Y], axis=-1))
    use_log = surface.log_levels if log is None else log
    if use_log:
        zmin = float(np.min(Z))
        Z = np.log10(Z - zmin + 1e-3)
    fig = Figure(figsize=(w_px / 100, h_px / 100), dpi=100)
    canvas = FigureCanvasAgg(fig)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_axis_off()
    ax.contourf(X, Y, Z, levels=levels, cmap=landscape_cmap(THEME.name), antialiased=True)
    ax.contour(
        X,
        Y,
        Z,
        levels=levels,
        colors=THEME.foreground,
        linewidths=0.8 * max(w_px / 900, 0.3),
        alpha=0.22,
    )
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    canvas.draw()
    rgba = np.asarray(canvas.buffer_rgba()).copy()
    if dim < 1:
        background = np.array(BG.to_rgb()) * 255
        rgba[..., :3] = (rgba[..., :3] * dim + background * (1 - dim)).astype(np.uint8)
    image = ImageMobject(rgba)
    image.stretch_to_fit_width(width)
    image.stretch_to_fit_height(height)
    image.move_to((lower + upper) / 2)
    return image


# --------------------------------------------------------------------------------- hiker


def _xy(x: float, y: float) -> np.ndarray:
    return np.array([x, y, 0.0])


class Hiker(VGroup):
    """A hiker drawn from primitives: head with a hat, body, backpack, legs and a walking stick.

    The origin of the figure is between the feet: :meth:`stand_at` puts the feet on a point.
    ``facing`` is +1 (walking right) or -1. :meth:`stride` swings legs and stick with a phase.
    """

    def __init__(
        self,
        height: float = 1.0,
        col: ManimColor | None = None,
        pack: ManimColor | None = None,
        facing: int = 1,
    ) -> None:
        super().__init__()
        self.h = height
        self.facing = 1
        self.col = col or FG
        s = height
        body_col = self.col
        self.pack = RoundedRectangle(
            width=0.2 * s,
            height=0.3 * s,
            corner_radius=0.05 * s,
            fill_color=pack or ACCENT,
            fill_opacity=1,
            stroke_width=0,
        ).move_to(_xy(-0.12 * s, 0.6 * s))
        self.torso = Line(
            _xy(0, 0.45 * s), _xy(0.02 * s, 0.78 * s), stroke_width=9 * s, color=body_col
        )
        self.head = Circle(
            radius=0.085 * s, fill_color=body_col, fill_opacity=1, stroke_width=0
        ).move_to(_xy(0.04 * s, 0.9 * s))
        self.hat = Polygon(
            _xy(-0.06 * s, 0.96 * s),
            _xy(0.16 * s, 0.96 * s),
            _xy(0.05 * s, 1.04 * s),
            fill_color=pack or ACCENT,
            fill_opacity=1,
            stroke_width=0,
        )
        self.legs = VGroup(
            *(Line(ORIGIN, ORIGIN + UP, stroke_width=7 * s, color=body_col) for _ in range(2))
        )
        self.arm = Line(ORIGIN, RIGHT, stroke_width=6 * s, color=body_col)
        self.stick = Line(ORIGIN, RIGHT, stroke_width=4 * s, color=ManimColor("#B08D57"))
        self.add(self.pack, self.legs, self.torso, self.stick, self.arm, self.head, self.hat)
        self._feet = np.array(ORIGIN, dtype=float)
        self.stride(0.0)
        if facing < 0:
            self.face(-1)

    def stride(self, phase: float) -> Hiker:
        """Pose for a walking phase (radians): legs swing opposite, the stick follows."""
        s, f = self.h, self.facing
        hip = self._feet + np.array([0.0, 0.45 * s, 0])
        swing = 0.32 * math.sin(phase)
        for leg, sign in zip(self.legs, (1, -1), strict=True):
            angle = sign * swing
            foot = hip + 0.45 * s * np.array([f * math.sin(angle), -math.cos(angle), 0])
            leg.put_start_and_end_on(hip, foot)
        shoulder = self._feet + np.array([f * 0.03 * s, 0.74 * s, 0])
        hand = shoulder + s * np.array([f * 0.2, -0.2 + 0.03 * math.sin(phase), 0])
        self.arm.put_start_and_end_on(shoulder, hand)
        tip = self._feet + np.array([f * (0.34 + 0.08 * math.sin(phase)) * s, 0.0, 0])
        top = hand + (hand - tip) * 0.25
        self.stick.put_start_and_end_on(top, tip)
        return self

    def face(self, direction: int) -> Hiker:
        """Turn to walk right (+1) or left (-1)."""
        direction = 1 if direction >= 0 else -1
        if direction != self.facing:
            for part in (self.pack, self.torso, self.head, self.hat):
                part.flip(UP, about_point=self._feet)
            self.facing = direction
            self.stride(0.0)
        return self

    def stand_at(self, point: np.ndarray, phase: float = 0.0) -> Hiker:
        """Put the feet on ``point`` (scene coordinates) and pose for ``phase``."""
        point = np.asarray(point, dtype=float)
        shift = point - self._feet
        for part in (self.pack, self.torso, self.head, self.hat):
            part.shift(shift)
        self._feet = point
        return self.stride(phase)

    @property
    def feet(self) -> np.ndarray:
        return self._feet.copy()


# ------------------------------------------------------------------------------- panels


def key_row(col: ManimColor, text: str, size: float = 24) -> VGroup:
    """A coloured swatch followed by a label (legend entry; text stays in the foreground)."""
    swatch = Dot(radius=0.09, color=col)
    words = label(text, size).next_to(swatch, RIGHT, buff=0.15)
    return VGroup(swatch, words)


def panel(width: float, height: float) -> RoundedRectangle:
    """A dim rounded box behind a group of text."""
    return RoundedRectangle(
        width=width,
        height=height,
        corner_radius=0.12,
        fill_color=PANEL,
        fill_opacity=0.92,
        stroke_color=GRID,
        stroke_width=1.5,
    )


__all__ += [
    "ACCENT",
    "BG",
    "FG",
    "GRID",
    "HIGHLIGHT",
    "MUTED",
    "PANEL",
    "WARNING",
    "axis_names",
    "curve",
    "from_scene_fn",
    "inside_fn",
    "key_row",
    "panel",
    "path_at",
    "path_until",
    "run_color",
    "series",
    "tick_labels",
    "to_scene_fn",
]


# ------------------------------------------------------------------------- contour panel


def contour_panel(
    surface: Any,
    size: float,
    *,
    bounds: Sequence[Sequence[float]] | None = None,
    ticks: int = 5,
    names: tuple[str, str] | None = None,
    levels: int = 18,
    log: bool | None = None,
    height: float | None = None,
) -> tuple[Axes, Mobject, VGroup]:
    """Square axes over a 2-D landscape with its contour image, ticks and axis names.

    Returns ``(axes, image, decorations)``; add the image first (it is static), then the rest.
    """
    (x0, x1), (y0, y1) = bounds or surface.bounds
    axes = plain_axes(
        (x0, x1, (x1 - x0) / 4),
        (y0, y1, (y1 - y0) / 4),
        size,
        height or size * (y1 - y0) / (x1 - x0),
    )
    image = landscape_image(surface, axes, levels=levels, log=log)
    frame = VMobject(stroke_color=GRID, stroke_width=1.5).set_points_as_corners(
        [axes.c2p(x0, y0), axes.c2p(x1, y0), axes.c2p(x1, y1), axes.c2p(x0, y1), axes.c2p(x0, y0)]
    )
    xs = np.linspace(x0, x1, ticks)
    ys = np.linspace(y0, y1, ticks)
    digits = 0 if all(float(v).is_integer() for v in (*xs, *ys)) else 1
    deco = VGroup(frame, tick_labels(axes, xs, ys, size=18, digits=digits))
    x_name, y_name = names or tuple(surface.variables[:2])
    deco.add(formula(x_name, 28, MUTED).move_to(axes.c2p(x1, y0) + 0.45 * RIGHT + 0.3 * DOWN))
    deco.add(formula(y_name, 28, MUTED).move_to(axes.c2p(x0, y1) + 0.8 * LEFT))
    return axes, image, deco


def star(point: np.ndarray, radius: float = 0.16, col: ManimColor | None = None) -> Mobject:
    """A five-pointed star marking a minimum."""
    from manim import Star

    return Star(
        5,
        outer_radius=radius,
        inner_radius=radius * 0.45,
        fill_color=col or FG,
        fill_opacity=1,
        stroke_color=BG,
        stroke_width=1.5,
    ).move_to(point)


def ring(point: np.ndarray, radius: float = 0.13, col: ManimColor | None = None) -> Mobject:
    """An open circle marking a start."""
    return Circle(radius=radius, stroke_color=col or FG, stroke_width=3).move_to(point)


__all__ += ["contour_panel", "ring", "star"]


def set_arrow(
    arrow: Mobject,
    start: np.ndarray,
    end: np.ndarray,
    col: ManimColor,
    width: float = 6,
    tip: float = 0.22,
) -> Mobject:
    """Redraw ``arrow`` from ``start`` to ``end`` keeping a constant tip size (for updaters)."""
    from manim import Arrow

    length = float(np.linalg.norm(np.asarray(end) - np.asarray(start)))
    if length < 1e-6:
        end = np.asarray(start) + 1e-3 * RIGHT
        length = 1e-3
    new = Arrow(
        start,
        end,
        buff=0,
        color=col,
        stroke_width=width,
        tip_length=min(tip, 0.6 * length),
        max_tip_length_to_length_ratio=1,
        max_stroke_width_to_length_ratio=100,
    )
    arrow.become(new)
    return arrow


__all__ += ["set_arrow"]


def play_clock(
    scene: Scene,
    clock: Clock,
    target: float,
    run_time: float,
    rate: Callable[[float], float] = lambda u: u,
    *,
    runners: Sequence[Runner] = (),
    under: Mobject | None = None,
    segments: int = 1,
) -> None:
    """Advance ``clock`` to ``target`` in ``run_time`` seconds along ``rate`` (0→0, 1→1).

    With ``segments > 1`` the move is played in that many pieces (the same motion: each piece
    follows ``rate`` on its share of time); between pieces the runners' trails drawn so far are
    frozen into static paths placed just above ``under`` (e.g. the background image), so Manim
    draws them once per piece instead of once per frame. Long trails then cost little.
    """
    from manim import linear

    start = clock.get_value()
    span = target - start
    # one static group per runner, in runner order (the same stacking as the live trails)
    keep = [VGroup() for _ in runners]
    if under is not None and segments > 1:
        position = scene.mobjects.index(under) + 1
        scene.mobjects[position:position] = keep
    for j in range(segments):
        u0, u1 = j / segments, (j + 1) / segments
        f0, f1 = rate(u0), rate(u1)
        if under is not None and j > 0:
            for group, runner in zip(keep, runners, strict=True):
                piece = runner.freeze_trail()
                if piece is not None:
                    group.add(piece)
        if f1 - f0 <= 1e-12:
            scene.wait(run_time / segments, frozen_frame=False)
            continue

        def segment_rate(t: float, u0: float = u0, f0: float = f0, f1: float = f1) -> float:
            return (rate(u0 + t / segments) - f0) / (f1 - f0)

        scene.play(
            clock.animate.set_value(start + span * f1),
            rate_func=linear if rate is linear else segment_rate,
            run_time=run_time / segments,
        )


__all__ += ["play_clock"]
