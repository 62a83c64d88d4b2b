"""Why in, why out: forced-in and forced-out values against brute force, words, clean model.

The oracle here (:class:`Enumerator`) is written apart from osa_opt's model: it reads the raw
sheet tables and the policy dict, recomputes eligibility and values itself and checks every
rule on every subset of eligible projects (all projects are all-or-nothing, so enumeration
is exact). test_prices.py imports it too.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyomo.environ as pyo
import pytest

from osa_opt.analysis.baseline import result_from_outcomes
from osa_opt.analysis.why import (
    UnknownProjectError,
    explain_portfolio,
    explain_project,
    find_project,
)
from osa_opt.inputs.eligibility import forced_out_only
from osa_opt.inputs.policy import Policy
from osa_opt.inputs.problem import Problem
from osa_opt.inputs.readers import load_problem
from osa_opt.solving.solver import Solver
from osa_opt.workflows import solve

TOL = 1e-6
COUNTRIES = ["Aurelia", "Borealis", "Caldera", "Dravina"]
FIELDS = ["maritime_surveillance", "disaster_relief", "medical", "search_and_rescue"]


# ---------------------------------------------------------------------- instances
def countries_frame() -> pd.DataFrame:
    """Four countries; Dravina has no management agreement, so its projects are ineligible."""
    return pd.DataFrame({
        "country": COUNTRIES,
        "region": ["Southeast Asia", "Pacific Islands", "Southeast Asia", "South Asia"],
        "priority_tier": [1, 2, 3, 1],
        "oda_eligible": [True, True, True, True],
        "party_to_conflict": [False, False, False, False],
        "management_agreement": [True, True, True, False],
        "democracy": [6.0, 7.0, 5.0, 6.0],
        "rule_of_law": [6.0, 6.0, 5.0, 6.0],
        "human_rights": [6.0, 7.0, 5.0, 6.0],
        "max_share": [None, 0.35, None, None],
    })


def random_projects(seed: int, n: int = 9) -> pd.DataFrame:
    """n all-or-nothing projects: P-02/P-03 exclude each other, P-05 requires P-04."""
    rng = np.random.default_rng(seed)
    ids = [f"P-{i:02d}" for i in range(1, n + 1)]
    frame = pd.DataFrame({
        "project_id": ids,
        "title": [f"project {i}" for i in ids],
        "country": rng.choice(COUNTRIES, n, p=[0.35, 0.25, 0.25, 0.15]),
        "field": rng.choice(FIELDS, n),
        "assistance_type": ["equipment"] * n,
        "cost_FY2026": rng.integers(2, 19, n) * 50.0,
        "cost_FY2027": rng.choice([0.0, 0.0, 100.0, 200.0, 300.0], n),
        "score_security": rng.integers(0, 11, n).astype(float),
        "score_humanitarian": rng.integers(0, 11, n).astype(float),
        "risk": rng.choice([0.0, 0.1, 0.2], n),
        "min_funding": [1.0] * n,
        "status": ["candidate"] * n,
        "status_reason": [""] * n,
        "exclusive_group": ["boats" if i in ("P-02", "P-03") else "" for i in ids],
        "requires": ["P-04" if i == "P-05" else "" for i in ids],
    })
    return frame


def random_policy(seed: int) -> dict[str, Any]:
    """Budgets near half of what is asked; rules that bind on some seeds and not on others."""
    rng = np.random.default_rng(10_000 + seed)
    asked = random_projects(seed)[["cost_FY2026", "cost_FY2027"]].sum()
    return {
        "name": f"random {seed}",
        "budget": {"FY2026": float(asked["cost_FY2026"] * rng.uniform(0.35, 0.6) // 50 * 50),
                   "FY2027": float(max(100.0, asked["cost_FY2027"] * 0.5 // 50 * 50))},
        "eligibility": {"min_democracy": 4.0},
        "objective": {"weights": {"security": 0.6, "humanitarian": 0.4},
                      "tier_multiplier": {1: 1.3, 2: 1.1, 3: 1.0}, "risk_aversion": 1.0},
        "priority": {"min_tier_share": {1: float(rng.choice([0.1, 0.25]))},
                     "max_country_share": 0.6, "min_countries": int(rng.integers(1, 4)),
                     "fund_every_tier": [1]},
        "balance": {"min_field_share": {"disaster_relief": 0.05},
                    "max_region_share": {"Southeast Asia": 0.75}},
    }


# ---------------------------------------------------------------------- the oracle
@dataclass
class Enumerator:
    """Every subset of eligible projects checked against every rule, from the raw tables."""

    projects: pd.DataFrame
    countries: pd.DataFrame
    policy: dict[str, Any]

    def __post_init__(self) -> None:
        p = self.projects.set_index("project_id")
        c = self.countries.set_index("country")
        pol = Policy.from_dict(self.policy)  # only to read defaults of keys not given
        self.years = list(pol.budget)
        self.budget = dict(pol.budget)
        self.total_budget = sum(self.budget.values())
        self.cost = {q: {y: float(p.at[q, f"cost_{y}"]) for y in self.years} for q in p.index}
        self.total = {q: sum(self.cost[q].values()) for q in p.index}
        self.country = p["country"].to_dict()
        self.tier = {q: int(c.at[self.country[q], "priority_tier"]) for q in p.index}
        self.region = {q: c.at[self.country[q], "region"] for q in p.index}
        self.field = p["field"].to_dict()
        obj = pol.objective
        self.value = {}
        for q in p.index:
            score = sum(w * float(p.at[q, f"score_{k}"]) for k, w in obj.weights.items())
            risk = float(p.at[q, "risk"]) if "risk" in p.columns else 0.0
            self.value[q] = (score * obj.tier_multiplier.get(self.tier[q], 1.0)
                             * (1 - obj.risk_aversion * risk))
        el = pol.eligibility
        status = p["status"] if "status" in p.columns else pd.Series("candidate", p.index)
        self.eligible = [
            q for q in p.index
            if status[q] != "excluded" and p.at[q, "field"] in el.fields
            and bool(c.at[self.country[q], "management_agreement"])
            and bool(c.at[self.country[q], "oda_eligible"])
            and not bool(c.at[self.country[q], "party_to_conflict"])
            and c.at[self.country[q], "democracy"] >= el.min_democracy
            and c.at[self.country[q], "rule_of_law"] >= el.min_rule_of_law
            and c.at[self.country[q], "human_rights"] >= el.min_human_rights]
        self.mandatory = [q for q in p.index if status[q] == "mandatory"]
        requires = p["requires"] if "requires" in p.columns else pd.Series("", p.index)
        self.requires = {q: [r for r in str(requires[q] or "").split(";") if r]
                         for q in p.index}
        groups = (p["exclusive_group"] if "exclusive_group" in p.columns
                  else pd.Series("", p.index)).fillna("")
        self.groups = [list(groups.index[groups == g]) for g in set(groups) if g]
        pr = pol.priority
        self.cap = {}
        for name in c.index:
            own = c.at[name, "max_share"]
            own = 1.0 if own is None or own != own else float(own)
            self.cap[name] = min(pr.max_country_share, own) * self.total_budget
        self.rules = pol

    def feasible(self, chosen: set[str], budget: dict[str, float] | None = None,
                 skip: frozenset[str] = frozenset()) -> bool:
        """Every rule of DESIGN §5 on an all-or-nothing portfolio; ``skip`` names rules off."""
        budget = budget or self.budget
        pr, bal = self.rules.priority, self.rules.balance
        if any(q not in self.eligible for q in chosen):
            return False
        for y in self.years:
            if f"budget[{y}]" not in skip and sum(self.cost[q][y] for q in chosen) > (
                    budget[y] + 1e-9):
                return False
        if "mandatory" not in skip and not set(self.mandatory) <= chosen:
            return False
        if any(r not in chosen for q in chosen for r in self.requires[q]):
            return False
        if any(len(chosen & set(g)) > 1 for g in self.groups):
            return False

        def spent(pred: Any) -> float:
            return sum(self.total[q] for q in chosen if pred(q))

        for t, share in pr.min_tier_share.items():
            if f"tier_share[{t}]" not in skip and spent(
                    lambda q, t=t: self.tier[q] == t) < share * self.total_budget - 1e-9:
                return False
        for name, cap in self.cap.items():
            if f"country_cap[{name}]" not in skip and spent(
                    lambda q, n=name: self.country[q] == n) > cap + 1e-9:
                return False
        funded_countries = {self.country[q] for q in chosen}
        with_projects = {self.country[q] for q in self.eligible}
        for name in sorted(with_projects):
            tier = self.tier[next(q for q in self.eligible if self.country[q] == name)]
            if (tier in pr.fund_every_tier and name not in funded_countries
                    and f"tier_partner[{name}]" not in skip and "tier_partner" not in skip):
                return False
        if "min_countries" not in skip and len(funded_countries) < pr.min_countries:
            return False
        for kind, attr, groups in (("field", "field", "field"), ("region", "region", "region")):
            lookup = getattr(self, attr)
            for g, share in getattr(bal, f"min_{groups}_share").items():
                if f"{kind}_min_share[{g}]" not in skip and spent(
                        lambda q, g=g, lk=lookup: lk[q] == g) < share * self.total_budget - 1e-9:
                    return False
            for g, share in getattr(bal, f"max_{groups}_share").items():
                if f"{kind}_max_share[{g}]" not in skip and spent(
                        lambda q, g=g, lk=lookup: lk[q] == g) > share * self.total_budget + 1e-9:
                    return False
        return True

    def best(self, must_in: tuple[str, ...] = (), must_out: tuple[str, ...] = (),
             **rules: Any) -> tuple[float, set[str]] | None:
        """The best value and portfolio under the given forcing, or None if none is feasible."""
        free = [q for q in self.eligible if q not in must_in and q not in must_out]
        best: tuple[float, set[str]] | None = None
        for k in range(len(free) + 1):
            for combo in itertools.combinations(free, k):
                chosen = set(combo) | set(must_in)
                if self.feasible(chosen, **rules):
                    v = sum(self.value[q] for q in chosen)
                    if best is None or v > best[0] + 1e-12:
                        best = (v, chosen)
        return best


def solved(problem: Problem) -> tuple[Any, Solver]:
    """Portfolio 1 of a problem and the persistent solver that found it."""
    solver = Solver(problem)
    outcomes = solver.ranked(1, 1)
    return result_from_outcomes(problem, solver, outcomes, 0.0), solver


def feasible_seeds(count: int) -> list[int]:
    """The first seeds whose random instance has a feasible portfolio (by brute force)."""
    seeds = []
    for seed in range(100):
        oracle = Enumerator(random_projects(seed), countries_frame(), random_policy(seed))
        if oracle.best() is not None:
            seeds.append(seed)
        if len(seeds) == count:
            return seeds
    raise AssertionError("no feasible random instance")


SEEDS = feasible_seeds(4)


def model_state(model: pyo.ConcreteModel) -> dict[str, Any]:
    """Everything an analysis could leave behind: fixed vars, active rows, expressions."""
    cons = {c.name: (c.active, id(c.expr)) for c in model.component_data_objects(pyo.Constraint)}
    fixed = {v.name for v in model.component_data_objects(pyo.Var) if v.fixed}
    objectives = {o.name: o.active for o in model.component_objects(pyo.Objective)}
    return {"cons": cons, "fixed": fixed, "objectives": objectives}


# ---------------------------------------------------------------------- against brute force
@pytest.mark.parametrize("seed", SEEDS)
def test_forced_values_and_moves_equal_brute_force(seed: int) -> None:
    projects, countries, policy = random_projects(seed), countries_frame(), random_policy(seed)
    oracle = Enumerator(projects, countries, policy)
    problem = Problem.from_frames(projects, countries, Policy.from_dict(policy))
    result, solver = solved(problem)
    best_value, _ = oracle.best()
    assert result.best.objective == pytest.approx(best_value, abs=TOL)
    why = explain_portfolio(result, solver)
    funded = set(result.best.fractions)
    assert set(why.records) == set(projects["project_id"])
    for pid in oracle.eligible:
        rec = why.records[pid]
        forced = oracle.best(must_out=(pid,)) if pid in funded else oracle.best(must_in=(pid,))
        assert rec["forced"] == ("out" if pid in funded else "in")
        if forced is None:
            assert rec["feasible"] is False and rec["value_change"] is None, (seed, pid)
            continue
        assert rec["feasible"] is True, (seed, pid)
        assert rec["value_change"] == pytest.approx(forced[0] - best_value, abs=TOL), (seed, pid)
        assert rec["value_change_share"] == pytest.approx(rec["value_change"] / best_value)
        # The portfolio the moves describe is feasible and worth exactly the forced optimum.
        moved = (funded - set(rec["displaced"])) | set(rec["replaced_by"])
        moved = moved | {pid} if rec["forced"] == "in" else moved - {pid}
        assert set(rec["displaced"]) <= funded and not set(rec["replaced_by"]) & funded
        assert oracle.feasible(moved), (seed, pid, moved)
        assert sum(oracle.value[q] for q in moved) == pytest.approx(forced[0], abs=TOL)
    for pid in set(projects["project_id"]) - set(oracle.eligible):
        assert why.records[pid]["eligible"] is False
        assert why.records[pid]["reasons"] == list(problem.eligibility.at[pid, "reasons"])
        head = ("Out of this round: " if forced_out_only(why.records[pid]["reasons"])
                else "Not eligible: ")  # status excluded alone is the round's decision
        assert why.records[pid]["message"].startswith(head)


def test_the_model_is_left_as_it_was_and_re_solves_to_portfolio_1() -> None:
    seed = SEEDS[0]
    problem = Problem.from_frames(random_projects(seed), countries_frame(),
                                  Policy.from_dict(random_policy(seed)))
    result, solver = solved(problem)
    before = model_state(solver.model)
    calls: list[tuple[int, int]] = []
    why = explain_portfolio(result, solver, progress=lambda done, total: calls.append(
        (done, total)))
    n = len(problem.projects)
    assert calls == [(k, n) for k in range(1, n + 1)]  # one call per project, in order
    # every eligible project but a mandatory one: a re-solve, or a proof without one
    assert why.solves + why.proven == len(problem.eligible) - len(problem.mandatory)
    assert model_state(solver.model) == before
    again = solver.solve_once()
    assert again.objective == pytest.approx(result.best.objective, abs=TOL)
    assert again.funded_ids == frozenset(result.best.fractions)


# ---------------------------------------------------------------------- by hand
def hand_frames() -> tuple[pd.DataFrame, pd.DataFrame, dict[str, Any]]:
    """Three projects whose answers are worked out in the docstring of the test below."""
    countries = countries_frame().iloc[:2].copy()
    countries["max_share"] = [None, None]
    projects = pd.DataFrame({
        "project_id": ["P-01", "P-02", "P-03"],
        "title": ["Coastal radars", "Rescue boats", "Field hospital"],
        "country": ["Aurelia", "Borealis", "Aurelia"],
        "field": ["maritime_surveillance", "disaster_relief", "medical"],
        "assistance_type": ["equipment"] * 3,
        "cost_FY2026": [500.0, 300.0, 400.0],
        "cost_FY2027": [0.0, 200.0, 100.0],
        "score_security": [6.0, 7.0, 3.0],
        "min_funding": [1.0, 1.0, 0.5],
    })
    policy = {"name": "hand", "budget": {"FY2026": 800.0, "FY2027": 300.0},
              "objective": {"weights": {"security": 1.0}}}
    return projects, countries, policy


def test_messages_and_numbers_worked_out_by_hand() -> None:
    """Values 6, 7, 3. Best: P-01 + P-02 = 13 (FY2026 800 of 800).

    P-03 forced in (at least half): P-02 + P-03 = 10 beats P-01 + 0.75·P-03 = 8.25, so the
    change is -3 (23.1%), it needs ¥400m + ¥100m and pushes out P-01. P-01 forced out: the
    same 10, replaced by P-03. P-02 forced out: P-01 + 0.75·P-03 = 8.25, change -4.75.
    """
    projects, countries, policy = hand_frames()
    problem = Problem.from_frames(projects, countries, Policy.from_dict(policy))
    result, solver = solved(problem)
    assert result.best.objective == pytest.approx(13.0)
    why = explain_portfolio(result, solver)
    p3, p1, p2 = why.records["P-03"], why.records["P-01"], why.records["P-02"]
    assert p3["value_change"] == pytest.approx(-3.0) and p3["displaced"] == ["P-01"]
    assert p3["needs_by_year"] == pytest.approx({"FY2026": 400.0, "FY2027": 100.0})
    assert p3["message"] == (
        "Not funded. Funding it would cost 23.1% of portfolio value (3.000 of 13.000): "
        "it needs ¥400m in FY2026 and ¥100m in FY2027 and would push out P-01. "
        "Portfolio 1 with it added would break budget[FY2026].")
    assert p3["blocked_by"] == ["budget[FY2026]"]  # 800 of 800 spent: half of P-03 won't fit
    assert p1["value_change"] == pytest.approx(-3.0) and p1["replaced_by"] == ["P-03"]
    assert p2["value_change"] == pytest.approx(-4.75) and p2["replaced_by"] == ["P-03"]
    assert p2["message"] == (
        "Funded. Dropping it would lose 36.5% of portfolio value (4.750 of 13.000): the best "
        "portfolio without it funds P-03 instead.")
    assert p3["cost_by_year"] == {"FY2026": 400.0, "FY2027": 100.0}


def test_structural_obstacles_are_named() -> None:
    """A mandatory rival, a required ineligible project, a mandatory project, a lone partner."""
    projects, countries, policy = hand_frames()
    extra = pd.DataFrame({
        "project_id": ["P-04", "P-05", "P-06"], "title": ["a", "b", "c"],
        "country": ["Borealis", "Aurelia", "Dravina"],
        "field": ["medical", "medical", "medical"], "assistance_type": ["supplies"] * 3,
        "cost_FY2026": [10.0, 10.0, 10.0], "cost_FY2027": [0.0, 0.0, 0.0],
        "score_security": [1.0, 1.0, 1.0], "min_funding": [1.0, 1.0, 1.0]})
    projects = pd.concat([projects, extra], ignore_index=True)
    projects["status"] = ["candidate", "mandatory", "candidate", "candidate", "candidate",
                          "candidate"]
    projects["status_reason"] = ["", "Summit commitment", "", "", "", ""]
    projects["exclusive_group"] = ["", "boats", "", "boats", "", ""]
    projects["requires"] = ["", "", "", "", "P-06", ""]
    countries = pd.concat([countries, countries_frame().iloc[[3]]], ignore_index=True)
    countries.loc[countries["country"] == "Borealis", "priority_tier"] = 1
    policy = {**policy, "budget": {"FY2026": 900.0, "FY2027": 300.0},
              "priority": {"fund_every_tier": [1]}}
    problem = Problem.from_frames(projects, countries, Policy.from_dict(policy))
    result, solver = solved(problem)
    why = explain_portfolio(result, solver)
    rec = why.records
    assert rec["P-04"]["feasible"] is False
    assert "its exclusive-group rival P-02 is mandatory" in rec["P-04"]["message"]
    assert rec["P-05"]["feasible"] is False
    assert "it requires P-06, which is not eligible (no management agreement" in \
        rec["P-05"]["message"]
    assert rec["P-02"]["message"] == \
        "Funded, and it must be: it is mandatory (Summit commitment)."
    assert rec["P-06"]["eligible"] is False and rec["P-06"]["funded"] is False


def test_lone_project_of_a_tier_1_partner_cannot_be_dropped() -> None:
    projects, countries, policy = hand_frames()
    countries["priority_tier"] = [1, 1]
    policy = {**policy, "priority": {"fund_every_tier": [1]}}
    problem = Problem.from_frames(projects, countries, Policy.from_dict(policy))
    result, solver = solved(problem)
    rec = explain_portfolio(result, solver).records["P-02"]
    assert rec["feasible"] is False
    assert rec["message"] == ("Funded, and it must be: it is the only eligible project of "
                              "tier-1 partner Borealis, and every tier-1 partner must be funded.")


# ---------------------------------------------------------------------- API surface
def test_explain_project_alone_matches_the_whole_analysis_and_checks_ids() -> None:
    projects, countries, policy = hand_frames()
    problem = Problem.from_frames(projects, countries, Policy.from_dict(policy))
    result = solve(problem, portfolios=1)
    assert "why" not in result.analyses
    alone = explain_project(result, "P-03")  # builds its own solver, one re-solve
    assert alone["value_change"] == pytest.approx(-3.0)
    with pytest.raises(UnknownProjectError, match="did you mean 'P-03'"):
        explain_project(result, "p-03x")
    with pytest.raises(UnknownProjectError, match="did you mean 'P-02'"):
        explain_project(result, "p-02")


def test_solve_with_explain_stores_why_and_prices_that_serialise() -> None:
    projects, countries, policy = hand_frames()
    problem = Problem.from_frames(projects, countries, Policy.from_dict(policy))
    result = solve(problem, portfolios=2, explain=True)
    why, prices = result.analyses["why"], result.analyses["prices"]
    assert why.name == "why" and prices.name == "prices"
    assert explain_project(result, "P-03") == why.records["P-03"]
    for analysis in (why, prices):
        payload = json.loads(json.dumps(analysis.to_dict()))  # JSON-safe without help
        assert payload["name"] == analysis.name
        for sheet, table in analysis.tables().items():
            assert len(sheet) <= 31 and not table.empty
    table = why.tables()["why"]
    assert list(table["project_id"]) == ["P-01", "P-02", "P-03"]
    assert table.set_index("project_id").at["P-03", "displaced"] == "P-01"
    assert "explain_seconds" in result.timings


def test_an_unfunded_projects_fraction_is_0_as_diff_says_it() -> None:
    """The why table's ``fraction`` was NaN for a project out of portfolio 1 (the record
    held None) where Result.diff and the Projects sheet say 0: a notebook summing or
    comparing fractions got NaN. Every record, stored or re-solved alone, holds the funded
    share, 0 when out; a run folder written before (null) loads as 0 too."""
    from osa_opt.analysis.loaded import _why

    projects, countries, policy = hand_frames()
    problem = Problem.from_frames(projects, countries, Policy.from_dict(policy))
    result = solve(problem, portfolios=1, explain=True)
    table = result.analyses["why"].table
    out = [p for p in table.index if p not in result.best.fractions]
    assert out and set(out) != set(table.index)
    expected = pd.Series({p: result.best.fractions.get(p, 0.0) for p in table.index})
    assert table["fraction"].notna().all()
    assert table["fraction"].tolist() == expected.tolist()
    alone = explain_project(solve(problem, portfolios=1), out[0])  # one re-solve
    assert alone["fraction"] == 0.0 and alone["funded"] is False
    cut = solve(problem.with_policy(overrides={"budget.FY2026": 0}), portfolios=1)
    diff = cut.diff(result)  # what portfolio 1 drops when the budget is gone: "after" 0
    assert (diff["after"] == 0).all() and set(diff.index) == set(result.best.fractions)
    old = result.analyses["why"].to_dict()
    for rec in old["projects"]:
        if not rec["funded"]:
            rec["fraction"] = None
    assert _why(old, problem, None).table["fraction"].tolist() == expected.tolist()


def test_ranking_cuts_kept_on_the_model_do_not_change_the_answers() -> None:
    projects, countries, policy = hand_frames()
    problem = Problem.from_frames(projects, countries, Policy.from_dict(policy))
    solver = Solver(problem)
    outcomes = solver.ranked(2, 3, keep_cuts=True)  # the cut leaves only {P-03} feasible
    result = result_from_outcomes(problem, solver, outcomes, 0.0)
    why = explain_portfolio(result, solver)
    assert why.records["P-03"]["value_change"] == pytest.approx(-3.0)
    assert why.records["P-02"]["value_change"] == pytest.approx(-4.75)
    assert solver.model.portfolio_cut.active and len(solver.model.portfolio_cut) == 1


def test_a_country_cap_obstacle_names_the_projects_it_counts_and_the_right_country(
        tiny_frames: tuple[pd.DataFrame, pd.DataFrame, Policy]) -> None:
    """Aurelia's cap (30% of ¥3,000m) cannot hold P-02 (half of ¥1,200m at least) beside
    mandatory P-01 (¥750m), both Aurelia's; no other country's mandatory project counts."""
    projects, countries, policy = tiny_frames
    countries = countries.copy()
    countries.loc[0, "max_share"] = 0.3
    problem = Problem.from_frames(projects, countries, policy)
    result, solver = solved(problem)
    info = explain_project(result, "P-02", solver)
    assert not info["funded"]
    assert ("with P-01 (also in Aurelia) it needs at least ¥1,350m in Aurelia (P-02's "
            "country), over Aurelia's cap of ¥900m (30% of the budget)") in info["message"]


def promise_the_vessel(model: Any, problem: Any) -> None:
    model.fund_the_vessel = pyo.Constraint(expr=model.x["P-17"] == 1)


def test_a_project_forced_by_an_extension_is_said_to_be_forced_by_it() -> None:
    """P-17 kept in by an extension's row: the obstacle names the extension, not only "the
    policy" (which alone would let P-17 go: it is out of the shipped example's optimum)."""
    result = solve(load_problem(), extend=promise_the_vessel, portfolios=1, explain=True)
    said = result.explain("P-17")
    assert said["funded"] and said["feasible"] is False
    assert said["message"] == ("Funded, and it must be: no portfolio without it meets every "
                               "rule of the policy and the model's own "
                               "(test_why:promise_the_vessel()).")
    assert "P-17" not in solve(load_problem(), portfolios=1).best.fractions


