"""What a deck shows against what remark shows, slide by slide (issue 10: "a course that remark
shows must build, the way remark shows it").

Each case below is a small deck of tricky chapters. It is built with coursekit, and the same
Markdown is shown by remark itself: the remark.min.js that a real course ships (found in the
shared corpus beside the project, or named by COURSEKIT_REMARK_JS), run under node with jsdom
(npm package, pinned, fetched once into ~/.cache/coursekit). None of remark's code is in the
project. The slide count, each slide's visible text (whitespace aside) and classes must agree.
Without node or npm the test is skipped locally and fails in CI. Without a remark.min.js it is
skipped everywhere, CI included, and says so: remark's build comes with a course (the project
ships none of its code, and npm has only its unbuilt sources), so a clone with no course beside
it has nothing to compare with.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import pytest

from builder.build import build

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
from remark_slides import deck_shows, differences, remark_shows  # noqa: E402

JSDOM = "jsdom@29.1.1"
CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "coursekit"

pytestmark = pytest.mark.slow


def _remark_js() -> Path | None:
    named = os.environ.get("COURSEKIT_REMARK_JS")
    if named:
        return Path(named) if Path(named).is_file() else None
    for folder in ROOT.parents:
        found = sorted((folder / "shared" / "corpus").glob("*/slides/remark.min.js"))
        if found:
            return found[0]
    return None


@pytest.fixture(scope="module")
def remark_js() -> Path:
    found = _remark_js()
    if found is None:
        pytest.skip("no remark.min.js to compare with: set COURSEKIT_REMARK_JS to a course's own, "
                    "or keep shared/corpus beside the project")
    return found


@pytest.fixture(scope="module")
def node_modules(missing_tool) -> Path:
    """jsdom, installed once with npm into the cache (an atomic rename when complete)."""
    if not shutil.which("node"):
        missing_tool("node is not installed: cannot run remark")
    target = CACHE / JSDOM.replace("@", "-") / "node_modules"
    if not (target / "jsdom" / "package.json").is_file():
        npm = shutil.which("npm")
        if not npm:
            missing_tool(f"npm is not installed: cannot fetch {JSDOM}")
        CACHE.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=CACHE) as tmp:
            run = subprocess.run([npm, "install", "--prefix", tmp, JSDOM, "--no-audit", "--no-fund",
                                  "--silent"], capture_output=True, text=True, timeout=300)
            if run.returncode:
                missing_tool(f"npm install {JSDOM} failed: {run.stderr.strip()[-300:]}")
            target.parent.mkdir(parents=True, exist_ok=True)
            if not target.exists():
                os.replace(Path(tmp) / "node_modules", target)
    return target


# name -> (chapter, the deck's exclude list)
CASES: dict[str, tuple[str, list[str]]] = {
    "macro-spans-separators": ("""
        ## A lab that reveals its steps

        .lab[

        - First:
          ```bash
          kubectl get pods
          ```

        --

        - Then:
          ```bash
          kubectl get nodes
          ```

        ]

        ---

        .footnote[a note
        ---
        that goes on]

        ---

        .lab[
        - brackets balance across code: ```keys ^[``` ]

        ---

        - so this is still the lab
        ]
        """, []),
    "fences-in-macros": ("""
        .exercise[

        - Edit:
          ```yaml
          kind: Pod
          ```

        <!--
        ```keys ^[``` ]
        ```keys :wq```
        -->

        - Apply it

        ]

        ---

        ````md
        ```
        inner
        ```
        ````

        ---

        ```wait Synced node info
        ---
        a stray backtick ` closes it
        ---
        last
        """, []),
    "notes-and-steps": ("""
        # A title

        - one
        ???
        notes of one

        --

        - two
        ???
        notes of two

        --

        - three

        ---

        Shown
        ???
        first notes
        ???
        second notes
        """, []),
    "properties-and-layout": ("""
        class: title
        name: intro

        Welcome

        ---

        layout: true
        class: framed

        .header[Header]

        ---

        Under the layout

        --

        class: extra-details

        Details of it

        ---

        count: false
        class: other

        Not counted

        --

        but this step is

        ---

        layout: false

        Plain again

        ---

        Note: this line is a property to remark
        """, []),
    "layout-content": ("""
        layout: true
        class: framed

        .header[Header]

        {{content}}

        .footer[Footer]

        ---

        class: wide

        Body

        --

        Step after the footer, as remark shows it
        """, []),
    "exclude": ("""
        First slide

        ---

        class: extra-details

        Dropped

        --

        class: extra-details

        Dropped too

        ---

        class: in-person

        Dropped with its step

        --

        This step continues the first slide

        ---

        Kept

        --

        class: extra-details

        This step goes

        --

        This one stays, without the one before

        ---

        class: a,extra-details

        remark keeps this one: `a,extra-details` is one class to it

        ---

        exclude: true

        Never shown

        ---

        class: extra-details, deep-dive

        Dropped
        """, ["extra-details", "in-person"]),
    "inline": ("""
        - nested lists
          - with `code` and **bold**
            - and .red[a macro]

        Highlights in code:

        ```bash
        consul agent -retry-join=`X.X.X.X`
        ```

        authenticate.red[¹] and .footnote[see [here] and [the docs]]

        [here]: https://example.org/here
        [the docs]: https://example.org/docs

        <!-- a comment, hidden -->

        Escaped: \\.red[not a macro]
        """, []),
}


def _course(root: Path) -> None:
    for name, (chapter, exclude) in CASES.items():
        (root / "slides").mkdir(parents=True, exist_ok=True)
        (root / "slides" / f"{name}.md").write_text(textwrap.dedent(chapter).lstrip("\n"), "utf-8")
        (root / "slides" / f"{name}.yml").write_text(
            f"title: {name}\nexclude: {exclude!r}\ncontent:\n- {name}.md\n", "utf-8")


def test_each_deck_shows_what_remark_shows(tmp_path, remark_js, node_modules):
    _course(tmp_path)
    build(tmp_path, tmp_path / "dist", langs=("en",))
    theirs = remark_shows([{"name": name, "exclude": exclude,
                            "markdown": (tmp_path / "slides" / f"{name}.md").read_text("utf-8")}
                           for name, (_, exclude) in CASES.items()], remark_js, node_modules)
    ours = deck_shows({name: tmp_path / "dist" / "en" / f"{name}.html" for name in CASES},
                      node_modules)
    found = [f"{name}: {line}" for name in CASES for line in differences(ours[name], theirs[name])]
    assert not found, "\n".join(found)
