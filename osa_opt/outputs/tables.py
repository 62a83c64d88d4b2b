"""Writing one titled table to a worksheet, and remembering where it went.

Every table of ``portfolios.xlsx`` goes through :func:`write_table`: a title row, an
optional note, bold headers, formats by column name, a frozen header, an autofilter, widths,
and print settings (landscape, one page wide, the header repeated on every page). It
returns a :class:`TablePlace`, so charts and conditional formats can point at its cells.

>>> import io, xlsxwriter
>>> from osa_opt.outputs.formats import Formats
>>> book = xlsxwriter.Workbook(io.BytesIO())                      # in memory
>>> sheet, fmt = book.add_worksheet("Portfolio 1"), Formats.of(book)
>>> df = result.portfolios[0].projects.reset_index()
>>> place = write_table(sheet, fmt, df, title="Portfolio 1")
>>> place.column_range("total_cost")                              # sheet, rows, columns
['Portfolio 1', 2, 11, 30, 11]
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
import pandas as pd

from osa_opt.outputs.bulk_rows import BULK_FROM_ROWS, can_write_rows, write_rows
from osa_opt.outputs.formats import CODE_COLUMNS, NUMBER_INDENT_WIDTH
from osa_opt.text import LABEL_COLUMNS, code_label, humanize, is_missing

if TYPE_CHECKING:
    from xlsxwriter.format import Format
    from xlsxwriter.workbook import Workbook
    from xlsxwriter.worksheet import Worksheet

    from osa_opt.outputs.formats import Formats

_INVALID_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
#: A4, the paper of the ministries that print these workbooks.
PAPER_A4 = 9
#: The most characters an Excel cell holds; longer text is cut there.
EXCEL_TEXT_LIMIT = 32_767
#: How text cut to fit a cell ends (:func:`excel_text`): in sight, with what is left out;
#: the Read me sheet's row ``Cut text`` names each such cell and where its full text is.
CUT_MARK = "… [cut: {:,} more characters past Excel's limit of 32,767; see Read me]"
_CUT_END = re.compile(re.escape(CUT_MARK).replace(re.escape("{:,}"), r"[\d,]+") + r"\Z")


#: The label over the lines :func:`write_table` writes under a table (``notes``).
NOTES_LABEL = "Notes"


@dataclass(frozen=True)
class TablePlace:
    """Where a table sits: its sheet, header row and data rows (0-based, as xlsxwriter),
    and the table itself, whose values charts cache (the workbook is written in
    constant-memory mode, so xlsxwriter cannot read them back from the sheet)."""

    sheet: str
    header_row: int
    columns: tuple[str, ...]
    n_rows: int
    data: pd.DataFrame | None = field(default=None, repr=False, compare=False)
    #: The data cells whose text was cut to Excel's limit: (column, row of ``data``).
    cut: tuple[tuple[str, int], ...] = field(default=(), repr=False, compare=False)

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

    def column_range(self, name: str, rows: int | None = None) -> list[Any]:
        """The data cells of a column (its first ``rows`` only, if given) as xlsxwriter's
        ``[sheet, row, col, row, col]``."""
        c = self.col(name)
        last = self.last_row if rows is None else self.header_row + min(rows, self.n_rows)
        return [self.sheet, self.first_row, c, last, c]

    def cut_cells(self) -> list[str]:
        """Where the cells of :attr:`cut` are, in words: ``"Projects, column Title, project
        P-01"`` (by the row's project, else by its row number)."""
        out = []
        for name, i in self.cut:
            pid = self.data.iloc[i, self.col("project_id")] \
                if self.data is not None and self.has("project_id") else None
            row = f"project {pid}" if isinstance(pid, str) and pid else \
                f"row {self.first_row + i + 1}"
            out.append(f"{self.sheet}, column {humanize(name)}, {row}")
        return out

    def values(self, name: str, rows: int | None = None) -> list[Any] | None:
        """The cells of :meth:`column_range` as written (None: blank), for a chart's cache."""
        if self.data is None:
            return None
        column = self.data.iloc[:, self.col(name)]
        cells = column_cells(column if rows is None else column.head(rows))
        return [in_words(v) for v in cells] if name in LABEL_COLUMNS else cells


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
    min_widths: Mapping[int, int] | None = None,
    fractions: Sequence[str] = (),
    keep_with_next: Sequence[bool] = (),
    notes: Sequence[str] = (),
) -> TablePlace:
    """Write a titled table: bold header, formats by column, frozen header, autofilter.

    ``groups`` adds a merged header row above the column names: (label, first, last column).
    ``min_widths`` widens columns (index -> characters) for cells written above the table.
    ``keep_with_next``: one flag per row, a row never printed last on a page (a partner's
    package row stays with its first item): in a table printed one page wide at 100%, the
    pages break before such a row rather than after it (:func:`row_breaks`).
    ``fractions``: columns named by the data, not by a code (a comparison's scenarios),
    each a funded fraction: formatted as the ``fraction`` column and headed by its name as
    it is, as the report and the terminal write it (not put in words).
    ``notes``: lines written under the table, after a blank row, below a bold ``Notes``
    label, each as the note above the table is (:func:`_heading`: wrapped across the
    table's columns), and printed with it (an analysis's notes, as the report lists them).
    Each column's number format is set on the column (for cells typed in later) and
    named on each cell written, so a second table below with other formats changes none
    of this one's; the rows go out whole (:func:`column_cells` prepares each column at
    once), so the time is linear in the number of cells; rows are written top to bottom, as the workbook's constant-memory mode
    needs. Tables of :data:`~osa_opt.outputs.bulk_rows.BULK_FROM_ROWS` rows or more in a
    constant-memory workbook go out as XML a column at a time (:mod:`osa_opt.outputs.
    bulk_rows`), not through xlsxwriter's per-cell calls.

    >>> import io, xlsxwriter
    >>> from osa_opt.outputs.formats import Formats
    >>> book = xlsxwriter.Workbook(io.BytesIO())
    >>> sheet, fmt = book.add_worksheet("Portfolio 1"), Formats.of(book)
    >>> df = result.portfolios[0].projects.reset_index()     # 31 projects
    >>> write_table(sheet, fmt, df, title="Portfolio 1").end
    31
    """
    columns = [str(c) for c in table.columns]
    named = {str(c) for c in fractions}
    layout = _set_columns(sheet, fmt, table, columns, min_widths or {}, named)
    width = sum(c.width for c in layout)
    row = first_row
    above = [_heading(sheet, row, title, fmt.title, fmt.title_wrap, width, len(columns),
                      TITLE_SCALE)]
    row += 1
    if note:
        above.append(_heading(sheet, row, note, fmt.note, fmt.note_wrap, width, len(columns),
                              1.0))
        row += 1
    if groups:
        above.append(ONE_LINE_POINTS)
        for label, first, last in groups:
            if last > first:
                sheet.merge_range(row, first, row, last, label, fmt.group)
            else:
                sheet.write_string(row, first, label, fmt.group)
        row += 1
    header_row = row
    headers = [excel_text(name if name in named else humanize(name)) for name in columns]
    header_lines = max((text_lines(h, c.width - NUMBER_INDENT_WIDTH * c.numeric)
                        for h, c in zip(headers, layout, strict=True)), default=1)
    if header_lines > 1:  # LibreOffice sizes no row to its wrapped text: say the height
        sheet.set_row(header_row, ROW_POINTS * header_lines)
    above.append(ROW_POINTS * header_lines if header_lines > 1 else ONE_LINE_POINTS)
    for col, name in enumerate(headers):  # headers in words; the CSV and run.json keep codes
        # a column of numbers is headed on the right, where its numbers end
        sheet.write_string(header_row, col, name,
                           fmt.header_number if layout[col].numeric
                           else fmt.header_code if layout[col].centered else fmt.header)
    by_position = [column for _, column in table.items()]  # cheaper than .iloc per column
    cells = [column_cells(by_position[col]) for col in range(len(columns))]
    cut = tuple((name, i) for col, name in enumerate(columns)
                if not pd.api.types.is_numeric_dtype(by_position[col].dtype)
                for i in cut_rows(cells[col]))
    for col, name in enumerate(columns):  # statuses, fields, outcomes in words
        if name in LABEL_COLUMNS:  # a handful of codes: each put in words once
            # text only: 1, 1.0 and True are one key of a dict, and other values stay as
            # they are (in_words leaves them)
            words = {v: in_words(v) for v in set(cells[col]) if isinstance(v, str)}
            cells[col] = [words[v] if isinstance(v, str) else v for v in cells[col]]
    for col, name in enumerate(columns):  # solver noise (−1e-10 left, a frontier's gain of
        kind = fmt.kind(name)  # −9e-16) would print as "-0" or "-0.000"
        if kind != "text":
            noise = MONEY_NOISE if kind == "money" else NUMBER_NOISE
            cells[col] = [0.0 if isinstance(v, float) and abs(v) < noise else v
                          for v in cells[col]]
    lines = [1] * len(table)  # each row as tall as the lines of its wrapped cells
    for col, column in enumerate(layout):  # wrapped text broken by us, only at spaces
        if column.wraps:
            wrapped = {v: _wrapped(v, column.width - 2)
                       for v in set(cells[col]) if isinstance(v, str)}
            lines = [max(n, wrapped[v][1]) if isinstance(v, str) else n
                     for n, v in zip(lines, cells[col], strict=True)]
            cells[col] = [wrapped[v][0] if isinstance(v, str) else v for v in cells[col]]
    formats: list[Format | list[Format]] = [c.cell_format for c in layout]
    if "budget_share" in columns:  # a budget sweep's levels: a column in one decimals
        for col, name in enumerate(columns):
            if fmt.kind(name) == "money":
                formats[col] = fmt.money_as_shown(layout[col].cell_format, cells[col])
    for col, name in enumerate(columns):  # a part never reads 0% or 100% (0.997: 99.7%)
        if name == "fraction" or name in named:
            shown = [fmt.fraction_as_shown(layout[col].cell_format, v) for v in cells[col]]
            if any(f is not layout[col].cell_format for f in shown):
                formats[col] = shown
        elif fmt.kind(name).startswith("share"):  # never 100.0% when not all (0.9995),
            base = layout[col].cell_format  # nor 0.0% for a loss; only a share within 1%
            bounded = {i: f for i, v in enumerate(cells[col])  # of 0 or 1 can round so
                       if isinstance(v, float) and (0 < abs(v) < 0.01 or 0.99 < v < 1)
                       and (f := fmt.share_as_shown(base, v)) is not base}
            if bounded:
                formats[col] = [bounded.get(i, base) for i in range(len(cells[col]))]
        elif fmt.kind(name) == "value":  # never 0.000 for a value that is not none (a loss)
            base = layout[col].cell_format
            bounded = {i: f for i, v in enumerate(cells[col])
                       if isinstance(v, float) and 0 < abs(v) < 0.0005
                       and (f := fmt.value_as_shown(base, v)) is not base}
            if bounded:
                formats[col] = [bounded.get(i, base) for i in range(len(cells[col]))]
    if len(table) >= BULK_FROM_ROWS and can_write_rows(sheet):  # big: XML a column at a time
        write_rows(sheet, header_row + 1, cells,
                   [min(ROW_POINTS * n, MAX_ROW_POINTS) if n > 1 else None for n in lines],
                   [f if isinstance(f, list) else None for f in formats])
    else:
        _write_cells(sheet, header_row + 1, cells, formats, lines)
    if columns:
        sheet.autofilter(header_row, 0, header_row + max(len(table), 1), len(columns) - 1)
    sheet.freeze_panes(header_row + 1, min(freeze_columns, len(columns)))
    heights = [min(ROW_POINTS * n, MAX_ROW_POINTS) if n > 1 else ONE_LINE_POINTS
               for n in lines]
    breaks = row_breaks(above, heights, list(keep_with_next), 2 if groups else 1) \
        if any(keep_with_next) and first_row == 0 \
        and sum(c.width for c in layout) <= PAGE_WIDTH else []
    last_row = header_row + max(len(table), 1)
    below = 0.0  # the notes' rows: a blank one, the label, each note
    if notes:
        last_row += 2
        sheet.write_string(last_row, 0, NOTES_LABEL, fmt.label)
        below = 2 * ONE_LINE_POINTS
        for line in notes:
            last_row += 1
            below += _heading(sheet, last_row, line, fmt.note, fmt.note_wrap, width,
                              len(columns), 1.0)
    _print_setup(sheet, header_row - 1 if groups else header_row, header_row,
                 [c.width for c in layout], groups or [],
                 (title, note) if first_row == 0 else None, last_row,
                 [header_row + 1 + i for i in breaks],
                 sum(above) + sum(heights) + below if first_row == 0 else 0.0)
    return TablePlace(sheet.get_name(), header_row, tuple(columns), len(table), table, cut)


