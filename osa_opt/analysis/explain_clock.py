"""How long the exact re-solves of one explanation may take (``solver.explain_time_limit``).

Why-in/why-out re-solves once per project no proof settles, the rule prices once or twice
per rule. On an easy round each re-solve takes milliseconds; on a hard one (a tight
multidimensional knapsack of 100 projects) each takes 10 s or more, and exact answers for
every project would take most of an hour. So each analysis gets a time limit, counted from
its start: every exact re-solve may run for the time left (or the solver's own
``solver.time_limit`` when that is shorter), and once the time is spent, or when a re-solve
stops before it has proven its answer, the answer is the LP bound, labelled ``"lp bound"``
as above the exact limit. Which answers are exact then depends on the machine's speed, as
with any time limit; the portfolios do not.

>>> clock = ExplainClock(120.0)
>>> clock.spent, clock.left() <= 120.0
(False, True)
>>> ExplainClock(None).left() is None
True
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from osa_opt.text import number


@dataclass
class ExplainClock:
    """Seconds one analysis may spend on exact re-solves (None: no limit), from its start,
    and how many answers it had to leave as bounds because the time ran out."""

    seconds: float | None
    start: float = field(default_factory=time.perf_counter)
    timed_out: int = 0

    def left(self) -> float | None:
        """Seconds left for re-solves (None: no limit)."""
        if self.seconds is None:
            return None
        return max(0.0, self.seconds - (time.perf_counter() - self.start))

    @property
    def spent(self) -> bool:
        left = self.left()
        return left is not None and left <= 0.0

    def reason(self, time_limit: float, tried: bool = True) -> str:
        """Why an answer within the exact limit is a bound, in words: its re-solve was
        stopped (``tried``), or the time had run out before it was tried."""
        if not tried and self.seconds is not None:
            return (f"it was not re-solved: solver.explain_time_limit of "
                    f"{number(self.seconds)} s in all had run out")
        whole = (f" and solver.explain_time_limit of {number(self.seconds)} s in all"
                 if self.seconds is not None else "")
        return (f"it could not be re-solved within solver.time_limit of {number(time_limit)} s "
                f"per solve{whole}")
