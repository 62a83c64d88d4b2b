"""The validated Problem: the projects and countries tables plus the policy.

A Problem is built only through validation (:func:`osa_opt.load_problem`,
:meth:`Problem.from_frames`, or the ``with_*`` methods, which validate again), so everything
downstream may trust it, and it never changes (docs/inputs.md, "A Problem does not change"):

- ``problem.projects`` and ``problem.countries`` are the same tables on every access, of
  values of their own: a value or a column set there (``problem.projects.loc["P-17",
  "cost_FY2026"] = 2500``, ``problem.countries["max_share"] = 0.3``) stays to see, but is
  not taken: a model built from the problem, ``with_policy`` and ``with_extensions`` refuse
  it by name (:meth:`Problem.edits_in_place`) until ``with_countries(problem.countries)``
  takes it; osa-opt reads ``input_projects`` and ``input_countries``, fresh copies of the
  tables as validated, over values that cannot be written;
- the derived tables (``cost``, ``value``, ``eligibility`` ...) are copies made on each
  access, over read-only values;
- the policy is frozen, its tables and lists too;
- an edit goes through :meth:`Problem.with_projects`, :meth:`Problem.with_countries` or
  :meth:`Problem.with_policy`, which return a new, validated Problem.
"""

from __future__ import annotations

import copy
import dataclasses
import functools
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeVar

import pandas as pd

from osa_opt.digest import sha256
from osa_opt.errors import InputError, Issue, OsaError
from osa_opt.extensions import Extension, as_extensions
from osa_opt.gcpause import paused_gc
from osa_opt.inputs.considerations import country_factor
from osa_opt.inputs.display import problem_html, problem_repr
from osa_opt.inputs.eligibility import assess, code_of, in_by_override, ruled_out
from osa_opt.inputs.forced import Unfundable, forced_projects, unfundable_requirements
from osa_opt.inputs.frozen import FrozenList, ProblemRecord, read_only, unprotected
from osa_opt.inputs.issue_list import Claimed
from osa_opt.inputs.other_years import COST_ELSEWHERE
from osa_opt.inputs.override_years import override_year_issues
from osa_opt.inputs.policy import (
    UNNAMED_POLICY,
    Policy,
    edited_policy_source,
    is_policy_source,
    placed,
    read_policy,
)
from osa_opt.inputs.requirement_rules import bundles
from osa_opt.inputs.sanity import input_warnings
from osa_opt.inputs.schema import COST_PREFIX, COUNTRIES, PROJECTS, ROW, SCORE_PREFIX
from osa_opt.inputs.table_edits import edits_message, table_changes
from osa_opt.inputs.validation import validate_frames

Table = TypeVar("Table", pd.DataFrame, pd.Series)


def _view(method: Callable[[Problem], Table]) -> Any:
    """A derived table computed once, kept read-only, and handed out as a copy."""
    key = f"_view_{method.__name__}"

    @functools.wraps(method)
    def get(self: Problem) -> Table:
        if key not in self.__dict__:
            self.__dict__[key] = read_only(method(self))
        return self.__dict__[key].copy(deep=False)

    return property(get)


