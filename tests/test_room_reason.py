"""An eligible project the budget left has room for, kept out by another rule: its reason
names the rule in a budget officer's words wherever the reason appears (result.unfunded,
run.json, the workbook's Not funded sheet, the report, load_run), where the rows portfolio 1
with it added would break are known (analysis/why_rows.py). It read "a rule other than the
budget keeps it out" everywhere, while the why analysis named the row."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

import osa_opt
from osa_opt.report.summary import unfunded_kind
from osa_opt.result.facts import NOT_SELECTED_ROOM, room_kinds, rule_words

CAP = "not selected: Serendel's cap of 12% of the budget keeps it out (the budget left has room for it)"
PARTNERS = ("not selected: the limit of 10 partner countries keeps it out (the budget left "
            "has room for it)")


@pytest.fixture(scope="module")
def capped() -> osa_opt.Result:
    problem = osa_opt.load_problem(overrides={"priority.max_country_share": 0.12,
                                              "budget.FY2026": 22000})
    return osa_opt.solve(problem, portfolios=1)


def test_the_cap_is_named_everywhere_the_reason_is(capped: osa_opt.Result,
                                                   tmp_path: Path) -> None:
    assert capped.blocked_by["P-07"] == ["country_cap[Serendel]"]
    assert capped.unfunded.at["P-07", "reason"] == CAP
    folder = capped.write(tmp_path / "run")
    manifest = json.loads((folder / "run.json").read_text(encoding="utf-8"))
    assert manifest["unfunded"]["P-07"] == CAP
    assert manifest["blocked_by"]["P-07"] == ["country_cap[Serendel]"]
    sheet = openpyxl.load_workbook(folder / "portfolios.xlsx", read_only=True)["Not funded"]
    cells = {str(c).replace("\n", " ") for row in sheet.iter_rows(values_only=True) for c in row}
    assert CAP in cells  # the sheet breaks a long reason over lines
    html = (folder / "report.html").read_text(encoding="utf-8")
    assert CAP.replace("'", "&#x27;") in html or CAP in html
    assert osa_opt.load_run(folder).unfunded.at["P-07", "reason"] == CAP


def test_the_partner_count_is_named_and_counted_by_its_family() -> None:
    problem = osa_opt.load_problem(overrides={"priority.max_countries": 10,
                                              "budget.FY2026": 25000})
    result = osa_opt.solve(problem, portfolios=1)
    assert result.unfunded.loc[["P-30", "P-37", "P-38"], "reason"].tolist() == [PARTNERS] * 3


def test_the_summary_counts_a_cap_by_its_family_not_by_partner(capped: osa_opt.Result) -> None:
    kinds = room_kinds(capped)
    lumaris = capped.unfunded.at["P-17", "reason"]
    assert lumaris.startswith("not selected: Lumaris's cap of 12% of the budget")
    family = ("not selected: a partner's cap keeps it out (the budget left has room for it)")
    assert kinds[CAP] == kinds[lumaris] == family
    assert unfunded_kind(CAP) == NOT_SELECTED_ROOM  # a reason without its result


def test_an_older_run_s_reason_still_compares(capped: osa_opt.Result, tmp_path: Path) -> None:
    """A run.json written before the rule was named has no blocked_by and the generic
    reason: load_run and --since read it as it was."""
    folder = capped.write(tmp_path / "old")
    path = folder / "run.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    del manifest["blocked_by"]
    manifest["unfunded"]["P-07"] = NOT_SELECTED_ROOM
    path.write_text(json.dumps(manifest), encoding="utf-8")
    assert osa_opt.load_run(folder).unfunded.at["P-07", "reason"] == NOT_SELECTED_ROOM


def test_a_cap_below_one_percent_is_said_as_set() -> None:
    """A cap of 0.125% read "cap of 0.1% of the budget" (one decimal, at 10,000 projects of
    1,250 partners); the policy's number is said as it was set."""
    problem = osa_opt.load_problem(overrides={"priority.max_country_share": 0.00125})
    result = osa_opt.Result(problem, osa_opt.Status.OPTIMAL)
    assert rule_words("country_cap[Serendel]", result) == (
        "Serendel's cap of 0.125% of the budget")


def test_the_explanation_names_the_rule_in_the_same_words() -> None:
    problem = osa_opt.load_problem(overrides={"priority.max_country_share": 0.12,
                                              "budget.FY2026": 22000})
    result = osa_opt.solve(problem, portfolios=1, explain=True)
    assert result.explain("P-07")["message"].startswith(
        "Not funded. The budget left has room for it: Serendel's cap of 12% of the budget "
        "(country_cap[Serendel]) keeps it out (portfolio 1 with it added would break it).")
