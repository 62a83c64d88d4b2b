"""Cross-sheet rules of the inputs, in one place: all collected before anything is raised.

Unknown countries, dependencies (unknown, self, forced states that contradict each other),
exclusive groups with two mandatory projects, mandatory projects the policy makes
ineligible, whole units, and policy names the data lacks. A cycle of requirements is no
error: its projects form a *bundle*, funded all or none (:func:`bundles`).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from osa_opt.errors import Issue
from osa_opt.inputs.cells import is_blank
from osa_opt.inputs.eligibility import FIELD_NOT_ALLOWED, assess
from osa_opt.inputs.keys import near_duplicate_issues
from osa_opt.inputs.policy import FIELDS, Policy, policy_sheet
from osa_opt.inputs.schema import PROJECTS, ROW
from osa_opt.text import suggest


def cross_sheet_issues(projects: pd.DataFrame, countries: pd.DataFrame,
                       policy: Policy) -> list[Issue]:
    """Rules that span rows, sheets or the policy, on the typed (not yet indexed) frames.

    Cells that failed their own checks are null here and are skipped, so one mistake is
    reported once.
    """
    issues: list[Issue] = []
    issues += _unknown_country_issues(projects, countries)
    issues += _dependency_issues(projects)
    issues += _exclusive_group_issues(projects)
    issues += _mandatory_eligibility_issues(projects, countries, policy)
    issues += _region_issues(countries, policy)
    issues += _unit_issues(projects)
    issues += near_duplicate_issues(projects, countries)
    return issues


def bundles(projects: pd.DataFrame) -> list[list[str]]:
    """Groups of two or more projects that require each other (directly or in a ring).

    ``projects`` is a Problem's table (indexed by id, ``requires`` a tuple of ids). Each
    bundle is a strongly connected part of the requirement graph: since p requires q forces
    x[p] ≤ x[q], every member is funded exactly when every other one is. Members in input
    order; bundles by their first member.
    """
    graph = {str(p): [q for q in needs if q in projects.index]
             for p, needs in zip(projects.index, projects["requires"], strict=True)}
    return [part for part in _strong_parts(graph) if len(part) > 1]


def _strong_parts(graph: dict[str, list[str]]) -> list[list[str]]:
    """Tarjan's strongly connected components, iteratively; members in the graph's order."""
    order = {node: i for i, node in enumerate(graph)}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    parts: list[list[str]] = []
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(graph[root]))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(graph[child])))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                part = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    part.append(member)
                    if member == node:
                        break
                parts.append(sorted(part, key=order.__getitem__))
    return sorted(parts, key=lambda part: order[part[0]])


def _unit_issues(projects: pd.DataFrame) -> list[Issue]:
    """Whole numbers of units, units_min ≤ units_max, and units_min only with units_max."""
    if "units_max" not in projects.columns and "units_min" not in projects.columns:
        return []
    issues = []
    for rec in _records(projects, "units_min", "units_max"):
        least, most = (v if v is None or v != int(v) else int(v)
                       for v in (rec["units_min"], rec["units_max"]))
        for name, value in (("units_min", least), ("units_max", most)):
            if value is not None and float(value) != int(value):
                issues.append(Issue(PROJECTS, rec[ROW], name, value,
                                    "units are counted in whole numbers",
                                    f"give a whole number of units, e.g. {int(value) or 1}"))
        if least is not None and most is None:
            issues.append(Issue(PROJECTS, rec[ROW], "units_min", least,
                                "units_min is given but units_max is blank",
                                "give units_max (the cost_<FY> columns are the cost of "
                                "units_max units), or clear units_min"))
        elif least is not None and most is not None and least > most:
            issues.append(Issue(PROJECTS, rec[ROW], "units_min", least,
                                f"units_min is larger than units_max ({most})",
                                "give units_min <= units_max"))
    return issues


def _records(frame: pd.DataFrame, *names: str) -> list[dict[str, Any]]:
    """Rows as dicts of the given columns (None where a column is absent or a cell null)."""
    n = len(frame)
    columns = {name: frame[name].tolist() if name in frame.columns else [None] * n
               for name in names}
    rows = frame[ROW].tolist()
    return [{ROW: int(rows[i]),
             **{name: None if is_blank(values[i]) else values[i]
                for name, values in columns.items()}}
            for i in range(n)]


def _unknown_country_issues(projects: pd.DataFrame, countries: pd.DataFrame) -> list[Issue]:
    if "country" not in projects.columns or "country" not in countries.columns or countries.empty:
        return []
    known = {c for c in countries["country"] if isinstance(c, str)}
    issues = []
    for rec in _records(projects, "country"):
        name = rec["country"]
        if name is not None and name not in known:
            close = suggest(name, sorted(known))
            hint = (f"did you mean {close!r}? " if close else "") + \
                "Every project's country must have a row in the countries sheet"
            issues.append(Issue(PROJECTS, rec[ROW], "country", name,
                                "the country is not in the countries sheet", hint))
    return issues


def _dependency_issues(projects: pd.DataFrame) -> list[Issue]:
    """Unknown or self requirements, and excluded projects a mandatory one needs."""
    if "project_id" not in projects.columns or "requires" not in projects.columns:
        return []
    recs = _records(projects, "project_id", "requires", "status")
    first: dict[str, dict[str, Any]] = {}
    for rec in recs:
        if rec["project_id"] is not None:
            first.setdefault(rec["project_id"], rec)
    issues: list[Issue] = []
    graph: dict[str, list[str]] = {pid: [] for pid in first}
    for rec in recs:
        pid, row = rec["project_id"], rec[ROW]
        for req in rec["requires"] or ():
            if req == pid:
                issues.append(Issue(PROJECTS, row, "requires", req, "a project cannot require "
                                    "itself", f"remove {req} from its own requires cell"))
            elif req not in first:
                close = suggest(req, list(first))
                hint = ("separate project ids with ';', e.g. P-01;P-02" if "," in req
                        else f"did you mean {close!r}?" if close
                        else "name project ids from the project_id column, separated by ';'")
                issues.append(Issue(PROJECTS, row, "requires", req,
                                    "requires a project that is not in the projects sheet", hint))
            elif pid is not None and first[pid] is rec:
                graph[pid].append(req)
    for pid, rec in first.items():
        if rec["status"] != "mandatory":
            continue
        for path in _paths_to_excluded(pid, graph, first):
            chain = " → ".join(path)
            issues.append(Issue(PROJECTS, rec[ROW], "requires", chain,
                                f"mandatory project {pid} requires {path[-1]}, which is excluded"
                                + (f" (via {' → '.join(path[1:-1])})" if len(path) > 2 else ""),
                                f"make {path[-1]} a candidate, or {pid} a candidate, or drop "
                                "the requirement"))
    return issues


def _paths_to_excluded(start: str, graph: dict[str, list[str]],
                       first: dict[str, dict[str, Any]]) -> list[list[str]]:
    """Shortest requirement chains from ``start`` to every excluded project it needs."""
    parent: dict[str, str | None] = {start: None}
    queue, out = [start], []
    while queue:
        node = queue.pop(0)
        for nxt in graph[node]:
            if nxt in parent:
                continue
            parent[nxt] = node
            queue.append(nxt)
            if first[nxt]["status"] == "excluded":
                path, cur = [], nxt
                while cur is not None:
                    path.append(cur)
                    cur = parent[cur]
                out.append(path[::-1])
    return out


def _exclusive_group_issues(projects: pd.DataFrame) -> list[Issue]:
    if "exclusive_group" not in projects.columns or "status" not in projects.columns:
        return []
    groups: dict[str, list[dict[str, Any]]] = {}
    for rec in _records(projects, "project_id", "exclusive_group", "status"):
        if rec["exclusive_group"] and rec["status"] == "mandatory":
            groups.setdefault(rec["exclusive_group"], []).append(rec)
    issues = []
    for group, members in groups.items():
        if len(members) < 2:
            continue
        ids = ", ".join(str(m["project_id"]) for m in members)
        for m in members:
            issues.append(Issue(PROJECTS, m[ROW], "exclusive_group", group,
                                f"mandatory projects {ids} share an exclusive group, "
                                "of which at most one can be funded",
                                "make all but one of them a candidate, or put them in "
                                "different groups"))
    return issues


_COUNTRY_PASS = {"oda_eligible": True, "party_to_conflict": False, "management_agreement": True,
                 "democracy": 10.0, "rule_of_law": 10.0, "human_rights": 10.0}


def _mandatory_eligibility_issues(projects: pd.DataFrame, countries: pd.DataFrame,
                                  policy: Policy) -> list[Issue]:
    """A mandatory project that fails an eligibility rule, with every reason."""
    needed_p = ("project_id", "country", "field", "status")
    needed_c = ("country", *_COUNTRY_PASS)
    if (any(c not in projects.columns for c in needed_p)
            or any(c not in countries.columns for c in needed_c)):
        return []
    mandatory = projects[projects["status"] == "mandatory"]
    if mandatory.empty:
        return []
    # Unreadable country cells (already reported) count as passing, so they add no reason.
    c = countries[list(needed_c)].dropna(subset=["country"]).astype(object)
    for name, passing in _COUNTRY_PASS.items():
        c[name] = [passing if is_blank(v) else v for v in c[name]]
    p = mandatory.reindex(columns=[*needed_p, "status_reason"]).set_index("project_id")
    verdict = assess(p, c.set_index("country"), policy)
    issues = []
    for (_, proj), (_, res) in zip(mandatory.iterrows(), verdict.iterrows(), strict=True):
        reasons = [r for r in res["reasons"]
                   if not (r.startswith(FIELD_NOT_ALLOWED) and proj["field"] not in FIELDS)]
        if reasons:
            issues.append(Issue(PROJECTS, int(proj[ROW]), "status", "mandatory",
                                "a mandatory project is not eligible: " + "; ".join(reasons),
                                "fix the country's data or the policy, or make the project a "
                                "candidate (or excluded, with a status_reason)"))
    return issues


def _region_issues(countries: pd.DataFrame, policy: Policy) -> list[Issue]:
    if "region" not in countries.columns or countries.empty:
        return []
    known = sorted({r for r in countries["region"] if isinstance(r, str) and r})
    issues = []
    for key in ("min_region_share", "max_region_share"):
        for region in getattr(policy.balance, key):
            if region in known:
                continue
            close = suggest(region, known)
            hint = (f"did you mean {close!r}? " if close else "") + \
                f"Regions in the countries sheet: {', '.join(known)}"
            issues.append(Issue(policy_sheet(policy), None, f"balance.{key}.{region}", region,
                                "no country is in this region", hint))
    return issues
