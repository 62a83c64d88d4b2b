"""Report sections for the analyses attached to a result (``result.analyses``).

Any analysis renders generically: a section with each of its ``tables()``, long ones cut
with a note. Analyses recognised by name get a section made for them: the frontier (exact
and greedy value against the budget), the funding order, why in / why out, the price of each
rule, and robustness (core index bars). Each specific renderer declares what it reads
(:data:`NEEDS`); an analysis that lacks any of it (a changed or a user's analysis under a
known name) gets the generic section instead, so it still shows what it found.

>>> from osa_opt.report.analyses import analysis_sections
>>> [s.id for s in analysis_sections(result)]
['analysis-why', 'analysis-prices']
"""

from __future__ import annotations

import math
from collections.abc import Callable
from html import escape
from typing import TYPE_CHECKING, Any

import pandas as pd

from osa_opt.html import RIGHT, generic_body, in_their_units, table, value_text
from osa_opt.report import svg
from osa_opt.report.page import Section
from osa_opt.text import counted, percent, share_text
from osa_opt.text import title as analysis_title

if TYPE_CHECKING:
    from osa_opt.result import Result

#: Rows of an analysis table shown in the report; the workbook has them all.
MAX_ROWS = 40
#: Bars of a ranking chart (rule prices, core indices).
MAX_BARS = 30
#: Core-index bars: enough for every eligible project of a usual round.
MAX_CORE_BARS = 60
MORE = "the workbook portfolios.xlsx has the full table"

#: Order of the known analyses in the report; unknown ones follow in their own order.
ORDER = ("frontier", "funding_order", "why", "prices", "robustness", "comparison",
         "execution")


def analysis_sections(result: Result) -> list[Section]:
    """One section per analysis of the result, known ones first in a fixed order."""
    analyses = dict(getattr(result, "analyses", {}) or {})
    names = [n for n in ORDER if n in analyses] + [n for n in analyses if n not in ORDER]
    return [analysis_section(name, analyses[name]) for name in names]


def analysis_section(name: str, analysis: Any) -> Section:
    """The section of one analysis: its specific renderer when it has what that renderer
    reads (:data:`NEEDS`), else the generic one."""
    renderer = SPECIFIC.get(name)
    if renderer is not None and has_what_it_needs(analysis, NEEDS[name]):
        body = renderer(analysis)
    else:
        body = generic_body(analysis, max_rows=MAX_ROWS, more=MORE)
    notes = getattr(analysis, "notes", None)
    if isinstance(notes, list | tuple) and notes:
        body += "<ul class=\"notes\">" + "".join(
            f"<li>{escape(str(n))}</li>" for n in notes) + "</ul>"
    return Section(f"analysis-{_slug(name)}", analysis_title(name), body)


def has_what_it_needs(analysis: Any, needs: dict[str, tuple[str, ...] | None]) -> bool:
    """Whether every attribute in ``needs`` is a DataFrame with the columns listed, as
    columns or index levels (a name ending in ``()`` is a method, called without
    arguments; columns None: the attribute only has to exist, whatever its value)."""
    for attribute, columns in needs.items():
        if columns is None:
            if not hasattr(analysis, attribute.removesuffix("()")):
                return False
            continue
        value = getattr(analysis, attribute.removesuffix("()"), None)
        if attribute.endswith("()"):
            if not callable(value):
                return False
            value = value()
        if not isinstance(value, pd.DataFrame):
            return False
        if not set(columns) <= {*map(str, value.columns), *map(str, value.index.names)}:
            return False
    return True


def _slug(name: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in str(name).lower()).strip("-") or "x"


