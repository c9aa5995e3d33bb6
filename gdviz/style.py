"""One visual identity for figures, scenes and the report: names, colours, line styles, themes.

Every optimizer has one display name, one colour per theme and one line style, used the same way
in a matplotlib legend, a Manim leaderboard and a report table. Optimizers come in four
*families* (plain gradient descent, momentum, squared-gradient scaling, Adam); the members of a
family share its colour and differ by line style. The four family colours were chosen (from the
Okabe–Ito hues: vermillion, blue, bluish green, yellow) so that every pair stays at least
ΔE₀₀ = 20 apart for normal vision and under simulated deuteranopia and protanopia, on each
theme's background (:func:`simulate_cvd`, :func:`delta_e2000`; ``tests/test_style.py``).

Series that are not optimizers — learning rates, momentum values, starting points — get their
own sequential palette (:func:`series_color`: one hue, evenly spaced lightness) and markers
(:func:`series_marker`), never an optimizer's colour.

This module is plain data and numpy: it imports no plotting code.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np

__all__ = [
    "LANDSCAPE_CMAP",
    "LANDSCAPE_RAMPS",
    "OKABE_ITO",
    "OPTIMIZER_STYLES",
    "THEMES",
    "OptimizerStyle",
    "Theme",
    "delta_e2000",
    "hex_to_rgb",
    "lab_to_srgb",
    "landscape_ramp",
    "optimizer_color",
    "optimizer_dash",
    "optimizer_label",
    "optimizer_style",
    "rgb_to_hex",
    "series_color",
    "series_marker",
    "simulate_cvd",
    "srgb_to_lab",
]

#: Okabe & Ito (2008), in their order: orange, sky blue, bluish green, yellow, blue,
#: vermillion, reddish purple, black. Kept for reference and for accents of the GIF palette.
OKABE_ITO: dict[str, str] = {
    "orange": "#E69F00",
    "sky": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "black": "#000000",
}


@dataclass(frozen=True)
class Theme:
    """Background, text and accent colours of a light or dark rendering."""

    name: str
    background: str
    foreground: str
    muted: str
    grid: str
    panel: str


THEMES: dict[str, Theme] = {
    "light": Theme("light", "#FFFFFF", "#1F2328", "#59636E", "#D8DEE4", "#F6F8FA"),
    "dark": Theme("dark", "#0D1117", "#E6EDF3", "#9198A1", "#30363D", "#161B22"),
}

#: Per family, its colour on the light and on the dark theme (same hue, lightness tuned to the
#: background; see the module docstring for how they were checked).
_FAMILY_COLORS: dict[str, dict[str, str]] = {
    "sgd": {"light": "#C03A00", "dark": "#ED4223"},
    "momentum": {"light": "#0072B2", "dark": "#4A9BE8"},
    "rmsprop": {"light": "#03917B", "dark": "#20C0A0"},
    "adam": {"light": "#DAB102", "dark": "#F5E100"},
}


@dataclass(frozen=True)
class OptimizerStyle:
    """How one optimizer is drawn everywhere.

    Attributes
    ----------
    name : str
        The optimizer or preset name of :mod:`gdviz.optimizers` (``"rmsprop"``).
    family : str
        The family whose colour it takes: ``sgd``, ``momentum``, ``rmsprop`` or ``adam``.
    dash : tuple of float
        Matplotlib's on/off dash sequence in points; ``()`` is a solid line.
    """

    name: str
    family: str
    dash: tuple[float, ...] = ()

    def color(self, theme: str = "light") -> str:
        """The colour (hex) on ``theme``."""
        return _FAMILY_COLORS[self.family][_theme_name(theme)]


OPTIMIZER_STYLES: dict[str, OptimizerStyle] = {
    style.name: style
    for style in (
        OptimizerStyle("gd", "sgd"),
        OptimizerStyle("sgd", "sgd"),
        # dashed: where the race's paths coincide, Momentum is drawn on top and the other
        # trails show through its gaps (a solid middle layer shrank to a 1.5 px band)
        OptimizerStyle("momentum", "momentum", (3.0, 1.5)),
        OptimizerStyle("nesterov", "momentum", (6.0, 2.5)),
        OptimizerStyle("rmsprop", "rmsprop"),
        OptimizerStyle("adagrad", "rmsprop", (6.0, 2.5)),
        OptimizerStyle("adadelta", "rmsprop", (1.5, 1.5)),
        OptimizerStyle("adam", "adam"),
        OptimizerStyle("adamw", "adam", (6.0, 2.5)),
        OptimizerStyle("nadam", "adam", (1.5, 1.5)),
        OptimizerStyle("radam", "adam", (6.0, 2.0, 1.5, 2.0)),
        OptimizerStyle("adamax", "adam", (3.0, 1.5)),
    )
}

#: The one name SGD-with-momentum presets are shown under when the preset is not named.
_UNKNOWN = OptimizerStyle("", "sgd")


def _theme_name(theme: str | Theme) -> str:
    name = theme.name if isinstance(theme, Theme) else theme
    if name not in THEMES:
        raise ValueError(f"unknown theme '{name}' (choose from {', '.join(THEMES)})")
    return name


def optimizer_style(name: str) -> OptimizerStyle:
    """The :class:`OptimizerStyle` of an optimizer or preset (unknown names draw like SGD)."""
    return OPTIMIZER_STYLES.get(name, _UNKNOWN)


def optimizer_label(name: str) -> str:
    """The one display name of an optimizer or preset — its registry title, torch's class name
    (``"rmsprop"`` → ``"RMSprop"``) or the preset's (``"momentum"`` → ``"Momentum"``); an
    unknown name is shown as given."""
    from gdviz.optimizers.registry import OPTIMIZERS, PRESETS

    if name in PRESETS:
        return PRESETS[name].title
    return OPTIMIZERS[name].title if name in OPTIMIZERS else name


def optimizer_color(name: str, theme: str | Theme = "light") -> str:
    """The colour (hex) of an optimizer or preset on ``theme``."""
    return optimizer_style(name).color(_theme_name(theme))


def optimizer_dash(name: str) -> tuple[float, ...]:
    """The dash sequence of an optimizer's line (``()`` for solid)."""
    return optimizer_style(name).dash


