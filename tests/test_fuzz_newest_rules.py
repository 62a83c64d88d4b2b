"""Regression tests found by the random rounds of the newest rules (tests/bruteforce.py)."""

from __future__ import annotations

import pandas as pd
import pytest

from osa_opt.inputs.problem import Problem
from osa_opt.solving.solver import Solver
from osa_opt.solving.status import Status
from osa_opt.workflows import solve


def test_a_bound_a_rounding_past_the_abs_gap_is_a_proof() -> None:
    """Found by the random rounds (a required partner, a tier share, caps and a minimum
    package, whole scores): HiGHS stopped at a bound 1.000000001e-6 above portfolio 1's
    11.2489135 (its own difference within mip_abs_gap, 1e-6), and the solver reported a
    relative gap of 8.9e-8, so the run read "Portfolio 1 is optimal within a relative gap
    of 0.00% (solver.mip_rel_gap = 0)" and the report "gap 0.00%" for a proven optimum."""
    projects = pd.DataFrame({
        "project_id": ["P02", "P03", "P04", "P06", "P07", "P08", "P09", "P11", "P12"],
        "title": "t", "country": ["C1", "C1", "C4", "C4", "C1", "C3", "C3", "C4", "C4"],
        "field": ["maritime_surveillance", "peacekeeping", "medical", "disaster_relief",
                  "maritime_surveillance", "peacekeeping", "peacekeeping", "disaster_relief",
                  "disaster_relief"],
        "assistance_type": "equipment",
        "cost_FY1": [3.561125555266067, 7.0006007715377825, 9.213180831443882,
                     2.8116957129195717, 6.702392054075754, 5.687257339082992,
                     1.0112921642242707, 9.676439713965413, 2.8116957129195717],
        "cost_FY2": [0.9852762375454287, 5.11478151886204, 0.0, 0.0, 4.39677272427718,
                     3.0567833093140266, 0.730634390844226, 0.0, 0.0],
        "cost_FY3": [0.0, 2.134977923035257, 0.0, 0.0, 5.582674292427647, 0.0, 0.0,
                     3.588373974742453, 0.0],
        "score_a": [2.0, 2.0, 3.0, 1.0, 2.0, 2.0, 3.0, 0.0, 1.0],
        "score_b": [0.0, 2.0, 0.0, 0.0, 2.0, 2.0, 0.0, 2.0, 2.0],
        "min_funding": [1.0, 1.0, 1.0, 1.0, 0.38398587231928183, 1.0, 0.25501037580550806,
                        1.0, 1.0],
        "requires": ["", "", "", "P04", "", "", "", "", "P04"],
    })
    countries = pd.DataFrame({
        "country": ["C1", "C3", "C4"], "region": ["R1", "R3", "R3"], "priority_tier": [1, 3, 1],
        "oda_eligible": True, "party_to_conflict": False, "management_agreement": True,
        "democracy": 6.0, "rule_of_law": 6.0, "human_rights": 6.0,
        "max_share": [None, None, 0.08939863646866365]})
    policy = {
        "objective": {"weights": {"a": 1.0, "b": 1.0}, "risk_aversion": 0.0,
                      "tier_multiplier": {1: 1.0, 2: 1.0, 3: 1.0}},
        "budget": {"FY1": 16.234798279273274, "FY2": 8.745439106761038,
                   "FY3": 5.040456741890853},
        "priority": {"min_tier_share": {3: 0.3375467372471088},
                     "max_country_share": 0.46386020241192083,
                     "min_package": 3.9331173696177473, "required_partners": ["C1"]}}
    problem = Problem.from_frames(projects, countries, policy)
    solver = Solver(problem)
    first = solver.solve_once()
    assert first.status == Status.OPTIMAL and first.bound is not None
    assert 1e-6 < first.bound - first.objective < 1e-6 + 1e-12  # HiGHS's rounding, as found
    assert first.gap == 0.0
    result = solve(problem, portfolios=1)
    assert result.portfolios[0].objective == pytest.approx(11.248913545351776, abs=1e-6)
    assert result.portfolios[0].gap == 0.0
    assert result.status_message.startswith("Portfolio 1 is proven optimal"), \
        result.status_message
