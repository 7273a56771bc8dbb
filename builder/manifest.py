"""Deck manifests (`slides/<deck>.yml`, FORMAT.md section 2) -> Deck.

Loaded through the YAML node graph rather than plain `safe_load`, so every content entry
keeps the manifest line it was written on: a missing chapter is reported where it is listed.
Every mistake of a manifest is reported in one pass, and a deck whose only fault is a broken
entry still comes back (without that entry) so that its other chapters can be listed and
checked; the builder does not write such a deck.

`chapters:` is the older name of `content:` (courses written before 2020).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from builder import yamltext
from builder.diagnostics import CourseError, CourseErrors, Diagnostic, error
from builder.files import read_text
from builder.model import Deck, Entry, Part

STRING_KEYS = ("chat", "gitrepo", "slides", "zip", "html", "slidenumberprefix")
CONTENT_KEYS = ("content", "chapters")  # today's name, and the older one
KNOWN_KEYS = frozenset(("title", "exclude", "duration", *CONTENT_KEYS, *STRING_KEYS))


@dataclass(slots=True)
class ManifestRead:
    """What one manifest file gave: its deck (None when there is none to build) and findings.

    `not_a_deck` says why the file is no deck at all (not a mapping, no `content`): a file
    found by looking in `slides/` is then skipped, one named on the command line is an error.
    """

    path: str
    deck: Deck | None = None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    not_a_deck: Diagnostic | None = None

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.is_error]


def relpath(path: Path, repo: Path) -> str:
    try:
        return path.resolve().relative_to(repo.resolve()).as_posix()
    except ValueError:
        return str(path)


def load_manifest(path: Path, repo: Path) -> Deck:
    """The deck of one manifest, or every error it has (CourseErrors)."""
    found = read_manifest(path, repo)
    problems = found.errors + ([found.not_a_deck] if found.not_a_deck else [])
    if problems:
        raise CourseErrors([CourseError(d.path, d.line, d.message) for d in problems])
    assert found.deck is not None
    return found.deck


def read_manifest(path: Path, repo: Path) -> ManifestRead:
    shown = relpath(path, repo)
    result = ManifestRead(shown)
    try:
        text = read_text(path, shown)
    except CourseError as exc:
        result.diagnostics.append(exc.diagnostic)
        return result
    try:
        root = yamltext.compose(text)
    except yamltext.YamlError as exc:
        result.diagnostics.append(error(shown, exc.line or 1, f"not valid YAML: {exc.message}"))
        return result
    if root is None:
        result.not_a_deck = error(shown, 1, "empty manifest: expected a mapping with a `content` list")
        return result
    if not isinstance(root, yaml.MappingNode):
        result.not_a_deck = error(shown, _line(root), "a deck manifest must be a mapping of keys")
        return result

    fields: dict[str, yaml.Node] = {}
    key_lines: dict[str, int] = {}
    problems = result.diagnostics
    for key_node, value_node in root.value:
        key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
        if key in fields:
            problems.append(error(shown, _line(key_node), f"duplicate manifest key {key!r}"))
        elif key in KNOWN_KEYS:
            fields[key] = value_node
            key_lines[key] = _line(key_node)
    content_key = next((k for k in CONTENT_KEYS if k in fields), None)
    if content_key is None:
        result.not_a_deck = error(shown, 1, "manifest has no `content` list")
        return result
    # A mapping with `content` is a deck: from here on, mistakes are the deck's errors.
    for key_node, _ in root.value:
        key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
        if key not in KNOWN_KEYS:
            known = ", ".join(sorted(KNOWN_KEYS - {"chapters"}))
            problems.append(error(shown, _line(key_node),
                                  f"unknown manifest key {key!r} (known: {known})"))
    if all(k in fields for k in CONTENT_KEYS):
        problems.append(error(shown, key_lines["chapters"],
                              "both `content` and `chapters` (its older name): keep one"))
    strings = {}
    for k in STRING_KEYS:
        if k in fields:
            strings[k.upper()] = _scalar(fields[k], shown, k, problems)
    title = _scalar(fields["title"], shown, "title", problems) if "title" in fields else path.stem
    duration = _scalar(fields["duration"], shown, "duration", problems) if "duration" in fields else ""
    exclude = _exclude(fields.get("exclude"), shown, problems)
    parts = _content(fields[content_key], shown, repo, problems, content_key)
    result.deck = Deck(path=shown, stem=path.stem, title=title.strip("\n"), strings=strings,
                       exclude=exclude, parts=parts, duration=duration.strip())
    return result


@lru_cache(maxsize=8192)
def _inside(path: Path, repo: Path) -> bool:
    """Whether `path`, symbolic links followed, stays in the repository (decks share chapters:
    each is resolved once)."""
    return path.resolve().is_relative_to(repo.resolve())


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _scalar(node: yaml.Node, shown: str, key: str, problems: list[Diagnostic]) -> str:
    if not isinstance(node, yaml.ScalarNode):
        problems.append(error(shown, _line(node), f"`{key}` must be a string"))
        return ""
    return node.value


def _exclude(node: yaml.Node | None, shown: str, problems: list[Diagnostic]) -> list[str]:
    if node is None:
        return []
    if isinstance(node, yaml.ScalarNode):
        return [c.strip() for c in node.value.split(",") if c.strip()]
    if isinstance(node, yaml.SequenceNode):
        return [_scalar(item, shown, "exclude", problems).strip() for item in node.value]
    problems.append(error(shown, _line(node), "`exclude` must be a list of slide classes"))
    return []


def _content(node: yaml.Node, shown: str, repo: Path, problems: list[Diagnostic],
             key: str) -> list[Part]:
    if not isinstance(node, yaml.SequenceNode):
        problems.append(error(shown, _line(node), f"`{key}` must be a list"))
        return []
    parts: list[Part] = []
    number = 0
    for item in node.value:
        if isinstance(item, yaml.SequenceNode):
            number += 1
            entries: list[Entry] = []
            _flatten(item, shown, repo, entries, problems)
            parts.append(Part(number=number, entries=entries, line=_line(item)))
        else:
            entries = []
            _add_entry(item, shown, repo, entries, problems)
            parts.append(Part(number=None, entries=entries, line=_line(item)))
    return parts


def _flatten(node: yaml.SequenceNode, shown: str, repo: Path, out: list[Entry],
             problems: list[Diagnostic]) -> None:
    for item in node.value:
        if isinstance(item, yaml.SequenceNode):
            _flatten(item, shown, repo, out, problems)
        else:
            _add_entry(item, shown, repo, out, problems)


def _add_entry(node: yaml.Node, shown: str, repo: Path, out: list[Entry],
               problems: list[Diagnostic]) -> None:
    """The entry, or its error (the deck keeps its other entries)."""
    line = _line(node)
    if not isinstance(node, yaml.ScalarNode):
        problems.append(error(shown, line, "a content entry must be a chapter path, inline "
                                           "Markdown or a list of those"))
        return
    value = node.value
    if "\n" in value:
        # Block scalars (`- |`) start on the line after their indicator.
        first = line + 1 if node.style in ("|", ">") else line
        out.append(Entry(path=shown, line=line, inline=value, inline_line=first))
        return
    rel = value.strip()
    if not rel:
        problems.append(error(shown, line, "empty content entry"))
        return
    chapter = repo / "slides" / rel
    if not _inside(chapter, repo):
        problems.append(error(shown, line, f"chapter outside the repository: {rel}"))
        return
    if not chapter.is_file():
        problems.append(error(shown, line, f"chapter file not found: {rel} (looked for slides/{rel})"))
        return
    out.append(Entry(path=relpath(chapter, repo), line=line))
