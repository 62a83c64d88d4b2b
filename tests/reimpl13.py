"""An independent re-implementation of osa-opt's documented rules, from the docs alone.

Written from ``/work/shared/DESIGN.md``, ``docs/model.md``, ``docs/policy.md``,
``docs/inputs.md``, ``docs/packages.md`` and ``docs/outputs.md`` before reading osa_opt's
model or eligibility code (or the earlier oracles ``tests/bruteforce.py`` and
``tests/docs_model.py``). It imports nothing from ``osa_opt``.

From an input (a folder of ``projects.csv`` and ``countries.csv``, or a workbook of the
two sheets, written plainly: the reading niceties of docs/inputs.md are out of scope) and
a policy (a TOML file or nested dicts) it computes:

- :func:`eligibility`: every project's failed gates and waived rules, as reason codes;
- :func:`refusals`: the input errors the docs name for forced projects (a mandatory or
  signed project that is not eligible, a mandatory one requiring one that cannot be funded
  (excluded or not eligible), two forced projects in one exclusive group, an override
  without its reason);
- :class:`Round`: the value of every eligible project and every rule of the model as
  linear rows, with two independent solvers: :meth:`Round.enumerate` (every funded set,
  the best fractions of each by a small LP; whole units enumerated) for up to ~16
  eligible projects, and :meth:`Round.mip` (its own matrix model through
  ``scipy.optimize.milp``) for larger rounds; and :meth:`Round.check` of a portfolio
  (``{project: fraction}``) against every rule.
"""

from __future__ import annotations

import itertools
import math
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

FIELDS = (
    "maritime_surveillance",
    "airspace_surveillance",
    "counter_terrorism",
    "counter_piracy",
    "disaster_relief",
    "search_and_rescue",
    "medical",
    "relief_transport",
    "peacekeeping",
)
CATEGORIES = ("rescue", "transport", "warning", "surveillance", "minesweeping")
CONSIDERATIONS = (
    "democracy",
    "rule_of_law",
    "human_rights",
    "economic_social",
    "bilateral_relations",
)

# docs/policy.md, "Every key": the built-in defaults of the keys the model reads.
DEFAULTS: dict[str, dict[str, Any]] = {
    "budget": {},
    "eligibility": {
        "fields": list(FIELDS),
        "require_oda_eligible": True,
        "exclude_parties_to_conflict": True,
        "require_management_agreement": True,
        "require_un_charter": True,
        "exclude_dispute_linked": True,
        "equipment_categories": list(CATEGORIES),
        "max_risk": 1.0,
        "min_democracy": 0.0,
        "min_rule_of_law": 0.0,
        "min_human_rights": 0.0,
    },
    "objective": {
        "weights": {"security": 0.4, "humanitarian": 0.3, "partnership": 0.3},
        "tier_multiplier": {1: 1.0, 2: 1.0, 3: 1.0},
        "risk_aversion": 1.0,
        "considerations": {},
        "consideration_strength": 0.0,
    },
    "priority": {
        "min_tier_share": {},
        "fund_every_tier": [],
        "required_partners": [],
        "max_country_share": 1.0,
        "min_countries": 0,
        "max_countries": 0,
        "min_package": 0.0,
    },
    "balance": {
        "min_field_share": {},
        "max_field_share": {},
        "min_region_share": {},
        "max_region_share": {},
    },
    "portfolios": {"count": 5, "min_difference": 2},
}


def load_policy(source: str | Path | dict[str, Any]) -> dict[str, Any]:
    """The policy as used: every section's keys, a table given replacing the default whole."""
    raw = dict(source) if isinstance(source, dict) else tomllib.loads(Path(source).read_text())
    policy: dict[str, Any] = {"name": raw.get("name", "Unnamed policy")}
    policy["budget"] = {str(k): float(v) for k, v in raw.get("budget", {}).items()}
    for section in ("eligibility", "objective", "priority", "balance", "portfolios"):
        merged = dict(DEFAULTS[section])
        merged.update(raw.get(section, {}))
        policy[section] = merged
    obj = policy["objective"]
    obj["tier_multiplier"] = {int(k): float(v) for k, v in obj["tier_multiplier"].items()}
    pri = policy["priority"]
    pri["min_tier_share"] = {int(k): float(v) for k, v in pri["min_tier_share"].items()}
    pri["fund_every_tier"] = [int(t) for t in pri["fund_every_tier"]]
    pri["required_partners"] = [str(c) for c in pri["required_partners"]]
    return policy


