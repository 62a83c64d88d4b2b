"""Text every layer shares: money, numbers, percentages, id lists, suggestions, JSON numbers, safe cells.

The bottom of the house: it imports nothing from osa_opt, so any module may use it.

>>> yen(18100), yen(1325.5), money(-0.01)
('¥18,100m', '¥1,325.5m', '0')
>>> number(1234567.0), number(0.35)
('1,234,567', '0.35')
>>> percent(0.186), percent(1.0), percent(1.0, trim=False)
('18.6%', '100%', '100.0%')
>>> id_list(["P-1", "P-2", "P-3"])
'P-1, P-2 and P-3'
>>> suggest("Southeast asia", ["Southeast Asia", "Pacific"])
'Southeast Asia'
>>> csv_safe("=HYPERLINK(\\"x\\")"), csv_safe(-3.5)
('\\'=HYPERLINK("x")', -3.5)
"""

from __future__ import annotations

import difflib
import itertools
import math
import re
from collections.abc import Iterable, Sequence
from typing import Any

#: A space a line never breaks at, in text for a printer that wraps at plain spaces only
#: (the terminal's: ``osa_opt.cli.console.print_words``; rich itself breaks at it).
NO_BREAK = "\u00a0"
#: First characters that make a spreadsheet treat a cell as a formula (tab and carriage
#: return too: some spreadsheets skip them and then read a formula).
FORMULA_STARTS: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")


def money(amount: float, *, whole: bool = False) -> str:
    """``18,100`` or ``1,325.5`` (¥ million in a column that says so); never ``-0``.
    ``whole``: rounded to whole millions (``1,326``), as the terminal's tables show money.

    >>> money(1325.5, whole=True), money(-0.4, whole=True), money(2.5, whole=True)
    ('1,326', '0', '3')
    >>> money(1503666.96), money(1325.45)           # never "1,503,667.0" beside "1,503,667"
    ('1,503,667', '1,325.5')
    """
    amount = float(amount)
    if not math.isfinite(amount):
        return f"{amount:,.0f}"  # "nan", "inf": said, not a crash
    if whole or abs(amount - round(amount)) < 0.05:
        return _shown(amount, 0)
    text = _shown(amount, 1)
    return money(amount, whole=True) if text.endswith(".0") else text


def money_decimals(amounts: Iterable[float]) -> int:
    """The decimals of a column of amounts: 1 where :func:`money` writes any of them with
    its decimal, else 0; a column in one number of decimals lines up and never reads
    "4,525" above "6,787.5" (a budget sweep's levels: the terminal, the report and the
    workbook show them so).

    >>> money_decimals([4525.0, 6787.5]), money_decimals([4525.0, 9050.0, float("nan")])
    (1, 0)
    """
    return int(any("." in money(a) for a in amounts if math.isfinite(float(a))))


def money_column(amounts: Iterable[float]) -> list[str]:
    """A column of amounts in one number of decimals (:func:`money_decimals`).

    >>> money_column([4525.0, 6787.5, 9050.0]), money_column([4525.0, 9050.0])
    (['4,525.0', '6,787.5', '9,050.0'], ['4,525', '9,050'])
    """
    amounts = [float(a) for a in amounts]
    digits = money_decimals(amounts)
    return [_shown(a, digits) if math.isfinite(a) else money(a) for a in amounts]


def _shown(value: float, digits: int) -> str:
    """``value`` with ``digits`` decimals and separators as a spreadsheet shows it: read to
    15 significant digits, halves away from zero (Excel's and LibreOffice's ``#,##0`` and
    ``0%``), never "-0". Python's own format takes an exact half to even, so the terminal
    printed ¥11,312.5m as "11,312" and a 62.5% fraction as "62%" beside the workbook's
    "11,313" and "63%".

    >>> _shown(11312.5, 0), _shown(-2.5, 0), _shown(14.499999999999998, 0), _shown(-0.04, 1)
    ('11,313', '-3', '15', '0.0')
    """
    from decimal import ROUND_HALF_UP, Context, Decimal, localcontext

    exact = Context(prec=15).create_decimal(repr(value))
    with localcontext(prec=max(exact.adjusted(), 0) + digits + 2):
        shown = exact.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    return format(shown.copy_abs() if shown == 0 else shown, ",f")


