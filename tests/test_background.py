"""osa_opt.background: one call in a forked process, its errors raised in the caller."""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from osa_opt import background
from osa_opt.background import can_fork, in_background
from osa_opt.errors import InputError, Issue, OsaError


@pytest.fixture(params=["forked", "serial"])
def mode(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    if request.param == "serial":
        monkeypatch.setenv(background.SERIAL_ENV, "1")
    else:
        monkeypatch.delenv(background.SERIAL_ENV, raising=False)
        if not can_fork():
            pytest.skip("no fork on this platform or a single core: the serial path runs")
    return str(request.param)


def write_pid(path: Path, text: str = "") -> None:
    path.write_text(f"{os.getpid()} {text}")


def test_the_call_runs_beside_the_caller_and_its_file_is_there_after(
        mode: str, tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    with in_background(write_pid, target, text="done"):
        mine = os.getpid()
    pid, text = target.read_text().split()
    assert text == "done"
    assert (int(pid) != mine) == (mode == "forked")


def worded_error() -> OsaError:
    error = OsaError("path= is not empty")
    error.cli_message = "--out is not empty"
    return error


@pytest.mark.parametrize("error", [
    worded_error(),
    InputError([Issue(sheet="projects", row=7, column="cost_FY2026", value="x",
                      rule="is not a number", hint="type the cost in ¥ millions")]),
    OSError(errno.ENOSPC, "No space left on device"),
    ValueError("a writer bug")])
def test_the_calls_error_is_raised_in_the_caller_as_it_was(
        mode: str, error: Exception) -> None:
    def failing() -> None:
        raise error

    with pytest.raises(type(error)) as info, in_background(failing):
        pass
    assert str(info.value) == str(error)
    if isinstance(error, OSError):
        assert info.value.errno == errno.ENOSPC  # type: ignore[attr-defined]
    if isinstance(error, OsaError):
        assert info.value.cli_message == error.cli_message  # type: ignore[attr-defined]
    if isinstance(error, InputError):
        assert info.value.issues == error.issues  # type: ignore[attr-defined]
    if mode == "forked":
        assert "in the background writer" in "".join(getattr(info.value, "__notes__", []))


def test_an_error_that_cannot_be_pickled_comes_back_described(mode: str) -> None:
    class Local(Exception):  # defined in a function: pickle cannot find it by name
        pass

    def failing() -> None:
        raise Local("cannot travel")

    expected = RuntimeError if mode == "forked" else Local
    with pytest.raises(expected, match="cannot travel"), in_background(failing):
        pass


def test_the_blocks_own_error_wins_and_the_child_is_stopped(mode: str, tmp_path: Path) -> None:
    started = tmp_path / "started"

    def slow() -> None:
        started.write_text("yes")
        if mode == "forked":  # the serial path runs it before the block
            time.sleep(30)

    began = time.perf_counter()
    with pytest.raises(KeyError), in_background(slow) as job:
        if mode == "forked":
            while not started.exists():
                time.sleep(0.01)
            pid = job.pid
        raise KeyError("the caller failed")
    assert time.perf_counter() - began < 10  # killed, not waited for
    if mode == "forked":
        with pytest.raises(ChildProcessError):  # reaped: no zombie left
            os.waitpid(pid, os.WNOHANG)


def test_a_child_that_dies_without_a_word_is_reported(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(background.SERIAL_ENV, raising=False)
    if not can_fork():
        pytest.skip("no fork here")
    with pytest.raises(RuntimeError, match="exit code 3"), in_background(os._exit, 3):
        pass


def test_output_printed_before_the_fork_is_printed_once(
        tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    print("before", end="")  # left in the buffer: the fork must not copy it
    with in_background(print, "in the child", flush=True):
        pass
    out, _ = capfd.readouterr()
    assert out.count("before") == 1 and out.count("in the child") == 1


def open_fds() -> set[str]:
    return set(os.listdir("/proc/self/fd"))


def test_a_refused_fork_runs_the_call_here(tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """No memory to copy a big round into, or a process limit: the workbook is written
    here (it was: the run failed with 'Could not write the run folder')."""
    monkeypatch.delenv(background.SERIAL_ENV, raising=False)
    if not can_fork():
        pytest.skip("no fork here")

    def refused() -> int:
        raise OSError(errno.ENOMEM, "Cannot allocate memory")

    monkeypatch.setattr(os, "fork", refused)
    before, target = open_fds(), tmp_path / "out.txt"
    with in_background(write_pid, target, text="done") as job:
        assert job.pid == 0
    assert target.read_text() == f"{os.getpid()} done"
    assert open_fds() == before  # the pipe is closed


@pytest.mark.parametrize("where", ["reading", "reaping"])
def test_ctrl_c_while_waiting_for_the_child_stops_and_reaps_it(
        where: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C (or a SIGINT to the caller alone) while the caller waits for the child: the
    child is killed and reaped, no descriptor is left open, KeyboardInterrupt goes on."""
    monkeypatch.delenv(background.SERIAL_ENV, raising=False)
    if not can_fork():
        pytest.skip("no fork here")
    late = tmp_path / "late.txt"

    def slow() -> None:
        if where == "reading":  # else it is done and the caller is reaping it
            time.sleep(30)
        late.write_text("written")

    interrupted: list[bool] = []

    def ctrl_c_once() -> None:
        if not interrupted:
            interrupted.append(True)
            os.kill(os.getpid(), signal.SIGINT)  # the handler raises in this thread

    real_read, real_waitpid = background._read_all, os.waitpid
    if where == "reading":
        monkeypatch.setattr(background, "_read_all",
                            lambda fd: (ctrl_c_once(), real_read(fd))[1])
    else:
        monkeypatch.setattr(os, "waitpid",
                            lambda pid, options: (ctrl_c_once(), real_waitpid(pid, options))[1])
    before, began = open_fds(), time.perf_counter()
    with pytest.raises(KeyboardInterrupt), in_background(slow) as job:
        pid = job.pid
        assert pid
    assert time.perf_counter() - began < 10  # killed, not waited for
    with pytest.raises(ChildProcessError):  # reaped: no zombie, no orphan still writing
        os.waitpid(pid, os.WNOHANG)
    assert open_fds() == before
    assert late.exists() == (where == "reaping")  # killed while it was still writing


#: A progress bar's thread is writing to stderr when the workbook's child is forked (here
#: forced: a megabyte to a pipe nobody reads yet, so the write blocks holding the stream's
#: lock). The child must finish all the same.
FORK_WHILE_A_THREAD_WRITES = """
import io, os, sys, threading, time
from pathlib import Path
from osa_opt import background

target = Path(sys.argv[1])
read_end, write_end = os.pipe()
sys.stderr = io.TextIOWrapper(io.BufferedWriter(io.FileIO(write_end, "w")), line_buffering=True)
real_fork = os.fork

def drain():
    while os.read(read_end, 1 << 16):
        pass

def fork_while_a_thread_writes():
    threading.Thread(target=print, args=("x" * (1 << 20),), kwargs={"file": sys.stderr},
                     daemon=True).start()
    time.sleep(0.3)  # the thread is blocked in its write, holding sys.stderr's lock
    pid = real_fork()
    if pid:
        threading.Thread(target=drain, daemon=True).start()  # the thread finishes, here
    return pid

os.fork = fork_while_a_thread_writes
try:
    with background.in_background(target.write_text, "written") as job:
        threading.Timer(10, os.kill, (job.pid, 9)).start()  # a hung child: stop the test
    print("finished", flush=True)
except Exception as exc:
    print(f"failed: {exc}", flush=True)
os._exit(0)
"""


def test_a_thread_writing_at_the_fork_does_not_hang_the_child(tmp_path: Path) -> None:
    if not can_fork():
        pytest.skip("no fork here")
    target = tmp_path / "out.txt"
    env = {**os.environ, background.SERIAL_ENV: "0"}
    done = subprocess.run([sys.executable, "-c", FORK_WHILE_A_THREAD_WRITES, str(target)],
                          capture_output=True, text=True, timeout=60, env=env)
    assert done.stdout == "finished\n", done.stdout + done.stderr
    assert target.read_text() == "written"


def test_one_core_to_run_on_is_no_core_to_spare(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pinned to one core (taskset, a container's cpuset) on a many-core machine: a second
    process would only take turns with this one, so the call runs here."""
    monkeypatch.delenv(background.SERIAL_ENV, raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: 64)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {3}, raising=False)
    assert not can_fork()
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {2, 3}, raising=False)
    assert can_fork() == sys.platform.startswith("linux")


def test_python_312s_warning_on_forking_beside_threads_does_not_fail_a_strict_run(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Python 3.12+ warns (DeprecationWarning) when a process with threads forks; under
    ``-W error`` that would stop the write. The progress bar's thread is such a thread."""
    import warnings

    monkeypatch.delenv(background.SERIAL_ENV, raising=False)
    if not can_fork():
        pytest.skip("no fork here")
    real_fork = os.fork

    def fork_as_312_does() -> int:
        warnings.warn("This process is multi-threaded, use of fork() may lead to deadlocks "
                      "in the child.", DeprecationWarning, stacklevel=2)
        return real_fork()

    monkeypatch.setattr(os, "fork", fork_as_312_does)
    target = tmp_path / "out.txt"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with in_background(write_pid, target, text="done"):
            pass
    assert target.read_text().split()[1] == "done"


#: A caller that starts a slow writer beside it and says the writer's pid, then waits.
SLOW_WRITER = """
import os, sys, time
from osa_opt import background

with background.in_background(time.sleep, 60) as job:
    print(job.pid, flush=True)
    time.sleep(60)
"""


def is_running(pid: int) -> bool:
    """Whether ``pid`` is a live process (a zombie, dead but not reaped, is not)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")


def test_a_caller_killed_takes_its_writer_with_it() -> None:
    """SIGKILL (or the out-of-memory killer) gives the caller no chance to stop its child:
    the kernel stops it, within moments, rather than leaving it writing as an orphan."""
    if not can_fork():
        pytest.skip("no fork here")
    env = {**os.environ, background.SERIAL_ENV: "0"}
    caller = subprocess.Popen([sys.executable, "-c", SLOW_WRITER], stdout=subprocess.PIPE,
                              text=True, env=env)
    child = 0
    try:
        child = int(caller.stdout.readline())
        assert child != caller.pid and is_running(child)
        caller.kill()
        caller.wait(timeout=10)
        deadline = time.monotonic() + 2
        while is_running(child) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert not is_running(child), "the writer outlived its killed caller"
    finally:
        caller.kill()
        caller.wait(timeout=10)
        caller.stdout.close()
        if child and is_running(child):
            os.kill(child, signal.SIGKILL)


def test_a_python_without_ctypes_still_writes_in_the_background(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """ctypes is optional in a Python build (no libffi): the writer then only lives on
    after a killed caller, as before; the write itself is not lost to an ImportError."""
    if not can_fork():
        pytest.skip("no fork here")
    monkeypatch.setitem(sys.modules, "ctypes", None)  # import ctypes raises ImportError
    monkeypatch.setenv(background.SERIAL_ENV, "0")
    target = tmp_path / "out.txt"
    with in_background(write_pid, target, text="done") as job:
        assert job.pid  # forked all the same
    assert target.read_text().split()[1] == "done"


#: Memory a C library freed (HiGHS after its branch and bound) stays resident in the heap,
#: between blocks still in use, until it is handed back; a child forked meanwhile starts
#: with every resident page, and the kernel counts them all in its peak.
FREED_BEFORE_THE_FORK = """
import ctypes, sys
from pathlib import Path
from osa_opt.background import in_background

libc = ctypes.CDLL(None)
libc.malloc.restype = ctypes.c_void_p
libc.free.argtypes = [ctypes.c_void_p]
BLOCK = 64 * 1024  # below malloc's mmap threshold: from the heap
blocks = [libc.malloc(BLOCK) for _ in range(3200)]  # 200 MB
for block in blocks:
    ctypes.memset(block, 1, BLOCK)
kept = libc.malloc(BLOCK)  # above them: the heap cannot shrink from its top
for block in blocks:
    libc.free(block)

def resident_mb():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS"):
            return int(line.split()[1]) // 1024

def child(path):
    Path(path).write_text(str(resident_mb()))

before = resident_mb()
with in_background(child, sys.argv[1]):
    pass
print(before, resident_mb())
"""


def test_memory_freed_before_the_fork_is_not_counted_again_in_the_child(
        tmp_path: Path) -> None:
    """The child's peak (``ru_maxrss``, what a whole run's peak memory reports) counts the
    caller's resident pages at the fork: 200 MB freed by a C library but still resident
    were counted in the child too (at 100,000 projects × 5 years HiGHS's ~370 MB made the
    workbook's child the run's peak, 1,048 MB). They are handed back before the fork."""
    import ctypes

    if not can_fork() or not hasattr(ctypes.CDLL(None), "malloc_trim"):
        pytest.skip("no fork here, or a C library without malloc_trim (not glibc)")
    env = {**os.environ, background.SERIAL_ENV: "0"}
    report = tmp_path / "child.txt"
    done = subprocess.run([sys.executable, "-c", FREED_BEFORE_THE_FORK, str(report)],
                          capture_output=True, text=True, env=env, timeout=60, check=True)
    before, after = map(int, done.stdout.split())
    child = int(report.read_text())
    assert before > 200  # the freed 200 MB resident in the caller
    assert child < before - 150, (before, child)
    assert after < before - 150, (before, after)
