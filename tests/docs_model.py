"""osa-opt's optimisation model re-implemented from its documentation alone.

Written from DESIGN.md §5, docs/model.md, docs/policy.md, docs/inputs.md and
docs/packages.md, without reading ``osa_opt/model``, the eligibility code or the other
brute-force oracles, so that a disagreement with osa-opt is a disagreement between the code
and its documented contract (``tests/test_docs_model.py`` compares the two).

A round is plain data (``Round``: the rows of the two sheets as a user types them, and the
policy as nested TOML tables); ``write_round`` writes it as CSV files or a workbook and a
policy file, which osa-opt reads like any user's. The oracle here reads the same plain
data, never osa-opt's ``Problem``:

- ``eligible(round)``: the documented gates of law (never waived), the waivable rules (ODA
  eligibility, the governance thresholds, the risk limit) with their waivers (a country's or
  a project's ``override``, a written ``mitigation`` for the risk limit, only the project's
  own override for it), and ``status excluded``;
- ``values(round)``: ``v[p] = Σ_k w_k·score · tier_multiplier · country_factor · (1 −
  risk_aversion·risk)``;
- ``Oracle(round).best(avoid, d)``: the best portfolio, by enumerating every subset of the
  eligible projects that could be funded; for each subset the funded fractions (partial
  funding, whole units) are an LP (a small MIP with units) over the subset's projects.
"""

from __future__ import annotations

import csv
import itertools
import math
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import highspy
import numpy as np

FIELDS = ["maritime_surveillance", "airspace_surveillance", "counter_terrorism",
          "counter_piracy", "disaster_relief", "search_and_rescue", "medical",
          "relief_transport", "peacekeeping"]
CATEGORIES = ["rescue", "transport", "warning", "surveillance", "minesweeping"]
CONSIDERATIONS = ["democracy", "rule_of_law", "human_rights", "economic_social",
                  "bilateral_relations"]
TOL = 1e-6


@dataclass
class Round:
    """The rows of the sheets (cells as typed: text, numbers, '' for blank) and the policy."""

    projects: list[dict[str, Any]]
    countries: list[dict[str, Any]]
    policy: dict[str, Any]
    seed: int = 0

    def pol(self, section: str, key: str, default: Any) -> Any:
        return self.policy.get(section, {}).get(key, default)


# ---------------------------------------------------------------- random rounds


