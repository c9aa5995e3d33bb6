"""One visual identity for figures, scenes and the report: names, colours and themes.

Colours are the Okabe–Ito palette (distinguishable with every common colour-vision deficiency).
Every optimizer has one colour and one display name, used the same way in a matplotlib legend,
a Manim leaderboard and a report table. This module is plain data: it imports no plotting code.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "LANDSCAPE_CMAP",
    "LANDSCAPE_RAMPS",
    "OKABE_ITO",
    "THEMES",
    "Theme",
    "optimizer_color",
    "optimizer_label",
    "series_color",
]

#: Okabe & Ito (2008), in their order: orange, sky blue, bluish green, yellow, blue,
#: vermillion, reddish purple, black.
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

# name: (display name, colour)
_OPTIMIZERS: dict[str, tuple[str, str]] = {
    "gd": ("GD", OKABE_ITO["vermillion"]),
    "sgd": ("SGD", OKABE_ITO["vermillion"]),
    "momentum": ("Momentum", OKABE_ITO["blue"]),
    "nesterov": ("Nesterov", OKABE_ITO["sky"]),
    "rmsprop": ("RMSProp", OKABE_ITO["green"]),
    "adam": ("Adam", OKABE_ITO["orange"]),
    "adamw": ("AdamW", OKABE_ITO["purple"]),
    "adagrad": ("Adagrad", OKABE_ITO["yellow"]),
    "adadelta": ("Adadelta", "#7F7F7F"),
    "adamax": ("Adamax", "#8C564B"),
    "nadam": ("NAdam", "#B07AA1"),
    "radam": ("RAdam", "#4E79A7"),
}

#: Colours for a series that is not an optimizer (learning rates, starts), in order.
_SERIES = ("blue", "orange", "green", "vermillion", "purple", "sky", "yellow", "black")

#: Perceptually uniform colormap for landscapes (never ``jet``).
LANDSCAPE_CMAP = "cividis"

#: Per theme, the two ends (lowest loss, highest loss) of the quiet landscape ramp drawn under
#: optimizer paths: interpolated linearly in CIELAB (uniform lightness steps), so the
#: Okabe–Ito path colours stay the only saturated colours on the plot.
LANDSCAPE_RAMPS: dict[str, tuple[str, str]] = {
    "light": ("#FFFFFF", "#6C8EAD"),
    "dark": ("#0D1117", "#56789A"),
}


def optimizer_label(name: str) -> str:
    """Display name of an optimizer or preset: ``"rmsprop"`` → ``"RMSProp"``."""
    return _OPTIMIZERS.get(name, (name, ""))[0]


def optimizer_color(name: str) -> str:
    """The one colour of an optimizer or preset (hex)."""
    return _OPTIMIZERS.get(name, ("", OKABE_ITO["black"]))[1]


def series_color(index: int) -> str:
    """The ``index``-th colour of a non-optimizer series (cycles after eight)."""
    return OKABE_ITO[_SERIES[index % len(_SERIES)]]


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
