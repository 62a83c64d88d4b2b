"""Validation of the input tables (docs/inputs.md): every problem at once, with sheet and Excel row.

Three passes, all collected before anything is raised:

1. **columns** — every required column is present (a misspelt header gets a "did you mean"),
   and the sheet has data rows;
2. **cells** — each cell is coerced to its column's type (a blank optional cell takes its
   default, an unreadable cell is reported at its row; :mod:`osa_opt.inputs.cells`), then
   ranges, choices and uniqueness, from the registry in :mod:`osa_opt.inputs.schema`
   (:mod:`osa_opt.inputs.sheet_schema`: a sheet that fails any is checked by its pandera
   schema, lazily, which words each failure);
3. **cross-sheet rules** (:func:`osa_opt.inputs.rules.cross_sheet_issues`, in one place) —
   unknown countries, dependencies, forced states that contradict each other or the
   eligibility rules, policy names the data lacks.

>>> from osa_opt.inputs.readers import read_tables
>>> from osa_opt.inputs.validation import validate_frames
>>> projects_raw, countries_raw, _ = read_tables("inputs/example.xlsx")      # raw cells
>>> projects, countries = validate_frames(projects_raw, countries_raw, problem.policy)
>>> projects.loc["P-04", "requires"], float(projects.loc["P-04", "cost_FY2026"])
(('P-02',), 500.0)
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from osa_opt.errors import InputError, Issue
from osa_opt.inputs.cells import blank_mask, int_choices
from osa_opt.inputs.coercion import coerce_sheet
from osa_opt.inputs.forcing_columns import forcing_column_issues
from osa_opt.inputs.headers import column_issues
from osa_opt.inputs.issue_list import Claimed, Places, limit_issues, sort_issues
from osa_opt.inputs.numbers import read_numbers
from osa_opt.inputs.other_years import other_year_columns
from osa_opt.inputs.policy import MAX_AMOUNT, Policy, policy_sheet
from osa_opt.inputs.rules import cross_sheet_issues
from osa_opt.inputs.schema import (
    COST_PREFIX,
    COUNTRIES,
    COUNTRY_COLUMNS,
    FIRST_DATA_ROW,
    KEYS,
    PROJECTS,
    ROW,
    Column,
    project_columns,
)
from osa_opt.inputs.sheet_schema import schema_issues
from osa_opt.inputs.suspect_cells import (
    missing_mark_issues,
    stray_row_issues,
    suspect_cell_issues,
    totals_row_issues,
)
from osa_opt.text import number


def validate_frames(
    projects_raw: pd.DataFrame, countries_raw: pd.DataFrame, policy: Policy,
    read_cells: Claimed | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Check and type the raw ``projects`` and ``countries`` tables against a policy.

    Parameters
    ----------
    projects_raw, countries_raw : DataFrame
        One row per sheet row, cells as read (text, numbers, bools or blanks). A ``_row``
        column gives each row's Excel row number; without it rows are numbered from 2.
    policy : Policy
        Names the ``cost_<FY>`` and ``score_<criterion>`` columns that must exist.
    read_cells : Claimed, optional
        Problems of cells the reader found (a number that could be read two ways, a date
        in a number column), listed with the others; their cells are named by them alone.

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
        Listing every problem found (sheet, Excel row, column, value, rule, hint): for a
        table without a ``_row`` column (a DataFrame built in Python) the row is named by
        its project id or country and index label instead of an Excel row. Each rule lists
        its first :data:`~osa_opt.inputs.issue_list.MAX_PER_RULE` problems, then "and K more".

    Examples
    --------
    >>> from osa_opt.inputs.readers import read_tables
    >>> projects_raw, countries_raw, _ = read_tables("inputs/example.xlsx")
    >>> projects, countries = validate_frames(projects_raw, countries_raw, problem.policy)
    >>> projects.loc["P-01", "requires"], int(countries.loc["Aurelia", "priority_tier"])
    ((), 1)
    """
    issues: list[Issue] = []
    p_columns = project_columns(policy.fiscal_years, policy.criteria)
    projects, p_places = _prepare(projects_raw, PROJECTS, issues)
    countries, c_places = _prepare(countries_raw, COUNTRIES, issues)
    # a program's mark for an empty cell (R's NA): one problem, its cells then empty
    issues += (missing_mark_issues(PROJECTS, projects, p_columns)
               + missing_mark_issues(COUNTRIES, countries, COUNTRY_COLUMNS))
    # tables built in code: "1.100" is 1.1 to Python but 1100 to a German spreadsheet
    read_numbers({PROJECTS: projects, COUNTRIES: countries}, issues)
    if not policy.budget:
        issues.append(Issue(policy_sheet(policy), None, "budget", None,
                            "the policy has no budget",
                            "add a [budget] table with one amount per fiscal year in ¥ million, "
                            "e.g. [budget] FY2026 = 18100"))
    suspects = (suspect_cell_issues(PROJECTS, projects, p_columns)
                + suspect_cell_issues(COUNTRIES, countries, COUNTRY_COLUMNS))
    p_typed = _check_sheet(PROJECTS, projects, p_columns, policy, p_places, issues)
    c_typed = _check_sheet(COUNTRIES, countries, COUNTRY_COLUMNS, policy, c_places, issues)
    later = [c for c in other_year_columns(list(projects.columns), policy.fiscal_years)
             if c not in p_typed.columns]
    issues += cross_sheet_issues(p_typed, c_typed, policy, {PROJECTS: p_places.rows_text,
                                                             COUNTRIES: c_places.rows_text},
                                 projects[later].reindex(p_typed.index) if later else None)
    # a suspect cell is named once, as suspect, not also as what it reads as; so is a cell
    # the reader found wrong (a date in a cost column, not also "must be a number")
    issues = Claimed(suspects).first(issues)
    if read_cells is not None:
        issues = read_cells.first(issues)
    totals = totals_row_issues(PROJECTS, projects) + totals_row_issues(COUNTRIES, countries)
    named = {(i.sheet, i.row) for i in totals}  # a row of few cells, none naming the row
    totals += [i for i in stray_row_issues(PROJECTS, projects)
               + stray_row_issues(COUNTRIES, countries) if (i.sheet, i.row) not in named]
    if totals:  # a sum row typed below the table: one problem, not each of its blank cells
        rows = {(i.sheet, i.row) for i in totals}
        issues = totals + [i for i in issues if (i.sheet, i.row) not in rows]
    if issues:
        listed = limit_issues(sort_issues(issues))  # then located: only the listed ones
        raise InputError([c_places.locate(p_places.locate(i)) for i in listed])
    return (_finish(projects, p_typed, p_columns, KEYS[PROJECTS]),
            _finish(countries, c_typed, COUNTRY_COLUMNS, KEYS[COUNTRIES]))


