"""The pandera schema of each sheet, built from the column registry, and its failures
turned into issues (sheet, Excel row, column, value, rule, hint).

Ranges, choices and uniqueness are checked here, lazily, on the typed columns; blank and
unreadable cells were reported while coercing (:mod:`osa_opt.inputs.cells`). A sheet that
passes is checked without pandera (:func:`_surely_valid`); pandera loads only to find and
word the failures of a sheet that has any.
"""

from __future__ import annotations

import os
import re
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from osa_opt.errors import Issue
from osa_opt.inputs.cells import (
    fraction_hint,
    int_choices,
    is_blank,
    rule_text,
    split_otherwise,
    whole_number_hint,
)
from osa_opt.inputs.issue_list import Places
from osa_opt.inputs.japanese_words import (
    STATUS_CANDIDATE_WORDS,
    STATUS_IN_WORDS,
    STATUS_OUT_WORDS,
    choice_hint,
)
from osa_opt.inputs.schema import (
    COST_PREFIX,
    KEYS,
    PROJECTS,
    ROW,
    SEPARATOR,
    Column,
    split_values,
)
from osa_opt.text import number as number_text
from osa_opt.text import reiwa_year, suggest

if TYPE_CHECKING:
    import pandera.pandas as pa


@contextmanager
def environment_kept() -> Iterator[None]:
    """``os.environ`` as it was before, whatever the block set: around pandera's import,
    which sets ``SPARK_LOCAL_IP`` and ``PYARROW_IGNORE_TIMEZONE`` for pyspark
    (``pandera/external_config.py``). A notebook user's process, and the Spark session or
    subprocess it starts later, keeps its own environment after osa-opt reads a sheet.
    """
    before = dict(os.environ)
    try:
        yield
    finally:
        for key in [k for k in os.environ if k not in before]:
            del os.environ[key]
        for key, value in before.items():
            if os.environ.get(key) != value:
                os.environ[key] = value


def _dtype(col: Column) -> Any:
    if col.kind == "number":
        return "float64"
    if col.kind == "bool":
        return "boolean"
    if col.kind == "integer" or int_choices(col):
        return "Int64"
    return object


def _checks(col: Column) -> list[tuple[str, str, tuple[Any, ...]]]:
    """The rules of one column's cells as ``(error, check, arguments)``: what
    :func:`sheet_schema` gives pandera and :func:`_surely_valid` checks without it.

    ``check`` names a pandera built-in (``isin``, ``in_range``, ``ge``, ``gt``) or ``each``,
    a rule of each distinct value; ``error`` (``"choices"`` or ``"range"``) maps a failure
    back to the registry's rule.
    """
    if col.kind == "enum":
        return [("choices", "isin", (list(col.choices),))]
    if col.kind == "enums":
        allowed = set(col.choices)
        return [("choices", "each",
                 (lambda v: v is None or v != v or set(split_values(v)) <= allowed,))]
    if col.kind == "number" and col.low is not None and col.high is not None:
        return [("range", "in_range", (col.low, col.high, col.low_inclusive))]
    if col.kind == "number" and col.low is not None:
        return [("range", "ge" if col.low_inclusive else "gt", (col.low,))]
    return []


def sheet_schema(sheet: str, columns: tuple[Column, ...]) -> pa.DataFrameSchema:
    """The pandera schema of a sheet's typed columns (built from the registry).

    Each check's ``error`` is ``"choices"`` or ``"range"`` so a failure maps back to the
    registry's rule; every column is nullable because blank and unreadable cells are
    reported while coercing.
    """
    with environment_kept():
        import pandera.pandas as pa  # here, not at the top: only validation needs pandera

    schema_columns: dict[str, pa.Column] = {}
    for col in columns:
        checks: list[pa.Check] = []
        for error, check, args in _checks(col):
            if check == "each":
                checks.append(pa.Check(lambda s, rule=args[0]: _each_value(s, rule),
                                       error=error))
            elif check == "in_range":
                checks.append(pa.Check.in_range(args[0], args[1], include_min=args[2],
                                                include_max=True, error=error))
            else:
                checks.append(getattr(pa.Check, check)(*args, error=error))
        schema_columns[col.name] = pa.Column(
            _dtype(col), checks=checks, nullable=True, required=False,
            unique=col.name == KEYS[sheet], report_duplicates="all")
    return pa.DataFrameSchema(schema_columns, name=sheet, strict=False)


