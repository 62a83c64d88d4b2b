"""Speed benchmark of the robustness analysis: samples per second, serial and parallel (issue 6).

For each instance (the shipped example; a synthetic 1,000-project round from
:mod:`benchmarks.synthetic`) the same samples run three ways, and the answers are checked
to be identical:

1. **serial** — ``robustness(problem, jobs=1)``: one persistent model in this process;
2. **jobs 2** — two local ``spawn`` processes, each building the model once;
3. **dask** — a ``dask.distributed.LocalCluster`` of two single-threaded worker processes
   (the cluster's start-up is timed apart: a real cluster is already running).

Every weight gets a range of ±50% of its policy weight, and scores vary by their
``score_spread``. Times are wall-clock for the whole :func:`robustness` call (drawing the
samples, starting workers, building their models, solving, summarizing) and exclude the
normal ranked solve, which is timed apart. "solve CPU" is the CPU time the workers spent
on the samples, all together: on a shared machine it is the steadier number, and
wall-clock on an idle machine is about worker start-up plus solve CPU / workers. Finally ``osa-opt robustness --samples 500
--jobs 2`` on the example is timed end to end, as a budget officer runs it (the target:
within 20 s on two cores).

Run from the repository root::

    /tmp/venv/bin/python benchmarks/bench_robustness.py --quick
    /tmp/venv/bin/python benchmarks/bench_robustness.py                  # 500 and 200 samples
    /tmp/venv/bin/python benchmarks/bench_robustness.py --samples 1000 --synthetic-samples 500

HiGHS may print on file descriptor 1; it is sent to stderr, so stdout holds only the table.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script from a checkout
    sys.path.insert(0, str(ROOT))

TARGET_SECONDS = 20.0   # 500 samples of the example, end to end, on two cores
WEIGHT_SPREAD = 0.5     # each weight ranges over ±50% of its policy weight


def with_weight_ranges(problem: Any) -> Any:
    """The same Problem with every criterion weight ranging over ±50% (no re-validation)."""
    weights = problem.policy.objective.weights
    ranges = {k: [w * (1 - WEIGHT_SPREAD), w * (1 + WEIGHT_SPREAD)] for k, w in weights.items()}
    policy = problem.policy.override({"robustness.weight_ranges": ranges})
    return type(problem)(problem.projects, problem.countries, policy, problem.sources)


def instances(quick: bool) -> list[tuple[str, Any]]:
    from benchmarks.synthetic import make_problem
    from osa_opt.inputs.readers import load_problem

    example = with_weight_ranges(load_problem())
    out = [("example (53 projects)", example)]
    if not quick:
        out.append(("synthetic 1,000 × 1 year", with_weight_ranges(make_problem(1_000, 1, 0))))
    return out


def measure(problem: Any, samples: int, cluster: Any) -> list[dict[str, Any]]:
    """Serial, jobs=2 and Dask runs of the same samples; their answers must be identical."""
    from osa_opt.analysis.robustness import robustness
    from osa_opt.workflows import solve

    t0 = time.perf_counter()
    baseline = solve(problem)
    baseline_seconds = time.perf_counter() - t0
    runs = [("serial", {"jobs": 1}), ("jobs 2", {"jobs": 2})]
    if cluster is not None:
        runs.append(("dask 2 workers", {"scheduler": cluster.scheduler_address}))
    rows, reference = [], None
    for label, kwargs in runs:
        t0, c0 = time.perf_counter(), time.process_time()
        analysis = robustness(problem, samples=samples, seed=0, baseline=baseline, **kwargs)
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        if reference is None:
            reference = analysis
        same = (analysis.projects.equals(reference.projects)
                and analysis.samples_table.equals(reference.samples_table))
        rows.append({"run": label, "samples": samples, "seconds": wall, "main_cpu": cpu,
                     "solve_cpu": analysis.cpu_seconds,
                     "per_second": samples / wall, "identical": same,
                     "baseline_seconds": baseline_seconds,
                     "classes": "/".join(str(v) for v in analysis.counts.values())})
    return rows


def end_to_end(samples: int, jobs: int) -> float:
    """Wall time of ``osa-opt robustness --samples N --jobs J --quiet`` on the example."""
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "osa_opt", "robustness", "--samples", str(samples),
             "--jobs", str(jobs), "--quiet", "--out", str(Path(tmp) / "run"),
             "--set", "robustness.weight_ranges={security=[0.2,0.6], humanitarian=[0.15,0.45],"
                      " partnership=[0.15,0.45]}"],
            check=True, cwd=tmp)
        return time.perf_counter() - t0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=500, help="samples of the example")
    parser.add_argument("--synthetic-samples", type=int, default=200,
                        help="samples of the 1,000-project instance")
    parser.add_argument("--quick", action="store_true", help="the example only, 100 samples")
    parser.add_argument("--no-dask", action="store_true", help="skip the LocalCluster runs")
    args = parser.parse_args(argv)

    from osa_opt.solving.solver import stdout_to_stderr

    cluster, startup = None, 0.0
    if not args.no_dask:
        from distributed import LocalCluster

        t0 = time.perf_counter()
        with stdout_to_stderr():
            cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                   dashboard_address=":0")
        startup = time.perf_counter() - t0
    print(f"cores: {os.cpu_count()}; python {sys.version.split()[0]}")
    print("| instance | run | samples | seconds | samples/s | solve CPU s | main-process CPU s |"
          " identical | core/borderline/exterior |")
    print("|---|---|---:|---:|---:|---:|---:|---|---|", flush=True)
    try:
        for k, (name, problem) in enumerate(instances(args.quick)):
            n = 100 if args.quick else (args.samples if k == 0 else args.synthetic_samples)
            with stdout_to_stderr():  # HiGHS may print on fd 1: keep stdout for the table
                rows = measure(problem, n, cluster)
            for row in rows:
                print(f"| {name} | {row['run']} | {row['samples']} | {row['seconds']:.1f} | "
                      f"{row['per_second']:.1f} | {row['solve_cpu']:.1f} | {row['main_cpu']:.1f} | "
                      f"{'yes' if row['identical'] else 'NO'} | {row['classes']} |", flush=True)
    finally:
        if cluster is not None:
            cluster.close()
    if cluster is not None:
        print(f"\nLocalCluster start-up (not in the times above): {startup:.1f} s")
    n = 100 if args.quick else args.samples
    seconds = end_to_end(n, jobs=2)
    verdict = "" if n != 500 else (" (meets" if seconds <= TARGET_SECONDS else " (misses")
    verdict += f" the {TARGET_SECONDS:.0f} s target)" if verdict else ""
    print(f"osa-opt robustness --samples {n} --jobs 2 on the example, end to end: "
          f"{seconds:.1f} s{verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
