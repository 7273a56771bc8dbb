"""`make bench` (serve): from saving a chapter to the new deck served and the page notified.

Target (issue 5): on a 500-slide deck, median under 150 ms over 20 edits on a 2-core machine.
A real `coursekit serve` process, a real SSE connection, real file writes. Prints figures only.
"""

from __future__ import annotations

import http.client
import random
import shutil
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.bench.synth import _slide  # noqa: E402
from tests.serve.livesite import Events  # noqa: E402

WORK = Path(__file__).resolve().parents[2] / "bench-out" / "serve"


def make_course(root: Path, chapters: int = 20, slides: int = 25) -> list[Path]:
    rng = random.Random(11)
    (root / "slides" / "ch").mkdir(parents=True)
    files = []
    for c in range(chapters):
        body = [f"# Chapter {c}\n\n- edit marker: start"] + [_slide(rng, c, n) for n in range(slides - 1)]
        path = root / "slides" / "ch" / f"c{c:02d}.md"
        path.write_text("\n---\n".join(body) + "\n")
        files.append(path)
    content = "\n".join(f"- - ch/{p.name}" for p in files)
    (root / "slides" / "big.yml").write_text(f"title: Big deck\ncontent:\n{content}\n")
    return files


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(port: int, path: str) -> str:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", path)
    body = conn.getresponse().read().decode()
    conn.close()
    return body


def main() -> None:
    shutil.rmtree(WORK, ignore_errors=True)
    files = make_course(WORK / "course")
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "builder", "serve", "--repo",
                               str(WORK / "course"), "--port", str(port)],
                              stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                fetch(port, "/")
                break
            except OSError:
                if time.monotonic() > deadline:
                    sys.exit("server did not start")
                time.sleep(0.1)
        slides = fetch(port, "/en/big.html").count('<section class="slide')
        events = Events(port)
        time.sleep(0.3)
        notified, served = [], []
        for n in range(20):
            path = files[n % len(files)]
            text = path.read_text()
            start = text.index("edit marker: ")
            end = text.index("\n", start)
            marker = f"edit marker: edit-{n}"
            t0 = time.perf_counter()
            path.write_text(text[:start] + marker + text[end:])
            event, _ = events.next(timeout=10)
            notified.append(time.perf_counter() - t0)
            if event != "reload" or marker not in fetch(port, "/en/big.html"):
                sys.exit(f"edit {n}: expected a reload with the new text, got {event}")
            served.append(time.perf_counter() - t0)
            time.sleep(0.2)
        events.close()
    finally:
        server.terminate()
        server.wait(timeout=10)

    def p95(values: list[float]) -> float:
        return sorted(values)[max(0, round(0.95 * len(values)) - 1)]

    print(f"serve: deck of {slides} slides, 20 edits")
    print(f"  write -> page notified (SSE): median {statistics.median(notified) * 1000:.0f} ms, "
          f"p95 {p95(notified) * 1000:.0f} ms")
    print(f"  write -> new HTML served:     median {statistics.median(served) * 1000:.0f} ms, "
          f"p95 {p95(served) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
