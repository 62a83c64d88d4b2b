"""Cheap obstacles: why a project cannot be forced in or out, told without a solve.

A mandatory project cannot go, nor one a mandatory project requires, nor the only eligible
project of a partner every one of whose tier must be funded; a project cannot come in when
what it requires, directly or through others, cannot be funded (excluded or ineligible:
``problem.unfundable``, the chain named), when an exclusive-group rival is mandatory, or
when it, what it requires and the mandatory projects, each at its least share
(``min_funding``, or ``units_min`` of ``units_max`` whole units), exceed a year's budget or
its country's cap. The explainer of :mod:`osa_opt.analysis.why` mixes these in; the messages
name the obstacle.
"""

from __future__ import annotations

from typing import Any

from osa_opt.analysis.rule_rows import TOL
from osa_opt.text import id_list, percent, yen


class Obstacles:
    """The obstacle checks of :class:`osa_opt.analysis.why._Explainer` (a mix-in: they read
    its problem, tables and solver model)."""

    problem: Any
    solver: Any
    projects: Any
    cost: Any
    total_cost: Any
    tier: Any
    eligibility: Any
    country: dict[str, str]
    requires: dict[str, tuple]
    group: dict[str, str]
    mandatory: list[str]
    eligible: set[str]
    eligible_in: Any

    def _forced_word(self, pid: str) -> str:
        """What forces a project of ``mandatory`` in: its status (mandatory) or its stage
        (signed; status mandatory wins when both)."""
        return "mandatory" if self.projects.at[pid, "status"] == "mandatory" else "signed"

    def _closure(self, pid: str) -> list[str]:
        """pid and every project it requires, directly or through others."""
        seen, todo = [pid], [pid]
        while todo:
            for q in self.requires.get(todo.pop(), ()):
                if q not in seen:
                    seen.append(q)
                    todo.append(q)
        return seen

    def _obstacle_in(self, pid: str) -> str | None:
        """A structural reason pid cannot be funded, when one is cheap to tell."""
        pb = self.problem
        blocked = self.problem.unfundable.get(pid)
        if blocked is not None:  # a chain of requirements to one that cannot be funded
            return "it " + blocked.words()
        needed = self._closure(pid)
        for i, q in enumerate(needed):
            if not self.group.get(q):
                continue
            whose = "its" if q == pid else f"it requires {q}, whose"
            for r in self.mandatory:
                if r != q and self.group.get(r) == self.group[q]:
                    return f"{whose} exclusive-group rival {r} is {self._forced_word(r)}"
            for r in needed[i + 1:]:
                if self.group.get(r) == self.group[q]:
                    return f"{q} and {r} (which it needs) are in the same exclusive group"
        must = list(dict.fromkeys(needed + self.mandatory))
        # each at its least share as the model has it: min_funding, or units_min ÷
        # units_max for a project funded in whole units (its min_funding does not apply)
        least = self.solver.model.osa.min_funding
        low = {q: float(least[q]) if q in least else float(self.projects.at[q, "min_funding"])
               for q in must}
        for fy, budget in pb.budget.items():
            need = sum(float(self.cost.at[q, fy]) * low[q] for q in must)
            if need > budget * (1 + TOL) + TOL:
                return (f"with {self._company(needed)} it needs at least {yen(need)} in {fy}, "
                        f"over the budget of {yen(budget)}")
        country = self.country[pid]
        cap_share = self.solver.model.osa.country_cap.get(str(country), 1.0)
        cap = cap_share * pb.policy.total_budget
        there = [q for q in must if self.country[q] == country]
        need = sum(float(self.total_cost[q]) * low[q] for q in there)
        if need > cap * (1 + TOL) + TOL:
            # name only the projects in this country that the sum counts, by id
            others = [q for q in there if q != pid]
            with_them = f"with {id_list(others)} (also in {country}) " if others else ""
            return (f"{with_them}it needs at least {yen(need)} in {country} ({pid}'s "
                    f"country), over {country}'s cap of {yen(cap)} ({percent(cap_share)} of "
                    "the budget)")
        return None

    def _company(self, needed: list[str]) -> str:
        parts = []
        if len(needed) > 1:
            parts.append(f"what it requires ({id_list(needed[1:])})")
        if self.mandatory:
            signed = any(self._forced_word(m) == "signed" for m in self.mandatory)
            parts.append("the projects forced in" if signed else "the mandatory projects")
        return " and ".join(parts) if parts else "nothing else"

    def _obstacle_out(self, pid: str) -> str | None:
        """A structural reason pid cannot be dropped, when one is cheap to tell."""
        pb = self.problem
        if pid in self.mandatory:
            why = str(self.projects.at[pid, "status_reason"] or "").strip()
            return f"it is {self._forced_word(pid)}" + (f" ({why})" if why else "")
        for m in self.mandatory:
            if pid in self._closure(m)[1:]:
                return f"{self._forced_word(m)} project {m} requires it"
        country = self.country[pid]
        tier = int(self.tier[pid])
        if tier in pb.policy.priority.fund_every_tier:
            if self.eligible_in[country] == 1:  # pid is eligible: it is the one
                return (f"it is the only eligible project of tier-{tier} partner {country}, "
                        f"and every tier-{tier} partner must be funded")
        if str(country) in map(str, pb.policy.priority.required_partners) \
                and self.eligible_in[country] == 1:
            return (f"it is the only eligible project of {country}, which "
                    "priority.required_partners requires")
        return None
