"""``build_model``: the recipe. Sets, variables, one ``add_*`` per constraint family, objective.

Only eligible projects get variables (eligibility fixes the others at 0 before the model
is built). A project that must be funded whole (``min_funding = 1``) uses ``x`` as its funded
fraction; only partly fundable ones get an ``f`` variable, which keeps large models small.
"""

from __future__ import annotations

import re
import weakref
from typing import Any

import pyomo.core as pyo  # not pyomo.environ: its plugins cost start-up time
from pyomo.common.gc_manager import PauseGC

from osa_opt.errors import OsaError
from osa_opt.inputs.problem import Problem  # at run time: get_type_hints(build_model)
from osa_opt.model.data import ModelData
from osa_opt.model.families import add_partial_funding, value_expression
from osa_opt.model.registry import REGISTRY


def build_model(problem: Problem, data: ModelData | None = None) -> pyo.ConcreteModel:
    """A Pyomo ``ConcreteModel`` of docs/model.md for a validated problem.

    Components are named after the inputs (``budget[FY2026]``, ``country_cap[Aurelia]``,
    ``requires[P-17,P-03]``), so an exported LP file points back at the rows of the workbook.
    The model keeps ``model.osa`` (a :class:`ModelData`: ids, costs, values) for solvers and
    analyses. Each family can be deactivated (``model.tier_share.deactivate()``) or extended;
    solved as ``osa_opt.solve(problem, model=model)``, the Result names such changes
    (``custom_components``), and the analyses that build models of their own refuse it.

    ``data`` replaces the numbers derived from the problem (e.g. a scaled budget).

    >>> model = osa_opt.build_model(problem)
    >>> model.my_rule = pyo.Constraint(expr=model.x["P-01"] >= model.x["P-02"])
    >>> list(model.budget), len(model.x)
    (['FY2026'], 33)
    """
    # a table changed in place (problem.countries["max_share"] = 0.3) is not the problem's:
    # refused by name rather than built without it
    problem.refuse_edits_in_place("building its model (a solve, an explanation, an analysis)")
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
    # The model knows the problem it was built for (solve refuses it for another one); a
    # weak reference survives model.clone() (deepcopy keeps it as it is).
    m.osa_problem = weakref.ref(problem)
    base = m.value.expr
    m.osa_extensions = apply_extensions(m, problem)
    # What extensions added to the objective, kept apart: a re-weighted objective
    # (robustness samples) is the sampled value plus these same terms.
    m.osa_objective_extra = None if m.value.expr is base else m.value.expr - base
    m.osa_built = frozenset(c.local_name for c in m.component_objects(descend_into=False))
    # What a hand-made change of the model's own components (a variable fixed or bounded, a
    # row switched off or given other bounds) is told apart from: Result.custom_components
    m.osa_built_state = component_states(m)
    # A hand-made change of the objective is told apart by identity. In a tuple: with no
    # project the objective is the Var m.empty itself, which Pyomo would add again.
    m.osa_built_objective = (m.value.expr,)
    return m


def component_states(m: pyo.ConcreteModel, names: Any = None) -> dict[str, int]:
    """A fingerprint of each variable and constraint component of ``m`` (those in ``names``
    when given) as it stands: for a variable, which of its entries are fixed, at what, and
    their bounds; for a constraint, whether it and each row are active and the rows' bounds.
    The same for ``m.clone()``; another after ``m.x["P-17"].fix(1)``, ``m.budget.deactivate()``
    or a row's ``set_value`` with other bounds (about 0.1 s at 100,000 projects).

    >>> model = osa_opt.build_model(problem)
    >>> before = component_states(model)
    >>> model.x["P-17"].fix(1)
    >>> [name for name, h in component_states(model).items() if h != before[name]]
    ['x']
    """
    out: dict[str, int] = {}
    for c in m.component_objects((pyo.Var, pyo.Constraint), descend_into=False):
        if names is not None and c.local_name not in names:
            continue
        if c.ctype is pyo.Var:
            out[c.local_name] = hash(tuple((v.fixed, v.value if v.fixed else None, v.bounds)
                                           for v in c.values()))
        else:
            out[c.local_name] = hash((c.active, tuple((r.active, r.lb, r.ub)
                                                      for r in c.values())))
    return out


def changed_by_hand(m: pyo.ConcreteModel) -> list[str]:
    """The model's own variables and constraints changed since it was built (with its
    extensions), each named with what kind of change: ``"x, fixed or bounded by hand"``,
    ``"budget, switched off or changed by hand"``, ``"requires, removed by hand"``.

    >>> model = osa_opt.build_model(problem)
    >>> model.budget["FY2026"].deactivate()
    >>> changed_by_hand(model)
    ['budget, switched off or changed by hand']
    """
    state = getattr(m, "osa_built_state", None)
    if not state:
        return []
    now = component_states(m, state)
    changed = []
    for name, fingerprint in state.items():
        if now.get(name) == fingerprint:
            continue
        component = m.component(name)
        how = ("removed" if component is None else "fixed or bounded"
               if component.ctype is pyo.Var else "switched off or changed")
        changed.append(f"{name}, {how} by hand")
    return changed


