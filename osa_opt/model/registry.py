"""The one registry of constraint families: what each is, in words and numbers.

For every family: the ``add_*`` function that builds it (:mod:`osa_opt.model.families`), its
model components with their sense (``max``, ``min``, ``fixed`` or ``link`` for a structural
row no policy number sets), unit, label and policy key, whether its bounds scale with the
budget, and a check of a plain portfolio (``{project: fraction}``) against its rule. Prices,
diagnosis, the frontier, the greedy baseline and the tests read it; ``build_model`` adds the
families in its order.

A new family is one entry in :data:`REGISTRY` and one ``add_*`` function (docs/model.md).

>>> from osa_opt.model.registry import FAMILIES, component
>>> FAMILIES["field_share"].component_names
('field_min_share', 'field_max_share')
>>> component("tier_partner").unit
'projects'
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from osa_opt.model.families import (
    add_budget,
    add_country_caps,
    add_dependencies,
    add_distinct_recipients,
    add_exclusive_groups,
    add_field_shares,
    add_mandatory,
    add_max_countries,
    add_min_package,
    add_region_shares,
    add_required_partners,
    add_tier_partners,
    add_tier_shares,
    add_whole_units,
)
from osa_opt.text import code_label, yen

if TYPE_CHECKING:
    import pyomo.core as pyo  # not pyomo.environ: its plugins cost start-up time

    from osa_opt.model.data import ModelData

MONEY = "¥ million"
#: Relative tolerance of a check: a bound is met within TOL·max(1, |bound|).
TOL = 1e-6

Fractions = Mapping[str, float]


@dataclass(frozen=True)
class Component:
    """One model component of a family: ``budget``, ``field_min_share``, ..."""

    name: str
    sense: str                     # "max", "min", "fixed", "link", or "equal", "range" (extensions)
    unit: str
    label: Callable[[Any, ModelData], str]       # (row index, data) -> the rule in words
    policy_key: Callable[[Any, ModelData], str]  # (row index, data) -> where to change it
    explained: bool = True  # priced and diagnosed (prices.py, diagnose.py know its words)

    @property
    def is_rule(self) -> bool:
        """A rule a policy number or a project status sets, priced and diagnosed; a ``link``
        row (requires, exclusive, recipient) is structure, not a rule to relax, and a rule
        with ``explained=False`` is not priced or diagnosed yet."""
        return self.sense != "link" and self.explained


@dataclass(frozen=True)
class Family:
    """A constraint family: how it is built, its components, and its rule on a portfolio."""

    name: str
    add: Callable[[pyo.ConcreteModel, ModelData], None]
    components: tuple[Component, ...]
    scales_with_budget: bool
    check: Callable[[ModelData, Fractions], list[str]]  # names of the rows it breaks

    @property
    def component_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.components)


def _row(component: str, index: Any = None) -> str:
    if index is None:
        return component
    index = ",".join(map(str, index)) if isinstance(index, tuple) else index
    return f"{component}[{index}]"


def _over(value: float, bound: float) -> bool:
    return value > bound + TOL * max(1.0, abs(bound))


def _under(value: float, bound: float) -> bool:
    return value < bound - TOL * max(1.0, abs(bound))


def _spent(data: ModelData, fractions: Fractions, ids: list[str]) -> float:
    return sum(data.total_cost[p] * fractions.get(p, 0.0) for p in ids)


# ---------------------------------------------------------------------- checks, one per family
def _check_budget(data: ModelData, f: Fractions) -> list[str]:
    return [_row("budget", y) for y in data.fiscal_years
            if _over(sum(data.cost[y][p] * f.get(p, 0.0) for p in data.projects), data.budget[y])]


def _check_tier_share(data: ModelData, f: Fractions) -> list[str]:
    shares = data.policy.priority.min_tier_share
    by_tier = data.by_tier
    return [_row("tier_share", t) for t, s in sorted(shares.items())
            if s > 0 and _under(_spent(data, f, by_tier.get(t, [])), s * data.total_budget)]


def _check_tier_partner(data: ModelData, f: Fractions) -> list[str]:
    tiers = set(data.policy.priority.fund_every_tier)
    by_country = data.by_country
    return [_row("tier_partner", c) for c in sorted(by_country)
            if data.tier[by_country[c][0]] in tiers and not any(p in f for p in by_country[c])]


def _check_required_partner(data: ModelData, f: Fractions) -> list[str]:
    by_country = data.by_country
    # one row per partner, as the model builds it, however often the policy names it
    return [_row("required_partner", c)
            for c in sorted(set(map(str, data.policy.priority.required_partners)))
            if c in by_country and not any(p in f for p in by_country[c])]


def _check_country_cap(data: ModelData, f: Fractions) -> list[str]:
    return [_row("country_cap", c) for c, ids in sorted(data.by_country.items())
            if _over(_spent(data, f, ids), data.country_cap.get(str(c), 1.0) * data.total_budget)]


def _check_shares(kind: str, groups: Callable[[ModelData], dict[Any, list[str]]]
                  ) -> Callable[[ModelData, Fractions], list[str]]:
    def check(data: ModelData, f: Fractions) -> list[str]:
        balance, total, by = data.policy.balance, data.total_budget, groups(data)
        low = getattr(balance, f"min_{kind}_share")
        high = getattr(balance, f"max_{kind}_share")
        out = [_row(f"{kind}_min_share", g) for g, s in sorted(low.items())
               if s > 0 and _under(_spent(data, f, by.get(g, [])), s * total)]
        return out + [_row(f"{kind}_max_share", g) for g, s in sorted(high.items())
                      if _over(_spent(data, f, by.get(g, [])), s * total)]
    return check


def _check_distinct_recipients(data: ModelData, f: Fractions) -> list[str]:
    need = data.policy.priority.min_countries
    got = len({data.country[p] for p in f if p in data.country})
    return [_row("min_countries")] if need > 0 and got < need else []


def _check_requires(data: ModelData, f: Fractions) -> list[str]:
    return [_row("requires", (p, q)) for p, q in data.requires if p in f and q not in f]


def _check_exclusive(data: ModelData, f: Fractions) -> list[str]:
    return [_row("exclusive", g) for g, ids in sorted(data.exclusive_groups.items())
            if sum(1 for p in ids if p in f) > 1]


def _forced_word(pid: str, data: ModelData) -> str:
    """The word for what forces ``pid`` in: signed (its stage) or mandatory (its status)."""
    return "signed" if data.forced_by.get(pid) == "projects.stage" else "mandatory"


def _check_mandatory(data: ModelData, f: Fractions) -> list[str]:
    return [_row("mandatory", p) for p in data.mandatory if p not in f]


def _check_whole_units(data: ModelData, f: Fractions) -> list[str]:
    out = []
    for p, most in data.units_max.items():
        units = f.get(p, 0.0) * most
        if abs(units - round(units)) > TOL * max(1.0, most):
            out.append(_row("units", p))
    return out


def _recipients(data: ModelData, f: Fractions) -> set[Any]:
    return {data.country[p] for p in f if p in data.country}


def _check_max_countries(data: ModelData, f: Fractions) -> list[str]:
    most = data.policy.priority.max_countries
    return [_row("max_countries")] if 0 < most < len(_recipients(data, f)) else []


def _check_min_package(data: ModelData, f: Fractions) -> list[str]:
    least = data.policy.priority.min_package
    if least <= 0:
        return []
    by_country = data.by_country
    return [_row("package_min", c) for c in sorted(_recipients(data, f))
            if _under(_spent(data, f, by_country[c]), least)]


# ---------------------------------------------------------------------- words
def _tier_of_country(data: ModelData, country: Any) -> str:
    tiers = {data.tier[p] for p in data.projects if data.country[p] == country}
    return "/".join(str(t) for t in sorted(tiers)) or "?"


def _cap_key(i: Any, data: ModelData) -> str:
    if data.country_cap.get(str(i), 1.0) < data.policy.priority.max_country_share:
        return f"countries.max_share ({i})"
    return "priority.max_country_share"


def _share_components(kind: str, what: str) -> tuple[Component, ...]:
    return (
        Component(f"{kind}_min_share", "min", MONEY,
                  lambda i, d: f"minimum share of {what}{code_label(i, capital=False)}",
                  lambda i, d: f"balance.min_{kind}_share.{i}"),
        Component(f"{kind}_max_share", "max", MONEY,
                  lambda i, d: f"maximum share of {what}{code_label(i, capital=False)}",
                  lambda i, d: f"balance.max_{kind}_share.{i}"),
    )


def _link(name: str, label: str) -> Component:
    return Component(name, "link", "projects", lambda i, d: f"{label} {i}",
                     lambda i, d: "projects sheet")


#: Every constraint family, in the order ``build_model`` adds them.
REGISTRY: tuple[Family, ...] = (
    Family("budget", add_budget, (
        Component("budget", "max", MONEY, lambda i, d: f"budget {i}", lambda i, d: f"budget.{i}"),
    ), True, _check_budget),
    Family("tier_share", add_tier_shares, (
        Component("tier_share", "min", MONEY, lambda i, d: f"tier-{i} share",
                  lambda i, d: f"priority.min_tier_share.{i}"),
    ), True, _check_tier_share),
    Family("tier_partner", add_tier_partners, (
        # the row counts projects: at least one in the partner (prices, diagnosis agree)
        Component("tier_partner", "min", "projects",
                  lambda i, d: f"fund tier-{_tier_of_country(d, i)} partner {i}",
                  lambda i, d: "priority.fund_every_tier"),
    ), False, _check_tier_partner),
    Family("required_partner", add_required_partners, (
        # counts projects, as tier_partner: at least one of the partner's is funded
        Component("required_partner", "min", "projects", lambda i, d: f"fund partner {i}",
                  lambda i, d: "priority.required_partners"),
    ), False, _check_required_partner),
    Family("country_cap", add_country_caps, (
        Component("country_cap", "max", MONEY, lambda i, d: f"cap on {i}", _cap_key),
    ), True, _check_country_cap),
    Family("field_share", add_field_shares, _share_components("field", ""),
           True, _check_shares("field", lambda d: d.by_field)),
    Family("region_share", add_region_shares, _share_components("region", "region "),
           True, _check_shares("region", lambda d: d.by_region)),
    Family("distinct_recipients", add_distinct_recipients, (
        _link("recipient", "country receives a project:"),
        Component("min_countries", "min", "countries",
                  lambda i, d: f"at least {d.policy.priority.min_countries} recipient countries",
                  lambda i, d: "priority.min_countries"),
    ), False, _check_distinct_recipients),
    Family("requires", add_dependencies, (_link("requires", "requirement"),),
           False, _check_requires),
    Family("exclusive", add_exclusive_groups, (_link("exclusive", "exclusive group"),),
           False, _check_exclusive),
    Family("mandatory", add_mandatory, (
        Component("mandatory", "fixed", "projects",
                  lambda i, d: f"{_forced_word(i, d)} project {i}",
                  lambda i, d: f"{d.forced_by.get(i, 'projects.status')} ({i})"),
    ), False, _check_mandatory),
    Family("whole_units", add_whole_units, (_link("units", "whole units of"),),
           False, _check_whole_units),
    Family("max_countries", add_max_countries, (
        _link("partner", "agreement with"),
        Component("max_countries", "max", "countries",
                  lambda i, d: f"at most {d.policy.priority.max_countries} partners",
                  lambda i, d: "priority.max_countries"),
    ), False, _check_max_countries),
    Family("min_package", add_min_package, (
        Component("package_min", "min", MONEY,
                  lambda i, d: f"package of {i} at least {yen(d.policy.priority.min_package)}",
                  lambda i, d: "priority.min_package"),
    ), False, _check_min_package),
)

#: Family name -> its entry.
FAMILIES: dict[str, Family] = {f.name: f for f in REGISTRY}
_COMPONENTS: dict[str, tuple[Family, Component]] = {
    c.name: (f, c) for f in REGISTRY for c in f.components}


def component(name: str) -> Component:
    """The registry entry of a model component (``"field_min_share"``)."""
    return _COMPONENTS[name][1]


def family_of(name: str) -> Family:
    """The family a model component belongs to."""
    return _COMPONENTS[name][0]


def rule_components() -> list[Component]:
    """Every component that is priced and diagnosed (:attr:`Component.is_rule`), in
    registry order."""
    return [c for f in REGISTRY for c in f.components if c.is_rule]


def broken_rules(data: ModelData, fractions: Fractions) -> list[str]:
    """Every row of every family the portfolio breaks (``budget[FY2026]``, ...), plus any
    funded project outside the model or funded below its minimum; empty when it meets them.

    >>> from osa_opt.model.data import ModelData
    >>> broken_rules(ModelData.from_problem(problem), result.best.fractions)
    []
    >>> broken_rules(ModelData.from_problem(problem), {"P-01": 1.0})
    []
    """
    funded = {p: f for p, f in fractions.items() if f > TOL}
    out = [f"{p} is not eligible" for p in funded if p not in data.min_funding]
    out += [f"{p} funded below its minimum" for p, f in funded.items()
            if p in data.min_funding and _under(f, data.min_funding[p])]
    for family in REGISTRY:
        out += family.check(data, funded)
    return out


# ---------------------------------------------------------------------- user extensions
#: The family of every constraint a model extension adds (osa_opt.extensions).
EXTENSION = "extension"
#: The unit of an extension's row: whatever its body counts.
EXTENSION_UNIT = "row units"


def extension_component(name: str, function: str | None, sense: str) -> Component:
    """The registry entry of a constraint a model extension added (``function`` None: added
    by hand to a built model): named after the component and the function, so prices and
    the diagnosis name the user's rows.

    >>> c = extension_component("sea_cap", "at_most_three_sea", "max")
    >>> c.label(None, None), c.policy_key(None, None)
    ('row sea_cap of extension at_most_three_sea()', 'extension at_most_three_sea()')
    """
    def label(index: Any, data: Any) -> str:
        if function is None:  # added by hand to a model passed as model=
            return f"row {_row(name, index)} added to the model"
        return f"row {_row(name, index)} of extension {function}()"

    def key(index: Any, data: Any) -> str:
        return "the model passed as model=" if function is None else f"extension {function}()"

    spec = Component(name, sense, EXTENSION_UNIT, label, key)
    family = Family(EXTENSION, _no_add, (spec,), False, _no_check)
    _COMPONENTS[name] = (family, spec)  # Rule.spec and Rule.family look it up by name
    return spec


def _no_add(m: Any, data: Any) -> None:  # an extension adds its own rows
    return None


def _no_check(data: Any, fractions: Fractions) -> list[str]:
    return []
