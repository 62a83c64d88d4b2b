"""The price of each rule: what switching a rule off, or relaxing it by 10%, would gain.

Every rule row of portfolio 1's model (budget per year, tier shares, every-partner-funded,
country caps, field and region shares, distinct recipients, mandatory projects as a group)
is switched off and re-solved, then relaxed by 10% and re-solved, on the **same** persistent
solver; the model is restored after each question. All rows are priced, binding or not: in
an all-or-nothing portfolio a budget with ¥50m left can still cost value, because 10% more
would buy a whole project (the ``binding`` column says which rows have no slack).

>>> from osa_opt.analysis.prices import price_rules
>>> price_rules(result, solver).table[["binding", "gain_if_off", "gain_if_relaxed"]].head(3).round(3)
                binding  gain_if_off  gain_if_relaxed
rule
budget[FY2026]    False       10.094            5.836
mandatory          True        0.000              NaN
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd
import pyomo.core as pyo  # not pyomo.environ: its plugins cost start-up time

from osa_opt.analysis.base import Analysis
from osa_opt.analysis.explain_clock import ExplainClock
from osa_opt.analysis.rule_questions import BoundQuestions, ExactQuestions, Gain
from osa_opt.analysis.rule_rows import TOL, Rule, activity, ranking_cuts, rule_rows, switched_off
from osa_opt.analysis.why_proofs import EXACT_LIMIT, LP_BOUND
from osa_opt.errors import OsaError
from osa_opt.model import registry
from osa_opt.solving.solver import Solver
from osa_opt.text import (
    id_list,
    is_missing,
    json_number,
    number,
    share_text,
    value_shown,
    yen,
)

if TYPE_CHECKING:
    from osa_opt.model.data import ModelData
    from osa_opt.result import Result

Questions = ExactQuestions | BoundQuestions

#: How much "relaxed" relaxes: a minimum ×0.9, a maximum ×1.1.
RELAX = 0.1

# ---------------------------------------------------------------------- the analysis
@dataclass(eq=False, repr=False)
class PriceAnalysis(Analysis):
    """The price of each rule at portfolio 1, highest first.

    ``table`` has one row per rule: its bound, activity and slack at portfolio 1, whether
    it binds, and the value gained by switching it off and by relaxing it 10%.
    """

    table: pd.DataFrame
    best_value: float
    seconds: float = 0.0
    solves: int = 0
    name: str = "prices"
    notes: list[str] = field(default_factory=list)
    exact_limit: int | None = None
    time_limit: float | None = None
    timed_out: int = 0

    def tables(self) -> dict[str, pd.DataFrame]:
        return {"prices": self.table.reset_index()}

    def to_dict(self) -> dict[str, Any]:
        rows = []
        for rule, row in self.table.iterrows():
            item: dict[str, Any] = {"rule": rule}
            for key, value in row.items():
                value = value.item() if hasattr(value, "item") else value  # numpy scalar
                if isinstance(value, bool | str) or value is None:
                    item[str(key)] = value
                else:
                    item[str(key)] = json_number(value)
            rows.append(item)
        return {"name": self.name, "best_value": json_number(self.best_value),
                "seconds": round(self.seconds, 4), "solves": self.solves,
                "exact_limit": self.exact_limit, "time_limit": self.time_limit,
                "timed_out": self.timed_out, "notes": list(self.notes), "rules": rows}

    def headline(self) -> str:
        binding = int(self.table["binding"].astype(bool).sum()) if len(self.table) else 0
        gains = self.table["gain_if_off"].astype(float).fillna(0.0)
        costly = [str(r) for r in gains.index[gains > 0][:1]]
        top = f"; costliest {costly[0]}" if costly else ""
        return f"of {len(self.table)} rules: {binding} binding{top}"

_COLUMNS = ["family", "label", "policy_key", "sense", "unit", "bound", "activity", "slack",
            "binding", "gain_if_off", "gain_if_off_share", "relaxed_bound",
            "gain_if_relaxed", "gain_if_relaxed_share", "basis", "relaxed_basis", "message"]

#: Each answer's column, the column saying how it was obtained, and the record's private
#: key for why it is a bound or not known (words for the message; not a column).
_ANSWERS = {"gain_if_off": ("basis", "_off_reason"),
            "gain_if_relaxed": ("relaxed_basis", "_relaxed_reason")}


def price_rules(result: Result, solver: Solver | None = None,
                exact_limit: int | None = EXACT_LIMIT,
                time_limit: float | None = None) -> PriceAnalysis:
    """Price every rule of portfolio 1: the value gained by switching it off or relaxing it.

    Each rule row is deactivated and re-solved, then its bound relaxed by 10% (a minimum
    ×0.9, a maximum ×1.1; ``min_countries`` lowered by 10% rounded down, at least 1) and
    re-solved; every-partner-funded rows and mandatory projects (as one group) are only
    switched off. Rows whose "off" gain is 0 skip the relaxed solve (it cannot gain more).
    The solver's model is left exactly as it was.

    Parameters
    ----------
    result : a solved Result (portfolio 1 is the reference).
    solver : the persistent Solver of that result; built from ``result.problem`` when None.
    exact_limit : up to this many eligible projects every gain is a MIP re-solve; above
        it, the LP relaxation with the rows changed: a gain of 0 or from a whole-number LP
        optimum is exact ("proof"), any other is an upper bound ("lp bound": switching the
        rule off gains at most that). None: always exact. Each gain is labelled on its
        own: ``basis`` says how ``gain_if_off`` was obtained, ``relaxed_basis`` how
        ``gain_if_relaxed`` was.
    time_limit : seconds the exact re-solves may take together, from the start
        (``solver.explain_time_limit``; None: no limit), the LP's fallbacks above the exact
        limit included; once spent, or when a re-solve stops at a time limit, a gain is
        the LP relaxation's, labelled as above, and its message says which happened.

    Returns
    -------
    PriceAnalysis
        ``table`` indexed by rule name, sorted by ``gain_if_off`` then ``gain_if_relaxed``.

    Examples
    --------
    >>> prices = price_rules(result, solver)
    >>> prices.table.loc["budget[FY2026]", "message"]
    'Budget FY2026 (¥18,100m, met with ¥300m to spare) costs 10.094 of value (5.9%): that is what switching it off would gain; 10% looser (¥19,910m) would gain 5.836 (3.4%).'
    """
    if result.best is None:
        error = OsaError("no rule to price: the result has no portfolio 1 to price them "
                         "against; see result.diagnosis for why the policy cannot be met, "
                         "loosen what it names and solve again")
        error.exit_code = result.status.exit_code
        raise error
    t0 = time.perf_counter()
    solver = solver if solver is not None else Solver(result.problem)
    model, data = solver.model, solver.model.osa
    base = float(result.best.objective)
    fractions = result.best.fractions
    solves_before = solver.solves
    exact = exact_limit is None or len(result.problem.eligible) <= exact_limit
    rows = rule_rows(model)
    with switched_off(ranking_cuts(model)):
        clock = ExplainClock(time_limit)
        lp = None if exact or not solver.solves else solver.lp_relaxation()
        ask = (ExactQuestions(solver, base, clock) if lp is None
               else BoundQuestions(solver, base, lp, int(exact_limit or 0), clock))
        records = _price_rows(rows, model, data, fractions, ask)
    reasons = {rec["rule"]: (rec.get("_off_reason"), rec.get("_relaxed_reason"))
               for rec in records}

    table = pd.DataFrame(records, columns=["rule", *_COLUMNS]).set_index("rule")
    for col in ("gain_if_off", "gain_if_relaxed"):
        # a share of a value of 0 or less means nothing (as share_of_best): left out
        table[f"{col}_share"] = table[col] / base if base > 0 else float("nan")
    ranges = {rec["rule"]: rec.get("_range") for rec in records}
    table["message"] = [_message(rule, row, *reasons[str(rule)], ranges[str(rule)])
                        for rule, row in table.iterrows()]
    order = table[["gain_if_off", "gain_if_relaxed"]].astype(float).fillna(-math.inf)
    table = table.loc[order.sort_values(["gain_if_off", "gain_if_relaxed"],
                                        ascending=False, kind="stable").index]
    return PriceAnalysis(table=table, best_value=base, seconds=time.perf_counter() - t0,
                         solves=solver.solves - solves_before, exact_limit=exact_limit,
                         time_limit=time_limit, timed_out=clock.timed_out)


def _price_rows(rows: list[Rule], model: pyo.ConcreteModel, data: ModelData,
                fractions: Mapping[str, float], ask: Questions) -> list[dict[str, Any]]:
    """One record per rule row (off, then 10% looser), then the whole-component groups."""
    records: list[dict[str, Any]] = []
    for rule in [r for r in rows if r.component not in ("mandatory", "package_min")]:
        con = rule.constraint(model)
        rec = _describe(rule, con, data, fractions)
        _put(rec, "gain_if_off", ask.off([con]))
        if rule.sense == "range" and not rec["binding"] and rec["gain_if_off"]:
            # neither side met exactly, yet the row costs (whole projects): the side that
            # costs is the one whose removal alone gains, the lower one tried first
            lower_off = ask.rebound([(con, -math.inf, _bound(con.upper))])
            _on_side(rec, con, "min" if lower_off.value else "max")
        side = rec["_side"]
        relaxed = _relaxed_bound(rule, con, data, side)
        rec["relaxed_bound"] = relaxed
        if relaxed is not None and rec["gain_if_off"]:
            # the other side of a row with two (a range) stays as it is
            lower, upper = ((relaxed, _bound(con.upper)) if side == "min"
                            else (_bound(con.lower), relaxed))
            _put(rec, "gain_if_relaxed", ask.rebound([(con, lower, upper)]))
        elif relaxed is not None and rec["gain_if_off"] is not None:
            _nothing_looser(rec)
        records.append(rec)
    tiers = "/".join(str(t) for t in sorted(data.policy.priority.fund_every_tier))
    for component, label in (("tier_partner", f"every tier-{tiers} partner funded"),
                             ("mandatory", "projects forced in (as a group)")):
        group = [r for r in rows if r.component == component]
        if not group or (component == "tier_partner" and len(group) < 2):
            continue
        members = [r for r in records if r["rule"] in {g.name for g in group}]
        rec = _describe_group(component, label, group, members, data)
        _put(rec, "gain_if_off", ask.off([r.constraint(model) for r in group]))
        records.append(rec)
    packages = [r for r in rows if r.component == "package_min"]
    if packages:
        records.append(_price_packages(packages, model, data, fractions, ask))
    return records


def _put(rec: dict[str, Any], key: str, gain: Gain) -> None:
    """A gain into its record, with how it was obtained (its own basis column) and why it
    is a bound or not known."""
    basis, reason = _ANSWERS[key]
    rec[key], rec[basis], rec[reason] = gain.value, gain.basis, gain.reason


def _nothing_looser(rec: dict[str, Any]) -> None:
    """Switching the rule off gains nothing, so 10% looser cannot either: 0, known the way
    the "off" gain is."""
    _put(rec, "gain_if_relaxed", Gain(0.0, rec["basis"]))


def _price_packages(group: list[Rule], model: pyo.ConcreteModel, data: ModelData,
                    fractions: Mapping[str, float], ask: Questions) -> dict[str, Any]:
    """``priority.min_package`` as one rule: every partner's row off, then 10% lower."""
    least = float(data.policy.priority.min_package)
    funded = {data.country[p] for p in fractions if p in data.country}
    packages = {c: sum(data.total_cost[p] * f for p, f in fractions.items()
                       if data.country.get(p) == c) for c in funded}
    slack = min((v - least for v in packages.values()), default=0.0)
    rows = [r.constraint(model) for r in group]
    first = group[0]
    rec = {"rule": "package_min", "family": first.family,
           "label": f"every funded partner's package at least {yen(least)}",
           "policy_key": first.policy_key(data), "sense": first.sense, "unit": first.unit,
           "bound": least, "activity": min(packages.values(), default=0.0), "slack": slack,
           "binding": bool(slack <= TOL * max(1.0, least)),
           "relaxed_bound": least * (1 - RELAX), "gain_if_relaxed": None, "basis": None,
           "relaxed_basis": None}
    _put(rec, "gain_if_off", ask.off(rows))
    if rec["gain_if_off"]:
        _put(rec, "gain_if_relaxed", ask.rebound([(con, least * (1 - RELAX), None)
                                                  for con in rows]))
    elif rec["gain_if_off"] is not None:
        _nothing_looser(rec)
    return rec


