"""The data rows of a big table written as sheet XML a column at a time, not cell by cell.

xlsxwriter spends about 4 µs of Python on each cell (type dispatch, a tuple per cell, the
XML of each cell built from attribute lists): 1.1 million cells, portfolio 1 of a
100,000-project round, took 5 s. In constant-memory mode it writes each finished row as XML
to a temporary file; :func:`write_rows` writes the same XML for a whole block of rows, each
column's cells formatted in one pass, straight to that file, then tells the worksheet where
the block ended, so every other part of the workbook (the header above, autofilters,
charts, print settings) is still xlsxwriter's own.

The XML is byte for byte what xlsxwriter writes cell by cell (``tests/test_bulk_rows.py``
compares the two on every kind of cell), for the cells :func:`osa_opt.outputs.tables.
column_cells` prepares: finite numbers, booleans, text, blanks (None), and subclasses of
numbers and text as xlsxwriter takes them (:func:`_other_cell`); but for text that
xlsxwriter would take for rich-text XML (see :func:`_inline`). One difference in what may
follow: the block's rows are written out at once, the last one too, so a cell written into
them afterwards is dropped (cell by cell, the last row stays open until the next row is
written); :func:`osa_opt.outputs.tables.write_table` writes nothing there. It leans on a few
of xlsxwriter's internals (the row file, the last row written, the column formats); where
they are not what this module knows (:func:`can_write_rows`), the caller writes cell by
cell as before.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.xmlwriter import XMLwriter

if TYPE_CHECKING:
    from xlsxwriter.format import Format
    from xlsxwriter.worksheet import Worksheet

#: Tables of at least this many rows go out in bulk; smaller ones cell by cell (the same
#: file either way, and the few cells of a small table cost nothing).
BULK_FROM_ROWS = 500

#: The worksheet internals :func:`write_rows` uses, as xlsxwriter 3.x names them.
_INTERNALS = ("constant_memory", "fh", "previous_row", "dim_colmin", "table", "row_info", "col_info",
              "comments", "default_row_height", "original_row_height", "excel_version",
              "write_handlers", "strings_to_formulas", "strings_to_urls",
              "strings_to_numbers", "_write_single_row", "_check_dimensions")

_EDGE_SPACE = re.compile(r"^\s|\s$")
_XML_SPECIAL = re.compile("[&<>]")


def can_write_rows(sheet: Worksheet) -> bool:
    """Whether ``sheet`` is one :func:`write_rows` can write to: a constant-memory sheet
    of the xlsxwriter this module knows, text kept as text (never a formula, link or
    number), no user type handlers."""
    return (all(hasattr(sheet, name) for name in _INTERNALS)
            and sheet.constant_memory and sheet.excel_version != 2010
            and not sheet.write_handlers and not sheet.strings_to_formulas
            and not sheet.strings_to_urls and not sheet.strings_to_numbers)


def write_rows(sheet: Worksheet, first_row: int, cells: Sequence[Sequence[Any]],
               heights: Sequence[float | None],
               formats: Sequence[Sequence[Format] | None] | None = None) -> None:
    """Write rows ``first_row``… of a table given column by column (``cells[col][i]``:
    row ``first_row + i``), each row ``heights[i]`` points high or the default (None).
    Each cell takes its column's format, or, where ``formats[col]`` is a list, its own
    (``formats[col][i]``: a share shown "<0.1%" in a column of "0.0%").

    The rows above must be written already and none below yet, as in constant-memory mode.
    """
    n_rows = len(cells[0]) if cells else 0
    if n_rows == 0:
        return
    last_row = first_row + n_rows - 1
    sheet._write_single_row(first_row)  # out goes the row above; we continue from here
    filled = [[i for i, value in enumerate(values) if value is not None and value != ""]
              for values in cells]  # blanks without a format are no cells at all
    # Formats are numbered as first used: in the order cell-by-cell writing meets them
    # (row by row, left to right, each cell's format or its column's).
    styles: dict[int, str | list[str]] = dict.fromkeys(range(len(cells)), "")
    first_uses: list[tuple[int, int, Format | None]] = []
    for col, rows in enumerate(filled):
        if not rows:
            continue
        own = formats[col] if formats is not None else None
        if own is None:
            first_uses.append((rows[0], col, None))
        else:
            met: set[int] = set()
            for i in rows:
                if id(own[i]) not in met:
                    met.add(id(own[i]))
                    first_uses.append((i, col, own[i]))
        sheet._check_dimensions(first_row + rows[0], col)  # the sheet's extent
        sheet._check_dimensions(first_row + rows[-1], col)
    for _, col, cell_format in sorted(first_uses, key=lambda use: use[:2]):
        if cell_format is None:
            styles[col] = _column_style(sheet, col)
        else:
            cell_format._get_xf_index()
    for col, own in enumerate(formats or ()):
        if own is not None:
            attribute = {id(f): f' s="{f._get_xf_index()}"' for f in own}
            styles[col] = [attribute[id(f)] for f in own]
    columns = [_column_xml(col, first_row, values, styles[col])
               for col, values in enumerate(cells)]
    write = sheet.fh.write
    for row, height, *row_cells in zip(range(first_row, last_row + 1), heights, *columns,
                                       strict=True):
        if height is not None:  # as set_row() counts the row in the extent
            sheet._check_dimensions(row, sheet.dim_colmin or 0)
        text = "".join(row_cells)
        start = _row_start(sheet, row, height)
        if text:
            write(f"{start}>{text}</row>")
        elif height is not None:  # no cells, only a height
            write(f"{start}/>")
    sheet.previous_row = last_row + 1  # the next row xlsxwriter writes starts after ours
    sheet.table.clear()


def _column_xml(col: int, first_row: int, values: Sequence[Any],
                style: str | list[str]) -> list[str]:
    """Each cell of one column as xlsxwriter's ``<c>`` element ('' for a blank), with the
    ``s`` attribute ``style`` (or ``style[i]``, one per cell)."""
    letters = xl_col_to_name(col)
    rows = range(first_row + 1, first_row + 1 + len(values))  # Excel's 1-based row numbers
    texts = "\n".join(v for v in values if v.__class__ is str)  # one look at all the text
    inline = _inline if _XML_SPECIAL.search(texts) or _control_escaped(texts) != texts \
        else _plain_inline
    per_cell = style if isinstance(style, list) else itertools.repeat(style)
    out = []
    for row, value, cell_style in zip(rows, values, per_cell, strict=False):
        kind = value.__class__
        if value is None:  # a blank without a format: no cell at all, as in xlsxwriter
            out.append("")
        elif kind is float or kind is int:
            out.append(f'<c r="{letters}{row}"{cell_style}><v>{value:.16G}</v></c>')
        elif kind is bool:
            out.append(f'<c r="{letters}{row}"{cell_style} t="b"><v>{int(value)}</v></c>')
        elif kind is str:
            out.append("" if not value else
                       f'<c r="{letters}{row}"{cell_style} t="inlineStr">{inline(value)}</c>')
        else:
            out.append(_other_cell(f"{letters}{row}", cell_style, value))
    return out


def _other_cell(ref: str, style: str, value: Any) -> str:
    """A cell of a subclass (``numpy.float64``, ``numpy.str_``, an ``IntEnum``) as
    xlsxwriter writes it: numbers as numbers, text as text (escaped whatever the rest of
    its column holds), anything else as the number it converts to."""
    if isinstance(value, str):
        text = str.__str__(value)
        return f'<c r="{ref}"{style} t="inlineStr">{_inline(text)}</c>' if text else ""
    if not isinstance(value, int | float):
        try:
            value = float(value)
        except (TypeError, ValueError):
            raise TypeError(f"bulk rows take numbers, booleans, text and None, not "
                            f"{type(value)}") from None
    return f'<c r="{ref}"{style}><v>{value:.16G}</v></c>'


def _plain_inline(text: str) -> str:
    """:func:`_inline` of text with nothing to escape."""
    if text[0].isspace() or text[-1].isspace():  # what xlsxwriter's ^\s|\s$ finds
        return f'<is><t xml:space="preserve">{text}</t></is>'
    return f"<is><t>{text}</t></is>"


def _inline(text: str) -> str:
    """``<is><t>…</t></is>`` of one text cell, escaped as xlsxwriter escapes it.

    One difference, on purpose: xlsxwriter writes text that starts with ``<r>`` and ends
    with ``</r>`` unescaped, as rich-text XML (a title such as ``<r>A & B</r>`` then breaks
    the file); here it is text like any other, as :func:`osa_opt.outputs.tables.write_text`
    writes it on the cell-by-cell path.
    """
    text = _control_escaped(text)
    preserve = ' xml:space="preserve"' if _EDGE_SPACE.search(text) else ""
    if "&" in text or "<" in text or ">" in text:
        text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return f"<is><t{preserve}>{text}</t></is>"


def _column_style(sheet: Worksheet, col: int) -> str:
    """The ``s`` attribute cells without a format of their own take: their column's."""
    info = sheet.col_info.get(col)
    column_format = getattr(info, "column_format", None) if info is not None else None
    return f' s="{column_format._get_xf_index()}"' if column_format is not None else ""


def _row_start(sheet: Worksheet, row: int, height: float | None) -> str:
    """``<row …`` (to be closed) as xlsxwriter writes it for a row with no format and no
    outline."""
    if height is None:
        if sheet.default_row_height == sheet.original_row_height:
            return f'<row r="{row + 1}"'
        pixels = sheet.default_row_height
    else:
        pixels = int(height * 4.0 / 3.0 + 0.5)  # set_row() keeps pixels
    if pixels == sheet.original_row_height and pixels == sheet.default_row_height:
        return f'<row r="{row + 1}"'
    return f'<row r="{row + 1}" ht="{pixels * 0.75:.16g}" customHeight="1"'


def _control_escaped(text: str) -> str:
    """Control characters as ``_xHHHH_`` and a literal ``_xHHHH_`` escaped again:
    xlsxwriter's own escape, which its per-cell writing applies to inline text."""
    return XMLwriter._escape_control_characters(text)
