"""The efficient frontier: exact values per budget level against fresh solves and brute force,
the greedy curve beside it, the rule check of a greedy portfolio, and the chart."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pyomo.environ as pyo
import pytest
from bruteforce import BruteForce, random_instance, violations

from osa_opt.analysis.frontier import (
    FrontierAnalysis,
    frontier,
    frontier_model,
    meets_rules,
    sweep_shares,
)
from osa_opt.analysis.greedy import greedy_ranking
from osa_opt.errors import OsaError
from osa_opt.inputs.policy import Policy
from osa_opt.inputs.problem import Problem
from osa_opt.model import build_model
from osa_opt.outputs.png import frontier_png
from osa_opt.solving.solver import Solver
from osa_opt.workflows import solve

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def at_share(problem: Problem, share: float) -> Problem:
    """The same problem with every fiscal year's budget scaled by ``share``.

    The tables are already validated and only the budget changes, so the Problem is made
    directly (``with_policy`` would validate every table again, at 0.5 s a time).
    """
    policy = problem.policy.override({
        f"budget.{fy}": b * share for fy, b in problem.policy.budget.items()})
    return Problem(problem.projects, problem.countries, policy, problem.sources)


@pytest.fixture
def tiny(tiny_frames: tuple[pd.DataFrame, pd.DataFrame, Policy]) -> Problem:
    """The shared tiny input with rules whose rows depend on the budget.

    Borealis (400 + 700 = 1100) is under its cap 0.45·ΣB = 1350 at the policy budget but
    over it at half the budget: that row binds only at the lower levels.
    """
    projects, countries, policy = tiny_frames
    policy = policy.override({
        "priority.max_country_share": 0.45,
        "priority.min_tier_share": "{1 = 0.2}",
        "balance.max_field_share": "{maritime_surveillance = 0.5}",
    })
    return Problem.from_frames(projects, countries, policy)


def test_sweep_of_the_policy_defaults_to_11_levels_from_25_to_150_percent() -> None:
    shares = sweep_shares(Policy.from_dict({"budget": {"FY1": 10}}))
    assert len(shares) == 11
    assert shares[0] == 0.25 and shares[-1] == 1.5
    assert np.allclose(np.diff(shares), 0.125)
    assert 1.0 in shares  # the policy budget: portfolio 1's level
    # the policy budget is added to any sweep that lacks it, in its place
    one = Policy.from_dict({"budget": {"FY1": 10}, "frontier": {"start": 0.8, "steps": 1}})
    assert sweep_shares(one) == [0.8, 1.0]
    twelve = sweep_shares(Policy.from_dict({"budget": {"FY1": 10}, "frontier": {"steps": 12}}))
    assert len(twelve) == 13 and twelve == sorted(twelve) and 1.0 in twelve


def test_points_equal_fresh_solves_at_each_budget(tiny: Problem) -> None:
    shares = [0.25, 0.5, 0.6, 0.8, 1.0, 1.3]
    fr = frontier(tiny, shares)
    assert list(fr.points.index) == [1, 2, 3, 4, 5, 6]
    assert fr.solver is not None and fr.solver.solves == len(shares)  # one persistent solver
    for level, share in enumerate(shares, start=1):
        point = fr.points.loc[level]
        fresh = solve(at_share(tiny, share), portfolios=1)
        assert point["status"] == fresh.status.value
        for fy, b in tiny.policy.budget.items():
            assert point[f"budget_{fy}"] == pytest.approx(b * share)
        if fresh.best is None:
            assert math.isnan(point["value"]) and point["projects"] == 0
            continue
        assert point["value"] == pytest.approx(fresh.best.objective, abs=1e-6)
        assert point["gain"] == pytest.approx(point["value"] - point["greedy_value"])
        assert point["projects"] == len(point["project_ids"])
    statuses = fr.points["status"].tolist()
    # mandatory P-01 costs 750 in FY2026: it does not fit 25% of 2000
    assert statuses[0] == "infeasible" and statuses[-1] == "optimal"


RULE_SETS = [frozenset({rule}) for rule in ("tier_share", "tier_partner", "country_cap",
                                             "field_share", "region_share",
                                             "distinct_recipients", "mandatory")]
RULE_SETS.append(frozenset({"country_cap", "requires", "exclusive", "mandatory",
                            "distinct_recipients"}))


@pytest.mark.parametrize("rules", RULE_SETS, ids=lambda r: "+".join(sorted(r)))
def test_points_equal_brute_force_on_random_instances(rules: frozenset[str]) -> None:
    shares = [0.3, 0.6, 1.0, 1.4]
    instances_with_a_solution = 0
    for seed in range(20):  # until two instances with a feasible level have been checked
        rng = np.random.default_rng(seed)
        projects, countries, policy = random_instance(rng, 8, 3, 2, 2, 2, rules, False)
        problem = Problem.from_frames(projects, countries, policy)
        fr = frontier(problem, shares)
        for level, share in enumerate(shares, start=1):
            scaled = at_share(problem, share)
            best = BruteForce.from_problem(scaled).best()
            point = fr.points.loc[level]
            if not best:
                assert point["status"] == "infeasible"
                continue
            assert point["status"] == "optimal"
            assert point["value"] == pytest.approx(best[0].value, rel=1e-6, abs=1e-6)
            fractions = fr.outcomes[level - 1].fractions
            assert violations(scaled.projects, scaled.countries, scaled.policy, fractions) == []
        instances_with_a_solution += (fr.points["status"] == "optimal").any()
        if instances_with_a_solution == 2:
            break
    assert instances_with_a_solution == 2


def test_greedy_never_beats_the_optimum_when_only_budgets_bind() -> None:
    for seed in range(8):
        rng = np.random.default_rng(100 + seed)
        projects, countries, policy = random_instance(rng, 10, 3, 2, 2, 2, frozenset(), True)
        problem = Problem.from_frames(projects, countries, policy)
        shares = [0.25, 0.5, 0.75, 1.0, 1.5]
        fr = frontier(problem, shares)
        pts = fr.points
        assert pts["greedy_meets_rules"].all()
        assert (pts["value"] >= pts["greedy_value"] - 1e-6).all()
        assert (pts["gain"] >= -1e-6).all()
        for level, share in enumerate(shares, start=1):  # the curve is greedy_ranking's
            budget = {fy: b * share for fy, b in problem.policy.budget.items()}
            assert pts.loc[level, "greedy_value"] == pytest.approx(
                greedy_ranking(problem, budget).value)


@pytest.mark.parametrize("overrides", [
    {},
    {"priority.max_country_share": 0.45, "priority.min_countries": 3},
    {"priority.min_tier_share": "{2 = 0.1}", "priority.fund_every_tier": "[3]"},
    {"balance.max_field_share": "{maritime_surveillance = 0.3}",
     "balance.min_field_share": "{airspace_surveillance = 0.05}"},
])
def test_greedy_rule_flag_matches_a_pandas_recomputation_of_every_rule(
    tiny_frames: tuple[pd.DataFrame, pd.DataFrame, Policy], overrides: dict[str, object]
) -> None:
    projects, countries, policy = tiny_frames
    problem = Problem.from_frames(projects, countries, policy.override(overrides))
    shares = [0.3, 0.5, 0.7, 0.9, 1.0, 1.2, 1.5]
    fr = frontier(problem, shares)
    flags = []
    for level, share in enumerate(shares, start=1):
        scaled = at_share(problem, share)
        greedy = greedy_ranking(scaled)
        expected = not violations(scaled.projects, scaled.countries, scaled.policy,
                                  greedy.fractions)
        assert bool(fr.points.loc[level, "greedy_meets_rules"]) == expected
        assert fr.points.loc[level, "greedy_value"] == pytest.approx(greedy.value)
        if expected and fr.points.loc[level, "status"] == "optimal":
            assert fr.points.loc[level, "gain"] >= -1e-6  # a rule-abiding greedy is feasible
        flags.append(expected)
    assert True in flags and False in flags  # both cases are exercised


@pytest.mark.parametrize(("fractions", "expected"), [
    ({"P-01": 1.0, "P-03": 1.0}, True),
    ({"P-01": 1.0, "P-04": 1.0}, True),
    ({"P-01": 1.0, "P-02": 0.5, "P-04": 1.0}, True),   # P-02 may be funded down to half
    ({"P-03": 1.0}, False),                           # mandatory P-01 missing
    ({"P-01": 1.0, "P-02": 1.0, "P-03": 1.0}, False),  # exclusive group "boats"
    ({"P-01": 1.0, "P-06": 1.0, "P-03": 1.0}, False),  # P-06 is excluded
    ({"P-01": 1.0}, False),                           # Pacific Islands below 10%
    ({"P-01": 0.5, "P-03": 1.0}, False),              # all-or-nothing project in part
    ({"P-01": 1.0, "P-02": 0.4, "P-04": 1.0}, False),  # below P-02's min_funding
])
def test_meets_rules_by_hand(tiny_frames: tuple[pd.DataFrame, pd.DataFrame, Policy],
                             fractions: dict[str, float], expected: bool) -> None:
    problem = Problem.from_frames(*tiny_frames)
    model = build_model(problem)
    assert meets_rules(model, fractions) is expected
    assert all(v.value is None for v in model.x.values())  # the model's values are restored


def test_infeasible_levels_are_points_not_errors(tiny: Problem) -> None:
    fr = frontier(tiny, [0.1, 0.2, 1.0])
    assert fr.points["status"].tolist() == ["infeasible", "infeasible", "optimal"]
    assert fr.points.loc[[1, 2], "value"].isna().all()
    assert list(fr.feasible.index) == [3]
    payload = fr.to_dict()
    json.dumps(payload, allow_nan=False)  # NaN became null
    assert payload["points"][0]["value"] is None
    assert payload["points"][2]["projects"] == list(fr.points.loc[3, "project_ids"])


def test_solver_is_reused_and_left_at_the_policy_budget(tiny: Problem) -> None:
    shares = [0.5, 1.5]
    model = frontier_model(tiny, shares)
    solver = Solver(tiny, model)
    fr = frontier(tiny, shares, solver=solver)
    assert fr.shares == [0.5, 1.0, 1.5]  # the policy budget is always a level
    assert fr.solver is solver and solver.model is model and solver.solves == 3
    again = solver.solve_once()  # now at the policy budget
    assert again.objective == pytest.approx(solve(tiny, portfolios=1).best.objective, abs=1e-6)
    # the budget rows themselves say so: bound = policy budget
    assert pyo.value(model.budget["FY2026"].upper) == pytest.approx(2000.0)


def test_a_model_built_for_a_larger_budget_is_refused(tiny: Problem) -> None:
    solver = Solver(tiny, build_model(tiny))  # rows filtered at 100% of the budget
    with pytest.raises(OsaError, match="frontier_model"):
        frontier(tiny, [0.5, 1.0], solver=solver)


def test_progress_is_reported_per_level(tiny: Problem) -> None:
    seen: list[tuple[int, int]] = []
    frontier(tiny, [0.5, 1.0, 1.5], progress=lambda done, total: seen.append((done, total)))
    assert seen == [(1, 3), (2, 3), (3, 3)]


def test_tables_and_chart(tiny: Problem) -> None:
    fr = frontier(tiny, [0.2, 0.7, 1.0, 1.4])
    assert isinstance(fr, FrontierAnalysis) and fr.name == "frontier"
    tables = fr.tables()
    assert list(tables) == ["frontier"] and all(len(n) <= 31 for n in tables)
    sheet = tables["frontier"]
    for column in ("level", "budget_share", "budget_FY2026", "budget_FY2027", "value",
                   "greedy_value", "gain", "projects", "status", "project_ids"):
        assert column in sheet.columns
    assert sheet.loc[2, "project_ids"] == "; ".join(fr.points.loc[3, "project_ids"])
    png = frontier_png(fr)
    assert png.startswith(PNG_MAGIC) and len(png) > 10_000


def test_the_charts_money_axis_has_thousands_separators() -> None:
    import osa_opt
    from osa_opt.outputs.png import frontier_figure

    fig = frontier_figure(frontier(osa_opt.load_problem(), [0.5, 1.0, 1.5]))
    fig.canvas.draw()
    ax = fig.axes[0]
    ticks = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
    big = [t for t in ticks if len(t.replace(",", "")) >= 5]  # ¥10,000m and up
    assert big and all("," in t for t in big), ticks
    assert "a score, not money" in ax.get_ylabel()


def test_bad_shares_are_refused(tiny: Problem) -> None:
    for shares in ([], [0.0, 1.0], [-0.5], [float("nan")]):
        with pytest.raises(OsaError, match="positive") as refused:
            frontier(tiny, shares)
        assert "shares=[0.5, 0.75, 1.0]" in str(refused.value)


def test_the_note_on_infeasible_levels_says_why() -> None:
    """Kantoro required (its one eligible item P-30, ¥500m) beside mandatory P-01 (¥900m), a
    sweep around ¥2,500m: levels 25%-50% cannot be met, and the note named them with no
    reason (a budget officer could not tell the required partner from a typo). It now says
    why the largest of them cannot, as the diagnosis does."""
    import osa_opt

    problem = osa_opt.load_problem(overrides={"budget": {"FY2026": 2500},
                                              "priority": {"required_partners": ["Kantoro"]}})
    result = osa_opt.frontier(problem)
    (note,) = [n for n in result.notes if "cannot be met at" in n]
    assert note.startswith("The policy cannot be met at 3 budget level(s) of the sweep (25%, "
                           "37.5%, 50%)")
    assert note.endswith(
        "At 50%: The rules need ¥1,400m in FY2026, a project of Kantoro "
        "(priority.required_partners) among them, but the budget is ¥1,250m: raise the budget "
        "(budget.FY2026) by ¥150m to ¥1,400m, or take Kantoro off priority.required_partners: "
        "without that rule the policy can be met at this budget.")
