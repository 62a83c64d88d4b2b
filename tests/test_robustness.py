"""Robustness analysis: sampling, core indices and portfolio near-optimality against brute force.

The oracle here enumerates every subset of a four-project instance for each sample, with
values from :meth:`Problem.value_of` (pandas), independently of the model, the solver and
the numpy value computation of :mod:`osa_opt.analysis.robustness`.
"""

from __future__ import annotations

import itertools
import signal
from typing import Any

import numpy as np
import pandas as pd
import pytest

from osa_opt.analysis.robustness import (
    CORE_THRESHOLD,
    EXTERIOR_THRESHOLD,
    RobustnessAnalysis,
    classify,
    draw_samples,
    robustness,
)
from osa_opt.errors import OsaError
from osa_opt.inputs.problem import Problem

WEIGHT_RANGES = {"a": [0.2, 0.8], "b": [0.1, 0.9]}
POLICY: dict[str, Any] = {
    "name": "Four projects",
    "budget": {"FY2026": 10.0, "FY2027": 4.0},
    "objective": {"weights": {"a": 0.5, "b": 0.5, "c": 0.1},
                  "tier_multiplier": {1: 1.2, 2: 1.0, 3: 1.0}},
    "portfolios": {"count": 3, "min_difference": 1},
    "robustness": {"weight_ranges": WEIGHT_RANGES, "samples": 40, "seed": 3},
}


def raw_projects() -> pd.DataFrame:
    """P1 or P2 fits beside P3 (the weights decide), P4 is mandatory, P5 is excluded."""
    return pd.DataFrame({
        "project_id": ["P1", "P2", "P3", "P4", "P5"],
        "title": ["Radars", "Boats", "Drones", "Shelter", "Trucks"],
        "country": ["Aurelia", "Borealis", "Aurelia", "Borealis", "Borealis"],
        "field": ["maritime_surveillance", "search_and_rescue", "airspace_surveillance",
                  "disaster_relief", "relief_transport"],
        "assistance_type": ["equipment"] * 5,
        "cost_FY2026": [5.0, 5.0, 3.0, 2.0, 1.0],
        "cost_FY2027": [1.0, 1.0, 2.0, 1.0, 0.0],
        "score_a": [9.0, 2.0, 5.0, 3.0, 9.0],
        "score_b": [2.0, 9.0, 5.0, 4.0, 9.0],
        "score_c": [5.0, 2.0, 9.5, 1.0, 9.0],
        "risk": [0.0, 0.1, 0.05, 0.0, 0.0],
        "min_funding": [1.0] * 5,
        "status": ["candidate", "candidate", "candidate", "mandatory", "excluded"],
        "status_reason": ["", "", "", "Summit commitment", "No site"],
        "exclusive_group": [""] * 5,
        "requires": [""] * 5,
        "score_spread": [1.5, 0.5, 2.0, 0.0, 1.0],
    })


def raw_countries() -> pd.DataFrame:
    return pd.DataFrame({
        "country": ["Aurelia", "Borealis"], "region": ["Southeast Asia", "Pacific Islands"],
        "priority_tier": [1, 2], "oda_eligible": [True, True],
        "party_to_conflict": [False, False], "management_agreement": [True, True],
        "democracy": [6.0, 7.0], "rule_of_law": [6.0, 7.0], "human_rights": [6.0, 7.0],
        "max_share": [None, None],
    })


def make_problem(**changes: Any) -> Problem:
    policy = {**POLICY, **changes}
    return Problem.from_frames(raw_projects(), raw_countries(), policy)


@pytest.fixture(scope="module")
def problem() -> Problem:
    return make_problem()


@pytest.fixture(scope="module")
def analysis(problem: Problem) -> RobustnessAnalysis:
    return robustness(problem, chunk_size=7)


