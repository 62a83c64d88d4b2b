"""Cells whose text is not the value it seems: refused by name rather than read.

Four kinds, each a cell of a registry column (extra columns pass through unread):

- an **Excel error** (``#N/A``, ``#REF!``, LibreOffice's ``Err:502``): a formula that
  failed. In a text column it would be read as the text ``#N/A``: two projects whose
  ``exclusive_group`` lookup failed would become alternatives of the group ``#N/A``;
- a **formula without its value** (``=A2&"-boats"``): a workbook saved by a program that
  does not compute formulas (found by the workbook reader in every column it reads), or a
  CSV cell or a table built in code whose name, id, choice or number starts with ``=``
  (free text may: a title ``=HYPERLINK(...)`` is a title);
- a **placeholder for nothing** in an optional text column (``none``, ``n/a``, ``-``,
  ``TBD``; and a no, ``no``, ``0``, ``false``): a blank cell means something there (no exclusive group, no mitigation, no
  override reason), and the placeholder would be read as text instead: a ``mitigation`` of
  ``none`` would make a risky project eligible, an ``override_reason`` of ``n/a`` would
  count as the written reason;
- an **invisible character** (a zero-width space, a byte-order mark, a direction mark, a
  control character) in a name, id, choice, flag or number: ``P-01`` followed by a
  zero-width space looks like ``P-01`` in every output but is another project. Free text
  (``title``, reasons, ``mitigation``) may hold them.

A date or a true/false value in a name or id column is refused too: a spreadsheet's reading
of text typed ``3-1`` or ``TRUE`` (``_date``, ``_flag_issues``); so is a name or id that
starts with an apostrophe (``'007``), the mark a spreadsheet types to keep a value as text,
left in a CSV file: it would match no ``007``; and one in scientific notation
(``1.23457E+11``), a long number as a spreadsheet shows it and a CSV file keeps it.

>>> describe_invisible("P-\\u200b02")
"an invisible character, U+200B (ZERO WIDTH SPACE), after 'P-'"
"""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from typing import Any

import numpy as np
import pandas as pd  # type: ignore[import-untyped]

from osa_opt.errors import Issue
from osa_opt.inputs.cells import is_blank, judged_once
from osa_opt.inputs.schema import COUNTRIES, PROJECTS, ROW, Column
from osa_opt.text import first_few, rows_named

#: The error values Excel and LibreOffice show in a cell whose formula failed.
EXCEL_ERRORS = frozenset({
    "#N/A", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!",
    "#GETTING_DATA", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!", "#EXTERNAL!",
    "#PYTHON!"})
_LIBREOFFICE_ERROR = re.compile(r"Err:\d{3}")
_FORMULA = re.compile(r"=\S")
FORMULA_RULE = ("a formula without its computed value: the file was saved by a program that "
                "does not compute formulas, or is CSV text")
FORMULA_HINT = ("open the file in Excel or LibreOffice and save it again, so that the "
                "formula's value is stored; or type the value")
#: Words typed for "nothing here" (lower case; 'なし' is Japanese for "none").
PLACEHOLDERS = frozenset({
    "none", "n/a", "na", "n.a.", "n.a", "nil", "null", "nan", "-", "--", "---", "—", "–", "‐",
    "−", "ー", "tbd", "tba", "tbc", "?", "??", "not applicable", "なし", "無し", "該当なし",
    "特になし", "未定"})
#: Words and marks typed for "no" (lower case): in an optional text column, where a blank
#: cell means none, they are no value either. An ``exclusive_group`` of ``0`` (or ``no``)
#: typed down a column for "no group" makes every project so marked an alternative of the
#: others, at most one of them funded; a ``mitigation`` of ``no`` counts as written.
#: Not schema.FALSE_WORDS on purpose: ``f``, ``falsch``, ``faux`` are how a program writes a
#: flag's false, not a "no" a person types in text; ``-`` and ``なし`` are told as PLACEHOLDERS.
NEGATIONS = frozenset({"no", "n", "false", "0", "0.0", "nein", "non", "いいえ", "無", "ない",
                       "×", "✕", "✗"})
#: Brackets and stops a placeholder is written in (``(none)``, ``<none>``, ``（なし）``,
#: ``なし。``): taken off, after full-width forms are folded (NFKC), before the look-up.
_WRAPPING = "()[]<>{}「」『』【】〈〉.。 "


def placeholder(text: str) -> bool:
    """Whether ``text`` is a word typed for "nothing here", as it is or in brackets.

    >>> placeholder("(none)"), placeholder("（なし）"), placeholder("N/A."), placeholder("Nonel")
    (True, True, True, False)
    """
    key = unicodedata.normalize("NFKC", text).strip().lower()
    return key in PLACEHOLDERS or key.strip(_WRAPPING) in PLACEHOLDERS


