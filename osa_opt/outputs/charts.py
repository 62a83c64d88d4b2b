"""Native Excel charts of ``portfolios.xlsx``, all on the ``Charts`` sheet.

Each chart plots cells of a table elsewhere in the workbook (never a copy of the numbers),
so an analyst who edits a table sees the chart follow (the values are also cached in the
chart, as spreadsheets expect, from the table written: xlsxwriter cannot read them back in
constant-memory mode):

- allocation by country and by region: columns of ``total_cost #k`` per group,
  one series per portfolio (the best :data:`MAX_PORTFOLIOS_CHARTED`), from ``By country``
  and ``By region``; of more than 16 groups (then sorted by funded cost) the first
  :data:`MAX_GROUPS_CHARTED`;
- budget use per fiscal year: stacked columns of ``cost_<FY>`` (used) and ``left_<FY>``
  per portfolio, from ``Summary``;
- the efficient frontier, when an analysis table has ``budget_share``, ``value`` and
  ``greedy_value`` (``osa-opt frontier``): exact and greedy value against the budget share.

>>> n = add_charts(book, sheet, fmt, result, places)       # doctest: +SKIP
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING

from osa_opt.outputs.formats import MONEY_NOTE
from osa_opt.outputs.sheets import SORT_BY_COST_ABOVE
from osa_opt.outputs.tables import PAPER_A4
from osa_opt.text import NO_BREAK

#: The unit a chart's title ends in, one piece: a title wrapped to two lines broke it into
#: "(¥" | "million)" in LibreOffice (the terminal's titles keep it whole likewise).
UNIT = f"(¥{NO_BREAK}million)"

if TYPE_CHECKING:
    from xlsxwriter.chart import Chart
    from xlsxwriter.workbook import Workbook
    from xlsxwriter.worksheet import Worksheet

    from osa_opt.outputs.formats import Formats
    from osa_opt.outputs.tables import TablePlace
    from osa_opt.result import Result

#: Portfolios drawn side by side in an allocation chart (more would crowd the bars).
MAX_PORTFOLIOS_CHARTED = 3
#: Groups drawn in an allocation chart of a sheet sorted by funded cost (more than 16).
MAX_GROUPS_CHARTED = 15
#: Sheets whose allocation tables get a chart, and the word for their groups.
ALLOCATION_CHARTS: dict[str, str] = {"By country": "country", "By region": "region"}
#: Columns an analysis table needs for the frontier chart.
FRONTIER_COLUMNS = ("budget_share", "value", "greedy_value")
#: Columns an analysis table needs for the execution chart (``osa-opt execution``).
EXECUTION_COLUMNS = ("reserves", "expected_execution", "p_below_target")
BUDGET_CHARTS_PER_ROW = 2  # fiscal years side by side
WIDE = 760       # pixels: one chart across the sheet
NARROW = 480     # pixels: charts shown side by side
HEIGHT = 320
TALL = 400       # pixels: an allocation, frontier or execution chart (under a page's height)
SLANT_ABOVE = 8  # groups: more than this many names are slanted under the columns
ROW_PIXELS = 20  # Excel's default row height
SERIES_COLOURS = ("#1F4E79", "#5B9BD5", "#A9D18E", "#F4B183", "#FFD966")
USED_COLOUR, LEFT_COLOUR = "#1F4E79", "#D9D9D9"


def chart_rows(book: Workbook, result: Result,
               places: Mapping[str, TablePlace]) -> list[list[Chart]]:
    """Every chart the workbook's tables support, grouped in rows of the ``Charts`` sheet.

    ``places`` maps sheet names (``Summary``, ``By country`` …, analysis sheets) to where
    their table was written.
    """
    rows: list[list[Chart]] = []
    ranks = [p.rank for p in result.portfolios][:MAX_PORTFOLIOS_CHARTED]
    for sheet, label in ALLOCATION_CHARTS.items():
        place = places.get(sheet)
        if place is not None and ranks and place.n_rows:
            rows.append([allocation_chart(book, place, label, ranks,
                                          of=len(result.portfolios))])
    summary = places.get("Summary")
    if summary is not None and summary.n_rows:
        budgets = [budget_chart(book, summary, fy) for fy in result.problem.fiscal_years]
        rows += [budgets[i:i + BUDGET_CHARTS_PER_ROW]
                 for i in range(0, len(budgets), BUDGET_CHARTS_PER_ROW)]
    for place in places.values():
        if place.has(*FRONTIER_COLUMNS) and place.n_rows:
            rows.append([frontier_chart(book, place)])
        if place.has(*EXECUTION_COLUMNS) and place.n_rows:
            rows.append([execution_chart(book, place)])
    return rows


def add_charts(book: Workbook, sheet: Worksheet, fmt: Formats, result: Result,
               places: Mapping[str, TablePlace]) -> int:
    """Draw every chart on ``sheet``, one row of charts under the other; return how many.

    >>> add_charts(book, book.get_worksheet_by_name("Charts"), fmt, result, places)  # doctest: +SKIP
    4
    """
    rows = chart_rows(book, result, places)
    sheet.write_string(0, 0, "Charts", fmt.title)
    if not rows:
        sheet.write_string(1, 0, "Nothing to chart: no portfolio was found.", fmt.note)
        return 0
    sources = sorted({p.sheet for p in places.values()}
                     & ({"Summary", *ALLOCATION_CHARTS} | _frontier_sheets(places)))
    sheet.write_string(1, 0, f"{MONEY_NOTE} Each chart plots the cells of a table in this "
                       f"workbook (sheets {', '.join(sources)}): edit the table and the chart "
                       "follows.", fmt.note)
    row = 3
    breaks = []
    for charts in rows:
        if row > 3:
            breaks.append(row - 1)  # printed, each row of charts starts a page, a blank
            # row above it (a chart starting right at a break drew its top edge on the page
            # before)
        x = 0
        for chart in charts:
            sheet.insert_chart(row, 0, chart, {"x_offset": x, "y_offset": 0,
                                               "object_position": 3})
            x += chart.width + 16
        height = max(chart.height for chart in charts)
        row += math.ceil(height / ROW_PIXELS) + 2
    sheet.set_h_pagebreaks(breaks)
    sheet.set_landscape()
    sheet.set_paper(PAPER_A4)
    sheet.fit_to_pages(1, 0)
    return sum(len(charts) for charts in rows)


def allocation_chart(book: Workbook, place: TablePlace, label: str,
                     ranks: list[int], of: int | None = None) -> Chart:
    """Funded cost per group (rows of an allocation sheet), one column series per
    portfolio; the title says which portfolios (of how many) it shows.

    Columns, not horizontal bars: spreadsheets list a bar chart's legend bottom-up
    (LibreOffice read "Portfolio 3 · 2 · 1"), a column chart's in series order, and a
    column chart keeps one height however many groups it shows, so it fits a printed page.
    """
    chart = book.add_chart({"type": "column"})
    group = place.columns[0]
    shown = MAX_GROUPS_CHARTED if place.n_rows > SORT_BY_COST_ABOVE else place.n_rows
    for i, rank in enumerate(ranks):
        chart.add_series({
            "name": f"Portfolio {rank}",
            "categories": place.column_range(group, shown),
            "values": place.column_range(f"total_cost #{rank}", shown),
            "categories_data": place.values(group, shown),
            "values_data": place.values(f"total_cost #{rank}", shown),
            "fill": {"color": SERIES_COLOURS[i % len(SERIES_COLOURS)]},
            "gap": 60,
        })
    top = (f" (the {shown} largest of {place.n_rows:,})" if shown < place.n_rows else "")
    chart.set_title({"name": f"Allocation by {label}{top}: {portfolios_shown(ranks, of)}, "
                             f"all fiscal years {UNIT}", "name_font": {"size": 12}})
    # many groups: names at a slant so none is dropped for lack of room
    chart.set_x_axis({"num_font": {"rotation": -45}} if shown > SLANT_ABOVE else {})
    chart.set_y_axis({"name": "¥ million", "num_format": "#,##0", "min": 0,
                      "major_gridlines": {"visible": True, "line": {"color": "#E0E0E0"}}})
    chart.set_legend({"position": "bottom"})
    chart.set_size({"width": WIDE, "height": TALL})
    return chart


def portfolios_shown(ranks: list[int], of: int | None = None) -> str:
    """Which portfolios a chart draws, out of how many were ranked.

    >>> portfolios_shown([1, 2, 3], of=5), portfolios_shown([1]), portfolios_shown([])
    ('portfolios 1–3 of 5', 'portfolio 1', 'no portfolio')
    """
    if not ranks:
        return "no portfolio"
    total = of if of is not None else len(ranks)
    which = (f"portfolio {ranks[0]}" if len(ranks) == 1 else
             f"portfolios {ranks[0]}–{ranks[-1]}")
    return which + (f" of {total}" if total > len(ranks) else "")


def budget_chart(book: Workbook, summary: TablePlace, fiscal_year: str) -> Chart:
    """Budget of one fiscal year, used and left, stacked per portfolio (from ``Summary``)."""
    chart = book.add_chart({"type": "column", "subtype": "stacked"})
    for name, column, colour in (("used", f"cost_{fiscal_year}", USED_COLOUR),
                                 ("left", f"left_{fiscal_year}", LEFT_COLOUR)):
        chart.add_series({
            "name": name,
            "categories": summary.column_range("rank"),
            "values": summary.column_range(column),
            "categories_data": summary.values("rank"),
            "values_data": summary.values(column),
            "fill": {"color": colour},
            "border": {"color": "#7F7F7F"},
            "gap": 50,
        })
    ranks = summary.values("rank") or []
    chart.set_title({"name": f"Budget use {fiscal_year}: {portfolios_shown(ranks)} {UNIT}",
                     "name_font": {"size": 12}})
    chart.set_x_axis({"name": "portfolio (rank)"})
    chart.set_y_axis({"name": "¥ million", "num_format": "#,##0", "min": 0,
                      "major_gridlines": {"visible": True, "line": {"color": "#E0E0E0"}}})
    chart.set_legend({"position": "bottom"})
    chart.set_size({"width": NARROW, "height": HEIGHT})
    return chart


def frontier_chart(book: Workbook, place: TablePlace) -> Chart:
    """Exact optimum and greedy value against the budget share (levels that cannot be met
    are blank cells, so the exact line has a gap there)."""
    chart = _two_lines(book, place, "budget_share", ("exact optimum", "value"),
                       ("greedy by value/cost", "greedy_value"))
    chart.set_title({"name": "Efficient frontier: value by budget", "name_font": {"size": 12}})
    chart.set_x_axis({"name": "budget (share of the policy budget)", "num_format": "0%",
                      "major_gridlines": {"visible": True, "line": {"color": "#E0E0E0"}}})
    chart.set_y_axis({"name": "value", "num_format": "#,##0",
                      "major_gridlines": {"visible": True, "line": {"color": "#E0E0E0"}}})
    chart.set_legend({"position": "bottom"})
    chart.show_blanks_as("gap")
    chart.set_size({"width": WIDE, "height": TALL})
    return chart


def execution_chart(book: Workbook, place: TablePlace) -> Chart:
    """Expected execution and the chance of falling short of the target, by reserves."""
    chart = _two_lines(book, place, "reserves", ("expected execution", "expected_execution"),
                       ("probability of executing less than the target", "p_below_target"))
    chart.set_title({"name": "Execution of portfolio 1 against reserves", "name_font": {"size": 12}})
    chart.set_x_axis({"name": "reserves signed if needed", "num_format": "0",
                      "major_gridlines": {"visible": True, "line": {"color": "#E0E0E0"}}})
    chart.set_y_axis({"name": "share", "num_format": "0%", "min": 0, "max": 1,
                      "major_gridlines": {"visible": True, "line": {"color": "#E0E0E0"}}})
    chart.set_legend({"position": "bottom"})
    chart.set_size({"width": WIDE, "height": TALL})
    return chart


def _two_lines(book: Workbook, place: TablePlace, x: str, solid: tuple[str, str],
               dashed: tuple[str, str]) -> Chart:
    """A scatter chart of two lines with markers against column ``x`` of ``place``: the
    (name, column) ``solid`` in dark blue, ``dashed`` in orange (the frontier's and the
    execution chart's)."""
    chart = book.add_chart({"type": "scatter", "subtype": "straight_with_markers"})
    for (name, column), colour, dash in ((solid, "#1F4E79", "solid"),
                                         (dashed, "#C55A11", "dash")):
        chart.add_series({
            "name": name,
            "categories": place.column_range(x),
            "values": place.column_range(column),
            "categories_data": place.values(x),
            "values_data": place.values(column),
            "line": {"color": colour, "width": 2.25, "dash_type": dash},
            "marker": {"type": "circle", "size": 6, "fill": {"color": colour},
                       "border": {"color": colour}},
        })
    return chart


def _frontier_sheets(places: Mapping[str, TablePlace]) -> set[str]:
    return {p.sheet for p in places.values()
            if p.has(*FRONTIER_COLUMNS) or p.has(*EXECUTION_COLUMNS)}
