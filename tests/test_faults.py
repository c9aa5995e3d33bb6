"""Hostile output targets, hostile names and a user's files in the report directory.

Issue 13, classes 2 (writing a file clobbers what is there), 3 (names become paths) and 7 (the
report directory is "fair game"). Every writer goes through :mod:`gdviz.atomic`; the tests
drive it directly and through each command that writes (``run``, ``figures``, ``report``).
"""

from __future__ import annotations

import errno
import os
import stat
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from helpers import FULL_DEVICE, NULL_DEVICE, invoke, make_device, names, one_line_error

from gdviz import atomic
from gdviz.atomic import (
    OutputError,
    atomic_directory,
    atomic_path,
    atomic_write,
    exchange_paths,
    inspect_target,
    output_path,
    place,
)
from gdviz.experiments import Experiment, ExperimentError, RunConfig, load_experiments
from gdviz.names import SAFE_NAME

# ------------------------------------------------------------------------- the three writers


def _write_bytes(path: Path, data: bytes) -> None:
    atomic_write(path, data)


def _write_through_path(path: Path, data: bytes) -> None:
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)


def _placer(scratch: Path) -> Callable[[Path, bytes], None]:
    """Make the file in ``scratch`` (elsewhere, maybe another file system), then place it."""

    def write(path: Path, data: bytes) -> None:
        made = scratch / f"gdviz-test-made-{os.getpid()}-{threading.get_ident()}.bin"
        made.write_bytes(data)
        try:
            place(made, path)
        finally:
            made.unlink(missing_ok=True)

    return write


#: tmpfs, a file system of its own: ``place`` must copy instead of rename.
OTHER_FS = Path("/dev/shm")

WRITERS: dict[str, Callable[[Path, bytes], None]] = {
    "atomic_write": _write_bytes,
    "atomic_path": _write_through_path,
    "place": _placer(Path(os.environ.get("TMPDIR", "/tmp"))),
}
if OTHER_FS.is_dir() and os.stat(OTHER_FS).st_dev != os.stat("/tmp").st_dev:
    WRITERS["place-across-file-systems"] = _placer(OTHER_FS)


@pytest.fixture(params=list(WRITERS))
def write(request: pytest.FixtureRequest) -> Callable[[Path, bytes], None]:
    return WRITERS[request.param]


@pytest.fixture()
def umask() -> Iterator[Callable[[int], int]]:
    """Set the process umask for one test and restore it afterwards."""
    old = os.umask(0o022)
    os.umask(old)
    yield lambda value: os.umask(value)
    os.umask(old)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _no_temporaries(directory: Path) -> None:
    leftovers = [p.name for p in directory.iterdir() if ".gdviz-" in p.name]
    assert not leftovers, leftovers


# ---------------------------------------------------------------------- regular files, modes


@pytest.mark.parametrize("mask", [0o022, 0o077, 0o027, 0o002])
def test_a_new_file_honours_the_umask(tmp_path: Path, write, umask, mask: int) -> None:
    umask(mask)
    target = tmp_path / "new.bin"
    write(target, b"data")
    assert target.read_bytes() == b"data"
    assert _mode(target) == 0o666 & ~mask
    _no_temporaries(tmp_path)


@pytest.mark.parametrize("mode", [0o600, 0o640, 0o664, 0o755])
def test_an_existing_file_keeps_its_mode(tmp_path: Path, write, umask, mode: int) -> None:
    umask(0o077)
    target = tmp_path / "old.bin"
    target.write_bytes(b"old")
    target.chmod(mode)
    write(target, b"new")
    assert target.read_bytes() == b"new" and _mode(target) == mode
    _no_temporaries(tmp_path)


def test_the_file_is_synced_before_it_is_renamed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    events: list[str] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd: int) -> None:
        events.append("fsync-dir" if stat.S_ISDIR(os.fstat(fd).st_mode) else "fsync-file")
        real_fsync(fd)

    def replace(source, target) -> None:
        events.append("replace")
        real_replace(source, target)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    atomic_write(tmp_path / "synced.bin", b"x")
    assert events == ["fsync-file", "replace", "fsync-dir"]


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "keep.bin"
    target.write_bytes(b"previous")
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_bytes(b"half")
        raise RuntimeError("the writer failed")
    assert target.read_bytes() == b"previous"
    _no_temporaries(tmp_path)


# ------------------------------------------------------------------------------ symlinks