#: Characters that show as nothing: format characters (zero-width spaces and joiners,
#: direction marks, the byte-order mark, the soft hyphen) and control characters other
#: than tab and line breaks.
INVISIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u00ad\u034f\u061c\u115f\u1160"
                       "\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f"
                       "\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufffb]")
#: Text columns that name something other cells match exactly: no invisible characters.
NAME_COLUMNS = frozenset({"project_id", "country", "region", "exclusive_group",
                          "equipment_category"})


def describe_invisible(text: str) -> str | None:
    """Where ``text`` holds an invisible character, in words; None when it holds none."""
    found = INVISIBLE.search(text)
    if found is None:
        return None
    char = found.group()
    name = unicodedata.name(char, "a control character")
    before = text[:found.start()]
    where = f"after {before[-12:]!r}" if before else "at the start"
    more = len(INVISIBLE.findall(text)) - 1
    extra = f" (and {more} more)" if more else ""
    return f"an invisible character, U+{ord(char):04X} ({name}), {where}{extra}"


def _rows(raw: pd.DataFrame) -> np.ndarray:
    """The row of each record of ``raw``: its ``_row``, or as Excel numbers rows under a
    header row."""
    return raw[ROW].to_numpy() if ROW in raw.columns else np.arange(len(raw)) + 2


def suspect_cell_issues(sheet: str, raw: pd.DataFrame,
                        columns: tuple[Column, ...]) -> list[Issue]:
    """One issue per suspect cell of the registry columns of ``raw`` (raw cells, ``_row``)."""
    issues: list[Issue] = []
    rows = _rows(raw)
    for col in columns:
        if col.name not in raw.columns or raw[col.name].dtype.kind not in "Ob":
            continue
        codes, distinct = _distinct(raw[col.name])  # each distinct cell judged once
        issues += _flag_issues(sheet, raw[col.name], distinct, rows, col)
        texts = [v.strip() if isinstance(v, str) else _zero(v, col) for v in distinct]
        found = {k: _date(v, col) for k, v in enumerate(distinct)
                 if isinstance(v, _dt.date | _dt.time)}
        for k in found:
            texts[k] = _shown(distinct[k])
        if not found and not _may_be_suspect(texts, col):
            continue  # the usual case, settled by a few scans of the joined text
        found.update((k, _judge(text, col)) for k, text in enumerate(texts)
                     if text and k not in found)
        flagged = [k for k, judged in found.items() if judged is not None]
        for i in np.flatnonzero(np.isin(codes, flagged)) if flagged else ():
            rule, hint = found[codes[i]]  # type: ignore[misc]
            issues.append(Issue(sheet, int(rows[i]), col.name, texts[codes[i]], rule, hint))
    return issues


def _zero(value: Any, col: Column) -> str:
    """``"0"`` for a number 0 in an optional text column (a workbook's ``exclusive_group``
    cell typed 0 for "no group": a no, as the text ``0`` is), else ``""``: not judged."""
    if col.required or col.kind not in ("text", "ids") or isinstance(value, bool | np.bool_):
        return ""
    return "0" if isinstance(value, int | float | np.integer | np.floating) and value == 0 \
        else ""


#: What programs write for a missing value (R's write.csv ``NA``, pandas' ``na_rep`` and
#: numpy ``nan``/``NaN``, Python's ``None``, a database's ``NULL``), as they write it.
#: Not PLACEHOLDERS on purpose: these are a file's way of writing an empty cell, matched as
#: written (case kept); PLACEHOLDERS are what a person types, told in optional text columns.
MISSING_MARKS = ("NA", "NaN", "nan", "NULL", "null", "None", "<NA>", "N/A")
#: Columns whose cells such a mark can never be a value of.
_NOT_TEXT = ("number", "integer", "bool", "enum", "enums")