# ---------------------------------------------------------------------- preparing
def _prepare(raw: pd.DataFrame, sheet: str, issues: list[Issue]) -> tuple[pd.DataFrame, Places]:
    """A copy with stripped headers, a ``_row`` column, no blank rows and a RangeIndex, and
    how its issues name a row: Excel rows when ``raw`` brings them (a ``_row`` column, as
    the readers give), else the project id or country and the index label."""
    if not isinstance(raw, pd.DataFrame):
        issues.append(Issue(sheet, None, None, type(raw).__name__,
                            "the table is not a pandas DataFrame",
                            f"pass the {sheet} sheet as a DataFrame, one row per sheet row, "
                            "e.g. pd.read_excel(path, sheet_name=...)"))
        return pd.DataFrame({ROW: pd.Series(dtype=int)}), Places(sheet)
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
    places = Places(sheet) if ROW in frame.columns else Places(sheet, raw)
    if ROW not in frame.columns:  # row r is position r - 2: Places finds its index label
        frame[ROW] = np.arange(FIRST_DATA_ROW, FIRST_DATA_ROW + len(frame))
    frame[ROW] = frame[ROW].astype(int)
    if len(frame) and len(frame.columns) > 1:
        blank = np.ones(len(frame), dtype=bool)
        for name in frame.columns.drop(ROW):
            rows = np.flatnonzero(blank)
            if not len(rows):
                break
            blank[rows] = blank_mask(frame[name].iloc[rows])
        frame = frame.loc[~blank]
    return frame.reset_index(drop=True), places


