"""The rules of the ``requires`` column, on the typed sheets: a requirement names another
project of the sheet, and a project fixed in (``status`` mandatory, ``stage`` signed:
:mod:`.forced`) never requires, directly or through others, one that can never be funded:
excluded (:func:`dependency_issues`), out of this round by the year of its cost or failing
an eligibility rule (:func:`forced_requirement_issues`). :func:`~.rules.cross_sheet_issues`
collects them with the other cross-sheet rules. A cycle of requirements is no error: its
projects form a *bundle*, funded all or none (:func:`bundles`).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd

from osa_opt.errors import Issue
from osa_opt.inputs.cells import split_otherwise
from osa_opt.inputs.eligibility import COUNTRY_PASS, assess_sheet_rows
from osa_opt.inputs.forced import cannot_be_funded, signed_rows
from osa_opt.inputs.issue_list import MAX_PER_RULE
from osa_opt.inputs.keys import RowsText, in_rows, lookalike_note, spelt_alike
from osa_opt.inputs.other_years import cost_to_move
from osa_opt.inputs.policy import Policy
from osa_opt.inputs.schema import PROJECTS, ROW
from osa_opt.text import closest_ids


def bundles(projects: pd.DataFrame) -> list[list[str]]:
    """Groups of two or more projects that require each other (directly or in a ring).

    ``projects`` is a Problem's table (indexed by id, ``requires`` a tuple of ids). Each
    bundle is a strongly connected part of the requirement graph: since p requires q forces
    x[p] ≤ x[q], every member is funded exactly when every other one is. Members in input
    order; bundles by their first member.
    """
    known = set(projects.index)
    graph = {str(p): [q for q in needs if q in known]
             for p, needs in zip(projects.index, projects["requires"], strict=True) if needs}
    # Only a project that requires one and is required by one can be in a ring: the search
    # then walks the few projects with requirements, not all of a big round's.
    required = {q for needs in graph.values() for q in needs}
    graph = {p: [q for q in needs if q in required and q in graph]
             for p, needs in graph.items() if p in required}
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


def _same_number(req: str, ids: Mapping[str, Any]) -> str | None:
    """The id that is ``req`` but for leading zeros (``7`` for ``007``, or the reverse):
    Excel keeps ``007`` only in a cell formatted as text.

    >>> _same_number("007", {"7": 2, "P-01": 3}), _same_number("7", {"P-07": 2})
    ('7', None)
    """
    if not req.isdecimal():
        return None
    return next((pid for pid in ids if pid.isdecimal() and pid != req
                 and pid.lstrip("0") == req.lstrip("0")), None)


def dependency_issues(projects: pd.DataFrame,
                      rows_text: Mapping[str, RowsText] | None = None) -> list[Issue]:
    """Unknown or self requirements, and excluded projects a mandatory one needs (named
    with both rows, the exclusion's status_reason and the fixes, as
    :func:`forced_requirement_issues` names a required project that fails a rule)."""
    if "project_id" not in projects.columns or "requires" not in projects.columns:
        return []
    ids = projects["project_id"]
    status = (projects["status"] if "status" in projects.columns
              else pd.Series(None, index=projects.index, dtype=object))
    first = ids.notna() & ~ids.duplicated()
    row_of = dict(zip(ids[first].tolist(), projects[ROW][first].astype(int).tolist(),
                      strict=True))
    status_of = dict(zip(ids[first].tolist(), status[first].tolist(), strict=True))
    linked = (projects["requires"].str.len() > 0).to_numpy()  # most rows require nothing
    issues: list[Issue] = []
    graph: dict[str, list[str]] = {}
    by_key: dict[str, str] = {}  # filled when a did-you-mean is first wanted
    for pid, reqs, row, is_first in zip(ids[linked], projects["requires"][linked],
                                        projects[ROW][linked], first[linked], strict=True):
        for req in reqs or ():
            if req == pid:
                issues.append(Issue(PROJECTS, int(row), "requires", req, "a project cannot "
                                    "require itself", f"remove {req} from its own requires cell"))
            elif req not in row_of:
                listed = len(issues) < MAX_PER_RULE
                parts = split_otherwise(req, row_of) if listed else None
                zeros = _same_number(req, row_of) if listed and not parts else None
                close = (spelt_alike(req, row_of, by_key)  # else by its number: P-2 is P-02
                         or next(iter(closest_ids(req, list(row_of), n=1)), None)
                         ) if listed and not parts else None
                quoted = f"'{req}" if f"'{req}" in row_of else None  # '007, a text mark
                hint = (f"the project id is typed {quoted!r} in row {row_of[quoted]}, with "
                        "the apostrophe a spreadsheet types to keep a value as text: delete "
                        "the apostrophe there" if quoted
                        else f"separate project ids with ';': {';'.join(parts)}" if parts
                        else "separate project ids with ';', e.g. P-01;P-02" if "," in req
                        else f"did you mean {zeros!r}? {req!r} and {zeros!r} are one number "
                        "with and without leading zeros, which a spreadsheet drops from a "
                        "cell that holds a number: format the columns project_id and "
                        "requires as Text and write each id one way" if zeros
                        else f"did you mean {close!r}?{lookalike_note(req, close)}" if close
                        else f"restore the row of {req} if it was deleted, or write its new "
                        "id here if it was renamed; if it has left the round, decide whether "
                        f"{pid} stands without it: take {req} out of this cell, or make {pid} "
                        "excluded (project ids are written as in the project_id column, "
                        "separated by ';')")
                issues.append(Issue(PROJECTS, int(row), "requires", req,
                                    "requires a project that is not in the projects sheet", hint))
            elif is_first:
                graph.setdefault(pid, []).append(req)
    signed = signed_rows(projects) if "status" in projects.columns else None
    signed_of = (dict(zip(ids[first].tolist(), signed[first].tolist(), strict=True))
                 if signed is not None else {})
    reason_of = (dict(zip(ids[first].tolist(), projects["status_reason"][first].tolist(),
                          strict=True)) if "status_reason" in projects.columns else {})
    words = (rows_text or {}).get(PROJECTS, in_rows)
    for pid in graph:
        if status_of[pid] == "mandatory":
            word, free = "mandatory", f"make {pid} a candidate"
        elif signed_of.get(pid):  # fixed in like a mandatory one (docs/model.md)
            word, free = "signed", f"clear {pid}'s stage"
        else:
            continue
        for path in _paths_to_excluded(pid, graph, status_of):
            q = path[-1]
            why = cannot_be_funded("excluded", reason_of.get(q), ())
            via = f" (via {' → '.join(path[1:-1])})" if len(path) > 2 else ""
            issues.append(Issue(PROJECTS, row_of[pid], "requires", " → ".join(path),
                                f"{word} project {pid} requires {q} ({words([row_of[q]])}), "
                                f"which {why}{via}: {pid} can never be funded",
                                f"make {q} a candidate, or {free}, or drop the requirement"))
    return issues


def _paths_to_excluded(start: str, graph: dict[str, list[str]],
                       status_of: dict[str, Any]) -> list[list[str]]:
    """Shortest requirement chains from ``start`` to every excluded project it needs."""
    return [path for q, path in _shortest_chains(start, graph).items()
            if status_of[q] == "excluded"]


def _shortest_chains(start: str, graph: dict[str, list[str]],
                     through: Callable[[str], bool] = lambda q: True
                     ) -> dict[str, list[str]]:
    """Every project ``start`` needs, directly or through others, in the order a
    breadth-first walk meets them -> its shortest requirement chain from ``start`` (ties:
    the requirement listed first); the walk goes on past a project only where
    ``through(project)``."""
    parent: dict[str, str | None] = {start: None}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for nxt in graph.get(node, ()):
            if nxt in parent:
                continue
            parent[nxt] = node
            if through(nxt):
                queue.append(nxt)
    chains = {}
    for q in list(parent)[1:]:
        path: list[str] = []
        cur: str | None = q
        while cur is not None:
            path.append(cur)
            cur = parent[cur]
        chains[q] = path[::-1]
    return chains


def forced_requirement_issues(projects: pd.DataFrame, countries: pd.DataFrame,
                              policy: Policy,
                              rows_text: Mapping[str, RowsText] | None = None) -> list[Issue]:
    """A mandatory or signed project that requires, directly or through others, a project
    that is not excluded but can never be funded: out of this round by the year of its cost
    (:mod:`.other_years`) or failing an eligibility rule. Like one requiring an excluded
    project (:func:`dependency_issues`) it can never be met, so it is an input problem
    before solving (it was an infeasible solve, exit 3), naming both rows, why the
    required project cannot be funded and the fixes. A required project that is itself
    forced in is left to its own problem (:func:`.rules._mandatory_eligibility_issues`)."""
    needed_p = ("project_id", "country", "field", "status", "requires")
    if (any(c not in projects.columns for c in needed_p)
            or any(c not in countries.columns for c in ("country", *COUNTRY_PASS))):
        return []
    ids = projects["project_id"]
    first = ids.notna() & ~ids.duplicated()
    forced = (projects["status"] == "mandatory") | signed_rows(projects)
    starts = projects[first & forced & (projects["requires"].str.len() > 0)]
    if starts.empty:
        return []
    table = projects[first].set_index("project_id", drop=False)
    known = set(countries["country"].dropna())
    graph = {str(p): [q for q in (r or ()) if q in table.index and q != p]
             for p, r in zip(table.index, table["requires"], strict=True)}
    # the shortest chain from each forced project to each project it needs (breadth first)
    chains = {pid: _shortest_chains(  # past an excluded one: its own problem
        pid, graph, lambda q: table.at[q, "status"] != "excluded")
        for pid in starts["project_id"]}
    needed = {q for found in chains.values() for q in found}
    rows = table.loc[sorted(needed)]
    rows = rows[(rows["status"] != "excluded") & (rows["status"] != "mandatory")
                & ~signed_rows(rows) & rows["country"].isin(known)]
    if rows.empty:
        return []
    reasons = assess_sheet_rows(rows.reset_index(drop=True), countries, policy)["reasons"]
    blocked = {str(q): list(r) for q, r in reasons.items() if len(r)}
    words = (rows_text or {}).get(PROJECTS, in_rows)
    issues = []
    for pid, row, status in zip(starts["project_id"], starts[ROW], starts["status"],
                                strict=True):
        word, free = (("mandatory", f"make {pid} a candidate") if status == "mandatory"
                      else ("signed", f"clear {pid}'s stage"))
        for q, path in chains[pid].items():
            if q not in blocked or any(p in blocked for p in path[1:-1]):
                continue  # the first project of the chain that cannot be funded is named
            why = cannot_be_funded(table.at[q, "status"],
                                   table.at[q, "status_reason"]
                                   if "status_reason" in table.columns else None, blocked[q])
            moved = cost_to_move(blocked[q])
            bring = (f"move {q}'s cost to {moved} (it is out of this round by the year "
                     "of its cost)" if moved is not None
                     else f"make {q} eligible (fix its data or its country's, or the policy, "
                     "or an override with its reason)")
            via = f" (via {' → '.join(path[1:-1])})" if len(path) > 2 else ""
            issues.append(Issue(
                PROJECTS, int(row), "requires", " → ".join(path),
                f"{word} project {pid} requires {q} ({words([int(table.at[q, ROW])])}), "
                f"which {why}{via}: {pid} can never be funded",
                f"{bring}, or {free}, or drop the requirement"))
    return issues
