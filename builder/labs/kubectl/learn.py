"""Learning kubectl's grammar from kubectl itself: every command's help, in parallel, plus a
few probing runs for what help does not say (which flags may go without a value)."""

from __future__ import annotations

import re
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from builder.labs.kubectl.help import options_of, parse_help
from builder.labs.kubectl.run import client_version, isolated_env, output, run

FORMAT = 1  # bump when the cache's layout or what is learnt changes
WORKERS = 8
DURATION = re.compile(r"-?(?:[\d.]+[a-zµ]+)+")  # a Go duration default such as 1m0s


def learn(kubectl: str, version: str | None = None) -> dict:
    """Ask kubectl for every command's help, in parallel: the raw facts the cache keeps."""
    with tempfile.TemporaryDirectory(prefix="coursekit-kubectl-") as home, \
            ThreadPoolExecutor(WORKERS) as pool:
        env = {**isolated_env(Path(home)), "GOGC": "off", "GOMAXPROCS": "1"}  # short runs: less CPU
        version = version or client_version(kubectl)
        options = pool.submit(output, kubectl, ["options"], env)
        commands = _learn_commands(kubectl, env, pool)
        global_flags = options_of(options.result().splitlines())
        optional = _optional_values(kubectl, env, pool, commands, global_flags)
    for spec in [*global_flags, *(f for c in commands for f in c["flags"])]:
        spec[2] = _takes_value(spec[0], spec[2], optional)
    return {"format": FORMAT, "version": version, "globals": global_flags, "commands": commands}


def _learn_commands(kubectl: str, env: dict[str, str], pool: ThreadPoolExecutor) -> list[dict]:
    """Help of the root, then of each level of sub-commands, one level at a time."""
    learnt: list[dict] = []
    level: list[tuple[str, ...]] = [()]
    while level:
        texts = pool.map(lambda path: output(kubectl, [*path, "--help"], env), level)
        following: list[tuple[str, ...]] = []
        for path, text in zip(level, texts, strict=True):
            command = {"path": list(path), **parse_help(text)}
            if not path and "help" not in command["subcommands"]:
                command["subcommands"].append("help")  # cobra's own, which kubectl's help hides
            learnt.append(command)
            following += [(*path, name) for name in command["subcommands"]]
        level = following
    return learnt


def _optional_values(kubectl: str, env: dict[str, str], pool: ThreadPoolExecutor,
                     commands: list[dict], global_flags: list[list[str]]) -> set[str]:
    """Non-boolean flags that may be given without a value (`--dry-run`, `--cascade`).

    Help does not tell them apart from the others, so kubectl itself is asked, in a few runs.
    """
    batches = _probe_batches(commands, global_flags)
    found = pool.map(lambda batch: _probe(kubectl, env, *batch), batches)
    return set().union(*found)


def _probe_batches(commands: list[dict], global_flags: list[list[str]]
                   ) -> list[tuple[list[str], dict[str, str]]]:
    """Few runs covering every non-boolean flag name: greedily, the command with most names left."""
    offers = [(["options"], global_flags)] + [(command["path"], command["flags"]) for command in commands]
    offers_left = [(path, {name: default for name, _s, default in flags if not _is_bool(default)})
                   for path, flags in offers]
    left = set().union(*(names for _path, names in offers_left))
    batches = []
    while left:
        path, names = max(offers_left, key=lambda offer: len(offer[1].keys() & left))
        batches.append((path, {name: names[name] for name in sorted(names.keys() & left)}))
        left -= names.keys()
    return batches


def _probe(kubectl: str, env: dict[str, str], path: list[str], flags: dict[str, str]) -> set[str]:
    """Which of these flags of one command take no value word.

    After `--help`, flag number i is given the dash-led value `-i`. If every flag takes its value,
    kubectl prints help. Else the first value not taken reads as an unknown flag, kubectl fails
    before running anything and its error names `-i`: that flag is optional, and the flags after it
    are asked again. A value refused for its type names the flag, which is then asked alone.
    """
    names = list(flags)
    optional: set[str] = set()
    while names:
        args = [*path, "--help"]
        for i, name in enumerate(names, 1):
            args += [f"--{name}", f"-{i}s" if DURATION.fullmatch(flags[name]) else f"-{i}"]
        done = run(kubectl, args, env)
        if done.returncode == 0:
            break
        untaken = re.search(r"unknown shorthand flag: '\d' in -(\d+)", done.stderr)
        refused = re.search(r'for "(?:-\S, )?--([^"]+)" flag', done.stderr)
        if untaken:
            at = int(untaken.group(1)) - 1
            optional.add(names[at])
        elif refused and refused.group(1) in names:
            at = names.index(refused.group(1))
            optional |= _alone(kubectl, env, path, names[at])
        else:  # an error this reading does not know: ask each flag alone
            return optional | {name for name in names if _alone(kubectl, env, path, name)}
        names = names[at + 1:]
    return optional


def _alone(kubectl: str, env: dict[str, str], path: list[str], name: str) -> set[str]:
    """{name} when `--help --name`, with no value after it, still prints help."""
    return {name} if run(kubectl, [*path, "--help", f"--{name}"], env).returncode == 0 else set()


def _is_bool(default: str) -> bool:
    return default in ("true", "false")


def _takes_value(name: str, default: str, optional: set[str]) -> bool:
    """Whether `--name word` makes `word` the flag's value (booleans and optional values don't)."""
    return not _is_bool(default) and name not in optional


def main(argv: list[str]) -> int:
    """`python -m builder.labs.kubectl.learn KUBECTL VERSION FILE`: learn in a process of its own
    (`builder.labs.kubectl.cache.GrammarLoader`), the grammar written atomically to FILE."""
    import json

    from builder.diagnostics import CourseError
    from builder.files import write_atomic

    kubectl, version, out = argv
    try:
        write_atomic(Path(out), json.dumps(learn(kubectl, version), separators=(",", ":")))
    except (CourseError, OSError):
        return 1  # the caller learns again in its own process, and says what went wrong
    return 0


if __name__ == "__main__":
    import sys

    sys.exit(main(sys.argv[1:]))