def _write_cells(sheet: Worksheet, first_row: int, cells: list[list[Any]],
                 formats: Sequence[Format | list[Format]], lines: list[int]) -> None:
    """The rows of a table cell by cell, each cell with its column's format (or its own,
    where a column's is a list of one per row).

    Named on each cell, not left to the column: xlsxwriter gives a cell without a format
    its column's format of the moment the cell's XML is written, which is when the
    workbook closes (in memory) or when the next row starts (constant memory); by then a
    second table below on the sheet may have set other formats on the same columns. Blanks
    stay no cells at all, as the bulk rows leave them.
    """
    write = sheet.write
    for i, values in enumerate(zip(*cells, strict=True)):
        r = first_row + i
        if lines[i] > 1:  # before the row is written (constant memory)
            sheet.set_row(r, min(ROW_POINTS * lines[i], MAX_ROW_POINTS))
        for c, value in enumerate(values):
            if value is None or (isinstance(value, str) and not value):
                continue
            cell_format = formats[c]
            if isinstance(cell_format, list):
                cell_format = cell_format[i]
            if looks_rich(value):
                write_text(sheet, r, c, value, cell_format)
            else:
                write(r, c, value, cell_format)


def in_words(value: Any) -> Any:
    """A code in words, capitalised: ``partly funded`` → ``Partly funded``."""
    if not isinstance(value, str):
        return value
    text = code_label(value)
    return text[:1].upper() + text[1:]