@pytest.mark.parametrize("how", ["relative", "absolute", "chain", "dangling"])
def test_a_symlink_is_written_through(tmp_path: Path, write, how: str) -> None:
    real = tmp_path / "data" / "real.bin"
    real.parent.mkdir()
    if how != "dangling":
        real.write_bytes(b"old")
        real.chmod(0o640)
    link = tmp_path / "link.bin"
    if how == "relative":
        link.symlink_to(Path("data") / "real.bin")
    elif how == "chain":
        (tmp_path / "middle.bin").symlink_to(real)
        link.symlink_to("middle.bin")
    else:
        link.symlink_to(real)
    write(link, b"through")
    assert link.is_symlink() and real.read_bytes() == b"through"
    if how != "dangling":
        assert _mode(real) == 0o640
    _no_temporaries(tmp_path)
    _no_temporaries(real.parent)


def test_a_symlink_loop_is_refused(tmp_path: Path, write) -> None:
    (tmp_path / "a").symlink_to("b")
    (tmp_path / "b").symlink_to("a")
    with pytest.raises(OutputError, match="loop of symbolic links"):
        write(tmp_path / "a", b"x")
    assert (tmp_path / "a").is_symlink() and (tmp_path / "b").is_symlink()


# --------------------------------------------------------------------- FIFOs and devices


def _read_fifo(path: Path, into: list[bytes]) -> threading.Thread:
    def reader() -> None:
        with open(path, "rb") as handle:
            into.append(handle.read())

    thread = threading.Thread(target=reader, daemon=True)
    thread.start()
    return thread


@pytest.mark.parametrize("size", [0, 10, 3 << 20])
def test_a_fifo_is_streamed_to(tmp_path: Path, write, size: int) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    data = bytes(range(256)) * (size // 256) + b"x" * (size % 256)
    got: list[bytes] = []
    reader = _read_fifo(fifo, got)
    write(fifo, data)
    reader.join(10)
    assert got == [data]
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    _no_temporaries(tmp_path)


def test_our_own_null_device_stays_a_device(tmp_path: Path, write) -> None:
    node = make_device(tmp_path / "null", NULL_DEVICE)
    write(node, b"discarded")
    assert stat.S_ISCHR(os.lstat(node).st_mode)
    assert os.lstat(node).st_rdev == os.makedev(*NULL_DEVICE)
    _no_temporaries(tmp_path)


def test_our_own_full_device_is_a_clear_error(tmp_path: Path, write) -> None:
    node = make_device(tmp_path / "full", FULL_DEVICE)
    with pytest.raises(OutputError, match="no space left on device") as info:
        write(node, b"x" * 10)
    assert "\n" not in str(info.value)
    assert stat.S_ISCHR(os.lstat(node).st_mode)
    _no_temporaries(tmp_path)


def test_a_block_device_and_a_socket_are_refused(tmp_path: Path, write) -> None:
    import socket

    sock_path = tmp_path / "sock"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(sock_path))
    try:
        with pytest.raises(OutputError, match="it is a socket"):
            write(sock_path, b"x")
    finally:
        server.close()
    node = make_device(tmp_path / "block", (7, 200), stat.S_IFBLK)
    with pytest.raises(OutputError, match="it is a block device"):
        write(node, b"x")
    assert stat.S_ISBLK(os.lstat(node).st_mode)


# ------------------------------------------------------------- read-only, directories, names


@pytest.mark.parametrize("mode", [0o444, 0o400, 0o555, 0o000])
def test_a_read_only_file_is_refused_even_for_root(tmp_path: Path, write, mode: int) -> None:
    target = tmp_path / "locked.bin"
    target.write_bytes(b"precious")
    target.chmod(mode)
    with pytest.raises(OutputError, match=f"read-only \\(mode {mode:04o}\\)"):
        write(target, b"clobbered")
    target.chmod(0o600)
    assert target.read_bytes() == b"precious"
    _no_temporaries(tmp_path)


def test_a_directory_is_refused(tmp_path: Path, write) -> None:
    (tmp_path / "dir").mkdir()
    with pytest.raises(OutputError, match="it is a directory"):
        write(tmp_path / "dir", b"x")


@pytest.mark.parametrize("length", [256, 300, 1000])
def test_a_too_long_name_is_refused(tmp_path: Path, write, length: int) -> None:
    with pytest.raises(OutputError, match="too long") as info:
        write(tmp_path / ("n" * length), b"x")
    assert info.value.errno == errno.ENAMETOOLONG
    assert len(str(info.value)) < 300  # the name is shortened in the message


