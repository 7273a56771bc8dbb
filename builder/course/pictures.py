"""Pictures: which files under `slides/` a chapter shows, and copying them beside the decks.

A deck is one HTML file with its pictures beside it (`OUT/<lang>/images/...`, the same relative
paths as under `slides/`), so that it opens from disk. Remote pictures, data: URLs and paths
leaving `slides/` are not copied (the checks in builder/course/checks.py report them).

Each picture is written once per build output, whatever the number of languages: copied into
the first language's folder, then hard-linked into the others (copied where the file system
has no hard links). A shared `OUT/images/` folder would write as little, but every deck's
picture URLs would then leave its folder: a language folder would no longer open or publish on
its own, and the dev server, the PDF printer and the deck lint, which all find a deck's pictures
beside it, would each need to know. A picture whose copy is unchanged (same size and mtime as
its source) is not written again.
"""

from __future__ import annotations

import os
import posixpath
import re
import stat
from collections.abc import Iterable
from pathlib import Path

from builder.files import contained, copy_atomic, link_or_copy, up_to_date
from builder.model import Chapter

_REMOTE = re.compile(r"(?:[A-Za-z][A-Za-z0-9+.-]*:)?//")


def is_remote(src: str) -> bool:
    """A picture fetched from the web when the slide shows (`https://...`, `//host/...`)."""
    return bool(_REMOTE.match(src)) and not src.lower().startswith("file:")


def local_picture(src: str) -> str | None:
    """The picture's path under slides/, or None for remote, data:, anchor or out-of-tree ones."""
    if not src or is_remote(src) or "://" in src or src.startswith(("data:", "#", "/")):
        return None
    rel = posixpath.normpath(src.split("#")[0].split("?")[0])
    if rel.startswith(".."):
        return None
    return rel


def leaves_slides(src: str) -> bool:
    """A relative path that climbs out of slides/ (`../images/x.png`): never copied."""
    if not src or is_remote(src) or src.startswith(("data:", "#", "/")):
        return False
    return posixpath.normpath(src.split("#")[0].split("?")[0]).startswith("..")


def pictures(chapter: Chapter) -> set[str]:
    """Paths under slides/ of the local pictures a chapter shows."""
    return {rel for slide in chapter.slides for src, _, _ in slide.images
            if (rel := local_picture(src)) is not None}


def picture_file(repo: Path, rel: str, shared: tuple[str, ...] = ()) -> Path | None:
    """Where the picture `slides/<rel>` really is, links followed; None when that is outside the
    repository (and its shared folders): such a picture is an error, never copied nor looked at."""
    return contained(repo, posixpath.join("slides", rel), shared)


def copy_pictures(repo: Path, out: Path, chapters: Iterable[Chapter], langs: Iterable[str],
                  only: set[str] | None = None, shared: tuple[str, ...] = ()) -> int:
    """Copy the chapters' pictures that exist beside the decks (see `copy_picture_files`);
    `only` limits it to those paths under slides/; `shared` names the folders outside the
    repository that pictures may come from (course settings)."""
    wanted: set[str] = set()
    for chapter in chapters:
        wanted |= pictures(chapter)
    if only is not None:
        wanted &= only
    return copy_picture_files(repo, out, wanted, langs, shared)


def copy_picture_files(repo: Path, out: Path, wanted: Iterable[str], langs: Iterable[str],
                       shared: tuple[str, ...] = ()) -> int:
    """Copy pictures (paths under slides/) that exist into the first language's folder and
    link them into the others; unchanged ones are skipped. Returns how many files were
    written or linked."""
    langs = tuple(langs)
    if not langs:
        return 0
    copied = 0
    folders = [os.path.join(out, lang) for lang in langs]
    for rel in sorted(set(wanted)):
        source = picture_file(repo, rel, shared)
        try:
            st = os.stat(source) if source is not None else None
        except OSError:
            continue
        if st is None or not stat.S_ISREG(st.st_mode):
            continue
        # Most pictures are as the last build left them: four stats tell, nothing more is done.
        copies = [_stat(os.path.join(folder, rel)) for folder in folders]
        first = copies[0]
        if first is not None and up_to_date(first, st) and all(
                c is not None and up_to_date(c, first) for c in copies[1:]):
            continue
        target = out / langs[0] / rel
        copied += copy_atomic(source, target)
        for lang in langs[1:]:
            copied += link_or_copy(target, out / lang / rel)
    return copied


def _stat(path: str) -> os.stat_result | None:
    try:
        return os.stat(path)
    except OSError:
        return None
