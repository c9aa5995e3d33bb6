"""Record the ``mlp-moons`` network's default start: torch's default initialisation.

``torch.manual_seed(SEED)`` then ``nn.Sequential(nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, 1))``
in float64; the parameters are flattened in torch's layout (for each ``nn.Linear``: weight
``(out, in)`` row-major, then bias) into ``gdviz/landscapes/mlp_moons_init.json``, which
gdviz reads at run time (so gdviz itself needs no torch). It also records torch's loss and
gradient (autograd, ``BCEWithLogitsLoss``) on gdviz's two-moons data at that start and at two
other points into ``network_reference.json`` beside this script, for the tests.
Run: ``make reference``.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import torch

SEED = 0
TARGET = Path(__file__).resolve().parents[2] / "gdviz" / "landscapes" / "mlp_moons_init.json"
CHECKS = Path(__file__).with_name("network_reference.json")


def main() -> None:
    torch.manual_seed(SEED)
    torch.set_default_dtype(torch.float64)
    network = torch.nn.Sequential(torch.nn.Linear(2, 8), torch.nn.Tanh(), torch.nn.Linear(8, 1))
    flat = [float(v) for p in network.parameters() for v in p.detach().reshape(-1)]
    names = [
        f"{name}[{','.join(map(str, index))}]"
        for name, p in network.named_parameters()
        for index in itertools.product(*(range(size) for size in p.shape))
    ]
    checks = []
    for scale, shift in ((1.0, 0.0), (0.5, 0.1), (2.0, -0.3)):
        point = [scale * v + shift for v in flat]
        loss, grad = _torch_loss_and_gradient(network, point)
        checks.append({"point": point, "loss": loss, "gradient": grad})
    record = {
        "torch": torch.__version__,
        "seed": SEED,
        "architecture": "Sequential(Linear(2, 8), Tanh(), Linear(8, 1)), float64",
        "names": names,
        "start": flat,
    }
    TARGET.write_text(json.dumps(record, indent=1) + "\n")
    CHECKS.write_text(json.dumps({"torch": torch.__version__, "checks": checks}, indent=1) + "\n")
    print(f"wrote {TARGET} ({len(flat)} parameters)")


def _torch_loss_and_gradient(
    network: torch.nn.Module, point: list[float]
) -> tuple[float, list[float]]:
    from gdviz.landscapes.network import two_moons

    data = two_moons()
    with torch.no_grad():
        offset = 0
        for p in network.parameters():
            p.copy_(torch.tensor(point[offset : offset + p.numel()]).reshape(p.shape))
            offset += p.numel()
    network.zero_grad()
    logits = network(torch.tensor(data.X))[:, 0]
    loss = torch.nn.functional.binary_cross_entropy_with_logits(logits, torch.tensor(data.y))
    loss.backward()
    grad: list[float] = []
    for p in network.parameters():
        assert p.grad is not None  # backward() filled it
        grad += [float(v) for v in p.grad.reshape(-1)]
    return float(loss.detach()), grad


if __name__ == "__main__":
    main()
