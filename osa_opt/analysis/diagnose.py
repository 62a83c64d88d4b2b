"""Infeasibility diagnosis: which rules conflict, and by how much each must move.

When no portfolio meets the policy, an **elastic** copy of the model gets a non-negative
slack on every rule row (budget per year, tier shares, tier partners, country caps, field
and region shares, min_countries, max_countries, package minimums, mandatory projects) and is solved lexicographically:
first the fewest counts given up (partners, recipient countries, mandatory projects), then
the fewest ¥ million moved. The slacks left positive are the conflicting rules, each with
the amount it must move, in its own unit. One model build (or clone) per diagnosis.

>>> from osa_opt.analysis.diagnose import diagnose
>>> tight = problem.with_policy(overrides={"priority.min_countries": 14})
>>> diagnose(tight)[0]["message"]
'Only 13 countries have an eligible project, but priority.min_countries is 14: lower it to 13 (by 1).'
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import pandas as pd
import pyomo.core as pyo  # not pyomo.environ: its plugins cost start-up time

from osa_opt.analysis.base import Analysis
from osa_opt.analysis.rule_rows import TOL, Rule, rule_rows
from osa_opt.model import build_model
from osa_opt.model.registry import EXTENSION, EXTENSION_UNIT, MONEY
from osa_opt.solving.solver import Solver, stdout_to_stderr
from osa_opt.solving.status import Status
from osa_opt.text import code_label, counted, id_list, json_number, number, percent, yen

if TYPE_CHECKING:
    from osa_opt.inputs.problem import Problem
    from osa_opt.model.data import ModelData



def diagnose(problem: Problem, solver: Solver | None = None) -> Diagnosis:
    """Why the policy cannot be met: the smallest relaxation of the rules that makes it so.

    Parameters
    ----------
    problem : the validated Problem whose policy cannot be met.
    solver : the Solver that found it infeasible; its model (with anything a user added)
        is cloned once. When None, the model is built once from ``problem``.

    Returns
    -------
    Diagnosis
        A list with one entry per rule that must move, counts first, then by amount: ``rule`` (the
        model row, e.g. ``budget[FY2026]``), ``family``, ``policy_key`` (what to change),
        ``unit``, ``amount`` (how far it must move, in ``unit``), ``bound`` (its value now),
        ``needed`` (the value that works) and ``message`` (one plain-language sentence).
        Empty when the elastic model needs no relaxation (the problem is feasible).

    Examples
    --------
    >>> tight = problem.with_policy(overrides={"budget.FY2026": 800})
    >>> [d["rule"] for d in diagnose(tight)]
    ['budget[FY2026]']
    """
    if solver is not None:
        model = solver.model.clone()
        if hasattr(model, "portfolio_cut"):
            model.del_component("portfolio_cut")
    else:
        model = build_model(problem)
    data: ModelData = model.osa
    # an extension's equality row stays as it is: an elastic slack on one side would drop
    # the other (and it has no side to loosen); _unexplained names such rows
    rows = [r for r in rule_rows(model) if r.sense not in ("equal", "range")]
    bounds = {r.name: _bound(r, r.constraint(model)) for r in rows}
    slack = _make_elastic(model, rows)
    counts = [slack[r.name] for r in rows if r.unit != MONEY]
    money = [slack[r.name] for r in rows if r.unit == MONEY]

    elastic = Solver(problem, model)
    for objective in model.component_data_objects(pyo.Objective, active=True):
        objective.deactivate()
    values: dict[str, float] | None = None
    for k, phase in enumerate(p for p in (counts, money) if p):  # lexicographic
        objective = pyo.Objective(expr=pyo.quicksum(phase), sense=pyo.minimize)
        model.add_component(f"elastic_objective_{k}", objective)
        values = _solve(elastic, slack) or values
        if values is None:
            return Diagnosis([_unexplained()])
        objective.deactivate()
        reached = sum(values[s.name] for s in phase)
        model.add_component(f"elastic_kept_{k}", pyo.Constraint(
            expr=pyo.quicksum(phase) <= reached + TOL * max(1.0, reached)))
    if values is None:
        return Diagnosis([_unexplained()])

    moved = {}
    for rule in rows:
        amount = values[slack[rule.name].name]
        if rule.unit != MONEY:  # whole counts; the solver returns them within 1e-6
            amount = float(round(amount))
        if amount > TOL * max(1.0, abs(bounds[rule.name])):
            moved[rule.name] = amount
    short = any(r.component == "budget" and r.name in moved for r in rows)
    dropped = _partners_dropped(elastic, model, rows, slack) if short else None
    entries = [_entry(rule, bounds[rule.name], moved[rule.name], data, problem, dropped)
               for rule in rows if rule.name in moved]
    entries.sort(key=lambda e: (e["unit"] == MONEY, -e["amount"]))
    return Diagnosis([*_unit_entries(problem), *entries] if entries else entries)


def _unit_entries(problem: Problem) -> list[dict[str, Any]]:
    """Money in the wrong unit (¥ thousand, 億円) comes before any rule to move."""
    from osa_opt.inputs.sanity import unit_warnings

    return [{"rule": None, "family": "units", "policy_key": w.column if w.column and
             w.column.startswith("budget.") else None, "unit": None, "amount": None,
             "bound": None, "needed": None, "message": w.rule[:1].upper() + w.rule[1:] + "."}
            for w in unit_warnings(problem)]


class Diagnosis(list, Analysis):
    """The rules that must move, as a list of dicts (``result.diagnosis``, run.json's
    ``diagnosis``), with the Analysis interface: ``tables()`` is the workbook's Diagnosis
    sheet, and the repr names the first rule."""

    name = "diagnosis"

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "rules": [dict(e) for e in self]}

    def tables(self) -> dict[str, pd.DataFrame]:
        return {"Diagnosis": pd.DataFrame(list(self))}

    def headline(self) -> str:
        if not self:
            return "nothing to relax: the policy can be met"
        first = self[0].get("rule") or self[0].get("family") or "a rule added to the model"
        return f"{len(self)} rule{'s' if len(self) > 1 else ''} must move, first {first}"

    __repr__ = Analysis.__repr__


#: Rows a larger budget makes harder to meet (their bound is a share of the budget).
SHARE_MINIMUMS = ("tier_share", "field_min_share", "region_min_share")


def headline(diagnosis: list[dict[str, Any]]) -> str:
    """One sentence before the diagnosis: loosen which kind of rule, and only say "raise the
    budget" when a budget row is among the rules that must move.

    >>> headline([{"family": "budget", "rule": "budget[FY2026]"}])
    'The policy cannot be met: no portfolio satisfies every rule at once within the budget. Raise the budget or loosen a rule, as follows.'
    """
    entries = [d for d in diagnosis if isinstance(d, dict)]
    families = {d.get("family") for d in entries}
    rows = {str(d.get("rule") or "").split("[")[0] for d in entries}
    start = "The policy cannot be met: no portfolio satisfies every rule at once"
    if "budget" in families:
        return f"{start} within the budget. Raise the budget or loosen a rule, as follows."
    if rows and rows <= set(SHARE_MINIMUMS):
        return (f"{start}: a minimum share of the budget cannot be reached. Lower the share "
                "as follows (raising the budget raises the minimum too).")
    if families - {None}:
        return f"{start}. Loosen a rule, as follows."
    return f"{start}."


def _bound(rule: Rule, con: Any) -> float:
    return float(pyo.value(con.upper if rule.sense == "max" else con.lower))


def _make_elastic(model: pyo.ConcreteModel, rows: list[Rule]) -> dict[str, Any]:
    """Give every rule row a non-negative slack in its own unit; rule name -> slack var."""
    model.elastic_slack = pyo.Var(range(len(rows)), domain=pyo.NonNegativeReals,
                                  doc="how far each rule must move")
    out = {}
    for k, rule in enumerate(rows):
        con, s = rule.constraint(model), model.elastic_slack[k]
        if rule.sense == "max":
            con.set_value((None, con.body - s, con.upper))
        else:  # a minimum, or a mandatory x[p] = 1 that may give way (x[p] + s >= 1)
            con.set_value((con.lower, con.body + s, None))
            if rule.sense == "fixed":
                s.setub(1)
        if rule.unit not in (MONEY, EXTENSION_UNIT):  # counts move in whole partners, countries or projects
            s.domain = pyo.NonNegativeIntegers
        out[rule.name] = s
    return out


def _solve(elastic: Solver, slack: dict[str, Any]) -> dict[str, float] | None:
    """Solve the elastic model as it is; slack var name -> value, or None if infeasible."""
    with stdout_to_stderr():
        out = elastic.solve_once()
    if not out.status.has_solution:
        return None
    loaded = elastic.values(slack.values())
    return {s.name: max(0.0, float(loaded[s])) for s in slack.values()}


def _partners_dropped(elastic: Solver, model: pyo.ConcreteModel, rows: list[Rule],
                      slack: dict[str, Any]) -> dict[str, Any] | None:
    """Whether the policy can be met at its budget without a partner's rule of
    ``priority.required_partners``, every other rule as it is: the elastic model re-solved
    by the same persistent Solver with every slack fixed at 0 but that partner's row's
    (one re-solve per partner, then one with every partner's off). ``{"each": {partner:
    True (met without it) / False (proven not) / None (not settled: the time limit)},
    "all": ...}``; None when no partner is required. Without it a budget message could
    only guess ("that may be enough instead")."""
    partner_rows = [r for r in rows if r.component == "required_partner"]
    if not partner_rows:
        return None
    for objective in model.component_data_objects(pyo.Objective, active=True):
        objective.deactivate()
    for name in [c.name for c in model.component_objects(pyo.Constraint)
                 if c.name.startswith("elastic_kept_")]:
        model.component(name).deactivate()  # the phases' least moves: not this question's
    freed = [slack[r.name] for r in partner_rows]
    model.add_component("partners_dropped_objective", pyo.Objective(
        expr=pyo.quicksum(freed), sense=pyo.minimize))
    for s in slack.values():
        s.fix(0)

    def met(free: list[Any]) -> bool | None:
        for s in free:
            s.unfix()
        with stdout_to_stderr():
            out = elastic.solve_once()
        for s in free:
            s.fix(0)
        return True if out.status.has_solution else (
            False if out.status == Status.INFEASIBLE else None)

    each = {str(r.index): met([slack[r.name]]) for r in partner_rows}
    both = met(freed) if len(freed) > 1 else each[str(partner_rows[0].index)]
    return {"each": each, "all": both}


def _unexplained() -> dict[str, Any]:
    return {"rule": None, "family": None, "policy_key": None, "unit": None, "amount": None,
            "bound": None, "needed": None,
            "message": "no relaxation of the policy's rules makes a portfolio possible: a "
                       "constraint or fixed variable added to the model conflicts with the "
                       "dependencies or exclusive groups"}


def _entry(rule: Rule, bound: float, amount: float, data: ModelData, problem: Problem,
           dropped: dict[str, Any] | None = None) -> dict[str, Any]:
    needed = bound + amount if rule.sense == "max" else bound - amount
    unit = rule.unit
    digits = 3  # ¥1,000 in ¥ million: below the solver's tolerance noise is not a finding
    entry = {"rule": rule.name, "family": rule.family, "policy_key": rule.policy_key(data),
             "unit": unit, "amount": json_number(amount, digits),
             "bound": json_number(bound, digits), "needed": json_number(needed, digits)}
    text = _message(rule, bound, amount, data, problem, dropped)
    entry["message"] = text[:1].upper() + text[1:] + ("" if text.endswith("?") else ".")
    return entry


def _share_of(amount: float, total: float) -> str:
    """``amount`` as a share of the total budget; a zero budget makes every bound 0 (0%)."""
    return percent(amount / total if total else 0.0)


def _share_text(amount: float, total: float, up: bool) -> str:
    """A share of the total budget, rounded to 0.1% in the direction that stays feasible;
    a small positive share gets more digits rather than read "0.0%" (up to 0.0001%)."""
    share = amount / total if total else 0.0
    for digits in range(1, 5):
        scale = 10 ** (digits + 2)
        rounded = math.ceil(share * scale - 1e-9) if up else math.floor(share * scale + 1e-9)
        if rounded > 0 or share <= 0:
            return percent(rounded / scale, digits)
    return percent(0.0)


def _message(rule: Rule, bound: float, amount: float, data: ModelData, problem: Problem,
             dropped: dict[str, Any] | None = None) -> str:
    i, key, total = rule.index, rule.policy_key(data), data.total_budget
    c = rule.component
    if c == "budget":
        return _budget_message(i, bound, amount, data, dropped)
    if c in ("tier_share", "field_min_share", "region_min_share"):
        # keyed by the rule's index: a tier's number, a field's or region's name
        grouping: dict[str, dict[Any, list[str]]] = {
            "tier_share": data.by_tier, "field_min_share": data.by_field,
            "region_min_share": data.by_region}
        groups = grouping[c]
        what = {"tier_share": f"tier {i}",  # a field in words, as the rules label it
                "field_min_share": f"field {code_label(i, capital=False)}",
                "region_min_share": f"region {i}"}[c]
        if not groups.get(i):
            return (f"no eligible project is in {what}, but {key} asks for "
                    f"{_share_of(bound, total)} of the budget ({yen(bound)}): set it to 0 "
                    f"or make a project in {what} eligible")
        left = bound - amount
        head = (f"the {what} minimum needs {yen(bound)} ({_share_of(bound, total)} of the "
                f"budget) but the other rules leave at most {yen(left)} for it")
        if left <= TOL * max(1.0, bound):
            return f"{head}: set {key} to 0 (no minimum), or loosen the rules that exclude it"
        advice = f"{head}: lower {key} to {_share_text(left, total, up=False)} (by {yen(amount)})"
        return advice + _budget_outgrew(data)
    if c in ("country_cap", "field_max_share", "region_max_share"):
        what = {"country_cap": f"{i}", "field_max_share": f"field {code_label(i, capital=False)}",
                "region_max_share": f"region {i}"}[c]
        if total <= 0:  # a share of nothing: no share can make room, the budget must
            return (f"{what} needs {yen(bound + amount)} but its cap ({key}) is a share of "
                    f"the budget, which is {yen(0.0)}: raise the budget")
        return (f"{what} needs {yen(bound + amount)} but its cap is {yen(bound)} "
                f"({_share_of(bound, total)} of the budget): raise {key} to "
                f"{_share_text(bound + amount, total, up=True)} (by {yen(amount)})")
    if c == "min_countries":
        reachable = int(round(bound - amount))
        n = len(data.by_country)
        if reachable >= n:
            return (f"only {counted(n, 'country', 'countries')} {'has' if n == 1 else 'have'} "
                    f"an eligible project, but {key} is "
                    f"{number(bound)}: lower it to {n} (by {number(amount, 6)})")
        most = counted(reachable, "recipient country", "recipient countries")
        return (f"the other rules allow at most {most}, but {key} "
                f"is {number(bound)}: lower it to {reachable} (by {number(amount, 6)})")
    if c == "max_countries":
        needed = int(round(bound + amount))
        return (f"the other rules (mandatory projects, every-partner tiers, required partners, "
                "min_countries) "
                f"need at least {needed} partners, but {key} is {number(bound)}: raise it to "
                f"{needed} (by {number(amount, 6)})")
    if c == "package_min":
        left = bound - amount
        why = ("it is in priority.required_partners"
               if str(i) in map(str, data.policy.priority.required_partners)
               else "a mandatory project, an every-partner tier or min_countries")
        head = (f"{i} must receive a package ({why}) but the other rules leave at most "
                f"{yen(left)} for it, "
                f"below {key} ({yen(bound)})")
        if left <= TOL * max(1.0, bound):
            return f"{head}: set {key} to 0, or loosen the rule that forces {i} in"
        return f"{head}: lower {key} to {yen(math.floor(left))} (by {yen(amount)})"
    if rule.family == EXTENSION:
        if rule.sense == "max":
            return (f"{rule.label(data)} allows at most {number(bound)} but the other rules "
                    f"need {number(bound + amount, 6)}: raise its bound by "
                    f"{number(amount, 6)}, or drop the row")
        return (f"{rule.label(data)} needs at least {number(bound)} but the other rules allow "
                f"at most {number(bound - amount, 6)}: lower its bound by {number(amount, 6)}, "
                "or drop the row")
    if c == "tier_partner":
        tier = data.tier[data.by_country[i][0]]
        cheapest = min(data.total_cost[p] * data.min_funding[p] for p in data.by_country[i])
        return (f"tier-{tier} partner {i} cannot receive a project under the other rules "
                f"(its cheapest eligible project needs {yen(cheapest)}): take tier {tier} "
                f"out of {key}, or make room for one of its projects")
    if c == "required_partner":
        cheapest = min(data.total_cost[p] * data.min_funding[p] for p in data.by_country[i])
        return (f"partner {i} cannot receive a project under the other rules (its cheapest "
                f"eligible project needs {yen(cheapest)}): take {i} off {key}, or make room "
                "for one of its projects")
    # mandatory (or signed)
    word, unforce = _forced_words(i, data)
    blocked = problem.unfundable.get(i)  # a chain of requirements to one that cannot be funded
    if blocked is not None:  # in the words of the input warning (inputs/sanity.py)
        chain = f" (the chain {' → '.join(blocked.chain)})" if len(blocked.chain) > 2 else ""
        back = (f", or move {blocked.blocker}'s cost to {blocked.move_cost_to} (it is out of "
                "this round by the year of its cost)" if blocked.move_cost_to else "")
        return (f"{word} project {i} cannot be funded: it {blocked.words()}; {unforce}, "
                f"{'' if back else 'or '}remove the requirement{chain}{back}")
    return f"{word} project {i} cannot be funded under the other rules: {unforce}"


def _forced_words(pid: str, data: ModelData) -> tuple[str, str]:
    """What forces ``pid`` in, and the edit that frees it: a mandatory project is made a
    candidate in its status column; a signed one (stage signed, status not mandatory) has
    its stage cleared, since its status is a candidate's already."""
    if data.forced_by.get(pid) == "projects.stage":
        return "signed", "clear its stage (stage signed fixes it in)"
    return "mandatory", "make it a candidate in the status column"


