"""Warnings on a valid input: what is readable but most likely not what the analyst meant.

Warnings never stop a run (exit 0); ``osa-opt validate`` and ``solve`` list them, and run.json
keeps them under ``warnings``. Twelve kinds come from the data here:

- a project with no cost in any fiscal year of the policy, nor in another year's column
  (it would be funded for free);
- costs in a ``cost_<FY>`` column of a year the policy has no budget for (not counted);
- no project worth anything (every weight, score or tier multiplier 0): every portfolio is
  worth 0, so the one called best is arbitrary;
- a project worth less than nothing: ``objective.risk_aversion`` above 1 / its risk (a
  percentage, 100 for 1) makes 1 − risk_aversion × risk negative, and it is never funded;
- a tier some country has that ``objective.tier_multiplier`` leaves out (valued ×1);
- a 0-10 column (a weighted criterion's scores, a country consideration) typed on a 0-1
  scale, or on a 1-5 one beside columns that go above 5: the criterion counts a tenth (or
  about half) as much as meant;
- a project that requires, directly or through others, one that cannot be funded (excluded
  or ineligible): it can never be funded itself (:mod:`.forced`);
- one project a hundred times cheaper than the round's median: its cost typed in 億円;
- a project with the title, country and costs of another: a row copied under a new id;
- money in the wrong unit: costs and budgets are in ¥ million, and costs typed in ¥ thousand
  (千円) or a budget typed in 億円 (¥100 million) put the cost requested a thousand or a
  hundred times off the budget. A round asks for a few times its budget, not hundreds;
- a column named like one osa-opt reads (``risk_pct`` beside ``risk``): passed through
  unread, though its values may be the ones meant;
- an exclusive group of one project, spelt like no other group (:mod:`.group_rules`): it
  excludes nothing.

>>> from osa_opt.inputs.sanity import unit_warnings
>>> unit_warnings(problem)
[]
>>> in_billions = problem.with_policy(overrides={"budget.FY2026": 18.1})
>>> unit_warnings(in_billions)[0].rule
'in FY2026 the projects request 1,492 times the budget (¥27,000m against ¥18.1m); a round asks for a few times its budget at most: the budget looks 1,000 times too small, as if typed in ¥ billion'
"""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING, Any

from osa_opt.errors import Issue
from osa_opt.inputs.group_rules import lone_group_warnings
from osa_opt.inputs.issue_list import MAX_PER_RULE
from osa_opt.inputs.other_years import before_round, out_by_year, year_like_policy
from osa_opt.inputs.policy import policy_sheet
from osa_opt.inputs.schema import COST_PREFIX, COUNTRIES, COUNTRY_COLUMNS, PROJECTS, SCORE_PREFIX
from osa_opt.text import counted, half_width, id_list, number, reiwa_year, yen

if TYPE_CHECKING:
    from osa_opt.inputs.problem import Problem

#: Cost requested ÷ budget beyond which (or below whose inverse) the units are suspect.
RATIO_LIMIT = 50.0
#: A project dearer than this many times its year's budget is suspect on its own.
PROJECT_LIMIT = 10.0
#: Largest plausible median project cost, ¥ million (OSA projects cost ¥ hundreds of millions).
TYPICAL_COST_HIGH = 20_000.0
#: A project costing less than the round's median project ÷ this is suspect on its own.
CHEAP_LIMIT = 20.0
#: Projects with a cost a round needs before its median says what a usual project costs.
CHEAP_MIN_PROJECTS = 10
#: Largest plausible annual budget, ¥ million (¥1 trillion).
TYPICAL_BUDGET_HIGH = 1_000_000.0


def input_warnings(problem: Problem) -> list[Issue]:
    """Every data warning of a validated problem: unit mistakes first, then worthless and
    negative-value projects, cheap and copied projects, tiers without a multiplier,
    columns on another scale, free projects, projects a requirement keeps out, uncounted
    cost columns, columns named like a read one, and exclusive groups of one."""
    return [*unit_warnings(problem), *worthless_warnings(problem),
            *negative_value_warnings(problem), *cheap_project_warnings(problem),
            *copied_project_warnings(problem),
            *tier_warnings(problem), *scale_warnings(problem),
            *free_project_warnings(problem), *unfundable_warnings(problem),
            *uncounted_cost_warnings(problem), *shadow_column_warnings(problem),
            *lone_group_warnings(problem.input_projects)]


