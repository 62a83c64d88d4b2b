"""Cross-sheet rules of the inputs, in one place: all collected before anything is raised.

Unknown countries, a country under two names, requirements (:mod:`.requirement_rules`:
unknown, self, a project fixed in that requires one that can never be funded), exclusive
groups with two projects fixed in, mandatory or signed projects the policy makes
ineligible, required partners with nothing to fund, whole units, and policy names the data
lacks.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import pandas as pd

from osa_opt.errors import Issue
from osa_opt.inputs.compliance_rules import compliance_issues
from osa_opt.inputs.country_names import other_name_hint, same_country_rows
from osa_opt.inputs.eligibility import (
    COUNTRY_PASS,
    FIELD_NOT_ALLOWED,
    Origin,
    assess_sheet_rows,
    fields_of,
)
from osa_opt.inputs.forced import signed_rows
from osa_opt.inputs.group_rules import lone_group_issues
from osa_opt.inputs.issue_list import MAX_PER_RULE
from osa_opt.inputs.keys import RowsText, lookalike_note, near_duplicate_issues, spelt_alike
from osa_opt.inputs.other_years import reason_and_fix
from osa_opt.inputs.policy import FIELDS, Policy, policy_sheet
from osa_opt.inputs.policy_keys import EQUIPMENT_CATEGORIES
from osa_opt.inputs.requirement_rules import dependency_issues, forced_requirement_issues
from osa_opt.inputs.schema import COUNTRIES, COUNTRY_COLUMNS, PROJECTS, ROW
from osa_opt.text import id_list, suggest


def cross_sheet_issues(projects: pd.DataFrame, countries: pd.DataFrame, policy: Policy,
                       rows_text: Mapping[str, RowsText] | None = None,
                       other_costs: pd.DataFrame | None = None) -> list[Issue]:
    """Rules that span rows, sheets or the policy, on the typed (not yet indexed) frames.

    Cells that failed their own checks are null here and are skipped, so one mistake is
    reported once. ``rows_text`` words other rows a message names, per sheet (Excel rows,
    or index labels for a table passed as a DataFrame). ``other_costs``: the ``cost_<FY>``
    columns of years the policy has no budget for, on the index of ``projects`` (a project
    forced in whose cost stands only there is out of this round: :mod:`.other_years`).
    """
    issues: list[Issue] = []
    issues += _unknown_country_issues(projects, countries)
    issues += _one_country_twice_issues(countries)
    issues += dependency_issues(projects, rows_text)
    issues += _exclusive_group_issues(projects)
    issues += lone_group_issues(projects)
    with_costs = projects if other_costs is None else projects.join(other_costs)
    issues += _mandatory_eligibility_issues(with_costs, countries, policy)
    issues += forced_requirement_issues(with_costs, countries, policy, rows_text)
    issues += _region_issues(countries, policy)
    issues += _required_partner_issues(with_costs, countries, policy)
    issues += _category_issues(projects, policy)
    issues += _unit_issues(projects)
    issues += near_duplicate_issues(projects, countries, rows_text)
    issues += compliance_issues(projects, countries, policy)
    return issues


def _unit_issues(projects: pd.DataFrame) -> list[Issue]:
    """Whole numbers of units, units_min ≤ units_max, and units_min only with units_max."""
    if "units_max" not in projects.columns and "units_min" not in projects.columns:
        return []
    columns = {name: (projects[name] if name in projects.columns
                      else pd.Series(float("nan"), index=projects.index))
               for name in ("units_min", "units_max")}
    given = (columns["units_min"].notna() | columns["units_max"].notna()).to_numpy()
    issues = []
    for row, *cells in zip(projects[ROW][given], columns["units_min"][given],
                           columns["units_max"][given], strict=True):
        rec = {ROW: int(row)}
        least, most = (None if pd.isna(v) else v if v != int(v) else int(v) for v in cells)
        for name, value in (("units_min", least), ("units_max", most)):
            if value is not None and float(value) != int(value):
                issues.append(Issue(PROJECTS, rec[ROW], name, value,
                                    "units are counted in whole numbers",
                                    f"give a whole number of units, e.g. {int(value) or 1}"))
        if least is not None and most is None:
            issues.append(Issue(PROJECTS, rec[ROW], "units_min", least,
                                "units_min is given but units_max is blank",
                                "give units_max (the cost_<FY> columns are the cost of "
                                "units_max units), or clear units_min"))
        elif least is not None and most is not None and least > most:
            issues.append(Issue(PROJECTS, rec[ROW], "units_min", least,
                                f"units_min is larger than units_max ({most})",
                                "give units_min <= units_max"))
    return issues


def _present(frame: pd.DataFrame, *names: str) -> bool:
    return all(name in frame.columns for name in names)


#: The cells a countries-sheet row must fill besides its name: what adding a partner takes.
_NEW_PARTNER_CELLS = tuple(c.name for c in COUNTRY_COLUMNS if c.required and c.name != "country")


def _unknown_country_issues(projects: pd.DataFrame, countries: pd.DataFrame) -> list[Issue]:
    if not _present(projects, "country") or not _present(countries, "country") \
            or countries.empty:
        return []
    known = countries["country"].dropna()
    names = projects["country"]
    bad = (names.notna() & ~names.isin(known)).to_numpy()
    issues = []
    close: dict[str, str] = {}
    by_key: dict[str, str] = {}
    choices = dict.fromkeys(sorted(set(known)))
    other: dict[str, tuple[str | None, str] | None] = {}
    for n, (row, name) in enumerate(zip(projects[ROW][bad], names[bad], strict=True)):
        # a suggestion compares with every country: only for the rows that are listed
        if n < MAX_PER_RULE and name not in close:
            other[name] = other_name_hint(name, choices)  # East Timor for Timor-Leste
            close[name] = "" if other[name] else (spelt_alike(name, choices, by_key)
                                                   or suggest(name, list(choices)) or "")
        named = other.get(name)
        if named:
            meant, sentence = named
            hint = (f"did you mean {meant!r}? {sentence}: write {meant!r} here" if meant
                    else f"{sentence}. Every project's country must have a row in the "
                    "countries sheet")
        elif close.get(name):
            hint = (f"did you mean {close[name]!r}?{lookalike_note(name, close[name])} "
                    "Every project's country must have a row in the countries sheet")
        else:  # a new partner, or a deleted row: what its row needs, not the rule again
            hint = (f"each partner needs a row of its own: add {name!r} to the countries "
                    f"sheet with its {id_list(_NEW_PARTNER_CELLS, limit=20)}; or, if the "
                    "partner is in the sheet, write its name here as the sheet spells it")
        issues.append(Issue(PROJECTS, int(row), "country", name,
                            "the country is not in the countries sheet", hint))
    return issues


def _one_country_twice_issues(countries: pd.DataFrame) -> list[Issue]:
    """A country with two rows under two of its names (``Myanmar`` and ``Burma``): two
    partners to the model, each with its own cap and its own place in max_countries."""
    if not _present(countries, "country", ROW) or countries.empty:
        return []
    names = countries["country"]
    given = names.notna().to_numpy()
    return [Issue(COUNTRIES, row, "country", name,
                  f"{name!r} and {first!r} (row {first_row}) are two names of one country: "
                  "the two rows would be two partners, each with its own cap and place in "
                  "max_countries, and its projects split between them",
                  f"give the country one row, under one name ({first!r} or {name!r}), and "
                  "write that name in the country cells of its projects")
            for row, name, first, first_row in same_country_rows(
                names[given].astype(str), countries[ROW][given])]


def _exclusive_group_issues(projects: pd.DataFrame) -> list[Issue]:
    """Two projects fixed in (status mandatory, stage signed) in one exclusive group."""
    if not _present(projects, "project_id", "exclusive_group", "status"):
        return []
    group = projects["exclusive_group"]
    mandatory = projects["status"] == "mandatory"
    signed = signed_rows(projects) & ~mandatory
    forced = projects[(mandatory | signed) & group.notna() & (group != "")]
    issues = []
    for name, members in forced.groupby("exclusive_group", sort=False):
        if len(members) < 2:
            continue
        ids = ", ".join(str(pid) for pid in members["project_id"])
        by_stage = signed[members.index]
        if not by_stage.any():
            rule, hint = (f"mandatory projects {ids} share an exclusive group, of which at "
                          "most one can be funded",
                          "make all but one of them a candidate, or put them in different "
                          "groups")
        else:  # a signed item is fixed in as a mandatory one is (docs/model.md)
            words = ", ".join(f"{pid} ({'stage signed' if s else 'mandatory'})" for pid, s
                              in zip(members["project_id"], by_stage, strict=True))
            rule, hint = (f"projects fixed in, {words}, share an exclusive group, of which "
                          "at most one can be funded",
                          "free all but one of them (a mandatory one: make it a candidate; "
                          "a signed one: clear its stage), or put them in different groups")
        for row in members[ROW]:
            issues.append(Issue(PROJECTS, int(row), "exclusive_group", name, rule, hint))
    return issues


def _mandatory_eligibility_issues(projects: pd.DataFrame, countries: pd.DataFrame,
                                  policy: Policy) -> list[Issue]:
    """A mandatory or signed project that fails an eligibility rule, with every reason; a
    signed project marked excluded."""
    needed_p = ("project_id", "country", "field", "status")
    needed_c = ("country", *COUNTRY_PASS)
    if (any(c not in projects.columns for c in needed_p)
            or any(c not in countries.columns for c in needed_c)):
        return []
    forced = projects["status"] == "mandatory"
    issues = []
    if "stage" in projects.columns:  # a signed item is fixed in like a mandatory one
        signed = projects["stage"] == "signed"
        for row in projects.loc[signed & (projects["status"] == "excluded"), ROW]:
            issues.append(Issue(PROJECTS, int(row), "stage", "signed",
                                "a signed project is marked excluded",
                                "a signed item is fixed in: clear its stage, or make it a "
                                "candidate or mandatory"))
        forced |= signed & (projects["status"] != "excluded")
    mandatory = projects[forced]
    if mandatory.empty:
        return issues
    verdict = assess_sheet_rows(mandatory, countries, policy)
    # columns read once, not a Series per row: an execution round may sign thousands
    for field, status, row, found, origins in zip(
            mandatory["field"].tolist(), mandatory["status"].tolist(), mandatory[ROW].tolist(),
            verdict["reasons"].tolist(), verdict["origins"].tolist(), strict=True):
        kept = [(r, o) for r, o in zip(found, origins, strict=True)  # an unknown field is
                if not (r.startswith(FIELD_NOT_ALLOWED)              # reported as a bad cell
                        and not set(fields_of(field)) <= set(FIELDS))]
        if not kept:
            continue
        reasons = [r for r, _ in kept]
        whose = {o for _, o in kept}  # a risk is the project's, not its country's
        data = ("the country's data" if whose == {Origin.COUNTRY} else
                "the project's data (its row)" if whose == {Origin.PROJECT} else
                "the project's or its country's data")
        slipped = [reason_and_fix(r) for r in reasons]
        if len(slipped) == 1 and slipped[0] is not None:  # its cost moved to another year
            what, fix = slipped[0]  # the note of every slip, its fix as the fix
            word = "mandatory" if status == "mandatory" else "signed"
            later = re.search(r"to plan (\S+) too", fix)
            if later:  # forced in, it is the round's to take out, as a slip back is
                fix += (f"; if it slipped to {later.group(1)}, give it status excluded, with "
                        f"'slipped to {later.group(1)}' in status_reason")
            issues.append(Issue(PROJECTS, int(row), "status" if status == "mandatory" else
                                "stage", word, f"a {word} project is out of this round by the "
                                f"year of its cost: {what}", fix))
        elif status == "mandatory":
            issues.append(Issue(PROJECTS, int(row), "status", "mandatory",
                                "a mandatory project is not eligible: " + "; ".join(reasons),
                                f"fix {data} or the policy, or make the project a "
                                "candidate (or excluded, with a status_reason)"))
        else:
            issues.append(Issue(PROJECTS, int(row), "stage", "signed",
                                "a signed project is not eligible: " + "; ".join(reasons),
                                f"fix {data} or the policy, or clear its stage"))
    return issues


def _required_partner_issues(projects: pd.DataFrame, countries: pd.DataFrame,
                             policy: Policy) -> list[Issue]:
    """A partner of ``priority.required_partners`` that the countries sheet does not name,
    or none of whose projects can be funded (none in the projects sheet, every one excluded
    or ineligible): the rule "fund this partner" could never be met."""
    listed = [str(c) for c in policy.priority.required_partners]
    if not listed or "country" not in countries.columns or "country" not in projects.columns:
        return []
    key, where = "priority.required_partners", policy_sheet(policy)
    known = sorted({str(c) for c in countries["country"].dropna()})
    issues = []
    for name in listed:
        if name not in known:
            named = other_name_hint(name, known)  # 'East Timor' for the sheet's Timor-Leste
            close = named[0] if named else suggest(name, known)
            issues.append(Issue(where, None, key, name, "no partner of this name in the "
                                "countries sheet",
                                (f"did you mean {close!r}? " if close else "")
                                + (f"{named[1]}. " if named else "")
                                + "Name the partner as the countries sheet's country column "
                                "does"))
            continue
        own = projects[projects["country"] == name]
        if "status" in own.columns:
            own = own[own["status"] != "excluded"]
        if own.empty:
            issues.append(Issue(where, None, key, name, "the partner has no project to fund "
                                "(none in the projects sheet, or every one excluded)",
                                f"add a project of {name}, or take {name} off {key}"))
            continue
        if (any(c not in projects.columns for c in ("project_id", "field", "status"))
                or any(c not in countries.columns for c in COUNTRY_PASS)):
            continue  # a missing column is reported as such
        reasons = assess_sheet_rows(own, countries, policy)["reasons"].tolist()
        if all(reasons):
            pids = list(map(str, own["project_id"]))
            whose: dict[str, list[str]] = {}
            for pid, found in zip(pids, reasons, strict=True):
                for r in found:
                    whose.setdefault(r, []).append(pid)
            # two projects out for different reasons: say whose each reason is
            why = "; ".join(r if len(pids) == 1 or len(who) == len(pids)
                            else f"{', '.join(who)}: {r}" for r, who in whose.items())
            ids = ", ".join(pids[:6])
            issues.append(Issue(where, None, key, name,
                                f"none of the partner's projects is eligible ({ids}): {why}",
                                f"make one eligible (fix its data or the policy, or an "
                                f"override with its reason), or take {name} off {key}"))
    return issues


def _region_issues(countries: pd.DataFrame, policy: Policy) -> list[Issue]:
    if "region" not in countries.columns or countries.empty:
        return []
    known = sorted({r for r in countries["region"] if isinstance(r, str) and r})
    issues = []
    for key in ("min_region_share", "max_region_share"):
        for region in getattr(policy.balance, key):
            if region in known:
                continue
            close = suggest(region, known)
            hint = (f"did you mean {close!r}? " if close else "") + \
                f"Regions in the countries sheet: {', '.join(known)}"
            issues.append(Issue(policy_sheet(policy), None, f"balance.{key}.{region}", region,
                                "no country is in this region", hint))
    return issues


def _category_issues(projects: pd.DataFrame, policy: Policy) -> list[Issue]:
    """A category of ``eligibility.equipment_categories`` that no project has, spelt close to
    one the list leaves out and projects have (``surveilance`` for ``surveillance``): a typo
    in the policy would rule every project of that category out, silently."""
    if "equipment_category" not in projects.columns or projects.empty:
        return []
    listed = list(policy.eligibility.equipment_categories)
    counts: dict[str, int] = {}
    for value in projects["equipment_category"]:
        if isinstance(value, str) and value.strip():
            word = value.strip().lower()
            counts[word] = counts.get(word, 0) + 1
    # a category no list knows is the cell's typo, reported with the cell (compliance_rules)
    left_out = [c for c in counts if c in EQUIPMENT_CATEGORIES and c not in listed]
    issues = []
    for category in listed:
        close = suggest(category, left_out, cutoff=0.8) if category not in counts else None
        if close is None:
            continue
        n = counts[close]
        issues.append(Issue(
            policy_sheet(policy), None, "eligibility.equipment_categories", category,
            f"no project has the category {category!r}, and {n} project"
            f"{'s have' if n > 1 else ' has'} {close!r}, which the list leaves out: "
            f"{'they are' if n > 1 else 'it is'} ineligible",
            f"did you mean {close!r}? Write it in eligibility.equipment_categories; if "
            f"{category!r} is meant and {close!r} projects are not to be funded, give them "
            "status excluded"))
    return issues
