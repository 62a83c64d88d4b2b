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
    ("1’100", 1100), ("1’100’000.5", 1_100_000.5),  # Swiss, as CLDR writes it
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
@given(st.one_of(st.integers(-10**13, 10**13).map(lambda n: n / 100),
                 st.integers(-10**9, 10**9).map(lambda n: n / 2)))
def test_whole_money_is_what_the_workbook_shows(amount: float) -> None:
    """``text.money(whole=True)`` prints what the workbook's ``#,##0`` shows for the same
    cell: whole millions, separators, halves away from zero as Excel and LibreOffice round
    them (Python's own format takes halves to even: the frontier's level at 62.5% of
    ¥18,100m read "11,312" in the terminal beside "11,313" in the workbook), never "-0"."""
    from decimal import ROUND_HALF_UP, Decimal

    from osa_opt.text import money

    shown = Decimal(repr(amount)).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    expected = "0" if shown == 0 else f"{shown:,}"
    assert money(amount, whole=True) == expected


def test_halves_print_as_a_spreadsheet_shows_them() -> None:
    """A funded fraction of 62.5% is "63%" in the workbook's ``0%`` cell, so in the
    terminal and the report too; ¥11,312.5m is "11,313" in all three."""
    from osa_opt.text import money, percent, percents_apart

    assert money(11312.5, whole=True) == "11,313" and money(-2.5, whole=True) == "-3"
    assert money(6787.25) == "6,787.3"
    assert percent(0.625, 0) == "63%" and percent(0.125, 0) == "13%"
    assert percent(0.145, 0) == "15%"  # 100 × 0.145 is 14.4999… in binary; a sheet shows 15%
    assert percent(0.0125) == "1.3%" and percent(-0.625, 0) == "-63%"
    assert percents_apart(1.0, 0.625) == ("100%", "63%")
