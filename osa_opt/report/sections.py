"""The report's fixed sections: headline, portfolios, budget use, projects forced in or
out, projects not funded, eligibility, diagnosis and the manifest. The allocation is in :mod:`.allocation`, the
analyses in :mod:`.analyses`.

Each function takes a Result and returns a :class:`~.template.Section` (or None when it has
nothing to show); every text from the inputs passes through :func:`html.escape`, directly
or through :mod:`.tables` and :mod:`.svg`.

>>> from osa_opt.report.sections import headline
>>> headline(result).title
'Headline'
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING, Any

import pandas as pd

from osa_opt.html import (
    ID,
    IDS,
    MISSING,
    MONEY,
    RIGHT,
    cell,
    key_values,
    more_rows,
    share_cell,
    table,
    value_text,
)
from osa_opt.inputs.eligibility import (
    country_reasons,
    forced_out_only,
    in_by_override,
    out_counts,
    out_words,
)
from osa_opt.inputs.other_years import COST_ELSEWHERE, out_by_year, where_held
from osa_opt.inputs.value_text import value_note
from osa_opt.report import svg
from osa_opt.report.page import Section
from osa_opt.report.summary import (
    SUMMARY_ROWS,
    is_big,
    largest_with_others,
    others_label,
    reasons_counted,
    unfunded_kind,
    where_note,
)
from osa_opt.result.facts import FULL_TABLES_UP_TO, room_kinds
from osa_opt.result.packages import has_units
from osa_opt.solving.versions import versions
from osa_opt.text import NO_BREAK, counted, fixed, money, percent, yen

if TYPE_CHECKING:
    from osa_opt.result import Portfolio, Result

#: Rows of a per-project table (funded, left out, ineligible, differing) shown in the
#: report; run.json and portfolios.csv have every one.
MAX_LISTED = 1_000
ALL_FUNDED = "portfolios.csv lists every funded project of every portfolio"
ALL_UNFUNDED = "run.json lists every project left out, with why (unfunded)"
#: Portfolios side by side in one table; more go in a table below (ten in one ran off
#: the page at 1280 px and off A4 paper).
SIDE_BY_SIDE = 5

# ---------------------------------------------------------------------- headline
def headline(result: Result) -> Section:
    """Status, the one-sentence outcome, key figures and the budget by fiscal year."""
    problem, best = result.problem, result.best
    status = result.status.value
    budget = problem.budget
    cards = [("Budget", yen(budget.sum()),
              " · ".join(f"{fy} {yen(v)}" for fy, v in budget.items()))]
    if best is not None:
        proof = ("proven optimal" if (best.gap or 0.0) <= 1e-9 and status == "optimal"
                 else f"gap {percent(best.gap, 2)}" if best.gap is not None else "gap unknown")
        cards += [
            # "(a score)" whole: the card's narrow label printed "… (A" over "SCORE)"
            (f"Value of portfolio 1 (a{NO_BREAK}score)", value_text(best.objective), proof),
            ("Budget used", yen(best.total_cost),
             f"{share_cell(best.total_cost / budget.sum(), trim=True) if budget.sum() else '—'}"
             " of the budget"),
            ("Funded", counted(best.n_projects, "project"),
             f"in {counted(best.n_countries, 'country', 'countries')}"),
        ]
    cards.append(("Eligible projects", *_eligible_card(problem.eligibility)))
    card_html = "".join(
        f'<div class="card"><div class="k">{escape(k)}</div><div class="v">{escape(v)}</div>'
        f'<div class="s">{escape(s)}</div></div>' for k, v, s in cards)
    rows = []
    for fy, amount in budget.items():
        row = {"fiscal_year": fy, "budget": amount,
               "requested": float(problem.cost[fy].sum())}
        if best is not None:
            row["used"] = float(best.cost_by_year[fy])
            row["left"] = float(best.budget_left[fy])
        rows.append(row)
    years = pd.DataFrame(rows)
    headers = {"fiscal_year": "Fiscal year", "budget": "Budget (¥m)",
               "requested": "Requested by all projects (¥m)",
               "used": "Used by portfolio 1 (¥m)", "left": "Left (¥m)"}

    note = (f'<p class="note">{escape(value_note(problem.policy, best.objective))}</p>'
            if best is not None else "")
    body = (f'<p class="message"><span class="status status-{escape(status)}">'
            f'{escape(status.replace("_", " "))}</span> {escape(result.status_message)}</p>'
            f'<div class="cards">{card_html}</div>{note}'
            f"<h3>Budget by fiscal year</h3>{table(years, headers=headers)}")
    if problem.warnings:  # valid but most likely not meant: read these before the rest
        body += "<h3>Warnings on the input</h3><ul>" + "".join(
            f"<li>{escape(w.message())}</li>" for w in problem.warnings) + "</ul>"
    if result.notes:
        body += "<h3>Notes</h3><ul>" + "".join(
            f"<li>{escape(str(n))}</li>" for n in result.notes) + "</ul>"
    return Section("headline", "Headline", body)


def _eligible_card(eligibility: pd.DataFrame) -> tuple[str, str]:
    """The Eligible projects card's figure and line: "33 of 38" / "4 ineligible, 1 forced
    out; 1 eligible only by an override" (a project out by its status alone, or by the year
    of its cost, is forced out, not ineligible; the section Eligibility exclusions lists
    them; the count of ranked portfolios is in the outcome sentence above the cards)."""
    n, eligible = len(eligibility), int(eligibility["eligible"].sum())
    line = "none excluded" if eligible == n else out_words(*out_counts(eligibility))
    waived = int(in_by_override(eligibility).sum())
    if waived:
        line += f"; {waived:,} eligible only by an override"
    return f"{eligible:,} of {n:,}", line


# ---------------------------------------------------------------------- portfolios
def partners(result: Result) -> Section | None:
    """Portfolio 1 by partner: one agreement each, its package and the items under it."""
    best = result.best
    if best is None:
        return None
    fys = result.problem.fiscal_years
    if is_big(best.package_rows):  # a big round: the largest packages, without items
        return _partners_summary(result)
    frame = best.package_table(head=MAX_LISTED)  # the rows shown, not 100,000 items
    partner_rows = ["partner" if pid == "" else "" for pid in frame["project_id"]]
    frame["partner"] = [name if pid == "" else "" for name, pid in
                        zip(frame["partner"], frame["project_id"], strict=True)]
    # no Units column when no item has units; no per-year cost in a one-year round (it
    # would repeat the total)
    cols = ["partner", "project_id", "title", *(["units"] if has_units(frame) else []),
            *([f"cost_{fy}" for fy in fys] if len(fys) > 1 else []),
            "total_cost", "share_of_budget"]
    body = table(frame, columns=cols, row_classes=partner_rows, max_rows=MAX_LISTED,
                 more=ALL_FUNDED, rows_in_all=best.package_rows,
                 headers={"project_id": "Item", "title": "What", "total_cost": "Package / item (¥m)"})
    return Section("partners", "Partners", body, lead=best.partners_line + ".")


def full_tables(result: Result) -> bool:
    """Whether the workbook of the run has its per-project sheets (``Not funded``, the
    items of ``Partners``): up to :data:`~osa_opt.result.facts.FULL_TABLES_UP_TO` projects."""
    return len(result.problem.total_cost) <= FULL_TABLES_UP_TO


def _partners_summary(result: Result) -> Section:
    """Portfolio 1's partners of a big round: the largest packages (cost per year, total,
    share of the budget, how many items), one line for the other partners, and where the
    items are."""
    best = result.best
    assert best is not None
    fys = result.problem.fiscal_years
    frame = best.package_table(items=False)
    n_items = {pk["country"]: len(pk["projects"]) for pk in best.packages}
    rest = frame["partner"].iloc[SUMMARY_ROWS:]
    cols = ["partner", "title", *([f"cost_{fy}" for fy in fys] if len(fys) > 1 else []),
            "total_cost", "share_of_budget"]
    body = where_note(f"Portfolio 1 funds {counted(len(frame), 'partner')} with "
                      f"{counted(best.n_projects, 'item')}", SUMMARY_ROWS, "funded cost",
                      "on the workbook's Partners sheet" + (
                          ", with its items" if full_tables(result) else "") + "; its "
                      "Portfolio 1 sheet and portfolios.csv list every funded project")
    others = others_label(len(rest), "partner", "partners")
    if len(rest):
        others += f" ({counted(sum(n_items[c] for c in rest), 'item')})"
    body += largest_with_others(
        frame, by="total_cost", label_column="partner", label=others,
        sums=[c for c in cols if c.startswith("cost_") or c in ("total_cost",
                                                                "share_of_budget")],
        columns=cols, headers={"partner": "Partner", "title": "Items",
                               "total_cost": "Package (¥m)"})
    return Section("partners", "Partners", body, lead=best.partners_line + ".")


def portfolios(result: Result) -> Section | None:
    """The ranked portfolios side by side, what differs between them, and portfolio 1."""
    ports = result.portfolios
    if not ports:
        return None
    fys = result.problem.fiscal_years
    metrics: list[tuple[str, list[str]]] = [
        ("Value", [value_text(p.objective) for p in ports]),
        # one decimal, as in the terminal and the workbook
        ("Share of the best value", [share_cell(p.share_of_best) for p in ports]),
        ("Proven", [_proof(p) for p in ports]),
        ("Projects", [f"{p.n_projects:,}" for p in ports]),
        ("Countries", [f"{p.n_countries:,}" for p in ports]),
        ("Total cost (¥m)", [money(p.total_cost) for p in ports]),
        *[(f"Cost {fy} (¥m)", [money(p.cost_by_year[fy]) for p in ports]) for fy in fys],
        *[(f"Left {fy} (¥m)", [money(p.budget_left[fy]) for p in ports]) for fy in fys],
    ]
    ids: list[tuple[str, list[list[str] | str]]] = [
        ("Added vs portfolio 1", [list(p.added) or MISSING for p in ports]),
        ("Dropped vs portfolio 1", [list(p.dropped) or MISSING for p in ports])]
    side = ""
    # a few portfolios to a table, so ten of them stay on the screen and on A4 paper
    for start in range(0, len(ports), SIDE_BY_SIDE):
        shown = slice(start, start + SIDE_BY_SIDE)
        head = "".join(f'<th class="num">Portfolio {p.rank}</th>' for p in ports[shown])
        body_rows = "".join(
            f"<tr><th>{escape(name)}</th>" + "".join(cell(v, RIGHT) for v in values[shown])
            + "</tr>" for name, values in metrics)
        body_rows += "".join(  # ids break between ids, never inside one
            f"<tr><th>{escape(name)}</th>" + "".join(cell(v, IDS) for v in values[shown])
            + "</tr>" for name, values in ids)
        side += (f'<div class="scroll"><table class="data side"><thead><tr><th></th>{head}'
                 f"</tr></thead><tbody>{body_rows}</tbody></table></div>")
    body = side + _differences(result)
    best = ports[0].projects.reset_index()
    cols = ["project_id", "title", "country", "field", "priority_tier", "fraction",
            *([f"cost_{fy}" for fy in fys] if len(fys) > 1 else []),  # else it is the total
            "total_cost", "value"]
    if is_big(len(best)):  # a big round: the largest, one line for the others
        listed = where_note(f"Portfolio 1 funds {counted(len(best), 'project')}", SUMMARY_ROWS,
                            "funded cost", "on the workbook's Portfolio 1 sheet and in "
                            "portfolios.csv")
        listed += largest_with_others(
            best, by="total_cost", label_column="title",
            label=others_label(len(best) - SUMMARY_ROWS, "project", "projects"),
            sums=[c for c in cols if c.startswith("cost_") or c in ("total_cost", "value")],
            columns=cols)
    else:
        listed = table(best, columns=cols, max_rows=MAX_LISTED, more=ALL_FUNDED)
    body += (f"<h3>Projects funded in portfolio 1</h3>{listed}"
             f'<p class="note">Fraction below 100%: the project is partly funded, down to its '
             f"min_funding. Cost and value are those of the funded fraction.</p>")
    return Section("portfolios", "Ranked portfolios", body,
                   lead="Portfolio 1 is the best; each next one is the best that differs from "
                        "every better one in at least "
                        f"{result.problem.policy.portfolios.min_difference} projects.")


def _proof(p: Portfolio) -> str:
    if p.status.value == "optimal" and (p.gap or 0.0) <= 1e-9:
        return "optimal"
    return "gap unknown" if p.gap is None else f"gap {percent(p.gap, 2)}"


def _differences(result: Result) -> str:
    """Projects whose funding differs between the portfolios: one column per portfolio."""
    ports = result.portfolios
    if len(ports) < 2:
        return ""
    problem = result.problem
    funded = set().union(*(q.fractions for q in ports))
    order = [p for p in problem.input_projects.index if p in funded]
    shares = pd.DataFrame({q.rank: pd.Series(q.fractions, dtype=float) for q in ports}
                          ).reindex(order).fillna(0.0).round(6)
    values = shares.to_numpy()
    ids = shares.index[(values != values[:, :1]).any(axis=1)].tolist()
    if not ids:
        return '<p class="note">All portfolios fund the same projects.</p>'
    listed = ids[:MAX_LISTED]
    rows = []
    projects = problem.input_projects.loc[listed]  # once: each access copies
    for pid, title, country, cost, value in zip(
            listed, projects["title"], projects["country"],
            problem.total_cost.reindex(listed), problem.value.reindex(listed), strict=True):
        row = [q.fractions.get(pid) for q in ports]
        marks = "".join(_membership(f, d) for f, d in zip(row, _cell_digits(row), strict=True))
        rows.append(f"<tr>{cell(pid, ID)}{cell(title)}{cell(country)}"
                    f"{cell(float(cost), 'money')}{cell(float(value), 'value')}{marks}</tr>")
    head = "".join(f'<th class="num">#{q.rank}</th>' for q in ports)
    return ("<h3>What changes between the portfolios</h3>"
            '<div class="scroll"><table class="data diff"><thead><tr><th>Project</th>'
            '<th>Title</th><th>Country</th><th class="num">Total cost (¥m)</th>'
            f'<th class="num">Value</th>{head}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table></div>" + more_rows(len(ids) - MAX_LISTED, ALL_FUNDED)
            + '<p class="note">● funded in full, a percentage: partly funded, ○ not funded. '
              "Cost and value are those of the whole project.</p>")


def _cell_digits(fractions: list[float | None]) -> list[int]:
    """The decimals of each cell of a row: whole percent as a rule (ten portfolios' columns
    of "93.3%" ran off A4 paper), and for fractions that whole percents would show alike
    (30.3% and 30.0% both "30%": a listed change nobody could see) the fewest decimals (up
    to 4) that tell the row's fractions apart.

    >>> _cell_digits([0.5, None, 1.0, 0.25]), _cell_digits([0.303, 0.3, 0.75, 0.3])
    ([0, 0, 0, 0], [1, 1, 0, 1])
    """
    parts = {round(f, 6) for f in fractions if f is not None and f < 1 - 1e-6}
    digits = next((d for d in range(5)
                   if len({_part_text(f, d) for f in parts}) == len(parts)), 4)
    whole = [_part_text(f, 0) for f in parts]
    alike = {f for f, text in zip(parts, whole, strict=True) if whole.count(text) > 1}
    return [digits if f is not None and round(f, 6) in alike else 0 for f in fractions]


def _part_text(fraction: float, digits: int) -> str:
    """A part funded in ``digits`` decimals, never 0% or 100% (which would read as ○ or
    ●); halves away from zero, as the workbook's 0% cell shows them (62.5% is 63%)."""
    least = 10.0 ** -(digits + 2)
    return percent(min(1 - least, max(least, fraction)), digits, trim=False)


