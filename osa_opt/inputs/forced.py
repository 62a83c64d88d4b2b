"""What the input forces, and what a requirement keeps out for good.

The projects sheet forces a project **in** with ``status`` mandatory or ``stage`` signed (a
signed item is fixed in like a mandatory one) and **out** with ``status`` excluded, each
with its ``status_reason``, or by a cost that stands only in a year the policy has no
budget for (:mod:`.other_years`: where it stands and the fix in its place).
:func:`forced_projects` lists them; ``problem.summary()["forced"]`` holds the list, and
every output shows it (``osa-opt validate`` and ``solve`` on the terminal, the report, the
workbook's Projects sheet, run.json).

A project can also be out for good without being marked so: one that requires, directly or
through others, a project that cannot be funded (excluded, out of the round by the year of
its cost, or failing an eligibility rule) can never be funded itself (``x[p] ≤ x[q]`` for
each requirement, and ``x[q] = 0``). :func:`unfundable_requirements` finds each such
project with its shortest chain of requirements; ``problem.unfundable`` holds them, the
input warnings name each (:mod:`.sanity`; a mandatory or signed one is refused instead,
:mod:`.requirement_rules`), and the not-funded reason and the why-out answer say the chain.

>>> forced_projects(problem.projects, problem.total_cost)["P-26"]["by"]
'status excluded'
>>> edited = problem.projects.copy()
>>> edited.loc["P-02", "status"] = "excluded"
>>> edited = problem.with_projects(edited)
>>> unfundable_requirements(edited.projects, edited.eligibility)["P-04"].words()
'requires P-02, which is excluded'
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from osa_opt.inputs.other_years import COST_ELSEWHERE, cost_to_move, short_reason, where_held
from osa_opt.text import yen

#: How the projects sheet forces a project: the column and its value, in or out.
MANDATORY, SIGNED, EXCLUDED = "status mandatory", "stage signed", "status excluded"


def forced_projects(projects: pd.DataFrame, total_cost: pd.Series,
                    elsewhere: Mapping[str, str] | None = None) -> dict[str, dict[str, Any]]:
    """Per project the projects sheet forces in (``status`` mandatory, ``stage`` signed) or
    out (``status`` excluded, or its cost in a year the policy has no budget for: its id
    in ``elsewhere``, with the reason), those forced in first, each in input order:
    ``country``, ``total_cost`` (¥ million, the policy's years), ``forced`` (``"in"`` or
    ``"out"``), ``by`` (:data:`MANDATORY`, :data:`SIGNED`, :data:`EXCLUDED` or
    :data:`COST_ELSEWHERE`; a mandatory signed project is ``status mandatory``) and
    ``status_reason`` ("" when none is given; for :data:`COST_ELSEWHERE`, where its cost
    stands and the fix) and ``cost_elsewhere`` (for :data:`COST_ELSEWHERE`, where its cost
    stands: ``¥500m in FY2027``; else ""). ``projects`` is indexed by project id."""
    status = projects["status"]
    signed = (projects["stage"] == "signed") if "stage" in projects.columns \
        else pd.Series(False, index=projects.index)
    elsewhere = elsewhere or {}
    mask = (status == "mandatory") | (status == "excluded") | signed
    if elsewhere:
        mask |= projects.index.isin(list(elsewhere))
    if not mask.any():
        return {}
    chosen = projects[mask.to_numpy()]
    reasons = chosen["status_reason"] if "status_reason" in chosen.columns \
        else pd.Series("", index=chosen.index)
    out = {}
    for pid, country, state, reason in zip(chosen.index, chosen["country"], chosen["status"],
                                           reasons, strict=True):
        by = MANDATORY if state == "mandatory" else EXCLUDED if state == "excluded" else \
            COST_ELSEWHERE if pid in elsewhere else SIGNED
        written = "" if reason is None else str(reason).strip()
        out[str(pid)] = {"country": str(country), "total_cost": float(total_cost[pid]),
                         "forced": "out" if by in (EXCLUDED, COST_ELSEWHERE) else "in",
                         "by": by,
                         "status_reason": (elsewhere[pid].removeprefix(f"{COST_ELSEWHERE}: ")
                                           if by == COST_ELSEWHERE else written),
                         "cost_elsewhere": (where_held(elsewhere[pid]) or ""
                                            if by == COST_ELSEWHERE else "")}
    return {pid: f for pid, f in sorted(out.items(), key=lambda item: item[1]["forced"] != "in")}


def signed_rows(projects: pd.DataFrame) -> pd.Series:
    """Projects of stage signed (fixed in like mandatory ones) not marked excluded (that
    slip is a problem of its own)."""
    if "stage" not in projects.columns:
        return pd.Series(False, index=projects.index)
    return (projects["stage"] == "signed") & (projects["status"] != "excluded")


def forced_cost(entry: Mapping[str, Any]) -> str:
    """The cost of a forced project as every list of them shows it: its cost in this round
    (``¥500m``), or, for one out by the year of its cost (``cost_elsewhere``), where that
    cost stands (``¥500m in FY2027``), not the ``¥0m`` it costs in this round.

    >>> forced_cost({"total_cost": 500.0, "cost_elsewhere": ""})
    '¥500m'
    >>> forced_cost({"total_cost": 0.0, "cost_elsewhere": "¥500m in FY2027"})
    '¥500m in FY2027'
    """
    return str(entry.get("cost_elsewhere") or yen(float(entry["total_cost"])))


@dataclass(frozen=True)
class Unfundable:
    """An eligible project that can never be funded: ``chain`` is the project, what it
    requires, and so on to the project that cannot be funded (its last); ``why`` says why
    that one cannot ("is excluded (status_reason: …)", "is out of this round (…)", "is not
    eligible (…)"); ``excluded`` whether that one is out by ``status`` excluded (the
    analyst may bring it back) rather than by an eligibility rule; ``move_cost_to`` the
    cost columns of the policy's years when that one is out of the round by the year of
    its cost alone (:mod:`.other_years`: its cost moved there brings it back), else ""."""

    chain: tuple[str, ...]
    why: str
    excluded: bool = False
    move_cost_to: str = ""

    @property
    def blocker(self) -> str:
        """The project at the end of the chain, the one that cannot be funded."""
        return self.chain[-1]

    def words(self) -> str:
        """``requires P-04, which requires P-02, which is excluded (status_reason: …)``.

        >>> Unfundable(("P-05", "P-04", "P-02"), "is excluded").words()
        'requires P-04, which requires P-02, which is excluded'
        """
        return "".join(f"requires {q}, which " for q in self.chain[1:]) + self.why


def cannot_be_funded(status: Any, status_reason: Any, reasons: Any) -> str:
    """Why an ineligible project cannot be funded, after "which": its exclusion with the
    analyst's reason, else its failed eligibility rules; a cost only in a year the policy
    has no budget for (:mod:`.other_years`) is said short, where the cost stands (the fix
    is on that project's own line), and alone it puts the project out of this round, not
    makes it ineligible.

    >>> cannot_be_funded("excluded", "withdrawn", ["status excluded: withdrawn"])
    'is excluded (status_reason: withdrawn)'
    >>> cannot_be_funded("candidate", "", ["no management agreement: Dravina has none"])
    'is not eligible (no management agreement: Dravina has none)'
    >>> cannot_be_funded("candidate", "", ["cost in another year: ¥9m in cost_FY2025, none "
    ...                                    "in cost_FY2026, and FY2025 is before (...)"])
    'is out of this round (cost in another year: ¥9m in cost_FY2025, none in cost_FY2026)'
    """
    if status == "excluded":
        why = "" if status_reason is None else str(status_reason).strip()
        return f"is excluded (status_reason: {why})" if why else "is excluded"
    listed = [str(r) for r in reasons]
    said = "; ".join(short_reason(r) for r in listed)
    if listed and all(r.startswith(COST_ELSEWHERE) for r in listed):
        return f"is out of this round ({said})"
    return f"is not eligible ({said})"


def unfundable_requirements(projects: pd.DataFrame, eligibility: pd.DataFrame
                            ) -> dict[str, Unfundable]:
    """Every eligible project that requires, directly or through others, a project that
    cannot be funded (one :func:`~osa_opt.inputs.eligibility.assess` finds ineligible:
    excluded or failing a rule), in input order, each with its shortest chain of
    requirements (ties: the requirement listed first). ``projects`` is a Problem's table
    (indexed by id, ``requires`` a tuple of ids); ``eligibility`` its eligibility frame.

    One breadth-first walk back from the ineligible projects along the requirements: linear
    in the number of requirements."""
    requires = projects["requires"]
    linked = (requires.str.len() > 0).to_numpy()  # most rows require nothing
    if not linked.any():
        return {}
    ok = eligibility["eligible"]
    required_by: dict[str, list[str]] = {}
    for pid, needs in zip(projects.index[linked], requires[linked], strict=True):
        for q in needs:
            required_by.setdefault(q, []).append(pid)
    eligible = {q: bool(ok.at[q]) for q in required_by}
    eligible.update({p: bool(ok.at[p]) for ps in required_by.values() for p in ps})
    sources = [q for q in required_by if not eligible[q]]
    next_of: dict[str, str] = {}  # a project -> the next one of its chain
    queue, seen = deque(sources), set(sources)
    while queue:
        q = queue.popleft()
        for p in required_by.get(q, ()):
            if p not in seen and eligible[p]:  # an ineligible one has reasons of its own
                seen.add(p)
                next_of[p] = q
                queue.append(p)
    out = {}
    for pid in projects.index[linked]:
        if pid not in next_of:
            continue
        chain = [pid]
        while chain[-1] in next_of:
            chain.append(next_of[chain[-1]])
        last = chain[-1]
        status, reasons = projects.at[last, "status"], list(eligibility.at[last, "reasons"])
        out[str(pid)] = Unfundable(tuple(chain), cannot_be_funded(
            status, projects.at[last, "status_reason"]
            if "status_reason" in projects.columns else None,
            reasons), excluded=status == "excluded",
            move_cost_to=cost_to_move(reasons) or "")  # out by the year of its cost alone
    return out
