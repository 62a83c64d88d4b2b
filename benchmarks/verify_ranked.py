"""Ten ranked portfolios proven in a few MIPs instead of nine: an experiment, not used by osa-opt.

``Solver.ranked`` proves the ranking one portfolio at a time: nine re-solves for ten. This
script proves several ranks with one MIP (benchmarks/README.md, "Verifying several ranks
with one MIP") and times it against ``Solver.ranked`` on the same rounds, alternated in one
process, by CPU time. ``min_difference`` 1 or 2 only.

The claim. ``V(S)`` is the value of funded set ``S`` at its best fractions (every ``x`` fixed
to ``S``, one small MIP). ``C`` holds funded sets HiGHS reported, each with ``V`` exact, and
``G = g1 (portfolio 1), g2, …, gK`` is the greedy ranking within ``C`` (each the best member
of ``C`` differing from every earlier one in at least ``d`` projects), worth
``w1 ≥ … ≥ wK``. Sequential ranking picks at step ``k`` the best set outside the balls
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
sets worth ``wK`` by the floor row of ``osa_opt.solving.value_bound``; ``t`` is its bound.
Its rows go straight to HiGHS and are deleted after it (:class:`CheckMip`).
(b), for ``d = 2``, is about the single flips of each ``g_j``: the fixed-``x`` LP
relaxation at any set ``g`` gives ``V(q) ≤ V_LP(g) + r·(q − g)`` for every ``q`` (``r``: the
reduced costs of the fixed ``x`` columns; the LP's value is concave in those bounds), and the
root LP's Lagrangian bound is another; so is the box of :class:`Box` (the rows alone, with
``x`` fixed and the columns linked to ``x`` by one-column rows boxed in: a bound on the
value, or no solution at all; its proof in its docstring), which settles most flips those
leave (at 10,000×3 seed 0, 2,336 of 2,419); a flip no bound settles is solved as an LP (exact
when its integer columns come out integral) or as the fixed-``x`` MIP. Every solution the
MIP reports joins ``C``; a flip worth more than allowed joins ``C`` too; the greedy ranking
is redone and checked again until all ``K`` are proven.

Run from the repository root::

    /tmp/venv/bin/python benchmarks/verify_ranked.py --sizes 1000x3,3000x5 --seeds 3 --runs 2
    /tmp/venv/bin/python benchmarks/verify_ranked.py --sizes 300x2 --seeds 2 --check
"""

from __future__ import annotations

import argparse
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script from a checkout
    sys.path.insert(0, str(ROOT))

from benchmarks.synthetic import make_problem  # noqa: E402
from osa_opt.solving import highs_access as ha  # noqa: E402
from osa_opt.solving import value_bound  # noqa: E402
from osa_opt.solving.direct import HIGHS_ABS_GAP  # noqa: E402
from osa_opt.solving.solver import Solver, stdout_to_stderr  # noqa: E402
from osa_opt.solving.value_bound import POOLED_OPTIONS, RESOLVE_OPTIONS  # noqa: E402

TOL = HIGHS_ABS_GAP  # a set worth at most this more than another counts as tied
SPAN = 3.0  # the first MIPs' floor: no lower than best − SPAN × (LP bound − best)
MAX_MIPS = 30


@dataclass
class Stats:
    mips: int = 0
    mip_seconds: float = 0.0
    exact: int = 0
    flip_lps: int = 0
    box_settled: int = 0  # flips settled by Box, without an LP
    violations: int = 0
    bound_broken: list[str] = field(default_factory=list)


