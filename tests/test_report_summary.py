"""A big round's report summarises its long lists (issue 14, docs/report.md): portfolio 1's
partners, its funded projects, the eligible projects it leaves out and the ineligible ones
show the 25 largest by cost and one line "N other …" with their sum, the reasons counted,
and say where every row is; the workbook and the CSV keep every row. A list of up to 100
rows is shown whole (the shipped example's report is unchanged).

Checked on the printed report (Chromium's PDF, pdftotext): a synthetic 2,000-project round
printed Partners over 24 pages, portfolio 1's projects 23, Eligible but not funded 11 and
Eligibility exclusions 24 (104 pages in all); a 1,000-project round is used here.
"""

from __future__ import annotations

import csv
import re
import subprocess
from pathlib import Path

import pytest
from conftest import require_program

import osa_opt
from osa_opt.html import table
from osa_opt.report.summary import SUMMARY_ABOVE, SUMMARY_ROWS
from osa_opt.text import money
from osa_opt.workflows import solve


@pytest.fixture(scope="module")
def big_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[osa_opt.Result, Path]:
    from benchmarks.synthetic import make_problem

    result = solve(make_problem(1000, seed=0, validate=True), portfolios=1, explain=False)
    best = result.best
    assert best is not None
    # every list the report summarises is longer than SUMMARY_ABOVE rows
    assert min(best.package_rows, best.n_projects,
               int(result.unfunded["eligible"].sum()),
               int((~result.problem.eligibility["eligible"]).sum())) > SUMMARY_ABOVE
    return result, result.write(tmp_path_factory.mktemp("big") / "run")


def printed(run: Path, folder: Path) -> tuple[list[str], str]:
    """The pages (pdftotext -layout) of the report printed by Chromium, and one string of
    its words."""
    chromium = require_program(("/usr/bin/chromium", "chromium", "chromium-browser"),
                               "apt-get install -y chromium")
    pdftotext = require_program("pdftotext", "apt-get install -y poppler-utils")
    pdf = folder / "report.pdf"
    subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu",
                    f"--user-data-dir={folder / 'profile'}", "--no-pdf-header-footer",
                    f"--print-to-pdf={pdf}", (run / "report.html").resolve().as_uri()],
                   capture_output=True, timeout=120, check=True)
    text = subprocess.run([pdftotext, "-layout", str(pdf), "-"], capture_output=True,
                          text=True, timeout=60, check=True).stdout
    pages = [p for p in text.split("\f") if p.strip()]
    return pages, " ".join(text.split())


def section_pages(pages: list[str], title: str, following: str) -> int:
    """How many pages a section (a page break before each) takes, up to the next one."""
    starts = [i for i, p in enumerate(pages) if p.lstrip().startswith(title)]
    ends = [i for i, p in enumerate(pages) if p.lstrip().startswith(following)]
    return ends[0] - starts[0]


