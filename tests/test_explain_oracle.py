"""Why in / why out and the rule prices on the exact path, every field and the numbers in
their sentences, against enumeration (docs/explain.md, 1 and 2).

``tests/test_bound_validity.py`` checks the LP-bound path (``exact_limit=0``) and
``tests/test_independent_bruteforce.py`` (slow tier) the exact values; this file checks on
the path a round of a few dozen projects takes by default, in the fast loop too, what
those leave out, with the enumeration of ``tests/test_independent_bruteforce`` (written
from docs/model.md; it shares no code with osa-opt):

- why: ``feasible`` and ``value_change`` (and ``value_change_share``, its share of portfolio
  1's value) equal the best value with the project forced the other way; ``displaced`` and
  ``replaced_by`` describe an optimal forced portfolio whatever the basis (a re-solve's as
  a proof's); ``needs_by_year`` of a project funded whole when forced in is its cost;
  ``explain_project`` (``osa-opt explain``) gives the same exact answer; and the sentence
  says the numbers: "… would cost X% of portfolio value (A of B)", the ids it pushes out and
  brings in, "cost nothing" exactly on a tie;
- prices: each row's ``bound`` is the policy's (a share of the policy's total budget in
  ¥ million, a count), ``activity`` what portfolio 1 reaches, ``slack`` what it has to spare,
  ``binding`` whether that is nothing, ``relaxed_bound`` the 10% looser bound of the docs'
  table, ``gain_if_off``/``gain_if_relaxed`` (and their shares) the enumeration's, the table
  sorted by them, and the sentence's "costs A of value (X%)".

``OSA_EXPLAIN_SEEDS=N`` runs N seeds in the slow sweep (20 by default, about 1.4 s each; 300
seeds agreed when it was written).
"""

from __future__ import annotations

import math
import os
import re

import numpy as np
import pandas as pd
import pytest
from test_independent_bruteforce import Oracle, problem_of

import osa_opt
from osa_opt.analysis.why import explain_project
from osa_opt.errors import InputError

TOL = 1e-6
#: "… would cost 1.8% of portfolio value (3.024 of 171.239)", or "<0.1%" for a loss too small
#: for one decimal (never "0.0%": a loss is not nothing).
NUMBERS = re.compile(r"(<?\d+(?:\.\d+)?)% of portfolio value \(([\d,]+\.\d{3}) of ([\d,]+\.\d{3})\)")


def near(a: float, b: float, scale: float) -> bool:
    return abs(a - b) <= TOL * max(1.0, abs(scale))