class Problem:
    """Validated inputs; never modified (see the module docstring).

    Attributes
    ----------
    projects : DataFrame indexed by ``project_id``; typed columns of docs/inputs.md
        (``requires`` as a tuple of ids, defaults filled in), extra columns kept, and
        ``_row``, the Excel row (numbered from 2 for a table passed as a DataFrame). The same
        table on every access, of values of its own (see :meth:`edits_in_place`).
    countries : DataFrame indexed by ``country``, likewise.
    policy : the Policy in force (frozen).
    sources : input file name -> sha256, for the run manifest (an edited table appears as
        ``"projects (DataFrame)"`` with the sha256 of its contents).
    origin : the input's path (absolute) when read from a file or folder, else None (the
        shipped example, or tables built in code); recorded in run.json as ``input_path``.
    read_warnings : what reading the files found odd but readable (a header below row 1, a
        hidden sheet); :attr:`warnings` adds the data's own.

    ``Problem(projects, countries, policy)`` trusts typed frames as validation returns
    them (benchmarks build big rounds so); use :meth:`from_frames` for anything else.
    """

    # declared for type checkers: set once in __init__, never changed
    policy: Policy
    sources: Mapping[str, str]
    origin: str | None
    read_warnings: tuple[Issue, ...]
    extensions: tuple[Extension, ...]
    _projects: pd.DataFrame
    _countries: pd.DataFrame
    _excel_rows: tuple[str, ...]

    def __init__(self, projects: pd.DataFrame, countries: pd.DataFrame, policy: Policy,
                 sources: Mapping[str, str] | None = None, *, origin: str | None = None,
                 read_warnings: Sequence[Issue] = (),
                 excel_rows: tuple[str, ...] = (PROJECTS, COUNTRIES),
                 extensions: Sequence[Extension] = ()) -> None:
        own = object.__setattr__  # the Problem refuses attribute changes after this
        own(self, "_projects", read_only(projects))
        own(self, "_countries", read_only(countries))
        own(self, "policy", policy)
        own(self, "sources", ProblemRecord(sources or {}))
        own(self, "origin", origin)
        own(self, "read_warnings", tuple(read_warnings))
        own(self, "_excel_rows", tuple(excel_rows))
        own(self, "extensions", tuple(extensions))

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"a Problem cannot be changed ({name}): use problem.with_projects"
                             "(df), with_countries(df) or with_policy(...), which validate "
                             "again")

    __delattr__ = __setattr__  # type: ignore[assignment]

    def __reduce__(self) -> tuple[Any, ...]:  # workers rebuild it read-only
        return (_rebuild, (self._projects, self._countries, self.policy, dict(self.sources),
                           self.origin, self.read_warnings, self._excel_rows,
                           self.extensions))

    @property
    def projects(self) -> pd.DataFrame:
        """The projects table, the same DataFrame on every access, of values of its own: a
        value or column set on it stays there to see, and a model built from the problem
        refuses the problem while it differs from the table as validated
        (:meth:`edits_in_place`)."""
        return self._handout(PROJECTS)

    @property
    def countries(self) -> pd.DataFrame:
        """The countries table, as :attr:`projects`."""
        return self._handout(COUNTRIES)

    def _handout(self, sheet: str) -> pd.DataFrame:
        handed = self.__dict__.setdefault("_handed", {})
        if sheet not in handed:  # values of its own, writable: an edit stays there to see
            handed[sheet] = self._table(sheet).copy(deep=True)
        return handed[sheet]

    def _table(self, sheet: str) -> pd.DataFrame:
        return self._projects if sheet == PROJECTS else self._countries

    @property
    def input_projects(self) -> pd.DataFrame:
        """The projects table as validated, a fresh read-only copy on each access: what
        osa-opt itself reads (a change made to :attr:`projects` in place never reaches it)."""
        return self._copy(self._projects)

    @property
    def input_countries(self) -> pd.DataFrame:
        """The countries table as validated, as :attr:`input_projects`."""
        return self._copy(self._countries)

    def edits_in_place(self) -> dict[str, list[str]]:
        """What was changed in place in :attr:`projects` or :attr:`countries` (the same
        tables on every access), by table: ``{"countries": ["column max_share changed"]}``;
        empty when nothing was. A Problem does not take such changes: a model built from it
        refuses it (:meth:`refuse_edits_in_place`); ``problem.with_countries(
        problem.countries)`` validates the edited table into a new Problem.

        >>> fresh = osa_opt.load_problem()
        >>> fresh.countries["max_share"] = 0.3
        >>> fresh.edits_in_place()
        {'countries': ['column max_share changed']}
        """
        out = {}
        for sheet, table in self.__dict__.get("_handed", {}).items():
            changes = table_changes(self._table(sheet), table)
            if changes:
                out[sheet] = changes
        return out

    def refuse_edits_in_place(self, doing: str = "a model built from it") -> None:
        """Raise :class:`~osa_opt.errors.OsaError` when :meth:`edits_in_place` has any: the
        message names the table and what changed, and the calls that take the change or drop
        it. ``doing`` says what would have used the table as validated."""
        edits = self.edits_in_place()
        if edits:
            raise OsaError(edits_message(edits, doing))

    def without_edits(self) -> Problem:
        """The same Problem with :attr:`projects` and :attr:`countries` as validated again
        (what was changed in them in place dropped). Not validated again: nothing changed."""
        return Problem(self._projects, self._countries, self.policy, self.sources,
                       origin=self.origin, read_warnings=self.read_warnings,
                       excel_rows=self._excel_rows, extensions=self.extensions)

    @staticmethod
    def _copy(frame: pd.DataFrame) -> pd.DataFrame:
        out = frame.copy(deep=False)  # shares the read-only arrays: cheap
        for name in unprotected(frame):  # extension columns cannot be locked: copied
            out[name] = frame[name].copy()
        return out

    # ------------------------------------------------------------------ construction
    @classmethod
    def from_frames(
        cls,
        projects: pd.DataFrame,
        countries: pd.DataFrame,
        policy: Policy | Mapping[str, Any] | None = None,
        *,
        sources: Mapping[str, str] | None = None,
        origin: str | None = None,
        read_warnings: Sequence[Issue] = (),
        extensions: Sequence[Extension] = (),
        read_cells: Claimed | None = None,
    ) -> Problem:
        """Validate raw tables into a Problem.

        A table read from a sheet carries each row's Excel row in a ``_row`` column (the
        readers add it) and problems name that row; a table built in Python has none, and
        problems name the project id (or country) and the index label instead.
        Raises :class:`osa_opt.errors.InputError` listing every problem, with
        ``read_cells``, the problems of cells the reader found (a number that could be
        read two ways, a date in a number column: ``read_input(..., cells_later=True)``).

        >>> import osa_opt, pandas as pd
        >>> projects_df = pd.read_excel("inputs/example.xlsx", sheet_name="projects")
        >>> countries_df = pd.read_excel("inputs/example.xlsx", sheet_name="countries")
        >>> problem = osa_opt.Problem.from_frames(projects_df, countries_df)  # default policy
        >>> len(problem.projects), len(problem.eligible)
        (38, 33)
        """
        if policy is None:
            policy = Policy.default()
        elif not isinstance(policy, Policy):
            policy = Policy.from_dict(policy)
        else:  # built in code as Policy(...) maybe: every key checked, as from a file
            policy = dataclasses.replace(
                Policy.from_dict(policy.to_dict(), source=policy.source),
                read_notes=policy.read_notes, overridden=policy.overridden)
        try:
            with paused_gc():  # millions of cells read: see osa_opt.gcpause
                projects_ok, countries_ok = validate_frames(projects, countries, policy,
                                                            read_cells)
        except InputError as exc:  # a value an override gave is named at the override
            moved = placed(exc.issues, policy)
            if moved == exc.issues:
                raise
            raise InputError(moved) from None
        excel = tuple(sheet for sheet, raw in ((PROJECTS, projects), (COUNTRIES, countries))
                      if isinstance(raw, pd.DataFrame) and ROW in raw.columns)
        return cls(projects_ok, countries_ok, policy, sources, origin=origin,
                   read_warnings=read_warnings, excel_rows=excel, extensions=extensions)

    def with_projects(self, projects: pd.DataFrame) -> Problem:
        """The same countries and policy with another projects table, validated again.

        ``projects`` is typically ``problem.projects`` edited in Python; its problems name
        the project id and index label (an edited table has no Excel rows). A change made in
        place to ``problem.countries`` comes along, validated too (:meth:`edits_in_place`),
        and this problem's tables are as validated again afterwards.

        >>> edited = problem.projects.copy()
        >>> edited.loc["P-01", "score_security"] = 9
        >>> problem = problem.with_projects(edited)
        """
        return self._with_tables({PROJECTS: projects})

    def with_countries(self, countries: pd.DataFrame) -> Problem:
        """The same projects and policy with another countries table, validated again (a
        change made in place to ``problem.projects`` comes along, as in :meth:`with_projects`)."""
        return self._with_tables({COUNTRIES: countries})

    def _with_tables(self, given: dict[str, pd.DataFrame]) -> Problem:
        """A new Problem of the tables ``given`` and, for the other table, the one changed in
        place (:meth:`edits_in_place`) or else the one validated, validated again; this
        problem's tables handed out are then as validated again."""
        edits = self.edits_in_place()
        handed = self.__dict__.get("_handed", {})
        tables = {**{sheet: handed[sheet] for sheet in edits}, **given}
        edited = {sheet: _edited(table) for sheet, table in tables.items()}
        sources = dict(self.sources)
        for sheet, table in edited.items():
            sources = _sources(sources, sheet, table)
        new = Problem.from_frames(
            edited[PROJECTS] if PROJECTS in edited else self.raw_projects(),
            edited[COUNTRIES] if COUNTRIES in edited else self.raw_countries(),
            self.policy, sources=sources, origin=self.origin,
            read_warnings=self.read_warnings, extensions=self.extensions)
        for sheet, table in tables.items():  # taken: this problem's as validated again
            if handed.get(sheet) is table:
                handed.pop(sheet)
        return new._warned([issue for sheet, table in edited.items()
                            for issue in _left_out(self._table(sheet), table,
                                                   new._table(sheet), sheet)])

    def _warned(self, issues: Sequence[Issue]) -> Problem:
        """This problem with ``issues`` added to its warnings (no validation again)."""
        if not issues:
            return self
        return Problem(self._projects, self._countries, self.policy, self.sources,
                       origin=self.origin, read_warnings=[*self.read_warnings, *issues],
                       excel_rows=self._excel_rows, extensions=self.extensions)

    def with_policy(
        self, policy: str | Path | Policy | Mapping[str, Any] | None = None,
        overrides: Mapping[str, Any] | None = None,
    ) -> Problem:
        """The same data under another policy (a TOML file, a Policy or nested dicts, as
        :func:`~osa_opt.inputs.readers.load_problem` takes), or the same policy with dotted
        ``overrides`` (``{"budget.FY2026": 20000}``), validated again.

        Columns a new fiscal year or criterion needs are checked again. A problem whose
        tables were changed in place (:meth:`edits_in_place`) is refused, naming the change.
        """
        self.refuse_edits_in_place("problem.with_policy(...)")
        given, from_file = (self.policy, {}) if policy is None else read_policy(policy)
        used = given.override(overrides)
        # a year an override names without a cost column (budget.FY2062): named at the
        # override with the closest year, as load_problem(overrides=...) does
        missing = override_year_issues(self._projects, overrides or {}, used.fiscal_years)
        if missing:
            raise InputError(missing)
        if from_file and not overrides:  # the file as read: its own name and sha256
            recorded = from_file
        elif used == self.policy:  # nothing changed (load_run gives the run's policy back)
            recorded = None
        else:  # never the old file's sha256 for a policy that is not that file
            recorded = edited_policy_source(used)
        sources = self.sources if recorded is None else {
            **{k: v for k, v in self.sources.items() if not is_policy_source(k)}, **recorded}
        return Problem.from_frames(self.raw_projects(), self.raw_countries(), used,
                                   sources=sources, origin=self.origin,
                                   read_warnings=self.read_warnings,
                                   extensions=self.extensions)

    def with_extensions(self, extend: Any) -> Problem:
        """The same problem with model extensions added (``extend``: a function
        ``func(model, problem)``, ``"FILE.py:FUNCTION"``, or a list of them): every model built
        from it — the solve, its explanations, robustness, compare, the frontier — applies
        them. Not validated again: the tables are unchanged. One given again (the same
        function from the same file or module, a cell run again, or a loaded run's extension
        that could not be loaded) replaces the one the problem has, so none runs twice.

        >>> def at_most_30(model, problem):
        ...     model.at_most_30 = pyo.Constraint(expr=sum(model.x.values()) <= 30)
        >>> once = problem.with_extensions(at_most_30)
        >>> len(once.extensions), len(once.with_extensions(at_most_30).extensions)
        (1, 1)
        """
        self.refuse_edits_in_place("problem.with_extensions(...)")

        def same(old: Extension, new: Extension) -> bool:
            if old.function != new.function or "<lambda>" in old.function:
                return False  # two lambdas are two rules
            return old.missing is not None or (old.file, old.module) == (new.file, new.module)

        given = as_extensions(extend)
        added = [ext for k, ext in enumerate(given)  # one given twice in the same call: once
                 if not any(ext == later and (ext.func is later.func or ext.portable)
                            for later in given[k + 1:])]
        kept = [ext for ext in self.extensions if not any(same(ext, new) for new in added)]
        return Problem(self._projects, self._countries, self.policy, self.sources,
                       origin=self.origin, read_warnings=self.read_warnings,
                       excel_rows=self._excel_rows, extensions=(*kept, *added))

    def _recorded_as(self, sources: Mapping[str, str]) -> Problem:
        """The same problem with the ``sources`` a run recorded (:func:`osa_opt.load_run`
        gives an edited Problem back under the run's policy.toml so: its inputs are the run's,
        not the policy file the Problem was built with). Not validated again."""
        return Problem(self._projects, self._countries, self.policy, sources,
                       origin=self.origin, read_warnings=self.read_warnings,
                       excel_rows=self._excel_rows, extensions=self.extensions)

    def raw_projects(self) -> pd.DataFrame:
        """The projects table back in sheet form (one row per sheet row; ``_row`` only when
        the rows are a file's Excel rows)."""
        df = self._raw(self._projects, PROJECTS)
        df["requires"] = df["requires"].map(";".join)
        return df

    def raw_countries(self) -> pd.DataFrame:
        """The countries table back in sheet form, like :meth:`raw_projects`."""
        return self._raw(self._countries, COUNTRIES)

    def _raw(self, frame: pd.DataFrame, sheet: str) -> pd.DataFrame:
        df = frame.reset_index().sort_values(ROW, kind="stable").reset_index(drop=True)
        return df if sheet in self._excel_rows else df.drop(columns=ROW)

    # ------------------------------------------------------------------ derived views
    @functools.cached_property
    def warnings(self) -> list[Issue]:
        """What is valid but most likely not meant: money in the wrong unit, a project with
        no cost, a header below row 1 ... (each sheet, row, column, rule and hint)."""
        return placed([*self.read_warnings, *self.policy.read_notes, *input_warnings(self)],
                      self.policy)

    @functools.cached_property
    def is_example(self) -> bool:
        """Whether this is the shipped example (its file's sha256 among ``sources``, from
        wherever it was read): the outputs then say its partners are fictional and its
        numbers illustrative (:data:`osa_opt.data.EXAMPLE_NOTE`)."""
        from osa_opt.data import is_example

        return is_example(self.sources)

    @functools.cached_property
    def input_note(self) -> str | None:
        """What every output says of a shipped input, from its files' sha256: the example's
        partners are fictional and its numbers illustrative; a real round's partners, items,
        costs and budget are the public record's (with its source) and its scores, tiers
        and assessments illustrative (:func:`osa_opt.data.input_note`). Any other round whose
        files mark rows in a column ``illustrative`` (an edited copy of a real round) is told
        how many and what they say (:func:`osa_opt.data.marked_illustrative`); one whose
        countries sheet still names the shipped example's fictional partners (a copy of the
        example, converted to .ods or edited: a round of its own) is told they are fictional
        (:func:`osa_opt.data.example_partners_note`), without being called the example.
        None for a round of one's own."""
        from osa_opt.data import (
            ILLUSTRATIVE_COLUMN,
            example_partners_note,
            input_note,
            marked_illustrative,
        )

        shipped = input_note(self.sources)
        if shipped is not None:
            return shipped

        def cells(frame: pd.DataFrame) -> list[object]:
            if ILLUSTRATIVE_COLUMN not in frame.columns:
                return []
            return ["" if pd.isna(c) else c for c in frame[ILLUSTRATIVE_COLUMN]]

        notes = [example_partners_note(map(str, self._countries.index)),
                 marked_illustrative(cells(self._projects), cells(self._countries))]
        return " ".join(n for n in notes if n) or None

    @functools.cached_property
    def title(self) -> str:
        """What the run is called in every output's title (the terminal's first line, the
        report, the workbook, the frontier chart): the policy's ``name`` when it names the
        round, else made from the input (:func:`round_title`): every run was titled
        "Default OSA round", whatever its file and year, unless ``--set name=…``."""
        return round_title(self.policy.name, list(self.policy.budget), self.sources,
                           self.origin)

    @property
    def fiscal_years(self) -> list[str]:
        return self.policy.fiscal_years

    @property
    def criteria(self) -> list[str]:
        return self.policy.criteria

    @_view
    def budget(self) -> pd.Series:
        """Budget per fiscal year, ¥ million, indexed by ``fiscal_year``."""
        return pd.Series(self.policy.budget, dtype=float, name="budget").rename_axis(
            "fiscal_year")

    @_view
    def cost(self) -> pd.DataFrame:
        """Cost per project (rows) and fiscal year (columns), ¥ million."""
        cols = {f"{COST_PREFIX}{fy}": fy for fy in self.fiscal_years}
        return self._projects[list(cols)].rename(columns=cols).astype(float)

    @_view
    def total_cost(self) -> pd.Series:
        """Cost of each project over every fiscal year of the policy."""
        return self.cost.sum(axis=1).rename("total_cost")

    @_view
    def scores(self) -> pd.DataFrame:
        cols = {f"{SCORE_PREFIX}{k}": k for k in self.criteria}
        return self._projects[list(cols)].rename(columns=cols).astype(float)

    @_view
    def tier(self) -> pd.Series:
        """Per project, its country's priority tier (named ``priority_tier``, not ``country``,
        so it can be a column or a groupby key as it is)."""
        return (self._projects["country"].map(self._countries["priority_tier"]).astype(int)
                .rename("priority_tier"))

    @_view
    def region(self) -> pd.Series:
        """Per project, its country's region (named ``region``)."""
        return self._projects["country"].map(self._countries["region"]).rename("region")

    @_view
    def country_factor(self) -> pd.Series:
        """Per project, its country's factor (:mod:`osa_opt.inputs.considerations`)."""
        obj = self.policy.objective
        by_country = country_factor(self._countries, obj.considerations,
                                    obj.consideration_strength)
        return self._projects["country"].map(by_country).astype(float).rename("country_factor")

    def value_of(self, weights: Mapping[str, float], scores: pd.DataFrame | None = None) -> pd.Series:
        """v[p] = (Σ_k w_k·score[p,k]) · tier_multiplier[tier] · country_factor[c]
        · (1 − risk_aversion·risk[p]) (docs/model.md)."""
        obj = self.policy.objective
        scores = self.scores if scores is None else scores
        weighted = sum(scores[k] * float(w) for k, w in weights.items())
        multiplier = self.tier.map(lambda t: obj.tier_multiplier.get(int(t), 1.0))
        risk_factor = 1.0 - obj.risk_aversion * self._projects["risk"].astype(float)
        return (weighted * multiplier * self.country_factor * risk_factor
                ).astype(float).rename("value")

    @_view
    def value(self) -> pd.Series:
        """Value of funding each project in full (the objective coefficient)."""
        return self.value_of(self.policy.objective.weights)

    @_view
    def eligibility(self) -> pd.DataFrame:
        """Per project: ``eligible`` (bool) and ``reasons`` (list of every reason it is not)."""
        with paused_gc():  # a list per project: see osa_opt.gcpause
            verdict = assess(self._projects, self._countries, self.policy)
            none = FrozenList()  # read-only, so every eligible project may share it
            verdict["reasons"] = pd.Series([FrozenList(r) if r else none
                                            for r in verdict["reasons"]],
                                           index=verdict.index, dtype=object)
        return verdict

    @property
    def eligible(self) -> pd.Index:
        """Ids of the projects that may be funded."""
        e = self.eligibility
        return e.index[e["eligible"]]

    @property
    def mandatory(self) -> pd.Index:
        p = self._projects
        return p.index[p["status"] == "mandatory"]

    @functools.cached_property
    def unfundable(self) -> Mapping[str, Unfundable]:
        """Eligible projects that can never be funded: each requires, directly or through
        others, a project that cannot be (excluded, or failing an eligibility rule); project
        id -> its shortest chain of requirements and why its last project cannot be funded
        (:mod:`osa_opt.inputs.forced`). Read-only."""
        return MappingProxyType(unfundable_requirements(self._projects, self.eligibility))

    def summary(self) -> dict[str, Any]:
        """Counts for the terminal: projects, eligible, ineligible (a rule keeps them out) and
        by reason, forced out (by their status or the year of their cost alone), budget,
        bundles, and the projects the sheet forces in or out (``forced``, with each one's
        reason).

        >>> {k: problem.summary()[k] for k in ("eligible", "ineligible", "forced_out")}
        {'eligible': 33, 'ineligible': 4, 'forced_out': 1}
        """
        if "_summary" not in self.__dict__:  # the workbook, run.json and the terminal ask
            self.__dict__["_summary"] = self._summary()
        return copy.deepcopy(self.__dict__["_summary"])

    def _summary(self) -> dict[str, Any]:
        e = self.eligibility
        # ineligible as the terminal and the report count it (eligibility.ruled_out): a rule
        # keeps it out; one out by the round's decision alone (status excluded, its cost
        # only in another year) is forced out, counted apart and listed under forced
        ruled = ruled_out(e)
        reasons: dict[str, int] = {}
        for rs in ruled:
            for r in rs:
                key = code_of(r)
                reasons[key] = reasons.get(key, 0) + 1
        out = int((~e["eligible"].astype(bool)).sum())
        return {
            "projects": len(self._projects),
            "countries": len(self._countries),
            "eligible": int(e["eligible"].sum()),
            "ineligible": len(ruled),
            "forced_out": out - len(ruled),
            "ineligible_by_reason": reasons,
            # projects eligible only because an override waives a rule, with its reason
            "overrides": {str(p): list(o) for p, o in e["overrides"][in_by_override(e)].items()},
            "budget": dict(self.policy.budget),
            "requested": {fy: float(self.cost[fy].sum()) for fy in self.fiscal_years},
            "bundles": bundles(self._projects),
            # forced in (status mandatory, stage signed) or out (status excluded, or its
            # cost in a year the policy has no budget for), and why
            "forced": forced_projects(self._projects, self.total_cost, {
                str(p): r for p, rs in e["reasons"].items() for r in rs
                if r.startswith(COST_ELSEWHERE)}),
        }

    def __repr__(self) -> str:
        return problem_repr(self)

    def _repr_html_(self) -> str:
        return problem_html(self)


