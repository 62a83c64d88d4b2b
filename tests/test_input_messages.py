"""The messages of input handling, on the shipped example with one thing broken, through the
CLI as a user runs it: the sheet, Excel row, column, value and fix of each problem, exit code
2 and no run folder. Each test names the defect it guards against."""

from __future__ import annotations

import json
import re
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import openpyxl
import pandas as pd
import pytest
import test_corrupt_inputs
from test_corrupt_inputs import with_cells

import osa_opt
from osa_opt.cli.common import blame_budget_option
from osa_opt.data import default_policy_path, example_path
from osa_opt.errors import InputError, Issue, MissingYear


def refused(run: Callable, tmp_path: Path, *args: str | Path) -> list[dict[str, Any]]:
    """``solve ARGS`` exits 2 and writes nothing; the issues of ``validate ARGS --json``."""
    out = tmp_path / "run"
    code, _, err = run("solve", *args, "--out", out, "--no-explain", "-k", "1")
    assert code == 2, err
    assert "Traceback" not in err and not out.exists()
    code, stdout, err = run("validate", *args, "--json", "--no-solve")
    assert code == 2, err
    return json.loads(stdout)["issues"]


def flat(text: str) -> str:
    """Terminal output with the table's frame and line breaks taken out."""
    return " ".join(re.sub(r"[\u2500-\u257f]", " ", text).split())


def row_of(sheet: str, key: str) -> int:
    """The Excel row of ``key`` (a project id or country) in the shipped example."""
    ws = openpyxl.load_workbook(example_path())[sheet]
    return next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == key)


def policy_issues(run: Callable, tmp_path: Path, name: str, old: str, new: str,
                  ) -> list[dict[str, Any]]:
    """The issues of the shipped policy with ``old`` written as ``new``, saved as ``name``."""
    policy = tmp_path / name
    text = default_policy_path().read_text("utf-8")
    assert old in text
    policy.write_text(text.replace(old, new, 1), "utf-8")
    return refused(run, tmp_path, example_path(), "--policy", policy)


# ------------------------------------------------------------ 1. the --budget year's words
def test_a_budget_year_without_a_cost_column_is_worded_from_its_facts(
        run: Callable, tmp_path: Path) -> None:
    """The option's did-you-mean came from a regex over the readers' hint; now from the
    issue's structured MissingYear. (A year the input lacks is checked before the cells.)"""
    (year,) = refused(run, tmp_path, example_path(), "--budget", "fy2026=18100")
    assert (year["sheet"], year["row"], year["column"], year["value"]) == (
        "--budget fy2026=18100", None, None, "fy2026")
    assert year["rule"] == "fy2026 is not a fiscal year of this input (it has no cost_fy2026 column)"
    assert year["hint"] == (
        "did you mean --budget FY2026=18100? (the policy's fiscal years: FY2026) Otherwise "
        "check the year in --budget, or add cost_fy2026 to the projects sheet with each "
        "project's cost in that year")
    assert "detail" not in year  # the facts are for the CLI, not the JSON
    code, _, err = run("validate", example_path(), "--set", "budget.FY2062=500", "--no-solve")
    said = flat(err)
    assert code == 2 and "1 problem in the input" in said
    assert "did you mean --set budget.FY2026=500?" in said and "check the year in --set" in said


def test_the_issue_carries_the_year_s_facts_and_the_cli_reads_only_them() -> None:
    with pytest.raises(InputError) as caught:
        osa_opt.load_problem(overrides={"budget.fy2026": 18100})
    (issue,) = caught.value.issues
    assert issue.detail == MissingYear("budget.fy2026", "fy2026", "cost_fy2026", "FY2026",
                                       ("FY2026",))
    # the hint's words may change: the option's message does not depend on them
    reworded = InputError([Issue("overrides 'budget.fy2026'", None, "cost_fy2026", "fy2026",
                                 "some other rule", "some other hint", detail=issue.detail)])
    blame_budget_option(reworded, ("fy2026=18100",))
    (blamed,) = reworded.issues
    assert blamed.sheet == "--budget fy2026=18100" and blamed.column is None
    assert blamed.hint.startswith("did you mean --budget FY2026=18100?")
    # an issue without the facts is left as it is, whatever its words
    lookalike = Issue("overrides 'budget.fy2026'", None, "cost_fy2026", "fy2026",
                      "missing column cost_fy2026", "did you mean FY2026?")
    error = InputError([lookalike])
    blame_budget_option(error, ("fy2026=18100",))
    assert error.issues == [lookalike]


