"""Robustness: which projects are funded whatever reasonable weights and scores are chosen.

After Robust Portfolio Modeling (Liesiö, Mild and Salo): weights and scores are judgements,
so sample them and re-solve. Each sample draws every criterion weight of the policy's
``[robustness] weight_ranges`` uniformly in its range (other weights stay at the policy's)
and every score of every project uniformly within ± its ``score_spread`` (clipped to 0-10).
Only the objective changes between samples, so one persistent model and solver per worker
answers them all. Per project the *core index* is the share of samples in which it is
funded: **core** (≥ 0.95), **exterior** (≤ 0.05) or **borderline** in between. Per ranked
portfolio of the normal solve: how often it is within 1% of the sample's optimum.

Samples are drawn up front from ``numpy.random.default_rng(seed)``, one after another, and
cut into the same contiguous chunks whatever runs them, so serial, ``jobs=2`` and a Dask
cluster give identical results, and the first 100 samples of a 500-sample run are the
samples of a 100-sample run.

>>> from osa_opt.analysis.robustness import robustness
>>> rob = robustness(problem, samples=20, seed=1)
>>> rob.projects[["core_index", "class"]].head(3)
            core_index class
project_id
P-01               1.0  core
P-02               1.0  core
P-04               1.0  core
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from osa_opt.analysis.base import Analysis
from osa_opt.analysis.baseline import solve_baseline
from osa_opt.analysis.sampling import (
    Samples,
    SampleSetup,
    draw_samples,
    forget,
    solve_chunk,
)
from osa_opt.errors import OsaError
from osa_opt.inputs.policy import checked_arguments
from osa_opt.parallel import default_chunk_size, make_executor, split, stop_on_interrupt
from osa_opt.result import FRACTION_TOL, Status
from osa_opt.solving.solver import stdout_to_stderr
from osa_opt.text import json_number

if TYPE_CHECKING:
    from osa_opt.inputs.problem import Problem
    from osa_opt.result import Result

#: A project funded in at least this share of the samples is *core*.
CORE_THRESHOLD = 0.95
#: A project funded in at most this share of the samples is *exterior*.
EXTERIOR_THRESHOLD = 0.05
#: A portfolio is near-optimal in a sample when its value is within this share of the optimum.
NEAR_OPTIMAL = 0.01


def classify(core_index: float) -> str:
    """``core`` (≥ 0.95), ``exterior`` (≤ 0.05) or ``borderline``.

    >>> classify(0.97), classify(0.5), classify(0.0)
    ('core', 'borderline', 'exterior')
    """
    if core_index >= CORE_THRESHOLD:
        return "core"
    if core_index <= EXTERIOR_THRESHOLD:
        return "exterior"
    return "borderline"


# ---------------------------------------------------------------------- the analysis
@dataclass(eq=False, repr=False)
class RobustnessAnalysis(Analysis):
    """Core indices of the projects and near-optimality of the ranked portfolios.

    ``projects``: one row per project (all of them, ineligible ones with core index 0):
    title, country, field, eligible, funded_in_best, core_index, mean_fraction, class,
    held_in_by (the rule that funds it whatever the weights, :func:`held_in`; else "").
    ``portfolios``: per ranked portfolio, its value and share_near_optimal.
    ``samples_table``: per finished sample, the weights, the optimum and its status.
    ``funded``: per finished sample (rows) and eligible project (columns), whether it is
    funded in the sample's optimum (not written to the workbook; for notebooks and tests).
    ``models_built``: how many models (one per worker) solved the samples.
    ``cpu_seconds``: CPU time the workers spent on the samples (all workers together).
    """

    projects: pd.DataFrame
    portfolios: pd.DataFrame
    samples_table: pd.DataFrame
    funded: pd.DataFrame
    samples: int
    samples_done: int
    seed: int
    partial: bool
    weight_ranges: dict[str, list[float]]
    executor: str
    seconds: float
    failed_samples: int = 0
    models_built: int = 0
    cpu_seconds: float = 0.0
    notes: list[str] = field(default_factory=list)
    name: str = "robustness"

    @property
    def counts(self) -> dict[str, int]:
        classes = self.projects["class"].value_counts()
        return {c: int(classes.get(c, 0)) for c in ("core", "borderline", "exterior")}

    @property
    def samples_per_second(self) -> float:
        return self.samples_done / self.seconds if self.seconds > 0 else 0.0

    def tables(self) -> dict[str, pd.DataFrame]:
        """Workbook sheets: projects by core index, portfolios, and the samples."""
        return {
            "robustness": self.projects.reset_index(),
            "robustness_portfolios": self.portfolios.reset_index(),
            "robustness_samples": self.samples_table.reset_index(),
        }

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe summary (run.json ``analyses.robustness`` and ``robustness --json``)."""
        projects = [
            {"project_id": str(pid), "core_index": round(float(r["core_index"]), 6),
             "class": r["class"], "eligible": bool(r["eligible"]),
             "funded_in_best": bool(r["funded_in_best"]),
             "mean_fraction": round(float(r["mean_fraction"]), 6),
             "held_in_by": str(r["held_in_by"])}
            for pid, r in self.projects.iterrows()
        ]
        portfolios = [
            {"rank": int(rank), "objective": round(float(r["objective"]), 9),
             "share_near_optimal": json_number(r["share_near_optimal"], 6),
             "mean_share_of_optimum": json_number(r["mean_share_of_optimum"], 6),
             "worst_share_of_optimum": json_number(r["worst_share_of_optimum"], 6)}
            for rank, r in self.portfolios.iterrows()
        ]
        return {
            "samples": self.samples, "samples_done": self.samples_done, "seed": self.seed,
            "partial": self.partial, "failed_samples": self.failed_samples,
            "weight_ranges": {k: list(v) for k, v in self.weight_ranges.items()},
            "thresholds": {"core": CORE_THRESHOLD, "exterior": EXTERIOR_THRESHOLD,
                           "near_optimal": NEAR_OPTIMAL},
            "counts": self.counts, "projects": projects, "portfolios": portfolios,
            "executor": self.executor, "models_built": self.models_built,
            "seconds": round(self.seconds, 4), "cpu_seconds": round(self.cpu_seconds, 4),
            "samples_per_second": round(self.samples_per_second, 3), "notes": list(self.notes),
            "per_sample": self._per_sample(),
        }

    def _per_sample(self) -> list[dict[str, Any]]:
        """Each finished sample: its weights, optimum, status and funded ids (what
        ``osa_opt.load_run`` rebuilds ``samples_table`` and ``funded`` from)."""
        weights = [c for c in self.samples_table.columns if c.startswith("weight_")]
        funded = self.funded.to_numpy(dtype=bool)
        ids = [str(p) for p in self.funded.columns]
        return [{"sample": int(sample),
                 "weights": {c.removeprefix("weight_"): json_number(row[c]) for c in weights},
                 "optimum": json_number(row["optimum"]), "projects": int(row["projects"]),
                 "status": str(row["status"]),
                 "funded": [p for p, f in zip(ids, funded[k], strict=True) if f]}
                for k, (sample, row) in enumerate(self.samples_table.iterrows())]

    def headline(self) -> str:
        c = self.counts
        part = ", partial" if self.partial else ""
        return (f"{self.samples_done:,}/{self.samples:,} samples{part}: "
                f"{c['core']:,} core, {c['borderline']:,} borderline, {c['exterior']:,} exterior")