def random_round(seed: int, *, n_projects: int | None = None, boost: float = 1.0,
                 n_countries: int | None = None, most_units: int = 5) -> Round:
    """A small random round exercising every documented feature, each switched on at random
    (``boost`` multiplies the chance of each policy rule and of the rarer project columns)."""
    rng = random.Random(seed)

    def on(chance: float) -> bool:
        return rng.random() < min(1.0, chance * boost)

    years = ["FY2026"] if rng.random() < 0.6 else ["FY2026", "FY2027"]
    criteria = rng.sample(["security", "humanitarian", "partnership"], rng.randint(1, 3))
    regions = ["Southeast Asia", "Pacific Islands", "South Asia"][: rng.randint(1, 3)]
    n_countries = n_countries if n_countries is not None else rng.randint(2, 5)
    countries: list[dict[str, Any]] = []
    for i in range(n_countries):
        c: dict[str, Any] = {
            "country": f"C{i}",
            "region": rng.choice(regions),
            "priority_tier": rng.randint(1, 3),
            "oda_eligible": "true" if rng.random() < 0.92 else "false",
            "party_to_conflict": "true" if rng.random() < 0.04 else "false",
            "management_agreement": "true" if rng.random() < 0.95 else "false",
            "democracy": _r1(rng.uniform(0, 10)),
            "rule_of_law": _r1(rng.uniform(0, 10)),
            "human_rights": _r1(rng.uniform(0, 10)),
            "max_share": rng.choice(["", "", "", 0.3, 0.5, 0.7]),
            "economic_social": rng.choice(["", _r1(rng.uniform(0, 10))]),
            "bilateral_relations": rng.choice(["", _r1(rng.uniform(0, 10))]),
            "override": "false",
            "override_reason": "",
        }
        if rng.random() < 0.1:
            c["override"], c["override_reason"] = "true", "waived for the test"
        countries.append(c)
    n = n_projects if n_projects is not None else rng.randint(6, 11)
    projects: list[dict[str, Any]] = []
    for i in range(n):
        country = rng.choice(countries)["country"]
        fields = rng.sample(FIELDS, 2 if on(0.2) else 1)
        p: dict[str, Any] = {
            "project_id": f"P-{i:02d}",
            "title": f"item {i}",
            "country": country,
            "field": "; ".join(fields),
            "assistance_type": rng.choice(["equipment", "supplies", "infrastructure"]),
        }
        for y in years:
            p[f"cost_{y}"] = rng.choice([0, ""]) if (len(years) > 1 and rng.random() < 0.3) \
                else rng.randrange(100, 1600, 50)
        for k in criteria:
            p[f"score_{k}"] = _r1(rng.uniform(0, 10))
        p["risk"] = rng.choice(["", 0.0, 0.1, 0.2, 0.35, 0.6, 0.8])
        p["min_funding"] = "" if not on(0.3) else rng.choice([0.5, 0.25, 0.8])
        p["status"] = rng.choices(["", "candidate", "mandatory", "excluded"], [10, 3, 1, 1])[0]
        p["status_reason"] = ""
        p["exclusive_group"] = rng.choice(["", "", "", "g1", "g2"])
        p["requires"] = ""
        if i > 0 and on(0.15):
            p["requires"] = "; ".join(rng.sample([q["project_id"] for q in projects],
                                                 1 if rng.random() < 0.8 else min(2, i)))
        p["units_max"] = p["units_min"] = ""
        if on(0.15):
            umax = rng.randint(1, most_units)
            p["units_max"] = umax
            p["units_min"] = rng.choice(["", rng.randint(1, umax)])
        p["stage"] = rng.choices(["", "request", "survey", "agreed", "signed"], [12, 1, 1, 1, 1])[0]
        p["equipment_category"] = rng.choice(["", "", "not_defence_equipment"] + CATEGORIES)
        p["dispute_linked"] = rng.choices(["", "false", "true"], [12, 4, 1])[0]
        p["prior_consent"] = rng.choices(["", "true", "false"], [12, 4, 1])[0]
        p["un_charter"] = rng.choices(["", "true", "false"], [12, 4, 1])[0]
        p["mitigation"] = "" if rng.random() < 0.8 else "end-use monitoring"
        p["override"], p["override_reason"] = "false", ""
        if rng.random() < 0.1:
            p["override"], p["override_reason"] = "true", "waived for the test"
        projects.append(p)
    # a later project requiring an earlier one is acyclic; add a bundle now and then
    if n >= 3 and rng.random() < 0.1:
        a, b = rng.sample(range(n), 2)
        projects[a]["requires"] = _add_id(projects[a]["requires"], projects[b]["project_id"])
        projects[b]["requires"] = _add_id(projects[b]["requires"], projects[a]["project_id"])
    for p in projects:
        if p["status"] in ("mandatory", "excluded") and rng.random() < 0.5:
            p["status_reason"] = "forced for the test"

    requested = {y: sum(_num(p[f"cost_{y}"], 0.0) for p in projects) for y in years}
    policy: dict[str, Any] = {
        "name": f"docs model seed {seed}",
        "budget": {y: float(max(100, round(requested[y] * rng.uniform(0.3, 0.9) / 10) * 10))
                   for y in years},
        "eligibility": {},
        "objective": {
            "weights": {k: _r2(rng.uniform(0.1, 1.0)) for k in criteria},
            # a tier left out of the table is valued ×1 (docs/policy.md)
            "tier_multiplier": {str(t): rng.choice([1.0, 1.1, 1.3, 0.8]) for t in (1, 2, 3)
                                if rng.random() < 0.9},
            "risk_aversion": rng.choice([0.0, 0.5, 1.0, 1.0, 1.5]),
        },
        "priority": {},
        "balance": {},
        "portfolios": {"count": 3, "min_difference": rng.choice([1, 1, 2, 2, 3])},
    }
    el = policy["eligibility"]
    if on(0.15):
        el["fields"] = sorted(rng.sample(FIELDS, 6))
    for key in ("require_oda_eligible", "exclude_parties_to_conflict",
                "require_management_agreement", "require_un_charter", "exclude_dispute_linked"):
        if on(0.1):
            el[key] = False
    if on(0.2):
        el["equipment_categories"] = sorted(rng.sample(CATEGORIES, 3))
    if on(0.4):
        el["max_risk"] = rng.choice([0.3, 0.5, 0.6])
    for key in ("min_democracy", "min_rule_of_law", "min_human_rights"):
        if on(0.15):
            el[key] = rng.choice([3.0, 4.0, 5.0])
    ob = policy["objective"]
    if on(0.5):
        ob["considerations"] = {j: rng.choice([0.0, 0.5, 1.0, 2.0])
                                for j in rng.sample(CONSIDERATIONS, rng.randint(1, 5))}
        ob["consideration_strength"] = rng.choice([0.1, 0.3, 0.6])
    pr = policy["priority"]
    if on(0.2):
        pr["min_tier_share"] = {str(t): rng.choice([0.05, 0.1, 0.15])
                                for t in rng.sample([1, 2, 3], rng.randint(1, 2))}
    if on(0.15):
        pr["fund_every_tier"] = [rng.randint(1, 3)]
    if on(0.3):
        pr["max_country_share"] = rng.choice([0.3, 0.4, 0.6])
    if on(0.25):
        pr["min_countries"] = rng.randint(1, 2)
    if on(0.2):
        pr["max_countries"] = rng.randint(1, 4)
    if on(0.2):
        pr["min_package"] = float(rng.choice([200, 400, 700]))
    ba = policy["balance"]
    used_fields = sorted({f.strip() for p in projects for f in p["field"].split(";")})
    used_regions = sorted({c["region"] for c in countries})
    for key, names in (("min_field_share", used_fields), ("max_field_share", used_fields),
                       ("min_region_share", used_regions), ("max_region_share", used_regions)):
        if on(0.12):
            low = key.startswith("min")
            ba[key] = {g: (rng.choice([0.05, 0.1]) if low else rng.choice([0.3, 0.5]))
                       for g in rng.sample(names, 1)}
    rnd = Round(projects, countries, policy, seed)
    # most forced projects are valid ones: a forced project that is not eligible (or that
    # requires one that cannot be funded, or shares a group with another) is an input
    # error, kept now and then to check that osa-opt refuses it
    if rng.random() < 0.85:
        for _ in range(3):
            prj = documented_projects(rnd)
            if not input_errors(rnd, prj):
                break
            for row in rnd.projects:
                if prj[row["project_id"]].forced_in:
                    row["status"] = "" if row["status"] == "mandatory" else row["status"]
                    row["stage"] = "" if row["stage"] == "signed" else row["stage"]
                    row["status_reason"] = "" if row["status"] == "" else row["status_reason"]
    return rnd


def stress_round(seed: int) -> Round:
    """A medium round (15-60 projects, 4-9 partners, up to 30 units) bent towards the edges:
    ties everywhere (equal scores), values below zero (risk_aversion 2.5), a strong country
    factor, tiny smallest fractions, and a large min_difference."""
    g = random.Random(seed * 7 + 1)
    rnd = random_round(seed, boost=g.choice([1.0, 1.5, 2.0]), n_projects=g.randint(15, 60),
                       n_countries=g.randint(4, 9), most_units=g.choice([5, 12, 30]))
    rnd.policy["portfolios"]["count"] = 4
    if g.random() < 0.3:
        for p in rnd.projects:
            for k in list(p):
                if k.startswith("score_"):
                    p[k] = 5.0
    if g.random() < 0.3:
        rnd.policy["objective"]["risk_aversion"] = 2.5
    if g.random() < 0.3:
        rnd.policy["objective"]["considerations"] = {"democracy": 1.0, "bilateral_relations": 2.0}
        rnd.policy["objective"]["consideration_strength"] = 0.9
    if g.random() < 0.3:
        for p in rnd.projects:
            if p["min_funding"] != "":
                p["min_funding"] = 0.05
    rnd.policy["portfolios"]["min_difference"] = g.choice([1, 2, 3, 5])
    return rnd