def fixed(value: float, digits: int = 3, *, sign: bool = False) -> str:
    """``value`` with ``digits`` decimals as a spreadsheet shows it (``#,##0.000`` for a
    value score): halves away from zero, read to 15 significant digits, never "-0.000".
    Python's own ``f"{v:,.3f}"`` takes an exact half to even, so the terminal and the report
    showed a value of 2.0625 as "2.062" beside the workbook's "2.063".

    ``sign``: a "+" before a value that is not negative, as a gain is written.

    >>> fixed(2.0625), fixed(28.5785), fixed(-0.0004), fixed(1234.25, 1)
    ('2.063', '28.579', '0.000', '1,234.3')
    >>> fixed(2.0625, sign=True), fixed(-2.0625, sign=True)
    ('+2.063', '-2.063')
    """
    value = float(value)
    if not math.isfinite(value):
        return str(value)
    shown = _shown(value, digits)
    return "+" + shown if sign and not shown.startswith("-") else shown


def shown_difference(a: float, b: float, digits: int = 3) -> float:
    """``a − b`` as the difference of the two numbers :func:`fixed` shows, so that a table's
    columns add up: a frontier's exact value 171.239 (171.2395) and greedy value 155.726
    (155.7256) read a gain of +15.514 beside them, the exact difference rounded. NaN when
    either is not a number.

    >>> fixed(171.2394961 - 155.7255917), fixed(shown_difference(171.2394961, 155.7255917))
    ('15.514', '15.513')
    """
    from decimal import Decimal

    a, b = float(a), float(b)
    if not (math.isfinite(a) and math.isfinite(b)):
        return a - b
    return float(Decimal(_shown(a, digits).replace(",", ""))
                 - Decimal(_shown(b, digits).replace(",", "")))


#: A value change closer to 0 than this is none (a re-solve's noise; run.json keeps 9
#: decimals).
VALUE_NOISE = 1e-9


def value_bound(value: float, digits: int = 3) -> str | None:
    """``"<0.001"`` or ``"-<0.001"`` for a value that :func:`fixed` would show as 0.000
    though it is not none, else ``None``: a loss of 0.0003 of a value score is a loss (the
    rule :func:`share_bound` gives a share).

    >>> value_bound(0.0003), value_bound(-0.0003), value_bound(0.0006), value_bound(1e-12)
    ('<0.001', '-<0.001', None, None)
    """
    value = float(value)
    if not math.isfinite(value) or abs(value) <= VALUE_NOISE:
        return None
    if fixed(abs(value), digits) != fixed(0.0, digits):
        return None
    return ("-" if value < 0 else "") + f"<{10.0 ** -digits:.{digits}f}"


def value_shown(value: float, digits: int = 3) -> str:
    """:func:`fixed`, but never a 0.000 that is not none (:func:`value_bound`).

    >>> value_shown(0.018), value_shown(0.0003), value_shown(0.0)
    ('0.018', '<0.001', '0.000')
    """
    return value_bound(value, digits) or fixed(value, digits)


#: The bounds of a rounded :func:`number` written digit by digit: beyond them a reader
#: cannot take the digits in (1e-300 would be 302 characters), so the text says which side
#: of the bound the value is on (``< 0.000000000001``, ``> 1,000,000,000,000,000,000,000``).
NUMBER_TINY = 1e-12
NUMBER_HUGE = 1e21


