"""Compare each deck's slide count with what the course's own remark build shows.

    python tools/remark_count.py --repo COURSE --dist BUILT --node-modules DIR

For every deck manifest of COURSE it joins the deck's chapters as the course's own builder of
that era does (each entry's Markdown, `---` between entries, inline entries as written), loads
the course's own `slides/remark.min.js` in jsdom under node (tools/remark-slides.js), and counts
the slides remark creates with the deck's `exclude` classes. coursekit's count is the number of
authored slides (`<section data-source=...>`) of BUILT/en/<deck>.html: generated title and
contents slides are left out on both sides (the old builder's generated slides are not added).
`--slides` also compares each slide's visible text and classes, and lists where decks part.

jsdom is not a dependency of the project: install it in a scratch folder
(`npm install jsdom` there) and pass its node_modules. No remark code is kept here: the
course's own file is read at run time.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml
from remark_slides import deck_shows, differences, remark_shows


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
        markdown = joined(slides, content)
        for key in ("title", "chat", "gitrepo", "slides"):  # as the course's builder fills them in
            value = str(data.get(key) or "")
            markdown = markdown.replace(f"@@{key.upper()}@@", value.replace("\n", "<br/>"))
        found.append({"name": manifest.stem, "markdown": markdown, "exclude": data.get("exclude") or []})
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repo", type=Path, required=True)
    parser.add_argument("--dist", type=Path, required=True, help="what `coursekit build` wrote")
    parser.add_argument("--node-modules", type=Path, required=True, help="where jsdom is installed")
    parser.add_argument("--slides", type=int, default=0, metavar="N",
                        help="also compare slide texts; list up to N differences per deck")
    args = parser.parse_args()
    found = decks(args.repo)
    theirs = remark_shows(found, args.repo / "slides" / "remark.min.js", args.node_modules)
    pages = {d["name"]: args.dist / "en" / f"{d['name']}.html" for d in found}
    mine = deck_shows({n: p for n, p in pages.items() if p.is_file()}, args.node_modules)
    print("| deck | coursekit | remark |\n|---|---|---|")
    same = True
    for deck in found:
        name = deck["name"]
        shown = str(len(mine[name])) if name in mine else "not built"
        same &= name not in mine or len(mine[name]) == len(theirs[name])
        print(f"| {name} | {shown} | {len(theirs[name])} |")
    if args.slides:
        for name in mine:
            diffs = differences(mine[name], theirs[name], limit=args.slides)
            same &= not diffs
            for line in diffs:
                print(f"{name}: {line}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