def missing_mark_issues(sheet: str, raw: pd.DataFrame,
                        columns: tuple[Column, ...]) -> list[Issue]:
    """One issue for a mark a program writes for a missing value (``NA``, R's, in every
    empty cell of a file written by ``write.csv``) when it stands in two registry columns
    or more, one of numbers, flags or choices, where it can be no value: the file's way of
    writing an empty cell, not a cell typed so. Each of its cells would otherwise be a
    problem of its own ("must be a number", "'NA' looks like a placeholder"), hundreds for
    one cause, and in a text column it reads as the text ``NA``. The mark's cells are
    emptied in ``raw`` (in place), so that nothing else is said of them.

    >>> rows = pd.DataFrame({"project_id": ["P-01", "P-02"], "risk": ["NA", "0.1"],
    ...                      "mitigation": ["NA", "monitoring"], "_row": [2, 3]})
    >>> from osa_opt.inputs.schema import PROJECT_COLUMNS
    >>> [(i.row, i.column, i.value) for i in missing_mark_issues("projects", rows, PROJECT_COLUMNS)]
    [(2, 'risk', 'NA')]
    >>> rows.loc[0, "mitigation"] is None
    True
    """
    kinds = {c.name: c.kind for c in columns if c.name in raw.columns and
             raw[c.name].dtype == object}
    marks = frozenset(MISSING_MARKS)

    def marked(value: Any) -> bool:
        return isinstance(value, str) and value.strip() in marks
    # a mark is said only when it stands in a column of numbers, flags or choices: those
    # are looked at first, each distinct cell once, and the text columns only after a hit
    hits = {name: judged_once(raw[name], marked) for name in kinds if kinds[name] in _NOT_TEXT}
    if not any(at.any() for at in hits.values()):
        return []
    found: dict[str, list[tuple[str, np.ndarray]]] = {}
    for name in kinds:
        at = hits[name] if name in hits else judged_once(raw[name], marked)
        where = np.flatnonzero(at)
        if not len(where):
            continue
        stripped = np.array([v.strip() for v in raw[name].to_numpy()[where]], dtype=object)
        for mark in MISSING_MARKS:
            chosen = where[stripped == mark]
            if len(chosen):
                mark_at = np.zeros(len(raw), dtype=bool)
                mark_at[chosen] = True
                found.setdefault(mark, []).append((name, mark_at))
    rows = _rows(raw)
    issues = []
    for mark, places in found.items():
        if len(places) < 2 or not any(kinds[name] in _NOT_TEXT for name, _ in places):
            continue
        hit = np.logical_or.reduce([at for _, at in places])
        first = int(np.flatnonzero(hit)[0])
        column = next(name for name, at in places if at[first])
        count = sum(int(at.sum()) for _, at in places)
        names = first_few((name for name, _ in places), 5)
        issues.append(Issue(
            sheet, int(rows[first]), column, mark,
            f"{count:,} cells hold {mark!r}, in {len(places)} columns ({names}; "
            f"{rows_named([int(r) for r in rows[hit]])}), as a program writes a missing value "
            f"(R's write.csv writes NA, pandas' to_csv its na_rep, a database NULL): {mark!r} "
            "is no number, flag or choice, and in a text column it would be read as the text "
            f"{mark!r}",
            "leave those cells empty: write the file again with nothing for a missing value "
            "(R: write.csv(x, file, na = \"\", row.names = FALSE); pandas: "
            "to_csv(file, index=False), without na_rep), or clear them in the spreadsheet"))
        for name, at in places:
            raw.loc[at, name] = None
    return issues


def _distinct(cells: pd.Series) -> tuple[np.ndarray, Any]:
    """Each cell's code into the distinct cells (``pd.factorize``); cells that cannot be
    hashed (a list built in Python) count as blank here: only text and dates are judged."""
    try:
        return pd.factorize(cells)
    except TypeError:
        judged = (str, _dt.date, _dt.time)
        return pd.factorize(cells.map(lambda v: v if isinstance(v, judged) else None))


def _may_be_suspect(texts: list[str], col: Column) -> bool:
    """False when no text can be suspect: 100,000 ids are cleared in a few milliseconds."""
    joined = "\n".join(texts)
    if "#" in joined or "=" in joined or "Err:" in joined:
        return True
    if (col.kind != "text" or col.name in NAME_COLUMNS) and INVISIBLE.search(joined):
        return True
    if _named(col) and ("\n'" in "\n" + joined or "E+" in joined):  # '007, 1.23457E+11
        return True
    if col.required or col.kind not in ("text", "ids"):
        return False
    typed = set(unicodedata.normalize("NFKC", joined).lower().split("\n"))  # each text once
    return not PLACEHOLDERS.isdisjoint(typed | {t.strip(_WRAPPING) for t in typed}) or \
        not NEGATIONS.isdisjoint(typed)


#: A number as Excel shows a long one in a General cell (``1.23457E+11``), which a CSV file
#: saved from it keeps instead of the digits.
_SCIENTIFIC = re.compile(r"[+-]?\d\.\d+E\+\d{2,3}", re.IGNORECASE)


def _named(col: Column) -> bool:
    """Whether ``col`` holds names or ids other cells match exactly."""
    return col.kind == "ids" or col.name in NAME_COLUMNS