def shadow_column_warnings(problem: Problem) -> list[Issue]:
    """An extra column named like a column osa-opt reads (``risk_pct`` beside ``risk``,
    ``p_sign_probability`` beside ``p_sign``, ``prerequisites`` beside ``requires``) and
    holding values: only the column of the exact name is read, the other passed through
    unread, though its values may be the ones meant. (Without the exact column, such a
    header is a problem, named as the column's misspelling: validation would not pass.)

    >>> both = problem.projects.assign(risk_pct=9.0)
    >>> shadow_column_warnings(problem.with_projects(both))[0].rule
    "the column 'risk_pct' is not read: osa-opt reads the column 'risk' beside it, and passes 'risk_pct' through unread"
    """
    from osa_opt.inputs.cells import blank_mask
    from osa_opt.inputs.headers import near_miss_header
    from osa_opt.inputs.schema import ROW, project_columns

    issues = []
    for sheet, frame, columns in (
            (PROJECTS, problem.input_projects,
             project_columns(problem.fiscal_years, problem.criteria)),
            (COUNTRIES, problem.input_countries, COUNTRY_COLUMNS)):
        known = {c.name for c in columns} | {frame.index.name}
        extras = [str(c) for c in frame.columns if c not in known and c != ROW
                  and not str(c).startswith((COST_PREFIX, SCORE_PREFIX))
                  and not blank_mask(frame[c]).all()]
        for col in columns:
            if col.name.startswith((COST_PREFIX, SCORE_PREFIX)):
                continue
            for extra in extras:
                if near_miss_header(col.name, [extra]) != extra:
                    continue
                issues.append(Issue(
                    sheet, None, extra, extra,
                    f"the column {extra!r} is not read: osa-opt reads the column "
                    f"{col.name!r} beside it, and passes {extra!r} through unread",
                    f"nothing to do if {extra!r} is a note; if its values are the ones meant, "
                    f"put them in {col.name!r} ({col.name}: {col.meaning}) and delete "
                    f"{extra!r}, or give it a name clearly its own"))
    return issues


#: A 0-10 column whose every value is at most this, with this many values above 0 (and one
#: between 0 and 1), was typed on a 0-1 scale.
_UNIT_SCALE_TOP, _UNIT_SCALE_COUNT = 1.0, 5


def scale_warnings(problem: Problem) -> list[Issue]:
    """A 0-10 column typed on a 0-1 scale (0.84 for 8.4): a score column of a weighted
    criterion (it counts a tenth of the others, silently) or a country consideration
    (every country reads as poorly assessed). Valid, so a warning, not a problem.

    >>> edited = problem.projects.copy()
    >>> edited["score_security"] = edited["score_security"] / 10
    >>> print(scale_warnings(problem.with_projects(edited))[0].message())
    projects, column 'score_security': every score_security is between 0 and 1 (the largest 0.99, in 38 projects): the column is on a 0-10 scale, so the criterion counts a tenth as much as meant (value 0.99). Fix: if the column was typed on a 0-1 scale, multiply it by 10 (0.99 is 9.9 on the 0-10 scale); nothing to do if the values are meant this low
    """
    zero_to_ten = [(PROJECTS, f"{SCORE_PREFIX}{c}", ("project", "projects"))
                   for c in problem.policy.criteria]
    zero_to_ten += [(COUNTRIES, c.name, ("country", "countries")) for c in COUNTRY_COLUMNS
                    if c.kind == "number" and c.low == 0 and c.high == 10]
    issues = []
    for sheet, column, unit in zero_to_ten:
        table = problem.input_projects if sheet == PROJECTS else problem.input_countries
        if column not in table.columns:
            continue
        values = table[column].dropna().to_numpy(dtype=float)
        above = values[values > 0]
        if (len(above) < _UNIT_SCALE_COUNT or above.max() > _UNIT_SCALE_TOP
                or not (above < 1).any()):
            continue
        top = float(above.max())
        effect = ("the criterion counts a tenth as much as meant" if sheet == PROJECTS else
                  "every country reads as assessed a tenth as well as meant")
        issues.append(Issue(
            sheet, None, column, top,
            f"every {column} is between 0 and 1 (the largest {number(top)}, in "
            f"{counted(len(values), *unit)}): the column is on a 0-10 scale, so {effect}",
            f"if the column was typed on a 0-1 scale, multiply it by 10 ({number(top)} is "
            f"{number(top * 10)} on the 0-10 scale); nothing to do if the values are meant "
            "this low"))
    return issues + _five_point_warnings(problem, zero_to_ten)


