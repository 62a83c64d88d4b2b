"""Corrupted and ambiguous inputs, made from the shipped example and run through the CLI.

Each case is a real file on disk, read by ``osa-opt solve`` and ``osa-opt validate --json``
as a user would: a cell or header that could mean two things stops the run with exit code
2, names the sheet, row, column and value and says how to fix it, and leaves no run folder.
"""

from __future__ import annotations

import io
import json
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest

import osa_opt
import osa_opt.errors
from osa_opt.data import example_path


def edited(path: Path, edit: Callable[[Any], None]) -> Path:
    """The shipped example saved at ``path`` after ``edit(workbook)``."""
    book = openpyxl.load_workbook(example_path())
    edit(book)
    book.save(path)
    return path


def column(sheet: Any, header: str) -> int:
    return next(c.column for c in sheet[1] if c.value == header)


def with_cells(path: Path, *cells: tuple[str, int, str | int, Any]) -> Path:
    """The shipped example saved at ``path`` with each (sheet, row, header or column
    number, value) written."""
    def put(book: Any) -> None:
        for name, row, where, value in cells:
            sheet = book[name]
            sheet.cell(row, where if isinstance(where, int) else column(sheet, where)).value = value

    return edited(path, put)


def refused(run: Callable, path: Path, tmp_path: Path) -> list[str]:
    """The messages of ``validate --json``; ``solve`` must exit 2 and write nothing."""
    out = tmp_path / "run"
    code, _, err = run("solve", path, "--out", out, "--no-explain", "-k", "1")
    assert code == 2, err
    assert "Traceback" not in err and not out.exists()
    code, stdout, _ = run("validate", path, "--json", "--no-solve")
    assert code == 2
    return [f"{i['sheet']}, row {i['row']}, column {i['column']!r}: {i['rule']} "
            f"(value {i['value']!r}). Fix: {i['hint']}"
            for i in json.loads(stdout)["issues"]]


def warned(run: Callable, *args: str | Path) -> list[str]:
    """The warnings of ``validate ARGS --json --no-solve``, which must pass (exit 0)."""
    code, stdout, _ = run("validate", *args, "--json", "--no-solve")
    assert code == 0
    return [w["message"] for w in json.loads(stdout)["warnings"]]


# ---------------------------------------------------------------------- merged cells
def test_merged_cells_in_the_table_are_refused_by_name(run: Callable, tmp_path: Path) -> None:
    """Three projects' exclusive_group merged into one cell: only the first would be in the
    group (the others read blank), so the range is named instead of a guess."""
    def merge(book: Any) -> None:
        sheet = book["projects"]
        c = column(sheet, "exclusive_group")
        sheet.cell(5, c).value = "radars"
        sheet.merge_cells(start_row=5, start_column=c, end_row=7, end_column=c)
        sheet.merge_cells("A60:C60")  # blank all over: reads as it looks
        book["README"].merge_cells("A1:C1")  # another sheet: not read

    messages = refused(run, edited(tmp_path / "merged.xlsx", merge), tmp_path)
    assert messages[0] == (
        "projects, row 5, column 'exclusive_group': the cells N5:N7 are merged: the value is "
        "in N5 only, and rows 6-7 of the range would read as blank (value 'radars'). Fix: "
        "unmerge the cells (Excel: Home > Merge & Center > Unmerge Cells; LibreOffice: Format "
        "> Merge and Unmerge Cells > Split Cells) and type the value in every cell that has it")
    assert len(messages) == 1


def test_a_merged_title_above_the_header_is_no_problem(tmp_path: Path) -> None:
    from osa_opt.inputs.readers import load_problem

    def title(book: Any) -> None:
        sheet = book["projects"]
        sheet.insert_rows(1, 2)
        sheet["A1"] = "OSA round FY2026"
        sheet.merge_cells("A1:F1")

    problem = load_problem(edited(tmp_path / "title.xlsx", title))
    assert len(problem.projects) == 38


# ---------------------------------------------------------------------- cells that are no value
def test_excel_errors_in_a_text_column_are_not_a_group_named_n_a(run: Callable,
                                                                  tmp_path: Path) -> None:
    """Two failed lookups (#N/A) in exclusive_group would have made two projects
    alternatives of the group '#N/A'; an error in a number column is named the same way."""
    path = with_cells(tmp_path / "errors.xlsx", ("projects", 5, "exclusive_group", "#N/A"),
                      ("projects", 6, "exclusive_group", "#N/A"),
                      ("projects", 3, "cost_FY2026", "#DIV/0!"))
    messages = refused(run, path, tmp_path)
    assert messages == [
        "projects, row 3, column 'cost_FY2026': the cell shows the spreadsheet error #DIV/0!: "
        "a formula that failed, not a value (value '#DIV/0!'). Fix: correct the formula (or "
        "type the value) in the spreadsheet and save again",
        *[f"projects, row {r}, column 'exclusive_group': the cell shows the spreadsheet error "
          "#N/A: a formula that failed, not a value (value '#N/A'). Fix: correct the formula "
          "(or type the value) in the spreadsheet and save again" for r in (5, 6)]]


def test_a_formula_saved_without_its_value_is_not_read_as_text(run: Callable,
                                                               tmp_path: Path) -> None:
    """openpyxl (like pandas) saves a formula without computing it: the group's name would
    have been the formula's text."""
    path = with_cells(tmp_path / "formula.xlsx",
                      ("projects", 3, "exclusive_group", '=A2&"-boats"'),
                      ("projects", 4, "mitigation", '=IF(J4>0.5,"monitoring","")'),
                      ("projects", 4, 40, "=1+1"))  # a column without a header: not read
    messages = refused(run, path, tmp_path)
    assert messages == [
        "projects, row 3, column 'exclusive_group': a formula without its computed value: the "
        "file was saved by a program that does not compute formulas, or is CSV text (value "
        "'=A2&\"-boats\"'). Fix: open the file in Excel or LibreOffice and save it again, so "
        "that the formula's value is stored; or type the value",
        "projects, row 4, column 'mitigation': a formula without its computed value: the "
        "file was saved by a program that does not compute formulas, or is CSV text (value "
        "'=IF(J4>0.5,\"monitoring\",\"\")'). Fix: open the file in Excel or LibreOffice and "
        "save it again, so that the formula's value is stored; or type the value",
        "projects, row 4, column None: column AN has data but no header (row 4) (value None). "
        "Fix: give the column a header in row 1, or delete its cells"]


def test_a_header_that_is_a_formula_saved_without_its_value_is_named_as_such(
        run: Callable, tmp_path: Path) -> None:
    """A header ``="cost_FY2026"`` saved by openpyxl (no value stored) was told "rename the
    header '="cost_FY2026"' to 'cost_FY2026'", as if mistyped: it is a formula without its
    value, and saving the file again from a spreadsheet stores it."""
    path = with_cells(tmp_path / "formula_header.xlsx",
                      ("projects", 1, "cost_FY2026", '="cost_FY2026"'),
                      ("projects", 1, "title", '=LOWER("TITLE")'))
    rule = ("the header of column {} is a formula without its computed value: the file was "
            "saved by a program that does not compute formulas, so the header has no text")
    fix = ("open the file in Excel or LibreOffice and save it again, so that the formula's "
           "value is stored; or type the header ")
    assert refused(run, path, tmp_path) == [
        f"projects, row 1, column None: {rule.format('B')} (value '=LOWER(\"TITLE\")'). "
        f"Fix: {fix}in the cell as text",
        f"projects, row 1, column None: {rule.format('F')} (value '=\"cost_FY2026\"'). "
        f"Fix: {fix}'cost_FY2026' in the cell"]


def test_a_placeholder_is_not_a_mitigation_nor_an_override_reason(run: Callable,
                                                                  tmp_path: Path) -> None:
    """'none' as a mitigation would have made a project above the risk limit eligible; 'n/a'
    as an override reason would have counted as the written reason."""
    path = with_cells(tmp_path / "none.xlsx", ("projects", 3, "risk", 0.9),
                      ("projects", 3, "mitigation", "none"), ("countries", 3, "override", True),
                      ("countries", 3, "override_reason", " N/A "))
    messages = refused(run, path, tmp_path)
    assert len(messages) == 2
    assert messages[0].startswith(
        "projects, row 3, column 'mitigation': 'none' looks like a placeholder for nothing, but "
        "it would be read as the mitigation 'none': a blank cell means none (value 'none'). "
        "Fix: leave the cell blank if there is no mitigation; otherwise write it out "
        "(mitigation: ")
    assert messages[1].startswith(
        "countries, row 3, column 'override_reason': 'N/A' looks like a placeholder for "
        "nothing, but it would be read as the override_reason 'N/A': a blank cell means none "
        "(value 'N/A'). Fix: leave the cell blank if there is no override_reason; otherwise "
        "write it out (override_reason: ")


def test_an_invisible_character_in_an_id_is_named(run: Callable, tmp_path: Path) -> None:
    """'P-01' followed by a zero-width space looks like P-01 in every output but would be a
    second project; in a header, the did-you-mean says why the names look alike."""
    path = with_cells(tmp_path / "zw.xlsx", ("projects", 3, "project_id", "P-01\u200b"),
                      ("projects", 3, "requires", "P-0\u200b1"),
                      ("projects", 1, "status", "\ufeffstatus"))
    messages = refused(run, path, tmp_path)
    assert messages[:3] == [
        "projects, row None, column '\\ufeffstatus': unknown column, most likely 'status' "
        "(value '\\ufeffstatus'). Fix: did you mean 'status'? Rename the header (it holds an "
        "invisible character, U+FEFF (ZERO WIDTH NO-BREAK SPACE), at the start), or the "
        "default ('candidate') is used for every row",
        "projects, row 3, column 'project_id': the cell holds an invisible character, U+200B "
        "(ZERO WIDTH SPACE), after 'P-01': it looks like 'P-01' but would not match it (value "
        "'P-01\\u200b'). Fix: retype the cell (invisible characters come with text pasted from "
        "web pages, PDFs or Word)",
        "projects, row 3, column 'requires': the cell holds an invisible character, U+200B "
        "(ZERO WIDTH SPACE), after 'P-0': it looks like 'P-01' but would not match it (value "
        "'P-0\\u200b1'). Fix: retype the cell (invisible characters come with text pasted from "
        "web pages, PDFs or Word)"]


def test_csv_placeholders_and_formulas_are_named_at_their_line(run: Callable,
                                                               tmp_path: Path) -> None:
    """The same rules for a CSV folder: 'None' written by a script for an empty group, and
    a formula typed into a CSV cell (CSV holds no computed values)."""
    import csv

    folder = tmp_path / "round"
    folder.mkdir()
    book = openpyxl.load_workbook(example_path())
    for name in ("projects", "countries"):
        rows = [["" if v is None else v for v in r] for r in book[name].iter_rows(values_only=True)]
        if name == "projects":
            group = rows[0].index("exclusive_group")
            rows[2][group] = rows[3][group] = "None"
            rows[4][rows[0].index("cost_FY2026")] = "=600*2"
        with open(folder / f"{name}.csv", "w", newline="", encoding="utf-8") as f:
            csv.writer(f).writerows(rows)
    messages = refused(run, folder, tmp_path)
    assert [m.split(": ", 1)[0] for m in messages] == [
        "projects, row 3, column 'exclusive_group'", "projects, row 4, column 'exclusive_group'",
        "projects, row 5, column 'cost_FY2026'"]
    assert "'None' looks like a placeholder for nothing" in messages[0]
    assert "a formula without its computed value" in messages[2]


# ---------------------------------------------------------------------- names that look alike
def test_a_header_beside_its_twin_in_other_capitals_is_named(run: Callable,
                                                             tmp_path: Path) -> None:
    """'Risk' beside 'risk': which column holds the risks meant is not for the reader to
    guess (only 'risk' would be read, 'Risk' passed through)."""
    def twin(book: Any) -> None:
        sheet = book["projects"]
        extra = sheet.max_column + 1
        sheet.cell(1, extra).value = "Risk "
        for row in range(2, sheet.max_row + 1):
            sheet.cell(row, extra).value = 0.9

    messages = refused(run, edited(tmp_path / "twin.xlsx", twin), tmp_path)
    assert messages == [
        "projects, row None, column 'Risk': the header 'Risk' differs from the column 'risk' "
        "only in capitals, spaces or width: 'risk' would be read and 'Risk' passed through "
        "unread (value 'Risk'). Fix: keep one: name the column you mean 'risk', and delete "
        "the other or give it a clearly different name"]


def test_an_id_with_a_cyrillic_letter_is_named_as_such(run: Callable, tmp_path: Path) -> None:
    """'Р-01' (Cyrillic Er) beside 'P-01' looks like one project twice on every screen; a
    requires cell that names it gets a did-you-mean that says why they look the same."""
    def cyrillic(book: Any) -> None:
        sheet = book["projects"]
        sheet.cell(40, 1).value = "Р-01"  # a copy of row 3, under a lookalike id
        for c in range(2, sheet.max_column + 1):
            sheet.cell(40, c).value = sheet.cell(3, c).value
        sheet.cell(3, column(sheet, "requires")).value = "Р-04"

    messages = refused(run, edited(tmp_path / "cyrillic.xlsx", cyrillic), tmp_path)
    assert messages == [
        "projects, row 3, column 'requires': requires a project that is not in the projects "
        "sheet (value 'Р-04'). Fix: did you mean 'P-04'? ('Р' is the Cyrillic letter U+0420, "
        "not the Latin 'P')",
        "projects, row 40, column 'project_id': the same project_id is spelt differently "
        "elsewhere ('P-01' in row 2), differing in a lookalike letter ('Р' is the Cyrillic "
        "letter U+0420, not the Latin 'P'); each spelling would count as its own (value "
        "'Р-01'). Fix: give each project its own id, or spell the same project one way "
        "('P-01')"]


# ---------------------------------------------------------------------- CSV files
def _csv_folder(folder: Path, encoding: str = "utf-8") -> Path:
    import csv

    folder.mkdir()
    book = openpyxl.load_workbook(example_path())
    for name in ("projects", "countries"):
        rows = [["" if v is None else v for v in r] for r in book[name].iter_rows(values_only=True)]
        text = io.StringIO(newline="")
        csv.writer(text).writerows(rows)
        (folder / f"{name}.csv").write_bytes(text.getvalue().encode(encoding))
    return folder


def test_utf16_without_its_mark_is_named_not_read_as_noise(run: Callable,
                                                           tmp_path: Path) -> None:
    """UTF-16 without a byte-order mark is valid UTF-8 to a decoder (a NUL after every
    letter): it was read as a table of garbled headers ('column 29 has data but no header')."""
    folder = _csv_folder(tmp_path / "round", encoding="utf-16-le")
    messages = refused(run, folder, tmp_path)
    assert messages == [
        f"{name}.csv, row None, column None: UTF-16 text without its byte-order mark (every "
        "other byte is 0); UTF-8 is read, and UTF-16 only with its mark (value None). Fix: save "
        "it as UTF-8: in Excel, File > Save As > 'CSV UTF-8 (Comma delimited)'"
        for name in ("projects", "countries")]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32"])
