"""Compare (scenarios), Result.diff / compare_runs and each portfolio's facts, against
enumeration and the docs' definitions, on random rounds.

Nothing here is computed by osa-opt: each scenario's optimum comes from the enumeration of
``tests/test_independent_bruteforce`` (written from docs/model.md), project values from
the documented formula, costs from the projects' cost columns times the fractions. Checked:

- ``osa_opt.compare`` (docs/outputs.md, ``compare --json``; docs/api.md): each scenario's
  status and value are its own optimum (its funded set one of the optimal ones);
  ``value_under_baseline`` is the portfolio priced with the baseline's values, ``cost_by_year``,
  ``total_cost``, ``n_projects``, ``countries`` and ``projects`` what its fractions fund;
  ``added``/``dropped`` the set differences from the baseline in the baseline's input
  order; the project matrix each scenario's fractions. The scenarios are the round, its
  budget moved, and its policy changed (weights, risk, the risk limit: eligibility moves
  too), in a random order, so the baseline is any of them;
- ``Result.diff`` and ``compare_runs`` (docs/api.md): one row per project whose funded
  fraction differs, ``before``/``after`` the fractions (0 when out), ``change`` added,
  dropped, more or less;
- each ranked portfolio's facts (docs/outputs.md, run.json ``portfolios``):
  ``share_of_best``, ``cost_by_year``, ``budget_left`` (0 within a millionth of the
  budget), ``added``/``dropped`` against portfolio 1, its packages (docs/packages.md: one
  per funded partner, its funded projects, total and per-year funded cost, largest first),
  its units (whole units funded), ``fraction_changes`` (funded in both at another
  fraction) and its allocations by country, region, tier and field
  (``Portfolio.allocation``: a project of n fields counts 1/n in each); fewer portfolios
  than asked for only when no other one exists, and then the note that says so;
- ``result.unfunded`` (docs/outputs.md ``unfunded``): every project not in portfolio 1 is
  listed once, an ineligible one with its eligibility reasons, an eligible one with every
  structural reason that is true of portfolio 1 (a rival of its exclusive group funded, a
  requirement not funded) and no false one.

``OSA_FACTS_SEEDS=N`` runs N seeds in the slow sweep (30 by default, about 0.7 s each;
300 seeds agreed when it was written).
"""

from __future__ import annotations

import math
import os

import numpy as np
import pytest
from test_independent_bruteforce import Oracle, documented_values, problem_of

import osa_opt
from osa_opt.analysis.compare import Scenario, compare
from osa_opt.errors import InputError
from osa_opt.result.facts import room_reason

TOL = 1e-6


def close(a: float, b: float) -> bool:
    return abs(a - b) <= TOL * max(1.0, abs(a), abs(b))


def scenarios_of(seed: int) -> list[Scenario]:
    base = problem_of(seed)
    rng = np.random.default_rng(seed + 5 * 10 ** 6)
    budget = {f"budget.{fy}": round(float(b) * float(rng.uniform(0.4, 1.6)), 1)
              for fy, b in base.policy.budget.items()}
    policy = {"objective.risk_aversion": round(float(rng.uniform(0, 1)), 2),
              "objective.weights.a": round(float(rng.uniform(0, 1)), 2),
              "eligibility.max_risk": round(float(rng.uniform(0.1, 0.6)), 2)}
    out = [Scenario("round", base), Scenario("budget", base.with_policy(overrides=budget)),
           Scenario("policy", base.with_policy(overrides=policy))]
    return [out[i] for i in rng.permutation(3)]


def fractions_cost(problem: osa_opt.Problem, fractions: dict[str, float]) -> dict[str, float]:
    return {fy: sum(float(problem.projects.at[p, f"cost_{fy}"]) * f
                    for p, f in fractions.items()) for fy in problem.policy.budget}


