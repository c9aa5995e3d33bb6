"""What the report's page carries besides its text: figures, videos and their files.

:class:`Assets` puts a file beside the page (``assets/<folder>/``) or inlines it as a data URI
(``--single-file``); :func:`render_figures` renders the chapters' figures (and the phone
arrangement of the multi-panel ones); :func:`render_videos` renders or reuses the chapters'
videos through the video cache (:mod:`gdviz.video`), each file taken into the page only if its
bytes match its record.
"""

from __future__ import annotations

import base64
import hashlib
import mimetypes
import re
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gdviz.atomic import output_path
from gdviz.cache import CacheError, FileDigest, copy_verified, recorded_digest
from gdviz.report.chapters import Chapter
from gdviz.report.models import FigureView, Image, VideoView

if TYPE_CHECKING:
    from gdviz.experiments import Experiment
    from gdviz.report.build import ReportOptions

__all__ = [
    "USER_FIGURES",
    "VIDEO_HELP",
    "Assets",
    "image_size",
    "render_figures",
    "render_videos",
    "user_figure_names",
    "videos_skipped",
]

VIDEO_HELP = (
    "install Manim with pip install 'gdviz[video]' (Debian also needs libcairo2-dev and "
    "libpango1.0-dev), then run gdviz report again"
)

Progress = Callable[[str], None]


class Assets:
    """Puts a file beside the page (``assets/...``) or inlines it as a data URI."""

    def __init__(self, root: Path, *, inline: bool) -> None:
        self.root = root
        self.inline = inline

    def add(self, path: Path, folder: str, expected: FileDigest | None = None) -> str:
        """The page's URL of ``path``; with ``expected``, only if its bytes match it.

        Raises
        ------
        CacheError
            If the bytes taken into the page do not have the ``expected`` size and hash.
        """
        if self.inline:
            data = path.read_bytes()
            digest = FileDigest(len(data), hashlib.sha256(data).hexdigest())
            if expected is not None and digest != expected:
                raise CacheError(f"{path} does not match its record")
            mime = _mime(path)
            return f"data:{mime};base64," + base64.b64encode(data).decode("ascii")
        target = output_path(self.root / "assets" / folder, path.name)
        target.parent.mkdir(parents=True, exist_ok=True)
        if expected is not None:
            copy_verified(path, target, expected)
        elif path.resolve() != target.resolve():
            shutil.copy2(path, target)
        return f"assets/{folder}/{path.name}"

    def scratch(self, folder: str) -> Path:
        """A directory to render into: inside ``assets`` or a scratch dir removed at the end."""
        base = self.root / (".scratch" if self.inline else "assets")
        path = base / folder
        path.mkdir(parents=True, exist_ok=True)
        return path

    def finish(self) -> None:
        """Remove the scratch directory of an inlined page."""
        shutil.rmtree(self.root / ".scratch", ignore_errors=True)


def _mime(path: Path) -> str:
    return {".svg": "image/svg+xml", ".mp4": "video/mp4", ".webm": "video/webm"}.get(
        path.suffix.lower(), mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    )


def image_size(path: Path) -> tuple[int, int]:
    """Intrinsic pixel size of a PNG/JPEG/WebP/GIF (Pillow) or an SVG (its width/height)."""
    if path.suffix.lower() == ".svg":
        head = path.read_bytes()[:2000].decode("utf-8", "replace")
        match = re.search(r'<svg[^>]*?width="([0-9.]+)(?:pt|px)?"[^>]*?height="([0-9.]+)', head)
        if match:
            return round(float(match.group(1)) * 4 / 3), round(float(match.group(2)) * 4 / 3)
        return 800, 600
    from PIL import Image as PILImage

    with PILImage.open(path) as image:
        return image.size


def _image(
    assets: Assets, path: Path, folder: str, alt: str, expected: FileDigest | None = None
) -> Image:
    width, height = image_size(path)
    return Image(src=assets.add(path, folder, expected), alt=alt, width=width, height=height)


#: Gallery figures a user chapter shows, in order of preference (the first two that apply).
USER_FIGURES = ("optimizer-paths", "descent-path", "loss-curves")


def user_figure_names(user: dict[str, Experiment]) -> dict[str, tuple[str, ...]]:
    """For each user experiment, the names of its own figures the report shows."""
    if not user:
        return {}
    from gdviz.figures import user_figures

    chosen: dict[str, tuple[str, ...]] = {}
    for name, experiment in user.items():
        own = user_figures({name: experiment})
        names = [f"{base}-{experiment.name}" for base in USER_FIGURES]
        chosen[name] = tuple(n for n in names if n in own)[:2]
    return chosen