def _surely_valid(sheet: str, typed: pd.DataFrame, columns: tuple[Column, ...]) -> bool:
    """True only where :func:`sheet_schema` would find nothing: each typed column of its
    declared dtype, no key twice, every cell that is not blank within its column's rules
    (pandera leaves blank cells to its ``nullable``, here always allowed).

    A valid input, nearly every run, is checked here without pandera, whose import and
    validation took 0.28 s of reading a 10,000-project round (and 24 MB); at any doubt,
    pandera checks the sheet and words each failure as ever.
    """
    try:
        for col in columns:
            if col.name not in typed.columns:
                continue
            cells, dtype = typed[col.name], _dtype(col)
            if str(cells.dtype) != ("object" if dtype is object else dtype):
                return False
            if col.name == KEYS[sheet] and cells.duplicated().any():
                return False
            given = cells.dropna() if cells.hasnans else cells
            for _, check, args in _checks(col):
                if check == "isin":
                    ok = given.isin(args[0])
                elif check == "each":
                    ok = _each_value(given, args[0])
                elif check == "in_range":
                    ok = ((given >= args[0]) if args[2] else (given > args[0])) \
                        & (given <= args[1])
                else:
                    ok = (given >= args[0]) if check == "ge" else (given > args[0])
                if not bool(ok.all()):
                    return False
    except Exception:  # noqa: BLE001 - any surprise: pandera decides, and says why
        return False
    return True


def _each_value(cells: pd.Series, rule: Any) -> pd.Series:
    """``rule`` of every cell of a typed text column, read once per distinct value (a
    blank, None or NaN, as None)."""
    codes, uniques = pd.factorize(cells)  # blanks: -1, the last reading
    found = np.fromiter((bool(rule(v)) for v in [*uniques, None]), dtype=bool,
                        count=len(uniques) + 1)
    return pd.Series(found[codes], index=cells.index)


def schema_issues(sheet: str, raw: pd.DataFrame, typed: pd.DataFrame,
                  columns: tuple[Column, ...], places: Places) -> list[Issue]:
    """Every failed range, choice and uniqueness check of a sheet, at its row.

    ``raw`` and ``typed`` share a RangeIndex (the prepared sheet), so a failure's index is
    the row's position; ``places`` words the other rows a duplicate is in.
    """
    if _surely_valid(sheet, typed, columns):
        return []
    with environment_kept():
        import pandera.pandas as pa

    by_name = {c.name: c for c in columns}
    try:
        with warnings.catch_warnings():
            # pandera's own table of failures concatenates all-blank columns, which pandas
            # warns about (FutureWarning): the user sees the failures, not the library's talk
            warnings.simplefilter("ignore", FutureWarning)
            sheet_schema(sheet, columns).validate(typed, lazy=True)
    except pa.errors.SchemaErrors as exc:
        failures = exc.failure_cases
    else:
        return []
    rows = raw[ROW].to_numpy()
    hints: dict[tuple[str, str, str], str] = {}  # one suggestion per distinct bad value
    duplicates: dict[str, dict[Any, list[int]]] = {}
    signature: dict[str, dict[int, int]] = {}
    issues: list[Issue] = []
    for case in failures.itertuples(index=False):
        name, index, bad = str(case.column), case.index, case.failure_case
        if is_blank(bad):
            continue
        known_row = index is not None and not is_blank(index) and 0 <= int(index) < len(rows)
        row = int(rows[int(index)]) if known_row else None
        value = raw[name].iloc[int(index)] if known_row and name in raw.columns else bad
        col = by_name.get(name)
        if col is None:  # pragma: no cover - a check on a column we did not declare
            issues.append(Issue(sheet, row, name, value, str(case.check), "check this cell"))
        elif case.check == "field_uniqueness":
            if name not in duplicates:
                duplicates[name] = _rows_by_value(typed, name)
            others = [r for r in duplicates[name].get(bad, []) if r != row]
            issue = _duplicate_issue(sheet, name, bad, row, places.rows_text(others))
            if name not in signature:  # Excel row -> its cells' hash, of the duplicates
                signature[name] = _signatures(raw, typed[name].duplicated(keep=False))
            sig = signature[name]
            if row is not None and others and len({sig[r] for r in [row, *others]}) == 1:
                issue = _copied_row_issue(issue, sorted([row, *others]))
            elif sheet == PROJECTS and name == "project_id" and others:
                free = _next_free_id(typed[name])  # a row copied for another project
                if free is not None:
                    issue = replace(issue, hint=f"{issue.hint}: if one row is a copy made for "
                                    f"another project, give it a new id ({free} is free)")
            issues.append(issue)
        elif case.check == "choices":
            seen = (name, str(bad), str(value))  # the cell as typed is quoted: 'Withdrawn'
            if seen not in hints:
                hints[seen] = _choice_hint(col, bad, value)
            issues.append(Issue(sheet, row, name, value, rule_text(col), hints[seen]))
        elif case.check == "range":
            issues.append(Issue(sheet, row, name, value, rule_text(col), _range_hint(col, bad)))
        else:  # pragma: no cover - dtypes are ours; this would be a bug in coercion
            issues.append(Issue(sheet, row, name, value, str(case.check), "check this cell"))
    return issues


