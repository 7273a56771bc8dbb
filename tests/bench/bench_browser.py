"""`make bench` (browser): a deck of about 3,000 slides in headless Chromium, from file://.

Targets (issue 7), on a 2-core machine: first slide painted under 150 ms after navigation start;
next slide under 16 ms from keydown to the frame that shows it. Also printed: opening the
overview and a search over every slide. Prints figures only, asserts nothing.
"""

from __future__ import annotations

import random
import shutil
import statistics
import sys
import time
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


def summary(values: list[float]) -> str:
    values = sorted(values)
    p95 = values[min(len(values) - 1, int(len(values) * 0.95))]
    median, mean = statistics.median(values), statistics.mean(values)
    return f"median {median:6.1f} ms, mean {mean:6.1f} ms, p95 {p95:6.1f} ms"


def main() -> None:
    from playwright.sync_api import sync_playwright

    shutil.rmtree(WORK, ignore_errors=True)
    started = time.perf_counter()
    deck = make_deck(WORK)
    html = deck.read_text()
    sections = html.count('<section class="slide')
    seconds = time.perf_counter() - started
    print(f"deck: {sections} slides, {len(html) / 1e6:.1f} MB, built in {seconds:.1f} s")
    url = deck.as_uri()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 720})
        context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(("file:", "about:"))
                      else r.abort())
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
        browser.close()


if __name__ == "__main__":
    main()
