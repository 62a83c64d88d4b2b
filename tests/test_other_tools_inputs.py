"""Inputs as other tools and features of the spreadsheet really write them: an Excel table's
totals row, the rows Data > Subtotal inserts, a score column formatted as percentages, a name
holding a no-break space pasted from a web page.

Each case is a real file, made from the shipped example and read through ``osa-opt
validate --json``: what the file means to its reader is checked against what osa-opt says.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.table import Table

from osa_opt.data import example_path


def refused(run: Callable, path: Path) -> list[str]:
    """The messages of ``validate PATH --json --no-solve``, which must refuse (exit 2)."""
    code, stdout, err = run("validate", path, "--json", "--no-solve")
    assert code == 2, err
    assert "Traceback" not in err
    return [f"{i['sheet']}, row {i['row']}, column {i['column']!r}: {i['rule']} "
            f"(value {i['value']!r}). Fix: {i['hint']}"
            for i in json.loads(stdout)["issues"]]


def edited(path: Path, edit: Callable[[Any], None]) -> Path:
    """The shipped example saved at ``path`` after ``edit(workbook)``."""
    book = openpyxl.load_workbook(example_path())
    edit(book)
    book.save(path)
    return path


def column(sheet: Any, header: str) -> int:
    return next(c.column for c in sheet[1] if c.value == header)


# ------------------------------------------------------------------------ totals rows
TABLE_FIX = ("Fix: turn the table's totals row off (click in the table, then Table Design > "
             "untick Total Row): osa-opt adds the costs up itself, and osa-opt validate "
             "prints the total requested per fiscal year")


@pytest.mark.parametrize("label", [None, "集計", "Total"])
def test_an_excel_table_s_totals_row_is_one_problem_whatever_its_label(
        run: Callable, tmp_path: Path, label: str | None) -> None:
    """The projects as an Excel table (Insert > Table) with its totals row on (Table Design
    > Total Row). Japanese Excel labels that row 集計, which no rule knew: it was read as
    one more project, seven problems 'a required cell is blank. Fix: fill in title ...';
    with the label cleared and sums under the cost and scores, nine. The table's own
    definition says which row is its totals row, whatever the row says."""
    def table(book: Any) -> None:
        sheet = book["projects"]
        row = sheet.max_row + 1
        if label is not None:
            sheet.cell(row, 1).value = label
        sheet.cell(row, column(sheet, "cost_FY2026")).value = 27000
        for name in ("score_security", "score_humanitarian", "score_partnership"):
            sheet.cell(row, column(sheet, name)).value = 6.5  # =SUBTOTAL(101, ...)
        ref = f"A1:{get_column_letter(sheet.max_column)}{row}"
        sheet.add_table(Table(displayName="案件一覧", ref=ref, totalsRowCount=1))

    where = "project_id" if label else "cost_FY2026"
    value = label or "27000"
    assert refused(run, edited(tmp_path / "round.xlsx", table)) == [
        f"projects, row 40, column {where!r}: the row is the totals row of the Excel table "
        "'案件一覧', not a project: it would be read as one more project (its blank cells "
        f"would each be a problem, its cost counted) (value {value!r}). {TABLE_FIX}"]


def sums_saved_by_libreoffice(tmp_path: Path, suffix: str, *names: str) -> Path:
    """The example with =SUM(...) of each column ``names`` under it, a blank row between,
    no label, saved by LibreOffice as ``suffix`` (``.ods``, ``.xlsx``) with its values."""
    import subprocess

    from conftest import require_program

    def sums(book: Any) -> None:
        sheet = book["projects"]
        last = sheet.max_row
        for name in names:
            letter = get_column_letter(column(sheet, name))
            sheet.cell(last + 2, column(sheet, name)).value = f"=SUM({letter}2:{letter}{last})"

    typed = edited(tmp_path / "typed.xlsx", sums)
    soffice = require_program(("soffice", "libreoffice"),
                              "apt-get install -y libreoffice-calc-nogui")
    subprocess.run([soffice, f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}",
                    "--headless", "--convert-to", suffix[1:], "--outdir",
                    str(tmp_path / "saved"), str(typed)],
                   check=True, capture_output=True, timeout=300)
    return tmp_path / "saved" / f"typed{suffix}"


@pytest.mark.parametrize("suffix", [".ods", ".xlsx"])
def test_a_row_of_sums_without_a_label_is_a_totals_row(run: Callable, tmp_path: Path,
                                                        suffix: str) -> None:
    """=SUM(...) under the cost and the scores, a blank row above it and no label, as a
    LibreOffice user (no Excel table) adds a round up: the row was read as one more project,
    'a required cell is blank. Fix: fill in project_id' and six more, and each score's sum
    'must be a number in [0, 10]'. The row is now one problem, named a totals row by its
    formulas (each sums the column above it), in the .ods and the .xlsx LibreOffice saves."""
    saved = sums_saved_by_libreoffice(tmp_path, suffix, "cost_FY2026", "score_security",
                                      "score_humanitarian", "score_partnership")
    assert refused(run, saved) == [
        "projects, row 41, column 'cost_FY2026': the row is a totals row, not a project: "
        "cost_FY2026 holds =SUM(F2:F39), the sum of the column above it, and the row names no "
        "project; it would be read as one more project (its blank cells would each be a "
        "problem, its cost counted) (value '27000'). Fix: delete the row (or put the totals "
        "on a sheet of their own): osa-opt adds the costs up itself, and osa-opt validate "
        "prints the total requested per fiscal year"]


@pytest.mark.parametrize("suffix", [".ods", ".xlsx"])
def test_a_row_of_sums_spelt_in_lower_case_is_a_totals_row(run: Callable, tmp_path: Path,
                                                           suffix: str) -> None:
    """The same row of sums, its function typed =sum(...) or =Sum(...) and saved so with its
    values (a file written by another program than Excel or LibreOffice, which save it in
    capitals, keeps it as typed; both read it alike): the function was looked for in capitals
    only, so the row was read as a project ('the row names no project ... and holds only
    cost_FY2026 =sum(F2:F39)', told to fill in its cells). It is now the totals row it is,
    in the .ods and the .xlsx alike."""
    import re
    import zipfile

    saved = sums_saved_by_libreoffice(tmp_path, suffix, "cost_FY2026", "score_security")
    for spelt in ("sum", "Sum"):
        path = tmp_path / f"{spelt}{suffix}"
        with zipfile.ZipFile(saved) as source, \
                zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
            for item in source.infolist():
                data = source.read(item.filename)
                if item.filename == "content.xml" or item.filename.startswith("xl/worksheets/"):
                    data, n = re.subn(rb"(of:=|<f[^>]*>)SUM\(",
                                      rb"\1" + spelt.encode() + rb"(", data)
                    assert n in (0, 2) and b"SUM(" not in data
                target.writestr(item, data)
        assert refused(run, path) == [
            "projects, row 41, column 'cost_FY2026': the row is a totals row, not a project: "
            f"cost_FY2026 holds ={spelt}(F2:F39), the sum of the column above it, and the row "
            "names no project; it would be read as one more project (its blank cells would "
            "each be a problem, its cost counted) (value '27000'). Fix: delete the row (or put "
            "the totals on a sheet of their own): osa-opt adds the costs up itself, and "
            "osa-opt validate prints the total requested per fiscal year"]


def test_a_table_without_a_totals_row_reads_its_last_row_as_a_project(
        run: Callable, tmp_path: Path) -> None:
    """An Excel table whose totals row is off (totalsRowShown, no totalsRowCount): its last
    row is a project like the others, and the input is valid."""
    def table(book: Any) -> None:
        sheet = book["projects"]
        ref = f"A1:{get_column_letter(sheet.max_column)}{sheet.max_row}"
        sheet.add_table(Table(displayName="Projects", ref=ref))

    code, stdout, err = run("validate", edited(tmp_path / "round.xlsx", table), "--json",
                            "--no-solve")
    assert code == 0, err
    assert json.loads(stdout)["projects"] == 38


def test_a_japanese_totals_label_in_a_csv_file_is_a_totals_row(
        run: Callable, tmp_path: Path) -> None:
    """The table saved as CSV keeps its totals row's label 集計 and its sum, no table around
    it: the word says what the row is."""
    import pandas as pd

    sheets = pd.read_excel(example_path(), sheet_name=["projects", "countries"])
    projects = sheets["projects"]
    total = ["" for _ in projects.columns]
    total[0], total[list(projects.columns).index("cost_FY2026")] = "集計", "27000"
    projects.to_csv(tmp_path / "projects.csv", index=False)
    with open(tmp_path / "projects.csv", "a", encoding="utf-8", newline="") as file:
        csv.writer(file).writerow(total)
    sheets["countries"].to_csv(tmp_path / "countries.csv", index=False)
    assert refused(run, tmp_path) == [
        "projects, row 40, column 'project_id': the row looks like a totals row, not a "
        "project: it would be read as one more project (its blank cells would each be a "
        "problem, its cost counted) (value '集計'). Fix: delete the row (or put the totals on "
        "a sheet of their own): osa-opt adds the costs up itself, and osa-opt validate "
        "prints the total requested per fiscal year"]


@pytest.mark.parametrize(("subtotal", "grand"), [("{} Total", "Grand Total"),
                                                  ("{} 集計", "総計")])
def test_the_rows_data_subtotal_inserts_are_one_problem_each(
        run: Callable, tmp_path: Path, subtotal: str, grand: str) -> None:
    """Data > Subtotal, at each change in country, sum of cost_FY2026: Excel inserts a row
    'Aurelia Total' (Japanese Excel: 'Aurelia 集計') under each partner's projects, the
    label in the country column, and 'Grand Total' (総計) at the end. Each gave seven
    'a required cell is blank' and 'the country is not in the countries sheet. Fix: did you
    mean 'Aurelia'?'; the grand total too, as a country's total word was not looked for."""
    def subtotals(book: Any) -> None:
        sheet = book["projects"]
        country, cost = column(sheet, "country"), column(sheet, "cost_FY2026")
        rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
        first = [r for r in rows if r[country - 1] == rows[0][country - 1]]
        rest = [r for r in rows if r[country - 1] != rows[0][country - 1]]
        sheet.delete_rows(2, sheet.max_row)
        width = len(rows[0])
        out = [*first, [None] * width, *rest, [None] * width]
        out[len(first)][country - 1] = subtotal.format(rows[0][country - 1])
        out[len(first)][cost - 1] = sum(r[cost - 1] for r in first)
        out[-1][country - 1] = grand
        out[-1][cost - 1] = sum(r[cost - 1] for r in rows)
        for i, row in enumerate(out, start=2):
            for j, value in enumerate(row, start=1):
                sheet.cell(i, j).value = value

    label = subtotal.format("Aurelia")
    assert refused(run, edited(tmp_path / "round.xlsx", subtotals)) == [
        f"projects, row 6, column 'country': the row looks like a totals row, not a project: "
        "it would be read as one more project (its blank cells would each be a problem, its "
        f"cost counted) (value {label!r}). Fix: remove the rows Excel's Data > Subtotal "
        "inserted (Data > Subtotal > Remove All), or delete the row: osa-opt adds the costs "
        "up itself, and osa-opt validate prints the total requested per fiscal year",
        f"projects, row 41, column 'country': the row looks like a totals row, not a "
        "project: it would be read as one more project (its blank cells would each be a "
        f"problem, its cost counted) (value {grand!r}). Fix: delete the row (or put the "
        "totals on a sheet of their own): osa-opt adds the costs up itself, and osa-opt "
        "validate prints the total requested per fiscal year"]


# ------------------------------------------------------------- percentage formats
def test_a_score_formatted_as_a_percentage_is_refused_with_both_readings(
        run: Callable, tmp_path: Path) -> None:
    """A score typed as 76% (Excel stores 0.76 with the format 0%, as it does for any cell
    typed with a per-cent sign): the cell shows 76% and was read as 0.76, a tenth of the
    7.6 it means on a 0-100 scale, without a word. A share formatted so (risk 9%) is
    meant so, and passes."""
    def percent(book: Any) -> None:
        sheet = book["projects"]
        for row in (3, 5):
            cell = sheet.cell(row, column(sheet, "score_security"))
            cell.value, cell.number_format = 0.76, "0%"
        for row in range(2, sheet.max_row + 1):
            sheet.cell(row, column(sheet, "risk")).number_format = "0%"
            sheet.cell(row, column(sheet, "min_funding")).number_format = "0.0%"

    assert refused(run, edited(tmp_path / "round.xlsx", percent)) == [
        "projects, row 3, column 'score_security': 2 cells of the column (rows 3, 5) are "
        "formatted as a percentage: row 3 shows 76% and holds 0.76, which is read; "
        "score_security is no share but a number from 0 to 10 (value '0.76'). Fix: type "
        "each value on the 0-10 scale (7.6 if 76% is meant on a 0-100 scale), and give the "
        "column a plain number format (Home > Number > General)"]


def test_a_cost_formatted_as_a_percentage_is_refused(run: Callable, tmp_path: Path) -> None:
    """A cost cell in a custom percentage format shows 90,000% for 900."""
    def percent(book: Any) -> None:
        sheet = book["projects"]
        sheet.cell(2, column(sheet, "cost_FY2026")).number_format = "#,##0%"

    assert refused(run, edited(tmp_path / "round.xlsx", percent)) == [
        "projects, row 2, column 'cost_FY2026': 1 cell of the column (row 2) is formatted as "
        "a percentage: row 2 shows 90,000% and holds 900, which is read; cost_FY2026 is no "
        "share but a number in its own unit (value '900'). Fix: give the column a plain "
        "number format (Home > Number > General) and check that each value is the number "
        "meant (900 shows as 90,000%)"]


def test_a_score_of_an_ods_file_stored_as_a_percentage_is_refused_alike(
        run: Callable, tmp_path: Path) -> None:
    """LibreOffice stores a cell typed 76% as a percentage (office:value-type
    "percentage", value 0.76): read as 0.76, likewise."""
    import zipfile

    corpus = Path(__file__).parent / "corpus" / "example.ods"
    path = tmp_path / "round.ods"
    with zipfile.ZipFile(corpus) as source, zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "content.xml":
                data = data.replace(
                    b'office:value-type="float" office:value="7.6" calcext:value-type="float">'
                    b'<text:p>7.6</text:p>',
                    b'office:value-type="percentage" office:value="0.76" '
                    b'calcext:value-type="percentage"><text:p>76%</text:p>', 1)
            target.writestr(item, data)
    assert refused(run, path) == [
        "projects, row 2, column 'score_security': 1 cell of the column (row 2) is formatted "
        "as a percentage: row 2 shows 76% and holds 0.76, which is read; score_security is "
        "no share but a number from 0 to 10 (value '0.76'). Fix: type each value on the "
        "0-10 scale (7.6 if 76% is meant on a 0-100 scale), and give the column a plain "
        "number format (Format > Cells > Numbers > General)"]


# ------------------------------------------------------------------ odd spaces in names
def test_a_country_holding_a_no_break_space_is_told_the_character(
        run: Callable, tmp_path: Path) -> None:
    """The projects' country 'Viet Nam' pasted from a web page holds a no-break space
    (U+00A0); the countries sheet's was typed. The fix read "did you mean 'Viet Nam'?",
    the very text of the cell on every screen; it now names the character."""
    def pasted(book: Any) -> None:
        countries, projects = book["countries"], book["projects"]
        countries.cell(2, 1).value = "Viet Nam"  # Aurelia, in projects rows 2-5
        where = column(projects, "country")
        for row in range(2, projects.max_row + 1):
            if projects.cell(row, where).value == "Aurelia":
                projects.cell(row, where).value = "Viet\u00a0Nam"

    messages = refused(run, edited(tmp_path / "round.xlsx", pasted))
    assert messages[0] == (
        "projects, row 2, column 'country': the country is not in the countries sheet "
        "(value 'Viet\\xa0Nam'). Fix: did you mean 'Viet Nam'? ('\\xa0' is U+00A0 no-break "
        "space, not the space ' ') Every project's country must have a row in the countries "
        "sheet")
    assert len(messages) == 4  # Aurelia's four projects


def test_a_region_typed_with_a_full_width_space_is_told_the_character(
        run: Callable, tmp_path: Path) -> None:
    """A region typed with the space bar of a Japanese input method holds the ideographic
    space U+3000: the message said only 'capitals, spaces or width'."""
    def typed(book: Any) -> None:
        book["countries"].cell(3, 2).value = "Southeast\u3000Asia"

    assert refused(run, edited(tmp_path / "round.xlsx", typed)) == [
        "countries, row 3, column 'region': the same region is spelt differently elsewhere "
        "('Southeast Asia' in rows 2, 4, 5, 6), differing in a lookalike space ('\\u3000' is "
        "U+3000 ideographic (full-width) space, not the space ' '); each spelling would "
        "count as its own (value 'Southeast\\u3000Asia'). Fix: write 'Southeast Asia' as the "
        "other rows do, or make the names clearly different if they are meant apart"]


# --------------------------------------------------------------- Japanese headers
@pytest.mark.parametrize(("header", "meant", "default"), [
    ("紛争関連", "dispute_linked", "False"), ("リスク（0〜1）", "risk", "0.0"),
    ("ステータス", "status", "'candidate'"), ("上限", "max_share", "no value")])
def test_an_optional_column_headed_in_japanese_is_named_not_passed_through(
        run: Callable, tmp_path: Path, header: str, meant: str, default: str) -> None:
    """A column headed in Japanese (紛争関連 for dispute_linked, リスク for risk) was an
    extra column, passed through unread, while the column's default applied to every row:
    the example's project linked to an international dispute became eligible, every risk
    0, without a word, as a header's words were matched in Latin letters only."""
    def renamed(book: Any) -> None:
        sheet = book["countries" if meant == "max_share" else "projects"]
        sheet.cell(1, column(sheet, meant)).value = header
        if meant == "max_share":
            sheet.cell(3, column(sheet, header)).value = 0.2

    sheet = "countries" if meant == "max_share" else "projects"
    assert refused(run, edited(tmp_path / "round.xlsx", renamed)) == [
        f"{sheet}, row None, column {header!r}: unknown column, most likely {meant!r} "
        f"(value {header!r}). Fix: did you mean {meant!r}? Rename the header, or the "
        f"default ({default}) is used for every row"]


def test_a_required_column_headed_in_japanese_is_told_its_name(
        run: Callable, tmp_path: Path) -> None:
    """案件名 for title was told 'add the column title', as if none were there."""
    def renamed(book: Any) -> None:
        sheet = book["projects"]
        sheet.cell(1, column(sheet, "title")).value = "案件名"

    assert refused(run, edited(tmp_path / "round.xlsx", renamed)) == [
        "projects, row None, column 'title': missing required column title (value '案件名'). "
        "Fix: did you mean 'title'? Rename the header '案件名' to 'title'"]


def test_a_japanese_column_beside_the_one_read_is_warned_about(
        run: Callable, tmp_path: Path) -> None:
    def beside(book: Any) -> None:
        sheet = book["projects"]
        at = sheet.max_column + 1
        sheet.cell(1, at).value = "リスク"
        sheet.cell(3, at).value = 0.6

    code, stdout, err = run("validate", edited(tmp_path / "round.xlsx", beside), "--json",
                            "--no-solve")
    assert code == 0, err
    assert ("projects, column 'リスク': the column 'リスク' is not read: osa-opt reads the "
            "column 'risk' beside it, and passes 'リスク' through unread (value 'リスク')"
            in [w["message"].split(". Fix:")[0] for w in json.loads(stdout)["warnings"]])


# ------------------------------------------------------------- a column of totals
@pytest.mark.parametrize("header", ["cost_total", "cost_合計"])
def test_a_cost_column_of_totals_is_not_told_to_budget_the_year_total(
        run: Callable, tmp_path: Path, header: str) -> None:
    """A column of each project's total cost beside the years' (a multi-year sheet's 合計
    column) was warned 'the policy has no budget for total. Fix: give the policy a budget
    for total (budget.total, or --budget total=AMOUNT ...)', a fiscal year it is not."""
    def totals(book: Any) -> None:
        sheet = book["projects"]
        at, cost = sheet.max_column + 1, column(sheet, "cost_FY2026")
        sheet.cell(1, at).value = header
        for row in range(2, sheet.max_row + 1):
            sheet.cell(row, at).value = sheet.cell(row, cost).value

    code, stdout, err = run("validate", edited(tmp_path / "round.xlsx", totals), "--json",
                            "--no-solve")
    assert code == 0, err
    word = header.removeprefix("cost_")
    assert (f"projects, column {header!r}: {header} holds ¥27,000m of costs, but {word!r} "
            "names no fiscal year: those costs are not counted, and the portfolios are "
            f"chosen on the costs of FY2026 alone. Fix: nothing to do if {header} is the "
            "total of the years' costs, kept for the record (a name without 'cost_' says "
            "so: a cost_ column is taken for a fiscal year's costs); if it holds one year's "
            "costs, name it for that year, as cost_FY2026 is, and give the policy a budget "
            "for it") in [w["message"] for w in json.loads(stdout)["warnings"]]


@pytest.mark.parametrize(("sheet", "header", "typed", "meant"), [
    ("projects", "score_security", "76%", "7.6"), ("countries", "democracy", "７２％", "7.2")])
def test_a_score_typed_with_a_percent_sign_is_told_the_number_on_the_0_10_scale(
        run: Callable, tmp_path: Path, sheet: str, header: str, typed: str, meant: str) -> None:
    """A score typed as text '76%' (a CSV file, a cell formatted as text) was told 'type a
    plain number from 0 to 10, such as 0.35 or 6.5', as if 0.76 were the number meant."""
    def typed_in(book: Any) -> None:
        book[sheet].cell(3, column(book[sheet], header)).value = typed

    messages = refused(run, edited(tmp_path / "round.xlsx", typed_in))
    assert len(messages) == 1
    assert messages[0].startswith(
        f"{sheet}, row 3, column {header!r}: must be a number in [0, 10] (value {typed!r}). "
        f"Fix: {header} is a number from 0 to 10, not a percentage: type {meant} if {typed} "
        f"is meant on a 0-100 scale ({header}: ")


# ------------------------------------------- formulas of a program that computes none
def written_by_xlsxwriter(path: Path) -> Path:
    """The example as pandas writes it with XlsxWriter, three cells as formulas: XlsxWriter
    stores the value 0 with every formula and asks Excel to compute them all on opening
    (``<calcPr fullCalcOnLoad="1"/>``)."""
    import pandas as pd

    sheets = pd.read_excel(example_path(), sheet_name=["projects", "countries"])
    projects = sheets["projects"].astype(object)
    projects.loc[1, "cost_FY2026"] = "=600*2"          # P-02, row 3
    projects.loc[2, "score_security"] = "=8.5"         # P-03, row 4
    projects.loc[4, "exclusive_group"] = '=C6&" boats"'  # P-05, row 6
    with pd.ExcelWriter(path, engine="xlsxwriter") as writer:
        projects.to_excel(writer, sheet_name="projects", index=False)
        sheets["countries"].to_excel(writer, sheet_name="countries", index=False)
    return path


def test_formulas_a_workbook_asks_excel_to_compute_are_no_values(
        run: Callable, tmp_path: Path) -> None:
    """A workbook written by pandas and XlsxWriter with formulas (=600*2 for a cost) stores
    0 for each until Excel opens it: read as 0, the cost made the project free (a warning
    only), the score 0 and the exclusive group '0', and the input passed as valid."""
    rule = ("a formula without its computed value: the file was saved by a program that "
            "does not compute formulas, or is CSV text")
    fix = ("Fix: open the file in Excel or LibreOffice and save it again, so that the "
           "formula's value is stored; or type the value")
    assert refused(run, written_by_xlsxwriter(tmp_path / "round.xlsx")) == [
        f"projects, row 3, column 'cost_FY2026': {rule} (value '=600*2'). {fix}",
        f"projects, row 4, column 'score_security': {rule} (value '=8.5'). {fix}",
        f"projects, row 6, column 'exclusive_group': {rule} (value '=C6&\" boats\"'). {fix}"]


def test_formulas_a_workbook_stores_computed_are_read(run: Callable, tmp_path: Path) -> None:
    """The same workbook once Excel computed and saved it: the value stored with each
    formula is read, and no flag asks for a computation."""
    import re
    import zipfile

    source = written_by_xlsxwriter(tmp_path / "written.xlsx")
    path = tmp_path / "saved.xlsx"
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(path, "w") as new:
        for item in old.infolist():
            data = old.read(item.filename)
            if item.filename == "xl/workbook.xml":
                data = data.replace(b' fullCalcOnLoad="1"', b"")
            elif item.filename == "xl/worksheets/sheet1.xml":
                for formula, value in ((b"600*2", b"1200"), (b"8.5", b"8.5")):
                    data = re.sub(rb"(<f>" + re.escape(formula) + rb"</f><v>)0(</v>)",
                                  rb"\g<1>" + value + rb"\g<2>", data)
                data = re.sub(rb'(<c r="N6")(>)(<f>[^<]*</f>)<v>0</v>',
                              rb'\1 t="str"\2\3<v>Aurelia boats</v>', data)
            new.writestr(item, data)
    import osa_opt

    problem = osa_opt.load_problem(path)
    assert problem.projects.loc["P-02", "cost_FY2026"] == 1200
    assert problem.projects.loc["P-03", "score_security"] == 8.5
    assert problem.projects.loc["P-05", "exclusive_group"] == "Aurelia boats"


@pytest.mark.parametrize(("typed", "digits"), [("△200", "200"), ("▲1,200", "1,200")])
def test_a_negative_number_written_with_a_triangle_is_told_so(
        run: Callable, tmp_path: Path, typed: str, digits: str) -> None:
    """A Japanese budget table writes a negative number after a triangle (the format
    #,##0;"△"#,##0, kept as text in a CSV file saved as shown): '△200' was told only 'type
    a plain number such as 750, 0.35 or 18,100'."""
    def typed_in(book: Any) -> None:
        book["projects"].cell(3, column(book["projects"], "cost_FY2026")).value = typed

    mark = typed[0]
    assert refused(run, edited(tmp_path / "round.xlsx", typed_in)) == [
        f"projects, row 3, column 'cost_FY2026': must be a number >= 0 (value {typed!r}). "
        f"Fix: {typed!r} is −{digits} as a Japanese budget table writes a negative number "
        f"({mark} before it), and cost_FY2026 cannot be negative: type {digits}, without the "
        f"{mark}, if {digits} is meant (cost_FY2026: cost in fiscal year FY2026, ¥ million)"]


# ------------------------------------------------------------ a hyphen in a name
def test_a_region_written_with_a_hyphen_beside_one_without_is_refused(
        run: Callable, tmp_path: Path) -> None:
    """One analyst writes South-East Asia (the UN's and British spelling), the others
    Southeast Asia: the two counted as two regions, so a policy's cap on Southeast Asia
    missed the country, without a word (capitals, spaces and width were compared, not a
    hyphen between words)."""
    def typed(book: Any) -> None:
        book["countries"].cell(3, 2).value = "South-East Asia"

    assert refused(run, edited(tmp_path / "round.xlsx", typed)) == [
        "countries, row 3, column 'region': the same region is spelt differently elsewhere "
        "('Southeast Asia' in rows 2, 4, 5, 6), differing only in a hyphen between words; "
        "each spelling would count as its own (value 'South-East Asia'). Fix: write "
        "'Southeast Asia' as the other rows do, or make the names clearly different if they "
        "are meant apart"]


def test_groups_numbered_with_a_hyphen_stay_apart(run: Callable, tmp_path: Path) -> None:
    """A hyphen between a letter and a number (G-1 beside G1) or in a project id is no
    hyphen between words: those names are not folded together."""
    def typed(book: Any) -> None:
        sheet = book["projects"]
        group = column(sheet, "exclusive_group")
        for row, name in ((20, "G-1"), (21, "G-1"), (22, "G1"), (23, "G1")):
            sheet.cell(row, group).value = name

    code, _, err = run("validate", edited(tmp_path / "round.xlsx", typed), "--no-solve")
    assert code == 0, err


# ------------------------------------------------- a program's mark for an empty cell
def test_a_csv_file_written_by_r_with_na_in_its_empty_cells_is_one_problem(
        run: Callable, tmp_path: Path) -> None:
    """R's write.csv writes NA in every empty cell (pandas' to_csv likewise with
    na_rep='NA'): the example so written gave 522 problems, one per cell ('must be a
    number (value 'NA')', "'NA' looks like a placeholder", 'an override_reason is written
    but override is not true (value '<NA>')'); it is one problem per sheet, with the way
    to write the file again."""
    import csv as _csv

    import pandas as pd

    sheets = pd.read_excel(example_path(), sheet_name=["projects", "countries"])
    for name, frame in sheets.items():
        frame.to_csv(tmp_path / f"{name}.csv", na_rep="NA", index=False,
                     quoting=_csv.QUOTE_NONNUMERIC)  # as write.csv quotes text
    fix = ("Fix: leave those cells empty: write the file again with nothing for a missing "
           "value (R: write.csv(x, file, na = \"\", row.names = FALSE); pandas: "
           "to_csv(file, index=False), without na_rep), or clear them in the spreadsheet")
    what = ("as a program writes a missing value (R's write.csv writes NA, pandas' to_csv "
            "its na_rep, a database NULL): 'NA' is no number, flag or choice, and in a text "
            "column it would be read as the text 'NA'")
    assert refused(run, tmp_path) == [
        "projects, row 2, column 'exclusive_group': 444 cells hold 'NA', in 12 columns "
        "(status_reason, exclusive_group, requires, units_max, units_min, ...; rows 2, 3, 4, "
        f"5, 6, ...), {what} (value 'NA'). {fix}",
        "countries, row 2, column 'max_share': 27 cells hold 'NA', in 2 columns (max_share, "
        f"override_reason; rows 2, 3, 4, 5, 6, ...), {what} (value 'NA'). {fix}"]


def test_a_placeholder_typed_in_one_text_column_is_still_named_cell_by_cell(
        run: Callable, tmp_path: Path) -> None:
    """'N/A' typed as a mitigation, in a text column only, is a cell's placeholder, not a
    program's mark for every empty cell."""
    def typed(book: Any) -> None:
        sheet = book["projects"]
        sheet.cell(3, column(sheet, "mitigation")).value = "N/A"

    messages = refused(run, edited(tmp_path / "round.xlsx", typed))
    assert len(messages) == 1
    assert messages[0].startswith("projects, row 3, column 'mitigation': 'N/A' looks like a "
                                  "placeholder for nothing")
