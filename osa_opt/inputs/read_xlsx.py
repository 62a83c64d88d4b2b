"""Reading an Excel workbook (.xlsx, .xlsm) into raw tables, one per input sheet.

openpyxl reads the values (and, a second time, the formulas saved without a value); the
sheet's own XML what read-only openpyxl leaves out: merged ranges, hidden rows and columns,
the cells' number formats and colours, an Excel table's totals row.

What every workbook format shares is worded in modules the .ods reader uses too: what a
file that does not open is (``file_kinds.py``), which sheet is read (``sheet_choice.py``),
merged cells and hidden rows and columns (``sheet_layout.py``), numbers a format shows
otherwise (``number_formats.py``), formulas (``formula_cells.py``).
"""

from __future__ import annotations

import io
import re
import warnings
import zipfile
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from osa_opt.errors import Issue
from osa_opt.inputs.file_kinds import (
    damaged_issue,
    encrypted,
    locked_issue,
    missing_parts,
    repair_hint,
    shared_strings_lacking,
    unreadable_issue,
)
from osa_opt.inputs.formula_cells import (
    formula_issues,
    linked_formula_warnings,
    other_row_formula_warnings,
    route,
)
from osa_opt.inputs.headers import find_header, table
from osa_opt.inputs.number_formats import (
    currency_issues,
    display_currency,
    display_divisor,
    hidden_number_issues,
    percent_issues,
    scaled_number_issues,
    shows_percent,
)
from osa_opt.inputs.schema import SHEETS
from osa_opt.inputs.sheet_choice import pick_sheets, variant_of
from osa_opt.inputs.sheet_layout import (
    Merge,
    hidden_column_warnings,
    hidden_row_warnings,
    merged_issues,
)
from osa_opt.inputs.sheet_rows import (
    cut_short_issue,
    repeated_row_issue,
    row_order,
    sheet_rows,
)
from osa_opt.inputs.struck_cells import (
    CELL_REF,
    CELL_STYLE,
    shared_struck,
    struck_cells,
    struck_issues,
)
from osa_opt.inputs.suspect_cells import SUMS_ATTR, TOTALS_ATTR, sum_rows

#: The namespace of a workbook Excel saves as "Strict Open XML Spreadsheet" (ISO 29500
#: strict), which openpyxl opens as a workbook without sheets.
_STRICT = b"http://purl.oclc.org/ooxml/spreadsheetml/main"


def strict_xml(data: bytes) -> bool:
    """Whether the bytes are an .xlsx saved in the strict form of Office Open XML."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return _STRICT in archive.read("xl/workbook.xml")
    except (KeyError, zipfile.BadZipFile, OSError, ValueError):
        return False


def _open_book(data: bytes, data_only: bool = True) -> Any:
    """openpyxl's read-only workbook of ``data`` (its values, or with ``data_only=False``
    its formulas), its warnings kept off stderr: what it cannot read ("invalid
    specification", an unsupported extension) is ours to say."""
    import openpyxl

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=data_only)


