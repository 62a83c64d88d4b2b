"""``portfolios.csv``: every funded project of every portfolio, one row each (long form).

The same per-portfolio table feeds the workbook's ``Portfolio k`` sheets, so the CSV and
the workbook cannot disagree.

>>> from osa_opt.outputs.longform import long_table
>>> long_table(result).groupby("rank")["total_cost"].sum()
rank
1    17800.0
2    17800.0
3    17200.0
Name: total_cost, dtype: float64
"""

from __future__ import annotations

import csv
import math
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from osa_opt.inputs.schema import COST_PREFIX, PROJECT_COLUMNS, ROW, SCORE_PREFIX
from osa_opt.text import FORMULA_STARTS, csv_safe, is_missing, number

if TYPE_CHECKING:
    from osa_opt.inputs.problem import Problem
    from osa_opt.result import Portfolio, Result

#: Leading columns of a funded-projects table (the cost columns follow ``fraction``).
LEAD_COLUMNS = ("rank", "project_id", "title", "country", "region", "priority_tier", "field",
                "assistance_type", "status", "status_reason", "fraction")

#: Digits kept for money and value in the CSV (solver noise beyond this is meaningless).
CSV_DECIMALS = 6


#: The CSV's last column when the input is a shipped one (the example, a real round, an
#: edited copy of one): run.json's ``input_note``, which numbers are the public record's
#: and which illustrative, on every row, as a CSV travels without its run folder.
NOTE_COLUMN = "input_note"

#: Columns of a funded-projects table that osa-opt computes (from the countries sheet or the
#: solve: rank, region, priority_tier, fraction, total_cost, value), not read from a projects
#: column of the same name.
COMPUTED_COLUMNS = (frozenset({*LEAD_COLUMNS, "total_cost", "value", NOTE_COLUMN})
                    - {c.name for c in PROJECT_COLUMNS})

#: What a passed-through column named like a computed one is called in the outputs.
INPUT_SUFFIX = " (input)"


def extra_columns(problem: Problem) -> list[str]:
    """Columns of the projects sheet that osa-opt does not use; passed through to outputs."""
    known = {c.name for c in PROJECT_COLUMNS} | {ROW}
    return [c for c in problem.input_projects.columns
            if c not in known and not str(c).startswith((COST_PREFIX, SCORE_PREFIX))]


def output_name(column: str) -> str:
    """The name a passed-through column has in the outputs: its own, or, when osa-opt
    computes a column of that name (an analyst's own ``value`` or ``region`` beside the
    projects' value and the partner's region), ``"<name> (input)"``, so neither hides the
    other.

    >>> output_name("notes"), output_name("value")
    ('notes', 'value (input)')
    """
    return f"{column}{INPUT_SUFFIX}" if column in COMPUTED_COLUMNS else column


def table_columns(problem: Problem) -> list[str]:
    """Column order of a funded-projects table for this problem."""
    costs = [f"{COST_PREFIX}{fy}" for fy in problem.fiscal_years]
    return [*LEAD_COLUMNS, *costs, "total_cost", "value",
            *map(output_name, extra_columns(problem))]


def portfolio_table(portfolio: Portfolio) -> pd.DataFrame:
    """The funded projects of one portfolio with every output column, in input order.

    >>> portfolio_table(result.portfolios[0]).columns[:4].tolist()
    ['rank', 'project_id', 'title', 'country']
    """
    problem = portfolio.problem
    table = portfolio.projects.copy()
    ids = table.index
    table["status_reason"] = problem.input_projects.loc[ids, "status_reason"]
    for name in extra_columns(problem):
        table[output_name(name)] = problem.input_projects.loc[ids, name]
    table = table.reset_index()
    return table.reindex(columns=table_columns(problem))


def long_table(result: Result) -> pd.DataFrame:
    """Every (portfolio, funded project) pair, best portfolio first."""
    tables = [portfolio_table(p) for p in result.portfolios]
    if not tables:
        return pd.DataFrame(columns=table_columns(result.problem))
    return pd.concat(tables, ignore_index=True)


def write_csv(result: Result, path: Path) -> None:
    """Write ``portfolios.csv``: UTF-8 with a byte-order mark (so Excel reads ¥ and accents),
    formula-like text prefixed with ``'``, money rounded to 6 decimals, and a last column
    :data:`NOTE_COLUMN` when the input is a shipped one. Each column is
    prepared at once (:func:`csv_column`), then the rows go out in one call.

    >>> write_csv(result, Path("portfolios.csv"))     # doctest: +SKIP
    """
    table = long_table(result)
    note = result.problem.input_note
    if note:  # what the numbers are, on every row: a CSV is read without its run folder
        table[NOTE_COLUMN] = note
    columns = [csv_column(table.iloc[:, i]) for i in range(len(table.columns))]
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(table.columns)
        writer.writerows(zip(*columns, strict=True))


def csv_column(values: pd.Series) -> list[object]:
    """A column's CSV cells: numbers rounded to :data:`CSV_DECIMALS` (whole ones without
    ``.0``, none with an exponent), blanks for missing values, formula-like text behind a ``'``.

    >>> csv_column(pd.Series([2.0, 0.1234567, float("nan"), 0.00005]))
    [2, 0.123457, '', '0.00005']
    >>> csv_column(pd.Series(["=SUM(A1)", "Aurelia", None]))
    ["'=SUM(A1)", 'Aurelia', '']
    """
    dtype = values.dtype
    if pd.api.types.is_float_dtype(dtype):  # each distinct number once (costs repeat
        codes, distinct = pd.factorize(values)  # across portfolios); NaN: -1, the last
        cells = np.fromiter((_csv_number(v) for v in [*distinct.tolist(), math.nan]),
                            dtype=object, count=len(distinct) + 1)
        return cells[codes].tolist()
    if pd.api.types.is_integer_dtype(dtype) or pd.api.types.is_bool_dtype(dtype):
        return values.tolist()
    if pd.api.types.infer_dtype(values, skipna=True) in ("string", "empty"):
        text = values.where(values.notna(), "").astype(str)
        formula = text.str.startswith(FORMULA_STARTS).to_numpy(dtype=bool)
        return np.where(formula, "'" + text, text).tolist()
    return [_csv_cell(v) for v in values.tolist()]


def _csv_number(value: float) -> object:
    if value != value:  # NaN
        return ""
    rounded = round(value, CSV_DECIMALS)
    if rounded.is_integer():
        return int(rounded)
    # below 0.0001 str() writes an exponent ("5e-05"); bigger fractions and whole numbers none
    return rounded if abs(rounded) >= 1e-4 else number(rounded, None, grouped=False)


def _csv_cell(value: object) -> object:
    if isinstance(value, list | tuple):
        return csv_safe("; ".join(map(str, value)))
    if is_missing(value):
        return ""
    if isinstance(value, float):
        return _csv_number(value)
    return csv_safe(value)