def _r1(x: float) -> float:
    return round(x, 1)


def _r2(x: float) -> float:
    return round(x, 2)


def _add_id(cell: str, pid: str) -> str:
    ids = [s.strip() for s in cell.split(";") if s.strip()]
    return "; ".join(ids + ([pid] if pid not in ids else []))


def _num(cell: Any, default: float) -> float:
    return default if cell == "" or cell is None else float(cell)


def _flag(cell: Any, default: bool) -> bool:
    return default if cell == "" or cell is None else str(cell).lower() == "true"


# ---------------------------------------------------------------- writing a round


def write_round(rnd: Round, folder: Path, *, xlsx: bool = False) -> tuple[Path, Path]:
    """Write the round as a user would: CSV files in a folder (or a workbook) and a policy
    file. Returns (input path, policy path)."""
    folder.mkdir(parents=True, exist_ok=True)
    if xlsx:
        import openpyxl

        book = openpyxl.Workbook()
        book.remove(book.active)
        for name, rows in (("projects", rnd.projects), ("countries", rnd.countries)):
            sheet = book.create_sheet(name)
            header = list(rows[0])
            sheet.append(header)
            for row in rows:
                sheet.append([None if row[h] == "" else row[h] for h in header])
        path = folder / "round.xlsx"
        book.save(path)
    else:
        path = folder / "round"
        path.mkdir(exist_ok=True)
        for name, rows in (("projects", rnd.projects), ("countries", rnd.countries)):
            with open(path / f"{name}.csv", "w", newline="", encoding="utf-8") as fh:
                writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
                writer.writeheader()
                writer.writerows(rows)
    policy = folder / "policy.toml"
    policy.write_text(to_toml(file_policy(rnd)), encoding="utf-8")
    return path, policy


def overrides(rnd: Round) -> dict[str, Any]:
    """The policy keys a round gives as overrides (``--budget``/``--set``, ``overrides=``)
    rather than in its file: every third round moves its budget and its [priority] keys
    there, one entry below a table where the key is a table (``objective.weights.<k>``)."""
    if rnd.seed % 3 != 2:
        return {}
    out: dict[str, Any] = {f"budget.{y}": b for y, b in rnd.policy["budget"].items()}
    out |= {f"priority.{k}": v for k, v in rnd.policy.get("priority", {}).items()}
    k = next(iter(rnd.policy["objective"]["weights"]))
    out[f"objective.weights.{k}"] = rnd.policy["objective"]["weights"][k]
    return out


def file_policy(rnd: Round) -> dict[str, Any]:
    """The policy as its file holds it: without what ``overrides`` gives (a weight the
    override sets is 0 in the file; a budget year keeps a placeholder amount)."""
    moved = overrides(rnd)
    if not moved:
        return rnd.policy
    out = {s: (dict(t) if isinstance(t, dict) else t) for s, t in rnd.policy.items()}
    out["budget"] = {y: 1.0 for y in out["budget"]}
    out["priority"] = {}
    out["objective"]["weights"] = dict(out["objective"]["weights"])
    for key in moved:
        if key.startswith("objective.weights."):
            out["objective"]["weights"][key.rsplit(".", 1)[1]] = 0.0
    return out


def to_toml(policy: dict[str, Any]) -> str:
    lines = [f"name = {_toml(policy['name'])}"]
    for section, table in policy.items():
        if section == "name":
            continue
        lines.append(f"[{section}]")
        lines += [f"{key} = {_toml(value)}" for key, value in table.items()]
    return "\n".join(lines) + "\n"


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace('"', '\\"') + '"'
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f'"{k}" = {_toml(v)}' for k, v in value.items()) + " }"
    raise TypeError(value)


# ---------------------------------------------------------------- the documented model


@dataclass
class Project:
    pid: str
    country: str
    fields: list[str]
    cost: dict[str, float]
    value: float
    low: float  # smallest funded fraction when funded
    units_max: int | None  # funded in whole units: units_max (units_min/units_max = low)
    forced_in: bool
    requires: list[str]
    group: str
    reasons: list[str] = field(default_factory=list)

    @property
    def total(self) -> float:
        return sum(self.cost.values())


def country_factor(rnd: Round, c: dict[str, Any]) -> float:
    """1 + strength·Σ_j g_j·(a_j − 5)/5 / Σ_j g_j (1 with no consideration weighed)."""
    g = rnd.pol("objective", "considerations", {})
    strength = rnd.pol("objective", "consideration_strength", 0.0)
    total = sum(g.values())
    if not total:
        return 1.0
    mean = sum(w * (_num(c.get(j, ""), 5.0) - 5.0) / 5.0 for j, w in g.items()) / total
    return 1.0 + strength * mean


def documented_projects(rnd: Round) -> dict[str, Project]:
    """Every project with its documented value, funding range and eligibility reasons."""
    countries = {c["country"]: c for c in rnd.countries}
    weights = rnd.pol("objective", "weights", {"security": 0.4, "humanitarian": 0.3,
                                               "partnership": 0.3})
    tier_mult = rnd.pol("objective", "tier_multiplier", {"1": 1.0, "2": 1.0, "3": 1.0})
    aversion = rnd.pol("objective", "risk_aversion", 1.0)
    years = list(rnd.policy["budget"])
    out: dict[str, Project] = {}
    for row in rnd.projects:
        c = countries[row["country"]]
        risk = _num(row.get("risk", ""), 0.0)
        value = (sum(w * float(row[f"score_{k}"]) for k, w in weights.items())
                 * tier_mult.get(str(c["priority_tier"]), 1.0) * country_factor(rnd, c)
                 * (1 - aversion * risk))
        units_max = None if row.get("units_max", "") == "" else int(row["units_max"])
        if units_max is not None:
            low = _num(row.get("units_min", ""), 1.0) / units_max
        else:
            low = _num(row.get("min_funding", ""), 1.0)
        p = Project(
            pid=row["project_id"], country=row["country"],
            fields=[f.strip() for f in row["field"].split(";") if f.strip()],
            cost={y: _num(row.get(f"cost_{y}", ""), 0.0) for y in years},
            value=value, low=low, units_max=units_max if units_max and low < 1 else None,
            forced_in=row.get("status", "") == "mandatory" or row.get("stage", "") == "signed",
            requires=[q.strip() for q in str(row.get("requires", "")).split(";") if q.strip()],
            group=str(row.get("exclusive_group", "")),
        )
        p.reasons = ineligibility(rnd, row, c)
        out[p.pid] = p
    return out