def _row_numbers(rows: pd.Series) -> bool:
    """True when every cell is a whole number >= 1 that fits an int64."""
    numbers = pd.to_numeric(rows, errors="coerce")
    if pd.api.types.is_bool_dtype(rows.dtype) or numbers.isna().any():
        return False
    values = numbers.to_numpy(dtype=float)
    return bool(((values >= 1) & (values < 2**53) & (values == np.floor(values))).all())


# ---------------------------------------------------------------------- one sheet
def _check_sheet(sheet: str, raw: pd.DataFrame, columns: tuple[Column, ...], policy: Policy,
                 places: Places, issues: list[Issue]) -> pd.DataFrame:
    """Column, cell and schema checks of one sheet; returns its typed registry columns."""
    present = [c for c in raw.columns if c != ROW]
    unit = "project" if sheet == PROJECTS else "country"
    if not present and raw.empty:
        heads = ", ".join(c.name for c in columns[:3])
        issues.append(Issue(sheet, None, None, None, "the sheet is empty",
                            f"put the column headers ({heads}, ...) in row 1 and one {unit} per "
                            "row below; `osa-opt template` writes a workbook to start from"))
        return pd.DataFrame({ROW: pd.Series(dtype=int)})
    issues += column_issues(sheet, present, columns, policy)
    issues += forcing_column_issues(sheet, raw)
    if raw.empty:
        issues.append(Issue(sheet, None, None, None, "the sheet has no data rows",
                            f"add one row per {unit} below the header row"))
    typed = coerce_sheet(sheet, raw, columns, issues)
    issues += schema_issues(sheet, raw, typed, columns, places)
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
                                f"a cost above {number(MAX_AMOUNT)} ¥ million (¥1,000 trillion) "
                                "cannot be right",
                                "costs are in ¥ million (750 means ¥750 million): check the "
                                "digits, and that the amount is not in yen"))
    return issues


# ---------------------------------------------------------------------- output
def _finish(raw: pd.DataFrame, typed: pd.DataFrame, columns: tuple[Column, ...],
            key: str) -> pd.DataFrame:
    """Final typed frame: registry columns (defaults for absent ones), extras, ``_row``;
    indexed by ``key`` (as text). Its columns are not copied into one block here: the
    Problem locks each column in its own array anyway."""
    n = len(raw)
    data: dict[str, Any] = {}
    for col in columns:
        if col.name in typed.columns:
            series = typed[col.name]
        elif col.kind == "ids":
            empty = np.empty(n, dtype=object)
            empty.fill(())
            series = pd.Series(empty, index=raw.index, dtype=object)
        else:
            series = pd.Series(np.full(n, col.default, dtype=object), index=raw.index,
                               dtype=object)
        data[col.name] = _final_dtype(series, col)
    for name in raw.columns:
        if name not in data and name != ROW:
            data[name] = raw[name]
    data[ROW] = raw[ROW].astype(int)
    keys = data.pop(key)
    frame = pd.DataFrame(data, index=raw.index, copy=False)
    frame.index = pd.Index(pd.Index(keys.to_numpy(dtype=object)).astype(str), name=key,
                           dtype=object)
    return frame


def _final_dtype(series: pd.Series, col: Column) -> pd.Series:
    if col.kind == "number":
        return pd.to_numeric(series, errors="coerce").astype("float64")
    if col.kind == "bool" and col.default is None and not col.required:
        # blank means "not given" (prior_consent: the country's value), not false
        blank = blank_mask(series)
        flags = np.full(len(series), None, dtype=object)
        flags[~blank] = [bool(v) for v in series.to_numpy(dtype=object)[~blank]]
        return pd.Series(flags, index=series.index, dtype=object)
    if col.kind == "bool":
        return series.astype(bool)
    if col.kind == "integer" or int_choices(col):
        return series.astype("int64")
    return series.astype(object)  # text, choices and id lists (tuples since coercion)
