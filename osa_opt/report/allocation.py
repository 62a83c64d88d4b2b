"""The report's allocation section: where the money of portfolio 1 goes, by country, region,
priority tier and field.

One bar per group, funded ones first (largest first for countries, and for any grouping of
more than :data:`TOP_GROUPS` + 1 groups); a round with many groups shows its
:data:`TOP_GROUPS` largest and one ``others`` bar for the rest. Whether a group has any
eligible project comes from one groupby, so the section is linear in the round's size.

>>> allocation(result).title
'Allocation'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from osa_opt.html import share_cell
from osa_opt.inputs.schema import split_values
from osa_opt.report import svg
from osa_opt.report.page import Section
from osa_opt.text import code_label, percent, yen

if TYPE_CHECKING:
    from osa_opt.result import Result

#: Allocation charts: grouping column of ``Portfolio.allocation`` -> chart name.
ALLOCATIONS = {"country": "country", "region": "region", "priority_tier": "priority tier",
               "field": "field"}
#: Groups drawn one by one; more are summed up in one "others" bar.
TOP_GROUPS = 15


@dataclass(frozen=True)
class Bar:
    """One bar of an allocation chart."""

    name: str
    cost: float
    text: str
    color: str


def allocation(result: Result) -> Section | None:
    """Horizontal bars of portfolio 1's funded cost by country, region, tier and field."""
    best = result.best
    if best is None:
        return None
    problem = result.problem
    charts = []
    for by, label in ALLOCATIONS.items():
        bars = group_bars(result, by, label)
        charts.append(svg.hbar_chart(
            [code_label(b.name) if by == "field" else b.name for b in bars],
            [b.cost for b in bars],
            title=f"Portfolio 1 by {label} (¥ million)", value_labels=[b.text for b in bars],
            colors=[b.color for b in bars], max_value=max((b.cost for b in bars), default=0.0)))
    cap = problem.policy.priority.max_country_share
    general = f" Every country is capped at {percent(cap)} of the budget." if cap < 1 else ""
    legend = ('<p class="note">Bars: funded cost of portfolio 1; the share is of the total '
              f"budget. “rule” names the policy's share bounds for that group.{general} Of "
              f"more than {TOP_GROUPS + 1} groups the {TOP_GROUPS} largest are drawn and the "
              "rest summed up as “others”." + _split_note(result) + " "
              + " ".join(_legend_item(color, label) for color, label in (
                  (svg.FUNDED, "funded"), (svg.UNFUNDED, "eligible, nothing funded"),
                  (svg.INELIGIBLE, "ineligible")))
              + "</p>")
    return Section("allocation", "Allocation", legend + '<div class="charts">'
                   + "".join(charts) + "</div>",
                   lead="Where the money of portfolio 1 goes.")


def _split_note(result: Result) -> str:
    """How the field chart counts a funded project of several fields (an equal part of its
    funded cost in each, as the policy's field shares count it), with the first such
    project of portfolio 1 as the example; empty when there is none. Without it a reader
    adding up a field's items (P-11, UAVs for surveillance and disaster response, ¥300m)
    found the chart's "Disaster relief" ¥400m short of them."""
    assert result.best is not None
    projects = result.problem.input_projects
    funded = result.best.fractions
    for pid in sorted(funded):
        fields = split_values(projects.at[pid, "field"])
        if len(fields) > 1:
            cost = float(result.problem.total_cost[pid]) * float(funded[pid])
            part = yen(cost / len(fields))
            names = " and ".join(f"{part} in {code_label(f)}" for f in fields)
            return (f" A project of several fields counts an equal part of its funded cost "
                    f"in each field (as the policy's field shares do): {pid}'s {yen(cost)} is "
                    f"{names}.")
    return ""


def _legend_item(color: str, label: str) -> str:
    """A legend's colour key and its label, never parted by a line break (at 800 px
    "eligible, nothing" ended one line and "funded" began the next)."""
    return (f'<span class="legend-item"><span class="legend-key" style="background:{color}">'
            f"</span>{label}</span>")


