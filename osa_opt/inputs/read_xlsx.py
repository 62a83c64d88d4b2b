"""Reading an Excel workbook (.xlsx, .xlsm) into raw tables, one per input sheet.

Also what every workbook format shares: which sheet is the input sheet (a hidden
``projects`` beside a visible ``projects (2)`` is refused by name), what an unreadable
file is (a password-protected workbook is named as such), and what a merged cell in the
table means (nothing certain: it is refused, :func:`merged_issues`).
"""

from __future__ import annotations

import io
import re
import warnings
import zipfile
import zlib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from osa_opt.errors import Issue
from osa_opt.inputs.encodings import OLE_MAGIC
from osa_opt.inputs.headers import find_header, known_header, table
from osa_opt.inputs.schema import COST_PREFIX, SHEETS
from osa_opt.inputs.sheet_rows import (
    cut_short_issue,
    repeated_row_issue,
    row_order,
    sheet_rows,
)
from osa_opt.inputs.struck_cells import (
    CELL_REF,
    CELL_STYLE,
    shared_struck,
    struck_cells,
    struck_issues,
)
from osa_opt.inputs.suspect_cells import FORMULA_HINT, FORMULA_RULE, TOTALS_ATTR
from osa_opt.text import counted, first_few, rows_named
from osa_opt.text import number as number_text


def encrypted(data: bytes) -> bool:
    """Whether the bytes are a password-protected workbook (.xlsx, .xlsm or .ods)."""
    if data.startswith(OLE_MAGIC):
        return "EncryptionInfo".encode("utf-16-le") in data
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                return b"encryption-data" in archive.read("META-INF/manifest.xml")
        except (KeyError, zipfile.BadZipFile, OSError, ValueError):
            return False
    return False


#: What a file that fails to open as its name says most likely is, by its first bytes:
#: (its kind, the fix).
KINDS = (
    (b"PK\x03\x04", "xl/workbook", "an Excel workbook (.xlsx)",
     "rename it to end in .xlsx"),
    (b"PK\x03\x04", "application/vnd.oasis.opendocument.spreadsheet",
     "an OpenDocument spreadsheet (.ods)", "rename it to end in .ods"),
    (b"PK\x03\x04", "index/document.iwa", "an Apple Numbers spreadsheet",
     "in Numbers, File > Export To > Excel, and give the .xlsx file"),
    (b"PK\x03\x04", "projects.csv", "a zip archive of CSV files",
     "extract it (right-click > Extract All) and give the folder that holds projects.csv "
     "and countries.csv"),
    (OLE_MAGIC, "", "an old Excel workbook (.xls)",
     "open it in Excel and save it as an .xlsx workbook (File > Save As > Excel Workbook)"),
    (b"", 'office:mimetype="application/vnd.oasis.opendocument.spreadsheet"', "a flat OpenDocument "
     "spreadsheet (.fods)", "open it in LibreOffice and save it as an .ods or .xlsx file (File "
     "> Save As > ODF Spreadsheet)"),
    (b"", "urn:schemas-microsoft-com:office:spreadsheet", "an Excel 2003 XML spreadsheet",
     "open it in Excel and save it as an .xlsx workbook (File > Save As > Excel Workbook)"),
    (b"", "<html", "a web page (HTML), such as Excel's 'Save as Web Page'",
     "open it in Excel and save it as an .xlsx workbook"),
)


#: How much of a file :func:`unreadable_issue` looks at to tell what it is.
HEAD_BYTES = 65536


def unreadable_issue(path: Path, data: bytes, meant: str, hint: str) -> Issue:
    """A file that does not open as the workbook its name says: what it most likely is
    instead (an .ods file named .xlsx, an old .xls, a web page, text), and the fix."""
    beside = _beside(path, data)
    if beside is not None:
        return Issue(path.name, None, None, str(path), beside[0], beside[1])
    head = data[:HEAD_BYTES]
    for magic, marker, kind, fix in KINDS:
        if head.startswith(magic) and marker.encode() in head.lower() and kind != meant:
            return Issue(path.name, None, None, str(path),
                         f"not {meant} but {kind}, named {path.suffix}", fix)
    if not data:
        return Issue(path.name, None, None, str(path), "the file is empty (0 bytes)",
                     "save the workbook again; the copy given holds nothing")
    if b"\x00" not in head[:4096] and head[:4096].isascii():
        return Issue(path.name, None, None, str(path),
                     f"not {meant} but plain text, named {path.suffix}",
                     "a CSV file goes in a folder with the other CSV file (projects.csv and "
                     "countries.csv), and the folder is given; or open it in Excel and save "
                     "it as an .xlsx workbook")
    return Issue(path.name, None, None, str(path), f"not a readable {meant[3:]}", hint)


#: The namespace of a workbook Excel saves as "Strict Open XML Spreadsheet" (ISO 29500
#: strict), which openpyxl opens as a workbook without sheets.
_STRICT = b"http://purl.oclc.org/ooxml/spreadsheetml/main"


