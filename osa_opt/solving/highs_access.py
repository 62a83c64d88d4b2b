"""The one adapter to Pyomo's persistent HiGHS interface: every private attribute read here.

Pyomo's ``pyomo.contrib.solver.solvers.highs.Highs`` keeps the ``highspy.Highs`` instance
and its column map in private attributes. Four features need them: the LP value bound
that confines ranked re-solves (:mod:`osa_opt.solving.value_bound`), restoring HiGHS's own
options after a ranking, clearing HiGHS between robustness samples, and forcing a project
in or out by its column's bounds for the explanations (:func:`column_bounds`). It
also makes the persistent solver (:func:`ordered_highs`) that loads a model's columns and
rows in the order of the raw-HiGHS yardstick, and loads rows that are plain sums of
``coef * var`` straight into HiGHS and into Pyomo's records of the loaded model
(:func:`_linear_rows`, :data:`_LOAD_RECORDS`; any other row, or a record missing after a
Pyomo upgrade, and Pyomo loads the model itself, as before: the same model, slower, and no
warning). If a Pyomo release renames one of the attributes the four features need,
:data:`PRIVATE_ATTRIBUTES` says what is lost, the user gets a
:class:`HighsInterfaceWarning` naming it, and ``tests/test_highs_access.py`` fails.
That solver also records the feasible solutions HiGHS reports during a ranking
(:func:`recording_solutions`, highspy's public callbacks) and hands HiGHS a starting solution
(:func:`mip_start`) by overriding Pyomo's private ``_solve`` (the one moment after Pyomo has
sent its changes and before HiGHS runs); should a release rename it, the start is not used
(slower, same answers) and ``tests/test_pool.py`` fails.
Tested with Pyomo 6.10.1 and highspy 1.16.0 (docs/model.md).
"""

from __future__ import annotations

import contextlib
import math
import os
import sys
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, TypeVar

T = TypeVar("T")

#: Private attribute of Pyomo's ``Highs`` -> what is lost (and what is slower) without it.
PRIVATE_ATTRIBUTES: dict[str, str] = {
    "_solver_model": (
        "the highspy.Highs instance: ranked portfolios run on plain no-good cuts, without "
        "the feasible portfolios HiGHS met (slower), "
        "HiGHS's options are not restored after a ranking, and robustness samples are not "
        "solved from a cleared HiGHS state (a sample may then depend on the one before it)"),
    "_pyomo_var_to_solver_var_map": (
        "the map from Pyomo variables to HiGHS columns: ranked portfolios run on plain "
        "no-good cuts and explanations fix projects through Pyomo (both slower)"),
    "_vars": "Pyomo's variable records: ranked portfolios run on plain no-good cuts (slower)",
    "_pyomo_con_to_solver_con_map": (
        "the map from Pyomo rows to HiGHS rows: rule prices on large rounds are re-solved "
        "instead of bounded (slower)"),
}


