"""The analyses' outputs checked as ``output_consistency`` checks a solve: ``osa-opt
frontier`` (with the funding order), ``robustness``, ``compare`` and ``execution``, their
run folders (run.json's entry, the workbook's sheets, the report's section) and terminal
output, and the notebook views (``_repr_html_`` of the loaded Result and its analyses).

What is recomputed here, apart from osa-opt's analysis code:

- frontier: each level's budget (the policy budget × its share), its value (the optimum of
  a fresh ``osa_opt.solve`` at that budget), the greedy value (the greedy ids valued by
  docs/model.md's formula), the gain, the projects and their cost;
- funding order: positions 1..n in the documented order (level, value per yen, id), each
  project's value, cost and value per cost, the level where it is first funded (the
  levels' ``added``), each level's projects (the cumulative funding line), the independent
  value (the frontier's), the nesting cost, the 100% level held to portfolio 1;
- robustness: each core index from ``per_sample``'s funded ids, its class by the
  thresholds, the counts summing to the projects, each ranked portfolio's value and (when
  the scores are not sampled and nothing is funded in part) its share near-optimal, mean
  and worst share of the optimum under each sample's weights;
- compare: each scenario's cost per year and in total, projects, countries, its value under
  its own ``policy-<scenario>.toml`` and under the baseline's, and ``added``/``dropped`` as
  the difference of the two portfolios;
- execution: the reserve lists (cumulative ``added``), the execution over all years from
  the years' (weighted by their budgets), probabilities within [0, 1].

Every number the terminal, the workbook (cell and number format), the report and the
notebook views show must be that truth rounded as ``text.fixed`` rounds (halves away from
zero) at the decimals shown; the ids in the same order; no "nan", "None" or "-0.0".
"""

from __future__ import annotations

import json
import math
import re
import tomllib
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import output_consistency as oc

FORMAT_DECIMALS = re.compile(r"0\.(0+)")
#: The funding levels' values and robustness's shares of the optimum: (header, run.json key)
NESTING = (("Nested value", "nested_value"), ("Independent value", "independent_value"),
           ("Nesting cost", "nesting_cost"))
NEAR_OPTIMAL = (("Within 1% of optimum", "share_near_optimal"),
                ("Mean share of optimum", "mean_share_of_optimum"),
                ("Worst share of optimum", "worst_share_of_optimum"))
#: The decimals every output shows of a share (the terminal's): 99.79%, never 99.8% beside it
DECIMALS = {"share_near_optimal": 1, "mean_share_of_optimum": 2, "worst_share_of_optimum": 2}


# ---------------------------------------------------------------- shared pieces


def _workbook(folder: Path) -> Any:
    import warnings

    import openpyxl

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return openpyxl.load_workbook(folder / "portfolios.xlsx")


def _page(folder: Path) -> oc._Text:
    page = oc._Text()
    page.feed((folder / "report.html").read_text(encoding="utf-8"))
    return page


def sheet_rows(ws: Any, first_header: str) -> list[dict[str, Any]]:
    """The rows under the header whose first cell is ``first_header``: label -> cell, down
    to the label Notes under the table, if any (an analysis's notes)."""
    h, cols = oc._table(ws, first_header)
    out = []
    for r in range(h + 1, ws.max_row + 1):
        if ws.cell(r, 1).value == "Notes" and all(
                ws.cell(r, c).value is None for c in cols.values() if c != 1):
            break
        if all(ws.cell(r, c).value is None for c in cols.values()):
            continue
        out.append({label: ws.cell(r, c) for label, c in cols.items()})
    return out


def displayed(cell: Any) -> tuple[str, int, bool] | None:
    """What a spreadsheet shows of a numeric cell: (text, decimals, percent), or None for a
    cell that is not a number."""
    value = cell.value
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    fmt = str(cell.number_format).split(";")[0]
    literal = re.match(r'"([<>][\d.]+%)"', fmt)  # a share's bound: ">99.9%" (formats.py)
    if literal:
        return (literal[1], len(literal[1].rstrip("%").partition(".")[2]), True)
    pct = "%" in fmt
    m = FORMAT_DECIMALS.search(fmt)
    decimals = len(m.group(1)) if m else 0
    if fmt.startswith("General"):
        return (repr(float(value)), 12, False)
    shown = oc._fmt(float(f"{(100 if pct else 1) * value:.10g}"), decimals)
    return (shown + ("%" if pct else ""), decimals, pct)


def check_cell(ck: oc.Checker, where: str, cell: Any, true: float | None, kind: str, *,
               as_shown: bool = False, decimals: int | None = None) -> None:
    """A workbook cell: the exact value, and a number format of its kind whose display is
    the value rounded (a share never reading 0% or 100% when it is neither); ``as_shown``:
    money of a budget sweep, with the decimal ``text.money`` shows (docs/outputs.md: the
    workbook's other money is in whole ¥ million); ``decimals``: the least the format shows,
    as the terminal and the report show the number (97.5%, never "98%" beside them)."""
    if true is None or (isinstance(true, float) and math.isnan(true)):
        if cell.value not in (None, "", "—"):
            ck.problems.append(f"{where}: {cell.value!r}, expected an empty cell")
        return
    ck.exact(where, cell.value, true, 1.0 if kind != "money" else max(1.0, abs(true)))
    shown = displayed(cell)
    if shown is None:
        return
    text, shows, pct = shown
    fmt = str(cell.number_format)
    if re.fullmatch(r"-0(\.0+)?%?", text):
        ck.problems.append(f"{where}: {cell.value!r} displayed as {text} ({fmt!r})")
    if decimals is not None and shows < decimals:
        ck.problems.append(f"{where}: {true!r} shown as {text} ({fmt!r}); the terminal and "
                           f"the report show {decimals} decimal(s)")
    ok = {"money": oc._money_format(fmt) or fmt.startswith("#,##0."),
          "value": fmt.startswith("#,##0.000") or fmt.startswith("0.000"),
          "share": pct, "count": oc._money_format(fmt) or fmt.startswith("General")
          or fmt == "0", "weight": fmt.startswith("0.0") or fmt.startswith("#,##0.0")}[kind]
    if not ok:
        ck.problems.append(f"{where}: number format {fmt!r} for a {kind}")
    if as_shown and abs(true - round(true, 0)) >= 0.05 and shows == 0:
        ck.problems.append(f"{where}: ¥{true!r}m shown as {text} ({fmt!r}); the report "
                           "and the terminal show its decimal")
    if pct and text in ("0%", "100%", "0.0%", "100.0%") and 1e-9 < true < 1 - 1e-9:
        ck.problems.append(f"{where}: {true!r} displayed as {text} ({fmt!r})")
    if text[:1] in ("<", ">"):
        ck.problems += oc.bound_problems(where, text, true, shows)


def share_text(ck: oc.Checker, where: str, shown: str, true: float | None, *,
               exact: bool = False, decimals: int = 0) -> None:
    """A percentage at the decimals it shows; "<0.1%" only for a share too small to show;
    never 0% or 100% (at any decimals) when it is neither. ``exact``: a share of at most
    one decimal as a percentage (a budget level, 137.5%; a target) is shown as it is, as
    the tables show it, never rounded to "138%"."""
    shown = shown.strip()
    if exact and true is not None and abs(100 * true - round(100 * true, 1)) < 1e-9:
        ck.checked[oc._what(where)] += 1
        try:
            ok = abs(float(shown.rstrip("%").replace(",", "")) - 100 * true) < 1e-9
        except ValueError:
            ok = False
        if not ok:
            ck.problems.append(f"{where}: shows {shown!r} for {100 * true:g}%")
        return
    if true is None or (isinstance(true, float) and math.isnan(true)):
        ck.same(where, shown, "—")
        return
    if shown[:1] in ("<", ">"):  # "<0.1%", ">99.9%", ">99.99%": checked as bounds
        ck.problems += oc.bound_problems(where, shown, true,
                                         len(shown.rstrip("%").partition(".")[2]))
        return
    shows = len(shown.rstrip("%").partition(".")[2])
    if shows < decimals:
        ck.problems.append(f"{where}: {shown!r} for {true!r}: {decimals} decimals elsewhere")
    ck.rounded(where, shown, true, shows, percent=True)
    if re.fullmatch(r"(0|100)(\.0+)?%", shown) and 1e-9 < true < 1 - 1e-9:
        ck.problems.append(f"{where}: {shown!r} for {true!r}: reads as none or all")


