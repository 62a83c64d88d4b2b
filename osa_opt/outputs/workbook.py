"""``portfolios.xlsx``: the workbook a budget officer circulates.

Sheets: ``Summary``, one ``Portfolio k`` per ranked portfolio, ``By country``, ``By tier``,
``By field``, ``By region``, ``Not funded``, ``Policy``, ``Diagnosis`` (when the policy
cannot be met) and one sheet per table of every analysis attached to the result. Every
table has bold headers, frozen header rows, an autofilter and number formats (money in
¥ million as ``#,##0.0``, fractions and shares as percentages). Text is always written as
text, never as a formula, whatever it starts with.

>>> from osa_opt.outputs.workbook import write_workbook
>>> write_workbook(result, Path("portfolios.xlsx"))      # doctest: +SKIP
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from .longform import portfolio_table
from .safe import is_missing

if TYPE_CHECKING:
    from xlsxwriter.format import Format
    from xlsxwriter.workbook import Workbook
    from xlsxwriter.worksheet import Worksheet

    from ..result import Result

#: Allocation sheets: sheet name -> grouping column of ``Portfolio.allocation``.
ALLOCATIONS: dict[str, str] = {
    "By country": "country",
    "By tier": "priority_tier",
    "By field": "field",
    "By region": "region",
}
NOT_FUNDED_COLUMNS = ("project_id", "title", "country", "region", "priority_tier", "field",
                      "status", "status_reason", "eligible", "total_cost", "value", "reason")
MONEY_FORMAT = "#,##0.0"
MONEY_NOTE = "Money in ¥ million."
_MONEY_NAMES = {"total_cost", "budget", "requested", "cost", "budget_left", "left"}
_MONEY_PREFIXES = ("cost_", "left_", "budget_", "requested_", "total_cost")
_SHARE_NAMES = {"fraction", "share_of_budget", "share", "min_funding", "risk"}
_INVALID_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


@dataclass(frozen=True)
class Formats:
    """The workbook's cell formats, made once per workbook."""

    title: Format
    note: Format
    header: Format
    group: Format
    label: Format
    money: Format
    share: Format
    share_precise: Format
    value: Format
    integer: Format
    text: Format

    @classmethod
    def of(cls, book: Workbook) -> Formats:
        header = {"bold": True, "bg_color": "#DCE6F1", "bottom": 1, "text_wrap": True,
                  "valign": "top"}
        return cls(
            title=book.add_format({"bold": True, "font_size": 13}),
            note=book.add_format({"italic": True, "font_color": "#555555"}),
            header=book.add_format(header),
            group=book.add_format({**header, "align": "center"}),
            label=book.add_format({"bold": True}),
            money=book.add_format({"num_format": MONEY_FORMAT}),
            share=book.add_format({"num_format": "0%"}),
            share_precise=book.add_format({"num_format": "0.0%"}),
            value=book.add_format({"num_format": "#,##0.000"}),
            integer=book.add_format({"num_format": "0"}),
            text=book.add_format({}),
        )

    def for_column(self, name: str) -> Format:
        """The number format a column's name calls for (so later tables need no changes)."""
        base = re.sub(r" #\d+$", "", str(name))  # "total_cost #2" -> "total_cost"
        if base in _MONEY_NAMES or base.startswith(_MONEY_PREFIXES):
            return self.money
        if base in ("share_of_best", "gap") or base.startswith("share_of_best"):
            return self.share_precise
        if base in _SHARE_NAMES or base.startswith("share"):
            return self.share
        if base in ("value", "objective", "bound") or base.startswith("value"):
            return self.value
        return self.text


