"""The one table of lab directives and the one table of key names (FORMAT.md section 4).

Both `labs check` and `labs run` read these tables: the checker asks each directive's `check`
about a step, the runner dispatches on its `replay`, and a `key` step is accepted by the checker
exactly when `key_bytes` can turn it into what a terminal sends. So whatever the check accepts,
the runner can replay. Adding a directive is one row here, one replay behaviour in the session
(a test fails until both exist) and, if it needs one, one check function.

The checks here are pure: they read the step and the chapter's simulated shell (`ShellState`,
from `builder.labs.state`); shell grammar, kubectl and manifests are checked by the step-tier
checks of `builder.labs.step_checks`.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from builder.model import Step

if TYPE_CHECKING:
    from builder.labs.state import ShellState

# What the runner does with a step; builder.labs.session implements each one.
Replay = Literal["command", "wait", "key", "keys", "copy", "paste", "copypaste", "check", "skip"]
# A check: (step, the chapter's shell so far) -> messages, each (severity, text).
DirectiveCheck = Callable[[Step, "ShellState"], Iterable[tuple[str, str]]]


@dataclass(frozen=True, slots=True)
class Directive:
    """One row of the table: a fence's method and what both tools do with it."""

    name: str
    types: bool  # the runner sends keystrokes to the terminal for it
    shell: bool  # its text is a shell command line, checked as bash would read it
    replay: Replay
    check: DirectiveCheck
    summary: str

    @property
    def starts_command(self) -> bool:
        return self.shell and self.replay == "command"


# ---------------------------------------------------------------------------------------------
# Key names: tmux's (tmux(1), KEY BINDINGS), as an xterm sends them.

_NAMED: dict[str, str] = {
    "Enter": "\r", "Escape": "\x1b", "Space": " ", "Tab": "\t", "BTab": "\x1b[Z", "BSpace": "\x7f",
    "Up": "\x1b[A", "Down": "\x1b[B", "Right": "\x1b[C", "Left": "\x1b[D",
    "Home": "\x1b[H", "End": "\x1b[F",
    "PageUp": "\x1b[5~", "PgUp": "\x1b[5~", "PPage": "\x1b[5~",
    "PageDown": "\x1b[6~", "PgDn": "\x1b[6~", "NPage": "\x1b[6~",
    "IC": "\x1b[2~", "Insert": "\x1b[2~", "DC": "\x1b[3~", "Delete": "\x1b[3~",
    "F1": "\x1bOP", "F2": "\x1bOQ", "F3": "\x1bOR", "F4": "\x1bOS", "F5": "\x1b[15~",
    "F6": "\x1b[17~", "F7": "\x1b[18~", "F8": "\x1b[19~", "F9": "\x1b[20~", "F10": "\x1b[21~",
    "F11": "\x1b[23~", "F12": "\x1b[24~",
}
KEY_NAMES: tuple[str, ...] = tuple(_NAMED)
_BY_LOWER = {n.lower(): n for n in _NAMED}  # tmux reads key names without regard to case
# Modifier prefixes tmux accepts, and xterm's modifier parameter bits for them.
_MODIFIERS = {"C-": 4, "M-": 2, "S-": 1}
# Examples of every shape a key may take besides the names: for documentation and the tests.
KEY_FORMS: tuple[str, ...] = ("^C", "^D", "^[", "^?", "C-c", "C-Space", "C-Up", "M-x", "M-Enter",
                              "S-Tab", "S-F5", "C-M-Left", "q", "7")


def _with_modifiers(base: str, bits: int) -> str | None:
    """A special key with modifiers in xterm's form (`C-Up` is ESC [ 1 ; 5 A)."""
    seq = _NAMED[base]
    param = 1 + bits
    if re.fullmatch(r"\x1b\[[A-DHF]", seq) or re.fullmatch(r"\x1bO[P-S]", seq):
        return f"\x1b[1;{param}{seq[-1]}"
    if m := re.fullmatch(r"\x1b\[(\d+)~", seq):
        return f"\x1b[{m[1]};{param}~"
    return None


def _control(char: str) -> str | None:
    if char == "?":
        return "\x7f"
    if char == " ":
        return "\x00"
    code = ord(char.upper())
    return chr(code & 0x1F) if 0x40 <= code <= 0x5F else None


