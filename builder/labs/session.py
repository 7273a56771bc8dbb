"""A chapter's labs replayed in one real bash session on a pseudo-terminal, as a trainee types them.

Completion and exit status come from a marker that bash itself prints before every prompt
(PROMPT_COMMAND), made of two halves typed apart so that it can never be matched in a command's
own text: nothing depends on what the prompt looks like or on a command's output format. Its
continuation prompt (PS2) is a marker too, so that a step is typed the way a trainee types it:
one line at a time, the next when bash asks for it (the prompt is back, or the command goes on:
a here-document, a `\\`, an open loop). Bash itself decides where a command ends.

Lines still to type wait while a command runs (`kubectl get pods -w`). A stop key (`keys ^C`)
drops them, as a terminal drops what was typed ahead, except that a later `wait` or stop key of
the lab takes the next one up: two watches in one step, each stopped in turn, both run. This is
the checker's model of a step's lines (builder/labs/check.py), so what it accepts, this replays.

Whatever a chapter starts ends with it (builder/labs/reaper.py): what was still running is
killed and reported, with the step after which it was first seen. Output is kept within bounds
however much a step prints (builder/labs/transcript.py).
"""

from __future__ import annotations

import os
import re
import secrets
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import ClassVar

import pexpect

from builder.labs.directives import directive, key_bytes, keys_bytes, stops
from builder.labs.reaper import Proc, Reaper, reaper
from builder.labs.transcript import Scanner, Transcript, printable, step_output
from builder.model import Step

ANSI_RE = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[()][0-9A-Za-z]|\r")
WAIT_SECONDS = 60.0
LONGWAIT_SECONDS = 600.0
STEP_SECONDS = 300.0
GRACE_SECONDS = 3.0  # between SIGINT, SIGTERM and SIGKILL
SETTLE_SECONDS = 0.05  # after a step that left processes, between looks for their children
SETTLE_LOOKS = 8

@dataclass(slots=True)
class StepResult:
    step: Step
    status: str  # "passed", "failed", "skipped" or "not run"
    seconds: float = 0.0
    output: str = ""
    message: str = ""
    exit_code: int | None = None


@dataclass(slots=True)
class Timeouts:
    step: float = STEP_SECONDS
    wait: float = WAIT_SECONDS
    longwait: float = LONGWAIT_SECONDS