# ---------------------------------------------------------------------- frontier
def frontier_body(analysis: Any) -> str:
    """Line chart of exact and greedy value against the budget share, and the points."""
    points: pd.DataFrame = analysis.points.assign(gain=analysis.gain_as_shown()) \
        .sort_values("budget_share", kind="stable")  # the gain of the values as shown
    shares = [100 * float(s) for s in points["budget_share"]]
    exact = [_maybe(v) for v in points["value"]]
    greedy = [_maybe(v) for v in points["greedy_value"]]
    meets = points["greedy_meets_rules"].astype(bool).tolist() \
        if "greedy_meets_rules" in points else [True] * len(points)
    chart = svg.line_chart(
        shares,
        [svg.Series("exact optimum", exact, svg.FUNDED),
         svg.Series("greedy benefit/cost ranking (hollow: breaks a rule)", greedy, svg.GREEDY,
                    dashed=True, hollow=[not m for m in meets])],
        title="Value against budget", x_label="budget, % of the policy budget",
        y_label="portfolio value", x_format=lambda v: percent(v / 100), vline=(100.0, "policy budget"))
    cols = [c for c in ("budget_share", "total_budget", "value", "greedy_value", "gain",
                        "greedy_meets_rules", "projects", "total_cost", "status")
            if c in points.columns]
    return (chart + table(points.reset_index(), columns=cols, max_rows=MAX_ROWS, more=MORE)
            + '<p class="note">The greedy curve funds projects by value per yen until a '
              "budget runs out and ignores every other rule; where it breaks one its value "
              "may exceed the exact optimum, which measures what the rules cost.</p>")


def _maybe(value: Any) -> float | None:
    try:
        v = float(value)
    except (TypeError, ValueError):
        return None
    return v if v == v else None


# ---------------------------------------------------------------------- funding order
def funding_order_body(analysis: Any) -> str:
    order: pd.DataFrame = analysis.order
    levels: pd.DataFrame = analysis.levels.assign(nesting_cost=analysis.nesting_cost_as_shown())
    cols = [c for c in ("position", "project_id", "title", "country", "level", "total_cost",
                        "value", "value_per_cost") if c in order.columns]
    body = ("<h3>Funding line</h3>"
            + table(order, columns=cols, headers={"level": "Funded from budget share"},
                    max_rows=60, more=MORE))
    body += "<h3>Budget levels</h3>" + table(levels.reset_index(), max_rows=MAX_ROWS, more=MORE)
    return body + LEVELS_KEY


#: The budget levels' columns in words: "Independent value", "Restart" and "Dropped" stood
#: under the table unexplained.
LEVELS_KEY = ('<p class="note">Nested value: portfolio value at that level when every project '
              "of the levels below stays funded (the funding line); independent value: the "
              "best portfolio at that budget alone (the frontier's exact value); nesting "
              "cost: the difference, what keeping one funding line costs there. Added: the "
              "projects first funded at that level. Restart: yes where the rules "
              "force the line to give up projects of lower levels (listed under Dropped) "
              "to fund others; no in every other level. Values are scores, not money.</p>")


# ---------------------------------------------------------------------- why
#: Rows of each part of Why in or out (out: not funded; in: funded) the report shows. A
#: bigger part shows the projects closest to the line, those forcing would cost least (the
#: nearest misses, and the funded projects nearest to being dropped); the workbook's sheet
#: and run.json have every project. A 2,000-project round printed 190 pages of it.
WHY_ROWS = 40
#: Where the full Why in or out is, said under a part the report cuts.
WHY_FULL = ("every project is on the workbook's Why in or out sheet (portfolios.xlsx) and "
            "in run.json (analyses.why)")


def why_body(analysis: Any) -> str:
    frame: pd.DataFrame = analysis.table.reset_index()
    cols = [c for c in ("project_id", "title", "country", "value_change", "value_change_share",
                        "basis", "message") if c in frame.columns]
    eligible = frame["eligible"].astype(bool) if "eligible" in frame else True
    funded = frame["funded"].astype(bool)
    out, funded_in = frame[~funded & eligible], frame[funded]
    # a part with no project says so, never a table of headers alone (a real round whose
    # four eligible projects were all funded printed "Why out" as an empty table)
    body = ("<h3>Why out: eligible projects not funded</h3>"
            + (_why_part(out, cols, "eligible projects not funded", "nearest misses")
               if len(out) else
               '<p class="note">None: portfolio 1 funds every eligible project.</p>')
            + "<h3>Why in: funded projects</h3>"
            + (_why_part(funded_in, cols, "funded projects", "nearest to being dropped")
               if len(funded_in) else
               '<p class="note">None: portfolio 1 funds no project.</p>'))
    return body + ('<p class="note">Value change: what forcing the project in (or out) '
                   "would do to the value of portfolio 1. Value from: <b>re-solve</b> (an "
                   "exact re-solve), <b>proof</b> (exact without one: the most any "
                   "portfolio could be worth, computed as if projects could be funded in "
                   "any fraction (the LP bound), is already reached by a known portfolio, or "
                   "shows that none meets the rules) or <b>lp bound</b> (that bound alone, "
                   f"used above {_limit(analysis)} eligible projects or once the time limit "
                   "of the explanations ran out: the loss is at least the number "
                   "shown).</p>")


