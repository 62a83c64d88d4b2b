"""Reading one cell as its column's type: numbers, whole numbers, flags, text and id lists.

Shared by validation (each sheet's cells) and the cross-sheet rules (blank cells). A cell
that cannot be read raises :class:`Unreadable`; the caller reports it with its place and
the hint of :func:`unreadable_hint`. The accepted spellings are listed in docs/inputs.md.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
import unicodedata
from collections.abc import Callable, Collection
from typing import Any

import numpy as np
import pandas as pd

from osa_opt.inputs.japanese_words import flag_hint
from osa_opt.inputs.schema import COST_PREFIX, FALSE_WORDS, SEPARATOR, TRUE_WORDS, Column
from osa_opt.text import half_width
from osa_opt.text import number as number_text


def is_blank(value: Any) -> bool:
    """True for None, NaN, NA and text holding only spaces."""
    kind = type(value)
    if kind is str:
        return not value.strip()
    if kind is float:
        return value != value  # NaN
    if value is None:
        return True
    if kind is int or kind is bool:
        return False
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, tuple | list):
        return len(value) == 0
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def blank_mask(cells: pd.Series) -> np.ndarray:
    """:func:`is_blank` of every cell of a column, at once.

    Nulls and text are settled by pandas; only cells of other kinds (numbers in a text
    column, tuples) are looked at one by one.
    """
    if cells.dtype != object:
        return cells.isna().to_numpy()
    values = cells.to_numpy()
    blank = pd.isna(values)
    texts = stripped_texts(cells)
    blank |= (texts == "").to_numpy()
    other = np.flatnonzero(~blank & texts.isna().to_numpy())
    if len(other):
        blank[other] = [is_blank(v) for v in values[other]]
    return blank


def judged_once(cells: pd.Series, judge: Callable[[Any], bool]) -> np.ndarray:
    """``judge`` of every cell of a column, called once per distinct cell (``pd.factorize``):
    a column of scores or choices holds a few dozen, so 100,000 rows cost a few dozen calls,
    not 100,000. Null cells (None, NaN, NaT) are judged as None. For judges that tell text
    apart only (a number equal to another is judged alike, as factorize keeps one)."""
    try:
        codes, distinct = pd.factorize(cells, use_na_sentinel=True)
    except TypeError:  # a cell that cannot be hashed (a list built in Python)
        return cells.map(judge).to_numpy(dtype=bool)
    judged = np.fromiter((judge(v) for v in distinct), dtype=bool, count=len(distinct))
    out = judged[codes] if len(distinct) else np.zeros(len(codes), dtype=bool)
    nulls = codes < 0
    if nulls.any():
        out[nulls] = judge(None)
    return out


def stripped_texts(cells: pd.Series) -> pd.Series:
    """Each text cell stripped of spaces; NaN where the cell is not text."""
    if pd.api.types.infer_dtype(cells, skipna=True) not in ("string", "mixed", "mixed-integer"):
        return pd.Series(np.nan, index=cells.index, dtype=object)
    return cells.str.strip().astype(object)  # all-NaN when no cell is text: keep object


class Unreadable(ValueError):
    """A cell that cannot be read as its column's type."""


#: Whole numbers beyond this do not fit an Int64 column (and no tier or count is so large).
LARGEST_WHOLE = 2**53


def number(value: Any) -> float:
    if type(value) is float and math.isfinite(value):
        return value
    if isinstance(value, bool | np.bool_):
        raise Unreadable
    if isinstance(value, int | float | np.integer | np.floating):
        try:
            x = float(value)
        except OverflowError:  # an int beyond any float, e.g. 10**400
            raise Unreadable from None
    elif isinstance(value, str):
        if "_" in value:  # Python reads 1_200 as 1200, a spreadsheet as text
            raise Unreadable
        try:
            x = float(value.strip())
        except ValueError:
            raise Unreadable from None
    else:
        raise Unreadable
    if not math.isfinite(x):
        raise Unreadable
    return x


def integer(value: Any) -> int:
    x = number(value)
    if not x.is_integer() or abs(x) > LARGEST_WHOLE:
        raise Unreadable
    return int(x)


def boolean(value: Any) -> bool:
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | float | np.integer | np.floating) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        word = value.strip().lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
    raise Unreadable


