"""The decision in the terminal: portfolio 1 by partner with its items (:func:`decision_table`),
and what each other portfolio changes, fractions included (:func:`change_lines`).

Heavy imports (rich) happen inside the functions, as in :mod:`osa_opt.cli.render`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from osa_opt.cli.console import Prose, first_fitting, head, stdout_console, table_title
from osa_opt.text import counted, id_list, money, percents_apart, share_text, yen

if TYPE_CHECKING:
    from rich.console import Console, RenderableType
    from rich.table import Table

    from osa_opt.result import Portfolio, Result

#: Projects of portfolio 1 listed by partner in the terminal (the workbook has them all).
MAX_DECISION_ROWS = 60
#: The widest a partner's name is in the table by partner ("Papua New Guinea" fits on one
#: line): a longer official name wraps between words.
PARTNER_WIDTH = 24
#: Portfolios after the first whose changes are spelt out in the terminal.
MAX_CHANGE_LINES = 9


def funded_text(portfolio: Portfolio, project_id: str) -> str:
    """How much of a funded project: "all", "80%" or "3 of 4 boats"; a part never reads
    "100%" (99.8% is "99.8%")."""
    units = portfolio.units_text(project_id)
    if units:
        return units
    fraction = portfolio.fractions[project_id]
    return "all" if fraction >= 1 - 1e-9 else percents_apart(1.0, fraction)[1]


def decision_table(portfolio: Portfolio, console: Console | None = None,
                   limit: int = MAX_DECISION_ROWS) -> RenderableType:
    """What portfolio 1 funds, by partner: each partner's package (items, ¥m per year),
    then its items: id, title, ¥m per year, and how much of it is funded.

    >>> stdout_console().print(decision_table(result.best))
    Portfolio 1: what is funded, by partner (¥ million)
    ┏━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━┳━━━━━━━━┓
    ┃           ┃                                                                    ┃   Cost ┃        ┃
    ┃ Partner / ┃                                                                    ┃ FY2026 ┃        ┃
    ┃ item      ┃ Title                                                              ┃   (¥m) ┃ Funded ┃
    ┡━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━╇━━━━━━━━┩
    │ Serendel  │ 4 items                                                            │  2,900 │        │
    │   P-05    │ Air-traffic-control radar and related equipment                    │  1,300 │ all    │
    │   P-06    │ ATC radar site: shelter, power supply and tower                    │    400 │ all    │
    │   P-07    │ Rescue boats and diving equipment for the naval SAR unit           │    400 │ all    │
    │   P-08    │ Heavy machinery for disaster response (excavators, dump trucks)    │    800 │ all    │
    ├───────────┼────────────────────────────────────────────────────────────────────┼────────┼────────┤
    │ Aurelia   │ 3 items                                                            │  2,600 │        │
    │   P-01    │ Coastal surveillance radars (3 sites)                              │    900 │ all    │
    │   P-02    │ High-speed patrol boats, new build (two 18 m)                      │  1,200 │ all    │
    │   P-04    │ Boat shelter and slipway for the new patrol boats                  │    500 │ all    │
    ├───────────┼────────────────────────────────────────────────────────────────────┼────────┼────────┤
    │ Sundara   │ 3 items                                                            │  1,900 │        │
    │   P-14    │ Coastal surveillance radar, 3 sites (phase 1 only)                 │    800 │ all    │
    │   P-15    │ Patrol boats for counter-piracy patrols                            │    600 │ all    │
    │   P-16    │ UAVs for surveillance and disaster response                        │    500 │ all    │
    ├───────────┼────────────────────────────────────────────────────────────────────┼────────┼────────┤
    │ Coralia   │ 4 items                                                            │  1,800 │        │
    │   P-09    │ Small patrol boats, RIBs and rescue boats                          │    500 │ all    │
    │   P-10    │ Heavy machinery for disaster response (shovel loaders, bulldozers) │    400 │ all    │
    │   P-11    │ Surveillance UAVs (8) and 2,000 uniforms                           │    300 │ all    │
    │   P-12    │ Relief-goods transport: trucks, forklifts and a landing craft      │    600 │ all    │
    ├───────────┼────────────────────────────────────────────────────────────────────┼────────┼────────┤
    │ Steppara  │ 2 items                                                            │  1,700 │        │
    │   P-32    │ Air-traffic-control radar, new                                     │  1,200 │ all    │
    │   P-34    │ Earthquake-response heavy rescue equipment                         │    500 │ all    │
    ├───────────┼────────────────────────────────────────────────────────────────────┼────────┼────────┤
    │ Kalindra  │ 2 items                                                            │  1,500 │        │
    │   P-27    │ Coastal surveillance radar system and related infrastructure       │  1,100 │ all    │
    │   P-29    │ PKO level-1 field hospital equipment                               │    400 │ all    │
    ├───────────┼────────────────────────────────────────────────────────────────────┼────────┼────────┤
    │ Nalumea   │ 3 items                                                            │  1,500 │        │
    │   P-19    │ Coastal surveillance radar and transmission tower                  │    700 │ all    │
    │   P-20    │ Rescue boats and outboard motors                                   │    300 │ all    │
    │   P-21    │ Heavy machinery for disaster response (road clearing)              │    500 │ all    │
    ├───────────┼────────────────────────────────────────────────────────────────────┼────────┼────────┤
    │ Tavola    │ 2 items                                                            │  1,100 │        │
    │   P-24    │ Maritime search-and-rescue equipment and UAVs                      │    600 │ all    │
    │   P-25    │ Counter-terrorism communications and protective equipment          │    500 │ all    │
    ├───────────┼────────────────────────────────────────────────────────────────────┼────────┼────────┤
    │ Motuana   │ 2 items                                                            │    800 │        │
    │   P-22    │ Wharf and boat ramp for the patrol boats                           │    500 │ all    │
    │   P-23    │ Prepositioned disaster-relief supplies                             │    300 │ all    │
    ├───────────┼────────────────────────────────────────────────────────────────────┼────────┼────────┤
    │ Opalind   │ 1 item                                                             │    800 │        │
    │   P-38    │ Maritime patrol aircraft sensor upgrade                            │    800 │ all    │
    ├───────────┼────────────────────────────────────────────────────────────────────┼────────┼────────┤
    │ Kantoro   │ 1 item                                                             │    500 │        │
    │   P-30    │ Heavy machinery for flood response                                 │    500 │ all    │
    ├───────────┼────────────────────────────────────────────────────────────────────┼────────┼────────┤
    │ Lumaris   │ 1 item                                                             │    400 │        │
    │   P-18    │ Search-and-rescue UAVs and ground control stations                 │    400 │ all    │
    ├───────────┼────────────────────────────────────────────────────────────────────┼────────┼────────┤
    │ Dravina   │ 1 item                                                             │    300 │        │
    │   P-37    │ Disaster-response UAVs (own exchange of notes)                     │    300 │ all    │
    └───────────┴────────────────────────────────────────────────────────────────────┴────────┴────────┘
    """
    layouts = [_decision_layout(portfolio, stacked=False, limit=limit),
               _decision_layout(portfolio, stacked=True, limit=limit)]
    return first_fitting(console or stdout_console(), layouts)


def _decision_layout(portfolio: Portfolio, *, stacked: bool, limit: int) -> Table:
    from rich.markup import escape
    from rich.table import Table

    years = portfolio.problem.fiscal_years
    df = portfolio.projects
    n = portfolio.n_projects
    shown = f" (the first {limit} of {n:,} projects; portfolios.xlsx has all)" if n > limit else ""
    table = Table(title=table_title(f"Portfolio {portfolio.rank}: what is funded, by partner "
                                    f"(¥ million){shown}"))
    # a partner's long official name wraps between words in its column rather than push
    # the table too wide for the terminal (one block per row, as records)
    table.add_column("Partner /\nitem", max_width=PARTNER_WIDTH)
    table.add_column("Title", ratio=1, min_width=12)
    if stacked:
        table.add_column("Cost per\nyear (¥m)", justify="right", no_wrap=True)
    else:
        for fy in years:
            table.add_column(head(f"cost_{fy}"), justify="right", no_wrap=True)
    table.add_column("Funded", no_wrap=True)

    def costs(amounts: list[float]) -> list[str]:
        cells = [money(a, whole=True) for a in amounts]
        if stacked:
            return ["\n".join(f"{fy} {c}" for fy, c in zip(years, cells, strict=True))]
        return cells

    rows = 0
    for package in portfolio.packages:
        if rows >= limit:
            break
        k = len(package["projects"])
        table.add_row(Prose(package["country"], style="bold"),
                      f"[bold]{counted(k, 'item')}[/]",
                      *costs([package["cost_by_year"][fy] for fy in years]), "", style="bold")
        for pid in package["projects"][:max(0, limit - rows)]:
            row = df.loc[pid]
            table.add_row(f"  {escape(str(pid))}", escape(str(row["title"])),
                          *costs([float(row[f"cost_{fy}"]) for fy in years]),
                          escape(funded_text(portfolio, pid)))
            rows += 1
        table.add_section()
    return table


def change_lines(result: Result, limit: int = MAX_CHANGE_LINES) -> list[str]:
    """For each portfolio after the first, what changes against portfolio 1, in words:
    projects added and dropped (title, partner, ¥m) and fractions or units that differ."""
    from rich.markup import escape

    lines = []
    problem = result.problem
    projects = problem.input_projects  # once: each access copies
    for p in result.portfolios[1:limit + 1]:
        parts = []

        def item(pid: str) -> str:
            # the project's whole cost, as the report's table of what changes gives it,
            # written as the terminal's other prose writes money (¥1,200.5m)
            return (f"{pid} {projects.at[pid, 'title']} ({projects.at[pid, 'country']}, "
                    f"{yen(problem.total_cost[pid])})")

        # the projects of a clause joined by "and", the clauses by ";": "drops A (Sri
        # Lanka, ¥500m); B (Malaysia, ¥3,100m)" read as B dropped by a clause of its own,
        # and a title with a ";" in it as two projects
        for verb, ids in (("adds", p.added), ("drops", p.dropped)):
            if ids:
                parts.append(f"{verb} " + id_list(map(item, ids), limit=len(ids)))
        for pid, before, after in p.fraction_changes:
            ref = p.reference
            was = ref.units_text(pid) if ref is not None else ""
            now = p.units_text(pid)
            shares = percents_apart(before, after)
            parts.append(f"funds {pid} {projects.at[pid, 'title']} "
                         f"{now or shares[1]} instead of {was or shares[0]}")
        text = "; ".join(parts) if parts else "the same projects"
        lines.append(f"[bold]Portfolio {p.rank}[/] ({share_text(p.share_of_best)} of the best value): "
                     f"{escape(text)}.")
    hidden = len(result.portfolios) - 1 - limit
    if hidden > 0:
        lines.append(f"… and {hidden:,} more portfolios: see portfolios.xlsx.")
    return lines
