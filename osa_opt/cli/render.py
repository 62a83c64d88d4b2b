"""Terminal rendering every command can share: the stdout console and tables.

Everything here prints with rich and escapes text that came from the inputs (a country
called ``[bold]x`` prints as typed). Commands build their output from these pieces (the
progress bar on stderr is :func:`osa_opt.cli.progress.progress_bar`):

>>> from osa_opt.cli.render import stdout_console, portfolios_table
>>> stdout_console().print(portfolios_table(result))
Ranked portfolios (cost in ¥ million; value is a score, see below)
┏━━━━━━┳━━━━━━━━━┳━━━━━━━━━━┳━━━━━━━━┳━━━━━━━━┳━━━━━━━━━━┳━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┓
┃      ┃         ┃ Share of ┃   Cost ┃   Left ┃          ┃           ┃                             ┃
┃      ┃         ┃ the best ┃ FY2026 ┃ FY2026 ┃          ┃           ┃                             ┃
┃ Rank ┃   Value ┃    value ┃   (¥m) ┃   (¥m) ┃ Projects ┃ Countries ┃ Changes against portfolio 1 ┃
┡━━━━━━╇━━━━━━━━━╇━━━━━━━━━━╇━━━━━━━━╇━━━━━━━━╇━━━━━━━━━━╇━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┩
│    1 │ 171.239 │   100.0% │ 17,800 │    300 │       29 │        13 │ —                           │
│    2 │ 171.003 │    99.9% │ 17,800 │    300 │       29 │        13 │ +P-13 +P-33 −P-14 −P-32     │
│    3 │ 170.206 │    99.4% │ 17,200 │    900 │       29 │        13 │ +P-33 −P-32                 │
└──────┴─────────┴──────────┴────────┴────────┴──────────┴───────────┴─────────────────────────────┘

Heavy imports (rich, pandas) happen inside the functions, so importing this module from a
command module costs nothing at ``osa-opt --help`` time.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

# the console and fitting a table to it, re-exported: commands import them from here
from osa_opt.cli.console import MIN_WIDTH as MIN_WIDTH
from osa_opt.cli.console import Prose
from osa_opt.cli.console import first_fitting as first_fitting
from osa_opt.cli.console import fits as fits
from osa_opt.cli.console import head as head
from osa_opt.cli.console import left_out_note as left_out_note
from osa_opt.cli.console import print_words as print_words
from osa_opt.cli.console import stdout_console as stdout_console
from osa_opt.cli.console import table_title as table_title
from osa_opt.cli.decision import change_lines, decision_table
from osa_opt.inputs.forced import forced_cost
from osa_opt.result.facts import REQUIRES_UNFUNDABLE as REQUIRES_UNFUNDABLE
from osa_opt.text import NO_BREAK, counted, fixed, fraction_change, money, share_text, yen

if TYPE_CHECKING:
    from rich.console import Console, RenderableType
    from rich.table import Table

    from osa_opt.inputs.problem import Problem
    from osa_opt.result import Portfolio, Result

#: Changes against portfolio 1 shown in a table cell before "… (n more)".
MAX_CHANGES_SHOWN = 4
#: Reasons for exclusion listed before the rest are summed up.
TOP_REASONS = 5
#: Projects forced in or out listed one a line before "… and N more".
MAX_FORCED_SHOWN = 10


# ---------------------------------------------------------------------- tables
def portfolios_table(result: Result, console: Console | None = None) -> RenderableType:
    """Ranked portfolios: value, share of the best value, cost (and budget left) per year,
    changes against portfolio 1.

    The widest layout that fits the console: every column; without the budget left per
    year (the budget table shows portfolio 1's); then with the years stacked in one cell;
    last without the changes, which the lines under the table spell out (at 80 columns a
    three-year round's changes were cut to "+P-00"). Numbers never wrap or get cut; the
    changes wrap.

    >>> stdout_console().print(portfolios_table(result))
    Ranked portfolios (cost in ¥ million; value is a score, see below)
    ┏━━━━━━┳━━━━━━━━━┳━━━━━━━━━━┳━━━━━━━━┳━━━━━━━━┳━━━━━━━━━━┳━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┓
    ┃      ┃         ┃ Share of ┃   Cost ┃   Left ┃          ┃           ┃                             ┃
    ┃      ┃         ┃ the best ┃ FY2026 ┃ FY2026 ┃          ┃           ┃                             ┃
    ┃ Rank ┃   Value ┃    value ┃   (¥m) ┃   (¥m) ┃ Projects ┃ Countries ┃ Changes against portfolio 1 ┃
    ┡━━━━━━╇━━━━━━━━━╇━━━━━━━━━━╇━━━━━━━━╇━━━━━━━━╇━━━━━━━━━━╇━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┩
    │    1 │ 171.239 │   100.0% │ 17,800 │    300 │       29 │        13 │ —                           │
    │    2 │ 171.003 │    99.9% │ 17,800 │    300 │       29 │        13 │ +P-13 +P-33 −P-14 −P-32     │
    │    3 │ 170.206 │    99.4% │ 17,200 │    900 │       29 │        13 │ +P-33 −P-32                 │
    └──────┴─────────┴──────────┴────────┴────────┴──────────┴───────────┴─────────────────────────────┘
    """
    return first_fitting(console or stdout_console(), portfolios_layouts(result))


def portfolios_layouts(result: Result) -> list[Table]:
    """The layouts of :func:`portfolios_table`, widest first."""
    layouts = [_portfolios_layout(result, left=True, stacked=False),
               _portfolios_layout(result, left=False, stacked=False),
               _portfolios_layout(result, left=False, stacked=True)]
    if len(result.portfolios) > 1:  # the changes under the table, the rest as above
        layouts += [_portfolios_layout(result, left=True, stacked=False, changes=False),
                    _portfolios_layout(result, left=False, stacked=False, changes=False),
                    _portfolios_layout(result, left=False, stacked=True, changes=False)]
    return layouts


def _portfolios_layout(result: Result, *, left: bool, stacked: bool, changes: bool = True
                       ) -> Table:
    from rich.table import Table

    fiscal_years = result.problem.fiscal_years
    table = Table(title=table_title("Ranked portfolios (cost in ¥ million; value is a score, "
                                    "see below)"),
                  caption=None if changes else table_title(
                      "What each portfolio changes against portfolio 1: below.",
                      "table.caption"))
    for name in ("rank", "value", "share_of_best"):
        table.add_column(head(name), justify="right", no_wrap=True)
    if stacked:
        table.add_column("Cost per\nyear (¥m)", justify="right", no_wrap=True)
    else:
        for fy in fiscal_years:
            table.add_column(head(f"cost_{fy}"), justify="right", no_wrap=True)
    if left:
        for fy in fiscal_years:
            table.add_column(head(f"left_{fy}"), justify="right", no_wrap=True)
    for name in ("n_projects", "n_countries"):
        table.add_column(head(name), justify="right", no_wrap=True)
    if changes:
        table.add_column("Changes against portfolio 1", min_width=10, ratio=1)
    for p in result.portfolios:
        costs = [money(p.cost_by_year[fy], whole=True) for fy in fiscal_years]
        cells = ["\n".join(f"{fy} {c}" for fy, c in zip(fiscal_years, costs, strict=True))] \
            if stacked else costs
        if left:
            cells += [money(p.budget_left[fy], whole=True) for fy in fiscal_years]
        table.add_row(str(p.rank), fixed(p.objective), share_text(p.share_of_best), *cells,
                      f"{p.n_projects:,}", f"{p.n_countries:,}",
                      *([changes_cell(p)] if changes else []))
    return table


def change_items(portfolio: Portfolio, limit: int = MAX_CHANGES_SHOWN) -> list[str]:
    """Projects added (``+P-49``) and dropped (``−P-42``) against portfolio 1, those funded
    at another fraction (``P-36 90%→80%``), the first ``limit`` of them, then ``… (3 more)``
    (``—`` when none)."""
    items = [f"+{p}" for p in portfolio.added] + [f"−{p}" for p in portfolio.dropped]
    items += [fraction_change(*change) for change in portfolio.fraction_changes]
    if not items:
        return ["—"]
    more = len(items) - limit
    return items[:limit] + ([f"… ({more:,} more)"] if more > 0 else [])


def changes_cell(portfolio: Portfolio, limit: int = MAX_CHANGES_SHOWN) -> Prose:
    """:func:`change_items` (``+P-49 −P-42 P-36 90%→80%``) as a cell that wraps between
    items, never inside one: "P-16" at the end of a line and "92%→100%" under it read as
    P-16 dropped, and "P-" | "000268 95%→94" | "%" as nothing at all; a layout whose
    column is narrower than its longest item does not fit (the changes go under the table).
    ``str()`` of the cell is its text as printed."""
    return Prose(" ".join(item.replace(" ", NO_BREAK)
                          for item in change_items(portfolio, limit)), whole_words=True)


def budget_rows(portfolio: Portfolio) -> list[tuple[str, float, float, float, float]]:
    """Per fiscal year: (fiscal year, budget, used, left, share used), ¥ million.

    >>> budget_rows(result.best)[0]
    ('FY2026', 18100.0, 17800.0, 300.0, 0.9834254143646409)
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

    table = Table(title=table_title(f"Budget use of portfolio {portfolio.rank} (¥ million)"))
    table.add_column("Fiscal year")
    for name in ("Budget", "Used", "Left", "Share used"):
        table.add_column(name, justify="right")
    for fy, budget, used, left, share in budget_rows(portfolio):
        table.add_row(fy, money(budget, whole=True), money(used, whole=True),
                      money(left, whole=True), share_text(share))
    return table


def exclusion_counts(result: Result, top: int = TOP_REASONS) -> list[tuple[str, int]]:
    """Why projects are out of portfolio 1, most frequent first.

    One entry per eligibility rule's reason code (a project failing two rules counts under
    both), the rarest beyond ``top`` summed as ``"other reasons"``; then the round's own
    decisions, each as ``"forced out: status excluded"`` or ``"forced out: cost in another
    year"`` (a project the projects sheet forces out is not ineligible: the report and
    ``osa-opt validate`` count it apart, :func:`~osa_opt.inputs.eligibility.out_words`);
    then :data:`REQUIRES_UNFUNDABLE`: eligible projects that require, directly or through
    others, one that cannot be funded (``problem.unfundable``), then ``"eligible, not
    selected"``: the other eligible projects portfolio 1 leaves out (each row when there are
    any: empty when every project is in portfolio 1).

    >>> exclusion_counts(result, top=2)
    [('country is a party to a conflict', 1), ('linked to an international dispute', 1), ('other reasons', 2), ('forced out: status excluded', 1), ('eligible, not selected', 4)]
    """
    from osa_opt.inputs.eligibility import OUT_OF_ROUND, code_of

    # every project out, forced out too (problem.summary()'s ineligible_by_reason counts
    # only those a rule keeps out), the round's decisions apart from the rules
    elig = result.problem.eligibility
    by_reason: dict[str, int] = {}
    for reasons in elig["reasons"][~elig["eligible"].astype(bool)]:
        for r in reasons:
            by_reason[code_of(r)] = by_reason.get(code_of(r), 0) + 1
    decided = [(f"forced out: {code}", by_reason.pop(code)) for code in sorted(OUT_OF_ROUND)
               if code in by_reason]
    ranked = sorted(by_reason.items(), key=lambda item: (-item[1], item[0]))
    if len(ranked) == top + 1:  # "other reasons" would stand for a single one
        top += 1
    rows = [(str(code), int(n)) for code, n in ranked[:top]]
    rest = sum(n for _, n in ranked[top:])
    if rest:
        rows.append(("other reasons", int(rest)))
    rows += [(code, int(n)) for code, n in sorted(decided, key=lambda item: -item[1])]
    if result.best is not None:
        unfunded = result.unfunded
        out = unfunded.index[unfunded["eligible"].to_numpy(dtype=bool)]
        unfundable = result.problem.unfundable
        blocked = sum(1 for p in out if p in unfundable) if unfundable else 0
        if blocked:  # a reason no project has is no row
            rows.append((REQUIRES_UNFUNDABLE, blocked))
        if len(out) > blocked:
            rows.append(("eligible, not selected", len(out) - blocked))
    return rows


def exclusion_table(result: Result, top: int = TOP_REASONS) -> Table:
    """Top reasons for exclusion as a two-column table (see :func:`exclusion_counts`)."""
    from rich.markup import escape
    from rich.table import Table

    where = "portfolio 1" if result.best is not None else "every portfolio"
    table = Table(title=table_title(f"Why projects are not in {where}"))
    table.add_column("Reason")
    table.add_column("Projects", justify="right")
    for reason, n in exclusion_counts(result, top):
        table.add_row(escape(reason), f"{n:,}")
    return table


def exclusion_note(result: Result, top: int = TOP_REASONS) -> str | None:
    """The line under the exclusion table when a project is forced out (counted apart from
    the ineligible ones, as the report's Eligible projects card and ``osa-opt validate``
    count them: :func:`~osa_opt.inputs.eligibility.out_words`) or its counts add up to more
    than the projects left out (a project that fails two eligibility rules counts under
    both); else None.

    >>> exclusion_note(result)
    '9 projects not in portfolio 1: 4 ineligible, 1 forced out, 4 eligible.'
    """
    from osa_opt.inputs.eligibility import out_counts, out_words

    left_out = len(result.unfunded)
    ineligible, forced = out_counts(result.problem.eligibility)
    several = sum(n for _, n in exclusion_counts(result, top)) > left_out
    if not forced and not several:
        return None
    eligible = left_out - ineligible - forced if result.best is not None else 0
    parts = ", ".join(p for p in (out_words(ineligible, forced),
                                  f"{eligible:,} eligible" if eligible > 0 else "") if p)
    return (f"{counted(left_out, 'project')} not in portfolio 1: {parts}"
            + ("; a project that fails several rules counts under each" if several else "")
            + ".")


def override_lines(overrides: dict[str, list[str]]) -> list[str]:
    """One line per project eligible only by an override: the waived rule and its reason.

    >>> override_lines({"P-38": ["country not ODA-eligible: … — overridden: summit"]})
    ['Eligible by an override: P-38: country not ODA-eligible: … — overridden: summit']
    """
    return [f"Eligible by an override: {pid}: {'; '.join(waived)}"
            for pid, waived in overrides.items()]


def forced_lines(forced: Mapping[str, Mapping[str, Any]], where: str,
                 limit: int = MAX_FORCED_SHOWN) -> list[str]:
    """What the projects sheet forces (``problem.summary()["forced"]``, those forced in
    first), one line per project: id, country, cost (where it stands for one out by the year
    of its cost: :func:`~osa_opt.inputs.forced.forced_cost`), in or out, by which column, and its
    status_reason; past ``limit`` one line counts the rest and says ``where`` each is listed.

    >>> for line in forced_lines(problem.summary()["forced"], "run.json"):
    ...     print(line)
    Forced in: P-01 (Aurelia, ¥900m), status mandatory: FY2025 package that slipped: the exchange of notes was negotiated in FY2025 and is to be signed in FY2026
    Forced out: P-26 (Tavola, ¥500m), status excluded: Deferred at the recipient's request: the training-centre site will not be ready before FY2028
    >>> forced_lines({f"P-{i}": {"country": "X", "total_cost": 1.0, "forced": "out",
    ...                          "by": "status excluded", "status_reason": ""}
    ...               for i in range(12)}, "run.json")[-2:]
    ['Forced out: P-9 (X, ¥1m), status excluded (no status_reason given)', '… and 2 more forced projects (2 out): run.json lists every one.']
    """
    ordered = list(forced.items())
    lines = []
    for pid, f in ordered[:limit]:
        why = f["status_reason"]
        lines.append(f"Forced {f['forced']}: {pid} ({f['country']}, {forced_cost(f)}), "
                     f"{f['by']}" + (f": {why}" if why else " (no status_reason given)"))
    rest = ordered[limit:]
    if rest:
        n_in = sum(1 for _, f in rest if f["forced"] == "in")
        split = ", ".join(part for part in (f"{n_in:,} in" if n_in else "",
                                            f"{len(rest) - n_in:,} out" if len(rest) > n_in
                                            else "") if part)
        lines.append(f"… and {len(rest):,} more forced projects ({split}): {where} lists "
                     "every one.")
    return lines


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
    'Wrote outputs/run/: run.json, …, frontier.png (workbook sheets Frontier and Funding order)'
    """
    from rich.markup import escape

    from osa_opt.outputs.manifest import RUN_FILES
    from osa_opt.text import title

    sheets = [title(s) for s in sheets]  # as the workbook names them
    present = sorted(f.name for f in Path(folder).iterdir() if not f.name.startswith("."))
    names = [n for n in RUN_FILES if n in present] + [n for n in present if n not in RUN_FILES]
    line = f"Wrote {shown_folder(folder)}/: {', '.join(names)}"
    if sheets:
        listed = (", ".join(sheets[:-1]) + " and " + sheets[-1]) if len(sheets) > 1 else sheets[0]
        line += f" (workbook sheet{'s' if len(sheets) > 1 else ''} {listed})"
    return escape(line)


def print_notes(console: Console, notes: Sequence[str]) -> None:
    """Each note on its own line, marked in yellow, wrapped between words
    (:func:`print_words`: no line ends in a space, also in a file)."""
    from rich.markup import escape

    for note in notes:
        print_words(console, f"[yellow]Note:[/] {escape(note)}")


def print_example_note(console: Console, problem: Problem) -> None:
    """That the shipped example's partners are fictional and its numbers illustrative, or
    which numbers of a shipped real round are the public record's and which illustrative
    (:attr:`Problem.input_note`), under the first line of every command run on it (nothing
    for a round of one's own)."""
    if problem.input_note:
        from rich.markup import escape

        print_words(console, f"[yellow]{escape(problem.input_note)}[/]")


def print_solve_summary(console: Console, result: Result) -> None:
    """What ``osa-opt solve`` prints: the problem line, portfolios, budget use, reasons,
    the projects eligible by an override and those the input forces in or out."""
    from rich.markup import escape

    problem = result.problem
    summary = problem.summary()
    budget = ", ".join(f"{fy}{NO_BREAK}{yen(amount)}" for fy, amount in problem.policy.budget.items())
    print_words(console, f"[bold]{escape(problem.title)}[/]: "
                f"{counted(summary['projects'], 'project')} ({summary['eligible']:,} eligible) "
                f"in {counted(summary['countries'], 'country', 'countries')}; "
                f"budget {escape(budget)}.")
    print_example_note(console, problem)
    if result.portfolios:
        from osa_opt.inputs.value_text import value_note
        from osa_opt.result.packages import partners_line

        line = partners_line(result.portfolios[0], glue=NO_BREAK)
        print_words(console, f"[bold]{escape(line)}.[/]")
        layouts = portfolios_layouts(result)
        chosen = first_fitting(console, layouts)
        console.print(chosen)
        left_out = left_out_note(  # the changes a narrow layout leaves out, its caption says
            chosen, layouts, [" ".join(head(f"left_{fy}").split()) for fy in problem.fiscal_years],
            "the budget use table below has portfolio 1's; the workbook's Summary sheet has "
            "every column")
        if left_out:
            print_words(console, left_out)
        print_words(console, f"[dim]{escape(value_note(problem.policy, glue=NO_BREAK))}[/]")
        console.print(decision_table(result.portfolios[0], console))
        for line in change_lines(result):
            print_words(console, line)
        console.print(first_fitting(console, [budget_table(result.portfolios[0])]))
    if exclusion_counts(result):
        console.print(first_fitting(console, [exclusion_table(result)]))
    elif result.best is not None:  # not a table of zeros
        print_words(console, "Every project is in portfolio 1.")
    note = exclusion_note(result)
    if note:
        print_words(console, note)
    for line in override_lines(summary["overrides"]):
        print_words(console, escape(line))
    for line in forced_lines(summary["forced"], "run.json (problem.forced)"):
        print_words(console, escape(line))
    print_words(console, escape(result.status_message))
