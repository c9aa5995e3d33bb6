"""The ``gdviz`` command line: parse, call the library, print.

Errors are one line on stderr with exit code 2 (``click.UsageError``/``BadParameter``); no
traceback reaches a user (set ``GDVIZ_DEBUG=1`` to see one for an internal error). Heavy
libraries (matplotlib, manim) are imported only by the commands that need them.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import click

from gdviz import __version__


class OneLineErrors(click.Group):
    """A group whose errors print as a single ``Error: ...`` line (exit 2 for usage errors)."""

    def main(
        self,
        args: Any = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, **extra)
        try:
            code = super().main(args, prog_name, complete_var, False, **extra)
        except click.ClickException as error:
            message = " ".join(error.format_message().split())
            click.echo(f"Error: {message}", err=True)
            sys.exit(error.exit_code)
        except click.Abort:
            click.echo("Aborted.", err=True)
            sys.exit(130)
        except KeyboardInterrupt:
            click.echo("Interrupted.", err=True)
            sys.exit(130)
        except Exception as error:  # an internal error: one line, unless debugging
            if os.environ.get("GDVIZ_DEBUG"):
                raise
            click.echo(f"Error: internal error: {type(error).__name__}: {error}", err=True)
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)


@click.group(cls=OneLineErrors, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="gdviz")
def cli() -> None:
    """gdviz — make gradient descent visible.

    Run optimizers exactly as torch.optim does, on built-in landscapes or your own formula,
    and turn the trajectories into figures, lecture videos and an offline HTML report.

    \b
    Examples:
      gdviz list landscapes
      gdviz run --landscape rosenbrock --optimizer adam --lr 0.01 --start=-1.5,2
      gdviz run --expr "x**2 + 3*sin(y)" --optimizer momentum --start 2,1 --format csv
    """


# ------------------------------------------------------------------------------------ list

_CATEGORIES = ("landscapes", "optimizers", "schedules", "experiments")


@cli.command("list")
@click.argument("what", required=False, type=click.Choice(_CATEGORIES))
def list_command(what: str | None) -> None:
    """List landscapes, optimizers, schedules or experiments (all four by default)."""
    for category in [what] if what else _CATEGORIES:
        if not what:
            click.secho(category, bold=True)
        for name, summary in _catalogue(category):
            click.echo(f"  {name:<20} {summary}")
        if not what and category != _CATEGORIES[-1]:
            click.echo()


def _catalogue(category: str) -> list[tuple[str, str]]:
    if category == "landscapes":
        from gdviz.landscapes import get_landscape, landscape_names

        return [
            (name, f"{get_landscape(name).pretty}  ({', '.join(get_landscape(name).variables)})")
            for name in landscape_names()
        ]
    if category == "optimizers":
        from gdviz import optimizers

        return [(name, optimizers.describe(name)) for name in optimizers.optimizer_names()]
    if category == "schedules":
        from gdviz import schedules

        return [(name, schedules.describe(name)) for name in schedules.SCHEDULES]
    from gdviz.experiments import builtin_experiments

    return [(e.name, f"{e.title} [{e.source}]") for e in builtin_experiments().values()]


# ------------------------------------------------------------------------------------- run


def _parse_point(text: str) -> tuple[float, ...]:
    try:
        values = tuple(float(part) for part in text.split(","))
    except ValueError:
        raise click.BadParameter(
            f"'{text}' is not a list of numbers (write X or X,Y; use --start=-1.5,2 for "
            "negative numbers)",
            param_hint="'--start'",
        ) from None
    if not all(abs(v) < float("inf") for v in values):
        raise click.BadParameter("coordinates must be finite", param_hint="'--start'")
    return values


def _parse_float(value: str, name: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise click.BadParameter(f"'{value}' is not a number", param_hint=name) from None
    return number


@cli.command("run")
@click.option(
    "--landscape", "-l", metavar="NAME", help="A built-in landscape (see `gdviz list landscapes`)."
)
@click.option(
    "--expr", "-e", metavar="FORMULA", help='Your own formula in x (and y), e.g. "x**2 + 3*sin(y)".'
)
@click.option(
    "--optimizer",
    "-o",
    metavar="NAME",
    required=True,
    help="sgd, adam, rmsprop, ... or a preset: gd, momentum, nesterov.",
)
@click.option(
    "--start",
    "-s",
    metavar="X[,Y]",
    required=True,
    help="Starting point, one number per variable (--start=-1.5,2).",
)
@click.option(
    "--steps",
    "-n",
    type=click.IntRange(0, 10_000_000),
    default=100,
    show_default=True,
    help="Maximum number of updates.",
)
@click.option(
    "--lr", metavar="LR", help="Learning rate [default: torch.optim's default for the optimizer]."
)
@click.option(
    "--param",
    "-p",
    "params",
    metavar="KEY=VALUE",
    multiple=True,
    help="A torch hyperparameter: momentum=0.9, nesterov=true, betas=0.9,0.999. Repeatable.",
)
@click.option(
    "--schedule",
    metavar="KIND[:k=v,...]",
    help="exponential:gamma=0.99, step:step_size=50,gamma=0.5, cosine:T_max=100,eta_min=0.001, ...",
)
@click.option(
    "--tol",
    default="1e-6",
    show_default=True,
    metavar="TOL",
    help="Stop when the gradient norm is below TOL; 0 runs exactly --steps updates "
    "unless it diverges.",
)
@click.option(
    "--loss-tol",
    default="0",
    show_default=True,
    metavar="TOL",
    help="Stop when the loss changes by less than TOL in one step; 0 disables.",
)
@click.option(
    "--format",
    "-f",
    "fmt",
    type=click.Choice(["table", "csv", "json"]),
    help="Output format [default: table on a terminal, else csv; or from --output's suffix].",
)
@click.option(
    "--output",
    "-O",
    type=click.Path(dir_okay=False, writable=False, path_type=Path),
    help="Write to FILE (atomically) instead of standard output.",
)
def run_command(
    landscape: str | None,
    expr: str | None,
    optimizer: str,
    start: str,
    steps: int,
    lr: str | None,
    params: tuple[str, ...],
    schedule: str | None,
    tol: str,
    loss_tol: str,
    fmt: str | None,
    output: Path | None,
) -> None:
    """Run one optimizer from one start and print the trajectory.

    \b
    Output columns: step, one per variable, loss, grad_norm, lr (row 0 is the start).
    The run ends as converged, diverged or max_steps.
    """
    from gdviz import optimizers
    from gdviz.descent import descend
    from gdviz.expression import ExpressionError
    from gdviz.landscapes import from_expression, get_landscape
    from gdviz.schedules import parse_schedule
    from gdviz.trajectory import Trajectory

    if (landscape is None) == (expr is None):
        raise click.UsageError("give exactly one of --landscape NAME or --expr FORMULA")
    try:
        surface = get_landscape(landscape) if landscape else from_expression(str(expr))
    except ExpressionError as error:
        raise click.BadParameter(str(error), param_hint="'--expr'") from None
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="'--landscape'") from None

    point = _parse_point(start)
    if len(point) != surface.dim:
        raise click.BadParameter(
            f"{surface.name} has {surface.dim} variable(s) ({', '.join(surface.variables)}), "
            f"got {len(point)} coordinate(s)",
            param_hint="'--start'",
        )

    hyperparams: dict[str, Any] = {}
    for item in params:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise click.BadParameter(f"'{item}' is not KEY=VALUE", param_hint="'--param'")
        try:
            hyperparams[key.strip()] = optimizers.parse_hyperparameter(
                optimizer, key.strip(), value.strip()
            )
        except ValueError as error:
            raise click.BadParameter(str(error), param_hint="'--param'") from None
    try:
        opt = optimizers.make_optimizer(optimizer, **hyperparams)
    except ValueError as error:
        hint = (
            "'--param'"
            if hyperparams and optimizer in optimizers.optimizer_names()
            else "'--optimizer'"
        )
        raise click.BadParameter(str(error), param_hint=hint) from None

    rate = _parse_float(lr, "'--lr'") if lr is not None else optimizers.default_lr(optimizer)
    try:
        optimizers.validate_lr(rate)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="'--lr'") from None
    try:
        sched = parse_schedule(schedule) if schedule else None
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="'--schedule'") from None
    grad_tol = _parse_float(tol, "'--tol'")
    change_tol = _parse_float(loss_tol, "'--loss-tol'")
    for number, hint in ((grad_tol, "'--tol'"), (change_tol, "'--loss-tol'")):
        if not number >= 0 or number == float("inf"):
            raise click.BadParameter("must be a finite number ≥ 0", param_hint=hint)

    if fmt is None:
        suffix = output.suffix.lower().lstrip(".") if output else ""
        if suffix in ("csv", "json"):
            fmt = suffix
        elif output is None and sys.stdout.isatty():
            fmt = "table"
        else:
            fmt = "csv" if output is None else "table"
    if output is not None:
        _check_output_file(output)

    trajectory = descend(
        surface,
        opt,
        point,
        lr=rate,
        steps=steps,
        schedule=sched,
        grad_tol=grad_tol,
        loss_tol=change_tol,
    )
    assert isinstance(trajectory, Trajectory)  # one start and one rate make a single run
    if fmt == "csv":
        text = trajectory.to_csv()
    elif fmt == "json":
        text = trajectory.to_json()
    else:
        from gdviz.textview import format_table

        text = format_table(trajectory, surface) + "\n"
    if output is None:
        click.echo(text, nl=False)
    else:
        from gdviz.atomic import atomic_write

        try:
            atomic_write(output, text.encode())
        except OSError as error:
            raise click.BadParameter(
                f"cannot write {output}: {error.strerror or error}", param_hint="'--output'"
            ) from None
        click.echo(f"wrote {output} ({trajectory.status} after {trajectory.steps} steps)", err=True)


def _check_output_file(path: Path) -> None:
    """Fail before any work if ``path`` cannot be written (parent missing is created later)."""
    parent = path.parent
    while not parent.exists():
        parent = parent.parent
    if path.is_dir():
        raise click.BadParameter(f"{path} is a directory", param_hint="'--output'")
    if not parent.is_dir() or not os.access(parent, os.W_OK):
        raise click.BadParameter(
            f"cannot write {path}: {parent} is not a writable directory", param_hint="'--output'"
        )


# --------------------------------------------------------------------------------- figures


@cli.command("figures")
@click.argument("names", nargs=-1, metavar="[NAME]...")
@click.option(
    "--output",
    "-O",
    default="build/figures",
    show_default=True,
    metavar="DIR",
    type=click.Path(path_type=Path),
    help="Directory to write <name>.<format> files into (created if missing).",
)
@click.option(
    "--format",
    "-f",
    "formats",
    default="png,svg",
    show_default=True,
    metavar="FMT[,FMT]",
    help="Comma-separated formats: png, svg, pdf.",
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
@click.option(
    "--config",
    metavar="FILE.toml",
    type=click.Path(path_type=Path),
    help="Your experiments: draw the gallery's figures that apply to them, named "
    "<figure>-<experiment>.",
)
@click.option(
    "--list",
    "list_only",
    is_flag=True,
    help="List the figures (with --config, yours too) and exit.",
)
def figures_command(
    names: tuple[str, ...],
    output: Path,
    formats: str,
    theme: str,
    dpi: int,
    config: Path | None,
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
      gdviz figures --config my.toml --output post/img
    """
    import time

    from gdviz.experiments import ExperimentError, load_experiments
    from gdviz.figures import (
        FigureError,
        available_figures,
        check_request,
        prepare_output,
        render_figures,
    )

    experiments = None
    if config is not None:
        try:
            experiments = load_experiments(config)
        except ExperimentError as error:
            raise click.BadParameter(str(error), param_hint="'--config'") from None
    if list_only:
        for name, spec in available_figures(experiments).items():
            click.echo(f"  {name:<32} {spec.title}")
        return
    chosen = [part.strip().lower() for part in formats.split(",") if part.strip()]
    hints = {
        "format": "'--format'",
        "theme": "'--theme'",
        "dpi": "'--dpi'",
        "output": "'--output'",
        "config": "'--config'",
    }
    try:
        specs = check_request(list(names), chosen, theme, dpi, experiments)
        prepare_output(output)
    except FigureError as error:
        if error.param == "name":
            raise click.UsageError(str(error)) from None
        raise click.BadParameter(str(error), param_hint=hints[error.param]) from None

    started = time.perf_counter()
    click.echo(f"building {len(specs)} figure(s) as {', '.join(chosen)} into {output}", err=True)

    def report(name: str, seconds: float) -> None:
        click.echo(f"  {name:<32} {seconds:6.2f} s", err=True)

    try:
        paths = render_figures(
            [spec.name for spec in specs],
            output,
            chosen,
            theme,
            dpi,
            experiments,
            progress=report,
        )
    except FigureError as error:
        hint = hints.get(error.param, "'--output'")
        raise click.BadParameter(str(error), param_hint=hint) from None
    except OSError as error:
        reason = f"cannot write to {output}: {error.strerror or error}"
        raise click.BadParameter(reason, param_hint="'--output'") from None
    seconds = time.perf_counter() - started
    click.echo(f"wrote {len(paths)} file(s) to {output} in {seconds:.1f} s", err=True)


