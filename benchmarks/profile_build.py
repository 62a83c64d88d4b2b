"""Where our time goes between the Problem and HiGHS: one timed line per stage.

Stages: the Problem's derived views (eligibility, value, tier, region, cost), ``ModelData``,
each constraint family of ``build_model``, Pyomo's ``set_instance``, the first solve (split
into Pyomo's update check, HiGHS itself and loading results), reading the solution
(``get_vars`` and ``Solver.read_fractions``), and the auto-update checks Pyomo runs before every
re-solve — with no change, and after the changes the analyses make (a fixed variable, a new
constraint bound, a new objective, a no-good cut). The re-solve checks are timed with
``opt.update()`` alone, so HiGHS is not re-run.

    /tmp/venv/bin/python benchmarks/profile_build.py 10000 5
    /tmp/venv/bin/python benchmarks/profile_build.py 100000 5 --time-limit 60 --cprofile 25
    /tmp/venv/bin/python benchmarks/profile_build.py 100000 5 --inputs    # reading, validating

``--cprofile N`` also prints the N most expensive functions (cumulative) of build +
set_instance.
"""

from __future__ import annotations

import argparse
import cProfile
import functools
import pstats
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

ROWS: list[tuple[str, float, float | None]] = []  # stage, wall seconds, CPU seconds


@contextmanager
def stage(name: str) -> Iterator[None]:
    t0, c0 = time.perf_counter(), time.process_time()
    yield
    ROWS.append((name, time.perf_counter() - t0, time.process_time() - c0))


def timed_families(registry: Any, build_module: Any) -> None:
    """Wrap every family's ``add_*`` (the registry's entries, and partial funding in the
    recipe) so build_model reports each one."""
    def timed(original: Callable[..., None]) -> Callable[..., None]:
        @functools.wraps(original)
        def wrapper(*args: Any) -> None:
            with stage(f"  build: {original.__name__}"):
                original(*args)
        return wrapper

    for family in registry.REGISTRY:  # frozen entries: this profiling run alone rewires them
        object.__setattr__(family, "add", timed(family.add))
    build_module.add_partial_funding = timed(build_module.add_partial_funding)


def report(n: int, years: int, solver: Any) -> None:
    width = max(len(name) for name, _, _ in ROWS)
    print(f"{n:,} projects × {years} FY; {len(solver.model.P):,} eligible, "
          f"{solver.highs.getNumRow():,} rows")
    print(f"{'stage'.ljust(width)}  {'wall s':>8}  {'CPU s':>8}")
    for name, wall, cpu in ROWS:
        print(f"{name.ljust(width)}  {wall:8.3f}  " + ("" if cpu is None else f"{cpu:8.3f}"))


def profile(n: int, years: int, seed: int, time_limit: float, top: int, optimum: bool) -> None:
    import pyomo.environ as pyo

    from benchmarks.synthetic import make_problem
    from osa_opt.model import build as build_module
    from osa_opt.model import registry
    from osa_opt.model.data import ModelData
    from osa_opt.solving.solver import Solver

    with stage("generate synthetic problem (not ours)"):
        problem = make_problem(n, years, seed, time_limit=time_limit)
    for view in ("eligibility", "cost", "total_cost", "tier", "region", "value"):
        with stage(f"problem.{view}"):
            getattr(problem, view)
    with stage("ModelData.from_problem"):
        ModelData.from_problem(problem)

    timed_families(registry, build_module)
    profiler = cProfile.Profile() if top else None
    with stage("build_model (whole, views cached)"):
        if profiler:
            profiler.enable()
        model = build_module.build_model(problem)
    solver = Solver(problem, model, time_limit=time_limit)
    opt = solver.opt
    if not optimum:  # our overhead is the question: the first incumbent is enough to read
        opt.config.solver_options["mip_max_improving_sols"] = 1
    with stage("set_instance (Pyomo → HiGHS)"):
        opt.set_instance(model)
        if profiler:
            profiler.disable()
    with stage("first solve (opt.solve)"):
        res = opt.solve(model)
    timer = res.timing_info.timer
    ROWS.append(("  of which update check", timer.timers["update"].total_time, None))
    ROWS.append(("  of which HiGHS run", solver.highs.getRunTime(), None))
    ROWS.append(("  of which load results", timer.timers["load solution"].total_time, None))
    if res.incumbent_objective is None:
        report(n, years, solver)
        print(f"no solution within {time_limit:g} s: {res.termination_condition}")
        return
    with stage("solution_loader.get_vars()"):
        values = res.solution_loader.get_vars()
    with stage("Solver.read_fractions"):
        solver.read_fractions(values)

    # The auto-update checks before a re-solve (they stay on: the analyses rely on them).
    with stage("re-solve check: no change"):
        opt.update()
    first = model.P.first()
    model.x[first].fix(0)
    with stage("re-solve check: one x fixed"):
        opt.update()
    model.x[first].unfix()
    opt.update()
    budget = next(iter(model.budget.values()))
    budget.set_value(budget.body <= budget.upper * 1.01)
    with stage("re-solve check: budget bound changed"):
        opt.update()
    with stage("re-solve check: new objective"):
        solver.set_objective({p: 1.0 for p in model.P})
        opt.update()
    model.portfolio_cut = pyo.ConstraintList()
    funded = frozenset(solver.read_fractions(values))
    with stage("no-good cut: build + check"):
        model.portfolio_cut.add(solver._difference_expr(funded) >= 2)
        opt.update()

    report(n, years, solver)
    if profiler:
        print()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(top)


