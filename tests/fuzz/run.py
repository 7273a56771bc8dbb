"""`make fuzz`: generated courses through the real CLI for a time budget, then the counts.

    python tests/fuzz/run.py [--minutes 10]

Runs the property of tests/fuzz/test_fuzz_courses.py (profile `fuzz`) in batches until the
budget is spent, each batch a fresh search; a failing example is shrunk, printed, and counted,
and the search goes on. Prints the examples tried and the failures; exits 1 when any failed.
The kubectl grammar comes from the user's cache (`make setup` or a first `labs check` fills it).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from grammar import course  # noqa: E402
from harness import check_course  # noqa: E402
from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402

BATCH = 300  # examples per search: Hypothesis grows them over a search, so not too few


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--no-shrink", action="store_true",
                        help="report failing examples as found (faster triage, longer examples)")
    args = parser.parse_args()
    phases = [Phase.generate, Phase.target] + ([] if args.no_shrink else [Phase.shrink])
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    root = Path(tempfile.mkdtemp(prefix="coursekit-fuzz-"))
    tried = 0
    failures: list[str] = []
    deadline = time.monotonic() + args.minutes * 60
    started = time.monotonic()

    @settings(max_examples=BATCH, deadline=None, database=None, print_blob=True, phases=phases,
              suppress_health_check=list(HealthCheck))
    @given(course())
    def property_holds(spec) -> None:
        nonlocal tried
        tried += 1
        problems = check_course(spec, root / "course-under-test", cache)
        assert not problems, "\n".join(problems)

    try:
        while time.monotonic() < deadline:
            try:
                property_holds()
            except Exception as exc:  # a failing example, shrunk: keep it and search on
                failures.append(str(exc))
                print(f"FAILURE {len(failures)}:\n{exc}\n", flush=True)
            print(f"fuzz: {tried} examples tried, {len(failures)} failures, "
                  f"{time.monotonic() - started:.0f} s", flush=True)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    print(f"fuzz: {tried} examples tried in {time.monotonic() - started:.0f} s: "
          f"{len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
