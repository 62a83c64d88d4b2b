"""``held_in``: the projects a rule funds whatever the weights, and the reason robustness gives.

Each case is the tiny round of ``conftest.py`` (P-01 mandatory in Aurelia, P-02 requires
P-01, P-03 and P-04 in tier-2 Borealis, P-05 and the excluded P-06 in tier-3 Caldera) with
one column or policy key changed. Robustness is run on each, and every project named has to
be funded in every sample (core index 1): the reason says why, the samples show that it is.
"""

from __future__ import annotations

import copy
from typing import Any

import pandas as pd
import pytest

from osa_opt.analysis.robustness import held_in, robustness
from osa_opt.inputs.problem import Problem
from tests.conftest import TINY_POLICY, tiny_countries, tiny_projects

CALDERA = "the only eligible project of tier-3 partner Caldera"
EVERY_TIER = "(priority.fund_every_tier)"


def round_with(priority: dict[str, Any] | None = None, **columns: list[str]) -> Problem:
    projects = tiny_projects()
    for name, values in columns.items():
        projects[name] = values
    policy = copy.deepcopy(TINY_POLICY)
    policy["priority"] = priority or {}
    return Problem.from_frames(projects, tiny_countries(), policy)


def held_and_funded(problem: Problem) -> dict[str, str]:
    """held_in, after checking robustness reports the same reasons and funds each held
    project in every sample."""
    held = held_in(problem)
    table = robustness(problem, samples=6, seed=1).projects
    assert dict(table.loc[table["held_in_by"] != "", "held_in_by"]) == held
    funded: pd.Series = table.loc[list(held), "core_index"]
    assert (funded == 1.0).all(), funded
    return held


def test_a_signed_project_is_held_in_by_its_stage() -> None:
    held = held_and_funded(round_with(stage=["", "", "signed", "", "", ""]))
    assert held == {"P-01": "status mandatory", "P-03": "stage signed"}


def test_a_signed_project_holds_in_what_it_requires() -> None:
    """P-02 signed requires P-01, a candidate here: P-01 is held in by P-02."""
    held = held_and_funded(round_with(
        stage=["", "signed", "", "", "", ""],
        status=["candidate", "candidate", "candidate", "candidate", "candidate", "excluded"]))
    assert held == {"P-01": "required by P-02", "P-02": "stage signed"}


def test_a_mandatory_signed_project_is_held_in_by_its_status() -> None:
    held = held_and_funded(round_with(stage=["signed", "", "", "", "", ""]))
    assert held == {"P-01": "status mandatory"}


def test_the_only_eligible_project_of_a_fund_every_tier_partner() -> None:
    """Caldera (tier 3) has P-05 and the excluded P-06: P-05 is held in; Borealis (tier 2,
    two eligible projects) holds none in, nor does a tier the rule does not list."""
    held = held_and_funded(round_with({"fund_every_tier": [2, 3]}))
    assert held == {"P-01": "status mandatory", "P-05": f"{CALDERA} {EVERY_TIER}"}
    assert held_in(round_with({"fund_every_tier": [2]})) == {"P-01": "status mandatory"}


def test_what_the_only_project_of_a_fund_every_tier_partner_requires_is_held_in() -> None:
    """P-05, Caldera's only eligible project, requires P-04: every portfolio funds P-04
    too. It used to be core with no rule named (held_in followed requirements from
    mandatory and signed projects only)."""
    held = held_and_funded(round_with({"fund_every_tier": [3]},
                                      requires=["", "P-01", "", "", "P-04", ""]))
    assert held == {"P-01": "status mandatory", "P-04": "required by P-05",
                    "P-05": f"{CALDERA} {EVERY_TIER}"}


def test_what_the_only_project_of_a_required_partner_requires_is_held_in() -> None:
    held = held_and_funded(round_with({"required_partners": ["Caldera"]},
                                      requires=["", "P-01", "", "", "P-04", ""]))
    assert held["P-04"] == "required by P-05"
    assert held["P-05"] == ("the only eligible project of Caldera, which "
                            "priority.required_partners requires")


@pytest.mark.parametrize("priority, reason", [
    ({"fund_every_tier": [3]}, f"{CALDERA} that can be funded {EVERY_TIER}"),
    ({"required_partners": ["Caldera"]}, "the only eligible project of Caldera that can be "
                                         "funded, which priority.required_partners requires"),
])
def test_a_partner_whose_other_eligible_project_cannot_be_funded(
        priority: dict[str, Any], reason: str) -> None:
    """P-06 (Caldera) is eligible but requires the excluded P-04: P-05 is the only one
    Caldera can fund. It used to be called Caldera's only eligible project, which it is not
    (the Projects sheet shows P-06 eligible)."""
    problem = round_with(
        priority,
        status=["mandatory", "candidate", "candidate", "excluded", "candidate", "candidate"],
        requires=["", "P-01", "", "", "", "P-04"])
    assert {"P-05", "P-06"} <= set(problem.eligible) and "P-06" in problem.unfundable
    held = held_and_funded(problem)
    assert held == {"P-01": "status mandatory", "P-05": reason}
