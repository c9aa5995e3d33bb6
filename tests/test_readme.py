"""Every code block of README.md runs, as a new user would paste it.

* ``python`` blocks run one by one in a fresh interpreter (each must stand on its own);
* ``sh`` blocks run in ``bash -euo pipefail`` with ``.venv`` (the environment running these
  tests) beside them, so ``source .venv/bin/activate`` works literally and puts ``gdviz`` on
  the PATH. They are one terminal session: a ``source``, ``export`` or ``cd`` line of an
  earlier block holds for the later ones, and nothing else does (the PATH starts as the
  system's). ``HOME`` and the cache directory are temporary, so ``>> ~/.bashrc`` writes there;
* a ``toml`` block carries its file name (````toml title="my-race.toml"``) and is written to
  that file before the other blocks run.

``make`` lines are checked with ``make --dry-run`` in the checkout: ``make test`` cannot run
itself inside the suite, and ``make report`` is what CI's fresh clone runs. Every block runs in
one shared temporary directory, in the order of the file.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
LANGUAGES = ("python", "sh", "toml")

_FENCE = re.compile(r"^```(\w*)([^\n]*)\n(.*?)^```[ \t]*$", re.M | re.S)


@dataclass(frozen=True)
class Block:
    language: str
    info: str
    code: str
    line: int

    @property
    def file(self) -> str | None:
        match = re.search(r'title="([^"]+)"', self.info)
        return match.group(1) if match else None


def blocks(text: str) -> list[Block]:
    return [
        Block(m.group(1), m.group(2), m.group(3), text.count("\n", 0, m.start()) + 1)
        for m in _FENCE.finditer(text)
    ]


BLOCKS = blocks(README.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("readme")
    (root / "home").mkdir()
    (root / ".venv").symlink_to(Path(sys.prefix), target_is_directory=True)
    for block in BLOCKS:
        if block.file:
            (root / block.file).write_text(block.code, encoding="utf-8")
    return root


def _env(root: Path) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH", "GDVIZ_DEBUG")
    }
    # a new user's shell: the system PATH only, until `source .venv/bin/activate`
    env["PATH"] = "/usr/local/bin:/usr/bin:/bin"
    env["HOME"] = str(root / "home")
    env["XDG_CACHE_HOME"] = str(root / "cache")
    env.pop("GDVIZ_CACHE_DIR", None)
    env["MPLBACKEND"] = "Agg"
    env["ROOT"] = str(ROOT)
    return env


#: ``make`` in a README block: a dry run in the checkout (see the module docstring).
_MAKE = 'make() { command make --dry-run --no-print-directory -C "$ROOT" "$@" >/dev/null; }\n'


def test_the_readme_has_blocks_of_known_languages_only() -> None:
    assert len(BLOCKS) >= 8
    for block in BLOCKS:
        assert block.language in LANGUAGES, f"README.md:{block.line}: ```{block.language}"
    assert any("source .venv/bin/activate" in b.code for b in BLOCKS if b.language == "sh")
    assert any("gdviz completion bash" in b.code for b in BLOCKS if b.language == "sh")


def _session(before: Block) -> str:
    """The lines of the sh blocks before ``before`` that change the terminal session."""
    lines = []
    for block in BLOCKS:
        if block is before:
            break
        if block.language == "sh":
            lines += [
                line
                for line in block.code.splitlines()
                if line.startswith(("source ", "export ", "cd "))
            ]
    return "".join(f"{line}\n" for line in lines)


def _run(block: Block, root: Path) -> subprocess.CompletedProcess[str] | None:
    if block.language == "toml":
        return None
    if block.language == "python":
        command = [str(root / ".venv" / "bin" / "python"), "-c", block.code]
    else:
        command = ["bash", "-euo", "pipefail", "-c", _MAKE + _session(block) + block.code]
    return subprocess.run(
        command, cwd=root, env=_env(root), capture_output=True, text=True, timeout=600, check=False
    )


@pytest.fixture(scope="module")
def ran(workdir: Path) -> dict[int, subprocess.CompletedProcess[str] | None]:
    """Every block, run once in the order of the file (later blocks may use earlier files)."""
    return {block.line: _run(block, workdir) for block in BLOCKS}


@pytest.mark.slow
@pytest.mark.parametrize("block", BLOCKS, ids=[f"line{b.line}-{b.language}" for b in BLOCKS])
def test_block_runs(block: Block, ran: dict[int, subprocess.CompletedProcess[str] | None]) -> None:
    result = ran[block.line]
    if block.language == "toml":
        tomllib.loads(block.code)
        assert block.file, f'README.md:{block.line}: a toml block needs title="FILE.toml"'
        return
    assert result is not None
    assert result.returncode == 0, (
        f"README.md:{block.line} failed ({result.returncode}):\n{result.stderr[-3000:]}"
    )
    assert "Traceback" not in result.stderr


@pytest.mark.slow
def test_the_blocks_leave_what_they_promise(
    workdir: Path, ran: dict[int, subprocess.CompletedProcess[str] | None]
) -> None:
    assert (workdir / "adam.csv").read_text().startswith("step,x,y,loss,grad_norm,lr\n")
    assert (workdir / "run.csv").is_file() and (workdir / "run.json").is_file()
    assert sorted(p.name for p in (workdir / "build" / "figures").iterdir()) == [
        "basins.svg",
        "lr-sweep.svg",
    ]
    assert (workdir / "build" / "report-lite" / "index.html").is_file()
    assert any((workdir / "build" / "mine").glob("*-my-race.svg"))
    assert "[experiment.tuned-valley]" in (workdir / "tuned.toml").read_text()
    assert (workdir / "build" / "tuned" / "loss-curves-tuned-valley.svg").is_file()
    assert (workdir / "race.gif").is_file()
    assert "_GDVIZ_COMPLETE" in (workdir / "home" / ".bashrc").read_text()
    printed = "".join(r.stdout for r in ran.values() if r is not None)
    assert "Trajectory(adam on rosenbrock, lr=0.01, " in printed
    assert "(200, 3)" in printed
