"""Formulas of an .ods file read as an .xlsx file's are: a formula pasted from another row,
or reading another sheet or workbook, is read as the value it shows, with the warning the
.xlsx reader gives (an .ods file writes its references otherwise: ``of:=[.F11]*1.1``,
``of:=[$countries.A8]``, ``of:=['file:///data/pipeline.ods'#$Sheet1.F5]``).
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from conftest import require_program

from osa_opt.data import example_path
from osa_opt.inputs.readers import read_input


def ods_book(path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    """An .ods file of ``sheets`` (name -> rows of cells): a cell is a number, a text, None,
    or (formula as the file writes it, the value saved with it)."""
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    doc = OpenDocumentSpreadsheet()
    for name, rows in sheets.items():
        table = Table(name=name)
        for row in rows:
            tr = TableRow()
            for value in row:
                formula = None
                if isinstance(value, tuple):
                    formula, value = value
                if value is None:
                    cell = TableCell()
                elif isinstance(value, int | float):
                    cell = TableCell(valuetype="float", value=value)
                    cell.addElement(P(text=str(value)))
                else:
                    cell = TableCell(valuetype="string")
                    cell.addElement(P(text=str(value)))
                if formula is not None:
                    cell.setAttribute("formula", formula)
                tr.addElement(cell)
            table.addElement(tr)
        doc.spreadsheet.addElement(table)
    doc.save(str(path))
    return path


HEADER = ["project_id", "country", "cost_FY2026"]
COUNTRIES = [["country", "region"], ["Aurelia", "Pacific"], ["Coralia", "Pacific"]]


def warnings_of(path: Path) -> list[str]:
    return [w.message() for w in read_input(path).warnings]


def test_a_formula_of_an_ods_file_pasted_from_another_row_is_warned(tmp_path: Path) -> None:
    """Row 4's ``=C3*1.1`` pasted into row 3 reads ``=C2*1.1`` (``of:=[.C2]*1.1`` in the
    file), the row above's cost: an .xlsx file so is warned about, the .ods was read
    silently as the other project's value. A formula reading its own row is not named."""
    path = ods_book(tmp_path / "pasted.ods", {
        "projects": [HEADER, ["P-01", "Aurelia", 100],
                     ["P-02", "Aurelia", ("of:=[.C2]*1.1", 110)],
                     ["P-03", "Coralia", ("of:=[.$C$4]*1", 120)]],
        "countries": COUNTRIES})
    assert warnings_of(path) == [
        "projects, row 3, column 'cost_FY2026': 1 cell of cost_FY2026 (row 3) is a formula "
        "reading another row of the table (=C2*1.1 in row 3 reads row 2, read as 110): a "
        "formula pasted from another row reads that row's cells, not its own, so it may hold "
        "another project's value (value '=C2*1.1'). Fix: nothing to do if the values are "
        "right; if a formula is to read its own row, make it refer to that row (=C3*1.1 in "
        "row 3); to keep the values as they are, copy the cells and paste them as values "
        "(Paste Special > Values)"]


def test_a_formula_of_an_ods_file_reading_another_sheet_or_file_is_warned(
        tmp_path: Path) -> None:
    """A country read from the countries sheet (``of:=[$countries.A2]``) and one from
    another file (``['file:///data/pipeline.ods'#$Sheet1.B5]``, as LibreOffice writes a
    link): each is the value it shows, which moves when that sheet is sorted; warned in an
    .xlsx file, read silently in an .ods one."""
    path = ods_book(tmp_path / "linked.ods", {
        "projects": [HEADER, ["P-01", ("of:=[$countries.A2]", "Aurelia"), 100],
                     ["P-02", ("of:=['file:///data/pipeline.ods'#$Sheet1.B5]", "Coralia"),
                      110]],
        "countries": COUNTRIES})
    assert warnings_of(path) == [
        "projects, row 2, column 'country': 2 cells of country (rows 2, 3) are formulas "
        "reading another sheet or workbook (=countries!A2 in row 2, read as 'Aurelia'): each "
        "is read as the value it shows, which changes if that sheet is sorted or its rows "
        "moved, and a link to another workbook is not updated (value '=countries!A2'). Fix: "
        "nothing to do if the values are right; to keep them as they are, copy the cells and "
        "paste them as values (Paste Special > Values)"]


@pytest.mark.slow
def test_libreoffice_s_ods_and_xlsx_of_one_workbook_warn_alike(tmp_path: Path) -> None:
    """The shipped example with row 11's cost formula pasted into row 12 (``=F11*1.1``) and
    a country read from the countries sheet (``=countries!A8``), saved by LibreOffice as
    .xlsx and as .ods: the .xlsx warned of both, the .ods of neither."""
    from openpyxl.utils import get_column_letter

    book = openpyxl.load_workbook(example_path())
    sheet = book["projects"]
    column = {c.value: c.column for c in sheet[1]}
    letter = get_column_letter(column["cost_FY2026"])
    sheet.cell(12, column["cost_FY2026"]).value = f"={letter}11*1.1"
    sheet.cell(14, column["country"]).value = "=countries!A8"
    book.save(tmp_path / "typed.xlsx")
    soffice = require_program(("soffice", "libreoffice"),
                              "apt-get install -y libreoffice-calc-nogui")
    for suffix in ("xlsx", "ods"):
        subprocess.run([soffice, f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}",
                        "--headless", "--convert-to", suffix, "--outdir",
                        str(tmp_path / suffix), str(tmp_path / "typed.xlsx")],
                       check=True, capture_output=True, timeout=300)
    xlsx, ods = (warnings_of(tmp_path / suffix / f"typed.{suffix}")
                 for suffix in ("xlsx", "ods"))
    assert [w.split(" read as")[0] for w in ods] == [
        "projects, row 14, column 'country': 1 cell of country (row 14) is a formula reading "
        "another sheet or workbook (=countries!A8 in row 14,",
        "projects, row 12, column 'cost_FY2026': 1 cell of cost_FY2026 (row 12) is a formula "
        "reading another row of the table (=F11*1.1 in row 12 reads row 11,"]
    assert ods == xlsx
