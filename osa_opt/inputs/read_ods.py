"""Reading an OpenDocument spreadsheet (.ods, LibreOffice's own format) into raw tables.

Cells come back as Excel's do: numbers as floats, booleans as bools, dates as datetimes,
text as text; repeated and covered (merged) cells expand, so row numbers are the ones the
spreadsheet shows. Formulas are read as the value saved with them, their references taken
as Excel writes them (``[.F11]`` is ``F11``), so that a formula pasted from another row or
reading another sheet is warned about as an .xlsx file's is (``formula_cells.py``).
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from osa_opt.errors import Issue
from osa_opt.inputs.file_kinds import encrypted, locked_issue, unreadable_issue
from osa_opt.inputs.formula_cells import (
    linked_formula_warnings,
    other_row_formula_warnings,
    reader_cell_issues,
    route,
)
from osa_opt.inputs.headers import find_header, table
from osa_opt.inputs.hidden_values import (
    hidden_text_issues,
    ods_number_codes,
    ods_same_colour_styles,
    same_colour_issues,
)
from osa_opt.inputs.number_formats import (
    currency_issues,
    display_currency,
    display_divisor,
    hidden_number_issues,
    percent_issues,
    scaled_number_issues,
    shows_percent,
)
from osa_opt.inputs.ods_styles import data_styles
from osa_opt.inputs.sheet_choice import pick_sheets
from osa_opt.inputs.sheet_layout import (
    Merge,
    hidden_column_warnings,
    hidden_row_warnings,
    merged_issues,
)
from osa_opt.inputs.sheet_rows import ods_filled_cells
from osa_opt.inputs.struck_cells import ods_struck_cells, struck_issues
from osa_opt.inputs.suspect_cells import (
    FORMULA_HINT,
    FORMULA_RULE,
    SUMS_ATTR,
    shown_formula,
    sum_rows,
)

#: Rows and columns an .ods file may repeat before it is "the rest of the sheet" (empty).
_MAX_REPEAT = 10_000


def read_ods(path: Path, data: bytes, issues: list[Issue], warnings: list[Issue],
             cells: list[Issue] | None = None) -> dict[str, pd.DataFrame]:
    """The input sheets of an .ods file as raw tables; ``issues``, ``warnings`` and
    ``cells`` as :func:`~osa_opt.inputs.read_xlsx.read_workbook` takes them."""
    from openpyxl.utils import get_column_letter

    if cells is None:
        cells = issues

    try:
        from odf.opendocument import load
    except ImportError:  # pragma: no cover - a dependency; only a broken install lacks it
        issues.append(Issue(path.name, None, None, str(path), ".ods files need the odfpy "
                            "package", "pip install odfpy, or save the file as .xlsx"))
        return {}
    if encrypted(data):
        issues.append(locked_issue(path.name))
        return {}
    try:
        doc = load(io.BytesIO(data))
        sheets = _tables(doc)
    except Exception:  # noqa: BLE001 - whatever fails to open is "not a spreadsheet"
        issues.append(unreadable_issue(path, data, "an OpenDocument spreadsheet (.ods)",
                                       "open the file in LibreOffice Calc and save it again "
                                       "as .ods (or as .xlsx)"))
        return {}
    hidden = {name for name, (_, shown) in sheets.items() if not shown}
    chosen = pick_sheets(path.name, list(sheets), hidden, issues, warnings)
    codes = ods_number_codes(doc)
    formats = data_styles(doc) if codes else {}
    styles = _scaling_styles(doc, codes, formats) if codes else {}
    hiding = _hiding_styles(codes, formats)
    in_currency = _currency_styles(codes, formats)
    in_percent = _percent_styles(codes, formats)
    flat_rows, flat_columns = _zero_size_styles(doc)
    unseen = dict.fromkeys(ods_same_colour_styles(doc), True)
    tables = {}
    for sheet, name in chosen.items():
        merges: list[Merge] = []
        hidden_rows: set[int] = set()
        zero_rows: set[int] = set()
        scaled: dict[tuple[int, int], tuple[str, int]] = {}
        hidden_numbers: dict[tuple[int, int], str] = {}
        unreadable: dict[tuple[int, int], tuple[str, str, str]] = {}
        currencies: dict[tuple[int, int], tuple[str, str]] = {}
        percents: dict[tuple[int, int], bool] = {}
        formulas: dict[tuple[int, int], str] = {}
        styled_currencies: dict[tuple[int, int], tuple[str, str]] = {}
        styled_percents: dict[tuple[int, int], bool] = {}
        element = sheets[name][0]
        rows = _rows(element, merges, hidden_rows,
                     [(styles, _column_styles(element, styles), scaled),
                      (hiding, _column_styles(element, hiding), hidden_numbers),
                      (in_currency, _column_styles(element, in_currency), styled_currencies),
                      (in_percent, _column_styles(element, in_percent), styled_percents)],
                     unreadable, currencies, (flat_rows, zero_rows), percents, formulas)
        # a format's currency or percentage counts where the file marks the cell otherwise
        currencies = {**styled_currencies, **currencies}
        percents = {**styled_percents, **percents}
        route(reader_cell_issues(sheet, rows, unreadable), issues, cells)
        # formulas saved with their value, their references as Excel writes them
        # (=[.F11]*1.1 is =F11*1.1): read as the value shown, as an .xlsx file's are
        valued = {cell: shown_formula(text) for cell, text in formulas.items()
                  if cell not in unreadable}
        warnings += linked_formula_warnings(sheet, rows, valued)
        warnings += other_row_formula_warnings(sheet, rows, valued)
        issues += merged_issues(sheet, rows, merges)
        warnings += hidden_row_warnings(sheet, rows, hidden_rows, zero_rows)
        warnings += hidden_column_warnings(sheet, rows, _hidden_columns(element),
                                           _hidden_columns(element, flat_columns))
        at = find_header(sheet, rows)
        cells += scaled_number_issues(sheet, rows, at, scaled,
                                      "Format > Cells > Numbers > General")
        cells += hidden_number_issues(sheet, rows, at, hidden_numbers,
                                      "Format > Cells > Numbers > General")
        cells += currency_issues(sheet, rows, at, currencies,
                                 "Format > Cells > Numbers > General")
        cells += percent_issues(sheet, rows, at, percents, "Format > Cells > Numbers > General")
        route(struck_issues(sheet, rows, at, ods_struck_cells(
            doc, _row_elements(element), _MAX_REPEAT)), issues, cells)
        if hiding:  # text its format hides (;;;), as numbers are above
            cells += hidden_text_issues(sheet, rows, at, _styled_cells(
                _row_elements(element), hiding, _column_styles(element, hiding)),
                "Format > Cells > Numbers > General")
        if unseen:  # text in the colour of its background (white on white)
            route(same_colour_issues(sheet, rows, at, _styled_cells(
                _row_elements(element), unseen, _column_styles(element, unseen)),
                "Format > Cells > Font Effects > Font color: Automatic"), issues, cells)
        tables[sheet] = table(sheet, rows, issues, warnings,
                              lambda i: f"column {get_column_letter(i + 1)}", at)
        totals = sum_rows(rows, valued, at)
        if totals:  # a totals row without a label (=SUM(...) under the costs)
            tables[sheet].attrs[SUMS_ATTR] = totals
    return tables


def _scaling_styles(doc: Any, codes: Mapping[str, str],
                    data: Mapping[str, str]) -> dict[str, tuple[str, int]]:
    """Cell style name -> (format code, divisor) of the cell styles whose number format
    shows a value divided (``number:display-factor="1000000"``, which LibreOffice writes for
    ``#,##0,,``), a number, currency or percentage format alike (``[$¥-411]#,##0,,``, yen
    shown in millions); the number formats sit in styles.xml or content.xml, the cell styles
    that use them in either, the format a style's own or its parent's (:mod:`ods_styles`).
    ``codes``: the Excel format code of each number format (``ods_number_codes``);
    ``data``: each cell style's number format."""
    from odf.namespaces import NUMBERNS, STYLENS

    from osa_opt.inputs.hidden_values import ODS_NUMBER_STYLES

    formats = {}
    for part in (doc.styles, doc.automaticstyles):
        for style in part.childNodes:
            if style.qname[1] not in ODS_NUMBER_STYLES:
                continue
            for number in style.childNodes:
                factor = number.attributes.get((NUMBERNS, "display-factor"))
                try:
                    divisor = int(float(factor)) if factor else 1
                except ValueError:
                    continue
                if number.qname[1] == "number" and divisor > 1:
                    name = style.attributes.get((STYLENS, "name"))
                    code = codes.get(name)
                    formats[name] = (code if code and display_divisor(code) == divisor else
                                     _format_code(number.attributes, divisor), divisor)
    if not formats:
        return {}
    return {name: formats[number] for name, number in data.items() if number in formats}