def strict_xml(data: bytes) -> bool:
    """Whether the bytes are an .xlsx saved in the strict form of Office Open XML."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return _STRICT in archive.read("xl/workbook.xml")
    except (KeyError, zipfile.BadZipFile, OSError, ValueError):
        return False


def _beside(path: Path, data: bytes) -> tuple[str, str] | None:
    """(what it is, the fix) for a file a program keeps beside a workbook, named after it:
    Excel's lock file ``~$round.xlsx`` while ``round.xlsx`` is open, and the ``._round.xlsx``
    macOS writes on a disk that is not its own; else None."""
    name = path.name
    if name.startswith("~$"):
        return ("Excel's lock file, kept while the workbook is open, not the workbook",
                f"give the workbook itself: {name[2:]!r} in the same folder (its name "
                "without '~$')")
    if name.startswith("._") and data.startswith(b"\x00\x05\x16\x07"):
        return (f"a file macOS writes beside {name[2:]!r} on a disk of another system (its "
                "Finder data), not the workbook", f"give {name[2:]!r} itself")
    return None


def locked_issue(name: str) -> Issue:
    return Issue(name, None, None, name, "the workbook is password-protected (encrypted)",
                 "open it with its password and save a copy without one, then give that "
                 "copy (Excel: File > Info > Protect Workbook > Encrypt with Password, clear "
                 "it; LibreOffice: File > Save As, untick 'Save with password')")


def variant_of(name: str, sheet: str) -> bool:
    """``projects (2)``, ``Copy of projects``, ``projects_v2``, ``Projects``: a copy of sheet."""
    key = re.sub(r"\s*\(\d+\)$|^copy of\s+|[\s_-]*(v\d+|copy|new|old|final)$", "",
                 name.strip().lower())
    return key == sheet and name != sheet


#: Words that name an input sheet otherwise (``projects FY2026``, ``Partner countries``,
#: 案件): when the sheet is missing, a sheet named with its words, and no other's, is the
#: one to rename.
_SHEET_WORDS = {"projects": ("project", "案件", "事業"), "countries": ("countr", "partner", "相手国")}


def _renamed(names: Sequence[str], sheet: str) -> str | None:
    """The one sheet of ``names`` that looks like ``sheet`` renamed, or None."""
    def words(name: str) -> set[str]:
        return {s for s, ws in _SHEET_WORDS.items() if any(w in name.casefold() for w in ws)}

    found = [n for n in names if n not in SHEETS and words(n) == {sheet}]
    return found[0] if len(found) == 1 else None


def pick_sheets(file: str, names: Sequence[str], hidden: set[str], issues: list[Issue],
                warnings: list[Issue]) -> dict[str, str]:
    """Input sheet -> the workbook's sheet to read; a missing, hidden or doubled sheet is
    an issue (or a warning when hidden alone)."""
    chosen: dict[str, str] = {}
    for sheet in SHEETS:
        variants = [n for n in names if variant_of(n, sheet)]
        visible = [n for n in variants if n not in hidden]
        if sheet not in names and not variants:
            variants = [n for n in [_renamed(names, sheet)] if n]
        if sheet not in names:
            hint = (f"rename the sheet {variants[0]!r} to {sheet!r}" if variants else
                    f"add a sheet named {sheet!r} (sheets found: {', '.join(names)})")
            issues.append(Issue(file, None, None, sheet, f"the sheet {sheet!r} is missing", hint))
        elif sheet in hidden and visible:
            issues.append(Issue(file, None, None, sheet,
                                f"the sheet {sheet!r} is hidden, and the visible sheet "
                                f"{visible[0]!r} looks like another version of it",
                                f"keep one: delete the sheet you do not mean, and name the "
                                f"other {sheet!r} (unhide it with right-click > Unhide)"))
        else:
            chosen[sheet] = sheet
            if sheet in hidden:
                warnings.append(Issue(file, None, None, sheet, f"the sheet {sheet!r} is "
                                      "hidden; it is read all the same",
                                      "unhide it (right-click a sheet tab > Unhide) to see "
                                      "what is read"))
            elif visible:
                warnings.append(Issue(file, None, None, visible[0],
                                      f"the sheet {visible[0]!r} looks like another version "
                                      f"of {sheet!r}; only {sheet!r} is read",
                                      f"delete or rename {visible[0]!r} if {sheet!r} is the "
                                      f"version you mean; otherwise name it {sheet!r}"))
    warnings += [_policy_sheet_warning(file, name) for name in names
                 if _policy_sheet(name) and name not in chosen.values()]
    return chosen


#: Sheet names that hold what a policy holds (予算: budget; 方針: policy): a sheet of the
#: workbook is never read for it.
_POLICY_SHEETS = frozenset({"budget", "budgets", "policy", "policies", "budget_fy", "予算",
                            "予算額", "方針", "ポリシー"})


def _policy_sheet(name: str) -> bool:
    key = re.sub(r"[\s_\-]+", "_", name.strip().casefold()).strip("_")
    return key in _POLICY_SHEETS or re.sub(r"_?(fy)?\d{4}$", "", key) in _POLICY_SHEETS


def _policy_sheet_warning(file: str, name: str) -> Issue:
    """A sheet named like a policy (``budget``, ``予算``): nothing of it is read, the
    budget and the rules are the policy's, so a budget typed there changes nothing."""
    return Issue(file, None, None, name,
                 f"the sheet {name!r} is not read: the budget and every rule come from the "
                 "policy (the shipped default unless --policy names one), not from the "
                 "workbook",
                 "nothing to do if the sheet is for the record; to use its amounts, give "
                 "them as --budget FY2026=AMOUNT (¥ million) or in a policy file's [budget] "
                 "(--policy FILE; in Python, overrides= or policy=)")


def _open_book(data: bytes, data_only: bool = True) -> Any:
    """openpyxl's read-only workbook of ``data`` (its values, or with ``data_only=False``
    its formulas), its warnings kept off stderr: what it cannot read ("invalid
    specification", an unsupported extension) is ours to say."""
    import openpyxl

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=data_only)


