"""Robustness samples: drawing weights and scores up front, and solving a chunk of them on
a worker's persistent solver (:mod:`osa_opt.analysis.robustness` puts them together).

Samples are drawn from ``numpy.random.default_rng(seed)``, one after another, so any cut
into chunks gives the same samples; each worker builds one model and solver per run and
re-solves it with a new objective per sample, from a cleared HiGHS state.

>>> from osa_opt.analysis.sampling import draw_samples
>>> draw_samples(problem, 3, seed=0).values.shape         # samples × eligible projects
(3, 33)
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from osa_opt.solving.solver import Solver, stdout_to_stderr

if TYPE_CHECKING:
    from osa_opt.inputs.problem import Problem

SCORE_RANGE = (0.0, 10.0)


# ---------------------------------------------------------------------- sampling
@dataclass
class Samples:
    """Sampled weights and the project values they give.

    ``weights`` is (samples × criteria) in the policy's criterion order; ``values`` is
    (samples × model projects), the objective coefficient of every eligible project in
    input order (``project_ids``); ``scores`` (samples × all projects × criteria) is kept
    only when asked for.
    """

    seed: int
    criteria: list[str]
    project_ids: list[str]
    weights: np.ndarray
    values: np.ndarray
    scores: np.ndarray | None = None

    def __len__(self) -> int:
        return int(self.values.shape[0])


def model_project_ids(problem: Problem) -> list[str]:
    """The eligible projects in input order: the projects the model has variables for."""
    eligible = set(problem.eligible)
    return [p for p in problem.input_projects.index if p in eligible]


def draw_samples(problem: Problem, n: int, seed: int, keep_scores: bool = False) -> Samples:
    """Draw ``n`` weight and score samples and compute every project value with numpy.

    Sample i uses the i-th draws of ``default_rng(seed)``: first the weights of the
    criteria with a range (in policy order), then one score noise per project and criterion.
    The value follows ``Problem.value_of``:
    ``(Σ_k w_k·score[p,k]) · tier_multiplier[tier] · country_factor[c]
    · (1 − risk_aversion·risk[p])``.

    >>> s = draw_samples(problem, 3, seed=0)
    >>> s.values.shape                           # samples × eligible projects
    (3, 33)
    """
    policy = problem.policy
    criteria = list(problem.criteria)
    base = np.array([float(policy.objective.weights[k]) for k in criteria])
    ranges = policy.robustness.weight_ranges
    ranged = [j for j, k in enumerate(criteria) if k in ranges]
    lows = np.array([ranges[criteria[j]][0] for j in ranged], dtype=float)
    highs = np.array([ranges[criteria[j]][1] for j in ranged], dtype=float)

    projects = problem.input_projects
    scores0 = problem.scores[criteria].to_numpy(dtype=float)
    spread = projects["score_spread"].to_numpy(dtype=float)[:, None]
    tiers = problem.tier.to_numpy()
    multiplier = np.array([policy.objective.tier_multiplier.get(int(t), 1.0) for t in tiers])
    # the country's considerations too, as the normal solve values projects
    factor = multiplier * problem.country_factor.to_numpy(dtype=float) * (
        1.0 - policy.objective.risk_aversion * projects["risk"].to_numpy(dtype=float))
    ids = model_project_ids(problem)
    position = projects.index.get_indexer(ids)

    rng = np.random.default_rng(seed)
    weights = np.tile(base, (n, 1))
    values = np.empty((n, len(ids)))
    kept = np.empty((n, *scores0.shape)) if keep_scores else None
    for i in range(n):
        if ranged:
            weights[i, ranged] = rng.uniform(lows, highs)
        noise = rng.uniform(-1.0, 1.0, size=scores0.shape) * spread
        scores = np.clip(scores0 + noise, *SCORE_RANGE)
        values[i] = (scores[position] @ weights[i]) * factor[position]
        if kept is not None:
            kept[i] = scores
    return Samples(int(seed), criteria, ids, weights, values, kept)


# ---------------------------------------------------------------------- work of one worker
@dataclass(frozen=True)
class SampleSetup:
    """What each worker receives once: the problem, and a token naming this run."""

    token: str
    problem: Problem
    project_ids: tuple[str, ...]


_local = threading.local()


def _solver_for(setup: SampleSetup) -> Solver:
    """This thread's persistent solver for the run: built once, reused for every chunk."""
    cached = getattr(_local, "solver", None)
    if cached is not None and cached[0] == setup.token:
        return cached[1]
    solver = Solver(setup.problem)
    # the same projects; the model's columns are in id order (ModelData.by_id), the samples'
    # in input order, and solve_chunk matches them by id
    if sorted(solver.model.osa.projects) != sorted(setup.project_ids):
        raise RuntimeError("the worker's model has other projects than the samples")
    _local.solver = (setup.token, solver)  # one run at a time per thread: drop the old one
    return solver


def forget(token: str) -> None:
    """Drop this thread's solver of a finished run."""
    cached = getattr(_local, "solver", None)
    if cached is not None and cached[0] == token:
        _local.solver = None


def solve_chunk(setup: SampleSetup, item: tuple[int, np.ndarray]) -> dict[str, Any]:
    """Solve a contiguous block of samples on this worker's persistent solver.

    ``item`` is (first sample index, values block of samples × model projects). Only the
    objective changes between samples. Returns statuses, optima and funded fractions.
    """
    start, block = item
    solver = _solver_for(setup)
    ids = setup.project_ids
    column = {p: j for j, p in enumerate(ids)}
    fractions = np.zeros(block.shape)
    objective = np.full(block.shape[0], np.nan)
    status: list[str] = []
    t0, cpu0 = time.perf_counter(), time.process_time()
    with stdout_to_stderr():
        for i, row in enumerate(block):
            solver.set_objective(dict(zip(ids, row.tolist(), strict=True)))
            solver.clear()  # forget the last basis: each sample solves from scratch
            out = solver.solve_once()
            status.append(out.status.value)
            if out.status.has_solution:
                objective[i] = out.objective or 0.0
                for p, f in out.fractions.items():
                    fractions[i, column[p]] = f
    return {"start": start, "status": status, "objective": objective, "fractions": fractions,
            "seconds": time.perf_counter() - t0, "cpu_seconds": time.process_time() - cpu0,
            # names the model that solved the chunk: one per worker, never one per chunk
            "model": f"{os.getpid()}:{threading.get_ident()}:{id(solver)}"}
