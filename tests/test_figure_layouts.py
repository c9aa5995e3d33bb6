"""The narrow (phone) arrangement of the multi-panel figures, and how the report serves it.

A narrow figure is NARROW_WIDTH inches wide and stacks its panels in one column, each panel
nearly the figure's width, so that on a 390 px screen its text is as large as the page's.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import pytest

from gdviz.figures import FIGURES, FigureError, render_figures
from gdviz.figures._base import NARROW_WIDTH, check_layout

NARROW = (
    "optimizer-paths",
    "loss-curves",
    "schedules",
    "pitfalls",
    "momentum",
    "lr-sweep",
    "noise-fan",
    "noise-floor",
    "tune-success",
    "tune-sensitivity",
    "network-slice",
)


def test_the_multi_panel_figures_have_a_narrow_layout() -> None:
    assert {name for name, spec in FIGURES.items() if spec.narrow} == set(NARROW)
    with pytest.raises(ValueError, match="unknown layout 'tall'"):
        check_layout("tall")
    with pytest.raises(ValueError, match="has no narrow layout"):
        FIGURES["basins"].make("light", layout="narrow")


@pytest.mark.parametrize("name", NARROW)
def test_a_narrow_figure_is_one_column_of_wide_panels(name: str) -> None:
    figure = FIGURES[name].make("light", layout="narrow")
    try:
        figure.canvas.draw()
        width, height = figure.get_size_inches()
        assert width == pytest.approx(NARROW_WIDTH)
        panels = [ax for ax in figure.axes if ax.get_visible() and ax.get_subplotspec() is not None]
        assert len(panels) >= 2
        lefts = {round(ax.get_position().x0, 2) for ax in panels}
        assert len(lefts) <= 2  # one column (a colour bar or a table may sit apart)
        for ax in panels:
            assert ax.get_position().width * width >= 2.0  # inches of plot per panel
        assert height > width
    finally:
        plt.close(figure)


def test_render_figures_draws_narrow_files_and_refuses_others(tmp_path: Path) -> None:
    paths = render_figures(["schedules"], tmp_path, ("png",), "light", 100, layout="narrow")
    assert [p.name for p in paths] == ["schedules.png"]
    with pytest.raises(FigureError, match="'basins' has no narrow layout"):
        render_figures(["basins"], tmp_path, ("png",), "light", 100, layout="narrow")
