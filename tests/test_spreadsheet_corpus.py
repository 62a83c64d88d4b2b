"""Spreadsheets as analysts really save them (issue 16): each file is read as meant, or
refused by cell and name. Never a silent wrong meaning.

The files of tests/corpus/ were saved by LibreOffice (see tests/corpus/make_corpus.py); the
others are made here with openpyxl and the csv module. Each case states its outcome: the
same data as the shipped example, or the exact issue or warning.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
from test_fuzz_inputs import (
    example_sheets,
    has_issue,
    osa,
    validate,
    write_book,
    write_csv_folder,
)

import osa_opt
from osa_opt.errors import InputError
from osa_opt.inputs.readers import read_input

CORPUS = Path(__file__).resolve().parent / "corpus"
#: The corpus was saved from an earlier example of two fiscal years: read it with both.
CORPUS_BUDGET = {"budget": {"FY2026": 18100.0, "FY2027": 6000.0}}


def same_data(path: Path, source: Path | None = None, **options: Any) -> osa_opt.Problem:
    """Read ``path`` and check it holds exactly the data of ``source`` (default the shipped
    example; rows may be numbered differently); returns the problem."""
    if source is not None:  # a corpus file: the earlier example's two fiscal years
        options = {"overrides": CORPUS_BUDGET, **options}
    base = osa_opt.load_problem(source, overrides=options.get("overrides"))
    problem = osa_opt.load_problem(path, **options)
    for mine, theirs in ((problem.projects, base.projects),
                         (problem.countries, base.countries)):
        pd.testing.assert_frame_equal(mine.drop(columns="_row"), theirs.drop(columns="_row"),
                                      check_dtype=False)
    return problem


def issues_of(path: Path | str, **options: Any) -> list[Any]:
    with pytest.raises(InputError) as caught:
        osa_opt.load_problem(path, **options)
    return caught.value.issues


def one(issues: list[Any], text: str) -> Any:
    found = [i for i in issues if text in f"{i.rule} {i.hint}"]
    assert len(found) == 1, [i.message() for i in issues]
    return found[0]


def cell(sheets: dict[str, list[list[Any]]], sheet: str, row: int, column: str, value: Any,
         header: int = 1) -> None:
    """Set the cell of Excel ``row`` in ``column`` of a sheet whose header is on ``header``."""
    sheets[sheet][row - 1][sheets[sheet][header - 1].index(column)] = value


def csv_text(rows: list[list[Any]], delimiter: str = ",") -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\n").writerows(
        [["" if v is None else v for v in row] for row in rows])
    return out.getvalue()


def csv_folder(folder: Path, projects: str, countries: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "projects.csv").write_text(projects, encoding="utf-8")
    (folder / "countries.csv").write_text(countries, encoding="utf-8")
    return folder


# ---------------------------------------------------------------------- 2. round trips
@pytest.mark.parametrize("name", ["example.ods", "example-libreoffice.xlsx", "csv-en", "csv-de"])
def test_the_example_saved_by_libreoffice_reads_the_same(name: str) -> None:
    """.ods read directly; .xlsx rewritten by LibreOffice; CSV as displayed in English
    (``"1,100"``, settled by ``7.6``) and German (``;``, ``1.100``, ``7,6``, WAHR/FALSCH)."""
    problem = same_data(CORPUS / name, CORPUS / "example-source.xlsx")
    assert problem.warnings == []


def test_libreoffice_s_true_and_false_formulas_resaved_by_openpyxl_read_as_true_and_false(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """LibreOffice saves every true or false cell of an .xlsx as a formula, =FALSE() with
    its value; an analyst's openpyxl script that edits the file and saves it drops every
    formula's value. The workbook was refused with 'a formula without its computed value'
    for each flag of the example (95 problems, 'open the file in Excel or LibreOffice and
    save it again'); =TRUE() and =FALSE() need no computing and are read as true and false.
    Another formula without its value is still named."""
    sheets = example_sheets()
    for rows in sheets.values():
        for row in rows:
            row[:] = ["=TRUE()" if v is True else "=false()" if v is False else v
                      for v in row]
    assert sum(v == "=TRUE()" for r in sheets["countries"] for v in r) > 10
    path = write_book(tmp_path / "resaved.xlsx", sheets)
    same_data(path)
    monkeypatch.setenv("COLUMNS", "80")
    run = osa("validate", path, "--no-solve")
    assert run.code == 0 and run.err == "", run.err
    sheets["projects"][2][sheets["projects"][0].index("cost_FY2026")] = "=600*2"
    run = osa("validate", write_book(tmp_path / "other.xlsx", sheets), "--no-solve")
    assert run.code == 2
    assert run.err.startswith("1 problem in the input")
    assert "a formula without its computed" in run.err and "=600*2" in run.err


def test_csv_files_named_as_libreoffice_saves_each_sheet_are_told_to_be_renamed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """LibreOffice saves the sheets of round.xlsx as CSV files round-projects.csv and
    round-countries.csv; the folder of the two was told only 'file not found. Fix: the
    folder must hold projects.csv'. The file is named, with the rename."""
    folder = tmp_path / "round"
    folder.mkdir()
    for sheet in ("projects", "countries"):
        (folder / f"round-{sheet}.csv").write_bytes((CORPUS / "csv-en" / f"{sheet}.csv")
                                                    .read_bytes())
    monkeypatch.setenv("COLUMNS", "80")
    run = osa("validate", folder, "--json")
    assert run.code == 2
    assert [(i["sheet"], i["rule"], i["hint"]) for i in json.loads(run.out)["issues"]] == [
        (f"{sheet}.csv", f"file not found; the folder holds 'round-{sheet}.csv'",
         f"rename 'round-{sheet}.csv' to '{sheet}.csv' (LibreOffice names the CSV file of "
         "each sheet <workbook>-<sheet>.csv)") for sheet in ("projects", "countries")]
    for sheet in ("projects", "countries"):
        (folder / f"round-{sheet}.csv").rename(folder / f"{sheet}.csv")
    assert osa("validate", folder, "--no-solve", "--budget", "FY2027=6000").code == 0


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_a_header_row_sorted_into_the_table_is_named_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    """The projects sorted by cost with the header row in the selection ('My data has
    headers' unticked): the header, text, sorts after the numbers, to row 39, and row 1
    holds a project. It was 13 problems 'column Y has data but no header (rows 4, 39).
    Fix: give the column a header in row 1', each column whose row-1 cell was blank; it is
    one problem naming the header's row and the fix."""
    sheets = example_sheets()
    at = sheets["projects"][0].index("cost_FY2026")
    sheets["projects"].sort(key=lambda row: (isinstance(row[at], str), str(row[at]).zfill(9)))
    assert sheets["projects"][-1][0] == "project_id"
    path = (write_book(tmp_path / "sorted.xlsx", sheets) if kind == "xlsx"
            else write_csv_folder(tmp_path / "sorted", sheets))
    monkeypatch.setenv("COLUMNS", "80")
    run = osa("validate", path, "--no-solve")
    assert run.code == 2
    assert run.err == (
        "1 problem in the input\n"
        "┏━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┓\n"
        "┃ Sheet, row, column, value ┃ Rule and how to fix                              ┃\n"
        "┡━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┩\n"
        "│ projects, row 39          │ the header row is row 39, among the rows it      │\n"
        "│                           │ heads ('project_id', 'title', 'country', ...),   │\n"
        "│                           │ and row 1 holds a project: the sheet sorted with │\n"
        "│                           │ its header row, or the row moved                 │\n"
        "│                           │ Fix: move row 39 back to row 1, above the rows   │\n"
        "│                           │ it heads (or undo the sort, and sort again with  │\n"
        "│                           │ Data > Sort, 'My data has headers' ticked)       │\n"
        "└───────────────────────────┴──────────────────────────────────────────────────┘\n")


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_a_header_row_sorted_among_the_first_rows_loses_no_project(
    tmp_path: Path, kind: str
) -> None:
    """The projects sorted by country with the header row in the selection: Excel sorts
    text without case, so 'country' lands between Coralia and Drakmoor, at row 9. The
    header was then found there, as under a title block, and rows 1-8 (P-01, mandatory,
    among them) were dropped with a warning only: 'Valid', 30 projects. It is now one
    problem naming the rows and the fix; a title block above the header is still read."""
    sheets = example_sheets()
    at = sheets["projects"][0].index("country")
    sheets["projects"].sort(key=lambda row: str(row[at]).lower())
    assert sheets["projects"][8][0] == "project_id"
    path = (write_book(tmp_path / "sorted.xlsx", sheets) if kind == "xlsx"
            else write_csv_folder(tmp_path / "sorted", sheets))
    messages = [f"{i.sheet}, row {i.row}: {i.rule}. Fix: {i.hint}" for i in issues_of(path)]
    assert messages == [
        "projects, row 9: the header row is row 9, with projects above it (rows 1, 2, 3, 4, 5, "
        "...: P-01, P-02, P-03, P-04, P-09, ...): the sheet sorted with its header row, or the "
        "row moved; read from row 9, the rows above it would be lost. Fix: move row 9 back to "
        "row 1, above the rows it heads (or undo the sort, and sort again with Data > Sort, "
        "'My data has headers' ticked)"]
    titled = example_sheets()
    titled["projects"] = [["OSA round FY2026: candidate projects", None, "draft 3"],
                          ["Prepared by the division", "2026-12-01"], *titled["projects"]]
    problem = osa_opt.load_problem(write_book(tmp_path / "titled.xlsx", titled))
    assert len(problem.projects) == 38
    units = example_sheets()  # a row of units over most columns, no project id: read too
    header = units["projects"][0]
    shown = {"title": "text", "country": "name", "cost_FY2026": "¥m", "score_security": "0-10",
             "score_humanitarian": "0-10", "score_partnership": "0-10", "risk": "0-1",
             "min_funding": "share", "status": "choice", "score_spread": "±"}
    units["projects"].insert(0, [shown.get(name) for name in header])
    problem = osa_opt.load_problem(write_book(tmp_path / "units.xlsx", units))
    assert len(problem.projects) == 38


@pytest.mark.slow
def test_the_german_csv_gives_the_same_portfolio_as_the_example(tmp_path: Path) -> None:
    runs = {}
    for name, source in (("example", CORPUS / "example-source.xlsx"), ("de", CORPUS / "csv-de")):
        run = osa("solve", source, "-k", "2", "--no-explain", "--json", "--out", tmp_path / name,
                  "--set", "budget={FY2026=18100, FY2027=6000}")
        assert run.code == 0, run.err
        runs[name] = json.loads(run.out)
    assert [p["projects"] for p in runs["de"]["portfolios"]] == \
        [p["projects"] for p in runs["example"]["portfolios"]]
    assert runs["de"]["warnings"] == []


def test_a_german_csv_resaved_with_commas_keeps_its_meaning(tmp_path: Path) -> None:
    """The old advice ("save it with commas between columns") applied to a German file:
    ``1.100`` stays, ``7,6`` is quoted; the decimal commas settle ``1.100`` as 1100."""
    folder = tmp_path / "commas"
    folder.mkdir()
    for sheet in ("projects", "countries"):
        rows = list(csv.reader(io.StringIO((CORPUS / "csv-de" / f"{sheet}.csv")
                                           .read_text(encoding="utf-8")), delimiter=";"))
        (folder / f"{sheet}.csv").write_text(csv_text(rows), encoding="utf-8")
    assert '"7,6"' in (folder / "projects.csv").read_text(encoding="utf-8")
    same_data(folder, CORPUS / "example-source.xlsx")


@pytest.mark.parametrize("name", ["locked.xlsx", "locked.ods"])
def test_a_password_protected_workbook_is_named_as_such(name: str) -> None:
    run = validate(CORPUS / name)
    assert run.code == 2
    assert has_issue(run, name, text="password-protected (encrypted)")
    assert has_issue(run, name, text="save a copy without one")


def test_xlsb_and_xls_are_named_with_the_fix(tmp_path: Path) -> None:
    for name, what in (("round.xlsb", "Excel binary workbook (.xlsb)"), ("round.xls", ".xls")):
        path = tmp_path / name
        path.write_bytes(b"\x00" * 64)
        issue = one(issues_of(path), "cannot be read")
        assert what in issue.rule and "save it as an .xlsx workbook" in issue.hint


# ---------------------------------------------------------------------- 1. separators
def test_an_ambiguous_text_number_is_refused_with_both_readings(tmp_path: Path) -> None:
    """``1.100`` typed into a text cell of a workbook whose numbers are real numbers: nothing
    settles it (it was read as 1.1 and the portfolio overspent)."""
    sheets = example_sheets()
    cell(sheets, "projects", 3, "cost_FY2026", "1.100")
    book = write_book(tmp_path / "round.xlsx", sheets)
    issue = one(issues_of(book), "could be")
    assert (issue.sheet, issue.row, issue.column, issue.value) == \
        ("projects", 3, "cost_FY2026", "1.100")
    assert "'1.100' could be 1.1 (with '.' as the decimal point) or 1100 (with '.' between " \
        "thousands)" in issue.rule
    assert "--decimal-separator" in issue.hint
    comma = osa_opt.load_problem(book, decimal_separator=",")
    point = osa_opt.load_problem(book, decimal_separator=".")
    assert comma.projects.at["P-02", "cost_FY2026"] == 1100
    assert point.projects.at["P-02", "cost_FY2026"] == 1.1
    run = osa("validate", book, "--decimal-separator", ",", "--no-solve")
    assert run.code == 0, run.err


def test_other_text_cells_settle_the_convention(tmp_path: Path) -> None:
    sheets = example_sheets()
    cell(sheets, "projects", 3, "cost_FY2026", "1.100")
    cell(sheets, "projects", 4, "score_security", "8,5")  # a decimal comma: German
    problem = osa_opt.load_problem(write_book(tmp_path / "de.xlsx", sheets))
    assert problem.projects.at["P-02", "cost_FY2026"] == 1100
    assert problem.projects.at["P-03", "score_security"] == 8.5
    cell(sheets, "projects", 4, "score_security", "1,100.5")  # English grouping
    cell(sheets, "projects", 5, "score_security", "8,5")
    issue = one(issues_of(write_book(tmp_path / "mixed.xlsx", sheets)), "could be")
    assert "both conventions" in issue.rule and "'1,100.5'" in issue.rule


def test_a_semicolon_csv_without_decimals_reads_decimal_commas_with_a_warning(
        tmp_path: Path) -> None:
    def whole(sheet: str) -> list[list[str]]:
        """Every number a whole number; costs as a German spreadsheet shows them."""
        rows = example_sheets()[sheet]
        for row in rows[1:]:
            for i, (name, v) in enumerate(zip(rows[0], row, strict=True)):
                if isinstance(v, bool) or not isinstance(v, int | float):
                    continue
                row[i] = f"{round(v):,}".replace(",", ".") if name.startswith("cost_") \
                    else str(max(round(v), 1) if name in ("min_funding", "max_share") else round(v))
        return rows

    rows, countries = whole("projects"), whole("countries")
    folder = csv_folder(tmp_path / "de", csv_text(rows, ";"), csv_text(countries, ";"))
    raw = read_input(folder)
    header = example_sheets()["projects"][0]
    p02 = next(r for r in example_sheets()["projects"] if r[0] == "P-02")
    expected = p02[header.index("cost_FY2026")]  # 1.200 as a German sheet shows 1200
    assert raw.projects.loc[raw.projects["project_id"] == "P-02", "cost_FY2026"].item() == expected
    assert any("decimal comma" in w.rule and "';'" in w.rule for w in raw.warnings)


def test_the_example_csv_as_displayed_with_nothing_else_is_refused_cell_by_cell(
        tmp_path: Path) -> None:
    """English grouping ``1,100`` and no decimal anywhere: each cell named with its row."""
    text = (CORPUS / "csv-en" / "projects.csv").read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    keep = [i for i, h in enumerate(rows[0]) if not h.startswith("score_")
            and h not in ("risk", "min_funding", "score_spread")]
    trimmed = [[row[i] for i in keep] for row in rows]
    folder = csv_folder(tmp_path / "en", csv_text(trimmed),
                        (CORPUS / "csv-en" / "countries.csv").read_text(encoding="utf-8")
                        .replace(".", ""))
    issues = [i for i in issues_of(folder, policy={"budget": {"FY2026": 18100},
                                                   "objective": {"weights": {}}})
              if "could be" in i.rule]
    assert issues and all(i.column.startswith("cost_") for i in issues)
    p02 = [i for i in issues if i.row == 3 and i.column == "cost_FY2026"]
    assert p02 and "1100 (with ',' between thousands)" in p02[0].rule


# ---------------------------------------------------------------------- 1. headers and keys
@pytest.mark.parametrize("header, meant", [("risk (0-1)", "risk"), ("prerequisites", "requires"),
                                           ("exclusive group (pick one)", "exclusive_group"),
                                           ("Min Funding", "min_funding"),
                                           # a unit or subject added to the name: every
                                           # risk was read as 0, every p_sign as its stage's
                                           ("risk_pct", "risk"), ("misuse_risk", "risk"),
                                           ("risk_level", "risk"),
                                           ("p_sign_probability", "p_sign"),
                                           ("min_funding_fraction", "min_funding")])
def test_a_near_miss_optional_header_is_named(tmp_path: Path, header: str, meant: str) -> None:
    sheets = example_sheets()
    sheets["projects"][0][sheets["projects"][0].index(meant)] = header
    issue = one(issues_of(write_book(tmp_path / "round.xlsx", sheets)), "unknown column")
    assert (issue.sheet, issue.column) == ("projects", header)
    assert f"most likely {meant!r}" in issue.rule


def test_unused_columns_are_listed_by_validate(tmp_path: Path) -> None:
    sheets = example_sheets()
    for row in sheets["projects"]:
        row.append("notes" if row is sheets["projects"][0] else "x")
    run = osa("validate", write_book(tmp_path / "round.xlsx", sheets), "--no-solve", "--json")
    assert run.code == 0
    assert json.loads(run.out)["unused_columns"] == {"projects": ["notes"], "countries": []}


def test_keys_differing_only_in_case_spaces_or_width_are_refused(tmp_path: Path) -> None:
    sheets = example_sheets()
    cell(sheets, "projects", 4, "exclusive_group", "aurelia patrol  boats")  # P-03; P-02 Aurelia
    cell(sheets, "countries", 3, "region", "Southeast asia")
    cell(sheets, "projects", 5, "project_id", "p-01")
    issues = issues_of(write_book(tmp_path / "round.xlsx", sheets))
    group = one(issues, "'Aurelia patrol boats' in row")
    assert (group.row, group.column, group.value) == (4, "exclusive_group", "aurelia patrol  boats")
    region = one(issues, "'Southeast Asia' in rows")
    assert (region.sheet, region.row, region.value) == ("countries", 3, "Southeast asia")
    pid = one(issues, "'P-01' in row 2")
    assert (pid.row, pid.column) == (5, "project_id")


# ---------------------------------------------------------------------- 1. sheets
def _hidden_book(path: Path, *, variant: bool) -> Path:
    write_book(path, example_sheets())
    book = openpyxl.load_workbook(path)
    if variant:
        copy = book.copy_worksheet(book["projects"])
        copy.title = "projects (2)"
    book["projects"].sheet_state = "hidden"
    book.save(path)
    return path


def test_a_hidden_sheet_beside_a_visible_version_is_refused(tmp_path: Path) -> None:
    run = validate(_hidden_book(tmp_path / "round.xlsx", variant=True))
    assert run.code == 2
    assert has_issue(run, "round.xlsx", text="'projects' is hidden, and the visible sheet "
                     "'projects (2)' looks like another version of it")


def test_a_hidden_input_sheet_alone_is_read_with_a_warning(tmp_path: Path) -> None:
    problem = same_data(_hidden_book(tmp_path / "round.xlsx", variant=False))
    assert [w.rule for w in problem.warnings] == ["the sheet 'projects' is hidden; it is read "
                                                  "all the same"]


def test_a_header_under_title_rows_is_found_and_rows_keep_their_numbers(tmp_path: Path) -> None:
    sheets = example_sheets()
    width = len(sheets["projects"][0])
    sheets["projects"] = [["OSA round FY2026: candidate projects"], [None] * width,
                          *sheets["projects"]]
    cell(sheets, "projects", 6, "risk", 1.5, header=3)  # Excel row 6 is P-03 now
    path = write_book(tmp_path / "titled.xlsx", sheets, merge={"projects": ["A1:Q1"]})
    issue = one(issues_of(path), "must be a number in [0, 1]")
    assert (issue.row, issue.value) == (6, 1.5)
    cell(sheets, "projects", 6, "risk", 0.13, header=3)
    problem = osa_opt.load_problem(write_book(tmp_path / "titled.xlsx", sheets))
    assert int(problem.projects.at["P-01", "_row"]) == 4
    (warning,) = problem.warnings
    assert warning.row == 3 and "the header is on row 3, not row 1" in warning.rule
    assert "'OSA round FY2026: candidate projects'" in warning.rule


def test_a_sep_line_names_the_delimiter(tmp_path: Path) -> None:
    sheets = example_sheets()
    folder = csv_folder(tmp_path / "sep", "sep=;\n" + csv_text(sheets["projects"], ";"),
                        "sep=,\n" + csv_text(sheets["countries"]))
    problem = same_data(folder)
    assert int(problem.projects.at["P-01", "_row"]) == 3  # line 1 is sep=, line 2 the header
    assert problem.warnings == []


def test_date_formatted_cost_cells_are_one_problem_per_column(tmp_path: Path) -> None:
    path = write_book(tmp_path / "dates.xlsx", example_sheets())
    book = openpyxl.load_workbook(path)
    for row in book["projects"].iter_rows(min_row=2, min_col=6, max_col=6):
        row[0].number_format = "yyyy-mm-dd"
    book.save(path)
    (issue,) = issues_of(path)
    assert (issue.sheet, issue.row, issue.column) == ("projects", 2, "cost_FY2026")
    rows = example_sheets()["projects"]
    first = rows[1][rows[0].index("cost_FY2026")]
    shown = (datetime.date(1899, 12, 30) + datetime.timedelta(days=first)).isoformat()
    assert issue.rule.startswith(f"{len(rows) - 1} cells are formatted as a date, not a number "
                                 f"(rows 2, 3, 4, 5, 6, ...; row 2 shows {shown}, which is "
                                 f"{first:g} as a number)")
    assert "Format Cells > Number" in issue.hint


def test_date_text_in_a_csv_cost_column_is_named_once(tmp_path: Path) -> None:
    sheets = example_sheets()
    for r in (2, 3, 4):
        cell(sheets, "projects", r, "cost_FY2026", f"1900-01-0{r}")
    folder = csv_folder(tmp_path / "csv", csv_text(sheets["projects"]),
                        csv_text(sheets["countries"]))
    (issue,) = issues_of(folder)
    assert issue.column == "cost_FY2026" and issue.rule.startswith(
        "3 cells are no number but text that reads as a date (rows 2, 3, 4; row 2 has "
        "'1900-01-02', which is 2 as a number shown as a date)")


def test_a_date_like_csv_cell_is_named_as_typed_beside_every_other_problem(
        tmp_path: Path) -> None:
    """A CSV cost cell ``1.2.3`` was told the workbook's 'formatted as a date ... Format
    Cells > Number' (a CSV cell is text: it has no format), and the reading stopped there,
    so a duplicated id in rows 3 and 4 went unnamed until the cell was fixed."""
    sheets = example_sheets()
    cell(sheets, "projects", 3, "cost_FY2026", "1.2.3")
    cell(sheets, "projects", 4, "project_id", sheets["projects"][2][0])
    folder = csv_folder(tmp_path / "csv", csv_text(sheets["projects"]),
                        csv_text(sheets["countries"]))
    issues = issues_of(folder)
    assert [(i.row, i.column, i.value) for i in issues] == [
        (3, "cost_FY2026", "1.2.3"), (3, "project_id", "P-02"), (4, "project_id", "P-02")]
    assert issues[0].message() == (
        "projects, row 3, column 'cost_FY2026': '1.2.3' is no number: it reads as a date "
        "(day, month and year in some order), as a spreadsheet writes a number into a CSV "
        "file when its column is formatted as dates, or as a number typed with a point too "
        "many (value '1.2.3'). Fix: type the number the cell stands for, plain, with one "
        "decimal point at most (such as 750 or 0.35); if the spreadsheet the file was saved "
        "from shows dates in this column, format the column there as a number (Format Cells "
        "> Number) and save the CSV file again")


def test_a_two_way_number_is_named_beside_every_other_problem(tmp_path: Path) -> None:
    """A cell that could be read two ways stopped the reading as a date did: the policy's
    problem and a duplicated country went unnamed beside it."""
    sheets = example_sheets()
    cell(sheets, "projects", 3, "cost_FY2026", "1.100")
    cell(sheets, "projects", 5, "score_security", "7,6")  # beside 6.5: nothing settles it
    cell(sheets, "countries", 3, "country", sheets["countries"][1][0])
    folder = csv_folder(tmp_path / "csv", csv_text(sheets["projects"]),
                        csv_text(sheets["countries"]))
    issues = issues_of(folder)
    assert ("projects", 3, "cost_FY2026") in [(i.sheet, i.row, i.column) for i in issues]
    assert one(issues, "could be read two ways").value == "1.100"
    assert [i.row for i in issues if "duplicate country" in i.rule] == [2, 3]
    policy = tmp_path / "bad.toml"
    policy.write_text('[budget]\nFY2026 = "x"\n', encoding="utf-8")
    issues = issues_of(folder, policy=policy)
    assert [i.sheet for i in issues] == ["projects", "policy bad.toml"]


def test_flags_as_a_german_or_french_spreadsheet_writes_them(tmp_path: Path) -> None:
    sheets = example_sheets()
    for r, (yes, no) in enumerate((("WAHR", "FALSCH"), ("VRAI", "FAUX")), start=2):
        cell(sheets, "countries", r, "oda_eligible", yes)
        cell(sheets, "countries", r, "party_to_conflict", no)
    same_data(write_book(tmp_path / "flags.xlsx", sheets))



# ---------------------------------------------------------------------- .ods made here
def write_ods(path: Path, sheets: dict[str, list[list[Any]]], hidden: tuple[str, ...] = ()
              ) -> Path:
    """An .ods file as odfpy writes it: typed cells, a hidden sheet by its table style."""
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.style import Style, TableProperties
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    doc = OpenDocumentSpreadsheet()
    hide = Style(name="hidden", family="table")
    hide.addElement(TableProperties(display="false"))
    doc.automaticstyles.addElement(hide)
    for name, rows in sheets.items():
        table = Table(name=name, stylename=hide if name in hidden else None)
        for row in rows:
            tr = TableRow()
            for value in row:
                if value is None:
                    tr.addElement(TableCell())
                elif isinstance(value, bool):
                    cell = TableCell(valuetype="boolean", booleanvalue=str(value).lower())
                    cell.addElement(P(text=str(value).upper()))
                    tr.addElement(cell)
                elif isinstance(value, int | float):
                    cell = TableCell(valuetype="float", value=value)
                    cell.addElement(P(text=str(value)))
                    tr.addElement(cell)
                else:
                    cell = TableCell(valuetype="string")
                    cell.addElement(P(text=str(value)))
                    tr.addElement(cell)
            table.addElement(tr)
        doc.spreadsheet.addElement(table)
    doc.save(str(path))
    return path


def test_an_ods_made_by_odfpy_reads_the_same_and_hidden_sheets_count(tmp_path: Path) -> None:
    same_data(write_ods(tmp_path / "round.ods", example_sheets()))
    sheets = example_sheets()
    both = {**sheets, "projects (2)": sheets["projects"]}
    run = validate(write_ods(tmp_path / "two.ods", both, hidden=("projects",)))
    assert run.code == 2 and has_issue(run, "two.ods", text="'projects' is hidden")


def test_a_damaged_ods_is_named(tmp_path: Path) -> None:
    path = tmp_path / "round.ods"
    path.write_bytes((CORPUS / "example.ods").read_bytes()[:5000])
    (issue,) = issues_of(path)
    assert issue.rule == "not a readable OpenDocument spreadsheet (.ods)"


def _patched_ods(path: Path, sheets: dict[str, list[list[Any]]],
                 cells: dict[str, str]) -> Path:
    """:func:`write_ods`, then each float cell whose value is a key of ``cells`` rewritten
    as the raw XML (attributes and content) given for it, as other programs write cells."""
    import re
    import zipfile

    plain = write_ods(path.with_name("plain.ods"), sheets)
    with zipfile.ZipFile(plain) as zin, zipfile.ZipFile(path, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "content.xml":
                for value, xml in cells.items():
                    cell = re.compile(rf'<table:table-cell office:value-type="float" '
                                      rf'office:value="{re.escape(value)}"\s*>.*?'
                                      rf'</table:table-cell>'.encode())
                    data, n = cell.subn(f"<table:table-cell {xml}</table:table-cell>"
                                        .encode(), data)
                    assert n == 1, value
            zout.writestr(item, data)
    return path


def test_ods_cells_without_their_value_are_named_never_a_traceback(tmp_path: Path) -> None:
    """A number, date or flag cell of an .ods file that stores no value it can be read by
    (a formula saved without its value, a file written by another program or damaged)
    stopped the reading with a Python traceback (TypeError, ValueError); a date with a time
    zone, in the date check; a formula without a value and a value type read as blank."""
    sheets = example_sheets()
    marks = {3: "1234.5", 4: "1235.5", 5: "1236.5", 6: "1237.5", 7: "1238.5", 8: "1239.5"}
    for row, mark in marks.items():
        cell(sheets, "projects", row, "cost_FY2026", float(mark))
    path = _patched_ods(tmp_path / "round.ods", sheets, {
        "1234.5": 'office:value-type="float"><text:p>1,200</text:p>',
        "1235.5": 'office:value-type="float" office:value="abc"><text:p>1,200</text:p>',
        "1236.5": 'table:formula="of:=600*2" office:value-type="float"><text:p/>',
        "1237.5": 'table:formula="of:=600*2">',
        "1238.5": 'office:value-type="date" office:date-value="2026-13-01"><text:p>x</text:p>',
        "1239.5": 'office:value-type="boolean"><text:p>TRUE</text:p>'})
    issues = issues_of(path)
    assert [(i.row, i.column, i.value) for i in issues] == [
        (3, "cost_FY2026", "1,200"), (4, "cost_FY2026", "1,200"), (5, "cost_FY2026", "=600*2"),
        (6, "cost_FY2026", "=600*2"), (7, "cost_FY2026", "x"), (8, "cost_FY2026", "TRUE")]
    assert issues[0].message() == (
        "projects, row 3, column 'cost_FY2026': the cell is marked as a number in the file "
        "but stores none: the file was written by another program than LibreOffice, or "
        "damaged (value '1,200'). Fix: open the file in LibreOffice Calc and save it again, "
        "or type the value again")
    assert "stores 'abc', which is none" in issues[1].rule
    assert issues[2].rule.startswith("a formula without its computed value")
    assert issues[3].rule == issues[2].rule
    assert "marked as a date in the file but stores '2026-13-01'" in issues[4].rule
    assert "marked as true or false in the file but stores none" in issues[5].rule


def test_ods_dates_times_and_line_breaks_read_as_the_spreadsheet_shows_them(
        tmp_path: Path) -> None:
    """A date with a time zone failed the date check with a TypeError (aware minus naive);
    a duration-formatted cost (LibreOffice's time value) read as the text '28800:00:00'
    where a workbook's is named with its number; a line break within a paragraph was
    dropped, so 'P-01' and 'P-03' on two lines of a requires cell read as 'P-01P-03'; a
    cost cell of currency USD ($1,100.00 on screen) read as ¥1,100 million (JPY is fine)."""
    sheets = example_sheets()
    cell(sheets, "projects", 3, "cost_FY2026", 1234.5)
    cell(sheets, "countries", 3, "priority_tier", 1235.5)
    cell(sheets, "projects", 6, "requires", 1236.5)
    shown = {
        "1234.5": 'office:value-type="date" office:date-value="1903-04-14T00:00:00Z">'
                  "<text:p>1903-04-14</text:p>",
        "1235.5": 'office:value-type="time" office:time-value="PT48H00M00S">'
                  "<text:p>48:00:00</text:p>",
        "1236.5": 'office:value-type="string"><text:p>P-01<text:line-break/>P-03</text:p>'}
    issues = issues_of(_patched_ods(tmp_path / "round.ods", sheets, shown))
    assert [(i.sheet, i.row, i.column) for i in issues] == [
        ("projects", 3, "cost_FY2026"), ("projects", 6, "requires"),
        ("countries", 3, "priority_tier")]
    assert "row 3 shows 1903-04-14, which is 1200 as a number" in issues[0].rule
    assert issues[1].value == "P-01\nP-03" and "separate" in issues[1].hint
    assert "row 3 shows 2 days, 0:00:00, which is 2 as a number" in issues[2].rule
    cell(sheets, "projects", 7, "cost_FY2026", 1237.5)
    cell(sheets, "projects", 8, "cost_FY2026", 1238.5)
    issues = issues_of(_patched_ods(tmp_path / "usd.ods", sheets, {
        "1237.5": 'office:value-type="currency" office:currency="USD" office:value="1100">'
                  "<text:p>$1,100.00</text:p>",
        "1238.5": 'office:value-type="currency" office:currency="JPY" office:value="1100">'
                  "<text:p>¥1,100</text:p>"}))
    # the reader's own problem, listed with the tables' others (it stopped the reading)
    assert [(i.sheet, i.row, i.column) for i in issues] == [
        ("projects", 6, "requires"), ("projects", 7, "cost_FY2026"),
        ("countries", 3, "priority_tier")]  # the marks 1236.5 and 1235.5 left in the cells
    issue = issues[1]
    assert (issue.row, issue.column, issue.value) == (7, "cost_FY2026", 1100)
    assert issue.rule.startswith("1 cell of the column (row 7) shows USD (shown as "
                                 "'$1,100.00'): costs are in ¥ million")


@pytest.mark.parametrize(("text", "kind"), [
    ("<!DOCTYPE html>\n<html><body><h1>404 Not Found</h1></body></html>\n",
     "a web page (HTML)"),
    ('[{"project_id": "P-01", "title": "Radars"}]\n', "JSON"),
    ('<?xml version="1.0"?>\n<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet">',
     "an Excel 2003 XML spreadsheet")])
def test_a_web_page_or_json_saved_as_csv_is_named_as_such(tmp_path: Path, text: str,
                                                          kind: str) -> None:
    """A download that failed (the server's error page) saved as projects.csv was told it
    misses every column, one problem per column (10 of them)."""
    folder = csv_folder(tmp_path / "csv", text, csv_text(example_sheets()["countries"]))
    (issue,) = issues_of(folder)
    assert (issue.sheet, issue.rule) == ("projects.csv", f"not CSV text but {kind}")


def test_a_shift_jis_csv_is_named(tmp_path: Path) -> None:
    sheets = example_sheets()
    cell(sheets, "projects", 2, "title", "沿岸監視レーダー")
    folder = tmp_path / "sjis"
    folder.mkdir()
    (folder / "projects.csv").write_bytes(csv_text(sheets["projects"]).encode("cp932"))
    (folder / "countries.csv").write_text(csv_text(sheets["countries"]), encoding="utf-8")
    (issue,) = issues_of(folder)
    assert issue.sheet == "projects.csv" and "it looks like Shift_JIS" in issue.rule


# The whole module runs full CLI commands or whole input files: in the full suite, not in
# the fast loop (pytest -m "not slow").
pytestmark = pytest.mark.slow


def test_a_run_folder_given_as_the_input_is_named_with_its_input(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Last week's run folder given as INPUT (osa-opt solve outputs/may): it was told
    'projects.csv: file not found. Fix: the folder must hold projects.csv' and the same of
    countries.csv. It is named as a run folder, with the input it was solved from and the
    options that take a run folder."""
    book = write_book(tmp_path / "round.xlsx", example_sheets())
    assert osa("solve", book, "--out", tmp_path / "may", "-k", "1", "--no-explain").code == 0
    monkeypatch.setenv("COLUMNS", "80")
    run = osa("solve", tmp_path / "may")
    assert run.code == 2
    assert run.err.startswith("1 problem in the input")
    (issue,) = json.loads(osa("validate", tmp_path / "may", "--json").out)["issues"]
    assert (issue["sheet"], issue["value"], issue["rule"]) == (
        "may", str(tmp_path / "may"), "a run folder of osa-opt (it holds run.json), not an input")
    assert issue["hint"] == (
        f"give the input it was solved from ({book}); to use the run's input and policy, "
        f"--run {tmp_path / 'may'}; to see what changed since it, osa-opt solve INPUT --since "
        f"{tmp_path / 'may'}")


@pytest.mark.parametrize("typed", ["Tier 2", "2nd", "T2"])
def test_a_tier_typed_with_its_word_is_told_the_number(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, typed: str
) -> None:
    """An analyst changes a partner's tier as the briefing says it, 'Tier 2': the fix was
    'type 1, 2 or 3 as a whole number', not which. It names the number the cell means."""
    sheets = example_sheets()
    sheets["countries"][2][sheets["countries"][0].index("priority_tier")] = typed
    monkeypatch.setenv("COLUMNS", "80")
    run = osa("validate", write_book(tmp_path / "r.xlsx", sheets), "--json")
    assert run.code == 2
    (issue,) = json.loads(run.out)["issues"]
    assert (issue["sheet"], issue["row"], issue["column"], issue["value"]) == (
        "countries", 3, "priority_tier", typed)
    assert issue["hint"] == (f"type 2 for {typed!r}, the number alone (priority_tier: "
                             "bilateral priority, 1 highest)")


def test_a_read_cell_that_is_a_formula_reading_another_sheet_is_warned(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rows pasted from another workbook keep their formulas: a country =countries!A8,
    saved with its value 'Nalumea', was read silently; sorting the countries sheet would
    make the project another partner's, and nothing said so. A warning names the column,
    its rows, the formula and the value read."""
    import zipfile

    sheets = example_sheets()
    at = sheets["projects"][0].index("country")
    for row in sheets["projects"][18:21]:  # Excel rows 19-21: Nalumea's P-18 ... P-20
        row[at] = "=countries!A8"
    plain = write_book(tmp_path / "plain.xlsx", sheets)
    path = tmp_path / "pasted.xlsx"  # as Excel saves it: each formula with its value
    with zipfile.ZipFile(plain) as zin, zipfile.ZipFile(path, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet2.xml":
                data = data.replace(b"><f>countries!A8</f><v /></c>",
                                    b' t="str"><f>countries!A8</f><v>Nalumea</v></c>')
            if item.filename == "xl/workbook.xml":  # Excel drops openpyxl's flag
                data = data.replace(b'fullCalcOnLoad="1"', b"")
            zout.writestr(item, data)
    monkeypatch.setenv("COLUMNS", "80")
    run = osa("validate", path, "--no-solve")
    assert run.code == 0, run.err
    assert run.err == (
        "1 warning (the input is read; check that this is what you meant):\n"
        "  - projects, row 19, column 'country': 3 cells of country (rows 19, 20, 21) are\n"
        "    formulas reading another sheet or workbook (=countries!A8 in row 19, read as\n"
        "    'Nalumea'): each is read as the value it shows, which changes if that sheet\n"
        "    is sorted or its rows moved, and a link to another workbook is not updated\n"
        "    (value '=countries!A8'). Fix: nothing to do if the values are right; to keep\n"
        "    them as they are, copy the cells and paste them as values (Paste Special >\n"
        "    Values)\n")


def _with_values(plain: Path, path: Path, values: dict[str, str]) -> Path:
    """``plain`` (openpyxl's, formulas without values) as Excel saves it: each formula of
    ``values`` (its text without '=') with its value, and no flag asking to recalculate."""
    import zipfile

    with zipfile.ZipFile(plain) as zin, zipfile.ZipFile(path, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet2.xml":
                for formula, value in values.items():
                    data = data.replace(f"><f>{formula}</f><v /></c>".encode(),
                                        f"><f>{formula}</f><v>{value}</v></c>".encode())
            if item.filename == "xl/workbook.xml":
                data = data.replace(b'fullCalcOnLoad="1"', b"")
            zout.writestr(item, data)
    return path


def test_a_formula_pasted_from_another_row_is_warned(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Row 28's =F27*1.1 copied into row 12 reads =F11*1.1: row 11's cost, another project's,
    was read as P-11's silently. A warning names the column, its rows, the first formula,
    the row it reads, the value read, and the formula that reads its own row. A formula
    reading only its own row (a score made of another score of the row) is no such case."""
    from openpyxl.utils import get_column_letter

    sheets = example_sheets()
    head = sheets["projects"][0]
    cost = get_column_letter(head.index("cost_FY2026") + 1)
    security = get_column_letter(head.index("score_security") + 1)
    rows = sheets["projects"]
    rows[11][head.index("cost_FY2026")] = f"={cost}11*1.1"  # Excel row 12, P-11
    rows[12][head.index("cost_FY2026")] = f"={cost}12*1.1"  # row 13 reads row 12
    rows[11][head.index("score_humanitarian")] = f"={security}12"  # its own row: fine
    plain = write_book(tmp_path / "plain.xlsx", sheets)
    path = _with_values(plain, tmp_path / "pasted.xlsx", {
        f"{cost}11*1.1": "990", f"{cost}12*1.1": "1089",
        f"{security}12": str(rows[11][head.index("score_security")])})
    monkeypatch.setenv("COLUMNS", "80")
    run = osa("validate", path, "--no-solve")
    assert run.code == 0, run.err
    assert run.err == (
        "1 warning (the input is read; check that this is what you meant):\n"
        f"  - projects, row 12, column 'cost_FY2026': 2 cells of cost_FY2026 (rows 12, 13)\n"
        f"    are formulas reading another row of the table (={cost}11*1.1 in row 12 reads row\n"
        "    11, read as 990): a formula pasted from another row reads that row's cells,\n"
        f"    not its own, so each may hold another project's value (value '={cost}11*1.1').\n"
        "    Fix: nothing to do if the values are right; if a formula is to read its own\n"
        f"    row, make it refer to that row (={cost}12*1.1 in row 12); to keep the values as\n"
        "    they are, copy the cells and paste them as values (Paste Special > Values)\n")
    read = osa_opt.load_problem(path)  # the values read are the formulas', as shown
    assert [float(read.projects.at[p, "cost_FY2026"]) for p in ("P-11", "P-12")] == [990, 1089]


@pytest.mark.parametrize(("formula", "reads"), [
    ("=B2*1.1", "row 2"),                    # pasted from the row below
    ("=SUM(B2:B4)", "rows 2, 4"),            # a range over its neighbours
    ("=SUM(B:B)/3", "rows 2, 4"),            # the whole column
    ("=$B$4+B3", "row 4"),                   # anchored to another project's row
    ("=B3*1.1", None),                       # its own row
    ("=B3*$B$1", None),                      # its own row and the header
    ("=B3*$B$9", None),                      # a cell of no row of the table
    ("=B3*rate", None),                      # a name
    ("=countries!B2", None),                 # another sheet: linked_formula_warnings'
])
def test_which_formulas_read_another_row_of_the_table(formula: str, reads: str | None) -> None:
    from osa_opt.inputs.formula_cells import other_row_formula_warnings

    rows = [(1, ("project_id", "cost_FY2026")), (2, ("P-01", 100.0)), (3, ("P-02", 110.0)),
            (4, ("P-03", 120.0))]
    found = other_row_formula_warnings("projects", rows, {(3, 1): formula})
    if reads is None:
        assert found == []
    else:
        (warning,) = found
        assert f"({formula} in row 3 reads {reads}, read as 110.0)" in warning.rule
