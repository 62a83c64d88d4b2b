"""Numbers a workbook's format hides: the cell shows nothing, or a word, and holds a number.

Excel's way to hide a cell's content is the number format ``;;;`` (its positive, negative
and zero sections all empty); a format such as ``"TBD"`` shows a word for every number. A
cost column so formatted looks blank, or undecided, yet each cell holds an amount that is
read and funded. What the analyst meant, the amount or the blank, nobody can tell, so such
a cell is refused, one problem per column, naming the value it holds and what it shows.
A zero shown as ``-`` (an accounting format) is zero, and no problem.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from osa_opt.errors import Issue
from osa_opt.text import counted, rows_named
from osa_opt.text import number as number_text

#: What a format section shows besides its digits: text in quotes, [colour] and [$-411]
#: brackets, an escaped character, a padding or repeat character.
_DECOR = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.|_.|\*.')


def _sections(code: str) -> list[str]:
    """The sections of a number format, split at the ``;`` outside quotes and brackets."""
    parts, depth, quoted, current = [], 0, False, []
    for ch in code:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch == "[":
            depth += 1
        elif not quoted and ch == "]":
            depth = max(depth - 1, 0)
        if ch == ";" and not quoted and not depth:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return parts


def hidden_by(code: str, value: float) -> str | None:
    """What the format ``code`` shows for the number ``value`` when it shows no digit of it
    ("nothing" or the literal text), else None; None for 0 and for a conditional format.

    >>> hidden_by(";;;", 900), hidden_by('"TBD"', 900), hidden_by("#,##0", 900)
    ('nothing', "'TBD'", None)
    >>> hidden_by('_-* #,##0_-;-* #,##0_-;_-* "-"_-;_-@_-', 0), hidden_by("0;;", -5)
    (None, 'nothing')
    """
    sections = _sections(code)
    if not value or any(re.match(r"\s*\[[<>=]", s) for s in sections):
        return None
    if value > 0 or len(sections) == 1:
        section = sections[0]
    else:
        section = sections[1]
    if "general" in section.lower() or re.search(r"[0#?]", _DECOR.sub("", section)):
        return None
    literal = "".join(a or b for a, b in re.findall(r'"([^"]*)"|\\(.)', section))
    return repr(literal.strip()) if literal.strip() else "nothing"


def hides_numbers(code: str) -> bool:
    """Whether a format shows no digit for some positive or negative number."""
    return hidden_by(code, 1.0) is not None or hidden_by(code, -1.0) is not None


def hidden_value_issues(sheet: str, header: Sequence[Any],
                        found: dict[int, list[tuple[int, float, Any]]],
                        plain: str = "Home > Number > General") -> list[Issue]:
    """One issue per number column with cells whose format hides their number; ``found``
    maps a column (from 0) to its (row, number, format) cells, as read_xlsx finds them."""
    issues = []
    for column, cells in found.items():
        hiding = [(row, value, code, shown) for row, value, code in cells
                  if (shown := hidden_by(code, value)) is not None]
        if not hiding:
            continue
        row, value, code, shown = hiding[0]
        n = len(hiding)
        issues.append(Issue(
            sheet, row, str(header[column]).strip(), value,
            f"the format {code!r} shows {shown} for the number the cell holds "
            f"({number_text(value, grouped=False)}): {counted(n, 'cell')} of the column "
            f"({rows_named([r for r, *_ in hiding])}) "
            f"{'look' if n > 1 else 'looks'} {'blank' if shown == 'nothing' else 'undecided'} "
            f"but {'hold' if n > 1 else 'holds'} a number, which would be read",
            f"give the column a plain number format ({plain}) to see each number; clear "
            "the cells whose number is not meant"))
    return issues