def robustness(
    problem: Problem,
    samples: int | None = None,
    seed: int | None = None,
    jobs: int = 1,
    scheduler: Any = None,
    progress: Callable[[int, int], None] | None = None,
    *,
    baseline: Result | None = None,
    chunk_size: int | None = None,
) -> RobustnessAnalysis:
    """Sample weights and scores, re-solve, and report core indices and portfolio robustness.

    Parameters
    ----------
    problem : a validated Problem; its policy's ``[robustness]`` section gives the weight
        ranges and the defaults of ``samples`` and ``seed``.
    samples, seed : override ``robustness.samples`` and ``robustness.seed``.
    jobs : local worker processes (1 = in this process).
    scheduler : a Dask scheduler address or ``distributed.Client``; overrides ``jobs``.
    progress : called as ``progress(samples_done, samples)`` after each chunk.
    baseline : the normal solve whose ranked portfolios are assessed (solved here if None).
    chunk_size : samples per chunk (default: about 40 chunks, at most 25 samples each).

    Returns
    -------
    RobustnessAnalysis
        Ctrl-C stops the sampling and returns what is finished, with ``partial=True``.

    Raises
    ------
    OsaError
        ``samples`` < 1, or the normal solve finds no portfolio (its exit code: 3 or 4).

    Examples
    --------
    >>> rob = robustness(osa_opt.load_problem(), samples=40, seed=3)
    >>> rob.counts
    {'core': 27, 'borderline': 4, 'exterior': 7}
    """
    settings = checked_arguments(problem.policy, {"robustness.samples": samples,
                                                  "robustness.seed": seed}).robustness
    n, seed = int(settings.samples), int(settings.seed)
    if baseline is None:
        with stdout_to_stderr():
            baseline, _ = solve_baseline(problem)
    if not baseline.portfolios:
        error = OsaError(f"no robustness analysis: {baseline.message or baseline.status.value}")
        error.exit_code = baseline.status.exit_code
        raise error

    t0 = time.perf_counter()
    with stop_on_interrupt() as stopped, make_executor(jobs, scheduler) as executor:
        described = executor.describe()
        drawn = draw_samples(problem, n, seed)
        setup = SampleSetup(uuid.uuid4().hex, problem, tuple(drawn.project_ids))
        chunks = split(n, chunk_size or default_chunk_size(n))
        items = [(c.start, drawn.values[c.start:c.stop]) for c in chunks]
        status = np.full(n, "", dtype=object)
        objective = np.full(n, np.nan)
        fractions = np.zeros_like(drawn.values)
        done = 0
        models: set[str] = set()
        cpu_seconds = 0.0
        try:
            for _, out in executor.map(solve_chunk, setup, items, stop=stopped):
                rows = slice(out["start"], out["start"] + len(out["status"]))
                status[rows], objective[rows], fractions[rows] = (
                    out["status"], out["objective"], out["fractions"])
                done += len(out["status"])
                models.add(out["model"])
                cpu_seconds += out["cpu_seconds"]
                if progress is not None:
                    progress(done, n)
        finally:
            forget(setup.token)
        partial = done < n
    analysis = _summarize(problem, baseline, drawn, status, objective, fractions, partial,
                          described, time.perf_counter() - t0)
    analysis.models_built, analysis.cpu_seconds = len(models), cpu_seconds
    return analysis


