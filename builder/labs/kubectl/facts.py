"""kubectl's facts for one version, each learnt from kubectl the first time the grammar asks.

A course types a handful of kubectl's hundred commands, and each costs kubectl runs (its help,
the runs that tell which of its flags take no value). So a command is learnt when the grammar
first needs it, the runs of many commands side by side in a thread pool, and kept in the cache
(`store`) for every later run: a first check costs the commands its course uses, not the whole
tree. `prefetch` learns the commands a course seems to type before the grammar asks, so that
learning them can overlap other work (`builder.labs.ahead`).

Pool tasks never wait for each other (a task that needs a command's help is only started once it
is known): only the caller's thread and the prefetching thread wait.
"""

from __future__ import annotations

import contextlib
import tempfile
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from builder.labs.kubectl.learn import (
    FORMAT,
    learn_alias,
    learn_globals,
    learn_help,
    learn_optional,
    learning_env,
    with_values,
)
from builder.labs.kubectl.run import find_kubectl
from builder.labs.kubectl.store import Known, Words, read_known, write_known

WORKERS = 8  # kubectl runs at once: each is short and mostly starting up
DEPTH = 3  # kubectl's commands are at most this many words deep (`create secret generic`)
Lines = Callable[[], Iterable[tuple[str, ...]]]