def clean_text(ck: oc.Checker, where: str, text: str) -> None:
    """No word a reader should never see: nan, None, inf, -0.0 (-0, -0.000)."""
    ck.checked[oc._what(where)] += 1
    for bad in (r"\bnan\b", r"\bNaN\b", r"\bNone\b", r"\binf\b", r"(?<![\w.])-0(?:\.0+)?(?![\d.])"):
        m = re.search(bad, text)
        if m:
            ck.problems.append(f"{where}: shows {m.group()!r}: "
                               f"…{text[max(0, m.start() - 60):m.end() + 40]!r}…")


def _terminal_table(tables: list[tuple[str, list[str], list[list[str]]]], title: str,
                    text: str = "", first: str = ""
                    ) -> tuple[list[str], list[dict[str, str]]] | None:
    """The terminal's table whose title starts with ``title``: headers and each row's
    cells by header (a cell's lines joined by spaces); a table too wide for the terminal is
    printed as records (``console.records``: "FIRST value" then "  Header: cell" lines),
    read from ``text`` when ``first`` names its first column."""
    def cells(headers: list[str], rows: list[list[str]]) -> list[dict[str, str]]:
        return [{h: " ".join(c.split()) for h, c in zip(headers, row, strict=False)}
                for row in rows]

    for t, headers, rows in tables:
        if " ".join(t.split()).startswith(title):
            return headers, cells(headers, rows)
    lines = text.splitlines()  # a title wrapped over lines above the table
    for i, line in enumerate(lines):
        if line.startswith("┏") and any(" ".join(" ".join(lines[j:i]).split()).startswith(title)
                                         for j in range(max(0, i - 2), i)):
            _, headers, rows = oc.box_tables("\n".join(lines[i - 1:]))[0]
            return headers, cells(headers, rows)
    return records(text, title, first) if first else None


def records(text: str, title: str, first: str) -> tuple[list[str], list[dict[str, str]]] | None:
    """A table printed as records (``osa_opt.cli.console.records``)."""
    lines = text.splitlines()
    start = next((i for i in range(len(lines))
                  if " ".join(" ".join(lines[i:i + 3]).split()).startswith(title)), None)
    if start is None:
        return None
    rows: list[dict[str, str]] = []
    last = ""
    for line in lines[start + 1:]:
        if line.startswith(first + " "):
            rows.append({first: line[len(first) + 1:].strip()})
            last = first
        elif rows and line.startswith("  "):
            m = re.match(r"  (\S[^:]*): (.*)$", line)
            if m:
                last = m[1]
                rows[-1][last] = m[2].strip()
            else:
                rows[-1][last] += " " + line.strip()
        elif rows:
            break
    if not rows:
        return None
    headers = list(dict.fromkeys(h for row in rows for h in row))
    return headers, rows


def _num(text: str) -> float:
    return float(text.replace(",", "").replace("¥", "").rstrip("m*%").strip())


def _ids(cell: Any) -> list[str]:
    return [i.strip() for i in re.split(r"[,;\n]", str(cell or "")) if i.strip()]


def _label(g: str) -> str:
    return g.replace("_", " ").capitalize()


# ---------------------------------------------------------------- the frontier


def fresh_optimum(folder: Path, run: dict[str, Any], budget: dict[str, float]
                  ) -> float | None:
    """The optimum of a fresh single solve at ``budget`` (None: the rules cannot be met)."""
    import osa_opt

    path = run.get("input_path")
    problem = osa_opt.load_problem(path, policy=folder / "policy.toml",
                                   overrides={f"budget.{y}": b for y, b in budget.items()})
    result = osa_opt.solve(problem, portfolios=1, explain=False)
    return result.best.objective if result.best is not None else None


def check_frontier(ck: oc.Checker, folder: Path, terminal: str | None, inputs: oc.Inputs,
                   run: dict[str, Any], figs: list[oc.Figures], *, fresh: bool = True) -> None:
    fr, fo = run["analyses"]["frontier"], run["analyses"].get("funding_order")
    years = list(inputs.budget)
    partial = _has_parts(inputs)
    points = fr["points"]
    for p in points:
        k = f"run.json frontier level {p['level']}"
        for y in years:
            ck.exact(f"{k} budget {y}", p["budget"][y], inputs.budget[y] * p["budget_share"])
        solved = p["value"] is not None
        if fresh:
            best = fresh_optimum(folder, run, p["budget"])
            if best is None or not solved:
                ck.same(f"{k} value (fresh solve)", p["value"], best)
            else:
                ck.exact(f"{k} value (fresh solve)", p["value"], best, max(1.0, abs(best)))
        if p["greedy_value"] is not None:
            whole = sum(inputs.items[q].value for q in p["greedy_projects"])
            if not partial:
                ck.exact(f"{k} greedy_value", p["greedy_value"], whole)
        if solved:
            ck.exact(f"{k} gain", p["gain"], p["value"] - p["greedy_value"])
            ck.same(f"{k} projects input order", p["projects"],
                    [q for q in inputs.order if q in p["projects"]])
            if not partial:
                ck.exact(f"{k} value of its projects", p["value"],
                         sum(inputs.items[q].value for q in p["projects"]))
                ck.exact(f"{k} total_cost", p["total_cost"],
                         sum(inputs.items[q].total for q in p["projects"]),
                         inputs.total_budget)
        if abs(p["budget_share"] - 1) < 1e-9 and solved and figs:
            ck.exact(f"{k} value at 100% (portfolio 1)", p["value"], figs[0].value)
    by_level = {p["level"]: p for p in points}
    if fo and fo.get("order") is not None:
        order, levels = fo["order"], fo["levels"]
        ck.same("run.json funding order positions", [o["position"] for o in order],
                list(range(1, len(order) + 1)))
        first: dict[str, int] = {}
        for lv in levels:
            for q in lv["added"]:
                first.setdefault(q, lv["level"])
        for o in order:
            pid, k = o["project_id"], f"run.json funding order {o['project_id']}"
            it = inputs.items[pid]
            ck.exact(f"{k} value", o["value"], it.value)
            ck.same(f"{k} level_number", o["level_number"], first.get(pid))
            if o["level_number"] in by_level:
                ck.exact(f"{k} level", o["level"], by_level[o["level_number"]]["budget_share"])
        ck.same("run.json funding order sequence", [o["project_id"] for o in order], sorted(
            (o["project_id"] for o in order),
            key=lambda q: (first.get(q, 0), -_per_cost(inputs.items[q]), q)))
        funded: list[str] = []
        for lv in levels:
            funded = [q for q in funded if q not in lv["dropped"]] + lv["added"]
            k = f"run.json funding level {lv['level']}"
            # a level the rules cannot meet funds nothing; the line goes on above it
            ck.same(f"{k} projects", lv["projects"],
                    len(funded) if lv["nested_value"] is not None else 0)
            point = by_level.get(lv["level"])
            if point is not None and lv["nested_value"] is not None:
                ck.exact(f"{k} independent_value", lv["independent_value"], point["value"])
                ck.exact(f"{k} nesting_cost", lv["nesting_cost"],
                         point["value"] - lv["nested_value"])
                if lv["nesting_cost"] < -1e-6:
                    ck.problems.append(f"{k}: a negative nesting cost {lv['nesting_cost']}")
                if not partial:
                    ck.exact(f"{k} nested_value", lv["nested_value"],
                             sum(inputs.items[q].value for q in funded))
            if point is not None and abs(point["budget_share"] - 1) < 1e-9 and figs \
                    and not fo.get("restarts") and lv["nested_value"] is not None:
                ck.same(f"{k} at 100% is portfolio 1", sorted(funded), sorted(figs[0].fractions))
    bad = [p["budget_share"] for p in points if p["value"] is None]
    for note in run["notes"]:  # the levels named as every table shows their shares
        m = re.search(r"cannot be met at (\d+) budget level\(s\) of the sweep \((.*?)\)", note)
        if m:
            ck.same("run.json note: infeasible levels", int(m[1]), len(bad))
            for shown, share in zip(m[2].split(", "), bad, strict=False):
                share_text(ck, "run.json note: infeasible level", shown, share, exact=True)
        m = re.search(r"from (\S+%) of the budget \(level (\d+)\)", note)
        if m:
            share_text(ck, "run.json note: restart level", m[1],
                       by_level_share(points, int(m[2])), exact=True)
    _frontier_workbook(ck, folder, inputs, fr, fo)
    _frontier_report(ck, folder, inputs, fr, fo)
    if terminal is not None:
        _frontier_terminal(ck, terminal, inputs, fr, fo, figs)


