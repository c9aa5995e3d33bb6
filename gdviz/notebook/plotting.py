"""Draw gdviz runs with matplotlib: :func:`plot` (artists) and :func:`animate` (an animation).

Both reuse the gallery's ``plot_*`` functions (:mod:`gdviz.figures`), so a notebook plot looks
like the blog figures and carries the same numbers: a path line's data *are* the trajectory's
points. :func:`animate` draws the figure once and only shortens its lines frame by frame.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from matplotlib.animation import AbstractMovieWriter, FuncAnimation
from matplotlib.figure import Figure

from gdviz.numbers import format_number
from gdviz.style import optimizer_color, optimizer_label

if TYPE_CHECKING:
    from matplotlib.artist import Artist
    from matplotlib.axes import Axes

    from gdviz.experiments import Experiment, ExperimentResult
    from gdviz.trajectory import RunSpec, Trajectory

__all__ = ["KINDS", "AVWriter", "Animation", "animate", "plot"]

#: What :func:`plot` and :func:`animate` can draw: the path through the landscape, the loss, or
#: the paths on a 2-D slice of a landscape of any dimension (:func:`gdviz.figures.data.slice_view`).
KINDS = ("path", "loss", "slice")


@dataclass(frozen=True)
class _Drawing:
    """What :func:`plot` drew: one data line per trajectory, the marks that belong to each
    line's end (revealed by :func:`animate` when the run ends), and everything else."""

    lines: list[Any]
    ends: list[Any]
    others: list[Any]

    @property
    def artists(self) -> list[Artist]:
        return [*self.lines, *self.ends, *self.others]


def _check_kind(kind: str | None) -> None:
    if kind is not None and kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r} (use 'path', 'loss' or 'slice')")


def _landscape_of(spec: RunSpec | None) -> Any:
    """The landscape a run was made on, when gdviz can rebuild it from the spec."""
    if spec is None:
        return None
    from gdviz.landscapes import from_expression, get_landscape

    try:
        return from_expression(spec.landscape) if spec.expression else get_landscape(spec.landscape)
    except ValueError:  # a Landscape built in code: not in the catalogue
        return None


def _resolve(obj: Any) -> tuple[str, Any]:
    """``("trajectory", t)`` or ``("result", ExperimentResult)``; a clear error otherwise."""
    from gdviz.descent import TrajectoryBatch
    from gdviz.experiments import Experiment, ExperimentResult
    from gdviz.trajectory import Trajectory

    if isinstance(obj, Trajectory):
        return "trajectory", obj
    if isinstance(obj, ExperimentResult):
        return "result", obj
    if isinstance(obj, Experiment):
        from gdviz.figures.data import experiment_result

        return "result", experiment_result(obj)
    if isinstance(obj, str):
        from gdviz.experiments import get_experiment
        from gdviz.figures.data import experiment_result

        return "result", experiment_result(get_experiment(obj))
    if isinstance(obj, TrajectoryBatch):
        raise TypeError("a TrajectoryBatch holds many runs: plot one element, e.g. batch[0]")
    raise TypeError(
        f"cannot draw a {type(obj).__name__}: pass a Trajectory, an Experiment (or its name) "
        "or an ExperimentResult"
    )


def _default_kind(dim: int, kind: str | None) -> str:
    if kind is None:
        return "path" if dim <= 2 else "loss"
    if kind == "path" and dim > 2:
        raise ValueError(
            f"a path in {dim} dimensions cannot be drawn; use kind='loss', or kind='slice' "
            "for the path on a 2-D slice of the landscape"
        )
    if kind == "slice" and dim < 2:
        raise ValueError("a slice needs at least two coordinates; use kind='path'")
    return kind


def _log_if_wide(ax: Axes, positive: bool) -> None:
    from gdviz.figures.contours import _spans_decades

    if positive and _spans_decades(ax):
        ax.set_yscale("log")


def _draw_slice(
    ax: Axes,
    landscape: Any,
    trajectories: list[Trajectory],
    colors: list[str],
    labels: list[str],
    theme: Any,
) -> _Drawing:
    """The paths on the PCA slice of ``landscape`` through them (a 2-D one: its own plane)."""
    from gdviz.figures.data import slice_view
    from gdviz.figures.network import plot_slice

    if landscape is None:
        raise ValueError("a slice needs the run's landscape, and gdviz cannot rebuild this one")
    view = slice_view(landscape, trajectories, resolution=81)
    count = len(trajectories)
    artists = plot_slice(ax, view, colors, theme=theme, labels=labels)
    legend = ax.legend(fontsize=9, loc="best")
    return _Drawing(artists[:count], artists[count : 2 * count], [*artists[2 * count :], legend])