@pytest.mark.slow
def test_the_printed_report_of_a_big_round_summarises_its_lists(
        big_run: tuple[osa_opt.Result, Path], tmp_path: Path) -> None:
    result, run = big_run
    best, problem = result.best, result.problem
    pages, words = printed(run, tmp_path)
    # each summarised list fits a page or two, not a page per 40 rows
    assert section_pages(pages, "Partners", "Ranked portfolios") <= 2
    assert section_pages(pages, "Eligible but not funded", "Eligibility exclusions") <= 3
    assert len(pages) <= 30, len(pages)

    # Partners: the largest packages, then one line for the others with their sum
    packages = sorted(best.packages, key=lambda pk: -pk["total_cost"])
    rest = packages[SUMMARY_ROWS:]
    items = sum(len(pk["projects"]) for pk in rest)
    assert (f"Portfolio 1 funds {len(packages)} partners with {best.n_projects:,} items — "
            f"the {SUMMARY_ROWS} largest by funded cost, the others in one line. Every one is "
            "on the workbook's Partners sheet, with its items; its Portfolio 1 sheet and "
            "portfolios.csv list every funded project.") in words
    others = f"{len(rest)} other partners ({items:,} items) "
    assert others + money(sum(pk["total_cost"] for pk in rest)) in words
    assert pages[[i for i, p in enumerate(pages) if "other partners" in p][0]].count(
        " items ") == SUMMARY_ROWS + 1  # packages only: no item rows

    # portfolio 1's projects: the 25 largest by funded cost and the others' sum
    funded = best.projects.sort_values("total_cost", ascending=False, kind="stable")
    assert (f"Portfolio 1 funds {best.n_projects:,} projects — the {SUMMARY_ROWS} largest by "
            "funded cost") in words
    biggest = funded.index[0]
    assert re.search(rf"{biggest} .*{money(funded['total_cost'].iloc[0])}", words)
    smallest = funded.index[-1]
    assert f" {smallest} " not in words.split("Projects funded in portfolio 1")[1].split(
        "Allocation")[0]
    assert (f"{best.n_projects - SUMMARY_ROWS:,} other projects "
            f"{money(funded['total_cost'].iloc[SUMMARY_ROWS:].sum())}") in words

    # eligible but not funded: the reasons counted, with how many each
    out = result.unfunded[result.unfunded["eligible"]]
    not_selected = int((out["reason"] == "not selected: the budget buys more value "
                                          "elsewhere").sum())
    assert ("Reasons, counted Reason Projects Their total cost (¥m) not selected: the budget "
            f"buys more value elsewhere {not_selected}") in words
    assert (f"{len(out):,} eligible projects are left out — the {SUMMARY_ROWS} largest by "
            "total cost") in words
    assert "Not funded sheet and in run.json (unfunded), with why" in words

    # eligibility exclusions: the rules counted as run.json counts them
    by_reason = problem.summary()["ineligible_by_reason"]
    top = max(by_reason, key=lambda k: (by_reason[k], k))
    section = words.split("Eligibility exclusions")[-1]
    assert f"{top} {by_reason[top]} " in section
    n_out = int((~problem.eligibility["eligible"]).sum())
    assert f"{n_out - SUMMARY_ROWS:,} other projects" in section

    # the CSV keeps every funded project
    with open(run / "portfolios.csv", encoding="utf-8-sig", newline="") as fh:
        assert sum(1 for _ in csv.DictReader(fh)) == best.n_projects


def test_a_small_round_lists_every_row(tmp_path: Path) -> None:
    """The shipped example's report lists every partner's item, every funded project and
    every project left out, with no line of others."""
    result = solve(osa_opt.load_problem(), portfolios=1, explain=False)
    html = (result.write(tmp_path / "run") / "report.html").read_text(encoding="utf-8")
    assert 'class="others"' not in html and "other projects" not in html
    assert "Reasons, counted" not in html
    for pid in result.best.fractions:
        assert html.count(f'<span class="id">{pid}</span>') >= 2  # Partners and the list
    for pid in result.unfunded.index:
        assert f'<span class="id">{pid}</span>' in html


def test_the_line_of_others_keeps_its_columns_kinds() -> None:
    """The line of others is text in a title column beside sums in number columns: the
    numbers are written as numbers (not "1327.0"), its other cells blank."""
    import pandas as pd

    from osa_opt.report.summary import largest_with_others

    frame = pd.DataFrame({"project_id": [f"P-{i:03d}" for i in range(30)],
                          "title": ["t"] * 30, "priority_tier": [1] * 30,
                          "fraction": [0.5] * 30, "total_cost": [1000.0 + i for i in range(30)]})
    html = largest_with_others(frame, by="total_cost", label_column="title",
                               label="5 other projects", sums=["total_cost"],
                               columns=list(frame.columns))
    last = html.split('<tr class="others">')[1].split("</tr>")[0]
    assert last == ("<td></td><td>5 other projects</td><td class=\"num\"></td>"
                    f"<td class=\"num\"></td><td class=\"num\">{money(1000.0 * 5 + 10)}</td>")
    assert html.index("P-029") < html.index("P-005")  # largest first
    assert "P-004" not in html
    assert table  # the same table writer