def write_cell(sheet: Worksheet, row: int, col: int, value: Any, cell_format: Format) -> None:
    """One cell by type (for the few cells outside tables); text never as a formula, and
    in ``cell_format``, not in the format of the table's column below it (a column of
    numbers is right-aligned: the Summary's status sentence would run leftwards)."""
    (value,) = column_cells(pd.Series([value], dtype=object))
    if value is None:
        sheet.write_blank(row, col, None, cell_format)
    elif isinstance(value, bool):
        sheet.write_boolean(row, col, value)
    elif isinstance(value, int | float):
        sheet.write_number(row, col, value, cell_format)
    else:
        write_text(sheet, row, col, value, cell_format)


def looks_rich(value: Any) -> bool:
    """Text xlsxwriter's ``write_string`` would write as raw rich-text XML, unescaped
    (``<r>A & B</r>``: a broken file)."""
    return value.__class__ is str and value.startswith("<r>") and value.endswith("</r>")


def write_text(sheet: Worksheet, row: int, col: int, text: str,
               cell_format: Format | None = None) -> None:
    """Text as text, also text that :func:`looks_rich`: that goes as a rich string of
    three plain runs, which xlsxwriter escapes (the cell reads the very text)."""
    text = excel_text(text)  # cut in sight: xlsxwriter cuts silently, or drops rich text
    if looks_rich(text):
        runs = (text[:1], text[1:-1], text[-1:])
        sheet.write_rich_string(row, col, *runs, *((cell_format,) if cell_format else ()))
    else:
        sheet.write_string(row, col, text, cell_format)