#: A 0-10 column whose values are all whole numbers from 1 to 5 (this many of them, with
#: this many distinct), beside columns of its kind that go above 5, was typed on a 1-5 scale.
_FIVE_POINT_COUNT, _FIVE_POINT_DISTINCT = 5, 3


def _five_point_warnings(problem: Problem,
                         columns: list[tuple[str, str, tuple[str, str]]]) -> list[Issue]:
    """A 0-10 column typed on a 1-5 scale (a Likert score, 4 for 8), beside columns of its
    sheet on the 0-10 scale: the criterion counts about half as much as the others (or the
    country reads as assessed half as well). A warning: 1-5 may be meant on 0-10."""
    values: dict[tuple[str, str], Any] = {}
    for sheet, column, _ in columns:
        table = problem.input_projects if sheet == PROJECTS else problem.input_countries
        if column in table.columns:
            values[sheet, column] = table[column].dropna().to_numpy(dtype=float)
    issues = []
    for sheet, column, unit in columns:
        found = values.get((sheet, column))
        if found is None or len(found) < _FIVE_POINT_COUNT \
                or len(set(found.tolist())) < _FIVE_POINT_DISTINCT \
                or not ((found >= 1) & (found <= 5) & (found == found.round())).all():
            continue
        wider = [(c, float(v.max())) for (s, c), v in values.items()
                 if s == sheet and c != column and len(v) and v.max() > 5]
        if not wider:
            continue
        other, top = max(wider, key=lambda w: w[1])
        effect = ("the criterion counts about half as much as the others" if sheet == PROJECTS
                  else "every country reads as assessed about half as well as meant")
        issues.append(Issue(
            sheet, None, column, int(found.max()),
            f"every {column} is a whole number from 1 to 5 (in {counted(len(found), *unit)}), "
            f"while {other} goes up to {number(top)}: on a 1-5 scale, {effect}",
            "if the column was typed on a 1-5 scale, put it on the 0-10 scale (multiply by "
            "2, so 5 is 10); nothing to do if the values are meant on 0-10"))
    return issues


def unfundable_warnings(problem: Problem) -> list[Issue]:
    """A project that requires, directly or through others, a project that cannot be
    funded (excluded, or failing an eligibility rule) can never be funded itself: most
    often a requirement left behind when the project it names was withdrawn. The first
    :data:`~osa_opt.inputs.issue_list.MAX_PER_RULE`, then one line counting the rest.

    >>> edited = problem.projects.copy()
    >>> edited.loc["P-02", ["status", "status_reason"]] = ["excluded", "withdrawn by Aurelia"]
    >>> print(unfundable_warnings(problem.with_projects(edited))[0].message())
    projects, row 5, column 'requires': P-04 requires P-02, which is excluded (status_reason: withdrawn by Aurelia): P-04 cannot be funded. Fix: remove the requirement or the project; if P-02 is back in the round, make it a candidate
    """
    found = problem.unfundable
    if not found:
        return []
    rows = problem.input_projects["_row"]
    issues = []
    for pid, why in list(found.items())[:MAX_PER_RULE]:
        chain = f" (the chain {' → '.join(why.chain)})" if len(why.chain) > 2 else ""
        back = (f"; if {why.blocker} is back in the round, make it a candidate"
                if why.excluded else f"; to bring {why.blocker} into this round, move its "
                f"cost to {why.move_cost_to}" if why.move_cost_to else "")
        issues.append(Issue(PROJECTS, int(rows[pid]), "requires", None,
                            f"{pid} {why.words()}: {pid} cannot be funded",
                            f"remove the requirement{chain} or the project{back}"))
    return issues + _and_more(len(found), "requires", "projects require a project that "
                              "cannot be funded, so cannot be funded themselves",
                              "run.json (unfunded) names the chain of each")


