"""Back-test: the real OSA rounds FY2023-FY2025 pass the shipped default policy.

Each round's confirmed packages (``inputs/real_rounds/``, from the public record) are the
only candidates, with that year's initial budget, under ``models/default.toml``: the input
is accepted and every real package is funded. Governance is weighed, not a gate, so this
holds whatever the (neutral) assessments of the real countries are set to.
"""

from __future__ import annotations

import filecmp
import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import osa_opt
from osa_opt.errors import InputError
from osa_opt.inputs.policy import Policy
from osa_opt.inputs.readers import read_tables
from osa_opt.result import Status

ROOT = Path(__file__).resolve().parents[1]
ROUNDS = ROOT / "inputs" / "real_rounds"
YEARS = ["FY2023", "FY2024", "FY2025"]


def _generator():
    spec = importlib.util.spec_from_file_location("make_real_rounds",
                                                  ROOT / "inputs" / "make_real_rounds.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


GEN = _generator()


def year_policy(fy: str, path: Path = ROOT / "models" / "default.toml") -> Policy:
    return Policy.load(path, overrides={"budget": {fy: GEN.budgets()[fy]}})


def raw_round(fy: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    projects, countries, _ = read_tables(ROUNDS / fy)
    return projects, countries


def funds_everything(problem: osa_opt.Problem) -> None:
    assert problem.eligibility["eligible"].all(), problem.eligibility["reasons"].to_dict()
    result = osa_opt.solve(problem, portfolios=1)
    best = result.portfolios[0]
    assert best.fractions == {p: pytest.approx(1.0) for p in problem.projects.index}


def test_the_rounds_are_the_records_confirmed_packages() -> None:
    record = pd.read_csv(ROOT / "inputs" / "domain" / "osa_public_record.csv")
    confirmed = record[record["amount_status"] == "confirmed"]
    for fy in YEARS:
        projects, countries = raw_round(fy)
        rows = confirmed[confirmed["fiscal_year"] == int(fy[2:])]
        assert sorted(projects["project_id"]) == sorted(rows["project_id"])
        cost = projects.set_index("project_id")[f"cost_{fy}"].astype(float)
        assert (cost * 1e6).to_dict() == rows.set_index("project_id")["amount_jpy"].astype(
            float).to_dict()
        # one package per partner, as one exchange of notes per partner and year
        assert projects["country"].is_unique
    assert {fy: len(raw_round(fy)[0]) for fy in YEARS} == {"FY2023": 4, "FY2024": 4,
                                                           "FY2025": 5}
    assert GEN.budgets() == {"FY2023": 2000.0, "FY2024": 5000.0, "FY2025": 8100.0,
                             "FY2026": 18100.0}


@pytest.mark.parametrize("fy", YEARS)
def test_each_real_round_passes_the_default_policy(fy: str) -> None:
    problem = osa_opt.load_problem(ROUNDS / fy, policy=year_policy(fy))
    funds_everything(problem)


@pytest.mark.parametrize("fy", YEARS)
@pytest.mark.parametrize("assessment", ["zero", "ten", "random"])
def test_the_rounds_pass_whatever_the_assessments(fy: str, assessment: str) -> None:
    projects, countries = raw_round(fy)
    rng = np.random.default_rng(len(fy) + len(assessment))
    for column in ("democracy", "rule_of_law", "human_rights"):
        countries[column] = {"zero": np.zeros(len(countries)),
                             "ten": np.full(len(countries), 10.0),
                             "random": rng.uniform(0, 10, len(countries)).round(1)}[assessment]
    problem = osa_opt.Problem.from_frames(projects, countries, year_policy(fy))
    funds_everything(problem)


def test_fy2025_with_the_reported_indonesian_package_too() -> None:
    rows = GEN.record("confirmed") + GEN.record("reported")
    rows = [r for r in rows if r["fiscal_year"] == "2025"]
    projects, countries = (pd.DataFrame(t) for t in GEN.round_tables(rows, "FY2025"))
    assert "OSA-2025-IDN" in set(projects["project_id"])
    funds_everything(osa_opt.Problem.from_frames(projects, countries, year_policy("FY2025")))


def test_the_strict_illustrative_policy_would_have_rejected_fy2024() -> None:
    """No Pacific partner for a Pacific floor; Philippines 32% against a 30% cap, four
    partners against six."""
    policy = year_policy("FY2024", ROOT / "models" / "strict_round.toml")
    with pytest.raises(InputError, match="min_region_share.Pacific Islands': no country is "
                       "in this region"):
        osa_opt.load_problem(ROUNDS / "FY2024", policy=policy)
    policy = policy.override({"balance.min_region_share": {}})
    problem = osa_opt.load_problem(ROUNDS / "FY2024", policy=policy)
    result = osa_opt.solve(problem, portfolios=1)
    assert result.status == Status.INFEASIBLE and not result.portfolios
    # the same round passes once the cap and the partner minimum are the real round's
    looser = problem.with_policy(overrides={"priority.max_country_share": 0.32,
                                            "priority.min_countries": 4,
                                            "priority.min_tier_share": {},
                                            "balance.min_field_share": {}})
    funds_everything(looser)


def test_regenerating_gives_the_same_files(tmp_path: Path) -> None:
    for folder in GEN.main(tmp_path, notes=tmp_path / "real_rounds.json"):
        for name in ("projects.csv", "countries.csv"):
            assert filecmp.cmp(folder / name, ROUNDS / folder.name / name, shallow=False)
    assert filecmp.cmp(tmp_path / "README.md", ROUNDS / "README.md", shallow=False)
    assert filecmp.cmp(tmp_path / "real_rounds.json",
                       ROOT / "osa_opt" / "data" / "real_rounds.json", shallow=False)