# ------------------------------------------------------ 2. whose data a reason comes from
def test_a_mandatory_project_s_own_prior_consent_is_blamed_on_its_row(
        run: Callable, tmp_path: Path) -> None:
    row = row_of("projects", "P-01")  # the example's mandatory project
    book = with_cells(tmp_path / "round.xlsx", ("projects", row, "prior_consent", False))
    (issue,) = refused(run, tmp_path, book)
    assert (issue["sheet"], issue["row"], issue["column"], issue["value"]) == (
        "projects", row, "status", "mandatory")
    assert "no management agreement: the project's agreement" in issue["rule"]
    assert issue["hint"].startswith("fix the project's data (its row) or the policy")
    country = with_cells(tmp_path / "country.xlsx",
                         ("countries", row_of("countries", "Aurelia"), "management_agreement",
                          False))
    (issue,) = refused(run, tmp_path, country)
    assert (issue["row"], issue["column"]) == (row, "status")
    assert "no management agreement: Aurelia has no" in issue["rule"]
    assert issue["hint"].startswith("fix the country's data or the policy")


def test_assess_records_each_reason_s_origin_where_it_is_made() -> None:
    """The country's management agreement and the project's prior consent share a code; the
    origin is recorded with the reason, not read back from its words."""
    from osa_opt.inputs.eligibility import NO_MANAGEMENT_AGREEMENT, Origin, assess, code_of

    problem = osa_opt.load_problem()
    projects = problem.projects.copy()
    projects["prior_consent"] = projects["prior_consent"].astype(object)
    projects.loc["P-02", "prior_consent"] = False
    countries = problem.countries.copy()
    countries.loc["Aurelia", "management_agreement"] = False
    verdict = assess(projects, countries, problem.policy, origins=True)
    p02 = dict(zip(verdict.at["P-02", "reasons"], verdict.at["P-02", "origins"], strict=True))
    p03 = dict(zip(verdict.at["P-03", "reasons"], verdict.at["P-03", "origins"], strict=True))
    assert [code_of(r) for r in p02] == [code_of(r) for r in p03] == [NO_MANAGEMENT_AGREEMENT]
    assert list(p02.values()) == [Origin.PROJECT] and list(p03.values()) == [Origin.COUNTRY]
    assert "origins" not in assess(projects, countries, problem.policy).columns


# ---------------------------------------------------- 3. counts with thousands separators
def test_validate_counts_with_thousands_separators(run: Callable, tmp_path: Path) -> None:
    """1,216 projects that each fail two rules: every count validate prints is grouped
    ("1216 projects in all" before)."""
    projects = pd.read_excel(example_path(), sheet_name="projects", dtype=object)
    countries = pd.read_excel(example_path(), sheet_name="countries", dtype=object)
    copies = []
    for k in range(32):
        copy = projects.copy()
        copy["project_id"] = copy["project_id"] + f"-{k}"
        copies.append(copy)
    many = pd.concat(copies, ignore_index=True)
    many["requires"] = None
    many["status"], many["status_reason"] = "candidate", None
    many["dispute_linked"], many["un_charter"] = True, False
    folder = tmp_path / "round"
    folder.mkdir()
    many.to_csv(folder / "projects.csv", index=False)
    countries.to_csv(folder / "countries.csv", index=False)
    code, out, err = run("validate", folder, "--no-solve")
    assert code == 0, err
    said = flat(out)
    assert "1,216 projects in all" in said
    assert re.search(r"ineligible projects 1,216\b", said)
    assert re.search(r"linked to an international dispute 1,216\b", said)
    assert "1216" not in said


