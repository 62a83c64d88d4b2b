"""Infeasibility diagnosis: crafted infeasible inputs, each with its rule and amount."""

from __future__ import annotations

import copy
import json
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pyomo.environ as pyo
import pytest
from test_why import countries_frame as countries_with_caps
from test_why import model_state

import osa_opt
from osa_opt.analysis.diagnose import diagnose
from osa_opt.cli import cli
from osa_opt.cli.common import run_cli
from osa_opt.errors import InputError
from osa_opt.inputs.policy import Policy
from osa_opt.inputs.problem import Problem
from osa_opt.model import build_model
from osa_opt.result import Status
from osa_opt.solving.solver import Solver
from osa_opt.workflows import solve

BASE_POLICY: dict[str, Any] = {
    "name": "diagnose", "budget": {"FY2026": 2000.0, "FY2027": 500.0},
    "objective": {"weights": {"security": 1.0}},
}


def base_projects() -> pd.DataFrame:
    """Two mandatory projects (¥600m + ¥700m in FY2026); Dravina's P-05 is not eligible."""
    return pd.DataFrame({
        "project_id": ["P-01", "P-02", "P-03", "P-04", "P-05"],
        "title": ["Coastal radars", "Heavy machinery", "Rescue boats", "Patrol boats",
                  "Field hospital"],
        "country": ["Aurelia", "Borealis", "Caldera", "Aurelia", "Dravina"],
        "field": ["maritime_surveillance", "disaster_relief", "search_and_rescue",
                  "maritime_surveillance", "medical"],
        "assistance_type": ["equipment"] * 5,
        "cost_FY2026": [600.0, 700.0, 300.0, 500.0, 200.0],
        "cost_FY2027": [0.0, 100.0, 0.0, 100.0, 0.0],
        "score_security": [5.0, 6.0, 7.0, 4.0, 8.0],
        "status": ["mandatory", "mandatory", "candidate", "candidate", "candidate"],
        "status_reason": ["Summit commitment", "Second tranche", "", "", ""],
    })


def countries_frame() -> pd.DataFrame:
    """Four countries without caps of their own; Dravina has no management agreement."""
    countries = countries_with_caps()
    countries["max_share"] = None
    return countries


def problem_with(**changes: Any) -> Problem:
    """The base instance with policy sections replaced (``budget=..., priority=...``)."""
    policy = copy.deepcopy(BASE_POLICY)
    policy.update(changes)
    return Problem.from_frames(base_projects(), countries_frame(), Policy.from_dict(policy))


CASES = {
    "mandatory over budget": dict(budget={"FY2026": 1000.0, "FY2027": 500.0}),
    "tier share no candidate can meet": dict(priority={"min_tier_share": {3: 0.5}}),
    "min_countries above the countries with projects": dict(priority={"min_countries": 4}),
    "field minimum with no eligible project": dict(
        balance={"min_field_share": {"medical": 0.1}}),
}


def test_the_base_instance_is_feasible_and_needs_no_diagnosis() -> None:
    problem = problem_with()
    assert solve(problem, portfolios=1).status == Status.OPTIMAL
    assert diagnose(problem) == []


def test_mandatory_projects_over_budget() -> None:
    (entry,) = diagnose(problem_with(**CASES["mandatory over budget"]))
    assert entry["rule"] == "budget[FY2026]" and entry["policy_key"] == "budget.FY2026"
    assert entry["amount"] == pytest.approx(300.0)  # ¥600m + ¥700m mandatory, ¥1,000m budget
    assert entry["bound"] == 1000.0 and entry["needed"] == pytest.approx(1300.0)
    assert entry["unit"] == "¥ million"
    assert entry["message"] == ("Mandatory projects need ¥1,300m in FY2026 but the budget is "
                                "¥1,000m: raise the budget by ¥300m or drop one of P-02 or "
                                "P-01.")


def test_a_tier_share_no_candidate_can_meet() -> None:
    (entry,) = diagnose(problem_with(**CASES["tier share no candidate can meet"]))
    # 50% of ¥2,500m is ¥1,250m; Caldera's P-03 (¥300m) is the only tier-3 project.
    assert entry["rule"] == "tier_share[3]"
    assert entry["amount"] == pytest.approx(950.0)
    assert entry["policy_key"] == "priority.min_tier_share.3"
    assert "lower priority.min_tier_share.3 to 12% (by ¥950m)" in entry["message"]


def test_min_countries_above_the_countries_with_eligible_projects() -> None:
    (entry,) = diagnose(problem_with(**CASES["min_countries above the countries with projects"]))
    assert entry["rule"] == "min_countries" and entry["unit"] == "countries"
    assert entry["amount"] == 1.0 and entry["needed"] == 3.0
    assert entry["message"] == ("Only 3 countries have an eligible project, but "
                                "priority.min_countries is 4: lower it to 3 (by 1).")


