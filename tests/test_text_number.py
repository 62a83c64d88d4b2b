"""text.number, the one way a number is written for a reader: any finite float without an
exponent and without an error; every digit (``digits=None``) reads back as itself, a rounded
number within its digits, and a rounded one beyond the bounds a reader can take in (below
0.000000000001, above 10**21) says which side of the bound it is on, in a few characters."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from osa_opt.text import number

FINITE = st.floats(allow_nan=False, allow_infinity=False)


@given(FINITE)
def test_every_digit_kept_reads_back_exactly(value: float) -> None:
    text = number(value, None, grouped=False)
    assert "e" not in text.lower()
    assert float(text) == value


WRITTEN = FINITE.filter(lambda v: v == 0 or 1e-12 <= abs(v) <= 1e21)


@given(WRITTEN, st.sampled_from([12, 6, 1]))
def test_rounded_to_digits_reads_back_within_them(value: float, digits: int) -> None:
    """No decimal context error for the biggest floats (1e28 and above once raised
    decimal.InvalidOperation: the whole part kept more digits than its 28)."""
    text = number(value, digits)
    assert "e" not in text.lower()
    back = float(text.replace(",", ""))
    assert math.isclose(back, value, rel_tol=10.0 ** (1 - digits), abs_tol=0)


def test_big_numbers_in_full_up_to_the_bound() -> None:
    assert number(1e20) == "100,000,000,000,000,000,000"
    assert number(-1.5e20, 6, grouped=False) == "-150000000000000000000"
    assert number(1e21) == "1,000,000,000,000,000,000,000"


@given(FINITE, st.sampled_from([12, 6, 1]), st.booleans())
def test_rounded_numbers_are_short(value: float, digits: int, grouped: bool) -> None:
    """1e-300 once gave 302 characters, 1e300 over 400: a reader cannot take those in."""
    text = number(value, digits, grouped=grouped)
    assert "e" not in text.lower() and len(text) <= 34


def test_beyond_the_bounds_says_which_side() -> None:
    assert number(1e-300) == "< 0.000000000001"
    assert number(-4e-13, 6) == "> -0.000000000001"
    assert number(1e300) == "> 1,000,000,000,000,000,000,000"
    assert number(-1e30, grouped=False) == "< -1000000000000000000000"
    assert number(float.fromhex("0x1.fffffffffffffp+1023"), 6) == "> 1,000,000,000,000,000,000,000"
    assert number(5e-324) == "< 0.000000000001"  # the smallest float
    assert number(1e-12) == "0.000000000001" and number(-0.0) == "0"


def test_the_html_table_number_is_named_apart_from_text_number() -> None:
    """``html.number`` and ``text.number`` shared a name and wrote 0.35 differently ("0.350"
    and "0.35"): the HTML one is ``html.table_number`` now, a column's fixed decimals on top
    of text.number's whole numbers; ``number`` in html is text.number itself. What the
    report's and the notebook's tables show is unchanged."""
    import pandas as pd

    from osa_opt import html, text

    assert html.number is text.number  # one function of that name
    cells = {v: html.table_number(v) for v in (8.0, -0.0, 1234567.0, 1e14, 0.35, 1234.56, -3.5)}
    assert cells == {8.0: "8", -0.0: "0", 1234567.0: "1,234,567", 1e14: "100,000,000,000,000",
                     0.35: "0.350", 1234.56: "1,234.6", -3.5: "-3.500"}
    for whole in (8.0, 1234567.0, 1e14, -42.0):
        assert html.table_number(whole) == text.number(whole)
    page = html.table(pd.DataFrame({"projects": [29], "samples": [1234567], "other": [0.35]}))
    assert ">29<" in page and ">1,234,567<" in page and ">0.350<" in page
