"""Cells a reader takes no value from, and formulas that read another sheet, worded alike
for every workbook format: a formula saved without its value (its text stands in the cell)
or an .ods number cell without its number is refused where the input reads it, a header
formula named as the header it is (:func:`reader_cell_issues`, :func:`route`); a formula
reading another sheet or workbook is read as the value it shows, with a warning
(:func:`linked_formula_warnings`); so is one reading another row of the table, a relative
formula pasted from another row (:func:`other_row_formula_warnings`).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from typing import Any

from osa_opt.errors import Issue
from osa_opt.inputs.headers import find_header, known_header
from osa_opt.inputs.suspect_cells import FORMULA_HINT, FORMULA_RULE
from osa_opt.text import counted, rows_named


def formula_issues(sheet: str, rows: Sequence[tuple[int, Sequence[Any]]],
                    formulas: dict[tuple[int, int], str]) -> list[Issue]:
    """A formula saved without its value, in a column the input reads: its text is not its
    value (a group named '=A2&"-boats"', a cost read as text)."""
    return reader_cell_issues(sheet, rows, {cell: (text, FORMULA_RULE, FORMULA_HINT)
                                            for cell, text in formulas.items()})


def reader_cell_issues(sheet: str, rows: Sequence[tuple[int, Sequence[Any]]],
                       cells: dict[tuple[int, int], tuple[str, str, str]]) -> list[Issue]:
    """Cells the reader could not take a value from ((row, column from 0) -> (text, rule,
    hint): a formula saved without its value, a number cell of an .ods file without its
    number), in the columns the input reads; a header formula is named as a header."""
    if not cells or not rows:
        return []
    at = find_header(sheet, rows)
    header_row, header = rows[at][0], rows[at][1]
    issues = []
    for (r, c), (text, rule, hint) in sorted(cells.items()):
        if r == header_row and rule == FORMULA_RULE:
            issues.append(_header_formula_issue(sheet, r, c, text))
            continue
        name = header[c] if c < len(header) else None
        column = name.strip() if isinstance(name, str) else None
        if r > header_row and column and known_header(sheet, column):
            issues.append(Issue(sheet, r, column, text, rule, hint))
    return issues


def route(found: Sequence[Issue], issues: list[Issue], cells: list[Issue]) -> None:
    """Problems of :func:`reader_cell_issues` to where they belong: a cell's (it has a
    column) to ``cells``, listed with the tables' other problems; a header's to
    ``issues``, since a header without text leaves the sheet's columns unknown."""
    for issue in found:
        (cells if issue.column is not None else issues).append(issue)


def _header_formula_issue(sheet: str, row: int, c: int, text: str) -> Issue:
    """A header cell holding a formula saved without its value (``="cost_FY2026"`` written by
    openpyxl or pandas): the header has no text, so its column would be told to be renamed
    from the formula's text. Named as the formula it is, with the header to type when the
    formula is a plain text (``="title"``)."""
    from openpyxl.utils import get_column_letter

    literal = re.fullmatch(r'=\s*"([^"]*)"\s*', text)
    typed = f"type the header {literal.group(1)!r} in the cell" if literal else \
        "type the header in the cell as text"
    return Issue(sheet, row, None, text,
                 f"the header of column {get_column_letter(c + 1)} is a formula without its "
                 "computed value: the file was saved by a program that does not compute "
                 "formulas, so the header has no text",
                 "open the file in Excel or LibreOffice and save it again, so that the "
                 f"formula's value is stored; or {typed}")


