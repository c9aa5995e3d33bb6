"""Jinja2 set-up of the report: where the templates live and how they are rendered.

Autoescaping is on for ``.html`` *and* ``.jinja`` files (and by default), undefined names raise
(``StrictUndefined``), and data for the page's script only enters through ``|tojson``, so no
title, label or formula text can become markup or script; ``|tojson`` refuses NaN and infinity.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import jinja2

import gdviz

__all__ = ["environment", "read_static", "render_page", "template_dir"]


def template_dir() -> Path:
    """The report templates: packaged (``gdviz/_data/templates``) or the repository's."""
    packaged = Path(gdviz.__file__).parent / "_data" / "templates"
    if packaged.is_dir():
        return packaged
    return Path(gdviz.__file__).resolve().parent.parent / "templates"


@cache
def environment() -> jinja2.Environment:
    """The one Jinja2 environment of the report."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(template_dir()),
        autoescape=jinja2.select_autoescape(["html", "jinja"], default=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    # allow_nan=False: a NaN or infinity reaching the page's data is a build error, never
    # a `NaN` token that JSON.parse rejects (the core keeps every value finite)
    env.policies["json.dumps_kwargs"] = {
        "sort_keys": False,
        "separators": (",", ":"),
        "allow_nan": False,
    }
    return env


def read_static(name: str) -> str:
    """The text of ``templates/<name>`` (CSS and JS inlined into the page).

    Raises
    ------
    ValueError
        If the text could close its ``<style>``/``<script>`` element early.
    """
    text = (template_dir() / name).read_text(encoding="utf-8")
    if "</" in text.replace("<\\/", ""):
        raise ValueError(f"{name} must not contain '</' (it is inlined into the page)")
    return text


def render_page(report: object) -> str:
    """Render ``report.html.jinja`` for a :class:`~gdviz.report.models.Report`."""
    return environment().get_template("report.html.jinja").render(report=report)
