"""The live explorer: what the page's JavaScript core and explorer component are given.

The page runs gdviz's optimizer core itself (``templates/js/``, tested against the numpy core),
so the report no longer precomputes runs. It embeds one JSON document, built here from the
Python registries — one source for every name, default, range, colour and landscape:

* the optimizers, presets and schedules with their hyperparameter specifications (names,
  defaults, kinds, ranges and the range texts of the validation messages);
* every built-in landscape the page can draw (1-D and 2-D) with its catalogue data (bounds,
  minima, starts, steps, a suggested learning rate per optimizer and, for a data problem, its
  number of samples, which minibatches slice);
* the shared style (one label and colour per optimizer, the landscape ramps of both themes);
* the formula language's limits and the scalar table of :mod:`gdviz.report.page_scalars`.

The same document mounts the component elsewhere (a notebook widget): ``gdvizExplorer.mount
(element, {data: explorer_config(), state: ..., hash: False})``.
"""

from __future__ import annotations

import math
from typing import Any

from gdviz.hyperparams import OPTIMIZER_WORDING, REQUIRED, SCHEDULE_WORDING, Hyperparameter, Wording
from gdviz.report.page_scalars import pow_table

__all__ = [
    "CORE_SCRIPTS",
    "EXPLORER_SCRIPTS",
    "EXPLORER_STYLES",
    "PAGE_SCRIPTS",
    "PAGE_STYLES",
    "WIDGET_SCRIPTS",
    "explorer_config",
    "page_script",
    "page_styles",
]

#: The page core, in load order: the generated kernels, Python's textual conventions, the
#: optimizers, schedules and descend(), the formula language, and the run() API.
CORE_SCRIPTS: tuple[str, ...] = (
    "js/kernels.js",
    "js/landscapes.js",
    "js/pyformat.js",
    "js/numbers.js",
    "js/scalars.js",
    "js/optimizers.js",
    "js/schedules.js",
    "js/hyperparams.js",
    "js/random.js",
    "js/descend.js",
    "js/formula-tokens.js",
    "js/formula-parse.js",
    "js/formula-parse-more.js",
    "js/formula-check.js",
    "js/formula-symbolic.js",
    "js/formula-program.js",
    "js/run.js",
    "js/core.js",
)
#: The explorer component on top of the core.
EXPLORER_SCRIPTS: tuple[str, ...] = (
    "js/explorer-state.js",
    "js/explorer-export.js",
    "js/explorer-draw.js",
    "js/explorer-controls.js",
    "js/explorer-view.js",
    "js/explorer-pointer.js",
    "js/explorer.js",
)
#: Everything the report page inlines, ending with the page host (window.gdviz).
PAGE_SCRIPTS: tuple[str, ...] = (*CORE_SCRIPTS, *EXPLORER_SCRIPTS, "js/page.js")
#: The notebook widget's ES module (gdviz.explore), ending with its host (``export default``).
WIDGET_SCRIPTS: tuple[str, ...] = (*CORE_SCRIPTS, *EXPLORER_SCRIPTS, "js/widget.js")
#: The explorer's styles: the theme's custom properties (on ``.gdviz-theme``), the component.
EXPLORER_STYLES: tuple[str, ...] = ("theme.css", "explorer.css")
#: The report page's styles: the theme, the page, the explorer and the tables of runs.
PAGE_STYLES: tuple[str, ...] = ("theme.css", "report.css", "explorer.css")

#: The landscape a fresh explorer opens on, and its optimizers.
DEFAULT_LANDSCAPE = "rosenbrock"
DEFAULT_OPTIMIZERS = ("sgd", "momentum", "rmsprop", "adam")
#: The explorer's largest step budget (the run() API takes the CLI's range).
MAX_EXPLORER_STEPS = 20_000
#: The most starts the explorer keeps (a seventh replaces the oldest).
MAX_EXPLORER_STARTS = 6


def _concatenate(names: tuple[str, ...]) -> str:
    from gdviz.report.render import read_static

    return "\n".join(read_static(name) for name in names)


def page_script(names: tuple[str, ...] = PAGE_SCRIPTS) -> str:
    """The page's script: the modules concatenated in order (each checked by ``read_static``)."""
    return _concatenate(names)


def page_styles(names: tuple[str, ...] = PAGE_STYLES) -> str:
    """The page's style sheet: the files concatenated in order (each checked by ``read_static``)."""
    return _concatenate(names)


def _json_number(value: float) -> float | None:
    return None if math.isinf(value) else float(value)


def _param(param: Hyperparameter, wording: Wording) -> dict[str, Any]:
    """One hyperparameter as the page reads it: its spec, and the range its messages write."""
    required = param.default is REQUIRED
    default = param.default
    return {
        "name": param.name,
        "kind": param.kind,
        "default": None if required else (list(default) if isinstance(default, tuple) else default),
        "required": required,
        "low": float(param.low),
        "high": _json_number(param.high),
        "low_open": param.low_open,
        "high_open": param.high_open,
        "range": param.range_text(wording),
        "doc": param.doc,
    }


def _wording(wording: Wording) -> dict[str, Any]:
    return {"suffix": wording.suffix, "as_float": wording.as_float}


def _optimizers() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    from gdviz.optimizers import OPTIMIZERS, PRESETS

    optimizers = [
        {
            "name": info.name,
            "title": info.title,
            "summary": info.summary,
            "default_lr": info.default_lr,
            "params": [_param(p, OPTIMIZER_WORDING) for p in info.params],
            "fixed": dict(info.fixed),
        }
        for info in OPTIMIZERS.values()
    ]
    presets = [
        {
            "name": preset.name,
            "title": preset.title,
            "optimizer": preset.optimizer,
            "fixed": dict(preset.fixed),
            "summary": preset.summary,
        }
        for preset in PRESETS.values()
    ]
    return optimizers, presets