def group_bars(result: Result, by: str, label: str) -> list[Bar]:
    """The bars of one chart: every group (funded or not), or the top ones and "others"."""
    problem = result.problem
    assert result.best is not None
    total = problem.policy.total_budget
    column = _grouping(result, by)
    eligible = problem.eligibility["eligible"].reindex(column.index, fill_value=False)
    any_eligible = eligible.astype(bool).groupby(column.to_numpy()).any()  # one pass
    funded_cost = result.best.allocation(by)["total_cost"].astype(float)
    # a group is funded when portfolio 1 funds a project in it, at no cost too (a project
    # of ¥0: the workbook's allocation sheets count it), never "nothing funded"
    funded = pd.Series(any_eligible.index.isin(funded_cost.index), index=any_eligible.index)
    cost = funded_cost.reindex(any_eligible.index, fill_value=0.0)
    keys = sorted(any_eligible.index, key=str)
    if by == "country" or len(keys) > TOP_GROUPS + 1:
        # funded ones first, then the largest (stable: ties stay by name): a partner funded
        # at ¥0 is drawn before one with nothing funded, never summed into "others" beside it
        keys.sort(key=lambda k: (-float(cost[k]), not funded[k]))
    shown, rest = (keys, []) if len(keys) <= TOP_GROUPS + 1 else (
        keys[:TOP_GROUPS], keys[TOP_GROUPS:])
    bars = []
    for key in shown:
        c = float(cost[key])
        rule = _rule_text(result, by, key)
        name = f"Tier {key}" if by == "priority_tier" else str(key)
        if funded[key]:
            bars.append(Bar(name, c, f"{yen(c)} · {_share(c, total)}{rule}", svg.FUNDED))
        else:
            state = "nothing funded" if any_eligible[key] else "ineligible"
            bars.append(Bar(name, c, f"{state}{rule}",
                            svg.INELIGIBLE if state == "ineligible" else svg.UNFUNDED))
    if rest:
        c = float(cost[rest].sum())
        n_funded = int(funded[rest].sum())
        plural = "countries" if label == "country" else f"{label}s"
        text = (f"{yen(c)} · {_share(c, total)} · {n_funded:,} funded" if n_funded
                else "nothing funded")
        bars.append(Bar(f"others: {len(rest):,} {plural}", c, text,
                        svg.FUNDED if n_funded else svg.UNFUNDED))
    return bars


def _share(cost: float, total: float) -> str:
    return share_cell(cost / total, trim=True) if total else "—"


def _grouping(result: Result, by: str) -> pd.Series:
    """Each project's group; by field, a project of several fields once in each."""
    problem = result.problem
    if by == "field":
        fields = problem.input_projects["field"].map(split_values)
        return pd.Series([f for fs in fields for f in fs],
                         index=problem.input_projects.index.repeat(fields.map(len)), name="field")
    return {"country": problem.input_projects["country"], "region": problem.region,
            "priority_tier": problem.tier}[by]


def _rule_text(result: Result, by: str, key: Any) -> str:
    """`` · rule ≥ 50%`` when the policy bounds this group's share, else empty."""
    policy = result.problem.policy
    low = high = None
    if by == "priority_tier":
        low = policy.priority.min_tier_share.get(int(key))
    elif by == "field":
        low = policy.balance.min_field_share.get(key)
        high = policy.balance.max_field_share.get(key)
    elif by == "region":
        low = policy.balance.min_region_share.get(key)
        high = policy.balance.max_region_share.get(key)
    elif by == "country" and key in result.problem.input_countries.index:
        # the general cap is said once under the chart; a country's own cap is shown here
        own = result.problem.input_countries.at[key, "max_share"]
        if own is not None and own == own and float(own) < policy.priority.max_country_share:
            high = float(own)
    parts = ([f"≥ {percent(low)}"] if low else []) + ([f"≤ {percent(high)}"] if high else [])
    return f" · rule {' '.join(parts)}" if parts else ""
