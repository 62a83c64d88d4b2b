"""Why each project is not funded in portfolio 1, in words a budget officer can repeat."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from osa_opt.result import Result


def unfunded_reasons(result: Result) -> pd.DataFrame:
    """Every project not funded in portfolio 1: eligibility, reasons, and status reason.

    Columns: title, country, field, eligible, reason (one line), reasons (list).
    Eligible projects left out get the structural reason when there is one (an exclusive
    partner funded instead, a required project that cannot be funded) and otherwise
    "not selected: the budget buys more value elsewhere"; the explain analyses add numbers.
    """
    pb = result.problem
    funded = set(result.best.fractions) if result.best else set()
    elig = pb.eligibility
    rows = []
    for pid, p in pb.projects.iterrows():
        if pid in funded:
            continue
        reasons = list(elig.at[pid, "reasons"])
        if not reasons:
            for q in p["requires"]:
                if not elig.at[q, "eligible"]:
                    reasons.append(f"requires {q}, which is not eligible")
                elif q not in funded:
                    reasons.append(f"requires {q}, which is not funded")
            group = p["exclusive_group"]
            if group:
                rivals = [q for q in pb.projects.index[pb.projects["exclusive_group"] == group]
                          if q in funded and q != pid]
                if rivals:
                    reasons.append(f"exclusive group {group}: {', '.join(rivals)} funded instead")
            if not reasons:
                reasons.append("not selected: the budget buys more value elsewhere"
                               if result.best else "no feasible portfolio")
        rows.append({
            "project_id": pid,
            "title": p["title"],
            "country": p["country"],
            "field": p["field"],
            "total_cost": float(pb.total_cost[pid]),
            "value": float(pb.value[pid]),
            "eligible": bool(elig.at[pid, "eligible"]),
            "reason": "; ".join(reasons),
            "reasons": reasons,
        })
    cols = ["project_id", "title", "country", "field", "total_cost", "value", "eligible",
            "reason", "reasons"]
    return pd.DataFrame(rows, columns=cols).set_index("project_id")