def number(value: float, digits: int | None = 12, *, grouped: bool = True) -> str:
    """A number for a reader: never an exponent (``:g`` writes 1,234,567 as "1.23457e+06"),
    thousands separators unless ``grouped`` is False (a number to type back: TOML, an
    option's ``FY2026=15000``), the whole part in full.

    ``digits`` significant digits at most (12: a value as typed, without float noise such
    as 0.30000000000000004; 6 for a computed value with a solver's tolerance in it), the
    fraction's trailing zeros dropped; ``None`` keeps every digit of Python's shortest
    ``repr`` (a name that must tell two values apart), however long.

    A rounded number below :data:`NUMBER_TINY` or above :data:`NUMBER_HUGE` in magnitude
    (a cell typed as 1e-300 or 1e300) says which side of the bound it is on instead of
    hundreds of digits.

    >>> number(1234567), number(1105182.5, 6), number(0.1 + 0.2), number(-0.0)
    ('1,234,567', '1,105,182', '0.3', '0')
    >>> number(1e-7), number(2.5e9, grouped=False), number(1105182.46, None, grouped=False)
    ('0.0000001', '2500000000', '1105182.46')
    >>> number(1e-300), number(-1e300, 6)
    ('< 0.000000000001', '< -1,000,000,000,000,000,000,000')
    """
    from decimal import Decimal, localcontext

    value = float(value)
    if not math.isfinite(value):
        return str(value)  # "nan", "inf": said, not a crash
    if digits is not None and 0 < abs(value) < NUMBER_TINY:
        bound = number(math.copysign(NUMBER_TINY, value), grouped=grouped)
        return f"{'<' if value > 0 else '>'} {bound}"
    if digits is not None and abs(value) > NUMBER_HUGE:
        bound = number(math.copysign(NUMBER_HUGE, value), grouped=grouped)
        return f"{'>' if value > 0 else '<'} {bound}"
    exact = Decimal(repr(value))
    # room for every digit of the whole part (a float's reaches 309; the default 28 made
    # round() raise InvalidOperation from 1e28 on, and normalize() cut digits)
    with localcontext(prec=max(exact.adjusted(), 0) + 2 + (digits or 17)):
        if digits is not None and value != 0:
            exact = round(exact, max(digits - 1 - exact.adjusted(), 0))  # whole part in full
        if exact == 0:
            return "0"  # never "-0"
        return format(exact.normalize(), ",f" if grouped else "f")


def yen(amount: float) -> str:
    """Money for prose: ``¥18,100m`` (one decimal only when it is not whole)."""
    return f"¥{money(amount)}m"


def percent(share: float, digits: int = 1, *, trim: bool = True) -> str:
    """``18.6%``; whole percentages without decimals (``100%``) unless ``trim`` is False."""
    value = 100 * float(share)
    if math.isnan(value):
        return "—"  # no share (of a best worth 0 or less), as a table's missing cell
    if not math.isfinite(value):
        return f"{value}%"
    if trim and abs(value - round(value)) < 10 ** -(digits + 1):
        return f"{round(value) + 0:,.0f}%"
    return _shown(value, digits) + "%"  # halves as the workbook's 0% shows them: 62.5% → 63%


#: How close to 0 or to 1 a share may be before :func:`share_text` bounds it: closer than
#: this it is solver noise around a whole 0% or 100% (a fraction of 0.9999999999).
SHARE_NOISE = 1e-9


def share_bound(share: float, digits: int = 1) -> str | None:
    """``"<0.1%"`` or ``">99.9%"`` for a share that :func:`percent` in ``digits`` decimals
    would show as 0% or 100% though it is neither, and ``"-<0.1%"`` for a negative one that
    would show as 0% (a loss of 0.0004% of value is a loss, never "0.0%"), else ``None``:
    the one rule every output shares (the terminal's and the report's tables and headlines,
    the notebook's views, the texts of run.json and the CSV, and the workbook's cells:
    ``Formats.share_as_shown``).

    >>> share_bound(0.0003), share_bound(0.9995), share_bound(0.99949), share_bound(1.0)
    ('<0.1%', '>99.9%', None, None)
    >>> share_bound(0.99995, 2), share_bound(0.996, 0), share_bound(0.0), share_bound(1.5)
    ('>99.99%', '>99%', None, None)
    >>> share_bound(-0.000004), share_bound(-0.00004, 2), share_bound(-0.0006), share_bound(-1e-12)
    ('-<0.1%', '-<0.01%', None, None)
    """
    share = float(share)
    step = 10.0 ** -digits
    if -1 < share < -SHARE_NOISE:  # a loss: "-<0.1%" where it would read as none
        tiny = percent(-share, digits, trim=False) == percent(0.0, digits, trim=False)
        return f"-<{step:.{digits}f}%" if tiny else None
    if not math.isfinite(share) or not 0 < share < 1 - SHARE_NOISE:
        return None
    shown = percent(share, digits, trim=False)
    if shown == percent(0.0, digits, trim=False):
        return f"<{step:.{digits}f}%"
    if shown == percent(1.0, digits, trim=False):
        return f">{100 - step:.{digits}f}%"
    return None