def _range_hint(col: Column, bad: Any) -> str:
    """The fix of a number out of its range: a share (at most 1) typed as a whole
    percentage, 35 for 35%, is told the fraction, as the text '35%' is; a 0-10 score or
    assessment typed on a 0-100 scale (76) is told the number on the 0-10 one (7.6)."""
    meaning = f"{col.name}: {col.meaning}"
    try:
        typed = float(bad)
    except (TypeError, ValueError):
        return meaning
    if col.high == 1 and 1 < typed <= 100 and typed.is_integer():
        return f"{fraction_hint(typed / 100, number_text(typed) + '%')} ({meaning})"
    if col.low == 0 and col.high == 10 and 10 < typed <= 100:  # a 0-100 scale's 76
        return (f"the scale is 0-10: if {number_text(typed)} is on a 0-100 scale, type "
                f"{number_text(typed / 10)} ({meaning})")
    if col.low == 0 and col.low_inclusive and typed < 0:  # -1200: a slip, or a deduction
        what = ("; a saving or a cut is written as the project's lower cost, never as a "
                "negative one" if col.name.startswith(COST_PREFIX) else "")
        return (f"it cannot be negative: type {number_text(-typed)} if the minus sign is a "
                f"slip{what} ({meaning})")
    return meaning


#: Words a round's own status column (or its stage column) holds for a project forced out
#: of the round or into it: osa-opt has one status for each, and the word is its reason.
#: The Japanese ones (除外, 見送り, 必須, 候補 ...) are japanese_words' status words, one list
#: that the forcing columns' headers read too.
OUT_WORDS = frozenset({"withdrawn", "withdraw", "dropped", "drop", "cancelled", "canceled",
                       "deferred", "postponed", "removed", "rejected", "declined", "on hold",
                       "not funded", "deleted", *STATUS_OUT_WORDS})
IN_WORDS = frozenset({"required", "committed", "forced", "must", "must fund", "carry over",
                      "carried over", "carryover", *STATUS_IN_WORDS})
#: Words for a project neither forced in nor out (候補 candidate, 検討中 under review).
CANDIDATE_WORDS = frozenset({"open", "pending", "proposed", "under review", "tbd",
                             *STATUS_CANDIDATE_WORDS})
#: Either way: slipped into this round from the last one, or out of it to a later one.
EITHER_WORDS = frozenset({"slipped", "slip", "slipping", "delayed"})


def _status_word_hint(col: Column, bad: Any, typed: Any = None) -> str | None:
    """The fix for a status word osa-opt spells otherwise (``withdrawn`` is ``excluded``
    with the word as its ``status_reason``), in the status or the stage column. ``typed``
    is the cell as typed (``bad`` is as read, in lower case), quoted as the reason.

    >>> from osa_opt.inputs.schema import PROJECT_COLUMNS
    >>> status = next(c for c in PROJECT_COLUMNS if c.name == "status")
    >>> _status_word_hint(status, "Withdrawn")
    "a project out of this round is status excluded: write excluded here and 'Withdrawn' \
in status_reason (every output shows it)"
    """
    if col.name not in ("status", "stage"):
        return None
    word = " ".join(str(bad).strip().lower().replace("_", " ").replace("-", " ").split())
    where = "here" if col.name == "status" else "in status (and clear the stage)"
    shown = typed if isinstance(typed, str) and typed.strip() else bad
    reason = f"{str(shown).strip()!r} in status_reason (every output shows it)"
    if word in OUT_WORDS:
        return (f"a project out of this round is status excluded: write excluded {where} "
                f"and {reason}")
    if word in IN_WORDS:
        return (f"a project that must be funded is status mandatory: write mandatory {where} "
                f"and {reason}")
    if col.name == "status" and (later := _later_year(word)) is not None:
        year = later and (f"; to plan it in {later} too, give its cost in cost_{later} and the "
                          f"policy a budget for {later}")
        return (f"a project moved to a later fiscal year is out of this round: write excluded "
                f"here and {reason}{year}")
    if col.name == "status" and word in CANDIDATE_WORDS:
        gloss = (f" ({str(shown).strip()!r} is Japanese for {STATUS_CANDIDATE_WORDS[word]})"
                 if word in STATUS_CANDIDATE_WORDS else "")
        return (f"a project neither forced in nor out is status candidate{gloss}: write "
                "candidate here, or leave the cell blank")
    if word in EITHER_WORDS:
        return (f"a slipped project is either carried into this round (write mandatory "
                f"{where}) or moved out of it to a later one (write excluded {where}); "
                f"then write {reason}")
    return None


