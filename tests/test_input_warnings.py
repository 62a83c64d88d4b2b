"""Warnings and blame (issue 16): money in the wrong unit, projects with no cost, a policy
key mistyped rather than the data, TOML slips explained. Warnings keep exit 0 and are
listed by validate and solve and kept in run.json."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from test_fuzz_inputs import example_sheets, osa, write_book

import osa_opt
from osa_opt.errors import InputError, PolicyError
from osa_opt.inputs.policy import Policy

TIMES_1000 = {"budget.FY2026": 18100 * 1000}


def warnings_of(**options: object) -> list[str]:
    return [w.message() for w in osa_opt.load_problem(**options).warnings]


# ---------------------------------------------------------------------- 3. units
def test_the_example_has_no_warning() -> None:
    assert warnings_of() == []


def test_a_zero_to_ten_column_typed_on_a_zero_to_one_scale_is_named() -> None:
    """score_security typed as 0.84 for 8.4 (on a 0-1 scale) was read silently: the
    criterion counted a tenth of its weight beside the others; democracy so made every
    country read as poorly assessed."""
    problem = osa_opt.load_problem()
    projects, countries = problem.raw_projects(), problem.raw_countries()
    projects["score_security"] = projects["score_security"] / 10
    countries["democracy"] = countries["democracy"] / 10
    warnings = [w.message() for w in problem.with_projects(projects)
                .with_countries(countries).warnings]
    assert warnings == [
        "projects, column 'score_security': every score_security is between 0 and 1 (the "
        "largest 0.99, in 38 projects): the column is on a 0-10 scale, so the criterion "
        "counts a tenth as much as meant (value 0.99). Fix: if the column was typed on a 0-1 "
        "scale, multiply it by 10 (0.99 is 9.9 on the 0-10 scale); nothing to do if the "
        "values are meant this low",
        "countries, column 'democracy': every democracy is between 0 and 1 (the largest "
        "0.84, in 14 countries): the column is on a 0-10 scale, so every country reads as "
        "assessed a tenth as well as meant (value 0.84). Fix: if the column was typed on a "
        "0-1 scale, multiply it by 10 (0.84 is 8.4 on the 0-10 scale); nothing to do if the "
        "values are meant this low"]
    few = problem.raw_projects()  # a few low scores in a column of the usual scale: none
    few.loc[few.index[:10], "score_security"] = 0.5
    assert problem.with_projects(few).warnings == []


def _example_request() -> tuple[float, float]:
    """The example's FY2026 request: of every project, and of the eligible ones."""
    problem = osa_opt.load_problem()
    cost = problem.cost["FY2026"]
    return float(cost.sum()), float(cost[problem.eligible].sum())  # noqa: RUF100


def test_a_budget_typed_in_hundred_millions_is_named() -> None:
    (warning,) = warnings_of(overrides={"budget.FY2026": 181})
    assert warning.startswith("policy override (command line or API), key 'budget.FY2026': "
                              "in FY2026 the "
                              "projects request ")
    assert ("against ¥181m); a round asks for a few times its budget at most: the budget "
            "looks 100 times too small, as if typed in 億円 (¥100 million)") in warning


def test_a_budget_typed_in_thousands_is_named() -> None:
    total, _ = _example_request()
    (warning,) = warnings_of(overrides=TIMES_1000)
    assert (f"key 'budget.FY2026': in FY2026 the projects request 1/{18100 * 1000 / total:.0f} "
            f"of the budget (¥{total:,.0f}m against ¥18,100,000m); a round asks for a few times "
            "its budget at most: the budget looks 1,000 times too large, as if typed in "
            "¥ thousand (千円)") in warning


def _costs_times(tmp_path: Path, factor: float) -> Path:
    sheets = example_sheets()
    head = sheets["projects"][0]
    for row in sheets["projects"][1:]:
        for i, name in enumerate(head):
            if name.startswith("cost_") and row[i] is not None:
                row[i] = row[i] * factor
    return write_book(tmp_path / "round.xlsx", sheets)


@pytest.mark.slow
def test_costs_in_thousands_are_named_and_lead_solves_diagnosis(tmp_path: Path) -> None:
    book = _costs_times(tmp_path, 1000)
    (warning,) = osa_opt.load_problem(book).warnings
    assert (warning.sheet, warning.column) == ("projects", None)
    assert "the costs look 1,000 times too large, as if typed in ¥ thousand (千円)" in warning.rule
    run = osa("validate", book, "--no-solve")  # a warning keeps exit 0 ...
    assert run.code == 0 and "1 warning" in run.err and "¥ thousand" in run.err
    run = osa("solve", book, "--no-explain", "-k", "1", "--out", tmp_path / "run")
    assert run.code == 3  # ... the mandatory projects cannot fit: the units come first
    assert run.err.index("First check the units") < run.err.index("The policy cannot be met")
    manifest = json.loads((tmp_path / "run" / "run.json").read_text(encoding="utf-8"))
    assert manifest["diagnosis"][0]["family"] == "units"
    assert "¥ thousand" in manifest["diagnosis"][0]["message"]
    assert manifest["message"] == manifest["diagnosis"][0]["message"]
    assert [w["rule"] for w in manifest["warnings"]] == [warning.rule]
    run = osa("validate", book)  # validate's own feasibility check says it first too
    assert run.code == 3 and "First check the units" in run.err