def by_level_share(points: list[dict[str, Any]], level: int) -> float | None:
    return next((p["budget_share"] for p in points if p["level"] == level), None)


def _per_cost(it: oc.Item) -> float:
    return it.value / it.total if it.total > 0 else math.inf


def shown_gap(a: float | None, b: float | None, decimals: int = 3) -> float | None:
    """A frontier's gain or a funding level's nesting cost as the terminal, the report, the
    workbook and the notebook show it (docs/frontier.md): the difference of the two values
    each rounded to ``decimals`` (halves away from zero), so the columns add up; run.json
    keeps the exact difference."""
    if a is None or b is None or (isinstance(a, float) and math.isnan(a)) \
            or (isinstance(b, float) and math.isnan(b)):
        return None
    q = Decimal(1).scaleb(-decimals)
    return float(Decimal(repr(float(a))).quantize(q, ROUND_HALF_UP)
                 - Decimal(repr(float(b))).quantize(q, ROUND_HALF_UP))


def _shown_levels(lv: dict[str, Any]) -> dict[str, Any]:
    """A funding level with its nesting cost as the tables show it."""
    return {**lv, "nesting_cost": shown_gap(lv["independent_value"], lv["nested_value"])}


def _shown_points(p: dict[str, Any]) -> dict[str, Any]:
    """A frontier point with its gain as the tables show it."""
    return {**p, "gain": shown_gap(p["value"], p["greedy_value"])}


def _has_parts(inputs: oc.Inputs) -> bool:
    """Whether a portfolio may fund a project in part (min_funding or whole units)."""
    return bool(inputs.partial)


def one_decimals(ck: oc.Checker, where: str, rows: list[dict[str, str]]) -> None:
    """Each money column of a budget sweep's table in one number of decimals (docs/
    outputs.md: never "4,525" above "6,787.5")."""
    for header in {h for row in rows for h in row if "(¥m)" in h}:
        texts = [str(row[header]).strip() for row in rows if header in row]
        decimals = {len(t.partition(".")[2]) for t in texts if t and t[-1].isdigit()}
        ck.checked[oc._what(where)] += 1
        if len(decimals) > 1:
            ck.problems.append(f"{where} {header}: amounts in {sorted(decimals)} decimals: "
                               f"{texts[:4]}")


def _frontier_workbook(ck: oc.Checker, folder: Path, inputs: oc.Inputs, fr: dict[str, Any],
                       fo: dict[str, Any] | None) -> None:
    book = _workbook(folder)
    years = list(inputs.budget)
    rows = sheet_rows(book["Frontier"], "Level")
    one_decimals(ck, "Frontier", [{h: (displayed(c) or ("",))[0] for h, c in row.items()}
                                  for row in rows])
    for row, p in zip(rows, fr["points"], strict=False):
        k = f"Frontier level {p['level']}"
        ck.same(f"{k} level", row["Level"].value, p["level"])
        check_cell(ck, f"{k} share", row["Budget share"], p["budget_share"], "share", decimals=1)
        for y in years:
            check_cell(ck, f"{k} budget {y}", row[f"Budget {y} (¥m)"], p["budget"][y], "money",
                       as_shown=True)
        check_cell(ck, f"{k} total budget", row["Total budget (¥m)"],
                   sum(p["budget"].values()), "money", as_shown=True)
        for label, key in (("Value", "value"), ("Greedy value", "greedy_value"),
                           ("Gain", "gain")):
            check_cell(ck, f"{k} {label}", row[label], _shown_points(p)[key], "value")
        if p["value"] is not None:
            check_cell(ck, f"{k} projects", row["Projects"], len(p["projects"]), "count")
            check_cell(ck, f"{k} total cost", row["Total cost (¥m)"], p["total_cost"], "money")
            ck.same(f"{k} project ids", _ids(row["Project ids"].value), p["projects"])
        ck.same(f"{k} greedy ids", _ids(row["Greedy ids"].value), p["greedy_projects"])
    ck.same("Frontier rows", len(sheet_rows(book["Frontier"], "Level")), len(fr["points"]))
    if not fo or fo.get("order") is None:
        return
    rows = sheet_rows(book["Funding order"], "Project")
    ck.same("Funding order ids", [r["Project"].value for r in rows],
            [o["project_id"] for o in fo["order"]])
    for row, o in zip(rows, fo["order"], strict=False):
        it = inputs.items[o["project_id"]]
        k = f"Funding order {o['project_id']}"
        check_cell(ck, f"{k} position", row["Position"], o["position"], "count")
        check_cell(ck, f"{k} level", row["Funded from budget share"], o["level"], "share")
        check_cell(ck, f"{k} value", row["Value"], it.value, "value")
        check_cell(ck, f"{k} total cost", row["Total cost (¥m)"], it.total, "money")
        check_cell(ck, f"{k} value per cost", row["Value per ¥m"],
                   it.value / it.total if it.total else None, "value")
    rows = sheet_rows(book["Funding levels"], "Level")
    ck.same("Funding levels rows", len(rows), len(fo["levels"]))
    for row, lv in zip(rows, fo["levels"], strict=False):
        k = f"Funding levels {lv['level']}"
        check_cell(ck, f"{k} share", row["Budget share"], lv["budget_share"], "share")
        for label, key in NESTING:
            check_cell(ck, f"{k} {label}", row[label], _shown_levels(lv)[key], "value")
        check_cell(ck, f"{k} projects", row["Projects"], lv["projects"], "count")
        ck.same(f"{k} added", _ids(row["Added"].value), lv["added"])
        ck.same(f"{k} dropped", _ids(row["Dropped"].value), lv["dropped"])


def _report_value(ck: oc.Checker, where: str, shown: str, true: float | None,
                  decimals: int = 3) -> None:
    if true is None or (isinstance(true, float) and math.isnan(true)):
        ck.same(where, shown.strip(), "—")
    else:
        ck.rounded(where, shown.lstrip("+"), true, decimals)


def _report_money(ck: oc.Checker, where: str, shown: str, true: float) -> None:
    ck.rounded(where, shown, true, oc._report_money_decimals(true))


