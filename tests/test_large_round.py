"""Large rounds: what the workbook, the CSV and the report hold above the size limit.

A synthetic round of 6,000 projects (benchmarks/synthetic.py; over the workbook's limit of
:data:`~osa_opt.outputs.workbook.FULL_TABLES_UP_TO`) with greedy portfolios (value per ¥
within each year's budget): real selections, no solve needed for what the writers do with
them. The limit itself is checked on the shipped example by moving it. Correctness only:
the speed is measured by benchmarks/bench_writers.py.
"""

from __future__ import annotations

import csv
import re
import subprocess
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from conftest import require_program
from openpyxl import load_workbook

import osa_opt
from osa_opt.analysis.greedy import greedy_ranking
from osa_opt.inputs.problem import Problem
from osa_opt.outputs import workbook
from osa_opt.report.allocation import TOP_GROUPS
from osa_opt.report.summary import SUMMARY_ROWS
from osa_opt.result import Portfolio, Result, Status
from osa_opt.text import humanize, yen

N_PROJECTS = 6_000
ALLOCATION_SHEETS = ["By country", "By tier", "By field", "By region"]


def greedy_result(problem: Problem, count: int) -> Result:
    """``count`` ranked greedy portfolios, the k-th with every budget trimmed by (k-1)%."""
    ranked: list[Portfolio] = []
    for k in range(count):
        greedy = greedy_ranking(problem, {fy: b * (1 - 0.01 * k)
                                          for fy, b in problem.budget.items()})
        best = ranked[0] if ranked else None
        ranked.append(Portfolio(rank=k + 1, objective=greedy.value,
                                fractions=dict(greedy.fractions), problem=problem,
                                reference=best,
                                best_objective=best.objective if best else greedy.value))
    return Result(problem, Status.OPTIMAL, ranked)


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> tuple[Result, Path]:
    from benchmarks.synthetic import make_problem

    result = greedy_result(make_problem(N_PROJECTS, 3, seed=0), 3)
    assert workbook.is_large(result)
    return result, result.write(tmp_path_factory.mktemp("large") / "run")


def bars_of(html: str, title: str) -> list[str]:
    """The tooltip of every bar of the one chart titled ``title``."""
    (svg,) = [m for m in re.findall(r"<svg .*?</svg>", html, flags=re.S)
              if f"<title>{title}</title>" in m]
    return re.findall(r'<rect class="bar" [^>]*><title>([^<]*)</title>', svg)


def rows_of(sheet: object, header: str) -> tuple[list[str], list[tuple[object, ...]]]:
    """The column headers (in words) and data rows of the table whose first header cell reads ``header``
    in words (:func:`~osa_opt.text.humanize` of a column's code)."""
    rows = list(sheet.iter_rows(values_only=True))  # type: ignore[attr-defined]
    start = next(i for i, r in enumerate(rows) if r and r[0] == humanize(header))
    return [str(c) for c in rows[start] if c is not None], rows[start + 1:]


def test_the_workbook_holds_portfolio_1_and_the_summaries(large: tuple[Result, Path]) -> None:
    result, folder = large
    book = load_workbook(folder / "portfolios.xlsx", read_only=True)
    assert book.sheetnames == ["Read me", "Summary", "Partners", "Charts", "Portfolio 1",
                               *ALLOCATION_SHEETS, "Policy"]
    columns, rows = rows_of(book["Portfolio 1"], "project_id")
    best = result.portfolios[0]
    assert [r[0] for r in rows] == best.project_ids
    total = sum(r[columns.index(humanize("total_cost"))] for r in rows)
    assert total == pytest.approx(best.total_cost)
    _, summary = rows_of(book["Summary"], "rank")
    assert [r[0] for r in summary] == [1, 2, 3]


