"""The run folder: run.json, portfolios.xlsx, portfolios.csv, policy.toml (DESIGN §6).

Numbers in the outputs are checked against sums recomputed with pandas from the input
cost columns; the files are read back with json, openpyxl and pandas.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import tempfile
import time
import tomllib
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest

import osa_opt
from osa_opt import run_folder as run_module
from osa_opt.errors import OsaError
from osa_opt.inputs.problem import Problem
from osa_opt.outputs import workbook as workbook_module
from osa_opt.outputs.formats import NUMBER_PAD
from osa_opt.outputs.manifest import RUN_FILES as RUN_FILE_NAMES
from osa_opt.outputs.manifest import build_manifest, json_safe
from osa_opt.outputs.safe import slug
from osa_opt.result import Portfolio, Result, Status
from osa_opt.run_folder import write_run
from osa_opt.text import csv_safe, humanize

FORMULA_TITLE = '=HYPERLINK("x")'
FORMULA_REASON = "=cmd|' /C calc'!A0"
FORMULA_NOTE = "@SUM(A1)"
RUN_FILES = set(RUN_FILE_NAMES)
TABLE_SHEETS = ["Summary", "Projects", "By country", "By tier", "By field", "By region",
                "Not funded", "Policy"]
#: Sheets that hold no table (so no autofilter): the guide and the charts.
NON_TABLE_SHEETS = {"Read me", "Charts"}
# openpyxl does not model the Excel 2010 extension of the Projects sheet's data bar
pytestmark = [pytest.mark.filterwarnings("ignore:Conditional Formatting extension"),
              pytest.mark.filterwarnings("ignore:Unknown extension")]


# ---------------------------------------------------------------------- fixtures
@pytest.fixture(scope="module")
def example_result() -> Result:
    """The shipped example under the default policy, three ranked portfolios."""
    return osa_opt.solve(osa_opt.load_problem(), portfolios=3)


@pytest.fixture
def tiny_problem(tiny_frames: tuple[pd.DataFrame, pd.DataFrame, Any]) -> Problem:
    """The conftest's tiny input with formula-like text in a title, a reason and a note."""
    projects, countries, policy = tiny_frames
    projects = projects.copy()
    projects.loc[projects["project_id"] == "P-03", "title"] = FORMULA_TITLE
    projects.loc[projects["project_id"] == "P-06", "status_reason"] = FORMULA_REASON
    projects.loc[projects["project_id"] == "P-01", "notes"] = FORMULA_NOTE
    return Problem.from_frames(projects, countries, policy)


@pytest.fixture
def tiny_result(tiny_problem: Problem) -> Result:
    return osa_opt.solve(tiny_problem, portfolios=3, min_difference=1)


