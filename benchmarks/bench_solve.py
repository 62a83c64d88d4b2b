"""Speed benchmark: our whole solve against HiGHS alone, on synthetic instances (issue 3).

For each size (projects × fiscal years) three fresh subprocesses run, so each one's peak
memory is its own:

1. **ours** — build the Problem (:mod:`benchmarks.synthetic`), ``osa_opt.build_model``, then
   a :class:`osa_opt.solving.solver.Solver` (``set_instance`` + solve + reading the solution: what
   ``osa_opt.solve`` spends on one portfolio); then export the model HiGHS was given as MPS.
2. **raw** — ``highspy`` alone reads that MPS and solves it with the same options
   (``mip_rel_gap`` 0, ``threads`` 1, ``random_seed`` 0, the same time limit).
3. **ranked** — ``osa_opt.solve(problem, portfolios=10)`` from scratch (build included).

The MPS is written by HiGHS from the very model our persistent solver holds, so both solve
the same columns in the same order and walk the same branch-and-bound tree (the node counts
are printed to show it); the ratio then measures our overhead, not luck in the search.

Run from the repository root::

    /tmp/venv/bin/python benchmarks/bench_solve.py --quick
    /tmp/venv/bin/python benchmarks/bench_solve.py                      # 100×1 … 100,000×5
    /tmp/venv/bin/python benchmarks/bench_solve.py --sizes 10000 --years 5 --time-limit 120

Timing is wall-clock (``time.perf_counter``) and CPU (``time.process_time``); on a shared
machine the CPU ratio is the steadier one. HiGHS's banner on file descriptor 1 is sent to
stderr (DESIGN §5), so stdout holds only the table.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script from a checkout
    sys.path.insert(0, str(ROOT))

DEFAULT_SIZES = (100, 1_000, 10_000, 100_000)
RATIO_TARGET = 1.3          # ours / raw HiGHS, from 1,000 projects up
LARGEST_RATIO_TARGET = 1.5  # at 100,000 × 5
MEMORY_TARGET_MB = 4096     # at 100,000 × 5
RANKED = 10                 # portfolios of the ranked run


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, MB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Clock:
    """Wall-clock and CPU seconds of a block."""

    def __enter__(self) -> Clock:
        self.wall0, self.cpu0 = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self.wall0
        self.cpu = time.process_time() - self.cpu0


# ---------------------------------------------------------------------- workers (subprocesses)
def load_round(n: int, years: int, seed: int, time_limit: float) -> Any:
    """The synthetic round of n projects × years, or the shipped example when n is 0."""
    if n == 0:  # bench_process.py compares the example too
        import osa_opt

        return osa_opt.load_problem().with_policy(overrides={"solver.time_limit": time_limit})
    from benchmarks.synthetic import make_problem

    return make_problem(n, years, seed, time_limit=time_limit)


def work_ours(n: int, years: int, seed: int, time_limit: float, mps: str) -> dict[str, Any]:
    """Build and solve with osa_opt; export the model HiGHS was given to ``mps``."""
    from osa_opt.model import build_model
    from osa_opt.solving.solver import Solver, stdout_to_stderr

    with Clock() as gen:
        problem = load_round(n, years, seed, time_limit)
    with Clock() as build:
        model = build_model(problem)
    solver = Solver(problem, model, time_limit=time_limit)
    with Clock() as solve:
        out = solver.solve_once()
    highs = solver.highs  # the highspy object Pyomo holds (for its own timers only)
    info = highs.getInfo()
    row = {
        "generate_s": gen.wall, "build_s": build.wall, "build_cpu": build.cpu,
        "solve_s": solve.wall, "solve_cpu": solve.cpu,
        "set_instance_s": solver.instance_seconds, "highs_in_ours_s": highs.getRunTime(),
        "status": out.status.value, "objective": out.objective, "gap": out.gap,
        "nodes": int(info.mip_node_count), "eligible": len(model.P),
        "columns": int(highs.getNumCol()), "rows": int(highs.getNumRow()),
        "peak_mb": peak_rss_mb(),
    }
    with stdout_to_stderr():  # HiGHS says "Writing the model to ..." on fd 1
        highs.writeModel(mps)
    return row


def work_raw(mps: str, time_limit: float) -> dict[str, Any]:
    """HiGHS alone: read the MPS, solve with our options."""
    import highspy

    from osa_opt.solving.highs_access import SOLVE_OPTIONS
    from osa_opt.solving.solver import stdout_to_stderr

    with stdout_to_stderr():  # the banner goes to fd 1 whatever output_flag says
        highs = highspy.Highs()
        highs.setOptionValue("output_flag", False)
        for key, value in (("mip_rel_gap", 0.0), ("threads", 1), ("random_seed", 0),
                           ("time_limit", float(time_limit)), *SOLVE_OPTIONS.items()):
            highs.setOptionValue(key, value)
        with Clock() as read:
            highs.readModel(mps)
        with Clock() as run:
            highs.run()
    info = highs.getInfo()
    status = highs.getModelStatus()
    has_solution = info.primal_solution_status == 2  # kSolutionStatusFeasible
    return {
        "read_s": read.wall, "raw_s": run.wall, "raw_cpu": run.cpu,
        "raw_status": highs.modelStatusToString(status),
        "raw_objective": float(info.objective_function_value) if has_solution else None,
        "raw_nodes": int(info.mip_node_count), "raw_gap": float(info.mip_gap),
        "raw_peak_mb": peak_rss_mb(),
    }


def work_ranked(n: int, years: int, seed: int, time_limit: float) -> dict[str, Any]:
    """Ten ranked portfolios from scratch: what ``osa_opt.solve(problem, portfolios=10)``
    spends (build, one persistent solver, a no-good cut per portfolio, the Result)."""
    from benchmarks.synthetic import make_problem
    from osa_opt.analysis.baseline import result_from_outcomes
    from osa_opt.solving.solver import Solver

    problem = make_problem(n, years, seed, time_limit=time_limit)
    highs_seconds: list[float] = []  # HiGHS's run clock, which adds up over re-solves

    def progress(_rank: int, _outcome: Any) -> None:
        highs_seconds.append(solver.highs.getRunTime())

    with Clock() as ranked:
        solver = Solver(problem, time_limit=time_limit)
        outcomes = solver.ranked(RANKED, 2, progress=progress)
        result = result_from_outcomes(problem, solver, outcomes, 0.0)
    per_solve = [b - a for a, b in zip([0.0, *highs_seconds], highs_seconds, strict=False)]
    return {"ranked_s": ranked.wall, "ranked_cpu": ranked.cpu,
            "ranked_highs_s": highs_seconds[-1] if highs_seconds else 0.0,
            "ranked_highs_each": [round(x, 3) for x in per_solve],
            "ranked_found": len(result.portfolios), "ranked_peak_mb": peak_rss_mb()}


def work_greedy(n: int, years: int, seed: int, time_limit: float) -> dict[str, Any]:
    """The benefit/cost ranking other tools use, against the exact optimum: once under the
    round's rules (which the greedy ignores, so it may break them) and once with budgets only
    (the greedy's own world, where the optimum can never be below it)."""
    from benchmarks.synthetic import make_problem
    from osa_opt.analysis.frontier import meets_rules
    from osa_opt.analysis.greedy import greedy_ranking
    from osa_opt.model import build_model
    from osa_opt.solving.solver import Solver

    problem = make_problem(n, years, seed, time_limit=time_limit)
    greedy = greedy_ranking(problem)
    row: dict[str, Any] = {"greedy_value": greedy.value,
                           "greedy_meets_rules": meets_rules(build_model(problem), greedy.fractions)}
    budget_only = problem.with_policy(overrides={
        "priority.min_tier_share": {}, "priority.fund_every_tier": [],
        "priority.max_country_share": 1.0, "priority.min_countries": 0,
        "balance.min_field_share": {}, "balance.max_field_share": {},
        "balance.min_region_share": {}, "balance.max_region_share": {}})
    exact = Solver(budget_only, time_limit=time_limit).solve_once()
    row["budget_only_exact"] = exact.objective
    row["budget_only_greedy"] = greedy_ranking(budget_only).value
    return row


def run_worker(args: argparse.Namespace) -> int:
    if args.worker == "ours":
        row = work_ours(args.n, args.n_years, args.seed, args.time_limit, args.mps)
    elif args.worker == "raw":
        row = work_raw(args.mps, args.time_limit)
    elif args.worker == "greedy":
        row = work_greedy(args.n, args.n_years, args.seed, args.time_limit)
    else:
        row = work_ranked(args.n, args.n_years, args.seed, args.time_limit)
    Path(args.out).write_text(json.dumps(row))
    return 0


def spawn(worker: str, n: int, years: int, seed: int, time_limit: float, mps: str
          ) -> dict[str, Any]:
    """Run one worker in a fresh interpreter; its JSON answer comes back through a file."""
    with tempfile.NamedTemporaryFile("r", suffix=".json") as answer:
        cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", worker,
               "--n", str(n), "--n-years", str(years), "--seed", str(seed),
               "--time-limit", str(time_limit), "--mps", mps, "--out", answer.name]
        proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                              text=True, cwd=ROOT)
        if proc.returncode != 0:
            raise SystemExit(f"{worker} worker failed for {n}×{years}:\n{proc.stderr[-3000:]}")
        return json.loads(Path(answer.name).read_text() or "{}")


