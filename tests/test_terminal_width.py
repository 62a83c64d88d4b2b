"""What a budget officer reads in an 80- or 120-column terminal: no line wider than the
terminal, no number or fiscal year cut ("FY20…", "18,…"), the decision named (portfolio
1 by partner, what each other portfolio changes, fractions included), value defined."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CUT_NUMBER = re.compile(r"\w…|…\d")  # "18,…", "FY20…", "nesti…": a cut number or word


pytestmark = pytest.mark.slow  # every command run as a subprocess at two widths


def osa(*args: str, width: int, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": str(width), "NO_COLOR": "1", "TERM": "dumb"}
    env.pop("LINES", None)
    return subprocess.run([sys.executable, "-m", "osa_opt", *args], capture_output=True,
                          text=True, env=env, cwd=cwd, timeout=300)


def check_width(text: str, width: int) -> None:
    for line in text.splitlines():
        assert len(line) <= width, f"{len(line)} > {width}: {line!r}"
        assert not CUT_NUMBER.search(line), f"a number or word cut: {line!r}"
        if line.startswith(("┏", "┃", "┡", "│", "└")):  # rich crops a table too wide to
            assert line.rstrip()[-1] in "┓┃┩│┘┤", f"a table cut at {width}: {line!r}"  # fit


@pytest.fixture(scope="module")
def solved(tmp_path_factory: pytest.TempPathFactory) -> dict[int, tuple[str, dict]]:
    """``osa-opt solve`` on the shipped example at 60, 80 and 120 columns: text and run.json."""
    out = {}
    for width in (60, 80, 120):
        folder = tmp_path_factory.mktemp(f"w{width}")
        proc = osa("solve", "--no-explain", "--out", str(folder / "run"), width=width,
                   cwd=ROOT)
        assert proc.returncode == 0, proc.stderr
        manifest = json.loads((folder / "run" / "run.json").read_text(encoding="utf-8"))
        out[width] = (proc.stdout, manifest)
    return out


@pytest.mark.parametrize("width", [80, 120])
def test_solve_fits_the_terminal(solved: dict[int, tuple[str, dict]], width: int) -> None:
    text, manifest = solved[width]
    check_width(text, width)
    flat = " ".join(text.split())
    for portfolio in manifest["portfolios"]:  # every value and cost shown whole
        assert f"{portfolio['objective']:,.3f}" in flat
        for cost in portfolio["cost_by_year"].values():
            assert f"{cost:,.0f}" in flat


def test_the_terminal_names_the_decision(solved: dict[int, tuple[str, dict]]) -> None:
    import osa_opt

    text, manifest = solved[80]
    flat = " ".join(text.split())
    problem = osa_opt.load_problem()
    best = manifest["portfolios"][0]
    assert "Portfolio 1: what is funded, by partner" in flat
    for pid in best["projects"]:  # every item of portfolio 1, by id and title's first word
        assert f" {pid} " in flat
        assert str(problem.projects.at[pid, "title"]).split()[0] in flat
    for pid, fraction in best["fractions"].items():  # partly funded items say how much
        assert re.search(rf"{pid} .*? {fraction:.0%}", flat)
    for country in {problem.projects.at[p, "country"] for p in best["projects"]}:
        assert country in flat
        n = sum(problem.projects.at[p, "country"] == country for p in best["projects"])
        # each package counts its items, the word the report and the workbook use
        assert re.search(rf"{country} │ {n} items?\b", flat), country
    assert not re.search(r"│ \d+ projects? ", flat)
    for portfolio in manifest["portfolios"][1:]:
        line = re.search(rf"Portfolio {portfolio['rank']} \(.*?\)\: (.*?)\.(?= Portfolio|"
                         r" Budget)", flat)
        assert line, f"no change line for portfolio {portfolio['rank']}"
        said = line.group(1)
        for pid in portfolio["added"] + portfolio["dropped"]:
            assert pid in said
        for pid in set(best["projects"]) & set(portfolio["projects"]):
            before = best["fractions"].get(pid, 1.0)
            after = portfolio["fractions"].get(pid, 1.0)
            if abs(before - after) > 1e-6:  # a changed fraction is a change too
                assert f"{pid} " in said and f"{after:.0%} instead of {before:.0%}" in said


@pytest.mark.parametrize("width", [60, 80])
def test_a_narrow_ranked_table_says_what_it_left_out(solved: dict[int, tuple[str, dict]],
                                                     width: int) -> None:
    """The ranked portfolios at 80 columns lost "Left FY2026" without a word; frontier said
    "Left out at this width": solve says it the same way (at 60, under the blocks)."""
    text = solved[width][0]
    check_width(text, width)
    flat = " ".join(text.split())
    assert "Left out at this width: Left FY2026 (¥m) (the budget use table below has " \
           "portfolio 1's; the workbook's Summary sheet has every column)." in flat
    assert "Left out" not in solved[120][0]


def test_value_is_defined_under_the_table(solved: dict[int, tuple[str, dict]]) -> None:
    flat = " ".join(solved[80][0].split())
    assert "Value is a score, not money" in flat
    assert "0.4 × security + 0.3 × humanitarian + 0.3 × partnership" in flat
    assert "cost in ¥ million; value is a score" in flat


COMMANDS = [
    ["explain", "P-17"],
    ["frontier", "--steps", "5"],
    ["robustness", "--samples", "8"],
    ["compare", "--policy", "models/default.toml", "--policy",
     "models/humanitarian_focus.toml"],
    ["compare", "--budget-scenario", "FY2026=15000"],
    ["execution", "--samples", "200"],
    ["validate"],
    ["validate", "--budget", "FY2026=800"],  # a diagnosis (exit 3), wrapped to the width
    ["validate", "--budget", "FY2028=500"],
    ["validate", "--set", "priority.min_countries=abc", "--set", "objective.weigths=3"],
    ["compare"],  # a usage error: click's message, wrapped too
]


def run(args: list[str], width: int, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    extra = ["--out", str(tmp_path / "run")] if args[0] in (
        "frontier", "robustness", "compare", "execution") else []
    return osa(*args, *extra, width=width, cwd=ROOT)


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
@pytest.mark.parametrize("width", [60, 80, 120])
def test_every_command_fits_the_terminal(args: list[str], width: int,
                                         tmp_path: Path) -> None:
    proc = run(args, width, tmp_path)
    assert proc.returncode in (0, 2, 3), proc.stderr
    check_width(proc.stdout, width)
    check_width(proc.stderr, width)
    if args[0] == "validate" and len(args) > 1:
        flat = " ".join(proc.stderr.split())
        assert "Traceback" not in flat and ("problem" in flat or "cannot be met" in flat)


def table_headers(text: str) -> list[str]:
    """Every column header of every table in ``text``, its lines joined: rich writes a
    header's lines one under the other between the ┃ rules."""
    headers: list[str] = []
    columns: list[list[str]] = []
    for line in text.splitlines():
        if line.startswith("┏"):
            columns = []
        elif line.startswith("┃"):
            cells = [c.strip() for c in line.strip().strip("┃").split("┃")]
            columns = columns or [[] for _ in cells]
            for parts, cell in zip(columns, cells, strict=True):
                parts.append(cell)
        elif line.startswith("┡"):
            headers += [" ".join(p for p in parts if p) for parts in columns]
    return headers