class KubectlFacts:
    """What the grammar asks of kubectl (see `grammar.Facts`): read from the cache file at `path`
    when it is there, else learnt from kubectl and kept there by `save`."""

    def __init__(self, kubectl: str | None, version: str, path: Path) -> None:
        self.kubectl = kubectl
        self.version = version
        self.path = path
        self.known = read_known(path, version, FORMAT)
        self._lock = threading.Lock()
        self._futures: dict[tuple, Future[None]] = {}
        self._pool: ThreadPoolExecutor | None = None
        self._home: tempfile.TemporaryDirectory[str] | None = None
        self._env: dict[str, str] = {}
        self._lines: Lines | None = None
        self._guesser: threading.Thread | None = None
        self._dirty = False
        self._closed = False

    # -- what the grammar asks -------------------------------------------------------------------

    def globals(self) -> list[list]:
        """[long, short, takes a value] of each flag every command takes."""
        if self.known.globals is None or self.known.global_optional is None:
            self._wait(("globals",), self._learn_globals)
        return with_values(self.known.globals or [], self.known.global_optional or [])

    def command(self, path: Words) -> dict:
        """The help facts of the command at `path`, its flags as [long, short, takes a value]."""
        return self.commands([path])[0]

    def commands(self, paths: list[Words]) -> list[dict]:
        """`command` of each path, learnt side by side."""
        helps = self.helps(paths)
        futures = [self._ask(("optional", path), lambda path=path: self._learn_optional(path))
                   for path in paths if path not in self.known.optional]
        for future in futures:
            future.result()
        return [{**help_, "flags": with_values(help_["flags"], self.known.optional[path])}
                for path, help_ in zip(paths, helps, strict=True)]

    def helps(self, paths: list[Words]) -> list[dict]:
        """The help facts of these commands (flags as [long, short, default]), learnt side by side."""
        futures = [self._ask(("help", path), lambda path=path: self._learn_help(path))
                   for path in paths if path not in self.known.helps]
        for future in futures:
            future.result()
        return [self.known.helps[path] for path in paths]

    def alias(self, path: Words, word: str) -> str | None:
        """The name of the sub-command of `path` that `word` is an alias of, if any: read from the
        sub-commands' helps when they are all known, else asked of kubectl."""
        names = self.helps([path])[0]["subcommands"]
        if all((*path, name) in self.known.helps for name in names):
            return next((name for name in names if word in self.known.helps[(*path, name)]["aliases"]), None)
        if word not in self.known.aliases.get(path, {}):
            self._wait(("alias", path, word), lambda: self._learn_alias(path, word))
        return self.known.aliases[path][word]

    def every_help(self) -> dict[Words, dict]:
        """Every command's help facts: the whole tree, one level at a time."""
        found: dict[Words, dict] = {}
        level: list[Words] = [()]
        while level:
            found.update(zip(level, self.helps(level), strict=True))
            level = [(*path, name) for path in level for name in found[path]["subcommands"]]
        return found

    # -- learning ahead --------------------------------------------------------------------------

    def start(self) -> None:
        """Start on what every check needs: the global flags and the root command."""
        if self.known.globals is None or self.known.global_optional is None:
            self._ask(("globals",), self._learn_globals)
        if () not in self.known.helps:
            self._ask(("help", ()), lambda: self._learn_help(()))

    @property
    def started(self) -> bool:
        """Whether the cache holds what every check needs (`start`)."""
        return self.known.globals is not None and self.known.global_optional is not None \
            and () in self.known.helps

    def prefetch(self, lines: Iterable[tuple[str, ...]]) -> None:
        """Learn the global flags and the commands these lines (the words after `kubectl`) seem to
        name, side by side; returns once they are learnt, raising what kubectl said if it failed."""
        self.start()
        self._walk(lines)
        for future in list(self._futures.values()):
            future.result()

    def defer(self, lines: Lines) -> None:
        """`prefetch(lines())` in a thread of its own, started by the first fact the cache lacks."""
        self._lines = lines

    def _prefetch(self) -> None:
        lines, self._lines = self._lines, None
        if lines is not None:
            self._guesser = threading.Thread(target=self._guess, args=(lines,), daemon=True)
            self._guesser.start()

    def _guess(self, lines: Lines) -> None:
        with contextlib.suppress(Exception):  # a guess: what it could not learn is learnt when asked
            self._walk(lines())

    def _walk(self, lines: Iterable[tuple[str, ...]]) -> None:
        """Level by level: at the root, a line's first word that names a command; below, the word
        right after. A word that names no command is only skipped: it is a guess."""
        level: dict[Words, set[tuple[str, ...]]] = {(): set(map(tuple, lines))}
        while level and not self._closed:
            following: dict[Words, set[tuple[str, ...]]] = {}
            for path, rests in level.items():
                names = set(self.helps([path])[0]["subcommands"])
                if path not in self.known.optional:
                    self._ask(("optional", path), lambda path=path: self._learn_optional(path))
                for rest in rests if len(path) < DEPTH else ():
                    at = (0 if rest and rest[0] in names else None) if path else \
                        next((i for i, word in enumerate(rest) if word in names), None)
                    if at is not None:
                        following.setdefault((*path, rest[at]), set()).add(rest[at + 1:])
            for path in following:
                if path not in self.known.helps:
                    self._ask(("help", path), lambda path=path: self._learn_help(path))
            level = following

    # -- the runs --------------------------------------------------------------------------------

    def _learn_globals(self) -> None:
        env = self._environment()
        flags = self.known.globals if self.known.globals is not None else learn_globals(self._kubectl(), env)
        optional = learn_optional(self._kubectl(), env, ("options",), flags, self._suspects())
        with self._lock:
            self.known.globals, self.known.global_optional = flags, optional
            self._dirty = True

    def _learn_help(self, path: Words) -> None:
        if path not in self.known.helps:
            facts = learn_help(self._kubectl(), self._environment(), path)
            with self._lock:
                self.known.helps.setdefault(path, facts)
                self._dirty = True

    def _learn_optional(self, path: Words) -> None:
        """Which of its flags take no value (its help is known: tasks never wait for each other)."""
        optional = learn_optional(self._kubectl(), self._environment(), path, self.known.helps[path]["flags"],
                                  self._suspects())
        with self._lock:
            self.known.optional[path] = optional
            self._dirty = True

    def _suspects(self) -> set[str]:
        """Flags found optional so far: asked last, they cost fewer runs (the answer is the same)."""
        with self._lock:
            return set(self.known.global_optional or ()).union(*self.known.optional.values())

    def _learn_alias(self, path: Words, word: str) -> None:
        """(Its help is known: the grammar has the command whose sub-commands it looks up.)"""
        names = self.known.helps[path]["subcommands"]
        found = learn_alias(self._kubectl(), self._environment(), path, names, word) if names else None
        with self._lock:
            self.known.aliases.setdefault(path, {})[word] = found[0] if found else None
            if found:
                self.known.helps.setdefault((*path, found[0]), found[1])
            self._dirty = True

    # -- the pool --------------------------------------------------------------------------------

    def _ask(self, key: tuple, learn: Callable[[], None]) -> Future[None]:
        """The task learning `key`, started unless it is under way (or done) already; the first the
        caller's thread starts also starts the `defer`red guess."""
        with self._lock:
            future = self._futures.get(key)
            if future is None:
                future = self._futures[key] = self._executor().submit(learn)
                start = self._lines is not None and threading.current_thread() is threading.main_thread()
            else:
                start = False
        if start:
            self._prefetch()
        return future

    def _wait(self, key: tuple, learn: Callable[[], None]) -> None:
        self._ask(key, learn).result()

    def _executor(self) -> ThreadPoolExecutor:
        if self._closed:
            raise RuntimeError("kubectl facts closed")
        if self._pool is None:
            self._home = tempfile.TemporaryDirectory(prefix="coursekit-kubectl-")
            self._env = learning_env(Path(self._home.name))
            self._pool = ThreadPoolExecutor(WORKERS, thread_name_prefix="kubectl")
        return self._pool

    def _environment(self) -> dict[str, str]:
        return self._env

    def _kubectl(self) -> str:
        if self.kubectl is None:
            self.kubectl = find_kubectl()
        return self.kubectl

    def save(self) -> None:
        """What was learnt, added to the cache file (nothing is written when nothing was)."""
        with self._lock:
            if not self._dirty:
                return
            self._dirty = False
            known = _copy(self.known)
        write_known(self.path, self.version, FORMAT, known)

    # -- across worker processes (see `builder.labs.check.Learner`) ------------------------------

    def quiesce(self) -> None:
        """Before a fork, and in a worker before it reports: the guess under way and the pool's
        runs finished, the pool ended and its temporary home removed. A forked copy of a thread
        does not run, and a worker process ends without cleaning up. A later question starts
        another pool; a guess not started yet is left to the first worker that lacks a fact."""
        guesser, self._guesser = self._guesser, None
        if guesser is not None:
            guesser.join()
        with self._lock:
            pool, self._pool = self._pool, None
            home, self._home = self._home, None
        if pool is not None:
            pool.shutdown(wait=True)
        if home is not None:
            home.cleanup()

    def learnt(self) -> Known | None:
        """In a worker: everything known, when something was learnt since it last said."""
        with self._lock:
            if not self._dirty:
                return None
            self._dirty = False
            return _copy(self.known)

    def adopt(self, learnt: object) -> None:
        """What a worker knew, added to what is known here (to be kept by `save`)."""
        if not isinstance(learnt, Known):
            return
        with self._lock:
            mine = self.known
            if mine.globals is None or mine.global_optional is None:
                mine.globals, mine.global_optional = learnt.globals, learnt.global_optional
            for table, theirs in ((mine.helps, learnt.helps), (mine.optional, learnt.optional)):
                for path, facts in theirs.items():
                    table.setdefault(path, facts)
            for path, words in learnt.aliases.items():
                for word, name in words.items():
                    mine.aliases.setdefault(path, {}).setdefault(word, name)
            self._dirty = True

    def close(self) -> None:
        """Ends the pool (tasks not started are dropped; kubectl runs end within a second)."""
        with self._lock:
            self._closed = True
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
        if self._home is not None:
            self._home.cleanup()
            self._home = None


def _copy(known: Known) -> Known:
    """A copy whose tables the pool's threads do not add to."""
    return Known(known.globals, known.global_optional, dict(known.helps), dict(known.optional),
                 {path: dict(words) for path, words in known.aliases.items()})
