"""Free-text keys that differ only in case, spaces or width: one name typed two ways.

Exclusive groups, regions, countries and project ids are matched exactly, so ``Boats`` and
``boats`` would be two exclusive groups (both alternatives funded) and ``Southeast asia``
would escape a cap on ``Southeast Asia``. Such near-duplicates are refused, each spelling
named with its rows: the analyst says which is meant (merging silently could join two
names that were meant apart).

>>> key("Southeast  Asia"), key("ｓｏｕｔｈｅａｓｔ asia")
('southeastasia', 'southeastasia')
"""

from __future__ import annotations

import unicodedata

import pandas as pd

from osa_opt.errors import Issue
from osa_opt.inputs.cells import is_blank
from osa_opt.inputs.schema import COUNTRIES, PROJECTS, ROW

#: (sheet, column) of the free-text keys matched exactly somewhere.
KEY_COLUMNS = ((PROJECTS, "project_id"), (PROJECTS, "exclusive_group"),
               (COUNTRIES, "country"), (COUNTRIES, "region"))


def key(text: str) -> str:
    """What two spellings of one name share: width folded (NFKC), case folded, no spaces."""
    return "".join(unicodedata.normalize("NFKC", text).casefold().split())


def near_duplicate_issues(projects: pd.DataFrame, countries: pd.DataFrame) -> list[Issue]:
    """One issue per spelling of a name that its usual spelling differs from (typed frames)."""
    frames = {PROJECTS: projects, COUNTRIES: countries}
    issues: list[Issue] = []
    for sheet, column in KEY_COLUMNS:
        frame = frames[sheet]
        if column not in frame.columns or ROW not in frame.columns:
            continue
        spellings: dict[str, dict[str, list[int]]] = {}
        for value, row in zip(frame[column], frame[ROW], strict=True):
            if isinstance(value, str) and not is_blank(value):
                spellings.setdefault(key(value), {}).setdefault(value, []).append(int(row))
        for variants in spellings.values():
            if len(variants) < 2:
                continue
            usual = max(variants, key=lambda v: len(variants[v]))  # ties: the first seen
            rows = variants[usual]
            seen = f"{usual!r} in row{'s' if len(rows) > 1 else ''} " + \
                ", ".join(map(str, rows[:5])) + (", ..." if len(rows) > 5 else "")
            for value, at in variants.items():
                if value == usual:
                    continue
                issues.append(Issue(sheet, at[0], column, value,
                                    f"the same {column} is spelt differently elsewhere "
                                    f"({seen}), differing only in capitals, spaces or width; "
                                    "each spelling would count as its own",
                                    _hint(column, usual)))
    return issues


def _hint(column: str, usual: str) -> str:
    if column == "project_id":
        return f"give each project its own id, or spell the same project one way ({usual!r})"
    return (f"write {usual!r} as the other rows do, or make the names clearly different if "
            "they are meant apart")
