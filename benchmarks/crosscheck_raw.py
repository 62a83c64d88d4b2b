"""Cross-check osa-opt against ``raw_highs.py`` at sizes brute force cannot reach.

For each synthetic round (``benchmarks.synthetic``, written as CSV like ``bench_process``)
and each policy variant, this solves with ``osa_opt.solve`` and with the independent
matrix-API model of ``benchmarks/raw_highs.py`` (both at ``mip_rel_gap`` 0) and checks:

- **portfolio 1**: the same optimum (or both infeasible), and each side's funded set is
  feasible in the *other* formulation at the same value (the raw model with its ``x``
  columns fixed to osa-opt's set; osa-opt's model with ``x`` fixed to the raw one), so the
  funded sets may differ only on ties;
- **ranked portfolios** (``--ranked``): osa-opt's portfolios 2..k under ``min_difference``
  1 and 2 are checked step by step against raw HiGHS with plain no-good cuts: the raw
  optimum under the cuts of osa-opt's portfolios 1..k-1 must equal osa-opt's portfolio k
  (and be infeasible when osa-opt stops early); the values never increase; each portfolio
  differs from every earlier one in at least ``min_difference`` projects. This checks the
  value floor (``solving/value_bound.py``), the pool's starts and the start-misread guard
  (``highs_access.run_checked``) on rounds of hundreds of projects;
- **the budget frontier** (``--frontier``, in place of the portfolio-1 check: the policy
  budget is one of its levels): each level of ``analysis.frontier`` (one model rescaled
  through ``budget_scale``) against the raw model rebuilt with every fiscal year's budget
  scaled to the level's share (docs/frontier.md), the same optimum or both infeasible, and
  each side's funded set cross-evaluated at that level as for portfolio 1.

The variants switch on rules synthetic rounds leave off (fund-every-tier, field and region
caps, stricter gates and the country factor, the most partners, the smallest package) and
project data they lack (whole units, signed projects, several fields, equipment categories,
prior consent, UN Charter and dispute flags, mitigations and overrides).

    python benchmarks/crosscheck_raw.py                       # the default sweep (~10 min)
    python benchmarks/crosscheck_raw.py --sizes 300x2 --seeds 0-4 --variants all --ranked
    python benchmarks/crosscheck_raw.py --frontier --levels 0.25,0.6,1,1.3,1.5 --sizes 500x3
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script from a checkout
    sys.path.insert(0, str(ROOT))

import osa_opt  # noqa: E402
from benchmarks import raw_highs  # noqa: E402
from benchmarks.synthetic import REGIONS, make_policy, make_raw_frames  # noqa: E402
from osa_opt.solving.solver import Solver  # noqa: E402

REL = 1e-7  # both sides solve at mip_rel_gap 0; HiGHS's own tolerances are far below this
TIME_LIMIT = 120.0


# ------------------------------------------------------------------------------ variants
def rich_data(projects: pd.DataFrame, countries: pd.DataFrame, rng: np.random.Generator
              ) -> None:
    """Project and country columns synthetic rounds leave out, filled in place."""
    n = len(projects)
    pick = rng.random(n)
    fields = projects["field"].to_numpy(dtype=object)
    other = rng.choice(["disaster_relief", "search_and_rescue", "maritime_surveillance"], n)
    multi = (pick < 0.08) & (fields != other)
    projects["field"] = np.where(multi, [f"{a}; {b}" for a, b in zip(fields, other,
                                                                     strict=True)], fields)
    # whole units on projects that may be funded in part: units_min of units_max
    units = (projects["min_funding"] < 1) & (rng.random(n) < 0.6)
    top = rng.integers(2, 7, n)
    projects["units_max"] = np.where(units, top, np.nan)
    projects["units_min"] = np.where(units, np.maximum(1, top // 2), np.nan)
    projects.loc[units, "min_funding"] = 1.0
    projects["equipment_category"] = rng.choice(
        ["", "rescue", "transport", "warning", "surveillance", "minesweeping",
         "not_defence_equipment"], n, p=[0.4, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1])
    projects["dispute_linked"] = np.where(rng.random(n) < 0.02, "true", "")
    projects["prior_consent"] = rng.choice(["", "true", "false"], n, p=[0.9, 0.06, 0.04])
    projects["un_charter"] = np.where(rng.random(n) < 0.02, "false", "")
    risky = projects["risk"] > 0.2
    projects["mitigation"] = np.where(risky & (rng.random(n) < 0.5), "end-use monitoring", "")
    waived = (rng.random(n) < 0.03) & (projects["status"] == "candidate")
    projects["override"] = np.where(waived, "true", "")
    projects["override_reason"] = np.where(waived, "audited", "")
    forced = projects["status"] == "mandatory"  # must stay eligible under every variant
    projects.loc[forced, ["equipment_category", "dispute_linked", "prior_consent",
                          "un_charter"]] = ""
    projects.loc[forced, "mitigation"] = "end-use monitoring"
    projects.loc[forced, ["override", "override_reason"]] = ["true", "summit commitment"]
    m = len(countries)
    countries["economic_social"] = np.round(rng.uniform(0, 10, m), 1)
    countries["bilateral_relations"] = np.round(rng.uniform(0, 10, m), 1)


def sign_some(projects: pd.DataFrame, folder: Path, policy: Path,
              rng: np.random.Generator) -> None:
    """Mark a few eligible, unlinked, cheap projects signed (fixed in)."""
    problem = osa_opt.load_problem(folder, policy=policy)
    ok = [p for p in problem.eligible
          if not projects.loc[projects["project_id"] == p, "requires"].iloc[0]
          and not projects.loc[projects["project_id"] == p, "exclusive_group"].iloc[0]]
    chosen = rng.choice(ok, size=min(len(ok), max(1, len(projects) // 400)), replace=False)
    projects["stage"] = np.where(projects["project_id"].isin(chosen), "signed", "")


#: Policy overrides of a round, given its countries table.
Variant = Callable[[pd.DataFrame], dict[str, Any]]

VARIANTS: dict[str, tuple[Variant, bool]] = {  # name: (policy overrides, rich data?)
    "synthetic": (lambda c: {}, False),
    "tiers": (lambda c: {"priority.min_tier_share": {1: 0.25, 2: 0.15},
                         "priority.fund_every_tier": [2], "priority.max_country_share": 0.08},
              False),
    "shares": (lambda c: {"balance.max_field_share": {"maritime_surveillance": 0.07,
                                                      "disaster_relief": 0.09},
                          "balance.max_region_share": {REGIONS[1]: 0.1},
                          "balance.min_field_share": {"disaster_relief": 0.05,
                                                      "search_and_rescue": 0.03}}, False),
    "strict": (lambda c: {"eligibility.min_democracy": 4.5, "eligibility.max_risk": 0.3,
                          "priority.min_countries": 1, "priority.min_tier_share": {1: 0.1},
                          "objective.risk_aversion": 2.0,
                          "objective.tier_multiplier": {1: 2.0, 2: 1.0, 3: 0.5},
                          "objective.considerations": {"economic_social": 1.0,
                                                       "bilateral_relations": 2.0},
                          "objective.consideration_strength": 0.5,
                          "eligibility.equipment_categories": ["rescue", "warning"]},
               True),
    "partners": (lambda c: {"priority.max_countries": max(2, len(c) // 3),
                            "priority.min_countries": 1}, False),
    "package": (lambda c: {"priority.min_package": 1500.0}, True),
    "rich": (lambda c: {}, True),
}


def write_round(folder: Path, n: int, years: int, seed: int, variant: str) -> Path:
    rule, rich = VARIANTS[variant]
    projects, countries, budget = make_raw_frames(n, years, seed)
    projects, countries = projects.drop(columns="_row"), countries.drop(columns="_row")
    rng = np.random.default_rng([seed, n, years, 7])
    if rich:
        rich_data(projects, countries, rng)
    policy = make_policy(countries, budget, TIME_LIMIT)
    policy = policy.override(rule(countries))
    folder.mkdir(parents=True)
    path = folder / "policy.toml"
    path.write_text(policy.to_toml(), encoding="utf-8")
    projects.to_csv(folder / "projects.csv", index=False)
    countries.to_csv(folder / "countries.csv", index=False)
    if rich:
        sign_some(projects, folder, path, rng)
        projects.to_csv(folder / "projects.csv", index=False)
    return path


# ------------------------------------------------------------------------------ raw side
@dataclass
class Raw:
    """The raw model of a round, re-solvable with extra rows and fixed columns."""

    columns: dict
    rows: raw_highs.Rows
    ids: list[str]
    solver: dict
    cuts: list[tuple[list[tuple[int, float]], float]] = field(default_factory=list)

    @classmethod
    def of(cls, folder: Path, policy_path: Path, share: float = 1.0) -> Raw:
        """The raw model at ``share`` of the policy budget: every fiscal year's budget
        scaled alike, as docs/frontier.md scales a level (the rules stated as shares of
        the total budget follow it; ``min_package`` and the counts keep their values)."""
        policy = tomllib.loads(policy_path.read_text(encoding="utf-8"))
        policy["budget"] = {y: float(b) * share for y, b in policy["budget"].items()}
        columns, rows, ids = raw_highs.build(folder, policy)
        return cls(columns, rows, ids, policy["solver"])

    def funded_col(self) -> dict[str, int]:
        """Project id -> the column of its funded fraction: f[p] (the k-th partial column,
        linked to x[p] by rows 2k and 2k+1, ``f − x ≤ 0`` second) or x[p]."""
        n, rows = len(self.ids), self.rows
        col = {p: j for j, p in enumerate(self.ids)}
        k = 0
        while 2 * k + 1 < len(rows.starts):
            s = rows.starts[2 * k + 1]
            idx, val = rows.index[s:s + 2], rows.value[s:s + 2]
            if len(idx) < 2 or idx[0] != n + k or val != [1.0, -1.0]:
                break
            col[self.ids[idx[1]]] = n + k
            k += 1
        return col

    def add_cut(self, funded: frozenset[str], d: int) -> None:
        """Σ_{p∈S}(1−x_p) + Σ_{p∉S} x_p ≥ d over the x columns."""
        terms = [(j, -1.0 if p in funded else 1.0) for j, p in enumerate(self.ids)]
        self.cuts.append((terms, d - sum(1 for p in self.ids if p in funded)))

    def solve(self, fixed: dict[int, float] | None = None) -> tuple[str, float | None,
                                                                     list[float]]:
        rows = raw_highs.Rows()
        rows.lower, rows.upper = list(self.rows.lower), list(self.rows.upper)
        rows.starts, rows.index = list(self.rows.starts), list(self.rows.index)
        rows.value = list(self.rows.value)
        for terms, lower in self.cuts:
            rows.add(terms, lower, float("inf"))
        columns = dict(self.columns)
        if fixed:
            columns["lower"], columns["upper"] = list(columns["lower"]), list(columns["upper"])
            for j, v in fixed.items():
                columns["lower"][j] = columns["upper"][j] = v
        status, objective, x, *_ = raw_highs.solve(columns, rows, self.solver)
        return status, objective, x


def close(a: float, b: float) -> bool:
    return abs(a - b) <= REL * max(1.0, abs(a), abs(b))


# ------------------------------------------------------------------------------ checks
def check_best(folder: Path, policy_path: Path, notes: list[str]) -> list[str]:
    """Portfolio 1 of osa-opt against the raw optimum; returns the mismatches (and adds
    what was compared to ``notes``)."""
    problem = osa_opt.load_problem(folder, policy=policy_path)
    result = osa_opt.solve(problem, portfolios=1)
    raw = Raw.of(folder, policy_path)
    status, objective, x = raw.solve()
    notes.append(f"{len(problem.eligible)} eligible")
    if not result.portfolios:
        notes.append("infeasible")
        return [] if (status, objective) == ("Infeasible", None) else [
            f"osa-opt found none ({result.message}); raw {status} {objective}"]
    best = result.best
    if status != "Optimal" or objective is None or not close(best.objective, objective):
        return [f"portfolio 1: osa-opt {best.objective!r}, raw {status} {objective!r}"]
    raw_fractions = raw_fractions_of(raw, x)
    same = (set(best.fractions) == set(raw_fractions)
            and all(abs(f - raw_fractions[p]) <= 1e-6 for p, f in best.fractions.items()))
    notes.append(f"value {objective:.6g}, {len(best.fractions)} funded"
                 + ("" if same else ", tied sets"))
    return cross_evaluate(problem, raw, best.fractions, raw_fractions, objective)


def cross_evaluate(problem: osa_opt.Problem, raw: Raw, ours: set[str] | dict[str, float],
                   theirs: set[str] | dict[str, float], value: float,
                   solver: Solver | None = None) -> list[str]:
    """Each side's funded set fixed in the other side's model must be feasible there and,
    with the best fractions of its partly fundable projects, worth ``value``: osa-opt's in
    the raw model (its x columns fixed), the raw one in osa-opt's (``x`` fixed). The
    fractions are left to each model's LP: fixed to 9 printed digits they can overrun a
    budget row by more than HiGHS's feasibility tolerance. ``solver``: osa-opt's model to
    use (a frontier's, set to the level's budget); a fresh one at the policy budget if
    omitted."""
    problems = []
    status, objective, _ = raw.solve({j: float(p in ours) for j, p in enumerate(raw.ids)})
    if status != "Optimal" or objective is None or not close(objective, value):
        problems.append(f"osa-opt's portfolio in the raw model: {status} {objective!r}, "
                        f"not {value!r}")
    solver = Solver(problem) if solver is None else solver
    with solver.fixed({p: int(p in theirs) for p in solver.model.P}):
        out = solver.solve_once()
    if out.objective is None or not close(out.objective, value):
        problems.append(f"the raw portfolio in osa-opt's model: {out.status} "
                        f"{out.objective!r}, not {value!r}")
    return problems


def raw_fractions_of(raw: Raw, x: list[float]) -> dict[str, float]:
    """Funded project -> funded fraction of a raw solution."""
    cols = raw.funded_col()
    return {p: x[cols[p]] for j, p in enumerate(raw.ids) if x[j] > 0.5}


def check_frontier(folder: Path, policy_path: Path, shares: list[float],
                   notes: list[str]) -> list[str]:
    """osa-opt's frontier (``analysis.frontier``, one persistent model rescaled by
    ``budget_scale``) against the raw model rebuilt at each level's budget: the same
    optimum (or both infeasible) per level, and each side's funded set feasible and worth
    that optimum in the other's model at that level."""
    from osa_opt.analysis.frontier import frontier, set_budget_share

    problem = osa_opt.load_problem(folder, policy=policy_path)
    fr = frontier(problem, shares=shares)
    assert fr.solver is not None
    problems: list[str] = []
    met = 0
    for (level, row), out in zip(fr.points.iterrows(), fr.outcomes, strict=True):
        share = float(row["budget_share"])
        raw = Raw.of(folder, policy_path, share)
        status, objective, x = raw.solve()
        where = f"level {level} ({share:.4g})"
        if row["status"] == "infeasible":
            if (status, objective) != ("Infeasible", None):
                problems.append(f"{where}: osa-opt infeasible, raw {status} {objective!r}")
            continue
        value = float(row["value"])
        if row["status"] != "optimal" or status != "Optimal" or objective is None \
                or not close(value, objective):
            problems.append(f"{where}: osa-opt {row['status']} {value!r}, "
                            f"raw {status} {objective!r}")
            continue
        met += 1
        set_budget_share(fr.solver.model, problem, share)
        problems += [f"{where}: {text}" for text in cross_evaluate(
            problem, raw, out.fractions, raw_fractions_of(raw, x), value, fr.solver)]
    set_budget_share(fr.solver.model, problem, 1.0)
    notes.append(f"frontier: {met} of {len(fr.points)} levels met, values "
                 + " ".join(f"{v:.6g}" for v in fr.points["value"]))
    return problems


