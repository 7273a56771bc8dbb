"""Deck manifests (`slides/<deck>.yml`, FORMAT.md section 2) -> Deck.

Loaded through the YAML node graph rather than plain `safe_load`, so every content entry
keeps the manifest line it was written on: a missing chapter is reported where it is listed.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from builder.diagnostics import CourseError
from builder.files import read_text
from builder.model import Deck, Entry, Part

try:
    _Loader = yaml.CSafeLoader
except AttributeError:  # PyYAML built without libyaml
    _Loader = yaml.SafeLoader  # type: ignore[misc]

STRING_KEYS = ("chat", "gitrepo", "slides", "zip", "html", "slidenumberprefix")
KNOWN_KEYS = frozenset(("title", "exclude", "content", "duration", *STRING_KEYS))


def relpath(path: Path, repo: Path) -> str:
    try:
        return path.resolve().relative_to(repo.resolve()).as_posix()
    except ValueError:
        return str(path)


def load_manifest(path: Path, repo: Path) -> Deck:
    shown = relpath(path, repo)
    text = read_text(path, shown)
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        problem = exc.problem or exc.context or "invalid YAML"
        if exc.context and exc.problem:
            problem = f"{exc.context}: {exc.problem}"
        raise CourseError(shown, line, f"not valid YAML: {problem}") from None
    except yaml.YAMLError as exc:
        raise CourseError(shown, 1, f"not valid YAML: {exc}") from None
    if root is None:
        raise CourseError(shown, 1, "empty manifest: expected a mapping with a `content` list")
    if not isinstance(root, yaml.MappingNode):
        raise CourseError(shown, _line(root), "a deck manifest must be a mapping of keys")

    fields: dict[str, yaml.Node] = {}
    for key_node, value_node in root.value:
        key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
        if key not in KNOWN_KEYS:
            known = ", ".join(sorted(KNOWN_KEYS))
            raise CourseError(shown, _line(key_node), f"unknown manifest key {key!r} (known: {known})")
        if key in fields:
            raise CourseError(shown, _line(key_node), f"duplicate manifest key {key!r}")
        fields[key] = value_node

    if "content" not in fields:
        raise CourseError(shown, 1, "manifest has no `content` list")
    strings = {k.upper(): _scalar(fields[k], shown, k) for k in STRING_KEYS if k in fields}
    title = _scalar(fields["title"], shown, "title") if "title" in fields else path.stem
    exclude = _exclude(fields.get("exclude"), shown)
    parts = _content(fields["content"], shown, repo)
    duration = _scalar(fields["duration"], shown, "duration").strip() if "duration" in fields else ""
    return Deck(path=shown, stem=path.stem, title=title.strip("\n"), strings=strings,
                exclude=exclude, parts=parts, duration=duration)


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _scalar(node: yaml.Node, shown: str, key: str) -> str:
    if not isinstance(node, yaml.ScalarNode):
        raise CourseError(shown, _line(node), f"`{key}` must be a string")
    return node.value


def _exclude(node: yaml.Node | None, shown: str) -> list[str]:
    if node is None:
        return []
    if isinstance(node, yaml.ScalarNode):
        return [c.strip() for c in node.value.split(",") if c.strip()]
    if isinstance(node, yaml.SequenceNode):
        return [_scalar(item, shown, "exclude").strip() for item in node.value]
    raise CourseError(shown, _line(node), "`exclude` must be a list of slide classes")


def _content(node: yaml.Node, shown: str, repo: Path) -> list[Part]:
    if not isinstance(node, yaml.SequenceNode):
        raise CourseError(shown, _line(node), "`content` must be a list")
    parts: list[Part] = []
    number = 0
    for item in node.value:
        if isinstance(item, yaml.SequenceNode):
            number += 1
            entries: list[Entry] = []
            _flatten(item, shown, repo, entries)
            parts.append(Part(number=number, entries=entries, line=_line(item)))
        else:
            parts.append(Part(number=None, entries=[_entry(item, shown, repo)], line=_line(item)))
    return parts


def _flatten(node: yaml.SequenceNode, shown: str, repo: Path, out: list[Entry]) -> None:
    for item in node.value:
        if isinstance(item, yaml.SequenceNode):
            _flatten(item, shown, repo, out)
        else:
            out.append(_entry(item, shown, repo))


def _entry(node: yaml.Node, shown: str, repo: Path) -> Entry:
    line = _line(node)
    if not isinstance(node, yaml.ScalarNode):
        raise CourseError(shown, line, "a content entry must be a chapter path, inline Markdown "
                                       "or a list of those")
    value = node.value
    if "\n" in value:
        # Block scalars (`- |`) start on the line after their indicator.
        first = line + 1 if node.style in ("|", ">") else line
        return Entry(path=shown, line=line, inline=value, inline_line=first)
    rel = value.strip()
    if not rel:
        raise CourseError(shown, line, "empty content entry")
    chapter = repo / "slides" / rel
    if not chapter.is_file():
        raise CourseError(shown, line, f"chapter file not found: {rel} (looked for slides/{rel})")
    return Entry(path=relpath(chapter, repo), line=line)
