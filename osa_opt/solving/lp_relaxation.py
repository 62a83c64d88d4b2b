"""The LP relaxation of a loaded model in a HiGHS of its own: bounds for the explanations.

Forcing a project in or out (or switching a rule row off) can only lower the best value of
the MIP below that of its LP relaxation with the same change. One LP copy of the model the
persistent solver holds answers those questions in milliseconds: a bound change, a dual
simplex run from the previous basis (warm start), the bound restored. The explanations use
it to prove an answer without a MIP re-solve (a known portfolio reaching the bound, or an
infeasible LP) and, above the exact limit, to report a labelled bound instead of a re-solve
(docs/explain.md, "Bounds on large rounds").

>>> lp = LpRelaxation.of(solver.highs)
>>> round(lp.value, 3) >= round(solver.last.objective, 3)
True
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from osa_opt.solving.highs_access import (
    admitted,
    column_bounds,
    given_solution_rounded_breaks_a_row,
    new_highs,
    option_value,
    row_bounds,
)

#: An LP value this close to a whole number counts as one (HiGHS's mip_feasibility_tolerance),
#: when the solution, so rounded, still keeps every row
#: (``highs_access.given_solution_rounded_breaks_a_row``).
INTEGRAL_TOL = 1e-6


class LpRelaxation:
    """A continuous copy of a HiGHS model; :meth:`with_columns` and :meth:`with_rows`
    re-solve it with some bounds changed and restore them. ``value`` is its optimum."""

    def __init__(self, highs: Any, value: float, integer: np.ndarray) -> None:
        self.highs = highs
        self.value = value
        self.integer = integer  # the MIP's integer columns
        self.solves = 0
        self.integral: np.ndarray | None = None  # the last solution, when integral

    @classmethod
    def of(cls, mip: Any) -> LpRelaxation | None:
        """The LP relaxation of the model ``mip`` (a ``highspy.Highs``) holds, solved once;
        None when it has no optimum (then nothing can be proven from it)."""
        import highspy

        lp = mip.getLp()
        if int(lp.num_col_) == 0:
            return None
        integer = np.flatnonzero(np.asarray(lp.integrality_, dtype=np.uint8) > 0)
        lp.integrality_ = []  # every column continuous
        highs = new_highs()
        highs.setOptionValue("output_flag", False)
        # the MIP's thread count: HiGHS has one thread scheduler per process and refuses a
        # run asking another (highs_access.admitted then resets it), so a copy at 1 thread
        # beside a MIP at 2 reset the scheduler at every other run of the explanations
        highs.setOptionValue("threads", int(option_value(mip, "threads")))
        highs.passModel(lp)
        admitted(highs)
        if highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return None
        return cls(highs, float(highs.getInfo().objective_function_value), integer)

    def _run(self) -> float | None:
        """Re-solve from the last basis; the optimum, ``-inf`` when the LP is infeasible
        (so is the MIP), None when HiGHS ends otherwise (nothing proven). ``integral``
        keeps the solution's column values when its integer columns are whole numbers
        (then it is an optimum of the MIP with the same change), and not when rounding them
        to whole numbers breaks a row: at costs of ¥10^8 million, x = 1 − 10^-7 overspends
        the budget by ¥50 million funded whole (a why-out answer once funded both halves of
        a budget ¥50m short of them)."""
        import highspy

        admitted(self.highs)
        self.solves += 1
        self.integral = None
        status = self.highs.getModelStatus()
        if status == highspy.HighsModelStatus.kOptimal:
            solution = self.highs.getSolution()
            values = np.asarray(solution.col_value, dtype=float)
            part = values[self.integer]
            if np.all(np.abs(part - np.round(part)) <= INTEGRAL_TOL) and not \
                    given_solution_rounded_breaks_a_row(self.highs, values, solution.row_value,
                                                        self.integer):
                self.integral = values  # a MIP solution too: then the MIP's optimum
            return float(self.highs.getInfo().objective_function_value)
        if status == highspy.HighsModelStatus.kInfeasible:
            return -np.inf
        return None

    def with_columns(self, cols: Sequence[int], values: Sequence[float]) -> float | None:
        """The LP optimum with each column of ``cols`` fixed to its value (see :meth:`_run`)."""
        bounds = {int(c): (float(v), float(v)) for c, v in zip(cols, values, strict=True)}
        with column_bounds(self.highs, bounds):
            return self._run()

    def with_rows(self, rows: Sequence[int], lower: Sequence[float], upper: Sequence[float]
                  ) -> float | None:
        """The LP optimum with the rows' bounds replaced (±inf switches a side off)."""
        with row_bounds(self.highs, rows, lower, upper):
            return self._run()
