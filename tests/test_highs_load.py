"""Loading a model into HiGHS: osa-opt's linear rows read straight from their expressions
(osa_opt.solving.highs_access._linear_rows) give HiGHS and Pyomo's records exactly what
Pyomo's own walk gives, and anything else still goes Pyomo's way."""

from __future__ import annotations

from typing import Any

import pyomo.core as pyo
import pytest
from conftest import TINY_POLICY, tiny_countries, tiny_projects
from test_bench_raw_highs import POLICIES, highs_arrays

import osa_opt
from osa_opt.inputs.policy import Policy
from osa_opt.model import build_model
from osa_opt.solving import highs_access
from osa_opt.solving.solver import Solver


def loaded(problem: Any, model: Any, *, pyomo_path: bool,
           monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """HiGHS's model and Pyomo's records after loading ``model``, by either path."""
    with monkeypatch.context() as patch:
        if pyomo_path:  # what loading was before: every row through Pyomo's walk
            patch.setattr(highs_access, "_linear_rows", lambda *args: None)
        solver = Solver(problem, model)
        solver.opt.set_instance(model)
    opt = solver.opt
    names = {id(v): v.name for v, *_ in opt._vars.values()}
    return {
        "highs": highs_arrays(opt._solver_model),
        "columns": {names[k]: i for k, i in opt._pyomo_var_to_solver_var_map.items()},
        "rows": {c.name: i for c, i in opt._pyomo_con_to_solver_con_map.items()},
        "back": {i: c.name for i, c in opt._solver_con_to_pyomo_con_map.items()},
        "active": {c.name: str(e) for c, e in opt._active_constraints.items()},
        "named": {c.name: list(n) for c, n in opt._named_expressions.items()},
        "by_row": {c.name: sorted(v.name for v in vs)
                   for c, vs in opt._vars_referenced_by_con.items()},
        "referenced": {names[k]: (sorted(c.name for c in r[0]), len(r[1]), r[2] is not None)
                       for k, r in opt._referenced_variables.items()},
        "mutable": sorted(c.name for c in opt._mutable_helpers),
    }


def rounds() -> list[tuple[str, Any]]:
    out = [("example", osa_opt.load_problem())]
    for name in sorted(POLICIES):
        raw = {**TINY_POLICY}
        for section, values in POLICIES[name].items():
            raw[section] = {**raw.get(section, {}), **values}
        projects = tiny_projects()
        projects["units_max"] = [None, None, None, 4, 3, None]  # whole units too
        projects["stage"] = ["", "signed", "", "", "", ""]
        out.append((name, osa_opt.Problem.from_frames(
            projects, tiny_countries(), Policy.from_dict(raw))))
    return out


@pytest.mark.parametrize(("name", "problem"), rounds(), ids=[n for n, _ in rounds()])
def test_every_family_loads_as_pyomos_walk_loads_it(
        name: str, problem: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Pyomo's walk (a standard representation and a variable collector per row, and a
    HiGHS call per row that meets a new column) took a third of the load at 10,000
    projects; osa-opt's rows are sums of coef * var, read directly now: the same matrix,
    bounds and columns in the same order, and the same records Pyomo keeps to update,
    remove and price the rows later. A model with one row of another kind (the smallest
    package's 700 * (1 - w[c])) is loaded Pyomo's way, all of it, as before."""
    model = build_model(problem)
    calls: list[int] = []
    real = highs_access._add_linear_rows

    def add_linear_rows(opt: Any, cons: list[Any], rows: Any) -> None:
        calls.append(len(cons))
        real(opt, cons, rows)

    monkeypatch.setattr(highs_access, "_add_linear_rows", add_linear_rows)
    fast = loaded(problem, model, pyomo_path=False, monkeypatch=monkeypatch)
    if name == "smallest package":  # 700*(1 - w[c]): a constant in a product, Pyomo's way
        assert calls == []
    else:
        assert calls == [len(list(model.component_data_objects(pyo.Constraint, active=True)))]
    slow = loaded(problem, build_model(problem), pyomo_path=True, monkeypatch=monkeypatch)
    assert fast == slow


def test_a_row_with_a_parameter_goes_pyomos_way(monkeypatch: pytest.MonkeyPatch) -> None:
    """A row with a mutable parameter (Pyomo updates it in HiGHS when the value changes)
    is loaded by Pyomo's walk, with its records, and a later change reaches HiGHS."""
    problem = osa_opt.load_problem()
    model = build_model(problem)
    model.cap = pyo.Param(mutable=True, initialize=3)
    model.few = pyo.Constraint(expr=sum(model.x[p] for p in list(model.x)[:5]) <= model.cap)
    calls: list[int] = []
    monkeypatch.setattr(highs_access, "_add_linear_rows", lambda *a: calls.append(1))
    solver = Solver(problem, model)
    solver.opt.set_instance(model)
    assert calls == [] and [c.name for c in solver.opt._mutable_helpers] == ["few"]
    row = solver.opt._pyomo_con_to_solver_con_map[model.few]
    assert solver.opt._solver_model.getLp().row_upper_[row] == 3
