"""``python -m gdviz``: the same command line as the ``gdviz`` script."""

from gdviz.cli import main

main()
