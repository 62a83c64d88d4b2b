"""The greedy benefit/cost ranking: the baseline other tools use, to compare the optimum against.

Eligible projects are sorted by value per ¥ of total cost and funded in that order while
they fit every fiscal year's remaining budget. Nothing here solves a model; the result is a
baseline, not a recommendation: it ignores the share, cap and country rules of the policy.

>>> import osa_opt
>>> from osa_opt.analysis.greedy import greedy_ranking
>>> baseline = greedy_ranking(osa_opt.load_problem())
>>> round(baseline.value, 3), baseline.order[:3]
(155.726, ['P-11', 'P-10', 'P-06'])
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from osa_opt.inputs.requirement_rules import bundles
from osa_opt.model.data import whole_units
from osa_opt.model.registry import broken_rules

if TYPE_CHECKING:
    import pandas as pd

    from osa_opt.inputs.problem import Problem
    from osa_opt.model.data import ModelData

#: Slack, as a fraction of a project or of a budget, for float sums when testing a fit.
FIT_TOL = 1e-9


@dataclass(frozen=True)
class GreedyResult:
    """What the greedy ranking funds.

    Attributes
    ----------
    fractions : funded project id -> funded fraction in [min_funding, 1], in funding order.
    value : Σ_p v[p]·fraction[p], the objective of docs/model.md for these fractions.
    cost_by_year : funded cost per fiscal year, ¥ million.
    order : every eligible project, best value per ¥ first (ties by project id): the ranking.
    budget : the budget per fiscal year the greedy filled, ¥ million.
    """

    fractions: dict[str, float]
    value: float
    cost_by_year: dict[str, float]
    order: list[str]
    budget: dict[str, float]

    @property
    def total_cost(self) -> float:
        return float(sum(self.cost_by_year.values()))

    @property
    def within_budget(self) -> bool:
        """False only when mandatory projects alone overspend a year's budget."""
        return all(self.cost_by_year[fy] <= b + FIT_TOL * max(1.0, b)
                   for fy, b in self.budget.items())

    def broken_rules(self, data: ModelData) -> list[str]:
        """The rows of the policy's families this portfolio breaks at its budget (checked by
        :func:`osa_opt.model.registry.broken_rules`), e.g. ``['tier_share[1]']``. The greedy
        keeps budgets, requirements, exclusive groups and mandatory projects, so only the
        other families appear, and a budget only when mandatory projects overspend it."""
        at_budget = dataclasses.replace(data, budget=dict(self.budget))
        return broken_rules(at_budget, self.fractions)


def greedy_ranking(problem: Problem, budget: Mapping[str, float] | None = None) -> GreedyResult:
    """Fund eligible projects in order of value per ¥ of total cost while they fit.

    The rules, in order:

    1. Mandatory projects (and the projects they require) are funded first: every one at
       its least share (min_funding, or units_min of units_max whole units), funded even
       when that does not fit (see :attr:`GreedyResult.within_budget`); then each, in that
       order, at the largest fraction in [its least share, 1] (whole units for a project in
       units) that fits beside the others.
    2. The other eligible projects with a positive value follow, sorted by
       ``value / total_cost`` descending (a free project first), ties by project id. Each is
       funded whole if it fits every fiscal year's remaining budget; a partly fundable one
       at the largest fraction ≥ its ``min_funding`` that fits (a project in whole units:
       the most whole units, at least ``units_min``).
    3. A project is skipped when a rival of its exclusive group is already funded, or when a
       project it ``requires`` is not funded by then (the ranking never looks ahead). A
       bundle (projects that require each other) is funded whole, at its first member's
       place, when all of it fits.

    It **ignores** the tier shares, every-partner-funded, country caps, field and region
    shares, ``min_countries``, ``max_countries`` and ``min_package`` of the policy, so its
    portfolio may break those rules.

    Parameters
    ----------
    problem : a validated Problem.
    budget : budget per fiscal year to fill instead of the policy's (used by the curve).

    Returns
    -------
    GreedyResult

    Examples
    --------
    >>> result = greedy_ranking(problem)
    >>> len(result.fractions), sorted(result.fractions)[:3]
    (27, ['P-01', 'P-03', 'P-05'])
    """
    prepared = _Prepared.of(problem)
    return prepared.fill(dict(budget or problem.policy.budget))


def greedy_curve(problem: Problem, budget_shares: list[float]) -> list[GreedyResult]:
    """The greedy answer at the policy budget scaled by each share (every year alike).

    Used by the budget frontier and the benchmarks to draw the baseline beside the optimum;
    the ranking is sorted once for all shares.

    Examples
    --------
    >>> [round(r.value, 1) for r in greedy_curve(problem, [0.5, 1.0, 1.5])]
    [108.0, 155.7, 165.0]
    """
    prepared = _Prepared.of(problem)
    base = problem.policy.budget
    return [prepared.fill({fy: float(b) * float(share) for fy, b in base.items()})
            for share in budget_shares]


