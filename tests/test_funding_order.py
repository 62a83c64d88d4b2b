"""The funding order: one nested model over the budget levels, checked against the
independent optima, a brute-force search over nested chains, and pandas rule checks."""

from __future__ import annotations

import itertools
import json
import math

import numpy as np
import pandas as pd
import pyomo.environ as pyo
import pytest
from bruteforce import violations

from osa_opt.analysis.frontier import frontier
from osa_opt.analysis.funding_order import (
    FundingOrderAnalysis,
    funding_order,
    funding_order_model,
)
from osa_opt.inputs.policy import Policy
from osa_opt.inputs.problem import Problem
from osa_opt.solving.solver import Solver
from osa_opt.workflows import solve

TOL = 1e-6


def at_share(problem: Problem, share: float) -> Problem:
    """The same validated tables with every fiscal year's budget scaled by ``share``."""
    policy = problem.policy.override({
        f"budget.{fy}": b * share for fy, b in problem.policy.budget.items()})
    return Problem(problem.projects, problem.countries, policy, problem.sources)


@pytest.fixture
def tiny(tiny_frames: tuple[pd.DataFrame, pd.DataFrame, Policy]) -> Problem:
    projects, countries, policy = tiny_frames
    return Problem.from_frames(projects, countries, policy.override({
        "priority.max_country_share": 0.45, "priority.min_tier_share": "{1 = 0.2}"}))


def check_nested_order(problem: Problem, order: FundingOrderAnalysis) -> None:
    """Every property of a funding order, recomputed from its per-level fractions."""
    levels = order.levels
    kept = [lv for lv in levels.sort_values("budget_share").index if lv in order.fractions]
    # nested: what is funded at a level is funded at the next one, except at a restart
    for low, high in itertools.pairwise(kept):
        lost = set(order.fractions[low]) - set(order.fractions[high])
        assert bool(levels.at[high, "restart"]) == bool(lost)
        assert set(levels.at[high, "dropped"]) == lost
    assert order.restarts == [lv for lv in kept if levels.at[lv, "restart"]]
    for lv in kept:
        share = float(levels.at[lv, "budget_share"])
        fracs = order.fractions[lv]
        scaled = at_share(problem, share)
        assert violations(scaled.projects, scaled.countries, scaled.policy, fracs) == []
        nested = sum(problem.value[p] * f for p, f in fracs.items())
        row = levels.loc[lv]
        assert row["nested_value"] == pytest.approx(nested, abs=TOL)
        assert row["nested_value"] <= row["independent_value"] + TOL
        assert row["nesting_cost"] >= 0
        assert row["nesting_cost"] == pytest.approx(
            row["independent_value"] - row["nested_value"], abs=TOL)
        assert row["projects"] == len(fracs)
    # the objective is the sum over the levels (less the penalty of each restart)
    if kept:
        assert order.to_dict()["objective"] == pytest.approx(
            levels.loc[kept, "nested_value"].sum(), abs=TOL)
    # positions 1..n without gaps, by first level, then value per ¥, then id
    line = order.order
    assert line["position"].tolist() == list(range(1, len(line) + 1))
    first = {}
    for lv in kept:
        for p in order.fractions[lv]:
            first.setdefault(p, lv)
    assert set(line["project_id"]) == set(first)
    density = problem.value / problem.total_cost
    expected = sorted(first, key=lambda p: (levels.at[first[p], "budget_share"], first[p],
                                            -density[p], p))
    assert line["project_id"].tolist() == expected
    for r in line.itertuples(index=False):
        assert r.level_number == first[r.project_id]
        assert r.level == levels.at[first[r.project_id], "budget_share"]
        assert r.value == pytest.approx(problem.value[r.project_id])
    # each level lists the projects it adds to the level below
    below: set[str] = set()
    for lv in kept:
        assert set(levels.at[lv, "added"]) == set(order.fractions[lv]) - below
        below = set(order.fractions[lv])