def key_bytes(name: str) -> str | None:
    """What a terminal sends for the tmux key `name` (`^C`, `C-c`, `M-x`, `C-Up`, `Enter`, `q`);
    None when tmux would not know the name. The checker and the runner both call this."""
    name = name.strip()
    if len(name) == 2 and name[0] == "^":
        return _control(name[1])
    bits = 0
    while len(name) > 2 and name[:2] in _MODIFIERS:
        bits |= _MODIFIERS[name[:2]]
        name = name[2:]
    name = _BY_LOWER.get(name.lower(), name) if len(name) > 1 else name
    if name in _NAMED:
        if not bits:
            return _NAMED[name]
        if bits == _MODIFIERS["S-"] and name == "Tab":
            return _NAMED["BTab"]
        if name in ("Enter", "Escape", "Space", "Tab", "BSpace") and not bits & 1:
            base = _NAMED[name] if not bits & 4 else (_control(" ") if name == "Space" else None)
            if base is None:
                return None
            return "\x1b" + base if bits & 2 else base
        return _with_modifiers(name, bits)
    if len(name) != 1 or not name.isprintable():
        return None
    char = name.upper() if bits & 1 else name
    if bits & 4:
        control = _control(char)
        if control is None:
            return None
        char = control
    return "\x1b" + char if bits & 2 else char


def keys_bytes(text: str) -> str:
    """What a `keys` step sends: the text, except that a lone `^X` is that key. Courses write
    `keys ^C` to stop a command because the reference runner hands `^`-led text to tmux as a
    key; typing the two characters would leave the command running."""
    if re.fullmatch(r"\^.", text.strip()):
        return key_bytes(text.strip()) or text
    return text


def stops(method: str, data: str) -> bool:
    """Whether a key or keys step interrupts or ends the running command (^C, ^D)."""
    return method in ("key", "keys") and data.strip() in ("^C", "^D", "C-c", "C-d", "^c", "^d")


def _nearest_key(name: str) -> str | None:
    close = difflib.get_close_matches(name, KEY_NAMES, n=1)
    return close[0] if close else None


# ---------------------------------------------------------------------------------------------
# The checks of each directive (pure: the step, the shell so far).


def _needs_text(step: Step, _state: ShellState) -> Iterable[tuple[str, str]]:
    if not step.data.strip():
        yield "error", f"empty {step.method} step"


def _check_wait(step: Step, state: ShellState) -> Iterable[tuple[str, str]]:
    if not step.data.strip():
        yield "error", f"{step.method} needs the text to wait for"
    if not state.running:
        yield "error", (f"{step.method} {step.data!r} has no running command before it "
                        "(nothing was typed since the last key or the start)")


def _check_key(step: Step, _state: ShellState) -> Iterable[tuple[str, str]]:
    key = step.data.strip()
    if key_bytes(key) is None:
        near = _nearest_key(key)
        hint = f" (did you mean {near!r}?)" if near else ""
        yield "error", f"unknown key name {key!r}{hint}"


def _check_copy(step: Step, _state: ShellState) -> Iterable[tuple[str, str]]:
    try:
        re.compile(step.data)
    except re.error as exc:
        yield "error", f"copy: invalid regular expression: {exc}"


def _check_paste(step: Step, state: ShellState) -> Iterable[tuple[str, str]]:
    if not state.copied:
        yield "error", "paste with no copy before it"


def _nothing(_step: Step, _state: ShellState) -> Iterable[tuple[str, str]]:
    return ()


def _table(*rows: Directive) -> dict[str, Directive]:
    return {row.name: row for row in rows}


DIRECTIVES: dict[str, Directive] = _table(
    Directive("bash", True, True, "command", _needs_text,
              "type the command, wait for the prompt, check it exited 0 (unless a wait follows)"),
    Directive("hide", True, True, "command", _needs_text, "run a command the audience does not see"),
    Directive("wait", False, False, "wait", _check_wait,
              "wait until the text shows in the running command's output (60 s)"),
    Directive("longwait", False, False, "wait", _check_wait, "same as wait, ten times longer"),
    Directive("key", True, False, "key", _check_key, "send one key (tmux key names)"),
    Directive("keys", True, False, "keys", _nothing,
              "type the text as it is; `keys ^C` alone sends the key, as the reference runner does"),
    Directive("copy", False, False, "copy", _check_copy, "keep the last match of a regex in the output"),
    Directive("paste", True, False, "paste", _check_paste, "type what copy kept"),
    Directive("copypaste", True, False, "copypaste", _check_copy,
              "older courses' copy and paste: type the last match of a regex in the output, line "
              "breaks removed, and Enter; it runs as a command"),
    Directive("check", False, False, "check", _nothing, "check the exit status of the last command"),
    Directive("open", False, False, "skip", _nothing, "a trainee opens the URL in a browser"),
    Directive("tmux", False, False, "skip", _nothing, "a terminal multiplexer action"),
)
REPLAYS: frozenset[str] = frozenset(d.replay for d in DIRECTIVES.values())


def directive(method: str) -> Directive | None:
    return DIRECTIVES.get(method)


def nearest_directive(method: str) -> str | None:
    close = difflib.get_close_matches(method, sorted(DIRECTIVES), n=1, cutoff=0.75)
    return close[0] if close else None
