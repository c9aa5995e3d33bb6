"""``network-slice``: the network's loss on the PCA slice, its paths, boundaries and losses."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest

from gdviz.claims import classifier_fit, slice_facts
from gdviz.experiments import get_experiment
from gdviz.figures import FIGURES, user_figures
from gdviz.figures.data import experiment_result, network_slice
from gdviz.figures.network import network_slice_caption, slice_axis_label
from gdviz.landscapes import get_landscape
from gdviz.landscapes.network import logits
from gdviz.numbers import format_number, format_percent
from gdviz.slices import pca_plane, project, slice_loss


@pytest.fixture(scope="module")
def experiment():
    return get_experiment("mlp-moons")


@pytest.fixture(scope="module")
def figure(experiment):
    figure = FIGURES["network-slice"].make("light")
    figure.canvas.draw()
    yield figure
    plt.close(figure)


def test_the_slice_is_the_core_loss_on_the_pca_plane_of_the_runs(experiment) -> None:
    view = network_slice(experiment)
    trajectories = [t for _, t in experiment_result(experiment).by_run()]
    plane = pca_plane(trajectories)
    np.testing.assert_array_equal(view.plane.directions, plane.directions)
    every = slice(None, None, 15)
    np.testing.assert_allclose(
        view.loss[every, every],
        slice_loss(experiment.surface, plane, (view.a[every], view.b[every])),
        rtol=1e-13,
    )
    for path, trajectory in zip(view.paths, trajectories, strict=True):
        np.testing.assert_array_equal(path, project(trajectory, plane))
        # every projected path lies inside the drawn window
        assert view.a[0] < path[:, 0].min() and path[:, 0].max() < view.a[-1]
        assert view.b[0] < path[:, 1].min() and path[:, 1].max() < view.b[-1]


def test_the_figure_draws_the_projected_paths_and_the_boundaries(experiment, figure) -> None:
    view = network_slice(experiment)
    slice_ax, boundary_ax, loss_ax = figure.axes[:3]
    drawn = [line.get_xydata() for line in slice_ax.get_lines()]
    for path in view.paths:
        assert any(np.array_equal(xy, path) for xy in drawn)
    assert slice_ax.get_xlabel() == slice_axis_label(view, 0)
    assert format_percent(view.plane.explained[0]) in slice_ax.get_xlabel()
    # the loss panel shows each run's own losses
    curves = [line.get_ydata() for line in loss_ax.get_lines()]
    for _, trajectory in experiment_result(experiment).by_run():
        assert any(np.array_equal(y, trajectory.losses) for y in curves)
    # each boundary is the zero level of the run's logit: the logit at its vertices is ~0
    boundaries = boundary_ax.collections[2:]
    assert len(boundaries) == len(experiment.runs)
    for contour, (_, trajectory) in zip(
        boundaries, experiment_result(experiment).by_run(), strict=True
    ):
        vertices = np.concatenate([p.vertices for p in contour.get_paths()])
        assert np.abs(logits(trajectory.final_point, vertices)).max() < 0.1


def test_the_caption_says_it_is_a_slice_with_numbers_from_the_runs(experiment) -> None:
    caption = FIGURES["network-slice"].caption
    facts = network_slice(experiment).facts
    assert "2-D slice of the 33-dimensional parameter space" in caption
    assert "not the whole landscape" in caption
    assert format_percent(facts.explained[0]) in caption
    assert format_percent(facts.explained[1]) in caption
    assert format_number(max(facts.loss_gap), 2) in caption
    for _, trajectory in experiment_result(experiment).by_run():
        assert format_number(trajectory.final_loss, 3) in caption
    lowest = min(experiment_result(experiment).by_run(), key=lambda run: run[1].final_loss)
    assert f"{lowest[0].display_name} ends lowest" in caption


def test_the_figure_applies_to_network_experiments_only(experiment) -> None:
    assert "network-slice-mlp-moons" in user_figures([experiment])
    assert not any(
        name.startswith("network-slice") for name in user_figures([get_experiment("race-bowl")])
    )


def test_slice_facts_of_a_path_in_its_own_plane() -> None:
    from gdviz.descent import descend
    from gdviz.optimizers import make_optimizer

    valley = get_landscape("valley")
    path = descend(valley, make_optimizer("adam"), (-2.0, 1.0), lr=0.1, steps=30)
    facts = slice_facts(valley, pca_plane(path), [path])
    assert facts.off_plane[0] < 1e-12 and facts.loss_gap[0] < 1e-12
    assert facts.captured == pytest.approx(1.0)


def test_classifier_fit_counts_the_samples_on_the_right_side(experiment) -> None:
    network = experiment.surface
    _, trajectory = experiment_result(experiment).by_run()[0]
    fit = classifier_fit(trajectory, network)
    z = logits(trajectory.final_point, network.data.X)
    assert fit.accuracy == np.mean((z > 0) == (network.data.y == 1))
    start = classifier_fit(trajectory, network, step=0)
    assert start.final_loss == trajectory.losses[0]
    z0 = logits(trajectory.points[0], network.data.X)
    assert start.accuracy == np.mean((z0 > 0) == (network.data.y == 1))
    assert start.misclassified == round((1 - start.accuracy) * 100) > 0
    with pytest.raises(ValueError, match="not the mlp-moons classifier"):
        classifier_fit(trajectory, get_landscape("logistic-regression"))


def test_a_filter_normalised_slice_passes_through_the_lowest_runs_end(experiment) -> None:
    view = network_slice(experiment, "filter-normalised", seed=3)
    runs = experiment_result(experiment).by_run()
    lowest = min(range(len(runs)), key=lambda i: runs[i][1].final_loss)
    assert view.through == lowest and view.plane.kind == "filter-normalised"
    np.testing.assert_allclose(view.paths[lowest][-1], [0.0, 0.0], atol=1e-9)
    surface = experiment.surface
    (value,) = slice_loss(surface, view.plane, (np.zeros(1), np.zeros(1)))[0]
    assert value == pytest.approx(runs[lowest][1].final_loss, rel=1e-9)
    assert view.a[0] <= -1 and view.a[-1] >= 1 and view.b[0] <= -1 and view.b[-1] >= 1
    caption = network_slice_caption(experiment, "filter-normalised", seed=3)
    assert "two filter-normalised random directions (seed 3)" in caption
    assert f"through {runs[lowest][0].display_name}'s final point" in caption
    with pytest.raises(ValueError, match="unknown plane 'tsne'"):
        network_slice(experiment, "tsne")
