"""Why in, why out: what forcing each project the other way would cost, and what it moves.

For every eligible project left out of portfolio 1 the persistent solver re-solves with
``x[p]`` fixed to 1; for every funded project, with ``x[p]`` fixed to 0. The difference in
best value is the project's price; the projects that leave or join the portfolio are what
it would displace or what would replace it. Ineligible projects get their eligibility
reasons. One model, one solver, one re-solve per project; the model is restored each time.

>>> from osa_opt.analysis.why import explain_portfolio, explain_project
>>> why = explain_portfolio(result, solver)
>>> why.explain("P-20")["message"]
'Funded. Dropping it would lose 1.8% of portfolio value (3.024 of 171.239): the best portfolio without it funds P-13 instead and also drops P-14.'
"""

from __future__ import annotations

import copy
import math
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

import pandas as pd

from osa_opt.analysis.base import Analysis
from osa_opt.analysis.explain_clock import ExplainClock
from osa_opt.analysis.rule_rows import TOL, ranking_cuts, switched_off
from osa_opt.analysis.why_obstacles import Obstacles
from osa_opt.analysis.why_proofs import (
    EXACT_LIMIT,
    LP_BOUND,
    PROOF,
    RESOLVE,
    Answer,
    Known,
    Proofs,
    above_exact_limit,
)
from osa_opt.analysis.why_rows import BlockingRows
from osa_opt.errors import OsaError
from osa_opt.inputs.eligibility import forced_out_only
from osa_opt.inputs.forced import forced_projects
from osa_opt.inputs.keys import key as spelling_key
from osa_opt.result import NOT_SELECTED
from osa_opt.result.facts import is_room, rule_words
from osa_opt.solving.solver import Solver
from osa_opt.solving.status import Outcome
from osa_opt.text import (
    closest_ids,
    fixed,
    id_list,
    json_number,
    percent,
    percents_apart,
    share_text,
    value_shown,
    yen,
)

if TYPE_CHECKING:
    from osa_opt.inputs.problem import Problem
    from osa_opt.result import Result

GENERIC_REASON = NOT_SELECTED




def _least_percent(share: float) -> str:
    """A lower bound on a loss as a percentage, cut down, never rounded up, so "at least"
    stays true: one decimal, three below 0.1%, and below 0.001% as many as its first digit
    needs (an LP bound of 0.013 in a 2,000-project round's 8,002.931 read "at least
    0.000%"; one of 0.031 in 3,895.018, 0.0008%, read "at least 0.001%").

    >>> _least_percent(0.0129), _least_percent(0.00034), _least_percent(0.000007981)
    ('1.2%', '0.034%', '0.0007%')
    """
    if not share > 0:
        return percent(share, 3)
    digits = 1 if share >= 0.001 else max(3, math.ceil(-math.log10(100 * share)))
    return percent(math.floor(100 * share * 10 ** digits + 1e-9) / 10 ** (digits + 2), digits)


def _blocked_sentence(names: list[str]) -> str:
    """" Portfolio 1 with it added would break budget[FY2026] and country_cap[Lumaris]."
    (the first five rows named; "" for none)."""
    return f" Portfolio 1 with it added would break {id_list(names, limit=5)}." if names else ""


class UnknownProjectError(OsaError):
    """A project id that is not in the projects sheet (exit code 2, with a suggestion)."""


def find_project(problem: Problem, project_id: str) -> str:
    """The project id as in the input; an unknown id raises with a "did you mean" hint.

    >>> find_project(problem, " P-17 ")
    'P-17'
    >>> find_project(problem, "p-17")
    Traceback (most recent call last):
    ...
    osa_opt.analysis.why.UnknownProjectError: unknown project id 'p-17' (not in the projects sheet); did you mean 'P-17'?
    >>> find_project(problem, "Ｐ－１７")
    Traceback (most recent call last):
    ...
    osa_opt.analysis.why.UnknownProjectError: unknown project id 'Ｐ－１７' (not in the projects sheet); did you mean 'P-17'?
    """
    project_id = str(project_id)  # 17 for "17": the hint then finds 'P-17'
    ids = [str(p) for p in problem.input_projects.index]
    if project_id.strip() in ids:  # ids in the sheet are stripped; a pasted one may not be
        return project_id.strip()
    typed = spelling_key(project_id)  # capitals, width, a lookalike dash: Ｐ－０１ is P-01
    folded = [p for p in ids if spelling_key(p) == typed]
    close = folded or closest_ids(project_id, ids)
    hint = (f"did you mean {' or '.join(repr(c) for c in close)}?" if close
            else f"known ids run from {ids[0]!r} to {ids[-1]!r}" if ids else "no projects")
    raise UnknownProjectError(f"unknown project id {project_id!r} (not in the projects "
                              f"sheet); {hint}")