def ordered_highs(first_columns: Callable[[Any], list[Any]],
                  row_order: Callable[[Any, list[Any]], list[Any]]) -> Any:
    """Pyomo's persistent ``Highs``, loading a model with ``first_columns(model)`` as HiGHS's
    first columns (in that order; the rows add the rest as they meet them) and its rows in
    ``row_order(model, rows)``.

    Pyomo numbers columns as its constraint walk first meets each variable, so the
    partial-funding rows would interleave ``x[p], f[p]``; HiGHS then branches through
    another tree (same presolve, same root bound), larger on most rounds measured
    (benchmarks/README.md, "Column and row order"). The order goes through public methods
    of Pyomo's interface: ``add_block`` (which ``set_instance`` calls once per model),
    ``add_variables`` and ``add_constraints``; later changes go through Pyomo unchanged.
    While a model loads, rows that are plain sums of ``coef * var`` (all of osa-opt's but
    the smallest package's) skip Pyomo's walk (:func:`_linear_rows`).
    """
    from pyomo.contrib.solver.solvers.highs import Highs

    class OrderedHighs(Highs):
        loading: Any = None  # the model being loaded by add_block
        #: called with the objective and column values of every feasible solution HiGHS
        #: reports while set (see :func:`recording_solutions`)
        record: Callable[[float, Any], None] | None = None

        #: column values for HiGHS's next solve to start from (see :func:`mip_start`)
        start: Any = None

        def _solve(self) -> Any:
            # Pyomo's update (just before this) resets every row bound that holds a mutable
            # parameter, and HiGHS forgets a solution set before any change to its model
            start, self.start = self.start, None
            if start is not None:
                _set_solution(self._solver_model, start)
            return solve_checked(self._solver_model, super()._solve)  # as run_checked

        def set_instance(self, model: Any) -> None:
            super().set_instance(model)
            if self.record is not None:  # a new highspy.Highs: subscribe it too
                _subscribe(self, True)

        def add_block(self, block: Any) -> None:
            first = first_columns(block)  # set_instance has just emptied Pyomo's records
            if first:
                self.add_variables(first)
            self.loading = block
            try:
                super().add_block(block)
            finally:
                self.loading = None

        def add_constraints(self, cons: list[Any]) -> None:
            if self.loading is None:
                super().add_constraints(cons)
                return
            cons = row_order(self.loading, cons)
            rows = _linear_rows(self, cons)
            if rows is None:  # a row of another kind: Pyomo's own path for all of them
                super().add_constraints(cons)
            else:
                _add_linear_rows(self, cons, rows)

    return OrderedHighs()


#: A row as :func:`_linear_rows` reads it: lower bound, upper bound (None: none), columns
#: (Pyomo variables, each once, in the order of the row) and their coefficients.
LinearRow = tuple[float | None, float | None, list[Any], list[float]]


def _linear_rows(opt: Any, cons: list[Any]) -> list[LinearRow] | None:
    """Each row of ``cons`` read straight from its expression, or None unless every row is
    a plain linear one: numbers as coefficients and bounds (no mutable parameter, no fixed
    or repeated variable, no constant in the body, no zero coefficient), each a sum of
    ``coef * var`` terms or a bare variable, and not yet loaded.

    Such rows are what osa-opt's families build (``families.linear_sum``, ``quicksum``):
    loading them this way gives HiGHS the same rows, columns and coefficients, and Pyomo's
    records the same entries, as Pyomo's own walk (``generate_standard_repn`` and its
    variable collector, each a tree walk per row, plus a HiGHS call per row for new
    columns), in about a third of the time. Anything else (an extension's row with a
    parameter, a product) goes through Pyomo's path unchanged."""
    from pyomo.common.numeric_types import native_numeric_types
    from pyomo.core.base.var import VarData
    from pyomo.core.expr.numeric_expr import (
        LinearExpression,
        MonomialTermExpression,
        NegationExpression,
        SumExpression,
    )

    if not getattr(opt, "_treat_fixed_vars_as_params", False) \
            or not all(hasattr(opt, name) for name in _LOAD_RECORDS):
        return None
    known = opt._named_expressions
    numbers = native_numeric_types
    sums = (LinearExpression, SumExpression)
    out: list[LinearRow] = []
    for con in cons:
        if con in known:
            return None  # Pyomo's path says it was added already
        lb, body, ub = con.to_bounded_expression()
        if (lb is not None and (lb.__class__ not in numbers or not math.isfinite(lb))) \
                or (ub is not None and (ub.__class__ not in numbers or not math.isfinite(ub))):
            return None
        variables: list[Any] = []
        coefs: list[float] = []
        if body.__class__ in sums and all(t.__class__ is not NegationExpression
                                          and t.__class__ not in sums for t in body.args):
            terms: Iterable[tuple[int, Any]] = ((1, t) for t in body.args)  # the usual row
        else:
            terms = _terms(body, sums, NegationExpression)
        for sign, term in terms:
            if term.__class__ is MonomialTermExpression:
                coef, var = term.args
                if coef.__class__ not in numbers or coef == 0:
                    return None
            elif isinstance(term, VarData):
                coef, var = 1, term
            else:
                return None  # a constant, a product, a parameter ...
            if not isinstance(var, VarData) or var.fixed:
                return None
            variables.append(var)
            coefs.append(coef if sign > 0 else -coef)
        if len({id(v) for v in variables}) != len(variables):
            return None  # repeated: Pyomo sums them
        out.append((lb, ub, variables, coefs))
    return out


