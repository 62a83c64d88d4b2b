"""Readers: workbook and CSV folder give the same raw tables and Problems; every file
problem is an InputError naming the file, never a traceback."""

from __future__ import annotations

import hashlib
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from osa_opt.errors import InputError, Issue, PolicyError
from osa_opt.inputs.policy import Policy
from osa_opt.inputs.readers import load_problem, read_tables
from osa_opt.inputs.schema import ROW

Frames = tuple[pd.DataFrame, pd.DataFrame, Policy]


def issues(path: Path | str) -> list[Issue]:
    with pytest.raises(InputError) as info:
        read_tables(path)
    return info.value.issues


# ---------------------------------------------------------------------- reading
def test_workbook_rows_are_numbered_like_excel(tmp_path: Path, tiny_frames: Frames,
                                               write_xlsx: Callable) -> None:
    projects, countries, _ = tiny_frames
    path = write_xlsx(tmp_path / "in.xlsx", projects, countries,
                      extra_sheets={"README": [["about"], ["anything at all"]]})
    raw_p, raw_c, sources = read_tables(path)
    assert list(raw_p[ROW]) == [2, 3, 4, 5, 6, 7]
    assert list(raw_c.columns) == [*countries.columns, ROW]
    assert raw_p.loc[0, "project_id"] == "P-01"
    assert raw_c.loc[1, "max_share"] == ""  # blank cells read as ""
    assert sources == {"in.xlsx": hashlib.sha256(path.read_bytes()).hexdigest()}