def read_workbook(path: Path, data: bytes, issues: list[Issue], warnings: list[Issue],
                  cells: list[Issue] | None = None) -> dict[str, pd.DataFrame]:
    """The input sheets of an .xlsx workbook as raw tables. Problems of the file or a sheet
    go to ``issues``; problems of cells, which leave the table readable (a formula saved
    without its value, a cost column formatted in dollars or divided for display), to
    ``cells`` when given, to be listed with the tables' other problems (else to ``issues``)."""
    from openpyxl.utils import get_column_letter

    if cells is None:
        cells = issues
    from openpyxl.utils.datetime import CALENDAR_MAC_1904

    from osa_opt.inputs.numbers import EPOCH_1904, EPOCH_ATTR

    try:
        book = _open_book(data)
    except Exception:  # noqa: BLE001 - whatever fails to open is "not a workbook" to a user
        missing = [] if encrypted(data) else missing_parts(data)
        issues.append(locked_issue(path.name) if encrypted(data) else
                      damaged_issue(path, missing) if missing else
                      unreadable_issue(path, data, "an Excel workbook (.xlsx)",
                                       "open the file in Excel and save it as an .xlsx "
                                       "workbook"))
        return {}
    if not book.sheetnames and strict_xml(data):
        book.close()
        issues.append(Issue(path.name, None, None, str(path), "a workbook saved as 'Strict "
                            "Open XML Spreadsheet', whose sheets cannot be read",
                            "open it in Excel and save it as 'Excel Workbook (*.xlsx)' (File "
                            "> Save As)"))
        return {}
    tables: dict[str, pd.DataFrame] = {}
    formulas = _formula_cells(data)
    recalculated = bool(formulas) and recalculated_on_load(data)
    struck = shared_struck(data)  # shared strings with a struck run, read once
    try:
        hidden = {s.title for s in book.worksheets if s.sheet_state != "visible"}
        chosen = pick_sheets(path.name, book.sheetnames, hidden, issues, warnings)
        for sheet, name in chosen.items():
            try:
                xml = _sheet_xml(data, book[name])
                order = row_order(xml)
                rows = [] if order.repeated else sheet_rows(data, book[name], order.sorted)
            except Exception:  # noqa: BLE001 - a corrupt sheet inside a valid zip
                why = shared_strings_lacking(data, _sheet_xml(data, book[name]))
                issues.append(Issue(path.name, None, None, sheet, f"the sheet {sheet!r} cannot "
                                    "be read" + (f": {why}; the workbook is damaged (a "
                                                 "program wrote it incompletely, or it was "
                                                 "edited in part)" if why else ""),
                                    "open the file in Excel and save it again" if not why
                                    else repair_hint("the text cells")))
                continue
            if order.repeated:  # two <row r="5">: which cells are row 5 cannot be told
                issues.append(repeated_row_issue(path.name, sheet, order.repeated))
                continue
            cut = cut_short_issue(path.name, sheet, xml, order.last)
            if cut is not None:  # fewer rows than the sheet says it has: some were lost
                issues.append(cut)
                continue
            numbered = list(enumerate(rows, start=1))
            issues += merged_issues(sheet, numbered, _merged_ranges(xml))
            warnings += hidden_row_warnings(sheet, numbered, _hidden_rows(xml),
                                            _flat_rows(xml))
            warnings += hidden_column_warnings(sheet, numbered, _hidden_columns(xml),
                                               _flat_columns(xml))
            uncomputed = {}  # formulas saved without a value (with one, the value is read,
            # unless the file asks to be recalculated: its values were never computed)
            written = False
            for (r, c), text in formulas.get(name, {}).items():
                if r <= len(rows):
                    row = [*rows[r - 1], *[None] * (c + 1 - len(rows[r - 1]))]
                    if row[c] is None or recalculated:
                        # =FALSE(), as LibreOffice saves every true or false cell: its value
                        # needs no computing (openpyxl drops it when it saves the file)
                        constant = _BOOLEAN_FORMULA.get(text.replace(" ", "").upper())
                        if constant is None:
                            uncomputed[r, c] = text
                        row[c] = text if constant is None else constant
                        rows[r - 1] = tuple(row)
                        written = True
            if written:  # the formulas' text (or known value) now stands in their cells
                numbered = list(enumerate(rows, start=1))
            route(formula_issues(sheet, numbered, uncomputed), issues, cells)
            valued = {cell: text for cell, text in formulas.get(name, {}).items()
                      if cell not in uncomputed}
            warnings += linked_formula_warnings(sheet, numbered, valued)
            warnings += other_row_formula_warnings(sheet, numbered, valued)
            at = find_header(sheet, numbered)
            cells += scaled_number_issues(sheet, numbered, at, _scaled_cells(book, xml))
            cells += currency_issues(sheet, numbered, at, _currency_cells(book, xml))
            cells += percent_issues(sheet, numbered, at, _percent_cells(book, xml))
            # a struck or hidden cell holds a value that reads: listed with the tables'
            # other problems, so one run names them all (not a stop that hides the rest)
            route(struck_issues(sheet, numbered, at, struck_cells(xml, book, struck)),
                  issues, cells)
            route(_hidden_number_issues(sheet, numbered, at, book, xml), issues, cells)
            route(_same_colour_issues(sheet, numbered, at, book, xml), issues, cells)
            tables[sheet] = table(sheet, numbered, issues, warnings,
                                  lambda i: f"column {get_column_letter(i + 1)}", at)
            if getattr(book, "epoch", None) == CALENDAR_MAC_1904:  # dates count from 1904
                tables[sheet].attrs[EPOCH_ATTR] = EPOCH_1904
            totals = table_totals_rows(data, book[name])
            if totals:  # an Excel table's totals row: named as such in validation
                tables[sheet].attrs[TOTALS_ATTR] = totals
            sums = sum_rows(numbered, formulas.get(name, {}), at)
            if sums:  # a totals row without a label (=SUM(...) under the costs)
                tables[sheet].attrs[SUMS_ATTR] = sums
    finally:
        book.close()
    return tables