def _terms(expr: Any, sums: tuple[type, ...], negation: type) -> Iterator[tuple[int, Any]]:
    """The terms of a sum, sums within it and negated sums (``z - (x1 + x2)``) flattened
    in order, each with its sign (1 or -1), as Pyomo's standard representation meets them."""
    kind = expr.__class__  # tested by name: `expr.__class__ in sums` narrows expr to object
    if kind in sums:
        for term in expr.args:
            yield from _terms(term, sums, negation)
    elif kind is negation:
        for sign, term in _terms(expr.args[0], sums, negation):
            yield -sign, term
    else:
        yield 1, expr


#: Pyomo's records of a loaded model that :func:`_add_linear_rows` fills as Pyomo does.
_LOAD_RECORDS = ("_check_for_new_vars", "_named_expressions", "_active_constraints", "_vars_referenced_by_con",
                 "_referenced_variables", "_pyomo_con_to_solver_con_map",
                 "_solver_con_to_pyomo_con_map", "_pyomo_var_to_solver_var_map",
                 "_solver_model", "_last_results_object")


def _add_linear_rows(opt: Any, cons: list[Any], rows: list[LinearRow]) -> None:
    """Load ``cons`` (read by :func:`_linear_rows`) into HiGHS and Pyomo's records as
    Pyomo's ``add_constraints`` does: the new columns in the order its walk meets them
    (each row's terms in order: its walk over ``lhs <= rhs`` meets the terms of ``lhs -
    rhs`` in the same order), its records of each row, then every row in one ``addRows``."""
    import highspy
    import numpy as np

    referenced = opt._referenced_variables
    new: dict[int, Any] = {}  # columns not loaded yet, in the order Pyomo's walk meets them
    for _, _, variables, _ in rows:
        for v in variables:
            if id(v) not in referenced and id(v) not in new:
                new[id(v)] = v
    if new:
        opt.add_variables(list(new.values()))
    for con, (_, _, variables, _) in zip(cons, rows, strict=True):
        opt._active_constraints[con] = con.expr
        opt._named_expressions[con] = []
        opt._vars_referenced_by_con[con] = variables
        for v in variables:
            referenced[id(v)][0][con] = None
    opt._sol = None
    if opt._last_results_object is not None:
        opt._last_results_object.solution_loader.invalidate()
    columns = opt._pyomo_var_to_solver_var_map
    first = len(opt._pyomo_con_to_solver_con_map)
    lbs: list[float] = []
    ubs: list[float] = []
    starts: list[int] = []
    indices: list[int] = []
    values: list[float] = []
    for i, (con, (lb, ub, variables, coefs)) in enumerate(zip(cons, rows, strict=True)):
        starts.append(len(indices))
        indices.extend(columns[id(v)] for v in variables)
        values.extend(coefs)
        lbs.append(-highspy.kHighsInf if lb is None else lb)
        ubs.append(highspy.kHighsInf if ub is None else ub)
        opt._pyomo_con_to_solver_con_map[con] = first + i
        opt._solver_con_to_pyomo_con_map[first + i] = con
    opt._solver_model.addRows(len(lbs), np.array(lbs, dtype=np.double),
                              np.array(ubs, dtype=np.double), len(values), np.array(starts),
                              np.array(indices), np.array(values, dtype=np.double))


