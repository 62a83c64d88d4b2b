"""Execution under slippage: how much of the budget gets committed when signings slip.

A *plan* is portfolio 1 plus an ordered list of reserve entries (a project, or a bundle's
projects together). In each simulated outcome every partner's agreement is signed with
probability ``p_partner`` (countries ``p_sign``) and every item stays in its signed agreement
with probability ``p_item`` (projects ``p_sign``, else ``[execution] p_sign_by_stage`` of its
``stage``), all independently. An item is *available* when both happen. Then:

1. portfolio 1's available items are committed, except an item whose requirement is not
   committed (repeated until nothing changes, so a bundle is committed whole or not at all);
2. the reserve entries are tried in order: an entry is committed when all its items are
   available, every requirement outside it is committed, and with it no maximum of the
   policy is broken — each year's budget, country caps, field and region maximums, exclusive
   groups and ``priority.max_countries``; and a reserve that opens a new partner's
   package is at least ``priority.min_package``.

With k reserve entries the outcome is the state after the first k entries, so one pass gives
every level. The other minimums are not enforced on an outcome; how often a partner of
``priority.required_partners`` ends with nothing committed is said in a note. Per level: expected execution (committed cost ÷ total budget of the policy's
years; per year too), the probability of executing less than ``target`` and the expected
value. Everything here is numpy on the plan's arrays: no solver.

Samples are reproducible whatever runs them: sample i draws from
``numpy.random.default_rng([seed, i])`` one number per partner (countries order) and per
project (input order), so serial, ``--jobs`` and Dask runs agree, and a sample does not
change with the number of samples or reserves. ``exact=True`` enumerates every outcome of the
uncertain partners and items instead (small plans only), weighting each by its probability.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from osa_opt.analysis.base import Analysis
from osa_opt.analysis.execution_plan import TOL, Plan
from osa_opt.analysis.execution_plan import has_execution_data as has_execution_data
from osa_opt.analysis.execution_plan import make_plan as make_plan
from osa_opt.analysis.execution_plan import signing_probabilities as signing_probabilities
from osa_opt.errors import OsaError
from osa_opt.parallel import default_chunk_size, make_executor, split, stop_on_interrupt
from osa_opt.text import json_number, percent, share_text, yen

if TYPE_CHECKING:
    from osa_opt.inputs.problem import Problem

#: The most uncertain signings ``exact=True`` enumerates (2**20 outcomes).
MAX_EXACT = 20


# ---------------------------------------------------------------------- one block of outcomes
def commit(plan: Plan, signed: np.ndarray, stays: np.ndarray) -> dict[str, np.ndarray]:
    """Committed cost per year and value at every level, for a block of outcomes.

    ``signed`` is outcomes × partners, ``stays`` outcomes × plan items (booleans). Returns
    ``spent`` (outcomes × levels × years), ``value`` (outcomes × levels) and ``missing``
    (outcomes × levels × the plan's required partners: True when that partner has nothing
    committed), level k being portfolio 1 plus the first k reserve entries tried.
    """
    n = signed.shape[0]
    avail = signed[:, plan.partner] & stays
    committed = np.zeros_like(avail)
    primary = slice(0, plan.n_primary)
    committed[:, primary] = avail[:, primary]
    changed = True
    while changed:  # a requirement not committed takes its item out, until nothing changes
        before = committed[:, primary].copy()
        for i in range(plan.n_primary):
            for q in plan.requires[i]:
                committed[:, i] &= committed[:, q] if q >= 0 else False
        changed = not np.array_equal(before, committed[:, primary])
    total_cost = plan.total_cost
    spent = committed.astype(float) @ plan.cost
    levels = len(plan.entries) + 1
    out_spent = np.empty((n, levels, len(plan.budget)))
    out_value = np.empty((n, levels))
    out_missing = np.empty((n, levels, len(plan.required)), dtype=bool)
    theirs = [plan.partner == c for c in plan.required]

    def missing() -> np.ndarray:
        return np.stack([~committed[:, mine].any(axis=1) for mine in theirs], axis=1) \
            if theirs else np.zeros((n, 0), dtype=bool)

    out_spent[:, 0] = spent
    out_value[:, 0] = committed.astype(float) @ plan.value
    out_missing[:, 0] = missing()
    slack = TOL * np.maximum(1.0, plan.budget)
    for k, entry in enumerate(plan.entries, start=1):
        members = list(entry)
        ok = avail[:, members].all(axis=1)
        for i in members:
            for q in plan.requires[i]:
                if q not in entry:
                    ok &= committed[:, q] if q >= 0 else False
        add = plan.cost[members].sum(axis=0)
        ok &= (spent + add <= plan.budget + slack).all(axis=1)
        for share, limit in plan.caps:
            if share[members].any():
                counted = share * total_cost
                inside = committed.astype(float) @ counted
                ok &= inside + float(counted[members].sum()) <= limit + TOL * max(1.0, limit)
        for g in {int(plan.group[i]) for i in members if plan.group[i] >= 0}:
            ok &= ~committed[:, plan.group == g].any(axis=1)
        if plan.min_package > 0:  # a new partner's package starts at least at the minimum
            for p in {int(plan.partner[i]) for i in members}:
                mine = plan.partner == p
                own = float(total_cost[[i for i in members if plan.partner[i] == p]].sum())
                new = ~committed[:, mine].any(axis=1)
                ok &= ~new | (own >= plan.min_package - TOL * max(1.0, plan.min_package))
        if plan.max_partners > 0:
            has = np.zeros((n, plan.n_partners), dtype=bool)
            for p in range(plan.n_partners):
                mine = plan.partner == p
                if mine.any():
                    has[:, p] = committed[:, mine].any(axis=1)
            new = {int(plan.partner[i]) for i in members}
            adding = sum((~has[:, p]).astype(int) for p in new)
            ok &= has.sum(axis=1) + adding <= plan.max_partners
        committed[np.ix_(ok, members)] = True
        spent = spent + np.outer(ok, add)
        out_spent[:, k] = spent
        out_value[:, k] = committed.astype(float) @ plan.value
        out_missing[:, k] = missing()
    return {"spent": out_spent, "value": out_value, "missing": out_missing}


def simulate_chunk(plan: Plan, item: tuple[int, int, int]) -> dict[str, Any]:
    """Samples ``start..stop-1`` of a run seeded ``seed``: draw, commit, return the figures."""
    start, stop, seed = item
    signed = np.empty((stop - start, plan.n_partners), dtype=bool)
    stays = np.empty((stop - start, len(plan.ids)), dtype=bool)
    for row, i in enumerate(range(start, stop)):
        rng = np.random.default_rng([seed, i])
        signed[row] = rng.random(plan.n_partners) < plan.p_partner
        stays[row] = rng.random(plan.n_projects)[plan.positions] < plan.p_item
    return {"start": start, **commit(plan, signed, stays)}


def exact_outcomes(plan: Plan) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every outcome of the uncertain partners and items with its probability:
    ``(signed, stays, weight)``. Certain ones (probability 0 or 1) are fixed."""
    used = sorted(set(plan.partner.tolist()))
    partners = [p for p in used if 0 < plan.p_partner[p] < 1]
    items = [i for i in range(len(plan.ids)) if 0 < plan.p_item[i] < 1]
    if len(partners) + len(items) > MAX_EXACT:
        raise OsaError(f"{len(partners) + len(items)} uncertain signings: too many outcomes "
                       f"to enumerate (at most {MAX_EXACT}); simulate instead")
    rows = list(itertools.product((True, False), repeat=len(partners) + len(items)))
    signed = np.tile(plan.p_partner >= 1, (len(rows), 1))
    stays = np.tile(plan.p_item >= 1, (len(rows), 1))
    weight = np.ones(len(rows))
    for r, outcome in enumerate(rows):
        for j, p in enumerate(partners):
            signed[r, p] = outcome[j]
            weight[r] *= plan.p_partner[p] if outcome[j] else 1 - plan.p_partner[p]
        for j, i in enumerate(items):
            stays[r, i] = outcome[len(partners) + j]
            weight[r] *= plan.p_item[i] if outcome[len(partners) + j] else 1 - plan.p_item[i]
    return signed, stays, weight


