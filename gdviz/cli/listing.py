"""``gdviz list``: the catalogues, one line per entry."""

from __future__ import annotations

import textwrap

import click

from gdviz.cli.options import verbosity_options

CATEGORIES = ("landscapes", "optimizers", "schedules", "experiments")
#: Lines are wrapped to this width, continuation lines aligned under the summary.
WIDTH = 100


def catalogue(category: str) -> list[tuple[str, str]]:
    """``(name, summary)`` pairs of one catalogue."""
    if category == "landscapes":
        from gdviz.landscapes import get_landscape, landscape_names
        from gdviz.textview import variables_text

        return [
            (name, f"{land.pretty}  ({variables_text(land)})")
            for name, land in ((n, get_landscape(n)) for n in landscape_names())
        ]
    if category == "optimizers":
        from gdviz import optimizers

        return [(name, optimizers.describe(name)) for name in optimizers.optimizer_names()]
    if category == "schedules":
        from gdviz import schedules

        return [(name, schedules.describe(name)) for name in schedules.SCHEDULES]
    from gdviz.experiments import builtin_experiments

    return [(e.name, f"{e.title} [{e.source}]") for e in builtin_experiments().values()]


@click.command("list")
@click.argument("what", required=False, type=click.Choice(CATEGORIES))
@verbosity_options
def command(what: str | None) -> None:
    """List landscapes, optimizers, schedules or experiments (all four by default)."""
    for category in [what] if what else CATEGORIES:
        if not what:
            click.secho(category, bold=True)
        for name, summary in catalogue(category):
            click.echo(
                textwrap.fill(
                    summary,
                    WIDTH,
                    initial_indent=f"  {name:<20} ",
                    subsequent_indent=" " * 23,
                    break_on_hyphens=False,
                )
            )
        if not what and category != CATEGORIES[-1]:
            click.echo()
