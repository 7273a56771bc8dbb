"""The `step` tier: checks of one lab step, given the chapter's shell just before it.

Each directive's own check comes from the one table (`builder.labs.directives`); the checks below
look at what a runner types as shell: its grammar (bash decides), its programs, the repository
files it names, its kubectl command lines and the manifests they send.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from builder.checks import check
from builder.diagnostics import Diagnostic
from builder.files import OUTSIDE
from builder.labs.bash_syntax import bash_parses
from builder.labs.context import StepContext
from builder.labs.directives import directive, nearest_directive
from builder.labs.paths import is_pattern
from builder.labs.shell import Command, mask_placeholders
from builder.model import Step
from builder.yamltext import load_documents

_YAML_LANGS = frozenset({"yaml", "yml"})


def _diag(ctx: StepContext, line: int, severity: str, message: str) -> Diagnostic:
    return Diagnostic(ctx.step.path, line, severity, message, related=ctx.related)  # type: ignore[arg-type]


def _shell(ctx: StepContext) -> bool:
    return ctx.shell


@check("step", name="directive")
def directive_check(step: Step, ctx: StepContext) -> Iterator[Diagnostic]:
    """The step's directive: known, and used as the table says (`wait` after a command, ...)."""
    found = directive(step.method)
    if found is not None:
        for severity, message in found.check(step, ctx.state):
            yield _diag(ctx, step.line, severity, message)
        return
    yield from _unknown_method(step, ctx)


def _unknown_method(step: Step, ctx: StepContext) -> Iterator[Diagnostic]:
    """A fence whose method no runner knows: a directive misspelt, or content shown to trainees."""
    if not step.method:
        return  # no info string: shown to trainees, not typed
    close = nearest_directive(step.method)
    if step.hidden:
        hint = f" (did you mean {close!r}?)" if close else ""
        yield _diag(ctx, step.line, "error", f"unknown lab directive {step.method!r}{hint}")
    elif close and not _is_language(step.method):
        yield _diag(ctx, step.line, "error",
                    f"unknown lab directive {step.method!r} (did you mean {close!r}?)")
    elif step.method.lower() in _YAML_LANGS:
        pass  # checked with the other YAML blocks of the slide
    elif not _is_language(step.method):
        yield _diag(ctx, step.line, "warning",
                    f"unknown code language {step.method!r}: shown as text and not run")


def _is_language(name: str) -> bool:
    from pygments.lexers import get_lexer_by_name
    from pygments.util import ClassNotFound

    if name.lower() in ("", "text", "plain", "console", "shell-session", "terminal", "output"):
        return True
    try:
        get_lexer_by_name(name.lower())
    except ClassNotFound:
        return False
    return True


@check("step", name="shell-syntax")
def shell_syntax(step: Step, ctx: StepContext) -> Iterator[Diagnostic]:
    """What a runner types must be valid bash; bash itself decides when the Python parser fails."""
    if not _shell(ctx) or ctx.syntax_error is None:
        return
    verdict = bash_parses(mask_placeholders(step.data))
    if not verdict.ok:
        yield _diag(ctx, step.line + verdict.line, "error", f"shell syntax error: {verdict.message}")


@check("step", name="programs")
def programs(step: Step, ctx: StepContext) -> Iterator[Diagnostic]:
    """A program one typo away from a tool the course uses (`kubeclt`)."""
    if not _shell(ctx):
        return
    for cmd in ctx.commands:
        near = ctx.env.programs.typo(cmd.words[0], ctx.defined)
        if near is not None:
            yield _diag(ctx, ctx.line_of(cmd), "error",
                        f"unknown program {cmd.words[0]!r} (did you mean {near!r}?)")


