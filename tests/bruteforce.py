"""A brute-force oracle for small OSA instances, written apart from osa_opt's model and solver.

It reads only the typed frames (``projects`` indexed by project_id, ``countries`` indexed by
country) and the Policy, recomputes eligibility and values itself, enumerates every subset
of eligible projects and checks every rule of DESIGN §5 on it. Partly fundable projects get
their best fractions from an exact LP (a closed-form interval when one fraction is free,
``scipy.optimize.linprog`` otherwise). Nothing here imports ``osa_opt.model`` or
``osa_opt.solving.solver``.

>>> oracle = BruteForce.from_problem(problem)                # doctest: +SKIP
>>> [s[0].value for s in oracle.ranked(count=3, min_difference=2)]   # doctest: +SKIP

Also here: :func:`violations`, a pandas recomputation of every rule for given fractions, and
:func:`instances`, a hypothesis strategy of random small instances (raw sheet tables).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy.optimize import linprog

from osa_opt.inputs.policy import Policy

#: Slack on every ≤ row, relative to max(1, |bound|): float sums, not solver tolerance.
FEASIBILITY_TOL = 1e-9
#: Values this close (relative) count as a tie: the solver may return any of them.
VALUE_TOL = 1e-6


# ---------------------------------------------------------------------- rules from the frames
def _cell(row: pd.Series, column: str, default: Any) -> Any:
    """A cell of an optional column; its default when the column is absent or blank."""
    value = row.get(column, default)
    return default if value is None or (isinstance(value, float) and value != value) \
        or value == "" else value


def out_of_round(projects: pd.DataFrame, years: Iterable[str]) -> pd.Series:
    """docs/inputs.md: a project with no cost in the policy's years (0 or blank in each
    ``cost_<FY>`` of them) whose cost stands in another year's ``cost_<FY>`` column is out of
    this round, as one marked excluded is. True for those, by row."""
    own = [f"cost_{fy}" for fy in years]

    def amounts(columns: list[str]) -> pd.Series:
        cells = projects[columns].apply(pd.to_numeric, errors="coerce").fillna(0.0)
        return cells.abs().sum(axis=1) if columns else pd.Series(0.0, index=projects.index)

    other = [str(c) for c in projects.columns if str(c).startswith("cost_")
             and str(c) not in own and any(ch.isdigit() for ch in str(c))]
    return (amounts([c for c in own if c in projects.columns]) == 0) & (amounts(other) > 0)


def eligible_ids(projects: pd.DataFrame, countries: pd.DataFrame, policy: Policy,
                 years: Iterable[str] | None = None) -> list[str]:
    """Projects that pass every eligibility rule of the policy, in input order.

    Gates of law (fields, conflict, prior consent, UN Charter, dispute, equipment category)
    always hold; ODA eligibility, the governance minimums and the risk limit are waived by an
    override of the project (or, but for the risk limit, of its country). A project out of
    this round by the year of its cost (:func:`out_of_round`, the policy's years or
    ``years``) is never eligible.
    """
    rules = policy.eligibility
    elsewhere = out_of_round(projects, policy.budget if years is None else years)
    out = []
    for pid, p in projects.iterrows():
        if elsewhere[pid]:
            continue
        c = countries.loc[p["country"]]
        own, theirs = bool(_cell(p, "override", False)), bool(_cell(c, "override", False))
        consent = _cell(p, "prior_consent", None)
        consent = bool(c["management_agreement"]) if consent is None else bool(consent)
        category = str(_cell(p, "equipment_category", ""))
        law = (all(f in rules.fields for f in str(p["field"]).split(";"))
               and p["status"] != "excluded"
               and (not bool(c["party_to_conflict"]) or not rules.exclude_parties_to_conflict)
               and (consent or not rules.require_management_agreement)
               and (bool(_cell(p, "un_charter", True)) or not rules.require_un_charter)
               and (not bool(_cell(p, "dispute_linked", False))
                    or not rules.exclude_dispute_linked)
               and category in ("", "not_defence_equipment", *rules.equipment_categories))
        waivable = ((bool(c["oda_eligible"]) or not rules.require_oda_eligible)
                    and float(c["democracy"]) >= rules.min_democracy
                    and float(c["rule_of_law"]) >= rules.min_rule_of_law
                    and float(c["human_rights"]) >= rules.min_human_rights)
        risk_ok = (float(_cell(p, "risk", 0.0)) <= rules.max_risk
                   or bool(str(_cell(p, "mitigation", "")).strip()))
        if law and (waivable or own or theirs) and (risk_ok or own):
            out.append(str(pid))
    return out


def project_values(projects: pd.DataFrame, countries: pd.DataFrame, policy: Policy) -> pd.Series:
    """v[p] = (Σ_k w_k·score[p,k]) · tier_multiplier[tier] · country_factor[c]
    · (1 − risk_aversion·risk[p]), country_factor = 1 + strength·Σ_j w_j·(a_j − 5)/5 / Σ_j w_j."""
    obj = policy.objective
    weighted = sum(float(w) * projects[f"score_{k}"].astype(float) for k, w in obj.weights.items())
    tier = projects["country"].map(countries["priority_tier"]).astype(int)
    multiplier = tier.map(lambda t: float(obj.tier_multiplier.get(int(t), 1.0)))
    factor = pd.Series(1.0, index=countries.index)
    total = sum(float(w) for w in obj.considerations.values())
    if total > 0:
        for k, w in obj.considerations.items():
            column = countries[k].astype(float) if k in countries.columns else 5.0
            factor = factor + obj.consideration_strength * float(w) / total * (column - 5.0) / 5.0
    factor = projects["country"].map(factor).astype(float)
    return (weighted * multiplier * factor
            * (1.0 - obj.risk_aversion * projects["risk"].astype(float)))


def field_weights(fields: pd.Series, field: str) -> np.ndarray:
    """The part of each project's cost that counts in ``field``: 1/n over its n fields."""
    parts = [str(f).split(";") for f in fields]
    return np.array([(field in ps) / len(ps) for ps in parts], dtype=float)