def _shown(value: _dt.date | _dt.time) -> str:
    """A date as a spreadsheet shows it: 2026-03-01, without a midnight time."""
    if isinstance(value, _dt.datetime) and value.time() == _dt.time():
        return value.date().isoformat()
    return value.isoformat()


def _date(value: _dt.date | _dt.time, col: Column) -> tuple[str, str] | None:
    """A date in a name or id column: the spreadsheet's reading of text like ``3-1``."""
    if col.kind != "ids" and col.name not in NAME_COLUMNS:
        return None  # a title or reason that is a date says what it says
    return (f"the cell is a date ({_shown(value)}), not text: a spreadsheet turns text such as 3-1 "
            "or 1/3 into a date", f"format the column as Text (Format Cells > Text) and "
            f"type the {col.name} again")


def _flag_issues(sheet: str, cells: pd.Series, distinct: Any, rows: np.ndarray,
                 col: Column) -> list[Issue]:
    """One issue per true/false cell of a name or id column: the spreadsheet's reading of
    text typed TRUE or false, which would be read as the text 'true' (a CSV cell TRUE is
    text and is read as typed)."""
    if col.kind != "ids" and col.name not in NAME_COLUMNS:
        return []  # a title or reason that is TRUE says what it says
    if pd.api.types.infer_dtype(distinct, skipna=True) in ("string", "empty"):
        return []  # the usual case: text only, settled in C
    if not any(isinstance(v, _FLAG_LIKE) and v in (0, 1) for v in distinct):
        return []  # factorize takes True for 1: a flag hides behind a 0 or 1 only
    values = cells.to_numpy(dtype=object)
    found = np.fromiter((isinstance(v, bool | np.bool_) for v in values), dtype=bool,
                        count=len(values))
    return [Issue(sheet, int(rows[i]), col.name, str(bool(values[i])).upper(),
                  f"the cell is the true/false value {str(bool(values[i])).upper()}, not text: "
                  "a spreadsheet turns text such as TRUE or false into a true/false value",
                  f"format the column as Text (Format Cells > Text) and type the {col.name} "
                  "again") for i in np.flatnonzero(found)]


#: Cells factorize may hold for a true/false value: flags, and the 0 and 1 they equal.
_FLAG_LIKE = (bool, np.bool_, int, float, np.integer, np.floating)


def _judge(text: str, col: Column) -> tuple[str, str] | None:
    """(rule, hint) when the text of a cell of ``col`` is suspect, else None."""
    if text.upper() in EXCEL_ERRORS or _LIBREOFFICE_ERROR.fullmatch(text):
        return (f"the cell shows the spreadsheet error {text}: a formula that failed, not a "
                "value", "correct the formula (or type the value) in the spreadsheet and "
                "save again")
    strict = col.kind != "text" or col.name in NAME_COLUMNS  # not free text
    if strict and _FORMULA.match(text):  # a workbook's own formulas: read_xlsx.py
        literal = re.fullmatch(r'=\s*"([^"]*)"\s*', text)
        if literal and literal.group(1).strip():  # ="0042": Excel's text, kept in CSV
            value = literal.group(1).strip()
            return (f"a formula that yields the text {value!r} (the way a CSV file keeps a "
                    "value as text, leading zeros and all, when Excel opens it): osa-opt "
                    "reads the cell as typed, '=' and quotes included",
                    f"type {value} without '=' and the quotes")
        return (FORMULA_RULE, FORMULA_HINT)
    if not col.required and col.kind in ("text", "ids") and \
            unicodedata.normalize("NFKC", text).strip().lower() in NEGATIONS:
        return (f"{text!r} reads as a no, but it would be read as the {col.name} {text!r}: "
                "a blank cell means none",
                f"leave the cell blank if there is no {col.name}; "
                + (f"if {text!r} names a group, name it otherwise (G{text})"
                   if col.name == "exclusive_group" else "otherwise write it out")
                + f" ({col.name}: {col.meaning})")
    if not col.required and col.kind in ("text", "ids") and placeholder(text):
        return (f"{text!r} looks like a placeholder for nothing, but it would be read as the "
                f"{col.name} {text!r}: a blank cell means none",
                f"leave the cell blank if there is no {col.name}; otherwise write it out "
                f"({col.name}: {col.meaning})")
    # the straight apostrophe only, as a spreadsheet types it: a curly one may be part of an
    # id or name (cells._text_mark, where the rest must read as a value, takes those too)
    if _named(col) and text.startswith("'") and text[1:].strip():
        rest = text[1:].strip()
        return (f"the cell starts with an apostrophe, the mark a spreadsheet types before a "
                f"value to keep it as text ({rest!r} shown, its leading zeros kept); left in "
                f"the file, it is part of the {col.name}, which matches no {rest!r}",
                f"type {rest} without the apostrophe (format the column as Text, Format Cells "
                "> Text, to keep leading zeros)")
    if _named(col) and _SCIENTIFIC.fullmatch(text):
        return (f"the cell is a number as a spreadsheet shows a long one, in scientific "
                f"notation ({text}): a CSV file saved from it keeps only the digits shown, so "
                f"the {col.name} typed is lost (and two such ids may read alike)",
                f"format the column as Text (Format Cells > Text), type each {col.name} "
                "again, and save the CSV file again")
    if strict:
        where = describe_invisible(text)
        if where is not None:
            return (f"the cell holds {where}: it looks like "
                    f"{INVISIBLE.sub('', text)!r} but would not match it",
                    "retype the cell (invisible characters come with text pasted from web "
                    "pages, PDFs or Word)")
    return None


