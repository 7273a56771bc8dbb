"""`make bench` (lint): `coursekit lint` as a fresh process, on this project's course and on a
synthetic deck of about 2,400 slides.

Targets (issue 16), on a 2-core machine: the project's course (2 decks, 2 languages) in 10 s or
less; a 2,400-slide deck in 60 s or less. Timed both with a fresh build (the command builds
first) and reusing an up-to-date build. Prints figures only, asserts nothing.
"""

from __future__ import annotations

import json
import os
import random
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.bench.synth import _slide  # noqa: E402

WORK = ROOT / "bench-out" / "lint"
COURSEKIT = [sys.executable, "-m", "builder"]


def make_deck(root: Path, chapters: int = 58, slides: int = 26) -> Path:
    """One deck of synthetic chapters shaped like real ones (labs, steps, code, notes)."""
    rng = random.Random(16)
    (root / "slides" / "ch").mkdir(parents=True)
    names = []
    for c in range(chapters):
        body = [f"# Chapter {c}\n\n- overview of chapter {c}"]
        body += [_slide(rng, c, n) for n in range(slides - 1)]
        (root / "slides" / "ch" / f"c{c:03d}.md").write_text("\n---\n".join(body) + "\n")
        names.append(f"ch/c{c:03d}.md")
    parts = [names[i : i + 10] for i in range(0, len(names), 10)]
    content = "\n".join("- - " + "\n  - ".join(p) for p in parts)
    (root / "slides" / "big.yml").write_text(f"title: Big deck\ncontent:\n{content}\n")
    return root


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def lint(*args: str) -> tuple[float, list[dict], str]:
    """Wall-clock seconds (and, in the closing line, the CPU seconds of the command and its
    Chromium: on a shared machine the wall clock mostly measures the neighbours)."""
    started, cpu = time.perf_counter(), _cpu()
    result = subprocess.run([*COURSEKIT, "lint", "--format", "json", *args], capture_output=True,
                            text=True, cwd=ROOT)
    seconds = time.perf_counter() - started
    cpu = _cpu() - cpu
    if result.returncode not in (0, 1):
        raise SystemExit(f"coursekit lint failed:\n{result.stderr}")
    closing = result.stderr.strip().splitlines()[-1]
    return seconds, json.loads(result.stdout), f"{closing} [CPU {cpu:.1f} s, load {os.getloadavg()[0]:.1f}]"


def show(label: str, runs: list[tuple[float, list[dict], str]], target: float) -> None:
    times = ", ".join(f"{s:.1f} s" for s, _, _ in runs)
    print(f"{label:44s} {times}  [target <= {target:.0f} s]")
    print(f"{'':44s} {runs[-1][2]}")


def main() -> None:
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    course_out = WORK / "course-dist"
    cold = lint("--repo", str(ROOT), "--out", str(course_out))
    warm = [lint("--repo", str(ROOT), "--out", str(course_out)) for _ in range(2)]
    show("project course, building first:", [cold], 10)
    show("project course, reusing the build:", warm, 10)

    deck = make_deck(WORK / "big")
    subprocess.run([*COURSEKIT, "build", "--repo", str(deck), "--lang", "en", "-q"], check=True)
    html = (deck / "dist" / "en" / "big.html").read_text()
    sections = html.count('<section class="slide')
    big = [lint("--repo", str(deck), "--lang", "en") for _ in range(2)]
    show(f"{sections}-slide deck, reusing the build:", big, 60)
    checks: dict[str, int] = {}
    for d in big[-1][1]:
        checks[d["check"]] = checks.get(d["check"], 0) + 1
    print(f"{'':44s} findings by check (synthetic slides): {checks}")
    (deck / "slides" / "ch" / "c000.md").touch()
    show(f"{sections}-slide deck, building first:", [lint("--repo", str(deck), "--lang", "en")], 60)


if __name__ == "__main__":
    main()
