"""The smallest program that solves an OSA round with HiGHS alone (the whole-process yardstick).

    python benchmarks/raw_highs.py FOLDER POLICY.toml

reads ``FOLDER/projects.csv`` and ``FOLDER/countries.csv`` with the csv module and the
policy with tomllib, builds the model of docs/model.md with highspy's matrix API
(``addCols`` / ``addRows``), solves it with the policy's ``[solver]`` options and prints one
JSON line: status, objective, columns, rows, funded projects and its own stage times.

It builds the same MIP as ``osa-opt solve`` (eligibility: gates of law, waivable rules and
overrides, prior-consent and UN Charter flags, equipment categories, the risk limit and its
mitigation; values with the country factor of the considerations; fields split equally
among a project's fields; partial funding, budget per year, tier shares, fund-every-tier partners, country caps, field and region
shares, distinct recipients, requires, exclusive groups, mandatory and signed projects,
whole units, the most partners and the smallest package), so both must reach the same
optimum; ``bench_process.py`` checks that. It trusts its input: no
validation, no run folder, no explanations — what a user would otherwise write by hand.
It expects every policy key (``bench_process.py`` writes the policy as osa-opt used it).
"""

from __future__ import annotations

import csv
import json
import os
import sys
import time
import tomllib
from collections import defaultdict
from pathlib import Path
from typing import Any

TRUE = {"true", "yes", "y", "t", "1", "1.0"}
NOT_EQUIPMENT = "not_defence_equipment"
GOVERNANCE = (("democracy", "min_democracy"), ("rule_of_law", "min_rule_of_law"),
              ("human_rights", "min_human_rights"))


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def number(text: str | None, default: float) -> float:
    return default if text is None or not text.strip() else float(text)


def flag(text: str) -> bool:
    return text.strip().lower() in TRUE


def split(cell: str | None) -> list[str]:
    """``"a; b"`` -> ``["a", "b"]`` (several fields, several required projects)."""
    return [v.strip() for v in (cell or "").split(";") if v.strip()]


def factor(c: dict[str, str], objective: dict) -> float:
    """The country factor of docs/model.md: 1 + strength·(weighted mean of (a − 5)/5)."""
    weights = {k: w for k, w in objective.get("considerations", {}).items() if w > 0}
    strength = objective.get("consideration_strength", 0.0)
    if strength <= 0 or not weights:
        return 1.0
    mean = sum(w * (number(c.get(k), 5.0) - 5) / 5 for k, w in weights.items())
    return 1 + strength * mean / sum(weights.values())


def eligible(p: dict[str, str], country: dict, rules: dict) -> bool:
    """Every gate of law, and every waivable rule met or waived by an override (the
    country's covers its ODA status and governance, the project's also its risk)."""
    consent = p.get("prior_consent", "").strip()  # given: replaces the country's agreement
    agreement = flag(consent) if consent else country["agreement"]
    category = p.get("equipment_category", "").strip()
    override = flag(p.get("override", ""))
    risky = (number(p.get("risk"), 0.0) > rules["max_risk"]
             and not p.get("mitigation", "").strip())
    return (all(f in rules["fields"] for f in split(p["field"])) and country["law"]
            and (agreement or not rules["require_management_agreement"])
            and (country["waivable"] or override)
            and not (rules["require_un_charter"] and typed_false(p.get("un_charter", "")))
            and not (rules["exclude_dispute_linked"] and flag(p.get("dispute_linked", "")))
            and (category in ("", NOT_EQUIPMENT) or category in rules["equipment_categories"])
            and not (risky and not override)
            and p.get("status", "").strip().lower() != "excluded")


def typed_false(text: str) -> bool:
    """A flag typed as false (blank: not given)."""
    return bool(text.strip()) and not flag(text)