def write_workbook(result: Result, path: Path, *, created: str = "") -> None:
    """Write every sheet of ``portfolios.xlsx`` for ``result`` to ``path``.

    Parameters
    ----------
    result : the Result to report.
    path : the file to write (normally inside a run's staging folder).
    created : the run's UTC time, shown on the Summary sheet.

    Examples
    --------
    >>> write_workbook(result, Path("portfolios.xlsx"), created="2026-01-05T09:00:00Z")  # doctest: +SKIP
    """
    import xlsxwriter

    # Never turn text into formulas, links or numbers: inputs are data, not commands.
    book = xlsxwriter.Workbook(str(path), {
        "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False,
    })
    fmt = Formats.of(book)
    _summary_sheet(book, fmt, result, created)
    for portfolio in result.portfolios:
        table = portfolio_table(portfolio).drop(columns="rank")
        sheet = book.add_worksheet(f"Portfolio {portfolio.rank}")
        title = (f"Portfolio {portfolio.rank}: {portfolio.n_projects} funded projects, "
                 f"value {portfolio.objective:,.3f} ({portfolio.share_of_best:.1%} of the best)")
        write_table(sheet, fmt, table, title=title, note=MONEY_NOTE)
    for sheet_name, by in ALLOCATIONS.items():
        _allocation_sheet(book, fmt, result, sheet_name, by)
    _not_funded_sheet(book, fmt, result)
    glossary = pd.DataFrame(result.problem.policy.glossary(),
                            columns=["key", "value", "unit", "meaning"])
    write_table(book.add_worksheet("Policy"), fmt, glossary, freeze_columns=1,
                title=f"Policy as used: {result.problem.policy.name}",
                note="Every key of the policy model, its value in this run, unit and meaning.")
    if result.diagnosis:
        write_table(book.add_worksheet(_sheet_name(book, "Diagnosis")), fmt,
                    pd.DataFrame(result.diagnosis), title="Why the policy cannot be met")
    for name, analysis in result.analyses.items():
        tables = analysis.tables() if hasattr(analysis, "tables") else {}
        for table_name, table in tables.items():
            title = name if table_name == name else f"{name}: {table_name}"
            write_table(book.add_worksheet(_sheet_name(book, table_name)), fmt,
                        _flat(table), title=title, note=MONEY_NOTE)
    book.close()


# ---------------------------------------------------------------------- tables
def write_table(
    sheet: Worksheet,
    fmt: Formats,
    table: pd.DataFrame,
    *,
    title: str,
    note: str = "",
    first_row: int = 0,
    freeze_columns: int = 1,
    groups: list[tuple[str, int, int]] | None = None,
) -> int:
    """Write a titled table: bold header, formats by column, frozen header, autofilter.

    ``groups`` adds a merged header row above the column names: (label, first, last column).
    Returns the row after the table.

    >>> write_table(sheet, fmt, df, title="Portfolio 1")    # doctest: +SKIP
    """
    row = first_row
    sheet.write_string(row, 0, title, fmt.title)
    row += 1
    if note:
        sheet.write_string(row, 0, note, fmt.note)
        row += 1
    if groups:
        for label, first, last in groups:
            if last > first:
                sheet.merge_range(row, first, row, last, label, fmt.group)
            else:
                sheet.write_string(row, first, label, fmt.group)
        row += 1
    header_row = row
    columns = [str(c) for c in table.columns]
    for col, name in enumerate(columns):
        sheet.write_string(header_row, col, name, fmt.header)
    formats = [fmt.for_column(name) for name in columns]
    for r, values in enumerate(table.itertuples(index=False), start=header_row + 1):
        for col, value in enumerate(values):
            write_cell(sheet, r, col, value, formats[col])
    last_row = header_row + max(len(table), 1)
    if columns:
        sheet.autofilter(header_row, 0, last_row, len(columns) - 1)
    sheet.freeze_panes(header_row + 1, min(freeze_columns, len(columns)))
    _set_widths(sheet, table, columns)
    return header_row + len(table) + 1


def write_cell(sheet: Worksheet, row: int, col: int, value: Any, cell_format: Format) -> None:
    """One cell by type; text always via ``write_string`` (never a formula)."""
    if isinstance(value, list | tuple | set | frozenset):
        value = "; ".join(map(str, value))
    if is_missing(value):
        sheet.write_blank(row, col, None, cell_format)
    elif isinstance(value, bool) or type(value).__name__ == "bool_":
        sheet.write_boolean(row, col, bool(value))
    elif isinstance(value, int | float) or hasattr(value, "dtype"):
        try:
            sheet.write_number(row, col, float(value), cell_format)
        except (TypeError, ValueError):
            sheet.write_string(row, col, str(value))
    else:
        sheet.write_string(row, col, str(value))


def _set_widths(sheet: Worksheet, table: pd.DataFrame, columns: list[str]) -> None:
    """Widths from the longest of header and the first 200 values, within 8-60 characters."""
    sample = table.head(200)
    for col, name in enumerate(columns):
        lengths = [len(name)]
        for value in sample.iloc[:, col]:
            if isinstance(value, float):
                lengths.append(len(f"{value:,.1f}"))
            elif not is_missing(value):
                lengths.append(len(str(value)))
        sheet.set_column(col, col, min(max(max(lengths) + 2, 8), 60))


def _flat(table: pd.DataFrame) -> pd.DataFrame:
    """A table with a meaningful index moved into columns (analyses may index by id)."""
    if isinstance(table, pd.Series):
        table = table.to_frame()
    named = any(n is not None for n in table.index.names)
    if named or not isinstance(table.index, pd.RangeIndex):
        table = table.reset_index()
    if isinstance(table.columns, pd.MultiIndex):
        table.columns = [" ".join(str(p) for p in c if str(p)) for c in table.columns]
    return table


