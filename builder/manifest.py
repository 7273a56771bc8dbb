"""Deck manifests (`slides/<deck>.yml`, FORMAT.md section 2) -> Deck.

Loaded through the YAML node graph rather than plain `safe_load`, so every content entry
keeps the manifest line it was written on: a missing chapter is reported where it is listed.
Every mistake of a manifest is reported in one pass, and a deck whose only fault is a broken
entry still comes back (without that entry) so that its other chapters can be listed and
checked; the builder does not write such a deck.

`chapters:` is the older name of `content:` (courses written before 2020).
"""

from __future__ import annotations

import os
import posixpath
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

import yaml

from builder import yamltext
from builder.diagnostics import CourseError, CourseErrors, Diagnostic, error
from builder.files import OUTSIDE, contained, read_text, real_root
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


def load_manifest(path: Path, repo: Path, shared: tuple[str, ...] = ()) -> Deck:
    """The deck of one manifest, or every error it has (CourseErrors)."""
    found = read_manifest(path, repo, shared)
    problems = found.errors + ([found.not_a_deck] if found.not_a_deck else [])
    if problems:
        raise CourseErrors([CourseError(d.path, d.line, d.message) for d in problems])
    assert found.deck is not None
    return found.deck


def read_manifest(path: Path, repo: Path, shared: tuple[str, ...] = ()) -> ManifestRead:
    """One manifest's deck and findings; `shared` names the folders outside the repository that
    its entries may use (course settings)."""
    shown = _shown(path, repo)
    result = ManifestRead(shown)
    real = contained(repo, os.path.abspath(path), shared)
    if real is None:  # a link out of the repository: not read, whatever it leads to
        result.diagnostics.append(error(shown, 1, f"deck manifest {OUTSIDE}"))
        return result
    try:
        text = read_text(real, shown)
    except CourseError as exc:
        result.diagnostics.append(replace(exc.diagnostic, line=exc.line or 1))
        return result
    try:
        root = yamltext.compose(text)
        if root is not None and yamltext.expanded_size(root) > yamltext.MAX_EXPANDED_NODES:
            raise yamltext.YamlError(_line(root), "YAML aliases that never end (a list that "
                                     "contains itself) or expand past "
                                     f"{yamltext.MAX_EXPANDED_NODES:,} entries")
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
    parts = _content(fields[content_key], shown, (repo, shared), problems, content_key)
    result.deck = Deck(path=shown, stem=path.stem, title=title.strip("\n"), strings=strings,
                       exclude=exclude, parts=parts, duration=duration.strip())
    return result


def _shown(path: Path, repo: Path) -> str:
    """The manifest as the repository names it (a link is named, not followed)."""
    absolute = Path(os.path.abspath(path))
    root = repo.resolve()
    return absolute.relative_to(root).as_posix() if absolute.is_relative_to(root) else relpath(path, repo)


@lru_cache(maxsize=8192)
def _chapter(rel: str, repo: Path, shared: tuple[str, ...]) -> str | None:
    """The path of a chapter entry's file relative to the repository's real path (`..` for a
    shared folder), "" when the file is missing, None when it leads out of the course. Decks
    share chapters: each is resolved once per reading of the course (see `forget_resolved`)."""
    chapter = contained(repo, posixpath.join("slides", rel), shared)
    if chapter is None:
        return None
    if not chapter.is_file():
        return ""
    root, real = real_root(repo), str(chapter)
    if real.startswith(root + os.sep):
        return real[len(root) + 1:].replace(os.sep, "/")
    return os.path.relpath(real, root).replace(os.sep, "/")


def forget_resolved() -> None:
    """Resolve chapter entries afresh: a long-lived process (serve) reads the course again after
    edits, and a file replaced by a link out of the repository must be judged as it is now."""
    _chapter.cache_clear()


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


def _content(node: yaml.Node, shown: str, where: tuple[Path, tuple[str, ...]],
             problems: list[Diagnostic], key: str) -> list[Part]:
    if not isinstance(node, yaml.SequenceNode):
        problems.append(error(shown, _line(node), f"`{key}` must be a list"))
        return []
    parts: list[Part] = []
    number = 0
    for item in node.value:
        if isinstance(item, yaml.SequenceNode):
            number += 1
            entries: list[Entry] = []
            _flatten(item, shown, where, entries, problems)
            parts.append(Part(number=number, entries=entries, line=_line(item)))
        else:
            entries = []
            _add_entry(item, shown, where, entries, problems)
            parts.append(Part(number=None, entries=entries, line=_line(item)))
    return parts


def _flatten(node: yaml.SequenceNode, shown: str, where: tuple[Path, tuple[str, ...]],
             out: list[Entry], problems: list[Diagnostic]) -> None:
    for item in node.value:
        if isinstance(item, yaml.SequenceNode):
            _flatten(item, shown, where, out, problems)
        else:
            _add_entry(item, shown, where, out, problems)


def _add_entry(node: yaml.Node, shown: str, where: tuple[Path, tuple[str, ...]], out: list[Entry],
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
    repo, shared = where
    chapter = _chapter(rel, repo, shared)
    if chapter is None:  # refused as written: nothing outside is looked at
        problems.append(error(shown, line, f"chapter {OUTSIDE}: {rel}"))
        return
    if not chapter:
        problems.append(error(shown, line, f"chapter file not found: {rel} (looked for slides/{rel})"))
        return
    out.append(Entry(path=chapter, line=line))
