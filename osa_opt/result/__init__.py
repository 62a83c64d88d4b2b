"""Typed results: a Status, ranked Portfolios and the Result that holds them.

Everything here is computed from the Problem and the funded fractions; nothing solves.
``Status`` and ``FRACTION_TOL`` live with the Solver (:mod:`osa_opt.solving.status`) and are
re-exported here, so ``from osa_opt.result import Status`` keeps working. The facts every
writer reports come from here: the one-sentence outcome (:attr:`Result.status_message`) and
why each project is not funded (:attr:`Result.unfunded`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd

from osa_opt.errors import OsaError
from osa_opt.inputs.frozen import FrozenDict
from osa_opt.inputs.problem import Problem  # at run time: get_type_hints(Result)
from osa_opt.result import facts, packages
from osa_opt.result.facts import NOT_SELECTED, UNFUNDED_COLUMNS, split_by_field
from osa_opt.solving.status import FRACTION_TOL, Status
from osa_opt.text import fixed, json_number, suggest, yen

#: What Portfolio.allocation groups by: columns of Portfolio.projects.
ALLOCATIONS = ("country", "priority_tier", "field", "region")

__all__ = ["FRACTION_TOL", "NOT_SELECTED", "UNFUNDED_COLUMNS", "Portfolio", "Result", "Status",
           "split_by_field"]


class Fractions(FrozenDict):
    """A Portfolio's funded fractions: a dict (equal to a plain one, JSON and pickle as one)
    whose every change raises ``TypeError``, so a change made in a notebook cannot make
    what ``Result.write`` writes differ from what was solved."""

    __slots__ = ()
    message = ("a Portfolio's fractions cannot be changed: they are what was solved; "
               "dict(portfolio.fractions) is a copy of one's own")


@dataclass(eq=False)
class Portfolio:
    """One ranked portfolio: which projects are funded, and at what fraction.

    ``fractions`` maps every funded project id to its funded fraction in (0, 1]: read-only
    (:class:`Fractions`, made from the dict given), and not to be replaced either, as the
    tables, the partner packages and what ``Result.write`` writes are computed from it.
    """

    rank: int
    objective: float
    fractions: dict[str, float]
    problem: Problem = field(repr=False)
    status: Status = Status.OPTIMAL
    gap: float | None = 0.0
    bound: float | None = None
    seconds: float = 0.0
    best_objective: float | None = None
    reference: Portfolio | None = field(default=None, repr=False)

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "fractions":
            if "fractions" in self.__dict__:
                raise AttributeError(Fractions.message)
            value = value if type(value) is Fractions else Fractions(value)
        object.__setattr__(self, name, value)

    @property
    def extension_value(self) -> float:
        """What the model extensions added to the objective: ``objective`` minus the
        funded projects' value (0 when no extension changes the objective), so
        ``projects.value.sum() + extension_value == objective``."""
        rest = self.objective - float(self._projects["value"].sum())
        return 0.0 if abs(rest) <= 1e-6 * max(1.0, abs(self.objective)) else rest

    # ------------------------------------------------------------------ ids
    @property
    def project_ids(self) -> list[str]:
        """Funded project ids, in input order."""
        return list(self._project_ids)

    @cached_property
    def _project_ids(self) -> tuple[str, ...]:  # run.json, added/dropped, the tables ask
        order = self.problem.input_projects.index
        return tuple(p for p in order if p in self.fractions)

    @property
    def partial(self) -> dict[str, float]:
        """Projects funded at less than their full cost."""
        return {p: f for p, f in self.fractions.items() if f < 1 - FRACTION_TOL}

    # ------------------------------------------------------------------ tables
    @property
    def projects(self) -> pd.DataFrame:
        """Funded projects with fraction, funded cost per year, value and grouping columns:
        a copy of one's own, so a column added or a value changed in a notebook leaves the
        portfolio, and what ``Result.write`` writes, as solved."""
        return self._projects.copy()

    @cached_property
    def _projects(self) -> pd.DataFrame:  # the tables, packages and extension_value ask
        pb = self.problem
        ids = self.project_ids
        frac = pd.Series(self.fractions, dtype=float).reindex(ids)
        cols = ["title", "country", "field", "assistance_type", "status"]
        df = pb.input_projects.loc[ids, cols].copy()
        df.insert(0, "rank", self.rank)
        df["region"] = pb.region.reindex(ids)
        df["priority_tier"] = pb.tier.reindex(ids)
        df["fraction"] = frac
        for fy in pb.fiscal_years:
            df[f"cost_{fy}"] = pb.cost.loc[ids, fy] * frac
        df["total_cost"] = pb.total_cost.reindex(ids) * frac
        df["value"] = pb.value.reindex(ids) * frac
        df.index.name = "project_id"
        return df

    # ------------------------------------------------------------------ partners
    @cached_property
    def units(self) -> dict[str, int]:
        """Units funded of each funded project that is funded in whole units (input order)."""
        return packages.units(self)

    def units_text(self, project_id: str) -> str:
        """"3 of 4 boats" for a project funded in whole units, else ""."""
        return packages.units_text(self, project_id)

    @cached_property
    def packages(self) -> list[dict[str, Any]]:
        """One package per funded partner: its funded projects (input order), total and
        per-year funded cost; largest package first (ties by country name)."""
        return packages.packages(self)

    @property
    def partners_line(self) -> str:
        """"Fund 9 partners: Aurelia ¥4,500m, Sundara ¥4,350m, …" (largest package first)."""
        return packages.partners_line(self)

    def package_table(self, *, items: bool = True, head: int | None = None) -> pd.DataFrame:
        """The partner table: one row per partner (its package), its items under it
        (columns in :func:`osa_opt.result.packages.package_table`); ``items=False``: the
        partners' rows only; ``head``: its first ``head`` rows."""
        if items and (head is None or "_package_table" in self.__dict__):
            return self._package_table.head(head).copy()
        return packages.package_table(self, items=items, head=head)

    @property
    def package_rows(self) -> int:
        """Rows of the whole :meth:`package_table`: one per partner and one per item."""
        return len(self.packages) + sum(len(pk["projects"]) for pk in self.packages)

    @cached_property
    def _package_table(self) -> pd.DataFrame:  # the workbook and the report both show it
        return packages.package_table(self)

    @property
    def cost_by_year(self) -> pd.Series:
        """Funded cost per fiscal year, ¥ million, indexed by ``fiscal_year``: a copy of one's
        own (a value changed in it changes nothing the result holds or writes)."""
        return self._cost_by_year.copy()

    @cached_property
    def _cost_by_year(self) -> pd.Series:  # computed once: the fractions are fixed
        pb = self.problem
        frac = pd.Series(self.fractions, dtype=float)
        return (pb.cost.reindex(frac.index).mul(frac, axis=0).sum()
                .reindex(pb.fiscal_years).fillna(0.0).rename("cost")
                .rename_axis("fiscal_year"))

    @property
    def budget_left(self) -> pd.Series:
        """Budget minus funded cost per fiscal year, ¥ million. A remainder within
        ``FRACTION_TOL`` of the budget is 0 (the fractions are known to that tolerance, so
        the money they fund is too): a budget spent in full never leaves -0.0 or 0.000001."""
        return self._budget_left.copy()

    @cached_property
    def _budget_left(self) -> pd.Series:  # the console, workbook, report and run.json ask
        budget = self.problem.budget
        left = budget - self._cost_by_year
        noise = left.abs() <= FRACTION_TOL * budget.abs().clip(lower=1.0)
        return left.mask(noise, 0.0).rename("budget_left")

    @property
    def total_cost(self) -> float:
        return float(self._cost_by_year.sum())

    @property
    def n_projects(self) -> int:
        return len(self.fractions)

    @property
    def countries(self) -> list[str]:
        return list(self._countries)

    @cached_property
    def _countries(self) -> tuple[str, ...]:  # asked for by every table of portfolios
        return tuple(sorted(set(self.problem.input_projects.loc[list(self.fractions), "country"])))

    @property
    def n_countries(self) -> int:
        return len(self._countries)

    @property
    def share_of_best(self) -> float:
        """``objective`` ÷ portfolio 1's: 1 for portfolio 1 (and a tie), NaN (run.json's
        null, shown "—") for another when portfolio 1 is worth 0 or less, where a share
        means nothing (a portfolio worth −5 beside a best of 0 read "100.0%")."""
        best = self.objective if self.best_objective is None else self.best_objective
        if self.objective == best:
            return 1.0
        return float(self.objective / best) if best > 0 else math.nan

    def allocation(self, by: str) -> pd.DataFrame:
        """Funded cost and value by ``country``, ``priority_tier``, ``field`` or ``region``.

        Columns: projects, cost per fiscal year, total_cost, share_of_budget, value. By
        ``field``, a project of several fields counts in each with its cost and value split
        equally among them (as the field-share rules count it), so the totals still add up.
        """
        if by not in ALLOCATIONS:
            raise OsaError(f"allocation({by!r}): allocations are by "
                           f"{', '.join(repr(b) for b in ALLOCATIONS)}")
        if by not in self._allocations:  # the workbook and the report both ask for each
            self._allocations[by] = self._allocation(by)
        return self._allocations[by].copy()

    @cached_property
    def _allocations(self) -> dict[str, pd.DataFrame]:
        return {}

    def _allocation(self, by: str) -> pd.DataFrame:
        df = self._projects
        amounts = [*(f"cost_{fy}" for fy in self.problem.fiscal_years), "total_cost", "value"]
        if by == "field":
            df = split_by_field(df, amounts)
        # one sum over the amount columns, not a named aggregation per column (pandas runs
        # those one by one: 2-3x the time of the workbook's 20 allocation tables); the same
        # sums, bit for bit (the same summation kernel, row order and groups)
        groups = df.groupby(by, sort=True)
        out = groups[amounts].sum()
        out.insert(0, "projects", groups.size())
        total_budget = self.problem.policy.total_budget
        out.insert(len(out.columns) - 1, "share_of_budget",
                   out["total_cost"] / total_budget if total_budget else 0.0)
        return out

    @property
    def added(self) -> list[str]:
        """Projects funded here but not in portfolio 1."""
        if self.reference is None:
            return []
        return [p for p in self.project_ids if p not in self.reference.fractions]

    @property
    def dropped(self) -> list[str]:
        """Projects funded in portfolio 1 but not here."""
        if self.reference is None:
            return []
        return [p for p in self.reference.project_ids if p not in self.fractions]

    @property
    def fraction_changes(self) -> list[tuple[str, float, float]]:
        """Projects funded both here and in portfolio 1 at another fraction: (id, fraction
        in portfolio 1, fraction here), in input order."""
        ref = self.reference
        if ref is None:
            return []
        return [(p, ref.fractions[p], self.fractions[p]) for p in self.project_ids
                if p in ref.fractions and abs(ref.fractions[p] - self.fractions[p]) > FRACTION_TOL]

    def to_dict(self) -> dict[str, Any]:
        """The manifest entry of this portfolio (run.json)."""
        return {
            "rank": self.rank,
            "objective": round(self.objective, 9),
            "extension_value": round(self.extension_value, 9),
            "share_of_best": json_number(self.share_of_best),  # NaN: null
            "status": self.status.value,
            "gap": None if self.gap is None else round(self.gap, 12),
            "bound": None if self.bound is None else round(self.bound, 9),
            "total_cost": round(self.total_cost, 6),
            "cost_by_year": {k: round(float(v), 6) for k, v in self.cost_by_year.items()},
            "budget_left": {k: round(float(v), 6) for k, v in self.budget_left.items()},
            "n_projects": self.n_projects,
            "n_countries": self.n_countries,
            "projects": self.project_ids,
            "fractions": {p: round(f, 9) for p, f in self.partial.items()},
            "units": self.units,
            "packages": [{**pk, "total_cost": round(pk["total_cost"], 6),
                          "cost_by_year": {k: round(v, 6) for k, v in pk["cost_by_year"].items()}}
                         for pk in self.packages],
            "added": self.added,
            "dropped": self.dropped,
            "solve_seconds": round(self.seconds, 4),
        }

    def _repr_html_(self) -> str:
        from osa_opt.report.notebook import portfolio_html

        return portfolio_html(self)

    def __repr__(self) -> str:
        # the value and the money as every other output shows them (text.fixed, text.yen:
        # halves away from zero, ¥11,312.5m with its decimal), not Python's half to even
        return (f"<Portfolio {self.rank}: value {fixed(self.objective)}, "
                f"{self.n_projects} projects, {yen(self.total_cost)}>")


