"""Costs in a ``cost_<FY>`` column of a year the policy has no budget for.

A project whose every cost of the policy's years is 0 or blank but whose cost stands in
another year's column (``cost_FY2027`` under a policy of FY2026: a project slipped to next
year as a spreadsheet does it, its cost moved across) has no cost in this round, so it is
not in this round: out of it as a project marked ``excluded`` is, never funded
(:func:`osa_opt.inputs.eligibility.assess` gives it the reason :data:`COST_ELSEWHERE`; the
forced-out lists name it with the year that holds its cost and the fix).

>>> import pandas as pd
>>> projects = pd.DataFrame({"cost_FY2026": [0.0, 500.0], "cost_FY2027": [750.0, 100.0]},
...                         index=["P-30", "P-31"])
>>> elsewhere_reasons(projects, ["FY2026"])
{0: 'cost in another year: ¥750m in cost_FY2027, none in cost_FY2026, and the policy has no budget for FY2027 (to fund it in FY2026, move its cost to cost_FY2026; to plan FY2027 too, give the policy a budget for it: budget.FY2027, or --budget FY2027=AMOUNT in ¥ million)'}
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import pandas as pd

from osa_opt.inputs.schema import COST_PREFIX
from osa_opt.text import half_width, reiwa_year, yen

#: The code of the reason of a project out of the round by the year of its cost.
COST_ELSEWHERE = "cost in another year"


def year_like_policy(fy: str, years: Sequence[str]) -> str | None:
    """The fiscal year ``fy`` names, spelt as the policy spells its years, when ``fy`` is
    spelt otherwise (``2027`` or ``FY2027 (estimate)`` beside a policy's ``FY2026``; it
    may be one of the policy's years); else None.

    >>> year_like_policy("2027", ["FY2026"]), year_like_policy("FY2027 (estimate)", ["FY2026"])
    ('FY2027', 'FY2027')
    >>> year_like_policy("FY2027", ["FY2026"]) is None
    True

    A year of the Japanese era (``R9``, ``令和9年度``: FY2027) is the policy's year too.

    >>> year_like_policy("R9", ["FY2026"]), year_like_policy("令和9年度", ["FY2026"])
    ('FY2027', 'FY2027')
    """
    found = re.search(r"(?<!\d)(?:fy\s*)?(\d{4})(?!\d)", fy, re.IGNORECASE)
    era = reiwa_year(fy)
    digits = found.group(1) if found else str(era[1]) if era else None
    styled = [re.fullmatch(r"([^\d]*)\d{4}", y) for y in years]
    if digits is None or not all(styled):
        return None
    prefixes = {m.group(1) for m in styled if m}
    if len(prefixes) != 1:
        return None
    year = f"{prefixes.pop()}{digits}"
    return year if year != fy else None


def other_year_columns(columns: Sequence[object], years: Sequence[str]) -> list[str]:
    """The ``cost_<FY>`` columns of a fiscal year the policy has no budget for: named for a
    year (a digit, or a year of the Japanese era), not one of the policy's years however
    spelt (``cost_2026`` beside a policy's FY2026 is another version of its costs), not a
    yearless sum (``cost_total``)."""
    out = []
    for column in columns:
        name = str(column)
        fy = name.removeprefix(COST_PREFIX)
        if not name.startswith(COST_PREFIX) or fy in years:
            continue
        if not re.search(r"\d", half_width(fy)) and reiwa_year(fy) is None:
            continue  # cost_total: no year
        if year_like_policy(fy, years) in years:
            continue
        out.append(name)
    return out


def elsewhere_reasons(projects: pd.DataFrame, years: Sequence[str]) -> dict[int, str]:
    """Per project (by its position in ``projects``) whose every cost of the policy's ``years`` is
    0 or blank and which has a cost above 0 in another year's column
    (:func:`other_year_columns`): the reason it is out of this round, naming where its
    cost stands and the fix. Whole columns at once; only those projects are worded."""
    others = other_year_columns(list(projects.columns), years)
    own = [f"{COST_PREFIX}{fy}" for fy in years]
    if not others or not years or any(c not in projects.columns for c in own):
        return {}
    costs = projects[own].apply(pd.to_numeric, errors="coerce").fillna(0.0)
    elsewhere = projects[others].apply(pd.to_numeric, errors="coerce").fillna(0.0)
    out_of_round = (costs == 0).all(axis=1) & (elsewhere > 0).any(axis=1)
    if not out_of_round.any():
        return {}
    reasons = {}
    none = " or ".join(own)
    amounts = elsewhere.to_numpy(dtype=float)
    for i in np.flatnonzero(out_of_round.to_numpy()):
        moved = [(c, float(a)) for c, a in zip(others, amounts[i], strict=True) if a > 0]
        held = " and ".join(f"{yen(a)} in {c}" for c, a in moved)
        first = moved[0][0].removeprefix(COST_PREFIX)
        reasons[int(i)] = (
            f"{COST_ELSEWHERE}: {held}, none in {none}, and the policy has no budget for "
            f"{' or '.join(c.removeprefix(COST_PREFIX) for c, _ in moved)} (to fund it in "
            f"{', '.join(years)}, move its cost to {none}; to plan {first} too, give the "
            f"policy a budget for it: budget.{first}, or --budget {first}=AMOUNT in ¥ million)")
    return reasons