def _currency_styles(codes: Mapping[str, str],
                     data: Mapping[str, str]) -> dict[str, tuple[str, str]]:
    """Cell style name -> (the format, in words; currency) of the cell styles whose number
    format shows another currency than the yen (a currency style of ``$``, a number style
    of ``"$"#,##0``), as the .xlsx reader finds it in a format code: a cell whose file marks
    no currency (``office:value-type="float"``, as a program other than LibreOffice writes
    it) shows one all the same. ``data``: each cell style's number format."""
    out = {}
    for name, number in data.items():
        code = codes.get(number)
        currency = display_currency(code) if code else None
        if currency is not None:
            out[name] = (f"the format {code!r}", currency)
    return out


def _percent_styles(codes: Mapping[str, str], data: Mapping[str, str]) -> dict[str, bool]:
    """Cell style name -> True of the cell styles whose number format shows a percentage
    (a percentage style), whatever the type the file gives the cell."""
    return {name: True for name, number in data.items()
            if (code := codes.get(number)) and shows_percent(code)}


def _format_code(attributes: Any, factor: int) -> str:
    """The format code LibreOffice shows for a scaling number format (``#,##0,,``)."""
    from odf.namespaces import NUMBERNS

    code = "#,##0" if attributes.get((NUMBERNS, "grouping")) == "true" else "0"
    decimals = int(attributes.get((NUMBERNS, "decimal-places"), 0) or 0)
    code += "." + "0" * decimals if decimals else ""
    commas = round(math.log(factor, 1000))
    return code + "," * commas if 1000 ** commas == factor else f"{code} (divided by {factor})"