def test_a_field_minimum_with_no_eligible_project_in_the_field() -> None:
    problem = problem_with(**CASES["field minimum with no eligible project"])
    assert "field_min_share[medical]" in {c.name for c in build_model(problem)
                                          .component_data_objects(pyo.Constraint)}
    (entry,) = diagnose(problem)
    assert entry["rule"] == "field_min_share[medical]"
    assert entry["amount"] == pytest.approx(250.0)  # 10% of ¥2,500m, all of it missing
    assert entry["message"].startswith("No eligible project is in field medical, but "
                                       "balance.min_field_share.medical asks for 10%")


@pytest.mark.parametrize("requires, chain", [
    ({"P-01": "P-05"}, "P-01 → P-05"),
    ({"P-01": "P-04", "P-04": "P-05"}, "P-01 → P-04 → P-05")])
def test_a_mandatory_project_kept_out_by_a_requirement_is_refused_as_input(
        requires: dict[str, str], chain: str) -> None:
    """P-01 mandatory requires (through P-04) P-05, which no management agreement makes
    ineligible: the solve was infeasible and the diagnosis named the chain; the round can
    never be met, so it is now refused as input, before solving, naming the chain."""
    projects = base_projects()
    projects["requires"] = [requires.get(p, "") for p in projects["project_id"]]
    with pytest.raises(InputError) as caught:
        Problem.from_frames(projects, countries_frame(), Policy.from_dict(BASE_POLICY))
    (issue,) = caught.value.issues
    assert (issue.column, issue.value) == ("requires", chain)
    assert issue.rule.startswith("mandatory project P-01 requires P-05 (at index ")
    assert ("which is not eligible (no management agreement: Dravina has no "
            "appropriate-management / prior-consent terms, as its management_agreement cell "
            "says)") \
        in issue.rule
    assert issue.hint.startswith("make P-05 eligible")


def test_two_conflicts_at_once_are_both_reported_counts_first() -> None:
    problem = problem_with(budget={"FY2026": 1000.0, "FY2027": 500.0},
                           priority={"min_countries": 5})
    entries = diagnose(problem)
    assert [e["rule"] for e in entries] == ["min_countries", "budget[FY2026]"]
    # Counts move first (5 -> 3 countries); funding all three then needs P-03 too:
    # ¥600m + ¥700m mandatory + ¥300m = ¥1,600m against ¥1,000m.
    assert entries[0]["amount"] == 2.0 and entries[1]["amount"] == pytest.approx(600.0)
    assert entries[1]["message"] == ("The rules need ¥1,600m in FY2026 but the budget is "
                                     "¥1,000m: raise the budget (budget.FY2026) by ¥600m to "
                                     "¥1,600m.")


@pytest.mark.parametrize("case", list(CASES))
def test_solve_reports_the_diagnosis_and_leaves_the_model_alone(case: str) -> None:
    problem = problem_with(**CASES[case])
    result = solve(problem, portfolios=2)
    assert result.status == Status.INFEASIBLE and result.portfolios == []
    assert result.diagnosis == diagnose(problem)
    assert result.message == result.diagnosis[0]["message"]
    json.dumps(result.diagnosis)
    solver = Solver(problem)
    before = model_state(solver.model)
    assert diagnose(problem, solver) == result.diagnosis  # on a clone of the solver's model
    assert model_state(solver.model) == before and not hasattr(solver.model, "elastic_slack")


def test_a_conflict_in_constraints_a_user_added_is_said_so() -> None:
    problem = problem_with()
    model = build_model(problem)
    model.impossible = pyo.Constraint(expr=model.x["P-03"] + model.x["P-04"] >= 3)
    result = solve(problem, portfolios=1, model=model)
    assert result.status == Status.INFEASIBLE
    # the user's row is named (issue 15), with how far it must move
    assert result.diagnosis[0]["rule"] == "impossible"
    assert result.diagnosis[0]["family"] == "extension"
    assert "row impossible added to the model" in result.message.lower()
    assert result.diagnosis[0]["amount"] == 1.0


def test_a_users_row_with_big_numbers_reads_them_in_full() -> None:
    """A row of one's own in ¥ million asking for ¥1,234,567m: "needs at least 1.23457e+06"
    was an exponent and lost digits; now every digit, with thousands separators."""
    problem = problem_with()
    model = build_model(problem)
    model.big_programme = pyo.Constraint(
        expr=600 * model.x["P-01"] + 700 * model.x["P-02"] + 300 * model.x["P-03"]
        + 500 * model.x["P-04"] >= 1234567.5)
    result = solve(problem, portfolios=1, model=model)
    assert result.status == Status.INFEASIBLE
    message = result.diagnosis[0]["message"]
    assert "needs at least 1,234,567.5 but the other rules allow at most 2,099.5: lower its " \
           "bound by 1,232,468, or drop the row" in message, message
    assert "e+0" not in result.message


