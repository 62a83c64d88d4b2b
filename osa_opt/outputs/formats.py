"""Cell formats and colours of ``portfolios.xlsx``, defined once.

Number formats follow the column's name, so a new analysis table needs no changes:
money (``cost_…``, ``total_cost``, ``left_…``: :func:`osa_opt.text.is_money_column`, which
the report shares) as ``#,##0``, whole ¥ million (the amounts of a budget sweep's levels,
in a table with ``budget_share``, a column with one decimal where any amount has one:
:meth:`Formats.money_as_shown`), counts of projects and countries as ``#,##0`` too, shares
and fractions as percentages, values as ``#,##0.000``, value per ¥ million (``value_per_cost``)
as ``0.00000``, seconds as ``0.00``, a robustness
sample's weights as ``0.000`` (as the policy writes them: weights, not shares; they need
not add up to 1). A column of numbers only takes its format from
``Formats.numbers``: right-aligned and padded (:data:`NUMBER_PAD`), under a header set
right too (``Formats.header_number``), unless the pad would cost the table its one-page
print (``tables._set_columns``).

>>> Formats.number_format("total_cost #2")
'#,##0'
>>> Formats.number_format("share_of_budget"), Formats.number_format("fraction")
('0.0%', '0%')
>>> Formats.number_format("projects"), Formats.number_format("priority_tier")
('#,##0', 'General')
>>> Formats.number_format("seconds"), Formats.number_format("weight_security")
('0.00', '0.000')
>>> Formats.number_format("optimum"), Formats.number_format("expected_execution")
('#,##0.000', '0.0%')
>>> Formats.number_format("worst_share_of_optimum")  # text.FINE_SHARES: 99.79%
'0.00%'
>>> Formats.number_format("value_per_cost")
'0.00000'

"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from osa_opt.text import (
    FINE_SHARES,
    RATIO_COLUMNS,
    RATIO_DECIMALS,
    is_money_column,
    money_decimals,
    percents_apart,
    share_bound,
    value_bound,
)

if TYPE_CHECKING:
    from xlsxwriter.format import Format
    from xlsxwriter.workbook import Workbook

#: The workbook's font (10 pt): see :func:`osa_opt.outputs.workbook.write_workbook`.
WORKBOOK_FONT = "Arial"
MONEY_FORMAT = "#,##0"  # whole ¥ million: no ".0" (the cell keeps the exact value)
#: An amount of a budget sweep's level with the decimal text.money shows (6,787.5).
MONEY_DECIMAL_FORMAT = "#,##0.0"
MONEY_NOTE = "Money in ¥ million."
_SHARE_NAMES = {"fraction", "share", "min_funding", "risk"}
_VALUE_NAMES = {"value", "funded_value", "objective", "gain", "gain_if_off", "gain_if_relaxed",
                "greedy_value", "nested_value", "nesting_cost", "expected_value", "best_value",
                "independent_value", "optimum"}
#: Shares read to one decimal, as the terminal and the report print them ("86.1%", not "86%").
_PRECISE_SHARES = {"core_index", "mean_fraction", "share_near_optimal",
                   "expected_execution", "p_below_target",
                   "share_of_budget",
                   # a budget level of the sweep: 37.5%, not "38%" (11 steps: every 12.5%)
                   "budget_share", "first_funded_at"}
#: A rule's bound, what portfolio 1 reaches and the room between them (Rule prices,
#: diagnosis): ¥ million or a count, whole numbers as money is (#,##0).
_AMOUNT_NAMES = {"bound", "activity", "slack", "relaxed_bound", "amount", "needed"}
#: Columns of a one-digit code (a partner's priority tier, 1 to 3), centred under their
#: header: right-aligned at the edge of a narrow column (a table printed without the pad
#: of its numbers) the tier ran into the next column's words, "1Maritime surveillance".
CODE_COLUMNS = frozenset({"priority_tier"})
#: How many projects, countries, partners: 6,768 as the terminal and the report write it.
_COUNT_NAMES = {"projects", "countries", "partners", "items", "n_projects", "n_countries",
                "funded_projects", "eligible_projects"}
_NUMBER_FORMATS = {"money": MONEY_FORMAT, "money_decimal": MONEY_DECIMAL_FORMAT,
                   "count": "#,##0", "share": "0%",
                   "share_precise": "0.0%", "share_fine": "0.00%",
                   "value": "#,##0.000", "seconds": "0.00", "weight": "0.000",
                   "ratio": "0." + "0" * RATIO_DECIMALS,  # text.RATIO_COLUMNS
                   "text": "General"}


def _shown(texts: Iterable[str | None]) -> tuple[str, ...]:
    """``texts``, each of them a text: every share or value they are made of is picked to
    show one (a None would make a cell format that reads "None")."""
    shown = tuple(texts)
    assert all(text is not None for text in shown), shown
    return tuple(text for text in shown if text is not None)


#: What a share column's cell shows for a share its decimals would round to 0% or 100%
#: (text.share_bound, in 0, 1 and 2 decimals), a tiny loss ("-<0.1%") included.
_BOUND_TEXTS = _shown(share_bound(share, digits) for digits in (0, 1, 2)
                      for share in (1e-6, 1 - 1e-6, -1e-6))
#: What a value column's cell shows for a value its three decimals would show as 0.000
#: though it is not none (text.value_bound).
_VALUE_TEXTS = _shown(value_bound(v) for v in (1e-6, -1e-6))
#: A column of numbers ends short of its right edge, and so does its header, level with
#: them: clear of the filter button Excel draws in the header's bottom right corner (about
#: 17 pixels). The header is right-aligned and indented NUMBER_INDENT levels (a level is
#: three spaces of the font: 11 pixels of Arial 10, 8.3 points), which indents every line
#: of a wrapped header; the numbers are right-aligned with NUMBER_PAD after them in their
#: number format (``_M``: a blank as wide as an M, 8.3 points), not indented, as
#: LibreOffice 7 indents a number only when the cell before it holds text.
NUMBER_INDENT = 2
NUMBER_PAD = "_M_M"
#: The width of that indent or pad, in the digits a column width counts (Arial: an M is
#: 1.5 digits).
NUMBER_INDENT_WIDTH = 3


@dataclass(frozen=True)
class ProjectOutcome:
    """How one project fares in portfolio 1, and how the workbook colours it."""

    name: str
    fill: str
    font: str
    meaning: str


#: The outcomes of the ``Projects`` sheet's ``outcome`` column, in the order of the legend.
OUTCOMES: tuple[ProjectOutcome, ...] = (
    ProjectOutcome("funded", "#C6EFCE", "#006100", "funded in full in portfolio 1"),
    ProjectOutcome("partly funded", "#FFEB9C", "#9C5700",
            "funded in part (at least its min_funding) in portfolio 1"),
    ProjectOutcome("unfunded", "#D9D9D9", "#3F3F3F",
            "eligible, but not in portfolio 1: see the reason column"),
    ProjectOutcome("ineligible", "#FFC7CE", "#9C0006",
            "fails an eligibility rule, or is out of this round (marked excluded, or its "
            "cost only in a year the policy has no budget for): see the reason column"),
)


@dataclass(frozen=True)
class Formats:
    """The workbook's cell formats, made once per workbook."""

    title: Format
    note: Format
    title_wrap: Format
    note_wrap: Format
    header: Format
    header_number: Format
    header_code: Format
    group: Format
    label: Format
    wrap: Format
    money: Format
    money_decimal: Format  # money_as_shown's: never a column's kind
    count: Format
    share: Format
    share_precise: Format
    share_fine: Format
    value: Format
    ratio: Format
    seconds: Format
    weight: Format
    integer: Format
    code: Format  # a small code of digits (a priority tier): centred under its header
    text: Format
    yes_no: Format
    outcome: dict[str, Format]
    numbers: dict[str, Format]  # by kind: a column of numbers only, right-aligned, indented
    #: fraction_as_shown's: (right-aligned and padded, decimals) -> 0.0% ... 0.0000%
    fraction_decimals: dict[tuple[bool, int], Format]
    #: share_as_shown's: (right-aligned and padded, "<0.1%" ... ">99.99%") -> the format
    #: showing that text for the cell's number; value_as_shown's likewise ("<0.001")
    share_bounds: dict[tuple[bool, str], Format]

    @classmethod
    def of(cls, book: Workbook) -> Formats:
        header = {"bold": True, "bg_color": "#DCE6F1", "bottom": 1, "text_wrap": True,
                  "valign": "top"}
        # every cell at the top of its row, level with the first line of wrapped text; each
        # kind of column its number format (_NUMBER_FORMATS, the one list of them)
        plain = {kind: book.add_format({"num_format": number_format, "valign": "top"})
                   for kind, number_format in _NUMBER_FORMATS.items() if kind != "text"}
        aligned = {kind: book.add_format({"num_format": number_format + NUMBER_PAD,
                                          "align": "right", "valign": "top"})
                   for kind, number_format in _NUMBER_FORMATS.items()}
        return cls(
            title=book.add_format({"bold": True, "font_size": 13}),
            note=book.add_format({"italic": True, "font_color": "#555555"}),
            title_wrap=book.add_format({"bold": True, "font_size": 13, "text_wrap": True,
                                        "valign": "top"}),
            note_wrap=book.add_format({"italic": True, "font_color": "#555555",
                                       "text_wrap": True, "valign": "top"}),
            header=book.add_format(header),
            header_number=book.add_format({**header, "align": "right",
                                           "indent": NUMBER_INDENT}),
            group=book.add_format({**header, "align": "center"}),
            header_code=book.add_format({**header, "align": "center"}),
            label=book.add_format({"bold": True, "valign": "top"}),
            wrap=book.add_format({"text_wrap": True, "valign": "top"}),
            **plain,  # money=, count=, share=, ...: the column formats by kind
            integer=book.add_format({"num_format": "0", "valign": "top"}),
            code=book.add_format({"align": "center", "valign": "top"}),
            text=book.add_format({"valign": "top"}),
            # TRUE/FALSE cells: LibreOffice shows them by their number format (1/0 under
            # General), Excel as TRUE/FALSE whatever the format
            yes_no=book.add_format({"num_format": '"yes";"yes";"no"', "valign": "top"}),
            # conditional formats take only fill and font (Excel's "differential" formats)
            outcome={o.name: book.add_format({"bg_color": o.fill, "font_color": o.font})
                     for o in OUTCOMES},
            numbers=aligned,
            fraction_decimals={
                (padded, digits): book.add_format(
                    {"num_format": f"0.{'0' * digits}%" + (NUMBER_PAD if padded else ""),
                     "valign": "top", **({"align": "right"} if padded else {})})
                for padded in (False, True) for digits in range(1, 5)},
            share_bounds={
                (padded, text): book.add_format(
                    {"num_format": f'"{text}"' + (NUMBER_PAD if padded else ""),
                     "valign": "top", **({"align": "right"} if padded else {})})
                for padded in (False, True) for text in (*_BOUND_TEXTS, *_VALUE_TEXTS)},
        )

    @staticmethod
    def kind(name: str) -> str:
        """``money``, ``count``, ``share``, ``share_precise``, ``share_fine``, ``value``, ``ratio``,
        ``seconds``, ``weight`` or ``text`` for a column name."""
        base = re.sub(r" #\d+$", "", str(name))  # "total_cost #2" -> "total_cost"
        if is_money_column(base) or base in _AMOUNT_NAMES:
            return "money"
        if base in _COUNT_NAMES:
            return "count"
        if base in FINE_SHARES:
            return "share_fine"
        if base in ("share_of_best", "gap") or base.startswith("share_of_best") or (
                base.endswith("_share") and base.startswith(("gain_", "value_change"))) or (
                base in _PRECISE_SHARES or base.startswith("execution_")):
            return "share_precise"  # a gain of 0.1% of value is not 0%
        if base in _SHARE_NAMES or base.startswith("share") or base.endswith("_share"):
            return "share"
        if base in RATIO_COLUMNS:
            return "ratio"
        if base in _VALUE_NAMES or base.startswith("value"):
            return "value"
        if base == "seconds" or base.endswith("_seconds"):
            return "seconds"
        if base.startswith("weight_"):
            return "weight"
        return "text"

    @classmethod
    def number_format(cls, name: str) -> str:
        """The Excel number format of a column name (see the module docstring)."""
        return _NUMBER_FORMATS[cls.kind(name)]

    def for_column(self, name: str) -> Format:
        """The cell format a column's name calls for."""
        return getattr(self, self.kind(name))

    def fraction_as_shown(self, cell_format: Format, fraction: Any) -> Format:
        """``cell_format``, a ``fraction`` column's (``0%``), or its twin with the decimals
        the terminal's Funded column shows where ``0%`` would round a part to 0% or 100%
        (:func:`osa_opt.text.percents_apart`: 0.997 is 99.7%, never a "100%" that is not
        all)."""
        if not isinstance(fraction, float) or not 1e-9 < fraction < 1 - 1e-9:
            return cell_format
        digits = len(percents_apart(1.0, fraction)[1].rstrip("%").partition(".")[2])
        if not digits:
            return cell_format
        return self.fraction_decimals[(cell_format is self.numbers["share"], digits)]

    def share_as_shown(self, cell_format: Format, share: Any) -> Format:
        """``cell_format``, a share column's (``0.0%``), or one that shows ``"<0.1%"`` or
        ``">99.9%"`` where the column's decimals would round ``share`` to 0% or 100%
        though it is neither (:func:`osa_opt.text.share_bound`, the rule the terminal and
        the report share: a project funded in 1,999 of 2,000 samples is not "100.0%").
        The cell keeps its number."""
        if not isinstance(share, float):
            return cell_format
        digits = {self.share: 0, self.share_precise: 1, self.share_fine: 2,
                  self.numbers["share"]: 0, self.numbers["share_precise"]: 1,
                  self.numbers["share_fine"]: 2}.get(cell_format)
        text = None if digits is None else share_bound(share, digits)
        if text is None:
            return cell_format
        padded = cell_format in (self.numbers["share"], self.numbers["share_precise"],
                                 self.numbers["share_fine"])
        return self.share_bounds[(padded, text)]

    def value_as_shown(self, cell_format: Format, value: Any) -> Format:
        """``cell_format``, a value column's (``#,##0.000``), or one that shows ``"<0.001"``
        or ``"-<0.001"`` for a value it would show as 0.000 though it is not none
        (:func:`osa_opt.text.value_bound`: a loss of 0.0003 of value). The cell keeps its
        number."""
        if not isinstance(value, float) or cell_format not in (self.value,
                                                               self.numbers["value"]):
            return cell_format
        text = value_bound(value)
        if text is None:
            return cell_format
        return self.share_bounds[(cell_format is self.numbers["value"], text)]

    def money_as_shown(self, cell_format: Format, amounts: Sequence[Any]) -> Format:
        """``cell_format``, a money column's, or its one-decimal twin (``#,##0.0``) for the
        whole column where any of its ``amounts`` has the decimal :func:`osa_opt.text.money`
        shows (:func:`osa_opt.text.money_decimals`): a budget sweep's level is a share of
        the policy budget, seldom whole millions, and the terminal and the report show it as
        6,787.5 (37.5% of ¥18,100m), where ``#,##0`` showed 6,788; the column in one number
        of decimals, 4,525.0 above it, never 4,525."""
        if not money_decimals(a for a in amounts if isinstance(a, float)):
            return cell_format
        if cell_format is self.numbers["money"]:
            return self.numbers["money_decimal"]
        return self.money_decimal if cell_format is self.money else cell_format
