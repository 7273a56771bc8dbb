"""The dev server: the build folder over HTTP on loopback, plus Server-Sent Events.

Only files under the build folder are ever served: `..` in any spelling, absolute paths and
links that lead out of it get 404. Deck pages get the live-reload script injected on the way
out, so the files on disk stay exactly what `coursekit build` makes.
"""

from __future__ import annotations

import json
import mimetypes
import posixpath
import queue
import threading
import time
from functools import cache
from html import escape
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from urllib.parse import unquote, urlsplit

from builder.diagnostics import Diagnostic
from builder.serve.state import Outcome, Workspace

KEEPALIVE_SECONDS = 15.0


@cache
def live_script() -> str:
    return resources.files("builder.render").joinpath("static", "live.js").read_text("utf-8")


def error_payload(found: list[Diagnostic]) -> dict:
    """Errors (shown over the page) and warnings (shown discreetly), as pages receive them."""
    def row(d: Diagnostic) -> dict:
        return {"where": f"{d.path}:{d.line}" if d.line else d.path, "path": d.path,
                "line": d.line, "message": d.message, "severity": d.severity}
    return {"errors": [row(d) for d in found if d.is_error],
            "warnings": [row(d) for d in found if d.severity == "warning"]}


class Hub:
    """Fans events out to every connected page."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._clients: set[queue.Queue[tuple[str, str]]] = set()

    def subscribe(self) -> queue.Queue[tuple[str, str]]:
        q: queue.Queue[tuple[str, str]] = queue.Queue()
        with self._lock:
            self._clients.add(q)
        return q

    def unsubscribe(self, q: queue.Queue[tuple[str, str]]) -> None:
        with self._lock:
            self._clients.discard(q)

    def publish(self, event: str, data: dict) -> None:
        payload = json.dumps(data)
        with self._lock:
            clients = list(self._clients)
        for q in clients:
            q.put((event, payload))

    @property
    def clients(self) -> int:
        with self._lock:
            return len(self._clients)


class DevServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, workspace: Workspace, host: str, port: int) -> None:
        self.workspace = workspace
        self.root = workspace.out.resolve()
        self.hub = Hub()
        self.closing = threading.Event()
        super().__init__((host, port), _Handler)

    def announce(self, outcome: Outcome) -> None:
        """Tell pages what a rebuild did: show these errors, reload these decks (a deck without
        errors is rebuilt even while another one is broken), and the warnings that remain."""
        payload = error_payload(outcome.diagnostics)
        warnings = {"warnings": payload["warnings"]} if payload["warnings"] else {}
        if outcome.errors:
            self.hub.publish("builderror", payload)
        if outcome.decks:  # `broken`: other decks still have errors, keep their overlay
            broken = {"broken": True} if outcome.errors else {}
            self.hub.publish("reload", {"decks": outcome.decks, **warnings, **broken})
        elif not outcome.errors:
            self.hub.publish("fixed", warnings)

    def resolve(self, url_path: str) -> Path | None:
        """The file a URL names inside the build folder, or None: nothing outside is served."""
        raw = unquote(url_path)
        if "\x00" in raw or "\\" in raw:
            return None
        parts = [p for p in raw.split("/") if p not in ("", ".")]
        if any(p == ".." for p in parts):
            return None
        normal = posixpath.normpath("/" + "/".join(parts)).lstrip("/")
        target = (self.root / normal) if normal not in ("", ".") else self.root
        try:
            real = target.resolve(strict=True)
        except (FileNotFoundError, RuntimeError, OSError):
            return None
        if real != self.root and not real.is_relative_to(self.root):
            return None  # a link leading out of the build folder
        return real


class _Handler(BaseHTTPRequestHandler):
    server: DevServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:  # one line per rebuild is enough
        pass

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        if path == "/events":
            self._events()
            return
        target = self.server.resolve(path)
        if target is None:
            self._send(HTTPStatus.NOT_FOUND, b"not found\n", "text/plain; charset=utf-8")
        elif target.is_dir():
            self._index(target, path)
        else:
            self._file(target)

    def do_HEAD(self) -> None:
        self.do_GET()

    def _send(self, status: HTTPStatus, body: bytes, ctype: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _file(self, target: Path) -> None:
        try:
            body = target.read_bytes()
        except OSError:
            self._send(HTTPStatus.NOT_FOUND, b"not found\n", "text/plain; charset=utf-8")
            return
        ctype = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if target.suffix == ".html":
            html = body.decode("utf-8", errors="replace")
            script = f"<script>\n{live_script()}</script>\n"
            at = html.rfind("</body>")
            html = html[:at] + script + html[at:] if at >= 0 else html + script
            body, ctype = html.encode("utf-8"), "text/html; charset=utf-8"
        elif ctype.startswith("text/"):
            ctype += "; charset=utf-8"
        self._send(HTTPStatus.OK, body, ctype)

    def _index(self, folder: Path, url: str) -> None:
        if not url.endswith("/"):
            self.send_response(HTTPStatus.MOVED_PERMANENTLY)
            self.send_header("Location", url + "/")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        decks = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.html"))
        items = "".join(f'<li><a href="{escape(d)}">{escape(d)}</a></li>' for d in decks)
        page = (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>coursekit serve'
                f"</title></head><body><h1>Decks</h1><ul>{items}</ul></body></html>")
        self._send(HTTPStatus.OK, page.encode(), "text/html; charset=utf-8")

    def _events(self) -> None:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Connection", "keep-alive")
        self.end_headers()
        q = self.server.hub.subscribe()
        try:
            self.wfile.write(b"retry: 500\n\n")
            found = self.server.workspace.diagnostics
            if any(d.is_error for d in found):  # a page opened while the course is broken
                q.put(("builderror", json.dumps(error_payload(found))))
            elif any(d.severity == "warning" for d in found):
                q.put(("warnings", json.dumps(error_payload(found))))
            self.wfile.flush()
            last = time.monotonic()
            while not self.server.closing.is_set():
                try:
                    event, data = q.get(timeout=1.0)
                except queue.Empty:
                    if time.monotonic() - last > KEEPALIVE_SECONDS:
                        self.wfile.write(b": keep-alive\n\n")
                        self.wfile.flush()
                        last = time.monotonic()
                    continue
                self.wfile.write(f"event: {event}\ndata: {data}\n\n".encode())
                self.wfile.flush()
                last = time.monotonic()
        except (BrokenPipeError, ConnectionResetError, OSError):
            pass
        finally:
            self.server.hub.unsubscribe(q)
            self.close_connection = True