# ---------------------------------------------------------------------- the analysis
@dataclass(eq=False, repr=False)
class ExecutionAnalysis(Analysis):
    """Expected execution of portfolio 1 with 0, 1, 2, … reserve entries.

    ``levels``: one row per number of reserves (0 first; row k is k reserves, a plain
    index beside the column ``reserves`` that the report, chart and JSON read, docs/api.md):
    ``reserves``, ``reserve_projects`` (ids of the first k entries), ``added`` (the k-th
    entry's ids), ``expected_execution``, ``execution_<FY>`` per fiscal year,
    ``p_below_target``, ``expected_value``.
    ``recommended_reserves``: the fewest reserves whose expected execution reaches
    ``target``, None when none does (``notes`` says so).
    """

    levels: pd.DataFrame
    recommended_reserves: int | None
    target: float
    samples: int
    seed: int
    exact: bool
    portfolio: list[str]
    p_partner: dict[str, float]
    p_item: dict[str, float]
    executor: str = "1 process (serial)"
    seconds: float = 0.0
    partial: bool = False
    notes: list[str] = field(default_factory=list)
    name: str = "execution"

    def to_dict(self) -> dict[str, Any]:
        """``{"levels": [...], "recommended_reserves": k or None}`` (``execution --json``)."""
        years = [c for c in self.levels.columns if c.startswith("execution_")]
        return {
            "levels": [{
                "reserves": int(r["reserves"]),
                "reserve_projects": list(r["reserve_projects"]),
                "added": list(r["added"]),
                "expected_execution": round(float(r["expected_execution"]), 9),
                "execution_by_year": {c.removeprefix("execution_"): json_number(r[c])
                                      for c in years},
                "p_below_target": round(float(r["p_below_target"]), 9),
                "expected_value": round(float(r["expected_value"]), 9),
            } for _, r in self.levels.iterrows()],
            "recommended_reserves": self.recommended_reserves,
            "target": self.target, "samples": self.samples, "seed": self.seed,
            "exact": self.exact, "portfolio": list(self.portfolio),
            "executor": self.executor, "seconds": round(self.seconds, 4),
            "partial": self.partial, "notes": list(self.notes),
        }

    def tables(self) -> dict[str, pd.DataFrame]:
        """Workbook sheet ``execution``: the reserve table."""
        table = self.levels.copy()
        for column in ("reserve_projects", "added"):
            table[column] = table[column].map("; ".join)
        return {"execution": table}

    def headline(self) -> str:
        base = float(self.levels["expected_execution"].iloc[0]) if len(self.levels) else 0.0
        k = self.recommended_reserves
        advice = (f"{k} reserve{'s' if k != 1 else ''} reach {percent(self.target)}"
                  if k is not None else f"no number of reserves reaches {percent(self.target)}")
        return f"{share_text(base)} expected without reserves; {advice}"