# ----------------------------------------------------- 4. a number hint fits its column
@pytest.mark.parametrize(("sheet", "key", "column", "fix"), [
    ("projects", "P-03", "risk", "type a plain number from 0 to 1, such as 0.35 "),
    ("countries", "Aurelia", "democracy", "type a plain number from 0 to 10, such as "),
    ("countries", "Aurelia", "max_share", "type a plain number above 0 and up to 1, such as "
                                          "0.35 "),
    ("projects", "P-03", "cost_FY2026", "type a plain number such as 750, 0.35 or 18,100 "),
])
def test_a_number_hint_gives_examples_inside_the_column_s_range(
        run: Callable, tmp_path: Path, sheet: str, key: str, column: str, fix: str) -> None:
    row = row_of(sheet, key)
    book = with_cells(tmp_path / "round.xlsx", (sheet, row, column, "abc"))
    (issue,) = refused(run, tmp_path, book)
    assert (issue["sheet"], issue["row"], issue["column"], issue["value"]) == (
        sheet, row, column, "abc")
    assert issue["hint"].startswith(fix), issue["hint"]
    if column != "cost_FY2026":
        assert "18,100" not in issue["hint"] and "750" not in issue["hint"]


# ------------------------------------------- 5. a Problem's tables: read-only, plain arrays
def test_a_problems_tables_equal_their_copies_and_the_derived_ones_refuse_writes() -> None:
    # An ndarray subclass once gave a friendlier message, but pandas compares array classes:
    # assert_frame_equal(problem.projects, problem.projects.copy()) failed on the bool
    # columns (and on any column with check_exact). The arrays stay plain; the derived
    # tables' read-only.
    problem = osa_opt.load_problem()
    cost = problem.cost
    with pytest.raises(ValueError, match="read-only"):
        cost.loc["P-01", "FY2026"] = 0.0
    for table in (problem.projects, problem.countries, problem.cost, problem.eligibility,
                  problem.input_projects):
        pd.testing.assert_frame_equal(table, table.copy())
        pd.testing.assert_frame_equal(table, table.copy(), check_exact=True)
        assert {type(table[c].to_numpy()) for c in table.columns} <= {np.ndarray}
        assert {type(table[c].values) for c in table.columns
                if isinstance(table[c].dtype, np.dtype)} == {np.ndarray}
    edited = problem.projects.copy()  # the way the docs give
    edited.loc["P-01", "risk"] = 0.2
    assert problem.with_projects(edited).projects.at["P-01", "risk"] == 0.2
    assert problem.projects.at["P-01", "risk"] != 0.2


def test_a_write_into_a_problem_in_a_notebook_is_what_the_docs_say() -> None:
    """docs/inputs.md, 'A Problem does not change': problem.projects is the same table on
    every access, of values of its own, so a value written in one step stays there (it
    raised numpy's "assignment destination is read-only"; before, pandas' chained-assignment
    FutureWarning came first), with no warning, in pandas' copy-on-write mode too; a solve
    refuses the problem, naming the column, until with_projects takes it."""
    problem = osa_opt.load_problem()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        problem.projects.loc["P-01", "risk"] = 0.4
        problem.projects["cost_FY2026"] *= 1.1
        with pd.option_context("mode.copy_on_write", True):
            problem.countries.loc["Aurelia", "democracy"] = 9.0
    assert problem.projects.at["P-01", "risk"] == 0.4
    assert problem.countries.at["Aurelia", "democracy"] == 9.0
    assert problem.input_projects.at["P-01", "risk"] != 0.4
    with pytest.raises(osa_opt.OsaError, match=r"\(projects: column cost_FY2026 changed, "
                                               r"column risk changed; countries: column "
                                               r"democracy changed\)"):
        osa_opt.solve(problem, portfolios=1)
    taken = problem.with_projects(problem.projects)
    assert taken.projects.at["P-01", "risk"] == 0.4
    assert taken.total_cost["P-17"] == pytest.approx(3410.0)
    assert taken.countries.at["Aurelia", "democracy"] == 9.0


# ------------------------------------------------------- 6. the template's flags' defaults
def test_the_template_writes_flag_defaults_in_lower_case(run: Callable, tmp_path: Path) -> None:
    code, _, err = run("template", tmp_path / "t.xlsx")
    assert code == 0, err
    for path in (tmp_path / "t.xlsx", example_path()):
        book = openpyxl.load_workbook(path)
        readme = " ".join(str(v) for r in book["README"].iter_rows(values_only=True)
                          for v in r if v)
        comments = " ".join(c.comment.text for ws in (book["projects"], book["countries"])
                            for c in ws[1] if c.comment)
        for text in (readme, comments) if path != example_path() else (readme,):
            assert "default false" in text and "default true" in text, path
            assert "default False" not in text and "default True" not in text, path


