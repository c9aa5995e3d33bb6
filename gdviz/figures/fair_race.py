"""The fair-race panels: how each tuned optimizer fares across learning rates and starts.

Both figures draw a :class:`~gdviz.tuning.TuneResult` — by default the built-in tuning
(:func:`gdviz.tuning.builtin_tuning`: 12 optimizers × 16 rates × 64 starts × 500 steps on
Rosenbrock) — at each optimizer's tuned momentum or β₁:

* ``tune-success``: the share of the starts that reach the finish line, per optimizer and
  learning rate (a heat map, the winning rate outlined);
* ``tune-sensitivity``: the finish step against the learning rate, the median over the starts
  as a line and the middle half of the starts as a band (one panel per optimizer).
"""

from __future__ import annotations

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.collections import QuadMesh
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

from gdviz.claims import rate_window
from gdviz.figures._base import NARROW_WIDTH, check_layout, new_figure, theme_context, theme_of
from gdviz.numbers import format_number, superscript
from gdviz.style import (
    Theme,
    hex_to_rgb,
    lab_to_srgb,
    optimizer_color,
    optimizer_dash,
    series_color,
    srgb_to_lab,
)
from gdviz.tuning import TuneResult, Winner, builtin_tuning

__all__ = [
    "SUCCESS_SHARE",
    "lr_edges",
    "make_tune_sensitivity",
    "make_tune_success",
    "plot_sensitivity",
    "plot_success",
    "sensitivity_band",
    "success_matrix",
    "tune_sensitivity_caption",
    "tune_success_caption",
]

#: The share of the starts that makes a learning rate "work" in the sensitivity caption.
SUCCESS_SHARE = 0.5
#: Percentiles over the starts of the sensitivity band (and its median line).
BAND = (10, 50, 90)


def _result(result: TuneResult | None) -> TuneResult:
    return result if result is not None else builtin_tuning()


def success_matrix(result: TuneResult) -> np.ndarray:
    """Share of the starts that finish, shape ``(winners, learning rates)``: one row per
    optimizer in rank order, each at its winner's momentum or β₁."""
    return np.array([result.tables[w.optimizer].success[w.momentum_index] for w in result.winners])


def sensitivity_band(result: TuneResult, winner: Winner) -> tuple[np.ndarray, ...]:
    """``(median, 10th, 90th percentile)`` of the finish step over the starts (:data:`BAND`),
    per learning rate, at the winner's momentum (never finished counts as the budget)."""
    steps = result.tables[winner.optimizer].scored_steps[winner.momentum_index]
    low, median, high = np.percentile(steps, BAND, axis=-1)
    return median, low, high


def lr_edges(lrs: np.ndarray) -> np.ndarray:
    """Cell edges of a log-spaced rate grid: geometric midpoints, and half a step beyond."""
    logs = np.log10(lrs)
    if len(logs) == 1:
        return 10.0 ** np.array([logs[0] - 0.5, logs[0] + 0.5])
    mids = (logs[1:] + logs[:-1]) / 2
    return 10.0 ** np.concatenate(
        [[logs[0] - (mids[0] - logs[0])], mids, [logs[-1] + (logs[-1] - mids[-1])]]
    )


def _power_ticks(ax: Axes) -> None:
    """Decade ticks on a log x axis written as powers of ten (10⁻³)."""
    ax.xaxis.set_major_locator(LogLocator(base=10, numticks=12))
    ax.xaxis.set_minor_formatter(NullFormatter())

    def label(value: float, _position: float) -> str:
        exponent = round(np.log10(value)) if value > 0 else 0
        return "1" if exponent == 0 else "10" if exponent == 1 else "10" + superscript(exponent)

    ax.xaxis.set_major_formatter(FuncFormatter(label))


def success_cmap(theme: str | Theme = "light") -> ListedColormap:
    """From the background (no start finishes) to the series colour that stands out most on
    the theme (every start finishes), in even CIELAB steps — no optimizer's colour."""
    th = theme_of(theme)
    low, high = (srgb_to_lab(hex_to_rgb(c)) for c in (th.background, series_color(0, 4, th)))
    t = np.linspace(0, 1, 256)[:, None]
    return ListedColormap(lab_to_srgb((1 - t) * low + t * high), name=f"gdviz-success-{th.name}")