def _why_part(part: pd.DataFrame, cols: list[str], what: str, closest: str) -> str:
    """One part of Why in or out: every project, or for a part above :data:`WHY_ROWS` the
    :data:`WHY_ROWS` that forcing would cost least (the smallest loss of value first; ties
    in input order) and where the rest are."""
    if len(part) <= WHY_ROWS:
        return table(part, columns=cols)
    change = pd.to_numeric(part["value_change"], errors="coerce") \
        if "value_change" in part else pd.Series(0.0, index=part.index)
    order = change.fillna(-math.inf).sort_values(ascending=False, kind="stable").index
    lead = (f'<p class="note">The {WHY_ROWS} of {len(part):,} {what} that forcing would '
            f"cost least ({closest}), the smallest loss of value first; {WHY_FULL}.</p>")
    return lead + table(part.loc[order[:WHY_ROWS]], columns=cols)


def _limit(analysis: Any) -> str:
    limit = getattr(analysis, "exact_limit", None)
    return "—" if limit is None else f"{limit:,}"


# ---------------------------------------------------------------------- prices
# The price table's headers are osa_opt.text.HEADERS', as in the workbook and the terminal.
PRICE_KEY = ("<p class=\"note\">Required: the rule's bound (a minimum or a maximum). At "
             "portfolio 1: what portfolio 1 reaches. To spare: the room between them. Met "
             "exactly: yes when nothing is to spare; a rule met with room to spare can "
             "still hold the value back (a whole item may not fit in what is left), as the "
             "value gained says. Value gained: from an exact re-solve without the rule, or with it 10% looser (a "
             "minimum × 0.9, a maximum × 1.1); value is the score of the headline, not "
             "money. Value from (the value gained without the rule) and Looser gain from "
             "(10% looser), each answer on its own: re-solve or proof (exact), or lp bound "
             "(the most the value could be, computed as if projects could be funded in any "
             "fraction; used above the exact limit of eligible projects or once the time "
             "limit of the explanations stopped a re-solve or ran out: the gain is at most "
             "the number shown).</p>")


def prices_body(analysis: Any) -> str:
    frame: pd.DataFrame = analysis.table.reset_index()
    ranked = frame[frame["gain_if_off"].fillna(0) > 1e-9].head(MAX_BARS)
    chart = ""
    if not ranked.empty:
        labels = [str(v) for v in ranked.get("label", ranked["rule"])]
        gains = [float(v) for v in ranked["gain_if_off"]]
        texts = [f"{value_text(g)} ({share_text(s, trim=True)})" for g, s in
                 zip(gains, ranked["gain_if_off_share"].fillna(0.0), strict=True)]
        colors = [svg.FUNDED if b else svg.UNFUNDED for b in ranked["binding"].astype(bool)]
        chart = svg.hbar_chart(labels, gains, title="Value gained by switching each rule off",
                               value_labels=texts, colors=colors,
                               legend=[("met exactly: nothing to spare", svg.FUNDED),
                                       ("met with room to spare", svg.UNFUNDED)])
    # money as ¥…m, counts (partners, countries, projects) as plain numbers
    shown = in_their_units(frame)
    # the policy key under the rule's name, not a column of its own: with amounts of a
    # ¥975,465m round (¥292,639.5m) eleven columns ran 72 px past an 800 px screen
    first = "label" if "label" in shown.columns else "rule"
    cols = [c for c in (first, "bound", "activity", "slack", "binding",
                        "gain_if_off", "gain_if_off_share", "basis", "gain_if_relaxed_share",
                        "relaxed_basis")
            if c in shown.columns]
    kinds = {"bound": RIGHT, "activity": RIGHT, "slack": RIGHT}
    body = chart + PRICE_KEY + table(shown, columns=cols, kinds=kinds, max_rows=MAX_ROWS,
                                     more=MORE, under={first: "policy_key"},
                                     headers={first: "Rule (policy key)"})
    if "message" in shown:
        words = "".join(f"<li>{escape(str(m))}</li>" for m in shown["message"].head(MAX_ROWS))
        body += f"<h3>In words</h3><ol>{words}</ol>"
    return body