# ---------------------------------------------------------------------- one size, the table
def measure(n: int, years: int, seed: int, time_limit: float, ranked: bool) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        mps = os.path.join(tmp, "model.mps")
        row = {"n": n, "years": years}
        row |= spawn("ours", n, years, seed, time_limit, mps)
        row |= spawn("raw", n, years, seed, time_limit, mps)
    if ranked:
        row |= spawn("ranked", n, years, seed, time_limit, "")
        row |= spawn("greedy", n, years, seed, time_limit, "")
    return derive(row, time_limit)


def derive(row: dict[str, Any], time_limit: float) -> dict[str, Any]:
    """Ratios, the optimum check and the targets of issue 3."""
    ours = row["build_s"] + row["solve_s"]
    ours_cpu = row["build_cpu"] + row["solve_cpu"]
    row["ours_s"] = ours
    row["ratio"] = ours / max(row["raw_s"], 1e-9)
    row["ratio_cpu"] = ours_cpu / max(row["raw_cpu"], 1e-9)
    row["overhead_s"] = ours - row["highs_in_ours_s"]
    row["time_limit_hit"] = row["status"] == "time_limit" or row["raw_status"] == "Time limit reached"
    a, b = row["objective"], row["raw_objective"]
    same = a is not None and b is not None and abs(a - b) <= 1e-6 * max(1.0, abs(b))
    if row["time_limit_hit"]:
        row["optimum"] = "TL" + ("=" if same else "≠")  # equal time limits: incumbents compared
    else:
        row["optimum"] = "✓" if same else "✗"
    if row.get("greedy_value"):
        row["gain_rules"] = row["objective"] / row["greedy_value"] - 1
        row["greedy_ok"] = "yes" if row["greedy_meets_rules"] else "no"
    if row.get("budget_only_greedy"):
        row["gain_budget"] = row["budget_only_exact"] / row["budget_only_greedy"] - 1
    if "ranked_s" in row:
        row["ranked_over_one"] = row["ranked_s"] / max(ours, 1e-9)
        row["ranked_overhead_s"] = row["ranked_s"] - row["ranked_highs_s"]
    targets = []
    if row["n"] >= 1_000:
        limit = LARGEST_RATIO_TARGET if row["n"] >= 100_000 else RATIO_TARGET
        targets.append(f"ratio≤{limit} {'ok' if row['ratio_cpu'] <= limit else 'MISSED'}")
    if row["n"] >= 100_000:
        targets.append(f"<4 GB {'ok' if row['peak_mb'] < MEMORY_TARGET_MB else 'MISSED'}")
    if "ranked_over_one" in row:
        targets.append(f"ranked≤10× {'ok' if row['ranked_over_one'] <= RANKED else 'MISSED'}")
    row["targets"] = ", ".join(targets)
    return row