def test_a_too_long_path_is_refused(tmp_path: Path) -> None:
    deep = tmp_path.joinpath(*["d" * 200] * 25, "x.bin")
    with pytest.raises(OutputError, match="too long"):
        atomic_write(deep, b"x")


def test_the_longest_allowed_name_still_works(tmp_path: Path) -> None:
    target = tmp_path / ("n" * 255)  # the temporary beside it must be shortened to fit
    atomic_write(target, b"fits")
    assert target.read_bytes() == b"fits"
    _no_temporaries(tmp_path)


def test_inspect_target_kinds(tmp_path: Path) -> None:
    (tmp_path / "file").write_bytes(b"")
    os.mkfifo(tmp_path / "fifo")
    assert inspect_target(tmp_path / "missing").kind == "new"
    assert inspect_target(tmp_path / "file").kind == "file"
    assert inspect_target(tmp_path / "fifo").kind == "stream"
    with pytest.raises(OutputError, match="a parent of it is a file"):
        inspect_target(tmp_path / "file" / "below")


# ---------------------------------------------------------------------------- directories


def test_directory_swap_never_leaves_the_path_missing(tmp_path: Path) -> None:
    report = tmp_path / "report"
    with atomic_directory(report) as tmp:
        (tmp / "index.html").write_text("0")
    missing: list[int] = []
    stop = threading.Event()

    def watch() -> None:
        while not stop.is_set():
            if not (report / "index.html").exists():
                missing.append(1)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        for k in range(1, 40):
            with atomic_directory(report) as tmp:
                (tmp / "index.html").write_text(str(k))
    finally:
        stop.set()
        watcher.join()
    assert not missing
    assert (report / "index.html").read_text() == "39"
    assert names(tmp_path.iterdir()) == ["report"]


def test_exchange_swaps_two_directories(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "from-a").touch()
    (tmp_path / "b").mkdir()
    exchange_paths(tmp_path / "a", tmp_path / "b")
    assert names((tmp_path / "b").iterdir()) == ["from-a"]
    assert names((tmp_path / "a").iterdir()) == []


def test_without_an_exchange_two_renames_still_replace_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def unsupported(first: object, second: object) -> None:
        raise OSError(errno.EINVAL, "not supported here")

    monkeypatch.setattr(atomic, "exchange_paths", unsupported)
    for content in ("one", "two"):
        with atomic_directory(tmp_path / "out") as tmp:
            (tmp / "page").write_text(content)
    assert (tmp_path / "out" / "page").read_text() == "two"
    assert names(tmp_path.iterdir()) == ["out"]


@pytest.mark.parametrize("mask", [0o022, 0o077])
def test_a_new_directory_honours_the_umask_and_an_old_one_keeps_its_mode(
    tmp_path: Path, umask, mask: int
) -> None:
    umask(mask)
    with atomic_directory(tmp_path / "new"):
        pass
    assert _mode(tmp_path / "new") == 0o777 & ~mask
    (tmp_path / "new").chmod(0o751)
    with atomic_directory(tmp_path / "new"):
        pass
    assert _mode(tmp_path / "new") == 0o751


def test_a_symlinked_directory_is_replaced_through_the_link(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "link").symlink_to("real")
    with atomic_directory(tmp_path / "link") as tmp:
        (tmp / "page").write_text("new")
    assert (tmp_path / "link").is_symlink()
    assert (tmp_path / "real" / "page").read_text() == "new"


# ------------------------------------------------------------------ the commands that write

RUN = ("run", "-l", "bowl", "--optimizer", "gd", "-s", "1,1", "-n", "5", "--tol", "0")


def test_run_writes_through_a_symlink(tmp_path: Path) -> None:
    (tmp_path / "real.csv").write_text("old")
    (tmp_path / "link.csv").symlink_to("real.csv")
    assert invoke(*RUN, "-o", tmp_path / "link.csv").exit_code == 0
    assert (tmp_path / "link.csv").is_symlink()
    assert (tmp_path / "real.csv").read_text().startswith("step,x,y,loss")