def _frontier_report(ck: oc.Checker, folder: Path, inputs: oc.Inputs, fr: dict[str, Any],
                     fo: dict[str, Any] | None) -> None:
    page = _page(folder)
    rows = oc._report_rows(page, "Frontier")
    ck.same("report frontier rows", len(rows), min(len(fr["points"]), 40))
    one_decimals(ck, "report frontier", rows)
    for cells, p in zip(rows, fr["points"], strict=False):
        k = f"report frontier level {p['level']}"
        share_text(ck, f"{k} share", cells["Budget share"], p["budget_share"], exact=True)
        _report_money(ck, f"{k} total budget", cells["Total budget (¥m)"],
                      sum(p["budget"].values()))
        _report_value(ck, f"{k} value", cells["Value"], p["value"])
        _report_value(ck, f"{k} greedy", cells["Greedy value"], p["greedy_value"])
        _report_value(ck, f"{k} gain", cells["Gain"], _shown_points(p)["gain"])
        if p["value"] is not None:
            ck.rounded(f"{k} projects", cells["Projects"], len(p["projects"]), 0)
            _report_money(ck, f"{k} total cost", cells["Total cost (¥m)"], p["total_cost"])
    if not fo or fo.get("order") is None:
        return
    rows = oc._report_rows(page, "Funding line")
    ck.same("report funding line ids", [c["Project"] for c in rows],
            [o["project_id"] for o in fo["order"]][:60])
    for cells, o in zip(rows, fo["order"], strict=False):
        it = inputs.items[o["project_id"]]
        k = f"report funding line {o['project_id']}"
        ck.rounded(f"{k} position", cells["Position"], o["position"], 0)
        share_text(ck, f"{k} level", cells["Funded from budget share"], o["level"])
        _report_money(ck, f"{k} total cost", cells["Total cost (¥m)"], it.total)
        _report_value(ck, f"{k} value", cells["Value"], it.value)
        if it.total:
            _report_value(ck, f"{k} value per cost", cells["Value per ¥m"], it.value / it.total, 5)
    rows = oc._report_rows(page, "Budget levels")
    for cells, lv in zip(rows, fo["levels"], strict=False):
        k = f"report funding level {lv['level']}"
        share_text(ck, f"{k} share", cells["Budget share"], lv["budget_share"])
        for label, key in NESTING:
            _report_value(ck, f"{k} {label}", cells[label], _shown_levels(lv)[key])
        ck.same(f"{k} added", _ids(cells["Added"]), lv["added"])


def _frontier_terminal(ck: oc.Checker, text: str, inputs: oc.Inputs, fr: dict[str, Any],
                       fo: dict[str, Any] | None, figs: list[oc.Figures]) -> None:
    tables = oc.box_tables(text)
    found = _terminal_table(tables, "Efficient frontier", text, "Level")
    if found is None:
        ck.problems.append("terminal frontier: no table")
        return
    headers, rows = found
    one_decimals(ck, "terminal frontier", rows)
    by_level = {lv["level"]: lv for lv in (fo or {}).get("levels") or []}
    shown_levels = []
    for cells, p in zip(rows, fr["points"], strict=False):
        lv = cells.get("Level")
        if lv is not None:
            shown_levels.append(int(lv))
        k = f"terminal frontier level {p['level']}"
        share_text(ck, f"{k} share", cells["Budget share"], p["budget_share"], exact=True)
        for y in inputs.budget:
            if f"Budget {y} (¥m)" in cells:
                _report_money(ck, f"{k} budget {y}", cells[f"Budget {y} (¥m)"], p["budget"][y])
        if "Total budget (¥m)" in cells:
            _report_money(ck, f"{k} total budget", cells["Total budget (¥m)"],
                          sum(p["budget"].values()))
        if p["value"] is not None:
            _report_value(ck, f"{k} value", cells["Exact value"], p["value"])
            ck.rounded(f"{k} projects", cells["Projects"], len(p["projects"]), 0)
            if "Gain" in cells:
                _report_value(ck, f"{k} gain", cells["Gain"], _shown_points(p)["gain"])
        if "Greedy value" in cells:
            _report_value(ck, f"{k} greedy", cells["Greedy value"].rstrip("*"),
                          p["greedy_value"])
            ck.same(f"{k} greedy star", cells["Greedy value"].endswith("*"),
                    not p["greedy_meets_rules"])
        point = by_level.get(p["level"])
        if point is not None and "Nested value" in cells:
            _report_value(ck, f"{k} nested value", cells["Nested value"], point["nested_value"])
            _report_value(ck, f"{k} nesting cost", cells["Nesting cost"],
                          _shown_levels(point)["nesting_cost"])
    if shown_levels:
        ck.same("terminal frontier levels", shown_levels, [p["level"] for p in fr["points"]])
    if not fo or not fo.get("order"):
        return
    found = _terminal_table(tables, "Funding order", text, "Place")
    if found is None:
        ck.problems.append("terminal funding order: no table")
        return
    _, rows = found
    order = fo["order"]
    ck.same("terminal funding order ids", [c["Project"] for c in rows],
            [o["project_id"] for o in order][:len(rows)])
    m = re.search(r"Funding order \(top (\d+) of ([\d,]+)\)", " ".join(text.split()))
    ck.same("terminal funding order count", m and (int(m[1]), int(m[2].replace(",", ""))),
            (min(15, len(order)), len(order)))
    for cells, o in zip(rows, order, strict=False):
        k = f"terminal funding order {o['project_id']}"
        ck.same(f"{k} place", cells["Place"], str(o["position"]))
        share_text(ck, f"{k} level", cells["First funded at"], o["level"], exact=True)
        _report_value(ck, f"{k} value", cells["Value"], inputs.items[o["project_id"]].value)
    flat = " ".join(text.split())
    m = re.search(r"Portfolio 1 is the funding line up to place (\d+)", flat)
    if m:
        ck.same("terminal funding line of portfolio 1", int(m[1]),
                sum(1 for o in order if o["level"] <= 1 + 1e-9))
    m = re.search(r"At the policy budget the optimum is worth (-?[\d,.]+) \((\d+) projects?\)",
                  flat)
    if figs and m:
        ck.rounded("terminal frontier optimum", m[1], figs[0].value, 3)
        ck.same("terminal frontier optimum projects", int(m[2]), len(figs[0].fractions))


# ---------------------------------------------------------------- robustness


def sample_values(inputs: oc.Inputs, weights: dict[str, float]) -> dict[str, float]:
    """Each project's value with the sample's weights (docs/model.md's formula)."""
    ob = inputs.policy.get("objective", {})
    base = dict(ob.get("weights", {}))
    out = {}
    for pid, it in inputs.items.items():
        score = sum(float(w) * it.scores.get(k, 0.0) for k, w in base.items())
        shifted = sum(float(weights.get(k, w)) * it.scores.get(k, 0.0) for k, w in base.items())
        out[pid] = it.value * shifted / score if score else (0.0 if shifted == 0 else math.nan)
    return out