def share_text(share: float, digits: int = 1, *, trim: bool = False) -> str:
    """A share as a reader sees it: :func:`percent` (``trim``: a whole percentage without
    its decimals), but never a 0% or 100% that is neither (:func:`share_bound`): a project
    funded in 1,999 of 2,000 samples is ">99.9%", an item of a big round "<0.1%", a loss of
    0.00004% of value "-<0.1%".

    >>> share_text(0.25), share_text(0.25, trim=True), share_text(0.9995), share_text(1.0)
    ('25.0%', '25%', '>99.9%', '100.0%')
    >>> share_text(0.0003, trim=True), share_text(0.99996, 2), share_text(float("nan"))
    ('<0.1%', '>99.99%', '—')
    >>> share_text(-0.0000004), share_text(-0.25, trim=True)
    ('-<0.1%', '-25%')
    """
    return share_bound(share, digits) or percent(share, digits, trim=trim)


def percents_apart(before: float, after: float) -> tuple[str, str]:
    """Two funded fractions in the fewest decimals that tell them apart (up to four: a
    changed fraction differs by more than 1e-6), so a change never reads "100% instead of
    100%" nor "100% instead of 100.0%": the numbers are compared, not their texts (a whole
    percentage drops its decimals). The terminal and the workbook's Summary say a changed
    fraction so (the report shows each portfolio's own fractions, not their changes).

    >>> percents_apart(0.9, 0.8), percents_apart(1.0, 0.998), percents_apart(0.976, 0.984)
    (('90%', '80%'), ('100%', '99.8%'), ('97.6%', '98.4%'))
    >>> percents_apart(1.0, 0.9996)
    ('100%', '99.96%')
    """
    for digits in range(5):
        if percent(before, digits, trim=False) != percent(after, digits, trim=False):
            break
    return percent(before, digits), percent(after, digits)


def fraction_change(project_id: str, before: float, after: float) -> str:
    """A project funded at another fraction than in portfolio 1, as the terminal's changes
    and the workbook's Summary list it.

    >>> fraction_change("P-29", 1.0, 0.625)
    'P-29 100%→63%'
    """
    return f"{project_id} {'→'.join(percents_apart(before, after))}"


def counted(n: int, noun: str, nouns: str | None = None) -> str:
    """A count and its noun, singular for one: ``counted(1, "country", "countries")``.

    >>> counted(1, "project"), counted(1200, "project"), counted(1, "country", "countries")
    ('1 project', '1,200 projects', '1 country')
    """
    return f"{n:,} {noun if n == 1 else nouns or noun + 's'}"


def first_few(items: Iterable[Any], limit: int, sep: str = ", ") -> str:
    """The first ``limit`` items, then ``...`` when there are more: the rows, cells or
    columns a message names without listing thousands (only ``limit + 1`` are drawn).

    >>> first_few([2, 3, 4], 5), first_few(range(2, 99), 3), first_few("abcd", 2, "; ")
    ('2, 3, 4', '2, 3, 4, ...', 'a; b; ...')
    """
    shown = [str(i) for i in itertools.islice(items, limit + 1)]
    return sep.join(shown[:limit]) + (sep + "..." if len(shown) > limit else "")


def rows_named(rows: Sequence[Any], limit: int = 5) -> str:
    """``row 7``, or ``rows 7, 9, 12``: the rows a message names, the first ``limit`` of
    them then ``...`` (:func:`first_few`).

    >>> rows_named([7]), rows_named([7, 9]), rows_named(range(2, 9), 3)
    ('row 7', 'rows 7, 9', 'rows 2, 3, 4, ...')
    """
    return f"row{'s' if len(rows) > 1 else ''} {first_few(rows, limit)}"


