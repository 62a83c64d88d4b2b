"""The rows that keep a project out: those portfolio 1 would break with the project added.

Portfolio 1 meets every row of the model. Add one project left out of it, at the least
share it can be funded at (all of it, or ``min_funding``, or ``units_min`` of its
``units_max`` whole units), and some rows break: a year's budget, a partner's cap, a tier
share, an exclusive group, a requirement, a row of an extension. Those rows are what keep it
out of portfolio 1 as it is (the re-solve with it forced in then shows what has to leave to
make room). Each row's activity at portfolio 1 is worked out once from its linear terms, and
a project's effect is read from its own columns, so a whole round costs about one pass over
the model's rows (no re-solve).

A row is judged only when every variable in it is one whose value follows from the
portfolio (``x``, ``f``, and ``z``/``w``, 1 when the partner receives a project): a row of
an extension over a variable of its own is left out rather than guessed.

>>> from osa_opt.analysis.why_rows import BlockingRows
>>> rows = BlockingRows(solver.model, result.best.fractions)
>>> rows.blocked_by("P-17")
['budget[FY2026]']
>>> rows.blocked_by("P-03")
['budget[FY2026]', 'exclusive[Aurelia patrol boats]']
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from pyomo.repn import generate_standard_repn

from osa_opt.analysis.rule_rows import (
    PORTFOLIO_VARIABLES,
    TOL,
    Rule,
    portfolio_value,
    rule_rows,
)

#: The link rows that are rules a user sets in the projects sheet: a requirement and an
#: exclusive group keep a project out as a budget does (the other links define variables).
RULE_LINKS = ("requires", "exclusive")


class BlockingRows:
    """The rule rows of ``model`` at the portfolio ``fractions`` (project id -> funded share),
    ready to say which ones a project added to it would break."""

    def __init__(self, model: Any, fractions: Mapping[str, float]) -> None:
        data = model.osa
        self.min_funding: dict[str, float] = data.min_funding
        self.country: dict[str, str] = data.country
        self.funded = dict(fractions)
        self.partners = {self.country[p] for p in fractions if p in self.country}
        links = [Rule(name, index) for name in RULE_LINKS
                 if getattr(model, name, None) is not None and getattr(model, name).active
                 for index, row in getattr(model, name).items() if row.active]
        self.rows: list[tuple[Rule, float, float | None, float | None]] = []
        self.by_var: dict[tuple[str, Any], list[tuple[int, float]]] = defaultdict(list)
        for rule in [*rule_rows(model), *links]:
            self._add(rule, rule.constraint(model))

    def _add(self, rule: Rule, con: Any) -> None:
        repn = generate_standard_repn(con.body, compute_values=True)
        terms = [(v.parent_component().local_name, v.index(), float(c))
                 for v, c in zip(repn.linear_vars, repn.linear_coefs, strict=True)]
        if repn.nonlinear_expr is not None or any(n not in PORTFOLIO_VARIABLES for n, _, _ in terms):
            return  # a variable of the user's own: its value does not follow from a portfolio
        activity = float(repn.constant or 0.0)
        for name, index, coef in terms:
            activity += coef * portfolio_value(name, index, self.funded, self.partners)
        k = len(self.rows)
        lower = float(con.lb) if con.has_lb() else None
        upper = float(con.ub) if con.has_ub() else None
        self.rows.append((rule, activity, lower, upper))
        for name, index, coef in terms:
            self.by_var[(name, index)].append((k, coef))

    def blocked_by(self, pid: str) -> list[str]:
        """The rows portfolio 1 would break with ``pid`` added at its least share, in the
        model's order (empty for a funded project or one without a column)."""
        if pid in self.funded or pid not in self.min_funding:
            return []
        change: dict[int, float] = defaultdict(float)
        for k, coef in self.by_var.get(("x", pid), ()):
            change[k] += coef
        for k, coef in self.by_var.get(("f", pid), ()):
            change[k] += coef * self.min_funding[pid]
        if self.country[pid] not in self.partners:  # a new partner: it now receives one
            for name in ("z", "w"):
                for k, coef in self.by_var.get((name, self.country[pid]), ()):
                    change[k] += coef
        broken = []
        for k in sorted(change):
            rule, activity, lower, upper = self.rows[k]
            after = activity + change[k]
            if (upper is not None and after > upper + TOL * max(1.0, abs(upper))) or \
                    (lower is not None and after < lower - TOL * max(1.0, abs(lower))):
                broken.append(rule.name)
        return broken
