"""Solving: one persistent HiGHS solver per model, ranked portfolios by no-good cuts.

Every analysis is a sequence of changes to one model and re-solves of one
:class:`Solver`; nothing here rebuilds a model per question, and nothing here knows of
the analyses (they sit above, in :mod:`osa_opt.analysis`; :func:`osa_opt.solve` is in
:mod:`osa_opt.workflows`).
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import numpy as np
import pyomo.core as pyo  # not pyomo.environ: its plugins cost start-up time
from pyomo.common.collections import ComponentMap
from pyomo.common.gc_manager import PauseGC
from pyomo.contrib.solver.common.results import TerminationCondition as TC

from osa_opt.errors import OsaError
from osa_opt.inputs.problem import Problem  # at run time: get_type_hints(Solver)
from osa_opt.model import build_model
from osa_opt.model.build import refuse_nonlinear
from osa_opt.model.families import funded, linear_sum, value_expression
from osa_opt.solving import highs_access, ranks_checked, value_bound
from osa_opt.solving.direct import HIGHS_ABS_GAP, DirectResolves, proven_by_abs_gap
from osa_opt.solving.highs_access import stdout_to_stderr
from osa_opt.solving.load_order import first_columns, row_order
from osa_opt.solving.pool import PortfolioPool
from osa_opt.solving.status import FRACTION_TOL, Outcome, Status
from osa_opt.solving.value_bound import NearOptimalFloor, resolve_options

__all__ = ["HIGHS_ABS_GAP", "Outcome", "Solver", "Status", "stdout_to_stderr"]



def _status_of(termination: TC, has_solution: bool) -> Status:
    """Map a Pyomo termination condition to our Status (the one place that does it)."""
    if termination == TC.convergenceCriteriaSatisfied:
        return Status.OPTIMAL
    if termination in (TC.provenInfeasible, TC.locallyInfeasible, TC.infeasibleOrUnbounded):
        return Status.INFEASIBLE
    if termination in (TC.maxTimeLimit, TC.iterationLimit, TC.interrupted, TC.objectiveLimit):
        return Status.TIME_LIMIT if has_solution else Status.NO_SOLUTION
    if termination == TC.emptyModel:
        return Status.OPTIMAL
    return Status.ERROR


def check_model_for(model: pyo.ConcreteModel, problem: Problem) -> None:
    """Refuse a model built for another problem (its budget, projects and rules would be
    solved under this problem's name)."""
    ref = getattr(model, "osa_problem", None)
    built_for = ref() if ref is not None else None
    if built_for is not None and built_for is not problem:
        raise OsaError("model was built for another problem (build_model(other_problem)); "
                         "build it from this problem: build_model(problem), or pass the "
                         "additions as extend=func so every model built from the problem "
                         "has them")
    built = getattr(model, "osa_built", None)
    if built is not None:  # what was added by hand, and the objective if changed by hand
        objective = getattr(model, "value", None)
        changed = objective is not None and objective.expr is not getattr(
            model, "osa_built_objective", (objective.expr,))[0]
        refuse_nonlinear(model, [c.local_name for c in model.component_objects(
            descend_into=False) if c.local_name not in built], "the model passed as model=",
            changed)


class _ColumnValues:
    """Column values of HiGHS read by Pyomo variable, as :meth:`Solver.read_fractions`
    reads a solution loader's values (``get(var, default)``)."""

    def __init__(self, col_of: ComponentMap, values: Any) -> None:
        self.col_of, self.values = col_of, values

    def get(self, var: Any, default: float) -> float:
        col = self.col_of.get(var)
        return default if col is None else float(self.values[col])


class Solver(DirectResolves):
    """A persistent HiGHS solver bound to one model: change the model, re-solve, never rebuild.

    Parameters
    ----------
    problem : the validated Problem.
    model : a model from :func:`osa_opt.build_model` (built here when omitted); a notebook
        user may have added constraints to it.
    time_limit, mip_rel_gap, threads, seed : override the policy's ``[solver]`` section.
    log : a stream to copy the HiGHS log to (``--verbose``), or None.

    Examples
    --------
    >>> solver = Solver(problem)
    >>> best = solver.solve_once()
    >>> best.status.value, round(best.objective, 3), len(best.fractions)
    ('optimal', 171.239, 29)
    >>> solver.model.x["P-02"].fix(0)                   # rule P-02 out, re-solve, no rebuild
    >>> round(solver.solve_once().objective, 3)
    165.15
    """

    def __init__(
        self,
        problem: Problem,
        model: pyo.ConcreteModel | None = None,
        *,
        time_limit: float | None = None,
        mip_rel_gap: float | None = None,
        threads: int | None = None,
        seed: int | None = None,
        log: Any = None,
    ) -> None:
        settings = problem.policy.solver
        self.problem = problem
        t0 = time.perf_counter()
        if model is not None:
            check_model_for(model, problem)
        self.model = model if model is not None else build_model(problem)
        self.build_seconds = time.perf_counter() - t0
        self.opt = highs_access.ordered_highs(first_columns, row_order)
        cfg = self.opt.config
        cfg.load_solutions = False
        cfg.raise_exception_on_nonoptimal_result = False
        cfg.time_limit = float(time_limit if time_limit is not None else settings.time_limit)
        cfg.rel_gap = float(mip_rel_gap if mip_rel_gap is not None else settings.mip_rel_gap)
        cfg.threads = int(threads if threads is not None else settings.threads)
        cfg.solver_options["random_seed"] = int(seed if seed is not None else settings.seed)
        cfg.solver_options.update(highs_access.SOLVE_OPTIONS)
        if log is not None:
            cfg.tee = [log]
        self.solves = 0
        self.instance_seconds = 0.0
        self.last: Outcome | None = None
        self._solution: Any = None  # the solution loader of the last solve with a solution

    @property
    def time_limit(self) -> float:
        """Seconds one solve may take (``solver.time_limit`` or the override)."""
        return float(self.opt.config.time_limit)

    # ------------------------------------------------------------------ one solve
    def solve_once(self) -> Outcome:
        """Solve the model as it is now and read the funded fractions."""
        m = self.model
        t0 = time.perf_counter()
        # The first solve loads the model itself (Pyomo's set_instance); loading it here
        # first would add a needless pass of the update check over the whole model. The
        # garbage collector is paused as in build_model: loading makes ~10⁶ small objects.
        with PauseGC():
            res = self.opt.solve(m)
        seconds = time.perf_counter() - t0
        if self.solves == 0:
            timers = res.timing_info.timer.timers
            if "set_instance" in timers:
                self.instance_seconds = timers["set_instance"].total_time
        self.solves += 1
        self._solution = None
        has_solution = res.incumbent_objective is not None
        status = _status_of(res.termination_condition, has_solution)
        out = Outcome(status, termination=str(res.termination_condition.name), seconds=seconds)
        self.last = out
        if not status.has_solution:
            return out
        if res.termination_condition == TC.emptyModel:
            out.objective, out.bound, out.gap = 0.0, 0.0, 0.0
            return out
        self._solution = res.solution_loader
        values = res.solution_loader.get_vars()
        out.fractions = self.read_fractions(values)
        out.objective = float(res.incumbent_objective)
        out.bound = None if res.objective_bound is None else float(res.objective_bound)
        if out.bound is not None:
            denom = max(abs(out.objective), 1e-9)
            out.gap = max(0.0, (out.bound - out.objective) / denom)
        if status == Status.OPTIMAL and out.bound is not None \
                and proven_by_abs_gap(out.objective, out.bound):
            # HiGHS stops once bound − incumbent ≤ mip_abs_gap: that is its proof of optimality
            out.gap = 0.0
        return out

    def read_fractions(self, values: Any) -> dict[str, float]:
        """Funded fraction of every funded project from the solver's variable values (a
        subclass whose model is not a single portfolio, e.g. the funding order's, reads
        its own)."""
        m = self.model
        units = m.osa.units_max
        out: dict[str, float] = {}
        for p, x_var in m.x.items():  # one lookup per project, not three
            x = values.get(x_var, 0.0) if not x_var.fixed else x_var.value
            if x is None or x < 0.5:
                continue
            var = funded(m, p)
            f = values.get(var, 1.0) if var is not x_var else 1.0
            f = min(1.0, max(0.0, float(f)))
            if p in units:  # whole units: exactly units ÷ units_max
                f = round(f * units[p]) / units[p]
            out[p] = 1.0 if f > 1 - FRACTION_TOL else round(f, 9)
        return out

    # ------------------------------------------------------------------ ranked portfolios
    #: Whether :meth:`ranked` proves several ranks per MIP (:mod:`osa_opt.solving.ranks_checked`)
    #: where it can; ``ranked(..., checked=False)`` or this set to False on an instance or a
    #: subclass ranks one re-solve per portfolio.
    checked_ranks: bool = True

    def ranked(
        self,
        count: int,
        min_difference: int,
        progress: Callable[[int, Outcome], None] | None = None,
        keep_cuts: bool = False,
        floor: bool = True,
        stop: Callable[[], bool] | None = None,
        checked: bool | None = None,
    ) -> list[Outcome]:
        """Up to ``count`` portfolios, each differing from every better one in at least
        ``min_difference`` projects: a no-good cut per found portfolio on this solver.

        ``stop`` (e.g. "Ctrl-C was pressed") is asked after each solve: when it says so,
        or a KeyboardInterrupt arrives, the ranking ends with the portfolios finished so far
        (the solve it interrupted is dropped). Without ``stop`` a KeyboardInterrupt raises.

        From portfolio 2 on, the re-solves are confined to portfolios worth at least a
        floor ``L`` below the best by one LP bound (:mod:`osa_opt.solving.value_bound`); a
        re-solve whose answer is below the floor lowers it and runs again, so every
        portfolio is the exact next one (``floor=False`` ranks on plain cuts: the same
        portfolios, slower). The best portfolio HiGHS has reported so far that differs
        enough from the found ones (:mod:`osa_opt.solving.pool`) starts each re-solve, and
        the floor goes no lower than its value. The cuts are removed afterwards (unless
        ``keep_cuts``) and the floor always, so the model is as before.

        With ``min_difference`` 2 (and ``checked``, by default :attr:`checked_ranks`),
        portfolios 2.. are first ranked among the portfolios HiGHS reported and proven a
        few ranks per MIP (:mod:`osa_opt.solving.ranks_checked`); the ranks it cannot prove
        (a tie, a time limit, a check that does not settle) are left to the re-solves
        above, which go on from the proven ones. Not with ``keep_cuts``, ``floor=False``,
        a ``mip_rel_gap`` above 0, a fixed ``x``, or a subclass with its own
        :meth:`read_fractions`.
        """
        m = self.model
        outcomes: list[Outcome] = []
        name = "portfolio_cut"
        if hasattr(m, name):
            m.del_component(name)
        cuts = pyo.ConstraintList(doc="no-good cuts of the ranked portfolios")
        m.add_component(name, cuts)
        confined: NearOptimalFloor | None = None
        options = contextlib.ExitStack()
        pool = PortfolioPool(self.opt, m, min_difference) if floor and count > 1 else None
        fast = pool is not None and self._checks_ranks(count, min_difference, keep_cuts,
                                                       checked)
        # every funded pattern HiGHS reported (packed bits) and its best value, for the checks
        recorded: dict[bytes, float] = {}

        def record(objective: float, values: Any) -> None:
            assert pool is not None
            pool.record(objective, values)
            cols = pool._columns()
            if fast and cols is not None and len(values) > int(cols.max(initial=-1)):
                key = np.packbits(values[cols] >= 0.5).tobytes()
                if objective > recorded.get(key, -np.inf):
                    recorded[key] = objective

        if pool is not None:
            options.enter_context(highs_access.recording_solutions(self.opt, record))
        start: tuple[float, Any] | None = None  # the best known next portfolio

        def resolve() -> Outcome:
            """One re-solve, starting from the known portfolio when the floor keeps it in."""
            if start is not None and (confined is None or not confined.active
                                      or confined.floor <= start[0]):
                highs_access.mip_start(self.opt, start[1])
            return self.solve_once()

        def found(out: Outcome) -> bool:
            """Portfolio len(outcomes) + 1 found: False when the ranking ends with it."""
            nonlocal start
            outcomes.append(out)
            if len(outcomes) >= count or not len(m.P):  # none eligible: no other can differ
                return False
            cuts.add(self._difference_expr(out.funded_ids) >= min_difference)
            if pool is not None:
                pool.found(out.funded_ids)
                start = pool.best()
            return True

        try:
            while len(outcomes) < count:
                k = len(outcomes)
                out = resolve() if confined is None else confined.solve_next()
                if stop is not None and stop():
                    break
                if progress is not None:
                    progress(k + 1, out)
                if not out.status.has_solution or not found(out):
                    break
                lower = start[0] if start is not None else None
                if k == 0:
                    options.enter_context(resolve_options(self.opt, pooled=pool is not None))
                    bound = None
                    if floor and out.status == Status.OPTIMAL and out.objective is not None:
                        bound = value_bound.lp_value_bound(self.opt)
                        confined = NearOptimalFloor.add(m, bound, out.objective,
                                                        resolve, lower)
                    if fast and bound is not None and out.gap == 0.0:
                        ended = self._checked_ranks(out, bound, recorded, count,
                                                    min_difference, progress, stop, found)
                        if confined is not None:
                            for o in outcomes[1:]:
                                assert o.objective is not None
                                confined.found(o.objective)
                        if ended:
                            break
                        lower = start[0] if start is not None else None
                        if confined is not None:
                            confined.known(lower)
                elif confined is not None:
                    confined.known(lower)
        except KeyboardInterrupt:
            if stop is None:
                raise
        finally:
            options.close()
            if confined is not None:
                confined.remove()
            if not keep_cuts:
                m.del_component(name)
        return outcomes

    def _checks_ranks(self, count: int, min_difference: int, keep_cuts: bool,
                      checked: bool | None) -> bool:
        """Whether :meth:`ranked` may prove several ranks per MIP."""
        on = self.checked_ranks if checked is None else checked
        return bool(on and min_difference == 2 and count > 2 and not keep_cuts
                    and type(self).read_fractions is Solver.read_fractions
                    and float(self.opt.config.rel_gap) == 0.0
                    and not any(v.fixed for v in self.model.x.values()))

    def _checked_ranks(self, first: Outcome, bound: Any, recorded: dict[bytes, float],
                       count: int, min_difference: int,
                       progress: Callable[[int, Outcome], None] | None,
                       stop: Callable[[], bool] | None,
                       found: Callable[[Outcome], bool]) -> bool:
        """Portfolios 2.. proven by :func:`ranks_checked.extend`, each handed to ``found``
        (its cut, the pool) and ``progress``; True when the ranking ends here (all found, no
        further portfolio exists, or ``stop``)."""
        m = self.model
        cols = highs_access.columns_of(self.opt, list(m.x.values()))
        col_vars = highs_access.column_vars(self.opt)
        if cols is None or col_vars is None or first.objective is None:
            return False
        x_cols = np.asarray(cols, dtype=np.int32)
        col_of = ComponentMap((var, c) for c, var in col_vars.items())
        funded_ids = first.funded_ids
        pattern = np.array([p in funded_ids for p in m.x], dtype=bool)
        t0 = time.perf_counter()
        proven = ranks_checked.extend(self.opt, x_cols, first.objective, pattern, bound,
                                      recorded, count, min_difference, stop,
                                      time_limit=self.time_limit,
                                      threads=int(self.opt.config.threads))
        seconds = (time.perf_counter() - t0) / max(1, len(proven.portfolios))
        self._solution = None  # HiGHS's last solution is a check's, not a portfolio's
        self.solves += proven.stats.mips  # the check MIPs ran on this solver's HiGHS
        for rank, (value, values) in enumerate(proven.portfolios, 2):
            if stop is not None and stop():  # asked before each portfolio, as after a solve
                return True
            out = Outcome(Status.OPTIMAL, objective=value, bound=value, gap=0.0,
                          termination=TC.convergenceCriteriaSatisfied.name, seconds=seconds)
            out.fractions = self.read_fractions(_ColumnValues(col_of, values))
            self.last = out
            if progress is not None:
                progress(rank, out)
            if not found(out):
                return True
        if proven.stopped:
            return True
        if proven.complete:
            out = Outcome(Status.INFEASIBLE, termination=TC.provenInfeasible.name)
            self.last = out
            if progress is not None:
                progress(len(proven.portfolios) + 2, out)
            return True
        return False

    def _difference_expr(self, funded_ids: frozenset[str]) -> Any:
        """Number of projects whose funded state differs from the given portfolio."""
        m = self.model
        # |funded| + Σ_{p not funded} x[p] − Σ_{p funded} x[p], built as one linear sum: the
        # same value as Σ (1 − x[p]) + Σ x[p] without a (1 − x) sub-expression per project
        pairs = list(m.x.items())  # x is indexed by P
        inside = sum(1 for p, _ in pairs if p in funded_ids)
        return inside + linear_sum([-1 if p in funded_ids else 1 for p, _ in pairs],
                                   [var for _, var in pairs])

    # ------------------------------------------------------------------ for analyses
    def values(self, variables: Iterable[Any]) -> dict[Any, float]:
        """The values of ``variables`` in the last solve's solution (e.g. the slacks of an
        elastic model); raises when the last solve found no solution."""
        if self._solution is None:
            raise RuntimeError("the last solve has no solution to read")
        return self._solution.get_vars(list(variables))

    @property
    def highs(self) -> Any | None:
        """The ``highspy.Highs`` instance (None until the first solve loads the model)."""
        return highs_access.highs_of(self.opt)

    def clear(self) -> None:
        """Forget HiGHS's last basis, so the next solve starts from scratch (robustness
        samples: each is then the same whatever sample came before it)."""
        highs_access.clear_solver(self.opt)

    def set_objective(self, value: dict[str, float]) -> None:
        """Replace the objective by Σ_p value[p]·f[p] (robustness, sampling), plus what the
        model's extensions added to the objective."""
        m = self.model
        extra = getattr(m, "osa_objective_extra", None)
        expr = value_expression(m, m.osa, value)
        m.value.set_value(expr if extra is None else expr + extra)

    @contextlib.contextmanager
    def fixed_in_highs(self, states: dict[str, int]) -> Iterator[None]:
        """Like :meth:`fixed`, but only HiGHS's column bounds change: Pyomo's model is left
        alone, so a re-solve costs the solve, not a re-scan of every row holding x[p].
        Falls back to :meth:`fixed` before the first solve (nothing loaded yet), when a
        project is already fixed in Pyomo, or when the column map cannot be reached.
        Use it only around :meth:`solve_once`, with no other change to the model inside."""
        m = self.model
        variables = [m.x[p] for p in states]
        highs = self.highs if self.solves else None
        cols = (highs_access.columns_of(self.opt, variables)
                if highs is not None and not any(v.fixed for v in variables) else None)
        if cols is None:
            with self.fixed(states):
                yield
            return
        # Pyomo's changes not yet sent (an unfix, a row switched off) go now, or the next
        # solve would send them over the bounds set here
        self.opt.update()
        bounds = {c: (float(v), float(v)) for c, v in zip(cols, states.values(), strict=True)}
        with highs_access.column_bounds(highs, bounds):
            yield

    @contextlib.contextmanager
    def fixed(self, states: dict[str, int]) -> Iterator[None]:
        """Temporarily fix x[p] to 0 or 1 for the given projects."""
        m = self.model
        previous = {p: (m.x[p].fixed, m.x[p].value) for p in states}
        try:
            for p, v in states.items():
                m.x[p].fix(v)
            yield
        finally:
            for p, (was_fixed, value) in previous.items():
                if was_fixed:
                    m.x[p].fix(value)
                else:
                    m.x[p].unfix()
