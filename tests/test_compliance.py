"""Gates of law and weighed considerations (docs/policy.md, "Gates and considerations").

Every gate is tested with its reason message, and shown not to yield to an override; every
consideration is shown to move value, not eligibility; an override waives only what a policy
may waive, needs a written reason, and that reason reaches every output.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import numpy as np
import openpyxl
import pandas as pd
import pytest

import osa_opt
from osa_opt.cli import cli
from osa_opt.cli.common import run_cli
from osa_opt.errors import InputError
from osa_opt.inputs.eligibility import (
    ABOVE_RISK_LIMIT,
    BELOW_DEMOCRACY,
    DISPUTE_LINKED,
    EQUIPMENT_NOT_ALLOWED,
    FIELD_NOT_ALLOWED,
    NO_MANAGEMENT_AGREEMENT,
    NOT_ODA_ELIGIBLE,
    NOT_UN_CHARTER,
    PARTY_TO_CONFLICT,
)
from osa_opt.inputs.policy import Policy
from osa_opt.inputs.problem import Problem
from osa_opt.result import Status
from osa_opt.text import humanize
from osa_opt.workflows import solve

Frames = tuple[pd.DataFrame, pd.DataFrame, Policy]
ROOT = Path(__file__).resolve().parents[1]


def with_cells(frame: pd.DataFrame, key: str, name: str, **values: Any) -> pd.DataFrame:
    """A copy with the given columns set on the row whose ``key`` is ``name``."""
    out = frame.copy()
    for column, value in values.items():
        if column not in out.columns:
            out[column] = None
        out[column] = out[column].astype(object)
        out.loc[out[key] == name, column] = value
    return out


def project(frames: Frames, pid: str, **values: Any) -> Frames:
    projects, countries, policy = frames
    return with_cells(projects, "project_id", pid, **values), countries, policy


def country(frames: Frames, name: str, **values: Any) -> Frames:
    projects, countries, policy = frames
    return projects, with_cells(countries, "country", name, **values), policy


def verdict(frames: Frames, pid: str) -> tuple[bool, list[str], list[str]]:
    e = Problem.from_frames(*frames).eligibility
    return bool(e.at[pid, "eligible"]), list(e.at[pid, "reasons"]), list(e.at[pid, "overrides"])


def codes(reasons: list[str]) -> list[str]:
    return [r.split(":")[0] for r in reasons]


# ---------------------------------------------------------------------- gates of law
#: Each gate: how to break it for P-03 (Borealis), its code and words of its message.
GATES: dict[str, tuple[Any, str, str]] = {
    "field": (lambda f: project(f, "P-03", field="search_and_rescue;cyber_defence"),
              FIELD_NOT_ALLOWED, "cyber_defence"),
    "conflict": (lambda f: country(f, "Borealis", party_to_conflict=True), PARTY_TO_CONFLICT,
                 "the UN Security Council is taking measures against it"),
    "prior consent (project)": (lambda f: project(f, "P-03", prior_consent=False),
                                NO_MANAGEMENT_AGREEMENT,
                                "prior-consent clauses, as its prior_consent cell says"),
    "prior consent (country)": (lambda f: country(f, "Borealis", management_agreement=False),
                                NO_MANAGEMENT_AGREEMENT,
                                "terms, as its management_agreement cell says"),
    "UN Charter": (lambda f: project(f, "P-03", un_charter=False), NOT_UN_CHARTER,
                   "not consistent with the UN Charter, as its un_charter cell says"),
    "dispute": (lambda f: project(f, "P-03", dispute_linked=True), DISPUTE_LINKED,
                "directly linked to an international dispute, as its dispute_linked cell says"),
    "equipment": (lambda f: project(f, "P-03", equipment_category="minesweeping"),
                  EQUIPMENT_NOT_ALLOWED,
                  "equipment_category minesweeping is not in eligibility.equipment_categories"),
}


@pytest.fixture
def frames(tiny_frames: Frames) -> Frames:
    """The tiny input, with a policy allowing four equipment categories (no minesweeping);
    the field 'cyber_defence' is no field at all, so the field gate uses a policy without
    search_and_rescue instead."""
    projects, countries, policy = tiny_frames
    policy = policy.override({"eligibility.equipment_categories": ["rescue", "transport",
                                                                   "warning", "surveillance"]})
    return projects, countries, policy


@pytest.mark.parametrize("gate", sorted(GATES))
def test_each_gate_of_law_rules_a_project_out_with_its_reason(frames: Frames, gate: str) -> None:
    breaks, code, words = GATES[gate]
    if gate == "field":  # an unknown field is a bad cell; a field the policy leaves out is the gate
        broken = project(frames, "P-03", field="search_and_rescue;medical")
        allowed = ["maritime_surveillance", "search_and_rescue"]  # P-01 is mandatory
        broken = (*broken[:2], broken[2].override({"eligibility.fields": allowed}))
        words = "medical is not in eligibility.fields"
    else:
        broken = breaks(frames)
    assert verdict(frames, "P-03") == (True, [], [])
    eligible, reasons, overrides = verdict(broken, "P-03")
    assert not eligible and codes(reasons) == [code] and overrides == []
    assert words in reasons[0]
    # a gate of law yields to no override, of the project or of its country
    waived = project(broken, "P-03", override=True, override_reason="minister's request")
    waived = country(waived, "Borealis", override=True, override_reason="summit")
    assert verdict(waived, "P-03")[:2] == (False, reasons)


#: Every other rule, broken for P-03 (Borealis), for the reasons' wording as quoted.
OTHER_RULES: dict[str, Any] = {
    "ODA": lambda f: country(f, "Borealis", oda_eligible=False),
    "democracy": lambda f: country(f, "Borealis", democracy=0.5),
    "risk": lambda f: project(f, "P-03", risk=0.9, mitigation=""),
}


@pytest.mark.parametrize("rule", [*sorted(GATES), *OTHER_RULES])
def test_a_reason_reads_cleanly_inside_brackets(frames: Frames, rule: str) -> None:
    """A reason is quoted in brackets wherever a line names why another project cannot
    be funded ('requires P-28, which is not eligible (...)', the terminal, report, workbook
    and run.json's unfunded, and the refusal of a mandatory project requiring it), and
    several reasons ended in brackets of their own, so the quote nested them: 'country is a
    party to a conflict: Drakmoor (Three Principles: the UN Security Council ...)', '...
    directly linked to an international dispute (dispute_linked))', '... is not in
    eligibility.equipment_categories (equipment_category))'. Each reason now names its
    cell in words, as the risk rule's does ('... and its mitigation cell is blank')."""
    from osa_opt.inputs.forced import cannot_be_funded

    if rule == "field":  # as above: a field the policy leaves out
        broken = project(frames, "P-03", field="search_and_rescue;medical")
        broken = (*broken[:2], broken[2].override({"eligibility.fields": [
            "maritime_surveillance", "search_and_rescue"]}))
    else:
        broken = (OTHER_RULES[rule] if rule in OTHER_RULES else GATES[rule][0])(frames)
    if rule == "risk":
        broken = (*broken[:2], broken[2].override({"eligibility.max_risk": 0.5}))
    eligible, reasons, _ = verdict(broken, "P-03")
    assert not eligible and reasons
    quoted = cannot_be_funded("candidate", "", reasons)
    assert quoted.startswith("is not eligible (") and quoted.endswith(")"), quoted
    assert "(" not in quoted.removeprefix("is not eligible (") and ")" not in quoted[:-1], quoted