def ineligibility(rnd: Round, row: dict[str, Any], c: dict[str, Any]) -> list[str]:
    """Every documented reason a project cannot be funded (empty: eligible)."""
    el = rnd.policy.get("eligibility", {})
    reasons = []
    if row.get("status", "") == "excluded":
        reasons.append("status excluded")
    fields = el.get("fields", FIELDS)
    if any(f.strip() not in fields for f in row["field"].split(";") if f.strip()):
        reasons.append("field")
    if el.get("exclude_parties_to_conflict", True) and _flag(c["party_to_conflict"], False):
        reasons.append("party to a conflict")
    category = row.get("equipment_category", "")
    if category not in ("", "not_defence_equipment") \
            and category not in el.get("equipment_categories", CATEGORIES):
        reasons.append("equipment category")
    if el.get("require_un_charter", True) and not _flag(row.get("un_charter", ""), True):
        reasons.append("UN Charter")
    consent = _flag(row.get("prior_consent", ""), _flag(c["management_agreement"], False))
    if el.get("require_management_agreement", True) and not consent:
        reasons.append("prior consent")
    if el.get("exclude_dispute_linked", True) and _flag(row.get("dispute_linked", ""), False):
        reasons.append("dispute")
    # waivable: by the country's or the project's override (the risk limit: the project's)
    own = _flag(row.get("override", ""), False)
    waived = own or _flag(c.get("override", ""), False)
    if not waived:
        if el.get("require_oda_eligible", True) and not _flag(c["oda_eligible"], False):
            reasons.append("ODA")
        for key in ("democracy", "rule_of_law", "human_rights"):
            if float(c[key]) < el.get(f"min_{key}", 0.0):
                reasons.append(f"{key} below threshold")
    if _num(row.get("risk", ""), 0.0) > el.get("max_risk", 1.0) and not own \
            and not str(row.get("mitigation", "")).strip():
        reasons.append("risk")
    return reasons


def input_errors(rnd: Round, prj: dict[str, Project]) -> list[str]:
    """The documented validation rules a random round can break (docs/inputs.md, Cells)."""
    errors = []
    for r in rnd.projects:
        p = prj[r["project_id"]]
        if r.get("status", "") == "mandatory" and p.reasons:
            errors.append(f"mandatory {p.pid} not eligible")
        if r.get("stage", "") == "signed" and p.reasons:
            errors.append(f"signed {p.pid} not eligible or excluded")
        # a signed project is fixed in as a mandatory one is, for these two rules too
        fixed_in = r.get("status", "") == "mandatory" or (
            r.get("stage", "") == "signed" and r.get("status", "") != "excluded")
        if fixed_in:
            seen, todo = set(), list(p.requires)
            while todo:
                q = todo.pop()
                if q in seen:
                    continue
                seen.add(q)
                if prj[q].reasons:  # excluded or ineligible: never funded
                    errors.append(f"fixed-in {p.pid} requires {q}, which cannot be funded")
                todo += prj[q].requires
    groups: dict[str, int] = {}
    for r in rnd.projects:
        fixed_in = r.get("status", "") == "mandatory" or (
            r.get("stage", "") == "signed" and r.get("status", "") != "excluded")
        if fixed_in and r.get("exclusive_group", ""):
            groups[r["exclusive_group"]] = groups.get(r["exclusive_group"], 0) + 1
    errors += [f"fixed-in projects share group {g}" for g, k in groups.items() if k > 1]
    return errors


