"""`make bench` (realistic): the figures of issue 15, each beside its target, on the realistic
synthetic course (tests/bench/realistic.py) or, with `--corpus PATH` (`make bench CORPUS=PATH`),
on a real course. Prints figures; asserts nothing about time.

Builds are timed as users run them: a fresh `coursekit build` process each time, median of
several runs, CPU time of the process and its workers beside the wall time (this machine's
two cores are shared, and CPU time says more than wall time when they are busy).

- from scratch: into an empty folder, with `--no-cache` when the CLI has it;
- no-op rebuild: a second build into the same folder, nothing changed;
- one chapter changed: the same after the biggest chapter of the biggest deck was edited, on a
  copy of the course so the course itself is never touched;
- peak memory: the largest sum of resident memory over the build process and its workers,
  sampled from /proc every few milliseconds;
- first slide / next slide: the biggest deck, with its pictures, from file:// in Chromium;
- labs check: `coursekit labs check` with kubectl's grammar learnt first (cold) or cached (warm);
- how cost grows: the from-scratch build at 1x, 2x and 4x the course (synthetic only).

A real course is read in place and built into bench-out/; the bench checks afterwards that
nothing in it was written.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.bench.realistic import OUT, realistic_course  # noqa: E402

WORK = OUT / "runs"


# --------------------------------------------------------------------------- figures

@dataclass(slots=True)
class Figure:
    measure: str
    target: float
    unit: str  # s, ms or MB
    value: float | None = None
    how: str = ""  # how it was measured, or why there is no figure
    cpu: float | None = None  # seconds of CPU of the process and its workers (median)

    def shown(self, value: float | None) -> str:
        if value is None:
            return "n/a"
        if self.unit == "ms":
            return f"{value:.0f} ms" if value >= 10 else f"{value:.1f} ms"
        if self.unit == "MB":
            return f"{value:.0f} MB"
        return f"{value:.2f} s"

    def verdict(self) -> str:
        if self.value is None:
            return "n/a"
        return "meets target" if self.value <= self.target else "MISSES target"


@dataclass(slots=True)
class Figures:
    items: dict[str, Figure] = field(default_factory=dict)

    def add(self, key: str, measure: str, target: float, unit: str) -> Figure:
        self.items[key] = Figure(measure, target, unit)
        return self.items[key]

    def table(self) -> str:
        rows = [("Measure", "Target", "Now", "Verdict", "CPU time"), ("",) * 5]
        for f in self.items.values():
            cpu = "" if f.cpu is None else f"{f.cpu:.2f} s"
            rows.append((f.measure, f"<= {f.shown(f.target)}", f.shown(f.value), f.verdict(), cpu))
        widths = [max(len(r[i]) for r in rows) for i in range(5)]
        lines = ["| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |"
                 for r in rows]
        lines[1] = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
        notes: dict[str, list[str]] = {}  # one line per explanation, however many figures share it
        for f in self.items.values():
            if f.how:
                notes.setdefault(f.how, []).append(f.measure)
        return "\n".join(lines + [""] + [f"- {'; '.join(m)}: {how}" for how, m in notes.items()])


def figures() -> Figures:
    out = Figures()
    out.add("scratch", "Realistic course, English + French, from scratch", 0.9, "s")
    out.add("noop", "No-op rebuild", 0.2, "s")
    out.add("chapter", "One chapter changed", 0.3, "s")
    out.add("first", "First slide of the 2,400-slide deck with pictures, median", 80, "ms")
    out.add("next", "Next slide, p95", 16, "ms")
    out.add("warm", "`labs check` of about 800 labs, warm", 0.8, "s")
    out.add("cold", "`labs check` of about 800 labs, cold", 3, "s")
    out.add("memory", "Peak memory of the full build", 400, "MB")
    return out


def spread(values: list[float], unit: str = "s") -> str:
    shown = ", ".join(f"{v:.2f}" for v in values)
    return f"median of {len(values)} (runs: {shown} {unit})"


# --------------------------------------------------------------------------- processes

def coursekit() -> list[str]:
    """The `coursekit` command users run: the console script beside this Python."""
    script = Path(sys.executable).with_name("coursekit")
    return [str(script)] if script.exists() else [sys.executable, "-m", "builder"]


def accepts_no_cache() -> bool:
    help_text = subprocess.run([*coursekit(), "build", "--help"], capture_output=True,
                               text=True).stdout
    return "--no-cache" in help_text


class BuildFailed(Exception):
    pass


@dataclass(slots=True)
class Run:
    wall: float
    cpu: float  # user + system seconds of the process and every worker it waited for
    peak_rss: float = 0.0  # MB, summed over the process tree at its largest
    peak_pss: float = 0.0  # MB, the same with shared pages counted once
    largest: float = 0.0  # MB, the largest single process (getrusage's ru_maxrss)
    output: str = ""
    code: int = 0


def _children(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        found.append(p)
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    todo.extend(int(c) for c in f.read().split())
        except OSError:
            continue
    return found


def _memory(pids: list[int]) -> tuple[int, int]:
    rss = pss = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/smaps_rollup") as f:
                for line in f:
                    if line.startswith("Rss:"):
                        rss += int(line.split()[1])
                    elif line.startswith("Pss:"):
                        pss += int(line.split()[1])
        except OSError:
            continue
    return rss, pss


def run(args: list[str], env: dict[str, str], sample_memory: bool = False,
        accept: tuple[int, ...] = (0,)) -> Run:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    process = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
    peak = [0, 0]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            rss, pss = _memory(_children(process.pid))
            peak[0], peak[1] = max(peak[0], rss), max(peak[1], pss)
            done.wait(0.004)

    sampler = threading.Thread(target=sample, daemon=True) if sample_memory else None
    if sampler:
        sampler.start()
    try:
        stdout, stderr = process.communicate()
    except BaseException:  # Ctrl-C: leave no build behind
        process.kill()
        process.wait()
        raise
    finally:
        done.set()
    wall = time.perf_counter() - t0
    if sampler:
        sampler.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if process.returncode not in accept:
        raise BuildFailed(_first_error(stdout + stderr, process.returncode))
    return Run(wall, cpu, peak[0] / 1024, peak[1] / 1024, after.ru_maxrss / 1024, stdout + stderr,
               process.returncode)


def _first_error(output: str, code: int) -> str:
    lines = [x for x in output.splitlines() if x.strip()]
    errors = [x for x in lines if ": warning:" not in x and ": note:" not in x]
    shown = (errors or lines or [f"exit status {code}"])[-1 if "Traceback" in output else 0]
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return f"exit {code}: {shown.strip()}{more}"


class Builder:
    """Fresh `coursekit build` processes on one course, with the user's own cache folder (it
    holds what `make setup` fetched, such as mermaid's browser build, as it does for users)."""

    def __init__(self, repo: Path, work: Path, langs: str = "en,fr") -> None:
        self.repo, self.work, self.langs = repo, work, langs
        self.no_cache = accepts_no_cache()
        self.env = dict(os.environ)
        self.partial = ""  # "built 11 of 12 deck" when some deck of the course does not build

    def build(self, out: Path, *, scratch: bool = False, repo: Path | None = None,
              sample_memory: bool = False) -> Run:
        if scratch:
            shutil.rmtree(out, ignore_errors=True)
        args = [*coursekit(), "build", "-q", "--lang", self.langs, "--repo",
                str(repo or self.repo), "--out", str(out)]
        if scratch and self.no_cache:
            args.append("--no-cache")
        # A real course may have a broken deck: the others are built (exit 1), and timed.
        done = run(args, self.env, sample_memory, accept=(0, 1))
        if done.code != 0:
            built = re.search(r"built (\d+) of (\d+) decks?", done.output)
            if built is None or int(built.group(1)) == 0:
                raise BuildFailed(_first_error(done.output, done.code))
            self.partial = built.group(0)
        return done