# ---------------------------------------------- 7. a trailing comma in a --set inline table
def test_a_trailing_comma_in_a_set_table_gets_the_toml_hint(run: Callable,
                                                             tmp_path: Path) -> None:
    typed = "objective.weights={security=1, humanitarian=1, partnership=1,}"
    issues = refused(run, tmp_path, example_path(), "--set", typed)
    (issue,) = issues
    assert (issue["sheet"], issue["column"], issue["value"]) == (
        f"--set {typed}", "objective.weights", "{security=1, humanitarian=1, partnership=1,}")
    assert issue["rule"].startswith("a comma after the last entry of an inline table")
    assert issue["hint"] == ("delete the comma before '}': {security=1, humanitarian=1, "
                             "partnership=1} (TOML 1.0 takes no trailing comma in an inline "
                             "table)")
    code, _, err = run("validate", "--set", "balance.max_region_share={'Pacific Islands'=0.3,}",
                       "--no-solve")
    assert code == 2 and "delete the comma before '}'" in flat(err)


# ------------------------------------------------------------- 8. a row pasted twice
def _pasted_twice(book: Any, sheet: str, key: str, change: tuple[str, Any] | None = None) -> None:
    ws = book[sheet]
    row = [c.value for c in ws[row_of(sheet, key)]]
    ws.append(row)
    if change:
        ws.cell(ws.max_row, test_corrupt_inputs.column(ws, change[0])).value = change[1]


@pytest.mark.parametrize(("sheet", "key"), [("projects", "P-05"), ("countries", "Serendel")])
def test_a_row_pasted_twice_is_named_as_a_copy_to_delete(run: Callable, tmp_path: Path,
                                                         sheet: str, key: str) -> None:
    """The fix of a duplicate id was 'give each project its own project_id': done to a row
    pasted twice, it would count the project (its cost, its value) twice."""
    path = test_corrupt_inputs.edited(tmp_path / "twice.xlsx",
                                      lambda b: _pasted_twice(b, sheet, key))
    first, copy = row_of(sheet, key), 40 if sheet == "projects" else 16
    issues = refused(run, tmp_path, path)
    assert [(i["row"], i["value"]) for i in issues] == [(first, key), (copy, key)]
    what = "project" if sheet == "projects" else "country"
    for issue, other in zip(issues, (copy, first), strict=True):
        assert issue["rule"] == (f"duplicate {issue['column']}: the same {what} is also in row "
                                 f"{other}, every cell alike: a row pasted twice?")
        assert issue["hint"] == (f"delete one of the two rows ({min(first, copy)} or "
                                 f"{max(first, copy)}); giving one of them another "
                                 f"{issue['column']} would count the {what} twice")


def test_a_duplicate_id_of_rows_that_differ_keeps_its_fix(run: Callable, tmp_path: Path) -> None:
    path = test_corrupt_inputs.edited(
        tmp_path / "twice.xlsx", lambda b: _pasted_twice(b, "projects", "P-05", ("title", "x")))
    issues = refused(run, tmp_path, path)
    assert [i["rule"] for i in issues] == [
        "duplicate project_id: the same project is also in row 40",
        f"duplicate project_id: the same project is also in row {row_of('projects', 'P-05')}"]
    # the usual slip: a row copied for a new candidate, its id left; the fix names a free id
    assert {i["hint"] for i in issues} == {"give each project its own project_id: if one row "
                                           "is a copy made for another project, give it a "
                                           "new id (P-39 is free)"}