#: Words for a later fiscal year without its number (来年度: next fiscal year).
_NEXT_YEAR = ("next year", "next fiscal year", "later year", "来年度", "次年度", "翌年度")


def _later_year(word: str) -> str | None:
    """The fiscal year a status names (``slipped to FY2027``, ``R9``, ``令和9年度``:
    ``"FY2027"``), "" for a later year without its number (``next year``), None for no
    year at all."""
    import unicodedata

    text = unicodedata.normalize("NFKC", word)
    found = re.search(r"(?<![\d.])(?:fy\s*)?(20\d\d)(?![\d.])|\bfy\s*(\d\d)\b", text)
    if found:
        return f"FY{found.group(1) or '20' + found.group(2)}"
    era = re.search(r"(?:\br|令和)\s*(?:元|\d{1,2})\s*(?:年度|\b)", text)
    if era and (reiwa := reiwa_year(era.group(0))):  # not R0: Reiwa starts at 1
        return f"FY{reiwa[1]}"
    return "" if any(w in text for w in _NEXT_YEAR) else None


def _choice_hint(col: Column, bad: Any, typed: Any = None) -> str:
    if int_choices(col):  # a number is never "close" to another: list them
        return whole_number_hint(col)
    status_word = _status_word_hint(col, bad, typed)
    if status_word:
        return status_word
    japanese = choice_hint(col.name, typed if isinstance(typed, str) else bad, SEPARATOR,
                           [str(c) for c in col.choices])
    if japanese:  # '機材': did you mean 'equipment'?
        return japanese
    parts = split_otherwise(bad, [str(c) for c in col.choices])
    if parts:  # "search_and_rescue, peacekeeping": the separator is what is wrong
        return f"separate the values with {SEPARATOR!r}: {SEPARATOR.join(parts)}"
    # of several values (field), the first one not in the list
    wrong = [v for v in split_values(bad) if v not in col.choices] or [str(bad)]
    close = suggest(wrong[0], [str(c) for c in col.choices])
    return f"did you mean {close!r}?" if close else f"{col.name}: {col.meaning}"


def _rows_by_value(typed: pd.DataFrame, name: str) -> dict[Any, list[int]]:
    """The rows of each value that occurs more than once in a column."""
    repeated = typed.loc[typed[name].duplicated(keep=False), [name, ROW]]
    return {value: [int(r) for r in group[ROW]] for value, group in repeated.groupby(name)}


def _signatures(raw: pd.DataFrame, which: pd.Series) -> dict[int, int]:
    """Excel row -> a hash of its cells (blanks alike), for the rows ``which`` marks: two
    rows pasted from one hash alike."""
    cells = raw.loc[which.to_numpy(), [c for c in raw.columns if c != ROW]]
    text = cells.map(lambda v: "" if is_blank(v) or v != v else repr(v))
    hashes = pd.util.hash_pandas_object(text, index=False).to_numpy()
    return dict(zip(raw.loc[which.to_numpy(), ROW].astype(int), hashes.tolist(), strict=True))


def _copied_row_issue(issue: Issue, rows: list[int]) -> Issue:
    """A duplicate key whose rows are alike in every cell: the fix is to delete the copy;
    another id would count the project twice."""
    what = "project" if issue.sheet == PROJECTS else "country"
    which = (f"one of the two rows ({rows[0]} or {rows[1]})" if len(rows) == 2
             else f"all but one of the rows {', '.join(map(str, rows))}")
    return replace(issue, rule=f"{issue.rule}, every cell alike: a row pasted twice?",
                   hint=f"delete {which}; giving one of them another {issue.column} would "
                   f"count the {what} twice")


def _next_free_id(ids: pd.Series) -> str | None:
    """The id after the highest of the most usual form (``P-39`` after ``P-38``, zeros kept),
    or None when the ids have no number at their end.

    >>> _next_free_id(pd.Series(["P-01", "P-02", "P-38", "X"]))
    'P-39'
    """
    found = ids.dropna().astype(str).str.extract(r"^(\D*?)(\d+)$").dropna()
    if found.empty:
        return None
    prefix = found[0].mode().iloc[0]
    digits = found.loc[found[0] == prefix, 1]
    width = int(digits.str.len().max())
    return f"{prefix}{int(digits.astype(int).max()) + 1:0{width}d}"


def _duplicate_issue(sheet: str, name: str, value: Any, row: int | None, others: str) -> Issue:
    what = "project" if sheet == PROJECTS else "country"
    hint = (f"give each project its own {name}" if sheet == PROJECTS
            else "list each country once; merge the rows")
    return Issue(sheet, row, name, value,
                 f"duplicate {name}: the same {what} is also {others}", hint)
