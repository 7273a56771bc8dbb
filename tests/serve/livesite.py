"""Helpers for the dev server tests: a tiny course, a real SSE client, plain HTTP GETs."""

from __future__ import annotations

import http.client
import json
import queue
import threading
from pathlib import Path

CHAPTER_A = """\
# Alpha

- first slide of alpha

---

## Second

- the text to edit: original

--

- a step
"""
CHAPTER_B = "# Beta\n\n- beta only\n"


class Events:
    """Server-Sent Events read from a raw HTTP connection, parsed as a browser would."""

    def __init__(self, port: int) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.conn.request("GET", "/events")
        self.response = self.conn.getresponse()
        assert self.response.status == 200
        assert self.response.getheader("Content-Type") == "text/event-stream"
        self.queue: queue.Queue[tuple[str, dict]] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        event, data = "message", ""
        try:
            for raw in self.response:
                line = raw.decode().rstrip("\n")
                if line.startswith("event: "):
                    event = line[7:]
                elif line.startswith("data: "):
                    data = line[6:]
                elif line == "" and data:
                    self.queue.put((event, json.loads(data)))
                    event, data = "message", ""
        except (OSError, ValueError):
            pass

    def next(self, timeout: float = 10.0) -> tuple[str, dict]:
        return self.queue.get(timeout=timeout)

    def drain(self, wait: float = 0.5) -> list[tuple[str, dict]]:
        got = []
        while True:
            try:
                got.append(self.queue.get(timeout=wait))
            except queue.Empty:
                return got

    def close(self) -> None:
        self.conn.close()




def get(site, path: str) -> tuple[int, str]:
    conn = http.client.HTTPConnection("127.0.0.1", site.server.server_address[1], timeout=10)
    conn.request("GET", path)
    response = conn.getresponse()
    body = response.read().decode("utf-8", errors="replace")
    conn.close()
    return response.status, body


def write(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")