class Rows:
    """Rows in CSR form for ``Highs.addRows``."""

    def __init__(self) -> None:
        self.lower: list[float] = []
        self.upper: list[float] = []
        self.starts: list[int] = []
        self.index: list[int] = []
        self.value: list[float] = []

    def add(self, terms: list[tuple[int, float]], lower: float, upper: float) -> None:
        self.starts.append(len(self.index))
        for j, a in terms:
            if a != 0:
                self.index.append(j)
                self.value.append(a)
        self.lower.append(lower)
        self.upper.append(upper)


def build(folder: Path, policy: dict) -> tuple[dict, Rows, list[str]]:
    """Columns (cost, bounds, integrality) and rows of the round's MIP."""
    inf = float("inf")
    rules, objective = policy["eligibility"], policy["objective"]
    priority, balance = policy["priority"], policy["balance"]
    years = list(policy["budget"])
    budget = {y: float(b) for y, b in policy["budget"].items()}
    total_budget = sum(budget.values())

    countries = {}
    for c in read_csv(folder / "countries.csv"):
        waivable = ((not rules["require_oda_eligible"] or flag(c["oda_eligible"]))
                    and all(float(c[col]) >= rules[key] for col, key in GOVERNANCE))
        own = number(c.get("max_share"), inf)
        countries[c["country"]] = {
            "law": not (rules["exclude_parties_to_conflict"] and flag(c["party_to_conflict"])),
            "agreement": flag(c["management_agreement"]),
            "waivable": waivable or flag(c.get("override", "")),  # override: waived
            "tier": int(float(c["priority_tier"])), "region": c["region"],
            "factor": factor(c, objective), "cap": min(priority["max_country_share"], own)}
    weights = objective["weights"]
    multiplier = {int(t): m for t, m in objective["tier_multiplier"].items()}

    # columns: x[p] (binary) for each eligible project, then f[p] for partly fundable ones
    ids, funded, cost, total, value, info = [], [], [], [], [], []
    partial: list[tuple[int, float]] = []
    requires: list[tuple[str, list[str]]] = []
    mandatory: list[int] = []
    whole: list[tuple[int, int]] = []
    # in project-id order, as osa-opt builds its columns (osa_opt.model.data.by_id)
    for p in sorted(read_csv(folder / "projects.csv"), key=lambda r: r["project_id"]):
        country = countries[p["country"]]
        if not eligible(p, country, rules):
            continue
        j = len(ids)
        ids.append(p["project_id"])
        funded.append(j)
        cost.append([number(p.get(f"cost_{y}"), 0.0) for y in years])
        total.append(sum(cost[-1]))
        score = sum(number(p.get(f"score_{k}"), 0.0) * w for k, w in weights.items())
        value.append(score * multiplier.get(country["tier"], 1.0) * country["factor"]
                     * (1 - objective["risk_aversion"] * number(p.get("risk"), 0.0)))
        info.append((p["country"], country["tier"], split(p["field"]), country["region"],
                     p.get("exclusive_group", "").strip()))
        units = number(p.get("units_max"), 0.0)  # whole units: units_min of units_max at least
        share = (number(p.get("units_min"), 1.0) / units if units
                 else number(p.get("min_funding"), 1.0))
        if share < 1:
            partial.append((j, share))
            if units:
                whole.append((j, int(units)))
        needs = split(p.get("requires", ""))
        if needs:
            requires.append((p["project_id"], needs))
        if (p.get("status", "").strip().lower() == "mandatory"
                or p.get("stage", "").strip().lower() == "signed"):  # signed: fixed in
            mandatory.append(j)
    n = len(ids)
    col_cost, col_lower, col_upper = value[:] + [0.0] * len(partial), [0.0] * n, [1.0] * n
    rows = Rows()
    for k, (j, share) in enumerate(partial):  # min_funding·x ≤ f ≤ x
        f = n + k
        funded[j] = f
        col_lower.append(0.0)
        col_upper.append(1.0)
        col_cost[j], col_cost[f] = 0.0, value[j]
        rows.add([(j, share), (f, -1.0)], -inf, 0.0)  # as Pyomo writes it
        rows.add([(f, 1.0), (j, -1.0)], -inf, 0.0)

    for i, y in enumerate(years):  # budget per fiscal year
        if any(c[i] for c in cost):
            rows.add([(funded[j], cost[j][i]) for j in range(n)], -inf, budget[y])

    groups: dict[str, dict] = {"tier": defaultdict(list), "country": defaultdict(list),
                               "field": defaultdict(list), "region": defaultdict(list),
                               "exclusive": defaultdict(list)}
    share_of: dict[str, dict[int, float]] = {"field": defaultdict(lambda: 1.0), "region":
                                             defaultdict(lambda: 1.0)}  # of total cost
    for j, (country, tier, fields, region, group) in enumerate(info):
        groups["tier"][tier].append(j)
        groups["country"][country].append(j)
        for field in fields:  # a project of n fields counts 1/n of its cost in each
            groups["field"][field].append(j)
            share_of["field"][j] = 1 / len(fields)
        groups["region"][region].append(j)
        if group:
            groups["exclusive"][group].append(j)

    def spent(members: list[int], kind: str = "") -> list[tuple[int, float]]:
        part = share_of.get(kind)
        return [(funded[j], total[j] * part[j] if part else total[j]) for j in members]

    for t, share in sorted((int(t), s) for t, s in priority["min_tier_share"].items()):
        if share > 0:
            rows.add(spent(groups["tier"].get(t, [])), share * total_budget, inf)
    every = set(priority["fund_every_tier"])
    by_country = groups["country"]
    for c in sorted(by_country):
        if countries[c]["tier"] in every:
            rows.add([(j, 1.0) for j in by_country[c]], 1.0, inf)
    for c in sorted(by_country):
        limit = countries[c]["cap"] * total_budget  # a cap of 100% adds nothing
        if countries[c]["cap"] < 1 and sum(total[j] for j in by_country[c]) > limit + 1e-9:
            rows.add(spent(by_country[c]), -inf, limit)
    for kind in ("field", "region"):
        for g, share in sorted(balance[f"min_{kind}_share"].items()):
            if share > 0:
                rows.add(spent(groups[kind].get(g, []), kind), share * total_budget, inf)
        for g, share in sorted(balance[f"max_{kind}_share"].items()):
            terms = spent(groups[kind].get(g, []), kind)
            if sum(a for _, a in terms) > share * total_budget + 1e-9:
                rows.add(terms, -inf, share * total_budget)
    need = priority["min_countries"]
    if need > 0:  # z[c] ≤ Σ x[p] per country; Σ z ≥ min_countries
        first_z = len(col_cost)
        for k, c in enumerate(sorted(by_country)):
            col_cost.append(0.0)
            col_lower.append(0.0)
            col_upper.append(1.0)
            rows.add([(first_z + k, 1.0), *((j, -1.0) for j in by_country[c])], -inf, 0.0)
        rows.add([(first_z + k, 1.0) for k in range(len(by_country))], need, inf)
    position = {p: j for j, p in enumerate(ids)}
    for p, needs in requires:
        for q in needs:  # x[p] ≤ x[q]; x[p] ≤ 0 when q is not eligible
            terms = [(position[p], 1.0)] + ([(position[q], -1.0)] if q in position else [])
            rows.add(terms, -inf, 0.0)
    for g in sorted(groups["exclusive"]):
        members = groups["exclusive"][g]
        if len(members) > 1:
            rows.add([(j, 1.0) for j in members], -inf, 1.0)
    for j in mandatory:
        rows.add([(j, 1.0)], 1.0, 1.0)
    for j, units in whole:  # units·f[p] = u[p], u[p] integer in [0, units]
        col_cost.append(0.0)
        col_lower.append(0.0)
        col_upper.append(float(units))
        rows.add([(funded[j], float(units)), (len(col_cost) - 1, -1.0)], 0.0, 0.0)
    most, least = priority.get("max_countries", 0), priority.get("min_package", 0.0)
    if (most > 0 and len(by_country) > most) or least > 0:  # w[c]: c gets an agreement
        first_w = len(col_cost)
        for k, c in enumerate(sorted(by_country)):
            col_cost.append(0.0)
            col_lower.append(0.0)
            col_upper.append(1.0)
            for j in by_country[c]:
                rows.add([(j, 1.0), (first_w + k, -1.0)], -inf, 0.0)
            if least > 0:
                rows.add([*spent(by_country[c]), (first_w + k, -least)], 0.0, inf)
        if most > 0 and len(by_country) > most:
            rows.add([(first_w + k, 1.0) for k in range(len(by_country))], -inf, most)
    integer = list(range(n)) + list(range(n + len(partial), len(col_cost)))  # x, z, u, w
    columns = {"cost": col_cost, "lower": col_lower, "upper": col_upper, "integer": integer}
    return columns, rows, ids