def test_one_project_dearer_than_the_budget_many_times_over(tmp_path: Path) -> None:
    sheets = example_sheets()
    head = sheets["projects"][0]
    sheets["projects"][3][head.index("cost_FY2026")] = 950_000  # P-03, Excel row 4
    (warning,) = osa_opt.load_problem(write_book(tmp_path / "r.xlsx", sheets)).warnings
    assert (warning.row, warning.column, warning.value) == (4, "cost_FY2026", 950_000)
    assert warning.rule.startswith(f"P-03 alone costs {950_000 // 18100} times or more the "
                                   "FY2026 budget")


@pytest.mark.slow
def test_a_project_with_no_cost_is_named_and_kept_in_run_json(tmp_path: Path) -> None:
    sheets = example_sheets()
    head = sheets["projects"][0]
    for name in ("cost_FY2026",):
        sheets["projects"][5][head.index(name)] = None  # P-05, Excel row 6
    book = write_book(tmp_path / "free.xlsx", sheets)
    (warning,) = osa_opt.load_problem(book).warnings
    assert (warning.sheet, warning.row) == ("projects", 6)
    assert warning.rule.startswith("project P-05 has no cost in any fiscal year of the policy")
    run = osa("validate", book, "--no-solve", "--json")
    assert run.code == 0
    assert [w["row"] for w in json.loads(run.out)["warnings"]] == [6]
    run = osa("solve", book, "--no-explain", "-k", "1", "--json", "--out", tmp_path / "run")
    assert run.code == 0 and "P-05 has no cost" in run.err
    assert json.loads(run.out)["warnings"][0]["message"] == warning.message()
    report = (tmp_path / "run" / "report.html").read_text(encoding="utf-8")
    assert "<h3>Warnings on the input</h3>" in report and "P-05 has no cost" in report


def test_costs_of_a_year_the_policy_has_no_budget_for_are_named(tmp_path: Path) -> None:
    """An analyst adds cost_FY2027 beside cost_FY2026 (a two-year item); the shipped
    policy budgets FY2026 only, so solve chose on FY2026 costs alone and printed partner
    totals without the FY2027 money, saying nothing (validate listed the column among
    "unused columns", solve not at all). A warning now names the year and the way out."""
    sheets = example_sheets()
    rows = sheets["projects"]
    rows[0].append("cost_FY2027")
    for row in rows[1:]:
        row.append(100)
    book = write_book(tmp_path / "two-years.xlsx", sheets)
    (warning,) = osa_opt.load_problem(book).warnings
    assert (warning.sheet, warning.column) == ("projects", "cost_FY2027")
    assert warning.rule.startswith("cost_FY2027 holds ¥3,800m of costs, but the policy has "
                                   "no budget for FY2027: those costs are not counted")
    assert "--budget FY2027=" in warning.hint
    run = osa("solve", book, "--no-explain", "-k", "1", "--out", tmp_path / "run")
    assert run.code == 0 and "no budget for FY2027" in " ".join(run.err.split())
    # with a budget for the year the costs count, and nothing is said
    assert osa_opt.load_problem(book, overrides={"budget.FY2027": 5000}).warnings == []
    # a column left blank (or all 0) is nothing to count
    for row in rows[1:]:
        row[-1] = None
    assert osa_opt.load_problem(write_book(tmp_path / "blank.xlsx", sheets)).warnings == []


# ---------------------------------------------------------------------- 4. blame
def test_a_fiscal_year_typo_in_the_policy_is_blamed_on_the_policy() -> None:
    with pytest.raises(InputError) as caught:
        osa_opt.load_problem(policy={"budget": {"2026": 18100}})
    (issue,) = caught.value.issues
    assert (issue.sheet, issue.column, issue.value) == ("policy", "budget.2026", "2026")
    assert "did you mean 'FY2026'? The policy key looks mistyped: rename budget.2026 to " \
        "budget.FY2026" in issue.hint


