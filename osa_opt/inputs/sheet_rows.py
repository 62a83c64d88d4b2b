"""A sheet's rows as its workbook's XML lists them, read whole.

openpyxl's read-only reader streams a sheet and places each row after the last one read.
Excel and LibreOffice list rows in order, but other programs may not: a row listed after a
row below it would be dropped without a word, a row listed twice lends its cells to no one
can tell which row, and a file cut short when written ends before the extent it declares.
:func:`row_order` and :func:`cut_short_issue` tell these apart from the XML, and
:func:`sheet_rows` reads a sheet in order by the stream, else in full (read_xlsx reads every
sheet through it).
"""

from __future__ import annotations

import io
import re
import warnings
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from osa_opt.errors import Issue
from osa_opt.text import rows_named


@dataclass(frozen=True)
class RowOrder:
    """How a sheet's XML lists its rows: ``sorted`` when each ``<row r="N">`` comes after
    the rows above it (as Excel and LibreOffice write them); ``repeated``, the row numbers
    written more than once."""

    sorted: bool = True
    repeated: tuple[int, ...] = ()
    last: int = 0  # the largest row number listed


#: A row's start tag and its number (``r`` is optional: without it, the row after the last);
#: with a namespace prefix (``<x:row>``), searched only when no plain ``<row`` is there
#: (ten times slower: every tag is tried).
_ROW_TAG = re.compile(rb'<row\b(?:[^>]*?\sr="(\d+)")?')
_PREFIXED_ROW_TAG = re.compile(rb'<\w+:row\b(?:[^>]*?\sr="(\d+)")?')


def row_order(xml: bytes) -> RowOrder:
    """Whether the sheet's XML lists its rows in order, and the rows listed twice.

    openpyxl's read-only reader, which reads a sheet as a stream, places each row after
    the last one read: a row listed after a row below it (row 5, then row 4, as some
    programs other than Excel write) is dropped without a word, and a row listed twice
    lends its cells to no one can tell which row.

    >>> row_order(b'<row r="1"/><row r="2"/><row/><row r="5"/>')
    RowOrder(sorted=True, repeated=(), last=5)
    >>> row_order(b'<row r="1"/><row r="5"/><row r="4"/>').sorted, row_order(b'<row r="2"/><row r="2"/>').repeated
    (False, (2,))
    """
    numbers, last = [], 0
    for match in (_ROW_TAG if b"<row" in xml else _PREFIXED_ROW_TAG).finditer(xml):
        last = int(match.group(1)) if match.group(1) else last + 1
        numbers.append(last)
    if all(a < b for a, b in zip(numbers, numbers[1:], strict=False)):
        return RowOrder(last=last)
    counts = Counter(numbers)
    return RowOrder(False, tuple(sorted(n for n, k in counts.items() if k > 1)), max(numbers))


#: The extent a sheet declares (``<dimension ref="A1:AB39"/>``): its last row.
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\b[^>]*?\bref="[A-Z]+\d+:([A-Z]+)(\d+)"')
#: Excel's last row: an extent to it is a whole column formatted (LibreOffice writes
#: ``A1:A1048576`` then), not rows written.
_LAST_ROW = 1_048_576


