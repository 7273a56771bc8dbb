"""`make bench` (lint): `coursekit lint` as a fresh process, on this project's course and on the
2,400-slide deck of the realistic bench course (tests/bench/realistic.py: pictures, diagrams,
code, labs and `--` steps in the proportions of a real course).

Targets (issue 16), on a 2-core machine: the project's course (2 decks, 2 languages) in 10 s or
less; a 2,400-slide deck in 60 s or less. Timed both with a fresh build (the command builds
first) and reusing an up-to-date build. Prints figures only, asserts nothing.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.bench.realistic import realistic_course  # noqa: E402

WORK = ROOT / "bench-out" / "lint"
COURSEKIT = [sys.executable, "-m", "builder"]


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

    course = realistic_course()
    big, out = course.biggest, WORK / "realistic-dist"
    args = ("--repo", str(course.repo), "--out", str(out), "--lang", "en", f"slides/{big}.yml")
    subprocess.run([*COURSEKIT, "build", *args[:-1], "-q", args[-1]], check=True)
    sections = (out / "en" / f"{big}.html").read_text().count('<section class="slide')
    runs = [lint(*args) for _ in range(2)]
    show(f"{big} ({sections} slides), reusing the build:", runs, 60)
    checks: dict[str, int] = {}
    for d in runs[-1][1]:
        checks[d["check"]] = checks.get(d["check"], 0) + 1
    print(f"{'':44s} findings by check (generated slides): {checks}")
    os.utime(out / "en" / f"{big}.html", (0, 0))  # older than its sources: lint builds first
    show(f"{big} ({sections} slides), building first:", [lint(*args)], 60)


if __name__ == "__main__":
    main()
