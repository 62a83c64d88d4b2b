"""One small function per constraint family of docs/model.md; what each family is (its
components, sense, unit, label, policy key, rule check) is in :mod:`osa_opt.model.registry`.

Each ``add_<family>(m, data)`` returns early when its rule is off or cannot bind, so the
model holds no empty blocks. Index names follow the inputs, e.g. ``budget[FY2026]``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

import pyomo.core as pyo  # not pyomo.environ: its plugins cost start-up time
from pyomo.core.expr.numeric_expr import LinearExpression, MonomialTermExpression

from osa_opt.model.data import ModelData


def funded(m: pyo.ConcreteModel, p: str) -> pyo.Var:
    """The funded fraction of p: ``f[p]`` if partly fundable, else ``x[p]``."""
    return m.f[p] if p in m.f else m.x[p]


def funded_vars(m: pyo.ConcreteModel) -> dict[str, pyo.Var]:
    """``{p: funded(m, p)}`` for every eligible project, made once per model (or Block).

    Indexing ``m.x[p]`` costs about a microsecond; the families look up every project in
    several rows, so one dict saves a fifth of the build at 100,000 projects. The cache is
    remade if ``m.x`` or ``m.f`` is replaced.
    """
    x, f = m.x, m.f
    cached = m.__dict__.get("_funded_vars")
    if cached is None or cached[0] is not x or cached[1] is not f:
        lookup = dict(x.items())
        lookup.update(f.items())
        cached = (x, f, lookup)
        m.__dict__["_funded_vars"] = cached  # a plain attribute, not a model component
    return cached[2]


def empty_sum(m: pyo.ConcreteModel) -> pyo.Var:
    """A variable fixed by its bounds at 0 that stands in for a sum with no terms.

    It keeps an impossible minimum (a share of a tier with no eligible project) a visible,
    named row that the solver reports infeasible, instead of a Python error at build time.
    """
    if not hasattr(m, "empty"):
        m.empty = pyo.Var(bounds=(0, 0), doc="stands in for an empty sum")
    return m.empty


def linear_sum(coefs: Iterable[float], variables: Iterable[pyo.Var]) -> LinearExpression:
    """Σ_i coefs[i]·variables[i], built directly as the LinearExpression ``quicksum`` makes.

    ``c * var`` goes through Pyomo's operator dispatch for every term; making the terms here
    builds a 100,000-term row about twice as fast (same expression: a coefficient of 1
    leaves the bare variable, as ``1 * var`` does).
    """
    return LinearExpression([v if c == 1 else MonomialTermExpression((c, v))
                             for c, v in zip(coefs, variables, strict=True)])


def weighted_sum(m: pyo.ConcreteModel, weights: Mapping[str, float],
                 ids: Iterable[str]) -> LinearExpression | pyo.Var:
    """Σ_p weights[p] · funded(p) over ids, skipping zero weights."""
    ids = [p for p in ids if weights[p] != 0]
    if not ids:
        return empty_sum(m)
    variables = funded_vars(m)
    return linear_sum([weights[p] for p in ids], [variables[p] for p in ids])


def value_expression(m: pyo.ConcreteModel, data: ModelData,
                     value: Mapping[str, float]) -> LinearExpression | pyo.Var:
    """Σ_p v[p] · f[p]: the objective for the given project values."""
    return weighted_sum(m, value, data.projects)


def add_partial_funding(m: pyo.ConcreteModel, data: ModelData) -> None:
    """min_funding[p]·x[p] ≤ f[p] ≤ x[p] for every partly fundable project p."""
    if not data.partial_projects:
        return
    m.partial_min = pyo.Constraint(
        m.Q, rule=lambda m, p: m.f[p] >= data.min_funding[p] * m.x[p])
    m.partial_max = pyo.Constraint(m.Q, rule=lambda m, p: m.f[p] <= m.x[p])


def add_budget(m: pyo.ConcreteModel, data: ModelData) -> None:
    """Σ_p cost[p,y]·f[p] ≤ budget[y] for every fiscal year y."""
    def rule(m: pyo.ConcreteModel, y: str) -> object:
        if not any(data.cost[y][p] for p in data.projects):
            return pyo.Constraint.Skip
        return weighted_sum(m, data.cost[y], data.projects) <= data.budget[y]

    m.budget = pyo.Constraint(m.Y, rule=rule)


def add_tier_shares(m: pyo.ConcreteModel, data: ModelData) -> None:
    """Σ_{p in tier t} cost[p]·f[p] ≥ share_t · ΣB for every tier t with a minimum share."""
    shares = {t: s for t, s in data.policy.priority.min_tier_share.items() if s > 0}
    if not shares:
        return
    by_tier = data.by_tier
    m.tier_share = pyo.Constraint(
        sorted(shares),
        rule=lambda m, t: weighted_sum(m, data.total_cost, by_tier.get(t, []))
        >= shares[t] * data.total_budget)


def add_tier_partners(m: pyo.ConcreteModel, data: ModelData) -> None:
    """Σ_{p in c} x[p] ≥ 1 for each country c of a tier in fund_every_tier with an eligible project.

    A partner with no eligible project is reported in ``data.notes``, not made infeasible.
    """
    tiers = set(data.policy.priority.fund_every_tier)
    if not tiers:
        return
    by_country = data.by_country
    partners = [c for c in sorted(by_country) if data.tier[by_country[c][0]] in tiers]
    if not partners:
        return
    m.tier_partner = pyo.Constraint(
        partners, rule=lambda m, c: pyo.quicksum(m.x[p] for p in by_country[c]) >= 1)


def add_required_partners(m: pyo.ConcreteModel, data: ModelData) -> None:
    """Σ_{p in c} x[p] ≥ 1 for each partner c of priority.required_partners.

    Validation refuses a listed partner without an eligible project (inputs/rules.py), so
    every row has a project to fund.
    """
    by_country = data.by_country
    partners = sorted({str(c) for c in data.policy.priority.required_partners} & set(by_country))
    if not partners:
        return
    m.required_partner = pyo.Constraint(
        partners, rule=lambda m, c: pyo.quicksum(m.x[p] for p in by_country[c]) >= 1)


def add_country_caps(m: pyo.ConcreteModel, data: ModelData) -> None:
    """Σ_{p in c} cost[p]·f[p] ≤ cap_c · ΣB for each country (policy-wide or its own max_share)."""
    by_country = data.by_country
    limit = {c: data.country_cap.get(str(c), 1.0) * data.total_budget for c in by_country}
    # a cap of 100% or more adds nothing the budget rows do not (and would be "advised")
    binding = [c for c in sorted(by_country)
               if data.country_cap.get(str(c), 1.0) < 1.0
               and sum(data.total_cost[p] for p in by_country[c]) > limit[c] + 1e-9]
    if not binding:
        return
    m.country_cap = pyo.Constraint(
        binding,
        rule=lambda m, c: weighted_sum(m, data.total_cost, by_country[c]) <= limit[c])


def _add_group_shares(
    m: pyo.ConcreteModel, data: ModelData, name: str, groups: dict[str, list[str]],
    shares: Mapping[str, float], minimum: bool,
    cost_in: Callable[[str], Mapping[str, float]] | None = None,
) -> None:
    """Σ_{p in group g} cost[p]·f[p] ≥ (or ≤) share_g · ΣB; ``cost_in(g)`` gives what each
    project's cost counts in group g (default: all of it)."""
    def cost_of(g: str) -> Mapping[str, float]:
        return data.total_cost if cost_in is None else cost_in(g)

    if minimum:
        keys = sorted(g for g, s in shares.items() if s > 0)
    else:  # a maximum only binds when the group could exceed it
        keys = sorted(g for g, s in shares.items()
                      if sum(cost_of(g)[p] for p in groups.get(g, []))
                      > s * data.total_budget + 1e-9)
    if not keys:
        return

    def rule(m: pyo.ConcreteModel, g: str) -> object:
        spent = weighted_sum(m, cost_of(g), groups.get(g, []))
        bound = shares[g] * data.total_budget
        return spent >= bound if minimum else spent <= bound

    setattr(m, name, pyo.Constraint(keys, rule=rule))


