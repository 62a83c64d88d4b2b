"""The runs that the CLI and notebooks share: each is one call that returns a Result.

Every run is a plain sequence of the layers below it: build the model, solve it on one
persistent :class:`~osa_opt.solving.solver.Solver`, run the analyses that need that baseline,
and collect them in a :class:`~osa_opt.result.Result` (``result.write()`` writes the run
folder). The CLI commands parse options, call one of these, write and render:
:func:`solve` (``osa-opt solve``), :func:`frontier` (``osa-opt frontier``),
:func:`robustness` and :func:`compare`.

>>> import osa_opt
>>> result = osa_opt.solve(osa_opt.load_problem(), portfolios=3, explain=True)
>>> sorted(result.analyses)
['prices', 'why']
"""

from __future__ import annotations

import math
import numbers
import time
from collections.abc import Callable, Sequence
from typing import Any

import pyomo.core as pyo  # not pyomo.environ: its plugins cost start-up time

from osa_opt.analysis import compare as compare_analysis
from osa_opt.analysis import frontier as frontier_analysis
from osa_opt.analysis import robustness as robustness_analysis
from osa_opt.analysis.baseline import (
    add_diagnosis,
    result_from_outcomes,
    solve_baseline,
)
from osa_opt.analysis.compare import Scenario
from osa_opt.analysis.execution import ExecutionAnalysis, analyse, make_plan
from osa_opt.analysis.frontier import FrontierAnalysis
from osa_opt.analysis.funding_order import FundingOrderAnalysis, funding_order
from osa_opt.analysis.prices import price_rules
from osa_opt.analysis.reserves import reserve_list
from osa_opt.analysis.why import explain_portfolio
from osa_opt.analysis.why_proofs import EXACT_LIMIT, LP_BOUND
from osa_opt.errors import OsaError
from osa_opt.extensions import ExtensionFunction
from osa_opt.inputs.policy import checked_arguments
from osa_opt.inputs.problem import Problem
from osa_opt.result import Result, Status
from osa_opt.solving.solver import HIGHS_ABS_GAP, Outcome, Solver
from osa_opt.text import counted, fixed, id_list, number, percent, share_text

# The annotations' names are imported at run time, not under TYPE_CHECKING, so
# typing.get_type_hints resolves the public functions (tests/test_api.py).

#: Above this many eligible projects, ``explain=None`` (the CLI default) skips why/prices.
#: Up to EXACT_LIMIT (300) they are exact (a MIP re-solve per project unless a proof
#: saves it); above it they are LP bounds, one LP re-solve per project (docs/explain.md).
EXPLAIN_AUTO_LIMIT = 2000
#: Above this many eligible projects ``osa-opt solve`` leaves out the execution analysis
#: (its reserve list is a MIP over eleven budget levels: 8 s at 1,000 projects).
EXECUTION_AUTO_LIMIT = 300


