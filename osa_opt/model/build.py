"""``build_model``: the recipe. Sets, variables, one ``add_*`` per constraint family, objective.

Only eligible projects get variables (eligibility fixes the others at 0 before the model
is built). A project that must be funded whole (``min_funding = 1``) uses ``x`` as its funded
fraction; only partly fundable ones get an ``f`` variable, which keeps large models small.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pyomo.environ as pyo
from pyomo.common.gc_manager import PauseGC

from osa_opt.model.data import ModelData
from osa_opt.model.families import add_partial_funding, value_expression
from osa_opt.model.registry import REGISTRY

if TYPE_CHECKING:
    from osa_opt.inputs.problem import Problem


def build_model(problem: Problem, data: ModelData | None = None) -> pyo.ConcreteModel:
    """A Pyomo ``ConcreteModel`` of docs/model.md for a validated problem.

    Components are named after the inputs (``budget[FY2026]``, ``country_cap[Aurelia]``,
    ``requires[P-17,P-03]``), so an exported LP file points back at the rows of the workbook.
    The model keeps ``model.osa`` (a :class:`ModelData`: ids, costs, values) for solvers and
    analyses. Each family can be deactivated (``model.tier_share.deactivate()``) or extended.

    ``data`` replaces the numbers derived from the problem (e.g. a scaled budget).

    >>> model = osa_opt.build_model(problem)
    >>> model.my_rule = pyo.Constraint(expr=model.x["P-01"] >= model.x["P-02"])
    >>> list(model.budget), len(model.x)
    (['FY2026', 'FY2027'], 44)
    """
    data = ModelData.from_problem(problem) if data is None else data
    # MPS readers split the NAME line on spaces: keep the model name one token.
    m = pyo.ConcreteModel(name="_".join(problem.policy.name.split()) or "osa")
    m.osa = data
    # Hundreds of thousands of new expression objects set off Python's cyclic garbage
    # collector again and again; pausing it (as Pyomo's writers do) saves a third of the build.
    with PauseGC():
        add_components(m, data)
        m.value = pyo.Objective(expr=value_expression(m, data, data.value),
                                sense=pyo.maximize)
    return m


def add_components(m: pyo.ConcreteModel | pyo.Block, data: ModelData) -> None:
    """Sets, variables and every constraint family of docs/model.md, added to a model or a Block.

    The families only use ``m.P, m.Q, m.Y, m.x, m.f`` (and ``m.C, m.z`` they add), so one
    Block per budget level of a multi-level model (the funding order) is populated by the
    same recipe from a :class:`ModelData` whose budget is scaled.

    >>> data = ModelData.from_problem(problem)
    >>> m = pyo.ConcreteModel(); m.level = pyo.Block([1, 2])
    >>> add_components(m.level[1], data)
    >>> len(m.level[1].x), list(m.level[1].budget)
    (44, ['FY2026', 'FY2027'])
    """
    m.P = pyo.Set(initialize=data.projects, ordered=True, doc="eligible projects")
    m.Q = pyo.Set(initialize=data.partial_projects, ordered=True, doc="partly fundable projects")
    m.Y = pyo.Set(initialize=data.fiscal_years, ordered=True, doc="fiscal years")
    m.x = pyo.Var(m.P, domain=pyo.Binary, doc="project funded (at least in part)")
    m.f = pyo.Var(m.Q, bounds=(0, 1), doc="funded fraction of a partly fundable project")

    add_partial_funding(m, data)
    for family in REGISTRY:  # budget, tier_share, tier_partner, country_cap, field_share,
        family.add(m, data)  # region_share, distinct_recipients, requires, exclusive,
        # mandatory, whole_units, max_countries, min_package (osa_opt.model.registry)
