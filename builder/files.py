"""Reading course files strictly (and only inside the course), writing outputs atomically.

A course is untrusted input (built in CI from pull requests, its output published): every path it
names goes through `contained`, which says where the path really leads, symbolic links followed,
and refuses anything outside the repository and the shared folders its settings name. A refusal
never depends on the outside file: nothing outside is opened, and an outside path reads the same
whether or not it exists.

A half-written deck in dist/ is worse than an old one: every output goes through a temporary file
in the same folder and `os.replace`, so readers (browsers, the dev server) see old or new, never torn.
"""

from __future__ import annotations

import itertools
import os
import shutil
import stat
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from builder.diagnostics import CourseError

OUTSIDE = "outside the repository"  # the one wording of every refusal, whatever lies outside


@lru_cache(maxsize=64)
def _roots(repo: Path, shared: tuple[str, ...]) -> tuple[str, ...]:
    """The repository and its shared folders (relative to it, or absolute), symbolic links
    resolved: the only trees a course may read."""
    root = repo.resolve()
    return (str(root), *(str((root / folder).resolve()) for folder in shared))


def real_root(repo: Path) -> str:
    """The repository's real path, as `contained` judges paths against it."""
    return _roots(repo, ())[0]


def _under(path: str, roots: Iterable[str]) -> bool:
    return any(path == root or path.startswith(root.rstrip("/") + "/") for root in roots)


_PASS: dict[str, str] | None = None  # folder -> its real path, while one reading of a course lasts


@contextmanager
def one_reading() -> Iterator[None]:
    """Within this block, `contained` resolves each folder once: a course of hundreds of files in
    a few folders costs one `lstat` per file instead of one per path component. The folders are
    judged afresh at each reading (a long-lived server reads the course again after edits, and a
    folder swapped for a link out of the repository is refused then)."""
    global _PASS
    outer = _PASS
    if outer is None:
        _PASS = {}
    try:
        yield
    finally:
        _PASS = outer


def contained(repo: Path, rel: str | Path, shared: tuple[str, ...] = ()) -> Path | None:
    """The real path that `rel` (relative to the repository, or absolute) leads to, or None when it
    leads out of the repository and of the `shared` folders.

    The path is judged twice: as written (`..` taken literally, before any file is looked at, so
    that a path through outside folders never touches them) and once every symbolic link inside
    is followed. Callers open the returned real path, never the path as written."""
    text = os.fspath(rel)
    if "\0" in text:
        return None
    roots = _roots(repo, shared)
    written = os.path.normpath(os.path.join(roots[0], text))
    if not _under(written, roots):
        return None
    folders = _PASS
    try:
        real = os.path.realpath(written) if folders is None else real_path(written, folders)
    except (OSError, RuntimeError, ValueError):  # a loop of symbolic links
        return None
    return Path(real) if _under(real, roots) else None


def real_path(path: str | Path, folders: dict[str, str]) -> str:
    """`os.path.realpath(path)`, with each folder's real path looked up once in `folders` (the
    caller's, for one pass over many files: pictures of a course share a few folders)."""
    folder, name = os.path.split(os.fspath(path))
    if name in ("", ".", ".."):
        return os.path.realpath(path)
    real = folders.get(folder)
    if real is None:
        real = folders[folder] = os.path.realpath(folder)
    full = os.path.join(real, name)
    try:
        if stat.S_ISLNK(os.lstat(full).st_mode):
            return os.path.realpath(full)
    except OSError:
        pass
    return full


def read_text(path: Path, shown: str) -> str:
    """Read UTF-8 text; `shown` is how the path appears in error messages."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise CourseError(shown, None, "file not found") from None
    except IsADirectoryError:
        raise CourseError(shown, None, "is a directory, not a file") from None
    except OSError as exc:  # a loop of links, no permission, a name too long
        raise CourseError(shown, None, f"cannot be read: {exc.strerror or exc}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise CourseError(
            shown, line, f"file is not UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})"
        ) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    return text.replace("\r\n", "\n").replace("\r", "\n")


_TEMPS = itertools.count()


def _temp_beside(path: Path) -> tuple[int, str]:
    """A new hidden file beside `path`, open for writing (as `tempfile.mkstemp` makes, without
    the cost of importing it and `random`: a few milliseconds of every build)."""
    while True:
        tmp = os.path.join(path.parent, f".{path.name}.{os.getpid()}.{next(_TEMPS)}.tmp")
        try:
            return os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600), tmp
        except FileExistsError:
            continue


def write_temp(path: Path, data: str | bytes) -> Path:
    """Write beside `path` under a hidden temporary name; `os.replace` it in when all is well."""
    path.parent.mkdir(parents=True, exist_ok=True)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = _temp_beside(path)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
        os.chmod(tmp, 0o644)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp)


def same_text(path: Path, data: str | bytes) -> bool:
    """Whether `path` already holds exactly `data` (then there is nothing to write)."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    try:
        if path.stat().st_size != len(raw):
            return False
        return path.read_bytes() == raw
    except OSError:
        return False


def write_atomic(path: Path, data: str | bytes) -> None:
    tmp = write_temp(path, data)
    try:
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def up_to_date(copy: os.stat_result, source: os.stat_result) -> bool:
    """Whether `copy` is already `source` as the copies below make it: the same file (a hard
    link), or the same size and modification time (to the second: some file systems keep no
    more)."""
    return ((copy.st_ino, copy.st_dev) == (source.st_ino, source.st_dev)
            or (copy.st_size == source.st_size and int(copy.st_mtime) == int(source.st_mtime)))


def copy_atomic(src: Path, dest: Path) -> bool:
    """Copy unless dest already has the same size and mtime; returns whether it copied."""
    st = src.stat()
    try:
        if up_to_date(dest.stat(), st):
            return False
    except FileNotFoundError:
        pass
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = _temp_beside(dest)
    os.close(fd)
    try:
        shutil.copy2(src, tmp)
        os.replace(tmp, dest)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return True


def link_or_copy(src: Path, dest: Path) -> bool:
    """Make `dest` the same file as `src` (an output written once, shown in several places):
    a hard link, or a copy where the file system has none (FAT, some network shares) or
    `dest` is on another device. Nothing is done when `dest` already has the same inode, or
    the same size and mtime. Atomic: `dest` is old or new, never missing. Returns whether
    `dest` changed."""
    st = src.stat()
    try:
        if up_to_date(dest.stat(), st):
            return False
    except FileNotFoundError:
        pass
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.link.tmp")
    try:
        tmp.unlink(missing_ok=True)
        os.link(src, tmp)
    except OSError:
        tmp.unlink(missing_ok=True)
        return copy_atomic(src, dest)
    try:
        os.replace(tmp, dest)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return True
