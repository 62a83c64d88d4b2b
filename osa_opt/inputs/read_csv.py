"""Reading a folder of CSV files (``projects.csv``, ``countries.csv``) into raw tables.

Text is UTF-8 (with or without a byte-order mark) or UTF-16 or UTF-32 with its mark. The columns may
be separated by commas, semicolons (the list separator of locales that write decimal
commas), tabs or ``|``: the delimiter is the one that splits the first rows into known
column names, and a first line ``sep=;`` (which Excel writes and reads) names it outright,
unless the header splits into more known names at another delimiter (then the line is refused).
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from osa_opt.digest import sha256
from osa_opt.errors import Issue
from osa_opt.inputs.encodings import (
    Binary,
    binary_kind,
    decoded,
    looks_like,
    marked_failure,
)
from osa_opt.inputs.file_kinds import HEAD_BYTES, KINDS
from osa_opt.inputs.headers import HEADER_SEARCH_ROWS, find_header, known_header, table
from osa_opt.inputs.schema import PROJECTS, SHEETS
from osa_opt.inputs.sheet_choice import variant_of
from osa_opt.text import counted, first_few

EXCEL_CSV = "in Excel, File > Save As > 'CSV UTF-8 (Comma delimited)'"
#: Delimiters a spreadsheet program writes, in the order a tie is settled.
DELIMITERS = (",", ";", "\t", "|")


@dataclass
class CsvFolder:
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    delimiters: set[str] = field(default_factory=set)


def read_folder(path: Path, issues: list[Issue], warnings: list[Issue]) -> CsvFolder:
    """Both sheets' raw tables; problems of the files themselves go to ``issues``."""

    out = CsvFolder()
    for sheet in SHEETS:
        file = path / f"{sheet}.csv"
        if not file.is_file():
            issues.append(_missing(path, sheet))
            continue
        try:
            data = file.read_bytes()
        except OSError as exc:
            issues.append(Issue(file.name, None, None, str(file),
                                f"cannot read the file: {exc.strerror or exc}",
                                "check that the file is readable by you and is not locked"))
            continue
        out.sources[file.name] = sha256(data)
        text = _decode(file.name, data, issues)
        del data  # each stage's input let go before the next one builds (100 MB at 100,000)
        if text is None:
            continue
        other = _not_csv(file.name, text)
        if other is not None:  # a web page or JSON saved as .csv: no line of it is a row
            issues.append(other)
            continue
        contradicted = _sep_line_contradicted(sheet, text)
        if contradicted is not None:  # every line would be split at the wrong separator
            issues.append(contradicted)
            continue
        try:
            rows, delimiter = csv_rows(sheet, text)
        except csv.Error as exc:
            issues.append(Issue(file.name, None, None, None, f"not a readable CSV file: {exc}",
                                "save the sheet again as CSV UTF-8 (comma-separated)"))
            continue
        ends_line = text.endswith(("\n", "\r"))
        del text
        out.delimiters.add(delimiter)
        at = find_header(sheet, rows)  # the index of the header row, found once
        long_rows = _long_row_issues(sheet, rows, at, delimiter)
        if long_rows:  # each cell after the unquoted separator is one column off: say so once
            issues += long_rows
            continue
        cut = _cut_short(sheet, rows, at, ends_line)
        if cut is not None:  # the file ends inside its last row: its cells cannot be trusted
            issues.append(cut)
            continue
        split, short = _short_row_findings(sheet, rows, at, delimiter)
        if split:  # the cells of a row split in two would be read as two rows
            issues += split
            continue
        warnings += short
        out.tables[sheet] = table(sheet, rows, issues, warnings, lambda i: f"column {i + 1}",
                                  at)
        warnings += _other_versions(path, sheet)
        del rows
    return out