def _draw_trajectory(ax: Axes, trajectory: Trajectory, kind: str | None, theme: Any) -> _Drawing:
    from gdviz.figures import curves, primitives

    spec = trajectory.spec
    color = optimizer_color(spec.optimizer if spec else "", theme)
    label = f"{optimizer_label(spec.optimizer)}, lr {format_number(spec.lr)}" if spec else "the run"
    dim = len(trajectory.variables)
    kind = _default_kind(dim, kind)
    if kind == "loss":
        line, end = primitives.plot_loss(ax, trajectory, color=color, label=label, theme=theme)
        _log_if_wide(ax, bool(np.all(trajectory.losses > 0)))
        ax.set_xlabel("step")
        ax.set_ylabel("loss")
        ax.set_title(label, loc="left")
        return _Drawing([line], [end], [])
    landscape = _landscape_of(spec)
    if kind == "slice":
        drawing = _draw_slice(ax, landscape, [trajectory], [color], [label], theme)
        ax.set_title(f"{label}\non a 2-D slice of its {dim} dimensions", loc="left")
        return drawing
    if dim == 1:
        if landscape is not None:
            line, start, *numbers = curves.plot_descent_path(
                ax, landscape, trajectory, color=color, label=label, theme=theme
            )
            others = [start, *numbers]
        else:
            line, start = primitives.plot_path_on_curve(
                ax, trajectory, color=color, label=label, theme=theme
            )
            others = [start]
        ax.set_title(label, loc="left")
        return _Drawing([line], [], others)
    backdrop: list[Any] = []
    if landscape is not None:
        backdrop = list(primitives.plot_landscape(ax, landscape, theme=theme))
    line, end = primitives.plot_path(ax, trajectory, color=color, label=label, theme=theme)
    others = [primitives.mark_start(ax, trajectory.points[0], theme=theme)]
    if landscape is not None:
        minima = primitives.mark_minima(ax, landscape)
        others += [minima] if minima is not None else []
    ax.set_title(label, loc="left")
    return _Drawing([line], [end], [*others, *backdrop])


def _draw_result(ax: Axes, result: ExperimentResult, kind: str | None, theme: Any) -> _Drawing:
    from gdviz.figures import contours, curves, primitives
    from gdviz.figures.labels import run_label

    experiment = result.experiment
    count = len(experiment.runs) * len(experiment.starts)
    kind = _default_kind(experiment.surface.dim, kind)
    if kind == "loss":
        artists = contours.plot_loss_curves(ax, experiment, result, theme=theme)
        drawing = _Drawing(artists[:count], artists[count : 2 * count], artists[2 * count :])
    elif kind == "slice":
        colors = contours.run_colors(experiment, theme)
        items = result.items()
        drawing = _draw_slice(
            ax,
            experiment.surface,
            [t for _, _, t in items],
            [colors[experiment.runs.index(run)] for run, _, _ in items],
            [run_label(run, t) if s == 0 else "" for run, s, t in items],
            theme,
        )
        ax.set_title(
            f"{experiment.title}\non a 2-D slice of its {experiment.surface.dim} dimensions",
            loc="left",
        )
        return drawing
    elif experiment.surface.dim == 2:
        artists = contours.plot_optimizer_paths(ax, experiment, result, theme=theme)
        drawing = _Drawing(artists[:count], artists[count : 2 * count], artists[2 * count :])
    else:
        surface = experiment.surface
        colors = contours.run_colors(experiment, theme)
        items = result.items()
        window = curves.curve_window(surface, [t for _, _, t in items])
        curve = primitives.plot_curve(ax, surface, window, theme=theme)
        lines, starts = [], []
        for run, s, trajectory in items:
            color = colors[experiment.runs.index(run)]
            label = run_label(run, trajectory) if s == 0 else None
            line, start = primitives.plot_path_on_curve(
                ax, trajectory, color=color, label=label, theme=theme
            )
            lines.append(line)
            starts.append(start)
        drawing = _Drawing(lines, [], [*starts, curve])
    ax.set_title(experiment.title, loc="left")
    if any(line.get_label() and not line.get_label().startswith("_") for line in drawing.lines):
        drawing.others.append(ax.legend(fontsize=9, loc="best"))
    return drawing


def _draw(obj: Any, ax: Axes | None, kind: str | None, theme: Any, size: tuple[float, float]):
    what, value = _resolve(obj)
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=size, layout="constrained")
    if what == "trajectory":
        return ax, _draw_trajectory(ax, value, kind, theme)
    return ax, _draw_result(ax, value, kind, theme)