def test_a_projects_own_prior_consent_replaces_its_countrys(frames: Frames) -> None:
    no_terms = country(frames, "Borealis", management_agreement=False)
    assert not verdict(no_terms, "P-03")[0]
    assert verdict(project(no_terms, "P-03", prior_consent=True), "P-03") == (True, [], [])
    assert codes(verdict(project(frames, "P-03", prior_consent=False), "P-03")[1]) == [
        NO_MANAGEMENT_AGREEMENT]


def test_equipment_categories_are_a_policy_list(frames: Frames) -> None:
    mine = project(frames, "P-03", equipment_category="minesweeping")
    assert not verdict(mine, "P-03")[0]
    five = (*mine[:2], mine[2].override({"eligibility.equipment_categories":
                                         ["rescue", "minesweeping"]}))
    assert verdict(five, "P-03")[0]
    # a revision may name a new category: a policy that lists it accepts it
    new = project(frames, "P-03", equipment_category="training_aircraft")
    with pytest.raises(InputError, match="equipment_category"):
        Problem.from_frames(*new)
    listed = (*new[:2], new[2].override({"eligibility.equipment_categories":
                                         ["training_aircraft"]}))
    assert verdict(listed, "P-03")[0]
    assert verdict(project(frames, "P-03", equipment_category="not_defence_equipment"),
                   "P-03")[0]


