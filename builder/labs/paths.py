"""How lab commands spell the repository: `~/container.training/...`, `$HOME/...`, raw URLs.

The trainees' machines have the course checked out at the settings' prefix; a lab word under
that prefix (or under one of the forge's raw URLs of the repository) names a repository file,
which must exist. Pure apart from looking at the repository's files.
"""

from __future__ import annotations

import difflib
import glob
import re
from collections.abc import Iterable
from pathlib import Path

from builder.config import Settings
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

    def exists(self, rel: str) -> bool:
        return (self.repo / rel).exists()

    def did_you_mean(self, rel: str) -> str:
        parent = (self.repo / rel).parent
        if not parent.is_dir():
            return ""
        names = [p.name for p in parent.iterdir()]
        close = difflib.get_close_matches(Path(rel).name, names, n=1, cutoff=0.6)
        if not close:
            return ""
        return f" (did you mean {(Path(rel).parent / close[0]).as_posix()}?)"

    def expand(self, rel: str, recursive: bool) -> list[str]:
        """The manifest files `kubectl -f` reads for a repository path: a file, folder or glob."""
        target = self.repo / rel
        if is_pattern(rel):
            return sorted(Path(p).relative_to(self.repo).as_posix()
                          for p in glob.glob(str(target)) if p.endswith(MANIFEST_EXTS))
        if target.is_dir():
            pattern = "**/*" if recursive else "*"
            return sorted(p.relative_to(self.repo).as_posix() for p in target.glob(pattern)
                          if p.is_file() and p.suffix in MANIFEST_EXTS)
        return [rel]
