"""Exclusive groups that exclude nothing: a group of one project.

At most one project of an ``exclusive_group`` is funded, so a group only means something
with two projects or more. A group of one is most often a name typed otherwise than its
rival's (``Aurelia patrol boat`` beside ``Aurelia patrol boats``), or two groups written in
one cell (``boats; radars``, read as a third group): either way the alternatives meant can
both be funded, silently. Such a cell is refused, naming the group or groups it most likely
means; a group of one with no such name near it is only warned about (its rival may have
left the round).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pandas as pd

from osa_opt.errors import Issue
from osa_opt.inputs.cells import split_otherwise
from osa_opt.inputs.keys import key as name_key
from osa_opt.inputs.schema import PROJECTS, ROW
from osa_opt.text import first_few, rows_named, suggest


def _groups(projects: pd.DataFrame) -> dict[str, list[int]] | None:
    """Group name -> the Excel rows (or positions) of its projects; None without groups."""
    if "exclusive_group" not in projects.columns:
        return None
    rows = projects[ROW].tolist() if ROW in projects.columns else list(range(len(projects)))
    found: dict[str, list[int]] = {}
    for name, row in zip(projects["exclusive_group"], rows, strict=True):
        if isinstance(name, str) and name.strip():
            found.setdefault(name.strip(), []).append(int(row))
    return found


#: The most groups of one whose names are compared with every other group's (each
#: comparison is a difflib ratio): a table of thousands of lone groups is a warning only.
_MOST_LONE = 500


def lone_group_issues(projects: pd.DataFrame) -> list[Issue]:
    """A group of one project whose name is two groups of other projects written in one
    cell (``boats; radars``), or a near spelling of one (``Aurelia patrol boat``)."""
    groups = _groups(projects)
    if not groups:
        return []
    if sum(len(rows) == 1 for rows in groups.values()) > _MOST_LONE:
        return []  # each compared with every name: left to the warning's count
    issues = []
    named: set[str] = set()  # a lone group already named as the near spelling of another
    for name, rows in sorted(groups.items(), key=lambda g: g[1][0]):
        if len(rows) > 1 or name in named:
            continue
        shared = {g: r for g, r in groups.items() if g != name}
        parts = [p.strip() for p in name.split(";") if p.strip()]
        several = parts if len(parts) > 1 and all(p in shared for p in parts) else \
            split_otherwise(name, shared)
        if several:
            where = "; ".join(f"{p!r} in {rows_named(shared[p])}" for p in several)
            issues.append(Issue(
                PROJECTS, rows[0], "exclusive_group", name,
                f"a project is in one exclusive group at most, and this cell names "
                f"{len(several)} ({where}): read as a group of its own, of this project "
                "alone, it would make the project an alternative of none of them",
                "put the project in one group; to make it an alternative of all their "
                "projects, give them all one group name"))
            continue
        close = _near(name, shared)
        if close is None:
            continue
        named.add(close)
        if len(groups[close]) == 1:  # two groups of one, spelt alike: which is the typo?
            issues.append(Issue(
                PROJECTS, rows[0], "exclusive_group", name,
                f"the groups {name!r} (row {rows[0]}) and {close!r} (row "
                f"{groups[close][0]}) have one project each and are spelt alike: each "
                "group of one excludes nothing, so both projects could be funded",
                "write the group one way in both rows if the projects are alternatives; "
                "otherwise clear the cells (a group of one excludes nothing)"))
        else:
            issues.append(Issue(
                PROJECTS, rows[0], "exclusive_group", name,
                f"no other project is in the group {name!r}, spelt like the group {close!r} "
                f"({rows_named(shared[close])}): a group of one excludes nothing, so the project "
                "and those of the group could all be funded",
                f"did you mean {close!r}? Write the group as the other rows do; if it is "
                "meant apart, clear the cell (a group of one excludes nothing)"))
    return issues


def _near(name: str, others: Iterable[str]) -> str | None:
    """The group name spelt like ``name`` (a typo), or None; names of a series (``G1`` and
    ``G2``, ``Lot A`` and ``Lot B``, ``1.1`` and ``1.10``) are meant apart."""
    def series(a: str, b: str) -> bool:  # numbers read as one mark: G1 ~ G2, A10 ~ B1
        x, y = (re.findall(r"[\w#]+", re.sub(r"\d+", "#", t.casefold())) for t in (a, b))
        apart = [(u, v) for u, v in zip(x, y, strict=False) if u != v]
        return len(x) == len(y) and (not apart or (len(apart) == 1
                                                    and max(map(len, apart[0])) <= 3))

    own = name_key(name)  # a spelling the near-duplicate rule names (keys.py) is its
    return suggest(name, [o for o in others  # to name, once
                          if not series(name, o) and name_key(o) != own], cutoff=0.85)


def lone_group_warnings(projects: pd.DataFrame) -> list[Issue]:
    """Groups of one project with no near name (those are :func:`lone_group_issues`'):
    valid, and excluding nothing."""
    groups = _groups(projects)
    if not groups:
        return []
    alone = [name for name, rows in groups.items() if len(rows) == 1]
    if len(alone) <= _MOST_LONE:  # those near another name are refused, not warned of
        alone = [n for n in alone if ";" not in n
                 and _near(n, [g for g in groups if g != n]) is None]
    lone = [(name, groups[name][0]) for name in alone]
    if not lone:
        return []
    name, row = lone[0]
    more = f" (and {len(lone) - 1} more: {first_few((n for n, _ in lone[1:]), 3)})" \
        if len(lone) > 1 else ""
    return [Issue(PROJECTS, row, "exclusive_group", name,
                  f"the exclusive group {name!r} has one project only{more}: a group of one "
                  "excludes nothing",
                  "nothing to do if its rivals left the round; otherwise give them the same "
                  "group name")]
