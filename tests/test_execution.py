"""Execution under slippage (issue 12): exact values on small cases, reproducible sampling."""

from __future__ import annotations

import itertools
import json
import math
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from conftest import TINY_POLICY, tiny_countries, tiny_projects

from osa_opt.analysis.execution import analyse, make_plan, signing_probabilities, simulate
from osa_opt.inputs.problem import Problem
from osa_opt.workflows import execution, solve

P_COUNTRY = {"Aurelia": 0.8, "Borealis": 0.6, "Caldera": 0.9}
P_ITEM = [0.95, 0.7, None, 0.5, 0.85, None]      # P-03 and P-06 by stage


def problem_with(requires: bool = True, **policy: object) -> Problem:
    projects = tiny_projects()
    projects["p_sign"] = P_ITEM
    projects["stage"] = ["agreed", "survey", "request", "", "agreed", ""]
    projects["status"] = ["candidate", "candidate", "candidate", "candidate", "candidate",
                          "excluded"]
    if not requires:
        projects["requires"] = ""
    countries = tiny_countries()
    countries["p_sign"] = [P_COUNTRY[c] for c in countries["country"]]
    return Problem.from_frames(projects, countries, {**TINY_POLICY, **policy})


def test_probabilities_come_from_the_columns_then_the_stage() -> None:
    p_partner, p_item = signing_probabilities(problem_with())
    assert p_partner.to_dict() == P_COUNTRY
    assert p_item["P-02"] == 0.7 and p_item["P-03"] == 0.5  # request: the policy's 0.5
    assert p_item["P-06"] == 1.0                            # no stage, no p_sign


def test_no_reserves_no_requirements_gives_the_exact_sum() -> None:
    """E[execution] = Σ p_partner·p_item·cost ÷ budget over portfolio 1."""
    problem = problem_with(requires=False)
    best = solve(problem, portfolios=1).best
    p_partner, p_item = signing_probabilities(problem)
    pj = problem.projects
    exact = sum(p_partner[pj.at[p, "country"]] * p_item[p] * problem.total_cost[p] * f
                for p, f in best.fractions.items()) / problem.policy.total_budget
    enumerated = execution(problem, reserves=0, exact=True, baseline=solve(problem, 1))
    assert enumerated.levels.at[0, "expected_execution"] == pytest.approx(exact, rel=1e-12)
    # the sampled figure is within four standard errors of it
    plan = make_plan(problem, best.fractions, [])
    spent, _, weight, _, _, _ = simulate(plan, exact=True)
    share = spent.sum(axis=2)[:, 0] / problem.policy.total_budget
    sd = math.sqrt(weight @ (share - exact) ** 2)
    sampled = execution(problem, reserves=0, samples=20000, seed=3)
    got = sampled.levels.at[0, "expected_execution"]
    assert abs(got - exact) <= 4 * sd / math.sqrt(20000)


def _independent(problem: Problem, primary: dict[str, float], reserves: list[str],
                 target: float) -> list[tuple[float, float, float]]:
    """(E[execution], P(below target), E[value]) per level, by listing every outcome."""
    pj, policy = problem.projects, problem.policy
    p_partner, p_item = signing_probabilities(problem)
    frac = {**primary, **dict.fromkeys(reserves, 1.0)}
    items = list(primary) + reserves
    partners = sorted({pj.at[p, "country"] for p in items})
    budget = policy.budget
    total = sum(budget.values())
    cap = {c: min(policy.priority.max_country_share,
                  1.0 if pd.isna(m) else m) * total
           for c, m in problem.countries["max_share"].items()}
    out = [[0.0, 0.0, 0.0] for _ in range(len(reserves) + 1)]
    for signs in itertools.product((True, False), repeat=len(partners)):
        signed = dict(zip(partners, signs, strict=True))
        for stays in itertools.product((True, False), repeat=len(items)):
            weight = math.prod(p_partner[c] if s else 1 - p_partner[c]
                               for c, s in signed.items())
            weight *= math.prod(p_item[p] if s else 1 - p_item[p]
                                for p, s in zip(items, stays, strict=True))
            if weight == 0:
                continue
            available = {p for p, s in zip(items, stays, strict=True)
                         if s and signed[pj.at[p, "country"]]}
            done = {p for p in primary if p in available}
            while True:
                keep = {p for p in done if all(q in done for q in pj.at[p, "requires"])}
                if keep == done:
                    break
                done = keep
            for k in range(len(reserves) + 1):
                if k:
                    r = reserves[k - 1]
                    trial = done | {r}
                    fits = all(sum(problem.cost.at[p, fy] * frac[p] for p in trial)
                               <= b + 1e-9 for fy, b in budget.items())
                    country = pj.at[r, "country"]
                    fits &= sum(problem.total_cost[p] * frac[p] for p in trial
                                if pj.at[p, "country"] == country) <= cap[country] + 1e-9
                    group = pj.at[r, "exclusive_group"]
                    fits &= not group or not any(pj.at[p, "exclusive_group"] == group
                                                 for p in done)
                    fits &= all(q in done for q in pj.at[r, "requires"])
                    served = {pj.at[p, "country"] for p in done}
                    most, least = policy.priority.max_countries, policy.priority.min_package
                    if country not in served:
                        fits &= not most or len(served) + 1 <= most
                        fits &= problem.total_cost[r] * frac[r] >= least - 1e-9
                    if r in available and fits:
                        done = trial
                spent = sum(problem.total_cost[p] * frac[p] for p in done) / total
                out[k][0] += weight * spent
                out[k][1] += weight * (spent < target - 1e-9)
                out[k][2] += weight * sum(problem.value[p] * frac[p] for p in done)
    return [tuple(level) for level in out]


