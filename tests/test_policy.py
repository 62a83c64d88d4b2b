"""Policy models: defaults, unknown keys and wrong types named, tables replaced whole,
dotted overrides (as the CLI passes them), and a TOML round trip."""

from __future__ import annotations

import dataclasses
import tomllib
from pathlib import Path

import click
import pytest

from osa_opt.cli.common import parse_budget, parse_sets
from osa_opt.errors import PolicyError
from osa_opt.inputs.policy import FIELDS, SECTIONS, Policy


def problems(data: dict) -> list[tuple[str | None, str]]:
    with pytest.raises(PolicyError) as info:
        Policy.from_dict(data)
    return [(i.column, i.rule) for i in info.value.issues]


# ---------------------------------------------------------------------- defaults
def test_defaults_keep_binding_rules_and_switch_numeric_rules_off() -> None:
    p = Policy()
    assert p.budget == {}
    assert p.eligibility.fields == list(FIELDS)
    assert p.eligibility.require_oda_eligible
    assert p.eligibility.exclude_parties_to_conflict
    assert p.eligibility.require_management_agreement
    assert (p.eligibility.min_democracy, p.eligibility.min_rule_of_law,
            p.eligibility.min_human_rights) == (0.0, 0.0, 0.0)
    assert p.priority.min_tier_share == {} and p.priority.fund_every_tier == []
    assert p.priority.max_country_share == 1.0 and p.priority.min_countries == 0
    assert all(getattr(p.balance, f.name) == {} for f in dataclasses.fields(p.balance))
    assert set(p.objective.tier_multiplier.values()) == {1.0}
    assert p.solver.mip_rel_gap == 0.0


def test_defaults_are_not_shared_between_instances() -> None:
    a, b = Policy(), Policy()
    assert a.eligibility.fields is not b.eligibility.fields
    assert a.objective.weights is not b.objective.weights
    with pytest.raises(TypeError, match="cannot be changed in place"):
        a.eligibility.fields.append("x")
    assert a.eligibility.fields == b.eligibility.fields == list(FIELDS)


def test_shipped_default_policy_loads() -> None:
    p = Policy.default()
    assert p.budget and p.source and p.source.endswith("default.toml")


# ---------------------------------------------------------------------- errors name the key
def test_unknown_key_names_the_key() -> None:
    found = problems({"colour": "red", "priority": {"min_country": 3}})
    assert [c for c, _ in found] == ["colour", "priority.min_country"]
    with pytest.raises(PolicyError) as info:
        Policy.from_dict({"priority": {"min_country": 3}})
    assert "did you mean 'min_countries'?" in info.value.issues[0].hint


def test_wrong_type_names_the_key() -> None:
    found = problems({"priority": {"min_countries": "six"},
                      "eligibility": {"require_oda_eligible": "yes"},
                      "objective": {"weights": {"security": "high"}},
                      "balance": 3})
    assert [c for c, _ in found] == ["priority.min_countries",
                                     "eligibility.require_oda_eligible",
                                     "objective.weights.security", "balance"]
    assert "whole number" in found[0][1] and "true or false" in found[1][1]


def test_out_of_range_values_all_reported() -> None:
    found = problems({"priority": {"max_country_share": 2, "min_countries": -1},
                      "portfolios": {"count": 0}, "budget": {"FY2026": -5}})
    assert {c for c, _ in found} == {"priority.max_country_share", "priority.min_countries",
                                     "portfolios.count", "budget.FY2026"}


def test_load_errors_name_the_file(tmp_path: Path) -> None:
    with pytest.raises(PolicyError) as info:
        Policy.load(tmp_path / "missing.toml")
    assert info.value.issues[0].sheet == "policy missing.toml"
    bad = tmp_path / "bad.toml"
    bad.write_text("[budget\nFY2026 = 1\n", encoding="utf-8")
    with pytest.raises(PolicyError) as info:
        Policy.load(bad)
    assert info.value.issues[0].sheet == "policy bad.toml"
    assert "not valid TOML" in info.value.issues[0].rule


# ---------------------------------------------------------------------- tables
def test_a_table_replaces_the_default_whole() -> None:
    p = Policy.from_dict({"objective": {"weights": {"security": 1.0},
                                        "tier_multiplier": {"1": 2.0}}})
    assert p.objective.weights == {"security": 1.0}
    assert p.objective.tier_multiplier == {1: 2.0}
    assert p.objective.risk_aversion == 1.0  # other keys of the section keep their default
    assert p.criteria == ["security"]


def test_empty_table_switches_a_rule_off(tmp_path: Path) -> None:
    text = Policy.default().to_toml().replace(
        'min_region_share = { "Pacific Islands" = 0.1 }', "min_region_share = {}")
    p = Policy.from_dict(tomllib.loads(text))
    assert p.balance.min_region_share == {}


