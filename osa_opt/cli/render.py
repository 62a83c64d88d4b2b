"""Terminal rendering every command can share: the stdout console and tables.

Everything here prints with rich and escapes text that came from the inputs (a country
called ``[bold]x`` prints as typed). Commands build their output from these pieces (the
progress bar on stderr is :func:`osa_opt.cli.common.progress_bar`):

>>> from osa_opt.cli.render import stdout_console, portfolios_table
>>> stdout_console().print(portfolios_table(result))                  # doctest: +SKIP

Heavy imports (rich, pandas) happen inside the functions, so importing this module from a
command module costs nothing at ``osa-opt --help`` time.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

    from osa_opt.result import Portfolio, Result

#: Width of output to a file or a pipe (a terminal keeps its own width).
MIN_WIDTH = 150
#: Changes against portfolio 1 shown in a table cell before "… (n more)".
MAX_CHANGES_SHOWN = 4
#: Reasons for exclusion listed before the rest are summed up.
TOP_REASONS = 5


# ---------------------------------------------------------------------- consoles
def stdout_console(min_width: int = MIN_WIDTH) -> Console:
    """The console for a command's result: stdout, no automatic highlighting of numbers.

    A terminal keeps its own width (rich fits the tables to it); a file or a pipe gets at
    least ``min_width`` columns, so a saved summary is not cut at 80.

    >>> stdout_console().print("[bold]Done[/]")      # doctest: +SKIP
    """
    from rich.console import Console

    probe = Console()
    if probe.is_terminal:
        return Console(highlight=False)
    return Console(width=max(probe.width, min_width), highlight=False)


# ---------------------------------------------------------------------- tables
def portfolios_table(result: Result) -> Table:
    """Ranked portfolios: value, % of best, cost and budget left per year, changes vs #1.

    >>> stdout_console().print(portfolios_table(result))    # doctest: +SKIP
    """
    from rich.table import Table

    fiscal_years = result.problem.fiscal_years
    table = Table(title="Ranked portfolios (¥ million)", title_justify="left")
    for name in ("#", "value", "% of best"):
        table.add_column(name, justify="right")
    for fy in fiscal_years:
        table.add_column(f"cost {fy}", justify="right")
    for fy in fiscal_years:
        table.add_column(f"left {fy}", justify="right")
    for name in ("projects", "countries"):
        table.add_column(name, justify="right")
    table.add_column("changes vs #1", min_width=len("changes vs #1"))
    for p in result.portfolios:
        table.add_row(
            str(p.rank), f"{p.objective:,.3f}", f"{p.share_of_best:.1%}",
            *[f"{p.cost_by_year[fy]:,.0f}" for fy in fiscal_years],
            *[f"{p.budget_left[fy]:,.0f}" for fy in fiscal_years],
            str(p.n_projects), str(p.n_countries), changes(p),
        )
    return table


def partner_table(portfolio: Portfolio) -> Table:
    """Portfolio 1's packages: one row per partner, its items (units where whole) under it."""
    from rich.markup import escape
    from rich.table import Table

    from osa_opt.text import yen

    table = Table(title="Portfolio 1 by partner (one agreement each)", title_justify="left")
    table.add_column("partner")
    table.add_column("package", justify="right")
    table.add_column("items", overflow="fold")
    for pk in portfolio.packages:
        items = [p + (f" ({portfolio.units_text(p)})" if portfolio.units_text(p) else "")
                 for p in pk["projects"]]
        table.add_row(escape(pk["country"]), yen(pk["total_cost"]), escape(", ".join(items)))
    return table


def changes(portfolio: Portfolio, limit: int = MAX_CHANGES_SHOWN) -> str:
    """``+P-49 −P-42``: projects added and dropped against portfolio 1 (``—`` when none)."""
    from rich.markup import escape

    items = [f"+{p}" for p in portfolio.added] + [f"−{p}" for p in portfolio.dropped]
    if not items:
        return "—"
    shown = escape(" ".join(items[:limit]))
    more = len(items) - limit
    return f"{shown} … ({more} more)" if more > 0 else shown


def budget_rows(portfolio: Portfolio) -> list[tuple[str, float, float, float, float]]:
    """Per fiscal year: (fiscal year, budget, used, left, share used), ¥ million.

    >>> budget_rows(result.best)[0]                    # doctest: +SKIP
    ('FY2026', 18100.0, 18100.0, 0.0, 1.0)
    """
    rows = []
    for fy, budget in portfolio.problem.budget.items():
        used = float(portfolio.cost_by_year[fy])
        share = used / budget if budget else 0.0
        rows.append((str(fy), float(budget), used, float(budget) - used, share))
    return rows


def budget_table(portfolio: Portfolio) -> Table:
    """Budget use of one portfolio per fiscal year: budget, used, left, % used."""
    from rich.table import Table

    table = Table(title=f"Budget use of portfolio {portfolio.rank} (¥ million)",
                  title_justify="left")
    table.add_column("fiscal year")
    for name in ("budget", "used", "left", "% used"):
        table.add_column(name, justify="right")
    for fy, budget, used, left, share in budget_rows(portfolio):
        table.add_row(fy, f"{budget:,.0f}", f"{used:,.0f}", f"{left:,.0f}", f"{share:.1%}")
    return table