@pytest.mark.parametrize("budget, priority", [
    (2000.0, {}), (2600.0, {}),
    (2600.0, {"max_countries": 2}),           # Borealis' reserves open a third partner
    (2600.0, {"min_package": 500.0}),         # P-03 alone (¥400m) cannot open Borealis
])
def test_exact_enumeration_with_requirements_groups_and_reserves(
        budget: float, priority: dict[str, float]) -> None:
    """P-02 requires P-01 (in portfolio 1); reserve P-03 shares the group 'boats' with P-02
    and P-04 must fit the budget: every rule of the commit, against an independent count."""
    problem = problem_with(budget={"FY2026": budget, "FY2027": 1000.0}, priority=priority)
    primary = {"P-01": 1.0, "P-02": 0.5, "P-05": 1.0}
    reserves = ["P-03", "P-04"]
    plan = make_plan(problem, primary, [[r] for r in reserves], target=0.6)
    got = analyse(problem, plan, exact=True)
    want = _independent(problem, primary, reserves, 0.6)
    table = got.levels
    for k, (exec_, below, value) in enumerate(want):
        assert table.at[k, "expected_execution"] == pytest.approx(exec_, rel=1e-12, abs=1e-15)
        assert table.at[k, "p_below_target"] == pytest.approx(below, rel=1e-12, abs=1e-15)
        assert table.at[k, "expected_value"] == pytest.approx(value, rel=1e-12)
    reach = [k for k, (e, _, _) in enumerate(want) if e >= 0.6 - 1e-9]
    assert got.recommended_reserves == (reach[0] if reach else None)
    assert (got.recommended_reserves is None) == bool(got.notes)


def test_a_bundle_in_portfolio_one_is_committed_whole_or_not_at_all() -> None:
    projects = tiny_projects()
    projects["requires"] = ["", "", "", "P-05", "P-04", ""]
    projects["p_sign"] = [1.0, 1.0, 1.0, 0.5, 0.8, 1.0]
    countries = tiny_countries()
    problem = Problem.from_frames(projects, countries, TINY_POLICY)
    plan = make_plan(problem, {"P-04": 1.0, "P-05": 1.0}, [])
    spent, _, weight, _, _, _ = simulate(plan, exact=True)
    both = problem.total_cost["P-04"] + problem.total_cost["P-05"]
    levels = spent.sum(axis=2)[:, 0]
    assert set(np.round(levels, 9)) <= {0.0, round(both, 9)}
    assert weight @ levels == pytest.approx(0.5 * 0.8 * both)


def test_sampling_is_the_same_serial_or_parallel_and_per_sample() -> None:
    problem = problem_with()
    best = solve(problem, portfolios=1).best
    plan = make_plan(problem, best.fractions, [["P-03"], ["P-04"]])
    serial = simulate(plan, 120, seed=5)
    parallel = simulate(plan, 120, seed=5, jobs=2, chunk_size=17)
    np.testing.assert_array_equal(serial[0], parallel[0])
    shorter = simulate(plan, 60, seed=5)
    np.testing.assert_array_equal(serial[0][:60], shorter[0])  # sample i is sample i
    other = simulate(plan, 120, seed=6)
    assert not np.array_equal(serial[0], other[0])