def read_workbook(path: Path, data: bytes, issues: list[Issue], warnings: list[Issue],
                  cells: list[Issue] | None = None) -> dict[str, pd.DataFrame]:
    """The input sheets of an .xlsx workbook as raw tables. Problems of the file or a sheet
    go to ``issues``; problems of cells, which leave the table readable (a formula saved
    without its value, a cost column formatted in dollars or divided for display), to
    ``cells`` when given, to be listed with the tables' other problems (else to ``issues``)."""
    from openpyxl.utils import get_column_letter

    if cells is None:
        cells = issues
    from openpyxl.utils.datetime import CALENDAR_MAC_1904

    from osa_opt.inputs.numbers import EPOCH_1904, EPOCH_ATTR

    try:
        book = _open_book(data)
    except Exception:  # noqa: BLE001 - whatever fails to open is "not a workbook" to a user
        issues.append(locked_issue(path.name) if encrypted(data) else
                      unreadable_issue(path, data, "an Excel workbook (.xlsx)",
                                       "open the file in Excel and save it as an .xlsx "
                                       "workbook"))
        return {}
    if not book.sheetnames and strict_xml(data):
        book.close()
        issues.append(Issue(path.name, None, None, str(path), "a workbook saved as 'Strict "
                            "Open XML Spreadsheet', whose sheets cannot be read",
                            "open it in Excel and save it as 'Excel Workbook (*.xlsx)' (File "
                            "> Save As)"))
        return {}
    tables: dict[str, pd.DataFrame] = {}
    formulas = _formula_cells(data)
    recalculated = bool(formulas) and recalculated_on_load(data)
    struck = shared_struck(data)  # shared strings with a struck run, read once
    try:
        hidden = {s.title for s in book.worksheets if s.sheet_state != "visible"}
        chosen = pick_sheets(path.name, book.sheetnames, hidden, issues, warnings)
        for sheet, name in chosen.items():
            try:
                xml = _sheet_xml(data, book[name])
                order = row_order(xml)
                rows = [] if order.repeated else sheet_rows(data, book[name], order.sorted)
            except Exception:  # noqa: BLE001 - a corrupt sheet inside a valid zip
                issues.append(Issue(path.name, None, None, sheet, f"the sheet {sheet!r} cannot "
                                    "be read", "open the file in Excel and save it again"))
                continue
            if order.repeated:  # two <row r="5">: which cells are row 5 cannot be told
                issues.append(repeated_row_issue(path.name, sheet, order.repeated))
                continue
            cut = cut_short_issue(path.name, sheet, xml, order.last)
            if cut is not None:  # fewer rows than the sheet says it has: some were lost
                issues.append(cut)
                continue
            numbered = list(enumerate(rows, start=1))
            issues += merged_issues(sheet, numbered, _merged_ranges(xml))
            warnings += hidden_row_warnings(sheet, numbered, _hidden_rows(xml),
                                            _flat_rows(xml))
            warnings += hidden_column_warnings(sheet, numbered, _hidden_columns(xml),
                                               _flat_columns(xml))
            uncomputed = {}  # formulas saved without a value (with one, the value is read,
            # unless the file asks to be recalculated: its values were never computed)
            written = False
            for (r, c), text in formulas.get(name, {}).items():
                if r <= len(rows):
                    row = [*rows[r - 1], *[None] * (c + 1 - len(rows[r - 1]))]
                    if row[c] is None or recalculated:
                        # =FALSE(), as LibreOffice saves every true or false cell: its value
                        # needs no computing (openpyxl drops it when it saves the file)
                        constant = _BOOLEAN_FORMULA.get(text.replace(" ", "").upper())
                        if constant is None:
                            uncomputed[r, c] = text
                        row[c] = text if constant is None else constant
                        rows[r - 1] = tuple(row)
                        written = True
            if written:  # the formulas' text (or known value) now stands in their cells
                numbered = list(enumerate(rows, start=1))
            route(_formula_issues(sheet, numbered, uncomputed), issues, cells)
            warnings += linked_formula_warnings(sheet, numbered, {
                cell: text for cell, text in formulas.get(name, {}).items()
                if cell not in uncomputed})
            at = find_header(sheet, numbered)
            cells += scaled_number_issues(sheet, numbered, at, _scaled_cells(book, xml))
            cells += currency_issues(sheet, numbered, at, _currency_cells(book, xml))
            cells += percent_issues(sheet, numbered, at, _percent_cells(book, xml))
            # a struck or hidden cell holds a value that reads: listed with the tables'
            # other problems, so one run names them all (not a stop that hides the rest)
            route(struck_issues(sheet, numbered, at, struck_cells(xml, book, struck)),
                  issues, cells)
            route(_hidden_number_issues(sheet, numbered, at, book, xml), issues, cells)
            route(_same_colour_issues(sheet, numbered, at, book, xml), issues, cells)
            tables[sheet] = table(sheet, numbered, issues, warnings,
                                  lambda i: f"column {get_column_letter(i + 1)}", at)
            if getattr(book, "epoch", None) == CALENDAR_MAC_1904:  # dates count from 1904
                tables[sheet].attrs[EPOCH_ATTR] = EPOCH_1904
            totals = table_totals_rows(data, book[name])
            if totals:  # an Excel table's totals row: named as such in validation
                tables[sheet].attrs[TOTALS_ATTR] = totals
    finally:
        book.close()
    return tables


#: A number format's thousands scaling: commas after its last digit placeholder divide
#: the value for display (``#,##0,,`` shows 850000000 as 850; ``#,##0,"千"``).
_SCALING = re.compile(r"[0#?](,+)(?![0#?,])")
_CELL_TAG = re.compile(rb'<(?:\w+:)?c\b([^>]*)>')


def display_divisor(code: str) -> int:
    """What a number format divides a value by for display: 1,000 per comma after its last
    digit placeholder (in its first section, outside quotes and brackets), else 1.

    >>> display_divisor("#,##0,,"), display_divisor('#,##0,"千"'), display_divisor("#,##0.00")
    (1000000, 1000, 1)
    """
    section = re.sub(r'"[^"]*"|\[[^\]]*\]|\\.', "", code.split(";")[0])
    found = _SCALING.findall(section)
    return 1000 ** len(found[-1]) if found else 1


#: Currency signs a number format may show, but the yen's (¥, ￥, 円 and the code JPY).
_CURRENCY_SIGNS = {"$": "US dollars", "US$": "US dollars", "€": "euros", "£": "pounds",
                   "₩": "won", "元": "yuan", "₹": "rupees", "₱": "pesos", "฿": "baht",
                   "₫": "dong", "Rp": "rupiah", "RM": "ringgit", "A$": "Australian dollars"}
_CURRENCY_CODE = re.compile(r"\[\$([^\]-]*)(?:-[0-9A-Fa-f]+)?\]")
_ISO_CURRENCY = re.compile(r"\b(?!JPY\b)[A-Z]{3}\b")


