"""Values a workbook hides: the cell shows nothing, or a word, and holds a number or a text
(its format hides it, or its font is the colour of its background).

Excel's way to hide a cell's content is the number format ``;;;`` (its positive, negative
and zero sections all empty); a format such as ``"TBD"`` shows a word for every number. A
cost column so formatted looks blank, or undecided, yet each cell holds an amount that is
read and funded. What the analyst meant, the amount or the blank, nobody can tell, so such
a cell is refused, one problem per column, naming the value it holds and what it shows.
A zero shown as ``-`` (an accounting format) is zero, and no problem. A format's fourth
section hides a text as ``;;;`` does (:func:`hidden_text`): a ``requires`` or an id so
formatted is refused alike (:func:`hidden_text_issues`).

An ``.ods`` file keeps a format as a number style of elements (``<number:number>`` for the
digits, ``<number:text>`` for a literal) with a ``<style:map>`` for each section
(``value()>0``, ``value()<0``, ``value()=0``: LibreOffice's ``;;;`` is three maps to styles
of no digits); :func:`ods_number_codes` writes each as the Excel format code it stands for,
so the one rule above reads both.

A cell written in the colour of its background (white text on a sheet's white, the other
usual way to hide a cell) hides whatever it holds, a number or a text: such cells of the
columns osa-opt reads are refused too, in one problem naming their rows and columns
(:func:`same_colour_styles` of a workbook, :func:`ods_same_colour_styles` of an ``.ods``
file; :func:`same_colour_issues`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

from osa_opt.errors import Issue
from osa_opt.text import counted, rows_named
from osa_opt.text import number as number_text

#: What a format section shows besides its digits: text in quotes, [colour] and [$-411]
#: brackets, an escaped character, a padding or repeat character.
_DECOR = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.|_.|\*.')


def _sections(code: str) -> list[str]:
    """The sections of a number format, split at the ``;`` outside quotes and brackets."""
    parts: list[str] = []
    current: list[str] = []
    depth, quoted = 0, False
    for ch in code:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch == "[":
            depth += 1
        elif not quoted and ch == "]":
            depth = max(depth - 1, 0)
        if ch == ";" and not quoted and not depth:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return parts


def hidden_by(code: str, value: float) -> str | None:
    """What the format ``code`` shows for the number ``value`` when it shows no digit of it
    ("nothing" or the literal text), else None; None for 0 and for a conditional format.

    >>> hidden_by(";;;", 900), hidden_by('"TBD"', 900), hidden_by("#,##0", 900)
    ('nothing', "'TBD'", None)
    >>> hidden_by('_-* #,##0_-;-* #,##0_-;_-* "-"_-;_-@_-', 0), hidden_by("0;;", -5)
    (None, 'nothing')
    """
    sections = _sections(code)
    if not value or any(re.match(r"\s*\[[<>=]", s) for s in sections):
        return None
    if value > 0 or len(sections) == 1:
        section = sections[0]
    else:
        section = sections[1]
    if "general" in section.lower() or re.search(r"[0#?]", _DECOR.sub("", section)):
        return None
    literal = "".join(a or b for a, b in re.findall(r'"([^"]*)"|\\(.)', section))
    return repr(literal.strip()) if literal.strip() else "nothing"


def hides_numbers(code: str) -> bool:
    """Whether a format shows no digit for some positive or negative number."""
    return hidden_by(code, 1.0) is not None or hidden_by(code, -1.0) is not None


def hidden_text(code: str) -> str | None:
    """What the format ``code`` shows for a text ("nothing" or its literal) when its text
    section (the fourth) shows no ``@``, else None: ``;;;`` hides a text as it hides a
    number.

    >>> hidden_text(";;;"), hidden_text('0;-0;0;"n/a"'), hidden_text("0;-0;0;@"), hidden_text("0")
    ('nothing', "'n/a'", None, None)
    """
    sections = _sections(code)
    if len(sections) < 4 or "@" in _DECOR.sub("", sections[3]):
        return None
    literal = "".join(a or b for a, b in re.findall(r'"([^"]*)"|\\(.)', sections[3]))
    return repr(literal.strip()) if literal.strip() else "nothing"


def hidden_text_issues(sheet: str, rows: Sequence[tuple[int, Sequence[Any]]], at: int,
                       marked: Mapping[tuple[int, int], str],
                       plain: str = "Home > Number > General") -> list[Issue]:
    """One issue per column osa-opt reads with text cells whose format hides their text
    (``;;;`` over a ``requires`` or an id): ``marked`` maps (row, column from 0) to a
    format code."""
    from osa_opt.inputs.headers import known_header

    if not marked or not rows:
        return []
    header_row, header = rows[at][0], rows[at][1]
    values = dict(rows)
    found: dict[str, list[tuple[int, str, str, str]]] = {}
    for (row, column), code in sorted(marked.items()):
        cells = values.get(row, ())
        name = header[column] if column < len(header) else None
        value = cells[column] if column < len(cells) else None
        shown = hidden_text(code)
        if row > header_row and shown is not None and isinstance(name, str) \
                and known_header(sheet, name.strip()) and isinstance(value, str) \
                and value.strip():
            found.setdefault(name.strip(), []).append((row, value.strip(), code, shown))
    issues = []
    for name, cells in found.items():
        row, value, code, shown = cells[0]
        n = len(cells)
        issues.append(Issue(
            sheet, row, name, value,
            f"the format {code!r} shows {shown} for the text the cell holds ({value!r}): "
            f"{counted(n, 'cell')} of the column ({rows_named([r for r, *_ in cells])}) "
            + (f"{'look' if n > 1 else 'looks'} blank" if shown == "nothing" else
               f"{'show' if n > 1 else 'shows'} {shown}")
            + f" but {'hold' if n > 1 else 'holds'} text, which would be read",
            f"give the column a plain format ({plain}) to see each cell; clear the cells "
            "whose text is not meant"))
    return issues


def hidden_value_issues(sheet: str, header: Sequence[Any],
                        found: dict[int, list[tuple[int, float, Any]]],
                        plain: str = "Home > Number > General") -> list[Issue]:
    """One issue per number column with cells whose format hides their number; ``found``
    maps a column (from 0) to its (row, number, format) cells, as
    :func:`~osa_opt.inputs.number_formats.hidden_number_issues` finds them."""
    issues = []
    for column, cells in found.items():
        hiding = [(row, value, code, shown) for row, value, code in cells
                  if (shown := hidden_by(code, value)) is not None]
        if not hiding:
            continue
        row, value, code, shown = hiding[0]
        n = len(hiding)
        issues.append(Issue(
            sheet, row, str(header[column]).strip(), value,
            f"the format {code!r} shows {shown} for the number the cell holds "
            f"({number_text(value, grouped=False)}): {counted(n, 'cell')} of the column "
            f"({rows_named([r for r, *_ in hiding])}) "
            f"{'look' if n > 1 else 'looks'} {'blank' if shown == 'nothing' else 'undecided'} "
            f"but {'hold' if n > 1 else 'holds'} a number, which would be read",
            f"give the column a plain number format ({plain}) to see each number; clear "
            "the cells whose number is not meant"))
    return issues


def ods_number_codes(doc: Any) -> dict[str, str]:
    """Number style name -> the Excel format code it stands for, of every number, currency,
    percentage and text style of an OpenDocument ``doc`` (odfpy), wherever the file keeps
    it (styles.xml or content.xml), so that what the .xlsx reader finds in a format code
    (divided for display, another currency, a percentage, hidden: :mod:`number_formats`)
    is found in an .ods file's the same way, whichever program wrote it: a currency style
    of ``$`` is ``[$$]#,##0``, one of ``¥`` shown in millions (``number:display-factor``)
    ``[$¥]#,##0,,``, a percentage style ``0%``. A style of a condition other than the sign
    of the value, or of a date, is left out.

    >>> from odf.opendocument import OpenDocumentSpreadsheet
    >>> from odf.number import CurrencyStyle, CurrencySymbol, Number, PercentageStyle, Text
    >>> doc = OpenDocumentSpreadsheet()
    >>> yen = CurrencyStyle(name="N1")
    >>> yen.addElement(CurrencySymbol(text="¥"))
    >>> yen.addElement(Number(decimalplaces="0", grouping="true", displayfactor="1000000"))
    >>> share = PercentageStyle(name="N2")
    >>> share.addElement(Number(decimalplaces="1"))
    >>> share.addElement(Text(text="%"))
    >>> for style in (yen, share):
    ...     doc.styles.addElement(style)
    >>> ods_number_codes(doc)
    {'N1': '[$¥]#,##0,,', 'N2': '0.0%'}

    A style of a literal alone shows that word for every number (:func:`hides_numbers`):

    >>> from odf.number import NumberStyle
    >>> tbd = NumberStyle(name="N3")
    >>> tbd.addElement(Text(text="TBD"))
    >>> doc.automaticstyles.addElement(tbd)
    >>> ods_number_codes(doc)["N3"], hides_numbers(ods_number_codes(doc)["N3"])
    ('"TBD"', True)
    """
    from odf.namespaces import STYLENS

    styles = {style.attributes.get((STYLENS, "name")): style
              for part in (doc.styles, doc.automaticstyles) for style in part.childNodes
              if style.qname[1] in ODS_NUMBER_STYLES}
    out = {}
    for name, style in styles.items():
        if style.attributes.get((STYLENS, "volatile")) == "true":
            continue  # a section of another style (N145P0 of N145), named by no cell
        code = _ods_code(style, styles)
        if code is not None:
            out[name] = code
    return out


#: The OpenDocument styles of a number's format (a date's, a time's and a flag's aside).
ODS_NUMBER_STYLES = ("number-style", "currency-style", "percentage-style", "text-style")


def _ods_code(style: Any, styles: Mapping[str, Any]) -> str | None:
    """The Excel format code of an OpenDocument number style: its sections by its maps
    (``value()>0`` ...), None when a map's condition is not on the sign of the value."""
    from odf.namespaces import STYLENS

    maps = [(child.attributes.get((STYLENS, "condition"), ""),
             styles.get(child.attributes.get((STYLENS, "apply-style-name"))))
            for child in style.childNodes if child.qname[1] == "map"]
    sections = []
    for sign in (1, -1, 0):
        chosen = style
        for condition, target in maps:
            test = re.fullmatch(r"value\(\)(>=|<=|!=|>|<|=)0", condition.replace(" ", ""))
            if test is None or target is None:
                return None  # [>=100]: a condition of Excel's, never "hidden" by one rule
            if {">": sign > 0, "<": sign < 0, "=": sign == 0, ">=": sign >= 0,
                    "<=": sign <= 0, "!=": sign != 0}[test.group(1)]:
                chosen = target
                break
        sections.append(_ods_section(chosen))
    if not maps:
        return sections[0]
    text = [_ods_section(style)] if style.qname[1] == "text-style" else []
    return ";".join(sections + text)