def country_caps(countries: pd.DataFrame, policy: Policy) -> pd.Series:
    """Cap share per country: min(policy max_country_share, the country's own max_share)."""
    own = countries["max_share"].astype(float)
    return own.where(own.notna(), 1.0).clip(upper=policy.priority.max_country_share)


@dataclass(frozen=True)
class Solution:
    """A feasible subset with its best fractions and value."""

    value: float
    fractions: dict[str, float]

    @property
    def ids(self) -> frozenset[str]:
        return frozenset(self.fractions)


class BruteForce:
    """Every subset of eligible projects, checked against every rule of DESIGN §5."""

    def __init__(self, projects: pd.DataFrame, countries: pd.DataFrame, policy: Policy) -> None:
        self.ids = eligible_ids(projects, countries, policy)
        n = len(self.ids)
        if n > 18:
            raise ValueError(f"{n} eligible projects: too many subsets to enumerate")
        proj = projects.loc[self.ids]
        self.position = {p: i for i, p in enumerate(self.ids)}
        self.subsets = ((np.arange(2 ** n)[:, None] >> np.arange(n)) & 1).astype(bool)
        self.value = project_values(proj, countries, policy).to_numpy(float)
        self.lower = proj["min_funding"].astype(float).to_numpy()
        # whole units: units_min..units_max units, the fraction units ÷ units_max
        self.units = (proj["units_max"].astype(float).fillna(0).to_numpy().astype(int)
                      if "units_max" in proj else np.zeros(n, dtype=int))
        if "units_min" in proj:
            least = proj["units_min"].astype(float).fillna(1).to_numpy()
            self.lower = np.where(self.units > 0, least / np.maximum(self.units, 1), self.lower)
        self.partial = self.lower < 1.0
        self.rows, self.bounds, self.row_names = _linear_rules(proj, countries, policy)
        # min_package: Σ_{p in c} cost·f ≥ min_package for a country that receives something
        country = proj["country"].to_numpy()
        self.partners = np.array([country == c for c in sorted(set(country))],
                                 dtype=bool).reshape(len(set(country)), n)
        total_cost = self.total_cost = sum(proj[f"cost_{fy}"].astype(float).to_numpy()
                                           for fy in policy.budget) + np.zeros(n)
        self.min_package = float(policy.priority.min_package)
        self.package_rows = -total_cost * self.partners

        X = self.subsets
        ok = _combinatorial_ok(X, self.ids, projects, countries, policy)
        slack = FEASIBILITY_TOL * np.maximum(1.0, np.abs(self.bounds))
        # The best fraction of each project alone (v ≥ 0: all of it, else its minimum).
        self.best_f = np.where(self.value >= 0, 1.0, np.where(self.partial, self.lower, 1.0))
        self.upper = X @ (self.value * self.best_f)
        fits_best = (X @ (self.rows * self.best_f).T <= self.bounds + slack).all(axis=1)
        row_min = np.minimum(self.rows * np.where(self.partial, self.lower, 1.0), self.rows)
        fits_min = (X @ row_min.T <= self.bounds + slack).all(axis=1)
        if self.min_package > 0:
            receives = (X.astype(int) @ self.partners.T.astype(int)) > 0
            need = np.where(receives, -self.min_package, np.inf)
            pslack = FEASIBILITY_TOL * max(1.0, self.min_package)
            fits_best &= (X @ (self.package_rows * self.best_f).T <= need + pslack).all(axis=1)
            # the largest package each subset can reach (every fraction at 1) must be enough
            fits_min &= (X @ self.package_rows.T <= need + pslack).all(axis=1)
        # status: 1 feasible with value upper, -1 infeasible, 0 needs an LP
        self.status = np.where(~ok | ~fits_min, -1, np.where(fits_best, 1, 0))
        whole = ~(X[:, self.partial].any(axis=1))
        self.status[whole & (self.status == 0)] = -1  # all-or-nothing: f = x is the only choice
        self._lp: dict[int, tuple[float, np.ndarray] | None] = {}

    @classmethod
    def from_problem(cls, problem: Any) -> BruteForce:
        """Read only ``problem.projects``, ``problem.countries`` and ``problem.policy``."""
        return cls(problem.projects, problem.countries, problem.policy)

    # ------------------------------------------------------------------ one subset
    def _evaluate(self, i: int) -> tuple[float, np.ndarray] | None:
        """Best (value, fractions) of subset i, or None when it is infeasible."""
        if self.status[i] == -1:
            return None
        x = self.subsets[i]
        if self.status[i] == 1:
            return float(self.upper[i]), np.where(x, self.best_f, 0.0)
        if i not in self._lp:
            self._lp[i] = self._solve_lp(x)
        return self._lp[i]

    def _solve_lp(self, x: np.ndarray) -> tuple[float, np.ndarray] | None:
        """max v·f over f_p in [min_funding_p, 1] (p in x, partial) with rows·f ≤ bounds;
        projects funded in whole units take every whole number of units in turn."""
        whole = np.flatnonzero(x & self.partial & (self.units > 0))
        rows, bounds = self.rows, self.bounds
        if self.min_package > 0:
            receives = (self.partners & x).any(axis=1)
            rows = np.vstack([rows, self.package_rows[receives]])
            bounds = np.concatenate([bounds, np.full(int(receives.sum()), -self.min_package)])
        choices = [[k / self.units[i] for k in range(round(self.lower[i] * self.units[i]),
                                                     self.units[i] + 1)] for i in whole]
        best: tuple[float, np.ndarray] | None = None
        for combo in itertools.product(*choices):
            fixed_f = np.where(x & ~self.partial, 1.0, 0.0)
            fixed_f[whole] = combo
            got = self._solve_continuous(x & self.partial & (self.units == 0), fixed_f,
                                         rows, bounds)
            if got is not None and (best is None or got[0] > best[0]):
                best = got
        return best

    def _solve_continuous(self, free: np.ndarray, fixed_f: np.ndarray, rows: np.ndarray,
                          bounds: np.ndarray) -> tuple[float, np.ndarray] | None:
        """max v·f over the free fractions in [min_funding, 1], the others as given."""
        rest = bounds - rows @ fixed_f
        slack = FEASIBILITY_TOL * np.maximum(1.0, np.abs(bounds))
        if not free.any():
            if (rest + slack < 0).any():
                return None
            return float(self.value @ fixed_f), fixed_f
        A, v, lo = rows[:, free], self.value[free], self.lower[free]
        if A.shape[1] == 1:  # one free fraction: an interval, exactly
            low, high = lo[0], 1.0
            for a, r, s in zip(A[:, 0], rest, slack, strict=True):
                if a > 0:
                    high = min(high, r / a)
                elif a < 0:
                    low = max(low, r / a)
                elif r + s < 0:
                    return None
            if low > high + FEASIBILITY_TOL:
                return None
            f_free = np.array([max(high, low) if v[0] >= 0 else low])
        else:
            res = linprog(-v, A_ub=A, b_ub=rest, bounds=[(low, 1.0) for low in lo],
                          method="highs")
            if res.status != 0:
                return None
            f_free = np.clip(res.x, lo, 1.0)
        f = fixed_f.copy()
        f[free] = f_free
        return float(self.value @ f), f

    # ------------------------------------------------------------------ optima
    def best(self, avoid: Iterable[frozenset[str]] = (), min_difference: int = 1) -> list[Solution]:
        """All subsets within VALUE_TOL of the best one whose Hamming distance (on x) to
        each subset of ``avoid`` is ≥ min_difference; best first (ties by sorted ids).
        Empty when no such subset is feasible."""
        X = self.subsets
        mask = self.status != -1
        for ids in avoid:
            unknown = set(ids) - set(self.position)
            if unknown:
                raise ValueError(f"not eligible, cannot be funded: {sorted(unknown)}")
            a = np.zeros(len(self.ids), dtype=bool)
            a[[self.position[p] for p in ids]] = True
            mask &= (X != a).sum(axis=1) >= min_difference
        candidates = np.flatnonzero(mask)
        candidates = candidates[np.argsort(-self.upper[candidates], kind="stable")]
        found: list[tuple[float, int, np.ndarray]] = []
        top = -np.inf
        for i in candidates:
            if self.upper[i] < top - VALUE_TOL * max(1.0, abs(top)):
                break  # no later subset can come close to the best
            evaluated = self._evaluate(int(i))
            if evaluated is None:
                continue
            val, f = evaluated
            top = max(top, val)
            found.append((val, int(i), f))
        near = [(val, f) for val, _, f in found if val >= top - VALUE_TOL * max(1.0, abs(top))]
        solutions = [Solution(val, {p: float(f[k]) for k, p in enumerate(self.ids) if f[k] > 0})
                     for val, f in near]
        return sorted(solutions, key=lambda s: (-s.value, sorted(s.ids)))

    def forced(self, project: str, funded: bool) -> Solution | None:
        """The best subset with ``project`` funded (or not), or None when none is feasible
        (why-in/why-out's question)."""
        X = self.subsets
        mask = (self.status != -1) & (X[:, self.position[project]] == funded)
        best: tuple[float, np.ndarray] | None = None
        for i in np.flatnonzero(mask)[np.argsort(-self.upper[mask], kind="stable")]:
            if best is not None and self.upper[i] < best[0] - VALUE_TOL * max(1.0, abs(best[0])):
                break  # no later subset can beat the best
            evaluated = self._evaluate(int(i))
            if evaluated is not None and (best is None or evaluated[0] > best[0]):
                best = evaluated
        if best is None:
            return None
        return Solution(best[0], {p: float(best[1][k]) for k, p in enumerate(self.ids)
                                  if best[1][k] > 0})

    @property
    def feasible(self) -> bool:
        return bool(self.best())

    def ranked(self, count: int, min_difference: int) -> list[list[Solution]]:
        """Ranked portfolios by the definition: rank k+1 is the best subset at Hamming
        distance ≥ min_difference from ranks 1..k. Each entry lists the tied solutions of
        that rank (the first one is taken as the portfolio)."""
        out: list[list[Solution]] = []
        for _ in range(count):
            near = self.best([s[0].ids for s in out], min_difference)
            if not near:
                break
            out.append(near)
        return out