def id_list(ids: Iterable[Any], limit: int = 6, conjunction: str = "and") -> str:
    """``P-1``, ``P-1 and P-2``, ``P-1, P-2 and P-3``; long lists end with "and N more",
    N written as every count is (a thousands separator from 1,000).

    >>> id_list(["P-1", "P-2", "P-3"]), id_list(range(1075))
    ('P-1, P-2 and P-3', '0, 1, 2, 3, 4, 5 and 1,069 more')
    """
    ids = [str(i) for i in ids]
    if len(ids) > limit:
        ids = [*ids[:limit], f"{len(ids) - limit:,} more"]
    if len(ids) <= 1:
        return "".join(ids)
    return ", ".join(ids[:-1]) + f" {conjunction} " + ids[-1]


def suggest(word: str, candidates: Iterable[str], cutoff: float = 0.6) -> str | None:
    """The candidate closest to ``word`` (case-insensitive), or None: the one "did you mean"."""
    lowered = {str(c).lower(): str(c) for c in candidates}
    close = difflib.get_close_matches(str(word).lower(), list(lowered), n=1, cutoff=cutoff)
    return lowered[close[0]] if close else None


def _numbers(text: str) -> tuple[int, ...]:
    """The numbers in ``text``, a letter O beside a digit read as the zero it looks like."""
    text = re.sub(r"(?<=\d)[Oo]|[Oo](?=\d)", "0", text)
    return tuple(int(group) for group in re.findall(r"\d+", text))


def closest_ids(word: str, ids: Sequence[str], n: int = 3) -> list[str]:
    """The ids a mistyped id ``word`` may mean, best first (at most ``n``; none is a fair
    answer). An id with a number is matched by its number alone, never by a neighbour's:
    ``P-2`` and ``p02`` are ``P-02``, while ``P-02`` after its row was deleted is no id at
    all, rather than ``P-32`` or ``P-12``, which differ by one character as every id of the
    series does. Ids without a number go by likeness (ties to the longest shared
    beginning: ``Radar-B`` is ``Radar-b``).

    >>> ids = ["P-01", "P-02", "P-20", "P-32"]
    >>> closest_ids("P-2", ids), closest_ids("p 02", ids), closest_ids("2", ids)
    (['P-02'], ['P-02'], ['P-02'])
    >>> closest_ids("P-03", ids), closest_ids("P-39", ids), closest_ids("P-2O", ids)
    ([], [], ['P-20'])
    >>> closest_ids("radar-b", ["Radar-A", "Radar-B"], n=1)
    ['Radar-B']
    """
    ids = [str(i) for i in ids]
    numbers = _numbers(str(word))
    numbered = [i for i in ids if _numbers(i)] if numbers else []
    if numbered:
        return [i for i in numbered if _numbers(i) == numbers][:n]

    def prefix(a: str, b: str) -> int:
        return next((k for k, (x, y) in enumerate(zip(a, b, strict=False)) if x != y),
                    min(len(a), len(b)))

    key = str(word).casefold()
    scored = [(difflib.SequenceMatcher(None, key, i.casefold()).ratio(),
               prefix(key, i.casefold()), i) for i in ids]
    scored = [s for s in scored if s[0] >= 0.5]
    return [i for _, _, i in sorted(scored, key=lambda s: (-round(s[0], 6), -s[1]))[:n]]


def json_number(value: Any, digits: int = 9) -> float | None:
    """A JSON-safe float rounded to ``digits`` (None for missing, NaN or infinite)."""
    if value is None:
        return None
    value = float(value)
    return None if not math.isfinite(value) else round(value, digits) + 0.0


def is_formula_like(text: object) -> bool:
    """True when ``text`` is a string a spreadsheet could read as a formula."""
    return isinstance(text, str) and text.startswith(FORMULA_STARTS)


def csv_safe(value: Any) -> Any:
    """A cell for a CSV file: formula-like text gets a leading ``'``; the rest is unchanged."""
    return "'" + value if is_formula_like(value) else value


def is_missing(value: Any) -> bool:
    """None, NaN and pandas' missing markers (NA, NaT): a cell shown blank or ``—``.

    >>> is_missing(float("nan")), is_missing(None), is_missing(0.0), is_missing([])
    (True, True, False, False)
    """
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    if isinstance(value, list | tuple | dict | set | frozenset | str):
        return False
    try:
        import pandas as pd

        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