class Oracle:
    """Every portfolio of a round, by enumeration of the funded sets."""

    def __init__(self, rnd: Round):
        self.rnd = rnd
        self.all = documented_projects(rnd)
        self.prj = {k: p for k, p in self.all.items() if not p.reasons}
        self.ids = sorted(self.prj)
        self.budget = {y: float(b) for y, b in rnd.policy["budget"].items()}
        self.total_budget = sum(self.budget.values())
        self.countries = {c["country"]: c for c in rnd.countries}
        self._lp = _FractionLP(self)
        self._sets: list[tuple[float, frozenset[str], dict[str, float]]] | None = None

    # -- the rules on the funded set alone
    def set_ok(self, s: frozenset[str]) -> bool:
        pol = self.rnd.pol
        for p in self.prj.values():
            if p.forced_in and p.pid not in s:
                return False
        for pid in s:
            if any(q not in s for q in self.prj[pid].requires):
                return False  # a required project not funded (or not eligible)
        groups: dict[str, int] = {}
        for pid in s:
            g = self.prj[pid].group
            if g:
                groups[g] = groups.get(g, 0) + 1
                if groups[g] > 1:
                    return False
        funded = {self.prj[pid].country for pid in s}
        every = [int(t) for t in pol("priority", "fund_every_tier", [])]
        for c in {p.country for p in self.prj.values()}:
            if int(self.countries[c]["priority_tier"]) in every and c not in funded:
                return False
        if len(funded) < pol("priority", "min_countries", 0):
            return False
        most = pol("priority", "max_countries", 0)
        return not (most and len(funded) > most)

    def sets(self) -> list[tuple[float, frozenset[str], dict[str, float]]]:
        """(value, funded set, fractions) of every feasible funded set, best first."""
        if self._sets is None:
            out = []
            for k in range(len(self.ids) + 1):
                for combo in itertools.combinations(self.ids, k):
                    s = frozenset(combo)
                    if self.set_ok(s):
                        best = self._lp.best(s)
                        if best is not None:
                            out.append((best[0], s, best[1]))
            out.sort(key=lambda t: -t[0])
            self._sets = out
        return self._sets

    def best(self, avoid: list[frozenset[str]], d: int) -> tuple[float, frozenset[str]] | None:
        """The best portfolio differing from each set of ``avoid`` in at least d projects."""
        for value, s, _ in self.sets():
            if all(len(s ^ a) >= d for a in avoid):
                return value, s
        return None

    def value_of(self, s: frozenset[str]) -> float | None:
        for value, t, _ in self.sets():
            if t == s:
                return value
        return None

    # -- a portfolio as osa-opt reports it, checked against every documented rule
    def violations(self, funded: list[str], fractions: dict[str, float]) -> list[str]:
        s = frozenset(funded)
        out = []
        if not s <= set(self.ids):
            out.append(f"funds ineligible {sorted(s - set(self.ids))}")
            return out
        if not self.set_ok(s):
            out.append("breaks a rule on the funded set (forced, requires, group, tiers, "
                       "countries)")
        f = {pid: fractions.get(pid, 1.0) for pid in s}
        for pid, x in f.items():
            p = self.prj[pid]
            if x < p.low - TOL or x > 1 + TOL:
                out.append(f"{pid} fraction {x} outside [{p.low}, 1]")
            if p.units_max is not None and abs(x * p.units_max - round(x * p.units_max)) > 1e-6:
                out.append(f"{pid} fraction {x} is no whole number of {p.units_max} units")
        for row, (lo, hi) in self._lp.rows_of(s).items():
            level = sum(coef * f.get(pid, 0.0) for pid, coef in self._lp.coefs[row].items())
            scale = max(1.0, abs(lo) if lo > -math.inf else 0, abs(hi) if hi < math.inf else 0)
            if level < lo - TOL * scale or level > hi + TOL * scale:
                out.append(f"{row}: {level} outside [{lo}, {hi}]")
        return out

    def reported(self, entry: dict[str, Any], f: dict[str, float],
                 first: dict[str, Any]) -> list[str]:
        """What a portfolio reports against its documented definitions (outputs.md, run.json
        ``portfolios``): cost per year and in all, budget left, counts, packages, share of
        the best, added and dropped."""
        out = []
        funded = list(entry["projects"])

        def cost(y: str, ids: list[str]) -> float:
            return sum(self.prj[p].cost[y] * f.get(p, 1.0) for p in ids)

        def close(a: float, b: float, scale: float = 1.0) -> bool:
            return abs(a - b) <= 1e-6 * max(1.0, scale)

        for y, b in self.budget.items():
            c = cost(y, funded)
            if not close(entry["cost_by_year"][y], c, b):
                out.append(f"cost_by_year[{y}] {entry['cost_by_year'][y]}, documented {c}")
            left = 0.0 if abs(b - c) <= 1e-6 * b else b - c
            if not close(entry["budget_left"][y], left, b):
                out.append(f"budget_left[{y}] {entry['budget_left'][y]}, documented {left}")
        total = sum(cost(y, funded) for y in self.budget)
        if not close(entry["total_cost"], total, self.total_budget):
            out.append(f"total_cost {entry['total_cost']}, documented {total}")
        countries = {self.prj[p].country for p in funded}
        if entry["n_projects"] != len(funded) or entry["n_countries"] != len(countries):
            out.append(f"n_projects/n_countries {entry['n_projects']}/{entry['n_countries']}, "
                       f"documented {len(funded)}/{len(countries)}")
        packages = {k["country"]: k for k in entry["packages"]}
        if set(packages) != countries:
            out.append(f"packages of {sorted(packages)}, funded partners {sorted(countries)}")
        for c, k in packages.items():
            ids = [p for p in funded if self.prj.get(p) and self.prj[p].country == c]
            if sorted(k["projects"]) != sorted(ids) or not close(
                    k["total_cost"], sum(cost(y, ids) for y in self.budget), self.total_budget):
                out.append(f"package of {c}: {k['projects']} ¥{k['total_cost']}, "
                           f"documented {ids}")
            for y, b in self.budget.items():  # its funded cost in each fiscal year
                if not close(k["cost_by_year"].get(y, math.nan), cost(y, ids), b):
                    out.append(f"package of {c}: cost_by_year[{y}] {k['cost_by_year'].get(y)}"
                               f", documented {cost(y, ids)}")
        sizes = [k["total_cost"] for k in entry["packages"]]
        if sizes != sorted(sizes, reverse=True):
            out.append(f"packages not largest first: {sizes}")
        # docs/outputs.md: objective / portfolio 1's; 1 for portfolio 1, null for a later
        # one when portfolio 1 is worth 0 or less
        if entry["objective"] == first["objective"]:
            share = 1.0
        else:
            share = entry["objective"] / first["objective"] if first["objective"] > 0 else None
        if (share is None) != (entry["share_of_best"] is None) or (
                share is not None and not close(entry["share_of_best"], share)):
            out.append(f"share_of_best {entry['share_of_best']}, documented {share}")
        one = set(first["projects"])
        if sorted(entry["added"]) != sorted(set(funded) - one) or \
                sorted(entry["dropped"]) != sorted(one - set(funded)):
            out.append(f"added/dropped {entry['added']}/{entry['dropped']}")
        return out

    def by_field(self, funded: list[str], f: dict[str, float]) -> dict[str, float]:
        """Funded cost by field, a project of n fields counting 1/n of its cost in each."""
        out: dict[str, float] = {}
        for p in funded:
            prj = self.prj[p]
            for g in prj.fields:
                out[g] = out.get(g, 0.0) + prj.total * f.get(p, 1.0) / len(prj.fields)
        return out

    def value(self, funded: list[str], fractions: dict[str, float]) -> float:
        return sum(self.prj[p].value * fractions.get(p, 1.0) for p in funded)

    def feasible_value(self) -> float | None:
        best = self.best([], 1)
        return None if best is None else best[0]