# ------------------------------------------------- 9. a fiscal year of the Japanese era
@pytest.mark.parametrize("header", ["cost_R8", "cost_令和8年度", "cost_R08", "cost_令和８年度"])
def test_a_cost_header_in_the_japanese_era_is_named_with_its_fiscal_year(
        run: Callable, tmp_path: Path, header: str) -> None:
    """令和8年度 (Reiwa 8) is FY2026: the message named no header and said to add the column."""
    path = with_cells(tmp_path / "era.xlsx", ("projects", 1, "cost_FY2026", header))
    (issue,) = refused(run, tmp_path, path)
    assert (issue["sheet"], issue["row"], issue["column"], issue["value"]) == (
        "projects", None, "cost_FY2026", header)
    assert issue["hint"] == (f"did you mean 'cost_FY2026'? {header!r} is Reiwa 8 of the "
                             f"Japanese era, fiscal year 2026 (April 2026 to March 2027): "
                             f"rename the header {header!r} to 'cost_FY2026'")


@pytest.mark.parametrize("key", ["R8", "令和8年度"])
def test_a_budget_key_in_the_japanese_era_is_blamed_on_the_policy(
        run: Callable, tmp_path: Path, key: str) -> None:
    (issue,) = policy_issues(run, tmp_path, "era.toml", "FY2026 = 18100", f'"{key}" = 18100')
    assert (issue["sheet"], issue["column"], issue["value"]) == (
        "policy era.toml", f"budget.{key}", key)
    assert issue["rule"] == (f"the policy's [budget] has fiscal year {key!r}, but the projects "
                             f"sheet has no column cost_{key}; it has cost_FY2026")
    assert issue["hint"] == (f"did you mean 'FY2026'? {key!r} is Reiwa 8 of the Japanese era, "
                             f"fiscal year 2026 (April 2026 to March 2027): rename budget.{key} "
                             f"to budget.FY2026 (the data's header cost_FY2026 looks right)")


def test_a_cost_column_of_a_later_year_in_the_japanese_era_is_told_its_name(
        run: Callable, tmp_path: Path) -> None:
    path = with_cells(tmp_path / "era.xlsx", ("projects", 1, 40, "cost_R9"),
                      ("projects", 2, 40, 500))
    (warning,) = test_corrupt_inputs.warned(run, path)
    assert warning.startswith("projects, column 'cost_R9': cost_R9 holds ¥500m of costs, but "
                              "the policy has no budget for R9: ")
    assert ("Fix: if it holds the costs of FY2027, name it cost_FY2027, as the policy writes "
            "its years, and give the policy a budget for FY2027") in warning


@pytest.mark.parametrize("year", ["R8", "令和8年度"])
def test_a_budget_option_in_the_japanese_era_is_told_the_year_to_type(
        run: Callable, tmp_path: Path, year: str) -> None:
    (issue,) = refused(run, tmp_path, example_path(), "--budget", f"{year}=18100")
    assert issue["sheet"] == f"--budget {year}=18100"
    assert issue["hint"].startswith("did you mean --budget FY2026=18100? (the policy's fiscal "
                                    "years: FY2026)")


# ----------------------------------------------------- 10. a cost typed with its unit
@pytest.mark.parametrize(("typed", "meant"), [
    ("¥1.2bn", "1200"), ("1.2 billion yen", "1200"), ("120 million", "120"), ("¥120m", "120"),
    ("1.2億", "120"), ("12億円", "1200"), ("1,200百万円", "1200"), ("５０００万円", "50"),
    ("¥850,000,000", "850"), ("850,000千円", "850"), ("JPY 1.5bn", "1500")])
def test_a_cost_typed_with_its_unit_is_told_the_number_in_million_yen(
        run: Callable, tmp_path: Path, typed: str, meant: str) -> None:
    """'¥1.2bn' was refused with 'type a plain number such as 750': not which number, nor
    that costs are in ¥ million (1.2 and 1200 both look plain)."""
    path = with_cells(tmp_path / "unit.xlsx", ("projects", 6, "cost_FY2026", typed))
    (issue,) = refused(run, tmp_path, path)
    assert (issue["row"], issue["column"], issue["value"]) == (6, "cost_FY2026", typed)
    assert issue["hint"] == (f"costs are in ¥ million: {typed!r} is ¥{int(meant):,} million, "
                             f"so type {meant}")