# ---------------------------------------------------------------------- overrides
def test_override_dotted_keys() -> None:
    p = Policy.from_dict({"budget": {"FY2026": 100}})
    q = p.override({"budget.FY2026": 200, "budget.FY2027": 50,
                    "priority.min_countries": 4, "objective.weights.security": 0.9,
                    "balance.min_region_share": {"Pacific Islands": 0.2}})
    assert q.budget == {"FY2026": 200.0, "FY2027": 50.0}
    assert q.priority.min_countries == 4
    assert q.objective.weights["security"] == 0.9
    assert q.balance.min_region_share == {"Pacific Islands": 0.2}
    assert p.budget == {"FY2026": 100.0}  # the original is unchanged


def test_override_unknown_key_names_it() -> None:
    p = Policy()
    for key in ("priority.nope", "nope.x", "priority.min_countries.x"):
        with pytest.raises(PolicyError) as info:
            p.override({key: 1})
        assert info.value.issues[0].column == key


def test_override_values_from_the_command_line_are_parsed_as_toml() -> None:
    sets = parse_sets(("priority.min_countries=8", "name=Round 2",
                       "objective.weights={security=0.5, humanitarian=0.5}",
                       "priority.fund_every_tier=[1, 2]",
                       "eligibility.require_oda_eligible=false"))
    budgets = parse_budget(("FY2026=20000", " FY2027 = 1.5e3"))
    assert budgets == {"budget.FY2026": 20000.0, "budget.FY2027": 1500.0}
    p = Policy().override({**sets, **budgets})
    assert p.priority.min_countries == 8
    assert p.name == "Round 2"  # not TOML: kept as text
    assert p.objective.weights == {"security": 0.5, "humanitarian": 0.5}
    assert p.priority.fund_every_tier == [1, 2]
    assert p.eligibility.require_oda_eligible is False
    assert p.budget == {"FY2026": 20000.0, "FY2027": 1500.0}


def test_override_of_a_wrong_type_names_the_key() -> None:
    with pytest.raises(PolicyError) as info:
        Policy().override(parse_sets(("priority.min_countries=many",)))
    assert info.value.issues[0].column == "priority.min_countries"


@pytest.mark.parametrize("bad", ["FY2026", "=5", "FY2026=lots"])
def test_bad_budget_option(bad: str) -> None:
    with pytest.raises(click.BadParameter):
        parse_budget((bad,))


def test_a_budget_option_with_a_thousands_separator_shows_the_fix() -> None:
    with pytest.raises(click.BadParameter) as info:
        parse_budget(("FY2026=18,100",))
    assert "thousands separator" in info.value.message
    assert "--budget FY2026=18100" in info.value.message


def test_bad_set_option() -> None:
    with pytest.raises(click.BadParameter):
        parse_sets(("priority.min_countries",))


# ---------------------------------------------------------------------- views
@pytest.mark.parametrize("policy", [
    Policy(),
    Policy.from_dict({"name": 'Round "A"', "budget": {"FY2026": 18100, "FY2027": 6000.5},
                      "priority": {"min_tier_share": {1: 0.5}, "fund_every_tier": [1, 2]},
                      "balance": {"min_region_share": {"Pacific Islands": 0.1}},
                      "robustness": {"weight_ranges": {"security": [0.3, 0.5]}}}),
])
def test_to_toml_round_trips(policy: Policy) -> None:
    assert Policy.from_dict(tomllib.loads(policy.to_toml())) == policy


def test_shipped_policy_round_trips() -> None:
    p = Policy.default()
    assert Policy.from_dict(tomllib.loads(p.to_toml())) == p


def test_glossary_has_every_key_with_a_meaning() -> None:
    rows = Policy().glossary()
    keys = {r["key"] for r in rows}
    expected = {"name", "budget"} | {f"{s}.{f.name}" for s, cls in SECTIONS.items()
                                     for f in dataclasses.fields(cls)}
    assert keys == expected
    assert all(r["meaning"] for r in rows)


def test_a_bad_override_is_reported_as_the_override_not_the_file() -> None:
    from osa_opt.data import default_policy_path
    from osa_opt.errors import PolicyError
    from osa_opt.inputs.policy import OVERRIDE_SHEET

    policy = Policy.load(default_policy_path())
    with pytest.raises(PolicyError) as caught:
        policy.override({"priority.min_countries": -1, "frontier.start": "3"})
    sheets = {issue.column: issue.sheet for issue in caught.value.issues}
    assert sheets == {"priority.min_countries": OVERRIDE_SHEET, "frontier.start": OVERRIDE_SHEET}


def test_a_policy_built_in_code_is_checked_like_a_file() -> None:
    """``Policy(...)`` skips the checks of ``from_dict``; a Problem built with one runs them,
    so a wrong value or type is a PolicyError naming the key, never a crash or a bad model."""
    import osa_opt
    from osa_opt.inputs.policy import PriorityPolicy
    from osa_opt.inputs.problem import Problem

    example = osa_opt.load_problem()
    projects, countries = example.raw_projects(), example.raw_countries()
    bad_values = Policy(name="in code", budget={"FY2026": -5.0},
                        priority=PriorityPolicy(max_country_share=3.0))
    with pytest.raises(PolicyError) as info:
        Problem.from_frames(projects, countries, bad_values)
    assert {i.column for i in info.value.issues} == {"budget.FY2026",
                                                     "priority.max_country_share"}
    with pytest.raises(PolicyError) as info:
        Problem.from_frames(projects, countries, Policy(name="x", budget={"FY2026": "lots"}))
    assert [i.column for i in info.value.issues] == ["budget.FY2026"]
    good = Policy(name="in code", budget={"FY2026": 18100.0})
    assert Problem.from_frames(projects, countries, good).policy == good


