"""One call run in a forked child process, its result read back through a pipe.

For the few pieces of work a build does beside its own (an edited chapter compiled while the
cached ones are read, one language's deck assembled while this process assembles the other), a
process pool costs more than the work it spares: starting its queues and threads, then waiting
for the worker to exit (tearing down a copy of a large process takes milliseconds). Here the
child inherits everything (nothing but the result is pickled), and the result is taken as soon
as it is written; the child, still exiting then, is reaped later (`reap`) without waiting.

The child never returns into the caller's code: it writes its result (or the exception it
raised) and leaves with `os._exit`, so no `finally` or `atexit` of the parent runs twice. A child
that dies without a result (killed, out of memory) raises `ChildFailed` in the parent, which can
then do the work itself.
"""

from __future__ import annotations

import contextlib
import copyreg
import io
import os
import pickle
import signal
from collections.abc import Callable
from typing import Any

Reducers = dict[type, Callable[[Any], tuple]]


class ChildFailed(RuntimeError):
    """The child ended without a result."""


class Forked:
    """`fn(*args)` computing in a forked child; `result()` waits for it. Only fork where no other
    thread runs (a forked thread's locks stay held): the callers fork before starting any."""

    def __init__(self, fn: Callable[..., Any], *args: Any,
                 reducers: Callable[[], Reducers] | None = None) -> None:
        """`reducers()`, called in the child once the result is made: how the result's classes
        pickle (see `chapters.by_fields`)."""
        reap()
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: compute, write, leave
            code = 0
            try:
                os.close(read)
                try:
                    value = fn(*args)
                    payload = _dumps((True, value), reducers() if reducers else None)
                except BaseException as exc:  # noqa: BLE001 - handed to the parent
                    try:
                        payload = _dumps((False, exc), None)
                    except Exception:  # noqa: BLE001 - an exception that does not pickle
                        payload = _dumps((False, ChildFailed(repr(exc))), None)
                view = memoryview(payload)
                while view:
                    view = view[os.write(write, view):]
            except BaseException:  # noqa: BLE001 - the parent sees no result
                code = 1
            finally:
                os._exit(code)
        os.close(write)
        self.pid, self._fd = pid, read
        self._done = False

    def result(self) -> Any:
        """The call's result, or the exception it raised; ChildFailed if the child died."""
        chunks = []
        try:
            while chunk := os.read(self._fd, 1 << 20):
                chunks.append(chunk)
        finally:
            self._finish()
        try:
            ok, value = pickle.loads(b"".join(chunks))
        except Exception:  # noqa: BLE001 - nothing, or part of a result: the child died
            raise ChildFailed("the child process ended without a result") from None
        if not ok:
            raise value
        return value

    def result_or(self, fallback: Callable[..., Any], *args: Any) -> Any:
        """The call's result, or `fallback(*args)` computed here when the child died."""
        try:
            return self.result()
        except ChildFailed:
            return fallback(*args)

    def cancel(self) -> None:
        """Stop the child (the caller gave up on it, or was interrupted): killed and reaped
        now, so that none is left behind whatever happens next."""
        if not self._done:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
            self._finish()
            reap(wait=True)

    def _finish(self) -> None:
        if self._done:
            return
        self._done = True
        os.close(self._fd)
        _exiting.append(self.pid)
        reap()


def _dumps(value: Any, reducers: Reducers | None) -> bytes:
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=5)
    if reducers:
        pickler.dispatch_table = {**copyreg.dispatch_table, **reducers}  # type: ignore[assignment]
    pickler.dump(value)
    return buffer.getvalue()


_exiting: list[int] = []  # children that gave their result and may still be exiting


def reap(wait: bool = False) -> None:
    """Collect the children that have exited (all of them, waiting, with `wait`): a process
    that builds again and again (lint, the tests) keeps no zombies."""
    for pid in list(_exiting):
        try:
            done, _ = os.waitpid(pid, 0 if wait else os.WNOHANG)
        except ChildProcessError:
            done = pid
        if done:
            _exiting.remove(pid)
