"""Numbers written with separators: read by the convention the file settles, or refused.

A spreadsheet saved "as displayed" writes ``1,100`` (English) or ``1.100`` (German) for one
thousand one hundred, and ``6.5`` or ``6,5`` for six and a half. ``1.100`` and ``1,100``
alone could mean either; read as Python reads them, ``1.100`` silently becomes 1.1. So the
text cells of every number column are read here, once per file:

- a cell that can be read one way only (``6.5``, ``1,100.5``, ``1.100.000``, ``0,35``)
  is read that way, and tells which convention the file uses;
- a cell that could be read two ways (``1.100``: 1.1 or 1100) is read by the convention
  the caller declares (``--decimal-separator``), else the one the file's other cells settle,
  else the one its CSV delimiter implies (``;`` is the list separator of the locales that
  write decimal commas); otherwise it is refused, with both readings.

Spaces, no-break spaces and apostrophes between groups of three digits are thousands
separators in every convention (``1 100``, ``1'100``).

>>> readings("1.100"), readings("6,5"), readings("750"), readings("1’100.5")
({'.': 1.1, ',': 1100.0}, {',': 6.5}, {'.': 750.0, ',': 750.0}, {'.': 1100.5})
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from osa_opt.errors import Issue
from osa_opt.inputs.cells import int_choices
from osa_opt.inputs.schema import COST_PREFIX, COUNTRY_COLUMNS, PROJECT_COLUMNS, ROW, SCORE_PREFIX
from osa_opt.text import counted, first_few, half_width, number, rows_named

#: The two conventions, by their decimal separator; the other mark groups thousands.
POINT, COMMA = ".", ","
CONVENTIONS = (POINT, COMMA)
_NAMES = {POINT: "'.' as the decimal point (1,100.5)", COMMA: "',' as the decimal comma "
          "(1.100,5)"}
_OTHER = {POINT: COMMA, COMMA: POINT}
#: Thousands separators every convention accepts: spaces (also no-break) and apostrophes.
#: (the apostrophe as typed, ``1'100``, or as Swiss locales now write it, U+2019: ``1’100``).
_SPACE_GROUPS = re.compile(r"[+-]?[1-9]\d{0,2}(?:[ \u00a0\u202f'\u2019]\d{3})+(?:[.,]\d+)?")
_NUMBER_COLUMNS = frozenset(c.name for c in (*PROJECT_COLUMNS, *COUNTRY_COLUMNS)
                            if c.kind == "number")
#: Choices that are whole numbers (``priority_tier``): a date format shows 1900-01-02 for 2.
#: By column name, the choices (for the fix of such a cell typed as a date).
_WHOLE_CHOICES = {c.name: c.choices for c in (*PROJECT_COLUMNS, *COUNTRY_COLUMNS)
                  if c.kind == "enum" and int_choices(c)}


#: Number columns whose values are shares, from 0 to 1 (``risk``, ``min_funding``,
#: ``p_sign``, ``max_share``): a percentage format shows them as meant.
_SHARE_COLUMNS = frozenset(c.name for c in (*PROJECT_COLUMNS, *COUNTRY_COLUMNS)
                           if c.kind == "number" and c.high == 1.0)
#: Number columns on a 0-10 scale (the assessments; every ``score_`` column but the spread).
_TEN_COLUMNS = frozenset(c.name for c in (*PROJECT_COLUMNS, *COUNTRY_COLUMNS)
                         if c.kind == "number" and c.high == 10.0)


def percent_shows_other(name: str) -> str | None:
    """What a number column holds when a percentage format would show its value as
    another (``"0-10"`` for a score or an assessment, ``"amount"`` for a cost, a spread
    or a count); None for a share, shown as meant, or a column the input does not read.

    >>> percent_shows_other("score_security"), percent_shows_other("cost_FY2026")
    ('0-10', 'amount')
    >>> percent_shows_other("risk"), percent_shows_other("notes")
    (None, None)
    """
    if name in _SHARE_COLUMNS or not number_column(name):
        return None
    if name in _TEN_COLUMNS or (name.startswith(SCORE_PREFIX) and name != "score_spread"):
        return "0-10"
    return "amount"


def number_column(name: str) -> bool:
    """Whether a column of the input holds numbers (registry columns, any cost or score)."""
    return name in _NUMBER_COLUMNS or name.startswith((COST_PREFIX, SCORE_PREFIX))


def _pattern(decimal: str) -> re.Pattern[str]:
    group = re.escape(_OTHER[decimal])
    dec = re.escape(decimal)
    whole = rf"(?:\d+|[1-9]\d{{0,2}}(?:{group}\d{{3}})+)"
    return re.compile(rf"[+-]?(?:{whole}(?:{dec}\d*)?|{dec}\d+)(?:[eE][+-]?\d+)?")


_PATTERNS = {d: _pattern(d) for d in CONVENTIONS}


def readings(text: str) -> dict[str, float]:
    """Every value ``text`` can have, by convention (empty when it is no number at all).

    >>> readings("０．１３"), readings("１，２００")
    ({'.': 0.13}, {'.': 1200.0, ',': 1.2})
    """
    t = half_width(text).strip()
    if _SPACE_GROUPS.fullmatch(t):
        t = re.sub(r"[ \u00a0\u202f'\u2019]", "", t)
    out: dict[str, float] = {}
    for decimal, pattern in _PATTERNS.items():
        if pattern.fullmatch(t):
            plain = t.replace(_OTHER[decimal], "").replace(decimal, ".")
            try:
                value = float(plain)
            except ValueError:  # pragma: no cover - the pattern admits floats only
                continue
            if math.isfinite(value):  # 1e309 is no number a cell can mean: left as typed
                out[decimal] = value
    return out


@dataclass
class Settled:
    """The convention in force and why: ``declared``, ``cells`` or ``delimiter``; or None."""

    convention: str | None
    reason: str
    evidence: dict[str, tuple[str, int, str, str]]  # convention -> (sheet, row, column, text)
    #: the two-way cells read by ``convention``: (sheet, row, column, text, value)
    read: list[tuple[str, int, str, str, float]] = field(default_factory=list)


def _decide(evidence: dict[str, tuple[str, int, str, str]], declared: str | None,
            delimiter: str | None) -> Settled:
    """The convention: declared, else the one the cells show (if only one), else ``;``'s."""
    if declared is not None:
        if _OTHER[declared] in evidence and declared not in evidence:  # a wrong declaration
            return Settled(None, f"contradicts {declared}", evidence)
        return Settled(declared, "declared", evidence)
    if len(evidence) == 1:
        return Settled(next(iter(evidence)), "cells", evidence)
    if not evidence and delimiter == ";":
        return Settled(COMMA, "delimiter", evidence)
    return Settled(None, "mixed" if evidence else "none", evidence)


