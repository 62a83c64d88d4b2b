"""The ``Read me`` sheet: the first thing a reader of ``portfolios.xlsx`` sees.

It says what the workbook is, the run's status in one sentence (with the run's notes and
the input's warnings, one row each), the units, how the
outcome colours read, where the policy is, and lists every sheet with one line on what it
holds. It is written last (it lists sheets made after it) but placed first.

>>> write_readme(sheet, fmt, result, created, sheets)       # doctest: +SKIP
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from osa_opt.outputs.formats import OUTCOMES
from osa_opt.outputs.tables import (
    MAX_ROW_POINTS,
    PAPER_A4,
    ROW_POINTS,
    excel_text,
    in_words,
    text_lines,
    text_width,
    write_text,
)
from osa_opt.text import counted, title

if TYPE_CHECKING:
    from xlsxwriter.worksheet import Worksheet

    from osa_opt.outputs.formats import Formats
    from osa_opt.result import Result

READ_ME = "Read me"
#: Width of the text column, in characters; long texts wrap within it.
TEXT_WIDTH = 110
#: Width of the label column (facts, outcomes, sheet names), at least; wider for a longer
#: label, which the text beside it would otherwise cut ("Comparison by projec").
LABEL_WIDTH = 18
#: How much wider than :func:`text_width` a bold label prints.
BOLD = 1.1

UNITS = ("Money is in ¥ million (shown as #,##0, whole millions; the amounts of a budget "
         "sweep's levels, on the Frontier and Funding levels sheets, with one decimal where "
         "they have one: 6,787.5). Fraction is the funded "
         "share of a project's cost; Share of budget is a share of the total budget over all "
         "fiscal years; Value is the policy's score, not money (the next row).")
POLICY = ("The policy as used in this run (every key, its value, unit and meaning) is on the "
          "Policy sheet. policy.toml next to this workbook holds the same policy: "
          "osa-opt solve INPUT --policy policy.toml repeats the run. run.json records the "
          "checksums of the input files, the versions and the timings.")
COLOURS = ("On the Projects sheet each row is coloured by its outcome in portfolio 1 "
           "(conditional formats on the outcome column: they follow the rows when you sort "
           "or filter, and change when you edit an outcome). The fraction column carries a "
           "data bar. On Not funded, ineligible rows are red and eligible ones grey.")

#: What fixed sheets hold (portfolio and analysis sheets are described where made).
SHEET_DESCRIPTIONS: dict[str, str] = {
    READ_ME: "this page: what the workbook is, units, colours, and every sheet",
    "Summary": "the run's status, the budget per fiscal year, and one row per ranked "
               "portfolio: value, share of the best, cost and budget left per year, changes "
               "against portfolio 1 (projects added, dropped, funded at another fraction)",
    "Partners": "portfolio 1 by partner (one agreement each): each partner's package, then "
                "its items, with their whole units when any item has them, cost per year and "
                "share of the budget",
    "Charts": "native Excel charts: allocation by country and by region, budget use per "
              "fiscal year, and the efficient frontier when computed",
    "Projects": "every project with its outcome in portfolio 1 (funded, partly funded, "
                "unfunded, ineligible), funded fraction, cost, value and reason; each row "
                "coloured by its outcome (the legend above)",
    "By country": "funded cost, share of the budget and value per country, per portfolio",
    "By tier": "funded cost, share of the budget and value per priority tier, per portfolio",
    "By field": "funded cost, share of the budget and value per field of cooperation, "
                "per portfolio (a project of several fields counts an equal part of its cost "
                "and value in each, as the policy's field shares do)",
    "By region": "funded cost, share of the budget and value per region, per portfolio",
    "Not funded": "every project not funded in portfolio 1, with every reason",
    "Policy": "every key of the policy model as used: value, unit and meaning",
    "Diagnosis": "why the policy cannot be met: each rule that must move, and by how much",
}

#: The Partners sheet of a large round: the packages only (see :func:`large_round`).
LARGE_PARTNERS = ("portfolio 1 by partner (one agreement each): each partner's package, cost "
                  "per year and share of the budget; its items are the rows of the sheet "
                  "Portfolio 1 (filter its column Country)")

#: One line per known analysis table; other analyses get a generic line.
ANALYSIS_DESCRIPTIONS: dict[str, str] = {
    "why": "every project: why it is in or out of portfolio 1, and the value that forcing "
           "it out or in would change (Value from: re-solve and proof are exact; lp bound, "
           "used above the exact limit of eligible projects or once the explanation's time "
           "limit ran out, is a bound: the true loss is at least that)",
    "prices": "every rule: what it requires, what portfolio 1 reaches, what is to spare, "
              "whether it is met exactly, and the value gained by switching it off or "
              "relaxing it (Value from: re-solve and proof are exact; lp bound, used above "
              "the exact limit of eligible projects or once the explanation's time limit ran "
              "out, is a bound: the true gain is at most that)",
    "frontier": "exact and greedy value at each budget level of the sweep",
    "funding_order": "the order in which projects enter as the budget grows",
    "funding_levels": "the portfolio at each budget level: projects added and dropped",
    "robustness": "each project's core index: how often it is funded when scores vary",
    "robustness_portfolios": "the distinct portfolios found while the scores varied",
    "robustness_samples": "every sample of the robustness analysis",
    "comparison": "one row per scenario compared: status, value, cost, projects",
    "comparison_projects": "which projects each scenario funds",
    "execution": "expected execution of portfolio 1 with 0, 1, 2, ... reserves when "
                 "signings slip (docs/execution.md)",
    "since": "what changed since the earlier run given with --since: each project that "
             "entered or left portfolio 1 (was / now: why it was out, why it is out now), "
             "is new to the input or gone from it, forced or eligible differently",
    "since_inputs": "what changed since the earlier run given with --since: input files, "
                    "policy keys, the cost requested per fiscal year",
}


#: The sheet name of an analysis table ("Why in or out", not "why"): its title, the one the
#: report and the notebook show too.
analysis_sheet = title


def analysis_description(analysis: str, table: str) -> str:
    """One line on an analysis table for the Read me sheet.

    >>> analysis_description("frontier", "frontier")
    'exact and greedy value at each budget level of the sweep'
    >>> analysis_description("new", "detail")
    'table detail of the new analysis (see docs/outputs.md)'
    """
    known = ANALYSIS_DESCRIPTIONS.get(table)
    return known or f"table {table} of the {analysis} analysis (see docs/outputs.md)"


def large_round(projects: int, limit: int) -> str:
    """What a workbook of a round larger than ``limit`` projects leaves out, and where it is.

    >>> large_round(100_000, 20_000)[:53]
    'This round has 100,000 projects, more than the 20,000'
    """
    return (f"This round has {projects:,} projects, more than the {limit:,} this workbook "
            "lists one by one, so it holds the funded projects of portfolio 1 (sheet "
            "Portfolio 1) and the summaries: the sheets Projects, Not funded and Portfolio 2 "
            "onwards are left out, and Partners lists each partner's package without its "
            "items (they are the rows of Portfolio 1). portfolios.csv next to this workbook holds every funded "
            "project of every portfolio (one row each, column rank); run.json holds why each "
            "other project is not funded (unfunded).")


def cut_text(cells: Sequence[str]) -> str:
    """The Read me's row on cells whose text was cut to Excel's limit: which (``cells``, in
    words, as :meth:`~osa_opt.outputs.tables.TablePlace.cut_cells` names them), and where
    the full text is.

    >>> cut_text(["Projects, column Title, project P-01"])[:60]
    'Excel holds at most 32,767 characters in a cell, so the text'
    """
    listed = "; ".join(cells[:10]) + (f"; and {len(cells) - 10:,} more" if len(cells) > 10
                                      else "")
    return (f"Excel holds at most 32,767 characters in a cell, so the text of "
            f"{counted(len(cells), 'cell')} is cut, ending '… [cut: N more characters …]': "
            f"{listed}. The full text is in portfolios.csv next to this workbook (every "
            "funded project of every portfolio, one row each), in run.json (the run's notes "
            "and the input's warnings) and, for text typed in the input, in the input file.")


def facts(result: Result, created: str, large: int | None = None,
          cut: Sequence[str] = ()) -> list[tuple[str, str]]:
    """The label / text rows above the sheet list; ``large`` is the size limit when the
    round exceeds it (see :func:`large_round`); ``cut`` names the table cells whose text
    was cut to Excel's limit (the row Cut text, which names the cut rows of this sheet
    too)."""
    from osa_opt import __version__

    problem = result.problem
    summary = problem.summary()
    n = len(result.portfolios)
    what = (f"The portfolios of Official Security Assistance projects chosen by osa-opt "
            f"{__version__} under the policy \"{problem.policy.name}\": {counted(n, 'ranked portfolio')}, "
            f"best first, from "
            f"{counted(summary['projects'], 'project')} ({summary['eligible']:,} eligible) in "
            f"{counted(summary['countries'], 'country', 'countries')}.")
    if created:
        what += f" Written {created} (UTC)."
    rows = [("What this is", what), ("Run status", result.status_message)]
    # what the terminal, run.json and the report say beside the portfolios: a tie for
    # first, a partner left without a project, an input read in a way worth checking
    rows += [("Note", note) for note in result.notes]
    rows += [("Input warning", w.message()) for w in problem.warnings]
    if problem.input_note:
        rows.insert(1, ("Input", problem.input_note))
    if large is not None:
        rows.append(("Large round", large_round(summary["projects"], large)))
    cut = [*cut, *(f"{READ_ME}, row {label}" for label, text in rows
                   if excel_text(text) != text)]
    if cut:
        rows.append(("Cut text", cut_text(cut)))
    from osa_opt.inputs.value_text import value_note

    rows += [("Units", UNITS),
             ("Value", value_note(problem.policy,
                                  result.best.objective if result.best else 100)),
             ("Policy", POLICY)]
    if result.extensions:
        rows.append(("Model extensions", extensions_text(result.extensions)))
    if large is None:  # the coloured sheets are left out of a large round's workbook
        rows.append(("Colours", COLOURS))
    return rows


def extensions_text(extensions: Sequence[Mapping[str, Any]]) -> str:
    """One sentence per extension: the portfolios were solved with these added to the
    policy (run.json ``extensions`` has each file's full SHA-256)."""
    from osa_opt.extensions import NO_FILE, shown

    parts = []
    for e in shown(extensions):
        where = f"from {e['file']} (SHA-256 {e['sha256']}…)" if e["file"] else NO_FILE
        parts.append(f"{e['function']} {where}, adding "
                     f"{e['components'] or 'no named component'}.")
    return ("Every portfolio and analysis here was solved with these additions to the "
            "policy: " + " ".join(parts))


def write_readme(sheet: Worksheet, fmt: Formats, result: Result, created: str,
                 sheets: Sequence[tuple[str, str]], *, large: int | None = None,
                 cut: Sequence[str] = ()) -> None:
    """Fill the ``Read me`` sheet; ``sheets`` is every (sheet name, description), in order;
    ``large`` is the size limit when the round exceeds it; ``cut`` names the table cells
    cut to Excel's limit (:func:`cut_text`)."""
    rows = facts(result, created, large, cut)
    labels = [label for label, _ in rows] + [name for name, _ in sheets]
    sheet.set_column(0, 0, max(LABEL_WIDTH, math.ceil(
        max(map(text_width, labels), default=0) * BOLD) + 2))
    sheet.set_column(1, 1, TEXT_WIDTH)
    sheet.write_string(0, 0, f"osa-opt run: {result.problem.title}", fmt.title)
    row = 2
    for label, text in rows:
        _fit_height(sheet, row, text)  # before the row's cells: rows go out in order
        sheet.write_string(row, 0, label, fmt.label)
        write_text(sheet, row, 1, text, fmt.wrap)  # facts name the user's files and policy
        row += 1
    row += 1
    if large is None:
        sheet.write_string(row, 0, "outcome", fmt.header)
        sheet.write_string(row, 1, "meaning (Projects sheet)", fmt.header)
        for outcome in OUTCOMES:
            row += 1
            _fit_height(sheet, row, outcome.meaning)
            sheet.write_string(row, 0, in_words(outcome.name), fmt.outcome[outcome.name])
            sheet.write_string(row, 1, outcome.meaning, fmt.wrap)
        row += 2
    sheet.write_string(row, 0, "sheet", fmt.header)
    sheet.write_string(row, 1, "what it holds", fmt.header)
    for name, description in sheets:
        row += 1
        _fit_height(sheet, row, description)
        sheet.write_string(row, 0, name, fmt.label)
        sheet.write_string(row, 1, description, fmt.wrap)
    sheet.set_landscape()
    sheet.set_paper(PAPER_A4)  # as every other sheet: unset, it printed on US Letter
    sheet.fit_to_pages(1, 0)
    sheet.activate()  # the workbook opens here


def _fit_height(sheet: Worksheet, row: int, text: str) -> None:
    """Room for every wrapped line (xlsxwriter cannot measure text; spreadsheets opening
    the file do not always re-measure either)."""
    lines = text_lines(text, TEXT_WIDTH)
    if lines > 1:
        sheet.set_row(row, min(ROW_POINTS * lines + 2, MAX_ROW_POINTS))
