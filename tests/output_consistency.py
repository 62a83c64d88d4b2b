"""Every number a run folder and ``osa-opt solve``'s terminal summary show, recomputed from
the input files alone and compared output by output.

Independent of osa-opt's code: the input is read here with pandas (CSV files or the
workbook's ``projects`` and ``countries`` sheets), the policy as used from the run folder's
``policy.toml`` with ``tomllib``, and the value of each project is the formula of
docs/model.md ("Objective"). From run.json only the funded ids, fractions and units of each
portfolio are taken; every figure derived from them (cost per year and in total, budget left
and its share used, cost and value by country / region / tier / field with a project of n
fields counting 1/n in each, partners and projects, value and share of the best) is
computed here and must appear in run.json, ``portfolios.csv``, ``portfolios.xlsx`` (cell
values, and the number formats that decide what is displayed), ``report.html`` and the
terminal as docs/outputs.md and docs/report.md say they are rounded:

- run.json and the workbook's cells: the exact amount (within the solver's tolerance);
- ``portfolios.csv``: 6 decimals;
- the workbook's display, the terminal's tables: money in whole ¥ million (``#,##0``),
  values with 3 decimals, shares with 1 decimal, halves away from zero;
- the report's tables: money with one decimal where it has one (``11,312.5``), values with 3
  decimals, shares with 1 decimal.

``check_run(folder, terminal)`` returns every disagreement as a sentence (empty: all agree).
"""

from __future__ import annotations

import csv
import json
import math
import re
import tomllib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pandas as pd

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "inputs" / "example.xlsx"
GROUPS = ("country", "region", "priority_tier", "field")
#: the workbook's allocation sheet of each grouping, and its first header
SHEETS = {"country": ("By country", "Country"), "region": ("By region", "Region"),
          "priority_tier": ("By tier", "Tier"), "field": ("By field", "Field")}


# ---------------------------------------------------------------- the inputs, read here


def _blank(cell: Any) -> bool:
    return cell is None or (isinstance(cell, float) and math.isnan(cell)) \
        or (isinstance(cell, str) and not cell.strip())


def _num(cell: Any, default: float = 0.0) -> float:
    if _blank(cell):
        return default
    return float(str(cell).replace(",", "")) if isinstance(cell, str) else float(cell)


