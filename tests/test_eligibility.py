"""Eligibility: every reason a project fails is listed, in a fixed order, not only the first."""

from __future__ import annotations

from typing import Any

import pandas as pd

from osa_opt.inputs.eligibility import (
    BELOW_DEMOCRACY,
    BELOW_HUMAN_RIGHTS,
    BELOW_RULE_OF_LAW,
    FIELD_NOT_ALLOWED,
    NO_MANAGEMENT_AGREEMENT,
    NOT_ODA_ELIGIBLE,
    PARTY_TO_CONFLICT,
    STATUS_EXCLUDED,
    country_reasons,
)
from osa_opt.inputs.policy import Policy
from osa_opt.inputs.problem import Problem

Frames = tuple[pd.DataFrame, pd.DataFrame, Policy]


def with_country(countries: pd.DataFrame, name: str, **values: Any) -> pd.DataFrame:
    out = countries.copy()
    for column, value in values.items():
        out[column] = out[column].astype(object)
        out.loc[out["country"] == name, column] = value
    return out


def codes(reasons: list[str]) -> list[str]:
    return [r.split(":")[0] for r in reasons]


def test_valid_tiny_input_only_excluded_is_ineligible(tiny_frames: Frames) -> None:
    problem = Problem.from_frames(*tiny_frames)
    e = problem.eligibility
    assert list(problem.eligible) == ["P-01", "P-02", "P-03", "P-04", "P-05"]
    assert e.loc["P-06", "reasons"] == [f"{STATUS_EXCLUDED}: Site not available"]
    assert e.loc["P-01", "reasons"] == []


def test_country_failing_three_rules_gives_three_reasons(tiny_frames: Frames) -> None:
    projects, countries, policy = tiny_frames
    countries = with_country(countries, "Caldera", oda_eligible=False, party_to_conflict=True,
                             democracy=2.0)
    problem = Problem.from_frames(projects, countries, policy)
    reasons = problem.eligibility.loc["P-05", "reasons"]
    assert codes(reasons) == [NOT_ODA_ELIGIBLE, PARTY_TO_CONFLICT, BELOW_DEMOCRACY]
    assert "Caldera scores 2, min_democracy is 4" in reasons[2]
    excluded = problem.eligibility.loc["P-06", "reasons"]  # same country, also excluded
    assert codes(excluded) == [NOT_ODA_ELIGIBLE, PARTY_TO_CONFLICT, BELOW_DEMOCRACY,
                               STATUS_EXCLUDED]


def test_every_country_rule_at_once(tiny_frames: Frames) -> None:
    projects, countries, policy = tiny_frames
    countries = with_country(countries, "Borealis", oda_eligible=False, party_to_conflict=True,
                             management_agreement=False, democracy=1.0, rule_of_law=1.0,
                             human_rights=1.0)
    problem = Problem.from_frames(projects, countries, policy)
    assert codes(country_reasons(problem.countries, problem.policy)["Borealis"]) == [
        NOT_ODA_ELIGIBLE, PARTY_TO_CONFLICT, NO_MANAGEMENT_AGREEMENT, BELOW_DEMOCRACY,
        BELOW_RULE_OF_LAW, BELOW_HUMAN_RIGHTS]
    assert country_reasons(problem.countries, problem.policy)["Aurelia"] == []
    assert problem.summary()["ineligible_by_reason"][NOT_ODA_ELIGIBLE] == 2  # P-03, P-04


def test_field_not_allowed_is_listed_with_country_reasons(tiny_frames: Frames) -> None:
    projects, countries, policy = tiny_frames
    fields = [f for f in policy.eligibility.fields if f != "airspace_surveillance"]
    countries = with_country(countries, "Caldera", management_agreement=False)
    problem = Problem.from_frames(projects, countries,
                                  policy.override({"eligibility.fields": fields}))
    reasons = problem.eligibility.loc["P-05", "reasons"]
    assert codes(reasons) == [FIELD_NOT_ALLOWED, NO_MANAGEMENT_AGREEMENT]
    assert "airspace_surveillance" in reasons[0]


def test_status_excluded_without_a_reason(tiny_frames: Frames) -> None:
    projects, countries, policy = tiny_frames
    projects = projects.assign(status_reason="")
    problem = Problem.from_frames(projects, countries, policy)
    (reason,) = problem.eligibility.loc["P-06", "reasons"]
    assert reason.startswith(STATUS_EXCLUDED) and "marked excluded" in reason


def test_policy_switches_turn_rules_off(tiny_frames: Frames) -> None:
    projects, countries, policy = tiny_frames
    countries = with_country(countries, "Caldera", oda_eligible=False, party_to_conflict=True,
                             management_agreement=False, democracy=0.5)
    relaxed = policy.override({"eligibility.require_oda_eligible": False,
                               "eligibility.exclude_parties_to_conflict": False,
                               "eligibility.require_management_agreement": False,
                               "eligibility.min_democracy": 0.0})
    problem = Problem.from_frames(projects, countries, relaxed)
    assert problem.eligibility.loc["P-05", "reasons"] == []