def _and_more(found: int, column: str, what: str, then: str) -> list[Issue]:
    """The line after the first :data:`~osa_opt.inputs.issue_list.MAX_PER_RULE` warnings of
    one kind, when ``found`` has more: how many more ``what`` (warnings are not cut by
    :func:`~osa_opt.inputs.issue_list.limit_issues`, so each kind stops at the limit here),
    and ``then``, what to do about them."""
    rest = found - MAX_PER_RULE
    if rest <= 0:
        return []
    return [Issue(PROJECTS, None, column, None, f"and {rest:,} more {what}",
                  f"only the first {MAX_PER_RULE} are listed; {then}", more=rest)]


def uncounted_cost_warnings(problem: Problem) -> list[Issue]:
    """A ``cost_<FY>`` column with costs in it for a year the policy has no budget for:
    those costs count nowhere, so the portfolios are chosen (and the packages totalled) on
    the policy's years alone; most often a year added to the sheet and not to the policy.

    >>> two = problem.projects.assign(cost_FY2027=100.0)
    >>> uncounted_cost_warnings(problem.with_projects(two))[0].rule[:86]
    'cost_FY2027 holds ¥3,800m of costs, but the policy has no budget for FY2027: those cos'
    """
    import pandas as pd

    years = set(problem.fiscal_years)
    p = problem.input_projects
    issues = []
    for column in p.columns:
        fy = str(column).removeprefix(COST_PREFIX)
        if not str(column).startswith(COST_PREFIX) or fy in years:
            continue
        total = float(pd.to_numeric(p[column], errors="coerce").fillna(0).abs().sum())
        if total == 0:  # blank, zeros or text: nothing left uncounted
            continue
        if not re.search(r"\d", half_width(fy)) and reiwa_year(fy) is None:
            issues.append(_yearless_cost_warning(str(column), fy, total, problem.fiscal_years))
            continue
        year = year_like_policy(fy, problem.fiscal_years)
        if year not in years and before_round(fy, problem.fiscal_years):
            issues.append(_earlier_cost_warning(str(column), fy, total, problem.fiscal_years))
            continue
        hint = (f"{COST_PREFIX}{year} holds the costs of {year} that are counted; if "
                f"{column} is another version of them, keep one" if year in years else
                f"if it holds the costs of {year}, name it {COST_PREFIX}{year}, as the "
                f"policy writes its years, and give the policy a budget for {year} "
                f"(budget.{year}, or --budget {year}=AMOUNT in ¥ million)" if year else
                f"give the policy a budget for {fy} (budget.{fy}, or --budget {fy}=AMOUNT in "
                "¥ million) to count them")
        # a project whose cost stands only here slipped out of this round by this column
        # (other_years): deleting the column would leave it no cost, funded for free
        own = [f"{COST_PREFIX}{y}" for y in problem.fiscal_years if f"{COST_PREFIX}{y}" in p]
        here = pd.to_numeric(p[column], errors="coerce").fillna(0) > 0
        rest = p[own].apply(pd.to_numeric, errors="coerce").fillna(0).eq(0).all(axis=1)
        slipped = [str(i) for i in p.index[here & rest]] if own else []
        ids = id_list(slipped, conjunction="and")
        issues.append(Issue(
            PROJECTS, None, str(column), None,
            f"{column} holds {yen(total)} of costs, but the policy has no budget for {fy}: "
            f"those costs are not counted, and the portfolios are chosen on the costs of "
            f"{', '.join(problem.fiscal_years)} alone"
            + (f"; {ids}, whose cost stands only there, {'is' if len(slipped) == 1 else 'are'}"
               f" out of this round" if slipped else ""),
            f"{hint}, or " + (f"keep the column if it is for the record only (deleting it "
                              f"would leave {ids} with no cost at all)" if slipped
                              else "delete the column if it is for the record only")))
    return issues