def test_funding_order_on_the_default_sweep(tiny: Problem) -> None:
    fr = frontier(tiny)  # 25% .. 150% in 12 steps; the lowest levels cannot be met
    order = funding_order(tiny, fr)
    assert order.status == "optimal"
    levels = order.levels
    assert list(levels.index) == list(fr.points.index)
    for lv in levels.index:
        assert levels.at[lv, "independent_value"] == pytest.approx(fr.points.at[lv, "value"],
                                                                   nan_ok=True)
    infeasible = fr.points.index[fr.points["status"] == "infeasible"]
    assert len(infeasible) > 0  # mandatory P-01 (750 in FY2026) does not fit 25%
    for lv in infeasible:  # dropped from the model, kept in the report
        assert lv not in order.fractions
        assert levels.at[lv, "status"] == "infeasible"
        assert math.isnan(levels.at[lv, "nested_value"])
    assert set(order.fractions) == set(fr.feasible.index)
    check_nested_order(tiny, order)
    assert order.order["level_number"].min() == min(fr.feasible.index)
    assert order.funded_at(int(infeasible[0])) == []
    # Rescue boats (P-03) serve the Pacific share at low budgets; at high budgets the tier-1
    # share needs the patrol boats (P-02), its exclusive rival: one restart, dropping P-03.
    assert len(order.restarts) == 1
    restart = order.restarts[0]
    assert order.levels.at[restart, "dropped"] == ("P-03",)
    assert "P-02" in order.levels.at[restart, "added"]
    dropped = order.order.set_index("project_id")["dropped_at"]
    assert dropped["P-03"] == restart and dropped.drop("P-03").isna().all()
    # and no order without a restart exists: with the restarts forbidden the model is infeasible
    model = funding_order_model(tiny, {int(lv): float(fr.points.at[lv, "budget_share"])
                                       for lv in fr.feasible.index})
    model.restart.fix(0)
    assert Solver(tiny, model).solve_once().status.value == "infeasible"


def test_the_order_passes_through_portfolio_1(tiny: Problem) -> None:
    # 100% is always a level; it is portfolio 1 itself, levels below are subsets of it (what
    # to cut first) and levels above supersets (what to add first), unless a rule forces a
    # restart there.
    fr = frontier(tiny, [0.6, 0.8, 1.3])
    best = solve(tiny, portfolios=1).best
    order = funding_order(tiny, fr, anchor=best.fractions)
    at_100 = fr.policy_level
    assert fr.points.at[at_100, "budget_share"] == 1.0
    assert order.fractions[at_100] == pytest.approx(best.fractions)
    assert order.levels.at[at_100, "nested_value"] == pytest.approx(best.objective)
    for lv in order.fractions:
        share = fr.points.at[lv, "budget_share"]
        if share < 1 and not order.restarts:
            assert set(order.fractions[lv]) <= set(best.fractions)
        elif share > 1 and not any(r > at_100 for r in order.restarts):
            assert set(order.fractions[lv]) >= set(best.fractions)
    check_nested_order(tiny, order)
    # the order reads from portfolio 1: everything first funded at or below 100% is in it
    in_line = order.order.set_index("project_id")["level"]
    assert set(in_line[in_line <= 1.0].index) == set(best.fractions)


def test_an_anchor_off_the_independent_optimum_is_kept(tiny: Problem) -> None:
    # portfolio 2 as the anchor: the 100% level is that portfolio, worth less than the optimum
    fr = frontier(tiny, [0.8, 1.0, 1.3])
    second = solve(tiny, portfolios=2).portfolios[1]
    order = funding_order(tiny, fr, anchor=second.fractions)
    assert set(order.fractions[2]) == set(second.fractions)
    assert order.levels.at[2, "nesting_cost"] == pytest.approx(
        fr.points.at[2, "value"] - second.objective, abs=TOL)


def test_a_single_level_block_is_the_single_level_model(tiny: Problem) -> None:
    model = funding_order_model(tiny, {1: 1.0})
    out = Solver(tiny, model).opt.solve(model)
    assert out.incumbent_objective == pytest.approx(solve(tiny, portfolios=1).best.objective,
                                                    abs=TOL)
    # the block holds the single-level model's components under their usual names
    assert pyo.value(model.level[1].budget["FY2026"].upper) == pytest.approx(2000.0)
    assert "P-01" in model.level[1].mandatory
    assert not hasattr(model, "nested") or len(model.nested) == 0


def test_nesting_rows_are_named_after_project_and_level(tiny: Problem) -> None:
    model = funding_order_model(tiny, {4: 0.6, 7: 1.0, 9: 1.2})
    assert list(model.L) == [4, 7, 9]
    names = {c.name for c in model.nested.values()}
    assert "nested[P-01,4]" in names and "nested[P-05,7]" in names
    assert len(names) == 2 * len(model.level[4].P)
    assert str(model.nested["P-03", 7].body).startswith("level[7].x[P-03]")


def test_no_feasible_level_gives_an_empty_order(tiny: Problem) -> None:
    small = at_share(tiny, 0.1)  # 10% and 20% of tiny's budget: mandatory P-01 never fits
    fr = frontier(small, [1.0, 2.0])
    order = funding_order(small, fr)
    assert order.outcome is None and order.status == "infeasible"
    assert order.order.empty and order.fractions == {}
    assert order.levels["status"].tolist() == ["infeasible", "infeasible"]
    payload = order.to_dict()
    json.dumps(payload, allow_nan=False)
    assert payload["order"] == [] and payload["levels"][0]["nested_value"] is None