#: The projects table's columns that describe a project, as the Problem has them.
DESCRIBED = ("title", "country", "field")


def described(problem: Problem, ids: Any) -> dict[str, pd.Series]:
    """The title, country and field of the projects ``ids``: the first columns of the
    projects table, aligned by project id."""
    return {c: problem.input_projects[c].reindex(ids) for c in DESCRIBED}


def _summarize(
    problem: Problem, baseline: Result, drawn: Samples, status: np.ndarray,
    objective: np.ndarray, fractions: np.ndarray, partial: bool, executor: str, seconds: float,
) -> RobustnessAnalysis:
    """Core indices, classes and portfolio near-optimality from the finished samples."""
    finished = status != ""
    solved = np.isin(status, [s.value for s in Status if s.has_solution])
    n_ok = int(solved.sum())
    ids = drawn.project_ids
    funded = fractions[solved] > FRACTION_TOL
    core = funded.mean(axis=0) if n_ok else np.zeros(len(ids))
    mean_fraction = fractions[solved].mean(axis=0) if n_ok else np.zeros(len(ids))

    pj = problem.input_projects
    best = baseline.portfolios[0].fractions
    table = pd.DataFrame({
        **described(problem, pj.index),
        "eligible": pj.index.isin(ids),
        "funded_in_best": [p in best for p in pj.index],
        "core_index": pd.Series(core, index=ids).reindex(pj.index).fillna(0.0),
        "mean_fraction": pd.Series(mean_fraction, index=ids).reindex(pj.index).fillna(0.0),
    }, index=pj.index)
    table["class"] = table["core_index"].map(classify)
    table["held_in_by"] = pd.Series(held_in(problem), dtype=object).reindex(pj.index).fillna("")
    order = np.lexsort((np.arange(len(table)), -table["core_index"].to_numpy()))
    table = table.iloc[order]
    table.index.name = "project_id"

    ports = baseline.portfolios
    shares = np.array([[pf.fractions.get(p, 0.0) for pf in ports] for p in ids]).reshape(
        len(ids), len(ports))
    port_values = drawn.values[solved] @ shares               # samples × portfolios
    optimum = objective[solved][:, None]
    near = port_values >= optimum - NEAR_OPTIMAL * np.abs(optimum) - 1e-9
    # a share of an optimum worth 0 or less means nothing (as share_of_best): such samples
    # count in share_near_optimal only, and the shares are null when every sample is one
    worth = optimum[:, 0] > 1e-12
    ratio = port_values[worth] / optimum[worth]
    portfolios = pd.DataFrame({
        "rank": [pf.rank for pf in ports],
        "objective": [pf.objective for pf in ports],
        "share_near_optimal": near.mean(axis=0) if n_ok else np.nan,
        "mean_share_of_optimum": ratio.mean(axis=0) if worth.any() else np.nan,
        "worst_share_of_optimum": ratio.min(axis=0) if worth.any() else np.nan,
    }).set_index("rank")

    weights = pd.DataFrame(drawn.weights[finished],
                           columns=[f"weight_{k}" for k in drawn.criteria])
    samples_table = weights.assign(optimum=objective[finished],
                                   projects=(fractions[finished] > FRACTION_TOL).sum(axis=1),
                                   status=status[finished].astype(str))
    samples_table.index = pd.Index(np.flatnonzero(finished), name="sample")
    funded_table = pd.DataFrame(fractions[finished] > FRACTION_TOL, index=samples_table.index,
                                columns=pd.Index(ids, name="project_id"))

    notes = []
    policy = problem.policy
    unweighted = sorted(set(policy.robustness.weight_ranges) - set(policy.objective.weights))
    if unweighted:  # a policy may drop a criterion without editing [robustness]
        notes.append(f"Weight ranges for {', '.join(unweighted)} ignored: not criteria of "
                     "objective.weights.")
    if not policy.robustness.weight_ranges and not (pj["score_spread"] > 0).any():
        notes.append("No weight ranges and no score spreads: every sample is the same problem.")
    failed = int(finished.sum()) - n_ok
    if failed:
        notes.append(f"{failed} samples found no solution within the time limit; they are "
                     "left out of the core indices.")
    if partial:
        notes.append(f"Interrupted: {int(finished.sum())} of {len(drawn)} samples finished.")
    return RobustnessAnalysis(
        projects=table, portfolios=portfolios, samples_table=samples_table, funded=funded_table,
        samples=len(drawn), samples_done=int(finished.sum()), seed=drawn.seed, partial=partial,
        weight_ranges={k: list(v) for k, v in policy.robustness.weight_ranges.items()},
        executor=executor, seconds=seconds, failed_samples=failed, notes=notes,
    )


