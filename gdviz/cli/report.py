"""``gdviz report``: the offline HTML report."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from gdviz.cli.options import config_option, console, dir_output_option, verbosity_options


@click.command("report")
@dir_output_option("build/report", "Directory for index.html (and assets/ unless --single-file).")
@click.option(
    "--title", metavar="TEXT", help="Title of the page [default: Gradient descent, made visible]."
)
@config_option("Your experiments (TOML), added as chapters.")
@click.option(
    "--videos/--no-videos",
    default=True,
    show_default=True,
    help="Render (or reuse) the lecture videos; needs Manim.",
)
@click.option(
    "--quality",
    type=click.Choice(["low", "medium", "high"]),
    default="medium",
    show_default=True,
    help="Video quality: 480p15, 720p30 or 1080p60.",
)
@click.option(
    "--single-file", is_flag=True, help="Inline every image and video into one HTML file."
)
@click.option(
    "--force",
    is_flag=True,
    help="Replace the report directory even if it holds files gdviz did not write "
    "(they are deleted; without --force the build refuses and lists them).",
)
@verbosity_options
def command(
    output: Path,
    title: str | None,
    config: dict[str, Any] | None,
    videos: bool,
    quality: str,
    single_file: bool,
    force: bool,
) -> None:
    """Build the offline HTML report: chapters, figures, videos and an interactive explorer.

    The videos are rendered once and kept in $XDG_CACHE_HOME/gdviz/videos (default
    ~/.cache/gdviz; `gdviz cache info`); a cached video is reused only if its size and SHA-256
    still match its record. An existing report directory is replaced only if it holds nothing
    gdviz did not write (or with --force).

    \b
    Examples:
      gdviz report                       # build/report/index.html + build/report/assets/
      gdviz report --no-videos --single-file -o /tmp/gd
      gdviz report --config my-experiments.toml --title "Week 3: optimizers"
    """
    from gdviz.report import DEFAULT_TITLE, ReportError, ReportOptions, build_report

    options = ReportOptions(
        output=output,
        title=DEFAULT_TITLE if title is None else title,
        videos=videos,
        quality=quality,
        single_file=single_file,
        user_experiments=config or {},
        force=force,
    )
    say = console()
    try:
        result = build_report(options, progress=lambda message: say.say(f"report: {message}"))
    except ReportError as error:
        raise click.UsageError(str(error)) from None
    total = sum(result.seconds.values())
    size = result.size / 1e6
    say.say(f"wrote {result.page} ({size:.1f} MB, {len(result.videos)} videos) in {total:.1f} s")
