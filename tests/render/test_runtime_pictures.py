"""Pictures in real Chromium: those of hidden slides are not fetched when the deck opens, the
next slide's are fetched (and decoded) ahead so that moving to it shows them at once, and
printing shows every one of them."""

from __future__ import annotations

import re
import shutil
import zlib
from pathlib import Path

import pytest
from runtime_support import Session, position

from builder.build import build

PICTURES = 8


def png(shade: int) -> bytes:
    """A 64x36 PNG of one colour."""
    import struct

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + bytes((shade, 80, 255 - shade)) * 64 for _ in range(36))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 64, 36, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


@pytest.fixture(scope="module")
def deck(tmp_path_factory) -> Path:
    """Slide k shows picture k."""
    root = tmp_path_factory.mktemp("pictures")
    slides = []
    for k in range(1, PICTURES + 1):
        (root / "slides" / "images").mkdir(parents=True, exist_ok=True)
        (root / "slides" / "images" / f"p{k}.png").write_bytes(png(20 * k))
        slides.append(f"## Slide {k}\n\n![picture {k}](images/p{k}.png)")
    (root / "slides" / "ch.md").write_text("\n---\n".join(slides) + "\n")
    (root / "slides" / "d.yml").write_text("title: D\ncontent:\n- ch.md\n")
    build(root, langs=("en",))
    return root / "dist" / "en" / "d.html"


class Watched:
    def __init__(self, browser, **options) -> None:
        self.session = Session(browser, **options)
        self.requested: list[str] = []
        self.session.context.on("request", self._seen)

    def _seen(self, request) -> None:
        m = re.search(r"/images/(p\d+)\.png$", request.url)
        if m:
            self.requested.append(m.group(1))


@pytest.fixture
def watched(browser):
    w = Watched(browser)
    yield w
    w.session.close()


def shown_picture(page) -> bool:
    return page.evaluate("""() => [...document.querySelectorAll('section.slide.current img')]
        .every(i => i.complete && i.naturalWidth > 0)""")


def test_opening_fetches_the_pictures_of_the_first_slide_and_the_next_only(watched, deck):
    page = watched.session.open(deck.as_uri())
    page.wait_for_function("() => document.querySelector('section.slide.current img').complete")
    page.wait_for_timeout(300)  # anything else that would load has started by now
    assert sorted(set(watched.requested)) == ["p1", "p2"]
    assert shown_picture(page)


def test_moving_shows_the_picture_at_once_and_fetches_the_next(watched, deck):
    page = watched.session.open(deck.as_uri())
    for k in range(2, PICTURES + 1):
        page.wait_for_function(f"() => [...document.querySelectorAll('section.slide')][{k - 1}]"
                               ".querySelector('img').complete")  # fetched ahead
        page.wait_for_timeout(100)
        # Within the keydown's own task, before any frame: the picture is there to paint.
        ready = page.evaluate("""() => new Promise(done => {
            document.addEventListener('keydown', () => setTimeout(() => done(
              [...document.querySelectorAll('section.slide.current img')]
                .every(i => i.complete && i.naturalWidth > 0))), {once: true});
            document.dispatchEvent(new KeyboardEvent('keydown', {key: 'ArrowRight', bubbles: true}));
        })""")
        assert position(page) == k
        assert ready, k
        assert set(watched.requested) == {f"p{n}" for n in range(1, min(k + 1, PICTURES) + 1)}, k


def test_every_picture_prints(browser, deck):
    w = Watched(browser, viewport={"width": 1600, "height": 900})
    try:
        page = w.session.open(deck.as_uri())
        pdf = page.pdf(width="1600px", height="900px", print_background=True)
        assert len(re.findall(rb"/Subtype\s*/Image", pdf)) == PICTURES
        assert sorted(set(w.requested)) == [f"p{k}" for k in range(1, PICTURES + 1)]
        page2 = w.session.open(deck.as_uri() + "?print")  # as `coursekit pdf` opens it
        pdf = page2.pdf(width="1600px", height="900px", print_background=True)
        assert len(re.findall(rb"/Subtype\s*/Image", pdf)) == PICTURES
    finally:
        w.session.close()


def test_pictures_in_markdown_and_in_raw_html_are_lazy(course):
    course.write("slides/ch.md", """
        ![a](images/a.png)

        <img src="images/b.png" alt="b">

        Inline <img alt="c" src="images/c.png"> and <img src="images/d.png" loading="eager" alt="d">
        """)
    course.write("slides/d.yml", "title: D\ncontent:\n- ch.md\n")
    build(course.root, langs=("en",))
    html = (course.root / "dist" / "en" / "d.html").read_text()
    tags = re.findall(r"<img [^>]*>", html)
    assert len(tags) == 4
    for tag in tags[:3]:
        assert 'loading="lazy"' in tag and 'decoding="async"' in tag, tag
    assert 'loading="eager"' in tags[3] and "lazy" not in tags[3]  # the author's choice stays


def test_coursekit_pdf_prints_every_picture(browser, deck, tmp_path):
    # `browser` only for its skip: write_pdfs starts its own Chromium, in a thread of its own
    from concurrent.futures import ThreadPoolExecutor

    from builder.render.pdf import write_pdfs

    shutil.copytree(deck.parent, tmp_path / "en")
    with ThreadPoolExecutor(1) as pool:
        (pdf,) = pool.submit(write_pdfs, [tmp_path / "en" / deck.name]).result()
    assert len(re.findall(rb"/Subtype\s*/Image", pdf.read_bytes())) == PICTURES