def render_figures(
    assets: Assets, chapters: Sequence[Chapter], user: dict[str, Experiment], say: Progress
) -> dict[str, FigureView]:
    """Render the figures of ``chapters`` and of the user's experiments into ``assets``."""
    from gdviz.figures import available_figures, render_figures

    names = [name for chapter in chapters for name in chapter.figures]
    names += [name for own in user_figure_names(user).values() for name in own]
    folder = assets.scratch("figures")
    paths = render_figures(
        names=names,
        output_dir=folder,
        formats=("png",),
        theme="light",
        dpi=150,
        experiments=user or None,
        progress=lambda name, seconds: say(f"  figure {name} ({seconds:.1f} s)"),
    )
    catalogue = available_figures(user or None)
    narrow_names = [name for name in dict.fromkeys(names) if catalogue[name].narrow]
    narrow_paths = (
        render_figures(
            names=narrow_names,
            output_dir=assets.scratch("figures-narrow"),
            formats=("png",),
            theme="light",
            dpi=150,
            experiments=user or None,
            progress=lambda name, seconds: say(f"  figure {name}, narrow ({seconds:.1f} s)"),
            layout="narrow",
        )
        if narrow_names
        else []
    )
    narrow = {path.stem: path for path in map(Path, narrow_paths)}
    views: dict[str, FigureView] = {}
    for path in map(Path, paths):
        spec = catalogue[path.stem]
        phone = narrow.get(path.stem)
        views[path.stem] = FigureView(
            path.stem,
            spec.title,
            spec.caption,
            _image(assets, path, "figures", spec.title),
            _image(assets, phone, "figures-narrow", spec.title) if phone else None,
        )
    return views


def videos_skipped(options: ReportOptions) -> str:
    """Why this build has no videos (``--no-videos``, Manim missing), or ``""``."""
    from gdviz import video

    if not options.videos:
        return "videos are turned off (--no-videos)"
    if not video.video_available():
        return str(video.VideoUnavailable())
    return ""


def render_videos(
    assets: Assets, chapters: Sequence[Chapter], options: ReportOptions, say: Progress
) -> tuple[dict[str, VideoView], str]:
    """Render or reuse the videos of ``chapters`` into ``assets``, one scene at a time.

    Returns the view of each (a placeholder saying why for one that failed) and the page's
    note on the videos (empty when all are there).
    """
    from gdviz import video

    wanted = [name for chapter in chapters for name in chapter.videos]
    if options.scenes is not None:
        wanted = [name for name in wanted if name in options.scenes]
    infos = {name: video.SCENES[name] for name in wanted}

    def placeholder(name: str, note: str) -> VideoView:
        info = infos[name]
        return VideoView(name, info.title, info.summary, (), None, note)

    if not options.videos:
        note = "Videos were left out of this build (--no-videos); run gdviz report to add them."
        return {name: placeholder(name, note) for name in wanted}, note
    if not video.video_available():
        note = f"The lecture videos are not in this build: {VIDEO_HELP}."
        return {name: placeholder(name, note) for name in wanted}, note

    from gdviz.cache import cache_dir

    root = cache_dir()
    cache = (
        (root / "videos" / options.quality) if root is not None else assets.scratch("videos-raw")
    )
    views: dict[str, VideoView] = {}
    failed: list[str] = []
    for index, name in enumerate(wanted, 1):  # one at a time: a failing scene costs only its own
        info = infos[name]
        say(f"  video {index}/{len(wanted)}: {name}")
        try:
            (result,) = video.render_videos(
                names=[name],
                output_dir=cache,
                quality=options.quality,
                formats=("mp4",),
                progress=say,
            )
        except video.VideoUnavailable as error:
            note = f"The lecture videos could not be rendered ({error})."
            return {name: placeholder(name, note) for name in wanted}, note
        except video.VideoError as error:
            say(f"video {name}: {error}")
            failed.append(name)
            views[name] = placeholder(name, f"This video could not be rendered: {error}.")
            continue
        try:
            sources, poster = _verified_video(assets, cache, result, info.title)
        except (CacheError, OSError) as error:  # changed since it was checked
            say(f"video {name}: not embedded, it does not match its record ({error})")
            failed.append(name)
            views[name] = placeholder(name, "This video could not be verified; build again.")
            continue
        if not result.rendered:
            say(f"  video {name}: reusing the cached video {result.paths['mp4']} (verified)")
        views[name] = VideoView(name, info.title, info.summary, sources, poster)
    if failed:
        return (
            views,
            f"Some videos could not be rendered ({', '.join(failed)}); see their chapters.",
        )
    return views, ""


def _verified_video(
    assets: Assets, cache: Path, result: Any, title: str
) -> tuple[tuple[tuple[str, str], ...], Image | None]:
    """The page's sources and poster of a rendered video, each checked against its record.

    Raises
    ------
    CacheError
        If a file has no record, or its bytes do not match it.
    """

    def expected(path: Path) -> FileDigest:
        digest = recorded_digest(cache, result.name, path.name)
        if digest is None:
            raise CacheError(f"{path} has no record of its size and hash")
        return digest

    sources = tuple(
        (assets.add(Path(path), "videos", expected(Path(path))), _mime(Path(path)))
        for fmt, path in sorted(result.paths.items())
    )
    poster = None
    if result.poster and Path(result.poster).exists():
        path = Path(result.poster)
        poster = _image(assets, path, "videos", f"Closing frame of “{title}”", expected(path))
    return sources, poster