_CELL_TAG = re.compile(rb'<(?:\w+:)?c\b([^>]*)>')


def _styled_cells(book: Any, xml: bytes, pick: Any,
                  builtin: bool = False) -> dict[tuple[int, int], Any]:
    """(Excel row, column from 0) -> ``pick(number format)`` of the cells whose workbook
    format ``pick`` finds something in (not None); read-only openpyxl gives no formats, so
    the styles and the sheet's XML are read. Excel's built-in formats (ids below 164) are
    left alone unless ``builtin``: their currency is the locale's (``0%`` is id 9)."""
    from openpyxl.styles.numbers import BUILTIN_FORMATS
    from openpyxl.utils import column_index_from_string

    try:
        styles, formats = book._cell_styles, book._number_formats
    except AttributeError:
        return {}
    picked = {}
    for i, style in enumerate(styles):
        at = style.numFmtId - 164
        code = formats[at] if 0 <= at < len(formats) else \
            BUILTIN_FORMATS.get(style.numFmtId) if builtin and at < 0 else None
        found = pick(code) if code is not None else None
        if found is not None:
            picked[str(i).encode()] = found
    if not picked:
        return {}
    out = {}
    for attributes in _CELL_TAG.findall(xml):
        style, ref = CELL_STYLE.search(attributes), CELL_REF.search(attributes)
        if style and ref and style.group(1) in picked:
            column = column_index_from_string(ref.group(1).decode()) - 1
            out[int(ref.group(2)), column] = picked[style.group(1)]
    return out


def _scaled_cells(book: Any, xml: bytes) -> dict[tuple[int, int], tuple[str, int]]:
    """(Excel row, column from 0) -> (number format, divisor) of the cells whose format
    shows their value divided; nothing when no style of the workbook scales."""
    return _styled_cells(book, xml, lambda code: (code, display_divisor(code))
                         if display_divisor(code) > 1 else None)


def _currency_cells(book: Any, xml: bytes) -> dict[tuple[int, int], tuple[str, str]]:
    """(Excel row, column from 0) -> (the format, in words; currency) of the cells whose
    format shows a currency other than the yen."""
    return _styled_cells(book, xml, lambda code: (f"the format {code!r}",
                                                  display_currency(code))
                         if display_currency(code) else None)


def _percent_cells(book: Any, xml: bytes) -> dict[tuple[int, int], str]:
    """(Excel row, column from 0) -> number format of the cells formatted as percentages."""
    return _styled_cells(book, xml, lambda code: code if shows_percent(code) else None,
                         builtin=True)


def _hidden_number_issues(sheet: str, rows: Sequence[tuple[int, Sequence[Any]]], at: int,
                          book: Any, xml: bytes) -> list[Issue]:
    """Number cells whose format hides their number (``;;;``, ``"TBD"``): see
    :mod:`osa_opt.inputs.hidden_values`."""
    from osa_opt.inputs.hidden_values import hidden_text, hidden_text_issues, hides_numbers

    marked = _styled_cells(book, xml, lambda code: code if hides_numbers(code) or
                           hidden_text(code) is not None else None)
    return [*hidden_number_issues(sheet, rows, at, marked),
            *hidden_text_issues(sheet, rows, at, marked)]


def _same_colour_issues(sheet: str, rows: Sequence[tuple[int, Sequence[Any]]], at: int,
                        book: Any, xml: bytes) -> list[Issue]:
    """Cells written in the colour of their background (white on white): see
    :mod:`osa_opt.inputs.hidden_values`."""
    from openpyxl.utils import column_index_from_string

    from osa_opt.inputs.hidden_values import same_colour_issues, same_colour_styles

    styles = same_colour_styles(book)
    if not styles:
        return []
    marked = {}
    for attributes in _CELL_TAG.findall(xml):
        style, ref = CELL_STYLE.search(attributes), CELL_REF.search(attributes)
        if style and ref and style.group(1) in styles:
            marked[int(ref.group(2)), column_index_from_string(ref.group(1).decode()) - 1] = 1
    return same_colour_issues(sheet, rows, at, marked)


_MERGE_CELL = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*?\bref="([A-Z]+)(\d+):([A-Z]+)(\d+)"')


