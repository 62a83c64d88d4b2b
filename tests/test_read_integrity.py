"""Inputs that read as something else than they hold, each a real file run through the CLI:
a sheet whose rows are stored out of order, a CSV file that is really a gzip archive or a
PDF, a number typed as an accounting negative ``(5)`` or with Python's ``1_200``. Each is
read as meant or refused by name (sheet, row, column, value, fix; exit code 2, nothing
written), never read as something else in silence."""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
import shutil
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from test_input_messages import refused

import osa_opt
from osa_opt.data import default_policy_path, example_path

CORPUS = Path(__file__).parent / "corpus"


def csv_folder(tmp_path: Path, *cells: tuple[int, str, str]) -> Path:
    """The shipped example's CSV folder (tests/corpus/csv-en) with each (line, header,
    text) of projects.csv written."""
    folder = tmp_path / "round"
    shutil.copytree(CORPUS / "csv-en", folder)
    path = folder / "projects.csv"
    rows = list(csv.reader(io.StringIO(path.read_text("utf-8"))))
    for line, header, text in cells:
        rows[line - 1][rows[0].index(header)] = text
    with path.open("w", newline="", encoding="utf-8") as file:
        csv.writer(file, lineterminator="\n").writerows(rows)
    return folder


def messages(issues: list[dict]) -> list[str]:
    return [f"{i['sheet']}, row {i['row']}, column {i['column']!r}: {i['rule']} "
            f"(value {i['value']!r}). Fix: {i['hint']}" for i in issues]


# ---------------------------------------------------------------------- numbers
def test_an_accounting_negative_is_named_as_the_negative_it_is(run: Callable,
                                                                 tmp_path: Path) -> None:
    """``(5)`` in a cost, a risk or a score cell was told only "type a plain number such as
    750": it is −5 as an accounting format shows it, and the column takes no negative."""
    folder = csv_folder(tmp_path, (5, "cost_FY2026", "(5)"), (6, "risk", "(0.1)"),
                        (7, "score_security", "（１，２００）"))
    assert messages(refused(run, tmp_path, folder)) == [
        "projects, row 5, column 'cost_FY2026': must be a number >= 0 (value '(5)'). Fix: "
        "'(5)' is −5 in accounting format (a negative number in brackets), and cost_FY2026 "
        "cannot be negative: type 5, without brackets, if 5 is meant (cost_FY2026: cost in "
        "fiscal year FY2026, ¥ million)",
        "projects, row 6, column 'risk': must be a number in [0, 1] (value '(0.1)'). Fix: "
        "'(0.1)' is −0.1 in accounting format (a negative number in brackets), and risk "
        "cannot be negative: type 0.1, without brackets, if 0.1 is meant (risk: risk of "
        "failed delivery or misuse, 0 (none) to 1)",
        "projects, row 7, column 'score_security': must be a number in [0, 10] (value "
        "'（１，２００）'). Fix: '（１，２００）' is −1,200 in accounting format (a negative number "
        "in brackets), and score_security cannot be negative: type 1,200, without brackets, "
        "if 1,200 is meant (score_security: benefit score for the criterion 'security', "
        "0-10)"]


def test_digits_joined_by_underscores_are_refused_not_read_as_python_reads_them(
        run: Callable, tmp_path: Path) -> None:
    """``1_200`` was read as 1200 (Python's float reads underscores between digits), while a
    spreadsheet reads the cell as text: the same file meant two things."""
    folder = csv_folder(tmp_path, (4, "cost_FY2026", "1_200"))
    assert messages(refused(run, tmp_path, folder)) == [
        "projects, row 4, column 'cost_FY2026': must be a number >= 0 (value '1_200'). Fix: "
        "'1_200' has '_' between its digits: a spreadsheet reads it as text, not a number "
        "(Python would read 1200); type 1200, without '_'"]


