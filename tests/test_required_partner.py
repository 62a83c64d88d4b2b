"""priority.required_partners: a budget officer requires a partner as such ("the minister
wants Tavola in"), not one of its items. Before, no rule named a partner: the workaround was
to make one item mandatory, choosing the item by hand.

The shipped example at a budget of ¥9,000m funds ten partners, not Tavola (P-24 ¥600m, P-25
¥500m; P-26 excluded); mandatory P-01 costs ¥900m."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest

import osa_opt
from osa_opt.cli import cli
from osa_opt.cli.common import run_cli
from osa_opt.model import build_model
from osa_opt.model.registry import broken_rules

Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Run:
    """``run(*args) -> (exit code, stdout, stderr)`` of ``osa-opt ARGS`` as a user sees it,
    80 columns wide, with the words of a wrapped message joined again."""
    monkeypatch.setenv("COLUMNS", "80")

    def invoke(*args: str) -> tuple[int, str, str]:
        capsys.readouterr()
        monkeypatch.setattr(sys, "argv", ["osa-opt", *args])
        code = run_cli(cli)
        out = capsys.readouterr()
        return code, " ".join(out.out.split()), " ".join(out.err.split())

    return invoke


def problem(budget: float = 9000, **priority: object) -> osa_opt.Problem:
    return osa_opt.load_problem(overrides={"budget": {"FY2026": budget},
                                           "priority": priority})


def countries_of(result: osa_opt.Result) -> set[str]:
    return set(result.best.projects["country"])


def test_a_required_partner_is_funded_and_its_price_is_said() -> None:
    assert "Tavola" not in countries_of(osa_opt.solve(problem(), portfolios=1))
    required = problem(required_partners=["Tavola"])
    result = osa_opt.solve(required, portfolios=1, explain=True)
    assert "Tavola" in countries_of(result)
    model = build_model(required)
    assert [c.name for c in model.required_partner.values()] == ["required_partner[Tavola]"]
    # the rule's own check, independent of the model: a portfolio without Tavola breaks it
    assert broken_rules(model.osa, {"P-01": 1.0}) == ["required_partner[Tavola]"]
    assert broken_rules(model.osa, {"P-01": 1.0, "P-25": 1.0}) == []
    prices = result.analyses["prices"].table
    row = prices.loc["required_partner[Tavola]"]
    assert (row["label"], row["policy_key"], row["bound"]) == (
        "fund partner Tavola", "priority.required_partners", 1.0)
    assert row["gain_if_off"] > 0  # the instruction costs value at this budget
    assert row["message"].startswith(
        "Fund partner Tavola (met exactly: one of its projects is funded) costs ")


def test_a_budget_too_small_for_a_required_partner_names_it(run: Run, tmp_path: Path) -> None:
    """¥1,300m holds mandatory P-01 (¥900m) but not with Tavola's cheapest item (¥500m)."""
    code, _, err = run("solve", "--budget", "FY2026=1300", "--set",
                       "priority.required_partners=['Tavola']", "--out", str(tmp_path / "r"))
    assert code == 3
    assert ("The rules need ¥1,400m in FY2026, a project of Tavola "
            "(priority.required_partners) among them, but the budget is ¥1,300m: raise the "
            "budget (budget.FY2026) by ¥100m to ¥1,400m, or take Tavola off "
            "priority.required_partners: without that rule the policy can be met at this "
            "budget.") in err