def cut_short_issue(file: str, sheet: str, xml: bytes, last: int) -> Issue | None:
    """The sheet's rows end before the extent its XML declares (``<dimension
    ref="A1:K200"/>`` over rows to 150): rows were lost when the file was written (a
    program stopped half-way), or deleted by a program that left the extent as it was;
    nobody can tell which, so the sheet is named, with its last row and the extent. An
    extent to Excel's last row (a whole column formatted) is no claim about rows.

    >>> cut_short_issue("round.xlsx", "projects", b'<dimension ref="A1:K200"/><row r="1"/>', 1).rule
    'the sheet declares its extent as A1:K200 (to row 200), but its rows end at row 1: rows 2-200 are not in round.xlsx, as if it was cut short when written'
    >>> cut_short_issue("empty.xlsx", "projects", b'<dimension ref="A1:A1"/>', 0) is None
    True
    >>> cut_short_issue("round.xlsx", "projects", b'<dimension ref="A1:K200"/>', 200) is None
    True
    >>> cut_short_issue("other.xlsx", "projects", b'<sheetData><row r="1"/>', 1) is None
    True
    """
    found = _DIMENSION.search(xml[:xml.find(b"sheetData")])
    declared = int(found.group(2)) if found else 0
    if not last < declared < _LAST_ROW or declared == 1:  # A1:A1, an empty sheet's extent
        return None
    assert found is not None  # no extent declared is 0 rows, returned above
    ref = found.group(0).split(b'ref="')[1].decode()[:-1]
    missing = f"row {declared}" if declared == last + 1 else f"rows {last + 1}-{declared}"
    ends = f"its rows end at row {last}" if last else "it holds no rows"
    return Issue(sheet, last or None, None, ref,
                 f"the sheet declares its extent as {ref} (to row {declared}), but {ends}: "
                 f"{missing} {'is' if declared == last + 1 else 'are'} not in {file}, as if "
                 "it was cut short when written",
                 f"open {file} in Excel or LibreOffice and check its last rows: if rows are "
                 "missing, take the workbook again from where it came from; if row "
                 f"{last} is the last, save it again (which writes its extent anew)")


def repeated_row_issue(file: str, sheet: str, repeated: Sequence[int]) -> Issue:
    """A sheet whose XML lists a row more than once: its cells cannot be placed for sure."""
    many = len(repeated) > 1
    return Issue(sheet, repeated[0], None, None,
                 f"{file} lists {rows_named(repeated)} of the sheet more than once "
                 "(a program other than Excel wrote it): which cells belong to "
                 f"{'these rows' if many else 'the row'} cannot be told, and one copy would "
                 "be lost",
                 f"open {file} in Excel or LibreOffice, check {rows_named(repeated)}, and "
                 "save it again as .xlsx")


def sheet_rows(data: bytes, sheet: Any, in_order: bool,
               data_only: bool = True) -> list[tuple[Any, ...]]:
    """The sheet's rows, row ``r`` at position ``r - 1`` (an empty row as ``()``).

    A sheet whose XML lists its rows in order is streamed (openpyxl's read-only reader);
    one that lists them out of order would lose rows so, and is read by openpyxl's full
    reader instead, which places each cell by its reference."""
    if in_order:
        return list(_unpadded(sheet).iter_rows(values_only=True))
    import openpyxl

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        full = openpyxl.load_workbook(io.BytesIO(data), data_only=data_only)
    try:
        cells = full[sheet.title]._cells  # {(row, column): cell}, from 1
        width: dict[int, int] = {}
        for r, c in cells:
            width[r] = max(width.get(r, 0), c)
        rows: list[tuple[Any, ...]] = [()] * max(width, default=0)
        for r, w in width.items():
            rows[r - 1] = tuple(cells[r, c].value if (r, c) in cells else None
                                for c in range(1, w + 1))
        return rows
    finally:
        full.close()


def _unpadded(sheet: Any) -> Any:
    """The read-only sheet, its rows no longer padded to the sheet's size.

    One stray cell at XFD1048576 makes the size a million rows of 16,384 cells each; read
    padded, that never ends. Unpadded, an empty row is ``()`` and a row ends at its last cell.
    """
    sheet.reset_dimensions()
    return sheet


def ods_filled_cells(row_elements: Sequence[Any]) -> Iterator[tuple[Any, int, int, int, int]]:
    """(cell element, row number from 1, column from 0, rows repeated, columns repeated) of
    each cell of an .ods table's rows that holds a value (``office:value-type``), counting
    the repeats of the rows and cells before it: the walk that the struck-through, hidden-
    format and colour checks of an .ods sheet share."""
    from odf.namespaces import OFFICENS, TABLENS

    number = 1
    for row in row_elements:
        repeat = int(row.attributes.get((TABLENS, "number-rows-repeated"), 1))
        column = 0
        for cell in row.childNodes:
            if cell.qname[1] not in ("table-cell", "covered-table-cell"):
                continue
            span = int(cell.attributes.get((TABLENS, "number-columns-repeated"), 1))
            if (OFFICENS, "value-type") in cell.attributes:
                yield cell, number, column, repeat, span
            column += span
        number += repeat