def check_ranked(folder: Path, policy_path: Path, count: int, d: int,
                 notes: list[str]) -> list[str]:
    """osa-opt's portfolios 2..count under min_difference d, against raw HiGHS with the
    no-good cuts of osa-opt's earlier portfolios."""
    problem = osa_opt.load_problem(folder, policy=policy_path)
    result = osa_opt.solve(problem, portfolios=count, min_difference=d)
    raw = Raw.of(folder, policy_path)
    problems: list[str] = []
    found = [frozenset(p.fractions) for p in result.portfolios]
    values = [p.objective for p in result.portfolios]
    notes.append(f"d={d}: {len(values)} portfolios"
                 + (f" down to {values[-1] / values[0]:.4%}" if values else ""))
    for k in range(1, len(values)):
        if values[k] > values[k - 1] + REL * max(1.0, abs(values[k - 1])):
            problems.append(f"portfolio {k + 1} worth more than {k}")
        for i in range(k):
            if len(found[k] ^ found[i]) < d:
                problems.append(f"portfolios {i + 1} and {k + 1} differ in "
                                f"{len(found[k] ^ found[i])} < {d}")
    for k in range(min(len(found) + 1, count)):
        status, objective, _ = raw.solve()
        if k < len(found):
            if status != "Optimal" or objective is None or not close(objective, values[k]):
                problems.append(f"d={d} portfolio {k + 1}: osa-opt {values[k]!r}, "
                                f"raw {status} {objective!r}")
                break
            raw.add_cut(found[k], d)
        elif status != "Infeasible":
            problems.append(f"d={d}: osa-opt stopped at {len(found)}, raw finds {status} "
                            f"{objective!r}")
    return problems


