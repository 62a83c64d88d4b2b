"""``portfolios.xlsx`` as a finished product: Read me, Projects, charts, conditional formats.

The workbook is read back with openpyxl and pandas; every chart series is resolved to the
cells it plots and compared with sums recomputed from the input cost columns; every
conditional format is evaluated row by row; and LibreOffice converts the file headless.
"""

from __future__ import annotations

import re
import subprocess
import warnings
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
from conftest import TINY_POLICY, require_program, tiny_countries, tiny_projects
from openpyxl.utils.cell import column_index_from_string, range_boundaries

import osa_opt
from osa_opt.analysis.frontier import frontier
from osa_opt.inputs.problem import Problem
from osa_opt.outputs.formats import NUMBER_PAD, OUTCOMES
from osa_opt.result import Result
from osa_opt.run_folder import write_run
from osa_opt.text import humanize

FORMULA_TEXTS = ('=HYPERLINK("http://x")', "+1", "-2", "@SUM(A1)")
DOCS = Path(__file__).resolve().parents[1] / "docs" / "outputs.md"
#: The Projects sheet's columns, as docs/outputs.md lists them.
PROJECTS_HEADER = ["project_id", "title", "country", "region", "priority_tier", "field",
                   "assistance_type", "status", "status_reason", "forced", "outcome",
                   "fraction", "total_cost", "funded_cost", "value", "funded_value", "reason",
                   "overrides"]
NOT_FUNDED_HEADER = ["project_id", "title", "country", "region", "priority_tier", "field",
                     "status", "status_reason", "eligible", "total_cost", "value", "reason"]
SHARES = [0.5, 0.75, 1.0]
LIBREOFFICE_TIMEOUT = 240


# ---------------------------------------------------------------------- fixtures
@pytest.fixture(scope="module")
def example_result() -> Result:
    """The shipped example: three ranked portfolios plus a three-level frontier."""
    problem = osa_opt.load_problem()
    result = osa_opt.solve(problem, portfolios=3)
    result.analyses["frontier"] = frontier(problem, shares=SHARES)
    return result


