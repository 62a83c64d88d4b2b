"""Synthetic OSA instances of any size, for the speed benchmarks (not tests).

The numbers follow the public record (DESIGN §1): project costs lognormal around ¥750m,
spread over one or more fiscal years; roughly one partner country per eight projects; all
nine fields of cooperation; a budget of about 55% of the requested cost in each year; and a
policy with the rules a real round uses (tier-1 share, country cap, distinct recipients, a
field minimum and a region minimum).

Validation: with ``validate=True`` the raw, sheet-shaped tables go through
:meth:`Problem.from_frames` (every check a user's workbook gets). That coerces every cell in
Python, about 15 s per 100,000 projects, so by default (``validate=False``) the typed frames
are built here and passed to ``Problem(...)`` directly. Both give the same Problem;
``python benchmarks/synthetic.py 1000 3 --check`` compares them.

>>> from benchmarks.synthetic import make_problem
>>> problem = make_problem(1_000, n_years=3, seed=0)
>>> len(problem.projects), len(problem.countries)
(1000, 125)
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

if __package__ in (None, ""):  # run as a script: make ``osa_opt`` importable from a checkout
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from osa_opt.inputs.policy import ASSISTANCE_TYPES, FIELDS, Policy
from osa_opt.inputs.problem import Problem
from osa_opt.inputs.schema import COUNTRY_COLUMNS, PROJECT_COLUMNS

REGIONS = ("Pacific Islands", "Southeast Asia", "South Asia", "Indian Ocean", "East Africa",
           "West Africa", "Latin America", "Central Asia")
CRITERIA = ("security", "humanitarian", "partnership")
FIRST_YEAR = 2026
PROJECTS_PER_COUNTRY = 8
MEDIAN_COST = 750.0          # ¥ million, median of the public record
COST_SIGMA = 0.6             # lognormal spread: 95% of projects between ¥230m and ¥2.4bn
BUDGET_SHARE = 0.55          # budget per year as a share of the cost requested that year
PARTIAL_SHARE = 0.10         # projects that may be funded in part
REQUIRES_SHARE = 0.02        # projects that require another one of the same country
GROUPED_SHARE = 0.04         # projects in an exclusive group (pairs and triples)
EXCLUDED_SHARE = 0.005
MANDATORY_SHARE = 0.002


def fiscal_years(n_years: int) -> list[str]:
    """``["FY2026", "FY2027", ...]``: ``n_years`` consecutive fiscal years."""
    return [f"FY{FIRST_YEAR + i}" for i in range(n_years)]


def make_policy(countries: pd.DataFrame, budget: dict[str, float], time_limit: float = 600.0
                ) -> Policy:
    """The policy of a synthetic round: the rules a real round sets, scaled to its size."""
    eligible = countries[countries["oda_eligible"] & ~countries["party_to_conflict"]
                         & countries["management_agreement"]]
    return Policy.from_dict({
        "name": f"Synthetic round ({len(countries)} countries)",
        "budget": budget,
        "eligibility": {"min_democracy": 3.0, "min_rule_of_law": 3.0, "min_human_rights": 3.0},
        "objective": {"weights": {"security": 0.4, "humanitarian": 0.3, "partnership": 0.3},
                      "tier_multiplier": {1: 1.3, 2: 1.1, 3: 1.0}, "risk_aversion": 1.0},
        "priority": {"min_tier_share": {1: 0.3}, "max_country_share": 0.1,
                     "min_countries": max(1, round(0.2 * len(eligible)))},
        "balance": {"min_field_share": {"disaster_relief": 0.05},
                    "min_region_share": {REGIONS[0]: 0.05}},
        "portfolios": {"count": 10, "min_difference": 2},
        "solver": {"time_limit": float(time_limit), "mip_rel_gap": 0.0, "threads": 1, "seed": 0},
    })


def _countries(n_countries: int, rng: np.random.Generator) -> pd.DataFrame:
    n_regions = int(rng.integers(5, 9))
    region = [REGIONS[i % n_regions] for i in range(n_countries)]  # every region has one
    rng.shuffle(region)
    governance = np.round(np.clip(rng.normal(6.0, 1.6, size=(n_countries, 3)), 0, 10), 1)
    return pd.DataFrame({
        "country": [f"Country {i + 1:05d}" for i in range(n_countries)],
        "region": region,
        "priority_tier": rng.choice([1, 2, 3], size=n_countries, p=[0.35, 0.35, 0.30]),
        "oda_eligible": rng.random(n_countries) > 0.05,
        "party_to_conflict": rng.random(n_countries) < 0.03,
        "management_agreement": rng.random(n_countries) > 0.05,
        "democracy": governance[:, 0],
        "rule_of_law": governance[:, 1],
        "human_rights": governance[:, 2],
        # a few partners carry their own, tighter cap
        "max_share": np.where(rng.random(n_countries) < 0.1, 0.05, np.nan),
        "_row": np.arange(2, n_countries + 2),
    })


def _costs(n: int, n_years: int, rng: np.random.Generator) -> np.ndarray:
    """Cost per project and year: a lognormal total spread over 1..n_years consecutive years."""
    total = np.clip(rng.lognormal(np.log(MEDIAN_COST), COST_SIGMA, n), 100.0, 5000.0)
    span = rng.integers(1, n_years + 1, size=n)
    start = (rng.random(n) * (n_years - span + 1)).astype(int)
    weights = rng.random((n, n_years)) + 0.2
    years = np.arange(n_years)
    active = (years >= start[:, None]) & (years < (start + span)[:, None])
    weights = np.where(active, weights, 0.0)
    return np.round(total[:, None] * weights / weights.sum(axis=1, keepdims=True), 1)


def _links(country_of: np.ndarray, rng: np.random.Generator, ids: list[str]
           ) -> tuple[list[str], list[str]]:
    """Requires (on an earlier project of the same country, so no cycles) and exclusive groups."""
    n = len(ids)
    requires = [""] * n
    groups = [""] * n
    members: dict[int, list[int]] = {}
    for i, c in enumerate(country_of):
        members.setdefault(int(c), []).append(i)
    n_group = 0
    for c_members in members.values():
        for pos, i in enumerate(c_members):
            if pos and rng.random() < REQUIRES_SHARE:
                requires[i] = ids[c_members[int(rng.integers(0, pos))]]
        free = [i for i in c_members if not requires[i]]
        while len(free) >= 3 and rng.random() < GROUPED_SHARE * len(c_members) / 2.5:
            size = int(rng.integers(2, 4))
            picked = rng.choice(len(free), size=size, replace=False)
            n_group += 1
            for k in sorted(picked, reverse=True):
                groups[free.pop(int(k))] = f"G{n_group:05d}"
    return requires, groups


def make_raw_frames(n_projects: int, n_years: int = 1, seed: int = 0
                    ) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, float]]:
    """Sheet-shaped ``projects`` and ``countries`` tables (as a user would type them) and the
    budget per fiscal year; deterministic for a seed."""
    rng = np.random.default_rng([seed, n_projects, n_years])
    n_countries = max(2, round(n_projects / PROJECTS_PER_COUNTRY))
    countries = _countries(n_countries, rng)
    years = fiscal_years(n_years)
    ids = [f"P-{i + 1:06d}" for i in range(n_projects)]
    country_of = rng.integers(0, n_countries, size=n_projects)
    field_of = rng.integers(0, len(FIELDS), size=n_projects)
    cost = _costs(n_projects, n_years, rng)
    # scores lean on the field: surveillance scores high on security, relief on humanitarian
    humanitarian_field = field_of >= 4
    base = rng.normal(5.5, 1.8, size=(n_projects, 3))
    base[:, 0] += np.where(humanitarian_field, -1.0, 1.5)
    base[:, 1] += np.where(humanitarian_field, 1.5, -1.0)
    scores = np.round(np.clip(base, 0, 10), 1)
    requires, groups = _links(country_of, rng, ids)
    status = np.full(n_projects, "candidate", dtype=object)
    reason = np.full(n_projects, "", dtype=object)
    draw = rng.random(n_projects)
    excluded = draw < EXCLUDED_SHARE
    status[excluded] = "excluded"
    reason[excluded] = "site not available"
    # mandatory: only projects that need nothing, sit in no group, in a partner that passes
    # every rule (validation rejects a mandatory project that is not eligible)
    ok = countries.iloc[country_of]
    passes = (ok["oda_eligible"].to_numpy() & ~ok["party_to_conflict"].to_numpy()
              & ok["management_agreement"].to_numpy()
              & (ok[["democracy", "rule_of_law", "human_rights"]].min(axis=1).to_numpy() >= 3))
    free = np.array([not r and not g for r, g in zip(requires, groups, strict=True)])
    mandatory = (draw > 1 - MANDATORY_SHARE) & passes & free & (cost.sum(axis=1) < 1500)
    status[mandatory] = "mandatory"
    reason[mandatory] = "summit commitment"
    projects = pd.DataFrame({
        "project_id": ids,
        "title": [f"{FIELDS[f].replace('_', ' ')} package" for f in field_of],
        "country": countries["country"].to_numpy()[country_of],
        "field": [FIELDS[f] for f in field_of],
        "assistance_type": rng.choice(ASSISTANCE_TYPES, size=n_projects, p=[0.7, 0.15, 0.15]),
        **{f"cost_{fy}": cost[:, j] for j, fy in enumerate(years)},
        **{f"score_{k}": scores[:, j] for j, k in enumerate(CRITERIA)},
        "risk": np.round(rng.beta(1.2, 8.0, n_projects), 2),
        "min_funding": np.where(rng.random(n_projects) < PARTIAL_SHARE,
                                rng.choice([0.3, 0.5, 0.7], size=n_projects), 1.0),
        "status": status,
        "status_reason": reason,
        "exclusive_group": groups,
        "requires": requires,
        "score_spread": np.round(rng.uniform(0, 1, n_projects), 1),
        "_row": np.arange(2, n_projects + 2),
    })
    budget = {fy: float(np.round(BUDGET_SHARE * cost[:, j].sum(), 0))
              for j, fy in enumerate(years)}
    return projects, countries, budget


def _typed(projects: pd.DataFrame, countries: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The frames validation would return (same columns, dtypes and index)."""
    p = projects.copy()
    p["requires"] = [tuple(r.split(";")) if r else () for r in p["requires"]]
    p = p.set_index("project_id")
    c = countries.set_index("country")
    for frame, columns in ((p, PROJECT_COLUMNS), (c, COUNTRY_COLUMNS)):
        for column in columns:  # optional columns the round leaves out get their default
            if column.name not in frame.columns and column.name != frame.index.name:
                blank = column.default is None and column.kind == "number"
                frame[column.name] = np.nan if blank else column.default
        frame["_row"] = frame.pop("_row")
    return p, c