def _sheet_xml(data: bytes, sheet: Any) -> bytes:
    """The XML of a read-only sheet (openpyxl's read-only mode reads neither merged ranges
    nor hidden rows), or nothing."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return bytes(archive.read(sheet._worksheet_path))
    except (AttributeError, KeyError, zipfile.BadZipFile, OSError, ValueError, zlib.error):
        return b""


_TABLE_REL = re.compile(rb'<(?:\w+:)?Relationship\b[^>]*?\bType="[^"]*/table"[^>]*>')
_TARGET = re.compile(rb'\bTarget="([^"]+)"')
_TABLE_TAG = re.compile(rb'<(?:\w+:)?table\b([^>]*)>')
_TABLE_REF = re.compile(rb'\bref="[A-Z]+\d+:[A-Z]+(\d+)"')
_TOTALS_COUNT = re.compile(rb'\btotalsRowCount="(\d+)"')
_TABLE_NAME = re.compile(rb'\b(?:displayName|name)="([^"]*)"')


def table_totals_rows(data: bytes, sheet: Any) -> dict[int, str]:
    """Excel row -> table name of the rows that are an Excel table's totals row (Insert >
    Table, then Table Design > Total Row: the table's definition counts them,
    ``totalsRowCount="1"``, whatever the row says: ``Total``, Japanese Excel's ``集計``, or
    nothing beside its sums); nothing when the sheet has no table with one."""
    import posixpath

    try:
        path = sheet._worksheet_path
        folder, name = posixpath.split(path)
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            rels = f"{folder}/_rels/{name}.rels"
            if rels not in names:
                return {}
            out: dict[int, str] = {}
            for tag in _TABLE_REL.findall(archive.read(rels)):
                target = _TARGET.search(tag)
                if target is None:
                    continue
                where = target.group(1).decode()
                where = where.lstrip("/") if where.startswith("/") else \
                    posixpath.normpath(posixpath.join(folder, where))
                if where not in names:
                    continue
                head = _TABLE_TAG.search(archive.read(where))
                count = _TOTALS_COUNT.search(head.group(1)) if head else None
                ref = _TABLE_REF.search(head.group(1)) if head else None
                if head is None or count is None or ref is None or not int(count.group(1)):
                    continue
                title = _TABLE_NAME.search(head.group(1))
                label = title.group(1).decode() if title else "Table"
                last = int(ref.group(1))
                out.update((row, label) for row in range(last - int(count.group(1)) + 1,
                                                         last + 1))
            return out
    except (AttributeError, KeyError, zipfile.BadZipFile, OSError, ValueError, zlib.error):
        return {}


_HIDDEN_ROW = re.compile(rb'<(?:\w+:)?row\b[^>]*?\bhidden="(?:1|true)"[^>]*>')
_ROW_NUMBER = re.compile(rb'\br="(\d+)"')


def _hidden_rows(xml: bytes) -> set[int]:
    """Rows hidden by the hidden flag (a filter, or by hand)."""
    return _row_numbers(_HIDDEN_ROW.findall(xml)) if b'hidden="' in xml else set()


def _row_numbers(tags: list[bytes]) -> set[int]:
    """The Excel row numbers of ``<row r=...>`` tags."""
    return {int(m.group(1)) for tag in tags if (m := _ROW_NUMBER.search(tag))}


#: A row of a height under a point (``<row r="5" ht="0" customHeight="1">``, as a program
#: writes one hidden without the hidden flag): shown as no row at all.
_FLAT_ROW = re.compile(rb'<(?:\w+:)?row\b[^>]*?\bht="0(?:\.\d*)?"[^>]*>')
#: A column of a width under a tenth of a character (``<col min="6" max="6" width="0">``).
_FLAT_COLUMN = re.compile(rb'<(?:\w+:)?col\b[^>]*?\bwidth="0(?:\.0\d*)?"[^>]*>')


#: A sheet whose rows are of height 0 unless given one (``<sheetFormatPr zeroHeight="1">``,
#: Excel's way of hiding most rows of a sheet): a row without a height shows as none.
_ZERO_HEIGHT = re.compile(rb'<(?:\w+:)?sheetFormatPr\b[^>]*?\bzeroHeight="(?:1|true)"')
_ROW_TAG = re.compile(rb'<(?:\w+:)?row\b[^>]*>')
_HEIGHT = re.compile(rb'\bht="([\d.]+)"')


def _flat_rows(xml: bytes) -> set[int]:
    """Rows of a height of 0 (under a point), hidden without ``hidden="1"``: a row of
    ``ht="0"``, and on a sheet of ``zeroHeight="1"`` every row not given a height of a
    point or more (the default height is then 0)."""
    head = xml[:xml.find(b"sheetData")]
    if b"zeroHeight" in head and _ZERO_HEIGHT.search(head):
        return _row_numbers([tag for tag in _ROW_TAG.findall(xml)
                             if not ((m := _HEIGHT.search(tag)) and float(m.group(1)) >= 1)])
    return _row_numbers(_FLAT_ROW.findall(xml)) if b'ht="0' in xml else set()


def _flat_columns(xml: bytes) -> set[int]:
    """Indices (from 0) of the columns of a width of 0, hidden without ``hidden="1"``."""
    head = xml[:xml.find(b"sheetData")]
    return _column_spans(_FLAT_COLUMN.findall(head)) if b'width="0' in head else set()


_HIDDEN_COLUMN = re.compile(rb'<(?:\w+:)?col\b[^>]*?\bhidden="(?:1|true)"[^>]*>')
_COLUMN_SPAN = (re.compile(rb'\bmin="(\d+)"'), re.compile(rb'\bmax="(\d+)"'))
#: Excel's last column (XFD).
_LAST_COLUMN = 16_384


def _hidden_columns(xml: bytes) -> set[int]:
    """Indices (from 0) of the columns hidden by ``<col hidden="1">``: the ``<cols>`` block
    stands before the rows, so only the sheet's head is searched."""
    head = xml[:xml.find(b"sheetData")]
    if b'hidden="' not in head:
        return set()
    return _column_spans(_HIDDEN_COLUMN.findall(head))