def _bound(value: Any) -> float | None:
    return None if value is None else float(pyo.value(value))


def row_side(rule: Rule, con: Any, act: float) -> str:
    """The side a row is priced on: its sense, or for a range ``lo <= body <= hi`` (an
    extension's) the side it is nearer at portfolio 1 (``act``), relative to the bound's
    size: the one that binds when one does ("max" or "min")."""
    if rule.sense != "range":
        return rule.sense
    lower, upper = _bound(con.lower), _bound(con.upper)
    if lower is None or upper is None:  # a row of the component with one side only
        return "min" if upper is None else "max"
    above = (act - lower) / max(1.0, abs(lower))
    below = (upper - act) / max(1.0, abs(upper))
    return "max" if below <= above else "min"


def _describe(rule: Rule, con: Any, data: ModelData, fractions: Mapping[str, float]) -> dict:
    act = activity(con, fractions, data.country)
    rec = {
        "rule": rule.name, "family": rule.family, "label": rule.label(data),
        "policy_key": rule.policy_key(data), "sense": rule.sense, "unit": rule.unit,
        "activity": act, "relaxed_bound": None, "gain_if_relaxed": None, "basis": None,
        "relaxed_basis": None,
        "_range": (_bound(con.lower), _bound(con.upper)) if rule.sense == "range" else None,
    }
    _on_side(rec, con, row_side(rule, con, act))
    return rec