COLUMNS = (  # header, key, format
    ("projects×FY", None, ""), ("eligible", "eligible", "{:,}"), ("rows", "rows", "{:,}"),
    ("build s", "build_s", "{:.2f}"), ("solve s", "solve_s", "{:.2f}"),
    ("set_instance s", "set_instance_s", "{:.2f}"), ("HiGHS in ours s", "highs_in_ours_s", "{:.2f}"),
    ("raw HiGHS s", "raw_s", "{:.2f}"), ("nodes ours/raw", None, ""),
    ("ratio wall", "ratio", "{:.2f}"), ("ratio cpu", "ratio_cpu", "{:.2f}"),
    ("peak MB ours", "peak_mb", "{:,.0f}"), ("peak MB raw", "raw_peak_mb", "{:,.0f}"),
    ("10 ranked s", "ranked_s", "{:.2f}"), ("of which HiGHS s", "ranked_highs_s", "{:.2f}"),
    ("ranked / one", "ranked_over_one", "{:.1f}"),
    ("vs greedy (rules)", "gain_rules", "{:+.2%}"), ("greedy meets rules", "greedy_ok", "{}"),
    ("vs greedy (budget only)", "gain_budget", "{:+.3%}"),
    ("optimum", "optimum", "{}"), ("targets", "targets", "{}"),
)


def cells(row: dict[str, Any]) -> list[str]:
    out = []
    for header, key, fmt in COLUMNS:
        if header == "projects×FY":
            out.append(f"{row['n']:,}×{row['years']}")
        elif header == "nodes ours/raw":
            out.append(f"{row['nodes']}/{row['raw_nodes']}")
        else:
            value = row.get(key)
            out.append("—" if value is None else fmt.format(value))
    return out