def check_robustness(ck: oc.Checker, folder: Path, terminal: str | None, inputs: oc.Inputs,
                     run: dict[str, Any], figs: list[oc.Figures]) -> None:
    rob = run["analyses"]["robustness"]
    done = [s for s in rob["per_sample"] if s["status"] in ("optimal", "time_limit")]
    ck.same("run.json robustness samples_done", rob["samples_done"], len(rob["per_sample"]))
    n = len(done)
    th = rob["thresholds"]
    counts = {"core": 0, "borderline": 0, "exterior": 0}
    ck.same("run.json robustness project ids", sorted(p["project_id"] for p in rob["projects"]),
            sorted(inputs.order))
    for p in rob["projects"]:
        pid, k = p["project_id"], f"run.json robustness {p['project_id']}"
        true = sum(pid in s["funded"] for s in done) / n if n else 0.0
        ck.exact(f"{k} core_index", p["core_index"], true)
        cls = "core" if true >= th["core"] - 1e-12 else "exterior" \
            if true <= th["exterior"] + 1e-12 else "borderline"
        ck.same(f"{k} class", p["class"], cls)
        counts[cls] += 1
        ck.same(f"{k} funded_in_best", p["funded_in_best"],
                bool(figs) and pid in figs[0].fractions)
    ck.same("run.json robustness counts", rob["counts"], counts)
    ck.same("run.json robustness order (core index, highest first)",
            [p["core_index"] for p in rob["projects"]],
            sorted((p["core_index"] for p in rob["projects"]), reverse=True))
    spread = any(k.startswith("score_spread") for k in inputs.columns)
    for port, fig in zip(rob["portfolios"], figs, strict=False):
        k = f"run.json robustness portfolio {port['rank']}"
        ck.exact(f"{k} objective", port["objective"], fig.value)
        if spread or not n or any(f < 1 - 1e-9 for f in fig.fractions.values()) \
                or fig.extension:
            continue
        shares = []
        for s in done:
            vals = sample_values(inputs, s["weights"])
            mine = sum(vals[q] * f for q, f in fig.fractions.items())
            shares.append(mine / s["optimum"] if s["optimum"] > 0 else math.nan)
        if any(math.isnan(x) for x in shares):
            continue
        near = sum(x >= 1 - th["near_optimal"] - 1e-9 for x in shares) / n
        ck.exact(f"{k} share_near_optimal", port["share_near_optimal"], near)
        ck.exact(f"{k} mean_share_of_optimum", port["mean_share_of_optimum"],
                 sum(shares) / n, 1e2)  # run.json keeps 6 decimals
        ck.exact(f"{k} worst_share_of_optimum", port["worst_share_of_optimum"], min(shares), 1e2)
    book = _workbook(folder)
    rows = sheet_rows(book["Robustness"], "Project")
    ck.same("Robustness ids", [r["Project"].value for r in rows],
            [p["project_id"] for p in rob["projects"]])
    for row, p in zip(rows, rob["projects"], strict=False):
        k = f"Robustness {p['project_id']}"
        check_cell(ck, f"{k} core index", row["Core index"], p["core_index"], "share",
                   decimals=1)
        check_cell(ck, f"{k} mean fraction", row["Mean fraction"], p["mean_fraction"], "share")
        ck.same(f"{k} class", str(row["Class"].value).lower(), p["class"])
    rows = sheet_rows(book["Robustness portfolios"], "Rank")
    for row, port in zip(rows, rob["portfolios"], strict=True):
        k = f"Robustness portfolios {port['rank']}"
        check_cell(ck, f"{k} value", row["Value"], port["objective"], "value")
        for label, key in NEAR_OPTIMAL:
            check_cell(ck, f"{k} {label}", row[label], port[key], "share",
                       decimals=DECIMALS[key])
    rows = sheet_rows(book["Robustness samples"], "Sample")
    ck.same("Robustness samples rows", len(rows), len(rob["per_sample"]))
    for row, s in zip(rows, rob["per_sample"], strict=False):
        k = f"Robustness samples {s['sample']}"
        check_cell(ck, f"{k} optimum", row["Optimum"], s["optimum"], "value")
        check_cell(ck, f"{k} projects", row["Projects"], s["projects"], "count")
        for c, w in s["weights"].items():
            check_cell(ck, f"{k} weight {c}", row[f"Weight {c}"], w, "weight")
    page = _page(folder)
    for cells, port in zip(oc._report_rows(page, "How often each portfolio stays near-optimal"),
                           rob["portfolios"], strict=False):
        k = f"report robustness portfolio {port['rank']}"
        _report_value(ck, f"{k} value", cells["Value"], port["objective"])
        for label, key in NEAR_OPTIMAL:
            share_text(ck, f"{k} {label}", cells[label], port[key], decimals=DECIMALS[key])
    rows = oc._report_rows(page, "Projects")
    by_id = {p["project_id"]: p for p in rob["projects"]}
    ck.same("report robustness ids", [c["Project"] for c in rows],
            [p["project_id"] for p in rob["projects"]][:40])
    for cells in rows:
        p = by_id.get(cells["Project"])
        if p is not None:
            share_text(ck, f"report robustness {p['project_id']} core index",
                       cells["Core index"], p["core_index"])
            share_text(ck, f"report robustness {p['project_id']} mean fraction",
                       cells["Mean fraction"], p["mean_fraction"])
    text = "".join(page.sections.get("Robustness", []))
    for pid, shown in re.findall(r"(\S+) [^·]*?(\S+%|<0.1%) · (?:core|borderline|exterior)",
                                 text):
        if pid in by_id:
            share_text(ck, f"report robustness bar {pid}", shown, by_id[pid]["core_index"])
    if terminal is None:
        return
    flat = " ".join(terminal.split())
    core = [p["project_id"] for p in rob["projects"] if p["class"] == "core" and p["eligible"]]
    m = re.search(r"Core \((\d+), funded in ≥ 95% of samples(?:, including \d+ held in by a "
                  r"rule: .*?)?\): (.*?)(?= Borderline)", flat)
    if m:
        ck.same("terminal robustness core count", int(m[1]), rob["counts"]["core"])
        ck.same("terminal robustness core ids", [i for i in m[2].split(", ") if i != "—"],
                [q for q in inputs.order if q in core])
    else:
        ck.problems.append("terminal robustness: no core line")
    # "including 4 ineligible, 1 forced out" (eligibility.out_words), nothing when none is
    m = re.search(r"Exterior \((\d+), funded in ≤ 5% of samples(?:, including "
                  r"(?:(\d+) ineligible)?(?:, )?(?:(\d+) forced out)?)?\)", flat)
    out = [p["project_id"] for p in rob["projects"] if not p["eligible"]]
    ck.same("terminal robustness exterior",
            m and (int(m[1]), int(m[2] or 0) + int(m[3] or 0)),
            (rob["counts"]["exterior"], len(out)))
    # forced out: the round's decision alone (a project also failing a rule is ineligible)
    if m and int(m[3] or 0) > sum(inputs.items[q].forced_out for q in out):
        ck.problems.append(f"terminal robustness: {m[3]} forced out, but only "
                           f"{sum(inputs.items[q].forced_out for q in out)} excluded by status "
                           "or by the year of their cost")
    found = _terminal_table(oc.box_tables(terminal), "Borderline", terminal, "Project")
    if found:
        for cells in found[1]:
            p = by_id.get(cells["Project"])
            if p is None:
                ck.problems.append(f"terminal robustness borderline {cells['Project']!r}")
                continue
            share_text(ck, f"terminal robustness {p['project_id']} core index",
                       cells["Core index"], p["core_index"])
            ck.same(f"terminal robustness {p['project_id']} class", p["class"], "borderline")
    found = _terminal_table(oc.box_tables(terminal), "Ranked portfolios under the samples",
                            terminal, "Rank")
    if found:
        for cells, port in zip(found[1], rob["portfolios"], strict=True):
            k = f"terminal robustness portfolio {port['rank']}"
            _report_value(ck, f"{k} value", cells["Value"], port["objective"])
            for label, key in NEAR_OPTIMAL:
                share_text(ck, f"{k} {label}", cells[label], port[key], decimals=DECIMALS[key])
    else:
        ck.problems.append("terminal robustness: no portfolio table")


# ---------------------------------------------------------------- compare


