"""Check a kubectl command line against kubectl's own grammar (pure: no process, no file).

The grammar is what kubectl's help says, asked of a `Facts` (in `facts`: the cache, else kubectl
itself) the first time a command is needed. Flags that help hides (deprecated ones, mostly) are
not in it: a caller can pass `hidden`, a function that knows them (see `hidden`), and then they
are accepted, with a warning when kubectl says they are deprecated."""

from __future__ import annotations

import difflib
import re
import shlex
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Protocol

from builder.labs.kubectl.usage import (
    Command,
    Group,
    IrregularUsage,
    Need,
    command_after_dash,
    needs_of,
    parse_usage,
    usage_arguments,
)

REDIRECT = re.compile(r"\d?>>?\S*|<")  # `> out.yaml`, `2>&1`, `< in` (but not `<pod>`)
RARE = 2  # a flag of at most this many commands is specific to them (not -o, --dry-run, ...)
SUGGEST_CUTOFF = 0.7


@dataclass(slots=True)
class Parsed:
    """A command line read against the grammar."""

    command: Command
    flags: set[str] = field(default_factory=set)  # long names given
    positionals: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    unknown: bool = False  # stopped at an unknown command
    dashed: bool = False  # the line has `--` (what follows is the container's command)


@dataclass(frozen=True, slots=True)
class HiddenFlag:
    """A flag kubectl accepts though its help hides it (see `builder.labs.kubectl.hidden`)."""

    takes_value: bool
    deprecated: str | None  # kubectl's deprecation message, if it gives one


Hidden = Callable[[tuple[str, ...], str], HiddenFlag | None]


class Facts(Protocol):
    """What kubectl's help says, by command path (the words after `kubectl`; the root is ())."""

    version: str

    def globals(self) -> list[list]:
        """[long, short, takes a value] of each flag every command takes."""
        ...

    def command(self, path: tuple[str, ...]) -> dict:
        """`help.parse_help` of the command, its flags as [long, short, takes a value]."""
        ...

    def commands(self, paths: list[tuple[str, ...]]) -> list[dict]:
        """`command` of each path."""
        ...

    def helps(self, paths: list[tuple[str, ...]]) -> list[dict]:
        """`help.parse_help` of each command (flags as [long, short, default])."""
        ...

    def alias(self, path: tuple[str, ...], word: str) -> str | None:
        """The name of the sub-command of `path` that `word` is an alias of, if any."""
        ...

    def every_help(self) -> dict[tuple[str, ...], dict]:
        """`help.parse_help` of every command."""
        ...


class Children(Mapping[str, Command]):
    """A command's sub-commands by name and by alias, each learnt when first looked up.

    Its help lists their names; an alias, only the sub-command's own help says. So a word that is
    no name is asked of `Facts.alias`, and only listing them all learns every sub-command's help.
    """

    def __init__(self, grammar: KubectlGrammar, command: Command) -> None:
        self._grammar = grammar
        self._path = command.path
        self._names = command.names
        self._every: dict[str, str] | None = None  # every name and alias -> name

    def name_of(self, word: str) -> str | None:
        if word in self._names:
            return word
        if not self._names:
            return None
        if self._every is not None:
            return self._every.get(word)
        return self._grammar.facts.alias(self._path, word)

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and self.name_of(word) is not None

    def __getitem__(self, word: str) -> Command:
        name = self.name_of(word)
        if name is None:
            raise KeyError(word)
        return self._grammar.command((*self._path, name))

    def __iter__(self) -> Iterator[str]:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())

    def __bool__(self) -> bool:
        return bool(self._names)

    def _all(self) -> dict[str, str]:
        if self._every is None:
            helps = self._grammar.facts.helps([(*self._path, name) for name in self._names])
            every: dict[str, str] = {}
            for name, facts in zip(self._names, helps, strict=True):
                for word in (name, *facts["aliases"]):
                    every.setdefault(word, name)
            self._every = every
        return self._every


