"""What a file given as a workbook is when it does not open as one: password-protected
(:func:`encrypted`, :func:`locked_issue`), or another kind of file by its first bytes (an
.ods file named .xlsx, an old .xls, a web page, Excel's lock file: :func:`unreadable_issue`).

Shared by the .xlsx and .ods readers; the CSV reader tells a workbook saved as text by
:data:`KINDS`.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
import zlib
from pathlib import Path

from osa_opt.errors import Issue
from osa_opt.inputs.encodings import OLE_MAGIC

#: What reading a part of a damaged zip raises: a part whose compressed bytes are corrupt
#: raises zlib.error ("invalid block type"), no OSError.
_UNREADABLE = (KeyError, zipfile.BadZipFile, OSError, ValueError, EOFError, zlib.error)


def encrypted(data: bytes) -> bool:
    """Whether the bytes are a password-protected workbook (.xlsx, .xlsm or .ods)."""
    if data.startswith(OLE_MAGIC):
        return "EncryptionInfo".encode("utf-16-le") in data
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                return b"encryption-data" in archive.read("META-INF/manifest.xml")
        except _UNREADABLE:
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


#: What the parts of an .xlsx that a damaged file most often lacks hold, in words.
_PART_WORDS = {"xl/sharedStrings.xml": "the table of its text cells",
               "xl/styles.xml": "its cell formats", "xl/workbook.xml": "its list of sheets"}
_PART_NAME = re.compile(rb'<Override\b[^>]*\bPartName="/?([^"]+)"')
_REL_TARGET = re.compile(rb'<(?:\w+:)?Relationship\b[^>]*\bTarget="/?([^"]+)"')


def missing_parts(data: bytes) -> list[str]:
    """The parts an .xlsx names (in ``[Content_Types].xml`` or the workbook's
    relationships) but does not hold, each with what it holds: a file some program wrote
    incompletely, or a zip edited by hand. Empty when it lacks none, or is no zip.

    >>> from osa_opt.data import example_path
    >>> book = io.BytesIO()
    >>> with zipfile.ZipFile(example_path()) as src, zipfile.ZipFile(book, "w") as out:
    ...     for item in src.infolist():
    ...         if item.filename != "xl/sharedStrings.xml":
    ...             out.writestr(item, src.read(item))
    >>> missing_parts(book.getvalue()), missing_parts(example_path().read_bytes())
    (['xl/sharedStrings.xml (the table of its text cells)'], [])
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            held = set(archive.namelist())
            named = _PART_NAME.findall(archive.read("[Content_Types].xml")) \
                if "[Content_Types].xml" in held else []
            rels = archive.read("xl/_rels/workbook.xml.rels") \
                if "xl/_rels/workbook.xml.rels" in held else b""
    except _UNREADABLE:
        return []
    targets = [t.decode("utf-8", "replace") for t in _REL_TARGET.findall(rels)
               if b"://" not in t and b'TargetMode="External"' not in t]
    parts = sorted(({n.decode("utf-8", "replace") for n in named}
                    | {t if t.startswith("xl/") else posixpath.normpath(f"xl/{t}")
                       for t in targets}) - held)
    return [f"{p} ({_PART_WORDS[p]})" if p in _PART_WORDS else p for p in parts]


def repair_hint(recovered: str = "what") -> str:
    """The fix for a damaged .xlsx (:func:`damaged_issue`, a sheet whose text cells
    :func:`shared_strings_lacking` finds missing): ``recovered`` names what to check.

    >>> repair_hint("the text cells")[:76]
    'open it in Excel, which offers to repair it, or in LibreOffice; check the te'
    """
    return ("open it in Excel, which offers to repair it, or in LibreOffice; check "
            f"{recovered} it recovers and save it again as an .xlsx workbook; or copy the file "
            "again from where it came")


def damaged_issue(path: Path, parts: list[str]) -> Issue:
    """A workbook that names parts it does not hold (:func:`missing_parts`)."""
    return Issue(path.name, None, None, str(path),
                 f"the workbook is damaged: it lacks {', '.join(parts)}, which it names "
                 "itself (a program wrote it incompletely, or the file was edited or copied "
                 "in part)", repair_hint())


def shared_strings_lacking(data: bytes, sheet_xml: bytes) -> str | None:
    """Why the text cells of a sheet cannot be read, when the workbook's shared strings do
    not hold them: the table is absent, or shorter than a cell's index; else None."""
    indexes = [int(i) for i in re.findall(
        rb'<(?:\w+:)?c\b[^>]*\bt="s"[^>]*>\s*<(?:\w+:)?v>(\d+)<', sheet_xml)]
    if not indexes:
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = [n for n in archive.namelist() if n.lower().endswith("sharedstrings.xml")]
            table = archive.read(names[0]) if names else None
    except _UNREADABLE:
        return None
    if table is None:
        return ("its text cells refer to a table of shared strings (xl/sharedStrings.xml) "
                "that the file does not hold")
    count = len(re.findall(rb"<(?:\w+:)?si\b", table))
    if max(indexes) >= count:
        past = sum(i >= count for i in indexes)
        return (f"{past:,} of its text cells refer to strings past the end of the "
                f"workbook's table of shared strings ({count:,} strings; string "
                f"{max(indexes):,} asked for)")
    return None