def display_currency(code: str) -> str | None:
    """The currency other than the yen a number format shows its value in (its first
    section: ``$#,##0`` and ``[$€-407] #,##0`` show dollars and euros), or None: a cost
    column in ¥ million formatted in dollars could hold either.

    >>> display_currency('"$"#,##0'), display_currency("[$€-407] #,##0.00"), display_currency("[$USD] #,##0")
    ('US dollars', 'euros', 'USD')
    >>> display_currency('"¥"#,##0'), display_currency("[$¥-411]#,##0"), display_currency("#,##0")
    (None, None, None)
    """
    section = code.split(";")[0]
    signs = [m.group(1) for m in _CURRENCY_CODE.finditer(section)]
    signs += re.findall(r'"([^"]*)"', _CURRENCY_CODE.sub("", section))
    signs += re.findall(r"\\(.)", section)
    bare = re.sub(r'"[^"]*"|\[[^\]]*\]|\\.', "", section)
    signs += [c for c in ("$", "€", "£", "₩", "₹", "₱", "฿", "₫") if c in bare]
    for sign in signs:
        sign = sign.strip()
        if sign in _CURRENCY_SIGNS:
            return _CURRENCY_SIGNS[sign]
        for mark, name in _CURRENCY_SIGNS.items():
            if mark in sign and len(mark) == 1:
                return name
        iso = _ISO_CURRENCY.search(sign)
        if iso:
            return iso.group()
    return None


def _styled_cells(book: Any, xml: bytes, pick: Any,
                  builtin: bool = False) -> dict[tuple[int, int], Any]:
    """(Excel row, column from 0) -> ``pick(number format)`` of the cells whose workbook
    format ``pick`` finds something in (not None); read-only openpyxl gives no formats, so
    the styles and the sheet's XML are read. Excel's built-in formats (ids below 164) are
    left alone unless ``builtin``: their currency is the locale's (``0%`` is id 9)."""
    from openpyxl.styles.numbers import BUILTIN_FORMATS
    from openpyxl.utils import column_index_from_string

    try:
        styles, formats = book._cell_styles, book._number_formats
    except AttributeError:
        return {}
    picked = {}
    for i, style in enumerate(styles):
        at = style.numFmtId - 164
        code = formats[at] if 0 <= at < len(formats) else \
            BUILTIN_FORMATS.get(style.numFmtId) if builtin and at < 0 else None
        found = pick(code) if code is not None else None
        if found is not None:
            picked[str(i).encode()] = found
    if not picked:
        return {}
    out = {}
    for attributes in _CELL_TAG.findall(xml):
        style, ref = CELL_STYLE.search(attributes), CELL_REF.search(attributes)
        if style and ref and style.group(1) in picked:
            column = column_index_from_string(ref.group(1).decode()) - 1
            out[int(ref.group(2)), column] = picked[style.group(1)]
    return out


def _scaled_cells(book: Any, xml: bytes) -> dict[tuple[int, int], tuple[str, int]]:
    """(Excel row, column from 0) -> (number format, divisor) of the cells whose format
    shows their value divided; nothing when no style of the workbook scales."""
    return _styled_cells(book, xml, lambda code: (code, display_divisor(code))
                         if display_divisor(code) > 1 else None)


def _currency_cells(book: Any, xml: bytes) -> dict[tuple[int, int], tuple[str, str]]:
    """(Excel row, column from 0) -> (the format, in words; currency) of the cells whose
    format shows a currency other than the yen."""
    return _styled_cells(book, xml, lambda code: (f"the format {code!r}",
                                                  display_currency(code))
                         if display_currency(code) else None)


def shows_percent(code: str) -> bool:
    """Whether a number format shows its value as a percentage (``0%``, ``0.0%``): a
    ``%`` outside quotes and brackets multiplies the value by 100 for display.

    >>> shows_percent("0%"), shows_percent('0.0"%"'), shows_percent("#,##0")
    (True, False, False)
    """
    return "%" in re.sub(r'"[^"]*"|\[[^\]]*\]|\\.', "", code.split(";")[0])


def _percent_cells(book: Any, xml: bytes) -> dict[tuple[int, int], str]:
    """(Excel row, column from 0) -> number format of the cells formatted as percentages."""
    return _styled_cells(book, xml, lambda code: code if shows_percent(code) else None,
                         builtin=True)


def percent_issues(sheet: str, rows: Sequence[tuple[int, Sequence[Any]]], at: int,
                   marked: dict[tuple[int, int], Any],
                   plain: str = "Home > Number > General") -> list[Issue]:
    """Number cells formatted as percentages in a column that holds no share (a score, an
    assessment, a cost): ``76%`` typed for a score is stored as 0.76, a tenth of the 7.6
    it shows on a 0-100 scale, and read so; refused, one issue per column, with both
    readings. A share (``risk``, ``max_share``, ``p_sign``, ``min_funding``) is meant so."""
    from osa_opt.inputs.numbers import percent_shows_other

    header, found = _number_cells(rows, at, marked,
                                  lambda name: percent_shows_other(name) is not None,
                                  nonzero=True)
    issues = []
    for column, cells in found.items():
        row, value, _ = cells[0]
        name = str(header[column]).strip()
        shown = f"{number_text(round(value * 100, 10))}%"
        n = len(cells)
        ten = percent_shows_other(name) == "0-10"
        typed = number_text(round(value * 10, 10))
        issues.append(Issue(
            sheet, row, name, value,
            f"{counted(n, 'cell')} of the column ({rows_named([r for r, *_ in cells])}) "
            f"{'are' if n > 1 else 'is'} formatted as a percentage: row {row} shows {shown} "
            f"and holds {number_text(value)}, which is read; {name} is no share but "
            + ("a number from 0 to 10" if ten else "a number in its own unit"),
            (f"type each value on the 0-10 scale ({typed} if {shown} is meant on a 0-100 "
             f"scale), and give the column a plain number format ({plain})" if ten else
             f"give the column a plain number format ({plain}) and check that each value is "
             f"the number meant ({number_text(value)} shows as {shown})")))
    return issues


