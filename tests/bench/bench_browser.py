"""`make bench` (browser): a deck of about 3,000 slides in headless Chromium, from file://.

Targets (issue 7), on a 2-core machine: first slide painted under 150 ms after navigation start;
next slide under 16 ms from keydown to the frame that shows it. Also printed: opening the
overview and a search over every slide. Then a 2,400-slide deck with 72 pictures (about 30 MB,
PNG and SVG), shaped like the biggest deck of a real course (issue 15): first slide painted
(target: median 80 ms), pictures requested when it opens, and next slide (target: p95 16 ms)
over ordinary slides and onto picture slides. Prints figures only, asserts nothing.
"""

from __future__ import annotations

import random
import re
import shutil
import statistics
import struct
import sys
import time
import zlib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from builder.build import build  # noqa: E402
from builder.render.pdf import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from tests.bench.synth import _slide  # noqa: E402

WORK = Path(__file__).resolve().parents[2] / "bench-out" / "browser"
LOADS = 7
PRESSES = 50

# In the page, after deck.js's own listener (registered later, so it runs after it): the
# keydown's time, the end of the synchronous work it caused (script, style and layout of the
# new slide, forced here), and the end of the next frame (a message posted from
# requestAnimationFrame runs once that frame's rendering is done).
PROBE = """() => {
  window.__ck = [];
  if (window.__ckProbe) return;  // one listener per document, however often measured
  window.__ckProbe = true;
  document.addEventListener('keydown', e => {
    const start = e.timeStamp;
    document.querySelector('section.slide.current').getBoundingClientRect();
    const work = performance.now() - start;
    requestAnimationFrame(() => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => window.__ck.push({work, frame: performance.now() - start});
      channel.port2.postMessage(0);
    });
  });
}"""


def make_deck(root: Path, chapters: int = 72, slides: int = 26) -> Path:
    rng = random.Random(5)
    (root / "slides" / "ch").mkdir(parents=True)
    names = []
    for c in range(chapters):
        body = [f"# Chapter {c}\n\n- overview of chapter {c}"]
        body += [_slide(rng, c, n) for n in range(slides - 1)]
        (root / "slides" / "ch" / f"c{c:03d}.md").write_text("\n---\n".join(body) + "\n")
        names.append(f"ch/c{c:03d}.md")
    parts = [names[i : i + 10] for i in range(0, len(names), 10)]
    content = "\n".join("- - " + "\n  - ".join(p) for p in parts)
    (root / "slides" / "big.yml").write_text(
        f"title: Big deck\nslidenumberprefix: 'big — '\ncontent:\n{content}\n")
    build(root, root / "dist", langs=("en",))
    return root / "dist" / "en" / "big.html"


def _png(width: int, height: int, rng: random.Random) -> bytes:
    """A photo-like PNG of a few hundred KB: a smooth gradient with a band of noise, which
    compresses about as badly as a photo or a screenshot does."""
    gradient = b"\x00" + bytes(x * 255 // width for x in range(width)) * 3
    low_bits = bytes(range(16)) * 16  # keep 4 bits of noise per byte
    rows = [gradient if not height // 3 <= y < height // 3 + 180
            else b"\x00" + rng.randbytes(width * 3).translate(low_bits) for y in range(height)]

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"".join(rows), 6)) + chunk(b"IEND", b""))


def _svg(n: int, rng: random.Random) -> str:
    shapes = "".join(f'<circle cx="{rng.randrange(1600)}" cy="{rng.randrange(900)}" '
                     f'r="{rng.randrange(5, 80)}" fill="#{rng.randrange(0x1000000):06x}" opacity="0.6"/>'
                     for _ in range(4000))
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="1600" height="900" viewBox="0 0 1600 900">'
            f'<title>diagram {n}</title>{shapes}</svg>')


def _diagram(c: int) -> str:
    steps = "\n".join(f"  S{c}_{k}[step {k} of chapter {c}] --> S{c}_{k + 1}{{check {k}}}" for k in range(4))
    return f"## Diagram {c}\n\n```mermaid\ngraph LR\n{steps}\n```"


