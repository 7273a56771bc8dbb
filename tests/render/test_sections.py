"""A deck's slides are section.html.j2 rendered once per shape and filled in: the same bytes as
rendering the template for each slide, whatever the slide's values hold."""

from __future__ import annotations

import itertools

from builder.render import deck
from builder.render.deck import Shown

ODD = ['plain', 'a"quote', "it's", "<b>&amp;", "\0nul", "x\0i\0y", ""]


def by_template(s: Shown) -> str:
    return str(deck._section_macro()(s.classes, s.id, s.generated, s.source, s.step, s.count,
                                     s.html, s.notes))


def test_every_shape_fills_in_as_the_template_renders():
    cases = 0
    for cls, value, generated, step, count, notes in itertools.product(
            ODD, ODD, (None, "toc"), ("", "2/3"), (True, False), ("", "<p>say \0h\0</p>")):
        s = Shown(html=f"<p>{value}</p>", classes=(cls, "wide") if cls else (), source=f"slides/{value}.md:3",
                  generated=generated, notes=notes, id=value or "slide-1", count=count, step=step)
        assert deck._section(s) == by_template(s), s
        cases += 1
    assert cases == len(ODD) ** 2 * 16