@pytest.mark.slow
def test_libreoffice_reads_the_bulk_written_portfolio_sheet(large: tuple[Result, Path],
                                                           tmp_path: Path) -> None:
    """Portfolio 1's rows go out as XML in bulk (osa_opt.outputs.bulk_rows): LibreOffice
    reads every one, with its column's number format (fractions as percentages)."""
    result, folder = large
    soffice = require_program(("soffice", "libreoffice"),
                              "apt-get install -y libreoffice-calc-nogui")
    sheet = ["Read me", "Summary", "Partners", "Charts", "Portfolio 1"].index("Portfolio 1") + 1
    # CSV filter: comma, quote, UTF-8, from row 1, formatted as shown, the sheet's number
    proc = subprocess.run(
        [soffice, f"-env:UserInstallation={(tmp_path / 'lo-profile').as_uri()}", "--headless",
         "--norestore", "--convert-to",
         f"csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,{sheet}",
         "--outdir", str(tmp_path), str(folder / "portfolios.xlsx")],
        capture_output=True, text=True, timeout=240)
    assert proc.returncode == 0, proc.stderr
    (written,) = tmp_path.glob("*Portfolio 1.csv")
    rows = list(csv.reader(written.read_text(encoding="utf-8").splitlines()))
    start = next(i for i, r in enumerate(rows) if r and r[0] == humanize("project_id"))
    header, data = rows[start], rows[start + 1:]
    best = result.portfolios[0]
    assert [r[0] for r in data] == best.project_ids
    fractions = [r[header.index(humanize("fraction"))] for r in data]
    assert all(f.endswith("%") for f in fractions)
    assert fractions[0] == f"{best.fractions[best.project_ids[0]]:.0%}"


def test_the_partners_sheet_lists_each_package_once_without_its_items(
        large: tuple[Result, Path]) -> None:
    result, folder = large
    book = load_workbook(folder / "portfolios.xlsx", read_only=True)
    columns, rows = rows_of(book["Partners"], "partner")
    best = result.portfolios[0]
    assert [r[0] for r in rows] == [pk["country"] for pk in best.packages]
    assert all(r[columns.index(humanize("project_id"))] in (None, "") for r in rows)
    total = sum(r[columns.index(humanize("total_cost"))] for r in rows)
    assert total == pytest.approx(best.total_cost)


def test_the_read_me_says_what_is_left_out_and_where_it_is(large: tuple[Result, Path]) -> None:
    _, folder = large
    book = load_workbook(folder / "portfolios.xlsx", read_only=True)
    rows = {r[0]: r[1] for r in book["Read me"].iter_rows(values_only=True) if r and r[0]}
    note = rows["Large round"]
    assert f"{N_PROJECTS:,} projects" in note and f"{workbook.FULL_TABLES_UP_TO:,}" in note
    assert "portfolios.csv" in note and "run.json" in note
    for left_out in ("Projects", "Not funded", "Portfolio 2"):
        assert left_out in note
    assert "Colours" not in rows and "outcome" not in rows  # no coloured sheet to explain
    listed = [name for name in book.sheetnames if name in rows]
    assert listed == book.sheetnames  # the sheet list names every sheet


