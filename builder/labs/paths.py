"""How lab commands spell the repository: `~/container.training/...`, `$HOME/...`, raw URLs.

The trainees' machines have the course checked out at the settings' prefix; a lab word under
that prefix (or under one of the forge's raw URLs of the repository) names a repository file,
which must exist. Pure apart from looking at the repository's files.

A word under the prefix may still lead out (`~/container.training/../../etc/passwd`, a link in
the repository): `real` says where each path really leads (builder/files.py `contained`), and
nothing outside the repository is read, listed or even looked up, so that a check's findings
never depend on what lies outside.
"""

from __future__ import annotations

import difflib
import fnmatch
import os
import posixpath
import re
from collections.abc import Iterable
from pathlib import Path

from builder.config import Settings
from builder.files import contained
from builder.model import Deck

MANIFEST_EXTS = (".yaml", ".yml", ".json")
# `~/x/y.yaml` in a word, without the shell's punctuation around it (`$(cat ~/x)`, `-v ~/x:/y`)
_HOME_WORD = re.compile(r"(?:~|\$HOME|\$\{HOME\})/[^\s'\"()<>|;&`]+")
_GITHUB = re.compile(r"(?:https?://)?github\.com/([^/]+/[^/]+?)(?:\.git)?$")


def is_pattern(path: str) -> bool:
    return any(ch in path for ch in "*?[")


class RepoPaths:
    """Every spelling of the repository root in lab commands, and what a word under it names."""

    def __init__(self, repo: Path, settings: Settings, decks: Iterable[Deck] = ()) -> None:
        self.repo = repo
        self.shared = settings.shared_folders
        self.prefix = settings.prefix
        self.prefix_dir = settings.prefix.rsplit("/", 1)[-1]
        home_forms = [settings.prefix]
        if settings.prefix.startswith("~/"):
            rest = settings.prefix[2:]
            home_forms += [f"$HOME/{rest}", f"${{HOME}}/{rest}"]
        prefixes = [(p.rstrip("/") + "/", False) for p in home_forms]
        prefixes += [(u.rstrip("/") + "/", False) for u in settings.raw_urls]
        for deck in decks:
            m = _GITHUB.match(deck.strings.get("GITREPO", "").strip().strip("/"))
            if m:
                prefixes.append((f"https://raw.githubusercontent.com/{m.group(1)}/", True))
                prefixes.append((f"https://github.com/{m.group(1)}/raw/", True))
        self.prefixes: list[tuple[str, bool]] = list(dict.fromkeys(prefixes))  # (prefix, branch follows)
        self._real: dict[str, Path | None] = {}

    def repo_path(self, word: str) -> str | None:
        """The repository path a lab word means, or None if it is not inside the checkout."""
        for prefix, branch_follows in self.prefixes:
            if word == prefix.rstrip("/"):
                return "."
            if word.startswith(prefix):
                rest = word[len(prefix):].split("?")[0].split("#")[0]
                if branch_follows:  # raw URLs of the forge: <prefix><branch>/<path>
                    rest = rest.split("/", 1)[1] if "/" in rest else ""
                return rest or "."
        return None

    def home_words(self, word: str) -> list[str]:
        """`~/...`-style paths inside a word (`--from-file=~/container.training/x`); a docker
        volume's `host:container` gives its host side."""
        return [found.split(":/")[0] for found in _HOME_WORD.findall(word)]

    def near_prefix(self, candidate: str) -> str | None:
        """`~/container-training/k8s/x.yaml` -> the spelling it was surely meant to be."""
        top = candidate.split("/", 2)[1] if candidate.count("/") >= 1 else ""
        if top == self.prefix_dir or not top:
            return None
        if difflib.SequenceMatcher(None, top, self.prefix_dir).ratio() < 0.8:
            return None
        return self.prefix + candidate[len(candidate.split("/")[0]) + 1 + len(top):]

    def real(self, rel: str) -> Path | None:
        """Where a repository path really leads, or None when that is outside the repository: once
        per path (a check reads the repository as it is when it starts; labs ask the same few
        paths thousands of times)."""
        if rel not in self._real:
            self._real[rel] = contained(self.repo, rel, self.shared)
        return self._real[rel]

    def outside(self, rel: str) -> bool:
        return self.real(rel) is None

    def exists(self, rel: str) -> bool:
        real = self.real(rel)
        return real is not None and real.exists()

    def did_you_mean(self, rel: str) -> str:
        parent = self.real(posixpath.dirname(posixpath.normpath(rel)) or ".")
        if parent is None or not parent.is_dir():
            return ""
        names = [p.name for p in parent.iterdir()]
        close = difflib.get_close_matches(Path(rel).name, names, n=1, cutoff=0.6)
        if not close:
            return ""
        return f" (did you mean {(Path(rel).parent / close[0]).as_posix()}?)"

    def expand(self, rel: str, recursive: bool) -> list[str]:
        """The manifest files `kubectl -f` reads for a repository path: a file, folder or glob.
        Folders and globs are listed only inside the repository; a link out among their entries
        is named (the caller refuses it), never followed."""
        if self.outside(rel):
            return [rel]
        if is_pattern(rel):
            return sorted(m for m in self._glob(posixpath.normpath(rel)) if m.endswith(MANIFEST_EXTS))
        real = self.real(rel)
        if real is not None and real.is_dir():
            return sorted(self._folder(rel.rstrip("/") or ".", recursive))
        return [rel]

    def _entries(self, rel: str) -> list[os.DirEntry]:
        real = self.real(rel)
        if real is None:
            return []
        try:
            with os.scandir(real) as it:
                return sorted(it, key=lambda e: e.name)
        except OSError:
            return []

    def _folder(self, rel: str, recursive: bool) -> Iterable[str]:
        for entry in self._entries(rel):
            path = posixpath.normpath(posixpath.join(rel, entry.name))
            if entry.is_symlink():  # named, not followed: the caller judges where it leads
                if entry.name.endswith(MANIFEST_EXTS):
                    yield path
            elif entry.is_dir(follow_symlinks=False):
                if recursive:
                    yield from self._folder(path, recursive)
            elif entry.name.endswith(MANIFEST_EXTS):
                yield path

    def _glob(self, pattern: str) -> list[str]:
        """The shell's glob, one folder at a time, each folder inside the repository."""
        found = [""]
        parts = [p for p in pattern.split("/") if p not in ("", ".")]
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            following: list[str] = []
            for folder in found:
                if not is_pattern(part):
                    following.append(posixpath.join(folder, part))
                    continue
                for entry in self._entries(folder or "."):
                    hidden = entry.name.startswith(".") and not part.startswith(".")
                    descends = last or entry.is_symlink() or entry.is_dir(follow_symlinks=False)
                    if descends and not hidden and fnmatch.fnmatchcase(entry.name, part):
                        following.append(posixpath.join(folder, entry.name))
            found = following
        return [m for m in found if self.outside(m) or self.exists(m)]
