"""Built decks -> PDF, printed by headless Chromium through Playwright, all decks at once.

Each deck is opened from file:// with `?print` (or `?print-notes`), so deck.js prepares it the
way a trainer's Ctrl+P would: one 16:9 page per slide, every `--` slide collapsed to its final
step, and with `notes=True` a page of speaker notes after each slide. Decks print in parallel
pages of one browser (one per core). Nothing leaves the machine: only files beside the decks
load. Each PDF lands beside its deck, `<deck>.pdf`, written atomically.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from builder.diagnostics import CourseError
from builder.files import write_atomic
from builder.render.chromium import (  # noqa: F401  (CHROMIUM*: the tests and benches use them)
    CHROMIUM,
    CHROMIUM_ARGS,
    PAGE,
    bounded,
    browser_context,
    check_chromium,
    workers,
)


def write_pdfs(html_files: list[Path], notes: bool = False, jobs: int | None = None) -> list[Path]:
    """Print each deck to `<same folder>/<deck>.pdf`; returns the PDFs' paths, in order."""
    if not html_files:
        return []
    for html in html_files:
        if not html.is_file():
            raise CourseError(str(html), None, "no such deck (build it first)")
    check_chromium("to print PDFs")
    return asyncio.run(_print_all([h.resolve() for h in html_files], notes, workers(jobs)))


async def _print_all(decks: list[Path], notes: bool, limit: int) -> list[Path]:
    root = Path(os.path.commonpath([d.parent for d in decks]))
    async with browser_context(root) as context:
        pdfs = await bounded([lambda d=d: _print(context, d, notes) for d in decks], limit)
    written = []
    for deck, data in zip(decks, pdfs, strict=True):
        write_atomic(deck.with_suffix(".pdf"), data)
        written.append(deck.with_suffix(".pdf"))
    return written


async def _print(context, html: Path, notes: bool) -> bytes:
    page = await context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        await page.goto(html.as_uri() + ("?print-notes" if notes else "?print"), wait_until="load")
        await page.evaluate("() => document.fonts.ready.then(() => true)")
        await page.evaluate("() => window.coursekit ? window.coursekit.ready() : true")  # diagrams drawn
        if errors:
            raise CourseError(str(html), None, f"the deck's script failed: {errors[0]}")
        return await page.pdf(width=f"{PAGE['width']}px", height=f"{PAGE['height']}px",
                              print_background=True, prefer_css_page_size=True,
                              margin={"top": "0", "right": "0", "bottom": "0", "left": "0"})
    finally:
        await page.close()
