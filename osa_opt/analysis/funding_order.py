"""Funding order: an optimal priority list that stays valid when the budget is cut.

One model holds a Block per budget level of the frontier sweep, each populated by the
same recipe as :func:`osa_opt.build_model` from the problem's numbers with the budget
scaled to that level. Nesting rows ``nested[p,l]: x[p,l] ≤ x[p,l']`` (l' the next larger
level) keep whatever is funded at a lower budget funded at every higher one; the objective
is Σ_l Σ_p v[p]·f[p,l]. A project's place in the funding line is the first level at which
it is funded (ties: higher value per ¥, then id). Beside each level stands the independent
optimum from the frontier; the difference is what the nesting costs there.

The rules can make a single nested order impossible although every level is feasible on
its own (an exclusive pair whose cheap member is needed at low budgets and whose rival at
high ones, say). Then the order must *restart* at some levels: ``restart[l]`` lifts the
nesting rows into level l, at a penalty larger than any value, so the fewest restarts are
used and none when a nested order exists. The report names the levels and what is dropped.

>>> from osa_opt.analysis.frontier import frontier
>>> from osa_opt.analysis.funding_order import funding_order
>>> fr = frontier(problem, shares=[0.5, 0.75, 1.0])
>>> order = funding_order(problem, fr)
>>> order.order[["project_id", "position", "country"]].head(3)
  project_id  position  country
0       P-11         1  Coralia
1       P-10         2  Coralia
2       P-37         3  Dravina
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd
import pyomo.core as pyo  # not pyomo.environ: its plugins cost start-up time

from osa_opt.analysis.base import Analysis
from osa_opt.analysis.frontier import FrontierAnalysis, scaled_data
from osa_opt.model.build import add_components, apply_extensions
from osa_opt.model.data import ModelData
from osa_opt.model.families import funded, value_expression
from osa_opt.result import FRACTION_TOL, Status
from osa_opt.solving.solver import Outcome, Solver
from osa_opt.text import json_number as _num
from osa_opt.text import shown_difference

if TYPE_CHECKING:
    from osa_opt.inputs.problem import Problem

#: A nesting cost smaller than this (relative to the level's value) is solver noise: shown as 0.
NOISE = 1e-7

_SOLVED = (Status.OPTIMAL.value, Status.TIME_LIMIT.value)


def funding_order_model(problem: Problem, shares: Mapping[int, float],
                        anchor: tuple[int, Mapping[str, float]] | None = None
                        ) -> pyo.ConcreteModel:
    """One model over the budget levels ``{level number: share of the policy budget}``.

    Block ``level[l]`` is the single-level model at that budget (same component names:
    ``level[3].budget[FY2026]``, ``level[3].x[P-01]``); ``nested[P-01,3]`` keeps P-01
    funded at the next larger level when it is funded at level 3, unless ``restart[l]``
    (l the next level) lifts it, which costs more than any portfolio is worth.
    ``anchor = (level, fractions)`` fixes that level to a given portfolio (portfolio 1 at
    the policy budget), so the levels below are what to cut from it and those above what
    to add to it.

    >>> m = funding_order_model(problem, {1: 0.5, 2: 1.0})
    >>> str(m.nested["P-01", 1].expr)
    'level[1].x[P-01]  <=  level[2].x[P-01] + restart[2]'
    """
    data = ModelData.from_problem(problem)
    levels = sorted(shares, key=lambda lv: (shares[lv], lv))
    m = pyo.ConcreteModel(name=f"{problem.policy.name}: funding order")
    m.osa = data
    m.L = pyo.Set(initialize=levels, ordered=True, doc="budget levels, smallest budget first")
    m.level = pyo.Block(m.L, doc="the single-level model at each budget level")
    for lv in levels:
        block = m.level[lv]
        block.osa = scaled_data(data, shares[lv])
        add_components(block, block.osa)
        apply_extensions(block, problem, where=f"the funding order's budget level {lv}")
    if anchor is not None and anchor[0] in m.level:
        fix_portfolio(m.level[anchor[0]], anchor[1])
    following = dict(zip(levels[:-1], levels[1:], strict=True))
    m.restart = pyo.Var(levels[1:], domain=pyo.Binary,
                        doc="the order restarts at this level (only when the rules force it)")
    pairs = [(p, lv) for lv in levels[:-1] for p in data.projects]
    m.nested = pyo.Constraint(
        pairs, rule=lambda m, p, lv: m.level[lv].x[p]
        <= m.level[following[lv]].x[p] + m.restart[following[lv]],
        doc="funded at a budget level stays funded at the next larger one")
    # more than any two chains of levels can differ in value (a project of negative value,
    # risk_aversion·risk > 1, widens that gap too): a restart is taken only when nothing
    # else fits, never to leave out a project of negative value that nesting keeps
    penalty = 1.0 + len(levels) * sum(abs(v) for v in data.value.values())
    m.value = pyo.Objective(
        expr=pyo.quicksum(value_expression(m.level[lv], data, data.value) for lv in levels)
        - penalty * pyo.quicksum(m.restart[lv] for lv in levels[1:]),
        sense=pyo.maximize)
    return m


def fix_portfolio(block: Any, fractions: Mapping[str, float]) -> None:
    """Fix one level's block to a portfolio: funded or not, each fraction at most as given.

    A fraction is an upper bound, not fixed: a solver's fractions meet the rows only
    within its feasibility tolerance (a binding budget overshot by 1e-6), and fixed at
    such values they make the block infeasible; bounded above, the block takes them (the
    portfolio is optimal there) or the nearest fractions that fit.
    """
    for p in block.P:
        share = float(fractions.get(p, 0.0))
        if not block.x[p].fixed:
            block.x[p].fix(1 if share > FRACTION_TOL else 0)
        if p in block.f:
            if share > FRACTION_TOL:
                block.f[p].setub(min(1.0, share))
            else:
                block.f[p].fix(0.0)


def block_fractions(block: Any, values: Any) -> dict[str, float]:
    """Funded fraction of each funded project of one level's block, from solver values."""
    out: dict[str, float] = {}
    for p in block.P:
        x = block.x[p].value if block.x[p].fixed else values.get(block.x[p], 0.0)
        if x is None or x < 0.5:
            continue
        var = funded(block, p)
        f = 1.0 if var is block.x[p] else min(1.0, max(0.0, float(values.get(var, 1.0))))
        out[p] = 1.0 if f > 1 - FRACTION_TOL else round(f, 9)
    return out


