"""A value bound from the LP relaxation, to confine ranked portfolios to the near-optimal.

Ranked portfolios are found by re-solving one MIP with a no-good cut per portfolio. Each
re-solve must prove that nothing better exists outside the cuts, and with the dense cut rows
HiGHS spends most of that proof on parts of the space worth far less than the portfolios
sought. One LP relaxation gives, for any sign-correct row multipliers ``μ``, the Lagrangian
bound

    value(x) ≤ M + Σ_j d_j·x_j        with  d = c − Aᵀμ,  M = offset + Σ_i μ_i·β_i,

valid for every feasible ``x`` (``β_i`` is the row bound that ``μ_i``'s sign pairs with).
Every portfolio worth at least ``L`` therefore satisfies the single row
``Σ_j d_j·x_j ≥ L − M``: presolve fixes every project whose reduced cost exceeds the gap,
and the re-solves only search what could be worth ``L``. A re-solve that finds a portfolio
worth ``L`` or more has found the true next portfolio (everything the row cuts off is worth
less); one that does not lowers ``L`` and tries again (:meth:`Solver.ranked`, which
owns the ranking and hands the floor the model, the bound and its ``solve_once``).

The bound is computed from the very HiGHS instance the persistent solver holds: its
columns are relaxed to continuous for one LP solve and restored at once, so Pyomo's view of
the model never changes.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyomo.core as pyo  # not pyomo.environ: its plugins cost start-up time

from osa_opt.model.families import linear_sum
from osa_opt.solving.highs_access import (
    admitted,
    column_vars,
    highs_of,
    option_value,
    stdout_to_stderr,
)
from osa_opt.solving.status import Outcome, Status

#: Reduced costs smaller than this (relative to the largest) are folded into the constant.
TINY = 1e-12


@dataclass
class ValueBound:
    """``value(x) ≤ constant + Σ coef·var`` for every feasible ``x``; ``lp_value`` is the
    LP relaxation's optimum (the bound's value at its best)."""

    lp_value: float
    constant: float
    terms: list[tuple[Any, float]]  # (Pyomo variable, reduced cost)


@contextlib.contextmanager
def _quiet(highs: Any) -> Any:
    """HiGHS writes its log to file descriptor 1 unless told not to."""
    flag = option_value(highs, "output_flag")
    highs.setOptionValue("output_flag", False)
    try:
        with stdout_to_stderr():
            yield
    finally:
        highs.setOptionValue("output_flag", bool(flag))


def lp_value_bound(opt: Any) -> ValueBound | None:
    """The Lagrangian bound of the model a persistent ``Highs`` solver holds, or None when
    its LP relaxation has no optimum, or HiGHS is not at hand (Pyomo's private attributes
    are read through :mod:`osa_opt.solving.highs_access`, which warns when one is gone)."""
    import highspy

    highs = highs_of(opt)
    col_to_var = column_vars(opt) if highs is not None else None
    if highs is None or col_to_var is None:
        return None
    lp = highs.getLp()
    n = int(lp.num_col_)
    if n == 0 or int(lp.num_row_) == 0 or lp.sense_ != highspy.ObjSense.kMaximize \
            or lp.a_matrix_.format_ != highspy.MatrixFormat.kColwise:
        return None  # the model maximizes value; a user's minimization gets plain cuts
    integrality = np.asarray(lp.integrality_, dtype=np.uint8)
    columns = np.arange(n, dtype=np.int32)
    with _quiet(highs):
        if len(integrality) == n:
            highs.changeColsIntegrality(n, columns, np.zeros(n, dtype=np.uint8))
        try:
            admitted(highs)
            optimal = highs.getModelStatus() == highspy.HighsModelStatus.kOptimal
            lp_value = float(highs.getInfo().objective_function_value)
            row_dual = np.asarray(highs.getSolution().row_dual, dtype=float)
        finally:
            if len(integrality) == n:
                highs.changeColsIntegrality(n, columns, integrality)
    if not optimal or len(row_dual) != int(lp.num_row_):
        return None
    cost = np.asarray(lp.col_cost_, dtype=float)
    lower, upper = np.asarray(lp.col_lower_, dtype=float), np.asarray(lp.col_upper_, dtype=float)
    row_lower = np.asarray(lp.row_lower_, dtype=float)
    row_upper = np.asarray(lp.row_upper_, dtype=float)
    matrix = lp.a_matrix_
    start = np.asarray(matrix.start_, dtype=np.int64)
    index = np.asarray(matrix.index_, dtype=np.int64)
    value = np.asarray(matrix.value_, dtype=float)
    column_of = np.repeat(np.arange(n), np.diff(start))
    best: tuple[float, float, np.ndarray] | None = None
    for mu in (row_dual, -row_dual):  # HiGHS's sign convention, whichever it is
        bound = _bound_for(mu, cost, lower, upper, row_lower, row_upper, column_of, index, value)
        if bound is not None and (best is None or bound[0] < best[0]):
            best = bound
    if best is None:
        return None
    _, constant, reduced = best
    offset = float(lp.offset_)
    scale = max(1.0, float(np.max(np.abs(reduced))))
    terms: list[tuple[Any, float]] = []
    for j in range(n):
        d = float(reduced[j])
        if abs(d) <= TINY * scale and np.isfinite(lower[j]) and np.isfinite(upper[j]):
            constant += max(d * lower[j], d * upper[j])  # folded in at its worst
        elif d != 0.0:
            terms.append((col_to_var[j], d))
    return ValueBound(lp_value, constant + offset, terms)


def _bound_for(mu: np.ndarray, cost: np.ndarray, lower: np.ndarray, upper: np.ndarray,
               row_lower: np.ndarray, row_upper: np.ndarray, column_of: np.ndarray,
               index: np.ndarray, value: np.ndarray) -> tuple[float, float, np.ndarray] | None:
    """(max over the box of the bound, its constant, reduced costs) for multipliers ``mu``
    made sign-correct: a positive one pairs with the row's upper bound, a negative one with
    its lower bound, and one whose bound is infinite is dropped."""
    mu = mu.copy()
    mu[(mu > 0) & ~np.isfinite(row_upper)] = 0.0
    mu[(mu < 0) & ~np.isfinite(row_lower)] = 0.0
    paired = np.where(mu > 0, row_upper, np.where(mu < 0, row_lower, 0.0))
    constant = float(np.dot(mu, paired))
    reduced = cost - np.bincount(column_of, weights=mu[index] * value, minlength=len(cost))
    with np.errstate(invalid="ignore"):
        best = np.where(reduced > 0, reduced * upper, np.where(reduced < 0, reduced * lower, 0.0))
    top = constant + float(np.sum(best))
    if not np.isfinite(top):
        return None
    return top, constant, reduced


# ---------------------------------------------------------------------- the floor of a ranking
#: HiGHS options for the re-solves of a ranking. Each re-solve is small once the floor row
#: has fixed most projects, and starts next to the portfolio just found; HiGHS's restart,
#: its RINS/RENS sub-MIPs and its feasibility jump then cost more than they find. Its time
#: goes into proving among near-equal portfolios (thousands of nodes at 3,000×5), where
#: separating cuts at every node and keeping old cut rows in the node LPs slow each node
#: more than they prune: without them ten portfolios take about half the CPU time there
#: (benchmarks/bench_ranked.py measures it). None of these changes what is optimal.
RESOLVE_OPTIONS: dict[str, Any] = {
    "mip_heuristic_run_rins": False, "mip_heuristic_run_rens": False,
    "mip_allow_restart": False, "mip_heuristic_run_feasibility_jump": False,
    "mip_allow_cut_separation_at_nodes": False, "mip_lp_age_limit": 1, "mip_pool_age_limit": 3,
}
#: And when the pool of :mod:`osa_opt.solving.pool` runs (it hands each re-solve the best
#: portfolio met so far): without HiGHS's root reduced-cost sub-MIP, which then finds little
#: the pool has not and took about a third of a 0.1 s re-solve at 1,000×3 (the ten took
#: 6–22% less CPU time at 1,000×3, 15–16% at 10,000×3, the same at 3,000×5 and on a
#: 100-item knapsack; benchmarks/README.md). Without the pool (plain cuts) the sub-MIP finds
#: the re-solves' first good incumbent and stays on: they were up to 5× slower without it.
POOLED_OPTIONS: dict[str, Any] = {"mip_heuristic_run_root_reduced_cost": False}
FIRST_MARGIN = 1.0     # floor of portfolio 2: best − (LP bound − best)
STEP_MARGIN = 2.0      # floor of portfolio k: value k−1 − 2 × the largest drop so far
MIN_MARGIN = 1e-9      # ... and at least this share of the best value below it
WIDEN = 4.0            # a re-solve that ends below the floor widens its distance 4×
#: A re-solve widened this often drops the floor for good: the re-solves then run on plain
#: cuts (a loose floor fixes little, and HiGHS's presolve is slow on a dense row with many
#: free columns).
MAX_WIDENINGS = 3
#: The floor is put up only if it fixes at least this share of the columns it names.
MIN_FIXED_SHARE = 0.25


class NearOptimalFloor:
    """The row ``Σ d_j·x_j ≥ L − M`` on a model while a ranking runs.

    The floor ``L`` follows the ranking: just below the previous portfolio's value, by a
    distance learnt from the drops so far. It receives only what it needs: the model to
    put its row on, the bound, the best value and ``solve`` (one re-solve of that model,
    e.g. :meth:`Solver.solve_once`). Use :meth:`add` after portfolio 1, :meth:`solve_next`
    for each next portfolio and :meth:`remove` at the end (the model is then as before).
    """

    ROW = "near_optimal_floor"

    def __init__(self, model: pyo.ConcreteModel, bound: ValueBound, best: float,
                 solve: Callable[[], Outcome], lower: float | None = None) -> None:
        self.model, self.solve = model, solve
        self.best, self.previous = best, best
        self.least = MIN_MARGIN * max(1.0, abs(best))
        self.distance = _first_distance(bound, best)
        self.lower: float | None = None
        self._apply_lower(lower)
        self.largest_drop = 0.0
        self.widenings = 0  # in all
        coefs = [d for _, d in bound.terms]
        variables = [v for v, _ in bound.terms]
        # Slack for rounding in d and M: the row may only ever be looser than the bound.
        self.slack = 1e-9 * (abs(bound.constant) + float(np.sum(np.abs(coefs)))) + 1e-6
        self.constant = bound.constant
        self.level = pyo.Param(mutable=True, initialize=self._level())
        model.add_component(self.ROW + "_level", self.level)
        model.add_component(self.ROW, pyo.Constraint(
            expr=linear_sum(coefs, variables) >= self.level,
            doc="portfolios worth at least the ranking's floor (LP value bound)"))

    @classmethod
    def add(cls, model: pyo.ConcreteModel, bound: ValueBound | None, best: float,
            solve: Callable[[], Outcome], lower: float | None = None
            ) -> NearOptimalFloor | None:
        """Put the floor on the model, or return None when the LP relaxation gave no bound
        or the floor would fix too little (the ranking then runs on plain cuts)."""
        if bound is None or not bound.terms or bound.lp_value < best - 1e-6 * max(1.0, abs(best)):
            return None
        # Worth it only if the first floor fixes a good share of the columns: a project
        # whose reduced cost exceeds LP bound − floor cannot move in any portfolio above it.
        distance = _first_distance(bound, best)
        if lower is not None:
            distance = _distance_for(distance, best, lower)
        gap = bound.lp_value - best + distance
        fixed = sum(1 for _, d in bound.terms if abs(d) > gap)
        if fixed < MIN_FIXED_SHARE * len(bound.terms):
            return None
        return cls(model, bound, best, solve, lower)

    @property
    def floor(self) -> float:
        return self.previous - self.distance

    @property
    def active(self) -> bool:
        return self.model.component(self.ROW).active

    def _level(self) -> float:
        return self.floor - self.constant - self.slack

    def solve_next(self) -> Outcome:
        """The next portfolio: re-solve, widening the floor until the answer is above it."""
        seconds, widened = 0.0, 0
        while True:
            out = self.solve()
            seconds += out.seconds
            out.seconds = seconds
            if not self.active:
                return out
            if out.status == Status.OPTIMAL and out.objective is not None \
                    and out.objective >= self.floor:
                self._found(out.objective)
                return out
            if out.status not in (Status.OPTIMAL, Status.INFEASIBLE, Status.TIME_LIMIT):
                return out  # no portfolio in time, or a solver error: said as it is
            if out.status == Status.TIME_LIMIT and out.objective is not None:
                # what the row cut off is worth less than the floor: the bound is the larger
                out.bound = max(out.bound if out.bound is not None else self.floor, self.floor)
                out.gap = max(0.0, (out.bound - out.objective) / max(abs(out.objective), 1e-9))
                return out
            if widened >= MAX_WIDENINGS:
                self.model.component(self.ROW).deactivate()
                continue
            widened += 1
            self.widenings += 1
            if self.lower is not None and self.previous - self.distance > self.lower:
                self.distance = self.previous - self.lower  # straight to a known portfolio
            else:
                self.distance *= WIDEN
            self.level.set_value(self._level())

    def known(self, lower: float | None) -> None:
        """A portfolio worth ``lower`` is known to be feasible for the next re-solve (the
        pool of :mod:`osa_opt.solving.pool`): the floor is no lower than needed to keep it
        inside, and a re-solve that ends below the floor lowers it straight to it."""
        self._apply_lower(lower)
        self.level.set_value(self._level())

    def _apply_lower(self, lower: float | None) -> None:
        # a hair under the known value: HiGHS's value of the same portfolio may differ in
        # its last digits
        self.lower = None if lower is None else lower - self.least
        if self.lower is not None:
            self.distance = _distance_for(self.distance, self.previous, self.lower)

    def found(self, value: float) -> None:
        """A portfolio worth ``value`` was found without this floor (proven by
        :mod:`osa_opt.solving.ranks_checked`): the floor moves under it as after a re-solve."""
        self._found(value)

    def _found(self, value: float) -> None:
        """Move the floor under the portfolio just found, by the drops seen so far."""
        self.lower = None
        self.largest_drop = max(self.largest_drop, self.previous - value)
        self.previous = value
        self.distance = max(STEP_MARGIN * self.largest_drop, self.least)
        self.level.set_value(self._level())

    def remove(self) -> None:
        m = self.model
        m.del_component(self.ROW)
        m.del_component(self.ROW + "_level")


def _distance_for(distance: float, previous: float, lower: float) -> float:
    """The floor's distance below ``previous`` when a portfolio worth ``lower`` is known to
    be in reach: the rule's distance, or less when the known portfolio is closer (a floor
    at a far lower known value would fix too little: the rule's floor is tried first)."""
    to_lower = previous - lower
    return min(distance, to_lower) if to_lower > 0 else distance


def _first_distance(bound: ValueBound, best: float) -> float:
    """How far below the best value the floor of portfolio 2 goes."""
    return FIRST_MARGIN * max(bound.lp_value - best, MIN_MARGIN * max(1.0, abs(best)))


@contextlib.contextmanager
def resolve_options(opt: Any, pooled: bool = False) -> Iterator[None]:
    """Use :data:`RESOLVE_OPTIONS` for the re-solves of a ranking (and :data:`POOLED_OPTIONS`
    when the pool starts them), then restore HiGHS's own."""
    options = RESOLVE_OPTIONS | POOLED_OPTIONS if pooled else RESOLVE_OPTIONS
    highs = highs_of(opt)
    saved = {key: option_value(highs, key) for key in options} if highs is not None else {}
    opt.config.solver_options.update(options)
    try:
        yield
    finally:
        for key in options:
            opt.config.solver_options.pop(key, None)
        highs = highs_of(opt)
        for key, value in saved.items():
            if highs is not None and value is not None:
                highs.setOptionValue(key, value)
