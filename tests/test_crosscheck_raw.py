"""osa-opt against the independent matrix-API model of ``benchmarks/raw_highs.py`` on rounds
of hundreds of projects, where brute force (tests/test_independent_bruteforce.py, 7-12
projects) cannot go: the same best portfolio under every policy variant of
``benchmarks/crosscheck_raw.py`` (whole units, signed projects, several fields, the gates
and the country factor among them), and ranked portfolios 2..5 under ``min_difference`` 1
and 2 equal to raw HiGHS with plain no-good cuts, one by one (the value floor, the pool's
starts and the start-misread guard at scale), and the budget frontier level by level
against the raw model rebuilt at each level's budget (docs/frontier.md's scaling). The full
sweep is the benchmark script; all but the quick frontier tests are marked slow.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import osa_opt  # noqa: E402
from benchmarks.crosscheck_raw import (  # noqa: E402
    VARIANTS,
    Raw,
    check_best,
    check_frontier,
    check_ranked,
    cross_evaluate,
    write_round,
)


@pytest.mark.slow
@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_the_best_portfolio_matches_the_raw_model(tmp_path: Path, variant: str) -> None:
    path = write_round(tmp_path / "round", 300, 2, 1, variant)
    notes: list[str] = []
    assert check_best(tmp_path / "round", path, notes) == []
    assert not any(note == "infeasible" for note in notes), notes  # an optimum was compared


@pytest.mark.slow
@pytest.mark.parametrize("min_difference", [1, 2])
def test_ranked_portfolios_match_raw_highs_with_no_good_cuts(tmp_path: Path,
                                                            min_difference: int) -> None:
    path = write_round(tmp_path / "round", 200, 2, 0, "rich")
    notes: list[str] = []
    assert check_ranked(tmp_path / "round", path, 5, min_difference, notes) == []
    assert notes[0].startswith(f"d={min_difference}: 5 portfolios"), notes  # all 5 checked


@pytest.mark.slow
def test_the_cross_evaluation_catches_a_wrong_portfolio(tmp_path: Path) -> None:
    """The check is no rubber stamp: a portfolio one project short (or one project over the
    budget) is valued or refused differently by the other model, and both sides say so."""
    path = write_round(tmp_path / "round", 200, 2, 0, "rich")
    problem = osa_opt.load_problem(tmp_path / "round", policy=path)
    best = osa_opt.solve(problem, portfolios=1).best
    raw = Raw.of(tmp_path / "round", path)
    assert cross_evaluate(problem, raw, best.fractions, best.fractions, best.objective) == []
    mandatory = set(problem.projects.index[problem.projects["status"] == "mandatory"])
    drop = next(p for p in best.fractions if p not in mandatory)
    short = {p: f for p, f in best.fractions.items() if p != drop}
    problems = cross_evaluate(problem, raw, short, short, best.objective)
    assert [text.split(":")[0] for text in problems] == [
        "osa-opt's portfolio in the raw model", "the raw portfolio in osa-opt's model"]


LEVELS = [0.3, 0.6, 0.85, 1.0, 1.2]


def test_the_frontier_matches_the_raw_model_at_each_budget(tmp_path: Path) -> None:
    """Each level of the frontier (one model, budget_scale changed in place) has the optimum
    of the raw model built at that level's budget, every share rule scaled with it."""
    path = write_round(tmp_path / "round", 300, 2, 0, "tiers")
    notes: list[str] = []
    assert check_frontier(tmp_path / "round", path, LEVELS, notes) == []
    assert notes[0].startswith("frontier: 5 of 5 levels met"), notes


def test_the_frontier_check_sees_a_budget_scaled_wrong(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """No rubber stamp: a raw side that keeps the policy budget at every level disagrees
    below and above 100%."""
    path = write_round(tmp_path / "round", 300, 2, 0, "tiers")
    of = Raw.of.__func__  # type: ignore[attr-defined]
    monkeypatch.setattr(Raw, "of", classmethod(
        lambda cls, folder, policy_path, share=1.0: of(cls, folder, policy_path)))
    problems = check_frontier(tmp_path / "round", path, [0.6, 1.0, 1.2], [])
    assert [text.split(":")[0] for text in problems] == ["level 1 (0.6)", "level 3 (1.2)"]


@pytest.mark.slow
@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_the_frontier_matches_the_raw_model_at_scale(tmp_path: Path, variant: str) -> None:
    path = write_round(tmp_path / "round", 800, 3, 0, variant)
    notes: list[str] = []
    assert check_frontier(tmp_path / "round", path, LEVELS, notes) == []
    assert not notes[0].startswith("frontier: 0 of"), notes  # some optimum was compared