def add_field_shares(m: pyo.ConcreteModel, data: ModelData) -> None:
    """min_share_g·ΣB ≤ Σ_{p in field g} cost[p]/n_fields[p]·f[p] ≤ max_share_g·ΣB."""
    balance = data.policy.balance
    groups = data.by_field
    named = {*balance.min_field_share, *balance.max_field_share}
    costs = {g: data.field_cost(g) for g in named}  # once per field named by a share
    _add_group_shares(m, data, "field_min_share", groups, balance.min_field_share, True,
                      costs.__getitem__)
    _add_group_shares(m, data, "field_max_share", groups, balance.max_field_share, False,
                      costs.__getitem__)


def add_region_shares(m: pyo.ConcreteModel, data: ModelData) -> None:
    """min_share_r·ΣB ≤ Σ_{p in region r} cost[p]·f[p] ≤ max_share_r·ΣB."""
    balance = data.policy.balance
    groups = data.by_region
    _add_group_shares(m, data, "region_min_share", groups, balance.min_region_share, True)
    _add_group_shares(m, data, "region_max_share", groups, balance.max_region_share, False)


def add_distinct_recipients(m: pyo.ConcreteModel, data: ModelData) -> None:
    """z[c] ≤ Σ_{p in c} x[p] for countries with an eligible project; Σ_c z[c] ≥ min_countries."""
    need = data.policy.priority.min_countries
    if need <= 0:
        return
    by_country = data.by_country
    m.C = pyo.Set(initialize=sorted(by_country), ordered=True, doc="countries with eligible projects")
    m.z = pyo.Var(m.C, domain=pyo.Binary, doc="country receives at least one project")
    m.recipient = pyo.Constraint(
        m.C, rule=lambda m, c: m.z[c] <= pyo.quicksum(m.x[p] for p in by_country[c]))
    total = pyo.quicksum(m.z[c] for c in m.C) if len(m.C) else empty_sum(m)
    m.min_countries = pyo.Constraint(expr=total >= need)