def test_utf16_cut_in_half_a_character_is_told_cut_short_not_not_utf8(
        run: Callable, tmp_path: Path, encoding: str) -> None:
    """Excel's "Unicode Text" (UTF-16 with its mark) cut short in the middle of a character
    (a copy or download that did not finish, an odd number of bytes) was told 'not UTF-8
    text (unreadable byte at position 14412, line 39)' and to save it as UTF-8: the file
    was read as UTF-16, by its mark, and is whole but for its last byte."""
    folder = _csv_folder(tmp_path / "round", encoding=encoding)
    projects = folder / "projects.csv"
    data = projects.read_bytes()[:-1]
    projects.write_bytes(data)
    lines = projects.read_bytes()[:-3].decode(encoding).count("\n") + 1
    unit = 2 if encoding == "utf-16" else 4
    assert refused(run, folder, tmp_path) == [
        f"projects.csv, row {lines}, column None: {encoding.upper()} text (by its byte-order "
        f"mark) cut short: it ends in part of a character ({len(data):,} bytes, not a whole "
        f"number of {unit}-byte characters), so a copy, download or save did not finish (value "
        "None). Fix: copy the file again, or save the sheet again from the spreadsheet (in "
        "Excel, File > Save As > 'CSV UTF-8 (Comma delimited)')"]


def test_a_policy_in_utf16_cut_short_is_told_so(run: Callable, tmp_path: Path) -> None:
    """The policy file likewise: 'not UTF-8 text (unreadable byte at position 8473)'."""
    text = osa_opt.default_policy_path().read_text(encoding="utf-8")
    toml = tmp_path / "round.toml"
    toml.write_bytes(text.encode("utf-16")[:-1])
    code, out, err = run("validate", "--policy", toml, "--no-solve")
    assert code == 2 and "Traceback" not in err, (out, err)
    assert "UTF-16 text (by its byte-order mark) cut short" in " ".join(err.split())
    assert "copy the file again in full" in " ".join(err.split())
    assert "not UTF-8" not in err


def test_a_csv_in_shift_jis_with_only_full_width_digits_is_named_shift_jis(
        run: Callable, tmp_path: Path) -> None:
    """Costs typed with a Japanese input method (１２００) in a file Excel saved as "CSV"
    on Japanese Windows (Shift_JIS) had no kana or kanji, so the refusal said only 'not
    UTF-8 text', not what it is."""
    folder = _csv_folder(tmp_path / "round", encoding="utf-8")
    projects = folder / "projects.csv"
    wide = str.maketrans("0123456789", "０１２３４５６７８９")
    rows = projects.read_bytes().decode("utf-8").split("\r\n")
    rows[1:] = [",".join(cell.translate(wide) if cell.isdigit() else cell
                         for cell in row.split(",")) for row in rows[1:]]
    projects.write_bytes("\r\n".join(rows).encode("cp932"))
    [message] = refused(run, folder, tmp_path)
    assert message.startswith("projects.csv, row 2, column None: not UTF-8 text (unreadable "
                              "byte at position ")
    assert "; it looks like Shift_JIS (Japanese Windows) (value None)" in message


def _zip_edited(path: Path, edit: Callable[[str, bytes], bytes | None]) -> Path:
    """The shipped example's zip with each part ``edit(name, bytes)`` (None drops it)."""
    with zipfile.ZipFile(example_path()) as source, zipfile.ZipFile(path, "w") as out:
        for item in source.infolist():
            data = edit(item.filename, source.read(item))
            if data is not None:
                out.writestr(item, data)
    return path


def test_a_workbook_without_the_shared_strings_it_names_is_told_damaged(
        run: Callable, tmp_path: Path) -> None:
    """An .xlsx whose xl/sharedStrings.xml (the text of every text cell) is gone, though
    the file still names it, was told 'not a readable Excel workbook (.xlsx). Fix: open the
    file in Excel and save it as an .xlsx workbook', as if it were another kind of file."""
    path = _zip_edited(tmp_path / "round.xlsx",
                       lambda name, data: None if name == "xl/sharedStrings.xml" else data)
    assert refused(run, path, tmp_path) == [
        f"round.xlsx, row None, column None: the workbook is damaged: it lacks "
        "xl/sharedStrings.xml (the table of its text cells), which it names itself (a program "
        "wrote it incompletely, or the file was edited or copied in part) (value "
        f"{str(path)!r}). Fix: open it in Excel, which offers to repair it, or in LibreOffice; "
        "check what it recovers and save it again as an .xlsx workbook; or copy the file again "
        "from where it came"]


@pytest.mark.parametrize(("case", "said"), [
    ("table gone", "its text cells refer to a table of shared strings (xl/sharedStrings.xml) "
                   "that the file does not hold"),
    ("table cut", "{past} of its text cells refer to strings past the end of the workbook's "
                  "table of shared strings (128 strings; string {last} asked for)")])
def test_text_cells_the_shared_strings_do_not_hold_are_named(
        run: Callable, tmp_path: Path, case: str, said: str) -> None:
    """A sheet whose text cells point into a table of shared strings that is gone (the
    file no longer naming it either) or holds fewer strings was told 'the sheet 'projects'
    cannot be read. Fix: open the file in Excel and save it again', nothing of why."""
    import re

    def edit(name: str, data: bytes) -> bytes | None:
        if name == "xl/sharedStrings.xml":
            if case == "table gone":
                return None
            cut = [m.start() for m in re.finditer(rb"<si>", data)][128]
            return data[:cut] + b"</sst>"
        if case == "table gone" and name in ("[Content_Types].xml",
                                             "xl/_rels/workbook.xml.rels"):
            return re.sub(rb"<(Override|Relationship)[^>]*sharedStrings[^>]*/>", b"", data)
        return data

    path = _zip_edited(tmp_path / "round.xlsx", edit)
    with zipfile.ZipFile(path) as book:
        indexes = [int(i) for i in re.findall(rb'<c [^>]*t="s"[^>]*><v>(\d+)<',
                                              book.read("xl/worksheets/sheet2.xml"))]
    said = said.format(past=sum(i >= 128 for i in indexes), last=f"{max(indexes):,}")
    messages = refused(run, path, tmp_path)
    assert messages[0] == (
        f"round.xlsx, row None, column None: the sheet 'projects' cannot be read: {said}; the "
        "workbook is damaged (a program wrote it incompletely, or it was edited in part) (value "
        "'projects'). Fix: open it in Excel, which offers to repair it, or in LibreOffice; "
        "check the text cells it recovers and save it again as an .xlsx workbook; or copy the "
        "file again from where it came")


def test_a_sheet_named_in_full_width_letters_is_told_to_be_renamed(
        run: Callable, tmp_path: Path) -> None:
    """A sheet named ｐｒｏｊｅｃｔｓ (a Japanese input method's full-width letters, which
    look like projects) was told 'add a sheet named 'projects'', as if none were there; a
    sheet named Projects is told to be renamed."""
    def rename(book: Any) -> None:
        book["projects"].title = "ｐｒｏｊｅｃｔｓ"

    path = edited(tmp_path / "round.xlsx", rename)
    assert refused(run, path, tmp_path) == [
        "round.xlsx, row None, column None: the sheet 'projects' is missing (value "
        "'projects'). Fix: rename the sheet 'ｐｒｏｊｅｃｔｓ' to 'projects' (its name is typed "
        "in full-width (zenkaku) letters, which look alike but are other characters)"]


@pytest.mark.parametrize(("line", "used", "said", "fix"), [
    ("sep=,", ";", "commas, but the file separates them by semicolons", "'sep=;'"),
    ("sep=;", ",", "semicolons, but the file separates them by commas", "'sep=,'")])
def test_a_sep_line_naming_another_separator_than_the_files_is_one_problem(
        run: Callable, tmp_path: Path, line: str, used: str, said: str, fix: str) -> None:
    """Excel's ``sep=,`` first line over a file separated by semicolons (or the reverse) was
    obeyed: 11 rows told they were too long, none of them blaming the line. The line is
    named, with the separator the file uses and both ways out."""
    import csv

    folder = _csv_folder(tmp_path / "round")
    rows = list(csv.reader(io.StringIO((folder / "projects.csv").read_text(encoding="utf-8"))))
    text = io.StringIO(newline="")
    csv.writer(text, delimiter=used).writerows(rows)
    (folder / "projects.csv").write_text(f"{line}\n{text.getvalue()}", encoding="utf-8")
    names = "semicolons" if used == ";" else "commas"
    assert refused(run, folder, tmp_path) == [
        f"projects, row 1, column None: the first line {line!r} says the cells are separated "
        f"by {said} (its header splits into 28 known column names at {names}, none at "
        f"{'commas' if used == ';' else 'semicolons'}) (value {line!r}). Fix: delete the line "
        f"{line!r} (the separator is then found from the header), or make it {fix}"]
    (folder / "projects.csv").write_text(f"sep={used}\n{text.getvalue()}", encoding="utf-8")
    assert len(osa_opt.load_problem(folder).projects) == 38  # the line's fix is read


def test_another_version_of_a_csv_file_is_warned_about(tmp_path: Path) -> None:
    """'Projects.csv' beside 'projects.csv' (as a sheet 'Projects' beside 'projects'): only
    one is read, so the other is named."""
    from osa_opt.inputs.readers import load_problem

    folder = _csv_folder(tmp_path / "round")
    (folder / "projects (2).csv").write_bytes((folder / "projects.csv").read_bytes())
    problem = load_problem(folder)
    assert [w.message() for w in problem.warnings] == [
        "projects (2).csv: the file 'projects (2).csv' looks like another version of "
        "'projects.csv'; only 'projects.csv' is read (value 'projects (2).csv'). Fix: delete "
        "or rename 'projects (2).csv' if 'projects.csv' is the version you mean; otherwise "
        "name it 'projects.csv'"]


# ---------------------------------------------------------------------- policy
def test_a_policy_under_which_nothing_is_worth_anything_is_warned_about(
        run: Callable, tmp_path: Path) -> None:
    """weights all 0: every portfolio is worth 0 and 'proven optimal' names an arbitrary one;
    the solve runs (it is a valid policy) but says so first."""
    policy = tmp_path / "zero.toml"
    text = (Path(__file__).resolve().parents[1] / "models" / "default.toml").read_text()
    policy.write_text(text.replace(
        "weights = { security = 0.4, humanitarian = 0.3, partnership = 0.3 }",
        "weights = { security = 0, humanitarian = 0, partnership = 0 }"))
    code, _, err = run("solve", "--policy", policy, "--out", tmp_path / "run", "--no-explain",
                       "-k", "1")
    assert code == 0
    assert "no eligible project is worth anything under the policy (every weight of" in \
        " ".join(err.split())
    assert warned(run, "--policy", policy) == [
        "policy zero.toml, key 'objective.weights': no eligible project is worth anything "
        "under the policy (every weight of objective.weights is 0): every portfolio has value "
        "0, so the one ranked first is arbitrary. Fix: give the criteria weights above 0 "
        "(objective.weights), and check the scores and objective.tier_multiplier"]


def test_a_date_in_an_id_column_is_named(run: Callable, tmp_path: Path) -> None:
    """Excel turns an id typed as 3-1 into 1 March: read as text, the id silently became
    '2026-03-01 00:00:00' (and two such groups one group)."""
    import datetime as dt

    path = with_cells(tmp_path / "dates.xlsx",
                      ("projects", 3, "exclusive_group", dt.datetime(2026, 3, 1)))
    messages = refused(run, path, tmp_path)
    assert messages == [
        "projects, row 3, column 'exclusive_group': the cell is a date (2026-03-01), not text: "
        "a spreadsheet turns text such as 3-1 or 1/3 into a date (value '2026-03-01'). Fix: "
        "format the column as Text (Format Cells > Text) and type the exclusive_group again"]


@pytest.mark.parametrize("sheet, where, value", [
    ("projects", "project_id", True), ("projects", "exclusive_group", False),
    ("projects", "requires", True), ("countries", "region", False)])
def test_true_or_false_in_a_name_or_id_column_is_named(
        run: Callable, tmp_path: Path, sheet: str, where: str, value: bool) -> None:
    """Excel turns a group (or id, or region) typed TRUE or false into a true/false value:
    read as text, it silently became the name 'true' (two such groups one group)."""
    flag = str(value).upper()
    path = with_cells(tmp_path / "flags.xlsx", (sheet, 3, where, value))
    messages = refused(run, path, tmp_path)
    assert messages[0] == (
        f"{sheet}, row 3, column {where!r}: the cell is the true/false value {flag}, not "
        "text: a spreadsheet turns text such as TRUE or false into a true/false value "
        f"(value {flag!r}). Fix: format the column as Text (Format Cells > Text) and type "
        f"the {where} again")
    # a project id of TRUE also leaves its own id unknown to the projects requiring it
    assert len(messages) == (2 if where == "project_id" else 1), messages


def test_a_flag_is_found_behind_a_1_in_the_same_column() -> None:
    """pandas.factorize takes True for 1: a region column holding 1 and then True must
    still name the True, and only it; a title of TRUE is a title."""
    from osa_opt.inputs.schema import COUNTRY_COLUMNS, PROJECTS, project_columns
    from osa_opt.inputs.suspect_cells import suspect_cell_issues

    countries = pd.DataFrame({"region": [1, True, "Pacific"], "_row": [2, 3, 4]})
    issues = suspect_cell_issues("countries", countries, COUNTRY_COLUMNS)
    assert [(i.row, i.column, i.value) for i in issues] == [(3, "region", "TRUE")]
    projects = pd.DataFrame({"title": [True], "_row": [2]})
    assert suspect_cell_issues(PROJECTS, projects, project_columns(["FY2026"], [])) == []


@pytest.mark.parametrize("cell, sheet_column, hint", [
    ("P-01 P-02", "requires", "separate project ids with ';': P-01;P-02"),
    ("P-01\nP-02", "requires", "separate project ids with ';': P-01;P-02"),
    ("P-01；P-02", "requires", "separate project ids with ';': P-01;P-02"),
    ("search_and_rescue, medical", "field", "separate the values with ';': "
     "search_and_rescue;medical")])
def test_a_list_with_another_separator_is_told_the_separator(
        run: Callable, tmp_path: Path, cell: str, sheet_column: str, hint: str) -> None:
    """Ids or fields separated by spaces, line breaks or a full-width semicolon got a
    did-you-mean on the whole text ('did you mean P-12?')."""
    path = with_cells(tmp_path / "list.xlsx", ("projects", 4, sheet_column, cell))
    messages = refused(run, path, tmp_path)
    assert len(messages) == 1 and messages[0].startswith(
        f"projects, row 4, column {sheet_column!r}: ")
    assert messages[0].endswith(f"Fix: {hint}")


def test_merged_cells_of_an_ods_file_are_refused_alike(tmp_path: Path) -> None:
    """LibreOffice's own format marks a merge on its first cell (number-rows-spanned)."""
    from odf.namespaces import TABLENS
    from odf.opendocument import load
    from odf.table import Table

    from osa_opt.errors import InputError
    from osa_opt.inputs.readers import load_problem

    corpus = Path(__file__).resolve().parent / "corpus" / "example.ods"
    doc = load(str(corpus))
    projects = next(t for t in doc.spreadsheet.getElementsByType(Table)
                    if t.getAttribute("name") == "projects")
    rows = [r for r in projects.childNodes if r.qname[1] == "table-row"]
    first = [c for c in rows[1].childNodes if c.qname[1] == "table-cell"][2]  # C2: country
    first.setAttrNS(TABLENS, "number-rows-spanned", "2")
    path = tmp_path / "merged.ods"
    doc.save(str(path))
    with pytest.raises(InputError) as info:
        load_problem(path)
    assert [i.message() for i in info.value.issues] == [
        "projects, row 2, column 'country': the cells C2:C3 are merged: the value is in C2 "
        "only, and row 3 of the range would read as blank (value 'Aurelia'). Fix: unmerge the "
        "cells (Excel: Home > Merge & Center > Unmerge Cells; LibreOffice: Format > Merge and "
        "Unmerge Cells > Split Cells) and type the value in every cell that has it"]