def check_compare(seed: int, scenarios: list[Scenario]) -> None:
    cmp = compare(scenarios)
    js = cmp.to_dict()
    base = scenarios[0].problem
    assert js["baseline"] == scenarios[0].name
    base_funded = set(cmp.scenarios[0].funded)
    order = list(base.projects.index)
    matrix = cmp.project_matrix()
    for sc, outcome, entry in zip(scenarios, cmp.scenarios, js["scenarios"], strict=True):
        where = (seed, sc.name)
        oracle = Oracle(sc.problem)
        best = oracle.best(oracle.away_from([], 1))
        assert entry["name"] == sc.name, where
        if not best:
            assert outcome.portfolio is None and entry["value"] is None, where
            assert entry["projects"] == [] and entry["countries"] == [], where
            assert entry["added"] == [], where
            assert entry["dropped"] == [p for p in order if p in base_funded], where
            assert (matrix[sc.name] == 0).all(), where
            continue
        fractions = outcome.portfolio.fractions
        funded = set(fractions)
        assert close(entry["value"], best[0][0]), (where, entry["value"], best[0][0])
        assert frozenset(funded) in {ids for _, ids in best}, (where, sorted(funded), best)
        v_base = dict(zip(list(fractions), documented_values(base, list(fractions)),
                          strict=True))
        assert close(entry["value_under_baseline"],
                     sum(v_base[p] * f for p, f in fractions.items())), where
        cost = fractions_cost(sc.problem, fractions)
        assert entry["cost_by_year"].keys() == cost.keys(), where
        for fy, c in cost.items():
            assert abs(entry["cost_by_year"][fy] - c) <= 1e-6 * max(1, c), (where, fy)
        assert abs(entry["total_cost"] - sum(cost.values())) <= 1e-6 * max(
            1, sum(cost.values())), where
        assert entry["n_projects"] == len(funded), where
        assert entry["projects"] == [p for p in sc.problem.projects.index if p in funded], where
        assert sorted(entry["countries"]) == sorted(
            {sc.problem.projects.at[p, "country"] for p in funded}), where
        assert entry["fractions"] == {p: pytest.approx(f) for p, f in fractions.items()
                                      if f < 1 - 1e-9}, where
        assert entry["added"] == [p for p in order if p in funded and p not in base_funded], where
        assert entry["dropped"] == [p for p in order if p in base_funded and p not in funded], \
            where
        for p in order:
            assert close(matrix.at[p, sc.name], fractions.get(p, 0.0)), (where, p)


def check_diff(seed: int, new: osa_opt.Result, old: osa_opt.Result) -> None:
    after = new.best.fractions if new.best else {}
    before = old.best.fractions if old.best else {}
    table = osa_opt.compare_runs(new, old)
    assert table.equals(new.diff(old)), seed
    ids = list(dict.fromkeys([*new.problem.projects.index, *old.problem.projects.index]))
    truth = {}
    for p in ids:
        a, b = after.get(p, 0.0), before.get(p, 0.0)
        if abs(a - b) > 1e-6:
            truth[p] = (b, a, "added" if b == 0 else "dropped" if a == 0
                        else "more" if a > b else "less")
    assert set(table.index) == set(truth), (seed, sorted(table.index), sorted(truth))
    for p, (b, a, change) in truth.items():
        row = table.loc[p]
        assert close(row["before"], b) and close(row["after"], a), (seed, p)
        assert row["change"] == change, (seed, p, row["change"], change)


