"""The shipped example workbook: its content, that it is reproducible, that both policies work."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path

import openpyxl
import pytest

import osa_opt
from osa_opt.data import example_path
from osa_opt.inputs.eligibility import country_reasons
from osa_opt.inputs.policy import ASSISTANCE_TYPES, FIELDS, Policy
from osa_opt.inputs.schema import COUNTRY_COLUMNS, project_columns

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "inputs" / "example.xlsx"
GENERATOR = ROOT / "inputs" / "make_example.py"
POLICIES = [ROOT / "models" / "default.toml", ROOT / "models" / "strict_round.toml",
            ROOT / "models" / "humanitarian_focus.toml"]

# Recipients in the public record of OSA: the example must not assess real countries.
REAL_RECIPIENTS = {"Philippines", "Bangladesh", "Malaysia", "Fiji", "Djibouti", "Indonesia",
                   "Mongolia", "Papua New Guinea", "Sri Lanka", "Tonga", "Thailand",
                   "Timor-Leste"}


def sheet_records(book, name: str) -> list[dict[str, object]]:
    rows = list(book[name].iter_rows(values_only=True))
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


@pytest.fixture(scope="module")
def book():
    return openpyxl.load_workbook(EXAMPLE)


@pytest.fixture(scope="module")
def projects(book) -> list[dict[str, object]]:
    return sheet_records(book, "projects")


@pytest.fixture(scope="module")
def countries(book) -> list[dict[str, object]]:
    return sheet_records(book, "countries")


def test_shipped_path_is_the_example() -> None:
    assert example_path().resolve() == EXAMPLE.resolve()


def test_sheets_and_headers_match_the_default_policy(book) -> None:
    policy = Policy.default()
    assert book.sheetnames == ["README", "projects", "countries"]
    assert [c.value for c in book["projects"][1]] == [
        c.name for c in project_columns(policy.fiscal_years, policy.criteria)]
    assert [c.value for c in book["countries"][1]] == [c.name for c in COUNTRY_COLUMNS]
    for sheet in ("projects", "countries"):
        assert book[sheet].freeze_panes == "A2"
        assert all(c.comment is not None for c in book[sheet][1])


def fields_of(project: dict[str, object]) -> list[str]:
    return str(project["field"]).split(";")


def test_size_and_coverage(projects, countries) -> None:
    assert 10 <= len(countries) <= 14  # the FY2026 plan: "10 or more" partners
    assert 30 <= len(projects) <= 45
    assert {f for p in projects for f in fields_of(p)} == set(FIELDS)
    assert {p["assistance_type"] for p in projects} == set(ASSISTANCE_TYPES)
    assert len({p["project_id"] for p in projects}) == len(projects)
    names = {c["country"] for c in countries}
    assert {p["country"] for p in projects} == names  # every partner has a project
    assert not names & REAL_RECIPIENTS
    assert 4 <= len({c["region"] for c in countries}) <= 6
    tiers = Counter(c["priority_tier"] for c in countries)
    assert set(tiers) == {1, 2, 3}
    several = [p["project_id"] for p in projects if len(fields_of(p)) > 1]
    assert 3 <= len(several) <= 8


def test_items_and_partners_are_sized_like_a_real_round(projects) -> None:
    """Items of ¥0.3-3.1bn as in the record; partner totals near the FY2026 budget divided
    by the planned partners, counting each need once (the larger of two alternatives)."""
    costs = sorted(p["cost_FY2026"] for p in projects)
    assert costs[0] >= 300 and costs[-1] <= 3100 and costs[-1] >= 2500
    smaller_alternative = 0.0
    groups: dict[str, list[float]] = {}
    for p in projects:
        if p["exclusive_group"]:
            groups.setdefault(p["exclusive_group"], []).append(p["cost_FY2026"])
    for members in groups.values():
        smaller_alternative += sum(members) - max(members)
    partners = {p["country"] for p in projects}
    per_partner = (sum(costs) - smaller_alternative) / len(partners)
    assert 1500 <= per_partner <= 1800, per_partner


def test_candidates_ask_for_1_3_to_1_5_times_the_budget(projects) -> None:
    budget = Policy.default().budget
    assert list(budget) == ["FY2026"] and budget["FY2026"] == 18100
    asked = sum(p["cost_FY2026"] for p in projects)
    assert 1.3 <= asked / budget["FY2026"] <= 1.5


def test_one_mandatory_and_one_excluded_project_with_reasons(projects) -> None:
    statuses = Counter(p["status"] for p in projects)
    assert statuses["mandatory"] == 1
    assert statuses["excluded"] == 1
    assert statuses["candidate"] == len(projects) - 2
    for p in projects:
        if p["status"] != "candidate":
            assert len(str(p["status_reason"] or "")) > 20, p["project_id"]
        else:
            assert p["status_reason"] is None


def test_partly_fundable_groups_and_dependencies(projects) -> None:
    partly = [p for p in projects if p["min_funding"] < 1]
    assert 4 <= len(partly) <= 8
    assert all(0.5 <= p["min_funding"] <= 0.8 for p in partly)
    groups = Counter(p["exclusive_group"] for p in projects if p["exclusive_group"])
    assert 2 <= len(groups) <= 3 and all(n >= 2 for n in groups.values())
    ids = {p["project_id"] for p in projects}
    needs = {p["project_id"]: p["requires"].split(";") for p in projects if p["requires"]}
    assert 2 <= len(needs) <= 4
    for pid, required in needs.items():
        assert set(required) <= ids - {pid}
        assert not set(required) & set(needs), "no chains of dependencies, so no cycles"
    assert all(0 <= p["risk"] <= 0.6 for p in projects)
    assert all(0.3 <= p["score_spread"] <= 1.5 for p in projects)


def test_no_score_rises_faster_than_cost(projects) -> None:
    """The size term is less than proportional: value per yen falls as cost rises, so the
    generator builds in no preference for big-ticket items (docs/example.md)."""
    import importlib.util
    import math

    import numpy as np

    spec = importlib.util.spec_from_file_location("make_example", GENERATOR)
    generator = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generator)
    FIELD_PROFILE, SIZE_EFFECT = generator.FIELD_PROFILE, generator.SIZE_EFFECT  # noqa: N806
    cost = np.array([p["cost_FY2026"] for p in projects])
    assert SIZE_EFFECT * math.log2(3100 / 750) < 3.0  # +2 points for 4 times the cost
    mean_score = np.array([np.mean([p["score_security"], p["score_humanitarian"],
                                    p["score_partnership"]]) for p in projects])
    assert np.corrcoef(np.log(cost), mean_score / cost)[0, 1] < 0  # per yen: falls with cost
    assert FIELD_PROFILE


def test_readme_says_the_countries_are_fictional(book) -> None:
    text = " ".join(str(v) for r in book["README"].iter_rows(values_only=True) for v in r if v)
    assert "FICTIONAL" in text
    assert "public record" in text
    for column in ("project_id", "score_spread", "max_share", "cost_FY2026", "override_reason",
                   "dispute_linked", "equipment_category"):
        assert column in text


def test_valid_under_the_default_policy_with_stated_reasons() -> None:
    problem = osa_opt.load_problem(EXAMPLE)
    e = problem.eligibility
    out = {pid: [r.split(":")[0] for r in rs] for pid, rs in e["reasons"].items() if rs}
    assert out == {"P-26": ["status excluded"],
                   "P-28": ["misuse risk above the limit"],
                   "P-31": ["linked to an international dispute"],
                   "P-35": ["country is a party to a conflict"],
                   "P-36": ["no management agreement"]}
    assert e.at["P-26", "reasons"][0].startswith("status excluded: Deferred")
    # eligible by a written rule: an override, a project's own clauses, a mitigation
    assert e.at["P-38", "overrides"] and e.at["P-38", "eligible"]
    assert e.at["P-37", "eligible"] and problem.projects.at["P-37", "prior_consent"] is True
    assert problem.projects.at["P-24", "risk"] > problem.policy.eligibility.max_risk
    assert e.at["P-24", "eligible"] and problem.projects.at["P-24", "mitigation"]
    # low governance is weighed, not a gate: Kantoro's flood machinery stays eligible
    assert problem.countries.at["Kantoro", "democracy"] < 4 and e.at["P-30", "eligible"]
    assert problem.country_factor["P-30"] < 1 < problem.country_factor["P-01"]


def test_the_strict_policy_rules_out_low_governance() -> None:
    problem = osa_opt.load_problem(EXAMPLE, policy=POLICIES[1])
    reasons = country_reasons(problem.countries, problem.policy)
    codes = {r.split(":")[0] for rs in reasons for r in rs}
    assert {"democracy below threshold", "rule of law below threshold"} <= codes
    assert not problem.eligibility.at["P-30", "eligible"]


@pytest.mark.parametrize("policy", POLICIES, ids=lambda p: p.stem)
def test_every_policy_leaves_room_for_five_portfolios(policy: Path) -> None:
    problem = osa_opt.load_problem(EXAMPLE, policy=policy)
    result = osa_opt.solve(problem, portfolios=5)
    assert len(result.portfolios) == 5
    best = result.portfolios[0]
    assert 20 <= len(best.fractions) <= 35
    for fy, amount in problem.policy.budget.items():
        spent = sum(problem.cost.loc[p, fy] * f for p, f in best.fractions.items())
        assert spent <= amount + 1e-6
        assert spent >= 0.85 * amount, fy


def test_regenerating_gives_the_same_workbook(tmp_path: Path, book) -> None:
    out = tmp_path / "again.xlsx"
    run = subprocess.run([sys.executable, str(GENERATOR), str(out)], capture_output=True,
                         text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    again = openpyxl.load_workbook(out)
    assert again.sheetnames == book.sheetnames
    for name in book.sheetnames:
        assert list(again[name].iter_rows(values_only=True)) == list(
            book[name].iter_rows(values_only=True)), name
    assert [p.name for p in tmp_path.iterdir()] == ["again.xlsx"]


def test_example_as_csv_folder_gives_the_same_problem(book, tmp_path: Path) -> None:
    import csv

    import pandas as pd

    for sheet in ("projects", "countries"):
        with open(tmp_path / f"{sheet}.csv", "w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            for row in book[sheet].iter_rows(values_only=True):
                writer.writerow(["" if v is None else v for v in row])
    from_xlsx = osa_opt.load_problem(EXAMPLE)
    from_csv = osa_opt.load_problem(tmp_path)
    pd.testing.assert_frame_equal(from_xlsx.projects, from_csv.projects)
    pd.testing.assert_frame_equal(from_xlsx.countries, from_csv.countries)
    assert from_xlsx.policy == from_csv.policy
    first = osa_opt.solve(from_xlsx, portfolios=1).portfolios[0]
    again = osa_opt.solve(from_csv, portfolios=1).portfolios[0]
    assert first.fractions == again.fractions


def test_the_humanitarian_policy_gives_a_visibly_different_portfolio() -> None:
    default, humanitarian = (osa_opt.solve(osa_opt.load_problem(EXAMPLE, policy=p), portfolios=1)
                             .portfolios[0] for p in (POLICIES[0], POLICIES[2]))
    changed = set(default.fractions) ^ set(humanitarian.fractions)
    assert len(changed) >= 6, changed
    humane = {"disaster_relief", "search_and_rescue", "medical", "relief_transport"}

    def humane_share(port) -> float:
        alloc = port.allocation("field")["total_cost"]  # several fields: cost split
        return float(alloc.reindex(sorted(humane)).fillna(0).sum() / alloc.sum())

    assert humane_share(humanitarian) > humane_share(default) + 0.05


def test_every_output_of_the_shipped_example_says_it_is_illustrative(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str], tiny_frames) -> None:
    """``osa-opt solve`` with no input printed "Default OSA round: 38 projects ... budget
    FY2026 ¥18,100m" and wrote a report and a workbook that read like a real round: nothing
    in them said the partners are fictional and every number illustrative (only the docs
    and the input's own README sheet did). The terminal, the report's masthead and the
    workbook's Read me now say so; a round of one's own says nothing of the kind."""
    import html
    import re
    import warnings

    from osa_opt.cli import cli
    from osa_opt.cli.common import run_cli
    from osa_opt.data import EXAMPLE_NOTE
    from osa_opt.inputs.problem import Problem
    from osa_opt.outputs.readme import facts
    from osa_opt.report import render_report

    monkeypatch.setattr(sys, "argv", ["osa-opt", "solve", "--no-explain", "-k", "1",
                                      "--out", str(tmp_path / "run")])
    assert run_cli(cli) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert EXAMPLE_NOTE in out
    page = html.unescape(re.sub(r"<[^>]+>", " ", (tmp_path / "run" / "report.html")
                                .read_text(encoding="utf-8")))
    assert EXAMPLE_NOTE in " ".join(page.split())
    with warnings.catch_warnings():  # openpyxl ignores the data-bar extensions
        warnings.simplefilter("ignore", UserWarning)
        book = openpyxl.load_workbook(tmp_path / "run" / "portfolios.xlsx")
    readme = list(book["Read me"].iter_rows(values_only=True))
    assert ("Input", EXAMPLE_NOTE) in [r[:2] for r in readme]
    # the example read from its own path is the example too; a round of one's own is not
    assert osa_opt.load_problem(EXAMPLE).is_example
    own = osa_opt.solve(Problem.from_frames(*tiny_frames), portfolios=1, explain=False)
    assert not own.problem.is_example
    assert EXAMPLE_NOTE not in render_report(own)
    assert "Input" not in [label for label, _ in facts(own, "")]


@pytest.mark.parametrize("command", [
    ["validate", "--no-solve"], ["explain", "P-36"],
    ["frontier", "--set", "frontier.steps=3"], ["robustness", "-n", "3"],
    ["compare", "--budget-scenario", "FY2026=15000"], ["execution", "-n", "50", "-r", "1"],
], ids=lambda c: c[0])
def test_every_command_on_the_shipped_example_says_it_is_illustrative(
        command: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """Only ``osa-opt solve`` said that the example's partners are fictional and its numbers
    illustrative; ``explain``, ``frontier``, ``robustness``, ``compare``, ``execution`` and
    ``validate`` printed its figures as a real round's. Each says it now, at 80 columns,
    under its first line."""
    from osa_opt.cli import cli
    from osa_opt.cli.common import run_cli
    from osa_opt.data import EXAMPLE_NOTE

    monkeypatch.setenv("COLUMNS", "80")
    out = [] if command[0] in ("validate", "explain") else ["--out", str(tmp_path / "run")]
    monkeypatch.setattr(sys, "argv", ["osa-opt", *command, *out])
    assert run_cli(cli) == 0
    lines = capsys.readouterr().out.splitlines()
    assert EXAMPLE_NOTE in " ".join(" ".join(lines[:6]).split())
    assert all(len(line) <= 80 for line in lines)
