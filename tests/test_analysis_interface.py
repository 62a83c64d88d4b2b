"""Every analysis has the one interface of osa_opt.analysis.base.Analysis: ``to_dict()``
(JSON), ``tables()`` (named DataFrames), a notebook view and a short one-line repr with
its counts, never every record."""

from __future__ import annotations

import json

import pandas as pd
import pytest

import osa_opt
from osa_opt import workflows
from osa_opt.analysis.base import Analysis
from osa_opt.analysis.compare import Scenario, budget_scenario
from osa_opt.analysis.diagnose import diagnose


def check(analysis: Analysis) -> None:
    assert isinstance(analysis, Analysis)
    json.dumps(analysis.to_dict(), allow_nan=False, default=str)
    tables = analysis.tables()
    assert tables and all(isinstance(t, pd.DataFrame) for t in tables.values())
    text = repr(analysis)
    assert text.startswith(f"<{type(analysis).__name__} ") and "\n" not in text
    assert len(text) < 160, text
    assert "<table" in analysis._repr_html_()


@pytest.mark.slow  # every workflow run once
def test_every_analysis_of_the_workflows_has_the_interface() -> None:
    problem = osa_opt.load_problem()
    explained = workflows.solve(problem, portfolios=2, explain=True)
    frontier = workflows.frontier(problem, [0.5, 1.0])
    robust = workflows.robustness(problem, samples=4, seed=1, baseline=explained)
    compared = workflows.compare([Scenario("base", problem),
                                  budget_scenario(problem, {"FY2026": 15000})])
    analyses = {**explained.analyses, **frontier.analyses, **robust.analyses,
                **compared.analyses}
    assert set(analyses) >= {"why", "prices", "frontier", "funding_order", "robustness",
                             "comparison"}
    for analysis in analyses.values():
        check(analysis)
    check(workflows.execution(problem, reserves=2, samples=50, baseline=explained))


def test_the_diagnosis_is_a_list_and_an_analysis() -> None:
    problem = osa_opt.load_problem(overrides={"priority.min_countries": 14})
    found = diagnose(problem)
    check(found)
    assert found == [dict(e) for e in found] and found[0]["rule"] == "min_countries"
    assert repr(found) == "<Diagnosis 1 rule must move, first min_countries>"
    assert json.loads(json.dumps(found))[0]["rule"] == "min_countries"
