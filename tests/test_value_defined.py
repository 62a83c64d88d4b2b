""""Value" is defined wherever it is shown: a score, not money, by the policy's formula."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

import osa_opt
from osa_opt.cli import cli
from osa_opt.cli.common import run_cli
from osa_opt.outputs.formats import NUMBER_PAD
from osa_opt.workflows import solve

DEFINED = "Value is a score, not money"
FORMULA = "0.4 × security + 0.3 × humanitarian + 0.3 × partnership"


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return solve(osa_opt.load_problem(), portfolios=2).write(
        tmp_path_factory.mktemp("value") / "run")


def test_the_reports_headline_defines_value(folder: Path) -> None:
    html = (folder / "report.html").read_text(encoding="utf-8")
    headline = html[html.index('id="headline"'):html.index("</section>",
                                                           html.index('id="headline"'))]
    assert DEFINED in headline and FORMULA in headline
    assert "Value of portfolio 1 (a\u00a0score)" in headline  # "(a score)" on one line


@pytest.mark.slow
def test_the_printed_headline_keeps_a_score_on_one_line(folder: Path, tmp_path: Path) -> None:
    """Printed, the card's label read "VALUE OF PORTFOLIO 1 (A" over "SCORE)"."""
    import subprocess

    from conftest import require_program

    chromium = require_program(("/usr/bin/chromium", "chromium", "chromium-browser"),
                               "apt-get install -y chromium")
    pdftotext = require_program("pdftotext", "apt-get install -y poppler-utils")
    subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu",
                    f"--user-data-dir={tmp_path / 'profile'}", "--no-pdf-header-footer",
                    f"--print-to-pdf={tmp_path / 'report.pdf'}",
                    (folder / "report.html").resolve().as_uri()],
                   capture_output=True, timeout=120, check=True)
    text = subprocess.run([pdftotext, "-layout", str(tmp_path / "report.pdf"), "-"],
                          capture_output=True, text=True, timeout=60, check=True).stdout
    lines = [" ".join(line.replace("\xa0", " ").split()) for line in text.splitlines()]
    assert any("(A SCORE)" in line for line in lines)
    assert not any(line.endswith("(A") or " (A " in line + " " for line in lines
                   if "PORTFOLIO 1" in line)


def test_the_workbook_defines_value_and_writes_no_minus_zero(folder: Path) -> None:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        book = load_workbook(folder / "portfolios.xlsx")
    rows = {r[0].value: r[1].value for r in book["Read me"].iter_rows(min_row=1, max_col=2)
            if r[0].value}
    assert DEFINED in rows["Value"] and FORMULA in rows["Value"]
    # the units say the columns by the names their headers show, and leave value to its row
    # (a second, shorter formula there once left out the country factor)
    assert "Share of budget" in rows["Units"] and "share_of_budget" not in rows["Units"]
    assert "risk_aversion" not in rows["Units"] and "the next row" in rows["Units"]
    checked = 0
    for sheet in book.worksheets:  # money columns: never a tiny negative that prints "-0"
        money = {c for d in sheet.column_dimensions.values()
                 if d.number_format in ("#,##0", "#,##0" + NUMBER_PAD)
                 for c in range(d.min or 0, (d.max or 0) + 1)}
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, int | float) and not isinstance(cell.value, bool) \
                        and getattr(cell, "column", None) in money:
                    checked += 1
                    assert not (-0.5 < cell.value < 0), (sheet.title, cell.coordinate)
    assert checked > 100


def test_explain_defines_value(monkeypatch: pytest.MonkeyPatch,
                               capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(sys, "argv", ["osa-opt", "explain", "P-17"])
    assert run_cli(cli) == 0
    said = " ".join(capsys.readouterr().out.split())
    assert re.search(r"\(\d+\.\d{3} of \d+\.\d{3}\)", said)
    assert DEFINED in said and FORMULA in said


def test_terminal_report_and_workbook_say_the_same_value_note(folder: Path) -> None:
    """One note, written once (``value_text.value_note``): the report and the workbook with
    portfolio 1's value as the gain's example, the terminal without gains to read."""
    import html as html_lib
    import warnings

    from rich.console import Console

    from osa_opt.cli.render import print_solve_summary
    from osa_opt.inputs.value_text import value_note

    result = osa_opt.load_run(folder)
    policy, best = result.problem.policy, result.best
    assert best is not None
    note = value_note(policy, best.objective)
    assert "The share of the best value is a portfolio's value ÷ portfolio 1's; a gain such " \
           f"as 1.000 of {best.objective:,.3f} is points of that score." in note
    page = html_lib.unescape((folder / "report.html").read_text(encoding="utf-8"))
    assert f'<p class="note">{note}</p>' in page
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        book = load_workbook(folder / "portfolios.xlsx")
    rows = {r[0].value: r[1].value for r in book["Read me"].iter_rows(min_row=1, max_col=2)
            if r[0].value}
    assert rows["Value"] == note
    console = Console(width=10_000, record=True, color_system=None)
    print_solve_summary(console, solve(osa_opt.load_problem(), portfolios=2))
    assert value_note(policy) in console.export_text()
