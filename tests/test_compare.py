"""Scenario comparison: in/out lists against independently solved scenarios, and the CLI."""

from __future__ import annotations

import io
import json
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from osa_opt.analysis.compare import Comparison, Scenario, budget_scenario, compare
from osa_opt.cli import cli
from osa_opt.cli.common import run_cli
from osa_opt.errors import OsaError
from osa_opt.inputs.policy import Policy
from osa_opt.inputs.problem import Problem
from osa_opt.workflows import solve

HUMANITARIAN = {"security": 0.1, "humanitarian": 0.9}


@pytest.fixture
def base(tiny_frames: tuple[pd.DataFrame, pd.DataFrame, Policy]) -> Problem:
    projects, countries, policy = tiny_frames
    return Problem.from_frames(projects, countries, policy)


@pytest.fixture
def scenarios(base: Problem) -> list[Scenario]:
    humanitarian = base.with_policy(overrides={"objective.weights": HUMANITARIAN})
    return [Scenario("base", base),
            budget_scenario(base, {"FY2026": 1300.0}),
            budget_scenario(base, {"FY2026": 3000.0, "FY2027": 1200.0}),
            Scenario("humanitarian", humanitarian)]


def funded_alone(problem: Problem) -> dict[str, float]:
    """The scenario solved on its own through the public API."""
    result = solve(problem, portfolios=1)
    return dict(result.best.fractions) if result.best else {}


# ---------------------------------------------------------------------- the analysis
def test_in_and_out_lists_are_set_differences_of_separate_solves(
        scenarios: list[Scenario]) -> None:
    comparison = compare(scenarios)
    order = list(scenarios[0].problem.projects.index)
    alone = [funded_alone(s.problem) for s in scenarios]
    for s, outcome, fractions in zip(scenarios, comparison.scenarios, alone, strict=True):
        assert outcome.name == s.name
        assert outcome.portfolio.fractions == pytest.approx(fractions)
        assert outcome.added == [p for p in order if p in fractions and p not in alone[0]]
        assert outcome.dropped == [p for p in order if p in alone[0] and p not in fractions]
    assert comparison.scenarios[0].added == comparison.scenarios[0].dropped == []
    assert any(o.added for o in comparison.scenarios) and any(o.dropped for o in
                                                               comparison.scenarios)


def test_summary_recomputes_value_cost_countries_and_projects(
        scenarios: list[Scenario]) -> None:
    comparison = compare(scenarios)
    summary = comparison.summary()
    assert summary.index.name == "scenario"
    assert list(summary.index) == [s.name for s in scenarios]
    base_values = scenarios[0].problem.value
    for s in scenarios:
        fractions = funded_alone(s.problem)
        ids = list(fractions)
        frac = pd.Series(fractions)
        row = summary.loc[s.name]
        for fy in s.problem.fiscal_years:
            assert row[f"cost_{fy}"] == pytest.approx((s.problem.cost.loc[ids, fy] * frac).sum())
            assert row[f"budget_{fy}"] == s.problem.policy.budget[fy]
        assert row["value"] == pytest.approx((s.problem.value[ids] * frac).sum())
        assert row["value_under_baseline"] == pytest.approx((base_values[ids] * frac).sum())
        assert row["projects"] == len(ids)
        assert row["countries"] == s.problem.projects.loc[ids, "country"].nunique()
    matrix = comparison.project_matrix()
    assert list(matrix.columns[-4:]) == [s.name for s in scenarios]
    assert matrix.loc["P-01", "base"] == 1.0  # mandatory
    assert (matrix.loc["P-06", [s.name for s in scenarios]] == 0).all()  # excluded


def test_a_scenario_that_cannot_be_met_is_listed_not_fatal(base: Problem) -> None:
    comparison = compare([Scenario("base", base),
                          budget_scenario(base, {"FY2026": 100.0}, name="tiny budget")])
    broken = comparison.scenarios[1]
    assert broken.status.value == "infeasible" and broken.portfolio is None
    assert broken.dropped == comparison.baseline.portfolio.project_ids
    row = comparison.summary().loc["tiny budget"]
    assert row["projects"] == 0 and pd.isna(row["value"])
    assert comparison.to_dict()["scenarios"][1]["projects"] == []