def _budget_outgrew(data: ModelData) -> str:
    """A clause when a year's budget exceeds what every eligible project asks for in it:
    then a minimum share of the budget is out of reach whatever else moves."""
    for fy, budget in data.budget.items():
        asked = sum(data.cost[fy][p] for p in data.projects)
        if budget > asked * (1 + TOL):
            return (f"; the {fy} budget of {yen(budget)} is more than all eligible projects "
                    f"ask for in {fy} ({yen(asked)}): is it meant?")
    return ""


def _budget_message(fy: str, budget: float, amount: float, data: ModelData,
                    dropped: dict[str, Any] | None = None) -> str:
    """The budget is short; say so in the words of the mandatory projects when they are why."""
    low = {m: data.cost[fy][m] * data.min_funding[m] for m in data.mandatory}
    need = sum(low.values())
    raise_by = f"raise the budget ({'budget.' + fy}) by {yen(amount)} to {yen(budget + amount)}"
    alone = sorted((m for m in low if low[m] > budget * (1 + TOL)), key=lambda m: -low[m])
    if alone:  # one project above the whole budget: a unit slip (yen for ¥ million?) first
        m = alone[0]
        others = f" ({id_list(alone[1:])} too)" if len(alone) > 1 else ""
        word = _forced_words(m, data)[0]  # the edit that frees it, in fewer words:
        unforce = "make it a candidate" if word == "mandatory" else "clear its stage"
        return (f"{word} {m} alone needs {yen(low[m])} in {fy}; the budget is "
                f"{yen(budget)}{others}: check its cost_{fy} (in ¥ million), {unforce}, or "
                f"{raise_by}")
    if need > budget * (1 + TOL) and abs(need - budget - amount) <= TOL * max(1.0, need):
        excess = need - budget
        single = sorted((m for m in low if low[m] >= excess - TOL), key=lambda m: -low[m])
        words = {_forced_words(m, data)[0] for m in low}
        whose = (f"{words.pop()} projects" if len(words) == 1
                 else "projects forced in (mandatory or signed)")
        text = (f"{whose} need {yen(need)} in {fy} but the budget is "
                f"{yen(budget)}: raise the budget by {yen(amount)}")
        if len(single) == 1:  # one project frees it: named with the edit that frees it
            word = _forced_words(single[0], data)[0]
            edit = "make it a candidate" if word == "mandatory" else "clear its stage"
            return f"{text} or drop {single[0]} ({word}: {edit})"
        if single:
            return f"{text} or drop one of {id_list(single, conjunction='or')}"
        if "signed" in whose:  # a signed project is freed by clearing its stage
            return (f"{text} or free some of {id_list(sorted(low))} (a candidate status, "
                    "no stage signed)")
        return f"{text} or make some of {id_list(sorted(low))} candidates"
    short = f"but the budget is {yen(budget)}: {raise_by}"
    required = [c for c in map(str, data.policy.priority.required_partners)
                if c in data.by_country]
    if required:  # a partner the officer required adds to what the rules need
        return (f"the rules need {yen(budget + amount)} in {fy}, a project of "
                f"{id_list(required, conjunction='and of')} (priority.required_partners) "
                f"among them, {short}{_partners_off(required, dropped)}")
    return f"the rules need {yen(budget + amount)} in {fy} {short}"


