"""The greedy benefit/cost ranking: its rules by hand, and never better than the optimum."""

from __future__ import annotations

import pytest
from bruteforce import instances, portfolio_value, violations
from hypothesis import HealthCheck, event, given, settings
from test_families import make_problem

from osa_opt.analysis.greedy import GreedyResult, greedy_curve, greedy_ranking
from osa_opt.inputs.problem import Problem
from osa_opt.result import Status
from osa_opt.workflows import solve

# Budget FY1 = 11, FY2 = 4; value = score. Ratios (value per ¥ of total cost):
# P1 8/2 = 4, P10 4/1 = 4 (tie: P1 first by id), P2 6/2 = 3, P3 2.5/1 = 2.5 (P2's rival),
# P4 4/2 = 2 (requires P5), P5 3/2 = 1.5, P6 4/8 = 0.5 (min_funding 0.25),
# P7 1/3 (mandatory), P9 0/0.5 = 0; P8 is excluded, so not ranked at all.
RULE_PROJECTS = [
    {"project_id": "P1", "cost_FY1": 2.0, "score": 8.0},
    {"project_id": "P2", "cost_FY1": 2.0, "score": 6.0, "exclusive_group": "g"},
    {"project_id": "P3", "cost_FY1": 1.0, "score": 2.5, "exclusive_group": "g"},
    {"project_id": "P4", "cost_FY1": 2.0, "score": 4.0, "requires": "P5"},
    {"project_id": "P5", "cost_FY1": 2.0, "score": 3.0},
    {"project_id": "P6", "cost_FY1": 4.0, "cost_FY2": 4.0, "score": 4.0, "min_funding": 0.25},
    {"project_id": "P7", "cost_FY1": 3.0, "score": 1.0, "status": "mandatory"},
    {"project_id": "P8", "cost_FY1": 0.1, "score": 10.0, "status": "excluded"},
    {"project_id": "P9", "cost_FY1": 0.5, "score": 0.0},
    {"project_id": "P10", "cost_FY1": 1.0, "score": 4.0},
]


def rule_problem() -> Problem:
    rows = [{"cost_FY2": 0.0, **p} for p in RULE_PROJECTS]
    return make_problem(rows, budget={"FY1": 11.0, "FY2": 4.0})


def test_greedy_follows_its_rules_step_by_step() -> None:
    # Mandatory P7 first (FY1 left 8). Then P1 (6), P10 (5), P2 (3); P3 skipped (rival P2
    # funded); P4 skipped (P5 not funded yet); P5 (1); P6 at min(1/4, 4/4) = 0.25 ≥ 0.25
    # (FY1 0, FY2 3 left); P9 has no value. Value 1 + 8 + 4 + 6 + 3 + 4·0.25 = 23.
    result = greedy_ranking(rule_problem())
    assert result.order == ["P1", "P10", "P2", "P3", "P4", "P5", "P6", "P7", "P9"]
    assert list(result.fractions) == ["P7", "P1", "P10", "P2", "P5", "P6"]
    assert result.fractions["P6"] == pytest.approx(0.25)
    assert all(f == 1.0 for p, f in result.fractions.items() if p != "P6")
    assert result.value == pytest.approx(23.0)
    assert result.cost_by_year == {"FY1": pytest.approx(11.0), "FY2": pytest.approx(1.0)}
    assert result.budget == {"FY1": 11.0, "FY2": 4.0}
    assert result.within_budget and result.total_cost == pytest.approx(12.0)


def test_greedy_curve_scales_every_year() -> None:
    # At half the budget (FY1 5.5, FY2 2): P7 (2.5 left), P1 (0.5 left); nothing else fits:
    # P10 needs 1, P6 at most min(0.5/4, 2/4) = 0.125 < 0.25. Value 1 + 8 = 9.
    problem = rule_problem()
    half, full = greedy_curve(problem, [0.5, 1.0])
    assert isinstance(half, GreedyResult)
    assert half.budget == {"FY1": 5.5, "FY2": 2.0}
    assert half.fractions == {"P7": 1.0, "P1": 1.0}
    assert half.value == pytest.approx(9.0)
    assert full == greedy_ranking(problem)


