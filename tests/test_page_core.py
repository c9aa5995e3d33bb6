"""The page core against the Python core: window.gdviz.run(spec) is `gdviz run --format json`.

Hundreds of seeded random specs (every optimizer and preset, every torch option, every schedule,
every landscape the page draws, some formulas; converging, diverging and step-budget runs) go
through the page's JavaScript in Chromium and through the real CLI in the same test. Where the
page promises bit-identity (``gdvizCore.exactness(spec) == "bit"``, whose rule this file
restates independently) every record must be the CLI's bit for bit; elsewhere the first 50
steps must agree to 1e-12 relative. Bad specs must throw the CLI's one-line message, and
hyperparameter and schedule checks must word their errors as gdviz's Python does.
"""

from __future__ import annotations

import json
import math
import random
from typing import Any

import pytest
from click.testing import CliRunner
from page_helpers import (
    cli_args,
    cli_message,
    config,
    record_matrix,
    relative_error,
    run_cli,
    same_bits,
)

from gdviz.cli import cli
from gdviz.landscapes import compiled, get_landscape
from gdviz.optimizers import OPTIMIZERS, PRESETS, make_optimizer, parse_hyperparameter
from gdviz.report.page_scalars import COMMON_BETAS, DEFAULT_STEPS, bits, tabulated_bases
from gdviz.schedules import parse_schedule

pytestmark = pytest.mark.slow

SEED = 20261203
RANDOM_SPECS = 360
FORMULAS = (
    "x**2 + 3*sin(y)",
    "(x - 1)**2 + 2*(y + 0.5)**2",
    "x**4 - 3*x**2 + y**2",
    "log(1 + x**2 + y**2)",
    "sqrt(x**2 + y**2 + 1)",
    "x**2 + y**2 + x*y/2",
    "exp(-x**2) + y**2/4",
    "abs(x) + y**2",
    "tanh(x)**2 + (y - 1)**2",
    "(x**2 - 1)**2",
    "x*cos(x)",
    "x**2/10 + sin(3*x)",
)
POW_OPTIMIZERS = ("adam", "adamw", "adamax", "nadam", "radam")
#: Whether each built-in's page kernel uses only correctly rounded operations.
EXACT_KERNELS = {
    **{name: k.exact for name, k in compiled.FORMULAS.items()},
    **{name: k.exact for name, k in compiled.SAMPLES.items()},
}