def read_numbers(tables: dict[str, pd.DataFrame], issues: list[Issue],
                 declared: str | None = None, delimiter: str | None = None) -> Settled:
    """Replace the text cells of number columns by their numbers, where the meaning is sure.

    A cell that is no number is left as it is (validation reports it); one that could mean
    two things and is not settled becomes an issue naming both readings. Plain numbers
    (``750``, ``0.35``) are read column by column at once (only those that could be
    ``1.100``-like are matched one by one); only cells with separators are looked at one by
    one.
    """
    pending: list[tuple[str, str, np.ndarray, dict[int, dict[str, float]]]] = []
    evidence: dict[str, tuple[str, int, str, str]] = {}
    for sheet, frame in tables.items():
        if ROW not in frame.columns:
            continue
        rows = frame[ROW].to_numpy()
        for column in frame.columns:
            if column == ROW or not number_column(str(column)) or frame[column].dtype != object:
                continue
            cells = frame[column].to_numpy(dtype=object)
            at = _text_positions(cells)
            if not len(at):
                continue
            text = cells[at]
            number = pd.to_numeric(pd.Series(text, dtype=object), errors="coerce")
            values = number.to_numpy(dtype=float)
            plain = number.notna().to_numpy() & np.isfinite(values)
            # 1.100 is plain to Python, not to a German spreadsheet: not plain after all
            plain[_grouped_like(text, values, plain)] = False
            new = cells.copy()
            new[at[plain]] = values[plain].astype(object)
            if POINT not in evidence:  # a plain number with a point shows the convention
                first = next((i for i in np.flatnonzero(plain) if "." in text[i]), None)
                if first is not None:
                    evidence[POINT] = (sheet, int(rows[at[first]]), str(column),
                                       str(text[first]))
            rest = np.flatnonzero(~plain)
            found: dict[int, dict[str, float]] = {}
            for i in rest:
                value = text[i]
                if not value.strip():
                    continue
                found[int(at[i])] = f = readings(value)
                if len(f) == 1 and ("." in (ascii := half_width(value)) or "," in ascii):
                    evidence.setdefault(next(iter(f)), (sheet, int(rows[at[i]]), str(column),
                                                        str(value)))
            frame[column] = pd.Series(new, index=frame.index, dtype=object)
            pending.append((sheet, str(column), new, found))
    settled = _decide(evidence, declared, delimiter)
    for sheet, column, new, found in pending:
        if not found:
            continue
        rows = tables[sheet][ROW].to_numpy()
        for cell, f in found.items():
            meanings = set(f.values())
            if len(meanings) == 1:
                new[cell] = next(iter(meanings))
            elif settled.convention is not None and f:
                settled.read.append((sheet, int(rows[cell]), column, str(new[cell]).strip(),
                                     f[settled.convention]))
                new[cell] = f[settled.convention]
            elif f:
                issues.append(ambiguous_issue(sheet, int(rows[cell]), column, str(new[cell]), f,
                                              settled))
        tables[sheet][column] = pd.Series(new, index=tables[sheet].index, dtype=object)
    return settled