def _sheet_name(book: Workbook, wanted: str) -> str:
    """A valid, unused sheet name (31 characters at most, no []:*?/\\)."""
    base = _INVALID_SHEET_CHARS.sub("-", str(wanted)).strip("'") or "Sheet"
    base = base[:31]
    taken = {s.get_name().lower() for s in book.worksheets()}
    name, n = base, 2
    while name.lower() in taken:
        suffix = f" ({n})"
        name = base[:31 - len(suffix)] + suffix
        n += 1
    return name


# ---------------------------------------------------------------------- sheets
def _summary_sheet(book: Workbook, fmt: Formats, result: Result, created: str) -> None:
    from ..manifest import status_message

    sheet = book.add_worksheet("Summary")
    policy = result.problem.policy
    sheet.write_string(0, 0, f"osa-opt run: {policy.name}", fmt.title)
    sheet.write_string(1, 0, MONEY_NOTE, fmt.note)
    facts: list[tuple[str, Any]] = [
        ("status", result.status.value),
        ("result", status_message(result)),
        ("policy", policy.name),
        ("created (UTC)", created),
    ]
    facts += [(f"budget_{fy}", float(amount)) for fy, amount in policy.budget.items()]
    facts.append(("budget_total", policy.total_budget))
    for r, (label, value) in enumerate(facts, start=2):
        sheet.write_string(r, 0, label, fmt.label)
        write_cell(sheet, r, 1, value, fmt.for_column(label))
    start = 2 + len(facts) + 1
    table = _summary_table(result)
    note = "" if result.portfolios else "No portfolio: " + status_message(result)
    write_table(sheet, fmt, table, title="Ranked portfolios", note=note, first_row=start)


def _summary_table(result: Result) -> pd.DataFrame:
    fiscal_years = result.problem.fiscal_years
    columns = ["rank", "value", "share_of_best",
               *[f"cost_{fy}" for fy in fiscal_years], "total_cost",
               *[f"left_{fy}" for fy in fiscal_years],
               "projects", "countries", "added", "dropped", "status", "gap"]
    rows = []
    for p in result.portfolios:
        row: dict[str, Any] = {"rank": p.rank, "value": p.objective,
                               "share_of_best": p.share_of_best, "total_cost": p.total_cost,
                               "projects": p.n_projects, "countries": p.n_countries,
                               "added": ", ".join(p.added), "dropped": ", ".join(p.dropped),
                               "status": p.status.value, "gap": p.gap}
        row.update({f"cost_{fy}": float(c) for fy, c in p.cost_by_year.items()})
        row.update({f"left_{fy}": float(c) for fy, c in p.budget_left.items()})
        rows.append(row)
    return pd.DataFrame(rows, columns=columns)


def _allocation_sheet(book: Workbook, fmt: Formats, result: Result, sheet_name: str,
                      by: str) -> None:
    """Groups as rows, one column set per portfolio (0 where it funds nothing there)."""
    sheet = book.add_worksheet(sheet_name)
    allocations = {p.rank: p.allocation(by) for p in result.portfolios}
    groups = sorted({g for a in allocations.values() for g in a.index}, key=str)
    table = pd.DataFrame({by: groups})
    spans: list[tuple[str, int, int]] = []
    for rank, alloc in allocations.items():
        first = len(table.columns)
        for name in alloc.columns:
            table[f"{name} #{rank}"] = alloc[name].reindex(groups).fillna(0).to_numpy()
        spans.append((f"Portfolio {rank}", first, len(table.columns) - 1))
    label = sheet_name[3:]  # "By country" -> "country"
    write_table(sheet, fmt, table, title=f"Allocation by {label}, per portfolio",
                note=MONEY_NOTE + " Shares are of the total budget. Column '… #k' = portfolio k.",
                groups=spans or None)


def _not_funded_sheet(book: Workbook, fmt: Formats, result: Result) -> None:
    problem = result.problem
    unfunded = result.unfunded.copy()
    ids = unfunded.index
    unfunded["region"] = problem.region.reindex(ids)
    unfunded["priority_tier"] = problem.tier.reindex(ids)
    unfunded["status"] = problem.projects.loc[ids, "status"]
    unfunded["status_reason"] = problem.projects.loc[ids, "status_reason"]
    table = unfunded.reset_index().reindex(columns=NOT_FUNDED_COLUMNS)
    what = "portfolio 1" if result.portfolios else "any portfolio (none exists)"
    write_table(book.add_worksheet("Not funded"), fmt, table,
                title=f"Projects not funded in {what}, with every reason",
                note=MONEY_NOTE + " total_cost and value are for the whole project.")
