"""The list of problems a validation raises: in order, located, and limited per rule.

- **order**: projects, then countries, then the policy; by row within a sheet;
- **place**: a table read from a file names its Excel rows; a table passed as a DataFrame
  (no ``_row`` column) names the project id or country, and the index label, instead;
- **limit**: each rule lists its first :data:`MAX_PER_RULE` problems, then one line
  "and K more" with the count (docs/inputs.md), so 10,000 bad cells stay readable.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from osa_opt.errors import Issue
from osa_opt.inputs.cells import is_blank, text
from osa_opt.inputs.keys import in_rows
from osa_opt.inputs.schema import COUNTRIES, FIRST_DATA_ROW, KEYS, PROJECTS

#: How many problems of one rule (sheet, column and rule) are listed before "and K more".
MAX_PER_RULE = 20

_SHEET_RANK = {PROJECTS: 0, COUNTRIES: 1}
_UNIT = {PROJECTS: "project", COUNTRIES: "country"}


def sort_issues(issues: list[Issue]) -> list[Issue]:
    """Projects first, then countries, then the policy; by row within a sheet (stable).

    Values become plain Python (``1.5``, not ``np.float64(1.5)``) for the messages.
    """
    plain = [replace(i, value=i.value.item()) if isinstance(i.value, np.generic) else i
             for i in issues]
    return sorted(plain, key=lambda i: (_SHEET_RANK.get(i.sheet, 2),
                                        i.row is not None, i.row or 0))


@dataclass(frozen=True)
class Claimed:
    """Problems that stand for their cells: each of ``cells`` (sheet, row, column) is named
    once, by ``issues``, not also by what a later check makes of it (a date in a cost
    cell, as a date, not also as "must be a number").

    >>> one = Issue("projects", 3, "cost_FY2026", "1.2.3", "a date", "retype")
    >>> other = Issue("projects", 3, "cost_FY2026", "1.2.3", "must be a number", "retype")
    >>> [i.rule for i in Claimed([one]).first([other])]
    ['a date']
    """

    issues: tuple[Issue, ...] = ()
    cells: frozenset[tuple[str, int | None, str | None]] = frozenset()

    def __init__(self, issues: Iterable[Issue] = (),
                 cells: Iterable[tuple[str, int | None, str | None]] = ()) -> None:
        issues = tuple(issues)
        object.__setattr__(self, "issues", issues)
        object.__setattr__(self, "cells", frozenset(
            (*cells, *((i.sheet, i.row, i.column) for i in issues))))

    def first(self, issues: Iterable[Issue]) -> list[Issue]:
        """These issues, then those of ``issues`` at no cell of theirs."""
        return [*self.issues, *(i for i in issues if (i.sheet, i.row, i.column)
                                not in self.cells)]


class Places:
    """How the issues of one sheet name a row.

    ``frame`` is the table as the caller passed it when its rows are not Excel rows (a
    DataFrame built in Python), or None for a table read from a file. For a DataFrame,
    validation numbers the rows from 2 in order, so row ``r`` is position ``r - 2``.
    """

    def __init__(self, sheet: str, frame: pd.DataFrame | None = None) -> None:
        self.sheet = sheet
        self.frame = frame
        self._ids: pd.Series | None = None
        self._by_key = False
        if frame is not None:
            key = KEYS[sheet]
            names = [str(c).strip() for c in frame.columns]
            if key in names:
                self._ids = frame.iloc[:, names.index(key)]
            elif frame.index.name == key:  # e.g. problem.projects: the index is the id
                self._by_key = True

    @property
    def excel(self) -> bool:
        return self.frame is None

    def label(self, row: int) -> str:
        """``"project 'X04' (index 3)"``, ``"project 'X04'"`` or ``"index 3"``."""
        assert self.frame is not None
        position = row - FIRST_DATA_ROW
        index = _plain(self.frame.index[position])
        if self._by_key:
            return f"{_UNIT[self.sheet]} {str(index)!r}"
        cell = None if self._ids is None else self._ids.iloc[position]
        if cell is None or is_blank(cell):
            return f"index {index!r}"
        return f"{_UNIT[self.sheet]} {text(cell)!r} (index {index!r})"

    def rows_text(self, rows: list[int]) -> str:
        """Other rows named in a message: ``"in rows 2, 5"`` or ``"at indexes 0, 3"``."""
        if self.excel:
            return in_rows(rows)
        assert self.frame is not None
        labels = [repr(_plain(self.frame.index[r - FIRST_DATA_ROW])) for r in rows]
        return f"at index{'es' if len(rows) > 1 else ''} {', '.join(labels)}"

    def locate(self, issue: Issue) -> Issue:
        if self.excel or issue.sheet != self.sheet or issue.row is None:
            return issue
        return replace(issue, row=None, label=self.label(issue.row))


def limit_issues(issues: list[Issue], most: int = MAX_PER_RULE) -> list[Issue]:
    """The first ``most`` issues of each rule, each rule's "and K more" line after them."""
    key = _rule_key
    total = Counter(key(i) for i in issues)
    if all(n <= most for n in total.values()):
        return issues
    shown: Counter[tuple[Any, ...]] = Counter()
    out: list[Issue] = []
    for issue in issues:
        k = key(issue)
        shown[k] += 1
        if shown[k] <= most:
            out.append(issue)
        if shown[k] == most and total[k] > most:
            rest = total[k] - most
            out.append(Issue(issue.sheet, None, issue.column, None,
                             f"and {rest:,} more: {k[2]}",
                             f"only the first {most} are listed; the others need the same fix",
                             more=rest))
    return out


def _rule_key(issue: Issue) -> tuple[Any, ...]:
    """One rule: sheet, column, and the rule's words before any detail (``"duplicate
    project_id"`` of ``"duplicate project_id: the same project is also in row 2"``)."""
    return issue.sheet, issue.column, issue.rule.split(":")[0]


def _plain(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value