def _decode(name: str, data: bytes, issues: list[Issue]) -> str | None:
    binary = binary_kind(data)
    if binary is not None:  # a gzip archive, a workbook, a PDF saved under a .csv name
        issues.append(_binary_issue(name, binary))
        return None
    if _utf16_without_mark(data):  # valid UTF-8 to a decoder, a NUL between every letter
        issues.append(Issue(name, None, None, None,
                            "UTF-16 text without its byte-order mark (every other byte is 0); "
                            "UTF-8 is read, and UTF-16 only with its mark",
                            f"save it as UTF-8: {EXCEL_CSV}"))
        return None
    try:
        return decoded(data)
    except UnicodeDecodeError as exc:
        marked = marked_failure(data, exc)
        if marked is not None:  # UTF-16 or UTF-32 by its mark, cut short or damaged
            line, rule, cut = marked
            issues.append(Issue(name, line, None, None, rule,
                                "copy the file again, or save the sheet again from the "
                                f"spreadsheet ({EXCEL_CSV})" if cut
                                else f"save it as UTF-8: {EXCEL_CSV}"))
            return None
        line = data.count(b"\n", 0, exc.start) + 1
        issues.append(Issue(name, line, None, None,
                            f"not UTF-8 text (unreadable byte at position {exc.start}, "
                            f"line {line}){looks_like(data)}", f"save it as UTF-8: {EXCEL_CSV}"))
        return None


def _binary_issue(name: str, binary: Binary) -> Issue:
    """A file named .csv that is a binary file: what it is, and the fix (extract the CSV
    file an archive holds, give a workbook itself, export a table as CSV).

    >>> import gzip
    >>> print(_binary_issue("projects.csv", binary_kind(gzip.compress(b"a,b"))).message())
    projects.csv: not CSV text but a gzip-compressed file (.gz). Fix: rename it to projects.csv.gz, decompress it (gunzip, or 7-Zip > Extract Here on Windows), and put the projects.csv it holds in the folder
    """
    rule = f"not CSV text but {binary.kind}"
    suffix = re.search(r"\((\.\w+)\)", binary.kind)
    if binary.unpack is not None:
        inside = f" ({binary.holds!r})" if binary.holds and binary.holds != name else ""
        rename = f"rename it to {name}{suffix.group(1)}, " if suffix else ""
        return Issue(name, None, None, None, rule, f"{rename}{binary.unpack}, and put the "
                     f"{name}{inside} it holds in the folder")
    if binary.workbook and suffix and suffix.group(1) in (".xlsx", ".ods"):
        stem = name.removesuffix(".csv")
        return Issue(name, None, None, None, rule, f"save its {stem} sheet as CSV "
                     f"({EXCEL_CSV}); or, if it holds both sheets (projects and countries), "
                     f"rename it to {stem}{suffix.group(1)} and give it instead of the folder")
    if binary.workbook:  # an old .xls, a Numbers file, one with a password
        return Issue(name, None, None, None, rule, "open it in the program that made it and "
                     f"save its {name.removesuffix('.csv')} sheet as CSV; {EXCEL_CSV}")
    return Issue(name, None, None, None, rule, f"a table in {binary.kind} cannot be read: "
                 "open the spreadsheet the table is in and save the sheet as CSV; "
                 f"{EXCEL_CSV}")


