"""The stdout console of a command's result and fitting a table to its width (re-exported
by :mod:`osa_opt.cli.render`). rich is imported inside the functions, for ``--help`` speed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

#: Width of output to a file or a pipe (a terminal keeps its own width).
MIN_WIDTH = 150
#: Characters per line of a number column's header (it wraps between words).
HEADER_WIDTH = 8


def head(name: str, width: int = HEADER_WIDTH) -> str:
    r"""A column's header in the words the report and the workbook use
    (:func:`osa_opt.text.humanize`), broken between words into lines of ``width``, so a
    column of numbers stays as narrow as its numbers.

    >>> head("share_of_best"), head("cost_FY2026"), head("n_countries")
    ('Share of\nthe best\nvalue', 'Cost\nFY2026\n(¥m)', 'Countries')
    """
    import textwrap

    from osa_opt.text import humanize

    return "\n".join(textwrap.wrap(humanize(name), width, break_on_hyphens=False,
                                   break_long_words=False))


# ---------------------------------------------------------------------- consoles
def stdout_console(min_width: int = MIN_WIDTH) -> Console:
    """The console for a command's result: stdout, no automatic highlighting of numbers.

    A terminal keeps its own width (rich fits the tables to it), and so does output with
    ``COLUMNS`` set; a file or a pipe otherwise gets at least ``min_width`` columns, so a
    saved summary is not cut at 80.

    >>> stdout_console().print("[bold]Done[/]")
    Done
    """
    import os

    from rich.console import Console

    probe = Console()
    if probe.is_terminal or os.environ.get("COLUMNS", "").strip().isdigit():
        return Console(highlight=False)
    return Console(width=max(probe.width, min_width), highlight=False)


def duration(seconds: float) -> str:
    """A run's time for "… in 1.3 s": "under 0.1 s" rather than a "0.0 s" that reads as none.

    >>> duration(0.04), duration(1.26)
    ('under 0.1 s', '1.3 s')
    """
    return "under 0.1 s" if seconds < 0.05 else f"{seconds:.1f} s"


def terminal_text(text: str, width: int | None = None, *, stdout: bool = False) -> str:
    r"""A message for stderr (stdout with ``stdout=True``) wrapped to the terminal's width
    (or ``COLUMNS``), between words: each line keeps its indent and a bullet's text lines
    up under itself. Text for a file or a pipe is left as it is (a log keeps one line per
    message).

    >>> print(terminal_text("Error: the policy cannot be met.\n  - Mandatory P-01 needs "
    ...                     "¥900m in FY2026; the budget is ¥800m.", width=40))
    Error: the policy cannot be met.
      - Mandatory P-01 needs ¥900m in
        FY2026; the budget is ¥800m.
    """
    import os
    import shutil
    import sys
    import textwrap

    columns = os.environ.get("COLUMNS", "").strip()
    if width is None and columns.isdigit():
        width = int(columns)
    elif width is None and (sys.stdout if stdout else sys.stderr).isatty():
        width = shutil.get_terminal_size().columns
    elif width is None:
        return text
    lines = []
    for line in text.splitlines():
        indent = line[:len(line) - len(line.lstrip())]
        hang = indent + ("  " if line.lstrip().startswith(("- ", "• ")) else "")
        lines += textwrap.wrap(line, max(width, 20), initial_indent="",
                               subsequent_indent=hang, break_long_words=False,
                               break_on_hyphens=False, drop_whitespace=True) or [""]
    return "\n".join(lines)


def fits(console: Console, table: Table) -> bool:
    """Whether ``table`` fits the console without cutting a cell that must not wrap
    (numbers, ids): its narrowest layout is no wider than the console."""
    from rich.measure import Measurement

    wide = console.options.update_width(100_000)  # measure unclamped, then compare
    if Measurement.get(console, wide, table).minimum > console.width:
        return False
    # rich can still lay out wider than its minimum (its last-resort squeeze narrows
    # columns that must not wrap, then gives them their width back) and crops the lines:
    # lay the table out as it will print (rich's own width calculation) and add it up
    try:
        extra = table._extra_width
        widths = table._calculate_column_widths(
            console, console.options.update_width(console.width - extra))
    except AttributeError:  # another rich: its minimum is all we know
        return True
    return sum(widths) + extra <= console.width


def first_fitting(console: Console, tables: Sequence[Table]) -> Table:
    """The first of ``tables`` (widest layout first) that fits the console, else the last."""
    for table in tables:
        if fits(console, table):
            return table
    return tables[-1]
