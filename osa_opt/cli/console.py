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


def fits(console: Console, table: Table) -> bool:
    """Whether ``table`` fits the console without cutting a cell that must not wrap
    (numbers, ids): its narrowest layout is no wider than the console."""
    from rich.measure import Measurement

    wide = console.options.update_width(100_000)  # measure unclamped, then compare
    return Measurement.get(console, wide, table).minimum <= console.width


def first_fitting(console: Console, tables: Sequence[Table]) -> Table:
    """The first of ``tables`` (widest layout first) that fits the console, else the last."""
    for table in tables:
        if fits(console, table):
            return table
    return tables[-1]