def solve(
    problem: Problem,
    portfolios: int | None = None,
    min_difference: int | None = None,
    *,
    model: pyo.ConcreteModel | None = None,
    extend: ExtensionFunction | str | Sequence[ExtensionFunction | str] | None = None,
    time_limit: float | None = None,
    log: Any = None,
    progress: Callable[[int, Outcome], None] | None = None,
    explain: bool | None = False,
    stop: Callable[[], bool] | None = None,
    explain_progress: Callable[[int, int], None] | None = None,
) -> Result:
    """Solve a problem into ranked portfolios.

    Parameters
    ----------
    problem : a validated Problem (:func:`osa_opt.load_problem`).
    portfolios, min_difference : override the policy's ``[portfolios]`` section.
    model : a model from :func:`osa_opt.build_model` of this very problem, possibly extended
        by hand (why/prices/diagnosis re-solve it; analyses that build models of their own
        refuse such a result: use ``extend``).
    extend : model extensions, a function ``func(model, problem)`` adding Pyomo components
        (or ``"FILE.py:FUNCTION"``, or a list): the same as
        ``problem.with_extensions(extend)``; ``result.problem`` carries them, so robustness,
        compare, the frontier and execution apply them to every model they build.
    time_limit : seconds per solve (overrides ``solver.time_limit``).
    log : stream for the HiGHS log; progress : called after each portfolio's solve.
    explain : also run the why-in/why-out and rule-price analyses on the same solver
        (``result.analyses["why"]`` and ``["prices"]``); ``None`` runs them only up to
        ``EXPLAIN_AUTO_LIMIT`` eligible projects (one re-solve per project) and notes it.
    stop : asked after each solve ("was Ctrl-C pressed?"); with it, an interrupt ends the
        run with what is finished, ``result.partial`` set, instead of raising.
    explain_progress : called as ``progress(done, total)`` after each project explained.

    Returns
    -------
    Result
        ``status`` is that of portfolio 1; ``portfolios`` lists the ranked portfolios.
        When the policy cannot be met, ``diagnosis`` lists the conflicting rules and by
        how much each must move, and ``message`` is its first line.

    Examples
    --------
    >>> result = osa_opt.solve(osa_opt.load_problem(), portfolios=3)
    >>> result.summary()[["value", "projects", "added", "dropped"]].round(3)
            value  projects       added     dropped
    rank
    1     171.239        29
    2     171.003        29  P-13, P-33  P-14, P-32
    3     170.206        29        P-33        P-32
    """
    _a_problem(problem, "solve")
    if model is not None:  # built before a change in place, perhaps: build_model checked then
        problem.refuse_edits_in_place("osa_opt.solve(problem, model=...)")
    if extend is not None:
        if model is not None:
            raise OsaError("solve: give either model= (built by hand) or extend= (functions "
                           "applied to every model), not both")
        problem = problem.with_extensions(extend)
    result, solver = solve_baseline(problem, portfolios, min_difference, model=model,
                                    time_limit=time_limit, log=log, progress=progress,
                                    stop=stop)
    if result.partial:
        return result
    tie_note(result)
    try:
        explain_result(result, solver, explain, progress=explain_progress)
    except KeyboardInterrupt:
        if stop is None:
            raise
        result.partial = True
        for name in ("why", "prices"):
            result.analyses.pop(name, None)
        result.notes.append("Interrupted while explaining portfolio 1: the ranked portfolios "
                            "are complete; why-in/why-out and rule prices are not.")
    return result


def _a_problem(problem: Any, name: str, baseline: bool = False) -> None:
    """Refuse what is not a Problem by name (a Result or a path is an easy slip in a
    notebook; without this it fails deep inside with an AttributeError)."""
    if isinstance(problem, Result):
        reuse = (f", or {name}(result.problem, baseline=result) to reuse its portfolio 1"
                 if baseline else "")
        raise OsaError(f"{name}() takes a Problem, not a Result: pass result.problem{reuse}")
    # dir(), not hasattr: reading problem.projects would make the Problem hold a copy of
    # its projects table for the rest of its life (~25 MB at 100,000 projects × 5 years)
    if not hasattr(problem, "policy") or "projects" not in dir(problem):
        raise OsaError(f"{name}() takes a Problem, not a {type(problem).__name__}: "
                       "read one with osa_opt.load_problem(path)")


def _extended(problem: Problem, extend: Any, baseline: Result | None = None) -> Problem:
    """The problem with ``extend`` added, and with the baseline's extensions when the
    baseline was solved with extensions this problem lacks (never dropped)."""
    if baseline is not None:
        missing = [e for e in baseline.problem.extensions if e not in problem.extensions]
        if missing:
            problem = problem.with_extensions(missing)
    return problem.with_extensions(extend) if extend is not None else problem


