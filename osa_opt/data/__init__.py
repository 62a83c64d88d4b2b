"""The shipped example and policies, and what the outputs say of the shipped inputs.

The files live once, in ``inputs/`` and ``models/`` of the repository; the entries here are
links to them, which a wheel build turns into copies, so ``osa-opt solve`` works after a
plain ``pip install`` from any folder. ``real_rounds.json`` is written by
``inputs/make_real_rounds.py``: each real round's files by sha256 and what its outputs say
of its numbers.
"""

from __future__ import annotations

import functools
import json
from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from osa_opt.digest import sha256

if TYPE_CHECKING:
    from xml.etree import ElementTree

_HERE = Path(__file__).resolve().parent

#: What the outputs of the shipped example say of it (the terminal, the report's masthead,
#: the workbook's Read me): its partners and every number in it are made up.
EXAMPLE_NOTE = ("The shipped example: fictional partners, illustrative numbers; "
                "not a real OSA round.")


def example_path() -> Path:
    """Path of the shipped example workbook."""
    return _HERE / "example.xlsx"


def default_policy_path() -> Path:
    """Path of the shipped default policy, ``models/default.toml``."""
    return _HERE / "default.toml"


def shipped_policy_paths() -> tuple[Path, ...]:
    """Paths of the shipped policies, ``models/*.toml`` (the default first), which
    ``osa-opt example`` copies beside the example.

    >>> [p.name for p in shipped_policy_paths()]
    ['default.toml', 'humanitarian_focus.toml', 'strict_round.toml']
    """
    others = sorted(p for p in _HERE.glob("*.toml") if p.name != "default.toml")
    return (default_policy_path(), *others)


@functools.cache
def _example_sha256() -> str:
    return sha256(example_path().read_bytes())  # the fingerprint a Problem's sources hold


def is_example(sources: Mapping[str, str]) -> bool:
    """Whether an input whose files have these sha256 (a Problem's ``sources``) is the
    shipped example, read from wherever it lies; an edited copy is a round of its own.

    >>> is_example({"example.xlsx": _example_sha256()}), is_example({"mine.xlsx": "0" * 64})
    (True, False)
    """
    return _example_sha256() in sources.values()


@functools.cache
def _real_rounds() -> dict[str, dict[str, str]]:
    path = _HERE / "real_rounds.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def real_round_note(sources: Mapping[str, str]) -> str | None:
    """What the outputs say of a shipped real round (``inputs/real_rounds/FY20xx``, both its
    files unedited, read from wherever they lie): which numbers are the public record's and
    which illustrative; None for any other input.

    >>> real_round_note({"projects.csv": "0" * 64, "countries.csv": "0" * 64}) is None
    True
    """
    year = real_round_year(sources)
    return None if year is None else _real_rounds()[year]["note"]


def real_round_year(sources: Mapping[str, str]) -> str | None:
    """The fiscal year of a shipped real round (its two files unedited, by sha256), e.g.
    ``"FY2025"``; None for any other input.

    >>> real_round_year({"projects.csv": "0" * 64, "countries.csv": "0" * 64}) is None
    True
    """
    for year, entry in _real_rounds().items():
        if all(sources.get(name) == entry[name] for name in ("projects.csv", "countries.csv")):
            return year
    return None


def input_note(sources: Mapping[str, str]) -> str | None:
    """What every output of a run says of a shipped input: :data:`EXAMPLE_NOTE` for the
    example, :func:`real_round_note` for a real round, None for a round of one's own.

    >>> input_note({"example.xlsx": _example_sha256()}) == EXAMPLE_NOTE
    True
    """
    if is_example(sources):
        return EXAMPLE_NOTE
    return real_round_note(sources)


@functools.cache
def example_partners() -> tuple[str, ...]:
    """The fictional partners of the shipped example, as its countries sheet names them.

    >>> example_partners()[:3]
    ('Aurelia', 'Serendel', 'Lumaris')

    Read from the workbook's XML with the standard library (:func:`_sheet_texts`): a round
    of CSV files asks for them in its report, and loading openpyxl for them took 0.09-0.16 s
    of a 10,000-project solve that never opens a workbook otherwise.
    """
    rows = _sheet_texts(example_path(), "countries")
    at = rows[0].index("country")
    cells = (row[at] if len(row) > at else None for row in rows[1:])
    return tuple(c.strip() for c in cells if c is not None)


_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"


