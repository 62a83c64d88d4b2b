"""The validated Problem: the projects and countries tables plus the policy.

A Problem is built only through validation (:func:`osa_opt.load_problem` or
:meth:`Problem.from_frames`), so everything downstream may trust it. It is never modified:
:meth:`Problem.with_policy` returns a new one.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import pandas as pd

from osa_opt.errors import Issue
from osa_opt.inputs.eligibility import assess
from osa_opt.inputs.policy import Policy
from osa_opt.inputs.schema import COST_PREFIX, ROW, SCORE_PREFIX
from osa_opt.inputs.validation import validate_frames


@dataclass(frozen=True, eq=False)
class Problem:
    """Validated inputs.

    Attributes
    ----------
    projects : DataFrame indexed by ``project_id``; typed columns of docs/inputs.md (``requires``
        as a tuple of ids, defaults filled in), extra columns kept, and ``_row``, the Excel row.
    countries : DataFrame indexed by ``country``, likewise.
    policy : the Policy in force.
    sources : input file name -> sha256, for the run manifest.
    origin : the input's path (absolute) when read from a file or folder, else None (the
        shipped example, or tables built in code); recorded in run.json as ``input_path``.
    read_warnings : what reading the files found odd but readable (a header below row 1, a
        hidden sheet); :attr:`warnings` adds the data's own.
    """

    projects: pd.DataFrame
    countries: pd.DataFrame
    policy: Policy
    sources: dict[str, str] = field(default_factory=dict)
    origin: str | None = None
    read_warnings: tuple[Issue, ...] = field(default=(), repr=False)

    # ------------------------------------------------------------------ construction
    @classmethod
    def from_frames(
        cls,
        projects: pd.DataFrame,
        countries: pd.DataFrame,
        policy: Policy | Mapping[str, Any] | None = None,
        *,
        sources: dict[str, str] | None = None,
        read_warnings: Sequence[Issue] = (),
    ) -> Problem:
        """Validate raw tables (as read from a sheet: one row per Excel row) into a Problem.

        Raises :class:`osa_opt.errors.InputError` listing every problem.

        >>> import osa_opt
        >>> problem = osa_opt.Problem.from_frames(projects_df, countries_df, policy)  # doctest: +SKIP
        """
        if policy is None:
            policy = Policy.default()
        elif not isinstance(policy, Policy):
            policy = Policy.from_dict(policy)
        else:  # built in code as Policy(...) maybe: every key checked, as from a file
            policy = Policy.from_dict(policy.to_dict(), source=policy.source)
        projects_ok, countries_ok = validate_frames(projects, countries, policy)
        return cls(projects_ok, countries_ok, policy, dict(sources or {}),
                   read_warnings=tuple(read_warnings))

    def with_policy(
        self, policy: Policy | None = None, overrides: Mapping[str, Any] | None = None
    ) -> Problem:
        """The same data under another policy (or the same policy with dotted overrides).

        Columns a new fiscal year or criterion needs are checked again.
        """
        policy = (policy or self.policy).override(overrides)
        raw_projects = self.raw_projects()
        raw_countries = self.raw_countries()
        new = Problem.from_frames(raw_projects, raw_countries, policy, sources=self.sources,
                                  read_warnings=self.read_warnings)
        return dataclasses.replace(new, origin=self.origin)

    def raw_projects(self) -> pd.DataFrame:
        """The projects table back in sheet form (one row per Excel row)."""
        df = self.projects.reset_index()
        df["requires"] = df["requires"].map(lambda ids: ";".join(ids))
        return df.sort_values(ROW).reset_index(drop=True)

    def raw_countries(self) -> pd.DataFrame:
        return self.countries.reset_index().sort_values(ROW).reset_index(drop=True)

    # ------------------------------------------------------------------ derived views
    @cached_property
    def warnings(self) -> list[Issue]:
        """What is valid but most likely not meant: money in the wrong unit, a project with
        no cost, a header below row 1 ... (each sheet, row, column, rule and hint)."""
        from osa_opt.inputs.sanity import input_warnings

        return [*self.read_warnings, *input_warnings(self)]

    @property
    def fiscal_years(self) -> list[str]:
        return self.policy.fiscal_years

    @property
    def criteria(self) -> list[str]:
        return self.policy.criteria

    @property
    def budget(self) -> pd.Series:
        """Budget per fiscal year, ¥ million."""
        return pd.Series(self.policy.budget, dtype=float, name="budget")

    @cached_property
    def cost(self) -> pd.DataFrame:
        """Cost per project (rows) and fiscal year (columns), ¥ million."""
        cols = {f"{COST_PREFIX}{fy}": fy for fy in self.fiscal_years}
        return self.projects[list(cols)].rename(columns=cols).astype(float)

    @cached_property
    def total_cost(self) -> pd.Series:
        """Cost of each project over every fiscal year of the policy."""
        return self.cost.sum(axis=1).rename("total_cost")

    @cached_property
    def scores(self) -> pd.DataFrame:
        cols = {f"{SCORE_PREFIX}{k}": k for k in self.criteria}
        return self.projects[list(cols)].rename(columns=cols).astype(float)

    @cached_property
    def tier(self) -> pd.Series:
        return self.projects["country"].map(self.countries["priority_tier"]).astype(int)

    @cached_property
    def region(self) -> pd.Series:
        return self.projects["country"].map(self.countries["region"])

    def value_of(self, weights: Mapping[str, float], scores: pd.DataFrame | None = None) -> pd.Series:
        """v[p] = (Σ_k w_k·score[p,k]) · tier_multiplier[tier] · (1 − risk_aversion·risk[p])."""
        obj = self.policy.objective
        scores = self.scores if scores is None else scores
        weighted = sum(scores[k] * float(w) for k, w in weights.items())
        multiplier = self.tier.map(lambda t: obj.tier_multiplier.get(int(t), 1.0))
        risk_factor = 1.0 - obj.risk_aversion * self.projects["risk"].astype(float)
        return (weighted * multiplier * risk_factor).astype(float).rename("value")

    @cached_property
    def value(self) -> pd.Series:
        """Value of funding each project in full (the objective coefficient)."""
        return self.value_of(self.policy.objective.weights)

    @cached_property
    def eligibility(self) -> pd.DataFrame:
        """Per project: ``eligible`` (bool) and ``reasons`` (list of every reason it is not)."""
        return assess(self.projects, self.countries, self.policy)

    @property
    def eligible(self) -> pd.Index:
        """Ids of the projects that may be funded."""
        e = self.eligibility
        return e.index[e["eligible"]]

    @property
    def mandatory(self) -> pd.Index:
        p = self.projects
        return p.index[p["status"] == "mandatory"]

    def summary(self) -> dict[str, Any]:
        """Counts for the terminal: projects, eligible, ineligible by reason, budget, bundles."""
        from osa_opt.inputs.rules import bundles

        e = self.eligibility
        reasons: dict[str, int] = {}
        for rs in e["reasons"]:
            for r in rs:
                key = r.split(":")[0]
                reasons[key] = reasons.get(key, 0) + 1
        return {
            "projects": len(self.projects),
            "countries": len(self.countries),
            "eligible": int(e["eligible"].sum()),
            "ineligible": int((~e["eligible"]).sum()),
            "ineligible_by_reason": reasons,
            "budget": dict(self.policy.budget),
            "requested": {fy: float(self.cost[fy].sum()) for fy in self.fiscal_years},
            "bundles": bundles(self.projects),
        }

    def __repr__(self) -> str:
        return (f"<Problem {len(self.projects)} projects, {len(self.countries)} countries, "
                f"policy {self.policy.name!r}>")
