"""A second, independent brute-force check of the model, written from docs/model.md alone.

``tests/bruteforce.py`` is the main oracle; this one shares no code with it (nor with
osa_opt's model) and draws instances the main one does not: projects fixed in by ``stage``
``signed`` as well as ``status`` mandatory, requirements on ineligible projects, a partner
required by ``priority.required_partners``, several rules at once with partial funding
and whole units, five ranked portfolios with
``min_difference`` up to 4, the policy changed in Python (``with_policy(overrides=...)``),
why-in/why-out's forced values (``Result.explain``) for every eligible project, every rule
price that was re-solved (``Result.prices()``: the best value with the rule off and 10%
looser, docs/explain.md) and, for a round that cannot be met, that moving every rule the
diagnosis names to its ``needed`` value makes it feasible (minimality is not checked).

Each instance: 7-12 projects, 2-4 countries, 1-3 fiscal years. Every subset of the eligible
projects is enumerated; a subset with a partly fundable project gets its best fractions from
an LP (``scipy.optimize.linprog``), whole units taken one combination at a time.
"""

from __future__ import annotations

import itertools
import os
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import linprog

import osa_opt
from osa_opt.errors import InputError

TOL = 1e-6
FIELDS = ["maritime_surveillance", "disaster_relief", "medical", "peacekeeping"]
CONSIDERED = ("democracy", "rule_of_law", "human_rights")


@dataclass
class Instance:
    projects: pd.DataFrame
    countries: pd.DataFrame
    policy: dict[str, Any]
    overrides: dict[str, Any]


