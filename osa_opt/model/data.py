"""Plain lookups derived once from a Problem for the model builders (never mutating it)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..policy import Policy
    from ..problem import Problem


def _group(ids: list[str], key: dict[str, object]) -> dict[object, list[str]]:
    out: dict[object, list[str]] = defaultdict(list)
    for p in ids:
        out[key[p]].append(p)
    return dict(out)


@dataclass
class ModelData:
    """Numbers of the eligible projects, keyed by id, in input order."""

    policy: Policy
    projects: list[str]
    partial_projects: list[str]
    fiscal_years: list[str]
    budget: dict[str, float]
    cost: dict[str, dict[str, float]]            # year -> project -> cost
    total_cost: dict[str, float]
    value: dict[str, float]
    min_funding: dict[str, float]
    country: dict[str, str]
    tier: dict[str, int]
    field: dict[str, str]
    region: dict[str, str]
    country_cap: dict[str, float]                # effective cap share per country
    requires: list[tuple[str, str]]              # (project, required project) pairs
    ineligible: set[str]
    exclusive_groups: dict[str, list[str]]
    mandatory: list[str]
    notes: list[str] = field(default_factory=list)

    @property
    def total_budget(self) -> float:
        return float(sum(self.budget.values()))

    @property
    def by_country(self) -> dict[object, list[str]]:
        return _group(self.projects, self.country)  # type: ignore[arg-type]

    @property
    def by_tier(self) -> dict[object, list[str]]:
        return _group(self.projects, self.tier)  # type: ignore[arg-type]

    @property
    def by_field(self) -> dict[object, list[str]]:
        return _group(self.projects, self.field)  # type: ignore[arg-type]

    @property
    def by_region(self) -> dict[object, list[str]]:
        return _group(self.projects, self.region)  # type: ignore[arg-type]

    @classmethod
    def from_problem(cls, problem: Problem) -> ModelData:
        policy = problem.policy
        eligible = set(problem.eligible)
        proj = problem.projects
        ids = [p for p in proj.index if p in eligible]
        sub = proj.loc[ids]
        min_funding = sub["min_funding"].astype(float).to_dict()
        cost_frame = problem.cost.loc[ids]
        countries = problem.countries
        caps: dict[str, float] = {}
        for c in countries.index:
            cap = float(policy.priority.max_country_share)
            own = countries.at[c, "max_share"]
            if own == own and own is not None:  # not NaN
                cap = min(cap, float(own))
            caps[str(c)] = cap
        requires = [(p, q) for p in ids for q in proj.at[p, "requires"]]
        groups: dict[str, list[str]] = defaultdict(list)
        for p, g in sub["exclusive_group"].items():
            if g:
                groups[str(g)].append(p)
        notes = []
        with_projects = set(sub["country"])
        for c in countries.index:
            tier = int(countries.at[c, "priority_tier"])
            if tier in policy.priority.fund_every_tier and c not in with_projects:
                notes.append(f"Tier-{tier} partner {c} has no eligible project; the rule "
                             "'fund every partner' skips it.")
        return cls(
            notes=notes,
            policy=policy,
            projects=ids,
            partial_projects=[p for p in ids if min_funding[p] < 1.0],
            fiscal_years=list(problem.fiscal_years),
            budget={fy: float(b) for fy, b in policy.budget.items()},
            cost={fy: cost_frame[fy].to_dict() for fy in problem.fiscal_years},
            total_cost=problem.total_cost.loc[ids].to_dict(),
            value=problem.value.loc[ids].to_dict(),
            min_funding=min_funding,
            country=sub["country"].astype(str).to_dict(),
            tier=problem.tier.loc[ids].to_dict(),
            field=sub["field"].astype(str).to_dict(),
            region=problem.region.loc[ids].astype(str).to_dict(),
            country_cap=caps,
            requires=requires,
            ineligible=set(proj.index) - eligible,
            exclusive_groups={g: ps for g, ps in groups.items() if len(ps) > 1},
            mandatory=[p for p in ids if proj.at[p, "status"] == "mandatory"],
        )
