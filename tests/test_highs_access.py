"""The adapter to Pyomo's persistent HiGHS interface (osa_opt.solving.highs_access).

Every private attribute osa-opt reads must exist on the installed Pyomo's ``Highs`` after a
solve: a Pyomo upgrade that renames one fails here, loudly. Without one, the user is
warned by name and told what is slower, and the answers stay the same.
"""

from __future__ import annotations

import re

import highspy
import pyomo.environ as pyo
import pytest

import osa_opt
from osa_opt.solving import highs_access
from osa_opt.solving.highs_access import PRIVATE_ATTRIBUTES, HighsInterfaceWarning
from osa_opt.solving.solver import Solver


@pytest.fixture(scope="module")
def problem():
    return osa_opt.load_problem()


def test_every_private_attribute_the_adapter_reads_exists_after_a_solve(problem) -> None:
    solver = Solver(problem)
    solver.solve_once()
    assert highs_access.missing_attributes(solver.opt) == []
    for name in PRIVATE_ATTRIBUTES:
        assert getattr(solver.opt, name) is not None, name
    assert isinstance(solver.highs, highspy.Highs)
    columns = highs_access.column_vars(solver.opt)
    assert columns is not None
    assert sorted(columns) == list(range(solver.highs.getNumCol()))
    model_vars = {id(v) for v in solver.model.component_data_objects(pyo.Var)}
    assert {id(v) for v in columns.values()} <= model_vars
    assert highs_access.clear_solver(solver.opt) is True


def test_the_adapter_reads_only_the_attributes_it_lists() -> None:
    """No other module of the package reads a private attribute of Pyomo's solver."""
    from pathlib import Path

    package = Path(osa_opt.__file__).parent
    for path in package.rglob("*.py"):
        if path.name == "highs_access.py":
            continue
        text = path.read_text(encoding="utf-8")
        for name in [*PRIVATE_ATTRIBUTES, "clearSolver"]:
            read = re.search(rf"""[.'"]{name}\b""", text)
            assert read is None, f"{path.relative_to(package)} reads {name}"


class Renamed:
    """Pyomo's solver as a release that renamed one private attribute would look to
    osa-opt: Pyomo keeps working (it uses its new name), the old name is gone."""

    def __init__(self, opt: object, gone: str) -> None:
        self.__dict__.update(wrapped=opt, gone=gone)

    def __getattr__(self, name: str) -> object:
        if name == self.__dict__["gone"]:
            raise AttributeError(name)
        return getattr(self.__dict__["wrapped"], name)


ROW_MAP = "_pyomo_con_to_solver_con_map"  # read by the rule prices only


@pytest.mark.parametrize("missing", sorted(set(PRIVATE_ATTRIBUTES) - {ROW_MAP}))
def test_a_missing_attribute_warns_by_name_and_the_ranking_is_unchanged(
        problem, missing: str) -> None:
    expected = [o.objective for o in Solver(problem).ranked(3, 2)]
    solver = Solver(problem)
    solver.opt = Renamed(solver.opt, missing)
    with pytest.warns(HighsInterfaceWarning, match=f"'{missing}'.*slower") as caught:
        got = [o.objective for o in solver.ranked(3, 2)]
    assert "Pyomo" in str(caught[0].message)
    assert got == pytest.approx(expected)


def test_without_the_highs_instance_robustness_is_told_it_cannot_clear(problem) -> None:
    solver = Solver(problem)
    solver.opt = Renamed(solver.opt, "_solver_model")
    solver.solve_once()
    with pytest.warns(HighsInterfaceWarning, match="robustness samples are not solved from a "
                                                   "cleared HiGHS state"):
        solver.clear()


def test_fixing_in_highs_equals_fixing_in_pyomo_and_restores_the_bounds(problem) -> None:
    """Every project forced the other way through HiGHS's column bounds re-solves to the
    value of the same force through Pyomo, even right after a Pyomo unfix still waiting to
    be sent (Pyomo would otherwise send it over the bounds); the bounds come back after."""
    import numpy as np

    solver = Solver(problem)
    best = solver.solve_once()
    highs = solver.highs
    projects = [str(p) for p in problem.eligible]
    cols = np.array(highs_access.columns_of(solver.opt, [solver.model.x[p] for p in projects]),
                    dtype=np.int32)
    before = highs.getCols(len(cols), cols)
    for p in projects[:12]:
        state = 0 if p in best.fractions else 1
        with solver.fixed({p: state}):
            by_pyomo = solver.solve_once()
        with solver.fixed_in_highs({p: state}):  # the unfix above is still pending here
            by_highs = solver.solve_once()
        assert (p in by_highs.fractions) == bool(state)
        assert by_highs.objective == pytest.approx(by_pyomo.objective, abs=1e-6)
    after = highs.getCols(len(cols), cols)
    assert np.array_equal(before[3], after[3]) and np.array_equal(before[4], after[4])
    assert not any(v.fixed for v in solver.model.x.values())
    assert solver.solve_once().objective == pytest.approx(best.objective, abs=1e-6)


