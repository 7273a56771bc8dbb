"""kubectl's usage lines read as grammar: what each command requires (pure)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field


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


class IrregularUsage(Exception):
    """A usage line this parser does not understand: it then claims nothing."""


def parse_usage(text: str) -> list[Group | str]:
    """A usage line's arguments as words and bracket groups; raises IrregularUsage."""
    alternatives, _end = _sequence(text, 0, "")
    if len(alternatives) != 1:
        raise IrregularUsage(text)  # a `|` outside any bracket
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
                raise IrregularUsage(text)
            break
        elif char in "([":
            inner, end = _sequence(text, pos + 1, ")" if char == "(" else "]")
            current.append(Group(char, tuple(inner), text[pos + 1:end].strip()))
            pos = end + 1
        else:
            word, pos = _word(text, pos)
            current.append(word)
    if closer and pos >= len(text):
        raise IrregularUsage(text)
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
                raise IrregularUsage(text)
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
    children: Mapping[str, Command] = field(default_factory=dict)  # names and aliases
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
            return any(self._placeholders(parse_usage(usage_arguments(line, self.path)))
                       for line in self.usage)
        except IrregularUsage:
            return True

    def _placeholders(self, items: Iterable[Group | str]) -> bool:
        items = list(items)
        for i, item in enumerate(items):
            if isinstance(item, Group):
                if any(self._placeholders(alt) for alt in item.alternatives):
                    return True
            elif not self._flag_value(items, i) and not self._literal(item):  # literal may ask kubectl
                return True
        return False

    def _literal(self, word: str) -> bool:
        return (word.startswith("-") or word.strip(".") == ""
                or word in ("SUBCOMMAND", "flags", "options", "command") or word in self.children)

    def _flag_value(self, items: list[Group | str], i: int) -> bool:
        """Whether items[i] is the value of the flag before it (`-f FILENAME`)."""
        before = items[i - 1] if i else None
        if not isinstance(before, str) or not before.startswith("-") or "=" in before:
            return False
        name = self.flag(before)
        return name is not None and self.longs[name]


def usage_arguments(line: str, path: tuple[str, ...]) -> str:
    """The part of a usage line after `kubectl <path>`, without the catch-all `[options]`."""
    words = ("kubectl", *path)
    rest = line
    for word in words:
        head, _, rest = rest.partition(" ")
        if head != word:
            raise IrregularUsage(line)
    return re.sub(r"\[(options|flags)\]", " ", rest).strip()


def needs_of(command: Command, line: str) -> list[Need]:
    """What one usage line requires, read conservatively: anything unclear requires nothing."""
    items = parse_usage(usage_arguments(line, command.path))
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


def command_after_dash(command: Command) -> bool:
    """Whether every usage line puts a required COMMAND after `--` (`kubectl exec`): kubectl then
    refuses a container command given without `--`. Unclear usage lines claim nothing."""
    if not command.usage:
        return False
    for line in command.usage:
        try:
            items = parse_usage(usage_arguments(line, command.path))
        except IrregularUsage:
            return False
        if "--" not in items:
            return False
        after = items[items.index("--") + 1:]
        if not after or not isinstance(after[0], str) or after[0].startswith("-"):
            return False
    return True
