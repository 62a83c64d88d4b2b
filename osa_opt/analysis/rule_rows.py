"""Rule rows of a model and the ways an analysis changes them for a while.

A :class:`Rule` is one row of a rule component (``budget[FY2026]``), with its family, sense,
unit, label and policy key from :mod:`osa_opt.model.registry`. Prices, the diagnosis and
why-in/why-out switch rows off, re-bound them or lift the ranking's cuts with the context
managers here, and the model is as before afterwards. A row's value at a portfolio is
computed from its funded fractions, without a solve (:func:`value_at`; each of the model's
own variables by :func:`portfolio_value`, which ``why_rows`` shares).

>>> from osa_opt.analysis.rule_rows import rule_rows
>>> model = osa_opt.build_model(problem)
>>> [r.name for r in rule_rows(model)][:2]
['budget[FY2026]', 'mandatory[P-01]']
"""

from __future__ import annotations

import contextlib
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pyomo.core as pyo  # not pyomo.environ: its plugins cost start-up time
from pyomo.repn import generate_standard_repn

from osa_opt.model import registry

if TYPE_CHECKING:
    from osa_opt.model.data import ModelData
    from osa_opt.model.registry import Component

#: Relative tolerance under which a slack or a gain counts as zero.
TOL = 1e-6


@dataclass(frozen=True)
class Rule:
    """One row of a rule component, e.g. ``budget[FY2026]``, named as in the model; its
    family, sense, unit, label and policy key come from :mod:`osa_opt.model.registry`."""

    component: str
    index: Any

    @property
    def spec(self) -> Component:
        return registry.component(self.component)

    @property
    def family(self) -> str:
        return registry.family_of(self.component).name

    @property
    def sense(self) -> str:
        return self.spec.sense  # "max", "min", "fixed", or an extension's "equal", "range"

    @property
    def unit(self) -> str:
        return self.spec.unit

    @property
    def name(self) -> str:
        if self.index is None:
            return self.component
        index = ",".join(map(str, self.index)) if isinstance(self.index, tuple) else self.index
        return f"{self.component}[{index}]"

    def constraint(self, model: pyo.ConcreteModel) -> Any:
        return getattr(model, self.component)[self.index]

    def label(self, data: ModelData) -> str:
        """The rule in words: ``budget FY2026``, ``tier-1 share``, ``cap on Aurelia``."""
        return self.spec.label(self.index, data)

    def policy_key(self, data: ModelData) -> str:
        """Where the user changes this rule (a policy key, or a column of the workbook)."""
        return self.spec.policy_key(self.index, data)


def rule_rows(model: pyo.ConcreteModel) -> list[Rule]:
    """Every active row of the rule components of ``model``, in registry order, then the
    rows of the constraints model extensions added (family ``extension``; a row with one
    bound, a maximum or a minimum; an equality, sense ``"equal"``, priced switched off only;
    or a range ``lo <= body <= hi``, sense ``"range"``, priced on the side it is nearer at
    portfolio 1)."""
    rows = []
    for spec in [*registry.rule_components(), *_extension_specs(model)]:
        con = getattr(model, spec.name, None)
        if con is None or not con.active:
            continue
        for index, row in con.items():
            if row.active:
                rows.append(Rule(spec.name, index))
    return rows


def _extension_specs(model: pyo.ConcreteModel) -> list[Component]:
    """Registry entries of the constraints extensions added, then of those added by hand to
    a built model (not by build_model, not by the ranking)."""
    named = [(name, entry["function"]) for entry in getattr(model, "osa_extensions", [])
             for name in entry["components"]]
    built = getattr(model, "osa_built", None)
    if built is not None:
        named += [(c.local_name, None) for c in model.component_objects(
            pyo.Constraint, descend_into=False)
            if c.local_name not in built and c.local_name != "portfolio_cut"]
    specs = []
    for name, function in named:
        con = getattr(model, name, None)
        if not isinstance(con, pyo.Constraint) or not len(con):
            continue
        first = next(iter(con.values()))
        if first.has_ub() and not first.has_lb():
            sense = "max"
        elif first.has_lb() and not first.has_ub():
            sense = "min"
        elif first.equality:  # x["P-17"] == 1: the walkthrough's promise
            sense = "equal"
        else:  # a range lo <= body <= hi: each row priced on the side it is nearer at
            sense = "range"  # portfolio 1 (prices.row_side)
        specs.append(registry.extension_component(name, function, sense))
    return specs


def activity(con: Any, fractions: Mapping[str, float], countries: Mapping[str, str]) -> float:
    """The value of a constraint's body at a portfolio, computed from its funded fractions
    (:func:`value_at`)."""
    return value_at(con.body, fractions, countries)


def value_at(expr: Any, fractions: Mapping[str, float], countries: Mapping[str, str]) -> float:
    """The value of a linear expression of the model at a portfolio, computed from its funded
    fractions: a constraint's body, or the terms extensions add to the objective.

    The model's own variables take :func:`portfolio_value`; any other variable (added by a
    user) takes its current value.
    """
    funded_countries = {countries[p] for p in fractions if p in countries}
    repn = generate_standard_repn(expr, compute_values=True)
    total = float(repn.constant or 0.0)
    for var, coef in zip(repn.linear_vars, repn.linear_coefs, strict=True):
        name, index = var.parent_component().local_name, var.index()
        value = (portfolio_value(name, index, fractions, funded_countries)
                 if name in PORTFOLIO_VARIABLES else float(var.value or 0.0))
        total += float(coef) * value
    return total


#: The model's own variables, whose value follows from a portfolio (:func:`portfolio_value`).
PORTFOLIO_VARIABLES = frozenset({"x", "f", "z", "w", "empty"})


def portfolio_value(name: str, index: Any, fractions: Mapping[str, float],
                    partners: Collection[str]) -> float:
    """The value of the model's variable ``name[index]`` (one of
    :data:`PORTFOLIO_VARIABLES`) at a portfolio of funded ``fractions`` whose countries are
    ``partners``: ``x[p]`` is 1 when p is funded, ``f[p]`` its fraction, ``z[c]`` and
    ``w[c]`` 1 when country c receives a project (gets an agreement), ``empty`` 0."""
    if name == "x":
        return 1.0 if index in fractions else 0.0
    if name == "f":
        return float(fractions.get(index, 0.0))
    if name in ("z", "w"):  # receives a project / gets an agreement
        return 1.0 if index in partners else 0.0
    return 0.0


@contextlib.contextmanager
def switched_off(constraints: list[Any]) -> Iterator[None]:
    """Deactivate constraints (components or rows) for a while; reactivate them after."""
    active = [c for c in constraints if c.active]
    for c in active:
        c.deactivate()
    try:
        yield
    finally:
        for c in active:
            c.activate()


def ranking_cuts(model: pyo.ConcreteModel) -> list[Any]:
    """The no-good cuts of a ranking kept on the model (none unless ``keep_cuts``)."""
    cuts = getattr(model, "portfolio_cut", None)
    return [cuts] if cuts is not None else []


@contextlib.contextmanager
def rebound(con: Any, lower: float | None, upper: float | None) -> Iterator[None]:
    """Give a constraint row new bounds for a while; restore its very expression after."""
    saved = con.expr
    con.set_value((lower, con.body, upper))
    try:
        yield
    finally:
        con.set_value(saved)
