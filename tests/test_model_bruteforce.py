"""The model is exact: on random small instances its ranked portfolios equal brute force.

The oracle (``tests/bruteforce.py``) enumerates every subset of eligible projects and checks
every rule itself; every portfolio the solver returns is also recomputed with pandas.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from bruteforce import (
    RULES,
    BruteForce,
    instances,
    portfolio_value,
    random_instance,
    violations,
)
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.control import currently_in_test_context

from osa_opt.inputs.problem import Problem
from osa_opt.model import FAMILIES
from osa_opt.result import Result, Status
from osa_opt.workflows import solve

#: Each constraint family of the model -> the rules a random instance switches on for it.
FAMILY_RULES: dict[str, frozenset[str]] = {
    "budget": frozenset({"other_years", "ties"}),
    "tier_share": frozenset({"tier_share"}),
    "tier_partner": frozenset({"tier_partner"}),
    "country_cap": frozenset({"country_cap"}),
    "field_share": frozenset({"field_share", "compliance"}),
    "region_share": frozenset({"region_share"}),
    "distinct_recipients": frozenset({"distinct_recipients"}),
    "requires": frozenset({"requires", "bundles"}),
    "exclusive": frozenset({"exclusive"}),
    "mandatory": frozenset({"mandatory", "signed"}),
    "whole_units": frozenset({"units"}),
    "max_countries": frozenset({"max_countries"}),
    "min_package": frozenset({"min_package"}),
    "required_partner": frozenset({"required_partner"}),
}

SETTINGS = settings(deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def rel(a: float, b: float) -> float:
    return abs(a - b) / max(1.0, abs(b))


def assert_matches_bruteforce(problem: Problem, count: int, min_difference: int) -> Result:
    """Solve and compare every ranked portfolio with the oracle; return the result."""
    oracle = BruteForce.from_problem(problem)
    result = solve(problem, portfolios=count, min_difference=min_difference)
    pj, co, po = problem.projects, problem.countries, problem.policy
    if currently_in_test_context():  # shown by pytest --hypothesis-show-statistics
        event(f"{len(result.portfolios)} portfolios, {len(oracle.ids)} eligible projects"
              if result.portfolios else "infeasible")
    if not oracle.feasible:
        assert result.status == Status.INFEASIBLE, result
        assert result.portfolios == []
        return result
    assert result.status == Status.OPTIMAL, result
    assert result.portfolios, "the oracle found a feasible portfolio, the solver none"

    # Follow the solver's own choices: rank k must be a best subset given ranks 1..k-1.
    taken: list[frozenset[str]] = []
    for port in result.portfolios:
        near = oracle.best(taken, min_difference)
        assert near, f"rank {port.rank}: the oracle finds no further portfolio"
        assert rel(port.objective, near[0].value) <= 1e-6, (port.rank, port.objective, near)
        funded = frozenset(port.fractions)
        assert funded in {s.ids for s in near}, (port.rank, sorted(funded), near)
        assert violations(pj, co, po, port.fractions) == [], port.rank
        assert rel(portfolio_value(pj, co, po, port.fractions), port.objective) <= 1e-6
        # HiGHS proves optimality within mip_abs_gap; the solver reports that as gap 0.
        assert port.status == Status.OPTIMAL and port.gap == 0.0
        taken.append(funded)
    if len(result.portfolios) < count:  # the solver stopped: nothing else may be feasible
        assert oracle.best(taken, min_difference) == []

    # The ranking by its definition: equal values in order; equal ids until a tie.
    ranked = oracle.ranked(count, min_difference)
    for near, port in zip(ranked, result.portfolios, strict=False):
        assert rel(port.objective, near[0].value) <= 1e-6
        if len(near) > 1:
            break  # tied subsets: later ranks depend on which one was taken
        assert set(port.fractions) == set(near[0].ids)
    else:
        assert len(ranked) == len(result.portfolios)
    return result


def problem_of(frames: tuple) -> Problem:
    projects, countries, policy = frames
    return Problem.from_frames(projects, countries, policy)


def test_every_family_is_covered() -> None:
    """A new constraint family must get its own brute-force test here."""
    assert set(FAMILY_RULES) == set(FAMILIES)
    assert set().union(*FAMILY_RULES.values()) == set(RULES)


@pytest.mark.slow
@pytest.mark.parametrize("family", sorted(FAMILY_RULES))
@settings(SETTINGS, max_examples=20)
@given(data=st.data())
def test_family_matches_bruteforce(family: str, data: st.DataObject) -> None:
    frames = data.draw(instances(FAMILY_RULES[family]), label="instance")
    min_difference = data.draw(st.sampled_from([1, 2, 3]), label="min_difference")
    assert_matches_bruteforce(problem_of(frames), count=4, min_difference=min_difference)


@pytest.mark.slow
@pytest.mark.parametrize("min_difference", [1, 2, 3])
@settings(SETTINGS, max_examples=20)
@given(data=st.data())
def test_all_rules_match_bruteforce(min_difference: int, data: st.DataObject) -> None:
    frames = data.draw(instances(RULES, max_projects=14, tighten=0.05), label="instance")
    assert_matches_bruteforce(problem_of(frames), count=4, min_difference=min_difference)


def test_no_eligible_project_gives_the_empty_portfolio_once() -> None:
    """Found by the brute-force tests: with no eligible project, ranking crashed on a
    constant no-good cut. The empty portfolio is the one and only portfolio."""
    projects, countries, policy = random_instance(np.random.default_rng(1), 3, 2,
                                                  ineligible=False)
    projects["status"] = "excluded"
    result = assert_matches_bruteforce(problem_of((projects, countries, policy)), 3, 2)
    assert [p.fractions for p in result.portfolios] == [{}]


# ---------------------------------------------------------------------- reproducible
REPRO_SCRIPT = textwrap.dedent("""
    import json, osa_opt
    result = osa_opt.solve(osa_opt.load_problem(), portfolios=4, min_difference=2)
    print(json.dumps([[p.objective, p.fractions] for p in result.portfolios]))
""")


@pytest.mark.slow
def test_same_answer_twice_and_in_a_fresh_process() -> None:
    import osa_opt

    problem = osa_opt.load_problem()
    runs = [[[p.objective, p.fractions] for p in solve(problem, 4, 2).portfolios]
            for _ in range(2)]
    done = subprocess.run([sys.executable, "-c", REPRO_SCRIPT], capture_output=True, text=True,
                          check=True, timeout=300)
    runs.append(json.loads(done.stdout))
    first = runs[0]
    assert len(first) == 4
    for other in runs[1:]:
        assert [sorted(f) for _, f in other] == [sorted(f) for _, f in first]
        for (obj_a, frac_a), (obj_b, frac_b) in zip(first, other, strict=True):
            assert abs(obj_a - obj_b) <= 1e-9
            assert all(abs(frac_a[p] - frac_b[p]) <= 1e-9 for p in frac_a)
