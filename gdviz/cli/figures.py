"""``gdviz figures``: the blog-figure gallery, or the figures of the user's experiments."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import click

from gdviz.cli.options import config_option, console, dir_output_option, verbosity_options
from gdviz.cli.types import FORMATS, formats_given

_HINTS = {
    "format": "'--format'",
    "theme": "'--theme'",
    "dpi": "'--dpi'",
    "output": "'--output'",
    "config": "'--config'",
}


@click.command("figures")
@click.argument("names", nargs=-1, metavar="[NAME]...")
@dir_output_option("build/figures", "Directory to write <name>.<format> files into.")
@click.option(
    "--format",
    "-f",
    "formats",
    type=FORMATS,
    multiple=True,
    default=["png,svg"],
    show_default=True,
    metavar="FMT[,FMT]",
    help="Formats: png, svg, pdf (comma-separated or repeated).",
)
@click.option(
    "--theme",
    type=click.Choice(["light", "dark"]),
    default="light",
    show_default=True,
    help="Colour theme.",
)
@click.option(
    "--dpi",
    type=click.IntRange(20, 600),
    default=150,
    show_default=True,
    help="Resolution of PNG files (20–600).",
)
@config_option(
    "Your experiments: draw the gallery's figures that apply to them, named <figure>-<experiment>."
)
@click.option(
    "--list", "list_only", is_flag=True, help="List the figures (with --config, yours too)."
)
@verbosity_options
def command(
    names: tuple[str, ...],
    output: Path,
    formats: tuple[tuple[str, ...], ...],
    theme: str,
    dpi: int,
    config: dict[str, Any] | None,
    list_only: bool,
) -> None:
    """Build the blog-figure gallery (every figure, or the NAMEs given).

    Files are written atomically and only once every figure is drawn; building twice gives
    identical SVG and PDF bytes and identical PNG pixels. One progress line per figure goes
    to stderr. With --config and no NAME, your experiments' figures are built.

    \b
    Examples:
      gdviz figures
      gdviz figures basins lr-sweep --format svg,pdf --theme dark
      gdviz figures --config my.toml -o post/img
    """
    from gdviz.figures import available_figures

    if list_only:
        for name, spec in available_figures(config).items():
            click.echo(f"  {name:<32} {spec.title}")
        return
    chosen = list(formats_given(formats))
    specs = _checked(names, chosen, theme, dpi, config, output)
    say = console()
    started = time.perf_counter()
    say.say(f"building {len(specs)} figure(s) as {', '.join(chosen)} into {output}")
    paths = _render([s.name for s in specs], output, chosen, theme, dpi, config)
    seconds = time.perf_counter() - started
    say.say(f"wrote {len(paths)} file(s) to {output} in {seconds:.1f} s")


def _checked(
    names: tuple[str, ...],
    formats: list[str],
    theme: str,
    dpi: int,
    experiments: dict[str, Any] | None,
    output: Path,
) -> list[Any]:
    from gdviz.figures import FigureError, check_outputs, check_request, prepare_output

    try:
        specs = check_request(list(names), formats, theme, dpi, experiments)
        check_outputs(prepare_output(output), specs, formats)
    except FigureError as error:
        if error.param == "name":
            raise click.UsageError(str(error)) from None
        raise click.BadParameter(str(error), param_hint=_HINTS[error.param]) from None
    return specs


def _render(
    names: list[str],
    output: Path,
    formats: list[str],
    theme: str,
    dpi: int,
    experiments: dict[str, Any] | None,
) -> list[Path]:
    from gdviz.figures import FigureError, render_figures

    say = console()
    try:
        return render_figures(
            names,
            output,
            formats,
            theme,
            dpi,
            experiments,
            progress=lambda name, seconds: say.say(f"  {name:<32} {seconds:6.2f} s"),
        )
    except FigureError as error:
        raise click.BadParameter(
            str(error), param_hint=_HINTS.get(error.param, "'--output'")
        ) from None
    except OSError as error:
        from gdviz.atomic import OutputError

        reason = str(OutputError.wrap(error, output))
        raise click.BadParameter(reason, param_hint="'--output'") from None
