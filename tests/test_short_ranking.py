"""A ranking that ends with fewer portfolios than asked for says how many and why, in the
same words on every path: ``result.notes`` (the Python API and the notebook HTML), the
terminal of ``osa-opt solve``, run.json, the report and the workbook's Read me.

The causes: (a) no other portfolio differs enough, a true end ("Only 2 of the 5 ... exist");
(b) a time limit, (c) a solver failure and (d) an interrupt leave the rest unknown ("more
may exist"). A notebook reading ``result.portfolios`` of length 2 learns which from the note.
"""

from __future__ import annotations

import html
import json
import sys
from pathlib import Path

import openpyxl
import pytest

import osa_opt
from osa_opt.cli import cli
from osa_opt.cli.common import run_cli
from osa_opt.solving.solver import Outcome, Solver, Status

ERROR = ("The solver failed while searching for portfolio 3 (error): 2 of the 5 portfolios "
         "asked for are reported; more may exist.")


def fail_solve(monkeypatch: pytest.MonkeyPatch, n: int, outcome: Outcome) -> None:
    """Every Solver's n-th solve reports ``outcome`` (no portfolio) instead of solving:
    as HiGHS's solve error that the retry without presolve did not cure. The ranking runs
    one re-solve per portfolio (``checked_ranks`` off), so the n-th solve is portfolio n's."""
    real = Solver.solve_once
    monkeypatch.setattr(Solver, "checked_ranks", False)
    calls = {"n": 0}

    def solve_once(self: Solver) -> Outcome:
        calls["n"] += 1
        if calls["n"] == n:
            self.last = outcome
            return outcome
        return real(self)

    monkeypatch.setattr(Solver, "solve_once", solve_once)


def one_line(text: str) -> str:
    return " ".join(text.split())


def workbook_notes(path: Path) -> list[str]:
    sheet = openpyxl.load_workbook(path, read_only=True)["Read me"]
    return [str(row[1]) for row in sheet.iter_rows(values_only=True)
            if row and row[0] == "Note"]


def test_a_solver_error_on_portfolio_3_says_more_may_exist_on_every_path(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    fail_solve(monkeypatch, 3, Outcome(Status.ERROR, termination="error"))
    result = osa_opt.solve(osa_opt.load_problem(), portfolios=5)
    assert len(result.portfolios) == 2 and not result.partial
    assert result.status == Status.OPTIMAL
    assert ERROR in result.notes
    assert html.escape(ERROR) in result._repr_html_()
    assert ERROR in result.to_manifest()["notes"]

    fail_solve(monkeypatch, 3, Outcome(Status.ERROR, termination="error"))
    out = tmp_path / "run"
    monkeypatch.setattr(sys, "argv", ["osa-opt", "solve", "-k", "5", "--no-explain",
                                      "--out", str(out)])
    assert run_cli(cli) == 0
    assert ERROR in one_line(capsys.readouterr().out)
    manifest = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert ERROR in manifest["notes"] and manifest["partial"] is False
    assert len(manifest["portfolios"]) == 2
    assert html.escape(ERROR) in (out / "report.html").read_text(encoding="utf-8")
    assert ERROR in workbook_notes(out / "portfolios.xlsx")


def test_a_time_limit_on_portfolio_3_says_more_may_exist() -> None:
    problem = osa_opt.load_problem()
    real = Solver.solve_once
    calls = {"n": 0}

    def solve_once(self: Solver) -> Outcome:
        calls["n"] += 1
        if calls["n"] == 3:
            self.last = Outcome(Status.NO_SOLUTION, termination="maxTimeLimit")
            return self.last
        return real(self)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(Solver, "solve_once", solve_once)
        mp.setattr(Solver, "checked_ranks", False)  # one re-solve per portfolio
        result = osa_opt.solve(problem, portfolios=5, time_limit=7)
    assert len(result.portfolios) == 2
    assert ("The time limit (7 s a solve) ended the search for portfolio 3 before it found "
            "one: 2 of the 5 portfolios asked for are reported; more may exist (raise "
            "solver.time_limit to look further).") in result.notes


def test_a_true_end_says_no_more_exist_in_the_python_api() -> None:
    """At ¥1,000m only the mandatory P-01 fits: no second portfolio exists."""
    problem = osa_opt.load_problem().with_policy(overrides={"budget.FY2026": 1000})
    result = osa_opt.solve(problem, portfolios=3)
    note = ("Only 1 of the 3 portfolios asked for exists: no other portfolio meets the policy "
            "and differs from it in at least 2 projects.")
    assert len(result.portfolios) == 1 and note in result.notes
    assert note in result._repr_html_()
    assert not any("more may exist" in n for n in result.notes)


def test_all_portfolios_found_adds_no_note() -> None:
    result = osa_opt.solve(osa_opt.load_problem(), portfolios=2)
    assert len(result.portfolios) == 2
    assert not any("asked for" in n for n in result.notes)
