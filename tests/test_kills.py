"""Kills leave no debris (issue 13, class 6): children die with their parent, and each command
sweeps the temporaries a killed run left — never those of a build still running.

The slow tests here run the real commands in subprocesses, SIGKILL them at points read off
their progress lines, and rerun them: the rerun must succeed and leave no temporary and no
orphan process.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import (
    environment,
    gdviz_command,
    kill_when,
    names,
    processes_mentioning,
    temporaries_in,
    wait_until,
)

from gdviz import temporaries
from gdviz.atomic import atomic_directory, atomic_path
from gdviz.processes import child_process, run_child, start_child, stop_child
from gdviz.temporaries import PATTERN, is_stale, make_dir, make_file, sweep, temporary_name


def _dead_pid() -> int:
    """The id of a process that has just ended (and been reaped)."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def _temporary_of(directory: Path, name: str, pid: int, kind: str = "tmp") -> Path:
    path = directory / f".{name}.gdviz-{pid}-abcd1234.{kind}"
    path.write_text("left over")
    return path


# ------------------------------------------------------------------------------ temporaries


def test_temporary_names_follow_the_pattern() -> None:
    name = temporary_name("basins.png")
    match = PATTERN.match(name)
    assert match and match["name"] == "basins.png" and int(match["pid"]) == os.getpid()
    long = temporary_name("n" * 300, limit=255)
    assert len(long.encode()) <= 255 and PATTERN.match(long)
    kept = temporary_name("run.gif", suffix=".gif")
    assert kept.endswith(".tmp.gif") and PATTERN.match(kept)["name"] == "run.gif"  # type: ignore[index]


def test_a_temporary_of_a_dead_process_is_stale(tmp_path: Path) -> None:
    dead = _temporary_of(tmp_path, "basins.png", _dead_pid())
    assert is_stale(dead)


def test_a_temporary_of_a_running_process_is_kept(tmp_path: Path) -> None:
    ours = make_file(tmp_path, "basins.png")
    assert not is_stale(ours)
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        time.sleep(0.1)
        theirs = _temporary_of(tmp_path, "basins.png", other.pid)
        assert not is_stale(theirs)  # a concurrent build: hands off
    finally:
        other.kill()
        other.wait()
    assert is_stale(theirs)


def test_a_reused_process_id_does_not_protect_an_old_temporary(tmp_path: Path) -> None:
    old = _temporary_of(tmp_path, "report", os.getpid(), "old")
    started = temporaries.process_start_time(os.getpid())
    assert started is not None
    os.utime(old, (started - 60, started - 60))  # made a minute before this process started
    assert is_stale(old)


def test_sweep_removes_only_stale_gdviz_temporaries(tmp_path: Path) -> None:
    dead = _dead_pid()
    stale_file = _temporary_of(tmp_path, "a.svg", dead)
    stale_dir = tmp_path / f".report.gdviz-{dead}-zzzz9999.tmp"
    (stale_dir / "assets").mkdir(parents=True)
    live = make_file(tmp_path, "a.svg")
    live_dir = make_dir(tmp_path, "report")
    users = [tmp_path / ".notes.tmp", tmp_path / f".a.svg.{dead}.tmp", tmp_path / "a.svg"]
    for path in users:
        path.write_text("the user's")
    removed = sweep(tmp_path)
    assert names(removed) == names([stale_file, stale_dir])
    assert all(p.exists() for p in [live, live_dir, *users])


def test_sweep_by_name_leaves_other_outputs_alone(tmp_path: Path) -> None:
    dead = _dead_pid()
    mine = _temporary_of(tmp_path, "a.svg", dead)
    other = _temporary_of(tmp_path, "b.svg", dead)
    assert sweep(tmp_path, "a.svg") == [mine]
    assert other.exists()


def test_writing_an_output_sweeps_its_own_leftovers(tmp_path: Path) -> None:
    dead = _dead_pid()
    left = _temporary_of(tmp_path, "out.csv", dead)
    with atomic_path(tmp_path / "out.csv") as tmp:
        tmp.write_text("new")
    left_dir = tmp_path / f".rep.gdviz-{dead}-abcd1234.tmp"
    left_dir.mkdir()
    with atomic_directory(tmp_path / "rep"):
        pass
    assert names(tmp_path.iterdir()) == ["out.csv", "rep"]
    assert not left.exists()


# -------------------------------------------------------------------------------- children

PARENT = """
import sys, time
from gdviz.processes import start_child
child = start_child([sys.executable, "-c", "import time; time.sleep(120)", "gdviz-" + "test-{tag}"])
print(child.pid, flush=True)
time.sleep(120)
"""