def test_a_spreadsheet_s_text_apostrophe_left_in_a_cell_is_named(run: Callable,
                                                                  tmp_path: Path) -> None:
    """``'7.6`` (Excel's mark that keeps a value as text, left in a CSV file by a program or
    an edit in a text editor) was refused as no number, its hint the generic one ("type a
    plain number"), though the cell showed 7.6 in the spreadsheet: the apostrophe is named."""
    folder = csv_folder(tmp_path, (3, "score_security", "'7.6"))
    path = folder / "countries.csv"
    rows = list(csv.reader(io.StringIO(path.read_text("utf-8"))))
    rows[2][rows[0].index("oda_eligible")] = "'TRUE"
    with path.open("w", newline="", encoding="utf-8") as file:
        csv.writer(file, lineterminator="\n").writerows(rows)
    assert messages(refused(run, tmp_path, folder)) == [
        "projects, row 3, column 'score_security': must be a number in [0, 10] (value "
        "\"'7.6\"). Fix: \"'7.6\" starts with an apostrophe, the mark a spreadsheet types before "
        "a value to keep it as text (the cell shows 7.6), left in as part of the cell: type "
        "7.6, without the apostrophe",
        "countries, row 3, column 'oda_eligible': must be true or false (value \"'TRUE\"). Fix: "
        "\"'TRUE\" starts with an apostrophe, the mark a spreadsheet types before a value to "
        "keep it as text (the cell shows TRUE), left in as part of the cell: type TRUE, without "
        "the apostrophe"]


def test_an_id_typed_with_a_spreadsheet_s_text_apostrophe_is_named(run: Callable,
                                                                    tmp_path: Path) -> None:
    """``'0042`` as a project id (the apostrophe typed in Excel to keep the leading zeros,
    left in a CSV file) was read as the id "'0042", and a ``requires`` of 0042 was told
    *did you mean "'0042"?*, the wrong way round: the id's apostrophe is named, and the
    requirement told where the id is typed with it."""
    folder = csv_folder(tmp_path, (9, "project_id", "'0042"), (5, "requires", "0042"),
                        (10, "requires", ""))
    assert messages(refused(run, tmp_path, folder)) == [
        "projects, row 5, column 'requires': requires a project that is not in the projects "
        "sheet (value '0042'). Fix: the project id is typed \"'0042\" in row 9, with the "
        "apostrophe a spreadsheet types to keep a value as text: delete the apostrophe there",
        "projects, row 9, column 'project_id': the cell starts with an apostrophe, the mark a "
        "spreadsheet types before a value to keep it as text ('0042' shown, its leading zeros "
        "kept); left in the file, it is part of the project_id, which matches no '0042' (value "
        "\"'0042\"). Fix: type 0042 without the apostrophe (format the column as Text, Format "
        "Cells > Text, to keep leading zeros)"]


def test_a_long_id_a_csv_file_kept_in_scientific_notation_is_refused(run: Callable,
                                                                     tmp_path: Path) -> None:
    """Excel shows a 12-digit id as 1.23457E+11 in a General cell, and a CSV file saved from
    it keeps those digits only: two ids were told only 'duplicate project_id', and one alone
    was read as the id '1.23457E+11'. Each is named as the notation it is."""
    folder = csv_folder(tmp_path, (2, "project_id", "1.23457E+11"),
                        (3, "exclusive_group", "2.5E+3"))  # 2500 as no spreadsheet shows it
    rule = ("the cell is a number as a spreadsheet shows a long one, in scientific notation "
            "(1.23457E+11): a CSV file saved from it keeps only the digits shown, so the "
            "project_id typed is lost (and two such ids may read alike)")
    said = messages(refused(run, tmp_path, folder))
    assert said[0] == (
        f"projects, row 2, column 'project_id': {rule} (value '1.23457E+11'). Fix: format the "
        "column as Text (Format Cells > Text), type each project_id again, and save the CSV "
        "file again")
    assert not [m for m in said if "2.5E+3" in m]


def test_a_swiss_thousands_apostrophe_u2019_is_read_as_the_typed_one(tmp_path: Path) -> None:
    """``1’100`` (U+2019, the apostrophe Swiss locales write between thousands today) was
    refused as no number, though ``1'100`` is read as 1100."""
    folder = csv_folder(tmp_path, (2, "cost_FY2026", "1’100"))
    problem = osa_opt.load_problem(folder)
    assert problem.projects.at["P-01", "cost_FY2026"] == 1100


