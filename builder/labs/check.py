"""`coursekit labs check`: every lab command and manifest checked without a cluster.

What breaks courses: a renamed YAML file, a typo in a command or a flag, a field Kubernetes
does not know, an API version a newer Kubernetes no longer serves, a lab directive nobody runs.
This module walks each chapter in order, as one shell session would, and runs the registered
checks of the `lab`, `step` and `manifest` tiers; the checks themselves live in `lab_checks`,
`step_checks` and `manifest_checks`, the directives in `directives`.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Protocol

from builder import checks
from builder.diagnostics import Diagnostic, Location, unique
from builder.labs.context import CheckEnv, LabContext, StepContext
from builder.labs.directives import directive, stops
from builder.labs.manifests import DocumentVerdict, FindingKey, Ledger, Manifests, MemoKey
from builder.labs.programs import defined_in
from builder.labs.slide_yaml import YAML_LANGS, check_block
from builder.labs.state import ShellState
from builder.model import Chapter, Lab, Step

if TYPE_CHECKING:
    from builder.labs.results import ResultCache
from builder.yamltext import load_documents

checks.load("builder.labs.lab_checks", "builder.labs.step_checks", "builder.labs.manifest_checks")

PARALLEL_MIN = 24  # chapters to check: below this, worker processes cost more than they save
CHUNK = 4  # chapters a worker checks per task: small, so that both cores stay busy to the end
Asked = list[tuple[str, str | None]]  # what PATH said while a chapter was checked


class Learner(Protocol):
    """What a check learns from the machine as it goes and keeps (kubectl's facts, its hidden
    flags). Chapters checked in worker processes send back what each learnt, for `save`."""

    def quiesce(self) -> None:
        """No thread or temporary folder of its own left: before the check forks, and in a
        worker before it reports (a worker process ends without cleaning up)."""

    def learnt(self) -> object | None:
        """What this process learnt since it last said (None: nothing)."""

    def adopt(self, learnt: object) -> None:
        """What a worker learnt, added to what this process knows."""


@dataclass(slots=True)
class CheckReport:
    diagnostics: list[Diagnostic] = field(default_factory=list)
    labs: list[tuple[Chapter, Lab]] = field(default_factory=list)
    steps: int = 0
    commands: int = 0
    manifests: int = 0
    documents: int = 0
    fragments: int = 0
    verdicts: list[DocumentVerdict] = field(default_factory=list)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.is_error]

    def counts(self) -> str:
        return (f"checked {len(self.labs)} labs, {self.steps} steps ({self.commands} commands), "
                f"{self.manifests} manifests ({self.documents} documents), "
                f"{self.fragments} YAML blocks on slides")


@dataclass(slots=True)
class ChapterCheck:
    """One chapter checked: what it found and what it took from the manifests. A function of the
    chapter and the repository alone, so it can be kept (`builder.labs.results`)."""

    diagnostics: list[Diagnostic]
    ledger: Ledger
    commands: int


def check_chapters(env: CheckEnv, chapters: list[Chapter], cache: ResultCache | None = None,
                   jobs: int | None = None, learners: Sequence[Learner] = ()) -> CheckReport:
    """Each chapter checked in its own shell (or read back from `cache`), then merged in order.

    A chapter's check depends on nothing but the chapter and the repository (which is what lets
    `cache` keep it), so many are checked side by side in `jobs` worker processes (default: one
    per core); `learners` get back what the workers learnt."""
    manifests = Manifests(env)
    _load_repository_crds(env)
    results = [cache.get(chapter) if cache is not None else None for chapter in chapters]
    todo = [i for i, result in enumerate(results) if result is None]
    workers = min(jobs or os.cpu_count() or 1, len(todo) // CHUNK)
    if workers > 1 and len(todo) >= PARALLEL_MIN:
        done = _in_workers(env, manifests, chapters, todo, workers, learners)
    else:
        done = (_checked(env, chapters[i], manifests) for i in todo)
    for i, (result, asked) in zip(todo, done, strict=True):
        results[i] = result
        if cache is not None:
            cache.put(chapters[i], result, asked)
    checked = [r for r in results if r is not None]
    assert len(checked) == len(chapters)  # each chapter kept or checked
    return merge(chapters, checked)


def _checked(env: CheckEnv, chapter: Chapter, manifests: Manifests) -> tuple[ChapterCheck, Asked]:
    start = len(env.programs.asked)
    result = check_chapter(env, chapter, manifests)
    return result, env.programs.asked[start:]


# What forked workers inherit: the run's environment, manifests, chapters and learners.
_FORKED: tuple[CheckEnv, Manifests, list[Chapter], Sequence[Learner]] | None = None


def _in_workers(env: CheckEnv, manifests: Manifests, chapters: list[Chapter], todo: list[int],
                workers: int, learners: Sequence[Learner]) -> Iterable[tuple[ChapterCheck, Asked]]:
    """The chapters at `todo` checked by forked workers, a few per task, in order."""
    import multiprocessing  # here: a check of a few chapters starts no pool
    from concurrent.futures import ProcessPoolExecutor

    import bashlex  # noqa: F401 - imported once here, not by each worker (it builds its tables)

    global _FORKED
    for learner in learners:
        learner.quiesce()
    _FORKED = (env, manifests, chapters, learners)
    done: list[tuple[ChapterCheck, Asked]] = []
    gc.freeze()  # the workers' collector leaves the course's model alone (no copy of its pages)
    try:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            tasks = [todo[i:i + CHUNK] for i in range(0, len(todo), CHUNK)]
            for results, learnt in pool.map(_check_some, tasks):
                done += results
                for learner, news in zip(learners, learnt, strict=True):
                    if news is not None:
                        learner.adopt(news)
    finally:
        _FORKED = None
        gc.unfreeze()
    return done


def _check_some(indices: list[int]) -> tuple[list[tuple[ChapterCheck, Asked]], list[object | None]]:
    """In a worker: these chapters checked, and what the learners learnt meanwhile."""
    assert _FORKED is not None
    env, manifests, chapters, learners = _FORKED
    results = [_checked(env, chapters[i], manifests) for i in indices]
    for learner in learners:
        learner.quiesce()
    return results, [learner.learnt() for learner in learners]


def check_chapter(env: CheckEnv, chapter: Chapter, manifests: Manifests) -> ChapterCheck:
    """A chapter's labs in order, as the one shell session they run in, and its slides' YAML."""
    ledger = manifests.begin()
    state = ShellState()
    defined: set[str] = set()
    found: list[Diagnostic] = []
    commands = 0
    for slide in chapter.slides:
        for lab in slide.labs:
            found += checks.run("lab", lab, LabContext(env, chapter, state))
            for step in lab.steps:
                ctx = StepContext(env, chapter, lab, step, state, set(defined), manifests)
                commands += len(ctx.commands)
                found += checks.run("step", step, ctx)
                _advance(ctx, step, manifests, defined)
        for block in slide.code:
            if block.lang.lower() in YAML_LANGS:
                found += check_block(block, manifests, state)
    return ChapterCheck(found, ledger, commands)


def merge(chapters: list[Chapter], results: list[ChapterCheck]) -> CheckReport:
    """The report of one run over all the chapters: a file's finding is reported at the first lab
    that applies the file and names every lab that does; each file and each verdict counts once."""
    report = CheckReport()
    found: list[Diagnostic] = []
    applied: dict[FindingKey, list[Location]] = {}
    files: dict[str, int] = {}
    seen: set[MemoKey] = set()
    for chapter, result in zip(chapters, results, strict=True):
        report.labs += [(chapter, lab) for lab in chapter.labs]
        report.steps += sum(len(lab.steps) for lab in chapter.labs)
        report.fragments += sum(block.lang.lower() in YAML_LANGS for block in chapter.code)
        report.commands += result.commands
        ledger = result.ledger
        found += [d for d in result.diagnostics
                  if not (_finding_key(d) in applied and _finding_key(d) in ledger.applied)]
        for key, labs in ledger.applied.items():
            known = applied.setdefault(key, [])
            known += [lab for lab in labs if lab not in known]
        for rel, documents in ledger.files.items():
            files.setdefault(rel, documents)
        report.documents += ledger.here_documents
        for key, verdict in ledger.verdicts:
            if key is None or key not in seen:
                report.verdicts.append(verdict)
        seen.update(key for key, _ in ledger.verdicts if key is not None)
    report.manifests, report.documents = len(files), report.documents + sum(files.values())
    report.diagnostics = unique(_with_labs(found, applied))
    return report


def _finding_key(d: Diagnostic) -> FindingKey | None:
    """A file's finding as a lab reports it (`... (applied at ch.md:12)`), without the lab."""
    base, applied_at, _ = d.message.rpartition(" (applied at ")
    return (d.path, d.line, base) if applied_at else None


