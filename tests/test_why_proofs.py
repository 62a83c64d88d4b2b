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
import time
from typing import Any

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
from osa_opt.solving import highs_access
from osa_opt.solving.solver import Solver
from osa_opt.solving.status import Outcome, Status

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


def check_why(problem: Problem, exact_limit: int | None,
              time_limit: float | None = None) -> None:
    oracle = BruteForce.from_problem(problem)
    result, solver = solved(problem)
    if result.best is None:
        assert not oracle.feasible
        return
    base = result.best.objective
    funded = set(result.best.fractions)
    why = explain_portfolio(result, solver, exact_limit=exact_limit, time_limit=time_limit)
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
        # a bound: only above the exact limit or once a time limit stopped the re-solves,
        # and never claims more than it proves
        assert rec["basis"] == LP_BOUND
        assert why.timed_out or (why.exact_limit is not None
                                 and len(problem.eligible) > why.exact_limit)
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


@pytest.mark.slow
@SETTINGS
@given(data=st.data())
def test_once_the_time_limit_is_spent_answers_are_proofs_or_true_bounds(
        data: st.DataObject) -> None:
    """``time_limit`` spent from the start: no re-solve, every answer a proof (equal to
    brute force) or a labelled bound that brute force does not contradict."""
    frames = data.draw(instances(RULES, max_projects=9), label="instance")
    check_why(Problem.from_frames(*frames), exact_limit=None, time_limit=1e-9)


def stopped_by_a_time_limit(out: Outcome) -> Outcome:
    """What a time limit makes of a re-solve: its portfolio so far, not proven the best
    (status time_limit, a bound above it), or, when infeasible, nothing found."""
    if out.status == Status.OPTIMAL:
        return Outcome(Status.TIME_LIMIT, objective=out.objective,
                       bound=(out.objective or 0.0) + 1.0, fractions=dict(out.fractions),
                       termination="kTimeLimit")
    if out.status == Status.INFEASIBLE:
        return Outcome(Status.NO_SOLUTION, termination="kTimeLimit")
    return out


@pytest.mark.slow
@SETTINGS
@given(data=st.data())
def test_a_re_solve_stopped_by_a_time_limit_is_never_reported_as_exact(
        data: st.DataObject) -> None:
    """Every forced re-solve stops at a time limit (its incumbent unproven; an infeasible
    forcing finds nothing): no answer says "re-solve", none claims a project cannot be
    forced without a proof, and every bound holds against brute force."""
    frames = data.draw(instances(RULES, max_projects=9), label="instance")
    real = Solver.solve_forced

    def stopping(self: Solver, *args: object, **kwargs: object) -> Outcome:
        return stopped_by_a_time_limit(real(self, *args, **kwargs))

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Solver, "solve_forced", stopping)
        check_why(Problem.from_frames(*frames), exact_limit=None)


def test_the_example_with_its_time_limit_spent_says_so_everywhere(tmp_path) -> None:
    problem = osa_opt.load_problem(overrides={"solver.explain_time_limit": 1e-9})
    result = osa_opt.solve(problem, portfolios=2, explain=True)
    exact = osa_opt.solve(osa_opt.load_problem(), portfolios=2, explain=True)
    why, prices = result.analyses["why"], result.analyses["prices"]
    assert why.solves == 0 and why.timed_out == why.bounded > 0
    assert prices.solves == 0 and prices.timed_out > 0
    for pid, rec in why.records.items():
        ref = exact.analyses["why"].records[pid]
        assert rec["basis"] != RESOLVE
        if rec["basis"] == PROOF:
            assert rec["value_change"] == ref["value_change"]
        elif rec["basis"] == LP_BOUND:
            assert rec["value_change"] >= ref["value_change"] - TOL
            # never tried (the time was spent from the start), and the message says so
            assert "it was not re-solved: solver.explain_time_limit of " in rec["message"]
            assert "had run out" in rec["message"] and "could not" not in rec["message"]
    for rule, row in prices.table.iterrows():
        assert row["basis"] in (PROOF, LP_BOUND, None), rule
        assert row["relaxed_basis"] in (PROOF, LP_BOUND, None), rule
        if row["basis"] == LP_BOUND:
            assert row["gain_if_off"] >= exact.analyses["prices"].table.at[
                rule, "gain_if_off"] - TOL
            # never tried either, in the words of why-in/why-out
            assert ": it was not re-solved: solver.explain_time_limit of " in row["message"]
            assert "had run out" in row["message"] and "could not" not in row["message"]
    data = why.to_dict()
    assert data["time_limit"] == 1e-9 and data["timed_out"] == why.timed_out
    assert prices.to_dict()["timed_out"] == prices.timed_out
    note = next(n for n in result.notes if "ran out of time" in n)
    assert f"{why.timed_out + prices.timed_out} answers" in note
    assert "--set solver.explain_time_limit=600" in note
    assert result.best.project_ids == exact.best.project_ids  # the portfolios are the same


