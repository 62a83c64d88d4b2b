"""Japanese words typed in a choice or flag column, and the English word osa-opt reads.

A Japanese sheet's ``はい`` in a flag column, ``機材`` as an assistance type or ``署名済``
as a stage is refused like any word osa-opt does not read (a cell is never read silently
as another word), and the fix names the English word when the meaning is one:
``did you mean 'equipment'? '機材' is Japanese for equipment ...``. A word that could mean
two (``承認済``, approved: for funding, or as a candidate?) is said to, with both.

Each kind of word is listed here once, for every path that reads it: the words a flag
reads as no (:data:`NO_WORDS`, which a column of one's own that forces a project reads as
no too), the status words of a project forced out, in or neither (read by the status
cell's hints, ``sheet_schema``, and as the headers of such columns, ``forcing_columns``),
and the stage words for signed (:data:`SIGNED_WORDS`).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Collection
from typing import Any

#: Flags: the English word for each Japanese one.
FLAG_WORDS: dict[str, tuple[str, str]] = {
    # word: (its meaning in English, the flag)
    "はい": ("yes", "true"), "いいえ": ("no", "false"),
    "有": ("present", "true"), "有り": ("present", "true"), "あり": ("present", "true"),
    "無": ("none", "false"), "無し": ("none", "false"), "なし": ("none", "false"),
    "該当": ("applies", "true"), "非該当": ("does not apply", "false"),
    "真": ("true", "true"), "偽": ("false", "false"),
}

#: The Japanese words a flag reads as no (いいえ, なし, 非該当 ...): a column of the user's own
#: that forces a project (``forcing_columns``) reads them as no too.
NO_WORDS = frozenset(word for word, (_, flag) in FLAG_WORDS.items() if flag == "false")

#: Status words of a Japanese round: word -> its meaning in English, for a project forced
#: out of the round (``sheet_schema.OUT_WORDS``: told to be status excluded, and a column
#: headed by one, ``forcing_columns``, refused), forced into it (``IN_WORDS``: status
#: mandatory) or neither (``CANDIDATE_WORDS``: status candidate).
STATUS_OUT_WORDS: dict[str, str] = {
    "除外": "excluded", "対象外": "out of scope", "見送り": "passed over",
    "見送": "passed over", "取り下げ": "withdrawn", "取下げ": "withdrawn", "取下": "withdrawn",
    "中止": "cancelled", "辞退": "declined", "延期": "postponed", "削除": "deleted",
}
STATUS_IN_WORDS: dict[str, str] = {
    "必須": "required", "確定": "settled", "繰越": "carried over",
    "繰り越し": "carried over", "継続": "continued",
}
STATUS_CANDIDATE_WORDS: dict[str, str] = {
    "候補": "candidate", "検討中": "under review", "検討": "under review", "未定": "undecided",
    "確認中": "being checked", "調整中": "being arranged", "審査中": "under review",
    "精査中": "under scrutiny",
}

#: Choice columns: word -> (its meaning in English, the choice or choices it can be). One
#: choice is suggested; two or more are named, and none is guessed.
CHOICE_WORDS: dict[str, dict[str, tuple[str, tuple[str, ...]]]] = {
    "assistance_type": {
        "機材": ("equipment", ("equipment",)), "装備品": ("equipment", ("equipment",)),
        "装備": ("equipment", ("equipment",)), "機材供与": ("equipment", ("equipment",)),
        "物資": ("supplies", ("supplies",)), "物品": ("supplies", ("supplies",)),
        "インフラ": ("infrastructure", ("infrastructure",)),
        "インフラ整備": ("infrastructure", ("infrastructure",)),
        "施設": ("facilities", ("infrastructure",)),
        "施設整備": ("building facilities", ("infrastructure",)),
        "資機材": ("materials and equipment", ("equipment", "supplies")),
    },
    "field": {
        "海洋監視": ("maritime surveillance", ("maritime_surveillance",)),
        "沿岸監視": ("coastal surveillance", ("maritime_surveillance",)),
        "海上監視": ("maritime surveillance", ("maritime_surveillance",)),
        "空域監視": ("airspace surveillance", ("airspace_surveillance",)),
        "防空監視": ("air defence surveillance", ("airspace_surveillance",)),
        "テロ対策": ("counter-terrorism", ("counter_terrorism",)),
        "海賊対処": ("counter-piracy", ("counter_piracy",)),
        "海賊対策": ("counter-piracy", ("counter_piracy",)),
        "災害救援": ("disaster relief", ("disaster_relief",)),
        "災害救助": ("disaster relief", ("disaster_relief",)),
        "災害対応": ("disaster response", ("disaster_relief",)),
        "捜索救難": ("search and rescue", ("search_and_rescue",)),
        "捜索救助": ("search and rescue", ("search_and_rescue",)),
        "医療": ("medical", ("medical",)),
        "救援輸送": ("relief transport", ("relief_transport",)),
        "平和維持": ("peacekeeping", ("peacekeeping",)),
        "平和維持活動": ("peacekeeping", ("peacekeeping",)),
        "pko": ("peacekeeping operations", ("peacekeeping",)),
        "国連平和維持活動": ("UN peacekeeping", ("peacekeeping",)),
        "警戒監視": ("surveillance", ("maritime_surveillance", "airspace_surveillance")),
        "海洋安全保障": ("maritime security", ("maritime_surveillance", "counter_piracy")),
        "人道支援・災害救援": ("humanitarian assistance and disaster relief",
                               ("disaster_relief",)),
        "輸送": ("transport", ("relief_transport",)),
    },
    "stage": {
        "要請": ("request", ("request",)), "要請済": ("requested", ("request",)),
        "要請段階": ("at request", ("request",)),
        "調査": ("survey", ("survey",)), "調査中": ("being surveyed", ("survey",)),
        "調査済": ("surveyed", ("survey",)),
        "合意": ("agreed", ("agreed",)), "合意済": ("agreed", ("agreed",)),
        "合意済み": ("agreed", ("agreed",)),
        "署名": ("signed", ("signed",)), "署名済": ("signed", ("signed",)),
        "署名済み": ("signed", ("signed",)), "締結済": ("concluded", ("signed",)),
        "締結済み": ("concluded", ("signed",)), "交換公文署名済": ("exchange of notes signed",
                                                           ("signed",)),
        "承認済": ("approved", ("agreed", "signed")),
        "承認済み": ("approved", ("agreed", "signed")),
    },
    "status": {
        "承認済": ("approved", ("mandatory", "candidate")),
        "承認済み": ("approved", ("mandatory", "candidate")),
        "承認": ("approved", ("mandatory", "candidate")),
        # a word of one status is a status word (STATUS_*_WORDS), told as the English ones
    },
}

#: The stage words that say a project's agreement is signed (署名済, 締結済 ...), which fix
#: it in: a column headed by one (``forcing_columns``) is read as the stage column's word
#: is. 署名 and 締結 alone are left out: a column of signatories may be headed so.
SIGNED_WORDS = frozenset(word for word, (_, choices) in CHOICE_WORDS["stage"].items()
                         if choices == ("signed",) and "済" in word)

#: What each choice of two means, for the sentence that names both.
_READS = {
    "mandatory": "mandatory if it must be funded", "candidate": "candidate if it is one to weigh",
    "agreed": "agreed if the partner has agreed to it", "signed": "signed if the agreement is "
    "signed (a signed project is fixed in)",
}


def _word(value: Any) -> str:
    """The cell as looked up: width folded (``ＰＫＯ`` is ``pko``), spaces gone."""
    return "".join(unicodedata.normalize("NFKC", str(value)).casefold().split())


def flag_hint(value: Any) -> str | None:
    """The fix of a Japanese word in a flag column, or None.

    >>> flag_hint("はい")
    "did you mean true? 'はい' is Japanese for yes: type true (a flag is read from true or \
false, yes or no, 1 or 0, never from a word of another language)"
    """
    if not isinstance(value, str) or _word(value) not in FLAG_WORDS:
        return None
    meaning, flag = FLAG_WORDS[_word(value)]
    return (f"did you mean {flag}? {value.strip()!r} is Japanese for {meaning}: type {flag} "
            "(a flag is read from true or false, yes or no, 1 or 0, never from a word of "
            "another language)")


def choice_hint(column: str, value: Any, separator: str = ";",
                choices: Collection[str] = ()) -> str | None:
    """The fix of a choice cell of Japanese words, or None: the English choice when every
    word of the cell means one (or is one of ``choices``), else the choices a word could
    mean.

    >>> choice_hint("assistance_type", "機材")
    "did you mean 'equipment'? '機材' is Japanese for equipment, and a choice is read in \
English only"
    >>> choice_hint("status", "承認済")
    "'承認済' (approved) could mean mandatory if it must be funded, or candidate if it is one \
to weigh: write the one meant (a choice is read in English only)"
    """
    words = CHOICE_WORDS.get(column)
    if not words or not isinstance(value, str):
        return None
    parts = [p.strip() for p in _split(value, separator) if p.strip()]
    known = [words.get(_word(p)) or ((p, (p,)) if p in choices else None) for p in parts]
    if not parts or not any(known):
        return None
    for part, found in zip(parts, known, strict=True):
        if found is not None and len(found[1]) > 1:
            meaning, choices = found
            reads = (", or ".join(_READS[c] for c in choices) if all(c in _READS for c in choices)
                     else " or ".join(map(repr, choices)))
            return (f"{part!r} ({meaning}) could mean {reads}: write the one meant (a choice "
                    "is read in English only)")
    if not all(known):
        return None  # some word is not Japanese we know: the usual hint
    english = separator.join(dict.fromkeys(found[1][0] for found in known if found))
    glossed = "; ".join(f"{p!r} is Japanese for {found[0]}"
                        for p, found in zip(parts, known, strict=True)
                        if found and p not in choices)
    return f"did you mean {english!r}? {glossed}, and a choice is read in English only"


def _split(value: str, separator: str) -> list[str]:
    """A cell's words: split at ``separator`` and at the separators of a Japanese list
    (``、``, ``；``, ``・``) that are no part of a word we know."""
    text = value
    for mark in ("、", "；", "，"):
        text = text.replace(mark, separator)
    return text.split(separator)
