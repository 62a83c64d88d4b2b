"""Merged cells and hidden rows and columns of an input sheet, worded alike for every
workbook format: a merged cell in the table means nothing certain and is refused
(:func:`merged_issues`); a hidden row, or a hidden column the input reads, is read all the
same, with a warning.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from osa_opt.errors import Issue
from osa_opt.inputs.headers import find_header, known_header
from osa_opt.text import first_few, rows_named

#: A merged range as (first row, first column, last row, last column): Excel rows from 1,
#: columns from 0.
Merge = tuple[int, int, int, int]


def merged_issues(sheet: str, rows: Sequence[tuple[int, Sequence[Any]]],
                  merges: Sequence[Merge]) -> list[Issue]:
    """One issue per merged range that reaches the table (the header row or below).

    A merged cell keeps its value in its first cell only; the rows and columns it covers
    read as blank. Whether the analyst meant the value for every row (one exclusive group
    for three projects), for the first only, or split, nobody can tell: each range is
    named, with the value and the cells that would read blank, instead of a guess.
    """
    from openpyxl.utils import get_column_letter

    if not merges or not rows:
        return []
    at = find_header(sheet, rows)
    header_row, header = rows[at][0], rows[at][1]
    cells = dict(rows)
    issues = []
    for r1, c1, r2, c2 in sorted(merges):
        first = cells.get(r1, ())
        value = first[c1] if c1 < len(first) else None
        if r2 < header_row or (r1 == r2 and c1 == c2) or value is None or (
                isinstance(value, str) and not value.strip()):
            continue  # a title block above the table, one cell, or blank all over
        name = header[c1] if c1 < len(header) else None
        column = str(name).strip() if isinstance(name, str) and name.strip() else None
        span = f"{get_column_letter(c1 + 1)}{r1}:{get_column_letter(c2 + 1)}{r2}"
        covered = (f"rows {r1 + 1}-{r2}" if r2 > r1 + 1 else f"row {r2}") if r2 > r1 else \
            f"column{'s' if c2 > c1 + 1 else ''} " + ", ".join(
                get_column_letter(c + 1) for c in range(c1 + 1, c2 + 1))
        what = "the header" if r1 == header_row else "the value"
        if r1 == r2 > header_row and all(
                v is None or (isinstance(v, str) and not v.strip())
                for c, v in enumerate(first) if not c1 <= c <= c2):
            # a title or section heading pasted into the table, merged over its row:
            # typing it in every cell (the fix above) would make a row of a project
            issues.append(Issue(sheet, r1, column, value,
                                f"the cells {span} are merged over a row that holds nothing "
                                "else: a title or section heading inside the table, not a "
                                f"{'project' if sheet == 'projects' else 'country'}",
                                "delete the row (a title goes above the header row, or in a "
                                "comment); if it is meant as a row of the table, unmerge the "
                                "cells and fill in each of its cells"))
            continue
        issues.append(Issue(sheet, r1, column, value,
                            f"the cells {span} are merged: {what} is in {span.split(':')[0]} "
                            f"only, and {covered} of the range would read as blank",
                            "unmerge the cells (Excel: Home > Merge & Center > Unmerge Cells; "
                            "LibreOffice: Format > Merge and Unmerge Cells > Split Cells) and "
                            "type the value in every cell that has it"))
    return issues


def hidden_row_warnings(sheet: str, rows: Sequence[tuple[int, Sequence[Any]]],
                        hidden: set[int], flat: set[int] | None = None) -> list[Issue]:
    """One warning naming the hidden rows of the table (a filter, or rows hidden by hand,
    and the rows ``flat``, of a height of 0, hidden as well without the hidden flag): they
    are read all the same, though whoever hid them may have meant them out."""
    hidden = hidden | (flat or set())
    if not hidden or not rows:
        return []
    header_row = rows[find_header(sheet, rows)][0]
    shown = [n for n, cells in rows if n > header_row and n in hidden
             and any(c is not None and str(c).strip() for c in cells)]
    if not shown:
        return []
    many = len(shown) > 1
    zero = [n for n in shown if n in (flat or ())]
    how = f", or by a height of 0: {rows_named(zero, 10)}" if zero else ""
    return [Issue(sheet, shown[0], None, None,
                  f"{len(shown):,} row{'s are' if many else ' is'} hidden (by a filter or by "
                  f"hand{how}): {rows_named(shown, 10)}; {'they are' if many else 'it is'} "
                  "read all the same",
                  "show every row (Data > Filter > Clear, or select the rows > Unhide"
                  f"{'; a row of height 0: Format > Row Height' if zero else ''}) to see "
                  "what is read; a project that is not in the round is deleted or marked "
                  "status excluded")]


def hidden_column_warnings(sheet: str, rows: Sequence[tuple[int, Sequence[Any]]],
                           hidden: set[int], flat: set[int] | None = None) -> list[Issue]:
    """One warning naming the hidden columns (indices from 0; ``flat``: of a width of 0,
    hidden without the hidden flag) that the input reads and that hold a value below the
    header: they count all the same, though whoever hid them (an old cost column, an
    override) may have meant them out. A hidden column the input does not read (notes, a
    helper) changes nothing, and is not named."""
    from openpyxl.utils import column_index_from_string, get_column_letter

    hidden = hidden | (flat or set())
    if not hidden or not rows:
        return []
    at = find_header(sheet, rows)
    header_row, header = rows[at][0], rows[at][1]
    body = [cells for _, cells in rows[at + 1:]]
    named = []
    for i in sorted(h for h in hidden if h < len(header)):
        name = header[i].strip() if isinstance(header[i], str) else ""
        if name and known_header(sheet, name) and any(
                i < len(cells) and cells[i] is not None and str(cells[i]).strip()
                for cells in body):
            named.append((name, get_column_letter(i + 1)))
    if not named:
        return []
    zero = {letter for name, letter in named
            if column_index_from_string(letter) - 1 in (flat or ())}
    listed = first_few((f"{name!r} (column {letter}{', of width 0' if letter in zero else ''})"
                        for name, letter in named), 10)
    many = len(named) > 1
    return [Issue(sheet, header_row, named[0][0], None,
                  f"{len(named)} column{'s are' if many else ' is'} hidden: {listed}; "
                  f"{'they are' if many else 'it is'} read all the same",
                  "show every column (select the whole sheet, right-click a column header > "
                  f"Unhide{'; a column of width 0: Format > Column Width' if zero else ''}) to "
                  "see what is read; a column that is not meant to count is deleted, or its "
                  "cells emptied")]