def test_a_csv_text_formula_is_told_the_value_it_yields(run: Callable, tmp_path: Path) -> None:
    """``="0042"`` (the CSV idiom that keeps a value as text, its leading zeros too, when
    Excel opens the file) was told "a formula without its computed value ... open the file
    in Excel and save it again": it is named as the text it yields, and the fix is to type
    it; a formula of references stays a formula without its value."""
    folder = csv_folder(tmp_path, (9, "project_id", '="0042"'),
                        (5, "exclusive_group", '=A2&"x"'), (10, "requires", ""))
    said = messages(refused(run, tmp_path, folder))
    assert said[0].startswith("projects, row 5, column 'exclusive_group': a formula without "
                              "its computed value")
    assert said[1:] == [
        "projects, row 9, column 'project_id': a formula that yields the text '0042' (the way "
        "a CSV file keeps a value as text, leading zeros and all, when Excel opens it): "
        "osa-opt reads the cell as typed, '=' and quotes included (value '=\"0042\"'). Fix: "
        "type 0042 without '=' and the quotes"]


def test_a_score_or_share_written_as_a_fraction_is_told_its_number(run: Callable,
                                                                   tmp_path: Path) -> None:
    """``7.6/10``, ``4 out of 5`` and ``1/2`` got the generic 'type a plain number': each is
    told the number it stands for on the column's scale."""
    folder = csv_folder(tmp_path, (2, "score_security", "7.6/10"),
                        (3, "score_humanitarian", "4 out of 5"), (4, "min_funding", "1/2"))
    assert [m.split("Fix: ")[1].split(" (")[0] for m in messages(refused(run, tmp_path, folder))
            ] == ["'7.6/10' is a fraction: score_security is a number from 0 to 10, so type 7.6 "
                  "if 7.6/10 is meant",
                  "'4 out of 5' is a fraction: score_humanitarian is a number from 0 to 10, so "
                  "type 8 if 4 out of 5 is meant",
                  "'1/2' is a fraction: min_funding is a number from 0 to 1, so type 0.5 if 1/2 "
                  "is meant"]


def test_a_number_with_its_minus_after_it_is_named(run: Callable, tmp_path: Path) -> None:
    """``850-`` (a negative number as SAP and other accounting systems export it) got the
    generic hint; it is named as the −850 it is, as ``(850)`` is."""
    folder = csv_folder(tmp_path, (4, "cost_FY2026", "850-"))
    assert messages(refused(run, tmp_path, folder)) == [
        "projects, row 4, column 'cost_FY2026': must be a number >= 0 (value '850-'). Fix: "
        "'850-' is −850 with its minus sign after it (as SAP and other accounting systems "
        "export a negative number), and cost_FY2026 cannot be negative: type 850, without the "
        "sign, if 850 is meant (cost_FY2026: cost in fiscal year FY2026, ¥ million)"]


@pytest.mark.parametrize("minus_one", ["-1", -1])
def test_minus_one_in_a_flag_column_is_named_as_access_s_true(
        run: Callable, tmp_path: Path, minus_one: str | int) -> None:
    """-1 (True in Access and Visual Basic) in a yes/no column got the generic hint "type
    true or false": it is named, in a CSV file and as a number of a workbook."""
    import openpyxl

    book = openpyxl.load_workbook(example_path())
    sheet = book["countries"]
    column = [c.value for c in sheet[1]].index("oda_eligible") + 1
    sheet.cell(3, column).value = minus_one
    book.save(tmp_path / "access.xlsx")
    assert messages(refused(run, tmp_path, tmp_path / "access.xlsx")) == [
        f"countries, row 3, column 'oda_eligible': must be true or false (value '{minus_one}')."
        " Fix: -1 is true in Access and Visual Basic (0 is false), and a number to others: "
        "type true if Access's true is meant, else false (yes/no and 1/0 work too)"]