def test_a_misspelt_equipment_category_is_an_input_error(frames: Frames) -> None:
    with pytest.raises(InputError) as info:
        Problem.from_frames(*project(frames, "P-03", equipment_category="survelliance"))
    [issue] = info.value.issues
    assert (issue.sheet, issue.column) == ("projects", "equipment_category")
    assert "'P-03'" in issue.label  # a frame built in code: rows named by id
    assert issue.hint == "did you mean 'surveillance'?"


#: Each gate a policy key switches off (docs/policy.md): the key, and the gate of GATES.
SWITCHES = {"eligibility.exclude_dispute_linked": "dispute",
            "eligibility.exclude_parties_to_conflict": "conflict",
            "eligibility.require_un_charter": "UN Charter",
            "eligibility.require_management_agreement": "prior consent (project)"}


@pytest.mark.parametrize("key", sorted(SWITCHES))
def test_a_gate_can_be_switched_off_by_policy_but_not_by_override(frames: Frames,
                                                                  key: str) -> None:
    broken = GATES[SWITCHES[key]][0](frames)
    assert not verdict(broken, "P-03")[0]
    off = (*broken[:2], broken[2].override({key: False}))
    assert verdict(off, "P-03") == (True, [], [])


# ---------------------------------------------------------------------- waivable rules
def test_the_oda_gate_yields_to_an_override_with_its_reason(frames: Frames) -> None:
    rich = country(frames, "Borealis", oda_eligible=False)
    eligible, reasons, _ = verdict(rich, "P-03")
    assert not eligible and codes(reasons) == [NOT_ODA_ELIGIBLE]
    assert '"in principle" developing countries' in reasons[0]
    kept = country(rich, "Borealis", override=True, override_reason="Graduated in 2025")
    eligible, reasons, overrides = verdict(kept, "P-03")
    assert eligible and reasons == []
    assert overrides == [f"{NOT_ODA_ELIGIBLE}: Borealis is not on the OECD DAC list, "
                         "and recipients are \"in principle\" developing countries — overridden: "
                         "Graduated in 2025"]
    # an override of one project waives it for that project only
    one = project(rich, "P-03", override=True, override_reason="Summit pledge")
    assert verdict(one, "P-03")[0] and not verdict(one, "P-04")[0]
    assert verdict(one, "P-03")[2][0].endswith("— overridden: Summit pledge")


def test_a_policy_threshold_yields_to_an_override(frames: Frames) -> None:
    low = country(frames, "Borealis", democracy=2.0)  # the tiny policy's minimum is 4
    assert codes(verdict(low, "P-03")[1]) == [BELOW_DEMOCRACY]
    kept = country(low, "Borealis", override=True, override_reason="Elections held in 2026")
    eligible, reasons, overrides = verdict(kept, "P-03")
    assert eligible and codes(overrides) == [BELOW_DEMOCRACY]


