"""HiGHS 1.16 can misread a starting solution: its presolve maps the start into the reduced
space with the wrong value ("MIP start solution is feasible: objective value is 22.50", then
"... feasible in the reduced space: objective value is 30.27"), prunes everything below
that, and reports the start as optimal with the inflated value. The start may be one osa-opt
gives (the pool's) or the previous solve's solution, which HiGHS keeps across a change of
bounds. Found by tests/test_independent_bruteforce.py: portfolio 2 came back worth 30.27
with projects worth 22.50, and the true portfolio 2 (23.90) was missed.

osa-opt checks every HiGHS answer: the objective HiGHS reports must be the value of the
solution it reports; when it is not, HiGHS's solver state (and with it the start) is cleared
and the model solved again.
"""

from __future__ import annotations

from pathlib import Path

import highspy
import numpy as np
import pandas as pd

import osa_opt
from osa_opt.solving import highs_access

#: A ranking's re-solve as HiGHS held it: the model of the round below with portfolio 1's
#: no-good cut and the floor row, and the previous solve's solution (worth 22.50) as start.
MODEL = Path(__file__).parent / "corpus" / "highs_misread_start.mps"
START = [1, 1, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 1, 1, 0, 1]

VALUES = {"X00": 7.8049, "X01": 6.3683, "X02": 5.3952, "X04": 8.3228, "X05": 3.1226,
          "X07": 1.7423, "X08": 7.7706, "X10": 2.5547}


def round_of_the_report() -> osa_opt.Problem:
    """Eight projects, three partners, fund-every-tier, caps and a partner limit."""
    rows = [("X00", "K2", 170, 1.0, "", ""), ("X01", "K0", 40, 0.86, "", ""),
            ("X02", "K1", 110, 1.0, "", ""), ("X04", "K2", 20, 1.0, "G1", ""),
            ("X05", "K2", 130, 0.48, "", "X08"), ("X07", "K1", 30, 1.0, "", ""),
            ("X08", "K0", 40, 1.0, "G0", ""), ("X10", "K2", 190, 1.0, "", "")]
    projects = pd.DataFrame([
        {"project_id": p, "title": p, "country": c, "field": "medical",
         "assistance_type": "equipment", "cost_FY2026": float(cost), "score_a": VALUES[p],
         "risk": 0.0, "min_funding": least, "status": "candidate", "exclusive_group": g,
         "requires": r} for p, c, cost, least, g, r in rows])
    countries = pd.DataFrame({
        "country": ["K0", "K1", "K2"], "region": ["East", "West", "East"],
        "priority_tier": [3, 2, 3], "oda_eligible": True, "party_to_conflict": False,
        "management_agreement": True, "democracy": 5.0, "rule_of_law": 5.0,
        "human_rights": 5.0, "max_share": [0.639924, None, None]})
    policy = {
        "name": "regression", "budget": {"FY2026": 718.6},
        "objective": {"weights": {"a": 1.0}, "tier_multiplier": {1: 1.0, 2: 1.0, 3: 1.0},
                      "considerations": {}},
        "priority": {"fund_every_tier": [3], "max_country_share": 0.6701224119776406,
                     "min_countries": 1, "max_countries": 2},
        "portfolios": {"count": 5, "min_difference": 3}}
    return osa_opt.Problem.from_frames(projects, countries, policy)


def test_each_ranked_portfolio_is_worth_its_projects_and_is_the_true_next_one() -> None:
    result = osa_opt.solve(round_of_the_report())
    for portfolio in result.portfolios:
        worth = sum(VALUES[p] * f for p, f in portfolio.fractions.items())
        assert abs(portfolio.objective - worth) <= 1e-3, (portfolio.rank, portfolio.objective)
    # by enumeration (tests/test_independent_bruteforce.py): 35.2605, then 23.8983
    second = result.portfolios[1]
    assert sorted(second.fractions) == ["X00", "X04", "X08"]
    assert abs(second.objective - 23.8983) <= 1e-3


def test_a_run_whose_objective_is_not_its_solutions_value_is_run_again_from_scratch() -> None:
    highs = highspy.Highs()
    highs.setOptionValue("output_flag", False)
    highs.readModel(str(MODEL))
    highs.setOptionValue("mip_rel_gap", 0.0)
    start = np.array(START, dtype=float)
    highs.setSolution(len(start), np.arange(len(start), dtype=np.int32), start)
    highs_access.run_checked(highs)
    assert not highs_access.objective_disagrees(highs)
    assert abs(highs.getInfo().objective_function_value - 23.8983) <= 1e-3