def check_stopped_prices(stopped: Any, exact: Any) -> None:
    """Prices whose re-solves were stopped: counted, none labelled "re-solve", every LP
    bound at least the exact gain, every proof equal to it."""
    assert stopped.timed_out > 0
    for col, basis in (("gain_if_off", "basis"), ("gain_if_relaxed", "relaxed_basis")):
        assert set(stopped.table[basis].dropna()) <= {PROOF, LP_BOUND}
        for rule, row in stopped.table.iterrows():
            want = exact.at[rule, col]
            if row[basis] == LP_BOUND:
                assert row[col] >= want - TOL, (rule, col)
            elif row[basis] == PROOF:
                assert row[col] == pytest.approx(want, abs=TOL), (rule, col)


def test_rule_prices_stopped_by_a_time_limit_fall_back_to_true_lp_bounds(monkeypatch) -> None:
    problem = osa_opt.load_problem()
    result, solver = solved(problem, 1)
    exact = price_rules(result, solver, exact_limit=None).table
    real = Solver.solve_rows
    monkeypatch.setattr(Solver, "solve_rows", lambda self, *a, **k: stopped_by_a_time_limit(
        real(self, *a, **k)))
    stopped = price_rules(result, solver, exact_limit=None, time_limit=600.0)
    check_stopped_prices(stopped, exact)
    bounded = stopped.table[stopped.table["basis"] == LP_BOUND]
    assert len(bounded) > 0
    for message in bounded["message"]:  # tried and stopped, with time left: said so
        assert ("LP bound: it could not be re-solved within solver.time_limit of 60 s per "
                "solve and solver.explain_time_limit of 600 s in all") in message, message
        assert "had run out" not in message
    assert solver.solve_once().objective == pytest.approx(result.best.objective, abs=TOL)


def test_rule_prices_say_whether_a_re_solve_was_stopped_or_never_tried(monkeypatch) -> None:
    """The first re-solve (the FY2026 budget switched off) settles its answer but uses up
    the whole time limit; the questions after it are never tried. Each answer is labelled
    by how it was obtained: the budget's "off" gain stays an exact re-solve while its 10%
    looser gain is an LP bound, and the bounds say the time had run out (as why-in/why-out
    does), not that a re-solve was stopped."""
    problem = osa_opt.load_problem()
    result, solver = solved(problem, 1)
    exact = price_rules(result, solver, exact_limit=None).table
    real = Solver.solve_rows

    def slow_first(self: Solver, *args: object, **kwargs: object) -> Outcome:
        out = real(self, *args, **kwargs)
        if self.solves == solves_before + 1:
            time.sleep(1.1)  # longer than the whole time limit
        return out

    solves_before = solver.solves
    monkeypatch.setattr(Solver, "solve_rows", slow_first)
    prices = price_rules(result, solver, exact_limit=None, time_limit=1.0)
    assert prices.solves == 1 and prices.timed_out > 0
    budget = prices.table.loc["budget[FY2026]"]
    assert budget["basis"] == RESOLVE  # exact, and still said to be
    assert budget["gain_if_off"] == pytest.approx(exact.at["budget[FY2026]", "gain_if_off"],
                                                  abs=TOL)
    assert budget["relaxed_basis"] == LP_BOUND
    assert budget["gain_if_relaxed"] >= exact.at["budget[FY2026]", "gain_if_relaxed"] - TOL
    assert f"costs {budget['gain_if_off']:,.3f} of value" in budget["message"]
    assert f"would gain at most {budget['gain_if_relaxed']:,.3f}" in budget["message"]
    assert budget["message"].endswith(
        "; the 10% looser gain is an LP bound: it was not re-solved: "
        "solver.explain_time_limit of 1 s in all had run out.")
    for rule, row in prices.table.iterrows():
        if LP_BOUND in (row["basis"], row["relaxed_basis"]):
            assert "had run out" in row["message"] and "could not" not in row["message"], rule
        for col, basis in (("gain_if_off", "basis"), ("gain_if_relaxed", "relaxed_basis")):
            if row[basis] == LP_BOUND:
                assert row[col] >= exact.at[rule, col] - TOL, (rule, col)
            elif row[basis] is not None:  # exact: equal
                assert row[col] == pytest.approx(exact.at[rule, col], abs=TOL), (rule, col)


