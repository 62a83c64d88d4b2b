"""Text files by their bytes: which encoding a byte-order mark names, and what text that is
not UTF-8 most likely is. The CSV files and the policy file share it.

>>> decoded("[budget]".encode("utf-16")), decoded(b"\\xef\\xbb\\xbf[budget]")
('[budget]', '[budget]')
>>> looks_like("令和".encode("cp932"))
'; it looks like Shift_JIS (Japanese Windows)'
"""

from __future__ import annotations


def decoded(data: bytes) -> str:
    """UTF-8 (with or without a byte-order mark), or UTF-16 or UTF-32 when its mark says so
    (Excel's and Notepad's "Unicode" saves are UTF-16; UTF-32's mark starts like UTF-16's).
    Raises ``UnicodeDecodeError`` for anything else."""
    utf32 = data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff"))
    utf16 = data.startswith((b"\xff\xfe", b"\xfe\xff"))
    return data.decode("utf-32" if utf32 else "utf-16" if utf16 else "utf-8-sig")


def looks_like(data: bytes) -> str:
    """What bytes that are not UTF-8 most likely are, as the end of a sentence, or "":
    Japanese Windows saves text (Excel's "CSV", Notepad's "ANSI") as Shift_JIS (cp932)."""
    try:
        text = data.decode("cp932")
    except UnicodeDecodeError:
        return ""
    japanese = sum("\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff" for ch in text)
    return "; it looks like Shift_JIS (Japanese Windows)" if japanese else ""
