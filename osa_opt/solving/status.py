"""The Status of a solve and the Outcome the Solver returns: plain data, nothing solves here.

``Status`` and ``FRACTION_TOL`` are re-exported by :mod:`osa_opt.result` (``osa_opt.Status``).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from osa_opt.errors import EXIT_INFEASIBLE, EXIT_NO_SOLUTION, EXIT_OK

#: Fractions closer than this to 0 or 1 are rounded (solver tolerance).
FRACTION_TOL = 1e-6


class Status(enum.StrEnum):
    """Outcome of a solve, mapped in one place (``osa_opt.solving.solver._status_of``)."""

    OPTIMAL = "optimal"          # proven optimal (within mip_rel_gap, 0 by default)
    TIME_LIMIT = "time_limit"    # stopped at the time limit with an incumbent and its gap
    INFEASIBLE = "infeasible"    # the policy cannot be met
    NO_SOLUTION = "no_solution"  # stopped without any feasible portfolio
    ERROR = "error"              # the solver failed for another reason

    @property
    def exit_code(self) -> int:
        return {
            Status.OPTIMAL: EXIT_OK,
            Status.TIME_LIMIT: EXIT_OK,
            Status.INFEASIBLE: EXIT_INFEASIBLE,
            Status.NO_SOLUTION: EXIT_NO_SOLUTION,
            Status.ERROR: EXIT_NO_SOLUTION,
        }[self]

    @property
    def has_solution(self) -> bool:
        return self in (Status.OPTIMAL, Status.TIME_LIMIT)

    @property
    def settled(self) -> bool:
        """Did the solve settle its question: a proven optimum, or proven infeasible? (A
        solve stopped by a time limit, or failed, settles nothing: its best portfolio so
        far is not its optimum, and finding none does not mean there is none.)

        >>> Status.INFEASIBLE.settled, Status.TIME_LIMIT.settled
        (True, False)
        """
        return self in (Status.OPTIMAL, Status.INFEASIBLE)


@dataclass
class Outcome:
    """One solve: status, objective, bound, gap, funded fractions and wall-clock seconds."""

    status: Status
    objective: float | None = None
    bound: float | None = None
    gap: float | None = None
    fractions: dict[str, float] = field(default_factory=dict)
    seconds: float = 0.0
    termination: str = ""

    @property
    def funded_ids(self) -> frozenset[str]:
        return frozenset(self.fractions)