def _not_csv(name: str, text: str) -> Issue | None:
    """A text file of another kind saved as .csv (a web page a failed download or a
    browser's "Save as" wrote, an XML spreadsheet, JSON): named as what it is, or None.
    Read as CSV, its first line would be told to hold every column but none.

    >>> print(_not_csv("projects.csv", "<!DOCTYPE html><html><body>404").message())
    projects.csv: not CSV text but a web page (HTML). Fix: a download that failed, or a page saved under the name projects.csv: download or export the sheet again as CSV; in Excel, File > Save As > 'CSV UTF-8 (Comma delimited)'
    """
    head = text[:HEAD_BYTES].lstrip("\ufeff \t\r\n").lower()
    if head.startswith(("<!doctype html", "<html")) or (
            head.startswith("<") and "<html" in head):
        return Issue(name, None, None, None, "not CSV text but a web page (HTML)",
                     f"a download that failed, or a page saved under the name {name}: "
                     f"download or export the sheet again as CSV; {EXCEL_CSV}")
    if head.startswith("<?xml"):
        kind = next((k for _, marker, k, _ in KINDS if marker.startswith(("urn:", "office:"))
                     and marker.lower() in head), "XML")
        return Issue(name, None, None, None, f"not CSV text but {kind}",
                     f"open it in Excel or LibreOffice and save it as CSV; {EXCEL_CSV}")
    if head.startswith(("{", "[")) and head.rstrip().endswith(("}", "]")):
        return Issue(name, None, None, None, "not CSV text but JSON",
                     "write the table as CSV, one row per line under a header row of the "
                     f"column names (docs/inputs.md); {EXCEL_CSV}")
    return None


def _utf16_without_mark(data: bytes) -> bool:
    """UTF-16 without a byte-order mark: mostly NUL bytes on one side of each pair (the
    high byte of Latin text), which UTF-8 never writes in text."""
    head = data[:4096]
    if len(head) < 4 or head.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" not in head:
        return False
    pairs = len(head) // 2
    return max(head[0::2].count(0), head[1::2].count(0)) > pairs * 0.3


def _long_row_issues(sheet: str, rows: list[tuple[int, list[str]]], at: int,
                     delimiter: str) -> list[Issue]:
    """Records with more cells than the header and than most records: a cell holding the
    delimiter without quotes (``Radars, 3 sites``) splits in two, and every cell after it
    is read one column off. One issue per such line, instead of one per shifted cell."""
    if len(rows) < 2:
        return []
    width = len(rows[at][1])
    body = rows[at + 1:]
    usual = Counter(len(cells) for _, cells in body).most_common(1)[0][0] if body else width
    limit = max(width, usual)
    issues = []
    for line, cells in body:
        if len(cells) > limit:
            shown = io.StringIO()  # the line as the file has it, quotes and all
            csv.writer(shown, delimiter=delimiter, lineterminator="").writerow(cells)
            past = len(cells) - width  # cells past the header's
            if any(cell.strip() for cell in cells[width:]):
                why = (f"line {line} has {len(cells)} cells, the header {width}: a cell "
                       f"holding the separator {delimiter!r} without quotes puts every cell "
                       f"after it one column off, or the cells past column {width} have no "
                       "header")
            else:  # nothing past the header
                why = (f"line {line} has {len(cells)} cells, the header {width}, "
                       f"{'the one' if past == 1 else f'the {past}'} past it empty: a "
                       "separator at the end of the line, or a cell holding the separator "
                       f"{delimiter!r} without quotes earlier in it, which puts every cell "
                       "after it one column off")
            issues.append(Issue(sheet, line, None, shown.getvalue()[:80], why,
                                'put a cell that holds the separator in double quotes ("Radars, '
                                '3 sites"), or save the sheet again as CSV from the spreadsheet, '
                                "which quotes such cells; cells past the table are deleted or "
                                "get a header"))
    return issues


def _cut_short(sheet: str, rows: list[tuple[int, list[str]]], at: int,
               ends_line: bool) -> Issue | None:
    """The file ends inside its last row: no line break after it, and fewer cells than the
    header where the other rows have as many (a spreadsheet writes every row to the table's
    width, and ends the file with a line break or a full row). A copy, download or save that
    did not finish: its last cell may be cut too (``0.0`` of ``0.09``), so the row is not
    read with its missing cells as blank."""
    body = [(line, cells) for line, cells in rows[at + 1:] if any(c.strip() for c in cells)]
    width = len(rows[at][1]) if rows else 0
    if ends_line or len(body) < 2 or len(body[-1][1]) >= width:
        return None
    if Counter(len(c) for _, c in body[:-1]).most_common(1)[0][0] < width:
        return None  # rows written without their trailing blank cells
    line, cells = body[-1]
    return Issue(sheet, line, rows[at][1][len(cells) - 1].strip() or None, cells[-1],
                 f"the file ends inside row {line}, its last: {len(cells)} of the header's "
                 f"{width} cells and no line break after them, so the file looks cut short "
                 "(a copy, download or save that did not finish), and its last cell may be "
                 "cut too",
                 "copy the file again, or save the sheet again as CSV from the spreadsheet; "
                 "if the row is complete, end it with a line break")


