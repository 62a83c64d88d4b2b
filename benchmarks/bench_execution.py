"""Where `osa-opt execution` spends its time: portfolio 1, the reserve list, the simulation.

Synthetic rounds (benchmarks/synthetic.py) get signing probabilities drawn here (partners
0.6-1, items 0.5-1); the simulation runs serially and on two local processes. Prints a
table; nothing is asserted (speed targets live here, not in the tests).

    python benchmarks/bench_execution.py            # 1,000 and 5,000 projects
    python benchmarks/bench_execution.py --quick    # 1,000 only
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from pathlib import Path

import numpy as np

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.synthetic import make_problem
from osa_opt.analysis.baseline import solve_baseline
from osa_opt.analysis.execution import make_plan, simulate
from osa_opt.analysis.reserves import reserve_list

SAMPLES = 2000
RESERVES = 10


def measure(n: int, seed: int = 0) -> dict[str, float]:
    problem = make_problem(n, n_years=1, seed=seed)
    t0 = time.perf_counter()
    result, _ = solve_baseline(problem, portfolios=1)
    t1 = time.perf_counter()
    listed = reserve_list(problem, result.best.fractions, RESERVES)
    t2 = time.perf_counter()
    plan = make_plan(problem, result.best.fractions, listed.entries, listed.fractions)
    rng = np.random.default_rng(seed)
    plan = dataclasses.replace(plan, p_item=rng.uniform(0.5, 1.0, len(plan.ids)),
                               p_partner=rng.uniform(0.6, 1.0, plan.n_partners))
    t3 = time.perf_counter()
    serial = simulate(plan, SAMPLES, seed=0)
    t4 = time.perf_counter()
    parallel = simulate(plan, SAMPLES, seed=0, jobs=2)
    t5 = time.perf_counter()
    assert np.array_equal(serial[0], parallel[0])
    return {"projects": n, "portfolio": len(plan.ids) - sum(map(len, plan.entries)),
            "reserves": len(plan.entries), "solve_s": t1 - t0, "reserve_list_s": t2 - t1,
            "simulate_serial_s": t4 - t3, "simulate_jobs2_s": t5 - t4}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1,000 projects only")
    args = parser.parse_args(argv)
    sizes = [1000] if args.quick else [1000, 5000]
    rows = [measure(n) for n in sizes]
    keys = list(rows[0])
    print("| " + " | ".join(keys) + " |")
    print("|" + "---|" * len(keys))
    for row in rows:
        print("| " + " | ".join(f"{row[k]:.2f}" if isinstance(row[k], float) else f"{row[k]:,}"
                                for k in keys) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