def _text_positions(cells: np.ndarray) -> np.ndarray:
    """Positions of the cells that are text (``str`` itself: a CSV column, all of them)."""
    if set(map(type, cells)) == {str}:
        return np.arange(len(cells))
    return np.flatnonzero(np.fromiter((type(v) is str for v in cells), dtype=bool,
                                      count=len(cells)))


def _grouped_like(text: np.ndarray, values: np.ndarray, plain: np.ndarray) -> np.ndarray:
    """Positions of the plain cells that read like ``1.100`` (:data:`_AMBIGUOUS_POINT`).

    Only cells that could match are matched one by one: a value in [1, 1000) and text
    long enough for its integer digits, a point and three decimals."""
    size = np.abs(np.where(plain, values, 0.0))
    maybe = np.flatnonzero((size >= 1) & (size < 1000))
    if not len(maybe):
        return maybe
    digits = 1 + (size[maybe] >= 10) + (size[maybe] >= 100)
    lengths = np.fromiter(map(len, text[maybe]), dtype=np.intp, count=len(maybe))
    maybe = maybe[lengths >= digits + 4]
    return maybe[np.fromiter((bool(_AMBIGUOUS_POINT.fullmatch(t.strip())) for t in text[maybe]),
                             dtype=bool, count=len(maybe))]


_AMBIGUOUS_POINT = re.compile(r"[+-]?[1-9]\d{0,2}\.\d{3}")


def ambiguous_issue(sheet: str, row: int, column: str, text: str, found: dict[str, float],
                    settled: Settled) -> Issue:
    mark = POINT if "." in text else COMMA
    decimal, grouped = (number(found[d], grouped=False) for d in (mark, _OTHER[mark]))
    if settled.reason == "mixed":
        why = "the file has cells of both conventions: " + "; ".join(
            f"row {r} of {s}, column {c!r}: {t!r}" for s, r, c, t in settled.evidence.values())
    elif settled.reason.startswith("contradicts"):
        declared = settled.reason.split()[-1]
        s, r, c, t = settled.evidence[_OTHER[declared]]
        why = (f"--decimal-separator {declared!r} was given, but row {r} of {s}, column "
               f"{c!r} shows {t!r}, which reads as a number only with {_OTHER[declared]!r} as "
               "the decimal point")
    else:
        why = "no other cell of the file settles which"
    return Issue(sheet, row, column, text,
                 f"a number that could be read two ways: {text.strip()!r} could be {decimal} "
                 f"(with {mark!r} as the decimal point) or "
                 f"{grouped} (with {mark!r} between thousands); {why}",
                 f"type the number without a thousands separator ({decimal} or {grouped}), or "
                 "declare the file's convention: --decimal-separator '.' (1,100.5) or "
                 "--decimal-separator ',' (1.100,5); in Python, decimal_separator=")


