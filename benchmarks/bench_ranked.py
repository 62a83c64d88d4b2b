"""Ten ranked portfolios against one solve, with the floor and with plain no-good cuts.

For each synthetic round (size × fiscal years × seed) this prints, measured in one run:
one solve (build + solve, what ``solve(problem, portfolios=1)`` spends on the optimization;
the median of three),
ten ranked portfolios with the floor of :mod:`osa_opt.solving.value_bound` (what
``solve(problem, portfolios=10)`` does), the same ten on plain no-good cuts (the floor
switched off), both as multiples of one solve, and whether the two rankings agree (values
equal to 1e-9 relative), by wall clock and (for the floor) by CPU time, steadier on a
shared machine. Targets: ten ranked portfolios in at most ten times one solve (issue 3), at
most five times from 1,000×3 up (issue 14).

Run from the repository root::

    /tmp/venv/bin/python benchmarks/bench_ranked.py             # 100×1 … 3,000×5, 3 seeds
    /tmp/venv/bin/python benchmarks/bench_ranked.py --sizes 1000x3 --seeds 5 --markdown
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script from a checkout
    sys.path.insert(0, str(ROOT))

from benchmarks.synthetic import make_problem  # noqa: E402
from osa_opt.analysis.baseline import result_from_outcomes  # noqa: E402
from osa_opt.model import build_model  # noqa: E402
from osa_opt.solving.solver import Solver, stdout_to_stderr  # noqa: E402

RANKED = 10
TARGET = 5  # issue 14: ten ranked portfolios within 5× one solve from 1,000×3 up
MIN_DIFFERENCE = 2
ONE_SOLVE_RUNS = 3  # one solve timed this often (the median is the ratios' base)
DEFAULT_SIZES = "100x1,300x2,1000x3,3000x5"


def one_solve(problem) -> tuple[float, float]:
    """Wall and CPU seconds of build + solve (HiGHS runs in this process, one thread)."""
    t0, c0 = time.perf_counter(), time.process_time()
    Solver(problem, build_model(problem)).solve_once()
    return time.perf_counter() - t0, time.process_time() - c0


def ranked(problem, floor: bool) -> tuple[float, float, list[float]]:
    t0, c0 = time.perf_counter(), time.process_time()
    solver = Solver(problem)
    outcomes = solver.ranked(RANKED, MIN_DIFFERENCE, floor=floor)
    result = result_from_outcomes(problem, solver, outcomes, 0.0)
    return (time.perf_counter() - t0, time.process_time() - c0,
            [p.objective for p in result.portfolios])


def measure(n: int, years: int, seed: int) -> dict:
    problem = make_problem(n, years, seed)
    # the median of three: one solve of 0.2 s varies by a third between runs, and the
    # ratios divide by it
    ones = sorted(one_solve(problem) for _ in range(ONE_SOLVE_RUNS))
    one, one_cpu = ones[len(ones) // 2]
    with_floor, floor_cpu, values = ranked(problem, floor=True)
    plain, _, plain_values = ranked(problem, floor=False)
    same = len(values) == len(plain_values) and all(
        abs(a - b) <= 1e-9 * max(1.0, abs(b)) for a, b in zip(values, plain_values, strict=True))
    return {"round": f"{n:,}×{years} seed {seed}", "found": len(values), "one": one,
            "floor": with_floor, "plain": plain, "floor_ratio": with_floor / one,
            "cpu_ratio": floor_cpu / one_cpu,
            "plain_ratio": plain / one, "same": "yes" if same else "NO"}


COLUMNS = (("round", "round", "{}"), ("portfolios", "found", "{}"),
           ("one solve s", "one", "{:.2f}"), ("10 ranked s", "floor", "{:.2f}"),
           ("ranked / one", "floor_ratio", "{:.1f}"), ("ranked / one cpu", "cpu_ratio", "{:.1f}"),
           ("plain cuts s", "plain", "{:.2f}"),
           ("plain / one", "plain_ratio", "{:.1f}"), ("same ranking", "same", "{}"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default=DEFAULT_SIZES,
                        help=f"projects×years, comma-separated (default {DEFAULT_SIZES})")
    parser.add_argument("--seeds", type=int, default=3, help="seeds per size (default 3)")
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    args = parser.parse_args(argv)
    rows = []
    with stdout_to_stderr():  # HiGHS's banner
        one_solve(make_problem(30, 1, 0))  # imports and first-call costs out of the timings
    for size in args.sizes.split(","):
        n, years = (int(v.replace("_", "")) for v in size.lower().split("x"))
        for seed in range(args.seeds):
            with stdout_to_stderr():
                row = measure(n, years, seed)
            rows.append(row)
            print(f"… {row['round']}: {row['floor_ratio']:.1f}× with the floor "
                  f"({row['cpu_ratio']:.1f}× cpu), "
                  f"{row['plain_ratio']:.1f}× plain", file=sys.stderr, flush=True)
    table = [[h for h, _, _ in COLUMNS]] + [[f.format(r[k]) for _, k, f in COLUMNS] for r in rows]
    if args.markdown:
        print("| " + " | ".join(table[0]) + " |")
        print("|" + "|".join(":---" if i == 0 else "---:" for i in range(len(COLUMNS))) + "|")
        for line in table[1:]:
            print("| " + " | ".join(line) + " |")
    else:
        widths = [max(len(line[i]) for line in table) for i in range(len(COLUMNS))]
        for line in table:
            print("  ".join(c.rjust(w) for c, w in zip(line, widths, strict=True)))
    worst = max(r["floor_ratio"] for r in rows)
    worst_cpu = max(r["cpu_ratio"] for r in rows)
    print(f"\nworst ranked / one: {worst:.1f} wall, {worst_cpu:.1f} cpu (target ≤ {TARGET} "
          f"from 1,000×3 up, issue 14; ≤ {RANKED} below); "
          f"rankings equal with and without the floor: "
          f"{'all' if all(r['same'] == 'yes' for r in rows) else 'NOT ALL'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