#: Values closer than this share of portfolio 1's, or than HiGHS's ``mip_abs_gap`` (1e-6)
#: when that is more, are one value: a tie. HiGHS ranks to within mip_abs_gap (osa-opt sets
#: mip_rel_gap 0), and a value read from its solution is exact to about 1e-9 of itself
#: (columns within its feasibility tolerances; run.json keeps 9 decimals). Portfolios 3e-4
#: apart in a value of 7,655 (4e-8 of it) are two values that the solver ranked, not a tie.
TIE_TOLERANCE = 1e-9


def tie_tolerance(best: float) -> float:
    """How far apart two portfolios' values may be and still be one (a tie), with
    portfolio 1 worth ``best``: :data:`TIE_TOLERANCE` of it, at least HiGHS's mip_abs_gap.

    >>> tie_tolerance(7655.96), tie_tolerance(16.5)
    (7.65596e-06, 1e-06)
    """
    return max(HIGHS_ABS_GAP, TIE_TOLERANCE * abs(best))


def tie_note(result: Result) -> None:
    """Say when later portfolios are worth exactly as much as portfolio 1: which of them is
    ranked first is then the solver's choice, not a rule (the same whatever the order of
    the rows: the model's columns are in project-id order, osa_opt.model.data.by_id).

    >>> flood = problem.projects.assign(exclusive_group=lambda t: t["exclusive_group"]
    ...                                 .mask(t.index == "P-30", "flood kit"))
    >>> twin = flood.loc[["P-30"]].rename(index={"P-30": "P-40"})  # the same kit, twice
    >>> twins = problem.with_projects(pd.concat([flood, twin]))
    >>> print(osa_opt.solve(twins, portfolios=2).notes[0])  # doctest: +NORMALIZE_WHITESPACE
    Portfolio 2 is worth exactly as much as portfolio 1 (171.239): a tie. Which of them is
    ranked first is the solver's choice, not a rule (the same however the rows are sorted):
    choose between them on grounds the model does not weigh (portfolio 2: +P-40 −P-30).
    """
    if len(result.portfolios) < 2:
        return
    best = result.portfolios[0].objective
    tol = tie_tolerance(best)
    tied = [p for p in result.portfolios[1:] if _same_value(p.objective, best, tol)]
    _later_ties(result, tol, len(tied) + 1)
    _alike_not_tied(result, tol)
    if not tied:
        return
    ranks = [p.rank for p in tied]
    which = (f"Portfolio {ranks[0]} is" if len(ranks) == 1 else
             f"Portfolios {', '.join(map(str, ranks[:-1]))} and {ranks[-1]} are")
    changes = "; ".join(f"portfolio {p.rank}: " + " ".join(
        [*(f"+{i}" for i in p.added), *(f"−{i}" for i in p.dropped)]) for p in tied[:3])
    result.notes.append(
        f"{which} worth exactly as much as portfolio 1 ({fixed(best)}): a tie. Which of them "
        "is ranked first is the solver's choice, not a rule (the same however the rows are "
        "sorted): choose between them on grounds the model does not weigh "
        f"({changes}{'; …' if len(tied) > 3 else ''}).")


def _same_value(a: float, b: float, tol: float) -> bool:
    """Whether two portfolios' values are one: within ``tol`` (:func:`tie_tolerance`) and
    shown alike. In a 2,000-project round portfolios 6, 7 and 8 (7,655.96094, .96060,
    .96029) were noted "worth the same (7,655.961)" beside a table showing portfolio 8 at
    7,655.960; 6 and 7, 3.4e-4 apart, were still called a tie, their order "the solver's
    choice", though the solver had ranked them by value.

    >>> _same_value(7655.96094, 7655.96060, 7.7e-6), _same_value(16.5, 16.5 + 1e-12, 1e-6)
    (False, True)
    """
    return abs(a - b) <= tol and fixed(a) == fixed(b)


