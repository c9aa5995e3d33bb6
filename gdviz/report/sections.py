"""The report's sections: each chapter's view model, its tables and the numbers its prose quotes.

Every number is the core's, formatted by :mod:`gdviz.numbers`, every verdict
:mod:`gdviz.claims`'; the figures and videos are the views :mod:`gdviz.report.assets` made.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from gdviz.experiments import Experiment, ExperimentResult
from gdviz.numbers import format_number, format_percent, format_point
from gdviz.report.assets import user_figure_names
from gdviz.report.chapters import Chapter
from gdviz.report.formulas import Formula, FormulaError, compile_formula
from gdviz.report.models import FigureView, ResultRow, ResultTable, Section, VideoView
from gdviz.style import optimizer_color, series_color

__all__ = [
    "chapter_section",
    "decay_table",
    "describe_schedule",
    "fair_race_view",
    "network_summary",
    "result_rows",
    "sections",
    "slug",
    "user_section",
]


def sections(
    chapters: Sequence[Chapter],
    results: dict[str, ExperimentResult],
    figures: dict[str, FigureView],
    videos: dict[str, VideoView],
    formulas: dict[str, Formula],
    user: dict[str, Experiment],
) -> list[Section]:
    """The sections of the page: one per chapter, then one per user experiment."""
    sections = [
        chapter_section(chapter, results, figures, videos, formulas) for chapter in chapters
    ]
    for name, experiment in user.items():
        sections.append(user_section(name, experiment, results[f"user:{name}"], figures))
    return sections


def chapter_section(
    chapter: Chapter,
    results: dict[str, ExperimentResult],
    figures: dict[str, FigureView],
    videos: dict[str, VideoView],
    formulas: dict[str, Formula],
) -> Section:
    """The section of a built-in ``chapter``: its figures, videos, tables and quoted numbers."""
    tables: list[ResultTable] = []
    if chapter.experiments:
        multi = len(chapter.experiments) > 1
        rows = [row for name in chapter.experiments for row in result_rows(results[name])]
        caption = (
            "Each optimizer on each landscape, from the same start (seed 003's race)."
            if multi
            else results[chapter.experiments[0]].experiment.title
        )
        starts = any(len(results[name].experiment.starts) > 1 for name in chapter.experiments)
        tables.append(ResultTable(caption, tuple(rows), show_landscape=multi, show_start=starts))
    extra: dict[str, Any] = {}
    if chapter.id == "decay":
        extra["schedule"] = decay_table(results["linear-regression"])
    elif chapter.id == "landscapes":
        extra["surfaces"] = [
            _surface_view(results[name].experiment) for name in chapter.experiments
        ]
    elif chapter.id == "noise":
        from gdviz.report.noise import noise_view

        extra["noise"] = noise_view()
    elif chapter.id == "fair-race":
        from gdviz.tuning import builtin_tuning

        tuning = builtin_tuning()
        extra["tune"] = fair_race_view(tuning)
        race = results["tuned:fair-race"]
        tables.append(
            ResultTable(
                f"The tuned winners from the lecture's start "
                f"{format_point(race.experiment.starts[0])}, {race.experiment.steps} steps",
                tuple(result_rows(race)),
            )
        )
    elif chapter.id == "network":
        extra["network"] = network_summary(results["mlp-moons"])
    elif chapter.id == "linear-regression":
        surface = results["linear-regression"].experiment.surface
        names = ", ".join(surface.variables)
        extra["optimum"] = f"({names}) = {format_point(surface.minima[0])}"
    return Section(
        id=chapter.id,
        title=chapter.title,
        source=chapter.source,
        summary=chapter.summary,
        prose=f"partials/prose/{chapter.id}.jinja",
        figures=tuple(figures[name] for name in chapter.figures if name in figures),
        videos=tuple(videos[name] for name in chapter.videos if name in videos),
        tables=tuple(tables),
        formulas=tuple(formulas[key] for key in chapter.formulas),
        extra=extra,
    )


def user_section(
    name: str, experiment: Experiment, result: ExperimentResult, figures: dict[str, FigureView]
) -> Section:
    """The section of the user's experiment ``name``: its table, own figures and formula."""
    surface = experiment.surface
    summary = experiment.description or f"Your experiment on {surface.pretty or surface.title}."
    table = ResultTable(
        experiment.title, tuple(result_rows(result)), show_start=len(experiment.starts) > 1
    )
    own = tuple(figures[key] for key in user_figure_names({name: experiment})[name])
    formula = None
    if surface.formula:
        try:
            formula = compile_formula(surface.formula, surface.pretty or surface.name)
        except FormulaError:
            formula = None
    return Section(
        id=f"user-{slug(name)}",
        title=experiment.title,
        source="your experiment",
        summary=summary,
        prose=None,
        figures=own,
        videos=(),
        tables=(table,),
        formulas=(formula,) if formula is not None else (),
        extra={"landscape": surface.pretty or surface.name, "steps": experiment.steps},
    )