@check("step", name="repo-paths")
def repo_paths(step: Step, ctx: StepContext) -> Iterator[Diagnostic]:
    """Files named under the repository's prefix exist; a near miss of the prefix is reported."""
    if not _shell(ctx):
        return
    paths = ctx.env.paths
    for cmd in ctx.commands:
        for word in cmd.words[1:]:
            for candidate in paths.home_words(word):
                rel = paths.repo_path(candidate)
                if rel is None:
                    fixed = paths.near_prefix(candidate)
                    if fixed is not None:
                        yield _diag(ctx, ctx.line_of(cmd), "error", f"path {candidate} does not start with "
                                    f"{paths.prefix}/ (did you mean {fixed}?)")
                    continue
                if paths.outside(rel):  # refused as written: nothing outside is looked at
                    if cmd.words[0] in ("cd", "pushd"):
                        continue  # `cd ~/container.training/..` reads nothing
                    yield _diag(ctx, ctx.line_of(cmd), "error", f"{candidate}: {OUTSIDE}")
                    continue
                if is_pattern(rel) or "$" in rel:
                    continue
                if not paths.exists(rel):
                    yield _diag(ctx, ctx.line_of(cmd), "error", f"file not found: {rel} (from {candidate})"
                                + paths.did_you_mean(rel))


@check("step", name="kubectl")
def kubectl(step: Step, ctx: StepContext) -> Iterator[Diagnostic]:
    """kubectl command lines against the real kubectl's commands and flags."""
    if not _shell(ctx):
        return
    plugins = set(ctx.env.settings.kubectl_plugins)
    for cmd in ctx.commands:
        if cmd.words[0] != "kubectl":
            continue
        review = ctx.env.grammar.review(cmd.words[1:], plugins, ctx.env.hidden)
        for message in review.errors:
            yield _diag(ctx, ctx.line_of(cmd), "error", f"kubectl: {message}")
        for message in review.warnings:
            yield _diag(ctx, ctx.line_of(cmd), "warning", f"kubectl: {message}")


def kubectl_files(cmd: Command) -> tuple[list[str], bool]:
    """Values of -f/--filename in a kubectl command, and whether -R/--recursive is given."""
    argv = cmd.words[1:]
    values = []
    for i, word in enumerate(argv):
        if word == "--":
            break
        if word in ("-f", "--filename") and i + 1 < len(argv):
            values.append(argv[i + 1])
        elif word.startswith("--filename="):
            values.append(word.split("=", 1)[1])
        elif word.startswith("-f") and not word.startswith("--") and len(word) > 2:
            values.append(word[2:].lstrip("="))
    recursive = "-R" in argv or "--recursive" in argv or "--recursive=true" in argv
    return values, recursive


def applies(cmd: Command) -> bool:
    """`kubectl apply/create/replace -f`: the objects (CRDs among them) exist afterwards."""
    words = [w for w in cmd.words[1:] if not w.startswith("-")]
    return bool(words) and words[0] in ("apply", "create", "replace")


@check("step", name="kubectl-manifests")
def kubectl_manifests(step: Step, ctx: StepContext) -> Iterator[Diagnostic]:
    """Every manifest a kubectl command reads (file, folder, glob, here-document) is validated."""
    if not _shell(ctx) or ctx.manifests is None:
        return
    for cmd in ctx.commands:
        if cmd.words[0] != "kubectl":
            continue
        values, recursive = kubectl_files(cmd)
        for value in values:
            yield from _manifest_arg(value, cmd, recursive, ctx)
        if applies(cmd):  # the chapter's shell moves on command by command
            _apply_crds(ctx, cmd, values, recursive)