def _ods_section(style: Any) -> str:
    """One section of a format code: an OpenDocument number style's own elements."""
    from odf.namespaces import NUMBERNS

    def text(element: Any) -> str:
        return "".join(str(n.data) for n in element.childNodes if n.nodeType == n.TEXT_NODE)

    parts = []
    for child in style.childNodes:
        kind = child.qname[1]
        if kind == "number":
            decimals = int(child.attributes.get((NUMBERNS, "decimal-places"), 0) or 0)
            grouped = child.attributes.get((NUMBERNS, "grouping")) == "true"
            parts.append(("#,##0" if grouped else "0") + ("." + "0" * decimals if decimals
                                                          else ""))
            try:  # shown divided by 1,000 per comma (#,##0,, shows millions)
                factor = float(child.attributes.get((NUMBERNS, "display-factor"), 1) or 1)
            except ValueError:
                factor = 1.0
            commas = round(math.log(factor, 1000)) if factor > 1 else 0
            parts[-1] += "," * commas if commas and 1000 ** commas == factor else ""
        elif kind == "scientific-number":
            parts.append("0.00E+00")
        elif kind == "fraction":
            parts.append("# ?/?")
        elif kind == "text-content":
            parts.append("@")
        elif kind == "fill-character":
            parts.append("*" + (text(child) or " "))
        elif kind == "currency-symbol":
            parts.append(f"[${text(child)}]")
        elif kind == "text" and text(child):
            shown = text(child)
            if style.qname[1] == "percentage-style" and "%" in shown:  # the value times 100
                before, _, after = shown.partition("%")
                parts.append("".join(f'"{t}"' for t in (before.replace('"', ""),) if t) + "%"
                             + "".join(f'"{t}"' for t in (after.replace('"', ""),) if t))
            else:
                parts.append('"' + shown.replace('"', "") + '"')
    return "".join(parts)


