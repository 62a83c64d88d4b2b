"""Validation: one test per rule, each through a real workbook (or CSV folder) with one
corrupted cell or column; the issue must name the sheet, the Excel row and the column."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from osa_opt.errors import InputError, Issue
from osa_opt.inputs.policy import Policy
from osa_opt.inputs.problem import Problem
from osa_opt.inputs.readers import load_problem
from osa_opt.inputs.schema import COUNTRY_COLUMNS, ROW, project_columns
from osa_opt.inputs.validation import validate_frames

Frames = tuple[pd.DataFrame, pd.DataFrame, Policy]


def put(frame: pd.DataFrame, excel_row: int, column: str, value: Any) -> pd.DataFrame:
    """Set the cell at an Excel row (row 2 = first data row) in a copy."""
    out = frame.copy()
    out[column] = out[column].astype(object)
    out.loc[excel_row - 2, column] = value
    return out


@pytest.fixture
def issues_of(tmp_path: Path, write_xlsx: Callable[..., Path], write_csv: Callable[..., Path],
              tiny_policy: Policy) -> Callable[..., list[Issue]]:
    """Write the frames to a file, load it, and return the issues raised."""
    counter = iter(range(1000))

    def run(projects: pd.DataFrame, countries: pd.DataFrame, policy: Any = None,
            fmt: str = "xlsx") -> list[Issue]:
        n = next(counter)
        if fmt == "xlsx":
            path = write_xlsx(tmp_path / f"in{n}.xlsx", projects, countries)
        else:
            path = write_csv(tmp_path / f"in{n}", projects, countries)
        with pytest.raises(InputError) as info:
            load_problem(path, policy=tiny_policy if policy is None else policy)
        return info.value.issues

    return run


def one(issues: list[Issue], sheet: str, row: int | None, column: str | None) -> Issue:
    """The single issue at (sheet, row, column); its message names all three."""
    found = [i for i in issues if (i.sheet, i.row, i.column) == (sheet, row, column)]
    assert len(found) == 1, f"expected one issue at {sheet}/{row}/{column}, got {issues}"
    message = found[0].message()
    assert message.startswith(sheet)
    if row is not None:
        assert f"row {row}" in message
    if column is not None:
        assert repr(column) in message
    return found[0]


# ---------------------------------------------------------------------- valid input
def test_valid_input_is_typed(tiny_frames: Frames) -> None:
    projects_raw, countries_raw, policy = tiny_frames
    projects, countries = validate_frames(projects_raw, countries_raw, policy)
    names = [c.name for c in project_columns(policy.fiscal_years, policy.criteria)]
    assert list(projects.columns) == [*names[1:], "notes", ROW]
    assert list(countries.columns) == [*[c.name for c in COUNTRY_COLUMNS[1:]], ROW]
    assert projects.index.name == "project_id" and list(projects.index)[0] == "P-01"
    assert countries.index.name == "country"
    assert projects["cost_FY2026"].dtype == np.float64
    assert countries["priority_tier"].dtype == np.int64
    assert countries["oda_eligible"].dtype == bool
    assert projects.loc["P-02", "requires"] == ("P-01",)
    assert projects.loc["P-01", "requires"] == ()
    assert projects.loc["P-01", "exclusive_group"] == ""
    assert np.isnan(countries.loc["Borealis", "max_share"])
    assert list(projects[ROW]) == [2, 3, 4, 5, 6, 7]
    assert projects.loc["P-02", "notes"] == "second phase"


def test_frames_from_code_need_no_row_column_and_accept_nan(tiny_frames: Frames) -> None:
    projects_raw, countries_raw, policy = tiny_frames
    projects_raw = projects_raw.drop(columns=["status", "risk"])
    projects_raw["exclusive_group"] = np.nan
    projects, countries = validate_frames(projects_raw, countries_raw, policy)
    assert (projects["status"] == "candidate").all()
    assert (projects["risk"] == 0.0).all()
    assert (projects["exclusive_group"] == "").all()
    assert list(projects[ROW]) == [2, 3, 4, 5, 6, 7]


def test_text_is_stripped_words_are_read_and_blank_optional_cells_take_defaults(
        tiny_frames: Frames) -> None:
    projects_raw, countries_raw, policy = tiny_frames
    projects_raw = put(projects_raw, 3, "title", "  Patrol boats  ")
    projects_raw = put(projects_raw, 3, "requires", " P-01 ; ")
    projects_raw = put(projects_raw, 4, "status", " Candidate ")
    projects_raw = put(projects_raw, 4, "risk", "")
    projects_raw = put(projects_raw, 4, "cost_FY2027", "")
    projects_raw = put(projects_raw, 5, "score_security", "3")
    countries_raw = put(countries_raw, 2, "oda_eligible", "YES")
    countries_raw = put(countries_raw, 3, "party_to_conflict", "no")
    countries_raw = put(countries_raw, 4, "management_agreement", 1)
    countries_raw = put(countries_raw, 4, "priority_tier", "3.0")
    projects, countries = validate_frames(projects_raw, countries_raw, policy)
    assert projects.loc["P-02", "title"] == "Patrol boats"
    assert projects.loc["P-02", "requires"] == ("P-01",)
    assert projects.loc["P-03", "status"] == "candidate"
    assert projects.loc["P-03", "risk"] == 0.0
    assert projects.loc["P-03", "cost_FY2027"] == 0.0  # a blank cost means nothing that year
    assert projects.loc["P-04", "score_security"] == 3.0
    assert countries["oda_eligible"].tolist() == [True, True, True]
    assert countries.loc["Borealis", "party_to_conflict"] is np.False_
    assert countries.loc["Caldera", "priority_tier"] == 3


def test_numeric_frames_built_in_code(tiny_frames: Frames) -> None:
    """Float columns (a notebook's frames) take a vectorised path with the same rules."""
    projects, countries, policy = tiny_frames
    projects = projects.copy()
    projects.loc[1, "cost_FY2027"] = np.nan      # blank cost: 0
    projects.loc[2, "score_security"] = np.nan   # blank score: a problem
    projects.loc[3, "risk"] = np.inf
    projects.loc[4, "cost_FY2026"] = -1.0
    with pytest.raises(InputError) as info:
        validate_frames(projects, countries, policy)
    # a DataFrame has no Excel rows: each problem names the project and its index label
    found = {(i.row, i.label, i.column): i.rule for i in info.value.issues}
    assert found == {(None, "project 'P-03' (index 2)", "score_security"):
                     "a required cell is blank",
                     (None, "project 'P-04' (index 3)", "risk"): "must be a number in [0, 1]",
                     (None, "project 'P-05' (index 4)", "cost_FY2026"): "must be a number >= 0"}
    projects.loc[2, "score_security"] = 5.0
    projects.loc[3, "risk"] = 0.2
    projects.loc[4, "cost_FY2026"] = 1.0
    typed, _ = validate_frames(projects, countries, policy)
    assert typed.loc["P-02", "cost_FY2027"] == 0.0


def test_with_policy_revalidates_the_typed_tables(tiny_frames: Frames) -> None:
    problem = Problem.from_frames(*tiny_frames)
    again = problem.with_policy(overrides={"eligibility.min_democracy": 5.0})
    pd.testing.assert_frame_equal(problem.projects, again.projects)
    pd.testing.assert_frame_equal(problem.countries, again.countries)


# ---------------------------------------------------------------------- cells
def test_text_in_a_number_column(tiny_frames: Frames, issues_of: Callable) -> None:
    projects, countries, _ = tiny_frames
    issue = one(issues_of(put(projects, 4, "cost_FY2026", "abc"), countries),
                "projects", 4, "cost_FY2026")
    assert issue.value == "abc" and "number" in issue.rule


def test_number_out_of_range(tiny_frames: Frames, issues_of: Callable) -> None:
    projects, countries, _ = tiny_frames
    issues = issues_of(put(projects, 3, "risk", 1.5), put(countries, 4, "democracy", -1))
    assert one(issues, "projects", 3, "risk").rule == "must be a number in [0, 1]"
    assert one(issues, "countries", 4, "democracy").rule == "must be a number in [0, 10]"


def test_min_funding_excludes_zero(tiny_frames: Frames, issues_of: Callable) -> None:
    projects, countries, _ = tiny_frames
    issue = one(issues_of(put(projects, 6, "min_funding", 0), countries),
                "projects", 6, "min_funding")
    assert issue.rule == "must be a number in (0, 1]"


def test_negative_cost(tiny_frames: Frames, issues_of: Callable) -> None:
    projects, countries, _ = tiny_frames
    issue = one(issues_of(put(projects, 2, "cost_FY2027", -5), countries),
                "projects", 2, "cost_FY2027")
    assert issue.rule == "must be a number >= 0"


def test_enum_not_in_choices_suggests_the_closest(tiny_frames: Frames,
                                                  issues_of: Callable) -> None:
    projects, countries, _ = tiny_frames
    issues = issues_of(put(put(projects, 5, "field", "disaster relief"), 7, "status", "forced"),
                       countries)
    field = one(issues, "projects", 5, "field")
    assert field.rule.startswith("must be one or more of maritime_surveillance")
    assert "did you mean 'disaster_relief'?" in field.hint
    assert one(issues, "projects", 7, "status").value == "forced"


def test_bool_not_readable(tiny_frames: Frames, issues_of: Callable) -> None:
    projects, countries, _ = tiny_frames
    issue = one(issues_of(projects, put(countries, 3, "oda_eligible", "maybe")),
                "countries", 3, "oda_eligible")
    assert issue.rule == "must be true or false" and "yes/no" in issue.hint


@pytest.mark.parametrize("tier", [4, "two", 1.5])
def test_priority_tier_is_a_whole_number_1_to_3(tiny_frames: Frames, issues_of: Callable,
                                               tier: Any) -> None:
    projects, countries, _ = tiny_frames
    issue = one(issues_of(projects, put(countries, 2, "priority_tier", tier)),
                "countries", 2, "priority_tier")
    assert issue.rule == "must be one of 1, 2, 3"
    assert "type 1, 2 or 3" in issue.hint


@pytest.mark.parametrize(("typed", "share"), [("30%", "0.3"), (" 12.5 % ", "0.125")])
def test_a_share_typed_as_a_percentage_gets_its_fraction(
        tiny_frames: Frames, issues_of: Callable, typed: str, share: str) -> None:
    projects, countries, _ = tiny_frames
    issues = issues_of(put(projects, 3, "cost_FY2026", "50%"),
                       put(countries, 3, "max_share", typed))
    issue = one(issues, "countries", 3, "max_share")
    assert issue.hint == f"type the share as a fraction: {share} for {typed.strip()}"
    cost = one(issues, "projects", 3, "cost_FY2026")  # a cost is no share: the usual hint
    assert "plain number" in cost.hint and "fraction" not in cost.hint


def test_blank_required_cell(tiny_frames: Frames, issues_of: Callable) -> None:
    projects, countries, _ = tiny_frames
    issues = issues_of(put(projects, 6, "title", "   "), put(countries, 3, "human_rights", None))
    assert one(issues, "projects", 6, "title").rule == "a required cell is blank"
    assert one(issues, "countries", 3, "human_rights").rule == "a required cell is blank"
    assert len(issues) == 2


def test_every_problem_is_reported_at_once(tiny_frames: Frames, issues_of: Callable) -> None:
    projects, countries, _ = tiny_frames
    projects = put(put(projects, 3, "risk", "high"), 6, "country", "Atlantis")
    countries = put(countries, 4, "region", "")
    issues = issues_of(projects, countries)
    assert [(i.sheet, i.row, i.column) for i in issues] == [
        ("projects", 3, "risk"), ("projects", 6, "country"), ("countries", 4, "region")]


def test_csv_rows_are_numbered_like_excel(tiny_frames: Frames, issues_of: Callable) -> None:
    projects, countries, _ = tiny_frames
    issues = issues_of(put(projects, 5, "score_security", "eleven"), countries, fmt="csv")
    one(issues, "projects", 5, "score_security")


# ---------------------------------------------------------------------- columns and sheets
def test_missing_required_column(tiny_frames: Frames, issues_of: Callable) -> None:
    projects, countries, _ = tiny_frames
    issues = issues_of(projects.drop(columns="title"), countries.drop(columns="region"))
    assert "missing required column title" in one(issues, "projects", None, "title").rule
    one(issues, "countries", None, "region")


def test_misspelt_column_gets_did_you_mean(tiny_frames: Frames, issues_of: Callable) -> None:
    projects, countries, _ = tiny_frames
    issues = issues_of(projects.rename(columns={"cost_FY2026": "cost_fy2026"}), countries)
    issue = one(issues, "projects", None, "cost_FY2026")
    assert "did you mean 'cost_FY2026'?" in issue.hint and issue.value == "cost_fy2026"


def test_misspelt_optional_column_is_flagged(tiny_frames: Frames, issues_of: Callable) -> None:
    projects, countries, _ = tiny_frames
    issues = issues_of(projects.rename(columns={"status": "stauts"}), countries)
    assert "did you mean 'status'?" in one(issues, "projects", None, "stauts").hint


def test_extra_columns_are_kept(tiny_frames: Frames) -> None:
    projects, countries, policy = tiny_frames
    countries = countries.assign(ambassador=["A. Smith", "", "C. Jones"])
    _, typed = validate_frames(projects, countries, policy)
    assert typed["ambassador"].tolist() == ["A. Smith", "", "C. Jones"]
    assert list(typed.columns)[-2:] == ["ambassador", ROW]


def test_cost_column_missing_for_a_fiscal_year(tiny_frames: Frames, issues_of: Callable) -> None:
    projects, countries, _ = tiny_frames
    issue = one(issues_of(projects.drop(columns="cost_FY2027"), countries),
                "projects", None, "cost_FY2027")
    assert "FY2027" in issue.rule and "[budget]" in issue.hint


def test_score_column_missing_for_a_weighted_criterion(tiny_frames: Frames,
                                                       issues_of: Callable) -> None:
    projects, countries, _ = tiny_frames
    issue = one(issues_of(projects.drop(columns="score_humanitarian"), countries),
                "projects", None, "score_humanitarian")
    assert "'humanitarian'" in issue.rule and "objective.weights" in issue.hint


def test_policy_without_budget(tiny_frames: Frames, issues_of: Callable, tmp_path: Path) -> None:
    projects, countries, policy = tiny_frames
    data = policy.to_dict()
    data["budget"] = {}
    issue = one(issues_of(projects, countries, data), "policy", None, "budget")
    assert "[budget]" in issue.hint
    file = tmp_path / "nobudget.toml"
    file.write_text(Policy.from_dict(data).to_toml(), encoding="utf-8")
    one(issues_of(projects, countries, file), "policy nobudget.toml", None, "budget")


def test_empty_projects_sheet(tiny_frames: Frames, issues_of: Callable) -> None:
    projects, countries, _ = tiny_frames
    issues = issues_of(projects.iloc[:0], countries)
    assert one(issues, "projects", None, None).rule == "the sheet has no data rows"


def test_empty_countries_sheet(tiny_frames: Frames, issues_of: Callable) -> None:
    projects, countries, _ = tiny_frames
    issues = issues_of(projects, countries.iloc[:0])
    assert one(issues, "countries", None, None).rule == "the sheet has no data rows"
    assert not [i for i in issues if i.column == "country" and i.sheet == "projects"]


def test_sheet_without_headers(tiny_frames: Frames) -> None:
    projects, _, policy = tiny_frames
    with pytest.raises(InputError) as info:
        validate_frames(projects, pd.DataFrame(), policy)
    assert one(info.value.issues, "countries", None, None).rule == "the sheet is empty"


# ---------------------------------------------------------------------- cross-sheet rules
def test_duplicate_project_id_names_every_row(tiny_frames: Frames, issues_of: Callable) -> None:
    projects, countries, _ = tiny_frames
    issues = issues_of(put(projects, 5, "project_id", "P-01"), countries)
    first = one(issues, "projects", 2, "project_id")
    second = one(issues, "projects", 5, "project_id")
    assert "row 5" in first.rule and "row 2" in second.rule


def test_duplicate_country(tiny_frames: Frames, issues_of: Callable) -> None:
    projects, countries, _ = tiny_frames
    countries = pd.concat([countries, countries.iloc[[2]]], ignore_index=True)
    issues = issues_of(projects, countries)
    assert "row 5" in one(issues, "countries", 4, "country").rule
    assert "row 4" in one(issues, "countries", 5, "country").rule


def test_unknown_country(tiny_frames: Frames, issues_of: Callable) -> None:
    projects, countries, _ = tiny_frames
    issue = one(issues_of(put(projects, 4, "country", "Borelis"), countries),
                "projects", 4, "country")
    assert "did you mean 'Borealis'?" in issue.hint


@pytest.mark.parametrize(("sheet_name", "typed"), [
    ("Timor-Leste", "East Timor"), ("East Timor", "Timor-Leste"), ("Myanmar", "Burma"),
    ("Côte d'Ivoire", "Ivory Coast"), ("Eswatini", "Swaziland"), ("Türkiye", "Turkey")])
def test_another_name_of_a_country_is_offered_by_name(tiny_frames: Frames, issues_of: Callable,
                                                     sheet_name: str, typed: str) -> None:
    """A project typed 'East Timor' under a countries sheet that writes 'Timor-Leste' got no
    did-you-mean (the spellings are too far apart): the sheet's name is offered, saying the
    two are names of one country; the cell is still refused, never mapped silently."""
    projects, countries, _ = tiny_frames
    countries = countries.replace({"country": {"Borealis": sheet_name}})
    projects = put(projects.replace({"country": {"Borealis": sheet_name}}), 4, "country", typed)
    issue = one(issues_of(projects, countries), "projects", 4, "country")
    assert issue.hint == (f"did you mean {sheet_name!r}? {typed!r} and {sheet_name!r} are two "
                          "names of one country, and a country is matched as the countries "
                          f"sheet spells it: write {sheet_name!r} here")


def test_one_country_in_two_rows_under_two_names_is_refused(tiny_frames: Frames,
                                                            issues_of: Callable) -> None:
    """Rows 'Myanmar' and 'Burma' in the countries sheet, each with its projects, were read
    as two partners: two caps, two places in max_countries, the projects split. Refused."""
    projects, countries, _ = tiny_frames
    names = {"Aurelia": "Myanmar", "Borealis": "Burma"}
    issue = one(issues_of(projects.replace({"country": names}),
                          countries.replace({"country": names})), "countries", 3, "country")
    assert issue.rule.startswith("'Burma' and 'Myanmar' (row 2) are two names of one country")
    assert issue.hint.startswith("give the country one row, under one name ('Myanmar' or "
                                 "'Burma')")


def test_a_name_of_two_countries_is_said_so_without_a_guess(tiny_frames: Frames,
                                                              issues_of: Callable) -> None:
    """'Congo' under a sheet with 'DR Congo' may mean the other Congo: said so, not guessed."""
    projects, countries, _ = tiny_frames
    countries = countries.replace({"country": {"Borealis": "DR Congo"}})
    projects = put(projects.replace({"country": {"Borealis": "DR Congo"}}), 4, "country",
                   "Congo")
    hint = one(issues_of(projects, countries), "projects", 4, "country").hint
    assert "did you mean" not in hint
    assert hint.startswith("'Congo' is a name of two countries, Democratic Republic of the "
                           "Congo and Republic of the Congo; the countries sheet has 'DR Congo'")


def test_a_japanese_word_in_a_choice_or_flag_column_is_told_the_english_one(
        tiny_frames: Frames, issues_of: Callable) -> None:
    """A Japanese sheet's words (はい, 機材, 確認中, 署名済) got the list of allowed words
    and no suggestion: the fix now names the English word where the meaning is one, and
    both where it could be two (承認済, approved: for funding, or as a candidate?); the
    cell is still refused, never read as the English word silently."""
    projects, countries, _ = tiny_frames
    projects = put(put(put(put(projects, 3, "status", "確認中"), 4, "assistance_type", "機材"),
                       5, "field", "海洋監視、捜索救難"), 6, "status", "承認済")
    countries = put(put(countries, 2, "oda_eligible", "はい"), 3, "management_agreement",
                    "いいえ")
    issues = issues_of(projects, countries)
    hint = {(i.sheet, i.row, i.column): i.hint for i in issues}
    assert hint["projects", 3, "status"] == (
        "a project neither forced in nor out is status candidate ('確認中' is Japanese for "
        "being checked): write candidate here, or leave the cell blank")
    assert hint["projects", 4, "assistance_type"].startswith("did you mean 'equipment'? ")
    assert hint["projects", 5, "field"].startswith(
        "did you mean 'maritime_surveillance;search_and_rescue'? '海洋監視' is Japanese for "
        "maritime surveillance; '捜索救難' is Japanese for search and rescue")
    assert hint["projects", 6, "status"] == (
        "'承認済' (approved) could mean mandatory if it must be funded, or candidate if it is "
        "one to weigh: write the one meant (a choice is read in English only)")
    assert hint["countries", 2, "oda_eligible"].startswith(
        "did you mean true? 'はい' is Japanese for yes: type true")
    assert hint["countries", 3, "management_agreement"].startswith("did you mean false? ")


def test_requires_unknown_project(tiny_frames: Frames, issues_of: Callable) -> None:
    projects, countries, _ = tiny_frames
    issues = issues_of(put(put(projects, 4, "requires", "P-99"), 5, "requires", "P-01, P-02"),
                       countries)
    assert one(issues, "projects", 4, "requires").value == "P-99"
    assert "';'" in one(issues, "projects", 5, "requires").hint


def test_requires_itself(tiny_frames: Frames, issues_of: Callable) -> None:
    projects, countries, _ = tiny_frames
    issue = one(issues_of(put(projects, 4, "requires", "P-03"), countries),
                "projects", 4, "requires")
    assert "itself" in issue.rule


def test_requires_cycle_is_a_bundle_not_an_error(tiny_frames: Frames, tmp_path: Path,
                                                 write_xlsx: Callable[..., Path]) -> None:
    """A ring of requirements (P-03 → P-04 → P-05 → P-03) is accepted: a bundle."""
    from osa_opt.inputs.requirement_rules import bundles

    projects, countries, policy = tiny_frames
    projects = put(put(projects, 4, "requires", "P-04"), 5, "requires", "P-05")
    projects = put(projects, 6, "requires", "P-03")
    problem = load_problem(write_xlsx(tmp_path / "in.xlsx", projects, countries), policy=policy)
    assert bundles(problem.projects) == [["P-03", "P-04", "P-05"]]


def test_two_project_cycle_is_a_bundle(tiny_frames: Frames) -> None:
    from osa_opt.inputs.requirement_rules import bundles

    projects, countries, policy = tiny_frames
    projects = put(projects, 2, "requires", "P-02")  # P-01 ↔ P-02
    assert bundles(Problem.from_frames(projects, countries, policy).projects) == [["P-01", "P-02"]]


def test_mandatory_requires_an_excluded_project(tiny_frames: Frames,
                                                issues_of: Callable) -> None:
    projects, countries, _ = tiny_frames
    direct = issues_of(put(projects, 2, "requires", "P-06"), countries)
    assert "P-06 (in row 7), which is excluded" in one(direct, "projects", 2, "requires").rule
    chain = put(put(projects, 2, "requires", "P-04"), 5, "requires", "P-06")
    issue = one(issues_of(chain, countries), "projects", 2, "requires")
    assert issue.value == "P-01 → P-04 → P-06" and "via P-04" in issue.rule


def test_two_mandatory_projects_in_one_exclusive_group(tiny_frames: Frames,
                                                       issues_of: Callable) -> None:
    projects, countries, _ = tiny_frames
    projects = put(put(projects, 3, "status", "mandatory"), 4, "status", "mandatory")
    issues = issues_of(projects, countries)
    for row in (3, 4):
        assert "P-02, P-03" in one(issues, "projects", row, "exclusive_group").rule


def test_mandatory_project_not_eligible_lists_every_reason(tiny_frames: Frames,
                                                          issues_of: Callable) -> None:
    projects, countries, _ = tiny_frames
    countries = put(put(countries, 2, "party_to_conflict", True), 2, "democracy", 2.0)
    issue = one(issues_of(projects, countries), "projects", 2, "status")
    assert "party to a conflict" in issue.rule and "democracy below threshold" in issue.rule


def test_mandatory_project_in_a_field_the_policy_does_not_allow(
        tiny_frames: Frames, issues_of: Callable) -> None:
    projects, countries, policy = tiny_frames
    fields = [f for f in policy.eligibility.fields if f != "maritime_surveillance"]
    narrow = policy.override({"eligibility.fields": fields})
    issue = one(issues_of(projects, countries, narrow), "projects", 2, "status")
    assert "field not allowed" in issue.rule


def test_region_share_for_an_unknown_region(tiny_frames: Frames, issues_of: Callable) -> None:
    projects, countries, policy = tiny_frames
    odd = policy.override({"balance.max_region_share": {"Pacific": 0.5}})
    # the region an override gave is named at the override, not at the policy
    issue = one(issues_of(projects, countries, odd), "policy override (command line or API)",
                None, "balance.max_region_share.Pacific")
    assert "did you mean 'Pacific Islands'?" in issue.hint and "South Asia" in issue.hint


def test_tier_rules_without_countries_of_that_tier_are_fine(tiny_frames: Frames) -> None:
    projects, countries, policy = tiny_frames
    countries = put(countries, 4, "priority_tier", 2)
    tiered = policy.override({"priority.min_tier_share": {3: 0.2},
                              "priority.fund_every_tier": [3]})
    _, typed = validate_frames(projects, countries, tiered)
    assert 3 not in set(typed["priority_tier"])


# ---------------------------------------------------------------------- determinism
ROW_ORDERS = st.permutations(list(range(6)))


@pytest.mark.slow
@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(order=ROW_ORDERS,
       costs=st.lists(st.floats(0, 5000, allow_nan=False, allow_subnormal=False),
                      min_size=6, max_size=6),
       words=st.lists(st.sampled_from([True, "yes", "TRUE", 1, "Y", "true"]),
                      min_size=3, max_size=3))
def test_same_frames_validate_to_identical_output(tiny_frames: Frames, order: list[int],
                                                  costs: list[float], words: list[Any]) -> None:
    projects_raw, countries_raw, policy = tiny_frames  # only copied below, never modified
    projects = projects_raw.iloc[order].reset_index(drop=True).assign(cost_FY2026=costs)
    countries = countries_raw.assign(oda_eligible=words)
    first = validate_frames(projects, countries, policy)
    second = validate_frames(projects.copy(), countries.copy(), policy)
    pd.testing.assert_frame_equal(first[0], second[0])
    pd.testing.assert_frame_equal(first[1], second[1])
    assert list(first[0].index) == list(projects["project_id"])
    assert first[1]["oda_eligible"].all()


@pytest.mark.parametrize("kind", ["number", "integer", "bool", "text", "enum", "ids"])
def test_whole_columns_are_read_exactly_as_the_cell_rule_reads_each_cell(kind: str) -> None:
    """coerce_column settles most cells with pandas at once; every cell must come out as
    cells.coerce says (same value, same unreadable cells, same blanks), whatever mix of
    kinds the column holds."""
    import decimal

    from osa_opt.inputs.cells import Unreadable, coerce, is_blank
    from osa_opt.inputs.coercion import coerce_column
    from osa_opt.inputs.schema import Column

    col = {"number": Column("x", "number", False, "x", default=0.0),
           "integer": Column("x", "integer", False, "x"),
           "bool": Column("x", "bool", False, "x"),
           "text": Column("x", "text", False, "x", default=""),
           "enum": Column("x", "enum", False, "x", choices=("a", "b"), default="a"),
           "ids": Column("x", "ids", False, "x", default="")}[kind]
    cells = [" 1.5 ", "7", "1e400", "nan", "inf", "30%", "1_000", "١٢", "0x10", "-0", "+3",
             True, False, 1, 0, 1.0, 2.5, 10**400, np.int64(4), np.float64(np.inf), None,
             np.nan, "", "  ", "Yes", " no ", "TRUE", "wahr", "A", " b ", "P-01; P-02",
             ("P-03",), (), decimal.Decimal("2"), pd.NA, "2.0", "3.5"]
    mixes = {"mixed": cells, "text only": [c for c in cells if isinstance(c, str)],
             "numbers only": [c for c in cells if isinstance(c, float | int)
                              and not isinstance(c, bool) and abs(c) < 1e300]}
    for name, values in mixes.items():
        series = pd.Series(values, dtype=object)
        issues: list[Issue] = []
        typed = coerce_column("projects", series, np.arange(2, 2 + len(values)), col, issues)
        bad = {i.row - 2 for i in issues}
        for i, cell in enumerate(values):
            if is_blank(cell):
                expected = () if kind == "ids" else col.default
            else:
                try:
                    expected = coerce(cell, col)
                except Unreadable:
                    assert i in bad, (name, cell)
                    continue
            assert i not in bad, (name, cell)
            got = typed.iloc[i]
            if expected is None:
                assert pd.isna(got), (name, cell, got)
            else:
                assert got == expected and type(got) is not np.str_, (name, cell, got, expected)