def _short_row_findings(sheet: str, rows: list[tuple[int, list[str]]], at: int,
                        delimiter: str) -> tuple[list[Issue], list[Issue]]:
    """Records with fewer cells than the header in a file whose records are as long as it
    (a spreadsheet writes every row to the table's width). Consecutive short records whose
    cells add up to one row, the cell they share counted once, are one row cut by a line
    break in a cell without quotes: an issue, since the second part would be read as a
    project of its own and the first with blank cells. Other short records are warned
    about: the cells they lack are read as blank."""
    if len(rows) < 2:
        return [], []
    header = [cell.strip() for cell in rows[at][1]]
    width = len(header)
    body = [(line, cells) for line, cells in rows[at + 1:] if any(c.strip() for c in cells)]
    if not body or Counter(len(c) for _, c in body).most_common(1)[0][0] < width:
        return [], []  # records written without their trailing blank cells: nothing to tell
    split: list[Issue] = []
    short: list[tuple[int, list[str]]] = []
    run: list[tuple[int, list[str]]] = []
    for record in [*body, (0, [""] * width)]:  # a full-width sentinel ends the last run
        if len(record[1]) < width:
            run.append(record)
            continue
        while run:
            parts = _split_row(run, width)
            if parts:
                split.append(_split_issue(sheet, run[:parts], width, delimiter))
                del run[:parts]
            else:
                short.append(run.pop(0))
    if split or not short:
        return split, []
    line, cells = short[0]
    lines = first_few((n for n, _ in short), 5)
    missing = header[len(cells)] or f"column {len(cells) + 1}"
    return [], [Issue(sheet, line, None, None,
                      f"{counted(len(short), 'line')} ({lines}) "
                      f"{'have' if len(short) > 1 else 'has'} fewer cells than the header "
                      f"({width}), as the other lines have; line {line} has {len(cells)}, "
                      f"so its cells from column {missing!r} on are read as blank",
                      "nothing to do if those cells are blank; otherwise check the line in "
                      "a text editor, or save the sheet again as CSV from the spreadsheet")]


def _split_row(run: list[tuple[int, list[str]]], width: int) -> int:
    """How many records from the start of ``run`` make one row cut by line breaks in
    unquoted cells (each break shares a cell between two records), else 0."""
    cells = len(run[0][1])
    for n, (_, record) in enumerate(run[1:], start=2):
        cells += len(record) - 1
        if cells == width:
            return n
        if cells > width:
            break
    return 0


def _split_issue(sheet: str, parts: list[tuple[int, list[str]]], width: int,
                 delimiter: str) -> Issue:
    lines = [line for line, _ in parts]
    counts = " and ".join(f"line {line} {len(cells)}" for line, cells in parts)
    shown = io.StringIO()
    csv.writer(shown, delimiter=delimiter, lineterminator="").writerow(parts[0][1])
    return Issue(sheet, lines[0], None, shown.getvalue()[:80],
                 f"lines {lines[0]}-{lines[-1]} have fewer cells than the header ({width}; "
                 f"{counts}), together one row: a line break in a cell without quotes "
                 "cuts the row, and the part after it would be read as a row of its own",
                 "put the cell that holds the line break in double quotes, or remove the "
                 "line break; saving the sheet again as CSV from the spreadsheet quotes "
                 "such cells")


