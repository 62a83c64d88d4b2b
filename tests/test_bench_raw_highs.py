"""benchmarks/raw_highs.py builds the same MIP as osa-opt, so bench_process.py compares like
with like: on the shipped example (as shipped and under stricter gates), synthetic rounds and the tiny round under policies that
switch on every constraint family, its optimum equals ``osa_opt.solve``'s.

The inputs go through CSV files, as in the benchmark; the raw program reads them with the
csv module and the policy TOML osa-opt wrote.
"""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path
from typing import Any

import highspy
import pandas as pd
import pytest
from conftest import TINY_POLICY, tiny_countries, tiny_projects

import osa_opt
from osa_opt.inputs.policy import Policy
from osa_opt.solving.solver import Solver

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import raw_highs  # noqa: E402
from benchmarks.synthetic import make_policy, make_raw_frames  # noqa: E402


def write_round(folder: Path, projects: pd.DataFrame, countries: pd.DataFrame,
                policy: Policy) -> Path:
    folder.mkdir()
    projects.to_csv(folder / "projects.csv", index=False)
    countries.to_csv(folder / "countries.csv", index=False)
    path = folder / "policy.toml"
    path.write_text(policy.to_toml(), encoding="utf-8")
    return path


def assert_same_optimum(folder: Path, policy_path: Path) -> bool:
    """osa-opt and the raw program agree on a CSV round: the same optimum, or both find that
    the policy cannot be met. Returns whether it could be met."""
    result = osa_opt.solve(osa_opt.load_problem(folder, policy=policy_path), portfolios=1)
    policy = tomllib.loads(policy_path.read_text(encoding="utf-8"))
    columns, rows, _ = raw_highs.build(folder, policy)
    status, raw, *_ = raw_highs.solve(columns, rows, policy["solver"])
    if not result.portfolios:
        assert (status, raw) == ("Infeasible", None), result.message
        return False
    assert status == "Optimal"
    assert result.best.objective == pytest.approx(raw, rel=1e-9)
    return True


def example_frames() -> tuple[pd.DataFrame, pd.DataFrame]:
    book = pd.ExcelFile(osa_opt.example_path())
    return pd.read_excel(book, "projects"), pd.read_excel(book, "countries")


def test_the_shipped_example(tmp_path: Path) -> None:
    """The example as shipped (as bench_process.py writes it): project-level gates, a
    country's override, several fields per project, the country factor, the risk limit
    met by a mitigation, equipment categories."""
    projects, countries = example_frames()
    path = write_round(tmp_path / "example", projects, countries, osa_opt.load_problem().policy)
    assert assert_same_optimum(tmp_path / "example", path)


def test_the_example_under_strict_gates(tmp_path: Path) -> None:
    """Every gate and waiver decides something: a project's override of its risk and of
    its country's governance, typed prior-consent and UN Charter flags, a narrower list of
    equipment categories, field shares over projects of several fields, other weights of
    the considerations."""
    projects, countries = example_frames()
    at = projects.set_index("project_id").index.get_loc
    for column in ("override", "override_reason", "prior_consent", "un_charter"):
        projects[column] = projects[column].astype(object)
    projects.loc[at("P-28"), ["override", "override_reason"]] = [True, "audited end use"]
    projects.loc[at("P-33"), ["override", "override_reason"]] = [True, "summit pledge"]
    projects.loc[at("P-13"), "prior_consent"] = False   # no clauses although the country has
    projects.loc[at("P-21"), "prior_consent"] = True    # clauses although Dravina has none
    projects.loc[at("P-14"), "un_charter"] = False
    policy = osa_opt.load_problem().policy.override({
        "eligibility.min_democracy": 5.0, "eligibility.max_risk": 0.2,
        "eligibility.equipment_categories": ["rescue", "warning", "surveillance"],
        "objective.considerations": {"democracy": 2.0, "bilateral_relations": 1.0},
        "objective.consideration_strength": 0.6,
        "balance.min_field_share": {"disaster_relief": 0.08},
        "balance.max_field_share": {"maritime_surveillance": 0.25}})
    path = write_round(tmp_path / "strict", projects, countries, policy)
    problem = osa_opt.load_problem(tmp_path / "strict", policy=path)
    reasons = problem.eligibility["reasons"].map(len)
    overrides = problem.eligibility["overrides"].map(len)
    assert reasons[["P-13", "P-14", "P-30"]].gt(0).all()     # no consent, Charter, risk
    assert reasons["P-21"] == 0 and overrides[["P-28", "P-33"]].gt(0).all()
    assert assert_same_optimum(tmp_path / "strict", path)


