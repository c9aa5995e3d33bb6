"""The ``gdviz`` command line: parse with click types, call the library, print.

:mod:`gdviz.cli.app` holds the group; each command is a module of this package
(:mod:`~gdviz.cli.run`, :mod:`~gdviz.cli.figures`, …), its arguments typed by
:mod:`gdviz.cli.types` and its shared options declared once in :mod:`gdviz.cli.options`.
"""

from gdviz.cli.app import cli, main

__all__ = ["cli", "main"]