class _FractionLP:
    """For a funded set, the best fractions: maximize Σ v·f over f in [low, 1] (whole units
    where given) under the budget, tier, country, field, region and package rows."""

    def __init__(self, oracle: Oracle):
        self.o = oracle
        rnd, prj = oracle.rnd, oracle.prj
        pol = rnd.pol
        B = oracle.total_budget
        coefs: dict[str, dict[str, float]] = {}
        bounds: dict[str, tuple[float, float]] = {}

        def add(name: str, members: dict[str, float], lo: float, hi: float) -> None:
            coefs[name], bounds[name] = members, (lo, hi)

        for y, b in oracle.budget.items():
            add(f"budget[{y}]", {p: prj[p].cost[y] for p in prj}, -math.inf, b)
        tier = {c: int(row["priority_tier"]) for c, row in oracle.countries.items()}
        for t, share in pol("priority", "min_tier_share", {}).items():
            add(f"tier_share[{t}]", {p: prj[p].total for p in prj
                                     if tier[prj[p].country] == int(t)}, share * B, math.inf)
        cap_all = pol("priority", "max_country_share", 1.0)
        for c, row in oracle.countries.items():
            cap = min(cap_all, _num(row.get("max_share", ""), 1.0))
            add(f"country_cap[{c}]", {p: prj[p].total for p in prj if prj[p].country == c},
                -math.inf, cap * B)
        for key, sense in (("min_field_share", 1), ("max_field_share", -1)):
            for g, share in pol("balance", key, {}).items():
                members = {p: prj[p].total / len(prj[p].fields) for p in prj
                           if g in prj[p].fields}
                add(f"{key}[{g}]", members, *((share * B, math.inf) if sense > 0
                                              else (-math.inf, share * B)))
        region = {c: row["region"] for c, row in oracle.countries.items()}
        for key, sense in (("min_region_share", 1), ("max_region_share", -1)):
            for r, share in pol("balance", key, {}).items():
                members = {p: prj[p].total for p in prj if region[prj[p].country] == r}
                add(f"{key}[{r}]", members, *((share * B, math.inf) if sense > 0
                                              else (-math.inf, share * B)))
        self.package = pol("priority", "min_package", 0.0)
        for c in oracle.countries:
            add(f"package[{c}]", {p: prj[p].total for p in prj if prj[p].country == c},
                -math.inf, math.inf)
        self.coefs, self.bounds = coefs, bounds
        self.ids = oracle.ids
        self.col = {p: i for i, p in enumerate(self.ids)}
        h = highspy.Highs()
        h.setOptionValue("output_flag", False)
        h.setOptionValue("mip_rel_gap", 0.0)
        h.setOptionValue("threads", 1)
        inf = highspy.kHighsInf
        for p in self.ids:
            h.addVar(0.0, 1.0)
            h.changeColCost(self.col[p], -prj[p].value)
        self.unit_col: dict[str, int] = {}
        for p in self.ids:  # f = u / units_max, u whole
            if prj[p].units_max is not None:
                j = h.getNumCol()
                h.addVar(0.0, float(prj[p].units_max))
                h.changeColIntegrality(j, highspy.HighsVarType.kInteger)
                self.unit_col[p] = j
                h.addRow(0.0, 0.0, 2, np.array([self.col[p], j], dtype=np.int32),
                         np.array([float(prj[p].units_max), -1.0]))
        self.row: dict[str, int] = {}
        for name, members in coefs.items():
            idx = np.array([self.col[p] for p in members], dtype=np.int32)
            val = np.array(list(members.values()), dtype=float)
            self.row[name] = h.getNumRow()
            lo, hi = bounds[name]
            h.addRow(-inf if lo == -math.inf else lo, inf if hi == math.inf else hi,
                     len(idx), idx, val)
        self.h = h

    def rows_of(self, s: frozenset[str]) -> dict[str, tuple[float, float]]:
        """The rows' bounds when ``s`` is funded (a funded partner's package bound)."""
        out = dict(self.bounds)
        funded = {self.o.prj[p].country for p in s}
        for c in self.o.countries:
            out[f"package[{c}]"] = (self.package if (self.package and c in funded)
                                    else -math.inf, math.inf)
        return out

    def best(self, s: frozenset[str]) -> tuple[float, dict[str, float]] | None:
        prj = self.o.prj
        # fixed fractions: decide without a solve
        if all(prj[p].low >= 1 for p in s):
            f = {p: 1.0 for p in s}
            if self._fits(s, f):
                return sum(prj[p].value for p in s), f
            return None
        f_max = {p: 1.0 for p in s}
        if all(prj[p].value >= 0 for p in s) and self._fits(s, f_max):
            return sum(prj[p].value for p in s), f_max
        h, inf = self.h, highspy.kHighsInf
        for p in self.ids:
            lo, hi = (prj[p].low, 1.0) if p in s else (0.0, 0.0)
            h.changeColBounds(self.col[p], lo, hi)
            if p in self.unit_col:
                um = prj[p].units_max
                h.changeColBounds(self.unit_col[p], *((math.ceil(lo * um - 1e-9), um)
                                                      if p in s else (0.0, 0.0)))
        for name, (lo, hi) in self.rows_of(s).items():
            h.changeRowBounds(self.row[name], -inf if lo == -math.inf else lo,
                              inf if hi == math.inf else hi)
        h.clearSolver()
        h.run()
        if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return None
        x = h.getSolution().col_value
        f = {p: min(1.0, max(prj[p].low, x[self.col[p]])) for p in s}
        return -h.getInfo().objective_function_value, f

    def _fits(self, s: frozenset[str], f: dict[str, float]) -> bool:
        for name, (lo, hi) in self.rows_of(s).items():
            level = sum(c * f.get(p, 0.0) for p, c in self.coefs[name].items())
            scale = max(1.0, abs(lo) if lo > -math.inf else 0, abs(hi) if hi < math.inf else 0)
            if level < lo - 1e-9 * scale or level > hi + 1e-9 * scale:
                return False
        return True


# ---------------------------------------------------------------- osa-opt against the oracle


