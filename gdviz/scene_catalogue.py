"""The lecture scenes' catalogue, read from the scene files, and what each call draws.

Each scene file declares a module-level ``SCENE = {...}`` literal (name, title, summary,
default experiment, what else it can draw, report chapter), read here with :mod:`ast` without
importing the file (:func:`read_declaration`, :func:`scene_catalogue`). :func:`plan` turns a
``gdviz video`` call (scene names, ``--landscape``, ``--config``/``--experiment``) into the
:class:`Job` list :func:`gdviz.video.render_videos` renders, checked before any work;
:func:`scene_experiment` is what one scene draws. Stdlib only at import: the Makefile lists
the scenes (``python -m gdviz.video``) before setup.
"""

from __future__ import annotations

import ast
import os
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from gdviz.experiments import Experiment, RunConfig
    from gdviz.landscapes import Landscape

__all__ = [
    "DRAWABLE_KINDS",
    "Job",
    "SceneInfo",
    "catalogue_table",
    "check_experiment",
    "class_name_of",
    "drawable_landscapes",
    "landscape_experiment",
    "landscape_kind",
    "plan",
    "read_declaration",
    "scene_catalogue",
    "scene_experiment",
    "scenes_dir",
]


@dataclass(frozen=True)
class SceneInfo:
    """One lecture scene, as its file declares it (the module-level ``SCENE`` literal).

    Attributes
    ----------
    name, title, summary : str
        ``hiker``; its title on screen and in the report; one line for ``--list`` and the docs.
    file, class_name : str
        ``hiker.py`` and ``Hiker`` (the class is named after the file, so
        ``manim -pql scenes/hiker.py Hiker`` renders what ``gdviz video hiker`` renders).
    experiment : str
        The built-in experiment it draws by default.
    draws : tuple of str
        The kinds of landscape it can also draw for ``--landscape`` and ``--config``:
        ``"1-D"`` (a formula in x), ``"2-D"`` (a formula in x and y), ``"data"`` (a 2-D data
        landscape); empty when it only tells its own experiment's story.
    optimizers : tuple of str
        The optimizers it can show (empty: any).
    chapter : str or None
        The report chapter it belongs to.
    max_runs : int or None
        The most runs of an experiment it can lay out (None: any number).
    """

    name: str
    file: str
    class_name: str
    title: str
    summary: str
    experiment: str
    draws: tuple[str, ...] = ()
    optimizers: tuple[str, ...] = ()
    chapter: str | None = None
    max_runs: int | None = None

    @property
    def options(self) -> tuple[str, ...]:
        """The ``gdviz video`` option that changes what it draws (``--landscape NAME``)."""
        return ("landscape",) if self.draws else ()


#: The keys a scene file's ``SCENE`` literal must and may have.
_REQUIRED_KEYS = {"name", "title", "summary", "experiment"}
_OPTIONAL_KEYS = {"draws", "optimizers", "chapter", "max_runs"}
DRAWABLE_KINDS = ("1-D", "2-D", "data")


def class_name_of(path: Path) -> str:
    """The scene class of a file: ``local_minima.py`` → ``LocalMinima``."""
    return "".join(part.capitalize() for part in path.stem.split("_"))


def read_declaration(path: Path) -> SceneInfo:
    """Read the ``SCENE = {...}`` literal of a scene file without importing it (``ast``).

    Raises
    ------
    ValueError
        If the file has no such literal, or it lacks a key or has an unknown one.
    """
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in tree.body:
        if (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
            and node.targets[0].id == "SCENE"
        ):
            data = ast.literal_eval(node.value)
            break
    else:
        raise ValueError(f"{path.name}: no SCENE = {{...}} declaration")
    if not isinstance(data, dict):
        raise ValueError(f"{path.name}: SCENE must be a dict literal")
    missing = sorted(_REQUIRED_KEYS - set(data))
    unknown = sorted(set(data) - _REQUIRED_KEYS - _OPTIONAL_KEYS)
    if missing or unknown:
        problem = f"lacks '{missing[0]}'" if missing else f"has an unknown key '{unknown[0]}'"
        raise ValueError(f"{path.name}: SCENE {problem}")
    kinds = tuple(data.get("draws", ()))
    bad = [kind for kind in kinds if kind not in DRAWABLE_KINDS]
    if bad:
        raise ValueError(f"{path.name}: SCENE draws an unknown kind '{bad[0]}'")
    max_runs = data.get("max_runs")
    if max_runs is not None and (
        isinstance(max_runs, bool) or not isinstance(max_runs, int) or max_runs < 1
    ):
        raise ValueError(f"{path.name}: SCENE max_runs must be a whole number ≥ 1")
    return SceneInfo(
        name=str(data["name"]),
        file=path.name,
        class_name=class_name_of(path),
        title=str(data["title"]),
        summary=str(data["summary"]),
        experiment=str(data["experiment"]),
        draws=kinds,
        optimizers=tuple(data.get("optimizers", ())),
        chapter=data.get("chapter"),
        max_runs=max_runs,
    )