#: Which call gives each analysis of ``Result.analyses`` (the key a missing one names).
ANALYSIS_CALLS = {
    "why": 'osa_opt.solve(problem, explain=True), or result.explain("P-17") for one project',
    "prices": "osa_opt.solve(problem, explain=True), or result.prices()",
    "frontier": "osa_opt.frontier(problem)",
    "funding_order": "osa_opt.frontier(problem)",
    "robustness": "osa_opt.robustness(problem)",
    "comparison": "osa_opt.compare([problem_a, problem_b])",
    "execution": "osa_opt.execution(problem), which returns the analysis itself",
}


class Analyses(dict):  # type: ignore[type-arg]
    """``Result.analyses``: a dict whose missing key says what the result holds and which
    call gives that analysis, rather than a bare ``KeyError: 'compare'``.

    >>> osa_opt.solve(problem, portfolios=1).analyses["compare"]
    Traceback (most recent call last):
    KeyError: "no analysis 'compare' in this result (it holds none); did you mean 'comparison'? It comes from osa_opt.compare([problem_a, problem_b])"
    """

    def __missing__(self, key: Any) -> Any:
        held = ", ".join(map(repr, self)) or "none"
        near = key if key in ANALYSIS_CALLS else {"explain": "why", "compare": "comparison"}.get(
            str(key).lower(), suggest(str(key), ANALYSIS_CALLS))
        text = f"no analysis {key!r} in this result (it holds {held})"
        if near == key:
            text += f": it comes from {ANALYSIS_CALLS[near]}"
        elif near is not None:
            text += f"; did you mean {near!r}? It comes from {ANALYSIS_CALLS[near]}"
        raise KeyError(text)