def _other_versions(folder: Path, sheet: str) -> list[Issue]:
    """A warning for each CSV file beside ``projects.csv`` that looks like another version
    of it (``Projects.csv``, ``projects (2).csv``, ``projects_v2.csv``): only one is read."""
    try:
        names = sorted(f.name for f in folder.iterdir() if f.suffix.lower() == ".csv")
    except OSError:
        return []
    file = f"{sheet}.csv"
    return [Issue(name, None, None, name, f"the file {name!r} looks like another version of "
                  f"{file!r}; only {file!r} is read",
                  f"delete or rename {name!r} if {file!r} is the version you mean; otherwise "
                  f"name it {file!r}")
            for name in names if name != file and variant_of(name[:-4], sheet)]


def _missing(folder: Path, sheet: str) -> Issue:
    """The CSV file of ``sheet`` is not a file in ``folder``: what stands in its place (a
    folder, a pipe, a link to nothing), or the file meant under another name (``Projects.CSV``,
    ``projects.txt`` as Excel saves "Unicode Text", ``projects.xlsx``), and the fix."""
    file = folder / f"{sheet}.csv"
    rule, place = "file not found", f"put the CSV file {file.name} in the folder {folder.name!r}"
    if file.is_symlink():  # a link whose target is gone
        return Issue(file.name, None, None, str(file),
                     f"a link to {os.readlink(file)}, which does not exist", f"{place} in "
                     "its place, or link it to a file that exists")
    if file.exists():  # a folder (or a pipe) of that name: no file to rename
        rule = "a folder, not a file" if file.is_dir() else \
            "not a regular file (a device, pipe or socket)"
        return Issue(file.name, None, None, str(file), rule, f"{place} in its place")
    close = _same_name_but_case(folder, file.name)
    if close:
        return Issue(file.name, None, None, str(file), rule,
                     f"rename {close!r} to {file.name!r} (names are lower-case)")
    other = _other_kind(folder, sheet)
    if other is not None and other.lower().endswith((".txt", ".tsv", ".tab")):
        return Issue(file.name, None, None, str(file), f"{rule}; the folder holds {other!r}",
                     f"rename {other!r} to {file.name!r} (text separated by tabs, and UTF-16 "
                     "text such as Excel's 'Unicode Text', is read too)")
    if other is not None:
        return Issue(file.name, None, None, str(file), f"{rule}; the folder holds {other!r}",
                     f"save {other!r} as {file.name}: {EXCEL_CSV}; or give one workbook "
                     "holding the sheets projects and countries")
    named = _named_for(folder, sheet)
    if named:  # LibreOffice saves each sheet as <workbook>-<sheet>.csv
        which = named[0] if len(named) == 1 else f"the one you mean of {', '.join(named)}"
        why = (" (LibreOffice names the CSV file of each sheet <workbook>-<sheet>.csv)"
               if any(n[:-4].lower().endswith(f"-{sheet}") for n in named) else "")
        return Issue(file.name, None, None, str(file),
                     f"{rule}; the folder holds {', '.join(map(repr, named))}",
                     f"rename {which!r} to {file.name!r}{why}" if len(named) == 1 else
                     f"rename {which} to {file.name!r}{why}")
    return Issue(file.name, None, None, str(file), rule,
                 f"the folder {folder.name!r} must hold {file.name} (one row per "
                 f"{'project' if sheet == PROJECTS else 'country'})")


def _named_for(folder: Path, sheet: str) -> list[str]:
    """The CSV files of ``folder`` whose name ends in ``-<sheet>``, as LibreOffice names the
    CSV file of each sheet of a workbook (``round-projects.csv``), or is a copy's
    (``projects (2).csv``)."""
    try:
        names = sorted(f.name for f in folder.iterdir()
                       if f.suffix.lower() == ".csv" and f.is_file())
    except OSError:
        return []
    return [n for n in names if re.search(rf"[\s_-]{sheet}$", n[:-4], re.IGNORECASE)
            or variant_of(n[:-4], sheet)]