def test_a_signed_item_is_fixed_in_and_its_partner_signs() -> None:
    projects = tiny_projects()
    projects["stage"] = ["", "", "", "", "", ""]
    projects.loc[3, "stage"] = "signed"            # P-04, Borealis
    projects["status"] = ["candidate"] * 5 + ["excluded"]
    projects["score_security"] = [8.0, 7.5, 4.0, 0.0, 6.0, 2.0]
    projects["score_humanitarian"] = [3.0, 4.0, 9.0, 0.0, 2.0, 7.0]
    countries = tiny_countries()
    countries["p_sign"] = [0.5, 0.5, 0.5]
    problem = Problem.from_frames(projects, countries, TINY_POLICY)
    assert "P-04" in solve(problem, portfolios=1).best.fractions
    p_partner, p_item = signing_probabilities(problem)
    assert p_partner["Borealis"] == 1.0 and p_item["P-04"] == 1.0
    assert p_partner["Aurelia"] == 0.5


def test_reserves_come_from_above_portfolio_one() -> None:
    import osa_opt

    problem = osa_opt.load_problem()
    result = solve(problem, portfolios=1)
    analysis = execution(problem, reserves=5, samples=200, baseline=result)
    levels = analysis.levels
    assert list(levels["reserves"]) == list(range(len(levels)))
    names = list(levels["reserve_projects"].iloc[-1])
    assert names and not set(names) & set(result.best.fractions)
    assert set(names) <= set(problem.eligible)
    values = levels["expected_value"].to_numpy()
    assert (np.diff(levels["expected_execution"].to_numpy()) >= -1e-12).all()
    assert (np.diff(values) >= -1e-9).all()  # reserves only add


def test_with_certain_signings_execution_is_portfolio_one_share() -> None:
    import osa_opt

    problem = osa_opt.load_problem()
    certain = problem.with_policy(overrides={"execution.p_sign_by_stage": {}})
    projects = certain.raw_projects()
    projects["stage"] = ""
    countries = certain.raw_countries()
    countries["p_sign"] = None
    certain = Problem.from_frames(projects, countries, certain.policy)
    result = solve(certain, portfolios=1)
    analysis = execution(certain, reserves=2, samples=50, baseline=result)
    share = result.best.total_cost / certain.policy.total_budget
    assert analysis.levels.at[0, "expected_execution"] == pytest.approx(share)
    assert analysis.levels.at[0, "p_below_target"] in (0.0, 1.0)


def test_cli_json_is_exactly_the_documented_shape(tmp_path: Path) -> None:
    from osa_opt.cli import cli

    # a smaller budget than the example's leaves room for three reserves on the funding line
    out = CliRunner().invoke(cli, ["execution", "--reserves", "3", "--samples", "300",
                                   "--budget", "FY2026=14000",
                                   "--json", "--out", str(tmp_path / "run")])
    assert out.exit_code == 0, out.output
    payload = json.loads(out.stdout)
    assert set(payload) == {"levels", "recommended_reserves", "target", "samples", "seed",
                            "exact", "portfolio", "executor", "seconds", "partial", "notes"}
    assert [lv["reserves"] for lv in payload["levels"]] == [0, 1, 2, 3]
    assert payload["samples"] == 300 and payload["exact"] is False
    before: list[str] = []
    for level in payload["levels"]:
        assert set(level) == {"reserves", "reserve_projects", "added", "expected_execution",
                              "execution_by_year", "p_below_target", "expected_value"}
        assert len(level["reserve_projects"]) >= level["reserves"]
        assert level["reserve_projects"] == before + level["added"]
        assert set(level["execution_by_year"]) == {"FY2026"}
        before = level["reserve_projects"]
    rec = payload["recommended_reserves"]
    assert rec is None or isinstance(rec, int)
    manifest = json.loads((tmp_path / "run" / "run.json").read_text())
    assert manifest["analyses"]["execution"] == payload
    import openpyxl

    book = openpyxl.load_workbook(tmp_path / "run" / "portfolios.xlsx", read_only=True)
    assert "Execution" in book.sheetnames
    assert "Execution" in (tmp_path / "run" / "report.html").read_text(encoding="utf-8")


