"""How the rule prices ask "what would switching these rows off (or re-bounding them) gain?".

:class:`ExactQuestions` re-solves the MIP with the rows switched off or re-bounded in Pyomo
(an exact gain). :class:`BoundQuestions`, for rounds above the exact limit, asks the LP
relaxation instead (:class:`osa_opt.solving.lp_relaxation.LpRelaxation`: the rows' bounds
changed in a HiGHS of its own, milliseconds each): ``LP − value of portfolio 1`` is an upper
bound on the gain, exact when it is zero (the MIP cannot gain either) or when the LP's
optimum is a portfolio. Each answer says which it is (``basis``).
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pyomo.core as pyo  # not pyomo.environ: its plugins cost start-up time

from osa_opt.analysis.rule_rows import TOL, rebound, switched_off
from osa_opt.analysis.why_proofs import LP_BOUND, PROOF, RESOLVE
from osa_opt.solving.lp_relaxation import LpRelaxation
from osa_opt.solving.solver import Solver


@dataclass
class Gain:
    """A gain over portfolio 1 (None: no portfolio found) and how it was obtained."""

    value: float | None
    basis: str | None


class ExactQuestions:
    """Every question a MIP re-solve on the persistent solver; the model restored after."""

    def __init__(self, solver: Solver, base: float) -> None:
        self.solver, self.base = solver, base

    def _gain(self) -> Gain:
        out = self.solver.solve_once()
        if not out.status.has_solution or out.objective is None:
            return Gain(None, RESOLVE)
        return Gain(_rounded(float(out.objective) - self.base, self.base), RESOLVE)

    def off(self, cons: Sequence[Any]) -> Gain:
        with switched_off(list(cons)):
            return self._gain()

    def rebound(self, changes: Sequence[tuple[Any, float | None, float | None]]) -> Gain:
        with contextlib.ExitStack() as stack:
            for con, lower, upper in changes:
                stack.enter_context(rebound(con, lower, upper))
            return self._gain()


class BoundQuestions:
    """Every question the LP relaxation with the rows' bounds changed: a bound on the gain,
    exact when it is 0 or the LP's optimum is whole. Falls back to :class:`ExactQuestions`
    for a row HiGHS's row map cannot reach."""

    def __init__(self, solver: Solver, base: float, lp: LpRelaxation) -> None:
        self.solver, self.base, self.lp = solver, base, lp
        self.exact = ExactQuestions(solver, base)

    def _ask(self, cons: Sequence[Any], bounds: list[tuple[float, float]]) -> Gain | None:
        rows = self.solver.rows(list(cons))
        if rows is None:
            return None
        value = self.lp.with_rows(rows, [b[0] for b in bounds], [b[1] for b in bounds])
        if value is None:
            return None
        if value == -math.inf:
            return Gain(None, PROOF)  # not even the LP has a portfolio
        gain = _rounded(max(0.0, value - self.base), self.base)
        return Gain(gain, PROOF if gain == 0.0 or self.lp.integral is not None else LP_BOUND)

    def off(self, cons: Sequence[Any]) -> Gain:
        inf = math.inf
        return self._ask(cons, [(-inf, inf)] * len(cons)) or self.exact.off(cons)

    def rebound(self, changes: Sequence[tuple[Any, float | None, float | None]]) -> Gain:
        cons = [c for c, _, _ in changes]
        rows = self.solver.rows(cons)
        if rows is None:
            return self.exact.rebound(changes)
        saved = self.lp.highs.getRows(len(rows), _int32(rows))  # (status, n, lower, upper, nnz)
        bounds = []
        for i, (con, lower, upper) in enumerate(changes):
            # HiGHS holds a row as lower − constant ≤ Σ a·x ≤ upper − constant: shift the
            # new bound by the same amount as the old one
            lo, up = float(saved[2][i]), float(saved[3][i])
            if lower is not None:
                lo += float(lower) - float(pyo.value(con.lower))
            if upper is not None:
                up += float(upper) - float(pyo.value(con.upper))
            bounds.append((lo, up))
        return self._ask(cons, bounds) or self.exact.rebound(changes)


def _int32(rows: list[int]) -> Any:
    import numpy as np

    return np.asarray(rows, dtype=np.int32)


def _rounded(gain: float, base: float) -> float:
    """A gain within the tolerance of 0 is 0."""
    return 0.0 if abs(gain) <= TOL * max(1.0, abs(base)) else gain
