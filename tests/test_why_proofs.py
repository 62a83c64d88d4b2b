"""Explanations answered without a MIP re-solve agree with the re-solve and brute force.

On random small instances (``bruteforce.instances``, every rule family) each project's
forced value is checked three ways: the brute-force oracle, the old exact path (Pyomo's
fix and a whole ``solve_once`` per project) and ``explain_portfolio`` — exact (re-solves
through HiGHS's column bounds, proofs from known portfolios and the LP) and above the exact
limit (``exact_limit=0``: labelled LP bounds, never claiming more than they prove). Rule
prices likewise: bounds at least the exact gain, proofs equal to it.
"""

from __future__ import annotations

import math

import pytest
from bruteforce import RULES, BruteForce, instances
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import osa_opt
from osa_opt.analysis.baseline import result_from_outcomes
from osa_opt.analysis.prices import price_rules
from osa_opt.analysis.why import explain_portfolio
from osa_opt.analysis.why_proofs import LP_BOUND, PROOF, RESOLVE
from osa_opt.inputs.problem import Problem
from osa_opt.solving.solver import Solver

SETTINGS = settings(deadline=None, derandomize=True, database=None, max_examples=25,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
TOL = 1e-6


def solved(problem: Problem, portfolios: int = 3) -> tuple[osa_opt.Result, Solver]:
    solver = Solver(problem)
    outcomes = solver.ranked(portfolios, 1)
    return result_from_outcomes(problem, solver, outcomes, 0.0), solver


def old_exact(solver: Solver, pid: str, state: int) -> float | None:
    """The answer before this change: fix x[p] in Pyomo, a whole solve through Pyomo."""
    with solver.fixed({pid: state}):
        out = solver.solve_once()
    return float(out.objective) if out.status.has_solution and out.objective is not None \
        else None


def close(a: float, b: float) -> bool:
    return abs(a - b) <= TOL * max(1.0, abs(b))


def check_why(problem: Problem, exact_limit: int | None) -> None:
    oracle = BruteForce.from_problem(problem)
    result, solver = solved(problem)
    if result.best is None:
        assert not oracle.feasible
        return
    base = result.best.objective
    funded = set(result.best.fractions)
    why = explain_portfolio(result, solver, exact_limit=exact_limit)
    mandatory = {str(p) for p in problem.mandatory}
    for pid in oracle.ids:
        rec = why.records[pid]
        state = 0 if pid in funded else 1
        truth = oracle.forced(pid, funded=bool(state))
        old = old_exact(solver, pid, state)
        assert (truth is None) == (old is None), pid  # the old path agrees with the oracle
        if truth is not None:
            assert close(old, truth.value), (pid, old, truth.value)
        if pid in mandatory and state == 0:
            assert rec["feasible"] is False and rec["basis"] is None
            continue
        if rec["basis"] in (RESOLVE, PROOF):  # exact: equal to the re-solve
            if truth is None:
                assert rec["feasible"] is False and rec["value_change"] is None, pid
                continue
            assert rec["feasible"] is True, pid
            assert close(base + rec["value_change"], truth.value), (pid, rec, truth.value)
            # the moves describe a feasible portfolio worth exactly the forced optimum
            moved = (funded - set(rec["displaced"])) | set(rec["replaced_by"])
            moved = moved | {pid} if state else moved - {pid}
            assert frozenset(moved) == truth.ids, (pid, sorted(moved), sorted(truth.ids))
            continue
        # a bound: only above the exact limit, and never claims more than it proves
        assert rec["basis"] == LP_BOUND and why.exact_limit is not None
        assert len(problem.eligible) > why.exact_limit
        assert truth is None or base + rec["value_change"] >= truth.value - TOL * abs(base), \
            (pid, rec["value_change"], truth.value - base)
        assert rec["displaced"] == [] and rec["replaced_by"] == []
        assert "at least" in rec["message"] or "possibly nothing" in rec["message"]
        assert rec["feasible"] in (True, None) and (truth is not None or rec["feasible"] is None)
    assert why.solves + why.proven + why.bounded == len(oracle.ids) - len(
        mandatory & set(funded))
    assert solver.solve_once().objective == pytest.approx(base, abs=TOL)  # model restored


@pytest.mark.slow
@SETTINGS
@given(data=st.data())
def test_exact_explanations_equal_brute_force_and_the_old_re_solve(data: st.DataObject) -> None:
    frames = data.draw(instances(RULES, max_projects=9), label="instance")
    check_why(Problem.from_frames(*frames), exact_limit=None)


@pytest.mark.slow
@SETTINGS
@given(data=st.data())
def test_bounds_above_the_exact_limit_are_consistent_with_brute_force(
        data: st.DataObject) -> None:
    frames = data.draw(instances(RULES, max_projects=9), label="instance")
    check_why(Problem.from_frames(*frames), exact_limit=0)


def test_direct_re_solve_equals_pyomo_re_solve_on_the_example() -> None:
    problem = osa_opt.load_problem()
    result, solver = solved(problem, 1)
    funded = result.best.fractions
    for pid in [str(p) for p in problem.eligible]:
        state = 0 if pid in funded else 1
        direct = solver.solve_forced({pid: state})
        with solver.fixed({pid: state}):
            pyomo = solver.solve_once()
        assert direct.status == pyomo.status, pid
        if pyomo.objective is not None:
            assert direct.objective == pytest.approx(pyomo.objective, abs=TOL)
            assert solver.fractions_of  # the same reader for both
            assert direct.fractions.keys() == pyomo.fractions.keys() or \
                direct.objective == pytest.approx(pyomo.objective, abs=TOL)
    assert solver.solve_once().objective == pytest.approx(result.best.objective, abs=TOL)


def test_example_bounds_and_exact_agree_where_both_exact() -> None:
    """On the example (38 projects) the bound path's proofs equal the exact path's values,
    its bounds never overstate, and every output labels them."""
    problem = osa_opt.load_problem()
    result, solver = solved(problem, 5)
    exact = explain_portfolio(result, solver, exact_limit=None)
    bounds = explain_portfolio(result, solver, exact_limit=0)
    assert bounds.solves == 0 and bounds.bounded > 0
    for pid, rec in bounds.records.items():
        ref = exact.records[pid]
        assert ref["basis"] in (RESOLVE, PROOF, None)
        if rec["basis"] == PROOF:
            assert rec["value_change"] == ref["value_change"] or (
                rec["value_change"] is None and ref["feasible"] is False)
        elif rec["basis"] == LP_BOUND:
            assert rec["value_change"] >= ref["value_change"] - TOL
            assert "LP bound" in rec["message"]
    table = bounds.table
    assert set(table["basis"].dropna()) <= {PROOF, LP_BOUND}
    data = bounds.to_dict()
    assert data["bounded"] == bounds.bounded and data["exact_limit"] == 0
    assert all("basis" in r for r in data["projects"])


@pytest.mark.slow
@SETTINGS
@given(data=st.data())
def test_price_bounds_hold_and_proofs_are_exact(data: st.DataObject) -> None:
    frames = data.draw(instances(RULES, max_projects=8), label="instance")
    problem = Problem.from_frames(*frames)
    result, solver = solved(problem, 1)
    if result.best is None:
        return
    exact = price_rules(result, solver, exact_limit=None).table
    bound = price_rules(result, solver, exact_limit=0).table
    assert set(exact["basis"].dropna()) <= {RESOLVE}
    for rule, row in bound.iterrows():
        ref = exact.loc[rule]
        for col in ("gain_if_off", "gain_if_relaxed"):
            got, want = row[col], ref[col]
            if want is None or (isinstance(want, float) and math.isnan(want)):
                continue  # no portfolio exactly: any bound is fine
            if got is None or (isinstance(got, float) and math.isnan(got)):
                assert col == "gain_if_relaxed"  # not asked: the off gain was proven 0
                continue
            if row["basis"] == LP_BOUND:
                assert got >= want - TOL * max(1.0, result.best.objective), (rule, col)
            else:  # proven: exact
                assert got == pytest.approx(want, abs=TOL * max(1.0, result.best.objective))
    assert solver.solve_once().objective == pytest.approx(result.best.objective, abs=TOL)