def check_allocations(where: tuple, problem: osa_opt.Problem, port: osa_opt.Portfolio) -> None:
    """``Portfolio.allocation(by)``: funded projects, cost per year, total cost, its share of
    the total budget and funded value per group; by field a project of n fields counts 1/n
    of its cost and value in each (as the field-share rules count it)."""
    pj, co = problem.projects, problem.countries
    years = list(problem.policy.budget)
    total_budget = sum(problem.policy.budget.values())
    f = port.fractions
    value = dict(zip(list(f), documented_values(problem, list(f)), strict=True))
    for by in ("country", "region", "priority_tier", "field"):
        truth: dict = {}
        for p, x in f.items():
            c = pj.at[p, "country"]
            keys = {"country": [c], "region": [co.at[c, "region"]],
                    "priority_tier": [int(co.at[c, "priority_tier"])],
                    "field": str(pj.at[p, "field"]).split(";")}[by]
            for k in keys:
                row = truth.setdefault(k, {"projects": 0, "total_cost": 0.0, "value": 0.0,
                                           **{f"cost_{fy}": 0.0 for fy in years}})
                row["projects"] += 1
                for fy in years:
                    row[f"cost_{fy}"] += float(pj.at[p, f"cost_{fy}"]) * x / len(keys)
                    row["total_cost"] += float(pj.at[p, f"cost_{fy}"]) * x / len(keys)
                row["value"] += value[p] * x / len(keys)
        table = port.allocation(by)
        assert sorted(map(str, table.index)) == sorted(map(str, truth)), (where, by)
        for k, row in truth.items():
            got = table.loc[k]
            assert got["projects"] == row["projects"], (where, by, k)
            for col in ("total_cost", "value", *(f"cost_{fy}" for fy in years)):
                assert abs(got[col] - row[col]) <= 1e-6 * max(1, abs(row[col])), (where, by, k, col)
            share = row["total_cost"] / total_budget if total_budget else 0.0
            assert abs(got["share_of_budget"] - share) <= 1e-9, (where, by, k)