def _later_ties(result: Result, tol: float, start: int) -> None:
    """Say when portfolios after the first (from index ``start``) are worth the same as each
    other: their order is the solver's choice, and others of that value may lie beyond the
    last one shown (a real round whose every package fits: portfolios 2 to 5 each drop two
    of five packages, out of ten equal ways to).

    >>> fy = osa_opt.load_problem("inputs/real_rounds/FY2025",
    ...                           overrides={"budget": {"FY2025": 8100}})
    >>> print(osa_opt.solve(fy, explain=False).notes[0])  # doctest: +NORMALIZE_WHITESPACE
    Portfolios 2, 3, 4 and 5 are worth the same (16.500, 60.0% of portfolio 1): their order
    is the solver's choice, not a rule, and other portfolios of that value may exist beyond
    those shown. Choose between them on grounds the model does not weigh.
    """
    portfolios = result.portfolios
    best = portfolios[0].objective
    k = start
    while k < len(portfolios) - 1:
        run = [p for p in portfolios[k:] if _same_value(p.objective, portfolios[k].objective,
                                                          tol)]
        if len(run) > 1:
            ranks = [str(p.rank) for p in run]
            last = run[-1] is portfolios[-1]
            share = (f", {share_text(run[0].objective / best)} of portfolio 1"
                     if best > 0 else "")
            result.notes.append(
                f"Portfolios {', '.join(ranks[:-1])} and {ranks[-1]} are worth the same "
                f"({fixed(run[0].objective)}{share}): their order is the solver's choice, "
                "not a rule"
                + (", and other portfolios of that value may exist beyond those shown"
                   if last else "") + ". Choose between them on grounds the model does not "
                "weigh.")
        k += len(run)


def _alike_not_tied(result: Result, tol: float) -> None:
    """Say when neighbouring portfolios show one value in three decimals yet are not a tie
    (more than ``tol`` apart): the table cannot tell them apart, the ranking can. Each pair
    is named with the difference and both values in enough decimals to see it.

    >>> from types import SimpleNamespace as P
    >>> r = P(notes=[], portfolios=[P(rank=k, objective=v) for k, v in
    ...       enumerate([7655.979, 7655.96094, 7655.96060, 7655.96029, 7655.95992], 1)])
    >>> _alike_not_tied(r, 7.7e-6); print(r.notes[0])  # doctest: +NORMALIZE_WHITESPACE
    Portfolios 2 and 3 show the same value in three decimals (7,655.961) but are not a tie:
    2 is worth 0.00034 more (7,655.96094 against 7,655.96060). Likewise 4 and 5 (7,655.960):
    4 is worth 0.00037 more (7,655.96029 against 7,655.95992). The ranking follows these
    values: it is not the solver's choice.
    """
    pairs = [(a, b) for a, b in zip(result.portfolios, result.portfolios[1:], strict=False)
             if fixed(a.objective) == fixed(b.objective) and abs(a.objective - b.objective) > tol]
    if not pairs:
        return
    said = []
    for a, b in pairs[:3]:
        gap = abs(a.objective - b.objective)
        digits = max(4, 1 - math.floor(math.log10(gap)))  # two significant digits of the gap
        said.append(f"{a.rank} is worth {fixed(gap, digits)} more ({fixed(a.objective, digits)} "
                    f"against {fixed(b.objective, digits)})")
    (a, b), first = pairs[0], said[0]
    likewise = "".join(f". Likewise {x.rank} and {y.rank} ({fixed(x.objective)}): {text}"
                       for (x, y), text in zip(pairs[1:3], said[1:], strict=True))
    result.notes.append(
        f"Portfolios {a.rank} and {b.rank} show the same value in three decimals "
        f"({fixed(a.objective)}) but are not a tie: {first}{likewise}"
        f"{'; …' if len(pairs) > 3 else ''}. The ranking follows these values: it is not the "
        "solver's choice.")


