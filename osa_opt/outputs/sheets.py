"""The fixed sheets of ``portfolios.xlsx``: Summary, Projects, Portfolio k, the allocations
and Not funded. Each builds its table with pandas at once and hands it to
:func:`~osa_opt.outputs.tables.write_table`; :mod:`.workbook` decides which sheets a round
gets and in what order.

>>> projects_table(result)["outcome"].value_counts().to_dict()
{'funded': 29, 'ineligible': 5, 'unfunded': 4}
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from osa_opt.outputs.formats import MONEY_NOTE, NUMBER_INDENT_WIDTH, OUTCOMES
from osa_opt.outputs.longform import portfolio_table
from osa_opt.outputs.readme import SHEET_DESCRIPTIONS
from osa_opt.outputs.tables import (
    TablePlace,
    in_words,
    item_lines,
    sheet_name,
    text_width,
    write_cell,
    write_table,
)
from osa_opt.result import FRACTION_TOL
from osa_opt.text import code_label, fixed, fraction_change, humanize, share_text

if TYPE_CHECKING:
    from xlsxwriter.workbook import Workbook
    from xlsxwriter.worksheet import Worksheet

    from osa_opt.outputs.formats import Formats
    from osa_opt.result import Portfolio, Result

#: Allocation sheets: sheet name -> grouping column of ``Portfolio.allocation``.
ALLOCATIONS: dict[str, str] = {
    "By country": "country",
    "By tier": "priority_tier",
    "By field": "field",
    "By region": "region",
}
#: An allocation sheet with more groups than this is sorted by the funded cost of
#: portfolio 1 (largest first) instead of by name, so its chart can show the top groups.
SORT_BY_COST_ABOVE = 16
NOT_FUNDED_COLUMNS = ("project_id", "title", "country", "region", "priority_tier", "field",
                      "status", "status_reason", "eligible", "total_cost", "value", "reason")
#: Columns of the ``Projects`` sheet (``outcome`` is one of :data:`formats.OUTCOMES`).
PROJECTS_COLUMNS = ("project_id", "title", "country", "region", "priority_tier", "field",
                    "assistance_type", "status", "status_reason", "forced", "outcome", "fraction",
                    "total_cost", "funded_cost", "value", "funded_value", "reason", "overrides")
#: Summary columns of what a portfolio changes against portfolio 1 (lines of items).
CHANGE_COLUMNS = ("added", "dropped", "fraction_changes")
#: Data bar colour of funded fractions.
BAR_COLOUR = "#63BE7B"


class Sheets:
    """Adds worksheets and remembers, for the Read me sheet, what each one holds, and for
    the charts, where each table went."""

    def __init__(self, book: Workbook, fmt: Formats) -> None:
        self.book = book
        self.fmt = fmt
        self.described: list[tuple[str, str]] = []
        self.places: dict[str, TablePlace] = {}
        #: Every table cell cut to Excel's limit, in words (the Read me's row Cut text).
        self.cut: list[str] = []

    def add(self, wanted: str, description: str = "") -> Worksheet:
        sheet = self.book.add_worksheet(sheet_name(self.book, wanted))
        self.described.append((sheet.get_name(), description or SHEET_DESCRIPTIONS[wanted]))
        return sheet

    def table(self, sheet: Worksheet, table: pd.DataFrame, **options: Any) -> TablePlace:
        place = write_table(sheet, self.fmt, table, **options)
        self.places[place.sheet] = place
        self.cut += place.cut_cells()
        return place


# ---------------------------------------------------------------------- Summary
def summary_sheet(sheets: Sheets, result: Result, created: str) -> None:
    """The run's status, the budget, then one row per ranked portfolio."""
    fmt = sheets.fmt
    sheet = sheets.add("Summary")
    policy = result.problem.policy
    sheet.write_string(0, 0, f"osa-opt run: {result.problem.title}", fmt.title)
    sheet.write_string(1, 0, MONEY_NOTE, fmt.note)
    facts: list[tuple[str, Any]] = [
        ("status", code_label(result.status.value)),
        ("result", result.status_message),
        ("policy", policy.name),
        ("created (UTC)", created),
    ]
    facts += [(f"budget_{fy}", float(amount)) for fy, amount in policy.budget.items()]
    facts.append(("budget_total", policy.total_budget))
    for r, (label, value) in enumerate(facts, start=2):
        sheet.write_string(r, 0, humanize(label), fmt.label)
        # amounts end where the numbers of the table below end
        write_cell(sheet, r, 1, value, fmt.numbers[fmt.kind(label)]
                   if isinstance(value, int | float) else fmt.for_column(label))
    note = "" if result.portfolios else "No portfolio: " + result.status_message
    table = summary_table(result)
    widths = {0: max(len(humanize(label)) for label, _ in facts) + 2,
              # the budget amounts, padded, in the table's second column: sized by the
              # table's values alone, a total of ¥158,940m printed as ###
              1: max(len(f"{value:,.0f}") for _, value in facts
                     if isinstance(value, int | float)) + NUMBER_INDENT_WIDTH + 2}
    for name in CHANGE_COLUMNS:  # each line of ids on one line of its cell
        widths[table.columns.get_loc(name)] = math.ceil(max(
            (text_width(line) for ids in table[name] for line in ids.split("\n")),
            default=0)) + 2
    sheets.table(sheet, table, title="Ranked portfolios", note=note,
                 first_row=2 + len(facts) + 1, min_widths=widths)