def load(columns: dict, rows: Rows, solver: dict) -> Any:
    """A ``highspy.Highs`` holding the model, with the policy's ``[solver]`` options."""
    import highspy
    import numpy as np

    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    for key, value in (("time_limit", float(solver["time_limit"])),
                       ("mip_rel_gap", float(solver["mip_rel_gap"])),
                       ("threads", int(solver["threads"])),
                       ("random_seed", int(solver["seed"])),
                       # as osa-opt (osa_opt.solving.highs_access.SOLVE_OPTIONS): HiGHS
                       # 1.16's enumeration presolve off, which misjudged feasibility
                       ("presolve_rule_off", 1 << 16)):
        h.setOptionValue(key, value)
    n = len(columns["cost"])
    h.addCols(n, np.array(columns["cost"]), np.array(columns["lower"]),
              np.array(columns["upper"]), 0, np.array([], dtype=np.int32),
              np.array([], dtype=np.int32), np.array([], dtype=np.float64))
    integer = np.array(columns["integer"], dtype=np.int32)
    h.changeColsIntegrality(len(integer), integer,
                            np.full(len(integer), 1, dtype=np.uint8))  # kInteger
    h.addRows(len(rows.lower), np.array(rows.lower), np.array(rows.upper), len(rows.index),
              np.array(rows.starts, dtype=np.int32), np.array(rows.index, dtype=np.int32),
              np.array(rows.value, dtype=np.float64))
    h.changeObjectiveSense(highspy.ObjSense.kMaximize)
    return h


