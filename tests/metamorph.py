"""Transformations of a round and comparisons of two runs, for tests/test_metamorphic.py.

Every transformation here is one the docs say leaves the answer as it was (or scales it):
money in another unit (docs/inputs.md: costs and budgets in ¥ million, at most 1e9;
docs/policy.md: ``priority.min_package`` the one policy amount in ¥ million, every other
rule a share), the rows in another order and the ids renamed (docs/model.md: columns in
project-id order), an excluded copy of a project (docs/inputs.md: ``excluded`` forces out).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

import osa_opt

#: Relative tolerance of two numbers that must agree (money compared after scaling).
REL = 1e-6
#: Absolute tolerance of a value, a fraction or a share (scores are 0-10, values ~1-100).
ABS = 1e-6

#: Columns that hold an amount in ¥ million, whatever the table (matched by prefix).
MONEY_PREFIXES = ("cost_", "left_", "budget_")
MONEY_COLUMNS = {"total_cost", "total_budget", "cost", "package", "spent", "left"}
#: Columns in the unit of their row (a rule's), so in ¥ million on a row of unit ¥ million.
MONEY_ROW_COLUMNS = {"bound", "activity", "slack", "relaxed_bound", "amount", "needed"}
#: Columns per ¥ million.
PER_MONEY = {"value_per_cost"}
#: Columns not compared: timings, prose with amounts in it, the solver's basis of an answer.
SKIP = {"seconds", "message", "reasons", "title", "label", "headline"}


def scale_money(problem: osa_opt.Problem, c: float) -> osa_opt.Problem:
    """The round with every amount in ¥ million (costs, budgets, ``min_package``) times c."""
    projects = problem.raw_projects().drop(columns="_row", errors="ignore")
    for fy in problem.fiscal_years:
        projects[f"cost_{fy}"] = projects[f"cost_{fy}"] * c
    countries = problem.raw_countries().drop(columns="_row", errors="ignore")
    overrides: dict[str, Any] = {f"budget.{fy}": float(b) * c
                                 for fy, b in problem.policy.budget.items()}
    if problem.policy.priority.min_package:
        overrides["priority.min_package"] = float(problem.policy.priority.min_package) * c
    base = osa_opt.Problem.from_frames(projects, countries, problem.policy)
    return base.with_policy(overrides=overrides)


def money_column(name: str) -> bool:
    return not name.endswith("_share") and (name in MONEY_COLUMNS
                                            or name.startswith(MONEY_PREFIXES))


def missing(a: Any) -> bool:
    return a is None or a is pd.NA or (isinstance(a, float) and math.isnan(a))


def close(a: Any, b: Any, rel: float = REL, abs_: float = ABS) -> bool:
    """Two cells agree: numbers within ``rel`` (relative) or ``abs_``, anything else equal."""
    if missing(a) or missing(b):
        return missing(a) and missing(b)
    if isinstance(a, (int, float, np.number)) and isinstance(b, (int, float, np.number)) \
            and not isinstance(a, (bool, np.bool_)) and not isinstance(b, (bool, np.bool_)):
        a, b = float(a), float(b)
        if not (math.isfinite(a) and math.isfinite(b)):
            return a == b
        return abs(a - b) <= max(abs_, rel * max(abs(a), abs(b)))
    try:
        return bool(a == b)
    except (TypeError, ValueError):
        return False


def table_differences(name: str, a: pd.DataFrame, b: pd.DataFrame, c: float = 1.0,
                      money_rows: Callable[[pd.DataFrame], pd.Series] | None = None,
                      skip: frozenset[str] = frozenset()) -> list[str]:
    """Cells of table ``a`` (the round as given) and ``b`` (money times c) that disagree:
    money columns compared after dividing b by c, per-money ones after multiplying."""
    out: list[str] = []
    if list(a.columns) != list(b.columns):
        return [f"{name}: columns {list(a.columns)} != {list(b.columns)}"]
    if len(a) != len(b):
        return [f"{name}: {len(a)} rows != {len(b)}"]
    if list(a.index) != list(b.index):
        return [f"{name}: index {list(a.index)[:8]} != {list(b.index)[:8]}"]
    scaled_rows = money_rows(a) if money_rows is not None else None
    for col in a.columns:
        if col in SKIP or col in skip:
            continue
        for i, (x, y) in enumerate(zip(a[col].tolist(), b[col].tolist(), strict=True)):
            factor = 1.0
            if money_column(str(col)) or (scaled_rows is not None and bool(scaled_rows.iloc[i])
                                          and col in MONEY_ROW_COLUMNS):
                factor = c
            elif col in PER_MONEY:
                factor = 1.0 / c
            if isinstance(y, (int, float, np.number)) and not isinstance(y, bool) \
                    and factor != 1.0 and not missing(y):
                y = float(y) / factor
            if not close(x, y):
                out.append(f"{name}[{a.index[i]!r}, {col!r}]: {x!r} != {y!r} (c={c:g})")
    return out


def portfolios_of(result: osa_opt.Result) -> list[tuple[float, dict[str, float]]]:
    return [(p.objective, {k: round(v, 6) for k, v in sorted(p.fractions.items()) if v > 0})
            for p in result.portfolios]


def portfolio_differences(a: osa_opt.Result, b: osa_opt.Result) -> list[str]:
    pa, pb = portfolios_of(a), portfolios_of(b)
    out = []
    if a.status.value != b.status.value:
        out.append(f"status {a.status.value} != {b.status.value}")
    if len(pa) != len(pb):
        out.append(f"{len(pa)} portfolios != {len(pb)}")
    for k, ((va, fa), (vb, fb)) in enumerate(zip(pa, pb, strict=False), 1):
        if not close(va, vb):
            out.append(f"portfolio {k} value {va!r} != {vb!r}")
        if fa != fb:
            out.append(f"portfolio {k} funds {fa} != {fb}")
    return out


def analysis_differences(a: osa_opt.Result, b: osa_opt.Result, c: float,
                         skip: frozenset[str] = frozenset()) -> list[str]:
    out: list[str] = []
    if sorted(a.analyses) != sorted(b.analyses):
        return [f"analyses {sorted(a.analyses)} != {sorted(b.analyses)}"]
    for key in a.analyses:
        ta, tb = a.analyses[key].tables(), b.analyses[key].tables()
        for name in ta:
            money_rows = (lambda t: t["unit"] == "¥ million") if "unit" in ta[name] else None
            out += table_differences(f"{key}.{name}", ta[name], tb[name], c, money_rows, skip)
    return out


def frames(problem: osa_opt.Problem) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The problem's sheets as raw tables (what a user types)."""
    return (problem.raw_projects().drop(columns="_row", errors="ignore"),
            problem.raw_countries().drop(columns="_row", errors="ignore"))