def test_terminal_tables_use_the_words_of_the_report_and_workbook(
        solved: dict[int, tuple[str, dict]], tmp_path: Path) -> None:
    """Column headers, fields and statuses in words, as osa_opt.text.humanize writes them
    for the report and the workbook ("Share of the best value", "Maritime surveillance");
    run.json and the CSV keep the codes."""
    from osa_opt.text import code_label, humanize

    text = solved[80][0]
    headers = table_headers(text)
    for column in ("share_of_best", "cost_FY2026", "n_projects", "n_countries"):
        assert humanize(column) in headers, (column, headers)
    outputs = [text] + [run(args, 120, tmp_path / str(k)).stdout
                        for k, args in enumerate(COMMANDS[:6])]
    for out in outputs:
        for header in table_headers(out):
            assert not re.search(r"\b[a-z]+_[a-z_]+\b", header), header  # no code
            assert not header or header[0].isupper() or not header[0].isalpha(), header
    explained = run(["explain", "P-13"], 80, tmp_path).stdout
    first = " ".join(" ".join(explained.split("\n")[:2]).split())
    assert code_label("maritime_surveillance") in first and "maritime_surveillance" not in first


@pytest.fixture(scope="module")
def ten_ranked() -> object:
    """A three-year synthetic round (400 projects, six-digit ids) ranked into ten portfolios
    that fund some projects at other fractions than portfolio 1."""
    from benchmarks.synthetic import make_problem
    from osa_opt.workflows import solve

    return solve(make_problem(400, 3, seed=1), portfolios=10)