def own_change(m: pyo.ConcreteModel, added: Any = (), changed: Any = ()) -> None:
    """Record that osa_opt itself (an analysis on a model of its own, never a user) added the
    components ``added`` and changes the components ``changed`` after the build, so that
    :func:`changed_by_hand` and :attr:`Result.custom_components` do not count them."""
    m.osa_built = frozenset(m.osa_built) | set(added)
    m.osa_built_state = {k: v for k, v in m.osa_built_state.items() if k not in set(changed)}


def apply_extensions(m: pyo.ConcreteModel | pyo.Block, problem: Problem,
                     where: str = "") -> list[dict[str, Any]]:
    """Run each of ``problem.extensions`` on the model; their run.json entries, each with
    the names of the components it added (what prices and the diagnosis call its rows).

    An extension that indexes a project without a variable (ineligible, or not in the
    input) gets a message naming it instead of Pyomo's KeyError. ``where`` says which model
    it is applied to when not the portfolio model (the funding order applies it to each
    budget level's block, which has no objective of its own).
    """
    entries: list[dict[str, Any]] = []
    for ext in problem.extensions:
        before = {c.local_name: c for c in m.component_objects(descend_into=False)}
        objective = getattr(m, "value", None)
        objective_before = objective.expr if isinstance(objective, pyo.Objective) else None
        try:
            ext(m, problem)
        except KeyError as exc:
            message, about_the_model = _key_error_message(ext.function, exc, problem)
            if about_the_model:  # Pyomo's traceback says no more than the message
                raise OsaError(message) from None
            raise OsaError(message) from exc  # the extension's own lookup: keep its line
        except AttributeError as exc:
            if not where:
                raise OsaError(_failed_message(ext, exc)) from exc
            raise OsaError(f"extension {ext.function}() cannot be applied to {where}: {exc} "
                           "(an extension that changes the objective works only where each "
                           "budget level is a model of its own; the funding order and "
                           "execution's reserve list hold every level in one model. The "
                           "frontier's levels alone: osa_opt.analysis.frontier.frontier("
                           "problem))") from None
        except OsaError:
            raise
        except Exception as exc:  # the extension's own code failed, not osa-opt
            raise OsaError(_failed_message(ext, exc)) from exc
        now = list(m.component_objects(descend_into=False))
        replaced = [c.local_name for c in now
                    if c.local_name in before and before[c.local_name] is not c]
        if replaced:
            names = ", ".join(f"model.{name}" for name in replaced)
            raise OsaError(
                f"extension {ext.function}() replaced the model's own {names} (Pyomo's "
                "\"Implicitly replacing the Component\"), which drops that rule from every "
                "model: give the new component a name of its own (e.g. "
                f"model.my_{replaced[0]}); docs/model.md lists the model's names")
        added = [c.local_name for c in now if c.local_name not in before]
        refuse_nonlinear(m, added, f"extension {ext.function}()",
                         objective_before is not None and objective is not None
                         and objective.expr is not objective_before)
        entries.append(ext.to_dict(added))
    return entries


def refuse_nonlinear(m: pyo.ConcreteModel | pyo.Block, names: Any, who: str,
                     objective_changed: bool = False) -> None:
    """Refuse, naming ``who`` (an extension, or the model passed as ``model=``) and the row,
    what HiGHS cannot solve and Pyomo reports only from deep inside ("Highs interface does
    not support expressions of degree None", or a bare "The solver failed." for a product in
    the objective): a row of ``names`` that is not linear, an objective among ``names``
    beside the model's own (while model.value is active: one in its place is the user's
    choice) or not linear, and (``objective_changed``) an objective made non-linear.

    >>> model = osa_opt.build_model(problem)
    >>> model.both = pyo.Constraint(expr=model.x["P-01"] * model.x["P-02"] <= 0)
    >>> refuse_nonlinear(model, ["both"], "extension both_or_neither()")
    Traceback (most recent call last):
    osa_opt.errors.OsaError: extension both_or_neither(): row both is not linear (x[P-01]*x[P-02] <= 0): HiGHS solves linear models only; for a product of two projects' x, add a Binary y with y <= x[p], y <= x[q] and y >= x[p] + x[q] - 1
    """
    how = ("HiGHS solves linear models only; for a product of two projects' x, add a "
           "Binary y with y <= x[p], y <= x[q] and y >= x[p] + x[q] - 1")
    for name in names:
        component = m.component(name)
        if component is None:
            continue
        own = getattr(m, "value", None)
        if component.ctype is pyo.Objective and any(o.active for o in component.values()) \
                and own is not None and own is not component and own.active:
            # an objective in place of model.value (switched off) is the user's to choose
            raise OsaError(
                f"{who} added an objective ({name}) beside the model's own, model.value "
                "(maximized): add to that one instead, model.value.set_value(model.value.expr "
                f"+ ...), or switch yours off with model.{name}.deactivate()")
        if component.ctype is pyo.Objective:
            kind, part = "objective", "expr"
        elif component.ctype is pyo.Constraint:
            kind, part = "row", "body"  # a row's bounds are numbers: its body says its degree
        else:
            continue
        for index, row in component.items():
            if row.active and getattr(row, part).polynomial_degree() not in (0, 1):
                label = name if index is None else f"{name}[{index}]"
                raise OsaError(f"{who}: {kind} {label} is not linear ({row.expr}): {how}")
    objective = getattr(m, "value", None)
    if objective_changed and objective is not None \
            and objective.expr.polynomial_degree() not in (0, 1):
        raise OsaError(f"{who} made the objective model.value not linear: {how}")


