"""Validation of the input tables (DESIGN §3): every problem at once, with sheet and Excel row.

Three passes, all collected before anything is raised:

1. **columns** — every required column is present (a misspelt header gets a "did you mean"),
   and the sheet has data rows;
2. **cells** — each cell is coerced to its column's type (a blank optional cell takes its
   default, an unreadable cell is reported at its row), then one pandera schema per sheet,
   built from the registry in :mod:`osa_opt.inputs.schema`, checks ranges, choices and uniqueness
   lazily;
3. **cross-sheet rules** (:func:`osa_opt.inputs.rules.cross_sheet_issues`, in one place) — unknown countries,
   dependencies, forced states that contradict each other or the eligibility rules, policy
   names the data lacks.

>>> from osa_opt.inputs.validation import validate_frames
>>> projects, countries = validate_frames(projects_raw, countries_raw, policy)  # doctest: +SKIP
"""

from __future__ import annotations

import datetime as _dt
import math
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pandera.pandas as pa

from osa_opt.errors import InputError, Issue
from osa_opt.inputs.policy import MAX_AMOUNT, Policy
from osa_opt.inputs.schema import (
    COST_PREFIX,
    COUNTRIES,
    COUNTRY_COLUMNS,
    FALSE_WORDS,
    FIRST_DATA_ROW,
    PROJECTS,
    ROW,
    SCORE_PREFIX,
    TRUE_WORDS,
    Column,
    project_columns,
)
from osa_opt.text import suggest

#: The column that identifies a row of each sheet (unique; becomes the index).
KEYS = {PROJECTS: "project_id", COUNTRIES: "country"}
_SHEET_RANK = {PROJECTS: 0, COUNTRIES: 1}