def test_a_misspelt_weight_is_blamed_on_the_policy(tmp_path: Path) -> None:
    policy = tmp_path / "round.toml"
    policy.write_text("[budget]\nFY2026 = 18100\n[objective.weights]\n"
                      "securty = 0.4\nhumanitarian = 0.3\npartnership = 0.3\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        osa_opt.load_problem(policy=policy)
    (issue,) = caught.value.issues
    assert (issue.sheet, issue.column) == ("policy round.toml", "objective.weights.securty")
    assert "did you mean 'security'?" in issue.hint


def test_a_misspelt_data_header_is_still_blamed_on_the_data(tmp_path: Path) -> None:
    sheets = example_sheets()
    sheets["projects"][0][sheets["projects"][0].index("cost_FY2026")] = "cost_fy2026"
    with pytest.raises(InputError) as caught:
        osa_opt.load_problem(write_book(tmp_path / "r.xlsx", sheets))
    (issue,) = caught.value.issues
    assert (issue.sheet, issue.column, issue.value) == ("projects", "cost_FY2026", "cost_fy2026")
    assert issue.hint.startswith("did you mean 'cost_FY2026'? Rename the header 'cost_fy2026'")
    assert "policy" not in issue.hint


def test_a_misspelt_score_header_names_both_possible_typos(tmp_path: Path) -> None:
    sheets = example_sheets()
    sheets["projects"][0][sheets["projects"][0].index("score_security")] = "score_securty"
    with pytest.raises(InputError) as caught:
        osa_opt.load_problem(write_book(tmp_path / "r.xlsx", sheets))
    (issue,) = caught.value.issues
    assert (issue.sheet, issue.column) == ("projects", "score_security")
    assert issue.hint == ("did you mean 'score_security'? Rename the header 'score_securty' to "
                          "'score_security'; or, if the policy is mistyped, rename its key "
                          "objective.weights.security to objective.weights.securty")


@pytest.mark.parametrize("header", ["score_security (0-10)", "score_security, 0-10",
                                    "score_security [pts]"])
def test_a_score_header_with_a_note_is_not_offered_as_a_policy_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, header: str
) -> None:
    """An analyst adds the scale to a header, 'score_security (0-10)': the fix also offered
    'rename its key objective.weights.security to objective.weights.security (0-10)', a
    key no policy can have. Only the header is told to be renamed."""
    sheets = example_sheets()
    sheets["projects"][0][sheets["projects"][0].index("score_security")] = header
    monkeypatch.setenv("COLUMNS", "80")
    run = osa("validate", write_book(tmp_path / "r.xlsx", sheets), "--json")
    assert run.code == 2
    (issue,) = json.loads(run.out)["issues"]
    assert (issue["sheet"], issue["column"], issue["value"]) == (
        "projects", "score_security", header)
    assert issue["hint"] == (f"did you mean 'score_security'? Rename the header {header!r} to "
                             "'score_security'")


# ---------------------------------------------------------------------- 5. TOML
@pytest.mark.parametrize("line, cause, fix", [
    ("FY2026 = 18,100", "a number with a thousands separator", "write FY2026 = 18100"),
    ("FY2026 = １８１００", "full-width (zenkaku) characters", "FY2026 = 18100"),
    ("FY2026 = ¥18100", "a currency sign", "FY2026 = 18100"),
    ("FY2026 = 18100\n[balance.max_region_share]\n\"Southeast Asia\" = 30%", "a percent sign",
     '"Southeast Asia" = 0.3'),
    ("FY2026 = 18100\n[objective.weights]\nsecurity = 0,4", "a decimal comma", "security = 0.4"),
    ("FY2026 = 18100\n[objective]\n"
     "weights = { security = 0.4, humanitarian = 0.3, partnership = 0.3, }  # the criteria",
     "a comma after the last entry of an inline table",
     "delete the comma before '}': weights = { security = 0.4, humanitarian = 0.3, "
     "partnership = 0.3 } (TOML 1.0 takes no trailing comma in an inline table)"),
    ("FY2026 = 18100\n[objective]\ntier_multiplier = { 1 = 1.3, 2 = { x = 1,} }",
     "a comma after the last entry of an inline table", "tier_multiplier = { 1 = 1.3, 2 = { x = 1} }"),
])
def test_toml_slips_are_explained(tmp_path: Path, line: str, cause: str, fix: str) -> None:
    path = tmp_path / "round.toml"
    path.write_text(f"[budget]\n{line}\n", encoding="utf-8")
    with pytest.raises(PolicyError) as caught:
        Policy.load(path)
    (issue,) = caught.value.issues
    assert f"likely cause: line {line.count(chr(10)) + 2} " in issue.rule and cause in issue.rule
    assert fix in issue.hint


def test_unquoted_text_in_toml_is_explained(tmp_path: Path) -> None:
    path = tmp_path / "round.toml"
    path.write_text("name = Default round\n[budget]\nFY2026 = 18100\n", encoding="utf-8")
    run = osa("validate", "--policy", path, "--no-solve", "--json")
    assert run.code == 2
    (issue,) = run.issues
    assert issue["sheet"] == "policy round.toml" and "text without quotes" in issue["rule"]
    assert issue["hint"] == 'put the text in double quotes: name = "Default round"'


# ------------------------------------------------------------- value below nothing
def test_a_risk_aversion_that_makes_projects_worth_less_than_nothing_is_named() -> None:
    """risk_aversion typed as a percentage (100 for 1) makes 1 − 100 × risk negative for
    every project with risk above 0.01: the solve funds none of them (the example funded its
    mandatory project alone and left ¥17,200m unspent) and said nothing."""
    problem = osa_opt.load_problem(overrides={"objective.risk_aversion": 100})
    (warning,) = [w.message() for w in problem.warnings]
    negative = problem.value[problem.eligible]
    negative = sorted(negative[negative < 0].index)
    assert warning.startswith(
        f"policy override (command line or API), key 'objective.risk_aversion': "
        f"objective.risk_aversion 100 makes {len(negative)} eligible projects worth less "
        f"than nothing (1 − 100 × risk is below 0 for a risk above 0.01: {negative[0]}, "
        f"{negative[1]}, ")
    assert ("they are never funded unless forced (value 100). Fix: risk_aversion scales a "
            "project's value by 1 − risk_aversion × risk (1: a risk of 0.3 keeps 70% of the "
            "value); give at most 1 / the largest risk, ") in warning


