"""Options every command shares, declared once: output, verbosity, config files.

Verbosity travels in the click context (:class:`Console`), never in a global: ``-q`` keeps
stderr for errors only, ``-v`` adds detail. Progress goes to stderr, data to stdout.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import click

__all__ = [
    "Console",
    "config_option",
    "console",
    "dir_output_option",
    "file_output_option",
    "verbosity_options",
]

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class Console:
    """Where a command reports progress: stderr, at a verbosity of 0 (quiet), 1 or 2."""

    level: int = 1

    def say(self, message: str, level: int = 1) -> None:
        """Print ``message`` to stderr if the verbosity is at least ``level``."""
        if self.level >= level:
            click.echo(message, err=True)

    def detail(self, message: str) -> None:
        """Print ``message`` with ``-v`` only."""
        self.say(message, 2)


def console() -> Console:
    """The current command's :class:`Console` (default verbosity outside a command)."""
    ctx = click.get_current_context(silent=True)
    found = ctx.find_object(Console) if ctx is not None else None
    return found or Console()


def _set_level(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    quiet = param.name == "quiet"
    if value:
        current = ctx.find_object(Console) or Console()
        if quiet or current.level > 0:
            ctx.obj = Console(0 if quiet else 2)
    return value


def verbosity_options(function: F) -> F:
    """``-q/--quiet`` (errors only) and ``-v/--verbose`` (more detail)."""
    function = click.option(
        "-v",
        "--verbose",
        is_flag=True,
        expose_value=False,
        callback=_set_level,
        help="Print more detail on stderr.",
    )(function)
    return click.option(
        "-q",
        "--quiet",
        is_flag=True,
        expose_value=False,
        is_eager=True,
        callback=_set_level,
        help="Print nothing but errors.",
    )(function)


def file_output_option(help_text: str) -> Callable[[F], F]:
    """``-o/--output FILE``; ``-`` is standard output."""
    return click.option(
        "-o",
        "--output",
        metavar="FILE",
        type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
        help=help_text,
    )


def _no_dash(ctx: click.Context, param: click.Parameter, value: Path) -> Path:
    if str(value) == "-":
        raise click.BadParameter("this command writes a directory, not standard output", ctx, param)
    return value


def dir_output_option(default: str, help_text: str) -> Callable[[F], F]:
    """``-o/--output DIR`` with a default directory (created if missing)."""
    return click.option(
        "-o",
        "--output",
        metavar="DIR",
        default=Path(default),
        show_default=True,
        type=click.Path(path_type=Path),
        callback=_no_dash,
        help=help_text,
    )


def config_option(help_text: str) -> Callable[[F], F]:
    """``--config FILE.toml``: the user's experiments, loaded and checked."""

    def load(ctx: click.Context, param: click.Parameter, value: Path | None) -> Any:
        if value is None:
            return None
        from gdviz.experiments import ExperimentError, load_experiments

        try:
            return load_experiments(value)
        except ExperimentError as error:
            raise click.BadParameter(str(error), ctx, param) from None

    return click.option(
        "--config",
        metavar="FILE.toml",
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        callback=load,
        help=help_text,
    )


def batch_size_option(function: F) -> F:
    """``--batch-size B``: minibatch SGD on a data landscape (:mod:`gdviz.batches`)."""
    return click.option(
        "--batch-size",
        type=click.IntRange(min=1),
        metavar="B",
        help="Data landscapes: minibatch SGD, B samples per step (each epoch walks "
        "numpy.random.default_rng(SEED).permutation(n) in slices of B) [default: full batch].",
    )(function)


def check_seed_option(option: str, given: bool, batch_size: int | None) -> None:
    """A minibatch seed option given without ``--batch-size`` is a one-line usage error (it
    would change nothing: a full-batch run draws no samples)."""
    if given and batch_size is None:
        raise click.BadParameter("needs --batch-size (minibatch seeds)", param_hint=f"'{option}'")


def check_batch_landscape(landscape: Any, batch_size: int | None) -> None:
    """``--batch-size`` on a landscape without data is a one-line usage error."""
    if batch_size is not None and landscape.data is None:
        raise click.BadParameter(
            f"{landscape.name} has no data set: minibatches need a data landscape "
            "(see `gdviz list landscapes`)",
            param_hint="'--batch-size'",
        )