def test_tables_and_dict_follow_the_analysis_protocol(scenarios: list[Scenario]) -> None:
    comparison = compare(scenarios)
    tables = comparison.tables()
    assert set(tables) == {"comparison", "comparison_projects"}
    assert all(len(name) <= 31 for name in tables)
    data = json.loads(json.dumps(comparison.to_dict()))
    assert data["baseline"] == "base" and data["partial"] is False
    assert [s["name"] for s in data["scenarios"]] == [s.name for s in scenarios]
    assert data["scenarios"][1]["budget"] == {"FY2026": 1300.0, "FY2027": 1000.0}


def test_fewer_than_two_or_repeated_scenarios_are_refused(base: Problem) -> None:
    with pytest.raises(OsaError, match="two or more"):
        compare([Scenario("base", base)])
    with pytest.raises(OsaError, match="names must differ"):
        compare([Scenario("a", base), Scenario("a", base)])


def test_problems_of_one_policy_are_named_by_what_their_policy_sets_otherwise(
        base: Problem) -> None:
    """compare([problem, problem.with_policy(overrides={"budget.FY2026": 1500})]) named the
    two 'Tiny test round' and 'Tiny test round (2)' (with_policy keeps the policy's name):
    the summary's index and the matrix's columns said nothing of which was which."""
    from osa_opt.workflows import as_scenarios

    names = [s.name for s in as_scenarios([
        base, base.with_policy(overrides={"budget.FY2026": 1500}),
        base.with_policy(overrides={"priority.max_countries": 2, "budget.FY2027": 900}),
        base, base.with_policy(overrides={"budget.FY2026": 1500}),
    ])]
    name = base.policy.name
    assert names == [name, f"{name} (budget.FY2026=1500)",
                     f"{name} (budget.FY2027=900, priority.max_countries=2)",
                     f"{name} (2)", f"{name} (budget.FY2026=1500) (2)"]


# ---------------------------------------------------------------------- the command
def osa(monkeypatch: pytest.MonkeyPatch, *args: str) -> int:
    monkeypatch.setattr(sys, "argv", ["osa-opt", *args])
    return run_cli(cli)


@pytest.fixture
def files(tmp_path: Path, tiny_frames: Any, write_xlsx: Callable[..., Path]) -> dict[str, Path]:
    projects, countries, policy = tiny_frames
    a = tmp_path / "round.toml"
    a.write_text(policy.to_toml(), encoding="utf-8")
    b = tmp_path / "humanitarian.toml"
    b.write_text(policy.override({"objective.weights": HUMANITARIAN}).to_toml(), encoding="utf-8")
    return {"input": write_xlsx(tmp_path / "in.xlsx", projects, countries), "a": a, "b": b}


