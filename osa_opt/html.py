"""HTML tables and number formats for the report and the notebook views.

Money is in ¥ million with thousands separators, shares are percentages, values keep three
decimals; numbers are right-aligned. Every cell and header is escaped. Text that a
spreadsheet would read as a formula (``=HYPERLINK(...)``) gets the class ``t``, which the
page's CSS marks as text for Excel (``mso-number-format:"\\@"``) should a reader paste a
table into a workbook.

>>> import pandas as pd
>>> html = table(pd.DataFrame({"title": ["<b>x</b>"], "total_cost": [18100.0]}))
>>> "&lt;b&gt;x&lt;/b&gt;" in html and "18,100" in html
True
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from html import escape
from typing import Any

import pandas as pd

from osa_opt.text import (
    FINE_SHARES,
    LABEL_COLUMNS,
    RATIO_COLUMNS,
    RATIO_DECIMALS,
    code_label,
    fixed,
    fraction_columns,
    humanize,
    is_formula_like,
    is_missing,
    is_money_column,
    money,
    money_decimals,
    number,
    share_text,
    title,
    value_shown,
    yen,
)

MISSING = "—"

#: Column kinds: how a value is written and whether it is right-aligned.
MONEY, SHARE, VALUE, COUNT, NUMBER, TEXT, BOOL, RIGHT, IDS, ID, LABEL, RATIO, SHARE_FINE = (
    "money", "share", "value", "count", "number", "text", "bool", "right", "ids", "id",
    "label", "ratio", "share_fine")
#: Money with one decimal on every row: a budget sweep's column where any amount has one.
MONEY_DECIMAL = "money_decimal"
#: Columns that hold lists of project ids (each id kept on one line).
_IDS_NAMES = {"added", "dropped", "project_ids", "greedy_ids", "displaced", "replaced_by"}
#: Columns of one project id each, never broken at its hyphen ("P-" / "000105").
_ID_NAMES = {"project_id"}

#: Kinds written right-aligned.
NUMERIC = (MONEY, MONEY_DECIMAL, SHARE, VALUE, COUNT, NUMBER, RIGHT, RATIO, SHARE_FINE)
_NUM_ATTR = ' class="num"'

_SHARE_NAMES = {"share_of_best", "share_of_budget", "fraction", "gap", "core_index",
                "mean_fraction", "budget_share", "level", "value_change_share",
                "gain_if_off_share", "gain_if_relaxed_share", "share_near_optimal",
                "max_share", "risk", "min_funding", "expected_execution", "p_below_target"}
_VALUE_NAMES = {"value", "objective", "best_value", "greedy_value", "gain", "value_change",
                "gain_if_off", "gain_if_relaxed", "nested_value", "independent_value",
                "nesting_cost", "optimum", "bound"}
_COUNT_NAMES = {"projects", "countries", "n_projects", "n_countries", "rank", "position",
                "level_number", "priority_tier", "samples", "solves", "sample"}
def share_cell(share: float, *, trim: bool = False, digits: int = 1) -> str:
    """A share in a table column: always one decimal, so the column lines up (``trim``: a
    whole one without, as prose and a chart's labels write it); a share that would round to
    0% or 100% without being either is "<0.1%" or ">99.9%" (:func:`osa_opt.text.share_text`,
    the rule every output shares), in the report's tables, charts and headline alike.

    >>> share_cell(0.25), share_cell(0.0003), share_cell(0.0), share_cell(-0.0003)
    ('25.0%', '<0.1%', '0.0%', '-<0.1%')
    >>> share_cell(0.25, trim=True), share_cell(0.0003, trim=True), share_cell(0.9995)
    ('25%', '<0.1%', '>99.9%')
    >>> share_cell(0.99794, digits=2)                  # text.FINE_SHARES: two decimals
    '99.79%'
    """
    return share_text(share, digits, trim=trim)


def value_text(value: float) -> str:
    """A value score in three decimals, never a 0.000 that is not none ("<0.001": a loss of
    0.0003, :func:`osa_opt.text.value_shown`)."""
    return value_shown(value, 3)


def table_number(value: float) -> str:
    """A number in a table column (a count, a rule's bound in partners or projects): a
    whole number as :func:`osa_opt.text.number` writes it, any other with a fixed number
    of decimals, three below 1,000 and one from there (the HTML-specific part: the digits
    of a column line up). Not :func:`osa_opt.text.number`, which drops a fraction's
    trailing zeros and keeps its significant digits, for prose.

    >>> table_number(8.0), table_number(1234567.0), table_number(0.35), table_number(1234.56)
    ('8', '1,234,567', '0.350', '1,234.6')
    """
    value = float(value)
    if value == int(value) and abs(value) < 1e15:
        return number(value)
    return fixed(value, 3 if abs(value) < 1000 else 1)


#: Columns of a rule table (prices, the diagnosis) that count in the row's own ``unit``.
UNIT_COLUMNS = ("bound", "activity", "slack", "relaxed_bound", "amount", "needed")


def in_their_units(frame: pd.DataFrame) -> pd.DataFrame:
    """A rule table (with a ``unit`` column) whose amounts are written in each row's unit:
    money as ¥…m, counts and an extension's row units as plain numbers (:func:`table_number`),
    "—" when missing; other tables as they are. The report's rule prices and the notebook
    view share it (a budget's bound read "18,100.000" beside "1.000" mandatory projects).

    >>> in_their_units(pd.DataFrame({"unit": ["¥ million", "projects", "projects"],
    ...                              "bound": [18100.0, 1.0, None]}))["bound"].tolist()
    ['¥18,100m', '1', '—']
    """
    if "unit" not in frame.columns:
        return frame
    shown = frame.copy()
    for col in UNIT_COLUMNS:
        if col in shown:
            # None (an object column's blank, e.g. a rule with no bound) as NaN is: missing
            shown[col] = [MISSING if v is None or v != v else
                          yen(v) if u == "¥ million" else table_number(v)
                          for v, u in zip(shown[col], shown["unit"], strict=True)]
    return shown


def column_kind(name: object, values: pd.Series) -> str:
    """How to write a column, from its name first and its dtype second."""
    key = str(name)
    if pd.api.types.is_bool_dtype(values) or (
            values.dtype == object and len(values.dropna())
            and all(isinstance(v, bool) for v in values.dropna())):
        return BOOL  # also yes/no with gaps (``feasible`` is None for ineligible projects)
    if key in _IDS_NAMES:
        return IDS
    if key in _ID_NAMES and not pd.api.types.is_numeric_dtype(values):
        return ID
    if key in LABEL_COLUMNS and not pd.api.types.is_numeric_dtype(values):
        return LABEL
    numeric = pd.api.types.is_numeric_dtype(values)
    if not numeric:
        return TEXT
    integer = pd.api.types.is_integer_dtype(values)
    if key in FINE_SHARES and not integer:
        return SHARE_FINE
    if (key in _SHARE_NAMES or key.endswith("_share") or key.startswith("execution_")) \
            and not integer:
        return SHARE  # before money: budget_share is a share, not ¥
    if is_money_column(key):
        return MONEY
    if key in RATIO_COLUMNS:
        return RATIO
    if key in _VALUE_NAMES:
        return VALUE
    if key in _COUNT_NAMES or integer:
        return COUNT
    return NUMBER


_WRITERS: dict[str, Callable[[Any], str]] = {
    MONEY: money, MONEY_DECIMAL: lambda v: fixed(v, 1),
    SHARE: share_cell, SHARE_FINE: lambda v: share_cell(v, digits=2),
    VALUE: value_text, COUNT: table_number,
    NUMBER: table_number, RATIO: lambda v: fixed(v, RATIO_DECIMALS),
    BOOL: lambda v: "yes" if bool(v) else "no", LABEL: code_label,
}


def cell_text(value: Any, kind: str) -> str:
    """The text of one cell (not yet escaped)."""
    if isinstance(value, list | tuple | set | frozenset):
        return ", ".join(map(str, value)) if value else ""
    if is_missing(value):
        return MISSING
    writer = _WRITERS.get(kind)
    if writer is not None:
        if kind == LABEL:
            return writer(value)
        try:
            if kind == BOOL or math.isfinite(float(value)):
                return writer(value)
        except (TypeError, ValueError):
            pass
    return str(value)


#: Text longer than this (messages, reasons, notes) is wrapped in a column of readable width.
WRAP_AT = 40
#: Words up to this long (names: "Serendel", "Humanitarian") are never broken inside; a
#: longer one (a policy key, a code) may break rather than push the table off the page.
WHOLE_WORD = 16


#: A word with a hyphen before a digit: a project id ("P-32", "OSA-2026-01") or the like
#: ("level-1"). Chromium breaks a line after such a hyphen, and an id in a sentence would
#: read "P-" at the end of one line and "32" on the next.
_HYPHEN_DIGIT = re.compile(r"[^\s,;:()\[\]]*\w-\d[^\s,;:()\[\]]*")
#: Where a long code (a policy key "eligibility.min_democracy", a scenario name) breaks best.
_CODE_BREAK = re.compile(r"(?<=[._])(?=\w)")


def _text_html(text: str, *, code: bool) -> str:
    """Escaped text of a cell: id-like words kept whole, and so is a cell of one short
    hyphenated word ("re-solve" of Value from: printed, the column broke it into "re-" /
    "solve"); in a long code (``code``) a line breaks after its dots and underscores
    before it breaks inside a word.

    >>> _text_html("would push out P-24 and P-32.", code=False)
    'would push out <span class="id">P-24</span> and <span class="id">P-32.</span>'
    >>> _text_html("re-solve", code=False)
    '<span class="id">re-solve</span>'
    >>> _text_html("eligibility.min_democracy", code=True)
    'eligibility.<wbr>min_<wbr>democracy'
    """
    if "-" in text and len(text) <= WHOLE_WORD and not any(c.isspace() for c in text):
        return f'<span class="id">{escape(text, quote=True)}</span>'
    out, last = [], 0
    for match in _HYPHEN_DIGIT.finditer(text):
        if len(match.group()) > WHOLE_WORD:  # a long code may still break to fit
            continue
        out.append(_plain_html(text[last:match.start()], code=code))
        out.append(f'<span class="id">{escape(match.group(), quote=True)}</span>')
        last = match.end()
    out.append(_plain_html(text[last:], code=code))
    return "".join(out)


def _plain_html(text: str, *, code: bool) -> str:
    if not code:
        return escape(text, quote=True)
    return "<wbr>".join(escape(part, quote=True) for part in _CODE_BREAK.split(text))


def cell(value: Any, kind: str = TEXT, *, header: bool = False) -> str:
    """One escaped ``<td>`` (or ``<th>``) with the classes of its kind."""
    text = cell_text(value, kind)
    classes = []
    if kind in NUMERIC:
        classes.append("num")
    if is_formula_like(text):
        classes.append("t")
    if kind in (TEXT, LABEL) and len(text) > WRAP_AT:
        classes.append("wrap")  # a sentence: wrapped between words, never cut
    elif kind in (TEXT, LABEL) and max(map(len, text.split()), default=0) > WHOLE_WORD:
        # a long name of words joined by "_" or "." ("humanitarian_focus") breaks only
        # after them, never inside a word; a longer code (a hash) may break anywhere
        pieces = [piece for word in text.split() for piece in _CODE_BREAK.split(word)]
        classes.append("code" if max(map(len, pieces)) <= WHOLE_WORD else "brk")
    tag = "th" if header else "td"
    attr = f' class="{" ".join(classes)}"' if classes else ""
    if kind == ID and text and text != MISSING:
        return f'<{tag}{attr}><span class="id">{escape(text, quote=True)}</span></{tag}>'
    if kind == IDS and text != MISSING:
        # "P-01, P-05": a line may break between ids, never at the hyphen inside one
        parts = [p.strip() for p in text.replace(";", ",").split(",") if p.strip()]
        inner = ", ".join(f'<span class="id">{escape(p, quote=True)}</span>' for p in parts)
        return f"<{tag}{attr}>{inner}</{tag}>"
    if kind in (TEXT, LABEL) and text != MISSING and "t" not in classes:  # a formula: as is
        code = "brk" in classes or "code" in classes
        return f"<{tag}{attr}>{_text_html(text, code=code)}</{tag}>"
    return f"<{tag}{attr}>{escape(text, quote=True)}</{tag}>"


#: A table of at most this many rows is kept whole on one printed page (``.short``).
SHORT_ROWS = 12


def table(
    frame: pd.DataFrame,
    *,
    columns: Sequence[str] | None = None,
    kinds: Mapping[str, str] | None = None,
    headers: Mapping[str, str] | None = None,
    max_rows: int | None = None,
    row_classes: Iterable[str] | None = None,
    caption: str = "",
    more: str = "",
    css_class: str = "",
    rows_in_all: int | None = None,
    under: Mapping[str, str] | None = None,
) -> str:
    """A DataFrame as an escaped HTML table; the index is dropped (reset it to keep it).

    Parameters
    ----------
    columns : the columns to show, in order (default: all but those starting with ``_``).
    kinds : column -> kind (money, share, value, count, number, text, bool, right) where the
        name-based guess of :func:`column_kind` is not right.
    headers : column -> header text (default :func:`humanize`).
    max_rows : show at most this many rows and say how many were left out.
    row_classes : one CSS class per row (e.g. ``"diff"`` for highlighted rows).
    more : what to say about left-out rows (e.g. where the full table is).
    rows_in_all : the rows of the whole table, where ``frame`` holds only its head.
    under : column -> another column written as a second line of its cells (a block
        ``span.under``, in small print) instead of a column of its own: a rule's policy key
        under its name (the rule prices of a ¥975,465m round ran 72 px past 800 px).

    >>> table(pd.DataFrame({"a": [1, 2, 3]}), max_rows=2).count("<tr")
    3
    >>> table(pd.DataFrame({"rule": ["budget"], "key": ["budget.FY2026"]}), columns=["rule"],
    ...       under={"rule": "key"}).split("<tbody>")[1][:69]
    '<tr><td>budget<span class="under">budget.<wbr>FY2026</span></td></tr>'
    """
    cols = list(columns) if columns is not None else [
        c for c in frame.columns if not str(c).startswith("_")]
    cols = [c for c in cols if c in frame.columns]
    kinds = dict(kinds or {})
    headers = dict(headers or {})
    kind_of = {c: kinds.get(c) or column_kind(c, frame[c]) for c in cols}
    if "budget_share" in frame.columns:  # a budget sweep: each column in one decimals
        kind_of.update({c: MONEY_DECIMAL for c in cols if kind_of[c] == MONEY
                        and money_decimals(v for v in frame[c] if not is_missing(v))})
    shown = frame if max_rows is None else frame.head(max_rows)
    classes = list(row_classes) if row_classes is not None else []
    # a short table prints whole on one page (a ranking of 5 portfolios printed 4 rows at
    # the foot of one page and the 5th under a repeated header on the next)
    short = " short" if len(shown) <= SHORT_ROWS else ""
    out = [f'<div class="scroll{short}"><table class="data {escape(css_class)}">']
    if caption:
        out.append(f"<caption>{escape(caption)}</caption>")
    head = "".join(
        f"<th{_NUM_ATTR if kind_of[c] in NUMERIC else ''}>"
        f"{escape(headers.get(c, humanize(c)))}</th>" for c in cols)
    out.append(f"<thead><tr>{head}</tr></thead><tbody>")
    # column by column: each column's values once, then the rows joined
    cells = [[cell(v, kind_of[c]) for v in shown[c].tolist()] for c in cols]
    for c, other in (under or {}).items():
        if c in cols and other in frame.columns:
            at = cols.index(c)
            cells[at] = [td if is_missing(v) else
                         f'{td[:-5]}<span class="under">'
                         f'{_text_html(str(v), code=True)}</span>{td[-5:]}'
                         for td, v in zip(cells[at], shown[other].tolist(), strict=True)]
    for i, row in enumerate(zip(*cells, strict=True)):
        cls = f' class="{escape(classes[i])}"' if i < len(classes) and classes[i] else ""
        out.append(f"<tr{cls}>" + "".join(row) + "</tr>")
    out.append("</tbody></table></div>")
    out.append(more_rows(max(rows_in_all or 0, len(frame)) - len(shown), more))
    return "".join(out)


def more_rows(left_out: int, more: str = "") -> str:
    """The note under a table cut short: how many rows are not shown, and where they are.

    >>> more_rows(1200, "run.json has them")
    '<p class="more">1,200 more rows not shown; run.json has them.</p>'
    """
    if left_out <= 0:
        return ""
    return (f'<p class="more">{left_out:,} more row{"s" if left_out != 1 else ""} not '
            f"shown{escape(('; ' + more) if more else '')}.</p>")


def key_values(pairs: Iterable[tuple[str, Any]], css_class: str = "kv", kind: str = TEXT
               ) -> str:
    """A two-column table of labels and (already formatted) values, escaped."""
    rows = "".join(f"<tr><th>{escape(str(k))}</th>{cell(v, kind)}</tr>" for k, v in pairs)
    return f'<table class="{escape(css_class)}"><tbody>{rows}</tbody></table>'


def generic_body(analysis: Any, max_rows: int, more: str = "") -> str:
    """Each table of ``analysis.tables()`` (cut at ``max_rows``), or its scalar facts."""
    tables_of = getattr(analysis, "tables", None)
    tables = dict(tables_of()) if callable(tables_of) else {}
    parts = []
    # a table named like its analysis needs no heading of its own: the analysis's heading
    # above it says the same (the notebook view read "Robustness", then "Robustness")
    own = str(getattr(analysis, "name", ""))
    for table_name, frame in tables.items():
        if not isinstance(frame, pd.DataFrame):
            continue
        if any(n is not None for n in frame.index.names):  # an index by name is what a row
            frame = frame.reset_index()  # is (a comparison's scenario): shown, as the workbook
        if str(table_name) != own:  # its title as the workbook's sheet has it
            parts.append(f"<h3>{escape(title(table_name))}</h3>")
        named = fraction_columns(table_name, frame.columns)  # a comparison's scenarios
        frame = in_their_units(frame)  # a rule table: ¥…m for money, counts as counts
        parts.append(table(frame, max_rows=max_rows, more=more,
                           kinds={c: SHARE for c in named}, headers={c: c for c in named})
                     if len(frame.columns) else '<p class="note">Empty.</p>')
    if parts:
        return "".join(parts)
    return _facts(analysis)


def _facts(analysis: Any) -> str:
    """The scalar entries of ``to_dict()`` as a small table (last resort)."""
    to_dict = getattr(analysis, "to_dict", None)
    data = to_dict() if callable(to_dict) else {}
    if not isinstance(data, dict):
        data = {}
    facts = {k: v for k, v in data.items() if isinstance(v, str | int | float | bool)}
    if not facts:
        return '<p class="note">This analysis has no table to show.</p>'
    frame = pd.DataFrame({"item": list(facts), "value": [str(v) for v in facts.values()]})
    return table(frame)


#: Rows of a table shown inline in a notebook; ``.tables()`` or the DataFrame attributes
#: give the rest.
NOTEBOOK_ROWS = 25

NOTEBOOK_STYLE = """<style>
.osa-nb { font-family: system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif; }
.osa-nb .head { font-size: 14px; margin: 4px 0 8px; }
.osa-nb .status { display: inline-block; padding: 1px 8px; border-radius: 999px; color: #fff;
  font-size: 11px; font-weight: 650; text-transform: uppercase; background: #5b6573; }
.osa-nb .status-optimal { background: #2e7d5b; }
.osa-nb .status-time_limit { background: #b7791f; }
.osa-nb .status-infeasible, .osa-nb .status-no_solution { background: #b5483b; }
.osa-nb table.data { border-collapse: collapse; font-size: 12px; }
.osa-nb table.data th, .osa-nb table.data td { padding: 3px 8px; text-align: left;
  vertical-align: top; border-bottom: 1px solid #d8dee6; }
.osa-nb table.data td.num, .osa-nb table.data th.num { text-align: right;
  font-variant-numeric: tabular-nums; }
.osa-nb table.data tbody tr:nth-child(even) { background: rgba(127, 140, 160, .08); }
.osa-nb .scroll { max-width: 100%; overflow-x: auto; }
.osa-nb span.id { white-space: nowrap; }
.osa-nb table td.wrap, .osa-nb table th.wrap { white-space: normal; overflow-wrap: break-word;
  min-width: 18em; max-width: 42em; }
.osa-nb p.more, .osa-nb p.note { color: #5b6573; font-size: 11px; margin: 2px 0 8px; }
</style>"""


def notebook_wrap(body: str) -> str:
    """``body`` in the notebook views' scoped style (class ``osa-nb``)."""
    return f'{NOTEBOOK_STYLE}<div class="osa-nb">{body}</div>'


def analysis_html(analysis: Any) -> str:
    """Any analysis (``name``, ``tables()``): a heading and each table, cut at 25 rows.

    Analysis classes can use it as their notebook view: ``_repr_html_ = analysis_html``.

    >>> from osa_opt.html import analysis_html
    >>> analysis_html(result.analyses["why"])[:6]
    '<style'
    """
    name = str(getattr(analysis, "name", type(analysis).__name__))
    head = f'<div class="head"><b>{escape(title(name))}</b></div>'
    return notebook_wrap(head + generic_body(analysis, max_rows=NOTEBOOK_ROWS,
                                            more="tables() has every row"))
