"""``gdviz completion SHELL``: click's own completion script for bash, zsh or fish."""

from __future__ import annotations

import click

from gdviz.cli.options import verbosity_options

SHELLS = ("bash", "zsh", "fish")


@click.command("completion")
@click.argument("shell", type=click.Choice(SHELLS))
@verbosity_options
def command(shell: str) -> None:
    """Print the completion script for SHELL; add it to your shell's start-up file.

    \b
    Examples:
      gdviz completion bash >> ~/.bashrc
      gdviz completion zsh > ~/.zfunc/_gdviz
      gdviz completion fish > ~/.config/fish/completions/gdviz.fish
    """
    from click.shell_completion import get_completion_class

    from gdviz.cli.app import cli

    completion = get_completion_class(shell)
    assert completion is not None  # click ships all three
    click.echo(completion(cli, {}, "gdviz", "_GDVIZ_COMPLETE").source())