# ---------------------------------------------------------------------- the oracle
def brute_force(problem: Problem, values: pd.Series) -> tuple[frozenset[str], float]:
    """Best all-or-nothing subset of the eligible projects under every budget, mandatory in."""
    eligible = [p for p in problem.projects.index if p in set(problem.eligible)]
    mandatory = set(problem.mandatory)
    cost, budget = problem.cost, problem.policy.budget
    best: tuple[frozenset[str], float] = (frozenset(), -np.inf)
    for r in range(len(eligible) + 1):
        for subset in itertools.combinations(eligible, r):
            chosen = list(subset)
            if not mandatory <= set(chosen):
                continue
            if any(cost.loc[chosen, fy].sum() > budget[fy] + 1e-9 for fy in budget):
                continue
            value = float(values[chosen].sum())
            if value > best[1]:
                best = (frozenset(chosen), value)
    return best


def sample_values(problem: Problem, drawn: Any, i: int) -> pd.Series:
    """Sample i's project values through the pandas path, Problem.value_of."""
    weights = dict(zip(drawn.criteria, drawn.weights[i], strict=True))
    scores = pd.DataFrame(drawn.scores[i], index=problem.projects.index, columns=drawn.criteria)
    return problem.value_of(weights, scores)


@pytest.fixture(scope="module")
def oracle(problem: Problem) -> list[tuple[frozenset[str], float, pd.Series]]:
    drawn = draw_samples(problem, 40, seed=3, keep_scores=True)
    out = []
    for i in range(len(drawn)):
        values = sample_values(problem, drawn, i)
        funded, best = brute_force(problem, values)
        out.append((funded, best, values))
    return out


# ---------------------------------------------------------------------- sampling
def test_samples_respect_ranges_spreads_and_clipping(problem: Problem) -> None:
    drawn = draw_samples(problem, 300, seed=11, keep_scores=True)
    a, b, c = (drawn.weights[:, drawn.criteria.index(k)] for k in ("a", "b", "c"))
    assert 0.2 <= a.min() and a.max() <= 0.8 and 0.1 <= b.min() and b.max() <= 0.9
    assert a.std() > 0.1 and b.std() > 0.1
    assert (c == 0.1).all()  # a criterion without a range keeps its policy weight
    base = problem.scores[drawn.criteria].to_numpy()
    spread = problem.projects["score_spread"].to_numpy()[:, None]
    deviation = np.abs(drawn.scores - base)
    assert (deviation <= spread + 1e-12).all()
    assert ((drawn.scores >= 0) & (drawn.scores <= 10)).all()
    p3_c = drawn.scores[:, list(problem.projects.index).index("P3"), drawn.criteria.index("c")]
    assert (p3_c == 10.0).any()  # 9.5 ± 2 is clipped at 10
    p4 = list(problem.projects.index).index("P4")
    assert (drawn.scores[:, p4, :] == base[p4]).all()  # no spread, no noise


def test_numpy_values_equal_problem_value_of(problem: Problem) -> None:
    drawn = draw_samples(problem, 25, seed=5, keep_scores=True)
    for i in range(len(drawn)):
        expected = sample_values(problem, drawn, i).reindex(drawn.project_ids)
        np.testing.assert_allclose(drawn.values[i], expected.to_numpy(), rtol=1e-12)


def test_same_seed_same_samples_and_longer_runs_extend_shorter_ones(problem: Problem) -> None:
    short = draw_samples(problem, 6, seed=9)
    long = draw_samples(problem, 15, seed=9)
    np.testing.assert_array_equal(short.values, long.values[:6])
    np.testing.assert_array_equal(short.weights, long.weights[:6])
    other = draw_samples(problem, 6, seed=10)
    assert not np.allclose(short.values, other.values)


# ---------------------------------------------------------------------- core indices
def test_every_sample_optimum_equals_brute_force(analysis: RobustnessAnalysis,
                                                 oracle: list[Any]) -> None:
    assert analysis.samples_done == 40 and not analysis.partial
    for i, (funded, best, _) in enumerate(oracle):
        row = analysis.funded.loc[i]
        assert frozenset(row.index[row]) == funded, f"sample {i}"
        assert analysis.samples_table.at[i, "optimum"] == pytest.approx(best, rel=1e-9)


