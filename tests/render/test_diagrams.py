"""Fetching mermaid's browser build: the pinned file or nothing (no network here: a stand-in
`npm` packs a tarball of the same shape with other contents)."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from builder.render import diagrams


def fake_npm(tmp_path: Path, content: str) -> str:
    """An `npm` whose `pack` writes mermaid-X.tgz holding package/dist/mermaid.min.js."""
    script = tmp_path / "npm"
    script.write_text(f"""#!/bin/sh
set -e
dest="$4"
mkdir -p "$dest/w/package/dist"
printf '%s' '{content}' > "$dest/w/package/dist/mermaid.min.js"
tar -czf "$dest/mermaid-{diagrams.VERSION}.tgz" -C "$dest/w" package
""")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return str(script)


def test_a_file_that_is_not_the_pinned_one_is_refused_and_not_cached(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    with pytest.raises(RuntimeError, match="SHA-256"):
        diagrams.fetch(npm=fake_npm(tmp_path, "window.mermaid = 'not the real one';"))
    assert not diagrams.cache_path().exists()
    assert list((tmp_path / "cache").rglob("*")) == []


def test_a_failing_npm_is_an_error_that_names_the_package(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    with pytest.raises(RuntimeError, match=f"npm pack mermaid@{diagrams.VERSION} failed"):
        diagrams.fetch(npm="/bin/false")


def test_setup_goes_on_without_it(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("PATH", str(tmp_path))  # no npm
    assert diagrams.main(["fetch"]) == 0
    assert "diagrams will show as source" in capsys.readouterr().err