def _seen(opt: Any) -> Callable[[Any], None]:
    """The callback of one solver: hands the solution's objective and a copy of its column
    values (the model's columns as loaded, in HiGHS's order) to ``opt.record``."""
    callback = getattr(opt, "_osa_seen", None)
    if callback is None:
        import numpy as np

        def callback(event: Any) -> None:
            record = opt.record
            if record is not None:
                out = event.data_out
                record(float(out.objective_function_value),
                       np.array(out.mip_solution, dtype=float))

        opt._osa_seen = callback
    return callback


def _subscribe(opt: Any, on: bool) -> None:
    highs = getattr(opt, "_solver_model", None)  # None before the first solve loads the model
    if highs is None or not hasattr(highs, "cbMipSolution"):
        return
    if on:
        highs.cbMipSolution.subscribe(_seen(opt))
    else:
        highs.cbMipSolution.unsubscribe(_seen(opt))


@contextlib.contextmanager
def recording_solutions(opt: Any, record: Callable[[float, Any], None]) -> Iterator[None]:
    """Call ``record(objective, column values)`` for every feasible solution HiGHS reports
    during the MIP solves of ``opt`` (a solver of :func:`ordered_highs`) while inside: its
    improving and non-improving ones alike (HiGHS's ``kCallbackMipSolution``, in the model's
    own columns). ``record`` runs inside HiGHS's solve: it must be quick and must not call
    HiGHS. A solver of another kind records nothing."""
    if not hasattr(opt, "record"):
        yield
        return
    opt.record = record
    _subscribe(opt, True)
    try:
        yield
    finally:
        opt.record = None
        _subscribe(opt, False)


#: HiGHS options every solve of osa-opt uses (and the raw yardstick, benchmarks/raw_highs.py,
#: to walk the same tree): HiGHS 1.16's new *enumeration* presolve rule (bit 16 of
#: ``presolve_rule_off``) is switched off. On small, ordinary rounds it called a feasible
#: re-solve of a ranking infeasible (with a start: the start optimal, so portfolio 3 came back
#: worth 232.29 while one worth 235.08 met every rule), and ended an infeasible model in
#: ``kSolveError`` instead of proving it infeasible (so no diagnosis); found by
#: tests/test_docs_model.py (seeds 116 and 155 of its medium sweep), kept by
#: tests/test_highs_presolve.py. No option changes what is optimal.
SOLVE_OPTIONS: dict[str, Any] = {"presolve_rule_off": 1 << 16}


def objective_disagrees(highs: Any) -> bool:
    """Whether the objective HiGHS reports is not the value of the solution it reports.

    HiGHS 1.16 can misread a starting solution (one given by :func:`mip_start`, or the
    previous solve's, which HiGHS keeps across a change of bounds): its presolve maps it into
    the reduced space with a wrong value, prunes everything below that value and reports the
    start as optimal with it (tests/test_highs_start.py). The answer is then neither worth
    what is reported nor optimal."""
    import numpy as np

    if highs is None or int(highs.getInfo().primal_solution_status) != 2:
        return False
    n = int(highs.getNumCol())
    values = np.asarray(highs.getSolution().col_value, dtype=float)
    if n == 0 or len(values) != n:
        return False
    costs = np.asarray(highs.getCols(n, np.arange(n, dtype=np.int32))[2], dtype=float)
    offset = highs.getObjectiveOffset()
    offset = float(offset[1] if isinstance(offset, tuple) else offset)
    reported = float(highs.getInfo().objective_function_value)
    worth = offset + float(np.dot(costs, values))
    return abs(worth - reported) > 1e-6 * max(1.0, abs(reported), abs(worth))


def scheduler_refused(highs: Any) -> bool:
    """Whether HiGHS refused to run at all (model status ``kNotset`` after a run).

    HiGHS keeps one thread scheduler per process, started by the first solve with that
    solve's ``threads``; a later solve asking for another number is refused ("Option
    'threads' is set to 1 but the scheduler has already been initialized to use 2 threads").
    A notebook user who ran highspy (or another tool on it) with its default threads before
    calling osa-opt got "the solver failed" (tests/test_highs_access.py). The scheduler is
    then reset and the solve run again; a solve that runs never resets it, so solves in
    other threads of the process are left alone."""
    import highspy

    return highs is not None and highs.getModelStatus() == highspy.HighsModelStatus.kNotset


