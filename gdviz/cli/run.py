"""``gdviz run``: one optimizer from one start, printed or written as a table, CSV, JSON or NPZ."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click
from click.core import ParameterSource

from gdviz.cli.options import (
    batch_size_option,
    check_batch_landscape,
    check_seed_option,
    console,
    file_output_option,
    verbosity_options,
)
from gdviz.cli.types import FORMULA, LANDSCAPE, NONNEGATIVE, NUMBER, POINT, SCHEDULE, HyperParameter
from gdviz.descent import DEFAULT_GRAD_TOL, DEFAULT_LOSS_TOL, DEFAULT_STEPS

#: The most steps ``gdviz run`` (and the page core, which emulates it) accepts.
MAX_STEPS = 10_000_000

#: Output formats; files take theirs from the suffix unless --format says otherwise.
FORMATS = ("table", "csv", "json", "npz")
_SUFFIXES = {".csv": "csv", ".json": "json", ".npz": "npz", ".txt": "table"}


@click.command("run")
@click.option(
    "--landscape",
    "-l",
    "surface",
    type=LANDSCAPE,
    metavar="NAME",
    help="A built-in landscape (see `gdviz list landscapes`).",
)
@click.option(
    "--expr",
    "-e",
    "formula",
    type=FORMULA,
    metavar="FORMULA",
    help='Your own formula in x (and y), e.g. "x**2 + 3*sin(y)".',
)
@click.option(
    "--optimizer",
    required=True,
    metavar="NAME",
    help="sgd, adam, rmsprop, ... or a preset: gd, momentum, nesterov.",
)
@click.option(
    "--start",
    "-s",
    type=POINT,
    metavar="X[,Y]",
    help="Starting point, one number per variable (--start=-1.5,2) [default: the "
    "landscape's own start where it declares one, e.g. mlp-moons' recorded initialisation].",
)
@click.option(
    "--steps",
    "-n",
    type=click.IntRange(0, MAX_STEPS),
    default=DEFAULT_STEPS,
    show_default=True,
    help="Maximum number of updates.",
)
@click.option(
    "--lr",
    type=NUMBER,
    metavar="LR",
    help="Learning rate [default: torch.optim's default for the optimizer].",
)
@click.option(
    "--param",
    "-p",
    "params",
    type=HyperParameter(),
    metavar="KEY=VALUE",
    multiple=True,
    help="A torch hyperparameter: momentum=0.9, nesterov=true, betas=0.9,0.999. Repeatable.",
)
@click.option(
    "--schedule",
    type=SCHEDULE,
    metavar="KIND[:k=v,...]",
    help="exponential:gamma=0.99, step:step_size=50,gamma=0.5, cosine:T_max=100,eta_min=0.001, ...",
)
@click.option(
    "--tol",
    type=NONNEGATIVE,
    default=DEFAULT_GRAD_TOL,
    show_default=True,
    metavar="TOL",
    help="Stop when the gradient norm is below TOL; 0 runs exactly "
    "--steps updates unless it diverges.",
)
@click.option(
    "--loss-tol",
    type=NONNEGATIVE,
    default=DEFAULT_LOSS_TOL,
    show_default=True,
    metavar="TOL",
    help="Stop when the loss changes by less than TOL in one step; 0 disables.",
)
@batch_size_option
@click.option(
    "--seed",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    metavar="SEED",
    help="The minibatch permutations' seed (needs --batch-size).",
)
@click.option(
    "--format",
    "-f",
    "fmt",
    type=click.Choice(FORMATS),
    help="Output format [default: from --output's suffix (.csv, .json, .npz, .txt); "
    "on standard output a table on a terminal, else csv].",
)
@file_output_option("Write to FILE (atomically) instead of standard output; - is stdout.")
@verbosity_options
def command(
    surface: Any,
    formula: Any,
    optimizer: str,
    start: tuple[float, ...] | None,
    steps: int,
    lr: float | None,
    params: tuple[tuple[str, str], ...],
    schedule: Any,
    tol: float,
    loss_tol: float,
    batch_size: int | None,
    seed: int,
    fmt: str | None,
    output: Path | None,
) -> None:
    """Run one optimizer from one start and print the trajectory.

    \b
    Output columns: step, one per variable, loss, grad_norm, lr (row 0 is the start).
    With --batch-size, loss and grad_norm are on the full data set and two columns follow:
    epoch and batch_loss (the loss on the slice of the next update; JSON adds each
    step's sample indices as "batches").
    The run ends as converged, diverged or max_steps.
    """
    from gdviz.descent import descend

    landscape = _landscape(surface, formula)
    start = _start(landscape, start)
    check_batch_landscape(landscape, batch_size)
    source = click.get_current_context().get_parameter_source("seed")
    check_seed_option("--seed", source is ParameterSource.COMMANDLINE, batch_size)
    _check_budget(landscape, steps, batch_size)
    opt, rate = _optimizer(optimizer, params, lr)
    fmt = output_format(fmt, output)
    try:
        trajectory = descend(
            landscape,
            opt,
            start,
            lr=rate,
            steps=steps,
            schedule=schedule,
            grad_tol=tol,
            loss_tol=loss_tol,
            batch_size=batch_size,
            seed=seed,
        )
    except ValueError as error:  # a start where the loss or gradient is not finite
        raise click.BadParameter(str(error), param_hint="'--start'") from None
    write(trajectory, landscape, fmt, output)


def _landscape(surface: Any, formula: Any) -> Any:
    if (surface is None) == (formula is None):
        raise click.UsageError("give exactly one of --landscape NAME or --expr FORMULA")
    return surface if surface is not None else formula


def _start(landscape: Any, start: tuple[float, ...] | None) -> tuple[float, ...]:
    """The start given, checked; else the landscape's declared default start."""
    if start is None:
        if not landscape.starts:
            raise click.UsageError(
                "give a starting point: --start, one number per variable "
                f"({', '.join(landscape.variables)})"
            )
        return tuple(landscape.starts[0])
    if len(start) != landscape.dim:
        from gdviz.textview import variables_text

        wide = variables_text(landscape) != ", ".join(landscape.variables)
        has = (
            variables_text(landscape)
            if wide
            else f"{landscape.dim} variable(s) ({', '.join(landscape.variables)})"
        )
        raise click.BadParameter(
            f"{landscape.name} has {has}, got {len(start)} coordinate(s)",
            param_hint="'--start'",
        )
    return start


def _check_budget(landscape: Any, steps: int, batch_size: int | None) -> None:
    from gdviz.budget import BudgetError, check_memory

    samples = batch_size if batch_size is not None and batch_size < landscape.data.n else 0

    try:
        check_memory(
            "this run",
            starts=1,
            runs=1,
            steps=steps,
            variables=landscape.dim,
            stochastic=samples > 0,
            samples=samples,
            remedy="use fewer --steps",
        )
    except BudgetError as error:
        raise click.BadParameter(str(error), param_hint="'--steps'") from None


def _optimizer(name: str, params: tuple[tuple[str, str], ...], lr: float | None) -> Any:
    """The optimizer with its hyperparameters, and the learning rate (torch's by default)."""
    from gdviz import optimizers

    hyper: dict[str, Any] = {}
    try:
        for key, text in params:
            hyper[key] = optimizers.parse_hyperparameter(name, key, text)
    except ValueError as error:
        hint = "'--param'" if name.strip().lower() in optimizers.optimizer_names() else None
        raise click.BadParameter(str(error), param_hint=hint or "'--optimizer'") from None
    try:
        opt = optimizers.make_optimizer(name, **hyper)
    except ValueError as error:
        hint = "'--param'" if hyper and name in optimizers.optimizer_names() else "'--optimizer'"
        raise click.BadParameter(str(error), param_hint=hint) from None
    rate = optimizers.default_lr(name) if lr is None else lr
    try:
        optimizers.validate_lr(rate)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="'--lr'") from None
    return opt, rate


