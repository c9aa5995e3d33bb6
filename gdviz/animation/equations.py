"""Update equations with their numbers filled in, as Typst math, from the core's own numbers.

Each function takes one :class:`~gdviz.claims.StepState` (the gradient, the learning rate and
the optimizer's buffers after the update, replayed through the core by
:func:`gdviz.claims.optimizer_states`) and returns the lines of a card: the rule as torch.optim
writes it, then the same rule with the step's numbers. Nothing here computes an update: every
number shown is a number the core produced.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import Any

import numpy as np

from gdviz.claims import StepState
from gdviz.numbers import round_off

__all__ = ["caption_of", "rate", "step_lines", "tnum", "tvec"]


def tnum(value: float, digits: int = 3, *, paren: bool = True) -> str:
    """A number in Typst math: ``digits`` significant digits, ``a times 10^(b)`` when tiny or
    huge, negative numbers in parentheses (with ``paren``) so they can follow an operator."""
    if not math.isfinite(value):
        return "infinity" if value > 0 else "-infinity"
    if value == 0:
        return "0"
    magnitude = math.floor(math.log10(abs(value)))
    if -4 <= magnitude < 5:
        decimals = max(digits - 1 - magnitude, 0)
        text = f"{value:.{decimals}f}"
    else:
        mantissa = value / 10**magnitude
        text = f"{mantissa:.{max(digits - 1, 0)}f} times 10^({magnitude})"
    return f"({text})" if value < 0 and paren else text


def rate(value: float) -> str:
    """A learning rate as given (``0.01``, ``0.0005``), in Typst math."""
    text = f"{value:g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        power = f"10^({int(exponent)})"
        return power if mantissa == "1" else f"{mantissa} times {power}"
    return text


def tvec(values: Sequence[float] | np.ndarray, digits: int = 3) -> str:
    """A point or vector in Typst math: ``x`` for one coordinate, ``(x, y)`` for two; a
    component that is round-off relative to the vector shows as 0
    (:func:`gdviz.numbers.round_off`)."""
    shown = round_off(values)
    if len(shown) == 1:
        return tnum(shown[0], digits)
    return "(" + ", ".join(tnum(v, digits, paren=False) for v in shown) + ")"


def _family(optimizer: str, hyperparams: dict[str, Any]) -> str:
    if optimizer in ("sgd", "gd") and float(hyperparams.get("momentum", 0)) > 0:
        return "momentum"
    return {"gd": "sgd", "nesterov": "momentum", "adamw": "adam"}.get(optimizer, optimizer)


def step_lines(
    optimizer: str,
    hyperparams: dict[str, Any],
    s: StepState,
    name: str = "theta",
    *,
    short: bool = False,
) -> list[str]:
    """Typst lines of update ``s``: the rule, then the numbers (θ_k is the point before it).

    ``optimizer`` and ``hyperparams`` are the run's (``Optimizer.hyperparams``); ``name`` the
    parameter's symbol (``x`` for a 1-D walk). With ``short`` the parameter's rule is left out
    (it is on screen already) and its numbers follow ``θ_(k+1) =`` directly.
    """
    k = s.step - 1
    now, nxt = f"{name}_{k}", f"{name}_{k + 1}"
    eta = rate(s.lr)
    family = _family(optimizer, hyperparams)

    def update(rule: str, direction: np.ndarray) -> list[str]:
        numbers = f"{tvec(s.point)} - {eta} dot {tvec(direction)}"
        if short:
            return [
                f"{nxt} = {tvec(s.point)}",
                f"quad - {eta} dot {tvec(direction)}",
                f"= {tvec(s.new_point)}",
            ]
        return [f"{nxt} = {now} - eta thin {rule}", f"= {numbers}", f"= {tvec(s.new_point)}"]

    t = s.step
    if family == "momentum":
        mu = tnum(float(hyperparams["momentum"]))
        b = s.state["momentum_buffer"]
        if t == 1:
            first = ["b_1 = g_1", f"= {tvec(b)}"]
        else:
            first = [f"b_{t} = mu thin b_{t - 1} + g_{t}", f"= {mu} dot b_{t - 1} + {tvec(s.grad)}"]
            first.append(f"= {tvec(b)}")
        return [*first, *update(f"b_{t}", b)]
    if family == "rmsprop":
        v = s.state["square_avg"]
        alpha = tnum(float(hyperparams["alpha"]))
        return [
            f"v_{t} = alpha thin v_{t - 1} + (1 - alpha) g_{t}^2",
            f"= {tvec(v)}   (alpha = {alpha})",
            *update(
                f"g_{t} \\/ (sqrt(v_{t}) + epsilon)", s.grad / (np.sqrt(v) + hyperparams["eps"])
            ),
        ]
    if family == "adam":
        beta1, beta2 = hyperparams["betas"]
        m, v = s.state["exp_avg"], s.state["exp_avg_sq"]
        m_hat = m / (1 - beta1**t)
        v_hat = v / (1 - beta2**t)
        return [
            f"m_{t} = {tvec(m)}",
            f"v_{t} = {tvec(v)}",
            f"hat(m)_{t} \\/ sqrt(hat(v)_{t}) = {tvec(m_hat / np.sqrt(v_hat))}",
            *update(
                f"hat(m)_{t} \\/ (sqrt(hat(v)_{t}) + epsilon)",
                m_hat / (np.sqrt(v_hat) + hyperparams["eps"]),
            ),
        ]
    grad_name = "L'" if name == "x" else "nabla L"
    return update(f"{grad_name}({now})", s.grad)


def caption_of(lines: Sequence[str]) -> str:
    """A plain-text reading of Typst lines for the captions (symbols spelled as shown), one
    caption line per Typst line."""
    text = "\n".join(lines)
    for typst, plain in (("hat(m)", "m̂"), ("hat(v)", "v̂"), ("sqrt", "√")):
        text = text.replace(typst, plain)
    # Greek letters as whole names only (``theta`` is not ``th`` + ``eta``)
    text = _GREEK.sub(lambda match: GREEK[match.group(0)], text)
    for typst, plain in (
        (" thin ", " "),
        (" dot ", "·"),
        (" quad ", "  "),
        (" times 10^", "×10^"),
        ("\\/", "/"),
    ):
        text = text.replace(typst, plain)
    return text


#: Typst's names of the symbols the equations use, and how a caption spells them.
GREEK = {
    "nabla": "∇",
    "eta": "η",
    "theta": "θ",
    "alpha": "α",
    "beta": "β",
    "gamma": "γ",
    "lambda": "λ",
    "mu": "μ",
    "rho": "ρ",
    "epsilon": "ε",
}
_GREEK = re.compile(r"(?<![A-Za-z])(" + "|".join(GREEK) + r")(?![A-Za-z])")


def step_summary(optimizer: str, hyperparams: dict[str, Any], s: StepState) -> tuple[str, ...]:
    """Typst lines of update ``s``: the optimizer's state that sets the step (SGD: the step
    −η g; Momentum: the velocity b; RMSprop: √v; Adam: its moments m and v, then m̂/√v̂ with
    :math:`\\hat m = m / (1 - \\beta_1^t)`, :math:`\\hat v = v / (1 - \\beta_2^t)`), then
    the new point."""
    family = _family(optimizer, hyperparams)
    t = s.step
    new = f"theta_{t} = {tvec(s.new_point)}"
    if family == "momentum":
        return f"b_{t} = {tvec(s.state['momentum_buffer'])}", new
    if family == "rmsprop":
        return f"sqrt(v_{t}) = {tvec(np.sqrt(s.state['square_avg']))}", new
    if family == "adam":
        beta1, beta2 = hyperparams["betas"]
        m_hat = s.state["exp_avg"] / (1 - beta1**t)
        v_hat = s.state["exp_avg_sq"] / (1 - beta2**t)
        return (
            f"m_{t} = {tvec(s.state['exp_avg'])}",
            f"v_{t} = {tvec(s.state['exp_avg_sq'])}",
            f"hat(m) \\/ sqrt(hat(v)) = {tvec(m_hat / np.sqrt(v_hat))}",
            new,
        )
    return f"-eta g_{t} = {tvec(-s.lr * s.grad)}", new


__all__ += ["step_summary"]
