"""Plain text skips the inline parser: the tokens are the parser's own, for any text."""

from __future__ import annotations

import random
import string

import pytest

from builder.markdown.inline import join_text, parse_inline
from builder.markdown.parser import markdown

PIECES = list(string.ascii_letters + string.digits + string.punctuation + " \t\n") + [
    "é", "—", "’", "\u00a0", ".lab[", "`x`", "**b**", "&amp;", "<br>", "  \n", "\\", "."]


def parsed(text: str) -> list[dict]:
    found: list = []
    md = markdown()
    md.inline.parse(text, md, {}, found)
    return [t.as_dict() for t in join_text(found)]


@pytest.mark.slow  # seconds of work: make test runs it, test-fast does not
def test_any_text_gives_what_the_parser_gives():
    rng = random.Random(15)
    plain = 0
    for _ in range(20000):
        text = "".join(rng.choice(PIECES if rng.random() < 0.3 else string.ascii_letters + " ,.'")
                       for _ in range(rng.randint(0, 30)))
        plain += markdown().inline.terminator_re.search(text) is None
        assert [t.as_dict() for t in parse_inline(text)] == parsed(text), repr(text)
    assert 1000 < plain < 19000  # both paths taken
