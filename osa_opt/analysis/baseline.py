"""The baseline every analysis starts from: the ranked portfolios of one Solver as a Result,
and, when the policy cannot be met, the diagnosis of why.

:func:`osa_opt.solve` (:mod:`osa_opt.workflows`) is this plus the explanations; robustness
uses it when no baseline is handed to it. The Solver is returned beside the Result, so the
explanations re-solve the very model that ranked the portfolios.

>>> from osa_opt.analysis.baseline import solve_baseline
>>> result, solver = solve_baseline(problem, portfolios=3)
>>> result.status.value, len(result.portfolios), solver.solves
('optimal', 3, 3)
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from osa_opt.analysis.diagnose import diagnose
from osa_opt.analysis.why_rows import BlockingRows
from osa_opt.inputs.policy import checked_arguments
from osa_opt.model.build import changed_by_hand
from osa_opt.result import Portfolio, Result, Status
from osa_opt.result.facts import room_left
from osa_opt.solving.solver import Outcome, Solver
from osa_opt.text import number

if TYPE_CHECKING:
    import pyomo.core as pyo  # not pyomo.environ: its plugins cost start-up time

    from osa_opt.inputs.problem import Problem


def solve_baseline(
    problem: Problem,
    portfolios: int | None = None,
    min_difference: int | None = None,
    *,
    model: pyo.ConcreteModel | None = None,
    time_limit: float | None = None,
    log: Any = None,
    progress: Callable[[int, Outcome], None] | None = None,
    stop: Callable[[], bool] | None = None,
) -> tuple[Result, Solver]:
    """Ranked portfolios of ``problem`` (the policy's ``[portfolios]`` unless overridden),
    with ``diagnosis`` and ``message`` filled in when the policy cannot be met.

    ``stop`` (asked after each solve, see :meth:`Solver.ranked`) ends the ranking early; the
    Result is then ``partial`` with the portfolios finished, and is not diagnosed.

    Returns the Result and the Solver that found it (its ranking cuts removed).
    """
    section = checked_arguments(problem.policy, {
        "portfolios.count": portfolios, "portfolios.min_difference": min_difference,
        "solver.time_limit": time_limit}).portfolios
    count, diff = section.count, section.min_difference
    t0 = time.perf_counter()
    solver = Solver(problem, model, time_limit=time_limit, log=log)
    last: list[Outcome] = []  # the outcome of the last solve the ranking reported

    def reported(k: int, outcome: Outcome) -> None:
        last[:] = [outcome]
        if progress is not None:
            progress(k, outcome)

    outcomes = solver.ranked(count, diff, progress=reported, stop=stop)
    result = result_from_outcomes(problem, solver, outcomes, time.perf_counter() - t0)
    interrupted = stop is not None and stop()
    ended = last[0] if last and not last[0].status.has_solution else None
    note = short_ranking_note(len(outcomes), count, diff, ended, interrupted=interrupted,
                              time_limit=solver.time_limit)
    if note:
        result.notes.append(note)
    if interrupted:
        result.partial = True
        if not outcomes:
            result.status, result.message = Status.ERROR, "Interrupted before portfolio 1."
        return result, solver
    if result.status == Status.INFEASIBLE:
        add_diagnosis(result, solver)
    return result, solver


def short_ranking_note(found: int, count: int, min_difference: int, ended: Outcome | None,
                       *, interrupted: bool = False, time_limit: float | None = None) -> str:
    """The note on a ranking that found fewer portfolios than asked for, and why; "" when
    it found them all (or none: the result's message says why then). The one wording of
    ``result.notes`` that the terminal, run.json, the workbook, the report and the notebook
    show.

    ``ended`` is the outcome of the re-solve that found no portfolio (None when none
    failed: the ranking ran out of eligible projects, or was interrupted). Only
    ``INFEASIBLE`` (or no eligible project) is a true end, "no more exist"; a time limit, a
    solver failure or an interrupt leaves the rest unknown, "more may exist".

    >>> print(short_ranking_note(2, 5, 3, Outcome(Status.INFEASIBLE)))
    Only 2 of the 5 portfolios asked for exist: no other portfolio meets the policy and
    differs from each of these in at least 3 projects.
    >>> print(short_ranking_note(2, 5, 3, Outcome(Status.ERROR, termination="error")))
    The solver failed while searching for portfolio 3 (error): 2 of the 5 portfolios asked
    for are reported; more may exist.
    """
    if found == 0 or found >= count:
        return ""
    reported = f"{found} of the {count} portfolios asked for {'is' if found == 1 else 'are'}"
    if interrupted:
        return (f"Interrupted while ranking portfolio {found + 1}: {reported} reported; more "
                "may exist. Why-in/why-out and rule prices were not computed.")
    if ended is None or ended.status == Status.INFEASIBLE:
        return (f"Only {found} of the {count} portfolios asked for "
                f"{'exists' if found == 1 else 'exist'}: no other portfolio meets the policy "
                f"and differs from {'it' if found == 1 else 'each of these'} in at least "
                f"{min_difference} projects.")
    if ended.status == Status.NO_SOLUTION:
        limit = "" if time_limit is None else f" ({number(time_limit, 6)} s a solve)"
        return (f"The time limit{limit} ended the search for portfolio {found + 1} before it "
                f"found one: {reported} reported; more may exist (raise solver.time_limit "
                "to look further).")
    why = f" ({ended.termination or ended.status.value})"
    return (f"The solver failed while searching for portfolio {found + 1}{why}: {reported} "
            "reported; more may exist.")


def add_diagnosis(result: Result, solver: Solver | None = None) -> None:
    """Say why the policy cannot be met: ``result.diagnosis``, and its first line as the
    result's message (timed as ``diagnose_seconds``)."""
    t0 = time.perf_counter()
    result.diagnosis = diagnose(result.problem, solver)
    if result.diagnosis:
        result.message = result.diagnosis[0]["message"]
    result.timings["diagnose_seconds"] = round(time.perf_counter() - t0, 4)


def result_from_outcomes(
    problem: Problem, solver: Solver, outcomes: list[Outcome], total_seconds: float
) -> Result:
    """Wrap solver outcomes in a Result with Portfolios that know their reference."""
    timings = {
        "build_seconds": round(solver.build_seconds, 4),
        "load_seconds": round(solver.instance_seconds, 4),
        "solve_seconds": round(sum(o.seconds for o in outcomes), 4),
        "total_seconds": round(total_seconds, 4),
    }
    notes = list(solver.model.osa.notes)
    if not outcomes:
        status = solver.last.status if solver.last else solver.solve_once().status
        message = {
            Status.INFEASIBLE: "The policy cannot be met by any portfolio.",
            Status.NO_SOLUTION: "The solver found no portfolio within the time limit.",
        }.get(status, "The solver failed.")
        return Result(problem, status, [], timings, notes, message=message,
                      **model_record(solver.model))
    best_value = outcomes[0].objective
    ports: list[Portfolio] = []
    for k, o in enumerate(outcomes, start=1):
        ports.append(Portfolio(
            rank=k, objective=float(o.objective or 0.0), fractions=o.fractions, problem=problem,
            status=o.status, gap=o.gap, bound=o.bound, seconds=o.seconds,
            best_objective=best_value, reference=ports[0] if ports else None,
        ))
    status = outcomes[0].status
    result = Result(problem, status, ports, timings, notes, **model_record(solver.model))
    result.blocked_by = blocking_rows(result, solver)
    return result


def blocking_rows(result: Result, solver: Solver) -> dict[str, list[str]]:
    """The rows portfolio 1 would break with each project added that the budget it leaves
    has room for (:func:`osa_opt.result.facts.room_left`): the rule ``result.unfunded``
    names. Empty when there is none; the rows are worked out once only then."""
    room = room_left(result)
    if not room or result.best is None:
        return {}
    rows = BlockingRows(solver.model, result.best.fractions)
    return {pid: found for pid in sorted(room) if (found := rows.blocked_by(pid))}


def model_record(model: pyo.ConcreteModel) -> dict[str, Any]:
    """The Result fields describing the model: its extensions (run.json) and the components
    someone added or changed by hand (a variable fixed or bounded, a row switched off) in a
    model passed as ``model=``."""
    built = getattr(model, "osa_built", None)
    custom = [] if built is None else [
        c.local_name for c in model.component_objects(descend_into=False)
        if c.local_name not in built and c.local_name not in RANKING_COMPONENTS]
    custom += changed_by_hand(model)  # x[p].fix(1), budget.deactivate(), ...
    objective = getattr(model, "value", None)
    if built is not None and objective is not None and objective.expr is not getattr(
            model, "osa_built_objective", (objective.expr,))[0]:  # value.set_value(...) by hand
        custom.append("value, the objective")
    return {"extensions": list(getattr(model, "osa_extensions", [])),
            "custom_components": custom}


#: Components the Solver adds and removes while ranking (never the user's).
RANKING_COMPONENTS = frozenset({"portfolio_cut", "near_optimal_floor"})
