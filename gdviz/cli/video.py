"""``gdviz video``: render the Manim lecture videos, skipping those already up to date."""

from __future__ import annotations

from pathlib import Path

import click

from gdviz.cli.options import console, dir_output_option, verbosity_options
from gdviz.cli.types import FORMATS, formats_given


@click.command("video")
@click.argument("scenes", nargs=-1, metavar="[SCENE]...")
@click.option(
    "--quality",
    type=click.Choice(["low", "medium", "high", "4k"]),
    default="high",
    show_default=True,
    help="low 480p15, medium 720p30, high 1080p60, 4k 2160p60.",
)
@dir_output_option(
    "build/videos", "Directory for <scene>.mp4, the poster <scene>.png and captions <scene>.vtt."
)
@click.option(
    "--format",
    "-f",
    "formats",
    type=FORMATS,
    multiple=True,
    metavar="FMT[,FMT]",
    help="Also write a blog-sized gif or webm (comma-separated or repeated); the MP4 is "
    "always written.",
)
@click.option(
    "--landscape",
    metavar="NAME",
    help="Draw a built-in landscape with every scene that can (hiker: 1-D; race, surface, "
    "inside: 2-D), or with the scenes named.",
)
@click.option(
    "--config",
    metavar="FILE.toml",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Your experiments (formula or built-in landscape, any starts and runs), rendered "
    "through the scenes that can draw them.",
)
@click.option("--experiment", metavar="NAME", help="Only this experiment of --config FILE.toml.")
@click.option("--force", is_flag=True, help="Render even if the output is up to date.")
@click.option("--list", "list_only", is_flag=True, help="List the scenes and exit.")
@verbosity_options
def command(
    scenes: tuple[str, ...],
    quality: str,
    output: Path,
    formats: tuple[tuple[str, ...], ...],
    landscape: str | None,
    config: Path | None,
    experiment: str | None,
    force: bool,
    list_only: bool,
) -> None:
    """Render the Manim lecture videos (all scenes by default), skipping up-to-date ones.

    \b
    Examples:
      gdviz video                                   # every scene, 1080p60
      gdviz video race --landscape booth --quality low
      gdviz video --config mine.toml --experiment my-race
    """
    from gdviz import scene_catalogue as catalogue
    from gdviz import video

    if list_only:
        for info in catalogue.scene_catalogue().values():
            click.echo(f"  {info.name:<14} {info.summary}")
        return
    try:
        catalogue.plan(list(scenes), landscape=landscape, config=config, experiment=experiment)
    except ValueError as error:
        raise click.UsageError(str(error)) from None
    _check(output)
    try:
        results = video.render_videos(
            list(dict.fromkeys(scenes)) or None,
            output_dir=output,
            quality=quality,
            formats=formats_given((("mp4",), *formats)),
            landscape=landscape,
            config=config,
            experiment=experiment,
            force=force,
            progress=console().say,
        )
    except video.VideoError as error:
        raise click.ClickException(str(error)) from None
    except (ValueError, video.VideoUnavailable) as error:
        raise click.UsageError(str(error)) from None
    rendered = sum(r.rendered for r in results)
    console().say(f"{rendered} rendered, {len(results) - rendered} up to date in {output}")


def _check(output: Path) -> None:
    """Manim there and the output directory writable, before any work."""
    from gdviz import video
    from gdviz.atomic import check_writable_dir

    if not video.video_available():
        raise click.UsageError(str(video.VideoUnavailable()))
    try:
        check_writable_dir(output)
    except OSError as error:
        raise click.BadParameter(
            f"cannot write to {output}: {error}", param_hint="'--output'"
        ) from None
