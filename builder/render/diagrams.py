"""Mermaid diagrams (```` ```mermaid ```` fences and `<pre class="mermaid">` blocks).

They are drawn in the viewer's browser by mermaid's own browser build, from its npm registry
package at a pinned version: `make setup` fetches it once (`npm pack`, checked against a
pinned SHA-256) into ~/.cache/coursekit/, and a build copies that file beside the decks that
have diagrams. Nothing is fetched at build or view time, and nothing of mermaid lives in this
repository. deck.js loads it after the first slide is painted and draws every diagram while
the deck is idle, so the first slide costs what it would without diagrams.

Why in the browser rather than at build time: a build then needs no browser (and stays as fast
with diagrams as without), labels are measured with the fonts of the screen that shows them,
and an edit under `coursekit serve` costs no headless Chromium. When the file is not cached,
diagrams stay as their source, and the build warns at each one.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import sys
from collections.abc import Iterable
from functools import cache
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

from builder.diagnostics import Diagnostic, warning
from builder.files import copy_atomic, write_atomic

if TYPE_CHECKING:
    from markdown_it.token import Token

VERSION = "12.3.0"
SHA256 = "336df803d87a38b70a01e736e666c8f7601d2ce42f5e47c8fafe5d721074b9a3"  # dist/mermaid.min.js
FILE_NAME = f"mermaid-{VERSION}.min.js"  # beside the decks, and in the cache
_PACKAGE_PATH = "package/dist/mermaid.min.js"
_PRE_RE = re.compile(r"<pre\b[^>]*\bclass\s*=\s*[\"']?[^\"'>]*\bmermaid\b", re.I)


def cache_path() -> Path:
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "coursekit" / FILE_NAME


@cache
def library() -> Path | None:
    """The cached mermaid build, or None when `make setup` could not fetch it."""
    path = cache_path()
    return path if path.is_file() else None


def is_diagram(token: Token) -> bool:
    """A ```mermaid fence, or a raw `<pre class="mermaid">` block."""
    if token.type == "fence":
        info = token.info.strip()
        return bool(info) and info.split(maxsplit=1)[0].lower() == "mermaid"
    return token.type == "html_block" and _PRE_RE.search(token.content) is not None


def fence_html(source: str) -> str:
    """A fence's diagram: its source as text, which mermaid reads and replaces with a drawing."""
    return f'<pre class="mermaid">{escape(source, quote=False)}</pre>\n'


def warnings(positions: Iterable[tuple[str, int]]) -> list[Diagnostic]:
    """Where diagrams will show as their source: every one of them, when the file is missing."""
    if library() is not None:
        return []
    return [warning(path, line, "mermaid diagram shown as its source: mermaid "
                                f"{VERSION} is not cached (`make setup` fetches it with npm)")
            for path, line in dict.fromkeys(positions)]


def install(folder: Path) -> bool:
    """Copy the mermaid build beside the decks in `folder`; False when it is not cached."""
    source = library()
    if source is None:
        return False
    copy_atomic(source, folder / FILE_NAME)
    return True


def fetch(npm: str | None = None) -> Path:
    """`npm pack` the pinned package, check the file's SHA-256, and cache it atomically."""
    target = cache_path()
    if target.is_file():
        return target
    npm = npm or shutil.which("npm")
    if not npm:
        raise RuntimeError("npm is not installed")
    import subprocess  # here: only `make setup` fetches
    import tarfile
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        result = subprocess.run([npm, "pack", f"mermaid@{VERSION}", "--pack-destination", tmp,
                                 "--silent"], capture_output=True, text=True, timeout=600)
        packed = list(Path(tmp).glob("mermaid-*.tgz"))
        if result.returncode or not packed:
            raise RuntimeError(f"npm pack mermaid@{VERSION} failed: {result.stderr.strip()[-300:]}")
        with tarfile.open(packed[0]) as tar:
            member = tar.extractfile(_PACKAGE_PATH)
            data = member.read() if member else b""
    digest = hashlib.sha256(data).hexdigest()
    if digest != SHA256:
        raise RuntimeError(f"{_PACKAGE_PATH} of mermaid@{VERSION} has SHA-256 {digest}, "
                           f"expected {SHA256}")
    write_atomic(target, data)
    library.cache_clear()
    return target


def main(argv: list[str]) -> int:
    """`python -m builder.render.diagrams fetch`: what `make setup` runs. A failure is a
    warning, not an error: decks still build, with their diagrams as source."""
    if argv != ["fetch"]:
        print("usage: python -m builder.render.diagrams fetch", file=sys.stderr)
        return 2
    import subprocess
    import tarfile

    try:
        print(f"mermaid {VERSION}: {fetch()}")
    except (RuntimeError, OSError, subprocess.SubprocessError, tarfile.TarError) as exc:
        print(f"warning: mermaid {VERSION} not cached, diagrams will show as source: {exc}",
              file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
