"""HiGHS 1.16's enumeration presolve (bit 16 of ``presolve_rule_off``) misjudges feasibility
on small, ordinary osa-opt models, so osa-opt switches it off for every solve
(``osa_opt.solving.highs_access.SOLVE_OPTIONS``). Found by tests/test_docs_model.py (the
model re-implemented from the docs, on medium rounds):

- a ranking's re-solve (portfolios 1 and 2 cut off, the floor row at 232.29) that a
  portfolio worth 235.08 meets was called infeasible; given the pool's start (232.29), HiGHS
  returned the start as optimal, so portfolio 3 came back worth 232.29 and portfolio 4
  worth 235.08, more than portfolio 3 (``corpus/enumeration_ranking``, the model as HiGHS
  held it in ``corpus/highs_enumeration_ranking.mps``);
- an infeasible round (at least two partners, at most one) ended in ``kSolveError``, so
  osa-opt said "The solver failed" instead of naming the conflicting rules
  (``corpus/enumeration_infeasible``, ``corpus/highs_enumeration_infeasible.mps``).

With the rule off, HiGHS's presolve can still end a model in ``kSolveError`` (a postsolved
point that breaks a row): osa-opt then solves it again without presolve
(``highs_access.solve_error``), which the last two tests keep.
"""

from __future__ import annotations

from pathlib import Path

import highspy
import pytest

import osa_opt
from osa_opt.solving import highs_access

CORPUS = Path(__file__).parent / "corpus"


def _solve_mps(name: str) -> highspy.Highs:
    with highs_access.stdout_to_stderr():
        highs = highspy.Highs()
    highs.setOptionValue("output_flag", False)
    for key, value in {"mip_rel_gap": 0.0, "threads": 1, "random_seed": 0,
                       **highs_access.SOLVE_OPTIONS}.items():
        highs.setOptionValue(key, value)
    highs.readModel(str(CORPUS / name))
    highs.run()
    return highs


def test_highs_with_osa_opts_options_finds_the_re_solves_optimum() -> None:
    highs = _solve_mps("highs_enumeration_ranking.mps")
    assert highs.getModelStatus() == highspy.HighsModelStatus.kOptimal
    assert highs.getInfo().objective_function_value == pytest.approx(235.077456875, abs=1e-6)


def test_highs_with_osa_opts_options_proves_the_infeasible_model_infeasible() -> None:
    highs = _solve_mps("highs_enumeration_infeasible.mps")
    assert highs.getModelStatus() == highspy.HighsModelStatus.kInfeasible


def test_ranked_portfolios_are_the_true_next_ones_and_never_worth_more() -> None:
    folder = CORPUS / "enumeration_ranking"
    problem = osa_opt.load_problem(folder, policy=folder / "policy.toml")
    result = osa_opt.solve(problem, portfolios=5)
    values = [p.objective for p in result.portfolios]
    # the ranking on plain cuts (floor=False), and the docs' own MIP, give these
    assert values == pytest.approx([235.192119497, 235.155774329, 235.077456875,
                                    234.957246805, 234.804282765], abs=1e-6)
    assert values == sorted(values, reverse=True)


def test_an_infeasible_round_is_diagnosed_not_a_solver_failure() -> None:
    folder = CORPUS / "enumeration_infeasible"
    problem = osa_opt.load_problem(folder, policy=folder / "policy.toml")
    result = osa_opt.solve(problem, portfolios=1)
    assert str(result.status.value) == "infeasible"
    assert [d["policy_key"] for d in result.diagnosis] == ["priority.min_countries"]


def test_a_solve_error_is_solved_again_without_presolve() -> None:
    """HiGHS 1.16's presolve reduces this re-solve (portfolio 1 cut off at min_difference 5)
    to an empty model with the right optimum, 19.6875, then postsolves it into a point that
    breaks a row and reports kSolveError (corpus/highs_postsolve_error.mps); osa-opt solves
    such a model again without presolve (highs_access.run_checked, and the same for the
    solves through Pyomo)."""
    highs = _solve_mps("highs_postsolve_error.mps")
    if highs.getModelStatus() == highspy.HighsModelStatus.kSolveError:
        highs.clearSolver()  # the error as HiGHS 1.16 gives it: run_checked recovers
        highs_access.run_checked(highs)
    assert highs.getModelStatus() == highspy.HighsModelStatus.kOptimal
    assert highs.getInfo().objective_function_value == pytest.approx(19.6875, abs=1e-6)
    assert highs_access.option_value(highs, "presolve") == "choose"  # restored


def test_a_ranking_goes_on_past_a_solve_error() -> None:
    """The ranking ended at portfolio 1 (HiGHS's solve error read as 'no other portfolio')
    while a portfolio differing in 5 projects met every rule."""
    folder = CORPUS / "postsolve_error"
    problem = osa_opt.load_problem(folder, policy=folder / "policy.toml")
    result = osa_opt.solve(problem, portfolios=4)
    assert [round(p.objective, 6) for p in result.portfolios] == [26.6175, 19.6875]