def validate_frames(
    projects_raw: pd.DataFrame, countries_raw: pd.DataFrame, policy: Policy
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Check and type the raw ``projects`` and ``countries`` tables against a policy.

    Parameters
    ----------
    projects_raw, countries_raw : DataFrame
        One row per sheet row, cells as read (text, numbers, bools or blanks). A ``_row``
        column gives each row's Excel row number; without it rows are numbered from 2.
    policy : Policy
        Names the ``cost_<FY>`` and ``score_<criterion>`` columns that must exist.

    Returns
    -------
    projects, countries : DataFrame
        Indexed by ``project_id`` and ``country``; registry columns typed (text ``str``,
        numbers ``float``, ``priority_tier`` ``int``, flags ``bool``, ``requires`` a tuple of
        ids, ``max_share`` NaN when blank), defaults filled in, then the extra columns
        unchanged, then ``_row``.

    Raises
    ------
    InputError
        Listing every problem found (sheet, Excel row, column, value, rule, hint).

    Examples
    --------
    >>> projects, countries = validate_frames(projects_raw, countries_raw, policy)  # doctest: +SKIP
    >>> projects.loc["P-01", "requires"]  # doctest: +SKIP
    ()
    """
    issues: list[Issue] = []
    p_columns = project_columns(policy.fiscal_years, policy.criteria)
    projects = _prepare(projects_raw, PROJECTS, issues)
    countries = _prepare(countries_raw, COUNTRIES, issues)
    if not policy.budget:
        issues.append(Issue(policy_sheet(policy), None, "budget", None,
                            "the policy has no budget",
                            "add a [budget] table with one amount per fiscal year in ¥ million, "
                            "e.g. [budget] FY2026 = 18100"))
    p_typed = _check_sheet(PROJECTS, projects, p_columns, policy, issues)
    c_typed = _check_sheet(COUNTRIES, countries, COUNTRY_COLUMNS, policy, issues)
    from osa_opt.inputs.rules import cross_sheet_issues  # rules use this module's cell helpers

    issues += cross_sheet_issues(p_typed, c_typed, policy)
    if issues:
        raise InputError(sort_issues(issues))
    return (_finish(projects, p_typed, p_columns, KEYS[PROJECTS]),
            _finish(countries, c_typed, COUNTRY_COLUMNS, KEYS[COUNTRIES]))


def policy_sheet(policy: Policy) -> str:
    """How issues name the policy: ``"policy default.toml"``, or ``"policy"`` if built in code."""
    return f"policy {Path(policy.source).name}" if policy.source else "policy"


def sort_issues(issues: list[Issue]) -> list[Issue]:
    """Projects first, then countries, then the policy; by row within a sheet (stable).

    Values become plain Python (``1.5``, not ``np.float64(1.5)``) for the messages.
    """
    plain = [replace(i, value=i.value.item()) if isinstance(i.value, np.generic) else i
             for i in issues]
    return sorted(plain, key=lambda i: (_SHEET_RANK.get(i.sheet, 2),
                                        i.row is not None, i.row or 0))


# ---------------------------------------------------------------------- preparing
def _prepare(raw: pd.DataFrame, sheet: str, issues: list[Issue]) -> pd.DataFrame:
    """A copy with stripped headers, a ``_row`` column, no blank rows and a RangeIndex."""
    if not isinstance(raw, pd.DataFrame):
        issues.append(Issue(sheet, None, None, type(raw).__name__,
                            "the table is not a pandas DataFrame",
                            f"pass the {sheet} sheet as a DataFrame, one row per sheet row, "
                            "e.g. pd.read_excel(path, sheet_name=...)"))
        return pd.DataFrame({ROW: pd.Series(dtype=int)})
    frame = raw.copy()
    if frame.index.name == KEYS[sheet] and KEYS[sheet] not in frame.columns:
        frame = frame.reset_index()  # e.g. problem.projects, indexed by project_id
    frame.columns = [str(c).strip() for c in frame.columns]
    duplicated = frame.columns[frame.columns.duplicated()].unique()
    for name in duplicated:
        issues.append(Issue(sheet, None, name, None, "the column appears more than once",
                            "keep one column of this name and delete or rename the others"))
    frame = frame.loc[:, ~frame.columns.duplicated()]
    if ROW in frame.columns and not _row_numbers(frame[ROW]):
        issues.append(Issue(sheet, None, ROW, None,
                            "the _row column must hold Excel row numbers (whole numbers >= 1)",
                            "drop the _row column; the rows are then numbered from 2"))
        frame = frame.drop(columns=ROW)
    if ROW not in frame.columns:
        frame[ROW] = np.arange(FIRST_DATA_ROW, FIRST_DATA_ROW + len(frame))
    frame[ROW] = frame[ROW].astype(int)
    if len(frame) and len(frame.columns) > 1:
        blank = np.ones(len(frame), dtype=bool)
        for name in frame.columns.drop(ROW):
            rows = np.flatnonzero(blank)
            if not len(rows):
                break
            values = frame[name].to_numpy(dtype=object)[rows]
            blank[rows] = [is_blank(v) for v in values]
        frame = frame.loc[~blank]
    return frame.reset_index(drop=True)


def _row_numbers(rows: pd.Series) -> bool:
    """True when every cell is a whole number >= 1 that fits an int64."""
    numbers = pd.to_numeric(rows, errors="coerce")
    if pd.api.types.is_bool_dtype(rows.dtype) or numbers.isna().any():
        return False
    values = numbers.to_numpy(dtype=float)
    return bool(((values >= 1) & (values < 2**53) & (values == np.floor(values))).all())


def is_blank(value: Any) -> bool:
    """True for None, NaN, NA and text holding only spaces."""
    kind = type(value)
    if kind is str:
        return not value.strip()
    if kind is float:
        return value != value  # NaN
    if value is None:
        return True
    if kind is int or kind is bool:
        return False
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, tuple | list):
        return len(value) == 0
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


# ---------------------------------------------------------------------- cell coercion
class _Unreadable(ValueError):
    """A cell that cannot be read as its column's type."""


#: Whole numbers beyond this do not fit an Int64 column (and no tier or count is so large).
_LARGEST_WHOLE = 2**53


def _number(value: Any) -> float:
    if type(value) is float and math.isfinite(value):
        return value
    if isinstance(value, bool | np.bool_):
        raise _Unreadable
    if isinstance(value, int | float | np.integer | np.floating):
        try:
            x = float(value)
        except OverflowError:  # an int beyond any float, e.g. 10**400
            raise _Unreadable from None
    elif isinstance(value, str):
        try:
            x = float(value.strip())
        except ValueError:
            raise _Unreadable from None
    else:
        raise _Unreadable
    if not math.isfinite(x):
        raise _Unreadable
    return x


def _integer(value: Any) -> int:
    x = _number(value)
    if not x.is_integer() or abs(x) > _LARGEST_WHOLE:
        raise _Unreadable
    return int(x)


def _boolean(value: Any) -> bool:
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | float | np.integer | np.floating) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        word = value.strip().lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
    raise _Unreadable


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool | np.bool_):
        return str(bool(value)).lower()
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, float | np.floating):
        return str(int(value)) if float(value).is_integer() else repr(float(value))
    if isinstance(value, _dt.date):
        return value.isoformat()
    return str(value).strip()


