"""``gdviz video``: render the Manim lecture videos, skipping those already up to date."""

from __future__ import annotations

from pathlib import Path

import click

from gdviz.cli.options import console, dir_output_option, verbosity_options


@click.command("video")
@click.argument("scenes", nargs=-1, metavar="[SCENE]...")
@click.option(
    "--quality",
    type=click.Choice(["low", "medium", "high", "4k"]),
    default="high",
    show_default=True,
    help="low 480p15, medium 720p30, high 1080p60, 4k 2160p60.",
)
@dir_output_option("build/videos", "Directory for <scene>.mp4 and the poster <scene>.png.")
@click.option(
    "--format",
    "-f",
    "formats",
    type=click.Choice(["mp4", "gif", "webm"]),
    multiple=True,
    help="Also write a blog-sized GIF or WebM (repeatable); the MP4 is always written.",
)
@click.option(
    "--landscape",
    metavar="NAME",
    help="The race scene's landscape: rosenbrock (default), valley, himmelblau, bowl, rastrigin.",
)
@click.option("--force", is_flag=True, help="Render even if the output is up to date.")
@click.option("--list", "list_only", is_flag=True, help="List the scenes and exit.")
@verbosity_options
def command(
    scenes: tuple[str, ...],
    quality: str,
    output: Path,
    formats: tuple[str, ...],
    landscape: str | None,
    force: bool,
    list_only: bool,
) -> None:
    """Render the Manim lecture videos (all scenes by default), skipping up-to-date ones."""
    from gdviz import video

    if list_only:
        for info in video.SCENES.values():
            click.echo(f"  {info.name:<14} {info.description}")
        return
    _check(scenes, landscape, output)
    try:
        results = video.render_videos(
            list(dict.fromkeys(scenes)) or None,
            output_dir=output,
            quality=quality,
            formats=tuple(dict.fromkeys(("mp4", *formats))),
            landscape=landscape,
            force=force,
            progress=console().say,
        )
    except video.VideoError as error:
        raise click.ClickException(str(error)) from None
    except (ValueError, video.VideoUnavailable) as error:
        raise click.UsageError(str(error)) from None
    rendered = sum(r.rendered for r in results)
    console().say(f"{rendered} rendered, {len(results) - rendered} up to date in {output}")


def _check(scenes: tuple[str, ...], landscape: str | None, output: Path) -> None:
    """Every scene known, the landscape one the race can draw, Manim there, output writable."""
    from gdviz import video
    from gdviz.atomic import check_writable_dir
    from gdviz.names import unknown_name_message

    for name in scenes:
        if name not in video.SCENES:
            raise click.BadParameter(
                unknown_name_message("scene", name, list(video.SCENES)), param_hint="'SCENE'"
            )
    if landscape is not None:
        if landscape not in video.RACE_LANDSCAPES:
            raise click.BadParameter(
                unknown_name_message("race landscape", landscape, list(video.RACE_LANDSCAPES)),
                param_hint="'--landscape'",
            )
        if scenes and "race" not in scenes:
            raise click.UsageError(
                "--landscape applies to the race scene; add 'race' to the scenes"
            )
    if not video.video_available():
        raise click.UsageError(str(video.VideoUnavailable()))
    try:
        check_writable_dir(output)
    except OSError as error:
        raise click.BadParameter(
            f"cannot write to {output}: {error}", param_hint="'--output'"
        ) from None