def held_in(problem: Problem) -> dict[str, str]:
    """The eligible projects every portfolio funds because a rule says so, whatever the
    weights: project id -> the rule, in input order. A project forced in by the projects
    sheet (``status`` mandatory, ``stage`` signed), the only fundable eligible project of a
    partner that ``priority.required_partners`` names or whose tier
    ``priority.fund_every_tier`` lists, and one such a project requires (directly or through
    others). Such a project is core for the rule, not for its value (``osa-opt robustness``
    says so).

    >>> held_in(problem)
    {'P-01': 'status mandatory'}
    """
    pj = problem.input_projects
    allowed, unfundable = set(problem.eligible), problem.unfundable
    eligible = [p for p in pj.index if p in allowed and p not in unfundable]
    reason: dict[str, str] = {}
    status = pj["status"].loc[eligible]
    stage = pj["stage"].loc[eligible] if "stage" in pj else pd.Series("", index=eligible)
    for p in status.index[status == "mandatory"]:
        reason[p] = "status mandatory"
    for p in stage.index[(stage == "signed") & (status != "mandatory")]:
        reason[p] = "stage signed"

    def and_what_they_require(todo: list[str]) -> None:
        """What a project held in requires is held in too."""
        while todo:
            p = todo.pop()
            for q in pj.at[p, "requires"]:
                if q not in reason and q in allowed and q not in unfundable:
                    reason[q] = f"required by {p}"
                    todo.append(q)

    and_what_they_require(list(reason))
    policy = problem.policy.priority
    required = set(map(str, policy.required_partners))
    every_tier = {int(t) for t in policy.fund_every_tier}
    tier = problem.tier
    by_country: dict[str, list[str]] = {}
    for p, country in pj["country"].loc[eligible].items():
        by_country.setdefault(str(country), []).append(p)
    # a partner's eligible project that a requirement keeps out is not one it can fund
    kept_out = {str(pj.at[p, "country"]) for p in unfundable if p in allowed}
    by_rule = []
    for country, ids in by_country.items():
        if len(ids) != 1 or ids[0] in reason:
            continue
        fundable = " that can be funded" if country in kept_out else ""
        if country in required:
            reason[ids[0]] = (f"the only eligible project of {country}{fundable}, which "
                              "priority.required_partners requires")
        elif int(tier[ids[0]]) in every_tier:
            reason[ids[0]] = (f"the only eligible project of tier-{int(tier[ids[0]])} partner "
                              f"{country}{fundable} (priority.fund_every_tier)")
        else:
            continue
        by_rule.append(ids[0])
    and_what_they_require(by_rule)
    order = {p: k for k, p in enumerate(pj.index)}
    return dict(sorted(reason.items(), key=lambda item: order[item[0]]))
