"""Compare each deck's slide count with what the course's own remark build shows.

    python tools/remark_count.py --repo COURSE --dist BUILT --node-modules DIR

For every deck manifest of COURSE it joins the deck's chapters as the course's own builder of
that era does (each entry's Markdown, `---` between entries, inline entries as written), loads
the course's own `slides/remark.min.js` in jsdom under node (tools/remark-count.js), and counts
the slides remark creates with the deck's `exclude` classes. coursekit's count is the number of
authored slides (`<section data-source=...>`) of BUILT/en/<deck>.html: generated title and
contents slides are left out on both sides (the old builder's generated slides are not added).

jsdom is not a dependency of the project: install it in a scratch folder
(`npm install jsdom` there) and pass its node_modules. No remark code is kept here: the
course's own file is read at run time.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent


def joined(slides: Path, entry) -> str:
    if isinstance(entry, list):
        return "\n---\n".join(joined(slides, e) for e in entry)
    if "\n" in entry:
        return entry
    path = slides / entry
    return path.read_text(encoding="utf-8") if path.is_file() else f"Invalid chapter: {entry}"


def decks(repo: Path) -> list[dict]:
    slides = repo / "slides"
    found = []
    for manifest in sorted(slides.glob("*.yml")):
        data = yaml.safe_load(manifest.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            continue
        content = data.get("content", data.get("chapters"))
        if content is None:
            continue
        found.append({"name": manifest.stem, "markdown": joined(slides, content),
                      "exclude": data.get("exclude") or []})
    return found


def ours(dist: Path, name: str) -> int | None:
    page = dist / "en" / f"{name}.html"
    if not page.is_file():
        return None
    return len(re.findall(r"<section [^>]*data-source=", page.read_text(encoding="utf-8")))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repo", type=Path, required=True)
    parser.add_argument("--dist", type=Path, required=True, help="what `coursekit build` wrote")
    parser.add_argument("--node-modules", type=Path, required=True, help="where jsdom is installed")
    args = parser.parse_args()
    found = decks(args.repo)
    env = {**os.environ, "NODE_PATH": str(args.node_modules.resolve())}
    run = subprocess.run(["node", str(HERE / "remark-count.js"),
                          str(args.repo / "slides" / "remark.min.js")],
                         input=json.dumps(found), text=True, capture_output=True, env=env,
                         timeout=600)
    if run.returncode != 0:
        print(run.stderr, file=sys.stderr)
        return 1
    remark = json.loads(run.stdout)
    print("| deck | coursekit | remark |\n|---|---|---|")
    same = True
    for deck in found:
        name = deck["name"]
        mine = ours(args.dist, name)
        shown = "not built" if mine is None else str(mine)
        same &= mine is None or mine == remark[name]
        print(f"| {name} | {shown} | {remark[name]} |")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
