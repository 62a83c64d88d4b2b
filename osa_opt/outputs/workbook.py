"""``portfolios.xlsx``: the workbook a budget officer circulates.

Sheets, in order: ``Read me`` (what the workbook is, units, colours, every sheet),
``Summary``, ``Charts`` (native Excel charts), ``Projects`` (every project coloured by its
outcome in portfolio 1), one ``Portfolio k`` per ranked portfolio, ``By country``, ``By
tier``, ``By field``, ``By region``, ``Not funded``, ``Policy``, ``Diagnosis`` (when the
policy cannot be met) and one sheet per table of every analysis attached to the result.
Every table has bold headers, frozen header rows, an autofilter and number formats (money
in ¥ million as ``#,##0.0``, fractions and shares as percentages). Text is always written
as text, never as a formula, whatever it starts with.

>>> from osa_opt.outputs.workbook import write_workbook
>>> write_workbook(result, Path("portfolios.xlsx"))      # doctest: +SKIP
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from osa_opt.outputs.charts import FRONTIER_COLUMNS, add_charts
from osa_opt.outputs.formats import MONEY_FORMAT, MONEY_NOTE, OUTCOMES, Formats
from osa_opt.outputs.longform import portfolio_table
from osa_opt.outputs.readme import READ_ME, SHEET_DESCRIPTIONS, analysis_description, write_readme
from osa_opt.outputs.tables import TablePlace, flat, sheet_name, write_cell, write_table
from osa_opt.result import FRACTION_TOL

if TYPE_CHECKING:
    from xlsxwriter.workbook import Workbook
    from xlsxwriter.worksheet import Worksheet

    from osa_opt.result import Result

__all__ = ["ALLOCATIONS", "MONEY_FORMAT", "NOT_FUNDED_COLUMNS", "PROJECTS_COLUMNS", "Formats",
           "write_cell", "write_table", "write_workbook"]

#: Allocation sheets: sheet name -> grouping column of ``Portfolio.allocation``.
ALLOCATIONS: dict[str, str] = {
    "By country": "country",
    "By tier": "priority_tier",
    "By field": "field",
    "By region": "region",
}
NOT_FUNDED_COLUMNS = ("project_id", "title", "country", "region", "priority_tier", "field",
                      "status", "status_reason", "eligible", "total_cost", "value", "reason")
#: Columns of the ``Projects`` sheet (``outcome`` is one of :data:`formats.OUTCOMES`).
PROJECTS_COLUMNS = ("project_id", "title", "country", "region", "priority_tier", "field",
                    "assistance_type", "status", "status_reason", "outcome", "fraction",
                    "total_cost", "funded_cost", "value", "funded_value", "reason")
#: Data bar colour of funded fractions.
BAR_COLOUR = "#63BE7B"


class _Sheets:
    """Adds worksheets and remembers, for the Read me sheet, what each one holds."""

    def __init__(self, book: Workbook) -> None:
        self.book = book
        self.described: list[tuple[str, str]] = []
        self.places: dict[str, TablePlace] = {}

    def add(self, wanted: str, description: str = "") -> Worksheet:
        sheet = self.book.add_worksheet(sheet_name(self.book, wanted))
        self.described.append((sheet.get_name(), description or SHEET_DESCRIPTIONS[wanted]))
        return sheet

    def table(self, sheet: Worksheet, fmt: Formats, table: pd.DataFrame,
              **options: Any) -> TablePlace:
        place = write_table(sheet, fmt, table, **options)
        self.places[place.sheet] = place
        return place


def write_workbook(result: Result, path: Path, *, created: str = "") -> None:
    """Write every sheet of ``portfolios.xlsx`` for ``result`` to ``path``.

    Parameters
    ----------
    result : the Result to report.
    path : the file to write (normally inside a run's staging folder).
    created : the run's UTC time, shown on the Read me and Summary sheets.

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
    sheets = _Sheets(book)
    readme = sheets.add(READ_ME)
    analyses = _analysis_tables(result)
    _summary_sheet(sheets, fmt, result, created)
    if result.best is not None:
        sheets.table(sheets.add("Partners"), fmt, result.best.package_table(),
                     title=result.best.partners_line,
                     note=MONEY_NOTE + " A partner's row is its package; its items follow.")
    charts = None
    if result.portfolios or any(_is_frontier(t) for *_, t in analyses):
        charts = sheets.add("Charts")
    _projects_sheet(sheets, fmt, result)
    for portfolio in result.portfolios:
        table = portfolio_table(portfolio).drop(columns="rank")
        sheet = sheets.add(f"Portfolio {portfolio.rank}",
                           f"the {portfolio.n_projects} projects funded in portfolio "
                           f"{portfolio.rank}: funded fraction, cost per year, value")
        title = (f"Portfolio {portfolio.rank}: {portfolio.n_projects} funded projects, "
                 f"value {portfolio.objective:,.3f} ({portfolio.share_of_best:.1%} of the best)")
        sheets.table(sheet, fmt, table, title=title, note=MONEY_NOTE)
    for name, by in ALLOCATIONS.items():
        _allocation_sheet(sheets, fmt, result, name, by)
    _not_funded_sheet(sheets, fmt, result)
    glossary = pd.DataFrame(result.problem.policy.glossary(),
                            columns=["key", "value", "unit", "meaning"])
    sheets.table(sheets.add("Policy"), fmt, glossary, freeze_columns=1,
                 title=f"Policy as used: {result.problem.policy.name}",
                 note="Every key of the policy model, its value in this run, unit and meaning.")
    if result.diagnosis:
        sheets.table(sheets.add("Diagnosis"), fmt, pd.DataFrame(result.diagnosis),
                     title="Why the policy cannot be met")
    for name, table_name, table in analyses:
        title = name if table_name == name else f"{name}: {table_name}"
        sheet = sheets.add(table_name, analysis_description(name, table_name))
        sheets.table(sheet, fmt, table, title=title, note=MONEY_NOTE)
    if charts is not None:
        add_charts(book, charts, fmt, result, sheets.places)
    write_readme(readme, fmt, result, created, sheets.described)
    book.close()


def _analysis_tables(result: Result) -> list[tuple[str, str, pd.DataFrame]]:
    """(analysis name, table name, flat table) for every table of every analysis."""
    out = []
    for name, analysis in result.analyses.items():
        tables = analysis.tables() if hasattr(analysis, "tables") else {}
        out += [(str(name), str(table_name), flat(table)) for table_name, table in tables.items()]
    return out


def _is_frontier(table: pd.DataFrame) -> bool:
    return set(FRONTIER_COLUMNS) <= {str(c) for c in table.columns} and len(table) > 0


# ---------------------------------------------------------------------- sheets
def _summary_sheet(sheets: _Sheets, fmt: Formats, result: Result, created: str) -> None:
    sheet = sheets.add("Summary")
    policy = result.problem.policy
    sheet.write_string(0, 0, f"osa-opt run: {policy.name}", fmt.title)
    sheet.write_string(1, 0, MONEY_NOTE, fmt.note)
    facts: list[tuple[str, Any]] = [
        ("status", result.status.value),
        ("result", result.status_message),
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
    note = "" if result.portfolios else "No portfolio: " + result.status_message
    sheets.table(sheet, fmt, table, title="Ranked portfolios", note=note, first_row=start)
    sheet.set_column(0, 0, max(len(label) for label, _ in facts) + 2)  # labels above the table


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


def projects_table(result: Result) -> pd.DataFrame:
    """Every project with its outcome in portfolio 1, in input order (sheet ``Projects``).

    ``outcome`` is ``funded``, ``partly funded``, ``unfunded`` (eligible, left out) or
    ``ineligible``; ``fraction``, ``funded_cost`` and ``funded_value`` are 0 when not
    funded; ``total_cost`` and ``value`` are those of the whole project; ``reason`` says
    why it is not funded (blank when it is).

    >>> projects_table(result)["outcome"].value_counts()     # doctest: +SKIP
    """
    problem = result.problem
    projects = problem.projects
    fractions = result.best.fractions if result.best is not None else {}
    eligible = problem.eligibility["eligible"]
    reasons = result.unfunded["reason"]
    fraction = pd.Series(fractions, dtype=float).reindex(projects.index).fillna(0.0)
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
        "outcome": [_outcome(bool(eligible[p]), fraction[p]) for p in projects.index],
        "fraction": fraction,
        "total_cost": problem.total_cost,
        "funded_cost": problem.total_cost * fraction,
        "value": problem.value,
        "funded_value": problem.value * fraction,
        "reason": reasons.reindex(projects.index),  # blank when funded
    })
    return table.reset_index(drop=True).reindex(columns=PROJECTS_COLUMNS)