def test_rows_not_sorted_by_id_are_sampled_and_solved_as_sorted_ones() -> None:
    """Regression: the model's columns are in id order (ModelData.by_id), the samples in
    input order, and the worker refused the model as having 'other projects than the
    samples', a RuntimeError reported as a bug on every round whose sheet was not sorted by
    id (osa-opt robustness inputs/real_rounds/FY2024)."""
    shuffled = Problem.from_frames(raw_projects().iloc[[2, 0, 4, 3, 1]], raw_countries(), POLICY)
    assert list(shuffled.projects.index) != sorted(shuffled.projects.index)
    analysis = robustness(shuffled, samples=8, chunk_size=3)
    drawn = draw_samples(shuffled, 8, seed=3, keep_scores=True)
    for i in range(8):
        funded, best = brute_force(shuffled, sample_values(shuffled, drawn, i))
        row = analysis.funded.loc[i]
        assert frozenset(row.index[row]) == funded, f"sample {i}"
        assert analysis.samples_table.at[i, "optimum"] == pytest.approx(best, rel=1e-9)


def test_core_index_and_classes_equal_the_brute_force_shares(analysis: RobustnessAnalysis,
                                                             oracle: list[Any]) -> None:
    shares = {p: np.mean([p in funded for funded, _, _ in oracle])
              for p in ("P1", "P2", "P3", "P4", "P5")}
    table = analysis.projects
    for p, share in shares.items():
        assert table.at[p, "core_index"] == pytest.approx(share, abs=1e-12)
        expected = ("core" if share >= CORE_THRESHOLD
                    else "exterior" if share <= EXTERIOR_THRESHOLD else "borderline")
        assert table.at[p, "class"] == expected
    # the instance is worth testing: weights decide some projects
    assert set(table["class"]) == {"core", "borderline", "exterior"}
    assert table.at["P4", "class"] == "core"            # mandatory
    assert not table.at["P5", "eligible"] and table.at["P5", "core_index"] == 0.0
    assert list(table["core_index"]) == sorted(table["core_index"], reverse=True)


def test_portfolio_near_optimal_shares_equal_brute_force(problem: Problem,
                                                         analysis: RobustnessAnalysis,
                                                         oracle: list[Any]) -> None:
    from osa_opt.workflows import solve

    ports = solve(problem).portfolios
    assert len(ports) == 3 == len(analysis.portfolios)
    for port in ports:
        near, ratios = [], []
        for _, best, values in oracle:
            value = float(sum(values[p] * f for p, f in port.fractions.items()))
            near.append(value >= 0.99 * best - 1e-9)
            ratios.append(value / best)
        row = analysis.portfolios.loc[port.rank]
        assert row["share_near_optimal"] == pytest.approx(np.mean(near), abs=1e-12)
        assert row["worst_share_of_optimum"] == pytest.approx(min(ratios), rel=1e-9)
    assert analysis.portfolios["share_near_optimal"].between(0, 1, inclusive="neither").any()


@pytest.mark.parametrize("value, expected", [
    (1.0, "core"), (0.95, "core"), (0.9499, "borderline"), (0.5, "borderline"),
    (0.0501, "borderline"), (0.05, "exterior"), (0.0, "exterior")])
def test_classes_by_thresholds(value: float, expected: str) -> None:
    assert classify(value) == expected


# ---------------------------------------------------------------------- outputs and edges
def test_tables_and_dict_follow_the_analysis_protocol(analysis: RobustnessAnalysis) -> None:
    import json

    tables = analysis.tables()
    assert set(tables) == {"robustness", "robustness_portfolios", "robustness_samples"}
    assert all(len(name) <= 31 for name in tables)
    assert list(tables["robustness"]["project_id"]) == list(analysis.projects.index)
    data = json.loads(json.dumps(analysis.to_dict()))
    assert data["samples"] == data["samples_done"] == 40 and data["seed"] == 3
    assert data["partial"] is False and data["models_built"] == 1
    assert {p["project_id"]: p["class"] for p in data["projects"]} == \
        analysis.projects["class"].to_dict()
    assert sum(data["counts"].values()) == 5
    assert [p["rank"] for p in data["portfolios"]] == [1, 2, 3]