def _partners_off(required: list[str], dropped: dict[str, Any] | None) -> str:
    """What taking required partners off ``priority.required_partners`` would do, as the
    re-solves of :func:`_partners_dropped` proved it; nothing claimed that is not proven.

    >>> _partners_off(["Tavola"], {"each": {"Tavola": True}, "all": True})
    ', or take Tavola off priority.required_partners: without that rule the policy can be met at this budget'
    >>> _partners_off(["A", "B"], {"each": {"A": False, "B": False}, "all": True})
    ', or take A and B off priority.required_partners: without both the policy can be met at this budget (without one alone, it cannot)'
    >>> _partners_off(["Tavola"], {"each": {"Tavola": False}, "all": False})
    ' (taking Tavola off priority.required_partners would not be enough)'
    >>> _partners_off(["Tavola"], None)
    ''
    """
    if dropped is None:
        return ""
    each = {c: dropped["each"].get(c) for c in required}
    enough = [c for c in required if each[c] is True]
    if enough:
        alone = (f"without {'that rule' if len(required) == 1 else 'it'}"
                 if len(enough) == 1 else "without any one of them")
        return (f", or take {id_list(enough, conjunction='or')} off "
                f"priority.required_partners: {alone} the policy can be met at this budget")
    if len(required) > 1 and dropped["all"] is True:
        return (f", or take {id_list(required)} off priority.required_partners: without "
                f"{'both' if len(required) == 2 else 'them all'} the policy can be met at "
                "this budget (without one alone, it cannot)")
    if dropped["all"] is False and all(v is False for v in each.values()):
        return (f" (taking {id_list(required)} off priority.required_partners would not be "
                "enough)")
    return ""  # not settled in the time limit: nothing said