#: A record's keys as the table (and the workbook's sheet) names them: ``forced`` is the
#: way a re-solve forced the project, not the projects sheet's status.
_TABLE_NAMES = {"forced": "what_if_forced", "feasible": "feasible_if_forced"}


@dataclass(eq=False, repr=False)
class WhyAnalysis(Analysis):
    """Why each project is in or out of portfolio 1, with the price of forcing it."""

    records: dict[str, dict[str, Any]]
    best_value: float
    fiscal_years: list[str]
    seconds: float = 0.0
    solves: int = 0
    name: str = "why"
    proven: int = 0
    bounded: int = 0
    exact_limit: int | None = None
    time_limit: float | None = None
    timed_out: int = 0

    def explain(self, project_id: str) -> dict[str, Any]:
        """The record of one project (see :func:`explain_project`): a copy of one's own,
        its lists too, so editing it leaves the analysis as explained."""
        return copy.deepcopy(self.records[project_id])

    @property
    def table(self) -> pd.DataFrame:
        """One row per project, lists joined by commas, cost per fiscal year as columns;
        a record's ``forced`` and ``feasible`` are ``what_if_forced`` and
        ``feasible_if_forced`` here (the sheet's headers "What if forced", "Feasible if
        forced"), never to be read as the projects sheet's forcing (a mandatory project
        is tested forced out)."""
        rows = []
        for rec in self.records.values():
            row = {_TABLE_NAMES.get(k, k): v for k, v in rec.items()
                   if k not in ("cost_by_year", "needs_by_year")}
            # reasons and row names (country_cap[Korea, Republic of]) may hold a comma
            for key in ("reasons", "blocked_by", "displaced", "replaced_by"):
                row[key] = ("; " if key in ("reasons", "blocked_by") else ", ").join(
                    rec.get(key) or ())
            for fy in self.fiscal_years:
                row[f"cost_{fy}"] = rec["cost_by_year"].get(fy, 0.0)
            row["message"] = row.pop("message")  # the sentence last, after the numbers
            rows.append(row)
        return pd.DataFrame(rows).set_index("project_id")

    def tables(self) -> dict[str, pd.DataFrame]:
        return {"why": self.table.reset_index()}

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "best_value": json_number(self.best_value),
                "seconds": round(self.seconds, 4), "solves": self.solves,
                "proven": self.proven, "bounded": self.bounded,
                "exact_limit": self.exact_limit, "time_limit": self.time_limit,
                "timed_out": self.timed_out,
                "projects": [dict(r) for r in self.records.values()]}

    def headline(self) -> str:
        funded = sum(1 for r in self.records.values() if r["funded"])
        bounds = f", {self.bounded} LP bounds" if self.bounded else ""
        if self.timed_out:  # bounds or answers not known: counted on their own
            bounds += f"; {self.timed_out} cut short by the time limit"
        return (f"of {len(self.records)} projects: {funded} funded, "
                f"{len(self.records) - funded} not; {self.solves} re-solves, "
                f"{self.proven} proven without one{bounds}")


