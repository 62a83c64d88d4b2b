"""Number conventions (osa_opt.inputs.numbers): every number a spreadsheet shows reads back
as itself under its convention, and a cell that could mean two things is never read
silently."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from osa_opt.errors import Issue
from osa_opt.inputs.numbers import COMMA, POINT, read_numbers, readings


def shown(x: float, decimals: int, convention: str) -> str:
    """``x`` as a spreadsheet shows it with thousands separators in a convention."""
    text = f"{x:,.{decimals}f}"
    return text if convention == POINT else text.translate(str.maketrans(",.", ".,"))


def read(cells: list[str], declared: str | None = None, delimiter: str | None = None
         ) -> tuple[list[object], list[Issue]]:
    frame = pd.DataFrame({"cost_FY2026": pd.Series(cells, dtype=object),
                          "_row": range(2, 2 + len(cells))})
    issues: list[Issue] = []
    read_numbers({"projects": frame}, issues, declared, delimiter)
    return frame["cost_FY2026"].tolist(), issues


@pytest.mark.slow
@settings(max_examples=300, deadline=None, derandomize=True)
@given(x=st.integers(0, 10**11).map(lambda n: n / 100), decimals=st.integers(0, 2),
       convention=st.sampled_from([POINT, COMMA]))
def test_a_shown_number_reads_back_under_its_convention(x: float, decimals: int,
                                                        convention: str) -> None:
    text = shown(x, decimals, convention)
    values, issues = read([text], declared=convention)
    assert not issues and values == [pytest.approx(round(x, decimals), rel=1e-12, abs=1e-9)]


@pytest.mark.slow
@settings(max_examples=300, deadline=None, derandomize=True)
@given(x=st.integers(0, 10**11).map(lambda n: n / 100), decimals=st.integers(0, 2),
       convention=st.sampled_from([POINT, COMMA]))
def test_undeclared_a_number_is_read_right_or_refused_never_wrong(x: float, decimals: int,
                                                                  convention: str) -> None:
    """With nothing to settle it, ``1.100`` is refused; anything read is the shown value."""
    text = shown(x, decimals, convention)
    values, issues = read([text])
    if issues:
        assert len(readings(text)) == 2 and "could be" in issues[0].rule
    else:
        assert values == [pytest.approx(round(x, decimals), rel=1e-12, abs=1e-9)]
    # a cell of the file that can only be read one way settles it
    settler = "0.5" if convention == POINT else "0,5"
    values, issues = read([text, settler])
    assert not issues and values[0] == pytest.approx(round(x, decimals), rel=1e-12, abs=1e-9)


@pytest.mark.parametrize("text, meant", [
    ("750", 750), ("0.35", 0.35), ("0,35", 0.35), ("1,100.5", 1100.5), ("1.100,5", 1100.5),
    ("1.100.000", 1_100_000), ("1,100,000", 1_100_000), ("1 100,5", 1100.5),
    ("1\u00a0100", 1100), ("1'100", 1100), ("-2.5", -2.5), ("1e3", 1000), (" 6.5 ", 6.5),
    ("0.350", 0.35),
])
def test_cells_that_mean_one_thing(text: str, meant: float) -> None:
    values, issues = read([text])
    assert not issues and values == [pytest.approx(meant)]


@pytest.mark.parametrize("text", ["abc", "30%", "¥750", "nan", "inf", "1,10,0", "--5", ""])
def test_text_that_is_no_number_is_left_for_validation(text: str) -> None:
    values, issues = read([text])
    assert values == [text] and not issues


def test_mixed_conventions_refuse_the_ambiguous_cells_naming_both() -> None:
    values, issues = read(["6.5", "6,5", "1.100"])
    assert values[:2] == [6.5, 6.5]
    (issue,) = issues
    assert issue.row == 4 and "both conventions" in issue.rule
    assert "row 2 of projects, column 'cost_FY2026': '6.5'" in issue.rule


def test_a_semicolon_delimiter_settles_decimal_commas_only_without_evidence() -> None:
    assert read(["1.100"], delimiter=";")[0] == [1100]
    assert read(["1.100", "2.5"], delimiter=";")[0] == [1.1, 2.5]  # the cells say '.'
    assert read(["1.100"], delimiter=",")[1]  # a comma delimiter settles nothing


def test_a_declaration_the_file_contradicts_reads_nothing_ambiguous() -> None:
    """--decimal-separator ',' on an English file ("7.6" elsewhere): 1,100 is not 1.1."""
    values, issues = read(["7.6", "1,100"], declared=COMMA)
    assert values[0] == 7.6
    (issue,) = issues
    assert issue.row == 3 and "--decimal-separator ',' was given, but row 2 of projects, " \
        "column 'cost_FY2026' shows '7.6'" in issue.rule
    assert read(["7,6", "1.100"], declared=COMMA)[0] == [7.6, 1100]


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.floats(-1e12, 1e12), st.integers(-10**9, 10**9).map(lambda n: n / 2)))
def test_whole_money_is_what_the_terminal_printed(amount: float) -> None:
    """``text.money(whole=True)`` is the terminal's former ``cli.decision.money``, to the
    letter: whole millions, separators, halves to even, never "-0"."""
    from osa_opt.text import money

    before = f"{amount:,.0f}"
    before = "0" if before in ("-0", "0") else before
    assert money(amount, whole=True) == before
