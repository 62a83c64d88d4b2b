"""One tiny case per constraint family, whose answer is worked out by hand in a comment.

Unless a case says otherwise: one fiscal year FY1 with a budget of 10, one criterion ``a``
with weight 1, every tier multiplier 1 and no risk, so a project's value is its score.
Each answer is also checked against the brute-force oracle and recomputed with pandas.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import pyomo.environ as pyo
import pytest
from bruteforce import BruteForce, violations

from osa_opt.errors import EXIT_INFEASIBLE
from osa_opt.inputs.policy import FIELDS
from osa_opt.inputs.problem import Problem
from osa_opt.model import FAMILIES, build_model
from osa_opt.result import Portfolio, Result, Status
from osa_opt.workflows import solve

COUNTRY_DEFAULTS: dict[str, Any] = {
    "oda_eligible": True, "party_to_conflict": False, "management_agreement": True,
    "democracy": 6.0, "rule_of_law": 6.0, "human_rights": 6.0, "max_share": None,
}
PROJECT_DEFAULTS: dict[str, Any] = {
    "title": "t", "country": "A", "field": "medical", "assistance_type": "equipment",
    "risk": 0.0, "min_funding": 1.0, "status": "candidate", "exclusive_group": "",
    "requires": "",
}
#: Countries A (tier 1, region R1) and B (tier 2, region R2).
TWO_COUNTRIES = [{"country": "A", "region": "R1", "priority_tier": 1},
                 {"country": "B", "region": "R2", "priority_tier": 2}]


def make_problem(projects: list[dict[str, Any]], countries: list[dict[str, Any]] | None = None,
                 budget: dict[str, float] | None = None, **sections: Any) -> Problem:
    """A validated problem; ``cost`` and ``score`` are shorthands for cost_FY1 and score_a."""
    rows = []
    for p in projects:
        row = {**PROJECT_DEFAULTS, **p}
        if "cost" in row:
            row["cost_FY1"] = row.pop("cost")
        row["score_a"] = row.pop("score")
        rows.append(row)
    policy = {"budget": budget or {"FY1": 10.0}, "objective": {"weights": {"a": 1.0}},
              **sections}
    frame_c = pd.DataFrame([{**COUNTRY_DEFAULTS, **c} for c in (countries or TWO_COUNTRIES)])
    return Problem.from_frames(pd.DataFrame(rows), frame_c, policy)


def solved(problem: Problem, portfolios: int = 1, min_difference: int = 1,
           model: pyo.ConcreteModel | None = None) -> Result:
    """Solve; check every portfolio against the pandas recomputation and portfolio 1 against
    the brute-force oracle."""
    result = solve(problem, portfolios=portfolios, min_difference=min_difference, model=model)
    pj, co, po = problem.projects, problem.countries, problem.policy
    for port in result.portfolios:
        assert violations(pj, co, po, port.fractions) == [], port.rank
    oracle = BruteForce.from_problem(problem).best()
    if model is None:
        assert bool(oracle) == bool(result.portfolios)
        if oracle:
            assert result.portfolios[0].objective == pytest.approx(oracle[0].value, rel=1e-9)
    return result


def best(problem: Problem) -> Portfolio:
    result = solved(problem)
    assert result.status == Status.OPTIMAL, result
    return result.portfolios[0]


# ---------------------------------------------------------------------- partial funding
def test_partial_funding_respects_the_minimum_fraction() -> None:
    # P1 costs 8 (value 9, 1.125 per ¥), P2 costs 6 (value 3, 0.5 per ¥); both min_funding
    # 0.5. P1 whole leaves 2, i.e. P2 at 1/3 < 0.5: not allowed. So P2 at its minimum 0.5
    # (3 ¥) and P1 at (10 - 3) / 8 = 0.875: 9·0.875 + 3·0.5 = 9.375 (> P1 alone, 9).
    problem = make_problem([
        {"project_id": "P1", "cost": 8.0, "score": 9.0, "min_funding": 0.5},
        {"project_id": "P2", "cost": 6.0, "score": 3.0, "min_funding": 0.5},
    ])
    port = best(problem)
    assert port.objective == pytest.approx(9.375)
    assert port.fractions == {"P1": pytest.approx(0.875), "P2": pytest.approx(0.5)}
    assert port.partial == port.fractions  # both below 1


def test_every_fiscal_year_has_its_own_budget() -> None:
    # FY1 = 10, FY2 = 5. P1 costs 4 + 6 (value 10): its FY2 cost 6 > 5, so never.
    # P2 5 + 0 (6) and P3 5 + 1 (5) fit together: FY1 10 ≤ 10, FY2 1 ≤ 5, value 11.
    # (Pooled into one budget of 15, P1 + P2 would win with 16.)
    problem = make_problem([
        {"project_id": "P1", "cost_FY1": 4.0, "cost_FY2": 6.0, "score": 10.0},
        {"project_id": "P2", "cost_FY1": 5.0, "cost_FY2": 0.0, "score": 6.0},
        {"project_id": "P3", "cost_FY1": 5.0, "cost_FY2": 1.0, "score": 5.0},
    ], budget={"FY1": 10.0, "FY2": 5.0})
    port = best(problem)
    assert port.project_ids == ["P2", "P3"]
    assert port.objective == pytest.approx(11.0)
    assert port.cost_by_year.to_dict() == {"FY1": pytest.approx(10.0), "FY2": pytest.approx(1.0)}


# ---------------------------------------------------------------------- priority rules
def test_tier_share() -> None:
    # P1 (A, tier 1) 5 ¥ value 4; P2, P3 (B, tier 2) 5 ¥ each, values 6 and 5.
    # Free choice: P2 + P3 = 11. Tier 1 must get ≥ 0.5·10 = 5 ¥: P1 + P2 = 10.
    projects = [{"project_id": "P1", "country": "A", "cost": 5.0, "score": 4.0},
                {"project_id": "P2", "country": "B", "cost": 5.0, "score": 6.0},
                {"project_id": "P3", "country": "B", "cost": 5.0, "score": 5.0}]
    assert best(make_problem(projects)).project_ids == ["P2", "P3"]
    problem = make_problem(projects, priority={"min_tier_share": {1: 0.5}})
    port = best(problem)
    assert port.project_ids == ["P1", "P2"]
    assert port.objective == pytest.approx(10.0)
    assert build_model(problem).tier_share[1].lower == pytest.approx(5.0)


def test_every_tier_partner_funded_skips_a_partner_without_eligible_project() -> None:
    # A and C are tier 1, B tier 2. P1 (A) 4 ¥ value 1; P2, P3 (B) 6 and 4 ¥, values 9, 8;
    # C's only project P4 is excluded. Free: P2 + P3 = 17. A must get a project: P1 (4 ¥)
    # leaves 6 for P2 (9) or P3 (8): P1 + P2 = 10. C has no eligible project: skipped, noted.
    countries = [*TWO_COUNTRIES, {"country": "C", "region": "R1", "priority_tier": 1}]
    problem = make_problem([
        {"project_id": "P1", "country": "A", "cost": 4.0, "score": 1.0},
        {"project_id": "P2", "country": "B", "cost": 6.0, "score": 9.0},
        {"project_id": "P3", "country": "B", "cost": 4.0, "score": 8.0},
        {"project_id": "P4", "country": "C", "cost": 1.0, "score": 5.0, "status": "excluded"},
    ], countries, priority={"fund_every_tier": [1]})
    port = best(problem)
    assert port.project_ids == ["P1", "P2"]
    assert port.objective == pytest.approx(10.0)
    model = build_model(problem)
    assert list(model.tier_partner) == ["A"]
    assert len(model.osa.notes) == 1 and "partner C has no eligible project" in model.osa.notes[0]
    assert solve(problem, portfolios=1).notes == model.osa.notes


CAP_PROJECTS = [{"project_id": "P1", "country": "A", "cost": 4.0, "score": 5.0},
                {"project_id": "P2", "country": "A", "cost": 3.0, "score": 4.0},
                {"project_id": "P3", "country": "B", "cost": 3.0, "score": 2.0},
                {"project_id": "P4", "country": "B", "cost": 4.0, "score": 1.5}]


@pytest.mark.parametrize(("policy_share", "a_share", "expected", "value"), [
    # No cap: P1 + P2 + P3 cost exactly 10, value 11.
    (1.0, None, ["P1", "P2", "P3"], 11.0),
    # Policy cap 0.6 → 6 ¥ per country: A takes P1 or P2, B takes P3 or P4 (pairs cost 7).
    # Best pair of singles: P1 + P3 = 5 + 2 = 7 (P1 + P4 = 6.5, P2 + P3 = 6, P2 + P4 = 5.5).
    (0.6, None, ["P1", "P3"], 7.0),
    # A's own max_share 0.35 → 3.5 ¥: A takes only P2; B is free: P2 + P3 + P4 = 10 ¥, 7.5.
    (1.0, 0.35, ["P2", "P3", "P4"], 7.5),
    # Both: the smaller cap holds for A (3.5 → P2), 6 for B (P3 or P4): P2 + P3 = 6.
    (0.6, 0.35, ["P2", "P3"], 6.0),
])
def test_country_cap(policy_share: float, a_share: float | None, expected: list[str],
                     value: float) -> None:
    countries = [{**TWO_COUNTRIES[0], "max_share": a_share}, TWO_COUNTRIES[1]]
    problem = make_problem(CAP_PROJECTS, countries,
                           priority={"max_country_share": policy_share})
    port = best(problem)
    assert port.project_ids == expected
    assert port.objective == pytest.approx(value)
    model = build_model(problem)
    if policy_share < 1 or a_share:
        assert model.country_cap["A"].upper == pytest.approx(10 * min(policy_share, a_share or 1))
    else:
        assert not hasattr(model, "country_cap")  # no cap: the family adds nothing


# ---------------------------------------------------------------------- balance rules
FIELD_PROJECTS = [
    {"project_id": "P1", "field": "medical", "cost": 5.0, "score": 6.0, "min_funding": 0.5},
    {"project_id": "P2", "field": "medical", "cost": 5.0, "score": 5.0},
    {"project_id": "P3", "field": "disaster_relief", "cost": 5.0, "score": 4.0},
]


@pytest.mark.parametrize(("balance", "expected", "value"), [
    # No rule: P1 + P2 (both medical) = 11.
    ({}, {"P1": 1.0, "P2": 1.0}, 11.0),
    # Disaster relief ≥ 0.5·10 = 5 ¥: P3 is in, 5 ¥ left for P1 whole: 6 + 4 = 10.
    ({"min_field_share": {"disaster_relief": 0.5}}, {"P1": 1.0, "P3": 1.0}, 10.0),
    # Medical ≤ 0.4·10 = 4 ¥: P2 (5 ¥, whole only) is out, P1 at 4/5 = 0.8 (≥ its minimum
    # 0.5), then P3: 6·0.8 + 4 = 8.8.
    ({"max_field_share": {"medical": 0.4}}, {"P1": 0.8, "P3": 1.0}, 8.8),
])
def test_field_shares(balance: dict[str, Any], expected: dict[str, float], value: float) -> None:
    port = best(make_problem(FIELD_PROJECTS, balance=balance))
    assert port.fractions == {p: pytest.approx(f) for p, f in expected.items()}
    assert port.objective == pytest.approx(value)


REGION_PROJECTS = [{"project_id": "P1", "country": "A", "cost": 6.0, "score": 7.0},
                   {"project_id": "P2", "country": "A", "cost": 4.0, "score": 4.0},
                   {"project_id": "P3", "country": "B", "cost": 4.0, "score": 3.0}]


@pytest.mark.parametrize(("balance", "expected", "value"), [
    # A is in R1, B in R2. No rule: P1 + P2 (R1) = 11.
    ({}, ["P1", "P2"], 11.0),
    # R2 ≥ 0.4·10 = 4 ¥: P3 in, 6 ¥ left: P1 (7) beats P2 (4): 10.
    ({"min_region_share": {"R2": 0.4}}, ["P1", "P3"], 10.0),
    # R1 ≤ 0.5·10 = 5 ¥: P1 (6 ¥) is out: P2 + P3 = 7.
    ({"max_region_share": {"R1": 0.5}}, ["P2", "P3"], 7.0),
])
def test_region_shares(balance: dict[str, Any], expected: list[str], value: float) -> None:
    problem = make_problem(REGION_PROJECTS, balance=balance)
    port = best(problem)
    assert port.project_ids == expected
    assert port.objective == pytest.approx(value)
    names = {"min_region_share": "region_min_share", "max_region_share": "region_max_share"}
    model = build_model(problem)
    for key, name in names.items():
        assert hasattr(model, name) == (key in balance)


@pytest.mark.parametrize(("balance", "expected"), [
    # R1 ≤ 0.5·ΣB = 10 (ΣB = 10 + 10): P1 + P2 (R1 18) is out, P1 + P3 (R1 10) is in.
    # Read against one year's budget (≤ 5) only P3 would be left.
    ({"max_region_share": {"R1": 0.5}}, ["P1", "P3"]),
    ({"max_field_share": {"medical": 0.5}}, ["P1", "P3"]),
    # R2 ≥ 0.45·ΣB = 9, but all of R2 (P3) costs 8: no portfolio (≥ 4.5 would allow one).
    ({"min_region_share": {"R2": 0.45}}, None),
    ({"min_field_share": {"disaster_relief": 0.45}}, None),
])
def test_shares_are_of_the_budget_of_every_year(balance: dict[str, Any],
                                                expected: list[str] | None) -> None:
    # A (R1): P1 5 + 5 ¥ (7), P2 4 + 4 ¥ (4), medical; B (R2): P3 4 + 4 ¥ (3), disaster
    # relief; FY1 and FY2 10 ¥ each, so no two of P1, P2 and P3 break a year's budget.
    problem = make_problem([
        {"project_id": "P1", "cost_FY1": 5.0, "cost_FY2": 5.0, "score": 7.0},
        {"project_id": "P2", "cost_FY1": 4.0, "cost_FY2": 4.0, "score": 4.0},
        {"project_id": "P3", "country": "B", "field": "disaster_relief", "cost_FY1": 4.0,
         "cost_FY2": 4.0, "score": 3.0},
    ], budget={"FY1": 10.0, "FY2": 10.0}, balance=balance)
    result = solved(problem)
    if expected is None:
        assert result.status == Status.INFEASIBLE
    else:
        assert result.portfolios[0].project_ids == expected
        assert result.portfolios[0].objective == pytest.approx(10.0)


def test_min_countries_and_an_impossible_one() -> None:
    # A: P1 (6), P2 (5); B: P3 (3); C: P4 (2); 5 ¥ each, so two projects fit.
    # Free: P1 + P2 = 11 (one country). Two countries: P1 + P3 = 9.
    # Three countries need three projects, 15 ¥ > 10: infeasible.
    countries = [*TWO_COUNTRIES, {"country": "C", "region": "R1", "priority_tier": 3}]
    projects = [{"project_id": "P1", "country": "A", "cost": 5.0, "score": 6.0},
                {"project_id": "P2", "country": "A", "cost": 5.0, "score": 5.0},
                {"project_id": "P3", "country": "B", "cost": 5.0, "score": 3.0},
                {"project_id": "P4", "country": "C", "cost": 5.0, "score": 2.0}]
    assert best(make_problem(projects, countries)).project_ids == ["P1", "P2"]
    port = best(make_problem(projects, countries, priority={"min_countries": 2}))
    assert port.project_ids == ["P1", "P3"] and port.countries == ["A", "B"]
    assert port.objective == pytest.approx(9.0)
    result = solved(make_problem(projects, countries, priority={"min_countries": 3}))
    assert result.status == Status.INFEASIBLE
    assert result.portfolios == [] and result.status.exit_code == EXIT_INFEASIBLE


# ---------------------------------------------------------------------- structure rules
def test_requires() -> None:
    # P2 (10) requires P1 (1); P3 (6); 5 ¥ each. P2 + P3 = 16 breaks the rule;
    # P1 + P2 = 11 beats P1 + P3 = 7.
    problem = make_problem([
        {"project_id": "P1", "cost": 5.0, "score": 1.0},
        {"project_id": "P2", "cost": 5.0, "score": 10.0, "requires": "P1"},
        {"project_id": "P3", "cost": 5.0, "score": 6.0},
    ])
    port = best(problem)
    assert port.project_ids == ["P1", "P2"]
    assert port.objective == pytest.approx(11.0)


def test_a_project_requiring_two_needs_both() -> None:
    # P4 (10, 4 ¥) requires P1 and P2 (0.5 each, 3 ¥); P3 (6, 3 ¥). {P1, P2, P4} costs
    # 10 ¥, worth 11; P3 with P4 would need both P1 and P2 too (13 ¥). Were only P1 needed,
    # {P1, P3, P4} (10 ¥, 16.5) would win; were only P2, {P2, P3, P4}.
    problem = make_problem([
        {"project_id": "P1", "cost": 3.0, "score": 0.5},
        {"project_id": "P2", "cost": 3.0, "score": 0.5},
        {"project_id": "P3", "cost": 3.0, "score": 6.0},
        {"project_id": "P4", "cost": 4.0, "score": 10.0, "requires": "P1; P2"},
    ])
    result = solved(problem, portfolios=3)
    assert result.portfolios[0].project_ids == ["P1", "P2", "P4"]
    assert result.portfolios[0].objective == pytest.approx(11.0)
    # next best: {P1, P2, P3} 7, then {P1, P3} or {P2, P3} 6.5
    assert [p.objective for p in result.portfolios] == pytest.approx([11.0, 7.0, 6.5])
    assert len(build_model(problem).requires) == 2


def test_requiring_an_ineligible_project_is_never_funded() -> None:
    # P2 requires P4, whose country D is a party to a conflict: P2 can never be funded.
    # Feasible portfolios are then {P1, P3} 7, {P3} 6, {P1} 1 and {} 0, ranked exactly so.
    countries = [*TWO_COUNTRIES, {"country": "D", "region": "R2", "priority_tier": 1,
                                  "party_to_conflict": True}]
    problem = make_problem([
        {"project_id": "P1", "cost": 5.0, "score": 1.0},
        {"project_id": "P2", "cost": 5.0, "score": 10.0, "requires": "P4"},
        {"project_id": "P3", "cost": 5.0, "score": 6.0},
        {"project_id": "P4", "country": "D", "cost": 1.0, "score": 9.0},
    ], countries)
    result = solved(problem, portfolios=10)
    assert [p.objective for p in result.portfolios] == pytest.approx([7.0, 6.0, 1.0, 0.0])
    assert all("P2" not in p.fractions for p in result.portfolios)
    assert "P4" not in build_model(problem).x


def test_exclusive_group() -> None:
    # P1 (6) and P2 (5) are rivals; P3 (2); 5 ¥ each. Feasible: {P1, P3} 8, {P2, P3} 7,
    # {P1} 6, {P2} 5, {P3} 2, {} 0; never P1 with P2 (11).
    problem = make_problem([
        {"project_id": "P1", "cost": 5.0, "score": 6.0, "exclusive_group": "g"},
        {"project_id": "P2", "cost": 5.0, "score": 5.0, "exclusive_group": "g"},
        {"project_id": "P3", "cost": 5.0, "score": 2.0},
    ])
    result = solved(problem, portfolios=10)
    assert [p.objective for p in result.portfolios] == pytest.approx([8, 7, 6, 5, 2, 0])
    assert result.portfolios[0].project_ids == ["P1", "P3"]


def test_mandatory_may_be_partly_funded_down_to_its_minimum() -> None:
    # P1 is mandatory: 6 ¥, value 1, min_funding 0.5. P2 5 ¥ (5), P3 4 ¥ (4).
    # Free: P2 + P3 = 9. With P1 at f ≥ 0.5 (≥ 3 ¥): P1 + P2 → f ≤ 5/6, value 5 + 5/6;
    # P1 + P3 → f = 1, value 5; P1 + P2 + P3 needs 6f + 9 ≤ 10, f ≤ 1/6: no.
    projects = [{"project_id": "P1", "cost": 6.0, "score": 1.0, "min_funding": 0.5},
                {"project_id": "P2", "cost": 5.0, "score": 5.0},
                {"project_id": "P3", "cost": 4.0, "score": 4.0}]
    assert best(make_problem(projects)).project_ids == ["P2", "P3"]
    projects[0]["status"] = "mandatory"
    port = best(make_problem(projects))
    assert port.fractions == {"P1": pytest.approx(5 / 6), "P2": 1.0}
    assert port.objective == pytest.approx(5 + 5 / 6)


def test_excluded_and_ineligible_are_never_funded() -> None:
    # Budget 100: everything would fit. Only P7 passes every eligibility rule: P1 is
    # excluded; B is not ODA-eligible, C a party to a conflict, D has no management
    # agreement, E scores 2 < min_democracy 4; P6's field is not in eligibility.fields.
    # So the portfolios are {P7} (value 1) and {} (0).
    countries = [{"country": "A", "region": "R1", "priority_tier": 1},
                 {"country": "B", "region": "R1", "priority_tier": 1, "oda_eligible": False},
                 {"country": "C", "region": "R1", "priority_tier": 1, "party_to_conflict": True},
                 {"country": "D", "region": "R1", "priority_tier": 1,
                  "management_agreement": False},
                 {"country": "E", "region": "R1", "priority_tier": 1, "democracy": 2.0}]
    fields = [f for f in FIELDS if f != "peacekeeping"]
    problem = make_problem([
        {"project_id": "P1", "country": "A", "cost": 1.0, "score": 10.0, "status": "excluded"},
        {"project_id": "P2", "country": "B", "cost": 1.0, "score": 9.0},
        {"project_id": "P3", "country": "C", "cost": 1.0, "score": 9.0},
        {"project_id": "P4", "country": "D", "cost": 1.0, "score": 9.0},
        {"project_id": "P5", "country": "E", "cost": 1.0, "score": 9.0},
        {"project_id": "P6", "country": "A", "cost": 1.0, "score": 9.0, "field": "peacekeeping"},
        {"project_id": "P7", "country": "A", "cost": 1.0, "score": 1.0},
    ], countries, budget={"FY1": 100.0},
        eligibility={"fields": fields, "min_democracy": 4.0})
    result = solved(problem, portfolios=5)
    assert [p.fractions for p in result.portfolios] == [{"P7": 1.0}, {}]
    assert list(build_model(problem).P) == ["P7"]


# ---------------------------------------------------------------------- the model itself
def test_component_names_trace_to_the_inputs() -> None:
    problem = make_problem([
        {"project_id": "P1", "country": "A", "cost_FY1": 5.0, "cost_FY2": 1.0, "score": 1.0},
        {"project_id": "P2", "country": "A", "cost_FY1": 5.0, "cost_FY2": 1.0, "score": 2.0,
         "requires": "P1"},
        {"project_id": "P3", "country": "B", "cost_FY1": 5.0, "cost_FY2": 1.0, "score": 3.0},
    ], budget={"FY1": 10.0, "FY2": 2.0}, priority={"max_country_share": 0.5,
                                                   "min_tier_share": {1: 0.25}})
    model = build_model(problem)
    assert model.budget["FY1"].upper == 10.0 and model.budget["FY2"].upper == 2.0
    assert model.budget["FY2"].name == "budget[FY2]"
    assert model.country_cap["A"].upper == pytest.approx(6.0)  # 0.5 of ΣB = 12
    assert model.country_cap["A"].name == "country_cap[A]"
    assert model.requires["P2", "P1"].name == "requires[P2,P1]"
    assert model.tier_share[1].lower == pytest.approx(3.0)


def test_a_family_whose_rule_is_off_adds_no_component() -> None:
    problem = make_problem([{"project_id": "P1", "cost": 5.0, "score": 1.0},
                            {"project_id": "P2", "country": "B", "cost": 5.0, "score": 1.0}])
    model = build_model(problem)
    for family, entry in FAMILIES.items():
        for name in entry.component_names:
            assert hasattr(model, name) == (family == "budget"), name


def test_a_notebook_user_can_add_a_rule_to_the_model() -> None:
    # Three projects of 5 ¥ (values 1, 10, 6): free, P2 + P3 = 16. Adding x[P2] + x[P3] ≤ 1
    # leaves P1 + P2 = 11, P2 = 10, P1 + P3 = 7 as the three best.
    problem = make_problem([{"project_id": "P1", "cost": 5.0, "score": 1.0},
                            {"project_id": "P2", "cost": 5.0, "score": 10.0},
                            {"project_id": "P3", "cost": 5.0, "score": 6.0}])
    model = build_model(problem)
    model.not_both = pyo.Constraint(expr=model.x["P2"] + model.x["P3"] <= 1)
    result = solved(problem, portfolios=3, model=model)
    assert [p.objective for p in result.portfolios] == pytest.approx([11.0, 10.0, 7.0])
    assert [p.project_ids for p in result.portfolios] == [["P1", "P2"], ["P2"], ["P1", "P3"]]
    assert solve(problem, portfolios=1).portfolios[0].project_ids == ["P2", "P3"]