def test_an_override_needs_a_written_reason_and_a_reason_needs_an_override(
        frames: Frames) -> None:
    with pytest.raises(InputError) as info:
        Problem.from_frames(*country(frames, "Borealis", override=True))
    [issue] = info.value.issues
    assert (issue.sheet, issue.column) == ("countries", "override_reason")
    assert "'Borealis'" in issue.label
    assert issue.rule == "an override needs a written reason"
    with pytest.raises(InputError) as info:
        Problem.from_frames(*project(frames, "P-04", override_reason="just because"))
    [issue] = info.value.issues
    assert (issue.sheet, issue.column) == ("projects", "override")
    assert "'P-04'" in issue.label
    assert "override is not true" in issue.rule


def test_the_risk_limit_needs_a_mitigation_above_it_and_discounts_below(frames: Frames) -> None:
    limited = (*frames[:2], frames[2].override({"eligibility.max_risk": 0.25}))
    risky = project(limited, "P-03", risk=0.4)
    eligible, reasons, _ = verdict(risky, "P-03")
    assert not eligible and codes(reasons) == [ABOVE_RISK_LIMIT]
    assert reasons[0] == (f"{ABOVE_RISK_LIMIT}: risk 0.4 is above eligibility.max_risk 0.25 "
                          "and its mitigation cell is blank")
    mitigated = project(risky, "P-03", mitigation="End-use monitoring twice a year")
    assert verdict(mitigated, "P-03") == (True, [], [])
    # a country's override does not cover one project's risk; the project's own does
    theirs = country(risky, "Borealis", override=True, override_reason="summit")
    assert not verdict(theirs, "P-03")[0]
    assert verdict(project(risky, "P-03", override=True, override_reason="pilot"), "P-03")[0]
    # below the limit (and when mitigated) risk discounts value as before
    p = Problem.from_frames(*mitigated)
    scores = p.scores.loc["P-03"]
    weights = p.policy.objective.weights
    base = sum(w * scores[k] for k, w in weights.items()) * p.policy.objective.tier_multiplier[2]
    assert p.value["P-03"] == pytest.approx(base * (1 - 0.4))


# ---------------------------------------------------------------------- considerations
@pytest.mark.parametrize("column", ["democracy", "rule_of_law", "human_rights",
                                    "economic_social", "bilateral_relations"])
def test_each_consideration_moves_value_not_eligibility(frames: Frames, column: str) -> None:
    projects, countries, policy = frames
    weights = {"democracy": 1.0, column: 2.0} if column != "democracy" else {"democracy": 1.0}
    policy = policy.override({
        "eligibility": {"min_democracy": 0.0, "min_rule_of_law": 0.0, "min_human_rights": 0.0},
        "objective.considerations": weights, "objective.consideration_strength": 0.4})
    values, eligible = {}, {}
    for level in (0.0, 5.0, 10.0):
        changed = country((projects, countries, policy), "Borealis", **{column: level})
        p = Problem.from_frames(*changed)
        plain = p.with_policy(overrides={"objective.consideration_strength": 0.0}).value
        a = p.countries.loc["Borealis"]
        mean = sum(w * (float(a[k]) - 5) / 5 for k, w in weights.items()) / sum(weights.values())
        # Borealis's projects: the value without considerations times 1 + 0.4 · mean
        for pid in ("P-03", "P-04"):
            assert p.value[pid] == pytest.approx(plain[pid] * (1 + 0.4 * mean))
        values[level] = p.value[["P-03", "P-04"]]
        eligible[level] = p.eligibility["eligible"].tolist()
    assert eligible[0.0] == eligible[5.0] == eligible[10.0]
    assert (values[10.0] > values[5.0]).all() and (values[0.0] < values[5.0]).all()


def test_a_policy_may_still_make_a_consideration_a_threshold(frames: Frames) -> None:
    low = country(frames, "Borealis", democracy=3.0)
    assert not verdict(low, "P-03")[0]  # the tiny policy sets min_democracy = 4
    off = (*low[:2], low[2].override({"eligibility.min_democracy": 0.0}))
    assert verdict(off, "P-03")[0]


def test_without_considerations_value_is_the_old_formula(tiny_frames: Frames) -> None:
    p = Problem.from_frames(*tiny_frames)
    assert (p.country_factor == 1.0).all()
    obj = p.policy.objective
    expected = (sum(w * p.scores[k] for k, w in obj.weights.items())
                * p.tier.map(obj.tier_multiplier) * (1 - obj.risk_aversion * p.projects["risk"]))
    pd.testing.assert_series_equal(p.value, expected.rename("value"), check_names=False)


