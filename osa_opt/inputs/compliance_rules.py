"""Input rules of the compliance columns: an override needs its written reason, and an
``equipment_category`` must name a category (docs/inputs.md).

A category the policy does not list but the transfer rules name (or a policy's own list
names) is no input error: the project is simply ineligible, with the reason. A word no list
knows is a typo, reported with a suggestion, since otherwise the project would silently be
ruled out.
"""

from __future__ import annotations

import pandas as pd

from osa_opt.errors import Issue
from osa_opt.inputs.cells import is_blank
from osa_opt.inputs.eligibility import override_set
from osa_opt.inputs.policy import Policy
from osa_opt.inputs.policy_keys import EQUIPMENT_CATEGORIES, NOT_DEFENCE_EQUIPMENT
from osa_opt.inputs.schema import COUNTRIES, PROJECTS, ROW
from osa_opt.text import suggest


def compliance_issues(projects: pd.DataFrame, countries: pd.DataFrame,
                      policy: Policy) -> list[Issue]:
    """Every problem of the override and equipment-category cells of both sheets."""
    issues = _override_issues(PROJECTS, projects) + _override_issues(COUNTRIES, countries)
    if "equipment_category" in projects.columns:
        known = [NOT_DEFENCE_EQUIPMENT, *EQUIPMENT_CATEGORIES,
                 *(c for c in policy.eligibility.equipment_categories
                   if c not in EQUIPMENT_CATEGORIES)]
        for value, row in zip(projects["equipment_category"], projects[ROW], strict=True):
            if is_blank(value) or str(value).lower() in known:
                continue
            close = suggest(str(value).lower(), known)
            issues.append(Issue(PROJECTS, int(row), "equipment_category", value,
                                "must be a category of eligibility.equipment_categories or "
                                f"{NOT_DEFENCE_EQUIPMENT}",
                                f"did you mean {close!r}?" if close else
                                f"use one of {', '.join(known)}"))
    return issues


def _override_issues(sheet: str, frame: pd.DataFrame) -> list[Issue]:
    if "override" not in frame.columns and "override_reason" not in frame.columns:
        return []
    blank = pd.Series([None] * len(frame), index=frame.index)
    flags = frame["override"] if "override" in frame.columns else blank
    reasons = frame["override_reason"] if "override_reason" in frame.columns else blank
    issues = []
    for flag, why, row in zip(flags, reasons, frame[ROW], strict=True):
        if override_set(flag) and is_blank(why):
            issues.append(Issue(sheet, int(row), "override_reason", None,
                                "an override needs a written reason",
                                "write in override_reason why the rule is waived (it is shown "
                                "in every output), or set override to false"))
        elif not override_set(flag) and not is_blank(why):
            issues.append(Issue(sheet, int(row), "override", flag,
                                "an override_reason is written but override is not true",
                                "set override to true to waive the rules, or clear "
                                "override_reason"))
    return issues

