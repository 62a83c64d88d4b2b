"""One call run in a forked process while the caller goes on: two writers on two cores.

Writing a run folder is CPU work in pure Python (xlsxwriter's cells, the report's HTML), so
threads would take turns on one interpreter lock. A forked child starts with a copy of the
caller's memory (the Result included, nothing pickled) and runs its one call on the other
core; the caller writes the other files meanwhile, then :meth:`Background.wait` joins the
child and raises its error, if any, in the caller as if the call had run there.

Forking is used only where it is safe and cheap: on Linux (``os.fork``; macOS's system
libraries may not survive a fork, Windows has none), with more than one core to run on.
Elsewhere, or where the system refuses a process, the call simply runs in the caller,
first, with the same result. The child may only write files: what it changes in memory
stays in the child; it prints, if at all, on streams of its own (:func:`_own_streams`).
The child dies with the caller: killed (SIGKILL, the out-of-memory killer), the caller
cannot stop its child, so the kernel does (:func:`_die_with_parent`); no writer is left
running as an orphan (where Python has ctypes to reach libc's ``prctl``). Before forking,
the caller hands the system back what its C heap holds free (:func:`return_free_memory`):
the child starts with every page the caller has resident, and the kernel counts them in the
child's peak memory too.

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
import warnings
from collections.abc import Callable, Iterator
from typing import Any, TextIO

#: Set to "1" to run every background call in the caller (debugging, profiling).
SERIAL_ENV = "OSA_OPT_SERIAL_WRITE"


def can_fork() -> bool:
    """Whether :func:`in_background` forks here (Linux, two or more cores this process may
    use, not disabled)."""
    return (sys.platform.startswith("linux") and hasattr(os, "fork")
            and _cores() > 1 and os.environ.get(SERIAL_ENV) != "1")


def _cores() -> int:
    """Cores this process may run on (``taskset``, a container's cpuset), not the machine's."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


class Background:
    """A call running in a forked child (``pid``), or already run in the caller."""

    def __init__(self, call: Callable[[], Any], fork: bool) -> None:
        self.pid = 0
        self._read_end = -1
        self._error: BaseException | None = None
        if fork:
            self._fork(call)
        if not self.pid:  # not forked (or no fork to be had): the call runs here, now
            try:
                call()
            except Exception as exc:  # raised at wait(), as in the forked case
                self._error = exc

    def _fork(self, call: Callable[[], Any]) -> None:
        """Start the child running ``call``; leave ``pid`` 0 where the system refuses a
        process (no memory to copy a big round into, a process limit)."""
        for stream in (sys.stdout, sys.stderr):  # what is printed so far, printed before
            with contextlib.suppress(Exception):
                stream.flush()
        try:
            read_end, write_end = os.pipe()
        except OSError:
            return
        parent, die_with_parent = os.getpid(), _death_signal_setter()  # ready before the fork
        return_free_memory()  # the child's peak counts every page the caller holds now
        try:
            with warnings.catch_warnings():
                # Python 3.12+ warns of forking beside threads (a progress bar's): the child
                # only writes its file on streams of its own and never joins them
                warnings.filterwarnings("ignore", category=DeprecationWarning,
                                        message=".*fork.*")
                pid = os.fork()
        except OSError:
            os.close(read_end)
            os.close(write_end)
            return
        if pid == 0:  # the child: run the call, send back an error, never return
            _die_with_parent(die_with_parent, parent)
            os.close(read_end)
            _run_child(call, write_end)
        os.close(write_end)
        self.pid, self._read_end = pid, read_end

    def wait(self) -> None:
        """Join the child; raise the error the call raised (in the child or here)."""
        if self.pid:
            try:
                payload = _read_all(self._read_end)
            finally:
                self._close_pipe()
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

    def _close_pipe(self) -> None:
        fd, self._read_end = self._read_end, -1  # never closed twice (an fd may be reused)
        if fd >= 0:
            os.close(fd)

    def cancel(self) -> None:
        """Stop the child (the caller failed or was interrupted) and reap it."""
        self._close_pipe()
        if self.pid:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
            self.pid = 0
        self._error = None


@contextlib.contextmanager
def in_background(call: Callable[..., Any], *args: Any, worth_it: bool = True,
                  **kwargs: Any) -> Iterator[Background]:
    """Run ``call(*args, **kwargs)`` in a forked child while the block runs; join it at the end.

    The child's error is raised when the block ends (the block's own error first: the child
    is then killed, as it is when the wait for it is interrupted, by Ctrl-C). Without fork
    (:func:`can_fork`), where the system refuses a process, or where the caller says a fork
    is not ``worth_it`` (a small job: starting the child costs more than it saves), the call
    runs here before the block.
    """
    job = Background(functools.partial(call, *args, **kwargs), worth_it and can_fork())
    try:
        yield job
        job.wait()
    except BaseException:
        job.cancel()  # nothing left running or unreaped behind the caller's error
        raise


def return_free_memory() -> None:
    """Give the system back the pages the C heap holds free (glibc's ``malloc_trim``).

    What C libraries free (HiGHS's branch and bound, Pyomo's and pandas' buffers) stays in
    the process's heap, resident, between the blocks still in use; a forked child starts
    with all of it, and the kernel counts it in the child's peak (``ru_maxrss``) as in the
    caller's. After a solve of 100,000 projects × 5 years that was ~370 MB freed by HiGHS
    and still held while the run folder was written (the child's peak 1,048 MB against
    HiGHS's own 870 MB). A no-op where the C library has no ``malloc_trim`` (musl, macOS).
    """
    try:
        import ctypes

        trim = ctypes.CDLL(None).malloc_trim
    except (ImportError, OSError, AttributeError, TypeError):
        return
    trim(0)


def _death_signal_setter() -> Callable[..., int] | None:
    """libc's ``prctl`` (Linux), looked up in the caller so the child has only to call it;
    None without one (a Python built without ctypes, a libc without prctl): the child then
    outlives a killed caller, as it did before."""
    try:
        import ctypes

        return ctypes.CDLL(None, use_errno=True).prctl
    except (ImportError, OSError, AttributeError, TypeError):
        return None


#: ``prctl``'s option: the signal a process gets when the thread that forked it ends.
_PR_SET_PDEATHSIG = 1


def _die_with_parent(prctl: Callable[..., int] | None, parent: int) -> None:
    """In the child, first thing: have the kernel SIGKILL it when its parent dies (a caller
    killed cannot stop its children itself), and exit at once if the parent died already,
    between the fork and here (the signal is then never sent).

    The signal follows the thread that forked, not the whole process; that thread waits
    for the child inside :func:`in_background` (or kills it), so it outlives the child.
    SIGKILL, not SIGTERM: a handler of the caller's would run the caller's clean-up here.
    """
    if prctl is not None:
        from ctypes import c_ulong  # loaded by the caller already: no import here

        prctl(_PR_SET_PDEATHSIG, c_ulong(signal.SIGKILL), c_ulong(0), c_ulong(0), c_ulong(0))
    if os.getppid() != parent:
        os._exit(1)


def _run_child(call: Callable[[], Any], write_end: int) -> None:
    """The child's whole life: its exit skips the parent's atexit handlers and buffers."""
    code = 0
    own: list[TextIO] = []
    try:
        signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl-C: the parent reports it
        own = _own_streams()
        call()
    except BaseException as exc:  # noqa: BLE001 - every error goes back to the parent
        code = 1
        with contextlib.suppress(BaseException):
            # the parent's traceback ends at wait(): keep where the child failed
            exc.add_note("Raised in the background writer (a forked process):\n"
                         + "".join(traceback.format_tb(exc.__traceback__)).rstrip())
            _write_all(write_end, _pickled(exc))
    finally:
        for stream in own:
            with contextlib.suppress(BaseException):
                stream.flush()
        os._exit(code)


def _own_streams() -> list[TextIO]:
    """Give the child a ``sys.stdout`` and ``sys.stderr`` of its own, on file descriptors
    1 and 2 (None where there is none).

    The caller's stream objects stay untouched here: a thread of the caller that was
    writing at the fork (the progress bar redraws ten times a second) held a stream's lock,
    and in the child, where that thread does not exist, the lock is never released; one
    flush of that stream would hang the child and the caller waiting for it. Their buffers
    were flushed before the fork, so nothing is printed twice either.
    """
    own: list[TextIO] = []
    for name, fd in (("stdout", 1), ("stderr", 2)):
        before = getattr(sys, f"__{name}__", None)
        try:
            stream = open(fd, "w", encoding=getattr(before, "encoding", None) or "utf-8",  # noqa: SIM115
                          errors="backslashreplace", closefd=False, buffering=1)
        except (OSError, ValueError):
            stream = None
        setattr(sys, name, stream)
        if stream is not None:
            own.append(stream)
    return own


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
    return b"".join(chunks)


def _describe(status: int) -> str:
    if os.WIFSIGNALED(status):
        return f"signal {os.WTERMSIG(status)}"
    return f"exit code {os.waitstatus_to_exitcode(status)}"
