"""Lab commands as real shell: the simple commands inside pipes, `$(...)`, `&&`, loops, here-docs.

bashlex (a port of bash's own grammar) does the parsing; this module flattens its tree into
the commands a checker cares about, each with its words, its line within the step, and the
here-document it reads, if any (`kubectl apply -f - <<EOF`). Placeholders a trainee replaces
(`curl http://<EXTERNAL-IP>:8080`) are read as words, not redirections. Where bashlex fails,
bash itself is the reference grammar (`builder.labs.bash_syntax`).
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, replace
from functools import lru_cache


@dataclass(slots=True)
class Command:
    words: list[str]
    line: int  # 0-based line of the command within the script
    stdin: str | None = None  # here-document text fed to it
    stdin_line: int = 0  # 0-based line where that text starts


class ShellSyntaxError(Exception):
    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.line = line


# `<EXTERNAL-IP>`, `<pod-name>`, `<your_name>`: a value the trainee reads off the screen. As shell,
# `<x>` followed by nothing is a syntax error, so such a word is never meant as a redirection.
PLACEHOLDER = re.compile(r"(?<![<\w$])<([A-Za-z][\w.:-]*)>(?![>&\w])")


def mask_placeholders(script: str) -> str:
    """Placeholders as plain words of the same length, so offsets and lines stay where they were."""
    return PLACEHOLDER.sub(lambda m: "_" + m.group(1) + "_", script)


def only_comments(script: str) -> bool:
    return all(not line.strip() or line.lstrip().startswith("#") for line in script.splitlines())


# A line that is one plain command: words, quotes without expansions, nothing bash would treat
# specially. Most lab commands are like this (`kubectl get pods -o wide`): read without bashlex.
_PLAIN_LINE = re.compile(r"[\w./:=@%+,~^*?\[\]\t '\"-]*")
_KEYWORDS = frozenset({"if", "then", "else", "elif", "fi", "for", "while", "until", "do", "done", "case",
                       "esac", "function", "select", "time", "{", "}", "!", "[[", "]]", "coproc"})


def _plain(script: str) -> list[Command] | None:
    """The commands of a script made of plain lines only, or None when it needs the real parser."""
    found = []
    for number, line in enumerate(script.split("\n")):
        if not line.strip():
            continue
        if not _PLAIN_LINE.fullmatch(line):
            return None
        try:
            words = shlex.split(line)
        except ValueError:
            return None
        if not words or words[0] in _KEYWORDS or "=" in words[0]:
            return None
        found.append(Command(words=words, line=number))
    return found


def commands(script: str) -> list[Command]:
    """The simple commands of a script, in order; raises ShellSyntaxError when bashlex cannot read it.

    Courses type the same lines again and again (`kubectl get pods`): each text is read once."""
    return [replace(c) for c in _commands(script)]


@lru_cache(maxsize=4096)
def _commands(script: str) -> tuple[Command, ...]:
    return tuple(_read(script))


def _read(script: str) -> list[Command]:
    script = mask_placeholders(script)
    if only_comments(script):
        return []
    plain = _plain(script)
    if plain is not None:
        return plain
    import bashlex  # a port of bash's grammar: slow to import and to run, so only when needed
    import bashlex.errors

    try:
        trees = bashlex.parse(script)
    except (bashlex.errors.ParsingError, NotImplementedError, AttributeError, IndexError,
            TypeError, ValueError) as exc:
        pos = getattr(exc, "position", 0) or 0
        message = getattr(exc, "message", None) or str(exc) or type(exc).__name__
        raise ShellSyntaxError(message, script.count("\n", 0, pos)) from None
    found: list[Command] = []
    for tree in trees:
        _walk(tree, script, found)
    return found


def _walk(node, script: str, out: list[Command]) -> None:
    kind = node.kind
    if kind == "pipeline":
        piped: str | None = None
        piped_line = 0
        for part in node.parts:
            if part.kind == "command":
                cmd = _command(part, script, out)
                if cmd is not None and cmd.stdin is None and piped is not None:
                    cmd.stdin, cmd.stdin_line = piped, piped_line
                # `cat <<EOF | kubectl apply -f -`: the here-document flows down the pipe
                piped = cmd.stdin if cmd is not None and cmd.words[:1] == ["cat"] else None
                piped_line = cmd.stdin_line if cmd is not None else 0
            else:
                _walk(part, script, out)
        return
    if kind == "command":
        _command(node, script, out)
        return
    for attr in ("parts", "list"):
        for child in getattr(node, attr, None) or []:
            _walk(child, script, out)
    for attr in ("command", "output"):
        child = getattr(node, attr, None)
        if child is not None and hasattr(child, "kind"):
            _walk(child, script, out)


def _command(node, script: str, out: list[Command]) -> Command | None:
    words: list[str] = []
    stdin: str | None = None
    stdin_line = 0
    nested = []
    for part in node.parts:
        if part.kind == "word":
            words.append(part.word)
            nested.extend(p for p in getattr(part, "parts", []) or [] if p.kind != "parameter")
        elif part.kind == "redirect":
            heredoc = getattr(part, "heredoc", None)
            if heredoc is not None:
                body = heredoc.value
                stdin = body[: body.rfind("\n") + 1] if "\n" in body else ""
                stdin_line = script.count("\n", 0, heredoc.pos[0])
        # assignments (NS=x cmd) are not words of the command
    cmd = None
    if words:
        cmd = Command(words=words, line=script.count("\n", 0, node.pos[0]), stdin=stdin,
                      stdin_line=stdin_line)
        out.append(cmd)
    for sub in nested:  # $(...) and `...` inside words
        _walk(sub, script, out)
    return cmd
