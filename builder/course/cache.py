"""A persistent cache of compiled chapters, so that a build redoes only what changed.

A chapter's entry holds what decks need of it (its slides without their sources) and what the
renderer made of it, under a key that hashes everything that went into them:

- the environment: this cache's format, every file of the coursekit package (code, templates,
  stylesheets: a hash of the files themselves, so an edited checkout counts as a new version),
  the installed distributions and their versions (markdown-it, Pygments, Jinja...), Python's
  version, the course settings and whatever the caller adds (languages, mermaid present);
- the chapter: its path and line, the inline text of a manifest entry;
- every file it read, by content hash: the chapter, its @@INCLUDEs, its catalog in each
  language; and, for each picture it shows, whether the file is there and where it leads (the
  slide checks look).

Which files a chapter reads is known only once it is parsed: the index remembers them from the
last compile (as ccache's manifests do). A chapter whose text changed has a new key whatever it
includes now, and its new files are recorded when it is compiled again.

Where: `$XDG_CACHE_HOME/coursekit/builds/<hash of the repository's path>/` (or
`$COURSEKIT_BUILD_CACHE/<hash>`). Not under the output folder: GitHub Pages publishes that
folder as it is, hidden files included, and the cache holds every chapter's speaker notes. Not
in the repository either: the build only reads a course.

Never trusted: every file starts with a magic line and the format version, and carries a
BLAKE2 digest of its body; a file that fails any of these, does not unpickle, or holds anything
but the expected types is ignored, and what it held is compiled again and rewritten. Unpickling
only admits the model's own classes, built through their constructors: a crafted file cannot
run code.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import pickle
import shutil
import stat as stat_module
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from builder.cachefiles import (
    FORMAT,
    cache_root,
    digest,
    read_frame,
    settled,
    stat_key,
    write_frame,
)
from builder.course.chapters import by_fields
from builder.course.pictures import pictures
from builder.diagnostics import Diagnostic, Location
from builder.files import contained, real_path
from builder.model import Chapter, Increment, OutlineTag, Slide, Title

if TYPE_CHECKING:
    from builder.course.chapters import ChapterJob, Compiled

KEEP_DAYS = 30  # a repository's cache not used for this long is removed
PACKAGE = Path(__file__).resolve().parent.parent


# --------------------------------------------------------------------------- files


class _Unpickler(pickle.Unpickler):
    """Only the classes named, and no other global: no function, no module, nothing callable."""

    def __init__(self, data: bytes, allowed: dict[tuple[str, str], type]) -> None:
        super().__init__(io.BytesIO(data))
        self.allowed = allowed

    def find_class(self, module: str, name: str) -> Any:
        found = self.allowed.get((module, name))
        if found is None:
            raise pickle.UnpicklingError(f"{module}.{name} is not allowed in the build cache")
        return found


class Codec:
    """Pickles of a known set of dataclasses, each rebuilt through its constructor (faster than
    the default for slotted dataclasses, and the only calls a cache file can make)."""

    def __init__(self, classes: Iterable[type]) -> None:
        self.classes = tuple(classes)
        self.allowed = {(c.__module__, c.__qualname__): c for c in self.classes}
        self.reducers = {c: by_fields(c) for c in self.classes}

    def dumps(self, obj: Any) -> bytes:
        buffer = io.BytesIO()
        pickler = pickle.Pickler(buffer, protocol=5)
        pickler.dispatch_table = self.reducers  # type: ignore[assignment]
        pickler.dump(obj)
        return buffer.getvalue()

    def loads(self, data: bytes) -> Any:
        return _Unpickler(data, self.allowed).load()


# --------------------------------------------------------------------------- keys


@cache
def package_digest() -> str:
    """Every file of the coursekit package, by content: code, templates, static files."""
    return tree_digest(PACKAGE, cache_root() / f"package-{digest(str(PACKAGE))[:24]}")


def tree_digest(root: Path, memo: Path) -> str:
    """The content of every file under `root` (`__pycache__` aside), as one digest. Each file's
    digest is kept in `memo` with its stat, and read again only once that stat changed (as the
    index does for a course's files, see `ChapterCache._content`): hashing the whole package
    cost every command 8 ms."""
    body = read_frame(memo)
    try:
        known = json.loads(body) if body is not None else {}
    except ValueError:
        known = {}
    if not isinstance(known, dict):
        known = {}
    files = []
    for folder, subfolders, names in os.walk(root):
        subfolders[:] = [d for d in subfolders if d != "__pycache__"]
        rel = os.path.relpath(folder, root).replace(os.sep, "/")
        files.extend((n if rel == "." else f"{rel}/{n}", os.path.join(folder, n)) for n in names)
    h = hashlib.blake2b(digest_size=20)
    kept = {}
    now = time.time_ns()
    for rel, path in sorted(files):
        try:
            st = os.stat(path)
        except OSError:
            continue
        if not stat_module.S_ISREG(st.st_mode):
            continue
        stat = list(stat_key(st))
        entry = known.get(rel)
        if (isinstance(entry, list) and len(entry) == 2 and entry[0] == stat
                and isinstance(entry[1], str)):
            found = entry[1]
        else:
            found = file_digest(Path(path))
        if settled(st, now):
            kept[rel] = [stat, found]
        h.update(rel.encode() + b"\0" + found.encode() + b"\0")
    if kept != known:
        with contextlib.suppress(OSError):  # no memo: the next command hashes the files again
            write_frame(memo, json.dumps(kept).encode())
    return h.hexdigest()


@cache
def distributions() -> tuple[str, ...]:
    """The installed distributions with their versions (the names of their metadata folders):
    a new markdown-it or Pygments renders differently. Cheaper than importlib.metadata.

    Only the installation's package folders count: the script's folder or the working folder
    at the head of `sys.path` would make the key depend on where coursekit was started from
    (a checkout holds `coursekit.egg-info`; coursekit's own code is in `package_digest`)."""
    found = set()
    for entry in sys.path:
        if os.path.basename(entry.rstrip(os.sep)) not in ("site-packages", "dist-packages"):
            continue
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        found.update(n for n in names if n.endswith((".dist-info", ".egg-info")))
    return tuple(sorted(found))


def environment(*extra: object) -> str:
    """What every entry of a build depends on besides its own files; `extra` is the caller's
    part (settings, languages, whether mermaid is there)."""
    return digest(FORMAT, package_digest(), distributions(), sys.version, *extra)


def file_digest(path: Path) -> str:
    try:
        return hashlib.blake2b(path.read_bytes(), digest_size=20).hexdigest()
    except FileNotFoundError:
        return "missing"
    except OSError as exc:
        return f"unreadable {exc.errno}"


def picture_state(path: Path, folders: dict[str, str] | None = None) -> str:
    """What the slide checks see of a picture: whether it is a file, and where it leads."""
    return f"{path.is_file()} {real_path(path, {} if folders is None else folders)}"


# --------------------------------------------------------------------------- records


@dataclass(slots=True)
class JobRecord:
    """What the index knows of one compiled chapter: its key, the files it was computed from,
    and the caller's summary (what a build needs when it does not load the entry)."""

    key: str
    files: tuple[str, ...]  # repo-relative: the chapter, its includes, its catalogs
    pictures: tuple[str, ...]  # under slides/
    summary: Any
    diagnostics: list[Diagnostic]


@dataclass(slots=True)
class OutputRecord:
    """A deck written in one language: the key of what made it, and each file as written."""

    key: str
    files: tuple[tuple[str, int, int, int], ...]  # (path, size, mtime_ns, inode)
    slides: int


@dataclass(slots=True)
class Index:
    environment: str = ""
    jobs: dict[tuple, JobRecord] = field(default_factory=dict)
    outputs: dict[str, dict[tuple[str, str], OutputRecord]] = field(default_factory=dict)
    used: float = 0.0
    # real path -> (its stat when hashed, the digest): see ChapterCache._content
    seen: dict[str, tuple[tuple[int, int, int, int], str]] = field(default_factory=dict)


def slim(chapter: Chapter) -> Chapter:
    """What decks need of a chapter: everything but what only the checks read (labs, code
    blocks, the notes' Markdown), which is most of a chapter besides its slides' steps."""
    slides = [replace(s, notes="", notes_tokens=None, notes_lines=[], labs=[], code=[],
                      blank_tags=[]) for s in chapter.slides]
    return replace(chapter, slides=slides)


MODEL = (Chapter, Slide, Increment, Title, OutlineTag, Diagnostic, Location, JobRecord,
         OutputRecord, Index)


def _job_id(job: ChapterJob, variant: str) -> tuple:
    return (job.path, job.line, job.inline, variant)


class ChapterCache:
    """The cache of one repository. `variant` tells apart entries that coexist (a build in
    English only and one in both languages); `extra_files(job)` names the files besides the
    chapter and its includes that its result depends on (its catalogs)."""

    def __init__(self, repo: Path, env: str, variant: str = "",
                 extra_files: Callable[[ChapterJob], Iterable[str]] = lambda job: (),
                 classes: Callable[[], Iterable[type]] = tuple,
                 folder: Path | None = None,
                 kept: Callable[[Chapter], Chapter] | None = None,
                 shared: tuple[str, ...] = ()) -> None:
        self.repo = repo.resolve()
        self.shared = shared  # the folders outside the repository that the settings allow
        self.kept = kept or slim  # what of a chapter an entry keeps (decks need less than labs)
        self.folder = folder or cache_root() / digest(str(self.repo))[:24]
        self.env = env
        self.variant = variant
        self.extra_files = extra_files
        self.codec = Codec(MODEL)
        self._classes = classes  # the caller's, for entries: asked for when the first is read
        self._entry_codec: Codec | None = None
        self.index = self._read_index()
        self.changed = False
        self._digests: dict[str, str] = {}  # file -> content digest, read once per build
        self._looked: set[str] = set()  # the real paths whose digest this build asked for
        self._pictures: dict[str, str] = {}  # picture -> its state, looked at once per build
        self._folders: dict[str, str] = {}  # folder -> its real path

    # -- the index -----------------------------------------------------------------------

    def _indexes(self) -> list[Path]:
        """The index files, newest last. Each build writes a new one rather than replacing the
        last (a rename over a file makes ext4 flush it at once, which a busy disk makes slow)."""
        try:
            names = [n for n in os.listdir(self.folder) if n.startswith("index.")]
        except OSError:
            return []
        return [self.folder / n for n in sorted(names, key=_stamp)]

    def _read_index(self) -> Index:
        found = self._indexes()
        body = read_frame(found[-1]) if found else None
        try:
            index = self.codec.loads(body) if body is not None else None
        except Exception:  # noqa: BLE001 - anything a damaged file raises: it is ignored
            index = None
        if not isinstance(index, Index) or index.environment != self.env:
            return Index(environment=self.env)
        return index

    def save(self) -> None:
        """Write the index if anything changed (and at most daily otherwise, so that pruning
        knows the cache is in use)."""
        now = time.time()
        if not self.changed and now - self.index.used < 86400:
            return
        old = self._indexes()
        self.index.used = now
        name = self.folder / f"index.{time.time_ns():020d}.{os.getpid()}"
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            write_frame(name, self.codec.dumps(self.index))
        except OSError:
            return  # a cache that cannot be written is no cache: the build itself is done
        self.changed = False
        for path in old:
            path.unlink(missing_ok=True)
        if not old:
            prune(self.folder.parent, keep=self.folder)

    # -- chapters ------------------------------------------------------------------------

    def _file(self, rel: str) -> str:
        """A file's content digest; a file that now leads out of the repository is not read
        (its key changes, so the chapter is compiled again and refused at its line)."""
        found = self._digests.get(rel)
        if found is None:
            real = contained(self.repo, rel, self.shared)
            found = self._digests[rel] = "outside" if real is None else self._content(str(real))
        return found

    def _content(self, real: str) -> str:
        """The file's content digest, hashed again only if its stat changed since it was (as
        git's index does). A stat is trusted only if the file had been still for RACY_SECONDS
        when it was hashed: a later write, even of the same size within the clock's tick,
        then shows in its modification or change time."""
        self._looked.add(real)
        try:
            st = os.stat(real)
        except FileNotFoundError:
            return "missing"
        except OSError:
            return file_digest(Path(real))  # says why it cannot be read
        stat = stat_key(st)
        known = self.index.seen.get(real)
        if known is not None and known[0] == stat:
            return known[1]
        hashed_at = time.time_ns()
        found = file_digest(Path(real))
        if settled(st, hashed_at) and len(found) == 40:
            self.index.seen[real] = (stat, found)
            self.changed = True
        return found

    def _picture(self, rel: str) -> str:
        found = self._pictures.get(rel)
        if found is None:
            found = self._pictures[rel] = picture_state(self.repo / "slides" / rel, self._folders)
        return found

    def _key(self, job: ChapterJob, files: Iterable[str], shown: Iterable[str]) -> str:
        return digest(self.env, self.variant, job.path, job.line, job.inline,
                       [(rel, self._file(rel)) for rel in files],
                       [(rel, self._picture(rel)) for rel in shown])

    def lookup(self, job: ChapterJob) -> JobRecord | None:
        """The record of a chapter whose files are all as they were, or None."""
        record = self.index.jobs.get(_job_id(job, self.variant))
        if record is None or self._key(job, record.files, record.pictures) != record.key:
            return None
        return record

    def load(self, job: ChapterJob, record: JobRecord) -> tuple[Chapter, Any] | None:
        """The chapter and the caller's result as stored, or None if the entry is unusable."""
        body = read_frame(self._entry(record.key))
        try:
            key, chapter, result = self.entry_codec.loads(body)  # type: ignore[arg-type]
        except Exception:  # noqa: BLE001 - a damaged entry is recompiled
            return None
        if key != record.key or not isinstance(chapter, Chapter):
            return None
        return chapter, result

    def previous(self, job: ChapterJob) -> Any:
        """The caller's result as the chapter's last entry holds it, though its files changed
        since, or None: for parts of it that depend on less than the whole chapter (the same
        environment made it, or the index would not name it)."""
        record = self.index.jobs.get(_job_id(job, self.variant))
        found = self.load(job, record) if record is not None else None
        return found[1] if found is not None else None

    def store(self, job: ChapterJob, compiled: Compiled, summary: Any,
              before: str | None = None) -> JobRecord | None:
        """Record a freshly compiled chapter. `before` is the chapter file's digest taken
        before it was compiled: if the file changed since, nothing is stored."""
        chapter = compiled.chapter
        if chapter is None:
            return None  # unreadable: compiled again each time, so its error stays current
        files = ([] if job.inline is not None else [job.path]) + list(chapter.includes)
        files += [f for f in self.extra_files(job) if f not in files]
        self._digests.pop(job.path, None)
        if before is not None and self._file(job.path) != before:
            return None
        record = JobRecord(self._key(job, files, sorted(pictures(chapter))), tuple(files),
                           tuple(sorted(pictures(chapter))), summary, list(compiled.diagnostics))
        try:
            self._entry(record.key).parent.mkdir(parents=True, exist_ok=True)
            write_frame(self._entry(record.key),
                        self.entry_codec.dumps((record.key, self.kept(chapter), compiled.result)))
        except OSError:
            return None
        old = self.index.jobs.get(_job_id(job, self.variant))
        if old is not None and old.key != record.key:
            self._entry(old.key).unlink(missing_ok=True)
        self.index.jobs[_job_id(job, self.variant)] = record
        self.changed = True
        return record

    def digest_before(self, job: ChapterJob) -> str | None:
        if job.inline is not None:
            return None
        real = contained(self.repo, job.path, self.shared)
        return "outside" if real is None else file_digest(real)

    def forget_others(self, jobs: Iterable[ChapterJob]) -> None:
        """Drop the entries of this variant's chapters that no deck uses any more."""
        keep = {_job_id(j, self.variant) for j in jobs}
        for job_id in [k for k in self.index.jobs if k[3] == self.variant and k not in keep]:
            self._entry(self.index.jobs.pop(job_id).key).unlink(missing_ok=True)
            self.changed = True
        for real in [r for r in self.index.seen if r not in self._looked]:  # gone, or renamed
            del self.index.seen[real]
            self.changed = True

    @property
    def entry_codec(self) -> Codec:
        if self._entry_codec is None:
            self._entry_codec = Codec((*MODEL, *self._classes()))
        return self._entry_codec

    def _entry(self, key: str) -> Path:
        """An entry is named by its key: a new version is a new file, never one renamed over
        the last (see `_indexes`)."""
        return self.folder / "chapters" / key

    # -- outputs -------------------------------------------------------------------------

    def output(self, out: Path, deck: str, lang: str) -> OutputRecord | None:
        return self.index.outputs.get(str(out), {}).get((deck, lang))

    def set_output(self, out: Path, deck: str, lang: str, record: OutputRecord | None) -> None:
        by_deck = self.index.outputs.setdefault(str(out), {})
        if record is None:
            if by_deck.pop((deck, lang), None) is not None:
                self.changed = True
        elif by_deck.get((deck, lang)) != record:
            by_deck[(deck, lang)] = record
            self.changed = True

    def deck_key(self, deck_repr: str, lang: str, files: Iterable[str], keys: Iterable[str]) -> str:
        """What a deck in one language is made of: its manifest's deck, the files it reads
        itself (its catalog), and the keys of its chapters."""
        return digest(self.env, deck_repr, lang, [(f, self._file(f)) for f in files], list(keys))


def _stamp(name: str) -> tuple[int, str]:
    parts = name.split(".")
    return (int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else -1, name)


def written(path: Path) -> tuple[str, int, int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (str(path), st.st_size, st.st_mtime_ns, st.st_ino)


def prune(root: Path, keep: Path) -> None:
    """Remove the caches of repositories not built for KEEP_DAYS (moved, deleted, temporary)."""
    limit = time.time() - KEEP_DAYS * 86400
    try:
        folders = list(root.iterdir())
    except OSError:
        return
    for folder in folders:
        if folder == keep or not folder.is_dir():
            continue
        try:
            used = max([folder.stat().st_mtime] + [p.stat().st_mtime for p in folder.iterdir()
                                                   if p.name.startswith("index.")])
        except OSError:
            continue
        if used < limit:
            shutil.rmtree(folder, ignore_errors=True)