def _on_side(rec: dict[str, Any], con: Any, side: str) -> None:
    """The record's bound, slack and binding on ``side`` of the row ("max": its upper)."""
    act = rec["activity"]
    bound = float(pyo.value(con.upper if side == "max" else con.lower))
    slack = bound - act if side == "max" else act - bound
    rec.update(bound=bound, slack=slack, binding=bool(slack <= TOL * max(1.0, abs(bound))),
               _side=side)


def _describe_group(component: str, label: str, group: list[Rule], members: list[dict],
                    data: ModelData) -> dict:
    """A whole component as one rule, in one unit so its numbers agree: every-partner-funded
    as "projects per partner" (the bound 1, the activity the fewest any partner has, the
    room between them); the mandatory projects as a count (all of them, no room)."""
    ids = [str(r.index) for r in group]
    key = group[0].policy_key(data) if component == "tier_partner" else _forced_keys(ids, data)
    if component == "tier_partner":
        fewest = min((m["activity"] for m in members), default=0.0)
        bound, act = 1.0, float(fewest)
        label = f"{label} (at least one project each): {id_list(ids)}"
        unit = "projects"
    else:
        bound = act = float(len(group))
        label = _forced_label(ids, data)
        unit = group[0].unit
    slack = act - bound
    return {
        "rule": component, "family": group[0].family, "label": label,
        "policy_key": key, "sense": "min" if component == "tier_partner" else group[0].sense,
        "unit": unit, "bound": bound, "activity": act, "slack": slack,
        "binding": bool(slack <= TOL), "relaxed_bound": None, "gain_if_relaxed": None,
        "basis": None, "relaxed_basis": None,
    }


