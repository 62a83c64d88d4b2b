"""osa-opt's analyses against ``tests/reimpl14.py``, a re-implementation written from the
docs alone (docs/frontier.md, docs/explain.md section 2, docs/robustness.md, docs/model.md).

Random small rounds (CSV folders and a policy file, read by ``osa_opt.load_problem`` as a
user's) switch on many rules at once (tier shares, every-tier partners, country caps and
per-country ``max_share``, field and region minimums and maximums, ``min_countries``,
``max_countries``, ``min_package``) over one to three fiscal years, with mandatory
projects, exclusive groups, requirements and one partly fundable project or one of
whole units; every fifth round has projects worth less than nothing. For each:

- **frontier**: the sweep's levels (``start`` to ``stop`` in ``steps``, 100% always one),
  every fiscal year's budget scaled; each level's value is the best of every funded set
  under the rules at that budget (shares of the scaled total, ``min_package`` and the
  counts as they are), its status, its funded set worth that value there; the greedy
  portfolio's ``greedy_meets_rules`` recomputed, ``gain`` its difference;
- **funding order**: each level's nested set meets the rules at its budget and is worth
  its ``nested_value``; the sets are nested except at a ``restart``; the chain has the
  fewest restarts and then the largest summed value (dynamic programming over every
  subset, the level at 100% held to portfolio 1); ``independent_value`` and
  ``nesting_cost``; positions by first level funded, value per yen, id;
- **rule prices** (``Result.prices()``): which rows are priced, each row's bound,
  activity, slack and binding at portfolio 1, its 10% looser bound by the docs' table,
  and ``gain_if_off`` / ``gain_if_relaxed`` against the enumeration with that one row
  switched off or made looser;
- **robustness**: each sample's weights within their ranges (unlisted weights kept), its
  optimum the best value under those weights and its funded set worth it; core indices,
  classes and the ranked portfolios' near-optimal shares from the samples; the first
  samples of a longer run are those of a shorter one.

``OSA_REIMPL14_SEEDS=N`` runs N seeds in the slow sweep (40 by default).
"""

from __future__ import annotations

import math
import os
import random
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import reimpl14 as R

import osa_opt
from osa_opt.errors import InputError

FIELDS = ("maritime_surveillance", "disaster_relief", "medical", "peacekeeping")
REGIONS = ("East", "West")
CRITERIA = ("security", "humanitarian")