def _spawn_parent(tag: str) -> tuple[subprocess.Popen, int]:
    parent = subprocess.Popen(
        [sys.executable, "-c", PARENT.format(tag=tag)],
        stdout=subprocess.PIPE,
        text=True,
        env=environment(),
    )
    assert parent.stdout is not None
    child = int(parent.stdout.readline())
    return parent, child


@pytest.mark.parametrize("signal_name", ["SIGKILL", "SIGTERM"])
def test_a_child_dies_with_its_parent(signal_name: str) -> None:
    tag = f"orphan-{signal_name}-{os.getpid()}"
    parent, child = _spawn_parent(tag)
    try:
        assert processes_mentioning(f"gdviz-test-{tag}") == [child]
        parent.send_signal(getattr(signal, signal_name))
        parent.wait(10)
        assert wait_until(lambda: not processes_mentioning(f"gdviz-test-{tag}"))
    finally:
        parent.kill()
        parent.wait()
        parent.stdout.close()  # type: ignore[union-attr]
        with __import__("contextlib").suppress(ProcessLookupError):
            os.kill(child, signal.SIGKILL)


def test_a_child_has_its_own_process_group() -> None:
    child = start_child([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        assert os.getpgid(child.pid) == child.pid != os.getpgid(0)
    finally:
        stop_child(child)
    assert child.returncode is not None


def test_leaving_the_block_stops_the_child_and_its_children() -> None:
    tag = f"grandchild-{os.getpid()}"
    script = (
        "import subprocess, sys, time\n"
        f"subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)', 'x' + '{tag}'])\n"
        "print('ready', flush=True)\n"
        "time.sleep(60)\n"
    )
    command = [sys.executable, "-c", script]
    with (
        pytest.raises(KeyboardInterrupt),
        child_process(command, stdout=subprocess.PIPE, text=True) as c,
    ):
        assert c.stdout is not None and c.stdout.readline().strip() == "ready"
        assert wait_until(lambda: bool(processes_mentioning("x" + tag)))
        raise KeyboardInterrupt  # Ctrl-C in gdviz while the render runs
    assert wait_until(lambda: not processes_mentioning("x" + tag))


def test_run_child_is_subprocess_run() -> None:
    done = run_child(
        [sys.executable, "-c", "import sys; print(sys.stdin.read().upper()); sys.exit(3)"],
        input="hello",
        capture_output=True,
        text=True,
    )
    assert (done.returncode, done.stdout.strip(), done.stderr) == (3, "HELLO", "")


# --------------------------------------------------------------------- the real commands


def _progress_line(count: int):
    """A kill point: the ``count``-th per-figure progress line (``  NAME   0.12 s``)."""
    seen = []

    def ready(line: str) -> bool:
        if line.rstrip().endswith(" s") and line.startswith("  "):
            seen.append(line)
        return len(seen) >= count

    return ready


FIGURES = ("descent-path", "learning-rates", "schedules", "local-minima")


@pytest.mark.slow
def test_killed_figures_leave_nothing_after_a_rerun(tmp_path: Path) -> None:
    out = tmp_path / "figs"
    command = gdviz_command("figures", *FIGURES, "-f", "svg,png", "--dpi", "30", "-o", out)
    env = environment(GDVIZ_CACHE_DIR=str(tmp_path / "cache"))
    for point in (1, 2, 3):  # after the first, second and third figure
        kill_when(command, _progress_line(point), env=env)
        assert temporaries_in(out), f"the kill after figure {point} left nothing to sweep"
    rerun = subprocess.run(command, env=env, capture_output=True, text=True)
    assert rerun.returncode == 0, rerun.stderr
    assert not temporaries_in(out, tmp_path)
    assert names(out.iterdir()) == sorted(f"{n}.{f}" for n in FIGURES for f in ("svg", "png"))


@pytest.mark.slow
def test_killed_reports_leave_nothing_after_a_rerun(tmp_path: Path) -> None:
    out = tmp_path / "site" / "report"
    command = gdviz_command("report", "--no-videos", "-o", out)
    env = environment(GDVIZ_CACHE_DIR=str(tmp_path / "cache"))
    points = [
        lambda line: "running the experiments" in line,
        lambda line: "figure learning-rates" in line,
        lambda line: "figure basins" in line,
    ]
    seen: set[str] = set()
    for ready in points:
        kill_when(command, ready, env=env)
        left = [p.name for p in out.parent.iterdir() if PATTERN.match(p.name)]
        assert len(left) == 1 and left[0] not in seen  # the last kill's; the earlier ones swept
        seen.update(left)
    rerun = subprocess.run(command, env=env, capture_output=True, text=True)
    assert rerun.returncode == 0, rerun.stderr
    assert not temporaries_in(out.parent, tmp_path / "cache")
    assert names(out.parent.iterdir()) == ["report"]
    assert (out / "index.html").is_file()