def _outcome(eligible: bool, fraction: float) -> str:
    if not eligible:
        return "ineligible"
    if fraction <= FRACTION_TOL:
        return "unfunded"
    return "funded" if fraction >= 1 - FRACTION_TOL else "partly funded"


def _projects_sheet(sheets: _Sheets, fmt: Formats, result: Result) -> None:
    sheet = sheets.add("Projects")
    table = projects_table(result)
    where = "portfolio 1" if result.best is not None else "any portfolio (none exists)"
    place = sheets.table(
        sheet, fmt, table, title=f"Every project and its outcome in {where}",
        note=MONEY_NOTE + " Rows are coloured by outcome (see Read me); total_cost and value "
                          "are for the whole project, funded_cost and funded_value for the "
                          "funded fraction.")
    if place.n_rows == 0:
        return
    _colour_rows(sheet, place, "outcome",
                 [(f'"{o.name}"', fmt.outcome[o.name]) for o in OUTCOMES])
    column = place.col("fraction")
    sheet.conditional_format(place.first_row, column, place.last_row, column, {
        "type": "data_bar", "bar_color": BAR_COLOUR, "bar_solid": True,
        "min_type": "num", "min_value": 0, "max_type": "num", "max_value": 1,
    })


def _colour_rows(sheet: Worksheet, place: TablePlace, column: str,
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


def _allocation_sheet(sheets: _Sheets, fmt: Formats, result: Result, name: str,
                      by: str) -> None:
    """Groups as rows, one column set per portfolio (0 where it funds nothing there)."""
    sheet = sheets.add(name)
    allocations = {p.rank: p.allocation(by) for p in result.portfolios}
    groups = sorted({g for a in allocations.values() for g in a.index}, key=str)
    table = pd.DataFrame({by: groups})
    spans: list[tuple[str, int, int]] = []
    for rank, alloc in allocations.items():
        first = len(table.columns)
        for column in alloc.columns:
            table[f"{column} #{rank}"] = alloc[column].reindex(groups).fillna(0).to_numpy()
        spans.append((f"Portfolio {rank}", first, len(table.columns) - 1))
    label = name[3:]  # "By country" -> "country"
    sheets.table(sheet, fmt, table, title=f"Allocation by {label}, per portfolio",
                 note=MONEY_NOTE + " Shares are of the total budget. Column '… #k' = "
                                   "portfolio k.",
                 groups=spans or None)


def _not_funded_sheet(sheets: _Sheets, fmt: Formats, result: Result) -> None:
    problem = result.problem
    unfunded = result.unfunded.copy()
    ids = unfunded.index
    unfunded["region"] = problem.region.reindex(ids)
    unfunded["priority_tier"] = problem.tier.reindex(ids)
    unfunded["status"] = problem.projects.loc[ids, "status"]
    unfunded["status_reason"] = problem.projects.loc[ids, "status_reason"]
    table = unfunded.reset_index().reindex(columns=NOT_FUNDED_COLUMNS)
    what = "portfolio 1" if result.portfolios else "any portfolio (none exists)"
    sheet = sheets.add("Not funded")
    place = sheets.table(sheet, fmt, table,
                         title=f"Projects not funded in {what}, with every reason",
                         note=MONEY_NOTE + " total_cost and value are for the whole project. "
                                           "Ineligible rows are red, eligible ones grey.")
    if place.n_rows:
        _colour_rows(sheet, place, "eligible", [("FALSE", fmt.outcome["ineligible"]),
                                                ("TRUE", fmt.outcome["unfunded"])])
