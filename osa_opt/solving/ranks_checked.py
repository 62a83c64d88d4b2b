"""Ranked portfolios proven a few ranks per MIP (the default of :meth:`Solver.ranked` for
``min_difference`` 2): instead of one re-solve per portfolio, a greedy ranking within the
funded sets HiGHS has reported, proven by a few check MIPs and bounds on single flips.

The claim. ``V(S)`` is the value of funded set ``S`` at its best fractions (every ``x`` fixed
to ``S``: the LP relaxation when its whole-number columns come out whole, else one small
MIP). ``C`` holds funded sets HiGHS reported, each with ``V`` exact, and
``G = g1 (portfolio 1), g2, …, gK`` is the greedy ranking within ``C`` (each the best member
of ``C`` differing from every earlier one in at least ``d = 2`` projects), worth
``w1 ≥ … ≥ wK``. The sequential ranking picks at step ``k`` the best set outside the balls
``B(g_i) = {S : dist(S, g_i) < d}``, ``i < k``. Suppose

(a) every set outside ``B(g1) ∪ … ∪ B(g_{K-1})`` is worth at most ``t``, and
(b) every set of ``B(g_j)`` outside ``B(g1) ∪ … ∪ B(g_{j-1})`` (``1 < j < K``) is worth at most
    ``max(w_j, w_k)``.

Then ``g1..gk`` is a sequential ranking for every ``k`` with ``w_k ≥ t`` (up to HiGHS's
absolute gap, the tolerance the sequential ranking has too): at a step ``s ≤ k`` a set ``S``
still available is either outside every ball (worth ``≤ t ≤ w_k ≤ w_s``) or first in a ball
``B(g_j)`` with ``j ≥ s`` (worth ``≤ max(w_j, w_k) ≤ w_s``), so ``g_s``, the best available
member of ``C``, is the best available set. (a) is one MIP: the model with the ``d``-cuts of
``g1..g_{K-1}`` (the sequential ranking's K-th re-solve), started from ``gK``, confined to
sets worth ``wK`` by the floor row of :mod:`osa_opt.solving.value_bound`; ``t`` is its bound.
Its rows go straight to the persistent solver's own HiGHS and are deleted after it
(:class:`CheckMip`), so Pyomo's records of the model stay true. (b), for ``d = 2``, is about
the single flips of each ``g_j``: the fixed-``x`` LP relaxation at any set ``g`` gives
``V(q) ≤ V_LP(g) + r·(q − g)`` for every ``q`` (``r``: the reduced costs of the fixed ``x``
columns; the LP's value is concave in those bounds), the root LP's Lagrangian bound is
another, and so is the box of :class:`Box` (the rows alone); a flip none settles is solved
as an LP (exact when its integer columns come out integral) or as the fixed-``x`` MIP. Every
solution a MIP reports joins ``C``; a flip worth more than allowed joins ``C`` too; the
greedy ranking is redone and checked again until all ``K`` are proven.

When a check runs: (a)'s MIP has its floor no lower than ``best − SPAN × (LP bound −
best)``, so ``t`` is at least that and no rank worth less can be proven by it. When the
greedy ranking's next member is worth less, the check would prove nothing (the next rank's
re-solve with needless cuts, a lower floor and no start: two to three re-solves' time at
10,000×3); the next rank is then re-solved (the branch below for "nothing in ``C``"), which
also fills ``C`` with the near-optimal sets HiGHS meets, and the checks go on after it.

The tie rule: where two members of ``C`` still available are worth the same (within
HiGHS's absolute gap), the greedy ranking stops there and the next portfolio is re-solved,
as HiGHS returns it. A set tied with a proven ``g_k`` outside ``C`` (in a later ball, or the
set the check MIP itself found: ``w_k + TOL ≥ t`` lets it through) does not stop it, and the
sequential loop's re-solves start from their own pool, so the two paths may rank different
sets of equal value (docs/model.md, "Ties"); each is a sequential ranking. A check that is inconclusive (a time limit, a
solver status other than optimal or infeasible, more than :data:`MAX_MIPS` MIPs) hands the
ranks proven so far back to :meth:`Solver.ranked`, whose sequential loop goes on from them.
One extra HiGHS copy of the model is kept (:class:`Evaluator`: the fixed-``x`` MIP, and its
LP relaxation with the integrality switched off); the sets HiGHS reports are kept as funded
patterns and values only.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from osa_opt.solving import highs_access as ha
from osa_opt.solving.direct import HIGHS_ABS_GAP
from osa_opt.solving.value_bound import (
    FIRST_MARGIN,
    POOLED_OPTIONS,
    RESOLVE_OPTIONS,
    STEP_MARGIN,
    ValueBound,
)

TOL = HIGHS_ABS_GAP  # a set worth at most this more than another counts as tied
SPAN = 3.0  # the first MIPs' floor: no lower than best − SPAN × (LP bound − best)
#: The most check MIPs before the ranks proven so far go back to the sequential loop.
MAX_MIPS = 12


class Inconclusive(Exception):
    """A solve of the check ended neither optimal nor infeasible (e.g. a time limit)."""


@dataclass
class Stats:
    mips: int = 0
    mip_seconds: float = 0.0
    exact: int = 0
    exact_by_lp: int = 0  # exact values whose fixed-x LP came out integral (no MIP)
    flip_lps: int = 0
    box_settled: int = 0  # flips settled by Box, without an LP
    violations: int = 0
    bound_broken: list[str] = field(default_factory=list)
    #: per check MIP: (its seconds, ranks proven after it, whether it checked a greedy ranking)
    log: list[tuple[float, int, bool]] = field(default_factory=list)


class Evaluator:
    """Exact values of funded sets (every ``x`` fixed) on one copy of the loaded model: its
    LP relaxation (integrality switched off; the value when its whole-number columns come
    out whole, and the flips' bounds), else the fixed-``x`` MIP."""

    def __init__(self, lp: Any, x_cols: np.ndarray, stats: Stats, time_limit: float,
                 threads: int = 1) -> None:
        import highspy

        self.highspy, self.x_cols, self.stats = highspy, x_cols, stats
        self.lower = np.asarray(lp.col_lower_, float)[x_cols]
        self.upper = np.asarray(lp.col_upper_, float)[x_cols]
        self.h = ha.new_highs()
        self.h.passModel(lp)
        options = {"output_flag": False, "mip_rel_gap": 0.0, "mip_abs_gap": HIGHS_ABS_GAP,
                   "time_limit": float(time_limit), "threads": int(threads)} | ha.SOLVE_OPTIONS
        for key, value in options.items():
            self.h.setOptionValue(key, value)
        self.n = n = int(lp.num_col_)
        integrality = np.asarray(lp.integrality_, dtype=np.uint8)
        self.integrality = integrality if len(integrality) == n else np.zeros(n, np.uint8)
        self.int_cols = np.nonzero(self.integrality)[0]
        self.all_cols = np.arange(n, dtype=np.int32)
        self.mip_mode = True
        self.cache: dict[bytes, tuple[float, np.ndarray] | None] = {}

    def _mode(self, mip: bool) -> None:
        if mip == self.mip_mode:
            return
        self.h.changeColsIntegrality(self.n, self.all_cols,
                                     self.integrality if mip else np.zeros(self.n, np.uint8))
        self.h.setOptionValue("presolve", "choose" if mip else "off")  # LPs: warm starts
        self.mip_mode = mip

    def _status(self) -> str:
        status, ms = self.h.getModelStatus(), self.highspy.HighsModelStatus
        if status == ms.kOptimal:
            return "optimal"
        if status == ms.kInfeasible:
            return "infeasible"
        raise Inconclusive(self.h.modelStatusToString(status))

    def exact(self, pattern: np.ndarray) -> tuple[float, np.ndarray] | None:
        """(V(S), column values at the best fractions), or None when S is infeasible."""
        key = pattern.tobytes()
        if key not in self.cache:
            if np.any(pattern < self.lower - 1e-9) or np.any(pattern > self.upper + 1e-9):
                self.cache[key] = None
            else:
                self.stats.exact += 1
                self.cache[key] = self._lp_exact(pattern) or self._mip_exact(pattern)
        return self.cache[key]

    def _lp_exact(self, pattern: np.ndarray) -> tuple[float, np.ndarray] | None:
        """V(S) from the fixed-x LP relaxation (warm, a fraction of the MIP's time) when its
        integer columns come out integral, the MIP's optimum then; None otherwise."""
        self._mode(False)
        b = pattern.astype(float)
        self.h.changeColsBounds(len(self.x_cols), self.x_cols, b, b)
        ha.admitted(self.h)
        if self.h.getModelStatus() != self.highspy.HighsModelStatus.kOptimal:
            return None  # infeasible or unsettled: the MIP decides
        values = np.array(self.h.getSolution().col_value)
        ints = values[self.int_cols]
        if np.any(np.abs(ints - np.round(ints)) > 1e-9):
            return None
        self.stats.exact_by_lp += 1
        return float(self.h.getInfo().objective_function_value), values

    def _mip_exact(self, pattern: np.ndarray) -> tuple[float, np.ndarray] | None:
        self._mode(True)
        b = pattern.astype(float)
        self.h.changeColsBounds(len(self.x_cols), self.x_cols, b, b)
        ha.run_checked(self.h)
        return ((float(self.h.getInfo().objective_function_value),
                 np.array(self.h.getSolution().col_value))
                if self._status() == "optimal" else None)

    def lp_at(self, pattern: np.ndarray) -> tuple[float, np.ndarray] | None:
        """(V_LP(S), reduced costs of the x columns) of the fixed-x LP relaxation, None when
        it has no solution."""
        self._mode(False)
        b = pattern.astype(float)
        self.h.changeColsBounds(len(self.x_cols), self.x_cols, b, b)
        ha.admitted(self.h)
        if self._status() != "optimal":
            return None
        return (float(self.h.getInfo().objective_function_value),
                np.asarray(self.h.getSolution().col_dual)[self.x_cols])

    def lp_flip(self, i: int, value: float, back: float) -> tuple[float, bool]:
        """V_LP of the set last given to :meth:`lp_at` with x_i set to ``value`` (warm),
        and whether that LP solution is integral (then it is V itself)."""
        self.stats.flip_lps += 1
        col = np.array([self.x_cols[i]], dtype=np.int32)
        self.h.changeColsBounds(1, col, np.array([value]), np.array([value]))
        try:
            ha.admitted(self.h)
            if self._status() != "optimal":
                return -np.inf, True
            values = np.asarray(self.h.getSolution().col_value)[self.int_cols]
            return (float(self.h.getInfo().objective_function_value),
                    bool(np.all(np.abs(values - np.round(values)) <= 1e-9)))
        finally:
            self.h.changeColsBounds(1, col, np.array([back]), np.array([back]))


@dataclass
class CheckOutcome:
    status: str  # "optimal" or "infeasible" (anything else raises Inconclusive)
    seconds: float
    objective: float = -np.inf
    bound: float = -np.inf
    values: np.ndarray | None = None


class CheckMip:
    """The checks' MIPs run on the HiGHS instance of the persistent solver itself, their
    rows added and deleted through highspy: the ``d``-cuts of the given sets and the floor
    row of :mod:`osa_opt.solving.value_bound` (``Σ d_j·col_j ≥ level − M``, with the same
    slack as ``NearOptimalFloor``), appended after Pyomo's rows and deleted before anything
    else reaches HiGHS, so Pyomo's records of the model (its row map) stay true."""

    def __init__(self, highs: Any, x_cols: np.ndarray, coef: np.ndarray, constant: float
                 ) -> None:
        import highspy

        self.highspy, self.highs, self.x_cols = highspy, highs, x_cols
        nz = np.nonzero(coef)[0]
        self.floor_cols, self.floor_coef = nz.astype(np.int32), coef[nz]
        self.constant = constant
        self.slack = 1e-9 * (abs(constant) + float(np.abs(coef).sum())) + 1e-6

    @contextlib.contextmanager
    def options(self, values: dict[str, Any]) -> Iterator[None]:
        values = values | {"output_flag": False}
        saved = {key: ha.option_value(self.highs, key) for key in values}
        for key, value in values.items():
            self.highs.setOptionValue(key, value)
        try:
            yield
        finally:
            for key, value in saved.items():
                if value is not None:
                    self.highs.setOptionValue(key, value)

    def _run(self, start: np.ndarray | None) -> CheckOutcome:
        h, status = self.highs, self.highspy.HighsModelStatus
        if start is not None:
            ha._set_solution(h, start)
        t0 = time.perf_counter()
        ha.run_checked(h)
        out = CheckOutcome("", time.perf_counter() - t0)
        model_status = h.getModelStatus()
        if model_status == status.kInfeasible:
            out.status = "infeasible"
        elif model_status == status.kOptimal:
            info = h.getInfo()
            out.status = "optimal"
            out.objective = float(info.objective_function_value)
            out.bound = float(info.mip_dual_bound)
            out.values = np.array(h.getSolution().col_value)
        else:
            raise Inconclusive(h.modelStatusToString(model_status))
        return out

    def solve(self, centres: list[np.ndarray], d: int, level: float,
              start: np.ndarray | None, floor_may_go: bool) -> CheckOutcome:
        """The model with the ``d``-cuts of ``centres`` and the floor at ``level``, started
        from ``start``; with ``floor_may_go`` solved again without the floor when no set
        worth ``level`` is found (the sequential ranking's re-solve, widened once)."""
        h, inf = self.highs, self.highspy.kHighsInf
        first = int(h.getNumRow())
        n = len(self.x_cols)
        lower, starts, index, value = [], [], [], []
        for i, g in enumerate(centres):  # Σ_{p∉g} x_p − Σ_{p∈g} x_p ≥ d − |g|
            starts.append(i * n)
            index.append(self.x_cols)
            value.append(np.where(g, -1.0, 1.0))
            lower.append(d - float(np.count_nonzero(g)))
        starts.append(len(centres) * n)
        index.append(self.floor_cols)
        value.append(self.floor_coef)
        lower.append(level - self.constant - self.slack)
        rows = len(lower)
        try:
            h.addRows(rows, np.array(lower), np.full(rows, inf),
                      int(n * len(centres) + len(self.floor_cols)),
                      np.array(starts, dtype=np.int32), np.concatenate(index).astype(np.int32),
                      np.concatenate(value))
            out = self._run(start)
            if floor_may_go and not (out.status == "optimal" and out.objective >= level):
                h.deleteRows(1, np.array([first + rows - 1], dtype=np.int32))
                seconds = out.seconds
                out = self._run(None)
                out.seconds += seconds
        finally:
            extra = int(h.getNumRow()) - first
            if extra > 0:
                h.deleteRows(extra, np.arange(first, first + extra, dtype=np.int32))
        return out


class Box:
    """A bound on ``V(q)`` from the rows alone, for a single flip ``q`` of a set ``g``,
    without an LP (shortcut 1 of the ball check; its proof).

    Fix every ``x`` to ``q``. A *link row* is a row whose only column other than ``x`` is
    one column ``k`` (``f_p ≥ min_p·x_p``, ``f_p ≤ x_p``, ``z_c ≤ Σ x``, …): it bounds ``k``
    by a number once ``x`` is fixed, so every solution with ``x = q`` has each non-``x``
    column within its own bounds tightened by its link rows (its *box*; an integer column's
    rounded inwards). Hence every row's activity lies within [Σ min(a·lo, a·up), Σ max(a·lo,
    a·up)] over the box, and the objective is at most ``U(q) = offset + Σ max(c·lo, c·up)``.
    If a box is empty, or a row's interval misses the row's bounds by more than 1e-6 of
    its size, no solution has ``x = q``: ``V(q) = −∞``. Otherwise ``V(q) ≤ U(q)``. So a
    flip with ``U(q) ≤ limit`` (e.g. dropping a project worth more than the room the
    funded partial projects have below their full fractions) or no solution (e.g. adding
    one whose cost at its least fraction exceeds what the budget leaves at the others'
    least) needs no LP. Flipping ``x_i`` changes only ``x_i``'s column and the boxes of
    the columns linked to ``x_i``, so :meth:`flip` updates the sums of ``g`` (:meth:`at`)
    through those columns' entries alone."""

    def __init__(self, lp: Any, x_cols: np.ndarray) -> None:
        import highspy

        n, m = int(lp.num_col_), int(lp.num_row_)
        a = lp.a_matrix_
        start = np.asarray(a.start_, np.int64)
        self.col_start, self.row_index = start, np.asarray(a.index_, np.int64)
        self.value = np.asarray(a.value_, float)
        self.col_of = np.repeat(np.arange(n), np.diff(start))
        self.lo0, self.up0 = np.asarray(lp.col_lower_, float), np.asarray(lp.col_upper_, float)
        self.cost = np.asarray(lp.col_cost_, float)
        self.offset = float(lp.offset_)
        self.sense = 1.0 if lp.sense_ == highspy.ObjSense.kMaximize else -1.0
        integrality = np.asarray(lp.integrality_, np.uint8)
        self.integer = integrality.astype(bool) if len(integrality) == n else np.zeros(n, bool)
        self.rl, self.ru = np.asarray(lp.row_lower_, float), np.asarray(lp.row_upper_, float)
        self.is_x = np.zeros(n, bool)
        self.is_x[x_cols] = True
        self.x_cols = x_cols
        other = ~self.is_x[self.col_of]
        per_row = np.bincount(self.row_index[other], minlength=m)
        link = per_row == 1
        e_link = np.nonzero(other & link[self.row_index])[0]
        self.link_col = np.full(m, -1, np.int64)  # the non-x column of each link row
        self.link_coef = np.zeros(m)
        self.link_col[self.row_index[e_link]] = self.col_of[e_link]
        self.link_coef[self.row_index[e_link]] = self.value[e_link]
        self.rows_of_col: dict[int, list[int]] = {}  # link rows of each linked column
        for r in np.nonzero(link)[0]:
            self.rows_of_col.setdefault(int(self.link_col[r]), []).append(int(r))
        # per x column (by position in x_cols): its entries, and the linked columns
        self.x_entries = []
        self.x_linked = []
        for c in x_cols:
            rows = self.row_index[start[c]:start[c + 1]]
            vals = self.value[start[c]:start[c + 1]]
            self.x_entries.append(dict(zip(rows.tolist(), vals.tolist(), strict=True)))
            self.x_linked.append(sorted({int(self.link_col[r]) for r in rows
                                         if link[r]}))
        absrow = np.bincount(self.row_index, weights=np.abs(self.value), minlength=m)
        self.tol_hi = 1e-6 * np.maximum(1.0, np.abs(np.where(np.isfinite(self.ru), self.ru,
                                                              0.0))) + 1e-9 * absrow
        self.tol_lo = 1e-6 * np.maximum(1.0, np.abs(np.where(np.isfinite(self.rl), self.rl,
                                                              0.0))) + 1e-9 * absrow
        self.m = m

    def _col_box(self, k: int, xs: np.ndarray | None, changed: dict[int, float] | None = None
                 ) -> tuple[float, float]:
        lo, up = self.lo0[k], self.up0[k]
        for r in self.rows_of_col.get(k, ()):
            s = self.xact[r] if changed is None else self.xact[r] + changed.get(r, 0.0)
            a = self.link_coef[r]
            b_lo, b_hi = (self.rl[r] - s) / a, (self.ru[r] - s) / a
            if a < 0:
                b_lo, b_hi = b_hi, b_lo
            lo, up = max(lo, b_lo), min(up, b_hi)
        if self.integer[k]:
            lo, up = np.ceil(lo - 1e-9), np.floor(up + 1e-9)
        return lo, up

    def at(self, g: np.ndarray) -> bool:
        """Take ``g`` as the set whose flips :meth:`flip` bounds; False when its box is
        already empty or a row already misses (then no flip is settled by it)."""
        self.g = g
        q = np.zeros(len(self.lo0))
        q[self.x_cols] = g
        xe = self.is_x[self.col_of]
        self.xact = np.bincount(self.row_index[xe], weights=self.value[xe] * q[self.col_of[xe]],
                                minlength=self.m)
        lo, up = self.lo0.copy(), self.up0.copy()
        lo[self.x_cols] = up[self.x_cols] = g
        for k in self.rows_of_col:
            lo[k], up[k] = self._col_box(k, g)
        self.lo, self.up = lo, up
        if np.any(lo > up + 1e-9):
            return False
        v = self.value
        amin = np.minimum(v * lo[self.col_of], v * up[self.col_of])
        amax = np.maximum(v * lo[self.col_of], v * up[self.col_of])
        self.minact = np.bincount(self.row_index, weights=amin, minlength=self.m)
        self.maxact = np.bincount(self.row_index, weights=amax, minlength=self.m)
        c = self.cost * self.sense
        self.U = self.offset * self.sense + float(np.maximum(c * lo, c * up).sum())
        return not (np.any(self.minact > self.ru + self.tol_hi)
                    or np.any(self.maxact < self.rl - self.tol_lo))

    def flip(self, i: int) -> float:
        """The bound ``U(q)`` for ``g`` with its ``i``-th ``x`` flipped, −inf when ``q`` has
        no solution (in the objective's sense: a maximisation's value)."""
        col = int(self.x_cols[i])
        new = 1.0 - float(self.g[i])
        delta = new - float(self.g[i])
        entries = self.x_entries[i]
        changed = {r: a * delta for r, a in entries.items()}
        boxes = [(col, new, new)]
        for k in self.x_linked[i]:
            lo, up = self._col_box(k, None, changed)
            if lo > up + 1e-9:
                return -np.inf
            boxes.append((k, lo, up))
        c = self.cost * self.sense
        U = self.U
        dmin: dict[int, float] = {}
        dmax: dict[int, float] = {}
        s, idx, val = self.col_start, self.row_index, self.value
        for k, lo, up in boxes:
            lo0, up0 = self.lo[k], self.up[k]
            if lo == lo0 and up == up0:
                continue
            ck = c[k]
            U += max(ck * lo, ck * up) - max(ck * lo0, ck * up0)
            for r, a in zip(idx[s[k]:s[k + 1]].tolist(), val[s[k]:s[k + 1]].tolist(),
                            strict=True):
                dmin[r] = dmin.get(r, 0.0) + min(a * lo, a * up) - min(a * lo0, a * up0)
                dmax[r] = dmax.get(r, 0.0) + max(a * lo, a * up) - max(a * lo0, a * up0)
        for r, dn in dmin.items():
            if self.minact[r] + dn > self.ru[r] + self.tol_hi[r] \
                    or self.maxact[r] + dmax[r] < self.rl[r] - self.tol_lo[r]:
                return -np.inf
        return U




@dataclass
class Candidate:
    lower: float  # the best value HiGHS reported for this funded set
    pattern: np.ndarray
    value: float | None = None  # V(S) once solved


@dataclass
class Proven:
    """What :func:`extend` proved: portfolios 2.. as (value, column values at the best
    fractions) in rank order; ``complete`` when no further portfolio exists; ``stopped``
    when ``stop`` said so."""

    portfolios: list[tuple[float, np.ndarray]] = field(default_factory=list)
    complete: bool = False
    stopped: bool = False
    stats: Stats = field(default_factory=Stats)


def extend(opt: Any, x_cols: np.ndarray, first_value: float, first_pattern: np.ndarray,
           bound: ValueBound, recorded: dict[bytes, float], count: int,
           d: int = 2, stop: Callable[[], bool] | None = None, check: bool = False,
           time_limit: float = float("inf"), threads: int = 1) -> Proven:
    """Portfolios 2..``count`` after portfolio 1 (``first_value``, funded ``first_pattern``
    over ``x_cols``, solved to optimality on the persistent solver ``opt``), proven as in
    the module's docstring, as far as the checks are conclusive.

    ``recorded`` maps the funded pattern (over ``x_cols``, packed by ``np.packbits``) of
    every solution HiGHS has reported so far to its best value; the caller keeps it filling
    while this runs (HiGHS's solution callback, shared with the pool of
    :mod:`osa_opt.solving.pool`). ``check`` solves every flip exactly and compares
    it with its bounds (``stats.bound_broken``; for tests)."""
    if d != 2:
        raise ValueError("min_difference 2 only (the balls of 2 are single flips)")
    result = Proven()
    stats = result.stats
    highs = ha.highs_of(opt)
    col_vars = ha.column_vars(opt)
    if highs is None or col_vars is None:
        return result
    lp = highs.getLp()
    ev = Evaluator(lp, x_cols, stats, time_limit, threads)  # HiGHS's one scheduler: same threads
    # the root Lagrangian bound per x column (continuous columns at their best bound)
    col_of = {id(var): c for c, var in col_vars.items()}
    coef = np.zeros(int(lp.num_col_))
    for var, dj in bound.terms:
        coef[col_of[id(var)]] = dj
    lo, up = np.asarray(lp.col_lower_, float), np.asarray(lp.col_upper_, float)
    is_x = np.zeros(len(coef), bool)
    is_x[x_cols] = True
    root_const = bound.constant + float(np.where(~is_x, np.maximum(coef * lo, coef * up),
                                                 0.0).sum())
    root_x = coef[x_cols]
    p1 = first_pattern
    cands: dict[bytes, Candidate] = {p1.tobytes(): Candidate(first_value, p1, first_value)}

    def add(objective: float, pattern: np.ndarray) -> None:
        known = cands.setdefault(pattern.tobytes(), Candidate(objective, pattern))
        known.lower = max(known.lower, objective)

    def far(pattern: np.ndarray, ranked: list[tuple[float, np.ndarray]]) -> bool:
        return all(np.count_nonzero(pattern != g) >= d for _, g in ranked)

    proven: list[tuple[float, np.ndarray]] = [(first_value, p1)]

    def greedy() -> list[tuple[float, np.ndarray]]:
        """The greedy ranking within ``C`` (the members valued exactly): passes until one
        values no new member, since a member valued at a later step (HiGHS's report of it
        below its value) may beat an earlier step's pick."""
        while True:
            ranked, valued_new = greedy_pass()
            if not valued_new:
                return ranked

    def greedy_pass() -> tuple[list[tuple[float, np.ndarray]], bool]:
        ranked = list(proven)
        valued_new = False
        while len(ranked) < count:
            while True:
                free = [c for c in cands.values() if far(c.pattern, ranked)]
                if not free:
                    return ranked, valued_new
                best = max((c.value for c in free if c.value is not None), default=-np.inf)
                # a set not valued yet stays out of C unless HiGHS's value of it (a lower
                # bound on its value) could win; outside C, the checks cover it
                todo = [c for c in free if c.value is None and c.lower > best - TOL]
                if not todo:
                    break
                c = max(todo, key=lambda c: c.lower)
                r = ev.exact(c.pattern)
                c.value = r[0] if r is not None else -np.inf
                valued_new = True
            valued = [(c.value, c.pattern) for c in free
                      if c.value is not None and c.value > -np.inf]
            if not valued:
                return ranked, valued_new
            top = max(v for v, _ in valued)
            ties = [(v, g) for v, g in valued if v >= top - TOL]
            if len(ties) > 1:
                return ranked, valued_new  # a tie: the re-solve picks (the tie rule)
            ranked.append(ties[0])
        return ranked, valued_new

    at: dict[bytes, tuple[float, np.ndarray] | None] = {}
    duals: list[tuple[float, np.ndarray, np.ndarray]] = []
    flips: dict[tuple[bytes, int], tuple[float, bool]] = {}
    boxes: dict[tuple[bytes, int], float] = {}
    box = Box(lp, x_cols)

    def ball_violations(ranked: list[tuple[float, np.ndarray]], k: int) -> int:
        """Condition (b) for ranks len(proven)..K-1; the sets breaking it join C."""
        claim = ranked[k - 1][0]
        lo_j = len(proven)
        for _, g in ranked[lo_j:-1]:
            if g.tobytes() not in at:
                at[g.tobytes()] = r = ev.lp_at(g)
                if r is None:  # a member of C has a value, so its LP has one too
                    raise Inconclusive("the LP of a ranked set has no optimum")
                duals.append((r[0], r[1], g.astype(float)))
        found = 0
        for j in range(lo_j, len(ranked) - 1):
            w, g = ranked[j]
            limit, key_g = max(w, claim), g.tobytes()
            step = np.where(g, -1.0, 1.0)
            gf = g.astype(float)
            ub = root_const + float(root_x @ gf) + root_x * step
            for value, reduced, g_i in duals:
                np.minimum(ub, value + float(reduced @ (gf - g_i)) + reduced * step, out=ub)
            warm = boxed = box_ok = False
            for i in (np.nonzero(ub > limit + TOL)[0].tolist() if not check else range(len(g))):
                q = g.copy()
                q[i] = not q[i]
                if not far(q, ranked[:j]):
                    continue
                if (key_g, i) not in boxes:
                    if not boxed:
                        box_ok = box.at(g)
                        boxed = True
                    boxes[key_g, i] = box.flip(i) if box_ok else np.inf
                u = boxes[key_g, i]
                known = cands.get(q.tobytes())
                if known is not None and known.value is not None:
                    v = known.value
                elif u <= limit + TOL and not check:
                    stats.box_settled += 1
                    continue
                else:
                    if (key_g, i) not in flips:
                        if not warm:
                            ev.lp_at(g)
                            warm = True
                        flips[key_g, i] = ev.lp_flip(i, float(q[i]), float(g[i]))
                    v, integral = flips[key_g, i]
                    if v > limit + TOL and not integral:
                        r = ev.exact(q)
                        warm = False  # the copy ran as a MIP: warm the LP again
                        v = r[0] if r is not None else -np.inf
                if check:
                    r = ev.exact(q)
                    warm = False
                    if r is not None and r[0] > ub[i] + 1e-6:
                        stats.bound_broken.append(f"flip {i} of a set worth {w}: "
                                                  f"{r[0]} > bound {ub[i]}")
                    if r is not None and r[0] > u + 1e-6:
                        stats.bound_broken.append(f"flip {i} of a set worth {w}: "
                                                  f"{r[0]} > box bound {u}")
                if v > limit + TOL:
                    cands[q.tobytes()] = Candidate(v, q, v)
                    found += 1
        stats.violations += found
        return found

    taken: dict[bytes, float] = {}

    def take_recorded() -> None:
        for key, objective in list(recorded.items()):
            if taken.get(key) != objective:
                taken[key] = objective
                bits = np.unpackbits(np.frombuffer(key, dtype=np.uint8), count=len(x_cols))
                add(objective, bits.astype(bool))

    take_recorded()
    gap = bound.lp_value - first_value
    check_mip = CheckMip(highs, x_cols, coef, bound.constant)
    try:
        with check_mip.options(RESOLVE_OPTIONS | POOLED_OPTIONS):
            while len(proven) < count and stats.mips < MAX_MIPS:
                ranked = greedy()
                # a check proves only ranks worth at least its floor: with none of C there,
                # it would be the next rank's re-solve with needless cuts; the re-solve runs
                if len(ranked) > len(proven) and ranked[len(proven)][0] < first_value - SPAN * gap:
                    del ranked[len(proven):]
                extend_ = len(ranked) > len(proven)
                last = ranked[-1][0]
                start = None
                if extend_:  # check (a) for the ranking within C
                    level = max(last, first_value - SPAN * gap)
                    if level <= last:
                        exact = ev.exact(ranked[-1][1])
                        start = exact[1] if exact is not None else None
                else:  # nothing in C (that a check could prove) to rank next: the
                    # sequential re-solve, its floor at NearOptimalFloor's distance, widened once
                    drops = [a[0] - b[0] for a, b in zip(proven, proven[1:], strict=False)]
                    level = (last - STEP_MARGIN * max(drops) if drops
                             else first_value - FIRST_MARGIN * max(gap, TOL))
                out = check_mip.solve([g for _, g in (ranked[:-1] if extend_ else ranked)], d,
                                      level, start, floor_may_go=not extend_)
                stats.mips += 1
                stats.mip_seconds += out.seconds
                take_recorded()
                if stop is not None and stop():
                    result.stopped = True
                    break
                if out.status == "infeasible":
                    if not extend_:
                        result.complete = True  # no further portfolio
                        break
                    t = level
                else:
                    assert out.values is not None
                    t = max(out.objective, out.bound, level if extend_ else -np.inf)
                    q = out.values[x_cols] >= 0.5
                    exact = ev.exact(q)
                    if exact is None:
                        raise Inconclusive("HiGHS's solution is infeasible with its x fixed")
                    add(out.objective, q)
                    cands[q.tobytes()].value = exact[0]
                    if not extend_:  # the true next portfolio (the balls of proven are checked)
                        proven.append((exact[0], q))
                        stats.log.append((out.seconds, len(proven), extend_))
                        continue
                k = len(proven)
                while k < len(ranked) and ranked[k][0] + TOL >= t:
                    k += 1
                if k > len(proven) and not ball_violations(ranked, k):
                    proven[:] = ranked[:k]
                stats.log.append((out.seconds, len(proven), extend_))
    except Inconclusive:
        pass  # the ranks proven so far go back to the sequential loop
    for i in range(1, len(proven)):  # a ranking goes down (a safeguard: the proof says so)
        if proven[i][0] > proven[i - 1][0] + TOL:
            del proven[i:]
            break
    for value, pattern in proven[1:]:
        exact = ev.exact(pattern)
        if exact is None:
            break
        result.portfolios.append((value, exact[1]))
    if len(result.portfolios) < len(proven) - 1:
        result.complete = False
    return result
