"""The console script ends without Python's teardown, once the command is done
(osa_opt.cli._exit_at_once): the exit code, the printed output and the other exit handlers
are as with a normal exit."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from typing import Any

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