@pytest.fixture(scope="module")
def example_xlsx(example_result: Result, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_run(example_result, tmp_path_factory.mktemp("wb") / "run") / "portfolios.xlsx"


def load(path: Path) -> openpyxl.Workbook:
    with warnings.catch_warnings():  # openpyxl ignores Excel 2010 data-bar extensions
        warnings.simplefilter("ignore", UserWarning)
        return openpyxl.load_workbook(path)


@pytest.fixture(scope="module")
def book(example_xlsx: Path) -> openpyxl.Workbook:
    return load(example_xlsx)


def header_row(sheet: Any, first: str) -> int:
    """The row of the header whose first column reads ``first`` in words (humanize)."""
    for (cell,) in sheet.iter_rows(min_col=1, max_col=1):
        if cell.value in (humanize(first), first):
            return cell.row
    raise AssertionError(f"no header {first!r} in {sheet.title}")


def header(sheet: Any, first: str) -> list[str]:
    """The headers as written (in words)."""
    row = header_row(sheet, first)
    return [c.value for c in sheet[row] if c.value is not None]


def words(codes: Any) -> list[str]:
    return [humanize(c) for c in codes]


def columns(sheet: Any, row: int, letters: bool = False) -> dict[str, Any]:
    """Column code (``total_cost``) -> column number (or letter) of a header in words."""
    by_label = {c.value: c.column_letter if letters else c.column for c in sheet[row]}
    return ByCode(by_label)


class ByCode(dict):
    """Header (in words) -> column, looked up by the column's code through humanize."""

    def __getitem__(self, code: str) -> Any:
        return super().__getitem__(humanize(code))


def resolve(book: openpyxl.Workbook, ref: str) -> list[Any]:
    """The values of the cells a chart reference like ``'By country'!$E$5:$E$15`` names."""
    sheet, _, cells = ref.rpartition("!")
    sheet = sheet.strip("'").replace("''", "'")
    min_col, min_row, max_col, max_row = range_boundaries(cells.replace("$", ""))
    assert min_col == max_col, f"{ref} is not one column"
    ws = book[sheet]
    return [ws.cell(r, min_col).value for r in range(min_row, max_row + 1)]


def column_of(ref: str) -> tuple[str, int]:
    """(sheet, column number) of a one-column reference."""
    sheet, _, cells = ref.rpartition("!")
    return sheet.strip("'"), column_index_from_string(re.sub(r"[$\d:]", "", cells)[:1] or "A")


def title_of(chart: Any) -> str:
    return "".join(run.t for p in chart.title.tx.rich.p for run in (p.r or []))


def recomputed_cost_by(problem: Problem, fractions: dict[str, float], by: pd.Series) -> pd.Series:
    """Σ cost[p, y]·fraction[p] over fiscal years and projects, grouped by ``by``."""
    costs = problem.projects[[f"cost_{fy}" for fy in problem.fiscal_years]].astype(float)
    frac = pd.Series(fractions, dtype=float)
    funded = costs.loc[frac.index].sum(axis=1) * frac
    return funded.groupby(by.reindex(frac.index)).sum()


# ---------------------------------------------------------------------- every sheet
def test_every_sheet_reads_back_non_empty_with_its_documented_header(
        example_xlsx: Path, book: openpyxl.Workbook) -> None:
    expected = ["Read me", "Summary", "Partners", "Charts", "Projects", "Portfolio 1",
                "Portfolio 2",
                "Portfolio 3", "By country", "By tier", "By field", "By region", "Not funded",
                "Policy", "Frontier"]
    assert book.sheetnames == expected
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        frames = pd.read_excel(example_xlsx, sheet_name=None, header=None)
    assert list(frames) == expected
    for name, frame in frames.items():
        assert frame.notna().any().any(), f"sheet {name} is empty"
    assert header(book["Projects"], "project_id") == words(PROJECTS_HEADER)
    assert header(book["Not funded"], "project_id") == words(NOT_FUNDED_HEADER)
    assert header(book["Policy"], "key") == ["Key", "Value", "Unit", "Meaning"]
    assert set(words(["budget_share", "value", "greedy_value"])) <= set(header(book["Frontier"], "level"))
    docs = DOCS.read_text(encoding="utf-8")
    for name in ("Read me", "Charts", "Projects", "Summary", "Not funded"):
        assert f"`{name}`" in docs, f"docs/outputs.md does not describe sheet {name}"
    row = re.search(r"^\| `Projects` \|[^\n]*", docs, flags=re.MULTILINE)
    assert row, "docs/outputs.md has no row for the Projects sheet"
    columns_cell = row.group(0).split("|")[3]
    assert re.findall(r"`(\w+)`", columns_cell) == PROJECTS_HEADER


def test_read_me_lists_every_sheet_and_says_status_units_colours_policy(
        book: openpyxl.Workbook, example_result: Result) -> None:
    sheet = book["Read me"]
    assert book.active.title == "Read me"  # the workbook opens on it
    legend = header_row(sheet, "outcome")
    labels = {sheet.cell(r, 1).value: sheet.cell(r, 2).value for r in range(1, legend)}
    assert labels["Run status"] == example_result.status_message
    assert "¥ million" in labels["Units"]
    assert "Policy sheet" in labels["Policy"] and "policy.toml" in labels["Policy"]
    assert "Default OSA round" in labels["What this is"]
    assert "3 ranked portfolios" in labels["What this is"]
    first = header_row(sheet, "sheet")
    listed = [sheet.cell(r, 1).value for r in range(first + 1, sheet.max_row + 1)]
    assert listed == book.sheetnames
    assert all(sheet.cell(r, 2).value for r in range(first + 1, sheet.max_row + 1))
    for offset, outcome in enumerate(OUTCOMES, start=1):
        cell = sheet.cell(legend + offset, 1)
        assert cell.value == outcome.name.capitalize()
        assert cell.fill.fgColor.rgb[-6:] == outcome.fill.lstrip("#")
        assert sheet.cell(legend + offset, 2).value == outcome.meaning
    # the Projects sheet's line ended '...; coloured', read as cut off
    sheets = {sheet.cell(r, 1).value: sheet.cell(r, 2).value
              for r in range(first + 1, sheet.max_row + 1)}
    assert sheets["Projects"].endswith(
        "value and reason; each row coloured by its outcome (the legend above)")
    # a project slipped to another year's cost column is 'Ineligible' too: the legend says so
    # (it said 'fails an eligibility rule or is marked excluded', which such a project is not)
    assert sheet.cell(legend + len(OUTCOMES), 2).value == (
        "fails an eligibility rule, or is out of this round (marked excluded, or its cost only "
        "in a year the policy has no budget for): see the reason column")


# ---------------------------------------------------------------------- Projects
def test_headers_and_codes_read_in_words_while_the_csv_keeps_codes(
        book: openpyxl.Workbook, example_xlsx: Path, example_result: Result) -> None:
    sheet = book["Projects"]
    first = header_row(sheet, "project_id")
    row = {c.value: sheet.cell(first + 1, c.column).value for c in sheet[first]}
    project = example_result.problem.projects.iloc[0]
    assert project["field"] == "maritime_surveillance" and project["status"] == "mandatory"
    assert row["Project"] == project.name
    assert row["Field"] == "Maritime surveillance" and row["Status"] == "Mandatory"
    assert row["Type"] == project["assistance_type"].capitalize()
    assert "Total cost (¥m)" in row and "project_id" not in row
    summary = book["Summary"]
    head = [c.value for c in summary[header_row(summary, "rank")] if c.value]
    fiscal_year = example_result.problem.fiscal_years[0]
    assert {"Share of the best value", f"Cost {fiscal_year} (¥m)", f"Left {fiscal_year} (¥m)"
            } <= set(head)
    csv = pd.read_csv(example_xlsx.parent / "portfolios.csv", encoding="utf-8-sig")
    first_row = csv[csv["project_id"] == project.name].iloc[0]  # mandatory: always funded
    assert (first_row["field"], first_row["status"]) == ("maritime_surveillance", "mandatory")


def test_projects_sheet_gives_each_project_its_outcome_in_portfolio_1(
        book: openpyxl.Workbook, example_result: Result) -> None:
    sheet = book["Projects"]
    first = header_row(sheet, "project_id")
    cols = columns(sheet, first)
    problem = example_result.problem
    fractions = example_result.best.fractions
    rows = {sheet.cell(r, 1).value: r for r in range(first + 1, sheet.max_row + 1)}
    assert list(rows) == list(problem.projects.index)
    costs = problem.projects[[f"cost_{fy}" for fy in problem.fiscal_years]].sum(axis=1)
    outcomes = []
    for pid, r in rows.items():
        def cell(name: str, r: int = r) -> Any:
            return sheet.cell(r, cols[name]).value

        reasons = problem.eligibility.at[pid, "reasons"]
        fraction = fractions.get(pid, 0.0)
        expected = ("Ineligible" if reasons else "Unfunded" if pid not in fractions
                    else "Funded" if fraction == 1.0 else "Partly funded")
        assert cell("outcome") == expected, pid
        outcomes.append(expected)
        assert cell("fraction") == pytest.approx(fraction)
        assert cell("total_cost") == pytest.approx(costs[pid])
        assert cell("funded_cost") == pytest.approx(costs[pid] * fraction)
        assert cell("funded_value") == pytest.approx(problem.value[pid] * fraction)
        if pid in fractions:
            assert cell("reason") is None
        else:
            # wrapped by the writer at spaces only (ids never break at their hyphen)
            assert cell("reason").replace("\n", " ") == example_result.unfunded.at[pid, "reason"]
    counts = pd.Series(outcomes).value_counts()
    assert counts["Ineligible"] == len(problem.projects) - len(problem.eligible)
    assert counts.get("Funded", 0) + counts.get("Partly funded", 0) == len(fractions)
    funded_cost = sum(sheet.cell(r, cols["funded_cost"]).value for r in rows.values())
    assert funded_cost == pytest.approx(example_result.best.total_cost)
    assert sheet.cell(first + 1, cols["funded_cost"]).number_format == "#,##0" + NUMBER_PAD
    assert sheet.cell(first + 1, cols["fraction"]).number_format == "0%" + NUMBER_PAD


def _formula_rules(sheet: Any) -> list[tuple[str, str, str, str]]:
    """(range, column letter, literal, fill) of every 'cell equals' formula rule."""
    out = []
    for cf in sheet.conditional_formatting:
        for rule in cf.rules:
            if rule.type != "expression":
                continue
            match = re.fullmatch(r'\$([A-Z]+)(\d+)=("?)(.*?)\3', rule.formula[0])
            assert match, rule.formula
            out.append((str(cf.sqref), match.group(1), match.group(4),
                        rule.dxf.fill.bgColor.rgb[-6:]))
    return out


def test_projects_rows_are_coloured_by_conditional_formats_that_follow_the_data(
        book: openpyxl.Workbook) -> None:
    sheet = book["Projects"]
    first = header_row(sheet, "project_id")
    last = sheet.max_row
    cols = columns(sheet, first, letters=True)
    rules = _formula_rules(sheet)
    whole_table = f"A{first + 1}:{cols[PROJECTS_HEADER[-1]]}{last}"
    assert {(rng, column) for rng, column, *_ in rules} == {(whole_table, cols["outcome"])}
    fills = {literal: fill for _, _, literal, fill in rules}
    assert fills == {o.name.capitalize(): o.fill.lstrip("#") for o in OUTCOMES}
    for r in range(first + 1, last + 1):  # each row matches exactly one rule
        outcome = sheet[f"{cols['outcome']}{r}"].value
        assert [lit for *_, lit, _ in rules if lit == outcome] == [outcome]
        assert sheet[f"A{r}"].fill.patternType is None  # no static fill under the rule
    bars = [(str(cf.sqref), rule) for cf in sheet.conditional_formatting for rule in cf.rules
            if rule.type == "dataBar"]
    assert [rng for rng, _ in bars] == [f"{cols['fraction']}{first + 1}:{cols['fraction']}{last}"]
    bar = bars[0][1].dataBar
    assert [(v.type, float(v.val)) for v in bar.cfvo] == [("num", 0.0), ("num", 1.0)]


def test_not_funded_rows_are_red_when_ineligible_and_grey_when_eligible(
        book: openpyxl.Workbook) -> None:
    sheet = book["Not funded"]
    first = header_row(sheet, "project_id")
    eligible = [c.column_letter for c in sheet[first] if c.value == "Eligible"][0]
    rules = {(column, literal): fill for _, column, literal, fill in _formula_rules(sheet)}
    red = next(o.fill for o in OUTCOMES if o.name == "ineligible").lstrip("#")
    grey = next(o.fill for o in OUTCOMES if o.name == "unfunded").lstrip("#")
    assert rules == {(eligible, "FALSE"): red, (eligible, "TRUE"): grey}


# ---------------------------------------------------------------------- charts
def test_charts_are_native_and_plot_the_right_cells(
        book: openpyxl.Workbook, example_xlsx: Path, example_result: Result) -> None:
    charts = book["Charts"]._charts
    kinds = [(type(c).__name__, getattr(c, "type", None), getattr(c, "grouping", None))
             for c in charts]
    problem = example_result.problem
    years = len(problem.fiscal_years)  # one budget-use chart per fiscal year
    # allocation: clustered columns, whose legend reads in series order (a bar chart's
    # reads bottom-up in LibreOffice: "Portfolio 3 · 2 · 1")
    assert kinds == [("BarChart", "col", "clustered"), ("BarChart", "col", "clustered"),
                     *[("BarChart", "col", "stacked")] * years, ("ScatterChart", None, None)]
    with zipfile.ZipFile(example_xlsx) as archive:
        names = [n for n in archive.namelist() if re.fullmatch(r"xl/charts/chart\d+\.xml", n)]
    assert len(names) == 3 + years
    portfolios = example_result.portfolios
    # allocation by country and by region: one series per portfolio, from the By sheets
    for chart, by, grouping in ((charts[0], "country", problem.projects["country"]),
                                (charts[1], "region", problem.region)):
        assert by in title_of(chart) and "(¥\u00a0million)" in title_of(chart)  # one piece
        assert [s.tx.v for s in chart.series] == ["Portfolio 1", "Portfolio 2", "Portfolio 3"]
        for series, portfolio in zip(chart.series, portfolios, strict=True):
            groups = resolve(book, series.cat.strRef.f)
            values = resolve(book, series.val.numRef.f)
            sheet, column = column_of(series.val.numRef.f)
            assert sheet == f"By {by}"
            assert book[sheet].cell(header_row(book[sheet], by), column).value == (
                f"Total cost (¥m) #{portfolio.rank}")
            expected = recomputed_cost_by(problem, portfolio.fractions, grouping)
            assert dict(zip(groups, values, strict=True)) == pytest.approx(
                expected.reindex(groups).fillna(0.0).to_dict())
    # budget use per fiscal year: used and left per portfolio, from Summary
    for chart, fy in zip(charts[2:2 + years], problem.fiscal_years, strict=True):
        assert fy in title_of(chart) and "portfolios 1–3" in title_of(chart)
        used, left = chart.series
        assert (used.tx.v, left.tx.v) == ("used", "left")
        assert resolve(book, used.cat.numRef.f) == [1, 2, 3]
        budget = problem.policy.budget[fy]
        column = problem.projects[f"cost_{fy}"].astype(float)
        spent = [sum(column[p] * f for p, f in p_.fractions.items()) for p_ in portfolios]
        assert resolve(book, used.val.numRef.f) == pytest.approx(spent)
        assert resolve(book, left.val.numRef.f) == pytest.approx([budget - s for s in spent])
    # the frontier: exact and greedy value against the budget share, from its sheet
    scatter = charts[-1]
    points = example_result.analyses["frontier"].points
    exact, greedy = scatter.series
    assert resolve(book, exact.xVal.numRef.f) == pytest.approx(SHARES)
    assert resolve(book, exact.yVal.numRef.f) == pytest.approx(points["value"].tolist())
    assert resolve(book, greedy.yVal.numRef.f) == pytest.approx(points["greedy_value"].tolist())
    assert column_of(exact.yVal.numRef.f)[0] == "Frontier"
    assert points["value"].iloc[-1] == pytest.approx(example_result.best.objective)


def test_a_run_without_portfolio_has_no_charts_and_every_project_unfunded(
        tmp_path: Path) -> None:
    policy = osa_opt.Policy.from_dict({**TINY_POLICY, "priority": {"min_countries": 4}})
    problem = Problem.from_frames(tiny_projects(), tiny_countries(), policy)
    result = osa_opt.solve(problem)
    assert result.best is None
    book = load(write_run(result, tmp_path / "run") / "portfolios.xlsx")
    assert "Charts" not in book.sheetnames and book.sheetnames[:3] == [
        "Read me", "Summary", "Projects"]
    sheet = book["Projects"]
    first = header_row(sheet, "project_id")
    outcome = PROJECTS_HEADER.index("outcome") + 1
    outcomes = {sheet.cell(r, 1).value: sheet.cell(r, outcome).value
                for r in range(first + 1, sheet.max_row + 1)}
    assert outcomes == {"P-01": "Unfunded", "P-02": "Unfunded", "P-03": "Unfunded",
                        "P-04": "Unfunded", "P-05": "Unfunded", "P-06": "Ineligible"}
    readme = book["Read me"]
    status = next(readme.cell(r, 2).value for r in range(1, readme.max_row + 1)
                  if readme.cell(r, 1).value == "Run status")
    assert status == result.status_message == result.message != ""


# ---------------------------------------------------------------------- security
def test_formula_like_input_text_is_text_in_projects_read_me_and_csv(tmp_path: Path) -> None:
    projects = tiny_projects()
    projects.loc[:3, "title"] = FORMULA_TEXTS  # P-01 … P-04
    policy = osa_opt.Policy.from_dict({**TINY_POLICY, "name": FORMULA_TEXTS[0]})
    result = osa_opt.solve(Problem.from_frames(projects, tiny_countries(), policy))

    class Analysis:
        def tables(self) -> dict[str, pd.DataFrame]:
            return {"@SUM(A1)": pd.DataFrame({"-2": ["+1", '=HYPERLINK("http://x")']})}

    result.analyses["injected"] = Analysis()
    folder = write_run(result, tmp_path / "run")
    book = load(folder / "portfolios.xlsx")
    for sheet in book.worksheets:  # no formula anywhere
        for row in sheet.iter_rows():
            assert all(cell.data_type != "f" for cell in row), sheet.title
    sheet = book["Projects"]
    first = header_row(sheet, "project_id")
    titles = {sheet.cell(r, 1).value: sheet.cell(r, 2) for r in range(first + 1, first + 7)}
    for pid, text in zip(["P-01", "P-02", "P-03", "P-04"], FORMULA_TEXTS, strict=True):
        assert titles[pid].value == text and titles[pid].data_type == "s"
    readme = book["Read me"]
    texts = [c for row in readme.iter_rows() for c in row if isinstance(c.value, str)]
    assert any(FORMULA_TEXTS[0] in c.value for c in texts)  # the policy name, verbatim
    listed = [c for c in texts if c.value == "@SUM(A1)"]  # the analysis sheet, listed
    assert len(listed) == 1 and listed[0].data_type == "s"
    assert book["Summary"]["B5"].value == FORMULA_TEXTS[0]  # the policy row
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        frame = pd.read_excel(folder / "portfolios.xlsx", sheet_name="Projects", header=first - 1)
    assert frame["Title"].head(4).tolist() == list(FORMULA_TEXTS)
    csv = pd.read_csv(folder / "portfolios.csv", encoding="utf-8-sig", dtype=str,
                      keep_default_na=False)
    funded_titles = set(csv["title"])
    for pid, text in zip(["P-01", "P-02", "P-03", "P-04"], FORMULA_TEXTS, strict=True):
        if pid in result.best.fractions:
            assert "'" + text in funded_titles


# ---------------------------------------------------------------------- LibreOffice
@pytest.mark.slow
def test_libreoffice_converts_the_workbook_headless(example_xlsx: Path, tmp_path: Path) -> None:
    soffice = require_program(("soffice", "libreoffice"),
                              "apt-get install -y libreoffice-calc-nogui")
    profile = tmp_path / "lo-profile"  # a fresh profile: no lock shared with another run
    proc = subprocess.run(
        [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
         "--convert-to", "pdf", "--outdir", str(tmp_path / "pdf"), str(example_xlsx)],
        capture_output=True, text=True, timeout=LIBREOFFICE_TIMEOUT)
    pdf = tmp_path / "pdf" / "portfolios.pdf"
    assert proc.returncode == 0, proc.stderr
    assert pdf.is_file(), f"no PDF written; soffice said: {proc.stdout} {proc.stderr}"
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 20_000
    pages = len(re.findall(rb"/Type\s*/Page[^s]", data))
    assert pages >= len(load(example_xlsx).sheetnames)  # every sheet printed


def test_budget_levels_between_whole_percents_read_as_the_terminal_prints_them(
        tmp_path: Path) -> None:
    """The sweep's levels at 37.5% and 62.5% of the budget: the terminal and the report
    print "37.5%", the workbook's 0% format showed "38%" (and a project first funded there
    the same), so the three disagreed on the level a budget officer reads."""
    from osa_opt.workflows import frontier as frontier_run

    result = frontier_run(osa_opt.load_problem(), shares=[0.375, 0.625, 1.0])
    book = load(write_run(result, tmp_path / "run") / "portfolios.xlsx")
    for name, first, column in (("Frontier", "level", "Budget share"),
                                ("Funding levels", "level", "Budget share"),
                                ("Funding order", "project_id", "Funded from budget share")):
        sheet = book[name]
        row = header_row(sheet, first)
        cols = {cell.value: cell.column for cell in sheet[row]}
        cell = sheet.cell(row + 1, cols[column])
        assert cell.value == 0.375 and cell.number_format == "0.0%" + NUMBER_PAD, name


def test_a_budget_levels_amounts_read_as_the_terminal_prints_them(tmp_path: Path) -> None:
    """37.5% and 68.75% of the example's ¥18,100m are ¥6,787.5m and ¥12,443.75m: the
    terminal's frontier table and report.html print 6,787.5 and 12,443.8, the workbook's
    #,##0 showed 6,788 and 12,444 (a level's cost above its own budget, to the eye). A
    column shows one decimal on every row where any amount has one (18,100.0 at 100%, never
    "18,100" under "12,443.8"), whole millions where none has; the cells keep the exact
    amount."""
    from osa_opt.text import money_column
    from osa_opt.workflows import frontier as frontier_run

    result = frontier_run(osa_opt.load_problem(), shares=[0.375, 0.6875, 1.0])
    book = load(write_run(result, tmp_path / "run") / "portfolios.xlsx")
    shown = {"#,##0" + NUMBER_PAD: "{:,.0f}", "#,##0.0" + NUMBER_PAD: "{:,.1f}"}
    for name, columns in (("Frontier", ("Budget FY2026 (¥m)", "Total budget (¥m)",
                                        "Total cost (¥m)")),
                          ("Funding levels", ("Total budget (¥m)",))):
        sheet = book[name]
        row = header_row(sheet, "level")
        cols = {cell.value: cell.column for cell in sheet[row]}
        for column in columns:
            cells = [sheet.cell(row + k, cols[column]) for k in (1, 2, 3)]
            texts = [shown[c.number_format].format(c.value) for c in cells]
            assert texts == money_column(c.value for c in cells), (name, column, texts)
        budgets = [sheet.cell(row + k, cols["Total budget (¥m)"]).value for k in (1, 2, 3)]
        assert budgets == [6787.5, 12443.75, 18100], name
    # elsewhere money stays whole millions: portfolio 1's costs on the Summary sheet
    sheet = book["Summary"]
    row = header_row(sheet, "rank")
    cols = {cell.value: cell.column for cell in sheet[row]}
    assert sheet.cell(row + 1, cols["Total cost (¥m)"]).number_format == "#,##0" + NUMBER_PAD


# ---------------------------------------------------------------------- long text
def test_text_past_excels_limit_is_cut_in_sight_and_named_on_read_me(tmp_path: Path) -> None:
    """A title longer than Excel's 32,767 characters (a CSV input takes it) ends its cells
    with a mark saying it is cut, within the limit (xlsxwriter cut it silently); the Read
    me names each such cell once, and portfolios.csv keeps the whole text."""
    from osa_opt.outputs.tables import EXCEL_TEXT_LIMIT

    projects = tiny_projects()
    long_title = "Coastal radars " + "and more " * 5_000  # 45,015 characters
    projects.loc[0, "title"] = long_title  # P-01
    result = osa_opt.solve(Problem.from_frames(projects, tiny_countries(),
                                               osa_opt.Policy.from_dict(TINY_POLICY)))
    assert "P-01" in result.best.project_ids
    folder = write_run(result, tmp_path / "run")
    book = load(folder / "portfolios.xlsx")
    for name in ("Projects", "Portfolio 1"):
        sheet = book[name]
        first = header_row(sheet, "project_id")
        row = next(r for r in range(first + 1, sheet.max_row + 1)
                   if sheet.cell(r, 1).value == "P-01")
        title = sheet.cell(row, 2).value
        assert 400 < sheet.row_dimensions[row].height <= 409  # Excel's tallest, not 13,533
        assert len(title) <= EXCEL_TEXT_LIMIT
        assert title.replace("\n", " ").startswith("Coastal radars and more")
        assert re.search(r"… \[cut: [\d,]+ more characters past Excel's limit of 32,767; "
                         r"see Read me\]\Z", title.replace("\n", " ")), title[-120:]
    readme = book["Read me"]
    cut = [readme.cell(r, 2).value for r in range(1, readme.max_row + 1)
           if readme.cell(r, 1).value == "Cut text"]
    assert cut == [
        "Excel holds at most 32,767 characters in a cell, so the text of 6 cells is cut, "
        "ending '… [cut: N more characters …]': Partners, column Title, project P-01; "
        "Projects, column Title, project P-01; Portfolio 1, column Title, project P-01; "
        "Portfolio 2, column Title, project P-01; Portfolio 3, column Title, project P-01; "
        "Portfolio 4, column Title, project P-01. "
        "The full text is in portfolios.csv next to this workbook (every funded project of "
        "every portfolio, one row each), in run.json (the run's notes and the input's "
        "warnings) and, for text typed in the input, in the input file."]
    csv = pd.read_csv(folder / "portfolios.csv")
    assert long_title.strip() in set(csv["title"])


def test_a_read_me_row_past_excels_limit_is_cut_and_named_too() -> None:
    """A note of the run longer than a cell holds is cut there (not left to xlsxwriter),
    and the row Cut text names it."""
    from osa_opt.outputs.readme import facts

    result = osa_opt.solve(Problem.from_frames(tiny_projects(), tiny_countries(),
                                               osa_opt.Policy.from_dict(TINY_POLICY)))
    result.notes.append("A long note " + "x" * 40_000)
    rows = dict(facts(result, ""))
    assert "Read me, row Note." in rows["Cut text"]
    assert list(dict(facts(result, "", cut=["Projects, column Title, project P-01"]))) \
        .count("Cut text") == 1


def test_partners_has_a_units_column_only_when_an_item_counts_units(tmp_path: Path) -> None:
    """The Partners sheet of the shipped example (no item in whole units) kept a Units
    column with every cell empty. It now has one only when an item of portfolio 1 is
    funded in whole units, filled for those items, as the report does."""
    from osa_opt.workflows import solve

    def partners(problem: Problem, name: str) -> list[tuple[Any, ...]]:
        folder = solve(problem, portfolios=1, explain=False).write(tmp_path / name)
        book = openpyxl.load_workbook(folder / "portfolios.xlsx")
        return list(book["Partners"].values)[2:]  # under the title and the money note

    plain = partners(osa_opt.load_problem(), "plain")
    assert "Units" not in plain[0] and "Title" in plain[0]
    boats = osa_opt.load_problem()
    boats = boats.with_projects(boats.projects.assign(
        units_max=lambda t: t["units_max"].mask(t.index == "P-02", 2),
        unit=lambda t: t["unit"].mask(t.index == "P-02", "boats")))
    rows = partners(boats, "boats")
    at = rows[0].index("Units")
    filled = {row[1]: row[at] for row in rows[1:] if row[at]}
    assert filled == {"P-02": "2 of 2 boats"}