def column_cells(values: pd.Series) -> list[Any]:
    """A column as the plain Python values xlsxwriter writes, prepared column by column.

    Numbers stay numbers (NaN and infinities become None: a blank cell), booleans stay
    booleans, text stays text (cut at Excel's 32,767 characters, ending in :data:`CUT_MARK`:
    :func:`excel_text`), lists and tuples are joined
    with ``"; "``; anything else is written as its text. Only a column of mixed types is
    looked at cell by cell.

    >>> column_cells(pd.Series([1.5, float("nan")]))
    [1.5, None]
    >>> column_cells(pd.Series(["=1+1", None, ("P-1", "P-2"), 3]))
    ['=1+1', None, 'P-1; P-2', 3]
    """
    dtype = values.dtype
    if pd.api.types.is_bool_dtype(dtype) and not values.hasnans:
        return [bool(v) for v in values.tolist()]
    if pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype):
        numbers = values.to_numpy(dtype=float, na_value=np.nan)
        finite = np.isfinite(numbers)
        if finite.all():
            return values.tolist() if pd.api.types.is_integer_dtype(dtype) else numbers.tolist()
        out = numbers.astype(object)
        out[~finite] = None
        return out.tolist()
    kind = pd.api.types.infer_dtype(values, skipna=True)
    if kind in ("string", "empty"):
        if values.dtype != object:  # pandas' string dtype: its NA would stay NA
            values = values.astype(object)
        text = values.where(values.notna(), None).tolist()
        if kind == "string" and max(len(t) for t in text if t is not None) \
                > EXCEL_TEXT_LIMIT // 2:
            text = [None if t is None else excel_text(t) for t in text]
        return text
    return [_cell(v) for v in values.tolist()]


def _cell(value: Any) -> Any:
    """One value of a mixed column (see :func:`column_cells`)."""
    if isinstance(value, list | tuple | set | frozenset):
        value = "; ".join(map(str, value))
    if is_missing(value):
        return None
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | float | np.integer | np.floating):
        number = float(value)
        return (int(value) if isinstance(value, int | np.integer) else number) \
            if math.isfinite(number) else None
    return excel_text(str(value))


def excel_text(text: str) -> str:
    """``text`` cut to :data:`EXCEL_TEXT_LIMIT` characters as Excel counts them: UTF-16
    units, in which a character beyond U+FFFF (an emoji) counts twice; such a character is
    never cut in half. A cut text ends in :data:`CUT_MARK`, within the limit, so the reader
    sees it is cut and by how much (xlsxwriter cuts silently, and refuses rich text over
    the limit: every cell is cut here first, the bulk rows' too).

    >>> cut = excel_text("x" * 40_000)
    >>> len(cut), cut[-73:]
    (32766, "x… [cut: 7,306 more characters past Excel's limit of 32,767; see Read me]")
    >>> len(excel_text("😀" * 20_000).encode("utf-16-le")) <= 2 * 32_767
    True
    """
    if len(text) <= EXCEL_TEXT_LIMIT // 2:  # cannot be too long, even in UTF-16
        return text
    if _units(text) <= EXCEL_TEXT_LIMIT:
        return text
    # room for the longest mark (N at most the whole text); the mark written is no longer
    keep = _fitting(text, EXCEL_TEXT_LIMIT - len(CUT_MARK.format(len(text))))
    return text[:keep] + CUT_MARK.format(len(text) - keep)


def cut_rows(cells: Sequence[Any]) -> list[int]:
    """Positions of the cells of a column (as :func:`column_cells` gives them) that
    :func:`excel_text` cut."""
    low = EXCEL_TEXT_LIMIT // 2 - len(CUT_MARK)  # a cut text is never shorter
    return [i for i, v in enumerate(cells)
            if isinstance(v, str) and len(v) > low and _CUT_END.search(v[-100:])]


def _units(text: str) -> int:
    """Length of ``text`` in UTF-16 units, as Excel counts it."""
    return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)


def _fitting(text: str, units: int) -> int:
    """How many characters of ``text`` fit in ``units`` UTF-16 units."""
    used = 0
    for i, char in enumerate(text):
        used += 2 if ord(char) > 0xFFFF else 1
        if used > units:
            return i
    return len(text)