def scenario_slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def check_compare(ck: oc.Checker, folder: Path, terminal: str | None, inputs: oc.Inputs,
                  run: dict[str, Any], figs: list[oc.Figures]) -> None:
    cmp_ = run["analyses"]["comparison"]
    scenarios = cmp_["scenarios"]
    base = scenarios[0]
    years = list(inputs.budget)
    base_inputs = _inputs_under(folder, run, scenario_slug(base["name"]), inputs)
    for sc in scenarios:
        k = f"run.json comparison {sc['name']}"
        own = _inputs_under(folder, run, scenario_slug(sc["name"]), inputs)
        fractions = {q: float(sc["fractions"].get(q, 1.0)) for q in sc["projects"]}
        ck.same(f"{k} projects input order", sc["projects"],
                [q for q in inputs.order if q in fractions])
        ck.same(f"{k} budget", sc["budget"], own.budget)
        if sc["value"] is None:
            ck.same(f"{k} dropped (nothing funded)", sc["dropped"], base["projects"])
            continue
        for y in years:
            ck.exact(f"{k} cost {y}", sc["cost_by_year"][y],
                     sum(inputs.items[q].cost[y] * f for q, f in fractions.items()),
                     inputs.total_budget)
        ck.exact(f"{k} total_cost", sc["total_cost"], sum(sc["cost_by_year"].values()),
                 inputs.total_budget)
        ck.same(f"{k} n_projects", sc["n_projects"], len(fractions))
        ck.same(f"{k} countries", sc["countries"],
                sorted({inputs.items[q].country for q in fractions}))
        ck.same(f"{k} added", sc["added"], [q for q in sc["projects"] if q not in base["projects"]])
        ck.same(f"{k} dropped", sc["dropped"],
                [q for q in base["projects"] if q not in sc["projects"]])
        ck.exact(f"{k} value", sc["value"],
                 sum(own.items[q].value * f for q, f in fractions.items()))
        ck.exact(f"{k} value_under_baseline", sc["value_under_baseline"],
                 sum(base_inputs.items[q].value * f for q, f in fractions.items()))
    if base["value"] is not None and figs:
        ck.exact("run.json comparison baseline is portfolio 1", base["value"], figs[0].value)
    book = _workbook(folder)
    rows = sheet_rows(book["Comparison"], "Scenario")
    ck.same("Comparison scenarios", [" ".join(str(r["Scenario"].value).split()) for r in rows],
            [s["name"] for s in scenarios])
    for row, sc in zip(rows, scenarios, strict=False):
        k = f"Comparison {sc['name']}"
        check_cell(ck, f"{k} value", row["Value"], sc["value"], "value")
        check_cell(ck, f"{k} value under baseline", row["Value under baseline"],
                   sc["value_under_baseline"], "value")
        for y in years:
            check_cell(ck, f"{k} budget {y}", row[f"Budget {y} (¥m)"], sc["budget"][y], "money")
            if sc["value"] is not None:
                check_cell(ck, f"{k} cost {y}", row[f"Cost {y} (¥m)"], sc["cost_by_year"][y],
                           "money")
        if sc["value"] is not None:
            check_cell(ck, f"{k} total cost", row["Total cost (¥m)"], sc["total_cost"], "money")
            check_cell(ck, f"{k} projects", row["Projects"], sc["n_projects"], "count")
            check_cell(ck, f"{k} countries", row["Countries"], len(sc["countries"]), "count")
        ck.same(f"{k} added", _ids(row["Added"].value), sc["added"])
        ck.same(f"{k} dropped", _ids(row["Dropped"].value), sc["dropped"])
    rows = sheet_rows(book["Comparison by project"], "Project")
    ck.same("Comparison by project ids", [r["Project"].value for r in rows], inputs.order)
    heads = list(rows[0]) if rows else []
    cols = heads[-len(scenarios):]
    for row in rows:
        pid = row["Project"].value
        for col, sc in zip(cols, scenarios, strict=True):
            f = float(sc["fractions"].get(pid, 1.0)) if pid in sc["projects"] else 0.0
            check_cell(ck, f"Comparison by project {pid} {sc['name']}", row[col], f, "share")
    page = _page(folder)
    rows = oc._report_rows(page, "Comparison")
    ck.same("report comparison scenarios", [c["Scenario"] for c in rows],
            [s["name"] for s in scenarios])
    for cells, sc in zip(rows, scenarios, strict=False):
        k = f"report comparison {sc['name']}"
        _report_value(ck, f"{k} value", cells["Value"], sc["value"])
        under = next((v for h, v in cells.items() if h.startswith("Value under")), None)
        if under is not None:
            _report_value(ck, f"{k} value under baseline", under, sc["value_under_baseline"])
        for y in years:
            if sc["value"] is not None:
                _report_money(ck, f"{k} cost {y}", cells[f"Cost {y} (¥m)"], sc["cost_by_year"][y])
        if sc["value"] is not None:
            ck.rounded(f"{k} projects", cells["Projects"], sc["n_projects"], 0)
            ck.rounded(f"{k} countries", cells["Countries"], len(sc["countries"]), 0)
        added = next(v for h, v in cells.items() if h.startswith("In ("))
        dropped = next(v for h, v in cells.items() if h.startswith("Out ("))
        ck.same(f"{k} in", _ids(added), sc["added"])
        ck.same(f"{k} out", _ids(dropped), sc["dropped"])
    rows = oc._report_rows(page, "Projects whose funding differs")
    for cells in rows:
        pid = cells["Project"]
        for sc in scenarios:
            mark = cells.get(sc["name"])
            f = float(sc["fractions"].get(pid, 1.0)) if pid in sc["projects"] else 0.0
            where = f"report comparison differs {pid} {sc['name']}"
            if mark == "●":
                ck.same(where, f >= 1 - 1e-6, True)
            elif mark == "○":
                ck.same(where, f, 0.0)
            elif mark is not None:
                share_text(ck, where, mark, f)
    if terminal is None:
        return
    found = _terminal_table(oc.box_tables(terminal), "Scenarios", terminal, "Scenario")
    if found is None:
        ck.problems.append("terminal comparison: no table")
        return
    _, trows = found
    ck.same("terminal comparison rows", len(trows), len(scenarios))
    for cells, sc in zip(trows, scenarios, strict=False):
        k = f"terminal comparison {sc['name']}"
        # a budget scenario's name breaks after its commas: its lines joined by spaces
        ck.same(f"{k} name", re.sub(r",\s+", ",", cells["Scenario"]),
                re.sub(r",\s+", ",", sc["name"]))
        if sc["value"] is None:
            continue
        _report_value(ck, f"{k} value", cells["Value"], sc["value"])
        under = next((v for h, v in cells.items() if h.startswith("Value under")), None)
        if under is not None:
            _report_value(ck, f"{k} value under baseline", under, sc["value_under_baseline"])
        for y in years:
            shown = cells.get(f"Cost {y} (¥m)")
            if shown is None and "Cost per year (¥m)" in cells:
                mm = re.search(rf"{y} (-?[\d,]+)", cells["Cost per year (¥m)"])
                shown = mm.group(1) if mm else "missing"
            if shown is not None:
                ck.rounded(f"{k} cost {y}", shown, sc["cost_by_year"][y], 0)
        ck.rounded(f"{k} projects", cells["Projects"], sc["n_projects"], 0)
        ck.rounded(f"{k} countries", cells["Countries"], len(sc["countries"]), 0)
        for col, key in (("In", "added"), ("Out", "dropped")):
            if col in cells:
                shown_ids = [i for i in re.split(r",\s*|\s+….*", cells[col]) if i and i != "—"]
                ck.same(f"{k} {col}", shown_ids, sc[key][:len(shown_ids)])
                if "…" not in cells[col]:
                    ck.same(f"{k} {col} all", shown_ids, sc[key])


def _inputs_under(folder: Path, run: dict[str, Any], slug: str, inputs: oc.Inputs
                  ) -> oc.Inputs:
    """The inputs valued under the scenario's own ``policy-<slug>.toml``."""
    path = folder / f"policy-{slug}.toml"
    if not path.exists():  # docs/robustness.md: every scenario's policy as solved
        raise AssertionError(f"no {path.name} in the run folder")
    return oc.read_inputs(folder, run, policy=tomllib.loads(path.read_text(encoding="utf-8")))


# ---------------------------------------------------------------- execution