def composed(text: str) -> str:
    """``text`` in Unicode's composed form (NFC): ``é`` typed as ``e`` and a combining
    accent (as macOS writes file names, and text copied from them) is the one letter ``é``,
    so two spellings that are the same text by Unicode match as one name.

    >>> composed("Aure\u0301lia") == "Aurélia"
    True
    """
    return text if text.isascii() else unicodedata.normalize("NFC", text)


def text(value: Any) -> str:
    if isinstance(value, str):
        return composed(value.strip())
    if isinstance(value, bool | np.bool_):
        return str(bool(value)).lower()
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, float | np.floating):
        return str(int(value)) if float(value).is_integer() else repr(float(value))
    if isinstance(value, _dt.date):
        return value.isoformat()
    return str(value).strip()


#: Separators typed instead of ';' in a list cell: commas, spaces and line breaks, slashes,
#: bars, ampersands, and the full-width semicolon and commas and the middle dot (中黒, ・)
#: of a Japanese input method.
_OTHER_SEPARATORS = re.compile(r"[,\s；，、/|&＆・･]+")


def split_otherwise(value: Any, known: Collection[str]) -> list[str] | None:
    """The parts of a list cell separated by something other than ';' (``P-01, P-02``,
    ``P-01 P-02``, ``a；b``) when every part is a known name, else None: the hint of such a
    cell is the separator, not a did-you-mean on the whole text."""
    parts = [p for p in _OTHER_SEPARATORS.split(text(value)) if p]
    return parts if len(parts) > 1 and all(p in known for p in parts) else None


def ids(value: Any) -> tuple[str, ...]:
    parts = value if isinstance(value, tuple | list) else text(value).split(";")
    ids = (text(p) for p in parts)
    return tuple(dict.fromkeys(i for i in ids if i))


def coerce(value: Any, col: Column) -> Any:
    if col.kind == "number":
        return number(value)
    if col.kind == "bool":
        return boolean(value)
    if col.kind == "integer" or (col.kind == "enum" and int_choices(col)):
        return integer(value)
    if col.kind == "enum":
        return text(value).lower()
    if col.kind == "enums":  # "Disaster_relief; medical" -> "disaster_relief;medical"
        parts = (text(p).lower() for p in text(value).split(SEPARATOR))
        return SEPARATOR.join(dict.fromkeys(p for p in parts if p))
    if col.kind == "ids":
        return ids(value)
    return text(value)


def int_choices(col: Column) -> bool:
    return bool(col.choices) and isinstance(col.choices[0], int)


def rule_text(col: Column) -> str:
    """The rule of a column in plain words, e.g. ``"must be a number in [0, 10]"``."""
    if col.kind == "number":
        rng = col.range_text
        if not rng:
            return "must be a number"
        return f"must be a number in {rng}" if rng[0] in "[(" else f"must be a number {rng}"
    if col.kind == "enum":
        return "must be one of " + ", ".join(map(str, col.choices))
    if col.kind == "enums":
        return ("must be one or more of " + ", ".join(map(str, col.choices))
                + f", separated by '{SEPARATOR}'")
    if col.kind == "bool":
        return "must be true or false"
    if col.kind == "integer":
        return "must be a whole number"
    return "must be text"


#: Words typed in a cost cell for a cost not known yet (未定 undecided, 調整中 being
#: coordinated, 精査中 under scrutiny), in lower case.
NOT_KNOWN_YET = frozenset({"tbd", "tba", "tbc", "?", "??", "???", "unknown", "pending",
                           "to be determined", "to be confirmed", "not known", "未定", "調整中",
                           "精査中"})


