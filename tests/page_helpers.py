"""Shared by the page-core tests: load the page's JavaScript into Chromium, compare floats.

Not a test module. ``load_core`` puts the modules of ``gdviz.report.explorer.CORE_SCRIPTS``
into a blank page and configures them with ``explorer_config()`` — the very data the report
embeds — so the tests drive the core exactly as the report page does. ``run_cli`` runs a page
spec through `gdviz run --format json` in the same process, the page's peer.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import numpy as np
from click.testing import CliRunner

from gdviz.cli import cli
from gdviz.report.explorer import CORE_SCRIPTS, explorer_config
from gdviz.report.render import read_static


@cache
def config() -> dict[str, Any]:
    """The page's configuration (computed once per test session)."""
    return explorer_config()


def load_core(page: Any) -> Any:
    """Load and configure the page core in ``page``; returns the page."""
    for name in CORE_SCRIPTS:
        page.add_script_tag(content=read_static(name))
    page.evaluate("(data) => { gdvizCore.configure(data); }", config())
    return page


def same_bits(a: Any, b: Any) -> bool:
    """Whether two arrays of floats are identical, bit for bit (±0 apart, NaN equal to NaN)."""
    x = np.asarray(a, dtype=np.float64)
    y = np.asarray(b, dtype=np.float64)
    if x.shape != y.shape:
        return False
    both_nan = np.isnan(x) & np.isnan(y)
    return bool(np.all(both_nan | (x.view(np.uint64) == y.view(np.uint64))))


def relative_error(a: Any, b: Any) -> float:
    """max |a − b| / max(|a|, |b|, scale), with scale the largest |a| of each column: a
    trajectory's error relative to the size of its numbers (a coordinate passing through 0
    is not held to a relative bound at 0)."""
    x = np.asarray(a, dtype=np.float64)
    y = np.asarray(b, dtype=np.float64)
    scale = np.max(np.abs(x), axis=0, keepdims=True) if x.ndim > 1 else np.max(np.abs(x))
    bound = np.maximum(np.maximum(np.abs(x), np.abs(y)), scale)
    with np.errstate(invalid="ignore", divide="ignore"):
        err = np.where(x == y, 0.0, np.abs(x - y) / np.where(bound > 0, bound, 1.0))
    return float(np.max(err)) if err.size else 0.0


def record_matrix(records: list[dict[str, Any]], keys: list[str]) -> np.ndarray:
    """The records of a run document as a float matrix (rows: steps, columns: ``keys``)."""
    return np.array([[float(r[k]) for k in keys] for r in records], dtype=np.float64)


def cli_text(value: Any) -> str:
    """A JSON value of a page spec as the text the CLI receives."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return ",".join(cli_text(v) for v in value)
    if isinstance(value, float):
        return repr(value)
    return str(value)


def cli_args(spec: dict[str, Any]) -> list[str]:
    """The `gdviz run` command line of a spec, options in the page API's order."""
    args = ["run"]
    for key, flag in (
        ("landscape", "--landscape"),
        ("expr", "--expr"),
        ("optimizer", "--optimizer"),
        ("start", "--start"),
        ("steps", "--steps"),
        ("lr", "--lr"),
    ):
        if key in spec:
            args.append(f"{flag}={cli_text(spec[key])}")
    for key, value in spec.get("params", {}).items():
        args.append(f"--param={key}={cli_text(value)}")
    for key, flag in (
        ("schedule", "--schedule"),
        ("tol", "--tol"),
        ("loss_tol", "--loss-tol"),
        ("batch_size", "--batch-size"),
        ("seed", "--seed"),
    ):
        if key in spec:
            args.append(f"{flag}={cli_text(spec[key])}")
    return [*args, "--format", "json"]


def run_cli(spec: dict[str, Any]) -> tuple[int, str]:
    """The exit code and output of `gdviz run` on a page spec (click's runner, in-process)."""
    result = CliRunner().invoke(cli, cli_args(spec))
    return result.exit_code, result.output


def cli_message(output: str) -> str:
    """The one-line message of a failed command (click prints usage lines before it)."""
    last = output.strip().splitlines()[-1]
    assert last.startswith("Error: "), output
    return last[len("Error: ") :]
