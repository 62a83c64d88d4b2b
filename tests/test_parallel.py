"""Executors: deterministic chunks, and identical answers serial, on processes and on Dask.

One Dask ``LocalCluster`` (two worker processes, one thread each) serves the module.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from concurrent.futures.process import BrokenProcessPool
from typing import Any

import pytest
from test_robustness import make_problem

from osa_opt.analysis.compare import Scenario, budget_scenario, compare
from osa_opt.analysis.robustness import RobustnessAnalysis, robustness
from osa_opt.errors import OsaError
from osa_opt.inputs.problem import Problem
from osa_opt.parallel import (
    DASK_HINT,
    DaskExecutor,
    Executor,
    ProcessExecutor,
    default_chunk_size,
    make_executor,
    split,
)

SAMPLES = 24
CHUNK = 5  # five chunks for two workers


def _square_plus(shared: int, item: int) -> int:
    return item * item + shared


def _die(shared: int, item: int) -> int:
    os._exit(1)  # a worker killed (out of memory), or one that failed to start


@pytest.fixture(scope="module")
def problem() -> Problem:
    return make_problem()


@pytest.fixture(scope="module")
def cluster() -> Iterator[Any]:
    """A LocalCluster of this process. Its nannies set their workers' variables in this
    process's os.environ (OMP_NUM_THREADS=1, MKL_NUM_THREADS, OPENBLAS_NUM_THREADS,
    MALLOC_TRIM_THRESHOLD_, PYTHONHASHSEED, __DASK_PARENT_PID) and leave them there: every
    later test's subprocess ran with one thread and a fixed hash seed. Put back after."""
    import distributed

    before = dict(os.environ)
    before.pop("PYTEST_CURRENT_TEST", None)  # pytest's own, which it keeps
    try:
        with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                      dashboard_address=":0") as local:
            yield local
    finally:
        for key in [k for k in os.environ if k not in before and k != "PYTEST_CURRENT_TEST"]:
            del os.environ[key]
        os.environ.update(before)


@pytest.fixture(scope="module")
def serial(problem: Problem) -> RobustnessAnalysis:
    return robustness(problem, samples=SAMPLES, seed=21, chunk_size=CHUNK)


# ---------------------------------------------------------------------- chunks
@pytest.mark.parametrize("n, size", [(1, 1), (10, 3), (24, 5), (25, 5), (7, 100)])
def test_split_covers_every_index_once_in_contiguous_chunks(n: int, size: int) -> None:
    chunks = split(n, size)
    assert [i for c in chunks for i in c] == list(range(n))
    assert all(len(c) <= size for c in chunks) and all(len(c) == size for c in chunks[:-1])
    assert split(n, size) == chunks


def test_default_chunk_size_depends_on_the_sample_count_only() -> None:
    assert default_chunk_size(1) == 1
    assert default_chunk_size(500) == 13      # about 40 chunks
    assert default_chunk_size(100_000) == 25  # never more than 25 samples a chunk


# ---------------------------------------------------------------------- executors
def test_serial_executor_stops_when_asked() -> None:
    seen: list[int] = []

    def stop() -> bool:
        return len(seen) >= 2

    with Executor() as executor:
        for _index, result in executor.map(_square_plus, 1, [1, 2, 3, 4], stop=stop):
            seen.append(result)
    assert seen == [2, 5]


@pytest.mark.slow
def test_a_dead_worker_process_says_what_to_check() -> None:
    """Python's BrokenProcessPool says only that a process 'terminated abruptly'; the most
    common cause from a script (no `if __name__ == "__main__":` while spawned workers import
    it again) is named, with jobs=1 as the way round."""
    executor = ProcessExecutor(2)
    try:
        with pytest.raises(BrokenProcessPool, match=r'terminated abruptly.*if __name__ == '
                                                    r'"__main__":.*jobs=1'):
            list(executor.map(_die, 0, [1, 2]))
    finally:
        executor.close()


def test_jobs_below_one_is_refused() -> None:
    with pytest.raises(OsaError, match="jobs must be 1 or more"):
        make_executor(jobs=0)


