"""The one YAML loader of the course: libyaml when PyYAML has it, lines kept, errors worded once.

Deck manifests, lab manifests, here-documents and YAML shown on slides are all read here, so a
broken file reads `path:line: problem (context at line N)` whoever reads it. Documents keep
their node tree beside their data: the line of any field (`spec.containers[0].image`) is found
from the same parse, never by searching the text again.

`load_documents` reads values as kubectl does: dates stay strings, a bare `=` is a string, and a
key given twice is recorded (kubectl refuses the file) without stopping the rest of the file.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml

from builder.diagnostics import CourseError

try:
    Loader: type = yaml.CSafeLoader
except AttributeError:  # PyYAML built without libyaml
    Loader = yaml.SafeLoader


class YamlError(Exception):
    """YAML that cannot be read, at a 1-based line of its text (None when unknown)."""

    def __init__(self, line: int | None, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message

    def at(self, path: str, first_line: int = 1) -> CourseError:
        """The error in a file, or in a block that starts at `first_line` of one."""
        return CourseError(path, None if self.line is None else first_line + self.line - 1, self.message)


def yaml_error(error: yaml.YAMLError, text: str | None = None) -> YamlError:
    """PyYAML's error as one line: `problem (context at line N)`, at the problem's line. A
    character YAML refuses (a control character) is placed by its offset in `text`."""
    if isinstance(error, yaml.reader.ReaderError) and text is not None:
        # libyaml counts bytes of the UTF-8 text, the pure-Python reader characters.
        data = text.encode("utf-8", "surrogatepass") if Loader is not yaml.SafeLoader else text
        position = min(max(int(error.position), 0), len(data))
        newline = b"\n" if isinstance(data, bytes) else "\n"
        return YamlError(data.count(newline, 0, position) + 1,  # type: ignore[arg-type]
                         f"unacceptable character #x{int(error.character):04x}: {error.reason}")
    if not isinstance(error, yaml.MarkedYAMLError):
        text = str(error).splitlines()[0] if str(error) else "invalid YAML"
        return YamlError(None, text)
    mark = error.problem_mark or error.context_mark
    message = error.problem or "invalid YAML"
    if error.context:
        where = f" at line {error.context_mark.line + 1}" if error.context_mark else ""
        message += f" ({error.context}{where})"
    return YamlError(mark.line + 1 if mark else None, message)


def compose(text: str) -> yaml.Node | None:
    """The node tree of a one-document YAML text (deck manifests); raises YamlError."""
    try:
        return yaml.compose(text, Loader=Loader)
    except yaml.YAMLError as error:
        raise yaml_error(error, text) from None


# ---------------------------------------------------------------------------------------------
# Documents as kubectl reads them.

Part = str | int
_PATH_PART = re.compile(r'\.?([A-Za-z_][A-Za-z0-9_-]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]')


def path_parts(field_path: str | Sequence[Part]) -> list[Part]:
    """`spec.containers[0].image` (or already a sequence) as ["spec", "containers", 0, "image"]."""
    if not isinstance(field_path, str):
        return list(field_path)
    parts: list[Part] = []
    for m in _PATH_PART.finditer(field_path):
        parts.append(m.group(1) if m.group(1) else int(m.group(2)) if m.group(2)
                     else json.loads(m.group(3)))
    return parts


@dataclass(frozen=True, slots=True)
class Duplicate:
    key: str
    line: int  # 1-based, where the key is given again
    first: int  # where it was first given


@dataclass(slots=True)
class Document:
    """One YAML document: its data, the 1-based line its content starts on, its nodes."""

    line: int
    data: Any
    node: yaml.Node
    duplicates: list[Duplicate] = field(default_factory=list)

    def line_of(self, field_path: str | Sequence[Part]) -> int:
        """The line of a field, or of the deepest part of its path that exists."""
        node, line = self.node, self.line
        for part in path_parts(field_path):
            if isinstance(part, int) and isinstance(node, yaml.SequenceNode) and part < len(node.value):
                node = node.value[part]
                line = node.start_mark.line + 1
            elif isinstance(part, str) and isinstance(node, yaml.MappingNode):
                match = next(((k, v) for k, v in node.value if k.value == part), None)
                if match is None:
                    break
                line, node = match[0].start_mark.line + 1, match[1]
            else:
                break
        return line


class _KubeLoader(Loader):  # type: ignore[misc, valid-type]
    """Values read as kubectl reads them; keys given twice recorded, not fatal."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.duplicates: list[Duplicate] = []

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[str, int] = {}
        for key_node, _ in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == "tag:yaml.org,2002:merge":
                continue
            line = key_node.start_mark.line + 1
            if key_node.value in seen:
                self.duplicates.append(Duplicate(key_node.value, line, seen[key_node.value]))
            else:
                seen[key_node.value] = line
        return super().construct_mapping(node, deep=deep)


def _plain_string(loader: yaml.BaseLoader, node: yaml.ScalarNode) -> str:
    return str(loader.construct_scalar(node))


_KubeLoader.add_constructor("tag:yaml.org,2002:timestamp", _plain_string)
_KubeLoader.add_constructor("tag:yaml.org,2002:value", _plain_string)  # a bare "=" is a string


# A document whose aliases expand past this many nodes is refused, as kubectl's YAML reader
# refuses "excessive aliasing": a course is untrusted, and a billion laughs must not hang a check.
MAX_EXPANDED_NODES = 200_000


def expanded_size(node: yaml.Node) -> int:
    """How many nodes the document has once every alias is expanded (computed without expanding);
    a document that contains itself (`&a [*a]`) never ends."""
    sizes: dict[int, int] = {}
    visiting: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(node, False)]
    while stack:
        current, done = stack.pop()
        if id(current) in sizes:
            continue
        if not done:
            if id(current) in visiting:
                return MAX_EXPANDED_NODES + 1  # a cycle
            visiting.add(id(current))
        children: list[yaml.Node] = []
        if isinstance(current, yaml.SequenceNode):
            children = list(current.value)
        elif isinstance(current, yaml.MappingNode):
            children = [part for pair in current.value for part in pair]
        if done:
            sizes[id(current)] = 1 + sum(sizes.get(id(child), 1) for child in children)
            visiting.discard(id(current))
        else:
            stack.append((current, True))
            stack += [(child, False) for child in children if id(child) not in sizes]
    return sizes[id(node)]


def load_documents(text: str) -> tuple[list[Document], YamlError | None]:
    """Each non-empty document, and the error that stopped the reading, if any: the documents
    before a broken one are still checked."""
    loader = _KubeLoader(text)
    documents: list[Document] = []
    aliases = "&" in text  # an alias needs an anchor: without one, nothing expands
    try:
        while loader.check_node():
            node = loader.get_node()
            if aliases and expanded_size(node) > MAX_EXPANDED_NODES:
                return documents, YamlError(node.start_mark.line + 1, "excessive aliasing: the document "
                                            f"expands to more than {MAX_EXPANDED_NODES} nodes")
            loader.duplicates = []
            data = loader.construct_document(node)
            if data is not None:
                documents.append(Document(node.start_mark.line + 1, data, node, loader.duplicates))
    except yaml.YAMLError as error:
        return documents, yaml_error(error, text)
    except (ValueError, TypeError, RecursionError) as error:  # e.g. an unhashable key
        return documents, YamlError(None, str(error).splitlines()[0] if str(error) else "invalid YAML")
    finally:
        loader.dispose()
    return documents, None