def _earlier_cost_warning(column: str, fy: str, total: float,
                          years: tuple[str, ...] | list[str]) -> Issue:
    """A ``cost_<FY>`` column of a year before the round's (``cost_FY2025`` under FY2026)
    with costs in it: planned, or signed, in that year; told so, not to give the policy a
    budget for a year gone by."""
    own = " or ".join(f"{COST_PREFIX}{y}" for y in years)
    return Issue(
        PROJECTS, None, column, None,
        f"{column} holds {yen(total)} of costs, but {fy} is before this round's "
        f"{', '.join(years)}: those costs are not counted, and the portfolios are chosen on "
        f"the costs of {', '.join(years)} alone",
        f"nothing to do if {column} is for the record (planned or signed in {fy}); a project "
        f"that slipped into {', '.join(years)} has its cost in {own}")


def _yearless_cost_warning(column: str, fy: str, total: float,
                           years: tuple[str, ...] | list[str]) -> Issue:
    """A ``cost_`` column whose name gives no fiscal year (``cost_total``, ``cost_合計``, a
    sum of the years' costs kept beside them): told so, not to give the policy a budget for
    the 'year' ``total``."""
    return Issue(
        PROJECTS, None, column, None,
        f"{column} holds {yen(total)} of costs, but {fy!r} names no fiscal year: those costs "
        f"are not counted, and the portfolios are chosen on the costs of {', '.join(years)} "
        "alone",
        f"nothing to do if {column} is the total of the years' costs, kept for the record "
        f"(a name without '{COST_PREFIX}' says so: a {COST_PREFIX} column is taken for a "
        "fiscal year's costs); if it holds one year's costs, name it for that year, as "
        f"{COST_PREFIX}{years[0]} is, and give the policy a budget for it")


def tier_warnings(problem: Problem) -> list[Issue]:
    """A tier of some country that ``objective.tier_multiplier`` leaves out (the table
    replaces the default whole): its projects are valued ×1, which may not be meant; a
    tier of some country multiplied by 0 (bonuses typed for factors: 0.3, 0.1, 0 for 1.3,
    1.1, 1): its projects are worth nothing.

    >>> tier_warnings(problem.with_policy(overrides={
    ...     "objective.tier_multiplier": {1: 1.3, 3: 1.0}}))[0].rule
    'objective.tier_multiplier gives no multiplier for tier 2 (Drakmoor, Dravina, Kalindra and 2 more): its projects are valued ×1'
    """
    given = problem.policy.objective.tier_multiplier
    if not given:  # no table at all: every tier ×1, plainly
        return []
    countries = problem.input_countries
    issues = []
    for tier in sorted({int(t) for t in countries["priority_tier"]} - set(given)):
        names = sorted(countries.index[countries["priority_tier"] == tier])
        issues.append(Issue(policy_sheet(problem.policy), None, "objective.tier_multiplier",
                            tier, f"objective.tier_multiplier gives no multiplier for tier "
                            f"{tier} ({id_list(names, 3)}): its projects are valued ×1",
                            f"add {tier} = ... to objective.tier_multiplier (1 if that is "
                            "meant)"))
    present = {int(t) for t in countries["priority_tier"]}
    for tier in sorted(t for t, factor in given.items() if factor == 0 and int(t) in present):
        names = sorted(countries.index[countries["priority_tier"] == tier])
        issues.append(Issue(policy_sheet(problem.policy), None, "objective.tier_multiplier",
                            tier, f"objective.tier_multiplier gives tier {tier} ×0 "
                            f"({id_list(names, 3)}): their projects are worth nothing, and are "
                            "funded only to fill the budget, if at all",
                            "a multiplier is a factor, 1 for none (1.3 for 30% more, not 0.3); "
                            "to leave these partners out, give their projects status excluded"))
    return issues


