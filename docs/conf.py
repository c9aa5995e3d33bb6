"""Sphinx configuration of gdviz's documentation (``make docs``; the suite builds it with -W).

Sphinx, because gdviz's docstrings are numpy style with reStructuredText roles (``:math:``,
``:class:``, ``:func:``) that numpydoc and autodoc render as written; sphinx-click documents
the CLI from click itself; MyST lets the prose pages be Markdown like the README; the PyData
theme is the one numpy, scipy and matplotlib use. ``_ext/gdviz_pages.py`` writes the API, gallery
and scene pages from gdviz's own catalogues before Sphinx reads the sources, and
``_ext/gdviz_mathml.py`` turns the formulas into MathML, so the site needs no network to build
or to read.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "_ext"))

from gdviz import __version__  # noqa: E402

project = "gdviz"
author = "gdviz developers"
copyright = "gdviz developers"
version = release = __version__

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.viewcode",
    "numpydoc",
    "sphinx_click",
    "gdviz_pages",
    "gdviz_mathml",
]
html_math_renderer = "mathml"  # formulas become MathML while building: nothing is fetched

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store"]
root_doc = "index"

# nothing is fetched while building: no intersphinx, no remote images
autodoc_default_options = {"members": True, "show-inheritance": False}
autodoc_member_order = "bysource"
autodoc_typehints = "none"  # numpydoc's Parameters sections carry the types
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False
myst_heading_anchors = 3
smartquotes = False  # "--no-videos" must stay two hyphens, quotes stay straight

html_theme = "pydata_sphinx_theme"
html_title = f"gdviz {release}"
html_theme_options = {
    "show_prev_next": True,
    "navigation_with_keys": False,
    "secondary_sidebar_items": ["page-toc"],
    "footer_start": ["copyright"],
    "footer_end": [],
}
html_show_sourcelink = False
html_last_updated_fmt = None  # same sources, same pages
