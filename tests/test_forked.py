"""A call in a forked child: its result or its exception come back, a dead child is told apart,
and no child is left behind."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from builder import forked
from builder.forked import ChildFailed, Forked


def pid_and_sum(*numbers: int) -> tuple[int, int]:
    return os.getpid(), sum(numbers)


def refuse(message: str) -> None:
    raise ValueError(message)


def die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def big(n: int) -> bytes:
    return b"x" * n


def children_of_this_process() -> set[int]:
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == os.getpid():
            found.add(int(stat.parent.name))
    return found


def test_the_result_comes_from_another_process():
    pid, total = Forked(pid_and_sum, 1, 2, 3).result()
    assert total == 6 and pid != os.getpid()


def test_a_result_larger_than_a_pipe_holds():
    assert Forked(big, 5_000_000).result() == b"x" * 5_000_000


def test_the_exception_is_raised_here():
    with pytest.raises(ValueError, match="no such deck"):
        Forked(refuse, "no such deck").result()


def test_a_child_killed_before_its_result_is_told_apart():
    with pytest.raises(ChildFailed):
        Forked(die).result()


def test_cancel_stops_a_child_at_work_and_none_is_left():
    child = Forked(time.sleep, 30)
    child.cancel()
    forked.reap(wait=True)
    assert child.pid not in children_of_this_process()


def test_children_are_reaped_without_waiting_for_them():
    pids = [Forked(pid_and_sum, n).result()[0] for n in range(3)]
    forked.reap(wait=True)
    assert not set(pids) & children_of_this_process()


def test_the_child_runs_none_of_the_callers_cleanup(tmp_path: Path):
    marker = tmp_path / "cleanup"
    try:
        Forked(pid_and_sum, 1).result()
    finally:
        with marker.open("a") as f:
            f.write("x")
    assert marker.read_text() == "x"  # once: the child left with os._exit


def test_a_dead_childs_work_is_done_here_instead():
    assert Forked(die).result_or(pid_and_sum, 2, 3) == (os.getpid(), 5)
    assert Forked(pid_and_sum, 2, 3).result_or(refuse, "not called")[1] == 5