def test_scheduler_without_dask_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed -> ImportError
    with pytest.raises(OsaError) as info:
        make_executor(scheduler="tcp://127.0.0.1:8786")
    assert DASK_HINT in str(info.value) and info.value.exit_code == 2
    assert "scheduler=" in str(info.value) and "--" not in str(info.value)  # Python's words
    assert info.value.cli_message is not None and "--scheduler" in info.value.cli_message


@pytest.mark.slow
def test_unreachable_scheduler_is_a_clear_error() -> None:
    with pytest.raises(OsaError, match="cannot reach the Dask scheduler") as info:
        DaskExecutor("tcp://127.0.0.1:1", connect_timeout=1)
    assert 'scheduler="tcp://' in str(info.value) and "--" not in str(info.value)
    assert "--scheduler tcp://" in str(info.value.cli_message)


# ---------------------------------------------------------------------- identical answers
def _same(a: RobustnessAnalysis, b: RobustnessAnalysis) -> None:
    import pandas as pd

    pd.testing.assert_frame_equal(a.projects, b.projects)
    pd.testing.assert_frame_equal(a.portfolios, b.portfolios)
    pd.testing.assert_frame_equal(a.samples_table, b.samples_table)
    pd.testing.assert_frame_equal(a.funded, b.funded)


@pytest.mark.slow
def test_serial_and_two_processes_give_identical_results(problem: Problem,
                                                         serial: RobustnessAnalysis) -> None:
    parallel = robustness(problem, samples=SAMPLES, seed=21, jobs=2, chunk_size=CHUNK)
    _same(serial, parallel)
    assert serial.models_built == 1
    assert 1 <= parallel.models_built <= 2  # one model per worker, not one per chunk (5)
    assert parallel.executor == "2 local processes"


@pytest.mark.slow
def test_dask_local_cluster_gives_identical_results(problem: Problem, cluster: Any,
                                                    serial: RobustnessAnalysis) -> None:
    on_dask = robustness(problem, samples=SAMPLES, seed=21, scheduler=cluster.scheduler_address,
                         chunk_size=CHUNK)
    _same(serial, on_dask)
    assert 1 <= on_dask.models_built <= 2
    assert on_dask.executor.startswith("Dask cluster")
    other_seed = robustness(problem, samples=SAMPLES, seed=22, chunk_size=CHUNK)
    assert not other_seed.samples_table.equals(serial.samples_table)


@pytest.mark.slow
def test_compare_is_identical_serial_and_on_dask(problem: Problem, cluster: Any) -> None:
    scenarios = [Scenario("base", problem),
                 budget_scenario(problem, {"FY2026": 8.0}),
                 budget_scenario(problem, {"FY2026": 14.0, "FY2027": 6.0})]

    def plain(jobs: int = 1, scheduler: Any = None) -> list[dict[str, Any]]:
        result = compare(scenarios, jobs=jobs, scheduler=scheduler).to_dict()["scenarios"]
        return [{k: v for k, v in s.items() if k != "solve_seconds"} for s in result]

    reference = plain()
    assert plain(scheduler=cluster.scheduler_address) == reference
    assert [s["name"] for s in reference] == [
        "base", "Four projects FY2026=8", "Four projects FY2026=14,FY2027=6"]


@pytest.mark.slow
def test_execution_is_identical_serial_and_on_dask(cluster: Any) -> None:
    import numpy as np

    import osa_opt
    from osa_opt.analysis.execution import make_plan, simulate
    from osa_opt.workflows import solve as solve_round

    example = osa_opt.load_problem()
    plan = make_plan(example, solve_round(example, 1).best.fractions, [["P-17"], ["P-13"]])
    serial_run = simulate(plan, 90, seed=4, chunk_size=20)
    on_dask = simulate(plan, 90, seed=4, chunk_size=20, scheduler=cluster.scheduler_address)
    np.testing.assert_array_equal(serial_run[0], on_dask[0])
    np.testing.assert_array_equal(serial_run[1], on_dask[1])
    assert on_dask[3].startswith("Dask cluster")
