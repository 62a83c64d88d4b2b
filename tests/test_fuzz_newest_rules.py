"""Random small rounds with the newest rules drawn, against the brute-force oracle.

``tests/bruteforce.py`` draws, besides the older rules: partners in
``priority.required_partners``; costs in a year the policy has no budget for (a project
whose whole cost stands there is out of the round, one with a cost there beside its own is
in it); a ``stage`` column with a signed project (fixed in like a mandatory one); twins and
whole scores (portfolios worth exactly the same: ties); requirement chains and bundles; and,
with ``forced_unfundable``, a project fixed in that requires, directly or through another,
one that can never be funded. The oracle says, from docs/inputs.md alone, which inputs are
refused (:func:`bruteforce.refusals`); the others are solved, and each ranked portfolio's
value and set checked against the subsets it enumerates. The checked ranks of
``Solver.ranked`` (osa_opt/solving/ranks_checked.py) are compared with the re-solves
(``checked=False``) value by value, and the tie notes (within 1e-9 of portfolio 1's value,
osa_opt.workflows.tie_tolerance) with the values the oracle computes itself.

The fast tests draw 30 and 20 rounds (about 10 s each); the slow ones 300 and 200 (2.5 and
5 minutes on a quiet machine). They found a proven optimum reported with a gap (the last
test). The two rankings of one set may differ in its fractions' seventh digit: each is
optimal within HiGHS's tolerances (docs/model.md, "Ties and tolerances").
"""

from __future__ import annotations

import pandas as pd
import pytest
from bruteforce import (
    BruteForce,
    instances,
    portfolio_value,
    refusals,
    violations,
)
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st
from test_model_bruteforce import assert_matches_bruteforce

from osa_opt.errors import InputError
from osa_opt.inputs.problem import Problem
from osa_opt.solving.solver import Solver
from osa_opt.solving.status import Outcome, Status
from osa_opt.workflows import solve

SETTINGS = settings(deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.filter_too_much])

#: The rules of the newest sessions, always drawn: required partners, costs in another
#: year, a signed project, ties and requirement chains.
NEWEST = frozenset({"required_partner", "other_years", "signed", "ties", "requires"})
#: Rules they meet most, drawn now and then beside them.
BESIDE = ("mandatory", "bundles", "exclusive", "units", "min_package", "tier_partner",
          "max_countries", "country_cap")


@st.composite
def rounds(draw: st.DrawFn, refused_too: bool, max_projects: int = 10) -> tuple:
    """A random round with the newest rules, some older ones beside them, and (when
    ``refused_too``) now and then a project fixed in that requires an unfundable one."""
    beside = draw(st.sets(st.sampled_from(BESIDE), max_size=3), label="rules beside")
    unfundable = refused_too and draw(st.booleans(), label="forced requiring unfundable")
    rules = NEWEST | beside | ({"forced_unfundable"} if unfundable else set())
    ineligible = draw(st.booleans(), label="ineligible countries and projects")
    return draw(instances(rules, max_projects=max_projects, ineligible=ineligible),
                label="instance")


def rel(a: float, b: float) -> float:
    return abs(a - b) / max(1.0, abs(b))


def assert_refused_as_told(frames: tuple, expected: list[str]) -> None:
    """The input is refused, and the refusal names each project fixed in, group or
    partner the oracle refuses."""
    with pytest.raises(InputError) as refused:
        Problem.from_frames(*frames)
    text = str(refused.value)
    for reason in expected:
        words = reason.split()
        named = (words[1].rstrip(":") if reason.startswith("group") else
                 words[2] if reason.startswith("required") else words[0])
        assert repr(named) in text or f" {named} " in text, (reason, text)


def tie_ranks(problem: Problem, portfolios: list) -> list[int]:
    """Ranks the oracle's own values put at portfolio 1's value: within 1e-9 of it (at least
    HiGHS's absolute gap, 1e-6), docs/outputs.md's tie."""
    pj, co, po = problem.projects, problem.countries, problem.policy
    values = [portfolio_value(pj, co, po, p.fractions) for p in portfolios]
    tol = max(1e-6, 1e-9 * abs(values[0])) if values else 0.0
    return [p.rank for p, v in zip(portfolios[1:], values[1:], strict=True)
            if abs(v - values[0]) <= tol / 10]  # clear ties only: no float at the edge


