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


def test_every_output_labels_the_bounds(problem, monkeypatch, tmp_path) -> None:
    """The run folder of a bounded run says which numbers are bounds: run.json's basis,
    the report's Value from column and its note, the workbook's Value from column."""
    import json

    import openpyxl

    monkeypatch.setattr(workflows, "EXACT_LIMIT", len(problem.eligible) - 1)
    result = workflows.solve(problem, portfolios=1, explain=True)
    folder = result.write(tmp_path / "run")
    manifest = json.loads((folder / "run.json").read_text(encoding="utf-8"))
    why = manifest["analyses"]["why"]
    assert why["bounded"] == result.analyses["why"].bounded > 0
    assert {p["basis"] for p in why["projects"] if p["eligible"]} >= {"lp bound"}
    assert {r["basis"] for r in manifest["analyses"]["prices"]["rules"]} <= {"lp bound",
                                                                             "proof"}
    html = (folder / "report.html").read_text(encoding="utf-8")
    assert "Value from" in html and "lp bound" in html and "at least" in html
    # a budget officer reads what an LP bound is, in the why note, the price note and the
    # bounded messages themselves
    text = " ".join(html.split())
    assert text.count("as if projects could be funded in any fraction") >= 2
    assert all("as if any fraction of a project could be funded" in r["message"]
               for r in why["projects"] if r["basis"] == "lp bound")
    book = openpyxl.load_workbook(folder / "portfolios.xlsx", read_only=True)
    rows = list(book["Why in or out"].iter_rows(values_only=True))
    header = next(r for r in rows if r and r[0] == "Project")
    column = header.index("Value from")
    assert "lp bound" in {r[column] for r in rows[rows.index(header) + 1:]}
