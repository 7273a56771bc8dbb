"""Helpers for the deck runtime tests (test_runtime_*.py): a browser context that fails the test
on console errors and on any request leaving the machine, a tiny PNG decoder, a PDF page
counter, and the deck's `--` steps as the builder's model sees them."""

from __future__ import annotations

import inspect
import random
import re
import struct
import sys
import zlib
from pathlib import Path

from builder.build import build
from builder.chapter import parse_chapter
from builder.manifest import load_manifest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # for tests.bench.synth, as the benchmarks do
    sys.path.insert(0, str(ROOT))

from tests.bench.synth import _slide  # noqa: E402


class Session:
    """One browser context: every page in it (tabs opened by the deck too) is watched."""

    def __init__(self, browser, **options) -> None:
        options.setdefault("viewport", {"width": 1280, "height": 720})
        self.context = browser.new_context(**options)
        self.leaving: list[str] = []
        self.errors: list[str] = []
        self.context.route("**/*", self._guard)
        self.context.on("page", self._watch)

    def _guard(self, route) -> None:
        if route.request.url.startswith(("file://", "data:", "blob:")):
            route.continue_()
        else:
            self.leaving.append(route.request.url)
            route.abort()

    def _watch(self, page) -> None:
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))

    def open(self, url: str):
        page = self.context.new_page()
        page.goto(url)
        return page

    def close(self) -> None:
        self.context.close()
        assert self.leaving == [], f"requests left the machine: {self.leaving}"
        assert self.errors == [], f"console errors: {self.errors}"


def visit(page, url: str) -> None:
    """Load `url` afresh: a hash change on the same document is handled a task later (on
    hashchange), a new load before `goto` returns."""
    page.goto("about:blank")
    page.goto(url)


def counter(page) -> str:
    return page.text_content(".counter") or ""


def position(page) -> int:
    """The current slide's number, from the counter (`prefix N/total`)."""
    return int(re.search(r"(\d+)/\d+$", counter(page)).group(1))


def total(page) -> int:
    return page.eval_on_selector_all("section.slide", "els => els.length")


def current_id(page) -> str:
    return page.eval_on_selector("section.slide.current", "e => e.id")


def wait_position(page, n: int) -> None:
    page.wait_for_function(r"""n => {
        const m = /(\d+)\/\d+$/.exec((document.querySelector('.counter') || {}).textContent || '');
        return !!m && Number(m[1]) === n;
    }""", arg=n, timeout=5000)


def index_of_source(page, source: str) -> int:
    """1-based number of the section built from `path:line`."""
    i = page.eval_on_selector_all(
        "section.slide", "(els, s) => els.findIndex(e => e.dataset.source === s)", source)
    assert i >= 0, source
    return i + 1


def axe_violations(page, source: str) -> list[str]:
    """axe-core's findings on the page as it is now (the axe_source fixture gives `source`)."""
    if not page.evaluate("() => !!window.axe"):
        page.add_script_tag(content=source)
    found = page.evaluate("""() => axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa',
                                                                'best-practice']})
        .then(r => r.violations.map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', ')))""")
    return found


# ---------- The builder's view of `--` steps ----------

def steps(manifest: Path, repo: Path = ROOT) -> dict[str, tuple[int, int]]:
    """`path:line` of each shown increment -> (k, n): its step and its slide's number of steps."""
    deck = load_manifest(manifest, repo)
    out: dict[str, tuple[int, int]] = {}
    for part in deck.parts:
        for entry in part.entries:
            text = entry.inline if entry.inline is not None else (repo / entry.path).read_text()
            chapter = parse_chapter(text, entry.path, repo, entry.inline_line or 1)
            for slide in chapter.slides:
                if slide.hidden or set(deck.exclude) & set(slide.classes):
                    continue
                n = len(slide.increments)
                for k, inc in enumerate(slide.increments, 1):
                    out[f"{slide.path}:{inc.line}"] = (k, n)
    return out


# ---------- PDF and PNG, read with the standard library only ----------

def pdf_pages(data: bytes) -> int:
    """Page objects in a PDF (Chromium's Skia writer puts each in its own object)."""
    assert data.startswith(b"%PDF-")
    return len(re.findall(rb"/Type\s*/Page(?![A-Za-z])", data))


def pdf_page_size(data: bytes) -> tuple[float, float]:
    box = re.search(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", data)
    return float(box.group(1)), float(box.group(2))


def decode_png(data: bytes) -> tuple[int, int, list[tuple[int, int, int]]]:
    """8-bit RGB or RGBA, non-interlaced PNG (what Chromium writes) -> width, height, pixels."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat = 8, []
    width = height = channels = 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        chunk = data[pos + 8 : pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            width, height, depth, color, _, _, interlace = struct.unpack(">IIBBBBB", chunk)
            assert depth == 8 and color in (2, 6) and interlace == 0, (depth, color, interlace)
            channels = 3 if color == 2 else 4
        elif kind == b"IDAT":
            idat.append(chunk)
        elif kind == b"IEND":
            break
    raw = zlib.decompress(b"".join(idat))
    stride = width * channels
    previous = bytearray(stride)
    pixels = []
    for y in range(height):
        start = y * (stride + 1)
        row = _unfilter(raw[start], bytearray(raw[start + 1 : start + 1 + stride]), previous, channels)
        pixels.extend(zip(row[0::channels], row[1::channels], row[2::channels], strict=True))
        previous = row
    return width, height, pixels


def _unfilter(kind: int, row: bytearray, up: bytearray, bpp: int) -> bytearray:
    n = len(row)
    if kind == 1:
        for i in range(bpp, n):
            row[i] = (row[i] + row[i - bpp]) & 0xFF
    elif kind == 2:
        for i in range(n):
            row[i] = (row[i] + up[i]) & 0xFF
    elif kind == 3:
        for i in range(n):
            left = row[i - bpp] if i >= bpp else 0
            row[i] = (row[i] + ((left + up[i]) >> 1)) & 0xFF
    elif kind == 4:
        for i in range(n):
            a = row[i - bpp] if i >= bpp else 0
            b = up[i]
            c = up[i - bpp] if i >= bpp else 0
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            row[i] = (row[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 0xFF
    return row


# ---------- A large synthetic deck ----------

def big_deck(root: Path, chapters: int = 20, slides: int = 30, seed: int = 3) -> Path:
    """A deck shaped like real ones (labs, steps, code, notes), built; returns its HTML file."""
    rng = random.Random(seed)
    (root / "slides" / "big").mkdir(parents=True, exist_ok=True)
    names = []
    for c in range(chapters):
        body = [f"# Chapter {c}\n\n- introduction {c}"] + [_slide(rng, c, n) for n in range(slides - 1)]
        (root / "slides" / "big" / f"c{c:03d}.md").write_text("\n---\n".join(body) + "\n")
        names.append(f"big/c{c:03d}.md")
    parts = "\n".join(f"- - {n}" for n in names)
    (root / "slides" / "big.yml").write_text(f"title: Big deck\ncontent:\n{parts}\n")
    english_only = {"langs": ("en",)} if "langs" in inspect.signature(build).parameters else {}
    build(root, root / "dist", **english_only)
    return root / "dist" / "en" / "big.html"