# ------------------------------------------------------------------------------ driver
def parse_range(text: str) -> list[int]:
    out: list[int] = []
    for part in text.split(","):
        a, _, b = part.partition("-")
        out += list(range(int(a), int(b or a) + 1))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="50x1,120x1,200x2,300x2,500x3,1000x3,2000x3")
    parser.add_argument("--seeds", default="0-4")
    parser.add_argument("--variants", default="all")
    parser.add_argument("--ranked", action="store_true", help="also check portfolios 2..k")
    parser.add_argument("--count", type=int, default=5, help="portfolios when ranked")
    parser.add_argument("--frontier", action="store_true",
                        help="check the frontier's levels instead of portfolio 1 alone")
    parser.add_argument("--levels", default="0.3,0.6,0.85,1,1.2",
                        help="frontier budget shares (1 is always added)")
    parser.add_argument("--budget", type=float, default=900.0,
                        help="stop starting new rounds after this many seconds")
    args = parser.parse_args(argv)
    variants = list(VARIANTS) if args.variants == "all" else args.variants.split(",")
    levels = [float(v) for v in args.levels.split(",")]
    t0 = time.perf_counter()
    failures = checked = 0
    with tempfile.TemporaryDirectory() as work:
        for size in args.sizes.split(","):
            n, years = (int(v) for v in size.split("x"))
            for seed in parse_range(args.seeds):
                for variant in variants:
                    if time.perf_counter() - t0 > args.budget:
                        print(f"time budget reached after {checked} rounds")
                        return 1 if failures else 0
                    folder = Path(work) / f"{size}-{seed}-{variant}"
                    t1 = time.perf_counter()
                    try:
                        path = write_round(folder, n, years, seed, variant)
                    except osa_opt.InputError as exc:
                        print(f"{size} seed {seed} {variant}: input rejected: {exc}")
                        continue
                    notes: list[str] = []
                    problems = (check_frontier(folder, path, levels, notes) if args.frontier
                                else check_best(folder, path, notes))
                    if args.ranked:
                        for d in (1, 2):
                            problems += check_ranked(folder, path, args.count, d, notes)
                    checked += 1
                    failures += bool(problems)
                    print(f"{size} seed {seed} {variant}: "
                          f"{'; '.join(problems) or 'agree'} "
                          f"({', '.join(notes)}; {time.perf_counter() - t1:.1f}s)",
                          flush=True)
    print(f"{checked} rounds, {failures} with mismatches, {time.perf_counter() - t0:.0f}s")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
