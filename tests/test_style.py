"""The colour system: optimizer colours distinguishable with colour-vision deficiency, a
separate series palette, one display name and one line style per optimizer."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from gdviz import style


def lab(color: str, kind: str = "normal") -> np.ndarray:
    return style.srgb_to_lab(style.simulate_cvd(style.hex_to_rgb(color), kind))


@pytest.mark.parametrize(
    ("lab1", "lab2", "expected"),
    [  # Sharma, Wu & Dalal (2005), Table 1, pairs 1, 7, 17 and 34
        ((50.0, 2.6772, -79.7751), (50.0, 0.0, -82.7485), 2.0425),
        ((50.0, 0.0, 0.0), (50.0, -1.0, 2.0), 2.3669),
        ((50.0, 2.5, 0.0), (73.0, 25.0, -18.0), 27.1492),
        ((2.0776, 0.0795, -1.1350), (0.9033, -0.0636, -0.5514), 0.9082),
    ],
)
def test_ciede2000_matches_the_published_test_data(lab1, lab2, expected):
    assert style.delta_e2000(np.array(lab1), np.array(lab2)) == pytest.approx(expected, abs=1e-4)


def test_cvd_matrices_keep_white_and_grey():
    for kind in style.CVD_MATRICES:
        for grey in (0.2, 0.5, 1.0):
            simulated = style.simulate_cvd(np.full(3, grey), kind)
            assert simulated == pytest.approx(np.full(3, grey), abs=2e-3)


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("kind", ["normal", "deuteranopia", "protanopia"])
def test_every_pair_of_optimizer_colours_stays_apart(theme, kind):
    colours = sorted({s.color(theme) for s in style.OPTIMIZER_STYLES.values()})
    assert len(colours) == 4  # one per family
    background = lab(style.THEMES[theme].background, kind)
    for a, b in itertools.combinations(colours, 2):
        assert style.delta_e2000(lab(a, kind), lab(b, kind)) >= 20, (a, b)
    for colour in colours:
        assert style.delta_e2000(lab(colour, kind), background) >= 30, colour


def test_each_optimizer_has_one_name_colour_and_line_style():
    seen: dict[tuple, str] = {}
    for name, s in style.OPTIMIZER_STYLES.items():
        key = (s.family, s.dash)
        # gd is the preset of plain sgd: the same optimizer, drawn the same
        assert key not in seen or {name, seen[key]} == {"gd", "sgd"}, (name, seen.get(key))
        seen[key] = name
        for theme in style.THEMES:
            assert style.optimizer_color(name, theme) == s.color(theme)
    assert style.optimizer_label("rmsprop") == "RMSprop"
    labels = [style.optimizer_label(name) for name in style.OPTIMIZER_STYLES]
    assert len(labels) == len(set(labels))
    # the one display name is the registry's title (torch's class name or the preset's)
    from gdviz.optimizers import make_optimizer

    assert labels == [make_optimizer(name).title for name in style.OPTIMIZER_STYLES]


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_series_colours_are_never_optimizer_colours(theme):
    optimizers = {s.color(theme) for s in style.OPTIMIZER_STYLES.values()}
    series = [style.series_color(i, 4, theme) for i in range(4)]
    assert len(set(series)) == 4
    for colour in series:
        for other in optimizers:
            assert style.delta_e2000(lab(colour), lab(other)) >= 20, (colour, other)
    lightness = [lab(c)[0] for c in series]
    assert np.all(np.diff(lightness) > 5) or np.all(np.diff(lightness) < -5)  # sequential
    assert len({style.series_marker(i) for i in range(4)}) == 4


def test_the_dark_theme_keeps_each_optimizers_hue():
    for name in ("sgd", "momentum", "rmsprop", "adam"):
        light, dark = (lab(style.optimizer_color(name, t)) for t in ("light", "dark"))
        hue = [np.degrees(np.arctan2(c[2], c[1])) for c in (light, dark)]
        assert abs((hue[0] - hue[1] + 180) % 360 - 180) < 25, name


def test_the_landscape_ramp_is_uniform_in_lightness():
    ramp = style.landscape_ramp("light", 32)
    lightness = style.srgb_to_lab(ramp)[:, 0]
    steps = np.diff(lightness)
    assert np.all(steps < 0) and np.ptp(steps) < 0.05
