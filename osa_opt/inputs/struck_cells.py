"""Cells of a workbook struck through: a deletion shown, not made (見え消し).

Japanese offices mark a change by striking the old text through and leaving it in place
(見え消し), and many analysts strike a withdrawn project's row rather than delete it. A
struck cell still holds its value: read as it is, a struck project would be a candidate
again, a struck cost or id in ``requires`` would count. Whether the strike means "deleted"
or is only a mark, nobody but the analyst can tell, so every struck cell the input reads
is refused by name (a row whose id is struck as one problem), with the fix either way.

The strike is a cell's font (``<strike/>`` in its style) or, for a cell of rich text, a
run of it (``P-01; ~~P-02~~``: only P-02 struck). openpyxl's read-only reader gives
neither, so the styles, the shared strings and the sheet's XML are read here, and only
when the workbook strikes anything at all.
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Sequence
from typing import Any

from osa_opt.errors import Issue
from osa_opt.inputs.schema import KEYS, PROJECTS
from osa_opt.inputs.sheet_rows import ods_filled_cells

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.S)
#: A cell's reference (``r="B7"``: its column letters, its row) and style index (``s="3"``)
#: among its attributes; read_xlsx reads a cell's number format by them too.
CELL_REF = re.compile(rb'\br="([A-Z]+)(\d+)"')
CELL_STYLE = re.compile(rb'\bs="(\d+)"')
_TYPE = re.compile(rb'\bt="(\w+)"')
_VALUE = re.compile(rb"<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>")
_INLINE = re.compile(rb"<(?:\w+:)?is>.*?</(?:\w+:)?is>", re.S)

#: What a struck cell is: None when the whole cell is struck, else the struck text.
Struck = dict[tuple[int, int], "str | None"]


def _is_struck(element: ET.Element | None) -> bool:
    """Whether a run's properties (``<rPr>``) or a font strike through."""
    if element is None:
        return False
    strike = element.find(f"{_MAIN}strike")
    return strike is not None and strike.get("val", "1").lower() not in ("0", "false")


def _part(text: str, struck: str) -> str | None:
    """A struck cell as :data:`Struck` holds it: None when ``struck`` is all of its
    ``text``, else the struck text."""
    return None if struck == " ".join(text.split()) else struck


def _runs(si: ET.Element) -> tuple[str, str] | None:
    """(all text, struck text) of a string item of rich text with a struck run, or None."""
    runs = si.findall(f"{_MAIN}r")
    if not runs:
        return None
    text, struck = [], []
    for run in runs:
        held = run.find(f"{_MAIN}t")
        t = "".join(held.itertext()) if held is not None else ""
        text.append(t)
        if _is_struck(run.find(f"{_MAIN}rPr")) and t.strip():
            struck.append(t.strip())
    if not struck:
        return None
    return "".join(text), " ".join(struck)


def shared_struck(workbook: bytes) -> dict[int, str | None]:
    """Index -> struck text (None: all of it) of the workbook's shared strings that strike
    a run (read once per workbook; nothing when none does)."""
    try:
        with zipfile.ZipFile(io.BytesIO(workbook)) as archive:
            data = archive.read("xl/sharedStrings.xml")
    except (KeyError, zipfile.BadZipFile, OSError, ValueError):
        return {}
    if b"strike" not in data:
        return {}
    try:
        root = ET.fromstring(data)
    except ET.ParseError:
        return {}
    out: dict[int, str | None] = {}
    for i, si in enumerate(root.iter(f"{_MAIN}si")):
        found = _runs(si)
        if found is not None:
            out[i] = _part(*found)
    return out


def struck_cells(xml: bytes, book: Any, shared: dict[int, str | None]) -> Struck:
    """(Excel row, column from 0) -> the struck text of each cell of the sheet ``xml``
    struck through, None when the whole cell is (its font, or every run of its text);
    ``shared`` is :func:`shared_struck`'s. Nothing when the workbook strikes nothing (the
    usual case, found without parsing)."""
    from openpyxl.utils import column_index_from_string

    try:
        fonts = {i for i, font in enumerate(book._fonts) if getattr(font, "strike", False)}
        styles = {str(i).encode() for i, style in enumerate(book._cell_styles)
                  if style.fontId in fonts}
    except AttributeError:
        styles = set()
    if not styles and not shared and b"strike" not in xml:
        return {}
    out: Struck = {}
    for attributes, body in _CELL.findall(xml):
        ref = CELL_REF.search(attributes)
        if ref is None:
            continue
        at = (int(ref.group(2)), column_index_from_string(ref.group(1).decode()) - 1)
        style = CELL_STYLE.search(attributes)
        if style is not None and style.group(1) in styles:
            out[at] = None
            continue
        typed = _TYPE.search(attributes)
        kind = typed.group(1) if typed else b"n"
        if kind == b"s" and shared:
            value = _VALUE.search(body or b"")
            if value is not None and value.group(1).strip().isdigit() \
                    and int(value.group(1)) in shared:
                out[at] = shared[int(value.group(1))]
        elif kind == b"inlineStr" and body and b"strike" in body:
            inline = _INLINE.search(body)
            if inline is None:
                continue
            try:
                found = _runs(ET.fromstring(inline.group().replace(
                    b"<is", f'<is xmlns="{_MAIN[1:-1]}"'.encode(), 1)
                    if b"xmlns" not in inline.group() else inline.group()))
            except ET.ParseError:
                continue
            if found is not None:
                out[at] = _part(*found)
    return out