def test_ctrl_c_keeps_the_finished_samples(problem: Problem, oracle: list[Any]) -> None:
    def press_ctrl_c(done: int, total: int) -> None:
        if done == 10:
            signal.raise_signal(signal.SIGINT)

    partial = robustness(problem, chunk_size=5, progress=press_ctrl_c)
    assert partial.partial and partial.samples_done == 10 and partial.samples == 40
    assert list(partial.samples_table.index) == list(range(10))
    share = np.mean(["P1" in funded for funded, _, _ in oracle[:10]])
    assert partial.projects.at["P1", "core_index"] == pytest.approx(share)
    assert partial.to_dict()["partial"] is True
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # handler restored


def test_samples_and_seed_arguments_override_the_policy(problem: Problem) -> None:
    rob = robustness(problem, samples=4, seed=3)
    assert rob.samples == 4 and rob.seed == 3
    first = draw_samples(problem, 4, seed=3)
    assert rob.samples_table["weight_a"].tolist() == first.weights[:, 0].tolist()
    with pytest.raises(OsaError, match="robustness.samples': must be >= 1"):
        robustness(problem, samples=0)


def test_infeasible_policy_raises_with_exit_code_3() -> None:
    problem = make_problem(budget={"FY2026": 1.0, "FY2027": 4.0})  # mandatory P4 costs 2
    with pytest.raises(OsaError) as info:
        robustness(problem, samples=3)
    assert info.value.exit_code == 3


def test_no_ranges_and_no_spread_gives_identical_samples() -> None:
    frames = raw_projects().assign(score_spread=0.0)
    policy = {**POLICY, "robustness": {"samples": 5}}
    problem = Problem.from_frames(frames, raw_countries(), policy)
    rob = robustness(problem)
    assert set(rob.projects["core_index"]) <= {0.0, 1.0}
    assert rob.samples_table["optimum"].nunique() == 1
    assert any("every sample is the same" in note for note in rob.notes)


def test_a_range_for_an_unweighted_criterion_is_ignored_with_a_note() -> None:
    import osa_opt
    from osa_opt.analysis.robustness import robustness as run_robustness

    problem = osa_opt.load_problem(
        overrides={"objective.weights": {"security": 0.5, "humanitarian": 0.5}})
    assert "partnership" in problem.policy.robustness.weight_ranges
    analysis = run_robustness(problem, samples=3, seed=1)
    assert any("partnership ignored" in note for note in analysis.notes)
    assert set(analysis.to_dict()["projects"][0]) >= {"project_id", "core_index", "class"}


def test_sample_values_weigh_the_country_considerations_as_the_solve_does() -> None:
    """Regression: the samples left out the country factor of ``objective.considerations``,
    so with considerations every sample was solved with other values than the normal solve
    (tests/test_analyses_bruteforce.py found it)."""
    objective = {**POLICY["objective"],
                 "considerations": {"democracy": 1.0, "rule_of_law": 0.5},
                 "consideration_strength": 0.6}
    problem = make_problem(objective=objective)
    assert problem.country_factor.nunique() == 2  # Aurelia and Borealis differ
    drawn = draw_samples(problem, 5, seed=2, keep_scores=True)
    for i in range(len(drawn)):
        expected = sample_values(problem, drawn, i).reindex(drawn.project_ids)
        np.testing.assert_allclose(drawn.values[i], expected.to_numpy(), rtol=1e-12)
    # a range of one point at the policy's weights, no spread: every sample is the solve
    fixed = make_problem(objective=objective, robustness={
        "weight_ranges": {k: [w, w] for k, w in objective["weights"].items()}})
    fixed = fixed.with_projects(fixed.projects.assign(score_spread=0.0))
    rob = robustness(fixed, samples=3, seed=0)
    best = osa_opt_solve(fixed)
    np.testing.assert_allclose(rob.samples_table["optimum"], best, rtol=1e-9)


def osa_opt_solve(problem: Problem) -> float:
    import osa_opt

    result = osa_opt.solve(problem, portfolios=1)
    assert result.best is not None
    return float(result.best.objective)
