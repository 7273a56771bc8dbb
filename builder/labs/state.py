"""What a chapter's shell has done so far, simulated from its steps (pure: nothing runs).

A chapter's labs run in one shell, in order (FORMAT.md section 4), so a step is checked against
what came before it: a `wait` needs a running command, a `paste` a `copy`, a relative manifest
path the folder that earlier `cd`s lead to, a custom resource the CRD the chapter has applied.
Folders are kept as the trainee's shell spells them (`~/container.training/k8s`); `None` means
the checker cannot know (`cd $DIR`, `cd -`), and then relative paths are not checked.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from typing import Any

from builder.labs.shell import Command

HOME = "~"
EDITORS = frozenset({"vim", "vi", "nano", "emacs", "ed", "code", "nvim", "mcedit", "pico", "joe"})
_WRITES = re.compile(r"(?:>|\btee\s+(?:-a\s+)?)\s*([\w./~${}-]+\.(?:ya?ml|json))")


@dataclass(slots=True)
class ShellState:
    running: int = 0  # commands typed that may still be running (a step's lines run in turn)
    copied: bool = False
    cwd: str | None = HOME
    written: set[str] = field(default_factory=set)  # files earlier commands created (shell paths)
    crds: dict[tuple[str, str, str], Any] = field(default_factory=dict)  # applied so far
    crd_sources: tuple[str, ...] = ()  # where those CRDs came from: part of a cache key
    kinds: set[str] = field(default_factory=set)  # kinds the chapter has shown or applied: its subject
    edited: set[str] = field(default_factory=set)  # files a trainee opened in an editor (shell paths)

    def resolve(self, word: str) -> str | None:
        """A path word as an absolute shell path (`~/...` or `/...`); None when unknowable."""
        if word.startswith(("~/", "/", "$HOME/", "${HOME}/")) or word in ("~", "$HOME"):
            return _normal(word.replace("${HOME}", "~", 1).replace("$HOME", "~", 1))
        if "$" in word or self.cwd is None:
            return None
        return _normal(posixpath.join(self.cwd, word))

    def change_directory(self, command: Command) -> None:
        """Follow `cd DIR`, `cd`, `pushd DIR`; anything the checker cannot follow forgets cwd."""
        args = [w for w in command.words[1:] if not w.startswith("-") or w == "-"]
        if command.words[0] == "popd":
            self.cwd = None
        elif not args:
            self.cwd = HOME
        else:
            self.cwd = None if args[0] == "-" else self.resolve(args[0])

    def note_edits(self, command: Command) -> None:
        """`vim kuberouter.yaml`: from now on the file holds what the trainee made of it."""
        if command.words[0] in EDITORS or command.words[:2] == ["sed", "-i"]:
            for word in command.words[1:]:
                where = None if word.startswith("-") else self.resolve(word)
                if where is not None:
                    self.edited.add(where)

    def note_writes(self, script: str) -> None:
        """Files a command creates (`cat > web.yaml <<EOF`, `tee x.yaml`, `-o x.yaml`)."""
        for name in _WRITES.findall(script):
            where = self.resolve(name)
            if where is not None:
                self.written.add(where)

    def wrote(self, word: str) -> bool:
        where = self.resolve(word)
        return where is not None and where in self.written


def _normal(path: str) -> str:
    if path in ("~", "~/"):
        return HOME
    if path.startswith("~/"):
        rest = posixpath.normpath("/" + path[2:])
        return HOME if rest == "/" else "~" + rest
    return posixpath.normpath(path)
