"""A fiscal year that dotted ``overrides`` name (``budget.FY2028``) with no cost column in
the projects sheet: most often a typo in the override, named there with the closest of the
policy's years, for :func:`osa_opt.load_problem` and :meth:`Problem.with_policy` alike.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from osa_opt.errors import Issue, MissingYear
from osa_opt.inputs.schema import COST_PREFIX, ROW
from osa_opt.text import reiwa_year, suggest, year_spelt

__all__ = ["closest_year", "missing_year_hint", "override_year_issues"]


def override_year_issues(projects: pd.DataFrame, overrides: Mapping[str, Any],
                          fiscal_years: Sequence[str] = ()) -> list[Issue]:
    """A fiscal year that ``overrides`` names (``budget.FY2028``) with no cost column in the
    projects sheet, checked before the tables are: most often a typo in the override, so it
    is named there, not as the projects sheet's missing column, with the closest of the
    policy's ``fiscal_years`` (``fy2026``: *did you mean FY2026?*). Each issue carries its
    facts as a :class:`~osa_opt.errors.MissingYear` (``detail``), from which the command
    line words it for its ``--budget`` option (cli.common.blame_budget_option, with
    :func:`missing_year_hint`). A sheet without headers is left to validation ("the sheet
    is empty")."""
    present = {str(c).strip() for c in projects.columns} - {ROW}
    if not present:
        return []
    missing = {key: str(key).removeprefix("budget.") for key in overrides
               if str(key).startswith("budget.")
               and f"{COST_PREFIX}{str(key).removeprefix('budget.')}" not in present}
    years = tuple(fy for fy in fiscal_years if fy not in missing.values())  # the policy's own
    issues = []
    for key, fy in missing.items():
        year = MissingYear(str(key), fy, f"{COST_PREFIX}{fy}", closest_year(fy, years, present),
                           years)
        issues.append(Issue(
            f"overrides {key!r}", None, year.column, fy,
            f"missing column {year.column}: {fy} is not a fiscal year of this input",
            missing_year_hint(year), detail=year))
    return issues


def closest_year(fy: str, years: Sequence[str], present: set[str]) -> str | None:
    """The fiscal year an override most likely means: a year of the Japanese era (``R8``)
    as the policy's years or the cost columns write it (``FY2026``), else the closest of
    the policy's ``years`` in spelling."""
    era = reiwa_year(fy)
    if era is not None:
        spelt = [*years, *sorted(c.removeprefix(COST_PREFIX) for c in present
                                 if c.startswith(COST_PREFIX))]
        same = year_spelt(era[1], spelt)
        if same is not None:
            return same
    return suggest(fy, years)


def missing_year_hint(year: MissingYear, where: str = "overrides",
                      meant: str | None = None) -> str:
    """The fix of an override naming a fiscal year without a cost column: the closest of
    the policy's years (``meant``: as the caller would type it, ``--budget FY2026=18100``),
    the policy's years, and the two ways out, the year checked in ``where``.

    >>> from osa_opt.errors import MissingYear
    >>> missing_year_hint(MissingYear("budget.fy2026", "fy2026", "cost_fy2026", "FY2026", ("FY2026",)))
    "did you mean FY2026? (the policy's fiscal years: FY2026) Otherwise check the year in overrides, or add cost_fy2026 to the projects sheet with each project's cost in that year"
    """
    named = (f" (the policy's fiscal years: {', '.join(year.policy_years)})"
             if year.policy_years else "")
    fix = f"or add {year.column} to the projects sheet with each project's cost in that year"
    if year.closest:
        return (f"did you mean {meant or year.closest}?{named} Otherwise check the year in "
                f"{where}, {fix}")
    return f"check the year in {where}{named}, {fix}"
