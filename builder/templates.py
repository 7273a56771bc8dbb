"""The one Jinja environment factory, with one autoescape policy: on.

Every value a template prints is escaped unless the code that made it says it is HTML
(`markupsafe.Markup`): slide HTML from the renderer, inlined CSS and JavaScript, JSON blocks.
A value from the course can then never inject markup by forgetting a `|e`. Decks, generated
slides, syllabi and the labs report all load their templates through here.

Compiling the templates costs a command that builds one chapter a fifth of its time: their
compiled code is kept between runs in the cache folder (Jinja's bytecode cache, in coursekit's
own checked frame), keyed by each template's source.
"""

from __future__ import annotations

import contextlib
import io
from functools import cache

import jinja2
from jinja2.bccache import Bucket
from markupsafe import Markup

from builder.cachefiles import cache_root, read_frame, write_frame

__all__ = ["Markup", "environment", "reload"]


class _CompiledTemplates(jinja2.BytecodeCache):
    """Jinja's bytecode cache in checked frames: a damaged or foreign file is compiled again."""

    def _path(self, bucket: Bucket):
        return cache_root() / f"templates-jinja{jinja2.__version__}" / f"{bucket.key}.bin"

    def load_bytecode(self, bucket: Bucket) -> None:
        body = read_frame(self._path(bucket))
        if body is None:
            return
        try:
            bucket.load_bytecode(io.BytesIO(body))  # checks Jinja's magic and the source's checksum
        except Exception:  # noqa: BLE001 - whatever it holds, it is compiled again
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        body = io.BytesIO()
        bucket.write_bytecode(body)
        with contextlib.suppress(OSError):  # unwritable: no cache, the templates work the same
            write_frame(self._path(bucket), body.getvalue())


@cache
def environment(package: str, folder: str = "templates") -> jinja2.Environment:
    """The environment for the templates in `folder` of `package` (one per package, cached)."""
    return jinja2.Environment(loader=jinja2.PackageLoader(package, folder), autoescape=True,
                              trim_blocks=True, lstrip_blocks=True,
                              bytecode_cache=_CompiledTemplates())


def reload() -> None:
    """Forget every environment and the templates they compiled (a template file was saved)."""
    environment.cache_clear()