#: What the first cells of a totals row say (lower case, a trailing ':' dropped; 合計, 小計
#: and 総計 are Japanese for total, subtotal and grand total; 集計 is the label Japanese
#: Excel writes in a table's totals row, Ergebnis and Gesamtergebnis German Excel's).
TOTAL_WORDS = frozenset({"total", "totals", "sum", "subtotal", "sub-total", "sub total",
                         "grand total", "total cost", "total costs", "summe", "gesamt",
                         "ergebnis", "gesamtergebnis", "somme", "total général", "totale",
                         "totaal", "合計", "小計", "総計", "計", "集計", "总计", "合计",
                         "汇总"})
#: The cells of a row that a totals row labels, per sheet: its key, (projects) its title
#: and country, (countries) its region.
_LABEL_COLUMNS = {PROJECTS: ("project_id", "title", "country"), COUNTRIES: ("country", "region")}
#: The last word of a label that Excel's Data > Subtotal writes beside each group's name
#: ('Aurelia Total', 'Aurelia 集計', 'Aurelia Ergebnis'), a space between or none.
_SUBTOTAL = re.compile(r"\S.*?\s+(total|ergebnis|summe)|\S.*?\s*(集計|合計|小計|汇总|合计)")
#: A raw table's attribute: Excel row -> the name of the Excel table (ListObject) whose
#: totals row it is (Table Design > Total Row), set by the workbook reader.
TOTALS_ATTR = "totals_rows"
#: A raw table's attribute: Excel row -> (header, formula as shown) of the first cell of a
#: row that sums the column above it (``=SUM(F2:F39)``), set by the workbook readers
#: (:func:`sum_rows`): a totals row without a label.
SUMS_ATTR = "sum_rows"
#: A formula that adds up one range (``=SUM(F2:F39)``; ``=SUBTOTAL(9,F2:F39)`` and
#: ``=SUBTOTAL(109,...)`` as Excel's AutoSum and a table's totals row write it;
#: ``=AGGREGATE(9,4,...)``), as shown, spaces and ``$`` taken out.
_SUM = re.compile(r"=(?:SUM\(|SUBTOTAL\(\d+[,;]|AGGREGATE\(\d+[,;]\d+[,;])"
                  r"([A-Z]{1,3})(\d+):([A-Z]{1,3})(\d+)\)")


#: The functions that add up, in any case: Excel and LibreOffice save a function's name in
#: capitals, but a file written by another program (openpyxl, pandas, by hand) keeps it as
#: typed (``=sum(F2:F20)``, ``=Sum(...)``), and Excel and LibreOffice read it so.
_ADDS_UP = re.compile(r"SUM|TOTAL|AGGREGATE", re.IGNORECASE)


def may_add_up(formula: str) -> bool:
    """Whether a formula names a function that adds up, its name in any case:
    :func:`sum_rows` looks closer at these only.

    >>> may_add_up("=SUM(F2:F39)"), may_add_up("=sum(F2:F39)"), may_add_up("=F2*1.1")
    (True, True, False)
    """
    return _ADDS_UP.search(formula) is not None


def shown_formula(text: str) -> str:
    """A formula with its references as Excel writes them, so that one reading serves an
    .xlsx and an .ods file alike: an .ods file's ``of:=SUM([.F2:.F39])`` is
    ``=SUM(F2:F39)``, ``of:=[$countries.A8]`` is ``=countries!A8`` and a reference to
    another file, ``['file:///data/pipeline.ods'#$Sheet1.F5]``, is
    ``='[pipeline.ods]Sheet1'!F5``; text in quotes is left as it is, and so is a reference
    of another shape. An .xlsx file's formula comes back unchanged.

    >>> shown_formula("of:=SUBTOTAL(9;[.F2:.F39])"), shown_formula("=SUM(F2:F39)")
    ('=SUBTOTAL(9;F2:F39)', '=SUM(F2:F39)')
    >>> shown_formula('of:=[$countries.A8]&"[.x]"'), shown_formula("of:=[$'my list'.$B$2:.C3]")
    ('=countries!A8&"[.x]"', "='my list'!$B$2:C3")
    >>> shown_formula("of:=['file:///data/pipeline.ods'#$Sheet1.F5]")
    "='[pipeline.ods]Sheet1'!F5"
    """
    text = re.sub(r"^[a-z]+:(?==)", "", text)
    if "[" not in text:
        return text
    parts = re.split(r'("(?:[^"]|"")*")', text)  # quoted text (every other part) as it is
    return "".join(part if k % 2 else _ODS_REFERENCE.sub(_excel_reference, part)
                   for k, part in enumerate(parts))


