"""`make bench` (build): full build time of a synthetic course and the time per deck.

Target (issue 2): 300 chapters, about 8,000 slides, 15 decks sharing chapters, full build under
3 s on a 2-core machine. Prints figures; asserts nothing about time.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from builder.build import build  # noqa: E402
from tests.bench.synth import make_course  # noqa: E402

WORK = Path(__file__).resolve().parents[2] / "bench-out" / "build"


def translate_everything(repo: Path) -> None:
    """French catalogs for the whole synthetic course (the English text marked, placeholders
    kept), so that the French build does every lookup and every re-parse a real one does."""
    import io

    from babel.messages.pofile import read_po, write_po

    from builder.i18n.workflow import update

    done, _ = update(repo, "fr")
    for po, _, _ in done:
        catalog = read_po(po.open("rb"), locale="fr")
        for message in catalog:
            if message.id:
                message.string = "FR " + message.id
        buffer = io.BytesIO()
        write_po(buffer, catalog)
        po.write_bytes(buffer.getvalue())


def main() -> None:
    shutil.rmtree(WORK, ignore_errors=True)
    repo = make_course(WORK / "course")
    chapters = list((repo / "slides" / "synth").glob("*.md"))
    slides = sum(p.read_text().count("\n---\n") + 1 for p in chapters)
    print(f"synthetic course: {len(chapters)} chapters, {slides} source slides, "
          f"{len(list((repo / 'slides').glob('*.yml')))} decks")

    translate_everything(repo)
    medians = {}
    # From scratch (--no-cache: every chapter compiled, as before the build cache existed), then
    # into an empty output folder with the chapters kept in the build cache.
    for label, flags in (("from scratch (--no-cache)", ["--no-cache"]),
                         ("into an empty folder, chapters cached", [])):
        for lang in ("en", "fr", "en,fr"):
            cold = []
            for _ in range(5):
                shutil.rmtree(WORK / "dist", ignore_errors=True)
                t0 = time.perf_counter()
                subprocess.run([sys.executable, "-m", "builder", "build", "-q", *flags, "--lang", lang,
                                "--repo", str(repo), "--out", str(WORK / "dist")], check=True)
                cold.append(time.perf_counter() - t0)
            medians[label, lang] = statistics.median(cold)
            print(f"full build --lang {lang}, {label}, `coursekit build` as a fresh process: "
                  f"median {medians[label, lang]:.2f} s, best {min(cold):.2f} s "
                  f"(runs: {', '.join(f'{t:.2f}' for t in cold)})")
        scratch = "from scratch (--no-cache)"
        if label == scratch:
            print(f"French build / English build: "
                  f"{medians[scratch, 'fr'] / medians[scratch, 'en']:.2f}x")

    shutil.rmtree(WORK / "dist", ignore_errors=True)
    report = build(repo, WORK / "dist", langs=("en",), cache=False)
    shown = sum(o.slides for o in report.outputs)
    phases = ", ".join(f"{k} {v:.2f} s" for k, v in report.phases.items())
    print(f"in-process build: {report.seconds:.2f} s total ({phases}); "
          f"{report.chapters} distinct chapters compiled once each on all cores; "
          f"{shown} slides shown across decks")
    print("per deck (assembly + template):")
    for o in report.outputs:
        print(f"  {o.path.name:14} {o.slides:5d} slides  {o.seconds * 1000:6.1f} ms")
    print(f"  mean {statistics.mean(o.seconds for o in report.outputs) * 1000:.1f} ms per deck")


if __name__ == "__main__":
    main()