#: ¥ million closer to 0 than this is written as 0 (solver noise, never a real amount).
MONEY_NOISE = 1e-6
#: Any other number (a value, a share) closer to 0 than this is written as 0: the difference
#: of two equal optima (−8.9e-16) is noise, shown "-0.000" by a spreadsheet.
NUMBER_NOISE = 1e-9
#: Text wider than this (characters) wraps in its cell instead of spilling over the next
#: columns, which would also widen the printed page.
WRAP_WIDTH = 32
#: Columns of one sentence a row (Why in or out, Rule prices) and how wide they wrap in a
#: table printed several pages wide anyway: at WRAP_WIDTH a 2,000-project round's Why in
#: or out averaged 8 lines (109 points) a row, 632 printed pages.
PROSE_COLUMNS = frozenset({"message"})
PROSE_WIDTH = 60
#: The widest a column is made for its values (a wrapped one for its longest word or line
#: too), in characters; a longer value wraps within it.
MAX_WIDTH = 60
#: Points per line of wrapped text in a row (10 pt text; one line keeps the default 15).
ROW_POINTS = 13
#: Excel's tallest row (points): a row of text cut at 32,767 characters would need some
#: thousands; taller, Excel would not keep it.
MAX_ROW_POINTS = 409
#: How much wider a title's characters are than a cell's (13 pt bold against 10 pt).
TITLE_SCALE = 1.4
#: Landscape A4 holds about 127 characters of column width at 100% (LibreOffice's PDF,
#: Arial metrics, a dozen columns). A sheet up to LEGIBLE_WIDTH characters wide prints one
#: page wide, at 62% or more (10 pt text at 6 pt or more); a wider one prints at
#: PRINT_SCALE% over several pages wide, its first column repeated, rather than shrunk
#: illegibly onto one.
LEGIBLE_WIDTH = 205
PRINT_SCALE = 65
#: The column width landscape A4 holds at 100%, erring narrow (see above).
PAGE_WIDTH = 124
#: The largest print scale of a table printed several pages wide in whole groups.
MAX_GROUP_SCALE = 90
#: A row of one line, in points, erring tall: the default row height xlsxwriter writes
#: (LibreOffice makes a row of Arial 10 12.8 points high).
ONE_LINE_POINTS = 15
#: The points of rows landscape A4 holds at 100% between xlsxwriter's margins of 0.75 in
#: (595 - 108), less 3% kept free: a page whose rows are counted a little short must still
#: hold them, or the spreadsheet breaks it earlier on its own.
PAGE_POINTS = 487 * 0.97
#: A sheet one page wide is fitted to one page tall when that keeps this share of the
#: scale that fits its width: a few rows more than a page fit on it (its text 15% smaller
#: at most), a long sheet breaks over pages unshrunk.
FIT_SHARE = 0.85


def row_breaks(above: Sequence[float], heights: Sequence[float], keep: Sequence[bool],
               repeated: int = 1) -> list[int]:
    """The data rows (0-based) before which the printed pages of a table at 100% break:
    each page as full as :data:`PAGE_POINTS` allows, under the ``repeated`` last rows of
    ``above`` (the header, on every page; the first page has all of ``above``), and never
    after a row marked ``keep`` (with the next row: a partner's package and its first item).

    >>> row_breaks([20, 15], [100] * 9, [False, False, False, True] + [False] * 5)
    [3, 7]
    """
    repeat = sum(above[len(above) - repeated:])
    breaks: list[int] = []
    start, used = 0, sum(above)
    for i, height in enumerate(heights):
        if used + height <= PAGE_POINTS or i == start:
            used += height
            continue
        cut = i - 1 if keep[i - 1] and i - 1 > start else i
        breaks.append(cut)
        start = cut
        used = repeat + sum(heights[cut:i + 1])
    return breaks


#: Arial's widths in a column width's digits, erring wide: narrow marks, capitals, the
#: widest letters (M, W: 1.5-1.7 digits); any other character outside ASCII counts as two
#: (a Japanese character is 1.8).
_NARROW, _WIDE = frozenset(" .,;:'!|()[]/\\-ijlftrI"), frozenset("MWmw@%")
#: The widest a character counts (:func:`text_width`): text of n characters is at most
#: n times this wide.
_WIDEST = 2.0


def text_width(text: str) -> float:
    """How wide ``text`` is in Arial 10, in the digits a column width counts (an
    estimate that errs wide: a column this wide holds the text on one line). The one
    measure of the workbook's text: where the writer breaks a cell's lines
    (:func:`word_lines`, :func:`item_lines`) and how many lines a row, a header or a title
    needs (:func:`text_lines`).

    >>> text_width("P-13"), text_width("MW")
    (4.0, 3.4)
    """
    width = 0.0
    for char in text:
        if char in _NARROW:
            width += 0.6
        elif char in _WIDE:
            width += 1.7
        elif char.isupper():
            width += 1.4
        else:
            width += 1.0 if char.isascii() else _WIDEST
    return round(width, 6)


def item_lines(items: Sequence[Any], width: float = WRAP_WIDTH - 2) -> str:
    """``items`` joined with ", ", a line break after the comma wherever the next item
    would take the line past ``width`` digits (:func:`text_width`): text a spreadsheet
    breaks only between items, never inside one, in a column ``width`` + 2 wide.
    (Wrapping on its own, Excel and LibreOffice break after a hyphen too: "P-" | "13".)

    >>> item_lines(["P-13", "P-33", "P-14", "P-32", "P-24", "P-27", "P-02"], 20)
    'P-13, P-33, P-14,\\nP-32, P-24, P-27,\\nP-02'
    """
    return "\n".join(_fill([f"{item}," for item in items], width))[:-1]


