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

A cost in an earlier year than the round's (``cost_FY2025`` under FY2026) was planned, or
signed, then: the fix says so, not to budget a year gone by.

>>> past = pd.DataFrame({"cost_FY2026": [0.0], "cost_FY2025": [1300.0]}, index=["P-05"])
>>> elsewhere_reasons(past, ["FY2026"])[0]
"cost in another year: ¥1,300m in cost_FY2025, none in cost_FY2026, and FY2025 is before this round's FY2026 (if it slipped into FY2026, move its cost to cost_FY2026; if it was signed in FY2025, it is not in this round: give it status excluded, with 'signed in FY2025' in status_reason)"

Where the reason is repeated for another project (one that requires it), its short form
says where the cost stands, without the fix (:func:`short_reason`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

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
        fys = [c.removeprefix(COST_PREFIX) for c, _ in moved]
        later = [fy for fy in fys if not before_round(fy, years)]
        if later:  # a year to come (or one between the policy's): plan it too
            first = later[0]
            reasons[int(i)] = (
                f"{COST_ELSEWHERE}: {held}, none in {none}{_SHORT_ENDS}the policy has no "
                f"budget for {' or '.join(fys)} (to fund it in {', '.join(years)}, move its "
                f"cost to {none}; to plan {first} too, give the policy a budget for it: "
                f"budget.{first}, or --budget {first}=AMOUNT in ¥ million)")
            continue
        first = fys[-1]  # the latest of the earlier years: where it was last planned
        reasons[int(i)] = (
            f"{COST_ELSEWHERE}: {held}, none in {none}{_SHORT_ENDS}{' and '.join(fys)} "
            f"{'is' if len(fys) == 1 else 'are'} before this round's {', '.join(years)} (if "
            f"it slipped into {', '.join(years)}, move its cost to {none}; if it was signed "
            f"in {first}, it is not in this round: give it status excluded, with 'signed in "
            f"{first}' in status_reason)")
    return reasons


#: Where the short form of a reason (where the cost stands) ends and the rest begins.
_SHORT_ENDS = ", and "


def _year_number(fy: str) -> int | None:
    """The year a fiscal year's name gives in four digits (``FY2025``, ``2025年度``) or in
    the Japanese era (``R7``: 2025); else None.

    >>> _year_number("FY2025"), _year_number("R7"), _year_number("next")
    (2025, 2025, None)
    """
    found = re.search(r"(?<!\d)(?:fy\s*)?(\d{4})(?!\d)", half_width(fy), re.IGNORECASE)
    if found:
        return int(found.group(1))
    era = reiwa_year(fy)
    return era[1] if era else None


def before_round(fy: str, years: Sequence[str]) -> bool:
    """Whether ``fy`` is a year before every one of the policy's ``years`` (False when
    any of them gives no year)."""
    year, own = _year_number(fy), [_year_number(y) for y in years]
    return year is not None and bool(own) and all(y is not None and year < y for y in own)


def out_by_year(reasons: object) -> bool:
    """Whether a project's reasons (a list of :func:`~osa_opt.inputs.eligibility.assess`)
    take it out of the round by the year of its cost (:data:`COST_ELSEWHERE`), among any
    others; anything but a list or tuple has none.

    >>> out_by_year(["cost in another year: ¥750m in cost_FY2027, none in cost_FY2026"])
    True
    >>> out_by_year(["status excluded: Withdrawn"]), out_by_year(float("nan"))
    (False, False)
    """
    listed = list(reasons) if isinstance(reasons, list | tuple) else []
    return any(str(r).startswith(COST_ELSEWHERE) for r in listed)


def short_reason(reason: str) -> str:
    """The first part of a reason of :func:`elsewhere_reasons`: where the project's cost
    stands, without why nor the fix, for a line about another project (one that requires
    it) that names it in passing; any other reason as it is.

    >>> short_reason("cost in another year: ¥750m in cost_FY2027, none in cost_FY2026, and "
    ...              "the policy has no budget for FY2027 (to fund it in FY2026, ...)")
    'cost in another year: ¥750m in cost_FY2027, none in cost_FY2026'
    """
    if not reason.startswith(COST_ELSEWHERE):
        return reason
    return reason.split(_SHORT_ENDS, 1)[0]


def reason_and_fix(reason: str) -> tuple[str, str] | None:
    """A reason of :func:`elsewhere_reasons` as what is the case and the fix in its
    brackets, for a message whose fix has a place of its own (the refusal of a mandatory
    project that slipped out of this round); None for any other reason.

    >>> reason_and_fix("cost in another year: ¥9m in cost_FY2025, none in cost_FY2026, and "
    ...                "FY2025 is before this round's FY2026 (if it slipped into FY2026, move "
    ...                "its cost to cost_FY2026; if ...)")
    ("¥9m in cost_FY2025, none in cost_FY2026, and FY2025 is before this round's FY2026", 'if it slipped into FY2026, move its cost to cost_FY2026; if ...')
    """
    found = re.fullmatch(rf"{COST_ELSEWHERE}: (.*?) \((.*)\)", reason, re.DOTALL)
    return (found.group(1), found.group(2)) if found else None


def where_held(reason: str) -> str | None:
    """Where the cost of a project out of this round by the year of its cost stands, by
    fiscal year, for the place its cost is shown (``¥500m in FY2027`` rather than the
    ``¥0m`` it costs in this round); None for any other reason.

    >>> where_held("cost in another year: ¥500m in cost_FY2027, none in cost_FY2026, and ...")
    '¥500m in FY2027'
    >>> where_held("status excluded: Withdrawn") is None
    True
    """
    if not reason.startswith(COST_ELSEWHERE):
        return None
    held = short_reason(reason).removeprefix(f"{COST_ELSEWHERE}: ").rpartition(", none in ")[0]
    return re.sub(rf"\bin {re.escape(COST_PREFIX)}", "in ", held) or None


def own_cost_columns(reason: str) -> str | None:
    """The cost columns of the policy's years a reason of :func:`elsewhere_reasons` says
    are empty (``cost_FY2026``): where the cost would go to bring the project into this
    round; None for any other reason.

    >>> own_cost_columns("cost in another year: ¥750m in cost_FY2027, none in cost_FY2026")
    'cost_FY2026'
    """
    if not reason.startswith(COST_ELSEWHERE):
        return None
    _, found, own = short_reason(reason).rpartition(", none in ")
    return own if found else None


def cost_to_move(reasons: Iterable[object]) -> str | None:
    """Where a project's cost would go to bring it into this round (``cost_FY2026``,
    :func:`own_cost_columns`) when it is out by the year of its cost alone: every one of its
    ``reasons`` says so, naming the same columns; else None (a project failing a rule, or
    excluded, stays out wherever its cost stands).

    >>> cost_to_move(["cost in another year: ¥750m in cost_FY2027, none in cost_FY2026"])
    'cost_FY2026'
    >>> cost_to_move(["cost in another year: ¥750m in cost_FY2027, none in cost_FY2026",
    ...               "country is a party to a conflict: X"]) is None
    True
    """
    moved = {own_cost_columns(str(r)) for r in reasons}
    return moved.pop() if len(moved) == 1 and None not in moved else None