def unreadable_hint(col: Column, value: Any = None) -> str:
    quoted = _text_mark(value, col)
    if quoted is not None:  # "'7.6": Excel's mark for text, left in a CSV file
        return (f"{str(value).strip()!r} starts with an apostrophe, the mark a spreadsheet "
                f"types before a value to keep it as text (the cell shows {quoted}), left in "
                f"as part of the cell: type {quoted}, without the apostrophe")
    if col.kind == "number":
        share = percent(value) if col.high is not None and col.high <= 1 else None
        if share is not None:  # a share column typed as a percentage
            return fraction_hint(share, str(value).strip())
        share = percent(value) if col.low == 0 and col.high == 10 else None
        if share is not None and 0 <= share <= 1:  # a score typed "76%": 7.6 of 10
            return (f"{col.name} is a number from 0 to 10, not a percentage: type "
                    f"{number_text(round(share * 10, 10))} if {str(value).strip()} is meant on "
                    f"a 0-100 scale ({col.name}: {col.meaning})")
        ratio = _ratio(value) if col.low == 0 and col.high in (1.0, 10.0) else None
        if ratio is not None:  # "7.6/10", "4 out of 5", "1/2": the number on this scale
            assert col.high is not None  # read above only on a column up to 1 or 10
            top = number_text(col.high)
            return (f"{str(value).strip()!r} is a fraction: {col.name} is a number from 0 to "
                    f"{top}, so type {number_text(round(ratio * col.high, 10))} if "
                    f"{str(value).strip()} is meant ({col.name}: {col.meaning})")
        amount = yen_million(value) if col.name.startswith(COST_PREFIX) else None
        if amount is not None:  # "¥1.2bn": the number to type, in the column's unit
            return million_hint("costs", str(value).strip(), amount)
        negative = accounting_negative(value)
        if negative is not None:  # "(5)": -5 as an accounting format shows it
            return (f"{str(value).strip()!r} is −{negative} in accounting format (a negative "
                    f"number in brackets), and {col.name} cannot be negative: type {negative}, "
                    f"without brackets, if {negative} is meant ({col.name}: {col.meaning})")
        trailing = _TRAILING_MINUS.fullmatch(half_width(value).strip()) \
            if isinstance(value, str) else None
        if trailing is not None:  # "850-": SAP's and COBOL's way to write -850
            digits = trailing.group(1)
            return (f"{str(value).strip()!r} is −{digits} with its minus sign after it (as SAP "
                    f"and other accounting systems export a negative number), and {col.name} "
                    f"cannot be negative: type {digits}, without the sign, if {digits} is "
                    f"meant ({col.name}: {col.meaning})")
        triangle = _TRIANGLE.fullmatch(half_width(value).strip()) \
            if isinstance(value, str) else None
        if triangle is not None:  # "△200": a Japanese budget table's -200
            digits = triangle.group(2)
            return (f"{str(value).strip()!r} is −{digits} as a Japanese budget table writes a "
                    f"negative number ({triangle.group(1)} before it), and {col.name} cannot "
                    f"be negative: type {digits}, without the {triangle.group(1)}, if {digits} "
                    f"is meant ({col.name}: {col.meaning})")
        joined = underscored(value)
        if joined is not None:  # "1_200": a number to Python, text to a spreadsheet
            return (f"{str(value).strip()!r} has '_' between its digits: a spreadsheet reads "
                    f"it as text, not a number (Python would read {joined}); type {joined}, "
                    "without '_'")
        if isinstance(value, str) and _DASH.fullmatch(half_width(value).translate(_BRACKETS)):
            return (f"{value.strip()!r} is how an accounting format shows 0 (a CSV file saved "
                    "as shown keeps it): type 0 if 0 is meant; to save the file again, give "
                    "the column a plain number format first")
        if col.name.startswith(COST_PREFIX) and isinstance(value, str) \
                and " ".join(value.strip().lower().split()).strip(".") in NOT_KNOWN_YET:
            return (f"{value.strip()!r} says the cost is not known yet, and a project is "
                    "chosen by its cost: type your best estimate (in ¥ million); or, until it "
                    "is known, write excluded in status and 'cost not yet known' in "
                    "status_reason (the project is then out of this round, and every output "
                    "says why)")
        # separators are read (docs/inputs.md, "Numbers"), so the hint does not forbid them
        return f"type a plain number{number_examples(col)} (no units or currency signs)"
    if col.kind == "bool":
        mark = str(value).strip() if value is not None else ""
        if mark in _MARKS:  # a Japanese sheet's ○ and ×: yes and no, read as neither
            return (f"type {_MARKS[mark]} for {mark!r} (a mark such as ○ or × is not read "
                    "as true or false; yes/no and 1/0 work too)")
        japanese = flag_hint(value)
        if japanese:  # 'はい': did you mean true?
            return japanese
        if _is_minus_one(value):  # Access's and Visual Basic's true
            return ("-1 is true in Access and Visual Basic (0 is false), and a number to "
                    "others: type true if Access's true is meant, else false (yes/no and 1/0 "
                    "work too)")
        return "type true or false (yes/no and 1/0 work too)"
    if int_choices(col):
        digits = re.findall(r"\d+", half_width(str(value)))
        if (len(digits) == 1 and str(value).strip() != digits[0]
                and int(digits[0]) in {int(c) for c in col.choices}):
            # 'Tier 2', '2nd': the words around the number are what is wrong
            return (f"type {int(digits[0])} for {str(value).strip()!r}, the number alone "
                    f"({col.name}: {col.meaning})")
        return whole_number_hint(col)
    return f"{col.name}: {col.meaning}"