@cache
def _catalogue(directory: Path, stamp: tuple[tuple[str, int], ...]) -> dict[str, SceneInfo]:
    infos = [read_declaration(directory / name) for name, _ in stamp]
    return {info.name: info for info in sorted(infos, key=lambda i: _ORDER.get(i.name, 99))}


#: The lesson order of the built-in scenes (others follow, by file name).
_ORDER = {
    name: i
    for i, name in enumerate(
        ("hiker", "overshoot", "local-minima", "decay", "race", "inside", "surface", "saddle")
    )
}


def scene_catalogue() -> dict[str, SceneInfo]:
    """Every scene of :func:`scenes_dir` by name, read from the files' declarations."""
    directory = scenes_dir()
    files = sorted(p for p in directory.glob("*.py") if not p.name.startswith("_"))
    return dict(_catalogue(directory, tuple((p.name, p.stat().st_mtime_ns) for p in files)))


def scenes_dir() -> Path:
    """The scene files: ``$GDVIZ_SCENES_DIR`` if set, else the copy inside an installed wheel,
    else ``scenes/`` of a source checkout."""
    override = os.environ.get("GDVIZ_SCENES_DIR")
    if override:
        return Path(override)
    here = Path(__file__).resolve().parent
    for candidate in (here / "_data" / "scenes", here.parent / "scenes"):
        if (candidate / "hiker.py").is_file():
            return candidate
    raise FileNotFoundError("the gdviz scenes/ directory is missing from this installation")


# ------------------------------------------------------------------------- what to draw


def landscape_kind(surface: Landscape) -> str | None:
    """``"1-D"``, ``"2-D"`` or ``"data"`` (a 2-D data problem); None if no scene can draw it."""
    if surface.dim == 1:
        return "1-D"
    if surface.dim == 2:
        return "data" if surface.data is not None else "2-D"
    return None


def drawable_landscapes(name: str) -> list[str]:
    """The built-in landscapes scene ``name`` can draw with ``--landscape``."""
    from gdviz.landscapes import get_landscape, landscape_names

    info = scene_catalogue()[name]
    return [n for n in landscape_names() if landscape_kind(get_landscape(n)) in info.draws]


def _optimizer_family(run: RunConfig) -> str:
    if run.optimizer == "sgd" and float(run.params.get("momentum", 0)) > 0:
        return "momentum"
    return run.optimizer


def check_experiment(info: SceneInfo, experiment: Experiment) -> None:
    """Raise a one-line ``ValueError`` if scene ``info`` cannot draw ``experiment``."""
    kind = landscape_kind(experiment.surface)
    if kind not in info.draws:
        drawn = (
            " or ".join(info.draws) if info.draws else f"only its experiment '{info.experiment}'"
        )
        what = f"a {kind} landscape" if kind else f"a {experiment.surface.dim}-D landscape"
        raise ValueError(
            f"scene '{info.name}' draws {drawn}; experiment '{experiment.name}' is on {what}"
        )
    if info.max_runs is not None and len(experiment.runs) > info.max_runs:
        raise ValueError(
            f"scene '{info.name}' draws at most {info.max_runs} runs; experiment "
            f"'{experiment.name}' has {len(experiment.runs)} (`gdviz tune --top "
            f"{info.max_runs}` writes only the best {info.max_runs})"
        )
    if info.optimizers and not any(
        _optimizer_family(r) in info.optimizers for r in experiment.runs
    ):
        raise ValueError(
            f"scene '{info.name}' shows {', '.join(info.optimizers)}; experiment "
            f"'{experiment.name}' has no run of these"
        )


def landscape_experiment(info: SceneInfo, landscape: str) -> Experiment:
    """The experiment scene ``info`` draws for the built-in ``landscape`` (``--landscape``).

    2-D scenes race seed 003's four optimizers from the landscape's declared start and rates;
    the 1-D hiker walks with plain GD at its suggested rate.
    """
    from gdviz.experiments import Experiment, RunConfig, race_experiment
    from gdviz.landscapes import get_landscape, landscape_names, suggested_lr
    from gdviz.names import unknown_name_message

    if landscape not in landscape_names():
        raise ValueError(
            unknown_name_message("landscape", landscape, drawable_landscapes(info.name))
        )
    surface = get_landscape(landscape)
    kind = landscape_kind(surface)
    if kind not in info.draws:
        choices = ", ".join(drawable_landscapes(info.name)) or "none"
        raise ValueError(
            f"scene '{info.name}' cannot draw landscape '{landscape}' (it draws: {choices})"
        )
    if kind == "1-D":
        lr = suggested_lr(surface, "gd") or 0.1
        return Experiment(
            name=f"{info.name}-{landscape}",
            title=f"Gradient descent on {surface.title.lower()}",
            landscape=landscape,
            starts=(surface.starts[0] if surface.starts else (0.0,),),
            runs=(RunConfig("gd", lr),),
            steps=surface.steps,
        )
    return race_experiment(surface)


