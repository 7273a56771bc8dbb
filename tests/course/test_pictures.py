"""Pictures beside the decks: written once per build output, never rewritten when unchanged."""

from __future__ import annotations

import errno
import os
from pathlib import Path

from builder import files
from builder.build import build

PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")


def course(tmp_path: Path) -> Path:
    (tmp_path / "slides" / "images").mkdir(parents=True)
    (tmp_path / "slides" / "deck.yml").write_text("title: T\ncontent:\n- a.md\n")
    (tmp_path / "slides" / "a.md").write_text("# A\n\n![a](images/a.png)\n")
    (tmp_path / "slides" / "images" / "a.png").write_bytes(PNG)
    return tmp_path


def stats(out: Path) -> dict[str, tuple[int, int, int]]:
    return {lang: ((st := (out / lang / "images" / "a.png").stat()).st_ino, st.st_mtime_ns,
                   st.st_ctime_ns) for lang in ("en", "fr")}


def test_a_picture_is_written_once_for_both_languages(tmp_path: Path):
    repo = course(tmp_path)
    build(repo, langs=("en", "fr"))
    en, fr = (repo / "dist" / lang / "images" / "a.png" for lang in ("en", "fr"))
    assert en.read_bytes() == fr.read_bytes() == PNG
    assert en.stat().st_ino == fr.stat().st_ino  # one file, two names


def test_without_hard_links_each_language_gets_a_copy(tmp_path: Path, monkeypatch):
    repo = course(tmp_path)

    def no_links(src, dst):
        raise OSError(errno.EXDEV, "Invalid cross-device link")

    monkeypatch.setattr(files.os, "link", no_links)
    build(repo, langs=("en", "fr"))
    en, fr = (repo / "dist" / lang / "images" / "a.png" for lang in ("en", "fr"))
    assert en.read_bytes() == fr.read_bytes() == PNG
    assert en.stat().st_ino != fr.stat().st_ino
    assert not [p for p in fr.parent.iterdir() if p.name != "a.png"]  # no temporary file left


def test_unchanged_pictures_are_left_alone_and_changed_ones_replaced(tmp_path: Path):
    repo = course(tmp_path)
    out = repo / "dist"
    build(repo, langs=("en", "fr"))
    before = stats(out)
    build(repo, langs=("en", "fr"))
    assert stats(out) == before  # neither written nor linked again

    picture = repo / "slides" / "images" / "a.png"
    picture.write_bytes(PNG + b"\0")
    os.utime(picture, ns=(picture.stat().st_atime_ns, picture.stat().st_mtime_ns + 2_000_000_000))
    build(repo, langs=("en", "fr"))
    en, fr = (out / lang / "images" / "a.png" for lang in ("en", "fr"))
    assert en.read_bytes() == fr.read_bytes() == PNG + b"\0"
    assert en.stat().st_ino == fr.stat().st_ino


def test_a_copy_removed_or_altered_beside_a_deck_is_put_back(tmp_path: Path):
    repo = course(tmp_path)
    out = repo / "dist"
    build(repo, langs=("en", "fr"))
    (out / "fr" / "images" / "a.png").unlink()
    build(repo, langs=("en", "fr"))
    en, fr = (out / lang / "images" / "a.png" for lang in ("en", "fr"))
    assert fr.read_bytes() == PNG and fr.stat().st_ino == en.stat().st_ino
    en.unlink()
    en.write_bytes(b"not the picture")  # another file under the same name
    build(repo, langs=("en", "fr"))
    assert en.read_bytes() == fr.read_bytes() == PNG


def test_real_path_is_realpath_with_folders_looked_up_once(tmp_path: Path):
    from builder.files import real_path

    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "f.png").write_bytes(PNG)
    (tmp_path / "link").symlink_to(tmp_path / "a")
    (tmp_path / "a" / "b" / "g.png").symlink_to(tmp_path / "a" / "b" / "f.png")
    (tmp_path / "a" / "loop").symlink_to(tmp_path / "a" / "loop")
    folders: dict[str, str] = {}
    for rel in ("a/b/f.png", "link/b/f.png", "link/b/g.png", "a/b/none.png", "link/none/x.png",
                "a/../link/b/f.png", "a/b/..", "a/loop", "a/loop/x", "link/b/."):
        for _ in range(2):  # the second time from what the first learnt
            assert real_path(tmp_path / rel, folders) == os.path.realpath(tmp_path / rel), rel