def _forced_keys(ids: list[str], data: ModelData) -> str:
    """The columns that force these projects in: ``projects.status`` (mandatory),
    ``projects.stage`` (signed), or both, ``projects.status / projects.stage``."""
    keys = {data.forced_by.get(p, "projects.status") for p in ids}
    return " / ".join(k for k in ("projects.status", "projects.stage") if k in keys)


def _forced_label(ids: list[str], data: ModelData) -> str:
    """The projects forced in, as one rule, each named by what forces it:
    ``mandatory projects (as a group): P-01 and P-08``, ``signed projects …``, or with both
    ``projects forced in (as a group): mandatory P-01 and P-08; signed P-07``."""
    signed = [p for p in ids if data.forced_by.get(p) == "projects.stage"]
    mandatory = [p for p in ids if p not in signed]
    if not signed or not mandatory:
        word = "signed" if signed else "mandatory"
        return f"{word} projects (as a group): {id_list(ids)}"
    return (f"projects forced in (as a group): mandatory {id_list(mandatory)}; "
            f"signed {id_list(signed)}")


def _relaxed_bound(rule: Rule, con: Any, data: ModelData, side: str) -> float | None:
    """The bound relaxed by 10% on ``side`` (:func:`row_side`), or None for rules that are
    only switched off."""
    if rule.component == "min_countries":
        need = int(round(float(pyo.value(con.lower))))
        return float(need - max(1, math.floor(RELAX * need)))
    if rule.component == "max_countries":
        most = int(round(float(pyo.value(con.upper))))
        return float(most + max(1, math.floor(RELAX * most)))
    if side == "min" and rule.unit == registry.MONEY:
        return float(pyo.value(con.lower)) * (1 - RELAX)
    if side == "max":
        return float(pyo.value(con.upper)) * (1 + RELAX)
    return None