def summary_table(result: Result) -> pd.DataFrame:
    """One row per ranked portfolio; what it changes against portfolio 1, as the terminal's
    ranked table does: the projects it adds and drops, and those it funds at another
    fraction ("P-29 100%→63%"), as lines of items
    (:func:`~osa_opt.outputs.tables.item_lines`), which no spreadsheet breaks inside one.

    >>> summary_table(result).loc[1, ["added", "dropped", "fraction_changes"]].tolist()
    ['P-13, P-33', 'P-14, P-32', '']
    """
    fiscal_years = result.problem.fiscal_years
    columns = ["rank", "value", "share_of_best",
               *[f"cost_{fy}" for fy in fiscal_years], "total_cost",
               *[f"left_{fy}" for fy in fiscal_years],
               "projects", "countries", *CHANGE_COLUMNS, "status", "gap"]
    rows = []
    for p in result.portfolios:
        row: dict[str, Any] = {"rank": p.rank, "value": p.objective,
                               "share_of_best": p.share_of_best, "total_cost": p.total_cost,
                               "projects": p.n_projects, "countries": p.n_countries,
                               "added": item_lines(p.added), "dropped": item_lines(p.dropped),
                               "fraction_changes": item_lines(
                                   [fraction_change(*c) for c in p.fraction_changes]),
                               "status": p.status.value, "gap": p.gap}
        row.update({f"cost_{fy}": float(c) for fy, c in p.cost_by_year.items()})
        row.update({f"left_{fy}": float(c) for fy, c in p.budget_left.items()})
        rows.append(row)
    return pd.DataFrame(rows, columns=columns)


# ---------------------------------------------------------------------- Projects
def projects_table(result: Result) -> pd.DataFrame:
    """Every project with its outcome in portfolio 1, in input order (sheet ``Projects``).

    ``outcome`` is ``funded``, ``partly funded``, ``unfunded`` (eligible, left out) or
    ``ineligible``; ``forced`` says how the projects sheet forces it (``in: status
    mandatory``, ``in: stage signed``, ``out: status excluded``; blank when it does not);
    ``fraction``, ``funded_cost`` and ``funded_value`` are 0 when not funded;
    ``total_cost`` and ``value`` are those of the whole project; ``reason`` says why it is
    not funded (blank when it is).

    >>> projects_table(result)["outcome"].value_counts()
    outcome
    funded        29
    ineligible     5
    unfunded       4
    Name: count, dtype: int64
    """
    problem = result.problem
    projects = problem.input_projects
    fractions = result.best.fractions if result.best is not None else {}
    eligible = problem.eligibility["eligible"].reindex(projects.index).to_numpy(dtype=bool)
    fraction = pd.Series(fractions, dtype=float).reindex(projects.index).fillna(0.0)
    share = fraction.to_numpy()
    outcome = np.select(
        [~eligible, share <= FRACTION_TOL, share >= 1 - FRACTION_TOL],
        ["ineligible", "unfunded", "funded"], default="partly funded").astype(object)
    table = pd.DataFrame({
        "project_id": projects.index,
        "title": projects["title"],
        "country": projects["country"],
        "region": problem.region,
        "priority_tier": problem.tier,
        "field": projects["field"],
        "assistance_type": projects["assistance_type"],
        "status": projects["status"],
        "status_reason": projects["status_reason"],
        # one out by the year of its cost says where that cost stands (total_cost is 0)
        "forced": [f"{f['forced']}: {f['by']}"
                   + (f" ({f['cost_elsewhere']})" if f.get("cost_elsewhere") else "")
                   if f else "" for f in map(problem.summary()["forced"].get, projects.index)],
        "outcome": outcome,
        "fraction": fraction,
        "total_cost": problem.total_cost,
        "funded_cost": problem.total_cost * fraction,
        "value": problem.value,
        "funded_value": problem.value * fraction,
        "reason": result.unfunded["reason"].reindex(projects.index),  # blank when funded
        # rules waived by an override, each with the override's written reason
        "overrides": ["; ".join(o) for o in problem.eligibility["overrides"]
                      .reindex(projects.index)],
    })
    return table.reset_index(drop=True).reindex(columns=PROJECTS_COLUMNS)