def _ids(value: Any) -> tuple[str, ...]:
    parts = value if isinstance(value, tuple | list) else _text(value).split(";")
    ids = (_text(p) for p in parts)
    return tuple(dict.fromkeys(i for i in ids if i))


def _coerce(value: Any, col: Column) -> Any:
    if col.kind == "number":
        return _number(value)
    if col.kind == "bool":
        return _boolean(value)
    if col.kind == "integer" or (col.kind == "enum" and _int_choices(col)):
        return _integer(value)
    if col.kind == "enum":
        return _text(value).lower()
    if col.kind == "ids":
        return _ids(value)
    return _text(value)


def _int_choices(col: Column) -> bool:
    return bool(col.choices) and isinstance(col.choices[0], int)


def rule_text(col: Column) -> str:
    """The rule of a column in plain words, e.g. ``"must be a number in [0, 10]"``."""
    if col.kind == "number":
        rng = col.range_text
        if not rng:
            return "must be a number"
        return f"must be a number in {rng}" if rng[0] in "[(" else f"must be a number {rng}"
    if col.kind == "enum":
        return "must be one of " + ", ".join(map(str, col.choices))
    if col.kind == "bool":
        return "must be true or false"
    if col.kind == "integer":
        return "must be a whole number"
    return "must be text"


def _unreadable_hint(col: Column, value: Any = None) -> str:
    if col.kind == "number":
        share = _percent(value) if col.high is not None and col.high <= 1 else None
        if share is not None:  # a share column typed as a percentage
            return f"type the share as a fraction: {share:g} for {str(value).strip()}"
        return ("type a plain number such as 750 or 0.35 (no units, currency signs or "
                "thousands separators)")
    if col.kind == "bool":
        return "type true or false (yes/no and 1/0 work too)"
    if _int_choices(col):
        return _whole_number_hint(col)
    return f"{col.name}: {col.meaning}"


def _whole_number_hint(col: Column) -> str:
    *first, last = map(str, col.choices)
    return f"type {', '.join(first)} or {last} as a whole number ({col.name}: {col.meaning})"


def _percent(value: Any) -> float | None:
    """``"30%"`` → 0.3: a percentage typed as text, or None."""
    text = value.strip() if isinstance(value, str) else ""
    if not text.endswith("%"):
        return None
    try:
        share = float(text[:-1].strip()) / 100
    except ValueError:
        return None
    return share if math.isfinite(share) else None


