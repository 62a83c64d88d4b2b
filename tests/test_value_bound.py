"""The LP value bound and the floor that confines ranked re-solves (osa_opt.solving.value_bound).

The bound must hold for every feasible point (checked by maximizing its violation over the
whole model), be as tight as the LP relaxation, and the floor must never change a ranking:
with a floor far too high (widened again and again), dropped at once, or off altogether,
the ranked portfolios equal brute force and each other.
"""

from __future__ import annotations

import pyomo.environ as pyo
import pytest
from bruteforce import RULES, instances
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_model_bruteforce import assert_matches_bruteforce, problem_of

import osa_opt
from osa_opt.inputs.problem import Problem
from osa_opt.model import build_model
from osa_opt.result import Status
from osa_opt.solving import value_bound
from osa_opt.solving.highs_access import HighsInterfaceWarning
from osa_opt.solving.pool import PortfolioPool
from osa_opt.solving.solver import Outcome, Solver
from osa_opt.solving.value_bound import (
    POOLED_OPTIONS,
    RESOLVE_OPTIONS,
    NearOptimalFloor,
    lp_value_bound,
)

SETTINGS = settings(deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def synthetic(n: int, years: int, seed: int) -> Problem:
    from benchmarks.synthetic import make_problem

    return make_problem(n, years, seed)


def check_bound(problem: Problem) -> None:
    """The bound's worst violation over the feasible set is 0; its best value is the LP's."""
    solver = Solver(problem)
    best = solver.solve_once()
    assert best.status == Status.OPTIMAL or best.status == Status.INFEASIBLE
    if best.status == Status.INFEASIBLE:
        return
    bound = lp_value_bound(solver.opt)
    assert bound is not None
    assert bound.lp_value >= best.objective - 1e-6
    # tight: at its best over the variables' box the bound is the LP optimum (duality)
    top = bound.constant + sum(max(d * (v.lb or 0.0), d * v.ub) for v, d in bound.terms)
    assert top == pytest.approx(bound.lp_value, rel=1e-7, abs=1e-6)
    # valid: no feasible point, integral or not in its continuous parts, exceeds it
    m = build_model(problem)
    twin = {id(v): m.find_component(v.name) for v, _ in bound.terms}
    m.value.deactivate()
    m.violation = pyo.Objective(
        expr=m.value.expr - bound.constant - sum(d * twin[id(v)] for v, d in bound.terms),
        sense=pyo.maximize)
    worst = Solver(problem, m).solve_once()
    assert worst.status == Status.OPTIMAL
    assert worst.objective <= 1e-6 * max(1.0, abs(best.objective))


def test_bound_holds_and_is_tight_on_the_example() -> None:
    check_bound(osa_opt.load_problem())


@pytest.mark.parametrize(("n", "years", "seed"), [(60, 1, 0), (200, 2, 0), (300, 3, 1)])
def test_bound_holds_and_is_tight_on_synthetic_rounds(n: int, years: int, seed: int) -> None:
    check_bound(synthetic(n, years, seed))


@pytest.mark.slow
@settings(SETTINGS, max_examples=25)
@given(data=st.data())
def test_bound_holds_on_random_rounds(data: st.DataObject) -> None:
    frames = data.draw(instances(RULES, max_projects=12), label="instance")
    check_bound(problem_of(frames))


# ---------------------------------------------------------------------- the floor in a ranking
@pytest.fixture
def floors(monkeypatch: pytest.MonkeyPatch) -> list[NearOptimalFloor]:
    """Every floor a ranking puts up, to look at afterwards."""
    made: list[NearOptimalFloor] = []
    original = NearOptimalFloor.__init__

    def spy(self: NearOptimalFloor, *args: object) -> None:
        original(self, *args)
        made.append(self)

    monkeypatch.setattr(NearOptimalFloor, "__init__", spy)
    return made


def floor_on(solver: Solver, best: float) -> NearOptimalFloor | None:
    """The floor a ranking puts up after portfolio 1, on this solver's model."""
    return NearOptimalFloor.add(solver.model, lp_value_bound(solver.opt), best, solver.solve_once)


def tight_floors(mp: pytest.MonkeyPatch) -> None:
    """Floors just under the previous portfolio, put up whatever they fix."""
    mp.setattr(value_bound, "FIRST_MARGIN", 1e-9)
    mp.setattr(value_bound, "STEP_MARGIN", 1e-9)
    mp.setattr(value_bound, "MIN_MARGIN", 1e-9)
    mp.setattr(value_bound, "MIN_FIXED_SHARE", 0.0)


@pytest.mark.slow
@pytest.mark.parametrize("min_difference", [1, 2, 3])
@settings(SETTINGS, max_examples=15)
@given(data=st.data())
def test_a_floor_far_too_high_is_widened_and_the_ranking_stays_exact(
        min_difference: int, data: st.DataObject) -> None:
    frames = data.draw(instances(RULES, max_projects=12), label="instance")
    with pytest.MonkeyPatch.context() as mp:
        tight_floors(mp)
        mp.setattr(value_bound, "WIDEN", 10.0)
        mp.setattr(value_bound, "MAX_WIDENINGS", 20)
        assert_matches_bruteforce(problem_of(frames), count=5, min_difference=min_difference)


@pytest.mark.slow
@settings(SETTINGS, max_examples=15)
@given(data=st.data())
def test_a_floor_dropped_at_once_keeps_the_ranking_exact(data: st.DataObject) -> None:
    frames = data.draw(instances(RULES, max_projects=12), label="instance")
    min_difference = data.draw(st.sampled_from([1, 2, 3]), label="min_difference")
    with pytest.MonkeyPatch.context() as mp:
        tight_floors(mp)
        mp.setattr(value_bound, "MAX_WIDENINGS", 0)
        assert_matches_bruteforce(problem_of(frames), count=5, min_difference=min_difference)


def test_the_floor_widens_when_it_must(floors: list[NearOptimalFloor],
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """The example with a floor at the best value: portfolio 2 lies below it, so the floor
    widens (and the ranking equals the one without a floor)."""
    problem = osa_opt.load_problem()
    tight_floors(monkeypatch)
    monkeypatch.setattr(PortfolioPool, "best", lambda self: None)  # no known lower bound
    widened = Solver(problem).ranked(5, 2, checked=False)  # the re-solves' loop
    assert len(floors) == 1 and floors[0].widenings >= 3
    plain = Solver(problem).ranked(5, 2, floor=False)
    assert [o.funded_ids for o in widened] == [o.funded_ids for o in plain]
    assert [o.objective for o in widened] == pytest.approx([o.objective for o in plain])


def test_a_known_portfolio_stops_the_widening_at_its_value(
        floors: list[NearOptimalFloor], monkeypatch: pytest.MonkeyPatch) -> None:
    """The same floors far too high, with the pool's portfolios known: a floor that misses
    drops straight to the best known portfolio apart from the found ones, which is in
    reach, so such a next portfolio costs at most two re-solves."""
    problem = osa_opt.load_problem()
    tight_floors(monkeypatch)
    solver = Solver(problem)
    costs: list[tuple[bool, int]] = []  # (a portfolio was known, re-solves)
    original = NearOptimalFloor.solve_next

    def solve_next(self: NearOptimalFloor) -> Outcome:
        known, before = self.lower is not None, solver.solves
        out = original(self)
        costs.append((known, solver.solves - before))
        return out

    monkeypatch.setattr(NearOptimalFloor, "solve_next", solve_next)
    widened = solver.ranked(5, 2, checked=False)  # the re-solves' loop
    assert len(floors) == 1
    assert any(known and n == 2 for known, n in costs)  # missed, then dropped to it
    assert all(n <= 2 for known, n in costs if known)
    plain = Solver(problem).ranked(5, 2, floor=False)
    assert [o.funded_ids for o in widened] == [o.funded_ids for o in plain]
    assert [o.objective for o in widened] == pytest.approx([o.objective for o in plain])


@pytest.mark.slow
@pytest.mark.parametrize(("n", "years", "seed", "min_difference"),
                         [(300, 2, 1, 2), (400, 3, 1, 1), (250, 1, 3, 4)])
def test_floor_and_plain_cuts_give_the_same_ranking(
        n: int, years: int, seed: int, min_difference: int,
        floors: list[NearOptimalFloor]) -> None:
    problem = synthetic(n, years, seed)
    confined = Solver(problem).ranked(8, min_difference)
    assert len(floors) == 1  # the floor was used
    plain = Solver(problem).ranked(8, min_difference, floor=False)
    assert len(floors) == 1  # and not with floor=False
    assert len(confined) == len(plain) == 8
    assert [o.objective for o in confined] == pytest.approx([o.objective for o in plain],
                                                            rel=1e-9, abs=1e-6)
    assert all(o.status == Status.OPTIMAL and o.gap == 0.0 for o in confined)


def test_the_ranking_leaves_model_and_solver_as_they_were(floors: list[NearOptimalFloor]
                                                          ) -> None:
    problem = osa_opt.load_problem()
    solver = Solver(problem)
    first = solver.solve_once().objective
    highs = solver.highs
    keys = RESOLVE_OPTIONS | POOLED_OPTIONS  # the ranking of 4 runs the pool
    before = {key: highs.getOptionValue(key)[1] for key in keys}
    rows_before = highs.getNumRow()
    solver.ranked(4, 1)
    assert floors, "the floor was used"
    assert solver.model.component(NearOptimalFloor.ROW) is None
    assert solver.model.component(NearOptimalFloor.ROW + "_level") is None
    assert {key: highs.getOptionValue(key)[1] for key in keys} == before
    assert not set(keys) & set(solver.opt.config.solver_options)
    assert solver.solve_once().objective == pytest.approx(first, abs=1e-9)
    assert highs.getNumRow() == rows_before


def test_a_time_limited_resolve_reports_a_bound_no_lower_than_the_floor(
        floors: list[NearOptimalFloor], monkeypatch: pytest.MonkeyPatch) -> None:
    """What the floor row cut off is worth less than the floor, so the honest bound of a
    re-solve stopped by the time limit is at least the floor."""
    problem = osa_opt.load_problem()
    solver = Solver(problem)
    best = solver.solve_once()
    floor = floor_on(solver, best.objective)
    assert floor is not None
    low = floor.floor - 1.0
    monkeypatch.setattr(floor, "solve", lambda: Outcome(
        Status.TIME_LIMIT, objective=low, bound=low + 0.5, seconds=0.1))
    out = floor.solve_next()
    assert out.status == Status.TIME_LIMIT
    assert out.bound == pytest.approx(floor.floor)
    assert out.gap == pytest.approx((floor.floor - low) / low)
    floor.remove()


def test_a_floor_that_would_fix_little_is_not_put_up(monkeypatch: pytest.MonkeyPatch) -> None:
    """100 projects, one year: the LP bound is 3% above the best, far above most reduced
    costs, so a floor would fix almost nothing and only slow the re-solves."""
    problem = synthetic(100, 1, 0)
    solver = Solver(problem)
    best = solver.solve_once()
    assert floor_on(solver, best.objective) is None
    monkeypatch.setattr(value_bound, "MIN_FIXED_SHARE", 0.0)
    floor = floor_on(solver, best.objective)
    assert floor is not None
    floor.remove()


def test_a_widened_floor_reaches_highs() -> None:
    """The floor's level is a mutable parameter: lowering it changes the row HiGHS solves
    (without this, a widening would silently re-solve the same MIP)."""
    problem = osa_opt.load_problem()
    solver = Solver(problem)
    best = solver.solve_once()
    floor = floor_on(solver, best.objective)
    assert floor is not None
    solver.solve_once()
    highs = solver.highs
    assert highs.getLp().row_lower_[-1] == pytest.approx(floor.level.value)
    before = floor.level.value
    floor.distance *= value_bound.WIDEN
    floor.level.set_value(floor._level())
    solver.solve_once()
    assert floor.level.value < before
    assert highs.getLp().row_lower_[-1] == pytest.approx(floor.level.value)
    floor.remove()


def test_without_pyomo_internals_the_ranking_falls_back_to_plain_cuts(
        floors: list[NearOptimalFloor], monkeypatch: pytest.MonkeyPatch) -> None:
    """The bound reads private attributes of Pyomo's HiGHS interface; if a Pyomo release
    renames them there is no floor, the user is told so, and the ranking is the same, only
    slower."""
    with pytest.warns(HighsInterfaceWarning, match="'_solver_model'.*plain no-good cuts"):
        assert lp_value_bound(object()) is None
    problem = osa_opt.load_problem()
    expected = [o.objective for o in Solver(problem).ranked(4, 2)]
    assert len(floors) == 1
    monkeypatch.setattr(value_bound, "lp_value_bound", lambda opt: None)
    got = [o.objective for o in Solver(problem).ranked(4, 2)]
    assert len(floors) == 1  # no new floor
    assert got == pytest.approx(expected)
