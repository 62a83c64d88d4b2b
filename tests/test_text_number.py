"""text.number, the one way a number is written for a reader: any finite float, however
big or small, in full digits (no exponent, no error), reading back as itself."""

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


@given(FINITE, st.sampled_from([12, 6, 1]))
def test_rounded_to_digits_reads_back_within_them(value: float, digits: int) -> None:
    """No decimal context error for the biggest floats (1e28 and above once raised
    decimal.InvalidOperation: the whole part kept more digits than its 28)."""
    text = number(value, digits)
    assert "e" not in text.lower()
    back = float(text.replace(",", ""))
    assert math.isclose(back, value, rel_tol=10.0 ** (1 - digits), abs_tol=0)


def test_big_numbers_in_full() -> None:
    assert number(1e30) == "1,000,000,000,000,000,000,000,000,000,000"
    assert number(-1.5e28, 6) == "-15,000,000,000,000,000,000,000,000,000"
    assert number(float.fromhex("0x1.fffffffffffffp+1023"), 6).startswith("179,769,313,486,")
