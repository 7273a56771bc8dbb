"""builder.render.chromium: pages opened in parallel, at most one per core (what `coursekit pdf`
and `coursekit lint` run their decks through)."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

from builder.render.chromium import bounded, inside


def test_bounded_runs_at_most_limit_at_once_and_keeps_order():
    running, peak = 0, 0

    async def task(n: int) -> int:
        nonlocal running, peak
        running += 1
        peak = max(peak, running)
        await asyncio.sleep(0.01 * (7 - n))  # later tasks finish first
        running -= 1
        return n

    with ThreadPoolExecutor(1) as pool:  # clear of the sync Playwright of other tests
        out = pool.submit(asyncio.run, bounded([lambda n=n: task(n) for n in range(7)], 3)).result()
    assert out == list(range(7))
    assert peak == 3


def test_only_files_under_the_build_folder_are_inside(tmp_path):
    out = tmp_path / "dist"
    assert inside((out / "en" / "deck.html").as_uri(), out)
    assert not inside((tmp_path / "secret.png").as_uri(), out)
    assert not inside(out.as_uri() + "/en/../../secret.png", out)
    assert not inside("https://example.org/dist/en/deck.html", out)