def _message(rule: str, row: pd.Series, off_reason: str | None,
             relaxed_reason: str | None, span: tuple[float | None, float | None] | None = None
             ) -> str:
    """One sentence: the rule, its state at portfolio 1, what off and 10% looser would gain,
    each number "at most" when it is an LP bound, and why each bound or unknown gain is one
    (``off_reason``, ``relaxed_reason``); a range row (``span``: its two bounds) says which
    side it is priced on."""
    money = row["unit"] == registry.MONEY

    def amount(v: float) -> str:
        return yen(v) if money else number(v, 6)

    if row.get("family") == "required_partner":
        funded = int(round(row["activity"]))
        state = ("met exactly: one of its projects is funded" if row["binding"] else
                 f"met with room: {funded} of its projects are funded")
    elif rule == "tier_partner":
        fewest = int(round(row["activity"]))
        state = ("met exactly: a partner has only the one project it must get" if
                 row["binding"] else f"met with room: every partner has {fewest} or more "
                 "projects")
    elif row["sense"] == "fixed":
        state = "all funded, as they must be"
    elif row["binding"]:
        state = f"{amount(row['bound'])}, met exactly"
    else:
        state = f"{amount(row['bound'])}, met with {amount(row['slack'])} to spare"
    low, high = span if span is not None else (None, None)
    if low is not None and high is not None:  # a range: the side it is priced on
        side = "most" if row["bound"] == high else "least"
        state = (f"between {amount(low)} and {amount(high)}; at {side} {state}")
    text = f"{row['label'][:1].upper()}{row['label'][1:]} ({state})"
    off = row["gain_if_off"]
    if is_missing(off):
        if row.get("basis") is None:  # no re-solve settled it, and no LP answered
            return f"{text}: what switching it off would gain is not known ({off_reason})."
        return f"{text}: no answer without it (the solver found no portfolio)."
    if off <= 0:
        return f"{text} costs nothing: the best value is the same without it."
    bound = row.get("basis") == LP_BOUND
    most = "at most " if bound else ""
    text += (f" costs {most}{value_shown(off)} of value{_share_words(row['gain_if_off_share'])}: "
             f"that is what switching it off would gain{' at most' if bound else ''}")
    relaxed = row["gain_if_relaxed"]
    looser_bound = row.get("relaxed_basis") == LP_BOUND
    if not is_missing(row["relaxed_bound"]):
        looser = f"10% looser ({amount(row['relaxed_bound'])})"
        if not is_missing(relaxed):
            at_most = "at most " if looser_bound else ""
            text += (f"; {looser} would gain {at_most}{value_shown(relaxed)}"
                     f"{_share_words(row['gain_if_relaxed_share'])}" if relaxed > 0
                     else f"; {looser} would gain nothing")
        elif row.get("relaxed_basis") is None and relaxed_reason:
            text += f"; what {looser} would gain is not known ({relaxed_reason})"
    return text + _bound_words(off_reason if bound else None,
                               relaxed_reason if looser_bound else None) + "."


def _share_words(share: float) -> str:
    """" (5.9%)" after a gain; nothing when portfolio 1 is worth 0 or less (no share)."""
    return "" if is_missing(share) else f" ({share_text(share, trim=True)})"


def _bound_words(off: str | None, relaxed: str | None) -> str:
    """Why the gains that are LP bounds are (``off``: the gain without the rule; ``relaxed``:
    10% looser; None: exact), naming which gain when only one is or their reasons differ."""
    if off and relaxed:
        if off == relaxed:
            return f"; LP bounds: {off}"
        return f"; LP bounds: without it, {off}; 10% looser, {relaxed}"
    if off:
        return f"; LP bound: {off}"
    if relaxed:
        return f"; the 10% looser gain is an LP bound: {relaxed}"
    return ""
