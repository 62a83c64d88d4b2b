"""Facts about a Result that every writer reports: the one-sentence outcome, why each
project is not funded, what changed since another run, and amounts split by field.

:class:`~osa_opt.result.Result` exposes them as ``status_message``, ``unfunded`` and
``diff``; they live here to keep each module short.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from osa_opt.inputs.forced import Unfundable, cannot_be_funded
from osa_opt.inputs.schema import split_values
from osa_opt.solving.status import FRACTION_TOL, Status
from osa_opt.text import id_list, number, percent, yen

if TYPE_CHECKING:
    from osa_opt.result import Result

#: Why an eligible project is left out when no rule of the policy keeps it out.
NOT_SELECTED = "not selected: the budget buys more value elsewhere"
#: ... when its whole cost fits in what proven-optimal portfolio 1 leaves of every year's
#: budget: funding it too would add value, so some rule other than the budget keeps it out
#: (a country cap, a share, a partner count, an extension's row).
NOT_SELECTED_ROOM = ("not selected: a rule other than the budget keeps it out (the budget "
                     "left has room for it)")
#: ... the same, the rule named when the rows it would break are known
#: (:attr:`Result.blocked_by`): "not selected: Serendel's cap of 30% of the budget keeps it
#: out (the budget left has room for it)".
ROOM_TAIL = " (the budget left has room for it)"
#: What each rule family is counted under in the report's summary of a big round: by the
#: family, not by each partner's name.
FAMILY_KIND = {
    "budget": "a year's budget", "country_cap": "a partner's cap",
    "tier_share": "a tier's minimum share", "tier_partner": "a tier's partners",
    "required_partner": "a required partner",
    "field_share": "a field's share", "region_share": "a region's share",
    "distinct_recipients": "the least number of partners", "requires": "a requirement",
    "exclusive": "an exclusive group", "mandatory": "a project's status",
    "whole_units": "whole units", "max_countries": "the most partners",
    "min_package": "a partner's least package",
}
#: ... when it is worth nothing or less (value at most 0: risk_aversion·risk at or above 1,
#: or scores of 0): no budget and no rule keeps it out; funding it cannot add value.
NOT_WORTH = "worth nothing or less: funding it cannot add value"
#: What eligible projects that require, directly or through others, a project that cannot
#: be funded are counted under (the terminal's table of why projects are out, the report's
#: reasons counted).
REQUIRES_UNFUNDABLE = "requires a project that cannot be funded"
#: Rounds of up to this many projects get every per-project sheet of the workbook; larger
#: ones the funded projects of portfolio 1 and the summaries (docs/outputs.md, "Large
#: rounds"): the workbook writes so, and the report says where a list it summarises is.
FULL_TABLES_UP_TO = 5_000
#: Columns of :attr:`Result.unfunded` (after its index, ``project_id``).
UNFUNDED_COLUMNS = ("title", "country", "field", "total_cost", "value", "eligible", "reason",
                    "reasons")


def status_message(result: Result) -> str:
    """One sentence on the outcome: proven optimal, time limit with gap, or why none.

    The same sentence is in run.json (``message``), the workbook, the report and the
    terminal.
    """
    n = len(result.portfolios)
    ranked = f"{n} ranked portfolio{'s' if n != 1 else ''}"
    best = result.best
    gap_setting = result.problem.policy.solver.mip_rel_gap
    if result.status == Status.OPTIMAL and best is not None:
        gap = best.gap or 0.0
        if gap > 1e-9 or gap_setting > 0:
            return (f"Portfolio 1 is optimal within a relative gap of {_gap(gap)} "
                    f"(solver.mip_rel_gap = {number(gap_setting, grouped=False)}); {ranked}."
                    + _unproven(result))
        return f"Portfolio 1 is proven optimal; {ranked}." + _unproven(result)
    if result.status == Status.TIME_LIMIT and best is not None:
        return (f"Stopped at the time limit: portfolio 1 is the best found, not proven "
                f"optimal (gap to the best possible value: {_gap(best.gap)}); {ranked}."
                + _unproven(result))
    if result.message:
        return result.message
    return {
        Status.INFEASIBLE: "The policy cannot be met by any portfolio.",
        Status.NO_SOLUTION: "The solver found no portfolio within the time limit.",
    }.get(result.status, "The solver failed.")


def _gap(gap: float | None) -> str:
    return "unknown" if gap is None else percent(gap, 2, trim=False)


def _unproven(result: Result) -> str:
    """The sentence on the ranked portfolios after the first that a time limit stopped
    (each the best found, not proven the next best), or ""."""
    stopped = [p for p in result.portfolios[1:] if p.status == Status.TIME_LIMIT]
    if not stopped:
        return ""
    ranks = id_list([str(p.rank) for p in stopped], limit=10)
    gaps = ", ".join(_gap(p.gap) for p in stopped)
    if len(stopped) == 1:
        return (f" Portfolio {ranks} is the best found when the time limit stopped its "
                f"solve, not proven the next best (gap to the best possible value: {gaps}).")
    return (f" Portfolios {ranks} are the best found when the time limit stopped their "
            f"solves, not proven the next best (gap to the best possible value: {gaps}).")


def unfunded_table(result: Result) -> pd.DataFrame:
    """Every project not funded in portfolio 1, with why, in words a budget officer can
    repeat; indexed by ``project_id``, in input order.

    Columns: title, country, field, total_cost, value (of the whole project), eligible,
    reason (every reason joined by ``; ``) and reasons (the list). An ineligible project
    gets its eligibility reasons; an eligible one the structural reason when there is one
    (an exclusive partner funded instead; a required project that is not funded, or that
    cannot be: excluded, ineligible, or itself requiring one that cannot be, the chain
    named: "requires P-04, which requires P-02, which is excluded (status_reason: …)"),
    else :data:`NOT_WORTH` when it is worth 0 or less, else :data:`NOT_SELECTED` (or
    :data:`NOT_SELECTED_ROOM`; the explain analyses add numbers). Linear in the number of
    projects.
    """
    pb = result.problem
    projects = pb.input_projects
    funded = set(result.best.fractions) if result.best is not None else set()
    eligible = pb.eligibility["eligible"].to_dict()
    ineligible_reasons = pb.eligibility["reasons"].to_dict()
    funded_in_group: dict[Any, list[str]] = {}  # one pass over the groups
    for pid, group in projects["exclusive_group"].items():
        if group and pid in funded:
            funded_in_group.setdefault(group, []).append(pid)
    left_out = "no feasible portfolio" if result.best is None else NOT_SELECTED
    # an extension or a hand-built model may add value of its own: then nothing is said
    own = bool(pb.extensions or result.custom_components)
    worthless = (set() if result.best is None or own
                 else set(pb.value.index[pb.value <= 1e-9]))
    room = room_left(result)  # projects whose whole cost fits in the budget portfolio 1 left
    unfundable = pb.unfundable  # requires, through others perhaps, one that cannot be funded
    ids, all_reasons = [], []
    for pid, requires, group in zip(projects.index, projects["requires"],
                                    projects["exclusive_group"], strict=True):
        if pid in funded:
            continue
        reasons = list(ineligible_reasons[pid])
        if not reasons:
            for q in requires:
                if not eligible[q]:
                    reasons.append(Unfundable((pid, q), cannot_be_funded(
                        projects.at[q, "status"], projects.at[q, "status_reason"],
                        ineligible_reasons[q])).words())
                elif q in unfundable:
                    reasons.append(f"requires {q}, which {unfundable[q].words()}")
                elif q not in funded:
                    reasons.append(f"requires {q}, which is not funded")
            rivals = [q for q in funded_in_group.get(group, []) if q != pid] if group else []
            if rivals:
                reasons.append(f"exclusive group {group}: {', '.join(rivals)} funded instead")
            reasons = reasons or [room_reason(result, pid) if pid in room else
                                  NOT_WORTH if pid in worthless else left_out]
        ids.append(pid)
        all_reasons.append(reasons)
    table = pd.DataFrame({
        "title": projects["title"].reindex(ids).to_numpy(),
        "country": projects["country"].reindex(ids).to_numpy(),
        "field": projects["field"].reindex(ids).to_numpy(),
        "total_cost": pb.total_cost.reindex(ids).astype(float).to_numpy(),
        "value": pb.value.reindex(ids).astype(float).to_numpy(),
        "eligible": [bool(eligible[p]) for p in ids],
        "reason": ["; ".join(r) for r in all_reasons],
        "reasons": all_reasons,
    }, index=pd.Index(ids, name="project_id", dtype=object), columns=list(UNFUNDED_COLUMNS))
    return table


def room_reason(result: Result, pid: str) -> str:
    """Why ``pid`` is out though the budget left has room for it: the rules it would break
    in words (:func:`rule_words`) when :attr:`Result.blocked_by` knows them, else
    :data:`NOT_SELECTED_ROOM`."""
    rows = result.blocked_by.get(pid) or []
    if not rows:
        return NOT_SELECTED_ROOM
    words = id_list([rule_words(r, result) for r in rows], limit=5)
    return f"not selected: {words} {'keeps' if len(rows) == 1 else 'keep'} it out{ROOM_TAIL}"


def is_room(reason: str) -> bool:
    """Whether ``reason`` says the budget left has room and another rule keeps it out
    (:data:`NOT_SELECTED_ROOM`, or :func:`room_reason` with the rule named)."""
    return reason.startswith("not selected: ") and reason.endswith(ROOM_TAIL)


def room_kinds(result: Result) -> dict[str, str]:
    """Each reason :func:`room_reason` words, mapped to what it is counted under: the rule
    families, not each partner's name ("not selected: a partner's cap keeps it out (the
    budget left has room for it)")."""
    kinds = {}
    for pid, rows in result.blocked_by.items():
        if not rows:
            continue
        families = list(dict.fromkeys(_family_kind(r) for r in rows))
        verb = "keeps" if len(families) == 1 else "keep"
        kinds[room_reason(result, pid)] = (f"not selected: {' and '.join(families)} {verb} it "
                                           f"out{ROOM_TAIL}")
    return kinds