class KubectlGrammar:
    """kubectl's commands and flags, as its own help describes them, each learnt when first needed."""

    def __init__(self, facts: Facts) -> None:
        self.facts = facts
        self.version: str = facts.version
        global_flags = facts.globals()
        self._global_longs = {long: bool(value) for long, _short, value in global_flags}
        self._global_longs.setdefault("help", False)
        self._global_shorts = {short: long for long, short, _value in global_flags if short}
        self._global_shorts.setdefault("h", "help")
        self.commands: dict[tuple[str, ...], Command] = {}  # those learnt so far
        self._spread: Counter[str] | None = None  # commands having each flag, once all are learnt
        self._counted: Counter[str] = Counter()  # the same over the commands learnt so far
        self._needs: dict[tuple[str, ...], list[list[Need]]] = {}
        self._bare: dict[tuple[str, ...], list[tuple[list[frozenset[str]], set[str]]]] = {}
        self._positionals: dict[tuple[str, ...], bool] = {}
        self._after_dash: dict[tuple[str, ...], bool] = {}
        self.root = self.command(())

    def command(self, path: tuple[str, ...]) -> Command:
        """The command at `path`, a path kubectl's help names."""
        command = self.commands.get(path)
        return command if command is not None else self._add(path, self.facts.command(path))

    def _add(self, path: tuple[str, ...], spec: dict) -> Command:
        command = Command(
            path, spec["usage"], spec["examples"],
            {**self._global_longs, **{long: bool(value) for long, _s, value in spec["flags"]}},
            {**self._global_shorts, **{short: long for long, short, _v in spec["flags"] if short}},
            {long for long, _s, _v in spec["flags"]}, spec["exclusive"], names=spec["subcommands"])
        command.children = Children(self, command)
        self.commands[path] = command
        self._counted.update(command.local)
        return command

    def learn_all(self) -> None:
        """Every command, for callers that look at them all (`commands`)."""
        self._learn_spread()
        paths = [path for path in self.facts.every_help() if path not in self.commands]
        for path, spec in zip(paths, self.facts.commands(paths), strict=True):
            self._add(path, spec)

    def check(self, argv: list[str], plugins: Iterable[str] = (), hidden: Hidden | None = None) -> list[str]:
        """Errors about a split command line without its leading `kubectl`; empty when it is fine.

        `plugins` are command names that kubectl plugins provide (`krew`, `ctx`): not checked.
        """
        return self.review(argv, plugins, hidden).errors

    def review(self, argv: list[str], plugins: Iterable[str] = (), hidden: Hidden | None = None) -> Parsed:
        """The line read against the grammar, with its errors and warnings (deprecated flags)."""
        parsed = self.parse(argv, set(plugins), hidden)
        if parsed.unknown or parsed.errors or "help" in parsed.flags:  # help needs no arguments
            return parsed
        parsed.errors += self._missing(parsed) or self._dash(parsed)
        return parsed

    def parse(self, argv: list[str], plugins: set[str] | frozenset[str] = frozenset(),
              hidden: Hidden | None = None, within: tuple[str, ...] | None = None) -> Parsed:
        """Find the command (its words may follow flags), then read every flag against it. With
        `within`, a line that leads to another command stops there (unknown), that one unlearnt."""
        command, path_at, error = self._resolve(argv, plugins, hidden, within)
        if command is None or error is not None:  # a plugin, or a command kubectl does not have
            return Parsed(command or self.root, errors=[error] if error else [], unknown=True)
        parsed = Parsed(command)
        i = 0
        while i < len(argv) and argv[i] != "--":
            if i in path_at:
                i += 1
            elif argv[i].startswith("-") and argv[i] != "-":
                i = _read_flag(command, argv, i, parsed, hidden)
            else:
                parsed.positionals.append(argv[i])
                i += 1
        parsed.dashed = i < len(argv)
        return parsed

    def _dash(self, parsed: Parsed) -> list[str]:
        """`kubectl exec POD COMMAND`: kubectl refuses a container command not after `--`."""
        command = parsed.command
        if parsed.dashed:
            return []
        after = self._after_dash.get(command.path)
        if after is None:
            after = self._after_dash[command.path] = command_after_dash(command)
        if not after:
            return []
        before = max((sum(need.positional for need in needs) for needs in self.needs(command)), default=0)
        if len(parsed.positionals) > before:
            return [f'"{command.display}" needs -- before the container\'s command '
                    f"(kubectl refuses `{command.display} POD COMMAND`)"]
        return [f'"{command.display}" needs -- COMMAND']

    def _resolve(self, argv: list[str], plugins: set[str] | frozenset[str], hidden: Hidden | None = None,
                 within: tuple[str, ...] | None = None) -> tuple[Command | None, set[int], str | None]:
        """The command named by the line's first words, where those words are, or why it has none."""
        command = self.root
        path_at: set[int] = set()
        i = 0
        while i < len(argv) and argv[i] != "--":
            word = argv[i]
            if word.startswith("-") and word != "-":
                scratch = Parsed(command)
                i = _read_flag(command, argv, i, scratch, hidden)
                if scratch.errors and "=" not in word and i < len(argv) and argv[i] not in command.children:
                    i += 1  # like kubectl, take the word after an unknown flag for its value
                continue
            name = _name(command, word)
            if name is None:
                if command is self.root and word in plugins:
                    return None, path_at, None
                if command.children and not self._takes_positionals(command):
                    return command, path_at, _unknown_command(command, word)
                break
            if within is not None and (*command.path, name) != within[:len(command.path) + 1]:
                return command, path_at, f'"{word}" leads out of "kubectl {" ".join(within)}"'
            command = self.command((*command.path, name))
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
        if self._spread is None and self._stand_ins_matter(parsed):
            self._learn_spread()
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
        """A bare flag need (`--image=image`) may be met by a flag specific to the command: one that at
        most RARE commands have, which only every command's help tells. Until they are all learnt,
        none counts as specific, and a line whose verdict could hang on them has them learnt first."""
        lines: list[list[Need]] = []
        for needs, unsaid in self._declared(command) or []:
            spread = self._spread
            specific = set() if spread is None else {name for name in unsaid if spread[name] <= RARE}
            for need in needs:
                if need.bare:
                    need.flags |= specific
            lines.append(needs)
        examples = self._examples(command)
        for needs in lines:
            needs[:] = [need for need in list(needs) if _loosened(need, needs, examples, command)]
        return lines

    def _declared(self, command: Command) -> list[tuple[list[Need], set[str]]] | None:
        """Each usage line's needs, with the flags that replace theirs (kubectl's -k for -f), and the
        command's own value flags the line leaves unsaid; None when a line is irregular."""
        lines = []
        for line in command.usage:
            try:
                needs = needs_of(command, line)
                unsaid = command.local - _mentioned(parse_usage(usage_arguments(line, command.path)), command)
            except IrregularUsage:
                return None
            for need in needs:
                need.flags |= {other for other, replaced in command.exclusive.items()
                               if any(_spellings(command, name) & set(replaced) for name in need.flags)}
            lines.append((needs, {name for name in unsaid if command.longs[name]}))
        return lines

    def _stand_ins_matter(self, parsed: Parsed) -> bool:
        """Whether the flags specific to the line's command could change its verdict: only where the
        line gives no flag of a bare need of its own, on a usage line with an unsaid flag that the
        commands learnt so far do not already show to be common."""
        path = parsed.command.path
        lines = self._bare.get(path)
        if lines is None:
            lines = self._bare[path] = [([frozenset(need.flags) for need in needs if need.bare], unsaid)
                                        for needs, unsaid in self._declared(parsed.command) or []]
        return any(any(not own & parsed.flags for own in owns)
                   and any(self._counted[name] <= RARE for name in unsaid) for owns, unsaid in lines)

    def _learn_spread(self) -> None:
        """How many commands have each flag, from every command's help; needs are judged again."""
        self._spread = Counter(name for facts in self.facts.every_help().values()
                               for name in {long for long, _s, _d in facts["flags"]})
        self._needs.clear()

    def _examples(self, command: Command) -> list[Parsed]:
        """The command's help examples that read cleanly as this very command."""
        found = []
        for text in command.examples:
            argv = _example_argv(text)
            if argv is None:
                continue
            parsed = self.parse(argv, within=command.path)
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