def scene_experiment(
    name: str,
    *,
    landscape: str | None = None,
    config: str | Path | None = None,
    experiment: str | None = None,
) -> Experiment | None:
    """What scene ``name`` draws: None for its declared built-in, else the experiment of a
    built-in ``landscape`` or the user's ``experiment`` of the TOML file ``config``.

    Raises
    ------
    ValueError
        One line, for an unknown name or a combination the scene cannot draw.
    """
    info = scene_catalogue()[name]
    if landscape is not None:
        chosen = landscape_experiment(info, landscape)
    elif config is not None:
        chosen = _user_experiments(config, experiment)[0]
    else:
        return None
    check_experiment(info, chosen)
    return chosen


def _user_experiments(config: str | Path, name: str | None) -> list[Experiment]:
    from gdviz.experiments import load_experiments
    from gdviz.names import unknown_name_message

    experiments = load_experiments(config)
    if name is None:
        return list(experiments.values())
    if name not in experiments:
        raise ValueError(unknown_name_message(f"experiment in {config}", name, list(experiments)))
    return [experiments[name]]


@dataclass(frozen=True)
class Job:
    """One video to make: a scene, the file stem, and the options its subprocess gets."""

    scene: str
    stem: str
    options: tuple[tuple[str, str], ...] = ()
    fingerprint: str = ""


def plan(
    names: Sequence[str] | None = None,
    *,
    landscape: str | None = None,
    config: str | Path | None = None,
    experiment: str | None = None,
) -> list[Job]:
    """The videos a ``gdviz video`` call makes, checked before any work.

    Without options: each scene (all by default) with its own experiment. With ``landscape``:
    each chosen scene (default: every scene that can draw it) on that landscape. With
    ``config``: each user experiment (or only ``experiment``) through each chosen scene that
    can draw it (default: every one that can).

    Raises
    ------
    ValueError
        One line: an unknown scene, landscape or experiment, or a combination no scene draws.
    """
    from gdviz.names import unknown_name_message

    catalogue = scene_catalogue()
    for name in names or ():
        if name not in catalogue:
            raise ValueError(unknown_name_message("scene", name, list(catalogue)))
    if experiment is not None and config is None:
        raise ValueError("--experiment names an experiment of --config FILE.toml; give --config")
    if landscape is not None and config is not None:
        raise ValueError("give --landscape or --config, not both")
    explicit = list(dict.fromkeys(names or ()))
    if landscape is not None:
        return _landscape_jobs(explicit, landscape)
    if config is not None:
        return _config_jobs(explicit, config, experiment)
    return [Job(name, name) for name in explicit or list(catalogue)]


def _landscape_jobs(explicit: list[str], landscape: str) -> list[Job]:
    catalogue = scene_catalogue()
    candidates = explicit or [n for n, i in catalogue.items() if i.draws]
    jobs = []
    for name in candidates:
        info = catalogue[name]
        try:
            chosen = landscape_experiment(info, landscape)
        except ValueError:
            if explicit:
                raise
            continue
        stem = name if chosen.name == info.experiment else f"{name}-{landscape}"
        jobs.append(Job(name, stem, (("landscape", landscape),), repr(chosen)))
    if not jobs:
        raise ValueError(f"no scene draws landscape '{landscape}'")
    return jobs


def _config_jobs(explicit: list[str], config: str | Path, experiment: str | None) -> list[Job]:
    catalogue = scene_catalogue()
    experiments = _user_experiments(config, experiment)
    jobs = []
    for name in explicit or [n for n, i in catalogue.items() if i.draws]:
        for chosen in experiments:
            try:
                check_experiment(catalogue[name], chosen)
            except ValueError:
                if explicit and (experiment is not None or len(experiments) == 1):
                    raise
                continue
            options = (("config", str(Path(config).resolve())), ("experiment", chosen.name))
            jobs.append(Job(name, f"{name}-{chosen.name}", options, repr(chosen)))
    if not jobs:
        names = ", ".join(e.name for e in experiments)
        raise ValueError(f"no chosen scene can draw the experiments of {config} ({names})")
    return jobs


def catalogue_table() -> str:
    """The scene catalogue as the Markdown table of ``scenes/README.md``."""
    lines = [
        "| scene | file and class | draws | chapter | what it shows |",
        "| --- | --- | --- | --- | --- |",
    ]
    for info in scene_catalogue().values():
        draws = ", ".join(info.draws) if info.draws else f"only `{info.experiment}`"
        if info.draws:
            draws = f"`{info.experiment}`; any {draws}"
        lines.append(
            f"| {info.name} | {info.file} `{info.class_name}` | {draws} | "
            f"{info.chapter or '—'} | {info.summary} |"
        )
    return "\n".join(lines)
