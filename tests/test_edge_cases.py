"""Valid but extreme inputs: every one ends with a clean exit code and complete outputs.

Free projects, nothing eligible, one project, a zero budget, a mandatory project the budget
cannot carry, weights that make every value 0, and 2,000 projects in one country. Each runs
through the real command line (in-process, ``run_cli``); the optimum is checked against the
brute-force oracle of ``tests/bruteforce.py`` or, for the large case, an exact knapsack.
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import openpyxl
import pandas as pd
import pytest
from bruteforce import BruteForce
from conftest import TINY_POLICY, tiny_countries, tiny_projects, write_xlsx
from test_fuzz_inputs import Run, osa

from osa_opt.inputs.policy import Policy
from osa_opt.inputs.problem import Problem
from osa_opt.outputs.manifest import RUN_FILES

#: Only the budget and the weights: no share, cap or count rule, so the tiny instance can
#: take any subset that fits the budgets.
SIMPLE: dict[str, Any] = {
    "name": "Simple round",
    "budget": {"FY2026": 2000.0, "FY2027": 1000.0},
    "objective": {"weights": {"security": 0.6, "humanitarian": 0.4}},
}


@contextlib.contextmanager
def inside(folder: Path) -> Iterator[None]:
    before = Path.cwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(before)


def write_case(folder: Path, projects: pd.DataFrame, countries: pd.DataFrame,
               policy: dict[str, Any]) -> tuple[Path, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    book = write_xlsx(folder / "input.xlsx", projects, countries)
    toml = folder / "policy.toml"
    toml.write_text(Policy.from_dict(policy).to_toml(), encoding="utf-8")
    return book, toml


def problem_of(projects: pd.DataFrame, countries: pd.DataFrame, policy: dict[str, Any]) -> Problem:
    return Problem.from_frames(projects, countries, Policy.from_dict(policy))


def assert_clean(run: Run, code: int) -> None:
    assert run.code == code, f"exit {run.code}, expected {code}:\n{run.err}"
    assert "Traceback" not in run.out + run.err
    assert "bug in osa-opt" not in run.err


def assert_complete(folder: Path, status: str) -> dict[str, Any]:
    """Every run file is there and opens; returns the manifest."""
    assert {p.name for p in folder.iterdir()} >= set(RUN_FILES)
    assert not [p for p in folder.parent.iterdir() if ".partial-" in p.name]
    manifest = json.loads((folder / "run.json").read_text(encoding="utf-8"))
    assert manifest["status"] == status
    book = openpyxl.load_workbook(folder / "portfolios.xlsx", read_only=True)
    assert "Summary" in book.sheetnames
    book.close()
    with open(folder / "portfolios.csv", encoding="utf-8", newline="") as fh:
        header = next(csv.reader(fh))
    assert "project_id" in header
    Policy.load(folder / "policy.toml")  # the policy as used reads back
    return manifest


def solve_case(tmp_path: Path, projects: pd.DataFrame, countries: pd.DataFrame,
               policy: dict[str, Any], code: int = 0, *extra: str) -> tuple[Run, Path]:
    book, toml = write_case(tmp_path / "in", projects, countries, policy)
    out = tmp_path / "run"
    with inside(tmp_path):
        run = osa("solve", book, "--policy", toml, "--out", out, "-q", *extra)
    assert_clean(run, code)
    return run, out


def assert_optimal_as_brute_force(manifest: dict[str, Any], problem: Problem) -> None:
    oracle = BruteForce.from_problem(problem).best()
    assert oracle, "the oracle finds no feasible portfolio"
    best = manifest["portfolios"][0]
    assert best["objective"] == pytest.approx(oracle[0].value, rel=1e-6, abs=1e-6)
    assert set(best["projects"]) in [set(s.ids) for s in oracle]


# ---------------------------------------------------------------------- costs of 0
def test_every_cost_zero_funds_every_eligible_project(tmp_path: Path) -> None:
    projects, countries = tiny_projects(), tiny_countries()
    projects[["cost_FY2026", "cost_FY2027"]] = 0.0
    _, out = solve_case(tmp_path, projects, countries, SIMPLE, 0, "-k", "2")
    manifest = assert_complete(out, "optimal")
    problem = problem_of(projects, countries, SIMPLE)
    best = manifest["portfolios"][0]
    # free, so every eligible project with a positive value is in (P-02/P-03 share a group)
    assert best["total_cost"] == 0.0
    assert {"P-01", "P-04", "P-05"} <= set(best["projects"])
    assert_optimal_as_brute_force(manifest, problem)


def test_every_cost_zero_under_share_rules_exits_3_with_the_rule(tmp_path: Path) -> None:
    """Nothing costs anything, so a minimum share of the budget cannot be reached."""
    projects, countries = tiny_projects(), tiny_countries()
    projects[["cost_FY2026", "cost_FY2027"]] = 0.0
    run, out = solve_case(tmp_path, projects, countries, TINY_POLICY, 3)
    assert "Pacific Islands" in run.err and "balance.min_region_share" in run.err
    assert_complete(out, "infeasible")


def test_a_free_project_is_funded_and_its_value_counted(tmp_path: Path) -> None:
    projects, countries = tiny_projects(), tiny_countries()
    projects.loc[3, ["cost_FY2026", "cost_FY2027"]] = 0.0  # P-04 costs nothing
    _, out = solve_case(tmp_path, projects, countries, SIMPLE, 0, "-k", "1")
    manifest = assert_complete(out, "optimal")
    problem = problem_of(projects, countries, SIMPLE)
    best = manifest["portfolios"][0]
    assert "P-04" in best["projects"]
    value = problem.value
    assert best["objective"] == pytest.approx(
        sum(value[p] * best.get("fractions", {}).get(p, 1.0) for p in best["projects"]))
    assert_optimal_as_brute_force(manifest, problem)


# ---------------------------------------------------------------------- nothing to choose
def test_no_eligible_project_gives_an_empty_optimal_portfolio(tmp_path: Path) -> None:
    projects, countries = tiny_projects(), tiny_countries()
    projects["status"] = "candidate"
    countries["oda_eligible"] = False
    _, out = solve_case(tmp_path, projects, countries, SIMPLE, 0)
    manifest = assert_complete(out, "optimal")
    assert [p["projects"] for p in manifest["portfolios"]] == [[]]  # no second one exists
    assert manifest["portfolios"][0]["objective"] == 0.0
    assert manifest["problem"]["eligible"] == 0


def test_no_eligible_project_under_a_region_minimum_exits_3_naming_it(tmp_path: Path) -> None:
    projects, countries = tiny_projects(), tiny_countries()
    projects["status"] = "candidate"
    countries["oda_eligible"] = False
    run, out = solve_case(tmp_path, projects, countries, TINY_POLICY, 3)
    assert "No eligible project is in region Pacific Islands" in run.err
    assert_complete(out, "infeasible")


def test_a_single_project(tmp_path: Path) -> None:
    projects = tiny_projects().iloc[[2]].reset_index(drop=True)  # P-03, Borealis
    projects[["requires", "exclusive_group"]] = ""
    _, out = solve_case(tmp_path, projects, tiny_countries(), SIMPLE, 0)
    manifest = assert_complete(out, "optimal")
    assert [p["projects"] for p in manifest["portfolios"]] == [["P-03"]]
    assert_optimal_as_brute_force(manifest, problem_of(projects, tiny_countries(), SIMPLE))


# ---------------------------------------------------------------------- budgets
def test_a_zero_budget_year_funds_only_projects_free_that_year(tmp_path: Path) -> None:
    policy = {**SIMPLE, "budget": {"FY2026": 2000.0, "FY2027": 0.0}}
    projects, countries = tiny_projects(), tiny_countries()
    _, out = solve_case(tmp_path, projects, countries, policy, 0, "-k", "2")
    manifest = assert_complete(out, "optimal")
    costs = projects.set_index("project_id")["cost_FY2027"]
    for portfolio in manifest["portfolios"]:
        assert all(costs[p] == 0 for p in portfolio["projects"])
        assert portfolio["cost_by_year"]["FY2027"] == 0.0
    assert_optimal_as_brute_force(manifest, problem_of(projects, countries, policy))


@pytest.mark.slow
def test_zero_budget_everywhere_in_solve_and_frontier(tmp_path: Path) -> None:
    """A zero total budget once divided by zero (diagnosis, frontier): now clean exits."""
    policy = {**SIMPLE, "budget": {"FY2026": 0.0, "FY2027": 0.0}}
    projects, countries = tiny_projects(), tiny_countries()
    book, toml = write_case(tmp_path / "in", projects, countries, policy)
    with inside(tmp_path):
        solved = osa("solve", book, "--policy", toml, "--out", tmp_path / "s", "-q")
        swept = osa("frontier", book, "--policy", toml, "--out", tmp_path / "f", "-q",
                    "--steps", "2")
    assert_clean(solved, 3)  # the mandatory P-01 costs 750 in FY2026
    assert "Mandatory P-01 alone needs ¥750m in FY2026; the budget is ¥0m" in solved.err
    assert_complete(tmp_path / "s", "infeasible")
    assert_clean(swept, 3)
    assert (tmp_path / "f" / "frontier.png").stat().st_size > 0

    projects["status"] = "candidate"  # nothing forced: the empty portfolio is optimal
    book, toml = write_case(tmp_path / "in2", projects, countries, policy)
    with inside(tmp_path):
        swept = osa("frontier", book, "--policy", toml, "--out", tmp_path / "f2", "-q",
                    "--steps", "2")
    assert_clean(swept, 0)
    manifest = assert_complete(tmp_path / "f2", "optimal")
    assert manifest["portfolios"][0]["projects"] == []


def test_mandatory_project_above_the_budget_exits_3_with_a_diagnosis(tmp_path: Path) -> None:
    projects, countries = tiny_projects(), tiny_countries()
    projects.loc[0, "cost_FY2026"] = 5000.0  # P-01 is mandatory, the budget 2,000
    run, out = solve_case(tmp_path, projects, countries, SIMPLE, 3)
    assert "Mandatory P-01 alone needs ¥5,000m in FY2026; the budget is ¥2,000m" in run.err
    assert "check its cost_FY2026 (in ¥ million), make it a candidate" in run.err
    manifest = assert_complete(out, "infeasible")
    assert manifest["portfolios"] == []
    with inside(tmp_path):
        explained = osa("explain", "P-03", tmp_path / "in" / "input.xlsx",
                        "--policy", tmp_path / "in" / "policy.toml")
    assert_clean(explained, 3)
    assert "cannot be met" in explained.err


# ---------------------------------------------------------------------- values of 0
@pytest.mark.parametrize("weights", [{"security": 0.0, "humanitarian": 0.0}, {}],
                         ids=["all-zero", "none"])
def test_weights_that_make_every_value_zero(tmp_path: Path, weights: dict[str, float]) -> None:
    """Every portfolio is optimal (value 0): any may come back, but cleanly and complete."""
    policy = {**SIMPLE, "objective": {"weights": weights}}
    projects, countries = tiny_projects(), tiny_countries()
    run, out = solve_case(tmp_path, projects, countries, policy, 0, "-k", "3")
    manifest = assert_complete(out, "optimal")
    assert manifest["portfolios"] and all(p["objective"] == 0.0
                                          for p in manifest["portfolios"])
    assert "P-01" in manifest["portfolios"][0]["projects"]  # mandatory all the same
    with inside(tmp_path):
        explained = osa("explain", "P-03", tmp_path / "in" / "input.xlsx",
                        "--policy", tmp_path / "in" / "policy.toml")
    assert_clean(explained, 0)


# ---------------------------------------------------------------------- size
def knapsack(values: np.ndarray, costs: np.ndarray, capacity: int) -> float:
    """Best total value of items with whole costs within ``capacity`` (exact DP)."""
    best = np.zeros(capacity + 1)
    for v, c in zip(values, costs, strict=True):
        if c <= capacity:
            best[c:] = np.maximum(best[c:], best[:capacity + 1 - c] + v)
    return float(best[-1])


@pytest.mark.slow
def test_2000_projects_in_one_country(tmp_path: Path) -> None:
    n = 2000
    rng = np.random.default_rng(7)
    costs = rng.integers(1, 100, n)
    projects = pd.DataFrame({
        "project_id": [f"B-{i:04d}" for i in range(n)], "title": "Rescue boat",
        "country": "Borealis", "field": "search_and_rescue", "assistance_type": "equipment",
        "cost_FY2026": costs.astype(float), "cost_FY2027": 0.0,
        "score_security": rng.uniform(0, 10, n).round(2),
        "score_humanitarian": rng.uniform(0, 10, n).round(2)})
    _, out = solve_case(tmp_path, projects, tiny_countries(), SIMPLE, 0, "-k", "1")
    manifest = assert_complete(out, "optimal")
    best = manifest["portfolios"][0]
    values = (0.6 * projects["score_security"] + 0.4 * projects["score_humanitarian"]).to_numpy()
    assert best["objective"] == pytest.approx(knapsack(values, costs, 2000), rel=1e-6)
    assert best["cost_by_year"]["FY2026"] <= 2000.0
    assert best["n_countries"] == 1


# The whole module runs full CLI commands or whole input files: in the full suite, not in
# the fast loop (pytest -m "not slow").
pytestmark = pytest.mark.slow


def test_a_round_with_no_eligible_project_gets_its_status_not_a_crash() -> None:
    """With no eligible project the objective is the stand-in Var ``m.empty`` itself; the
    build kept it for telling a hand-made objective apart and Pyomo refused to own it twice
    (RuntimeError "Attempting to re-assign the component 'empty'") in every solve."""
    from test_independent_bruteforce import problem_of

    import osa_opt

    problem = problem_of(11)
    assert len(problem.eligible) == 0
    result = osa_opt.solve(problem, explain=True)
    assert result.status.name == "INFEASIBLE" and not result.portfolios