#: Columns that hold money (¥ million), by name; see :func:`is_money_column`.
MONEY_COLUMNS: frozenset[str] = frozenset({
    "total_cost", "funded_cost", "cost", "budget", "total_budget", "budget_left", "left",
    "requested", "used"})
#: Prefixes of per-fiscal-year money columns: ``cost_FY2026``, ``left_FY2026`` ...
MONEY_PREFIXES: tuple[str, ...] = ("cost_", "left_", "budget_", "requested_")
#: Columns named like money that are not: ratios and value differences.
_NOT_MONEY = frozenset({"value_per_cost", "nesting_cost"})


def is_money_column(name: object) -> bool:
    """Whether a column holds ¥ million, by its name; the workbook and the report both ask.

    A ``" #k"`` suffix (portfolio k in the allocation sheets) is ignored; shares
    (``budget_share``) are never money.

    >>> [is_money_column(n) for n in ("total_cost #2", "cost_FY2026", "budget_share",
    ...                               "funded_cost", "value_per_cost", "value")]
    [True, True, False, True, False, False]
    """
    base = str(name)
    head, sep, rank = base.rpartition(" #")
    if sep and rank.isdigit():
        base = head
    if base.endswith("_share") or base.startswith("share") or base in _NOT_MONEY:
        return False
    return base in MONEY_COLUMNS or base.startswith(MONEY_PREFIXES) or base.endswith("_cost")


def code_label(code: Any, capital: bool = True) -> str:
    """A code as people write it: ``maritime_surveillance`` → ``Maritime surveillance``
    (``maritime surveillance`` inside a sentence, ``capital=False``); any other text (a
    name, a title) unchanged.

    >>> code_label("maritime_surveillance"), code_label("Pacific Islands")
    ('Maritime surveillance', 'Pacific Islands')
    >>> code_label("search_and_rescue;peacekeeping")  # several codes (a project's fields)
    'Search and rescue; Peacekeeping'
    """
    text = str(code)
    if ";" in text and all(re.fullmatch(r"[a-z][a-z0-9]*(_[a-z0-9]+)*", t) for t in text.split(";")):
        return "; ".join(code_label(t) for t in text.split(";"))
    if not re.fullmatch(r"[a-z][a-z0-9]*(_[a-z0-9]+)*", text):
        return text
    spaced = text.replace("_", " ")
    return spaced[:1].upper() + spaced[1:] if capital else spaced


#: Shares written with two decimals by every output (terminal, report, workbook ``0.00%``):
#: a portfolio's mean and worst share of the samples' optimum, mostly between 98% and 100%
#: (99.79%, never "99.8%" beside it, nor a "100.0%" that is not all).
FINE_SHARES = frozenset({"mean_share_of_optimum", "worst_share_of_optimum"})

#: Value per ¥ million, written with RATIO_DECIMALS decimals by the report, the notebook views
#: and the workbook (``0.00000``): a project's few points of value over hundreds of millions
#: read 0.005 in three decimals for most of a round; five tell them apart (0.00502, 0.00468).
RATIO_COLUMNS = frozenset({"value_per_cost"})
RATIO_DECIMALS = 5

#: Tables whose other columns are named by the data, each a funded fraction: a comparison's
#: scenarios. The workbook, the report and the notebook views show them as fractions (0.5 is
#: 50%, never a bare 0.5) under the scenario's name as it is, never put in words
#: ("humanitarian_focus", as the Comparison table and the terminal name the scenario).
FRACTIONS_BESIDE = {"comparison_projects": ("project_id", "title", "country", "field")}


def fraction_columns(table_name: object, columns: Iterable[object]) -> list[str]:
    """The columns of ``table_name`` that :data:`FRACTIONS_BESIDE` names by the data.

    >>> fraction_columns("comparison_projects", ["project_id", "title", "default", "b"])
    ['default', 'b']
    >>> fraction_columns("comparison", ["scenario", "value"])
    []
    """
    fixed_columns = FRACTIONS_BESIDE.get(str(table_name))
    if fixed_columns is None:
        return []
    return [str(c) for c in columns if str(c) not in fixed_columns]