def word_lines(text: str, width: float) -> str:
    """``text`` with a line break for a space wherever the next word would take the line
    past ``width`` digits (:func:`text_width`): wrapped text a spreadsheet breaks only
    between words, never after the hyphen inside an id ("P-" | "02"). Its characters are
    as they were but for those spaces; a word wider than ``width`` stays whole.

    >>> word_lines("exclusive group Aurelia patrol boats: P-02 funded instead", 30)
    'exclusive group Aurelia patrol\\nboats: P-02 funded instead'
    """
    return "\n".join(_lines(text, width))


def _lines(text: str, width: float) -> list[str]:
    """The lines :func:`word_lines` breaks ``text`` into (its own lines, each filled)."""
    if "\n" not in text and len(text) * _WIDEST <= width:  # fits, whatever its letters
        return [text]
    return [line for part in text.split("\n") for line in _fill(part.split(" "), width)]


def _fill(words: Sequence[str], width: float) -> list[str]:
    """``words`` joined by spaces into lines, greedily, each within ``width`` digits
    (:func:`text_width`) unless one word alone is wider."""
    lines: list[list[str]] = []
    used = 0.0  # the last line's width: a line's width is the sum of its characters'
    space = text_width(" ")
    for word in words:
        need = _word_width(word)
        if lines and used + space + need <= width + 1e-9:
            lines[-1].append(word)
            used += space + need
        else:
            lines.append([word])
            used = need
    return [" ".join(line) for line in lines]


@functools.lru_cache(maxsize=1 << 16)
def _word_width(word: str) -> float:
    """:func:`text_width` of a word, remembered: a big round's titles repeat their words."""
    return text_width(word)


def text_lines(text: str, width: float) -> int:
    """Lines ``text`` takes in a cell ``width`` digits wide: the lines :func:`word_lines`
    breaks it into (by :func:`text_width`, the measure the writer breaks cells by, so a
    row is as tall as the lines its cells were given, not a line taller), a word wider
    than the cell folded over the lines it needs.

    >>> text_lines("Share of the best value", 12), text_lines("Cost (¥m)", 12)
    (2, 1)
    >>> text_lines(word_lines("Air-traffic-control radar and related equipment", 30), 30)
    2
    """
    return _count(_lines(text, width), width)


def _count(lines: Sequence[str], width: float) -> int:
    """Lines a cell shows of these lines (:func:`_lines`): one each, and a word wider than
    the cell, alone on its line, folded over as many as it needs."""
    usable = max(width, 1.0)
    return sum(1 if " " in line or len(line) * _WIDEST <= usable
               else max(1, math.ceil(_word_width(line) / usable - 1e-9)) for line in lines)


def _wrapped(text: str, width: float) -> tuple[str, int]:
    """A wrapping cell's text broken into lines of ``width`` digits (:func:`word_lines`;
    text that :func:`looks_rich` is written as it is) and the lines it takes."""
    if looks_rich(text):
        return text, text_lines(text, width)
    lines = _lines(text, width)
    return "\n".join(lines), _count(lines, width)


def _heading(sheet: Worksheet, row: int, text: str, one_line: Format, wrapped: Format,
             width: int, n_columns: int, scale: float) -> float:
    """A title or note above a table. Wider than the table, it wraps across the table's
    columns: spilling over empty cells would widen the printed page and shrink it all.
    Returns the row's height in points (a one-line row's at most)."""
    text = excel_text(text)
    if len(text) * scale <= width or n_columns < 2:
        sheet.write_string(row, 0, text, one_line)
        return ONE_LINE_POINTS * scale
    height = ROW_POINTS * scale * text_lines(text, width / scale)
    sheet.set_row(row, height)
    sheet.merge_range(row, 0, row, n_columns - 1, text, wrapped)
    return height


class _Column(NamedTuple):
    """How :func:`_set_columns` laid out one column."""

    width: int
    wraps: bool
    cell_format: Format
    numeric: bool  # numbers only, padded: they and the header sit on the right, indented
    centered: bool = False  # a code (formats.CODE_COLUMNS): it and its header centred


def _set_columns(sheet: Worksheet, fmt: Formats, table: pd.DataFrame, columns: list[str],
                 min_widths: Mapping[int, int], fractions: AbstractSet[str] = frozenset()
                 ) -> list[_Column]:
    """Each column's number format and width (:func:`_layout`), set on the sheet. The pad
    of the numbers and the indent of their headers never cost a table its one-page print:
    a table they alone would take past :data:`LEGIBLE_WIDTH` goes without them (its numbers
    right-aligned at the edge, their headers on the left, as a spreadsheet puts them)."""
    layout = _layout(fmt, table, columns, min_widths, pad=True, fractions=fractions)
    if sum(c.width for c in layout) > LEGIBLE_WIDTH:
        plain = _layout(fmt, table, columns, min_widths, pad=False, fractions=fractions)
        if sum(c.width for c in plain) <= LEGIBLE_WIDTH:
            layout = plain
    if sum(c.width for c in layout) > LEGIBLE_WIDTH:  # printed several pages wide anyway:
        for col, name in enumerate(columns):  # a sentence a row wraps in fewer, wider lines
            if name in PROSE_COLUMNS and layout[col].wraps:
                longest = table[name].head(200).map(
                    lambda v: max(map(len, str(v).split("\n")), default=0)).max()
                layout[col] = layout[col]._replace(
                    width=max(layout[col].width, min(int(longest) + 2, PROSE_WIDTH)))
    _spare_to_text(table, columns, layout)
    for col, column in enumerate(layout):
        sheet.set_column(col, col, column.width, column.cell_format)
    return layout