@pytest.mark.parametrize(("n", "years", "seed"), [
    (120, 1, 0), (300, 2, 1), (400, 3, 2), pytest.param(600, 3, 0, marks=pytest.mark.slow)])
def test_synthetic_rounds(tmp_path: Path, n: int, years: int, seed: int) -> None:
    projects, countries, budget = make_raw_frames(n, years, seed)
    path = write_round(tmp_path / "round", projects.drop(columns="_row"),
                       countries.drop(columns="_row"), make_policy(countries, budget, 60.0))
    assert_same_optimum(tmp_path / "round", path)


POLICIES: dict[str, dict[str, Any]] = {  # each switches on families the others leave off
    "as given": {},
    "tiers": {"priority": {"min_tier_share": {1: 0.2, 2: 0.1}, "fund_every_tier": [1, 2],
                           "max_country_share": 0.5, "min_countries": 2}},
    "field and region caps": {"balance": {"min_field_share": {"search_and_rescue": 0.05},
                                          "max_field_share": {"disaster_relief": 0.2},
                                          "max_region_share": {"Pacific Islands": 0.3}}},
    "strict eligibility": {"eligibility": {"min_democracy": 6.0},
                           "objective": {"risk_aversion": 2.0,
                                         "tier_multiplier": {1: 2.0, 2: 1.0, 3: 0.5}}},
    "most partners": {"priority": {"max_countries": 2}},
    "smallest package": {"priority": {"min_package": 700.0}},
}


@pytest.mark.parametrize("name", sorted(POLICIES))
@pytest.mark.parametrize("units", [False, True], ids=["plain", "units and signed"])
def test_the_tiny_round_under_every_family(tmp_path: Path, name: str, units: bool) -> None:
    raw_policy = {**TINY_POLICY}
    for section, values in POLICIES[name].items():
        raw_policy[section] = {**raw_policy.get(section, {}), **values}
    projects = tiny_projects()
    if units:  # P-04 in 1-4 whole units, P-05 in 2-3; P-02 signed, so fixed in
        projects["units_max"] = [None, None, None, 4, 3, None]
        projects["units_min"] = [None, None, None, None, 2, None]
        projects["stage"] = ["", "signed", "", "", "", ""]
    path = write_round(tmp_path / "tiny", projects, tiny_countries(),
                       Policy.from_dict(raw_policy))
    assert_same_optimum(tmp_path / "tiny", path)


def highs_arrays(h: Any) -> dict[str, list[float]]:
    """The model a ``highspy.Highs`` holds, column-wise, as plain lists."""
    lp = h.getLp()
    matrix = lp.a_matrix_
    if matrix.format_ != highspy.MatrixFormat.kColwise:  # addRows leaves it row-wise
        h.passModel(lp)  # the same model, stored column-wise
        lp = h.getLp()
        matrix = lp.a_matrix_
    return {"cost": list(lp.col_cost_), "col_lower": list(lp.col_lower_),
            "col_upper": list(lp.col_upper_), "integrality": [int(i) for i in lp.integrality_],
            "row_lower": list(lp.row_lower_), "row_upper": list(lp.row_upper_),
            "start": list(matrix.start_), "index": list(matrix.index_),
            "value": list(matrix.value_)}


@pytest.mark.parametrize(("n", "years", "seed"), [(300, 2, 1), (400, 3, 2)])
def test_osa_opt_hands_highs_the_raw_programs_matrix(tmp_path: Path, n: int, years: int,
                                                      seed: int) -> None:
    """Same columns and rows in the same order (x, then f, then z; each partial_max after
    its partial_min), so HiGHS walks the same tree on both and the benchmark's ratio
    measures osa-opt, not luck in the search."""
    projects, countries, budget = make_raw_frames(n, years, seed)
    path = write_round(tmp_path / "round", projects.drop(columns="_row"),
                       countries.drop(columns="_row"), make_policy(countries, budget, 60.0))
    problem = osa_opt.load_problem(tmp_path / "round", policy=path)
    solver = Solver(problem)
    solver.opt.config.time_limit = 1e-3  # loading is what is compared
    solver.solve_once()
    policy = tomllib.loads(path.read_text(encoding="utf-8"))
    columns, rows, _ = raw_highs.build(tmp_path / "round", policy)
    ours = highs_arrays(solver.highs)
    raw = highs_arrays(raw_highs.load(columns, rows, policy["solver"]))
    assert len(problem.eligible) < len(ours["cost"]) and solver.model.f  # x, f and z
    assert ours["integrality"] == raw["integrality"]
    for key in ("start", "index"):
        assert ours[key] == raw[key], key
    for key in ("cost", "col_lower", "col_upper", "row_lower", "row_upper", "value"):
        assert ours[key] == pytest.approx(raw[key], rel=1e-12), key
