"""Numbers a workbook's format hides: the cell shows nothing, or a word, and holds a number.

Excel's way to hide a cell's content is the number format ``;;;`` (its positive, negative
and zero sections all empty); a format such as ``"TBD"`` shows a word for every number. A
cost column so formatted looks blank, or undecided, yet each cell holds an amount that is
read and funded. What the analyst meant, the amount or the blank, nobody can tell, so such
a cell is refused, one problem per column, naming the value it holds and what it shows.
A zero shown as ``-`` (an accounting format) is zero, and no problem.

An ``.ods`` file keeps a format as a number style of elements (``<number:number>`` for the
digits, ``<number:text>`` for a literal) with a ``<style:map>`` for each section
(``value()>0``, ``value()<0``, ``value()=0``: LibreOffice's ``;;;`` is three maps to styles
of no digits); :func:`ods_format_codes` writes each as the Excel format code it stands for,
so the one rule above reads both.
"""

from __future__ import annotations

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
    parts, depth, quoted, current = [], 0, False, []
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


def hidden_value_issues(sheet: str, header: Sequence[Any],
                        found: dict[int, list[tuple[int, float, Any]]],
                        plain: str = "Home > Number > General") -> list[Issue]:
    """One issue per number column with cells whose format hides their number; ``found``
    maps a column (from 0) to its (row, number, format) cells, as read_xlsx finds them."""
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


def ods_format_codes(doc: Any) -> dict[str, str]:
    """Number style name -> the Excel format code it stands for, of the number styles of
    an OpenDocument ``doc`` (odfpy) that hide some number (:func:`hides_numbers`): a style
    of a condition other than the sign of the value, or of a date, is left out.

    >>> from odf.opendocument import OpenDocumentSpreadsheet
    >>> from odf.number import NumberStyle, Text
    >>> doc = OpenDocumentSpreadsheet()
    >>> tbd = NumberStyle(name="N1")
    >>> tbd.addElement(Text(text="TBD"))
    >>> doc.automaticstyles.addElement(tbd)
    >>> ods_format_codes(doc)
    {'N1': '"TBD"'}
    """
    from odf.namespaces import STYLENS

    styles = {style.attributes.get((STYLENS, "name")): style
              for part in (doc.styles, doc.automaticstyles) for style in part.childNodes
              if style.qname[1] in _ODS_NUMBER_STYLES}
    out = {}
    for name, style in styles.items():
        if style.attributes.get((STYLENS, "volatile")) == "true":
            continue  # a section of another style (N145P0 of N145), named by no cell
        code = _ods_code(style, styles)
        if code is not None and hides_numbers(code):
            out[name] = code
    return out


#: The OpenDocument styles of a number's format (a date's, a time's and a flag's aside).
_ODS_NUMBER_STYLES = ("number-style", "currency-style", "percentage-style", "text-style")


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
            parts.append('"' + text(child).replace('"', "") + '"')
    return "".join(parts)
