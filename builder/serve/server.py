"""The dev server: the build folder over HTTP on loopback, plus Server-Sent Events.

Only files under the build folder are ever served: `..` in any spelling, absolute paths and
links that lead out of it get 404. Deck pages get the live-reload script injected on the way
out, so the files on disk stay exactly what `coursekit build` makes.

A page on another site must not read the decks or the event stream: with DNS rebinding its own
name resolves to 127.0.0.1, so requests whose Host header names anything but loopback (or the
`--host` given) are refused with 421. Clients that vanish mid-answer are no error, HEAD never
streams, and a request's line and headers must arrive within REQUEST_SECONDS, however slowly
they drip in, so a stalled client cannot hold a thread.
"""

from __future__ import annotations

import contextlib
import ipaddress
import json
import mimetypes
import posixpath
import queue
import socket
import sys
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
REQUEST_SECONDS = 10.0  # for a request's line and headers to arrive, in all
WRITE_SECONDS = 60.0  # for a client to take what is sent to it
LISTEN_BACKLOG = 128  # connections the kernel queues while every thread is busy accepting
DISCONNECTS = (BrokenPipeError, ConnectionResetError, ConnectionAbortedError, TimeoutError)
LOOPBACK_NAMES = frozenset({"localhost"})
WILDCARDS = frozenset({"", "0.0.0.0", "::"})


def _split_host(value: str) -> str | None:
    """The name in a Host header (`name`, `name:port`, `[v6]`, `[v6]:port`), lower case; None
    when it is malformed."""
    value = value.strip().lower()
    if value.startswith("["):
        name, bracket, port = value[1:].partition("]")
        if not bracket or (port and not (port[0] == ":" and port[1:].isdigit())):
            return None
        return name
    name, colon, port = value.partition(":")
    if colon and not port.isdigit():
        return None
    return name or None


def _ip(name: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(name)
    except ValueError:
        return None


def host_allowed(header: str | None, served_as: str) -> bool:
    """Whether a request naming `header` as its Host may be answered by a server bound to
    `served_as` (the `--host`): loopback names and addresses, or that host itself. Bound to every
    interface, any IP address is accepted too: an address, unlike a name, cannot be rebound."""
    if header is None:
        return True  # not a browser: every browser sends Host
    name = _split_host(header)
    if name is None:
        return False
    ip = _ip(name)
    if name in LOOPBACK_NAMES or (ip is not None and ip.is_loopback):
        return True
    if served_as.lower() in WILDCARDS:
        return ip is not None
    wanted = _ip(served_as)
    return ip == wanted if ip is not None and wanted is not None else name == served_as.lower()


class Deadlines:
    """Hangs up on connections whose request did not arrive in time: a per-read timeout alone
    lets a client that sends one byte now and then hold its thread forever."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._due: dict[socket.socket, float] = {}
        self._wake = threading.Event()
        self._closed = False
        self._thread = threading.Thread(target=self._loop, name="coursekit-deadlines", daemon=True)
        self._thread.start()

    def arm(self, conn: socket.socket, seconds: float) -> None:
        with self._lock:
            self._due[conn] = time.monotonic() + seconds
        self._wake.set()

    def disarm(self, conn: socket.socket) -> None:
        with self._lock:
            self._due.pop(conn, None)

    def close(self) -> None:
        self._closed = True
        self._wake.set()

    def _loop(self) -> None:
        while not self._closed:
            with self._lock:
                now = time.monotonic()
                late = [c for c, due in self._due.items() if due <= now]
                for conn in late:
                    del self._due[conn]
                soonest = min(self._due.values(), default=now + 3600) - now
            for conn in late:
                with contextlib.suppress(OSError):
                    conn.shutdown(socket.SHUT_RDWR)  # the handler's read returns, its thread ends
            self._wake.wait(timeout=max(0.05, min(soonest, 1.0)))
            self._wake.clear()


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
    request_queue_size = LISTEN_BACKLOG

    def __init__(self, workspace: Workspace, host: str, port: int) -> None:
        self.workspace = workspace
        self.root = workspace.out.resolve()
        self.hub = Hub()
        self.closing = threading.Event()
        self.host = host
        self.request_seconds = REQUEST_SECONDS
        self.deadlines = Deadlines()
        super().__init__((host, port), _Handler)

    def server_close(self) -> None:
        super().server_close()
        self.deadlines.close()

    def handle_error(self, request, client_address) -> None:
        """A client that went away is no error; anything else is one line, never a traceback."""
        exc = sys.exc_info()[1]
        if isinstance(exc, DISCONNECTS):
            return
        print(f"coursekit serve: internal error answering {client_address[0]}: {exc!r}",
              file=sys.stderr, flush=True)

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
    timeout = WRITE_SECONDS  # each read and write on the socket; REQUEST_SECONDS bounds the request

    def log_message(self, format: str, *args: object) -> None:  # one line per rebuild is enough
        pass

    def handle_one_request(self) -> None:
        self.server.deadlines.arm(self.connection, self.server.request_seconds)
        try:
            super().handle_one_request()
        finally:
            self.server.deadlines.disarm(self.connection)

    def parse_request(self) -> bool:
        if not super().parse_request():
            return False
        self.server.deadlines.disarm(self.connection)  # the request is in: answering takes its time
        if not host_allowed(self.headers.get("Host"), self.server.host):
            self.close_connection = True
            self._send(HTTPStatus.MISDIRECTED_REQUEST, b"this server answers only to its own names "
                       b"(localhost, 127.0.0.1, [::1] or its --host)\n", "text/plain; charset=utf-8")
            return False
        return True

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
        if self.command == "HEAD":
            self.end_headers()
            return
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
        except OSError:  # the page went away
            pass
        finally:
            self.server.hub.unsubscribe(q)
            self.close_connection = True