def test_a_price_row_labels_each_gain_by_how_it_was_obtained() -> None:
    """Above the exact limit the example's FY2026 budget switched off has a whole-number LP
    optimum (an exact gain, "proof") while 10% looser has only an LP bound: the row says
    so per gain, never "lp bound" for the exact one, and its words put "at most" before
    the bound alone."""
    problem = osa_opt.load_problem()
    result, solver = solved(problem, 1)
    exact = price_rules(result, solver, exact_limit=None).table.loc["budget[FY2026]"]
    row = price_rules(result, solver, exact_limit=0).table.loc["budget[FY2026]"]
    assert (row["basis"], row["relaxed_basis"]) == (PROOF, LP_BOUND)
    assert row["gain_if_off"] == pytest.approx(exact["gain_if_off"], abs=TOL)
    assert row["gain_if_relaxed"] > exact["gain_if_relaxed"] + 1.0  # a bound, above it
    message = row["message"]
    assert f"costs {row['gain_if_off']:,.3f} of value" in message
    assert "switching it off would gain;" in message  # not "would gain at most"
    assert f"would gain at most {row['gain_if_relaxed']:,.3f}" in message
    assert message.endswith("; the 10% looser gain is an LP bound: with more than 0 "
                            "eligible projects it was not re-solved.")


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
    assert set(exact["basis"].dropna()) | set(exact["relaxed_basis"].dropna()) <= {RESOLVE}
    for rule, row in bound.iterrows():
        ref = exact.loc[rule]
        for col, basis in (("gain_if_off", "basis"), ("gain_if_relaxed", "relaxed_basis")):
            got, want = row[col], ref[col]
            if want is None or (isinstance(want, float) and math.isnan(want)):
                continue  # no portfolio exactly: any bound is fine
            if got is None or (isinstance(got, float) and math.isnan(got)):
                assert col == "gain_if_relaxed"  # not asked: the off gain was proven 0
                continue
            assert row[basis] in (PROOF, LP_BOUND), (rule, col)
            if row[basis] == LP_BOUND:
                assert got >= want - TOL * max(1.0, result.best.objective), (rule, col)
            else:  # proven: exact
                assert got == pytest.approx(want, abs=TOL * max(1.0, result.best.objective))
    assert solver.solve_once().objective == pytest.approx(result.best.objective, abs=TOL)