def test_a_tiny_lp_bound_reads_as_a_number_cut_down_never_zero() -> None:
    """A synthetic 1,000-project round (benchmarks' generator) explains every project by
    its LP bound; seven losses are below 0.001% of a value of about 3,895, and their
    messages read "at least 0.000% of portfolio value" (eleven in a 2,000-project round).
    They read the first digit now, and every bound is cut down so "at least" stays true
    (one of 0.0008% read "at least 0.001%")."""
    import re

    import osa_opt
    from benchmarks.synthetic import make_problem

    result = osa_opt.solve(make_problem(1000, 1, seed=1), portfolios=1, explain=True)
    table = result.analyses["why"].table
    tiny = table[(table["value_change"] < 0) & (table["value_change_share"].abs() < 1e-5)]
    assert len(tiny) > 0 and (tiny["basis"] == "lp bound").all()
    assert not table["message"].str.contains(r"least 0(?:\.0+)?% of", regex=True).any()
    bounds = table[(table["value_change"] < 0) & (table["basis"] == "lp bound")]
    for message, share in zip(bounds["message"], bounds["value_change_share"], strict=True):
        shown = re.search(r"at least ([\d.]+)% of portfolio value", message)[1]
        digits = max(len(shown.partition(".")[2]), 1)
        assert 0 < float(shown) <= 100 * -share < float(shown) + 10 ** -digits, message