def _membership(fraction: float | None, digits: int = 0) -> str:
    """●, ○ or a part funded, in its cell's decimals (:func:`_cell_digits`)."""
    if fraction is None:
        return '<td class="out">○</td>'
    text = "●" if fraction >= 1 - 1e-6 else _part_text(fraction, digits)
    return f'<td class="in">{escape(text)}</td>'


# ---------------------------------------------------------------------- budget use
def budget_use(result: Result) -> Section | None:
    """Used and left budget per fiscal year and portfolio (stacked bars)."""
    if not result.portfolios:
        return None
    budget = result.problem.budget
    labels, used, left, texts = [], [], [], []
    for fy, amount in budget.items():
        for p in result.portfolios:
            u = float(p.cost_by_year[fy])
            labels.append(f"{fy} · portfolio {p.rank}")
            used.append(u)
            left.append(max(0.0, float(amount) - u))
            texts.append(f"{yen(u)} of {yen(amount)}"
                         + (f" ({share_cell(u / amount, trim=True)})" if amount else ""))
    chart = svg.bar_groups(labels, [svg.Series("used", used, svg.FUNDED),
                                    svg.Series("left", left, svg.UNFUNDED)],
                           title="Budget use per fiscal year (¥ million)", value_labels=texts,
                           tooltip_format=yen)
    return Section("budget", "Budget use", chart,
                   lead="Funded cost against the budget of each fiscal year, per portfolio.")