# ---------------------------------------------------------------------------------- report


@cli.command("report")
@click.option(
    "--output",
    "-O",
    type=click.Path(path_type=Path),
    default=Path("build/report"),
    show_default=True,
    help="Directory for index.html (and assets/ unless --single-file).",
)
@click.option(
    "--title", metavar="TEXT", help="Title of the page [default: Gradient descent, made visible]."
)
@click.option(
    "--config",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    metavar="FILE.toml",
    help="Your experiments (TOML), added as chapters.",
)
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
def report_command(
    output: Path,
    title: str | None,
    config: Path | None,
    videos: bool,
    quality: str,
    single_file: bool,
) -> None:
    """Build the offline HTML report: chapters, figures, videos and an interactive explorer.

    \b
    Examples:
      gdviz report                       # build/report/index.html + build/report/assets/
      gdviz report --no-videos --single-file --output /tmp/gd
      gdviz report --config my-experiments.toml --title "Week 3: optimizers"
    """
    from gdviz.experiments import ExperimentError, load_experiments
    from gdviz.report import DEFAULT_TITLE, ReportError, ReportOptions, build_report

    try:
        user = load_experiments(config) if config is not None else {}
    except ExperimentError as error:
        raise click.BadParameter(str(error), param_hint="'--config'") from None
    options = ReportOptions(
        output=output,
        title=DEFAULT_TITLE if title is None else title,
        videos=videos,
        quality=quality,
        single_file=single_file,
        user_experiments=user,
    )
    try:
        result = build_report(
            options, progress=lambda message: click.echo(f"report: {message}", err=True)
        )
    except ReportError as error:
        raise click.UsageError(str(error)) from None
    total = sum(result.seconds.values())
    click.echo(
        f"wrote {result.page} ({result.size / 1e6:.1f} MB, "
        f"{len(result.videos)} videos) in {total:.1f} s",
        err=True,
    )


