"""``portfolios.xlsx``: the workbook a budget officer circulates.

Sheets, in order: ``Read me`` (what the workbook is, units, colours, every sheet),
``Summary``, ``Charts`` (native Excel charts), ``Projects`` (every project coloured by its
outcome in portfolio 1), one ``Portfolio k`` per ranked portfolio, ``By country``, ``By
tier``, ``By field``, ``By region``, ``Not funded``, ``Policy``, ``Diagnosis`` (when the
policy cannot be met) and one sheet per table of every analysis attached to the result.
Every table has bold headers, frozen header rows, an autofilter and number formats (money
in ¥ million as ``#,##0``, a budget sweep's levels' with one decimal where they have one
(:meth:`~osa_opt.outputs.formats.Formats.money_as_shown`), fractions and shares as
percentages). Text is always written as text, never as a formula, whatever it starts with.

A round of more than :data:`FULL_TABLES_UP_TO` projects gets the funded projects of
portfolio 1 and the summaries only: ``Projects``, ``Not funded`` and ``Portfolio 2`` …
(one row per project each) are left out, and the Read me sheet says that every funded
project of every portfolio is in ``portfolios.csv``. Writing is linear in the cells
written, row by row in xlsxwriter's constant-memory mode (in memory up to
:data:`IN_MEMORY_UP_TO` projects).

>>> from osa_opt.outputs.workbook import write_workbook
>>> write_workbook(result, Path("portfolios.xlsx"))      # doctest: +SKIP
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from osa_opt.outputs import sheets as fixed
from osa_opt.outputs.charts import FRONTIER_COLUMNS, add_charts
from osa_opt.outputs.formats import MONEY_FORMAT, MONEY_NOTE, WORKBOOK_FONT, Formats
from osa_opt.outputs.readme import (
    LARGE_PARTNERS,
    READ_ME,
    analysis_description,
    analysis_sheet,
    write_readme,
)
from osa_opt.outputs.sheets import ALLOCATIONS, NOT_FUNDED_COLUMNS, PROJECTS_COLUMNS, Sheets
from osa_opt.outputs.tables import flat, write_cell, write_table
from osa_opt.result.facts import FULL_TABLES_UP_TO
from osa_opt.result.packages import has_units
from osa_opt.text import fraction_columns

if TYPE_CHECKING:
    from osa_opt.result import Result

__all__ = ["ALLOCATIONS", "FULL_TABLES_UP_TO", "MONEY_FORMAT", "NOT_FUNDED_COLUMNS",
           "PROJECTS_COLUMNS", "Formats", "is_large", "write_cell", "write_table",
           "write_workbook"]

#: Rounds of up to this many projects are assembled in memory (a few MB at most); larger
#: ones row by row in xlsxwriter's constant-memory mode.
IN_MEMORY_UP_TO = 1_000


def is_large(result: Result) -> bool:
    """Whether the round is too large for the per-project sheets (:data:`FULL_TABLES_UP_TO`)."""
    return len(result.problem.input_projects) > FULL_TABLES_UP_TO


def write_workbook(result: Result, path: Path, *, created: str = "",
                   scratch: Path | None = None) -> None:
    """Write every sheet of ``portfolios.xlsx`` for ``result`` to ``path``.

    Parameters
    ----------
    result : the Result to report.
    path : the file to write (normally inside a run's staging folder).
    created : the run's UTC time, shown on the Read me and Summary sheets.
    scratch : the folder of xlsxwriter's temporary files (each sheet's rows in
        constant-memory mode, until the workbook closes; the system's by default). A run
        gives its staging folder, so a writer killed or failing leaves none behind.

    Examples
    --------
    >>> write_workbook(result, Path("portfolios.xlsx"), created="2026-01-05T09:00:00Z")  # doctest: +SKIP
    """
    import xlsxwriter

    large = is_large(result)
    # Never turn text into formulas, links or numbers: inputs are data, not commands.
    # Large rounds in constant memory: each row goes to a temporary file once the next one
    # starts (rows in order). Small ones in memory: no temporary file per sheet to create
    # and delete, which costs more than writing a few thousand cells.
    in_memory = len(result.problem.input_projects) <= IN_MEMORY_UP_TO
    book = xlsxwriter.Workbook(str(path), {
        "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False,
        "constant_memory": not in_memory, "in_memory": in_memory,
        "tmpdir": None if scratch is None else str(scratch),
        # Arial: its metrics are the same everywhere (Liberation Sans, which LibreOffice
        # ships, matches it), so widths and print scales computed here hold on paper;
        # Calibri falls back to wider faces where it is missing and shrinks every page.
        "default_format_properties": {"font_name": WORKBOOK_FONT, "font_size": 10},
    })
    sheets = Sheets(book, Formats.of(book))
    readme = sheets.add(READ_ME)
    analyses = _analysis_tables(result)
    fixed.summary_sheet(sheets, result, created)
    if result.best is not None:
        # large: the items are the rows of Portfolio 1 (column country), not twice
        partners = result.best.package_table(items=not large)
        if not has_units(partners):  # no item counts whole units: no empty column
            partners = partners.drop(columns="units")
        note = MONEY_NOTE + " A partner's row is its package; its items follow."
        if large:
            note = (MONEY_NOTE + " One row per partner: its package. The items are the rows "
                    "of the sheet Portfolio 1 (filter its column Country).")
        sheets.table(sheets.add("Partners", LARGE_PARTNERS if large else ""), partners,
                     title=result.best.partners_line, note=note,
                     # a partner's package row stays on the page of its first item
                     keep_with_next=[] if large else
                     partners["project_id"].fillna("").eq("").tolist())
    charts = None
    if result.portfolios or any(_is_frontier(t) for *_, t in analyses):
        charts = sheets.add("Charts")
    if not large:
        fixed.projects_sheet(sheets, result)
    for portfolio in result.portfolios[:1] if large else result.portfolios:
        fixed.portfolio_sheet(sheets, portfolio)
    for name, by in ALLOCATIONS.items():
        fixed.allocation_sheet(sheets, result, name, by)
    if not large:
        fixed.not_funded_sheet(sheets, result)
    glossary = pd.DataFrame(result.problem.policy.glossary(),
                            columns=["key", "value", "unit", "meaning"])
    sheets.table(sheets.add("Policy"), glossary, freeze_columns=1,
                 title=f"Policy as used: {result.problem.policy.name}",
                 note="Every key of the policy model, its value in this run, unit and meaning.")
    if result.diagnosis:
        sheets.table(sheets.add("Diagnosis"), pd.DataFrame(result.diagnosis),
                     title="Why the policy cannot be met")
    noted: set[str] = set()
    by_name = {str(name): analysis for name, analysis in result.analyses.items()}
    for name, table_name, table in analyses:
        # the analysis's notes (the report lists them under its section) under its first table
        notes = [] if name in noted else analysis_notes(by_name[name])
        noted.add(name)
        wanted = analysis_sheet(table_name)
        # "Frontier: Funding levels", but "Inputs since last run", never "Since last run:
        # Inputs since last run": a table's title that names its analysis says it once
        own = analysis_sheet(name)
        title = wanted if own.lower() in wanted.lower() else f"{own}: {wanted}"
        sheet = sheets.add(wanted, analysis_description(name, table_name))
        sheets.table(sheet, table, title=title, note=MONEY_NOTE, notes=notes,
                     fractions=fraction_columns(table_name, table.columns))
    if charts is not None:
        add_charts(book, charts, sheets.fmt, result, sheets.places)
    write_readme(readme, sheets.fmt, result, created, sheets.described,
                 large=FULL_TABLES_UP_TO if large else None, cut=sheets.cut)
    book.close()


def _analysis_tables(result: Result) -> list[tuple[str, str, pd.DataFrame]]:
    """(analysis name, table name, flat table) for every table of every analysis."""
    out = []
    for name, analysis in result.analyses.items():
        tables = analysis.tables() if hasattr(analysis, "tables") else {}
        out += [(str(name), str(table_name), flat(table).rename(columns=SHEET_COLUMNS.get(
            str(table_name), {}))) for table_name, table in tables.items()]
    return out


def analysis_notes(analysis: object) -> list[str]:
    """An analysis's notes (``notes``: a slip of a mandatory project, a required partner
    left without a committed project, a target no number of reserves reaches), as the
    terminal, the report and run.json give them; none for an analysis without any."""
    notes = getattr(analysis, "notes", None)
    return [str(n) for n in notes] if isinstance(notes, list | tuple) else []


#: Columns renamed on one sheet, where a name means something else than on the others:
#: the funding order's ``level`` is the budget share where a project is first funded (a
#: percentage), while the Frontier and Funding levels sheets' ``level`` is the level's number.
SHEET_COLUMNS = {"funding_order": {"level": "first_funded_at"}}


def _is_frontier(table: pd.DataFrame) -> bool:
    return set(FRONTIER_COLUMNS) <= {str(c) for c in table.columns} and len(table) > 0
