"""Model extensions used by tests/test_extensions.py (loaded as FILE.py:FUNCTION)."""

from __future__ import annotations

import pyomo.environ as pyo


def at_most_three_sea(model, problem):
    """At most 3 projects in Southeast Asia."""
    sea = [p for p in model.P if problem.region[p] == "Southeast Asia"]
    model.sea_cap = pyo.Constraint(expr=sum(model.x[p] for p in sea) <= 3)


def bonus_p02(model, problem):
    """3 points more for funding P-02 (changes the objective)."""
    model.value.set_value(model.value.expr + 3 * model.x["P-02"])


def needs_ineligible(model, problem):
    """Indexes a project without a variable."""
    ineligible = next(p for p in problem.projects.index if p not in model.P)
    model.bad = pyo.Constraint(expr=model.x[ineligible] <= 0)


def p01_out(model, problem):
    """Forces P-01 out (P-01 is mandatory in the tests that use this)."""
    model.p01_out = pyo.Constraint(expr=model.x["P-01"] <= 0)