def check_execution(ck: oc.Checker, folder: Path, terminal: str | None, inputs: oc.Inputs,
                    run: dict[str, Any], figs: list[oc.Figures]) -> None:
    ex = run["analyses"]["execution"]
    levels = ex["levels"]
    years = list(inputs.budget)
    ck.same("run.json execution portfolio", ex["portfolio"], list(figs[0].fractions) if figs
            else [])
    reserve: list[str] = []
    for lv in levels:
        k = f"run.json execution {lv['reserves']} reserves"
        reserve = reserve + lv["added"]
        ck.same(f"{k} reserve_projects", lv["reserve_projects"], reserve)
        ck.exact(f"{k} expected_execution (from the years)", lv["expected_execution"],
                 sum(lv["execution_by_year"][y] * inputs.budget[y] for y in years)
                 / inputs.total_budget)
        for key in ("expected_execution", "p_below_target"):
            if not -1e-9 <= lv[key] <= 1 + 1e-9 and key == "p_below_target":
                ck.problems.append(f"{k} {key} = {lv[key]}")
    ck.same("run.json execution reserves", [lv["reserves"] for lv in levels],
            list(range(len(levels))))
    rec = ex["recommended_reserves"]
    reach = [lv["reserves"] for lv in levels if lv["expected_execution"] >= ex["target"] - 1e-12]
    ck.same("run.json execution recommended", rec, reach[0] if reach else None)
    for note in ex["notes"]:
        if re.search(r"\bOnly 0\b", note):
            ck.problems.append(f"run.json execution note: {note!r}")
    for note in ex["notes"]:  # the target as the terminal's header shows it
        m = re.search(r"reaches the target (\S+%)", note)
        if m:
            share_text(ck, "run.json execution note: target", m[1], ex["target"], exact=True)
    book = _workbook(folder)
    rows = sheet_rows(book["Execution"], "Reserves")
    ck.same("Execution rows", len(rows), len(levels))
    for row, lv in zip(rows, levels, strict=False):
        k = f"Execution {lv['reserves']}"
        check_cell(ck, f"{k} reserves", row["Reserves"], lv["reserves"], "count")
        ck.same(f"{k} reserve projects", _ids(row["Reserve projects"].value),
                lv["reserve_projects"])
        ck.same(f"{k} added", _ids(row["Added"].value), lv["added"])
        check_cell(ck, f"{k} expected execution", row["Expected execution"],
                   lv["expected_execution"], "share", decimals=1)
        for y in years:
            check_cell(ck, f"{k} execution {y}", row[f"Execution {y}"],
                       lv["execution_by_year"][y], "share", decimals=1)
        check_cell(ck, f"{k} chance below", row["Chance below the target"], lv["p_below_target"],
                   "share", decimals=1)
        check_cell(ck, f"{k} expected value", row["Expected value"], lv["expected_value"],
                   "value")
    page = _page(folder)
    rows = oc._report_rows(page, "Execution")
    ck.same("report execution rows", len(rows), min(len(levels), 40))
    for cells, lv in zip(rows, levels, strict=False):
        _execution_row(ck, f"report execution {lv['reserves']}", cells, lv, years, ex)
    if terminal is None:
        return
    found = _terminal_table(oc.box_tables(terminal), "Expected execution by number of reserves",
                            terminal, "Reserves")
    if found is None:
        ck.problems.append("terminal execution: no table")
        return
    ck.same("terminal execution rows", len(found[1]), len(levels))
    ck.same("terminal execution recommended (←)",
            [int(c["Reserves"].rstrip(" ←")) for c in found[1] if c["Reserves"].endswith("←")],
            [rec] if rec is not None else [])
    flat = " ".join(terminal.split())
    m = re.search(r"Recommended: (\d+) reserves?(?: \((.*?)\))?: expected execution", flat)
    ck.same("terminal execution recommended", m and (int(m[1]), _ids(m[2])),
            (rec, levels[rec]["reserve_projects"]) if rec is not None else None)
    m = re.search(r"Target: (\S+%) of the budget", flat)
    if m:
        share_text(ck, "terminal execution target", m[1], ex["target"], exact=True)
    else:
        ck.problems.append("terminal execution: no target")
    for cells, lv in zip(found[1], levels, strict=False):
        _execution_row(ck, f"terminal execution {lv['reserves']}", cells, lv, years, ex)


def _execution_row(ck: oc.Checker, k: str, cells: dict[str, str], lv: dict[str, Any],
                   years: list[str], ex: dict[str, Any]) -> None:
    ck.same(f"{k} reserves", cells["Reserves"].rstrip(" ←"), str(lv["reserves"]))
    ck.same(f"{k} added", [i for i in _ids(cells["Added"]) if i != "—"], lv["added"])
    share_text(ck, f"{k} expected", cells["Expected execution"], lv["expected_execution"])
    for y in years:
        share_text(ck, f"{k} {y}", cells[f"Execution {y}"], lv["execution_by_year"][y])
    chance = next(v for h, v in cells.items() if h.startswith("Chance below"))
    share_text(ck, f"{k} chance below", chance, lv["p_below_target"])
    _report_value(ck, f"{k} expected value", cells["Expected value"], lv["expected_value"])


# ---------------------------------------------------------------- notebook views


def check_notebook(ck: oc.Checker, folder: Path, run: dict[str, Any],
                   figs: list[oc.Figures]) -> None:
    """The loaded run's notebook views: each number in the Result's summary table is its
    portfolio's, rounded; no view shows nan, None or -0.0."""
    import osa_opt

    result = osa_opt.load_run(folder)
    views = {"Result": result._repr_html_()}
    for name, analysis in result.analyses.items():
        views[f"analysis {name}"] = analysis._repr_html_()
    for p in result.portfolios[:2]:
        views[f"Portfolio {p.rank}"] = p._repr_html_()
    reprs = {"Result": repr(result), **{f"analysis {n}": repr(a)
                                        for n, a in result.analyses.items()},
             **{f"Portfolio {p.rank}": repr(p) for p in result.portfolios}}
    for where, text in reprs.items():
        clean_text(ck, f"notebook repr {where}", text)
    if figs:
        m = re.search(r"value (-?[\d,.]+), (\d+) projects?, ¥([\d,.]+)m",
                      reprs["Portfolio 1"])
        if m is None:
            ck.problems.append(f"notebook repr Portfolio 1: {reprs['Portfolio 1']!r}")
        else:
            ck.rounded("notebook repr Portfolio 1 value", m[1], figs[0].value, 3)
            ck.same("notebook repr Portfolio 1 decimals", len(m[1].partition(".")[2]), 3)
            ck.rounded("notebook repr Portfolio 1 cost", m[3], figs[0].total,
                       oc._report_money_decimals(figs[0].total))
    ex = result.analyses.get("execution")
    if ex is not None:
        for shown in re.findall(r"reach(?:es)? (\S+%)", reprs["analysis execution"]):
            share_text(ck, "notebook repr execution target", shown, ex.target, exact=True)
    for where, html in views.items():
        page = oc._Text()
        page.feed(html)
        text = " ".join("".join(page.sections.get("", [])).split())
        clean_text(ck, f"notebook {where}", text)
        for _, rows in page.tables:
            for row in rows[1:]:
                for c in row:
                    if c in ("nan", "None", "-0.0", "-0", "-0.000", "inf"):
                        ck.problems.append(f"notebook {where}: a cell {c!r} in {row[:3]}")
    analyses = run.get("analyses", {})
    for name, html in views.items():
        if name.startswith("analysis "):
            _check_analysis_view(ck, f"notebook {name}", html, name.split(" ", 1)[1],
                                 analyses.get(name.split(" ", 1)[1]))
    page = oc._Text()
    page.feed(views["Result"])
    rows = page.tables[0][1] if page.tables else []
    if figs and rows:
        heads = rows[0]
        for row, fig in zip(rows[1:], figs, strict=False):
            cells = dict(zip(heads, row, strict=False))
            k = f"notebook Result rank {fig.rank}"
            if "Objective" in cells or "Value" in cells:
                ck.rounded(f"{k} value", cells.get("Value", cells.get("Objective", "")),
                           fig.value, 3)
            if "Total cost (¥m)" in cells:
                ck.rounded(f"{k} total cost", cells["Total cost (¥m)"], fig.total,
                           oc._report_money_decimals(fig.total))
            if "Share of best" in cells:
                share_text(ck, f"{k} share", cells["Share of best"], fig.share_of_best)


def _view_tables(html: str) -> list[list[dict[str, str]]]:
    page = oc._Text()
    page.feed(html)
    return [[dict(zip(rows[0], row, strict=False)) for row in rows[1:]]
            for _, rows in page.tables if rows]


