"""The plan an execution analysis simulates (:mod:`osa_opt.analysis.execution`): each
partner's and item's signing probability, and portfolio 1 with its ordered reserve entries
as numpy arrays (costs per year, the maximums of the policy, requirements).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from osa_opt.inputs.schema import split_values

if TYPE_CHECKING:
    from osa_opt.inputs.problem import Problem

#: Float slack of a maximum (relative to max(1, the bound)).
TOL = 1e-9


# ---------------------------------------------------------------------- probabilities
def signing_probabilities(problem: Problem) -> tuple[pd.Series, pd.Series]:
    """``(p_partner by country, p_item by project)`` from the columns and the policy.

    A blank item ``p_sign`` takes ``p_sign_by_stage`` of its ``stage`` (1 with no stage); a
    blank partner ``p_sign`` is 1, and so is the partner of an item at stage ``signed`` (its
    agreement is signed).
    """
    projects, countries = problem.input_projects, problem.input_countries
    by_stage = problem.policy.execution.p_sign_by_stage
    stage = projects["stage"] if "stage" in projects else pd.Series("", index=projects.index)
    default = stage.map(lambda s: float(by_stage.get(s, 1.0)) if s else 1.0)
    own = projects["p_sign"] if "p_sign" in projects else pd.Series(np.nan, index=projects.index)
    p_item = own.astype(float).where(own.notna(), default).rename("p_item")
    own_c = countries["p_sign"] if "p_sign" in countries else pd.Series(np.nan,
                                                                       index=countries.index)
    p_partner = own_c.astype(float).fillna(1.0).rename("p_partner")
    signed = set(projects.loc[stage == "signed", "country"])
    p_partner[p_partner.index.isin(signed)] = 1.0
    return p_partner, p_item


def has_execution_data(problem: Problem) -> bool:
    """True when a stage or a signing probability is given anywhere in the input."""
    pj, co = problem.input_projects, problem.input_countries
    return bool(("stage" in pj and (pj["stage"] != "").any())
                or ("p_sign" in pj and pj["p_sign"].notna().any())
                or ("p_sign" in co and co["p_sign"].notna().any()))


# ---------------------------------------------------------------------- the plan
@dataclass(frozen=True)
class Plan:
    """Portfolio 1 and the reserve entries as arrays (sent once to every worker).

    ``ids`` are portfolio 1's projects then the reserves' (entry by entry); ``entries``
    the reserve entries as index tuples into ``ids``; ``requires[i]`` the indices item i
    requires (-1: a project outside the plan, never committed); ``caps`` rows
    ``(share counted, limit)`` of the maximum rules: Σ share·cost over all years ≤ limit,
    the share 1 for a member of a country or region and 1/n in each of a project's n fields
    (docs/model.md), 0 outside.
    """

    ids: tuple[str, ...]
    n_primary: int
    entries: tuple[tuple[int, ...], ...]
    positions: np.ndarray          # each id's row in the problem's projects (for the draws)
    n_projects: int
    partner: np.ndarray            # each id's partner, an index into the countries
    n_partners: int
    p_item: np.ndarray
    p_partner: np.ndarray
    cost: np.ndarray               # ids × years, at the planned fraction
    value: np.ndarray
    budget: np.ndarray
    requires: tuple[tuple[int, ...], ...]
    caps: tuple[tuple[np.ndarray, float], ...]
    group: np.ndarray              # exclusive group number, -1 for none
    max_partners: int
    target: float
    min_package: float = 0.0
    #: the partners ``priority.required_partners`` names, indices into the countries
    required: tuple[int, ...] = ()

    @property
    def total_cost(self) -> np.ndarray:
        return self.cost.sum(axis=1)


def make_plan(problem: Problem, fractions: dict[str, float],
              reserves: Sequence[Sequence[str]], reserve_fractions: dict[str, float] | None = None,
              target: float | None = None) -> Plan:
    """The arrays of a plan: portfolio 1's ``fractions`` and the reserve entries in order."""
    pj = problem.input_projects
    reserve_fractions = reserve_fractions or {}
    primary = [p for p in pj.index if p in fractions]
    ids = primary + [p for entry in reserves for p in entry]
    index = {p: i for i, p in enumerate(ids)}
    entries, k = [], len(primary)
    for entry in reserves:
        entries.append(tuple(range(k, k + len(entry))))
        k += len(entry)
    frac = np.array([fractions.get(p, reserve_fractions.get(p, 1.0)) for p in ids], dtype=float)
    cost = problem.cost.loc[ids].to_numpy(float) * frac[:, None]
    value = problem.value.loc[ids].to_numpy(float) * frac
    p_partner, p_item = signing_probabilities(problem)
    countries = list(problem.input_countries.index)
    partner = np.array([countries.index(c) for c in pj.loc[ids, "country"]], dtype=int)
    requires = tuple(tuple(index.get(q, -1) for q in pj.at[p, "requires"]) for p in ids)
    groups = {g: n for n, g in enumerate(sorted({g for g in pj["exclusive_group"] if g}))}
    policy = problem.policy
    return Plan(
        ids=tuple(ids), n_primary=len(primary), entries=tuple(entries),
        positions=pj.index.get_indexer(ids), n_projects=len(pj), partner=partner,
        n_partners=len(countries), p_item=p_item.loc[ids].to_numpy(float),
        p_partner=p_partner.reindex(countries).to_numpy(float), cost=cost, value=value,
        budget=np.array([policy.budget[fy] for fy in problem.fiscal_years], dtype=float),
        requires=requires, caps=_cap_rows(problem, ids),
        group=np.array([groups.get(pj.at[p, "exclusive_group"], -1) for p in ids], dtype=int),
        max_partners=int(policy.priority.max_countries),
        target=float(policy.execution.target if target is None else target),
        min_package=float(policy.priority.min_package),
        required=tuple(countries.index(c) for c in
                       sorted(set(map(str, policy.priority.required_partners)))
                       if c in countries),
    )


def _cap_rows(problem: Problem, ids: list[str]) -> tuple[tuple[np.ndarray, float], ...]:
    """The policy's maximums on total cost as (share of each id's cost counted, limit) rows:
    a project of several fields counts an equal part of its cost in each, as in the model."""
    policy = problem.policy
    total = policy.total_budget
    pj = problem.input_projects
    country = pj.loc[ids, "country"].to_numpy()
    rows = []
    own = problem.input_countries["max_share"].astype(float)
    caps = own.where(own.notna(), 1.0).clip(upper=policy.priority.max_country_share).to_dict()
    for c in sorted(set(country)):
        if caps.get(c, 1.0) < 1.0:
            rows.append(((country == c).astype(float), caps[c] * total))
    fields = [split_values(f) for f in pj.loc[ids, "field"]]
    for g, s in policy.balance.max_field_share.items():
        rows.append((np.array([1.0 / len(f) if g in f else 0.0 for f in fields]), s * total))
    region = problem.region.loc[ids].to_numpy()
    rows += [((region == g).astype(float), s * total)
             for g, s in policy.balance.max_region_share.items()]
    return tuple(rows)