def compare(rnd: Round, folder: Path, *, xlsx: bool = False, cli: bool = False,
            mip: bool = False) -> list[str]:
    """Every disagreement between osa-opt (reading the round as a user would: through
    ``osa_opt.load_problem`` and ``osa_opt.solve``, or ``osa-opt solve --json``) and the
    documented model, as sentences; empty when they agree. ``mip``: the documented model's
    optima come from ``DocsMip`` (rounds too large to enumerate), not from enumeration."""
    path, policy = write_round(rnd, folder, xlsx=xlsx)
    oracle = Oracle(rnd)
    errors = input_errors(rnd, oracle.all)
    answer = _run_cli(path, policy, folder, rnd) if cli else _run_api(path, policy, rnd)
    if answer["status"] == "invalid":
        return [] if errors else [f"osa-opt refused a valid round: {answer['issues']}"]
    if errors:
        return [f"osa-opt accepted a round the docs call invalid: {errors}"]
    out = []
    if answer.get("eligible") is not None and answer["eligible"] != oracle.ids:
        out.append(f"eligible: osa-opt {answer['eligible']}, docs {oracle.ids}")
    for pid, count in (answer.get("reasons") or {}).items():
        if count != len(oracle.all[pid].reasons):  # every reason, not the first
            out.append(f"{pid}: osa-opt records {count} reasons, docs "
                       f"{oracle.all[pid].reasons}")
    for pid in oracle.ids:
        theirs = (answer.get("values") or {}).get(pid)
        if theirs is not None and not math.isclose(theirs, oracle.prj[pid].value,
                                                   rel_tol=1e-9, abs_tol=1e-9):
            out.append(f"{pid}: value {theirs}, documented {oracle.prj[pid].value}")
    status, portfolios = answer["status"], answer["portfolios"]
    count = rnd.policy["portfolios"]["count"]
    d = rnd.policy["portfolios"]["min_difference"]
    if mip:
        docs_mip = DocsMip(oracle)
        best = docs_mip.solve
    else:
        best = oracle.best
    first = best([], 1)
    expected = None if first is None else first[0]
    if expected is None:
        if status != "infeasible":
            out.append(f"docs: no portfolio meets the policy; osa-opt says {status}")
        return out
    if status != "optimal" or not portfolios:
        return out + [f"docs: optimum {expected:.6f}; osa-opt says {status}"]
    avoid: list[frozenset[str]] = []
    for entry in portfolios:
        rank = entry["rank"]
        funded = list(entry["projects"])
        fractions = {p: float(x) for p, x in (entry.get("fractions") or {}).items()}
        for p, u in (entry.get("units") or {}).items():
            if p in oracle.prj and oracle.prj[p].units_max:
                fractions[p] = u / oracle.prj[p].units_max
        want = best(avoid, d)
        if want is None:
            out.append(f"portfolio {rank}: docs say none differs from 1..{rank - 1} "
                       f"by {d}; osa-opt gives {sorted(funded)}")
            break
        objective = float(entry["objective"])
        if not math.isclose(objective, want[0], rel_tol=1e-6, abs_tol=1e-6):
            out.append(f"portfolio {rank}: osa-opt {objective:.6f} {sorted(funded)}, "
                       f"docs {want[0]:.6f} {sorted(want[1])}")
        broken = oracle.violations(funded, fractions)
        if broken:
            out.append(f"portfolio {rank} {sorted(funded)} breaks the documented rules: "
                       f"{broken}")
        else:
            mine = oracle.value(funded, fractions)
            if not math.isclose(mine, objective, rel_tol=1e-6, abs_tol=1e-6):
                out.append(f"portfolio {rank}: osa-opt says {objective:.6f}, the documented "
                           f"value of its fractions is {mine:.6f}")
            best_for_set = None if mip else oracle.value_of(frozenset(funded))
            if best_for_set is not None and best_for_set > objective + 1e-6 * max(1, objective):
                out.append(f"portfolio {rank}: its funded set is worth {best_for_set:.6f} "
                           f"with other fractions, osa-opt funds it for {objective:.6f}")
        out += [f"portfolio {rank}: {m}" for m in oracle.reported(entry, fractions,
                                                                  portfolios[0])]
        if "by_field" in entry:
            mine = {g: c for g, c in oracle.by_field(funded, fractions).items()}
            theirs = {g: c for g, c in entry["by_field"].items() if c or g in mine}
            if set(mine) != set(theirs) or any(
                    abs(mine[g] - theirs[g]) > 1e-6 * oracle.total_budget for g in mine):
                out.append(f"portfolio {rank}: allocation('field') {theirs}, documented {mine}")
            for g, share in entry["by_field_share"].items():
                if abs(share - entry["by_field"][g] / oracle.total_budget) > 1e-6:
                    out.append(f"portfolio {rank}: share_of_budget of {g} {share}")
        for a in avoid:
            if len(frozenset(funded) ^ a) < d:
                out.append(f"portfolio {rank} differs from an earlier one in "
                           f"{len(frozenset(funded) ^ a)} < {d} projects")
        avoid.append(frozenset(funded))
    more = best(avoid, d)
    if len(portfolios) < count and more is not None:
        out.append(f"osa-opt stops at {len(portfolios)} portfolios; docs find another: "
                   f"{more[0]:.6f} {sorted(more[1])}")
    return out


def _run_api(path: Path, policy: Path, rnd: Round) -> dict[str, Any]:
    import osa_opt
    from osa_opt.errors import InputError

    try:
        problem = osa_opt.load_problem(path, policy=policy, overrides=overrides(rnd) or None)
    except InputError as exc:
        return {"status": "invalid", "issues": [i.message() for i in exc.issues]}
    table = problem.eligibility
    result = osa_opt.solve(problem, portfolios=rnd.policy["portfolios"]["count"])
    portfolios = []
    for p in result.portfolios:
        entry = p.to_dict()
        by_field = p.allocation("field")
        entry["by_field"] = {str(g): float(c) for g, c in by_field["total_cost"].items()}
        entry["by_field_share"] = {str(g): float(c)
                                   for g, c in by_field["share_of_budget"].items()}
        portfolios.append(entry)
    return {"status": str(getattr(result.status, "value", result.status)),
            "eligible": sorted(str(p) for p in table.index[table["eligible"].astype(bool)]),
            "reasons": {str(p): len(r) for p, r in table["reasons"].items()},
            "values": {str(p): float(v) for p, v in problem.value.items()},
            "portfolios": portfolios}


def _run_cli(path: Path, policy: Path, folder: Path, rnd: Round) -> dict[str, Any]:
    """``osa-opt solve INPUT --policy FILE --out DIR --json`` (with ``--budget FY=AMOUNT``
    and ``--set KEY=VALUE`` for the round's overrides): run.json on stdout."""
    import json
    import subprocess
    import sys

    options = []
    for key, value in overrides(rnd).items():
        if key.startswith("budget."):
            options += ["--budget", f"{key.split('.', 1)[1]}={value:g}"]
        else:
            options += ["--set", f"{key}={_toml(value)}"]
    proc = subprocess.run([sys.executable, "-m", "osa_opt", "solve", str(path), "--policy",
                           str(policy), "--out", str(folder / "out"), "--json", *options],
                          capture_output=True, text=True, timeout=300)
    if proc.returncode == 2:
        return {"status": "invalid", "issues": proc.stderr[-2000:]}
    if proc.returncode not in (0, 3):
        raise RuntimeError(f"osa-opt solve exited {proc.returncode}: {proc.stderr[-2000:]}")
    run = json.loads(proc.stdout)
    return {"status": run["status"], "eligible": None, "portfolios": run["portfolios"]}




