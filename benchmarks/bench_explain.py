"""Explanations at scale: a re-solve per project, Pyomo's fix against HiGHS's column bounds.

For each size a synthetic round (:mod:`benchmarks.synthetic`) is solved once, then the
first ``--limit`` eligible projects are forced the other way and re-solved twice over,
alternating: through Pyomo (``x[p].fix``: its persistent interface re-processes every
row holding x[p]) and through HiGHS's column bounds (:meth:`Solver.fixed_in_highs`, what
``explain_portfolio`` uses). The table prints one solve, the mean re-solve of each way,
their values' largest difference (must be 0) and the estimate for every project.

Run from the repository root::

    .venv/bin/python benchmarks/bench_explain.py --sizes 1000 10000 --limit 20
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import make_problem  # noqa: E402

from osa_opt.analysis.rule_rows import ranking_cuts, switched_off  # noqa: E402
from osa_opt.solving.solver import Solver, stdout_to_stderr  # noqa: E402


def measure(n: int, years: int, limit: int, seed: int) -> dict[str, float]:
    problem = make_problem(n, years, seed=seed)
    solver = Solver(problem, time_limit=120, mip_rel_gap=0.0, threads=1)
    t0 = time.perf_counter()
    best = solver.solve_once()
    one = time.perf_counter() - t0
    eligible = [str(p) for p in problem.eligible][:limit]
    ways = {"pyomo": solver.fixed, "highs": solver.fixed_in_highs}
    seconds = dict.fromkeys(ways, 0.0)
    values: dict[str, list[float]] = {w: [] for w in ways}
    with switched_off(ranking_cuts(solver.model)):
        for p in eligible:
            state = 0 if p in best.fractions else 1
            for way, fix in ways.items():
                t0 = time.perf_counter()
                with fix({p: state}):
                    out = solver.solve_once()
                seconds[way] += time.perf_counter() - t0
                values[way].append(out.objective if out.objective is not None else float("nan"))
    diff = max((abs(a - b) for a, b in zip(values["pyomo"], values["highs"], strict=True)
                if a == a and b == b), default=0.0)
    k = max(1, len(eligible))
    total = len(problem.eligible)
    return {"one": one, "pyomo": seconds["pyomo"] / k, "highs": seconds["highs"] / k,
            "diff": diff, "estimate": total * seconds["highs"] / k, "eligible": total}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--years", type=int, default=3)
    ap.add_argument("--limit", type=int, default=20, help="projects re-solved per size")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    print(f"{'size':>10} {'one solve s':>12} {'re-solve pyomo s':>17} {'re-solve highs s':>17} "
          f"{'speed-up':>9} {'max |diff|':>11} {'all eligible est. s':>20}")
    for n in args.sizes:
        with stdout_to_stderr():
            r = measure(n, args.years, args.limit, args.seed)
        print(f"{n:>7}×{args.years:<2} {r['one']:>12.2f} {r['pyomo']:>17.3f} {r['highs']:>17.3f} "
              f"{r['pyomo'] / max(r['highs'], 1e-9):>8.1f}× {r['diff']:>11.2g} "
              f"{r['estimate']:>20.0f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