class Evaluator:
    """Exact values of funded sets (every ``x`` fixed) on copies of the loaded model."""

    def __init__(self, lp, x_cols: np.ndarray, stats: Stats) -> None:
        import highspy

        self.highspy, self.x_cols, self.stats = highspy, x_cols, stats
        self.lower = np.asarray(lp.col_lower_, float)[x_cols]
        self.upper = np.asarray(lp.col_upper_, float)[x_cols]
        self.mip = ha.new_highs()
        self.mip.passModel(lp)
        for key, value in {"output_flag": False, "mip_rel_gap": 0.0,
                           "mip_abs_gap": HIGHS_ABS_GAP}.items() | ha.SOLVE_OPTIONS.items():
            self.mip.setOptionValue(key, value)
        self.lp = ha.new_highs()
        self.lp.passModel(lp)
        n = int(lp.num_col_)
        integrality = np.asarray(lp.integrality_, dtype=np.uint8)
        self.int_cols = np.nonzero(integrality)[0] if len(integrality) else np.zeros(0, int)
        self.lp.changeColsIntegrality(n, np.arange(n, dtype=np.int32), np.zeros(n, np.uint8))
        self.lp.setOptionValue("output_flag", False)
        self.lp.setOptionValue("presolve", "off")  # warm starts from the last basis
        self.cache: dict[bytes, tuple[float, np.ndarray] | None] = {}

    def _optimal(self, highs) -> bool:
        return highs.getModelStatus() == self.highspy.HighsModelStatus.kOptimal

    def exact(self, pattern: np.ndarray) -> tuple[float, np.ndarray] | None:
        """(V(S), column values at the best fractions), or None when S is infeasible."""
        key = pattern.tobytes()
        if key not in self.cache:
            if np.any(pattern < self.lower - 1e-9) or np.any(pattern > self.upper + 1e-9):
                self.cache[key] = None
            else:
                self.stats.exact += 1
                b = pattern.astype(float)
                self.mip.changeColsBounds(len(self.x_cols), self.x_cols, b, b)
                self.mip.run()
                self.cache[key] = ((float(self.mip.getInfo().objective_function_value),
                                    np.array(self.mip.getSolution().col_value))
                                   if self._optimal(self.mip) else None)
        return self.cache[key]

    def lp_at(self, pattern: np.ndarray) -> tuple[float, np.ndarray] | None:
        """(V_LP(S), reduced costs of the x columns) of the fixed-x LP relaxation."""
        b = pattern.astype(float)
        self.lp.changeColsBounds(len(self.x_cols), self.x_cols, b, b)
        self.lp.run()
        if not self._optimal(self.lp):
            return None
        return (float(self.lp.getInfo().objective_function_value),
                np.asarray(self.lp.getSolution().col_dual)[self.x_cols])

    def lp_flip(self, i: int, value: float, back: float) -> tuple[float, bool]:
        """V_LP of the set last given to :meth:`lp_at` with x_i set to ``value`` (warm),
        and whether that LP solution is integral (then it is V itself)."""
        self.stats.flip_lps += 1
        col = np.array([self.x_cols[i]], dtype=np.int32)
        self.lp.changeColsBounds(1, col, np.array([value]), np.array([value]))
        self.lp.run()
        try:
            if not self._optimal(self.lp):
                return -np.inf, True
            values = np.asarray(self.lp.getSolution().col_value)[self.int_cols]
            return (float(self.lp.getInfo().objective_function_value),
                    bool(np.all(np.abs(values - np.round(values)) <= 1e-9)))
        finally:
            self.lp.changeColsBounds(1, col, np.array([back]), np.array([back]))


@dataclass
class CheckOutcome:
    status: str  # "optimal", "infeasible" or HiGHS's model status otherwise
    seconds: float
    objective: float = -np.inf
    bound: float = -np.inf
    values: np.ndarray | None = None