def _text_mark(value: Any, col: Column) -> str | None:
    """What follows the apostrophe of a cell typed with a spreadsheet's text mark
    (``'7.6``, ``'TRUE``), when that is a value of the column; else None.

    >>> from osa_opt.inputs.schema import PROJECT_COLUMNS
    >>> risk = next(c for c in PROJECT_COLUMNS if c.name == "risk")
    >>> _text_mark("'0.3", risk), _text_mark("‘0.3", risk), _text_mark("'high", risk)
    ('0.3', '0.3', None)
    """
    if not isinstance(value, str):
        return None
    typed = value.strip()
    rest = typed[1:].strip()
    # curly forms too (suspect_cells takes the straight one only, in ids and names): before
    # a value of this column, nothing but the text mark is meant
    if typed[:1] not in ("'", "‘", "’") or not rest:
        return None
    try:
        coerce(rest, col)
    except Unreadable:
        return None
    return rest


#: A score or share written as a fraction: ``7.6/10``, ``4 out of 5``, ``1/2``.
_RATIO = re.compile(r"(\d+(?:\.\d+)?)\s*(?:/|out of|of|／)\s*(\d+(?:\.\d+)?)", re.IGNORECASE)


def _ratio(value: Any) -> float | None:
    """The share a fraction of text stands for (``7.6/10``: 0.76), or None; at most 1.

    >>> _ratio("7.6/10"), _ratio("4 out of 5"), _ratio("1/2"), _ratio("3/0"), _ratio("5/4")
    (0.76, 0.8, 0.5, None, None)
    """
    found = _RATIO.fullmatch(half_width(value).strip()) if isinstance(value, str) else None
    if found is None or float(found.group(2)) == 0:
        return None
    share = float(found.group(1)) / float(found.group(2))
    return share if share <= 1 else None


def _is_minus_one(value: Any) -> bool:
    """Whether a flag cell holds -1, Access's and Visual Basic's true (``-1``, ``-1.0``)."""
    try:
        return not isinstance(value, bool) and number(
            half_width(value) if isinstance(value, str) else value) == -1
    except Unreadable:
        return False


#: A number in brackets, as an accounting format shows a negative one (``(5)`` for -5,
#: ``(1,200)``, ``(¥1,200)``, the full-width ``（５）``): the digits inside, group marks kept.
_ACCOUNTING = re.compile(r"\(\s*[¥$€£]?\s*(\d(?:[\d.,' \u00a0]*\d)?)\s*\)")


def accounting_negative(value: Any) -> str | None:
    """The digits of a negative number typed as an accounting format shows it, in
    brackets, or None.

    >>> accounting_negative("(5)"), accounting_negative(" (1,200.5) "), accounting_negative("（５）")
    ('5', '1,200.5', '5')
    >>> accounting_negative("5"), accounting_negative("(none)"), accounting_negative(5)
    (None, None, None)
    """
    if not isinstance(value, str):
        return None
    typed = half_width(value).translate(_BRACKETS).strip()
    found = _ACCOUNTING.fullmatch(typed)
    return found.group(1) if found else None


