"""Partner packages, whole units and bundles (issue 12): on small inputs, against brute force."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from bruteforce import BruteForce, violations
from conftest import TINY_POLICY, tiny_countries, tiny_projects

import osa_opt
from osa_opt.errors import InputError
from osa_opt.inputs.problem import Problem
from osa_opt.inputs.readers import load_problem
from osa_opt.workflows import solve


def boats(units_max: float = 4, units_min: float | None = None, budget: float = 2300.0,
          only_boats: bool = False) -> Problem:
    """P-03 (rescue boats, Borealis) comes in whole boats: ¥400m buys 4, ¥100m each.
    ``only_boats``: every other candidate excluded (P-01 stays mandatory)."""
    projects = tiny_projects()
    if only_boats:
        projects["status"] = ["mandatory", "excluded", "candidate", "excluded", "excluded",
                              "excluded"]
    projects["units_max"] = [None, None, units_max, None, None, None]
    projects["units_min"] = [None, None, units_min, None, None, None]
    projects["unit"] = ["", "", "boat", "", "", ""]
    projects["exclusive_group"] = ""
    policy = {**TINY_POLICY, "budget": {"FY2026": budget, "FY2027": 1000.0}}
    return Problem.from_frames(projects, tiny_countries(), policy)


def test_a_unit_project_is_funded_in_whole_units_below_its_maximum() -> None:
    # P-01 (750, mandatory) leaves 350 of 1100 in FY2026: three boats of four fit, not 3.5.
    problem = boats(budget=1100.0, only_boats=True)
    oracle = BruteForce.from_problem(problem)
    best = oracle.best()[0]
    result = solve(problem, portfolios=1)
    port = result.best
    assert port.objective == pytest.approx(best.value, rel=1e-9)
    assert port.fractions == pytest.approx(best.fractions, abs=1e-9)
    assert port.units["P-03"] == 3
    assert port.fractions["P-03"] == port.units["P-03"] / 4
    assert port.units_text("P-03") == f"{port.units['P-03']} of 4 boats"
    assert violations(problem.projects, problem.countries, problem.policy, port.fractions) == []
    assert port.to_dict()["units"] == {"P-03": port.units["P-03"]}


def test_units_min_above_what_fits_leaves_the_unit_project_out() -> None:
    # 350 left buys three boats; at least four are asked for: none, and the Pacific
    # minimum (10% of the budget, Borealis) cannot be met then.
    problem = boats(units_min=4, budget=1100.0, only_boats=True)
    assert not BruteForce.from_problem(problem).feasible
    assert solve(problem, portfolios=1).status.value == "infeasible"
    fits = boats(units_min=2, budget=1100.0, only_boats=True)
    assert solve(fits, portfolios=1).best.units == {"P-03": 3}


def test_min_funding_does_not_apply_to_a_unit_project() -> None:
    projects = tiny_projects()
    projects["units_max"] = [None, 3, None, None, None, None]  # P-02: min_funding 0.5 ignored
    problem = Problem.from_frames(projects, tiny_countries(), TINY_POLICY)
    from osa_opt.model.data import ModelData

    data = ModelData.from_problem(problem)
    assert data.min_funding["P-02"] == pytest.approx(1 / 3)
    assert data.units_max == {"P-02": 3}


def test_unit_columns_are_checked_with_their_row(tmp_path: Path,
                                                  write_xlsx: Callable[..., Path]) -> None:
    projects = tiny_projects()
    projects["units_max"] = [2.5, 3, None, 2, None, None]
    projects["units_min"] = [None, 4, 1, None, None, None]
    with pytest.raises(InputError) as info:
        load_problem(write_xlsx(tmp_path / "in.xlsx", projects, tiny_countries()),
                     policy=TINY_POLICY)
    found = {(i.row, i.column): i.message() for i in info.value.issues}
    assert "whole numbers" in found[(2, "units_max")]
    assert "larger than units_max" in found[(3, "units_min")]
    assert "units_max is blank" in found[(4, "units_min")]
    assert len(found) == 3


def test_packages_group_the_funded_projects_by_partner() -> None:
    problem = boats()
    port = solve(problem, portfolios=1).best
    packages = port.packages
    assert sorted(pk["country"] for pk in packages) == port.countries
    assert sorted(p for pk in packages for p in pk["projects"]) == sorted(port.fractions)
    assert sum(pk["total_cost"] for pk in packages) == pytest.approx(port.total_cost)
    for pk in packages:
        rows = port.projects.loc[pk["projects"]]
        assert set(rows["country"]) == {pk["country"]}
        assert pk["total_cost"] == pytest.approx(rows["total_cost"].sum())
        assert sum(pk["cost_by_year"].values()) == pytest.approx(pk["total_cost"])
    totals = [pk["total_cost"] for pk in packages]
    assert totals == sorted(totals, reverse=True)
    assert json.loads(json.dumps(port.to_dict()))["packages"][0]["country"] == \
        packages[0]["country"]


def test_the_partner_table_in_part_is_the_head_or_the_partners_of_the_whole() -> None:
    """The report builds only the rows it shows, a large workbook only the partners' rows:
    both the same rows as the whole table's."""
    for port in (solve(problem, portfolios=1).best for problem in (boats(), tiny())):
        whole = port.package_table()
        assert len(whole) == port.package_rows
        for head in (1, 2, 3, len(whole), len(whole) + 5):
            pd.testing.assert_frame_equal(port.package_table(head=head), whole.head(head))
        partners = whole[whole["project_id"] == ""].reset_index(drop=True)
        pd.testing.assert_frame_equal(port.package_table(items=False), partners)
        fresh = solve(port.problem, portfolios=1).best  # nothing cached: built in part
        pd.testing.assert_frame_equal(fresh.package_table(head=2), whole.head(2))