def test_a_thousand_projects_worth_less_than_nothing_are_counted_with_a_separator() -> None:
    """The count reads as every other count message writes one: 1,074, not 1074."""
    from benchmarks.synthetic import make_problem
    from osa_opt.inputs.sanity import negative_value_warnings

    problem = make_problem(1500, 1, seed=0).with_policy(
        overrides={"objective.risk_aversion": 100})
    value = problem.value[problem.eligible]
    n = int((value < 0).sum())
    (warning,) = [w.message() for w in negative_value_warnings(problem)]
    assert n >= 1000 and f"objective.risk_aversion 100 makes {n:,} eligible projects worth " \
        "less than nothing" in warning, warning


def test_a_risk_aversion_that_keeps_every_value_at_least_0_warns_nothing() -> None:
    assert warnings_of(overrides={"objective.risk_aversion": 1.0}) == []
    top = float(osa_opt.load_problem().projects["risk"].max())
    assert warnings_of(overrides={"objective.risk_aversion": 1 / top}) == []


# ------------------------------------------------ one cost typed in 億円 (¥100 million)
def test_one_project_a_hundred_times_cheaper_than_the_round_is_named(tmp_path: Path) -> None:
    """A revised cost typed as 13 (億円) for ¥1.3 billion was read as ¥13m: the project
    was funded nearly free, and nothing said so."""
    sheets = example_sheets()
    head = sheets["projects"][0]
    sheets["projects"][5][head.index("cost_FY2026")] = 13  # P-05, Excel row 6
    (warning,) = osa_opt.load_problem(write_book(tmp_path / "r.xlsx", sheets)).warnings
    assert (warning.sheet, warning.row, warning.column, warning.value) == (
        "projects", 6, "cost_FY2026", 13)
    assert warning.rule == ("P-05 costs ¥13m in all, less than 1/20 of the round's median "
                            "project (¥600m): a cost typed in 億円 (¥100 million) reads a "
                            "hundred times too small")
    assert warning.hint == ("costs are in ¥ million: if 13 was typed in 億円, type 1300 (¥1.3 "
                            "billion); nothing to do if ¥13m is right")


def test_each_cheap_project_is_named_in_input_order(tmp_path: Path) -> None:
    problem = osa_opt.load_problem()
    edited = problem.projects.copy()
    edited.loc[edited.index[:3], "cost_FY2026"] = [5.0, 8.0, 0.5]
    warnings = problem.with_projects(edited).warnings
    assert [w.rule.split(" costs ")[0] for w in warnings] == ["P-01", "P-02", "P-03"]


def test_a_free_project_of_a_one_year_policy_is_told_in_the_singular() -> None:
    problem = osa_opt.load_problem()
    edited = problem.projects.copy()
    edited.loc["P-05", "cost_FY2026"] = 0.0
    (warning,) = problem.with_projects(edited).warnings
    assert warning.rule == ("project P-05 has no cost in any fiscal year of the policy "
                            "(cost_FY2026 is 0 or blank): it would be funded for free")


# ------------------------------------------------------ a tier multiplier of 0
def test_a_tier_multiplier_of_0_is_named_with_its_partners() -> None:
    """tier_multiplier = {1 = 0.3, 2 = 0.1, 3 = 0}, typed as bonuses (+30%, +10%, none):
    every tier-3 project was worth nothing, funded only as filler, and nothing said so."""
    problem = osa_opt.load_problem(
        overrides={"objective.tier_multiplier": {1: 0.3, 2: 0.1, 3: 0.0}})
    (warning,) = [w for w in problem.warnings if "×0" in w.rule]
    assert warning.column == "objective.tier_multiplier" and warning.value == 3
    assert warning.rule.startswith("objective.tier_multiplier gives tier 3 ×0 (")
    assert warning.rule.endswith("): their projects are worth nothing, and are funded only "
                                 "to fill the budget, if at all")
    assert warning.hint == ("a multiplier is a factor, 1 for none (1.3 for 30% more, not "
                            "0.3); to leave these partners out, give their projects status "
                            "excluded")


def test_a_zero_multiplier_of_a_tier_no_country_has_is_not_named() -> None:
    problem = osa_opt.load_problem()
    countries = problem.countries.copy()
    countries.loc[countries["priority_tier"] == 3, "priority_tier"] = 2
    no_tier_3 = problem.with_countries(countries).with_policy(
        overrides={"objective.tier_multiplier": {1: 1.3, 2: 1.1, 3: 0.0}})
    assert not [w for w in no_tier_3.warnings if "×0" in w.rule]


# ------------------------------------------- a row copied as a new project, id changed
def test_a_project_copied_under_a_new_id_is_named() -> None:
    """A row pasted below and given a new id (P-39), its title, country and cost left as
    P-05's: the radar counted twice, and nothing said so."""
    problem = osa_opt.load_problem()
    projects = problem.raw_projects()
    copy = projects[projects["project_id"] == "P-05"].assign(project_id="P-39", _row=40)
    twice = pd.concat([projects, copy], ignore_index=True)
    warnings = osa_opt.Problem.from_frames(twice, problem.raw_countries(), problem.policy).warnings
    (warning,) = [w for w in warnings if "same project twice" in w.rule]
    assert (warning.row, warning.column, warning.value) == (40, "project_id", "P-39")
    assert warning.rule == ("P-39 has the title, country and costs of P-05 (row 6): the same "
                            "project twice? Both can be funded, and its cost counts twice")
    assert warning.hint == ("delete the copy; or, if it is another item, give it its own "
                            "title (and its cost)")