@pytest.mark.parametrize(("command", "args", "said"), [
    ("solve", ["--budget", "FY2026=18100", "--budget", "FY2026=17000"],
     "--budget gives FY2026 twice (18100 and 17000), and which one is meant cannot be told; "
     "give it once"),
    ("validate", ["--set", "priority.min_countries=8", "--set", "priority.min_countries=9"],
     "--set gives priority.min_countries twice (8 and 9), and which one is meant cannot be "
     "told; give it once"),
    ("solve", ["--set", "budget.FY2026=17000", "--budget", "FY2026=18000"],
     "budget.FY2026 is given twice, 17000 by --set and 18000 by --budget, and which one is "
     "meant cannot be told; give it once"),
    ("solve", ["--set", "portfolios.count=5", "--portfolios", "3"],
     "portfolios.count is given twice, 5 by --set and 3 by --portfolios, and which one is "
     "meant cannot be told; give it once"),
    ("compare", ["--set", "robustness.seed=1", "--set", "robustness.seed=2",
                 "--budget-scenario", "FY2026=15000"],
     "--set gives robustness.seed twice (1 and 2)"),
])
def test_a_policy_key_given_twice_on_the_command_line_is_refused(
        run: Callable, tmp_path: Path, command: str, args: list[str], said: str) -> None:
    """``--budget FY2026=18100 --budget FY2026=17000`` ran with the last (17000), and
    ``--set portfolios.count=5 --portfolios 3`` with 3, silently: which one the user meant
    cannot be told, so both are named (the same value twice is fine)."""
    out = tmp_path / "out"
    code, _, err = run(command, example_path(), *args,
                       *(["--out", out] if command == "solve" else []))
    assert code == 2 and not out.exists(), err
    assert said in " ".join(err.split()), err
    code, _, err = run("validate", example_path(), "--no-solve", "--budget", "FY2026=18100",
                       "--budget", "FY2026=18100.0", "--set", "portfolios.count=3",
                       "--set", "portfolios.count=3.0")
    assert code == 0, err


@pytest.mark.parametrize(("command", "args", "said"), [
    ("solve", ["--budget", "FY2026=1_200"],
     "the amount 1_200 has '_' between its digits; write --budget FY2026=1200"),
    ("compare", ["--budget-scenario", "FY2026=15_000,FY2027=5000"],
     "the amount 15_000 has '_' between its digits; write --budget-scenario "
     "FY2026=15000,FY2027=5000"),
    ("solve", ["--time-limit", "1_0"], "'1_0' has '_' between its digits; type 10"),
    ("solve", ["--portfolios", "1_0"], "'1_0' has '_' between its digits; type 10"),
    ("solve", ["--min-difference", "1_0"], "'1_0' has '_' between its digits; type 10"),
    ("frontier", ["--start", "0.2_5"], "'0.2_5' has '_' between its digits; type 0.25"),
    ("frontier", ["--stop", "1_0"], "'1_0' has '_' between its digits; type 10"),
    ("frontier", ["--steps", "1_0"], "'1_0' has '_' between its digits; type 10"),
    ("robustness", ["--samples", "1_000"], "'1_000' has '_' between its digits; type 1000"),
    ("robustness", ["--seed", "4_2"], "'4_2' has '_' between its digits; type 42"),
    ("robustness", ["--jobs", "1_0"], "'1_0' has '_' between its digits; type 10"),
    ("execution", ["--reserves", "1_0"], "'1_0' has '_' between its digits; type 10"),
    ("solve", ["--set", "budget.FY2026=1_200"],
     "a number with '_' between its digits"),
    ("solve", ["--set", "portfolios.count=1_0"], "a number with '_' between its digits"),
])
def test_a_number_typed_with_underscores_on_the_command_line_is_refused_as_in_a_cell(
        run: Callable, tmp_path: Path, command: str, args: list[str], said: str) -> None:
    """``--budget FY2026=1_200`` read 1200 (Python's float), ``--portfolios 1_0`` 10 (its
    int), and ``--set budget.FY2026=1_200`` 1200 (TOML), while ``1_200`` in a cell is
    refused: the command line now refuses it as the cell is, with the number to type."""
    out = tmp_path / "out"
    code, stdout, err = run(command, example_path(), *args, "--out", out) \
        if command in ("solve", "frontier", "robustness", "execution") \
        else run(command, example_path(), *args)
    assert code == 2, err
    assert said in " ".join(err.split()), err
    assert not out.exists()