def settled_by_few_cells(settled: Settled, source: str) -> Issue | None:
    """A warning when a workbook's two-way cells (``1,250``) were read by the convention
    other text cells settle, or None.

    In a workbook numbers are stored as numbers: text like ``1,250`` is the exception, and
    one other text cell (``8,5``, a decimal comma typed as text) settles how every two-way
    cell is read, silently, a thousandfold apart. (In a CSV file every cell is text, written
    by one locale: its cells settle the convention soundly.)

    >>> settled = Settled(",", "cells", {",": ("projects", 3, "score_security", "8,5")},
    ...                   [("projects", 6, "cost_FY2026", "1,250", 1.25)])
    >>> print(settled_by_few_cells(settled, "round.xlsx").message())
    projects, row 6, column 'cost_FY2026': '1,250' is read as 1.25, with ',' as the decimal comma (1.100,5), as projects row 3, column 'score_security' shows ('8,5'): in round.xlsx numbers are stored as numbers, so text cells alone decide a reading a thousand times apart (value '1,250'). Fix: nothing to do if that is right; otherwise type 1250 in that cell as a number, not text, and 8.5 in projects row 3, column 'score_security'
    """
    if settled.reason != "cells" or not settled.read or settled.convention is None:
        return None
    sheet, row, column, text, value = settled.read[0]
    more = len(settled.read) - 1
    also = ""
    if more:
        shown = first_few((f"{s} row {r}, column {c!r} ({t!r} as {number(v, grouped=False)})"
                           for s, r, c, t, v in settled.read[1:]), 3)
        also = f"; so are {counted(more, 'more cell')} like it: {shown}"
    other = _OTHER[settled.convention]
    grouped = number(readings(text).get(other, value), grouped=False)
    e_sheet, e_row, e_column, e_text = settled.evidence[settled.convention]
    e_value = number(readings(e_text).get(settled.convention, 0.0), grouped=False)
    return Issue(sheet, row, column, text,
                 f"{text!r} is read as {number(value, grouped=False)}, with "
                 f"{_NAMES[settled.convention]}, as {e_sheet} row {e_row}, column "
                 f"{e_column!r} shows ({e_text!r}){also}: in {source} numbers are stored as "
                 "numbers, so text cells alone decide a reading a thousand times apart",
                 f"nothing to do if that is right; otherwise type {grouped} in that cell as a "
                 f"number, not text, and {e_value} in {e_sheet} row {e_row}, column "
                 f"{e_column!r}")


def describe(settled: Settled) -> str | None:
    """A note on how the ambiguous cells were read, or None when nothing needed settling."""
    if settled.convention is None or settled.reason == "declared":
        return None
    name = _NAMES[settled.convention]
    if settled.reason == "delimiter":
        return f"numbers read with {name}: the columns are separated by ';'"
    sheet, row, column, text = settled.evidence[settled.convention]
    return f"numbers read with {name}, as {sheet} row {row}, column {column!r} shows ({text!r})"


# ---------------------------------------------------------------------- dates
#: Text a spreadsheet shows for a date-formatted cell: 2026-04-01, 01/04/2026, 1.4.26 ...
_DATE_TEXT = re.compile(r"\d{1,4}([-/.])\d{1,2}\1\d{1,4}(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?")
_EXCEL_EPOCH = dt.datetime(1899, 12, 30)
_EXCEL_LEAP_DAY = dt.datetime(1900, 3, 1)  # Excel's serials count a 29 Feb 1900 before it
#: The day 0 of a workbook saved with the 1904 date system (Excel for Mac's old default,
#: an option of Excel's): 900 formatted as a date shows 1906-06-19, not 1902-06-18.
EPOCH_1904 = dt.datetime(1904, 1, 1)
#: Where a table records the day 0 of its workbook's dates, when not Excel's usual one.
EPOCH_ATTR = "date_epoch"