def explain_portfolio(result: Result, solver: Solver | None = None,
                      progress: Callable[[int, int], None] | None = None,
                      exact_limit: int | None = EXACT_LIMIT,
                      time_limit: float | None = None) -> WhyAnalysis:
    """Why every project is in or out of portfolio 1, in numbers and words.

    Parameters
    ----------
    result : a solved Result (portfolio 1 is the reference).
    solver : the persistent Solver of that result (re-used, left as it was); built from
        ``result.problem`` when None.
    progress : called as ``progress(done, total)`` after each project (a progress bar).
    exact_limit : up to this many eligible projects every value change is exact (a MIP
        re-solve, or a proof that a known portfolio is as good as the LP allows); above
        it, a value change without such a proof is the LP bound, labelled ``basis: "lp
        bound"`` (the loss is at least that). None: always exact.
    time_limit : seconds the exact re-solves may take together, from the start of the
        explanation (``solver.explain_time_limit``; None: no limit; on a fresh solver the
        solve that loads the model comes first and does not count). Once spent, or when a re-solve
        stops at a time limit before its proof, the answer is the LP bound, labelled
        (:mod:`osa_opt.analysis.explain_clock`).

    Returns
    -------
    WhyAnalysis
        ``records[project_id]`` is the dict of :func:`explain_project`; ``table`` the same
        as a DataFrame (the workbook's ``why`` sheet).

    Examples
    --------
    >>> why = explain_portfolio(result)
    >>> why.table[["funded", "value_change", "displaced"]].head(3).round(3)
                funded  value_change               displaced
    project_id
    P-01          True           NaN
    P-02          True        -6.089        P-04, P-27, P-32
    P-03         False        -6.089  P-02, P-04, P-27, P-32
    """
    t0 = time.perf_counter()
    explainer = _Explainer(result, solver)
    eligible = len(result.problem.eligible)
    explainer.exact = exact_limit is None or eligible <= exact_limit
    explainer.exact_limit = exact_limit
    with switched_off(ranking_cuts(explainer.solver.model)):  # once, not per project
        if explainer.solver.solves == 0:  # a fresh solver: load the model first
            explainer.solver.solve_once()
        # from here: loading a fresh solver is not part of the explanation's time
        explainer.clock = ExplainClock(time_limit)
        explainer.proofs = Proofs(explainer.solver, result)
        ids = [str(p) for p in result.problem.input_projects.index]
        records = {}
        for done, pid in enumerate(ids, 1):
            records[pid] = explainer.project(pid)
            if progress is not None:
                progress(done, len(ids))
    return WhyAnalysis(records, explainer.base, list(result.problem.fiscal_years),
                       seconds=time.perf_counter() - t0, solves=explainer.solves,
                       proven=explainer.proven, bounded=explainer.bounded,
                       exact_limit=exact_limit, time_limit=time_limit,
                       timed_out=explainer.clock.timed_out)


def explain_project(result: Result, project_id: str, solver: Solver | None = None
                    ) -> dict[str, Any]:
    """Why one project is in or out of portfolio 1.

    Uses ``result.analyses["why"]`` when the solve ran with ``explain=True``; otherwise
    re-solves once (on ``solver``, or one built for the purpose).

    Returns
    -------
    dict
        ``project_id``, ``title``, ``country``, ``eligible``, ``funded``, ``fraction`` (the
        funded share in portfolio 1, 0 when not funded, as :meth:`Result.diff` says it),
        ``reasons`` (eligibility reasons, or why it is out or must stay in), ``forced``
        (``"in"``, ``"out"`` or None), ``feasible`` (can it be forced that way),
        ``value_change`` (change in best value if forced the other way; negative is a
        loss), ``value_change_share`` (of the best value), ``displaced`` (funded in
        portfolio 1, not in the forced solution), ``replaced_by`` (funded in the forced
        solution, not in portfolio 1), ``cost_by_year`` (its full cost), ``needs_by_year``
        (what it would take in the forced solution) and ``message``.

    Examples
    --------
    >>> explain_project(result, "P-17")["message"]
    'Not funded. Funding it would cost 1.8% of portfolio value (3.052 of 171.239): it needs ¥3,100m in FY2026 and would push out P-24, P-27, P-30 and P-32, bringing in P-33. Portfolio 1 with it added would break budget[FY2026].'
    """
    project_id = find_project(result.problem, project_id)
    why = result.analyses.get("why")
    if isinstance(why, WhyAnalysis) and project_id in why.records:
        return why.explain(project_id)
    return _Explainer(result, solver).project(project_id)


