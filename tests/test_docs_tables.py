"""Every terminal table pasted in README.md and docs/*.md is drawn as the terminal draws it:
each row of a box-drawn table as wide as its top line, so the columns line up for a reader
(tests/test_docs_examples.py compares the text with runs of spaces ignored, so a table
edited by hand can pass there and still print crooked on the page)."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
BOX = tuple("┏┃┡│├└┗┣┠╇")
FENCE = re.compile(r"^```[\w-]*\n(.*?)^```", re.S | re.M)


def width(line: str) -> int:
    """Display width: East Asian wide characters take two cells."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line.rstrip())


def tables(text: str) -> list[tuple[int, list[str]]]:
    """(line number, rows) of each run of box-drawn lines in the page's fenced blocks."""
    out: list[tuple[int, list[str]]] = []
    for block in FENCE.finditer(text):
        start = text[:block.start(1)].count("\n") + 1
        run: list[str] = []
        for n, line in enumerate(block.group(1).splitlines() + [""], start=start):
            if line.startswith(BOX):
                run.append(line)
            elif run:
                out.append((n - len(run), run))
                run = []
    return out


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_row_of_a_pasted_table_is_as_wide_as_its_top_line(page: Path) -> None:
    crooked = []
    for line_no, rows in tables(page.read_text(encoding="utf-8")):
        top = width(rows[0])
        crooked += [f"{page.name}:{line_no + i}: {width(r)} wide, the table {top}"
                    for i, r in enumerate(rows) if width(r) != top]
    assert not crooked, "\n".join(crooked)