class LevelSolver(Solver):
    """The persistent solver, reading the funded fractions of every level's block."""

    level_fractions: dict[int, dict[str, float]]

    def read_fractions(self, values: Any) -> dict[str, float]:
        m = self.model
        self.level_fractions = {lv: block_fractions(m.level[lv], values) for lv in m.L}
        return self.level_fractions[m.L.last()] if len(m.L) else {}


@dataclass(eq=False, repr=False)
class FundingOrderAnalysis(Analysis):
    """The funding line and what nesting costs at each budget level.

    Attributes
    ----------
    order : DataFrame, one row per project funded at some level, by ``position`` (1..n;
        the index is a plain 0..n-1, as ``project_id`` and ``position`` are columns the
        report, workbook and run.json read, docs/api.md): ``project_id``, ``position``,
        ``level`` (budget share where first funded), ``level_number``, ``value``,
        ``total_cost``, ``value_per_cost``, ``title``, ``country``, ``dropped_at`` (level
        number where a restart drops it, else <NA>).
        Projects never funded get no position.
    levels : DataFrame indexed by level number, one row per level of the sweep:
        ``budget_share``, ``total_budget``, ``nested_value``, ``independent_value``,
        ``nesting_cost`` (independent − nested, ≥ 0), ``projects``, ``added`` (ids funded
        there but not at the level below), ``dropped`` (the reverse: only at a restart),
        ``restart``, ``status`` (a level the policy cannot meet is left out of the model
        and keeps the frontier's status).
    outcome : the solve of the multi-level model (status, gap, seconds).
    fractions : level number -> funded project -> fraction, as solved (nested on funding).
    """

    problem: Problem = field(repr=False)
    order: pd.DataFrame
    levels: pd.DataFrame
    outcome: Outcome | None = None
    fractions: dict[int, dict[str, float]] = field(default_factory=dict, repr=False)
    name: str = "funding_order"

    @property
    def restarts(self) -> list[int]:
        """Levels where the rules force the order to drop a project funded below."""
        return [int(lv) for lv in self.levels.index[self.levels["restart"]]]

    @property
    def status(self) -> str:
        if self.outcome is None:
            return Status.INFEASIBLE.value
        return self.outcome.status.value

    def funded_at(self, level: int) -> list[str]:
        """Ids funded at a level (input order); none at a level left out of the model."""
        funded_there = self.fractions.get(level, {})
        return [p for p in self.problem.input_projects.index if p in funded_there]

    def nesting_cost_as_shown(self) -> pd.Series:
        """Each level's nesting cost as the tables show it (terminal, report, workbook): the
        independent value minus the nested value, each in three decimals, so the columns
        add up (``levels["nesting_cost"]`` and run.json keep the exact difference)."""
        levels = self.levels
        return pd.Series([shown_difference(i, n) for i, n in
                          zip(levels["independent_value"], levels["nested_value"], strict=True)],
                         index=levels.index, dtype=float, name="nesting_cost")

    def tables(self) -> dict[str, pd.DataFrame]:
        """Workbook sheets ``funding_order`` and ``funding_levels`` (the nesting cost as
        shown: :meth:`nesting_cost_as_shown`)."""
        levels = self.levels.copy()
        levels["nesting_cost"] = self.nesting_cost_as_shown()
        for column in ("added", "dropped"):
            levels[column] = levels[column].map("; ".join)
        return {"funding_order": self.order.copy(), "funding_levels": levels.reset_index()}

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe: ``status``, ``order`` (the funding line) and ``levels``."""
        out = self.outcome
        order = [{
            "project_id": str(r.project_id), "position": int(r.position),
            "level": float(r.level), "level_number": int(r.level_number),
            "value": round(float(r.value), 9),
            "dropped_at": None if pd.isna(r.dropped_at) else int(r.dropped_at),
        } for r in self.order.itertuples(index=False)]
        levels = [{
            "level": int(lv),
            "budget_share": float(r["budget_share"]),
            "nested_value": _num(r["nested_value"]),
            "independent_value": _num(r["independent_value"]),
            "nesting_cost": _num(r["nesting_cost"]),
            "projects": int(r["projects"]),
            "added": list(r["added"]),
            "dropped": list(r["dropped"]),
            "restart": bool(r["restart"]),
            "status": str(r["status"]),
        } for lv, r in self.levels.iterrows()]
        nested = self.levels["nested_value"].dropna()
        return {
            "status": self.status,
            "objective": round(float(nested.sum()), 9) if len(nested) else None,
            "restarts": self.restarts,
            "gap": None if out is None else out.gap,
            "seconds": None if out is None else round(out.seconds, 4),
            "order": order,
            "levels": levels,
        }

    def headline(self) -> str:
        return f"{self.status}: {len(self.order)} projects in line"


def funding_order(
    problem: Problem, frontier: FrontierAnalysis, *, time_limit: float | None = None,
    anchor: Mapping[str, float] | None = None,
) -> FundingOrderAnalysis:
    """Solve the nested model over the frontier's feasible levels; rank projects by it.

    Parameters
    ----------
    problem : the validated Problem of the frontier.
    frontier : the result of :func:`osa_opt.analysis.frontier.frontier`; its independent
        optima are the reference and its infeasible levels are left out.
    time_limit : seconds for the one solve (default: the policy's ``solver.time_limit``).
    anchor : the funded fractions of portfolio 1 at the policy budget; the level at 100%
        is fixed to it, so the line passes through portfolio 1: levels below are subsets
        of it (what to cut first), levels above supersets (what to add first). Default:
        the frontier's own optimum at 100%, when the sweep has that level.

    Returns
    -------
    FundingOrderAnalysis

    Examples
    --------
    >>> from osa_opt.analysis.frontier import frontier
    >>> fr = frontier(problem, shares=[0.5, 0.75, 1.0])
    >>> funding_order(problem, fr).levels["nesting_cost"].round(3)
    level
    1    0.76
    2    0.00
    3    0.00
    Name: nesting_cost, dtype: float64
    """
    points = frontier.points
    kept = {int(lv): float(points.at[lv, "budget_share"]) for lv in points.index
            if points.at[lv, "status"] in _SOLVED}
    outcome: Outcome | None = None
    per_level: dict[int, dict[str, float]] = {}
    policy_level = frontier.policy_level
    if anchor is None and policy_level is not None and policy_level in kept:
        anchor = frontier.outcomes[policy_level - 1].fractions
    pinned = None if anchor is None or policy_level not in kept else (policy_level, anchor)
    if kept:
        solver = LevelSolver(problem, funding_order_model(problem, kept, pinned),
                              time_limit=time_limit)
        outcome = solver.solve_once()
        if outcome.status.has_solution:
            per_level = solver.level_fractions
    order = _order_table(problem, per_level, kept)
    levels = _levels_table(problem, frontier, per_level, outcome)
    return FundingOrderAnalysis(problem, order, levels, outcome, per_level)


def _order_table(problem: Problem, per_level: dict[int, dict[str, float]],
                 shares: dict[int, float]) -> pd.DataFrame:
    """The funding line: by first level funded, then value per ¥ (higher first), then id."""
    first: dict[str, int] = {}
    dropped_at: dict[str, int] = {}
    for lv in sorted(per_level, key=lambda lv: (shares[lv], lv)):
        for p in first:
            if p not in per_level[lv]:
                dropped_at.setdefault(p, lv)
        for p in per_level[lv]:
            first.setdefault(p, lv)
    value = problem.value
    cost = problem.total_cost
    density = {p: (value[p] / cost[p] if cost[p] > 0 else math.inf) for p in first}
    ranked = sorted(first, key=lambda p: (shares[first[p]], first[p], -density[p], p))
    return order_rows(problem, [(p, k, shares[first[p]], first[p], dropped_at.get(p))
                                for k, p in enumerate(ranked, start=1)])


def order_rows(problem: Problem,
               entries: list[tuple[str, int, float, int, int | None]]) -> pd.DataFrame:
    """The order table from ``(project_id, position, level, level_number, dropped_at)`` in
    order; value, cost, value per ¥, title and country come from the Problem (a written
    run's order is rebuilt with it too)."""
    value = problem.value
    cost = problem.total_cost
    projects = problem.input_projects
    columns = ["project_id", "position", "level", "level_number", "value", "total_cost",
               "value_per_cost", "title", "country", "dropped_at"]
    rows = [{
        "project_id": p, "position": position, "level": level, "level_number": number,
        "value": float(value[p]), "total_cost": float(cost[p]),
        "value_per_cost": value[p] / cost[p] if cost[p] > 0 else math.nan,
        "title": projects.at[p, "title"], "country": projects.at[p, "country"],
        "dropped_at": pd.NA if dropped is None else dropped,
    } for p, position, level, number, dropped in entries]
    table = pd.DataFrame(rows, columns=columns)
    table["dropped_at"] = table["dropped_at"].astype("Int64")
    return table


def _levels_table(problem: Problem, frontier: FrontierAnalysis,
                  per_level: dict[int, dict[str, float]], outcome: Outcome | None) -> pd.DataFrame:
    """Per level of the sweep: nested value, independent optimum, nesting cost, changes."""
    points = frontier.points.sort_values(["budget_share"], kind="stable")
    value = problem.value
    ids = problem.input_projects.index
    rows = []
    below: set[str] | None = None  # funded at the previous level in the model
    for lv, point in points.iterrows():
        fracs = per_level.get(int(lv))
        independent = float(point["value"])
        row: dict[str, Any] = {"level": int(lv), "budget_share": float(point["budget_share"]),
                               "total_budget": float(point["total_budget"]),
                               "independent_value": independent}
        if fracs is None:
            solved = point["status"] in _SOLVED
            row.update(nested_value=math.nan, nesting_cost=math.nan, projects=0, added=(),
                       dropped=(), restart=False,
                       status=outcome.status.value if solved and outcome is not None
                       else point["status"])
        else:
            nested = float(sum(value[p] * f for p, f in fracs.items()))
            cost = independent - nested
            if abs(cost) <= NOISE * max(1.0, abs(independent)):
                cost = 0.0
            previous = below if below is not None else set()
            dropped = tuple(p for p in ids if p in previous and p not in fracs)
            row.update(nested_value=nested, nesting_cost=cost, projects=len(fracs),
                       added=tuple(p for p in ids if p in fracs and p not in previous),
                       dropped=dropped, restart=bool(dropped),
                       status=outcome.status.value if outcome is not None else "error")
            below = set(fracs)
        rows.append(row)
    columns = ["level", "budget_share", "total_budget", "nested_value", "independent_value",
               "nesting_cost", "projects", "added", "dropped", "restart", "status"]
    return pd.DataFrame(rows, columns=columns).set_index("level")