def worthless_warnings(problem: Problem) -> list[Issue]:
    """No eligible project is worth anything: the ranking would mean nothing.

    >>> worthless_warnings(problem.with_policy(overrides={"objective.weights": {}}))[0].rule
    'no eligible project is worth anything under the policy (objective.weights is empty): every portfolio has value 0, so the one ranked first is arbitrary'
    """
    eligible = problem.eligibility["eligible"]
    if not eligible.any() or (problem.value[eligible.to_numpy()] != 0).any():
        return []
    weights = problem.policy.objective.weights
    why = ("objective.weights is empty" if not weights else
           "every weight of objective.weights is 0" if not any(weights.values()) else
           "every score, weight or tier multiplier of theirs is 0")
    return [Issue(policy_sheet(problem.policy), None, "objective.weights", None,
                  f"no eligible project is worth anything under the policy ({why}): every "
                  "portfolio has value 0, so the one ranked first is arbitrary",
                  "give the criteria weights above 0 (objective.weights), and check the "
                  "scores and objective.tier_multiplier")]


def negative_value_warnings(problem: Problem) -> list[Issue]:
    """Eligible projects worth less than nothing: ``objective.risk_aversion`` times their
    risk is above 1, so the model never funds them unless forced (a percentage typed for
    the factor, 100 for 1, does it to every project with a risk above 0.01).

    >>> negative_value_warnings(problem)
    []
    """
    aversion = problem.policy.objective.risk_aversion
    if aversion <= 1:  # risk is at most 1: 1 − aversion × risk stays >= 0
        return []
    eligible = problem.eligibility["eligible"].to_numpy()
    value = problem.value[eligible]
    below = sorted(map(str, value.index[value.to_numpy() < 0]))
    if not below:
        return []
    top = float(problem.input_projects["risk"].to_numpy()[eligible].max())
    return [Issue(policy_sheet(problem.policy), None, "objective.risk_aversion", aversion,
                  f"objective.risk_aversion {number(aversion)} makes "
                  f"{counted(len(below), 'eligible project')} worth less than nothing (1 − {number(aversion)} × risk is below 0 "
                  f"for a risk above {number(1 / aversion, 3)}: {id_list(below, 5)}): "
                  f"{'it is' if len(below) == 1 else 'they are'} never funded unless forced",
                  "risk_aversion scales a project's value by 1 − risk_aversion × risk (1: a "
                  "risk of 0.3 keeps 70% of the value); give at most 1 / the largest risk, "
                  f"{number(math.floor(100 / top) / 100)} here, to keep every value at least 0, or exclude the "
                  "projects too risky to fund")]


def cheap_project_warnings(problem: Problem) -> list[Issue]:
    """A project (not excluded) whose cost is less than 1/:data:`CHEAP_LIMIT` of the
    round's median project: one cost typed in 億円 (¥100 million), 13 for ¥1.3 billion,
    reads a hundred times too small, and the project is funded nearly free. Rounds of
    fewer than :data:`CHEAP_MIN_PROJECTS` costed projects are not judged. The first
    :data:`~osa_opt.inputs.issue_list.MAX_PER_RULE`, then one line counting the rest.

    >>> cheap_project_warnings(problem)
    []
    """
    p = problem.input_projects
    total = problem.total_cost[(problem.total_cost > 0) & (p["status"] != "excluded")]
    if len(total) < CHEAP_MIN_PROJECTS or not problem.fiscal_years:
        return []
    median = float(total.median())
    cheap = total[total < median / CHEAP_LIMIT]
    cost = problem.cost
    issues = []
    for pid, amount in list(cheap.items())[:MAX_PER_RULE]:
        fy = str(cost.loc[pid].idxmax())
        meant, typed = amount * 100, f"¥{number(amount, 6)}m"  # ¥1.25m, not ¥1.3m
        words = (f"¥{number(meant / 1000, 6)} billion" if meant >= 1000
                 else f"¥{number(meant, 6)} million")
        issues.append(Issue(PROJECTS, int(p.at[pid, "_row"]), f"{COST_PREFIX}{fy}",
                            float(cost.at[pid, fy]),
                            f"{pid} costs {typed} in all, less than 1/{CHEAP_LIMIT:g} of "
                            f"the round's median project ({yen(median)}): a cost typed in 億円 "
                            "(¥100 million) reads a hundred times too small",
                            f"costs are in ¥ million: if {number(amount, 6)} was typed in 億円, "
                            f"type {number(meant, 6, grouped=False)} ({words}); nothing to do if "
                            f"{typed} is right"))
    return issues + _and_more(len(cheap), f"{COST_PREFIX}{problem.fiscal_years[0]}",
                              f"projects cost less than 1/{CHEAP_LIMIT:g} of the round's "
                              "median project", "check their units the same way")


