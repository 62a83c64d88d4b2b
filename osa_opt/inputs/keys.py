"""Free-text keys that differ only in case, spaces, width or lookalike letters: one name
typed two ways.

Exclusive groups, regions, countries and project ids are matched exactly, so ``Boats`` and
``boats`` would be two exclusive groups (both alternatives funded) and ``Southeast asia``
would escape a cap on ``Southeast Asia``. Such near-duplicates are refused, each spelling
named with its rows: the analyst says which is meant (merging silently could join two
names that were meant apart). A Cyrillic or Greek letter that looks like a Latin one
(``Р-01`` with a Cyrillic Er, pasted from another document) counts as that letter here, and
the message names it, since the two spellings look the same on every screen; so does a
dash that looks like the hyphen (``P–01``, an en dash a word processor typed for ``P-01``),
and a curly quotation mark for a straight one (``Aurelia’s boats``), and a space that is
not the space (the no-break space U+00A0 of a web page, the ideographic U+3000 of a Japanese
input method: ``Viet Nam`` typed both ways).

>>> key("Southeast  Asia"), key("ｓｏｕｔｈｅａｓｔ asia"), key("Р-01"), key("P–01")
('southeastasia', 'southeastasia', 'p-01', 'p-01')
>>> lookalike_note("Р-01")
" ('Р' is the Cyrillic letter U+0420, not the Latin 'P')"
>>> lookalike_note("P–01", "P-01")
" ('–' is the dash U+2013 en dash, not the hyphen '-')"
>>> print(lookalike_note("Aurelia’s boats", "Aurelia's boats"))
 ('’' is U+2019 right single quotation mark, not the apostrophe "'")
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping

import numpy as np
import pandas as pd

from osa_opt.errors import Issue
from osa_opt.inputs.cells import is_blank
from osa_opt.inputs.schema import COUNTRIES, PROJECTS, ROW

RowsText = Callable[[list[int]], str]
#: (sheet, column) of the free-text keys matched exactly somewhere.
KEY_COLUMNS = ((PROJECTS, "project_id"), (PROJECTS, "exclusive_group"),
               (COUNTRIES, "country"), (COUNTRIES, "region"))


#: Cyrillic and Greek letters drawn like a Latin one, as that Latin letter.
LOOKALIKES = {
    **dict(zip("АВЕКМНОРСТХУІЈЅаеорсухіјѕԁһӏԚԛԜԝ", "ABEKMHOPCTXYIJSaeopcyxijsdhlQqWw", strict=True)),
    **dict(zip("ΑΒΕΖΗΙΚΜΝΟΡΤΥΧοϲ", "ABEZHIKMNOPTYXoc", strict=True)),
}
#: Dashes drawn like the hyphen-minus '-' (a word processor turns ``P-01`` into ``P–01``),
#: as that hyphen (NFKC already folds the full-width '－' and the small '﹣').
DASHES = dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-")
#: Quotation marks drawn like the straight ones (a word processor's "smart quotes" turn
#: ``Aurelia's boats`` into ``Aurelia’s boats``), as those (NFKC folds the full-width ones).
QUOTES = {**dict.fromkeys("\u2018\u2019\u201a\u201b\u02bc\u2032\u00b4", "'"),
          **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033", '"')}
#: The same on case-folded text: a name's capitals and small letters fold alike (Cyrillic
#: 'МОСКВА' and 'Москва' are one name, whether or not their letters look Latin).
_LATIN = str.maketrans({**{cyrillic_or_greek.casefold(): latin.casefold()
                           for cyrillic_or_greek, latin in LOOKALIKES.items()}, **DASHES,
                        **QUOTES})


#: A whole number as a spreadsheet may write it: with leading zeros, or a point and zeros
#: (``01``, ``1.0``: a number cell of a group named 1 reads 1.0 in another program).
_WHOLE = re.compile(r"0*(\d+)(?:\.0+)?")


def key(text: str) -> str:
    """What two spellings of one name share: width folded (NFKC), case folded, lookalike
    letters as the Latin ones, no spaces; a whole number without its leading zeros or
    decimal zeros (``01`` and ``1.0`` are ``1``; ``1.10`` stays, an outline number).

    >>> key("1.0"), key("01"), key("1.10")
    ('1', '1', '1.10')
    """
    if text.isascii():  # NFKC leaves ASCII alone, and casefold is lower: the common case
        folded = "".join(text.lower().split())
    else:
        folded = "".join(_folded(text).translate(_LATIN).split())
    return _whole(folded)


def spelt_alike(name: str, known: Iterable[str], by_key: dict[str, str]) -> str | None:
    """The one of ``known`` spelt like ``name`` but for capitals, spaces, width or lookalike
    letters (one :func:`key`; the first spelling when several share it), else None.
    ``by_key`` holds ``known`` by key: filled on the first call, for the next ones.

    >>> spelt_alike("p-04", ["P-04", "P-05"], {}), spelt_alike("P-2", ["P-02"], {})
    ('P-04', None)
    """
    if not by_key:
        by_key.update((key(k), k) for k in reversed(list(known)))  # the first spelling wins
    return by_key.get(key(name))


def _whole(folded: str) -> str:
    """A folded name that is a whole number (``01``, ``1.0``) as the number, else itself."""
    whole = _WHOLE.fullmatch(folded) if folded[:1].isdigit() else None
    return whole.group(1) if whole else folded


def _folded(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def lookalike_note(text: str, other: str = "") -> str:
    """`` ('Р' is the Cyrillic letter U+0420, not the Latin 'P')`` for the first letter that
    only looks Latin where ``text`` and ``other`` differ by such letters, else ``""`` (two
    spellings of a Cyrillic name that differ in capitals only have none): said wherever
    such a name is refused, as the two spellings look the same on screen."""
    found = _lookalike(text, other)
    return found[1] if found else ""


def _lookalike(text: str, other: str) -> tuple[str, str] | None:
    """(``"letter"`` or ``"dash"``, the note) of :func:`lookalike_note`, or None."""
    a, b = ("".join(_folded(t).split()) for t in (text, other))
    if a == b:
        return _odd_space(text, other)
    for char in text + other:
        if char in LOOKALIKES and not (char.casefold() in a and char.casefold() in b):
            script = unicodedata.name(char, "").split(" ")[0].capitalize()
            return "letter", (f" ({char!r} is the {script} letter U+{ord(char):04X}, not "
                              f"the Latin {LOOKALIKES[char]!r})")
        if char in DASHES and not (char in a and char in b):
            return "dash", (f" ({char!r} is the dash U+{ord(char):04X} "
                            f"{unicodedata.name(char, '').lower()}, not the hyphen '-')")
        if char in QUOTES and not (char in a and char in b):
            straight = "the apostrophe \"'\"" if QUOTES[char] == "'" else "the straight '\"'"
            return "quotation mark", (f" ({char!r} is U+{ord(char):04X} "
                                      f"{unicodedata.name(char, '').lower()}, not {straight})")
    return None


#: Spaces that look like the space ' ' and are not it, by name (a no-break space comes
#: with text pasted from a web page or Word, the ideographic one from a Japanese input
#: method's space bar).
_SPACES = {"\u00a0": "no-break space", "\u3000": "ideographic (full-width) space",
           "\u2002": "en space", "\u2003": "em space", "\u2007": "figure space",
           "\u2009": "thin space", "\u202f": "narrow no-break space", "\t": "tab",
           "\n": "line break", "\r": "carriage return"}


def _odd_space(text: str, other: str) -> tuple[str, str] | None:
    """("space", the note) for the first space other than ' ' in only one of two names
    that differ in their spaces alone ('Viet\\xa0Nam' and 'Viet Nam' look the same on screen),
    else None."""
    for char in text + other:
        if char.isspace() and char != " " and (char in text) != (char in other):
            name = _SPACES.get(char) or unicodedata.name(char, "space").lower()
            return "space", f" ({char!r} is U+{ord(char):04X} {name}, not the space ' ')"
    return None


_SPACE = re.compile(r"\s")  # exactly what str.split() splits at


def keys(names: list[str]) -> list[str]:
    """:func:`key` of each name; when all of them together are ASCII without whitespace
    (100,000 project ids), the key is the lower case, worked out at once."""
    joined = "".join(names)
    if joined.isascii() and not _SPACE.search(joined):
        lowered = [name.lower() for name in names]
        if not any(name[:1].isdigit() for name in lowered):  # P-01: no number to fold
            return lowered
        return [_whole(name) for name in lowered]
    return [key(name) for name in names]


def near_duplicate_issues(projects: pd.DataFrame, countries: pd.DataFrame,
                          rows_text: Mapping[str, RowsText] | None = None) -> list[Issue]:
    """One issue per spelling of a name that its usual spelling differs from (typed frames).

    ``rows_text`` words the rows of each sheet (``"in rows 2, 5"``, or for a table passed
    as a DataFrame ``"at indexes 0, 3"``); Excel rows by default.
    """
    frames = {PROJECTS: projects, COUNTRIES: countries}
    issues: list[Issue] = []
    for sheet, column in KEY_COLUMNS:
        frame = frames[sheet]
        if column not in frame.columns or ROW not in frame.columns:
            continue
        for variants in _spellings(frame[column], frame[ROW], column != "project_id"):
            usual = max(variants, key=lambda v: len(variants[v]))  # ties: the first seen
            rows = variants[usual]
            words = (rows_text or {}).get(sheet, in_rows)
            seen = f"{usual!r} {words(rows[:5])}" + (", ..." if len(rows) > 5 else "")
            for value, at in variants.items():
                if value == usual:
                    continue
                found = _lookalike(value, usual)
                how = (f"in a lookalike {found[0]}{found[1]}" if found
                       else "only in a hyphen between words" if key(value) != key(usual)
                       else "only in how the number is written (a spreadsheet writes 1 as "
                       "1.0 or drops the zeros of 01)" if _WHOLE.fullmatch(value.strip())
                       else "only in capitals, spaces or width")
                issues.append(Issue(sheet, at[0], column, value,
                                    f"the same {column} is spelt differently elsewhere "
                                    f"({seen}), differing {how}; "
                                    "each spelling would count as its own",
                                    _hint(column, usual)))
    return issues


def in_rows(rows: list[int]) -> str:
    """``"in row 2"``, ``"in rows 2, 5"``: Excel rows named in a message."""
    return f"in row{'s' if len(rows) > 1 else ''} {', '.join(map(str, rows))}"


#: A hyphen between two letters (``South-East Asia``): a name written with it and without
#: it (``Southeast Asia``) is one name typed two ways; a number's (``G-1``, ``1-2``) stays.
_WORD_HYPHEN = re.compile(r"(?<=[^\W\d_])-(?=[^\W\d_])")


def _spellings(values: pd.Series, rows: pd.Series,
               hyphens: bool = False) -> list[dict[str, list[int]]]:
    """The spellings of each name written more than one way, each with its rows (in order).

    Keys are computed once per distinct value and rows gathered only for the names that
    clash, so 100,000 project ids take a fraction of a second.
    """
    distinct = [v for v in pd.unique(values.dropna())
                if isinstance(v, str) and not is_blank(v)]
    spelt = keys(distinct)
    if hyphens:  # names (not ids): 'South-East Asia' is 'Southeast Asia'
        spelt = [_WORD_HYPHEN.sub("", k) for k in spelt]
    shared = pd.Series(spelt, dtype=object).duplicated(keep=False).to_numpy()
    if not shared.any():  # the usual case: every name spelt one way
        return []
    by_key: dict[str, list[str]] = {}
    for i in np.flatnonzero(shared):  # in order of first appearance
        by_key.setdefault(spelt[i], []).append(distinct[i])
    clashing = list(by_key.values())
    wanted = values.isin([name for names in clashing for name in names]).to_numpy()
    at: dict[str, list[int]] = {}
    for value, row in zip(values[wanted], rows[wanted], strict=True):
        at.setdefault(value, []).append(int(row))
    return [{name: at[name] for name in names} for names in clashing]


def _hint(column: str, usual: str) -> str:
    if column == "project_id":
        return f"give each project its own id, or spell the same project one way ({usual!r})"
    return (f"write {usual!r} as the other rows do, or make the names clearly different if "
            "they are meant apart")