def date_issues(tables: dict[str, pd.DataFrame], csv: bool = False,
                claimed: set[tuple[str, int, str]] | None = None) -> list[Issue]:
    """Number columns holding dates: one issue per column, not one per cell.

    A cost column formatted as a date shows 1903-01-04 for 1100; read, every cell would be
    "not a number". The fix is the column's format, so the column is named once. Text
    that reads as a date (``1.2.3``, ``2026-04-01``: every cell of a CSV file) is named
    apart, as typed, since text has no format to change: it is retyped (``csv``: the
    fix also names the spreadsheet the file was saved from). Every dated cell is added to
    ``claimed``, (sheet, row, column), so that validation names it once, by this issue.
    """
    issues: list[Issue] = []
    for sheet, frame in tables.items():
        if ROW not in frame.columns:
            continue
        for column in frame.columns:
            if column == ROW or not (number_column(str(column)) or column in _WHOLE_CHOICES):
                continue
            kinds = set(map(type, frame[column]))
            if not kinds & {str, dt.date, dt.datetime, dt.time, dt.timedelta, pd.Timestamp}:
                continue  # numbers and blanks only: the usual case, seen at a glance
            dated = [(int(row), value) for value, row in zip(frame[column], frame[ROW],
                                                              strict=True) if _is_date(value)]
            if not dated:
                continue
            if claimed is not None:
                claimed.update((sheet, row, str(column)) for row, _ in dated)
            typed = [(r, v) for r, v in dated if not isinstance(v, str)]
            text = [(r, v) for r, v in dated if isinstance(v, str)]
            if typed:
                issues.append(_formatted_issue(sheet, str(column), typed,
                                               frame.attrs.get(EPOCH_ATTR)))
            if text:
                issues.append(_date_text_issue(sheet, str(column), text, csv))
    return issues


def _formatted_issue(sheet: str, column: str, dated: list[tuple[int, Any]],
                     epoch: dt.datetime | None = None) -> Issue:
    """Cells of a workbook that hold numbers shown as dates (or dates typed as such)."""
    row, first = dated[0]
    serial = _serial(first, epoch)
    shown = f"row {row} shows {_shown(first)}" + (
        f", which is {number(serial, grouped=False)} as a number" if serial is not None else "")
    n = len(dated)
    return Issue(sheet, row, column, _shown(first),
                 f"{counted(n, 'cell')} {'are' if n > 1 else 'is'} formatted as "
                 f"{_format_kind([v for _, v in dated])}, "
                 f"not a number ({rows_named([r for r, _ in dated])}; {shown})",
                 "format the column as a number (Format Cells > Number), check "
                 "the values, and save again" + _typed_date(dated, epoch))


def _format_kind(values: list[Any]) -> str:
    """What the cells' format shows them as: a time (a cost cell showing 12:00:00, which is
    0.5) or a duration when every one is, else a date. A cost cell showing 12:00:00 was
    said to be "formatted as a date".

    >>> _format_kind([dt.time(12, 0)]), _format_kind([dt.timedelta(hours=30)])
    ('a time', 'a duration')
    >>> _format_kind([dt.time(12, 0), dt.datetime(2026, 4, 1)])
    'a date'
    """
    if values and all(isinstance(v, dt.timedelta) for v in values):
        return "a duration"
    if values and all(isinstance(v, dt.time) for v in values):
        return "a time"
    return "a date"