def _manifest_arg(value: str, cmd: Command, recursive: bool, ctx: StepContext) -> Iterator[Diagnostic]:
    line = ctx.line_of(cmd)
    manifests, paths = ctx.manifests, ctx.env.paths
    assert manifests is not None
    if value == "-":
        if cmd.stdin is not None:
            yield from manifests.check_text(cmd.stdin, ctx.step.path, ctx.step.line + cmd.stdin_line,
                                            "here-document", ctx.related, ctx.state, "here-document")
        return
    rel = paths.repo_path(value)
    is_url = value.startswith(("http://", "https://"))
    if rel is not None and paths.outside(rel):
        if is_url:  # a word under the prefix is refused by the path check
            yield _diag(ctx, line, "error", f"{value}: {OUTSIDE}")
        return
    if rel is None and not is_url and not ctx.state.wrote(value):
        where = ctx.state.resolve(value)  # relative to the folder earlier `cd`s lead to
        rel = paths.repo_path(where) if where is not None else None
        if rel is not None and paths.outside(rel):
            yield _diag(ctx, line, "error", f"{value} (in {ctx.state.cwd}): {OUTSIDE}")
            return
        if rel is not None and not is_pattern(rel) and not paths.exists(rel):
            yield _diag(ctx, line, "error", f"file not found: {rel} (from {value} in {ctx.state.cwd})"
                        + paths.did_you_mean(rel))
            return
    if rel is not None and is_url and not is_pattern(rel) and not paths.exists(rel):
        yield _diag(ctx, line, "error", f"file not found: {rel} (from {value})" + paths.did_you_mean(rel))
        return
    if rel is None:
        if is_url:
            yield _diag(ctx, line, "note", f"remote manifest not checked: {value}")
        elif not ctx.state.wrote(value) and "$" not in value:
            yield _diag(ctx, line, "note", f"manifest outside the repository not checked: {value}")
        return
    where = ctx.state.resolve(value)
    edited = where is not None and where in ctx.state.edited
    for manifest in paths.expand(rel, recursive):
        if paths.outside(manifest):  # a link out, in a folder or glob the lab applies
            yield _diag(ctx, line, "error", f"{manifest} (in {value}): {OUTSIDE}")
            continue
        if not paths.exists(manifest) or paths.real(manifest).is_dir():  # type: ignore[union-attr]
            continue  # reported by the path check
        for found in manifests.check_file(manifest, ctx.state):
            if edited:  # the trainee changed the file before: what it says now may be fixed then
                found = replace(found, severity="warning" if found.is_error else found.severity,
                                message=f"{found.message} (the lab edits this file first)")
            # a file's finding is reported once, at the first lab that applies the file
            if manifests.ledger.apply((found.path, found.line, found.message), ctx.related[0]):
                yield Diagnostic(found.path, found.line, found.severity,
                                 f"{found.message} (applied at {ctx.step.path}:{line})", check=found.check)


def _repo_rel(value: str, ctx: StepContext) -> str | None:
    """The repository path a `-f` value names, directly or relative to the shell's folder."""
    rel = ctx.env.paths.repo_path(value)
    if rel is None and not value.startswith(("http://", "https://")):
        where = ctx.state.resolve(value)
        rel = ctx.env.paths.repo_path(where) if where is not None else None
    return rel


def _apply_crds(ctx: StepContext, cmd: Command, values: list[str], recursive: bool) -> None:
    """CRDs a kubectl command applies are known to the rest of the chapter."""
    manifests = ctx.manifests
    assert manifests is not None
    crds: list[dict] = []
    sources: list[str] = []
    for value in values:
        if value == "-" and cmd.stdin:
            docs, _ = load_documents(cmd.stdin)
            new = [d.data for d in docs if isinstance(d.data, dict)
                   and d.data.get("kind") == "CustomResourceDefinition"]
            if new:
                crds += new
                sources.append(f"{ctx.step.path}:{ctx.step.line + cmd.stdin_line}")
            continue
        rel = _repo_rel(value, ctx)
        if rel is None:
            continue
        for manifest in ctx.env.paths.expand(rel, recursive):
            real = ctx.env.paths.real(manifest)
            if real is not None and real.is_file() and manifests.crds_of(manifest):
                crds += manifests.crds_of(manifest)
                sources.append(manifest)
    if crds:
        ctx.state.crds = {**ctx.state.crds, **ctx.env.schemas.crd_validators(crds)}
        ctx.state.crd_sources = (*ctx.state.crd_sources, *sources)
