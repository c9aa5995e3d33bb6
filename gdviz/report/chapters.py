"""The report's built-in chapters: which figure, video, experiments and formulas each shows.

The prose of a chapter lives in ``templates/partials/prose/<id>.jinja``; this module only says
what numbers and media go with it. Formulas are Typst math, the same notation the videos use;
optimizer rules are written the way torch.optim's documentation writes them (:math:`\\gamma` is
the learning rate, :math:`g_t` the gradient at step :math:`t`).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["CHAPTERS", "FORMULAS", "Chapter", "chapter_videos"]


@dataclass(frozen=True)
class Chapter:
    """One built-in chapter.

    ``experiments`` are built-in experiment names whose runs fill the chapter's result table;
    ``figures`` gallery figure names; ``formulas`` keys of :data:`FORMULAS` shown as display
    equations. The chapter's videos are not listed here: each scene file declares its chapter,
    and :attr:`videos` are the scenes (in lesson order) that declare this one.
    """

    id: str
    title: str
    source: str
    summary: str
    figures: tuple[str, ...]
    experiments: tuple[str, ...]
    formulas: tuple[str, ...] = ()

    @property
    def videos(self) -> tuple[str, ...]:
        """The scenes whose declarations name this chapter, in lesson order (often one)."""
        return chapter_videos().get(self.id, ())


def chapter_videos() -> dict[str, tuple[str, ...]]:
    """Chapter id → its scenes, from the scenes' declarations, in lesson order."""
    from gdviz.scene_catalogue import scene_catalogue

    try:
        catalogue = scene_catalogue()
    except FileNotFoundError:  # an installation without its scenes: no videos
        return {}
    found: dict[str, tuple[str, ...]] = {}
    for info in catalogue.values():
        if info.chapter:
            found[info.chapter] = (*found.get(info.chapter, ()), info.name)
    return found