# ---------------------------------------------------------------------- forced
def forced(result: Result) -> Section | None:
    """The projects the input forces in (status mandatory, stage signed) or out (status
    excluded), those forced in first, each with the reason written for it."""
    listed = result.problem.summary()["forced"]
    if not listed:
        return None
    n_in = sum(1 for f in listed.values() if f["forced"] == "in")
    shown = list(listed)[:MAX_LISTED]  # those forced in first
    titles = result.problem.input_projects["title"]
    frame = pd.DataFrame({
        "project_id": shown, "title": [titles[p] for p in shown],
        **{key: [listed[p][key] for p in shown]
           for key in ("country", "total_cost", "forced", "by", "status_reason")}})
    # the cost of one out by the year of its cost is where it stands ("¥500m in FY2027"),
    # not the 0 it costs in this round, as on the terminal (forced_cost)
    frame["total_cost"] = pd.Series([
        listed[p]["cost_elsewhere"] or listed[p]["total_cost"] for p in shown], dtype=object)
    # one column for the status_reason written and, for a cost in another year only, where
    # it stands and the fix (problem.forced keeps both under status_reason): "Reason"
    frame["status_reason"] = frame["status_reason"].replace("", "(no status_reason given)")
    body = table(frame, headers={"forced": "Forced", "by": "By", "status_reason": "Reason"},
                 kinds={"total_cost": MONEY},
                 max_rows=MAX_LISTED, more="run.json lists every one (problem.forced)",
                 rows_in_all=len(listed))
    elsewhere = any(f["by"] == COST_ELSEWHERE for f in listed.values())
    return Section("forced", "Forced in or out", body,
                   lead=f"{counted(n_in, 'project')} forced in and "
                        f"{counted(len(listed) - n_in, 'project')} forced out by the projects "
                        "sheet (status mandatory or stage signed: in; status excluded: out"
                        + ("; a cost only in a year the policy has no budget for: out"
                           if elsewhere else "")
                        + "), with the reason: the status_reason written for it"
                        + (", or where its cost stands and the fix" if elsewhere else "")
                        + ".")


