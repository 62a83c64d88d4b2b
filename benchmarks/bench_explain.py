"""Explanations at scale: `--explain` (why-in/why-out and rule prices) beside one solve.

For each round (a synthetic one, :mod:`benchmarks.synthetic`) portfolio 1 is solved once
(``Solver`` + ``ranked(1)``: what one solve costs), then ``explain_result`` runs as
``osa-opt solve --explain`` runs it: exact up to ``EXACT_LIMIT`` eligible projects (a MIP
re-solve per project unless a proof saves it), LP bounds above it. The table prints both
times (wall and CPU), their ratio, how each project was answered (re-solved, proven without
a re-solve, LP bound) and, for comparison, the exact path's estimate: ``--sample`` projects
re-solved exactly (``Solver.solve_forced``) and the mean scaled to every eligible project,
and how far the analysis's value changes of those projects are from the exact ones (0 where
exact; an LP bound is never below the exact value, so never negative).

Run from the repository root::

    .venv/bin/python benchmarks/bench_explain.py                      # 1000x3, 10000x3
    .venv/bin/python benchmarks/bench_explain.py --sizes 300x2,1000x3 --sample 10
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import make_problem  # noqa: E402

from osa_opt.analysis.baseline import result_from_outcomes  # noqa: E402
from osa_opt.analysis.rule_rows import ranking_cuts, switched_off  # noqa: E402
from osa_opt.analysis.why_proofs import EXACT_LIMIT  # noqa: E402
from osa_opt.solving.solver import Solver, stdout_to_stderr  # noqa: E402
from osa_opt.workflows import explain_result  # noqa: E402


def cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def measure(n: int, years: int, sample: int, seed: int) -> dict[str, float]:
    problem = make_problem(n, years, seed=seed)
    solver = Solver(problem, time_limit=600, mip_rel_gap=0.0, threads=1)
    w0, c0 = time.perf_counter(), cpu()
    result = result_from_outcomes(problem, solver, solver.ranked(1, 2), 0.0)
    one, one_cpu = time.perf_counter() - w0, cpu() - c0
    w0, c0 = time.perf_counter(), cpu()
    explain_result(result, solver, True)
    explain, explain_cpu = time.perf_counter() - w0, cpu() - c0
    why, prices = result.analyses["why"], result.analyses["prices"]
    # the exact path on a sample: one MIP re-solve per project
    best = result.best.fractions
    eligible = [str(p) for p in problem.eligible]
    step = max(1, len(eligible) // max(sample, 1))
    chosen = eligible[::step][:sample]
    w0 = time.perf_counter()
    slack = []  # how far each sampled number is from the exact value (≥ 0: a true bound)
    with switched_off(ranking_cuts(solver.model)):
        for p in chosen:
            out = solver.solve_forced({p: 0 if p in best else 1})
            rec = why.records[p]
            if out.objective is not None and rec["value_change"] is not None:
                slack.append(rec["value_change"] - (out.objective - result.best.objective))
    exact_each = (time.perf_counter() - w0) / max(1, len(chosen))
    basis = prices.table["basis"].value_counts().to_dict()
    return {"eligible": len(eligible), "one": one, "one_cpu": one_cpu, "explain": explain,
            "explain_cpu": explain_cpu, "why": why.seconds, "prices": prices.seconds,
            "rules": len(prices.table), "resolved": why.solves, "proven": why.proven,
            "bounded": why.bounded, "price_bounds": basis.get("lp bound", 0),
            "exact_each": exact_each, "exact_estimate": exact_each * len(eligible),
            "slack": max(slack, default=float("nan")),
            "slack_min": min(slack, default=float("nan")), "sampled": len(slack)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1000x3,10000x3",
                    help="PROJECTSxYEARS, comma-separated (default 1000x3,10000x3)")
    ap.add_argument("--sample", type=int, default=5,
                    help="projects re-solved exactly for the estimate (default 5)")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    print(f"EXACT_LIMIT = {EXACT_LIMIT} eligible projects; times in seconds (wall / CPU)\n")
    head = ("| round | eligible | one solve | --explain | explain / one solve | why | prices "
            "(rules) | re-solved / proven / LP bounds | price LP bounds | exact re-solve each "
            "| exact, every project (est.) | number − exact on the sample |")
    print(head)
    print("|:---|" + "---:|" * 11)
    for size in args.sizes.split(","):
        n, years = (int(v) for v in size.lower().split("x"))
        with stdout_to_stderr():
            r = measure(n, years, args.sample, args.seed)
        print(f"| {n:,}×{years} | {r['eligible']:,} | {r['one']:.2f} / {r['one_cpu']:.2f} | "
              f"{r['explain']:.2f} / {r['explain_cpu']:.2f} | "
              f"{r['explain'] / max(r['one'], 1e-9):.1f}× | {r['why']:.2f} | "
              f"{r['prices']:.2f} ({r['rules']:,}) | {r['resolved']:,} / {r['proven']:,} / "
              f"{r['bounded']:,} | {r['price_bounds']:,} | {r['exact_each']:.3f} | "
              f"{r['exact_estimate']:,.0f} | {r['slack_min']:.3g} – {r['slack']:.3g} "
              f"({r['sampled']}) |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