# --------------------------------------------------------------------------- measures

def measure_builds(course: Path, work: Path, runs: int, out: Figures) -> Path | None:
    """From scratch, peak memory, no-op, one chapter changed. Returns the built folder."""
    builder = Builder(course, work)
    how_scratch = ("fresh output folder" + (" and --no-cache" if builder.no_cache else
                                           " (the CLI has no --no-cache yet)"))
    try:  # memory first: getrusage's largest child is then this build's
        memory = builder.build(work / "scratch", scratch=True, sample_memory=True)
    except BuildFailed as exc:
        for key in ("scratch", "noop", "chapter", "memory", "first", "next"):
            out.items[key].how = f"the build fails: {exc}"
        return None
    out.items["memory"].value = memory.peak_rss
    out.items["memory"].how = (f"resident memory of the build process and its workers summed, "
                               f"at its largest (sampled every 4 ms): {memory.peak_rss:.0f} MB; "
                               f"counting shared pages once (PSS): {memory.peak_pss:.0f} MB; "
                               f"largest single process: {memory.largest:.0f} MB")

    scratch = [builder.build(work / "scratch", scratch=True) for _ in range(runs)]
    wall = [r.wall for r in scratch]
    out.items["scratch"].value = statistics.median(wall)
    out.items["scratch"].cpu = statistics.median(r.cpu for r in scratch)
    out.items["scratch"].how = f"{how_scratch}, {spread(wall)}"
    if builder.partial:  # the course's own broken deck: the others are what is timed
        out.items["scratch"].how += f"; the course as it is: {builder.partial}, the others timed"

    built = work / "noop"
    builder.build(built, scratch=True)
    noop = [builder.build(built) for _ in range(runs)]
    out.items["noop"].value = statistics.median(r.wall for r in noop)
    out.items["noop"].cpu = statistics.median(r.cpu for r in noop)
    out.items["noop"].how = (f"a second build into the same folder, nothing changed; "
                             f"{spread([r.wall for r in noop])}")

    measure_one_chapter(builder, course, work, runs, out.items["chapter"])
    return built