def test_the_head_of_the_partner_table_built_in_part_stops_inside_a_package() -> None:
    """A head that ends among a partner's items (the report's 1,000 rows in a round whose
    largest partner has more items) is built without the whole table: the same rows. One
    year (the shipped example), units (boats), several years with partial funding (tiny)."""
    for problem in (osa_opt.load_problem(), boats(), tiny()):
        whole = solve(problem, portfolios=1).best.package_table()
        assert len(whole) > max(len(g) for _, g in whole.groupby("partner")) > 1
        for head in range(len(whole) + 2):
            fresh = solve(problem, portfolios=1).best  # nothing cached: built in part
            pd.testing.assert_frame_equal(fresh.package_table(head=head), whole.head(head))


@pytest.mark.parametrize("budget", [1200.0, 1800.0, 2600.0])
def test_a_bundle_is_funded_all_or_none_as_brute_force_says(budget: float) -> None:
    # P-04 and P-05 require each other (Borealis machinery + Caldera drones): a bundle.
    projects = tiny_projects()
    projects["requires"] = ["", "P-01", "", "P-05", "P-04", ""]
    policy = {**TINY_POLICY, "budget": {"FY2026": budget, "FY2027": 1000.0}}
    problem = Problem.from_frames(projects, tiny_countries(), policy)
    assert problem.summary()["bundles"] == [["P-04", "P-05"]]
    oracle = BruteForce.from_problem(problem)
    result = solve(problem, portfolios=3, min_difference=1)
    ranked = oracle.ranked(3, 1)
    if not ranked:
        assert not result.portfolios
        return
    assert [p.objective for p in result.portfolios] == pytest.approx(
        [r[0].value for r in ranked], rel=1e-9)
    for port in result.portfolios:
        assert ("P-04" in port.fractions) == ("P-05" in port.fractions)
        assert violations(problem.projects, problem.countries, problem.policy,
                          port.fractions) == []


def test_validate_names_a_bundle(tmp_path: Path, write_xlsx: Callable[..., Path]) -> None:
    from click.testing import CliRunner

    from osa_opt.cli import cli as main

    projects = tiny_projects()
    projects["requires"] = ["", "P-01", "", "P-05", "P-04", ""]
    path = write_xlsx(tmp_path / "in.xlsx", projects, tiny_countries())
    policy = tmp_path / "p.toml"
    from osa_opt.inputs.policy import Policy

    policy.write_text(Policy.from_dict(TINY_POLICY).to_toml())
    out = CliRunner().invoke(main, ["validate", str(path), "--policy", str(policy)])
    assert out.exit_code == 0, out.output
    assert "P-04, P-05" in out.output and "bundle" in out.output
    as_json = CliRunner().invoke(main, ["validate", str(path), "--policy", str(policy), "--json"])
    assert json.loads(as_json.output)["bundles"] == [["P-04", "P-05"]]


def test_the_example_has_packages_in_run_json(tmp_path: Path) -> None:
    import osa_opt

    result = osa_opt.solve(osa_opt.load_problem(), portfolios=2)
    folder = result.write(tmp_path / "run")
    manifest = json.loads((folder / "run.json").read_text())
    for entry, port in zip(manifest["portfolios"], result.portfolios, strict=True):
        assert [pk["country"] for pk in entry["packages"]] == \
            [pk["country"] for pk in port.packages]
        assert entry["units"] == port.units
        frame = pd.DataFrame(entry["packages"])
        assert frame["total_cost"].sum() == pytest.approx(entry["total_cost"], abs=1e-3)


# ---------------------------------------------------------------------- price and diagnosis
def tiny(**priority: object) -> Problem:
    policy = {**TINY_POLICY, "balance": {}, "priority": dict(priority)}
    return Problem.from_frames(tiny_projects(), tiny_countries(), policy)


