"""The checks every inline run of a translated build goes through skip the patterns a text
cannot match: on any text they say what trying every pattern says (the plain versions below)."""

from __future__ import annotations

import random
import re
from collections import Counter

import pytest

from builder.course import translations as tr

PIECES = ["`", "``", "@@", "@@TOC@@", "@@LINK[x]", "[", "]", "(", ")", "](", ".", ".lab[", ".x.y[",
          "<!--", "-->", "http", "https://", "://", "a", "Zé", "kubectl", "1", "_", '"', " ", "  ",
          "\n", "\t", " \n ", "\\"]


def plain_normalise(content: str) -> str:
    return re.sub(r"[ \t]*\n[ \t]*", " ", content.strip())


def plain_placeholders(text: str) -> Counter[str]:
    found: Counter[str] = Counter()
    for pattern in (tr._CODE, tr._DIRECTIVE, tr._MACRO, tr._HTML_COMMENT):
        found.update(m.group(0) for m in pattern.finditer(text))
    found.update("](" + m.group(1) + ")" for m in tr._LINK_TARGET.finditer(text))
    return found


def plain_translatable(msgid: str) -> bool:
    rest = tr._CODE.sub(" ", msgid)
    rest = tr._LINK_TARGET.sub(" ", rest)
    rest = tr._DIRECTIVE.sub(" ", rest)
    rest = re.sub(r"https?://\S+", " ", rest)
    return bool(tr._LETTERS.search(rest))


@pytest.mark.slow  # seconds of work: make test runs it, test-fast does not
def test_the_quick_checks_agree_with_the_plain_ones():
    rng = random.Random(15)
    for _ in range(20000):
        text = "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 12)))
        assert tr.normalise(text) == plain_normalise(text), repr(text)
        assert tr.placeholders(text) == plain_placeholders(text), repr(text)
        assert tr.translatable(text) == plain_translatable(text), repr(text)