def _read_flag(command: Command, argv: list[str], i: int, parsed: Parsed,
               hidden: Hidden | None = None) -> int:
    """Read the flag word argv[i] (and its value word); return the index after them."""
    word = argv[i]
    if word.startswith("--"):
        name, eq, _value = word[2:].partition("=")
        takes = _takes_value(command, f"--{name}", command.longs.get(name), parsed, hidden)
        if takes is None:
            return i + 1
        parsed.flags.add(name)
        if takes and not eq:
            if i + 1 >= len(argv):
                parsed.errors.append(f'flag --{name} for "{command.display}" needs a value')
            return i + 2
        return i + 1
    for pos in range(1, len(word)):  # -it, -n ns, -nns, -n=ns
        short = word[pos]
        name = command.shorts.get(short)
        takes = _takes_value(command, f"-{short}", None if name is None else command.longs[name],
                             parsed, hidden)
        if takes is None:
            return i + 1
        parsed.flags.add(name or short)
        if takes:
            if pos + 1 < len(word):
                return i + 1
            if i + 1 >= len(argv):
                parsed.errors.append(f'flag -{short} for "{command.display}" needs a value')
            return i + 2
    return i + 1


def _takes_value(command: Command, flag: str, known: bool | None, parsed: Parsed,
                 hidden: Hidden | None) -> bool | None:
    """Whether a flag takes a value word; None (and an error) when kubectl does not have it.

    A flag help does not show may still be one kubectl hides: `hidden` knows those."""
    if known is not None:
        return known
    found = hidden(command.path, flag) if hidden is not None else None
    if found is None:
        parsed.errors.append(_unknown_flag(command, flag))
        return None
    if found.deprecated is not None:
        parsed.warnings.append(f'flag {flag} of "{command.display}" is deprecated: {found.deprecated}')
    return found.takes_value


def _unknown_command(command: Command, word: str) -> str:
    message = f'unknown command "{word}" for "{command.display}"'
    close = _closest(word, command.children)
    if close:
        message += f' (did you mean "{_name(command, close)}"?)'
    return message


def _name(command: Command, word: str) -> str | None:
    """The name of the sub-command `word` names (by name or alias), without learning that one."""
    children = command.children
    if isinstance(children, Children):
        return children.name_of(word)
    child = children.get(word)
    return None if child is None else child.path[-1]


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