def chapter_to_edit(repo: Path) -> str | None:
    """The biggest chapter of the biggest deck (the one with the most chapters), as a trainer
    editing the main deck would; the biggest chapter of all when no deck can be read."""
    from builder.build import find_manifests
    from builder.manifest import load_manifest

    decks = []
    try:
        manifests = find_manifests(repo)
    except Exception:  # noqa: BLE001 - a course the builder cannot read: fall back below
        manifests = []
    for manifest in manifests:
        try:
            decks.append({e.path for e in load_manifest(manifest, repo).entries if e.inline is None})
        except Exception:  # noqa: BLE001
            continue
    paths = max(decks, key=len) if decks else (repo / "slides").rglob("*.md")
    chapters = [p for p in (repo / str(x) for x in paths) if p.is_file()]
    if not chapters:
        return None
    return str(max(chapters, key=lambda p: (p.stat().st_size, p)).relative_to(repo))


NOT_COURSE = (".git", ".venv", "bench-out", "dist", "node_modules", "__pycache__", ".pytest_cache",
              ".ruff_cache")


def measure_one_chapter(builder: Builder, course: Path, work: Path, runs: int,
                        figure: Figure) -> None:
    """On a copy (hard links inside bench-out, a plain copy of a real course in a temporary
    folder): build once, then edit one chapter before each timed build."""
    inside = course.is_relative_to(ROOT)
    copy = work / "edited-course" if inside else Path(tempfile.mkdtemp(prefix="coursekit-bench-"))
    shutil.rmtree(copy, ignore_errors=True)
    try:
        shutil.copytree(course, copy, copy_function=os.link if inside else shutil.copy2,
                        ignore=shutil.ignore_patterns(*NOT_COURSE), symlinks=True)
        chapter = chapter_to_edit(copy)
        if chapter is None:
            figure.how = "no chapter to change"
            return
        original = (copy / chapter).read_text(encoding="utf-8")
        out = work / "edited"
        builder.build(out, scratch=True, repo=copy)
        builder.build(out, repo=copy)  # the cache filled, as a trainer's is (scratch: --no-cache)
        done = []
        for n in range(runs):
            edited = copy / chapter
            tmp = edited.with_name(edited.name + ".bench")
            tmp.write_text(original.rstrip("\n") + f"\n\n---\n\n## Edited {n}\n\n- one more "
                           f"bullet, number {n}\n", encoding="utf-8")
            os.replace(tmp, edited)  # a new file: the hard link to the course is broken, not written
            done.append(builder.build(out, repo=copy))
        times = [r.wall for r in done]
        figure.value = statistics.median(times)
        figure.cpu = statistics.median(r.cpu for r in done)
        figure.how = (f"a rebuild into the same folder after a slide was added to {chapter} "
                      f"(the biggest chapter of the biggest deck), on a copy of the course; {spread(times)}")
    except BuildFailed as exc:
        figure.how = f"the build fails: {exc}"
    finally:
        shutil.rmtree(copy, ignore_errors=True)


