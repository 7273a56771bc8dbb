"""Fixtures that write tiny real courses into tmp_path."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from builder.chapter import parse_chapter
from builder.model import Chapter

ROOT = Path(__file__).resolve().parent.parent


class Course:
    def __init__(self, root: Path) -> None:
        self.root = root

    def write(self, rel: str, text: str) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    def chapter(self, text: str, rel: str = "slides/ch.md") -> Chapter:
        path = self.write(rel, text)
        return parse_chapter(path.read_text(encoding="utf-8"), rel, self.root)


@pytest.fixture
def course(tmp_path: Path) -> Course:
    return Course(tmp_path)


@pytest.fixture
def repo_root() -> Path:
    return ROOT