@pytest.mark.parametrize("typed", ["1200 (revised)", "about 1200", "¥", "bn", "12 boats"])
def test_a_cost_cell_that_is_no_amount_keeps_the_plain_hint(
        run: Callable, tmp_path: Path, typed: str) -> None:
    path = with_cells(tmp_path / "unit.xlsx", ("projects", 6, "cost_FY2026", typed))
    (issue,) = refused(run, tmp_path, path)
    assert issue["hint"] == ("type a plain number such as 750, 0.35 or 18,100 (no units or "
                             "currency signs)")


def test_a_budget_typed_with_its_unit_is_told_the_number_in_million_yen(
        run: Callable, tmp_path: Path) -> None:
    (issue,) = policy_issues(run, tmp_path, "unit.toml", "FY2026 = 18100",
                             'FY2026 = "¥18.1bn"')
    assert (issue["sheet"], issue["column"], issue["value"]) == (
        "policy unit.toml", "budget.FY2026", "¥18.1bn")
    assert issue["rule"] == "an amount with its unit (read as text), expected a number"
    assert issue["hint"] == "budgets are in ¥ million: '¥18.1bn' is ¥18,100 million, so write 18100"


# ------------------------------------------- 11. a share typed as a percentage number
@pytest.mark.parametrize(("sheet", "key", "header", "typed", "fraction"), [
    ("countries", "Aurelia", "max_share", 35, "0.35"), ("projects", "P-05", "risk", 20, "0.2"),
    ("projects", "P-05", "p_sign", 80, "0.8"), ("projects", "P-05", "min_funding", 50, "0.5")])
def test_a_share_typed_as_a_percentage_number_is_told_the_fraction(
        run: Callable, tmp_path: Path, sheet: str, key: str, header: str, typed: int,
        fraction: str) -> None:
    """max_share 35 (for 35%) said only what max_share means; '35%' was told 0.35."""
    path = with_cells(tmp_path / "share.xlsx", (sheet, row_of(sheet, key), header, typed))
    (issue,) = refused(run, tmp_path, path)
    assert (issue["column"], issue["value"]) == (header, str(typed))
    assert issue["hint"].startswith(f"type the share as a fraction: {fraction} for {typed}%")


def test_a_full_width_percentage_is_told_the_fraction(run: Callable, tmp_path: Path) -> None:
    """'３５％', as a Japanese input method types 35%, was told to be 'a plain number (no
    units or currency signs)', where '35%' is told 0.35; in the policy too."""
    path = with_cells(tmp_path / "share.xlsx", ("projects", 6, "risk", "３５％"))
    (issue,) = refused(run, tmp_path, path)
    assert issue["hint"] == "type the share as a fraction: 0.35 for ３５％"
    (issue,) = policy_issues(run, tmp_path, "pct.toml", "max_country_share = 1.0",
                             'max_country_share = "３０％"')
    assert issue["hint"] == "write the share as a fraction: 0.3 for ３０％"


def test_a_policy_value_toml_reads_as_a_date_is_named_as_typed(
        run: Callable, tmp_path: Path) -> None:
    """name = 2026-04-01 (no quotes: a TOML date) was 'wrong type date ... (value
    datetime.date(2026, 4, 1))', Python's words for the value, with no word of quotes."""
    (issue,) = policy_issues(run, tmp_path, "dated.toml", 'name = "Default OSA round"',
                             "name = 2026-04-01")
    assert (issue["value"], issue["rule"], issue["hint"]) == (
        "2026-04-01", "a date or time (TOML reads 2026-04-01 without quotes as one), "
        "expected text", 'write name as text in quotes, "2026-04-01"')


def test_a_flag_typed_as_a_mark_is_told_the_word(run: Callable, tmp_path: Path) -> None:
    """○ and × (yes and no in a Japanese sheet) were told only 'type true or false'."""
    path = with_cells(tmp_path / "marks.xlsx", ("countries", 2, "oda_eligible", "○"),
                      ("countries", 3, "party_to_conflict", "×"))
    assert [(i["value"], i["hint"]) for i in refused(run, tmp_path, path)] == [
        ("○", "type true for '○' (a mark such as ○ or × is not read as true or false; "
              "yes/no and 1/0 work too)"),
        ("×", "type false for '×' (a mark such as ○ or × is not read as true or false; "
              "yes/no and 1/0 work too)")]


