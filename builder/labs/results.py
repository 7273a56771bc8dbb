"""`labs check` results kept between runs, chapter by chapter: a check redoes only what changed.

A chapter's check is a function of the chapter and of nothing else but the environment
(`builder.labs.check`), so its result can be kept under a key made of:

- the environment: this cache's format, every Python file of coursekit (an edited checkout is a
  new version), the installed distributions (kubernetes-validate's schemas, bashlex, PyYAML),
  Python's version, the course settings, kubectl's version (its grammar and hidden flags), the
  target Kubernetes version, and the bash that judges syntax when bashlex cannot;
- the repository as the checks can see it: every path, and the size and modification time of
  every file but the chapters themselves (manifests, setup scripts, CRDs, decks...), so that any
  change to a file a lab may name rechecks the course; a file written in the last seconds counts
  by its content, since the clock's tick is coarser than two quick edits (git's "racy" files);
- the chapter: its labs and code blocks (its content, includes resolved);
- and, checked when the result is read, what the machine answered for it: the programs it
  asked `PATH` about (a near miss of a tool that turns out to be installed is no typo).

Editing a chapter rechecks that chapter alone; editing any other file rechecks every chapter.

Where: `$XDG_CACHE_HOME/coursekit/labs/<hash of the repository's path>.json`, never in the
repository (a check only reads a course). JSON, so a damaged or crafted file can only be
ignored: anything unexpected in it is a miss, and the chapter is checked again.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import pickle
import posixpath
import shutil
import sys
import time
from dataclasses import asdict, fields
from functools import cache
from pathlib import Path
from typing import Any

from builder.cachefiles import RACY_SECONDS, digest
from builder.course.cache import distributions
from builder.diagnostics import Diagnostic, Location
from builder.files import write_atomic
from builder.labs.check import ChapterCheck
from builder.labs.context import CheckEnv
from builder.labs.kubectl.cache import cache_dir_of
from builder.labs.kubectl.learn import FORMAT as GRAMMAR_FORMAT
from builder.labs.manifests import DocumentVerdict, Ledger
from builder.model import Chapter

FORMAT = 1
PACKAGE = Path(__file__).resolve().parent.parent
_SKIPPED = frozenset({".git", "node_modules", "__pycache__"})


@cache
def code_digest() -> str:
    """Every Python file of the coursekit package, by content."""
    h = hashlib.blake2b(digest_size=20)
    for path in sorted(PACKAGE.rglob("*.py")):
        h.update(path.relative_to(PACKAGE).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def _identity(program: str) -> str:
    found = shutil.which(program)
    if found is None:
        return "missing"
    try:
        st = os.stat(found)
    except OSError:
        return "unreadable"
    return f"{os.path.realpath(found)}:{st.st_size}:{st.st_mtime_ns}"


def repository_state(repo: Path, chapters: set[str], skip: Path | None = None) -> str:
    """Every path of the repository, with the size and time of each file that is not one of
    `chapters` (their content is in each chapter's key); symbolic links by their target."""
    h = hashlib.blake2b(digest_size=20)
    recent = time.time() - RACY_SECONDS
    stack = [repo]
    while stack:
        folder = stack.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            continue
        if any(e.name == "pyvenv.cfg" for e in entries):
            continue  # a Python virtual environment: no course file lives there
        for entry in entries:
            rel = os.path.relpath(entry.path, repo)
            try:
                if entry.is_symlink():
                    line = f"L {rel} {os.readlink(entry.path)}"
                elif entry.is_dir():
                    if entry.name not in _SKIPPED and (skip is None or Path(entry.path) != skip):
                        stack.append(Path(entry.path))
                    continue
                elif rel in chapters:
                    line = f"C {rel}"
                else:
                    st = entry.stat(follow_symlinks=False)
                    if st.st_mtime >= recent:  # it may change again within the clock's tick
                        line = f"R {rel} {_file_digest(entry.path)}"
                    else:
                        line = f"F {rel} {st.st_size} {st.st_mtime_ns}"
            except OSError:
                line = f"? {rel}"
            h.update(line.encode("utf-8", "surrogateescape") + b"\n")
    return h.hexdigest()


def _file_digest(path: str) -> str:
    with open(path, "rb") as f:
        return hashlib.file_digest(f, lambda: hashlib.blake2b(digest_size=20)).hexdigest()


def chapter_key(chapter: Chapter) -> str:
    """What the checks read of a chapter: its labs and code blocks, slide by slide (the lab,
    step and manifest tiers are given nothing else of it)."""
    shape = (chapter.path, chapter.line, len(chapter.slides),
             [(i, s.labs, s.code) for i, s in enumerate(chapter.slides) if s.labs or s.code])
    return digest(pickle.dumps(shape, protocol=5))


def cache_file(root: Path, repo: Path) -> Path:
    """The one file that keeps a repository's results."""
    return root / f"{digest(str(repo.resolve()))[:24]}.json"


class ResultCache:
    """The kept results of one repository; `get` before checking a chapter, `put` after, `save`
    at the end."""

    def __init__(self, env: CheckEnv, chapters: list[Chapter], folder: Path | None = None) -> None:
        self.env = env
        root = folder or cache_dir_of(None) / "labs"
        self.path = cache_file(root, env.repo)
        own = {c.path for c in chapters if not c.path.endswith((".yml", ".yaml"))}  # not decks
        own |= {posixpath.normpath(f) for c in chapters for f in c.includes}
        caches = cache_dir_of(None).resolve()  # caches kept in the repository are not part of it
        state = repository_state(env.repo, own, caches if caches.is_relative_to(env.repo) else None)
        self.key = digest(FORMAT, code_digest(), distributions(), sys.version,
                           asdict(env.settings), env.grammar.version, GRAMMAR_FORMAT,
                           env.schemas.version, _identity("bash"), state)
        self._old = self._read()
        self._new: dict[str, Any] = {}

    def _read(self) -> dict[str, Any]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        if not isinstance(data, dict) or data.get("key") != self.key:
            return {}
        chapters = data.get("chapters")
        return chapters if isinstance(chapters, dict) else {}

    def get(self, chapter: Chapter) -> ChapterCheck | None:
        name = f"{chapter.path}:{chapter.line}"
        record = self._old.get(name)
        try:
            if record["key"] != chapter_key(chapter):
                return None
            if any(shutil.which(program) != answer for program, answer in record["asked"]):
                return None
            result = _decode(record["result"])
        except Exception:  # noqa: BLE001 - anything a damaged or foreign file holds: checked again
            return None
        self._new[name] = record
        return result

    def put(self, chapter: Chapter, result: ChapterCheck, asked: list[tuple[str, str | None]]) -> None:
        """`asked`: what PATH said while the chapter was checked (`Programs.asked`)."""
        self._new[f"{chapter.path}:{chapter.line}"] = {
            "key": chapter_key(chapter), "asked": [list(a) for a in dict.fromkeys(asked)],
            "result": _encode(result)}

    def save(self) -> None:
        """Only the chapters of this check are kept; a cache that cannot be written is no cache."""
        if self._new == self._old:
            return
        with contextlib.suppress(OSError):
            write_atomic(self.path, json.dumps({"format": FORMAT, "key": self.key, "chapters": self._new},
                                               separators=(",", ":")))


# -- results as JSON ---------------------------------------------------------------------------


def _diagnostic(d: Diagnostic) -> list[Any]:
    return [d.path, d.line, d.severity, d.message, [[r.path, r.line, r.message] for r in d.related], d.check]


def _undiagnostic(x: list[Any]) -> Diagnostic:
    path, line, severity, message, related, check = x
    if severity not in ("error", "warning", "note") or not isinstance(message, str):
        raise ValueError("not a diagnostic")
    return Diagnostic(str(path), None if line is None else int(line), severity, message,
                      tuple(Location(str(p), None if n is None else int(n), str(m)) for p, n, m in related),
                      str(check))


def _encode(result: ChapterCheck) -> dict[str, Any]:
    ledger = result.ledger
    return {
        "diagnostics": [_diagnostic(d) for d in result.diagnostics],
        "commands": result.commands,
        "files": ledger.files,
        "here_documents": ledger.here_documents,
        "verdicts": [[None if key is None else [key[0], list(key[1])], asdict(v)]
                     for key, v in ledger.verdicts],
        "applied": [[list(key), [[lab.path, lab.line, lab.message] for lab in labs]]
                    for key, labs in ledger.applied.items()],
    }


def _decode(data: dict[str, Any]) -> ChapterCheck:
    names = {f.name for f in fields(DocumentVerdict)}
    ledger = Ledger(
        files={str(k): int(v) for k, v in data["files"].items()},
        here_documents=int(data["here_documents"]),
        verdicts=[(None if key is None else (str(key[0]), tuple(str(s) for s in key[1])),
                   DocumentVerdict(**{k: v for k, v in verdict.items() if k in names}))
                  for key, verdict in data["verdicts"]],
        applied={(str(p), None if n is None else int(n), str(m)):
                 [Location(str(a), None if b is None else int(b), str(c)) for a, b, c in labs]
                 for (p, n, m), labs in data["applied"]})
    return ChapterCheck([_undiagnostic(d) for d in data["diagnostics"]], ledger, int(data["commands"]))
