"""Answers to "what if this project were forced the other way" that need no MIP re-solve.

Two facts bracket the best value ``v*`` of portfolio 1's MIP with one project forced:

- an **upper bound** ``u``: the LP relaxation with the same column fixed
  (:class:`osa_opt.solving.lp_relaxation.LpRelaxation`, warm-started, milliseconds), and
  portfolio 1's own proven bound; an infeasible LP proves that no portfolio can force it;
- a **known portfolio** ``k`` that already has the project the other way: a ranked
  portfolio of the result or the answer of an earlier re-solve, so ``value(k) ≤ v*``.

When ``value(k) ≥ u − tol`` (``tol`` the optimality tolerance HiGHS itself stops at:
``max(mip_abs_gap, mip_rel_gap·|u|)``) the known portfolio *is* an optimum of the forced
MIP, with the same guarantee as a re-solve: the answer is exact ("proof"). Otherwise the
exact path re-solves, and above the exact limit the LP bound is reported as such
("lp bound": the loss is at least that much).

>>> proofs = Proofs(solver, result)
>>> proofs.answer("P-17", forced_in=True, need_bound=True).basis   # the LP's optimum is whole
'proof'
>>> answer = proofs.answer("P-02", forced_in=False, need_bound=True)
>>> answer.basis, round(answer.bound, 3)          # dropping P-02: worth at most 168.072
('lp bound', 168.072)
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from osa_opt.solving.solver import HIGHS_ABS_GAP

if TYPE_CHECKING:
    from osa_opt.result import Result
    from osa_opt.solving.lp_relaxation import LpRelaxation
    from osa_opt.solving.solver import Solver

#: Up to this many eligible projects why-in/why-out and rule prices are exact for every
#: project and rule; above it a value change that no proof settles is the LP bound,
#: labelled as one. Exact costs a MIP re-solve per unproven project (one solve or more:
#: about 0.1 s at 300 × 2, 1 s at 1,000 × 3, 8–11 s at 10,000 × 3); a bound costs an LP re-solve
#: from a warm basis (1–6 ms).
EXACT_LIMIT = 300

#: How a value change was obtained: the first two are exact, the third a bound.
RESOLVE, PROOF, LP_BOUND = "re-solve", "proof", "lp bound"


def above_exact_limit(limit: int) -> str:
    """Why an answer is an LP bound when the round has more than ``limit`` eligible
    projects, in the words of why-in/why-out and the rule prices alike.

    >>> above_exact_limit(300)
    'with more than 300 eligible projects it was not re-solved'
    """
    return f"with more than {limit:,} eligible projects it was not re-solved"


@dataclass
class Known:
    """A feasible portfolio of the model: its value and funded fractions."""

    objective: float
    fractions: dict[str, float]


@dataclass
class Answer:
    """What the bounds say about one forcing. ``basis`` is ``"proof"`` (``known`` is an
    optimum of the forced MIP), ``"infeasible"`` (no portfolio can force it: the LP has
    none), ``"lp bound"`` (``bound`` is an upper bound on the forced value; ``known``, if
    any, the best portfolio seen with it forced) or None (nothing proven: re-solve)."""

    basis: str | None
    bound: float | None = None
    known: Known | None = None


@dataclass
class Proofs:
    """Known portfolios and the LP relaxation of one solver, for one reference portfolio."""

    solver: Solver
    result: Result
    lp: LpRelaxation | None = None
    best_in: dict[str, Known] = field(default_factory=dict)   # best known funding p
    best_out: dict[str, Known] = field(default_factory=dict)  # best known without p
    lp_solves: int = 0

    def __post_init__(self) -> None:
        best = self.result.best
        assert best is not None
        self.base = float(best.objective)
        self.funded = set(best.fractions)
        # portfolio 1's own proven bound caps every forced value (HiGHS's dual bound)
        self.top = float(best.bound) if best.bound is not None and math.isfinite(best.bound) \
            else math.inf
        self.rel_gap = float(self.solver.opt.config.rel_gap or 0.0)
        self.lp = self.solver.lp_relaxation()
        # the columns as the LP copy has them (Pyomo may renumber its own later)
        columns = self.solver.column_map() if self.lp is not None else None
        self.columns = columns[0] if columns is not None else []
        self.column_of = columns[1] if columns is not None else {}
        if columns is None:
            self.lp = None
        for portfolio in self.result.portfolios[1:]:  # feasible portfolios of this model
            self.add(float(portfolio.objective), dict(portfolio.fractions))

    def add(self, objective: float, fractions: dict[str, float]) -> None:
        """Remember a feasible portfolio (a ranked one, or the answer of a re-solve)."""
        known = Known(objective, fractions)
        for p in fractions:
            if p not in self.funded and (p not in self.best_in
                                         or objective > self.best_in[p].objective):
                self.best_in[p] = known
        for p in self.funded:
            if p not in fractions and (p not in self.best_out
                                       or objective > self.best_out[p].objective):
                self.best_out[p] = known

    def with_known(self, pid: str, forced_in: bool, answer: Answer) -> Answer:
        """An LP-bound ``answer`` again, with the best portfolio now known that forces
        ``pid`` that way (a re-solve stopped by a time limit may have found one since): a
        proof when that portfolio reaches the bound, else the bound with it (feasible)."""
        known = (self.best_in if forced_in else self.best_out).get(pid)
        if known is None or answer.bound is None:
            return answer
        if known.objective >= answer.bound - self.tol(answer.bound):
            return Answer(PROOF, known.objective, known)
        return Answer(LP_BOUND, answer.bound, known)

    def tol(self, value: float) -> float:
        """The optimality tolerance HiGHS stops a MIP at (mip_abs_gap, mip_rel_gap)."""
        return max(HIGHS_ABS_GAP, self.rel_gap * abs(value))

    def answer(self, pid: str, forced_in: bool, need_bound: bool = False) -> Answer:
        """What can be said of forcing ``pid`` in (or out) without a MIP re-solve;
        ``need_bound`` computes the LP bound even when no known portfolio could meet it."""
        known = (self.best_in if forced_in else self.best_out).get(pid)
        if known is not None and known.objective >= self.top - self.tol(self.top):
            return Answer(PROOF, known.objective, known)  # as good as portfolio 1's bound
        if self.lp is None or (known is None and not need_bound):
            return Answer(None, None, known)
        bound = self.lp.with_columns([self.column_of[pid]], [1.0 if forced_in else 0.0])
        self.lp_solves += 1
        if bound is None:
            return Answer(None, None, known)
        if bound == -math.inf:
            return Answer("infeasible", None, None)
        if self.lp.integral is not None:  # the LP's optimum is a portfolio: the MIP's too
            found = Known(bound, self.solver.fractions_of(self.lp.integral, self.columns))
            self.add(found.objective, found.fractions)
            return Answer(PROOF, found.objective, found)
        bound = min(bound, self.top)
        if known is not None and known.objective >= bound - self.tol(bound):
            return Answer(PROOF, known.objective, known)
        return Answer(LP_BOUND, bound, known)