def _check_analysis_view(ck: oc.Checker, k: str, html: str, name: str,
                         entry: dict[str, Any] | None) -> None:
    """An analysis's notebook view (``_repr_html_``): its tables' numbers are run.json's,
    rounded as the report rounds them."""
    if entry is None:
        return
    tables = _view_tables(html)

    def table_with(*headers: str) -> list[dict[str, str]]:
        for rows in tables:
            if rows and all(h in rows[0] for h in headers):
                return rows
        ck.problems.append(f"{k}: no table with {headers}")
        return []

    if name == "frontier":
        for cells, p in zip(table_with("Level", "Budget share", "Greedy value"),
                            entry["points"], strict=False):
            w = f"{k} level {p['level']}"
            share_text(ck, f"{w} share", cells["Budget share"], p["budget_share"], exact=True)
            _report_money(ck, f"{w} total budget", cells["Total budget (¥m)"],
                          sum(p["budget"].values()))
            for label, key in (("Value", "value"), ("Greedy value", "greedy_value"),
                               ("Gain", "gain")):
                _report_value(ck, f"{w} {label}", cells[label], _shown_points(p)[key])
    elif name == "funding_order" and entry.get("order"):
        for cells, o in zip(table_with("Project", "Position"), entry["order"], strict=False):
            w = f"{k} {o['project_id']}"
            ck.same(f"{w} id", cells["Project"], o["project_id"])
            share_text(ck, f"{w} level", next(v for h, v in cells.items()
                                              if h in ("Level", "Funded from budget share",
                                                       "First funded at")), o["level"],
                       exact=True)
            _report_value(ck, f"{w} value", cells["Value"], o["value"])
        for cells, lv in zip(table_with("Nested value"), entry["levels"], strict=False):
            w = f"{k} level {lv['level']}"
            for label, key in NESTING:
                _report_value(ck, f"{w} {label}", cells[label], _shown_levels(lv)[key])
    elif name == "robustness":
        by_id = {p["project_id"]: p for p in entry["projects"]}
        for cells in table_with("Project", "Core index"):
            p = by_id.get(cells["Project"])
            if p is not None:
                share_text(ck, f"{k} {p['project_id']} core index", cells["Core index"],
                           p["core_index"])
        for cells, port in zip(table_with("Rank", "Within 1% of optimum"), entry["portfolios"],
                               strict=False):
            w = f"{k} portfolio {port['rank']}"
            _report_value(ck, f"{w} value", cells["Value"], port["objective"])
            for label, key in NEAR_OPTIMAL:
                share_text(ck, f"{w} {label}", cells[label], port[key], decimals=DECIMALS[key])
    elif name == "comparison":
        scenarios = entry["scenarios"]
        for cells, sc in zip(table_with("Scenario", "Value"), scenarios, strict=False):
            w = f"{k} {sc['name']}"
            ck.same(f"{w} name", cells["Scenario"], sc["name"])
            _report_value(ck, f"{w} value", cells["Value"], sc["value"])
            _report_value(ck, f"{w} value under baseline", cells["Value under baseline"],
                          sc["value_under_baseline"])
        rows = table_with("Project", "Title")
        if rows:
            ck.same(f"{k} scenario columns", list(rows[0])[-len(scenarios):],
                    [sc["name"] for sc in scenarios])
        for cells in rows:
            pid = cells["Project"]
            for sc in scenarios:
                f = float(sc["fractions"].get(pid, 1.0)) if pid in sc["projects"] else 0.0
                shown = cells.get(sc["name"])
                if shown is not None:
                    share_text(ck, f"{k} {pid} {sc['name']}", shown, f)
    elif name == "execution":
        years = list(entry["levels"][0]["execution_by_year"]) if entry["levels"] else []
        for cells, lv in zip(table_with("Reserves", "Expected execution"), entry["levels"],
                             strict=False):
            cells = {**cells, "Added": cells.get("Added") or "—"}
            _execution_row(ck, f"{k} {lv['reserves']}", cells, lv, years, entry)


# ---------------------------------------------------------------- all of it


CHECKS: dict[str, Callable[..., None]] = {
    "frontier": check_frontier, "robustness": check_robustness, "compare": check_compare,
    "execution": check_execution}


def check_command(command: str, folder: Path, terminal: str | None = None, *,
                  checked: Any = None, fresh: bool = True) -> list[str]:
    """Every disagreement in the run folder of ``osa-opt <command>`` and its terminal
    output: the solve's own figures (``output_consistency.check_run``), the analysis's, the
    notebook views, and the words no output should show."""
    problems = oc.check_run(folder, None, checked)
    run = json.loads((folder / "run.json").read_text(encoding="utf-8"))
    inputs = oc.read_inputs(folder, run)
    figs = oc.figures(inputs, run)
    ck = oc.Checker()
    if any(entry.get("fractions") for entry in run["portfolios"]) or inputs.partial:
        ck.loose = 1e-8
    kwargs = {"fresh": fresh} if command == "frontier" else {}
    CHECKS[command](ck, folder, terminal, inputs, run, figs, **kwargs)
    check_notebook(ck, folder, run, figs)
    page = _page(folder)
    clean_text(ck, "report text", " ".join(
        "".join(part for s, parts in page.sections.items() if s != "Manifest"
                for part in parts).split()))
    if terminal is not None:
        clean_text(ck, "terminal text", terminal)
        _check_wrote(ck, folder, terminal)
    if checked is not None:
        checked.update(ck.checked)
    return problems + ck.problems


def _check_wrote(ck: oc.Checker, folder: Path, terminal: str) -> None:
    """"Wrote FOLDER/: run.json, … (workbook sheets A, B and C)": every file named is in
    the folder and listed in run.json's files, and every sheet named is in the workbook."""
    flat = " ".join(terminal.split())
    m = re.search(r"Wrote \S+/: (.*?)(?: \(workbook sheets? (.*?)\))?(?: Note:|$)", flat)
    if m is None:
        ck.problems.append("terminal: no 'Wrote' line")
        return
    run = json.loads((folder / "run.json").read_text(encoding="utf-8"))
    files = [f.strip() for f in m[1].split(",")]
    ck.same("terminal wrote: files", sorted(files), sorted(run["files"]))
    ck.same("terminal wrote: files there", [f for f in files if not (folder / f).exists()], [])
    if m[2]:
        sheets = [x.strip() for x in re.split(r",| and ", m[2]) if x.strip()]
        ck.same("terminal wrote: sheets", [x for x in sheets
                                           if x not in _workbook(folder).sheetnames], [])


def command_args(command: str, rnd: Any, folder: Path) -> list[str]:
    """The options of ``command`` for a random round: few samples, and for compare a second
    policy of other weights and a budget scenario at 80%."""
    if command == "robustness":
        weights = rnd.policy["objective"]["weights"]
        ranges = ", ".join(f"{k} = [{max(0.0, w * 0.5):g}, {w * 1.5 + 0.1:g}]"
                           for k, w in weights.items())
        return ["--samples", "25", "--set", f"robustness.weight_ranges={{{ranges}}}"]
    if command == "execution":  # a target of 92.5%: a half at the percent; or reserves
        return ["--samples", "150", "--reserves", "4",  # up to 250% of the budget
                *(["--set", "execution.target=0.925"] if rnd.seed % 2 else
                  ["--set", "frontier.stop=2.5"])]
    if command == "compare":
        import docs_model as dm

        policy = dm.file_policy(rnd)
        other = {s: (dict(t) if isinstance(t, dict) else t) for s, t in policy.items()}
        other["objective"] = dict(other["objective"])
        other["objective"]["weights"] = {k: round(w * (1.7 if i % 2 else 0.6), 2) + 0.1
                                         for i, (k, w) in
                                         enumerate(other["objective"]["weights"].items())}
        other["name"] = "other weights"
        path = folder / "weights.toml"
        path.write_text(dm.to_toml(other), encoding="utf-8")
        budget = ",".join(f"{y}={b * 0.8:g}" for y, b in rnd.policy["budget"].items())
        return ["--policy", str(folder / "policy.toml"), "--policy", str(path),
                "--budget-scenario", budget]
    return []


def run_and_check(command: str, rnd: Any, folder: Path, *, xlsx: bool = False,
                  columns: str | None = "80", fresh: bool = True
                  ) -> tuple[int, list[str]]:
    """Write the round, run ``osa-opt <command>`` on it in-process at ``columns`` and check
    the run folder and the terminal. Returns (exit code, disagreements); a round the docs
    call invalid (exit 2) or without a baseline (3, 4) checks nothing."""
    import docs_model as dm

    path, policy = dm.write_round(rnd, folder, xlsx=xlsx)
    extra = command_args(command, rnd, folder)
    if command != "compare":
        extra = ["--policy", str(policy), *extra]
    code, stdout = oc.invoke([command, str(path), *extra], rnd, folder / "out", columns)
    if code != 0:
        return code, []
    return code, check_command(command, folder / "out", stdout, fresh=fresh)