#: Columns of codes shown in words ("maritime_surveillance" → "Maritime surveillance") by
#: the report, the workbook and the terminal; run.json and the CSV keep the codes.
LABEL_COLUMNS = frozenset({"field", "assistance_type", "status", "class", "family", "outcome"})
#: Display names of well-known columns; the rest are de-underscored (:func:`humanize`).
HEADERS = {
    "project_id": "Project", "total_cost": "Total cost (¥m)",
    "share_of_best": "Share of the best value", "share_of_budget": "Share of budget",
    "priority_tier": "Tier", "n_projects": "Projects", "n_countries": "Countries",
    "value_change": "Value change", "value_change_share": "Value change (%)",
    "basis": "Value from", "what_if_forced": "What if forced",
    "feasible_if_forced": "Feasible if forced",
    # a rule's price (analysis.prices), in words rather than the solver's
    "rule": "Model row", "label": "Rule", "bound": "Required", "activity": "At portfolio 1",
    "slack": "To spare", "binding": "Met exactly",
    "gain_if_off": "Value gained without it",
    "gain_if_off_share": "Gained without it (% of value)",
    "relaxed_bound": "Required, 10% looser", "gain_if_relaxed": "Gained if 10% looser",
    "gain_if_relaxed_share": "Gained if 10% looser (% of value)",
    "relaxed_basis": "Looser gain from",
    "policy_key": "Policy key", "budget_share": "Budget share",
    "total_budget": "Total budget (¥m)", "budget_total": "Total budget (¥m)",
    "greedy_value": "Greedy value", "greedy_meets_rules": "Greedy meets rules",
    "core_index": "Core index", "funded_in_best": "In portfolio 1",
    # a ranked portfolio under the robustness samples, as the terminal heads it
    "objective": "Value", "share_near_optimal": "Within 1% of optimum",
    "p_below_target": "Chance below the target",
    "first_funded_at": "Funded from budget share", "value_per_cost": "Value per ¥m",
    "assistance_type": "Type", "status_reason": "Status reason",
    "funded_cost": "Funded cost (¥m)", "cost": "Cost (¥m)", "left": "Left (¥m)",
    "budget": "Budget (¥m)", "requested": "Requested (¥m)", "budget_left": "Budget left (¥m)",
}
_PREFIX_HEADERS = (("cost_", "Cost {} (¥m)"), ("left_", "Left {} (¥m)"),
                   ("budget_", "Budget {} (¥m)"), ("requested_", "Requested {} (¥m)"),
                   ("weight_", "Weight {}"))


def humanize(column: object) -> str:
    """A column's header in words: ``cost_FY2026`` → ``Cost FY2026 (¥m)``; a ``" #k"``
    suffix (portfolio k of an allocation sheet) is kept.

    >>> humanize("share_of_best"), humanize("cost_FY2026"), humanize("total_cost #2")
    ('Share of the best value', 'Cost FY2026 (¥m)', 'Total cost (¥m) #2')
    """
    name = str(column)
    head, sep, rank = name.rpartition(" #")
    if sep and rank.isdigit():
        return f"{humanize(head)} #{rank}"
    if name in HEADERS:
        return HEADERS[name]
    for prefix, label in _PREFIX_HEADERS:
        if name.startswith(prefix) and name[len(prefix):]:
            return label.format(name[len(prefix):])
    return words(name)


def words(name: object) -> str:
    """A name of code in words: underscores as spaces, the first letter a capital, the rest
    as written (the last resort of :func:`humanize` and :func:`title`).

    >>> words("new_table"), words("robustness_ABC")
    ('New table', 'Robustness ABC')
    """
    text = str(name).replace("_", " ").strip()
    return text[:1].upper() + text[1:]


#: Analyses and their tables in words, one name each wherever they are shown: the
#: workbook's sheets (Excel allows 31 characters), the report's sections, the notebook
#: views' headings and the terminal's "Wrote …" line. Any other name: :func:`words`.
TITLES: dict[str, str] = {
    "why": "Why in or out", "prices": "Rule prices", "frontier": "Frontier",
    "funding_order": "Funding order", "funding_levels": "Funding levels",
    "robustness": "Robustness", "robustness_portfolios": "Robustness portfolios",
    "robustness_samples": "Robustness samples", "comparison": "Comparison",
    "comparison_projects": "Comparison by project", "execution": "Execution",
    "since": "Since last run", "since_inputs": "Inputs since last run",
}