def _coerce_sheet(sheet: str, raw: pd.DataFrame, columns: tuple[Column, ...],
                  issues: list[Issue]) -> pd.DataFrame:
    """Typed registry columns of ``raw`` (blank or unreadable required cells become null)."""
    out: dict[str, pd.Series] = {}
    for col in columns:
        if col.name not in raw.columns:
            continue
        fast = _coerce_typed(sheet, raw[col.name], raw[ROW], col, issues)
        if fast is not None:
            out[col.name] = fast
            continue
        values: list[Any] = []
        for value, row in zip(raw[col.name].tolist(), raw[ROW].tolist(), strict=True):
            if is_blank(value):
                if col.required and col.default is None:
                    issues.append(Issue(sheet, int(row), col.name, None,
                                        "a required cell is blank",
                                        f"fill in {col.name}: {col.meaning}"))
                values.append(col.default)  # None for a required column without one
                continue
            try:
                values.append(_coerce(value, col))
            except _Unreadable:
                issues.append(Issue(sheet, int(row), col.name, value, rule_text(col),
                                    _unreadable_hint(col, value)))
                values.append(None)
        out[col.name] = _series(values, col, raw.index)
    typed = pd.DataFrame(out, index=raw.index)
    typed[ROW] = raw[ROW]
    return typed


def _coerce_typed(sheet: str, series: pd.Series, rows: pd.Series, col: Column,
                  issues: list[Issue]) -> pd.Series | None:
    """A column that is already numeric (a frame built in code), coerced at once; else None.

    Only numbers into number columns: flags and tiers keep the cell-by-cell path, whose
    rules (0/1 only, whole numbers only) the per-cell functions hold.
    """
    if col.kind != "number" or not pd.api.types.is_numeric_dtype(series.dtype) \
            or pd.api.types.is_bool_dtype(series.dtype) \
            or pd.api.types.is_complex_dtype(series.dtype):
        return None
    values = series.astype("float64")
    blank = values.isna().to_numpy()
    infinite = np.isinf(values.to_numpy())
    for row, value in zip(rows[infinite], series[infinite], strict=True):
        issues.append(Issue(sheet, int(row), col.name, value, rule_text(col),
                            _unreadable_hint(col)))
    values[infinite] = np.nan
    if blank.any():
        if col.default is not None:
            values[blank] = float(col.default)  # type: ignore[arg-type]
        elif col.required:
            for row in rows[blank]:
                issues.append(Issue(sheet, int(row), col.name, None, "a required cell is blank",
                                    f"fill in {col.name}: {col.meaning}"))
    return values


def _series(values: list[Any], col: Column, index: pd.Index) -> pd.Series:
    if col.kind == "number":
        return pd.Series([np.nan if v is None else v for v in values], index=index,
                         dtype="float64")
    if col.kind == "bool":
        return pd.Series(values, index=index, dtype="boolean")
    if col.kind == "integer" or _int_choices(col):
        return pd.Series(values, index=index, dtype="Int64")
    return pd.Series(values, index=index, dtype=object)


# ---------------------------------------------------------------------- pandera schema
def _dtype(col: Column) -> Any:
    if col.kind == "number":
        return "float64"
    if col.kind == "bool":
        return "boolean"
    if col.kind == "integer" or _int_choices(col):
        return "Int64"
    return object


def sheet_schema(sheet: str, columns: tuple[Column, ...]) -> pa.DataFrameSchema:
    """The pandera schema of a sheet's typed columns (built from the registry).

    Each check's ``error`` is ``"choices"`` or ``"range"`` so a failure maps back to the
    registry's rule; every column is nullable because blank and unreadable cells are
    reported while coercing.
    """
    schema_columns: dict[str, pa.Column] = {}
    for col in columns:
        checks: list[pa.Check] = []
        if col.kind == "enum":
            checks.append(pa.Check.isin(list(col.choices), error="choices"))
        if col.kind == "number" and col.low is not None and col.high is not None:
            checks.append(pa.Check.in_range(col.low, col.high, include_min=col.low_inclusive,
                                             include_max=True, error="range"))
        elif col.kind == "number" and col.low is not None:
            check = pa.Check.ge if col.low_inclusive else pa.Check.gt
            checks.append(check(col.low, error="range"))
        schema_columns[col.name] = pa.Column(
            _dtype(col), checks=checks, nullable=True, required=False,
            unique=col.name == KEYS[sheet], report_duplicates="all")
    return pa.DataFrameSchema(schema_columns, name=sheet, strict=False)


