"""The price of each rule against independent solves: fresh models, policy edits, brute force."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pyomo.environ as pyo
import pytest
from test_why import (
    SEEDS,
    TOL,
    Enumerator,
    countries_frame,
    model_state,
    random_policy,
    random_projects,
    solved,
)

from osa_opt.analysis.prices import price_rules
from osa_opt.inputs.policy import Policy
from osa_opt.inputs.problem import Problem
from osa_opt.model import build_model
from osa_opt.solving.solver import Solver
from osa_opt.workflows import solve


def prices_frames() -> tuple[pd.DataFrame, pd.DataFrame, dict[str, Any]]:
    """Eight all-or-nothing projects in four countries where budget, mandatory, partners and
    a field minimum all cost value (value = score, every multiplier 1)."""
    countries = countries_frame()
    countries["management_agreement"] = True
    countries["max_share"] = [None, 0.45, None, None]
    projects = pd.DataFrame({
        "project_id": [f"P-0{i}" for i in range(1, 9)],
        "title": list("abcdefgh"),
        "country": ["Aurelia", "Borealis", "Borealis", "Caldera", "Caldera", "Dravina",
                    "Borealis", "Caldera"],
        "field": ["maritime_surveillance", "medical", "medical", "disaster_relief", "medical",
                  "medical", "search_and_rescue", "medical"],
        "assistance_type": ["equipment"] * 8,
        "cost_FY2026": [400.0, 300.0, 300.0, 300.0, 200.0, 500.0, 400.0, 250.0],
        "cost_FY2027": [0.0, 100.0, 0.0, 0.0, 0.0, 0.0, 50.0, 50.0],
        "score_security": [3.0, 9.0, 8.0, 7.0, 2.0, 4.0, 7.0, 6.0],
        "status": ["candidate"] * 4 + ["mandatory"] + ["candidate"] * 3,
        "status_reason": [""] * 4 + ["Summit commitment"] + [""] * 3,
    })
    policy = {"name": "prices", "budget": {"FY2026": 1800.0, "FY2027": 100.0},
              "objective": {"weights": {"security": 1.0}},
              "priority": {"min_tier_share": {1: 0.2}, "fund_every_tier": [1],
                           "min_countries": 3},
              "balance": {"min_field_share": {"disaster_relief": 0.1}}}
    return projects, countries, policy


def fresh_gain(problem: Problem, base: float, rule: str, bound: float | None = None) -> float:
    """Gain of a freshly built model with the rule off, or its row replaced at ``bound``."""
    model = build_model(problem)
    if rule in ("tier_partner", "mandatory"):
        getattr(model, rule).deactivate()
    else:
        row = {c.name: c for c in model.component_data_objects(pyo.Constraint)}[rule]
        row.deactivate()
        if bound is not None:
            model.relaxed_row = pyo.Constraint(
                expr=row.body >= bound if row.lower is not None else row.body <= bound)
    return Solver(problem, model).solve_once().objective - base


def policy_gain(problem: Problem, base: float, overrides: dict[str, Any]) -> float:
    """Gain of a problem re-validated under an edited policy, solved from scratch."""
    return solve(problem.with_policy(overrides=overrides), portfolios=1).best.objective - base


@pytest.fixture(scope="module")
def priced() -> tuple[Problem, Any, Any]:
    projects, countries, policy = prices_frames()
    problem = Problem.from_frames(projects, countries, Policy.from_dict(policy))
    result, solver = solved(problem)
    return problem, result, price_rules(result, solver)


def test_every_price_equals_a_freshly_built_model_without_the_rule(priced: Any) -> None:
    problem, result, prices = priced
    base = result.best.objective
    table = prices.table
    assert (table["gain_if_off"] > TOL).sum() >= 4  # the instance makes rules cost value
    for rule, row in table.iterrows():
        assert row["gain_if_off"] == pytest.approx(fresh_gain(problem, base, rule), abs=TOL), rule
        if row["relaxed_bound"] is not None and row["relaxed_bound"] == row["relaxed_bound"]:
            expected = fresh_gain(problem, base, rule, row["relaxed_bound"])
            assert row["gain_if_relaxed"] == pytest.approx(expected, abs=TOL), rule
            assert row["gain_if_relaxed"] <= row["gain_if_off"] + TOL


def test_prices_of_policy_rules_equal_solves_of_the_edited_policy(priced: Any) -> None:
    problem, result, prices = priced
    base = result.best.objective
    t = prices.table
    assert t.at["tier_share[1]", "relaxed_bound"] == pytest.approx(0.18 * 1900)
    cases = {
        ("tier_share[1]", "gain_if_off"): {"priority.min_tier_share": {}},
        ("tier_share[1]", "gain_if_relaxed"): {"priority.min_tier_share.1": 0.18},
        ("min_countries", "gain_if_off"): {"priority.min_countries": 0},
        ("min_countries", "gain_if_relaxed"): {"priority.min_countries": 2},
        ("field_min_share[disaster_relief]", "gain_if_off"): {"balance.min_field_share": {}},
        ("field_min_share[disaster_relief]", "gain_if_relaxed"):
            {"balance.min_field_share.disaster_relief": 0.09},
        ("tier_partner", "gain_if_off"): {"priority.fund_every_tier": []},
    }
    for (rule, column), overrides in cases.items():
        assert t.at[rule, column] == pytest.approx(policy_gain(problem, base, overrides),
                                                   abs=TOL), (rule, column)
    # Mandatory projects as a group: the same data with every status a candidate.
    projects, countries, policy = prices_frames()
    projects["status"] = "candidate"
    free = Problem.from_frames(projects, countries, Policy.from_dict(policy))
    assert t.at["mandatory", "gain_if_off"] == pytest.approx(
        solve(free, portfolios=1).best.objective - base, abs=TOL)
    assert t.at["mandatory", "gain_if_off"] > 0
    # Borealis's own cap (max_share 0.45 of ¥1,900m), 10% looser in the countries sheet.
    countries["max_share"] = [None, 0.495, None, None]
    looser = Problem.from_frames(prices_frames()[0], countries, Policy.from_dict(policy))
    assert t.at["country_cap[Borealis]", "gain_if_relaxed"] == pytest.approx(
        solve(looser, portfolios=1).best.objective - base, abs=TOL)


@pytest.mark.parametrize("seed", ["prices", *SEEDS[:3]])
def test_prices_equal_brute_force(seed: Any) -> None:
    frames = prices_frames() if seed == "prices" else (
        random_projects(seed), countries_frame(), random_policy(seed))
    oracle = Enumerator(*frames)
    problem = Problem.from_frames(frames[0], frames[1], Policy.from_dict(frames[2]))
    result, solver = solved(problem)
    best = oracle.best()[0]
    prices = price_rules(result, solver)
    for rule, row in prices.table.iterrows():
        without = oracle.best(skip=frozenset({rule}))
        assert row["gain_if_off"] == pytest.approx(without[0] - best, abs=TOL), (seed, rule)
        if rule.startswith("budget["):
            fy = rule[len("budget["):-1]
            budget = {**oracle.budget, fy: row["relaxed_bound"]}
            relaxed = oracle.best(budget=budget)[0] - best
            assert row["gain_if_relaxed"] == pytest.approx(relaxed, abs=TOL), (seed, rule)


def test_activity_slack_and_binding_recomputed_from_the_portfolio(priced: Any) -> None:
    problem, result, prices = priced
    t = prices.table
    funded = result.best.projects  # P-01, P-02, P-04, P-05, P-06
    assert sorted(funded.index) == ["P-01", "P-02", "P-04", "P-05", "P-06"]
    assert t.at["budget[FY2026]", "activity"] == pytest.approx(funded["cost_FY2026"].sum())
    assert t.at["budget[FY2026]", "slack"] == pytest.approx(1800 - 1700)
    assert not t.at["budget[FY2026]", "binding"]
    assert t.at["budget[FY2027]", "binding"] and t.at["budget[FY2027]", "slack"] == 0
    assert t.at["tier_share[1]", "activity"] == pytest.approx(400 + 500)
    assert t.at["min_countries", "activity"] == 4 and t.at["min_countries", "relaxed_bound"] == 2
    assert t.at["tier_partner[Dravina]", "binding"]
    gains = list(t["gain_if_off"])
    assert gains == sorted(gains, reverse=True)
    assert t.at["budget[FY2026]", "message"] == (
        "Budget FY2026 (¥1,800m, met with ¥100m to spare) costs 12.000 of value (48%): that is what "
        "switching it off would gain; 10% looser (¥1,980m) would gain 5.000 (20%).")


def test_the_model_is_left_as_it_was_and_re_solves_to_portfolio_1() -> None:
    projects, countries, policy = prices_frames()
    problem = Problem.from_frames(projects, countries, Policy.from_dict(policy))
    result, solver = solved(problem)
    before = model_state(solver.model)
    prices = price_rules(result, solver)
    assert prices.solves == solver.solves - 1
    assert model_state(solver.model) == before
    again = solver.solve_once()
    assert again.objective == pytest.approx(result.best.objective, abs=TOL)
    assert again.funded_ids == frozenset(result.best.fractions)


def test_to_dict_is_json_and_tables_fit_a_sheet(priced: Any) -> None:
    _, _, prices = priced
    payload = json.loads(json.dumps(prices.to_dict()))
    rules = {r["rule"]: r for r in payload["rules"]}
    assert rules["budget[FY2027]"]["binding"] is True
    assert rules["mandatory"]["relaxed_bound"] is None
    assert rules["budget[FY2026]"]["gain_if_off"] == pytest.approx(12.0)
    assert list(prices.tables()) == ["prices"]


def test_every_row_agrees_with_itself_and_says_it_in_words() -> None:
    """On the shipped example: "every tier-1 partner funded" once read bound 4, activity 4,
    slack 3, binding no. Each row's numbers now agree (to spare = reached − required for a
    minimum, required − reached for a maximum; it is met exactly when nothing is
    to spare), and the words use none of the solver's terms."""
    import osa_opt
    from osa_opt.report.analyses import prices_body

    # the stricter illustrative round: the shipped default sets no share or partner rule
    strict = Path(__file__).resolve().parents[1] / "models" / "strict_round.toml"
    result = solve(osa_opt.load_problem(policy=strict), portfolios=1, explain=True)
    table = result.analyses["prices"].table
    for rule, row in table.iterrows():
        spare = (row["activity"] - row["bound"] if row["sense"] in ("min", "fixed")
                 else row["bound"] - row["activity"])
        assert row["slack"] == pytest.approx(spare, abs=1e-6), rule
        assert bool(row["binding"]) == (row["slack"] <= 1e-6 * max(1.0, abs(row["bound"]))), rule
        for word in ("slack", "binds", "binding", "activity"):
            assert word not in row["message"], (rule, row["message"])
    partners = table.loc["tier_partner"]
    best = result.best
    tier1 = [c for c in best.countries if int(result.problem.countries.at[c, "priority_tier"]) == 1]
    fewest = min(sum(1 for p in best.fractions if result.problem.projects.at[p, "country"] == c)
                 for c in tier1)
    assert partners["bound"] == 1 and partners["activity"] == fewest
    if fewest == 1:  # a partner with only the one project it must get
        assert "met exactly: a partner has only the one project it must get" in \
            partners["message"]
    else:
        assert f"every partner has {fewest} or more projects" in partners["message"]
    html = prices_body(result.analyses["prices"])
    for header in ("Required", "At portfolio 1", "To spare", "Met exactly",
                   "Gained if 10% looser (% of value)"):
        assert f">{header}</th>" in html