def _tables(doc: Any) -> dict[str, tuple[Any, bool]]:
    """Sheet name -> (table element, shown); a sheet is hidden by its style's display."""
    from odf.namespaces import TABLENS
    from odf.table import Table

    hidden_styles = set()
    for style in doc.automaticstyles.childNodes:
        for child in getattr(style, "childNodes", []):
            if child.qname[1] == "table-properties" and \
                    child.attributes.get((TABLENS, "display")) == "false":
                hidden_styles.add(style.getAttribute("name"))
    out = {}
    for element in doc.spreadsheet.getElementsByType(Table):
        name = element.getAttribute("name")
        out[name] = (element, element.getAttribute("stylename") not in hidden_styles)
    return out


#: What :func:`_rows` needs to find the number cells of some cell styles (shown divided, or
#: hidden by their format): the cell styles and what each marks (:func:`_scaling_styles`,
#: :func:`_hiding_styles`), the columns' default ones (:func:`_column_styles`), and the
#: dict it fills, (row, column from 0) -> the mark (format code, divisor; format code).
StyleMarks = tuple[Mapping[str, Any], dict[int, str], dict[tuple[int, int], Any]]


def _hiding_styles(codes: Mapping[str, str], data: Mapping[str, str]) -> dict[str, str]:
    """Cell style name -> the format code of the cell styles whose number format hides a
    number (LibreOffice's ``;;;``, ``"TBD"``: :mod:`osa_opt.inputs.hidden_values`), their
    own or inherited from a parent style (``data``: each cell style's number format)."""
    from osa_opt.inputs.hidden_values import hidden_text, hides_numbers

    return {name: codes[number] for name, number in data.items() if number in codes
            and (hides_numbers(codes[number]) or hidden_text(codes[number]) is not None)}