def test_the_column_a_slip_moved_costs_to_is_not_told_to_be_deleted(tmp_path: Path) -> None:
    """P-21 and P-30 slipped as a spreadsheet does it (their cost moved to cost_FY2027).
    The column's warning told the analyst to 'delete the column if it is for the record
    only'; doing so leaves both with no cost at all, warned as 'funded for free'. The
    warning now names them as out of this round by the column and says to keep it."""
    sheets = example_sheets()
    rows = sheets["projects"]
    at = rows[0].index("cost_FY2026")
    for k, row in enumerate(rows):
        slipped = row[0] in ("P-21", "P-30")
        row.insert(at + 1, "cost_FY2027" if k == 0 else row[at] if slipped else None)
        if slipped:
            row[at] = None
    (warning,) = osa_opt.load_problem(write_book(tmp_path / "round.xlsx", sheets)).warnings
    assert warning.rule == (
        "cost_FY2027 holds ¥1,000m of costs, but the policy has no budget for FY2027: those "
        "costs are not counted, and the portfolios are chosen on the costs of FY2026 alone; "
        "P-21 and P-30, whose cost stands only there, are out of this round")
    assert warning.hint == (
        "give the policy a budget for FY2027 (budget.FY2027, or --budget FY2027=AMOUNT in ¥ "
        "million) to count them, or keep the column if it is for the record only (deleting "
        "it would leave P-21 and P-30 with no cost at all)")
    assert "delete the column" not in warning.hint