def title(name: object) -> str:
    """The title of an analysis or of its table: ``why`` → ``Why in or out``.

    >>> title("why"), title("funding_order"), title("new_table")
    ('Why in or out', 'Funding order', 'New table')
    """
    return TITLES.get(str(name)) or words(name)


#: A fiscal year of the Japanese era as analysts type it: R8, R08, 令和8年度, 令和元年度
#: (Reiwa 1 is 2019). Heisei is left out: no OSA year is in it, and H1, H2 are half-years.
_REIWA = re.compile(r"(?:fy\s*)?(?:r|令和)\s*(元|\d{1,2})\s*(?:年度|年)?", re.IGNORECASE)


def reiwa_year(name: object) -> tuple[int, int] | None:
    """``(n, year)`` of a fiscal year written in the Japanese era, Reiwa ``n``: its
    fiscal year ``year`` runs from April ``year`` to March ``year + 1``; else None.

    >>> reiwa_year("R8"), reiwa_year("令和８年度"), reiwa_year("令和元年度"), reiwa_year("FY2026")
    ((8, 2026), (8, 2026), (1, 2019), None)
    """
    import unicodedata

    found = _REIWA.fullmatch(unicodedata.normalize("NFKC", str(name)).strip())
    if found is None:
        return None
    n = 1 if found.group(1) == "元" else int(found.group(1))
    return (n, 2018 + n) if n >= 1 else None


def year_spelt(year: int, names: Iterable[str]) -> str | None:
    """The first of ``names`` that writes the fiscal year ``year`` in four digits
    (``FY2026``, ``2026年度``; not ``FY20261``), or None: a year of the Japanese era
    (:func:`reiwa_year`) as the other names write it.

    >>> year_spelt(2026, ["R8", "FY20261", "fy2026", "FY2026"]), year_spelt(2027, ["FY2026"])
    ('fy2026', None)
    """
    spelt = re.compile(rf"(?<!\d){year}(?!\d)")
    return next((name for name in names if spelt.search(name)), None)


def reiwa_words(name: object, shown: object = None) -> str:
    """``'R8' is Reiwa 8 of the Japanese era, fiscal year 2026 (April 2026 to March 2027)``
    (``shown`` in place of ``'R8'`` when given), or "" when ``name`` is no year of the era."""
    era = reiwa_year(name)
    if era is None:
        return ""
    n, year = era
    return (f"{str(name if shown is None else shown)!r} is Reiwa {n} of the Japanese era, "
            f"fiscal year {year} (April "
            f"{year} to March {year + 1})")


#: The full-width (zenkaku) forms a Japanese input method types for a number's characters,
#: and the minus sign of a word processor, as their ASCII: Excel reads ``０．１３`` typed into
#: a cell as 0.13, and Python's float reads full-width digits alone (``１２００``) but not
#: ``０．１３``, ``－５`` or ``１，２００``.
_HALF_WIDTH = str.maketrans({**{chr(0xFF10 + d): str(d) for d in range(10)},
                             "．": ".", "，": ",", "－": "-", "＋": "+", "ｅ": "e", "Ｅ": "E",
                             "\u2212": "-", "\u3000": " "})


def half_width(text: str) -> str:
    """``text`` with the full-width forms of a number's characters as ASCII.

    >>> half_width("０．１３"), half_width("１，２００"), half_width("\u22125")
    ('0.13', '1,200', '-5')
    """
    return text.translate(_HALF_WIDTH)


#: Characters a terminal does not show as themselves: C0 and C1 controls but tab and the
#: line break (a cell's own lines stay lines).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def terminal_value(text: str, limit: int = 80) -> str:
    """A cell's text as the terminal's table of problems shows it: a control character as
    its escape (a NUL as ``\\x00``, never a blank that moves the table), and text past
    ``limit`` characters cut, with the length of the whole.

    >>> terminal_value("P-01\\x00"), terminal_value("x" * 300, 5)
    ('P-01\\\\x00', 'xxxxx… (300 characters)')
    """
    shown = _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
    if len(shown) <= limit:
        return shown
    return f"{shown[:limit]}… ({number(len(text))} characters)"
