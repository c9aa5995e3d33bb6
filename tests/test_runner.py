"""Runners' line styles: the dashes of a trail follow the optimizer's pattern in one phase."""

from __future__ import annotations

import numpy as np
import pytest

from gdviz.animation.runner import dash_pieces


def _length(piece: np.ndarray) -> float:
    return float(np.linalg.norm(np.diff(piece, axis=0), axis=1).sum())


def test_a_solid_line_is_one_piece():
    points = np.array([[0.0, 0, 0], [1, 0, 0], [1, 1, 0]])
    (piece,) = dash_pieces(points, (), 0.1)
    np.testing.assert_array_equal(piece, points)


def test_dashes_have_the_patterns_lengths_and_follow_the_path():
    # an L-shaped path of length 2; pattern (3, 1) at scale 0.1: 0.3 on, 0.1 off
    points = np.array([[0.0, 0, 0], [1, 0, 0], [1, 1, 0]])
    pieces = dash_pieces(points, (3.0, 1.0), 0.1)
    assert len(pieces) == 5  # on at [0, .3], [.4, .7], [.8, 1.1], [1.2, 1.5], [1.6, 1.9]
    for piece in pieces:
        assert _length(piece) == pytest.approx(0.3)
        # every corner lies on the path: y = 0 on the first leg, x = 1 on the second
        assert np.all(np.isclose(piece[:, 1], 0) | np.isclose(piece[:, 0], 1))
    np.testing.assert_allclose(pieces[2], [[0.8, 0, 0], [1, 0, 0], [1, 0.1, 0]], atol=1e-12)


def test_a_path_drawn_in_two_parts_keeps_one_dash_phase():
    points = np.column_stack([np.linspace(0, 2, 21), np.zeros(21), np.zeros(21)])
    whole = dash_pieces(points, (3.0, 1.5), 0.1)
    head = dash_pieces(points[:8], (3.0, 1.5), 0.1)
    tail = dash_pieces(points[7:], (3.0, 1.5), 0.1, offset=0.7)
    drawn = [p for p in head + tail if _length(p) > 1e-12]
    # the dash cut at x = 0.7 is the same dash, drawn in two pieces
    assert sum(_length(p) for p in drawn) == pytest.approx(sum(_length(p) for p in whole))
    starts = sorted({round(float(p[0, 0]), 9) for p in drawn} - {0.7})
    assert starts == sorted(round(float(p[0, 0]), 9) for p in whole)
