"""``gdviz tune``: a fair race — every optimizer tuned under one protocol, the winners as TOML."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from gdviz.cli.options import (
    batch_size_option,
    check_batch_landscape,
    check_seed_option,
    console,
    file_output_option,
    verbosity_options,
)
from gdviz.cli.types import LANDSCAPE, POINT, POSITIVE

#: Most steps per run ``gdviz tune`` accepts.
MAX_STEPS = 100_000


@click.command("tune")
@click.option(
    "--landscape",
    "-l",
    "surface",
    type=LANDSCAPE,
    default="rosenbrock",
    show_default=True,
    metavar="NAME",
    help="A built-in landscape (see `gdviz list landscapes`).",
)
@click.option(
    "--optimizer",
    "optimizers",
    metavar="NAME",
    multiple=True,
    help="A competitor (repeatable) [default: every optimizer and preset].",
)
@click.option(
    "--steps",
    "-n",
    type=click.IntRange(1, MAX_STEPS),
    default=500,
    show_default=True,
    help="The budget: updates per run (a run that never finishes scores this).",
)
@click.option(
    "--lr-range",
    type=(POSITIVE, POSITIVE),
    default=(1e-5, 10.0),
    show_default=True,
    metavar="LO HI",
    help="The learning-rate grid's ends (log-spaced).",
)
@click.option(
    "--lr-count",
    type=click.IntRange(1, 256),
    default=16,
    show_default=True,
    help="Learning rates on the grid.",
)
@click.option(
    "--momentum",
    "momenta",
    type=click.FloatRange(0.0, 1.0, max_open=True),
    multiple=True,
    metavar="MU",
    help="A momentum / beta1 value to try, for the optimizers that have one (repeatable) "
    "[default: 0, 0.5, 0.9, 0.99].",
)
@click.option(
    "--grid",
    type=click.IntRange(1, 64),
    default=8,
    show_default=True,
    help="Starts per side: a GRID × GRID grid over the landscape's plotting bounds.",
)
@batch_size_option
@click.option(
    "--seeds",
    type=click.IntRange(1, 1024),
    metavar="N",
    help="With --batch-size: every configuration runs under seeds 0 … N-1 from every start "
    "(default then: the landscape's first start instead of a grid).",
)
@click.option(
    "--show-start",
    type=POINT,
    metavar="X,Y",
    help="Where the written experiment starts [default: the landscape's first start].",
)
@click.option(
    "--top",
    type=click.IntRange(1, None),
    metavar="N",
    help="Write only the N best optimizers into the experiment [default: all; the surface "
    "scene draws at most 4 runs, the race 12].",
)
@click.option(
    "--name",
    default=None,
    metavar="NAME",
    help="The written experiment's name [default: tuned-<landscape>].",
)
@file_output_option("Write the winners as a TOML experiment to FILE (atomically); - is stdout.")
@verbosity_options
def command(
    surface: Any,
    optimizers: tuple[str, ...],
    steps: int,
    lr_range: tuple[float, float],
    lr_count: int,
    momenta: tuple[float, ...],
    grid: int,
    batch_size: int | None,
    seeds: int | None,
    show_start: tuple[float, ...] | None,
    top: int | None,
    name: str | None,
    output: Path | None,
) -> None:
    """Tune every optimizer's learning rate (and momentum or beta1) under one protocol.

    Each optimizer gets the same learning-rate grid, the same starts and the same step
    budget; a configuration scores the median step at which its runs reach the finish line
    (L - L* < 0.001, or a gradient norm below 1e-6), ties broken by the median final loss.
    The protocol and the winners are printed; -o writes them as an experiment that
    `gdviz figures --config`, `gdviz video --config` and `gdviz report --config` take.

    \b
    Examples:
      gdviz tune -o tuned.toml
      gdviz tune --top 4 -o top4.toml
      gdviz tune -l logistic-regression --batch-size 5 --seeds 16 --steps 300
      gdviz tune --landscape valley --optimizer adam --optimizer momentum --steps 300
      gdviz video race --config tuned.toml --experiment tuned-rosenbrock --quality low
    """
    import numpy as np

    from gdviz.budget import BudgetError
    from gdviz.tuning import DEFAULT_MOMENTA, start_grid, tune

    say = console()
    low, high = lr_range
    _check_arguments(surface, optimizers, lr_range, lr_count, name, show_start)
    check_seed_option("--seeds", seeds is not None, batch_size)
    check_batch_landscape(surface, batch_size)
    starts = None
    if seeds is None or not surface.starts:
        try:
            starts = start_grid(surface, grid)
        except ValueError as error:
            raise click.BadParameter(str(error), param_hint="'--landscape'") from None
    to_stdout = output is not None and str(output) == "-"
    if output is not None and not to_stdout:
        _check_output(output)
    lrs = np.geomspace(low, high, lr_count) if lr_count > 1 else np.array([low])
    try:
        result = tune(
            surface,
            optimizers or None,
            lrs=lrs,
            momenta=momenta or DEFAULT_MOMENTA,
            starts=starts,
            steps=steps,
            batch_size=batch_size,
            seeds=range(seeds) if seeds is not None else None,
            progress=lambda n, s: say.say(f"  {n:<10} {s:6.2f} s"),
        )
        text = result.to_toml(name, show_start, top)
    except BudgetError as error:
        raise click.UsageError(str(error)) from None
    except ValueError as error:
        raise click.UsageError(str(error)) from None
    report = "\n".join(_report(result)) + "\n"
    done = f"tuned {len(result.winners)} optimizer(s), {result.protocol.runs:,} runs"
    if to_stdout:
        click.echo(report, nl=False, err=True)
        click.echo(text, nl=False)
        say.say(done)
        return
    click.echo(report, nl=False)
    sys.stdout.flush()
    say.say(done)
    if output is not None:
        _write(output, text)
        say.say(f"wrote {output} (experiment {result.experiment(name).name})")


def _report(result: Any) -> list[str]:
    """The protocol, then the winners as an aligned table."""
    from gdviz.textview import aligned

    lines = ["Protocol", *(f"  {line}" for line in result.protocol.lines()), "", "Winners"]
    header = ("rank", "optimizer", "lr", "momentum", "median steps", "finished", "median loss")
    lines += [f"  {row}" for row in aligned([header, *result.table_rows()])]
    return lines


def _check_output(path: Path) -> None:
    from gdviz.atomic import OutputError, inspect_target

    try:
        inspect_target(path)
    except OutputError as error:
        raise click.BadParameter(str(error), param_hint="'--output'") from None


def _write(path: Path, text: str) -> None:
    from gdviz.atomic import OutputError, atomic_write

    try:
        atomic_write(path, text.encode())
    except OSError as error:
        raise click.BadParameter(
            str(OutputError.wrap(error, path)), param_hint="'--output'"
        ) from None


def _check_arguments(
    surface: Any,
    optimizers: tuple[str, ...],
    lr_range: tuple[float, float],
    lr_count: int,
    name: str | None,
    show_start: tuple[float, ...] | None,
) -> None:
    """The checks click's types cannot make alone, each a one-line usage error."""
    from gdviz.names import check_name
    from gdviz.optimizers import make_optimizer

    if not lr_range[0] < lr_range[1] and lr_count > 1:
        raise click.BadParameter("LO must be below HI", param_hint="'--lr-range'")
    for optimizer in optimizers:
        try:
            make_optimizer(optimizer)
        except ValueError as error:
            raise click.BadParameter(str(error), param_hint="'--optimizer'") from None
    if name is not None:
        try:
            check_name("experiment", name)
        except ValueError as error:
            raise click.BadParameter(str(error), param_hint="'--name'") from None
    if show_start is not None and len(show_start) != surface.dim:
        raise click.BadParameter(
            f"{surface.name} needs {surface.dim} coordinate(s), got {len(show_start)}",
            param_hint="'--show-start'",
        )
