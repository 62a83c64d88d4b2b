"""Writing one titled table to a worksheet, and remembering where it went.

Every table of ``portfolios.xlsx`` goes through :func:`write_table`: a title row, an
optional note, bold headers, formats by column name, a frozen header, an autofilter, widths,
and print settings (landscape, one page wide, the header repeated on every page). It
returns a :class:`TablePlace`, so charts and conditional formats can point at its cells.

>>> place = write_table(sheet, fmt, df, title="Portfolio 1")      # doctest: +SKIP
>>> place.column_range("total_cost")                              # doctest: +SKIP
['Portfolio 1', 3, 11, 33, 11]
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from osa_opt.text import is_missing

if TYPE_CHECKING:
    from xlsxwriter.format import Format
    from xlsxwriter.workbook import Workbook
    from xlsxwriter.worksheet import Worksheet

    from osa_opt.outputs.formats import Formats

_INVALID_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
#: A4, the paper of the ministries that print these workbooks.
PAPER_A4 = 9


@dataclass(frozen=True)
class TablePlace:
    """Where a table sits: its sheet, header row and data rows (0-based, as xlsxwriter)."""

    sheet: str
    header_row: int
    columns: tuple[str, ...]
    n_rows: int

    @property
    def first_row(self) -> int:
        return self.header_row + 1

    @property
    def last_row(self) -> int:
        """Last data row (the header row itself when the table is empty)."""
        return self.header_row + self.n_rows

    @property
    def end(self) -> int:
        """The first row after the table."""
        return self.header_row + self.n_rows + 1

    def has(self, *names: str) -> bool:
        return all(name in self.columns for name in names)

    def col(self, name: str) -> int:
        return self.columns.index(name)

    def column_range(self, name: str) -> list[Any]:
        """The data cells of a column as xlsxwriter's ``[sheet, row, col, row, col]``."""
        c = self.col(name)
        return [self.sheet, self.first_row, c, self.last_row, c]


def write_table(
    sheet: Worksheet,
    fmt: Formats,
    table: pd.DataFrame,
    *,
    title: str,
    note: str = "",
    first_row: int = 0,
    freeze_columns: int = 1,
    groups: list[tuple[str, int, int]] | None = None,
) -> TablePlace:
    """Write a titled table: bold header, formats by column, frozen header, autofilter.

    ``groups`` adds a merged header row above the column names: (label, first, last column).

    >>> write_table(sheet, fmt, df, title="Portfolio 1").end    # doctest: +SKIP
    34
    """
    row = first_row
    sheet.write_string(row, 0, title, fmt.title)
    row += 1
    if note:
        sheet.write_string(row, 0, note, fmt.note)
        row += 1
    if groups:
        for label, first, last in groups:
            if last > first:
                sheet.merge_range(row, first, row, last, label, fmt.group)
            else:
                sheet.write_string(row, first, label, fmt.group)
        row += 1
    header_row = row
    columns = [str(c) for c in table.columns]
    for col, name in enumerate(columns):
        sheet.write_string(header_row, col, name, fmt.header)
    formats = [fmt.for_column(name) for name in columns]
    for r, values in enumerate(table.itertuples(index=False), start=header_row + 1):
        for col, value in enumerate(values):
            write_cell(sheet, r, col, value, formats[col])
    if columns:
        sheet.autofilter(header_row, 0, header_row + max(len(table), 1), len(columns) - 1)
    sheet.freeze_panes(header_row + 1, min(freeze_columns, len(columns)))
    _set_widths(sheet, table, columns)
    _print_setup(sheet, header_row - 1 if groups else header_row, header_row)
    return TablePlace(sheet.get_name(), header_row, tuple(columns), len(table))


def write_cell(sheet: Worksheet, row: int, col: int, value: Any, cell_format: Format) -> None:
    """One cell by type; text always via ``write_string`` (never a formula)."""
    if isinstance(value, list | tuple | set | frozenset):
        value = "; ".join(map(str, value))
    if is_missing(value):
        sheet.write_blank(row, col, None, cell_format)
    elif isinstance(value, bool) or type(value).__name__ == "bool_":
        sheet.write_boolean(row, col, bool(value))
    elif isinstance(value, int | float) or hasattr(value, "dtype"):
        try:
            sheet.write_number(row, col, float(value), cell_format)
        except (TypeError, ValueError):
            sheet.write_string(row, col, str(value))
    else:
        sheet.write_string(row, col, str(value))


def _set_widths(sheet: Worksheet, table: pd.DataFrame, columns: list[str]) -> None:
    """Widths from the longest of header and the first 200 values, within 8-60 characters."""
    sample = table.head(200)
    for col, name in enumerate(columns):
        lengths = [len(name)]
        for value in sample.iloc[:, col]:
            if isinstance(value, float):
                lengths.append(len(f"{value:,.1f}"))
            elif not is_missing(value):
                lengths.append(len(str(value)))
        sheet.set_column(col, col, min(max(max(lengths) + 2, 8), 60))


def _print_setup(sheet: Worksheet, first_header_row: int, header_row: int) -> None:
    """Officers print these: landscape A4, one page wide, the header on every page."""
    sheet.set_landscape()
    sheet.set_paper(PAPER_A4)
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(first_header_row, header_row)


def flat(table: pd.DataFrame | pd.Series) -> pd.DataFrame:
    """A table with a meaningful index moved into columns (analyses may index by id)."""
    if isinstance(table, pd.Series):
        table = table.to_frame()
    named = any(n is not None for n in table.index.names)
    if named or not isinstance(table.index, pd.RangeIndex):
        table = table.reset_index()
    if isinstance(table.columns, pd.MultiIndex):
        table.columns = [" ".join(str(p) for p in c if str(p)) for c in table.columns]
    return table


def sheet_name(book: Workbook, wanted: str) -> str:
    """A valid, unused sheet name (31 characters at most, no []:*?/\\).

    >>> sheet_name(book, "Frontier/detail?")       # doctest: +SKIP
    'Frontier-detail-'
    """
    base = _INVALID_SHEET_CHARS.sub("-", str(wanted)).strip("'") or "Sheet"
    base = base[:31]
    taken = {s.get_name().lower() for s in book.worksheets()}
    name, n = base, 2
    while name.lower() in taken:
        suffix = f" ({n})"
        name = base[:31 - len(suffix)] + suffix
        n += 1
    return name