def add_dependencies(m: pyo.ConcreteModel, data: ModelData) -> None:
    """x[p] ≤ x[q] when p requires q; x[p] ≤ 0 when q is not eligible."""
    if not data.requires:
        return
    m.requires = pyo.Constraint(
        data.requires,
        rule=lambda m, p, q: m.x[p] <= (m.x[q] if q in m.x else 0))


def add_exclusive_groups(m: pyo.ConcreteModel, data: ModelData) -> None:
    """Σ_{p in g} x[p] ≤ 1 for every exclusive group g with two or more eligible projects."""
    groups = data.exclusive_groups
    if not groups:
        return
    m.exclusive = pyo.Constraint(
        sorted(groups), rule=lambda m, g: pyo.quicksum(m.x[p] for p in groups[g]) <= 1)


def add_mandatory(m: pyo.ConcreteModel, data: ModelData) -> None:
    """x[p] = 1 for every mandatory project (it may still be partly funded down to its minimum)."""
    if not data.mandatory:
        return
    m.mandatory = pyo.Constraint(data.mandatory, rule=lambda m, p: m.x[p] == 1)


def add_whole_units(m: pyo.ConcreteModel, data: ModelData) -> None:
    """units_max[p]·f[p] = u[p], u[p] integer, for every project funded in whole units.

    Its fraction is units ÷ units_max, and ``partial_min`` keeps u[p] ≥ units_min[p]·x[p].
    """
    ids = [p for p in data.projects if p in data.units_max and p in m.f]
    if not ids:
        return
    m.U = pyo.Set(initialize=ids, ordered=True, doc="projects funded in whole units")
    m.u = pyo.Var(m.U, domain=pyo.NonNegativeIntegers,
                  bounds=lambda m, p: (0, data.units_max[p]), doc="units funded")
    m.units = pyo.Constraint(m.U, rule=lambda m, p: data.units_max[p] * m.f[p] == m.u[p])


def _partner_vars(m: pyo.ConcreteModel, data: ModelData) -> dict[str, list[str]]:
    """``w[c]`` binary, w[c] ≥ x[p] for every project p of c: c signs an agreement."""
    by_country = data.by_country
    if not hasattr(m, "W"):
        m.W = pyo.Set(initialize=sorted(by_country), ordered=True,
                      doc="countries with eligible projects (agreements)")
        m.w = pyo.Var(m.W, domain=pyo.Binary, doc="the country gets an agreement")
        pairs = [(c, p) for c in m.W for p in by_country[c]]
        m.partner = pyo.Constraint(pairs, rule=lambda m, c, p: m.x[p] <= m.w[c])
    return by_country


def add_max_countries(m: pyo.ConcreteModel, data: ModelData) -> None:
    """x[p] ≤ w[c] for p in c; Σ_c w[c] ≤ max_countries (only when more could be funded)."""
    most = data.policy.priority.max_countries
    if most <= 0 or len(data.by_country) <= most:
        return
    _partner_vars(m, data)
    m.max_countries = pyo.Constraint(expr=pyo.quicksum(m.w[c] for c in m.W) <= most)


def add_min_package(m: pyo.ConcreteModel, data: ModelData) -> None:
    """Σ_{p in c} cost[p]·f[p] + min_package·(1 − w[c]) ≥ min_package for every country c.

    A funded partner's package is at least min_package; the bound is the amount itself, so
    prices and the diagnosis read it in ¥ million like every minimum.
    """
    least = data.policy.priority.min_package
    if least <= 0:
        return
    by_country = _partner_vars(m, data)
    m.package_min = pyo.Constraint(
        sorted(by_country),
        rule=lambda m, c: weighted_sum(m, data.total_cost, by_country[c])
        + least * (1 - m.w[c]) >= least)
