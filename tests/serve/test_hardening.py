"""The dev server against hostile or broken clients, over real sockets: DNS rebinding, early
disconnects, HEAD, bursts of connections, and clients that never finish their request."""

from __future__ import annotations

import http.client
import socket
import struct
import time

import pytest

from builder.serve import server as server_module
from builder.serve.app import Serve


def request(port: int, raw: bytes, timeout: float = 10.0) -> bytes:
    """Send `raw` as is and read until the server closes the connection."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(raw)
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
        return received


def status_of(response: bytes) -> int:
    return int(response.split(b" ", 2)[1])


def get_as(port: int, path: str, host: str) -> bytes:
    raw = f"GET {path} HTTP/1.1\r\nHost: {host.format(port=port)}\r\nConnection: close\r\n\r\n"
    return request(port, raw.encode())


def test_a_page_from_another_site_cannot_read_the_decks(site):
    """DNS rebinding: the attacker's name resolves to 127.0.0.1, the browser sends it as Host."""
    port = site.server.server_address[1]
    for host in ("evil.example", "evil.example:{port}", "attacker.localhost", "localhost.evil.example",
                 "127.0.0.1.nip.io:{port}", "[::2]", "localhost:{port}:80", ""):
        for path in ("/en/both.html", "/events", "/"):
            response = get_as(port, path, host)
            assert status_of(response) == 421, (host, path, response[:200])
            assert b"first slide of alpha" not in response and b"text/event-stream" not in response


def test_loopback_names_are_served(site):
    port = site.server.server_address[1]
    for host in ("localhost", "localhost:{port}", "127.0.0.1", "127.0.0.1:{port}", "[::1]",
                 "[::1]:{port}", "LOCALHOST:{port}"):
        response = get_as(port, "/en/both.html", host)
        assert status_of(response) == 200 and b"first slide of alpha" in response, host


def test_the_host_given_with_host_is_accepted_too():
    assert server_module.host_allowed("devbox.lan:8000", served_as="devbox.lan")
    assert not server_module.host_allowed("evil.example:8000", served_as="devbox.lan")
    # bound to every interface: the machine's addresses (IP literals cannot be rebound), no names
    assert server_module.host_allowed("192.0.2.7:8000", served_as="0.0.0.0")
    assert server_module.host_allowed("[2001:db8::1]:8000", served_as="::")
    assert not server_module.host_allowed("evil.example:8000", served_as="0.0.0.0")
    assert not server_module.host_allowed("192.0.2.7:8000", served_as="127.0.0.1")
    assert not server_module.host_allowed("localhost:80:80", served_as="127.0.0.1")


@pytest.mark.slow  # seconds of work: make test runs it, test-fast does not
def test_a_client_that_disconnects_early_gives_no_traceback(site, capfd):
    port = site.server.server_address[1]
    (site.workspace.out / "en" / "big.svg").write_text("<svg>" + " " * 4_000_000 + "</svg>")
    for n in range(20):  # a file much larger than the socket buffers, a deck page
        sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        path = "/en/big.svg" if n % 2 else "/en/both.html"
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
        sock.recv(100)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.close()  # a reset, with most of the deck still to send
    time.sleep(0.5)  # let the server's threads meet the reset
    err = capfd.readouterr().err
    assert "Traceback" not in err and "BrokenPipeError" not in err and "ConnectionResetError" not in err
    assert len(err.strip().splitlines()) <= 1
    assert "first slide of alpha" in http_get(port, "/en/both.html")  # and it still serves


def http_get(port: int, path: str) -> str:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", path)
    body = conn.getresponse().read().decode()
    conn.close()
    return body


def test_head_returns_headers_only(site):
    """A body after a HEAD response would be read as the next response on the connection."""
    conn = http.client.HTTPConnection("127.0.0.1", site.server.server_address[1], timeout=10)
    for path in ("/events", "/en/both.html", "/", "/no/such/file"):
        conn.request("HEAD", path)
        head = conn.getresponse()
        assert head.read() == b""
        if path == "/events":
            assert head.status == 200 and head.getheader("Content-Type") == "text/event-stream"
        conn.request("GET", "/en/both.html")  # the same connection, right after
        after = conn.getresponse()
        assert after.status == 200 and "first slide of alpha" in after.read().decode(), path
    conn.close()


def test_a_burst_of_clients_waits_in_the_listen_queue(course):
    """Clients that connect before the server accepts any wait in the kernel's listen queue: 128
    of them at least (a backlog of 5 lost 22 of a burst of 200)."""
    course.write("slides/a.md", "# A\n")
    course.write("slides/deck.yml", "content:\n- a.md\n")
    app = Serve(course.root, course.root / "dist", port=0, log=[].append)  # listening, not accepting
    port = app.server.server_address[1]
    clients: list[socket.socket] = []
    try:
        while len(clients) < 128:
            sock = socket.socket()
            sock.settimeout(2.0)  # a loopback connect completes at once, unless its SYN was dropped
            try:
                sock.connect(("127.0.0.1", port))
            except OSError:
                sock.close()
                break
            clients.append(sock)
    finally:
        for sock in clients:
            sock.close()
        app.stop()
    assert len(clients) == 128


@pytest.mark.slow  # seconds of work: make test runs it, test-fast does not
@pytest.mark.parametrize("sent", [b"", b"GET /en/both.html HTTP/1.1\r\nHost: 127.0.0.1\r\n"])
def test_a_request_never_finished_does_not_hold_a_thread(site, sent):
    """A slowloris client sends a byte of header now and then, forever: the server must hang up
    on it once the request's time is over, whatever the pace of the drip."""
    site.server.request_seconds = 0.5
    port = site.server.server_address[1]
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    sock.sendall(sent)
    closed = False
    for _ in range(60):  # 30 s of dripping at most
        try:
            sock.sendall(b"X")
            sock.settimeout(0.5)
            closed = sock.recv(1024) == b"" or closed
        except TimeoutError:
            continue
        except OSError:  # reset by the server
            closed = True
        if closed:
            break
    sock.close()
    assert closed, "the server still holds the half-sent request"