def simulate(plan: Plan, samples: int = 2000, seed: int = 0, *, exact: bool = False,
             jobs: int = 1, scheduler: Any = None, chunk_size: int | None = None,
             progress: Callable[[int, int], None] | None = None,
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray, str, bool, np.ndarray]:
    """``(spent, value, weight, executor, partial, missing)`` over the outcomes of a plan
    (``missing`` as :func:`commit` has it)."""
    if exact:
        signed, stays, weight = exact_outcomes(plan)
        out = commit(plan, signed, stays)
        return (out["spent"], out["value"], weight, "exact enumeration", False,
                out["missing"])
    if samples < 1:
        raise OsaError(f"samples must be 1 or more, got {samples}")
    levels, years = len(plan.entries) + 1, len(plan.budget)
    spent = np.zeros((samples, levels, years))
    value = np.zeros((samples, levels))
    missing = np.zeros((samples, levels, len(plan.required)), dtype=bool)
    done = np.zeros(samples, dtype=bool)
    with stop_on_interrupt() as stopped, make_executor(jobs, scheduler) as executor:
        described = executor.describe()
        chunks = split(samples, chunk_size or default_chunk_size(samples, largest=250))
        items = [(c.start, c.stop, int(seed)) for c in chunks]
        for _, out in executor.map(simulate_chunk, plan, items, stop=stopped):
            rows = slice(out["start"], out["start"] + out["value"].shape[0])
            spent[rows], value[rows], done[rows] = out["spent"], out["value"], True
            missing[rows] = out["missing"]
            if progress is not None:
                progress(int(done.sum()), samples)
    partial = not done.all()
    spent, value, missing = spent[done], value[done], missing[done]
    weight = np.full(len(value), 1.0 / max(1, len(value)))
    return spent, value, weight, described, partial, missing


