"""`coursekit labs run`: each chapter's labs replayed in order, in one shell, on the target.

A chapter stops at its first failing step; the report says where (file:line), what was typed,
what came back, and on a cluster what the namespace looked like.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from builder.diagnostics import CourseError, Diagnostic, warning
from builder.labs.cluster import Target
from builder.labs.reaper import Proc
from builder.labs.session import BashSession, StepResult, Timeouts
from builder.labs.shell import ShellSyntaxError, commands
from builder.labs.transcript import cut, printable
from builder.model import Chapter, Lab, Step

TAIL_LINES = 40
TAIL_WIDTH = 200  # the session's terminal is 200 columns wide


@dataclass(slots=True)
class LabResult:
    lab: Lab
    steps: list[StepResult] = field(default_factory=list)

    @property
    def status(self) -> str:
        states = {r.status for r in self.steps}
        if "failed" in states:
            return "failed"
        if not self.steps or states <= {"not run"}:
            return "not run"
        return "passed"


@dataclass(slots=True)
class ChapterResult:
    chapter: Chapter
    namespace: str | None = None
    labs: list[LabResult] = field(default_factory=list)
    diagnostics: str = ""
    seconds: float = 0.0
    warnings: list[Diagnostic] = field(default_factory=list)

    @property
    def failure(self) -> StepResult | None:
        return next((r for lab in self.labs for r in lab.steps if r.status == "failed"), None)

    def killed(self, leftovers: list[tuple[Proc, Step | None]]) -> None:
        """The session's processes that outlived the chapter and were killed: warn at their steps."""
        self.warnings.extend(leftover_warnings(self.chapter, leftovers))

    def lab_warnings(self, lab: LabResult) -> list[Diagnostic]:
        """The warnings at one of this lab's steps; those at no step of any lab go to the last
        lab, so that a report organised by lab still shows every one."""
        steps = {(r.step.path, r.step.line) for r in lab.steps}
        anywhere = {(r.step.path, r.step.line) for other in self.labs for r in other.steps}
        last = bool(self.labs) and lab is self.labs[-1]
        return [w for w in self.warnings if (w.path, w.line) in steps
                or (last and (w.path, w.line) not in anywhere)]


@dataclass(slots=True)
class RunReport:
    mode: str
    cluster: str
    chapters: list[ChapterResult] = field(default_factory=list)

    @property
    def failed(self) -> list[ChapterResult]:
        return [c for c in self.chapters if c.failure is not None]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [w for c in self.chapters for w in c.warnings]

    def summary(self) -> str:
        steps = [r for c in self.chapters for lab in c.labs for r in lab.steps]
        count = {s: sum(r.status == s for r in steps) for s in ("passed", "failed", "skipped", "not run")}
        where = f" on {self.mode} cluster {self.cluster}" if self.cluster else " without a cluster"
        warned = len(self.warnings)
        warnings = f", {warned} warning{'s' if warned != 1 else ''}" if warned else ""
        return (f"ran {len(self.chapters)} chapter(s){where}: {count['passed']} steps passed, "
                f"{count['failed']} failed, {count['skipped']} skipped, {count['not run']} not run"
                f"{warnings}")


def programs_needed(chapters: list[Chapter]) -> dict[str, list[str]]:
    """Programs the labs call, with the chapters that call them (from the shell parse)."""
    needed: dict[str, list[str]] = {}
    for chapter in chapters:
        for lab in chapter.labs:
            for step in lab.steps:
                if step.method not in ("bash", "hide"):
                    continue
                try:
                    found = commands(step.data)
                except ShellSyntaxError:
                    continue
                for cmd in found:
                    program = cmd.words[0]
                    if "/" in program or "$" in program or "=" in program:
                        continue
                    users = needed.setdefault(program, [])
                    if chapter.path not in users:
                        users.append(chapter.path)
    return needed


def _shell_words() -> set[str]:
    """bash's builtins and keywords: never looked up on PATH."""
    result = subprocess.run(["bash", "-c", "compgen -b; compgen -k"], capture_output=True, text=True)
    return set(result.stdout.split())


def preflight(chapters: list[Chapter], path: str | None = None) -> None:
    """Fail at once, before any cluster is created, when programs the labs call are missing."""
    builtins = _shell_words()
    missing = {p: users for p, users in programs_needed(chapters).items()
               if p not in builtins and shutil.which(p, path=path) is None}
    if missing:
        lines = [f"{p} (used by {', '.join(users)})" for p, users in sorted(missing.items())]
        raise CourseError("labs", None, "programs the labs call are not installed: " + "; ".join(lines))


def shard(chapters: list[Chapter], spec: str | None) -> list[Chapter]:
    """`K/N`: every N-th chapter with labs, starting at the K-th, so shards stay balanced."""
    with_labs = [c for c in chapters if c.labs]
    if not spec:
        return with_labs
    try:
        k, n = (int(x) for x in spec.split("/"))
        if not 1 <= k <= n:
            raise ValueError
    except ValueError:
        raise CourseError("--shard", None, f"expected K/N with 1 <= K <= N, not {spec!r}") from None
    return with_labs[k - 1 :: n]


Progress = Callable[[str, bool], None]