def test_run_streams_to_a_fifo(tmp_path: Path) -> None:
    fifo = tmp_path / "run.json"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = _read_fifo(fifo, got)
    result = invoke(*RUN, "-o", fifo)
    reader.join(10)
    assert result.exit_code == 0, result.output
    import json

    assert json.loads(got[0])["steps"] == 5
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_run_to_our_own_devices(tmp_path: Path) -> None:
    null = make_device(tmp_path / "null", NULL_DEVICE)
    assert invoke(*RUN, "-f", "csv", "-o", null).exit_code == 0
    assert stat.S_ISCHR(os.lstat(null).st_mode)
    full = make_device(tmp_path / "full", FULL_DEVICE)
    line = one_line_error(invoke(*RUN, "-f", "csv", "-o", full))
    assert "--output" in line and "no space left on device" in line
    assert stat.S_ISCHR(os.lstat(full).st_mode)


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("read-only", "read-only (mode 0444)"),
        ("too-long", "too long"),
        ("loop", "loop of symbolic links"),
        ("below-a-file", "a parent of it is a file"),
    ],
)
def test_run_refuses_bad_targets_before_running(tmp_path: Path, setup: str, message: str) -> None:
    target = tmp_path / "out.csv"
    if setup == "read-only":
        target.write_text("keep")
        target.chmod(0o444)
    elif setup == "too-long":
        target = tmp_path / ("x" * 300 + ".csv")
    elif setup == "loop":
        target.symlink_to("out.csv")
    else:
        (tmp_path / "file").write_text("")
        target = tmp_path / "file" / "out.csv"
    line = one_line_error(invoke(*RUN, "-o", target))
    assert "'--output'" in line and message in line
    if setup == "read-only":
        assert target.read_text() == "keep"
    _no_temporaries(tmp_path)


def test_run_keeps_the_mode_of_the_file_it_replaces(tmp_path: Path) -> None:
    target = tmp_path / "run.csv"
    target.write_text("old")
    target.chmod(0o600)
    assert invoke(*RUN, "-o", target).exit_code == 0
    assert _mode(target) == 0o600 and target.read_text().startswith("step")


def test_run_dash_is_standard_output(tmp_path: Path) -> None:
    result = invoke(*RUN, "-f", "csv", "-o", "-")
    assert result.exit_code == 0 and result.stdout.startswith("step,x,y")
    assert not (Path.cwd() / "-").exists()


def test_figures_write_through_symlinks_and_to_fifos(tmp_path: Path) -> None:
    out = tmp_path / "figs"
    out.mkdir()
    blog = tmp_path / "blog"
    blog.mkdir()
    (out / "descent-path.svg").symlink_to(blog / "descent-path.svg")
    os.mkfifo(out / "schedules.svg")
    got: list[bytes] = []
    reader = _read_fifo(out / "schedules.svg", got)
    result = invoke("figures", "descent-path", "schedules", "-f", "svg", "-o", out, "-q")
    reader.join(30)
    assert result.exit_code == 0, result.output
    assert (blog / "descent-path.svg").read_bytes().startswith(b"<?xml")
    assert got and got[0].startswith(b"<?xml")
    assert (out / "descent-path.svg").is_symlink()
    assert stat.S_ISFIFO(os.lstat(out / "schedules.svg").st_mode)
    _no_temporaries(out)


def test_figures_refuse_a_read_only_figure_before_drawing(tmp_path: Path) -> None:
    out = tmp_path / "figs"
    out.mkdir()
    (out / "schedules.svg").write_text("mine")
    (out / "schedules.svg").chmod(0o444)
    line = one_line_error(invoke("figures", "descent-path", "schedules", "-f", "svg", "-o", out))
    assert "'--output'" in line and "schedules.svg" in line and "read-only" in line
    assert names(out.iterdir()) == ["schedules.svg"]  # nothing drawn, nothing written


# ---------------------------------------------------------------------------------- names

EXPERIMENT = """\
# my experiments
[experiment.{name}]
landscape = "bowl"
starts = [[1.0, 1.0]]
steps = 5

[[experiment.{name}.runs]]
optimizer = "gd"
lr = 0.1
"""

BAD_NAMES = [
    '"/../../ESCAPED"',
    '"a/b"',
    '".."',
    '"."',
    '"a\\u0000b"',
    '"</script>"',
    '"with space"',
    '""',
    '"-leading-dash"',
    '"ünïcode"',
    '"' + "x" * 65 + '"',
    '"tab\\tname"',
    '"a.b"',
]


@pytest.mark.parametrize("name", BAD_NAMES)
def test_unsafe_experiment_names_are_refused_with_file_and_line(tmp_path: Path, name: str) -> None:
    config = tmp_path / "mine.toml"
    config.write_text(EXPERIMENT.format(name=name))
    with pytest.raises(ExperimentError) as info:
        load_experiments(config)
    message = str(info.value)
    assert message.startswith(f"{config}:2: experiment name ") and "is not allowed" in message
    assert "\n" not in message and "\0" not in message