def linked_formula_warnings(sheet: str, rows: Sequence[tuple[int, Sequence[Any]]],
                            formulas: dict[tuple[int, int], str]) -> list[Issue]:
    """One warning per column the input reads whose cells are formulas reading another
    sheet or workbook (``=countries!A8``, ``='[pipeline.xlsx]Sheet1'!F5``), as rows pasted
    from another workbook bring them: each is read as the value it shows, which moves
    when that sheet is sorted (the project's country becomes another partner) or, a link
    to another workbook, is not updated."""
    linked = {cell: text for cell, text in formulas.items() if "!" in text}
    if not linked or not rows:
        return []
    at = find_header(sheet, rows)
    header_row, header = rows[at][0], rows[at][1]
    cells = dict(rows)
    by_column: dict[int, list[tuple[int, str]]] = {}
    for (r, c), text in sorted(linked.items(), key=lambda item: (item[0][1], item[0][0])):
        name = header[c] if c < len(header) else None
        if r > header_row and isinstance(name, str) and known_header(sheet, name.strip()):
            by_column.setdefault(c, []).append((r, text))
    out = []
    for c, found in by_column.items():
        name = str(header[c]).strip()
        r, text = found[0]
        shown = cells.get(r, ())[c] if c < len(cells.get(r, ())) else None
        many = len(found) > 1
        out.append(Issue(
            sheet, r, name, text,
            f"{counted(len(found), 'cell')} of {name} ({rows_named([x for x, _ in found])}) "
            f"{'are formulas' if many else 'is a formula'} reading another sheet or workbook "
            f"({text} in row {r}, read as {shown!r}): {'each is' if many else 'it is'} read "
            "as the value it shows, which changes if that sheet is sorted or its rows moved, "
            "and a link to another workbook is not updated",
            "nothing to do if the values are right; to keep them as they are, copy the cells "
            "and paste them as values (Paste Special > Values)"))
    return out


#: A reference to cells of the same sheet: ``F11``, ``$F$11``, ``F11:F13``, ``F:F``, ``11:12``.
_REFERENCE = re.compile(r"\$?([A-Z]{1,3})?\$?(\d+)?(?::\$?([A-Z]{1,3})?\$?(\d+)?)?",
                        re.IGNORECASE)


#: The row of each cell a formula may name (``F12``, ``$F$12``): a formula of no range
#: whose every such row is its own reads only its own row.
_CELL_ROW = re.compile(r"\$?[A-Za-z]{1,3}\$?(\d+)")


def _rows_read(text: str) -> list[tuple[int, int | None]] | None:
    """The rows each same-sheet reference of a formula reads, as (first, last) ranges (last
    None: every row, ``F:F``); None when the formula cannot be parsed. References to
    another sheet or workbook (``!``) and names (``rate``) are left out."""
    from openpyxl.formula.tokenizer import Tokenizer

    try:
        items = Tokenizer(text).items
    except Exception:  # noqa: BLE001 - a formula openpyxl cannot parse: nothing said
        return None
    out: list[tuple[int, int | None]] = []
    for item in items:
        if item.type != "OPERAND" or item.subtype != "RANGE" or "!" in item.value:
            continue
        found = _REFERENCE.fullmatch(item.value)
        if not found or not any(found.groups()):
            continue  # a name
        col1, row1, col2, row2 = found.groups()
        if row1 is None and row2 is None:
            if col1 and (col2 or ":" in item.value):
                out.append((1, None))  # F:F, every row
            continue  # a name that looks like a column (``rate`` is no cell)
        first = int(row1) if row1 else int(row2)
        last = int(row2) if row2 else first
        out.append((min(first, last), max(first, last)))
    return out