@pytest.mark.parametrize("width", [80, 100, 120])
def test_ten_portfolios_of_three_years_fit_the_terminal(ten_ranked: object,
                                                       width: int) -> None:
    """At 80 columns the ranked table of a three-year round was cut on the right: the
    changes read "Chang", "+P-00", "… (4 " and the border was gone. The narrowest layout
    now leaves the changes to the lines under the table, and says so."""
    import io

    from rich.console import Console

    from osa_opt.cli.render import change_lines, decision_table, portfolios_table

    console = Console(width=width, record=True, color_system=None, file=io.StringIO())
    console.print(portfolios_table(ten_ranked, console))
    console.print(decision_table(ten_ranked.best, console))
    for line in change_lines(ten_ranked):
        console.print(line)
    text = console.export_text()
    check_width(text, width)
    flat = " ".join(text.split())
    if "┃ Changes" not in text:  # the narrowest layout
        assert "What each portfolio changes against portfolio 1: below." in flat
    for portfolio in ten_ranked.portfolios[1:]:
        assert f"Portfolio {portfolio.rank} (" in flat
        for pid in portfolio.added:
            assert f"+{pid}" in flat or f"adds {pid}" in flat or f", {pid}" in flat \
                or f" and {pid}" in flat


def test_a_changed_fraction_never_reads_as_the_same(ten_ranked: object) -> None:
    """"funds P-006783 … 100% instead of 100%" (99.8% against all): the two shares of a
    changed fraction always differ as printed."""
    from osa_opt.cli.render import change_lines, changes_cell

    lines = " ".join(change_lines(ten_ranked))
    pairs = re.findall(r"package (\d+(?:\.\d+)?%) instead of (\d+(?:\.\d+)?%)", lines)
    assert pairs and all(now != was for now, was in pairs)
    arrows = re.findall(r"(\d+(?:\.\d+)?%)→(\d+(?:\.\d+)?%)",
                        " ".join(str(changes_cell(p, limit=100))
                                 for p in ten_ranked.portfolios))
    assert arrows and all(a != b for a, b in arrows)


def test_a_narrow_terminal_leaves_columns_out_or_lists_rows_never_cuts(tmp_path: Path) -> None:
    """At 60 columns the frontier drops whole columns and says which (the workbook has
    them); compare, whose narrowest table still does not fit, lists each scenario as a
    block of "header: value" lines, with its projects in and out below."""
    frontier = osa("frontier", "--steps", "5", "--out", str(tmp_path / "f"), width=60,
                   cwd=ROOT)
    assert frontier.returncode == 0, frontier.stderr
    flat = " ".join(frontier.stdout.split())
    # the levels' budgets have a decimal (10,181.3, as the report shows them): greedy and
    # gain no longer fit beside them at 60 columns
    assert "Left out at this width: Greedy value, Gain, Nested value, Nesting cost (the " \
           "workbook's Frontier sheet has every column)." in flat
    assert "10,181.3" in frontier.stdout
    assert "171.239" in frontier.stdout  # the exact value at 100%, whole
    compare = osa("compare", "--policy", "models/default.toml", "--policy",
                  "models/humanitarian_focus.toml", "--out", str(tmp_path / "c"), width=60,
                  cwd=ROOT)
    assert compare.returncode == 0, compare.stderr
    lines = compare.stdout.splitlines()
    block = lines[lines.index("Scenario humanitarian_focus"):][:6]
    assert block[1:] == ["  Value: 107.295", "  Value under default's weights: 150.287",
                         "  Cost per year (¥m): FY2026 16,600", "  Projects: 25",
                         "  Countries: 11"]
    assert "humanitarian_focus against default: in P-03, P-17, P-28; out" in compare.stdout