@pytest.mark.parametrize("name", ["my-race", "A_1", "x" * 64, "0start", "race-2"])
def test_safe_names_load(tmp_path: Path, name: str) -> None:
    config = tmp_path / "mine.toml"
    config.write_text(EXPERIMENT.format(name=name))
    assert list(load_experiments(config)) == [name]


@pytest.mark.parametrize("command", ["figures", "report"])
def test_the_escape_through_a_name_is_a_usage_error(tmp_path: Path, command: str) -> None:
    config = tmp_path / "evil.toml"
    config.write_text(EXPERIMENT.format(name='"/../../ESCAPED"'))
    out = tmp_path / "deep" / "er" / "out"
    line = one_line_error(invoke(command, "--config", config, "-o", out))
    assert "evil.toml:2" in line and "not allowed" in line
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["evil.toml"]


def test_every_builtin_name_is_safe() -> None:
    from gdviz.experiments import builtin_experiments
    from gdviz.figures import FIGURES
    from gdviz.landscapes import landscape_names
    from gdviz.video import SCENES

    for name in [*builtin_experiments(), *FIGURES, *SCENES, *landscape_names()]:
        assert SAFE_NAME.fullmatch(name), name


@pytest.mark.parametrize("name", ["../x", "/abs", "a/b", "", ".", "..", "a\0b"])
def test_output_path_stays_inside_its_directory(tmp_path: Path, name: str) -> None:
    with pytest.raises(OutputError, match="not a plain file name"):
        output_path(tmp_path, name)


def test_figures_of_an_unchecked_experiment_cannot_escape(tmp_path: Path) -> None:
    from gdviz.figures import FigureError, render_figures

    sneaky = Experiment(
        name="../../outside",
        title="sneaky",
        landscape="bowl",
        starts=((1.0, 1.0),),
        runs=(RunConfig("gd", 0.1),),
        steps=5,
    )
    out = tmp_path / "a" / "b"
    with pytest.raises(FigureError, match="not a plain file name"):
        render_figures(None, out, ("svg",), experiments=[sneaky])
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")) == ["a", "a/b"]


# ----------------------------------------------------------------------- report directory