def _with_labs(found: list[Diagnostic], applied: dict[FindingKey, list[Location]]) -> list[Diagnostic]:
    """A file's finding names every lab that applies the file."""
    out = []
    for d in found:
        labs = applied.get(_finding_key(d) or (d.path, d.line, d.message))
        out.append(replace(d, related=tuple(labs)) if labs else d)
    return out


def _advance(ctx: StepContext, step: Step, manifests: Manifests, defined: set[str]) -> None:
    """What the step did to the chapter's shell: running command, folder, files, CRDs."""
    state = ctx.state
    found = directive(step.method)
    if found is None:
        return
    if step.method in ("copy", "copypaste"):
        state.copied = True
    if stops(step.method, step.data):
        state.running = max(state.running - 1, 0)  # the step's next line, if any, runs now
    if not found.shell:
        return
    state.running = _command_lines(step.data) if step.method == "bash" else 0
    defined |= defined_in(step.data)
    state.note_writes(step.data)
    for cmd in ctx.commands:
        if cmd.words[0] in ("cd", "pushd", "popd"):
            state.change_directory(cmd)
        state.note_edits(cmd)


def _command_lines(script: str) -> int:
    """How many commands a step types one after the other (each may be stopped by ^C in turn)."""
    lines = [line for line in script.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    continued = sum(line.rstrip().endswith(("\\", "|", "&&", "||")) for line in lines)
    return max(len(lines) - continued, 1)


def _load_repository_crds(env: CheckEnv) -> None:
    """Custom resources are checked against the repository's own CRDs when no chapter applies one."""
    crds = []
    for rel in env.paths.expand("k8s", recursive=True) if env.paths.exists("k8s") else []:
        path = env.paths.real(rel)  # a link out of the repository is not read
        if path is None or path.suffix not in (".yaml", ".yml") or not path.is_file():
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        if "CustomResourceDefinition" not in text:
            continue
        docs, _ = load_documents(text)
        crds += [d.data for d in docs
                 if isinstance(d.data, dict) and d.data.get("kind") == "CustomResourceDefinition"]
    if crds:
        env.schemas.add_crds(crds)
