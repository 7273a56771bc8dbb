"""What kubectl says about one command: its help, and a few probing runs for what help does not
say (which flags may go without a value, which word is another command's alias). Each function
asks about one command; `facts.KubectlFacts` decides which, when, and keeps the answers."""

from __future__ import annotations

import re
from pathlib import Path

from builder.labs.kubectl.help import named, options_of, parse_help
from builder.labs.kubectl.run import isolated_env, output, run

FORMAT = 2  # bump when the cache's layout or what is learnt changes
DURATION = re.compile(r"-?(?:[\d.]+[a-zµ]+)+")  # a Go duration default such as 1m0s


def learning_env(home: Path) -> dict[str, str]:
    """`isolated_env`, tuned for many short runs: no garbage collection, one thread (less CPU)."""
    return {**isolated_env(home), "GOGC": "off", "GOMAXPROCS": "1"}


def learn_help(kubectl: str, env: dict[str, str], path: tuple[str, ...]) -> dict:
    """What `kubectl <path> --help` says of its command, as the cache keeps it."""
    facts = parse_help(output(kubectl, [*path, "--help"], env))
    if not path and "help" not in facts["subcommands"]:
        facts["subcommands"].append("help")  # cobra's own, which kubectl's help hides
    return facts


def learn_globals(kubectl: str, env: dict[str, str]) -> list[list[str]]:
    """The flags every command takes (`kubectl options`), as [long, short, default]."""
    return options_of(output(kubectl, ["options"], env).splitlines())


def learn_alias(kubectl: str, env: dict[str, str], path: tuple[str, ...], names: list[str],
                word: str) -> tuple[str, dict] | None:
    """The sub-command of `path` that `word` is an alias of (its name and help), or None.

    kubectl finds a sub-command by name or alias, so `kubectl <path> word --help` prints the help
    of the command `word` names, whose Aliases section lists it. PATH is left empty: a word
    kubectl does not know is otherwise looked up as a plugin, and a plugin is never run here.
    """
    done = run(kubectl, [*path, word, "--help"], {**env, "PATH": env["HOME"] + "/no-plugins"})
    if done.returncode != 0:
        return None
    said = named(done.stdout)
    if word not in said[1:] or said[0] not in names:
        return None
    return said[0], parse_help(done.stdout)


def learn_optional(kubectl: str, env: dict[str, str], path: tuple[str, ...], flags: list[list[str]],
                   suspects: set[str] | frozenset[str] = frozenset()) -> list[str]:
    """Names of these non-boolean flags of the command at `path` (`("options",)` for the global
    ones) that may be given without a value (`--dry-run`, `--cascade`).

    Help does not tell them apart from the others, so kubectl itself is asked, in a few runs:
    fewer when the `suspects` (names found optional elsewhere) are asked last.
    """
    names = {name: default for name, _s, default in flags if not _is_bool(default)}
    order = sorted(names, key=lambda name: name in suspects)
    return sorted(_probe(kubectl, env, list(path), {name: names[name] for name in order}))


def _probe(kubectl: str, env: dict[str, str], path: list[str], flags: dict[str, str]) -> set[str]:
    """Which of these flags of one command take no value word.

    After `--help`, flag number i is given the dash-led value `-i`, and the last flag no value at
    all. If every flag but the last takes its value, kubectl prints help when the last needs none,
    and says that it needs one otherwise. Else the first value not taken reads as an unknown flag,
    kubectl fails before running anything and its error names `-i`: that flag is optional, and the
    flags after it are asked again. A value refused for its type names a flag that took it: one
    that needs a value.
    """
    names = list(flags)
    optional: set[str] = set()
    while names:
        args = [*path, "--help"]
        for i, name in enumerate(names, 1):
            args.append(f"--{name}")
            if i < len(names):
                args.append(f"-{i}s" if DURATION.fullmatch(flags[name]) else f"-{i}")
        done = run(kubectl, args, env)
        if done.returncode == 0:
            optional.add(names[-1])
            break
        if re.search(rf"flag needs an argument: --{re.escape(names[-1])}$", done.stderr, re.M):
            break
        untaken = re.search(r"unknown shorthand flag: '\d' in -(\d+)", done.stderr)
        refused = re.search(r'for "(?:-\S, )?--([^"]+)" flag', done.stderr)
        if untaken:
            at = int(untaken.group(1)) - 1
            optional.add(names[at])
        elif refused and refused.group(1) in names:
            at = names.index(refused.group(1))  # it took the value it refused: it needs one
        else:  # an error this reading does not know: ask each flag alone
            return optional | {name for name in names if _alone(kubectl, env, path, name)}
        names = names[at + 1:]
    return optional


def _alone(kubectl: str, env: dict[str, str], path: list[str], name: str) -> set[str]:
    """{name} when `--help --name`, with no value after it, still prints help."""
    return {name} if run(kubectl, [*path, "--help", f"--{name}"], env).returncode == 0 else set()


def _is_bool(default: str) -> bool:
    return default in ("true", "false")


def with_values(flags: list[list[str]], optional: list[str] | set[str]) -> list[list]:
    """[long, short, takes a value] of each flag: `--name word` makes `word` its value unless the
    flag is boolean or its value optional."""
    return [[name, short, not _is_bool(default) and name not in optional] for name, short, default in flags]
