"""Efficient frontier: the exact optimum over a sweep of budgets, beside the greedy curve.

One persistent :class:`~osa_opt.solving.solver.Solver` is re-solved per budget level; between
solves only the bounds of the rows that depend on the budget change (every fiscal year's
budget, and the tier, field, region and country shares of ΣB), through one mutable
``budget_scale`` parameter. The model is built at the smallest budget of the sweep, so every
share or cap row that can bind at some level exists; at larger budgets those rows are
merely slack. A level whose rules cannot be met is an ``infeasible`` point, not an error.

>>> from osa_opt.analysis.frontier import frontier
>>> fr = frontier(problem, shares=[0.5, 1.0, 1.5])
>>> fr.points[["budget_share", "value", "greedy_value", "gain"]].round(3)
       budget_share    value  greedy_value    gain
level
1               0.5  108.756       107.952   0.804
2               1.0  171.239       155.726  15.514
3               1.5  181.334       165.023  16.311
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import pyomo.core as pyo  # not pyomo.environ: its plugins cost start-up time

from osa_opt.analysis.base import Analysis
from osa_opt.analysis.greedy import greedy_curve
from osa_opt.analysis.rule_rows import value_at
from osa_opt.errors import OsaError
from osa_opt.model import build_model
from osa_opt.model.build import own_change
from osa_opt.model.data import ModelData
from osa_opt.model.registry import FAMILIES, REGISTRY
from osa_opt.result import FRACTION_TOL, Status
from osa_opt.solving.solver import Outcome, Solver
from osa_opt.text import json_number as _num
from osa_opt.text import percent, shown_difference

if TYPE_CHECKING:
    from osa_opt.inputs.policy import Policy
    from osa_opt.inputs.problem import Problem

#: Constraint families whose bounds are proportional to the budget (B[y] or share·ΣB).
BUDGET_FAMILIES: tuple[str, ...] = tuple(f.name for f in REGISTRY if f.scales_with_budget)

#: Relative tolerance of the rule check of a greedy portfolio.
RULE_TOL = 1e-6


# ---------------------------------------------------------------------- the sweep
def sweep_shares(policy: Policy) -> list[float]:
    """Budget levels of the policy's ``[frontier]`` section, as shares of the policy budget.

    The policy budget itself (100%) is always a level, so the frontier and the funding
    order pass through portfolio 1.

    >>> from osa_opt.inputs.policy import Policy
    >>> sweep_shares(Policy.from_dict({"frontier": {"start": 0.5, "stop": 1.0, "steps": 3}}))
    [0.5, 0.75, 1.0]
    >>> sweep_shares(Policy.from_dict({"frontier": {"start": 0.5, "stop": 1.5, "steps": 2}}))
    [0.5, 1.0, 1.5]
    """
    fr = policy.frontier
    values = np.linspace(fr.start, fr.stop, fr.steps) if fr.steps > 1 else [fr.start]
    return with_policy_budget([round(float(v), 10) for v in values])


def _as_shares(given: Any) -> list[float]:
    """``given`` as a list of floats; [] (refused by the caller, as a share of 0 is) for a
    bare number, text, or an entry that is no number."""
    if isinstance(given, (str, bytes)) or not isinstance(given, Iterable):
        return []
    try:
        return [float(s) if not isinstance(s, (str, bytes)) else math.nan for s in given]
    except (TypeError, ValueError):
        return []


def with_policy_budget(shares: Sequence[float]) -> list[float]:
    """``shares`` with 1.0 (the policy budget) added in its place if it is missing."""
    out = [float(s) for s in shares]
    if not any(abs(s - 1.0) <= 1e-9 for s in out):
        out.append(1.0)
        out.sort()
    return out


def scaled_data(data: ModelData, share: float) -> ModelData:
    """The same model numbers with every fiscal year's budget multiplied by ``share``.

    >>> scaled_data(ModelData.from_problem(problem), 0.5).budget
    {'FY2026': 9050.0}
    """
    return dataclasses.replace(data, budget={fy: b * share for fy, b in data.budget.items()})


def frontier_model(problem: Problem, shares: Sequence[float]) -> pyo.ConcreteModel:
    """The model of docs/model.md built at the smallest budget of ``shares``, ready to rescale.

    Build it yourself (and extend it) when you want to pass your own solver to
    :func:`frontier`: ``frontier(problem, shares, solver=Solver(problem, model))``.

    >>> model = frontier_model(problem, [0.25, 1.0])
    >>> model.budget_scale.value
    1.0
    """
    base = min([*shares, 1.0]) if shares else 1.0
    model = build_model(problem, scaled_data(ModelData.from_problem(problem), base))
    make_budget_scalable(model)
    return model


def model_share(model: pyo.ConcreteModel, problem: Problem) -> float:
    """The budget the model was built with, as a share of the policy budget."""
    total = problem.policy.total_budget
    return float(model.osa.total_budget / total) if total > 0 else 1.0


def make_budget_scalable(model: pyo.ConcreteModel) -> pyo.Param:
    """Make every budget-dependent bound ``bound_as_built · budget_scale`` (once per model).

    The rows keep their names (``budget[FY2026]``, ``country_cap[Aurelia]``); a persistent
    solver sees a changed parameter and updates the row bounds in place.
    """
    if hasattr(model, "budget_scale"):
        return model.budget_scale
    model.budget_scale = pyo.Param(
        initialize=1.0, mutable=True, domain=pyo.NonNegativeReals,
        doc="budget of the level as a multiple of the budget the model was built with")
    scale = model.budget_scale
    scaled = []
    for family in BUDGET_FAMILIES:
        for name in FAMILIES[family].component_names:
            component = getattr(model, name, None)
            if component is None:
                continue
            scaled.append(name)
            for con in component.values():
                lower = None if con.lower is None else pyo.value(con.lower) * scale
                upper = None if con.upper is None else pyo.value(con.upper) * scale
                con.set_value((lower, con.body, upper))
    # the frontier's own, not a user's: the Result at the policy budget reports none of it
    # as added or changed by hand (Result.custom_components)
    own_change(model, added=["budget_scale"], changed=scaled)
    return scale


def set_budget_share(model: pyo.ConcreteModel, problem: Problem, share: float) -> None:
    """Set the model's budget to ``share`` of the policy budget (every fiscal year alike)."""
    make_budget_scalable(model).set_value(share / model_share(model, problem))


