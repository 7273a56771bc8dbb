"""A chapter's labs replayed in one real bash session on a pseudo-terminal, as a trainee types them.

Completion and exit status come from a marker that bash itself prints before every prompt
(PROMPT_COMMAND), made of two halves typed apart so that it can never be matched in a command's
own text: nothing depends on what the prompt looks like or on a command's output format.

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
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

import pexpect

from builder.labs.directives import directive, key_bytes, keys_bytes
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

    # -- life cycle ------------------------------------------------------------------------

    def start(self) -> None:
        self._token = secrets.token_hex(6)
        tracker = reaper()
        self._child = pexpect.spawn(
            "/bin/bash", ["--norc", "--noprofile", "--noediting", "-i"], cwd=str(self.cwd),
            env=self.env, encoding="utf-8", codec_errors="replace", echo=False,
            dimensions=(50, 200), timeout=None, preexec_fn=tracker.preexec)
        self._reaper = tracker.started(self._child.pid)
        # The marker's halves are typed apart: only bash's printf joins them.
        setup = (f"stty -echo 2>/dev/null; PS1=''; PS2=''; unset HISTFILE; "
                 f"PROMPT_COMMAND='printf \"\\n%s%s:%s\\n\" __CK_ {self._token} $?'\n")
        self._child.send(setup)
        self._pending = True
        if self._await_marker(20.0) is None:
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
        output = re.sub(rf"\n?__CK_{self._token}:\d+\n", "\n", step_output(self.transcript, begin))
        result.output = printable(output.strip("\n"))
        self._watch(step)
        return result

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
        waits = next_step is not None and (found := directive(next_step.method)) is not None \
            and found.replay == "wait"
        return self._command(step, keep_running=waits)

    def _wait(self, step: Step, _next: Step | None) -> StepResult:
        limit = self.timeouts.wait if step.method == "wait" else self.timeouts.longwait
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
        if not self._pending and text.endswith(("\r", "\n")):
            # typed at the prompt and entered: a command now runs, its marker will follow
            self._pending, self._since = True, self.transcript.end
        self._send(text)
        self._read_until(lambda: False, 0.3)  # let the terminal answer
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

    # One behaviour per `replay` of the directive table; a test checks that none is missing.
    _replays: ClassVar[dict[str, Callable[[BashSession, Step, Step | None], StepResult]]] = {
        "command": _run_command, "wait": _wait, "key": _key, "keys": _keys, "copy": _copy_step,
        "paste": _paste, "check": _check, "skip": _skip,
    }

    def _command(self, step: Step, keep_running: bool) -> StepResult:
        previous = self._finish(self.timeouts.step)
        if previous is None:
            return StepResult(step, "failed", message="the previous command is still running "
                              f"after {self.timeouts.step:g} s")
        self._since = self.transcript.end
        text = step.data if step.data.endswith("\n") else step.data + "\n"
        # One group, one marker: several lines, here-documents and exports all stay in this shell.
        self._send("{\n" + text + "}\n")
        self._pending = True
        if keep_running:
            return StepResult(step, "passed")
        status = self._await_marker(self.timeouts.step)
        if status is None:
            self._interrupt_foreground(marker_wait=GRACE_SECONDS)
            return StepResult(step, "failed", message=f"timed out after {self.timeouts.step:g} s: "
                              "stopped with SIGINT, SIGTERM, SIGKILL")
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

    def _finish(self, limit: float) -> int | None:
        """Wait for the running command (if any) to give the prompt back; its exit status."""
        if not self._pending:
            return self._last_status if self._last_status is not None else 0
        return self._await_marker(limit)

    def _await_marker(self, limit: float) -> int | None:
        pattern = re.compile(rf"__CK_{self._token}:(\d+)\n")
        output = Scanner(self.transcript, self._since, overlap=64)
        found: list[tuple[re.Match[str], int]] = []

        def seen() -> bool:
            hit = output.search(pattern)
            if hit:
                found.append(hit)
            return hit is not None

        if not self._read_until(seen, limit):
            return None
        m, end = found[-1]
        self._pending = False
        self._since = end
        self._last_status = int(m.group(1))
        return self._last_status

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

    def _interrupt_foreground(self, marker_wait: float) -> None:
        """Stop whatever runs in the foreground, children included: SIGINT, then SIGTERM, then
        SIGKILL to the terminal's foreground process group, until nothing is left in it."""
        child = self._child
        if child is None or not self._pending:
            return
        try:
            group = os.tcgetpgrp(child.child_fd)
        except OSError:
            return
        if group == child.pid:  # bash itself is in the foreground (a builtin, a loop)
            child.sendintr()
            self._await_marker(marker_wait)
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
        self._await_marker(marker_wait)


def _group_alive(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
