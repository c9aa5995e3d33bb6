"""The cache (issue 13 class 5, issue 11 item 3): where it is, and that nothing is reused on
trust — records with each output's size and hash, blobs named by their hash, verified copies,
the report embedding only verified videos, and ``gdviz cache info|clear``."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from types import SimpleNamespace

import pytest
from helpers import ROOT, invoke, one_line_error

from gdviz import cache
from gdviz.cache import (
    CacheError,
    cache_dir,
    copy_verified,
    file_digest,
    load_blob,
    publish,
    read_record,
    record_path,
    recorded_digest,
    store_blob,
    verify,
)

INPUTS = "a" * 64
OTHER_INPUTS = "b" * 64


@pytest.fixture()
def private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "cache"
    monkeypatch.setenv("GDVIZ_CACHE_DIR", str(root))
    return root


def _made(work: Path, **files: bytes) -> dict[str, Path]:
    work.mkdir(exist_ok=True)
    made = {}
    for name, data in files.items():
        path = work / name.replace("_", ".")
        path.write_bytes(data)
        made[path.name] = path
    return made


def _published(tmp_path: Path) -> Path:
    out = tmp_path / "videos"
    out.mkdir()
    made = _made(tmp_path / "work", hiker_mp4=b"movie" * 1000, hiker_png=b"poster")
    publish(out, "hiker", INPUTS, made, {"scene": "hiker"})
    return out


# ---------------------------------------------------------------------------- where it is


def test_the_cache_follows_xdg_and_the_override(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GDVIZ_CACHE_DIR", raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache_dir() == tmp_path / "home" / ".cache" / "gdviz"
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_dir() == tmp_path / "xdg" / "gdviz"
    monkeypatch.setenv("GDVIZ_CACHE_DIR", str(tmp_path / "mine"))
    assert cache_dir() == tmp_path / "mine"
    monkeypatch.setenv("GDVIZ_CACHE_DIR", "")
    assert cache_dir() is None


def test_the_cache_is_named_in_the_readme_and_the_help() -> None:
    readme = (ROOT / "README.md").read_text()
    for text in ("$XDG_CACHE_HOME/gdviz", "~/.cache/gdviz", "gdviz cache info", "make clean-cache"):
        assert text in readme, text
    for args in (["report", "--help"], ["cache", "--help"]):
        assert "$XDG_CACHE_HOME/gdviz" in invoke(*args).output, args


def test_make_clean_cache_runs_gdviz_cache_clear() -> None:
    dry = subprocess.run(
        ["make", "-n", "clean-cache"], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert "gdviz cache clear" in dry.stdout
    listed = subprocess.run(["make", "help"], cwd=ROOT, capture_output=True, text=True).stdout
    assert "clean-cache" in listed


# --------------------------------------------------------------------------------- records


def test_a_published_pair_verifies(tmp_path: Path) -> None:
    out = _published(tmp_path)
    assert verify(out, "hiker", INPUTS, ["hiker.mp4", "hiker.png"])
    record = read_record(out, "hiker")
    assert record is not None and record["scene"] == "hiker"
    assert record["files"]["hiker.mp4"] == file_digest(out / "hiker.mp4").to_dict()
    assert sorted(p.name for p in (tmp_path / "work").iterdir()) == []  # moved, not copied


@pytest.mark.parametrize(
    "damage",
    [
        "truncate",
        "truncate-to-zero",
        "flip-a-byte",
        "append",
        "delete",
        "replace-by-directory",
        "other-inputs",
        "record-without-files",
        "record-not-json",
        "record-missing",
        "poster-changed",
    ],
)
def test_any_damage_fails_verification(tmp_path: Path, damage: str) -> None:
    out = _published(tmp_path)
    movie = out / "hiker.mp4"
    inputs = INPUTS
    if damage == "truncate":
        with open(movie, "r+b") as handle:
            handle.truncate(1000)
    elif damage == "truncate-to-zero":
        movie.write_bytes(b"")
    elif damage == "flip-a-byte":  # same size: only the hash can tell
        data = bytearray(movie.read_bytes())
        data[2500] ^= 0xFF
        movie.write_bytes(bytes(data))
    elif damage == "append":
        movie.write_bytes(movie.read_bytes() + b"x")
    elif damage == "delete":
        movie.unlink()
    elif damage == "replace-by-directory":
        movie.unlink()
        movie.mkdir()
    elif damage == "other-inputs":
        inputs = OTHER_INPUTS
    elif damage == "record-without-files":  # what gdviz 0.1 wrote
        record_path(out, "hiker").write_text(json.dumps({"hash": INPUTS}))
    elif damage == "record-not-json":
        record_path(out, "hiker").write_text("{")
    elif damage == "record-missing":
        record_path(out, "hiker").unlink()
    else:
        (out / "hiker.png").write_bytes(b"other")
    assert not verify(out, "hiker", inputs, ["hiker.mp4", "hiker.png"])


def test_a_kill_between_record_and_move_leaves_no_stale_pair(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = _published(tmp_path)
    made = _made(tmp_path / "work2", hiker_mp4=b"new movie", hiker_png=b"new poster")

    def killed(*args: object) -> None:
        raise KeyboardInterrupt  # the process dies right after the record is written

    monkeypatch.setattr(cache, "place", killed)
    with pytest.raises(KeyboardInterrupt):
        publish(out, "hiker", OTHER_INPUTS, made)
    assert read_record(out, "hiker")["hash"] == OTHER_INPUTS  # type: ignore[index]
    # neither the old outputs (other inputs) nor the new record's files (not moved) verify
    assert not verify(out, "hiker", INPUTS, ["hiker.mp4"])
    assert not verify(out, "hiker", OTHER_INPUTS, ["hiker.mp4"])


def test_a_later_format_joins_the_record(tmp_path: Path) -> None:
    out = _published(tmp_path)
    gif = _made(tmp_path / "work3", hiker_gif=b"GIF89a...")
    publish(out, "hiker", INPUTS, gif)
    assert verify(out, "hiker", INPUTS, ["hiker.mp4", "hiker.png", "hiker.gif"])
    other = _made(tmp_path / "work4", hiker_mp4=b"other movie")
    publish(out, "hiker", OTHER_INPUTS, other)  # new inputs: old entries are dropped
    assert recorded_digest(out, "hiker", "hiker.gif") is None


def test_copy_verified_refuses_bytes_that_changed(tmp_path: Path) -> None:
    source = tmp_path / "source.mp4"
    source.write_bytes(b"x" * 5000)
    expected = file_digest(source)
    copy_verified(source, tmp_path / "copy.mp4", expected)
    assert (tmp_path / "copy.mp4").read_bytes() == source.read_bytes()
    source.write_bytes(b"x" * 4999 + b"y")
    with pytest.raises(CacheError, match="does not match its record"):
        copy_verified(source, tmp_path / "bad.mp4", expected)
    assert not (tmp_path / "bad.mp4").exists()
    assert not [p for p in tmp_path.iterdir() if ".gdviz-" in p.name]


# ----------------------------------------------------------------------------------- blobs


def test_blobs_round_trip_and_damaged_ones_are_dropped(private_cache: Path) -> None:
    assert load_blob("typst", "k1", ".svg") is None
    path = store_blob("typst", "k1", b"<svg>one</svg>", ".svg")
    assert path is not None and path.parent == private_cache / "typst"
    assert load_blob("typst", "k1", ".svg") == b"<svg>one</svg>"
    for damage in (b"<svg>onE</svg>", b"<svg>on", b""):
        path.write_bytes(damage)
        assert load_blob("typst", "k1", ".svg") is None
        assert not path.exists()
        path = store_blob("typst", "k1", b"<svg>one</svg>", ".svg")
        assert path is not None


def test_blobs_with_the_cache_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GDVIZ_CACHE_DIR", "")
    assert store_blob("typst", "k", b"x", ".svg") is None
    assert load_blob("typst", "k", ".svg") is None


def test_a_read_only_cache_costs_only_time(private_cache: Path) -> None:
    private_cache.mkdir()
    (private_cache / "typst").write_text("a file where the section should be")
    assert store_blob("typst", "k", b"x", ".svg") is None


# ------------------------------------------------------------------------ the report embeds


@pytest.fixture()
def fake_videos(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, private_cache: Path):
    """A report of the first chapter with a video: ``render_videos`` is replaced by one that
    publishes a tiny 'video' into the cache with its record (``damage`` runs afterwards)."""
    from gdviz import video
    from gdviz.report import build as report_build
    from gdviz.report.chapters import CHAPTERS

    chapter = next(c for c in CHAPTERS if c.videos)
    monkeypatch.setattr(report_build, "CHAPTERS", (chapter,))
    monkeypatch.setattr(video, "video_available", lambda: True)
    state = SimpleNamespace(damage=lambda directory: None, rendered=True, scene=chapter.videos[0])

    def render_videos(names, output_dir, quality, formats, progress=None, **kwargs):
        (name,) = names
        directory = Path(output_dir)
        directory.mkdir(parents=True, exist_ok=True)
        made = _made(
            tmp_path / "render",
            **{f"{name}_mp4": b"\x00\x00\x00\x18ftypmp42" + b"v" * 100, f"{name}_png": PNG},
        )
        paths = publish(directory, name, INPUTS, made)
        state.damage(directory)
        return [
            video.VideoResult(
                name,
                {"mp4": paths[f"{name}.mp4"]},
                paths[f"{name}.png"],
                rendered=state.rendered,
            )
        ]

    monkeypatch.setattr(video, "render_videos", render_videos)
    return state


PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


@pytest.mark.parametrize("single_file", [False, True])
def test_the_report_embeds_a_verified_video(fake_videos, tmp_path: Path, single_file: bool):
    from gdviz.report import ReportOptions, build_report

    said: list[str] = []
    fake_videos.rendered = False
    result = build_report(
        ReportOptions(output=tmp_path / "r", single_file=single_file), progress=said.append
    )
    html = result.page.read_text()
    assert "<video" in html and result.videos == (fake_videos.scene,)
    assert any("reusing the cached video" in line and "verified" in line for line in said)


@pytest.mark.parametrize("single_file", [False, True])
@pytest.mark.parametrize("damage", ["truncate", "flip", "record"])
def test_the_report_never_embeds_an_unverified_video(
    fake_videos, tmp_path: Path, single_file: bool, damage: str
) -> None:
    from gdviz.report import ReportOptions, build_report

    def spoil(directory: Path) -> None:
        movie = directory / f"{fake_videos.scene}.mp4"
        if damage == "truncate":
            movie.write_bytes(movie.read_bytes()[:10])
        elif damage == "flip":
            movie.write_bytes(movie.read_bytes()[:-1] + b"w")
        else:
            record_path(directory, fake_videos.scene).write_text('{"hash": "x"}')

    fake_videos.damage = spoil
    said: list[str] = []
    result = build_report(
        ReportOptions(output=tmp_path / "r", single_file=single_file), progress=said.append
    )
    html = result.page.read_text()
    assert "<video" not in html and result.videos == ()
    assert "could not be verified" in html
    assert any("does not match its record" in line or "no record" in line for line in said)
    assert not (tmp_path / "r" / "assets" / "videos").exists() or not any(
        p.suffix == ".mp4" for p in (tmp_path / "r" / "assets" / "videos").iterdir()
    )


# ------------------------------------------------------------------------------ the command


def test_cache_info_and_clear(private_cache: Path) -> None:
    store_blob("typst", "k", b"<svg/>", ".svg")
    videos = private_cache / "videos" / "low"
    videos.mkdir(parents=True)
    (videos / "hiker.mp4").write_bytes(b"v" * 2048)
    (private_cache / "not-ours.txt").write_text("someone else's")
    info = invoke("cache", "info")
    assert info.exit_code == 0
    lines = info.stdout.splitlines()
    assert lines[0] == f"cache: {private_cache}"
    assert any(line.split()[:3] == ["videos", "1", "file(s),"] for line in lines)
    assert any(line.split()[:3] == ["typst", "1", "file(s),"] for line in lines)
    cleared = invoke("cache", "clear", "typst")
    assert cleared.exit_code == 0 and "removed 1 file(s)" in cleared.stderr
    assert not (private_cache / "typst").exists() and videos.is_dir()
    assert invoke("cache", "clear").exit_code == 0
    assert not (private_cache / "videos").exists()
    assert (private_cache / "not-ours.txt").read_text() == "someone else's"  # never beyond ours


def test_cache_clear_removes_the_directory_it_empties(private_cache: Path) -> None:
    store_blob("typst", "k", b"<svg/>", ".svg")
    assert invoke("cache", "clear", "-q").exit_code == 0
    assert not private_cache.exists()
    assert invoke("cache", "clear").exit_code == 0  # nothing there: still fine


def test_cache_commands_with_the_cache_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GDVIZ_CACHE_DIR", "")
    assert "the cache is off" in invoke("cache", "info").stdout
    assert "nothing to clear" in invoke("cache", "clear").stderr


def test_cache_clear_of_an_unknown_section_is_one_line(private_cache: Path) -> None:
    line = one_line_error(invoke("cache", "clear", "vidoes"))
    assert "did you mean 'videos'" in line
