"""The console script ends without Python's teardown, once the command is done
(osa_opt.cli._exit_at_once): the exit code, the printed output and the other exit handlers
are as with a normal exit."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from typing import Any

import pytest

SCRIPT = textwrap.dedent("""
    import atexit, sys
    import osa_opt.cli.common as common
    from osa_opt.cli import main

    class Noisy:  # freed only by Python's teardown, which says so
        def __del__(self):
            sys.__stdout__.write(" teardown ran")

    def command(group):
        atexit.register(print, "handler ran")  # as a command's library would, meanwhile
        sys.modules["__main__"].kept = Noisy()
        print("partial line, not flushed", end="")
        print("to stderr", end="", file=sys.stderr)
        {body}

    common.run_cli = command
    main()
""")


def run(body: str, **options: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", SCRIPT.format(body=body)],
                          capture_output=True, text=True, timeout=60, **options)


def test_the_exit_code_output_and_handlers_survive_the_quick_exit() -> None:
    for code in (0, 2, 3):
        done = run(f"return {code}")
        assert done.returncode == code
        assert done.stdout == "partial line, not flushedhandler ran\n"  # no "teardown ran"
        assert done.stderr == "to stderr"


def test_a_command_that_raises_exits_the_usual_way() -> None:
    done = run("raise RuntimeError('a bug outside run_cli')")
    assert done.returncode == 1
    assert "RuntimeError: a bug outside run_cli" in done.stderr
    assert "handler ran" in done.stdout and "teardown ran" in done.stdout  # the usual way


def test_the_real_command_exits_with_its_code() -> None:
    done = subprocess.run([sys.executable, "-m", "osa_opt", "solve", "no-such-file.xlsx"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "no-such-file.xlsx" in done.stderr


def test_without_a_stdout_the_quick_exit_still_happens() -> None:
    """Started with stdout closed (osa-opt ... >&-), Python's sys.stdout is None: no
    'Exception ignored in atexit callback', no teardown, the command's code."""
    done = run("return 3", stdout=None, preexec_fn=lambda: os.close(1))
    assert done.returncode == 3
    assert done.stderr == "to stderr"


# ---------------------------------------------------------------------- a closed pipe
RUN_FILES = {"run.json", "portfolios.xlsx", "portfolios.csv", "policy.toml", "report.html"}


def run_into_pipe(args: list[str], cwd: Any, *, read_lines: int = 1,
                  stderr_too: bool = False) -> tuple[int, list[bytes], str]:
    """``osa-opt ARGS | head -READ_LINES`` with a real pipe: read that many lines, close the
    pipe, wait. The pipe holds one page (4 KiB, the least Linux allows), so the command is
    still writing when the reader goes, as with any output longer than that. (A write the
    reader's going cuts short returns what went through, no error: only the next write
    fails.) Returns the exit code, the lines read and stderr."""
    import fcntl

    read_end, write_end = os.pipe()
    fcntl.fcntl(write_end, fcntl.F_SETPIPE_SZ, 4096)
    stderr = subprocess.STDOUT if stderr_too else subprocess.PIPE
    process = subprocess.Popen([sys.executable, "-m", "osa_opt", *args], cwd=cwd,
                               stdout=write_end, stderr=stderr)
    os.close(write_end)
    lines = []
    with os.fdopen(read_end, "rb") as reader:
        for _ in range(read_lines):
            lines.append(reader.readline())
    _, err = process.communicate(timeout=120)
    return process.returncode, lines, (err or b"").decode()


@pytest.mark.slow
def test_a_closed_pipe_ends_a_solve_quietly_with_141_and_its_run_folder_written(
        tmp_path: Any) -> None:
    """``osa-opt solve | head -1``: the summary's first line, then exit 141 (128 + SIGPIPE,
    docs/outputs.md) without a traceback or Python's "Exception ignored" at exit; the run
    folder is written before anything is printed, so it is complete."""
    code, lines, err = run_into_pipe(["solve", "--out", str(tmp_path / "run")], tmp_path)
    assert lines[0].startswith(b"Shipped example FY2026 (illustrative): 38 projects")
    assert code == 141
    assert err == ""
    assert {p.name for p in (tmp_path / "run").iterdir()} == RUN_FILES
    assert [p.name for p in tmp_path.iterdir()] == ["run"]  # no staging folder left


@pytest.mark.slow
def test_a_closed_pipe_ends_every_kind_of_output_quietly(tmp_path: Any) -> None:
    """The same through a plain write (``--json``, the reader gone before it: click alone
    would make it a silent exit 1) and with stderr in the same pipe (``2>&1 | head -2``)."""
    code, lines, err = run_into_pipe(["solve", "--json", "--out", str(tmp_path / "j")],
                                     tmp_path, read_lines=0)
    assert (code, err) == (141, "")
    assert {p.name for p in (tmp_path / "j").iterdir()} == RUN_FILES
    code, lines, _ = run_into_pipe(["solve", "--out", str(tmp_path / "w")], tmp_path,
                                   read_lines=2, stderr_too=True)
    assert code == 141 and lines[0].startswith(b"Shipped example FY2026")


BROKEN_WORKER_PIPE = textwrap.dedent("""
    import os, sys
    import click
    import osa_opt.cli as cli

    @click.command("boom")
    def command():
        reader, writer = os.pipe()
        os.close(reader)
        os.write(writer, b"to a worker that has gone")

    cli.COMMANDS["boom"] = "__main__"
    sys.argv = ["osa-opt", "boom"]
    cli.main()
""")


def test_a_broken_pipe_of_another_kind_is_still_a_bug() -> None:
    """Only stdout or stderr whose reader went away is a closed output: a broken pipe of a
    worker keeps its traceback and the request to report the bug (exit 1)."""
    done = subprocess.run([sys.executable, "-c", BROKEN_WORKER_PIPE], capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 1
    assert "BrokenPipeError" in done.stderr and "This is a bug in osa-opt" in done.stderr


@pytest.mark.parametrize("args", [["--help"], ["--version"], ["solve", "--help"]],
                         ids=" ".join)
def test_help_into_a_closed_pipe_ends_with_141(args: list[str]) -> None:
    """``osa-opt --help | true``: the top-level help and version are written by click while
    it parses, before any command runs, where click made a closed pipe a silent exit 1."""
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before anything is written
    try:
        done = subprocess.run([sys.executable, "-m", "osa_opt", *args], stdout=write_end,
                              stderr=subprocess.PIPE, text=True, timeout=60)
    finally:
        os.close(write_end)
    assert (done.returncode, done.stderr) == (141, "")