def _evaluate_all(core: Any, specs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return core.evaluate(
        """(specs) => specs.map((s) => {
            try { return { doc: gdvizCore.run(s), exact: gdvizCore.exactness(s) }; }
            catch (e) { return { error: e.message, name: e.name }; }
        })""",
        specs,
    )


# --------------------------------------------------------------------------- the CLI side


# --------------------------------------------------------------------------- random specs


def _round(value: float, digits: int = 3) -> float:
    return float(f"{value:.{digits}g}")


def _params(rng: random.Random, name: str) -> dict[str, Any]:
    """Valid random torch hyperparameters of ``name`` (an optimizer or preset)."""
    preset = PRESETS.get(name)
    info = OPTIMIZERS[preset.optimizer if preset else name]
    fixed = dict(preset.fixed) if preset else {}
    params: dict[str, Any] = {}
    for param in info.params:
        if param.name in fixed or rng.random() < 0.5:
            continue
        choices: dict[str, list[Any]] = {
            "momentum": [0.0, 0.5, 0.9, 0.99],
            "dampening": [0.0, 0.1, 0.5],
            "weight_decay": [0.0, 1e-3, 0.01, 0.1],
            "eps": [1e-8, 1e-6, 1e-3, 0.0],
            "alpha": [0.9, 0.99, 0.5],
            "lr_decay": [0.0, 1e-3, 0.1],
            "initial_accumulator_value": [0.0, 0.1, 1.0],
            "rho": [0.9, 0.5, 0.95],
            "momentum_decay": [4e-3, 0.01, 0.1, 0.5],
        }
        if param.kind == "bool":
            params[param.name] = rng.random() < 0.5
        elif param.kind == "pair":
            tabulated = [b for b in COMMON_BETAS if 0.5 <= b < 1]
            if rng.random() < 0.6:
                params[param.name] = [rng.choice(tabulated[:5]), rng.choice(tabulated[2:])]
            else:
                params[param.name] = [
                    _round(rng.uniform(0.5, 0.99)),
                    _round(rng.uniform(0.9, 0.9999), 4),
                ]
        else:
            params[param.name] = rng.choice(choices[param.name])
    if info.name == "sgd" and params.get("nesterov", fixed.get("nesterov", False)):
        if fixed.get("momentum") == 0.0:  # the gd preset: plain descent, no Nesterov
            params.pop("nesterov")
        else:
            params["dampening"] = 0.0
            if "momentum" not in fixed and params.get("momentum", 0.0) == 0.0:
                params["momentum"] = 0.9
    return params


def _schedule(rng: random.Random) -> str | None:
    kind = rng.choice(["none", "none", "exponential", "step", "cosine", "inverse-time", "warmup"])
    if kind == "none":
        return None
    if kind == "exponential":
        return f"exponential:gamma={_round(rng.uniform(0.9, 1.0))}"
    if kind == "step":
        return f"step:step_size={rng.randint(1, 80)},gamma={_round(rng.uniform(0.1, 0.9))}"
    if kind == "cosine":
        return f"cosine:T_max={rng.randint(1, 150)},eta_min={rng.choice([0.0, 1e-4])}"
    if kind == "inverse-time":
        return (
            f"inverse-time:decay_rate={_round(rng.uniform(0, 1))},decay_steps={rng.randint(1, 20)}"
        )
    return (
        f"warmup:start_factor={_round(rng.uniform(0.05, 1.0))},"
        f"end_factor={_round(rng.uniform(0.5, 1.0))},total_iters={rng.randint(1, 30)}"
    )


def random_spec(rng: random.Random) -> dict[str, Any]:
    """A valid `gdviz run` spec: any page landscape or a formula, any optimizer, options,
    schedule, steps and tolerances; the learning rate spread around the landscape's rate."""
    names = [entry["name"] for entry in config()["landscapes"]]
    optimizer = rng.choice([*OPTIMIZERS, *PRESETS])
    spec: dict[str, Any] = {}
    if rng.random() < 0.12:
        text = rng.choice(FORMULAS)
        spec["expr"] = text
        dim = 1 if "y" not in text else 2
        spec["start"] = [_round(rng.uniform(-3, 3)) for _ in range(dim)]
        base = 0.05
        steps = rng.randint(20, 200)
    else:
        chosen = rng.choice(names)
        entry = next(e for e in config()["landscapes"] if e["name"] == chosen)
        spec["landscape"] = entry["name"]
        if rng.random() < 0.5:
            spec["start"] = list(rng.choice(entry["starts"]))
        else:
            spec["start"] = [_round(rng.uniform(lo, hi)) for lo, hi in entry["bounds"]]
        base = entry["lrs"][optimizer]
        steps = rng.randint(10, min(entry["steps"], 600))
    spec["optimizer"] = optimizer
    spec["steps"] = steps
    spec["lr"] = _round(base * 10 ** rng.uniform(-1, 1.6))
    params = _params(rng, optimizer)
    if params:
        spec["params"] = params
    schedule = _schedule(rng)
    if schedule:
        spec["schedule"] = schedule
    if rng.random() < 0.3:
        spec["tol"] = rng.choice([0.0, 1e-4, 1e-3])
    if rng.random() < 0.25:
        spec["loss_tol"] = rng.choice([0.0, 1e-9, 1e-6])
    return spec


def expected_exactness(spec: dict[str, Any]) -> str:
    """The page's documented promise for a spec (restated here, not read from the page)."""
    if "expr" in spec or not EXACT_KERNELS[spec["landscape"]]:
        return "close"
    name = spec["optimizer"]
    base = PRESETS[name].optimizer if name in PRESETS else name
    if base in POW_OPTIMIZERS:
        betas = spec.get("params", {}).get("betas", OPTIMIZERS[base].defaults["betas"])
        if not all(b in COMMON_BETAS for b in betas) or spec["steps"] > DEFAULT_STEPS:
            return "close"
    return "bit"


def sensitivity(spec: dict[str, Any], records: Any, keys: list[str], rows: int) -> float:
    """How far the CLI's own run moves over ``rows`` records when each start coordinate moves
    by one ulp: the rounding noise a chaotic run amplifies (0 for a run that does not)."""
    nudged = {**spec, "start": [math.nextafter(float(v), math.inf) for v in spec["start"]]}
    code, output = run_cli(nudged)
    assert code == 0, output
    other = record_matrix(json.loads(output)["records"], keys)
    if other.shape[0] < rows:
        return math.inf
    return relative_error(other[:rows, 1:], records[:rows, 1:])


# --------------------------------------------------------------------------- the tests


def test_random_specs_give_the_clis_documents(core: Any) -> None:
    rng = random.Random(SEED)
    specs = [random_spec(rng) for _ in range(RANDOM_SPECS)]
    results = _evaluate_all(core, specs)
    seen: dict[str, set[str]] = {"optimizer": set(), "landscape": set(), "schedule": set()}
    counts = {
        "bit": 0,
        "close": 0,
        "converged": 0,
        "diverged": 0,
        "max_steps": 0,
        "params": 0,
        "chaotic": 0,
    }
    for spec, result in zip(specs, results, strict=True):
        code, output = run_cli(spec)
        assert code == 0, (spec, output)
        expected = json.loads(output)
        assert "error" not in result, (spec, result)
        doc = result["doc"]
        assert doc["spec"] == expected["spec"], spec
        assert doc["variables"] == expected["variables"]
        assert result["exact"] == expected_exactness(spec), spec
        keys = list(expected["records"][0])
        ours, theirs = record_matrix(doc["records"], keys), record_matrix(expected["records"], keys)
        if result["exact"] == "bit":
            assert (doc["status"], doc["steps"]) == (expected["status"], expected["steps"]), spec
            assert same_bits(ours, theirs), spec
            assert same_bits(
                record_matrix([doc["final"]], keys), record_matrix([expected["final"]], keys)
            )
        else:
            rows = min(51, len(theirs))
            error = (
                relative_error(ours[:rows], theirs[:rows]) if ours.shape[0] >= rows else math.inf
            )
            spread = sensitivity(spec, theirs, keys, rows)
            if spread <= 1e-13:
                if expected["steps"] <= 50 or doc["steps"] <= 50:
                    assert (doc["status"], doc["steps"]) == (
                        expected["status"],
                        expected["steps"],
                    ), spec
                assert error <= 1e-12, spec
            else:  # chaotic: an ulp at the start already moves Python's own run this much
                counts["chaotic"] += 1
                assert error <= max(1e-12, 100 * spread), (spec, error, spread)
        counts[result["exact"]] += 1
        counts[expected["status"]] += 1
        counts["params"] += bool(spec.get("params"))
        seen["optimizer"].add(spec["optimizer"])
        seen["landscape"].add(spec.get("landscape", "formula"))
        seen["schedule"].add(spec.get("schedule", "constant").split(":")[0])
    assert seen["optimizer"] == {*OPTIMIZERS, *PRESETS}
    assert seen["landscape"] == {*(e["name"] for e in config()["landscapes"]), "formula"}
    assert seen["schedule"] == {
        "constant",
        "exponential",
        "step",
        "cosine",
        "inverse-time",
        "warmup",
    }
    assert counts["bit"] >= 200 and counts["close"] >= 40, counts
    assert min(counts["converged"], counts["diverged"], counts["max_steps"]) >= 20, counts
    assert counts["params"] >= 150, counts
    assert counts["chaotic"] <= counts["close"] // 4, counts


def test_every_torch_option_is_exercised() -> None:
    rng = random.Random(SEED)
    specs = [random_spec(rng) for _ in range(RANDOM_SPECS)]
    used = {
        (PRESETS[s["optimizer"]].optimizer if s["optimizer"] in PRESETS else s["optimizer"], key)
        for s in specs
        for key in s.get("params", {})
    }
    every = {(name, p.name) for name, info in OPTIMIZERS.items() for p in info.params}
    assert every <= used


# --------------------------------------------------------------------------- bad specs

GOOD = {"landscape": "bowl", "optimizer": "adam", "start": "1,2"}
BAD_CHANGES: list[dict[str, Any]] = [
    {"landscape": "bowlx"},
    {"landscape": "rosenbrok"},
    {"landscape": "zzz"},
    {"landscape": "least-squares-x"},
    {"expr": "x^2", "landscape": None},
    {"expr": "1/(x - x)", "landscape": None},
    {"expr": "sin(x", "landscape": None},
    {"expr": "x + y", "landscape": "bowl"},
    {"landscape": None},
    {"optimizer": "adm"},
    {"optimizer": "Adamx "},
    {"optimizer": "rms"},
    {"optimizer": None},
    {"start": None},
    {"start": "1"},
    {"start": "1,2,3"},
    {"start": "1,a"},
    {"start": ""},
    {"start": "nan,1"},
    {"start": "1,inf"},
    {"expr": "log(x) + y**2", "landscape": None, "start": "-1,1"},
    {"expr": "sqrt(x)*y", "landscape": None, "start": "0,1"},
    {"expr": "1/x + y", "landscape": None, "start": "0,1"},
    {"steps": "2.5"},
    {"steps": "-1"},
    {"steps": "abc"},
    {"steps": "20000000"},
    {"steps": "1_0"},
    {"lr": "x"},
    {"lr": "-1"},
    {"lr": "nan"},
    {"lr": "inf"},
    {"lr": "1e"},
    {"tol": "-1"},
    {"tol": ""},
    {"tol": "abc"},
    {"loss_tol": "nan"},
    {"loss_tol": "-0.5"},
    {"schedule": "cosine"},
    {"schedule": "cosine:T_max=0"},
    {"schedule": "cosine:T_max=2.5"},
    {"schedule": "exponential:gamma=1.5"},
    {"schedule": "exponential:gama=0.9"},
    {"schedule": "expo"},
    {"schedule": "step:step_size=10,step_size=5"},
    {"schedule": "step:"},
    {"schedule": "step:step_size"},
    {"schedule": "warmup:start_factor=0"},
    {"schedule": "warmup:total_iters=abc"},
    {"schedule": "constant:gamma=1"},
    {"schedule": ""},
    {"params": {"eps": "-1"}},
    {"params": {"eps": "abc"}},
    {"params": {"betas": "0.9"}},
    {"params": {"betas": "0.9,1.0"}},
    {"params": {"betas": "(0.9, -0.1)"}},
    {"params": {"betas": "0.9,x"}},
    {"params": {"amsgrad": "maybe"}},
    {"params": {"foo": "1"}},
    {"params": {"epsilon": "1"}},
    {"params": {"lr": "0.1"}},
    {"params": {"weight_decay": "inf"}},
    {"optimizer": "sgd", "params": {"nesterov": "true"}},
    {"optimizer": "sgd", "params": {"nesterov": "true", "momentum": "0.9", "dampening": "0.5"}},
    {"optimizer": "sgd", "params": {"dampening": "1.5"}},
    {"optimizer": "momentum", "params": {"momentum": "0.5"}},
    {"optimizer": "nesterov", "params": {"nesterov": "false"}},
    {"optimizer": "gd", "params": {"momentum": "0.9"}},
    {"optimizer": "adamw", "params": {"decoupled_weight_decay": "true"}},
    {"optimizer": "rmsprop", "params": {"alpha": "1.5"}},
    {"optimizer": "adadelta", "params": {"rho": "-0.1"}},
    {"optimizer": "nadam", "params": {"momentum_decay": "-1"}},
    {"optimizer": "zzz", "params": {"eps": "1"}},
    {"optimizer": "Adam", "params": {"foo": "1"}},
]
BAD_PARAM_SYNTAX = [["eps"], ["=1"], ["eps=1e-8", "amsgrad"]]


def _bad_specs() -> list[dict[str, Any]]:
    specs: list[dict[str, Any]] = []
    for change in BAD_CHANGES:
        spec = dict(GOOD)
        for key, value in change.items():
            if value is None:
                spec.pop(key, None)
            else:
                spec[key] = value
        specs.append(spec)
    for items in BAD_PARAM_SYNTAX:
        specs.append({**GOOD, "params": items})
    specs.append({**GOOD, "optimiser": "adam"})
    specs.append({**GOOD, "stepz": 10})
    return specs


def _cli_args_for_bad(spec: dict[str, Any]) -> list[str]:
    args = cli_args({k: v for k, v in spec.items() if k != "params" or isinstance(v, dict)})
    if isinstance(spec.get("params"), list):
        position = next(
            i
            for i, a in enumerate(args)
            if a.startswith(("--schedule", "--tol", "--loss-tol", "--format"))
        )
        args[position:position] = [f"--param={item}" for item in spec["params"]]
    for key in spec:
        if key not in {
            "landscape",
            "expr",
            "optimizer",
            "start",
            "steps",
            "lr",
            "params",
            "schedule",
            "tol",
            "loss_tol",
        }:
            args.insert(1, f"--{key.replace('_', '-')}={spec[key]}")
    return args


def test_bad_specs_throw_the_clis_message(core: Any) -> None:
    """Each spec changes one thing of a good one; what the CLI rejects the page rejects with
    the same line (what the CLI accepts, like steps=1_0, the page runs the same)."""
    specs = _bad_specs()
    results = _evaluate_all(core, specs)
    rejected = 0
    for spec, result in zip(specs, results, strict=True):
        outcome = CliRunner().invoke(cli, _cli_args_for_bad(spec))
        if outcome.exit_code == 0:
            assert "doc" in result, (spec, result)
            assert result["doc"] == json.loads(outcome.output), spec
            continue
        assert outcome.exit_code == 2, (spec, outcome.output)
        assert "error" in result, (spec, result)
        assert result["error"] == cli_message(outcome.output), spec
        assert "\n" not in result["error"]
        rejected += 1
    assert rejected >= len(specs) - 3


# --------------------------------------------------------------------------- hyperparameters

INVALID_TEXTS = [
    "-1",
    "-0.5",
    "2",
    "1.5",
    "abc",
    "nan",
    "inf",
    "-inf",
    "",
    " ",
    "1e400",
    "0x10",
    "1,2",
    "0.9,",
    ",0.9",
    "(0.5, 1.5)",
    "[1, 0.5]",
    "0.9,0.999,0.5",
    "yes?",
    "TRUE",
    "off",
    "1_0",
]


def _python_message(optimizer: str, key: str, text: str) -> str | None:
    try:
        value = parse_hyperparameter(optimizer, key, text)
        make_optimizer(optimizer, **{key: value})
    except ValueError as error:
        return str(error)
    return None


def test_hyperparameter_messages_are_pythons(core: Any) -> None:
    rng = random.Random(SEED + 1)
    cases = []
    for name in [*OPTIMIZERS, *PRESETS]:
        info = OPTIMIZERS[PRESETS[name].optimizer if name in PRESETS else name]
        for param in info.params:
            for text in [*rng.sample(INVALID_TEXTS, 8), repr(rng.uniform(-2, 3))]:
                cases.append([name, param.name, text])
        for key in ("lr", "epsilon", "beta", "momentun", "x"):
            cases.append([name, key, "0.1"])
    js = core.evaluate(
        """(cases) => cases.map(([name, key, text]) => {
            try {
              const value = gdvizHyper.parseHyperparameter(name, key, text);
              gdvizHyper.makeOptimizer(name, {[key]: value});
              return null;
            }
            catch (e) { return e.name === "ValueError" ? e.message : e.name + ": " + e.message; }
        })""",
        cases,
    )
    rejected = 0
    for (name, key, text), message in zip(cases, js, strict=True):
        assert message == _python_message(name, key, text), (name, key, text)
        rejected += message is not None
    assert rejected >= 0.7 * len(cases)


def test_schedules_match_pythons_messages_and_rates(core: Any) -> None:
    rng = random.Random(SEED + 2)
    texts = [_schedule(rng) or "constant" for _ in range(120)]
    texts += [
        "cosine:T_max=-3",
        "step:step_size=0",
        "warmup:end_factor=2",
        "inverse-time:decay_steps=0",
        "exponential",
        "exponential:gamma=0",
        "cosine:eta_min=-1,T_max=5",
        "step:gamma=x,step_size=1",
        "warmup:start_factor=0.5,start_factor=0.2",
        "  cosine : T_max = 10 ",
        "EXPONENTIAL:gamma=0.5",
    ]
    lrs = [_round(10 ** rng.uniform(-4, 0)) for _ in texts]
    js = core.evaluate(
        """([texts, lrs]) => texts.map((t, i) => {
            try { const s = gdvizHyper.parseSchedule(t);
                  const rates = gdvizSchedules.rates(s.kind, s.params, lrs[i], 400);
                  return { text: gdvizHyper.scheduleText(s), rates: Array.from(rates) }; }
            catch (e) { return { error: e.message }; }
        })""",
        [texts, lrs],
    )
    for text, lr, result in zip(texts, lrs, js, strict=True):
        try:
            schedule = parse_schedule(text)
        except ValueError as error:
            assert result == {"error": str(error)}, text
            continue
        assert result["text"] == str(schedule), text
        assert same_bits(result["rates"], schedule.learning_rates(lr, 400)), text


# --------------------------------------------------------------------------- scalars


def test_the_c_librarys_scalars(core: Any) -> None:
    """Math.pow is the C library's pow except for the exponents 2 and 0.5 (the table's job);
    Math.cos is glibc's cos. Both measured here, in Chromium, against this Python."""
    assert core.evaluate("gdvizScalars.library()") == {"pow": True, "cos": True}
    bases = tabulated_bases(COMMON_BETAS, DEFAULT_STEPS)
    pairs = [[b, e] for e, group in bases.items() for b in sorted(set(group))]
    rng = random.Random(SEED + 3)
    for _ in range(20000):
        base = rng.choice([rng.random(), 1 - 10 ** rng.uniform(-5, -0.3)])
        exponent = rng.choice(
            [float(rng.randint(1, 20000)), rng.randint(1, 20000) * rng.choice([4e-3, 1e-2, 0.05])]
        )
        pairs.append([base, exponent])
    got = core.evaluate(
        "(pairs) => pairs.map(([x, y]) => gdvizScalars.bits(gdvizScalars.pow(x, y)))", pairs
    )
    assert got == [bits(x**y) for x, y in pairs]
    angles = [math.pi * k / t for t in range(1, 120) for k in range(0, 2 * t + 2)]
    angles += [math.pi * rng.randint(0, 20000) / rng.randint(1, 5000) for _ in range(20000)]
    cos = core.evaluate("(xs) => xs.map((x) => gdvizScalars.bits(gdvizScalars.cos(x)))", angles)
    assert cos == [bits(math.cos(x)) for x in angles]


def test_the_page_lands_every_page_landscape(core: Any) -> None:
    names = core.evaluate("Object.keys(gdvizRun.landscapes())")
    assert names == [e["name"] for e in config()["landscapes"]]
    assert all(get_landscape(n).drawable for n in names)