#: A number with its minus sign after it (``850-``, ``1,200.50-``), as SAP exports one.
_TRAILING_MINUS = re.compile(r"(\d(?:[\d.,' \u00a0]*\d)?)\s?[-−]")
#: A number after a triangle, as Japanese budget tables write a negative one (``△200``,
#: ``▲1,200``: 三角, minus).
_TRIANGLE = re.compile(r"([△▲])\s?(\d(?:[\d.,' \u00a0]*\d)?)")
_BRACKETS = str.maketrans({"（": "(", "）": ")", "￥": "¥"})
#: A dash alone, with a currency sign or none, as an accounting format shows 0 (``" -   "``,
#: ``¥ -``): what Excel writes for 0 into a CSV file saved as shown.
_DASH = re.compile(r"\s*[¥$€£]?\s*[-‐–—]\s*")
def underscored(value: Any) -> str | None:
    """The number of text whose digits are joined by underscores (``1_200``, which
    Python's ``float`` reads as 1200 and a spreadsheet as text), written without them;
    else None (:func:`~osa_opt.inputs.toml_hints.without_underscores`, which the command
    line's options share).

    >>> underscored("1_200"), underscored("1_000_000.5"), underscored("1200"), underscored("a_b")
    ('1200', '1000000.5', None, None)
    """
    from osa_opt.inputs.toml_hints import without_underscores

    return without_underscores(half_width(value)) if isinstance(value, str) else None


#: Marks a spreadsheet uses for yes and no (a Japanese sheet's ○ and ×, a tick and a cross).
_MARKS = {**dict.fromkeys("○◯〇✓✔☑", "true"), **dict.fromkeys("×✕✗✘☒", "false")}
#: The marks that say no (a cross), which a column of yes and no holds beside blanks.
FALSE_MARKS = frozenset(mark for mark, word in _MARKS.items() if word == "false")

#: Numbers a hint may show, in this order: a whole number, a fraction, one with a
#: thousands separator, and one for a 0-10 scale.
_EXAMPLES = (750.0, 0.35, 18_100.0, 6.5)


def number_examples(col: Column) -> str:
    """The range of a number column and examples inside it, from the column's bounds, for
    the hint of a cell that is no number: a cost (>= 0) " such as 750, 0.35 or 18,100";
    a risk " from 0 to 1, such as 0.35"; a score " from 0 to 10, such as 0.35 or 6.5".

    >>> from osa_opt.inputs.schema import Column
    >>> number_examples(Column("cost", "number", True, "", low=0.0))
    ' such as 750, 0.35 or 18,100'
    >>> number_examples(Column("risk", "number", False, "", low=0.0, high=1.0))
    ' from 0 to 1, such as 0.35'
    >>> number_examples(Column("share", "number", False, "", low=0.0, high=1.0, low_inclusive=False))
    ' above 0 and up to 1, such as 0.35'
    >>> number_examples(Column("year", "number", False, "", low=2000.0, high=2100.0))
    ' from 2,000 to 2,100, such as 2,050'
    """
    low, high = col.low, col.high

    def fits(x: float) -> bool:
        above = low is None or (x >= low if col.low_inclusive else x > low)
        return above and (high is None or x <= high)

    shown = [x for x in _EXAMPLES if fits(x)][:3 if high is None else 2]
    if high is None:  # open above: the range adds nothing a reader would miss
        span = ""
        shown = shown or [(low or 0.0) + 750.0]
    else:
        if low is None:
            span = f" up to {number_text(high)}"
        elif col.low_inclusive:
            span = f" from {number_text(low)} to {number_text(high)}"
        else:
            span = f" above {number_text(low)} and up to {number_text(high)}"
        shown = shown or [((low if low is not None else high - 1.0) + high) / 2]
        span += ","
    *first, last = [number_text(x) for x in shown]
    return f"{span} such as {', '.join(first)} or {last}" if first else f"{span} such as {last}"


def whole_number_hint(col: Column) -> str:
    *first, last = map(str, col.choices)
    return f"type {', '.join(first)} or {last} as a whole number ({col.name}: {col.meaning})"


#: Units an amount of yen is typed in, as ¥ million each: English and Japanese (億 is
#: ¥100 million, 万 ¥10,000, 千円 ¥ thousand), longest first.
_YEN_UNITS = {"trillion": 1e6, "billion": 1e3, "million": 1.0, "thousand": 1e-3,
              "bn": 1e3, "mn": 1.0, "mil": 1.0, "m": 1.0, "b": 1e3, "k": 1e-3,
              "兆": 1e6, "十億": 1e3, "億": 100.0, "千万": 10.0, "百万": 1.0, "万": 0.01,
              "千": 1e-3}