# ---------------------------------------------------------------------- not funded
def not_funded(result: Result) -> Section | None:
    """Eligible projects left out of portfolio 1, with the structural reason when known."""
    if result.best is None:  # nothing was funded: the diagnosis says why
        return None
    unfunded = result.unfunded.reset_index()
    out = unfunded[unfunded["eligible"]]
    if out.empty:
        return None
    cols = ["project_id", "title", "country", "field", "total_cost", "value", "reason"]
    if not is_big(len(out)):
        return Section("not-funded", "Eligible but not funded",
                       table(out, columns=cols, max_rows=MAX_LISTED, more=ALL_UNFUNDED),
                       lead="Every eligible project that portfolio 1 leaves out, and why.")
    kinds = room_kinds(result)  # a rule named per partner, counted by its family
    body = reasons_counted(out["reasons"], out["total_cost"],
                           lambda reason: kinds.get(reason) or unfunded_kind(reason))
    body += "<h3>The largest</h3>" + where_note(
        f"{len(out):,} eligible projects are left out", SUMMARY_ROWS, "total cost",
        ("on the workbook's Not funded sheet and " if full_tables(result) else "")
        + "in run.json (unfunded), with why")
    body += largest_with_others(
        out, by="total_cost", label_column="title",
        label=others_label(len(out) - SUMMARY_ROWS, "project", "projects"),
        sums=["total_cost", "value"], columns=cols)
    return Section("not-funded", "Eligible but not funded", body,
                   lead="The eligible projects that portfolio 1 leaves out, and why: the "
                        "reasons counted, then the largest.")