#: A reference of an OpenDocument formula, in brackets (``[.F11]``, ``[$countries.A1:.B8]``).
_ODS_REFERENCE = re.compile(r"\[([^\[\]]*)\]")
#: One end of it: a file in quotes and ``#`` (another workbook), a sheet (``$countries``,
#: ``$'my list'``; none on the formula's own sheet), then a dot and the cell (``$F$11``,
#: ``F``, ``11``).
_ODS_END = re.compile(r"(?:'(?P<book>(?:[^']|'')*)'#)?(?P<sheet>\$?(?:'(?:[^']|'')*'|[^.':#]*))"
                      r"\.(?P<cell>\$?[A-Za-z]{0,3}\$?\d*)")


def _excel_reference(found: re.Match[str]) -> str:
    """One bracketed reference of an OpenDocument formula as Excel writes it; the text as
    it was when it is of no shape known here."""
    ends = []
    rest = found.group(1)
    while rest:
        end = _ODS_END.match(rest)
        if end is None or not end.group("cell"):
            return found.group(0)
        ends.append(end)
        rest = rest[end.end():]
        if rest and not rest.startswith(":"):
            return found.group(0)
        rest = rest[1:]
    if not ends:
        return found.group(0)
    cells = ":".join(end.group("cell") for end in ends)
    first = ends[0]
    sheet = first.group("sheet").lstrip("$")
    if sheet.startswith("'"):
        sheet = sheet[1:-1].replace("''", "'")
    book = first.group("book")
    if book is not None:  # 'file:///data/pipeline.ods': its file name, as Excel shows it
        name = book.replace("''", "'").rstrip("/").rsplit("/", 1)[-1]
        sheet = f"[{name}]{sheet}"
    elif not sheet:
        return cells
    elif re.fullmatch(r"[A-Za-z_][\w.]*", sheet):
        return f"{sheet}!{cells}"
    return "'" + sheet.replace("'", "''") + f"'!{cells}"


def sum_rows(rows: list[tuple[int, Any]], formulas: dict[tuple[int, int], str],
             at: int) -> dict[int, tuple[str, str]]:
    """Excel row -> (header, formula as shown) of the rows below the header (``rows[at]``)
    with a cell that sums the column above it: ``=SUM(F2:F39)`` in F40 (``formulas``:
    (Excel row, column from 0) -> formula text, of an .xlsx or .ods file). Only the first
    such cell of a row is kept.

    >>> sum_rows([(1, ("id", "cost")), (2, ("P-01", 5)), (3, (None, 5))],
    ...          {(3, 1): "of:=SUM([.B2:.B2])", (2, 1): "=SUM(A2:A2)"}, 0)
    {3: ('cost', '=SUM(B2:B2)')}
    """
    from openpyxl.utils import get_column_letter

    if not formulas or not rows:
        return {}
    header_row, header = rows[at][0], rows[at][1]
    out: dict[int, tuple[str, str]] = {}
    # a round's formulas are mostly others (=FALSE() in every flag cell LibreOffice saves):
    # one quick look each, the few that may add up looked at closely
    for (r, c), text in sorted(item for item in formulas.items() if may_add_up(item[1])):
        if r <= header_row or r in out or c >= len(header) or not isinstance(header[c], str):
            continue
        shown = shown_formula(text)
        found = _SUM.fullmatch("".join(shown.upper().split()).replace("$", ""))
        letter = get_column_letter(c + 1)
        if found and found.group(1) == found.group(3) == letter and \
                int(found.group(2)) <= int(found.group(4)) < r:
            out[r] = (header[c].strip(), shown)
    return out


def _label(value: Any) -> str:
    """A label cell as :data:`TOTAL_WORDS` spells it: stripped, a trailing ':' dropped,
    lower case; ``""`` for a cell that is no text."""
    return value.strip().rstrip(":").strip().lower() if isinstance(value, str) else ""