def test_tables_and_dict(tiny: Problem) -> None:
    fr = frontier(tiny, [0.5, 0.8, 1.0, 1.5])
    order = funding_order(tiny, fr)
    tables = order.tables()
    assert set(tables) == {"funding_order", "funding_levels"}
    assert all(len(name) <= 31 for name in tables)
    for column in ("project_id", "position", "level", "value"):
        assert column in tables["funding_order"].columns
    for column in ("level", "nested_value", "independent_value", "nesting_cost", "added"):
        assert column in tables["funding_levels"].columns
    payload = order.to_dict()
    json.dumps(payload, allow_nan=False)
    assert [e["project_id"] for e in payload["order"]] == order.order["project_id"].tolist()
    assert {"project_id", "position", "level"} <= set(payload["order"][0])


# ---------------------------------------------------------------------- brute force
def nested_instance(seed: int) -> Problem:
    """Seven all-or-nothing projects in two countries over two years: one mandatory, an
    exclusive pair, a requirement, and a minimum share of the budget for country B
    (region R2): often the order must restart, swapping P6 for P7.

    Typed frames built directly (every value is valid by construction, no validation needed).
    """
    rng = np.random.default_rng(seed)
    n = 7
    countries = pd.DataFrame({
        "country": ["A", "B"], "region": ["R1", "R2"], "priority_tier": [1, 2],
        "oda_eligible": True, "party_to_conflict": False, "management_agreement": True,
        "democracy": 5.0, "rule_of_law": 5.0, "human_rights": 5.0, "max_share": np.nan,
        "_row": [2, 3]}).set_index("country")
    ids = [f"P{i + 1}" for i in range(n)]
    status = ["candidate"] * n
    status[int(rng.integers(0, n))] = "mandatory"
    group = [""] * n
    group[5] = group[6] = "G"
    requires: list[tuple[str, ...]] = [()] * n
    if status[1] != "mandatory":
        requires[1] = ("P1",)
    projects = pd.DataFrame({
        "project_id": ids, "title": "t", "country": ["A", "B"] * 3 + ["B"],
        "field": "medical", "assistance_type": "equipment",
        # the exclusive pair in B: P6 cheap, P7 dear (B's share may need P7 at large budgets)
        "cost_FY1": np.r_[rng.uniform(1, 10, n - 2), rng.uniform(1, 3), rng.uniform(6, 10)].round(2),
        "cost_FY2": np.where(rng.random(n) < 0.5, 0.0, rng.uniform(0.5, 5, n)).round(2),
        "score_a": rng.uniform(0, 10, n).round(3), "risk": 0.0, "min_funding": 1.0,
        "status": status, "status_reason": "", "exclusive_group": group, "requires": requires,
        "score_spread": 0.0, "stage": "", "_row": range(2, n + 2)}).set_index("project_id")
    budget = {"FY1": float(projects["cost_FY1"].sum() * 0.5),
              "FY2": float(projects["cost_FY2"].sum() * 0.5) or 1.0}
    return Problem(projects, countries, Policy.from_dict({
        "budget": budget, "objective": {"weights": {"a": 1.0}},
        "balance": {"min_region_share": {"R2": float(rng.uniform(0.2, 0.5))}}}))


#: A restart costs more than any chain of values in these instances is worth.
RESTART_PENALTY = 1e4


