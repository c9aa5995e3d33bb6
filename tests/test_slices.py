"""Slices of n-dimensional landscapes: planes, projections, filter normalisation, slice losses."""

from __future__ import annotations

import numpy as np
import pytest

from gdviz.descent import descend
from gdviz.landscapes import get_landscape
from gdviz.optimizers import make_optimizer
from gdviz.slices import (
    Plane,
    filter_normalise,
    pca_plane,
    plane_grid,
    project,
    random_plane,
    slice_loss,
)


@pytest.fixture(scope="module")
def network():
    return get_landscape("mlp-moons")


@pytest.fixture(scope="module")
def paths(network):
    start = network.starts[0]
    return [
        descend(network, make_optimizer(name), start, lr=network.lrs[name], steps=60)
        for name in ("sgd", "adam")
    ]


def test_projection_of_points_in_the_plane_is_exact(network) -> None:
    rng = np.random.default_rng(3)
    ab = rng.normal(size=(7, 2))
    for plane in (
        random_plane(network, network.starts[0], seed=1),
        random_plane(network, network.starts[0], seed=2, filter_normalised=False),
        Plane(rng.normal(size=33), rng.normal(size=(2, 33)), "random"),
    ):
        points = plane.points(ab[:, 0], ab[:, 1])
        np.testing.assert_allclose(project(points, plane), ab, rtol=1e-12, atol=1e-12)
        # and the projection of any point is its nearest point on the plane: the residual is
        # orthogonal to both directions
        theta = rng.normal(size=(5, 33))
        residual = theta - plane.points(*project(theta, plane).T)
        np.testing.assert_allclose(residual @ plane.directions.T, 0.0, atol=1e-10)


def test_pca_directions_are_orthonormal_and_match_the_svd(paths) -> None:
    plane = pca_plane(paths)
    u = plane.directions
    np.testing.assert_allclose(u @ u.T, np.eye(2), atol=1e-12)
    points = np.concatenate([t.points for t in paths])
    np.testing.assert_allclose(plane.origin, points.mean(axis=0), rtol=1e-13)
    _, sigma, vt = np.linalg.svd(points - points.mean(axis=0))
    for k in range(2):
        assert abs(abs(float(vt[k] @ u[k])) - 1.0) < 1e-10
    assert plane.explained is not None
    np.testing.assert_allclose(plane.explained, sigma[:2] ** 2 / np.sum(sigma**2), rtol=1e-12)
    assert plane.explained[0] >= plane.explained[1] > 0
    # the first path moves towards positive coordinates along both directions
    travel = project(paths[0].points[[0, -1]], plane)
    assert (travel[1] - travel[0] >= 0).all()


def test_pca_plane_of_a_two_parameter_path_is_the_parameter_plane() -> None:
    valley = get_landscape("valley")
    path = descend(valley, make_optimizer("adam"), (-2.0, 1.0), lr=0.1, steps=40)
    plane = pca_plane(path)
    ab = project(path, plane)
    np.testing.assert_allclose(plane.points(ab[:, 0], ab[:, 1]), path.points, atol=1e-12)
    assert sum(plane.explained) == pytest.approx(1.0)


def test_filter_norms_equal_the_points(network) -> None:
    point = np.asarray(network.starts[0])
    plane = random_plane(network, point, seed=5)
    assert plane.kind == "filter-normalised"
    for direction in plane.directions:
        for tensor in network.tensors:
            part = slice(tensor.offset, tensor.stop)
            if tensor.is_weight:
                rows = (tensor.shape[0], -1)
                np.testing.assert_allclose(
                    np.linalg.norm(direction[part].reshape(rows), axis=1),
                    np.linalg.norm(point[part].reshape(rows), axis=1),
                    rtol=1e-12,
                )
            else:
                assert (direction[part] == 0).all()
    copied = filter_normalise(np.ones(33), point, network, biases="copy")
    bias = network.tensors[1]
    np.testing.assert_array_equal(copied[bias.offset : bias.stop], point[bias.offset : bias.stop])
    # same seed, same plane; another seed, another plane
    again = random_plane(network, point, seed=5)
    np.testing.assert_array_equal(again.directions, plane.directions)
    assert not np.allclose(random_plane(network, point, seed=6).directions, plane.directions)


def test_without_tensors_the_whole_vector_is_one_filter() -> None:
    squares = get_landscape("least-squares")
    point = np.array([1.0, -2.0, 2.0])
    plane = random_plane(squares, point, seed=0)
    np.testing.assert_allclose(np.linalg.norm(plane.directions, axis=1), 3.0, rtol=1e-12)
    plain = random_plane(squares, point, seed=0, filter_normalised=False)
    np.testing.assert_allclose(np.linalg.norm(plain.directions, axis=1), 1.0, rtol=1e-12)


def test_slice_values_equal_direct_loss_evaluation(network, paths) -> None:
    plane = pca_plane(paths)
    a, b = plane_grid(project(paths[0], plane), resolution=9)
    z = slice_loss(network, plane, (a, b[:5]))
    assert z.shape == (5, 9)
    for j in (0, 2, 4):
        for i in (0, 4, 8):
            theta = plane.origin + a[i] * plane.directions[0] + b[j] * plane.directions[1]
            assert z[j, i] == pytest.approx(float(network.loss(theta)), rel=1e-13)


def test_plane_grid_covers_the_coordinates_with_a_margin() -> None:
    coords = np.array([[0.0, 0.0], [4.0, 1.0]])
    a, b = plane_grid(coords, resolution=5, margin=0.25)
    assert (a[0], a[-1]) == (-1.0, 5.0)
    assert (b[0], b[-1]) == (-1.0, 2.0)


def test_bad_inputs_say_what_is_wrong(network) -> None:
    with pytest.raises(ValueError, match="never move"):
        pca_plane(np.ones((5, 3)))
    with pytest.raises(ValueError, match="different numbers"):
        pca_plane([np.zeros((3, 2)), np.zeros((3, 4))])
    with pytest.raises(ValueError, match="independent"):
        random_plane(network, np.zeros(33))
    with pytest.raises(ValueError, match="33 coordinates"):
        random_plane(network, np.zeros(3))
    with pytest.raises(ValueError, match="biases"):
        filter_normalise(np.ones(33), np.ones(33), network, biases="keep")
    with pytest.raises(ValueError, match=r"shape \(2, 3\)"):
        Plane(np.zeros(3), np.zeros((2, 4)), "random")
    mine = np.ones(3)
    Plane(mine, np.eye(3)[:2], "random")
    mine[0] = 2.0  # the caller's array stays theirs: writable, not aliased
    plane = pca_plane(np.arange(12.0).reshape(4, 3) ** 2)
    with pytest.raises(ValueError, match="3 dimensions"):
        project(np.zeros((2, 5)), plane)


def test_the_network_declares_torchs_layer_structure(network) -> None:
    import json
    from dataclasses import replace

    from gdviz.landscapes.network import INIT_FILE

    assert [(t.name, t.shape) for t in network.tensors] == [
        ("0.weight", (8, 2)),
        ("0.bias", (8,)),
        ("2.weight", (1, 8)),
        ("2.bias", (1,)),
    ]
    assert list(network.variables) == json.loads(INIT_FILE.read_text())["names"]
    with pytest.raises(ValueError, match="end to end"):
        replace(network, tensors=network.tensors[:3])
