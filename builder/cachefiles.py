"""Where coursekit keeps what it can compute again, and the frame every such file is written in.

A cache is never trusted: each file starts with a magic line and the format version and carries a
BLAKE2 digest of its body, so a truncated, altered or foreign file reads as absent (and what it
held is computed again and rewritten), never as data.

Where: `$COURSEKIT_BUILD_CACHE`, else `$XDG_CACHE_HOME/coursekit/builds`, else
`~/.cache/coursekit/builds`. Not under the output folder (GitHub Pages publishes that folder as it
is) and not in the repository (a build only reads a course).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from builder.files import write_atomic

FORMAT = 1
MAGIC = b"coursekit build cache\n"
_HEADER = MAGIC + FORMAT.to_bytes(4, "big")
_DIGEST = 32  # bytes of BLAKE2b
# A file written this recently may change again with the same size and times (the clock's tick
# is coarser than its nanoseconds): its stat says nothing yet, its content must be read.
RACY_SECONDS = 2.0


def stat_key(st: os.stat_result) -> tuple[int, int, int, int]:
    """What of a file's stat says its content is unchanged (as git's index keeps it): size,
    modification and change times, inode."""
    return st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino


def settled(st: os.stat_result, at_ns: int) -> bool:
    """Whether the file had been still for RACY_SECONDS at `at_ns`: only then may its digest be
    kept beside its stat (a later write then shows in its times)."""
    return max(st.st_mtime_ns, st.st_ctime_ns) < at_ns - RACY_SECONDS * 1e9


def digest(*parts: object) -> str:
    """A cache key made of `parts`: bytes as they are, anything else by its repr (dataclasses,
    tuples, dicts and strings, all stable)."""
    h = hashlib.blake2b(digest_size=20)
    for part in parts:
        h.update(part if isinstance(part, bytes) else repr(part).encode("utf-8", "surrogatepass"))
        h.update(b"\0")
    return h.hexdigest()


def cache_root() -> Path:
    own = os.environ.get("COURSEKIT_BUILD_CACHE")
    if own:
        return Path(own)
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "coursekit" / "builds"


def read_frame(path: Path) -> bytes | None:
    """The body of a cache file, or None: missing, truncated, another format, or altered."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    if len(data) < len(_HEADER) + _DIGEST or not data.startswith(_HEADER):
        return None
    stated, body = data[len(_HEADER):len(_HEADER) + _DIGEST], data[len(_HEADER) + _DIGEST:]
    if hashlib.blake2b(body, digest_size=_DIGEST).digest() != stated:
        return None
    return body


def write_frame(path: Path, body: bytes) -> None:
    write_atomic(path, _HEADER + hashlib.blake2b(body, digest_size=_DIGEST).digest() + body)
