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
(b), for ``d = 2``, is about the single flips of each ``g_j``: the fixed-``x`` LP
relaxation at any set ``g`` gives ``V(q) ≤ V_LP(g) + r·(q − g)`` for every ``q`` (``r``: the
reduced costs of the fixed ``x`` columns; the LP's value is concave in those bounds), and the
root LP's Lagrangian bound is another; a flip no bound settles is solved as an LP (exact
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
            warm = False
            for i in np.nonzero(ub > limit + TOL)[0] if not check else range(len(g)):
                q = g.copy()
                q[i] = not q[i]
                if not far(q, ranked[:j]):
                    continue
                known = cands.get(q.tobytes())
                if known is not None and known.value is not None:
                    v = known.value
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
          "| same values |")
    print("|:---|---:|---:|---:|---:|---:|:---|")
    for size in args.sizes.split(","):
        n, years = (int(v.replace("_", "")) for v in size.lower().split("x"))
        for seed in range(args.seeds):
            r = measure(make_problem(n, years, seed), args.runs, args.min_difference, args.check)
            one, stats = r["one"], r["stats"]
            seq, ver = (f"{min(v):.2f}–{max(v):.2f} ({min(v) / one:.1f}–{max(v) / one:.1f}×)"
                        for v in (r["seq"], r["ver"]))
            broken = f", BOUND BROKEN {len(stats.bound_broken)}" if stats.bound_broken else ""
            print(f"| {n:,}×{years} seed {seed} | {one:.2f} | {seq} | {ver} | "
                  f"{stats.mips} [{stats.mip_seconds:.2f}] | {stats.flip_lps} | "
                  f"{'yes' if r['same'] else 'NO'}{broken} |", flush=True)
            for line in stats.bound_broken[:5]:
                print("   ", line, file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