def measure_labs(course: Path, work: Path, runs: int, out: Figures) -> None:
    cache = work / "labs-cache"
    env = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    args = [*coursekit(), "labs", "check", "-q", "--repo", str(course)]

    def once() -> Run:
        done = run(args, env, accept=(0, 1))  # 1: the course has lab errors, still a full check
        if not any(x.startswith("checked") for x in done.output.splitlines()):
            raise BuildFailed(_first_error(done.output, 1))
        return done

    try:
        cold = []
        for _ in range(max(2, runs // 2)):
            shutil.rmtree(cache, ignore_errors=True)
            cold.append(once())
        warm_runs = [once() for _ in range(runs)]
        # The same check without the results it kept: what a warm check costs when every
        # chapter changed (kubectl's grammar still cached).
        args.append("--no-cache")
        recheck = [once() for _ in range(max(2, runs // 2))]
    except BuildFailed as exc:
        out.items["warm"].how = out.items["cold"].how = f"labs check fails: {exc}"
        return
    summary = [x for x in warm_runs[-1].output.splitlines() if x.startswith("checked")][-1]
    labs = re.search(r"checked (\d+) labs", summary)
    for key, runs_of, how in (("warm", warm_runs, "kubectl's grammar cached"),
                              ("cold", cold, "kubectl's grammar learnt first")):
        times = [r.wall for r in runs_of]
        out.items[key].value = statistics.median(times)
        out.items[key].cpu = statistics.median(r.cpu for r in runs_of)
        out.items[key].how = f"{how}; {spread(times)}"
    out.items["warm"].how += (f"; every chapter checked again (--no-cache): "
                              f"{statistics.median(r.wall for r in recheck):.2f} s wall, "
                              f"{statistics.median(r.cpu for r in recheck):.2f} s CPU; it said: {summary}")
    if labs:
        for key in ("warm", "cold"):
            out.items[key].measure = out.items[key].measure.replace("about 800", labs.group(1))


CONTENT_SLIDE = re.compile(r'<section class="slide(?![^>]*data-generated)')


def biggest_deck(built: Path) -> tuple[Path, int] | None:
    """The English deck with the most content slides (generated title and contents slides
    aside), and that number."""
    decks = [(p, len(CONTENT_SLIDE.findall(p.read_text(encoding="utf-8"))))
             for p in (built / "en").glob("*.html") if not p.stem.endswith("-outline")]
    return max(decks, key=lambda d: d[1]) if decks else None


def measure_browser(built: Path | None, out: Figures, loads: int = 7, presses: int = 50,
                    rounds: int = 4) -> None:
    """First paint over `loads` openings of the biggest deck; the next slide over `rounds`
    openings of `presses` presses each, at random moments as a person presses (see
    `key_timings_at_random`), pooled."""
    first, nxt = out.items["first"], out.items["next"]
    if built is None:
        return
    found = biggest_deck(built)
    if found is None:
        first.how = nxt.how = "no deck was built"
        return
    deck, slides = found
    html = deck.read_text(encoding="utf-8")
    sections = html.count('<section class="slide')
    pictures = len(set(re.findall(r'<img[^>]*src="([^"]+)"', html)))
    from playwright.sync_api import sync_playwright

    from builder.render.pdf import CHROMIUM, CHROMIUM_ARGS
    from tests.bench.bench_browser import first_paint, key_timings_at_random

    if not Path(CHROMIUM).exists():
        first.how = nxt.how = f"no Chromium at {CHROMIUM}"
        return

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 720})
        context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(("file:", "about:"))
                      else r.abort())
        page = context.new_page()
        url = deck.as_uri()
        first_paint(page, url)  # the file cache warm, as for a trainer who opened it before
        paints = [first_paint(page, url)["fcp"] for _ in range(loads)]
        start, rng, per_round = min(1000, sections // 2), random.Random(7), []
        for _ in range(rounds):
            first_paint(page, url)
            page.goto(url + f"#{start}")
            per_round.append(sorted(x["frame"] for x in
                                    key_timings_at_random(page, "ArrowRight", presses, rng)))
        browser.close()
    frames = sorted(f for r in per_round for f in r)
    where = (f"{deck.name}: {slides:,} content slides ({sections:,} with the generated ones), "
             f"{len(html) / 1e6:.1f} MB of HTML, "
             f"{pictures} picture(s), from file:// in headless Chromium")
    first.measure = first.measure.replace("2,400", f"{slides:,}")
    first.value = statistics.median(paints)
    first.how = f"{where}; first contentful paint, {spread(paints, 'ms')}"
    def p95(values: list[float]) -> float:
        return values[min(len(values) - 1, int(len(values) * 0.95))]

    nxt.value = p95(frames)
    nxt.how = (f"ArrowRight from slide {start}, keydown to the end of the frame that shows the "
               f"next slide; {rounds} openings of {presses} presses at random moments, pooled "
               f"(p95 of each: {', '.join(f'{p95(r):.1f}' for r in per_round)} ms); median "
               f"{statistics.median(frames):.1f} ms, fastest {frames[0]:.1f} ms. At 60 frames a "
               f"second a press waits for the next frame: the p95 cannot go below about 15.8 ms "
               f"plus the frame's own work")


def measure_growth(scratch: Figure, runs: int) -> str:
    """The from-scratch build at 1x, 2x and 4x the realistic course."""
    lines = ["How cost grows (English + French from scratch; chapters, decks and pictures "
             "scaled together):"]
    if scratch.value is None or scratch.cpu is None:
        return lines[0] + " n/a, the build fails"
    base, base_cpu = scratch.value, scratch.cpu
    lines.append(f"  1x: {base:6.2f} s wall (1.00x), {base_cpu:6.2f} s CPU (1.00x)")
    for scale in (2, 4):
        course = realistic_course(scale)
        builder = Builder(course.repo, WORK / f"x{scale}")
        try:
            done = [builder.build(WORK / f"x{scale}" / "out", scratch=True)
                    for _ in range(max(1, (runs + 1) // 2))]
        except BuildFailed as exc:
            lines.append(f"  {scale}x: the build fails: {exc}")
            continue
        shutil.rmtree(WORK / f"x{scale}" / "out", ignore_errors=True)
        wall = statistics.median(r.wall for r in done)
        cpu = statistics.median(r.cpu for r in done)
        lines.append(f"  {scale}x: {wall:6.2f} s wall ({wall / base:.2f}x), {cpu:6.2f} s CPU "
                     f"({cpu / base_cpu:.2f}x); linear is {scale:.2f}x; "
                     f"{spread([r.wall for r in done])}")
    return "\n".join(lines)


# --------------------------------------------------------------------------- main

def describe(repo: Path) -> str:
    slides = repo / "slides"
    chapters = list(slides.rglob("*.md"))
    pictures = [p for p in slides.rglob("*") if p.suffix.lower() in PICTURES and p.is_file()]
    decks = list(slides.glob("*.yml")) + list(slides.glob("*.yaml"))
    return (f"{len(chapters)} chapters, {sum(p.stat().st_size for p in chapters) / 1e6:.2f} MB of "
            f"Markdown; {len(pictures)} pictures, "
            f"{sum(p.stat().st_size for p in pictures) / 1e6:.1f} MB; {len(decks)} YAML files "
            f"in slides/")


PICTURES = {".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp"}


def snapshot(tree: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(tree)): (p.stat().st_size, p.stat().st_mtime_ns)
            for p in tree.rglob("*") if p.is_file() and not set(NOT_COURSE) & set(p.parts)}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=None,
                        help="a real course to measure instead of the realistic synthetic one")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per figure (median)")
    parser.add_argument("--no-growth", action="store_true", help="skip the 2x and 4x builds")
    args = parser.parse_args(argv)

    load = os.getloadavg()[0]
    if args.corpus:
        course = args.corpus.resolve()
        if not (course / "slides").is_dir():
            sys.exit(f"{args.corpus}: not a course (no slides/ folder)")
        before = snapshot(course)
        work = WORK / "corpus"
        print(f"real course: {course}: {describe(course)}")
    else:
        generated = realistic_course(1)
        course = generated.repo
        work = WORK / "x1"
        print(f"realistic course: {course.relative_to(ROOT)}: {generated.describe()}")
    print(f"{os.cpu_count()} cores, load average {load:.1f} when the bench started")

    out = figures()
    built = measure_builds(course, work, args.runs, out)
    measure_browser(built, out)
    measure_labs(course, work, args.runs, out)
    print()
    print(out.table())
    print()
    busy = max(load, os.getloadavg()[0])
    if busy > (os.cpu_count() or 1):
        print(f"Note: the load average reached {busy:.1f} on {os.cpu_count()} cores during the "
              "bench: wall times include waiting for a core. The CPU time column (the process and "
              "its workers) is the work itself.")
    if args.corpus:
        print("How cost grows: measured on the synthetic course only (run without CORPUS).")
        after = snapshot(course)
        changed = sorted(set(before.items()) ^ set(after.items()))
        if changed:
            print(f"WARNING: the bench changed {len(changed)} file(s) in {course}: "
                  f"{', '.join(sorted({p for p, _ in changed})[:5])}")
    elif not args.no_growth:
        print(measure_growth(out.items["scratch"], args.runs))
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores when the bench ended")


if __name__ == "__main__":
    main()
