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


@pytest.mark.parametrize(("n", "years", "seed"), [(300, 2, 0), (300, 2, 1), (200, 1, 2)])
def test_the_row_box_bounds_every_single_flip(n: int, years: int, seed: int) -> None:
    """Box (the flips settled without an LP): for every flip of portfolio 1, its bound is
    at least the flip's exact value, and a flip it calls infeasible has no solution; it
    settles some flips both ways (worth less, and no solution)."""
    import numpy as np

    from benchmarks.verify_ranked import Box, Evaluator, Stats, funded_pattern
    from osa_opt.solving import highs_access as ha

    solver = Solver(make_problem(n, years, seed))
    out = solver.solve_once()
    lp = ha.highs_of(solver.opt).getLp()
    x_cols = np.asarray(ha.columns_of(solver.opt, list(solver.model.x.values())), np.int32)
    ev, box = Evaluator(lp, x_cols, Stats()), Box(lp, x_cols)
    g = funded_pattern(solver.model, out)
    assert box.at(g)
    below = none = 0
    for i in range(len(g)):
        q = g.copy()
        q[i] = not q[i]
        bound, exact = box.flip(i), ev.exact(q)
        if exact is None:
            none += bound == -np.inf
            continue
        assert bound > -np.inf, f"flip {i} has a solution worth {exact[0]}"
        assert exact[0] <= bound + 1e-6, f"flip {i}: {exact[0]} > {bound}"
        below += bound <= out.objective
    assert below > 0 and none > 0


def test_the_ranking_settles_flips_without_lps() -> None:
    problem = make_problem(1000, 3, 0)
    values, _, stats = verified_ranking(problem, 10, 2)
    assert values == pytest.approx(sequential(problem, 10, 2), rel=1e-9, abs=1e-9)
    assert stats.box_settled > stats.flip_lps