def markdown(rows: list[dict[str, Any]]) -> str:
    lines = ["| " + " | ".join(h for h, _, _ in COLUMNS) + " |",
             "|" + "|".join("---:" if k not in ("optimum", "targets") else ":---"
                            for _, k, _ in COLUMNS) + "|"]
    lines += ["| " + " | ".join(cells(r)) + " |" for r in rows]
    return "\n".join(lines)


def plain(rows: list[dict[str, Any]]) -> str:
    table = [[h for h, _, _ in COLUMNS], *(cells(r) for r in rows)]
    widths = [max(len(line[i]) for line in table) for i in range(len(COLUMNS))]
    return "\n".join("  ".join(c.rjust(w) for c, w in zip(line, widths, strict=True))
                     for line in table)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default=None,
                        help="comma-separated project counts (default 100,1000,10000,100000)")
    parser.add_argument("--years", default=None,
                        help="fiscal years per size, comma-separated, or one for all "
                             "(default 1 up to 100 projects, 3 up to 1,000, then 5)")
    parser.add_argument("--quick", action="store_true",
                        help="smoke run: 100×1 and 1,000×3, 60 s limit")
    parser.add_argument("--time-limit", type=float, default=None,
                        help="seconds per solve, ours and raw alike (default 600; 60 with --quick)")
    parser.add_argument("--ranked-up-to", type=int, default=10_000,
                        help="measure 10 ranked portfolios only up to this many projects "
                             "(each is a full solve; default 10000)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    parser.add_argument("--json", dest="json_path", default=None,
                        help="also write every measured number to this JSON file")
    # internal: one measurement in a fresh process
    parser.add_argument("--worker", choices=("ours", "raw", "ranked", "greedy"), help=argparse.SUPPRESS)
    parser.add_argument("--n", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--n-years", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--mps", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def sizes_of(args: argparse.Namespace) -> list[tuple[int, int]]:
    if args.sizes:
        sizes = [int(s.replace("_", "")) for s in args.sizes.split(",")]
    else:
        sizes = [100, 1_000] if args.quick else list(DEFAULT_SIZES)
    if args.years:
        years = [int(y) for y in args.years.split(",")]
    else:  # 100×1, 1,000×3, larger ×5
        years = [1 if n <= 100 else 3 if n <= 1_000 else 5 for n in sizes]
    if len(years) == 1:
        years *= len(sizes)
    if len(years) != len(sizes) or min(sizes) < 2 or not all(1 <= y <= 10 for y in years):
        raise SystemExit("--years needs one value for all sizes or one per size (1-10), "
                         "and every size at least 2")
    return list(zip(sizes, years, strict=True))


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.time_limit is None:
        args.time_limit = 60.0 if args.quick else 600.0
    if args.worker:
        return run_worker(args)
    rows = []
    for n, years in sizes_of(args):
        print(f"… {n:,} projects × {years} FY", file=sys.stderr, flush=True)
        row = measure(n, years, args.seed, args.time_limit, ranked=n <= args.ranked_up_to)
        rows.append(row)
        print(plain([row]).splitlines()[1], file=sys.stderr, flush=True)
    print(markdown(rows) if args.markdown else plain(rows))
    for r in rows:
        if r["time_limit_hit"]:
            print(f"{r['n']:,}×{r['years']}: time limit; ours {r['status']} value "
                  f"{r['objective']} gap {r['gap']}, raw {r['raw_status']} value "
                  f"{r['raw_objective']} gap {r['raw_gap']:.3g}")
        if r.get("ranked_highs_each"):
            print(f"{r['n']:,}×{r['years']}: HiGHS seconds per ranked solve "
                  f"{r['ranked_highs_each']}; ours outside HiGHS {r['ranked_overhead_s']:.2f} s")
    hit = [f"{r['n']:,}×{r['years']}" for r in rows if r["time_limit_hit"]]
    print(f"\ntime limit {args.time_limit:g} s per solve"
          + (f"; reached at {', '.join(hit)} (compared at equal time limits)" if hit else
             "; never reached"))
    print(f"targets: ratio ≤ {RATIO_TARGET} from 1,000 projects up; at 100,000×5 ≤ "
          f"{LARGEST_RATIO_TARGET} and under {MEMORY_TARGET_MB // 1024} GB; {RANKED} ranked "
          f"portfolios ≤ {RANKED}× one solve. Ratios: (build + solve) / raw HiGHS run.")
    if args.json_path:
        Path(args.json_path).write_text(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