@dataclass(eq=False)
class Result:
    """What a solve returns: status, ranked portfolios, why projects are out, timings.

    >>> result = osa_opt.solve(problem)
    >>> result, result.portfolios[0].projects.shape
    (<Result optimal: 5 portfolios, best value 171.239>, (29, 12))
    >>> result.write("outputs/my-run")             # doctest: +SKIP
    """

    problem: Problem = field(repr=False)
    status: Status
    portfolios: list[Portfolio] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    diagnosis: list[dict[str, Any]] = field(default_factory=list)
    analyses: dict[str, Any] = field(default_factory=dict)
    message: str = ""
    #: True when the run was interrupted (Ctrl-C): only what was finished is here.
    partial: bool = False
    #: The model extensions applied (run.json ``extensions``): function, file, sha256, components.
    extensions: list[dict[str, Any]] = field(default_factory=list)
    #: Components added by hand to a ``model=`` passed to solve (not by an extension), its
    #: own components changed by hand (``"x, fixed or bounded by hand"``, ``"budget,
    #: switched off or changed by hand"``), and ``"value, the objective"`` when its
    #: expression was changed by hand: the analyses
    #: that build models of their own refuse such a result rather than drop them.
    custom_components: list[str] = field(default_factory=list)
    #: The model rows portfolio 1 would break with each project added that the budget left
    #: has room for (:func:`facts.room_left`; :mod:`osa_opt.analysis.why_rows`), project id
    #: -> row names (``["country_cap[Serendel]"]``): the rule :attr:`unfunded` names.
    blocked_by: dict[str, list[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not isinstance(self.analyses, Analyses):
            self.analyses = Analyses(self.analyses)

    @property
    def best(self) -> Portfolio | None:
        return self.portfolios[0] if self.portfolios else None

    # ------------------------------------------------------------------ asking more
    def explain(self, project_id: str) -> dict[str, Any]:
        """Why one project is in or out of portfolio 1 (``message``, ``value_change``, ...;
        see :func:`osa_opt.analysis.why.explain_project`): from ``analyses["why"]`` when
        the solve explained, else one re-solve on a model with the same extensions.

        >>> result.explain("P-17")["funded"]
        False
        """
        from osa_opt.analysis.why import explain_project, find_project

        stored = getattr(self.analyses.get("why"), "records", {})
        if find_project(self.problem, project_id) not in stored:
            self.refuse_custom_model("Result.explain()", stored=True)  # only a re-solve
        return explain_project(self, project_id)

    def prices(self) -> pd.DataFrame:
        """What each rule costs portfolio 1 (``analyses["prices"]``'s table, computed now on
        a model with the same extensions when the solve did not explain), indexed by rule.

        >>> bool(result.prices().loc["budget[FY2026]", "binding"])
        False
        """
        from osa_opt.analysis.prices import price_rules

        analysis = self.analyses.get("prices")
        if analysis is None:
            self.refuse_custom_model("Result.prices()", stored=True)
            analysis = self.analyses["prices"] = price_rules(self)
        return analysis.table.copy()  # one's own: editing it leaves the analysis as priced

    def refuse_custom_model(self, what: str, *, stored: bool = False) -> None:
        """The one check before ``what`` solves models of its own (an analysis, a re-solve):
        they cannot carry the components added or changed by hand in the ``model=`` of the
        solve, so refuse rather than drop them silently. ``stored``: a solve with ``explain=True``
        would have kept the answer, so the message offers that too."""
        if self.custom_components:
            also = "solve with explain=True, or " if stored else ""
            raise OsaError(
                f"{what} builds models of its own and cannot carry the components added or "
                f"changed by hand in the model passed as model= "
                f"({'; '.join(self.custom_components)}): "
                f"{also}write them as a function func(model, problem) and pass extend=func "
                "(to osa_opt.solve or problem.with_extensions) so every model has them")

    def diff(self, other: Result) -> pd.DataFrame:
        """What changed from ``other`` (e.g. last week's run) to this result in portfolio 1:
        one row per project funded in either, whose funding differs; columns ``title``,
        ``country``, ``before``, ``after`` (funded fractions, 0 when out) and ``change``
        (``added``, ``dropped``, ``more``, ``less``). ``attrs`` holds the values.

        >>> cut = osa_opt.solve(problem.with_policy(overrides={"budget.FY2026": 15000}))
        >>> cut.diff(result)["change"].value_counts().to_dict()
        {'dropped': 4, 'added': 1}
        """
        if not isinstance(other, Result):
            raise OsaError(
                f"Result.diff takes a Result, not a {type(other).__name__}: for a run folder "
                "use osa_opt.compare_runs(result, FOLDER), or osa_opt.load_run(FOLDER) to "
                "get its Result")
        return facts.diff_table(self, other)

    @property
    def status_message(self) -> str:
        """One sentence on the outcome: proven optimal, time limit with gap, or why none.

        The same sentence is in run.json (``message``), the workbook, the report and the
        terminal.

        >>> result.status_message
        'Portfolio 1 is proven optimal; 3 ranked portfolios.'
        """
        return facts.status_message(self)

    @property
    def unfunded(self) -> pd.DataFrame:
        """Every project not funded in portfolio 1, with why (:func:`facts.unfunded_table`);
        a copy of one's own, as :attr:`Portfolio.projects` is.

        >>> result.unfunded.loc["P-03", "reason"]
        'exclusive group Aurelia patrol boats: P-02 funded instead'
        """
        return self._unfunded.copy()

    @cached_property
    def _unfunded(self) -> pd.DataFrame:  # the outputs and the explanations ask
        return facts.unfunded_table(self)

    def summary(self) -> pd.DataFrame:
        """One row per portfolio: value, share of best, cost per year, projects, countries.
        With no portfolio (the policy cannot be met): the same columns and dtypes, no rows."""
        years = self.problem.fiscal_years
        costs, lefts = [f"cost_{fy}" for fy in years], [f"left_{fy}" for fy in years]
        rows = [{"rank": p.rank, "value": p.objective, "share_of_best": p.share_of_best,
                 "projects": p.n_projects, "countries": p.n_countries,
                 "total_cost": p.total_cost,
                 **{f"cost_{fy}": float(c) for fy, c in p.cost_by_year.items()},
                 **{f"left_{fy}": float(c) for fy, c in p.budget_left.items()},
                 "added": ", ".join(p.added), "dropped": ", ".join(p.dropped)}
                for p in self.portfolios]
        columns = ["rank", "value", "share_of_best", "projects", "countries", "total_cost",
                   *costs, *lefts, "added", "dropped"]
        numbers = {"rank": int, "projects": int, "countries": int, "value": float,
                   "share_of_best": float, "total_cost": float,
                   **dict.fromkeys([*costs, *lefts], float)}
        return pd.DataFrame(rows, columns=columns).astype(numbers).set_index("rank")

    def to_manifest(self) -> dict[str, Any]:
        """The run manifest (run.json), documented in docs/outputs.md."""
        from osa_opt.outputs.manifest import build_manifest

        return build_manifest(self)

    def write(self, path: str | Path | None = None) -> Path:
        """Write the run folder the CLI writes (run.json, portfolios.xlsx, portfolios.csv,
        policy.toml, report.html) and return its path; ``load_run`` reads it back.

        With no path, a new folder ``outputs/<title>-<timestamp>/`` is made (the run's
        title as its outputs say it, ``round-fy2026-20260105-093000``).
        Writing is atomic: a failure leaves no half-written file.
        """
        from osa_opt.run_folder import write_run

        return write_run(self, path)

    def _repr_html_(self) -> str:
        from osa_opt.report.notebook import result_html

        return result_html(self)

    def __repr__(self) -> str:
        """The status, the portfolios and what ``analyses`` holds: the Result of
        ``osa_opt.compare`` or ``osa_opt.robustness`` read like a plain solve's, whose
        ``summary()`` is the baseline's portfolios, not the comparison.

        >>> osa_opt.solve(problem, portfolios=1, explain=True)
        <Result optimal: 1 portfolio, best value 171.239; analyses: prices, why>
        """
        best = f", best value {fixed(self.best.objective)}" if self.best else ""  # as printed
        n = len(self.portfolios)
        held = f"; analyses: {', '.join(sorted(self.analyses))}" if self.analyses else ""
        return f"<Result {self.status.value}: {n} portfolio{'' if n == 1 else 's'}{best}{held}>"
