"""`solve(explain=None)` (the CLI default) explains small rounds and skips large ones, saying so."""

from __future__ import annotations

import pytest

import osa_opt
from osa_opt import workflows


@pytest.fixture(scope="module")
def problem():
    return osa_opt.load_problem()


def test_small_rounds_are_explained_by_default(problem) -> None:
    result = workflows.solve(problem, portfolios=1, explain=None)
    assert set(result.analyses) == {"why", "prices"}
    assert len(result.analyses["why"].tables()) >= 1


@pytest.mark.slow
def test_large_rounds_skip_the_per_project_analyses_with_a_note(problem, monkeypatch) -> None:
    eligible = len(problem.eligible)
    monkeypatch.setattr(workflows, "EXPLAIN_AUTO_LIMIT", eligible - 1)
    result = workflows.solve(problem, portfolios=1, explain=None)
    assert result.analyses == {}
    assert any(f"{eligible:,} eligible projects" in note for note in result.notes)
    forced = workflows.solve(problem, portfolios=1, explain=True)
    assert set(forced.analyses) == {"why", "prices"}
    assert workflows.solve(problem, portfolios=1, explain=False).analyses == {}


def test_above_the_exact_limit_answers_are_labelled_lp_bounds(problem, monkeypatch) -> None:
    eligible = len(problem.eligible)
    monkeypatch.setattr(workflows, "EXACT_LIMIT", eligible - 1)
    result = workflows.solve(problem, portfolios=1, explain=True)
    why, prices = result.analyses["why"], result.analyses["prices"]
    assert why.solves == 0 and why.bounded > 0 and why.exact_limit == eligible - 1
    bases = {r["basis"] for r in why.records.values() if r["eligible"]}
    assert "lp bound" in bases and bases <= {"lp bound", "proof", None}
    assert set(prices.table["basis"].dropna()) <= {"lp bound", "proof"}
    note = next(n for n in result.notes if "LP bounds" in n)
    assert f"{why.bounded:,} of {eligible:,} projects" in note
    bounded = [r for r in why.records.values() if r["basis"] == "lp bound"]
    assert all("an LP bound" in r["message"] for r in bounded)