def test_a_score_equal_to_the_threshold_passes(tiny_frames: Frames) -> None:
    projects, countries, policy = tiny_frames
    countries = with_country(countries, "Caldera", rule_of_law=4.0)
    problem = Problem.from_frames(projects, countries, policy)
    assert problem.eligibility.loc["P-05", "eligible"]


def test_built_in_defaults_set_no_governance_threshold(tiny_frames: Frames) -> None:
    projects, countries, policy = tiny_frames
    countries = with_country(countries, "Caldera", democracy=0.0, rule_of_law=0.0,
                             human_rights=0.0)
    budget_only = Policy.from_dict({"budget": policy.budget,
                                    "objective": {"weights": policy.objective.weights}})
    problem = Problem.from_frames(projects, countries, budget_only)
    assert problem.eligibility.loc["P-05", "eligible"]


def test_a_field_cell_is_split_alike_by_eligibility_and_the_mandatory_check(
        tiny_frames: Frames) -> None:
    """One reading of a field cell (``eligibility.fields_of``) in the eligibility rule and
    the check of mandatory projects: a blank part is no field. A blank cell is reported as
    blank, never as the field "None"; a field the policy leaves out makes a mandatory
    project ineligible; an unknown one is the cell's problem only."""
    import pytest

    from osa_opt.errors import InputError
    from osa_opt.inputs.eligibility import assess

    projects, countries, policy = tiny_frames
    policy = policy.override({"eligibility.fields": [
        f for f in policy.eligibility.fields if f != "medical"]})
    said = {}
    for cell in ("", "medical", "maritime_surveillance;medical", "bogus;medical"):
        with pytest.raises(InputError) as err:  # P-01 is mandatory
            Problem.from_frames(projects.assign(field=[cell, *projects["field"][1:]]),
                                countries, policy)
        said[cell] = [(i.column, i.rule) for i in err.value.issues
                      if "'P-01'" in str(i.label)]
    assert said[""] == [("field", "a required cell is blank")]
    for cell in ("medical", "maritime_surveillance;medical"):
        assert said[cell] == [("status", "a mandatory project is not eligible: "
                               f"{FIELD_NOT_ALLOWED}: medical is not in eligibility.fields")]
    assert [column for column, _ in said["bogus;medical"]] == ["field"]
    # eligibility on a plain table: an empty cell or an empty part is no field
    plain = projects.set_index("project_id").astype(object)
    plain.loc["P-02", "field"] = ""
    plain.loc["P-03", "field"] = "search_and_rescue;;medical;"
    reasons = assess(plain, countries.set_index("country"), policy)["reasons"]
    assert reasons["P-02"] == []
    assert reasons["P-03"] == [f"{FIELD_NOT_ALLOWED}: medical is not in eligibility.fields"]


def test_an_unreadable_override_flag_is_reported_not_a_crash(tiny_frames: Frames) -> None:
    """One reading of the ``override`` flag (``eligibility.override_set``): an unreadable
    flag (pandas' NA once typed) waives nothing, in the eligibility rule as in the check of
    its written reason, so a mandatory project of that country is named ineligible beside
    the cell's own problem (it stopped with "boolean value of NA is ambiguous")."""
    import pytest

    from osa_opt.errors import InputError

    projects, countries, policy = tiny_frames
    countries = countries.assign(override=["maybe", "", ""], override_reason=["", "", ""])
    countries = with_country(countries, "Aurelia", oda_eligible=False)  # P-01 is mandatory
    with pytest.raises(InputError) as err:
        Problem.from_frames(projects, countries, policy)
    said = {(i.sheet, i.column): i.rule for i in err.value.issues}
    assert ("countries", "override") in said
    assert said[("projects", "status")].startswith(
        f"a mandatory project is not eligible: {NOT_ODA_ELIGIBLE}")


def test_the_fix_of_an_ineligible_mandatory_project_names_whose_data_fails(
        tiny_frames: Frames) -> None:
    """A mandatory project whose own risk is above the limit was told to "fix the country's
    data or the policy": the country has nothing to do with it. The fix names the project's
    row for a project's rule, the country's row for a country's rule, both when both fail."""
    import pytest

    from osa_opt.errors import InputError

    projects, countries, policy = tiny_frames
    policy = policy.override({"eligibility.max_risk": 0.5})

    def fix_of(projects: pd.DataFrame, countries: pd.DataFrame) -> str:
        with pytest.raises(InputError) as err:  # P-01 is mandatory, of Aurelia
            Problem.from_frames(projects, countries, policy)
        (issue,) = [i for i in err.value.issues if i.column == "status"]
        return issue.hint

    risky = projects.assign(risk=[0.9, *projects["risk"][1:]])
    assert fix_of(risky, countries).startswith(
        "fix the project's data (its row) or the policy")
    not_oda = with_country(countries, "Aurelia", oda_eligible=False)
    assert fix_of(projects, not_oda).startswith("fix the country's data or the policy")
    assert fix_of(risky, not_oda).startswith("fix the project's or its country's data")