def plot(
    obj: Trajectory | Experiment | ExperimentResult | str,
    ax: Axes | None = None,
    *,
    kind: str | None = None,
    theme: str = "light",
) -> list[Artist]:
    """Draw a run or an experiment with the gallery's ``plot_*`` functions.

    Parameters
    ----------
    obj : Trajectory, Experiment, ExperimentResult or str
        One run; an experiment (run once per process and cached) or its built-in name; or an
        experiment's result.
    ax : matplotlib.axes.Axes, optional
        Where to draw; default a new pyplot figure (shown inline by Jupyter).
    kind : {"path", "loss", "slice"}, optional
        The path over the landscape's contours (1-D: over its curve), the loss against the
        step, or the paths on the 2-D slice through their principal directions (any
        dimension: the loss on that plane only). Default: the path for one or two coordinates,
        the loss above.
    theme : {"light", "dark"}

    Returns
    -------
    list of matplotlib.artist.Artist
        The data lines first, one per trajectory in run order then start order: each line's
        data are the trajectory's own numbers (``line.get_xydata()`` equals
        ``trajectory.points`` for a 2-D path, ``(step, loss)`` for the loss); then the end
        markers and the rest (start, minima, landscape, legend).

    Raises
    ------
    TypeError
        For anything but a trajectory, an experiment or a result (a batch: index it first).
    ValueError
        For an unknown ``kind`` or ``theme``, or a path in more than two dimensions.
    """
    from gdviz.figures._base import theme_context

    _check_kind(kind)
    with theme_context(theme) as resolved:
        _, drawing = _draw(obj, ax, kind, resolved, (6.4, 4.8))
    return drawing.artists


# ------------------------------------------------------------------------------- animation


def _writer(path: Path, fps: int) -> Any:
    """The movie writer for ``path``'s suffix: GIF (Pillow), MP4 (PyAV, else ffmpeg), HTML."""
    import importlib.util

    from matplotlib import animation

    suffix = path.suffix.lower()
    if suffix == ".gif":
        return animation.PillowWriter(fps=fps)
    if suffix in (".html", ".htm"):
        return animation.HTMLWriter(fps=fps, embed_frames=True)
    if suffix == ".mp4":
        if importlib.util.find_spec("av") is not None:
            return AVWriter(fps=fps)
        if animation.FFMpegWriter.isAvailable():
            return animation.FFMpegWriter(fps=fps)
        raise RuntimeError(
            "writing MP4 needs PyAV (pip install 'gdviz[notebook]') or ffmpeg on the PATH"
        )
    raise ValueError(f"cannot tell the movie format of '{path.name}'; use .mp4, .gif or .html")


class AVWriter(AbstractMovieWriter):
    """A movie writer that encodes H.264 MP4 with PyAV: no ffmpeg program needed.

    Frames are the figure's RGBA pixels at the writer's dpi, cropped to even width and
    height (H.264's 4:2:0 sampling), time stamps :math:`t_i = i / \\text{fps}`.
    """

    def setup(self, fig: Any, outfile: Any, dpi: float | None = None) -> None:
        """Open the MP4 container (PyAV) for frames of ``fig``."""
        import av

        super().setup(fig, outfile, dpi)
        width, height = self.frame_size
        self._crop = (width - width % 2, height - height % 2)
        self._container = av.open(str(outfile), mode="w", format="mp4")
        self._rate = Fraction(self.fps).limit_denominator(1001)
        self._stream = self._container.add_stream("libx264", rate=self._rate)
        self._stream.width, self._stream.height = self._crop
        self._stream.pix_fmt = "yuv420p"
        self._index = 0

    def grab_frame(self, **savefig_kwargs: Any) -> None:
        """Encode the figure's current frame."""
        import av

        buffer = io.BytesIO()
        self.fig.savefig(buffer, format="rgba", dpi=self.dpi, **savefig_kwargs)
        width, height = self.frame_size
        rgba = np.frombuffer(buffer.getbuffer(), np.uint8).reshape(height, width, 4)
        w, h = self._crop
        frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(rgba[:h, :w, :3]), format="rgb24")
        frame.pts = self._index
        frame.time_base = 1 / self._rate
        self._index += 1
        for packet in self._stream.encode(frame):
            self._container.mux(packet)

    def finish(self) -> None:
        """Flush the encoder and close the file."""
        for packet in self._stream.encode():
            self._container.mux(packet)
        self._container.close()