def _number_cells(rows: Sequence[tuple[int, Sequence[Any]]], at: int,
                  marked: dict[tuple[int, int], Any], column_read: Callable[[str], bool],
                  nonzero: bool = False
                  ) -> tuple[Sequence[Any], dict[int, list[tuple[int, float, Any]]]]:
    """The header, and by column (from 0) the (row, number, mark) of the cells of
    ``marked`` ((row, column) -> mark) below the header that hold a number (not 0, with
    ``nonzero``) in a column whose header ``column_read`` accepts."""
    if not marked or not rows:
        return (), {}
    header_row, header = rows[at][0], rows[at][1]
    by_number = dict(rows)  # an .ods lists no empty row: a row's place is not its number
    found: dict[int, list[tuple[int, float, Any]]] = {}
    for (row, column), mark in sorted(marked.items()):
        if row <= header_row or row not in by_number or column >= len(header):
            continue
        cells = by_number[row]
        value = cells[column] if column < len(cells) else None
        name = header[column]
        if isinstance(name, str) and column_read(name.strip()) \
                and isinstance(value, int | float) and not isinstance(value, bool) \
                and (value or not nonzero):
            found.setdefault(column, []).append((row, value, mark))
    return header, found


def currency_issues(sheet: str, rows: Sequence[tuple[int, Sequence[Any]]], at: int,
                    shown: dict[tuple[int, int], tuple[str, str]],
                    plain: str = "Home > Number > General") -> list[Issue]:
    """Cost cells whose format shows another currency than the yen (``$#,##0`` shows 1100
    as $1,100): an amount in dollars and one in ¥ million read alike, so the column is
    refused, one issue per column, naming the currency. ``shown`` maps (row, column from
    0) to (how the cell shows it, in words; the currency)."""
    header, found = _number_cells(rows, at, shown,
                                  lambda name: name.startswith(COST_PREFIX))
    issues = []
    for column, cells in found.items():
        row, value, (code, currency) = cells[0]
        n = len(cells)
        issues.append(Issue(
            sheet, row, str(header[column]).strip(), value,
            f"{counted(n, 'cell')} of the column ({rows_named([r for r, *_ in cells])}) "
            f"{'show' if n > 1 else 'shows'} "
            f"{currency} ({code}): costs are in ¥ million, and an amount in "
            f"{currency} would be read as ¥ million",
            f"type each cost in ¥ million, and give the column a plain number format "
            f"({plain}), or a yen one"))
    return issues


def _hidden_number_issues(sheet: str, rows: Sequence[tuple[int, Sequence[Any]]], at: int,
                          book: Any, xml: bytes) -> list[Issue]:
    """Number cells whose format hides their number (``;;;``, ``"TBD"``): see
    :mod:`osa_opt.inputs.hidden_values`."""
    from osa_opt.inputs.hidden_values import hidden_text, hidden_text_issues, hides_numbers

    marked = _styled_cells(book, xml, lambda code: code if hides_numbers(code) or
                           hidden_text(code) is not None else None)
    return [*hidden_number_issues(sheet, rows, at, marked),
            *hidden_text_issues(sheet, rows, at, marked)]


def _same_colour_issues(sheet: str, rows: Sequence[tuple[int, Sequence[Any]]], at: int,
                        book: Any, xml: bytes) -> list[Issue]:
    """Cells written in the colour of their background (white on white): see
    :mod:`osa_opt.inputs.hidden_values`."""
    from openpyxl.utils import column_index_from_string

    from osa_opt.inputs.hidden_values import same_colour_issues, same_colour_styles

    styles = same_colour_styles(book)
    if not styles:
        return []
    marked = {}
    for attributes in _CELL_TAG.findall(xml):
        style, ref = CELL_STYLE.search(attributes), CELL_REF.search(attributes)
        if style and ref and style.group(1) in styles:
            marked[int(ref.group(2)), column_index_from_string(ref.group(1).decode()) - 1] = 1
    return same_colour_issues(sheet, rows, at, marked)


def hidden_number_issues(sheet: str, rows: Sequence[tuple[int, Sequence[Any]]], at: int,
                         marked: dict[tuple[int, int], str],
                         plain: str = "Home > Number > General") -> list[Issue]:
    """The number cells of ``marked`` ((row, column from 0) -> a format code that hides
    some number) whose number their format hides, one issue per column; ``plain`` is where
    the program sets a plain format."""
    from osa_opt.inputs.hidden_values import hidden_value_issues
    from osa_opt.inputs.numbers import number_column

    header, found = _number_cells(rows, at, marked, number_column, nonzero=True)
    return hidden_value_issues(sheet, header, found, plain)


def scaled_number_issues(sheet: str, rows: Sequence[tuple[int, Sequence[Any]]], at: int,
                         scaled: dict[tuple[int, int], tuple[str, int]],
                         plain: str = "Home > Number > General") -> list[Issue]:
    """Number cells whose format shows them divided (``850000000`` shown as ``850``): the
    cell holds one number and shows another, a million times apart, so it is refused, one
    issue per column, naming both; ``plain`` is where the program sets a plain format."""
    from osa_opt.inputs.numbers import number_column

    header, found = _number_cells(rows, at, scaled, number_column, nonzero=True)
    issues = []
    for column, cells in found.items():
        row, value, (code, divisor) = cells[0]
        shown = number_text(value / divisor)
        issues.append(Issue(
            sheet, row, str(header[column]).strip(), value,
            f"the format {code!r} shows a number divided by {number_text(divisor)} "
            f"({number_text(value, grouped=False)} as {shown}): "
            f"{counted(len(cells), 'cell')} of the column "
            f"({rows_named([r for r, *_ in cells])}) "
            f"{'hold' if len(cells) > 1 else 'holds'} one amount and "
            f"{'show' if len(cells) > 1 else 'shows'} another",
            f"type each amount as it is meant ({shown} if the cell shows what is meant; costs "
            f"in ¥ million), and give the column a plain number format ({plain})"))
    return issues


#: A merged range as (first row, first column, last row, last column): Excel rows from 1,
#: columns from 0.
Merge = tuple[int, int, int, int]


