"""How the rule prices ask "what would switching these rows off (or re-bounding them) gain?".

:class:`ExactQuestions` re-solves the MIP with the rows' bounds changed in HiGHS (an exact
gain; Pyomo's deactivation would remove the row and add it back). :class:`BoundQuestions`, for rounds above the exact limit, asks the LP
relaxation instead (:class:`osa_opt.solving.lp_relaxation.LpRelaxation`: the rows' bounds
changed in a HiGHS of its own, milliseconds each): ``LP − value of portfolio 1`` is an upper
bound on the gain, exact when it is zero (the MIP cannot gain either) or when the LP's
optimum is a portfolio. Each answer says which it is (``basis``) and, when it is a bound or
not known, why (``reason``): above the exact limit, its re-solve stopped by a time limit,
or not tried because ``solver.explain_time_limit`` had run out. One :class:`ExplainClock`
times every re-solve of an analysis, :class:`BoundQuestions`' fallbacks included.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import pyomo.core as pyo  # not pyomo.environ: its plugins cost start-up time

from osa_opt.analysis.explain_clock import ExplainClock
from osa_opt.analysis.rule_rows import TOL, rebound, switched_off
from osa_opt.analysis.why_proofs import LP_BOUND, PROOF, RESOLVE, above_exact_limit
from osa_opt.solving.lp_relaxation import LpRelaxation
from osa_opt.solving.solver import Outcome, Solver


@dataclass
class Gain:
    """A gain over portfolio 1 (None: no portfolio found, or not known when ``basis`` is
    None), how it was obtained, and why it is a bound or not known (None: exact)."""

    value: float | None
    basis: str | None
    reason: str | None = None


class ExactQuestions:
    """Every question a MIP re-solve on the persistent solver: the rows' bounds changed in
    HiGHS directly (:meth:`Solver.solve_rows`) or, when HiGHS's row map cannot be reached,
    the rows switched off or re-bounded in Pyomo (a fresh solver's first question, which
    loads the model); restored after either way. A direct re-solve runs for the time
    ``clock`` has left; once it is spent, or when a time limit stops a re-solve (direct or
    through Pyomo), the answer is the LP relaxation's (as :class:`BoundQuestions`)."""

    def __init__(self, solver: Solver, base: float, clock: ExplainClock | None = None) -> None:
        self.solver, self.base = solver, base
        self._direct_ok = False  # HiGHS's columns reached once: they stay reachable
        self.clock = clock if clock is not None else ExplainClock(None)
        self._lp: LpRelaxation | None = None  # made when a time limit first needs it

    @property
    def direct(self) -> bool:
        """Can the rows be re-bounded in HiGHS? Asked again until they can: a fresh solver
        has nothing loaded before its first solve."""
        if not self._direct_ok:
            self._direct_ok = self.solver.solves > 0 and self.solver.column_map() is not None
        return self._direct_ok

    def _gain(self, out: Outcome) -> Gain:
        if not out.status.has_solution or out.objective is None:
            return Gain(None, RESOLVE)
        return Gain(_rounded(float(out.objective) - self.base, self.base), RESOLVE)

    def _rows(self, cons: Sequence[Any]) -> list[int] | None:
        return self.solver.rows(list(cons)) if self.direct else None

    def _direct(self, rows: list[int], lower: list[float], upper: list[float]) -> Gain:
        if self.clock.spent:
            return self._bound(rows, lower, upper, tried=False)
        out = self.solver.solve_rows(rows, lower, upper, time_limit=self.clock.left())
        if out.status.settled:
            return self._gain(out)
        return self._bound(rows, lower, upper)

    def _bound(self, rows: list[int] | None, lower: list[float], upper: list[float],
               tried: bool = True) -> Gain:
        """The LP relaxation's answer once a re-solve could not settle the question
        (``tried``: it was stopped) or the time ran out before it was tried (no answer when
        the rows or the LP cannot be reached); a bound says why it is one."""
        reason = self.clock.reason(self.solver.time_limit, tried)
        if rows is None:
            self.clock.timed_out += 1
            return Gain(None, None, reason)
        if self._lp is None:
            self._lp = self.solver.lp_relaxation()
        gain = (None if self._lp is None
                else lp_gain(self._lp, self.base, rows, lower, upper, reason))
        if gain is None or gain.basis != PROOF:
            self.clock.timed_out += 1
        return gain if gain is not None else Gain(None, None, reason)

    def off(self, cons: Sequence[Any]) -> Gain:
        return self._ask(cons, lambda rows: _free(len(rows)), lambda: switched_off(list(cons)))

    def rebound(self, changes: Sequence[tuple[Any, float | None, float | None]]) -> Gain:
        @contextlib.contextmanager
        def in_pyomo() -> Iterator[None]:
            with contextlib.ExitStack() as stack:
                for con, lo, up in changes:
                    stack.enter_context(rebound(con, lo, up))
                yield

        return self._ask([c for c, _, _ in changes],
                         lambda rows: _shifted(self.solver, rows, changes), in_pyomo)

    def _ask(self, cons: Sequence[Any],
             bounds: Callable[[list[int]], tuple[list[float], list[float]]],
             in_pyomo: Callable[[], contextlib.AbstractContextManager[Any]]) -> Gain:
        """One question: the rows' new HiGHS ``bounds`` in HiGHS directly, or else the
        change ``in_pyomo`` made through Pyomo (and, when that re-solve settles nothing, or
        the time ran out before it, the LP's answer on the rows the model has loaded). Only
        a fresh solver's first question re-solves once the time is spent: it loads the
        model, without which no question has even an LP answer."""
        rows = self._rows(cons)
        if rows is not None:
            return self._direct(rows, *bounds(rows))
        tried = not self.clock.spent or not self.solver.solves
        if tried:
            with in_pyomo(), self.solver.pyomo_time_limit(self.clock.left()):
                out = self.solver.solve_once()
            if out.status.settled:
                return self._gain(out)
        rows = self.solver.rows(list(cons))  # the model is loaded: the LP may answer
        if rows is None:
            return self._bound(None, [], [], tried)
        return self._bound(rows, *bounds(rows), tried=tried)