# ---------------------------------------------------------------------- several fields
def two_field_round() -> Frames:
    """Budget 1,000: A (400) serves search and rescue and medical care, B (300) and C (300)
    search and rescue only; nothing else is medical."""
    projects = pd.DataFrame({
        "project_id": ["A", "B", "C"], "title": ["vessel", "boats", "drones"],
        "country": ["Aurelia"] * 3, "field": ["search_and_rescue; Medical", "search_and_rescue",
                                              "search_and_rescue"],
        "assistance_type": "equipment", "cost_FY2026": [400.0, 300.0, 300.0],
        "score_security": [1.0, 9.0, 9.0]})
    countries = pd.DataFrame({
        "country": ["Aurelia"], "region": ["Southeast Asia"], "priority_tier": [1],
        "oda_eligible": [True], "party_to_conflict": [False], "management_agreement": [True],
        "democracy": [6.0], "rule_of_law": [6.0], "human_rights": [6.0]})
    policy = Policy.from_dict({"budget": {"FY2026": 1000.0},
                               "objective": {"weights": {"security": 1.0}}})
    return projects, countries, policy


def test_a_project_of_two_fields_counts_half_its_cost_in_each() -> None:
    projects, countries, policy = two_field_round()
    problem = Problem.from_frames(projects, countries, policy)
    assert problem.projects.at["A", "field"] == "search_and_rescue;medical"
    budget = 1000.0
    # A is worth least, but the medical floor needs it: half of 400 is 20% of the budget
    for share, status in ((0.20, Status.OPTIMAL), (0.21, Status.INFEASIBLE)):
        result = solve(problem.with_policy(overrides={"balance.min_field_share":
                                                      {"medical": share}}), portfolios=1)
        assert result.status == status, share
    result = solve(problem.with_policy(overrides={"balance.min_field_share": {"medical": 0.2}}),
                   portfolios=1)
    alloc = result.best.allocation("field")
    assert alloc.loc["medical", "total_cost"] == pytest.approx(200.0)
    assert alloc["total_cost"].sum() == pytest.approx(result.best.projects["total_cost"].sum())
    assert alloc.loc["search_and_rescue", "share_of_budget"] == pytest.approx(
        (200.0 + 300.0 + 300.0 * (result.best.fractions.get("C", 0) > 0)
         - 300.0 * (result.best.fractions.get("B", 0) == 0)) / budget)
    # a maximum counts the same half: 40% of search and rescue leaves room for A and one more
    capped = solve(problem.with_policy(overrides={"balance.max_field_share":
                                                  {"search_and_rescue": 0.5}}), portfolios=1)
    spent = sum(400.0 / 2 if p == "A" else 300.0 for p in capped.best.fractions)
    assert spent <= 500.0 + 1e-6 and set(capped.best.fractions) in ({"A", "B"}, {"A", "C"})


def test_an_unknown_field_among_several_is_named(tiny_frames: Frames) -> None:
    with pytest.raises(InputError) as info:
        Problem.from_frames(*project(tiny_frames, "P-03",
                                     field="search_and_rescue; disaster relief"))
    [issue] = info.value.issues
    assert issue.column == "field" and "'P-03'" in issue.label
    assert issue.rule.startswith("must be one or more of maritime_surveillance")
    assert issue.hint == "did you mean 'disaster_relief'?"


# ---------------------------------------------------------------------- every output
@pytest.fixture(scope="module")
def example_run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """``osa-opt solve`` on the shipped example: Opalind (not ODA-eligible) is kept by its
    country's override, whose written reason must reach every output."""
    folder = tmp_path_factory.mktemp("run") / "out"
    mp = pytest.MonkeyPatch()
    import io
    from contextlib import redirect_stdout

    out = io.StringIO()
    mp.setattr(sys, "argv", ["osa-opt", "solve", "-k", "1", "--no-explain", "--out",
                             str(folder)])
    with redirect_stdout(out):
        code = run_cli(cli)
    mp.undo()
    assert code == 0
    reason = osa_opt.load_problem().countries.at["Opalind", "override_reason"]
    return {"folder": folder, "stdout": out.getvalue(), "reason": reason}