def admitted(highs: Any, solve: Callable[[], T] | None = None) -> T:
    """``solve()`` (default ``highs.run``), and again after resetting HiGHS's thread scheduler
    when HiGHS refused to run (:func:`scheduler_refused`); what the last call returned. Every
    run of HiGHS in osa-opt goes through it (the MIPs through :func:`solve_checked`)."""
    run = highs.run if solve is None else solve
    result = run()
    if scheduler_refused(highs):
        import highspy

        highspy.Highs.resetGlobalScheduler(True)
        result = run()
    return result


def solve_error(highs: Any) -> bool:
    """Whether HiGHS ended its last solve in ``kSolveError``.

    HiGHS 1.16's presolve can reduce a small ranking re-solve to an empty model with the
    right optimum, then postsolve it into a point that breaks a row ("Solution with
    objective 19.6875 has untransformed violations") and report a solve error; osa-opt read
    that as "no further portfolio" and ended the ranking at portfolio 1 while a portfolio 2
    met every rule (tests/test_highs_presolve.py). The same model solves without presolve."""
    import highspy

    return highs is not None and highs.getModelStatus() == highspy.HighsModelStatus.kSolveError


#: A row broken by more than this share of its bound (at least 1) once the whole-number
#: columns are rounded (:func:`given_solution_rounded_breaks_a_row`): float noise stays far
#: below it.
ROUNDED_ROW_TOL = 1e-9
#: HiGHS's integrality and row tolerance for the solve run again then (its default is 1e-6).
TIGHT_FEASIBILITY = 1e-9


def reported_solution_rounded_breaks_a_row(highs: Any) -> bool:
    """Whether the solution HiGHS reports (a MIP's answer: :func:`solve_checked` asks), its
    columns HiGHS holds as integer rounded to whole numbers as osa-opt reads them, breaks a
    row (by more than :data:`ROUNDED_ROW_TOL` of its bound): finds those columns and asks
    :func:`given_solution_rounded_breaks_a_row`.

    HiGHS takes a column within ``mip_feasibility_tolerance`` (1e-6) of a whole number for
    whole. With costs of millions, two projects at x = 0.99999983 fill a budget of ¥10^7
    million that funding both whole overspends by ¥1.68 million, and HiGHS calls that
    optimal (Jooken et al.'s knapsack of capacity 10^10 given in ¥ thousand,
    tests/test_public_instances.py). Only columns HiGHS holds as integer and off a whole
    number are looked at, so a solve with a clean solution costs one pass over its values."""
    import highspy
    import numpy as np

    if highs is None or int(highs.getInfo().primal_solution_status) != 2:
        return False
    solution = highs.getSolution()
    x = np.asarray(solution.col_value, dtype=float)
    off = np.flatnonzero(np.abs(x - np.round(x)) > 1e-12)
    off = off[[highs.getColIntegrality(int(j))[1] == highspy.HighsVarType.kInteger
               for j in off]] if off.size else off
    return given_solution_rounded_breaks_a_row(highs, x, solution.row_value, off)