@pytest.mark.parametrize(("command", "args", "said"), [
    ("solve", ["--budget", "FY2026=18.1bn"],
     "'FY2026=18.1bn': budgets are in ¥ million: '18.1bn' is ¥18,100 million, so write 18100: "
     "--budget FY2026=18100"),
    ("solve", ["--budget", "FY2026=181億円"],
     "'181億円' is ¥18,100 million, so write 18100: --budget FY2026=18100"),
    ("solve", ["--budget", "FY2026=¥18,100"],
     "'¥18,100' could be ¥18,100 million (a ¥ sign added, as a currency format shows an "
     "amount), so write 18100, or ¥18,100 in yen, so write 0.0181"),
    ("compare", ["--budget-scenario", "FY2026=15bn,FY2027=5000"],
     "'15bn' is ¥15,000 million, so write 15000: --budget-scenario FY2026=15000,FY2027=5000"),
])
def test_a_budget_typed_with_its_unit_on_the_command_line_is_told_the_number(
        run: Callable, tmp_path: Path, command: str, args: list[str], said: str) -> None:
    """``--budget FY2026=18.1bn`` was told only "write FY=AMOUNT in ¥ million, e.g. --budget
    FY2026=20000", while '¥1.2bn' in a cost cell, and in a policy file's budget, is told
    the number to type."""
    out = tmp_path / "out"
    code, _, err = run(command, example_path(), *args, "--out", out)
    assert code == 2, err
    assert said in " ".join(err.split()), err
    assert not out.exists()

# ---------------------------------------------------------------------- binary files
def test_a_csv_file_that_is_a_gzip_archive_is_named_with_the_fix(run: Callable,
                                                                 tmp_path: Path) -> None:
    """projects.csv compressed with gzip (a download saved without its .gz) was told only
    "not UTF-8 text (unreadable byte at position 1)", and to save it as UTF-8."""
    folder = csv_folder(tmp_path)
    text = (folder / "projects.csv").read_bytes()
    (folder / "projects.csv").write_bytes(gzip.compress(text))
    assert messages(refused(run, tmp_path, folder)) == [
        "projects.csv, row None, column None: not CSV text but a gzip-compressed file (.gz) "
        "(value None). Fix: rename it to projects.csv.gz, decompress it (gunzip, or 7-Zip > "
        "Extract Here on Windows), and put the projects.csv it holds in the folder"]
    code, _, err = run("solve", folder, "--out", tmp_path / "run2")
    assert code == 2 and "gzip-compressed" in " ".join(err.split())


@pytest.mark.parametrize(("content", "kind", "fix"), [
    ("workbook", "an Excel workbook (.xlsx)",
     "save its projects sheet as CSV (in Excel, File > Save As > 'CSV UTF-8 (Comma "
     "delimited)'); or, if it holds both sheets (projects and countries), rename it to "
     "projects.xlsx and give it instead of the folder"),
    ("zip", "a zip archive",
     "extract it (Windows: right-click > Extract All, or 7-Zip > Extract Here), and put the "
     "projects.csv it holds in the folder"),
    ("pdf", "a PDF document",
     "a table in a PDF document cannot be read: open the spreadsheet the table is in and "
     "save the sheet as CSV; in Excel, File > Save As > 'CSV UTF-8 (Comma delimited)'")])
