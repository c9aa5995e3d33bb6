"""Blog formats of a rendered MP4: a palette-optimised GIF and a VP9 WebM (PyAV, no ffmpeg CLI)."""

from __future__ import annotations

from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path
from typing import Any

__all__ = ["gif_palette", "make_gif", "make_webm"]


def _frames(source: Path, fps: float, width: int) -> Iterator[Any]:
    """Decode ``source`` and yield PIL images resampled to ``fps`` and ``width`` pixels wide."""
    import av

    with av.open(str(source)) as container:
        stream = container.streams.video[0]
        rate = float(stream.average_rate or 30)
        step = rate / fps
        next_index = 0.0
        for index, frame in enumerate(container.decode(stream)):
            if index + 1e-9 < next_index:
                continue
            next_index += step
            image = frame.to_image()
            height = round(image.height * width / image.width / 2) * 2
            if (width, height) != image.size:
                image = image.resize((width, height), resample=3)  # bicubic
            yield image


def _source_geometry(source: Path) -> tuple[float, int]:
    """Frame rate and width of a video file."""
    import av

    with av.open(str(source)) as container:
        stream = container.streams.video[0]
        return float(stream.average_rate or 30), int(stream.width)


def make_gif(source: str | Path, target: str | Path, *, fps: float = 10, width: int = 640) -> Path:
    """A blog-sized GIF of an MP4: ``width`` px wide, ``fps`` frames/s, one shared palette.

    One palette serves every frame (no flicker): the shared style's colours (optimizers, series
    and both themes, so every optimizer keeps its exact colour even on a few pixels) plus up to 128
    adaptive colours from a sample of frames. Pillow stores only the changed part of a frame.
    """
    from PIL import Image

    rate, source_width = _source_geometry(Path(source))
    fps, width = min(fps, rate), min(width, source_width)
    frames = list(_frames(Path(source), fps, width))
    if not frames:
        raise ValueError(f"{source} has no frames")
    sample_count = min(len(frames), 8)
    picks = [
        frames[int(i * (len(frames) - 1) / max(sample_count - 1, 1))] for i in range(sample_count)
    ]
    strip = Image.new("RGB", (width, picks[0].height * len(picks)))
    for i, image in enumerate(picks):
        strip.paste(image, (0, i * image.height))
    palette = gif_palette(strip)
    quantized = [f.quantize(palette=palette, dither=Image.Dither.NONE) for f in frames]
    duration = round(1000 / fps)
    quantized[0].save(
        target,
        format="GIF",
        save_all=True,
        append_images=quantized[1:],
        duration=duration,
        loop=0,
        optimize=True,
        disposal=1,
    )
    return Path(target)


def gif_palette(sample: Any) -> Any:
    """A ``P`` image holding the style's colours followed by adaptive colours of ``sample``."""
    from PIL import Image

    from gdviz.style import OPTIMIZER_STYLES, THEMES, series_color

    fixed = [style.color(theme) for style in OPTIMIZER_STYLES.values() for theme in THEMES]
    fixed += [series_color(i, 4, theme) for i in range(4) for theme in THEMES]
    for theme in THEMES.values():
        fixed += [theme.background, theme.foreground, theme.muted, theme.grid, theme.panel]
    rgb = [
        int(c[i : i + 2], 16)
        for c in dict.fromkeys(c.lstrip("#").upper() for c in fixed)
        for i in (0, 2, 4)
    ]
    adaptive = sample.quantize(colors=128, method=Image.Quantize.MEDIANCUT)
    colours = rgb + adaptive.getpalette()[: 3 * 128]
    palette = Image.new("P", (1, 1))
    palette.putpalette(colours + colours[:3] * (256 - len(colours) // 3))
    return palette


def make_webm(
    source: str | Path, target: str | Path, *, fps: float = 30, width: int = 1280, crf: int = 34
) -> Path:
    """A VP9 WebM of an MP4 at ``width`` px and ``fps`` for a web page (PyAV, no ffmpeg CLI)."""
    import av

    rate, source_width = _source_geometry(Path(source))
    fps, width = min(fps, rate), min(width, source_width)
    with av.open(str(target), mode="w", format="webm") as out:
        stream = None
        for index, image in enumerate(_frames(Path(source), fps, width)):
            if stream is None:
                frame_rate = Fraction(fps).limit_denominator(1001)
                stream = out.add_stream(
                    "libvpx-vp9",
                    rate=frame_rate,
                    options={
                        "crf": str(crf),
                        "b": "0",
                        "deadline": "realtime",
                        "cpu-used": "8",
                        "row-mt": "1",
                    },
                )
                stream.width, stream.height = image.width, image.height
                stream.pix_fmt = "yuv420p"
            frame = av.VideoFrame.from_image(image)
            frame.pts = index
            frame.time_base = 1 / frame_rate
            for packet in stream.encode(frame):
                out.mux(packet)
        if stream is None:
            raise ValueError(f"{source} has no frames")
        for packet in stream.encode():
            out.mux(packet)
    return Path(target)