# ---------------------------------------------------------------------- rule check
def meets_rules(model: pyo.ConcreteModel, fractions: Mapping[str, float],
                tol: float = RULE_TOL) -> bool:
    """Whether funding ``fractions`` satisfies every active row of the model as it is now.

    Checks the rows themselves (recomputed with the given values), so a rule added by a
    notebook user counts too. Projects outside the model (not eligible) break the rules.

    >>> model = osa_opt.build_model(problem)
    >>> meets_rules(model, result.best.fractions), meets_rules(model, {"P-01": 1.0})
    (True, True)
    """
    funded = {p: f for p, f in fractions.items() if f > FRACTION_TOL}
    if any(p not in model.P for p in funded):
        return False
    if any(p not in model.f and f < 1 - FRACTION_TOL for p, f in funded.items()):
        return False  # all-or-nothing project funded in part
    if any(x.fixed and round(x.value or 0) != (p in funded) for p, x in model.x.items()):
        return False  # a project an extension fixes (x["P-17"].fix(1)) the other way
    saved = [(v, v.value) for v in model.component_data_objects(pyo.Var, descend_into=True)
             if not v.fixed]
    try:
        for p in model.P:
            if not model.x[p].fixed:
                model.x[p].set_value(1 if p in funded else 0)
        for p in model.Q:
            model.f[p].set_value(funded.get(p, 0.0))
        with_projects = {model.osa.country[p] for p in funded}
        if hasattr(model, "z"):
            for c in model.C:
                model.z[c].set_value(1 if c in with_projects else 0)
        if hasattr(model, "w"):  # partners with an agreement (max_countries, min_package)
            for c in model.W:
                model.w[c].set_value(1 if c in with_projects else 0)
        if hasattr(model, "u"):  # whole units: a fraction that is not one breaks units[p]
            for p in model.U:
                model.u[p].set_value(round(funded.get(p, 0.0) * model.osa.units_max[p]))
        if hasattr(model, "empty"):
            model.empty.set_value(0)
        for con in model.component_data_objects(pyo.Constraint, active=True, descend_into=True):
            body = pyo.value(con.body, exception=False)
            if body is None:
                continue  # a row over variables this check does not set (a user's own)
            if con.has_lb() and body < _with_tol(pyo.value(con.lower), tol, -1):
                return False
            if con.has_ub() and body > _with_tol(pyo.value(con.upper), tol, +1):
                return False
        return True
    finally:
        for v, val in saved:
            v.set_value(val, skip_validation=True)