def test_the_csv_keeps_every_funded_project_of_every_portfolio(
        large: tuple[Result, Path]) -> None:
    result, folder = large
    with open(folder / "portfolios.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for portfolio in result.portfolios:
        ids = [r["project_id"] for r in rows if r["rank"] == str(portfolio.rank)]
        assert ids == portfolio.project_ids


def test_many_countries_are_sorted_by_cost_and_the_chart_shows_the_top(
        large: tuple[Result, Path]) -> None:
    result, folder = large
    book = load_workbook(folder / "portfolios.xlsx", read_only=True)
    columns, rows = rows_of(book["By country"], "country")
    costs = [r[columns.index(humanize("total_cost #1"))] for r in rows]
    assert costs == sorted(costs, reverse=True)
    expected = result.portfolios[0].allocation("country")["total_cost"]
    assert {r[0]: c for r, c in zip(rows, costs, strict=True) if c} == pytest.approx(
        expected[expected > 0].to_dict())
    with zipfile.ZipFile(folder / "portfolios.xlsx") as archive:  # the first chart: countries
        xml = archive.read("xl/charts/chart1.xml").decode()
    categories = re.search(r"<c:cat><c:strRef><c:f>([^<]*)</c:f>(.*?)</c:strRef>", xml)
    assert categories is not None
    first, last = re.findall(r"\$(\d+)", categories[1])
    assert int(last) - int(first) + 1 == 15 and "15 largest" in xml
    cached = re.findall(r"<c:v>([^<]*)</c:v>", categories[2])
    assert cached == [r[0] for r in rows[:15]]


def test_the_report_sums_up_the_small_groups_and_cuts_long_lists(
        large: tuple[Result, Path]) -> None:
    from html import unescape

    result, folder = large
    html = (folder / "report.html").read_text(encoding="utf-8")
    bars = [unescape(b) for b in bars_of(html, "Portfolio 1 by country (¥ million)")]
    assert len(bars) == TOP_GROUPS + 1
    cost = result.portfolios[0].allocation("country")["total_cost"]
    countries = result.problem.countries.index
    top = cost.sort_values(ascending=False, kind="stable")
    others = bars[-1]
    assert others.startswith(f"others: {len(countries) - TOP_GROUPS:,} countries: ")
    assert yen(float(top.iloc[TOP_GROUPS:].sum())) in others
    # the long lists summarised (docs/report.md): the largest and one line of others, and
    # where every row is: not the workbook's Not funded sheet, which a large round has not
    funded = result.portfolios[0].n_projects
    assert f"{funded - SUMMARY_ROWS:,} other projects" in html
    block = html[html.index("Projects funded in portfolio 1"):]
    block = block[:block.index("</table>")]
    assert block.count("<tr>") == SUMMARY_ROWS + 1  # the header and the rows shown
    assert block.count('<tr class="others">') == 1
    assert "Portfolio 1 sheet and in portfolios.csv" in block
    assert "Every one is in run.json (unfunded), with why" in html
    assert "Not funded sheet" not in html
    assert "on the workbook&#x27;s Partners sheet; its Portfolio 1 sheet" in html


@pytest.mark.parametrize("limit, large", [(38, False), (37, True)])
def test_the_limit_is_the_number_of_projects(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             limit: int, large: bool) -> None:
    problem = osa_opt.load_problem()
    assert len(problem.projects) == 38  # the example: the limit at it and one below
    result = osa_opt.solve(problem, portfolios=2, explain=False)
    monkeypatch.setattr(workbook, "FULL_TABLES_UP_TO", limit)
    folder = result.write(tmp_path / "run")
    names = load_workbook(folder / "portfolios.xlsx", read_only=True).sheetnames
    per_project = {"Projects", "Portfolio 2", "Not funded"}
    assert (per_project.isdisjoint(names)) == large
    assert "Portfolio 1" in names
    read_me = pd.read_excel(folder / "portfolios.xlsx", sheet_name="Read me", header=None)
    assert ("Large round" in set(read_me[0])) == large


# The whole module runs full CLI commands or whole input files: in the full suite, not in
# the fast loop (pytest -m "not slow").
pytestmark = pytest.mark.slow


def test_the_read_me_describes_the_partners_sheet_it_holds(large: tuple[Result, Path]) -> None:
    """The Large round row said Partners lists each package without its items while the
    sheet list said "each partner's package, then its items": one sheet, two stories."""
    result, folder = large
    book = load_workbook(folder / "portfolios.xlsx", read_only=True)
    rows = {r[0]: r[1] for r in book["Read me"].iter_rows(values_only=True) if r and r[0]}
    assert "then its items" not in rows["Partners"]
    assert "its items are the rows of the sheet Portfolio 1" in rows["Partners"]
    n = result.best.n_projects
    assert f"the {n:,} projects funded in portfolio 1" in rows["Portfolio 1"]
    assert f"from {N_PROJECTS:,} projects (" in rows["What this is"]  # as the note writes it


def test_counts_have_thousands_separators_in_the_terminal_and_the_report(
        large: tuple[Result, Path]) -> None:
    """"10000 projects (8114 eligible)" in the terminal's first line and the report's
    cards, beside "8,114 eligible projects" in the note under them."""
    import io

    from rich.console import Console

    from osa_opt.cli.render import print_solve_summary

    result, folder = large
    console = Console(width=150, record=True, color_system=None, file=io.StringIO())
    print_solve_summary(console, result)
    flat = " ".join(console.export_text().split())
    eligible = int(result.problem.eligibility["eligible"].sum())
    assert f"{N_PROJECTS:,} projects ({eligible:,} eligible)" in flat
    best = result.best
    assert f"(the first 60 of {best.n_projects:,} projects; portfolios.xlsx has all)" in flat
    assert f"│ {best.n_projects:,} │" in flat
    html = (folder / "report.html").read_text(encoding="utf-8")
    assert f'<div class="v">{best.n_projects:,} projects</div>' in html
    assert f'<div class="v">{eligible:,} of {N_PROJECTS:,}</div>' in html
    assert f'<tr><th>Projects</th><td class="num">{best.n_projects:,}</td>' in html
