"""The one "did you mean …?" rule and its typo distance."""

from __future__ import annotations

import pytest

from gdviz.names import did_you_mean, typo_distance
from gdviz.optimizers import optimizer_names


@pytest.mark.parametrize(
    ("a", "b", "distance"),
    [
        ("", "", 0),
        ("adam", "adam", 0),
        ("adma", "adam", 1),  # two neighbours swapped
        ("adamm", "adam", 1),
        ("sgd", "sg", 1),
        ("kitten", "sitting", 3),
        ("ca", "abc", 3),  # optimal string alignment: no edit of a swapped pair
    ],
)
def test_typo_distance(a: str, b: str, distance: int) -> None:
    assert typo_distance(a, b) == typo_distance(b, a) == distance


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("adma", "adam"),  # difflib alone says 'adamax'
        ("rms", "rmsprop"),
        ("nestrov", "nesterov"),
        ("Adam", "adam"),
        ("momentun", "momentum"),
    ],
)
def test_one_typo_away_is_the_suggestion(typed: str, meant: str) -> None:
    assert did_you_mean(typed, optimizer_names()) == f" (did you mean '{meant}'?)"


def test_no_suggestion_for_a_word_far_from_every_choice() -> None:
    assert did_you_mean("lbfgs", optimizer_names()) == ""