def test_a_csv_file_that_is_another_binary_file_is_named(run: Callable, tmp_path: Path,
                                                         content: str, kind: str,
                                                         fix: str) -> None:
    """A workbook, a zip of the CSV file or a PDF saved as projects.csv: every zip was told
    "an Excel workbook", a PDF "not UTF-8 text"."""
    folder = csv_folder(tmp_path)
    target = folder / "projects.csv"
    if content == "workbook":
        shutil.copy(example_path(), target)
    elif content == "zip":
        data = io.BytesIO()
        with zipfile.ZipFile(data, "w") as archive:
            archive.writestr("projects.csv", target.read_text("utf-8"))
        target.write_bytes(data.getvalue())
    else:
        target.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\n")
    (issue,) = refused(run, tmp_path, folder)
    assert (issue["sheet"], issue["rule"], issue["hint"]) == (
        "projects.csv", f"not CSV text but {kind}", fix)


def test_a_policy_file_that_is_a_gzip_archive_is_named(run: Callable, tmp_path: Path) -> None:
    """A gzip-compressed policy was told "not UTF-8 text", and to save it as UTF-8."""
    policy = tmp_path / "round.toml"
    policy.write_bytes(gzip.compress(default_policy_path().read_bytes()))
    (issue,) = refused(run, tmp_path, example_path(), "--policy", policy)
    assert (issue["sheet"], issue["rule"], issue["hint"]) == (
        "policy round.toml", "not a policy (TOML text) but a gzip-compressed file (.gz)",
        "decompress it (gunzip, or 7-Zip > Extract Here on Windows), and give the .toml file "
        "it holds with --policy")


# ---------------------------------------------------------------------- a sheet's rows
def rewritten(path: Path, edit: Callable[[str], str], member: str = "xl/worksheets/sheet2.xml",
              ) -> Path:
    """The shipped example saved at ``path`` with the XML of one sheet (the projects sheet,
    by default) rewritten by ``edit``, as a program other than Excel might write it."""
    with zipfile.ZipFile(example_path()) as source, zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == member:
                data = edit(data.decode("utf-8")).encode("utf-8")
            target.writestr(item, data)
    return path


def xml_row(xml: str, number: int) -> str:
    return re.search(rf'<row r="{number}"[ >].*?</row>', xml, re.S).group(0)


def test_rows_listed_out_of_order_are_all_read_in_place(tmp_path: Path) -> None:
    """A sheet whose XML lists row 5 before row 4 (Excel never writes one, other programs
    can) lost row 4's project without a word: openpyxl's streaming reader drops a row
    listed after a row below it. Every project is now read, at its own row."""
    def swap(xml: str) -> str:
        four, five = xml_row(xml, 4), xml_row(xml, 5)
        return xml.replace(four + five, five + four)

    path = rewritten(tmp_path / "swapped.xlsx", swap)
    problem = osa_opt.load_problem(path)
    expected = osa_opt.load_problem(example_path())
    assert len(problem.projects) == 38
    pd.testing.assert_frame_equal(problem.projects, expected.projects)


def test_a_row_listed_twice_is_refused_by_name(run: Callable, tmp_path: Path) -> None:
    """Row 5 listed twice: read, one copy was lost (or its cells mixed with the other's)."""
    def twice(xml: str) -> str:
        five = xml_row(xml, 5)
        return xml.replace(five, five + five.replace("<v>", "<v>1"), 1)

    path = rewritten(tmp_path / "twice.xlsx", twice)
    assert messages(refused(run, tmp_path, path)) == [
        "projects, row 5, column None: twice.xlsx lists row 5 of the sheet more than once (a "
        "program other than Excel wrote it): which cells belong to the row cannot be told, "
        "and one copy would be lost (value None). Fix: open twice.xlsx in Excel or "
        "LibreOffice, check row 5, and save it again as .xlsx"]


def test_a_sheet_cut_short_at_a_row_is_refused_with_its_extent(run: Callable,
                                                                tmp_path: Path) -> None:
    """The projects sheet's XML ends after row 30 though it declares rows to 39 (a program
    that stopped writing, the file closed all the same): 9 projects were missing, and the
    rest were read as the round, valid."""
    def cut(xml: str) -> str:
        return xml[:xml.index('<row r="31"')] + xml[xml.index("</sheetData>"):]

    path = rewritten(tmp_path / "cut.xlsx", cut)
    assert messages(refused(run, tmp_path, path)) == [
        "projects, row 30, column None: the sheet declares its extent as A1:AB39 (to row 39), "
        "but its rows end at row 30: rows 31-39 are not in cut.xlsx, as if it was cut short "
        "when written (value 'A1:AB39'). Fix: open cut.xlsx in Excel or LibreOffice and check "
        "its last rows: if rows are missing, take the workbook again from where it came "
        "from; if row 30 is the last, save it again (which writes its extent anew)"]


