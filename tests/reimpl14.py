"""The analyses of osa-opt re-implemented from their documentation alone.

Written from ``docs/frontier.md``, ``docs/explain.md`` (section 2, the price of each rule),
``docs/robustness.md``, ``docs/model.md``, ``docs/policy.md``, ``docs/packages.md`` and
``/work/shared/DESIGN.md`` without reading ``osa_opt``'s code (nor the other oracles); it
imports nothing from ``osa_opt``. ``tests/test_reimpl14.py`` compares it with osa-opt.

A round is plain data, as a user types it (``Round``: the rows of the two sheets and the
policy as nested TOML tables); ``write_round`` writes it as CSV files and a policy file.
What the documents promise, recomputed here:

- :class:`Model` — the eligible projects, their documented value and every rule of the
  model as rows over funded fractions (``budget[FY]``, ``tier_share[t]``,
  ``country_cap[c]``, the field and region shares, ``package_min``) or over funded sets
  (``min_countries``, ``max_countries``, ``tier_partner[c]``, ``mandatory``, ``requires``,
  exclusive groups), with every fiscal year's budget scaled by a share (the frontier:
  the rules stated as a share of the total budget scale with it; ``min_package`` and the
  counts do not) and any rule switched off or made 10% looser (the rule prices' table);
  :meth:`Model.values` gives the best value of **every** funded set (all subsets
  enumerated; at most one partly fundable project, or one of whole units, whose best
  fraction is the closed-form interval every row leaves it, in whole units for the latter);
- :func:`funding_order` — the nested chain over the sweep's feasible levels with the fewest
  restarts and then the largest summed value (the level at 100% held to portfolio 1),
  by dynamic programming over subsets;
- :func:`relaxed_bound` — a rule's 10% looser bound as docs/explain.md's table says.
"""

from __future__ import annotations

import csv
import itertools
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

CONSIDERATIONS = ("democracy", "rule_of_law", "human_rights")
#: Slack of a row in the enumeration, relative to max(1, |bound|).
TOL = 1e-9


@dataclass
class Round:
    projects: list[dict[str, Any]]
    countries: list[dict[str, Any]]
    policy: dict[str, Any]


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value + '"'
    if isinstance(value, dict):
        return "{ " + ", ".join(f'"{k}" = {_toml(v)}' for k, v in value.items()) + " }"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return repr(value)


def policy_toml(policy: dict[str, Any]) -> str:
    lines = [f"name = {_toml(policy.get('name', 'reimpl14'))}"]
    for section, keys in policy.items():
        if section == "name":
            continue
        lines.append(f"[{section}]")
        lines += [f'"{k}" = {_toml(v)}' for k, v in keys.items()]
    return "\n".join(lines) + "\n"


def write_round(rnd: Round, folder: Path, policy: dict[str, Any] | None = None
                ) -> tuple[Path, Path]:
    """The round as ``projects.csv`` and ``countries.csv`` in ``folder/input`` and the policy
    as ``folder/policy.toml``."""
    data = folder / "input"
    data.mkdir(parents=True, exist_ok=True)
    for name, rows in (("projects", rnd.projects), ("countries", rnd.countries)):
        keys = list(dict.fromkeys(k for r in rows for k in r))
        with open(data / f"{name}.csv", "w", newline="", encoding="utf-8") as fh:
            w = csv.DictWriter(fh, keys)
            w.writeheader()
            w.writerows(rows)
    pol = folder / "policy.toml"
    pol.write_text(policy_toml(policy or rnd.policy), encoding="utf-8")
    return data, pol


# ------------------------------------------------------------------------------ the model
def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and v.strip() == "") or (
        isinstance(v, float) and math.isnan(v))


@dataclass
class Row:
    """A linear rule over funded fractions: ``coef·f ≤ bound`` (max) or ``≥ bound`` (min)."""
    name: str
    family: str
    sense: str
    coef: np.ndarray
    bound: float
    country: str | None = None     # package_min rows hold only when the country is funded


