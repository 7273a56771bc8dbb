"""`coursekit labs check`: every lab command and manifest checked without a cluster.

What breaks courses: a renamed YAML file, a typo in a command or a flag, a field Kubernetes
does not know, an API version a newer Kubernetes no longer serves, a lab directive nobody runs.
This module walks each chapter in order, as one shell session would, and runs the registered
checks of the `lab`, `step` and `manifest` tiers; the checks themselves live in `lab_checks`,
`step_checks` and `manifest_checks`, the directives in `directives`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from builder import checks
from builder.diagnostics import Diagnostic, unique
from builder.labs.context import CheckEnv, LabContext, StepContext
from builder.labs.directives import directive, stops
from builder.labs.manifests import DocumentVerdict, Manifests
from builder.labs.programs import defined_in
from builder.labs.slide_yaml import YAML_LANGS, check_block
from builder.labs.state import ShellState
from builder.model import Chapter, Lab, Step
from builder.yamltext import load_documents

checks.load("builder.labs.lab_checks", "builder.labs.step_checks", "builder.labs.manifest_checks")


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


def check_chapters(env: CheckEnv, chapters: list[Chapter]) -> CheckReport:
    report = CheckReport()
    manifests = Manifests(env)
    _load_repository_crds(env)
    found: list[Diagnostic] = []
    for chapter in chapters:
        state = ShellState()
        defined: set[str] = set()
        labs_by_slide: dict[int, list[Lab]] = {}
        for lab in chapter.labs:
            labs_by_slide.setdefault(lab.slide_index, []).append(lab)
        for index, slide in enumerate(chapter.slides):
            for lab in labs_by_slide.get(index, []):
                report.labs.append((chapter, lab))
                found += checks.run("lab", lab, LabContext(env, chapter, state))
                for step in lab.steps:
                    ctx = StepContext(env, chapter, lab, step, state, set(defined), manifests)
                    report.steps += 1
                    report.commands += len(ctx.commands)
                    found += checks.run("step", step, ctx)
                    _advance(ctx, step, manifests, defined)
            for block in slide.code:
                if block.lang.lower() in YAML_LANGS:
                    report.fragments += 1
                    found += check_block(block, manifests, state)
    report.manifests, report.documents = manifests.files, manifests.documents
    report.verdicts = manifests.verdicts
    report.diagnostics = unique(_with_labs(found, manifests))
    return report


def _with_labs(found: list[Diagnostic], manifests: Manifests) -> list[Diagnostic]:
    """A file's finding names every lab that applies the file."""
    out = []
    for d in found:
        base = d.message.rsplit(" (applied at ", 1)[0]
        labs = manifests.applied_by.get((d.path, d.line, base))
        out.append(replace(d, related=tuple(labs)) if labs else d)
    return out


def _advance(ctx: StepContext, step: Step, manifests: Manifests, defined: set[str]) -> None:
    """What the step did to the chapter's shell: running command, folder, files, CRDs."""
    state = ctx.state
    found = directive(step.method)
    if found is None:
        return
    if step.method == "copy":
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