def test_an_extent_to_excel_s_last_row_is_a_formatted_column_not_rows(tmp_path: Path) -> None:
    """LibreOffice declares ``A1:A1048576`` when a whole column is formatted: no rows are
    missing, and the workbook reads as it is."""
    path = rewritten(tmp_path / "column.xlsx",
                     lambda xml: xml.replace('<dimension ref="A1:AB39"/>',
                                             '<dimension ref="A1:AB1048576"/>'))
    assert len(osa_opt.load_problem(path).projects) == 38


def test_a_formula_without_its_value_in_a_row_listed_out_of_order_is_named_at_its_row(
        run: Callable, tmp_path: Path) -> None:
    """The formulas are read by a second pass over the sheet, which dropped rows alike."""
    def swap(xml: str) -> str:
        four, five = xml_row(xml, 4), xml_row(xml, 5)
        formula = re.sub(r'<c r="F4"[^>]*>.*?</c>', '<c r="F4"><f>600*2</f></c>', four)
        return xml.replace(four + five, five + formula)

    (issue,) = refused(run, tmp_path, rewritten(tmp_path / "formula.xlsx", swap))
    assert (issue["row"], issue["column"], issue["value"]) == (4, "cost_FY2026", "=600*2")


# ---------------------------------------------------------------------- headers
def with_column(tmp_path: Path, name: str, after: str, values: Callable[[str], str],
                drop: bool = False) -> Path:
    """The CSV example with a column ``name`` after ``after``, each cell ``values(cell of
    after)``; with ``drop``, ``after`` itself deleted."""
    folder = csv_folder(tmp_path)
    path = folder / "projects.csv"
    rows = list(csv.reader(io.StringIO(path.read_text("utf-8"))))
    i = rows[0].index(after)
    rows[0].insert(i + 1, name)
    for row in rows[1:]:
        row.insert(i + 1, values(row[i]))
    if drop:
        rows = [row[:i] + row[i + 1:] for row in rows]
    with path.open("w", newline="", encoding="utf-8") as file:
        csv.writer(file, lineterminator="\n").writerows(rows)
    return folder


def test_a_near_miss_column_beside_the_real_one_is_warned_as_not_read(
        run: Callable, tmp_path: Path) -> None:
    """risk_pct beside risk passed as one more unused column: a user who typed the risks
    as percentages there saw them ignored without a word."""
    folder = with_column(tmp_path, "risk_pct", "risk",
                         lambda risk: str(round(float(risk or 0) * 100)))
    code, stdout, err = run("validate", folder, "--json", "--no-solve")
    assert code == 0, err
    warned = [w["message"] for w in json.loads(stdout)["warnings"] if "risk_pct" in w["message"]]
    assert warned == [
        "projects, column 'risk_pct': the column 'risk_pct' is not read: osa-opt reads the "
        "column 'risk' beside it, and passes 'risk_pct' through unread (value 'risk_pct'). "
        "Fix: nothing to do if 'risk_pct' is a note; if its values are the ones meant, put "
        "them in 'risk' (risk: risk of failed delivery or misuse, 0 (none) to 1) and delete "
        "'risk_pct', or give it a name clearly its own"]
    blank = with_column(tmp_path / "blank", "risk_pct", "risk", lambda risk: "")
    code, stdout, _ = run("validate", blank, "--json", "--no-solve")
    assert code == 0 and "risk_pct" not in " ".join(
        w["message"] for w in json.loads(stdout)["warnings"])  # an empty column: no matter