def draw(seed: int) -> R.Round:
    rng = random.Random(seed)
    years = [f"FY{2026 + i}" for i in range(rng.choice((1, 1, 2, 3)))]
    countries = []
    for i in range(rng.randint(2, 4)):
        countries.append({
            "country": f"Land {chr(65 + i)}", "region": REGIONS[i % 2] if i < 2 else
            rng.choice(REGIONS), "priority_tier": rng.randint(1, 3),
            "oda_eligible": rng.random() < 0.9, "party_to_conflict": rng.random() < 0.05,
            "management_agreement": rng.random() < 0.95,
            **{c: round(rng.uniform(0, 10), 1) for c in R.CONSIDERATIONS},
            "max_share": round(rng.uniform(0.3, 0.9), 2) if rng.random() < 0.25 else "",
        })
    n = rng.randint(5, 10)
    partial = rng.randrange(n) if rng.random() < 0.4 else None
    projects = []
    for i in range(n):
        pid = f"P-{i + 1:02d}"
        p: dict[str, Any] = {
            "project_id": pid, "title": f"Item {i}",
            "country": rng.choice(countries)["country"],
            "field": ";".join(rng.sample(FIELDS, 1 if rng.random() < 0.8 else 2)),
            "assistance_type": "equipment",
        }
        for j, y in enumerate(years):
            p[f"cost_{y}"] = 0 if j and rng.random() < 0.4 else rng.randint(1, 30) * 10
        if not any(p[f"cost_{y}"] for y in years):
            p[f"cost_{years[0]}"] = 100
        for k in CRITERIA:
            p[f"score_{k}"] = round(rng.uniform(0, 10), 2)
        p["risk"] = round(rng.uniform(0, 0.5), 2) if rng.random() < 0.5 else ""
        p["min_funding"] = round(rng.uniform(0.2, 0.9), 2) if i == partial else ""
        p["units_max"] = p["units_min"] = ""
        if i == partial and rng.random() < 0.5:      # whole units instead
            p["min_funding"], p["units_max"] = "", rng.randint(2, 5)
            p["units_min"] = rng.randint(1, p["units_max"]) if rng.random() < 0.5 else ""
        p["status"] = "excluded" if rng.random() < 0.06 else ""
        p["status_reason"] = "withdrawn" if p["status"] else ""
        p["exclusive_group"] = rng.choice(("g1", "g2")) if rng.random() < 0.3 else ""
        p["requires"] = f"P-{rng.randint(1, i):02d}" if i and rng.random() < 0.15 else ""
        projects.append(p)
    # a mandatory project now and then: eligible, requiring nothing, alone in its group
    if rng.random() < 0.3:
        p = rng.choice(projects)
        c = next(c for c in countries if c["country"] == p["country"])
        if (c["oda_eligible"] and not c["party_to_conflict"] and c["management_agreement"]
                and not p["status"] and not p["requires"]):
            p.update(status="mandatory", status_reason="signed last year", exclusive_group="")
    total = {y: sum(p[f"cost_{y}"] for p in projects) for y in years}
    policy: dict[str, Any] = {
        "name": f"reimpl14 seed {seed}",
        "budget": {y: float(round(total[y] * rng.uniform(0.3, 0.8), 1)) or 10.0 for y in years},
        "objective": {
            "weights": {k: round(rng.uniform(0.1, 1), 3) for k in CRITERIA},
            "tier_multiplier": {"1": round(rng.uniform(1, 1.5), 2), "2": 1.1, "3": 1.0},
            "risk_aversion": round(rng.uniform(0, 1), 2),
            "considerations": {c: round(rng.uniform(0, 1), 2) for c in R.CONSIDERATIONS},
            "consideration_strength": round(rng.uniform(0, 0.5), 2),
        },
        "priority": {}, "balance": {},
        "portfolios": {"count": 3, "min_difference": rng.randint(1, 3)},
        "frontier": {"start": rng.choice((0.25, 0.4, 0.5)), "stop": rng.choice((1.2, 1.5)),
                     "steps": rng.randint(3, 6)},
        "robustness": {"weight_ranges": {"security": [0.2, 0.8]}},
    }
    if seed % 5 == 4:    # values below zero: risk_aversion·risk above 1
        policy["objective"]["risk_aversion"] = round(rng.uniform(1.5, 4), 2)
        for p in projects:
            p["risk"] = round(rng.uniform(0, 0.6), 2) if rng.random() < 0.6 else ""
    pr, bal = policy["priority"], policy["balance"]
    on = lambda: rng.random() < 0.4  # noqa: E731  (many rules at once)
    if seed % 4 == 3:    # bent towards restarts of the funding order: a long sweep, growing
        # minimum shares, exclusive rivals in other countries, few partners
        policy["frontier"] = {"start": 0.2, "stop": rng.choice((1.6, 2.0, 2.5)),
                              "steps": rng.randint(7, 12)}
        for p in projects:
            p["exclusive_group"] = rng.choice(("g1", "g2", "g3", "")) if not \
                p["status"] == "mandatory" else ""
        on = lambda: rng.random() < 0.55  # noqa: E731
    if on():
        tier = rng.choice(countries)["priority_tier"]
        pr["min_tier_share"] = {str(tier): round(rng.uniform(0.05, 0.3), 3)}
    if on():
        pr["max_country_share"] = round(rng.uniform(0.3, 0.8), 3)
    if on():
        pr["min_countries"] = rng.randint(1, max(1, len(countries) - 1))
    if on():
        pr["max_countries"] = rng.randint(1, len(countries))
    if rng.random() < 0.2:
        pr["fund_every_tier"] = [rng.randint(1, 3)]
    if on():
        pr["min_package"] = float(rng.randint(1, 8) * 10)
    if on():
        field = rng.choice(projects)["field"].split(";")[0]
        bal["min_field_share"] = {field: round(rng.uniform(0.05, 0.3), 3)}
    if on():
        bal["max_field_share"] = {rng.choice(FIELDS): round(rng.uniform(0.2, 0.6), 3)}
    if on():
        bal["min_region_share"] = {rng.choice(REGIONS): round(rng.uniform(0.05, 0.3), 3)}
    if on():
        bal["max_region_share"] = {rng.choice(REGIONS): round(rng.uniform(0.3, 0.7), 3)}
    return R.Round(projects, countries, policy)


def load(rnd: R.Round, tmp: Path) -> osa_opt.Problem:
    data, pol = R.write_round(rnd, tmp)
    return osa_opt.load_problem(str(data), policy=str(pol))


def near(a: float, b: float, scale: float = 1.0, tol: float = 1e-6) -> bool:
    return abs(a - b) <= tol * max(1.0, abs(scale))


# ------------------------------------------------------------------------------ frontier
def check_frontier(seed: int, rnd: R.Round, problem: osa_opt.Problem) -> str:
    fz = rnd.policy["frontier"]
    shares = R.sweep_shares(fz["start"], fz["stop"], fz["steps"])
    try:
        res = osa_opt.frontier(problem)
    except osa_opt.OsaError as exc:     # no level can be met
        assert all(R.Model(rnd, s).best() is None for s in shares), (seed, exc)
        return "no level"
    fr, fo = res.analyses["frontier"], res.analyses["funding_order"]
    pts = fr.points
    assert np.allclose(pts["budget_share"].to_numpy(), shares), (seed, list(pts["budget_share"]))
    total = sum(rnd.policy["budget"].values())
    for level, pt in pts.iterrows():
        s = float(pt["budget_share"])
        where = (seed, level, s)
        for y, b in rnd.policy["budget"].items():
            assert near(pt[f"budget_{y}"], b * s, b), where
        assert near(pt["total_budget"], total * s, total), where
        m = R.Model(rnd, s)
        best = m.best()
        if best is None:
            assert pt["status"] == "infeasible" and pd_na(pt["value"]), (where, pt["status"])
            continue
        assert pt["status"] == "optimal", (where, pt["status"])
        assert near(pt["value"], best[0], best[0]), (where, pt["value"], best[0])
        got = m.set_value(pt["project_ids"])
        assert near(got, best[0], best[0]), (where, "its funded set", got, best[0])
        # the greedy portfolio, judged by every rule at this level
        if m.q is None or m.eligible[m.q] not in pt["greedy_ids"]:
            greedy = dict.fromkeys(pt["greedy_ids"], 1.0)
            meets = not m.breaks(greedy)
            assert bool(pt["greedy_meets_rules"]) == meets, (where, m.breaks(greedy))
            assert near(pt["greedy_value"], m.worth(greedy), best[0]), where
        if bool(pt["greedy_meets_rules"]):
            assert pt["value"] >= pt["greedy_value"] - 1e-6 * max(1, best[0]), where
        assert near(pt["gain"], pt["value"] - pt["greedy_value"], best[0]), where
    restarts = check_funding_order(seed, rnd, res, fo, pts)
    ok = int((pts["status"] == "optimal").sum())
    broken = int((~pts["greedy_meets_rules"].astype(bool) & (pts["status"] == "optimal")).sum())
    return f"{ok}/{len(pts)} levels feasible, {restarts} restarts, {broken} greedy breaking"