def solve(columns: dict, rows: Rows, solver: dict) -> tuple:
    saved = os.dup(1)
    os.dup2(2, 1)  # HiGHS's banner goes to fd 1 whatever output_flag says
    try:
        h = load(columns, rows, solver)
        t0 = time.perf_counter()
        h.run()
        run_s = time.perf_counter() - t0
    finally:
        os.dup2(saved, 1)
        os.close(saved)
    info = h.getInfo()
    has_solution = info.primal_solution_status == 2
    x = list(h.getSolution().col_value) if has_solution else []
    return (h.modelStatusToString(h.getModelStatus()),
            float(info.objective_function_value) if has_solution else None, x, run_s,
            int(info.mip_node_count))


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__.split("\n\n")[1].strip(), file=sys.stderr)
        return 2
    t0 = time.perf_counter()
    policy = tomllib.loads(Path(argv[1]).read_text(encoding="utf-8"))
    columns, rows, ids = build(Path(argv[0]), policy)
    t1 = time.perf_counter()
    status, objective, x, run_s, nodes = solve(columns, rows, policy["solver"])
    funded = sum(1 for j in range(len(ids)) if x and x[j] > 0.5)
    print(json.dumps({"status": status, "objective": objective, "columns": len(columns["cost"]),
                      "rows": len(rows.lower), "eligible": len(ids), "funded": funded,
                      "nodes": nodes, "read_build_s": round(t1 - t0, 3),
                      "highs_s": round(run_s, 3)}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