def check_why(seed: int, problem: osa_opt.Problem, oracle: Oracle, result: osa_opt.Result
              ) -> None:
    base = float(result.best.objective)
    funded = set(result.best.fractions)
    why = result.analyses["why"]
    pj = problem.projects
    for i, pid in enumerate(oracle.ids):
        rec = why.records[pid]
        forced = oracle.best(oracle.X[:, i] != (pid in funded))
        where = (seed, pid, rec["forced"], rec["basis"], rec["value_change"],
                 forced[0][0] - base if forced else None)
        assert rec["basis"] in ("proof", "re-solve", None), where
        assert rec["forced"] == ("out" if pid in funded else "in"), where
        if not forced:
            assert rec["feasible"] is False and rec["value_change"] is None, where
            continue
        assert rec["feasible"] is True, where
        change = forced[0][0] - base
        assert near(rec["value_change"], change, base), where
        assert near(rec["value_change_share"], change / base, 1.0), where
        moved = (funded - set(rec["displaced"])) | set(rec["replaced_by"])
        moved = moved - {pid} if pid in funded else moved | {pid}
        assert frozenset(moved) in {ids for _, ids in forced}, (where, sorted(moved), forced)
        assert pid not in rec["displaced"] and pid not in rec["replaced_by"], where
        assert set(rec["displaced"]) <= funded and not set(rec["replaced_by"]) & funded, where
        if rec["forced"] == "in" and oracle.lo[i] >= 1 and i not in oracle.units:
            for fy in problem.policy.budget:
                cost = float(pj.at[pid, f"cost_{fy}"])
                assert abs(rec["needs_by_year"].get(fy, 0.0) - cost) <= 1e-6 * max(1, cost), \
                    (where, fy, rec["needs_by_year"])
        text = rec["message"]
        if abs(change) <= TOL * max(1.0, base):
            assert "cost nothing" in text, (where, text)
        else:
            got = NUMBERS.search(text)
            assert got, (where, text)
            shown, amount, of = (g.replace(",", "") for g in got.groups())
            amount, of, truth = float(amount), float(of), 100 * -change / base
            assert abs(amount - round(-change, 3)) <= 1.5e-3, (where, text)
            assert abs(of - round(base, 3)) <= 1.5e-3, (where, text)
            if shown.startswith("<"):  # a loss too small for one decimal, never "0.0%"
                assert 0 < truth < float(shown[1:]) + 1e-9, (where, text)
            else:
                assert float(shown) > 0 and abs(float(shown) - truth) <= 0.05 + 1e-9, (where, text)
        for q in (rec["displaced"] + rec["replaced_by"]) if len(
                rec["displaced"] + rec["replaced_by"]) <= 4 else []:
            assert q in text, (where, q, text)
    # osa-opt explain: one project re-solved on its own, the same exact answer
    for pid in oracle.ids[:3]:
        alone = explain_project(result, pid)
        rec = why.records[pid]
        assert alone["feasible"] == rec["feasible"], (seed, pid)
        if rec["value_change"] is not None:
            assert near(alone["value_change"], rec["value_change"], base), (seed, pid)


def _counts(problem: osa_opt.Problem, oracle: Oracle, fractions: dict[str, float]
            ) -> dict[str, tuple[float, float]]:
    """The count rows at portfolio 1: name -> (bound, activity)."""
    pol, co = problem.policy, problem.countries
    served = {problem.projects.at[p, "country"] for p in fractions}
    out: dict[str, tuple[float, float]] = {}
    if pol.priority.min_countries:
        out["min_countries"] = (pol.priority.min_countries, len(served))
    if pol.priority.max_countries:
        out["max_countries"] = (pol.priority.max_countries, len(served))
    partners = [c for c in co.index if int(co.at[c, "priority_tier"])
                in pol.priority.fund_every_tier and (oracle.country == c).any()]
    per = {c: sum(1 for p in fractions if problem.projects.at[p, "country"] == c)
           for c in partners}
    for c in partners:
        out[f"tier_partner[{c}]"] = (1, per[c])
    if partners:
        out["tier_partner"] = (1, min(per.values()))
    return out