def _read_sheets(path: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    if path.is_dir():
        def one(name: str) -> pd.DataFrame:
            return pd.read_csv(path / f"{name}.csv", dtype=str, keep_default_na=False,
                               encoding="utf-8-sig")
        return one("projects"), one("countries")
    frames = pd.read_excel(path, sheet_name=["projects", "countries"], dtype=object)
    return frames["projects"], frames["countries"]


def _forced_out(row: pd.Series, budget: dict[str, float]) -> bool:
    """Status excluded, or no cost in the policy's years and some in another year's column."""
    if str(row.get("status", "")).strip().lower() == "excluded":
        return True
    ours = [f"cost_{y}" for y in budget]
    others = [c for c in row.index if str(c).startswith("cost_") and c not in ours]
    return all(_blank(row.get(c)) or _num(row.get(c)) == 0 for c in ours) and any(
        not _blank(row.get(c)) and _num(row.get(c)) != 0 for c in others)


@dataclass
class Item:
    pid: str
    title: str
    country: str
    region: str
    tier: str
    fields: list[str]
    cost: dict[str, float]
    value: float
    units_max: int | None
    scores: dict[str, float] = field(default_factory=dict)
    #: out of the round by the round's own decision, not a rule's (docs/outputs.md, "forced
    #: out"): status excluded, or a cost only in a year the policy has no budget for
    forced_out: bool = False

    @property
    def total(self) -> float:
        return sum(self.cost.values())


@dataclass
class Inputs:
    items: dict[str, Item]
    order: list[str]
    budget: dict[str, float]
    policy: dict[str, Any]
    #: some project may be funded in part (a min_funding or units_max cell)
    partial: bool = False
    #: the projects sheet's columns
    columns: tuple[str, ...] = ()

    @property
    def total_budget(self) -> float:
        return sum(self.budget.values())


def read_inputs(folder: Path, run: dict[str, Any], policy: dict[str, Any] | None = None
                ) -> Inputs:
    """The projects and countries as the input files hold them, and each project's value by
    docs/model.md's formula under the run's policy.toml (or ``policy``)."""
    if policy is None:
        policy = tomllib.loads((folder / "policy.toml").read_text(encoding="utf-8"))
    path = Path(run["input_path"]) if run.get("input_path") else EXAMPLE
    projects, countries = _read_sheets(path)
    budget = {str(y): float(b) for y, b in policy["budget"].items()}
    ob = policy.get("objective", {})
    weights = ob.get("weights", {})
    tiers = {str(k): float(v) for k, v in ob.get("tier_multiplier", {}).items()}
    aversion = float(ob.get("risk_aversion", 0.0))
    considered = {k: float(v) for k, v in (ob.get("considerations") or {}).items()}
    strength = float(ob.get("consideration_strength", 0.0))
    by_country = {str(r["country"]).strip(): r for _, r in countries.iterrows()}
    items: dict[str, Item] = {}
    for _, row in projects.iterrows():
        pid = str(row["project_id"]).strip()
        c = by_country[str(row["country"]).strip()]
        tier = str(int(_num(c["priority_tier"])))
        total_g = sum(considered.values())
        factor = 1.0 if not total_g else 1.0 + strength * sum(
            g * (_num(c.get(j), 5.0) - 5.0) / 5.0 for j, g in considered.items()) / total_g
        score = sum(float(w) * _num(row.get(f"score_{k}")) for k, w in weights.items())
        value = score * tiers.get(tier, 1.0) * factor * (1 - aversion * _num(row.get("risk")))
        umax = row.get("units_max")
        items[pid] = Item(
            pid=pid, title=str(row.get("title", "")), country=str(row["country"]).strip(),
            region=str(c["region"]).strip(), tier=tier,
            fields=[f.strip() for f in str(row["field"]).split(";") if f.strip()],
            cost={y: _num(row.get(f"cost_{y}")) for y in budget}, value=value,
            units_max=None if _blank(umax) else int(_num(umax)),
            scores={k: _num(row.get(f"score_{k}")) for k in weights},
            forced_out=_forced_out(row, budget))
    partial = any(not _blank(row.get(c)) for _, row in projects.iterrows()
                  for c in ("min_funding", "units_max") if c in projects.columns)
    return Inputs(items, list(items), budget, policy, partial, tuple(map(str, projects.columns)))


# ---------------------------------------------------------------- the figures, computed here


@dataclass
class Group:
    projects: int = 0
    cost: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    value: float = 0.0

    @property
    def total(self) -> float:
        return sum(self.cost.values())


@dataclass
class Figures:
    rank: int
    fractions: dict[str, float]  # funded id -> fraction, input order
    cost: dict[str, float]
    left: dict[str, float]
    value: float
    share_of_best: float
    partners: dict[str, Group]
    groups: dict[str, dict[str, Group]]
    extension: float = 0.0

    @property
    def total(self) -> float:
        return sum(self.cost.values())

    def fraction_changes(self, first: Figures) -> dict[str, tuple[float, float]]:
        """Projects funded in both at another fraction: id -> (in portfolio 1, here)."""
        return {p: (first.fractions[p], f) for p, f in self.fractions.items()
                if p in first.fractions and abs(first.fractions[p] - f) > 1e-6}

    def changes(self, first: Figures) -> tuple[list[str], list[str]]:
        """Projects added and dropped against portfolio 1, input order."""
        return ([p for p in self.fractions if p not in first.fractions],
                [p for p in first.fractions if p not in self.fractions])


def figures(inputs: Inputs, run: dict[str, Any]) -> list[Figures]:
    out: list[Figures] = []
    for entry in run["portfolios"]:
        funded = set(entry["projects"])
        fractions: dict[str, float] = {}
        for pid in inputs.order:
            if pid not in funded:
                continue
            f = 1.0
            if pid in (entry.get("units") or {}):
                f = entry["units"][pid] / inputs.items[pid].units_max
            if pid in (entry.get("fractions") or {}):
                f = float(entry["fractions"][pid])
            fractions[pid] = f
        cost = {y: sum(inputs.items[p].cost[y] * f for p, f in fractions.items())
                for y in inputs.budget}
        value = sum(inputs.items[p].value * f for p, f in fractions.items())
        extension = float(entry.get("extension_value") or 0.0)
        value += extension
        groups: dict[str, dict[str, Group]] = {g: defaultdict(Group) for g in GROUPS}
        for pid, f in fractions.items():
            it = inputs.items[pid]
            keys = {"country": [it.country], "region": [it.region],
                    "priority_tier": [it.tier], "field": it.fields}
            for g, names in keys.items():
                for name in names:
                    grp = groups[g][name]
                    grp.projects += 1
                    grp.value += it.value * f / len(names)
                    for y in inputs.budget:
                        grp.cost[y] += it.cost[y] * f / len(names)
        best = out[0].value if out else value
        # docs/outputs.md: share_of_best = objective / objective of portfolio 1; 1 for
        # portfolio 1, none (null, shown "—") when portfolio 1 is worth 0 or less
        share = 1.0 if not out or value == best else (
            value / best if best > 0 else float("nan"))
        out.append(Figures(
            rank=int(entry["rank"]), fractions=fractions, cost=cost,
            left={y: inputs.budget[y] - cost[y] for y in inputs.budget}, value=value,
            share_of_best=share,
            partners=dict(groups["country"]), groups={g: dict(v) for g, v in groups.items()},
            extension=extension))
    return out


# ---------------------------------------------------------------- comparing


class Checker:
    def __init__(self) -> None:
        self.problems: list[str] = []
        self.checked: Counter[str] = Counter()  # comparisons made, by output
        #: a solver's fraction (run.json keeps 9 decimals) leaves a figure within this
        #: share of a rounding boundary free to go either way; 0 when every project is
        #: funded whole or in whole units
        self.loose = 0.0

    def exact(self, where: str, shown: Any, true: float, scale: float = 1.0) -> None:
        """A number kept exact (run.json, a workbook cell): within the solver's tolerance."""
        self.checked[_what(where)] += 1
        if true is None or math.isnan(true):
            if shown is not None:
                self.problems.append(f"{where}: {shown!r}, expected none (null, a blank cell)")
            return
        try:
            x = float(shown)
        except (TypeError, ValueError):
            self.problems.append(f"{where}: {shown!r}, expected {true:.9g}")
            return
        if not math.isclose(x, true, rel_tol=1e-7, abs_tol=1e-6 * max(1.0, scale)):
            self.problems.append(f"{where}: {x!r}, computed {true!r}")

    def rounded(self, where: str, shown: str, true: float, decimals: int,
                percent: bool = False) -> None:
        """A number as displayed: ``decimals`` after the point, halves away from zero."""
        self.checked[_what(where)] += 1
        if true is None or math.isnan(true):
            if str(shown).strip() != "—":
                self.problems.append(f"{where}: shows {shown!r}, expected '—' (no number)")
            return
        text = str(shown).strip().replace("¥", "").replace(",", "").rstrip("m")
        if percent:
            text, true = text.rstrip("%"), 100 * true
            if text[:1] in ("<", ">"):
                self.problems += bound_problems(where, text + "%", true / 100, decimals)
                return
        try:
            x = float(text)
        except ValueError:
            self.problems.append(f"{where}: {shown!r} is not a number, computed {true:.9g}")
            return
        tol = self.loose * max(1.0, abs(true))
        if not (_agrees(x, true, decimals) or (tol and float(_fmt(true - tol, decimals))
                                                   <= x <= float(_fmt(true + tol, decimals)))):
            self.problems.append(f"{where}: shows {shown!r}, computed {true:.9g} "
                                 f"({_fmt(true, decimals)} at {decimals} decimals)")

    def csv_number(self, where: str, shown: str, true: float) -> None:
        """A CSV number: rounded to 6 decimals, no exponent (docs/outputs.md); which way
        an exact half goes is not said, so within half a unit of the 6th decimal."""
        self.checked[_what(where)] += 1
        if "e" in shown.lower() or len(shown.partition(".")[2]) > 6:
            self.problems.append(f"{where}: {shown!r} is not a number of 6 decimals")
        elif abs(float(shown) - true) > 5e-7 + 1e-9 * max(1.0, abs(true)):
            self.problems.append(f"{where}: {shown!r}, computed {true!r}")

    def same(self, where: str, shown: Any, expected: Any) -> None:
        self.checked[_what(where)] += 1
        if shown != expected:
            self.problems.append(f"{where}: {shown!r}, expected {expected!r}")


def bound_problems(where: str, shown: str, true: float, decimals: int) -> list[str]:
    """A share shown as "<0.1%" or ">99.9%" (docs/outputs.md): only for one that
    ``decimals`` decimals would round to 0% or 100% (halves away from zero) though it is
    neither; checked here from the number, not by the package's own rule."""
    step = 10.0 ** -decimals
    percent = 100 * true
    if shown.startswith("<"):
        ok = shown == f"<{step:.{decimals}f}%" and 0 < percent < step / 2
    else:
        ok = (shown == f">{100 - step:.{decimals}f}%"
              and 100 - step / 2 - 1e-9 <= percent < 100 - 1e-7)
    return [] if ok else [f"{where}: {shown!r} for {true!r} at {decimals} decimals"]


def _what(where: str) -> str:
    words = where.split()
    return " ".join(words[:2]) if words[0] in ("report", "terminal") else words[0]


def _fmt(true: float, decimals: int) -> str:
    q = Decimal(repr(true)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return str(q)


def _agrees(x: float, true: float, decimals: int) -> bool:
    """``x`` is ``true`` at ``decimals`` decimals, halves away from zero, as a spreadsheet
    shows a cell: ``true`` is read to 10 significant digits first (float noise, and the 9
    decimals run.json keeps of a solver's fraction, go; an exact half such as 2.0625 stays a
    half, shown 2.063)."""
    canonical = float(f"{true:.10g}")
    return math.isclose(x, float(_fmt(canonical, decimals)), abs_tol=10.0 ** -decimals / 1000)


def _report_money_decimals(true: float) -> int:
    """docs/outputs.md: the report writes an amount with its one decimal where it has one."""
    return 0 if abs(true - round(true)) < 0.05 else 1


# ---------------------------------------------------------------- run.json


def check_manifest(ck: Checker, inputs: Inputs, run: dict[str, Any],
                   figs: list[Figures]) -> None:
    scale = inputs.total_budget
    ck.same("run.json problem.budget", run["problem"]["budget"], inputs.budget)
    requested = {y: sum(it.cost[y] for it in inputs.items.values()) for y in inputs.budget}
    for y, v in requested.items():
        ck.exact(f"run.json problem.requested {y}", run["problem"]["requested"].get(y), v, scale)
    for entry, fig in zip(run["portfolios"], figs, strict=True):
        k = f"run.json portfolio {fig.rank}"
        ck.same(f"{k} projects (input order)", list(entry["projects"]), list(fig.fractions))
        ck.exact(f"{k} objective", entry["objective"], fig.value)
        ck.exact(f"{k} share_of_best", entry["share_of_best"], fig.share_of_best)
        ck.exact(f"{k} total_cost", entry["total_cost"], fig.total, scale)
        for y in inputs.budget:
            ck.exact(f"{k} cost_by_year {y}", entry["cost_by_year"][y], fig.cost[y], scale)
            ck.exact(f"{k} budget_left {y}", entry["budget_left"][y], fig.left[y], scale)
        ck.same(f"{k} n_projects", entry["n_projects"], len(fig.fractions))
        ck.same(f"{k} n_countries", entry["n_countries"], len(fig.partners))
        for pid, f in (entry.get("fractions") or {}).items():
            if f >= 1 - 1e-9 or f <= 1e-9:
                ck.problems.append(f"{k} fractions lists {pid} at {f}: not funded in part")
        packages = entry.get("packages") or []
        ck.same(f"{k} packages (partners)", sorted(p["country"] for p in packages),
                sorted(fig.partners))
        for pkg in packages:
            grp = fig.partners.get(pkg["country"])
            if grp is None:
                continue
            ck.same(f"{k} package {pkg['country']} projects", list(pkg["projects"]),
                    [p for p in fig.fractions if inputs.items[p].country == pkg["country"]])
            ck.exact(f"{k} package {pkg['country']} total_cost", pkg["total_cost"],
                     grp.total, scale)
            for y in inputs.budget:
                ck.exact(f"{k} package {pkg['country']} {y}", pkg["cost_by_year"][y],
                         grp.cost[y], scale)
        added, dropped = fig.changes(figs[0])
        ck.same(f"{k} added", list(entry.get("added", [])), added)
        ck.same(f"{k} dropped", list(entry.get("dropped", [])), dropped)
    ck.same("run.json problem.projects", run["problem"]["projects"], len(inputs.items))


# ---------------------------------------------------------------- portfolios.csv


def check_csv(ck: Checker, folder: Path, inputs: Inputs, figs: list[Figures]) -> None:
    with open(folder / "portfolios.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    got = [(int(r["rank"]), r["project_id"]) for r in rows]
    ck.same("portfolios.csv rows", got,
            [(f.rank, p) for f in figs for p in f.fractions])
    by = {(int(r["rank"]), r["project_id"]): r for r in rows}
    for fig in figs:
        sums = defaultdict(float)
        for pid, f in fig.fractions.items():
            r = by.get((fig.rank, pid))
            if r is None:
                continue
            it = inputs.items[pid]
            k = f"portfolios.csv {fig.rank}/{pid}"
            ck.csv_number(f"{k} fraction", r["fraction"], f)
            for y in inputs.budget:
                ck.csv_number(f"{k} cost_{y}", r[f"cost_{y}"], it.cost[y] * f)
                sums[y] += float(r[f"cost_{y}"])
            ck.csv_number(f"{k} total_cost", r["total_cost"], it.total * f)
            ck.csv_number(f"{k} value", r["value"], it.value * f)
            sums["value"] += float(r["value"])
            ck.same(f"{k} country", r["country"], it.country)
            ck.same(f"{k} region", r["region"], it.region)
            ck.same(f"{k} priority_tier", r["priority_tier"], it.tier)
        # the rows add up to the portfolio (each rounded to 6 decimals)
        n = len(fig.fractions)
        for y in inputs.budget:
            ck.exact(f"portfolios.csv portfolio {fig.rank} Σ cost_{y}", sums[y], fig.cost[y], n)
        ck.exact(f"portfolios.csv portfolio {fig.rank} Σ value", sums["value"],
                 fig.value - fig.extension, n)


# ---------------------------------------------------------------- the workbook


def _table(ws: Any, first_header: str, *, start: int = 1) -> tuple[int, dict[str, int]]:
    """The row of the header whose first cell is ``first_header`` and its columns by label."""
    for row in ws.iter_rows(min_row=start):
        if row[0].value == first_header:
            return row[0].row, {str(c.value): c.column for c in row if c.value is not None}
    raise LookupError(f"{ws.title}: no header {first_header!r}")


def _id_rows(ws: Any) -> tuple[dict[str, int], list[tuple[int, str]]]:
    """A table of projects: its columns by label, and (row, project id) of each row."""
    h, cols = _table(ws, "Project")
    return cols, [(r, ws.cell(r, 1).value) for r in range(h + 1, ws.max_row + 1)
                  if ws.cell(r, 1).value is not None]


def _check_fraction_changes(ck: Checker, where: str, shown: Any,
                            want: dict[str, tuple[float, float]]) -> None:
    """"P-29 100%→63%, P-36 90%→80%": each project funded in both at another fraction,
    each percentage rounded at the decimals it shows."""
    found = re.findall(r"(\S+) ([\d.]+%)→([\d.]+%)", str(shown or ""))
    ck.same(f"{where} (projects)", sorted(p for p, _, _ in found), sorted(want))
    for pid, before, after in found:
        if pid in want:
            for text, true in ((before, want[pid][0]), (after, want[pid][1])):
                decimals = len(text.rstrip("%").partition(".")[2])
                ck.rounded(f"{where} {pid}", text, true, decimals, percent=True)


def _ids(cell: Any) -> list[str]:
    """A cell listing project ids, separated by commas (and line breaks)."""
    return [i.strip() for i in str(cell or "").replace("\n", " ").split(",") if i.strip()]


def _money_format(fmt: str) -> bool:
    return fmt.startswith("#,##0") and not fmt.startswith("#,##0.")


def check_workbook(ck: Checker, folder: Path, inputs: Inputs, run: dict[str, Any],
                   figs: list[Figures]) -> None:
    import warnings

    import openpyxl

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        book = openpyxl.load_workbook(folder / "portfolios.xlsx")
    scale = inputs.total_budget
    years = list(inputs.budget)
    large = "Projects" not in book.sheetnames and bool(figs)

    def cell(ws: Any, r: int, c: int, where: str, true: float, kind: str) -> None:
        x = ws.cell(r, c)
        ck.exact(where, x.value, true, scale if kind == "money" else 1.0)
        fmt = x.number_format
        if x.value is None:
            return
        bound = re.match(r'"([<>][\d.]+%)"', fmt)  # ">99.9%": a share that is not all
        if bound and kind in ("share", "fraction"):
            ck.problems += bound_problems(where, bound[1], x.value,
                                          len(bound[1].rstrip("%").partition(".")[2]))
            return
        ok = {"money": _money_format(fmt), "value": fmt.startswith("#,##0.000"),
              "share": fmt.startswith("0.0%"), "fraction": fmt.startswith("0%") or
              fmt.startswith("0.0%"), "count": _money_format(fmt) or fmt.startswith("General")
              or fmt == "0"}[kind]
        if not ok:
            ck.problems.append(f"{where}: number format {fmt!r} for a {kind}")
        if kind == "fraction" and fmt.startswith("0%") and isinstance(x.value, (int, float)) \
                and round(100 * x.value) in (0, 100) and 1e-9 < x.value < 1 - 1e-9:
            ck.problems.append(f"{where}: {x.value!r} displayed as "
                               f"{round(100 * x.value)}% ({fmt!r})")

    # Summary: budget block, then one row per portfolio
    ws = book["Summary"]
    for r in range(1, 30):
        label = ws.cell(r, 1).value
        for y in years:
            if label == f"Budget {y} (¥m)":
                cell(ws, r, 2, f"Summary budget {y}", inputs.budget[y], "money")
        if label == "Total budget (¥m)":
            cell(ws, r, 2, "Summary total budget", inputs.total_budget, "money")
    if figs:
        h, cols = _table(ws, "Rank")
        for i, fig in enumerate(figs):
            r = h + 1 + i
            k = f"Summary portfolio {fig.rank}"
            ck.same(f"{k} rank", ws.cell(r, cols["Rank"]).value, fig.rank)
            cell(ws, r, cols["Value"], f"{k} value", fig.value, "value")
            cell(ws, r, cols["Share of the best value"], f"{k} share", fig.share_of_best,
                 "share")
            for y in years:
                cell(ws, r, cols[f"Cost {y} (¥m)"], f"{k} cost {y}", fig.cost[y], "money")
                cell(ws, r, cols[f"Left {y} (¥m)"], f"{k} left {y}", fig.left[y], "money")
            cell(ws, r, cols["Total cost (¥m)"], f"{k} total", fig.total, "money")
            cell(ws, r, cols["Projects"], f"{k} projects", len(fig.fractions), "count")
            cell(ws, r, cols["Countries"], f"{k} countries", len(fig.partners), "count")
            for label, ids in zip(("Added", "Dropped"), fig.changes(figs[0]), strict=True):
                ck.same(f"{k} {label.lower()}", _ids(ws.cell(r, cols[label]).value), ids)
            _check_fraction_changes(ck, f"{k} fraction changes",
                                    ws.cell(r, cols["Fraction changes"]).value,
                                    fig.fraction_changes(figs[0]))

    # Portfolio k: one row per funded project
    for fig in figs:
        name = f"Portfolio {fig.rank}"
        if name not in book.sheetnames:
            if not (large and fig.rank > 1):
                ck.problems.append(f"workbook: no sheet {name}")
            continue
        ws = book[name]
        m = re.match(r"Portfolio \d+: ([\d,]+) funded projects?, value (-?[\d,.]+) "
                     r"\(([\d.]+%|—) of the best\)", str(ws.cell(1, 1).value))
        if m is None:
            ck.problems.append(f"{name} title {ws.cell(1, 1).value!r}")
        else:
            ck.rounded(f"{name} title projects", m[1], len(fig.fractions), 0)
            ck.rounded(f"{name} title value", m[2], fig.value, 3)
            ck.rounded(f"{name} title share", m[3], fig.share_of_best, 1, percent=True)
        cols, rows = _id_rows(ws)
        ck.same(f"{name} projects", [pid for _, pid in rows], list(fig.fractions))
        for r, pid in rows:
            it, f = inputs.items[pid], fig.fractions.get(pid, 0.0)
            cell(ws, r, cols["Fraction"], f"{name} {pid} fraction", f, "fraction")
            for y in years:
                cell(ws, r, cols[f"Cost {y} (¥m)"], f"{name} {pid} cost {y}", it.cost[y] * f,
                     "money")
            cell(ws, r, cols["Total cost (¥m)"], f"{name} {pid} total", it.total * f, "money")
            cell(ws, r, cols["Value"], f"{name} {pid} value", it.value * f, "value")

    first = figs[0].fractions if figs else {}
    # Projects: every project, its outcome in portfolio 1
    if "Projects" in book.sheetnames:
        ws = book["Projects"]
        cols, rows = _id_rows(ws)
        ck.same("Projects: projects", [pid for _, pid in rows], inputs.order)
        for r, pid in rows:
            it, f = inputs.items[pid], first.get(pid, 0.0)
            cell(ws, r, cols["Fraction"], f"Projects {pid} fraction", f, "fraction")
            outcome = ws.cell(r, cols["Outcome"]).value
            if f > 0:
                ck.same(f"Projects {pid} outcome", outcome,
                        "Funded" if f >= 1 - 1e-9 else "Partly funded")
            elif outcome not in ("Unfunded", "Ineligible"):
                ck.problems.append(f"Projects {pid} outcome {outcome!r} at fraction 0")
            cell(ws, r, cols["Total cost (¥m)"], f"Projects {pid} total cost", it.total, "money")
            cell(ws, r, cols["Funded cost (¥m)"], f"Projects {pid} funded cost", it.total * f,
                 "money")
            if it.value == it.value and "Value" in cols:
                cell(ws, r, cols["Value"], f"Projects {pid} value", it.value, "value")
                cell(ws, r, cols["Funded value"], f"Projects {pid} funded value",
                     it.value * f, "value")

    # Not funded: whole projects
    if "Not funded" in book.sheetnames:
        ws = book["Not funded"]
        cols, rows = _id_rows(ws)
        ck.same("Not funded: projects", [pid for _, pid in rows],
                [pid for pid in inputs.order if pid not in first])
        for r, pid in rows:
            if pid in first:
                ck.problems.append(f"Not funded: {pid} is funded in portfolio 1")
            it = inputs.items[pid]
            cell(ws, r, cols["Total cost (¥m)"], f"Not funded {pid} total", it.total, "money")
            cell(ws, r, cols["Value"], f"Not funded {pid} value", it.value, "value")

    # Partners: portfolio 1 by partner
    if figs and "Partners" in book.sheetnames:
        ws = book["Partners"]
        h, cols = _table(ws, "Partner")
        fig = figs[0]
        for partner, amount in re.findall(r"(?:: |, )(.+?) ¥([\d,.]+?)m(?=,|$| and)",
                                          str(ws.cell(1, 1).value)):
            grp = fig.partners.get(partner)
            if grp is None:
                ck.problems.append(f"Partners title: {partner!r} not funded")
            else:
                ck.rounded(f"Partners title {partner}", amount, grp.total,
                           _report_money_decimals(grp.total))
        seen: list[str] = []
        for r in range(h + 1, ws.max_row + 1):
            partner, pid = ws.cell(r, 1).value, ws.cell(r, 2).value
            if partner is None:
                continue
            if pid is None:
                seen.append(partner)
                grp = fig.partners.get(partner)
                if grp is None:
                    ck.problems.append(f"Partners: {partner!r} is not funded in portfolio 1")
                    continue
                for y in years:
                    cell(ws, r, cols[f"Cost {y} (¥m)"], f"Partners {partner} {y}", grp.cost[y],
                         "money")
                cell(ws, r, cols["Total cost (¥m)"], f"Partners {partner} total", grp.total,
                     "money")
                cell(ws, r, cols["Share of budget"], f"Partners {partner} share",
                     grp.total / scale, "share")
            else:
                it, f = inputs.items[pid], fig.fractions.get(pid, 0.0)
                cell(ws, r, cols["Fraction"], f"Partners {pid} fraction", f, "fraction")
                whole = run["portfolios"][0].get("units") or {}
                if "Units" not in cols:  # left out only when no funded item counts units
                    if whole:
                        ck.problems.append(f"Partners: no column Units, yet {pid} and others "
                                           "are funded in whole units")
                    units = None
                else:
                    units = ws.cell(r, cols["Units"]).value
                if pid in whole:
                    m = re.match(r"(\d+) of (\d+) ", str(units or ""))
                    ck.same(f"Partners {pid} units", m and (int(m[1]), int(m[2])),
                            (round(f * (it.units_max or 0)), it.units_max))
                elif units is not None:
                    ck.problems.append(f"Partners {pid} units {units!r}: not in whole units")
                for y in years:
                    cell(ws, r, cols[f"Cost {y} (¥m)"], f"Partners {pid} {y}", it.cost[y] * f,
                         "money")
                cell(ws, r, cols["Total cost (¥m)"], f"Partners {pid} total", it.total * f,
                     "money")
                cell(ws, r, cols["Share of budget"], f"Partners {pid} share",
                     it.total * f / scale, "share")
        ck.same("Partners: partners", sorted(seen), sorted(fig.partners))

    # By country / region / tier / field
    for g, (sheet, first_header) in SHEETS.items():
        if sheet not in book.sheetnames:
            ck.problems.append(f"workbook: no sheet {sheet}")
            continue
        ws = book[sheet]
        try:
            h, cols = _table(ws, first_header)
        except LookupError:
            if figs:
                raise
            continue
        rows = {}
        for r in range(h + 1, ws.max_row + 1):
            name = ws.cell(r, 1).value
            if name is not None:
                rows[str(name)] = r
        want = set().union(*(f.groups[g] for f in figs)) if figs else set()
        shown_names = {_code(g, n) for n in rows}
        ck.same(f"{sheet} groups", sorted(shown_names), sorted(want))
        for name, r in rows.items():
            code = _code(g, name)
            for fig in figs:
                grp = fig.groups[g].get(code, Group())
                k = f"{sheet} {name} #{fig.rank}"
                cell(ws, r, cols[f"Projects #{fig.rank}"], f"{k} projects", grp.projects,
                     "count")
                for y in years:
                    cell(ws, r, cols[f"Cost {y} (¥m) #{fig.rank}"], f"{k} {y}", grp.cost[y],
                         "money")
                cell(ws, r, cols[f"Total cost (¥m) #{fig.rank}"], f"{k} total", grp.total,
                     "money")
                cell(ws, r, cols[f"Share of budget #{fig.rank}"], f"{k} share",
                     grp.total / scale, "share")
                cell(ws, r, cols[f"Value #{fig.rank}"], f"{k} value", grp.value, "value")


def _code(group: str, shown: str) -> str:
    """A field is shown in words ("Maritime surveillance"); the input holds its code."""
    if group == "field":
        return str(shown).strip().lower().replace(" ", "_")
    return str(shown)


# ---------------------------------------------------------------- the report


class _Text(HTMLParser):
    """The page's text, with its tables as lists of rows of cell texts, and each section's
    text (by its ``h2``)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[tuple[str, list[list[str]]]] = []
        self.sections: dict[str, list[str]] = defaultdict(list)
        self.section = ""
        self.heading = ""
        self._in: list[str] = []
        self._cell: list[str] | None = None
        self._rows: list[list[str]] | None = None
        self._skip = 0
        self._h: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in ("style", "title") and not self._in.count("svg"):
            self._skip += 1
        if tag in ("h2", "h3"):
            self._h = []
        if tag == "table":
            self._rows = []
        elif tag == "tr" and self._rows is not None:
            self._rows.append([])
        elif tag in ("td", "th") and self._rows is not None:
            self._cell = []
        if tag in ("br",) and self._cell is not None:
            self._cell.append(" ")
        self._in.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "title") and self._skip and not self._in.count("svg"):
            self._skip -= 1
        if tag in ("h2", "h3") and self._h is not None:
            text = " ".join("".join(self._h).split())
            if tag == "h2":
                self.section = text
            self.heading = text
            self._h = None
        if tag in ("td", "th") and self._cell is not None and self._rows:
            self._rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        if tag == "table" and self._rows is not None:
            self.tables.append((self.heading, [r for r in self._rows if r]))
            self._rows = None
        if tag in ("div", "p", "li"):
            self.sections[self.section].append(" ")  # a card's parts stay apart
        while self._in and self._in.pop() != tag:
            pass

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        if self._h is not None:
            self._h.append(data)
        if self._cell is not None:
            self._cell.append(data)
        self.sections[self.section].append(data)


def _report_table(page: _Text, heading: str) -> list[list[str]] | None:
    for h, rows in page.tables:
        if h == heading:
            return rows
    return None


def _report_rows(page: _Text, heading: str) -> list[dict[str, str]]:
    """The rows of the table under ``heading`` (none when there is no such table), each
    cell by its column's header."""
    rows = _report_table(page, heading) or []
    return [dict(zip(rows[0], row, strict=False)) for row in rows[1:]]


def _by_project(rows: list[dict[str, str]], ids: Any) -> list[tuple[str, dict[str, str]]]:
    """(project id, cells) of each row whose Project is one of ``ids``."""
    return [(row["Project"], row) for row in rows if row.get("Project") in ids]


def check_report(ck: Checker, folder: Path, inputs: Inputs, run: dict[str, Any],
                 figs: list[Figures]) -> None:
    page = _Text()
    page.feed((folder / "report.html").read_text(encoding="utf-8"))
    years = list(inputs.budget)

    def money(where: str, shown: str, true: float) -> None:
        ck.rounded(where, shown, true, _report_money_decimals(true))

    def share(where: str, shown: str, true: float) -> None:
        if 0 < true < 0.0005:  # docs/report.md: too small to show in one decimal
            ck.same(where, shown.strip(), "<0.1%")
            return
        if 0.9995 - 1e-12 <= true < 1 - 1e-9:  # not all: never "100.0%" (docs/outputs.md)
            ck.same(where, shown.strip(), ">99.9%")
            return
        ck.rounded(where, shown, true, 1, percent=True)

    # Budget by fiscal year
    table_rows = _report_rows(page, "Budget by fiscal year")
    ck.same("report budget years", [cells["Fiscal year"] for cells in table_rows], years)
    for cells in table_rows:
        y = cells["Fiscal year"]
        if y not in inputs.budget:
            continue
        money(f"report budget {y}", cells["Budget (¥m)"], inputs.budget[y])
        req = sum(it.cost[y] for it in inputs.items.values())
        money(f"report requested {y}", cells["Requested by all projects (¥m)"], req)
        if figs:
            money(f"report used {y}", cells["Used by portfolio 1 (¥m)"], figs[0].cost[y])
            money(f"report left {y}", cells["Left (¥m)"], figs[0].left[y])

    # Headline
    # after a comparison: "Headline of the baseline, NAME" (docs/report.md)
    head = " ".join("".join(next((parts for name, parts in page.sections.items()
                                  if name.startswith("Headline")), [])).split())
    if figs:
        fig = figs[0]
        m = re.search(r"Value of portfolio 1 \(a score\)\s*(-?[\d,]+\.\d+)", head)
        if m:
            ck.rounded("report headline value", m.group(1), fig.value, 3)
        else:
            ck.problems.append("report headline: no value of portfolio 1")
        m = re.search(r"Budget used\s*¥([\d,.]+)m\s*([\d.<>]+)% of the budget", head)
        if m:
            money("report headline budget used", m.group(1), fig.total)
            share("report headline share used", m.group(2) + "%",
                  fig.total / inputs.total_budget)
        else:
            ck.problems.append("report headline: no budget used")
        m = re.search(r"Eligible projects\s*([\d,]+) of ([\d,]+)", head)
        ck.same("report headline eligible", m and (int(m[1].replace(",", "")),
                                                   int(m[2].replace(",", ""))),
                (run["problem"]["eligible"], len(inputs.items)))
        m = re.search(r"Funded\s*([\d,]+) projects?\s*in ([\d,]+) countr", head)
        if m:
            ck.same("report headline projects", int(m.group(1).replace(",", "")),
                    len(fig.fractions))
            ck.same("report headline countries", int(m.group(2).replace(",", "")),
                    len(fig.partners))
        else:
            ck.problems.append("report headline: no projects funded")

    # Ranked portfolios, side by side, five to a table
    for h, rows in page.tables:
        if h != "Ranked portfolios" or not rows or not rows[0][1:]:
            continue
        ranks = [int(c.split()[-1]) for c in rows[0][1:]]
        for row in rows[1:]:
            label = row[0]
            for rank, shown in zip(ranks, row[1:], strict=False):
                fig = figs[rank - 1]
                k = f"report ranked {rank} {label}"
                if label == "Value":
                    ck.rounded(k, shown, fig.value, 3)
                elif label == "Share of the best value":
                    share(k, shown, fig.share_of_best)
                elif label == "Projects":
                    ck.rounded(k, shown, len(fig.fractions), 0)
                elif label == "Countries":
                    ck.rounded(k, shown, len(fig.partners), 0)
                elif label == "Total cost (¥m)":
                    money(k, shown, fig.total)
                for y in years:
                    if label == f"Cost {y} (¥m)":
                        money(k, shown, fig.cost[y])
                    elif label == f"Left {y} (¥m)":
                        money(k, shown, fig.left[y])

    if not figs:
        return
    fig = figs[0]
    # What changes between the portfolios: whole projects, and each one's fraction
    for pid, cells in _by_project(_report_rows(page, "What changes between the portfolios"),
                                  inputs.items):
        it = inputs.items[pid]
        money(f"report changes {pid} total cost", cells["Total cost (¥m)"], it.total)
        ck.rounded(f"report changes {pid} value", cells["Value"], it.value, 3)
        for f in figs:
            mark = cells.get(f"#{f.rank}")
            if mark is None:
                continue
            frac = f.fractions.get(pid, 0.0)
            k = f"report changes {pid} #{f.rank}"
            if mark == "●":
                if frac < 1 - 1e-9:
                    ck.problems.append(f"{k}: ● (funded in full) at {frac!r}")
            elif mark == "○":
                if frac > 0:
                    ck.problems.append(f"{k}: ○ (not funded) at {frac!r}")
            else:  # docs/report.md: a percentage, never 0% or 100%, whole unless the
                # row's fractions need decimals to read apart
                digits = len(mark.rstrip("%").partition(".")[2])
                least = 10.0 ** -(digits + 2)
                ck.rounded(k, mark, min(1 - least, max(least, frac)), digits, percent=True)
                if float(mark.rstrip("%")) in (0.0, 100.0):
                    ck.problems.append(f"{k}: {mark} at {frac!r}")
        parts = {m for m in cells.values() if m.endswith("%")}
        fractions = {round(f.fractions[pid], 6) for f in figs
                     if 0 < f.fractions.get(pid, 0.0) < 1 - 1e-6}
        if len(parts) < len(fractions):
            ck.problems.append(f"report changes {pid}: fractions {sorted(fractions)} "
                               f"shown as {sorted(parts)}, not told apart")

    # Forced in or out: whole projects
    for pid, cells in _by_project(_report_rows(page, "Forced in or out"), inputs.items):
        money(f"report forced {pid}", cells["Total cost (¥m)"], inputs.items[pid].total)

    # Partners: packages and items of portfolio 1
    partner = None
    for cells in _report_rows(page, "Partners"):
        amount = cells["Package / item (¥m)"]
        if cells["Partner"]:
            partner = cells["Partner"]
            grp = fig.partners.get(partner)
            if grp is None:
                ck.problems.append(f"report Partners: {partner!r} not funded")
                continue
            money(f"report Partners {partner}", amount, grp.total)
            for y in years:
                if f"Cost {y} (¥m)" in cells:
                    money(f"report Partners {partner} {y}", cells[f"Cost {y} (¥m)"],
                          grp.cost[y])
            share(f"report Partners {partner} share", cells["Share of budget"],
                  grp.total / inputs.total_budget)
        elif cells.get("Item") in inputs.items:
            pid = cells["Item"]
            true = inputs.items[pid].total * fig.fractions.get(pid, 0.0)
            money(f"report Partners {pid}", amount, true)
            for y in years:
                if f"Cost {y} (¥m)" in cells:
                    money(f"report Partners {pid} {y}", cells[f"Cost {y} (¥m)"],
                          inputs.items[pid].cost[y] * fig.fractions.get(pid, 0.0))
            share(f"report Partners {pid} share", cells["Share of budget"],
                  true / inputs.total_budget)

    # Projects funded in portfolio 1
    for pid, cells in _by_project(_report_rows(page, "Projects funded in portfolio 1"),
                                  fig.fractions):
        it, f = inputs.items[pid], fig.fractions[pid]
        share(f"report funded {pid} fraction", cells["Fraction"], f)
        if "Total cost (¥m)" in cells:
            money(f"report funded {pid} total cost", cells["Total cost (¥m)"], it.total * f)
        for y in years:
            if f"Cost {y} (¥m)" in cells:
                money(f"report funded {pid} {y}", cells[f"Cost {y} (¥m)"], it.cost[y] * f)
        ck.rounded(f"report funded {pid} value", cells["Value"], it.value * f, 3)

    # Allocation bars: "Name: ¥2,900m · 16.0%"
    text = "".join(page.sections.get("Allocation", []))
    for g, title in (("country", "by country"), ("region", "by region"),
                     ("priority_tier", "by priority tier"), ("field", "by field")):
        start = text.find(f"Portfolio 1 {title} (¥ million)")
        if start < 0:
            ck.problems.append(f"report Allocation: no chart {title}")
            continue
        ends = [m.start() for m in re.finditer(r"Portfolio 1 by ", text)
                if m.start() > start and not text.startswith(f"Portfolio 1 {title} ",
                                                                 m.start())]
        part = text[start:min(ends, default=len(text))]
        for name, grp in fig.groups[g].items():
            label = {"priority_tier": f"Tier {name}",
                     "field": name.replace("_", " ").capitalize()}.get(g, name)
            m = re.search(re.escape(label) + r": ¥([\d,.]+)m · ([<>\d.]+%)", part)
            if m is None:  # of more than 16 groups, the rest are in "others"
                if len({n for it in inputs.items.values() for n in _groups_of(it, g)}) <= 16:
                    ck.problems.append(f"report Allocation {title}: no bar {label!r}")
                continue
            money(f"report Allocation {title} {label}", m.group(1), grp.total)
            share(f"report Allocation {title} {label} share", m.group(2),
                  grp.total / inputs.total_budget)
        _check_others(ck, f"report Allocation {title}", part, inputs, fig, g, money, share)

    # Budget use bars: "FY2026 · portfolio 1 · used: ¥17,800m"
    text = "".join(page.sections.get("Budget use", []))
    for f in figs:
        for y in years:
            for what, true in (("used", f.cost[y]), ("left", f.left[y])):
                m = re.search(re.escape(f"{y} · portfolio {f.rank} · {what}: ") +
                              r"¥(-?[\d,.]+)m", text)
                if m is None:
                    ck.problems.append(f"report Budget use: no {what} of {y}, "
                                       f"portfolio {f.rank}")
                else:
                    money(f"report Budget use {y} #{f.rank} {what}", m.group(1), true)
            m = re.search(re.escape(f"{y} · portfolio {f.rank} · left: ") + r"¥[-\d,.]+m"
                          r"¥([-\d,.]+)m of ¥([\d,.]+)m \(([<>\d.]+%)\)", text)
            if m is None:
                ck.problems.append(f"report Budget use: no share of {y}, portfolio {f.rank}")
            else:
                money(f"report Budget use {y} #{f.rank} label used", m.group(1), f.cost[y])
                money(f"report Budget use {y} #{f.rank} label budget", m.group(2),
                      inputs.budget[y])
                share(f"report Budget use {y} #{f.rank} label share", m.group(3),
                      f.cost[y] / inputs.budget[y])


def _groups_of(it: Item, g: str) -> list[str]:
    return {"country": [it.country], "region": [it.region], "priority_tier": [it.tier],
            "field": it.fields}[g]


def _check_others(ck: Checker, where: str, part: str, inputs: Inputs, fig: Figures, g: str,
                  money: Any, share: Any) -> None:
    """docs/report.md: of more than 16 groups (every group a project of the round is in),
    the 15 largest by portfolio 1's funded cost (ties by name) are drawn, and one bar
    "others: N countries" for the rest: their funded cost, its share of the budget and how
    many of them are funded ("nothing funded" when none)."""
    names = sorted({n for it in inputs.items.values() for n in _groups_of(it, g)}, key=str)
    if len(names) <= 16:
        ck.same(f"{where} others", "others: " in part, False)
        return
    cost = {n: fig.groups[g][n].total if n in fig.groups[g] else 0.0 for n in names}
    # funded ones first (a partner funded at ¥0 is drawn before one with nothing funded),
    # then the largest; stable: ties stay by name
    ranked = sorted(names, key=lambda n: (-cost[n], n not in fig.groups[g]))
    top, rest = ranked[:15], ranked[15:]
    label = {"priority_tier": "Tier {}", "field": None}.get(g, "{}")
    for n in top:
        shown = n.replace("_", " ").capitalize() if label is None else label.format(n)
        ck.same(f"{where} bar {shown} drawn", re.search(re.escape(shown) + ":", part) is not None,
                True)
    plural = {"country": "countries", "priority_tier": "priority tiers"}.get(g, f"{g}s")
    m = re.search(rf"others: ([\d,]+) {plural}: (nothing funded|¥([\d,.]+)m · ([<>\d.]+%) · "
                  rf"([\d,]+) funded)", part)
    if m is None:
        ck.problems.append(f"{where}: no bar 'others: {len(rest)} {plural}'")
        return
    ck.same(f"{where} others count", int(m[1].replace(",", "")), len(rest))
    funded = [n for n in rest if n in fig.groups[g]]
    if m[2] == "nothing funded":
        ck.same(f"{where} others funded", [], funded)
        return
    total = sum(cost[n] for n in rest)
    money(f"{where} others cost", m[3], total)
    share(f"{where} others share", m[4], total / inputs.total_budget)
    ck.same(f"{where} others funded", int(m[5].replace(",", "")), len(funded))


# ---------------------------------------------------------------- the explanations


def check_analyses(ck: Checker, folder: Path, inputs: Inputs, run: dict[str, Any],
                   figs: list[Figures]) -> None:
    """Why in or out and the rule prices, where the run has them: run.json's numbers, the
    workbook's sheets and the report's tables agree, and the budget rows are the budget,
    portfolio 1's cost and what is left."""
    why, prices = run["analyses"].get("why"), run["analyses"].get("prices")
    if not figs or not (why or prices):
        return
    import warnings

    import openpyxl

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        book = openpyxl.load_workbook(folder / "portfolios.xlsx")
    page = _Text()
    page.feed((folder / "report.html").read_text(encoding="utf-8"))
    best = figs[0]
    if why:
        ck.exact("run.json why best_value", why["best_value"], best.value)
        ws = book["Why in or out"]
        cols, rows = _id_rows(ws)
        at = dict((pid, r) for r, pid in rows)
        shown = {pid: cells for heading in ("Why out: eligible projects not funded",
                                            "Why in: funded projects")
                 for pid, cells in _by_project(_report_rows(page, heading), inputs.items)}
        for rec in why["projects"]:
            pid, change = rec["project_id"], rec["value_change"]
            k = f"why {pid}"
            ck.exact(f"run.json {k} fraction", rec["fraction"], best.fractions.get(pid, 0.0))
            if change is None:
                continue
            ck.exact(f"run.json {k} share", rec["value_change_share"],
                     change / best.value if best.value else math.nan)
            if pid in at:
                ck.exact(f"Why in or out {pid} value change",
                         ws.cell(at[pid], cols["Value change"]).value, change)
                ck.exact(f"Why in or out {pid} share",
                         ws.cell(at[pid], cols["Value change (%)"]).value,
                         rec["value_change_share"])
            if pid in shown:
                ck.rounded(f"report why {pid} value change", shown[pid]["Value change"],
                           change, 3)
                ck.rounded(f"report why {pid} share", shown[pid]["Value change (%)"],
                           rec["value_change_share"], 1, percent=True)
            m = re.search(r"\(([\d,.]+) of ([\d,.]+)[;)]", rec["message"])
            if m:
                ck.rounded(f"run.json {k} message change", m.group(1), abs(change), 3)
                ck.rounded(f"run.json {k} message best", m.group(2), best.value, 3)
    if prices:
        ck.exact("run.json prices best_value", prices["best_value"], best.value)
        ws = book["Rule prices"]
        h, cols = _table(ws, "Model row")
        at = {ws.cell(r, 1).value: r for r in range(h + 1, ws.max_row + 1)}
        shown = {cells.get("Rule"): cells for cells in _report_rows(page, "Rule prices")}
        for rule in prices["rules"]:
            k = f"prices {rule['rule']}"
            if rule["family"] == "budget":
                y = rule["rule"][len("budget["):-1]
                ck.exact(f"run.json {k} bound", rule["bound"], inputs.budget[y])
                ck.exact(f"run.json {k} activity", rule["activity"], best.cost[y])
                ck.exact(f"run.json {k} slack", rule["slack"], best.left[y])
            r = at.get(rule["rule"])
            if r is None:
                ck.problems.append(f"Rule prices: no row {rule['rule']}")
                continue
            for key, label in (("bound", "Required"), ("activity", "At portfolio 1"),
                               ("slack", "To spare"), ("gain_if_off", "Value gained without it"),
                               ("gain_if_off_share", "Gained without it (% of value)")):
                if rule[key] is not None:
                    ck.exact(f"Rule prices {rule['rule']} {label}",
                             ws.cell(r, cols[label]).value, rule[key])
            cells = shown.get(rule["label"])
            if cells is not None and rule["gain_if_off"] is not None:
                ck.rounded(f"report prices {rule['label']} gain",
                           cells["Value gained without it"], rule["gain_if_off"], 3)
                ck.rounded(f"report prices {rule['label']} share",
                           cells["Gained without it (% of value)"], rule["gain_if_off_share"],
                           1, percent=True)


# ---------------------------------------------------------------- the terminal


def box_tables(text: str) -> list[tuple[str, list[str], list[list[str]]]]:
    """Every box table of rich's output: (title line, headers, rows); a row's lines joined
    by newlines per cell."""
    lines = text.splitlines()
    out = []
    i = 0
    while i < len(lines):
        if not lines[i].startswith("┏"):
            i += 1
            continue
        title = lines[i - 1] if i else ""
        head_lines, i = [], i + 1
        while not lines[i].startswith("┡"):
            head_lines.append([c.strip() for c in lines[i].strip("┃").split("┃")])
            i += 1
        headers = [" ".join(w for w in col if w) for col in zip(*head_lines, strict=False)]
        rows: list[list[str]] = []
        i += 1
        new = True
        while not lines[i].startswith("└"):
            line = lines[i]
            i += 1
            if line.startswith("├"):
                new = True
                continue
            cells = [c.strip() for c in line.strip("│").split("│")]
            # a line whose first cell alone goes on is the row's next line ("p" /
            # "FY2026=1500,FY2027=400": a scenario's name wrapped), not a row of its own
            if new or (cells[0] and any(cells[1:])):
                rows.append(cells)
                new = False
            else:
                rows[-1] = [f"{a}\n{b}" if b else a for a, b in zip(rows[-1], cells, strict=False)]
        out.append((title, headers, rows))
        i += 1
    return out


def check_terminal(ck: Checker, text: str, inputs: Inputs, run: dict[str, Any],
                   figs: list[Figures]) -> None:
    years = list(inputs.budget)
    flat = " ".join(text.split())
    m = re.search(r": ([\d,]+) projects? \(", flat)
    ck.same("terminal projects", m and int(m.group(1).replace(",", "")), len(inputs.items))
    m = re.search(r"budget ((?:FY\d+ ¥[\d,.]+m,? ?)+)", flat)
    if m:
        for y, amount in re.findall(r"(FY\d+) ¥([\d,.]+)m", m.group(1)):
            ck.rounded(f"terminal budget {y}", amount, inputs.budget[y],
                       _report_money_decimals(inputs.budget[y]))
    else:
        ck.problems.append("terminal: no budget on the first line")
    tables = box_tables(text)
    for rank, shown, body in re.findall(
            r"Portfolio (\d+) \(([\d.\-]+%|—) of the best value\): (.*?)\.(?= Portfolio \d+ \(|"
            r" Budget use of| … and)", flat):
        fig = figs[int(rank) - 1]
        ck.rounded(f"terminal changes {rank} share", shown, fig.share_of_best, 1, percent=True)
        # a clause's projects joined by ", " and " and " after the ")" of the one before
        for pid, amount in re.findall(r"(?:adds |drops |(?<=m\))(?:, | and ))(\S+) .*?, "
                                      r"¥([\d,.]+)m\)", body):
            if pid in inputs.items:
                ck.rounded(f"terminal changes {rank} {pid} (whole project)", amount,
                           inputs.items[pid].total,
                           _report_money_decimals(inputs.items[pid].total))
    for pid, amount in re.findall(r"Forced (?:in|out): (\S+) \(.*?, ¥([\d,.]+)m\)", flat):
        ck.rounded(f"terminal forced {pid}", amount, inputs.items[pid].total,
                   _report_money_decimals(inputs.items[pid].total))
    if figs:
        m = re.search(r"Fund (\d+) partners?: (.*?)\.(?: |$)", flat)
        if m:
            ck.same("terminal partners", int(m.group(1)), len(figs[0].partners))
            for name, amount in re.findall(r"(?:^|m, )(.+?) ¥([\d,.]+?)m(?=,|$)",
                                          m.group(2)):
                grp = figs[0].partners.get(name.strip())
                if grp is None:
                    ck.problems.append(f"terminal partner line: {name!r} not funded")
                else:
                    ck.rounded(f"terminal partner line {name}", amount, grp.total,
                               _report_money_decimals(grp.total))
        elif not (figs[0].partners == {} and "Fund no partner." in flat):
            ck.problems.append("terminal: no 'Fund N partners' line")
    for title, headers, rows in tables:
        if title.startswith("Ranked portfolios"):
            for row in rows:
                cells = dict(zip(headers, row, strict=False))
                fig = figs[int(cells["Rank"]) - 1]
                k = f"terminal ranked {fig.rank}"
                ck.rounded(f"{k} value", cells["Value"], fig.value, 3)
                ck.rounded(f"{k} share", cells["Share of the best value"], fig.share_of_best,
                           1, percent=True)
                ck.rounded(f"{k} projects", cells["Projects"], len(fig.fractions), 0)
                ck.rounded(f"{k} countries", cells["Countries"], len(fig.partners), 0)
                shown = cells.get("Changes against portfolio 1")
                if shown is not None:  # "+P-13 −P-14 … (2 more)": the first few, in order
                    added, dropped = fig.changes(figs[0])
                    want = [f"+{p}" for p in added] + [f"−{p}" for p in dropped]
                    signed = [w for w in shown.split() if w[:1] in ("+", "−")]
                    ck.same(f"{k} changes", signed,
                            want[:len(signed)] if "more)" in shown else want)
                for y in years:
                    for what, true in (("Cost", fig.cost[y]), ("Left", fig.left[y])):
                        if f"{what} {y} (¥m)" in cells:
                            ck.rounded(f"{k} {what} {y}", cells[f"{what} {y} (¥m)"], true, 0)
                    stacked = cells.get("Cost per year (¥m)")
                    if stacked is not None:
                        mm = re.search(rf"{y} (-?[\d,]+)", stacked)
                        if mm is None:
                            ck.problems.append(f"{k}: no {y} in {stacked!r}")
                        else:
                            ck.rounded(f"{k} cost {y}", mm.group(1), fig.cost[y], 0)
                if "Total cost (¥m)" in cells:
                    ck.rounded(f"{k} total", cells["Total cost (¥m)"], fig.total, 0)
        elif title.startswith("Portfolio 1: what is funded"):
            fig = figs[0]
            for row in rows:
                cells = dict(zip(headers, row, strict=False))
                first = cells["Partner / item"].split("\n")[0].strip()
                if first in fig.fractions:
                    it, f = inputs.items[first], fig.fractions[first]
                    costs = {y: it.cost[y] * f for y in years}
                    _check_funded(ck, f"terminal partner item {first}", cells["Funded"], f, it)
                else:
                    grp = fig.partners.get(first)
                    if grp is None:
                        ck.problems.append(f"terminal partner table: {first!r}")
                        continue
                    costs = dict(grp.cost)
                for y in years:
                    key = f"Cost {y} (¥m)"
                    if key in cells:
                        ck.rounded(f"terminal partner table {first} {y}", cells[key],
                                   costs[y], 0)
                    elif "Cost per year (¥m)" in cells:
                        mm = re.search(rf"{y} (-?[\d,]+)", cells["Cost per year (¥m)"])
                        ck.rounded(f"terminal partner table {first} {y}",
                                   mm.group(1) if mm else "missing", costs[y], 0)
                if "Total (¥m)" in cells:
                    ck.rounded(f"terminal partner table {first} total", cells["Total (¥m)"],
                               sum(costs.values()), 0)
        elif title.startswith("Why projects are not in portfolio 1"):
            counts = {cells["Reason"]: int(cells["Projects"].replace(",", ""))
                      for cells in (dict(zip(headers, row, strict=False)) for row in rows)}
            left_out = run["problem"]["eligible"] - len(figs[0].fractions)
            ck.same("terminal why not: eligible projects left out",
                    counts.get("eligible, not selected", 0)
                    + counts.get("requires a project that cannot be funded", 0), left_out)
            # the projects the input forces out, apart from the rules' reasons, and counted
            # apart on the line under the table (docs/outputs.md)
            n_forced = sum(it.forced_out for it in inputs.items.values())
            forced_rows = sum(n for r, n in counts.items() if r.startswith("forced out: "))
            ck.same("terminal why not: forced out rows", forced_rows >= n_forced
                    and (forced_rows == 0) == (n_forced == 0), True)
            m = re.search(r"([\d,]+) projects? not in portfolio 1: (.*?)\.(?: |$)", flat)
            if m:  # an excluded project that also fails a rule counts as ineligible
                left = len(inputs.items) - len(figs[0].fractions)
                ck.same("terminal why not: in all", int(m.group(1).replace(",", "")), left)
                parts = {kind: int(n.replace(",", "")) for n, kind in re.findall(
                    r"([\d,]+) (ineligible|forced out|eligible)", m.group(2))}
                ck.same("terminal why not: parts add up", sum(parts.values()), left)
                ck.same("terminal why not: forced out at most those the input forces out",
                        parts.get("forced out", 0) <= n_forced, True)
                ck.same("terminal why not: eligible left out", parts.get("eligible", 0),
                        run["problem"]["eligible"] - len(figs[0].fractions))
            elif forced_rows:
                ck.problems.append("terminal: projects forced out, no line counting them")
        elif title.startswith("Budget use of portfolio 1"):
            fig = figs[0]
            for row in rows:
                cells = dict(zip(headers, row, strict=False))
                y = cells["Fiscal year"]
                ck.rounded(f"terminal budget use {y} budget", cells["Budget"],
                           inputs.budget[y], 0)
                ck.rounded(f"terminal budget use {y} used", cells["Used"], fig.cost[y], 0)
                ck.rounded(f"terminal budget use {y} left", cells["Left"], fig.left[y], 0)
                ck.rounded(f"terminal budget use {y} share", cells["Share used"],
                           fig.cost[y] / inputs.budget[y], 1, percent=True)


def _check_funded(ck: Checker, where: str, shown: str, f: float, it: Item) -> None:
    """"all", "3 of 4 boats", or a percentage that is never "100%" unless all."""
    shown = " ".join(shown.split())
    if shown == "all":
        if f < 1 - 1e-9:
            ck.problems.append(f"{where}: 'all' at fraction {f!r}")
        return
    m = re.match(r"(\d+) of (\d+)", shown)
    if m:
        ck.same(f"{where} units", (int(m.group(1)), int(m.group(2))),
                (round(f * (it.units_max or 0)), it.units_max))
        return
    text = shown.rstrip("%")
    decimals = len(text.split(".")[1]) if "." in text else 0
    ck.rounded(where, shown, f, decimals, percent=True)
    if float(text) in (0.0, 100.0) and 1e-9 < f < 1 - 1e-9:
        ck.problems.append(f"{where}: {shown!r} at fraction {f!r}")


# ---------------------------------------------------------------- all of it


def check_run(folder: Path, terminal: str | None = None,
              checked: Counter[str] | None = None) -> list[str]:
    """Every disagreement (``checked``, when given, counts the comparisons by output)."""
    run = json.loads((folder / "run.json").read_text(encoding="utf-8"))
    inputs = read_inputs(folder, run)
    figs = figures(inputs, run)
    ck = Checker()
    if any(entry.get("fractions") for entry in run["portfolios"]):
        ck.loose = 1e-8
    check_manifest(ck, inputs, run, figs)
    check_csv(ck, folder, inputs, figs)
    check_workbook(ck, folder, inputs, run, figs)
    check_report(ck, folder, inputs, run, figs)
    check_analyses(ck, folder, inputs, run, figs)
    if terminal is not None:
        check_terminal(ck, terminal, inputs, run, figs)
    if checked is not None:
        checked.update(ck.checked)
    return ck.problems


# ---------------------------------------------------------------- rounds to check


JAPANESE = ["フィリピン", "ベトナム", "マレーシア", "バングラデシュ", "ジブチ", "フィジー",
            "パプアニューギニア", "トンガ", "モンゴル"]


def varied_round(seed: int) -> Any:
    """A random round of ``tests/docs_model.py`` (several fiscal years, fields, partial
    funding and whole units, forced projects, overrides), bent so its outputs show what is
    hard to show: Japanese partner names and titles (seed % 3 == 1), costs that are not whole
    millions, some ending in exactly half a million (seed % 4 == 1), equal scores, so ties
    (seed % 5 == 2), and a medium round of 15-60 projects (seed % 5 == 4)."""
    import docs_model as dm

    rnd = dm.stress_round(seed) if seed % 5 == 4 else dm.random_round(
        seed, boost=1.5 if seed % 2 else 1.0)
    rnd.policy["portfolios"]["count"] = 7 if seed % 6 == 5 else 4  # 7: two report tables
    if seed % 3 == 1:
        names = {c["country"]: JAPANESE[i % len(JAPANESE)] + ("" if i < len(JAPANESE) else str(i))
                 for i, c in enumerate(rnd.countries)}
        for c in rnd.countries:
            c["country"] = names[c["country"]]
        for p in rnd.projects:
            p["country"] = names[p["country"]]
            p["title"] = f"巡視艇と救難機材 {p['title']}"
    if seed % 4 == 1:
        for i, p in enumerate(rnd.projects):
            for k in list(p):
                if k.startswith("cost_") and p[k] not in ("", 0):
                    p[k] = float(p[k]) + (0.5 if i % 2 else 0.37 * (i % 5))
    if seed % 5 == 2:
        for p in rnd.projects:
            for k in list(p):
                if k.startswith("score_"):
                    p[k] = 5.0
    return rnd


def _edge_project(i: int, country: str, cost: float, score: float, **cells: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "project_id": f"P-{i:02d}", "title": f"item {i}", "country": country,
        "field": "medical", "assistance_type": "supplies", "cost_FY2026": cost,
        "score_security": score, "risk": "", "min_funding": "", "status": "",
        "status_reason": "", "exclusive_group": "", "requires": "", "units_max": "",
        "units_min": "", "stage": "", "override": "false", "override_reason": ""}
    return row | cells


def edge_round(name: str) -> Any:
    """Small rounds at the edges of what the outputs show:

    - ``near_whole``: a part funded at 99.7% (a ``0%`` cell would show "100%");
    - ``halves``: costs of x.5 and x.25 million and values of exact halves at 3 decimals
      (2.0625: "2.063" as a spreadsheet shows it, not Python's "2.062");
    - ``worth_nothing``: portfolio 1 funds nothing (every project is worth less than
      nothing), the later ones are worth −5: no share of the best value;
    - ``free``: a project of no cost funded alone in its field, and one of ¥2m, a share
      of the budget too small to show in one decimal (<0.1%);
    - ``nearly_all``: portfolio 1 uses ¥5,000m of ¥5,001m (99.98%) and partner A ¥4,999m
      of it (99.96%): shares that are not all, shown as ">99.9%", never "100.0%";
    - ``many_partners``: 26 partners with a project, three of them funded at ¥0: the
      report's country chart draws 15 bars and sums the rest as "others";
    - ``infeasible``: a minimum no portfolio meets (exit 3, the folder still written).
    """
    import docs_model as dm

    countries = [{"country": c, "region": "Southeast Asia", "priority_tier": 1,
                  "oda_eligible": "true", "party_to_conflict": "false",
                  "management_agreement": "true", "democracy": 5, "rule_of_law": 5,
                  "human_rights": 5, "max_share": "", "override": "false",
                  "override_reason": ""} for c in ("A", "B")]
    policy: dict[str, Any] = {
        "name": f"edge {name}", "budget": {"FY2026": 5000.0}, "eligibility": {},
        "objective": {"weights": {"security": 1.0}, "risk_aversion": 1.0}, "priority": {},
        "balance": {}, "portfolios": {"count": 3, "min_difference": 1}}
    p = _edge_project
    if name == "near_whole":
        policy["budget"]["FY2026"] = 1997.0
        projects = [p(0, "A", 1000, 5.0, min_funding=0.5), p(1, "B", 1000, 9.0)]
    elif name == "halves":
        projects = [p(0, "A", 1000.5, 2.0625), p(1, "B", 1200.5, 1.1165),
                    p(2, "B", 300.25, 0.0625)]
    elif name == "worth_nothing":
        policy["objective"]["risk_aversion"] = 2.5
        projects = [p(0, "A", 1000, 5.0, risk=0.8), p(1, "B", 1000, 4.0, risk=0.9)]
    elif name == "free":  # and a partner of ¥2m in ¥5,000m: a share below 0.1%
        projects = [p(0, "A", 2, 5.0), p(1, "B", 0, 4.0, field="relief_transport")]
    elif name == "nearly_all":  # >99.9% of the budget used, >99.9% of it by A
        policy["budget"]["FY2026"] = 5001.0
        projects = [p(0, "A", 4999, 5.0), p(1, "B", 1, 4.0)]
    elif name == "many_partners":  # 26 partners: 15 bars and "others", some at ¥0 funded
        rnd = dm.random_round(2, n_projects=70, n_countries=30)
        rnd.policy["budget"] = {y: b * 1.6 for y, b in rnd.policy["budget"].items()}
        return rnd
    elif name == "infeasible":
        policy["priority"]["min_countries"] = 3
        projects = [p(0, "A", 1000, 5.0), p(1, "B", 1000, 4.0)]
    else:
        raise ValueError(name)
    return dm.Round(projects, countries, policy, 0)


EDGES = ("near_whole", "halves", "worth_nothing", "free", "nearly_all", "many_partners",
         "infeasible")


def solve_and_check(rnd: Any, folder: Path, *, xlsx: bool = False, explain: bool = False,
                    columns: str | None = "80") -> tuple[int, list[str]]:
    """Write the round, run ``osa-opt solve`` on it in-process at ``columns`` (None: as
    into a file, 150 wide) and check the run folder and the terminal's summary. Returns
    (exit code, disagreements); exit 2 (a round the docs call invalid) checks nothing."""
    import docs_model as dm

    path, policy = dm.write_round(rnd, folder, xlsx=xlsx)
    code, stdout = invoke(["solve", str(path), "--policy", str(policy),
                           *([] if explain else ["--no-explain"])], rnd, folder / "out",
                          columns)
    if code == 2:
        return 2, []
    return code, check_run(folder / "out", stdout if code == 0 else None)


def invoke(args: list[str], rnd: Any, out: Path, columns: str | None) -> tuple[int, str]:
    """``osa-opt ARGS --out OUT`` in-process at ``columns`` (None: as into a file, 150
    wide), with the round's ``--budget``/``--set`` overrides. Returns (exit code, stdout);
    exit 2 for a round the docs call invalid."""
    import docs_model as dm
    from click.testing import CliRunner

    from osa_opt.cli import cli

    options: list[str] = []
    for key, value in dm.overrides(rnd).items():
        options += (["--budget", f"{key.split('.', 1)[1]}={value:g}"]
                    if key.startswith("budget.") else ["--set", f"{key}={dm._toml(value)}"])
    runner = CliRunner(env={"COLUMNS": columns})
    result = runner.invoke(cli, [*args, "--out", str(out), *options])
    code = result.exit_code
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        from osa_opt.errors import InputError

        if isinstance(result.exception, InputError):
            return 2, ""
        code = getattr(result.exception, "exit_code", code)
        if code not in (3, 4):
            raise result.exception
    return code, result.stdout