def copied_project_warnings(problem: Problem) -> list[Issue]:
    """A project (not excluded) with the title, country and costs of an earlier one, and
    not its rival in an exclusive group: a row pasted and given a new id, so both can be
    funded and the cost counts twice. The first :data:`MAX_PER_RULE`, then one line
    counting the rest.

    >>> copied_project_warnings(problem)
    []
    """
    import pandas as pd

    p = problem.input_projects
    live = (p["status"] != "excluded").to_numpy()
    total = problem.total_cost[live]
    country = p["country"][live]
    alike = pd.DataFrame({"c": country, "t": total}).duplicated(keep=False).to_numpy()
    if not alike.any():  # no two projects of a country cost the same: the usual case
        return []
    ids = total.index[alike]
    key = pd.concat([p.loc[ids, "title"].astype(str).str.strip().str.casefold(),
                     country[ids], problem.cost.loc[ids]], axis=1)
    repeated = key[key.duplicated(keep=False)]  # few rows, if any: read one by one
    first: dict[tuple[object, ...], str] = {}
    found: list[tuple[str, str]] = []
    for pid, cells in zip(repeated.index, repeated.itertuples(index=False), strict=True):
        seen = first.setdefault(tuple(cells), str(pid))
        group = str(p.at[pid, "exclusive_group"])
        if seen != pid and not (group and group == str(p.at[seen, "exclusive_group"])):
            found.append((str(pid), seen))
    issues = [Issue(PROJECTS, int(p.at[pid, "_row"]), "project_id", pid,
                    f"{pid} has the title, country and costs of {seen} (row "
                    f"{int(p.at[seen, '_row'])}): the same project twice? Both can be "
                    "funded, and its cost counts twice",
                    "delete the copy; or, if it is another item, give it its own title (and "
                    "its cost)") for pid, seen in found[:MAX_PER_RULE]]
    return issues + _and_more(len(found), "project_id", "projects have the title, country "
                              "and costs of an earlier one", "check each the same way")


def free_project_warnings(problem: Problem) -> list[Issue]:
    """A project (not excluded) whose every cost of the policy's years is 0 or blank, and
    none in another year's column: it would be funded for free. One whose cost stands in a
    ``cost_<FY>`` column of a year the policy has no budget for (its cost moved to
    ``cost_FY2027``, as an analyst slips a project to next year) is out of this round, not
    free (:mod:`.other_years`): the forced-out lists name it, with the fix.

    >>> slipped = problem.projects.assign(cost_FY2027=0.0)
    >>> slipped.loc["P-05", ["cost_FY2026", "cost_FY2027"]] = [0.0, 1300.0]
    >>> slipped.loc["P-06", "cost_FY2026"] = 0.0
    >>> [w.rule[:30] for w in free_project_warnings(problem.with_projects(slipped))]
    ['project P-06 has no cost in an']
    """
    years = problem.fiscal_years
    if not years:
        return []
    p = problem.input_projects
    out = problem.eligibility["reasons"].map(out_by_year)
    free = problem.total_cost[(problem.total_cost == 0) & (p["status"] != "excluded")
                              & ~out]
    columns = ", ".join(f"{COST_PREFIX}{fy}" for fy in years)
    verb = "is" if len(years) == 1 else "are"
    return [Issue(PROJECTS, int(p.at[pid, "_row"]), f"{COST_PREFIX}{years[0]}", None,
                  f"project {pid} has no cost in any fiscal year of the policy ({columns} "
                  f"{verb} 0 or blank): it would be funded for free",
                  "fill in its costs in ¥ million, or make it excluded if it needs no funding")
            for pid in free.index]


