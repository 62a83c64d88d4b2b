"""The pool of feasible portfolios HiGHS meets during a ranking (osa_opt.solving.pool).

What it offers the next re-solve must be a true portfolio of the model that differs enough
from every portfolio found so far, so its value can only be at or below the next
portfolio's: checked against the ranking on plain cuts, and against brute force (the
rankings with the pool at work equal enumeration, tests/test_model_bruteforce.py and
tests/test_value_bound.py). HiGHS must take it as its starting incumbent.
"""

from __future__ import annotations

import io

import numpy as np
import pyomo.environ as pyo
import pytest

import osa_opt
from osa_opt.solving import highs_access
from osa_opt.solving.pool import PortfolioPool
from osa_opt.solving.solver import Solver


def synthetic(n: int, years: int, seed: int) -> osa_opt.Problem:
    from benchmarks.synthetic import make_problem

    return make_problem(n, years, seed)


def offers(problem: osa_opt.Problem, count: int, min_difference: int,
           monkeypatch: pytest.MonkeyPatch) -> tuple[list[float], list[tuple[float, np.ndarray]]]:
    """The values of a ranking and what the pool offered after each portfolio."""
    offered: list[tuple[float, np.ndarray]] = []
    original = PortfolioPool.best

    def spy(self: PortfolioPool) -> tuple[float, np.ndarray] | None:
        best = original(self)
        if best is not None:
            offered.append(best)
            # the offer is a portfolio apart from every found one
            funded = best[1][self._x_cols] >= 0.5
            for found in self.portfolios:
                assert np.count_nonzero(funded != found) >= self.min_difference
        return best

    monkeypatch.setattr(PortfolioPool, "best", spy)
    # the re-solves' loop (the checked ranks would offer only after the ranks they prove)
    outcomes = Solver(problem).ranked(count, min_difference, checked=False)
    return [o.objective for o in outcomes], offered


@pytest.mark.parametrize(("n", "years", "seed", "min_difference"),
                         [(300, 2, 0, 2), (200, 3, 1, 1), (400, 2, 2, 3)])
def test_what_the_pool_offers_is_a_lower_bound_on_the_next_portfolio(
        n: int, years: int, seed: int, min_difference: int,
        monkeypatch: pytest.MonkeyPatch) -> None:
    problem = synthetic(n, years, seed)
    values, offered = offers(problem, 6, min_difference, monkeypatch)
    plain = [o.objective for o in Solver(problem).ranked(6, min_difference, floor=False)]
    assert values == pytest.approx(plain, rel=1e-9, abs=1e-6)
    assert offered, "HiGHS reported solutions to pool"
    # an offer made after portfolio k is worth at most portfolio k+1 (it is feasible there)
    solver = Solver(problem)
    lp = None
    for value, columns in offered:
        assert value <= values[0] + 1e-6
        assert any(value <= v + 1e-6 for v in values[1:])
        if lp is None:
            solver.solve_once()
            lp = solver.highs.getLp()
        assert value == pytest.approx(float(np.dot(lp.col_cost_, columns)) + lp.offset_)


def test_the_pool_offers_the_next_portfolio_after_the_first_on_a_round() -> None:
    """1,000×3: HiGHS's first solve reports about a hundred solutions, and the best one
    apart from portfolio 1 is within a few thousandths of portfolio 2."""
    problem = synthetic(1000, 3, 0)
    solver = Solver(problem)
    pool = PortfolioPool(solver.opt, solver.model, 2)
    with highs_access.recording_solutions(solver.opt, pool.record):
        first = solver.solve_once()
    assert pool.recorded > 1
    pool.found(first.funded_ids)
    best = pool.best()
    assert best is not None
    second = Solver(problem).ranked(2, 2, floor=False)[1].objective
    assert second - 0.01 * abs(second) <= best[0] <= second + 1e-9


def test_a_start_is_highs_incumbent_from_the_first_node() -> None:
    problem = osa_opt.load_problem()
    solver = Solver(problem)
    first = solver.solve_once()
    columns = np.array(solver.highs.getSolution().col_value)
    assert highs_access.mip_start(solver.opt, columns)
    m = solver.model  # a row added (as a ranking's cut is): Pyomo sends it before the solve
    m.extra = pyo.Constraint(expr=m.x[sorted(first.funded_ids)[0]] <= 1)
    log = io.StringIO()
    solver.opt.config.tee = [log]
    again = solver.solve_once()
    assert "MIP start solution is feasible" in log.getvalue()
    assert again.objective == pytest.approx(first.objective)
    assert solver.opt.start is None  # used once