#: Excel's legacy palette (``indexed``) and theme colours (``theme``, untinted) that are
#: white or black whatever the workbook's theme: Background 1 and Text 1.
_INDEXED = {0: "000000", 1: "FFFFFF", 8: "000000", 9: "FFFFFF"}
_THEME = {0: "FFFFFF", 1: "000000"}


def _colour(color: Any) -> str | None:
    """An openpyxl colour as ``RRGGBB``, or None when it cannot be told without the
    workbook's theme (a tinted or accent theme colour, automatic)."""
    if color is None or getattr(color, "tint", None):
        return None
    kind = getattr(color, "type", None)
    if kind == "rgb" and isinstance(color.rgb, str) and len(color.rgb) >= 6:
        return color.rgb[-6:].upper()
    if kind == "indexed":
        return _INDEXED.get(color.indexed)
    if kind == "theme":
        return _THEME.get(color.theme)
    return None


def same_colour_styles(book: Any) -> set[bytes]:
    """Style indices (as a sheet's XML writes them, ``s="7"``) of the workbook's cell
    styles whose font is the colour of their fill (white on no fill, on the white of the
    sheet): their text shows as nothing."""
    try:
        styles, fonts, fills = book._cell_styles, book._fonts, book._fills
    except AttributeError:
        return set()
    found = set()
    for i, style in enumerate(styles):
        if style.fontId >= len(fonts) or style.fillId >= len(fills):
            continue
        font = _colour(getattr(fonts[style.fontId], "color", None))
        fill = fills[style.fillId]
        kind = getattr(fill, "patternType", None) or getattr(fill, "fill_type", None)
        back = "FFFFFF" if kind in (None, "none") else \
            _colour(getattr(fill, "fgColor", None)) if kind == "solid" else None
        if font is not None and font == back:
            found.add(str(i).encode())
    return found