#: key: (Typst math source, plain-text reading[, the source arranged for a phone: a formula
#: wider than a 390 px column, its parts one per line (Typst's ``\`` breaks the line)])
FORMULAS: dict[str, tuple[str, str] | tuple[str, str, str]] = {
    "update": (
        "theta_(k+1) = theta_k - eta thin nabla L(theta_k)",
        "theta_{k+1} = theta_k − eta · grad L(theta_k)",
    ),
    "gradient": (
        "nabla L(x, y) = vec((partial L) / (partial x), (partial L) / (partial y))",
        "grad L(x, y) = (dL/dx, dL/dy)",
    ),
    "parabola": (
        "x_(k+1) = x_k - eta dot 2 x_k = (1 - 2 eta) x_k",
        "x_{k+1} = x_k − eta·2x_k = (1 − 2 eta) x_k",
    ),
    "decay": (
        "eta_k = eta_0 dot gamma^k",
        "eta_k = eta_0 · gamma^k",
    ),
    "sgd": (
        "theta_t = theta_(t-1) - gamma thin g_t",
        "theta_t = theta_{t−1} − gamma g_t",
    ),
    "momentum": (
        "b_t = mu thin b_(t-1) + g_t, quad theta_t = theta_(t-1) - gamma thin b_t",
        "b_t = mu b_{t−1} + g_t;  theta_t = theta_{t−1} − gamma b_t",
    ),
    "rmsprop": (
        "v_t = alpha thin v_(t-1) + (1 - alpha) g_t^2, quad "
        "theta_t = theta_(t-1) - gamma g_t / (sqrt(v_t) + epsilon)",
        "v_t = alpha v_{t−1} + (1 − alpha) g_t²;  "
        "theta_t = theta_{t−1} − gamma g_t / (sqrt(v_t) + eps)",
        "v_t &= alpha thin v_(t-1) + (1 - alpha) g_t^2 \\ "
        "theta_t &= theta_(t-1) - gamma g_t / (sqrt(v_t) + epsilon)",
    ),
    "adam-moments": (
        "m_t = beta_1 m_(t-1) + (1 - beta_1) g_t, quad v_t = beta_2 v_(t-1) + (1 - beta_2) g_t^2",
        "m_t = beta1 m_{t−1} + (1 − beta1) g_t;  v_t = beta2 v_{t−1} + (1 − beta2) g_t²",
        "m_t &= beta_1 m_(t-1) + (1 - beta_1) g_t \\ v_t &= beta_2 v_(t-1) + (1 - beta_2) g_t^2",
    ),
    "adam-step": (
        "hat(m)_t = m_t / (1 - beta_1^t), quad hat(v)_t = v_t / (1 - beta_2^t), quad "
        "theta_t = theta_(t-1) - gamma hat(m)_t / (sqrt(hat(v)_t) + epsilon)",
        "m̂_t = m_t / (1 − beta1^t);  v̂_t = v_t / (1 − beta2^t);  "
        "theta_t = theta_{t−1} − gamma m̂_t / (sqrt(v̂_t) + eps)",
        "hat(m)_t = m_t / (1 - beta_1^t), quad hat(v)_t = v_t / (1 - beta_2^t) \\ "
        "theta_t = theta_(t-1) - gamma hat(m)_t / (sqrt(hat(v)_t) + epsilon)",
    ),
    "criteria": (
        "norm(nabla L(theta_k)) < epsilon_g quad or quad "
        "abs(L(theta_(k+1)) - L(theta_k)) < epsilon_L quad or quad k = K",
        "‖grad L(theta_k)‖ < eps_g  or  |L(theta_{k+1}) − L(theta_k)| < eps_L  or  k = K",
        "norm(nabla L(theta_k)) < epsilon_g \\ "
        "or quad abs(L(theta_(k+1)) - L(theta_k)) < epsilon_L \\ or quad k = K",
    ),
    "mse": (
        "L(w, b) = 1/n sum_(i=1)^n (w x_i + b - y_i)^2",
        "L(w, b) = (1/n) Σ (w x_i + b − y_i)²",
    ),
    "minibatch": (
        "g_k &= 1/abs(B_k) sum_(i in B_k) nabla ell_i (theta_k) \\ "
        "theta_(k+1) &= theta_k - eta_k thin g_k",
        "g_k = (1/|B_k|) Σ_{i in B_k} grad l_i(theta_k);  theta_{k+1} = theta_k − eta_k g_k",
    ),
    "robbins-monro": (
        "sum_(k=0)^infinity eta_k = infinity, quad sum_(k=0)^infinity eta_k^2 < infinity "
        '\\ "e.g." eta_k = eta_0 / (1 + k slash tau)',
        "Σ eta_k = ∞,  Σ eta_k² < ∞,  e.g. eta_k = eta_0 / (1 + k/tau)",
    ),
    "network": (
        "z_i = W_2 tanh(W_1 x_i + b_1) + b_2",
        "z_i = W2 tanh(W1 x_i + b1) + b2",
    ),
    "bce": (
        "L(theta) = 1/n sum_(i=1)^n [log(1 + e^(z_i)) - y_i z_i]",
        "L(theta) = (1/n) Σ [log(1 + e^(z_i)) − y_i z_i]",
    ),
    "slice": (
        "theta(a, b) = theta_0 + a thin u + b thin v",
        "theta(a, b) = theta_0 + a·u + b·v",
    ),
    "projection": (
        "(a, b) = ((theta - theta_0) dot u, thin (theta - theta_0) dot v)",
        "(a, b) = ((theta − theta_0)·u, (theta − theta_0)·v)",
    ),
    "mse-gradient": (
        "(partial L) / (partial w) = 2/n sum_(i=1)^n (w x_i + b - y_i) x_i, quad "
        "(partial L) / (partial b) = 2/n sum_(i=1)^n (w x_i + b - y_i)",
        "dL/dw = (2/n) Σ (w x_i + b − y_i) x_i;  dL/db = (2/n) Σ (w x_i + b − y_i)",
        "(partial L) / (partial w) &= 2/n sum_(i=1)^n (w x_i + b - y_i) x_i \\ "
        "(partial L) / (partial b) &= 2/n sum_(i=1)^n (w x_i + b - y_i)",
    ),
}

