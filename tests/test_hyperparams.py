"""gdviz.hyperparams: one declaration per hyperparameter, its messages and its documentation."""

from __future__ import annotations

import math
import re

import pytest

from gdviz.hyperparams import (
    OPTIMIZER_WORDING,
    REQUIRED,
    SCHEDULE_WORDING,
    Hyperparameter,
    document,
)
from gdviz.optimizers import OPTIMIZERS
from gdviz.schedules import SCHEDULES


def _documented(doc: str) -> list[str]:
    """The parameter names of a numpy-style Parameters section."""
    section = doc.split("Parameters\n----------\n", 1)[1].split("\n\n", 1)[0]
    return re.findall(r"^(\w+) : ", section, flags=re.MULTILINE)


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_every_rule_documents_its_hyperparameters_from_the_specs(name: str) -> None:
    info = OPTIMIZERS[name]
    doc = info.rule.__doc__ or ""
    assert "θ_t" in doc  # the rule, as torch writes it
    documented = _documented(doc)
    if info.fixed:  # AdamW shares Adam's rule and documents Adam's arguments
        assert set(p.name for p in info.params) <= set(documented)
    else:
        assert documented == [p.name for p in info.params]
    for param in info.params:
        if param.kind != "bool" and not info.fixed:
            assert f"({'each ' if param.kind == 'pair' else ''}" in doc
            assert param.range_text(OPTIMIZER_WORDING) in doc
    assert doc.index("Parameters") < doc.index("Notes")


@pytest.mark.parametrize("kind", [k for k in SCHEDULES if SCHEDULES[k].params])
def test_every_schedule_documents_its_parameters(kind: str) -> None:
    info = SCHEDULES[kind]
    doc = info.next.__doc__ or ""
    assert _documented(doc) == [p.name for p in info.params]
    for param in info.params:
        assert param.range_text(SCHEDULE_WORDING) in doc
        assert ("default" in doc.split(f"{param.name} : ", 1)[1].split("\n")[0]) == (
            param.default is not REQUIRED
        )


def test_the_two_wordings() -> None:
    unit = Hyperparameter("rho", 0.9, "Decay", high=1.0)
    assert unit.range_text(OPTIMIZER_WORDING) == "in [0.0, 1.0]"
    assert unit.range_text(SCHEDULE_WORDING) == "in [0, 1]"
    positive = Hyperparameter("s", 1.0, "Scale", low_open=True)
    assert positive.range_text(OPTIMIZER_WORDING) == "> 0"
    assert positive.range_text(SCHEDULE_WORDING) == "a number > 0"
    whole = Hyperparameter("n", 5, "Count", kind="int", low=1.0)
    assert whole.range_text(SCHEDULE_WORDING) == "an integer ≥ 1"
    with pytest.raises(ValueError, match=r"^invalid rho for adadelta: -1\.0 \(must be in"):
        unit.check("adadelta", -1)
    with pytest.raises(ValueError, match=r"^invalid rho for adadelta: inf \(must be finite\)$"):
        unit.check("adadelta", math.inf)
    with pytest.raises(
        ValueError, match=r"^invalid rho for x schedule: -1 \(must be in \[0, 1\]\)$"
    ):
        unit.check("x", -1, SCHEDULE_WORDING)
    with pytest.raises(ValueError, match=r"^invalid n for x schedule: 2\.5 \(must be a whole"):
        whole.check("x", 2.5, SCHEDULE_WORDING)
    assert whole.check("x", 3.0, SCHEDULE_WORDING) == 3
    assert type(whole.check("x", 3.0, SCHEDULE_WORDING)) is int


def test_document_inserts_the_section_before_notes_or_at_the_end() -> None:
    spec = (Hyperparameter("alpha", 0.5, "Smoothing α", high=1.0),)

    @document(spec)
    def with_notes() -> None:
        """Title.

        Rule::

            x ← y

        Notes
        -----
        A note.
        """

    @document(spec, SCHEDULE_WORDING)
    def without_notes() -> None:
        """Title."""

    assert with_notes.__doc__ == (
        "Title.\n\nRule::\n\n    x ← y\n\nParameters\n----------\nalpha : float, default 0.5\n"
        "    Smoothing α (in [0.0, 1.0]).\n\nNotes\n-----\nA note.\n"
    )
    assert without_notes.__doc__ == (
        "Title.\n\nParameters\n----------\nalpha : float, default 0.5\n"
        "    Smoothing α (in [0, 1]).\n"
    )