def test_formulas_saved_with_their_values_are_read_as_values(tmp_path: Path) -> None:
    """Excel and LibreOffice store each formula's value (LibreOffice even writes a flag as
    the formula FALSE()): the value is read, and no formula is named."""
    import re
    import zipfile

    from osa_opt.inputs.readers import load_problem

    path = tmp_path / "computed.xlsx"
    with zipfile.ZipFile(example_path()) as src, zipfile.ZipFile(path, "w") as out:
        for name in src.namelist():
            data = src.read(name)
            if name == "xl/worksheets/sheet2.xml":  # the projects sheet
                data = re.sub(rb'(<c r="F3"[^>]*>)<v>', rb"\1<f>600*2</f><v>", data)
                data = re.sub(rb'(<c r="W3" t="b">)<v>', rb"\1<f>FALSE()</f><v>", data)
            elif name == "xl/workbook.xml":  # as Excel saves it: no "compute on opening"
                data = data.replace(b' fullCalcOnLoad="1"', b"")
            out.writestr(name, data)
    problem = load_problem(path)
    assert problem.projects.at["P-02", "cost_FY2026"] == 1200
    assert problem.projects.at["P-02", "dispute_linked"] is False or \
        not problem.projects.at["P-02", "dispute_linked"]


# ---------------------------------------------------------------------- rows
def test_hidden_rows_are_read_with_a_warning(run: Callable, tmp_path: Path) -> None:
    """Rows hidden by a filter may be projects someone meant out of the round: they are
    read (a filter is no decision), and the warning names them."""
    def hide(book: Any) -> None:
        sheet = book["projects"]
        for row in (5, 9):
            sheet.row_dimensions[row].hidden = True
        sheet.row_dimensions[60].hidden = True  # blank: not named
        sheet.auto_filter.ref = "A1:AB39"

    path = edited(tmp_path / "filtered.xlsx", hide)
    code, stdout, _ = run("validate", path, "--json", "--no-solve")
    assert code == 0
    assert json.loads(stdout)["projects"] == 38
    assert [w["message"] for w in json.loads(stdout)["warnings"]] == [
        "projects, row 5: 2 rows are hidden (by a filter or by hand): rows 5, 9; they are read "
        "all the same. Fix: show every row (Data > Filter > Clear, or select the rows > "
        "Unhide) to see what is read; a project that is not in the round is deleted or marked "
        "status excluded"]


def hidden_in_ods(tmp_path: Path, edit: Callable[[Any], None]) -> list[str]:
    """The hidden rows' and columns' warnings (up to the first ';') of the corpus's
    example.ods after ``edit(its projects table element)``."""
    from odf.opendocument import load
    from odf.table import Table

    from osa_opt.inputs.readers import load_problem

    doc = load(str(Path(__file__).resolve().parent / "corpus" / "example.ods"))
    edit(next(t for t in doc.spreadsheet.getElementsByType(Table)
              if t.getAttribute("name") == "projects"))
    doc.save(str(tmp_path / "edited.ods"))
    warnings = load_problem(tmp_path / "edited.ods").warnings
    return [w.message().split(";")[0] for w in warnings if "hidden" in w.rule]


def test_hidden_rows_of_an_ods_file_are_warned_about(tmp_path: Path) -> None:
    from odf.namespaces import TABLENS

    def hide(projects: Any) -> None:
        rows = [r for r in projects.childNodes if r.qname[1] == "table-row"]
        rows[3].setAttrNS(TABLENS, "visibility", "filter")  # row 4

    assert hidden_in_ods(tmp_path, hide) == [
        "projects, row 4: 1 row is hidden (by a filter or by hand): row 4"]


def test_rows_and_columns_of_size_0_are_warned_about_as_hidden_ones(run: Callable,
                                                                    tmp_path: Path) -> None:
    """A row of height 0 (``<row r="5" ht="0" customHeight="1">``, as a program writes a
    row it hides, without the hidden flag) and a column of width 0 show nothing in Excel,
    yet were read without the warning a hidden row or column gets."""
    import re

    path = tmp_path / "flat.xlsx"
    with zipfile.ZipFile(example_path()) as src, zipfile.ZipFile(path, "w") as out:
        for name in src.namelist():
            data = src.read(name)
            if name == "xl/worksheets/sheet2.xml":  # the projects sheet
                data = re.sub(rb'<row r="(5|9)"', rb'<row r="\1" ht="0" customHeight="1"', data)
                data = re.sub(rb'<row r="7"', rb'<row r="7" hidden="1"', data)
                data = re.sub(rb'(<col min="6" max="6") width="[\d.]+"', rb'\1 width="0"', data)
            out.writestr(name, data)
    code, stdout, _ = run("validate", path, "--json", "--no-solve")
    assert code == 0
    assert [w["message"] for w in json.loads(stdout)["warnings"] if "hidden" in w["rule"]] == [
        "projects, row 5: 3 rows are hidden (by a filter or by hand, or by a height of 0: "
        "rows 5, 9): rows 5, 7, 9; they are read all the same. Fix: show every row (Data > Filter > "
        "Clear, or select the rows > Unhide; a row of height 0: Format > Row Height) to see "
        "what is read; a project that is not in the round is deleted or marked status "
        "excluded",
        "projects, row 1, column 'cost_FY2026': 1 column is hidden: 'cost_FY2026' (column F, "
        "of width 0); it is read all the same. Fix: show every column (select the whole "
        "sheet, right-click a column header > Unhide; a column of width 0: Format > Column "
        "Width) to see what is read; a column that is not meant to count is deleted, or its "
        "cells emptied"]


def test_rows_hidden_by_a_sheet_default_height_of_0_are_warned_about(run: Callable,
                                                                    tmp_path: Path) -> None:
    """``<sheetFormatPr zeroHeight="1">`` makes every row of the sheet of height 0 unless it
    is given one (Excel hides most rows of a sheet so): rows 5 and 9, given none, show
    nothing, yet were read without the warning hidden rows get. They are named as rows of
    height 0; the rows given a height are not."""
    import re

    path = tmp_path / "zero.xlsx"
    with zipfile.ZipFile(example_path()) as src, zipfile.ZipFile(path, "w") as out:
        for name in src.namelist():
            data = src.read(name)
            if name == "xl/worksheets/sheet2.xml":  # the projects sheet
                data = data.replace(b'<sheetFormatPr defaultRowHeight="15"/>',
                                    b'<sheetFormatPr defaultRowHeight="15" zeroHeight="1"/>')
                data = re.sub(rb'<row r="(\d+)"',
                              lambda m: m.group(0) if m.group(1) in (b"5", b"9")
                              else m.group(0) + b' ht="15" customHeight="1"', data)
            out.writestr(name, data)
    code, stdout, _ = run("validate", path, "--json", "--no-solve")
    assert code == 0
    assert [w["message"] for w in json.loads(stdout)["warnings"] if "hidden" in w["rule"]] == [
        "projects, row 5: 2 rows are hidden (by a filter or by hand, or by a height of 0: "
        "rows 5, 9): rows 5, 9; they are read all the same. Fix: show every row (Data > "
        "Filter > Clear, or select the rows > Unhide; a row of height 0: Format > Row Height) "
        "to see what is read; a project that is not in the round is deleted or marked status "
        "excluded"]


def test_rows_and_columns_of_size_0_of_an_ods_file_are_warned_about(tmp_path: Path) -> None:
    """The same in an .ods file (odfpy): a row style of height 0, a column style of width 0
    (``0cm``, ``0in``), and a row of 0.3 mm (under a point) is none too."""
    from odf.namespaces import TABLENS
    from odf.style import Style, TableColumnProperties, TableRowProperties
    from odf.table import TableColumn

    def flatten(projects: Any) -> None:
        doc = projects.ownerDocument
        for name, family, props in (
                ("roZero", "table-row", TableRowProperties(rowheight="0in")),
                ("roThin", "table-row", TableRowProperties(rowheight="0.3mm")),
                ("coZero", "table-column", TableColumnProperties(columnwidth="0cm"))):
            style = Style(name=name, family=family)
            style.addElement(props)
            doc.automaticstyles.addElement(style)
        rows = [r for r in projects.childNodes if r.qname[1] == "table-row"]
        rows[3].setAttrNS(TABLENS, "style-name", "roZero")  # row 4
        rows[6].setAttrNS(TABLENS, "style-name", "roThin")  # row 7
        for column in projects.getElementsByType(TableColumn):
            projects.removeChild(column)
        first = projects.firstChild
        for repeat, style in ((5, "co1"), (1, "coZero"), (1000, "co1")):  # F: cost_FY2026
            projects.insertBefore(TableColumn(numbercolumnsrepeated=repeat, stylename=style),
                                  first)

    assert hidden_in_ods(tmp_path, flatten) == [
        "projects, row 4: 2 rows are hidden (by a filter or by hand, or by a height of 0: "
        "rows 4, 7): rows 4, 7",
        "projects, row 1, column 'cost_FY2026': 1 column is hidden: 'cost_FY2026' (column F, "
        "of width 0)"]


def test_hidden_columns_the_input_reads_are_read_with_a_warning(run: Callable,
                                                                tmp_path: Path) -> None:
    """A column hidden by hand (a cost column, an override) still counts: the warning names
    each one the input reads and that holds a value, by header and letter; a hidden column
    the input does not read (notes), or one left blank (override), changes nothing and is
    not named."""
    def hide(book: Any) -> None:
        sheet = book["projects"]
        sheet.cell(1, 29).value = "notes"
        sheet.cell(3, 29).value = "ask the desk"
        sheet.column_dimensions.group("AA", "AC", hidden=True)  # override, ..., notes
        sheet.column_dimensions["F"].hidden = True  # cost_FY2026
        sheet.column_dimensions["G"].hidden = True  # score_security

    path = edited(tmp_path / "hidden-columns.xlsx", hide)
    assert b'hidden="1"' in zipfile.ZipFile(path).read("xl/worksheets/sheet2.xml")
    code, stdout, _ = run("validate", path, "--json", "--no-solve")
    assert code == 0
    assert [w["message"] for w in json.loads(stdout)["warnings"]
            if "hidden" in w["message"]] == [
        "projects, row 1, column 'cost_FY2026': 2 columns are hidden: 'cost_FY2026' (column "
        "F), 'score_security' (column G); they are read all the same. Fix: show every column "
        "(select the whole sheet, right-click a column header > Unhide) to see what is read; a "
        "column that is not meant to count is deleted, or its cells emptied"]


def test_hidden_columns_of_an_ods_file_are_warned_about(tmp_path: Path) -> None:
    from odf.namespaces import TABLENS
    from odf.table import TableColumn

    def hide(projects: Any) -> None:  # columns A-E shown, F (cost_FY2026) collapsed
        for column in projects.getElementsByType(TableColumn):
            projects.removeChild(column)
        first = projects.firstChild
        for repeat, visibility in ((5, "visible"), (1, "collapse"), (1000, "visible")):
            column = TableColumn(numbercolumnsrepeated=repeat)
            column.setAttrNS(TABLENS, "visibility", visibility)
            projects.insertBefore(column, first)

    assert hidden_in_ods(tmp_path, hide) == [
        "projects, row 1, column 'cost_FY2026': 1 column is hidden: 'cost_FY2026' (column F)"]


def test_a_row_repeating_the_header_is_one_problem(run: Callable, tmp_path: Path) -> None:
    """A second table pasted below the first repeats the header: one problem for the row,
    not one 'must be a number' per column."""
    def paste(book: Any) -> None:
        sheet = book["projects"]
        sheet.insert_rows(20)
        for c in range(1, sheet.max_column + 1):
            sheet.cell(20, c).value = sheet.cell(1, c).value

    messages = refused(run, edited(tmp_path / "pasted.xlsx", paste), tmp_path)
    assert messages == [
        "projects, row 20, column None: row 20 repeats the header row (row 1): a second table "
        "pasted below the first? (value 'project_id'). Fix: delete the row, and check that the "
        "rows below it belong to this table"]


def test_a_count_of_units_the_solver_would_take_for_infinite_is_refused(
        run: Callable, tmp_path: Path) -> None:
    """units_max 1e20 multiplies a fraction in the model; HiGHS takes 1e20 for infinite."""
    path = with_cells(tmp_path / "units.xlsx", ("projects", 3, "units_max", 1e20))
    assert refused(run, path, tmp_path) == [
        "projects, row 3, column 'units_max': must be a number in [1, 1,000,000] "
        "(value '100000000000000000000'). "
        "Fix: units_max: funded in whole units: the most units; the cost_<FY> columns are "
        "their cost"]


def test_a_policy_year_the_data_lacks_names_both_ways_out(run: Callable, tmp_path: Path) -> None:
    """budget FY2027 against a cost_FY2026 column: the data's header or the policy's key may
    be the one meant, so both are named (the header alone was blamed)."""
    policy = tmp_path / "fy2027.toml"
    text = (Path(__file__).resolve().parents[1] / "models" / "default.toml").read_text()
    policy.write_text(text.replace("FY2026 = 18100", "FY2027 = 18100"))
    code, stdout, _ = run("validate", "--policy", policy, "--json", "--no-solve")
    assert code == 2
    assert [i["hint"] for i in json.loads(stdout)["issues"]] == [
        "the projects sheet's costs are for FY2026, the policy's budget for FY2027: to solve "
        "the round of FY2026, give its budget in place of FY2027's (--set "
        "'budget={FY2026=AMOUNT}' in ¥ million, or a policy file's [budget]); if the header is "
        "a typo for FY2027, rename 'cost_FY2026' to 'cost_FY2027' (its costs are then charged "
        "to FY2027's budget of ¥18,100m)"]


# ---------------------------------------------------------------------- files
@pytest.mark.parametrize("name, content, rule", [
    ("round.xlsx", "ods", "not an Excel workbook (.xlsx) but an OpenDocument spreadsheet "
     "(.ods), named .xlsx"),
    ("round.ods", "xlsx", "not an OpenDocument spreadsheet (.ods) but an Excel workbook "
     "(.xlsx), named .ods"),
    ("round.xlsx", "xls", "not an Excel workbook (.xlsx) but an old Excel workbook (.xls), "
     "named .xlsx"),
    ("round.xlsx", "", "the file is empty (0 bytes)")])
def test_a_file_named_as_another_kind_is_named_for_what_it_is(
        run: Callable, tmp_path: Path, name: str, content: str, rule: str) -> None:
    corpus = Path(__file__).resolve().parent / "corpus"
    data = {"ods": (corpus / "example.ods").read_bytes(), "xlsx": example_path().read_bytes(),
            "xls": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(1024), "": b""}[content]
    path = tmp_path / name
    path.write_bytes(data)
    code, stdout, _ = run("validate", path, "--json", "--no-solve")
    assert code == 2
    assert [i["rule"] for i in json.loads(stdout)["issues"]] == [rule]


