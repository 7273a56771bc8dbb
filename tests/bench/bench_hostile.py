"""`make bench` (hostile): hostile input costs time linear in its size (issue 13).

Each case is a one-chapter course whose chapter is one hostile construct, built from scratch
by `coursekit build` as a fresh process (interpreter start included). Issue 13's target is the
first: a line of 50,000 unclosed macros in under a second on a 2-core machine; the others show
that their constructs cost no more than their size (a line of 350 KB takes markdown-it's inline
parser about a second by itself). Prints figures; asserts nothing about time.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

WORK = Path(__file__).resolve().parents[2] / "bench-out" / "hostile"

CASES = {
    "a line of 50,000 unclosed macros (.a[.a[...)": ".a[" * 50_000,
    "a line of 50,000 unclosed macros after code spans (x.a[`[`...)": "x.a[`[`" * 50_000,
    "a line of 50,000 macro names with no bracket (a.ba.ba.b...)": "a.b" * 50_000,
    "20,000 lines of fences that nothing closes": "```a\n" * 20_000,
    "20,000 lines of unclosed block macros": ".b[\n" * 20_000,
}

FIRST = next(iter(CASES))


def main() -> None:
    for label, text in CASES.items():
        repo = WORK / "course"
        shutil.rmtree(WORK, ignore_errors=True)
        (repo / "slides").mkdir(parents=True)
        (repo / "slides" / "d.yml").write_text("title: T\ncontent:\n- ch.md\n")
        (repo / "slides" / "ch.md").write_text(f"# Hostile\n\n{text}\n\n---\n\nafter\n")
        runs = []
        for _ in range(3):
            shutil.rmtree(repo / "dist", ignore_errors=True)
            t0 = time.perf_counter()
            subprocess.run([sys.executable, "-m", "builder", "build", "-q", "--no-cache", "--lang", "en",
                            "--jobs", "1", "--repo", str(repo)], check=True, capture_output=True)
            runs.append(time.perf_counter() - t0)
        median = statistics.median(runs)
        size = len(text.encode()) / 1000
        if label == FIRST:
            target = f"[target <= 1 s: {'meets target' if median <= 1.0 else 'MISSES target'}]"
        else:
            target = f"[{size:,.0f} KB]"
        print(f"{label:66} {median:5.2f} s  {target} (runs: {', '.join(f'{r:.2f}' for r in runs)})")


if __name__ == "__main__":
    main()