def test_taking_a_required_partner_off_is_advised_only_as_far_as_re_solves_prove_it() -> None:
    """The budget message said "or take it off priority.required_partners (that may be
    enough instead)", proven by nothing. The diagnosis now re-solves without each partner's
    rule (every other rule as it is) and says what that proved: enough alone (P-01 ¥900m
    fits ¥1,300m without Tavola's ¥500m), or enough only without both (¥1,300m against
    ¥900m + ¥500m + ¥500m); nothing when the re-solves settle nothing (doctests of
    diagnose._partners_off)."""
    from osa_opt.analysis.diagnose import diagnose

    def budget_message(**priority: object) -> str:
        budget = priority.pop("budget")
        (entry,) = [e for e in diagnose(problem(budget, **priority))
                    if e["family"] == "budget"]
        return entry["message"]

    assert budget_message(budget=1300, required_partners=["Tavola"]).endswith(
        "or take Tavola off priority.required_partners: without that rule the policy can be "
        "met at this budget.")
    assert budget_message(budget=1300, required_partners=["Tavola", "Kantoro"]).endswith(
        "or take Tavola and Kantoro off priority.required_partners: without both the policy "
        "can be met at this budget (without one alone, it cannot).")
    assert budget_message(budget=1400, required_partners=["Tavola", "Kantoro"]).endswith(
        "or take Tavola or Kantoro off priority.required_partners: without any one of them "
        "the policy can be met at this budget.")
    for message in (budget_message(budget=1300, required_partners=["Tavola"]),
                    budget_message(budget=1400, required_partners=["Tavola", "Kantoro"])):
        assert "may be enough" not in message
    # proven by re-solving the same policy without the rule
    for budget, partners in ((1300, []), (1400, ["Kantoro"]), (1400, ["Tavola"])):
        result = osa_opt.solve(problem(budget, required_partners=partners), portfolios=1)
        assert result.status == "optimal", (budget, partners)


def test_required_partners_beyond_the_most_partners_are_named() -> None:
    from osa_opt.analysis.diagnose import diagnose

    tight = problem(18100, max_countries=2, required_partners=["Tavola", "Opalind", "Kantoro"])
    entries = diagnose(tight)
    assert any(e["family"] == "required_partner" for e in entries), entries
    said = " ".join(e["message"] for e in entries)
    assert "off priority.required_partners" in said


@pytest.mark.parametrize(("name", "rule", "hint"), [
    ("Coralla", "no partner of this name in the countries sheet",
     "did you mean 'Coralia'? Name the partner as the countries sheet's country column does"),
    ("Drakmoor", "none of the partner's projects is eligible (P-35): country is a party to a "
                 "conflict: Drakmoor is one under the Three Principles",
     "make one eligible (fix its data or the policy, or an override with its reason), or take "
     "Drakmoor off priority.required_partners"),
])
def test_a_partner_that_can_never_be_funded_is_refused(run: Run, tmp_path: Path, name: str,
                                                       rule: str, hint: str) -> None:
    """A misspelt partner, and one whose only project is ineligible: the rule could never
    be met; both are refused before solving, naming the key, the value and the fix."""
    from osa_opt.errors import InputError

    with pytest.raises(InputError) as refused:
        problem(required_partners=[name])
    (issue,) = refused.value.issues
    assert (issue.sheet, issue.row, issue.column, issue.value) == (
        "policy override (command line or API)", None, "priority.required_partners", name)
    assert issue.rule.startswith(rule) and issue.hint == hint
    code, _, err = run("solve", "--set", f"priority.required_partners=['{name}']", "--out",
                       str(tmp_path / "r"))
    assert code == 2 and "1 problem in the input" in err and "Traceback" not in err
    assert "default.toml" not in err and "Option" in err  # --set named, not the file
    assert not (tmp_path / "r").exists()


def test_the_only_project_of_a_required_partner_must_stay(run: Run) -> None:
    """P-37 is Dravina's only eligible project: explain said what dropping it would lose,
    as if it could be dropped; under the rule it must stay, and explain says why."""
    code, out, _ = run("explain", "P-37", "--set", "priority.required_partners=['Dravina']")
    assert code == 0
    assert ("Funded, and it must be: it is the only eligible project of Dravina, which "
            "priority.required_partners requires.") in out