def exclusion_counts(result: Result, top: int = TOP_REASONS) -> list[tuple[str, int]]:
    """Why projects are out of portfolio 1, most frequent first.

    One entry per eligibility reason code (a project failing two rules counts under
    both), the rarest beyond ``top`` summed as ``"other reasons"``, then
    ``"eligible, not selected"``: eligible projects portfolio 1 leaves out.

    >>> exclusion_counts(result)                        # doctest: +SKIP
    [('no management agreement', 2), ('status excluded', 2), ('eligible, not selected', 13)]
    """
    by_reason = result.problem.summary()["ineligible_by_reason"]
    ranked = sorted(by_reason.items(), key=lambda item: (-item[1], item[0]))
    if len(ranked) == top + 1:  # "other reasons" would stand for a single one
        top += 1
    rows = [(str(code), int(n)) for code, n in ranked[:top]]
    rest = sum(n for _, n in ranked[top:])
    if rest:
        rows.append(("other reasons", int(rest)))
    if result.best is not None:
        unfunded = result.unfunded
        rows.append(("eligible, not selected", int(unfunded["eligible"].sum())))
    return rows


def exclusion_table(result: Result, top: int = TOP_REASONS) -> Table:
    """Top reasons for exclusion as a two-column table (see :func:`exclusion_counts`)."""
    from rich.markup import escape
    from rich.table import Table

    where = "portfolio 1" if result.best is not None else "every portfolio"
    table = Table(title=f"Why projects are not in {where}", title_justify="left")
    table.add_column("reason")
    table.add_column("projects", justify="right")
    for reason, n in exclusion_counts(result, top):
        table.add_row(escape(reason), str(n))
    return table


def exclusion_note(result: Result, top: int = TOP_REASONS) -> str | None:
    """The line under the exclusion table when its counts add up to more than the projects
    left out (a project that fails two eligibility rules counts under both); else None.

    >>> exclusion_note(result)                          # doctest: +SKIP
    '19 projects in all: a project that fails several rules counts under each.'
    """
    left_out = len(result.unfunded)
    if sum(n for _, n in exclusion_counts(result, top)) <= left_out:
        return None
    return f"{left_out} projects in all: a project that fails several rules counts under each."


def shown_folder(folder: Path) -> str:
    """The folder relative to the current one when it lies inside it, else as given.

    >>> shown_folder(Path.cwd() / "outputs" / "run-1")
    'outputs/run-1'
    """
    try:
        return str(Path(folder).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(folder)


def wrote_line(folder: Path, sheets: Sequence[str] = ()) -> str:
    """``Wrote outputs/<run>/: run.json, portfolios.xlsx, …``: every file the folder holds.

    The run files come in their usual order (``manifest.RUN_FILES``), then any others
    (``frontier.png``); ``sheets`` names the workbook sheets an analysis added. Every
    command that writes a run folder ends with this line, so they all read alike.

    >>> wrote_line(folder, ["frontier", "funding_order"])             # doctest: +SKIP
    'Wrote outputs/run/: run.json, …, frontier.png (workbook sheets frontier and funding_order)'
    """
    from rich.markup import escape

    from osa_opt.outputs.manifest import RUN_FILES

    present = sorted(f.name for f in Path(folder).iterdir() if not f.name.startswith("."))
    names = [n for n in RUN_FILES if n in present] + [n for n in present if n not in RUN_FILES]
    line = f"Wrote {shown_folder(folder)}/: {', '.join(names)}"
    if sheets:
        listed = (", ".join(sheets[:-1]) + " and " + sheets[-1]) if len(sheets) > 1 else sheets[0]
        line += f" (workbook sheet{'s' if len(sheets) > 1 else ''} {listed})"
    return escape(line)


def print_notes(console: Console, notes: Sequence[str]) -> None:
    """Each note on its own line, marked in yellow."""
    from rich.markup import escape

    for note in notes:
        console.print(f"[yellow]Note:[/] {escape(note)}")


def print_solve_summary(console: Console, result: Result) -> None:
    """What ``osa-opt solve`` prints: the problem line, portfolios, budget use, reasons."""
    from rich.markup import escape

    problem = result.problem
    summary = problem.summary()
    budget = ", ".join(f"{fy} ¥{amount:,.0f}m" for fy, amount in problem.policy.budget.items())
    console.print(f"[bold]{escape(problem.policy.name)}[/]: {summary['projects']} projects "
                  f"({summary['eligible']} eligible) in {summary['countries']} countries; "
                  f"budget {budget}.")
    if result.portfolios:
        console.print(escape(result.portfolios[0].partners_line))
        console.print(partner_table(result.portfolios[0]))
        console.print(portfolios_table(result))
        console.print(budget_table(result.portfolios[0]))
    console.print(exclusion_table(result))
    note = exclusion_note(result)
    if note:
        console.print(note)
    console.print(escape(result.status_message))