class _Explainer(Obstacles):
    """Holds the reference portfolio and the solver; answers one project at a time."""

    def _own_rules(self) -> str:
        """The model's own rules in words: its extensions' functions and what was added or
        changed by hand ("" when none)."""
        own = [f"{e['function']}()" for e in self.result.extensions]
        own += list(self.result.custom_components)
        return "; ".join(own)  # an entry may hold a comma: "x, fixed or bounded by hand"

    def _every_rule(self) -> str:
        """"every rule of the policy", naming the model's own rules too when it has any (an
        extension's, or components added by hand): they may be what forces a project."""
        own = self._own_rules()
        return "every rule of the policy" + (f" and the model's own ({own})" if own else "")

    def _held(self, pid: str, forced_in: bool) -> str | None:
        """Why the model itself keeps ``x[pid]`` as it is, when it does: an extension or a
        hand-built model fixed it (``model.x["P-17"].fix(1)``) or bounded it (``setub(0)``).
        Forcing such a project the other way would override the user's own rule (and a
        fixed variable is a constant in HiGHS: its column's bounds move nothing), so the
        answer is that it cannot be, without a re-solve."""
        x = self.solver.model.x[pid]
        lower, upper = (x.value, x.value) if x.fixed else x.bounds
        held = (0 if forced_in and upper is not None and upper < 0.5 else
                1 if not forced_in and lower is not None and lower > 0.5 else None)
        if held is None:
            return None
        own = self._own_rules()
        return f"x[{pid}] is held at {held} by the model's own rules" + (f" ({own})" if own else "")

    def __init__(self, result: Result, solver: Solver | None) -> None:
        if result.best is None:
            error = OsaError("nothing to explain: the result has no portfolio 1; see "
                             "result.diagnosis for why the policy cannot be met, loosen what "
                             "it names and solve again")
            error.exit_code = result.status.exit_code
            raise error
        self.result = result
        self.problem = result.problem
        self.solver = solver if solver is not None else Solver(result.problem)
        self.base = float(result.best.objective)
        self.funded = dict(result.best.fractions)
        self.solves = self.proven = self.bounded = 0
        self.exact = True
        self.exact_limit: int | None = None
        self.clock = ExplainClock(None)  # explain_portfolio sets the analysis's own
        self.proofs: Proofs | None = None  # set by explain_portfolio (one project: none)
        # each table read once: the Problem hands out a copy per access
        projects = self.projects = self.problem.input_projects
        self.cost = self.problem.cost
        self.total_cost = self.problem.total_cost
        self.tier = self.problem.tier
        self.eligibility = self.problem.eligibility
        self.country = {str(p): str(c) for p, c in projects["country"].items()}
        self.requires = {str(p): tuple(r) for p, r in projects["requires"].items()}
        self.group = {str(p): str(g) for p, g in projects["exclusive_group"].items()}
        forced = forced_projects(projects, self.total_cost)  # mandatory or signed: fixed in
        self.mandatory = [p for p, f in forced.items() if f["forced"] == "in"]
        self.eligible = {str(p) for p in self.problem.eligible}
        self.eligible_in = Counter(self.country[p] for p in self.eligible)

    # ------------------------------------------------------------------ one project
    def project(self, pid: str) -> dict[str, Any]:
        pb = self.problem
        p = self.projects.loc[pid]
        funded = pid in self.funded
        rec: dict[str, Any] = {
            "project_id": pid, "title": str(p["title"]), "country": str(p["country"]),
            "field": str(p["field"]), "eligible": pid in self.eligible,
            # the funded share, 0 when out: as Result.diff and the Projects sheet say it
            "funded": funded, "fraction": float(self.funded[pid]) if funded else 0.0,
            "reasons": [], "blocked_by": [],
            "forced": None, "feasible": None, "value_change": None,
            "value_change_share": None, "basis": None, "displaced": [], "replaced_by": [],
            "cost_by_year": {fy: float(self.cost.at[pid, fy]) for fy in pb.fiscal_years},
            "needs_by_year": {}, "message": "",
        }
        if not rec["eligible"]:
            rec["reasons"] = list(self.eligibility.at[pid, "reasons"])
            head = ("Out of this round: " if forced_out_only(rec["reasons"])  # a decision
                    else "Not eligible: ")
            rec["message"] = head + "; ".join(rec["reasons"]) + "."
            return rec
        forced_in = not funded
        rec["forced"] = "in" if forced_in else "out"
        held = self._held(pid, forced_in)
        if forced_in and held is None:  # the rows portfolio 1 would break with it added
            rec["blocked_by"] = self.blocking.blocked_by(pid)
        obstacle = held or (self._obstacle_in(pid) if forced_in else self._obstacle_out(pid))
        found: Known | None = None  # an optimum of the forced MIP
        answer = None
        reason: str | None = None  # why the answer is a bound, or not known at all
        unsettled = False  # a re-solve stopped by a time limit, with no bound to report
        if held is not None:  # the model's own fixed or bounded variable: no forcing it
            rec["basis"] = PROOF
            self.proven += 1
        elif forced_in and pid in self.problem.unfundable:
            # it requires, through others perhaps, a project without a column in the model
            # (excluded or ineligible), so x[pid] <= 0: proven, without the LP or a re-solve
            rec["basis"] = PROOF
            self.proven += 1
        elif forced_in or pid not in self.mandatory:  # a mandatory project can never go
            answer = (self.proofs.answer(pid, forced_in, need_bound=True)
                      if self.proofs is not None else None)
            bounded = answer is not None and answer.basis == LP_BOUND
            if answer is not None and answer.basis == PROOF:
                found, rec["basis"] = answer.known, PROOF
                self.proven += 1
            elif bounded and obstacle is not None and (not self.exact or self.clock.spent):
                rec["basis"] = PROOF  # the obstacle proves it cannot be forced at all
                self.proven += 1
            elif bounded and not self.exact:
                assert answer is not None  # bounded: an LP_BOUND answer
                reason = self._bounded(rec, answer)
            elif bounded and self.clock.spent:  # not tried: the time had run out
                assert answer is not None
                reason = self._bounded(rec, answer, timed_out=True, tried=False)
            elif answer is not None and answer.basis == "infeasible":
                rec["basis"] = PROOF  # the LP has no solution: neither has the MIP
                self.proven += 1
            else:
                out = self._resolve(pid, forced_in)
                if out.status.settled:
                    found, rec["basis"] = self._known(out), RESOLVE
                elif obstacle is not None:  # stopped, but the obstacle is a proof
                    rec["basis"] = PROOF
                    self.proven += 1
                elif bounded and self.proofs is not None:
                    # the stopped re-solve's portfolio, if any, proves it can be forced,
                    # and is the optimum when it reaches the LP bound
                    assert answer is not None
                    answer = self.proofs.with_known(pid, forced_in, answer)
                    if answer.basis == PROOF:
                        found, rec["basis"] = answer.known, PROOF
                        self.proven += 1
                    else:
                        reason = self._bounded(rec, answer, timed_out=True)
                else:
                    unsettled, reason = True, self._unsettled(rec, out)
        rescaled: list[str] = []
        if rec["basis"] == LP_BOUND or unsettled:
            pass
        elif found is not None:
            change = float(found.objective) - self.base
            change = 0.0 if abs(change) <= TOL * max(1.0, abs(self.base)) else change
            rec.update(feasible=True, value_change=json_number(change),
                       value_change_share=self._share(change))
            rec["displaced"] = [q for q in self.funded if q not in found.fractions and q != pid]
            rec["replaced_by"] = [q for q in found.fractions
                                  if q not in self.funded and q != pid]
            # kept, at another share: P-29 100%→75% makes the money add up in the message
            rescaled = [f"{q} ({'→'.join(percents_apart(self.funded[q], found.fractions[q]))})"
                        for q in self.funded if q != pid and q in found.fractions
                        and abs(found.fractions[q] - self.funded[q]) > 1e-6]
            share = found.fractions.get(pid, 0.0)
            rec["needs_by_year"] = {fy: c * share for fy, c in rec["cost_by_year"].items()}
            obstacle = None
        else:
            rec["feasible"] = False
            obstacle = obstacle or (f"no portfolio that funds it meets {self._every_rule()}"
                                    if forced_in else
                                    f"no portfolio without it meets {self._every_rule()}")
        rec["reasons"] = self._reasons(pid, forced_in, obstacle)
        rec["message"] = self._message(rec, obstacle, reason, unsettled, rescaled)
        waived = list(self.eligibility.at[pid, "overrides"])
        if waived:  # eligible only by an override: say which rule and why, every time
            rec["message"] += " Eligible by an override: " + "; ".join(waived) + "."
        return rec

    def _resolve(self, pid: str, forced_in: bool) -> Outcome:
        """One MIP re-solve through HiGHS's column bounds, for the time the clock has left.
        A portfolio it finds, proven or not, may prove later answers."""
        with switched_off(ranking_cuts(self.solver.model)):
            # with proofs (a whole analysis) Pyomo's changes were sent when the LP copy was
            # made, and nothing changes the model between projects
            out = self.solver.solve_forced({pid: 1 if forced_in else 0},
                                           sync=self.proofs is None,
                                           time_limit=self.clock.left())
        self.solves += 1
        if self.proofs is not None and out.status.has_solution and out.objective is not None:
            self.proofs.add(float(out.objective), dict(out.fractions))
        return out

    @staticmethod
    def _known(out: Outcome) -> Known | None:
        """The optimum of a settled re-solve (None: no portfolio can force it)."""
        if not out.status.has_solution or out.objective is None:
            return None
        return Known(float(out.objective), dict(out.fractions))

    def _bounded(self, rec: dict[str, Any], answer: Answer, timed_out: bool = False,
                 tried: bool = True) -> str:
        """The LP bound on the forced value, labelled as a bound (feasible when a known
        portfolio has it forced, else not known): above the exact limit, or when the time
        limits stopped its re-solve. Returns why it is a bound, in words."""
        assert answer.bound is not None
        rec["feasible"] = True if answer.known is not None else None
        # not clamped at 0: with a mip_rel_gap above 0 portfolio 1 may not be optimal, and
        # then the bound may allow more than its value
        change = float(answer.bound) - self.base
        change = 0.0 if abs(change) <= TOL * max(1.0, abs(self.base)) else change
        rec.update(basis=LP_BOUND, value_change=json_number(change),
                   value_change_share=self._share(change))
        self.bounded += 1
        if timed_out:
            self.clock.timed_out += 1
            return self.clock.reason(self.solver.time_limit, tried)
        assert self.exact_limit is not None  # a bound without a time-out: above the limit
        return above_exact_limit(self.exact_limit)

    def _unsettled(self, rec: dict[str, Any], out: Outcome) -> str:
        """A re-solve the time limit stopped, with no LP bound to report: feasible when it
        found a portfolio, else not known; no value change."""
        rec["feasible"] = True if out.status.has_solution else None
        self.clock.timed_out += 1
        return self.clock.reason(self.solver.time_limit)

    @cached_property
    def blocking(self) -> BlockingRows:
        """The rule rows at portfolio 1, worked out once (:mod:`osa_opt.analysis.why_rows`)."""
        return BlockingRows(self.solver.model, self.funded)

    @cached_property
    def unfunded(self) -> pd.DataFrame:  # read once: the Result hands out a copy per access
        return self.result.unfunded

    def _reasons(self, pid: str, forced_in: bool, obstacle: str | None) -> list[str]:
        reasons: list[str] = []
        if forced_in:
            unfunded = self.unfunded
            if pid in unfunded.index:
                reasons = [r for r in unfunded.at[pid, "reasons"] if r != GENERIC_REASON]
        if obstacle and not (forced_in and pid in self.problem.unfundable):
            # (a chain of requirements is among the reasons already, in the same words)
            reasons.append(obstacle)
        if forced_in and not reasons:
            reasons.append(GENERIC_REASON)
        return reasons

    def _bound_message(self, rec: dict[str, Any], reason: str) -> str:
        """The words of an LP bound: "at least", and why it was not re-solved."""
        forced_in = rec["forced"] == "in"
        head = self._head(rec)
        verb = "Funding it would cost" if forced_in else "Dropping it would lose"
        why = ("an LP bound, worked out as if any fraction of a project could be funded: "
               f"{reason}, so what it would displace is not computed")
        change = rec["value_change"]
        tail = _blocked_sentence(rec["blocked_by"])
        if change >= 0:
            return (f"{head} {verb} possibly nothing: the LP bound does not rule out an "
                    f"equally good portfolio ({why}).{tail}")
        if self.base <= 0:
            return (f"{head} {verb} at least {value_shown(-change)} of value (portfolio 1 is worth "
                    f"{fixed(self.base)}; {why}).{tail}")
        return (f"{head} {verb} at least {_least_percent(-change / self.base)} of portfolio "
                f"value (at least {value_shown(-change)} of {fixed(self.base)}; {why}).{tail}")

    def _share(self, change: float) -> float | None:
        """``change`` as a share of portfolio 1's value; None when that value is 0 or less,
        where a share means nothing (as ``share_of_best``, docs/outputs.md)."""
        return json_number(change / self.base) if self.base > 0 else None

    def _of_value(self, change: float) -> str:
        """"1.8% of portfolio value (3.052 of 171.239)", or, when portfolio 1 is worth 0 or
        less, the amount alone: "1.000 of value (portfolio 1 is worth -1.000)"."""
        if self.base <= 0:
            return f"{value_shown(-change)} of value (portfolio 1 is worth {fixed(self.base)})"
        return (f"{share_text(-change / self.base, trim=True)} of portfolio value "
                f"({value_shown(-change)} of {fixed(self.base)})")

    @staticmethod
    def _head(rec: dict[str, Any]) -> str:
        """"Not funded." or "Funded." (with its share when partly funded)."""
        part = rec["fraction"]
        return ("Not funded." if rec["forced"] == "in" else "Funded" + (
            f" at {share_text(part, trim=True)} of its cost." if part < 1 else "."))

    # ------------------------------------------------------------------ words
    def _message(self, rec: dict[str, Any], obstacle: str | None, reason: str | None = None,
                 unsettled: bool = False, rescaled: list[str] | None = None) -> str:
        """The record's sentence; ``rescaled`` names the projects of portfolio 1 the answer
        keeps at another funded share (``P-29 (100%→75%)``)."""
        share = (f", changing the funded share of {id_list(rescaled)}" if rescaled else "")
        forced_in = rec["forced"] == "in"
        if unsettled:
            what = "Funding it" if forced_in else "Dropping it"
            found = (" (a portfolio that " + ("funds" if forced_in else "drops") + " it was "
                     "found, but not proven the best)" if rec["feasible"] else "")
            return f"{self._head(rec)} What {what.lower()} would cost is not known{found}: {reason}."
        if rec["basis"] == LP_BOUND:
            return self._bound_message(rec, reason or "")
        if not rec["feasible"]:
            return (f"Not funded, and it cannot be: {obstacle}." if forced_in
                    else f"Funded, and it must be: {obstacle}.")
        change = rec["value_change"]
        if forced_in:
            structural = [r for r in rec["reasons"] if r != GENERIC_REASON and not is_room(r)]
            head = "Not funded" + (f" ({'; '.join(structural)})" if structural else "") + "."
            blocked = rec["blocked_by"]
            if any(is_room(r) for r in rec["reasons"]):
                words = [rule_words(r, self.result) for r in blocked]
                named = id_list([w if r in w else f"{w} ({r})" for w, r in zip(
                    words, blocked, strict=True)], limit=5)  # unfunded's words, the row beside
                head += (" The budget left has room for it: "
                         + (f"{named} {'keeps' if len(blocked) == 1 else 'keep'} it "
                            "out (portfolio 1 with it added would break "
                            f"{'it' if len(blocked) == 1 else 'them'})." if blocked else
                            "a rule other than the budget keeps it out."))
                blocked = []  # said
            needs = [f"{yen(v)} in {fy}" for fy, v in rec["needs_by_year"].items() if v > 0]
            what = f"it needs {' and '.join(needs)}" if needs else "it costs nothing"
            moves = (f" and would push out {id_list(rec['displaced'])}" if rec["displaced"]
                     else " and fits beside the funded projects")
            if rec["replaced_by"]:
                moves += f", bringing in {id_list(rec['replaced_by'])}"
            moves += share
            tail = _blocked_sentence(blocked)
            if change == 0:
                return (f"{head} Funding it would cost nothing: an equally good portfolio "
                        f"funds it ({what}{moves}).{tail}")
            return f"{head} Funding it would cost {self._of_value(change)}: {what}{moves}.{tail}"
        part = rec["fraction"]
        head = "Funded" + (f" at {share_text(part, trim=True)} of its cost" if part < 1 else "") + "."
        instead = (f"the best portfolio without it funds {id_list(rec['replaced_by'])} instead"
                   if rec["replaced_by"] else "the best portfolio without it funds nothing "
                   "in its place")
        if rec["displaced"]:
            instead += f" and also drops {id_list(rec['displaced'])}"
        instead += share
        if change == 0:
            return f"{head} Dropping it would cost nothing: {instead}."
        return f"{head} Dropping it would lose {self._of_value(change)}: {instead}."