# ---------------------------------------------------------------------- eligibility
def eligibility(result: Result) -> Section:
    """Every ineligible project with every reason, and the countries that cause them."""

    problem = result.problem
    elig = problem.eligibility
    out = elig.index[~elig["eligible"]]
    waived = _overrides_table(result)
    if len(out) == 0:
        return Section("eligibility", "Eligibility exclusions",
                       "<p>Every project meets the eligibility rules.</p>" + waived)
    big = is_big(len(out))
    shown = (problem.total_cost.reindex(out).astype(float)
             .sort_values(ascending=False, kind="stable").index[:SUMMARY_ROWS]
             if big else out[:MAX_LISTED])
    listed = problem.input_projects.loc[shown, ["title", "country", "field"]]
    rows = []
    for pid, title, country, field, cost, reasons in zip(
            listed.index, listed["title"], listed["country"], listed["field"],
            problem.total_cost.reindex(listed.index), elig["reasons"].reindex(listed.index),
            strict=True):
        items = "".join(f"<li>{escape(str(r))}</li>" for r in reasons)
        held = next(filter(None, map(where_held, map(str, reasons))), None)
        rows.append(f"<tr>{cell(pid, ID)}{cell(title)}{cell(country)}{cell(field, 'label')}"
                    f"{cell(held or float(cost), 'money')}"  # "¥500m in FY2027", not 0
                    f'<td><ul class="reasons">{items}</ul></td></tr>')
    body = ""
    if big:  # a big round: the reasons counted, the largest, one line for the others
        rest = out.difference(shown, sort=False)
        rows.append(f'<tr class="others"><td colspan="4">'  # on one line, not wrapped
                    f"{escape(others_label(len(rest), 'project', 'projects'))}</td>"
                    f"{cell(float(problem.total_cost.reindex(rest).sum()), 'money')}"
                    "<td></td></tr>")
        body = (reasons_counted(elig["reasons"].reindex(out), problem.total_cost.reindex(out))
                + "<h3>The largest</h3>" + where_note(
                    f"{len(out):,} projects are ineligible", SUMMARY_ROWS, "total cost",
                    ("on the workbook's Not funded sheet (eligible: no) and "
                     if full_tables(result) else "")
                    + "in run.json (eligibility), with every rule it fails"))
    body += ('<table class="data"><thead><tr><th>Project</th><th>Title</th><th>Country</th>'
             '<th>Field</th><th class="num">Total cost (¥m)</th><th>Reasons</th></tr></thead>'
             f"<tbody>{''.join(rows)}</tbody></table>"
             + ("" if big else more_rows(len(out) - MAX_LISTED, ALL_UNFUNDED)))
    by_country = country_reasons(problem.input_countries, problem.policy)
    served = set(problem.input_projects.loc[elig.index[elig["eligible"]], "country"])
    blocked = [(c, rs) for c, rs in by_country.items() if rs and c not in served]
    if blocked:
        countries = problem.input_countries  # once: each access copies
        crow = "".join(
            f"<tr>{cell(c)}{cell(countries.at[c, 'region'])}"
            f"{cell(countries.at[c, 'priority_tier'], 'count')}"
            f'<td><ul class="reasons">{"".join(f"<li>{escape(r)}</li>" for r in rs)}</ul>'
            "</td></tr>" for c, rs in blocked[:MAX_LISTED])
        body += ("<h3>Countries whose projects are all ineligible</h3>"
                 '<table class="data"><thead><tr><th>Country</th><th>Region</th>'
                 '<th class="num">Tier</th><th>Reasons</th></tr></thead>'
                 f"<tbody>{crow}</tbody></table>"
                 + more_rows(len(blocked) - MAX_LISTED, "the countries sheet of the input"))
    body += waived
    decided = int(elig["reasons"].reindex(out).map(forced_out_only).sum())
    counted_out = (f"{len(out):,} of {len(elig):,} projects cannot be funded under the "
                   "policy's eligibility rules" if not decided else
                   f"{len(out):,} of {len(elig):,} projects cannot be funded: "
                   f"{len(out) - decided:,} under the policy's eligibility rules, {decided:,} "
                   "forced out by the projects sheet (status excluded: a slip, a withdrawal, "
                   "a deferral, with its status_reason"
                   + ("; or a cost only in a year the policy has no budget for"
                      if elig["reasons"].reindex(out).map(out_by_year).any() else "") + ")")
    return Section("eligibility", "Eligibility exclusions", body,
                   lead=counted_out
                        + ("; the rules they fail counted, then the largest with every rule "
                           "each fails." if big else "; every failed rule is listed."))