def renamed(problem: osa_opt.Problem, seed: int) -> tuple[osa_opt.Problem, dict[str, str]]:
    """The round with its rows shuffled and every project id and country renamed, in the
    same sorted order (ids order the model's columns, docs/model.md), so nothing may move."""
    rng = np.random.default_rng(seed)
    projects, countries = frames(problem)
    ids = sorted(projects["project_id"])
    new_ids = {p: f"R{k:03d}-{p.lower()}" for k, p in enumerate(ids)}
    names = sorted(countries["country"])
    new_names = {c: f"Land {k:02d} {c}" for k, c in enumerate(names)}
    projects["project_id"] = projects["project_id"].map(new_ids)
    projects["requires"] = ["; ".join(new_ids[r.strip()] for r in str(cell).split(";")
                                      if r.strip()) for cell in projects["requires"]]
    projects["country"] = projects["country"].map(new_names)
    countries["country"] = countries["country"].map(new_names)
    projects = projects.iloc[rng.permutation(len(projects))].reset_index(drop=True)
    countries = countries.iloc[rng.permutation(len(countries))].reset_index(drop=True)
    return osa_opt.Problem.from_frames(projects, countries, problem.policy), new_ids


def with_excluded_copy(problem: osa_opt.Problem, seed: int) -> tuple[osa_opt.Problem, str]:
    """The round with one project copied under a new id (last in id order) and the copy
    ``excluded`` (docs/inputs.md: forced out), outside every group and requirement."""
    rng = np.random.default_rng(seed)
    projects, countries = frames(problem)
    row = projects.iloc[[int(rng.integers(len(projects)))]].copy()
    copy_id = "ZZ-copy"
    row["project_id"] = copy_id
    row["status"] = "excluded"
    row["status_reason"] = "a copy, withdrawn"
    if "stage" in row:
        row["stage"] = ""
    row["exclusive_group"] = ""
    row["requires"] = ""
    projects = pd.concat([projects, row], ignore_index=True)
    return osa_opt.Problem.from_frames(projects, countries, problem.policy), copy_id


def scale_weights(problem: osa_opt.Problem, k: float) -> osa_opt.Problem:
    """The round with every criterion weight times k (every value times k, docs/model.md)."""
    weights = {c: float(w) * k for c, w in problem.policy.objective.weights.items()}
    return problem.with_policy(overrides={"objective.weights": weights})


def tight_budgets(problem: osa_opt.Problem, seed: int) -> osa_opt.Problem:
    """The round with each year's budget the cost of a random set of eligible projects, less
    0, 10^-7 or 3·10^-7 of it (by seed): budgets that bind, a hair short of a whole set,
    where HiGHS's tolerances of 10^-6 decide."""
    rng = np.random.default_rng(seed)
    eligible = list(problem.eligible)
    pick = [p for p in eligible if rng.random() < 0.5] or eligible[:1]
    short = (0.0, 1e-7, 3e-7)[seed % 3]
    overrides = {}
    for fy in problem.fiscal_years:
        total = float(problem.cost[fy].loc[pick].sum()) if pick else 0.0
        overrides[f"budget.{fy}"] = (total if total > 0 else 1.0) * (1 - short)
    return problem.with_policy(overrides=overrides)