def _to_stdout(output: Path | None) -> bool:
    return output is None or str(output) == "-"


def output_format(fmt: str | None, output: Path | None) -> str:
    """The format asked for, else the one the output's suffix names; checks the target."""
    if not _to_stdout(output):
        assert output is not None
        _check_output_file(output)
        if fmt is None:
            fmt = _SUFFIXES.get(output.suffix.lower())
            if fmt is None:
                raise click.BadParameter(
                    f"cannot tell the format of '{output.name}' from its suffix; "
                    "use .csv, .json, .npz or .txt, or say --format",
                    param_hint="'--output'",
                )
        return fmt
    if fmt == "npz" and sys.stdout.isatty():
        raise click.BadParameter(
            "npz is binary: write it to a file (-o run.npz) or a pipe", param_hint="'--format'"
        )
    return fmt or ("table" if sys.stdout.isatty() else "csv")


def _check_output_file(path: Path) -> None:
    """Fail before any work if ``path`` cannot be written (:func:`gdviz.atomic.inspect_target`:
    a directory, a read-only file, a too-long name...)."""
    from gdviz.atomic import OutputError, inspect_target

    try:
        inspect_target(path)
    except OutputError as error:
        raise click.BadParameter(str(error), param_hint="'--output'") from None


def write(trajectory: Any, landscape: Any, fmt: str, output: Path | None) -> None:
    """Print the run on stdout, or write it atomically to ``output``."""
    if fmt == "table":
        from gdviz.textview import format_table

        data = (format_table(trajectory, landscape) + "\n").encode()
    else:
        data = trajectory.encode(fmt)
    if _to_stdout(output):
        click.echo(data, nl=False)
        return
    from gdviz.atomic import OutputError, atomic_write

    assert output is not None
    try:
        atomic_write(output, data)
    except OSError as error:
        raise click.BadParameter(
            str(OutputError.wrap(error, output)), param_hint="'--output'"
        ) from None
    console().say(f"wrote {output} ({trajectory.status} after {trajectory.steps} steps)")