def explain_result(result: Result, solver: Solver, explain: bool | None = True,
                   progress: Callable[[int, int], None] | None = None) -> None:
    """Add why-in/why-out and rule prices of portfolio 1 to ``result.analyses`` (re-solving
    ``solver``, the one that ranked it); ``explain=None`` only up to EXPLAIN_AUTO_LIMIT
    eligible projects, with a note above it; nothing without a portfolio."""
    if result.best is None or explain is False:
        return
    eligible = len(solver.model.P)
    if explain is None and eligible > EXPLAIN_AUTO_LIMIT:
        result.notes.append(
            f"Why-in/why-out and rule prices were not computed: with {eligible:,} "
            "eligible projects they take an LP re-solve per project. Run them with "
            "--explain (solve(..., explain=True)), or ask about one project with "
            "osa-opt explain.")
        return
    t0 = time.perf_counter()
    limit = float(result.problem.policy.solver.explain_time_limit)
    why = result.analyses["why"] = explain_portfolio(result, solver, progress=progress,
                                                     exact_limit=EXACT_LIMIT, time_limit=limit)
    prices = result.analyses["prices"] = price_rules(result, solver, exact_limit=EXACT_LIMIT,
                                                     time_limit=limit)
    result.timings["explain_seconds"] = round(time.perf_counter() - t0, 4)
    timed_out = why.timed_out + prices.timed_out
    if timed_out:
        answers = counted(timed_out, "answer")
        they = "it is an LP bound" if timed_out == 1 else "they are LP bounds"
        result.notes.append(
            f"Why-in/why-out and rule prices ran out of time: {answers} could not be "
            f"re-solved within solver.explain_time_limit ({number(limit)} s for each "
            f"analysis) or solver.time_limit ({number(solver.time_limit)} s per solve), so "
            f"{they} (basis \"lp bound\": a loss is at least, a gain at most, the number "
            "shown) or not known. Allow more time with --set "
            f"solver.explain_time_limit={more_time(limit)}, or ask about one "
            "project with osa-opt explain PROJECT_ID.")
    price_bounds = prices.table[["basis", "relaxed_basis"]].eq(LP_BOUND).to_numpy().any()
    if eligible > EXACT_LIMIT and (why.bounded or price_bounds):  # with a time-out note too
        result.notes.append(
            f"With {eligible:,} eligible projects (more than {EXACT_LIMIT:,}) why-in/why-out "
            f"and rule prices are LP bounds where no re-solve-free proof exists ({why.bounded:,} "
            f"of {eligible:,} projects; basis \"lp bound\"): a loss is at least, a gain at "
            "most, the number shown. osa-opt explain PROJECT_ID gives one exact answer.")