def test_cli_json_prints_only_the_comparison_and_writes_the_run(
        files: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capfd: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "run"
    code = osa(monkeypatch, "compare", str(files["input"]), "--policy", str(files["a"]),
               "--policy", str(files["b"]), "--budget-scenario", "FY2026=1300",
               "--out", str(out), "--json")
    stdout, stderr = capfd.readouterr()
    assert code == 0, stderr
    data = json.loads(stdout)
    assert [s["name"] for s in data["scenarios"]] == ["round", "humanitarian",
                                                      "round FY2026=1300"]
    assert set(data["scenarios"][0]) >= {"value", "cost_by_year", "countries", "n_projects",
                                         "projects", "added", "dropped", "status"}
    assert data["run_folder"] == str(out)
    manifest = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert manifest["analyses"]["comparison"]["scenarios"] == data["scenarios"]
    from openpyxl import load_workbook

    sheets = load_workbook(out / "portfolios.xlsx", read_only=True).sheetnames
    assert {"Comparison", "Comparison by project"} <= set(sheets)


def test_cli_table_and_an_infeasible_baseline_exit_3(
        files: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capfd: pytest.CaptureFixture[str]) -> None:
    code = osa(monkeypatch, "compare", str(files["input"]), "--policy", str(files["a"]),
               "--budget", "FY2026=100", "--budget-scenario", "FY2026=2500",
               "--out", str(tmp_path / "run"))
    stdout, stderr = capfd.readouterr()
    assert code == 3
    said = " ".join(stdout.split())
    assert "round FY2026=2500" in said and "Infeasible" in said  # in the value column, in words
    assert "baseline 'round' has no portfolio" in stderr and "Traceback" not in stderr
    manifest = json.loads((tmp_path / "run" / "run.json").read_text(encoding="utf-8"))
    assert [s["status"] for s in manifest["analyses"]["comparison"]["scenarios"]] == [
        "infeasible", "optimal"]


@pytest.mark.parametrize("args, message", [
    ([], "two or more scenarios"),
    (["--budget-scenario", "FY2026", "--budget-scenario", "FY2026=1"], "FY=AMOUNT"),
    (["--budget-scenario", "FY2030=1500", "--budget-scenario", "FY2026=1"],
     "problem in the input"),  # the scenario's fiscal year has no cost column
])
def test_cli_bad_scenarios_exit_2_with_a_message(
        files: dict[str, Path], monkeypatch: pytest.MonkeyPatch,
        capfd: pytest.CaptureFixture[str], args: list[str], message: str) -> None:
    code = osa(monkeypatch, "compare", str(files["input"]), *args)
    _, stderr = capfd.readouterr()
    assert code == 2
    assert message in stderr and "Traceback" not in stderr


def budget_scenario_run(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                        capfd: pytest.CaptureFixture[str], scenario: str,
                        columns: int) -> tuple[list[str], str]:
    """``osa-opt compare --budget-scenario SCENARIO`` at COLUMNS: the scenario names in
    run.json and stdout."""
    monkeypatch.setenv("COLUMNS", str(columns))
    code = osa(monkeypatch, "compare", "--budget-scenario", scenario,
               "--out", str(tmp_path / "run"))
    stdout, stderr = capfd.readouterr()
    assert code == 0, stderr
    manifest = json.loads((tmp_path / "run" / "run.json").read_text(encoding="utf-8"))
    return [s["name"] for s in manifest["analyses"]["comparison"]["scenarios"]], stdout


def test_cli_names_the_policies_of_two_runs_by_their_run_folders(
        files: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capfd: pytest.CaptureFixture[str]) -> None:
    """An analyst compares the policies of last week's run and today's: both files are
    called policy.toml, and the scenarios were once "policy" and "policy #2"."""
    runs = tmp_path / "outputs"
    for name, budget in (("monday", "FY2026=1300"), ("friday", "FY2026=1600")):
        code = osa(monkeypatch, "solve", str(files["input"]), "--policy", str(files["a"]),
                   "--budget", budget, "--no-explain", "-k", "1", "--quiet",
                   "--out", str(runs / name))
        assert code == 0, capfd.readouterr().err
    out = tmp_path / "cmp"
    code = osa(monkeypatch, "compare", str(files["input"]),
               "--policy", str(runs / "monday" / "policy.toml"),
               "--policy", str(runs / "friday" / "policy.toml"),
               "--policy", str(files["b"]), "--out", str(out), "--json")
    stdout, stderr = capfd.readouterr()
    assert code == 0, stderr
    data = json.loads(stdout)
    assert [s["name"] for s in data["scenarios"]] == ["monday", "friday", "humanitarian"]
    assert [s["cost_by_year"]["FY2026"] <= b for s, b in
            zip(data["scenarios"][:2], (1300, 1600), strict=True)] == [True, True]
    assert {"policy-monday.toml", "policy-friday.toml"} <= {f.name for f in out.iterdir()}


def test_cli_one_budget_scenario_is_compared_with_the_default_policy(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capfd: pytest.CaptureFixture[str]) -> None:
    """A budget officer's first try: the shipped example, its default policy, and the same
    at ¥15,000m: two scenarios, not "give two or more scenarios"."""
    names, stdout = budget_scenario_run(monkeypatch, tmp_path, capfd, "FY2026=15000", 80)
    assert names == ["default", "default FY2026=15000"]
    for line in stdout.splitlines():  # the table fits: no line cut by the terminal
        assert len(line) <= 80 and not line.startswith(("┏", "┃", "│", "└")) or \
            line.rstrip()[-1] in "┓┃│┘┩┫┤", line
    assert "default FY2026=15000" in stdout  # the name wraps between words only


def test_cli_lists_a_seventh_change_instead_of_hiding_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capfd: pytest.CaptureFixture[str]) -> None:
    """The shipped humanitarian policy drops seven of the default's projects: at 100 columns
    the changes go under the table, and they read "out P-02, ... P-32 … (+1)", an id hidden
    behind a marker as long as the id. Now all seven; counts with thousands separators."""
    from osa_opt.cli.compare import _ids

    monkeypatch.setenv("COLUMNS", "100")
    models = Path(__file__).resolve().parents[1] / "models"
    code = osa(monkeypatch, "compare", "--policy", str(models / "default.toml"),
               "--policy", str(models / "humanitarian_focus.toml"),
               "--out", str(tmp_path / "run"))
    stdout, stderr = capfd.readouterr()
    assert code == 0, stderr
    said = " ".join(stdout.split())
    assert "humanitarian_focus against default: in P-03, P-17, P-28; " \
           "out P-02, P-04, P-19, P-27, P-30, P-32, P-34." in said
    assert "(+1)" not in said
    many = [f"P-{i:05d}" for i in range(1, 1302)]
    assert _ids(many).endswith("P-00006 … (+1,295)")