def summarize(problem: Problem, plan: Plan, spent: np.ndarray, value: np.ndarray,
              weight: np.ndarray) -> tuple[pd.DataFrame, int | None]:
    """The reserve table and the recommended number of reserves."""
    total = float(plan.budget.sum())
    execution = spent.sum(axis=2) / total if total > 0 else np.zeros(value.shape)
    rows = []
    names: list[str] = []
    for k in range(len(plan.entries) + 1):
        added = [plan.ids[i] for i in plan.entries[k - 1]] if k else []
        names += added
        row: dict[str, Any] = {
            "reserves": k, "reserve_projects": tuple(names), "added": tuple(added),
            "expected_execution": float(weight @ execution[:, k]),
        }
        for y, fy in enumerate(problem.fiscal_years):
            b = plan.budget[y]
            row[f"execution_{fy}"] = float(weight @ spent[:, k, y]) / b if b > 0 else np.nan
        row["p_below_target"] = float(weight @ (execution[:, k] < plan.target - TOL))
        row["expected_value"] = float(weight @ value[:, k])
        rows.append(row)
    table = pd.DataFrame(rows)
    reach = table.index[table["expected_execution"] >= plan.target - TOL]
    return table, (int(table.loc[reach[0], "reserves"]) if len(reach) else None)


def required_partner_notes(problem: Problem, plan: Plan, missing: np.ndarray,
                           weight: np.ndarray, recommended: int | None) -> list[str]:
    """A note per required partner (``priority.required_partners``) that ends with nothing
    committed in some outcomes: the rule holds on portfolio 1 and on the reserve list, but a
    slip of the partner's agreement or items breaks it, and no reserve is refused or
    preferred for it (as for the other minimums, docs/execution.md)."""
    if not len(weight) or not plan.required:
        return []
    k = recommended if recommended is not None else len(plan.entries)
    with_k = (f"with the {k} recommended reserve{'s' if k != 1 else ''}"
              if recommended is not None else
              f"with {'no' if k == 0 else f'all {k}'} reserve{'s' if k != 1 else ''}")
    countries = list(problem.input_countries.index)
    notes = []
    for j, c in enumerate(plan.required):
        share = float(weight @ missing[:, k, j])
        if share <= TOL:
            continue
        name = countries[c]
        notes.append(
            f"{name} (priority.required_partners) has no committed project in "
            f"{share_text(share)} of the outcomes {with_k}: its agreement (p_sign "
            f"{plan.p_partner[c]:g}) or its items slip. Portfolio 1 and every level of the "
            f"reserve list fund {name}, but a slip breaks the rule and the reserves are not "
            "chosen to restore it (as for the other minimums). To lower the risk, secure "
            f"{name}'s agreement early or make a second {name} item mandatory.")
    return notes


#: The mandatory projects a slip note names, the likeliest to slip first; the rest counted.
SLIPS_NAMED = 5


