"""Numbers a cell's number format shows otherwise than the cell holds them, worded alike
for every workbook format: divided for display (``#,##0,,``), in another currency than the
yen (``$#,##0``), as a percentage (``0%``), or hidden (``;;;``).

This module reads a format code and words the issues; the readers find the cells and their
codes (``read_xlsx.py`` from the workbook's styles, ``read_ods.py`` from its number styles,
read as the Excel format code each stands for).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from osa_opt.errors import Issue
from osa_opt.inputs.schema import COST_PREFIX
from osa_opt.text import counted, rows_named
from osa_opt.text import number as number_text

#: A number format's thousands scaling: commas after its last digit placeholder divide
#: the value for display (``#,##0,,`` shows 850000000 as 850; ``#,##0,"千"``).
_SCALING = re.compile(r"[0#?](,+)(?![0#?,])")


def display_divisor(code: str) -> int:
    """What a number format divides a value by for display: 1,000 per comma after its last
    digit placeholder (in its first section, outside quotes and brackets), else 1.

    >>> display_divisor("#,##0,,"), display_divisor('#,##0,"千"'), display_divisor("#,##0.00")
    (1000000, 1000, 1)
    """
    section = re.sub(r'"[^"]*"|\[[^\]]*\]|\\.', "", code.split(";")[0])
    found = _SCALING.findall(section)
    return 1000 ** len(found[-1]) if found else 1


#: Currency signs a number format may show, but the yen's (¥, ￥, 円 and the code JPY).
_CURRENCY_SIGNS = {"$": "US dollars", "US$": "US dollars", "€": "euros", "£": "pounds",
                   "₩": "won", "元": "yuan", "₹": "rupees", "₱": "pesos", "฿": "baht",
                   "₫": "dong", "Rp": "rupiah", "RM": "ringgit", "A$": "Australian dollars"}
_CURRENCY_CODE = re.compile(r"\[\$([^\]-]*)(?:-[0-9A-Fa-f]+)?\]")
_ISO_CURRENCY = re.compile(r"\b(?!JPY\b)[A-Z]{3}\b")


def display_currency(code: str) -> str | None:
    """The currency other than the yen a number format shows its value in (its first
    section: ``$#,##0`` and ``[$€-407] #,##0`` show dollars and euros), or None: a cost
    column in ¥ million formatted in dollars could hold either.

    >>> display_currency('"$"#,##0'), display_currency("[$€-407] #,##0.00"), display_currency("[$USD] #,##0")
    ('US dollars', 'euros', 'USD')
    >>> display_currency('"¥"#,##0'), display_currency("[$¥-411]#,##0"), display_currency("#,##0")
    (None, None, None)
    """
    section = code.split(";")[0]
    signs = [m.group(1) for m in _CURRENCY_CODE.finditer(section)]
    signs += re.findall(r'"([^"]*)"', _CURRENCY_CODE.sub("", section))
    signs += re.findall(r"\\(.)", section)
    bare = re.sub(r'"[^"]*"|\[[^\]]*\]|\\.', "", section)
    signs += [c for c in ("$", "€", "£", "₩", "₹", "₱", "฿", "₫") if c in bare]
    for sign in signs:
        sign = sign.strip()
        if sign in _CURRENCY_SIGNS:
            return _CURRENCY_SIGNS[sign]
        for mark, name in _CURRENCY_SIGNS.items():
            if mark in sign and len(mark) == 1:
                return name
        iso = _ISO_CURRENCY.search(sign)
        if iso:
            return iso.group()
    return None


def shows_percent(code: str) -> bool:
    """Whether a number format shows its value as a percentage (``0%``, ``0.0%``): a
    ``%`` outside quotes and brackets multiplies the value by 100 for display.

    >>> shows_percent("0%"), shows_percent('0.0"%"'), shows_percent("#,##0")
    (True, False, False)
    """
    return "%" in re.sub(r'"[^"]*"|\[[^\]]*\]|\\.', "", code.split(";")[0])


def percent_issues(sheet: str, rows: Sequence[tuple[int, Sequence[Any]]], at: int,
                   marked: dict[tuple[int, int], Any],
                   plain: str = "Home > Number > General") -> list[Issue]:
    """Number cells formatted as percentages in a column that holds no share (a score, an
    assessment, a cost): ``76%`` typed for a score is stored as 0.76, a tenth of the 7.6
    it shows on a 0-100 scale, and read so; refused, one issue per column, with both
    readings. A share (``risk``, ``max_share``, ``p_sign``, ``min_funding``) is meant so."""
    from osa_opt.inputs.numbers import percent_shows_other

    header, found = _number_cells(rows, at, marked,
                                  lambda name: percent_shows_other(name) is not None,
                                  nonzero=True)
    issues = []
    for column, cells in found.items():
        row, value, _ = cells[0]
        name = str(header[column]).strip()
        shown = f"{number_text(round(value * 100, 10))}%"
        n = len(cells)
        ten = percent_shows_other(name) == "0-10"
        typed = number_text(round(value * 10, 10))
        issues.append(Issue(
            sheet, row, name, value,
            f"{counted(n, 'cell')} of the column ({rows_named([r for r, *_ in cells])}) "
            f"{'are' if n > 1 else 'is'} formatted as a percentage: row {row} shows {shown} "
            f"and holds {number_text(value)}, which is read; {name} is no share but "
            + ("a number from 0 to 10" if ten else "a number in its own unit"),
            (f"type each value on the 0-10 scale ({typed} if {shown} is meant on a 0-100 "
             f"scale), and give the column a plain number format ({plain})" if ten else
             f"give the column a plain number format ({plain}) and check that each value is "
             f"the number meant ({number_text(value)} shows as {shown})")))
    return issues


def _number_cells(rows: Sequence[tuple[int, Sequence[Any]]], at: int,
                  marked: dict[tuple[int, int], Any], column_read: Callable[[str], bool],
                  nonzero: bool = False
                  ) -> tuple[Sequence[Any], dict[int, list[tuple[int, float, Any]]]]:
    """The header, and by column (from 0) the (row, number, mark) of the cells of
    ``marked`` ((row, column) -> mark) below the header that hold a number (not 0, with
    ``nonzero``) in a column whose header ``column_read`` accepts."""
    if not marked or not rows:
        return (), {}
    header_row, header = rows[at][0], rows[at][1]
    by_number = dict(rows)  # an .ods lists no empty row: a row's place is not its number
    found: dict[int, list[tuple[int, float, Any]]] = {}
    for (row, column), mark in sorted(marked.items()):
        if row <= header_row or row not in by_number or column >= len(header):
            continue
        cells = by_number[row]
        value = cells[column] if column < len(cells) else None
        name = header[column]
        if isinstance(name, str) and column_read(name.strip()) \
                and isinstance(value, int | float) and not isinstance(value, bool) \
                and (value or not nonzero):
            found.setdefault(column, []).append((row, value, mark))
    return header, found


def currency_issues(sheet: str, rows: Sequence[tuple[int, Sequence[Any]]], at: int,
                    shown: dict[tuple[int, int], tuple[str, str]],
                    plain: str = "Home > Number > General") -> list[Issue]:
    """Cost cells whose format shows another currency than the yen (``$#,##0`` shows 1100
    as $1,100): an amount in dollars and one in ¥ million read alike, so the column is
    refused, one issue per column, naming the currency. ``shown`` maps (row, column from
    0) to (how the cell shows it, in words; the currency)."""
    header, found = _number_cells(rows, at, shown,
                                  lambda name: name.startswith(COST_PREFIX))
    issues = []
    for column, cells in found.items():
        row, value, (code, currency) = cells[0]
        n = len(cells)
        issues.append(Issue(
            sheet, row, str(header[column]).strip(), value,
            f"{counted(n, 'cell')} of the column ({rows_named([r for r, *_ in cells])}) "
            f"{'show' if n > 1 else 'shows'} "
            f"{currency} ({code}): costs are in ¥ million, and an amount in "
            f"{currency} would be read as ¥ million",
            f"type each cost in ¥ million, and give the column a plain number format "
            f"({plain}), or a yen one"))
    return issues


def hidden_number_issues(sheet: str, rows: Sequence[tuple[int, Sequence[Any]]], at: int,
                         marked: dict[tuple[int, int], str],
                         plain: str = "Home > Number > General") -> list[Issue]:
    """The number cells of ``marked`` ((row, column from 0) -> a format code that hides
    some number) whose number their format hides, one issue per column; ``plain`` is where
    the program sets a plain format."""
    from osa_opt.inputs.hidden_values import hidden_value_issues
    from osa_opt.inputs.numbers import number_column

    header, found = _number_cells(rows, at, marked, number_column, nonzero=True)
    return hidden_value_issues(sheet, header, found, plain)


def scaled_number_issues(sheet: str, rows: Sequence[tuple[int, Sequence[Any]]], at: int,
                         scaled: dict[tuple[int, int], tuple[str, int]],
                         plain: str = "Home > Number > General") -> list[Issue]:
    """Number cells whose format shows them divided (``850000000`` shown as ``850``): the
    cell holds one number and shows another, a million times apart, so it is refused, one
    issue per column, naming both; ``plain`` is where the program sets a plain format."""
    from osa_opt.inputs.numbers import number_column

    header, found = _number_cells(rows, at, scaled, number_column, nonzero=True)
    issues = []
    for column, cells in found.items():
        row, value, (code, divisor) = cells[0]
        shown = number_text(value / divisor)
        issues.append(Issue(
            sheet, row, str(header[column]).strip(), value,
            f"the format {code!r} shows a number divided by {number_text(divisor)} "
            f"({number_text(value, grouped=False)} as {shown}): "
            f"{counted(len(cells), 'cell')} of the column "
            f"({rows_named([r for r, *_ in cells])}) "
            f"{'hold' if len(cells) > 1 else 'holds'} one amount and "
            f"{'show' if len(cells) > 1 else 'shows'} another",
            f"type each amount as it is meant ({shown} if the cell shows what is meant; costs "
            f"in ¥ million), and give the column a plain number format ({plain})"))
    return issues
