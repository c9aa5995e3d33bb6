"""The ``gdviz`` group: one-line errors, version, and the commands (imported lazily).

Errors are one line on stderr with exit code 2 (``click.UsageError``/``BadParameter``); no
traceback reaches a user (``GDVIZ_DEBUG=1`` shows one for an internal error). Each command
lives in its own module of this package and imports heavy libraries only when it runs, so
``gdviz --help`` and ``gdviz run`` on a built-in load neither sympy nor matplotlib.
"""

from __future__ import annotations

import importlib
import os
import sys
from typing import Any

import click

from gdviz import __version__
from gdviz.cli.options import Console

__all__ = ["COMMANDS", "GdvizGroup", "cli", "main"]

#: command name -> (module of this package, one-line summary for ``--help``)
COMMANDS: dict[str, tuple[str, str]] = {
    "list": ("listing", "List landscapes, optimizers, schedules or experiments."),
    "run": ("run", "Run one optimizer from one start and print the trajectory."),
    "figures": ("figures", "Build the blog-figure gallery (SVG, PNG, PDF)."),
    "video": ("video", "Render the Manim lecture videos."),
    "report": ("report", "Build the offline HTML report."),
    "tune": ("tune", "A fair race: tune every optimizer under one protocol, write the winners."),
    "cache": ("cache", "Show or clear the cache of rendered videos and formulas."),
    "completion": ("completion", "Print a shell-completion script (bash, zsh or fish)."),
}


class GdvizGroup(click.Group):
    """Lazily loaded commands; every error printed as a single ``Error: ...`` line."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        """The command names, in the order of :data:`COMMANDS`."""
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        """Import the module of command ``name`` only now (lazy start-up)."""
        if name not in COMMANDS:
            return None
        module = importlib.import_module(f"gdviz.cli.{COMMANDS[name][0]}")
        command: click.Command = module.command
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """List the commands with their summaries from :data:`COMMANDS`."""
        # the summaries come from COMMANDS, so `gdviz --help` imports no command module
        with formatter.section("Commands"):
            formatter.write_dl([(name, summary) for name, (_, summary) in COMMANDS.items()])

    def main(
        self,
        args: Any = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        """Run the command line; every error a user can cause ends as one ``Error:`` line on
        stderr with click's exit code (2 for usage, 1 otherwise), never a traceback."""
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
        except BrokenPipeError:  # `gdviz run ... | head`: the reader left; that is fine
            sys.stderr.close()
            sys.exit(0)
        except Exception as error:  # an internal error: one line, unless debugging
            if os.environ.get("GDVIZ_DEBUG"):
                raise
            click.echo(f"Error: internal error: {type(error).__name__}: {error}", err=True)
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)


@click.group(cls=GdvizGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="gdviz")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """gdviz — make gradient descent visible.

    Run optimizers exactly as torch.optim does, on built-in landscapes or your own formula,
    and turn the trajectories into figures, lecture videos and an offline HTML report.

    \b
    Examples:
      gdviz list landscapes
      gdviz run --landscape rosenbrock --optimizer adam --lr 0.01 --start=-1.5,2
      gdviz run --expr "x**2 + 3*sin(y)" --optimizer momentum --start 2,1 -o run.csv
      gdviz completion bash >> ~/.bashrc
    """
    ctx.obj = Console()


def main() -> None:
    """Console-script entry point (also ``python -m gdviz``)."""
    cli(prog_name="gdviz")