def test_a_key_given_twice_in_a_policy_file_is_named_with_both_lines(
        run: Callable, tmp_path: Path) -> None:
    """TOML refuses a key given twice ('Cannot overwrite a value'): the message says which
    key, where it was first, and which table it is in."""
    policy = tmp_path / "twice.toml"
    text = (Path(__file__).resolve().parents[1] / "models" / "default.toml").read_text()
    policy.write_text(text.replace("FY2026 = 18100", "FY2026 = 18100\nFY2026 = 1810"))
    code, stdout, _ = run("validate", "--policy", policy, "--json", "--no-solve")
    assert code == 2
    (issue,) = json.loads(stdout)["issues"]
    assert issue["row"] == 12  # the table's "Row / line" column, not only the rule's text
    assert issue["rule"].endswith(
        "likely cause: line 12 'FY2026 = 1810': the key FY2026 a second time (first on line "
        "11)")
    with pytest.raises(osa_opt.errors.PolicyError) as refused_policy:
        osa_opt.load_problem(policy=policy)
    assert str(refused_policy.value).splitlines()[1].startswith(
        f"  - policy {policy.name}, line 12: not valid TOML")  # a file's line, not a row
    assert issue["hint"] == ("keep one FY2026 = ... in [budget]: delete or fix the other line "
                             "(TOML takes no key twice)")


def test_a_number_too_large_for_a_float_is_shown_as_typed(run: Callable,
                                                          tmp_path: Path) -> None:
    """'1e309' overflows to inf: the message showed the value 'inf', not what was typed."""
    path = with_cells(tmp_path / "huge.xlsx", ("projects", 3, "cost_FY2026", "1e309"))
    (message,) = refused(run, path, tmp_path)
    assert message.startswith("projects, row 3, column 'cost_FY2026': must be a number >= 0 "
                              "(value '1e309').")