def _split_row(row: str) -> tuple[str, str | None]:
    """``"country_cap[Serendel]"`` -> ``("country_cap", "Serendel")``."""
    if row.endswith("]") and "[" in row:
        name, _, index = row[:-1].partition("[")
        return name, index
    return row, None


def _family(row: str) -> str | None:
    """The registry family of a model row's component; None for a row of an extension or
    of the user's own."""
    from osa_opt.model.registry import EXTENSION, family_of

    try:
        family = family_of(_split_row(row)[0]).name
    except KeyError:
        return None
    return None if family == EXTENSION else family


def _family_kind(row: str) -> str:
    family = _family(row)
    return "an extension's row" if family is None else FAMILY_KIND.get(family, "another rule")


def rule_words(row: str, result: Result) -> str:
    """A model row (``country_cap[Serendel]``) in the words of a budget officer, with the
    policy's number: "Serendel's cap of 30% of the budget", "the limit of 10 partner
    countries", "the FY2026 budget"; a row of an extension: "the row sea_cap of extension
    at_most_three_sea()".
    """
    name, index = _split_row(row)
    problem = result.problem
    priority, balance = problem.policy.priority, problem.policy.balance
    if _family(row) is None:
        function = next((e.get("function") for e in result.extensions
                         if name in e.get("components", ())), None)
        return (f"the row {row} of extension {function}()" if function
                else f"the row {row} added to the model")
    if name == "budget":
        return f"the {index} budget"
    if name == "country_cap":
        cap = float(priority.max_country_share)
        countries = problem.input_countries  # as validated (test_problem_edits)
        if "max_share" in countries and index in countries.index:
            own = pd.to_numeric(pd.Series([countries.at[index, "max_share"]]),
                                errors="coerce").iloc[0]
            cap = min(cap, float(own)) if own == own else cap  # NaN: no cap of its own
        return f"{index}'s cap of {number(cap * 100)}% of the budget"  # as typed: 0.125%
    if name == "max_countries":
        return f"the limit of {priority.max_countries} partner countries"
    if name == "package_min":
        return f"{index}'s least package of {yen(priority.min_package)}"
    if name in ("field_max_share", "region_max_share"):
        kind = name.split("_")[0]
        share = getattr(balance, f"max_{kind}_share").get(index)
        of = f" of {number(float(share) * 100)}% of the budget" if share is not None else ""
        return f"the {kind} {index}'s largest share{of}"
    if name == "exclusive":
        return f"exclusive group {index}"
    if name == "requires":
        return f"the requirement {index}"
    return row