def _schedules() -> list[dict[str, Any]]:
    from gdviz.schedules import SCHEDULES

    return [
        {
            "kind": info.kind,
            "torch": info.torch,
            "summary": info.summary,
            "params": [_param(p, SCHEDULE_WORDING) for p in info.params],
        }
        for info in SCHEDULES.values()
    ]


def _landscapes() -> list[dict[str, Any]]:
    from gdviz.landscapes import get_landscape, landscape_names, suggested_lr
    from gdviz.optimizers import default_lr, optimizer_names

    entries = []
    for name in landscape_names():
        surface = get_landscape(name)
        if not surface.drawable:
            continue
        entries.append(
            {
                "name": surface.name,
                "title": surface.title,
                "kind": surface.kind,
                "description": surface.description,
                "pretty": surface.pretty,
                "variables": list(surface.variables),
                "bounds": [list(b) for b in surface.bounds],
                "minima": [list(m) for m in surface.minima],
                "saddles": [list(s) for s in surface.saddles],
                "starts": [list(s) for s in surface.starts],
                "steps": min(surface.steps, MAX_EXPLORER_STEPS),
                "log_levels": surface.log_levels,
                "data": surface.data is not None,
                "samples": 0 if surface.data is None else surface.data.n,
                "lrs": {
                    opt: suggested_lr(surface, opt) or default_lr(opt) for opt in optimizer_names()
                },
            }
        )
    return entries


def _style() -> dict[str, Any]:
    from matplotlib.colors import to_hex

    from gdviz.figures._base import landscape_cmap
    from gdviz.optimizers import optimizer_names
    from gdviz.style import THEMES, optimizer_color, optimizer_label

    ramps = {}
    for theme in THEMES:
        cmap = landscape_cmap(theme)
        ramps[theme] = [to_hex(cmap(i / 63)) for i in range(64)]
    return {
        "optimizers": {
            name: {"label": optimizer_label(name), "color": optimizer_color(name)}
            for name in optimizer_names()
        },
        "ramps": ramps,
    }


def _long_options(command: Any) -> list[str]:
    """The long option names of ``gdviz run`` (with ``--help``), the list click suggests from
    when an option is misspelt; the page's ``run()`` suggests from the same list."""
    import click

    params = command.get_params(click.Context(command))
    return [o for p in params for o in (*p.opts, *p.secondary_opts) if o.startswith("--")]


def explorer_config() -> dict[str, Any]:
    """The JSON-ready document the page core and the explorer are configured with.

    Layout::

        {"optimizers": [{"name", "title", "summary", "default_lr", "params": [spec], "fixed"}],
         "presets": [{"name", "title", "optimizer", "fixed", "summary"}],
         "schedules": [{"kind", "torch", "summary", "params": [spec]}],
         "wording": {"optimizer": {"suffix", "as_float"}, "schedule": {...}},
         "names": [every built-in landscape], "landscapes": [drawable entries],
         "formula": {limits, "functions"}, "limits": {...},
         "cli_options": [gdviz run's long options],
         "scalars": page_scalars table,
         "style": {"optimizers": {name: {"label", "color"}}, "ramps": {"light", "dark"}},
         "initial": {"landscape", "runs": [{"optimizer", "lr"}]}}

    where a spec is ``{"name", "kind" (float|int|bool|pair), "default", "required", "low",
    "high" (null: ∞), "low_open", "high_open", "range" (the messages' text), "doc"}``.
    """
    from gdviz import expression_syntax as syntax
    from gdviz.cli.run import MAX_STEPS, command
    from gdviz.descent import DEFAULT_GRAD_TOL, DEFAULT_STEPS, DIVERGENCE_FACTOR
    from gdviz.landscapes import LANDSCAPES, get_landscape, suggested_lr

    optimizers, presets = _optimizers()
    landscape = get_landscape(DEFAULT_LANDSCAPE)
    return {
        "optimizers": optimizers,
        "presets": presets,
        "schedules": _schedules(),
        "wording": {
            "optimizer": _wording(OPTIMIZER_WORDING),
            "schedule": _wording(SCHEDULE_WORDING),
        },
        "names": list(LANDSCAPES),
        "landscapes": _landscapes(),
        "formula": {
            "max_length": syntax.MAX_LENGTH,
            "max_nodes": syntax.MAX_NODES,
            "max_depth": syntax.MAX_DEPTH,
            "max_exponent": syntax.MAX_EXPONENT,
            "max_tower": syntax.MAX_TOWER,
            "functions": list(syntax.FUNCTION_NAMES),
            "default_bounds": [-5.0, 5.0],
        },
        "limits": {
            "divergence_factor": DIVERGENCE_FACTOR,
            "max_steps": MAX_STEPS,
            "default_steps": DEFAULT_STEPS,
            "grad_tol": DEFAULT_GRAD_TOL,
            "explorer_max_steps": MAX_EXPLORER_STEPS,
            "explorer_max_starts": MAX_EXPLORER_STARTS,
        },
        "cli_options": _long_options(command),
        "scalars": pow_table(),
        "style": _style(),
        "initial": {
            "landscape": landscape.name,
            "runs": [
                {"optimizer": name, "lr": suggested_lr(landscape, name)}
                for name in DEFAULT_OPTIMIZERS
            ],
        },
    }