def test_solve_adds_the_execution_analysis_when_stages_are_given(tmp_path: Path) -> None:
    from osa_opt.cli import cli

    out = CliRunner().invoke(cli, ["solve", "-k", "1", "--no-explain", "--quiet",
                                   "--out", str(tmp_path / "run")])
    assert out.exit_code == 0, out.output
    manifest = json.loads((tmp_path / "run" / "run.json").read_text())
    levels = manifest["analyses"]["execution"]["levels"]
    assert levels[0]["reserves"] == 0 and 0 < levels[0]["expected_execution"] < 1
    html = (tmp_path / "run" / "report.html").read_text(encoding="utf-8")
    assert 'id="analysis-execution"' in html and "Expected execution against reserves" in html


def test_a_signed_project_must_be_eligible_and_not_excluded() -> None:
    from osa_opt.errors import InputError

    projects = tiny_projects()
    projects["stage"] = ["", "", "", "", "", "signed"]   # P-06 is excluded
    countries = tiny_countries()
    countries.loc[1, "democracy"] = 2.0                   # Borealis fails min_democracy
    projects.loc[2, "stage"] = "signed"                   # P-03, Borealis
    with pytest.raises(InputError) as caught:
        Problem.from_frames(projects, countries, TINY_POLICY)
    messages = [i.message() for i in caught.value.issues if i.column == "stage"]
    assert len(messages) == 2
    assert any("'P-06'" in m and "signed project is marked excluded" in m for m in messages)
    assert any("'P-03'" in m and "signed project is not eligible: democracy" in m
               for m in messages)


def test_the_terminal_and_the_report_show_the_same_execution_figures(tmp_path: Path) -> None:
    # What a budget officer reads in both places: the sample count with a thousands
    # separator, the value to the same three decimals, the column headed in capitals.
    from osa_opt.cli import cli

    out = CliRunner().invoke(cli, ["execution", "--out", str(tmp_path / "run")],
                             env={"COLUMNS": "100"})
    assert out.exit_code == 0, out.output
    manifest = json.loads((tmp_path / "run" / "run.json").read_text())
    levels = manifest["analyses"]["execution"]["levels"]
    samples = manifest["analyses"]["execution"]["samples"]
    assert samples >= 1000
    text = " ".join(out.stdout.split())
    assert f"Simulating {samples:,} signing outcomes" in out.stderr
    assert f"{samples:,} signing outcomes (seed" in text
    report = (tmp_path / "run" / "report.html").read_text(encoding="utf-8")
    assert f"({samples:,} outcomes, seed" in report
    assert "<th>Expected execution</th>" in report or ">Expected execution<" in report
    for level in levels:
        shown = f"{level['expected_value']:,.3f}"
        assert shown in text and shown in report
    import re

    # "no number of reserves reaches the target" said once, by the note with its best figure
    words = " ".join(re.sub(r"<[^>]+>", " ", report).split())
    if manifest["analyses"]["execution"]["recommended_reserves"] is None:
        assert words.count("No number of reserves") == 1
        # "up to 1" read as a limit on the count; the range tried is said (0 to 1)
        assert re.search(r"No number of reserves \(0 to \d+\) reaches", words)
        assert "in expectation (at most" in words
    # the chart counts reserves: whole numbers on its x axis, never "0.2"
    chart = report[report.index("Expected execution against reserves"):]
    chart = chart[:chart.index("</svg>")]
    labels = re.findall(r"<text[^>]*>([^<]*)</text>", chart)
    axis = labels[labels.index("100%") + 1:labels.index("reserves signed if needed")]
    assert axis and all(t.isdigit() for t in axis), axis
    assert int(axis[-1]) >= len(levels) - 1


def test_the_terminal_says_the_time_and_the_advice_in_words(tmp_path: Path) -> None:
    # 2,000 outcomes take a few hundredths of a second: "in 0.0 s" read as no time at all;
    # policy keys are named for the analyst, after the words a budget officer reads
    import re

    from osa_opt.cli import cli

    out = CliRunner().invoke(cli, ["execution", "--out", str(tmp_path / "run")],
                             env={"COLUMNS": "80"})
    assert out.exit_code == 0, out.output
    assert max(len(line) for line in out.stdout.splitlines()) <= 80
    text = " ".join(out.stdout.split())
    analysis = json.loads((tmp_path / "run" / "run.json").read_text())["analyses"]["execution"]
    assert "in 0.0 s" not in text
    seconds = analysis["seconds"]
    assert (f"in {seconds:.1f} s." if seconds >= 0.05 else "in under 0.1 s.") in text
    assert not re.search(r"(?<!policy key )\b(frontier\.stop|execution\.target)\b", text)
    if analysis["recommended_reserves"] is None:  # the shipped example: 95% is not reached
        assert "the target share of the budget to execute (policy key execution.target)" \
            in text


