"""The self-contained HTML report (``gdviz report``).

:func:`build_report` runs the experiments, prepares the live explorer's data and scripts
(:mod:`gdviz.report.explorer`), renders figures and videos, builds view-model dataclasses
(:mod:`gdviz.report.models`) and lays them out with Jinja2 templates from :func:`template_dir`.
"""

from gdviz.report.build import (
    DEFAULT_TITLE,
    QUALITIES,
    BuildResult,
    ReportError,
    ReportOptions,
    build_report,
)
from gdviz.report.render import template_dir

__all__ = [
    "DEFAULT_TITLE",
    "QUALITIES",
    "BuildResult",
    "ReportError",
    "ReportOptions",
    "build_report",
    "template_dir",
]