def profile_inputs(n: int, years: int, seed: int, top: int) -> None:
    """The input path of ``osa-opt solve`` on the round written as a CSV folder: reading
    (CSV records, the table, numbers), validation (``Problem.from_frames``), the
    eligibility and the summary. CPU seconds; ``top`` adds the costliest functions."""
    import tempfile

    from benchmarks.bench_process import write_round
    from osa_opt.inputs.problem import Problem
    from osa_opt.inputs.readers import read_input

    with tempfile.TemporaryDirectory() as tmp:
        with stage("write the round as CSV (not ours)"):
            policy_path = write_round(f"{n}x{years}", seed, Path(tmp) / "round")
        from osa_opt.inputs.policy import Policy

        policy = Policy.load(policy_path)
        profiler = cProfile.Profile() if top else None
        if profiler:
            profiler.enable()
        with stage("read_input (CSV records, table, numbers)"):
            raw = read_input(Path(tmp) / "round")
        with stage("Problem.from_frames (validation)"):
            problem = Problem.from_frames(raw.projects, raw.countries, policy)
        with stage("problem.eligibility"):
            assert len(problem.eligibility) == n
        with stage("problem.summary()"):
            problem.summary()
        if profiler:
            profiler.disable()
    width = max(len(name) for name, _, _ in ROWS)
    print(f"{n:,} projects × {years} FY, read from CSV; {len(problem.eligible):,} eligible")
    print(f"{'stage'.ljust(width)}  {'wall s':>8}  {'CPU s':>8}")
    for name, wall, cpu in ROWS:
        print(f"{name.ljust(width)}  {wall:8.3f}  {cpu:8.3f}")
    if profiler:
        print()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(top)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n_projects", type=int, nargs="?", default=10_000)
    parser.add_argument("n_years", type=int, nargs="?", default=5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--time-limit", type=float, default=60.0,
                        help="seconds for HiGHS (only a solution to read is needed)")
    parser.add_argument("--optimum", action="store_true",
                        help="let HiGHS prove the optimum (default: stop at its first solution)")
    parser.add_argument("--cprofile", type=int, default=0, metavar="N",
                        help="print the N most expensive functions of build + set_instance")
    parser.add_argument("--inputs", action="store_true",
                        help="profile the input path instead: the round as a CSV folder, "
                             "read, validated, its eligibility and summary")
    args = parser.parse_args(argv)
    if args.inputs:
        profile_inputs(args.n_projects, args.n_years, args.seed, args.cprofile)
        return 0
    from osa_opt.solving.solver import stdout_to_stderr

    with stdout_to_stderr():  # HiGHS's banner
        import highspy

        highspy.Highs()
    profile(args.n_projects, args.n_years, args.seed, args.time_limit, args.cprofile,
            args.optimum)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