def progress_printer(stream=sys.stderr) -> Progress:
    """One live line per step on a terminal; one line per step in CI logs."""
    tty = stream.isatty()

    def show(text: str, final: bool) -> None:
        if tty:
            stream.write("\r\x1b[K" + text[:200] + ("\n" if final else ""))
        elif final:
            stream.write(text + "\n")
        stream.flush()

    return show


def replay(chapters: list[Chapter], target: Target, timeouts: Timeouts,
           progress: Progress | None = None, report: RunReport | None = None) -> RunReport:
    """Fills `report` (a new one by default) as chapters run: a run that is interrupted still
    has what it did, its leftover warnings included."""
    show = progress or (lambda text, final: None)
    report = report if report is not None else RunReport(mode=target.mode, cluster=target.name)
    for index, chapter in enumerate(chapters, 1):
        started = time.monotonic()
        result = ChapterResult(chapter)
        report.chapters.append(result)
        result.namespace = target.enter(chapter.path, index)
        steps = [(lab, step) for lab in chapter.labs for step in lab.steps]
        by_lab = {id(lab): LabResult(lab) for lab in chapter.labs}
        result.labs = list(by_lab.values())
        failed = False
        with BashSession(cwd=target.home, env=target.env(), timeouts=timeouts,
                         on_leftovers=result.killed) as session:
            for n, (lab, step) in enumerate(steps):
                if failed:
                    by_lab[id(lab)].steps.append(StepResult(step, "not run",
                                                            message="an earlier step failed"))
                    continue
                label = f"{chapter.path} step {n + 1}/{len(steps)}: {_first_line(step)}"
                show(label, False)
                nxt = steps[n + 1][1] if n + 1 < len(steps) else None
                outcome = session.run(step, nxt)
                by_lab[id(lab)].steps.append(outcome)
                show(f"{label} [{outcome.status}, {outcome.seconds:.1f} s]",
                     outcome.status == "failed" or n + 1 == len(steps))
                if outcome.status == "failed":
                    failed = True
                    result.diagnostics = target.diagnostics(result.namespace)
        target.leave(result.namespace)
        result.seconds = time.monotonic() - started
    return report


def leftover_warnings(chapter: Chapter, leftovers: list[tuple[Proc, Step | None]]) -> list[Diagnostic]:
    """One warning per step whose processes outlived the chapter and had to be killed."""
    by_step: dict[tuple[str, int | None], list[Proc]] = {}
    for proc, step in leftovers:
        where = (step.path, step.line) if step else (chapter.path, None)
        by_step.setdefault(where, []).append(proc)
    found = []
    for (path, line), procs in by_step.items():
        what = "; ".join(f"{p.command} (pid {p.pid})" for p in procs)
        count = "a process" if len(procs) == 1 else f"{len(procs)} processes"
        found.append(warning(path, line, f"{count} first seen after this step still ran when the "
                             f"chapter ended, so killed: {what}"))
    return found


def _first_line(step: Step) -> str:
    first = printable(step.data.split("\n", 1)[0])
    return f"{step.method} {first}" if step.method != "bash" else first


def failure_text(result: ChapterResult) -> str:
    """What a trainer needs to fix a failed chapter, in the order they will read it."""
    failed = result.failure
    if failed is None:
        return ""
    step = failed.step
    tail = "\n".join(cut(printable(line), TAIL_WIDTH)
                     for line in failed.output.splitlines()[-TAIL_LINES:])
    lines = [f"{step.path}:{step.line}: {step.method} step failed: {printable(failed.message)}",
             f"  typed: {printable(step.data)}" if step.method in ("bash", "hide", "keys") else
             f"  step: {step.method} {printable(step.data)}",
             f"--- last {TAIL_LINES} lines of output ---", tail or "(no output)"]
    if result.diagnostics:
        lines.append(result.diagnostics)
    return "\n".join(lines)


def junit_cases(report: RunReport):
    from builder.labs.junit import Case

    cases = []
    for chapter in report.chapters:
        for lab in chapter.labs:
            failures = [f"{r.step.path}:{r.step.line}: {r.message}" for r in lab.steps
                        if r.status == "failed"]
            output = "\n".join(
                (f"$ {r.step.data}" if r.step.method in ("bash", "hide")
                 else f"[{r.step.method} {r.step.data}] {r.status}")
                + (f"\n{r.output}" if r.output else "") for r in lab.steps)
            if failures and chapter.diagnostics:
                failures.append(chapter.diagnostics)
            cases.append(Case(chapter=chapter.chapter.path, name=f"{lab.lab.path}:{lab.lab.line}",
                              failures=failures, output=output,
                              warnings=[str(w) for w in chapter.lab_warnings(lab)],
                              skipped="not run: an earlier step failed" if lab.status == "not run"
                              else None,
                              seconds=sum(r.seconds for r in lab.steps)))
    return cases


def write_html(path: Path, report: RunReport, deck_links: dict[str, str]) -> None:
    """A static page with every step's output, each lab linked to its slide in the built deck."""
    from builder.files import write_atomic
    from builder.templates import environment

    html = environment("builder.render").get_template("labs-report.html.j2").render(
        report=report, links=deck_links, failure_text=failure_text)
    write_atomic(path, html)
