"""What remark shows, slide by slide, beside what a coursekit build shows: the fidelity measure.

Both sides go through tools/remark-slides.js under node with jsdom: remark (the course's own
`remark.min.js`, read at run time) renders the deck's Markdown, and the built deck's authored
`<section data-source>` slides are read as they are written. Each slide is its classes and its
visible text; texts are compared without their whitespace, since remark and coursekit lay out
the same words differently (remark's code lines are `<div>`s, ours are newlines).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPT = HERE / "remark-slides.js"
_SPACE_RE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Shown:
    classes: tuple[str, ...]
    text: str  # the visible text, whitespace removed


def _node(args: list[str], payload: list[dict], node_modules: Path) -> dict[str, list[Shown]]:
    env = {**os.environ, "NODE_PATH": str(Path(node_modules).resolve())}
    run = subprocess.run(["node", str(SCRIPT), *args], input=json.dumps(payload), text=True,
                         capture_output=True, env=env, timeout=900)
    if run.returncode != 0:
        raise RuntimeError(f"remark-slides.js failed: {run.stderr.strip()[-2000:]}")
    return {name: [Shown(tuple(s["classes"]), _SPACE_RE.sub("", s["text"])) for s in slides]
            for name, slides in json.loads(run.stdout).items()}


def remark_shows(decks: list[dict], remark_js: Path, node_modules: Path) -> dict[str, list[Shown]]:
    """`decks`: [{name, markdown, exclude}] -> what remark shows of each."""
    return _node(["remark", str(remark_js)], decks, node_modules)


def deck_shows(pages: dict[str, Path], node_modules: Path) -> dict[str, list[Shown]]:
    """{name: built deck file} -> the authored slides each shows (generated ones left out)."""
    payload = [{"name": name, "html": page.read_text(encoding="utf-8")}
               for name, page in pages.items()]
    return _node(["deck"], payload, node_modules)


def differences(ours: list[Shown], theirs: list[Shown], limit: int = 5) -> list[str]:
    """Where the two decks part, in a trainer's words: the first few slides that differ."""
    found: list[str] = []
    if len(ours) != len(theirs):
        found.append(f"coursekit shows {len(ours)} slides, remark {len(theirs)}")
    for n, (a, b) in enumerate(zip(ours, theirs, strict=False), 1):
        if len(found) >= limit:
            break
        if a.text != b.text:
            at = next((i for i, (x, y) in enumerate(zip(a.text, b.text, strict=False)) if x != y),
                      min(len(a.text), len(b.text)))
            found.append(f"slide {n}: text differs at {at}: coursekit {a.text[max(at - 30, 0):at + 50]!r}"
                         f" / remark {b.text[max(at - 30, 0):at + 50]!r}")
        elif set(a.classes) != set(b.classes):
            found.append(f"slide {n}: classes coursekit {sorted(a.classes)} / remark {sorted(b.classes)}")
    return found