def _date_text_issue(sheet: str, column: str, dated: list[tuple[int, str]],
                     csv: bool) -> Issue:
    """Text that reads as a date in a number column, named as typed: what it could mean
    and what to type (a CSV cell is text: it has no format to change).

    >>> print(_date_text_issue("projects", "cost_FY2026", [(3, "1.2.3")], True).message())
    projects, row 3, column 'cost_FY2026': '1.2.3' is no number: it reads as a date (day, month and year in some order), as a spreadsheet writes a number into a CSV file when its column is formatted as dates, or as a number typed with a point too many (value '1.2.3'). Fix: type the number the cell stands for, plain, with one decimal point at most (such as 750 or 0.35); if the spreadsheet the file was saved from shows dates in this column, format the column there as a number (Format Cells > Number) and save the CSV file again
    >>> print(_date_text_issue("countries", "priority_tier", [(2, "1900-01-02"), (5, "1900-01-03")], False).rule)
    2 cells are no number but text that reads as a date (rows 2, 5; row 2 has '1900-01-02', which is 2 as a number shown as a date), as a spreadsheet writes a number when its column is formatted as dates
    """
    row, first = dated[0]
    first = first.strip()
    day = _iso_date(first)
    meaning = (f"which is {number(_serial(day) or 0.0, grouped=False)} as a number shown as "
               "a date" if day is not None else "day, month and year in some order")
    where = "into a CSV file " if csv else ""
    typo = (", or as a number typed with a point too many"
            if all(len(part) < 4 for part in first.split(".")) and first.count(".") == 2
            else "")
    writes = f"as a spreadsheet writes a number {where}when its column is formatted as dates"
    n = len(dated)
    if n == 1:
        rule = f"{first!r} is no number: it reads as a date ({meaning}), {writes}{typo}"
    else:
        rule = (f"{n} cells are no number but text that reads as a date (rows "
                f"{first_few((r for r, _ in dated), 5)}; row {row} has {first!r}, {meaning}), "
                f"{writes}{typo}")
    choices = _WHOLE_CHOICES.get(column)
    plain = ("a whole number: " + " or ".join(map(str, choices))) if choices \
        else "plain, with one decimal point at most (such as 750 or 0.35)"
    hint = f"type the number the cell stands for, {plain}"
    if n > 1:
        hint = f"type the number each cell stands for, {plain}"
    if csv:
        hint += ("; if the spreadsheet the file was saved from shows dates in this column, "
                 "format the column there as a number (Format Cells > Number) and save the "
                 "CSV file again")
    else:
        hint += ", as a number, not text"
    return Issue(sheet, row, column, first, rule, hint)


def _iso_date(text: str) -> dt.date | None:
    """The date that text written year first (``1900-01-02``, ``2026/04/01``) names, or
    None: day-first and month-first dates cannot be told apart."""
    match = re.fullmatch(r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})", text)
    if match is None:
        return None
    try:
        return dt.date(int(match[1]), int(match[3]), int(match[4]))
    except ValueError:
        return None


#: A date from this year on in a number cell was typed as a date: no cost, score or tier
#: is the number it stands for (36526 and up).
_TYPED_DATE_YEAR = 2000


def _typed_date(dated: list[tuple[int, Any]], epoch: dt.datetime | None = None) -> str:
    """The fix's last words when a cell holds a real date (2026-04-01, typed as one, not a
    number shown as a date): formatting the column would make it 46113, so it is retyped."""
    for row, value in dated:
        serial = _serial(value, epoch)
        if serial is not None and isinstance(value, dt.date) and value.year >= _TYPED_DATE_YEAR:
            return (f"; row {row} holds a date typed as one ({_shown(value)}): type its value "
                    f"again, as a number, since formatted as a number it would read "
                    f"{number(serial, grouped=False)}")
    return ""


def _is_date(value: Any) -> bool:
    if isinstance(value, dt.date | dt.time | dt.timedelta | pd.Timestamp):
        return True
    return isinstance(value, str) and bool(_DATE_TEXT.fullmatch(value.strip())) \
        and not readings(value)


def _serial(value: Any, epoch: dt.datetime | None = None) -> float | None:
    """The number a date-formatted Excel cell holds (days since 1899-12-30), when known;
    Excel counts a 29 February 1900 that never was, so before March 1900 a day less (2 is
    shown as 1900-01-02). A workbook of the 1904 date system counts from ``epoch``.

    >>> _serial(dt.datetime(1900, 1, 2)), _serial(dt.date(1902, 4, 29))
    (2.0, 850.0)
    >>> _serial(dt.datetime(1906, 6, 19), EPOCH_1904)
    900.0
    """
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time())
    if isinstance(value, dt.datetime):
        if epoch is not None:  # the 1904 system counts no day that never was
            return round((value - epoch).total_seconds() / 86400, 6)
        days = (value - _EXCEL_EPOCH).total_seconds() / 86400
        return round(days - (value < _EXCEL_LEAP_DAY), 6)
    if isinstance(value, dt.time):
        return round((value.hour * 3600 + value.minute * 60 + value.second) / 86400, 6)
    if isinstance(value, dt.timedelta):  # a duration format such as [h]:mm
        return round(value.total_seconds() / 86400, 6)
    return None


def _shown(value: Any) -> str:
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date().isoformat()
    return value.isoformat() if hasattr(value, "isoformat") else str(value).strip()
