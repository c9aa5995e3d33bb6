"""Helpers shared by the tests: one-line errors, device nodes, processes, temporaries, specs."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from gdviz.cli import cli
from gdviz.temporaries import PATTERN, process_start_time
from gdviz.trajectory import RunSpec, Trajectory

ROOT = Path(__file__).resolve().parent.parent
#: (major, minor) of Linux's memory devices: what our own nodes in a temporary directory are.
NULL_DEVICE = (1, 3)
FULL_DEVICE = (1, 7)


def invoke(*args: str | Path, **kwargs: Any) -> Result:
    """Run the CLI in-process (stdout and stderr kept apart)."""
    return CliRunner().invoke(cli, [str(a) for a in args], **kwargs)


def one_line_error(result: Any, code: int = 2) -> str:
    """The single ``Error: ...`` line of a failed command (asserting there is exactly one)."""
    output = result.output
    assert result.exit_code == code, output
    lines = [line for line in output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error: "), output
    assert "Traceback" not in output and "internal error" not in output, output
    return lines[0]


def spec_of(trajectory: Trajectory) -> RunSpec:
    """The spec of a trajectory gdviz computed (only one read from an old file may lack it)."""
    assert trajectory.spec is not None, trajectory
    return trajectory.spec


def make_device(path: Path, device: tuple[int, int], kind: int = stat.S_IFCHR) -> Path:
    """Our own device node at ``path`` (never the system's); skips the test if not root."""
    if os.geteuid() != 0:
        pytest.skip("creating a device node needs root (mknod)")
    try:
        os.mknod(path, 0o666 | kind, os.makedev(*device))
    except PermissionError as error:  # a container without CAP_MKNOD
        pytest.skip(f"mknod is not permitted here: {error}")
    return path


def temporaries_in(*directories: Path) -> list[Path]:
    """Every gdviz temporary (by its naming pattern) in ``directories``, recursively."""
    found = []
    for directory in directories:
        if directory.is_dir():
            found += [p for p in directory.rglob(".*") if PATTERN.match(p.name)]
    return found


def environment(**extra: str) -> dict[str, str]:
    """The environment for a real ``python -m gdviz`` run from this checkout."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), **extra}
    env.pop("GDVIZ_DEBUG", None)
    return env


def gdviz_command(*args: object) -> list[str]:
    return [sys.executable, "-m", "gdviz", *map(str, args)]


def kill_when(
    command: list[str],
    ready: Callable[[str], bool],
    *,
    env: dict[str, str],
    cwd: Path | None = None,
    timeout: float = 300,
) -> list[str]:
    """Start ``command``, read its stderr line by line and SIGKILL it at the first line for
    which ``ready(line)`` holds; return the lines read. Fails if it ends before that."""
    process = subprocess.Popen(
        command, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, env=env, cwd=cwd
    )
    lines: list[str] = []
    deadline = time.monotonic() + timeout
    assert process.stderr is not None
    try:
        for line in process.stderr:
            lines.append(line.rstrip("\n"))
            if ready(line):
                process.kill()
                break
            assert time.monotonic() < deadline, "timed out waiting for the kill point"
        else:
            pytest.fail(f"{command[3:]} ended before the kill point:\n" + "\n".join(lines))
    finally:
        process.kill()
        process.wait()
        process.stderr.close()
    return lines


def descendants_of(pid: int) -> list[int]:
    """Processes whose parent chain reaches ``pid`` (from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            text = (entry / "stat").read_text()
        except OSError:
            continue
        parent = int(text[text.rindex(")") + 2 :].split()[1])
        children.setdefault(parent, []).append(int(entry.name))
    found, stack = [], [pid]
    while stack:
        for child in children.get(stack.pop(), []):
            found.append(child)
            stack.append(child)
    return found


def processes_mentioning(text: str) -> list[int]:
    """Running (not zombie) processes whose command line contains ``text``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if text in command and process_start_time(int(entry.name)) is not None:
            found.append(int(entry.name))
    return found


def wait_until(condition: Callable[[], bool], timeout: float = 10.0) -> bool:
    """Poll ``condition`` until it holds or ``timeout`` seconds pass; return its last value."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def names(paths: Iterable[Path]) -> list[str]:
    return sorted(p.name for p in paths)


#: A scene file that renders a few frames quickly (a plain Manim scene), for fault tests.
QUICK_SCENE = """
from manim import Dot, Scene


class {cls}(Scene):
    def construct(self):
        self.add(Dot())
        self.wait(0.4)
"""
#: A scene whose render blocks, so a test can kill gdviz while the child is busy.
STUCK_SCENE = """
import time

from manim import Scene


class {cls}(Scene):
    def construct(self):
        time.sleep(300)
"""


def fake_scenes(directory: Path, body: str) -> Path:
    """A scenes directory where every scene of the catalogue is ``body`` (its own class name)."""
    from gdviz.video import SCENES

    directory.mkdir(parents=True, exist_ok=True)
    for info in SCENES.values():
        (directory / info.file).write_text(body.format(cls=info.class_name))
    return directory