def _linear_rules(proj: pd.DataFrame, countries: pd.DataFrame,
                  policy: Policy) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Rows·f ≤ bounds over the eligible projects: budgets, tier, cap, field, region shares."""
    total = sum(policy.budget.values())
    cost = {fy: proj[f"cost_{fy}"].astype(float).to_numpy() for fy in policy.budget}
    total_cost = sum(cost.values(), np.zeros(len(proj)))
    tier = proj["country"].map(countries["priority_tier"]).astype(int).to_numpy()
    region = proj["country"].map(countries["region"]).to_numpy()
    country = proj["country"].to_numpy()
    rows: list[np.ndarray] = []
    bounds: list[float] = []
    names: list[str] = []

    def add(name: str, row: np.ndarray, bound: float) -> None:
        rows.append(row)
        bounds.append(bound)
        names.append(name)

    for fy, b in policy.budget.items():
        add(f"budget {fy}", cost[fy], b)
    for t, s in policy.priority.min_tier_share.items():
        add(f"tier {t} min", -total_cost * (tier == t), -s * total)
    for c, cap in country_caps(countries, policy).items():
        add(f"country {c} cap", total_cost * (country == c), cap * total)
    bal = policy.balance
    for label, shares, sign in (("field min", bal.min_field_share, -1.0),
                                ("field max", bal.max_field_share, 1.0)):
        for g, s in shares.items():
            add(f"{label} {g}", sign * total_cost * field_weights(proj["field"], g),
                sign * s * total)
    for label, keys, shares, sign in (
        ("region min", region, bal.min_region_share, -1.0),
        ("region max", region, bal.max_region_share, 1.0),
    ):
        for g, s in shares.items():
            add(f"{label} {g}", sign * total_cost * (keys == g), sign * s * total)
    n = len(proj)
    matrix = np.array(rows, dtype=float).reshape(len(rows), n)
    return matrix, np.array(bounds, dtype=float), names


def _combinatorial_ok(X: np.ndarray, ids: list[str], projects: pd.DataFrame,
                      countries: pd.DataFrame, policy: Policy) -> np.ndarray:
    """Subsets that meet the rules on x alone: mandatory, requires, groups, partners (of a
    tier in fund_every_tier, or named in required_partners), countries."""
    pos = {p: i for i, p in enumerate(ids)}
    ok = np.ones(len(X), dtype=bool)
    proj = projects.loc[ids]
    for p in proj.index[forced_in(proj)]:
        ok &= X[:, pos[p]]
    for p in ids:
        for q in projects.at[p, "requires"]:
            ok &= ~X[:, pos[p]] | (X[:, pos[q]] if q in pos else False)
    for g, members in proj.groupby("exclusive_group").groups.items():
        if g:
            ok &= X[:, [pos[p] for p in members]].sum(axis=1) <= 1
    receives = {c: X[:, [pos[p] for p in members]].any(axis=1)
                for c, members in proj.groupby("country").groups.items()}
    tiers = set(policy.priority.fund_every_tier)
    for c, got in receives.items():
        if int(countries.at[c, "priority_tier"]) in tiers:
            ok &= got
    # docs/policy.md: each partner named must receive at least one funded project
    for c in policy.priority.required_partners:
        ok &= receives.get(str(c), np.zeros(len(X), dtype=bool))
    recipients = sum(receives.values(), np.zeros(len(X), dtype=int))
    if policy.priority.max_countries > 0:
        ok &= recipients <= policy.priority.max_countries
    return ok & (recipients >= policy.priority.min_countries)


def forced_in(projects: pd.DataFrame) -> pd.Series:
    """Projects fixed in: status mandatory, or stage signed (docs/inputs.md: "signed items
    are fixed in like mandatory ones")."""
    signed = (projects["stage"].fillna("").astype(str).str.lower() == "signed"
              if "stage" in projects.columns else False)
    return (projects["status"] == "mandatory") | signed


# ---------------------------------------------------------------------- checking a portfolio
def violations(projects: pd.DataFrame, countries: pd.DataFrame, policy: Policy,
               fractions: dict[str, float], tol: float = 1e-6) -> list[str]:
    """Every rule of DESIGN §5 the given fractions break, recomputed with pandas.

    ``tol`` is relative to max(1, the bound). An empty list means the portfolio is feasible.
    """
    out: list[str] = []
    f = pd.Series(fractions, dtype=float).reindex(projects.index, fill_value=0.0)
    x = f > 0
    funded = set(f.index[x])
    eligible = set(eligible_ids(projects, countries, policy))

    def above(name: str, lhs: float, bound: float) -> None:
        if lhs > bound + tol * max(1.0, abs(bound)):
            out.append(f"{name}: {lhs:.9g} > {bound:.9g}")

    def below(name: str, lhs: float, bound: float) -> None:
        if lhs < bound - tol * max(1.0, abs(bound)):
            out.append(f"{name}: {lhs:.9g} < {bound:.9g}")

    out += [f"{p} funded but not eligible" for p in sorted(funded - eligible)]
    for p in funded:
        least = float(projects.at[p, "min_funding"])
        if "units_max" in projects.columns and projects.at[p, "units_max"] == \
                projects.at[p, "units_max"]:  # whole units: units_min, not min_funding
            most = float(projects.at[p, "units_max"])
            units_min = projects.at[p, "units_min"]
            least = (1.0 if units_min != units_min else float(units_min)) / most
        below(f"{p} fraction", f[p], least)
        above(f"{p} fraction", f[p], 1.0)
    out += [f"{p} mandatory, not funded" for p in projects.index[forced_in(projects)]
            if p not in funded]
    total = float(sum(policy.budget.values()))
    spent = pd.Series(0.0, index=projects.index)
    for fy, b in policy.budget.items():
        year = projects[f"cost_{fy}"].astype(float) * f
        above(f"budget {fy}", float(year.sum()), b)
        spent += year
    frame = pd.DataFrame({
        "spent": spent, "x": x, "country": projects["country"], "field": projects["field"],
        "tier": projects["country"].map(countries["priority_tier"]).astype(int),
        "region": projects["country"].map(countries["region"]),
    })
    by_tier = frame.groupby("tier")["spent"].sum()
    for t, s in policy.priority.min_tier_share.items():
        below(f"tier {t} share", float(by_tier.get(t, 0.0)), s * total)
    by_country = frame.groupby("country")["spent"].sum()
    for c, cap in country_caps(countries, policy).items():
        above(f"country {c} cap", float(by_country.get(c, 0.0)), cap * total)
    bal = policy.balance
    for col, mins, maxs in (("field", bal.min_field_share, bal.max_field_share),
                            ("region", bal.min_region_share, bal.max_region_share)):
        sums = (frame.groupby(col)["spent"].sum() if col == "region" else
                pd.Series({g: float((frame["spent"] * field_weights(frame["field"], g)).sum())
                           for g in {*mins, *maxs}}, dtype=float))
        for g, s in mins.items():
            below(f"{col} {g} min share", float(sums.get(g, 0.0)), s * total)
        for g, s in maxs.items():
            above(f"{col} {g} max share", float(sums.get(g, 0.0)), s * total)
    recipients = set(frame.loc[x, "country"])
    with_eligible = set(projects.loc[sorted(eligible), "country"])
    for c in sorted(with_eligible - recipients):
        if int(countries.at[c, "priority_tier"]) in policy.priority.fund_every_tier:
            out.append(f"tier partner {c} gets nothing")
    out += [f"required partner {c} gets nothing" for c in policy.priority.required_partners
            if str(c) not in recipients]
    below("distinct recipients", len(recipients), policy.priority.min_countries)
    if policy.priority.max_countries > 0:
        above("partners with an agreement", len(recipients), policy.priority.max_countries)
    if policy.priority.min_package > 0:
        for c in sorted(recipients):
            below(f"package {c}", float(by_country.get(c, 0.0)), policy.priority.min_package)
    if "units_max" in projects.columns:
        for p in funded:
            most = projects.at[p, "units_max"]
            if most == most and most is not None:
                units = f[p] * float(most)
                if abs(units - round(units)) > tol:
                    out.append(f"{p}: {units:.9g} units, not a whole number")
    for p in funded:
        out += [f"{p} requires {q}, not funded" for q in projects.at[p, "requires"]
                if q not in funded]
    groups = projects.loc[x, "exclusive_group"]
    out += [f"exclusive group {g}: {n} funded" for g, n in groups[groups != ""].value_counts()
            .items() if n > 1]
    return out


def portfolio_value(projects: pd.DataFrame, countries: pd.DataFrame, policy: Policy,
                    fractions: dict[str, float]) -> float:
    """Σ_p v[p]·fraction[p] with the oracle's own values."""
    v = project_values(projects, countries, policy)
    return float(sum(v[p] * f for p, f in fractions.items()))


# ---------------------------------------------------------------------- random instances
#: Rules an instance may switch on; the budget (and partial funding) is always there.
RULES = ("tier_share", "tier_partner", "country_cap", "field_share", "region_share",
         "distinct_recipients", "requires", "exclusive", "mandatory", "units", "bundles",
         "max_countries", "min_package", "compliance", "required_partner", "other_years",
         "signed", "ties")
#: Rules that draw an input the validation refuses (:func:`refusals` says which).
REFUSED_RULES = ("forced_unfundable",)
USED_FIELDS = ("maritime_surveillance", "disaster_relief", "medical", "peacekeeping")


def instances(rules: Iterable[str] = (), max_projects: int = 12, ineligible: bool = True,
              tighten: float = 0.15) -> Any:
    """A hypothesis strategy of (projects, countries, policy dict): raw sheet tables.

    Hypothesis draws the sizes (2..max_projects projects, half the time near the maximum;
    2–5 countries) and a seed; a numpy generator draws the rest (2–3 regions, 1–3 fiscal
    years, 1–3 criteria) and every number as a random float, so two different subsets
    almost never tie in value. See :func:`random_instance` for the rules.
    """
    from hypothesis import strategies as st

    rules = frozenset(rules)
    if rules - set(RULES) - set(REFUSED_RULES):
        raise ValueError(f"unknown rules {sorted(rules - set(RULES) - set(REFUSED_RULES))}")

    @st.composite
    def draw_instance(draw: Any) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, Any]]:
        n = draw(st.one_of(st.integers(max(2, max_projects - 4), max_projects),
                           st.integers(2, max_projects)))
        n_countries = draw(st.integers(2, 5))
        rng = np.random.default_rng(draw(st.integers(0, 2 ** 32 - 1)))
        return random_instance(rng, n, n_countries, rules=rules, ineligible=ineligible,
                               tighten=tighten)

    return draw_instance()