# ------------------------------------------------------------------------- colour science

_D65 = np.array([0.95047, 1.0, 1.08883])
_RGB_TO_XYZ = np.array(
    [
        [0.4124564, 0.3575761, 0.1804375],
        [0.2126729, 0.7151522, 0.0721750],
        [0.0193339, 0.1191920, 0.9503041],
    ]
)

#: Machado, Oliveira & Fernandes (2009), "A physiologically-based model for simulation of
#: color vision deficiency", Table 1 at severity 1.0; they act on linear RGB.
CVD_MATRICES: dict[str, np.ndarray] = {
    "normal": np.eye(3),
    "deuteranopia": np.array(
        [
            [0.367322, 0.860646, -0.227968],
            [0.280085, 0.672501, 0.047413],
            [-0.011820, 0.042940, 0.968881],
        ]
    ),
    "protanopia": np.array(
        [
            [0.152286, 1.052583, -0.204868],
            [0.114503, 0.786281, 0.099216],
            [-0.003882, -0.048116, 1.051998],
        ]
    ),
}
__all__ += ["CVD_MATRICES"]


def hex_to_rgb(color: str) -> np.ndarray:
    """``"#RRGGBB"`` as sRGB floats in [0, 1]."""
    text = color.lstrip("#")
    if len(text) != 6:
        raise ValueError(f"not a #RRGGBB colour: {color!r}")
    return np.array([int(text[i : i + 2], 16) / 255 for i in (0, 2, 4)])


def rgb_to_hex(rgb: np.ndarray) -> str:
    """sRGB floats in [0, 1] as ``"#RRGGBB"`` (clipped)."""
    values = np.clip(np.round(np.asarray(rgb, dtype=float) * 255), 0, 255).astype(int)
    return "#{:02X}{:02X}{:02X}".format(*values)


def _to_linear(rgb: np.ndarray) -> np.ndarray:
    return np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)


def _to_srgb(linear: np.ndarray) -> np.ndarray:
    linear = np.clip(linear, 0, 1)
    return np.where(linear <= 0.0031308, 12.92 * linear, 1.055 * linear ** (1 / 2.4) - 0.055)


def srgb_to_lab(rgb: np.ndarray) -> np.ndarray:
    """CIELAB (D65) of sRGB colours, shape ``(..., 3)``."""
    xyz = _to_linear(np.asarray(rgb, dtype=float)) @ _RGB_TO_XYZ.T / _D65
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.stack(
        [116 * f[..., 1] - 16, 500 * (f[..., 0] - f[..., 1]), 200 * (f[..., 1] - f[..., 2])], -1
    )


def lab_to_srgb(lab: np.ndarray) -> np.ndarray:
    """sRGB (clipped to [0, 1]) of CIELAB (D65) colours, shape ``(..., 3)``."""
    lab = np.asarray(lab, dtype=float)
    fy = (lab[..., 0] + 16) / 116
    f = np.stack([fy + lab[..., 1] / 500, fy, fy - lab[..., 2] / 200], -1)
    xyz = np.where(f > 6 / 29, f**3, 3 * (6 / 29) ** 2 * (f - 4 / 29)) * _D65
    return _to_srgb(xyz @ np.linalg.inv(_RGB_TO_XYZ).T)


def simulate_cvd(rgb: np.ndarray, kind: str) -> np.ndarray:
    """sRGB colours as seen with ``kind`` (``normal``, ``deuteranopia``, ``protanopia``)."""
    matrix = CVD_MATRICES[kind]
    return _to_srgb(_to_linear(np.asarray(rgb, dtype=float)) @ matrix.T)


