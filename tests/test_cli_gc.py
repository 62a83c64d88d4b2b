"""The osa-opt process reads with the garbage collector paused and then freezes what it
loaded (osa_opt.cli.common.loading): later collections never walk the imported modules'
objects again. Callers that run the CLI in their own process are left as they were."""

from __future__ import annotations

import gc
import subprocess
import sys
import textwrap

import pytest

from osa_opt.cli import cli
from osa_opt.cli.common import run_cli

SCRIPT = textwrap.dedent("""
    import gc, sys
    import osa_opt.cli.common as common
    from osa_opt.cli import main

    read = common.load_from_cli

    def load_from_cli(*args, **kwargs):
        problem = read(*args, **kwargs)
        print("frozen", gc.get_freeze_count(), "enabled", gc.isenabled(), file=sys.stderr)
        return problem

    common.load_from_cli = load_from_cli
    sys.argv = ["osa-opt", "validate", "--no-solve"]
    main()
""")


def test_the_osa_opt_process_freezes_what_reading_loaded() -> None:
    done = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    words = done.stderr.split()
    frozen = int(words[words.index("frozen") + 1])
    assert frozen > 10_000  # pandas, pandera and the Problem: out of the collector's sight
    assert words[words.index("enabled") + 1] == "True"  # and the collector back on


def test_an_in_process_caller_keeps_its_collector(monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    before = gc.get_freeze_count()
    monkeypatch.setattr(sys, "argv", ["osa-opt", "validate", "--no-solve"])
    assert run_cli(cli) == 0
    capsys.readouterr()
    assert gc.get_freeze_count() == before and gc.isenabled()


def test_a_failed_read_freezes_nothing_and_turns_the_collector_back_on(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import osa_opt.cli.common as common

    monkeypatch.setattr(common, "FREEZE_LOADED", True)
    before = gc.get_freeze_count()
    monkeypatch.setattr(sys, "argv", ["osa-opt", "validate", "no-such-file.xlsx"])
    assert run_cli(cli) == 2
    assert "no-such-file.xlsx" in capsys.readouterr().err
    assert gc.get_freeze_count() == before and gc.isenabled()
