"""inputs.keys: two spellings of one name share a key whatever the script; a lookalike
letter is named only where the spellings differ by one."""

from __future__ import annotations

import pandas as pd

from osa_opt.inputs.keys import key, lookalike_note, near_duplicate_issues
from osa_opt.inputs.schema import ROW


def test_a_name_in_cyrillic_or_greek_capitals_is_the_same_name() -> None:
    """The lookalike map turned capitals into Latin letters before case folding, so
    'МОСКВА' and 'Москва' (or 'ΑΘΗΝΑ' and 'Αθηνα') no longer shared a key: a region typed
    both ways escaped its cap again."""
    assert key("МОСКВА") == key("Москва")
    assert key("ΑΘΗΝΑ") == key("Αθηνα")
    assert key("Р-01") == key("P-01") == key("р-01")  # the lookalike still found
    assert key("ＭＯＳＫＶＡ") == key("mosk va")


def test_only_a_spelling_with_a_lookalike_letter_is_said_to_have_one() -> None:
    assert lookalike_note("Москва", "МОСКВА") == ""  # capitals only
    assert lookalike_note("Р-01", "P-01") == " ('Р' is the Cyrillic letter U+0420, not the " \
                                             "Latin 'P')"
    countries = pd.DataFrame({"country": ["Aurelia", "Aurelia"], "region": ["Москва", "МОСКВА"],
                              ROW: [2, 3]})
    projects = pd.DataFrame({"project_id": ["P-01"], ROW: [2]})
    (issue,) = near_duplicate_issues(projects, countries)
    assert "differing only in capitals, spaces or width" in issue.rule


def test_a_group_named_by_a_number_written_two_ways_is_one_name() -> None:
    """Exclusive groups '1' and '1.0' (a number cell read by another program, or typed
    as text beside a number) or '01' were two groups, silently: the alternatives could
    both be funded. An outline number ('1.1' beside '1.10') stays two names."""
    assert key("1") == key("1.0") == key("01") == key("１.００")
    assert key("1.1") != key("1.10") and key("P-01") != key("P-1")
    projects = pd.DataFrame({"project_id": ["P-01", "P-02", "P-03", "P-04"],
                             "exclusive_group": ["1", "1.0", "1.1", "1.10"], ROW: [2, 3, 4, 5]})
    countries = pd.DataFrame({"country": ["Aurelia"], ROW: [2]})
    (issue,) = near_duplicate_issues(projects, countries)
    assert (issue.row, issue.value) == (3, "1.0")
    assert "differing only in how the number is written" in issue.rule