def check_portfolios(seed: int, result: osa_opt.Result) -> None:
    problem = result.problem
    pj = problem.projects
    best = result.best
    first = set(best.fractions)
    for port in result.portfolios:
        where = (seed, port.rank)
        f = port.fractions
        if port.objective == best.objective:
            assert port.share_of_best == 1.0, where
        elif best.objective > 0:
            assert close(port.share_of_best, port.objective / best.objective), where
        else:  # docs/outputs.md: no share beside a best worth 0 or less
            assert math.isnan(port.share_of_best), where
        cost = fractions_cost(problem, f)
        for fy, c in cost.items():
            assert abs(port.cost_by_year[fy] - c) <= 1e-6 * max(1, c), where
            left = problem.policy.budget[fy] - c
            expected = 0.0 if abs(left) <= 1e-6 * max(1.0, problem.policy.budget[fy]) else left
            assert abs(port.budget_left[fy] - expected) <= 1e-6 * max(1, abs(left)), \
                (where, fy, port.budget_left[fy], left)
        assert sorted(port.added) == sorted(set(f) - first), where
        assert sorted(port.dropped) == sorted(first - set(f)), where
        assert [(p, a, b) for p, a, b in port.fraction_changes] == [
            (p, best.fractions[p], f[p]) for p in pj.index
            if p in f and p in first and abs(f[p] - best.fractions[p]) > 1e-6], where
        packages = port.packages
        countries = {pj.at[p, "country"] for p in f}
        assert sorted(pk["country"] for pk in packages) == sorted(countries), where
        totals = []
        for pk in packages:
            mine = {p: x for p, x in f.items() if pj.at[p, "country"] == pk["country"]}
            assert pk["projects"] == [p for p in pj.index if p in mine], where
            per = fractions_cost(problem, mine)
            for fy, c in per.items():
                assert abs(pk["cost_by_year"][fy] - c) <= 1e-6 * max(1, c), where
            assert abs(pk["total_cost"] - sum(per.values())) <= 1e-6 * max(1, sum(per.values()))
            totals.append(sum(per.values()))
        assert all(a >= b - 1e-6 for a, b in zip(totals, totals[1:], strict=False)), \
            (where, totals)
        check_allocations(where, problem, port)
        for p, x in f.items():
            most = pj.at[p, "units_max"]
            if most == most:
                assert port.units[p] == round(x * most), where
                assert abs(x * most - round(x * most)) <= 1e-6, where
    # fewer portfolios than asked for: a true end, said so, and truly no other one exists
    asked, d = 4, problem.policy.portfolios.min_difference
    if len(result.portfolios) < asked:
        oracle = Oracle(problem)
        taken = [frozenset(pt.fractions) for pt in result.portfolios]
        assert not oracle.best(oracle.away_from(taken, d)), (seed, "more portfolios exist")
        assert any(n.startswith(f"Only {len(taken)} of the {asked} portfolios asked for")
                   for n in result.notes), (seed, result.notes)
    else:
        assert not any("portfolios asked for" in n for n in result.notes), (seed, result.notes)
    # why each project is not in portfolio 1
    unfunded = result.unfunded
    assert set(unfunded.index) == set(pj.index) - first, seed
    eligible = set(problem.eligible)
    for p in unfunded.index:
        reasons = list(unfunded.at[p, "reasons"])
        if p not in eligible:
            assert not unfunded.at[p, "eligible"] and reasons, (seed, p)
            continue
        group = pj.at[p, "exclusive_group"]
        rivals = [q for q in pj.index if group and q != p and q in first
                  and pj.at[q, "exclusive_group"] == group]
        said = [r for r in reasons if r.startswith("exclusive group")]
        assert bool(said) == bool(rivals), (seed, p, reasons, rivals)
        if rivals:
            assert said == [f"exclusive group {group}: {', '.join(rivals)} funded instead"], \
                (seed, p, said)
        missing = [q for q in pj.at[p, "requires"] if q not in first]
        for q in pj.at[p, "requires"]:
            named = [r for r in reasons if r.startswith(f"requires {q},")]
            assert bool(named) == (q in missing), (seed, p, q, reasons)
        if not rivals and not missing:
            # funding it whole on top of a proven portfolio 1 keeps every budget and adds
            # value: then a rule other than the budget keeps it out, and the reason says so
            spent = fractions_cost(problem, best.fractions)
            fits = all(float(pj.at[p, f"cost_{fy}"]) <= budget - spent[fy]
                       + 1e-6 * max(1.0, abs(budget))
                       for fy, budget in problem.policy.budget.items())
            proven = (result.status.value == "optimal" and (best.gap or 0) <= 1e-9
                      and problem.policy.solver.mip_rel_gap == 0)
            worth = documented_values(problem, [p])[0]
            room = fits and proven and worth > 1e-9
            if room and result.blocked_by.get(p):  # the rows it would break, named
                assert reasons == [room_reason(result, p)] and reasons[0] != (
                    "not selected: a rule other than the budget keeps it out (the budget "
                    "left has room for it)"), (seed, p, reasons)
                continue
            assert reasons == ["not selected: a rule other than the budget keeps it out "
                               "(the budget left has room for it)" if room else
                               "worth nothing or less: funding it cannot add value"
                               if worth <= 1e-9 else
                               "not selected: the budget buys more value elsewhere"], \
                (seed, p, reasons)


def check(seed: int) -> str:
    try:
        scenarios = scenarios_of(seed)
    except InputError:
        return "refused"
    check_compare(seed, scenarios)
    results = [osa_opt.solve(s.problem, portfolios=4) for s in scenarios[:2]]
    check_diff(seed, results[0], results[1])
    check_diff(seed, results[1], results[0])
    for result in results:
        if result.best is not None:
            check_portfolios(seed, result)
    return "checked"


FAST = list(range(10))
SLOW = list(range(10, 10 + int(os.environ.get("OSA_FACTS_SEEDS", "30"))))


@pytest.mark.parametrize("seed", FAST)
def test_compare_diff_and_portfolio_facts_match_their_definitions(seed: int) -> None:
    check(seed)


@pytest.mark.slow
@pytest.mark.parametrize("seed", SLOW)
def test_compare_diff_and_portfolio_facts_match_their_definitions_many(seed: int) -> None:
    check(seed)