def _failed_message(ext: Any, exc: BaseException) -> str:
    """What an extension that raised is told: the error, where in its own code (the last
    line of the traceback in its file, else outside osa-opt), and that the fix is there,
    not a bug of osa-opt's; an attribute misspelt is offered the name meant.

    >>> class Ext:
    ...     function, file = "typo", None
    >>> try:
    ...     problem.regionz
    ... except AttributeError as exc:
    ...     print(_failed_message(Ext(), exc))  # doctest: +ELLIPSIS
    extension typo() failed: AttributeError: 'Problem' object has no attribute 'regionz'; did you mean 'region'? (at ...): the error is in the extension's code, not in osa-opt: fix the function and run again
    """
    import os
    import traceback

    from osa_opt.text import suggest

    text = f"{type(exc).__name__}: {exc}"
    name, obj = getattr(exc, "name", None), getattr(exc, "obj", None)
    if isinstance(exc, AttributeError) and name and obj is not None:
        close = suggest(name, [a for a in dir(obj) if not a.startswith("_")])
        text += f"; did you mean {close!r}?" if close else ""
    frames = traceback.extract_tb(exc.__traceback__)
    package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    def library(path: str) -> bool:  # osa-opt's own code, or Pyomo's and the like
        path = os.path.abspath(path)
        return path.startswith(package + os.sep) or "site-packages" in path.split(os.sep)

    own = [f for f in frames if ext.file and os.path.abspath(f.filename) ==
           os.path.abspath(ext.file)] or [f for f in frames if not library(f.filename)]
    line = f": {own[-1].line}" if own and own[-1].line else ""
    at = f" (at {own[-1].filename}:{own[-1].lineno}{line})" if own else ""
    return (f"extension {ext.function}() failed: {text}{at}: the error is in the extension's "
            "code, not in osa-opt: fix the function and run again")


def _key_error_message(function: str, exc: KeyError, problem: Problem) -> tuple[str, bool]:
    """The message for a KeyError an extension raised, and whether it was a model index (a
    project without a variable) rather than a lookup of the extension's own."""
    text = str(exc.args[0]) if exc.args else str(exc)
    found = re.search(r"Index '(.+?)' is not valid", text)
    key = found.group(1) if found else text.strip("'\" ")
    if key in problem.input_projects.index:
        reasons = problem.eligibility.loc[key].get("reasons") or []
        why = f" ({'; '.join(map(str, reasons))})" if reasons else ""
        return (f"extension {function}(): project {key} is not eligible{why}, so the model "
                f"has no variable for it; index model.x over model.P (the eligible projects) "
                f"or check `{key} in model.P` first"), True
    if found:
        return (f"extension {function}(): {text}; model.x and model.P hold the eligible "
                "projects' ids"), True
    return (f"extension {function}() failed on a lookup of its own: KeyError {exc} (not "
            "a project of the model)"), False


def add_components(m: pyo.ConcreteModel | pyo.Block, data: ModelData) -> None:
    """Sets, variables and every constraint family of docs/model.md, added to a model or a Block.

    The families only use ``m.P, m.Q, m.Y, m.x, m.f`` (and ``m.C, m.z`` they add), so one
    Block per budget level of a multi-level model (the funding order) is populated by the
    same recipe from a :class:`ModelData` whose budget is scaled.

    >>> data = ModelData.from_problem(problem)
    >>> m = pyo.ConcreteModel(); m.level = pyo.Block([1, 2])
    >>> add_components(m.level[1], data)
    >>> len(m.level[1].x), list(m.level[1].budget)
    (33, ['FY2026'])
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