def random_instance(rng: np.random.Generator, n: int, n_countries: int,
                    n_regions: int | None = None, n_years: int | None = None,
                    n_criteria: int | None = None, rules: Iterable[str] = (),
                    ineligible: bool = True, tighten: float = 0.15,
                    ) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, Any]]:
    """One random instance: n projects, n_countries countries, the given rules switched on.

    The numbers of regions (2–3), fiscal years (1–3) and criteria (1–3) are drawn when not
    given.

    The share, cap, partner and country-count rules are drawn around a random *witness*
    portfolio that fits the budget, so they bind yet usually leave a feasible portfolio;
    each one is drawn tighter than the witness with probability ``tighten`` (then the
    instance may be infeasible). With ``ineligible`` some countries fail an eligibility
    rule and some projects are excluded or in a field the policy leaves out.
    """
    rules = frozenset(rules)
    names = [f"C{i + 1}" for i in range(n_countries)]
    n_regions = n_regions or int(rng.integers(2, min(3, n_countries) + 1))
    regions = [f"R{i + 1}" for i in range(min(n_regions, n_countries))]
    flags = {"oda_eligible": True, "party_to_conflict": False, "management_agreement": True}
    countries = pd.DataFrame({
        "country": names, "region": regions + list(rng.choice(regions, n_countries - len(regions))),
        "priority_tier": rng.integers(1, 4, n_countries),
        **{k: [v] * n_countries for k, v in flags.items()},
        "democracy": 6.0, "rule_of_law": 6.0, "human_rights": 6.0, "max_share": None,
    })
    if ineligible:  # about one country in seven fails one rule
        for i in np.flatnonzero(rng.random(n_countries) < 0.14):
            column, good = [*flags.items(), ("democracy", 6.0)][rng.integers(0, 4)]
            countries.loc[i, column] = (not good) if column in flags else 2.0
    years = [f"FY{i + 1}" for i in range(n_years or rng.integers(1, 4))]
    criteria = ["a", "b", "c"][:n_criteria or rng.integers(1, 4)]
    ids = [f"P{i + 1:02d}" for i in range(n)]
    projects = pd.DataFrame({
        "project_id": ids, "title": "t", "country": rng.choice(names, n),
        "field": rng.choice(USED_FIELDS, n), "assistance_type": "equipment",
        **{f"cost_{fy}": (rng.uniform(1, 10, n) if k == 0 else
                          np.where(rng.random(n) < 0.5, 0.0, rng.uniform(0.5, 6, n)))
           for k, fy in enumerate(years)},
        **{f"score_{c}": rng.uniform(0, 10, n) for c in criteria},
        "risk": np.where(rng.random(n) < 0.5, 0.0, rng.uniform(0, 0.6, n)),
        "min_funding": np.where(rng.random(n) < 0.3, rng.uniform(0.2, 0.9, n), 1.0),
        "status": np.where(ineligible & (rng.random(n) < 0.08), "excluded", "candidate"),
        "exclusive_group": "", "requires": "",
    })
    if "requires" in rules:  # only on earlier projects: acyclic
        for i in range(1, n):
            if rng.random() < 0.35:
                need = rng.choice(ids[:i], min(i, rng.integers(1, 3)), replace=False)
                projects.loc[i, "requires"] = ";".join(sorted(need))
    if "bundles" in rules and n >= 2:  # a ring of 2-3 projects requiring each other
        ring = [int(i) for i in rng.choice(n, min(n, int(rng.integers(2, 4))), replace=False)]
        for a, b in zip(ring, ring[1:] + ring[:1], strict=True):
            needs = [q for q in projects.at[a, "requires"].split(";") if q]
            projects.loc[a, "requires"] = ";".join(sorted({*needs, ids[b]}))
    if "units" in rules:  # about a third in whole units: 2-5 of them, at least 1-all
        most = rng.integers(2, 6, n)
        whole = rng.random(n) < 0.35
        projects["units_max"] = np.where(whole, most, np.nan)
        projects["units_min"] = np.where(whole & (rng.random(n) < 0.6),
                                         [int(rng.integers(1, m + 1)) for m in most], np.nan)
        projects["unit"] = np.where(whole, "boat", "")
    if "exclusive" in rules:
        members = rng.permutation(n)
        for g in range(min(rng.integers(1, 3), n // 2)):
            projects.loc[members[g * 3:g * 3 + rng.integers(2, 4)], "exclusive_group"] = f"G{g + 1}"
    if "ties" in rules:
        projects = _add_twins(rng, projects)
    if "other_years" in rules:
        _move_costs_elsewhere(rng, projects, years)
    fields = list(Policy().eligibility.fields)
    if ineligible and rng.random() < 0.4:
        fields.remove("peacekeeping")
    policy: dict[str, Any] = {
        "name": "random",
        "eligibility": {"fields": fields, "min_democracy": 4.0},
        "objective": {"weights": {c: float(rng.uniform(0.1, 1)) for c in criteria},
                      "tier_multiplier": {1: float(rng.uniform(1, 1.5)),
                                          2: float(rng.uniform(1, 1.3)), 3: 1.0},
                      "risk_aversion": float(rng.uniform(0.5, 1))},
        "budget": {fy: float(rng.uniform(0.3, 0.75) * projects[f"cost_{fy}"].sum())
                   or float(rng.uniform(1, 5)) for fy in years},
    }
    if "ties" in rules and rng.random() < 0.5:  # whole scores, weights and multipliers of 1
        for c in criteria:
            projects[f"score_{c}"] = rng.integers(0, 4, len(projects)).astype(float)
        projects["risk"] = 0.0
        policy["objective"] |= {"weights": dict.fromkeys(criteria, 1.0), "risk_aversion": 0.0,
                                "tier_multiplier": {1: 1.0, 2: 1.0, 3: 1.0}}
    if "compliance" in rules:
        _add_compliance(rng, projects, countries, policy)
    eligible = projects["project_id"].isin(eligible_ids(
        projects.set_index("project_id", drop=False), countries.set_index("country", drop=False),
        Policy.from_dict({**policy, "budget": {}}), years=years)).to_numpy()
    if "mandatory" in rules:
        _make_one_mandatory(rng, projects, eligible)
    if "signed" in rules:
        _add_stages(rng, projects, eligible)
    if "forced_unfundable" in rules:
        _force_an_unfundable_chain(rng, projects, eligible)
    witness = _witness(rng, projects, eligible, policy["budget"])
    _add_share_rules(rng, projects, countries, policy, rules, witness, eligible, tighten)
    if "required_partner" in rules:
        _add_required_partners(rng, projects, policy, witness, eligible, tighten)
    return projects, countries, policy


def _add_required_partners(rng: np.random.Generator, projects: pd.DataFrame,
                           policy: dict[str, Any], witness: np.ndarray, eligible: np.ndarray,
                           tighten: float) -> None:
    """One or two partners in priority.required_partners, each with an eligible project
    (one without is refused as input): mostly partners the witness funds, now and then
    (``tighten``, or when the witness funds none) any such partner, which may leave no
    portfolio that meets the rules."""
    funded = sorted(set(projects.loc[witness, "country"]))
    possible = sorted(set(projects.loc[eligible, "country"]))
    pool = funded if funded and rng.random() > max(tighten, 0.3) else possible
    if not pool:
        return
    chosen = rng.choice(pool, min(len(pool), 1 + int(rng.random() < 0.3)), replace=False)
    policy.setdefault("priority", {})["required_partners"] = sorted(str(c) for c in chosen)


def _add_compliance(rng: np.random.Generator, projects: pd.DataFrame, countries: pd.DataFrame,
                    policy: dict[str, Any]) -> None:
    """Several fields per project, the project-level gates, the risk limit with mitigations,
    overrides of countries and projects, and weighed country considerations."""
    n, k = len(projects), len(countries)
    second = rng.choice(USED_FIELDS, n)
    projects["field"] = [f"{a};{b}" if a != b and rng.random() < 0.4 else a
                         for a, b in zip(projects["field"], second, strict=True)]
    projects["dispute_linked"] = rng.random(n) < 0.08
    projects["prior_consent"] = [None if u < 0.8 else bool(u < 0.9) for u in rng.random(n)]
    projects["un_charter"] = rng.random(n) > 0.05
    projects["equipment_category"] = rng.choice(
        ["", "surveillance", "not_defence_equipment", "minesweeping"], n)
    projects["mitigation"] = np.where(rng.random(n) < 0.5, "end-use monitoring", "")
    projects["override"] = rng.random(n) < 0.1
    projects["override_reason"] = np.where(projects["override"], "agreed at a summit", "")
    countries["oda_eligible"] = countries["oda_eligible"] & (rng.random(k) > 0.2)
    countries["override"] = rng.random(k) < 0.3
    countries["override_reason"] = np.where(countries["override"], "continuing cooperation", "")
    for column in ("democracy", "economic_social", "bilateral_relations"):
        countries[column] = rng.uniform(0, 10, k).round(1)
    eligibility = policy["eligibility"]
    eligibility["max_risk"] = 0.3
    if rng.random() < 0.5:
        eligibility["equipment_categories"] = ["rescue", "surveillance"]
    policy["objective"]["considerations"] = {
        "democracy": float(rng.uniform(0, 1)), "economic_social": float(rng.uniform(0, 1)),
        "bilateral_relations": float(rng.uniform(0, 1))}
    policy["objective"]["consideration_strength"] = float(rng.uniform(0, 0.9))


def _requirements(projects: pd.DataFrame, i: int) -> list[int]:
    """Row numbers of every project row i requires, directly or not (ascending; a bundle's
    ring may bring i itself)."""
    pos = {p: k for k, p in enumerate(projects["project_id"])}
    seen: set[int] = set()
    todo = [i]
    while todo:
        for q in filter(None, projects.at[todo.pop(), "requires"].split(";")):
            if pos[q] not in seen:
                seen.add(pos[q])
                todo.append(pos[q])
    return sorted(seen)


def _add_twins(rng: np.random.Generator, projects: pd.DataFrame) -> pd.DataFrame:
    """One or two projects copied under a new id (the same country, costs, scores, group
    and requirements): sets that swap a twin for its original are worth exactly the same."""
    n = len(projects)
    copies = projects.iloc[sorted(rng.choice(n, min(n, 1 + int(rng.random() < 0.4)),
                                             replace=False))].copy()
    copies["project_id"] = [f"P{n + k + 1:02d}" for k in range(len(copies))]
    copies["status"] = "candidate"
    return pd.concat([projects, copies], ignore_index=True)


def _move_costs_elsewhere(rng: np.random.Generator, projects: pd.DataFrame,
                          years: list[str]) -> None:
    """A year the policy has no budget for (later or earlier than its years): about a
    quarter of the projects have their whole cost there and none in the policy's years (out
    of this round), a few a cost there beside their own (in the round, that cost counted
    nowhere)."""
    column = f"cost_FY{9 if rng.random() < 0.7 else 0}"
    own = [f"cost_{fy}" for fy in years]
    projects[column] = 0.0
    for i in range(len(projects)):
        u = rng.random()
        if u < 0.25:
            projects.loc[i, column] = float(projects.loc[i, own].sum())
            projects.loc[i, own] = 0.0
        elif u < 0.4:
            projects.loc[i, column] = float(rng.uniform(0.5, 6))


def _fundable_forced(projects: pd.DataFrame, eligible: np.ndarray, i: int) -> bool:
    """Whether row i may be fixed in without the input being refused: it and everything it
    requires eligible, and no other project fixed in shares its exclusive group."""
    group = projects.at[i, "exclusive_group"]
    others = forced_in(projects).to_numpy() & (np.arange(len(projects)) != i)
    return bool(eligible[i] and all(eligible[q] for q in _requirements(projects, i))
                and not (group and (others & (projects["exclusive_group"] == group)).any()))


def _add_stages(rng: np.random.Generator, projects: pd.DataFrame, eligible: np.ndarray) -> None:
    """A ``stage`` column (blank, request, survey, agreed) and, now and then, one project
    signed (fixed in like a mandatory one) that the input rules accept."""
    projects["stage"] = rng.choice(["", "request", "survey", "agreed"], len(projects))
    choices = [i for i in np.flatnonzero(eligible) if projects.at[i, "status"] == "candidate"
               and _fundable_forced(projects, eligible, i)]
    if choices and rng.random() < 0.6:
        projects.loc[rng.choice(choices), "stage"] = "signed"


def _force_an_unfundable_chain(rng: np.random.Generator, projects: pd.DataFrame,
                               eligible: np.ndarray) -> None:
    """A project fixed in (mandatory, or signed) that requires, directly or through one
    other project, a project that can never be funded (excluded, ineligible or out of the
    round by the year of its cost): docs/inputs.md refuses the input."""
    blocked = np.flatnonzero(~eligible)
    free = [i for i in np.flatnonzero(eligible) if not forced_in(projects).iloc[i]]
    if not len(blocked) or not free:
        return
    ids = projects["project_id"]
    start, end = int(rng.choice(free)), int(rng.choice(blocked))
    chain = [start, *([int(rng.choice(free))] if len(free) > 1 and rng.random() < 0.5
                      else []), end]
    for a, b in zip(chain, chain[1:], strict=False):
        if a != b:
            needs = {q for q in projects.at[a, "requires"].split(";") if q}
            projects.loc[a, "requires"] = ";".join(sorted({*needs, ids[b]}))
    if rng.random() < 0.5 or "stage" not in projects:
        projects.loc[start, "status"] = "mandatory"
    else:
        projects.loc[start, "stage"] = "signed"


def refusals(projects: pd.DataFrame, countries: pd.DataFrame,
             policy: dict[str, Any]) -> list[str]:
    """What docs/inputs.md refuses among what :func:`random_instance` draws (raw tables):
    a project fixed in (status mandatory, stage signed) that is not eligible or requires,
    directly or through others, one that can never be funded (excluded, ineligible, out of
    the round by the year of its cost); two projects fixed in sharing an exclusive group; a
    required partner none of whose projects is eligible and not excluded."""
    table = projects.set_index("project_id", drop=False)
    pol = Policy.from_dict(policy)
    fundable = set(eligible_ids(table, countries.set_index("country", drop=False), pol))
    forced = forced_in(table)
    out = []
    for i, p in enumerate(table.index):
        if forced.iloc[i]:
            bad = [str(table.index[q]) for q in [i, *_requirements(projects, i)]
                   if table.index[q] not in fundable]
            out += [f"{p} fixed in, cannot fund {', '.join(bad)}"] if bad else []
    groups = table.loc[forced & (table["exclusive_group"] != ""), "exclusive_group"]
    out += [f"group {g}: {k} fixed in" for g, k in groups.value_counts().items() if k > 1]
    countries_of = set(table.loc[sorted(fundable), "country"])
    out += [f"required partner {c} has no eligible project"
            for c in pol.priority.required_partners if c not in countries_of]
    return out


def _make_one_mandatory(rng: np.random.Generator, projects: pd.DataFrame,
                        eligible: np.ndarray) -> None:
    """Mark one eligible candidate mandatory that requires nothing that cannot be funded,
    excluded or ineligible (else the input is refused)."""
    choices = [i for i in np.flatnonzero(eligible)
               if all(eligible[q] for q in _requirements(projects, i))]
    if choices:
        projects.loc[rng.choice(choices), "status"] = "mandatory"


def _witness(rng: np.random.Generator, projects: pd.DataFrame, eligible: np.ndarray,
             budget: dict[str, float]) -> np.ndarray:
    """A random portfolio of whole eligible projects that meets the budget, requirements,
    exclusive groups and the mandatory project (when it can)."""
    cost = projects[[f"cost_{fy}" for fy in budget]].to_numpy(float)
    left = np.array(list(budget.values()))
    chosen = np.zeros(len(projects), dtype=bool)
    first = [k for i in np.flatnonzero(forced_in(projects))
             for k in [*_requirements(projects, i), i]]
    for i in [*first, *rng.permutation(len(projects))]:
        group = projects.at[i, "exclusive_group"]
        if (chosen[i] or not eligible[i] or (cost[i] > left).any()
                or (group and chosen[projects["exclusive_group"] == group].any())
                or not all(chosen[q] for q in _requirements(projects, i))):
            continue
        chosen[i] = True
        left -= cost[i]
    return chosen


def _add_share_rules(rng: np.random.Generator, projects: pd.DataFrame, countries: pd.DataFrame,
                     policy: dict[str, Any], rules: frozenset[str], witness: np.ndarray,
                     eligible: np.ndarray, tighten: float) -> None:
    """Tier, partner, cap, field, region and country-count rules around the witness."""
    total = sum(policy["budget"].values())
    spent = projects.filter(like="cost_").sum(axis=1) * witness
    info = countries.set_index("country")
    tier = projects["country"].map(info["priority_tier"])
    region = projects["country"].map(info["region"])

    def minimum(share: float) -> float:  # at most the witness's share, now and then above
        low, high = (1.2, 3.0) if rng.random() < tighten else (0.3, 1.0)
        return float(min(1.0, share * rng.uniform(low, high))) if share else \
            float(rng.uniform(0.05, 0.2))

    def maximum(share: float) -> float:  # at least the witness's share, now and then below
        low, high = (0.3, 0.95) if rng.random() < tighten else (1.0, 1.5)
        return float(np.clip(share * rng.uniform(low, high), 0.01, 1.0)) if share else \
            float(rng.uniform(0.05, 0.3))

    def pick(funded: pd.Series, every: pd.Series) -> Any:  # mostly a group the witness funds
        pool = sorted(set(funded[witness])) if witness.any() and rng.random() > tighten \
            else sorted(set(every))
        value = rng.choice(pool)
        return value.item() if hasattr(value, "item") else value

    priority: dict[str, Any] = {}
    balance: dict[str, Any] = {}
    if "tier_share" in rules:
        tiers = {pick(tier, tier) for _ in range(1 + (rng.random() < 0.3))}
        priority["min_tier_share"] = {int(t): minimum(spent[tier == t].sum() / total)
                                      for t in tiers}
    if "tier_partner" in rules:
        served = set(projects.loc[witness, "country"])
        partners = set(projects.loc[eligible, "country"])
        covered = [t for t in (1, 2, 3) if not (set(info.index[info["priority_tier"] == t])
                                                & partners) - served]
        pool = covered if covered and rng.random() > tighten else [1, 2, 3]
        priority["fund_every_tier"] = sorted(int(t) for t in rng.choice(pool, 1 + (len(pool) > 1
                                             and rng.random() < 0.4), replace=False))
    if "country_cap" in rules:
        by_country = spent.groupby(projects["country"]).sum().reindex(info.index, fill_value=0)
        priority["max_country_share"] = maximum(by_country.max() / total)
        for c in info.index[rng.random(len(info)) < 0.4]:
            countries.loc[countries["country"] == c, "max_share"] = maximum(by_country[c] / total)
    if "max_countries" in rules:
        served = projects.loc[witness, "country"].nunique()
        priority["max_countries"] = int(max(1, served - 1) if rng.random() < tighten
                                        else rng.integers(max(1, served), served + 2))
    if "min_package" in rules:
        packages = spent[witness].groupby(projects.loc[witness, "country"]).sum()
        smallest = float(packages.min()) if len(packages) else float(rng.uniform(1, 5))
        low, high = (1.1, 2.0) if rng.random() < tighten else (0.3, 1.0)
        priority["min_package"] = float(smallest * rng.uniform(low, high))
    if "distinct_recipients" in rules:
        served = projects.loc[witness, "country"].nunique()
        priority["min_countries"] = int(served + 1 if rng.random() < tighten
                                        else rng.integers(min(1, served), served + 1))
    first_field = projects["field"].str.split(";").str[0]  # a field share names one field
    for rule, keys, every in (("field_share", first_field, pd.Series(USED_FIELDS)),
                              ("region_share", region, countries["region"])):
        if rule in rules:
            kind = rule.split("_")[0]
            g_min, g_max = pick(keys, every), pick(keys, every)
            balance[f"min_{kind}_share"] = {g_min: minimum(spent[keys == g_min].sum() / total)}
            balance[f"max_{kind}_share"] = {g_max: maximum(spent[keys == g_max].sum() / total)}
    if priority:
        policy["priority"] = priority
    if balance:
        policy["balance"] = balance