def brute_force_nested(problem: Problem, shares: list[float], anchor: frozenset[str] = frozenset()
                       ) -> tuple[float, int, list[float]]:
    """Best chain of subsets S_1, S_2, … feasible at each level, by dynamic programming:
    fewest restarts (S_l ⊄ S_l+1) first, then the largest Σ_l v(S_l); the chain passes
    through ``anchor`` at 100% of the budget. Returns that value, the number of restarts
    and the independent optimum of each level."""
    p = problem.projects
    ids = list(p.index)
    X = ((np.arange(2 ** len(ids))[:, None] >> np.arange(len(ids))) & 1).astype(bool)
    value = X @ problem.value.reindex(ids).to_numpy()
    ok = X[:, (p["status"] == "mandatory").to_numpy()].all(axis=1)
    ok &= X[:, (p["exclusive_group"] == "G").to_numpy()].sum(axis=1) <= 1
    for i, needs in enumerate(p["requires"]):
        for q in needs:
            ok &= ~X[:, i] | X[:, ids.index(q)]
    total_cost = p["cost_FY1"] + p["cost_FY2"]
    in_b = X @ (total_cost * (p["country"] == "B")).to_numpy()
    min_share = problem.policy.balance.min_region_share["R2"]
    subset = (X[:, None, :] <= X[None, :, :]).all(axis=2)  # subset[a, b]: a ⊆ b
    score = None
    independent = []
    for share in shares:
        fits = ok & (in_b >= min_share * problem.policy.total_budget * share - 1e-9)
        for fy, b in problem.policy.budget.items():
            fits &= X @ p[f"cost_{fy}"].to_numpy() <= b * share + 1e-9
        independent.append(float(value[fits].max()) if fits.any() else math.nan)
        if share == 1.0:
            fits &= (X == np.isin(ids, sorted(anchor))[None, :]).all(axis=1)
        if score is None:
            score = np.where(fits, value, -np.inf)
        else:  # best chain ending in S' below, less a penalty when S' ⊄ S
            step = np.where(subset, 0.0, -RESTART_PENALTY)
            score = np.where(fits, value + (score[:, None] + step).max(axis=0), -np.inf)
    if any(math.isnan(v) for v in independent):
        return math.nan, 0, independent
    best = float(score.max())  # = Σ values − penalty·restarts, with 0 ≤ Σ values < penalty
    restarts = -math.floor(best / RESTART_PENALTY)
    return best + restarts * RESTART_PENALTY, restarts, independent


def test_funding_order_equals_brute_force_over_chains() -> None:
    kinds = {"nested": 0, "restart": 0}
    for seed in range(200):  # until both kinds of instance have been checked twice
        problem = nested_instance(seed)
        mandatory = problem.cost.loc[problem.mandatory].sum()
        low = max(mandatory[fy] / b for fy, b in problem.policy.budget.items()) + 0.05
        shares = sorted({round(low + k * (1.8 - low) / 4, 6) for k in range(5)} | {1.0})
        if low >= 1:
            continue  # the policy budget itself cannot be met
        fr = frontier(problem, shares)
        anchor = frozenset(fr.outcomes[fr.policy_level - 1].fractions)
        expected, restarts, independent = brute_force_nested(problem, shares, anchor)
        if any(math.isnan(v) for v in independent):
            continue  # keep to instances whose every level is feasible
        kind = "restart" if restarts else "nested"
        if kinds[kind] == 2:
            continue
        assert fr.points["value"].tolist() == pytest.approx(independent, abs=TOL)
        order = funding_order(problem, fr)
        assert set(order.fractions[fr.policy_level]) == anchor
        assert len(order.restarts) == restarts
        assert order.to_dict()["objective"] == pytest.approx(expected, abs=TOL)
        check_nested_order(problem, order)
        kinds[kind] += 1
        if kinds == {"nested": 2, "restart": 2}:
            break
    assert kinds == {"nested": 2, "restart": 2}


def test_an_anchor_a_solver_tolerance_over_the_budget_still_solves() -> None:
    """Regression: the anchor's fractions were fixed, so portfolio 1 as a solver returns it
    (a binding budget overshot by about 1e-6, within HiGHS's MIP tolerance) made the level
    infeasible, and with it the whole funding order and execution's reserve list
    (tests/test_analyses_bruteforce.py, seed 45). The fractions now bound the level."""
    projects = pd.DataFrame({
        "project_id": ["A", "B", "C"], "title": "t", "country": ["K1", "K1", "K2"],
        "field": "disaster_relief", "assistance_type": "equipment",
        "cost_FY1": [6.0, 8.0, 5.0], "score_a": [8.0, 9.0, 2.0], "risk": 0.0,
        "min_funding": [1.0, 0.2, 1.0], "status": "candidate", "exclusive_group": "",
        "requires": ""})
    countries = pd.DataFrame({
        "country": ["K1", "K2"], "region": "R", "priority_tier": 1, "oda_eligible": True,
        "party_to_conflict": False, "management_agreement": True, "democracy": 6.0,
        "rule_of_law": 6.0, "human_rights": 6.0, "max_share": None})
    problem = Problem.from_frames(projects, countries, {
        "name": "overshoot", "budget": {"FY1": 10.0}, "objective": {"weights": {"a": 1.0}}})
    fr = frontier(problem, shares=[0.8, 1.0, 1.5])
    assert fr.outcomes[1].fractions == pytest.approx({"A": 1.0, "B": 0.5})
    over = {"A": 1.0, "B": 0.5 + 1e-6}  # 8e-6 over the budget: beyond HiGHS's 1e-7
    order = funding_order(problem, fr, anchor=over)
    assert order.status == "optimal"
    assert order.fractions[2] == pytest.approx({"A": 1.0, "B": 0.5}, abs=1e-7)
    assert set(order.fractions[3]) >= {"A", "B"}
