"""Built decks -> PDF, printed by headless Chromium through Playwright.

Each deck is opened from file:// with `?print` (or `?print-notes`), so deck.js prepares it the
way a trainer's Ctrl+P would: one 16:9 page per slide, every `--` slide collapsed to its final
step, and with `notes=True` a page of speaker notes after each slide. Nothing leaves the
machine: every request that is not file:// is refused. Each PDF lands beside its deck,
`<deck>.pdf`, written atomically.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from builder.diagnostics import CourseError
from builder.files import write_atomic

CHROMIUM = os.environ.get("COURSEKIT_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
PAGE = {"width": 1600, "height": 900}  # the deck's stage, in CSS pixels


def write_pdfs(html_files: list[Path], notes: bool = False) -> list[Path]:
    """Print each deck to `<same folder>/<deck>.pdf`; returns the PDFs' paths, in order."""
    if not html_files:
        return []
    for html in html_files:
        if not html.is_file():
            raise CourseError(str(html), None, "no such deck (build it first)")
    sync_playwright = _playwright()
    if not shutil.which(CHROMIUM):
        raise CourseError(CHROMIUM, None, "Chromium is needed to print PDFs (apt-get install chromium)")
    written = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport=PAGE)
            context.route("**/*", _local_only)
            for html in html_files:
                target = html.with_suffix(".pdf")
                write_atomic(target, _print(context, html.resolve(), notes))
                written.append(target)
        finally:
            browser.close()
    return written


def _playwright():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise CourseError("playwright", None,
                          "printing PDFs needs Playwright (pip install playwright)") from None
    return sync_playwright


def _local_only(route) -> None:
    if route.request.url.startswith("file://"):
        route.continue_()
    else:
        route.abort()


def _print(context, html: Path, notes: bool) -> bytes:
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(html.as_uri() + ("?print-notes" if notes else "?print"), wait_until="load")
        page.evaluate("() => document.fonts.ready.then(() => true)")
        page.evaluate("() => window.coursekit ? window.coursekit.ready() : true")  # diagrams drawn
        if errors:
            raise CourseError(str(html), None, f"the deck's script failed: {errors[0]}")
        return page.pdf(width=f"{PAGE['width']}px", height=f"{PAGE['height']}px",
                        print_background=True, prefer_css_page_size=True,
                        margin={"top": "0", "right": "0", "bottom": "0", "left": "0"})
    finally:
        page.close()