def given_solution_rounded_breaks_a_row(highs: Any, x: Any, row_value: Any,
                                        whole_columns: Any) -> bool:
    """Whether a solution the caller gives, ``x`` (with row activities ``row_value``) of the
    model ``highs`` holds, its columns ``whole_columns`` rounded to whole numbers, breaks a
    row by more than :data:`ROUNDED_ROW_TOL` of its bound (at least 1).
    :func:`reported_solution_rounded_breaks_a_row` asks it of a MIP's answer; the LP
    relaxation (``lp_relaxation.py``) of an LP optimum it would take for a portfolio, its
    integer columns within 10^-6 of whole numbers."""
    import numpy as np

    x = np.asarray(x, dtype=float)
    whole = np.round(x)
    cols = np.asarray(whole_columns, dtype=np.int32)
    cols = cols[np.abs(x[cols] - whole[cols]) > 1e-12] if cols.size else cols
    if not cols.size:
        return False
    _, start, index, value = highs.getColsEntries(len(cols), cols)
    counts = np.diff(np.append(start, len(index)))
    rows = np.asarray(row_value, dtype=float).copy()
    np.add.at(rows, index, value * np.repeat(whole[cols] - x[cols], counts))
    touched = np.unique(index).astype(np.int32)
    if not touched.size:
        return False
    _, _, lower, upper, _ = highs.getRows(len(touched), touched)
    lower, upper = np.asarray(lower, dtype=float), np.asarray(upper, dtype=float)
    scale = np.maximum(1.0, np.maximum(np.abs(np.where(np.isfinite(lower), lower, 0.0)),
                                       np.abs(np.where(np.isfinite(upper), upper, 0.0))))
    activity = rows[touched]
    return bool(np.any(activity > upper + ROUNDED_ROW_TOL * scale)
                or np.any(activity < lower - ROUNDED_ROW_TOL * scale))


def tight_feasibility(highs: Any) -> contextlib.AbstractContextManager[None]:
    """HiGHS with ``mip_feasibility_tolerance`` :data:`TIGHT_FEASIBILITY`, from a cleared
    solver state, for one solve; then as before."""
    return _for_one_solve(highs, "mip_feasibility_tolerance", TIGHT_FEASIBILITY)


def presolve_off(highs: Any) -> contextlib.AbstractContextManager[None]:
    """HiGHS without presolve, from a cleared solver state, for one solve; then as before."""
    return _for_one_solve(highs, "presolve", "off", restore="choose")


@contextlib.contextmanager
def _for_one_solve(highs: Any, key: str, value: Any, restore: Any = None) -> Iterator[None]:
    """HiGHS with option ``key`` at ``value``, from a cleared solver state, for one solve;
    then as before (``restore`` if the option's value could not be read)."""
    previous = option_value(highs, key)
    highs.setOptionValue(key, value)
    highs.clearSolver()
    try:
        yield
    finally:
        highs.setOptionValue(key, previous if previous is not None else restore)


def run_checked(highs: Any) -> None:
    """``highs.run()``, again after resetting HiGHS's thread scheduler when HiGHS refused to
    run (:func:`scheduler_refused`), once more from a cleared solver state (no start, no basis) when
    the reported objective is not the value of the reported solution
    (:func:`objective_disagrees`), without presolve when HiGHS ends in a solve error
    (:func:`solve_error`), and with a tighter integrality tolerance when the solution,
    rounded, breaks a row (:func:`reported_solution_rounded_breaks_a_row`), without presolve
    too when that ends in a solve error (a why-out re-solve at costs of ¥10^7 million did, and was
    reported as a bound stopped by the time limit). The solves through Pyomo do the same
    (the persistent solver of :func:`ordered_highs`, through :func:`solve_checked`)."""
    solve_checked(highs, highs.run)


def solve_checked(highs: Any, solve: Callable[[], T]) -> T:
    """``solve()`` (one run of ``highs``), again as :func:`run_checked` says when its answer
    fails a check; what the last ``solve()`` returned. The one sequence of checks for both
    ways osa-opt runs HiGHS: directly (:func:`run_checked`) and through Pyomo
    (:func:`ordered_highs`, its ``_solve``)."""
    result = admitted(highs, solve)
    if objective_disagrees(highs):
        highs.clearSolver()
        result = solve()
    if solve_error(highs):
        with presolve_off(highs):
            result = solve()
    if reported_solution_rounded_breaks_a_row(highs):
        with tight_feasibility(highs):
            result = solve()
            if solve_error(highs):  # HiGHS 1.16's presolve may fail at the tight tolerance
                with presolve_off(highs):
                    result = solve()
    return result


