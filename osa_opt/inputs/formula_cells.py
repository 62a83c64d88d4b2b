"""Cells a reader takes no value from, and formulas that read another sheet, worded alike
for every workbook format: a formula saved without its value (its text stands in the cell)
or an .ods number cell without its number is refused where the input reads it, a header
formula named as the header it is (:func:`reader_cell_issues`, :func:`route`); a formula
reading another sheet or workbook is read as the value it shows, with a warning
(:func:`linked_formula_warnings`).
"""

from __future__ import annotations

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
