"""One call run in a forked process while the caller goes on: two writers on two cores.

Writing a run folder is CPU work in pure Python (xlsxwriter's cells, the report's HTML), so
threads would take turns on one interpreter lock. A forked child starts with a copy of the
caller's memory (the Result included, nothing pickled) and runs its one call on the other
core; the caller writes the other files meanwhile, then :meth:`Background.wait` joins the
child and raises its error, if any, in the caller as if the call had run there.

Forking is used only where it is safe and cheap: on Linux (``os.fork``; macOS's system
libraries may not survive a fork, Windows has none), with more than one core to run on.
Elsewhere the call simply runs in the caller, first, with the same result. The child may
only write files: what it changes in memory stays in the child.

>>> import pathlib, tempfile
>>> path = pathlib.Path(tempfile.mkdtemp(), "a.txt")
>>> with in_background(path.write_text, "written"):
...     pass                                  # the caller's own work, meanwhile
>>> path.read_text()
'written'
"""

from __future__ import annotations

import contextlib
import functools
import os
import pickle
import signal
import sys
import traceback
from collections.abc import Callable, Iterator
from typing import Any

#: Set to "1" to run every background call in the caller (debugging, profiling).
SERIAL_ENV = "OSA_OPT_SERIAL_WRITE"


def can_fork() -> bool:
    """Whether :func:`in_background` forks here (Linux, two or more cores, not disabled)."""
    return (sys.platform.startswith("linux") and hasattr(os, "fork")
            and (os.cpu_count() or 1) > 1 and os.environ.get(SERIAL_ENV) != "1")


class Background:
    """A call running in a forked child (``pid``), or already run in the caller."""

    def __init__(self, call: Callable[[], Any], fork: bool) -> None:
        self.pid = 0
        self._read_end = -1
        self._error: BaseException | None = None
        if not fork:
            try:
                call()
            except Exception as exc:  # raised at wait(), as in the forked case
                self._error = exc
            return
        read_end, write_end = os.pipe()
        for stream in (sys.stdout, sys.stderr):  # else the child would print it again
            with contextlib.suppress(Exception):
                stream.flush()
        pid = os.fork()
        if pid == 0:  # the child: run the call, send back an error, never return
            os.close(read_end)
            _run_child(call, write_end)
        os.close(write_end)
        self.pid, self._read_end = pid, read_end

    def wait(self) -> None:
        """Join the child; raise the error the call raised (in the child or here)."""
        if self.pid:
            payload = _read_all(self._read_end)
            _, status = os.waitpid(self.pid, 0)
            self.pid = 0
            if payload:
                self._error = _unpickled(payload)
            elif status != 0:
                self._error = RuntimeError(
                    f"the background writer stopped ({_describe(status)}) without saying why")
        if self._error is not None:
            error, self._error = self._error, None
            raise error

    def cancel(self) -> None:
        """Stop the child (the caller failed or was interrupted) and reap it."""
        if self.pid:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
            os.close(self._read_end)
            self.pid = 0
        self._error = None


@contextlib.contextmanager
def in_background(call: Callable[..., Any], *args: Any, worth_it: bool = True,
                  **kwargs: Any) -> Iterator[Background]:
    """Run ``call(*args, **kwargs)`` in a forked child while the block runs; join it at the end.

    The child's error is raised when the block ends (the block's own error first: the child
    is then killed). Without fork (:func:`can_fork`), or where the caller says a fork is
    not ``worth_it`` (a small job: starting the child costs more than it saves), the call
    runs here before the block.
    """
    job = Background(functools.partial(call, *args, **kwargs), worth_it and can_fork())
    try:
        yield job
    except BaseException:
        job.cancel()
        raise
    job.wait()


def _run_child(call: Callable[[], Any], write_end: int) -> None:
    """The child's whole life: its exit skips the parent's atexit handlers and buffers."""
    code = 0
    try:
        signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl-C: the parent reports it
        call()
    except BaseException as exc:  # noqa: BLE001 - every error goes back to the parent
        code = 1
        with contextlib.suppress(BaseException):
            # the parent's traceback ends at wait(): keep where the child failed
            exc.add_note("Raised in the background writer (a forked process):\n"
                         + "".join(traceback.format_tb(exc.__traceback__)).rstrip())
            _write_all(write_end, _pickled(exc))
    finally:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(BaseException):
                stream.flush()
        os._exit(code)


def _pickled(exc: BaseException) -> bytes:
    try:
        data = pickle.dumps(exc)
        pickle.loads(data)  # an exception whose arguments do not come back is described
        return data
    except Exception:
        return pickle.dumps(RuntimeError(f"{type(exc).__name__}: {exc}"))


def _unpickled(payload: bytes) -> BaseException:
    try:
        error = pickle.loads(payload)
    except Exception as exc:  # pragma: no cover - _pickled checked it round-trips
        return RuntimeError(f"the background writer failed; its error could not be read ({exc})")
    return error if isinstance(error, BaseException) else RuntimeError(str(error))


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]
    os.close(fd)


def _read_all(fd: int) -> bytes:
    chunks = []
    while chunk := os.read(fd, 1 << 16):
        chunks.append(chunk)
    os.close(fd)
    return b"".join(chunks)


def _describe(status: int) -> str:
    if os.WIFSIGNALED(status):
        return f"signal {os.WTERMSIG(status)}"
    return f"exit code {os.waitstatus_to_exitcode(status)}"