def pd_na(v: Any) -> bool:
    return v is None or bool(pd.isna(v))


def check_funding_order(seed: int, rnd: R.Round, res: osa_opt.Result, fo: Any, pts: Any
                        ) -> int:
    feasible = pts[pts["status"] == "optimal"]
    assert (fo.levels["status"] == pts["status"]).all(), seed
    levels = fo.levels.loc[feasible.index]
    assert fo.levels.drop(index=feasible.index)["projects"].eq(0).all(), seed
    p1 = frozenset(res.best.fractions) if res.best is not None else None
    chain = R.funding_order(rnd, [float(s) for s in feasible["budget_share"]], p1)
    if chain is None:
        assert levels.empty, seed
        return 0
    sets, cur = [], set()
    for level, lv in levels.iterrows():
        cur = (cur - set(lv["dropped"])) | set(lv["added"])
        sets.append(frozenset(cur))
        s = float(lv["budget_share"])
        m = R.Model(rnd, s)
        where = (seed, level, s)
        assert lv["projects"] == len(cur), where
        got = m.set_value(cur)
        assert np.isfinite(got), (where, "nested set breaks a rule", sorted(cur), m.breaks(
            dict.fromkeys(cur, 1.0)))
        assert near(lv["nested_value"], got, got), (where, lv["nested_value"], got)
        assert near(lv["independent_value"], pts.loc[level, "value"], got), where
        assert near(lv["nesting_cost"], lv["independent_value"] - lv["nested_value"], got), where
        assert lv["nesting_cost"] >= -1e-6, where
        if abs(s - 1.0) < 1e-9:
            assert sets[-1] == p1, (where, sorted(sets[-1]), sorted(p1))
    restarts = [bool(r) for r in levels["restart"]]
    for i in range(1, len(sets)):
        if not restarts[i]:
            assert sets[i - 1] <= sets[i], (seed, i, sorted(sets[i - 1] - sets[i]))
    mine = (chain.restarts, -chain.total)
    theirs = (R.chain_key(sets), -float(levels["nested_value"].sum()))
    assert theirs[0] == mine[0] and near(theirs[1], mine[1], chain.total), (
        seed, "osa-opt's chain", theirs, [sorted(s) for s in sets],
        "the best chain", mine, [sorted(s) for s in chain.sets])
    # positions: the first level funded, then value per yen, then id
    order = fo.order
    first: dict[str, int] = {}
    for i, s in enumerate(sets):
        for p in s:
            first.setdefault(p, i)
    m = R.Model(rnd)
    vpc = {p: m.value[i] / m.total[i] if m.total[i] else math.inf
           for i, p in enumerate(m.eligible)}
    want = sorted(first, key=lambda p: (first[p], -vpc[p], p))
    assert list(order["project_id"]) == want, (seed, list(order["project_id"]), want)
    assert list(order["position"]) == list(range(1, len(want) + 1)), seed
    numbers, shares = list(levels.index), list(levels["budget_share"])
    for _, row in order.iterrows():
        p, where = row["project_id"], (seed, row["project_id"])
        i, j = first[p], m.eligible.index(p)
        assert row["level_number"] == numbers[i] and near(row["level"], shares[i]), where
        assert near(row["value"], m.value[j], m.value[j]), where
        assert near(row["total_cost"], m.total[j], m.total[j]), where
        if m.total[j]:
            assert near(row["value_per_cost"], vpc[p], vpc[p]), where
        gone = [k for k in range(i + 1, len(sets)) if p not in sets[k] and p in sets[k - 1]]
        back = any(p in sets[k] for k in range(gone[0], len(sets))) if gone else False
        if not gone:
            assert pd_na(row["dropped_at"]), (where, row["dropped_at"])
        elif not back:
            assert row["dropped_at"] == numbers[gone[0]], (where, row["dropped_at"])
    return chain.restarts