def test_max_countries_is_priced_like_every_rule() -> None:
    problem = tiny(max_countries=2)
    result = solve(problem, portfolios=1, explain=True)
    assert result.best.n_countries <= 2
    row = result.analyses["prices"].table.loc["max_countries"]
    base = result.best.objective
    free = solve(tiny(), portfolios=1).best.objective
    assert row["policy_key"] == "priority.max_countries" and row["bound"] == 2
    assert row["gain_if_off"] == pytest.approx(free - base, abs=1e-6)
    looser = solve(tiny(max_countries=3), portfolios=1).best.objective
    assert row["relaxed_bound"] == 3
    assert (row["gain_if_relaxed"] or 0.0) == pytest.approx(looser - base, abs=1e-6)


def test_min_package_is_priced_as_one_rule() -> None:
    problem = tiny(min_package=700.0)
    result = solve(problem, portfolios=1, explain=True)
    for package in result.best.packages:
        assert package["total_cost"] >= 700.0 - 1e-6
    row = result.analyses["prices"].table.loc["package_min"]
    base = result.best.objective
    assert row["policy_key"] == "priority.min_package" and row["bound"] == 700.0
    free = solve(tiny(), portfolios=1).best.objective
    assert row["gain_if_off"] == pytest.approx(free - base, abs=1e-6)
    looser = solve(tiny(min_package=630.0), portfolios=1).best.objective
    assert (row["gain_if_relaxed"] or 0.0) == pytest.approx(looser - base, abs=1e-6)
    assert not [r for r in result.analyses["prices"].table.index if r.startswith("package_min[")]


def test_a_package_minimum_a_mandatory_partner_cannot_reach_is_diagnosed() -> None:
    # P-01 (Aurelia, mandatory) costs 750; with P-02 (boats, exclusive with P-03) out of
    # reach at min_funding, the Aurelia package can hold more, so ask above everything.
    projects = tiny_projects()
    projects["status"] = ["mandatory", "excluded", "candidate", "candidate", "candidate",
                          "excluded"]
    policy = {**TINY_POLICY, "balance": {}, "priority": {"min_package": 800.0}}
    problem = Problem.from_frames(projects, tiny_countries(), policy)
    result = solve(problem, portfolios=1)
    assert result.status.value == "infeasible"
    [entry] = [d for d in result.diagnosis if d["family"] == "min_package"]
    assert entry["rule"] == "package_min[Aurelia]" and entry["amount"] == pytest.approx(50.0)
    assert entry["policy_key"] == "priority.min_package" and "¥750m" in entry["message"]


def test_max_countries_below_the_forced_partners_is_diagnosed() -> None:
    result = solve(tiny(max_countries=1, min_countries=3), portfolios=1)
    assert result.status.value == "infeasible"
    moved = {d["policy_key"]: d["amount"] for d in result.diagnosis}
    assert moved in ({"priority.max_countries": 2.0}, {"priority.min_countries": 2.0})


def test_a_portfolio_check_knows_partners_packages_and_units() -> None:
    """frontier.meets_rules (the greedy curve's check) reads the new rows right."""
    from osa_opt.analysis.frontier import meets_rules
    from osa_opt.model import build_model

    projects = tiny_projects()
    projects["units_max"] = [None, None, 4, None, None, None]
    bilateral = {**TINY_POLICY, "balance": {},
                 "priority": {"max_countries": 1, "min_package": 700.0}}
    model = build_model(Problem.from_frames(projects, tiny_countries(), bilateral))
    assert meets_rules(model, {"P-01": 1.0})                    # one partner, ¥750m
    assert not meets_rules(model, {"P-01": 1.0, "P-03": 0.5})   # two partners
    plain = build_model(Problem.from_frames(projects, tiny_countries(),
                                            {**TINY_POLICY, "balance": {}}))
    assert meets_rules(plain, {"P-01": 1.0, "P-03": 0.5})       # 2 of 4 boats
    assert not meets_rules(plain, {"P-01": 1.0, "P-03": 0.6})   # 2.4 boats


def test_the_greedy_baseline_funds_bundles_whole_and_units_whole() -> None:
    from osa_opt.analysis.greedy import greedy_ranking

    projects = tiny_projects()
    projects["requires"] = ["", "P-01", "", "P-05", "P-04", ""]
    projects["units_max"] = [None, None, 4, None, None, None]
    projects["exclusive_group"] = ""

    def funded(fy2026: float) -> dict[str, float]:
        policy = {**TINY_POLICY, "budget": {"FY2026": fy2026, "FY2027": 1000.0}}
        return greedy_ranking(Problem.from_frames(projects, tiny_countries(), policy)).fractions

    # P-03 (4 boats, ¥400m) ranks first; after P-01's ¥750m, ¥350m buy 3 boats, not 3.5
    assert funded(1100.0) == {"P-01": 1.0, "P-03": 0.75}
    # the bundle P-04 + P-05 (¥900m) comes whole once it fits, never one of them alone
    assert funded(1500.0) == {"P-01": 1.0, "P-03": 1.0}
    assert funded(2100.0) == {"P-01": 1.0, "P-03": 1.0, "P-04": 1.0, "P-05": 1.0}
