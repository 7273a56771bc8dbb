"""What one `kubectl ... --help` says about its command (pure: text in, facts out)."""

from __future__ import annotations

import re
from collections.abc import Iterable

# One option line of kubectl's help: `    -f, --filename=[]:` or `    --dry-run='none':`.
OPTION = re.compile(r"^ {4}(?:-(\S), )?--([^=\s]+)=(.*):$")
# A section title at column 0: `Usage:`, `Available Commands:`, `Basic Commands (Beginner):`.
SECTION = re.compile(r"^([A-Z][\w ()-]*):$")
# One entry of a command list: two spaces, a name, at least two spaces, its summary.
LISTED = re.compile(r"^ {2}([a-z][\w-]*) {2,}\S")
# kubectl's description of a flag that replaces another: "can't be used together with -f or -R".
EXCLUSIVE = re.compile(r"can't be used together with ((?:-{1,2}[\w-]+)(?:(?:,| or| and) -{1,2}[\w-]+)*)")


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


def options_of(lines: Iterable[str]) -> list[list[str]]:
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


def named(text: str) -> list[str]:
    """The names a help gives its command in its Aliases section: its own, then its aliases
    (none without the section)."""
    return _named(_sections(text))


def _named(sections: dict[str, list[str]]) -> list[str]:
    said = " ".join(sections.get("Aliases", []))
    return [name.strip() for name in said.split(",") if name.strip()]


def parse_help(text: str) -> dict:
    """What one `kubectl ... --help` says about its command, as stored in the cache."""
    sections = _sections(text)
    aliases = _named(sections)
    commands = [m.group(1) for title, lines in sections.items()
                if re.search(r"\bCommands\b", title) and "plugin" not in title.lower()
                for m in map(LISTED.match, lines) if m]
    usage_lines = [line.strip() for line in sections.get("Usage", []) if line.startswith("  kubectl")]
    options = sections.get("Options", [])
    return {"aliases": aliases[1:], "subcommands": commands, "usage": usage_lines,
            "flags": options_of(options), "exclusive": _exclusive(options),
            "examples": _examples(sections.get("Examples", []))}
