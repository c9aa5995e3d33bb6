"""Math as MathML, converted while building (latex2mathml): no MathJax, nothing fetched.

Registered as Sphinx's HTML math renderer ``mathml`` (``html_math_renderer``); every browser
of the last years renders MathML Core natively, so the pages' formulas work offline like the
rest of the site. A formula the converter cannot read is a build warning, so ``-W`` fails.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx.util import logging

LOGGER = logging.getLogger(__name__)


def _convert(latex: str, display: str, node: nodes.Node) -> str:
    from latex2mathml.converter import convert

    try:
        return str(convert(latex.strip(), display=display))
    except Exception as error:  # the converter raises its own exception types
        LOGGER.warning("cannot convert math %r to MathML: %s", latex, error, location=node)
        return f"<code>{latex}</code>"


def visit_math(self: Any, node: nodes.Node) -> None:
    self.body.append(_convert(node.astext(), "inline", node))
    raise nodes.SkipNode


def visit_displaymath(self: Any, node: nodes.Node) -> None:
    # a block may hold several equations separated by blank lines (as Sphinx's own renderers)
    for latex in filter(str.strip, node.astext().split("\n\n")):
        self.body.append(f'<div class="math">{_convert(latex, "block", node)}</div>')
    raise nodes.SkipNode


def setup(app: Any) -> dict[str, Any]:
    app.add_html_math_renderer(
        "mathml", inline_renderers=(visit_math, None), block_renderers=(visit_displaymath, None)
    )
    return {"parallel_read_safe": True, "parallel_write_safe": True}