def test_a_required_partner_whose_only_project_slipped_is_refused(tmp_path: Path) -> None:
    """Kantoro's one eligible project P-30 slipped to FY2027 as a spreadsheet does it (its
    ¥500m moved to cost_FY2027; P-31 is dispute-linked). validate said 'Valid' and 'Some
    portfolio meets every rule', and solve funded no Kantoro project without a word: the
    slipped project was read as eligible by the partner check and left out by the model,
    which then had no row for Kantoro. Now refused before solving, whose each reason is."""
    from test_fuzz_inputs import example_sheets, osa, write_book

    from osa_opt.errors import InputError

    sheets = example_sheets()
    rows = sheets["projects"]
    at = rows[0].index("cost_FY2026")
    for k, row in enumerate(rows):
        row.insert(at + 1, "cost_FY2027" if k == 0 else row[at] if row[0] == "P-30" else None)
        if row[0] == "P-30":
            row[at] = None
    book = write_book(tmp_path / "round.xlsx", sheets)
    with pytest.raises(InputError) as refused:
        osa_opt.load_problem(book, overrides={"priority": {"required_partners": ["Kantoro"]}})
    (issue,) = refused.value.issues
    assert (issue.column, issue.value) == ("priority.required_partners", "Kantoro")
    assert issue.rule.startswith(
        "none of the partner's projects is eligible (P-30, P-31): P-30: cost in another "
        "year: ¥500m in cost_FY2027, none in cost_FY2026, and the policy has no budget for "
        "FY2027 (to fund it in FY2026, move its cost to cost_FY2026;")
    assert "; P-31: linked to an international dispute" in issue.rule
    required = ("--set", "priority.required_partners=['Kantoro']")
    run = osa("validate", book, *required)
    assert run.code == 2 and "1 problem in the input" in run.err and "Valid:" not in run.out
    run = osa("solve", book, *required, "--out", str(tmp_path / "r"))
    assert run.code == 2 and "1 problem in the input" in run.err
    assert not (tmp_path / "r").exists()


def test_a_required_partner_below_the_least_package_is_named_as_required() -> None:
    """Tavola required, its eligible items ¥1,100m in all, priority.min_package ¥1,500m (found
    by the independent brute force, seed 123): the diagnosis said Tavola 'must receive a
    package (a mandatory project, an every-partner tier or min_countries)', none of which
    applied; it now names the rule that does."""
    result = osa_opt.solve(problem(required_partners=["Tavola"], min_package=1500),
                           portfolios=1)
    assert [e["message"] for e in result.diagnosis] == [
        "Tavola must receive a package (it is in priority.required_partners) but the other "
        "rules leave at most ¥1,100m for it, below priority.min_package (¥1,500m): lower "
        "priority.min_package to ¥1,100m (by ¥400m)."]


def test_a_required_partner_under_another_name_of_its_country_is_told_the_sheet_s(
        tmp_path: Path) -> None:
    """The countries sheet writes 'Timor-Leste'; the minister's instruction, typed into
    the policy, says 'East Timor'. A project's country so typed is told the sheet's name
    (9b4ac04), but required_partners said only 'Name the partner as the countries sheet's
    country column does', no did-you-mean (the spellings are too far apart)."""
    from test_fuzz_inputs import example_sheets, write_book

    from osa_opt.errors import InputError

    sheets = example_sheets()
    sheets["countries"].append(["Timor-Leste", *sheets["countries"][2][1:]])
    book = write_book(tmp_path / "round.xlsx", sheets)
    with pytest.raises(InputError) as refused:
        osa_opt.load_problem(book, overrides={"priority": {"required_partners": ["East Timor"]}})
    (issue,) = refused.value.issues
    assert (issue.column, issue.value) == ("priority.required_partners", "East Timor")
    assert issue.hint == (
        "did you mean 'Timor-Leste'? 'East Timor' and 'Timor-Leste' are two names of one "
        "country, and a country is matched as the countries sheet spells it. Name the partner "
        "as the countries sheet's country column does")


def test_a_partner_named_twice_is_one_rule() -> None:
    """``required_partners = ["Tavola", "Tavola"]`` built one model row, but the rule's own
    check of a portfolio without Tavola reported ``required_partner[Tavola]`` twice."""
    model = build_model(problem(required_partners=["Tavola", "Tavola"]))
    assert [c.name for c in model.required_partner.values()] == ["required_partner[Tavola]"]
    assert broken_rules(model.osa, {"P-01": 1.0}) == ["required_partner[Tavola]"]