def plot_success(
    ax: Axes,
    result: TuneResult,
    *,
    theme: str | Theme = "light",
    ranks: range | None = None,
) -> list[Artist]:
    """The success heat map: rows the optimizers (rank order), columns the learning rates.

    ``ranks`` draws only those rows (0-based ranks; default all). Returns
    ``[mesh, *outlines]``; the mesh's array is those rows of :func:`success_matrix`, one
    outline per winner at its tuned rate.
    """
    th = theme_of(theme)
    lrs = np.array(result.protocol.lrs)
    chosen = ranks if ranks is not None else range(len(result.winners))
    winners = [result.winners[i] for i in chosen]
    matrix = success_matrix(result)[list(chosen)]
    rows = np.arange(len(winners) + 1) - 0.5
    mesh = ax.pcolormesh(
        lr_edges(lrs),
        rows,
        matrix,
        cmap=success_cmap(th),
        vmin=0.0,
        vmax=1.0,
        edgecolors=th.grid,
        linewidth=0.5,
    )
    ax.set_xscale("log")
    ax.set_ylim(len(winners) - 0.5, -0.5)
    ax.set_yticks(range(len(winners)), [w.title for w in winners])
    edges = lr_edges(lrs)
    outlines: list[Artist] = []
    for row, winner in enumerate(winners):
        i = winner.lr_index
        outlines.append(
            ax.add_patch(
                Rectangle(
                    (edges[i], row - 0.5),
                    edges[i + 1] - edges[i],
                    1.0,
                    fill=False,
                    edgecolor=th.foreground,
                    linewidth=2.0,
                    zorder=3,
                )
            )
        )
    _power_ticks(ax)
    ax.tick_params(axis="y", length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    return [mesh, *outlines]


def tune_success_caption(result: TuneResult | None = None) -> str:
    """Caption of ``tune-success``: the protocol, the optimizer that finishes from the most
    starts, and those that never finish, from the result."""
    result = _result(result)
    protocol = result.protocol
    matrix = success_matrix(result)
    count = protocol.trials
    best_row = int(np.argmax(matrix.max(axis=1)))
    best = result.winners[best_row]
    best_lr = int(np.argmax(matrix[best_row]))
    never = [w.title for w, row in zip(result.winners, matrix, strict=True) if not row.any()]
    text = (
        f"Share of {count} {protocol.trial_label} from which each optimizer "
        f"reaches L − L* < {format_number(protocol.gap)} within {protocol.steps} steps on "
        f"{result.surface.title}, at each of {len(protocol.lrs)} learning rates, with its "
        "tuned momentum or β₁; the outlined cell is its tuned rate. "
        f"{best.title} finishes most often: {round(matrix[best_row, best_lr] * count)} "
        f"of {count} at lr {format_number(protocol.lrs[best_lr], 3)}."
    )
    if never:
        text += f" {_join(never)} {'finishes' if len(never) == 1 else 'finish'} from none."
    return text


def make_tune_success(
    theme: str = "light",
    experiments: object = None,
    layout: str = "wide",
    result: TuneResult | None = None,
) -> Figure:
    """``tune-success``: the success heat map of the built-in tuning (or ``result``), with a
    colour bar and, beside each row, the winner's share of starts and median finish step;
    ``layout="narrow"`` splits the rows into two stacked panels for phones. ``experiments`` is
    ignored: the figure draws a tuning, not an experiment."""
    result = _result(result)
    protocol = result.protocol
    count = protocol.trials
    narrow = check_layout(layout)
    total = len(result.winners)
    parts = [range(0, -(-total // 2)), range(-(-total // 2), total)] if narrow else [range(total)]
    parts = [part for part in parts if len(part)]
    with theme_context(theme) as th:
        width = NARROW_WIDTH if narrow else 10.0
        figure = new_figure(width, (0.36 if narrow else 0.42) * total + (3.2 if narrow else 2.4))
        axes = figure.subplots(len(parts), 1, sharex=True, squeeze=False).ravel()
        mesh = None
        for ax, part in zip(axes, parts, strict=True):
            mesh = plot_success(ax, result, theme=th, ranks=part)[0]
            right = ax.secondary_yaxis("right")
            right.set_yticks(
                range(len(part)),
                [
                    f"{round(w.success * count)}/{count} · {format_number(w.median_steps, 4)}"
                    for w in (result.winners[i] for i in part)
                ],
            )
            right.tick_params(length=0)
            right.spines["right"].set_visible(False)
            if not narrow:
                right.set_ylabel(f"finished {protocol.trial_label} · median finish step")
        assert isinstance(mesh, QuadMesh)
        bar = figure.colorbar(
            mesh,
            ax=list(axes),
            location="bottom",
            pad=0.02,
            fraction=0.05,
            aspect=30 if narrow else 50,
            shrink=0.9 if narrow else 0.6,
        )
        bar.set_label(f"share of the {protocol.trial_label} that finish")
        bar.ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _p: f"{v:.0%}"))
        bar.outline.set_visible(False)
        gap = "\n" if narrow else " "
        axes[-1].set_xlabel(
            f"learning rate{gap}(outlined: each optimizer's tuned rate"
            + (
                f";{gap}at right: finished {protocol.trial_label} · median finish step)"
                if narrow
                else ")"
            )
        )
        figure.suptitle(
            f"A fair race on {result.surface.title}:{gap}how many of {count} "
            f"{protocol.trial_label} finish{gap}within {protocol.steps} steps",
            x=0.01,
            ha="left",
        )
    return figure


def plot_sensitivity(
    ax: Axes, result: TuneResult, winner: Winner, *, theme: str | Theme = "light"
) -> list[Artist]:
    """One optimizer's finish step against the learning rate: median line, quartile band,
    the budget as a dashed line and the tuned rate ringed.

    Returns ``[line, band, budget, ring]``; the line's y data are the median finish steps.
    """
    th = theme_of(theme)
    lrs = np.array(result.protocol.lrs)
    median, low, high = sensitivity_band(result, winner)
    color = optimizer_color(winner.optimizer, th)
    band = ax.fill_between(lrs, low, high, color=color, alpha=0.25, linewidth=0)
    (line,) = ax.plot(
        lrs,
        median,
        color=color,
        linewidth=2.0,
        dashes=optimizer_dash(winner.optimizer) or (None, None),
    )
    budget = ax.axhline(result.protocol.steps, color=th.muted, linewidth=1.0, dashes=(4, 3))
    ring = ax.scatter(
        [winner.lr],
        [winner.median_steps],
        s=80,
        facecolor="none",
        edgecolor=th.foreground,
        linewidth=1.8,
        zorder=5,
    )
    ax.set_xscale("log")
    ax.set_ylim(0, result.protocol.steps * 1.08)
    _power_ticks(ax)
    return [line, band, budget, ring]


def tune_sensitivity_caption(result: TuneResult | None = None) -> str:
    """Caption of ``tune-sensitivity``: the protocol, and which optimizer finishes from at
    least half its starts over the widest range of rates (:func:`gdviz.claims.rate_window`)."""
    result = _result(result)
    protocol = result.protocol
    matrix = success_matrix(result)
    windows = [
        (w, rate_window(protocol.lrs, row, SUCCESS_SHARE))
        for w, row in zip(result.winners, matrix, strict=True)
    ]
    found = [(w, window) for w, window in windows if window is not None]
    text = (
        f"Finish step against the learning rate on {result.surface.title}: the median over "
        f"{protocol.trials} {protocol.trial_label} (line) and the middle 80 % of them (band), each "
        f"optimizer at its tuned momentum or β₁; a run that never finishes counts as the "
        f"budget, {protocol.steps} steps (dashed). The ring is the tuned rate. "
    )
    if not found:
        return text + f"No optimizer finishes half its {protocol.trial_label} at any rate."
    widest, window = max(found, key=lambda pair: (pair[1].decades, -result.winners.index(pair[0])))
    text += (
        f"{widest.title} finishes at least half its {protocol.trial_label} over the widest "
        "range of rates, "
        f"{format_number(window.decades, 2)} decades (lr {format_number(window.low, 3)} to "
        f"{format_number(window.high, 3)})"
    )
    missing = [w.title for w, window in windows if window is None]
    if missing:
        text += f"; {len(missing)} of {len(windows)} never do at any rate"
    return text + "."


def make_tune_sensitivity(
    theme: str = "light",
    experiments: object = None,
    layout: str = "wide",
    result: TuneResult | None = None,
) -> Figure:
    """``tune-sensitivity``: one panel per optimizer (rank order) of :func:`plot_sensitivity`,
    shared axes; ``layout="narrow"`` stacks them in one column for phones. ``experiments`` is
    ignored: the figure draws a tuning, not an experiment."""
    result = _result(result)
    narrow = check_layout(layout)
    count = len(result.winners)
    ncols = 1 if narrow else min(4, count)
    nrows = -(-count // ncols)
    with theme_context(theme) as th:
        width = NARROW_WIDTH if narrow else 12.0
        figure = new_figure(width, (1.9 if narrow else 2.3) * nrows + 1.2)
        axes = figure.subplots(nrows, ncols, sharex=True, sharey=True, squeeze=False).ravel()
        for rank, (ax, winner) in enumerate(zip(axes, result.winners, strict=False), 1):
            plot_sensitivity(ax, result, winner, theme=th)
            momentum = (
                ""
                if winner.momentum is None
                else f", {_symbol(winner)} {format_number(winner.momentum)}"
            )
            ax.set_title(
                f"{rank}. {winner.title}", loc="left", color=optimizer_color(winner.optimizer, th)
            )
            ax.annotate(
                f"lr {format_number(winner.lr, 3)}{momentum}",
                xy=(0.98, 0.06),
                xycoords="axes fraction",
                ha="right",
                va="bottom",
                fontsize=10,
                color=th.foreground,
            )
            ax.grid(True, which="major")
        for ax in axes[count:]:
            ax.set_visible(False)
        for ax in axes[::ncols]:
            ax.set_ylabel("finish step")
        gap = "\n" if narrow else " "
        figure.supxlabel(
            f"learning rate (median over {result.protocol.trials} {result.protocol.trial_label}, "
            "band: middle "
            f"80 %;{gap}dashed: the budget, {result.protocol.steps} steps)",
            fontsize=11,
        )
        figure.suptitle(
            f"How sensitive each optimizer is{gap}to its learning rate on {result.surface.title}",
            x=0.01,
            ha="left",
        )
    return figure


def _symbol(winner: Winner) -> str:
    from gdviz.tuning import momentum_knob

    return "β₁" if momentum_knob(winner.optimizer) == "betas" else "μ"


def _join(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
