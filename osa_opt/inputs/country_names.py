"""Other names of one country (``East Timor`` for ``Timor-Leste``, ``Burma`` for ``Myanmar``).

A project's country is matched to the countries sheet as spelt: a project typed
``East Timor`` under a sheet that writes ``Timor-Leste`` is refused, and the refusal offers
the sheet's name by name (:func:`other_name_hint`). Nothing is mapped silently: the two
names may be one country, but the user writes the one the countries sheet uses. Two rows
of the countries sheet under two names of one country (``Myanmar`` and ``Burma``) would be
two partners, each with its own cap: they are found by :func:`same_country_rows`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

# Each group: one country's names, the usual short one first (the one a message says).
# The World Bank's and the UN's forms (``Korea, Rep.``, ``Lao PDR``) are among them, as
# tables pasted from those sources write them.
_GROUPS: tuple[tuple[str, ...], ...] = (
    ("Timor-Leste", "East Timor", "Democratic Republic of Timor-Leste"),
    ("Myanmar", "Burma", "Republic of the Union of Myanmar"),
    ("Côte d'Ivoire", "Ivory Coast", "Republic of Côte d'Ivoire"),
    ("Eswatini", "Swaziland", "Kingdom of Eswatini"),
    ("Vietnam", "Viet Nam", "Socialist Republic of Viet Nam"),
    ("Cabo Verde", "Cape Verde"),
    ("Czechia", "Czech Republic"),
    ("North Macedonia", "Macedonia", "Republic of North Macedonia", "FYROM",
     "Former Yugoslav Republic of Macedonia"),
    ("Türkiye", "Turkey"),
    ("South Korea", "Republic of Korea", "Korea, Rep.", "Korea, Republic of", "ROK"),
    ("North Korea", "DPRK", "Democratic People's Republic of Korea",
     "Korea, Dem. People's Rep.", "Korea, DPR"),
    ("Laos", "Lao PDR", "Lao People's Democratic Republic"),
    ("Micronesia", "Federated States of Micronesia", "Micronesia, Fed. Sts.", "FSM"),
    ("Brunei", "Brunei Darussalam"),
    ("Democratic Republic of the Congo", "DR Congo", "DRC", "Congo-Kinshasa",
     "Congo, Dem. Rep.", "Zaire"),
    ("Republic of the Congo", "Congo-Brazzaville", "Congo, Rep."),
    ("Russia", "Russian Federation"),
    ("Iran", "Islamic Republic of Iran", "Iran, Islamic Rep."),
    ("Syria", "Syrian Arab Republic"),
    ("Moldova", "Republic of Moldova"),
    ("Tanzania", "United Republic of Tanzania"),
    ("Bolivia", "Plurinational State of Bolivia"),
    ("Venezuela", "Bolivarian Republic of Venezuela", "Venezuela, RB"),
    ("Egypt", "Arab Republic of Egypt", "Egypt, Arab Rep."),
    ("Yemen", "Republic of Yemen", "Yemen, Rep."),
    ("Netherlands", "Holland", "Kingdom of the Netherlands"),
    ("United Kingdom", "UK", "Great Britain", "Britain",
     "United Kingdom of Great Britain and Northern Ireland"),
    ("United States", "USA", "US", "United States of America"),
    ("China", "People's Republic of China", "PRC"),
    ("Sri Lanka", "Ceylon"),
    ("Papua New Guinea", "PNG"),
    ("Philippines", "Republic of the Philippines"),
    ("Indonesia", "Republic of Indonesia"),
    ("Marshall Islands", "Republic of the Marshall Islands"),
    ("Kyrgyzstan", "Kyrgyz Republic"),
    ("Slovakia", "Slovak Republic"),
    ("Holy See", "Vatican", "Vatican City"),
    ("Palestine", "State of Palestine", "West Bank and Gaza", "Palestinian Territories"),
    ("Bosnia and Herzegovina", "Bosnia"),
    ("Belarus", "Byelorussia"),
)

# A name of two countries: said so, never taken for either.
_TWO_COUNTRIES: dict[str, tuple[int, ...]] = {}


def _fold(name: str) -> str:
    """What the names of a group are compared by: accents, case, punctuation, spaces and a
    leading 'the' dropped (``Côte d'Ivoire`` and ``cote divoire`` are one).

    >>> _fold("Côte d'Ivoire"), _fold("the Philippines"), _fold("Korea, Rep.")
    ('cotedivoire', 'philippines', 'korearep')
    """
    plain = "".join(c for c in unicodedata.normalize("NFKD", name)
                    if not unicodedata.combining(c)).casefold()
    plain = re.sub(r"^\s*the\s+", "", plain.replace("&", " and "))
    return "".join(c for c in plain if c.isalnum())


_GROUP_OF: dict[str, int] = {_fold(n): i for i, group in enumerate(_GROUPS) for n in group}
_TWO_COUNTRIES.update({
    _fold("Congo"): (_GROUP_OF[_fold("DR Congo")], _GROUP_OF[_fold("Congo-Brazzaville")]),
    _fold("Korea"): (_GROUP_OF[_fold("South Korea")], _GROUP_OF[_fold("North Korea")]),
})


def other_name_hint(name: str, known: Iterable[str]) -> tuple[str | None, str] | None:
    """(the countries sheet's name to suggest, the sentence) when ``name`` is another name
    of a country the sheet holds (``known``: the sheet's names), else None. A name of two
    countries (``Congo``, ``Korea``) is said to be so, and nothing is suggested.

    >>> other_name_hint("East Timor", ["Fiji", "Timor-Leste"])
    ('Timor-Leste', "'East Timor' and 'Timor-Leste' are two names of one country, and a \
country is matched as the countries sheet spells it")
    >>> other_name_hint("Fiji", ["Fiji"]) is None
    True
    """
    folded = _fold(name)
    groups = _TWO_COUNTRIES.get(folded) or (
        (_GROUP_OF[folded],) if folded in _GROUP_OF else ())
    if not groups:
        return None
    found = list(dict.fromkeys(k for k in known
                               if _fold(k) != folded and _GROUP_OF.get(_fold(k)) in groups))
    if not found:
        return None
    sheet_has = " and ".join(map(repr, found))
    if len(groups) > 1:
        a, b = (_GROUPS[g][0] for g in groups)
        return None, (f"{name!r} is a name of two countries, {a} and {b}; the countries "
                      f"sheet has {sheet_has}: write the one meant as the countries sheet "
                      "spells it, or give the other its own row there")
    canon = _GROUPS[groups[0]][0]
    also = "" if _fold(canon) in {folded, *map(_fold, found)} else f" ({canon})"
    return found[0], (f"{name!r} and {sheet_has} are two names of one country{also}, and a "
                      "country is matched as the countries sheet spells it")


def same_country_rows(names: Iterable[str], rows: Iterable[int]
                      ) -> list[tuple[int, str, str, int]]:
    """(row, name, the first name, its row) of each row of the countries sheet that names a
    country an earlier row names otherwise (``Burma`` in row 9 under ``Myanmar`` in row 3):
    the two rows would be two partners, each with its own cap.

    >>> same_country_rows(["Myanmar", "Fiji", "Burma"], [2, 3, 4])
    [(4, 'Burma', 'Myanmar', 2)]
    """
    first: dict[int, tuple[str, str, int]] = {}  # group -> (fold, name, row) of its first
    out = []
    for name, row in zip(names, rows, strict=True):
        folded = _fold(str(name))
        group = _GROUP_OF.get(folded)
        if group is None:
            continue
        if group not in first:
            first[group] = (folded, str(name), int(row))
        elif first[group][0] != folded:  # one spelling twice: the near-duplicate rule's
            out.append((int(row), str(name), first[group][1], first[group][2]))
    return out