def test_a_policy_path_not_found_says_the_default_comes_with_every_install(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """docs/quickstart.md's next step is `osa-opt solve my-round.xlsx --policy
    models/default.toml`; outside the repository there is no models/ folder, and the fix
    said only "(see models/)". The shipped default is in the package: say that leaving
    the policy out uses it."""
    import osa_opt
    from osa_opt.errors import PolicyError

    monkeypatch.chdir(tmp_path)
    with pytest.raises(PolicyError) as caught:
        osa_opt.load_problem(policy="models/default.toml")
    (issue,) = caught.value.issues
    assert issue.rule == "policy file not found"
    assert "without --policy the shipped default policy (models/default.toml) is used" in \
        issue.hint


# ---------------------------------------------------------------------- a file cut short
def _cut_after(header: str, tail: str = "") -> str:
    """models/default.toml cut just after its line ``header`` (its comment dropped)."""
    from osa_opt.data import default_policy_path

    text = default_policy_path().read_text("utf-8")
    start = text.index(f"\n{header}") + 1
    return text[:start] + header + tail


@pytest.mark.parametrize("tail", ["", "\n", "   # weights\n\n"])
def test_a_policy_file_cut_short_after_a_table_header_is_warned_by_name(
        tmp_path: Path, tail: str) -> None:
    """default.toml cut after ``[objective]`` (a copy or download that did not finish) read
    as valid, its weights, tiers, risk aversion, considerations and every table after it the
    built-in defaults, silently. TOML takes the file, and an empty table may be meant, so it
    is a warning naming the header and its line, kept through --budget."""
    import osa_opt
    from osa_opt.data import example_path

    path = tmp_path / "round.toml"
    path.write_text(_cut_after("[objective]", tail), "utf-8")
    problem = osa_opt.load_problem(example_path(), policy=path,
                                   overrides={"budget.FY2026": 17000})
    line = path.read_text("utf-8").splitlines().index("[objective]" + tail.split("\n")[0]) + 1
    assert [w.message() for w in problem.warnings][:1] == [
        f"policy round.toml, line {line}, key 'objective': the file ends with the table "
        "[objective] and nothing under it: every key of [objective] takes its built-in "
        "default (value '[objective]'). Fix: if the file was cut short (a copy or download "
        "that did not finish), copy it again in full; if the defaults are meant, delete the "
        "empty [objective] header (docs/policy.md lists each key's default)"]
    assert problem.policy.objective.considerations != \
        osa_opt.Policy.default().objective.considerations  # the defaults, not the file's


def test_shipped_policies_and_an_empty_table_above_others_are_not_warned(
        tmp_path: Path) -> None:
    """Only a header that ends the file is named: an empty table with others after it is a
    choice, and no shipped model ends in one."""
    import osa_opt
    from osa_opt.data import default_policy_path, example_path

    models = Path(__file__).parents[1] / "models"
    text = default_policy_path().read_text("utf-8").replace(
        "[portfolios]\ncount = 5", "[frontier]\n\n[portfolios]\ncount = 5")
    (tmp_path / "empty_middle.toml").write_text(text, "utf-8")
    for path in [*models.glob("*.toml"), tmp_path / "empty_middle.toml"]:
        policy = osa_opt.Policy.load(path)
        assert not policy.read_notes, path
    problem = osa_opt.load_problem(example_path(), policy=tmp_path / "empty_middle.toml")
    assert not [w for w in problem.warnings if w.sheet.startswith("policy")]


@pytest.mark.parametrize(("line", "rule", "hint"), [
    ('[budget]\nFY2026 = "18100"', "a number in quotes (read as text), expected a number",
     "write the number without quotes: 18100"),
    ('[budget]\nFY2026 = 18100\n[portfolios]\ncount = "5"',
     "a number in quotes (read as text), expected a whole number",
     "write the number without quotes: 5"),
    ('[budget]\nFY2026 = 18100\n[eligibility]\nrequire_oda_eligible = "True"',
     "'True' is text, not a flag, expected true or false",
     "write true, in lower case and without quotes"),
])
def test_a_number_or_flag_in_quotes_is_told_to_drop_them(tmp_path: Path, line: str, rule: str,
                                                         hint: str) -> None:
    """``FY2026 = "18100"`` was told 'wrong type str, expected a number. Fix: write
    budget.FY2026 as a number', though it is one, in quotes; ``"True"`` likewise."""
    path = tmp_path / "round.toml"
    path.write_text(line + "\n", "utf-8")
    with pytest.raises(PolicyError) as info:
        Policy.load(path)
    assert [(i.rule, i.hint) for i in info.value.issues] == [(rule, hint)]