def merged_issues(sheet: str, rows: Sequence[tuple[int, Sequence[Any]]],
                  merges: Sequence[Merge]) -> list[Issue]:
    """One issue per merged range that reaches the table (the header row or below).

    A merged cell keeps its value in its first cell only; the rows and columns it covers
    read as blank. Whether the analyst meant the value for every row (one exclusive group
    for three projects), for the first only, or split, nobody can tell: each range is
    named, with the value and the cells that would read blank, instead of a guess.
    """
    from openpyxl.utils import get_column_letter

    if not merges or not rows:
        return []
    at = find_header(sheet, rows)
    header_row, header = rows[at][0], rows[at][1]
    cells = dict(rows)
    issues = []
    for r1, c1, r2, c2 in sorted(merges):
        first = cells.get(r1, ())
        value = first[c1] if c1 < len(first) else None
        if r2 < header_row or (r1 == r2 and c1 == c2) or value is None or (
                isinstance(value, str) and not value.strip()):
            continue  # a title block above the table, one cell, or blank all over
        name = header[c1] if c1 < len(header) else None
        column = str(name).strip() if isinstance(name, str) and name.strip() else None
        span = f"{get_column_letter(c1 + 1)}{r1}:{get_column_letter(c2 + 1)}{r2}"
        covered = (f"rows {r1 + 1}-{r2}" if r2 > r1 + 1 else f"row {r2}") if r2 > r1 else \
            f"column{'s' if c2 > c1 + 1 else ''} " + ", ".join(
                get_column_letter(c + 1) for c in range(c1 + 1, c2 + 1))
        what = "the header" if r1 == header_row else "the value"
        if r1 == r2 > header_row and all(
                v is None or (isinstance(v, str) and not v.strip())
                for c, v in enumerate(first) if not c1 <= c <= c2):
            # a title or section heading pasted into the table, merged over its row:
            # typing it in every cell (the fix above) would make a row of a project
            issues.append(Issue(sheet, r1, column, value,
                                f"the cells {span} are merged over a row that holds nothing "
                                "else: a title or section heading inside the table, not a "
                                f"{'project' if sheet == 'projects' else 'country'}",
                                "delete the row (a title goes above the header row, or in a "
                                "comment); if it is meant as a row of the table, unmerge the "
                                "cells and fill in each of its cells"))
            continue
        issues.append(Issue(sheet, r1, column, value,
                            f"the cells {span} are merged: {what} is in {span.split(':')[0]} "
                            f"only, and {covered} of the range would read as blank",
                            "unmerge the cells (Excel: Home > Merge & Center > Unmerge Cells; "
                            "LibreOffice: Format > Merge and Unmerge Cells > Split Cells) and "
                            "type the value in every cell that has it"))
    return issues


def _formula_issues(sheet: str, rows: Sequence[tuple[int, Sequence[Any]]],
                    formulas: dict[tuple[int, int], str]) -> list[Issue]:
    """A formula saved without its value, in a column the input reads: its text is not its
    value (a group named '=A2&"-boats"', a cost read as text)."""
    return reader_cell_issues(sheet, rows, {cell: (text, FORMULA_RULE, FORMULA_HINT)
                                            for cell, text in formulas.items()})


def reader_cell_issues(sheet: str, rows: Sequence[tuple[int, Sequence[Any]]],
                       cells: dict[tuple[int, int], tuple[str, str, str]]) -> list[Issue]:
    """Cells the reader could not take a value from ((row, column from 0) -> (text, rule,
    hint): a formula saved without its value, a number cell of an .ods file without its
    number), in the columns the input reads; a header formula is named as a header."""
    if not cells or not rows:
        return []
    at = find_header(sheet, rows)
    header_row, header = rows[at][0], rows[at][1]
    issues = []
    for (r, c), (text, rule, hint) in sorted(cells.items()):
        if r == header_row and rule == FORMULA_RULE:
            issues.append(_header_formula_issue(sheet, r, c, text))
            continue
        name = header[c] if c < len(header) else None
        column = name.strip() if isinstance(name, str) else None
        if r > header_row and column and known_header(sheet, column):
            issues.append(Issue(sheet, r, column, text, rule, hint))
    return issues


def route(found: Sequence[Issue], issues: list[Issue], cells: list[Issue]) -> None:
    """Problems of :func:`reader_cell_issues` to where they belong: a cell's (it has a
    column) to ``cells``, listed with the tables' other problems; a header's to
    ``issues``, since a header without text leaves the sheet's columns unknown."""
    for issue in found:
        (cells if issue.column is not None else issues).append(issue)


def _header_formula_issue(sheet: str, row: int, c: int, text: str) -> Issue:
    """A header cell holding a formula saved without its value (``="cost_FY2026"`` written by
    openpyxl or pandas): the header has no text, so its column would be told to be renamed
    from the formula's text. Named as the formula it is, with the header to type when the
    formula is a plain text (``="title"``)."""
    from openpyxl.utils import get_column_letter

    literal = re.fullmatch(r'=\s*"([^"]*)"\s*', text)
    typed = f"type the header {literal.group(1)!r} in the cell" if literal else \
        "type the header in the cell as text"
    return Issue(sheet, row, None, text,
                 f"the header of column {get_column_letter(c + 1)} is a formula without its "
                 "computed value: the file was saved by a program that does not compute "
                 "formulas, so the header has no text",
                 "open the file in Excel or LibreOffice and save it again, so that the "
                 f"formula's value is stored; or {typed}")


_MERGE_CELL = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*?\bref="([A-Z]+)(\d+):([A-Z]+)(\d+)"')


def hidden_row_warnings(sheet: str, rows: Sequence[tuple[int, Sequence[Any]]],
                        hidden: set[int], flat: set[int] | None = None) -> list[Issue]:
    """One warning naming the hidden rows of the table (a filter, or rows hidden by hand,
    and the rows ``flat``, of a height of 0, hidden as well without the hidden flag): they
    are read all the same, though whoever hid them may have meant them out."""
    hidden = hidden | (flat or set())
    if not hidden or not rows:
        return []
    header_row = rows[find_header(sheet, rows)][0]
    shown = [n for n, cells in rows if n > header_row and n in hidden
             and any(c is not None and str(c).strip() for c in cells)]
    if not shown:
        return []
    many = len(shown) > 1
    zero = [n for n in shown if n in (flat or ())]
    how = f", or by a height of 0: {rows_named(zero, 10)}" if zero else ""
    return [Issue(sheet, shown[0], None, None,
                  f"{len(shown):,} row{'s are' if many else ' is'} hidden (by a filter or by "
                  f"hand{how}): {rows_named(shown, 10)}; {'they are' if many else 'it is'} "
                  "read all the same",
                  "show every row (Data > Filter > Clear, or select the rows > Unhide"
                  f"{'; a row of height 0: Format > Row Height' if zero else ''}) to see "
                  "what is read; a project that is not in the round is deleted or marked "
                  "status excluded")]