def room_left(result: Result) -> set[str]:
    """The projects of positive value whose whole cost fits, in every fiscal year, in what
    portfolio 1 leaves of the budget, when portfolio 1 is proven optimal (no gap): adding
    one would keep the budget and add value, so a rule other than the budget keeps it out.
    Empty otherwise (a portfolio within a gap may simply be short of the best)."""
    best = result.best
    if best is None or result.status != Status.OPTIMAL or (best.gap or 0.0) > 1e-9 \
            or result.problem.policy.solver.mip_rel_gap > 0:
        return set()
    pb = result.problem
    left = best.budget_left
    slack = left + 1e-6 * pd.Series(pb.budget, dtype=float).abs().clip(lower=1.0)
    fits = pb.cost[list(pb.fiscal_years)].le(slack, axis=1).all(axis=1)
    return set(fits.index[fits & (pb.value > 1e-9)]) - set(best.fractions)


def diff_table(result: Result, other: Result) -> pd.DataFrame:
    """What changed from ``other`` (e.g. last week's run) to this result in portfolio 1:
    one row per project funded in either, whose funding differs; columns ``title``,
    ``country``, ``before``, ``after`` (funded fractions, 0 when out) and ``change``
    (``added``, ``dropped``, ``more``, ``less``). ``attrs`` holds the values.
    """
    after = result.best.fractions if result.best else {}
    before = other.best.fractions if other.best else {}
    now, then = result.problem.input_projects, other.problem.input_projects
    ids = [p for p in now.index.union(then.index, sort=False)
           if abs(after.get(p, 0.0) - before.get(p, 0.0)) > FRACTION_TOL]
    rows = []
    for p in ids:
        a, b = after.get(p, 0.0), before.get(p, 0.0)
        table = now if p in now.index else then
        change = ("added" if b == 0 else "dropped" if a == 0
                  else "more" if a > b else "less")
        rows.append({"project_id": p, "title": table.at[p, "title"],
                     "country": table.at[p, "country"], "before": b, "after": a,
                     "change": change})
    out = pd.DataFrame(rows, columns=["project_id", "title", "country", "before", "after",
                                      "change"]).set_index("project_id")
    out.attrs = {"value_before": other.best.objective if other.best else None,
                 "value_after": result.best.objective if result.best else None}
    return out


def split_by_field(df: pd.DataFrame, amounts: list[str]) -> pd.DataFrame:
    """One row per (project, field): a project of n fields gives n rows, each with 1/n of
    its ``amounts`` columns (docs/model.md, "Several fields")."""
    fields = df["field"].map(split_values)
    out = df.loc[df.index.repeat(fields.map(len))].copy()
    out["field"] = [f for fs in fields for f in fs]
    share = 1.0 / fields.map(len).reindex(out.index).to_numpy()
    for column in amounts:
        out[column] = out[column].to_numpy() * share
    return out
