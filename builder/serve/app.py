"""`coursekit serve` wired together: first build, watcher, server, one terminal line per rebuild."""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path

from builder.serve.server import DevServer
from builder.serve.state import TEMPLATE_DIRS, Outcome, Workspace
from builder.serve.watch import Watcher

POLL_SECONDS = 0.1  # how soon the server loop notices it must stop


class Serve:
    def __init__(self, repo: Path, out: Path, host: str = "127.0.0.1", port: int = 8000,
                 langs: tuple[str, ...] = ("en",), manifests: list[Path] | None = None,
                 log=None) -> None:
        self.workspace = Workspace(repo, out, langs, manifests)
        self.log = log or (lambda line: print(line, file=sys.stderr, flush=True))
        self._lock = threading.Lock()
        self.server = DevServer(self.workspace, host, port)  # a busy port fails before building
        self.workspace.parallel = True  # no other thread yet: the first build may use all cores
        self.report(self.workspace.full(), first=True)
        self.workspace.parallel = False
        self.watcher = Watcher(repo, self.rebuild, exclude=(self.workspace.out,))
        self.watcher.watch(self.workspace.repo)
        for folder in TEMPLATE_DIRS:
            self.watcher.watch(folder)
        self._thread = threading.Thread(target=self.server.serve_forever, name="coursekit-http",
                                        kwargs={"poll_interval": POLL_SECONDS}, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/"

    def start(self) -> None:
        self.watcher.start()
        self._thread.start()

    def stop(self) -> None:
        self.server.closing.set()
        if self._thread.is_alive():  # started: the watcher and the server loop run
            self.watcher.stop()
            self.server.shutdown()
        self.server.server_close()

    def rebuild(self, paths: set[Path]) -> Outcome:
        with self._lock:
            before = list(self.workspace.errors)
            outcome = self.workspace.changed(paths)
        if outcome.decks or outcome.errors or before:
            self.report(outcome, first=False)
            self.server.announce(outcome)
        return outcome

    def report(self, outcome: Outcome, first: bool) -> None:
        stamp = time.strftime("%H:%M:%S")
        ms = f"{outcome.seconds * 1000:.0f} ms"
        if first:
            for warning in outcome.warnings:
                self.log(f"[{stamp}] {warning}")
        if outcome.errors:
            for error in outcome.errors:
                self.log(f"[{stamp}] error: {error}")
            rebuilt = f"rebuilt {', '.join(outcome.decks)}; " if outcome.decks else ""
            self.log(f"[{stamp}] build failed in {ms}; {rebuilt}serving the last good output "
                     "of the decks with errors")
        elif first:
            self.log(f"[{stamp}] built {len(outcome.decks)} deck(s) in {ms}")
        else:
            what = ", ".join(sorted(set(outcome.chapters))) or "manifest"
            self.log(f"[{stamp}] rebuilt {', '.join(outcome.decks) or 'nothing'} "
                     f"({what}) in {ms}")

    def serve_forever(self) -> None:
        self.start()
        self.log(f"serving {self.workspace.out} at {self.url} (Ctrl-C to stop)")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
        finally:
            self.stop()
