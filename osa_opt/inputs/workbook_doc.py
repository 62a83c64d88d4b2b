"""The documentation inside an input workbook: the README sheet and the header comments.

Both are built from the column registry (:mod:`osa_opt.inputs.schema`), so the template, the shipped
example and the readers describe a column the same way.

>>> from osa_opt.inputs.workbook_doc import readme_rows
>>> readme_rows(["FY2026"], ["security"])[5]
('projects', 'cost_FY2026', 'required; number >= 0; a blank cell means 0', 'cost in fiscal year FY2026, ¥ million')
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from osa_opt.inputs.schema import (
    COUNTRIES,
    COUNTRY_COLUMNS,
    GUIDELINES,
    PROJECTS,
    Column,
    project_columns,
)

README = "README"

_KIND_WORDS = {
    "text": "text",
    "number": "number",
    "integer": "whole number",
    "bool": "true/false",
    "ids": "project ids separated by ';'",
}


def type_text(column: Column) -> str:
    """What a cell may hold, e.g. ``number in [0, 10]`` or ``one of equipment, supplies``."""
    if column.kind == "enum":
        return "one of " + ", ".join(str(c) for c in column.choices)
    if column.kind == "enums":
        return "one or more of " + ", ".join(str(c) for c in column.choices) + ", separated by ';'"
    words = _KIND_WORDS.get(column.kind, column.kind)
    if column.range_text:
        rng = column.range_text
        return f"{words} {rng}" if rng.startswith((">", "<")) else f"{words} in {rng}"
    return words


def default_text(column: Column) -> str:
    """How a blank cell is read, or '' when a blank cell is an error.

    >>> from osa_opt.inputs.schema import PROJECT_COLUMNS
    >>> [default_text(c) for c in PROJECT_COLUMNS if c.name in ("risk", "un_charter", "override")]
    ['0', 'true', 'false']
    """
    if column.default is None:
        return ""
    if column.default == "":
        return "blank"
    value = column.default
    if isinstance(value, bool):  # as a flag is written everywhere else: true/false
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


def requirement_text(column: Column) -> str:
    """Required/optional, the type and range or choices, and the default, in one line."""
    parts = ["required" if column.required else "optional", type_text(column)]
    default = default_text(column)
    if column.required and default:
        parts.append(f"a blank cell means {default}")
    elif default:
        parts.append(f"default {default}")
    return "; ".join(parts)


def header_comment(column: Column) -> str:
    """The cell comment of a header: meaning, type, range and default."""
    lines = [f"{column.name}: {column.meaning}", requirement_text(column).capitalize() + "."]
    if column.name in GUIDELINES:
        lines.append(f"Guidelines: {GUIDELINES[column.name]}.")
    if column.example not in (None, ""):
        lines.append(f"Example: {_plain(column.example)}")
    return "\n".join(lines)


def readme_rows(fiscal_years: Iterable[str], criteria: Iterable[str]) -> list[tuple[str, str, str, str]]:
    """One row per column of both sheets: (sheet, column, requirement, meaning).

    Parameters
    ----------
    fiscal_years : the policy's fiscal years (one ``cost_<FY>`` column each).
    criteria : the policy's criteria (one ``score_<k>`` column each).
    """
    rows = [(PROJECTS, c.name, requirement_text(c), c.meaning)
            for c in project_columns(list(fiscal_years), list(criteria))]
    rows += [(COUNTRIES, c.name, requirement_text(c), c.meaning) for c in COUNTRY_COLUMNS]
    return rows


GENERAL_NOTES = (
    "Sheet and column names are lower-case and must stay exactly as written; "
    "extra columns are kept and carried to the outputs.",
    "Money is in ¥ million. Row 1 holds the headers; one project or country per row below.",
    "Check a filled workbook with:  osa-opt validate <file.xlsx>  (every problem is listed "
    "with its sheet, row and column).",
)


def write_readme_sheet(
    workbook: Any,
    fiscal_years: Iterable[str],
    criteria: Iterable[str],
    *,
    title: str,
    intro: Iterable[str] = (),
    name: str = README,
) -> Any:
    """Add a README worksheet to an xlsxwriter ``Workbook`` and return it.

    The sheet holds ``title``, the ``intro`` paragraphs, the general notes, then a table of
    every column of both sheets (:func:`readme_rows`), with the guideline a compliance
    column implements (``schema.GUIDELINES``).

    >>> import xlsxwriter
    >>> wb = xlsxwriter.Workbook("x.xlsx")  # doctest: +SKIP
    >>> write_readme_sheet(wb, ["FY2026"], ["security"], title="My inputs")  # doctest: +SKIP
    """
    ws = workbook.add_worksheet(name)
    bold = workbook.add_format({"bold": True})
    big = workbook.add_format({"bold": True, "font_size": 14})
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
    header = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    ws.set_column(0, 0, 12)
    ws.set_column(1, 1, 22)
    ws.set_column(2, 2, 60)
    ws.set_column(3, 3, 70)
    ws.set_column(4, 4, 70)
    row = 0
    ws.write(row, 0, title, big)
    row += 2
    width = 12 + 22 + 60 + 70  # the four columns, in characters
    for paragraph in (*intro, *GENERAL_NOTES):
        # across the four columns, wrapped: printed one page wide, not spilling to the right
        ws.merge_range(row, 0, row, 3, paragraph, wrap)
        ws.set_row(row, 15 * max(1, math.ceil(len(paragraph) * 1.1 / width)))
        row += 1
    row += 1
    for col, text in enumerate(("sheet", "column", "required / type / default", "meaning",
                                "the guideline it implements")):
        ws.write(row, col, text, header)
    for sheet, column, requirement, meaning in readme_rows(fiscal_years, criteria):
        row += 1
        ws.write(row, 0, sheet)
        ws.write(row, 1, column, bold)
        ws.write(row, 2, requirement, wrap)
        ws.write(row, 3, meaning, wrap)
        if column in GUIDELINES:
            ws.write(row, 4, GUIDELINES[column], wrap)
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)  # one page wide, as many long as it takes
    return ws


def _plain(value: Any) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