def _total_word(value: Any) -> bool:
    return _label(value) in TOTAL_WORDS


def totals_row_issues(sheet: str, raw: pd.DataFrame) -> list[Issue]:
    """One issue per row labelled as a total (``Total`` in its project id, title or
    country, or in its country or region), a spreadsheet's sum row typed below the table,
    per row Excel's Data > Subtotal inserted (``Aurelia Total``, ``Aurelia 集計`` in a row
    without a project id), and per totals row of an Excel table (``raw.attrs``'
    :data:`TOTALS_ATTR`, whatever its label): it would be read as one more project (or
    country), and its blank cells would each be a problem whose fix ("fill in title") is
    not the fix. The caller lists this issue instead of the row's others.

    >>> rows = pd.DataFrame({"project_id": ["P-01", "Total:", None],
    ...                      "title": ["Radar", None, None],
    ...                      "country": ["Aurelia", None, "Aurelia 集計"], "_row": [2, 4, 5]})
    >>> [(i.row, i.column, i.value) for i in totals_row_issues("projects", rows)]
    [(4, 'project_id', 'Total:'), (5, 'country', 'Aurelia 集計')]
    """
    issues: list[Issue] = []
    seen: set[int] = set()
    rows = _rows(raw)
    unit = "project" if sheet == PROJECTS else "country"
    adds = ("osa-opt adds the costs up itself, and osa-opt validate prints the total "
            "requested per fiscal year")
    fix = f"delete the row (or put the totals on a sheet of their own): {adds}"
    by_subtotal = ("remove the rows Excel's Data > Subtotal inserted (Data > Subtotal > "
                   f"Remove All), or delete the row: {adds}")
    labels = [n for n in _LABEL_COLUMNS.get(sheet, ()) if n in raw.columns]
    key = _LABEL_COLUMNS.get(sheet, ("",))[0]
    keyless = judged_once(raw[key], is_blank) if key in raw.columns else \
        np.ones(len(raw), dtype=bool)
    tables = raw.attrs.get(TOTALS_ATTR) or {}
    for i in np.flatnonzero(np.isin(rows, list(tables))) if tables else ():
        if int(rows[i]) in seen:
            continue
        seen.add(int(rows[i]))
        filled = [c for c in [*labels, *raw.columns] if c != ROW and not is_blank(raw[c].iloc[i])]
        if not filled:
            continue
        value = raw[filled[0]].iloc[i]
        issues.append(Issue(
            sheet, int(rows[i]), filled[0], value.strip() if isinstance(value, str) else value,
            f"the row is the totals row of the Excel table {tables[int(rows[i])]!r}, not a "
            f"{unit}: it would be read as one more {unit} (its blank cells would each be a "
            "problem, its cost counted)",
            "turn the table's totals row off (click in the table, then Table Design > untick "
            f"Total Row): {adds}"))
    for name in labels:
        if raw[name].dtype != object:
            continue
        total = judged_once(raw[name], _total_word)
        # Data > Subtotal's labels stand in rows without a key only: only those are matched
        subtotal = np.zeros(len(raw), dtype=bool)
        maybe = np.flatnonzero(keyless & ~total)
        subtotal[maybe] = [_SUBTOTAL.fullmatch(t) is not None if (t := _label(v)) else False
                           for v in raw[name].to_numpy()[maybe]]
        for i in np.flatnonzero(total | subtotal):
            if int(rows[i]) in seen:
                continue
            seen.add(int(rows[i]))
            issues.append(Issue(
                sheet, int(rows[i]), name, raw[name].iloc[i].strip(),
                f"the row looks like a totals row, not a {unit}: it would be read as one "
                f"more {unit} (its blank cells would each be a problem, its cost counted)",
                fix if total[i] else by_subtotal))
    sums = raw.attrs.get(SUMS_ATTR) or {}
    for i in np.flatnonzero(np.isin(rows, list(sums)) & keyless) if sums else ():
        if int(rows[i]) in seen:
            continue
        seen.add(int(rows[i]))
        header, formula = sums[int(rows[i])]
        column = header if header in raw.columns else None
        issues.append(Issue(
            sheet, int(rows[i]), column, raw[column].iloc[i] if column else formula,
            f"the row is a totals row, not a {unit}: {header} holds {formula}, the sum of "
            f"the column above it, and the row names no {unit}; it would be read as one "
            f"more {unit} (its blank cells would each be a problem, its cost counted)", fix))
    return issues


#: The cells that say which project (or country) a row is: a row with none of them, and a
#: cell or three beside, is a note, a row of units or an unlabelled sum, not one more row.
_IDENTITY = {PROJECTS: ("project_id", "title", "country"), COUNTRIES: ("country", "region")}
#: The most cells such a row holds (a units row under cost and score columns).
_STRAY_CELLS = 3


