"""``mlp-moons``: a small tanh network classifying two interleaved half-moons.

The network is torch's ``nn.Sequential(nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, 1))`` with the
mean binary cross-entropy of its logit (``nn.BCEWithLogitsLoss``). Its 33 parameters form one
vector in torch's layout — for each ``nn.Linear`` the weight ``(out, in)`` row-major, then the
bias::

    θ = (W₁ (8×2), b₁ (8), W₂ (1×8), b₂ (1))

For samples :math:`x_i \\in \\mathbb{R}^2` with labels :math:`y_i \\in \\{0, 1\\}`:

.. math::
    h_i = \\tanh(W_1 x_i + b_1), \\quad z_i = W_2 h_i + b_2, \\quad
    L = \\frac1n \\sum_i \\operatorname{softplus}(z_i) - y_i z_i,

and the exact gradient by backpropagation, :math:`\\delta_i = (\\sigma(z_i) - y_i)/n`:

.. math::
    \\nabla_{W_2} = \\sum_i \\delta_i h_i^\\top, \\quad \\nabla_{b_2} = \\sum_i \\delta_i, \\quad
    \\nabla_{W_1} = \\sum_i (\\delta_i W_2^\\top \\odot (1 - h_i^2)) x_i^\\top, \\quad
    \\nabla_{b_1} = \\sum_i \\delta_i W_2^\\top \\odot (1 - h_i^2).

Everything is batched over leading axes of the parameter vector. The default start is torch's
default initialisation under ``torch.manual_seed(0)`` (recorded in ``mlp_moons_init.json`` by
``tests/reference/record_network.py``). The landscape has no closed-form Hessian here.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import numpy as np

from gdviz.landscapes.landscape import Dataset, Functions, Landscape, Tensor

__all__ = ["HIDDEN", "TENSORS", "accuracy", "logits", "network_landscape", "two_moons"]

#: Hidden units.
HIDDEN = 8
_INPUTS = 2
#: The layer structure, as torch's ``named_parameters()`` lists it (``0`` and ``2`` are the
#: two ``nn.Linear`` of the ``nn.Sequential``; ``1`` is the ``nn.Tanh``).
TENSORS = Tensor.layout(
    ("0.weight", (HIDDEN, _INPUTS)),
    ("0.bias", (HIDDEN,)),
    ("2.weight", (1, HIDDEN)),
    ("2.bias", (1,)),
)
PARAMETERS = TENSORS[-1].stop
INIT_FILE = Path(__file__).with_name("mlp_moons_init.json")


def two_moons(n: int = 100, noise: float = 0.1, seed: int = 0) -> Dataset:
    """Two interleaved half-circles (scikit-learn's ``make_moons`` construction), deterministic.

    ``n // 2`` points on the upper moon :math:`(\\cos t, \\sin t)` (label 0) and the rest on the
    lower one :math:`(1 - \\cos t, \\tfrac12 - \\sin t)` (label 1), :math:`t` evenly spaced in
    :math:`[0, \\pi]`, plus Gaussian noise from ``numpy.random.RandomState(seed)``, rounded to
    three decimals.
    """
    upper, lower = n // 2, n - n // 2
    t_up, t_low = np.linspace(0, np.pi, upper), np.linspace(0, np.pi, lower)
    points = np.concatenate(
        [
            np.column_stack([np.cos(t_up), np.sin(t_up)]),
            np.column_stack([1 - np.cos(t_low), 0.5 - np.sin(t_low)]),
        ]
    )
    points = points + np.random.RandomState(seed).normal(scale=noise, size=points.shape)
    labels = np.concatenate([np.zeros(upper), np.ones(lower)])
    return Dataset(np.round(points, 3), labels)


def _unpack(theta: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Views of θ ``(..., 33)`` as W₁ ``(..., 8, 2)``, b₁ ``(..., 8)``, W₂ ``(..., 8)``, b₂."""
    w1, b1, w2, b2 = (theta[..., t.offset : t.stop] for t in TENSORS)
    return w1.reshape(*theta.shape[:-1], HIDDEN, _INPUTS), b1, w2, b2[..., 0]


def _forward(theta: np.ndarray, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Hidden activations ``(..., n, 8)`` and logits ``(..., n)``; ``X`` is ``(..., n, 2)``."""
    w1, b1, w2, b2 = _unpack(theta)
    hidden = np.tanh(np.einsum("...ni,...ji->...nj", X, w1) + b1[..., None, :])
    return hidden, np.einsum("...nj,...j->...n", hidden, w2) + b2[..., None]


def logits(theta: np.ndarray, X: np.ndarray) -> np.ndarray:
    """The network's logits :math:`z = W_2 \\tanh(W_1 x + b_1) + b_2` at inputs ``X``.

    Parameters
    ----------
    theta : ndarray, shape ``(..., 33)``
        Parameters in torch's layout.
    X : ndarray, shape ``(n, 2)``
        Inputs (any points of the plane, not only the data: a decision boundary is the zero
        level set of the logit).

    Returns
    -------
    ndarray, shape ``(..., n)``
        :math:`\\sigma(z)` is the predicted probability of label 1.
    """
    return _forward(np.asarray(theta, dtype=np.float64), np.asarray(X, dtype=np.float64))[1]


def accuracy(theta: np.ndarray, data: Dataset) -> np.ndarray:
    """The fraction of ``data`` the network classifies right: label 1 where :math:`z > 0`.

    Returns shape ``(...)`` for parameters ``(..., 33)``.
    """
    predicted = logits(theta, data.X) > 0
    return np.mean(predicted == (data.y == 1), axis=-1)


def _loss(z: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Mean BCE with logits, stably: softplus(z) − y·z."""
    return np.mean(np.logaddexp(0.0, z) - y * z, axis=-1)


def _backward(theta: np.ndarray, X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Loss and gradient (torch layout) over the samples ``X`` ``(..., n, 2)``, ``y``."""
    hidden, z = _forward(theta, X)
    n = z.shape[-1]
    delta = (0.5 + 0.5 * np.tanh(0.5 * z) - y) / n  # (σ(z) − y)/n
    _, _, w2, _ = _unpack(theta)
    grad_w2 = np.einsum("...n,...nj->...j", delta, hidden)
    grad_b2 = np.sum(delta, axis=-1)
    back = delta[..., None] * w2[..., None, :] * (1.0 - hidden * hidden)  # (..., n, 8)
    grad_w1 = np.einsum("...nj,...ni->...ji", back, X)
    grad_b1 = np.sum(back, axis=-2)
    shape = theta.shape[:-1]
    grad = np.concatenate(
        [grad_w1.reshape(*shape, -1), grad_b1, grad_w2, grad_b2[..., None]], axis=-1
    )
    return _loss(z, y), grad


@cache
def initial_point() -> tuple[float, ...]:
    """torch's default initialisation under ``torch.manual_seed(0)``, in torch's layout."""
    record = json.loads(INIT_FILE.read_text())
    return tuple(float(v) for v in record["start"])


def parameter_names() -> tuple[str, ...]:
    """torch's names of the parameters (``0.weight[3,1]``, ``2.bias[0]``…), from :data:`TENSORS`."""
    return tuple(name for tensor in TENSORS for name in tensor.element_names())


def network_landscape() -> Landscape:
    """The ``mlp-moons`` landscape."""
    data = two_moons()
    X, y = data.X, data.y

    def both(theta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return _backward(theta, np.broadcast_to(X, (*theta.shape[:-1], *X.shape)), y)

    def loss(theta: np.ndarray) -> np.ndarray:
        return _loss(_forward(theta, X)[1], y)

    def gradient(theta: np.ndarray) -> np.ndarray:
        return both(theta)[1]

    def on_rows(theta: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return _backward(theta, X[rows], y[rows])

    def hessian(theta: np.ndarray) -> np.ndarray:
        raise ValueError("mlp-moons has no closed-form Hessian in gdviz (33 parameters)")

    names = parameter_names()
    return Landscape(
        name="mlp-moons",
        title="A tanh network on two moons",
        variables=names,
        functions=Functions(loss, gradient, both, hessian, on_rows),
        bounds=((-3.0, 3.0),) * len(names),
        formula="L(theta) = 1/n sum_(i=1)^n [log(1 + e^(z_i)) - y_i z_i], "
        "z_i = W_2 tanh(W_1 x_i + b_1) + b_2",
        pretty="mean BCE of W₂·tanh(W₁·x + b₁) + b₂",
        kind="non-convex",
        description="A 2→8→1 tanh network (33 parameters, torch's layout) classifying 100 "
        "points of two interleaved half-moons by mean binary cross-entropy.",
        starts=(initial_point(),),
        steps=2000,
        lrs={"sgd": 0.5, "momentum": 0.1, "rmsprop": 0.01, "adam": 0.02},
        data=data,
        tensors=TENSORS,
    )