def _schema_issues(sheet: str, raw: pd.DataFrame, typed: pd.DataFrame,
                   columns: tuple[Column, ...]) -> list[Issue]:
    by_name = {c.name: c for c in columns}
    try:
        sheet_schema(sheet, columns).validate(typed, lazy=True)
    except pa.errors.SchemaErrors as exc:
        failures = exc.failure_cases
    else:
        return []
    issues: list[Issue] = []
    for case in failures.itertuples(index=False):
        name, index, bad = str(case.column), case.index, case.failure_case
        if is_blank(bad):
            continue
        known_row = index is not None and not is_blank(index) and index in raw.index
        row = int(raw.at[index, ROW]) if known_row else None
        value = raw.at[index, name] if known_row and name in raw.columns else bad
        col = by_name.get(name)
        if col is None:  # pragma: no cover - a check on a column we did not declare
            issues.append(Issue(sheet, row, name, value, str(case.check), "check this cell"))
        elif case.check == "field_uniqueness":
            issues.append(_duplicate_issue(sheet, typed, name, bad, row))
        elif case.check == "choices":
            close = suggest(str(bad), [str(c) for c in col.choices])
            if _int_choices(col):  # a number is never "close" to another: list them
                hint = _whole_number_hint(col)
            else:
                hint = f"did you mean {close!r}?" if close else f"{col.name}: {col.meaning}"
            issues.append(Issue(sheet, row, name, value, rule_text(col), hint))
        elif case.check == "range":
            issues.append(Issue(sheet, row, name, value, rule_text(col),
                                f"{col.name}: {col.meaning}"))
        else:  # pragma: no cover - dtypes are ours; this would be a bug in coercion
            issues.append(Issue(sheet, row, name, value, str(case.check), "check this cell"))
    return issues


def _duplicate_issue(sheet: str, typed: pd.DataFrame, name: str, value: Any,
                     row: int | None) -> Issue:
    rows = [int(r) for r in typed.loc[typed[name] == value, ROW] if int(r) != row]
    others = ", ".join(map(str, rows))
    what = "project" if sheet == PROJECTS else "country"
    hint = (f"give each project its own {name}" if sheet == PROJECTS
            else "list each country once; merge the rows")
    return Issue(sheet, row, name, value,
                 f"duplicate {name}: the same {what} is also in row{'s' if len(rows) > 1 else ''}"
                 f" {others}", hint)


# ---------------------------------------------------------------------- one sheet
def _check_sheet(sheet: str, raw: pd.DataFrame, columns: tuple[Column, ...], policy: Policy,
                 issues: list[Issue]) -> pd.DataFrame:
    """Column, cell and schema checks of one sheet; returns its typed registry columns."""
    present = [c for c in raw.columns if c != ROW]
    unit = "project" if sheet == PROJECTS else "country"
    if not present and raw.empty:
        heads = ", ".join(c.name for c in columns[:3])
        issues.append(Issue(sheet, None, None, None, "the sheet is empty",
                            f"put the column headers ({heads}, ...) in row 1 and one {unit} per "
                            "row below; `osa-opt template` writes a workbook to start from"))
        return pd.DataFrame({ROW: pd.Series(dtype=int)})
    issues += _column_issues(sheet, present, columns, policy)
    if raw.empty:
        issues.append(Issue(sheet, None, None, None, "the sheet has no data rows",
                            f"add one row per {unit} below the header row"))
    typed = _coerce_sheet(sheet, raw, columns, issues)
    issues += _schema_issues(sheet, raw, typed, columns)
    issues += _amount_issues(sheet, typed, columns)
    return typed