# ---------------------------------------------------------------------------- rule prices
def expected_rows(m: R.Model, fractions: dict[str, float]) -> dict[str, dict[str, Any]]:
    """Every priced row the docs name, with its sense, bound and activity at portfolio 1."""
    f = np.array([fractions.get(p, 0.0) for p in m.eligible])
    out: dict[str, dict[str, Any]] = {}
    for row in m.rows:
        if row.family == "package_min":
            continue
        out[row.name] = {"family": row.family, "sense": row.sense, "bound": row.bound,
                         "activity": float(row.coef @ f)}
    pr = m.policy.get("priority", {})
    served = {m.P[p]["country"] for p in fractions}
    if int(pr.get("min_countries", 0)) > 0:
        out["min_countries"] = {"family": "min_countries", "sense": "min",
                                "bound": int(pr["min_countries"]), "activity": len(served)}
    if int(pr.get("max_countries", 0)) > 0 and len(set(m.country_of)) > int(pr["max_countries"]):
        out["max_countries"] = {"family": "max_countries", "sense": "max",
                                "bound": int(pr["max_countries"]), "activity": len(served)}
    if float(pr.get("min_package", 0)) > 0:
        # like tier_partner's count, its activity is the smallest funded package
        packages = [sum(m.total[i] * fractions.get(p, 0.0) for i, p in enumerate(m.eligible)
                        if m.country_of[i] == c) for c in served]
        out["package_min"] = {"family": "package_min", "sense": "min",
                              "bound": float(pr["min_package"]),
                              "activity": min(packages) if packages else None}
    partners = m.tier_partners()
    per = {c: sum(1 for p in fractions if m.P[p]["country"] == c) for c in partners}
    for c in partners:
        out[f"tier_partner[{c}]"] = {"family": "tier_partner", "sense": "min", "bound": 1,
                                     "activity": per[c], "off_only": True}
    if len(partners) > 1:     # with one partner, its own row is the rule
        out["tier_partner"] = {"family": "tier_partner", "sense": "min", "bound": 1,
                               "activity": min(per.values()), "off_only": True}
    if any(m.P[p].get("status") == "mandatory" for p in m.eligible):
        out["mandatory"] = {"family": "mandatory", "sense": None, "bound": None,
                            "activity": None, "off_only": True}
    return out


def check_prices(seed: int, rnd: R.Round, problem: osa_opt.Problem) -> str:
    m = R.Model(rnd)
    best = m.best()
    result = osa_opt.solve(problem, portfolios=1, explain=True)
    if best is None:
        assert result.best is None, seed
        return "infeasible"
    base = best[0]
    assert near(result.best.objective, base, base), (seed, result.best.objective, base)
    fractions = dict(result.best.fractions)
    assert not m.breaks(fractions), (seed, m.breaks(fractions))
    table = result.prices()
    want = expected_rows(m, fractions)
    got = set(map(str, table.index))
    # a maximum no portfolio can reach may be left out (docs/model.md: a family that cannot
    # bind adds nothing; docs/explain.md: "rows the model never builds"), and so may any
    # row of a round without an eligible project; every other documented row is priced
    reach = {r.name: float(r.coef.sum()) for r in m.rows}
    missing = {r for r in set(want) - got if m.n and not (
        want[r]["sense"] == "max" and reach.get(r, math.inf) <= want[r]["bound"])}
    assert not missing, (seed, "not priced", sorted(missing), sorted(got))
    assert got <= set(want), (seed, "priced but not documented", sorted(got - set(want)))
    for rule, row in table.iterrows():
        name, w = str(rule), want[str(rule)]
        where = (seed, name)
        if w["bound"] is not None:
            assert near(row["bound"], w["bound"], w["bound"]), (where, row["bound"], w["bound"])
        if w["activity"] is not None:
            assert near(row["activity"], w["activity"], w["bound"]), (
                where, row["activity"], w["activity"])
        if w["sense"] is not None and w["bound"] is not None and w["activity"] is not None:
            spare = (w["bound"] - w["activity"]) if w["sense"] == "max" else \
                (w["activity"] - w["bound"])
            assert near(row["slack"], spare, w["bound"]), (where, row["slack"], spare)
            assert bool(row["binding"]) == (abs(spare) <= 1e-6 * max(1.0, abs(w["bound"]))), \
                where
        off = R.Model(rnd, change={name: "off"}).best()
        assert off is not None, where
        assert near(row["gain_if_off"], off[0] - base, base), (where, row["gain_if_off"],
                                                               off[0] - base)
        if w.get("off_only"):
            assert pd_na(row["gain_if_relaxed"]) and pd_na(row["relaxed_bound"]), where
            continue
        looser = R.relaxed_bound(w["family"], w["sense"], row["bound"])
        assert near(row["relaxed_bound"], looser, looser), (where, row["relaxed_bound"], looser)
        if off[0] - base <= 1e-6 * max(1, base):
            assert near(row["gain_if_relaxed"], 0.0, base), (where, row["gain_if_relaxed"])
            continue
        lo = R.Model(rnd, change={name: "looser"}).best()
        assert lo is not None, where
        assert near(row["gain_if_relaxed"], lo[0] - base, base), (
            where, row["gain_if_relaxed"], lo[0] - base)
    return f"{len(table)} rows"


# ----------------------------------------------------------------------------- robustness
def with_weights(rnd: R.Round, weights: dict[str, float]) -> dict[str, Any]:
    policy = {k: dict(v) if isinstance(v, dict) else v for k, v in rnd.policy.items()}
    policy["objective"] = {**policy["objective"], "weights": dict(weights)}
    return policy


