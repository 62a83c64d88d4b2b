"""``portfolios.csv``: every funded project of every portfolio, one row each (long form).

The same per-portfolio table feeds the workbook's ``Portfolio k`` sheets, so the CSV and
the workbook cannot disagree.

>>> from osa_opt.outputs.longform import long_table
>>> long_table(result).groupby("rank")["total_cost"].sum()     # doctest: +SKIP
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from osa_opt.inputs.schema import COST_PREFIX, PROJECT_COLUMNS, ROW, SCORE_PREFIX
from osa_opt.text import csv_safe, is_missing

if TYPE_CHECKING:
    from osa_opt.inputs.problem import Problem
    from osa_opt.result import Portfolio, Result

#: Leading columns of a funded-projects table (the cost columns follow ``fraction``).
LEAD_COLUMNS = ("rank", "project_id", "title", "country", "region", "priority_tier", "field",
                "assistance_type", "status", "status_reason", "fraction")

#: Digits kept for money and value in the CSV (solver noise beyond this is meaningless).
CSV_DECIMALS = 6


def extra_columns(problem: Problem) -> list[str]:
    """Columns of the projects sheet that osa-opt does not use; passed through to outputs."""
    known = {c.name for c in PROJECT_COLUMNS} | {ROW}
    return [c for c in problem.projects.columns
            if c not in known and not str(c).startswith((COST_PREFIX, SCORE_PREFIX))]


def table_columns(problem: Problem) -> list[str]:
    """Column order of a funded-projects table for this problem."""
    costs = [f"{COST_PREFIX}{fy}" for fy in problem.fiscal_years]
    return [*LEAD_COLUMNS, *costs, "total_cost", "value", *extra_columns(problem)]


def portfolio_table(portfolio: Portfolio) -> pd.DataFrame:
    """The funded projects of one portfolio with every output column, in input order.

    >>> portfolio_table(result.portfolios[0]).columns[:4].tolist()   # doctest: +SKIP
    ['rank', 'project_id', 'title', 'country']
    """
    problem = portfolio.problem
    table = portfolio.projects.copy()
    ids = table.index
    table["status_reason"] = problem.projects.loc[ids, "status_reason"]
    for name in extra_columns(problem):
        table[name] = problem.projects.loc[ids, name]
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
    formula-like text prefixed with ``'``, money rounded to 6 decimals.

    >>> write_csv(result, Path("portfolios.csv"))     # doctest: +SKIP
    """
    table = long_table(result)
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(table.columns)
        for row in table.itertuples(index=False):
            writer.writerow([_csv_cell(v) for v in row])


def _csv_cell(value: object) -> object:
    if isinstance(value, list | tuple):
        return csv_safe("; ".join(map(str, value)))
    if is_missing(value):
        return ""
    if isinstance(value, float):
        rounded = round(value, CSV_DECIMALS)
        return int(rounded) if rounded.is_integer() else rounded
    return csv_safe(value)