def _spare_to_text(table: pd.DataFrame, columns: list[str], layout: list[_Column]) -> None:
    """A table narrower than the printed page gives the width it leaves to its wrapped
    columns, left to right, each up to its longest line (at most :data:`MAX_WIDTH`): the
    Partners sheet printed its titles over two or three lines in a column of 32 beside a
    third of the page left blank, 45 rows over three pages, a partner's package row alone
    at the foot of one; its titles now take one line each."""
    spare = PAGE_WIDTH - sum(c.width for c in layout)
    for col, name in enumerate(columns):
        if spare <= 0:
            return
        if not layout[col].wraps:
            continue
        longest = max((_word_width(line) for v in table[name].head(200)
                       if isinstance(v, str) for line in v.split("\n")), default=0.0)
        wider = min(max(layout[col].width, math.ceil(longest) + 2), MAX_WIDTH,
                    layout[col].width + spare)
        spare -= wider - layout[col].width
        layout[col] = layout[col]._replace(width=wider)


def _layout(fmt: Formats, table: pd.DataFrame, columns: list[str],
            min_widths: Mapping[int, int], *, pad: bool, fractions: AbstractSet[str] = frozenset()
            ) -> list[_Column]:
    """Each column's width and format: the longest of the first 200 values and the header
    (wrapped to two lines when it is longer than the values), within 8-60 characters; long
    text wraps at WRAP_WIDTH. With ``pad``, a column of numbers (a number kind of
    :class:`Formats`, or numbers only) is right-aligned, header and numbers alike,
    indented clear of Excel's filter button (:data:`NUMBER_INDENT_WIDTH` wider)."""
    # each column of the sample once, by position (a positional lookup and a dropna per
    # column took a third of the example's workbook); its cells as iterating it gives them
    # and the non-missing ones, as dropna keeps them
    head = table.head(200)
    sample = [column for _, column in head.items()]
    present = head.notna().to_numpy()
    out = []
    for col, name in enumerate(columns):
        header = name if name in fractions else humanize(name)
        words = max((len(w) for w in header.split()), default=0)
        lengths = [max(words, math.ceil(len(header) / 2)), min_widths.get(col, 0) - 2]
        kind = fmt.kind("fraction" if name in fractions else name)
        text = kind == "text"
        cells = list(sample[col])
        values = [v for v, there in zip(cells, present[:, col].tolist(), strict=True) if there]
        lines = False  # text of several lines: it wraps, as wide as its longest line
        for value in cells:
            if isinstance(value, float):
                lengths.append(len(f"{value:,.1f}"))
            elif isinstance(value, str) and "\n" in value:
                lengths.append(max(map(len, value.split("\n"))))
                text = lines = True
            elif not is_missing(value):
                lengths.append(len(str(value)))
                text = text or isinstance(value, str)  # e.g. the Policy sheet's values
        # numbers only (an empty column too, if its name is a number kind's): not yes/no,
        # never text
        numeric = (len(values) > 0 or kind != "text") and not any(
            isinstance(v, bool | np.bool_) or not isinstance(v, int | float | np.number)
            for v in values)
        padded = numeric and pad
        width = min(max(max(lengths) + 2 + NUMBER_INDENT_WIDTH * padded, 8), MAX_WIDTH)
        cell_format = fmt.numbers[kind] if padded else getattr(fmt, kind)
        if len(values) and all(isinstance(v, bool | np.bool_) for v in values):
            cell_format, text = fmt.yes_no, False
        wraps = text and not numeric and (width > WRAP_WIDTH or lines)
        if wraps:  # wide enough for its widest word: a policy key has no space to break
            # at, and LibreOffice broke "eligibility.require_management_agreem" / "ent"
            # (a column of codes shown in words, "maritime_surveillance;search_and_rescue"
            # as "Maritime surveillance; Search and rescue", breaks between those words)
            word = 0.0 if name in LABEL_COLUMNS else max(
                (_word_width(w) for v in cells if isinstance(v, str) for w in v.split()),
                default=0.0)
            width = min(width, max(WRAP_WIDTH, math.ceil(word) + 2), MAX_WIDTH)
            cell_format = fmt.wrap
        if name in CODE_COLUMNS and numeric:
            out.append(_Column(min(max(max(lengths) + 2, 8), MAX_WIDTH), False, fmt.code, False,
                               centered=True))
            continue
        out.append(_Column(width, wraps, cell_format, padded))
    return out


