"""Cross-sheet rules of the inputs, in one place: all collected before anything is raised.

Unknown countries, dependencies (unknown, self, forced states that contradict each other),
exclusive groups with two mandatory projects, mandatory projects the policy makes
ineligible, whole units, and policy names the data lacks. A cycle of requirements is no
error: its projects form a *bundle*, funded all or none (:func:`bundles`).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd

from osa_opt.errors import Issue
from osa_opt.inputs.cells import is_blank, split_otherwise
from osa_opt.inputs.compliance_rules import compliance_issues
from osa_opt.inputs.country_names import other_name_hint, same_country_rows
from osa_opt.inputs.eligibility import FIELD_NOT_ALLOWED, Origin, assess, fields_of
from osa_opt.inputs.forced import cannot_be_funded
from osa_opt.inputs.group_rules import lone_group_issues
from osa_opt.inputs.issue_list import MAX_PER_RULE
from osa_opt.inputs.keys import RowsText, in_rows, lookalike_note, near_duplicate_issues
from osa_opt.inputs.keys import key as name_key
from osa_opt.inputs.other_years import cost_to_move
from osa_opt.inputs.policy import FIELDS, Policy, policy_sheet
from osa_opt.inputs.policy_keys import EQUIPMENT_CATEGORIES
from osa_opt.inputs.schema import (
    COST_PREFIX,
    COUNTRIES,
    COUNTRY_COLUMNS,
    PROJECT_COLUMNS,
    PROJECTS,
    ROW,
)
from osa_opt.text import closest_ids, id_list, suggest


def cross_sheet_issues(projects: pd.DataFrame, countries: pd.DataFrame, policy: Policy,
                       rows_text: Mapping[str, RowsText] | None = None,
                       other_costs: pd.DataFrame | None = None) -> list[Issue]:
    """Rules that span rows, sheets or the policy, on the typed (not yet indexed) frames.

    Cells that failed their own checks are null here and are skipped, so one mistake is
    reported once. ``rows_text`` words other rows a message names, per sheet (Excel rows,
    or index labels for a table passed as a DataFrame). ``other_costs``: the ``cost_<FY>``
    columns of years the policy has no budget for, on the index of ``projects`` (a project
    forced in whose cost stands only there is out of this round: :mod:`.other_years`).
    """
    issues: list[Issue] = []
    issues += _unknown_country_issues(projects, countries)
    issues += _one_country_twice_issues(countries)
    issues += _dependency_issues(projects)
    issues += _exclusive_group_issues(projects)
    issues += lone_group_issues(projects)
    with_costs = projects if other_costs is None else projects.join(other_costs)
    issues += _mandatory_eligibility_issues(with_costs, countries, policy)
    issues += _forced_requirement_issues(with_costs, countries, policy, rows_text)
    issues += _region_issues(countries, policy)
    issues += _required_partner_issues(with_costs, countries, policy)
    issues += _category_issues(projects, policy)
    issues += _unit_issues(projects)
    issues += near_duplicate_issues(projects, countries, rows_text)
    issues += compliance_issues(projects, countries, policy)
    return issues


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


def _unit_issues(projects: pd.DataFrame) -> list[Issue]:
    """Whole numbers of units, units_min ≤ units_max, and units_min only with units_max."""
    if "units_max" not in projects.columns and "units_min" not in projects.columns:
        return []
    columns = {name: (projects[name] if name in projects.columns
                      else pd.Series(float("nan"), index=projects.index))
               for name in ("units_min", "units_max")}
    given = (columns["units_min"].notna() | columns["units_max"].notna()).to_numpy()
    issues = []
    for row, *cells in zip(projects[ROW][given], columns["units_min"][given],
                           columns["units_max"][given], strict=True):
        rec = {ROW: int(row)}
        least, most = (None if pd.isna(v) else v if v != int(v) else int(v) for v in cells)
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


def _present(frame: pd.DataFrame, *names: str) -> bool:
    return all(name in frame.columns for name in names)


#: The cells a countries-sheet row must fill besides its name: what adding a partner takes.
_NEW_PARTNER_CELLS = tuple(c.name for c in COUNTRY_COLUMNS if c.required and c.name != "country")


def _unknown_country_issues(projects: pd.DataFrame, countries: pd.DataFrame) -> list[Issue]:
    if not _present(projects, "country") or not _present(countries, "country") \
            or countries.empty:
        return []
    known = countries["country"].dropna()
    names = projects["country"]
    bad = (names.notna() & ~names.isin(known)).to_numpy()
    issues = []
    close: dict[str, str] = {}
    by_key: dict[str, str] = {}
    choices = dict.fromkeys(sorted(set(known)))
    other: dict[str, tuple[str | None, str] | None] = {}
    for n, (row, name) in enumerate(zip(projects[ROW][bad], names[bad], strict=True)):
        # a suggestion compares with every country: only for the rows that are listed
        if n < MAX_PER_RULE and name not in close:
            other[name] = other_name_hint(name, choices)  # East Timor for Timor-Leste
            close[name] = "" if other[name] else _closest(name, choices, by_key) or ""
        named = other.get(name)
        if named:
            meant, sentence = named
            hint = (f"did you mean {meant!r}? {sentence}: write {meant!r} here" if meant
                    else f"{sentence}. Every project's country must have a row in the "
                    "countries sheet")
        elif close.get(name):
            hint = (f"did you mean {close[name]!r}?{lookalike_note(name, close[name])} "
                    "Every project's country must have a row in the countries sheet")
        else:  # a new partner, or a deleted row: what its row needs, not the rule again
            hint = (f"each partner needs a row of its own: add {name!r} to the countries "
                    f"sheet with its {id_list(_NEW_PARTNER_CELLS, limit=20)}; or, if the "
                    "partner is in the sheet, write its name here as the sheet spells it")
        issues.append(Issue(PROJECTS, int(row), "country", name,
                            "the country is not in the countries sheet", hint))
    return issues


def _one_country_twice_issues(countries: pd.DataFrame) -> list[Issue]:
    """A country with two rows under two of its names (``Myanmar`` and ``Burma``): two
    partners to the model, each with its own cap and its own place in max_countries."""
    if not _present(countries, "country", ROW) or countries.empty:
        return []
    names = countries["country"]
    given = names.notna().to_numpy()
    return [Issue(COUNTRIES, row, "country", name,
                  f"{name!r} and {first!r} (row {first_row}) are two names of one country: "
                  "the two rows would be two partners, each with its own cap and place in "
                  "max_countries, and its projects split between them",
                  f"give the country one row, under one name ({first!r} or {name!r}), and "
                  "write that name in the country cells of its projects")
            for row, name, first, first_row in same_country_rows(
                names[given].astype(str), countries[ROW][given])]


def _closest(name: str, known: Mapping[str, Any], by_key: dict[str, str]) -> str | None:
    """The known name spelt like ``name`` but for capitals, spaces, width or lookalike
    letters, else the closest by :func:`~osa_opt.text.suggest`."""
    if not by_key:
        by_key.update((name_key(k), k) for k in reversed(list(known)))  # the first spelling wins
    return by_key.get(name_key(name)) or suggest(name, list(known))


def _closest_id(req: str, ids: Mapping[str, Any], by_key: dict[str, str]) -> str | None:
    """The project id spelt like ``req`` but for capitals, spaces, width or lookalike
    letters, else the one of its number (:func:`~osa_opt.text.closest_ids`): an id of a
    deleted row is not taken for a neighbour's (``P-02`` is not ``P-32``).

    >>> _closest_id("p-04", {"P-04": 5}, {}), _closest_id("P-2", {"P-02": 3, "P-32": 9}, {})
    ('P-04', 'P-02')
    >>> _closest_id("P-02", {"P-12": 3, "P-32": 9}, {}) is None
    True
    """
    if not by_key:
        by_key.update((name_key(k), k) for k in reversed(list(ids)))  # the first spelling wins
    return by_key.get(name_key(req)) or next(iter(closest_ids(req, list(ids), n=1)), None)


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


def _dependency_issues(projects: pd.DataFrame) -> list[Issue]:
    """Unknown or self requirements, and excluded projects a mandatory one needs."""
    if not _present(projects, "project_id", "requires"):
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
                close = _closest_id(req, row_of, by_key) if listed and not parts else None
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
    signed = _signed(projects) if "status" in projects.columns else None
    signed_of = (dict(zip(ids[first].tolist(), signed[first].tolist(), strict=True))
                 if signed is not None else {})
    for pid in graph:
        if status_of[pid] == "mandatory":
            word, free = "mandatory", f"{pid} a candidate"
        elif signed_of.get(pid):  # fixed in like a mandatory one (docs/model.md)
            word, free = "signed", f"clear {pid}'s stage"
        else:
            continue
        for path in _paths_to_excluded(pid, graph, status_of):
            chain = " → ".join(path)
            issues.append(Issue(PROJECTS, row_of[pid], "requires", chain,
                                f"{word} project {pid} requires {path[-1]}, which is excluded"
                                + (f" (via {' → '.join(path[1:-1])})" if len(path) > 2 else ""),
                                f"make {path[-1]} a candidate, or {free}, or drop "
                                "the requirement"))
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


def _signed(projects: pd.DataFrame) -> pd.Series:
    """Projects of stage signed (fixed in like mandatory ones) not marked excluded (that
    slip is a problem of its own)."""
    if "stage" not in projects.columns:
        return pd.Series(False, index=projects.index)
    return (projects["stage"] == "signed") & (projects["status"] != "excluded")


def _exclusive_group_issues(projects: pd.DataFrame) -> list[Issue]:
    """Two projects fixed in (status mandatory, stage signed) in one exclusive group."""
    if not _present(projects, "project_id", "exclusive_group", "status"):
        return []
    group = projects["exclusive_group"]
    mandatory = projects["status"] == "mandatory"
    signed = _signed(projects) & ~mandatory
    forced = projects[(mandatory | signed) & group.notna() & (group != "")]
    issues = []
    for name, members in forced.groupby("exclusive_group", sort=False):
        if len(members) < 2:
            continue
        ids = ", ".join(str(pid) for pid in members["project_id"])
        by_stage = signed[members.index]
        if not by_stage.any():
            rule, hint = (f"mandatory projects {ids} share an exclusive group, of which at "
                          "most one can be funded",
                          "make all but one of them a candidate, or put them in different "
                          "groups")
        else:  # a signed item is fixed in as a mandatory one is (docs/model.md)
            words = ", ".join(f"{pid} ({'stage signed' if s else 'mandatory'})" for pid, s
                              in zip(members["project_id"], by_stage, strict=True))
            rule, hint = (f"projects fixed in, {words}, share an exclusive group, of which "
                          "at most one can be funded",
                          "free all but one of them (a mandatory one: make it a candidate; "
                          "a signed one: clear its stage), or put them in different groups")
        for row in members[ROW]:
            issues.append(Issue(PROJECTS, int(row), "exclusive_group", name, rule, hint))
    return issues


_COUNTRY_PASS = {"oda_eligible": True, "party_to_conflict": False, "management_agreement": True,
                 "democracy": 10.0, "rule_of_law": 10.0, "human_rights": 10.0}
#: Optional project columns eligibility reads, with the value of a blank (or unreadable)
#: cell: the column's default in the registry.
_PROJECT_DEFAULTS = {name: next(c.default for c in PROJECT_COLUMNS if c.name == name)
                     for name in ("status_reason", "risk", "mitigation", "prior_consent",
                                  "un_charter", "dispute_linked", "equipment_category",
                                  "override", "override_reason")}


def _mandatory_eligibility_issues(projects: pd.DataFrame, countries: pd.DataFrame,
                                  policy: Policy) -> list[Issue]:
    """A mandatory or signed project that fails an eligibility rule, with every reason; a
    signed project marked excluded."""
    needed_p = ("project_id", "country", "field", "status")
    needed_c = ("country", *_COUNTRY_PASS)
    if (any(c not in projects.columns for c in needed_p)
            or any(c not in countries.columns for c in needed_c)):
        return []
    forced = projects["status"] == "mandatory"
    issues = []
    if "stage" in projects.columns:  # a signed item is fixed in like a mandatory one
        signed = projects["stage"] == "signed"
        for row in projects.loc[signed & (projects["status"] == "excluded"), ROW]:
            issues.append(Issue(PROJECTS, int(row), "stage", "signed",
                                "a signed project is marked excluded",
                                "a signed item is fixed in: clear its stage, or make it a "
                                "candidate or mandatory"))
        forced |= signed & (projects["status"] != "excluded")
    mandatory = projects[forced]
    if mandatory.empty:
        return issues
    verdict = _assessed(mandatory, countries, policy)
    # columns read once, not a Series per row: an execution round may sign thousands
    for field, status, row, found, origins in zip(
            mandatory["field"].tolist(), mandatory["status"].tolist(), mandatory[ROW].tolist(),
            verdict["reasons"].tolist(), verdict["origins"].tolist(), strict=True):
        kept = [(r, o) for r, o in zip(found, origins, strict=True)  # an unknown field is
                if not (r.startswith(FIELD_NOT_ALLOWED)              # reported as a bad cell
                        and not set(fields_of(field)) <= set(FIELDS))]
        if not kept:
            continue
        reasons = [r for r, _ in kept]
        whose = {o for _, o in kept}  # a risk is the project's, not its country's
        data = ("the country's data" if whose == {Origin.COUNTRY} else
                "the project's data (its row)" if whose == {Origin.PROJECT} else
                "the project's or its country's data")
        if status == "mandatory":
            issues.append(Issue(PROJECTS, int(row), "status", "mandatory",
                                "a mandatory project is not eligible: " + "; ".join(reasons),
                                f"fix {data} or the policy, or make the project a "
                                "candidate (or excluded, with a status_reason)"))
        else:
            issues.append(Issue(PROJECTS, int(row), "stage", "signed",
                                "a signed project is not eligible: " + "; ".join(reasons),
                                f"fix {data} or the policy, or clear its stage"))
    return issues


def _forced_requirement_issues(projects: pd.DataFrame, countries: pd.DataFrame,
                               policy: Policy,
                               rows_text: Mapping[str, RowsText] | None = None) -> list[Issue]:
    """A mandatory or signed project that requires, directly or through others, a project
    that is not excluded but can never be funded: out of this round by the year of its cost
    (:mod:`.other_years`) or failing an eligibility rule. Like one requiring an excluded
    project (:func:`_dependency_issues`) it can never be met, so it is an input problem
    before solving (it was an infeasible solve, exit 3), naming both rows, why the
    required project cannot be funded and the fixes. A required project that is itself
    forced in is left to its own problem (:func:`_mandatory_eligibility_issues`)."""
    needed_p = ("project_id", "country", "field", "status", "requires")
    if (any(c not in projects.columns for c in needed_p)
            or any(c not in countries.columns for c in ("country", *_COUNTRY_PASS))):
        return []
    ids = projects["project_id"]
    first = ids.notna() & ~ids.duplicated()
    forced = (projects["status"] == "mandatory") | _signed(projects)
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
                & ~_signed(rows) & rows["country"].isin(known)]
    if rows.empty:
        return []
    reasons = _assessed(rows.reset_index(drop=True), countries, policy)["reasons"]
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


def _assessed(projects: pd.DataFrame, countries: pd.DataFrame, policy: Policy) -> pd.DataFrame:
    """Eligibility (:func:`assess`, with origins) of some rows of the typed projects sheet.
    Unreadable cells (already reported) count as passing, so they add no reason."""
    needed_p = ("project_id", "country", "field", "status")
    needed_c = ("country", *_COUNTRY_PASS)
    optional_c = [n for n in ("override", "override_reason") if n in countries.columns]
    c = countries[[*needed_c, *optional_c]].dropna(subset=["country"])
    c = c[c["country"].isin(projects["country"])].astype(object)
    for name, passing in _COUNTRY_PASS.items():
        c[name] = c[name].where(c[name].notna(), passing)
    costs = [c for c in projects.columns if str(c).startswith(COST_PREFIX)]  # other_years
    p = projects.reindex(columns=[*needed_p, *_PROJECT_DEFAULTS, *costs]).astype(object)
    for name, default in _PROJECT_DEFAULTS.items():
        p[name] = [default if is_blank(v) else v for v in p[name]]
    return assess(p.set_index("project_id"), c.set_index("country"), policy, origins=True)


def _required_partner_issues(projects: pd.DataFrame, countries: pd.DataFrame,
                             policy: Policy) -> list[Issue]:
    """A partner of ``priority.required_partners`` that the countries sheet does not name,
    or none of whose projects can be funded (none in the projects sheet, every one excluded
    or ineligible): the rule "fund this partner" could never be met."""
    listed = [str(c) for c in policy.priority.required_partners]
    if not listed or "country" not in countries.columns or "country" not in projects.columns:
        return []
    key, where = "priority.required_partners", policy_sheet(policy)
    known = sorted({str(c) for c in countries["country"].dropna()})
    issues = []
    for name in listed:
        if name not in known:
            named = other_name_hint(name, known)  # 'East Timor' for the sheet's Timor-Leste
            close = named[0] if named else suggest(name, known)
            issues.append(Issue(where, None, key, name, "no partner of this name in the "
                                "countries sheet",
                                (f"did you mean {close!r}? " if close else "")
                                + (f"{named[1]}. " if named else "")
                                + "Name the partner as the countries sheet's country column "
                                "does"))
            continue
        own = projects[projects["country"] == name]
        if "status" in own.columns:
            own = own[own["status"] != "excluded"]
        if own.empty:
            issues.append(Issue(where, None, key, name, "the partner has no project to fund "
                                "(none in the projects sheet, or every one excluded)",
                                f"add a project of {name}, or take {name} off {key}"))
            continue
        if (any(c not in projects.columns for c in ("project_id", "field", "status"))
                or any(c not in countries.columns for c in _COUNTRY_PASS)):
            continue  # a missing column is reported as such
        reasons = _assessed(own, countries, policy)["reasons"].tolist()
        if all(reasons):
            pids = list(map(str, own["project_id"]))
            whose: dict[str, list[str]] = {}
            for pid, found in zip(pids, reasons, strict=True):
                for r in found:
                    whose.setdefault(r, []).append(pid)
            # two projects out for different reasons: say whose each reason is
            why = "; ".join(r if len(pids) == 1 or len(who) == len(pids)
                            else f"{', '.join(who)}: {r}" for r, who in whose.items())
            ids = ", ".join(pids[:6])
            issues.append(Issue(where, None, key, name,
                                f"none of the partner's projects is eligible ({ids}): {why}",
                                f"make one eligible (fix its data or the policy, or an "
                                f"override with its reason), or take {name} off {key}"))
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


def _category_issues(projects: pd.DataFrame, policy: Policy) -> list[Issue]:
    """A category of ``eligibility.equipment_categories`` that no project has, spelt close to
    one the list leaves out and projects have (``surveilance`` for ``surveillance``): a typo
    in the policy would rule every project of that category out, silently."""
    if "equipment_category" not in projects.columns or projects.empty:
        return []
    listed = list(policy.eligibility.equipment_categories)
    counts: dict[str, int] = {}
    for value in projects["equipment_category"]:
        if isinstance(value, str) and value.strip():
            word = value.strip().lower()
            counts[word] = counts.get(word, 0) + 1
    # a category no list knows is the cell's typo, reported with the cell (compliance_rules)
    left_out = [c for c in counts if c in EQUIPMENT_CATEGORIES and c not in listed]
    issues = []
    for category in listed:
        close = suggest(category, left_out, cutoff=0.8) if category not in counts else None
        if close is None:
            continue
        n = counts[close]
        issues.append(Issue(
            policy_sheet(policy), None, "eligibility.equipment_categories", category,
            f"no project has the category {category!r}, and {n} project"
            f"{'s have' if n > 1 else ' has'} {close!r}, which the list leaves out: "
            f"{'they are' if n > 1 else 'it is'} ineligible",
            f"did you mean {close!r}? Write it in eligibility.equipment_categories; if "
            f"{category!r} is meant and {close!r} projects are not to be funded, give them "
            "status excluded"))
    return issues
