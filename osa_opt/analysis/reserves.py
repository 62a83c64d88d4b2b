"""The reserve list: what to sign next when part of portfolio 1 slips.

It is the top of the exact nested funding order above 100% of the budget, built from
portfolio 1 upward: one model holds a block per budget level (100%, then every
``RESERVE_STEP`` up to ``frontier.stop``, at least ``MIN_STOP``), the 100% block fixed to
portfolio 1 and nesting rows keeping whatever is funded at a level funded at every larger
one (:func:`osa_opt.analysis.funding_order.funding_order_model`). A project's place is the
first level at which it is funded, ties by value per ¥ (higher first), then id. So reserve
k+1 is what the policy would add next, with everything up to reserve k already added, and
every rule of the policy holds at each level.

Projects that require each other (a bundle) make one entry, at the place of the first.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pandas as pd

from osa_opt.analysis.funding_order import LevelSolver, funding_order_model
from osa_opt.inputs.requirement_rules import bundles
from osa_opt.text import percent

if TYPE_CHECKING:
    from osa_opt.inputs.problem import Problem

#: Budget step of the levels above 100% (a share of the policy budget).
RESERVE_STEP = 0.05
#: The largest level is at least this share of the budget.
MIN_STOP = 1.5


@dataclass
class ReserveList:
    """Ordered reserve entries (each a list of project ids) and their planned fractions."""

    entries: list[list[str]]
    fractions: dict[str, float]
    level_of: dict[str, float]
    status: str
    notes: list[str] = field(default_factory=list)
    cut_by_rules: bool = False  # True: the rules, not the last level, ended the list
    #: None while the budget still limits the last level; else the eligible projects of
    #: positive value left off the list, which a larger budget cannot bring in (the rules
    #: keep them out: an exclusive group's other item funded, a requirement, a maximum)
    kept_out_by_rules: list[str] | None = None


def reserve_shares(stop: float) -> dict[int, float]:
    """Level number -> budget share: 1 is 100%, then every RESERVE_STEP up to ``stop``."""
    top = max(stop, MIN_STOP)
    steps = math.ceil(round((top - 1.0) / RESERVE_STEP, 9))
    return {k + 1: round(1.0 + k * RESERVE_STEP, 9) for k in range(steps + 1)}


def reserve_list(problem: Problem, fractions: Mapping[str, float], count: int, *,
                 time_limit: float | None = None) -> ReserveList:
    """The first ``count`` reserve entries above portfolio 1 (``fractions``).

    >>> reserve_list(problem, result.best.fractions, 5).entries
    [['P-17']]
    """
    shares = reserve_shares(problem.policy.frontier.stop)
    solver, top = _largest_nested(problem, fractions, shares, time_limit)
    notes: list[str] = []
    value, cost = problem.value, problem.total_cost
    density = {p: value[p] / cost[p] if cost[p] > 0 else math.inf
               for p in problem.input_projects.index}
    first: dict[str, int] = {}
    planned: dict[str, float] = {}
    if solver is not None:
        for lv in range(2, top + 1):
            for p, f in solver.level_fractions[lv].items():
                if p not in fractions and p not in first:
                    first[p], planned[p] = lv, f
        status = "optimal"
        if top < max(shares):
            notes.append(f"Above {percent(shares[top])} of the budget the rules of the policy "
                         "cannot all be met (a minimum grows with the budget): the reserve "
                         "list stops there.")
    else:  # not even 105% meets every rule: rank what is left by value per ¥
        notes.append("No budget above 100% meets every rule of the policy; reserves are the "
                     "eligible projects left, by value per ¥.")
        for p in problem.eligible:
            if p not in fractions and value[p] > 0:
                first[p], planned[p] = len(shares) + 1, 1.0
        status = "infeasible"
    ordered = sorted(first, key=lambda p: (first[p], -density[p], p))
    group = {p: part for part in bundles(problem.input_projects) for p in part}
    entries: list[list[str]] = []
    placed: set[str] = set()
    for p in ordered:
        if p in placed:
            continue
        entry = [q for q in group.get(p, [p]) if q in first] or [p]
        placed.update(entry)
        entries.append(entry)
        if len(entries) == count:
            break
    if len(entries) < count and solver is not None:
        noun = "reserve entry" if len(entries) == 1 else "reserve entries"
        notes.append(f"Only {len(entries)} {noun} up to {percent(shares[top])} of the budget."
                     if entries else f"No reserve entry up to {percent(shares[top])} of the "
                     "budget: no budget up to there funds a project beyond portfolio 1.")
    kept_out = None
    if (solver is not None and top == max(shares) and len(entries) < count
            and not _maximum_shares(problem)):
        eligible = list(problem.eligible)
        need = problem.cost.loc[eligible].clip(lower=0).sum()  # every eligible item, per year
        if bool((problem.budget * shares[top] >= need - 1e-6).all()):
            kept_out = [p for p in eligible if p not in fractions and p not in first
                        and value[p] > 0]
    return ReserveList(entries, planned, {p: shares.get(lv, math.nan) for p, lv in first.items()},
                       status, notes, cut_by_rules=solver is None or top < max(shares),
                       kept_out_by_rules=kept_out)


def _maximum_shares(problem: Problem) -> bool:
    """Whether a maximum share of the budget (a country cap, a field's or a region's) holds:
    it grows with the budget, so a larger one may let a project in that it keeps out."""
    policy = problem.policy
    countries = problem.input_countries
    caps = countries["max_share"] if "max_share" in countries else []
    return (policy.priority.max_country_share < 1 or bool(policy.balance.max_field_share)
            or bool(policy.balance.max_region_share)
            or any(pd.notna(c) and float(c) < 1 for c in caps))


def _largest_nested(problem: Problem, fractions: Mapping[str, float], shares: dict[int, float],
                    time_limit: float | None) -> tuple[LevelSolver | None, int]:
    """The solved nested model over levels 1..top, top as large as the rules allow.

    Minimum shares grow with the budget, so a high level may be infeasible although the
    lower ones are not: the top level is found by bisection (feasibility only falls).
    """
    def solved(top: int) -> LevelSolver | None:
        levels = {lv: s for lv, s in shares.items() if lv <= top}
        model = funding_order_model(problem, levels, anchor=(1, dict(fractions)))
        solver = LevelSolver(problem, model, time_limit=time_limit)
        return solver if solver.solve_once().status.has_solution else None

    low, high = 1, max(shares)
    best = solved(high)
    if best is not None:
        return best, high
    while high - low > 1:  # level `low` is feasible (portfolio 1), `high` is not
        mid = (low + high) // 2
        got = solved(mid)
        if got is not None:
            low, best = mid, got
        else:
            high = mid
    return best, low