def test_a_score_on_a_hundred_point_scale_is_told_the_ten_point_number(
        run: Callable, tmp_path: Path) -> None:
    """A score of 76 (on a 0-100 scale) said only what the score means."""
    path = with_cells(tmp_path / "scale.xlsx", ("projects", 6, "score_security", 76),
                      ("countries", 2, "democracy", 72))
    assert [i["hint"] for i in refused(run, tmp_path, path)] == [
        "the scale is 0-10: if 76 is on a 0-100 scale, type 7.6 (score_security: benefit "
        "score for the criterion 'security', 0-10)",
        "the scale is 0-10: if 72 is on a 0-100 scale, type 7.2 (democracy: democracy "
        "assessment, 0-10)"]


def test_a_number_out_of_range_that_is_no_percentage_keeps_its_hint(
        run: Callable, tmp_path: Path) -> None:
    path = with_cells(tmp_path / "share.xlsx", ("projects", 6, "risk", 1.5))
    (issue,) = refused(run, tmp_path, path)
    assert issue["hint"] == "risk: risk of failed delivery or misuse, 0 (none) to 1"


# -------------------------------------------- 12. a policy key in the wrong section
@pytest.mark.parametrize(("text", "key", "hint"), [
    ("min_region_share = {}\nmax_country_share = 0.3", "balance.max_country_share",
     "max_country_share is a key of [priority], not of [balance]: move it under [priority] "
     "(see models/default.toml)"),
    ("min_region_share = {}\nmax_risk = 0.4", "balance.max_risk",
     "max_risk is a key of [eligibility], not of [balance]: move it under [eligibility] "
     "(see models/default.toml)")])
def test_a_policy_key_in_the_wrong_section_is_told_where_it_goes(
        run: Callable, tmp_path: Path, text: str, key: str, hint: str) -> None:
    """max_country_share typed under [balance] was told 'did you mean max_region_share?',
    another rule."""
    (issue,) = policy_issues(run, tmp_path, "moved.toml", "min_region_share = {}", text)
    assert (issue["column"], issue["rule"], issue["hint"]) == (key, "unknown key", hint)


def test_a_set_option_in_the_wrong_section_is_told_where_it_goes(
        run: Callable, tmp_path: Path) -> None:
    (issue,) = refused(run, tmp_path, example_path(), "--set", "balance.max_country_share=0.3")
    assert issue["hint"] == ("max_country_share is a key of [priority], not of [balance]: "
                             "move it under [priority] (see models/default.toml)")


def test_a_share_typed_with_a_percent_sign_in_the_policy_is_told_the_fraction(
        run: Callable, tmp_path: Path) -> None:
    (issue,) = policy_issues(run, tmp_path, "pct.toml", "max_country_share = 1.0",
                             'max_country_share = "30%"')
    assert (issue["column"], issue["hint"]) == (
        "priority.max_country_share", "write the share as a fraction: 0.3 for 30%")


def test_a_failing_sheet_with_blank_cells_shows_no_library_warning(tmp_path: Path) -> None:
    """Two countries with no name and a democracy of 11: pandera words the failures through
    a pandas concatenation of all-blank columns that warns (FutureWarning) and a user saw
    that warning above the table of problems; now only the problems are told."""
    import csv
    import shutil
    import warnings

    folder = tmp_path / "round"
    shutil.copytree(Path(__file__).parent / "corpus" / "csv-en", folder)
    path = folder / "countries.csv"
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    header = rows[0]
    for row in rows[1:3]:
        row[header.index("country")] = ""
    rows[3][header.index("democracy")] = "11"
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    with warnings.catch_warnings():
        warnings.simplefilter("error", FutureWarning)
        with pytest.raises(InputError) as caught:
            osa_opt.load_problem(folder)
    told = [(i.sheet, i.row, i.column) for i in caught.value.issues]
    assert ("countries", 4, "democracy") in told
    assert ("countries", 2, "country") in told