# ----------------------------------------------------------------------------------- video


@cli.command("video")
@click.argument("scenes", nargs=-1, metavar="[SCENE]...")
@click.option(
    "--quality",
    "-q",
    type=click.Choice(["low", "medium", "high", "4k"]),
    default="high",
    show_default=True,
    help="low 480p15, medium 720p30, high 1080p60, 4k 2160p60.",
)
@click.option(
    "--output",
    "-O",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("build/videos"),
    show_default=True,
    help="Directory for <scene>.mp4 and the poster <scene>.png.",
)
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
def video_command(
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
    from gdviz.names import unknown_name_message

    if list_only:
        for info in video.SCENES.values():
            click.echo(f"  {info.name:<14} {info.description}")
        return
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
        from gdviz.atomic import check_writable_dir

        check_writable_dir(output)
    except OSError as error:
        raise click.BadParameter(
            f"cannot write to {output}: {error}", param_hint="'--output'"
        ) from None
    try:
        results = video.render_videos(
            list(dict.fromkeys(scenes)) or None,
            output_dir=output,
            quality=quality,
            formats=tuple(dict.fromkeys(("mp4", *formats))),
            landscape=landscape,
            force=force,
        )
    except video.VideoError as error:
        raise click.ClickException(str(error)) from None
    except (ValueError, video.VideoUnavailable) as error:
        raise click.UsageError(str(error)) from None
    rendered = sum(r.rendered for r in results)
    click.echo(f"{rendered} rendered, {len(results) - rendered} up to date in {output}", err=True)


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="gdviz")


if __name__ == "__main__":
    main()
