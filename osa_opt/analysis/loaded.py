"""The analyses of a written run, rebuilt from run.json (``osa_opt.load_run``).

run.json stores each analysis's ``to_dict()``; these functions turn it back into the same
object — WhyAnalysis, PriceAnalysis, FrontierAnalysis, FundingOrderAnalysis,
RobustnessAnalysis, ExecutionAnalysis, Comparison — with the DataFrames, ``tables()``, repr
and notebook view of a fresh one. What only a live solve has (the persistent solver, the
per-level solver outcomes, the funding order's per-level fractions) is not kept. Columns
that run.json does not store are derived from the run's Problem (titles, countries, costs)
exactly as the analysis derived them. Nothing is solved.

>>> from osa_opt.analysis.frontier import frontier
>>> fresh = frontier(problem, shares=[0.5, 1.0])
>>> back = rebuild("frontier", fresh.to_dict(), problem)     # run.json's entry, back
>>> back, back.points["value"].round(6).equals(fresh.points["value"].round(6))
(<FrontierAnalysis 2 levels, 2 feasible>, True)
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from osa_opt.analysis.base import Analysis
from osa_opt.analysis.compare import Comparison, ScenarioOutcome, policy_file_names
from osa_opt.analysis.execution import ExecutionAnalysis
from osa_opt.analysis.execution_plan import signing_probabilities
from osa_opt.analysis.frontier import FrontierAnalysis, budget_columns
from osa_opt.analysis.funding_order import FundingOrderAnalysis, order_rows
from osa_opt.analysis.prices import _COLUMNS as PRICE_COLUMNS
from osa_opt.analysis.prices import PriceAnalysis
from osa_opt.analysis.robustness import RobustnessAnalysis, classify, described
from osa_opt.analysis.since import SinceRun
from osa_opt.analysis.why import WhyAnalysis
from osa_opt.inputs.policy import Policy
from osa_opt.result import Portfolio, Status
from osa_opt.solving.status import Outcome

if TYPE_CHECKING:
    from osa_opt.inputs.problem import Problem

__all__ = ["rebuild"]


def _num(value: Any) -> float:
    """A run.json number back as a float (``null`` was NaN)."""
    return math.nan if value is None else float(value)


def _why(data: dict[str, Any], problem: Problem, folder: Path | None) -> WhyAnalysis:
    records = {str(r["project_id"]): dict(r) for r in data["projects"]}
    for rec in records.values():  # a run before 0 for out wrote null
        if rec.get("fraction") is None:
            rec["fraction"] = 0.0
        rec.setdefault("blocked_by", None)  # a run before it: not known, not "none"
    return WhyAnalysis(records, _num(data["best_value"]), list(problem.fiscal_years),
                       float(data.get("seconds", 0.0)), int(data.get("solves", 0)),
                       proven=int(data.get("proven", 0)), bounded=int(data.get("bounded", 0)),
                       exact_limit=data.get("exact_limit"), time_limit=data.get("time_limit"),
                       timed_out=int(data.get("timed_out", 0)))


#: Price columns that are numbers (``null`` in run.json is NaN in the table).
_PRICE_NUMBERS = ("bound", "activity", "slack", "gain_if_off", "gain_if_off_share",
                  "relaxed_bound", "gain_if_relaxed", "gain_if_relaxed_share")


def _prices(data: dict[str, Any], problem: Problem, folder: Path | None) -> PriceAnalysis:
    table = pd.DataFrame(data["rules"], columns=["rule", *PRICE_COLUMNS]).set_index("rule")
    for column in _PRICE_NUMBERS:
        table[column] = table[column].map(_num).astype(float)
    if not any("relaxed_basis" in r for r in data["rules"]):
        # a run.json from before each gain had its own basis: ``basis`` was the row's
        # weakest ("lp bound" when either gain was one), so it stands for both
        table["relaxed_basis"] = [b if g == g else None for b, g in
                                  zip(table["basis"], table["gain_if_relaxed"], strict=True)]
    table["binding"] = table["binding"].astype(bool)
    return PriceAnalysis(table, _num(data["best_value"]), float(data.get("seconds", 0.0)),
                         int(data.get("solves", 0)), notes=list(data.get("notes", [])),
                         exact_limit=data.get("exact_limit"), time_limit=data.get("time_limit"),
                         timed_out=int(data.get("timed_out", 0)))


def _frontier(data: dict[str, Any], problem: Problem, folder: Path | None) -> FrontierAnalysis:
    rows = []
    for p in data["points"]:
        share = float(p["budget_share"])
        row: dict[str, Any] = {"level": int(p["level"]), "budget_share": share,
                               **budget_columns(problem, share)}  # as the sweep scaled it
        row.update({
            "value": _num(p["value"]), "greedy_value": _num(p["greedy_value"]),
            "gain": _num(p["gain"]), "greedy_meets_rules": bool(p["greedy_meets_rules"]),
            "projects": len(p["projects"]), "total_cost": _num(p["total_cost"]),
            "status": str(p["status"]), "project_ids": tuple(p["projects"]),
            "greedy_ids": tuple(p["greedy_projects"]), "seconds": float(p["seconds"]),
        })
        rows.append(row)
    return FrontierAnalysis(problem, pd.DataFrame(rows).set_index("level"))


def _funding_order(data: dict[str, Any], problem: Problem,
                   folder: Path | None) -> FundingOrderAnalysis:
    order = order_rows(problem, [
        (r["project_id"], int(r["position"]), float(r["level"]), int(r["level_number"]),
         None if r["dropped_at"] is None else int(r["dropped_at"])) for r in data["order"]])
    levels = pd.DataFrame([{
        "level": int(r["level"]), "budget_share": float(r["budget_share"]),
        "total_budget": budget_columns(problem, float(r["budget_share"]))["total_budget"],
        "nested_value": _num(r["nested_value"]), "independent_value": _num(r["independent_value"]),
        "nesting_cost": _num(r["nesting_cost"]), "projects": int(r["projects"]),
        "added": tuple(r["added"]), "dropped": tuple(r["dropped"]),
        "restart": bool(r["restart"]), "status": str(r["status"]),
    } for r in data["levels"]], columns=["level", "budget_share", "total_budget", "nested_value",
                                          "independent_value", "nesting_cost", "projects",
                                          "added", "dropped", "restart", "status"])
    levels = levels.set_index("level")
    outcome = None
    if data.get("seconds") is not None:  # None: nothing was solved (no feasible level)
        outcome = Outcome(Status(data["status"]), objective=data.get("objective"),
                          gap=data.get("gap"), seconds=float(data["seconds"]))
    return FundingOrderAnalysis(problem, order, levels, outcome)


def _robustness(data: dict[str, Any], problem: Problem,
                folder: Path | None) -> RobustnessAnalysis:
    pj = problem.input_projects
    entries = data["projects"]
    ids = [str(e["project_id"]) for e in entries]
    projects = pd.DataFrame({
        **described(problem, ids),
        "eligible": [bool(e["eligible"]) for e in entries],
        "funded_in_best": [bool(e["funded_in_best"]) for e in entries],
        "core_index": [float(e["core_index"]) for e in entries],
        "mean_fraction": [float(e["mean_fraction"]) for e in entries],
    }, index=pd.Index(ids, name="project_id"))
    projects["class"] = [e.get("class") or classify(e["core_index"]) for e in entries]
    projects["held_in_by"] = [str(e.get("held_in_by") or "") for e in entries]  # older runs: none
    portfolios = pd.DataFrame([{
        "rank": int(p["rank"]), "objective": float(p["objective"]),
        "share_near_optimal": _num(p["share_near_optimal"]),
        "mean_share_of_optimum": _num(p["mean_share_of_optimum"]),
        "worst_share_of_optimum": _num(p["worst_share_of_optimum"]),
    } for p in data["portfolios"]]).set_index("rank")
    eligible = [p for p in pj.index if p in set(projects.index[projects["eligible"]])]
    per_sample = data.get("per_sample", [])
    criteria = list(per_sample[0]["weights"]) if per_sample else []
    index = pd.Index([int(s["sample"]) for s in per_sample], name="sample", dtype="int64")
    samples_table = pd.DataFrame(
        {f"weight_{k}": [_num(s["weights"][k]) for s in per_sample] for k in criteria},
        index=index)
    samples_table = samples_table.assign(
        optimum=[_num(s["optimum"]) for s in per_sample],
        projects=pd.Series([int(s["projects"]) for s in per_sample], index=index,
                           dtype="int64"),
        status=pd.Series([str(s["status"]) for s in per_sample], index=index, dtype=object))
    funded = pd.DataFrame([[p in set(s["funded"]) for p in eligible] for s in per_sample],
                          index=index, columns=pd.Index(eligible, name="project_id"),
                          dtype=bool)
    return RobustnessAnalysis(
        projects=projects, portfolios=portfolios, samples_table=samples_table, funded=funded,
        samples=int(data["samples"]), samples_done=int(data["samples_done"]),
        seed=int(data["seed"]), partial=bool(data["partial"]),
        weight_ranges={k: list(v) for k, v in data.get("weight_ranges", {}).items()},
        executor=str(data.get("executor", "")), seconds=float(data.get("seconds", 0.0)),
        failed_samples=int(data.get("failed_samples", 0)),
        models_built=int(data.get("models_built", 0)),
        cpu_seconds=float(data.get("cpu_seconds", 0.0)), notes=list(data.get("notes", [])))


def _execution(data: dict[str, Any], problem: Problem,
               folder: Path | None) -> ExecutionAnalysis:
    settings = problem.policy.execution
    rows, before = [], ()
    for r in data["levels"]:
        names = tuple(r["reserve_projects"])
        row: dict[str, Any] = {
            "reserves": int(r["reserves"]), "reserve_projects": names,
            "added": tuple(r.get("added", names[len(before):])),
            "expected_execution": float(r["expected_execution"]),
        }
        for fy in problem.fiscal_years:
            row[f"execution_{fy}"] = _num(r.get("execution_by_year", {}).get(fy))
        row.update(p_below_target=float(r["p_below_target"]),
                   expected_value=float(r["expected_value"]))
        rows.append(row)
        before = names
    portfolio = list(data.get("portfolio", []))
    ids = portfolio + list(before)
    p_partner, p_item = signing_probabilities(problem)
    return ExecutionAnalysis(
        levels=pd.DataFrame(rows), recommended_reserves=data.get("recommended_reserves"),
        target=float(data.get("target", settings.target)),
        samples=int(data.get("samples", settings.samples)),
        seed=int(data.get("seed", settings.seed)), exact=bool(data.get("exact", False)),
        portfolio=portfolio, p_partner={str(c): float(v) for c, v in p_partner.items()},
        p_item={str(p): float(p_item[p]) for p in ids if p in p_item},
        executor=str(data.get("executor", "")), seconds=float(data.get("seconds", 0.0)),
        partial=bool(data.get("partial", False)), notes=list(data.get("notes", [])))


def _comparison(data: dict[str, Any], problem: Problem, folder: Path | None) -> Comparison:
    entries = data["scenarios"]
    files = policy_file_names([str(s["name"]) for s in entries])
    scenarios = []
    for k, (entry, file) in enumerate(zip(entries, files, strict=True)):
        path = None if folder is None else folder / file
        own = problem
        if k and path is not None and path.is_file():  # the first is the run's own policy
            own = problem.with_policy(Policy.load(path))
        portfolio = None
        if entry.get("value") is not None:
            fractions = {p: 1.0 for p in entry["projects"]}
            fractions.update(entry.get("fractions", {}))
            portfolio = Portfolio(rank=1, objective=float(entry["value"]), fractions=fractions,
                                  problem=own, status=Status(entry["status"]))
        scenarios.append(ScenarioOutcome(
            str(entry["name"]), own, Status(entry["status"]), portfolio,
            float(entry.get("solve_seconds", 0.0)), list(entry.get("added", [])),
            list(entry.get("dropped", [])), entry.get("value_under_baseline")))
    return Comparison(scenarios, float(data.get("seconds", 0.0)), str(data.get("executor", "")),
                      bool(data.get("partial", False)))


def _since(data: dict[str, Any], problem: Problem, folder: Path | None) -> SinceRun:
    value = data.get("value") or {}
    return SinceRun(run=str(data.get("run", "")), created=str(data.get("created", "")),
                    value_was=value.get("was"), value_now=value.get("now"),
                    inputs=list(data.get("inputs", [])), projects=list(data.get("projects", [])))


_REBUILD: dict[str, Callable[[dict[str, Any], Problem, Path | None], Analysis]] = {
    "why": _why, "prices": _prices, "frontier": _frontier, "funding_order": _funding_order,
    "robustness": _robustness, "execution": _execution, "comparison": _comparison,
    "since": _since,
}


def rebuild(name: str, data: Any, problem: Problem, folder: Path | None = None) -> Any:
    """The analysis object of run.json's ``analyses[name]``; an analysis this version does
    not know stays the dict it was."""
    make = _REBUILD.get(name)
    if make is None or not isinstance(data, dict):
        return data
    return make(data, problem, folder)