def make_picture_deck(root: Path, chapters: int = 72, slides: int = 22) -> tuple[Path, list[str]]:
    """About 2,400 slides and 72 pictures (48 PNG, 24 SVG), one picture slide per chapter, and a
    mermaid diagram in 10 chapters; returns the deck and the `path:line` of each picture slide."""
    rng = random.Random(11)
    (root / "slides" / "ch").mkdir(parents=True)
    (root / "slides" / "images").mkdir()
    names, sources, size = [], [], 0
    for c in range(chapters):
        if c % 3 == 2:
            picture = f"images/p{c:03d}.svg"
            (root / "slides" / picture).write_text(_svg(c, rng))
        else:
            picture = f"images/p{c:03d}.png"
            (root / "slides" / picture).write_bytes(_png(1200 + 8 * c, 700, rng))
        size += (root / "slides" / picture).stat().st_size
        body = [f"# Chapter {c}\n\n- overview of chapter {c}"]
        body += [_slide(rng, c, n) for n in range(slides - 2)]
        at = slides // 2
        body.insert(at, f"class: pic\n\n## Picture {c}\n\n![Picture {c}]({picture})")
        if c % 7 == 3:
            body.insert(at + 3, _diagram(c))
        text = "\n---\n".join(body) + "\n"
        line = text.split("\n").index(f"## Picture {c}") - 1  # the slide's first line, 1-based
        sources.append(f"slides/ch/c{c:03d}.md:{line}")
        (root / "slides" / "ch" / f"c{c:03d}.md").write_text(text)
        names.append(f"ch/c{c:03d}.md")
    parts = [names[i : i + 12] for i in range(0, len(names), 12)]
    content = "\n".join("- - " + "\n  - ".join(p) for p in parts)
    (root / "slides" / "pictures.yml").write_text(f"title: Pictures\ncontent:\n{content}\n")
    build(root, root / "dist", langs=("en",))
    print(f"picture deck: 72 pictures, {size / 1e6:.0f} MB")
    return root / "dist" / "en" / "pictures.html", sources


def first_paint(page, url: str) -> dict[str, float]:
    page.goto("about:blank")
    page.goto(url, wait_until="load")
    page.wait_for_function("() => performance.getEntriesByName('first-contentful-paint').length > 0")
    return page.evaluate("""() => {
      const nav = performance.getEntriesByType('navigation')[0];
      return {fcp: performance.getEntriesByName('first-contentful-paint')[0].startTime,
              dcl: nav.domContentLoadedEventEnd, load: nav.loadEventEnd}; }""")


def key_timings(page, key: str, presses: int) -> list[dict[str, float]]:
    page.evaluate(PROBE)
    for n in range(presses):
        page.keyboard.press(key)
        page.wait_for_function("n => window.__ck.length > n", arg=n)
    return page.evaluate("window.__ck")


def key_timings_at_random(page, key: str, presses: int, rng: random.Random) -> list[dict[str, float]]:
    """As `key_timings`, each press 20 to 50 ms after the last one, as a person's: at a random
    point of the browser's frame interval. (`key_timings` presses right after its poll, which
    runs on animation frames: its presses all land at the same point, which the driver's own
    timing picks, and a p95 of 50 of them says more about that point than about the deck.)"""
    page.evaluate(PROBE)
    for _ in range(presses):
        time.sleep(rng.uniform(0.02, 0.05))
        page.keyboard.press(key)
    page.wait_for_function("n => window.__ck.length >= n", arg=presses)
    return page.evaluate("window.__ck")


def summary(values: list[float]) -> str:
    values = sorted(values)
    p95 = values[min(len(values) - 1, int(len(values) * 0.95))]
    median, mean = statistics.median(values), statistics.mean(values)
    return f"median {median:6.1f} ms, mean {mean:6.1f} ms, p95 {p95:6.1f} ms"


def main(only: str = "") -> None:
    """Every figure, or with `pictures` as argument only those of the picture deck."""
    from playwright.sync_api import sync_playwright

    shutil.rmtree(WORK, ignore_errors=True)
    if only == "pictures":
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            pictures(_context(browser))
            browser.close()
        return
    started = time.perf_counter()
    deck = make_deck(WORK)
    html = deck.read_text()
    sections = html.count('<section class="slide')
    seconds = time.perf_counter() - started
    print(f"deck: {sections} slides, {len(html) / 1e6:.1f} MB, built in {seconds:.1f} s")
    url = deck.as_uri()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = _context(browser)
        page = context.new_page()
        first_paint(page, url)  # warm the file cache
        loads = [first_paint(page, url) for _ in range(LOADS)]
        print(f"first slide painted (FCP):      {summary([x['fcp'] for x in loads])}  [target < 150 ms]")
        print(f"DOMContentLoaded:               {summary([x['dcl'] for x in loads])}")

        page.goto(url + "#1000")
        nexts = key_timings(page, "ArrowRight", PRESSES)
        print(f"next slide, keydown -> frame:   {summary([x['frame'] for x in nexts])}  [target < 16 ms]")
        print(f"next slide, script+style+layout:{summary([x['work'] for x in nexts])}")
        backs = key_timings(page, "ArrowLeft", PRESSES)
        print(f"previous slide, keydown -> frame:{summary([x['frame'] for x in backs])}")

        page.goto(url + "#1500")
        page.evaluate(PROBE)
        page.keyboard.press("o")
        page.wait_for_function("() => window.__ck.length > 0")
        opened = page.evaluate("window.__ck[0]")
        filled = page.evaluate("document.querySelectorAll('.ck-thumb-stage > .ck-preview').length")
        print(f"overview open (first time):     {opened['frame']:6.1f} ms to the frame, "
              f"{filled} thumbnails drawn")
        page.keyboard.press("Escape")
        page.evaluate(PROBE)
        page.keyboard.press("o")
        page.wait_for_function("() => window.__ck.length > 0")
        print(f"overview open (again):          {page.evaluate('window.__ck[0].frame'):6.1f} ms to the frame")
        page.keyboard.press("Escape")

        page.keyboard.press("/")
        searches = []
        for query in ("pod", "quorum leader", "deployment replica", "kubectl apply", "zzz"):
            searches.append(page.evaluate("""q => { const input = document.getElementById('ck-search-input');
                const t = performance.now(); input.value = q;
                input.dispatchEvent(new Event('input')); return performance.now() - t; }""", query))
        print(f"search over every slide:        first {searches[0]:.1f} ms (builds the index), "
              f"then median {statistics.median(searches[1:]):.1f} ms")
        pictures(context)
        browser.close()