def other_row_formula_warnings(sheet: str, rows: Sequence[tuple[int, Sequence[Any]]],
                               formulas: dict[tuple[int, int], str]) -> list[Issue]:
    """One warning per column the input reads whose cells are formulas reading a cell of
    another row of the table, another project's (or country's): a relative formula pasted
    from another row (row 28's ``=F27*1.1`` copied into row 12 reads ``=F11*1.1``, row
    11's cost) is read as the value it shows, silently another row's. A formula reading
    only its own row (``=F12*1.1`` in row 12), the header or a cell outside the table (a
    rate in ``$B$50``) is no such case.

    >>> rows = [(1, ("project_id", "cost_FY2026")), (2, ("P-01", 100.0)), (3, ("P-02", 110.0))]
    >>> [w.rule[:62] for w in other_row_formula_warnings("projects", rows, {(3, 1): "=B2*1.1"})]
    ['1 cell of cost_FY2026 (row 3) is a formula reading another row']
    >>> other_row_formula_warnings("projects", rows, {(3, 1): "=B3*1"})
    []
    """
    from openpyxl.formula.translate import Translator
    from openpyxl.utils import get_column_letter

    if not formulas or not rows:
        return []
    at = find_header(sheet, rows)
    header_row, header = rows[at][0], rows[at][1]
    cells = dict(rows)
    table = {r for r, row in rows[at + 1:]
             if any(v is not None and not (isinstance(v, str) and not v.strip()) for v in row)}
    ordered = sorted(table)
    by_column: dict[int, list[tuple[int, str, list[tuple[int, int | None]]]]] = {}
    for (r, c), text in sorted(formulas.items(), key=lambda item: (item[0][1], item[0][0])):
        name = header[c] if c < len(header) else None
        if r <= header_row or r not in table or not isinstance(name, str) \
                or not known_header(sheet, name.strip()):
            continue
        if ":" not in text and all(int(n) == r for n in _CELL_ROW.findall(text)):
            continue  # =F12*1.1 in row 12: its own row only (most formulas), untokenized
        read = _rows_read(text)
        if read and _reads_other(read, r, ordered):
            by_column.setdefault(c, []).append((r, text, read))
    out = []
    for c, found in by_column.items():
        name = str(header[c]).strip()
        r, text, read = found[0]
        others = _other_rows(read, r, ordered)
        shown = cells.get(r, ())[c] if c < len(cells.get(r, ())) else None
        many = len(found) > 1
        what = "project" if sheet == "projects" else "country"
        fixed = None
        if len(others) == 1:  # one other row read: the formula as it reads its own row
            try:
                letter = get_column_letter(c + 1)
                fixed = Translator(text, origin=f"{letter}{others[0]}").translate_formula(
                    f"{letter}{r}")
            except Exception:  # noqa: BLE001 - no suggestion, the rest of the fix stands
                fixed = None
        own = (f" ({fixed} in row {r})" if fixed and fixed != text
               and not _reads_other(_rows_read(fixed) or [], r, ordered) else "")
        out.append(Issue(
            sheet, r, name, text,
            f"{counted(len(found), 'cell')} of {name} ({rows_named([x for x, _, _ in found])}) "
            f"{'are formulas' if many else 'is a formula'} reading another row of the table "
            f"({text} in row {r} reads {rows_named(others)}, read as {shown!r}): a formula "
            f"pasted from another row reads that row's cells, not its own, so "
            f"{'each' if many else 'it'} may hold another {what}'s value",
            "nothing to do if the values are right; if a formula is to read its own row, "
            f"make it refer to that row{own}; to keep the values as they are, copy the cells "
            "and paste them as values (Paste Special > Values)"))
    return out


def _reads_other(read: list[tuple[int, int | None]], r: int, ordered: list[int]) -> bool:
    """Whether the rows ``read`` (of :func:`_rows_read`) take in a row of the table (its
    rows, ``ordered``) other than ``r``: by bisection, not row by row."""
    for first, last in read:
        lo = bisect.bisect_left(ordered, first)
        hi = len(ordered) if last is None else bisect.bisect_right(ordered, last)
        inside = hi - lo
        if inside and (inside > 1 or ordered[lo] != r):
            return True
    return False


def _other_rows(read: list[tuple[int, int | None]], r: int, ordered: list[int],
                limit: int = 6) -> list[int]:
    """The first ``limit`` rows of the table other than ``r`` that ``read`` takes in."""
    out: set[int] = set()
    for first, last in read:
        lo = bisect.bisect_left(ordered, first)
        hi = len(ordered) if last is None else bisect.bisect_right(ordered, last)
        out.update(x for x in ordered[lo:min(hi, lo + limit + 1)] if x != r)
    return sorted(out)[:limit]