def test_cli_table_counts_with_thousands_separators() -> None:
    """Projects and countries as the solve's tables write them: 1,045, not 1045."""
    from rich.console import Console

    from benchmarks.synthetic import make_problem
    from osa_opt.cli.compare import _table

    problem = make_problem(1500, 1, seed=1)
    comparison = compare([Scenario("base", problem),
                          budget_scenario(problem, {"FY2026": 1_000_000.0})])
    console = Console(width=200, record=True)
    console.print(_table(comparison, False, stacked=False))
    rows = [line for line in console.export_text().splitlines() if line.startswith("│ base")]
    n = comparison.baseline.portfolio.n_projects
    assert n >= 1000 and f" {n:,} │" in rows[0]


def test_a_big_budget_scenario_is_named_with_every_digit(base: Problem) -> None:
    """"1.10518e+06" named both ¥1,105,182m and ¥1,105,183m (and a third scenario at either
    was refused as a repeated name): now the budget as --budget-scenario takes it back."""
    from osa_opt.cli.compare import parse_budget_scenario

    a, b = (budget_scenario(base, {"FY2026": amount}) for amount in (1105182.5, 1105183.0))
    assert (a.name, b.name) == ("Tiny test round FY2026=1105182.5", "Tiny test round FY2026=1105183")
    label = budget_scenario(base, {"FY2026": 2.5e8, "FY2027": 0.5}).name.split(" ")[-1]
    assert label == "FY2026=250000000,FY2027=0.5"
    assert parse_budget_scenario(label) == {"FY2026": 2.5e8, "FY2027": 0.5}
    assert len(compare([Scenario("base", base), a, b]).summary()) == 3


@pytest.mark.parametrize("text, fix", [
    ("FY2026=18,100", "FY2026=18100"),
    ("FY2026=15,000,FY2027=5,000", "FY2026=15000,FY2027=5000"),
])
def test_a_budget_scenario_with_a_thousands_separator_shows_the_fix(text: str, fix: str) -> None:
    """Its commas separate years, so "FY2026=18,100" read a year "100": the amount's
    separator is named and the scenario to type shown, as --budget does."""
    import click

    from osa_opt.cli.compare import parse_budget_scenario

    with pytest.raises(click.BadParameter) as info:
        parse_budget_scenario(text)
    assert "thousands separator" in info.value.message
    assert f"--budget-scenario {fix}" in info.value.message


def test_cli_names_a_big_budget_scenario_without_an_exponent(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capfd: pytest.CaptureFixture[str]) -> None:
    names, stdout = budget_scenario_run(monkeypatch, tmp_path, capfd, "FY2026=1234567", 120)
    assert names == ["default", "default FY2026=1234567"]
    assert "default FY2026=1234567" in stdout and "e+06" not in stdout


def test_comparison_repr_names_the_baseline(scenarios: list[Scenario]) -> None:
    assert repr(compare(scenarios[:2])) == "<Comparison of 2 scenarios, baseline 'base'>"
    assert isinstance(compare(scenarios[:2]), Comparison)


def test_the_report_puts_the_comparison_first_and_names_the_baseline_after_it(
        scenarios: list[Scenario]) -> None:
    from osa_opt import workflows
    from osa_opt.report import render_report

    html = render_report(workflows.compare(scenarios))
    headings = [part.split("</h2>")[0] for part in html.split("<h2")[1:]]
    first, second = headings[0], headings[1]
    assert "omparison" in first
    assert second.endswith("Headline of the baseline, base")
    alone = render_report(solve(scenarios[0].problem, portfolios=1))
    assert "<h2>Headline</h2>" in alone



