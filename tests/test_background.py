"""osa_opt.background: one call in a forked process, its errors raised in the caller."""

from __future__ import annotations

import errno
import os
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