def _sheet_texts(path: Path, sheet: str) -> list[list[str | None]]:
    """The cells of one sheet of an .xlsx workbook as text (None where empty), row by row:
    enough for the shipped example's countries sheet, read without openpyxl."""
    import re
    import zipfile
    from xml.etree import ElementTree

    with zipfile.ZipFile(path) as book:
        def xml(name: str) -> ElementTree.Element:
            return ElementTree.fromstring(book.read(name))

        names = book.namelist()
        shared = ([_run_text(si) for si in xml("xl/sharedStrings.xml").iter(f"{_MAIN}si")]
                  if "xl/sharedStrings.xml" in names else [])
        rid = next(s.get(f"{_REL}id") for s in xml("xl/workbook.xml").iter(f"{_MAIN}sheet")
                   if s.get("name") == sheet)
        target = next(r.get("Target", "") for r in xml("xl/_rels/workbook.xml.rels")
                      if r.get("Id") == rid)
        rows: list[list[str | None]] = []
        for row in xml(target.lstrip("/") if target.startswith("/") else f"xl/{target}"
                       ).iter(f"{_MAIN}row"):
            cells: list[str | None] = []
            for cell in row.iter(f"{_MAIN}c"):
                letters = re.match(r"[A-Z]+", cell.get("r", ""))
                if letters:  # A1-style reference: the column, gaps left empty
                    column = 0
                    for ch in letters.group():
                        column = column * 26 + ord(ch) - 64
                    cells += [None] * (column - 1 - len(cells))
                kind, value = cell.get("t"), cell.find(f"{_MAIN}v")
                inline = cell.find(f"{_MAIN}is")
                if kind == "inlineStr" and inline is not None:
                    text: str | None = _run_text(inline)
                elif value is None or value.text is None:
                    text = None
                else:
                    text = shared[int(value.text)] if kind == "s" else value.text
                cells.append(text)
            rows.append(cells)
        return rows


def _run_text(element: ElementTree.Element) -> str:
    """A string item's text: its ``<t>``, or its rich-text runs' (not phonetic guides)."""
    parts = [element.find(f"{_MAIN}t"), *(r.find(f"{_MAIN}t")
                                         for r in element.findall(f"{_MAIN}r"))]
    return "".join(t.text or "" for t in parts if t is not None)


def example_partners_note(countries: Iterable[object]) -> str | None:
    """What the outputs say of a round of one's own (the shipped example copied, converted
    to .ods or edited: not the example as shipped) whose countries sheet still names the
    example's fictional partners (:func:`example_partners`) for at least half of its
    partners; None otherwise (a round of one's own, or a test's, that borrows a name or two).
    The round is not called the shipped example: its numbers may be the analyst's own.

    >>> example_partners_note(["Aurelia", "Serendel", "Fiji"])
    "2 of 3 partners (Aurelia, Serendel) are the shipped example's fictional partners, not real countries: numbers that came with them from the example are illustrative (rename or replace a partner once it is a real one)."
    >>> example_partners_note(["Aurelia", "Fiji"])[:64]
    "1 of 2 partners (Aurelia) is one of the shipped example's fictio"
    >>> example_partners_note(["Fiji"]) is None
    True
    """
    names = [str(c).strip() for c in countries]
    fictional = set(example_partners())
    found = [n for n in names if n in fictional]
    if not found or 2 * len(found) < len(names):
        return None
    listed = ", ".join(found[:3]) + (f" and {len(found) - 3} more" if len(found) > 3 else "")
    head = (f"Its {len(names)} partners ({listed}) are the" if len(found) == len(names) > 1
            else f"{len(found)} of {len(names)} partner{'s' * (len(names) > 1)} ({listed}) "
            + ("are the" if len(found) > 1 else "is one of the"))
    return (f"{head} shipped example's fictional partners, not real countries: numbers "
            "that came with them from the example are illustrative (rename or replace a "
            "partner once it is a real one).")


#: The column a round's files mark their made-up numbers in (the real rounds' files do, row
#: by row); a cell of these words marks nothing.
ILLUSTRATIVE_COLUMN = "illustrative"
_NOT_MARKED = frozenset({"", "no", "false", "0", "none", "nan", "-", "—"})


def marked_illustrative(projects: Iterable[object], countries: Iterable[object]) -> str | None:
    """What the outputs say of a round whose files mark numbers illustrative in a column
    ``illustrative`` (each real round's files do) when the files are not a shipped input as
    shipped: an edited copy of a real round keeps its real partners and its neutral scores,
    and its value still ranks nothing real. ``projects`` and ``countries`` are the column's
    cells (empty when a sheet has no such column); None when no cell marks anything.

    >>> marked_illustrative(["illustrative: scores", "illustrative: scores", ""], [])
    "2 of 3 projects are marked illustrative in the input's illustrative column ('illustrative: scores'): the numbers those notes name are not real, nor is a value computed from them (clear a row's note once its numbers are your own)."
    """
    parts = []
    for cells, noun in ((list(projects), "project"), (list(countries), "partner")):
        texts = [str(c).strip() for c in cells]
        marked = [t for t in texts if t.lower() not in _NOT_MARKED]
        if not marked:
            continue
        common, _ = Counter(marked).most_common(1)[0]
        others = len(set(marked)) - 1
        quoted = repr(common) + (f" and {others} other note{'s' * (others > 1)}" if others else "")
        parts.append(f"{len(marked)} of {len(texts)} {noun}s ({quoted})")
    if not parts:
        return None
    verb = "are" if len(parts) > 1 or not parts[0].startswith("1 of") else "is"
    head = " and ".join(p.split(" (", 1)[0] for p in parts)
    quotes = "; ".join(p.split(" (", 1)[1][:-1] for p in parts)
    return (f"{head} {verb} marked illustrative in the input's {ILLUSTRATIVE_COLUMN} column "
            f"({quotes}): the numbers those notes name are not real, nor is a value computed "
            "from them (clear a row's note once its numbers are your own).")