def test_without_the_row_map_bounded_prices_warn_and_are_re_solved_exactly(problem) -> None:
    from osa_opt.analysis.baseline import result_from_outcomes
    from osa_opt.analysis.prices import price_rules

    solver = Solver(problem)
    result = result_from_outcomes(problem, solver, solver.ranked(1, 1), 0.0)
    exact = price_rules(result, solver, exact_limit=None).table
    solver.opt = Renamed(solver.opt, ROW_MAP)
    with pytest.warns(HighsInterfaceWarning, match=f"'{ROW_MAP}'.*slower"):
        fallback = price_rules(result, solver, exact_limit=0).table
    assert set(fallback["basis"]) == {"re-solve"}
    assert fallback["gain_if_off"].tolist() == pytest.approx(exact["gain_if_off"].tolist())


def _scheduler_started_with_two_threads() -> None:
    """What a notebook user's own highspy solve leaves behind: HiGHS's one thread scheduler
    of the process started with 2 threads (osa-opt's solves ask for 1)."""
    highspy.Highs.resetGlobalScheduler(True)
    other = highspy.Highs()
    other.setOptionValue("output_flag", False)
    other.setOptionValue("threads", 2)
    other.addVar(0.0, 1.0)
    other.changeColCost(0, -1.0)
    assert other.run() == highspy.HighsStatus.kOk


def test_a_scheduler_started_with_other_threads_is_reset_not_a_failed_solve(problem) -> None:
    """HiGHS refuses a solve whose ``threads`` differs from the scheduler's; every run of
    osa-opt (the MIPs, the LP bound of the ranking, the LP relaxation of the explanations)
    resets the scheduler then and runs again: the same answers as in a fresh process."""
    from osa_opt.solving.lp_relaxation import LpRelaxation

    expected = osa_opt.solve(problem, portfolios=3, explain=True)
    _scheduler_started_with_two_threads()
    refused = highspy.Highs()
    refused.setOptionValue("output_flag", False)
    refused.setOptionValue("threads", 1)
    refused.addVar(0.0, 1.0)
    refused.run()
    assert highs_access.scheduler_refused(refused)  # what a plain run does: nothing
    highs_access.admitted(refused)
    assert refused.getModelStatus() == highspy.HighsModelStatus.kOptimal

    _scheduler_started_with_two_threads()
    got = osa_opt.solve(problem, portfolios=3, explain=True)
    assert got.status == expected.status == osa_opt.Status.OPTIMAL
    assert [p.objective for p in got.portfolios] == [p.objective for p in expected.portfolios]
    assert [p.fractions for p in got.portfolios] == [p.fractions for p in expected.portfolios]
    assert got.analyses["why"].tables()["why"].equals(expected.analyses["why"].tables()["why"])

    solver = Solver(problem)
    solver.solve_once()
    _scheduler_started_with_two_threads()
    lp = LpRelaxation.of(solver.highs)
    assert lp is not None and lp.value == pytest.approx(
        LpRelaxation.of(solver.highs).value)  # type: ignore[union-attr]


def test_a_policy_of_two_threads_keeps_one_scheduler_through_the_explanations(
        problem, monkeypatch) -> None:
    """``solver.threads`` 2: the LP relaxation of the explanations asks the MIP's thread
    count, so HiGHS's scheduler is made once (it was reset at every other run, 63 times on
    the shipped example, as the copy asked for 1 thread beside the MIP's 2), with the
    answers of 1 thread."""
    expected = osa_opt.solve(problem, portfolios=3, explain=True)
    resets = []
    reset = highspy.Highs.resetGlobalScheduler
    monkeypatch.setattr(highspy.Highs, "resetGlobalScheduler",
                        staticmethod(lambda blocking: resets.append(reset(blocking))))
    two = problem.with_policy(overrides={"solver.threads": 2})
    got = osa_opt.solve(two, portfolios=3, explain=True)
    assert len(resets) <= 1  # the switch from the solves of 1 thread before
    assert [p.fractions for p in got.portfolios] == [p.fractions for p in expected.portfolios]
    assert got.analyses["why"].tables()["why"].equals(expected.analyses["why"].tables()["why"])
    monkeypatch.undo()
    highspy.Highs.resetGlobalScheduler(True)  # the other tests' solves ask for 1 thread