def test_one_project_whose_re_solve_is_stopped_is_not_known_not_impossible(monkeypatch) -> None:
    """``osa-opt explain P-xx`` re-solves once with the solver's time limit: stopped before
    its proof, the answer says it is not known (never "cannot be"), and says why."""
    from osa_opt.analysis.why import explain_project

    problem = osa_opt.load_problem()
    result, solver = solved(problem, 1)
    out_id = next(str(p) for p in problem.eligible if str(p) not in result.best.fractions)
    real = Solver.solve_forced

    def nothing_found_in_time(self: Solver, *args: object, **kwargs: object) -> Outcome:
        real(self, *args, **kwargs)
        return Outcome(Status.NO_SOLUTION, termination="kTimeLimit")

    monkeypatch.setattr(Solver, "solve_forced", nothing_found_in_time)
    rec = explain_project(result, out_id, solver)
    assert rec["feasible"] is None and rec["value_change"] is None and rec["basis"] is None
    assert rec["message"].startswith("Not funded. What funding it would cost is not known: "
                                     "it could not be re-solved within solver.time_limit of "
                                     "60 s per solve")
    monkeypatch.setattr(Solver, "solve_forced", lambda self, *a, **k: stopped_by_a_time_limit(
        real(self, *a, **k)))
    rec = explain_project(result, out_id, solver)
    assert rec["feasible"] is True and rec["value_change"] is None
    assert "is not known (a portfolio that funds it was found, but not proven the best)" in \
        rec["message"]


def test_rule_prices_on_a_fresh_solver_never_call_a_stopped_re_solve_exact(monkeypatch) -> None:
    """``price_rules(result)`` (``Result.prices()``) builds its own solver: its first
    question loads the model through Pyomo. Every solve stopped by a time limit: no gain
    says "re-solve", every bound holds, and the stops are counted."""
    problem = osa_opt.load_problem()
    result, solver = solved(problem, 1)
    exact = price_rules(result, solver, exact_limit=None).table
    real_once, real_rows = Solver.solve_once, Solver.solve_rows
    monkeypatch.setattr(Solver, "solve_once", lambda self: stopped_by_a_time_limit(
        real_once(self)))
    monkeypatch.setattr(Solver, "solve_rows", lambda self, *a, **k: stopped_by_a_time_limit(
        real_rows(self, *a, **k)))
    stopped = price_rules(result, exact_limit=None)
    check_stopped_prices(stopped, exact)


def test_one_answer_out_of_time_is_one_answer_in_the_note(monkeypatch) -> None:
    """Only the first forced re-solve stopped by a time limit: the run's note counts one
    answer ("1 answer could not be re-solved"), not "1 answers"."""
    real = Solver.solve_forced
    calls = []

    def first_stopped(self: Solver, *args: object, **kwargs: object) -> Outcome:
        calls.append(1)
        out = real(self, *args, **kwargs)
        return stopped_by_a_time_limit(out) if len(calls) == 1 else out

    monkeypatch.setattr(Solver, "solve_forced", first_stopped)
    result = osa_opt.solve(osa_opt.load_problem(), portfolios=1, explain=True)
    why, prices = result.analyses["why"], result.analyses["prices"]
    assert why.timed_out + prices.timed_out == 1
    note = next(n for n in result.notes if "ran out of time" in n)
    assert "ran out of time: 1 answer could not be re-solved within" in note


def test_a_portfolio_a_stopped_re_solve_found_makes_the_forcing_feasible(monkeypatch) -> None:
    """Every forced re-solve stopped by a time limit with its portfolio so far (here the
    true optimum, not proven): a project whose re-solve found a portfolio is feasible
    that way (a known portfolio proves it), never "not known"; a portfolio that reaches
    the LP bound is the exact answer (proof), equal to the unstopped one."""
    problem = osa_opt.load_problem()
    result, solver = solved(problem, 1)
    exact = explain_portfolio(result, solver, exact_limit=None)
    real = Solver.solve_forced
    found: set[str] = set()

    def stopping(self: Solver, states: dict[str, int], *args: object, **kwargs: object
                 ) -> Outcome:
        out = stopped_by_a_time_limit(real(self, states, *args, **kwargs))
        if out.status.has_solution:
            found.update(states)
        return out

    monkeypatch.setattr(Solver, "solve_forced", stopping)
    why = explain_portfolio(result, solver, exact_limit=None)
    assert found
    for pid in found:
        rec, ref = why.records[pid], exact.records[pid]
        assert rec["feasible"] is True, (pid, rec["basis"], rec["message"])
        assert rec["basis"] in (PROOF, LP_BOUND), pid
        if rec["basis"] == PROOF:
            assert rec["value_change"] == pytest.approx(ref["value_change"], abs=TOL), pid
        else:
            assert rec["value_change"] >= ref["value_change"] - TOL, pid


