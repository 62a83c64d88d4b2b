"""How long writing a run folder takes, writer by writer, on synthetic rounds (issue 14).

For each size it builds a synthetic round (``synthetic.make_problem``) and a Result with
``--portfolios`` ranked portfolios, then times each writer of the run folder on it: the
workbook (``portfolios.xlsx``), the CSV (``portfolios.csv``), the report (``report.html``),
the manifest (``run.json``), and the whole ``write_run`` (all of them, atomically). By default
the portfolios are greedy ones (value per ¥ until each year's budget runs out, the budget
trimmed by 1% per rank): as many funded projects as an optimum funds, in a second, so the
writers can be measured at 100,000 projects without a 2-minute solve. ``--solve`` solves
instead (``osa_opt.solve`` with the policy's time limit) and prints its time beside the
writing. Each writer's time is CPU seconds of this process (steadier than the wall clock
on a shared machine; the same on an idle one); the whole ``write_run`` is given as wall
seconds (what a user waits: from 2,000 projects the workbook is written by a second process
beside the other files) and as CPU seconds of both processes.

Run from the repository root:

    python benchmarks/bench_writers.py                        # 10,000×3 and 100,000×5
    python benchmarks/bench_writers.py --sizes 10000x3 --solve
    python benchmarks/bench_writers.py --sizes 1000x3,30000x3 --markdown
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make ``osa_opt`` importable from a checkout
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.synthetic import make_problem  # noqa: E402
from osa_opt.inputs.problem import Problem  # noqa: E402
from osa_opt.result import Portfolio, Result, Status  # noqa: E402

DEFAULT_SIZES = "10000x3,100000x5"
COLUMNS = ("size", "funded #1", "solve s", "workbook s", "csv s", "report s", "run.json s",
           "run folder s", "run folder cpu s", "xlsx MB", "html MB")


def greedy_result(problem: Problem, portfolios: int) -> Result:
    """``portfolios`` greedy portfolios, the k-th with the budget trimmed by (k-1)%."""
    from osa_opt.analysis.greedy import greedy_ranking

    ranked: list[Portfolio] = []
    for k in range(portfolios):
        budget = {fy: amount * (1 - 0.01 * k) for fy, amount in problem.budget.items()}
        greedy = greedy_ranking(problem, budget)
        best = ranked[0] if ranked else None
        ranked.append(Portfolio(
            rank=k + 1, objective=greedy.value, fractions=dict(greedy.fractions),
            problem=problem, reference=best,
            best_objective=best.objective if best else greedy.value))
    return Result(problem, Status.OPTIMAL, ranked)


def solved_result(problem: Problem, portfolios: int) -> Result:
    import osa_opt

    return osa_opt.solve(problem, portfolios=portfolios, explain=False)


def timed(action: Callable[[], Any]) -> float:
    """CPU seconds of ``action`` (the writers are single-threaded: CPU time is steadier than
    the wall clock on a shared machine, and equal to it on an idle one)."""
    t0 = time.process_time()
    action()
    return time.process_time() - t0


def timed_whole(action: Callable[[], Any]) -> tuple[float, float]:
    """Wall seconds of ``action`` and the CPU seconds of this process and the children it
    waited for: from 2,000 projects ``write_run`` writes the workbook in a forked child
    (osa_opt.background) beside the other files, so its wall time is what a user waits
    and its CPU time the work of both."""
    t0, c0 = time.perf_counter(), os.times()
    action()
    c1 = os.times()
    cpu = sum(getattr(c1, k) - getattr(c0, k)
              for k in ("user", "system", "children_user", "children_system"))
    return time.perf_counter() - t0, cpu


def measure(n_projects: int, n_years: int, *, portfolios: int, solve: bool,
            seed: int) -> dict[str, Any]:
    """Every writer's seconds on one synthetic round (each on a fresh copy of the Result,
    so cached tables are not shared between writers)."""
    from osa_opt.outputs.longform import write_csv
    from osa_opt.outputs.manifest import build_manifest
    from osa_opt.outputs.workbook import write_workbook
    from osa_opt.report import write_report
    from osa_opt.run_folder import write_run

    problem = make_problem(n_projects, n_years, seed=seed)
    t0 = time.process_time()
    make = solved_result if solve else greedy_result
    result = make(problem, portfolios)
    solve_seconds = time.process_time() - t0 if solve else None

    def fresh() -> Result:  # a new Result: no cached unfunded table or portfolio tables
        copies: list[Portfolio] = []
        for p in result.portfolios:
            copies.append(Portfolio(
                rank=p.rank, objective=p.objective, fractions=dict(p.fractions),
                problem=problem, status=p.status, gap=p.gap, bound=p.bound, seconds=p.seconds,
                best_objective=p.best_objective, reference=copies[0] if copies else None))
        return Result(problem, result.status, copies, timings=dict(result.timings),
                      message=result.message)

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        row: dict[str, Any] = {
            "size": f"{n_projects:,}×{n_years}",
            "funded #1": result.best.n_projects if result.best else 0,
            "solve s": solve_seconds,
            "workbook s": timed(lambda: write_workbook(fresh(), folder / "p.xlsx")),
            "csv s": timed(lambda: write_csv(fresh(), folder / "p.csv")),
            "report s": timed(lambda: write_report(fresh(), folder / "r.html")),
            "run.json s": timed(lambda: json.dumps(build_manifest(fresh()))),
        }
        wall, cpu = timed_whole(lambda: write_run(fresh(), folder / "run"))
        row["run folder s"], row["run folder cpu s"] = wall, cpu
        row["xlsx MB"] = (folder / "p.xlsx").stat().st_size / 1e6
        row["html MB"] = (folder / "r.html").stat().st_size / 1e6
    return row


def render(rows: list[dict[str, Any]], markdown: bool) -> str:
    def text(value: Any) -> str:
        if value is None:
            return "—"
        if isinstance(value, float):
            return f"{value:,.2f}"
        return str(value)

    cells = [[text(r[c]) for c in COLUMNS] for r in rows]
    if markdown:
        lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
        lines += ["| " + " | ".join(c) + " |" for c in cells]
        return "\n".join(lines)
    widths = [max(len(c), *(len(r[i]) for r in cells)) for i, c in enumerate(COLUMNS)]
    lines = ["  ".join(c.rjust(w) for c, w in zip(COLUMNS, widths, strict=True))]
    lines += ["  ".join(v.rjust(w) for v, w in zip(r, widths, strict=True)) for r in cells]
    return "\n".join(lines)


def parse_sizes(text: str) -> list[tuple[int, int]]:
    """``"10000x3,100000x5"`` -> ``[(10000, 3), (100000, 5)]``."""
    sizes = []
    for item in text.split(","):
        projects, _, years = item.strip().lower().partition("x")
        sizes.append((int(projects), int(years or 1)))
    return sizes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default=DEFAULT_SIZES,
                        help=f"PROJECTSxYEARS, comma-separated (default {DEFAULT_SIZES})")
    parser.add_argument("--portfolios", type=int, default=5, help="ranked portfolios (5)")
    parser.add_argument("--solve", action="store_true",
                        help="solve for real (slow at 100,000) instead of greedy portfolios")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args(argv)
    rows = []
    for n_projects, n_years in parse_sizes(args.sizes):
        rows.append(measure(n_projects, n_years, portfolios=args.portfolios, solve=args.solve,
                            seed=args.seed))
        print("measured:", render(rows[-1:], markdown=False).splitlines()[-1].strip(),
              file=sys.stderr, flush=True)
    print(render(rows, args.markdown))
    return 0


if __name__ == "__main__":
    sys.exit(main())