# ---------------------------------------------------------------------- robustness
CLASS_COLORS = {"core": svg.FUNDED, "borderline": "#8fb3de", "exterior": svg.UNFUNDED}


def robustness_body(analysis: Any) -> str:
    projects: pd.DataFrame = analysis.projects
    eligible = projects[projects["eligible"].astype(bool)] if "eligible" in projects \
        else projects
    top = eligible.sort_values("core_index", ascending=False, kind="stable").head(
        MAX_CORE_BARS)
    labels = [f"{pid} {row.get('title', '')}" for pid, row in top.iterrows()]
    values = [float(v) for v in top["core_index"]]
    classes = [str(c) for c in top.get("class", [""] * len(top))]
    in_best = top["funded_in_best"].astype(bool) if "funded_in_best" in top else [False] * len(top)
    texts = [f"{share_text(v, trim=True)} · {c}{' · in portfolio 1' if b else ''}"
             for v, c, b in zip(values, classes, in_best, strict=True)]
    chart = svg.hbar_chart(labels, values, title="Core index: share of samples that fund the "
                           "project", value_labels=texts,
                           colors=[CLASS_COLORS.get(c, svg.FUNDED) for c in classes],
                           axis_format=percent, max_value=1.0,
                           legend=[(k, c) for k, c in CLASS_COLORS.items()])
    counts = getattr(analysis, "counts", {}) or {}
    done, total = getattr(analysis, "samples_done", None), getattr(analysis, "samples", None)
    facts = ", ".join(f"{n:,} {k}" for k, n in counts.items())
    lead = (f'<p class="note">{done:,} of {total:,} samples solved; '
            f"{escape(facts)}.</p>") if done is not None else ""
    body = lead + chart
    ports = getattr(analysis, "portfolios", None)
    if isinstance(ports, pd.DataFrame) and not ports.empty:
        body += "<h3>How often each portfolio stays near-optimal</h3>" + table(
            ports.reset_index()) + (
            '<p class="note">Within 1% of optimum: the share of the samples in which the '
            "portfolio is worth at least 99% of that sample's best portfolio; mean and worst "
            "share: its value against that best, on average and at the worst. Values are "
            "scores, not money.</p>")
    body += "<h3>Projects</h3>" + table(
        projects.reset_index(), columns=["project_id", "title", "country", "core_index",
                                         "mean_fraction", "class", "funded_in_best",
                                         "held_in_by"],
        max_rows=MAX_ROWS, more=MORE)
    return body


# ---------------------------------------------------------------------- comparison
def comparison_body(analysis: Any) -> str:
    """Value per scenario (bars), the scenario table, and the projects that differ."""
    summary: pd.DataFrame = analysis.summary()
    if "scenario" in summary.index.names:  # Comparison's own: indexed by the scenario
        summary = summary.reset_index()
    names = [str(n) for n in summary["scenario"]]
    # only comparable numbers in one chart: with policies that value projects differently,
    # every portfolio priced by the baseline's weights
    scales = len({repr(sc.problem.policy.objective) for sc in analysis.scenarios}) > 1
    column = "value_under_baseline" if scales and "value_under_baseline" in summary \
        else "value"
    baseline = str(analysis.baseline.name)
    values = [_maybe(v) or 0.0 for v in summary[column]]
    texts = [value_text(v) if _maybe(v) is not None else str(s).replace("_", " ")
             for v, s in zip(summary[column], summary["status"], strict=True)]
    colors = [svg.FUNDED if _maybe(v) is not None else svg.INELIGIBLE
              for v in summary[column]]
    title = (f"Value of each scenario's best portfolio, priced by {baseline}'s weights"
             if column != "value" else "Value of the best portfolio per scenario")
    chart = svg.hbar_chart(names, values, title=title, value_labels=texts, colors=colors)
    if column != "value":
        chart = (f'<p class="note">The policies value projects differently, so their own '
                 f"values are on different scales and are not charted together; the chart "
                 f"prices every scenario's portfolio with the weights of {escape(baseline)}, "
                 "the baseline (the table gives both).</p>") + chart
    # what differs between scenarios; the budgets and policy names are in the workbook
    cols = [c for c in summary.columns if c not in (
        "country_list", "solve_seconds", "policy", "total_cost") and not c.startswith("budget_")]
    if not scales:
        cols.remove("value_under_baseline")
    headers = {"value_under_baseline": f"Value under {baseline}'s weights",
               "added": f"In (not in {baseline})", "dropped": f"Out (in {baseline})"}
    body = chart + table(summary, columns=cols, headers=headers)
    matrix: pd.DataFrame = analysis.project_matrix()
    scenario_cols = [c for c in matrix.columns if c not in ("title", "country", "field")]
    differs = matrix[scenario_cols].round(6).nunique(axis=1) > 1
    shown = matrix[differs].reset_index()
    for col in scenario_cols:
        shown[col] = ["○" if f <= 0 else "●" if f >= 1 - 1e-6 else share_text(f, trim=True)
                      for f in shown[col]]
    body += "<h3>Projects whose funding differs</h3>"
    # a scenario is named as the table above and the chart name it, not humanized
    body += (table(shown, kinds={c: RIGHT for c in scenario_cols},
                   headers={c: str(c) for c in scenario_cols}) if not shown.empty
             else '<p class="note">Every scenario funds the same projects.</p>')
    return body