def check_refused_or_ranked(frames: tuple, min_difference: int) -> None:
    """Refused as the oracle says, else each ranked portfolio the best given the earlier
    ones (tests/test_model_bruteforce.py), and ties with portfolio 1 noted as ties."""
    expected = refusals(*frames)
    event("refused" if expected else "accepted")
    if expected:
        assert_refused_as_told(frames, expected)
        return
    problem = Problem.from_frames(*frames)
    result = assert_matches_bruteforce(problem, count=4, min_difference=min_difference)
    tied = tie_ranks(problem, result.portfolios)
    notes = " ".join(result.notes)
    if tied:
        event("a tie with portfolio 1")
        assert "worth exactly as much as portfolio 1" in notes, (tied, result.notes)
        for rank in tied:
            assert f"ortfolio {rank} " in notes or f" {rank} are worth exactly" in notes \
                or f"{rank}, " in notes, (rank, result.notes)
    elif len(result.portfolios) > 1:
        best = result.portfolios[0].objective
        if all(abs(p.objective - best) > 1e-5 for p in result.portfolios[1:]):
            assert "worth exactly as much as portfolio 1" not in notes, result.notes


@settings(SETTINGS, max_examples=30)
@given(data=st.data())
def test_newest_rules_are_refused_or_ranked_as_brute_force_ranks(data: st.DataObject) -> None:
    check_refused_or_ranked(data.draw(rounds(refused_too=True)),
                            data.draw(st.sampled_from([1, 2, 3]), label="min_difference"))


@pytest.mark.slow
@settings(SETTINGS, max_examples=300)
@given(data=st.data())
def test_newest_rules_are_refused_or_ranked_as_brute_force_ranks_more(
        data: st.DataObject) -> None:
    check_refused_or_ranked(data.draw(rounds(refused_too=True, max_projects=12)),
                            data.draw(st.sampled_from([1, 2, 3]), label="min_difference"))


def same_until_they_part(checked: list[Outcome], loop: list[Outcome]) -> int:
    """Compare the two rankings rank by rank while they have taken the same sets (a tie
    broken otherwise leaves later ranks to differ rightly); return the ranks compared."""
    compared = 0
    for a, b in zip(checked, loop, strict=False):
        # each optimal within HiGHS's mip_abs_gap (1e-6) and feasibility tolerance (1e-7): a
        # set found by both, its fractions in the seventh digit apart, differed by 1.0e-6
        # in value (one of them spending ¥1.3e-7 million past a budget of ¥6.7 million)
        assert rel(a.objective, b.objective) <= 1e-6, \
            (compared + 1, a.objective, b.objective, a.fractions, b.fractions)
        assert a.status == Status.OPTIMAL and a.gap == 0.0, (compared + 1, a)
        compared += 1
        if a.funded_ids != b.funded_ids:
            break
    else:
        assert len(checked) == len(loop), (len(checked), len(loop))
    return compared


def check_checked_ranks(frames: tuple) -> None:
    """Checked ranks and re-solves rank alike, value by value, and each is the brute
    force's best given its own earlier ranks."""
    assume(not refusals(*frames))
    problem = Problem.from_frames(*frames)
    oracle = BruteForce.from_problem(problem)
    assume(oracle.feasible)
    checked = Solver(problem).ranked(6, 2, checked=True)
    loop = Solver(problem).ranked(6, 2, checked=False)
    event(f"{same_until_they_part(checked, loop)} ranks compared")
    pj, co, po = problem.projects, problem.countries, problem.policy
    for ranking in (checked, loop):  # each rank the best given its own earlier ranks
        taken: list[frozenset[str]] = []
        for k, out in enumerate(ranking, 1):
            near = oracle.best(taken, 2)
            assert near, f"rank {k}: the oracle finds no further portfolio"
            assert rel(out.objective, near[0].value) <= 1e-6, (k, out.objective, near[0])
            assert out.funded_ids in {s.ids for s in near}, (k, sorted(out.funded_ids))
            assert violations(pj, co, po, out.fractions) == [], k
            taken.append(out.funded_ids)
        if len(ranking) < 6:
            assert oracle.best(taken, 2) == [], "the ranking stopped early"


@settings(SETTINGS, max_examples=20)
@given(data=st.data())
def test_checked_ranks_equal_the_resolves_and_brute_force(data: st.DataObject) -> None:
    check_checked_ranks(data.draw(rounds(refused_too=False, max_projects=11)))


@pytest.mark.slow
@settings(SETTINGS, max_examples=200)
@given(data=st.data())
def test_checked_ranks_equal_the_resolves_and_brute_force_more(data: st.DataObject) -> None:
    check_checked_ranks(data.draw(rounds(refused_too=False, max_projects=12)))

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