class Animation(FuncAnimation):
    """A :class:`matplotlib.animation.FuncAnimation` of gdviz runs (made by :func:`animate`).

    It displays itself inline in a notebook (``to_jshtml``: play, pause, step, scrub), and
    :meth:`save` picks the writer from the file's suffix: ``.mp4`` (H.264 by PyAV, or
    ffmpeg), ``.gif`` (Pillow) or ``.html``.
    """

    def __init__(
        self, figure: Figure, update: Any, frames: int, fps: int, drawing: _Drawing
    ) -> None:
        self.fps = int(fps)
        self.figure = figure
        #: The data lines, one per trajectory (run order, then start order), that the frames
        #: shorten; and the end markers each frame shows once its run has ended.
        self.lines, self.ends = list(drawing.lines), list(drawing.ends)
        super().__init__(figure, update, frames=frames, interval=1000 / fps, repeat=True)

    def _repr_html_(self) -> str:
        return str(self.to_jshtml(fps=self.fps))

    def save(  # type: ignore[override]
        self, filename: str | Path, writer: Any = None, fps: int | None = None, **kwargs: Any
    ) -> Path:
        """Write the animation to ``filename``; the format follows its suffix.

        Raises
        ------
        ValueError
            For a suffix other than ``.mp4``, ``.gif``, ``.html``.
        RuntimeError
            For MP4 without PyAV or ffmpeg.
        """
        path = Path(filename)
        rate = int(fps or self.fps)
        if isinstance(writer, str):  # a matplotlib writer's name: it takes the rate from us
            kwargs["fps"] = rate
        elif writer is None:
            writer = _writer(path, rate)
        from gdviz.atomic import atomic_path

        with atomic_path(path, keep_suffix=True) as tmp:  # gdviz's one way to write a file
            super().save(str(tmp), writer=writer, **kwargs)
        return path


def animate(
    obj: Trajectory | Experiment | ExperimentResult | str,
    *,
    kind: str | None = None,
    frames: int = 48,
    fps: int = 12,
    theme: str = "light",
    size: tuple[float, float] = (6.4, 4.8),
    dpi: float = 80,
) -> Any:
    """An animation that draws the paths (or the loss curves) step by step.

    Frame :math:`f` of :math:`F` shows every run up to step
    :math:`k_f = \\operatorname{round}(f\\,n / (F - 1))`, where :math:`n` is the longest run's
    step count; a run that stopped earlier stays whole, and its end marker appears when it
    ends. The figure is drawn once by :func:`plot`; frames only shorten its lines.

    Parameters
    ----------
    obj : Trajectory, Experiment, ExperimentResult or str
        As for :func:`plot`.
    kind : {"path", "loss", "slice"}, optional
        As for :func:`plot`.
    frames : int
        Most frames (at least 2); fewer when the runs are shorter.
    fps : int
        Frames per second, when shown and when saved.
    theme : {"light", "dark"}
    size : (float, float)
        Figure size in inches; ``dpi`` sets the pixels.

    Returns
    -------
    Animation
        Shows inline in a notebook; ``.save("race.mp4")`` or ``.save("race.gif")`` writes it.

    Raises
    ------
    TypeError, ValueError
        As for :func:`plot`; ``ValueError`` for fewer than two frames or a rate below 1.
    """
    from gdviz.figures._base import new_figure, theme_context

    _check_kind(kind)
    if not isinstance(frames, int | np.integer) or frames < 2:
        raise ValueError(f"frames must be a whole number ≥ 2, got {frames!r}")
    if not isinstance(fps, int | np.integer) or fps < 1:
        raise ValueError(f"fps must be a whole number ≥ 1, got {fps!r}")
    with theme_context(theme) as resolved:
        figure = new_figure(*size)
        figure.set_dpi(dpi)
        ax = figure.add_subplot()
        _, drawing = _draw(obj, ax, kind, resolved, size)
        full = [np.array(line.get_xydata()) for line in drawing.lines]
        longest = max(len(data) for data in full) - 1
        shown = np.unique(np.round(np.linspace(0, longest, min(frames, longest + 1))).astype(int))
        if len(shown) < 2:
            shown = np.array([0, 0])
        counter = ax.text(
            0.99, 0.01, "", transform=ax.transAxes, ha="right", va="bottom", color=resolved.muted
        )

    def update(frame: int) -> list[Any]:
        step = int(shown[frame])
        for line, data in zip(drawing.lines, full, strict=True):
            k = min(step, len(data) - 1)
            line.set_data(data[: k + 1, 0], data[: k + 1, 1])
        for end, data in zip(drawing.ends, full, strict=False):
            end.set_visible(step >= len(data) - 1)
        counter.set_text(f"step {step}")
        return [*drawing.lines, *drawing.ends, counter]

    update(0)
    figure.canvas.draw()  # lay out once, then keep the layout: frames redraw ~35 % faster
    figure.set_layout_engine("none")
    return Animation(figure, update, len(shown), fps, drawing)