def draw(seed: int) -> Instance:
    """A random small round with many rules on; the policy's budget and one rule are
    given as overrides, as a notebook user changes them."""
    rng = np.random.default_rng(seed)
    n, k = int(rng.integers(7, 13)), int(rng.integers(2, 5))
    years = [f"FY{2026 + i}" for i in range(int(rng.integers(1, 4)))]
    names = [f"K{i}" for i in range(k)]
    countries = pd.DataFrame({
        "country": names,
        "region": [["East", "West"][i % 2] for i in range(k)],
        "priority_tier": rng.integers(1, 4, k),
        "oda_eligible": rng.random(k) > 0.12,
        "party_to_conflict": rng.random(k) < 0.08,
        "management_agreement": True,
        **{c: rng.uniform(0, 10, k).round(1) for c in CONSIDERED},
        "max_share": np.where(rng.random(k) < 0.3, rng.uniform(0.2, 0.8, k), np.nan),
    })
    ids = [f"X{i:02d}" for i in range(n)]
    cost = {fy: np.where((j > 0) & (rng.random(n) < 0.4), 0.0, rng.integers(1, 20, n) * 10.0)
            for j, fy in enumerate(years)}
    multi = rng.random(n) < 0.25
    projects = pd.DataFrame({
        "project_id": ids, "title": [f"project {p}" for p in ids],
        "country": rng.choice(names, n),
        "field": [f"{a};{b}" if m and a != b else a for a, b, m in
                  zip(rng.choice(FIELDS, n), rng.choice(FIELDS, n), multi, strict=True)],
        "assistance_type": "equipment",
        **{f"cost_{fy}": c for fy, c in cost.items()},
        "score_a": rng.uniform(0, 10, n).round(2), "score_b": rng.uniform(0, 10, n).round(2),
        "risk": np.where(rng.random(n) < 0.5, 0.0, rng.uniform(0, 0.5, n).round(2)),
        "min_funding": 1.0, "status": "candidate", "exclusive_group": "", "requires": "",
        "stage": "", "units_max": np.nan, "units_min": np.nan, "unit": "",
    })
    projects.loc[rng.random(n) < 0.08, "status"] = "excluded"
    order = rng.permutation(n)
    for i in order[:int(rng.integers(0, 4))]:        # partly fundable
        projects.loc[i, "min_funding"] = round(float(rng.uniform(0.2, 0.9)), 2)
    for i in order[4:4 + int(rng.integers(0, 3))]:   # whole units
        most = int(rng.integers(2, 5))
        projects.loc[i, ["units_max", "units_min", "unit"]] = [most, int(rng.integers(1, most)),
                                                               "boat"]
    for i in range(n):                               # requirements, cycles allowed
        if rng.random() < 0.2:
            projects.loc[i, "requires"] = ids[int(rng.integers(0, n))]
    projects["requires"] = [r if r != p else "" for r, p in zip(projects["requires"], ids,
                                                                 strict=True)]
    groups = rng.permutation(n)
    for g in range(int(rng.integers(0, 3))):
        projects.loc[groups[3 * g:3 * g + int(rng.integers(2, 4))], "exclusive_group"] = f"G{g}"
    fields = FIELDS if rng.random() < 0.6 else FIELDS[:-1]
    policy: dict[str, Any] = {
        "name": f"seed {seed}",
        "budget": {fy: 1.0 for fy in years},  # the real budget comes as an override
        "eligibility": {"fields": fields, "max_risk": 1.0},
        "objective": {"weights": {"a": float(rng.uniform(0.1, 1)), "b": float(rng.uniform(0.1, 1))},
                      "tier_multiplier": {1: float(rng.uniform(1, 1.5)), 2: 1.1, 3: 1.0},
                      "risk_aversion": float(rng.uniform(0, 1)),
                      "considerations": {c: float(rng.uniform(0, 1)) for c in CONSIDERED},
                      "consideration_strength": float(rng.uniform(0, 0.6))},
        "priority": {}, "balance": {},
        "portfolios": {"count": 5, "min_difference": int(rng.integers(1, 5))},
    }
    prio, bal = policy["priority"], policy["balance"]
    rules = rng.random(9)
    if rules[0] < 0.35:
        prio["min_tier_share"] = {int(rng.integers(1, 4)): float(rng.uniform(0.02, 0.2))}
    if rules[1] < 0.35:
        prio["max_country_share"] = float(rng.uniform(0.3, 0.8))
    if rules[2] < 0.25:
        prio["min_countries"] = int(rng.integers(1, k // 2 + 2))
    if rules[3] < 0.25:
        prio["max_countries"] = int(rng.integers(1, k))
    if rules[4] < 0.15:
        prio["fund_every_tier"] = [int(rng.integers(1, 4))]
    if rules[5] < 0.25:
        prio["min_package"] = float(rng.integers(1, 4) * 10)
    if rules[6] < 0.25:
        bal["min_region_share"] = {"East": float(rng.uniform(0.05, 0.3))}
    if rules[7] < 0.25:
        bal["max_region_share"] = {"West": float(rng.uniform(0.2, 0.6))}
    if rules[8] < 0.3:
        bal["max_field_share"] = {str(rng.choice(FIELDS)): float(rng.uniform(0.1, 0.5))}
    overrides = {f"budget.{fy}": float(round(rng.uniform(0.4, 0.8) * c.sum(), 1)) or 10.0
                 for fy, c in cost.items()}
    # priority.required_partners (docs/policy.md), from a generator of its own so that the
    # other draws of each seed stay as they were: a partner with a project not excluded
    # (one with none is refused; one whose projects are all ineligible is refused too)
    more = np.random.default_rng(seed + 3 * 10 ** 6)
    if more.random() < 0.3:
        named = sorted(set(projects.loc[projects["status"] != "excluded", "country"]))
        if named:
            prio["required_partners"] = [str(more.choice(named))]
    return Instance(projects, countries, policy, overrides)


def force_some(inst: Instance, problem: osa_opt.Problem, rng: np.random.Generator) -> None:
    """Fix one or two eligible projects in, by status mandatory or stage signed."""
    eligible = list(problem.eligible)
    for p in rng.choice(eligible, min(len(eligible), int(rng.integers(0, 3))), replace=False):
        row = inst.projects.index[inst.projects["project_id"] == p][0]
        if rng.random() < 0.5:
            inst.projects.loc[row, "status"] = "mandatory"
        else:
            inst.projects.loc[row, "stage"] = "signed"


def documented_values(problem: osa_opt.Problem, ids: list[str]) -> np.ndarray:
    """Each project's value (docs/model.md): its weighted scores times its tier multiplier,
    its country factor and ``1 − risk_aversion·risk``; any project, eligible or not."""
    pj, co, obj = problem.projects, problem.countries, problem.policy.objective
    g = sum(obj.considerations.values())
    factor = {c: 1 + (obj.consideration_strength * sum(
        w * (float(co.at[c, j]) - 5) / 5 for j, w in obj.considerations.items()) / g
        if g else 0.0) for c in co.index}
    return np.array([
        sum(w * float(pj.at[p, f"score_{c}"]) for c, w in obj.weights.items())
        * obj.tier_multiplier.get(int(co.at[pj.at[p, "country"], "priority_tier"]), 1.0)
        * factor[pj.at[p, "country"]] * (1 - obj.risk_aversion * float(pj.at[p, "risk"]))
        for p in ids])


class Oracle:
    """Every subset of the eligible projects, every rule of docs/model.md checked.

    ``change`` switches rules off, makes them 10% looser or sets their bound (in the
    rule's unit, as a diagnosis says), by their rows' names in the rule prices and the
    diagnosis (docs/explain.md): ``{"budget[FY2026]": "off", "min_countries": "looser",
    "tier_share[1]": 120.0, "mandatory[X03]": 0.0}``.
    """

    def __init__(self, problem: osa_opt.Problem,
                 change: dict[str, str | float] | None = None) -> None:
        change = change or {}
        pj, co, pol = problem.projects, problem.countries, problem.policy
        self.ids = ids = [p for p in pj.index if p in set(problem.eligible)]
        n = len(ids)
        e = pj.loc[ids]
        self.budget = {fy: float(b) for fy, b in pol.budget.items()}
        total_budget = sum(self.budget.values())
        self.cost = {fy: e[f"cost_{fy}"].to_numpy(float) for fy in self.budget}
        total = sum(self.cost.values())
        country = e["country"].to_numpy()
        tier = e["country"].map(co["priority_tier"]).astype(int).to_numpy()
        region = e["country"].map(co["region"]).to_numpy()
        self.v = documented_values(problem, ids)
        # fractions: whole (1), continuous [lo, 1], or units k/most for k in least..most
        self.lo = e["min_funding"].to_numpy(float).copy()
        self.units: dict[int, list[float]] = {}
        for i, p in enumerate(ids):
            most = e.at[p, "units_max"]
            if most == most:
                least = e.at[p, "units_min"]
                least = 1 if least != least else int(least)
                if least < most:
                    self.units[i] = [u / most for u in range(least, int(most) + 1)]
                self.lo[i] = 1.0 if least >= most else 0.0
        # linear rows: A f <= b, each by its name; a share's bound is of the policy's ΣB
        A, b = [], []
        self.names: list[str] = []  # each row's rule name (the diagnosis' oracle reads them)

        def moved(name: str, bound: float, looser: float) -> float:
            how = change.get(name)
            return float(how) if isinstance(how, float) else \
                bound * (looser if how == "looser" else 1.0)

        def at_most(name: str, row: np.ndarray, bound: float) -> None:
            if change.get(name) != "off":
                A.append(row)
                b.append(moved(name, bound, 1.1))
                self.names.append(name)

        def at_least(name: str, row: np.ndarray, bound: float) -> None:
            if change.get(name) != "off":
                A.append(-row)
                b.append(-moved(name, bound, 0.9))
                self.names.append(name)

        for fy, c in self.cost.items():
            at_most(f"budget[{fy}]", c, self.budget[fy])
        for t, s in pol.priority.min_tier_share.items():
            at_least(f"tier_share[{t}]", total * (tier == t), s * total_budget)
        for c in co.index:
            own = co.at[c, "max_share"]
            cap = min(pol.priority.max_country_share, 1.0 if own != own else float(own))
            if cap < 1.0:  # a share of 1 is no cap (not even with a budget switched off)
                at_most(f"country_cap[{c}]", total * (country == c), cap * total_budget)
        for r, s in pol.balance.min_region_share.items():
            at_least(f"region_min_share[{r}]", total * (region == r), s * total_budget)
        for r, s in pol.balance.max_region_share.items():
            at_most(f"region_max_share[{r}]", total * (region == r), s * total_budget)
        parts = [str(f).split(";") for f in e["field"]]
        for fld, s in pol.balance.max_field_share.items():
            at_most(f"field_max_share[{fld}]",
                    total * np.array([(fld in q) / len(q) for q in parts]), s * total_budget)
        for fld, s in pol.balance.min_field_share.items():
            at_least(f"field_min_share[{fld}]",
                     total * np.array([(fld in q) / len(q) for q in parts]), s * total_budget)
        self.A, self.b = np.array(A).reshape(len(A), n), np.array(b)
        self.total, self.country = total, country
        package = {"off": 0.0, "looser": 0.9}.get(str(change.get("package_min", "")), 1.0) \
            * float(pol.priority.min_package)
        self.package = {c: float(change.get(f"package_min[{c}]", package)) for c in co.index}
        # combinatorial rules, over all subsets at once
        X = ((np.arange(2 ** n)[:, None] >> np.arange(n)) & 1).astype(bool)
        ok = np.ones(len(X), dtype=bool)
        forced = set(pj.index[pj["status"] == "mandatory"])
        if "stage" in pj:
            forced |= set(pj.index[pj["stage"] == "signed"])
        for p in forced if change.get("mandatory") != "off" else ():
            if change.get(f"mandatory[{p}]") != 0.0:
                ok &= X[:, ids.index(p)]
        for i, p in enumerate(ids):
            for q in pj.at[p, "requires"]:
                ok &= ~X[:, i] | (X[:, ids.index(q)] if q in ids else False)
        for grp in set(e["exclusive_group"]) - {""}:
            ok &= X[:, (e["exclusive_group"] == grp).to_numpy()].sum(axis=1) <= 1
        served = np.stack([X[:, country == c].any(axis=1) for c in co.index], axis=1)
        n_served = served.sum(axis=1)
        least, most = pol.priority.min_countries, pol.priority.max_countries
        def count(name: str, now: int, looser: int) -> int:
            how = change.get(name)
            return {"off": 0, "looser": looser, None: now}[how] if not isinstance(how, float) \
                else int(how)

        least = count("min_countries", least, least - max(1, least // 10))
        most = count("max_countries", most, most + max(1, most // 10))
        ok &= n_served >= least
        if most:
            ok &= n_served <= most
        for j, c in enumerate(co.index):
            if int(co.at[c, "priority_tier"]) in pol.priority.fund_every_tier and \
                    (country == c).any() and change.get("tier_partner") != "off" \
                    and change.get(f"tier_partner[{c}]") not in ("off", 0.0):
                ok &= served[:, j]
            # priority.required_partners: the partner gets at least one funded project
            if c in pol.priority.required_partners and change.get("required_partner") != "off" \
                    and change.get(f"required_partner[{c}]") not in ("off", 0.0):
                ok &= served[:, j]
        self.X, self.ok = X, ok
        self.upper = X @ self.v
        self.cache: dict[int, tuple[float, np.ndarray] | None] = {}

    def evaluate(self, s: int) -> tuple[float, np.ndarray] | None:
        """The best value and fractions of subset s, None when no fractions fit."""
        if s in self.cache:
            return self.cache[s]
        x = self.X[s]
        A, b = self.A, self.b
        served = [c for c in set(self.country[x]) if self.package[c] > 0]
        if served:
            A = np.vstack([A, *(-(self.total * (self.country == c)) for c in served)])
            b = np.concatenate([b, [-self.package[c] for c in served]])
        unit_ids = [i for i in self.units if x[i]]
        free = [i for i in np.flatnonzero(x) if self.lo[i] < 1 and i not in self.units]
        best: tuple[float, np.ndarray] | None = None
        for combo in itertools.product(*(self.units[i] for i in unit_ids)):
            f = x.astype(float)
            f[unit_ids] = combo
            if free:
                rest = b - A @ np.where(np.isin(np.arange(len(f)), free), 0.0, f)
                res = linprog(-self.v[free], A_ub=A[:, free], b_ub=rest + 1e-9 * np.maximum(
                    1, np.abs(b)), bounds=[(self.lo[i], 1.0) for i in free], method="highs")
                if res.status != 0:
                    continue
                f[free] = res.x
            elif (A @ f > b + 1e-9 * np.maximum(1, np.abs(b))).any():
                continue
            value = float(self.v @ f)
            if best is None or value > best[0]:
                best = (value, f)
        self.cache[s] = best
        return best

    def best(self, mask: np.ndarray) -> list[tuple[float, frozenset[str]]]:
        """Every subset in mask within TOL of the best one: (value, funded ids)."""
        found: list[tuple[float, frozenset[str]]] = []
        top = -np.inf
        for s in np.flatnonzero(mask & self.ok)[np.argsort(-self.upper[mask & self.ok],
                                                           kind="stable")]:
            if self.upper[s] < top - TOL * max(1, abs(top)):
                break
            got = self.evaluate(int(s))
            if got is None:
                continue
            top = max(top, got[0])
            found.append((got[0], frozenset(np.array(self.ids)[self.X[s]])))
        return [(v, ids) for v, ids in found if v >= top - TOL * max(1, abs(top))]

    def away_from(self, taken: list[frozenset[str]], d: int) -> np.ndarray:
        mask = np.ones(len(self.X), dtype=bool)
        for ids in taken:
            a = np.isin(self.ids, list(ids))
            mask &= (self.X != a).sum(axis=1) >= d
        return mask


def problem_of(seed: int) -> osa_opt.Problem:
    """The round of ``seed``: drawn, one or two projects forced in, the overrides applied
    (InputError: a draw the inputs refuse)."""
    inst = draw(seed)
    first = osa_opt.Problem.from_frames(inst.projects, inst.countries, inst.policy)
    force_some(inst, first, np.random.default_rng(seed + 10 ** 6))
    return osa_opt.Problem.from_frames(inst.projects, inst.countries, inst.policy) \
        .with_policy(overrides=inst.overrides)


def check(seed: int) -> str:
    """Solve one instance with osa_opt and compare with the oracle; the outcome in words."""
    try:
        problem = problem_of(seed)
    except InputError as error:  # a draw the inputs refuse (a forced project's rival, say)
        return f"refused: {str(error).splitlines()[1][:80]}"
    oracle = Oracle(problem)
    d = problem.policy.portfolios.min_difference
    result = osa_opt.solve(problem, explain=True)
    near = oracle.best(oracle.away_from([], d))
    if not near:
        assert result.best is None, (seed, result)
        # the diagnosis: with every rule moved as it says, a portfolio exists
        moves: dict[str, str | float] = {e["rule"]: float(e["needed"])
                                         for e in result.diagnosis.to_dict()["rules"]}
        if moves and all(name.split("[")[0] in DIAGNOSED for name in moves):
            assert Oracle(problem, moves).best(oracle.away_from([], 1)), (seed, moves)
            return "infeasible, diagnosis checked"
        return "infeasible"
    taken: list[frozenset[str]] = []
    for port in result.portfolios:
        near = oracle.best(oracle.away_from(taken, d))
        assert near, (seed, port.rank, "the oracle finds no further portfolio")
        assert abs(port.objective - near[0][0]) <= TOL * max(1, abs(near[0][0])), \
            (seed, port.rank, port.objective, near)
        funded = frozenset(port.fractions)
        assert funded in {ids for _, ids in near}, (seed, port.rank, sorted(funded), near)
        taken.append(funded)
    if len(result.portfolios) < problem.policy.portfolios.count:
        assert not oracle.best(oracle.away_from(taken, d)), (seed, "ranking stopped early")
    # why-in / why-out: the best value with each eligible project forced the other way
    best = result.best.objective
    for i, p in enumerate(oracle.ids):
        record = result.explain(p)
        funded = p in result.best.fractions
        forced = oracle.best(oracle.X[:, i] != funded)
        if record["feasible"] is None or record["basis"] in (None, "lp bound"):
            continue
        assert record["feasible"] == bool(forced), (seed, p, record)
        if forced:
            assert abs(best + record["value_change"] - forced[0][0]) <= TOL * max(1, best), \
                (seed, p, record["value_change"], forced[0][0] - best)
    # rule prices: the best value with each rule off, or 10% looser, by re-solve
    for rule, row in result.prices().iterrows():
        for how, gain, basis in (("off", "gain_if_off", "basis"),
                                 ("looser", "gain_if_relaxed", "relaxed_basis")):
            if row[basis] != "re-solve":
                continue
            changed = Oracle(problem, {str(rule): how}).best(oracle.away_from([], 1))
            assert changed, (seed, rule, how)
            assert abs(best + row[gain] - changed[0][0]) <= TOL * max(1, best), \
                (seed, rule, how, row[gain], changed[0][0] - best)
    return f"{len(result.portfolios)} portfolios, d={d}, {len(oracle.ids)} eligible"


#: 40 seeds by default (about 15 s), more with OSA_INDEPENDENT_SEEDS; 315 and 367 found
#: HiGHS misreading a start (tests/test_highs_start.py).
#: Rows of a diagnosis this oracle can move (the others are left unchecked).
DIAGNOSED = {"budget", "tier_share", "country_cap", "region_min_share", "region_max_share",
             "field_min_share", "field_max_share", "min_countries", "max_countries",
             "package_min", "mandatory", "tier_partner", "required_partner"}
SEEDS = [*range(int(os.environ.get("OSA_INDEPENDENT_SEEDS", "40"))), 315, 367]


@pytest.mark.slow
@pytest.mark.parametrize("seed", SEEDS)
def test_ranked_portfolios_and_explanations_match_enumeration(seed: int) -> None:
    check(seed)