CHAPTERS: tuple[Chapter, ...] = (
    Chapter(
        "update-rule",
        "One step downhill",
        "seed 001 · seed 003",
        "The update rule, symbol by symbol, on a one-dimensional parabola.",
        figures=("descent-path",),
        experiments=("descent-path",),
        formulas=("update", "gradient"),
    ),
    Chapter(
        "learning-rate",
        "The learning rate",
        "seed 001",
        "Too small, about right, too large and divergent, on f(x) = x² from x = 3.",
        figures=("learning-rates", "lr-sweep"),
        experiments=("learning-rates",),
        formulas=("parabola",),
    ),
    Chapter(
        "decay",
        "Decaying the learning rate",
        "seed 000",
        "Start with large steps, shrink them as the run settles.",
        figures=("schedules",),
        experiments=(),
        formulas=("decay",),
    ),
    Chapter(
        "local-minima",
        "Local minima: the start decides",
        "seed 001",
        "Two starts on f(x) = x·cos x end in two different valleys.",
        figures=("local-minima", "basins"),
        experiments=("local-minima",),
    ),
    Chapter(
        "optimizers",
        "Four optimizers",
        "seed 003",
        "SGD, Momentum, RMSprop and Adam, with their update rules as torch.optim applies them.",
        figures=("optimizer-paths", "momentum"),
        experiments=("momentum",),
        formulas=("sgd", "momentum", "rmsprop", "adam-moments", "adam-step"),
    ),
    Chapter(
        "landscapes",
        "Landscapes",
        "seed 003",
        "Convex, ill-conditioned, non-convex and multi-modal surfaces, and how each optimizer "
        "fares on them.",
        figures=("surface-3d",),
        experiments=(
            "race-bowl",
            "race-valley",
            "race-rosenbrock",
            "race-himmelblau",
            "race-rastrigin",
        ),
    ),
    Chapter(
        "convergence",
        "When to stop",
        "seed 002 · seed 003",
        "Gradient norm, loss change and a step budget.",
        figures=("loss-curves",),
        experiments=("least-squares",),
        formulas=("criteria",),
    ),
    Chapter(
        "pitfalls",
        "Pitfalls",
        "seed 002 · seed 003",
        "Exploding steps, vanishing gradients, saddle points, badly scaled features.",
        figures=("pitfalls", "stability"),
        experiments=("saddle",),
    ),
    Chapter(
        "linear-regression",
        "Linear regression, end to end",
        "seed 000",
        "Fit y = w·x + b to five points with three learning-rate recipes.",
        figures=("linear-regression",),
        experiments=("linear-regression",),
        formulas=("mse", "mse-gradient"),
    ),
    Chapter(
        "noise",
        "Noise: a few samples per step",
        "seed 002 · seed 003",
        "Minibatch SGD: the fan of seeds around the full-batch path, the noise floor of a "
        "constant learning rate, and what a decaying one does to it.",
        figures=("noise-fan", "noise-floor"),
        experiments=(),
        formulas=("minibatch", "robbins-monro"),
    ),
    Chapter(
        "fair-race",
        "A fair race",
        "seed 003 · tuned by gdviz",
        "Every optimizer tuned under one protocol: the same learning-rate grid, the same starts, "
        "the same step budget.",
        figures=("tune-success", "tune-sensitivity"),
        experiments=(),
    ),
    Chapter(
        "network",
        "A real network",
        "seed 002",
        "A small tanh network learns to separate two moons; its 33 parameters are drawn on a "
        "2-D slice through the paths of four optimizers.",
        figures=("network-slice",),
        experiments=("mlp-moons",),
        formulas=("network", "bce", "slice", "projection"),
    ),
)
