"""The digest of coursekit's own files, part of every build cache key: an edited checkout is a
new version, even when the edit keeps the file's size and modification time, and whatever the
memo of file digests beside the cache holds."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from builder import cachefiles
from builder.cachefiles import write_frame
from builder.course import cache
from builder.course.cache import tree_digest


@pytest.fixture
def package(tmp_path: Path) -> Path:
    root = tmp_path / "builder"
    (root / "render" / "templates").mkdir(parents=True)
    (root / "__init__.py").write_text("")
    (root / "render" / "deck.py").write_text("X = 1\n")
    (root / "render" / "templates" / "deck.html.j2").write_text("<main>{{ sections }}</main>\n")
    return root


@pytest.fixture
def settled(monkeypatch) -> None:
    """Files count as still at once (no racy window): their stats go to the memo."""
    monkeypatch.setattr(cachefiles, "RACY_SECONDS", 0)


def old(path: Path) -> None:
    """Give a file a modification time long ago (its change time stays now)."""
    os.utime(path, ns=(1_600_000_000_000_000_000, 1_600_000_000_000_000_000))


def test_unchanged_files_are_not_read_again(package: Path, tmp_path: Path, settled, monkeypatch):
    memo = tmp_path / "memo"
    first = tree_digest(package, memo)
    read = []
    monkeypatch.setattr(cache, "file_digest", lambda path: read.append(path) or "x" * 40)
    assert tree_digest(package, memo) == first
    assert read == []


def test_an_edit_that_keeps_size_and_mtime_is_a_new_digest(package: Path, tmp_path: Path, settled):
    memo = tmp_path / "memo"
    target = package / "render" / "deck.py"
    old(target)
    first = tree_digest(package, memo)
    assert memo.exists()
    time.sleep(0.05)  # past the clock's tick
    target.write_text("X = 2\n")  # same size
    old(target)  # same modification time as before: only its change time tells
    assert tree_digest(package, memo) != first


def test_templates_count_and_compiled_files_do_not(package: Path, tmp_path: Path):
    memo = tmp_path / "memo"
    first = tree_digest(package, memo)
    (package / "render" / "__pycache__").mkdir()
    (package / "render" / "__pycache__" / "deck.cpython-311.pyc").write_bytes(b"\0" * 10)
    assert tree_digest(package, memo) == first
    (package / "render" / "templates" / "deck.html.j2").write_text("<main>{{ slides }}</main>\n")
    assert tree_digest(package, memo) != first


@pytest.mark.parametrize("memo_body", [b"not json", b"[]", b'{"__init__.py": [[0, 0, 0, 0], 7]}',
                                       b'{"render/deck.py": "forged"}'])
def test_a_damaged_or_forged_memo_changes_nothing(package: Path, tmp_path: Path, memo_body: bytes):
    honest = tree_digest(package, tmp_path / "honest")
    memo = tmp_path / "memo"
    write_frame(memo, memo_body)
    assert tree_digest(package, memo) == honest


def test_a_file_edited_after_its_digest_was_kept_is_read_again(package: Path, tmp_path: Path,
                                                                settled):
    memo = tmp_path / "memo"
    target = package / "render" / "deck.py"
    before = tree_digest(package, memo)
    time.sleep(0.05)
    target.write_text("X = 33\n")
    assert tree_digest(package, memo) != before
    assert tree_digest(package, tmp_path / "fresh") == tree_digest(package, memo)