def _overrides_table(result: Result) -> str:
    """The rules an override waived, project by project, with the override's reason."""
    problem = result.problem
    overrides = problem.eligibility["overrides"]
    waived = overrides.index[in_by_override(problem.eligibility)].tolist()
    if not waived:
        return ""
    rows = "".join(
        f"<tr>{cell(pid, ID)}{cell(problem.input_projects.at[pid, 'title'])}"
        f"{cell(problem.input_projects.at[pid, 'country'])}"
        f'<td><ul class="reasons">{"".join(f"<li>{escape(o)}</li>" for o in overrides[pid])}'
        "</ul></td></tr>" for pid in waived[:MAX_LISTED])
    return ("<h3>Rules waived by an override</h3><p>These projects are eligible only because "
            "an override, with the written reason shown, waives a rule a policy may waive "
            "(ODA eligibility, a governance threshold, the risk limit).</p>"
            '<table class="data"><thead><tr><th>Project</th><th>Title</th><th>Country</th>'
            f"<th>Waived rule and reason</th></tr></thead><tbody>{rows}</tbody></table>"
            + more_rows(len(waived) - MAX_LISTED, "run.json lists every override (eligibility)"))


# ---------------------------------------------------------------------- diagnosis
def diagnosis(result: Result) -> Section | None:
    """Why the policy cannot be met: the rules to move and by how much."""
    if result.status.has_solution:
        return None
    items = [d for d in result.diagnosis if isinstance(d, dict)]
    body = ""
    if not items:
        body = f'<p class="message">{escape(result.message or "No portfolio was found.")}</p>'
    else:
        body += "<ol>" + "".join(f"<li>{escape(str(d.get('message', '')))}</li>"
                                 for d in items) + "</ol>"
        frame = pd.DataFrame(items)
        cols = ["rule", "family", "policy_key", "unit", "bound", "amount", "needed"]
        body += table(frame, columns=cols, kinds={"bound": "number", "amount": "number",
                                                  "needed": "number"})
    return Section("diagnosis", "Why no portfolio meets the policy", body,
                   lead="The smallest changes of the rules that would make a portfolio "
                        "possible, in the rules' own units.")