def ods_same_colour_styles(doc: Any) -> set[str]:
    """The cell styles of an OpenDocument ``doc`` (odfpy) whose text is the colour of their
    background (``fo:color="#ffffff"`` on no background, or on ``fo:background-color`` of
    that colour), each set by the style or inherited from a parent style: such text shows
    as none, as :func:`same_colour_styles`' of a workbook."""
    from odf.namespaces import FONS

    from osa_opt.inputs.ods_styles import cell_styles, inherited, property_of

    styles = cell_styles(doc)
    text_colour = property_of("text-properties", (FONS, "color"))
    background = property_of("table-cell-properties", (FONS, "background-color"))
    found = set()
    for name in styles:
        colour = (inherited(styles, name, text_colour) or "").lower() or None
        fill = (inherited(styles, name, background) or "").lower()
        back = "#ffffff" if fill in ("", "transparent") else fill
        if colour is not None and colour == back:
            found.add(name)
    return found


def same_colour_issues(sheet: str, rows: Sequence[tuple[int, Sequence[Any]]], at: int,
                       marked: Mapping[tuple[int, int], Any],
                       where: str = "Home > Font Color > Automatic") -> list[Issue]:
    """One issue naming the cells of ``marked`` ((row, column from 0) -> anything: written
    in the colour of their background) below the header, in a column osa-opt reads, that
    hold a value: each looks blank and would be read; ``where`` is where the program sets
    a font colour."""
    from osa_opt.inputs.headers import known_header
    from osa_opt.text import first_few

    if not marked or not rows:
        return []
    header_row, header = rows[at][0], rows[at][1]
    values = dict(rows)
    found = []
    for row, column in sorted(marked):
        cells = values.get(row, ())
        name = header[column] if column < len(header) else None
        value = cells[column] if column < len(cells) else None
        if row > header_row and isinstance(name, str) and known_header(sheet, name.strip()) \
                and value is not None and str(value).strip():
            found.append((row, name.strip(), value))
    if not found:
        return []
    row, name, value = found[0]
    columns = first_few(dict.fromkeys(repr(n) for _, n, _ in found), 6)
    n = len(found)
    return [Issue(
        sheet, row, name, value,
        f"{counted(n, 'cell')} ({rows_named(sorted({r for r, _, _ in found}))}; {columns}) "
        f"{'are' if n > 1 else 'is'} written in the colour of {'their' if n > 1 else 'its'} "
        f"background (such as white on white): {'they look' if n > 1 else 'it looks'} blank but "
        f"{'hold values' if n > 1 else 'holds a value'}, which would be read",
        f"give the cells a font colour that shows ({where}) to see what is read; clear the "
        "cells, or delete the rows, whose value is not meant")]
