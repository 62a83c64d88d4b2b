"""Eligibility: every reason a project cannot be funded, not only the first.

It works on plain tables (projects indexed by ``project_id``, countries indexed by
``country``) and a Policy, so both a validated :class:`~osa_opt.inputs.problem.Problem`
(``problem.eligibility``) and the cross-sheet rules (a mandatory project that is not
eligible) call it. A reason reads ``"<code>: <detail>"``; the code (before the colon) groups
reasons in summaries, the detail names the values that failed. The rules are described in
docs/policy.md (``[eligibility]``).
"""

from __future__ import annotations

import pandas as pd

from osa_opt.inputs.policy import Policy

FIELD_NOT_ALLOWED = "field not allowed"
NOT_ODA_ELIGIBLE = "country not ODA-eligible"
PARTY_TO_CONFLICT = "country is a party to a conflict"
NO_MANAGEMENT_AGREEMENT = "no management agreement"
BELOW_DEMOCRACY = "democracy below threshold"
BELOW_RULE_OF_LAW = "rule of law below threshold"
BELOW_HUMAN_RIGHTS = "human rights below threshold"
STATUS_EXCLUDED = "status excluded"

_GOVERNANCE = (
    ("democracy", "min_democracy", BELOW_DEMOCRACY),
    ("rule_of_law", "min_rule_of_law", BELOW_RULE_OF_LAW),
    ("human_rights", "min_human_rights", BELOW_HUMAN_RIGHTS),
)


def country_reasons(countries: pd.DataFrame, policy: Policy) -> pd.Series:
    """Per country (the index of ``countries``), the reasons none of its projects can be
    funded under ``policy``."""
    rules = policy.eligibility
    out: dict[str, list[str]] = {}
    # plain records, not iterrows: a Series per row costs ~50 µs, 0.6 s for 12,500 partners
    for country, c in zip(countries.index, countries.to_dict("records"), strict=True):
        reasons: list[str] = []
        if rules.require_oda_eligible and not c["oda_eligible"]:
            reasons.append(f"{NOT_ODA_ELIGIBLE}: {country} is not on the OECD DAC list")
        if rules.exclude_parties_to_conflict and c["party_to_conflict"]:
            reasons.append(f"{PARTY_TO_CONFLICT}: {country} (Three Principles)")
        if rules.require_management_agreement and not c["management_agreement"]:
            reasons.append(f"{NO_MANAGEMENT_AGREEMENT}: {country} has no "
                           "appropriate-management / prior-consent terms")
        for column, key, code in _GOVERNANCE:
            threshold = getattr(rules, key)
            if float(c[column]) < threshold:
                reasons.append(f"{code}: {country} scores {float(c[column]):g}, "
                               f"{key} is {threshold:g}")
        out[str(country)] = reasons
    return pd.Series(out, dtype=object, name="country_reasons")


def assess(projects: pd.DataFrame, countries: pd.DataFrame, policy: Policy) -> pd.DataFrame:
    """Per project (the index of ``projects``): ``eligible`` and ``reasons`` (every failed
    rule, in a fixed order). ``projects`` needs the columns ``field``, ``country`` and
    ``status`` (``status_reason`` if present); ``countries`` the country columns."""
    allowed = set(policy.eligibility.fields)
    by_country = country_reasons(countries, policy).to_dict()
    # column lists, not iterrows: 100,000 projects take 0.2 s instead of 6 s
    why_excluded = (projects["status_reason"].tolist() if "status_reason" in projects.columns
                    else [None] * len(projects))
    rows = []
    for pid, field, country, status, why in zip(
            projects.index, projects["field"].tolist(), projects["country"].tolist(),
            projects["status"].tolist(), why_excluded, strict=True):
        reasons: list[str] = []
        if field not in allowed:
            reasons.append(f"{FIELD_NOT_ALLOWED}: {field} is not in eligibility.fields")
        reasons += by_country.get(country, [])
        if status == "excluded":
            why = str(why or "").strip()
            reasons.append(f"{STATUS_EXCLUDED}: {why}" if why else f"{STATUS_EXCLUDED}: "
                           "marked excluded in the projects sheet")
        rows.append((pid, not reasons, reasons))
    frame = pd.DataFrame(rows, columns=["project_id", "eligible", "reasons"])
    return frame.set_index("project_id")