def test_an_unknown_id_is_not_taken_for_a_neighbour_of_its_series() -> None:
    """``osa-opt explain P-2`` suggested 'P-20' or 'P-21' or 'P-22' (not P-02), and the id of
    a deleted row, P-39, 'P-30' or 'P-31' or 'P-32': an id's number says which it is."""
    problem = load_problem()
    with pytest.raises(UnknownProjectError, match=r"'P-2' .*; did you mean 'P-02'\?$"):
        find_project(problem, "P-2")
    with pytest.raises(UnknownProjectError, match=r"'P-2O' .*; did you mean 'P-20'\?$"):
        find_project(problem, "P-2O")  # a letter O for a zero
    with pytest.raises(UnknownProjectError,
                       match=r"'P-39' .*; known ids run from 'P-01' to 'P-38'$"):
        find_project(problem, "P-39")


def test_a_project_kept_at_another_share_is_named_so_the_money_adds_up() -> None:
    """Forcing in P-03 pushes out P-02, P-04, P-27 and P-32 and brings in P-17 and P-33:
    ¥18,200m on a ¥18,100m budget as the message read, since it left out that P-29 (min
    funding 60%) drops to 75%. The message now names it, as the re-solve funds it."""
    problem = load_problem()
    result = solve(problem, portfolios=1, explain=True)
    message = result.explain("P-03")["message"]
    assert ("would push out P-02, P-04, P-27 and P-32, bringing in P-17 and P-33, changing "
            "the funded share of P-29 (100%→75%).") in message
    assert "changing the funded share of P-29 (100%→75%)." in result.explain("P-02")["message"]
    projects = problem.projects.copy()
    projects.loc["P-03", "status"] = "mandatory"
    forced = solve(problem.with_projects(projects), portfolios=1).best
    assert forced.fractions["P-29"] == pytest.approx(0.75)
    assert "changing the funded share" not in result.explain("P-17")["message"]
