"""A big round's long lists, summarised in the report: the largest rows and one line for
the others, the reasons counted, and where the whole table is.

A list of more than :data:`SUMMARY_ABOVE` rows (portfolio 1's partners with their items,
its funded projects, the eligible projects it leaves out, the ineligible projects) shows its
:data:`SUMMARY_ROWS` largest rows by cost and a line "N other …" with what they add up to;
the report says which sheet of the workbook (and which file) has every row. A round of the
shipped example's size is shown in full, as before. The printed report of a synthetic
2,000-project round went from 104 pages to 27 (docs/report.md).

>>> others_label(1327, "project", "projects")
'1,327 other projects'
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from html import escape

import pandas as pd

from osa_opt.html import column_kind, table
from osa_opt.inputs.eligibility import code_of
from osa_opt.result.facts import (
    NOT_SELECTED,
    NOT_SELECTED_ROOM,
    NOT_WORTH,
    REQUIRES_UNFUNDABLE,
    is_room,
)

#: A list of more rows than this is summarised (a real round's lists, a few dozen rows, and
#: the shipped example's are shown whole).
SUMMARY_ABOVE = 100
#: The rows a summarised list shows, largest cost first, before its line of others.
SUMMARY_ROWS = 25
#: The CSS class of a summary's line of others.
OTHERS = "others"


def is_big(rows: int) -> bool:
    """Whether a list of ``rows`` rows is summarised in the report."""
    return rows > SUMMARY_ABOVE


def others_label(n: int, noun: str, nouns: str) -> str:
    return f"{n:,} other {noun if n == 1 else nouns}"


def largest_with_others(frame: pd.DataFrame, *, by: str, label_column: str, label: str,
                        sums: Sequence[str], columns: Sequence[str],
                        headers: dict[str, str] | None = None) -> str:
    """``frame`` as a table of its :data:`SUMMARY_ROWS` rows largest in ``by`` (input order
    among equals), then one line for the rest: ``label`` in ``label_column``, the sum of
    each of ``sums``, every other cell blank. Each column keeps the kind of its values
    (the line of others is text in a column of numbers)."""
    kinds = {c: column_kind(c, frame[c]) for c in columns if c in frame}
    ranked = frame.sort_values(by, ascending=False, kind="stable")
    top, rest = ranked.head(SUMMARY_ROWS), ranked.iloc[SUMMARY_ROWS:]
    classes = [""] * len(top)
    if not rest.empty:
        row: dict[str, object] = dict.fromkeys(frame.columns, "")
        row.update({c: float(pd.to_numeric(rest[c], errors="coerce").sum()) for c in sums})
        row[label_column] = label
        top = pd.concat([top.astype(object), pd.DataFrame([row], columns=frame.columns)],
                        ignore_index=True)
        classes.append(OTHERS)
    return table(top, columns=columns, kinds=kinds, headers=headers, row_classes=classes)


def where_note(what: str, shown: int, noun: str, where: str) -> str:
    """The note above a summarised list: what it shows and where every row is."""
    return (f'<p class="note">{escape(what)} — the {shown:,} largest by {noun}, the others '
            f"in one line. Every one is {escape(where)}.</p>")


def unfunded_kind(reason: str) -> str:
    """What an eligible project left out is counted under: its reason without the
    project's own names (an exclusive group's, a required project's).

    >>> unfunded_kind("exclusive group Aurelia patrol boats: P-02 funded instead")
    'exclusive group: a rival is funded instead'
    >>> unfunded_kind("requires P-04, which is not funded")
    'requires a project that is not funded'
    >>> unfunded_kind("requires P-04, which requires P-02, which is excluded")
    'requires a project that cannot be funded'
    """
    if reason.startswith("exclusive group"):
        return "exclusive group: a rival is funded instead"
    if reason.startswith("requires "):
        return ("requires a project that is not funded"
                if reason.endswith("which is not funded") else REQUIRES_UNFUNDABLE)
    if reason in (NOT_SELECTED, NOT_SELECTED_ROOM, NOT_WORTH):
        return reason
    if is_room(reason):  # the rule named: counted with those the rule is not named for
        return NOT_SELECTED_ROOM
    return code_of(reason)


def reasons_counted(reasons: Iterable[list[str]], costs: Iterable[float],
                    kind: Callable[[str], str] = code_of) -> str:
    """A table of each kind of reason with its projects and their whole cost, most projects
    first; a project with two reasons counts under both."""
    count: Counter[str] = Counter()
    cost: defaultdict[str, float] = defaultdict(float)
    for listed, amount in zip(reasons, costs, strict=True):
        for k in dict.fromkeys(kind(str(r)) for r in listed):
            count[k] += 1
            cost[k] += float(amount)
    order = sorted(count, key=lambda k: (-count[k], k))
    frame = pd.DataFrame({"reason": order, "projects": [count[k] for k in order],
                          "total_cost": [cost[k] for k in order]})
    return ("<h3>Reasons, counted</h3>"
            + table(frame, headers={"reason": "Reason", "projects": "Projects",
                                    "total_cost": "Their total cost (¥m)"})
            + '<p class="note">A project with two reasons counts under both.</p>')