def check_robustness(seed: int, rnd: R.Round, problem: osa_opt.Problem,
                     samples: int = 12) -> str:
    m = R.Model(rnd)
    if m.best() is None:
        return "infeasible"
    res = osa_opt.robustness(problem, samples=samples, seed=seed % 7)
    rob = res.analyses["robustness"].to_dict()
    ranges = rnd.policy["robustness"]["weight_ranges"]
    weights0 = rnd.policy["objective"]["weights"]
    assert rob["samples_done"] == samples and not rob["partial"], seed
    funded_count: dict[str, int] = {}
    ranked = [dict(p.fractions) for p in res.portfolios]
    near_opt = [0] * len(ranked)
    shares: list[list[float]] = [[] for _ in ranked]
    for s in rob["per_sample"]:
        where = (seed, s["sample"])
        for k, w in s["weights"].items():
            if k in ranges:
                lo, hi = ranges[k]
                assert lo - 1e-9 <= w <= hi + 1e-9, (where, k, w)
            else:
                assert near(w, weights0[k], 1.0, 1e-9), (where, k, w)
        assert set(s["weights"]) == set(weights0), where
        ms = R.Model(rnd, policy=with_weights(rnd, s["weights"]))
        best = ms.best()
        assert best is not None and s["status"] == "optimal", where
        assert near(s["optimum"], best[0], best[0]), (where, s["optimum"], best[0])
        assert near(ms.set_value(s["funded"]), best[0], best[0]), (where, s["funded"])
        assert s["projects"] == len(s["funded"]), where
        for p in s["funded"]:
            funded_count[p] = funded_count.get(p, 0) + 1
        for k, fr in enumerate(ranked):
            if best[0] > 1e-12:     # a share of an optimum of 0 or less means nothing
                shares[k].append(ms.worth(fr) / best[0])
            near_opt[k] += ms.worth(fr) >= best[0] - 0.01 * abs(best[0]) - 1e-9
    counts = {"core": 0, "borderline": 0, "exterior": 0}
    for row in rob["projects"]:
        p, where = row["project_id"], (seed, row["project_id"])
        ci = funded_count.get(p, 0) / samples
        assert near(row["core_index"], ci, 1.0), (where, row["core_index"], ci)
        cls = "core" if ci >= 0.95 else "exterior" if ci <= 0.05 else "borderline"
        assert row["class"] == cls, where
        counts[cls] += 1
        assert row["eligible"] == (p in m.eligible), where
        assert row["funded_in_best"] == (p in res.best.fractions), where
        if m.P[p].get("status") == "mandatory":
            assert cls == "core", where
    assert len(rob["projects"]) == len(rnd.projects), seed
    assert rob["counts"] == counts, (seed, rob["counts"], counts)
    for k, row in enumerate(rob["portfolios"]):
        where = (seed, "portfolio", k + 1)
        assert near(row["share_near_optimal"], near_opt[k] / samples, 1.0), (
            where, row["share_near_optimal"], near_opt[k] / samples)
        if not shares[k]:
            assert pd_na(row["mean_share_of_optimum"]), (where, row["mean_share_of_optimum"])
            assert pd_na(row["worst_share_of_optimum"]), where
            continue
        assert near(row["mean_share_of_optimum"], float(np.mean(shares[k])), 1.0, 1e-5), where
        assert near(row["worst_share_of_optimum"], float(np.min(shares[k])), 1.0, 1e-5), where
    # the first samples of a longer run are those of a shorter one
    short = osa_opt.robustness(problem, samples=samples // 2, seed=seed % 7)
    first = short.analyses["robustness"].to_dict()["per_sample"]
    assert [s["weights"] for s in first] == [s["weights"] for s in rob["per_sample"][:len(first)]]
    return f"{samples} samples"


# -------------------------------------------------------------------------------- compare
def other_policy(rnd: R.Round, seed: int) -> dict[str, Any]:
    rng = random.Random(seed + 10_000)
    policy = {k: dict(v) if isinstance(v, dict) else v for k, v in rnd.policy.items()}
    policy["objective"] = {**policy["objective"],
                           "weights": {k: round(rng.uniform(0.1, 1), 3) for k in CRITERIA},
                           "risk_aversion": round(rng.uniform(0, 1), 2)}
    return policy


def check_compare(seed: int, rnd: R.Round, problem: osa_opt.Problem, tmp: Path | None = None
                  ) -> str:
    import contextlib
    import io
    import json
    import sys

    from osa_opt.cli import cli
    from osa_opt.cli.common import run_cli

    tmp = tmp or Path(__import__("tempfile").mkdtemp())
    data, base_file = R.write_round(rnd, tmp / "base")
    alt = other_policy(rnd, seed)
    alt_file = tmp / "alt_weights.toml"
    alt_file.write_text(R.policy_toml(alt), encoding="utf-8")
    year = next(iter(rnd.policy["budget"]))
    amount = round(rnd.policy["budget"][year] * random.Random(seed).uniform(0.5, 1.5), 1)
    text = f"{amount:.1f}".rstrip("0").rstrip(".")
    budget_policy = {**rnd.policy, "budget": {**rnd.policy["budget"], year: float(text)}}
    argv = ["osa-opt", "compare", str(data), "--policy", str(base_file), "--policy",
            str(alt_file), "--budget-scenario", f"{year}={text}", "--json", "--quiet",
            "--out", str(tmp / "run")]
    out = io.StringIO()
    old = sys.argv
    try:
        sys.argv = argv
        with contextlib.redirect_stdout(out):
            code = run_cli(cli)
    finally:
        sys.argv = old
    doc = json.loads(out.getvalue())
    names = ["policy", "alt_weights", f"policy {year}={text}"]
    assert [s["name"] for s in doc["scenarios"]] == names, (seed, [s["name"] for s in
                                                                   doc["scenarios"]])
    assert doc["baseline"] == "policy", seed
    base_model = R.Model(rnd)
    base_best = base_model.best()
    assert code == (0 if base_best is not None else 3), (seed, code)
    base_ids = set(doc["scenarios"][0]["projects"])
    feasible = 0
    for sc, pol in zip(doc["scenarios"], (rnd.policy, alt, budget_policy), strict=True):
        where = (seed, sc["name"])
        m = R.Model(rnd, policy=pol)
        best = m.best()
        if best is None:
            assert sc["status"] == "infeasible" and sc["value"] is None, (where, sc["status"])
            assert sc["projects"] == [] and set(sc["dropped"]) == base_ids, where
            continue
        feasible += 1
        assert sc["status"] == "optimal", (where, sc["status"])
        assert near(sc["value"], best[0], best[0]), (where, sc["value"], best[0])
        fr = {p: 1.0 for p in sc["projects"]} | dict(sc["fractions"])
        assert not m.breaks(fr), (where, m.breaks(fr))
        assert near(m.worth(fr), best[0], best[0]), where
        assert near(sc["value_under_baseline"], base_model.worth(fr), best[0]), (
            where, sc["value_under_baseline"], base_model.worth(fr))
        for y in pol["budget"]:
            spent = sum(float(m.P[p][f"cost_{y}"] or 0) * f for p, f in fr.items())
            assert near(sc["cost_by_year"][y], spent, spent), (where, y)
            assert near(sc["budget"][y], pol["budget"][y], 1.0), (where, y)
        assert set(sc["added"]) == set(sc["projects"]) - base_ids, where
        assert set(sc["dropped"]) == base_ids - set(sc["projects"]), where
        assert sc["n_projects"] == len(sc["projects"]), where
    return f"{feasible} of 3 scenarios met"


# ----------------------------------------------------- ranked portfolios, year by year
def check_ranked(seed: int, rnd: R.Round, problem: osa_opt.Problem) -> str:
    """Each portfolio the best that differs from every better one in ``min_difference``
    projects (funded states, fractions aside), its cost and budget left per fiscal year,
    and its packages (one per funded partner, largest first) per fiscal year."""
    m = R.Model(rnd)
    X = m.subsets()
    values, _ = m.values(X)
    count, d = rnd.policy["portfolios"]["count"], rnd.policy["portfolios"]["min_difference"]
    result = osa_opt.solve(problem)
    allowed = np.isfinite(values)
    for k, pf in enumerate(result.portfolios):
        where = (seed, k + 1)
        want = float(values[allowed].max()) if allowed.any() else None
        assert want is not None, (where, "no such portfolio exists")
        assert near(pf.objective, want, want), (where, pf.objective, want)
        fr = dict(pf.fractions)
        assert not m.breaks(fr), (where, m.breaks(fr))
        assert near(m.worth(fr), pf.objective, want), where
        for y, budget in rnd.policy["budget"].items():
            spent = sum(float(m.P[p][f"cost_{y}"] or 0) * f for p, f in fr.items())
            assert near(pf.cost_by_year[y], spent, budget), (where, y)
            left = budget - spent
            left = 0.0 if abs(left) <= 1e-6 * budget else left
            assert near(pf.budget_left[y], left, budget), (where, y, pf.budget_left[y], left)
        packages = pf.packages
        for pk in packages:
            mine = {p: f for p, f in fr.items() if m.P[p]["country"] == pk["country"]}
            assert set(pk["projects"]) == set(mine), (where, pk["country"])
            for y in rnd.policy["budget"]:
                spent = sum(float(m.P[p][f"cost_{y}"] or 0) * f for p, f in mine.items())
                assert near(pk["cost_by_year"][y], spent, spent), (where, pk["country"], y)
        totals = [pk["total_cost"] for pk in packages]
        assert totals == sorted(totals, reverse=True), (where, totals)
        assert len(packages) == len({m.P[p]["country"] for p in fr}), where
        # the next one differs from this one in at least d funded states
        allowed &= (X != m.mask(fr)).sum(axis=1) >= d
    if len(result.portfolios) < count:
        assert not allowed.any(), (seed, "a further portfolio exists", float(
            values[allowed].max()))
    return f"{len(result.portfolios)} portfolios"


# ------------------------------------------------------------ disagreements found, kept
def test_a_project_of_negative_value_does_not_buy_a_restart(tmp_path: Path) -> None:
    """docs/frontier.md: the order restarts "at the fewest levels possible", "only when
    nothing else fits". Here a nested order fits (E1 and W1 at 100%, N added at 150% for the
    East minimum), but N is worth -49 (risk_aversion 100 × risk 0.5): the restart's penalty
    counted positive values only (1 + 2 × 16.5 = 34), so osa-opt restarted to fund E2
    instead and noted "the rules force dropping E1 to fund E2", which they do not."""
    place = {"region": "East", "priority_tier": 1, "oda_eligible": True,
             "party_to_conflict": False, "management_agreement": True, "democracy": 5,
             "rule_of_law": 5, "human_rights": 5}
    countries = [{"country": "Land A", **place}, {"country": "Land B", **place,
                                                 "region": "West"}]
    projects = [{"project_id": pid, "title": pid, "country": c, "field": "medical",
                 "assistance_type": "equipment", "cost_FY2026": cost, "score_security": score,
                 "risk": risk, "exclusive_group": group}
                for pid, c, cost, score, risk, group in (
                    ("E1", "Land A", 400, 5, "", "g"), ("E2", "Land A", 600, 5.5, "", "g"),
                    ("N", "Land A", 200, 1, 0.5, ""), ("W1", "Land B", 500, 6, "", ""))]
    policy = {"name": "restart", "budget": {"FY2026": 1000.0},
              "objective": {"weights": {"security": 1.0}, "risk_aversion": 100.0},
              "balance": {"min_region_share": {"East": 0.35}},
              "frontier": {"start": 1.0, "stop": 1.5, "steps": 2}}
    rnd = R.Round(projects, countries, policy)
    chain = R.funding_order(rnd, [1.0, 1.5], frozenset({"E1", "W1"}))
    assert chain is not None and chain.restarts == 0
    assert chain.sets == [frozenset({"E1", "W1"}), frozenset({"E1", "W1", "N"})]
    result = osa_opt.frontier(load(rnd, tmp_path))
    levels = result.analyses["funding_order"].levels
    assert not levels["restart"].any()
    assert levels["nested_value"].tolist() == pytest.approx([11.0, -38.0])
    assert not any("No single funding order" in note for note in result.notes)
    run(0, "frontier", tmp_path / "random")     # and a random round still agrees


def test_no_share_of_a_portfolio_1_worth_less_than_nothing(tmp_path: Path) -> None:
    """docs/outputs.md: a share of portfolio 1's value means nothing when it is worth 0 or
    less (``share_of_best`` null). Here the mandatory M is worth -2.5 (risk_aversion 3 ×
    risk 0.5) and portfolio 1 (M, A, B) -1.0: the why and prices shares were -100% and
    -250%, their sentences "Dropping it would lose -100% of portfolio value (1.000 of
    -1.000)" and "costs 2.500 of value (-250%)"; now the shares are null and the sentences
    give the amounts alone, exact and as LP bounds alike."""
    from osa_opt.analysis.baseline import result_from_outcomes
    from osa_opt.analysis.prices import price_rules
    from osa_opt.analysis.why import explain_portfolio
    from osa_opt.solving.solver import Solver

    countries = [{"country": "Land A", "region": "East", "priority_tier": 1,
                  "oda_eligible": True, "party_to_conflict": False,
                  "management_agreement": True, "democracy": 5, "rule_of_law": 5,
                  "human_rights": 5}]
    projects = [{"project_id": pid, "title": pid, "country": "Land A", "field": "medical",
                 "assistance_type": "equipment", "cost_FY2026": cost, "score_security": score,
                 "risk": risk, "status": status, "status_reason": "signed" if status else ""}
                for pid, cost, score, risk, status in (
                    ("M", 400, 5, 0.5, "mandatory"), ("A", 300, 1, "", ""),
                    ("B", 300, 0.5, "", ""), ("C", 500, 0.4, "", ""))]
    policy = {"name": "below zero", "budget": {"FY2026": 1000.0},
              "objective": {"weights": {"security": 1.0}, "risk_aversion": 3.0}}
    rnd = R.Round(projects, countries, policy)
    best = R.Model(rnd).best()
    assert best is not None and best[0] == pytest.approx(-1.0)
    problem = load(rnd, tmp_path)
    result = osa_opt.solve(problem, portfolios=1, explain=True)
    assert result.best.objective == pytest.approx(-1.0)
    solver = Solver(problem)
    bounded = result_from_outcomes(problem, solver, solver.ranked(1, 1), 0.0)
    whys = [result.analyses["why"].table,
            explain_portfolio(bounded, solver, exact_limit=0).table]
    prices = [result.prices(), price_rules(bounded, solver, exact_limit=0).table]
    for why in whys:
        moved = why[why["value_change"].notna()]
        assert len(moved) == 3 and moved["value_change_share"].isna().all()
        for text in moved["message"]:
            assert "%" not in text and "portfolio 1 is worth -1.000" in text, text
    assert whys[0].loc["A", "message"].startswith("Funded. Dropping it would lose 1.000 of "
                                                  "value (portfolio 1 is worth -1.000)")
    for table in prices:
        assert table["gain_if_off_share"].isna().all()
        assert table["gain_if_relaxed_share"].isna().all()
        assert not any("%)" in text for text in table["message"]), list(table["message"])
    assert "costs 2.500 of value: that is" in prices[0].loc["mandatory", "message"]
    result.write(tmp_path / "run")          # the workbook, report and run.json take it


def test_no_share_of_a_sample_optimum_worth_less_than_nothing(tmp_path: Path) -> None:
    """docs/robustness.md: mean and worst share of the optimum under each sample. With the
    mandatory M worth less than nothing every sample's optimum is below 0, and portfolio 2
    (worth -2.625 against -1.25) read "mean share of optimum 210%", above portfolio 1's
    100%; a share of a value of 0 or less means nothing (``share_of_best`` is null there),
    so they are now null, and the samples still say how often each is within 1%."""
    countries = [{"country": "Land A", "region": "East", "priority_tier": 1,
                  "oda_eligible": True, "party_to_conflict": False,
                  "management_agreement": True, "democracy": 5, "rule_of_law": 5,
                  "human_rights": 5}]
    projects = [{"project_id": pid, "title": pid, "country": "Land A", "field": "medical",
                 "assistance_type": "equipment", "cost_FY2026": cost, "score_security": score,
                 "score_humanitarian": score / 2, "risk": risk, "status": status,
                 "status_reason": "signed" if status else ""}
                for pid, cost, score, risk, status in (
                    ("M", 400, 5, 0.5, "mandatory"), ("A", 300, 1, "", ""),
                    ("B", 300, 0.5, "", ""), ("C", 500, 0.4, "", ""))]
    policy = {"name": "below zero", "budget": {"FY2026": 1000.0},
              "objective": {"weights": {"security": 1.0, "humanitarian": 0.5},
                            "risk_aversion": 3.0},
              "robustness": {"weight_ranges": {"security": [0.5, 1.5]}},
              "portfolios": {"count": 3, "min_difference": 1}}
    rnd = R.Round(projects, countries, policy)
    result = osa_opt.robustness(load(rnd, tmp_path), samples=10, seed=1)
    rob = result.analyses["robustness"].to_dict()
    assert all(s["optimum"] < 0 for s in rob["per_sample"])
    assert [p["share_near_optimal"] for p in rob["portfolios"]] == [1.0, 0.0, 0.0]
    for p in rob["portfolios"]:
        assert p["mean_share_of_optimum"] is None and p["worst_share_of_optimum"] is None, p
    check_robustness(1, rnd, load(rnd, tmp_path / "again"))
    result.write(tmp_path / "run")


def test_a_project_worth_less_than_nothing_is_not_said_to_lose_to_the_budget(
        tmp_path: Path) -> None:
    """N (¥100m) is worth -3 (risk_aversion 2 × risk 0.8) and fits in the ¥400m portfolio 1
    leaves: ``unfunded`` said "not selected: the budget buys more value elsewhere" (the
    budget is not what keeps it out, and no rule is either: its value is). Now it reads
    "worth nothing or less: funding it cannot add value", in explain too."""
    countries = [{"country": "Land A", "region": "East", "priority_tier": 1,
                  "oda_eligible": True, "party_to_conflict": False,
                  "management_agreement": True, "democracy": 5, "rule_of_law": 5,
                  "human_rights": 5}]
    projects = [{"project_id": pid, "title": pid, "country": "Land A", "field": "medical",
                 "assistance_type": "equipment", "cost_FY2026": cost, "score_security": score,
                 "risk": risk}
                for pid, cost, score, risk in (("A", 300, 5, ""), ("N", 100, 5, 0.8),
                                               ("B", 300, 4, ""))]
    policy = {"name": "below zero", "budget": {"FY2026": 1000.0},
              "objective": {"weights": {"security": 1.0}, "risk_aversion": 2.0}}
    rnd = R.Round(projects, countries, policy)
    assert R.Model(rnd).best()[1] == {"A", "B"}
    result = osa_opt.solve(load(rnd, tmp_path), portfolios=1, explain=True)
    said = "worth nothing or less: funding it cannot add value"
    assert result.unfunded.at["N", "reason"] == said
    assert result.explain("N")["message"].startswith(f"Not funded ({said}). Funding it would "
                                                     "cost 33.3% of portfolio value")


# ---------------------------------------------------------------------------------- tests
FAST = list(range(6))
SLOW = list(range(100, 100 + int(os.environ.get("OSA_REIMPL14_SEEDS", "40"))))
CHECKS = ("frontier", "prices", "robustness", "compare", "ranked")


def run(seed: int, what: str, tmp: Path) -> str:
    rnd = draw(seed)
    try:
        problem = load(rnd, tmp)
    except InputError as exc:        # the generator writes only valid rounds
        raise AssertionError((seed, str(exc))) from exc
    if what == "compare":
        return check_compare(seed, rnd, problem, tmp)
    return globals()[f"check_{what}"](seed, rnd, problem)


@pytest.mark.parametrize("what", CHECKS)
@pytest.mark.parametrize("seed", FAST)
def test_analyses_match_the_docs_reimplementation(seed: int, what: str, tmp_path: Path
                                                  ) -> None:
    run(seed, what, tmp_path)


@pytest.mark.slow
@pytest.mark.parametrize("what", CHECKS)
@pytest.mark.parametrize("seed", SLOW)
def test_analyses_match_the_docs_reimplementation_many(seed: int, what: str, tmp_path: Path
                                                       ) -> None:
    run(seed, what, tmp_path)