@dataclass
class BashSession:
    """One interactive bash; `run` plays steps with FORMAT.md section 4's semantics."""

    cwd: Path
    env: dict[str, str]
    timeouts: Timeouts = field(default_factory=Timeouts)
    transcript: Transcript = field(default_factory=Transcript)  # escape sequences removed
    leftovers: list[tuple[Proc, Step | None]] = field(default_factory=list)  # killed at the end
    on_leftovers: Callable[[list[tuple[Proc, Step | None]]], None] | None = None  # told at close
    _child: pexpect.spawn | None = None
    _reaper: Reaper | None = None
    _first_seen: dict[int, Step] = field(default_factory=dict)  # pid -> the step it ran after
    _last_step: Step | None = None
    _token: str = ""
    _pending: bool = False  # a command was typed and its marker has not come back yet
    _since: int = 0  # where the running command's output starts in the transcript
    _last_status: int | None = None
    _clipboard: str | None = None
    _queue: list[str] = field(default_factory=list)  # the step's lines not typed yet
    _held: bool = False  # a stop key dropped the queue: only a later wait or stop takes it up
    _wants_more: bool = False  # bash asked for more (PS2) and the step had no line left
    _scanned: int = 0  # where the marker scan goes on from in the transcript

    # -- life cycle ------------------------------------------------------------------------

    def start(self) -> None:
        self._token = secrets.token_hex(6)
        tracker = reaper()
        self._child = pexpect.spawn(
            "/bin/bash", ["--norc", "--noprofile", "--noediting", "-i"], cwd=str(self.cwd),
            env=self.env, encoding="utf-8", codec_errors="replace", echo=False,
            dimensions=(50, 200), timeout=None, preexec_fn=tracker.preexec)
        self._reaper = tracker.started(self._child.pid)
        # The markers' halves are typed apart: only bash's printf and prompt expansion join them.
        setup = (f"stty -echo 2>/dev/null; PS1=''; __ck={self._token}; PS2='\\n__CK_${{__ck}}:>\\n'; "
                 f"unset HISTFILE; PROMPT_COMMAND='printf \"\\n%s%s:%s\\n\" __CK_ {self._token} $?'\n")
        self._child.send(setup)
        self._pending = True
        if self._settle(20.0) is None:
            self.close()
            raise RuntimeError(f"bash did not start: {self.transcript.tail(500)!r}")

    @property
    def containment(self) -> str:
        """How the session's processes are tracked: cgroup, subreaper or group."""
        return self._reaper.mechanism if self._reaper else ""

    def close(self) -> None:
        """End the shell, then whatever it left running (recorded in `leftovers`)."""
        child = self._child
        if child is None:
            return
        if child.isalive():
            self._interrupt_foreground(marker_wait=1.0)
            try:
                child.sendline("exit")
                # Not until EOF: a process left in the background may hold the terminal open.
                self._read_until(lambda: not child.isalive(), 3.0)
            except (pexpect.EOF, OSError):
                pass
        tracker, self._reaper = self._reaper, None
        try:
            if tracker is not None:
                self.leftovers = [(proc, self._first_seen.get(proc.pid, self._last_step))
                                  for proc in tracker.sweep()]
                if self.leftovers and self.on_leftovers:
                    self.on_leftovers(self.leftovers)
        finally:
            child.close(force=True)
            self._child = None
            if tracker is not None:
                tracker.close()  # the shell gone too: its cgroup can go

    def __enter__(self) -> BashSession:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- steps -----------------------------------------------------------------------------

    def run(self, step: Step, next_step: Step | None) -> StepResult:
        started = time.monotonic()
        begin = self.transcript.end
        try:
            result = self._dispatch(step, next_step)
        except (pexpect.EOF, OSError):
            result = StepResult(step, "failed", message="the shell session ended unexpectedly")
        result.seconds = time.monotonic() - started
        result.output = printable(self._without_markers(step_output(self.transcript, begin)).strip("\n"))
        self._watch(step)
        return result

    def _without_markers(self, text: str) -> str:
        """The output as a terminal shows it: a marker leaves a line break only where the
        command's output did not end with one."""
        def gone(m: re.Match[str]) -> str:
            return "" if m.start() == 0 or text[m.start() - 1] == "\n" else "\n"

        return re.sub(rf"\n__CK_{self._token}:(?:\d+|>)\n", gone, text)

    def _watch(self, step: Step) -> None:
        """Note the processes running after this step, to name it if they are left at the end."""
        self._last_step = step
        if self._reaper is None:
            return
        quiet, looks = 0, 0
        while quiet < 2 and looks < SETTLE_LOOKS:  # what it started may be about to fork (setsid)
            new = self._reaper.watch()
            for proc in new:
                self._first_seen.setdefault(proc.pid, step)
            if looks == 0 and not new:
                return  # this step left nothing running
            quiet, looks = (0 if new else quiet + 1), looks + 1
            time.sleep(SETTLE_SECONDS)

    def _dispatch(self, step: Step, next_step: Step | None) -> StepResult:
        """Do what the directive table says the step's method does (FORMAT.md section 4)."""
        found = directive(step.method)
        replay = self._replays[found.replay] if found is not None else BashSession._shown
        return replay(self, step, next_step)

    def _shown(self, step: Step, _next: Step | None) -> StepResult:
        what = f"{step.method} blocks are" if step.method else "a block with no info string is"
        return StepResult(step, "skipped", message=f"{what} shown, not run")

    def _skip(self, step: Step, _next: Step | None) -> StepResult:
        if step.method == "open":
            return StepResult(step, "skipped", message=f"a trainee would open {step.data} in a browser")
        return StepResult(step, "skipped", message=f"{step.method}: not replayed")

    def _run_command(self, step: Step, next_step: Step | None) -> StepResult:
        """A command keeps running when the lab waits for its output or stops it next."""
        keeps = next_step is not None and (found := directive(next_step.method)) is not None \
            and (found.replay == "wait" or stops(next_step.method, next_step.data))
        return self._command(step, keep_running=keeps)

    def _wait(self, step: Step, _next: Step | None) -> StepResult:
        limit = self.timeouts.wait if step.method == "wait" else self.timeouts.longwait
        if not self._pending and self._held and self._queue:
            self._type_line(self._queue.pop(0), resumed=True)  # the step's next watch
        output = Scanner(self.transcript, self._since, overlap=0)
        if self._read_until(lambda: output.find(step.data), limit):
            return StepResult(step, "passed")
        return StepResult(step, "failed", message=f"{step.data!r} did not show within {limit:g} s")

    def _key(self, step: Step, _next: Step | None) -> StepResult:
        sent = key_bytes(step.data)
        if sent is None:  # `labs check` reports it; the runner fails the step, never crashes
            return StepResult(step, "failed", message=f"unknown key name {step.data.strip()!r}")
        return self._type(step, sent)

    def _keys(self, step: Step, _next: Step | None) -> StepResult:
        return self._type(step, keys_bytes(step.data))

    def _type(self, step: Step, text: str) -> StepResult:
        if stops(step.method, step.data):
            return self._stop(step, text)
        if not self._pending and text.endswith(("\r", "\n")):
            # typed at the prompt and entered: a command now runs, its marker will follow
            self._drop_held()
            self._pending, self._since = True, self.transcript.end
        self._send(text)
        self._read_until(lambda: False, 0.3)  # let the terminal answer
        return StepResult(step, "passed")

    def _stop(self, step: Step, text: str) -> StepResult:
        """^C or ^D: the running command ends and what the step had left to type is dropped, as
        a terminal drops typed-ahead text; a later wait or stop takes the next line up."""
        if not self._pending and self._held and self._queue:
            self._queue.pop(0)  # the line this key would stop: never started
            return StepResult(step, "passed")
        self._held = bool(self._queue)
        self._send(text)
        self._read_until(lambda: not self._pending, GRACE_SECONDS)
        self._read_until(lambda: False, 0.1)  # let the terminal answer
        return StepResult(step, "passed")

    def _paste(self, step: Step, _next: Step | None) -> StepResult:
        if self._clipboard is None:
            return StepResult(step, "failed", message="paste with nothing copied")
        self._send(self._clipboard)
        return StepResult(step, "passed")

    def _check(self, step: Step, _next: Step | None) -> StepResult:
        status = self._finish(self.timeouts.step)
        if status is None:
            return StepResult(step, "failed", message="the last command is still running")
        if status != 0:
            return StepResult(step, "failed", exit_code=status,
                              message=f"the last command exited with status {status}")
        return StepResult(step, "passed", exit_code=status)

    def _copy_step(self, step: Step, _next: Step | None) -> StepResult:
        return self._copy(step)

    def _copypaste(self, step: Step, _next: Step | None) -> StepResult:
        """The 2019 runner's `copypaste`: the last match of the regex in the output (read across
        lines), its line breaks removed as a screen copy would, typed and entered as a command."""
        try:
            pattern = re.compile(step.data.strip(), re.DOTALL)
        except re.error as exc:
            return StepResult(step, "failed", message=f"invalid regular expression: {exc}")
        visible = "\n".join(self.transcript.since(self.transcript.start).split("\n")[-200:])
        matches = [m.group(0) for m in pattern.finditer(visible)]
        if not matches:
            return StepResult(step, "failed", message=f"copypaste: {step.data.strip()!r} matches "
                              "nothing in the output")
        typed = matches[-1].replace("\n", "")
        result = self._command(replace(step, data=typed), keep_running=False)
        return replace(result, step=step, message=result.message or f"typed {typed!r}")

    # One behaviour per `replay` of the directive table; a test checks that none is missing.
    _replays: ClassVar[dict[str, Callable[[BashSession, Step, Step | None], StepResult]]] = {
        "command": _run_command, "wait": _wait, "key": _key, "keys": _keys, "copy": _copy_step,
        "paste": _paste, "copypaste": _copypaste, "check": _check, "skip": _skip,
    }

    def _command(self, step: Step, keep_running: bool) -> StepResult:
        previous = self._finish(self.timeouts.step)
        if previous is None:
            return StepResult(step, "failed", message="the previous command is still running "
                              f"after {self.timeouts.step:g} s")
        first, *rest = step.data.removesuffix("\n").split("\n")
        self._queue, self._held = rest, False
        self._type_line(first, resumed=True)
        if keep_running:
            return StepResult(step, "passed")
        status = self._settle(self.timeouts.step)
        if self._wants_more:
            self._interrupt_foreground(marker_wait=GRACE_SECONDS)
            return StepResult(step, "failed", message="bash still waits for the rest of the "
                              "command (an unclosed quote, here-document or `\\`?): stopped with ^C")
        if status is None:
            self._interrupt_foreground(marker_wait=GRACE_SECONDS)
            return StepResult(step, "failed", message=f"timed out after {self.timeouts.step:g} s: "
                              "stopped with SIGINT, SIGTERM, SIGKILL")
        # The step's status is `$?` after its last line, as the reference runner checked it.
        if status != 0:
            return StepResult(step, "failed", exit_code=status,
                              message=f"exited with status {status}")
        return StepResult(step, "passed", exit_code=0)

    def _copy(self, step: Step) -> StepResult:
        try:
            pattern = re.compile(step.data)
        except re.error as exc:
            return StepResult(step, "failed", message=f"invalid regular expression: {exc}")
        visible = "\n".join(self.transcript.since(self.transcript.start).split("\n")[-200:])
        matches = list(pattern.finditer(visible))
        if not matches:
            return StepResult(step, "failed", message=f"copy: {step.data!r} matches nothing "
                              "in the output")
        last = matches[-1]
        self._clipboard = last.group(1) if pattern.groups else last.group(0)
        return StepResult(step, "passed", message=f"copied {self._clipboard!r}")

    # -- terminal plumbing -----------------------------------------------------------------

    def _send(self, text: str) -> None:
        assert self._child is not None
        self._child.send(text)

    def _type_line(self, line: str, resumed: bool) -> None:
        """Type one line of a step; `resumed`: it starts a command whose output a wait reads."""
        if resumed:
            self._since = self.transcript.end
        self._held, self._wants_more, self._pending = False, False, True
        self._send(line + "\n")

    def _drop_held(self) -> None:
        if self._held:
            self._queue.clear()
            self._held = False

    def _finish(self, limit: float) -> int | None:
        """Wait for the running command (if any) and the step's lines left to type to give the
        prompt back; the last exit status. Lines a stop key dropped stay dropped."""
        self._drop_held()
        if not self._pending and not self._queue:
            return self._last_status if self._last_status is not None else 0
        return self._settle(limit)

    def _settle(self, limit: float) -> int | None:
        """Read until the prompt is back with nothing left to type (or bash wants more than the
        step has); the last exit status, or None at the limit."""
        def settled() -> bool:
            return self._wants_more or (not self._pending and (self._held or not self._queue))

        return self._last_status if self._read_until(settled, limit) else None

    def _markers(self) -> None:
        """Follow bash's prompts in what arrived: each one lets the step's next line be typed."""
        pattern = re.compile(rf"__CK_{self._token}:(\d+|>)\n")
        begin = max(self._scanned, self.transcript.start)
        text = self.transcript.since(begin)
        last = 0
        for m in pattern.finditer(text):
            last = m.end()
            if m.group(1) != ">":
                self._pending, self._last_status = False, int(m.group(1))
                if self._queue and not self._held:
                    self._type_line(self._queue.pop(0), resumed=False)
            elif self._queue:
                self._send(self._queue.pop(0) + "\n")  # the command goes on: its next line
            else:
                self._wants_more = True
        self._scanned = max(begin + last, self.transcript.end - 64)

    def _read_until(self, done: Callable[[], bool], limit: float) -> bool:
        assert self._child is not None
        deadline = time.monotonic() + limit
        while True:
            if done():
                return True
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            try:
                chunk = self._child.read_nonblocking(65536, timeout=min(left, 0.2))
            except pexpect.TIMEOUT:
                continue
            self.transcript.append(ANSI_RE.sub("", chunk))
            self._markers()

    def _interrupt_foreground(self, marker_wait: float) -> None:
        """Stop whatever runs in the foreground, children included: SIGINT, then SIGTERM, then
        SIGKILL to the terminal's foreground process group, until nothing is left in it."""
        child = self._child
        self._queue.clear()  # a stopped step types nothing more
        self._wants_more = False
        if child is None or not self._pending:
            return
        try:
            group = os.tcgetpgrp(child.child_fd)
        except OSError:
            return
        if group == child.pid:  # bash itself is in the foreground (a builtin, a loop, PS2)
            child.sendintr()
            self._settle(marker_wait)
            return
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGKILL):
            if not _group_alive(group):
                break
            try:
                os.killpg(group, sig)
            except ProcessLookupError:
                break
            deadline = time.monotonic() + marker_wait
            while _group_alive(group) and time.monotonic() < deadline:
                self._read_until(lambda: False, 0.1)
        self._settle(marker_wait)


def _group_alive(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