def struck_issues(sheet: str, rows: Sequence[tuple[int, Sequence[Any]]], at: int,
                  struck: Struck) -> list[Issue]:
    """One issue per row whose key (``project_id``, ``country``) is struck through, else one
    per struck cell of a column osa-opt reads, with a value; ``at`` is the header's index in
    ``rows``."""
    from osa_opt.inputs.headers import known_header

    if not struck or not rows:
        return []
    header_row, header = rows[at][0], [str(h).strip() if isinstance(h, str) else None
                                       for h in rows[at][1]]
    cells = dict(rows)
    key = KEYS.get(sheet)
    unit = "project" if sheet == PROJECTS else "country"
    keyed: set[int] = set()
    issues = []
    for (row, column), part in sorted(struck.items()):
        values = cells.get(row, ())
        value = values[column] if column < len(values) else None
        name = header[column] if column < len(header) else None
        if row <= header_row or name is None or not known_header(sheet, name) \
                or value is None or (isinstance(value, str) and not value.strip()) \
                or row in keyed:
            continue
        if name == key and part is None:
            keyed.add(row)
            out = ("if the project is out of the round, delete the row or give it status "
                   "excluded (with a status_reason)" if sheet == PROJECTS else
                   "if the partner is out of the round, give its projects status excluded "
                   "(with a status_reason)")
            issues.append(Issue(
                sheet, row, name, value,
                f"the {name} is struck through (見え消し, as a deletion is shown), but the "
                f"row is read as a {unit} all the same",
                f"{out}; if it is in, clear the strikethrough (Format Cells > Font > "
                "Strikethrough, or Ctrl+5)"))
        elif part is None:
            issues.append(Issue(
                sheet, row, name, value,
                "the cell is struck through (見え消し, as a deletion is shown), but its value "
                "is read all the same",
                "type the value meant (or clear the cell, for none) without strikethrough; "
                "if the struck value is meant, clear the strikethrough (Ctrl+5)"))
        else:
            issues.append(Issue(
                sheet, row, name, value,
                f"part of the cell is struck through ({part!r}: 見え消し, as a deletion is "
                "shown), but the whole cell is read, struck text and all",
                f"delete the struck text {part!r} from the cell, or clear its strikethrough "
                "if it is meant"))
    return issues


# ---------------------------------------------------------------------- .ods
def _ods_struck_styles(doc: Any) -> tuple[set[str], set[str]]:
    """(cell styles, text styles) of an .ods document that strike through (a
    ``style:text-line-through-style`` or ``-type`` other than ``none``: LibreOffice writes
    either), set by the style or inherited from its parent, its parent's parent and so on
    (a style that sets ``none`` itself is not struck, whatever its parent does)."""
    from odf.namespaces import STYLENS

    from osa_opt.inputs.ods_styles import cell_styles, inherited

    def strikes(style: Any) -> bool | None:
        for child in style.childNodes:
            if child.qname[1] != "text-properties":
                continue
            marks = [child.attributes.get((STYLENS, f"text-line-through-{what}"))
                     for what in ("style", "type")]
            if any(mark is not None for mark in marks):
                return any(mark not in (None, "none") for mark in marks)
        return None

    cells, texts = ({name for name in styles if inherited(styles, name, strikes)}
                    for styles in (cell_styles(doc), cell_styles(doc, "text")))
    return cells, texts


def ods_struck_cells(doc: Any, row_elements: Sequence[Any], most: int) -> Struck:
    """:func:`struck_cells` of an .ods table of the document ``doc``, by its rows
    ``row_elements`` (a repeat counted up to ``most``): a cell whose style strikes through,
    or a paragraph's span of a struck text style."""
    from odf.namespaces import TABLENS, TEXTNS

    cells, texts = _ods_struck_styles(doc)
    if not cells and not texts:
        return {}
    out: Struck = {}
    for cell, number, column, repeat, span in ods_filled_cells(row_elements):
        part: str | None | bool = False  # False: not struck
        if cell.attributes.get((TABLENS, "style-name")) in cells:
            part = None
        elif texts:
            text, struck = _ods_runs(cell, texts, TEXTNS)
            if struck:
                part = _part(text, struck)
        if part is not False:
            for r in range(number, number + min(repeat, most)):
                for c in range(column, column + min(span, most)):
                    out[r, c] = part  # type: ignore[assignment]
    return out


def _ods_runs(cell: Any, texts: set[str], textns: str) -> tuple[str, str]:
    """(all text, struck text) of a cell's paragraphs, the struck text that of its spans of
    a struck text style."""
    text, struck = [], []

    def walk(node: Any, inside: bool) -> None:
        for child in node.childNodes:
            if child.nodeType == child.TEXT_NODE:
                text.append(str(child.data))
                if inside:
                    struck.append(str(child.data))
            elif child.qname[1] == "span":
                walk(child, inside or child.attributes.get((textns, "style-name")) in texts)
            elif child.qname[1] == "s":
                text.append(" ")
            else:
                walk(child, inside)

    for paragraph in cell.childNodes:
        if paragraph.qname[1] == "p":
            walk(paragraph, False)
    return "".join(text), " ".join(s.strip() for s in struck if s.strip())