def more_time(limit: float) -> str:
    """The explanations' time limit to suggest after ``limit`` ran out, as it is typed.

    >>> more_time(120.0), more_time(0.5)
    ('1200', '600')
    """
    return number(max(10 * limit, 600), grouped=False)


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
    extend: ExtensionFunction | str | Sequence[ExtensionFunction | str] | None = None,
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
    >>> ex = osa_opt.execution(osa_opt.load_problem(), reserves=5)
    >>> ex
    <ExecutionAnalysis ...% expected without reserves; ...>
    """

    _a_problem(problem, "execution", baseline=True)
    checked_arguments(problem.policy, {"execution.samples": samples, "execution.seed": seed,
                                       "execution.target": target,
                                       "solver.time_limit": time_limit})
    if not isinstance(reserves, numbers.Integral) or isinstance(reserves, bool) or reserves < 0:
        raise OsaError(f"reserves must be a whole number, 0 or more, got {reserves!r}")
    problem = _extended(problem, extend, baseline)
    if baseline is None:
        baseline, _ = solve_baseline(problem, portfolios=1, time_limit=time_limit)
    baseline.refuse_custom_model("the execution analysis")
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
    if problem.extensions:  # said, not silently assumed: numpy draws cannot run Pyomo rows
        names = ", ".join(f"{e.function}()" for e in problem.extensions)
        analysis.notes.append(
            f"The extensions {names} shape portfolio 1 and the reserve list (every level of "
            "the funding order applies them); the simulation then checks the policy's "
            "maximums and requirements only, so an extension row that is not a maximum "
            "(a minimum, an equality, an if-then) is not checked again when a reserve is "
            "skipped.")
    if analysis.recommended_reserves is None:
        if len(listed.entries) == reserves:
            advice = "Ask for more reserves (reserves=; --reserves on the command line)."
        elif listed.cut_by_rules:
            advice = ("Raise the chance of signing (earlier stages, firmer partners), lower "
                      "the target share of the budget to execute (policy key "
                      "execution.target), or relax the minimums that end the reserve list.")
        elif listed.kept_out_by_rules is not None:  # a larger budget adds nobody
            kept = listed.kept_out_by_rules
            top = percent(max(problem.policy.frontier.stop, 1.5))
            advice = ("The reserve list already holds every project that can join portfolio "
                      f"1: every eligible project fits in {top} of the budget, so a larger "
                      "one adds none; "
                      + (f"the policy's rules keep {id_list(kept)} out (an exclusive group's "
                         "other item funded, a requirement, a maximum: osa-opt explain "
                         "PROJECT_ID says which)" if kept else "no other project is eligible")
                      + ". More reserves need more candidates in the round; or lower the "
                      "target share of the budget to execute (policy key execution.target).")
        else:  # in words for the budget officer, the key in parentheses for the analyst
            advice = ("Lengthen the reserve list by raising the top of the budget sweep (it "
                      f"ends at {percent(max(problem.policy.frontier.stop, 1.5))} of the budget; "
                      "policy key frontier.stop), or lower the target share of the budget "
                      "to execute (policy key execution.target).")
        analysis.notes.append(advice)
    return analysis


def frontier(
    problem: Problem,
    shares: Sequence[float] | None = None,
    *,
    progress: Callable[[str], None] | None = None,
    extend: ExtensionFunction | str | Sequence[ExtensionFunction | str] | None = None,
) -> Result:
    """The exact frontier over a budget sweep and the funding order, in one call.

    ``extend`` (or ``problem.extensions``) applies to every level's model.

    Solves every level of the sweep (default: the policy's ``[frontier]`` section; 100% is
    always a level) on one persistent solver, then the funding order through portfolio 1.
    Returns portfolio 1 at the policy budget (the sweep's own level at 100%) as a Result,
    with ``analyses["frontier"]`` and ``["funding_order"]`` and notes on the levels that
    cannot be met, on restarts of the order and on a funding-order solve that stopped short;
    with the diagnosis when the policy budget cannot be met. ``progress(text)`` is called
    after each level and before the funding order.

    >>> result = osa_opt.workflows.frontier(osa_opt.load_problem())
    >>> result.analyses["funding_order"].order[["project_id", "position", "country"]].head(3)
      project_id  position  country
    0       P-11         1  Coralia
    1       P-10         2  Coralia
    2       P-37         3  Dravina
    """
    _a_problem(problem, "frontier")
    say = progress or (lambda text: None)
    problem = _extended(problem, extend)
    shares = frontier_analysis.sweep_shares(problem.policy) if shares is None else shares
    t0 = time.perf_counter()
    fr = frontier_analysis.frontier(problem, shares, progress=lambda done, total: say(
        f"solved budget level {done} of {total}"))
    solver = fr.solver
    assert solver is not None and fr.policy_level is not None
    # portfolio 1 is the sweep's own level at 100%, which the funding order passes through
    at_policy = solver.last = fr.outcomes[fr.policy_level - 1]
    say("funding order over the feasible levels")
    order = funding_order(problem, fr)
    result = result_from_outcomes(problem, solver, [at_policy] if at_policy.status.has_solution
                                  else [], time.perf_counter() - t0)
    if result.status == Status.INFEASIBLE:  # say why, as solve does (on a model of its own)
        add_diagnosis(result)
    result.analyses["frontier"] = fr
    result.analyses["funding_order"] = order
    _frontier_notes(result, fr, order)
    return result


def _why_level(result: Result, bad: Any) -> str:
    """Why the largest level below the policy's budget that cannot be met cannot, in the
    words of the diagnosis (a mandatory project, a required partner ...: what the rules
    need); "" when every such level is at or above the policy's budget (the result's own
    diagnosis says why) or the diagnosis finds no rule to move."""
    from osa_opt.analysis.diagnose import diagnose

    below = bad[bad["budget_share"] < 1 - 1e-9]
    if below.empty:
        return ""
    top = below.iloc[-1]
    budgets = {f"budget.{fy}": float(top[f"budget_{fy}"]) for fy in result.problem.fiscal_years}
    entries = diagnose(result.problem.with_policy(overrides=budgets))
    if not entries:
        return ""
    return f" At {percent(top['budget_share'])}: {entries[0]['message']}"


def _frontier_notes(result: Result, fr: FrontierAnalysis, order: FundingOrderAnalysis) -> None:
    """Say which levels cannot be met (points of the frontier, not errors), where the rules
    break the funding order, and when its solve stopped short."""
    bad = fr.points[~fr.points.index.isin(fr.feasible.index)]
    if not bad.empty:
        shares = ", ".join(percent(s) for s in bad["budget_share"])
        result.notes.append(
            f"The policy cannot be met at {len(bad)} budget level(s) of the sweep ({shares}); "
            "they are reported as infeasible points and left out of the funding order."
            + _why_level(result, bad))
    for lv in order.restarts:
        row = order.levels.loc[lv]
        result.notes.append(
            f"No single funding order fits every level: from {percent(row['budget_share'])} of the "
            f"budget (level {lv}) the rules force dropping {', '.join(row['dropped'])} to fund "
            f"{', '.join(row['added'])}; the order restarts there.")
    if order.outcome is not None and order.status != "optimal":
        result.notes.append(
            f"The funding-order solve ended '{order.status}'"
            + (f" with a gap of {percent(order.outcome.gap, 2, trim=False)}"
               if order.outcome.gap else "")
            + "; allow the solver more time (policy key solver.time_limit) for a proven "
            "order.")


def robustness(
    problem: Problem,
    samples: int | None = None,
    seed: int | None = None,
    *,
    jobs: int = 1,
    scheduler: Any = None,
    progress: Callable[[int, int], None] | None = None,
    baseline: Result | None = None,
    extend: ExtensionFunction | str | Sequence[ExtensionFunction | str] | None = None,
) -> Result:
    """The normal solve with ``analyses["robustness"]``: core indices of the projects and
    how often each ranked portfolio stays near-optimal under sampled weights and scores.

    ``baseline`` is the normal solve (solved here when omitted); when it has no portfolio
    it is returned as it is, without the analysis (its status says why). The baseline's
    extensions (``solve(..., extend=f)``) and ``extend`` apply to every sample's model; in
    worker processes they must be importable or ``"FILE.py:FUNCTION"``. See
    :func:`osa_opt.analysis.robustness.robustness` for the other parameters.

    >>> result = osa_opt.workflows.robustness(problem, samples=20)  # jobs=2: two processes
    >>> result.analyses["robustness"].counts
    {'core': 27, 'borderline': 4, 'exterior': 7}
    """
    _a_problem(problem, "robustness", baseline=True)
    problem = _extended(problem, extend, baseline)
    result = baseline if baseline is not None else solve(problem)
    result.refuse_custom_model("robustness")
    if not result.portfolios:
        return result
    result.analyses["robustness"] = robustness_analysis.robustness(
        problem, samples, seed, jobs, scheduler, progress, baseline=result)
    return result


def compare(
    scenarios: Sequence[Scenario | Problem | Result],
    *,
    jobs: int = 1,
    scheduler: Any = None,
    progress: Callable[[int, int], None] | None = None,
) -> Result:
    """The first scenario's solve with ``analyses["comparison"]``: every scenario solved to
    its optimum and compared with the first (see :func:`osa_opt.analysis.compare.compare`).

    A scenario is a :class:`Scenario` (a name and a Problem), a Problem (named after its
    policy, as ``osa-opt compare`` names a ``--policy FILE``) or a Result (its problem,
    extensions included).

    >>> from osa_opt.analysis.compare import Scenario, budget_scenario
    >>> result = osa_opt.workflows.compare(
    ...     [Scenario("base", problem), budget_scenario(problem, {"FY2026": 15000})])
    >>> result.analyses["comparison"].summary()[["value", "projects"]].round(3)
                                      value  projects
    scenario
    base                  171.239        29
    default FY2026=15000  158.890        26
    >>> osa_opt.compare([problem, problem.with_policy(overrides={"budget.FY2026": 15000})])
    <Result optimal: 5 portfolios, best value 171.239; analyses: comparison>
    """
    named = as_scenarios(scenarios)
    result = solve(named[0].problem)
    result.analyses["comparison"] = compare_analysis.compare(
        named, jobs=jobs, scheduler=scheduler, progress=progress)
    return result


def _policy_differences(before: Any, after: Any, most: int = 3) -> str:
    """The policy keys ``after`` sets otherwise than ``before``, as ``key=value`` (dotted
    keys; "" when none, or more than ``most``): a scenario's name in a notebook, where
    ``problem.with_policy(overrides=...)`` keeps the policy's name."""
    def flat(tree: Any, prefix: str = "") -> dict[str, Any]:
        if not isinstance(tree, dict):
            return {prefix: tree}
        out: dict[str, Any] = {}
        for key, value in tree.items():
            out.update(flat(value, f"{prefix}.{key}" if prefix else str(key)))
        return out

    old, new = flat(before.to_dict()), flat(after.to_dict())
    keys = [k for k in new if k != "name" and old.get(k, None) != new[k]]
    keys += [k for k in old if k not in new]
    if not keys or len(keys) > most:
        return ""
    return ", ".join(f"{k}={_shown_value(new.get(k))}" for k in keys)


