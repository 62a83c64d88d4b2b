"""The rows that keep a project out (``blocked_by`` of why-in/why-out): each one a row of the
model that portfolio 1, with the project added at its least share, would break. Checked
against the registry's own check of a plain portfolio (``registry.broken_rules``, written
apart from the model's rows), on policies where a budget, a cap, a partner count or an
exclusive group binds, and on an extension's row."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import osa_opt
from osa_opt.model.data import ModelData
from osa_opt.model.registry import broken_rules

POLICIES = [
    {},
    {"priority.max_country_share": 0.12, "budget.FY2026": 22000},
    {"priority.max_countries": 10, "budget.FY2026": 25000},
    {"priority.max_countries": 8},
    {"priority.min_tier_share": {"1": 0.45}},
]


@pytest.mark.parametrize("overrides", POLICIES, ids=lambda o: ",".join(o) or "default")
def test_the_rows_named_are_those_portfolio_1_with_the_project_breaks(overrides: dict) -> None:
    problem = osa_opt.load_problem(overrides=overrides)
    result = osa_opt.solve(problem, portfolios=1, explain=True)
    data = ModelData.from_problem(problem)
    best = dict(result.best.fractions)
    checked = 0
    for pid, rec in result.analyses["why"].records.items():
        if rec["funded"] or not rec["eligible"] or pid in problem.unfundable:
            assert rec["blocked_by"] == [], pid
            continue
        broken = broken_rules(data, {**best, pid: data.min_funding[pid]})
        assert sorted(rec["blocked_by"]) == sorted(broken), pid
        assert rec["blocked_by"], pid  # portfolio 1 is proven optimal: something binds
        checked += 1
    assert checked


def test_the_row_is_named_in_the_table_and_the_words() -> None:
    """A partner count that binds while the budget has room: the explanation said "a rule
    other than the budget keeps it out" and left the reader to find it in the prices."""
    problem = osa_opt.load_problem(overrides={"priority.max_countries": 10,
                                              "budget.FY2026": 25000})
    result = osa_opt.solve(problem, portfolios=1, explain=True)
    record = result.explain("P-37")
    assert record["blocked_by"] == ["max_countries"]
    assert ("The budget left has room for it: the limit of 10 partner countries (max_countries) "
            "keeps it out (portfolio 1 with "
            "it added would break it).") in record["message"]
    table = result.analyses["why"].table
    assert table.at["P-37", "blocked_by"] == "max_countries"
    assert table.at["P-03", "blocked_by"] == "exclusive[Aurelia patrol boats]"
    two = osa_opt.solve(osa_opt.load_problem(), portfolios=1, explain=True).analyses["why"]
    assert two.table.at["P-13", "blocked_by"] == (  # "; " as reasons: a name may hold ", "
        "budget[FY2026]; exclusive[Sundara coastal radar]")
    assert table.at["P-02", "blocked_by"] == ""  # funded
    default = osa_opt.solve(osa_opt.load_problem(), portfolios=1, explain=True)
    assert default.explain("P-17")["message"].endswith(
        "Portfolio 1 with it added would break budget[FY2026].")


def test_an_extensions_row_is_named(tmp_path: Path) -> None:
    rules = tmp_path / "rules.py"
    rules.write_text(
        "import pyomo.environ as pyo\n\n"
        "def at_most_three_sea(model, problem):\n"
        "    sea = [p for p in model.P if problem.region[p] == 'Southeast Asia']\n"
        "    model.sea_cap = pyo.Constraint(expr=sum(model.x[p] for p in sea) <= 3)\n")
    problem = osa_opt.load_problem()
    result = osa_opt.solve(problem, portfolios=1, explain=True,
                           extend=f"{rules}:at_most_three_sea")
    region = problem.region
    out_sea = [pid for pid, rec in result.analyses["why"].records.items()
               if rec["eligible"] and not rec["funded"] and region[pid] == "Southeast Asia"]
    assert out_sea
    for pid in out_sea:
        assert "sea_cap" in result.explain(pid)["blocked_by"], pid


def test_a_run_written_before_blocked_by_loads_it_as_not_known(tmp_path: Path) -> None:
    result = osa_opt.solve(osa_opt.load_problem(), portfolios=1, explain=True)
    folder = result.write(tmp_path / "run")
    manifest = json.loads((folder / "run.json").read_text("utf-8"))
    for record in manifest["analyses"]["why"]["projects"]:
        del record["blocked_by"]
    (folder / "run.json").write_text(json.dumps(manifest), "utf-8")
    back = osa_opt.load_run(folder)
    assert back.explain("P-17")["blocked_by"] is None
    assert back.analyses["why"].table.at["P-17", "blocked_by"] == ""
    assert osa_opt.load_run(result.write(tmp_path / "now")).explain("P-17")["blocked_by"] == [
        "budget[FY2026]"]
