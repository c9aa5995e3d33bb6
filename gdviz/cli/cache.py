"""``gdviz cache info|clear``: what gdviz keeps between builds, and removing it."""

from __future__ import annotations

import click

from gdviz.cli.options import console, verbosity_options

LOCATION = (
    "gdviz caches the report's rendered videos and typeset formulas in $XDG_CACHE_HOME/gdviz "
    "(default ~/.cache/gdviz; GDVIZ_CACHE_DIR overrides it, GDVIZ_CACHE_DIR='' turns it off). "
    "Every cached file is checked (size and SHA-256) before it is reused."
)


@click.group("cache", help=f"Show or clear gdviz's cache.\n\n{LOCATION}")
@verbosity_options
def command() -> None:
    """The ``cache`` group."""


@command.command("info")
@verbosity_options
def info() -> None:
    """Print where the cache is and what each section holds (data on stdout)."""
    from gdviz.budget import format_bytes
    from gdviz.cache import cache_dir, cache_info

    root = cache_dir()
    if root is None:
        click.echo("the cache is off (GDVIZ_CACHE_DIR is empty)")
        return
    click.echo(f"cache: {root}")
    for section in cache_info():
        files = f"{section.files} file(s), {format_bytes(section.size)}"
        click.echo(f"  {section.name:<8} {files:<24} {section.description}")


@command.command("clear")
@click.argument("sections", nargs=-1, metavar="[SECTION]...")
@verbosity_options
def clear(sections: tuple[str, ...]) -> None:
    """Delete the cache (or only the SECTIONs named: videos, typst)."""
    from gdviz.budget import format_bytes
    from gdviz.cache import SECTIONS, cache_dir, clear_cache

    unknown = [name for name in sections if name not in SECTIONS]
    if unknown:
        from gdviz.names import unknown_name_message

        raise click.BadParameter(
            unknown_name_message("cache section", unknown[0], list(SECTIONS)),
            param_hint="'SECTION'",
        )
    root = cache_dir()
    if root is None:
        console().say("the cache is off (GDVIZ_CACHE_DIR is empty): nothing to clear")
        return
    removed = clear_cache(sections or None)
    size = sum(section.size for section in removed)
    files = sum(section.files for section in removed)
    console().say(f"removed {files} file(s), {format_bytes(size)}, from {root}")