def test_empty_rows_are_dropped_and_numbering_kept(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = "projects"
    sheet.append([" project_id ", "title  "])
    sheet.append(["P-01", "radars"])
    sheet.append([None, "   "])
    sheet.append(["P-02", "boats"])
    book.create_sheet("countries").append(["country"])
    book.save(tmp_path / "gaps.xlsx")
    raw_p, raw_c, _ = read_tables(tmp_path / "gaps.xlsx")
    assert list(raw_p.columns) == ["project_id", "title", ROW]
    assert list(raw_p[ROW]) == [2, 4]
    assert raw_c.empty and list(raw_c.columns) == ["country", ROW]


def test_csv_folder_numbers_lines(tmp_path: Path) -> None:
    folder = tmp_path / "csv"
    folder.mkdir()
    (folder / "projects.csv").write_text(
        'project_id,title\nP-01,"two\nlines"\n\nP-02,boats\n', encoding="utf-8")
    (folder / "countries.csv").write_text("\ufeffcountry , region\nAurelia,Asia\n",
                                          encoding="utf-8")
    raw_p, raw_c, sources = read_tables(folder)
    assert list(raw_p[ROW]) == [2, 5]  # a quoted cell spans lines 2-3, line 4 is blank
    assert list(raw_c.columns) == ["country", "region", ROW]  # BOM and spaces gone
    assert set(sources) == {"projects.csv", "countries.csv"}


# ---------------------------------------------------------------------- file errors
def test_missing_path(tmp_path: Path) -> None:
    (issue,) = issues(tmp_path / "nowhere.xlsx")
    assert issue.sheet == "nowhere.xlsx" and "not found" in issue.rule


def test_text_file_renamed_xlsx(tmp_path: Path) -> None:
    (tmp_path / "fake.xlsx").write_text("project_id,title\n", encoding="utf-8")
    (issue,) = issues(tmp_path / "fake.xlsx")
    assert issue.sheet == "fake.xlsx"
    assert issue.rule == "not an Excel workbook (.xlsx) but plain text, named .xlsx"


def test_corrupt_zip(tmp_path: Path, tiny_frames: Frames, write_xlsx: Callable) -> None:
    with zipfile.ZipFile(tmp_path / "other.xlsx", "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    assert issues(tmp_path / "other.xlsx")[0].sheet == "other.xlsx"
    good = write_xlsx(tmp_path / "good.xlsx", *tiny_frames[:2]).read_bytes()
    (tmp_path / "cut.xlsx").write_bytes(good[: len(good) // 2])
    assert "not a readable Excel workbook" in issues(tmp_path / "cut.xlsx")[0].rule


def test_old_xls_and_single_csv(tmp_path: Path) -> None:
    (tmp_path / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    (tmp_path / "one.csv").write_text("a\n", encoding="utf-8")
    assert "save it as an .xlsx" in issues(tmp_path / "old.xls")[0].hint
    assert "folder" in issues(tmp_path / "one.csv")[0].hint


def test_missing_sheets_are_all_reported(tmp_path: Path) -> None:
    book = Workbook()
    book.active.title = "Projects"
    book.save(tmp_path / "sheets.xlsx")
    found = issues(tmp_path / "sheets.xlsx")
    assert [(i.sheet, i.value) for i in found] == [("sheets.xlsx", "projects"),
                                                   ("sheets.xlsx", "countries")]
    assert "rename the sheet 'Projects' to 'projects'" in found[0].hint


def test_missing_csv_and_bad_encoding(tmp_path: Path) -> None:
    folder = tmp_path / "csv"
    folder.mkdir()
    (folder / "projects.csv").write_bytes("project_id,title\nP-01,Café\n".encode("cp1252"))
    found = issues(folder)
    assert [i.sheet for i in found] == ["projects.csv", "countries.csv"]
    assert "UTF-8" in found[0].rule and "CSV UTF-8" in found[0].hint
    assert "not found" in found[1].rule


def test_semicolon_csv(tmp_path: Path) -> None:
    folder = tmp_path / "csv"
    folder.mkdir()
    (folder / "projects.csv").write_text("project_id;title\nP-01;x\n", encoding="utf-8")
    (folder / "countries.csv").write_text("country\nA\n", encoding="utf-8")
    projects, _, _ = read_tables(folder)  # read as the German-locale Excel wrote it
    assert list(projects.columns) == ["project_id", "title", ROW]
    assert projects.iloc[0].tolist() == ["P-01", "x", 2]


def test_duplicate_and_missing_headers(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = "projects"
    sheet.append(["project_id", "title", "title", None])
    sheet.append(["P-01", "a", "b", "stray note"])
    book.create_sheet("countries").append(["country"])
    book.save(tmp_path / "headers.xlsx")
    dup, headless = issues(tmp_path / "headers.xlsx")
    assert (dup.sheet, dup.row, dup.column) == ("projects", 1, "title")
    assert "column B, column C" in dup.rule
    assert (headless.sheet, headless.row) == ("projects", 2) and "column D" in headless.rule


def test_empty_header_row(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = "projects"
    sheet["A3"] = "project_id"
    sheet["A4"] = "P-01"
    book.create_sheet("countries").append(["country"])
    book.save(tmp_path / "low.xlsx")
    (issue,) = issues(tmp_path / "low.xlsx")
    assert issue.row == 1 and "row 3" in issue.hint


# ---------------------------------------------------------------------- load_problem
def test_load_problem_policy_as_path_dict_or_policy(tmp_path: Path, tiny_frames: Frames,
                                                    write_xlsx: Callable) -> None:
    projects, countries, policy = tiny_frames
    path = write_xlsx(tmp_path / "in.xlsx", projects, countries)
    toml = tmp_path / "tiny.toml"
    toml.write_text(policy.to_toml(), encoding="utf-8")
    from_file = load_problem(path, policy=toml)
    from_dict = load_problem(path, policy=policy.to_dict())
    from_obj = load_problem(str(path), policy=policy)
    assert from_file.policy == from_dict.policy == from_obj.policy
    assert from_file.sources == {
        "in.xlsx": hashlib.sha256(path.read_bytes()).hexdigest(),
        "tiny.toml": hashlib.sha256(toml.read_bytes()).hexdigest(),
    }
    assert set(from_obj.sources) == {"in.xlsx"}
    pd.testing.assert_frame_equal(from_file.projects, from_obj.projects)


def test_load_problem_overrides(tmp_path: Path, tiny_frames: Frames,
                                write_xlsx: Callable) -> None:
    projects, countries, policy = tiny_frames
    path = write_xlsx(tmp_path / "in.xlsx", projects, countries)
    problem = load_problem(path, policy=policy,
                           overrides={"budget.FY2026": "2500", "priority.min_countries": 2})
    assert problem.policy.budget["FY2026"] == 2500.0
    assert problem.policy.priority.min_countries == 2


def test_a_budget_year_the_overrides_name_is_checked_before_the_tables(
        tmp_path: Path, tiny_frames: Frames, write_xlsx: Callable) -> None:
    """An override naming a fiscal year without a cost column is named at the override (sheet,
    column, value, fix), before the tables are checked; a year that has its column, or a
    sheet without headers, is left to validation."""
    projects, countries, policy = tiny_frames
    path = write_xlsx(tmp_path / "in.xlsx", projects.assign(score_security=99), countries)
    with pytest.raises(InputError) as info:
        load_problem(path, policy=policy, overrides={"budget.FY2028": 500,
                                                     "priority.min_countries": 2})
    (issue,) = info.value.issues  # the tables' own problem (score 99) comes once it is fixed
    assert (issue.sheet, issue.row, issue.column, issue.value) == \
        ("overrides 'budget.FY2028'", None, "cost_FY2028", "FY2028")
    assert issue.rule == "missing column cost_FY2028: FY2028 is not a fiscal year of this input"
    assert issue.hint.startswith("did you mean FY2027? (the policy's fiscal years: FY2026, "
                                 "FY2027) Otherwise check the year in overrides, or add "
                                 "cost_FY2028")
    with pytest.raises(InputError) as info:  # nothing close: the policy's years named
        load_problem(path, policy=policy, overrides={"budget.next_year": 500})
    (issue,) = info.value.issues
    assert issue.hint.startswith("check the year in overrides (the policy's fiscal years: "
                                 "FY2026, FY2027), or add cost_next_year")
    with pytest.raises(InputError) as info:  # a year with its column: the tables' problem
        load_problem(path, policy=policy, overrides={"budget.FY2026": 500})
    assert {i.column for i in info.value.issues} == {"score_security"}
    empty = write_xlsx(tmp_path / "empty.xlsx", projects.iloc[:0, :0], countries)
    with pytest.raises(InputError) as info:
        load_problem(empty, policy=policy, overrides={"budget.FY2028": 500})
    assert [i.rule for i in info.value.issues if i.sheet == "projects"] == ["the sheet is empty"]
    assert not any("overrides" in str(i.sheet) for i in info.value.issues)


def test_load_problem_reports_policy_and_file_problems_together(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        load_problem(tmp_path / "missing.xlsx", policy={"budget": {"FY2026": 1}, "colour": 1})
    assert not isinstance(info.value, PolicyError)
    assert {i.sheet for i in info.value.issues} == {"policy", "missing.xlsx"}
    assert any(i.column == "colour" for i in info.value.issues)


def test_load_problem_missing_policy_file(tmp_path: Path, tiny_frames: Frames,
                                          write_xlsx: Callable) -> None:
    path = write_xlsx(tmp_path / "in.xlsx", *tiny_frames[:2])
    with pytest.raises(PolicyError) as info:
        load_problem(path, policy=tmp_path / "nope.toml")
    assert info.value.issues[0].sheet == "policy nope.toml"


# ---------------------------------------------------------------------- CSV == xlsx
TEXT = st.text(alphabet="abcdefgh XYZ-", min_size=1, max_size=12).filter(str.strip)
# Workbooks keep about 16 significant digits (openpyxl writes floats as Excel does), so the
# amounts are realistic: ¥ million to two decimals, scores to one.
MONEY = st.integers(0, 10**8).map(lambda n: n / 100)
SCORE = st.integers(0, 100).map(lambda n: n / 10)


@pytest.mark.slow
@settings(max_examples=20, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(costs=st.lists(MONEY, min_size=6, max_size=6),
       scores=st.lists(SCORE, min_size=6, max_size=6),
       titles=st.lists(TEXT, min_size=6, max_size=6),
       notes=st.lists(st.one_of(st.just(""), TEXT), min_size=6, max_size=6),
       flags=st.lists(st.sampled_from([True, False, "yes", "No", 1, 0]), min_size=2,
                      max_size=2),
       spaces=st.sampled_from(["", " ", "  "]))
def test_csv_and_xlsx_give_equal_problems(tiny_frames: Frames, write_xlsx: Callable,
                                          write_csv: Callable, costs: list[float],
                                          scores: list[float], titles: list[str],
                                          notes: list[str], flags: list[Any],
                                          spaces: str) -> None:
    projects_raw, countries_raw, policy = tiny_frames  # only copied below, never modified
    projects = projects_raw.assign(cost_FY2027=costs, score_security=scores, title=titles,
                                   notes=notes,
                                   country=[spaces + c for c in projects_raw["country"]])
    # Aurelia keeps its agreement: its project P-01 is mandatory, so it must stay eligible.
    countries = countries_raw.assign(management_agreement=["TRUE", *flags])
    with tempfile.TemporaryDirectory() as tmp:
        xlsx = load_problem(write_xlsx(Path(tmp) / "in.xlsx", projects, countries), policy)
        csv = load_problem(write_csv(Path(tmp) / "csv", projects, countries), policy)
    pd.testing.assert_frame_equal(xlsx.projects, csv.projects)
    pd.testing.assert_frame_equal(xlsx.countries, csv.countries)
    assert xlsx.policy == csv.policy
    assert xlsx.summary() == csv.summary()


@pytest.mark.parametrize("n, rows_listed, lines_listed", [
    (10, "rows 2, 3, 4, 5, 6, 7, 8, 9, 10, 11;", "5 lines (3, 6, 9, 12, 15) have"),
    (11, "rows 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, ...;", "6 lines (3, 6, 9, 12, 15, ...) have")])
def test_a_long_list_in_a_message_names_its_first_few_then_dots(
        n: int, rows_listed: str, lines_listed: str) -> None:
    """text.first_few, shared by the messages that name rows, lines, cells or columns: the
    first ten hidden rows, the first five short lines of a CSV file, then '...'."""
    from osa_opt.inputs.read_csv import _short_row_findings
    from osa_opt.inputs.sheet_layout import hidden_row_warnings

    header = ["project_id", "title", "country", "risk"]
    rows = [(1, header)] + [(k, ["P", "t", "c", "0"]) for k in range(2, 40)]
    (warning,) = hidden_row_warnings("projects", rows, set(range(2, 2 + n)))
    assert f"{n} rows are hidden (by a filter or by hand): {rows_listed} they are" in \
        warning.rule
    short = [(k, cells[:3] if k % 3 == 0 and k <= 3 * (n - 5) else cells) for k, cells in rows]
    (line,) = _short_row_findings("projects", short, 0, ",")[1]
    assert line.rule.startswith(f"{lines_listed} fewer cells than the header (4)")


def test_a_thousand_hidden_rows_are_counted_with_a_separator() -> None:
    """The count reads as every count message writes one: 1,200 rows, not 1200."""
    from osa_opt.inputs.sheet_layout import hidden_row_warnings

    header = ["project_id", "title", "country", "risk"]
    rows = [(1, header)] + [(k, ["P", "t", "c", "0"]) for k in range(2, 1300)]
    (warning,) = hidden_row_warnings("projects", rows, set(range(2, 1202)))
    assert warning.rule.startswith("1,200 rows are hidden (by a filter or by hand): rows 2, "
                                   "3,"), warning.rule