def _rows(element: Any, merges: list[Merge], hidden: set[int],
          styled: Sequence[StyleMarks] = (),
          unreadable: dict[tuple[int, int], tuple[str, str, str]] | None = None,
          currencies: dict[tuple[int, int], tuple[str, str]] | None = None,
          flat: tuple[set[str], set[int]] | None = None,
          percents: dict[tuple[int, int], bool] | None = None,
          formulas: dict[tuple[int, int], str] | None = None
          ) -> list[tuple[int, list[Any]]]:
    """(row number, cells) of the non-empty rows of a table element; its merged ranges are
    appended to ``merges``, its hidden (filtered or collapsed) rows to ``hidden``, its
    number cells of the cell styles of each of ``styled`` (shown divided, hidden by their
    format) to that one's dict, and its cells whose
    value cannot be read to ``unreadable`` ((row, column from 0) -> (text, rule, hint):
    the text stands in the cell), and its currency cells of another currency than the yen
    to ``currencies`` ((row, column from 0) -> (how it is shown, in words; currency code)),
    and, with ``flat`` (row styles of a height of 0, and a set), its rows of such a style
    (hidden without being collapsed) to that set, and its percentage cells to
    ``percents``, and the formula of each cell that has one (``of:=[.F11]*1.1``) to
    ``formulas``."""
    from odf.namespaces import OFFICENS, TABLENS

    spanned = ((TABLENS, "number-rows-spanned"), (TABLENS, "number-columns-spanned"))

    out: list[tuple[int, list[Any]]] = []
    number = 1
    for row in _row_elements(element):
        repeat = int(row.attributes.get((TABLENS, "number-rows-repeated"), 1))
        if row.attributes.get((TABLENS, "visibility")) in ("collapse", "filter"):
            hidden.update(range(number, number + min(repeat, _MAX_REPEAT)))
        elif flat and row.attributes.get((TABLENS, "style-name")) in flat[0]:
            flat[1].update(range(number, number + min(repeat, _MAX_REPEAT)))
        cells: list[Any] = []
        empty = 0  # blank cells not yet placed: trailing ones never are
        column = 0
        for cell in row.childNodes:
            if cell.qname[1] not in ("table-cell", "covered-table-cell"):
                continue
            span = int(cell.attributes.get((TABLENS, "number-columns-repeated"), 1))
            down, across = (int(cell.attributes.get(key, 1)) for key in spanned)
            if down > 1 or across > 1:
                merges.append((number, column, number + down - 1, column + across - 1))
            block = (number, column, min(repeat, _MAX_REPEAT), min(span, _MAX_REPEAT))
            try:
                value = _value(cell)
            except Unreadable as bad:
                value = bad.text or None
                if unreadable is not None:
                    _mark(unreadable, block, (bad.text, bad.rule, bad.hint))
            currency = cell.attributes.get((OFFICENS, "currency"))
            if currency is not None and currency.upper() != "JPY" and currencies is not None:
                shown = "".join(_text(p) for p in cell.childNodes if p.qname[1] == "p")
                _mark(currencies, block,
                      (f"shown as {shown!r}" if shown else f"in {currency}", currency))
            if percents is not None and \
                    cell.attributes.get((OFFICENS, "value-type")) == "percentage":
                _mark(percents, block, True)
            formula = cell.attributes.get((TABLENS, "formula")) \
                if formulas is not None else None
            if formula and formulas is not None:  # another row's? a total (=SUM(...))?
                _mark(formulas, block, formula)
            for marks in styled if isinstance(value, int | float) else ():
                if marks[0]:
                    _note_styled(cell, *block, marks)
            column += span
            if value is None:
                empty += span
                continue
            cells += [None] * empty + [value] * min(span, _MAX_REPEAT)
            empty = 0
        if cells:
            for k in range(min(repeat, _MAX_REPEAT)):
                out.append((number + k, cells))
        number += repeat
    return out


def _mark(marked: dict[tuple[int, int], Any], block: tuple[int, int, int, int],
          mark: Any) -> None:
    """``mark`` for each cell of a cell ``block`` stands for: (row, column from 0, rows
    down, columns across), a cell repeated down and across."""
    row, column, rows, columns = block
    for k in range(rows):
        for j in range(columns):
            marked[row + k, column + j] = mark


def _note_styled(cell: Any, row: int, column: int, rows: int, columns: int,
                 marks: StyleMarks) -> None:
    """A cell (repeated ``rows`` down and ``columns`` across) whose own style, or else its
    column's default, is one of the cell styles of ``marks`` (a number shown divided or
    hidden by its format, a text written in the colour of its background): noted in
    ``marks``' dict."""
    from odf.namespaces import TABLENS

    styles, defaults, found = marks
    for j in range(columns):
        name = cell.attributes.get((TABLENS, "style-name")) or defaults.get(column + j)
        if name is not None and name in styles:  # None: no style of its own nor its column's
            for k in range(rows):
                found[row + k, column + j] = styles[name]