def test_a_rule_with_room_to_spare_that_still_costs_value_is_not_said_not_to_limit() -> None:
    """The shipped example's FY2026 budget has ¥300m to spare, yet switching it off gains
    10.094: it is what limits portfolio 1 (P-17 is out on it). The column titled "Limits
    portfolio 1" said "no" beside that gain. The column says what it measures: whether the
    rule is met exactly, nothing to spare."""
    import osa_opt
    from osa_opt.report.analyses import prices_body
    from osa_opt.text import HEADERS

    result = solve(osa_opt.load_problem(), portfolios=1, explain=True)
    budget = result.analyses["prices"].table.loc["budget[FY2026]"]
    assert not budget["binding"] and budget["gain_if_off"] > 10
    assert HEADERS["binding"] == "Met exactly"
    html = prices_body(result.analyses["prices"])
    assert ">Met exactly</th>" in html and "limits portfolio 1" not in html.lower()


def test_the_forced_projects_row_names_what_forces_each(tmp_path: Path) -> None:
    """The example with P-08 status mandatory and P-07 stage signed: the Rule prices row
    read "mandatory projects (as a group): P-01, P-07 and P-08" under the key
    projects.status, though P-07 is forced by its stage. It names both columns and which
    project each forces, the same in run.json, the workbook and the report; why P-07 is
    in says it is signed."""
    import openpyxl

    import osa_opt

    problem = osa_opt.load_problem()
    projects = problem.projects.copy()
    projects.loc["P-07", "stage"] = "signed"
    projects.loc["P-08", "status"] = "mandatory"
    result = solve(problem.with_projects(projects), portfolios=1, explain=True)
    label = "projects forced in (as a group): mandatory P-01 and P-08; signed P-07"
    key = "projects.status / projects.stage"
    folder = result.write(tmp_path / "run")
    manifest = json.loads((folder / "run.json").read_text(encoding="utf-8"))
    rows = manifest["analyses"]["prices"]["rules"] if "rules" in manifest["analyses"][
        "prices"] else manifest["analyses"]["prices"]["table"]
    row = next(r for r in rows if r["rule"] == "mandatory")
    assert (row["label"], row["policy_key"]) == (label, key)
    book = openpyxl.load_workbook(folder / "portfolios.xlsx", read_only=True)
    cells = [[" ".join(str(c).split()) for c in r if c is not None]  # wrapped in its cell
             for r in book["Rule prices"].values]
    assert any(label in r and key in r for r in cells), cells
    html = (folder / "report.html").read_text(encoding="utf-8")
    assert "projects forced in (as a group): mandatory" in html
    assert f"<td>{key}</td>" in html or f">{key}<" in html.replace("<wbr>", "")
    why = result.analyses["why"].table
    assert why.at["P-07", "message"].startswith("Funded, and it must be: it is signed")
    assert why.at["P-08", "message"].startswith("Funded, and it must be: it is mandatory")