def check_prices(seed: int, problem: osa_opt.Problem, oracle: Oracle,
                 result: osa_opt.Result) -> None:
    base = float(result.best.objective)
    fractions = result.best.fractions
    table = result.prices()
    f = np.array([fractions.get(p, 0.0) for p in oracle.ids])
    linear = {}
    for name, row, bound in zip(oracle.names, oracle.A, oracle.b, strict=True):
        sign = -1.0 if row.sum() < 0 or bound < 0 else 1.0  # minimums are stored negated
        linear[name] = (sign * bound, sign * float(row @ f), "min" if sign < 0 else "max")
    counts = _counts(problem, oracle, fractions)
    total_budget = sum(problem.policy.budget.values())
    for rule, row in table.iterrows():
        where = (seed, rule)
        name = str(rule)
        if name in linear:
            bound, activity, sense = linear[name]
            assert row["sense"] == sense, where
        elif name in counts:
            (bound, activity), sense = counts[name], row["sense"]
        else:
            bound = activity = None
            sense = row["sense"]
        if bound is not None:
            assert abs(row["bound"] - bound) <= 1e-6 * max(1, abs(bound)), (where, row["bound"],
                                                                            bound)
            assert abs(row["activity"] - activity) <= 1e-6 * max(1, abs(bound)), \
                (where, row["activity"], activity)
        spare = row["bound"] - row["activity"] if sense == "max" else \
            row["activity"] - row["bound"]
        assert abs(row["slack"] - spare) <= 1e-6 * max(1, abs(row["bound"])), where
        assert row["slack"] >= -1e-6 * max(1, abs(row["bound"])), where
        assert bool(row["binding"]) == (abs(spare) <= 1e-6 * max(1.0, abs(row["bound"]))), where
        family = name.split("[")[0]
        if not pd.isna(row["relaxed_bound"]):
            if family in ("min_countries",):
                b = int(row["bound"])
                looser = b - max(1, b // 10)
            elif family == "max_countries":
                b = int(row["bound"])
                looser = b + max(1, b // 10)
            else:
                looser = row["bound"] * (1.1 if sense == "max" else 0.9)
            assert abs(row["relaxed_bound"] - looser) <= 1e-6 * max(1, abs(looser)), \
                (where, row["relaxed_bound"], looser)
        for how, gain, basis in (("off", "gain_if_off", "basis"),
                                 ("looser", "gain_if_relaxed", "relaxed_basis")):
            if pd.isna(row[gain]):
                continue
            assert row[basis] in ("re-solve", "proof"), where
            changed = Oracle(problem, {name: how}).best(oracle.away_from([], 1))
            assert changed, where
            truth = changed[0][0] - base
            assert near(row[gain], truth, base), (where, how, row[gain], truth)
            assert near(row[f"{gain}_share"], truth / base, 1.0), (where, how)
        text = row["message"]
        if row["gain_if_off"] > TOL * max(1.0, base):
            got = re.search(r"costs ([\d,]+\.\d{3}) of value \((<?\d+(?:\.\d+)?)%\)", text)
            assert got, (where, text)
            amount, shown = float(got[1].replace(",", "")), got[2]
            truth = 100 * row["gain_if_off"] / base
            assert abs(amount - round(row["gain_if_off"], 3)) <= 1.5e-3, (where, text)
            if shown.startswith("<"):  # too small for one decimal, never "0.0%"
                assert 0 < truth < float(shown[1:]) + 1e-9, (where, text)
            else:
                assert abs(float(shown) - truth) <= 0.05 + 1e-9, (where, text)
        else:
            assert "costs nothing" in text, (where, text)
    keys = list(zip(table["gain_if_off"].fillna(-math.inf),
                    table["gain_if_relaxed"].fillna(-math.inf), strict=True))
    assert all(a >= b for a, b in zip(keys, keys[1:], strict=False)), (seed, keys)
    assert total_budget >= 0


def check(seed: int) -> str:
    try:
        problem = problem_of(seed)
    except InputError:
        return "refused"
    oracle = Oracle(problem)
    result = osa_opt.solve(problem, portfolios=1, explain=True)
    if not oracle.best(oracle.away_from([], 1)):
        assert result.best is None, seed
        return "infeasible"
    assert near(result.best.objective, oracle.best(oracle.away_from([], 1))[0][0],
                result.best.objective), seed
    check_why(seed, problem, oracle, result)
    check_prices(seed, problem, oracle, result)
    return f"{len(oracle.ids)} eligible"


FAST = list(range(2010, 2022))
SLOW = list(range(int(os.environ.get("OSA_EXPLAIN_SEEDS", "20"))))


@pytest.mark.parametrize("seed", FAST)
def test_exact_why_and_prices_match_enumeration(seed: int) -> None:
    check(seed)


@pytest.mark.slow
@pytest.mark.parametrize("seed", SLOW)
def test_exact_why_and_prices_match_enumeration_many(seed: int) -> None:
    check(seed)