def test_the_terminal_rounds_a_half_as_the_workbook_and_the_report_do(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Out of 2,000 signing outcomes, 3 below the target is 0.15%: the workbook's 0.0% cell
    and the report show "0.2%" (halves away from zero), the terminal printed "0.1%"
    (Python's :.1% works on the binary 0.0015, just under a half) — a quarter of the
    possible shares of 2,000 samples read differently in the two."""
    import dataclasses
    import io

    from rich.console import Console

    import osa_opt
    from osa_opt.cli import execution as cli_execution
    from osa_opt.cli import render
    from osa_opt.text import percent

    problem = osa_opt.load_problem()
    result = osa_opt.solve(problem, portfolios=1, explain=False)
    analysis = osa_opt.execution(problem, samples=200, baseline=result)
    levels = analysis.levels.copy()
    years = [c for c in levels.columns if c.startswith("execution_")]
    for column in ("p_below_target", "expected_execution", *years):
        levels[column] = 3 / 2000
    analysis = dataclasses.replace(analysis, levels=levels)
    assert percent(3 / 2000, 1, trim=False) == "0.2%"  # as Excel shows 0.0015 in 0.0%
    out = io.StringIO()
    monkeypatch.setattr(render, "stdout_console", lambda *a, **k: Console(file=out, width=120))
    cli_execution._render(result, analysis, tmp_path)
    rows = [line for line in out.getvalue().splitlines() if line.startswith("│")]
    assert rows and all(line.count("0.2%") == 3 and "0.1%" not in line for line in rows), rows


def test_the_terminal_heads_each_year_s_column_as_execution(tmp_path: Path) -> None:
    """The table headed a year's column 'FY2026' alone, beside 'Expected execution', its
    cells 76.1%: a share of what, a reader asked (the workbook says Execution FY2026)."""
    from osa_opt.cli import cli

    out = CliRunner(env={"COLUMNS": "80"}).invoke(
        cli, ["execution", "--reserves", "1", "--samples", "100", "--out", str(tmp_path / "r")])
    assert out.exit_code == 0, out.output
    header = [line for line in out.stdout.splitlines() if "┃" in line]
    cells = [" ".join(parts) for parts in zip(*(
        [c.strip() for c in line.strip("┃").split("┃")] for line in header), strict=True)]
    assert [" ".join(c.split()) for c in cells][2:4] == ["Expected execution",
                                                          "Execution FY2026"]


def test_the_report_heads_each_year_s_column_as_execution(tmp_path: Path) -> None:
    """The report's Execution table headed a year's column 'FY2026' alone, as the terminal
    did (the workbook and the terminal say Execution FY2026)."""
    from osa_opt.cli import cli

    out = CliRunner(env={"COLUMNS": "80"}).invoke(
        cli, ["execution", "--reserves", "1", "--samples", "100", "--quiet", "--out",
              str(tmp_path / "r")])
    assert out.exit_code == 0, out.output
    html = (tmp_path / "r" / "report.html").read_text(encoding="utf-8")
    section = html[html.index('id="analysis-execution"'):]
    head = section[section.index("<thead"):section.index("</thead>")]
    assert re.findall(r"<th[^>]*>([^<]*)</th>", head)[2:4] == ["Expected execution",
                                                              "Execution FY2026"]


@pytest.mark.parametrize("columns", [68, 150])
def test_cli_in_a_narrow_terminal_leaves_out_the_years_and_says_so(
        tmp_path: Path, columns: int, write_xlsx: Any, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """At 80 columns a round of three fiscal years (ids like P-001642) printed its
    execution table as records, nine lines a number of reserves (99 lines for 10
    reserves). A terminal too narrow for the per-year columns leaves them out of the table
    and says which (here the tiny round of two years at 68 columns); a wide one shows
    them."""
    import sys

    from osa_opt.cli import cli
    from osa_opt.cli.common import run_cli

    book = write_xlsx(tmp_path / "in.xlsx", tiny_projects(), tiny_countries())
    policy = tmp_path / "tiny.toml"
    policy.write_text(Problem.from_frames(tiny_projects(), tiny_countries(), TINY_POLICY)
                      .policy.to_toml(), encoding="utf-8")
    monkeypatch.setenv("COLUMNS", str(columns))
    monkeypatch.setattr(sys, "argv", ["osa-opt", "execution", str(book), "--policy",
                                      str(policy), "-n", "50", "-r", "2",
                                      "--out", str(tmp_path / "run")])
    assert run_cli(cli) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert all(len(line) <= columns for line in lines)
    header = " ".join(line for line in lines if line.startswith("┃"))
    assert "Expected" in header and "Reserves" in header  # a table, not records
    text = " ".join(out.split())
    note = ("Left out at this width: Execution FY2026, Execution FY2027 (the workbook's "
            "Execution sheet has every column).")
    if columns == 68:
        assert note in text and "FY2027" not in header
    else:
        assert note not in text and "FY2027" in header


@pytest.mark.parametrize(("partner", "p_partner", "p_item"), [("Tavola", 0.85, 0.7),
                                                              ("Kantoro", 0.78, 0.7)])
def test_a_slip_of_a_required_partner_is_said(tmp_path: Path, partner: str, p_partner: float,
                                              p_item: float) -> None:
    """priority.required_partners = ['Tavola'] at ¥9,000m: portfolio 1 funds one Tavola item
    (P-25, survey 0.7; Kantoro: P-30, its only eligible one) and no reserve is Tavola's, so
    in about 1 - 0.85·0.7 = 40.5% of the outcomes Tavola ends with nothing committed, and
    the table printed 95% execution as if the minister's partner were in. The note says how
    often the rule breaks with the recommended reserves (within four standard errors of the
    exact share), and nothing is said without the rule."""
    from osa_opt.cli import cli

    args = ["execution", "--budget", "FY2026=9000", "--json"]
    out = CliRunner().invoke(cli, [*args, "--set", f"priority.required_partners=['{partner}']",
                                   "--out", str(tmp_path / "run")])
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    k = data["recommended_reserves"]
    assert k is not None
    reserves = data["levels"][k]["reserve_projects"]
    pj = osa_opt_projects()
    assert not [p for p in reserves if pj.at[p, "country"] == partner]  # none restores it
    note = [n for n in data["notes"] if n.startswith(f"{partner} (priority.required_partners)")]
    assert len(note) == 1, data["notes"]
    found = re.search(r"has no committed project in ([\d.]+)% of the outcomes with the "
                      rf"{k} recommended reserves: its agreement \(p_sign {p_partner:g}\)",
                      note[0])
    assert found, note[0]
    exact = 1 - p_partner * p_item
    error = math.sqrt(exact * (1 - exact) / data["samples"])
    assert abs(float(found.group(1)) / 100 - exact) < 4 * error
    plain = CliRunner().invoke(cli, [*args, "--out", str(tmp_path / "plain")])
    assert plain.exit_code == 0, plain.output
    assert "priority.required_partners" not in plain.stdout


def osa_opt_projects() -> pd.DataFrame:
    import osa_opt

    return osa_opt.load_problem().input_projects


def test_a_slip_of_a_mandatory_project_is_said_with_its_exact_chance(tmp_path: Path) -> None:
    """A mandatory project slips as any item does (its partner's agreement or the item), yet
    the execution said nothing of it, where a required partner's slip got a note. Now one
    note names each mandatory project of portfolio 1 that can slip, the likeliest first,
    with its chance: 1 − the product of the p_sign of its partner(s), itself and what it
    requires in portfolio 1 (P-02 requires P-01, both Aurelia's: 1 − 0.8·0.95·0.7)."""
    problem = problem_with(requires=True)
    projects = problem.raw_projects()
    projects["status"] = ["candidate", "mandatory", "candidate", "mandatory", "candidate",
                          "excluded"]
    problem = Problem.from_frames(projects, problem.raw_countries(), problem.policy)
    analysis = execution(problem, reserves=2, samples=50)
    (note,) = [n for n in analysis.notes if n.startswith("Mandatory projects slip too")]
    p02 = 1 - P_COUNTRY["Aurelia"] * P_ITEM[0] * P_ITEM[1]
    p04 = 1 - P_COUNTRY["Borealis"] * P_ITEM[3]
    found = re.findall(r"(P-0\d) \((\w+), ¥[\d,.]+m\) in ([\d.]+)%", note)
    assert [(p, c) for p, c, _ in found] == [("P-04", "Borealis"), ("P-02", "Aurelia")], note
    assert [float(s) for _, _, s in found] == [round(100 * p04, 1), round(100 * p02, 1)]
    # the shipped example: P-01 (mandatory, stage agreed) of Aurelia, in every output
    from osa_opt.cli import cli

    out = CliRunner().invoke(cli, ["execution", "--out", str(tmp_path / "run")])
    assert out.exit_code == 0, out.output
    import osa_opt

    example = osa_opt.load_problem()
    p_sign = float(example.input_countries.at["Aurelia", "p_sign"])
    stage = example.input_projects.at["P-01", "stage"]
    p_item = example.policy.execution.p_sign_by_stage[stage]
    said = (f"Mandatory projects slip too: P-01 (Aurelia, ¥900m) is not committed in "
            f"{100 * (1 - p_sign * p_item):.1f}% of the outcomes: its partner's agreement "
            f"(p_sign {p_sign:g}) or the item (p_sign {p_item:g}) slips.")
    assert said in " ".join(out.stdout.split())
    manifest = json.loads((tmp_path / "run" / "run.json").read_text("utf-8"))
    assert any(said in n for n in manifest["analyses"]["execution"]["notes"])
    assert said in (tmp_path / "run" / "report.html").read_text("utf-8").replace("&#x27;", "'")


def execution_sheet_notes(path: Path) -> list[str]:
    """The lines under the label Notes below the Execution sheet's table, as written."""
    import warnings

    import openpyxl

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sheet = openpyxl.load_workbook(path)["Execution"]
    column = [sheet.cell(r, 1).value for r in range(1, sheet.max_row + 1)]
    assert "Reserves" in column and column.count("Notes") == 1, column
    return [str(v) for v in column[column.index("Notes") + 1:] if v is not None]


@pytest.mark.slow
def test_the_workbooks_execution_sheet_shows_the_notes(tmp_path: Path) -> None:
    """The Execution sheet (osa-opt execution's workbook, and solve's) showed the table
    alone, none of the notes the terminal, the report and run.json gave: a budget officer
    reading the workbook never learnt that P-01 (mandatory) is not committed in 14.5% of
    the outcomes, nor that the required partner Tavola has no committed project in about
    40% of them. They are now a Notes block under the table, the same lines in the same
    order, printed with it (LibreOffice's PDF of the workbook)."""
    import subprocess

    from conftest import require_program

    from osa_opt.cli import cli

    run = tmp_path / "run"
    out = CliRunner().invoke(cli, ["execution", "--budget", "FY2026=9000", "--set",
                                   "priority.required_partners=['Tavola']", "--out", str(run)])
    assert out.exit_code == 0, out.output
    notes = json.loads((run / "run.json").read_text("utf-8"))["analyses"]["execution"]["notes"]
    assert any(n.startswith("Mandatory projects slip too: P-01 (Aurelia") for n in notes)
    assert any(n.startswith("Tavola (priority.required_partners) has no committed project in")
               for n in notes), notes
    assert execution_sheet_notes(run / "portfolios.xlsx") == notes
    soffice = require_program(("soffice", "libreoffice"),
                              "apt-get install -y libreoffice-calc-nogui")
    proc = subprocess.run(
        [soffice, f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}", "--headless",
         "--norestore", "--convert-to", "pdf", "--outdir", str(tmp_path / "pdf"),
         str(run / "portfolios.xlsx")], capture_output=True, text=True, timeout=240)
    assert proc.returncode == 0, proc.stderr
    text = subprocess.run([require_program("pdftotext", "apt-get install -y poppler-utils"),
                           str(tmp_path / "pdf" / "portfolios.pdf"), "-"],
                          capture_output=True, text=True, timeout=60).stdout
    printed = " ".join(text.split())
    for note in notes:  # every word of each note, in order, on the printed sheet
        assert " ".join(note.split()) in printed, note
    # solve's workbook: its Execution sheet carries the same block
    solved = CliRunner().invoke(cli, ["solve", "--portfolios", "1", "--out",
                                      str(tmp_path / "solved")])
    assert solved.exit_code == 0, solved.output
    manifest = json.loads((tmp_path / "solved" / "run.json").read_text("utf-8"))
    said = manifest["analyses"]["execution"]["notes"]
    assert any(n.startswith("Mandatory projects slip too") for n in said)
    assert execution_sheet_notes(tmp_path / "solved" / "portfolios.xlsx") == said
