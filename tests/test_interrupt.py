"""Ctrl-C during ``osa-opt solve``: said as "interrupted", the finished portfolios written
with run.json ``"partial": true``, exit 130; hidden staging folders of killed runs cleaned."""

from __future__ import annotations

import json
import os
import signal
import sys
import time
from pathlib import Path

import pytest

import osa_opt
from osa_opt.cli import cli
from osa_opt.cli.common import run_cli
from osa_opt.solving import ranks_checked
from osa_opt.solving.solver import Solver
from osa_opt.workflows import solve


def press_ctrl_c_at_solve(monkeypatch: pytest.MonkeyPatch, n: int) -> None:
    """Send this process a real SIGINT when the n-th solve of any Solver starts (a MIP of
    the ranking's checks, osa_opt.solving.ranks_checked, counted as a solve)."""
    real, real_check = Solver.solve_once, ranks_checked.CheckMip._run
    calls = {"n": 0}

    def press() -> None:
        calls["n"] += 1
        if calls["n"] == n:
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.5)  # the handler runs here, in the main thread

    def solve_once(self: Solver):  # type: ignore[no-untyped-def]
        press()
        return real(self)

    def check_run(self: ranks_checked.CheckMip, start):  # type: ignore[no-untyped-def]
        press()
        return real_check(self, start)

    monkeypatch.setattr(Solver, "solve_once", solve_once)
    monkeypatch.setattr(ranks_checked.CheckMip, "_run", check_run)


def test_the_ranking_keeps_what_is_finished_when_asked_to_stop() -> None:
    problem = osa_opt.load_problem()
    asked: list[int] = []

    def stop() -> bool:
        return len(asked) >= 2  # after portfolio 2's solve

    result = solve(problem, portfolios=4, progress=lambda k, out: asked.append(k), stop=stop)
    assert result.partial and len(result.portfolios) == 2
    assert ("Interrupted while ranking portfolio 3: 2 of the 4 portfolios asked for are "
            "reported; more may exist. Why-in/why-out and rule prices were not computed."
            ) in result.notes
    full = solve(problem, portfolios=2)
    assert [p.fractions for p in result.portfolios] == [p.fractions for p in full.portfolios]
    assert "why" not in result.analyses
    assert result.to_manifest()["partial"] is True
    assert full.to_manifest()["partial"] is False


def test_ctrl_c_while_ranking_portfolio_2_writes_portfolio_1_and_exits_130(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capfd: pytest.CaptureFixture[str]) -> None:
    press_ctrl_c_at_solve(monkeypatch, 2)
    out = tmp_path / "run"
    monkeypatch.setattr(sys, "argv", ["osa-opt", "solve", "-k", "4", "--out", str(out)])
    assert run_cli(cli) == 130
    captured = capfd.readouterr()
    said = " ".join((captured.out + captured.err).split())
    assert ("Interrupted while ranking portfolio 2: 1 of the 4 portfolios asked for is "
            "reported; more may exist.") in said
    assert "Interrupted: 1 of 4 portfolios finished; written to" in said
    assert "solver failed" not in said and "(error)" not in said
    manifest = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert manifest["partial"] is True and len(manifest["portfolios"]) == 1
    assert (out / "portfolios.xlsx").is_file() and (out / "report.html").is_file()
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # put back


def test_ctrl_c_before_any_portfolio_writes_nothing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capfd: pytest.CaptureFixture[str]) -> None:
    press_ctrl_c_at_solve(monkeypatch, 1)
    out = tmp_path / "run"
    monkeypatch.setattr(sys, "argv", ["osa-opt", "solve", "--out", str(out)])
    assert run_cli(cli) == 130
    assert "Interrupted" in capfd.readouterr().err
    assert not out.exists() and not list(tmp_path.glob(".*"))