# ---------------------------------------------------------------------- execution
def execution_body(analysis: Any) -> str:
    """Expected execution against the number of reserves (chart and table), the advice."""
    levels: pd.DataFrame = analysis.levels
    target = float(analysis.target)
    ks = [float(k) for k in levels["reserves"]]
    chart = svg.line_chart(
        ks, [svg.Series("expected execution", [100 * float(v) for v in
                                                 levels["expected_execution"]], svg.FUNDED),
             svg.Series(f"target {percent(target)}", [100 * target] * len(ks), svg.GREEDY,
                        dashed=True)],
        title="Expected execution against reserves", x_label="reserves signed if needed",
        y_label="committed, % of the budget", x_format=lambda v: f"{v:,.0f}",
        y_format=lambda v: percent(v / 100), whole_x=True)
    frame = levels.copy()
    frame["added"] = frame["added"].map(", ".join)
    years = [c for c in frame.columns if c.startswith("execution_")]
    headers = {"p_below_target": f"Chance below {percent(target)}",
               **{c: f"Execution {c.removeprefix('execution_')}" for c in years}}
    body = chart + table(frame, columns=["reserves", "added", "expected_execution", *years,
                                         "p_below_target", "expected_value"],
                         headers=headers, max_rows=MAX_ROWS, more=MORE)
    k = analysis.recommended_reserves
    # none reaching the target is said by the analysis's own note, with the best reached
    advice = (f"Recommended: {counted(k, 'reserve')} — the fewest whose expected "
              f"execution reaches {percent(target)}. " if k is not None else "")
    return body + (f'<p class="note">{escape(advice)}Signings are simulated '
                   f"({analysis.samples:,} outcomes, seed {analysis.seed}): each partner's "
                   "agreement and each item independently, with the input's probabilities "
                   "(docs/execution.md).</p>")


#: What each specific renderer reads: attribute -> the columns its DataFrame must have
#: (``name()``: a method called without arguments; None: any value, even None). Optional
#: columns are checked inside.
NEEDS: dict[str, dict[str, tuple[str, ...] | None]] = {
    "frontier": {"points": ("budget_share", "value", "greedy_value")},
    "funding_order": {"order": (), "levels": ()},
    "why": {"table": ("funded",)},
    "prices": {"table": ("rule", "gain_if_off", "gain_if_off_share", "binding")},
    "robustness": {"projects": ("core_index",)},
    "comparison": {"summary()": ("scenario", "value", "status"), "project_matrix()": ()},
    "execution": {"levels": ("reserves", "added", "expected_execution", "p_below_target",
                             "expected_value"),
                  "target": None, "recommended_reserves": None, "samples": None, "seed": None},
}
SPECIFIC: dict[str, Callable[[Any], str]] = {
    "frontier": frontier_body,
    "funding_order": funding_order_body,
    "why": why_body,
    "prices": prices_body,
    "robustness": robustness_body,
    "comparison": comparison_body,
    "execution": execution_body,
}
