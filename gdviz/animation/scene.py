"""The base scenes: theme, explicit options, titles, and the lesson's pace.

A scene is built with its options passed explicitly — ``Hiker(experiment=...)``; with none
(``manim -pql scenes/hiker.py Hiker``) it draws the built-in experiment its file declares.

Pace (the rules the tests check)
--------------------------------
* Text comes in *beats*: :meth:`GDScene.beat` shows one or two short lines in the caption
  strip at the bottom, records them as a caption cue, and holds them still for at least
  :data:`READ_SECONDS` before anything else may change.
* The first :data:`SLOW_STEPS` steps of a descent are played one at a time, each after its
  update equation with the numbers filled in (:meth:`GDScene.slow_steps`); then a badge says
  how much faster the rest plays (:meth:`GDScene.speed_up`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
from manim import (
    DOWN,
    UP,
    FadeIn,
    FadeOut,
    Mobject,
    Scene,
    ThreeDScene,
    VGroup,
)

from gdviz.animation.captions import Cue
from gdviz.animation.clock import Clock, play_clock
from gdviz.animation.colors import BG, FG, MUTED
from gdviz.animation.compat import use_pillow_canvas
from gdviz.animation.marks import badge
from gdviz.animation.text import formula, label

if TYPE_CHECKING:
    from gdviz.experiments import Experiment

__all__ = [
    "FRAME_HEIGHT",
    "FRAME_WIDTH",
    "READ_SECONDS",
    "SAFE",
    "SLOW_STEPS",
    "GDScene",
    "GDThreeDScene",
]

#: Every sentence stays still on screen this long before anything else changes.
READ_SECONDS = 2.5
#: Steps played one at a time, with their equation, at the start of a descent.
SLOW_STEPS = 3
#: The frame in scene units, and the title-safe margin (5 % of each side).
FRAME_WIDTH, FRAME_HEIGHT = 128 / 9, 8.0
SAFE = 0.05
#: The longest line :meth:`GDScene.beat` accepts (a beat, not a paragraph).
LINE_CHARS = 56
#: The centre of the caption strip, where beats appear (inside the bottom safe margin).
CAPTION_Y = -3.1


class _Lesson:
    """Theme, declaration, captions and pacing shared by the 2-D and the 3-D base scene."""

    #: The scene file's ``SCENE`` declaration (name, title, summary, draws, experiment...).
    declaration: ClassVar[dict[str, Any]] = {}
    experiment: Experiment
    cues: list[Cue]
    _beat: VGroup | None = None
    _beat_cue: Cue | None = None

    def _init_lesson(self, experiment: Experiment | None) -> None:
        from gdviz.experiments import get_experiment

        self.experiment = experiment or get_experiment(self.declaration["experiment"])
        self.cues = []

    def _setup_lesson(self) -> None:
        use_pillow_canvas()  # for renders by the `manim` command; render.py applied it already
        self.camera.background_color = BG  # type: ignore[attr-defined]

    # ---------------------------------------------------------------------------- text
    def fix_in_frame(self, mob: Mobject) -> Mobject:
        """Keep ``mob`` in screen coordinates (3-D scenes: fixed in frame; 2-D: as is)."""
        return mob

    def hold(self, seconds: float) -> None:
        """Keep the picture still for ``seconds``: the last frame is repeated (nothing moves,
        so no updater needs to run and the frames cost only their encoding)."""
        self.wait(seconds, frozen_frame=True)  # type: ignore[attr-defined]

    def now(self) -> float:
        """The scene time in seconds (the time of the next frame)."""
        return float(self.renderer.time)  # type: ignore[attr-defined]

    def title_block(self, title: str, subtitle: str = "") -> VGroup:
        """A bold title at the top edge (inside the safe margin) and an optional subtitle, in
        Typst math (write words in quotes: ``L(x) = x^2 quad "from" x_0 = 3``)."""
        head = label(title, 40, weight="BOLD")
        block = VGroup(head)
        if subtitle:
            block.add(formula(subtitle, 38, MUTED).next_to(head, DOWN, buff=0.14))
        return block.to_edge(UP, buff=SAFE * FRAME_HEIGHT + 0.05)

    def beat(self, *lines: str, hold: float = READ_SECONDS, size: float = 28) -> VGroup:
        """Say one beat: one or two short lines in the caption strip at the bottom.

        The previous beat fades out, the new one fades in, is recorded as a caption cue and
        stays still for ``hold`` seconds (at least :data:`READ_SECONDS`).
        """
        if not 1 <= len(lines) <= 2:
            raise ValueError(f"a beat has one or two lines, got {len(lines)}")
        for line in lines:
            if len(line) > LINE_CHARS:
                raise ValueError(f"a line of a beat has at most {LINE_CHARS} characters: {line!r}")
        block = VGroup(*(label(line, size, FG) for line in lines)).arrange(DOWN, buff=0.16)
        block.move_to(np.array([0.0, CAPTION_Y, 0.0]))
        self.fix_in_frame(block)
        self.clear_beat()
        self._beat_cue = Cue(self.now(), "\n".join(lines))
        self.cues.append(self._beat_cue)
        self._beat = block
        self.play(FadeIn(block), run_time=0.5)  # type: ignore[attr-defined]
        self.hold(max(hold, READ_SECONDS))
        return block

    def clear_beat(self) -> None:
        """Fade the current beat out (if any) and end its caption cue."""
        block = getattr(self, "_beat", None)
        if block is None:
            return
        if self._beat_cue is not None:
            self._beat_cue.end = self.now()
        self.play(FadeOut(block), run_time=0.4)  # type: ignore[attr-defined]
        self._beat = None

    # -------------------------------------------------------------------------- descent
    def slow_steps(
        self,
        clock: Clock,
        card: Callable[[int], Mobject],
        *,
        steps: int = SLOW_STEPS,
        step_seconds: float = 1.6,
        runners: Sequence[Any] = (),
    ) -> None:
        """Play the first ``steps`` steps one at a time, each after ``card(k)``: the update
        from step ``k`` to ``k + 1`` with its numbers, held for :data:`READ_SECONDS`."""
        shown: Mobject | None = None
        for k in range(steps):
            new = card(k)
            self.fix_in_frame(new)
            if shown is not None:
                self.play(FadeOut(shown), run_time=0.3)  # type: ignore[attr-defined]
                self._end_cue(shown)
            self.cues.append(Cue(self.now(), getattr(new, "caption", f"step {k + 1}")))
            new.cue = self.cues[-1]  # type: ignore[attr-defined]
            self.play(FadeIn(new), run_time=0.5)  # type: ignore[attr-defined]
            self._under_runners(new, runners)
            self.hold(READ_SECONDS + 0.5)
            play_clock(self, clock, k + 1, step_seconds, runners=runners)  # type: ignore[arg-type]
            self.hold(0.8)
            shown = new
        if shown is not None:
            self.play(FadeOut(shown), run_time=0.3)  # type: ignore[attr-defined]
            self._end_cue(shown)

    def _under_runners(self, mob: Mobject, runners: Sequence[Any]) -> None:
        """Restack ``mob`` just under the lowest of ``runners`` in the scene: Manim redraws
        every frame all that is stacked above a moving mobject, so a still card above the
        runners would be redrawn while they move; under them it is drawn once."""
        mobjects: list[Mobject] = self.mobjects  # type: ignore[attr-defined]
        placed = [mobjects.index(r) for r in runners if r in mobjects]
        if not placed or mob not in mobjects:
            return
        mobjects.remove(mob)
        mobjects.insert(min(placed), mob)

    def _end_cue(self, mob: Mobject) -> None:
        cue = getattr(mob, "cue", None)
        if cue is not None and cue.end is None:
            cue.end = self.now()

    def speed_up(self, text: str) -> VGroup:
        """Show the speed-up badge (e.g. ``"faster: 12 steps/s"``) in the caption strip (no
        beat is shown while a descent plays fast) and hold it for :data:`READ_SECONDS`."""
        self.clear_beat()
        tag = badge(f"▶▶ {text}").move_to(np.array([0.0, CAPTION_Y, 0.0]))
        self.fix_in_frame(tag)
        self.cues.append(Cue(self.now(), text))
        tag.cue = self.cues[-1]  # type: ignore[attr-defined]
        self.play(FadeIn(tag, scale=1.2), run_time=0.5)  # type: ignore[attr-defined]
        self.hold(READ_SECONDS)
        return tag

    def end_badge(self, tag: VGroup) -> None:
        """Fade the speed-up badge out and end its caption cue."""
        self._end_cue(tag)
        self.play(FadeOut(tag), run_time=0.4)  # type: ignore[attr-defined]


class GDScene(_Lesson, Scene):
    """Base of every 2-D gdviz scene: dark theme, explicit experiment, titles and pace."""

    def __init__(self, experiment: Experiment | None = None, **kwargs: Any) -> None:
        self._init_lesson(experiment)
        super().__init__(**kwargs)

    def setup(self) -> None:
        """Manim's set-up hook: the lesson's background, clock and captions."""
        self._setup_lesson()


class GDThreeDScene(_Lesson, ThreeDScene):
    """Base of the 3-D scenes: text is fixed in the frame, the camera moves the world."""

    def fix_in_frame(self, mob: Mobject) -> Mobject:
        """Register ``mob`` as fixed in the frame (it is drawn in screen coordinates)."""
        camera: Any = self.renderer.camera
        camera.add_fixed_in_frame_mobjects(mob)
        return mob

    def __init__(self, experiment: Experiment | None = None, **kwargs: Any) -> None:
        self._init_lesson(experiment)
        super().__init__(**kwargs)

    def setup(self) -> None:
        """Manim's set-up hook: the lesson's background, clock and captions."""
        self._setup_lesson()