def test_a_project_slipped_by_moving_its_cost_to_next_year_is_out_of_this_round(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An analyst slips P-05 to next year as a spreadsheet does: a column cost_FY2027 beside
    cost_FY2026, its ¥1,300m moved across. Under the FY2026 policy it stayed a candidate and
    was funded for ¥0 (exit 0) with a warning (421e641). A project with no cost in this round
    is not in this round: it is out as a slipped (status excluded) project is, never funded,
    listed as forced out with the year that holds its cost and the fix."""
    sheets = example_sheets()
    rows = sheets["projects"]
    at = rows[0].index("cost_FY2026")
    for k, row in enumerate(rows):
        moved = "cost_FY2027" if k == 0 else row[at] if row[0] == "P-05" else None
        row.insert(at + 1, moved)
        if row[0] == "P-05":
            row[at] = None
    book = write_book(tmp_path / "round.xlsx", sheets)
    monkeypatch.setenv("COLUMNS", "200")
    run = osa("validate", book, "--no-solve")
    assert run.code == 0, run.err
    assert ("Forced out: P-05 (Serendel, ¥1,300m in FY2027), cost in another year: ¥1,300m in cost_FY2027, "
            "none in cost_FY2026, and the policy has no budget for FY2027 (to fund it in "
            "FY2026, move its cost to cost_FY2026; to plan FY2027 too, give the policy a budget "
            "for it: budget.FY2027, or --budget FY2027=AMOUNT in ¥ million)"
            ) in " ".join(run.out.split())
    assert "funded for free" not in run.err
    # counted as the report's card counts them (was "ineligible projects 6", the slipped and
    # the excluded project under "Ineligible projects by reason")
    said = " ".join(run.out.split())
    assert "eligible projects 32 ineligible projects 4 forced out 2 " in said
    reasons = said.split("Ineligible projects by reason")[1].split("Eligible by an override")[0]
    assert "status excluded" not in reasons and "cost in another year" not in reasons
    assert "Forced out: P-26 (Tavola, ¥500m), status excluded" in said
    problem = osa_opt.load_problem(book)
    assert not problem.eligibility.at["P-05", "eligible"]
    assert "P-05" not in problem.eligible
    result = osa_opt.solve(problem, portfolios=3)
    assert all("P-05" not in p.projects.index for p in result.portfolios)
    assert result.unfunded.loc["P-05", "reason"].startswith(
        "cost in another year: ¥1,300m in cost_FY2027, none in cost_FY2026")
    assert problem.summary()["forced"]["P-05"]["by"] == "cost in another year"
    assert "read by no rule" not in run.out  # cost_FY2027 took P-05 out: it is read
    from osa_opt.analysis.why import explain_project
    from osa_opt.report.sections import _eligible_card, forced

    assert explain_project(result, "P-05")["message"].startswith(
        "Out of this round: cost in another year: ¥1,300m in cost_FY2027")
    assert _eligible_card(problem.eligibility) == (
        "32 of 38", "4 ineligible, 2 forced out; 1 eligible only by an override")
    section = forced(result)
    assert section is not None and "a cost only in a year the policy has no budget for" \
        in section.lead
    # the same project marked excluded is out by its status alone, said once
    status = rows[0].index("status")
    rows[5][status], rows[5][status + 1] = "excluded", "slipped to FY2027"
    fixed = osa_opt.load_problem(write_book(tmp_path / "fixed.xlsx", sheets))
    assert list(fixed.eligibility.at["P-05", "reasons"]) == [
        "status excluded: slipped to FY2027"]
    # a budget for FY2027 brings it back into the round, costed
    planned = problem.with_policy(overrides={"budget.FY2027": 18100})
    assert planned.eligibility.at["P-05", "eligible"]
    assert planned.total_cost["P-05"] == 1300


def test_a_mandatory_project_with_its_cost_in_another_year_only_is_refused(
        tmp_path: Path) -> None:
    """P-01 is mandatory (the sheet forces it in) but its cost sits only in cost_FY2027 under
    the FY2026 policy: it cannot be forced into a round it has no cost in. Refused, naming
    the row and where its cost stands."""
    sheets = example_sheets()
    rows = sheets["projects"]
    at = rows[0].index("cost_FY2026")
    for k, row in enumerate(rows):
        row.insert(at + 1, "cost_FY2027" if k == 0 else row[at] if row[0] == "P-01" else None)
        if row[0] == "P-01":
            row[at] = None
    with pytest.raises(InputError) as caught:
        osa_opt.load_problem(write_book(tmp_path / "round.xlsx", sheets))
    (issue,) = [i for i in caught.value.issues if i.column == "status"]
    assert (issue.row, issue.value) == (2, "mandatory")
    # the note every slip gets, its fix as the fix: it was "a mandatory project is not
    # eligible: cost in another year: ...", with "make the project a candidate", which
    # would fund it no more than mandatory does
    assert issue.rule == ("a mandatory project is out of this round by the year of its cost: "
                          "¥900m in cost_FY2027, none in cost_FY2026, and the policy has no "
                          "budget for FY2027")
    assert issue.hint == (
        "to fund it in FY2026, move its cost to cost_FY2026; to plan FY2027 too, give the "
        "policy a budget for it: budget.FY2027, or --budget FY2027=AMOUNT in ¥ million; if "
        "it slipped to FY2027, give it status excluded, with 'slipped to FY2027' in "
        "status_reason")
    book = _cost_moved(tmp_path, "P-01", "cost_FY2025")  # slipped back: signed then?
    with pytest.raises(InputError) as caught:
        osa_opt.load_problem(book)
    (issue,) = [i for i in caught.value.issues if i.column == "status"]
    assert (issue.rule, issue.hint) == (
        "a mandatory project is out of this round by the year of its cost: ¥900m in "
        "cost_FY2025, none in cost_FY2026, and FY2025 is before this round's FY2026",
        "if it slipped into FY2026, move its cost to cost_FY2026; if it was signed in FY2025, "
        "it is not in this round: give it status excluded, with 'signed in FY2025' in "
        "status_reason")


def _cost_moved(tmp_path: Path, pid: str, column: str) -> Path:
    """The example with ``pid``'s cost moved from cost_FY2026 to ``column``, a new column."""
    sheets = example_sheets()
    rows = sheets["projects"]
    at = rows[0].index("cost_FY2026")
    for k, row in enumerate(rows):
        row.insert(at + 1, column if k == 0 else row[at] if row[0] == pid else None)
        if row[0] == pid:
            row[at] = None
    return write_book(tmp_path / "round.xlsx", sheets)


def test_a_cost_in_a_year_before_the_round_is_told_as_planned_or_signed_then(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """P-05's cost moved to cost_FY2025, a year before the FY2026 round's. The fix said "to
    plan FY2025 too, give the policy a budget for it", as for a year to come, and the
    column's warning to budget FY2025 "to count them": a cost in an earlier year was planned
    (or signed) then. Now: a slip into FY2026 moves its cost to cost_FY2026; one signed in
    FY2025 is not in this round, status excluded."""
    book = _cost_moved(tmp_path, "P-05", "cost_FY2025")
    monkeypatch.setenv("COLUMNS", "200")
    run = osa("validate", book, "--no-solve")
    assert run.code == 0, run.err
    said = " ".join((run.out + run.err).split())
    assert ("Forced out: P-05 (Serendel, ¥1,300m in FY2025), cost in another year: ¥1,300m in cost_FY2025, "
            "none in cost_FY2026, and FY2025 is before this round's FY2026 (if it slipped into "
            "FY2026, move its cost to cost_FY2026; if it was signed in FY2025, it is not in "
            "this round: give it status excluded, with 'signed in FY2025' in status_reason)"
            ) in said
    assert "budget.FY2025" not in said and "FY2025=AMOUNT" not in said
    assert ("projects, column 'cost_FY2025': cost_FY2025 holds ¥1,300m of costs, but FY2025 "
            "is before this round's FY2026: those costs are not counted, and the portfolios "
            "are chosen on the costs of FY2026 alone. Fix: nothing to do if cost_FY2025 is for "
            "the record (planned or signed in FY2025); a project that slipped into FY2026 has "
            "its cost in cost_FY2026") in said
    # a year to come keeps its own fix: plan it too
    (tmp_path / "later").mkdir()
    later = osa_opt.load_problem(_cost_moved(tmp_path / "later", "P-05", "cost_FY2027"))
    assert later.summary()["forced"]["P-05"]["status_reason"].endswith(
        "to plan FY2027 too, give the policy a budget for it: budget.FY2027, or --budget "
        "FY2027=AMOUNT in ¥ million)")


def test_a_project_requiring_one_out_of_the_round_says_so_plainly(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """P-06 requires P-05, whose cost stands only in cost_FY2025. Its warning read "P-06
    requires P-05, which is not eligible (cost in another year: ..., (to fund it in FY2026,
    ...; ...)): P-06 cannot be funded": nested brackets, P-05's whole fix, and "not
    eligible" for a project out of the round. Now: out of this round, where its cost
    stands, and one fix; the whole reason stays on P-05's own line."""
    book = _cost_moved(tmp_path, "P-05", "cost_FY2025")
    problem = osa_opt.load_problem(book)
    (warning,) = [w for w in problem.warnings if w.column == "requires"]
    assert warning.message() == (
        "projects, row 7, column 'requires': P-06 requires P-05, which is out of this round "
        "(cost in another year: ¥1,300m in cost_FY2025, none in cost_FY2026): P-06 cannot be "
        "funded. Fix: remove the requirement or the project; to bring P-05 into this round, "
        "move its cost to cost_FY2026")
    result = osa_opt.solve(problem, portfolios=1)
    assert result.unfunded.loc["P-06", "reason"] == (
        "requires P-05, which is out of this round (cost in another year: ¥1,300m in "
        "cost_FY2025, none in cost_FY2026)")
    assert result.unfunded.loc["P-05", "reason"].endswith("in status_reason)")
    # out by a rule as well: not eligible, each reason short, no fix to move the cost
    risky = problem.raw_projects()
    risky.loc[risky["project_id"] == "P-05", "risk"] = 0.9
    both = problem.with_projects(risky)
    (why,) = [w for w in both.warnings if w.column == "requires"]
    assert why.rule.startswith("P-06 requires P-05, which is not eligible (misuse risk ")
    assert why.rule.endswith("; cost in another year: ¥1,300m in cost_FY2025, none in "
                             "cost_FY2026): P-06 cannot be funded")
    assert why.hint == "remove the requirement or the project"


def test_the_report_names_the_forced_reason_column_for_both_kinds(tmp_path: Path) -> None:
    """The report's Forced in or out put P-05's "cost in another year" reason under a
    column headed status_reason, which P-05 has none of. The column is now "Reason", the
    lead saying what it holds, a blank one "(no status_reason given)"."""
    import re

    from osa_opt.report.sections import forced

    result = osa_opt.solve(osa_opt.load_problem(_cost_moved(tmp_path, "P-05", "cost_FY2025")),
                           portfolios=1)
    section = forced(result)
    assert section is not None
    headers = re.findall(r"<th[^>]*>(.*?)</th>", section.body)
    assert "Reason" in headers and not any("status_reason" in h for h in headers)
    assert section.lead.endswith("with the reason: the status_reason written for it, or "
                                 "where its cost stands and the fix.")


def test_a_mandatory_project_requiring_one_out_of_the_round_is_refused_as_input(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """P-06 mandatory requires P-05, whose cost stands only in cost_FY2025. A mandatory
    project requiring an excluded one was refused as input (exit 2), but this one passed
    validation and the solve failed as infeasible (exit 3, with a diagnosis). The round can
    never be met whatever the budget: now refused before solving, as the excluded case is,
    naming both rows, why P-05 cannot be funded and the fixes (5a626d7's diagnosis fix
    among them)."""
    import openpyxl

    book = _cost_moved(tmp_path, "P-05", "cost_FY2025")
    wb = openpyxl.load_workbook(book)
    sheet = wb["projects"]
    status = [c.value for c in sheet[1]].index("status") + 1
    sheet.cell(7, status, "mandatory")  # P-06
    wb.save(book)
    with pytest.raises(InputError) as caught:
        osa_opt.load_problem(book)
    (issue,) = caught.value.issues
    assert issue.message() == (
        "projects, row 7, column 'requires': mandatory project P-06 requires P-05 (in row 6), "
        "which is out of this round (cost in another year: ¥1,300m in cost_FY2025, none in "
        "cost_FY2026): P-06 can never be funded (value 'P-06 → P-05'). Fix: move P-05's cost "
        "to cost_FY2026 (it is out of this round by the year of its cost), or make P-06 a "
        "candidate, or drop the requirement")
    monkeypatch.setenv("COLUMNS", "200")
    for command in ("validate", "solve"):
        run = osa(command, book, "--out", str(tmp_path / "run")) if command == "solve" \
            else osa(command, book)
        assert run.code == 2, (command, run.out, run.err)
        assert "P-06 can never be funded" in " ".join(run.err.split())
        assert "Traceback" not in run.err
    assert not (tmp_path / "run").exists()


def test_a_forced_project_requiring_an_ineligible_one_is_refused_as_input(
        tmp_path: Path) -> None:
    """P-01 (mandatory) requires P-02, which requires P-28 (misuse risk above the limit);
    P-03 signed requires P-31 (linked to a dispute). Both passed validation and the solve
    failed as infeasible (exit 3); now each is an input problem naming the chain, both rows,
    the rule P-28 or P-31 fails and the fixes; a candidate requiring P-28 stays a warning."""
    sheets = example_sheets()
    rows = sheets["projects"]
    head = rows[0]
    at = {r[0]: r for r in rows[1:]}
    at["P-01"][head.index("requires")] = "P-02"
    at["P-02"][head.index("requires")] = "P-28"
    at["P-03"][head.index("stage")] = "signed"
    at["P-03"][head.index("requires")] = "P-31"
    at["P-07"][head.index("requires")] = "P-28"
    with pytest.raises(InputError) as caught:
        osa_opt.load_problem(write_book(tmp_path / "round.xlsx", sheets))
    messages = [i.message() for i in caught.value.issues]
    assert messages == [
        "projects, row 2, column 'requires': mandatory project P-01 requires P-28 (in row 29), "
        "which is not eligible (misuse risk above the limit: risk 0.6 is above "
        "eligibility.max_risk 0.5 and its mitigation cell is blank) (via P-02): P-01 "
        "can never be funded (value 'P-01 → P-02 → P-28'). Fix: make P-28 eligible (fix its "
        "data or its country's, or the policy, or an override with its reason), or make P-01 "
        "a candidate, or drop the requirement",
        "projects, row 4, column 'requires': signed project P-03 requires P-31 (in row 32), "
        "which is not eligible (linked to an international dispute: the project is directly "
        "linked to an international dispute, as its dispute_linked cell says): P-03 can never "
        "be funded "
        "(value 'P-03 → P-31'). Fix: make P-31 eligible (fix its data or its country's, or "
        "the policy, or an override with its reason), or clear P-03's stage, or drop the "
        "requirement"], messages


def test_a_project_out_by_the_year_of_its_cost_is_shown_with_that_cost(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """P-21's ¥500m moved to cost_FY2027 (out of the FY2026 round by the year of its cost).
    The forced-out lists showed it as 'Forced out: P-21 (Nalumea, ¥0m)' on the terminal and
    with a total cost of 0 in the report's Forced in or out and Eligibility exclusions
    tables, then '¥500m in cost_FY2027' in the reason. Every list shows where its cost
    stands instead: terminal, report, workbook and run.json alike."""
    import openpyxl

    book = _cost_moved(tmp_path, "P-21", "cost_FY2027")
    monkeypatch.setenv("COLUMNS", "200")
    run = osa("validate", book, "--no-solve")
    assert run.code == 0, run.err
    assert "Forced out: P-21 (Nalumea, ¥500m in FY2027), cost in another year" in run.out
    assert "¥0m" not in run.out
    folder = tmp_path / "run"
    run = osa("solve", book, "--out", folder, "--no-explain", "-k", "1")
    assert run.code == 0, run.err
    assert "Forced out: P-21 (Nalumea, ¥500m in FY2027), cost in another year" in run.out
    forced = json.loads((folder / "run.json").read_text(encoding="utf-8"))["problem"]["forced"]
    assert forced["P-21"]["total_cost"] == 0 and forced["P-21"]["cost_elsewhere"] == \
        "¥500m in FY2027"
    assert forced["P-26"]["cost_elsewhere"] == ""
    html = (folder / "report.html").read_text(encoding="utf-8")
    forced_table = html.split('id="forced"')[1].split("</table>")[0]
    excluded_table = html.split('id="eligibility"')[1].split("</table>")[0]
    for part in (forced_table, excluded_table):
        row = part.split('<span class="id">P-21</span>')[1].split("</tr>")[0]
        assert '<td class="num">¥500m in FY2027</td>' in row, row
    assert '<td class="num">500</td>' in forced_table.split("P-26")[1]  # others as before
    sheet = openpyxl.load_workbook(folder / "portfolios.xlsx")["Projects"]
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    by_id = {r[0]: dict(zip(rows[0], r, strict=True)) for r in rows[1:]}
    assert " ".join(str(by_id["P-21"]["Forced"]).split()) == \
        "out: cost in another year (¥500m in FY2027)"
    assert by_id["P-26"]["Forced"] == "out: status excluded"


def test_the_machine_readable_counts_say_ineligible_as_the_terminal_does(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """P-05 slipped (its cost moved to cost_FY2027) beside P-26 (status excluded). The
    terminal and the report said '4 ineligible, 2 forced out', but problem.summary() (run.json's
    problem, validate --json, the notebook) said 'ineligible': 6 and counted 'status excluded'
    and 'cost in another year' under ineligible_by_reason. Now the same counts: ineligible 4,
    forced_out 2, and the reasons of the ineligible ones only (contract change)."""
    book = _cost_moved(tmp_path, "P-05", "cost_FY2027")
    problem = osa_opt.load_problem(book)
    summary = problem.summary()
    assert (summary["eligible"], summary["ineligible"], summary["forced_out"]) == (32, 4, 2)
    assert summary["projects"] == summary["eligible"] + summary["ineligible"] \
        + summary["forced_out"]
    by_reason = summary["ineligible_by_reason"]
    assert "status excluded" not in by_reason and "cost in another year" not in by_reason
    assert sum(by_reason.values()) == 4  # the example's four fail one rule each
    monkeypatch.setenv("COLUMNS", "200")
    run = osa("validate", book, "--no-solve", "--json")
    assert run.code == 0, run.err
    said = json.loads(run.out)
    assert (said["ineligible"], said["forced_out"]) == (4, 2)
    assert said["ineligible_by_reason"] == by_reason
    shown = osa("validate", book, "--no-solve")
    assert "ineligible projects 4 forced out 2 " in " ".join(shown.out.split())
    folder = tmp_path / "run"
    assert osa("solve", book, "--out", folder, "--no-explain", "-k", "1").code == 0
    written = json.loads((folder / "run.json").read_text(encoding="utf-8"))["problem"]
    assert (written["ineligible"], written["forced_out"]) == (4, 2)
    assert written["ineligible_by_reason"] == by_reason
    # the solve's table of why projects are out of portfolio 1 still counts the forced out
    from osa_opt.cli.render import exclusion_counts

    counts = dict(exclusion_counts(osa_opt.solve(problem, portfolios=1), top=10))
    assert counts["forced out: status excluded"] == 1
    assert counts["forced out: cost in another year"] == 1
