"""Helpers of the lint tests: courses written into tmp_path, tiny PNGs of any size, and lint run
clear of the sync Playwright of other tests."""

from __future__ import annotations

import struct
import textwrap
import zlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path


def in_a_thread(fn, *args, **kwargs):
    """Lint runs its own event loop: keep it clear of the sync Playwright of other tests."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(fn, *args, **kwargs).result()


def write(root: Path, rel: str, text: str | bytes) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def png(width: int, height: int) -> bytes:
    """A solid PNG of any size (a few kB even when huge): for the picture-size rule."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    rows = (b"\x00" + b"\x2e\x7d\x32" * width) * height
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b""))