def mip_start(opt: Any, values: Any) -> bool:
    """Give HiGHS ``values`` (one per column) as the starting incumbent of the next solve of
    ``opt`` (a solver of :func:`ordered_highs`): set just before HiGHS runs, after Pyomo has
    sent its changes. False when ``opt`` cannot take one."""
    if not hasattr(opt, "start"):
        return False
    opt.start = values
    return True


def _set_solution(highs: Any, values: Any) -> bool:
    import highspy
    import numpy as np

    values = np.asarray(values, dtype=np.double)
    if highs is None or len(values) != int(highs.getNumCol()):
        return False
    status = highs.setSolution(len(values), np.arange(len(values), dtype=np.int32), values)
    return bool(status == highspy.HighsStatus.kOk)


class HighsInterfaceWarning(UserWarning):
    """Pyomo's HiGHS interface lacks an attribute osa-opt uses: a feature is off or slower."""


def missing_attributes(opt: Any) -> list[str]:
    """The private attributes of :data:`PRIVATE_ATTRIBUTES` that ``opt`` does not have."""
    return [name for name in PRIVATE_ATTRIBUTES if not hasattr(opt, name)]


def _read(opt: Any, name: str) -> Any:
    """``opt.<name>``, or None with a warning naming it and what is lost without it."""
    if hasattr(opt, name):
        return getattr(opt, name)
    version = _pyomo_version()
    warnings.warn(
        f"Pyomo {version}'s HiGHS interface ({type(opt).__name__}) has no attribute "
        f"{name!r}, which osa-opt reads for {PRIVATE_ATTRIBUTES[name]}. Results stay "
        "correct; install the tested Pyomo version (docs/model.md) to get them back.",
        HighsInterfaceWarning, stacklevel=3)
    return None


def _pyomo_version() -> str:
    try:
        import pyomo.version

        return str(pyomo.version.version)
    except ImportError:  # pragma: no cover - pyomo is a dependency
        return "?"


def highs_of(opt: Any) -> Any | None:
    """The ``highspy.Highs`` instance a persistent solver holds (None before its first solve
    loads the model, or with a warning when Pyomo no longer has the attribute)."""
    return _read(opt, "_solver_model")


def column_vars(opt: Any) -> dict[int, Any] | None:
    """HiGHS column index -> Pyomo variable of the loaded model, or None (with a warning
    when Pyomo no longer keeps the maps)."""
    col_map = _read(opt, "_pyomo_var_to_solver_var_map")
    var_data = _read(opt, "_vars")
    if col_map is None or var_data is None:
        return None
    return {col: var_data[vid][0] for vid, col in col_map.items()}


def columns_of(opt: Any, variables: list[Any]) -> list[int] | None:
    """The HiGHS column of each Pyomo variable of the loaded model, or None when one is not
    loaded (before the first solve) or Pyomo no longer keeps the map (with a warning)."""
    col_map = _read(opt, "_pyomo_var_to_solver_var_map")
    if col_map is None:
        return None
    cols = [col_map.get(id(v)) for v in variables]
    return None if any(c is None for c in cols) else cols


def rows_of(opt: Any, constraints: list[Any]) -> list[int] | None:
    """The HiGHS row of each Pyomo constraint row of the loaded model, or None when one is
    not loaded (inactive, or before the first solve) or Pyomo no longer keeps the map."""
    row_map = _read(opt, "_pyomo_con_to_solver_con_map")
    if row_map is None:
        return None
    rows = [row_map.get(c) for c in constraints]
    return None if any(r is None for r in rows) else [int(r) for r in rows]


