"""The optimizer core: torch.optim's update rules, batched, on numpy arrays (float64).

Every optimizer here has torch's name, hyperparameter names, defaults and update rule (the
``_single_tensor_*`` code path of torch 2.x, arithmetic in torch's order), so a trajectory drawn
by gdviz is the trajectory torch.optim takes, point for point.

An :class:`Optimizer` is a pure pair::

    state = opt.init(params)                                   # fresh buffers
    params, state = opt.update(grads, state, params, step, lr)   # step is 1-based

``params`` has shape ``(*batch, d)``: leading axes are batch axes (one element = one run of
torch on a parameter tensor of shape ``(d,)``), the last axis holds the coordinates. ``lr`` is a
float or an array broadcastable against ``params`` (e.g. ``(B, 1)`` for a batch of rates).
:meth:`Optimizer.update` copies its inputs and calls :meth:`Optimizer.update_inplace`, which
checks its arguments and calls :meth:`Optimizer.apply`, the rule itself.

Layout, as torch.optim keeps one file per optimizer: one module per family (``sgd``, ``adam``
for Adam and AdamW, ``rmsprop``, ``adagrad``, ``adadelta``, ``adamax``, ``nadam``, ``radam``)
holding its rule, its hyperparameters and its state; ``_shared`` for torch's compound ops
(``lerp_``, ``addcmul_``, ``addcdiv_``); ``registry`` for the catalogue, the presets and
:class:`Optimizer`.

Exactness
---------
Each rule performs torch's floating-point operations in torch's order, with correctly rounded
numpy ufuncs, so every batch element equals its own unbatched run bit for bit, and the result is
what torch's source code specifies. torch's CPU kernels differ from that in two measured ways,
which numpy cannot reproduce:

* its kernels are compiled with floating-point contraction, so ``add(alpha=)``, ``addcmul``,
  ``lerp`` and ``a + s * b`` patterns are evaluated as fused multiply-adds (one rounding instead
  of two) — also in the scalar tail loop of small tensors;
* ``torch.sqrt`` on float64 (MKL's vectorised sqrt) is not correctly rounded: about 1 % of
  results are 1 ulp away from the IEEE square root.

Both make single operations differ by at most 1 ulp; ``tests/test_optimizers.py`` pins the
recorded torch trajectories with the tolerance measured for them.
"""

from gdviz.optimizers.registry import (
    OPTIMIZERS,
    PRESETS,
    Optimizer,
    OptimizerInfo,
    Preset,
    default_lr,
    describe,
    make_optimizer,
    optimizer_names,
    parse_hyperparameter,
    validate_lr,
)

__all__ = [
    "OPTIMIZERS",
    "PRESETS",
    "Optimizer",
    "OptimizerInfo",
    "Preset",
    "default_lr",
    "describe",
    "make_optimizer",
    "optimizer_names",
    "parse_hyperparameter",
    "validate_lr",
]