def test_cli_solve_exits_3_and_run_json_holds_the_diagnosis(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, write_csv: Any,
        capfd: pytest.CaptureFixture[str]) -> None:
    folder = write_csv(tmp_path / "round", base_projects(), countries_frame())
    policy = tmp_path / "policy.toml"
    policy.write_text(Policy.from_dict(BASE_POLICY).to_toml(), encoding="utf-8")
    monkeypatch.setattr(sys, "argv", ["osa-opt", "solve", str(folder), "--policy", str(policy),
                                      "--budget", "FY2026=1000", "--out", str(tmp_path / "run")])
    assert run_cli(cli) == 3
    err = capfd.readouterr().err
    assert "Mandatory projects need ¥1,300m in FY2026" in err
    manifest = json.loads((tmp_path / "run" / "run.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "infeasible"
    (entry,) = manifest["diagnosis"]
    assert entry["rule"] == "budget[FY2026]" and entry["amount"] == pytest.approx(300.0)
    assert entry["message"].startswith("Mandatory projects need")


def test_a_zero_budget_is_named_and_no_share_is_advised() -> None:
    """Found in the first session: with no budget at all the diagnosis advised raising a
    country's share cap "to 0%". Caps are shares of the budget; only the budget helps."""
    problem = osa_opt.load_problem().with_policy(
        overrides={"budget": {"FY2026": 0.0}, "priority.max_country_share": 0.3})
    result = solve(problem)
    assert result.status == Status.INFEASIBLE
    messages = [d["message"] for d in result.diagnosis]
    assert any("in FY2026; the budget is ¥0m" in m for m in messages), messages
    assert not any("0.0%" in m for m in messages), messages
    caps = [m for m in messages if "cap" in m]
    assert caps and all(m.endswith("which is ¥0m: raise the budget.") for m in caps), caps


def test_a_mandatory_project_above_the_whole_budget_is_named_first_with_its_amount() -> None:
    # a cost typed in ¥ thousand (600,000 for ¥600m) makes one project outgrow the budget
    projects = base_projects()
    projects.loc[0, "cost_FY2026"] = 900.0
    problem = Problem.from_frames(projects, countries_frame(), Policy.from_dict(
        {**BASE_POLICY, "budget": {"FY2026": 800.0, "FY2027": 500.0}}))
    (entry,) = diagnose(problem)
    assert entry["rule"] == "budget[FY2026]"
    assert entry["message"].startswith(
        "Mandatory P-01 alone needs ¥900m in FY2026; the budget is ¥800m")
    assert "check its cost_FY2026 (in ¥ million)" in entry["message"]


def test_a_budget_too_large_for_the_share_rules_never_advises_raising_it(
        capfd: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        tmp_path: Path) -> None:
    """The shipped example at ¥100,000m in FY2026 under the strict illustrative round: the
    minimum shares of the budget outgrow what their projects cost. Raising the budget would
    make it worse."""
    strict = Path(__file__).resolve().parents[1] / "models" / "strict_round.toml"
    monkeypatch.setattr(sys, "argv", ["osa-opt", "solve", "--budget", "FY2026=100000",
                                      "--policy", str(strict),
                                      "--out", str(tmp_path / "run"), "--quiet"])
    assert run_cli(cli) == 3
    said = " ".join(capfd.readouterr().err.split())
    assert "raise the budget" not in said.lower()
    assert "a minimum share of the budget cannot be reached" in said
    assert ("the FY2026 budget of ¥100,000m is more than all eligible projects ask for in "
            "FY2026") in said
    assert "field disaster relief minimum" in said and "disaster_relief minimum" not in said
    assert "?." not in said  # "is it meant?" ends its sentence
    manifest = json.loads((tmp_path / "run" / "run.json").read_text(encoding="utf-8"))
    for entry in manifest["diagnosis"]:
        assert "raise" not in entry["message"].lower(), entry["message"]
        assert entry["rule"].split("[")[0] in ("tier_share", "field_min_share",
                                              "region_min_share")


def test_a_minimum_with_nothing_left_is_removed_not_lowered_to_zero_percent() -> None:
    # P-03, the only tier-3 project, is exclusive with mandatory P-01: the other rules leave
    # ¥0 for the tier-3 minimum, and "lower it to 0.0%" would mean "remove it"
    projects = base_projects()
    projects["exclusive_group"] = ["G", "", "G", "", ""]
    problem = Problem.from_frames(projects, countries_frame(), Policy.from_dict(
        {**BASE_POLICY, "priority": {"min_tier_share": {3: 0.1}}}))
    (entry,) = diagnose(problem)
    assert entry["rule"] == "tier_share[3]"
    assert "0.0%" not in entry["message"] and " to 0%" not in entry["message"]
    assert "set priority.min_tier_share.3 to 0 (no minimum)" in entry["message"]


@pytest.mark.parametrize(("amount", "total", "up", "text"), [
    (18100, 106000, False, "17%"), (30, 100000, False, "0.03%"), (2, 1000000, False, "0.0002%"),
    (1205, 24100, True, "5%"), (1206, 24100, True, "5.1%")])
def test_a_share_in_advice_never_reads_zero(amount: float, total: float, up: bool,
                                            text: str) -> None:
    from osa_opt.analysis.diagnose import _share_text

    assert _share_text(amount, total, up) == text