def unit_warnings(problem: Problem) -> list[Issue]:
    """Costs or budgets that look a hundred or a thousand times off (see the module doc)."""
    outliers = {fy: _outliers(problem, fy) for fy in problem.fiscal_years}
    ratios = {fy: float(problem.cost[fy].drop(outliers[fy]).sum()) / amount
              for fy, amount in problem.policy.budget.items()
              if amount > 0 and problem.cost[fy].drop(outliers[fy]).sum() > 0}
    if not ratios:
        return _dear_projects(problem, outliers)
    fy = max(ratios, key=lambda y: abs(math.log(ratios[y])))  # the year furthest off
    ratio, budget = ratios[fy], problem.policy.budget[fy]
    costs = problem.cost[fy][problem.cost[fy] > 0]
    median = float(costs.median())
    where = policy_sheet(problem.policy)
    if ratio >= RATIO_LIMIT:
        if median >= TYPICAL_COST_HIGH:
            factor, unit = _closest(ratio, {1e3: "¥ thousand (千円)", 1e6: "yen"})
            text = f"the costs look {factor:,.0f} times too large, as if typed in {unit}"
            return [_unit_issue(PROJECTS, None, fy, f"{ratio:,.0f} times", ratio, budget, text)]
        factor, unit = _closest(ratio, {100: "億円 (¥100 million)", 1e3: "¥ billion"})
        text = f"the budget looks {factor:,.0f} times too small, as if typed in {unit}"
        return [_unit_issue(where, f"budget.{fy}", fy, f"{ratio:,.0f} times", ratio, budget,
                            text)]
    if ratio <= 1 / RATIO_LIMIT:
        share = f"1/{1 / ratio:,.0f} of"
        if budget >= TYPICAL_BUDGET_HIGH:
            factor, unit = _closest(1 / ratio, {1e3: "¥ thousand (千円)", 1e6: "yen"})
            text = f"the budget looks {factor:,.0f} times too large, as if typed in {unit}"
            return [_unit_issue(where, f"budget.{fy}", fy, share, ratio, budget, text)]
        text = "the costs look 100 times too small, as if typed in 億円 (¥100 million)"
        return [_unit_issue(PROJECTS, None, fy, share, ratio, budget, text)]
    return _dear_projects(problem, outliers)


def _outliers(problem: Problem, fy: str) -> list[str]:
    """The few projects of a year that alone cost many times its budget (a digit slip, not
    a unit: when most projects do, the unit is off and none is an outlier)."""
    amount = problem.policy.budget[fy]
    cost = problem.cost[fy]
    if amount <= 0:
        return []
    dear = cost.index[cost >= PROJECT_LIMIT * amount]
    return list(dear) if len(dear) <= max(2, 0.1 * int((cost > 0).sum())) else []


def _closest(ratio: float, units: dict[float, str]) -> tuple[float, str]:
    """The unit whose factor brings ``ratio`` nearest a usual round's (about twice)."""
    factor = min(units, key=lambda f: abs(math.log(ratio / f / 2)))
    return factor, units[factor]


def _unit_issue(sheet: str, column: str | None, fy: str, times: str, ratio: float,
                budget: float, text: str) -> Issue:
    return Issue(sheet, None, column, None,
                 f"in {fy} the projects request {times} the budget ({yen(ratio * budget)} against "
                 f"{yen(budget)}); a round asks for a few times its budget at most: {text}",
                 "costs and budgets are both in ¥ million (18100 means ¥18.1 billion): "
                 "convert the column or the budget, then run again")


def _dear_projects(problem: Problem, outliers: dict[str, list[str]]) -> list[Issue]:
    """Projects that alone cost many times their year's budget: a digit or unit slip."""
    out = []
    for fy, ids in outliers.items():
        if not ids:
            continue
        amount = problem.policy.budget[fy]
        dear = problem.cost[fy][ids]
        times = math.floor(float(dear.max()) / amount)
        first = dear.idxmax()
        out.append(Issue(PROJECTS, int(problem.input_projects.at[first, "_row"]),
                         f"{COST_PREFIX}{fy}", float(dear.max()),
                         f"{id_list(dear.index)} alone cost{'s' if len(dear) == 1 else ''} "
                         f"{times:,} times or more the {fy} budget ({yen(amount)}): "
                         "check the digits and the unit (¥ million)",
                         "costs are in ¥ million (750 means ¥750 million): fix the cell, or "
                         "leave it if the project is listed only for the record"))
    return out

