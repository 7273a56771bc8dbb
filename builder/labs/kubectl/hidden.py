"""Flags kubectl accepts but hides from its help, learnt by asking kubectl itself.

kubectl hides deprecated flags (`kubectl scale --record`) from `--help` yet still accepts them.
Help cannot list them, so when a course uses a flag the grammar does not know, kubectl is asked
about that one flag, isolated from any cluster, with `--help` on the line so nothing runs:
`kubectl scale --help --record` prints help (and "Flag --record has been deprecated") when the
flag exists, and "unknown flag" when it does not. Answers are cached per kubectl version, so a
course costs a few kubectl runs once, and none on a warm check.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from builder.diagnostics import CourseError
from builder.labs.kubectl.run import isolated_env, run
from builder.labs.kubectl.store import cache_file, read_json, write_json

_DEPRECATED = re.compile(r"Flag (?:shorthand )?-{1,2}\S+ has been deprecated, (.*)")
_NEEDS_VALUE = re.compile(r"flag needs an argument")
_VALUES = ("", "0", "0s", "x")  # tried in turn on a flag that needs a value, until one is taken


@dataclass(frozen=True, slots=True)
class HiddenFlag:
    """A flag kubectl accepts for a command although its help does not show it."""

    takes_value: bool
    deprecated: str | None  # kubectl's own deprecation message, when it gives one


class HiddenFlags:
    """`lookup(path, flag)`: the hidden flag `--name` (or `-x`) of the command at `path`, or None.

    Asks kubectl once per (command, flag) ever, then answers from the cache."""

    def __init__(self, kubectl: str | None, version: str, cache_dir: Path | None = None) -> None:
        self.kubectl = kubectl
        self.path = cache_file(cache_dir, version, "hidden")
        self._known: dict[str, list | None] = read_json(self.path) or {}
        self._dirty = False

    def lookup(self, path: tuple[str, ...], flag: str) -> HiddenFlag | None:
        key = " ".join((*path, flag))
        if key not in self._known:
            if self.kubectl is None:
                return None  # nobody to ask: the flag stays unknown
            try:
                found = probe(self.kubectl, path, flag)
            except CourseError:
                return None
            self._known[key] = None if found is None else [found.takes_value, found.deprecated]
            self._dirty = True
        known = self._known[key]
        return None if known is None else HiddenFlag(bool(known[0]), known[1])

    # -- across worker processes (see `builder.labs.check.Learner`) ------------------------------

    def quiesce(self) -> None:
        """Nothing to do: it runs kubectl in the caller's thread."""

    def learnt(self) -> dict[str, list | None] | None:
        """In a worker: what it knows, when it asked kubectl something since it last said."""
        if not self._dirty:
            return None
        self._dirty = False
        return dict(self._known)

    def adopt(self, learnt: object) -> None:
        if isinstance(learnt, dict):
            for key, known in learnt.items():
                if key not in self._known:
                    self._known[key] = known
                    self._dirty = True

    def save(self) -> None:
        if self._dirty:
            write_json(self.path, self._known)
            self._dirty = False


def probe(kubectl: str, path: tuple[str, ...], flag: str) -> HiddenFlag | None:
    """Ask kubectl whether `flag` exists for the command at `path`, and what it says of it."""
    with tempfile.TemporaryDirectory(prefix="coursekit-kubectl-") as home:
        env = isolated_env(Path(home))
        done = run(kubectl, [*path, "--help", flag], env)
        if done.returncode == 0:
            return HiddenFlag(False, _deprecation(done.stderr))
        if not _NEEDS_VALUE.search(done.stderr):
            return None  # unknown, or kubectl refuses it: not a hidden flag
        spelling = flag + ("=" if flag.startswith("--") else "")
        for value in _VALUES:
            done = run(kubectl, [*path, "--help", spelling + value], env)
            if done.returncode == 0:
                return HiddenFlag(True, _deprecation(done.stderr))
    return HiddenFlag(True, None)  # it needs a value none of ours satisfies: it exists all the same


def _deprecation(stderr: str) -> str | None:
    m = _DEPRECATED.search(stderr)
    return m.group(1).strip() if m else None