# ---------------------------------------------------------------------- extensions
def extensions(result: Result) -> Section | None:
    """The model extensions the portfolios were solved with (run.json ``extensions``): the
    policy alone does not give these portfolios, so the report says what was added."""
    if not result.extensions:
        return None
    from osa_opt.extensions import NO_FILE, shown

    frame = pd.DataFrame([{**e, "file": e["file"] or NO_FILE, "sha256": e["sha256"] or MISSING,
                           "components": e["components"] or MISSING}
                          for e in shown(result.extensions)])
    body = table(frame, headers={"sha256": "SHA-256 (first 12)"})
    best = result.best
    if best is not None and best.extension_value:
        body += (f'<p class="note">Portfolio 1\'s objective {fixed(best.objective)} includes '
                 f"{fixed(best.extension_value, sign=True)} from the extensions' objective terms; its "
                 f"projects' values add up to {fixed(best.objective - best.extension_value)}."
                 "</p>")
    return Section("extensions", "Model extensions", body,
                   lead="Constraints or objective terms added to the model in Python beyond "
                        "the policy; every portfolio and analysis of this run includes them. "
                        "run.json lists them under extensions with each file's full SHA-256.")


# ---------------------------------------------------------------------- manifest
def manifest_section(result: Result) -> Section:
    """Inputs and their sha256, the policy as used, versions and timings (as in run.json)."""

    inputs = dict(result.problem.sources)
    body = "<h3>Inputs</h3>"
    if inputs:
        body += table(pd.DataFrame({"file": list(inputs), "sha256": list(inputs.values())}),
                      headers={"file": "File", "sha256": "SHA-256"})
    else:
        body += '<p class="note">Built in code: no input file.</p>'
    glossary = pd.DataFrame(result.problem.policy.glossary())
    body += (f"<h3>Policy as used: {escape(result.problem.policy.name)}</h3>"
             + table(glossary, columns=["key", "value", "unit", "meaning"]))
    body += ('<div class="pair"><div><h3>Versions</h3>'
             + key_values((k, v or "—") for k, v in versions().items()) + "</div>")
    timings = dict(result.timings)
    if timings:
        body += "<div><h3>Timings (seconds)</h3>" + key_values(
            ((_timing_label(k), f"{float(v):,.3f}") for k, v in _in_run_order(timings)),
            kind=RIGHT) + "</div>"
    body += "</div>"
    return Section("manifest", "Manifest", body,
                   lead="What this run was computed from, so it can be repeated: the same "
                        "inputs, policy and versions give the same portfolios.")


#: Timings in the order a run spends them; ``total_seconds`` is all the solving (build,
#: load, solves; a frontier's whole sweep), without reading or explanations.
_TIMING_ORDER = ("read_seconds", "build_seconds", "load_seconds", "solve_seconds",
                 "total_seconds", "explain_seconds", "diagnose_seconds")
_TIMING_LABELS = {"read_seconds": "read and validate", "load_seconds": "load into HiGHS",
                  "solve_seconds": "solve (all portfolios)",
                  "total_seconds": "solving in all"}


def _in_run_order(timings: dict[str, Any]) -> list[tuple[str, Any]]:
    known = [(k, timings[k]) for k in _TIMING_ORDER if k in timings]
    return known + [(k, v) for k, v in timings.items() if k not in _TIMING_ORDER]


def _timing_label(key: str) -> str:
    """``read_seconds`` -> ``read and validate``; unknown keys lose ``_seconds``."""
    return _TIMING_LABELS.get(key, key.replace("_seconds", "").replace("_", " "))