_YEN_AMOUNT = re.compile(
    r"(?P<cur>¥|jpy|yen)?\s*(?P<num>\d[\d,]*(?:\.\d+)?)\s*(?P<unit>"
    + "|".join(sorted(map(re.escape, _YEN_UNITS), key=len, reverse=True))
    + r")?\s*(?P<yen>円|yen|jpy)?", re.IGNORECASE)


def yen_million(value: Any) -> float | None:
    """An amount of yen typed with its unit or currency, in ¥ million: ``"¥1.2bn"`` →
    1200, ``"12億円"`` → 1200, ``"¥850,000,000"`` → 850; None for anything else (a plain
    number, ``"1200 (revised)"``).

    >>> yen_million("¥1.2bn"), yen_million("12億円"), yen_million("¥850,000,000")
    (1200.0, 1200.0, 850.0)
    >>> yen_million("1200"), yen_million("1200 (revised)"), yen_million("12 boats")
    (None, None, None)
    """
    if not isinstance(value, str):
        return None
    text = unicodedata.normalize("NFKC", value).strip()
    found = _YEN_AMOUNT.fullmatch(text)
    if found is None or not (found["cur"] or found["unit"] or found["yen"]):
        return None  # a plain number is no amount with its unit
    amount = float(found["num"].replace(",", ""))  # digits with one point: always a float
    scale = _YEN_UNITS[found["unit"].lower()] if found["unit"] else 1e-6  # no unit: yen
    return round(amount * scale, 6)


def fraction_hint(share: float, typed: str, verb: str = "type") -> str:
    """The fix of a share typed as a percentage (a cell, a policy key):
    ``type the share as a fraction: 0.3 for 30%``."""
    return f"{verb} the share as a fraction: {number_text(share)} for {typed}"


def million_hint(what: str, typed: str, amount: float, verb: str = "type") -> str:
    """The fix of an amount typed with its unit (:func:`yen_million`) where ¥ million are
    read: ``costs are in ¥ million: '¥1.2bn' is ¥1,200 million, so type 1200``.

    An amount in yen under a million with no unit word (``¥1,200``) could be either: yen
    as typed, or ¥ million with the sign a currency format shows (1200 as ¥1,200); both are
    named.

    >>> million_hint("costs", "¥1,200", 0.0012)
    "costs are in ¥ million: '¥1,200' could be ¥1,200 million (a ¥ sign added, as a currency format shows an amount), so type 1200, or ¥1,200 in yen, so type 0.0012"
    """
    as_typed = amount * 1e6
    if as_typed < 1e6 and _unit_word(typed) is None:
        return (f"{what} are in ¥ million: {typed!r} could be ¥{number_text(as_typed)} "
                f"million (a ¥ sign added, as a currency format shows an amount), so {verb} "
                f"{number_text(as_typed, grouped=False)}, or ¥{number_text(as_typed)} in yen, "
                f"so {verb} {number_text(amount, grouped=False)}")
    return (f"{what} are in ¥ million: {typed!r} is ¥{number_text(amount)} million, so "
            f"{verb} {number_text(amount, grouped=False)}")


def _unit_word(typed: str) -> str | None:
    """The unit word of an amount typed with it (``bn``, ``億``), or None."""
    found = _YEN_AMOUNT.fullmatch(unicodedata.normalize("NFKC", typed).strip())
    return found["unit"] if found else None


def percent(value: Any) -> float | None:
    """``"30%"`` → 0.3: a percentage typed as text (also in full-width characters, as a
    Japanese input method types them: ``"３０％"``), or None.

    >>> percent("30%"), percent("３５％"), percent("0.35")
    (0.3, 0.35, None)
    """
    text = half_width(value).replace("\uff05", "%").strip() \
        if isinstance(value, str) else ""
    if not text.endswith("%") or "_" in text:
        return None
    try:
        share = float(text[:-1].strip()) / 100
    except ValueError:
        return None
    return share if math.isfinite(share) else None