def delta_e2000(lab1: np.ndarray, lab2: np.ndarray) -> np.ndarray:
    """CIEDE2000 colour difference (Sharma, Wu & Dalal 2005) of CIELAB colours ``(..., 3)``."""
    L1, a1, b1 = np.moveaxis(np.asarray(lab1, dtype=float), -1, 0)
    L2, a2, b2 = np.moveaxis(np.asarray(lab2, dtype=float), -1, 0)
    c_bar = (np.hypot(a1, b1) + np.hypot(a2, b2)) / 2
    g = 0.5 * (1 - np.sqrt(c_bar**7 / (c_bar**7 + 25.0**7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1p, c2p = np.hypot(a1p, b1), np.hypot(a2p, b2)
    h1p = np.degrees(np.arctan2(b1, a1p)) % 360
    h2p = np.degrees(np.arctan2(b2, a2p)) % 360
    chroma = c1p * c2p
    dh = h2p - h1p
    dh = np.where(dh > 180, dh - 360, np.where(dh < -180, dh + 360, dh))
    dh = np.where(chroma == 0, 0.0, dh)
    d_big_h = 2 * np.sqrt(chroma) * np.sin(np.radians(dh / 2))
    l_bar, cp_bar = (L1 + L2) / 2, (c1p + c2p) / 2
    h_sum, h_diff = h1p + h2p, np.abs(h1p - h2p)
    h_bar = np.where(
        chroma == 0,
        h_sum,
        np.where(
            h_diff <= 180, h_sum / 2, np.where(h_sum < 360, (h_sum + 360) / 2, (h_sum - 360) / 2)
        ),
    )
    t = (
        1
        - 0.17 * np.cos(np.radians(h_bar - 30))
        + 0.24 * np.cos(np.radians(2 * h_bar))
        + 0.32 * np.cos(np.radians(3 * h_bar + 6))
        - 0.20 * np.cos(np.radians(4 * h_bar - 63))
    )
    d_theta = 30 * np.exp(-(((h_bar - 275) / 25) ** 2))
    r_c = 2 * np.sqrt(cp_bar**7 / (cp_bar**7 + 25.0**7))
    s_l = 1 + 0.015 * (l_bar - 50) ** 2 / np.sqrt(20 + (l_bar - 50) ** 2)
    s_c = 1 + 0.045 * cp_bar
    s_h = 1 + 0.015 * cp_bar * t
    r_t = -np.sin(np.radians(2 * d_theta)) * r_c
    dl, dc = (L2 - L1) / s_l, (c2p - c1p) / s_c
    dhh = d_big_h / s_h
    return np.sqrt(dl**2 + dc**2 + dhh**2 + r_t * dc * dhh)


# ---------------------------------------------------------------- non-optimizer series

#: Per theme, the two ends of the sequential series palette (one reddish-purple hue; the first
#: series is the lightest on the dark theme and the darkest on the light one, so each stands
#: out from the background), interpolated in CIELAB.
_SERIES_RAMPS: dict[str, tuple[str, str]] = {
    "light": ("#5B1F6E", "#C98BD9"),
    "dark": ("#F0C8F5", "#9C5BB8"),
}
_MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")


def series_color(index: int, count: int = 4, theme: str | Theme = "light") -> str:
    """The ``index``-th of ``count`` colours of a non-optimizer series (sequential palette).

    The colours step evenly in CIELAB lightness along one hue that no optimizer uses; with
    ``count`` colours the first and last are the palette's two ends. ``index`` wraps at ``count``.
    """
    count = max(int(count), 1)
    low, high = (srgb_to_lab(hex_to_rgb(c)) for c in _SERIES_RAMPS[_theme_name(theme)])
    u = (index % count) / max(count - 1, 1)
    return rgb_to_hex(lab_to_srgb((1 - u) * low + u * high))


def series_marker(index: int) -> str:
    """The matplotlib marker of the ``index``-th series (the scenes draw the same shapes)."""
    return _MARKERS[index % len(_MARKERS)]


# --------------------------------------------------------------------------- landscapes

#: Perceptually uniform colormap for landscapes (never ``jet``).
LANDSCAPE_CMAP = "cividis"

#: Per theme, the two ends (lowest loss, highest loss) of the quiet landscape ramp drawn under
#: optimizer paths: interpolated linearly in CIELAB (uniform lightness steps), so the
#: optimizer colours stay the only saturated colours on the plot.
LANDSCAPE_RAMPS: dict[str, tuple[str, str]] = {
    "light": ("#FFFFFF", "#6C8EAD"),
    "dark": ("#0D1117", "#56789A"),
}


@cache
def _ramp(theme: str, count: int) -> np.ndarray:
    low, high = (srgb_to_lab(hex_to_rgb(c)) for c in LANDSCAPE_RAMPS[theme])
    t = np.linspace(0, 1, count)[:, None]
    rgb = lab_to_srgb((1 - t) * low + t * high)
    rgb.setflags(write=False)
    return rgb


def landscape_ramp(theme: str | Theme = "light", count: int = 256) -> np.ndarray:
    """The quiet landscape ramp of a theme: ``count`` sRGB colours ``(count, 3)`` evenly spaced
    in CIELAB between :data:`LANDSCAPE_RAMPS`' two ends (lowest loss first)."""
    return _ramp(_theme_name(theme), int(count))