def _column_spans(tags: list[bytes]) -> set[int]:
    """Indices (from 0) of the columns of ``<col min= max=>`` tags."""
    out: set[int] = set()
    for tag in tags:
        first, last = (m.group(1) if (m := pattern.search(tag)) else None
                       for pattern in _COLUMN_SPAN)
        if first:
            out.update(range(int(first) - 1, min(int(last or first), _LAST_COLUMN)))
    return out


def _merged_ranges(xml: bytes) -> list[Merge]:
    from openpyxl.utils import column_index_from_string

    return [(int(r1), column_index_from_string(c1.decode()) - 1, int(r2),
             column_index_from_string(c2.decode()) - 1)
            for c1, r1, c2, r2 in _MERGE_CELL.findall(xml)]


_FULL_CALC = re.compile(rb'<(?:\w+:)?calcPr\b[^>]*\bfullCalcOnLoad="(?:1|true)"')


def recalculated_on_load(data: bytes) -> bool:
    """Whether the workbook asks to have every formula computed when it is opened
    (``<calcPr fullCalcOnLoad="1"/>``): what a program that does not compute formulas
    writes, XlsxWriter (pandas' writer) with the value 0 stored for every formula, so the
    values stored with its formulas are placeholders, not what Excel shows. Excel and
    LibreOffice compute the formulas and leave the flag out when they save the file."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return _FULL_CALC.search(archive.read("xl/workbook.xml")) is not None
    except (KeyError, zipfile.BadZipFile, OSError, ValueError, zlib.error):
        return False


#: Formulas of a known value: LibreOffice writes each true or false cell as one.
_BOOLEAN_FORMULA = {"=TRUE()": True, "=FALSE()": False, "=TRUE": True, "=FALSE": False}


def _formula_cells(data: bytes) -> dict[str, dict[tuple[int, int], str]]:
    """Formula text by sheet and (Excel row, column index), for formulas saved without a value.

    A workbook written by a program (openpyxl, pandas) keeps a formula but no computed value;
    read for values, the cell comes back blank and a cost would silently become 0. Its text
    is read instead, so the cell is reported ("must be a number", value '=B2*2').
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if not any(b"</f>" in archive.read(name) for name in archive.namelist()
                       if name.startswith("xl/worksheets/")):
                return {}  # no formula anywhere: spare the second reading
        book = _open_book(data, data_only=False)
    except Exception:  # noqa: BLE001 - the first reading already judged the file
        return {}
    out: dict[str, dict[tuple[int, int], str]] = {}
    try:
        for name in book.sheetnames:
            if not any(variant_of(name, s) or name == s for s in SHEETS):
                continue
            cells = out.setdefault(name, {})
            order = row_order(_sheet_xml(data, book[name]))
            for r, row in enumerate(sheet_rows(data, book[name], order.sorted, data_only=False),
                                    start=1):
                for c, value in enumerate(row):
                    text = getattr(value, "text", value)  # ArrayFormula keeps its text
                    if isinstance(text, str) and text.startswith("="):
                        cells[(r, c)] = text
    except Exception:  # noqa: BLE001 - best effort; the values were read already
        return {}
    finally:
        book.close()
    return out