class CheckMip:
    """The checks' MIPs run on the HiGHS instance of the persistent solver itself, their
    rows added and deleted through highspy: the ``d``-cuts of the given sets and the floor
    row of ``osa_opt.solving.value_bound`` (``Σ d_j·col_j ≥ level − M``, with the same slack
    as ``NearOptimalFloor``), appended after Pyomo's rows and deleted before anything else
    reaches HiGHS, so Pyomo's records of the model (its row map) stay true. Pyomo updating
    nine dense rows added and removed for each MIP took 2.3 s of 10.6 s at 10,000×3."""

    def __init__(self, highs, x_cols: np.ndarray, coef: np.ndarray, constant: float) -> None:
        import highspy

        self.highspy, self.highs, self.x_cols = highspy, highs, x_cols
        nz = np.nonzero(coef)[0]
        self.floor_cols, self.floor_coef = nz.astype(np.int32), coef[nz]
        self.constant = constant
        self.slack = 1e-9 * (abs(constant) + float(np.abs(coef).sum())) + 1e-6

    @contextmanager
    def options(self, values: dict):
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

    def _run(self, start) -> CheckOutcome:
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
            out.status = h.modelStatusToString(model_status)
        return out

    def solve(self, centres: list[np.ndarray], d: int, level: float, start,
              floor_may_go: bool) -> CheckOutcome:
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
        h.addRows(rows, np.array(lower), np.full(rows, inf), int(n * len(centres)
                                                                 + len(self.floor_cols)),
                  np.array(starts, dtype=np.int32), np.concatenate(index).astype(np.int32),
                  np.concatenate(value))
        try:
            out = self._run(start)
            if floor_may_go and not (out.status == "optimal" and out.objective >= level):
                h.deleteRows(1, np.array([first + rows - 1], dtype=np.int32))
                seconds = out.seconds
                out = self._run(None)
                out.seconds += seconds
        finally:
            extra = int(h.getNumRow()) - first
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

    def __init__(self, lp, x_cols: np.ndarray) -> None:
        n, m = int(lp.num_col_), int(lp.num_row_)
        a = lp.a_matrix_
        start = np.asarray(a.start_, np.int64)
        self.col_start, self.row_index = start, np.asarray(a.index_, np.int64)
        self.value = np.asarray(a.value_, float)
        self.col_of = np.repeat(np.arange(n), np.diff(start))
        self.lo0, self.up0 = np.asarray(lp.col_lower_, float), np.asarray(lp.col_upper_, float)
        self.cost = np.asarray(lp.col_cost_, float)
        self.offset = float(lp.offset_)
        self.sense = 1.0 if lp.sense_ == ha_highspy().ObjSense.kMaximize else -1.0
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

    def _col_box(self, k: int, xs: np.ndarray, changed: dict[int, float] | None = None
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


def ha_highspy():
    import highspy

    return highspy


def funded_pattern(model, outcome) -> np.ndarray:
    """Whether each ``x`` of the model is funded in ``outcome`` (in the order of ``x``)."""
    funded = outcome.funded_ids  # a property that builds the set: read it once
    return np.array([p in funded for p in model.x])


@dataclass
class Candidate:
    lower: float  # the best value HiGHS reported for this funded set
    pattern: np.ndarray
    value: float | None = None  # V(S) once solved


def verified_ranking(problem, count: int = 10, d: int = 2, check: bool = False
                     ) -> tuple[list[float], list[np.ndarray], Stats]:
    """The values and funded patterns of ``count`` ranked portfolios, proven as above."""
    if d not in (1, 2):
        raise ValueError("min_difference 1 or 2 only (the balls of 2 are single flips)")
    stats = Stats()
    solver = Solver(problem)
    m, opt = solver.model, solver.opt
    recorded: list[tuple[float, np.ndarray]] = []

    def record(objective: float, values: np.ndarray) -> None:
        recorded.append((objective, values))

    with ha.recording_solutions(opt, record):
        first = solver.solve_once()
    lp = ha.highs_of(opt).getLp()
    x_cols = np.asarray(ha.columns_of(opt, list(m.x.values())), dtype=np.int32)
    bound = value_bound.lp_value_bound(opt)
    ev = Evaluator(lp, x_cols, stats)
    # the root Lagrangian bound per x column (continuous columns at their best bound)
    col_of = {id(var): c for c, var in ha.column_vars(opt).items()}
    coef = np.zeros(int(lp.num_col_))
    for var, dj in bound.terms:
        coef[col_of[id(var)]] = dj
    lo, up = np.asarray(lp.col_lower_, float), np.asarray(lp.col_upper_, float)
    is_x = np.zeros(len(coef), bool)
    is_x[x_cols] = True
    root_const = bound.constant + float(np.where(~is_x, np.maximum(coef * lo, coef * up),
                                                 0.0).sum())
    root_x = coef[x_cols]
    p1 = funded_pattern(m, first)
    cands: dict[bytes, Candidate] = {p1.tobytes(): Candidate(first.objective, p1,
                                                             first.objective)}

    def add(objective: float, values: np.ndarray) -> None:
        pattern = values[x_cols] >= 0.5
        known = cands.setdefault(pattern.tobytes(), Candidate(objective, pattern))
        known.lower = max(known.lower, objective)

    def far(pattern: np.ndarray, ranked: list[tuple[float, np.ndarray]]) -> bool:
        return all(np.count_nonzero(pattern != g) >= d for _, g in ranked)

    proven: list[tuple[float, np.ndarray]] = [(first.objective, p1)]

    def greedy() -> list[tuple[float, np.ndarray]]:
        ranked = list(proven)
        while len(ranked) < count:
            while True:
                free = [c for c in cands.values() if far(c.pattern, ranked)]
                if not free:
                    return ranked
                best = max((c.value for c in free if c.value is not None), default=-np.inf)
                # a set not solved yet is left out of C unless HiGHS's value of it could win
                todo = [c for c in free if c.value is None and c.lower > best - TOL]
                if not todo:
                    break
                c = max(todo, key=lambda c: c.lower)
                r = ev.exact(c.pattern)
                c.value = r[0] if r is not None else -np.inf
            c = max((c for c in free if c.value is not None), key=lambda c: c.value)
            ranked.append((c.value, c.pattern))
        return ranked

    at: dict[bytes, tuple[float, np.ndarray] | None] = {}
    duals: list[tuple[float, np.ndarray, np.ndarray]] = []
    flips: dict[tuple[bytes, int], tuple[float, bool]] = {}
    boxes: dict[tuple[bytes, int], float] = {}
    box = Box(lp, x_cols)

    def ball_violations(ranked: list[tuple[float, np.ndarray]], k: int) -> int:
        """Condition (b) for ranks len(proven)..K-1; the sets breaking it join C."""
        if d == 1:  # each ball is its centre alone
            return 0
        claim = ranked[k - 1][0]
        lo_j = len(proven)
        for _, g in ranked[lo_j:-1]:
            if g.tobytes() not in at:
                at[g.tobytes()] = r = ev.lp_at(g)
                if r is not None:
                    duals.append((r[0], r[1], g.astype(float)))
        found = 0
        for j in range(lo_j, len(ranked) - 1):
            w, g = ranked[j]
            limit, key_g = max(w, claim), g.tobytes()
            if at[key_g] is None:
                continue
            step = np.where(g, -1.0, 1.0)
            gf = g.astype(float)
            ub = root_const + float(root_x @ gf) + root_x * step
            for value, reduced, g_i in duals:
                np.minimum(ub, value + float(reduced @ (gf - g_i)) + reduced * step, out=ub)
            warm = boxed = False
            for i in np.nonzero(ub > limit + TOL)[0] if not check else range(len(g)):
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
                        v = r[0] if r is not None else -np.inf
                if check:
                    r = ev.exact(q)
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

    for objective, values in recorded:
        add(objective, values)
    gap = bound.lp_value - first.objective
    highs = ha.highs_of(opt)
    check_mip = CheckMip(highs, x_cols, coef, bound.constant)
    with check_mip.options(RESOLVE_OPTIONS | POOLED_OPTIONS), \
            ha.recording_solutions(opt, record):
        while len(proven) < count and stats.mips < MAX_MIPS:
            ranked = greedy()
            extend = len(ranked) > len(proven)
            last = ranked[-1][0]
            start = None
            if extend:  # check (a) for the ranking within C
                level = max(last, first.objective - SPAN * gap)
                if level <= last:
                    start = ev.exact(ranked[-1][1])[1]
            else:  # nothing in C to rank next: the sequential re-solve, widened once
                drops = [a[0] - b[0] for a, b in zip(proven, proven[1:], strict=False)] or [gap]
                level = last - 2 * max(drops)
            recorded.clear()
            out = check_mip.solve([g for _, g in (ranked[:-1] if extend else ranked)], d,
                                  level, start, floor_may_go=not extend)
            stats.mips += 1
            stats.mip_seconds += out.seconds
            for objective, values in recorded:
                add(objective, values)
            if out.status == "infeasible":
                if not extend:
                    break  # no further portfolio
                t = level
            elif out.status != "optimal":
                raise RuntimeError(f"a check ended {out.status}")
            else:
                t = max(out.objective, out.bound, level if extend else -np.inf)
                q = out.values[x_cols] >= 0.5
                exact = ev.exact(q)
                if exact is None:
                    raise RuntimeError("HiGHS's solution is infeasible with its x fixed")
                add(out.objective, exact[1])
                cands[q.tobytes()].value = exact[0]
                if not extend:  # the true next portfolio (the balls of proven are checked)
                    proven.append((exact[0], q))
                    continue
            k = len(proven)
            while k < len(ranked) and ranked[k][0] + TOL >= t:
                k += 1
            if k > len(proven) and not ball_violations(ranked, k):
                proven[:] = ranked[:k]
    return [v for v, _ in proven], [g for _, g in proven], stats


def cpu(func):
    c0 = time.process_time()
    out = func()
    return time.process_time() - c0, out


def measure(problem, runs: int, d: int, check: bool) -> dict:
    """One round: one solve (median of three), then both methods alternated ``runs`` times."""
    with stdout_to_stderr():
        one = sorted(cpu(lambda: Solver(problem).solve_once())[0] for _ in range(3))[1]
        seq, ver, same = [], [], True
        for _ in range(runs):
            seconds, outs = cpu(lambda: Solver(problem).ranked(10, d))
            seq.append(seconds)
            seconds, (values, _, stats) = cpu(lambda: verified_ranking(problem, 10, d, check))
            ver.append(seconds)
            ref = [o.objective for o in outs]
            same &= len(ref) == len(values) and all(
                abs(a - b) <= 1e-9 * max(1.0, abs(a)) for a, b in zip(ref, values, strict=True))
    return {"one": one, "seq": seq, "ver": ver, "same": same, "stats": stats}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000x3,3000x5")
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--runs", type=int, default=2, help="alternated runs of each method")
    parser.add_argument("--min-difference", type=int, default=2)
    parser.add_argument("--check", action="store_true",
                        help="solve every flip of every ball exactly and compare with its bound "
                             "(slow)")
    args = parser.parse_args(argv)
    print("| round | one solve | sequential (Solver.ranked) | verified | MIPs [s] | flip LPs "
          "| flips settled by Box | same values |")
    print("|:---|---:|---:|---:|---:|---:|---:|:---|")
    for size in args.sizes.split(","):
        n, years = (int(v.replace("_", "")) for v in size.lower().split("x"))
        for seed in range(args.seeds):
            r = measure(make_problem(n, years, seed), args.runs, args.min_difference, args.check)
            one, stats = r["one"], r["stats"]
            seq, ver = (f"{min(v):.2f}–{max(v):.2f} ({min(v) / one:.1f}–{max(v) / one:.1f}×)"
                        for v in (r["seq"], r["ver"]))
            broken = f", BOUND BROKEN {len(stats.bound_broken)}" if stats.bound_broken else ""
            print(f"| {n:,}×{years} seed {seed} | {one:.2f} | {seq} | {ver} | "
                  f"{stats.mips} [{stats.mip_seconds:.2f}] | {stats.flip_lps} | {stats.box_settled} | "
                  f"{'yes' if r['same'] else 'NO'}{broken} |", flush=True)
            for line in stats.bound_broken[:5]:
                print("   ", line, file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