def test_a_near_miss_column_without_the_real_one_is_named_as_its_misspelling(
        run: Callable, tmp_path: Path) -> None:
    folder = with_column(tmp_path, "risk_pct", "risk", lambda risk: risk, drop=True)
    (issue,) = refused(run, tmp_path, folder)
    assert (issue["column"], issue["rule"]) == ("risk_pct", "unknown column, most likely 'risk'")


# ---------------------------------------------------------------------- every problem at once
def test_a_formula_without_its_value_is_listed_with_the_tables_other_problems(
        run: Callable, tmp_path: Path) -> None:
    """A formula saved without its value stopped the reading: the duplicated project id
    beside it was named only once the formula was fixed, run after run."""
    def broken(xml: str) -> str:
        four = xml_row(xml, 4)
        xml = xml.replace(four, re.sub(r'<c r="F4"[^>]*>.*?</c>', '<c r="F4"><f>600*2</f></c>',
                                       four))
        a3 = re.search(r'<c r="A3"[^>]*>.*?</c>', xml, re.S).group(0)
        a6 = re.search(r'<c r="A6"[^>]*>.*?</c>', xml, re.S).group(0)
        return xml.replace(a6, a3.replace('r="A3"', 'r="A6"'))

    issues = refused(run, tmp_path, rewritten(tmp_path / "both.xlsx", broken))
    assert [(i["row"], i["column"], i["value"], i["rule"].split(":")[0]) for i in issues] == [
        (3, "project_id", "P-02", "duplicate project_id"),
        (4, "cost_FY2026", "=600*2", "a formula without its computed value"),
        (6, "project_id", "P-02", "duplicate project_id"),
        (7, "requires", "P-05", "requires a project that is not in the projects sheet")]


def test_an_ods_file_s_cell_and_currency_problems_are_listed_with_the_others(
        run: Callable, tmp_path: Path) -> None:
    """An .ods cost cell in US dollars, or a number cell that stores no number, stopped the
    reading likewise: the duplicated id beside them went unnamed."""
    path = tmp_path / "both.ods"
    with zipfile.ZipFile(CORPUS / "example.ods") as source, zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "content.xml":
                xml = data.decode("utf-8")
                xml = xml.replace('office:value-type="float" office:value="800" '
                                  'calcext:value-type="float"><text:p>800</text:p>',
                                  'office:value-type="currency" office:currency="USD" '
                                  'office:value="800" calcext:value-type="currency">'
                                  '<text:p>$800</text:p>', 1)
                xml = xml.replace('<text:p>P-04</text:p>', '<text:p>P-03</text:p>', 1)
                data = xml.encode("utf-8")
            target.writestr(item, data)
    issues = refused(run, tmp_path, path)
    assert [(i["row"], i["column"], i["rule"].split(":")[0]) for i in issues] == [
        (4, "cost_FY2026", "1 cell of the column (row 4) shows USD (shown as '$800')"),
        (4, "project_id", "duplicate project_id"),
        (5, "project_id", "duplicate project_id")]


def test_a_sheet_whose_compressed_data_is_damaged_is_named_never_a_traceback(
        run: Callable, tmp_path: Path) -> None:
    """Bytes changed late in the projects sheet's compressed data (past the head openpyxl
    reads on opening): the sheet's XML was taken out before the sheet was read, and
    zlib's error became a traceback."""
    path = tmp_path / "damaged.xlsx"
    shutil.copy(example_path(), path)
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("xl/worksheets/sheet2.xml")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    data = bytearray(path.read_bytes())

    def breaks_zlib(at: int) -> bool:  # garbage that inflates is a CRC error, not zlib's
        stream = bytearray(data[start:start + info.compress_size])
        stream[at - start] ^= 0x55
        try:
            zlib.decompressobj(-15).decompress(bytes(stream))
        except zlib.error:
            return True
        return False

    late = next(at for at in range(start + info.compress_size * 3 // 5,
                                   start + info.compress_size) if breaks_zlib(at))
    data[late] ^= 0x55
    path.write_bytes(bytes(data))
    issues = refused(run, tmp_path, path)
    assert [(i["sheet"], i["rule"]) for i in issues] == [
        ("damaged.xlsx", "the sheet 'projects' cannot be read")]