@pytest.fixture()
def small_report(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Callable[..., object]:
    """``build(output, **options)``: a two-chapter report without videos."""
    from gdviz.report import ReportOptions, build_report
    from gdviz.report import build as report_build
    from gdviz.report.chapters import CHAPTERS

    monkeypatch.setattr(report_build, "CHAPTERS", CHAPTERS[:1])
    monkeypatch.setenv("GDVIZ_CACHE_DIR", str(tmp_path / "cache"))

    def build(output: Path, **options: object) -> object:
        return build_report(ReportOptions(output=output, videos=False, **options))  # type: ignore[arg-type]

    return build


def test_a_foreign_file_in_the_report_is_kept_and_named(small_report, tmp_path: Path) -> None:
    from gdviz.report import ReportError

    out = tmp_path / "report"
    small_report(out)
    page = (out / "index.html").read_text()
    (out / "my-notes.txt").write_text("my notes")
    with pytest.raises(ReportError, match=r"holds files gdviz did not write \(my-notes.txt\)"):
        small_report(out)
    assert (out / "my-notes.txt").read_text() == "my notes"
    assert (out / "index.html").read_text() == page


def test_many_foreign_entries_are_listed_in_one_line(small_report, tmp_path: Path) -> None:
    from gdviz.report import ReportError

    out = tmp_path / "report"
    small_report(out)
    for k in range(8):
        (out / f"note-{k}.txt").write_text("x")
    (out / "assets" / "mine.png").write_text("inside assets: part of the report")
    with pytest.raises(ReportError, match=r"note-0.txt, .*note-4.txt and 3 more") as info:
        small_report(out)
    assert "\n" not in str(info.value)


def test_force_deletes_foreign_files_and_says_so(small_report, tmp_path: Path) -> None:
    out = tmp_path / "report"
    small_report(out)
    (out / "my-notes.txt").write_text("my notes")
    said: list[str] = []
    from gdviz.report import ReportOptions, build_report

    build_report(ReportOptions(output=out, videos=False, force=True), progress=said.append)
    assert not (out / "my-notes.txt").exists()
    assert any("my-notes.txt" in line and "--force" in line for line in said)


def test_a_file_dropped_in_during_the_build_is_kept(
    small_report, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gdviz.report import ReportError
    from gdviz.report import build as report_build

    out = tmp_path / "report"
    small_report(out)
    page = (out / "index.html").read_text()
    render = report_build.render_page

    def render_and_meanwhile(report: object) -> str:
        (out / "dropped-in.txt").write_text("written while the build ran")
        return render(report)

    monkeypatch.setattr(report_build, "render_page", render_and_meanwhile)
    with pytest.raises(ReportError, match=r"dropped-in\.txt"):
        small_report(out)
    assert (out / "dropped-in.txt").exists() and (out / "index.html").read_text() == page
    assert not [p for p in tmp_path.iterdir() if ".gdviz-" in p.name]  # the new one is gone


def test_a_directory_that_is_no_report_is_refused_even_with_force(
    small_report, tmp_path: Path
) -> None:
    from gdviz.report import ReportError

    (tmp_path / "thesis").mkdir()
    (tmp_path / "thesis" / "thesis.tex").write_text("years of work")
    with pytest.raises(ReportError, match="not a gdviz report"):
        small_report(tmp_path / "thesis", force=True)
    assert (tmp_path / "thesis" / "thesis.tex").read_text() == "years of work"


def test_a_report_of_the_previous_version_is_still_replaced(small_report, tmp_path: Path) -> None:
    from gdviz.report.build import MARKER

    out = tmp_path / "report"
    (out / "assets").mkdir(parents=True)
    (out / MARKER).write_text("gdviz 0.1.0 report\n")
    (out / "index.html").write_text("old")
    small_report(out)
    assert (out / "index.html").read_text() != "old"


def test_the_report_cli_refuses_then_forces(tmp_path: Path, monkeypatch) -> None:
    from gdviz.report import build as report_build
    from gdviz.report.chapters import CHAPTERS

    monkeypatch.setattr(report_build, "CHAPTERS", CHAPTERS[:1])
    monkeypatch.setenv("GDVIZ_CACHE_DIR", str(tmp_path / "cache"))
    out = tmp_path / "report"
    assert invoke("report", "--no-videos", "-o", out, "-q").exit_code == 0
    (out / "my-notes.txt").write_text("mine")
    line = one_line_error(invoke("report", "--no-videos", "-o", out))
    assert "my-notes.txt" in line and "--force" in line
    result = invoke("report", "--no-videos", "-o", out, "--force")
    assert result.exit_code == 0, result.output
    assert "removing" in result.stderr and "my-notes.txt" in result.stderr
    assert not (out / "my-notes.txt").exists()


def test_a_directory_is_flushed_before_it_replaces_the_old_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    synced: list[str] = []
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        synced.append(os.readlink(f"/proc/self/fd/{fd}"))
        real_fsync(fd)

    def exchange(first: Path, second: Path) -> None:
        synced.append("exchange")
        swap(first, second)

    swap = atomic.exchange_paths
    (tmp_path / "out").mkdir()
    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(atomic, "exchange_paths", exchange)
    with atomic_directory(tmp_path / "out") as tmp:
        (tmp / "assets").mkdir()
        (tmp / "assets" / "a.png").write_bytes(b"png")
        (tmp / "index.html").write_text("page")
    before = synced[: synced.index("exchange")]
    assert {Path(p).name for p in before} >= {"a.png", "index.html", "assets"}


def test_a_notebook_animation_is_saved_through_the_one_mechanism(tmp_path: Path) -> None:
    import gdviz

    animation = gdviz.animate("descent-path", frames=3, dpi=30)
    real = tmp_path / "posts" / "run.gif"
    real.parent.mkdir()
    (tmp_path / "run.gif").symlink_to(real)
    animation.save(tmp_path / "run.gif")
    assert (tmp_path / "run.gif").is_symlink() and real.read_bytes().startswith(b"GIF8")
    fifo = tmp_path / "pipe.gif"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = _read_fifo(fifo, got)
    animation.save(fifo)
    reader.join(10)
    assert got[0] == real.read_bytes() and stat.S_ISFIFO(os.lstat(fifo).st_mode)
    real.chmod(0o444)
    with pytest.raises(OutputError, match="read-only"):
        animation.save(tmp_path / "run.gif")
    assert names(tmp_path.iterdir()) == ["pipe.gif", "posts", "run.gif"]