def new_highs() -> Any:
    """A fresh ``highspy.Highs`` without its banner on stdout (HiGHS prints it on file
    descriptor 1 when constructed; a ``--json`` run's stdout must stay JSON)."""
    import highspy

    sys.stdout.flush()
    try:
        saved = os.dup(1)
    except OSError:  # no real fd 1 (some notebook kernels)
        return highspy.Highs()
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 1)
        return highspy.Highs()
    finally:
        os.dup2(saved, 1)
        os.close(saved)
        os.close(devnull)


@contextlib.contextmanager
def column_bounds(highs: Any, bounds: dict[int, tuple[float, float]]) -> Iterator[None]:
    """Give HiGHS columns new bounds for a while, behind Pyomo's back; restore them after.

    Pyomo's persistent interface re-processes every row holding a variable when the
    variable is fixed (about 1 s per change at 100,000 projects); changing the column's
    bounds in HiGHS costs nothing. Pyomo's view stays right because the bounds are
    restored before anything else changes the model.
    """
    import numpy as np

    cols = np.array(sorted(bounds), dtype=np.int32)
    saved = highs.getCols(len(cols), cols)  # (status, n, costs, lower, upper, nnz)
    lower, upper = np.array(saved[3], dtype=np.double), np.array(saved[4], dtype=np.double)
    highs.changeColsBounds(len(cols), cols,
                           np.array([bounds[c][0] for c in cols], dtype=np.double),
                           np.array([bounds[c][1] for c in cols], dtype=np.double))
    try:
        yield
    finally:
        highs.changeColsBounds(len(cols), cols, lower, upper)


@contextlib.contextmanager
def quiet(highs: Any) -> Iterator[None]:
    """No HiGHS log on the console for a while (Pyomo turns it on for each of its solves
    and captures it; a run of HiGHS outside Pyomo must not print)."""
    highs.setOptionValue("log_to_console", False)
    try:
        yield
    finally:
        highs.setOptionValue("log_to_console", True)


@contextlib.contextmanager
def options(highs: Any, values: dict[str, Any]) -> Iterator[None]:
    """HiGHS options set for a while; their old values restored after."""
    saved = {key: option_value(highs, key) for key in values}
    for key, value in values.items():
        highs.setOptionValue(key, value)
    try:
        yield
    finally:
        for key, value in saved.items():
            highs.setOptionValue(key, value)


@contextlib.contextmanager
def row_bounds(highs: Any, rows: Sequence[int], lower: Sequence[float],
               upper: Sequence[float]) -> Iterator[None]:
    """Give HiGHS rows new bounds for a while (±inf switches a side off); restore them
    after. Like :func:`column_bounds`, behind Pyomo's back and only around one run."""
    import numpy as np

    idx = np.asarray(rows, dtype=np.int32)
    saved = highs.getRows(len(idx), idx)  # (status, n, lower, upper, nnz)
    highs.changeRowsBounds(len(idx), idx, np.asarray(lower, dtype=np.double),
                           np.asarray(upper, dtype=np.double))
    try:
        yield
    finally:
        highs.changeRowsBounds(len(idx), idx, np.asarray(saved[2], dtype=np.double),
                               np.asarray(saved[3], dtype=np.double))


def clear_solver(opt: Any) -> bool:
    """Forget HiGHS's last basis and search state, so the next solve starts from scratch.
    False (with a warning) when the HiGHS instance cannot be reached."""
    highs = highs_of(opt)
    if highs is None:
        return False
    highs.clearSolver()
    return True


def option_value(highs: Any, key: str) -> Any:
    """A HiGHS option's value (highspy returns ``(status, value)`` in some versions)."""
    value = highs.getOptionValue(key)
    return value[1] if isinstance(value, tuple) else value


@contextlib.contextmanager
def stdout_to_stderr() -> Iterator[None]:
    """Send file descriptor 1 to stderr for a while (HiGHS prints its banner on fd 1)."""
    sys.stdout.flush()
    try:
        saved = os.dup(1)
    except OSError:  # no real fd 1 (e.g. some notebook kernels): nothing to guard
        yield
        return
    try:
        os.dup2(2, 1)
        yield
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(saved)