def test_stale_staging_folders_are_removed_and_fresh_ones_named(tmp_path: Path) -> None:
    from osa_opt.run_folder import STALE_SECONDS, write_run

    stale = tmp_path / ".old-run.partial-1234abcd"
    fresh = tmp_path / ".busy-run.partial-5678ef01"
    for folder in (stale, fresh):
        folder.mkdir()
        (folder / "portfolios.csv").write_text("x", encoding="utf-8")
    old = time.time() - STALE_SECONDS - 60
    os.utime(stale, (old, old))
    result = solve(osa_opt.load_problem(), portfolios=1)
    folder = write_run(result, tmp_path / "run")
    assert not stale.exists() and fresh.exists()
    notes = json.loads((folder / "run.json").read_text(encoding="utf-8"))["notes"]
    assert any(".busy-run.partial-5678ef01" in n and "killed" in n for n in notes), notes


def test_ctrl_c_while_the_workbook_is_written_apart_stops_it_and_leaves_nothing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capfd: pytest.CaptureFixture[str]) -> None:
    """A big round writes its workbook in a forked process (osa_opt.background); Ctrl-C
    while the rest is done and osa-opt waits for it: "Interrupted.", exit 130, no folder,
    and the process stopped and reaped (it went on writing before)."""
    from osa_opt import background, run_folder
    from osa_opt.outputs import workbook

    monkeypatch.delenv(background.SERIAL_ENV, raising=False)
    if not background.can_fork():
        pytest.skip("no fork here: the workbook is written in this process")
    monkeypatch.setattr(run_folder, "WORKBOOK_APART_FROM", 0)
    real_workbook, real_fork, real_read = workbook.write_workbook, os.fork, background._read_all
    monkeypatch.setattr(workbook, "write_workbook",
                        lambda *a, **k: (time.sleep(30), real_workbook(*a, **k)))
    forked: list[int] = []

    def fork() -> int:
        pid = real_fork()
        forked.append(pid)  # in this process: the child's pid
        return pid

    monkeypatch.setattr(os, "fork", fork)

    def ctrl_c_while_waiting(fd: int) -> bytes:
        os.kill(os.getpid(), signal.SIGINT)
        return real_read(fd)

    monkeypatch.setattr(background, "_read_all", ctrl_c_while_waiting)
    out = tmp_path / "run"
    monkeypatch.setattr(sys, "argv", ["osa-opt", "solve", "-k", "1", "--out", str(out)])
    began = time.perf_counter()
    assert run_cli(cli) == 130
    assert time.perf_counter() - began < 20
    assert f"Interrupted while the run folder was written under {out}: nothing was left " \
        "there, so the 1 finished portfolio was not written" in capfd.readouterr().err
    assert not out.exists() and not list(tmp_path.glob(".*"))
    assert len(forked) == 1  # the workbook's process
    for pid in forked:
        with pytest.raises(ChildProcessError):  # gone and reaped
            os.waitpid(pid, os.WNOHANG)


def test_ctrl_c_while_the_run_folder_is_written_says_the_portfolios_were_not(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capfd: pytest.CaptureFixture[str]) -> None:
    """Ctrl-C after the ranking, while the files are written: nothing is left behind, and
    it said only "Interrupted.", not that the finished portfolios were not written."""
    from osa_opt import background
    from osa_opt.outputs import workbook

    monkeypatch.setenv(background.SERIAL_ENV, "1")  # the workbook written in this process
    real = workbook.write_workbook

    def ctrl_c_while_writing(*args, **kwargs):  # type: ignore[no-untyped-def]
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(0.5)  # the default handler raises KeyboardInterrupt here
        return real(*args, **kwargs)

    monkeypatch.setattr(workbook, "write_workbook", ctrl_c_while_writing)
    out = tmp_path / "run"
    monkeypatch.setattr(sys, "argv", ["osa-opt", "solve", "-k", "2", "--out", str(out)])
    assert run_cli(cli) == 130
    said = " ".join(capfd.readouterr().err.split())
    assert (f"Interrupted while the run folder was written under {out}: nothing was left "
            "there, so the 2 finished portfolios were not written; run the command again to "
            "write the run") in said
    assert not out.exists() and not list(tmp_path.glob(".*"))