class DocsMip:
    """The documented model as a MIP of one's own (highspy's matrix API), for rounds too large
    to enumerate: x[p] binary, f[p] in [low·x, x] (= x when all or nothing), u[p] whole units,
    w[c] = 1 exactly when partner c gets a project; the rows of ``_FractionLP`` over f, and
    the rules on the funded set over x and w. ``solve(avoid, d)`` adds a no-good cut per
    funded set of ``avoid`` (plain cuts, no floor, no start) and returns (value, funded set)
    or None when nothing meets the policy."""

    def __init__(self, oracle: Oracle):
        self.o = oracle
        prj, ids = oracle.prj, oracle.ids
        self.coefs, self.bounds, self.package = _rows(oracle)
        h = highspy.Highs()
        h.setOptionValue("output_flag", False)
        h.setOptionValue("mip_rel_gap", 0.0)
        h.setOptionValue("threads", 1)
        h.setOptionValue("random_seed", 0)
        inf = highspy.kHighsInf
        n = len(ids)
        self.x = {p: i for i, p in enumerate(ids)}
        self.f = {p: n + i for i, p in enumerate(ids)}
        for p in ids:
            h.addVar(0.0, 1.0)
            h.changeColIntegrality(self.x[p], highspy.HighsVarType.kInteger)
        for p in ids:
            h.addVar(0.0, 1.0)
            h.changeColCost(self.f[p], -prj[p].value)

        def row(lo: float, hi: float, members: dict[int, float]) -> None:
            h.addRow(-inf if lo == -math.inf else lo, inf if hi == math.inf else hi,
                     len(members), np.array(list(members), dtype=np.int32),
                     np.array(list(members.values()), dtype=float))

        for p in ids:
            if prj[p].low >= 1:
                row(0.0, 0.0, {self.f[p]: 1.0, self.x[p]: -1.0})
            else:
                row(0.0, math.inf, {self.f[p]: 1.0, self.x[p]: -prj[p].low})
                row(-math.inf, 0.0, {self.f[p]: 1.0, self.x[p]: -1.0})
            if prj[p].units_max is not None:
                j = h.getNumCol()
                h.addVar(0.0, float(prj[p].units_max))
                h.changeColIntegrality(j, highspy.HighsVarType.kInteger)
                row(0.0, 0.0, {self.f[p]: float(prj[p].units_max), j: -1.0})
            if prj[p].forced_in:
                h.changeColBounds(self.x[p], 1.0, 1.0)
            for q in prj[p].requires:
                row(-math.inf, 0.0, {self.x[p]: 1.0, self.x[q]: -1.0} if q in prj
                    else {self.x[p]: 1.0})
        groups: dict[str, list[str]] = {}
        for p in ids:
            if prj[p].group:
                groups.setdefault(prj[p].group, []).append(p)
        for members in groups.values():
            row(-math.inf, 1.0, {self.x[p]: 1.0 for p in members})
        for name, members in self.coefs.items():
            if name.startswith("package["):
                continue
            lo, hi = self.bounds[name]
            row(lo, hi, {self.f[p]: c for p, c in members.items()})
        partners = sorted({prj[p].country for p in ids})
        self.w = {}
        for c in partners:
            j = h.getNumCol()
            h.addVar(0.0, 1.0)
            h.changeColIntegrality(j, highspy.HighsVarType.kInteger)
            self.w[c] = j
            own = [p for p in ids if prj[p].country == c]
            for p in own:
                row(-math.inf, 0.0, {self.x[p]: 1.0, j: -1.0})
            row(-math.inf, 0.0, {j: 1.0, **{self.x[p]: -1.0 for p in own}})
            if self.package:
                row(0.0, math.inf, {j: -self.package,
                                    **{self.f[p]: prj[p].total for p in own}})
        pol = oracle.rnd.pol
        every = [int(t) for t in pol("priority", "fund_every_tier", [])]
        for c in partners:
            if int(oracle.countries[c]["priority_tier"]) in every:
                row(1.0, math.inf, {self.w[c]: 1.0})
        least, most = pol("priority", "min_countries", 0), pol("priority", "max_countries", 0)
        if least:
            row(least, math.inf, {j: 1.0 for j in self.w.values()})
        if most:
            row(-math.inf, most, {j: 1.0 for j in self.w.values()})
        self.h = h
        self.base_rows = h.getNumRow()

    def solve(self, avoid: list[frozenset[str]], d: int) -> tuple[float, frozenset[str]] | None:
        h, inf = self.h, highspy.kHighsInf
        extra = h.getNumRow() - self.base_rows
        if extra:
            h.deleteRows(extra, np.arange(self.base_rows, h.getNumRow(), dtype=np.int32))
        for s in avoid:  # Σ_{p in s} (1 − x) + Σ_{p not in s} x ≥ d
            idx = np.array([self.x[p] for p in self.o.ids], dtype=np.int32)
            val = np.array([-1.0 if p in s else 1.0 for p in self.o.ids])
            h.addRow(d - len(s), inf, len(idx), idx, val)
        if not self.o.ids:  # nothing eligible: the empty portfolio, if no row needs more
            ok = not avoid and self.o.set_ok(frozenset()) \
                and all(lo <= 0 <= hi for lo, hi in self.bounds.values())
            return (0.0, frozenset()) if ok else None
        h.clearSolver()
        h.run()
        if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return None
        col = h.getSolution().col_value
        funded = frozenset(p for p in self.o.ids if col[self.x[p]] > 0.5)
        return -h.getInfo().objective_function_value, funded


def _rows(oracle: Oracle) -> tuple[dict[str, dict[str, float]], dict[str, tuple[float, float]],
                                    float]:
    lp = _FractionLP(oracle)
    return lp.coefs, lp.bounds, lp.package
