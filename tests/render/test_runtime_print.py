"""Print and PDF: one 16:9 page per slide, `--` steps collapsed to their final state, optional
notes pages; builder.render.pdf.write_pdfs printing decks with headless Chromium."""

from __future__ import annotations

import re
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from runtime_support import ROOT, Session, pdf_page_size, pdf_pages, steps

from builder.render.pdf import write_pdfs
from builder.render.ui import UI

PAGE = {"width": "1600px", "height": "900px", "print_background": True}


@pytest.fixture
def session(browser):
    s = Session(browser, viewport={"width": 1600, "height": 900})
    yield s
    s.close()


@pytest.fixture(scope="module")
def model() -> dict[str, tuple[int, int]]:
    return steps(ROOT / "slides" / "kube-consul.yml")


def is_16_9(size: tuple[float, float]) -> bool:
    """1600x900 CSS pixels are 1200x675 points (Chromium rounds the height a little)."""
    width, height = size
    return abs(width - 1200) < 1 and abs(height - 675) < 1


def in_a_thread(fn, *args, **kwargs):
    """Playwright's sync API refuses to start inside the test's own (the browser fixture's)."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(fn, *args, **kwargs).result()


def final_slides(page, model) -> int:
    """Sections that are not superseded by a later step of their slide, per the builder's model."""
    sources = page.eval_on_selector_all("section.slide", "els => els.map(e => e.dataset.source || '')")
    return sum(1 for s in sources if not s or model[s][0] == model[s][1])


def test_print_gives_one_page_per_slide_in_its_final_state(session, url, model):
    page = session.open(url)
    expected = final_slides(page, model)
    assert expected < len(model) + 5  # the deck does have `--` steps
    data = page.pdf(**PAGE)
    assert pdf_pages(data) == expected
    assert is_16_9(pdf_page_size(data))


def test_steps_are_marked_and_print_css_alone_collapses_them(session, url, model):
    """Sections carry data-step="k/n" (absent for slides of one step), as the builder's model
    counts them; print CSS alone then hides the steps that a later one supersedes."""
    page = session.open(url)
    marks = page.eval_on_selector_all(
        "section.slide", "els => els.map(e => [e.dataset.source || '', e.dataset.step || ''])")
    for source, step in marks:
        k, n = model.get(source, (1, 1))
        assert step == (f"{k}/{n}" if n > 1 else ""), source
    page.emulate_media(media="print")  # no beforeprint, no script: CSS only
    printed = page.eval_on_selector_all("section.slide", """els => els
        .filter(e => getComputedStyle(e).display !== 'none').map(e => e.dataset.source || e.id)""")
    assert len(printed) == final_slides(page, model)
    assert "slides/k8s/consul.md:1" not in printed and "slides/k8s/consul.md:12" in printed


def test_print_notes_adds_a_notes_page_after_each_slide(session, url, model):
    page = session.open(url + "?print-notes")
    slides = final_slides(page, model)
    assert pdf_pages(page.pdf(**PAGE)) == 2 * slides
    notes = page.locator(".ck-notes-page")
    assert notes.count() == slides
    lab = page.locator("section.slide[data-source='slides/k8s/consul.md:86'] + .ck-notes-page")
    assert "ordered startup" in lab.text_content()
    assert lab.locator(".ck-notes-title").text_content().startswith(UI["notes_for"].split("{")[0])
    assert UI["no_notes"] in notes.first.text_content()


def test_write_pdfs_prints_each_deck_beside_it(browser, built_course: Path, tmp_path: Path, model):
    # `browser` only for its skip: write_pdfs starts its own Chromium
    shutil.copytree(built_course / "en", tmp_path / "en")
    decks = [tmp_path / "en" / "kube-consul.html", tmp_path / "en" / "consul-selfpaced.html"]
    pdfs = in_a_thread(write_pdfs, decks)
    assert pdfs == [tmp_path / "en" / "kube-consul.pdf", tmp_path / "en" / "consul-selfpaced.pdf"]
    html = (tmp_path / "en" / "kube-consul.html").read_text()
    generated = len(re.findall(r"<section [^>]*data-generated=", html))
    slides = sum(1 for k, n in model.values() if k == n) + generated
    data = pdfs[0].read_bytes()
    assert pdf_pages(data) == slides
    assert is_16_9(pdf_page_size(data))
    assert pdf_pages(pdfs[1].read_bytes()) > 10
    (with_notes,) = in_a_thread(write_pdfs, decks[:1], notes=True)
    assert with_notes == pdfs[0]
    assert pdf_pages(with_notes.read_bytes()) == 2 * slides
    assert sorted(p.name for p in (tmp_path / "en").iterdir() if p.name.startswith(".")) == []