class BoundQuestions:
    """Every question the LP relaxation with the rows' bounds changed: a bound on the gain,
    exact when it is 0 or the LP's optimum is whole (above ``exact_limit`` eligible
    projects). Falls back to :class:`ExactQuestions`, on the analysis's ``clock``, for a row
    HiGHS's row map cannot reach or a question the LP cannot answer."""

    def __init__(self, solver: Solver, base: float, lp: LpRelaxation, exact_limit: int,
                 clock: ExplainClock | None = None) -> None:
        self.solver, self.base, self.lp = solver, base, lp
        self.exact = ExactQuestions(solver, base, clock)
        self.reason = above_exact_limit(exact_limit)

    def _ask(self, rows: list[int], lower: list[float], upper: list[float]) -> Gain | None:
        return lp_gain(self.lp, self.base, rows, lower, upper, self.reason)

    def off(self, cons: Sequence[Any]) -> Gain:
        rows = self.solver.rows(list(cons))
        gain = None if rows is None else self._ask(rows, *_free(len(rows)))
        return gain or self.exact.off(cons)

    def rebound(self, changes: Sequence[tuple[Any, float | None, float | None]]) -> Gain:
        rows = self.solver.rows([c for c, _, _ in changes])
        gain = None if rows is None else self._ask(rows, *_shifted(self.solver, rows, changes))
        return gain or self.exact.rebound(changes)


def lp_gain(lp: LpRelaxation, base: float, rows: list[int], lower: list[float],
            upper: list[float], reason: str) -> Gain | None:
    """The LP relaxation's answer with the rows re-bounded: exact ("proof") when it is 0, when
    not even the LP has a portfolio, or when the LP's optimum is whole; else an upper bound
    on the gain ("lp bound", with ``reason``: why it was not re-solved). None when the LP
    cannot answer."""
    value = lp.with_rows(rows, lower, upper)
    if value is None:
        return None
    if value == -math.inf:
        return Gain(None, PROOF)  # not even the LP has a portfolio
    gain = _rounded(max(0.0, value - base), base)
    if gain == 0.0 or lp.integral is not None:
        return Gain(gain, PROOF)
    return Gain(gain, LP_BOUND, reason)


def _free(n: int) -> tuple[list[float], list[float]]:
    """The HiGHS bounds of ``n`` rows switched off: no side."""
    return [-math.inf] * n, [math.inf] * n


def _shifted(solver: Solver, rows: list[int],
             changes: Sequence[tuple[Any, float | None, float | None]]
             ) -> tuple[list[float], list[float]]:
    """New HiGHS bounds of rows re-bounded in Pyomo's terms: HiGHS holds a row as
    lower − constant ≤ Σ a·x ≤ upper − constant, so each new bound moves by as much as it
    differs from the old one."""
    lower, upper = solver.row_bounds(rows)
    for i, (con, lo, up) in enumerate(changes):
        if lo is not None:
            lower[i] += float(lo) - float(pyo.value(con.lower))
        if up is not None:
            upper[i] += float(up) - float(pyo.value(con.upper))
    return lower, upper


def _rounded(gain: float, base: float) -> float:
    """A gain within the tolerance of 0 is 0."""
    return 0.0 if abs(gain) <= TOL * max(1.0, abs(base)) else gain