@dataclass
class Model:
    """One round under its policy, its budgets scaled by ``scale``, rules in ``change``
    (row name -> "off" or "looser") switched off or made 10% looser."""
    rnd: Round
    scale: float = 1.0
    change: dict[str, str] = field(default_factory=dict)
    policy: dict[str, Any] | None = None

    def __post_init__(self) -> None:
        pol = self.policy = self.policy or self.rnd.policy
        self.years = list(pol["budget"])
        self.countries = {c["country"]: c for c in self.rnd.countries}
        el = pol.get("eligibility", {})
        fields = set(el.get("fields", []) or []) or None
        self.eligible: list[str] = []
        self.reasons: dict[str, list[str]] = {}
        for p in self.rnd.projects:
            c = self.countries[p["country"]]
            why = []
            if fields is not None and not set(p["field"].split(";")) <= fields:
                why.append("field")
            if el.get("require_oda_eligible", True) and not c["oda_eligible"]:
                why.append("oda")
            if el.get("exclude_parties_to_conflict", True) and c["party_to_conflict"]:
                why.append("conflict")
            if el.get("require_management_agreement", True) and not c["management_agreement"]:
                why.append("agreement")
            if p.get("status") == "excluded":
                why.append("excluded")
            if why:
                self.reasons[p["project_id"]] = why
            else:
                self.eligible.append(p["project_id"])
        self.eligible.sort()                      # the model's columns in id order
        self.P = {p["project_id"]: p for p in self.rnd.projects}
        E = self.eligible
        self.n = len(E)
        self.cost = {y: np.array([float(self.P[p].get(f"cost_{y}") or 0) for p in E])
                     for y in self.years}
        self.total = sum(self.cost.values()) if self.years else np.zeros(self.n)
        self.value = np.array([self.project_value(self.P[p]) for p in E])
        # whole units (docs/packages.md): between units_min (default 1) and units_max
        # units, its costs those of units_max units; min_funding does not apply to it
        self.units = {i: int(self.P[p]["units_max"]) for i, p in enumerate(E)
                      if not _blank(self.P[p].get("units_max"))}
        self.lo = np.array([
            (1.0 if _blank(self.P[p].get("units_min")) else float(self.P[p]["units_min"]))
            / self.units[i] if i in self.units else
            1.0 if _blank(self.P[p].get("min_funding")) else float(self.P[p]["min_funding"])
            for i, p in enumerate(E)])
        partial = [i for i in range(self.n) if self.lo[i] < 1 or i in self.units]
        assert len(partial) <= 1, "the oracle takes at most one partly fundable project"
        self.q = partial[0] if partial else None
        self.country_of = [self.P[p]["country"] for p in E]
        self.rows = self._rows()

    # -- value (docs/model.md "Objective")
    def weights(self) -> dict[str, float]:
        return dict(self.policy["objective"]["weights"])

    def project_value(self, p: dict[str, Any], weights: dict[str, float] | None = None
                      ) -> float:
        ob = self.policy.get("objective", {})
        w = weights or ob["weights"]
        c = self.countries[p["country"]]
        base = sum(float(wk) * float(p[f"score_{k}"]) for k, wk in w.items())
        tm = {int(k): float(v) for k, v in ob.get("tier_multiplier", {}).items()}
        mult = tm.get(int(c["priority_tier"]), 1.0) if "tier_multiplier" in ob else 1.0
        g = ob.get("considerations", {})
        strength = float(ob.get("consideration_strength", 0.0))
        gsum = sum(g.values())
        factor = 1.0 if not gsum else 1 + strength * sum(
            gj * (float(c[j]) - 5) / 5 for j, gj in g.items()) / gsum
        risk = 0.0 if _blank(p.get("risk")) else float(p["risk"])
        return base * mult * factor * (1 - float(ob.get("risk_aversion", 1.0)) * risk)

    # -- rules (docs/model.md "Constraint families", docs/packages.md)
    def total_budget(self) -> float:
        return sum(float(b) for b in self.policy["budget"].values()) * self.scale

    def _factor(self, name: str, sense: str) -> float | None:
        """The bound's factor for this row's change, or None when it is switched off."""
        how = self.change.get(name)
        if how == "off":
            return None
        if how == "looser":
            return 1.1 if sense == "max" else 0.9
        return 1.0

    def _add(self, rows: list[Row], name: str, family: str, sense: str, coef: np.ndarray,
             bound: float, country: str | None = None) -> None:
        f = self._factor(name, sense)
        if f is not None:
            rows.append(Row(name, family, sense, coef, bound * f, country))

    def _rows(self) -> list[Row]:
        pol, rows = self.policy, []
        pr, bal = pol.get("priority", {}), pol.get("balance", {})
        SB = self.total_budget()
        for y in self.years:
            self._add(rows, f"budget[{y}]", "budget", "max", self.cost[y],
                      float(pol["budget"][y]) * self.scale)
        tier = np.array([int(self.countries[c]["priority_tier"]) for c in self.country_of])
        for t, share in pr.get("min_tier_share", {}).items():
            if float(share) > 0:
                self._add(rows, f"tier_share[{int(t)}]", "tier_share", "min",
                          self.total * (tier == int(t)), float(share) * SB)
        cap_all = float(pr.get("max_country_share", 1.0))
        for c, row in self.countries.items():
            own = np.array([cc == c for cc in self.country_of], dtype=float)
            cap = min(cap_all, 1.0 if _blank(row.get("max_share")) else float(row["max_share"]))
            # no cap at a share of 1 (docs/policy.md); only countries that could exceed it
            if cap < 1 and (own * self.total).sum() > cap * SB:
                self._add(rows, f"country_cap[{c}]", "country_cap", "max", own * self.total,
                          cap * SB)
        nf = {p: self.P[p]["field"].split(";") for p in self.eligible}
        for kind, sense in (("min", "min"), ("max", "max")):
            for g, share in bal.get(f"{kind}_field_share", {}).items():
                coef = np.array([self.total[i] / len(nf[p]) if g in nf[p] else 0.0
                                 for i, p in enumerate(self.eligible)])
                self._add(rows, f"field_{kind}_share[{g}]", f"field_{kind}_share", sense,
                          coef, float(share) * SB)
            for r, share in bal.get(f"{kind}_region_share", {}).items():
                coef = np.array([self.total[i] if self.countries[c]["region"] == r else 0.0
                                 for i, c in enumerate(self.country_of)])
                self._add(rows, f"region_{kind}_share[{r}]", f"region_{kind}_share", sense,
                          coef, float(share) * SB)
        m = float(pr.get("min_package", 0.0))
        if m > 0:
            f = self._factor("package_min", "min")
            if f is not None:
                for c in self.countries:
                    own = np.array([cc == c for cc in self.country_of], dtype=float)
                    if own.any():
                        rows.append(Row(f"package_min[{c}]", "package_min", "min",
                                        own * self.total, m * f, c))
        return rows

    # -- every funded set
    def subsets(self) -> np.ndarray:
        n = self.n
        return ((np.arange(2 ** n)[:, None] >> np.arange(n)) & 1).astype(bool)

    def structure_ok(self, X: np.ndarray) -> np.ndarray:
        """Dependencies, exclusive groups, mandatory projects and the partner counts."""
        E, ok = self.eligible, np.ones(len(X), dtype=bool)
        idx = {p: i for i, p in enumerate(E)}
        for i, p in enumerate(E):
            for r in filter(None, (self.P[p].get("requires") or "").split(";")):
                ok &= ~X[:, i] | (X[:, idx[r]] if r in idx else False)
        groups: dict[str, list[int]] = {}
        for i, p in enumerate(E):
            g = self.P[p].get("exclusive_group") or ""
            if g:
                groups.setdefault(g, []).append(i)
        for members in groups.values():
            ok &= X[:, members].sum(axis=1) <= 1
        if self.change.get("mandatory") != "off":
            for i, p in enumerate(E):
                if self.P[p].get("status") == "mandatory":
                    ok &= X[:, i]
        pr = self.policy.get("priority", {})
        names = sorted(set(self.country_of))
        per = np.stack([X[:, [j for j, c in enumerate(self.country_of) if c == cc]].sum(axis=1)
                        for cc in names], axis=1) if names else np.zeros((len(X), 0))
        served = (per > 0).sum(axis=1)
        k = int(pr.get("min_countries", 0))
        if k > 0 and self.change.get("min_countries") != "off":
            k = k - max(1, k // 10) if self.change.get("min_countries") == "looser" else k
            ok &= served >= k
        k = int(pr.get("max_countries", 0))
        if k > 0 and self.change.get("max_countries") != "off":
            k = k + max(1, k // 10) if self.change.get("max_countries") == "looser" else k
            ok &= served <= k
        if self.change.get("tier_partner") != "off":
            for j, c in enumerate(names):
                if int(self.countries[c]["priority_tier"]) in pr.get("fund_every_tier", []) \
                        and self.change.get(f"tier_partner[{c}]") != "off":
                    ok &= per[:, j] >= 1
        return ok

    def tier_partners(self) -> list[str]:
        pr = self.policy.get("priority", {})
        return sorted(c for c in set(self.country_of)
                      if int(self.countries[c]["priority_tier"]) in pr.get("fund_every_tier", []))

    def values(self, X: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """The best value of every funded set of ``X`` (-inf where none meets the rules) and
        the partly fundable project's fraction there."""
        X = self.subsets() if X is None else X
        m = len(X)
        ok = self.structure_ok(X)
        fq = np.ones(m)
        lo, hi = np.ones(m), np.ones(m)
        q = self.q
        Xw = X.astype(float)
        if q is not None:
            Xw[:, q] = 0.0
            lo = np.where(X[:, q], self.lo[q], 0.0)
            hi = np.where(X[:, q], 1.0, 0.0)
        funded_c = {c: X[:, [j for j, cc in enumerate(self.country_of) if cc == c]].any(axis=1)
                    for c in set(self.country_of)}
        for row in self.rows:
            act = Xw @ row.coef
            slack = TOL * max(1.0, abs(row.bound))
            # normalise to a·f ≤ b
            a = row.coef[q] if q is not None else 0.0
            b = row.bound - act if row.sense == "max" else act - row.bound
            a = a if row.sense == "max" else -a
            active = funded_c[row.country] if row.country else np.ones(m, dtype=bool)
            if q is None or a == 0:
                ok &= ~active | (b >= -slack)
                continue
            inq = X[:, q]
            # rows without q funded: a·0 ≤ b
            ok &= ~active | inq | (b >= -slack)
            lim = (b + slack) / a
            if a > 0:
                hi = np.where(active & inq, np.minimum(hi, lim), hi)
            else:
                lo = np.where(active & inq, np.maximum(lo, lim), lo)
        if q is not None and q in self.units:       # a whole number of units
            U = self.units[q]
            lo = np.ceil(lo * U - 1e-9) / U
            hi = np.floor(hi * U + 1e-9) / U
        if q is not None:
            inq = X[:, q]
            ok &= ~inq | (lo <= hi + 1e-12)
            fq = np.where(inq, np.clip(hi if self.value[q] >= 0 else lo, lo, hi), 0.0)
        val = Xw @ self.value + (fq * self.value[q] if q is not None else 0.0)
        return np.where(ok, val, -np.inf), fq

    def best(self) -> tuple[float, frozenset[str], dict[str, float]] | None:
        X = self.subsets()
        v, fq = self.values(X)
        i = int(np.argmax(v))
        if not np.isfinite(v[i]):
            return None
        return float(v[i]), self.ids(X[i]), self.fractions(X[i], fq[i])

    def ids(self, mask: np.ndarray) -> frozenset[str]:
        return frozenset(p for p, b in zip(self.eligible, mask, strict=True) if b)

    def mask(self, ids: Any) -> np.ndarray:
        s = set(ids)
        return np.array([p in s for p in self.eligible])

    def fractions(self, mask: np.ndarray, fq: float) -> dict[str, float]:
        out = {p: 1.0 for p, b in zip(self.eligible, mask, strict=True) if b}
        if self.q is not None and mask[self.q]:
            out[self.eligible[self.q]] = float(fq)
        return out

    def set_value(self, ids: Any) -> float:
        """The best value of one funded set (-inf when no fractions of it meet the rules)."""
        v, _ = self.values(self.mask(ids)[None, :])
        return float(v[0])

    def breaks(self, fractions: dict[str, float], tol: float = 1e-6) -> list[str]:
        """The rules a portfolio (``{project: fraction}``) breaks, by name."""
        unknown = set(fractions) - set(self.eligible)
        if unknown:
            return [f"not eligible: {sorted(unknown)}"]
        f = np.array([fractions.get(p, 0.0) for p in self.eligible])
        x = f > 0
        out = []
        if not self.structure_ok(x[None, :])[0]:
            out.append("structure")
        for i in range(self.n):
            if x[i] and f[i] < self.lo[i] - tol:
                out.append(f"partial_min[{self.eligible[i]}]")
            if x[i] and i in self.units and abs(f[i] * self.units[i]
                                                - round(f[i] * self.units[i])) > 1e-6:
                out.append(f"units[{self.eligible[i]}]")
        funded = {self.country_of[i] for i in range(self.n) if x[i]}
        for row in self.rows:
            if row.country and row.country not in funded:
                continue
            act = float(row.coef @ f)
            slack = tol * max(1.0, abs(row.bound))
            if (row.sense == "max" and act > row.bound + slack) or (
                    row.sense == "min" and act < row.bound - slack):
                out.append(row.name)
        return out

    def worth(self, fractions: dict[str, float], weights: dict[str, float] | None = None
              ) -> float:
        return sum(self.project_value(self.P[p], weights) * fr for p, fr in fractions.items())


# -------------------------------------------------------------------------- the analyses
def sweep_shares(start: float, stop: float, steps: int) -> list[float]:
    """docs/frontier.md: ``steps`` levels from ``start`` to ``stop``; the policy budget,
    100%, is always a level."""
    shares = [start] if steps == 1 else [start + (stop - start) * i / (steps - 1)
                                         for i in range(steps)]
    if not any(abs(s - 1.0) < 1e-9 for s in shares):
        shares.append(1.0)
    return sorted(shares)


def relaxed_bound(family: str, sense: str, bound: float) -> float:
    """docs/explain.md section 2's table."""
    if family == "min_countries":
        return bound - max(1, int(bound) // 10)
    if family == "max_countries":
        return bound + max(1, int(bound) // 10)
    return bound * (1.1 if sense == "max" else 0.9)


@dataclass
class Chain:
    restarts: int
    total: float
    sets: list[frozenset[str]]


def funding_order(rnd: Round, shares: list[float], portfolio1: frozenset[str] | None
                  ) -> Chain | None:
    """The nested chain over the feasible levels of ``shares`` (docs/frontier.md): fewest
    restarts, then the largest summed value; the level at 100% holds ``portfolio1``."""
    models = [Model(rnd, s) for s in shares]
    if not models:
        return None
    X = models[0].subsets()
    n = models[0].n
    vals = []
    for s, m in zip(shares, models, strict=True):
        v, _ = m.values(X)
        if not np.isfinite(v).any():
            continue                                   # an infeasible level: left out
        if abs(s - 1.0) < 1e-9 and portfolio1 is not None:
            keep = np.all(X == m.mask(portfolio1), axis=1)
            v = np.where(keep, v, -np.inf)
        vals.append(v)
    if not vals:
        return None
    INF = 10 ** 9
    r = np.where(np.isfinite(vals[0]), 0, INF)
    tot = np.where(np.isfinite(vals[0]), vals[0], -np.inf)
    back: list[tuple[np.ndarray, np.ndarray]] = []
    for v in vals[1:]:
        # the best chain ending at a subset of T (sum over subsets, lexicographic)
        br, bt, arg = r.copy(), tot.copy(), np.arange(len(r))
        for i in range(n):
            bit = 1 << i
            has = (np.arange(len(r)) & bit) > 0
            src = np.arange(len(r)) ^ bit
            cand_r, cand_t = np.where(has, br[src], INF), np.where(has, bt[src], -np.inf)
            better = (cand_r < br) | ((cand_r == br) & (cand_t > bt))
            br, bt, arg = (np.where(better, cand_r, br), np.where(better, cand_t, bt),
                           np.where(better, arg[src], arg))
        g = min(range(len(r)), key=lambda j: (r[j], -tot[j]))   # a restart from the best
        rr, rt = r[g] + 1, tot[g]
        use_restart = (rr < br) | ((rr == br) & (rt > bt))
        prev = np.where(use_restart, g, arg)
        nr = np.where(use_restart, rr, br)
        nt = np.where(use_restart, rt, bt)
        feasible = np.isfinite(v) & (nr < INF)
        back.append(prev)
        r = np.where(feasible, nr, INF)
        tot = np.where(feasible, nt + v, -np.inf)
    end = min(range(len(r)), key=lambda j: (r[j], -tot[j]))
    if r[end] >= INF:
        return None
    path = [end]
    for prev in reversed(back):
        path.append(int(prev[path[-1]]))
    path.reverse()
    sets = [models[0].ids(X[j]) for j in path]
    return Chain(int(r[end]), float(tot[end]), sets)


def chain_key(sets: list[frozenset[str]]) -> int:
    """Restarts of a chain: levels whose set does not hold the previous level's."""
    return sum(1 for a, b in itertools.pairwise(sets) if not a <= b)
