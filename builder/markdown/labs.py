"""Labs and their steps, read from a slide's markdown-it tokens (FORMAT.md section 4).

Visible steps are the fences inside a lab macro (`.lab[`, or its older name `.exercise[`: the
names are a course setting); hidden steps are fences written inside HTML comments there,
including one-line fences such as ```` ```wait Synced node info``` ````, which CommonMark would
otherwise read as inline code. This sits beside the Markdown rules because it reads their
tokens: every later stage (build, labs, i18n) gets labs from the parsed chapter.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable, Iterable

from markdown_it.token import Token

from builder.config import DEFAULT_LAB_MACROS
from builder.markdown.highlight import strip_highlights
from builder.markdown.inline import children
from builder.markdown.split import closes_fence, fence_opener
from builder.model import CodeBlock, Lab, Step

LAB_MACROS = DEFAULT_LAB_MACROS
Where = Callable[[int], tuple[str, int]]

_COMMENT_RE = re.compile(r"<!--(.*?)-->", re.S)
_ONE_LINE_FENCE_RE = re.compile(r"(`{3,}|~{3,})([^`\n]+?)\1(?![`~])")


def method_and_data(info: str) -> tuple[str, str]:
    """Split a fence's info string: `wait Synced node info` -> ("wait", "Synced node info").

    No info string is no method: such a block holds output, a query or a transcript, and the
    reference runner does not type it (FORMAT.md section 4)."""
    info = info.strip()
    if not info:
        return "", ""
    method, _, rest = info.partition(" ")
    return method, rest.strip()


def extract_labs(tokens: list[Token], where: Where, slide_index: int,
                 macros: Iterable[str] = LAB_MACROS) -> list[Lab]:
    macros = frozenset(macros)
    labs: list[Lab] = []
    lab: Lab | None = None
    depth = 0  # macro nesting inside the current lab
    for tok in tokens:
        if tok.type == "macro_open":
            if lab is None and tok.info.split(".")[0] in macros:
                path, line = where(tok.map[0] if tok.map else 0)
                lab = Lab(path=path, line=line, macro=tok.info, slide_index=slide_index)
                labs.append(lab)
                depth = 0
            else:
                depth += 1
        elif tok.type == "macro_close" and lab is not None:
            if depth == 0:
                lab = None
            else:
                depth -= 1
        elif lab is None:
            continue
        elif tok.type == "fence" and tok.map:
            lab.steps.append(_fence_step(tok, where))
        elif tok.type == "html_block" and tok.map:
            lab.steps.extend(comment_steps(tok.content, tok.map[0], where))
        elif tok.type == "inline" and tok.map and "<!--" in tok.content:
            for child in children(tok):
                if child.type == "html_inline" and "<!--" in child.content:
                    lab.steps.extend(comment_steps(child.content, tok.map[0], where))
    return labs


def _fence_step(tok: Token, where: Where) -> Step:
    method, _ = method_and_data(tok.info)
    first = tok.map[0] + 1 if tok.content.strip() else tok.map[0]  # type: ignore[index]
    path, line = where(first)
    # indented like the slide shows it (`    EOF` under a list item): typed as the runner types it
    data = textwrap.dedent(tok.content.rstrip("\n"))
    return Step(method=method, data=strip_highlights(data), hidden=False,
                path=path, line=line, info=tok.info.strip())


def comment_steps(html: str, first_index: int, where: Where) -> list[Step]:
    """Fences written inside HTML comments: the hidden directives of a lab."""
    steps: list[Step] = []
    for m in _COMMENT_RE.finditer(html):
        offset = html.count("\n", 0, m.start(1))
        steps.extend(_fences_in(m.group(1).split("\n"), first_index + offset, where))
    return steps


def _fences_in(lines: Iterable[str], first_index: int, where: Where) -> list[Step]:
    steps: list[Step] = []
    fence: tuple[str, int] | None = None
    body: list[str] = []
    info = ""
    for n, line in enumerate(lines):
        index = first_index + n
        if fence is not None:
            if closes_fence(line, fence):
                method, _ = method_and_data(info)
                path, at = where(index - len(body) if body else index)
                steps.append(Step(method=method,
                                  data=strip_highlights(textwrap.dedent("\n".join(body))),
                                  hidden=True, path=path, line=at, info=info))
                fence, body = None, []
            else:
                body.append(line)
            continue
        opener = fence_opener(line)
        if opener is not None:
            fence, info = opener, line.strip()[opener[1]:].strip()
            continue
        for m in _ONE_LINE_FENCE_RE.finditer(line):
            method, data = method_and_data(m.group(2))
            path, at = where(index)
            steps.append(Step(method=method, data=strip_highlights(data), hidden=True,
                              path=path, line=at, info=m.group(2).strip()))
    return steps


def extract_code(tokens: list[Token], where: Where,
                 macros: Iterable[str] = LAB_MACROS) -> list[CodeBlock]:
    """Every visible fenced block of a slide, noting whether it sits inside a lab."""
    macros = frozenset(macros)
    blocks: list[CodeBlock] = []
    in_lab: list[bool] = []  # one entry per open macro: is it, or is it inside, a lab?
    for tok in tokens:
        if tok.type == "macro_open":
            in_lab.append(tok.info.split(".")[0] in macros or bool(in_lab and in_lab[-1]))
        elif tok.type == "macro_close" and in_lab:
            in_lab.pop()
        elif tok.type == "fence" and tok.map:
            path, line = where(tok.map[0] + 1)
            lang = tok.info.strip().split(maxsplit=1)[0] if tok.info.strip() else ""
            blocks.append(CodeBlock(lang=lang, text=strip_highlights(tok.content.rstrip("\n")),
                                    path=path, line=line, in_lab=bool(in_lab and in_lab[-1])))
    return blocks