def hidden_column_warnings(sheet: str, rows: Sequence[tuple[int, Sequence[Any]]],
                           hidden: set[int], flat: set[int] | None = None) -> list[Issue]:
    """One warning naming the hidden columns (indices from 0; ``flat``: of a width of 0,
    hidden without the hidden flag) that the input reads and that hold a value below the
    header: they count all the same, though whoever hid them (an old cost column, an
    override) may have meant them out. A hidden column the input does not read (notes, a
    helper) changes nothing, and is not named."""
    from openpyxl.utils import column_index_from_string, get_column_letter

    hidden = hidden | (flat or set())
    if not hidden or not rows:
        return []
    at = find_header(sheet, rows)
    header_row, header = rows[at][0], rows[at][1]
    body = [cells for _, cells in rows[at + 1:]]
    named = []
    for i in sorted(h for h in hidden if h < len(header)):
        name = header[i].strip() if isinstance(header[i], str) else ""
        if name and known_header(sheet, name) and any(
                i < len(cells) and cells[i] is not None and str(cells[i]).strip()
                for cells in body):
            named.append((name, get_column_letter(i + 1)))
    if not named:
        return []
    zero = {letter for name, letter in named
            if column_index_from_string(letter) - 1 in (flat or ())}
    listed = first_few((f"{name!r} (column {letter}{', of width 0' if letter in zero else ''})"
                        for name, letter in named), 10)
    many = len(named) > 1
    return [Issue(sheet, header_row, named[0][0], None,
                  f"{len(named)} column{'s are' if many else ' is'} hidden: {listed}; "
                  f"{'they are' if many else 'it is'} read all the same",
                  "show every column (select the whole sheet, right-click a column header > "
                  f"Unhide{'; a column of width 0: Format > Column Width' if zero else ''}) to "
                  "see what is read; a column that is not meant to count is deleted, or its "
                  "cells emptied")]


def linked_formula_warnings(sheet: str, rows: Sequence[tuple[int, Sequence[Any]]],
                            formulas: dict[tuple[int, int], str]) -> list[Issue]:
    """One warning per column the input reads whose cells are formulas reading another
    sheet or workbook (``=countries!A8``, ``='[pipeline.xlsx]Sheet1'!F5``), as rows pasted
    from another workbook bring them: each is read as the value it shows, which moves
    when that sheet is sorted (the project's country becomes another partner) or, a link
    to another workbook, is not updated."""
    linked = {cell: text for cell, text in formulas.items() if "!" in text}
    if not linked or not rows:
        return []
    at = find_header(sheet, rows)
    header_row, header = rows[at][0], rows[at][1]
    cells = dict(rows)
    by_column: dict[int, list[tuple[int, str]]] = {}
    for (r, c), text in sorted(linked.items(), key=lambda item: (item[0][1], item[0][0])):
        name = header[c] if c < len(header) else None
        if r > header_row and isinstance(name, str) and known_header(sheet, name.strip()):
            by_column.setdefault(c, []).append((r, text))
    out = []
    for c, found in by_column.items():
        name = str(header[c]).strip()
        r, text = found[0]
        shown = cells.get(r, ())[c] if c < len(cells.get(r, ())) else None
        many = len(found) > 1
        out.append(Issue(
            sheet, r, name, text,
            f"{counted(len(found), 'cell')} of {name} ({rows_named([x for x, _ in found])}) "
            f"{'are formulas' if many else 'is a formula'} reading another sheet or workbook "
            f"({text} in row {r}, read as {shown!r}): {'each is' if many else 'it is'} read "
            "as the value it shows, which changes if that sheet is sorted or its rows moved, "
            "and a link to another workbook is not updated",
            "nothing to do if the values are right; to keep them as they are, copy the cells "
            "and paste them as values (Paste Special > Values)"))
    return out


