"""Reading an OpenDocument spreadsheet (.ods, LibreOffice's own format) into raw tables.

Cells come back as Excel's do: numbers as floats, booleans as bools, dates as datetimes,
text as text; repeated and covered (merged) cells expand, so row numbers are the ones the
spreadsheet shows.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pandas as pd

from osa_opt.errors import Issue
from osa_opt.inputs.headers import table
from osa_opt.inputs.read_xlsx import (
    Merge,
    encrypted,
    hidden_column_warnings,
    hidden_row_warnings,
    locked_issue,
    merged_issues,
    pick_sheets,
    unreadable_issue,
)

#: Rows and columns an .ods file may repeat before it is "the rest of the sheet" (empty).
_MAX_REPEAT = 10_000


def read_ods(path: Path, data: bytes, issues: list[Issue],
             warnings: list[Issue]) -> dict[str, pd.DataFrame]:
    from openpyxl.utils import get_column_letter

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
    tables = {}
    for sheet, name in chosen.items():
        merges: list[Merge] = []
        hidden_rows: set[int] = set()
        rows = _rows(sheets[name][0], merges, hidden_rows)
        issues += merged_issues(sheet, rows, merges)
        warnings += hidden_row_warnings(sheet, rows, hidden_rows)
        warnings += hidden_column_warnings(sheet, rows, _hidden_columns(sheets[name][0]))
        tables[sheet] = table(sheet, rows, issues, warnings,
                              lambda i: f"column {get_column_letter(i + 1)}")
    return tables


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


def _rows(element: Any, merges: list[Merge],
          hidden: set[int]) -> list[tuple[int, list[Any]]]:
    """(row number, cells) of the non-empty rows of a table element; its merged ranges are
    appended to ``merges``, its hidden (filtered or collapsed) rows to ``hidden``."""
    from odf.namespaces import TABLENS

    spanned = ((TABLENS, "number-rows-spanned"), (TABLENS, "number-columns-spanned"))

    out: list[tuple[int, list[Any]]] = []
    number = 1
    for row in _row_elements(element):
        repeat = int(row.attributes.get((TABLENS, "number-rows-repeated"), 1))
        if row.attributes.get((TABLENS, "visibility")) in ("collapse", "filter"):
            hidden.update(range(number, number + min(repeat, _MAX_REPEAT)))
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
            column += span
            value = _value(cell)
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


def _hidden_columns(element: Any) -> set[int]:
    """Indices (from 0) of the collapsed (hidden) columns of a table element, also those
    inside column groups and header-column blocks."""
    from odf.namespaces import TABLENS

    hidden: set[int] = set()
    number = 0

    def walk(parent: Any) -> None:
        nonlocal number
        for child in parent.childNodes:
            kind = child.qname[1]
            if kind == "table-column":
                repeat = int(child.attributes.get((TABLENS, "number-columns-repeated"), 1))
                if child.attributes.get((TABLENS, "visibility")) in ("collapse", "filter"):
                    hidden.update(range(number, number + min(repeat, _MAX_REPEAT)))
                number += repeat
            elif kind in ("table-column-group", "table-header-columns", "table-columns"):
                walk(child)

    walk(element)
    return hidden


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


def _value(cell: Any) -> Any:
    from odf.namespaces import OFFICENS

    attrs = cell.attributes
    kind = attrs.get((OFFICENS, "value-type"))
    if kind in ("float", "percentage", "currency"):
        number = float(attrs.get((OFFICENS, "value")))
        return int(number) if number.is_integer() and abs(number) < 2**53 else number
    if kind == "boolean":
        return attrs.get((OFFICENS, "boolean-value")) == "true"
    if kind == "date":
        text = attrs.get((OFFICENS, "date-value"))
        return dt.datetime.fromisoformat(text) if "T" in text else \
            dt.datetime.combine(dt.date.fromisoformat(text), dt.time())
    text = "\n".join(_text(p) for p in cell.childNodes if p.qname[1] == "p")
    return text if text else None


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
        else:
            parts.append(_text(child))
    return "".join(parts)