#: Policy names that name no round: the shipped default policy's and the built-in default.
UNNAMED = frozenset({"Default OSA round", UNNAMED_POLICY, ""})


def round_title(name: str, years: Sequence[str], sources: Mapping[str, str],
                origin: str | None) -> str:
    """A run's title: the policy's ``name`` unless it is one of :data:`UNNAMED`; then the
    input's file (or folder) name and the budget's fiscal years, the shipped example and a
    shipped real round said as such (the example "illustrative", as its note says).

    >>> round_title("FY2026 after the supplementary", ["FY2026"], {}, "/x/round.xlsx")
    'FY2026 after the supplementary'
    >>> round_title("Default OSA round", ["FY2026"], {}, "/home/officer/round.xlsx")
    'round FY2026'
    >>> round_title("Unnamed policy", ["FY2026", "FY2027"], {}, "/x/osa_fy2026.xlsx")
    'osa_fy2026 FY2026-FY2027'
    >>> round_title("Default OSA round", ["FY2025"], {}, "/x/Draft FY2025.xlsx")
    'Draft FY2025'
    >>> round_title("Default OSA round", ["FY2026"], {}, None)
    'OSA round FY2026'
    """
    from osa_opt.data import is_example, real_round_year

    if name.strip() not in UNNAMED:
        return name
    span = years[0] if len(years) == 1 else f"{years[0]}-{years[-1]}" if years else ""
    if is_example(sources):
        return f"Shipped example {span} (illustrative)".replace("  ", " ")
    real = real_round_year(sources)
    if real is not None:
        return f"Real OSA round {real}" + (f", budget {span}" if span != real else "")
    stem = Path(origin).stem if origin else "OSA round"
    plain = "".join(ch for ch in stem.lower() if ch.isalnum())
    if span and all(y.lower() in plain for y in years):
        return stem
    return f"{stem} {span}".strip()