def test_the_headline_counts_answers_the_time_limit_cut_short_on_their_own() -> None:
    """An answer the time limit left unsettled (no LP bound) is not one of the proven ones
    nor of the bounds: the headline counts it by itself."""
    from osa_opt.analysis.why import WhyAnalysis

    why = WhyAnalysis({}, 10.0, [], seconds=1.0, solves=2, proven=3, bounded=0, timed_out=1)
    assert why.headline().endswith("2 re-solves, 3 proven without one; 1 cut short by the "
                                   "time limit")
    why.bounded, why.timed_out = 4, 5
    assert why.headline().endswith("3 proven without one, 4 LP bounds; 5 cut short by the "
                                   "time limit")


def test_a_rule_with_no_answer_off_has_no_answer_looser_either(monkeypatch) -> None:
    """Every re-solve stopped by a time limit (with its portfolio so far) and no LP to fall
    back on: a rule whose "off" gain is not known says nothing of its 10% looser gain (not
    0, "would gain nothing"), and its message says the gain is not known and why, never
    that the solver found no portfolio (it found one)."""
    problem = osa_opt.load_problem()
    result, solver = solved(problem, 1)
    real = Solver.solve_rows
    monkeypatch.setattr(Solver, "solve_rows", lambda self, *a, **k: stopped_by_a_time_limit(
        real(self, *a, **k)))
    monkeypatch.setattr(Solver, "lp_relaxation", lambda self: None)
    stopped = price_rules(result, solver, exact_limit=None)
    assert stopped.timed_out > 0
    for rule, row in stopped.table.iterrows():
        assert row["gain_if_off"] is None or math.isnan(row["gain_if_off"]), rule
        relaxed = row["gain_if_relaxed"]
        assert relaxed is None or math.isnan(relaxed), (rule, relaxed)
        assert "found no portfolio" not in row["message"], rule
        assert ("switching it off would gain is not known (it could not be re-solved within "
                "solver.time_limit of 60 s per solve") in row["message"], row["message"]


