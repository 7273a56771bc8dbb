"""The system's Chromium, driven by Playwright's async API: what `coursekit pdf` and `coursekit
lint` open built decks with.

One browser, several pages at once: a deck is a single HTML file, so opening decks (or parts of
one big deck) in parallel pages is how both commands use more than one core. Nothing leaves the
machine: every request that is not a file under the build folder (or inline data) is refused,
so a course cannot make the browser fetch, or reveal, anything else.
"""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import unquote, urlsplit

from builder.diagnostics import CourseError

CHROMIUM = os.environ.get("COURSEKIT_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 # lint steps through thousands of slides, each one a history.replaceState:
                 "--disable-ipc-flooding-protection"]
PAGE = {"width": 1600, "height": 900}  # the deck's stage, in CSS pixels

T = TypeVar("T")


def _async_playwright():
    try:
        from playwright.async_api import async_playwright
    except ImportError:
        raise CourseError("playwright", None,
                          "driving Chromium needs Playwright (pip install playwright)") from None
    return async_playwright


def check_chromium(why: str) -> None:
    if not shutil.which(CHROMIUM):
        raise CourseError(CHROMIUM, None, f"Chromium is needed {why} (apt-get install chromium)")


def file_path(url: str) -> Path | None:
    """The local file a file:// URL names (None for any other URL)."""
    parts = urlsplit(url)
    if parts.scheme != "file":
        return None
    return Path(unquote(parts.path))


def inside(url: str, root: Path) -> bool:
    path = file_path(url)
    return path is not None and Path(os.path.normpath(path)).is_relative_to(root)


@asynccontextmanager
async def browser_context(root: Path, viewport: dict[str, int] | None = None) -> AsyncIterator[Any]:
    """A fresh browser context in which only files under `root` (and data: URLs) load."""
    root = root.resolve()

    async def guard(route) -> None:
        url = route.request.url
        if url.startswith(("data:", "blob:", "about:")) or inside(url, root):
            await route.continue_()
        else:
            await route.abort()

    async with _async_playwright()() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = await browser.new_context(viewport=viewport or PAGE)
            await context.route("**/*", guard)
            yield context
        finally:
            await browser.close()


async def bounded(tasks: Iterable[Callable[[], Awaitable[T]]], limit: int) -> list[T]:
    """Run the tasks at most `limit` at a time; results in the tasks' order."""
    gate = asyncio.Semaphore(max(1, limit))

    async def one(task: Callable[[], Awaitable[T]]) -> T:
        async with gate:
            return await task()

    return list(await asyncio.gather(*(one(t) for t in tasks)))


def workers(jobs: int | None = None) -> int:
    """Pages open at once: one per core by default (each page renders in its own process)."""
    return max(1, jobs or os.cpu_count() or 1)