def test_a_csv_cell_with_an_unquoted_comma_is_named_once(run: Callable, tmp_path: Path) -> None:
    """A title with a comma and no quotes splits in two: every cell after it was read one
    column off (twelve problems, 'country: ex-coast guard) with refit'), or silently, when
    the columns it shifted into accept what lands there."""
    folder = _csv_folder(tmp_path / "round")
    lines = (folder / "projects.csv").read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3].replace('"Refurbished patrol boats (two, ex-coast guard) with refit"',
                                "Refurbished patrol boats (two, ex-coast guard) with refit")
    (folder / "projects.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    messages = refused(run, folder, tmp_path)
    assert messages == [
        "projects, row 4, column None: line 4 has 29 cells, the header 28, the one past it "
        "empty: a separator at the end of the line, or a cell holding the separator ',' "
        "without quotes earlier in it, which puts every cell after it one column off "
        "(value 'P-03,Refurbished patrol boats (two, ex-coast "
        "guard) with refit,Aurelia,maritime_'). Fix: put a cell that holds the separator in "
        "double quotes (\"Radars, 3 sites\"), or save the sheet again as CSV from the "
        "spreadsheet, which quotes such cells; cells past the table are deleted or get a "
        "header"]


def test_csv_rows_padded_alike_are_no_problem(tmp_path: Path) -> None:
    """Every data row ending in one more separator than the header (some exporters do) is
    padding, not a shifted cell."""
    from osa_opt.inputs.readers import load_problem

    folder = _csv_folder(tmp_path / "round")
    lines = (folder / "projects.csv").read_text(encoding="utf-8").splitlines()
    (folder / "projects.csv").write_text(
        "\n".join([lines[0], *(line + "," for line in lines[1:])]) + "\n", encoding="utf-8")
    assert len(load_problem(folder).projects) == 38


def test_a_policy_given_as_the_input_and_the_reverse_are_named(run: Callable,
                                                              tmp_path: Path) -> None:
    policy = Path(__file__).resolve().parents[1] / "models" / "default.toml"
    code, stdout, _ = run("validate", policy, "--json", "--no-solve")
    assert code == 2
    assert [(i["rule"], i["hint"]) for i in json.loads(stdout)["issues"]] == [
        ("a policy file (.toml), not an input",
         "give the policy with --policy default.toml (policy= in Python), and as INPUT an .xlsx "
         "or .ods workbook, or a folder holding projects.csv and countries.csv")]
    code, stdout, _ = run("validate", "--policy", example_path(), "--json", "--no-solve")
    assert code == 2
    assert [(i["rule"], i["hint"]) for i in json.loads(stdout)["issues"]] == [
        ("an input (.xlsx), not a policy: a policy is a .toml file",
         "give the input as INPUT and a policy .toml file with --policy (see models/)")]


def test_a_csv_line_longer_only_by_a_separator_at_its_end_says_so(run: Callable,
                                                                  tmp_path: Path) -> None:
    """One line ending in a stray separator has one empty cell more than the header. It is
    refused as a line with an unquoted separator is (its cells may be one column off),
    but the message says the extra cell is empty, and shows the line as the file has it:
    shown without its quotes, the title 'High-speed patrol boats, new build' read as the
    unquoted comma to blame."""
    folder = _csv_folder(tmp_path / "round")
    lines = (folder / "projects.csv").read_text(encoding="utf-8").splitlines()
    lines[2] += ","
    (folder / "projects.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (message,) = refused(run, folder, tmp_path)
    assert message.startswith(
        "projects, row 3, column None: line 3 has 29 cells, the header 28, the one past it "
        "empty: a separator at the end of the line, or a cell holding the separator ',' "
        "without quotes earlier in it, which puts every cell after it one column off "
        "(value 'P-02,\"High-speed patrol boats, new build")


def test_a_tier_left_out_of_the_tier_multipliers_is_warned_about(run: Callable,
                                                                 tmp_path: Path) -> None:
    """tier_multiplier = { 1 = 1.3, 3 = 1.0 } (tier 2 forgotten): tier 2 is valued ×1, as
    tier 3, with nothing said; a valid policy, so a warning."""
    assert warned(run, "--set", "objective.tier_multiplier={1=1.3, 3=1.0}") == [
        "--set objective.tier_multiplier={1=1.3, 3=1.0}, key 'objective.tier_multiplier': "
        "objective.tier_multiplier gives no multiplier for tier 2 (Drakmoor, Dravina, Kalindra "
        "and 2 more): its projects are valued ×1 (value 2). Fix: add 2 = ... to "
        "objective.tier_multiplier (1 if that is meant)"]


def test_a_numbers_value_is_shown_without_an_exponent(run: Callable, tmp_path: Path) -> None:
    """A cost typed as 1e20 was shown as '1e+20' in the JSON, the table and the message,
    and a risk of -1e-300 as '-1e-300': a reader of the problems sees no exponent. (Such a
    risk is now read as 0, what the cell shows: a formula's rounding error past the bound.)"""
    path = with_cells(tmp_path / "exponents.xlsx", ("projects", 2, "cost_FY2026", 1e20),
                      ("projects", 3, "risk", -1e-300))
    code, stdout, err = run("validate", path, "--json", "--no-solve")
    assert code == 2
    issues = json.loads(stdout)["issues"]
    assert [(i["column"], i["value"]) for i in issues] == [
        ("cost_FY2026", "100000000000000000000")]
    assert "100000000000000000000" in err and "e+20" not in err and "e-300" not in err
    with pytest.raises(osa_opt.errors.InputError) as refused_input:
        osa_opt.load_problem(path)
    message = str(refused_input.value)
    assert "(value 100000000000000000000)" in message
    assert "e+20" not in message and "e-300" not in message


@pytest.mark.parametrize("form", ["csv", "xlsx"])
def test_a_row_column_saved_from_raw_tables_is_not_read_and_says_so(
        tmp_path: Path, run: Callable, form: str) -> None:
    # Problem.raw_projects() hands the table back with osa-opt's own _row column; saved
    # as a file and read again it once crashed both readers (two _row columns). Its cells
    # are wrong on purpose here: the rows must be numbered from the file, not from them.
    example = osa_opt.load_problem()
    projects, countries = example.raw_projects(), example.raw_countries()
    assert "_row" in projects.columns
    projects["_row"] = 99
    if form == "csv":
        path = tmp_path / "round"
        path.mkdir()
        projects.to_csv(path / "projects.csv", index=False)
        countries.to_csv(path / "countries.csv", index=False)
    else:
        path = tmp_path / "round.xlsx"
        with pd.ExcelWriter(path) as book:
            projects.to_excel(book, sheet_name="projects", index=False)
            countries.to_excel(book, sheet_name="countries", index=False)
    read = osa_opt.load_problem(path)
    rows = read.projects["_row"].tolist()
    assert rows == list(range(2, 2 + len(projects)))
    pd.testing.assert_frame_equal(read.projects.drop(columns="_row"),
                                  example.projects.drop(columns="_row"))
    mentions = [w for w in read.warnings if w.column == "_row"]
    assert [w.sheet for w in mentions] == ["projects", "countries"]
    assert "its cells are not read" in mentions[0].rule
    where = "column 29" if form == "csv" else "column AC"
    assert where in mentions[0].rule
    code, out, err = run("solve", path, "--no-explain", "-k", "1", "--out", tmp_path / "out")
    assert code == 0, err
    assert "Traceback" not in out + err
    assert (tmp_path / "out" / "run.json").is_file()


def test_an_own_column_named_like_a_computed_one_does_not_replace_it(
        tmp_path: Path, run: Callable) -> None:
    # An analyst's own columns 'value' (their gut score) and 'region' (their desk's
    # grouping) on the projects sheet once overwrote the value osa-opt computed and the
    # partner's region in portfolios.csv and every Portfolio k sheet, silently: the
    # circulated workbook showed 5 as each project's value.
    def own_columns(book: Any) -> None:
        sheet = book["projects"]
        for header, cell in (("value", 5), ("region", "my desk")):
            col = sheet.max_column + 1
            sheet.cell(1, col).value = header
            for row in range(2, sheet.max_row + 1):
                sheet.cell(row, col).value = cell

    path = edited(tmp_path / "round.xlsx", own_columns)
    out = tmp_path / "run"
    code, _, err = run("solve", path, "--no-explain", "-k", "1", "--out", out)
    assert code == 0, err
    best = json.loads((out / "run.json").read_text(encoding="utf-8"))["portfolios"][0]
    table = pd.read_csv(out / "portfolios.csv", encoding="utf-8-sig")
    # the edited example still names its fictional partners: the CSV's input_note last
    assert list(table.columns[-3:]) == ["value (input)", "region (input)", "input_note"]
    assert set(table["value (input)"]) == {5} and set(table["region (input)"]) == {"my desk"}
    assert table["value"].sum() == pytest.approx(best["objective"], abs=1e-4)
    assert "my desk" not in set(table["region"])
    assert table.set_index("project_id").at["P-01", "region"] == "Southeast Asia"
    sheet = openpyxl.load_workbook(out / "portfolios.xlsx", read_only=True)["Portfolio 1"]
    rows = list(sheet.iter_rows(values_only=True))
    header = next(i for i, r in enumerate(rows) if r[0] == "Project")
    heads = list(rows[header])
    values = [r[heads.index("Value")] for r in rows[header + 1:] if r[0]]
    assert sum(values) == pytest.approx(best["objective"], abs=1e-6)
    assert "Value (input)" in heads and "Region (input)" in heads


def test_a_status_in_the_rounds_own_words_is_told_which_status_it_is(
        run: Callable, tmp_path: Path) -> None:
    # An analyst marks P-32 withdrawn, P-27 slipped and P-24's stage withdrawn, in the
    # words of their own tracker; the fix once only listed the three statuses.
    def mark(book: Any) -> None:
        sheet = book["projects"]
        rows = {sheet.cell(r, 1).value: r for r in range(2, sheet.max_row + 1)}
        sheet.cell(rows["P-32"], column(sheet, "status")).value = "Withdrawn"
        sheet.cell(rows["P-27"], column(sheet, "status")).value = "slipped"
        sheet.cell(rows["P-24"], column(sheet, "stage")).value = "withdrawn"

    messages = refused(run, edited(tmp_path / "round.xlsx", mark), tmp_path)
    assert messages == [
        "projects, row 25, column 'stage': must be one of request, survey, agreed, signed "
        "(value 'withdrawn'). Fix: a project out of this round is status excluded: write "
        "excluded in status (and clear the stage) and 'withdrawn' in status_reason (every "
        "output shows it)",
        "projects, row 28, column 'status': must be one of candidate, mandatory, excluded "
        "(value 'slipped'). Fix: a slipped project is either carried into this round (write "
        "mandatory here) or moved out of it to a later one (write excluded here); then write "
        "'slipped' in status_reason (every output shows it)",
        "projects, row 33, column 'status': must be one of candidate, mandatory, excluded "
        "(value 'Withdrawn'). Fix: a project out of this round is status excluded: write "
        "excluded here and 'Withdrawn' in status_reason (every output shows it)",
    ]


@pytest.mark.parametrize("label", ["Total", "合計", "Grand total:"])
def test_a_totals_row_below_the_table_is_one_problem_saying_delete_it(
        run: Callable, tmp_path: Path, label: str) -> None:
    # The analyst sums the cost column in a row of its own, a blank row below the
    # projects; it once gave seven "a required cell is blank. Fix: fill in title ..."
    def total(book: Any) -> None:
        sheet = book["projects"]
        row = sheet.max_row + 2
        sheet.cell(row, 1).value = label
        sheet.cell(row, column(sheet, "cost_FY2026")).value = 27000

    messages = refused(run, edited(tmp_path / "round.xlsx", total), tmp_path)
    assert messages == [
        f"projects, row 41, column 'project_id': the row looks like a totals row, not a "
        f"project: it would be read as one more project (its blank cells would each be a "
        f"problem, its cost counted) (value {label!r}). Fix: delete the row (or put the "
        f"totals on a sheet of their own): osa-opt adds the costs up itself, and osa-opt "
        f"validate prints the total requested per fiscal year"]


def test_a_note_a_units_row_or_an_unlabelled_sum_is_one_problem_saying_delete_it(
        run: Callable, tmp_path: Path) -> None:
    """A row of units under the header ('¥ million' under cost_FY2026), a sum typed below
    the table without a label, and a note in the first column each gave seven to nine "a
    required cell is blank. Fix: fill in project_id ...": the fix is to delete the row."""
    def stray(book: Any) -> None:
        sheet = book["projects"]
        sheet.insert_rows(2)
        sheet.cell(2, column(sheet, "cost_FY2026")).value = "¥ million"
        sheet.cell(2, column(sheet, "score_security")).value = "0-10"
        row = sheet.max_row + 2
        sheet.cell(row, column(sheet, "cost_FY2026")).value = 27000
        sheet.cell(row + 1, 1).value = "Note: costs are estimates"

    fix = ("Fix: delete the row (a column's unit or note can go in a comment on its header "
           "cell); if it is a project, fill in its cells")
    assert refused(run, edited(tmp_path / "round.xlsx", stray), tmp_path) == [
        "projects, row 2, column 'cost_FY2026': the row names no project (no project_id, "
        "title or country) and holds only cost_FY2026 '¥ million', score_security '0-10': "
        "a note, a row of units or a sum beside the table, not a project (value '¥ "
        f"million'). {fix}",
        "projects, row 42, column 'cost_FY2026': the row names no project (no project_id, "
        "title or country) and holds only cost_FY2026 '27000': a note, a row of units or a "
        f"sum beside the table, not a project (value '27000'). {fix}",
        "projects, row 43, column 'project_id': the row holds only project_id 'Note: costs "
        "are estimates': a note, a row of units or a sum beside the table, not a project "
        f"(value 'Note: costs are estimates'). {fix}"]


def test_a_units_row_under_every_column_is_one_problem(run: Callable, tmp_path: Path) -> None:
    """A row of units or descriptions under the header that also names the id and title
    columns ('id', 'text', '¥ million', '0-10', '0-1') is no stray row of three cells: it was
    read as a project and gave nine problems ('a required cell is blank', 'must be a number'
    for each unit); it is one problem now, saying what the row is."""
    def units(book: Any) -> None:
        sheet = book["projects"]
        sheet.insert_rows(2)
        for header, text in (("project_id", "id"), ("title", "text"),
                             ("cost_FY2026", "¥ million"), ("score_security", "0-10"),
                             ("risk", "0-1"), ("min_funding", "0-1")):
            sheet.cell(2, column(sheet, header)).value = text

    assert refused(run, edited(tmp_path / "round.xlsx", units), tmp_path) == [
        "projects, row 2, column 'cost_FY2026': the row under the header holds text and no "
        "number in its number columns (cost_FY2026 '¥ million', score_security '0-10', risk "
        "'0-1', min_funding '0-1'): a row of units or descriptions, not a project (value '¥ "
        "million'). Fix: delete the row (a column's unit or description can go in a comment on "
        "its header cell); if it is a project, type its numbers as plain numbers"]


@pytest.mark.parametrize(("code", "currency"), [
    ('"$"#,##0', "US dollars"), ("[$€-407] #,##0", "euros"), ("[$USD] #,##0", "USD")])
def test_a_cost_column_formatted_in_another_currency_is_refused(
        run: Callable, tmp_path: Path, code: str, currency: str) -> None:
    """A cost column formatted in dollars (a sheet from a partner, $1,100 on screen) was
    read as ¥ million without a word: an amount in dollars and one in ¥ million read
    alike. A yen format ('"¥"#,##0', '[$¥-411]') is fine."""
    def formatted(book: Any, code: str = code) -> None:
        sheet = book["projects"]
        for row in range(2, sheet.max_row + 1):
            sheet.cell(row, column(sheet, "cost_FY2026")).number_format = code
        sheet.cell(3, column(sheet, "risk")).number_format = '"$"0.00'  # no cost: no matter

    assert refused(run, edited(tmp_path / "round.xlsx", formatted), tmp_path) == [
        f"projects, row 2, column 'cost_FY2026': 38 cells of the column (rows 2, 3, 4, 5, "
        f"6, ...) show {currency} (the format {code!r}): costs are in ¥ million, and an "
        f"amount in {currency} would be read as ¥ million (value '900'). Fix: type each "
        "cost in ¥ million, and give the column a plain number format (Home > Number > "
        "General), or a yen one"]
    for yen in ('"¥"#,##0', "[$¥-411]#,##0", '#,##0"円"'):
        assert warned(run, edited(tmp_path / "yen.xlsx", lambda book, yen=yen: formatted(
            book, yen))) == []


def test_a_thousands_comma_read_as_a_decimal_one_by_another_text_cell_is_warned_about(
        run: Callable, tmp_path: Path) -> None:
    # In an English workbook the analyst types P-05's cost as the text '1,250' and, rows
    # above, a score as the text '8,5'; that one cell settled the file's convention, and
    # the radar silently cost ¥1.25m instead of ¥1,250m.
    path = with_cells(tmp_path / "round.xlsx", ("projects", 3, "score_security", "8,5"),
                      ("projects", 6, "cost_FY2026", "1,250"))
    problem = osa_opt.load_problem(path)
    assert problem.projects.at["P-05", "cost_FY2026"] == 1.25  # the reading stands ...
    assert warned(run, path) == [  # ... and is said, with the cell that settled it
        "projects, row 6, column 'cost_FY2026': '1,250' is read as 1.25, with ',' as the "
        "decimal comma (1.100,5), as projects row 3, column 'score_security' shows ('8,5'): "
        "in round.xlsx numbers are stored as numbers, so text cells alone decide a reading "
        "a thousand times apart (value '1,250'). Fix: nothing to do if that is right; "
        "otherwise type 1250 in that cell as a number, not text, and 8.5 in projects row 3, "
        "column 'score_security'",
        # and the radar at ¥1.25m is a hundred times under the round's usual project
        "projects, row 6, column 'cost_FY2026': P-05 costs ¥1.25m in all, less than 1/20 of "
        "the round's median project (¥600m): a cost typed in 億円 (¥100 million) reads a "
        "hundred times too small (value 1.25). Fix: costs are in ¥ million: if 1.25 was "
        "typed in 億円, type 125 (¥125 million); nothing to do if ¥1.25m is right"]


def test_a_tie_for_first_is_said_and_sorting_the_rows_does_not_swap_it(
        run: Callable, tmp_path: Path) -> None:
    # The analyst copies P-30 (flood machinery) as P-40 into the same exclusive group,
    # then sorts the sheet bottom-up: portfolio 1 once funded the other twin, and nothing
    # said the two were worth the same. The tie is said; the choice no longer follows the
    # rows' order (the model's columns are in project-id order).
    def twins(reverse: bool) -> Callable[[Any], None]:
        def edit(book: Any) -> None:
            sheet = book["projects"]
            rows = [[c.value for c in r] for r in sheet.iter_rows(min_row=2)]
            group = column(sheet, "exclusive_group") - 1
            p30 = next(r for r in rows if r[0] == "P-30")
            p30[group] = "flood kit"
            rows.append(["P-40", *p30[1:]])
            for i, values in enumerate(rows[::-1] if reverse else rows, start=2):
                for j, value in enumerate(values, start=1):
                    sheet.cell(i, j).value = value
        return edit

    firsts = []
    for reverse in (False, True):
        path = edited(tmp_path / f"round-{reverse}.xlsx", twins(reverse))
        out = tmp_path / f"run-{reverse}"
        code, stdout, err = run("solve", path, "--no-explain", "-k", "2", "--out", out)
        assert code == 0, err
        manifest = json.loads((out / "run.json").read_text(encoding="utf-8"))
        first, second = manifest["portfolios"]
        assert first["objective"] == pytest.approx(second["objective"], rel=1e-9)
        firsts.append({"P-30", "P-40"} & set(first["projects"]))
        twin, other = ("P-30", "P-40") if "P-40" in first["projects"] else ("P-40", "P-30")
        note = (f"Portfolio 2 is worth exactly as much as portfolio 1 (171.239): a tie. "
                "Which of them is ranked first is the solver's choice, not a rule (the same "
                "however the rows are sorted): choose between them on grounds the model "
                f"does not weigh (portfolio 2: +{twin} −{other}).")
        assert manifest["notes"] == [note]
        assert " ".join(note.split()) in " ".join(stdout.split())
    assert firsts[0] == firsts[1] and len(firsts[0]) == 1  # sorted bottom-up: the same twin


@pytest.mark.parametrize(("header", "fix"), [
    ("cost_2027", "if it holds the costs of FY2027, name it cost_FY2027, as the policy "
                  "writes its years, and give the policy a budget for FY2027 (budget.FY2027, "
                  "or --budget FY2027=AMOUNT in ¥ million), or delete the column if it is "
                  "for the record only"),
    ("cost_FY2027 (estimate)", "if it holds the costs of FY2027, name it cost_FY2027, as the "
                               "policy writes its years, and give the policy a budget for "
                               "FY2027 (budget.FY2027, or --budget FY2027=AMOUNT in ¥ "
                               "million), or delete the column if it is for the record only"),
    ("cost_FY2026 (old)", "cost_FY2026 holds the costs of FY2026 that are counted; if "
                          "cost_FY2026 (old) is another version of them, keep one, or delete "
                          "the column if it is for the record only"),
])
def test_a_second_years_cost_column_spelt_otherwise_is_told_the_policys_spelling(
        run: Callable, tmp_path: Path, header: str, fix: str) -> None:
    # The analyst adds next year's costs as 'cost_2027': the fix once said to add the
    # policy key budget.2027 (a year no other key or column spells so), and for a header
    # with a note, budget.FY2027 (estimate).
    def add(book: Any) -> None:
        sheet = book["projects"]
        col = sheet.max_column + 1
        sheet.cell(1, col).value = header
        for row in range(2, sheet.max_row + 1):
            sheet.cell(row, col).value = 100

    messages = warned(run, edited(tmp_path / "round.xlsx", add))
    assert len(messages) == 1 and messages[0].startswith(f"projects, column {header!r}: ")
    assert messages[0].endswith(f"Fix: {fix}")


def test_the_circulated_workbook_carries_the_notes_and_warnings_too(
        run: Callable, tmp_path: Path) -> None:
    # The run's notes (a tie for first) and the input's warnings (a cost read as ¥1.25m)
    # were in the terminal, run.json and the report, but not in portfolios.xlsx, the file
    # that is circulated.
    def edit(book: Any) -> None:
        sheet = book["projects"]
        rows = [[c.value for c in r] for r in sheet.iter_rows(min_row=2)]
        p30 = next(r for r in rows if r[0] == "P-30")
        p30[column(sheet, "exclusive_group") - 1] = "flood kit"
        rows.append(["P-40", *p30[1:]])
        for i, values in enumerate(rows, start=2):
            for j, value in enumerate(values, start=1):
                sheet.cell(i, j).value = value
        sheet.cell(3, column(sheet, "score_security")).value = "8,5"
        sheet.cell(6, column(sheet, "cost_FY2026")).value = "1,250"

    out = tmp_path / "run"
    code, _, err = run("solve", edited(tmp_path / "round.xlsx", edit), "--no-explain",
                       "-k", "2", "--out", out)
    assert code == 0, err
    manifest = json.loads((out / "run.json").read_text(encoding="utf-8"))
    # the cost read as ¥1.25m, and P-05 at ¥1.25m a hundred times under the usual project
    assert len(manifest["notes"]) == 1 and len(manifest["warnings"]) == 2
    sheet = openpyxl.load_workbook(out / "portfolios.xlsx", read_only=True)["Read me"]
    rows = [(r[0], r[1]) for r in sheet.iter_rows(values_only=True) if len(r) > 1]
    assert ("Note", manifest["notes"][0]) in rows
    assert all(("Input warning", w["message"]) in rows for w in manifest["warnings"])


# ------------------------------------------------- paths the system refuses to look up
def test_a_path_too_long_for_the_file_system_is_named_not_a_traceback(
        run: Callable, tmp_path: Path) -> None:
    """Path.exists() raises on a name too long (ENAMETOOLONG): the input, the policy and
    the run folder each came out as a traceback ('a bug in osa-opt')."""
    long = "x" * 300
    code, _, err = run("validate", tmp_path / f"{long}.xlsx", "--no-solve")
    assert code == 2 and "Traceback" not in err
    assert "the path cannot be used: File name too long" in err
    code, _, err = run("validate", "--policy", tmp_path / f"{long}.toml", "--no-solve")
    assert code == 2 and "Traceback" not in err
    assert "the path cannot be used: File name too long" in err
    out = tmp_path / long
    code, _, err = run("solve", "--out", out, "--no-explain", "-k", "1")
    assert code == 2 and "Traceback" not in err
    assert f"The output folder {out} cannot be created: File name too long" in \
        " ".join(err.split())
    assert list(tmp_path.iterdir()) == []  # nothing written, no staging folder left
    for args in (("template", tmp_path / f"{long}.xlsx"),
                 ("solve", "--extend", f"{tmp_path / long}.py:rule", "--out", tmp_path / "a"),
                 ("solve", "--run", tmp_path / long, "--out", tmp_path / "b")):
        code, _, err = run(*args)
        assert code == 2 and "Traceback" not in err and "File name too long" in err, args
    assert list(tmp_path.iterdir()) == []


def test_utf32_csv_with_its_mark_is_read_as_the_same_round(tmp_path: Path) -> None:
    """UTF-32's byte-order mark starts like UTF-16's: the file was decoded as UTF-16 and
    refused with a NUL between every letter of the 'lines' it named."""
    folder = _csv_folder(tmp_path / "round", encoding="utf-32")
    read = osa_opt.load_problem(folder)
    example = osa_opt.load_problem(_csv_folder(tmp_path / "utf8"))
    assert read.projects.drop(columns="_row").equals(example.projects.drop(columns="_row"))
    assert read.countries.drop(columns="_row").equals(example.countries.drop(columns="_row"))


# ------------------------------------------------- one name, two spellings
def test_a_dash_that_looks_like_a_hyphen_is_a_second_spelling(run: Callable,
                                                              tmp_path: Path) -> None:
    """'P–01' (an en dash, as a word processor types it) beside 'P-01' was a second
    project, and 'Aurelia–boats' a second exclusive group: both alternatives funded. So was
    'Serendel’s boats' with a smart quote beside "Serendel's boats", silently."""
    path = with_cells(tmp_path / "dashes.xlsx", ("projects", 10, "project_id", "P\u201301"),
                      ("projects", 3, "exclusive_group", "Aurelia-boats"),
                      ("projects", 4, "exclusive_group", "Aurelia\u2212boats"),
                      ("projects", 5, "exclusive_group", "Serendel's boats"),
                      ("projects", 6, "exclusive_group", "Serendel\u2019s boats"),
                      ("projects", 11, "requires", "P\u201401"))
    assert refused(run, path, tmp_path) == [
        "projects, row 4, column 'exclusive_group': the same exclusive_group is spelt "
        "differently elsewhere ('Aurelia-boats' in row 3), differing in a lookalike dash "
        "('−' is the dash U+2212 minus sign, not the hyphen '-'); each spelling would count "
        "as its own (value 'Aurelia−boats'). Fix: write 'Aurelia-boats' as the other rows "
        "do, or make the names clearly different if they are meant apart",
        "projects, row 6, column 'exclusive_group': the same exclusive_group is spelt "
        "differently elsewhere (\"Serendel's boats\" in row 5), differing in a lookalike "
        "quotation mark ('’' is U+2019 right single quotation mark, not the apostrophe \"'\"); "
        "each spelling would count as its own (value 'Serendel’s boats'). Fix: write "
        "\"Serendel's boats\" as the other rows do, or make the names clearly different if "
        "they are meant apart",
        "projects, row 10, column 'project_id': the same project_id is spelt differently "
        "elsewhere ('P-01' in row 2), differing in a lookalike dash ('–' is the dash U+2013 "
        "en dash, not the hyphen '-'); each spelling would count as its own (value 'P–01'). "
        "Fix: give each project its own id, or spell the same project one way ('P-01')",
        "projects, row 11, column 'requires': requires a project that is not in the "
        "projects sheet (value 'P—01'). Fix: did you mean 'P-01'? ('—' is the dash U+2014 "
        "em dash, not the hyphen '-')"]


def test_an_id_that_lost_its_leading_zeros_is_named(run: Callable, tmp_path: Path) -> None:
    """Excel turns the id 007 typed in a General cell into the number 7; a requires cell
    formatted as text keeps '007': the hint named no id at all."""
    path = with_cells(tmp_path / "zeros.xlsx", ("projects", 10, "project_id", 7),
                      ("projects", 11, "requires", "007"))
    assert refused(run, path, tmp_path) == [
        "projects, row 11, column 'requires': requires a project that is not in the "
        "projects sheet (value '007'). Fix: did you mean '7'? '007' and '7' are one number "
        "with and without leading zeros, which a spreadsheet drops from a cell that holds "
        "a number: format the columns project_id and requires as Text and write each id "
        "one way"]



def test_a_requirement_on_a_deleted_row_is_not_taken_for_a_neighbour(
        run: Callable, tmp_path: Path) -> None:
    """An analyst deleted P-02's row; P-04 (its boat shelter) still requires it. The fix
    read "did you mean 'P-32'?", Steppara's radar, one character off as every id of the
    series is; it now says what to decide. 'P-2' for P-02 is still named."""
    def delete_p02(book: Any) -> None:
        book["projects"].delete_rows(3)

    assert refused(run, edited(tmp_path / "deleted.xlsx", delete_p02), tmp_path) == [
        "projects, row 4, column 'requires': requires a project that is not in the projects "
        "sheet (value 'P-02'). Fix: restore the row of P-02 if it was deleted, or write its "
        "new id here if it was renamed; if it has left the round, decide whether P-04 stands "
        "without it: take P-02 out of this cell, or make P-04 excluded (project ids are "
        "written as in the project_id column, separated by ';')"]
    path = with_cells(tmp_path / "short.xlsx", ("projects", 5, "requires", "P-2"))
    assert refused(run, path, tmp_path) == [
        "projects, row 5, column 'requires': requires a project that is not in the projects "
        "sheet (value 'P-2'). Fix: did you mean 'P-02'?"]



def test_a_project_of_a_new_partner_is_told_what_its_countries_row_needs(
        run: Callable, tmp_path: Path) -> None:
    """An analyst added a project for a new partner, Veridia, and no countries row: the fix
    restated the rule ("Every project's country must have a row in the countries sheet")."""
    def new_partner(book: Any) -> None:
        sheet = book["projects"]
        last = sheet.max_row
        for c in range(1, sheet.max_column + 1):
            sheet.cell(last + 1, c).value = sheet.cell(last, c).value
        sheet.cell(last + 1, column(sheet, "project_id")).value = "P-39"
        sheet.cell(last + 1, column(sheet, "title")).value = "Patrol boats for Veridia"
        sheet.cell(last + 1, column(sheet, "country")).value = "Veridia"

    assert refused(run, edited(tmp_path / "new.xlsx", new_partner), tmp_path) == [
        "projects, row 40, column 'country': the country is not in the countries sheet "
        "(value 'Veridia'). Fix: each partner needs a row of its own: add 'Veridia' to the "
        "countries sheet with its region, priority_tier, oda_eligible, party_to_conflict, "
        "management_agreement, democracy, rule_of_law and human_rights; or, if the partner "
        "is in the sheet, write its name here as the sheet spells it"]


# ------------------------------------------------- headers in other words
def test_a_gate_column_headed_in_other_words_is_named(run: Callable, tmp_path: Path) -> None:
    """A dispute_linked column headed 'disputed' was an unused extra column: its TRUE was
    never read, and the default (false) made a project linked to a dispute eligible."""
    def rename(book: Any) -> None:
        sheet = book["projects"]
        at = column(sheet, "dispute_linked")
        sheet.cell(1, at).value = "disputed"
        sheet.cell(5, at).value = True

    assert refused(run, edited(tmp_path / "disputed.xlsx", rename), tmp_path) == [
        "projects, row None, column 'disputed': unknown column, most likely "
        "'dispute_linked' (value 'disputed'). Fix: did you mean 'dispute_linked'? Rename "
        "the header, or the default (False) is used for every row"]


# ------------------------------------------------- CSV lines shorter than the header
def _csv_lines(folder: Path) -> list[str]:
    return (folder / "projects.csv").read_text(encoding="utf-8").splitlines()


def test_a_csv_row_cut_by_a_line_break_is_one_problem(run: Callable, tmp_path: Path) -> None:
    """A line break typed in an unquoted cell cut P-01 in two: its cells after the break
    read as blank (its exclusive group, stage, category ... dropped) and the rest as a row
    of its own, refused cell by cell as if a project lacked its title and country."""
    folder = _csv_folder(tmp_path / "round")
    lines = _csv_lines(folder)
    lines[1] = lines[1].replace("FY2025 package that slipped", "FY2025 package\nthat slipped")
    (folder / "projects.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert refused(run, folder, tmp_path) == [
        "projects, row 2, column None: lines 2-3 have fewer cells than the header (28; line "
        "2 13 and line 3 16), together one row: a line break in a cell without quotes cuts "
        "the row, and the part after it would be read as a row of its own (value 'P-01,"
        "Coastal surveillance radars (3 sites),Aurelia,maritime_surveillance,equipme'). Fix: put the cell that "
        "holds the line break in double quotes, or remove the line break; saving the sheet "
        "again as CSV from the spreadsheet quotes such cells"]


def test_a_csv_line_shorter_than_the_others_is_warned_about(run: Callable,
                                                            tmp_path: Path) -> None:
    """A line of 10 cells among lines of 28 read its last 18 cells as blank, silently."""
    folder = _csv_folder(tmp_path / "round")
    import csv

    rows = list(csv.reader(io.StringIO((folder / "projects.csv").read_text(encoding="utf-8"))))
    rows[3] = rows[3][:10]  # P-03
    text = io.StringIO(newline="")
    csv.writer(text).writerows(rows)
    (folder / "projects.csv").write_text(text.getvalue(), encoding="utf-8")
    assert warned(run, folder) == [
        "projects, row 4: 1 line (4) has fewer cells than the header (28), as the other "
        "lines have; line 4 has 10, so its cells from column 'min_funding' on are read as "
        "blank. Fix: nothing to do if those cells are blank; otherwise check the line in a "
        "text editor, or save the sheet again as CSV from the spreadsheet",
        # the blank cells include P-03's exclusive_group: P-02 is left alone in its group
        "projects, row 3, column 'exclusive_group': the exclusive group 'Aurelia patrol "
        "boats' has one project only: a group of one excludes nothing (value 'Aurelia patrol "
        "boats'). Fix: nothing to do if its rivals left the round; otherwise give them the "
        "same group name"]


def test_csv_rows_written_without_their_trailing_blanks_are_no_problem(
        tmp_path: Path) -> None:
    """A writer that leaves trailing blank cells out does so on every line: no warning."""
    folder = _csv_folder(tmp_path / "round")
    lines = [line.rstrip(",") for line in _csv_lines(folder)]
    (folder / "projects.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    problem = osa_opt.load_problem(folder)
    assert problem.warnings == [] and len(problem.projects) == 38


# ------------------------------------------------- dates in a tier column
def test_a_tier_formatted_as_a_date_is_named_with_its_number(run: Callable,
                                                             tmp_path: Path) -> None:
    """A tier 2 in a date-formatted cell showed as '1900-01-02 00:00:00' with the hint to
    type 2 (which the format shows as a date again); a duration-formatted cost as
    '1200 days, 0:00:00'."""
    def dated(book: Any) -> None:
        tier = book["countries"].cell(3, column(book["countries"], "priority_tier"))
        tier.value, tier.number_format = 2, "yyyy-mm-dd"
        cost = book["projects"].cell(3, column(book["projects"], "cost_FY2026"))
        cost.value, cost.number_format = 1200, "[h]:mm:ss"

    fix = ("Fix: format the column as a number (Format Cells > Number), check the values, "
           "and save again")
    assert refused(run, edited(tmp_path / "dated.xlsx", dated), tmp_path) == [
        "projects, row 3, column 'cost_FY2026': 1 cell is formatted as a duration, not a "
        "number (row 3; row 3 shows 1200 days, 0:00:00, which is 1200 as a number) (value "
        f"'1200 days, 0:00:00'). {fix}",
        "countries, row 3, column 'priority_tier': 1 cell is formatted as a date, not a "
        "number (row 3; row 3 shows 1900-01-02, which is 2 as a number) (value "
        f"'1900-01-02'). {fix}"]


def test_a_cost_formatted_as_a_time_is_said_to_be_one(run: Callable, tmp_path: Path) -> None:
    """A cost cell showing 12:00:00 (0.5 under a time format) was said to be 'formatted as
    a date', and one showing 1200 days, 0:00:00 (a duration format) too."""
    def timed(book: Any) -> None:
        cost = book["projects"].cell(3, column(book["projects"], "cost_FY2026"))
        cost.value, cost.number_format = 0.5, "hh:mm:ss"

    assert refused(run, edited(tmp_path / "timed.xlsx", timed), tmp_path) == [
        "projects, row 3, column 'cost_FY2026': 1 cell is formatted as a time, not a number "
        "(row 3; row 3 shows 12:00:00, which is 0.5 as a number) (value '12:00:00'). Fix: "
        "format the column as a number (Format Cells > Number), check the values, and save "
        "again"]


# ------------------------------------------------- policy keys in the wrong place
def test_a_top_level_key_under_a_table_is_told_where_it_goes(run: Callable,
                                                             tmp_path: Path) -> None:
    """``name = ...`` after ``[budget]`` is budget.name to TOML: 'expected a number' told
    nothing of why; an empty fiscal year was said to contain spaces."""
    def issues(text: str) -> list[tuple[Any, ...]]:
        policy = tmp_path / "round.toml"
        policy.write_text(text, encoding="utf-8")
        code, stdout, _ = run("validate", "--policy", policy, "--json", "--no-solve")
        assert code == 2
        return [(i["row"], i["column"], i["rule"], i["hint"])
                for i in json.loads(stdout)["issues"]]

    assert issues('[budget]\nFY2026 = 18100\nname = "My round"\n') == [
        (3, "budget.name", "wrong type str, expected a number",
         "name is a key of its own, not of [budget]: in TOML every line after a [table] "
         "header belongs to that table, so move name = ... above the first [table] header "
         "of the file")]
    assert issues('[budget]\nFY2026 = 18100\n"" = 5\n') == [
        (3, "budget.", "a fiscal-year key may not be blank or contain spaces",
         "name years like FY2026 (the column is cost_FY2026)")]


# ------------------------------------------------------------ a sheet renamed
@pytest.mark.parametrize(("sheet", "renamed"), [
    ("projects", "projects FY2026"), ("projects", "Project list"), ("projects", "案件"),
    ("countries", "Partner countries"), ("countries", "partners")])
def test_an_input_sheet_renamed_is_told_which_sheet_to_rename(
        run: Callable, tmp_path: Path, sheet: str, renamed: str) -> None:
    """'projects FY2026' beside README and countries: the fix said 'add a sheet named
    projects', as if the projects were not in the workbook."""
    def rename(book: Any) -> None:
        book[sheet].title = renamed

    (message,) = refused(run, edited(tmp_path / "renamed.xlsx", rename), tmp_path)
    assert message == (f"renamed.xlsx, row None, column None: the sheet {sheet!r} is missing "
                       f"(value {sheet!r}). Fix: rename the sheet {renamed!r} to {sheet!r}")


def test_a_missing_sheet_with_no_likely_rename_lists_the_sheets(run: Callable,
                                                                tmp_path: Path) -> None:
    def rename(book: Any) -> None:
        book["projects"].title = "Sheet1"

    (message,) = refused(run, edited(tmp_path / "renamed.xlsx", rename), tmp_path)
    assert message.endswith("Fix: add a sheet named 'projects' (sheets found: README, Sheet1, "
                            "countries)")


@pytest.mark.parametrize(("typed", "later"), [
    ("slipped to FY2027", "FY2027"), ("FY2027", "FY2027"), ("deferred to 2028", "FY2028"),
    ("R9", "FY2027"), ("令和9年度", "FY2027"), ("next year", None), ("moved to FY27", "FY2027"),
    ("来年度へ延期", None)])
def test_a_status_naming_a_later_year_is_told_it_is_excluded_from_this_round(
        run: Callable, tmp_path: Path, typed: str, later: str | None) -> None:
    """A candidate slips to next year and the analyst types the year in status: the fix
    listed the three statuses, not which one a project of a later year is."""
    path = with_cells(tmp_path / "round.xlsx", ("projects", 6, "status", typed))
    (message,) = refused(run, path, tmp_path)
    plan = (f"; to plan it in {later} too, give its cost in cost_{later} and the policy a "
            f"budget for {later}" if later else "")
    assert message == (
        "projects, row 6, column 'status': must be one of candidate, mandatory, excluded "
        f"(value {typed!r}). Fix: a project moved to a later fiscal year is out of this round: "
        f"write excluded here and {typed!r} in status_reason (every output shows "
        f"it){plan}")  # the status as typed ('slipped to FY2027', not 'slipped to fy2027')


def test_a_status_naming_reiwa_0_names_no_year() -> None:
    """Reiwa starts at 1 (令和元年, 2019): "slipped to R0" named FY2018, a year before the
    era, and told the analyst to give the project a cost_FY2018; it names no year."""
    from osa_opt.inputs.sheet_schema import _later_year

    assert _later_year("slipped to r0") is None
    assert _later_year("slipped to r0 next year") == ""  # a later year, its number unknown
    assert [_later_year(w) for w in ("r9", "slipped to r 9", "令和元年度", "令和9年度へ延期")] == \
        ["FY2027", "FY2027", "FY2019", "FY2027"]


def test_a_real_date_typed_in_a_cost_cell_is_told_to_be_retyped(
        run: Callable, tmp_path: Path) -> None:
    """A date typed in a cost cell (2026-04-01, the day the revised cost was agreed): the
    fix said to format the column as a number, which shows 46113: a ¥46bn radar."""
    import datetime

    path = with_cells(tmp_path / "dated.xlsx",
                      ("projects", 6, "cost_FY2026", datetime.datetime(2026, 4, 1)))
    (message,) = refused(run, path, tmp_path)
    assert message.endswith(
        "Fix: format the column as a number (Format Cells > Number), check the values, and "
        "save again; row 6 holds a date typed as one (2026-04-01): type its value again, as "
        "a number, since formatted as a number it would read 46113")


# ------------------------------------------------- output that cannot be written
@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full (Linux)")
def test_output_to_a_full_device_is_named_not_a_traceback(tmp_path: Path) -> None:
    """``osa-opt validate --json > /dev/full`` (a full disk) ended in a traceback asking
    for a bug report."""
    import os
    import subprocess

    env = {**os.environ, "PYTHONPATH": str(Path(osa_opt.__file__).parents[1])}
    with open("/dev/full", "w") as full:
        done = subprocess.run([sys.executable, "-m", "osa_opt", "validate", "--json",
                               "--no-solve"], stdout=full, stderr=subprocess.PIPE, text=True,
                              cwd=tmp_path, env=env, timeout=120, check=False)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert " ".join(done.stderr.split()) == (
        "Error: could not write the output (stdout): No space left on device. Free some "
        "space, or send the output elsewhere; a run folder the command wrote is complete (it "
        "is written before the summary).")


# ------------------------------------------------- full-width (zenkaku) numbers
def test_a_number_typed_in_full_width_characters_is_read_as_excel_reads_it(
        run: Callable, tmp_path: Path) -> None:
    """A Japanese input method types ０．１３ and １，２００ in a text cell (Excel itself
    reads them as 0.13 and 1200 when typed into a number cell). Python read １２００ but not
    ０．１３ (refused as 'must be a number in [0, 1]', which 0.13 is) nor １，２００; a
    full-width minus was refused as no number rather than as below 0."""
    book = with_cells(tmp_path / "zenkaku.xlsx", ("projects", 3, "risk", "０．１３"),
                      ("projects", 4, "cost_FY2026", "１，２００"),
                      ("projects", 5, "score_security", "７"))
    problem = osa_opt.load_problem(book)
    assert problem.projects.at["P-02", "risk"] == 0.13
    assert problem.projects.at["P-03", "cost_FY2026"] == 1200  # the point of ０．１３ settles it
    assert problem.projects.at["P-04", "score_security"] == 7
    minus = with_cells(tmp_path / "minus.xlsx", ("projects", 3, "score_spread", "－０．５"),
                       ("projects", 4, "score_spread", "\u22120.5"))  # a word processor's minus
    assert refused(run, minus, tmp_path) == [
        f"projects, row {row}, column 'score_spread': must be a number >= 0 (value '-0.5'). "
        "Fix: it cannot be negative: type 0.5 if the minus sign is a slip (score_spread: ± "
        "uncertainty of every score of this project, for robustness)"
        for row in (3, 4)]


@pytest.mark.parametrize("typed", ["TBD", "tbc.", "?", "未定"])
def test_a_cost_not_known_yet_is_told_what_to_do(run: Callable, tmp_path: Path,
                                                 typed: str) -> None:
    """'TBD' in a cost cell was told "type a plain number such as 750, 0.35 or 18,100 (no
    units or currency signs)": nothing for a cost nobody knows yet."""
    path = with_cells(tmp_path / "tbd.xlsx", ("projects", 3, "cost_FY2026", typed))
    assert refused(run, path, tmp_path) == [
        f"projects, row 3, column 'cost_FY2026': must be a number >= 0 (value {typed!r}). "
        f"Fix: {typed!r} says the cost is not known yet, and a project is chosen by its cost: "
        "type your best estimate (in ¥ million); or, until it is known, write excluded in "
        "status and 'cost not yet known' in status_reason (the project is then out of this "
        "round, and every output says why)"]


def test_a_cost_moved_to_a_next_year_column_spelt_otherwise_is_not_read_as_free(
        run: Callable, tmp_path: Path) -> None:
    """An analyst moved P-17's ¥3,100m to a new column headed 'Cost FY2027 (¥m)': the header,
    not cost_FY2027, was an unused column, P-17 read as costing nothing and the round 'Valid'
    with a warning that it 'would be funded for free'; headed cost_FY2027 it is out of this
    round. The header is now refused with the rename."""
    def move(book: Any) -> None:
        sheet = book["projects"]
        at = sheet.max_column + 1
        sheet.cell(1, at).value = "Cost FY2027 (¥m)"
        sheet.cell(18, at).value = sheet.cell(18, column(sheet, "cost_FY2026")).value
        sheet.cell(18, column(sheet, "cost_FY2026")).value = None

    assert refused(run, edited(tmp_path / "moved.xlsx", move), tmp_path) == [
        "projects, row None, column 'Cost FY2027 (¥m)': the header reads as the costs of "
        "FY2027, but costs are read only from a column named 'cost_FY2027': under this header "
        "they are not read, and a project whose cost stands only here would be read as costing "
        "nothing (value 'Cost FY2027 (¥m)'). Fix: rename the header 'Cost FY2027 (¥m)' to "
        "'cost_FY2027' (a year the policy has no budget for takes such a project out of this "
        "round, saying so); if the column is a note, name it without 'cost' and the year"]


def test_a_negative_cost_is_told_what_to_type(run: Callable, tmp_path: Path) -> None:
    """-1200 in a cost cell got the column's meaning as its fix ("cost_FY2026: cost in
    fiscal year FY2026, ¥ million"), nothing to do."""
    path = with_cells(tmp_path / "minus.xlsx", ("projects", 3, "cost_FY2026", -1200))
    assert refused(run, path, tmp_path) == [
        "projects, row 3, column 'cost_FY2026': must be a number >= 0 (value '-1200'). Fix: it "
        "cannot be negative: type 1,200 if the minus sign is a slip; a saving or a cut is "
        "written as the project's lower cost, never as a negative one (cost_FY2026: cost in "
        "fiscal year FY2026, ¥ million)"]


# ------------------------------------------------- policy files in another format
@pytest.mark.parametrize(("encoding", "prefix"), [("utf-16", b""), ("utf-8", b"\xef\xbb\xbf")])
def test_a_policy_saved_as_notepad_s_unicode_reads_as_utf8(
        tmp_path: Path, encoding: str, prefix: bytes) -> None:
    """Notepad's "Unicode" is UTF-16 with its mark: refused as 'not UTF-8 text', though
    the CSV files are read so."""
    text = osa_opt.default_policy_path().read_text(encoding="utf-8")
    toml = tmp_path / "round.toml"
    toml.write_bytes(prefix + text.encode(encoding))
    assert osa_opt.Policy.load(toml) == osa_opt.Policy.default()


@pytest.mark.parametrize(("text", "encoding", "rule", "fix"), [
    ('name = "令和8年度"\n[budget]\nFY2026 = 18100\n', "cp932",
     "not UTF-8 text (unreadable byte at position 8); it looks like Shift_JIS (Japanese "
     "Windows)", "save the file as UTF-8 text (in Notepad: File > Save As, Encoding UTF-8)"),
    ('{"budget": {"FY2026": 18100}}\n', "utf-8",
     "not valid TOML: Invalid statement (at line 1, column 1); likely cause: the file is "
     "JSON, not TOML", "write the policy in TOML: name = \"FY2026 round\", then [budget] and "
     "FY2026 = 18100 on lines of their own; see models/default.toml"),
    ("# round\nname: FY2026 round\nbudget:\n  FY2026: 18100\n", "utf-8",
     "not valid TOML: Expected '=' after a key in a key/value pair (at line 2, column 5); "
     "likely cause: the file is YAML, not TOML", "write the policy in TOML, each key: value "
     "as key = value: name = \"FY2026 round\", then [budget] and FY2026 = 18100 on lines of "
     "their own; see models/default.toml"),
    ("[予算]\nFY2026 = 18100\n", "utf-8",
     "not valid TOML: Invalid initial character for a key part (at line 1, column 2); likely "
     "cause: line 1 '[予算]': a table name in letters other than ASCII ('予算')",
     "the policy's tables and keys are named in English, as in models/default.toml "
     "([budget], [eligibility], [objective], [priority], ...): write the name so"),
], ids=["shift-jis", "json", "yaml", "japanese table name"])
def test_a_policy_in_another_encoding_or_format_is_named_as_such(
        run: Callable, tmp_path: Path, text: str, encoding: str, rule: str, fix: str) -> None:
    toml = tmp_path / "round.toml"
    toml.write_bytes(text.encode(encoding))
    code, stdout, err = run("validate", "--policy", toml, "--json", "--no-solve")
    assert code == 2 and "Traceback" not in err
    [issue] = json.loads(stdout)["issues"]
    assert (issue["sheet"], issue["rule"], issue["hint"]) == ("policy round.toml", rule, fix)


# ------------------------------------------------- files of other programs
#: The openings of a flat OpenDocument spreadsheet (LibreOffice's .fods) and of an Excel
#: 2003 XML spreadsheet: XML text, which was named 'plain text' with a fix for CSV files.
_FLAT_ODS = (b'<?xml version="1.0" encoding="UTF-8"?>\n<office:document xmlns:office='
             b'"urn:oasis:names:tc:opendocument:xmlns:office:1.0" office:version="1.3" '
             b'office:mimetype="application/vnd.oasis.opendocument.spreadsheet"/>\n')
_EXCEL_2003_XML = (b'<?xml version="1.0"?>\n<?mso-application progid="Excel.Sheet"?>\n'
                   b'<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"/>\n')


def _bytes(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _numbers_file(path: Path) -> Path:
    """The layout of an Apple Numbers document: a zip of .iwa parts, no xl/workbook."""
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("Index/Document.iwa", b"\x00" * 64)
        archive.writestr("Metadata/Properties.plist", b"<plist/>")
    return path


def _zipped_csv_folder(path: Path, tmp_path: Path) -> Path:
    folder = _csv_folder(tmp_path / "round")
    with zipfile.ZipFile(path, "w") as archive:
        for name in ("projects.csv", "countries.csv"):
            archive.write(folder / name, f"round/{name}")
    return path


def _strict_xlsx(path: Path, tmp_path: Path) -> Path:
    """The example as Excel's 'Strict Open XML Spreadsheet' writes it: other namespaces."""
    strict = {b"http://schemas.openxmlformats.org/spreadsheetml/2006/main":
              b"http://purl.oclc.org/ooxml/spreadsheetml/main",
              b"http://schemas.openxmlformats.org/officeDocument/2006/relationships":
              b"http://purl.oclc.org/ooxml/officeDocument/relationships"}
    with zipfile.ZipFile(example_path()) as src, zipfile.ZipFile(path, "w") as out:
        for name in src.namelist():
            data = src.read(name)
            for old, new in strict.items():
                data = data.replace(old, new)
            out.writestr(name, data)
    return path


@pytest.mark.parametrize(("name", "make", "rule", "fix"), [
    ("round.numbers", lambda p, t: _numbers_file(p),
     "not an input workbook or folder but an Apple Numbers spreadsheet, named .numbers",
     "in Numbers, File > Export To > Excel, and give the .xlsx file"),
    ("round.xlsx", lambda p, t: _numbers_file(p),
     "not an Excel workbook (.xlsx) but an Apple Numbers spreadsheet, named .xlsx",
     "in Numbers, File > Export To > Excel, and give the .xlsx file"),
    ("round.zip", _zipped_csv_folder,
     "not an input workbook or folder but a zip archive of CSV files, named .zip",
     "extract it (right-click > Extract All) and give the folder that holds projects.csv and "
     "countries.csv"),
    ("strict.xlsx", _strict_xlsx,
     "a workbook saved as 'Strict Open XML Spreadsheet', whose sheets cannot be read",
     "open it in Excel and save it as 'Excel Workbook (*.xlsx)' (File > Save As)"),
    ("round.fods", lambda p, t: _bytes(p, _FLAT_ODS),
     "not an input workbook or folder but a flat OpenDocument spreadsheet (.fods), named .fods",
     "open it in LibreOffice and save it as an .ods or .xlsx file (File > Save As > ODF "
     "Spreadsheet)"),
    ("round.xlsx", lambda p, t: _bytes(p, _EXCEL_2003_XML),
     "not an Excel workbook (.xlsx) but an Excel 2003 XML spreadsheet, named .xlsx",
     "open it in Excel and save it as an .xlsx workbook (File > Save As > Excel Workbook)"),
], ids=["numbers", "numbers named xlsx", "zipped csv folder", "strict xlsx", "flat ods",
        "excel 2003 xml named xlsx"])
def test_a_file_of_another_program_is_named_for_what_it_is(
        run: Callable, tmp_path: Path, name: str, make: Callable, rule: str, fix: str) -> None:
    """Each was 'not an input workbook or folder' or 'not a readable Excel workbook'; the
    strict workbook opened as one without sheets ('the sheet projects is missing (sheets
    found: )'), with openpyxl's warning on stderr."""
    import warnings

    path = make(tmp_path / name, tmp_path)
    with warnings.catch_warnings(record=True) as shown:
        warnings.simplefilter("always")
        code, stdout, err = run("validate", path, "--json", "--no-solve")
    assert code == 2 and "Traceback" not in err
    assert [str(w.message) for w in shown] == []  # openpyxl's own words are not shown
    [issue] = json.loads(stdout)["issues"]
    assert (issue["sheet"], issue["rule"], issue["hint"]) == (name, rule, fix)


@pytest.mark.parametrize(("found", "rule", "fix"), [
    ("projects.txt", "file not found; the folder holds 'projects.txt'",
     "rename 'projects.txt' to 'projects.csv' (text separated by tabs, and UTF-16 text such as "
     "Excel's 'Unicode Text', is read too)"),
    ("projects.xlsx", "file not found; the folder holds 'projects.xlsx'",
     "save 'projects.xlsx' as projects.csv: in Excel, File > Save As > 'CSV UTF-8 (Comma "
     "delimited)'; or give one workbook holding the sheets projects and countries"),
    ("link", "a link to {gone}, which does not exist",
     "put the CSV file projects.csv in the folder 'round' in its place, or link it to a file "
     "that exists"),
    ("folder", "a folder, not a file",
     "put the CSV file projects.csv in the folder 'round' in its place"),
])
def test_a_csv_file_saved_under_another_name_or_linked_away_is_named(
        run: Callable, tmp_path: Path, found: str, rule: str, fix: str) -> None:
    """Each was 'file not found' with 'the folder must hold projects.csv', though the file
    meant was beside it (Excel saves "Unicode Text" as .txt) or a link pointed nowhere. A
    folder named projects.csv was told "rename 'projects.csv' to 'projects.csv'": it passed
    for a file in other capitals."""
    folder = _csv_folder(tmp_path / "round")
    projects = folder / "projects.csv"
    gone = tmp_path / "gone.csv"
    if found in ("link", "folder"):
        projects.unlink()
        if found == "link":
            projects.symlink_to(gone)
        else:
            projects.mkdir()
    else:
        data = projects.read_text(encoding="utf-8").replace(",", "\t").encode("utf-16")
        projects.rename(folder / found)
        (folder / found).write_bytes(data)
    assert refused(run, folder, tmp_path) == [
        f"projects.csv, row None, column None: {rule.format(gone=gone)} (value '{projects}'). "
        f"Fix: {fix}"]
    if found == "projects.txt":  # the fix, done, reads
        (folder / found).rename(projects)
        assert len(osa_opt.load_problem(folder).projects) == 38


# ------------------------------------------------- a CSV file cut short
def test_a_csv_file_cut_inside_its_last_row_is_refused_not_read_with_blanks(
        run: Callable, tmp_path: Path) -> None:
    """A copy that stopped in P-38's risk (0.09 cut to 0.0) was read with a warning that
    its missing cells were blank: risk 0, no stage, no category; valid."""
    folder = _csv_folder(tmp_path / "round")
    projects = folder / "projects.csv"
    text = projects.read_text(encoding="utf-8").rstrip("\r\n")
    projects.write_text(text[:text.rindex(",0.09,") + 4], encoding="utf-8")
    assert refused(run, folder, tmp_path) == [
        "projects, row 39, column 'risk': the file ends inside row 39, its last: 10 of the "
        "header's 28 cells and no line break after them, so the file looks cut short (a copy, "
        "download or save that did not finish), and its last cell may be cut too (value "
        "'0.0'). Fix: copy the file again, or save the sheet again as CSV from the "
        "spreadsheet; if the row is complete, end it with a line break"]
    projects.write_text(text, encoding="utf-8")  # whole, without a final line break: fine
    assert len(osa_opt.load_problem(folder).projects) == 38


@pytest.mark.parametrize("typed", ["(none)", "<none>", "（なし）", "特になし", "未定", "N/A.", "ー"])
def test_a_placeholder_in_brackets_or_in_japanese_is_not_an_override_reason(
        run: Callable, tmp_path: Path, typed: str) -> None:
    """'(none)' as an override reason counted as the written reason: the override was
    granted, with '(none)' shown as why in every output."""
    path = with_cells(tmp_path / "none.xlsx", ("projects", 3, "override", True),
                      ("projects", 3, "override_reason", typed))
    [message] = refused(run, path, tmp_path)
    assert message.startswith(
        f"projects, row 3, column 'override_reason': {typed!r} looks like a placeholder for "
        f"nothing, but it would be read as the override_reason {typed!r}: a blank cell means "
        "none")


# ------------------------------------------------- one name in two Unicode forms
def test_a_name_with_a_combining_accent_is_the_same_name(run: Callable, tmp_path: Path) -> None:
    """'Aurélia' with é as e + U+0301 (as macOS writes file names, and text copied from
    them) was 'not in the countries sheet. Fix: did you mean 'Aurélia'?', the same word on
    screen; as an exclusive_group it was refused as 'differing only in capitals, spaces or
    width'. By Unicode they are one text (NFC), so they are read as one name."""
    import unicodedata

    nfc, nfd = (unicodedata.normalize(form, "Aurélia") for form in ("NFC", "NFD"))

    def edit(book: Any) -> None:
        countries, projects = book["countries"], book["projects"]
        countries.cell(2, column(countries, "country")).value = nfc
        at = column(projects, "country")
        for row in range(2, projects.max_row + 1):
            if projects.cell(row, at).value == "Aurelia":
                projects.cell(row, at).value = nfc
        projects.cell(3, at).value = nfd
        projects.cell(5, column(projects, "exclusive_group")).value = f"{nfc} boats"
        projects.cell(6, column(projects, "exclusive_group")).value = f"{nfd} boats"

    problem = osa_opt.load_problem(edited(tmp_path / "accents.xlsx", edit))
    assert problem.projects.at["P-02", "country"] == nfc
    assert set(problem.projects.loc[["P-04", "P-05"], "exclusive_group"]) == {f"{nfc} boats"}



# ------------------------------------------------- --out through links
def test_out_a_link_to_an_empty_folder_writes_the_run_there(run: Callable,
                                                           tmp_path: Path) -> None:
    """--out latest, a link to an empty folder, ended in a traceback (StopIteration: the link
    could not be replaced by the run folder, and no other name was allowed)."""
    empty = tmp_path / "runs" / "r1"
    empty.mkdir(parents=True)
    (tmp_path / "latest").symlink_to(empty)
    code, _, err = run("solve", "--out", tmp_path / "latest", "-k", "1", "--no-explain", "-q")
    assert code == 0 and "Traceback" not in err, err
    assert (tmp_path / "latest").is_symlink()
    assert sorted(p.name for p in empty.iterdir()) == [
        "policy.toml", "portfolios.csv", "portfolios.xlsx", "report.html", "run.json"]


@pytest.mark.parametrize("under", [False, True], ids=["the folder", "its parent"])
def test_out_a_link_to_nothing_is_named_as_such(run: Callable, tmp_path: Path,
                                                under: bool) -> None:
    """A link whose target is gone was 'Could not write the run folder: Not a directory'
    (or 'File exists'), after the whole solve."""
    link = tmp_path / "latest"
    link.symlink_to(tmp_path / "gone")
    out = link / "run" if under else link
    code, _, err = run("solve", "--out", out, "-k", "1", "--no-explain", "-q")
    assert code == 2 and "Traceback" not in err
    assert " ".join(err.split()) == (
        f"Error: The output folder {out} cannot be created: {link} is a link to "
        f"{tmp_path / 'gone'}, which does not exist. Give another folder with --out, or leave "
        "--out away for a new folder under ./outputs.")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["latest"]


# ------------------------------------------------- a second header row
@pytest.mark.parametrize("labels", ["japanese", "words"])
def test_a_second_header_row_is_one_problem_not_one_per_cell(run: Callable, tmp_path: Path,
                                                            labels: str) -> None:
    """A row of labels under the headers (項目 names, or the headers in words) was read as
    a project: 22 problems, one per number cell, none saying what the row is."""
    def insert(book: Any) -> None:
        sheet = book["projects"]
        sheet.insert_rows(2)
        for c in range(1, sheet.max_column + 1):
            header = sheet.cell(1, c).value
            sheet.cell(2, c).value = (f"項目{c}" if labels == "japanese"
                                      else header.replace("_", " ").capitalize())

    [message] = refused(run, edited(tmp_path / "labels.xlsx", insert), tmp_path)
    first = "'項目6' under cost_FY2026, '項目7' under score_security, '項目8' under " \
        "score_humanitarian" if labels == "japanese" else "'Cost fy2026' under cost_FY2026, " \
        "'Score security' under score_security, 'Score humanitarian' under score_humanitarian"
    assert message.startswith(
        f"projects, row 2, column None: row 2 looks like a second header row, not a project: "
        f"every number column holds words ({first}, ...)")
    assert message.endswith(
        "Fix: delete the row; the headers of row 1 are the ones read (a column's meaning can go "
        "in a comment on its header cell)")


# ------------------------------------------------- a run folder whose run.json is damaged
def test_a_damaged_run_json_is_named_for_what_is_wrong(run: Callable, tmp_path: Path) -> None:
    """--run on a run.json cut short, or one not osa-opt's, said 'run.json cannot be read
    (list indices must be integers or slices, not str)' or "('inputs')"."""
    folder = tmp_path / "run"
    code, _, err = run("solve", "--out", folder, "-k", "1", "--no-explain", "-q")
    assert code == 0, err
    whole = (folder / "run.json").read_text(encoding="utf-8")
    policy = folder / "policy.toml"
    for damaged, said in [
            (whole[: len(whole) // 2], "is not valid JSON ("),
            ("[1, 2]", "does not record the run's input files (its 'inputs', file name -> "
                       "sha256): it is not a run.json osa-opt wrote, or was edited")]:
        (folder / "run.json").write_text(damaged, encoding="utf-8")
        code, _, err = run("explain", "P-02", "--run", folder)
        err = " ".join(err.split())
        assert code == 2 and "Traceback" not in err
        assert err.startswith(f"Error: --run {folder}: run.json {said}"), err
        assert "the file was cut short or edited" in err or "[" in damaged
        assert err.endswith(f"solve it again, or give the input and --policy {policy}."), err


def test_an_option_s_number_in_full_width_is_told_the_ascii_to_type(run: Callable) -> None:
    """--set eligibility.max_risk=０．５ was 'wrong type str ... write eligibility.max_risk
    as a number', and --budget FY2026=１８，１００ 'write FY=AMOUNT'."""
    code, stdout, _ = run("validate", "--set", "eligibility.max_risk=０．５", "--json",
                          "--no-solve")
    [issue] = json.loads(stdout)["issues"]
    assert code == 2 and (issue["rule"], issue["hint"]) == (
        "a number in full-width (zenkaku) characters (read as text), expected a number",
        "write it with ASCII (hankaku) digits: 0.5")
    code, _, err = run("validate", "--budget", "FY2026=１８，１００", "--no-solve")
    assert code == 2 and "write --budget FY2026=18100 (¥ million, no separators)" in \
        " ".join(err.split())


@pytest.mark.parametrize(("given", "rule", "fix"), [
    ("~$round.xlsx", "Excel's lock file, kept while the workbook is open, not the workbook",
     "give the workbook itself: 'round.xlsx' in the same folder (its name without '~$')"),
    ("._round.xlsx", "a file macOS writes beside 'round.xlsx' on a disk of another system (its "
     "Finder data), not the workbook", "give 'round.xlsx' itself"),
    ("https://example.org/round.xlsx", "file or folder not found", "download the file first "
     "and give its path on this computer: an .xlsx or .ods workbook, or a folder holding "
     "projects.csv and countries.csv"),
    ("~/round.xlsx", "file or folder not found", "the shell leaves a '~' in quotes as it is: "
     "give '{home}/round.xlsx', or the path without quotes; an .xlsx or .ods workbook, or a "
     "folder holding projects.csv and countries.csv"),
], ids=["excel lock file", "macos finder data", "web address", "tilde in quotes"])
def test_a_path_that_is_not_the_workbook_says_which_is(run: Callable, tmp_path: Path,
                                                       given: str, rule: str, fix: str) -> None:
    """Each was 'not a readable Excel workbook' or 'file or folder not found' with the
    generic fix: the lock file Excel keeps beside an open workbook (~$round.xlsx), the
    Finder data macOS writes beside it on a USB disk (._round.xlsx), a web address, a '~'
    the shell left as it is."""
    lock = b"\x05alice" + b" " * 48 + b"\x05\x00a\x00l\x00i\x00c\x00e\x00"
    finder = b"\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X        " + b"\x00" * 64
    path: str | Path = given
    if given.startswith(("~$", "._")):
        path = _bytes(tmp_path / given, lock if given.startswith("~$") else finder)
    code, stdout, _ = run("validate", path, "--json", "--no-solve")
    [issue] = json.loads(stdout)["issues"]
    assert code == 2
    assert (issue["rule"], issue["hint"]) == (rule, fix.format(home=Path.home()))


# ------------------------------------------------- a currency sign on an amount in ¥ million
def test_an_amount_with_a_bare_yen_sign_names_both_readings(run: Callable,
                                                            tmp_path: Path) -> None:
    """'¥1,200' in a cost cell (a currency format shows 1200 so) was told 'is ¥0.0012
    million, so type 0.0012': a fix a thousand times a million off, had the ¥ been the
    format's; a budget '¥18,100' was told 'write 0.0181'. Both readings are named."""
    path = with_cells(tmp_path / "yen.xlsx", ("projects", 3, "cost_FY2026", "¥1,200"))
    [message] = refused(run, path, tmp_path)
    assert message.endswith(
        "Fix: costs are in ¥ million: '¥1,200' could be ¥1,200 million (a ¥ sign added, as a "
        "currency format shows an amount), so type 1200, or ¥1,200 in yen, so type 0.0012")
    toml = tmp_path / "round.toml"
    toml.write_text('[budget]\nFY2026 = "¥18,100"\n', encoding="utf-8")
    code, stdout, _ = run("validate", "--policy", toml, "--json", "--no-solve")
    [issue] = json.loads(stdout)["issues"]
    assert code == 2 and issue["hint"] == (
        "budgets are in ¥ million: '¥18,100' could be ¥18,100 million (a ¥ sign added, as a "
        "currency format shows an amount), so write 18100, or ¥18,100 in yen, so write 0.0181")


# ------------------------------------------------- a number format that divides
def test_a_cost_shown_divided_by_its_number_format_is_refused_naming_both(
        run: Callable, tmp_path: Path) -> None:
    """A cost in yen (850000000) under Excel's format '#,##0,,' shows 850, the ¥ million
    meant: it was read as 850,000,000 ¥ million with only a warning (it costs 46,961 times
    the budget), the project silently out of reach; a column of them was six problems of
    'a cost above 1,000,000,000 ¥ million'."""
    def scale(book: Any) -> None:
        sheet = book["projects"]
        cell = sheet.cell(3, column(sheet, "cost_FY2026"))
        cell.value, cell.number_format = 850_000_000, "#,##0,,"
        sheet.cell(4, column(sheet, "title")).number_format = "#,##0,,"  # text: not a number

    assert refused(run, edited(tmp_path / "scaled.xlsx", scale), tmp_path) == [
        "projects, row 3, column 'cost_FY2026': the format '#,##0,,' shows a number divided "
        "by 1,000,000 (850000000 as 850): 1 cell of the column (row 3) holds one amount and "
        "shows another (value '850000000'). Fix: type each amount as it is meant (850 if the "
        "cell shows what is meant; costs in ¥ million), and give the column a plain number "
        "format (Home > Number > General)"]


def test_a_cost_shown_divided_by_its_number_format_in_an_ods_file_is_refused_alike(
        tmp_path: Path) -> None:
    """LibreOffice writes '#,##0,,' as a number style with display-factor 1000000, in
    styles.xml; a cell names it through its cell style, or through its column's default
    style when the whole column was formatted: the .ods file was read as 850,000,000
    ¥ million where the .xlsx is refused."""
    from odf.namespaces import TABLENS
    from odf.number import Number, NumberStyle
    from odf.opendocument import load
    from odf.style import Style
    from odf.table import Table

    doc = load(str(Path(__file__).resolve().parent / "corpus" / "example.ods"))
    millions = NumberStyle(name="Nmillions")
    millions.addElement(Number(decimalplaces="0", minintegerdigits="1", grouping="true",
                               displayfactor="1000000"))
    doc.styles.addElement(millions)
    doc.automaticstyles.addElement(Style(name="ceM", family="table-cell",
                                         datastylename="Nmillions"))
    projects = next(t for t in doc.spreadsheet.getElementsByType(Table)
                    if t.getAttribute("name") == "projects")
    columns = [c for c in projects.childNodes if c.qname[1] == "table-column"]
    columns[5].setAttrNS(TABLENS, "default-cell-style-name", "ceM")  # F and G, repeated
    rows = [r for r in projects.childNodes if r.qname[1] == "table-row"]
    cells = [c for c in rows[2].childNodes if c.qname[1] == "table-cell"]
    cells[5].setAttrNS(TABLENS, "style-name", "ceM")  # F3: its own style
    cells[5].setAttrNS("urn:oasis:names:tc:opendocument:xmlns:office:1.0", "value",
                       "850000000")
    for cell in [c for c in rows[3].childNodes if c.qname[1] == "table-cell"][5:7]:
        cell.removeAttrNS(TABLENS, "style-name")  # F4, G4: their column's default
    doc.save(str(tmp_path / "scaled.ods"))
    with pytest.raises(osa_opt.errors.InputError) as caught:
        osa_opt.load_problem(tmp_path / "scaled.ods")
    assert [i.message() for i in caught.value.issues] == [
        "projects, row 3, column 'cost_FY2026': the format '#,##0,,' shows a number divided "
        "by 1,000,000 (850000000 as 850): 2 cells of the column (rows 3, 4) hold one amount "
        "and show another (value 850000000). Fix: type each amount as it is meant (850 if "
        "the cell shows what is meant; costs in ¥ million), and give the column a plain "
        "number format (Format > Cells > Numbers > General)"]  # G4, the 0 of FY2027: no harm


def test_a_value_of_control_characters_is_shown_escaped_and_short(run: Callable,
                                                                  tmp_path: Path) -> None:
    """A CSV file padded with 4,096 NUL bytes (a copy that stopped) printed them raw into the
    terminal's table of problems: an invisible cell 4,096 characters wide."""
    folder = _csv_folder(tmp_path / "round")
    projects = folder / "projects.csv"
    projects.write_bytes(projects.read_bytes() + b"\x00" * 4096)
    code, _, err = run("validate", folder, "--no-solve")
    assert code == 2 and "\x00" not in err
    assert "\\x00\\x00" in err and "… (4,096 characters)" in " ".join(err.split())
