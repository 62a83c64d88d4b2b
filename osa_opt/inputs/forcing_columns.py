"""Columns of the user's own that say a project is forced in or out, which osa-opt does not
read: a project is forced by its ``status`` (``mandatory``, ``excluded``) or its ``stage``
(``signed``), never by a column of another name.

A column headed ``mandatory`` (or ``excluded``, ``withdrawn``, ``必須``, ``除外`` ...) with a
``yes`` in some rows looks like a decision, but as an unknown column it is passed through
unread: those projects would stay candidates, silently. Such a column is refused, naming
its rows and the status to write; one whose every cell is blank or false, or says what the
row's status (or stage) says already, changes nothing and passes through like any other (a
``forced`` column, as the outputs write, is neither way: not named here).
"""

from __future__ import annotations

import unicodedata

import pandas as pd

from osa_opt.errors import Issue
from osa_opt.inputs.cells import FALSE_MARKS, is_blank
from osa_opt.inputs.japanese_words import NO_WORDS, SIGNED_WORDS
from osa_opt.inputs.schema import COUNTRIES, FALSE_WORDS, PROJECTS, ROW
from osa_opt.inputs.sheet_schema import IN_WORDS, OUT_WORDS
from osa_opt.text import first_few, rows_named

#: Headers (lower case, ``_`` for spaces and dashes) that force a project in: the status
#: or stage that does, by header.
_IN = {
    "mandatory": "status mandatory",
    "must_fund": "status mandatory",
    "must": "status mandatory",
    "forced_in": "status mandatory",
    "fixed_in": "status mandatory",
    "carry_over": "status mandatory",
    "carried_over": "status mandatory",
    "carryover": "status mandatory",
    "signed": "stage signed",
}
#: Headers that force a project out.
_OUT = {
    "excluded": "status excluded",
    "exclude": "status excluded",
    "withdrawn": "status excluded",
    "withdraw": "status excluded",
    "deferred": "status excluded",
    "dropped": "status excluded",
    "drop": "status excluded",
    "cancelled": "status excluded",
    "canceled": "status excluded",
    "removed": "status excluded",
    "remove": "status excluded",
    "skip": "status excluded",
    "forced_out": "status excluded",
    "not_funded": "status excluded",
}
#: And every word a status cell is told as forcing a project in or out (sheet_schema's
#: IN_WORDS, OUT_WORDS: ``postponed``, ``committed``, and the Japanese ``必須``, ``除外``,
#: ``見送り`` ... of japanese_words), as a header; ``forced``, the outputs' own column, is
#: neither way.
for _word in IN_WORDS - {"forced"}:
    _IN.setdefault("_".join(_word.split()), "status mandatory")
for _word in OUT_WORDS:
    _OUT.setdefault("_".join(_word.split()), "status excluded")
for _word in SIGNED_WORDS:  # 署名済, 締結済: the stage column's words for signed
    _IN.setdefault(_word, "stage signed")
#: Cells that say no (as well as blank ones): false words, crosses (``×``, ``✘``, ``☒``),
#: ``-``, and the Japanese words a flag reads as no (``いいえ``, ``なし``, ``非該当``:
#: japanese_words.NO_WORDS). Wider than suspect_cells.NEGATIONS on purpose: a column of the
#: user's own that forces is one of yes and no, where a flag's false words and every cross
#: say no.
_NO = FALSE_WORDS | FALSE_MARKS | NO_WORDS | {"-", "–"}


def _key(header: str) -> str:
    text = unicodedata.normalize("NFKC", header).strip().lower().rstrip("?？")
    return "_".join(text.replace("-", " ").replace("_", " ").split())


def _says_yes(value: object) -> bool:
    if is_blank(value) or value is False:
        return False
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value != 0
    return _key(str(value)) not in _NO


def forcing_column_issues(sheet: str, raw: pd.DataFrame) -> list[Issue]:
    """One issue per column of ``raw`` headed like a status (``mandatory``, ``excluded``)
    that says yes in some row: unread, it would leave those projects candidates.

    >>> raw = pd.DataFrame({"project_id": ["P-01", "P-02"], "mandatory": ["yes", ""],
    ...                     "_row": [2, 3]})
    >>> print(forcing_column_issues("projects", raw)[0].message())
    projects, row 2, column 'mandatory': the column 'mandatory' is not read: a project is forced in or out by its status (or stage), so the 'yes' of row 2 would change nothing and the project would stay a candidate (value 'yes'). Fix: write status mandatory for that project (P-01), and delete the column or give it another name
    """
    if sheet not in (PROJECTS, COUNTRIES) or raw.empty:
        return []
    issues = []
    for column in raw.columns:
        if column == ROW or not isinstance(column, str):
            continue
        status = (
            _OUT.get(_key(column))
            if sheet == COUNTRIES
            else _IN.get(_key(column)) or _OUT.get(_key(column))
        )
        if status is None:
            continue
        field, word = status.split()
        said = (
            (raw[field].map(lambda v: str(v).strip().lower()) == word).to_numpy()
            if sheet == PROJECTS and field in raw.columns
            else [False] * len(raw)
        )
        yes = [i for i, v in enumerate(raw[column]) if _says_yes(v) and not said[i]]
        if not yes:
            continue
        rows = raw[ROW].to_numpy() if ROW in raw.columns else None
        numbers = [int(rows[i]) if rows is not None else i for i in yes]
        first = raw[column].iloc[yes[0]]
        shown = str(first).strip() if not isinstance(first, bool) else str(first).upper()
        several = len(yes) > 1
        where = rows_named(numbers)
        if sheet == PROJECTS:
            ids = (
                first_few((str(raw["project_id"].iloc[i]).strip() for i in yes), 5)
                if "project_id" in raw.columns
                else ""
            )
            rule = (
                f"the column {column!r} is not read: a project is forced in or out by "
                f"its status (or stage), so the {shown!r} of {where} would change "
                f"nothing and the project{'s' if several else ''} would stay "
                f"{'candidates' if several else 'a candidate'}"
            )
            hint = (
                f"write {status} for {'those projects' if several else 'that project'}"
                + (f" ({ids})" if ids else "")
                + ", and delete the column or give it "
                "another name"
            )
        else:
            rule = (
                f"the column {column!r} is not read: a partner is left out by giving "
                f"its projects status excluded, so the {shown!r} of {where} would "
                "change nothing"
            )
            hint = (
                "give that partner's projects status excluded (with a status_reason), "
                "and delete the column or give it another name"
            )
        issues.append(Issue(sheet, numbers[0], column, first, rule, hint))
    return issues