def _sheet_xml(data: bytes, sheet: Any) -> bytes:
    """The XML of a read-only sheet (openpyxl's read-only mode reads neither merged ranges
    nor hidden rows), or nothing."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return bytes(archive.read(sheet._worksheet_path))
    except (AttributeError, KeyError, zipfile.BadZipFile, OSError, ValueError, zlib.error):
        return b""


_TABLE_REL = re.compile(rb'<(?:\w+:)?Relationship\b[^>]*?\bType="[^"]*/table"[^>]*>')
_TARGET = re.compile(rb'\bTarget="([^"]+)"')
_TABLE_TAG = re.compile(rb'<(?:\w+:)?table\b([^>]*)>')
_TABLE_REF = re.compile(rb'\bref="[A-Z]+\d+:[A-Z]+(\d+)"')
_TOTALS_COUNT = re.compile(rb'\btotalsRowCount="(\d+)"')
_TABLE_NAME = re.compile(rb'\b(?:displayName|name)="([^"]*)"')


def table_totals_rows(data: bytes, sheet: Any) -> dict[int, str]:
    """Excel row -> table name of the rows that are an Excel table's totals row (Insert >
    Table, then Table Design > Total Row: the table's definition counts them,
    ``totalsRowCount="1"``, whatever the row says: ``Total``, Japanese Excel's ``集計``, or
    nothing beside its sums); nothing when the sheet has no table with one."""
    import posixpath

    try:
        path = sheet._worksheet_path
        folder, name = posixpath.split(path)
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            rels = f"{folder}/_rels/{name}.rels"
            if rels not in names:
                return {}
            out: dict[int, str] = {}
            for tag in _TABLE_REL.findall(archive.read(rels)):
                target = _TARGET.search(tag)
                if target is None:
                    continue
                where = target.group(1).decode()
                where = where.lstrip("/") if where.startswith("/") else \
                    posixpath.normpath(posixpath.join(folder, where))
                if where not in names:
                    continue
                head = _TABLE_TAG.search(archive.read(where))
                count = _TOTALS_COUNT.search(head.group(1)) if head else None
                ref = _TABLE_REF.search(head.group(1)) if head else None
                if head is None or count is None or ref is None or not int(count.group(1)):
                    continue
                title = _TABLE_NAME.search(head.group(1))
                label = title.group(1).decode() if title else "Table"
                last = int(ref.group(1))
                out.update((row, label) for row in range(last - int(count.group(1)) + 1,
                                                         last + 1))
            return out
    except (AttributeError, KeyError, zipfile.BadZipFile, OSError, ValueError, zlib.error):
        return {}


_HIDDEN_ROW = re.compile(rb'<(?:\w+:)?row\b[^>]*?\bhidden="(?:1|true)"[^>]*>')
_ROW_NUMBER = re.compile(rb'\br="(\d+)"')


def _hidden_rows(xml: bytes) -> set[int]:
    """Rows hidden by the hidden flag (a filter, or by hand)."""
    return _row_numbers(_HIDDEN_ROW.findall(xml)) if b'hidden="' in xml else set()


def _row_numbers(tags: list[bytes]) -> set[int]:
    """The Excel row numbers of ``<row r=...>`` tags."""
    return {int(m.group(1)) for tag in tags if (m := _ROW_NUMBER.search(tag))}


#: A row of a height under a point (``<row r="5" ht="0" customHeight="1">``, as a program
#: writes one hidden without the hidden flag): shown as no row at all.
_FLAT_ROW = re.compile(rb'<(?:\w+:)?row\b[^>]*?\bht="0(?:\.\d*)?"[^>]*>')
#: A column of a width under a tenth of a character (``<col min="6" max="6" width="0">``).
_FLAT_COLUMN = re.compile(rb'<(?:\w+:)?col\b[^>]*?\bwidth="0(?:\.0\d*)?"[^>]*>')


def _flat_rows(xml: bytes) -> set[int]:
    """Rows of a height of 0 (under a point), hidden without ``hidden="1"``."""
    return _row_numbers(_FLAT_ROW.findall(xml)) if b'ht="0' in xml else set()


def _flat_columns(xml: bytes) -> set[int]:
    """Indices (from 0) of the columns of a width of 0, hidden without ``hidden="1"``."""
    head = xml[:xml.find(b"sheetData")]
    return _column_spans(_FLAT_COLUMN.findall(head)) if b'width="0' in head else set()


_HIDDEN_COLUMN = re.compile(rb'<(?:\w+:)?col\b[^>]*?\bhidden="(?:1|true)"[^>]*>')
_COLUMN_SPAN = (re.compile(rb'\bmin="(\d+)"'), re.compile(rb'\bmax="(\d+)"'))
#: Excel's last column (XFD).
_LAST_COLUMN = 16_384


def _hidden_columns(xml: bytes) -> set[int]:
    """Indices (from 0) of the columns hidden by ``<col hidden="1">``: the ``<cols>`` block
    stands before the rows, so only the sheet's head is searched."""
    head = xml[:xml.find(b"sheetData")]
    if b'hidden="' not in head:
        return set()
    return _column_spans(_HIDDEN_COLUMN.findall(head))


def _column_spans(tags: list[bytes]) -> set[int]:
    """Indices (from 0) of the columns of ``<col min= max=>`` tags."""
    out: set[int] = set()
    for tag in tags:
        first, last = (m.group(1) if (m := pattern.search(tag)) else None
                       for pattern in _COLUMN_SPAN)
        if first:
            out.update(range(int(first) - 1, min(int(last or first), _LAST_COLUMN)))
    return out


def _merged_ranges(xml: bytes) -> list[Merge]:
    from openpyxl.utils import column_index_from_string

    return [(int(r1), column_index_from_string(c1.decode()) - 1, int(r2),
             column_index_from_string(c2.decode()) - 1)
            for c1, r1, c2, r2 in _MERGE_CELL.findall(xml)]


_FULL_CALC = re.compile(rb'<(?:\w+:)?calcPr\b[^>]*\bfullCalcOnLoad="(?:1|true)"')


def recalculated_on_load(data: bytes) -> bool:
    """Whether the workbook asks to have every formula computed when it is opened
    (``<calcPr fullCalcOnLoad="1"/>``): what a program that does not compute formulas
    writes, XlsxWriter (pandas' writer) with the value 0 stored for every formula, so the
    values stored with its formulas are placeholders, not what Excel shows. Excel and
    LibreOffice compute the formulas and leave the flag out when they save the file."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return _FULL_CALC.search(archive.read("xl/workbook.xml")) is not None
    except (KeyError, zipfile.BadZipFile, OSError, ValueError, zlib.error):
        return False


#: Formulas of a known value: LibreOffice writes each true or false cell as one.
_BOOLEAN_FORMULA = {"=TRUE()": True, "=FALSE()": False, "=TRUE": True, "=FALSE": False}


def _formula_cells(data: bytes) -> dict[str, dict[tuple[int, int], str]]:
    """Formula text by sheet and (Excel row, column index), for formulas saved without a value.

    A workbook written by a program (openpyxl, pandas) keeps a formula but no computed value;
    read for values, the cell comes back blank and a cost would silently become 0. Its text
    is read instead, so the cell is reported ("must be a number", value '=B2*2').
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if not any(b"</f>" in archive.read(name) for name in archive.namelist()
                       if name.startswith("xl/worksheets/")):
                return {}  # no formula anywhere: spare the second reading
        book = _open_book(data, data_only=False)
    except Exception:  # noqa: BLE001 - the first reading already judged the file
        return {}
    out: dict[str, dict[tuple[int, int], str]] = {}
    try:
        for name in book.sheetnames:
            if not any(variant_of(name, s) or name == s for s in SHEETS):
                continue
            cells = out.setdefault(name, {})
            order = row_order(_sheet_xml(data, book[name]))
            for r, row in enumerate(sheet_rows(data, book[name], order.sorted, data_only=False),
                                    start=1):
                for c, value in enumerate(row):
                    text = getattr(value, "text", value)  # ArrayFormula keeps its text
                    if isinstance(text, str) and text.startswith("="):
                        cells[(r, c)] = text
    except Exception:  # noqa: BLE001 - best effort; the values were read already
        return {}
    finally:
        book.close()
    return out