def test_a_budget_scenarios_name_breaks_after_its_commas(base: Problem) -> None:
    """A three-year budget scenario of a 2,000-project round printed its name as
    "policy FY2026=250000,FY2027=300000,FY2028" over "=250000" at 150 columns: the table
    folded a name longer than its column anywhere. It breaks after a comma, each year's
    amount whole, at every width the table takes."""
    from rich.console import Console

    from osa_opt.cli.compare import _table
    from osa_opt.cli.console import fits

    amounts = {"FY2026": 1300000.5, "FY2027": 1000000.25}
    comparison = compare([Scenario("round", base),
                          budget_scenario(base, amounts)])
    years = [f"{fy}={amount}" for fy, amount in amounts.items()]
    table = _table(comparison, False, stacked=False)
    fitting = [width for width in range(50, 151, 5)  # the widths the CLI takes this layout at
               if fits(Console(width=width), table)]
    assert fitting
    for width in fitting:
        console = Console(width=width, record=True, file=io.StringIO())
        console.print(_table(comparison, False, stacked=False))
        text = console.export_text()
        words = [w for line in text.splitlines() for w in re.sub(r"[│┃]", " ", line).split()]
        for year in years:
            assert any(year in w.split(",") for w in words), (width, year, text)
        assert not any(w.startswith("=") for w in words), (width, text)


def test_cli_says_why_a_scenario_cannot_be_met(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capfd: pytest.CaptureFixture[str]) -> None:
    """Kantoro required (priority.required_partners; its one eligible item P-30, ¥500m)
    beside mandatory P-01 (¥900m): at ¥1,250m the scenario cannot be met, and the table said
    only 'Infeasible', its projects all out, with no reason anywhere (run.json neither);
    the terminal now says why, in osa-opt solve's words, naming the partner."""
    monkeypatch.setenv("COLUMNS", "120")
    code = osa(monkeypatch, "compare", "--budget", "FY2026=2500", "--set",
               "priority.required_partners=['Kantoro']", "--budget-scenario", "FY2026=1250",
               "--out", str(tmp_path / "run"))
    stdout, stderr = capfd.readouterr()
    assert code == 0, stderr
    said = " ".join(stdout.split())
    assert ("Note: default FY2026=1250 cannot be met: The rules need ¥1,400m in FY2026, a "
            "project of Kantoro (priority.required_partners) among them, but the budget is "
            "¥1,250m: raise the budget (budget.FY2026) by ¥150m to ¥1,400m") in said
    assert "default cannot be met" not in said  # the baseline is met


def test_cli_table_starts_with_the_run_s_title(
        files: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capfd: pytest.CaptureFixture[str]) -> None:
    """solve, frontier, execution and robustness start with the run's title (the report's
    and the workbook's too); compare started with its table, naming no round."""
    import osa_opt

    monkeypatch.setenv("COLUMNS", "200")
    code = osa(monkeypatch, "compare", str(files["input"]), "--policy", str(files["a"]),
               "--policy", str(files["b"]), "--out", str(tmp_path / "run"))
    stdout, stderr = capfd.readouterr()
    assert code == 0, stderr
    title = osa_opt.load_problem(files["input"], policy=files["a"]).title
    assert stdout.splitlines()[0] == f"{title}: 2 scenarios against round."
    html = (tmp_path / "run" / "report.html").read_text(encoding="utf-8")
    assert f"<title>osa-opt report: {title}</title>" in html


def test_a_problem_under_a_policy_that_names_no_round_is_named_as_the_command_names_it(
        ) -> None:
    """Under the shipped default policy (name "Default OSA round", which names no round: the
    run is titled from its input) the notebook named scenarios 'Default OSA round' and
    'Default OSA round FY2026=15000' where osa-opt compare says 'default' and
    'default FY2026=15000'; both now name a scenario by its policy file, a named policy
    by its name. A policy file that names a round was 'Humanitarian focus' in the notebook
    beside the command's 'humanitarian_focus': both name a file by its stem now, and a
    policy read from no file by its name."""
    import osa_opt
    from osa_opt.workflows import as_scenarios

    problem = osa_opt.load_problem()
    humanitarian = problem.with_policy(
        Path(__file__).resolve().parents[1] / "models" / "humanitarian_focus.toml")
    names = [s.name for s in as_scenarios([
        problem, problem.with_policy(overrides={"budget.FY2026": 15000}), humanitarian])]
    assert names == ["default", "default (budget.FY2026=15000)", "humanitarian_focus"]
    assert budget_scenario(problem, {"FY2026": 15000}).name == "default FY2026=15000"
    unnamed = problem.with_policy(Policy.from_dict({"budget": {"FY2026": 100.0}}))
    assert as_scenarios([unnamed])[0].name == "default"
    named = problem.with_policy(Policy.from_dict({"name": "Humanitarian focus",
                                                  "budget": {"FY2026": 100.0}}))
    assert as_scenarios([named])[0].name == "Humanitarian focus"
