"""The runs that the CLI and notebooks share: each is one call that returns a Result.

Every run is a plain sequence of the layers below it: read nothing, build the model, solve
it on one persistent :class:`~osa_opt.solving.solver.Solver`, run the analyses that need the
baseline, and collect them in a :class:`~osa_opt.result.Result` (``result.write()`` writes the
run folder). The CLI commands parse options, call one of these, write and render.

>>> import osa_opt
>>> result = osa_opt.solve(osa_opt.load_problem(), portfolios=3, explain=True)   # doctest: +SKIP
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from osa_opt.analysis.baseline import solve_baseline
from osa_opt.analysis.prices import price_rules
from osa_opt.analysis.why import explain_portfolio

if TYPE_CHECKING:
    import pyomo.environ as pyo

    from osa_opt.analysis.execution import ExecutionAnalysis
    from osa_opt.inputs.problem import Problem
    from osa_opt.result import Result
    from osa_opt.solving.solver import Outcome, Solver

#: Above this many eligible projects, ``explain=None`` (the CLI default) skips why/prices.
EXPLAIN_AUTO_LIMIT = 300


def solve(
    problem: Problem,
    portfolios: int | None = None,
    min_difference: int | None = None,
    *,
    model: pyo.ConcreteModel | None = None,
    time_limit: float | None = None,
    log: Any = None,
    progress: Callable[[int, Outcome], None] | None = None,
    explain: bool | None = False,
    stop: Callable[[], bool] | None = None,
) -> Result:
    """Solve a problem into ranked portfolios.

    Parameters
    ----------
    problem : a validated Problem (:func:`osa_opt.load_problem`).
    portfolios, min_difference : override the policy's ``[portfolios]`` section.
    model : a model from :func:`osa_opt.build_model`, possibly extended by the caller.
    time_limit : seconds per solve (overrides ``solver.time_limit``).
    log : stream for the HiGHS log; progress : called after each portfolio's solve.
    explain : also run the why-in/why-out and rule-price analyses on the same solver
        (``result.analyses["why"]`` and ``["prices"]``); ``None`` runs them only up to
        ``EXPLAIN_AUTO_LIMIT`` eligible projects (one re-solve per project) and notes it.
    stop : asked after each solve ("was Ctrl-C pressed?"); with it, an interrupt ends the
        run with what is finished, ``result.partial`` set, instead of raising.

    Returns
    -------
    Result
        ``status`` is that of portfolio 1; ``portfolios`` lists the ranked portfolios.
        When the policy cannot be met, ``diagnosis`` lists the conflicting rules and by
        how much each must move, and ``message`` is its first line.

    Examples
    --------
    >>> result = osa_opt.solve(osa_opt.load_problem(), portfolios=3)   # doctest: +SKIP
    >>> result.summary()                                              # doctest: +SKIP
    """
    result, solver = solve_baseline(problem, portfolios, min_difference, model=model,
                                    time_limit=time_limit, log=log, progress=progress,
                                    stop=stop)
    if result.partial:
        return result
    try:
        explain_result(result, solver, explain)
    except KeyboardInterrupt:
        if stop is None:
            raise
        result.partial = True
        for name in ("why", "prices"):
            result.analyses.pop(name, None)
        result.notes.append("Interrupted while explaining portfolio 1: the ranked portfolios "
                            "are complete; why-in/why-out and rule prices are not.")
    return result


def explain_result(result: Result, solver: Solver, explain: bool | None = True) -> None:
    """Add why-in/why-out and rule prices of portfolio 1 to ``result.analyses`` (re-solving
    ``solver``, the one that ranked it); ``explain=None`` only up to EXPLAIN_AUTO_LIMIT
    eligible projects, with a note above it; nothing without a portfolio."""
    if result.best is None or explain is False:
        return
    eligible = len(solver.model.P)
    if explain is None and eligible > EXPLAIN_AUTO_LIMIT:
        result.notes.append(
            f"Why-in/why-out and rule prices were not computed: with {eligible:,} "
            "eligible projects they take one re-solve per project. Run them with --explain "
            "(solve(..., explain=True)), or ask about one project with osa-opt explain.")
        return
    t0 = time.perf_counter()
    result.analyses["why"] = explain_portfolio(result, solver)
    result.analyses["prices"] = price_rules(result, solver)
    result.timings["explain_seconds"] = round(time.perf_counter() - t0, 4)


def execution(
    problem: Problem,
    reserves: int = 10,
    *,
    samples: int | None = None,
    seed: int | None = None,
    target: float | None = None,
    jobs: int = 1,
    scheduler: Any = None,
    exact: bool = False,
    baseline: Result | None = None,
    time_limit: float | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ExecutionAnalysis:
    """Expected execution of portfolio 1 under slippage, with 0..``reserves`` reserves.

    Portfolio 1 (of ``baseline``, solved here when None) and the reserve list (the top of
    the nested funding order above 100% of the budget, :mod:`osa_opt.analysis.reserves`) are
    simulated with the signing probabilities of the input (docs/execution.md).

    Parameters
    ----------
    problem : a validated Problem; its ``[execution]`` section gives the defaults of
        ``samples``, ``seed`` and ``target``.
    reserves : the most reserve entries tried (levels 0..reserves).
    jobs, scheduler : local worker processes, or a Dask scheduler (as robustness).
    exact : enumerate every signing outcome instead of sampling (small plans only).

    Returns
    -------
    ExecutionAnalysis
        ``levels`` (the reserve table), ``recommended_reserves``, ``to_dict()`` as
        ``osa-opt execution --json`` prints it.

    Raises
    ------
    OsaError
        The policy cannot be met (no portfolio 1; its exit code), or ``reserves`` < 0.

    Examples
    --------
    >>> ex = osa_opt.execution(osa_opt.load_problem(), reserves=5)     # doctest: +SKIP
    >>> ex.recommended_reserves                                        # doctest: +SKIP
    """
    from osa_opt.analysis.execution import analyse, make_plan
    from osa_opt.analysis.reserves import reserve_list
    from osa_opt.errors import OsaError

    if reserves < 0:
        raise OsaError(f"reserves must be 0 or more, got {reserves}")
    if baseline is None:
        baseline, _ = solve_baseline(problem, portfolios=1, time_limit=time_limit)
    if baseline.best is None:
        error = OsaError(f"no execution analysis: {baseline.message or baseline.status.value}")
        error.exit_code = baseline.status.exit_code
        raise error
    fractions = baseline.best.fractions
    listed = reserve_list(problem, fractions, reserves, time_limit=time_limit)
    plan = make_plan(problem, fractions, listed.entries, listed.fractions, target)
    analysis = analyse(problem, plan, samples=samples, seed=seed, exact=exact, jobs=jobs,
                       scheduler=scheduler, progress=progress)
    analysis.notes[:0] = listed.notes
    if analysis.recommended_reserves is None:
        analysis.notes.append(
            "Ask for more reserves (--reserves)." if len(listed.entries) == reserves else
            "Raise the chance of signing (earlier stages, firmer partners), lower "
            "execution.target, or relax the minimums that stop the reserve list.")
    return analysis
