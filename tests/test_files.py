"""Outputs written atomically: through a hidden temporary file beside them, readable by all,
whatever temporary files an interrupted build left there."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from builder import files


def test_an_output_is_readable_by_all_and_leaves_no_temporary_file(tmp_path: Path):
    target = tmp_path / "en" / "deck.html"
    files.write_atomic(target, "<p>é</p>")
    assert target.read_text(encoding="utf-8") == "<p>é</p>"
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    assert [p.name for p in target.parent.iterdir()] == ["deck.html"]


def test_temporary_names_left_by_an_interrupted_build_are_stepped_over(tmp_path: Path, monkeypatch):
    target = tmp_path / "deck.html"
    monkeypatch.setattr(files, "_TEMPS", iter(range(10)))
    for n in range(3):  # what a build killed mid-write left, with this process's number
        (tmp_path / f".deck.html.{os.getpid()}.{n}.tmp").write_text("torn")
    files.write_atomic(target, "whole")
    assert target.read_text() == "whole"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")) == [
        f".deck.html.{os.getpid()}.{n}.tmp" for n in range(3)]  # theirs, untouched


def test_a_copy_is_atomic_and_keeps_the_source_times(tmp_path: Path):
    source = tmp_path / "a.png"
    source.write_bytes(b"\x89PNG")
    os.utime(source, ns=(1_600_000_000_000_000_000, 1_600_000_000_000_000_000))
    dest = tmp_path / "out" / "a.png"
    assert files.copy_atomic(source, dest)
    assert dest.read_bytes() == b"\x89PNG" and dest.stat().st_mtime_ns == source.stat().st_mtime_ns
    assert not files.copy_atomic(source, dest)  # unchanged: not copied again
    assert [p.name for p in dest.parent.iterdir()] == ["a.png"]
