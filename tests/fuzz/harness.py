"""One generated course through the real CLI (`builder.cli.main`, in-process), and what must hold.

For `build`, `labs list` and `labs check`:
- no exception escapes (SystemExit aside) and the exit status is 0 or 1;
- every finding has a real `path:line` (a path of the repository, a line from 1);
- no secret of the sibling folder shows in an output, and nothing outside the repository is
  opened or listed (audit.py says what the Python process may open, and why);
- `dist/` is never torn: each deck's file is either byte-identical to what was there before (the
  deck failed) or a complete new deck, no temporary file is left, and a build that exits 0 wrote
  every deck.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import shutil
import traceback
from pathlib import Path

from audit import Watch, allowed_roots
from grammar import FIXED, OUTSIDE, SECRET, CourseFiles

from builder.cli import main

FINDING = re.compile(r"^(?P<path>[^\s:][^:]*):(?P<line>[1-9]\d*): |^slides: ")  # (a folder: no line)
PREVIOUS = "<!-- the previous good build of {stem} -->\n"
OUTSIDE_FILES = {"secret.md": f"# {SECRET}\n", "secret.yaml": f"apiVersion: v1\nkind: ConfigMap\n"
                 f"metadata:\n  name: {SECRET}\n", "secret.png": f"PNG {SECRET}", "deck.yml":
                 f"title: {SECRET}\ncontent:\n- ../../outside/secret.md\n",
                 "pyproject.toml": f"[tool.coursekit]\n{SECRET} = 1\n"}


def write_course(spec: CourseFiles, root: Path) -> Path:
    """The course in `root/course`, its sibling `root/outside` holding secrets."""
    if root.exists():
        shutil.rmtree(root)
    repo, outside = root / "course", (root / "course" / OUTSIDE).resolve()
    outside.mkdir(parents=True)
    for name, text in OUTSIDE_FILES.items():
        (outside / name).write_text(text)
    for rel, data in {**FIXED, **spec.files}.items():
        path = repo / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8", "surrogatepass"))
    for rel, target in spec.links.items():
        path = repo / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() and not path.is_symlink():
            path.symlink_to(os.path.normpath(os.path.join(repo, target)))
    return repo


def run(argv: list[str]) -> tuple[int | None, str, str, str]:
    """(exit status, stdout, stderr, traceback or "") of one in-process CLI run."""
    out, err = io.StringIO(), io.StringIO()
    crash = ""
    code: int | None = None
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        except BaseException:  # noqa: BLE001 - anything else is the finding
            crash = traceback.format_exc()
    return code, out.getvalue(), err.getvalue(), crash


def shares_outside(repo: Path) -> bool:
    """The course's settings name the sibling folder: it may then be read, legitimately."""
    settings = repo / "coursekit.toml"
    return settings.is_file() and not settings.is_symlink() and "shared-folders" in settings.read_text()


def check_course(spec: CourseFiles, root: Path, cache: Path) -> list[str]:
    """Every broken property of one course, as lines (empty: all hold)."""
    repo = write_course(spec, root)
    problems: list[str] = []
    decks = sorted(p.stem for p in (repo / "slides").glob("*.y*ml"))
    for stem in decks:
        previous = repo / "dist" / "en" / f"{stem}.html"
        previous.parent.mkdir(parents=True, exist_ok=True)
        previous.write_text(PREVIOUS.format(stem=stem))
    allowed = allowed_roots(repo, cache)
    shared = shares_outside(repo)
    if shared:
        allowed.append(repo / OUTSIDE)
    here = os.getcwd()
    os.chdir(repo)
    try:
        for argv in (["build", "--lang", "en", "--jobs", "1", "--format", "json"],
                     ["labs", "list"], ["labs", "check", "--format", "json"]):
            with Watch(allowed) as watch:
                code, out, err, crash = run(argv)
            name = " ".join(argv[:2])
            if crash:
                problems.append(f"{name}: traceback\n{crash}")
                continue
            if code not in (0, 1):
                problems.append(f"{name}: exit status {code}")
            problems += [f"{name}: {event} {path}" for event, path in watch.seen]
            if not shared and SECRET in out + err:
                problems.append(f"{name}: a secret of the sibling folder was printed")
            problems += [f"{name}: {p}" for p in findings(argv, out, err, repo)]
            if argv[0] == "build":
                problems += dist_problems(repo, decks, code, shared)
    finally:
        os.chdir(here)
    return problems


def findings(argv: list[str], out: str, err: str, repo: Path) -> list[str]:
    """Every finding names a real `path:line`."""
    found: list[str] = []
    if "--format" in argv:
        try:
            rows = json.loads(out)
        except ValueError:
            return [f"not one JSON array on stdout: {out[:200]!r}"]
        for row in rows:
            line, path = row.get("line"), row.get("path", "")
            if (not isinstance(line, int) or line < 1) and not (repo / path).is_dir():
                found.append(f"a finding without a line: {row}")  # (a folder has no lines)
            if not path or os.path.isabs(path) or path.startswith("..") or not (repo / path).exists():
                found.append(f"a finding without a path of the repository: {row}")
        texts = err.splitlines()
        lines = [t for t in texts if t.strip() and not t.startswith(("built ", "checked "))
                 and not re.fullmatch(r"\S+\.html \(\d+ slides?\)", t)]  # the decks written
        found += [f"stderr is not findings: {t!r}" for t in lines if not FINDING.match(t)]
    else:
        for text in err.splitlines():
            if text.strip() and not FINDING.match(text):
                found.append(f"a finding without path:line: {text!r}")
    return found


def dist_problems(repo: Path, decks: list[str], code: int | None, shared: bool) -> list[str]:
    found: list[str] = []
    dist = repo / "dist"
    for path in dist.rglob("*"):
        if path.name.endswith(".tmp"):
            found.append(f"build: a temporary file was left: {path.relative_to(repo)}")
        elif path.is_symlink():
            found.append(f"build: a link in dist/: {path.relative_to(repo)}")
        elif path.is_file() and not shared and SECRET.encode() in path.read_bytes():
            found.append(f"build: a secret of the sibling folder was published: {path.relative_to(repo)}")
    for stem in decks:
        html = dist / "en" / f"{stem}.html"
        text = html.read_text(errors="replace") if html.is_file() else ""
        if text == PREVIOUS.format(stem=stem):
            if code == 0 and (repo / "slides" / f"{stem}.yml").is_file() and _is_deck(repo, stem):
                found.append(f"build: exit 0 but {stem} was not written")
        elif not (text.startswith("<!DOCTYPE html>") and text.rstrip().endswith("</html>")):
            found.append(f"build: {html.relative_to(repo)} is neither the previous file nor a whole deck")
    return found


def _is_deck(repo: Path, stem: str) -> bool:
    """A manifest found in slides/ that is no deck is skipped (a note), not written: only
    those with a `content` or `chapters` key at the top are decks."""
    text = (repo / "slides" / f"{stem}.yml").read_bytes().decode("utf-8", "replace")
    return bool(re.search(r"^(content|chapters):", text, re.M))
