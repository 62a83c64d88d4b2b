"""The analysis sheets of portfolios.xlsx read as the terminal and the report do: a value
gained to three decimals, shares and expected execution to one decimal, yes/no (not the 1
LibreOffice prints for a TRUE under a General format), so a cell says what its row's
message says."""

from __future__ import annotations

import itertools
import warnings
from typing import Any

import openpyxl
import pytest

import osa_opt
from osa_opt.outputs.formats import NUMBER_PAD
from osa_opt.result import Result
from osa_opt.run_folder import write_run
from osa_opt.text import humanize

SHOWN = {"#,##0.000": lambda v: f"{v:,.3f}", "0.0%": lambda v: f"{v:.1%}",
         "0%": lambda v: f"{v:.0%}", "#,##0": lambda v: f"{v:,.0f}"}
SHOWN |= {f + NUMBER_PAD: show for f, show in SHOWN.items()}  # columns of numbers: padded
YES_NO = '"yes";"yes";"no"'


def shown(cell: Any) -> str:
    """The text LibreOffice shows for a cell, for the formats these sheets use."""
    if isinstance(cell.value, bool):
        return ("yes" if cell.value else "no") if cell.number_format == YES_NO else \
            str(int(cell.value))  # what LibreOffice prints for a TRUE under General
    if isinstance(cell.value, int | float):
        return SHOWN.get(cell.number_format, str)(cell.value)
    return str(cell.value)


@pytest.fixture(scope="module")
def result() -> Result:
    problem = osa_opt.load_problem()
    result = osa_opt.solve(problem, portfolios=1, explain=True)
    result.analyses["execution"] = osa_opt.execution(problem, baseline=result)
    return result


@pytest.fixture(scope="module")
def book(result: Result, tmp_path_factory: pytest.TempPathFactory) -> openpyxl.Workbook:
    folder = write_run(result, tmp_path_factory.mktemp("wb") / "run")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return openpyxl.load_workbook(folder / "portfolios.xlsx")


def rows(sheet: Any, first: str) -> list[dict[str, Any]]:
    """Each row of the table whose header starts with ``first`` (in words): header -> cell,
    down to the first empty row (under it, an analysis's notes)."""
    header = next(r for r in sheet.iter_rows() if r[0].value == humanize(first))
    names = [c.value for c in header]
    return [dict(zip(names, r, strict=False)) for r in itertools.takewhile(
        lambda r: r[0].value is not None, sheet.iter_rows(min_row=header[0].row + 1))]


def test_rule_prices_cells_say_what_the_message_says(book: openpyxl.Workbook) -> None:
    table = rows(book["Rule prices"], "rule")
    assert table
    for row in table:
        assert shown(row["Met exactly"]) in ("yes", "no")
        gain = row["Value gained without it"]
        share = row["Gained without it (% of value)"]
        message = row["Message"].value.replace("\n", " ")  # wrapped at spaces by the writer
        if gain.value and gain.value > 0.0005:  # "costs 10.094 of value (5.9%)"
            assert f"{shown(gain)} of value ({shown(share)})" in message
        looser = row["Gained if 10% looser"]
        if looser.value:
            assert f"would gain {shown(looser)}" in message


def test_why_sheet_says_yes_or_no_and_the_share_of_the_message(
        book: openpyxl.Workbook) -> None:
    table = rows(book["Why in or out"], "project_id")
    assert len(table) == 38
    for row in table:
        assert shown(row["Eligible"]) in ("yes", "no")
        assert shown(row["Funded"]) in ("yes", "no")
        share = row["Value change (%)"]
        if share.value is not None and row["Value change"].value:
            assert f"{shown(share).lstrip('-')} of portfolio value" in row["Message"].value


def test_execution_sheet_reads_as_percentages_and_scores(book: openpyxl.Workbook,
                                                         result: Result) -> None:
    table = rows(book["Execution"], "reserves")
    levels = result.analyses["execution"].levels
    assert len(table) == len(levels)
    for row, (_, level) in zip(table, levels.iterrows(), strict=True):
        assert shown(row["Expected execution"]) == f"{level['expected_execution']:.1%}"
        assert shown(row["Expected value"]) == f"{level['expected_value']:,.3f}"
        assert shown(row["Expected execution"]).endswith("%")
        assert shown(row["Chance below the target"]) == f"{level['p_below_target']:.1%}"


def test_the_funding_order_sheet_shows_where_each_project_is_first_funded_as_a_share(
        tmp_path_factory: pytest.TempPathFactory) -> None:
    # "Level 0.25" read as a level number; the Frontier sheet's Level is one (1, 2, ...)
    result = osa_opt.frontier(osa_opt.load_problem(), shares=[0.5, 1.0])
    folder = write_run(result, tmp_path_factory.mktemp("fo") / "run")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        book = openpyxl.load_workbook(folder / "portfolios.xlsx")
    order = result.analyses["funding_order"].order.set_index("project_id")
    table = rows(book["Funding order"], "project_id")
    assert len(table) == len(order)
    for row in table:
        level = order.loc[row["Project"].value, "level"]
        assert shown(row["Funded from budget share"]) == f"{level:.1%}"  # 37.5%, never 38%
    levels = rows(book["Frontier"], "level")
    assert [shown(r["Level"]) for r in levels] == ["1", "2"]


def test_partners_share_of_budget_reads_to_one_decimal_as_in_the_report(
        book: openpyxl.Workbook, result: Result, tmp_path_factory: pytest.TempPathFactory
        ) -> None:
    import re
    from html import unescape

    folder = write_run(result, tmp_path_factory.mktemp("pt") / "run")
    page = unescape(re.sub(r"<[^>]+>", " ", (folder / "report.html").read_text("utf-8")))
    table = [r for r in rows(book["Partners"], "partner") if r["Share of budget"].value]
    assert table
    for row in table:
        text = shown(row["Share of budget"])  # "16.0%", not "16%"
        assert re.fullmatch(r"\d+\.\d%", text), text
        assert f" {text} " in page, text


def test_seconds_and_sampled_weights_have_number_formats(
        tmp_path_factory: pytest.TempPathFactory) -> None:
    """No raw float (0.4273923374642908): seconds to two decimals, weights to three, as
    the policy writes them."""
    problem = osa_opt.load_problem()
    result = osa_opt.robustness(problem, samples=6, seed=1)
    result.analyses.update(osa_opt.frontier(problem, shares=[0.5, 1.0]).analyses)
    folder = write_run(result, tmp_path_factory.mktemp("sec") / "run")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        book = openpyxl.load_workbook(folder / "portfolios.xlsx")
    frontier_rows = rows(book["Frontier"], "level")
    assert len(frontier_rows) == 2
    for row in frontier_rows:
        assert row["Seconds"].number_format == "0.00" + NUMBER_PAD
    samples = rows(book["Robustness samples"], "sample")
    assert len(samples) == 6
    weights = [h for h in samples[0] if str(h).startswith("Weight ")]
    assert weights
    for row in samples:
        for name in weights:
            assert row[name].number_format == "0.000" + NUMBER_PAD
    for sheet in book:  # no other float left under General in any table
        for line in sheet.iter_rows():
            for c in line:
                if isinstance(c.value, float) and c.value != int(c.value):
                    assert not c.number_format.startswith("General"), (sheet.title, c.coordinate,
                                                                      c.value)
