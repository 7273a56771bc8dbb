"""The one Jinja environment factory, with one autoescape policy: on.

Every value a template prints is escaped unless the code that made it says it is HTML
(`markupsafe.Markup`): slide HTML from the renderer, inlined CSS and JavaScript, JSON blocks.
A value from the course can then never inject markup by forgetting a `|e`. Decks, generated
slides, syllabi and the labs report all load their templates through here.
"""

from __future__ import annotations

from functools import cache

import jinja2
from markupsafe import Markup

__all__ = ["Markup", "environment", "reload"]


@cache
def environment(package: str, folder: str = "templates") -> jinja2.Environment:
    """The environment for the templates in `folder` of `package` (one per package, cached)."""
    return jinja2.Environment(loader=jinja2.PackageLoader(package, folder), autoescape=True,
                              trim_blocks=True, lstrip_blocks=True)


def reload() -> None:
    """Forget every environment and the templates they compiled (a template file was saved)."""
    environment.cache_clear()