def _other_kind(folder: Path, sheet: str) -> str | None:
    """A file of ``folder`` named as ``sheet`` but for its kind (``projects.txt``,
    ``Projects.xlsx``), or None."""
    try:
        return next((f.name for f in sorted(folder.iterdir())
                     if f.stem.lower() == sheet and f.suffix.lower() != ".csv"
                     and f.is_file()), None)
    except OSError:
        return None


def _same_name_but_case(folder: Path, name: str) -> str | None:
    """A file of ``folder`` whose name equals ``name`` but for case (``Projects.CSV``)."""
    try:
        return next((f.name for f in folder.iterdir()
                     if f.name.lower() == name and f.name != name), None)
    except OSError:
        return None


def _sep_line(text: str) -> tuple[str, str] | None:
    """``(the sep= first line, the delimiter it names)``, or None without one."""
    first = text.partition("\n")[0].strip()
    if first.lower().startswith("sep=") and len(first) == 5:
        return first, first[4]
    return None


def _sep_line_contradicted(sheet: str, text: str) -> Issue | None:
    """A ``sep=,`` first line over lines separated by another delimiter (a file saved with
    semicolons, the line then typed or kept from another file): the header splits into more
    known column names at the other delimiter. Read at the line's word, every line would be
    one cell, or split in the wrong places, and told as a row too long or columns missing;
    instead the line itself is named, with what the file uses."""
    sep = _sep_line(text)
    if sep is None:
        return None
    line, said = sep
    rest = text.partition("\n")[2]
    used = _sniff(sheet, rest)
    found, declared = _known_names(sheet, rest, used), _known_names(sheet, rest, said)
    if used == said or found <= declared:
        return None
    fixed = "'sep=' and a tab" if used == "\t" else repr(f"sep={used}")
    return Issue(sheet, 1, None, line,
                 f"the first line {line!r} says the cells are separated by {_named(said)}, "
                 f"but the file separates them by {_named(used)} (its header splits into "
                 f"{found} known column names at {_named(used)}, {declared or 'none'} at "
                 f"{_named(said)})",
                 f"delete the line {line!r} (the separator is then found from the header), or "
                 f"make it {fixed}")


def _named(delimiter: str) -> str:
    return {",": "commas", ";": "semicolons", "\t": "tabs", "|": "'|'"}.get(
        delimiter, repr(delimiter))


def csv_rows(sheet: str, text: str) -> tuple[list[tuple[int, list[str]]], str]:
    """Records with the line each starts on (a quoted cell may span lines), and the
    delimiter; a ``sep=`` first line names the delimiter and is not a record."""
    sep = _sep_line(text)
    if sep is not None:
        delimiter = sep[1]
        return _records(text.partition("\n")[2], delimiter, first_line=2), delimiter
    delimiter = _sniff(sheet, text)
    return _records(text, delimiter, first_line=1), delimiter


def _records(text: str, delimiter: str, first_line: int) -> list[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records = list(reader)
    if reader.line_num == len(records):  # one line each (no quoted line breaks): numbered
        return list(zip(range(first_line, first_line + len(records)), records, strict=True))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    out: list[tuple[int, list[str]]] = []
    line = first_line
    for record in reader:  # a quoted cell spans lines: each record starts where it starts
        out.append((line, record))
        line = first_line + reader.line_num
    return out


def _sniff(sheet: str, text: str) -> str:
    """The delimiter that splits the first rows into the most known column names."""
    best, score = ",", 0
    for delimiter in DELIMITERS:
        found = _known_names(sheet, text, delimiter)
        if found > score:
            best, score = delimiter, found
    return best


def _known_names(sheet: str, text: str, delimiter: str) -> int:
    """How many cells of the first rows, split at ``delimiter``, are known column names."""
    head = "\n".join(text.splitlines()[:HEADER_SEARCH_ROWS])
    try:
        return sum(known_header(sheet, c.strip())
                   for row in csv.reader(io.StringIO(head), delimiter=delimiter) for c in row)
    except csv.Error:
        return 0