def stray_row_issues(sheet: str, raw: pd.DataFrame) -> list[Issue]:
    """One issue per row that is no project (or country) but a note, a row of units under
    the header or an unlabelled sum below the table: a row that names none (no
    ``project_id``, ``title`` or ``country``; for countries no ``country`` or ``region``)
    and holds a few cells only, or a row of one cell. Each blank cell would otherwise be a
    problem whose fix ("fill in project_id") is not the fix; the caller lists this issue
    instead of the row's others.

    >>> rows = pd.DataFrame({"project_id": ["P-01", "", "Note: costs are estimates"],
    ...                      "title": ["Radar", "", ""], "country": ["Aurelia", "", ""],
    ...                      "cost_FY2026": [900, "¥ million", ""], "_row": [2, 3, 4]})
    >>> for issue in stray_row_issues("projects", rows):
    ...     print(issue.message())
    projects, row 3, column 'cost_FY2026': the row names no project (no project_id, title or country) and holds only cost_FY2026 '¥ million': a note, a row of units or a sum beside the table, not a project (value '¥ million'). Fix: delete the row (a column's unit or note can go in a comment on its header cell); if it is a project, fill in its cells
    projects, row 4, column 'project_id': the row holds only project_id 'Note: costs are estimates': a note, a row of units or a sum beside the table, not a project (value 'Note: costs are estimates'). Fix: delete the row (a column's unit or note can go in a comment on its header cell); if it is a project, fill in its cells
    """
    names = [n for n in _IDENTITY.get(sheet, ()) if n in raw.columns]
    if not names or raw.empty:
        return []
    columns = [c for c in raw.columns if c != ROW]
    blank = {c: judged_once(raw[c], is_blank) for c in columns}
    count = len(columns) - sum(blank.values())  # cells filled in each row
    unnamed = np.logical_and.reduce([blank[n] for n in names])
    stray = (unnamed & (count <= _STRAY_CELLS)) | (count == 1)
    rows = _rows(raw)
    unit = "project" if sheet == PROJECTS else "country"
    missing = ", ".join(names[:-1]) + f" or {names[-1]}" if len(names) > 1 else names[0]
    issues = _units_row_issues(sheet, raw, columns, blank, rows, stray)
    for i in np.flatnonzero(stray & (count > 0)):
        filled = [(c, raw[c].iloc[i]) for c in columns if not blank[c][i]]
        shown = ", ".join(f"{c} {_plain_text(v)!r}" for c, v in filled)
        column, value = filled[0]
        names_none = f"names no {unit} (no {missing}) and " if unnamed[i] else ""
        issues.append(Issue(
            sheet, int(rows[i]), str(column), _plain_text(value),
            f"the row {names_none}holds only {shown}: a note, a row of units or a sum "
            f"beside the table, not a {unit}",
            "delete the row (a column's unit or note can go in a comment on its header "
            f"cell); if it is a {unit}, fill in its cells"))
    return issues


def _units_row_issues(sheet: str, raw: pd.DataFrame, columns: list[Any],
                      blank: dict[Any, np.ndarray], rows: np.ndarray,
                      stray: np.ndarray) -> list[Issue]:
    """The row right under the header when its number columns hold text and no number,
    two cells or more (``¥ million``, ``0-10``, ``0-1``: a row of units or descriptions
    under the header, with ``id`` and ``text`` under the names too): one issue, not one per
    cell that is no number and per blank required cell."""
    from osa_opt.inputs.numbers import number_column

    if raw.empty:
        return []
    i = int(np.argmin(rows))
    numeric = [c for c in columns if isinstance(c, str) and number_column(c)]
    filled = [(c, raw[c].iloc[i]) for c in numeric if not blank[c][i]]
    if stray[i] or len(filled) < 2 or not all(isinstance(v, str) for _, v in filled):
        return []
    unit = "project" if sheet == PROJECTS else "country"
    shown = ", ".join(f"{c} {_plain_text(v)!r}" for c, v in filled[:4])
    more = f" and {len(filled) - 4} more" if len(filled) > 4 else ""
    column, value = filled[0]
    stray[i] = False  # named here, not again as a stray row
    return [Issue(sheet, int(rows[i]), str(column), _plain_text(value),
                  f"the row under the header holds text and no number in its number columns "
                  f"({shown}{more}): a row of units or descriptions, not a {unit}",
                  "delete the row (a column's unit or description can go in a comment on its "
                  f"header cell); if it is a {unit}, type its numbers as plain numbers")]


def _plain_text(value: Any) -> str:
    """A cell as text: ``900`` for 900.0."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