def through_pyomo(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """HiGHS's columns out of reach (every re-solve through Pyomo); the list fills with
    Pyomo's time limit at each solve."""
    limits: list[float] = []
    real = Solver.solve_once

    def recording(self: Solver) -> Outcome:
        limits.append(float(self.opt.config.time_limit))
        return real(self)

    monkeypatch.setattr(Solver, "column_map", lambda self: None)
    monkeypatch.setattr(Solver, "solve_once", recording)
    return limits


def test_a_forced_re_solve_through_pyomo_keeps_to_the_time_left(monkeypatch) -> None:
    """When HiGHS's columns cannot be mapped, a forced re-solve goes through Pyomo: it too
    runs for at most the time the explanation has left, and afterwards the solver's own
    time limit is back, in Pyomo and in HiGHS."""
    problem = osa_opt.load_problem()
    result, solver = solved(problem, 1)
    own = solver.time_limit
    limits = through_pyomo(monkeypatch)
    why = explain_portfolio(result, solver, exact_limit=None, time_limit=30.0)
    assert why.solves > 0 and len(limits) == why.solves
    assert max(limits) <= 30.0
    assert solver.time_limit == own
    monkeypatch.undo()
    assert float(highs_access.option_value(solver.highs, "time_limit")) == own


def test_the_lp_s_fallback_re_solves_above_the_exact_limit_keep_to_the_time_left(
        monkeypatch) -> None:
    """Above the exact limit a rule whose HiGHS rows cannot be reached is re-solved through
    Pyomo instead of asked of the LP: on the analysis's clock, like every other re-solve.
    With time left each runs for at most that time; once it is spent none runs, and the
    gains say they were not tried."""
    problem = osa_opt.load_problem()
    result, solver = solved(problem, 1)
    limits = through_pyomo(monkeypatch)
    monkeypatch.setattr(Solver, "rows", lambda self, constraints: None)
    prices = price_rules(result, solver, exact_limit=0, time_limit=30.0)
    assert prices.solves > 0 and len(limits) == prices.solves
    assert max(limits) <= 30.0
    assert set(prices.table["basis"]) == {RESOLVE}  # each re-solve settled: exact
    spent = price_rules(result, solver, exact_limit=0, time_limit=1e-9)
    assert spent.solves == 0 and spent.timed_out == len(spent.table)
    for rule, row in spent.table.iterrows():
        assert row["basis"] is None and row["gain_if_off"] is None, rule
        assert row["message"].endswith(
            "what switching it off would gain is not known (it was not re-solved: "
            "solver.explain_time_limit of 0.000000001 s in all had run out)."), row["message"]
    monkeypatch.undo()
    assert float(highs_access.option_value(solver.highs, "time_limit")) == 60.0


def test_a_round_above_the_exact_limit_that_runs_out_of_time_gets_both_notes(
        monkeypatch) -> None:
    """Bounds because the round is above the exact limit and answers cut short by the time
    limit need different fixes (osa-opt explain for one exact answer; more time): a run
    with both says both."""
    from osa_opt import workflows

    problem = osa_opt.load_problem(overrides={"solver.explain_time_limit": 1e-9})
    eligible = len(problem.eligible)
    monkeypatch.setattr(workflows, "EXACT_LIMIT", eligible - 1)
    monkeypatch.setattr(Solver, "rows", lambda self, constraints: None)  # LP out of reach
    result = workflows.solve(problem, portfolios=1, explain=True)
    why, prices = result.analyses["why"], result.analyses["prices"]
    assert why.bounded > 0 and prices.timed_out > 0
    timed = [n for n in result.notes if "ran out of time" in n]
    limit = [n for n in result.notes if f"(more than {eligible - 1:,})" in n]
    assert len(timed) == 1 and f"{why.timed_out + prices.timed_out} answers" in timed[0]
    assert len(limit) == 1 and f"{why.bounded:,} of {eligible:,} projects" in limit[0]


def test_a_fresh_solver_s_loading_solve_is_not_counted_against_the_time_limit(
        monkeypatch) -> None:
    """``explain_portfolio(result, Solver(problem), time_limit=X)``: the first solve only
    loads the model (here made to take longer than X); X is the explanation's own, so
    re-solves still run after it."""
    problem = osa_opt.load_problem()
    result, _ = solved(problem, 1)
    real = Solver.solve_once

    def slow_load(self: Solver) -> Outcome:
        if self.solves == 0:
            time.sleep(1.5)
        return real(self)

    monkeypatch.setattr(Solver, "solve_once", slow_load)
    why = explain_portfolio(result, Solver(problem), exact_limit=None, time_limit=1.0)
    assert why.solves > 0
    assert why.seconds >= 1.5  # the analysis's own time still includes the load


def test_only_a_proven_optimum_or_infeasibility_settles_a_question() -> None:
    """``Status.settled``: the one test every explanation uses on its re-solves."""
    assert {s for s in Status if s.settled} == {Status.OPTIMAL, Status.INFEASIBLE}


def test_rule_prices_through_pyomo_keep_to_the_time_left(monkeypatch) -> None:
    """A fresh solver's first rule question goes through Pyomo (it loads the model); with
    HiGHS's columns out of reach every one does: each runs for at most the time the
    explanation has left, and afterwards the solver's own time limit is back."""
    problem = osa_opt.load_problem()
    result, _ = solved(problem, 1)
    limits = through_pyomo(monkeypatch)
    solver = Solver(problem)
    prices = price_rules(result, solver, exact_limit=None, time_limit=30.0)
    assert prices.solves > 0 and len(limits) == prices.solves
    assert max(limits) <= 30.0
    assert solver.time_limit == 60.0
    monkeypatch.undo()
    assert float(highs_access.option_value(solver.highs, "time_limit")) == 60.0