@dataclass(frozen=True)
class _Prepared:
    """What the greedy needs, as plain lists (fast for 100,000 projects), sorted once."""

    order: list[str]
    mandatory_first: list[str]
    fiscal_years: list[str]
    cost: dict[str, tuple[float, ...]]       # project -> cost per fiscal year
    value: dict[str, float]
    min_funding: dict[str, float]
    requires: dict[str, tuple[str, ...]]
    group: dict[str, str]
    units: dict[str, int]                    # units_max of projects funded in whole units
    bundle: dict[str, tuple[str, ...]]       # each member of a bundle -> all its members

    @classmethod
    def of(cls, problem: Problem) -> _Prepared:
        eligible = list(problem.eligible)
        keep = problem.input_projects.index.isin(eligible)
        projects = problem.input_projects[keep]
        ids = projects.index.tolist()

        def column(series: pd.Series) -> dict[str, Any]:
            return dict(zip(ids, series.tolist(), strict=True))

        value = column(problem.value[keep].astype(float))
        total_cost = column(problem.total_cost[keep].astype(float))
        years = list(problem.fiscal_years)
        costs = problem.cost[keep][years].to_numpy(float).tolist()
        order = sorted(ids, key=lambda p: (-_ratio(value[p], total_cost[p]), p))
        requires = column(projects["requires"])
        mandatory = set(projects.index[(projects["status"] == "mandatory")
                                       | (projects["stage"] == "signed")])
        most, least = whole_units(projects)
        min_funding = column(projects["min_funding"].astype(float))
        min_funding.update({p: least[p] / most[p] for p in most})
        members = {p: tuple(part) for part in bundles(projects) for p in part}
        return cls(
            order=order,
            mandatory_first=_mandatory_first(mandatory, requires, order),
            fiscal_years=years,
            cost={p: tuple(c) for p, c in zip(ids, costs, strict=True)},
            value=value,
            min_funding=min_funding,
            requires=requires,
            group=column(projects["exclusive_group"].astype(str)),
            units=most,
            bundle=members,
        )

    def _fitting(self, p: str, room: list[float], least: float) -> float | None:
        """The largest share of ``p`` that fits ``room`` and is at least ``least``: whole
        if it fits, whole units for a project in units; None if none does."""
        fraction = _fitting_fraction(_largest_fraction(self.cost[p], room), least)
        if fraction is not None and p in self.units:  # whole units only
            fraction = math.floor(fraction * self.units[p] + FIT_TOL) / self.units[p]
            fraction = fraction if fraction >= least - FIT_TOL else None
        return fraction

    def fill(self, budget: dict[str, float]) -> GreedyResult:
        """Fund in order while projects fit ``budget`` (every fiscal year of the problem)."""
        budget = {fy: float(budget[fy]) for fy in self.fiscal_years}
        left = [budget[fy] for fy in self.fiscal_years]
        spent = [0.0] * len(left)
        fractions: dict[str, float] = {}

        def fund(p: str, fraction: float) -> None:  # p's fraction set (a mandatory's raised)
            more = fraction - fractions.get(p, 0.0)
            fractions[p] = fraction
            for k, c in enumerate(self.cost[p]):
                left[k] -= c * more
                spent[k] += c * more

        # Mandatory projects: every one at its least share first (funded even if over
        # budget), then each raised to the largest share that fits beside the others' least
        # (raising the first one whole could otherwise push a later one over the budget).
        for p in self.mandatory_first:
            fund(p, self.min_funding[p])
        for p in self.mandatory_first:
            least = fractions[p]
            room = [r + c * least for r, c in zip(left, self.cost[p], strict=True)]
            fraction = self._fitting(p, room, least)
            if fraction is not None and fraction > least:
                fund(p, fraction)
        funded_groups = {self.group[p] for p in fractions if self.group[p]}
        for p in self.order:
            if (p in fractions or self.value[p] <= 0
                    or (self.group[p] and self.group[p] in funded_groups)):
                continue
            members = self.bundle.get(p, (p,))  # a bundle is funded whole, all together
            if any(q not in fractions and q not in members
                   for m in members for q in self.requires[m]):
                continue
            if len(members) > 1:
                together = tuple(map(sum, zip(*(self.cost[m] for m in members), strict=True)))
                groups = [self.group[m] for m in members if self.group[m]]
                if (_largest_fraction(together, left) >= 1.0 - FIT_TOL
                        and len(set(groups)) == len(groups) and not set(groups) & funded_groups):
                    for m in members:
                        fund(m, 1.0)
                    funded_groups.update(groups)
                continue
            fraction = self._fitting(p, left, self.min_funding[p])
            if fraction is not None:
                fund(p, fraction)
                if self.group[p]:
                    funded_groups.add(self.group[p])

        total_value = float(sum(self.value[p] * f for p, f in fractions.items()))
        return GreedyResult(fractions, total_value, dict(zip(self.fiscal_years, spent, strict=True)),
                            list(self.order), budget)


# ---------------------------------------------------------------------- helpers
def _ratio(value: float, total_cost: float) -> float:
    """Value per ¥; a free project with value ranks first, a free one without last."""
    if total_cost > 0:
        return value / total_cost
    return math.inf if value > 0 else -math.inf


def _largest_fraction(cost: tuple[float, ...], left: list[float]) -> float:
    """The largest f in [0, 1] with cost[y]·f ≤ left[y] for every year (0 if none fits)."""
    largest = 1.0
    for c, room in zip(cost, left, strict=True):
        if c > 0:
            largest = min(largest, max(0.0, room) / c)
    return largest


def _fitting_fraction(largest: float, min_funding: float) -> float | None:
    """Whole if it fits (up to float noise), else the largest fraction ≥ min_funding, else None."""
    if largest >= 1.0 - FIT_TOL:
        return 1.0
    if largest >= min_funding - FIT_TOL:
        return max(largest, min_funding)
    return None


def _mandatory_first(mandatory: set[str], requires: dict[str, tuple[str, ...]],
                     order: list[str]) -> list[str]:
    """Mandatory projects and every eligible project they require, requirements first."""
    rank = {p: i for i, p in enumerate(order)}
    out: dict[str, None] = {}

    visiting: set[str] = set()

    def visit(p: str) -> None:
        if p in out or p in visiting or p not in rank:  # done, in a bundle's ring, not eligible
            return
        visiting.add(p)
        for q in sorted(requires[p], key=lambda q: rank.get(q, len(rank))):
            visit(q)
        out[p] = None

    for p in order:
        if p in mandatory:
            visit(p)
    return list(out)
