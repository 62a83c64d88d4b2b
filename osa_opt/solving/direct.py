"""Re-solves through HiGHS directly, for the explanations: no Pyomo solve around them.

Why-in/why-out forces one project per re-solve and the rule prices switch one row off or
re-bound it. Through Pyomo each would pay its update check, output capture, results object
and solution loader (and, for a fixed variable or a deactivated row, a re-scan of the rows
involved); here the column's or row's bounds change in the persistent HiGHS instance, HiGHS
runs, its columns are read into funded fractions, and the bounds go back. The private
attributes this needs are read in :mod:`osa_opt.solving.highs_access` only. The LP copy for
bounds without a MIP is :mod:`osa_opt.solving.lp_relaxation`.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import numpy as np

from osa_opt.model.families import funded
from osa_opt.solving import highs_access
from osa_opt.solving.lp_relaxation import LpRelaxation
from osa_opt.solving.status import FRACTION_TOL, Outcome, Status
from osa_opt.solving.value_bound import RESOLVE_OPTIONS

#: HiGHS's default ``mip_abs_gap``: a bound this close to the incumbent proves it optimal.
HIGHS_ABS_GAP = 1e-6


def proven_by_abs_gap(objective: float, bound: float) -> bool:
    """Whether HiGHS's bound proves the incumbent optimal by its ``mip_abs_gap``: bound −
    objective within :data:`HIGHS_ABS_GAP`, give or take the rounding of the two values HiGHS
    reports (a billionth of the value). HiGHS stopped at a bound 1.000000001e-6 above
    11.2489135 (its own difference within the gap), and portfolio 1 read "optimal within a
    relative gap of 0.00% (solver.mip_rel_gap = 0)" rather than proven optimal.

    >>> proven_by_abs_gap(11.248913545351776, 11.248914545351777)
    True
    >>> proven_by_abs_gap(11.2489135, 11.2489135 + 2e-6)
    False
    """
    return bound - objective <= HIGHS_ABS_GAP + 1e-9 * max(1.0, abs(objective))


class DirectResolves:
    """What :class:`osa_opt.solving.solver.Solver` adds for re-solves outside Pyomo (a
    mix-in: it uses the Solver's ``opt``, ``model``, ``highs``, ``solves``, ``last`` and its
    Pyomo fallbacks ``fixed_in_highs`` and ``solve_once``)."""

    opt: Any
    model: Any
    solves: int
    last: Outcome | None
    _solution: Any
    highs: Any

    if TYPE_CHECKING:  # the Solver's Pyomo fallbacks, declared for mypy only
        def fixed_in_highs(self, states: dict[str, int]
                           ) -> contextlib.AbstractContextManager[None]: ...

        def solve_once(self) -> Outcome: ...

    def solve_forced(self, states: dict[str, int], sync: bool = True,
                     time_limit: float | None = None) -> Outcome:
        """Re-solve with x[p] forced to 0 or 1 through HiGHS alone (no Pyomo solve: its
        update check, output capture and solution loading cost more than HiGHS itself on a
        small round) and read the funded fractions from HiGHS's columns; the bounds are
        restored after. HiGHS keeps the options of the last solve through Pyomo, without
        its log. Falls back to :meth:`fixed_in_highs` + :meth:`solve_once` whenever HiGHS
        or a column cannot be reached. Afterwards :meth:`values` has nothing to read.
        ``sync=False`` skips sending Pyomo's pending changes first (its update check walks
        the model): only for a caller that made none since the last solve or update.
        ``time_limit`` (seconds) replaces the solver's own for this re-solve when shorter
        (an explanation's time left); a re-solve it stops has status ``time_limit`` or
        ``no_solution``, never ``optimal``."""
        highs = self.highs if self.solves else None
        if highs is None or any(self.model.x[p].fixed for p in states):
            with self.fixed_in_highs(states), self.pyomo_time_limit(time_limit):
                return self.solve_once()
        if sync:
            self.opt.update()  # Pyomo's pending changes first (see fixed_in_highs), then the map
        reader = self.column_map()
        if reader is None:
            with self.fixed_in_highs(states), self.pyomo_time_limit(time_limit):
                return self.solve_once()
        cols = [reader[1][p] for p in states]
        bounds = {c: (float(v), float(v)) for c, v in zip(cols, states.values(), strict=True)}
        t0 = time.perf_counter()
        with highs_access.column_bounds(highs, bounds), highs_access.quiet(highs), \
                self._resolve_options(highs, time_limit):
            highs_access.run_checked(highs)  # read before the bounds go back: a change resets
            # HiGHS's status
            out = self._outcome_of(highs, time.perf_counter() - t0, reader[0])
        self.solves += 1
        self.last, self._solution = out, None
        return out

    def solve_rows(self, rows: list[int], lower: list[float], upper: list[float],
                   time_limit: float | None = None) -> Outcome:
        """Re-solve with HiGHS rows given new bounds (±inf: a side off) through HiGHS alone,
        as :meth:`solve_forced` does for columns (the rule prices: Pyomo would remove and
        re-add the row); the bounds are restored after. ``rows`` from :meth:`rows`, which
        sent Pyomo's pending changes. ``time_limit`` as in :meth:`solve_forced`."""
        highs, reader = self.highs, self.column_map()
        assert highs is not None and reader is not None, "rows() found the rows: HiGHS is loaded"
        t0 = time.perf_counter()
        with highs_access.row_bounds(highs, rows, lower, upper), highs_access.quiet(highs), \
                self._resolve_options(highs, time_limit):
            highs_access.run_checked(highs)  # read before the bounds go back
            out = self._outcome_of(highs, time.perf_counter() - t0, reader[0])
        self.solves += 1
        self.last, self._solution = out, None
        return out

    @contextlib.contextmanager
    def pyomo_time_limit(self, seconds: float | None) -> Iterator[None]:
        """For a re-solve through Pyomo (the fallback of :meth:`solve_forced`, a rule
        question of :mod:`osa_opt.analysis.rule_questions`): Pyomo's time
        limit lowered to ``seconds`` (never raised), then the solver's own again, in Pyomo
        and in HiGHS (Pyomo leaves its last value there, which a direct re-solve would take
        for the solver's own)."""
        config = self.opt.config
        own = config.time_limit
        if seconds is None or own is None:
            yield
            return
        config.time_limit = _shorter(float(own), seconds)
        try:
            yield
        finally:
            config.time_limit = own
            highs = self.highs
            if highs is not None:
                highs.setOptionValue("time_limit", float(own))

    @staticmethod
    def _resolve_options(highs: Any, seconds: float | None) -> Any:
        """For one run: the options of a ranking's re-solves (they start from a solved model;
        about 2.5× faster forced re-solves at 300 × 2, the same answers) and HiGHS's time
        limit lowered to ``seconds`` (never raised)."""
        values = dict(RESOLVE_OPTIONS)
        if seconds is not None:
            own = float(highs_access.option_value(highs, "time_limit"))
            values["time_limit"] = _shorter(own, seconds)
        return highs_access.options(highs, values)

    def row_bounds(self, rows: list[int]) -> tuple[list[float], list[float]]:
        """The current HiGHS bounds of rows (lower, upper), as HiGHS holds them."""
        highs = self.highs
        assert highs is not None
        saved = highs.getRows(len(rows), np.asarray(rows, dtype=np.int32))
        return [float(v) for v in saved[2]], [float(v) for v in saved[3]]

    def column_map(self) -> tuple[list[tuple[str, int, int]], dict[str, int]] | None:
        """``[(project, x column, f column)]`` and project -> x column as loaded now (None
        when the columns cannot be reached). Read afresh each time: Pyomo renumbers the
        columns when a fix or a new variable reloads some (a map kept from before would
        then force the wrong project)."""
        m = self.model
        pairs = list(m.x.items())
        xcols = highs_access.columns_of(self.opt, [v for _, v in pairs])
        fcols = highs_access.columns_of(self.opt, [funded(m, p) for p, _ in pairs])
        if xcols is None or fcols is None:
            return None
        return ([(p, xc, fc) for (p, _), xc, fc in zip(pairs, xcols, fcols, strict=True)],
                {p: xc for (p, _), xc in zip(pairs, xcols, strict=True)})

    def _outcome_of(self, highs: Any, seconds: float, columns: list[tuple[str, int, int]]
                    ) -> Outcome:
        """The Outcome of HiGHS's last run, read from HiGHS itself (as Pyomo would)."""
        import highspy

        ms, info = highs.getModelStatus(), highs.getInfo()
        has_solution = int(info.primal_solution_status) == 2
        kinds = highspy.HighsModelStatus
        if ms == kinds.kOptimal:
            status = Status.OPTIMAL
        elif ms in (kinds.kInfeasible, kinds.kUnboundedOrInfeasible):
            status = Status.INFEASIBLE
        elif ms in (kinds.kTimeLimit, kinds.kIterationLimit, kinds.kInterrupt,
                    kinds.kObjectiveBound, kinds.kObjectiveTarget):
            status = Status.TIME_LIMIT if has_solution else Status.NO_SOLUTION
        elif ms == kinds.kModelEmpty:
            status = Status.OPTIMAL
        else:
            status = Status.ERROR
        out = Outcome(status, termination=str(ms.name), seconds=seconds)
        if not status.has_solution or not has_solution:
            return out
        out.fractions = self.fractions_of(highs.getSolution().col_value, columns)
        out.objective = float(info.objective_function_value)
        bound = float(info.mip_dual_bound)
        out.bound = bound if np.isfinite(bound) else out.objective  # an LP has none
        denom = max(abs(out.objective), 1e-9)
        out.gap = max(0.0, (out.bound - out.objective) / denom)
        if status == Status.OPTIMAL and proven_by_abs_gap(out.objective, out.bound):
            out.gap = 0.0
        return out

    def fractions_of(self, values: Any, columns: list[tuple[str, int, int]] | None = None
                     ) -> dict[str, float]:
        """Funded fractions from HiGHS column values (of this model or its LP copy)."""
        if columns is None:
            reader = self.column_map()
            assert reader is not None
            columns = reader[0]
        units = self.model.osa.units_max
        fractions: dict[str, float] = {}
        for p, xc, fc in columns:
            if values[xc] < 0.5:
                continue
            f = 1.0 if fc == xc else min(1.0, max(0.0, float(values[fc])))
            if p in units:
                f = round(f * units[p]) / units[p]
            fractions[p] = 1.0 if f > 1 - FRACTION_TOL else round(f, 9)
        return fractions

    def lp_relaxation(self) -> LpRelaxation | None:
        """The LP relaxation of the model as loaded now, in a HiGHS of its own (None before
        the first solve or when it has no optimum)."""
        highs = self.highs if self.solves else None
        if highs is None:
            return None
        self.opt.update()
        return LpRelaxation.of(highs)

    def rows(self, constraints: list[Any]) -> list[int] | None:
        """The HiGHS row of each constraint row (None when they cannot be reached)."""
        if not self.solves:
            return None
        self.opt.update()
        return highs_access.rows_of(self.opt, constraints)


def _shorter(own: float, seconds: float) -> float:
    """A re-solve's time limit: ``seconds`` when shorter than the solver's ``own`` (never
    longer), and at least 1 ms."""
    return max(1e-3, min(own, float(seconds)))
