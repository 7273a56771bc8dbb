"""The course's index page, dist/index.html: written by `coursekit build` (and again by
`coursekit pdf`), every deck with its titles, languages, slide counts, duration, outline and
PDF links; self-contained, opened from disk with nothing fetched."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "builder", *args], cwd=cwd, text=True,
                          capture_output=True, timeout=300, env=env)


@pytest.fixture
def course(course):
    course.write("slides/ch.md", "# Pods\n\n- one\n--\n- two\n\n---\n\n## Services\n\n- three\n")
    course.write("slides/day.yml", "title: |\n  A whole\n  day\nduration: 1 day\ncontent:\n- - ch.md\n")
    course.write("slides/short.yml", "title: Short\ncontent:\n- ch.md\n")
    course.write("slides/locale/fr/day.yml.po",
                 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
                 'msgid "A whole\\nday"\nmsgstr "Une journée\\nentière"\n')
    return course


def sections(html: Path) -> int:
    return html.read_text().count('<section class="slide')


def test_build_writes_an_index_of_every_deck(course):
    result = run_cli("build", cwd=course.root)
    assert result.returncode == 0, result.stderr
    dist = course.root / "dist"
    index = (dist / "index.html").read_text()
    cards = re.findall(r'<article class="deck" id="([^"]+)">(.*?)</article>', index, re.S)
    assert [stem for stem, _ in cards] == ["day", "short"]
    day, short = cards[0][1], cards[1][1]
    assert "A whole<br>day" in day and "Une journée entière" in day
    assert "Duration: 1 day" in day and "Duration" not in short
    for body, stem in ((day, "day"), (short, "short")):
        for lang, name in (("en", "English"), ("fr", "Français")):
            assert f'href="{lang}/{stem}.html"' in body and f">{name}</a>" in body
            assert f"{sections(dist / lang / f'{stem}.html')} slides" in body
            assert f'href="{lang}/{stem}-outline.html"' in body
        assert ".pdf" not in body  # none printed yet
    links = re.findall(r'href="([^"#]+)"', index)
    assert links and all((dist / link).is_file() for link in links)


@pytest.mark.slow  # seconds of work: make test runs it, test-fast does not
def test_an_index_in_the_build_language_keeps_decks_built_before(course):
    assert run_cli("build", "--lang", "fr", "slides/day.yml", cwd=course.root).returncode == 0
    assert run_cli("build", "--lang", "fr", "slides/short.yml", cwd=course.root).returncode == 0
    index = (course.root / "dist" / "index.html").read_text()
    assert '<html lang="fr">' in index and "Les supports du cours" in index
    assert 'href="fr/day.html"' in index and 'href="fr/short.html"' in index  # day: read back
    assert f"{sections(course.root / 'dist/fr/day.html')} diapositives" in index


def test_pdf_adds_the_pdf_links(course, browser):
    # `browser` only for its skip: `coursekit pdf` starts its own Chromium
    result = run_cli("pdf", "--lang", "en", cwd=course.root)
    assert result.returncode == 0, result.stderr
    index = (course.root / "dist" / "index.html").read_text()
    assert 'href="en/day.pdf"' in index and 'href="en/short.pdf"' in index
    assert "Duration: 1 day" in index
    assert (course.root / "dist/en/day.pdf").read_bytes().startswith(b"%PDF-")


def test_the_index_is_self_contained_and_styled_like_the_decks(course, browser):
    assert run_cli("build", "--lang", "en", cwd=course.root).returncode == 0
    index = course.root / "dist" / "index.html"
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    asked: list[str] = []
    context.route("**/*", lambda route: (asked.append(route.request.url), route.continue_()))
    try:
        page = context.new_page()
        page.goto(index.as_uri())
        assert asked == [index.as_uri()]  # nothing else: no font, script or stylesheet fetched
        assert page.locator("script").count() == 0
        look = page.evaluate("""() => {
            const card = getComputedStyle(document.querySelector('article.deck'));
            const title = getComputedStyle(document.querySelector('article.deck h2'));
            return [getComputedStyle(document.body).backgroundColor, card.backgroundColor,
                    title.color, title.fontFamily];
        }""")
        # The decks' chrome around a white slide, the accent colour, DejaVu Sans.
        assert look[:3] == ["rgb(32, 36, 44)", "rgb(255, 255, 255)", "rgb(11, 107, 203)"]
        assert look[3].startswith('"DejaVu Sans"')
        page.click("article#day a.lang[hreflang=en]")
        page.wait_for_function("() => document.querySelector('section.slide.current')")
        assert page.url.endswith("/dist/en/day.html")
    finally:
        context.close()