def _rebuild(projects: pd.DataFrame, countries: pd.DataFrame, policy: Policy,
             sources: dict[str, str], origin: str | None, read_warnings: tuple[Issue, ...],
             excel_rows: tuple[str, ...], extensions: tuple[Extension, ...] = ()) -> Problem:
    return Problem(projects, countries, policy, sources, origin=origin,
                   read_warnings=read_warnings, excel_rows=excel_rows, extensions=extensions)


def _edited(table: pd.DataFrame) -> pd.DataFrame:
    """A table edited in Python: its ``_row`` column (Excel rows of the original file, or
    positions) no longer locates its rows, so problems name ids and index labels instead."""
    if not isinstance(table, pd.DataFrame):
        return table  # validation names the mistake
    return table.drop(columns=[c for c in table.columns if str(c).strip() == ROW])


def _left_out(before: pd.DataFrame, edited: Any, after: pd.DataFrame, sheet: str
              ) -> list[Issue]:
    """A warning per column of the problem's table that the edited table left out and
    whose values that changed (``status``: P-01 was mandatory, is now a candidate by
    default): a table narrowed for a look (``problem.projects[["title", "cost_FY2026"]]``)
    and passed back would otherwise drop a rule silently."""
    if not isinstance(edited, pd.DataFrame):
        return []
    kept = {str(c).strip() for c in edited.columns}
    common = before.index.intersection(after.index)
    issues = []
    for column in before.columns:
        if column == ROW or column in kept or column not in after.columns:
            continue
        old = before[column].reindex(common).astype(object)  # categorical, nullable: alike
        new = after[column].reindex(common).astype(object)
        same = (old == new) | (old.isna() & new.isna())
        changed = list(common[~same.to_numpy(dtype=bool)])
        if not changed:
            continue
        first = changed[0]
        row, rows = ("project", "projects") if sheet == PROJECTS else ("country", "countries")
        issues.append(Issue(
            sheet, None, column, None,
            f"the edited table has no column {column} (problem.{sheet} has it), so every "
            f"{row} takes its default: {len(changed):,} {row if len(changed) == 1 else rows} "
            f"changed, e.g. {first} from {_shown(old[first])} to {_shown(new[first])}",
            f"if the defaults are not meant, keep the column: "
            f"df[{column!r}] = problem.{sheet}[{column!r}]"))
    return issues


def _shown(value: Any) -> str:
    """A cell in a warning: blank, a number as numpy would not print it, text cut short."""
    value = value.item() if hasattr(value, "item") else value
    if value is None or (isinstance(value, float) and value != value) or value == "":
        return "blank"
    text = repr(value)
    return text if len(text) <= 40 else text[:36] + "...'"


#: The mark of a table edited in Python among a Problem's sources ("countries (DataFrame)"):
#: run_folder reads it back to refuse answering for the unedited file.
EDITED_TABLE = " (DataFrame)"


def _sources(sources: Mapping[str, str], sheet: str, table: pd.DataFrame) -> dict[str, str]:
    """The sources with the edited table recorded by the sha256 of its contents."""
    if not isinstance(table, pd.DataFrame):
        return dict(sources)
    hashed = pd.util.hash_pandas_object(table.astype(str), index=True).to_numpy().tobytes()
    return {**sources, f"{sheet}{EDITED_TABLE}": sha256(hashed)}