def mandatory_slip_notes(problem: Problem, plan: Plan) -> list[str]:
    """One note on the mandatory projects of portfolio 1 that can slip (status mandatory:
    the input forces them into the plan, not their signing), each with its chance of not
    being committed: its partner's agreement and the item (and every project of portfolio 1
    it requires, directly or through others) must all be signed, so the chance is
    1 − Π p_sign over them, exact (independent signings, step 3 of docs/execution.md). A
    signed project (stage signed, its partner's agreement too) never slips. Without it a
    mandatory item's slip went unsaid, while a required partner's got a note.

    >>> mandatory_slip_notes(problem, make_plan(problem, {"P-01": 1.0}, []))
    ["Mandatory projects slip too: P-01 (Aurelia, ¥900m) is not committed in 14.5% of the outcomes: its partner's agreement (p_sign 0.95) or the item (p_sign 0.9) slips. The input forces it into portfolio 1, not its signing: secure its agreement early; the reserves fill what a slip leaves, as for any other item."]
    """
    status = problem.input_projects["status"]
    countries = list(problem.input_countries.index)
    chances = []
    for i in range(plan.n_primary):
        if status.iloc[plan.positions[i]] != "mandatory":
            continue
        needed, todo = {i}, [i]
        while todo:  # the projects of portfolio 1 it requires, directly or through others
            for q in plan.requires[todo.pop()]:
                if 0 <= q < plan.n_primary and q not in needed:
                    needed.add(q)
                    todo.append(q)
        partners = {int(plan.partner[j]) for j in needed}
        kept = float(np.prod([plan.p_item[j] for j in needed])
                     * np.prod([plan.p_partner[c] for c in partners]))
        if 1.0 - kept > TOL:
            chances.append((1.0 - kept, i))
    if not chances:
        return []
    chances.sort(key=lambda item: (-item[0], item[1]))

    def one(chance: float, i: int) -> str:
        return (f"{plan.ids[i]} ({countries[int(plan.partner[i])]}, "
                f"{yen(float(plan.total_cost[i]))})" + ("" if len(chances) > 1 else
                f" is not committed in {share_text(chance)} of the outcomes"))

    if len(chances) == 1:
        chance, i = chances[0]
        c = int(plan.partner[i])
        return [f"Mandatory projects slip too: {one(chance, i)}: its partner's agreement "
                f"(p_sign {plan.p_partner[c]:g}) or the item (p_sign {plan.p_item[i]:g}) "
                "slips. The input forces it into portfolio 1, not its signing: secure its "
                "agreement early; the reserves fill what a slip leaves, as for any other item."]
    named = ", ".join(f"{one(chance, i)} in {share_text(chance)}"
                      for chance, i in chances[:SLIPS_NAMED])
    rest = len(chances) - SLIPS_NAMED
    return [f"Mandatory projects slip too: {len(chances):,} of portfolio 1 are not committed "
            f"in some of the outcomes, when the partner's agreement or the item slips: "
            f"{named}" + (f" and {rest:,} more" if rest > 0 else "")
            + ". The input forces them into portfolio 1, not their signing: secure their "
            "agreements early; the reserves fill what a slip leaves, as for any other item."]


def analyse(problem: Problem, plan: Plan, *, samples: int | None = None,
            seed: int | None = None, exact: bool = False, jobs: int = 1,
            scheduler: Any = None, progress: Callable[[int, int], None] | None = None,
            ) -> ExecutionAnalysis:
    """Simulate (or enumerate) a plan and build its :class:`ExecutionAnalysis`."""
    settings = problem.policy.execution
    n = int(settings.samples if samples is None else samples)
    seed = int(settings.seed if seed is None else seed)
    t0 = time.perf_counter()
    spent, value, weight, executor, partial, missing = simulate(
        plan, n, seed, exact=exact, jobs=jobs, scheduler=scheduler, progress=progress)
    table, recommended = summarize(problem, plan, spent, value, weight)
    notes = required_partner_notes(problem, plan, missing, weight, recommended)
    notes += mandatory_slip_notes(problem, plan)
    if recommended is None:
        best = float(table["expected_execution"].max()) if len(table) else 0.0
        notes.append(f"No number of reserves (0 to {len(plan.entries)}) reaches the target "
                     f"{percent(plan.target)} in expectation (at most {share_text(best)}).")
    if partial:
        notes.append(f"Stopped early: {len(value)} of {n} samples.")
    p_partner, p_item = signing_probabilities(problem)
    return ExecutionAnalysis(
        levels=table, recommended_reserves=recommended, target=plan.target,
        samples=len(value) if not exact else len(weight), seed=seed, exact=exact,
        portfolio=list(plan.ids[:plan.n_primary]),
        p_partner={str(c): float(v) for c, v in p_partner.items()},
        p_item={str(p): float(p_item[p]) for p in plan.ids},
        executor=executor, seconds=time.perf_counter() - t0, partial=partial, notes=notes)