def _print_setup(sheet: Worksheet, first_header_row: int, header_row: int,
                 widths: Sequence[int] = (), groups: Sequence[tuple[str, int, int]] = (),
                 heading: tuple[str, str] | None = None, last_row: int = 0,
                 row_breaks: Sequence[int] = (), height: float = 0.0) -> None:
    """Officers print these: landscape A4, the header rows on every page, one page wide
    when that stays legible, else over several pages wide with the first column on every
    page. A sheet one page wide whose rows (``height``: the points of the whole sheet at
    100%, erring tall) overflow its one page by only a few is fitted to one page, when
    that keeps :data:`FIT_SHARE` of its one-page-wide scale (:func:`fits_one_page`): the
    example's portfolio sheets printed 26 rows and then three alone on a second page. A table of ``groups`` (a column per portfolio: the Allocation sheets) breaks
    between groups, each page holding whole groups under their header, at the largest
    scale up to :data:`MAX_GROUP_SCALE` that fits them (else :data:`PRINT_SCALE`). A table
    printed several pages wide from the sheet's top (``heading``: its title and note)
    prints them as the page header of every page, not in the repeated first column, where
    a continued page cut the title to "Allocatio"; the footer numbers the pages. With
    ``row_breaks`` (a table one page wide at 100%) the pages break before those rows, at
    100%: Excel ignores a sheet's own page breaks when it fits a sheet to pages."""
    sheet.set_landscape()
    sheet.set_paper(PAPER_A4)
    width = sum(widths)
    if row_breaks:
        sheet.repeat_rows(first_header_row, header_row)
        sheet.set_h_pagebreaks(list(row_breaks))
        return
    if width <= LEGIBLE_WIDTH:
        sheet.fit_to_pages(1, 1 if fits_one_page(width, height) else 0)
        sheet.repeat_rows(first_header_row, header_row)
        return
    sheet.repeat_columns(0, 0)
    sheet.repeat_rows(first_header_row, header_row)
    breaks, scale = _group_pages(widths, groups)
    sheet.set_print_scale(scale)
    if breaks:
        sheet.set_v_pagebreaks(breaks)
    if heading is not None:
        sheet.print_area(first_header_row, 0, last_row, len(widths) - 1)
        sheet.set_header(_page_header(*heading), {"margin": 0.3})
        sheet.set_footer("&R&P / &N")


def fits_one_page(width: float, height: float) -> bool:
    """Whether a sheet one page wide (``width`` in characters) of ``height`` points at
    100% prints on one page at :data:`FIT_SHARE` or more of the scale that fits its width
    (so at 51% or more, a sheet one page wide printing at 60% or more): a sheet a few rows longer than a page is
    fitted to it rather than leaving those rows alone on a second page; a longer one breaks
    over pages at its full one-page-wide scale, never squeezed.

    >>> fits_one_page(200, 500 * 100 / 62), fits_one_page(200, 700 * 100 / 62)
    (True, False)
    >>> fits_one_page(100, 400), fits_one_page(0, 0)
    (True, False)
    """
    if width <= 0 or height <= 0:
        return False
    scale = min(100.0, 100 * PAGE_WIDTH / width)  # the scale that fits it one page wide
    one_page = min(scale, 100 * PAGE_POINTS / height)
    return one_page >= FIT_SHARE * scale


def _group_pages(widths: Sequence[int], groups: Sequence[tuple[str, int, int]]
                 ) -> tuple[list[int], int]:
    """The columns before which a page of whole ``groups`` breaks, and the print scale
    that fits the widest page with the first column repeated; no breaks and
    :data:`PRINT_SCALE` where a group alone is wider than a page at that scale.

    >>> _group_pages([10] + [70] * 10, [(f"P{k}", 1 + k, 1 + k) for k in range(10)])
    ([3, 5, 7, 9], 82)
    """
    if not groups:
        return [], PRINT_SCALE
    first = widths[0]
    room = PAGE_WIDTH * 100 / PRINT_SCALE - first
    spans = [sum(widths[a:b + 1]) for _, a, b in groups]
    if max(spans) > room:
        return [], PRINT_SCALE
    breaks, used, widest = [], 0.0, 0.0
    for (_, a, _), span in zip(groups, spans, strict=True):
        if used and used + span > room:
            breaks.append(a)
            used = 0.0
        used += span
        widest = max(widest, used)
    return breaks, max(PRINT_SCALE, min(MAX_GROUP_SCALE,
                                        int(PAGE_WIDTH * 100 / (first + widest))))


def _page_header(title: str, note: str) -> str:
    """A page header of the title in bold over the note (Excel's codes; "&" doubled),
    within Excel's 255 characters.

    >>> _page_header("Allocation by tier", "Money in ¥ million & more.")
    '&L&"-,Bold"Allocation by tier\\n&"-,Regular"Money in ¥ million && more.'
    """
    def code(text: str) -> str:
        return excel_text(text).replace("&", "&&")

    head = '&L&"-,Bold"' + code(title)
    more = '\n&"-,Regular"' + code(note) if note else ""
    return head + more if len(head + more) <= 255 else head[:255]


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

    >>> import io, xlsxwriter
    >>> book = xlsxwriter.Workbook(io.BytesIO())
    >>> sheet_name(book, "Frontier/detail?")
    'Frontier-detail-'
    >>> _ = book.add_worksheet("Portfolio 1"); sheet_name(book, "Portfolio 1")
    'Portfolio 1 (2)'
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