def projects_sheet(sheets: Sheets, result: Result) -> None:
    fmt = sheets.fmt
    sheet = sheets.add("Projects")
    where = "portfolio 1" if result.best is not None else "any portfolio (none exists)"
    place = sheets.table(
        sheet, projects_table(result), title=f"Every project and its outcome in {where}",
        note=MONEY_NOTE + " Rows are coloured by outcome (see Read me); total cost and value "
                          "are for the whole project, funded cost and funded value for the "
                          "funded fraction.")
    if place.n_rows == 0:
        return
    colour_rows(sheet, place, "outcome",
                [(f'"{in_words(o.name)}"', fmt.outcome[o.name]) for o in OUTCOMES])
    column = place.col("fraction")
    sheet.conditional_format(place.first_row, column, place.last_row, column, {
        "type": "data_bar", "bar_color": BAR_COLOUR, "bar_solid": True,
        "min_type": "num", "min_value": 0, "max_type": "num", "max_value": 1,
    })


def colour_rows(sheet: Worksheet, place: TablePlace, column: str,
                rules: list[tuple[str, Any]]) -> None:
    """Colour whole rows by the value of one column: ``rules`` pairs an Excel literal
    (``'"funded"'``, ``"FALSE"``) with a format. Formula conditional formats, so the colours
    follow the rows when an analyst sorts, filters or edits them."""
    from xlsxwriter.utility import xl_rowcol_to_cell

    anchor = xl_rowcol_to_cell(place.first_row, place.col(column), col_abs=True)
    for literal, cell_format in rules:
        sheet.conditional_format(place.first_row, 0, place.last_row, len(place.columns) - 1, {
            "type": "formula", "criteria": f"={anchor}={literal}", "format": cell_format,
        })


# ---------------------------------------------------------------------- Portfolio k
def portfolio_sheet(sheets: Sheets, portfolio: Portfolio) -> None:
    """The funded projects of one portfolio: fraction, cost per year, value."""
    table = portfolio_table(portfolio).drop(columns="rank")
    sheet = sheets.add(f"Portfolio {portfolio.rank}",
                       f"the {portfolio.n_projects:,} projects funded in portfolio "
                       f"{portfolio.rank}: funded fraction, cost per year, value")
    title = (f"Portfolio {portfolio.rank}: {portfolio.n_projects:,} funded projects, "
             f"value {fixed(portfolio.objective)} ({share_text(portfolio.share_of_best)} of the best)")
    sheets.table(sheet, table, title=title, note=MONEY_NOTE)


# ---------------------------------------------------------------------- allocations
def allocation_sheet(sheets: Sheets, result: Result, name: str, by: str) -> None:
    """Groups as rows, one column set per portfolio (0 where it funds nothing there)."""
    sheet = sheets.add(name)
    allocations = {p.rank: p.allocation(by) for p in result.portfolios}
    groups = sorted({g for a in allocations.values() for g in a.index}, key=str)
    by_cost = len(groups) > SORT_BY_COST_ABOVE and bool(allocations)
    if by_cost:  # the largest first (ties by name), so a chart can show the top ones
        first = allocations[min(allocations)]["total_cost"].reindex(groups, fill_value=0.0)
        groups = sorted(groups, key=lambda g: (-float(first[g]), str(g)))
    columns: dict[str, Any] = {by: groups}
    spans: list[tuple[str, int, int]] = []
    for rank, alloc in allocations.items():
        start = len(columns)
        aligned = alloc.reindex(groups, fill_value=0).infer_objects()
        for column in alloc.columns:
            columns[f"{column} #{rank}"] = aligned[column].to_numpy()
        spans.append((f"Portfolio {rank}", start, len(columns) - 1))
    label = name[3:]  # "By country" -> "country"
    order = (f" Rows: the {len(groups):,} groups, largest funded cost in portfolio 1 first."
             if by_cost else "")
    sheets.table(sheet, pd.DataFrame(columns), title=f"Allocation by {label}, per portfolio",
                 note=MONEY_NOTE + " Shares are of the total budget. Column '… #k' = "
                                   "portfolio k." + order,
                 groups=spans or None)


# ---------------------------------------------------------------------- Not funded
def not_funded_sheet(sheets: Sheets, result: Result) -> None:
    fmt = sheets.fmt
    problem = result.problem
    unfunded = result.unfunded.copy()
    ids = unfunded.index
    unfunded["region"] = problem.region.reindex(ids)
    unfunded["priority_tier"] = problem.tier.reindex(ids)
    unfunded["status"] = problem.input_projects["status"].reindex(ids)
    unfunded["status_reason"] = problem.input_projects["status_reason"].reindex(ids)
    table = unfunded.reset_index().reindex(columns=NOT_FUNDED_COLUMNS)
    what = "portfolio 1" if result.portfolios else "any portfolio (none exists)"
    sheet = sheets.add("Not funded")
    # with no row, a header alone printed and read as if rows were missing: say why
    note = (MONEY_NOTE + " Total cost and value are for the whole project. Ineligible rows "
                         "are red, eligible ones grey.") if len(table) else \
        "Every project is in portfolio 1: none is left out, so this table has no rows."
    place = sheets.table(sheet, table,
                         title=f"Projects not funded in {what}, with every reason", note=note)
    if place.n_rows:
        colour_rows(sheet, place, "eligible", [("FALSE", fmt.outcome["ineligible"]),
                                               ("TRUE", fmt.outcome["unfunded"])])
