"""The stdout console of a command's result and fitting a table to its width (re-exported
by :mod:`osa_opt.cli.render`); every console of the CLI (:func:`console`) and what a closed
pipe does to a command (:class:`ClosedOutput`). rich is imported inside the functions, for
``--help`` speed.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, JustifyMethod, RenderableType
    from rich.measure import Measurement
    from rich.style import Style
    from rich.table import Table
    from rich.text import Text

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
#: Exit code of a command whose reader closed its output (``osa-opt solve | head -1``):
#: 128 + SIGPIPE, what a shell reports for any tool a closed pipe ends (``yes | head -1``).
EXIT_CLOSED_PIPE = 141


class ClosedOutput(Exception):
    """stdout or stderr is a pipe whose reader has gone (``| head``): the command ends
    quietly with :data:`EXIT_CLOSED_PIPE` (:func:`osa_opt.cli.common.run_cli`).

    Not an ``OSError``: click turns a ``BrokenPipeError`` into its own exit 1, and rich's
    console into ``SystemExit(1)``; this passes both. ``fd`` is the file descriptor that
    closed when known (a console's), else None (then :func:`end_closed_output` looks).
    """

    def __init__(self, fd: int | None = None) -> None:
        super().__init__("the reader of the output closed it")
        self.fd = fd


def console(**options: Any) -> Console:
    """A rich ``Console(**options)`` whose closed pipe raises :class:`ClosedOutput`, not
    rich's ``SystemExit(1)``: every console of the CLI is made here.

    >>> console(stderr=True).stderr
    True
    """
    return _console_class()(**options)


@functools.cache
def _console_class() -> type[Console]:
    from rich.console import Console

    class PipeConsole(Console):
        """rich's Console, ending the command with :class:`ClosedOutput` on a closed pipe."""

        def on_broken_pipe(self) -> None:
            self.quiet = True  # prints nothing more (rich's own first step)
            try:
                fd: int | None = self.file.fileno()
            except (AttributeError, OSError, ValueError):
                fd = None
            raise ClosedOutput(fd)

    return PipeConsole


def end_closed_output(exc: BaseException) -> bool:
    """Whether ``exc`` (a :class:`ClosedOutput` or a ``BrokenPipeError``) comes from stdout
    or stderr whose reader has gone; if so, that stream's file descriptor now writes to
    ``os.devnull``, so nothing later (the flush at exit) fails or complains on it.

    A ``BrokenPipeError`` of another pipe (a worker's) is no closed output: False.
    """
    import os
    import select
    import sys

    fds = set()
    for stream in (sys.stdout, sys.stderr):
        try:
            fds.add(stream.fileno())  # type: ignore[union-attr]
        except (AttributeError, OSError, ValueError):  # None, closed, or not a file
            continue
    closed = {exc.fd} & fds if isinstance(exc, ClosedOutput) and exc.fd is not None else set()
    if hasattr(select, "poll") and fds:
        # a pipe's write end whose reader has gone polls as an error (Linux) or a hang-up
        poll = select.poll()
        for fd in fds:
            poll.register(fd, select.POLLOUT)
        closed |= {fd for fd, events in poll.poll(0)
                   if events & (select.POLLERR | select.POLLHUP)}
    if not closed:
        return False
    devnull = os.open(os.devnull, os.O_WRONLY)
    for fd in closed:
        os.dup2(devnull, fd)
    os.close(devnull)
    return True


def columns_env() -> int | None:
    """The width ``COLUMNS`` sets (``COLUMNS=80 osa-opt solve``), else None."""
    import os

    columns = os.environ.get("COLUMNS", "").strip()
    return int(columns) if columns.isdigit() else None


def fitted_console(min_width: int = MIN_WIDTH, **options: Any) -> Console:
    """A :func:`console` fitted to where it prints: a terminal keeps its own width (rich
    fits the tables to it), and so does output with ``COLUMNS`` set; a file or a pipe
    otherwise gets at least ``min_width`` columns, so a saved summary is not cut at 80.
    Every console of a command's tables is made here (its result on stdout, the table of
    input problems on stderr with ``stderr=True``).

    >>> fitted_console(stderr=True).stderr
    True
    """
    probe = console(**options)
    if probe.is_terminal or columns_env() is not None:
        return probe
    return console(**{**options, "width": max(probe.width, min_width)})


def stdout_console(min_width: int = MIN_WIDTH) -> Console:
    """The console for a command's result: stdout, no automatic highlighting of numbers,
    fitted to where it prints (:func:`fitted_console`).

    >>> stdout_console().print("[bold]Done[/]")
    Done
    """
    return fitted_console(min_width, highlight=False)


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
    import shutil
    import sys
    import textwrap

    columns = columns_env()
    if width is None and columns is not None:
        width = columns
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


def print_words(console: Console, markup: str) -> None:
    """Print rich ``markup`` wrapped to the console's width at its plain spaces only
    (:class:`Words`): every line of prose the CLI prints on stdout goes through here, so
    none ends in a space (rich's own wrap leaves the space it breaks at; a file showed
    it). Only a word wider than the whole line is folded (a long path).

    >>> from rich.console import Console
    >>> print_words(Console(width=28), "[bold]Fund 2 partners[/]: Papua\u00a0New\u00a0Guinea"
    ...             "\u00a0¥1,100m, Tavola\u00a0¥800m.")
    Fund 2 partners:
    Papua New Guinea ¥1,100m,
    Tavola ¥800m.
    """
    console.print(Words(markup))


class Words:
    """Rich markup (or a ``Text``) broken into lines of the width it is printed in, at its
    plain spaces only: a :data:`osa_opt.text.NO_BREAK` keeps a formula's term or a
    partner's name and amount on one line, and prints as a plain space. (rich breaks at a
    no-break space too, so the lines are made here and rich only prints them; each break
    takes the place of its space, so no line ends in one. A word wider than the whole line
    is left to rich, which folds it.)

    >>> from rich.console import Console
    >>> Console(width=20).print(Words("Left out at this width: Left FY2026 (¥m)."))
    Left out at this
    width: Left FY2026
    (¥m).
    """

    def __init__(self, markup: str | Text) -> None:
        self.markup = markup

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator[Any]:
        from rich.cells import cell_len
        from rich.text import Text

        from osa_opt.text import NO_BREAK

        markup = self.markup
        text = Text.from_markup(markup) if isinstance(markup, str) else markup.copy()
        chars = list(text.plain)
        width, start = max(options.max_width, 20), 0
        for line in text.plain.split("\n"):
            used = -1  # characters on the line so far, counting the space before each word
            space = start - 1  # the space before the word at hand
            for word in line.split(" "):
                cells = cell_len(word)  # a Japanese name takes two columns a character
                if used >= 0 and used + 1 + cells > width:
                    chars[space] = "\n"  # break at that space: one character for another
                    used = cells
                else:
                    used += 1 + cells
                space += 1 + len(word)
            start += len(line) + 1
        text.plain = "".join(chars).replace(NO_BREAK, " ")  # same length: the styles stay put
        text.overflow = "fold"
        yield text


#: A word's pieces: each ends after its hyphens or commas when more follows ("Earthquake-"
#: and "response"; a budget scenario's "FY2026=250000," and "FY2027=300000", which broke
#: as "FY2028" / "=250000"); a leading or trailing hyphen ("-5", "pre-") stays with its word.
_HYPHENATED = re.compile(r".+?[-,]+(?=[^-,])|.+")
#: Where prose breaks: any run of white space but the no-break space
#: (:data:`osa_opt.text.NO_BREAK`), which keeps "¥ million" whole.
_BREAKS = re.compile(r"[^\S\u00a0]+")


class Prose:
    """Plain text (not markup) for a table cell (a project's title) or a table's title that
    breaks between words or, when a word is too long for the column, after its hyphens:
    rich itself breaks at spaces only and folds a longer word anywhere
    ("Earthquake-respons" over "e"). Only a piece wider than the whole column still folds.
    A :data:`osa_opt.text.NO_BREAK` joins two words into one and prints as a space (rich
    breaks at it). ``style`` and ``justify`` are the text's (a title's: not padded to the
    table's width, so no line ends in spaces).

    >>> from rich.console import Console
    >>> Console(width=14).print(Prose("Earthquake-response heavy rescue [x]"))
    Earthquake-
    response heavy
    rescue [x]
    """

    def __init__(self, text: str, style: str | Style = "",
                 justify: JustifyMethod | None = None, *, whole_words: bool = False) -> None:
        self.text = text
        self.style = style
        self.justify = justify
        #: Never break a word after its hyphens (ids: "P-000268 95%→94%" in a changes cell
        #: broke into "P-" | "000268 95%→94" | "%"): its column is as wide as its widest word.
        self.whole_words = whole_words

    def narrowest(self) -> int:
        """The narrowest width that prints every word, or every piece after a hyphen, whole."""
        from rich.cells import cell_len

        words = [word for word in _BREAKS.split(self.text) if word]
        if self.whole_words:
            return max((cell_len(word) for word in words), default=0)
        return max((cell_len(p) for word in words for p in _HYPHENATED.findall(word)),
                   default=0)

    def __str__(self) -> str:  # records() shows the cell as one line of text
        from osa_opt.text import NO_BREAK

        return self.text.replace(NO_BREAK, " ")

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        from rich.cells import cell_len
        from rich.measure import Measurement

        widest = max((cell_len(line) for line in self.text.splitlines()), default=0)
        return Measurement(self.narrowest() or widest, widest)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator[Any]:
        from rich.text import Text

        from osa_opt.text import NO_BREAK

        yield Text("\n".join(self.lines(options.max_width)).replace(NO_BREAK, " "),
                   style=self.style, justify=self.justify, overflow="fold")

    def lines(self, width: int) -> list[str]:
        """The text in lines of at most ``width`` cells, broken at spaces (never at a
        no-break space); a word longer than a line after its hyphens; a piece wider than
        that folded.

        >>> Prose("Upgrade of the air-traffic-control radar").lines(22)
        ['Upgrade of the', 'air-traffic-control', 'radar']
        >>> Prose("Search-and-rescue UAVs").lines(9)
        ['Search-', 'and-', 'rescue', 'UAVs']
        >>> Prose("default FY2026=250000,FY2027=300000").lines(16)
        ['default', 'FY2026=250000,', 'FY2027=300000']
        >>> Prose("Budget use (¥\u00a0million)").lines(12)
        ['Budget use', '(¥\xa0million)']
        >>> Prose("(¥\u00a0million)").lines(8)
        ['(¥\xa0milli', 'on)']
        """
        from rich.cells import cell_len, chop_cells

        out = []
        for paragraph in self.text.split("\n"):
            line = ""
            for word in _BREAKS.split(paragraph):
                if not word:
                    continue
                # a word that fits a line of its own stays whole; a piece wider than a
                # line is folded here (rich would break it at a no-break space)
                pieces = [word] if cell_len(word) <= width else [
                    chunk for piece in ([word] if self.whole_words else
                                        _HYPHENATED.findall(word))
                    for chunk in chop_cells(piece, max(width, 1))]
                for k, piece in enumerate(pieces):
                    joint = "" if k or not line else " "
                    if line and cell_len(line + joint + piece) > width:
                        out.append(line)
                        line = piece
                    else:
                        line += joint + piece
            out.append(line)
        return out


def table_title(text: str, style: str = "table.title") -> Text:
    """A table's title (or with ``style="table.caption"`` its caption), plain text: every
    table of the CLI is titled through here. It wraps as :class:`Prose` between words,
    never inside the unit "(¥ million)" (rich broke "(¥" | "million)" in a narrow table),
    and its lines are not padded to the table's width (a title in a file ended in spaces).
    A ``Text``, as rich's Table types its title, that lays itself out as Prose.

    >>> from rich.console import Console
    >>> from rich.table import Table
    >>> t = Table(title=table_title("Budget use of portfolio 1 (¥ million)"))
    >>> t.add_column("Fiscal year"); t.add_column("Left")
    >>> Console(width=30).print(t)  # rich's own wrap: "portfolio 1 (¥" | "million)"
    Budget use of
    portfolio 1
    (¥ million)
    ┏━━━━━━━━━━━━━┳━━━━━━┓
    ┃ Fiscal year ┃ Left ┃
    ┡━━━━━━━━━━━━━╇━━━━━━┩
    └─────────────┴──────┘
    """
    from osa_opt.text import NO_BREAK

    return _title_class()(text.replace("¥ ", f"¥{NO_BREAK}"), style=style)


@functools.cache
def _title_class() -> type[Text]:
    from rich.text import Text

    class Title(Text):
        """A table's title: rich's Text, laid out as :class:`Prose`, not padded."""

        def __rich_console__(self, console: Console, options: ConsoleOptions
                             ) -> Iterator[Any]:
            yield Prose(self.plain, self.style, justify="default")

    return Title


def fits(console: Console, table: Table) -> bool:
    """Whether ``table`` fits the console with nothing cut: as rich lays it out at the
    console's width, every column is as wide as each of its cells and its header needs (a
    whole line where the column must not wrap, numbers and ids; the longest word where it
    wraps; nothing where it folds long words)."""
    from rich.measure import Measurement

    wide = console.options.update_width(100_000)  # measure unclamped, then compare
    if Measurement.get(console, wide, table).minimum > console.width:
        return False
    # rich can still lay out wider than its minimum (its last-resort squeeze narrows
    # columns that must not wrap, then gives them their width back) and crops the lines,
    # or squeeze a wrapping column under its longest word (cut to "Expect…"): lay the
    # table out as it will print (rich's own width calculation) and check each column
    try:
        extra = table._extra_width
        widths = table._calculate_column_widths(
            console, console.options.update_width(console.width - extra))
        padding = [table._get_padding_width(i) for i in range(len(table.columns))]
    except AttributeError:  # another rich: its minimum is all we know
        return True
    if sum(widths) + extra > console.width:
        return False
    return all(_cells_width(column) <= width - pad
               for column, width, pad in zip(table.columns, widths, padding, strict=True))


def _cells_width(column: Any) -> int:
    """The narrowest a column can be with none of its cells or its header cut."""
    from rich.cells import cell_len
    from rich.text import Text

    if column.overflow == "fold":
        return 1
    need = 0
    for cell in (column.header, *column._cells):
        if isinstance(cell, Prose):  # its words (or their pieces after hyphens) whole
            need = max(need, cell.narrowest())
            continue
        plain = Text.from_markup(cell).plain if isinstance(cell, str) else ""
        pieces = plain.split("\n") if column.no_wrap else plain.split()
        need = max(need, *(cell_len(piece) for piece in pieces), 0)
    return need


def first_fitting(console: Console, tables: Sequence[Table]) -> RenderableType:
    """The first of ``tables`` (widest layout first) that fits the console; when none does,
    the last one as :func:`records` (one block per row, nothing cut)."""
    for table in tables:
        if fits(console, table):
            return table
    return records(tables[-1])


def left_out_note(shown: RenderableType, layouts: Sequence[Table], columns: Sequence[str],
                  where: str) -> str | None:
    r"""A dim line naming which of ``columns`` (headers, their lines joined by spaces) the
    layout :func:`first_fitting` chose (``shown``; the last layout when it fell back to
    :func:`records`) left out, and ``where`` the numbers are instead; None when none.

    >>> from rich.table import Table
    >>> wide, narrow = Table(), Table()
    >>> for name in ("Rank", "Left\nFY2026"):
    ...     wide.add_column(name)
    >>> narrow.add_column("Rank")
    >>> left_out_note(narrow, [wide, narrow], ["Left FY2026"], "the workbook has it")
    '[dim]Left out at this width: Left FY2026 (the workbook has it).[/]'
    >>> left_out_note(wide, [wide, narrow], ["Left FY2026"], "the workbook has it") is None
    True
    """
    from rich.markup import escape

    table = next((layout for layout in layouts if layout is shown), layouts[-1])
    headers = {" ".join(str(column.header).split()) for column in table.columns}
    missing = [name for name in columns if name not in headers]
    if not missing:
        return None
    return f"[dim]Left out at this width: {escape(', '.join(missing))} ({where}).[/]"


def records(table: Table) -> RenderableType:
    """A table too wide for the terminal as one block per row: its first cell in bold, then
    one "header: cell" line per other column (a cell's lines joined by "; "), each wrapping
    between words, so no number or id is ever cut.

    >>> from rich.console import Console
    >>> from rich.table import Table
    >>> t = Table(title=table_title("Levels"))
    >>> for name in ("Level", "Exact\\nvalue", "Projects"):
    ...     t.add_column(name)
    >>> t.add_row("1", "63.219", "11")
    >>> Console(width=30).print(records(t))
    Levels
    Level 1
      Exact value: 63.219
      Projects: 11
    """
    from rich.console import Group
    from rich.text import Text

    def plain(cell: Any, joint: str = "; ") -> Text:
        text = Text.from_markup(cell) if isinstance(cell, str) else Text(str(cell))
        return Text(joint).join(text.split("\n"))

    columns = table.columns
    def annotation(text: Any) -> Any:  # a title or caption: markup, or a table_title
        return Text.from_markup(text) if isinstance(text, str) else text

    blocks: list[Any] = [annotation(table.title)] if table.title else []
    for row in range(table.row_count):
        first = columns[0]
        head_text = plain(first.header, " ")
        line = Text.assemble(head_text, " " if head_text.plain else "",
                             plain(first._cells[row]), style="bold")
        blocks.append(Words(line))
        for column in columns[1:]:
            value = plain(column._cells[row])
            if value.plain.strip():
                blocks.append(Words(Text.assemble("  ", plain(column.header, " "), ": ",
                                                  value)))
    if table.caption:
        blocks.append(annotation(table.caption))
    return Group(*blocks)