def table_cells(text: str, title: str) -> list[list[str]]:
    """The body rows of the table titled ``title``: each row's cells, a cell's lines joined
    (a row starts where the first column has text)."""
    lines = text.splitlines()
    start = next(k for k, line in enumerate(lines) if line.startswith(title))
    body = lines[next(k for k in range(start, len(lines)) if lines[k].startswith("┡")) + 1:]
    rows: list[list[list[str]]] = []
    for line in body:
        if not line.startswith("│"):
            break
        cells = [c.strip() for c in line.strip("│").split("│")]
        if cells[0] or not rows:
            rows.append([[] for _ in cells])
        for lines_of_cell, cell in zip(rows[-1], cells, strict=True):
            if cell:
                lines_of_cell.append(cell)
    # a line ending in a hyphen goes on without a space: "Earthquake-" "response"
    return [["".join(x if x.endswith("-") else x + " " for x in c).strip() for c in row]
            for row in rows]


def test_a_narrow_funding_order_breaks_titles_between_words_or_after_hyphens(
        tmp_path: Path) -> None:
    """At 60 columns a title folded inside a word, "Earthquake-respons" over "e heavy
    rescue": a line breaks at a space, or after a word's hyphen, as a reader writes."""
    import osa_opt

    proc = osa("frontier", "--steps", "5", "--out", str(tmp_path / "f"), width=60, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    check_width(proc.stdout, 60)
    projects = osa_opt.load_problem().projects
    rows = table_cells(proc.stdout, "Funding order (top 15 of")
    assert len(rows) == 15
    for _, pid, title, *_ in rows:
        assert title == f"{projects.at[pid, 'title']} ({projects.at[pid, 'country']})"


def test_validate_cuts_no_header_in_a_very_narrow_terminal(tmp_path: Path) -> None:
    """At 40 columns validate's budget table printed "Reques…" for "Requested": it went
    to rich as it was, not through first_fitting; now as one block per fiscal year."""
    proc = osa("validate", width=40, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    check_width(proc.stdout, 40)
    flat = " ".join(proc.stdout.split())
    assert "Requested: 27,000" in flat and "Requested / budget: 149%" in flat


def test_a_long_baseline_name_keeps_the_compare_table(tmp_path: Path) -> None:
    """The column "Value under humanitarian_focus's weights" was capped at 14 characters,
    under its header's 20: no layout fitted even 150 columns, and every scenario went out
    as a block of lines. The table is there, the name whole."""
    compare = osa("compare", "--policy", "models/humanitarian_focus.toml", "--policy",
                  "models/default.toml", "--out", str(tmp_path / "c"), width=150, cwd=ROOT)
    assert compare.returncode == 0, compare.stderr
    check_width(compare.stdout, 150)
    assert compare.stdout.count("┏") == 1
    assert "humanitarian_focus's" in table_headers(compare.stdout)[2]


def test_a_change_is_never_broken_inside_at_80_columns() -> None:
    """A one-year round with six-digit ids, ten portfolios, at 80 columns: the changes
    column printed "−P-001757 P-" over "000268 95%→94" over "%", an id cut after its hyphen
    and a changed fraction cut in two. A change is printed whole; a column too narrow for
    the longest leaves the changes to the lines under the table (the budget left back in
    the table, as it now fits)."""
    import io

    from rich.console import Console

    from benchmarks.synthetic import make_problem
    from osa_opt.cli.render import change_lines, portfolios_table
    from osa_opt.workflows import solve

    result = solve(make_problem(400, 1, seed=1), portfolios=10, explain=False)
    assert any(p.fraction_changes for p in result.portfolios[1:])
    console = Console(width=80, record=True, color_system=None, file=io.StringIO())
    console.print(portfolios_table(result, console))
    text = console.export_text()
    check_width(text, 80)
    assert all(len(pid) == len("P-000001") for pid in re.findall(r"P-\d*", text)), text
    assert not re.search(r"→\d*\s*│", text), text  # "95%→94" | "%"
    assert "What each portfolio changes against portfolio 1: below." in " ".join(text.split())
    assert "Left" in text  # the budget left fits beside the other columns
    lines = " ".join(change_lines(result))
    for portfolio in result.portfolios[1:]:
        for pid, _, _ in portfolio.fraction_changes:
            assert f"funds {pid} " in lines
