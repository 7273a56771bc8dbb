"""Every process a chapter's labs start, found and stopped when the chapter ends.

A trainee's shell starts processes that outlive the command that started them: `cmd &`,
`(cmd &)`, `nohup cmd &`, `setsid cmd`. Left running they pile up across chapters and runs, hold
ports and files, and keep a CI job open. The strongest tracking the machine allows is used:

1. a cgroup (v2) of its own, created under coursekit's where that can be written (root, or a
   delegated cgroup): every descendant stays in it whatever it does, and `cgroup.kill` ends them;
2. else coursekit becomes a child subreaper (`prctl(PR_SET_CHILD_SUBREAPER)`): orphans are
   re-parented to it instead of to init, so they stay its descendants, `setsid` or not;
3. else the shell's session: what stays in it (background jobs, double forks, `nohup`), plus
   whatever was seen descending from the shell after a step.

`COURSEKIT_CONTAINMENT=subreaper` or `=group` caps the mechanism, so each one can be proven.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import secrets
import signal
import time
from dataclasses import dataclass
from pathlib import Path

from builder.labs.transcript import printable

PR_SET_CHILD_SUBREAPER = 36
PR_GET_CHILD_SUBREAPER = 37
MECHANISMS = ("cgroup", "subreaper", "group")  # strongest first
TERM_GRACE_SECONDS = 2.0  # between SIGTERM and SIGKILL for leftovers
KILL_WAIT_SECONDS = 5.0


@dataclass(frozen=True, slots=True)
class Proc:
    """A process as seen once: (pid, start time) names it even if the pid is later reused."""

    pid: int
    start: int
    command: str


@dataclass(frozen=True, slots=True)
class _Stat:
    ppid: int
    session: int
    start: int
    zombie: bool


def _stat(pid: int) -> _Stat | None:
    try:
        data = Path(f"/proc/{pid}/stat").read_bytes()
    except OSError:
        return None
    fields = data[data.rindex(b")") + 2 :].split()  # after "pid (comm) ": state is field 3
    return _Stat(ppid=int(fields[1]), session=int(fields[3]), start=int(fields[19]),
                 zombie=fields[0] in (b"Z", b"X"))


def _command(pid: int) -> str:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
        if not raw:
            raw = Path(f"/proc/{pid}/comm").read_bytes().strip()
    except OSError:
        return "?"
    text = printable(raw.rstrip(b"\0").replace(b"\0", b" ").decode("utf-8", "replace"))
    return text if len(text) <= 80 else text[:79] + "…"


def _all_pids() -> list[int]:
    try:
        return [int(name) for name in os.listdir("/proc") if name.isdigit()]
    except OSError:
        return []


def _proc(pid: int) -> Proc | None:
    """The live (not zombie) process `pid`, or None."""
    st = _stat(pid)
    if st is None or st.zombie:
        return None
    return Proc(pid, st.start, _command(pid))


def _same(proc: Proc) -> bool:
    st = _stat(proc.pid)
    return st is not None and not st.zombie and st.start == proc.start


def _signal(proc: Proc, sig: int) -> None:
    if _same(proc):  # never a reused pid
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(proc.pid, sig)


class Reaper:
    """Tracks the processes of one shell session; `sweep` stops whatever is left of them."""

    mechanism = "group"

    def __init__(self) -> None:
        self.leader: int | None = None
        self._seen: dict[tuple[int, int], Proc] = {}

    # -- the session's life ----------------------------------------------------------------

    def preexec(self) -> None:
        """Runs in the shell's process between fork and exec."""

    def started(self, pid: int) -> Reaper:
        """The shell runs as `pid`; returns the reaper that tracks it (a weaker one when this
        one could not take it in)."""
        self.leader = pid
        return self

    def watch(self) -> list[Proc]:
        """Processes of the session alive now that were not seen before (the shell excluded)."""
        new = []
        for proc in self._alive():
            key = (proc.pid, proc.start)
            if key not in self._seen:
                self._seen[key] = proc
                new.append(proc)
        return new

    def sweep(self) -> list[Proc]:
        """Stop everything left (SIGTERM, then SIGKILL) and say what that was."""
        left = self._alive()
        if left:
            for proc in left:
                _signal(proc, signal.SIGTERM)
                _signal(proc, signal.SIGCONT)  # a stopped job cannot act on SIGTERM
            self._wait_gone(TERM_GRACE_SECONDS)
            deadline = time.monotonic() + KILL_WAIT_SECONDS
            while self._alive() and time.monotonic() < deadline:
                self._kill_all()
                self._wait_gone(0.2)
        self._reap()
        return left

    def close(self) -> None:
        """Release what tracking took (a cgroup folder, the subreaper flag), once the shell has
        ended too."""

    # -- what each mechanism answers -------------------------------------------------------

    def _members(self) -> set[int]:
        """Pids that belong to the session now, the shell included."""
        if self.leader is None:
            return set()
        found = set()
        for pid in _all_pids():
            st = _stat(pid)
            if st is not None and st.session == self.leader:
                found.add(pid)
        return found

    def _alive(self) -> list[Proc]:
        procs = {p.pid: p for pid in self._members() if pid != self.leader and (p := _proc(pid))}
        for proc in self._seen.values():  # seen earlier, since escaped from the session
            if proc.pid not in procs and proc.pid != self.leader and _same(proc):
                procs[proc.pid] = proc
        return sorted(procs.values(), key=lambda p: p.pid)

    def _kill_all(self) -> None:
        for proc in self._alive():
            _signal(proc, signal.SIGKILL)

    def _wait_gone(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            self._reap()
            if not self._alive():
                return
            time.sleep(0.05)

    def _reap(self) -> None:
        """Collect the exit status of orphans re-parented to this process (subreaper only)."""


class CgroupReaper(Reaper):
    mechanism = "cgroup"

    def __init__(self, folder: Path) -> None:
        super().__init__()
        self.folder = folder

    @classmethod
    def create(cls) -> CgroupReaper | None:
        """A new cgroup under this process's own, or None where none can be written."""
        base = own_cgroup()
        if base is None:
            return None
        folder = base / f"coursekit-labs-{os.getpid()}-{secrets.token_hex(4)}"
        try:
            folder.mkdir()
        except OSError:
            return None
        if not os.access(folder / "cgroup.procs", os.W_OK):
            with contextlib.suppress(OSError):
                folder.rmdir()
            return None
        return cls(folder)

    def preexec(self) -> None:
        with contextlib.suppress(OSError), open(self.folder / "cgroup.procs", "w") as procs:
            procs.write(str(os.getpid()))

    def started(self, pid: int) -> Reaper:
        if pid in self._members():
            self.leader = pid
            return self
        self.close()  # the shell could not join it (delegation rules): the next best
        return reaper("subreaper").started(pid)

    def _members(self) -> set[int]:
        try:
            return {int(x) for x in (self.folder / "cgroup.procs").read_text().split()}
        except OSError:
            return set()

    def _kill_all(self) -> None:
        try:
            (self.folder / "cgroup.kill").write_text("1")  # Linux 5.14 and later
        except OSError:
            super()._kill_all()

    def close(self) -> None:
        for _ in range(50):  # the last processes may take a moment to leave
            try:
                self.folder.rmdir()
                return
            except FileNotFoundError:
                return
            except OSError:
                time.sleep(0.02)


class SubreaperReaper(Reaper):
    mechanism = "subreaper"

    def __init__(self, was_set: bool) -> None:
        super().__init__()
        self._was_set = was_set
        self._before = _descendants(os.getpid())  # children coursekit had already: not the session's

    @classmethod
    def create(cls) -> SubreaperReaper | None:
        was_set = _subreaper_flag()
        if was_set is None:
            return None
        if not was_set and _prctl(PR_SET_CHILD_SUBREAPER, 1) != 0:
            return None
        return cls(was_set)

    def _members(self) -> set[int]:
        return _descendants(os.getpid(), skip=self._before)

    def _reap(self) -> None:
        me = os.getpid()
        for pid in _all_pids():
            st = _stat(pid)
            if st is not None and st.zombie and st.ppid == me and pid != self.leader \
                    and pid not in self._before:
                with contextlib.suppress(ChildProcessError, OSError):
                    os.waitpid(pid, os.WNOHANG)

    def close(self) -> None:
        if not self._was_set:
            _prctl(PR_SET_CHILD_SUBREAPER, 0)


def reaper(strongest: str | None = None) -> Reaper:
    """The strongest tracking available here, never stronger than `strongest` (or the
    COURSEKIT_CONTAINMENT setting)."""
    cap = strongest or os.environ.get("COURSEKIT_CONTAINMENT") or MECHANISMS[0]
    allowed = MECHANISMS[MECHANISMS.index(cap):] if cap in MECHANISMS else MECHANISMS
    if "cgroup" in allowed and (found := CgroupReaper.create()) is not None:
        return found
    if "subreaper" in allowed and (found := SubreaperReaper.create()) is not None:
        return found
    return Reaper()


# -- the kernel's interfaces ---------------------------------------------------------------

def own_cgroup() -> Path | None:
    """This process's cgroup v2 folder, where the unified hierarchy is mounted."""
    try:
        lines = Path("/proc/self/cgroup").read_text().splitlines()
        mounts = Path("/proc/self/mountinfo").read_text().splitlines()
    except OSError:
        return None
    own = next((line[3:] for line in lines if line.startswith("0::")), None)
    if own is None or own.endswith(" (deleted)"):
        return None
    for mount in mounts:
        left, _, right = mount.partition(" - ")
        if right.split(" ", 1)[0] == "cgroup2":
            fields = left.split()
            root, point = fields[3], fields[4]
            if own == root or own.startswith(root.rstrip("/") + "/"):
                return Path(point) / own[len(root):].lstrip("/")
    return None


def _prctl(option: int, value: int) -> int:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return int(libc.prctl(option, value, 0, 0, 0))
    except (OSError, AttributeError):
        return -1


def _subreaper_flag() -> bool | None:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        flag = ctypes.c_int(0)
        if libc.prctl(PR_GET_CHILD_SUBREAPER, ctypes.byref(flag), 0, 0, 0) != 0:
            return None
    except (OSError, AttributeError):
        return None
    return bool(flag.value)


def _descendants(root: int, skip: set[int] | frozenset[int] = frozenset()) -> set[int]:
    """Every process below `root` in the process tree, without the subtrees of `skip`."""
    children: dict[int, list[int]] = {}
    for pid in _all_pids():
        st = _stat(pid)
        if st is not None:
            children.setdefault(st.ppid, []).append(pid)
    found: set[int] = set()
    todo = [p for p in children.get(root, []) if p not in skip]
    while todo:
        pid = todo.pop()
        if pid not in found:
            found.add(pid)
            todo.extend(p for p in children.get(pid, []) if p not in skip)
    return found