def _context(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(("file:", "about:"))
                  else r.abort())
    return context


def pictures(context) -> None:
    """The picture deck as built, and the same deck with every picture eager (how decks were
    built before pictures went lazy), measured turn by turn so that both see the same load."""
    deck, sources = make_picture_deck(WORK / "pictures")
    html = deck.read_text()
    sections = html.count('<section class="slide')
    print(f"deck: {sections} slides, {len(html) / 1e6:.1f} MB")
    undrawn = re.sub(r'(<html [^>]*?) data-mermaid="[^"]*"', r"\1", html, count=1)
    plain = deck.with_name("pictures-no-diagrams.html")
    plain.write_text(undrawn)
    eager = deck.with_name("pictures-eager.html")
    eager.write_text(undrawn.replace(' loading="lazy"', "").replace(' decoding="async"', ""))
    variants = {"as built: lazy pictures, 10 diagrams drawn": deck.as_uri(),
                "lazy pictures, diagrams left as source": plain.as_uri(),
                "before: eager pictures, no diagrams drawn": eager.as_uri()}
    page = context.new_page()
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url) if "/images/" in r.url else None)
    loads: dict[str, list] = {name: [] for name in variants}
    opened: dict[str, int] = {}
    for url in variants.values():
        first_paint(page, url)  # warm the file cache
    order = list(variants.items())
    for turn in range(LOADS):
        # each round starts with another variant: the one loaded first after another's leftovers
        # (29 MB of eager pictures) is not always the same one
        for name, url in order[turn % len(order):] + order[:turn % len(order)]:
            requested.clear()
            loads[name].append(first_paint(page, url))
            page.wait_for_timeout(300)
            opened[name] = len(set(requested))
    page.goto("about:blank")
    page.goto(deck.as_uri(), wait_until="load")
    page.wait_for_function("() => document.querySelectorAll('pre.mermaid[data-processed]').length >= 10",
                           timeout=60000)
    print(f"10 diagrams all drawn, while idle: {page.evaluate('performance.now()'):.0f} ms after navigation")
    for name in variants:
        print(f"{name}:")
        fcp = summary([x["fcp"] for x in loads[name]])
        print(f"  first slide painted (FCP):    {fcp}  [target median <= 80 ms]")
        print(f"  load event:                   {summary([x['load'] for x in loads[name]])}")
        print(f"  pictures requested on open:   {opened[name]} of 72")
    # The deck opened once, its diagrams drawn (as a trainer's deck is, a few seconds after it
    # opens), then moved through as a trainer would; slides change by the URL's hash.
    for name, url in variants.items():
        page.goto("about:blank")
        page.goto(url, wait_until="load")
        page.evaluate("() => window.coursekit ? window.coursekit.ready() : true")
        page.evaluate("location.hash = '#1000'")
        page.wait_for_timeout(1000)
        nexts = key_timings(page, "ArrowRight", PRESSES)
        onto = []  # onto a picture slide, a second after arriving on the one before it
        for source in sources[::4]:
            page.evaluate("s => location.hash = '#src:' + s", source)
            before = page.evaluate("() => [...document.querySelectorAll('section.slide')]"
                                   ".findIndex(e => e.classList.contains('current'))")
            page.evaluate("n => location.hash = '#' + n", before)
            page.wait_for_timeout(1000)
            onto.extend(key_timings(page, "ArrowRight", 1))
            shown = page.evaluate("() => [...document.querySelectorAll('section.slide.current img')]"
                                  ".every(i => i.complete && i.naturalWidth > 0)")
            if not shown:
                print(f"  picture not shown on arrival at {source}")
        print(f"{name}:")
        nxt = summary([x["frame"] for x in nexts])
        print(f"  next slide, keydown -> frame: {nxt}  [target p95 <= 16 ms]")
        print(f"  onto a picture slide:         {summary([x['frame'] for x in onto])}")
    # The price of drawing in the browser: moving in the first moments, while mermaid loads and
    # draws (moving makes the drawings not yet needed wait).
    page.goto("about:blank")
    page.goto(deck.as_uri() + "#1000", wait_until="load")
    page.wait_for_timeout(300)
    early = key_timings(page, "ArrowRight", 20)
    print(f"as built, next slide in the first seconds, while diagrams are drawn: "
          f"{summary([x['frame'] for x in early])}")


if __name__ == "__main__":
    main(*sys.argv[1:2])
