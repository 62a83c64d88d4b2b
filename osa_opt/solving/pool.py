"""The feasible portfolios HiGHS meets while a ranking runs: a lower bound on the next one.

Each MIP solve of a ranking reports every feasible solution it finds (HiGHS's
``kCallbackMipSolution``; :func:`osa_opt.solving.highs_access.recording_solutions`): on a
1,000×3 round a single re-solve reports about a hundred, most within a few units of its
optimum. After portfolio ``k`` is found, every recorded solution whose funded projects differ
from each of portfolios 1..k in at least ``min_difference`` projects is feasible for the next
re-solve (the cuts are the only rows a ranking adds, and the floor row only ever narrows),
so the best of them is worth at most the next portfolio: its value ``c`` is a proven lower
bound on it. :meth:`Solver.ranked` gives that solution to HiGHS as its starting incumbent and
keeps the floor (:class:`osa_opt.solving.value_bound.NearOptimalFloor`) from widening below
it.

A solution's funded projects are read from its ``x`` columns (funded when ``x ≥ 0.5``, as
:meth:`Solver.read_fractions` does); its value is HiGHS's report, checked against the
objective loaded in HiGHS (Pyomo's objective) before it is offered, and the lower of the two
is used.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from osa_opt.solving.highs_access import columns_of, highs_of

#: The most distinct candidate portfolios kept between two solves (each with every column's
#: value: at 100,000 projects about 2 MB each).
KEEP = 12


class PortfolioPool:
    """Feasible portfolios recorded during a ranking's solves on the persistent ``opt``.

    Pass :meth:`record` to :func:`~osa_opt.solving.highs_access.recording_solutions`, tell
    :meth:`found` each portfolio of the ranking, and ask :meth:`best` for the best recorded
    portfolio that differs enough from all of them.
    """

    def __init__(self, opt: Any, model: Any, min_difference: int) -> None:
        self.opt, self.model, self.min_difference = opt, model, min_difference
        self.candidates: dict[bytes, tuple[float, np.ndarray]] = {}  # funded pattern -> best
        self.portfolios: list[np.ndarray] = []  # funded patterns of the found portfolios
        self.recorded = 0
        self._x_cols: np.ndarray | None = None
        self._usable = True
        self._objective: tuple[np.ndarray, float] | None = None  # (costs, offset) in HiGHS

    def _columns(self) -> np.ndarray | None:
        """The HiGHS column of each ``x[p]`` (in the model's order of ``x``), or None."""
        if self._x_cols is None and self._usable:
            cols = columns_of(self.opt, list(self.model.x.values()))
            self._usable = cols is not None
            if cols is not None:
                self._x_cols = np.asarray(cols, dtype=np.int64)
        return self._x_cols

    def record(self, objective: float, values: np.ndarray) -> None:
        """One feasible solution HiGHS reported (called inside HiGHS's solve: no HiGHS call)."""
        self.recorded += 1
        cols = self._columns()
        if cols is None or len(values) <= int(cols.max(initial=-1)):
            return
        pattern = values[cols] >= 0.5
        if self._too_close(pattern):
            return
        key = np.packbits(pattern).tobytes()
        known = self.candidates.get(key)
        if known is None or objective > known[0]:
            self.candidates[key] = (objective, values)
            if len(self.candidates) > 2 * KEEP:
                self._prune()

    def _prune(self) -> None:
        best = sorted(self.candidates.items(), key=lambda kv: kv[1][0], reverse=True)
        self.candidates = dict(best[:KEEP])

    def _too_close(self, pattern: np.ndarray) -> bool:
        return any(self._close(pattern, found) for found in self.portfolios)

    def _close(self, a: np.ndarray, b: np.ndarray) -> bool:
        """Whether funded patterns ``a`` and ``b`` differ in fewer than min_difference
        projects (the no-good cut between them would exclude one of them)."""
        return int(np.count_nonzero(a != b)) < self.min_difference

    def found(self, funded_ids: frozenset[str]) -> None:
        """Portfolio ``k`` of the ranking (its no-good cut is on the model)."""
        if self._columns() is None:
            return
        pattern = np.array([p in funded_ids for p in self.model.x], dtype=bool)
        self.portfolios.append(pattern)
        # a candidate too close to a found portfolio can never be offered again
        for key in list(self.candidates):
            other = np.unpackbits(np.frombuffer(key, dtype=np.uint8))[:len(pattern)]
            if self._close(other.astype(bool), pattern):
                del self.candidates[key]

    def best(self) -> tuple[float, np.ndarray] | None:
        """(value, column values) of the best recorded portfolio that differs from every
        found one in at least ``min_difference`` projects, or None."""
        if not self.candidates:
            return None
        if self._objective is None:
            highs = highs_of(self.opt)
            if highs is None:
                return None
            lp = highs.getLp()  # the objective HiGHS holds (a ranking never changes it)
            self._objective = (np.asarray(lp.col_cost_, dtype=float), float(lp.offset_))
        cost, offset = self._objective
        objective, values = max(self.candidates.values(), key=lambda vc: vc[0])
        if len(cost) != len(values):
            return None
        return min(offset + float(np.dot(cost, values)), objective), values