@pytest.fixture(scope="module")
def example_run(example_result: Result, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_run(example_result, tmp_path_factory.mktemp("runs") / "example")


def _recomputed_cost(problem: Problem, projects: list[str],
                     fractions: dict[str, float]) -> dict[str, float]:
    """Σ_p cost[p, y]·fraction[p] straight from the input cost columns."""
    frac = pd.Series({p: fractions.get(p, 1.0) for p in projects}, dtype=float)
    out = {}
    for fy in problem.fiscal_years:
        column = problem.projects[f"cost_{fy}"].astype(float)
        out[fy] = float((column.reindex(frac.index) * frac).sum())
    return out


# ---------------------------------------------------------------------- run.json
def test_run_folder_holds_every_file(example_run: Path) -> None:
    assert {p.name for p in example_run.iterdir()} == RUN_FILES


def test_manifest_portfolios_match_the_result_and_the_inputs(
        example_run: Path, example_result: Result) -> None:
    manifest = json.loads((example_run / "run.json").read_text(encoding="utf-8"))
    problem = example_result.problem
    assert manifest["status"] == "optimal"
    assert len(manifest["portfolios"]) == len(example_result.portfolios) == 3
    for entry, portfolio in zip(manifest["portfolios"], example_result.portfolios, strict=True):
        assert entry["rank"] == portfolio.rank
        assert entry["projects"] == portfolio.project_ids
        assert entry["objective"] == pytest.approx(portfolio.objective, abs=1e-6)
        # the objective is Σ value·fraction of the listed projects
        fractions = entry["fractions"]
        value = sum(problem.value[p] * fractions.get(p, 1.0) for p in entry["projects"])
        assert entry["objective"] == pytest.approx(value, abs=1e-6)
        expected = _recomputed_cost(problem, entry["projects"], fractions)
        assert entry["cost_by_year"] == pytest.approx(expected, abs=1e-4)
        assert entry["total_cost"] == pytest.approx(sum(expected.values()), abs=1e-4)
        for fy, cost in expected.items():
            assert cost <= problem.policy.budget[fy] + 1e-6
            assert entry["budget_left"][fy] == pytest.approx(problem.policy.budget[fy] - cost,
                                                             abs=1e-4)
        assert all(0 < f < 1 for f in fractions.values())
    best = manifest["portfolios"][0]["objective"]
    assert [p["objective"] for p in manifest["portfolios"]] == sorted(
        (p["objective"] for p in manifest["portfolios"]), reverse=True)
    assert manifest["portfolios"][1]["share_of_best"] == pytest.approx(
        manifest["portfolios"][1]["objective"] / best, abs=1e-6)


def test_manifest_records_inputs_policy_versions_and_unfunded(
        example_run: Path, example_result: Result) -> None:
    manifest = json.loads((example_run / "run.json").read_text(encoding="utf-8"),
                          parse_constant=lambda c: pytest.fail(f"{c} in run.json"))
    problem = example_result.problem
    expected_keys = {"status", "message", "portfolios", "notes", "diagnosis", "analyses",
                     "policy", "inputs", "versions", "timings", "created", "problem",
                     "unfunded", "folder", "files"}
    assert expected_keys <= set(manifest)
    example_sha = hashlib.sha256(osa_opt.example_path().read_bytes()).hexdigest()
    assert manifest["inputs"]["example.xlsx"] == example_sha
    policy_sha = hashlib.sha256(osa_opt.default_policy_path().read_bytes()).hexdigest()
    assert manifest["inputs"]["default.toml"] == policy_sha
    assert manifest["policy"] == json.loads(json.dumps(problem.policy.to_dict()))
    assert manifest["versions"]["osa-opt"] == osa_opt.__version__
    for package in ("python", "pyomo", "highspy", "HiGHS", "pandas"):
        assert manifest["versions"][package]
    assert manifest["diagnosis"] == []
    assert manifest["problem"]["projects"] == len(problem.projects)
    assert set(manifest["timings"]) >= {"build_seconds", "solve_seconds", "total_seconds"}
    created = dt.datetime.fromisoformat(manifest["created"].replace("Z", "+00:00"))
    assert created.tzinfo is not None and created.utcoffset() == dt.timedelta(0)
    funded = set(manifest["portfolios"][0]["projects"])
    assert set(manifest["unfunded"]) == set(problem.projects.index) - funded
    ineligible = set(problem.projects.index) - set(problem.eligible)
    for pid in ineligible:
        assert manifest["unfunded"][pid] == example_result.unfunded.at[pid, "reason"]
    assert Path(manifest["folder"]) == example_run.resolve()
    assert set(manifest["files"]) == RUN_FILES


def test_policy_toml_reads_back_as_the_policy_used(example_run: Path,
                                                   example_result: Result) -> None:
    text = (example_run / "policy.toml").read_text(encoding="utf-8")
    assert osa_opt.Policy.from_dict(tomllib.loads(text)) == example_result.problem.policy


def test_json_safe_turns_nan_into_null() -> None:
    data = json_safe({"a": float("nan"), "b": [float("inf"), 1.5], 3: (True, None)})
    assert data == {"a": None, "b": [None, 1.5], "3": [True, None]}
    json.dumps(data, allow_nan=False)


def test_solver_noise_in_money_left_reads_zero(tmp_path: Path) -> None:
    """A budget spent to the fractions' last digit left -0.0 or 1e-06 in run.json (the
    budget minus funded costs that add up to it within float and solver noise); the
    summary sheet showed the same. Within the solver's tolerance of the budget, left is 0."""
    problem = osa_opt.load_problem(overrides={"budget.FY2026": 1050})  # P-01 costs 900
    spent = [Portfolio(1, 10.0, {"P-01": 1.0, "P-11": 0.500000001}, problem, gap=-0.0),
             Portfolio(2, 9.0, {"P-01": 1.0, "P-12": 0.249999998}, problem)]
    assert [float(p.budget_left["FY2026"]) for p in spent] == [0.0, 0.0]
    # beyond that tolerance (a millionth of the budget, 0.00105 here) money left is shown:
    # 0.003 (P-11 at 0.49999) and 0.6 (at 0.498) are left, not rounded away
    left = [float(Portfolio(3, 8.0, {"P-01": 1.0, "P-11": f}, problem).budget_left["FY2026"])
            for f in (0.49999, 0.498)]
    assert left == [pytest.approx(0.003, abs=1e-9), pytest.approx(0.6, abs=1e-9)]
    folder = write_run(Result(problem, Status.OPTIMAL, spent), tmp_path / "run")
    text = (folder / "run.json").read_text(encoding="utf-8")
    assert "-0.0" not in text and "e-0" not in text
    manifest = json.loads(text)
    assert [p["budget_left"] for p in manifest["portfolios"]] == [{"FY2026": 0.0}] * 2
    assert manifest["portfolios"][0]["gap"] == 0.0
    sheet = openpyxl.load_workbook(folder / "portfolios.xlsx")["Summary"]
    header, cols = _table(sheet, "rank")
    assert [sheet.cell(header + k, cols["left_FY2026"]).value for k in (1, 2)] == [0, 0]


def test_json_safe_writes_no_negative_zero() -> None:
    data = json_safe({"a": -0.0, "b": [-0.0, {"c": -0.0}], "d": (-0.0,)})
    assert json.dumps(data) == '{"a": 0.0, "b": [0.0, {"c": 0.0}], "d": [0.0]}'


# ---------------------------------------------------------------------- portfolios.xlsx
def test_workbook_has_every_sheet_with_frozen_headers_and_filters(
        example_run: Path, example_result: Result) -> None:
    book = openpyxl.load_workbook(example_run / "portfolios.xlsx")
    ranks = [f"Portfolio {p.rank}" for p in example_result.portfolios]
    assert book.sheetnames == ["Read me", "Summary", "Partners", "Charts", "Projects", *ranks,
                               *TABLE_SHEETS[2:]]
    for sheet in book.worksheets:
        if sheet.title in NON_TABLE_SHEETS:
            continue
        assert sheet.freeze_panes is not None, sheet.title
        assert sheet.auto_filter.ref, sheet.title


def _header_row(sheet: Any, first: str) -> int:
    for row in sheet.iter_rows(min_col=1, max_col=1):
        if row[0].value in (humanize(first), first):
            return row[0].row
    raise AssertionError(f"no header {first!r} in {sheet.title}")


def _table(sheet: Any, first: str) -> tuple[int, dict[str, int]]:
    """Header row number and column name -> column number of the table starting at ``first``."""
    header = _header_row(sheet, first)
    names = {c.value: c.column for c in sheet[header] if c.value is not None}
    return header, _ByCode(names)


class _ByCode(dict):
    """Header (in words) -> column, also looked up by the column's code (humanize)."""

    def __getitem__(self, code: str) -> int:
        return super().__getitem__(code if dict.__contains__(self, code) else humanize(code))

    def __contains__(self, code: object) -> bool:
        return dict.__contains__(self, code) or dict.__contains__(self, humanize(code))


def test_portfolio_sheets_list_funded_projects_with_money_formats(
        example_run: Path, example_result: Result) -> None:
    book = openpyxl.load_workbook(example_run / "portfolios.xlsx")
    problem = example_result.problem
    for portfolio in example_result.portfolios:
        sheet = book[f"Portfolio {portfolio.rank}"]
        header, cols = _table(sheet, "project_id")
        assert sheet.freeze_panes == f"B{header + 1}"
        assert any("¥ million" in str(c.value) for c in sheet["A"][:header])
        ids = [sheet.cell(r, 1).value for r in range(header + 1, sheet.max_row + 1)]
        assert ids == portfolio.project_ids
        for r, pid in enumerate(ids, start=header + 1):
            fraction = portfolio.fractions[pid]
            assert sheet.cell(r, cols["fraction"]).value == pytest.approx(fraction)
            assert unpadded(sheet.cell(r, cols["fraction"]).number_format) == "0%"
            for fy in problem.fiscal_years:
                cell = sheet.cell(r, cols[f"cost_{fy}"])
                assert unpadded(cell.number_format) == workbook_module.MONEY_FORMAT
                expected = problem.projects.at[pid, f"cost_{fy}"] * fraction
                assert cell.value == pytest.approx(expected)
            assert unpadded(sheet.cell(r, cols["total_cost"]).number_format) == "#,##0"


def unpadded(number_format: str) -> str:
    """A cell's number format without the pad after the number (a table the pad would take
    past one printed page wide goes without it: tables._set_columns)."""
    return number_format.removesuffix(NUMBER_PAD)


def test_summary_sheet_matches_the_portfolios(example_run: Path,
                                              example_result: Result) -> None:
    sheet = openpyxl.load_workbook(example_run / "portfolios.xlsx")["Summary"]
    labels = {sheet.cell(r, 1).value: sheet.cell(r, 2) for r in range(1, 12)}
    assert labels["Status"].value == "Optimal"
    for fy, amount in example_result.problem.policy.budget.items():
        assert labels[f"Budget {fy} (¥m)"].value == amount
        assert labels[f"Budget {fy} (¥m)"].number_format == workbook_module.MONEY_FORMAT + NUMBER_PAD
    header, cols = _table(sheet, "rank")
    assert sheet.auto_filter.ref.startswith(f"A{header}:")
    assert sheet.freeze_panes == f"B{header + 1}"
    for portfolio in example_result.portfolios:
        r = header + portfolio.rank
        assert sheet.cell(r, cols["rank"]).value == portfolio.rank
        assert sheet.cell(r, cols["value"]).value == pytest.approx(portfolio.objective)
        assert sheet.cell(r, cols["projects"]).value == portfolio.n_projects
        # nothing dropped: an empty cell
        assert (sheet.cell(r, cols["dropped"]).value or "") == ", ".join(portfolio.dropped)
        for fy, cost in portfolio.cost_by_year.items():
            assert sheet.cell(r, cols[f"cost_{fy}"]).value == pytest.approx(cost)
            assert sheet.cell(r, cols[f"left_{fy}"]).number_format == "#,##0" + NUMBER_PAD


def test_allocation_sheets_add_up_to_each_portfolio(example_run: Path,
                                                    example_result: Result) -> None:
    book = openpyxl.load_workbook(example_run / "portfolios.xlsx")
    for sheet_name, by in workbook_module.ALLOCATIONS.items():
        sheet = book[sheet_name]
        header, cols = _table(sheet, by)
        for portfolio in example_result.portfolios:
            column = cols[f"total_cost #{portfolio.rank}"]
            cells = [sheet.cell(r, column) for r in range(header + 1, sheet.max_row + 1)]
            assert sum(c.value for c in cells) == pytest.approx(portfolio.total_cost)
            assert all(unpadded(c.number_format) == workbook_module.MONEY_FORMAT for c in cells)
            projects = cols[f"projects #{portfolio.rank}"]
            # a project of several fields is counted in each of them (its cost split)
            counted = (sum(len(f.split(";")) for f in portfolio.projects["field"])
                       if by == "field" else portfolio.n_projects)
            assert sum(sheet.cell(r, projects).value
                       for r in range(header + 1, sheet.max_row + 1)) == counted


def test_not_funded_sheet_lists_every_other_project_with_its_reason(
        example_run: Path, example_result: Result) -> None:
    sheet = openpyxl.load_workbook(example_run / "portfolios.xlsx")["Not funded"]
    header, cols = _table(sheet, "project_id")
    rows = {sheet.cell(r, 1).value: r for r in range(header + 1, sheet.max_row + 1)}
    problem = example_result.problem
    funded = set(example_result.best.fractions)
    assert set(rows) == set(problem.projects.index) - funded
    for pid, r in rows.items():
        assert sheet.cell(r, cols["eligible"]).value == (pid in set(problem.eligible))
        reason = sheet.cell(r, cols["reason"]).value.replace("\n", " ")  # lines: at spaces
        assert reason == example_result.unfunded.at[pid, "reason"]


def test_formula_like_text_is_stored_as_text(tiny_result: Result, tmp_path: Path) -> None:
    folder = write_run(tiny_result, tmp_path / "run")
    book = openpyxl.load_workbook(folder / "portfolios.xlsx")
    assert "P-03" in tiny_result.best.fractions  # the formula title is funded
    sheet = book["Portfolio 1"]
    header, cols = _table(sheet, "project_id")
    row = next(r for r in range(header + 1, sheet.max_row + 1)
               if sheet.cell(r, 1).value == "P-03")
    title = sheet.cell(row, cols["title"])
    assert title.value == FORMULA_TITLE and title.data_type == "s"
    note_row = next(r for r in range(header + 1, sheet.max_row + 1)
                    if sheet.cell(r, 1).value == "P-01")
    assert sheet.cell(note_row, cols["notes"]).value == FORMULA_NOTE  # extra column passed on
    assert sheet.cell(note_row, cols["notes"]).data_type == "s"
    not_funded = book["Not funded"]
    header, cols = _table(not_funded, "project_id")
    reason = next(not_funded.cell(r, cols["status_reason"])
                  for r in range(header + 1, not_funded.max_row + 1)
                  if not_funded.cell(r, 1).value == "P-06")
    assert reason.value == FORMULA_REASON and reason.data_type == "s"
    # no cell anywhere in the workbook is a formula
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            assert all(cell.data_type != "f" for cell in row), sheet.title


def test_analysis_tables_become_sheets_and_manifest_entries(tiny_result: Result,
                                                            tmp_path: Path) -> None:
    class FakeAnalysis:
        def tables(self) -> dict[str, pd.DataFrame]:
            return {"Frontier": pd.DataFrame({"budget": [100.0, 200.0], "value": [1.0, 2.5]}),
                    "Frontier/detail?": pd.DataFrame({"x": [1]}, index=pd.Index(["a"],
                                                                                name="id"))}

        def to_dict(self) -> dict[str, Any]:
            return {"points": 2, "best": float("nan")}

    tiny_result.analyses["frontier"] = FakeAnalysis()
    folder = write_run(tiny_result, tmp_path / "run")
    book = openpyxl.load_workbook(folder / "portfolios.xlsx")
    assert book.sheetnames[-2:] == ["Frontier", "Frontier-detail-"]
    sheet = book["Frontier"]
    header, cols = _table(sheet, "budget")
    assert sheet.cell(header + 2, cols["value"]).value == 2.5
    assert sheet.cell(header + 1, cols["budget"]).number_format == "#,##0" + NUMBER_PAD
    assert book["Frontier-detail-"].cell(header, 1).value == "Id"
    manifest = json.loads((folder / "run.json").read_text(encoding="utf-8"))
    assert manifest["analyses"] == {"frontier": {"points": 2, "best": None}}


# ---------------------------------------------------------------------- portfolios.csv
def test_csv_has_one_row_per_portfolio_and_project(example_run: Path,
                                                   example_result: Result) -> None:
    table = pd.read_csv(example_run / "portfolios.csv", encoding="utf-8-sig")
    pairs = {(p.rank, pid) for p in example_result.portfolios for pid in p.project_ids}
    assert len(table) == len(pairs)
    assert set(zip(table["rank"], table["project_id"], strict=True)) == pairs
    fys = example_result.problem.fiscal_years
    assert list(table.columns[:11]) == ["rank", "project_id", "title", "country", "region",
                                        "priority_tier", "field", "assistance_type", "status",
                                        "status_reason", "fraction"]
    assert [f"cost_{fy}" for fy in fys] == list(table.columns[11:11 + len(fys)])
    for portfolio in example_result.portfolios:
        rows = table[table["rank"] == portfolio.rank]
        assert rows["total_cost"].sum() == pytest.approx(portfolio.total_cost, abs=1e-3)
        assert rows["value"].sum() == pytest.approx(portfolio.objective, abs=1e-3)
        for fy in fys:
            assert rows[f"cost_{fy}"].sum() == pytest.approx(portfolio.cost_by_year[fy],
                                                             abs=1e-3)


def test_csv_numbers_have_no_exponent(tiny_frames: tuple[pd.DataFrame, pd.DataFrame, Any],
                                     tmp_path: Path) -> None:
    """A passed-through column of small numbers was written '5e-05' (Python's str of a
    float): a spreadsheet shows what the input had, 0.00005."""
    projects, countries, policy = tiny_frames
    projects = projects.assign(grant_share=[0.00005, 0.0000012, 0.5, 0.25, 0.125, 0.1])
    result = osa_opt.solve(Problem.from_frames(projects, countries, policy), portfolios=1)
    folder = write_run(result, tmp_path / "run")
    text = (folder / "portfolios.csv").read_text(encoding="utf-8-sig")
    assert "e-0" not in text
    rows = {line.split(",")[1]: line.rsplit(",", 1)[1] for line in text.splitlines()[1:]}
    assert rows["P-01"] == "0.00005"


def test_csv_prefixes_formula_like_text(tiny_result: Result, tmp_path: Path) -> None:
    folder = write_run(tiny_result, tmp_path / "run")
    raw = (folder / "portfolios.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with a BOM, for Excel
    table = pd.read_csv(folder / "portfolios.csv", encoding="utf-8-sig", keep_default_na=False)
    titles = set(table.loc[table["project_id"] == "P-03", "title"])
    assert titles == {"'" + FORMULA_TITLE}
    assert set(table.loc[table["project_id"] == "P-01", "notes"]) == {"'" + FORMULA_NOTE}
    assert csv_safe(-3.5) == -3.5 and csv_safe("Patrol boats") == "Patrol boats"


# ---------------------------------------------------------------------- folders, atomicity
def test_two_runs_write_two_folders(tiny_result: Result, tmp_path: Path,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    fixed = dt.datetime(2026, 1, 5, 9, 30, 0, tzinfo=dt.UTC)
    monkeypatch.setattr(run_module, "_now", lambda: fixed)
    first = write_run(tiny_result)
    second = tiny_result.write()
    third = write_run(tiny_result)
    stem = "tiny-test-round-20260105-093000"
    assert first == tmp_path / "outputs" / stem
    assert second == tmp_path / "outputs" / f"{stem}-2"
    assert third == tmp_path / "outputs" / f"{stem}-3"
    for folder in (first, second, third):
        assert {p.name for p in folder.iterdir()} == RUN_FILES
    assert sorted(p.name for p in (tmp_path / "outputs").iterdir()) == sorted(
        [stem, f"{stem}-2", f"{stem}-3"])  # no staging folder left
    assert json.loads((second / "run.json").read_text())["created"] == "2026-01-05T09:30:00Z"


def test_a_run_finishing_first_in_the_same_second_is_not_overwritten(
        tiny_result: Result, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    fixed = dt.datetime(2026, 1, 5, 9, 30, 0, tzinfo=dt.UTC)
    monkeypatch.setattr(run_module, "_now", lambda: fixed)
    stem = "tiny-test-round-20260105-093000"
    rival = tmp_path / "outputs" / stem
    real_write_csv = run_module.longform.write_csv

    def write_csv_while_a_rival_finishes(result: Result, path: Path) -> None:
        real_write_csv(result, path)
        rival.mkdir()
        (rival / "run.json").write_text("{}")  # another run took the name meanwhile

    monkeypatch.setattr(run_module.longform, "write_csv", write_csv_while_a_rival_finishes)
    folder = write_run(tiny_result)
    assert folder == tmp_path / "outputs" / f"{stem}-2"
    assert (rival / "run.json").read_text() == "{}"
    assert json.loads((folder / "run.json").read_text())["folder"] == str(folder.resolve())
    assert sorted(p.name for p in (tmp_path / "outputs").iterdir()) == [stem, f"{stem}-2"]


def test_slug_of_policy_names() -> None:
    assert slug("Default OSA round") == "default-osa-round"
    assert slug("防衛 round / 2026") == "round-2026"
    assert slug("の") == "run"


def test_explicit_folder_must_be_new_or_empty(tiny_result: Result, tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    assert write_run(tiny_result, empty) == empty
    assert {p.name for p in empty.iterdir()} == RUN_FILES
    with pytest.raises(OsaError, match="not empty"):
        write_run(tiny_result, empty)
    assert write_run(tiny_result, tmp_path / "a" / "b").is_dir()


@pytest.mark.parametrize("apart_from", [0, 10**9], ids=["workbook-forked", "workbook-here"])
@pytest.mark.parametrize("error", [RuntimeError("writer bug"), OSError(28, "No space left")])
def test_a_failed_write_leaves_nothing_behind(tiny_result: Result, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch,
                                              error: Exception, apart_from: int) -> None:
    def broken_writer(*args: Any, **kwargs: Any) -> None:
        Path(args[1]).write_bytes(b"half a workbook")
        raise error

    monkeypatch.setattr(run_module, "WORKBOOK_APART_FROM", apart_from)
    monkeypatch.setattr(workbook_module, "write_workbook", broken_writer)
    monkeypatch.chdir(tmp_path)
    expected = OsaError if isinstance(error, OSError) else RuntimeError
    with pytest.raises(expected) as info:
        write_run(tiny_result)
    with pytest.raises(expected):
        write_run(tiny_result, tmp_path / "deep" / "er" / "run")
    if expected is OsaError:
        assert "No space left" in str(info.value) and "Nothing was written" in str(info.value)
    assert list(tmp_path.iterdir()) == []  # no run folder, staging folder or parent left


# ---------------------------------------------------------------------- no portfolio
def test_an_infeasible_result_still_writes_a_run(tiny_problem: Problem, tmp_path: Path) -> None:
    problem = tiny_problem.with_policy(overrides={"priority.min_countries": 4})
    result = osa_opt.solve(problem)
    assert result.status == Status.INFEASIBLE
    folder = write_run(result, tmp_path / "run")
    manifest = json.loads((folder / "run.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "infeasible"
    assert manifest["portfolios"] == []
    assert manifest["message"] == result.message != ""
    assert manifest["diagnosis"] == json_safe(result.diagnosis)
    assert set(manifest["unfunded"]) == set(problem.projects.index)
    book = openpyxl.load_workbook(folder / "portfolios.xlsx")
    diagnosis = ["Diagnosis"] if result.diagnosis else []
    assert book.sheetnames == ["Read me", *TABLE_SHEETS] + diagnosis  # nothing to chart
    table = pd.read_csv(folder / "portfolios.csv", encoding="utf-8-sig")
    assert len(table) == 0 and "project_id" in table.columns


def test_status_message_reports_time_limit_gap(tiny_result: Result) -> None:
    best = tiny_result.best
    stopped = Portfolio(rank=1, objective=best.objective, fractions=best.fractions,
                        problem=tiny_result.problem, status=Status.TIME_LIMIT, gap=0.0123)
    result = Result(tiny_result.problem, Status.TIME_LIMIT, [stopped])
    assert result.status_message.startswith("Stopped at the time limit")
    assert "1.23%" in result.status_message
    assert "proven optimal" in tiny_result.status_message
    assert build_manifest(result)["status"] == "time_limit"


def test_a_later_portfolio_stopped_at_the_time_limit_is_said_not_proven(
        tiny_result: Result) -> None:
    """With a short --time-limit the example's portfolio 5 stopped at the limit (status
    time_limit, gap 3.9%): worth 164.408 where the true fifth best is worth 168.666. The
    terminal, run.json, the workbook and the report all said "Portfolio 1 is proven
    optimal; 5 ranked portfolios." The sentence now says which are not proven."""
    import dataclasses

    best = tiny_result.best
    second = Portfolio(rank=2, objective=best.objective * 0.9, fractions=best.fractions,
                       problem=tiny_result.problem, status=Status.TIME_LIMIT, gap=0.0388)
    third = dataclasses.replace(second, rank=3, gap=None)
    result = Result(tiny_result.problem, Status.OPTIMAL, [best, second])
    assert result.status_message == (
        "Portfolio 1 is proven optimal; 2 ranked portfolios. Portfolio 2 is the best found "
        "when the time limit stopped its solve, not proven the next best (gap to the best "
        "possible value: 3.88%).")
    both = Result(tiny_result.problem, Status.OPTIMAL, [best, second, third])
    assert both.status_message.endswith(
        "Portfolios 2 and 3 are the best found when the time limit stopped their solves, "
        "not proven the next best (gap to the best possible value: 3.88%, unknown).")
    assert tiny_result.status_message.endswith("ranked portfolios.")  # all proven: as before


def test_the_workbook_written_in_a_second_process_is_the_same(
        tiny_result: Result, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Big rounds write portfolios.xlsx and report.html in forked processes
    (osa_opt.background) while this one writes the rest: the same workbook, cell for cell,
    and the same report, byte for byte, as written here."""
    books, reports = {}, {}
    fixed = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)  # the same time on both Read me sheets
    monkeypatch.setattr(run_module, "_now", lambda: fixed)
    for apart_from in (0, 10**9):
        monkeypatch.setattr(run_module, "WORKBOOK_APART_FROM", apart_from)
        folder = write_run(tiny_result, tmp_path / str(apart_from))
        book = openpyxl.load_workbook(folder / "portfolios.xlsx")
        books[apart_from] = {name: [[c.value for c in row] for row in book[name].iter_rows()]
                             for name in book.sheetnames}
        reports[apart_from] = (folder / "report.html").read_bytes()
    assert books[0] == books[10**9] and "Portfolio 1" in books[0]
    assert reports[0] == reports[10**9] and b"Ranked portfolios" in reports[0]


def test_a_big_round_makes_the_tables_its_writers_share_in_two_processes_not_three(
        tiny_problem: Problem, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A big round wrote its workbook and its report each in a forked process of its own
    while this one wrote the CSV and run.json: three processes making their own copy of
    the tables they share (the unfunded projects, each portfolio's partner table), about
    a quarter of the writers' CPU time at 10,000 projects, and three writers on two cores.
    Only the workbook is written apart now; the report is written here, beside the CSV and
    run.json, from the same tables."""
    from osa_opt import background
    from osa_opt.result import facts, packages

    monkeypatch.delenv(background.SERIAL_ENV, raising=False)
    if not background.can_fork():
        pytest.skip("no fork here")
    calls = tmp_path / "calls"  # appended to by every process, forked ones too

    def counted(name: str, real: Any) -> Any:
        def call(*args: Any, **kwargs: Any) -> Any:
            with calls.open("a") as out:
                out.write(f"{name} {os.getpid()}\n")
            return real(*args, **kwargs)
        return call

    monkeypatch.setattr(facts, "unfunded_table", counted("unfunded", facts.unfunded_table))
    monkeypatch.setattr(packages, "package_table", counted("partners", packages.package_table))
    monkeypatch.setattr(run_module, "WORKBOOK_APART_FROM", 0)
    result = osa_opt.solve(tiny_problem, portfolios=2)  # none of its tables made yet
    write_run(result, tmp_path / "run")
    made = calls.read_text().split("\n")[:-1]
    processes = {line.split()[1] for line in made}
    assert len(processes) == 2 and str(os.getpid()) in processes
    assert len(made) == len(set(made))  # each made once in each process
    assert {line.split()[0] for line in made} == {"unfunded", "partners"}


@pytest.mark.parametrize("how", ["workbook-killed", "workbook-failed"])
def test_a_failed_write_leaves_no_temporary_files_of_the_workbook(
        how: str, tiny_result: Result, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A big round's workbook keeps each sheet's rows in a named temporary file until it
    closes (xlsxwriter's constant-memory mode). Killed (the other writers failed, or
    Ctrl-C) or failing itself, it left them in the system's temporary folder, hundreds of MB
    at 100,000 projects; they go with the staging folder now."""
    from osa_opt import background
    from osa_opt.outputs import sheets as sheets_module

    system_tmp = tmp_path / "system-tmp"
    system_tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(system_tmp))
    monkeypatch.setattr(workbook_module, "IN_MEMORY_UP_TO", 0)  # constant memory, as at scale
    killed = how == "workbook-killed"
    if killed:
        monkeypatch.delenv(background.SERIAL_ENV, raising=False)
        if not background.can_fork():
            pytest.skip("no fork here")
    monkeypatch.setattr(run_module, "WORKBOOK_APART_FROM", 0 if killed else 10**9)
    started = tmp_path / "sheets-started"
    real_sheet = sheets_module.portfolio_sheet

    def portfolio_sheet(*args: Any) -> None:
        real_sheet(*args)
        if not killed:
            raise RuntimeError("workbook bug")
        started.write_text("yes")
        time.sleep(30)  # the other writers fail meanwhile: killed here

    real_csv = run_module.longform.write_csv

    def failing_csv(*args: Any) -> None:
        if not killed:
            return real_csv(*args)
        while not started.exists():
            time.sleep(0.01)
        raise RuntimeError("csv bug")

    monkeypatch.setattr(sheets_module, "portfolio_sheet", portfolio_sheet)
    monkeypatch.setattr(run_module.longform, "write_csv", failing_csv)
    with pytest.raises(RuntimeError, match="csv bug" if killed else "workbook bug"):
        write_run(tiny_result, tmp_path / "run")
    assert list(system_tmp.iterdir()) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["system-tmp", *(["sheets-started"] if killed else [])])  # no staging folder


def test_an_empty_not_funded_sheet_says_every_project_is_funded(tmp_path: Path) -> None:
    """The real FY2025 round funds every project: its Not funded sheet printed a title, a
    note on colours and a header with no row under it, as if rows were missing. Its note
    says now that every project is in portfolio 1, as the terminal does; a sheet with rows
    keeps the note on money and colours."""
    root = Path(__file__).resolve().parents[1]
    problem = osa_opt.load_problem(root / "inputs" / "real_rounds" / "FY2025",
                                   overrides={"budget": {"FY2025": 8100}})
    result = osa_opt.solve(problem, portfolios=1, explain=False)
    assert result.unfunded.empty
    sheet = openpyxl.load_workbook(result.write(tmp_path / "run") / "portfolios.xlsx")[
        "Not funded"]
    rows = [r for r in sheet.iter_rows(values_only=True) if any(v is not None for v in r)]
    assert rows[1][0] == ("Every project is in portfolio 1: none is left out, so this table "
                          "has no rows.")
    assert rows[2][0] == "Project" and len(rows) == 3  # the header, no row under it
    example = osa_opt.solve(osa_opt.load_problem(), portfolios=1, explain=False)
    sheet = openpyxl.load_workbook(example.write(tmp_path / "example") / "portfolios.xlsx")[
        "Not funded"]
    assert str(sheet["A2"].value).startswith("Money in ¥ million")
