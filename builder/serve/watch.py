"""File events from watchdog, filtered and debounced into one rebuild per save.

Editors save in bursts: a temporary file, a rename over the original, a swap file, a backup.
Events are collected until the tree has been quiet for a moment, editor debris is dropped, and
the rebuild sees the set of real files that changed.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

QUIET_SECONDS = 0.03  # no new event for this long: the save is over
LONGEST_SECONDS = 0.5  # a stream of events never delays a rebuild more than this
IGNORED_DIRS = frozenset({".git", ".venv", "venv", "node_modules", "__pycache__", ".pytest_cache",
                          ".ruff_cache", "bench-out", ".mypy_cache", ".idea", ".vscode"})


def is_editor_debris(path: Path) -> bool:
    """Swap, backup and temporary files of common editors, never course sources."""
    name = path.name
    return (name.endswith(("~", ".swp", ".swo", ".swx", ".tmp", ".part", ".bak", ".orig",
                           ".crdownload"))
            or name.startswith((".#", "#")) or name == "4913" or "___jb_" in name
            or (name.startswith(".") and ".tmp" in name))


class _Handler(FileSystemEventHandler):
    def __init__(self, sink: queue.Queue[Path]) -> None:
        self.sink = sink

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed_no_write"):
            return
        for attr in ("src_path", "dest_path"):
            raw = getattr(event, attr, "")
            if raw:
                self.sink.put(Path(raw.decode() if isinstance(raw, bytes) else raw))


class Watcher:
    def __init__(self, root: Path, on_change: Callable[[set[Path]], None],
                 exclude: tuple[Path, ...] = ()) -> None:
        self.root = root.resolve()
        self.on_change = on_change
        self.exclude = tuple(p.resolve() for p in exclude)
        self._events: queue.Queue[Path] = queue.Queue()
        self._observer = Observer()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="coursekit-rebuild", daemon=True)

    def watch(self, folder: Path) -> None:
        if folder.is_dir():
            self._observer.schedule(_Handler(self._events), str(folder), recursive=True)

    def start(self) -> None:
        self._observer.start()
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._events.put(Path())
        self._observer.stop()
        self._observer.join(timeout=5)
        self._thread.join(timeout=5)

    def relevant(self, path: Path) -> bool:
        if not path.name or is_editor_debris(path):
            return False
        try:
            rel = path.resolve().relative_to(self.root)
        except ValueError:
            return True  # the package's own templates, watched from outside the course
        if any(part in IGNORED_DIRS for part in rel.parts):
            return False
        return not any(path.resolve().is_relative_to(p) for p in self.exclude)

    def _loop(self) -> None:
        while not self._stop.is_set():
            first = self._events.get()
            if self._stop.is_set():
                return
            batch = {first}
            started = time.monotonic()
            while time.monotonic() - started < LONGEST_SECONDS:
                try:
                    batch.add(self._events.get(timeout=QUIET_SECONDS))
                except queue.Empty:
                    break
            changed = {p for p in batch if self.relevant(p)}
            if changed:
                try:
                    self.on_change(changed)
                except Exception as exc:  # a bug must not kill the watcher: say it, keep going
                    print(f"coursekit serve: internal error while rebuilding: {exc!r}", flush=True)