def _shown_value(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "none" if value is None else str(value)


def as_scenarios(items: Sequence[Scenario | Problem | Result]) -> list[Scenario]:
    """Scenarios from Scenarios, Problems or Results. A Problem or Result is named by its
    policy (:func:`~osa_opt.analysis.compare.policy_scenario_name`: its file's stem as
    ``osa-opt compare`` names a ``--policy FILE``, ``default`` for the shipped default; a
    policy read from no file by its ``name`` when it names a round); when an
    earlier one has that name, by what its policy sets otherwise
    (``default (budget.FY2026=15000)``, up to three keys), else with " (2)"."""
    if isinstance(items, Scenario | Result) or not isinstance(items, Sequence) or \
            hasattr(items, "policy"):
        raise OsaError("compare takes a list of scenarios: compare([problem_a, problem_b])")
    out: list[Scenario] = []
    seen: dict[str, int] = {}
    for k, item in enumerate(items, start=1):
        if isinstance(item, Result):
            item.refuse_custom_model("compare")
            item = item.problem
        if not isinstance(item, Scenario):
            if not hasattr(item, "policy"):
                raise OsaError(f"compare: scenario {k} is a {type(item).__name__}, not a "
                               "Problem, Result or Scenario")
            name = compare_analysis.policy_scenario_name(item) or f"scenario {k}"
            first = next((s for s in out if s.name == name), None)
            differs = _policy_differences(first.problem.policy, item.policy) if first else ""
            item = Scenario(f"{name} ({differs})" if differs else name, item)
        seen[item.name] = seen.get(item.name, 0) + 1
        if seen[item.name] > 1:
            item = Scenario(f"{item.name} ({seen[item.name]})", item.problem)
        out.append(item)
    if not out:
        raise OsaError("compare: no scenario given")
    return out
