"""Fast paths of big rounds (issue 14) give what the plain per-row rules give."""

from __future__ import annotations

import random
from typing import Any

import pandas as pd
import pytest

from osa_opt.inputs.headers import ROW, table
from osa_opt.inputs.requirement_rules import _strong_parts, bundles


def _plain_rings(projects: pd.DataFrame) -> list[list[str]]:
    """Rings found over every project, as before the search skipped the ones without
    requirements."""
    graph = {str(p): [q for q in needs if q in projects.index]
             for p, needs in zip(projects.index, projects["requires"], strict=True)}
    return [part for part in _strong_parts(graph) if len(part) > 1]


@pytest.mark.parametrize("seed", range(30))
def test_bundles_match_the_search_over_every_project(seed: int) -> None:
    rng = random.Random(seed)
    ids = [f"P-{i:02d}" for i in range(rng.randint(1, 25))]
    requires = [tuple(rng.sample(ids + ["P-99", "gone"], rng.choice([0, 0, 1, 1, 2, 3])))
                for _ in ids]
    projects = pd.DataFrame({"requires": requires}, index=ids)
    assert bundles(projects) == _plain_rings(projects)


def test_bundles_of_a_ring_and_a_chain() -> None:
    projects = pd.DataFrame({"requires": [("P-3",), ("P-1",), ("P-2",), ("P-1",), ()]},
                            index=["P-1", "P-2", "P-3", "P-4", "P-5"])
    assert bundles(projects) == [["P-1", "P-2", "P-3"]]


def _plain_table(rows: list[tuple[int, list[Any]]]) -> tuple[list[dict[str, Any]], dict]:
    """The per-cell rule the reader followed: every cell padded, a repeated header keeps its
    first column, text under no header is noted by row."""
    header = ["" if h is None else str(h).strip() for h in rows[0][1]]
    width = max([len(header), *(len(r) for _, r in rows[1:])])
    header += [""] * (width - len(header))
    records, headerless = [], {}
    for number, cells in rows[1:]:
        if all(c is None or (isinstance(c, str) and not c.strip()) for c in cells):
            continue
        cells = ["" if c is None else c for c in cells] + [""] * (width - len(cells))
        record: dict[str, Any] = {ROW: number}
        for i, (name, cell) in enumerate(zip(header, cells, strict=True)):
            if name:
                record.setdefault(name, cell)
            elif not (cell is None or (isinstance(cell, str) and not cell.strip())):
                headerless.setdefault(i, []).append(number)
        records.append(record)
    return records, headerless


def test_table_matches_the_per_cell_rule_on_a_nasty_table() -> None:
    rows: list[tuple[int, list[Any]]] = [
        (1, ["id", "cost", None, "id", "  title ", ""]),
        (2, ["P-1", 3.5, None, "dup", "a"]),
        (3, [None, "", "  ", None]),                       # blank: left out
        (4, ["P-2", None, "stray", "x", "b", "far", "farther"]),
        (5, ["P-3"]),                                       # short: padded
        (6, [None, 0, None, None, None, "  "]),
    ]
    issues: list[Any] = []
    frame = table("projects", [(n, list(c)) for n, c in rows], issues, [], str)
    records, headerless = _plain_table(rows)
    expected = pd.DataFrame.from_records(records, columns=["id", "cost", "title", ROW])
    assert frame.to_dict("records") == expected.to_dict("records")
    # the reader's own wording: "column 3 has data but no header (rows 4, 6)"
    stray = sorted(str(i) for i in issues if "has data but no header" in str(i))
    assert len(stray) == len(headerless) == 3
    for column, numbers in headerless.items():
        rows_text = ", ".join(map(str, numbers))
        assert any(f"{column} has data but no header" in t and rows_text in t for t in stray)
