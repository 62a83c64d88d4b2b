"""The experiment of benchmarks/verify_ranked.py: ranks proven in a few MIPs (not used by
osa-opt; benchmarks/README.md, "Verifying several ranks with one MIP").

Its rankings must carry the values of ``Solver.ranked`` (the sequential ranking, itself
checked against brute force), and every bound it uses to skip a single flip must hold: with
``check`` it solves every flip of every ball exactly and records any flip worth more than its
bound.
"""

from __future__ import annotations

import pytest

from benchmarks.synthetic import make_problem
from benchmarks.verify_ranked import verified_ranking
from osa_opt.solving.solver import Solver


def sequential(problem, count: int, min_difference: int) -> list[float]:
    return [o.objective for o in Solver(problem).ranked(count, min_difference)]


@pytest.mark.parametrize(("n", "years", "seed", "min_difference"),
                         [(300, 2, 0, 2), (300, 2, 1, 1), (100, 1, 2, 2)])
def test_verified_ranking_has_the_sequential_values(n: int, years: int, seed: int,
                                                    min_difference: int) -> None:
    problem = make_problem(n, years, seed)
    values, patterns, stats = verified_ranking(problem, 10, min_difference)
    expected = sequential(problem, 10, min_difference)
    assert values == pytest.approx(expected, rel=1e-9, abs=1e-9)
    for i, a in enumerate(patterns):  # each differs enough from every better one
        assert all(int((a != b).sum()) >= min_difference for b in patterns[:i])
    assert stats.mips >= 1


@pytest.mark.slow
def test_no_flip_is_worth_more_than_its_bound() -> None:
    problem = make_problem(300, 2, 0)
    values, _, stats = verified_ranking(problem, 10, 2, check=True)
    assert stats.bound_broken == []
    assert values == pytest.approx(sequential(problem, 10, 2), rel=1e-9, abs=1e-9)
