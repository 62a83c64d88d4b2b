"""Text files by their bytes: which encoding a byte-order mark names, what text that is
not UTF-8 most likely is, and what a file that is no text at all is (a gzip archive, a
workbook, a PDF: :func:`binary_kind`). The CSV files and the policy file share it.

>>> decoded("[budget]".encode("utf-16")), decoded(b"\\xef\\xbb\\xbf[budget]")
('[budget]', '[budget]')
>>> looks_like("令和".encode("cp932"))
'; it looks like Shift_JIS (Japanese Windows)'
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass


def decoded(data: bytes) -> str:
    """UTF-8 (with or without a byte-order mark), or UTF-16 or UTF-32 when its mark says so
    (Excel's and Notepad's "Unicode" saves are UTF-16; UTF-32's mark starts like UTF-16's).
    Raises ``UnicodeDecodeError`` for anything else."""
    utf32 = data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff"))
    utf16 = data.startswith((b"\xff\xfe", b"\xfe\xff"))
    return data.decode("utf-32" if utf32 else "utf-16" if utf16 else "utf-8-sig")


def looks_like(data: bytes) -> str:
    """What bytes that are not UTF-8 most likely are, as the end of a sentence, or "":
    Japanese Windows saves text (Excel's "CSV", Notepad's "ANSI") as Shift_JIS (cp932).
    Kana, kanji, Japanese punctuation and the full-width (zenkaku) letters and digits of a
    Japanese input method count: a file of costs typed ``１２００`` has no kana.

    >>> looks_like("１２００".encode("cp932")), looks_like("Côte".encode("cp1252"))
    ('; it looks like Shift_JIS (Japanese Windows)', '')
    """
    try:
        text = data.decode("cp932")
    except UnicodeDecodeError:
        return ""
    japanese = sum("\u3000" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff"
                   or "\uff01" <= ch <= "\uff5e" for ch in text)
    return "; it looks like Shift_JIS (Japanese Windows)" if japanese else ""


def marked_failure(data: bytes, exc: UnicodeDecodeError) -> tuple[int, str, bool] | None:
    """Why text that its byte-order mark says is UTF-16 or UTF-32 does not decode
    (:func:`decoded`'s error ``exc``): the line, the rule, and whether the file was cut short
    (it ends in part of a character: a copy, download or save that did not finish); None
    when no mark names the encoding (the text was read as UTF-8).

    >>> cut = "a,b\\n1,2\\n".encode("utf-16")[:-1]
    >>> try:
    ...     decoded(cut)
    ... except UnicodeDecodeError as exc:
    ...     print(marked_failure(cut, exc))
    (2, 'UTF-16 text (by its byte-order mark) cut short: it ends in part of a character (17 bytes, not a whole number of 2-byte characters), so a copy, download or save did not finish', True)

    A UTF-8 file behind a stray mark is not called cut short:

    >>> stray = b"\\xff\\xfeproject_id,title\\n"
    >>> try:
    ...     decoded(stray)
    ... except UnicodeDecodeError as exc:
    ...     print(marked_failure(stray, exc)[1])
    not UTF-16 text, though it starts with UTF-16's byte-order mark (FF FE): unreadable bytes at position 18, line 1
    """
    unit = 4 if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")) else \
        2 if data.startswith((b"\xff\xfe", b"\xfe\xff")) else 0
    if not unit:
        return None
    name = f"UTF-{unit * 8}"
    before = data[:exc.start].decode(f"utf-{unit * 8}", errors="replace")
    line = before.count("\n") + 1
    if exc.reason == "truncated data" and exc.end >= len(data) and "\n" in before:
        # whole lines of text before the last byte: not a stray mark over other bytes
        return (line, f"{name} text (by its byte-order mark) cut short: it ends in part of a "
                f"character ({len(data):,} bytes, not a whole number of {unit}-byte "
                "characters), so a copy, download or save did not finish", True)
    mark = " ".join(f"{b:02X}" for b in data[:unit])
    return (line, f"not {name} text, though it starts with {name}'s byte-order mark ({mark}): "
            f"unreadable bytes at position {exc.start}, line {line}", False)


#: Binary files by their first bytes: (signature, what the file is, what to do first).
#: Compressed files and archives are extracted; documents and images hold no table to read.
_EXTRACT = "extract it (Windows: right-click > Extract All, or 7-Zip > Extract Here)"
_DECOMPRESS = "decompress it (gunzip, or 7-Zip > Extract Here on Windows)"
_SIGNATURES = (
    (b"\x1f\x8b", "a gzip-compressed file (.gz)", _DECOMPRESS),
    (b"BZh", "a bzip2-compressed file (.bz2)", _DECOMPRESS),
    (b"\xfd7zXZ\x00", "an xz-compressed file (.xz)", _DECOMPRESS),
    (b"\x28\xb5\x2f\xfd", "a zstd-compressed file (.zst)", _DECOMPRESS),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive (.7z)", _EXTRACT),
    (b"Rar!\x1a\x07", "a RAR archive (.rar)", _EXTRACT),
    (b"%PDF-", "a PDF document", None),
    (b"\x89PNG\r\n\x1a\n", "a PNG image", None),
    (b"\xff\xd8\xff", "a JPEG image", None),
)
#: The start of an OLE compound file: an old .xls or .doc, or an encrypted workbook.
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
#: A zip archive by a member it holds: (the member's name, or the mimetype, what it is).
_ZIPPED = (("xl/workbook.xml", "an Excel workbook (.xlsx)"),
           ("application/vnd.oasis.opendocument.spreadsheet", "an OpenDocument spreadsheet (.ods)"),
           ("Index/Document.iwa", "an Apple Numbers spreadsheet"),
           ("word/document.xml", "a Word document (.docx)"))


@dataclass(frozen=True)
class Binary:
    """What a file of bytes that is no text is, by its signature: ``kind`` in words (``a
    gzip-compressed file (.gz)``), ``unpack`` the first step of the fix when it is an
    archive (``decompress it (gunzip, ...)``, else None), ``holds`` the name of the file
    inside when the archive says it, and ``workbook`` when it is a spreadsheet of its own."""

    kind: str
    unpack: str | None = None
    holds: str | None = None
    workbook: bool = False


def binary_kind(data: bytes) -> Binary | None:
    """What ``data`` is when its first bytes are a binary format's signature (a gzip or zip
    archive, a workbook, a PDF, an image), else None: text files start otherwise.

    >>> import gzip
    >>> binary_kind(gzip.compress(b"project_id,title"))
    Binary(kind='a gzip-compressed file (.gz)', unpack='decompress it (gunzip, or 7-Zip > Extract Here on Windows)', holds=None, workbook=False)
    >>> binary_kind(b"%PDF-1.7 ...").kind, binary_kind(b"project_id,title") is None
    ('a PDF document', True)
    """
    for magic, kind, unpack in _SIGNATURES:
        if data.startswith(magic) and (magic != b"BZh" or data[3:4].isdigit()):
            return Binary(kind, unpack, _gzip_name(data) if magic == b"\x1f\x8b" else None)
    if data.startswith(OLE_MAGIC):
        if "EncryptionInfo".encode("utf-16-le") in data:
            return Binary("a password-protected workbook", workbook=True)
        if "WordDocument".encode("utf-16-le") in data:
            return Binary("an old Word document (.doc)")
        return Binary("an old Excel workbook (.xls)", workbook=True)
    if data.startswith(b"PK\x03\x04"):
        return _zipped(data)
    return None


def _zipped(data: bytes) -> Binary:
    """A zip archive by what it holds: a workbook, a document, or files to extract."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            mimetype = archive.read("mimetype").decode("ascii", "replace") \
                if "mimetype" in names else ""
    except (zipfile.BadZipFile, OSError, ValueError, KeyError):
        return Binary("a zip archive", _EXTRACT)
    for marker, kind in _ZIPPED:
        if marker in names or marker == mimetype.strip():
            return Binary(kind, workbook="Word" not in kind)
    texts = [n for n in names if n.lower().endswith((".csv", ".toml", ".txt"))]
    return Binary("a zip archive", _EXTRACT, texts[0] if len(texts) == 1 else None)


def _gzip_name(data: bytes) -> str | None:
    """The name of the file a gzip archive holds, when it keeps it (the FNAME flag, as
    ``gzip`` sets it for a file it compressed), else None."""
    if len(data) < 10 or not data[3] & 0x08:
        return None
    start = 10
    if data[3] & 0x04:  # FEXTRA: a length, then that many bytes
        start += 2 + int.from_bytes(data[10:12], "little")
    end = data.find(b"\x00", start, start + 1024)
    return data[start:end].decode("latin-1") if end > start else None