def _hidden_columns(element: Any, flat: set[str] | None = None) -> set[int]:
    """Indices (from 0) of the collapsed (hidden) columns of a table element, also those
    inside column groups and header-column blocks; with ``flat`` (column styles of a width
    of 0), those of such a style instead."""
    from odf.namespaces import TABLENS

    hidden: set[int] = set()
    key, marks = ((TABLENS, "visibility"), {"collapse", "filter"}) if flat is None else \
        ((TABLENS, "style-name"), flat)
    for number, repeat, column in _column_runs(element):
        if column.attributes.get(key) in marks:
            hidden.update(range(number, number + repeat))
    return hidden


#: Points per unit of an OpenDocument length (``0.452cm``, ``0in``, ``12pt``).
_POINTS = {"pt": 1.0, "pc": 12.0, "in": 72.0, "cm": 72 / 2.54, "mm": 72 / 25.4, "px": 0.75}


def _styled_cells(row_elements: list[Any], styles: Mapping[str, Any],
                  defaults: dict[int, str]) -> dict[tuple[int, int], Any]:
    """(row, column from 0) -> the mark of ``styles`` of each cell with a value whose own
    style, or else its column's default, is one of ``styles``."""
    out: dict[tuple[int, int], Any] = {}
    for cell, number, column, repeat, span in ods_filled_cells(row_elements):
        _note_styled(cell, number, column, min(repeat, _MAX_REPEAT), min(span, _MAX_REPEAT),
                     (styles, defaults, out))
    return out


def _zero_size_styles(doc: Any) -> tuple[set[str], set[str]]:
    """The row styles of a height under a point and the column styles of a width under a
    point: such a row or column is shown as none, hidden without being collapsed."""
    from odf.namespaces import STYLENS

    rows: set[str] = set()
    columns: set[str] = set()
    for part in (doc.automaticstyles, doc.styles):
        for style in part.childNodes:
            if style.qname[1] != "style":
                continue
            for props in style.childNodes:
                kind = props.qname[1]
                key, found = (("row-height", rows) if kind == "table-row-properties" else
                              ("column-width", columns) if kind == "table-column-properties"
                              else (None, None))
                size = re.fullmatch(r"(\d+(?:\.\d*)?|\.\d+)\s*([a-z]+)",
                                    props.attributes.get((STYLENS, key), "")) if key else None
                if found is not None and size and size.group(2) in _POINTS and \
                        float(size.group(1)) * _POINTS[size.group(2)] < 1.0:
                    found.add(style.attributes.get((STYLENS, "name")))
    return rows, columns


def _column_styles(element: Any, styles: Mapping[str, Any]) -> dict[int, str]:
    """Index (from 0) -> default cell style of the columns whose default is one of
    ``styles`` (a whole column given a format: its cells then name no style of their own)."""
    from odf.namespaces import TABLENS

    out = {}
    for number, repeat, column in _column_runs(element) if styles else ():
        name = column.attributes.get((TABLENS, "default-cell-style-name"))
        if name in styles:
            out.update(dict.fromkeys(range(number, number + repeat), name))
    return out


def _column_runs(element: Any) -> Iterator[tuple[int, int, Any]]:
    """(first index from 0, how many, element) of each table-column element of a table,
    also those inside column groups and header-column blocks; a repeat is capped."""
    from odf.namespaces import TABLENS

    number = 0

    def walk(parent: Any) -> Iterator[tuple[int, int, Any]]:
        nonlocal number
        for child in parent.childNodes:
            kind = child.qname[1]
            if kind == "table-column":
                repeat = int(child.attributes.get((TABLENS, "number-columns-repeated"), 1))
                yield number, min(repeat, _MAX_REPEAT), child
                number += repeat
            elif kind in ("table-column-group", "table-header-columns", "table-columns"):
                yield from walk(child)

    yield from walk(element)


def _row_elements(element: Any) -> list[Any]:
    """Rows, also those inside row groups and header-row blocks."""
    rows = []
    for child in element.childNodes:
        kind = child.qname[1]
        if kind == "table-row":
            rows.append(child)
        elif kind in ("table-row-group", "table-header-rows", "table-rows"):
            rows += _row_elements(child)
    return rows


class Unreadable(Exception):
    """A cell whose value cannot be read: its text as shown, the rule and the fix."""

    def __init__(self, text: str, rule: str, hint: str) -> None:
        super().__init__(rule)
        self.text, self.rule, self.hint = text, rule, hint


