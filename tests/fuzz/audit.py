"""Proof that a command reads nothing outside the repository: an audit hook (PEP 578) on every
file the Python process opens or lists while a command runs.

`sys.addaudithook` cannot be undone, so the hook is installed once per process and only looks at
events while a `Watch` is armed. What a run may open, and why:

- the course's repository: what it is about;
- the Python installation and the virtual environment (`sys.prefix`, `sys.base_prefix` and their
  exec twins): modules imported lazily, package data (Jinja templates of builder, kubernetes-
  validate's JSON schemas, Babel's locale data, tzdata's zones);
- builder's own package folder: with an editable install it lives in the checkout, not in the
  venv (templates, static files, the interface's catalogs, the kind config);
- the metadata folders of the installed distributions (`importlib.metadata`): looking up a
  package's version reads every distribution's metadata on `sys.path`, and an editable install
  keeps coursekit's (`coursekit.egg-info`) in the checkout;
- `$XDG_CACHE_HOME/coursekit`: kubectl's grammar learnt once (and mermaid's build, when cached);
  the build cache, wherever `COURSEKIT_BUILD_CACHE` puts it (the suite puts it in a temporary
  folder);
- the folders of `sys.path` themselves, listed but not read into: `labs check` keys its kept
  results by the installed distributions' names;
- the system's time zone database (`zoneinfo.TZPATH`): Babel loads the local zone when imported,
  and CronJob time zones are looked up there (tzdata's copy in the venv comes second);
- `/dev/null`: the standard input of the subprocesses the checks start (`bash -n`, kubectl);
- what the run itself creates in the temporary folder (`os.mkdir` or an exclusive `open` seen by
  the hook first): kubectl's empty HOME for asking about a flag, removed afterwards.

Nothing else: not the rest of the temporary folder (outputs go to `dist/` inside the repository,
through temporary files beside them), not the home folder, not the sibling folder of secrets.
Subprocesses (bash parsing a step, kubectl answering about a flag) are separate programs that read
only their standard input and their own empty HOME; the hook watches this process.
"""

from __future__ import annotations

import importlib.metadata
import os
import sys
import tempfile
import threading
import zoneinfo
from pathlib import Path

EVENTS = {"open", "os.listdir", "os.scandir", "glob.glob", "shutil.copyfile", "shutil.copytree",
          "os.chdir", "os.mkdir"}


class Watch:
    """Armed while a command runs: collects every path opened or listed outside `allowed`."""

    def __init__(self, allowed: list[Path]) -> None:
        self.allowed = [str(p.resolve()) for p in allowed]
        self.created: list[str] = []  # what the run made in the temporary folder
        self.listable = {os.path.realpath(p or ".") for p in sys.path}  # listed, not read into
        self.seen: list[tuple[str, str]] = []  # (event, path) outside what is allowed

    def check(self, event: str, path: str, creates: bool = False) -> None:
        real = os.path.realpath(path)
        if creates and os.path.dirname(real) == os.path.realpath(tempfile.gettempdir()):
            self.created.append(real)
            return
        if event in ("os.listdir", "os.scandir") and real in self.listable:
            return
        if not any(real == root or real.startswith(root.rstrip("/") + "/")
                   for root in self.allowed + self.created):
            self.seen.append((event, path))

    def __enter__(self) -> Watch:
        _install()
        _STATE.watch = self
        return self

    def __exit__(self, *exc: object) -> None:
        _STATE.watch = None


class _State(threading.local):
    watch: Watch | None = None


_STATE = _State()
_INSTALLED = False


def _hook(event: str, args: tuple) -> None:
    watch = _STATE.watch
    if watch is None or event not in EVENTS or not args:
        return
    target = args[0]
    if isinstance(target, int) or target is None:  # an open file descriptor, the current folder
        return
    try:
        path = os.fsdecode(target)
    except TypeError:
        return
    _STATE.watch = None  # realpath itself must not recurse into the hook
    try:
        creates = event == "os.mkdir" or (event == "open" and len(args) > 2 and isinstance(args[2], int)
                                          and args[2] & os.O_CREAT and args[2] & os.O_EXCL)
        watch.check(event, path if os.path.isabs(path) else os.path.join(os.getcwd(), path),
                    bool(creates))
        if event in ("shutil.copyfile", "shutil.copytree") and len(args) > 1:
            watch.check(event, os.fsdecode(args[1]))
    finally:
        _STATE.watch = watch


def _install() -> None:
    global _INSTALLED
    if not _INSTALLED:
        sys.addaudithook(_hook)
        _INSTALLED = True


def allowed_roots(repo: Path, cache: Path) -> list[Path]:
    """What a command on `repo` may open (see the module's docstring for why each)."""
    import builder
    from builder.cachefiles import cache_root

    prefixes = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix}
    metadata = {Path(str(d._path)) for d in importlib.metadata.distributions()  # type: ignore[attr-defined]
                if getattr(d, "_path", None) is not None}
    return [repo, *map(Path, prefixes), Path(builder.__file__).parent, *metadata,
            cache / "coursekit", cache_root(), *map(Path, zoneinfo.TZPATH), Path(os.devnull)]