def make_problem(n_projects: int, n_years: int = 1, seed: int = 0, *,
                 validate: bool = False, time_limit: float = 600.0) -> Problem:
    """A synthetic Problem with ``n_projects`` projects over ``n_years`` fiscal years.

    Parameters
    ----------
    n_projects, n_years : size of the instance.
    seed : the same seed (and size) always gives the same Problem.
    validate : run :meth:`Problem.from_frames` (every check a workbook gets; ~15 s per
        100,000 projects) instead of building the typed frames directly.
    time_limit : the policy's ``solver.time_limit``, seconds.

    Examples
    --------
    >>> problem = make_problem(100, n_years=1, seed=0)
    >>> problem.fiscal_years
    ['FY2026']
    """
    projects, countries, budget = make_raw_frames(n_projects, n_years, seed)
    policy = make_policy(countries, budget, time_limit)
    if validate:
        return Problem.from_frames(projects, countries, policy)
    typed_projects, typed_countries = _typed(projects, countries)
    return Problem(typed_projects, typed_countries, policy)


def _check(n_projects: int, n_years: int, seed: int) -> int:
    """Compare the direct construction against validation (0 when they agree)."""
    import time

    t0 = time.perf_counter()
    direct = make_problem(n_projects, n_years, seed)
    t1 = time.perf_counter()
    checked = make_problem(n_projects, n_years, seed, validate=True)
    t2 = time.perf_counter()
    same_projects = direct.projects.equals(checked.projects[direct.projects.columns])
    same_countries = direct.countries.equals(checked.countries[direct.countries.columns])
    same_value = bool(np.allclose(direct.value, checked.value))
    print(f"{direct!r}\ndirect {t1 - t0:.2f} s, validated {t2 - t1:.2f} s; "
          f"projects equal: {same_projects}, countries equal: {same_countries}, "
          f"values equal: {same_value}, eligible: {len(direct.eligible)}")
    return 0 if same_projects and same_countries and same_value else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n_projects", type=int, nargs="?", default=1000)
    parser.add_argument("n_years", type=int, nargs="?", default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--check", action="store_true",
                        help="compare the direct construction against Problem.from_frames")
    args = parser.parse_args(argv)
    if args.check:
        return _check(args.n_projects, args.n_years, args.seed)
    problem = make_problem(args.n_projects, args.n_years, args.seed)
    print(problem, problem.summary(), sep="\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