def test_the_example_has_an_override_with_a_reason(example_run: dict[str, Any]) -> None:
    problem = osa_opt.load_problem()
    assert problem.countries.at["Opalind", "oda_eligible"] is np.False_ or \
        not problem.countries.at["Opalind", "oda_eligible"]
    assert len(example_run["reason"]) > 20
    assert problem.eligibility.at["P-38", "eligible"]


def test_the_override_reason_is_in_the_terminal(example_run: dict[str, Any]) -> None:
    text = " ".join(example_run["stdout"].split())
    assert "Eligible by an override: P-38" in text
    assert " ".join(example_run["reason"].split()) in text


def test_the_override_reason_is_in_run_json(example_run: dict[str, Any]) -> None:
    manifest = json.loads((example_run["folder"] / "run.json").read_text())
    record = manifest["eligibility"]["P-38"]
    assert record["eligible"] is True and record["reasons"] == []
    assert record["overrides"][0].startswith(NOT_ODA_ELIGIBLE)
    assert record["overrides"][0].endswith(example_run["reason"])
    assert manifest["problem"]["overrides"]["P-38"] == record["overrides"]
    # an ineligible project is there too, with every reason
    assert manifest["eligibility"]["P-35"]["reasons"][0].startswith(PARTY_TO_CONFLICT)


def test_the_override_reason_is_in_the_report(example_run: dict[str, Any]) -> None:
    import html

    page = html.unescape((example_run["folder"] / "report.html").read_text(encoding="utf-8"))
    assert "Rules waived by an override" in page
    assert example_run["reason"] in page


def test_the_override_reason_is_in_the_workbook(example_run: dict[str, Any]) -> None:
    sheet = openpyxl.load_workbook(example_run["folder"] / "portfolios.xlsx")["Projects"]
    rows = list(sheet.iter_rows(values_only=True))
    header = next(i for i, r in enumerate(rows) if r and r[0] == humanize("project_id"))
    names = list(rows[header])
    by_id = {r[0]: dict(zip(names, r, strict=False)) for r in rows[header + 1:] if r[0]}
    overrides = by_id["P-38"][humanize("overrides")].replace("\n", " ")  # wrapped at spaces
    assert example_run["reason"] in overrides
    assert not by_id["P-01"][humanize("overrides")]


def test_validate_prints_the_override(monkeypatch: pytest.MonkeyPatch,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(sys, "argv", ["osa-opt", "validate", "--no-solve"])
    assert run_cli(cli) == 0
    out = " ".join(capsys.readouterr().out.split())
    reason = osa_opt.load_problem().countries.at["Opalind", "override_reason"]
    assert "Eligible by an override: P-38" in out and " ".join(reason.split()) in out


def test_the_template_quotes_the_guideline_of_each_compliance_column(tmp_path: Path) -> None:
    from osa_opt.inputs.schema import GUIDELINES
    from osa_opt.inputs.template import write_template

    book = openpyxl.load_workbook(write_template(tmp_path / "t.xlsx", Policy.default()))
    readme = {(r[0], r[1]): r for r in book["README"].iter_rows(values_only=True) if r[1]}
    for sheet in ("projects", "countries"):
        headers = {c.value: c for c in book[sheet][1]}
        for column, quote in GUIDELINES.items():
            if column in headers:
                assert readme[(sheet, column)][4] == quote
                assert f"Guidelines: {quote}." in headers[column].comment.text
    assert {"dispute_linked", "prior_consent", "un_charter", "equipment_category", "field",
            "mitigation", "override", "economic_social", "bilateral_relations",
            "party_to_conflict", "oda_eligible"} <= set(GUIDELINES)
    assert "UN Security Council" in GUIDELINES["party_to_conflict"]