_RESAVE = "open the file in LibreOffice Calc and save it again, or type the value again"


def _value(cell: Any) -> Any:
    """The cell's value, as Excel's reader gives it; :class:`Unreadable` when the file
    marks a cell as a number, date or flag and holds none that can be read (a formula
    saved without its value, by a program that does not compute formulas, or a damaged
    file): read as blank or as its text, a cost would silently be 0."""
    from odf.namespaces import OFFICENS, TABLENS

    attrs = cell.attributes
    kind = attrs.get((OFFICENS, "value-type"))
    formula = attrs.get((TABLENS, "formula"))
    shown = "\n".join(_text(p) for p in cell.childNodes if p.qname[1] == "p")
    try:
        if kind in ("float", "percentage", "currency"):
            number = float(attrs.get((OFFICENS, "value")))
            return int(number) if number.is_integer() and abs(number) < 2**53 else number
        if kind == "boolean":
            flag = attrs.get((OFFICENS, "boolean-value"))
            if flag not in ("true", "false"):
                raise ValueError(flag)
            return flag == "true"
        if kind == "date":
            text = attrs.get((OFFICENS, "date-value"))
            day = dt.datetime.fromisoformat(text) if "T" in text else \
                dt.datetime.combine(dt.date.fromisoformat(text), dt.time())
            return day.replace(tzinfo=None)  # the date and time the cell shows
        if kind == "time":  # a duration format ([HH]:MM:SS): as Excel's reader gives it
            return _duration(attrs.get((OFFICENS, "time-value")))
    except (TypeError, ValueError):
        if formula:
            raise Unreadable(_formula_text(formula), FORMULA_RULE, FORMULA_HINT) from None
        raw = attrs.get((OFFICENS, {"date": "date-value", "time": "time-value",
                                    "boolean": "boolean-value"}.get(kind, "value")))
        what = {"date": "a date", "time": "a time", "boolean": "true or false"}.get(
            kind, "a number")
        stored = f"stores {raw!r}, which is none" if raw else "stores none"
        raise Unreadable(shown or str(raw or ""),
                         f"the cell is marked as {what} in the file but {stored}: the file "
                         "was written by another program than LibreOffice, or damaged",
                         _RESAVE) from None
    held = attrs.get((OFFICENS, "string-value")) if kind == "string" else None
    if held is not None:  # the text the cell holds, where its format shows another
        return held if held.strip() else None  # (;;;: nothing), as Excel's reader does
    if formula and not shown:
        raise Unreadable(_formula_text(formula), FORMULA_RULE, FORMULA_HINT)
    return shown if shown else None


def _formula_text(formula: str) -> str:
    """A formula as a spreadsheet shows it: ``of:=600*2`` is ``=600*2``."""
    return re.sub(r"^[a-z]+:(?==)", "", formula)


_DURATION = re.compile(r"(-)?P(?:(\d+)D)?T?(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?")


def _duration(text: str | None) -> dt.timedelta:
    """``PT28800H00M00S`` (1200 days, LibreOffice's time value) as a timedelta.

    >>> _duration("PT28800H00M00S"), _duration("PT12H30M00S")
    (datetime.timedelta(days=1200), datetime.timedelta(seconds=45000))
    """
    match = _DURATION.fullmatch(text or "")
    if match is None or not any(match.groups()[1:]):
        raise ValueError(text)
    sign, days, hours, minutes, seconds = match.groups()
    span = dt.timedelta(days=int(days or 0), hours=int(hours or 0), minutes=int(minutes or 0),
                        seconds=float(seconds or 0))
    return -span if sign else span


def _text(node: Any) -> str:
    """The text of a paragraph, spaces (``<text:s text:c="3"/>``) and tabs included."""
    from odf.namespaces import TEXTNS

    parts = []
    for child in node.childNodes:
        if child.nodeType == child.TEXT_NODE:
            parts.append(str(child.data))
        elif child.qname[1] == "s":
            parts.append(" " * int(child.attributes.get((TEXTNS, "c"), 1)))
        elif child.qname[1] == "tab":
            parts.append("\t")
        elif child.qname[1] == "line-break":  # a line break within the paragraph
            parts.append("\n")
        else:
            parts.append(_text(child))
    return "".join(parts)