# ------------------------------------------ a value an option gave, named at the option
@pytest.mark.parametrize(("option", "key", "value"), [
    ("priority.required_partners=['Tavolla']", "priority.required_partners", "Tavolla"),
    ("balance.max_region_share={Atlantis=0.3}", "balance.max_region_share.Atlantis",
     "Atlantis"),
    ("eligibility.equipment_categories=['surveilance']",
     "eligibility.equipment_categories", "surveilance"),
])
def test_a_name_the_data_lacks_given_by_set_is_named_at_the_option(
        run: Callable, tmp_path: Path, option: str, key: str, value: str) -> None:
    """`--set priority.required_partners=['Tavolla']` was listed under "policy default.toml",
    as if the shipped file held the typo: the cross-sheet checks of the policy's names
    placed every issue at the file."""
    (issue,) = [i for i in refused(run, tmp_path, example_path(), "--set", option)
                if i["column"] == key]  # (a mandatory project a category rules out: its row)
    assert (issue["sheet"], issue["value"]) == (f"--set {option}", value)
    code, _, err = run("validate", example_path(), "--set", option, "--no-solve")
    assert code == 2 and "default.toml" not in err and f"--set {option}" in flat(err)


def test_a_name_the_data_lacks_given_as_an_override_in_python_is_named_at_it(
        tmp_path: Path) -> None:
    from osa_opt.inputs.policy import OVERRIDE_SHEET

    with pytest.raises(InputError) as caught:
        osa_opt.load_problem(overrides={"priority.required_partners": ["Tavolla"]})
    assert [i.sheet for i in caught.value.issues] == [OVERRIDE_SHEET]
    with pytest.raises(InputError) as caught:
        osa_opt.load_problem().with_policy(overrides={"priority": {"required_partners":
                                                                   ["Tavolla"]}})
    assert [i.sheet for i in caught.value.issues] == [OVERRIDE_SHEET]
    # the file's own typo stays the file's, beside an override of another key
    policy = tmp_path / "round.toml"
    policy.write_text(default_policy_path().read_text("utf-8").replace(
        "min_countries = 0 ", "required_partners = ['Tavolla']\nmin_countries = 0 ", 1),
        "utf-8")
    with pytest.raises(InputError) as caught:
        osa_opt.load_problem(policy=policy, overrides={"priority.min_countries": 2})
    assert [i.sheet for i in caught.value.issues] == ["policy round.toml"]


def test_a_warning_about_a_value_an_option_gave_names_the_option(
        run: Callable, tmp_path: Path) -> None:
    """`--budget FY2026=18` was warned of as "policy default.toml, key 'budget.FY2026'"."""
    code, out, err = run("validate", example_path(), "--budget", "FY2026=18",
                         "--set", "objective.risk_aversion=3", "--no-solve", "--json")
    assert code == 0, err
    sheets = {w["column"]: w["sheet"] for w in json.loads(out)["warnings"]}
    assert sheets == {"budget.FY2026": "--budget FY2026=18",
                      "objective.risk_aversion": "--set objective.risk_aversion=3"}
    code, _, err = run("validate", example_path(), "--set", "budget={FY2026=18}", "--no-solve")
    said = flat(err)
    assert code == 0 and "--set budget={FY2026=18}, key 'budget.FY2026'" in said, said
    assert "default.toml" not in said


def test_a_mandatory_project_requiring_an_excluded_one_names_both_rows(
        run: Callable, tmp_path: Path) -> None:
    """The refusal named the mandatory project's row alone ("mandatory project P-01
    requires P-26, which is excluded"), where one requiring a project that fails a rule
    names both rows and why (6e70bec): now the excluded one's row and status_reason too."""
    book = with_cells(tmp_path / "round.xlsx", ("projects", row_of("projects", "P-01"),
                                                 "requires", "P-03"),
                      ("projects", row_of("projects", "P-03"), "requires", "P-26"))
    (issue,) = refused(run, tmp_path, book)
    assert (issue["sheet"], issue["row"], issue["column"], issue["value"]) == (
        "projects", row_of("projects", "P-01"), "requires", "P-01 → P-03 → P-26")
    assert issue["rule"] == (
        f"mandatory project P-01 requires P-26 (in row {row_of('projects', 'P-26')}), which "
        "is excluded (status_reason: Deferred at the recipient's request: the "
        "training-centre site will not be ready before FY2028) (via P-03): P-01 can never "
        "be funded")
    assert issue["hint"] == ("make P-26 a candidate, or make P-01 a candidate, or drop the "
                             "requirement")