# ----------------------------------------------------------------------------- reading


def _blank(value: Any) -> bool:
    return (
        value is None
        or (isinstance(value, float) and math.isnan(value))
        or str(value).strip() == ""
    )


def _flag(value: Any, default: bool | None) -> bool | None:
    if _blank(value):
        return default
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | float):
        return bool(value)
    text = str(value).strip().lower()
    if text in ("true", "yes", "y", "t", "1", "1.0"):
        return True
    if text in ("false", "no", "n", "f", "0", "0.0"):
        return False
    raise ValueError(f"not a flag: {value!r}")


def _num(value: Any, default: float | None) -> float | None:
    return default if _blank(value) else float(value)


def _text(value: Any) -> str:
    return "" if _blank(value) else str(value).strip()


def read_tables(path: str | Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The two tables as read (a folder of CSV files, or a workbook), every cell as text."""
    path = Path(path)
    if path.is_dir():
        read = {
            s: pd.read_csv(path / f"{s}.csv", dtype=str, keep_default_na=False)
            for s in ("projects", "countries")
        }
    else:
        read = pd.read_excel(path, sheet_name=["projects", "countries"])
    return read["projects"], read["countries"]


@dataclass
class Project:
    pid: str
    country: str
    fields: tuple[str, ...]
    cost: dict[str, float]
    scores: dict[str, float]
    risk: float = 0.0
    min_funding: float = 1.0
    status: str = "candidate"
    group: str = ""
    requires: tuple[str, ...] = ()
    units_max: int | None = None
    units_min: int | None = None
    stage: str = ""
    category: str = ""
    dispute_linked: bool = False
    prior_consent: bool | None = None
    un_charter: bool = True
    mitigation: str = ""
    override: bool = False
    override_reason: str = ""


@dataclass
class Country:
    name: str
    region: str
    tier: int
    oda: bool
    conflict: bool
    agreement: bool
    assess: dict[str, float]
    max_share: float | None = None
    override: bool = False
    override_reason: str = ""


def parse(
    path: str | Path, policy: dict[str, Any]
) -> tuple[dict[str, Project], dict[str, Country]]:
    """Projects and countries with the documented defaults filled in (docs/inputs.md)."""
    ptab, ctab = read_tables(path)
    countries: dict[str, Country] = {}
    for _, r in ctab.iterrows():
        assess = {k: float(_num(r.get(k), 5.0)) for k in CONSIDERATIONS}
        countries[_text(r["country"])] = Country(
            name=_text(r["country"]),
            region=_text(r["region"]),
            tier=int(float(r["priority_tier"])),
            oda=bool(_flag(r["oda_eligible"], None)),
            conflict=bool(_flag(r["party_to_conflict"], None)),
            agreement=bool(_flag(r["management_agreement"], None)),
            assess=assess,
            max_share=_num(r.get("max_share"), None),
            override=bool(_flag(r.get("override"), False)),
            override_reason=_text(r.get("override_reason")),
        )
    projects: dict[str, Project] = {}
    for _, r in ptab.iterrows():
        pid = _text(r["project_id"])
        units_max = _num(r.get("units_max"), None)
        units_min = _num(r.get("units_min"), None)
        projects[pid] = Project(
            pid=pid,
            country=_text(r["country"]),
            fields=tuple(f.strip().lower() for f in _text(r["field"]).split(";") if f.strip()),
            cost={y: float(_num(r.get(f"cost_{y}"), 0.0)) for y in policy["budget"]},
            scores={k: float(r[f"score_{k}"]) for k in policy["objective"]["weights"]},
            risk=float(_num(r.get("risk"), 0.0)),
            min_funding=float(_num(r.get("min_funding"), 1.0)),
            status=_text(r.get("status")).lower() or "candidate",
            group=_text(r.get("exclusive_group")),
            requires=tuple(q.strip() for q in _text(r.get("requires")).split(";") if q.strip()),
            units_max=None if units_max is None else int(units_max),
            units_min=None if units_max is None else int(units_min if units_min is not None else 1),
            stage=_text(r.get("stage")).lower(),
            category=_text(r.get("equipment_category")).lower(),
            dispute_linked=bool(_flag(r.get("dispute_linked"), False)),
            prior_consent=_flag(r.get("prior_consent"), None),
            un_charter=bool(_flag(r.get("un_charter"), True)),
            mitigation=_text(r.get("mitigation")),
            override=bool(_flag(r.get("override"), False)),
            override_reason=_text(r.get("override_reason")),
        )
    return projects, countries


# ----------------------------------------------------------------------------- eligibility

# Reason codes, and the words of osa-opt's reasons (docs/inputs.md's validate table and
# docs/outputs.md's examples) that each is recognised by.
REASON_WORDS = {
    "excluded": "status excluded",
    "field": "field",
    "conflict": "party to a conflict",
    "category": "categor",
    "un_charter": "charter",
    "consent": "management agreement",
    "dispute": "dispute",
    "oda": "oda",
    "democracy": "democracy",
    "rule_of_law": "rule of law",
    "human_rights": "human rights",
    "risk": "risk",
}


def eligibility(
    projects: dict[str, Project], countries: dict[str, Country], policy: dict
) -> dict[str, dict]:
    """Project id -> {"reasons": [failed rules], "waived": [rules an override waived]}."""
    el = policy["eligibility"]
    out = {}
    for p in projects.values():
        c = countries[p.country]
        reasons: list[str] = []
        waived: list[str] = []
        if p.status == "excluded":
            reasons.append("excluded")
        if any(f not in el["fields"] for f in p.fields):
            reasons.append("field")
        if el["exclude_parties_to_conflict"] and c.conflict:
            reasons.append("conflict")
        if (
            p.category
            and p.category != "not_defence_equipment"
            and p.category not in el["equipment_categories"]
        ):
            reasons.append("category")
        if el["require_un_charter"] and not p.un_charter:
            reasons.append("un_charter")
        consent = c.agreement if p.prior_consent is None else p.prior_consent
        if el["require_management_agreement"] and not consent:
            reasons.append("consent")
        if el["exclude_dispute_linked"] and p.dispute_linked:
            reasons.append("dispute")
        waivable = []
        if el["require_oda_eligible"] and not c.oda:
            waivable.append("oda")
        for key in ("democracy", "rule_of_law", "human_rights"):
            if c.assess[key] < el[f"min_{key}"]:
                waivable.append(key)
        for code in waivable:
            (waived if (c.override or p.override) else reasons).append(code)
        if p.risk > el["max_risk"] and not p.mitigation:
            (waived if p.override else reasons).append("risk")
        out[p.pid] = {"reasons": reasons, "waived": waived}
    return out


def forced_in(p: Project) -> bool:
    return p.status == "mandatory" or p.stage == "signed"


def refusals(
    projects: dict[str, Project], countries: dict[str, Country], policy: dict
) -> list[str]:
    """The input errors the docs name for forced projects and overrides (empty: valid)."""
    elig = eligibility(projects, countries, policy)
    errors = []
    for p in projects.values():
        if p.status == "mandatory" and elig[p.pid]["reasons"]:
            errors.append(f"mandatory {p.pid} not eligible")
        if p.stage == "signed" and elig[p.pid]["reasons"]:
            errors.append(f"signed {p.pid} not eligible or excluded")
        if forced_in(p):  # signed items are fixed in like mandatory ones (docs/model.md)
            seen, todo = set(), list(p.requires)
            while todo:
                q = todo.pop()
                if q in seen or q not in projects:
                    continue
                seen.add(q)
                if elig[q]["reasons"]:  # excluded or ineligible: never funded
                    errors.append(f"forced-in {p.pid} requires {q}, which cannot be funded")
                todo.extend(projects[q].requires)
        if p.override != bool(p.override_reason):
            errors.append(f"override of {p.pid} without reason")
    for c in countries.values():
        if c.override != bool(c.override_reason):
            errors.append(f"override of {c.name} without reason")
    groups: dict[str, list[str]] = {}
    for p in projects.values():
        if p.group and forced_in(p):
            groups.setdefault(p.group, []).append(p.pid)
    errors += [f"forced-in {ids} share group {g}" for g, ids in groups.items() if len(ids) > 1]
    # docs/policy.md, priority.required_partners: a name the countries sheet lacks, or a
    # partner with no project eligible (and not excluded), is refused
    for name in policy["priority"]["required_partners"]:
        if name not in countries:
            errors.append(f"required partner {name}: not in the countries sheet")
        elif not any(p.country == name and not elig[p.pid]["reasons"]
                     for p in projects.values()):
            errors.append(f"required partner {name}: no eligible project")
    regions = {c.region for c in countries.values()}
    bal = policy["balance"]
    for key in ("min_region_share", "max_region_share"):
        errors += [f"balance.{key}.{r}: no country in it" for r in bal[key] if r not in regions]
    for key in ("min_field_share", "max_field_share"):
        errors += [f"balance.{key}.{f}: not a field" for f in bal[key] if f not in FIELDS]
    if policy["portfolios"]["count"] < 1 or policy["portfolios"]["min_difference"] < 1:
        errors.append("portfolios.count and min_difference are at least 1")
    return errors


# ----------------------------------------------------------------------------- the round


@dataclass
class Row:
    """lo <= sum coef[p]*f[p] <= hi over eligible projects (f the funded fraction)."""

    name: str
    coef: dict[str, float]
    lo: float = -math.inf
    hi: float = math.inf


@dataclass
class Round:
    """The model of docs/model.md over the eligible projects, written from the docs."""

    projects: dict[str, Project]
    countries: dict[str, Country]
    policy: dict
    elig: dict[str, dict] = field(init=False)
    P: list[str] = field(init=False)
    value: dict[str, float] = field(init=False)
    rows: list[Row] = field(init=False)

    def __post_init__(self) -> None:
        self.elig = eligibility(self.projects, self.countries, self.policy)
        self.P = sorted(p for p in self.projects if not self.elig[p]["reasons"])
        obj = self.policy["objective"]
        self.value = {}
        for pid in self.P:
            p = self.projects[pid]
            c = self.countries[p.country]
            base = sum(w * p.scores[k] for k, w in obj["weights"].items())
            tier = obj["tier_multiplier"].get(c.tier, 1.0)
            g = obj["considerations"]
            gsum = sum(g.values())
            factor = 1.0
            if gsum > 0:
                factor = (
                    1
                    + obj["consideration_strength"]
                    * sum(w * (c.assess[j] - 5) / 5 for j, w in g.items())
                    / gsum
                )
            self.value[pid] = base * tier * factor * (1 - obj["risk_aversion"] * p.risk)
        self.rows = self._rows()

    # -- helpers
    def total_cost(self, pid: str) -> float:
        return sum(self.projects[pid].cost.values())

    @property
    def total_budget(self) -> float:
        return sum(self.policy["budget"].values())

    def fixed_in(self) -> list[str]:
        return [p for p in self.P if forced_in(self.projects[p])]

    def lower(self, pid: str) -> float:
        """The smallest funded fraction of a funded project."""
        p = self.projects[pid]
        if p.units_max is not None:
            return p.units_min / p.units_max
        return p.min_funding

    def divisible(self, pid: str) -> bool:
        p = self.projects[pid]
        if p.units_max is not None:
            return p.units_min < p.units_max
        return p.min_funding < 1

    def _rows(self) -> list[Row]:
        pol, B = self.policy, self.total_budget
        rows = []
        for y, b in pol["budget"].items():
            rows.append(Row(f"budget[{y}]", {p: self.projects[p].cost[y] for p in self.P}, hi=b))
        tiers = {p: self.countries[self.projects[p].country].tier for p in self.P}
        for t, share in pol["priority"]["min_tier_share"].items():
            rows.append(
                Row(
                    f"tier_share[{t}]",
                    {p: self.total_cost(p) for p in self.P if tiers[p] == t},
                    lo=share * B,
                )
            )
        for c in self.countries.values():
            cap = pol["priority"]["max_country_share"]
            if c.max_share is not None:
                cap = min(cap, c.max_share)
            rows.append(
                Row(
                    f"country_cap[{c.name}]",
                    {p: self.total_cost(p) for p in self.P if self.projects[p].country == c.name},
                    hi=cap * B,
                )
            )
        bal = pol["balance"]
        for f in set(bal["min_field_share"]) | set(bal["max_field_share"]):
            coef = {}
            for p in self.P:
                fs = self.projects[p].fields
                if f in fs:
                    coef[p] = self.total_cost(p) / len(fs)
            rows.append(
                Row(
                    f"field_share[{f}]",
                    coef,
                    lo=bal["min_field_share"].get(f, -math.inf) * B
                    if f in bal["min_field_share"]
                    else -math.inf,
                    hi=bal["max_field_share"][f] * B if f in bal["max_field_share"] else math.inf,
                )
            )
        for r in set(bal["min_region_share"]) | set(bal["max_region_share"]):
            coef = {
                p: self.total_cost(p)
                for p in self.P
                if self.countries[self.projects[p].country].region == r
            }
            rows.append(
                Row(
                    f"region_share[{r}]",
                    coef,
                    lo=bal["min_region_share"][r] * B
                    if r in bal["min_region_share"]
                    else -math.inf,
                    hi=bal["max_region_share"][r] * B if r in bal["max_region_share"] else math.inf,
                )
            )
        return rows

    # -- the rules on the funded set alone (x), as docs/model.md states them
    def set_ok(self, S: frozenset[str]) -> bool:
        pol = self.policy
        if not set(self.fixed_in()) <= S:
            return False
        for p in S:
            for q in self.projects[p].requires:
                if q not in S:  # an ineligible q is never in S: x[p] <= 0
                    return False
        groups: dict[str, int] = {}
        for p in S:
            g = self.projects[p].group
            if g:
                groups[g] = groups.get(g, 0) + 1
                if groups[g] > 1:
                    return False
        funded_countries = {self.projects[p].country for p in S}
        for t in pol["priority"]["fund_every_tier"]:
            for c in self.countries.values():
                if c.tier == t and any(self.projects[p].country == c.name for p in self.P):
                    if c.name not in funded_countries:
                        return False
        # docs/policy.md: each partner named gets at least one funded project
        if not set(pol["priority"]["required_partners"]) <= funded_countries:
            return False
        if len(funded_countries) < pol["priority"]["min_countries"]:
            return False
        mc = pol["priority"]["max_countries"]
        if mc and len(funded_countries) > mc:
            return False
        return True

    def package_rows(self, S: frozenset[str]) -> list[Row]:
        mp = self.policy["priority"]["min_package"]
        if not mp:
            return []
        countries = {self.projects[p].country for p in S}
        return [
            Row(
                f"package_min[{c}]",
                {p: self.total_cost(p) for p in S if self.projects[p].country == c},
                lo=mp,
            )
            for c in countries
        ]

    def check(self, fractions: dict[str, float], tol: float = 1e-6) -> list[str]:
        """Every documented rule a portfolio ({project: fraction}, funded only) breaks."""
        broken = []
        S = frozenset(fractions)
        if not S <= set(self.P):
            broken.append(f"ineligible funded: {sorted(S - set(self.P))}")
            return broken
        if not self.set_ok(S):
            broken.append("a rule of the funded set (forced, requires, group, partners)")
        for p, f in fractions.items():
            lo = self.lower(p) if self.divisible(p) else 1.0
            if f < lo - 1e-6 or f > 1 + 1e-6:
                broken.append(f"fraction of {p} {f} outside [{lo}, 1]")
            pr = self.projects[p]
            if pr.units_max is not None and abs(f * pr.units_max - round(f * pr.units_max)) > 1e-6:
                broken.append(f"{p} not in whole units: {f * pr.units_max}")
        for row in self.rows + self.package_rows(S):
            lhs = sum(a * fractions.get(p, 0.0) for p, a in row.coef.items())
            scale = tol * max(
                1.0,
                abs(row.lo) if row.lo > -math.inf else 0,
                abs(row.hi) if row.hi < math.inf else 0,
            )
            if lhs < row.lo - scale or lhs > row.hi + scale:
                broken.append(f"{row.name}: {lhs} not in [{row.lo}, {row.hi}]")
        return broken

    def worth(self, fractions: dict[str, float]) -> float:
        return sum(self.value[p] * f for p, f in fractions.items())

    # -- the best fractions of a funded set
    def best_of_set(self, S: frozenset[str]) -> tuple[float, dict[str, float]] | None:
        """The best value of funded set S (None when no fractions meet every row)."""
        if not self.set_ok(S):
            return None
        rows = self.rows + self.package_rows(S)
        var = [p for p in sorted(S) if self.divisible(p)]
        units = [p for p in var if self.projects[p].units_max is not None]
        cont = [p for p in var if p not in units]
        unit_choices = [
            range(self.projects[p].units_min, self.projects[p].units_max + 1) for p in units
        ]
        best = None
        for combo in itertools.product(*unit_choices):
            f = {p: 1.0 for p in S if p not in var}
            for p, u in zip(units, combo, strict=True):
                f[p] = u / self.projects[p].units_max
            cand = self._fill(rows, f, cont)
            if cand is not None and (best is None or cand[0] > best[0]):
                best = cand
        return best

    def _fill(
        self, rows: list[Row], f: dict[str, float], cont: list[str]
    ) -> tuple[float, dict[str, float]] | None:
        """The best fractions of the divisible projects ``cont`` with the others as in f."""
        from scipy.optimize import linprog

        if not cont:
            return (self.worth(f), f) if self.check_rows(rows, f) else None
        A, b = [], []
        for row in rows:
            a = [row.coef.get(p, 0.0) for p in cont]
            fixed = sum(row.coef.get(p, 0.0) * v for p, v in f.items())
            if row.hi < math.inf:
                A.append(a)
                b.append(row.hi - fixed)
            if row.lo > -math.inf:
                A.append([-v for v in a])
                b.append(fixed - row.lo)
        res = linprog(
            c=[-self.value[p] for p in cont],
            A_ub=A or None,
            b_ub=b or None,
            bounds=[(self.lower(p), 1.0) for p in cont],
            method="highs",
        )
        if res.status != 0:
            return None
        f = dict(f)
        for p, v in zip(cont, res.x, strict=True):
            f[p] = min(1.0, max(self.lower(p), float(v)))
        if not self.check_rows(rows, f, tol=1e-7):
            return None
        return self.worth(f), f

    @staticmethod
    def check_rows(rows: list[Row], f: dict[str, float], tol: float = 1e-9) -> bool:
        for row in rows:
            lhs = sum(a * f.get(p, 0.0) for p, a in row.coef.items())
            scale = tol * max(
                1.0,
                abs(row.lo) if row.lo > -math.inf else 0,
                abs(row.hi) if row.hi < math.inf else 0,
            )
            if lhs < row.lo - scale or lhs > row.hi + scale:
                return False
        return True

    # -- brute force
    def enumerate(self) -> dict[frozenset[str], tuple[float, dict[str, float]]]:
        """Every feasible funded set with its best value and fractions."""
        fixed = frozenset(self.fixed_in())
        free = [p for p in self.P if p not in fixed]
        out = {}
        for n in range(len(free) + 1):
            for extra in itertools.combinations(free, n):
                S = fixed | frozenset(extra)
                best = self.best_of_set(S)
                if best is not None:
                    out[S] = best
        return out

    # -- an own MIP (scipy.optimize.milp over the rows above)
    def mip(
        self, cuts: list[frozenset[str]] = (), d: int = 1
    ) -> tuple[float, dict[str, float]] | None:
        """The best portfolio differing from each set of ``cuts`` in at least d projects."""
        from scipy.optimize import Bounds, LinearConstraint, milp

        pol = self.policy
        P = self.P
        if not P:  # nothing to fund: the empty portfolio, if it meets every row
            ok = (
                self.set_ok(frozenset())
                and self.check_rows(self.rows, {})
                and not any(len(S) < d for S in cuts)
            )
            return (0.0, {}) if ok else None
        n = len(P)
        idx = {p: i for i, p in enumerate(P)}
        # columns: x[p] (n), g[p] the funded fraction (n), u[p] units (n, 0 unless whole units),
        # then per country: z[c] (min_countries), w[c] (max_countries / min_package)
        cnames = sorted({self.projects[p].country for p in P})
        nc = len(cnames)
        cidx = {c: i for i, c in enumerate(cnames)}
        N = 3 * n + 2 * nc
        X, G, U, Z, W = 0, n, 2 * n, 3 * n, 3 * n + nc
        lb = np.zeros(N)
        ub = np.ones(N)
        integrality = np.zeros(N)
        integrality[X : X + n] = 1
        integrality[Z : Z + 2 * nc] = 1
        A, lo, hi = [], [], []

        def add(coefs: dict[int, float], lo_: float, hi_: float) -> None:
            r = np.zeros(N)
            for j, a in coefs.items():
                r[j] += a
            A.append(r)
            lo.append(lo_)
            hi.append(hi_)

        for p in P:
            i = idx[p]
            pr = self.projects[p]
            if pr.units_max is not None:
                integrality[U + i] = 1
                ub[U + i] = pr.units_max
                add({U + i: 1, G + i: -pr.units_max}, 0, 0)
                add({U + i: 1, X + i: -pr.units_min}, 0, math.inf)
                add({U + i: 1, X + i: -pr.units_max}, -math.inf, 0)
            else:
                ub[U + i] = 0
                add({G + i: 1, X + i: -pr.min_funding}, 0, math.inf)
                add({G + i: 1, X + i: -1}, -math.inf, 0)
            if forced_in(pr):
                lb[X + i] = 1
            for q in pr.requires:
                if q in idx:
                    add({X + i: 1, X + idx[q]: -1}, -math.inf, 0)
                else:
                    ub[X + i] = 0
        for row in self.rows:
            add({G + idx[p]: a for p, a in row.coef.items()}, row.lo, row.hi)
        groups: dict[str, list[int]] = {}
        for p in P:
            if self.projects[p].group:
                groups.setdefault(self.projects[p].group, []).append(X + idx[p])
        for cols in groups.values():
            add({j: 1 for j in cols}, -math.inf, 1)
        by_country = {c: [p for p in P if self.projects[p].country == c] for c in cnames}
        for t in pol["priority"]["fund_every_tier"]:
            for c in cnames:
                if self.countries[c].tier == t:
                    add({X + idx[p]: 1 for p in by_country[c]}, 1, math.inf)
        for c in pol["priority"]["required_partners"]:
            if c not in cidx:  # no eligible project: the rule cannot be met
                return None
            add({X + idx[p]: 1 for p in by_country[c]}, 1, math.inf)
        if pol["priority"]["min_countries"] > 0:
            for c in cnames:
                add({Z + cidx[c]: 1, **{X + idx[p]: -1 for p in by_country[c]}}, -math.inf, 0)
            add({Z + k: 1 for k in range(nc)}, pol["priority"]["min_countries"], math.inf)
        else:
            ub[Z : Z + nc] = 0
        mp = pol["priority"]["min_package"]
        mc = pol["priority"]["max_countries"]
        if mc or mp:
            for c in cnames:
                for p in by_country[c]:
                    add({X + idx[p]: 1, W + cidx[c]: -1}, -math.inf, 0)
                if mp:
                    coefs = {G + idx[p]: self.total_cost(p) for p in by_country[c]}
                    coefs[W + cidx[c]] = -mp
                    add(coefs, 0, math.inf)
            if mc:
                add({W + k: 1 for k in range(nc)}, -math.inf, mc)
        else:
            ub[W : W + nc] = 0
        for S in cuts:
            coefs = {X + idx[p]: (-1 if p in S else 1) for p in P}
            add(coefs, d - len(S & set(P)), math.inf)
        c = np.zeros(N)
        for p in P:
            c[G + idx[p]] = -self.value[p]
        cons = [LinearConstraint(np.array(A), lo, hi)] if A else []
        res = milp(
            c,
            constraints=cons,
            integrality=integrality,
            bounds=Bounds(lb, ub),
            options={"mip_rel_gap": 0},
        )
        if res.status != 0 or res.x is None:
            return None
        xs = res.x
        fr = {p: float(xs[G + idx[p]]) for p in P if xs[X + idx[p]] > 0.5}
        return -float(res.fun), fr


def load(path: str | Path, policy: str | Path | dict) -> Round:
    """The round of an input under a policy (raises ValueError on a documented refusal)."""
    pol = load_policy(policy)
    projects, countries = parse(path, pol)
    errors = refusals(projects, countries, pol)
    if errors:
        raise ValueError("; ".join(errors))
    return Round(projects, countries, pol)


def ranked(
    found: dict[frozenset[str], tuple[float, dict]], count: int, d: int
) -> list[tuple[float, frozenset[str]]]:
    """Ranked portfolios from every feasible set (ties broken by sorted ids; see check_ranking)."""
    order = sorted(found.items(), key=lambda kv: (-kv[1][0], sorted(kv[0])))
    chosen: list[tuple[float, frozenset[str]]] = []
    for S, (v, _) in order:
        if len(chosen) == count:
            break
        if all(len(S ^ T) >= d for _, T in chosen):
            chosen.append((v, S))
    return chosen


def next_best(
    found: dict[frozenset[str], tuple[float, dict]], earlier: list[frozenset[str]], d: int
) -> float | None:
    """The best value of a set differing from each earlier one in at least d projects."""
    vals = [v for S, (v, _) in found.items() if all(len(S ^ T) >= d for T in earlier)]
    return max(vals) if vals else None