def _with_tol(bound: float, tol: float, sign: int) -> float:
    return bound + sign * tol * max(1.0, abs(bound))


# ---------------------------------------------------------------------- the analysis
@dataclass(eq=False, repr=False)
class FrontierAnalysis(Analysis):
    """Exact value and greedy value at each budget level of the sweep.

    Attributes
    ----------
    points : DataFrame indexed by ``level`` (1..n): ``budget_share``, ``budget_<FY>`` per
        fiscal year, ``total_budget``, ``value`` (exact optimum; NaN when infeasible),
        ``greedy_value``, ``gain`` (value − greedy), ``greedy_meets_rules``, ``projects``
        (count), ``total_cost``, ``status``, ``project_ids`` (tuple, input order),
        ``greedy_ids``, ``seconds``.
    outcomes : the solver outcome of each level.
    solver : the persistent solver, left at the policy budget (share 1).

    The greedy curve ignores every rule but the budgets. Where it breaks another rule it is
    reported as is, with ``greedy_meets_rules = False``; its value can then exceed the exact
    one (a negative ``gain``), which measures what the rules cost, not a better portfolio.
    """

    problem: Problem = field(repr=False)
    points: pd.DataFrame
    outcomes: list[Outcome] = field(default_factory=list, repr=False)
    solver: Solver | None = field(default=None, repr=False)
    name: str = "frontier"

    @property
    def shares(self) -> list[float]:
        return [float(s) for s in self.points["budget_share"]]

    @property
    def policy_level(self) -> int | None:
        """The level at 100% of the policy budget (portfolio 1's), if the sweep has it."""
        for level, share in self.points["budget_share"].items():
            if abs(float(share) - 1.0) <= 1e-9:
                return int(level)
        return None

    @property
    def feasible(self) -> pd.DataFrame:
        """The points where the policy can be met."""
        return self.points[self.points["status"].isin([s.value for s in _SOLVED])]

    def gain_as_shown(self) -> pd.Series:
        """Each level's gain as the tables show it (terminal, report, workbook): the exact
        value minus the greedy value, each in three decimals, so the three columns add up
        (``points["gain"]`` and run.json keep the difference of the exact values)."""
        return pd.Series([shown_difference(v, g) for v, g in
                          zip(self.points["value"], self.points["greedy_value"], strict=True)],
                         index=self.points.index, dtype=float, name="gain")

    def tables(self) -> dict[str, pd.DataFrame]:
        """Workbook sheet ``frontier``: one row per level, funded ids joined by ``; ``, the
        gain as shown (:meth:`gain_as_shown`)."""
        table = self.points.copy()
        table["gain"] = self.gain_as_shown()
        for col in ("project_ids", "greedy_ids"):
            table[col] = table[col].map("; ".join)
        return {"frontier": table.reset_index()}

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe: ``points`` (one dict per level) and the sweep."""
        fys = self.problem.fiscal_years
        points = []
        for level, row in self.points.iterrows():
            points.append({
                "level": int(level),
                "budget_share": float(row["budget_share"]),
                "budget": {fy: _num(row[f"budget_{fy}"]) for fy in fys},
                "value": _num(row["value"]),
                "greedy_value": _num(row["greedy_value"]),
                "gain": _num(row["gain"]),
                "greedy_meets_rules": bool(row["greedy_meets_rules"]),
                "total_cost": _num(row["total_cost"]),
                "status": str(row["status"]),
                "projects": list(row["project_ids"]),
                "greedy_projects": list(row["greedy_ids"]),
                "seconds": round(float(row["seconds"]), 4),
            })
        return {"shares": self.shares, "points": points}

    def headline(self) -> str:
        return f"{len(self.points)} levels, {len(self.feasible)} feasible"


_SOLVED = (Status.OPTIMAL, Status.TIME_LIMIT)


def frontier(
    problem: Problem,
    shares: Sequence[float] | None = None,
    solver: Solver | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> FrontierAnalysis:
    """Solve exactly at each budget level and compute the greedy curve beside it.

    Parameters
    ----------
    problem : a validated Problem.
    shares : budget levels as shares of the policy budget (every fiscal year scaled alike);
        default: the policy's ``[frontier]`` sweep (25% to 150% in 11 steps). The policy
        budget (1.0) is added when missing.
    solver : a Solver whose model came from :func:`frontier_model` (built here if omitted);
        it is re-solved, never rebuilt, and left at the policy budget.
    progress : called as ``progress(levels_done, levels)`` after each solve.

    Returns
    -------
    FrontierAnalysis

    Examples
    --------
    >>> fr = frontier(osa_opt.load_problem(), shares=[0.5, 1.0])
    >>> bool(fr.points.loc[2, "value"] >= fr.points.loc[2, "greedy_value"])
    True
    """
    given = shares
    shares = sweep_shares(problem.policy) if shares is None else _as_shares(shares)
    if shares and all(s > 0 and math.isfinite(s) for s in shares):
        shares = with_policy_budget(shares)
    if not shares or any(not (s > 0 and math.isfinite(s)) for s in shares):
        raise OsaError(f"frontier: budget shares must be positive numbers, got {given!r}: "
                       "give a list of shares of the policy budget (shares=[0.5, 0.75, 1.0]), "
                       "or shares=None for the levels of the policy's [frontier] section")
    if solver is None:
        solver = Solver(problem, frontier_model(problem, shares))
    model = solver.model
    built = model_share(model, problem)
    # a zero budget scales to zero at every level: any model fits (model_share says 1.0)
    if problem.policy.total_budget > 0 and min(shares) < built - 1e-9:
        raise OsaError(
            f"the solver's model was built for {percent(built)} of the policy budget, above the "
            f"smallest level {percent(min(shares))}: rows that bind only at lower budgets are "
            "missing. Build it with osa_opt.analysis.frontier.frontier_model(problem, shares).")
    make_budget_scalable(model)
    greedy = greedy_curve(problem, shares)
    rows: list[dict[str, Any]] = []
    outcomes: list[Outcome] = []
    for level, share in enumerate(shares, start=1):
        set_budget_share(model, problem, share)
        t0 = time.perf_counter()
        out = solver.solve_once()
        outcomes.append(out)
        rows.append(_point(problem, model, level, share, out, greedy[level - 1],
                           time.perf_counter() - t0))
        if progress is not None:
            progress(level, len(shares))
    if built <= 1.0 + 1e-9:  # leave the solver at the policy budget for the caller
        set_budget_share(model, problem, 1.0)
    points = pd.DataFrame(rows).set_index("level")
    return FrontierAnalysis(problem, points, outcomes, solver)


def budget_columns(problem: Problem, share: float) -> dict[str, float]:
    """The budget of a level at ``share`` of the policy's, as the points table has it:
    ``budget_<FY>`` per fiscal year (each scaled alike), then ``total_budget``."""
    row = {f"budget_{fy}": float(amount) * share for fy, amount in problem.policy.budget.items()}
    row["total_budget"] = problem.policy.total_budget * share
    return row


def _point(problem: Problem, model: pyo.ConcreteModel, level: int, share: float,
           out: Outcome, greedy: Any, seconds: float) -> dict[str, Any]:
    """One row of the points table (the model is at this level's budget)."""
    ids = tuple(p for p in problem.input_projects.index if p in out.fractions)
    solved = out.status in _SOLVED
    value = float(out.objective) if solved and out.objective is not None else math.nan
    greedy_fracs = {p: f for p, f in dict(greedy.fractions).items() if f > FRACTION_TOL}
    greedy_value = float(greedy.value)
    extra = getattr(model, "osa_objective_extra", None)
    if extra is not None:  # the exact value counts what extensions add: so does the greedy's
        greedy_value += value_at(extra, greedy_fracs, problem.input_projects["country"])
    row: dict[str, Any] = {"level": level, "budget_share": share,
                           **budget_columns(problem, share)}
    frac = pd.Series(out.fractions, dtype=float)
    row.update({
        "value": value,
        "greedy_value": greedy_value,
        "gain": value - greedy_value,
        "greedy_meets_rules": meets_rules(model, greedy_fracs),
        "projects": len(ids),
        "total_cost": float((problem.total_cost.reindex(frac.index) * frac).sum())
        if solved else math.nan,
        "status": out.status.value,
        "project_ids": ids,
        "greedy_ids": tuple(p for p in problem.input_projects.index if p in greedy_fracs),
        "seconds": seconds,
    })
    return row