def _surface_view(experiment: Experiment) -> dict[str, Any]:
    surface = experiment.surface
    return {
        "title": surface.title,
        "kind": surface.kind,
        "description": surface.description,
        "formula": compile_formula(surface.formula, surface.pretty),
    }


def result_rows(result: ExperimentResult) -> Iterable[ResultRow]:
    """One row per (run, start): steps, final loss, final point and status, from the core."""
    experiment = result.experiment
    surface = experiment.surface
    labelled = any(run.label for run in experiment.runs)
    for index, (run, start, trajectory) in enumerate(result.items()):
        color = (
            series_color(index // len(experiment.starts))
            if labelled
            else optimizer_color(run.optimizer)
        )
        yield ResultRow(
            run=run.display_name,
            color=color,
            landscape=surface.title,
            start=format_point(experiment.starts[start]),
            lr=format_number(run.lr, 4),
            schedule=describe_schedule(run.schedule),
            steps=trajectory.steps,
            final_loss=format_number(trajectory.final_loss),
            final_point=_point_text(trajectory.final_point),
            status=trajectory.status,
        )


def fair_race_view(result: Any) -> dict[str, Any]:
    """The numbers "A fair race" quotes, all from a :class:`~gdviz.tuning.TuneResult`: the
    protocol, the winners' table (with each optimizer's colour) and the facts the prose
    states."""
    protocol = result.protocol
    winners = result.winners
    first = winners[0]
    budget_bound = [w.title for w in winners if w.median_steps >= protocol.steps]
    return {
        "header": ["", "Optimizer", "lr", "Momentum", "Median finish", "Finished", "Median loss"],
        "rows": [
            {"color": optimizer_color(w.optimizer), "cells": row}
            for w, row in zip(winners, result.table_rows(ascii=False), strict=True)
        ],
        "optimizers": len(protocol.optimizers),
        "lrs": len(protocol.lrs),
        "lr_low": format_number(min(protocol.lrs)),
        "lr_high": format_number(max(protocol.lrs)),
        "momenta": ", ".join(format_number(m) for m in protocol.momenta),
        "starts": len(protocol.starts),
        "steps": protocol.steps,
        "gap": format_number(protocol.gap),
        "grad_tol": format_number(protocol.grad_tol),
        "runs": f"{protocol.runs:,}".replace(",", " "),
        "landscape": result.surface.title,
        "winner": first.title,
        "winner_lr": format_number(first.lr, 3),
        "winner_steps": format_number(first.median_steps),
        "winner_finished": round(first.success * protocol.trials),
        "winner_within": first.median_steps < protocol.steps,
        "budget_bound": len(budget_bound),
        "finishers": len(winners) - len(budget_bound),
    }


def _point_text(point: np.ndarray) -> str:
    """A final point for a table: its coordinates, or for a network its size and norm."""
    from gdviz.textview import MAX_COLUMNS

    if point.shape[0] <= MAX_COLUMNS:
        return format_point(point)
    return f"{point.shape[0]} parameters, ‖θ‖ = {format_number(float(np.linalg.norm(point)), 3)}"


def network_summary(result: ExperimentResult) -> dict[str, Any]:
    """The numbers the "A real network" chapter quotes, from its runs and their PCA slice.

    The slice is :func:`gdviz.figures.data.network_slice` (the figure's own, cached), the
    verdicts :func:`gdviz.claims.slice_facts`, :func:`~gdviz.claims.classifier_fit` and
    :func:`~gdviz.claims.race_order`.
    """
    from gdviz.claims import classifier_fit, finish, race_order
    from gdviz.figures.data import network_slice

    experiment = result.experiment
    surface = experiment.surface
    facts = network_slice(experiment).facts
    runs = result.by_run()
    fits = [classifier_fit(t, surface) for _, t in runs]
    finishes = [finish(t, surface, experiment.grad_tol) for _, t in runs]
    order = race_order(finishes, [t.final_loss for _, t in runs])
    start = runs[0][1]
    untrained = classifier_fit(start, surface, step=0)
    explained = facts.explained or (math.nan, math.nan)
    rows = [
        [
            run.display_name,
            format_number(fit.final_loss, 3),
            format_percent(fit.accuracy, 0),
            str(fit.misclassified),
            format_number(float(np.linalg.norm(t.final_point - t.points[0])), 3),
            format_percent(off, 0),
        ]
        for (run, t), fit, off in zip(runs, fits, facts.off_plane, strict=True)
    ]
    return {
        "parameters": surface.dim,
        "samples": fits[0].samples,
        "steps": experiment.steps,
        "start_loss": format_number(start.losses[0], 3),
        "start_accuracy": format_percent(untrained.accuracy, 0),
        "explained": [format_percent(explained[0]), format_percent(explained[1])],
        "captured": format_percent(explained[0] + explained[1]),
        "off_plane": format_percent(max(facts.off_plane), 0),
        "loss_gap": format_number(max(facts.loss_gap), 2),
        "lowest": runs[order[0]][0].display_name,
        "highest": runs[order[-1]][0].display_name,
        "all_separate": all(fit.misclassified == 0 for fit in fits),
        "header": [
            "run",
            "final loss",
            "accuracy",
            "misclassified",
            "distance from the start",
            "off the plane",
        ],
        "rows": rows,
    }


def describe_schedule(text: str | None) -> str:
    """``"exponential:gamma=0.99"`` → ``"exponential schedule, gamma 0.99"`` (empty if none)."""
    if not text:
        return ""
    kind, _, params = text.partition(":")
    pairs = [item.partition("=") for item in params.split(",") if item.strip()]
    details = ", ".join(f"{key.strip()} {value.strip()}" for key, _, value in pairs)
    return f"{kind.strip()} schedule" + (f", {details}" if details else "")


def decay_table(result: ExperimentResult, marks: tuple[int, ...] = (0, 10, 50, 100, 150, 200)):
    """The learning rate and loss along the decayed run next to the fixed-rate runs, and what
    the prose says of them: the share of its initial rate the schedule keeps after 100 and 200
    epochs (:meth:`gdviz.schedules.Schedule.learning_rates`) and each run's verdict
    (:func:`gdviz.claims.verdict`)."""
    from gdviz.claims import nearest_minimum, verdict

    runs = result.by_run()
    header = ["step"] + [f"loss, {run.display_name}" for run, _ in runs]
    config, decayed = next(((r, t) for r, t in runs if r.schedule), runs[-1])
    rows = []
    for k in marks:
        cells = [str(k), format_number(float(decayed.lrs[min(k, decayed.steps)]))]
        for _, trajectory in runs:
            cells.append(format_number(float(trajectory.losses[min(k, trajectory.steps)])))
        rows.append(cells)
    kept = []
    schedule = config.make_schedule()
    if schedule is not None:
        rates = schedule.learning_rates(config.lr, 201)
        kept = [(k, format_percent(float(rates[k] / rates[0]), 0)) for k in (100, 200)]
    surface = result.experiment.surface
    verdicts = []
    for run, trajectory in runs:
        minimum = nearest_minimum(surface, trajectory.points[0])
        label = verdict(trajectory, minimum).label if minimum is not None else trajectory.status
        verdicts.append({"lr": format_number(run.lr), "decays": bool(run.schedule), "says": label})
    return {
        "header": [header[0], "η with decay", *header[1:]],
        "rows": rows,
        "gamma": format_number(schedule.params["gamma"])
        if schedule and "gamma" in schedule.params
        else "",
        "kept": kept,
        "runs": verdicts,
    }


def slug(text: str) -> str:
    """``My race!`` → ``my-race`` (ids for user sections)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "experiment"