def _amount_issues(sheet: str, typed: pd.DataFrame, columns: tuple[Column, ...]) -> list[Issue]:
    """Costs above MAX_AMOUNT: typos or yen, and the solver would take them as infinite
    (a project costing 1e16 was funded within a ¥24,100m budget)."""
    issues: list[Issue] = []
    for col in columns:
        if not col.name.startswith(COST_PREFIX) or col.name not in typed.columns:
            continue
        too_large = typed[col.name] > MAX_AMOUNT
        for row, value in zip(typed.loc[too_large, ROW], typed.loc[too_large, col.name],
                              strict=True):
            issues.append(Issue(sheet, int(row), col.name, float(value),
                                f"a cost above {MAX_AMOUNT:g} ¥ million (¥1,000 trillion) "
                                "cannot be right",
                                "costs are in ¥ million (750 means ¥750 million): check the "
                                "digits, and that the amount is not in yen"))
    return issues


def _column_issues(sheet: str, present: list[str], columns: tuple[Column, ...],
                   policy: Policy) -> list[Issue]:
    issues: list[Issue] = []
    known = {c.name for c in columns}
    unknown = [c for c in present if c not in known]
    for col in columns:
        if col.name in present:
            continue
        if col.required:
            close = suggest(col.name, unknown)
            rule, hint = _missing_column_text(col, policy)
            if close:
                hint = f"did you mean {col.name!r}? Rename the header {close!r} to {col.name!r}"
            issues.append(Issue(sheet, None, col.name, close, rule, hint))
        else:
            close = suggest(col.name, unknown, cutoff=0.8)
            if close:
                issues.append(Issue(sheet, None, close, close, "unknown column",
                                    f"did you mean {col.name!r}? Rename the header, or the "
                                    f"default ({col.default!r}) is used for every row"))
    return issues


def _missing_column_text(col: Column, policy: Policy) -> tuple[str, str]:
    if col.name.startswith(COST_PREFIX):
        fy = col.name[len(COST_PREFIX):]
        return (f"missing column {col.name}: the policy's budget has fiscal year {fy}",
                f"add {col.name} with each project's cost in {fy} (¥ million, 0 if none), "
                f"or remove {fy} from the policy's [budget]")
    if col.name.startswith(SCORE_PREFIX) and col.name not in {c.name for c in COUNTRY_COLUMNS}:
        k = col.name[len(SCORE_PREFIX):]
        return (f"missing column {col.name}: the policy weights the criterion {k!r}",
                f"add {col.name} (0-10) for every project, or remove {k!r} from "
                "objective.weights")
    return (f"missing required column {col.name}", f"add the column {col.name}: {col.meaning}")


# ---------------------------------------------------------------------- output
def _finish(raw: pd.DataFrame, typed: pd.DataFrame, columns: tuple[Column, ...],
            key: str) -> pd.DataFrame:
    """Final typed frame: registry columns (defaults for absent ones), extras, ``_row``."""
    n = len(raw)
    data: dict[str, Any] = {}
    for col in columns:
        if col.name in typed.columns:
            series = typed[col.name]
        else:
            default = () if col.kind == "ids" else col.default
            series = pd.Series([default] * n, index=raw.index, dtype=object)
        data[col.name] = _final_dtype(series, col)
    for name in raw.columns:
        if name not in data and name != ROW:
            data[name] = raw[name]
    data[ROW] = raw[ROW].astype(int)
    frame = pd.DataFrame(data, index=raw.index)
    frame = frame.set_index(key)
    frame.index = pd.Index([str(i) for i in frame.index], name=key, dtype=object)
    return frame


def _final_dtype(series: pd.Series, col: Column) -> pd.Series:
    if col.kind == "number":
        return pd.to_numeric(series, errors="coerce").astype("float64")
    if col.kind == "bool":
        return series.astype(bool)
    if col.kind == "integer" or _int_choices(col):
        return series.astype("int64")
    if col.kind == "ids":
        return pd.Series([tuple(v) if isinstance(v, tuple | list) else _ids(v) for v in series],
                         index=series.index, dtype=object)
    return series.astype(object)