def test_a_mandatory_project_that_does_not_fit_is_funded_at_its_minimum() -> None:
    # Budget 2. P1 is mandatory, 3 ¥, min_funding 0.5: the largest fraction that fits is
    # 2/3. P2 (mandatory, whole, 3 ¥) cannot fit at all: funded anyway, over the budget.
    partly = greedy_ranking(make_problem(
        [{"project_id": "P1", "cost": 3.0, "score": 5.0, "min_funding": 0.5,
          "status": "mandatory"}], budget={"FY1": 2.0}))
    assert partly.fractions == {"P1": pytest.approx(2 / 3)} and partly.within_budget
    over = greedy_ranking(make_problem(
        [{"project_id": "P2", "cost": 3.0, "score": 5.0, "status": "mandatory"}],
        budget={"FY1": 2.0}))
    assert over.fractions == {"P2": 1.0} and not over.within_budget


def test_mandatory_projects_share_the_budget_at_their_least_before_any_is_raised() -> None:
    """tests/test_greedy_oracle.py seed 242: the first mandatory project was funded whole
    before the second was looked at, which then no longer fitted even at its minimum: the
    greedy spent 240 of a 225.9 budget although both fit at their least shares (190.3).
    Budget 10: P1 (mandatory, 8, min_funding 0.25) and P2 (mandatory, whole, 6). Each at its
    least: 2 + 6 = 8 fits; P1 then rises to the 4 that is left: 0.5."""
    result = greedy_ranking(make_problem(
        [{"project_id": "P1", "cost": 8.0, "score": 9.0, "min_funding": 0.25,
          "status": "mandatory"},
         {"project_id": "P2", "cost": 6.0, "score": 1.0, "status": "mandatory"}]))
    assert result.fractions == {"P1": pytest.approx(0.5), "P2": 1.0}
    assert result.within_budget and result.cost_by_year == {"FY1": pytest.approx(10.0)}


def test_a_mandatory_project_in_whole_units_is_funded_in_whole_units() -> None:
    """tests/test_greedy_oracle.py seed 155: a signed project of 4 units (units_min 3) that
    did not fit whole was funded at the largest fraction that fits, 0.9896 (3.96 units).
    Budget 10, 4 units for 12: 3 units (9) fit, 3.33 units do not exist."""
    result = greedy_ranking(make_problem(
        [{"project_id": "P1", "cost": 12.0, "score": 5.0, "units_max": 4, "units_min": 3,
          "unit": "boat", "status": "mandatory"}]))
    assert result.fractions == {"P1": 0.75} and result.within_budget


def test_the_optimum_strictly_beats_greedy_on_a_knapsack() -> None:
    # Budget 10. A: 6 ¥, value 7 (1.17 per ¥); B and C: 5 ¥, value 5 (1 per ¥).
    # Greedy takes A first, then neither B nor C fits the 4 ¥ left: 7.
    # The optimum takes B + C: 10.
    problem = make_problem([{"project_id": "A", "cost": 6.0, "score": 7.0},
                            {"project_id": "B", "cost": 5.0, "score": 5.0},
                            {"project_id": "C", "cost": 5.0, "score": 5.0}])
    greedy = greedy_ranking(problem)
    assert greedy.fractions == {"A": 1.0} and greedy.value == pytest.approx(7.0)
    best = solve(problem, portfolios=1).portfolios[0]
    assert best.project_ids == ["B", "C"] and best.objective == pytest.approx(10.0)


@pytest.mark.slow
@settings(max_examples=40, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(frames=instances({"requires", "exclusive", "mandatory"}))
def test_greedy_is_never_better_than_the_optimum(frames: tuple) -> None:
    """In the greedy's own world (budgets, requirements, groups, mandatory projects), a
    greedy portfolio that meets every rule is a feasible one, so the optimum is at least
    as good."""
    problem = Problem.from_frames(*frames)
    greedy = greedy_ranking(problem)
    pj, co, po = problem.projects, problem.countries, problem.policy
    assert greedy.value == pytest.approx(portfolio_value(pj, co, po, greedy.fractions),
                                         rel=1e-9, abs=1e-12)
    assert set(greedy.order) == set(problem.eligible)
    if violations(pj, co, po, greedy.fractions):  # only through a mandatory project
        event("greedy breaks a rule")
        assert (problem.projects["status"] == "mandatory").any()
        return
    event("greedy meets every rule")
    result = solve(problem, portfolios=1)
    assert result.status == Status.OPTIMAL
    best = result.portfolios[0].objective
    assert best >= greedy.value - 1e-6 * max(1.0, abs(best))
