"""`coursekit <verb>`: subcommands mirror the Makefile targets."""

from __future__ import annotations

import argparse
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


def _shown(error: CourseError, repo: Path) -> str:
    """`path:line: message` with the path relative to where the user is, for click-through."""
    target = repo / error.path
    if repo.resolve() != Path.cwd().resolve() and target.exists():
        error = CourseError(os.path.relpath(target), error.line, error.message)
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
