"""``osa-opt frontier [INPUT]``: the exact frontier over a budget sweep, and the funding order."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from osa_opt.cli.common import (
    PlainFloatRange,
    PlainIntRange,
    input_options,
    out_option,
    output_options,
)
from osa_opt.cli.console import Prose, head, table_title
from osa_opt.cli.progress import WRITING, progress_bar, stderr_console
from osa_opt.text import (
    NO_BREAK,
    code_label,
    counted,
    fixed,
    money_column,
    percent,
    title,
    yen,
)

if TYPE_CHECKING:
    from osa_opt.analysis.frontier import FrontierAnalysis
    from osa_opt.analysis.funding_order import FundingOrderAnalysis
    from osa_opt.result import Result

#: Places of the funding line shown in the terminal (all of them are in the workbook).
TOP_OF_ORDER = 15


@click.command("frontier")
@input_options
@click.option("--start", type=PlainFloatRange(min=0, min_open=True), metavar="SHARE",
              help="Smallest budget of the sweep as a share of the policy budget, e.g. 0.25 "
                   "(policy key frontier.start).")
@click.option("--stop", type=PlainFloatRange(min=0, min_open=True), metavar="SHARE",
              help="Largest budget of the sweep as a share of the policy budget, e.g. 1.5 "
                   "(frontier.stop).")
@click.option("--steps", type=PlainIntRange(min=1), metavar="N",
              help="Number of budget levels in the sweep (frontier.steps).")
@out_option
@output_options
def command(
    input_path: Path | None,
    policy_path: Path | None,
    budgets: tuple[str, ...],
    sets: tuple[str, ...],
    start: float | None,
    stop: float | None,
    steps: int | None,
    out_dir: Path | None,
    as_json: bool,
    quiet: bool,
) -> None:
    """Exact optimum over a budget sweep beside the greedy ranking, and a funding order.

    Every fiscal year's budget is scaled by each level of the sweep (default 25% to 150%
    of the policy budget in 11 steps of 12.5%, 100% always among them) and solved exactly on one persistent model; the
    greedy benefit/cost curve is computed beside it. The funding order is one priority
    list valid at every level (what is funded at a lower budget stays funded at a higher
    one): each project's place in the line, and what the nesting costs per level. Levels
    whose rules cannot be met are reported as infeasible. Writes run.json,
    portfolios.xlsx (sheets Frontier, Funding order, Funding levels), portfolios.csv
    (portfolio 1 at the policy budget), policy.toml, report.html and frontier.png.

    \b
    Examples:
      osa-opt frontier
      osa-opt frontier my_round.xlsx --start 0.5 --stop 1.25 --steps 6
      osa-opt frontier --budget FY2026=20000 --json > frontier.json

    Exit codes: 0 at least one level can be met, 2 bad input, 3 no level of the sweep
    can be met, 4 no solution found in time.
    """
    from osa_opt.analysis.frontier import sweep_shares
    from osa_opt.cli.common import load_from_cli
    from osa_opt.outputs.safe import check_target
    from osa_opt.run_folder import write_run
    from osa_opt.solving.solver import stdout_to_stderr
    from osa_opt.workflows import frontier

    if out_dir is not None:
        check_target(out_dir, "--out")  # refuse before spending time on the solves
    err = stderr_console()
    show = not (quiet or as_json)
    t0 = time.perf_counter()
    extra = {f"frontier.{key}": value for key, value in
             (("start", start), ("stop", stop), ("steps", steps)) if value is not None}
    problem = load_from_cli(input_path, policy_path, budgets, sets, extra=extra)
    read_seconds = time.perf_counter() - t0
    shares = sweep_shares(problem.policy)
    # HiGHS may print on file descriptor 1: keep stdout for the table or the JSON alone.
    with stdout_to_stderr(), progress_bar(len(shares) + 1, "budget level 1", show,
                                          console=err) as advance:
        result = frontier(problem, shares, progress=advance)
        result.timings["read_seconds"] = round(read_seconds, 4)
        advance.phase(WRITING)  # shown while the folder is written, as solve does
        folder = write_run(result, out_dir, option="--out")
    fr, order = result.analyses["frontier"], result.analyses["funding_order"]
    if as_json:
        from osa_opt.cli.common import print_json

        print_json(json_payload(fr, order, folder))
    elif show:
        _render(result, fr, order, folder)
    if fr.feasible.empty:
        code = result.status.exit_code if result.status.exit_code != 0 else 3
        err.print("[bold red]No level of the sweep can be met[/]: at every budget some rule "
                  "(mandatory projects, shares, min_countries, fund_every_tier) fails. Loosen "
                  "a rule or sweep larger budgets with --stop.", highlight=False)
        if result.message:
            from rich.markup import escape

            err.print(f"At the policy budget: {escape(result.message)}", highlight=False)
        raise click.exceptions.Exit(code)


def json_payload(fr: FrontierAnalysis, order: FundingOrderAnalysis, folder: Path) -> dict[str, Any]:
    """What ``--json`` prints: ``points``, ``funding_order``, ``levels`` and the run folder."""
    fo = order.to_dict()
    return {
        "points": fr.to_dict()["points"],
        "funding_order": fo["order"],
        "levels": fo["levels"],
        "funding_order_status": fo["status"],
        "run_folder": str(folder),
    }


def _render(result: Result, fr: FrontierAnalysis, order: FundingOrderAnalysis,
            folder: Path) -> None:
    from rich.markup import escape

    from osa_opt.cli.render import (
        first_fitting,
        left_out_note,
        print_example_note,
        print_notes,
        print_words,
        stdout_console,
        wrote_line,
    )

    console = stdout_console()
    problem = result.problem
    budget = ", ".join(f"{fy} {yen(amount)}" for fy, amount in problem.policy.budget.items())
    print_words(console, f"[bold]{escape(problem.title)}[/]: budget sweep around {budget}.")
    print_example_note(console, problem)
    layouts = [
        _frontier_table(result, fr, order, years=True),
        _frontier_table(result, fr, order, years=False),
        _frontier_table(result, fr, order, years=False, level=False),
        _frontier_table(result, fr, order, years=False, level=False, nested=False),
        _frontier_table(result, fr, order, years=False, level=False, nested=False,
                        greedy=False)]
    chosen = first_fitting(console, layouts)
    console.print(chosen)
    left_out = left_out_note(  # a narrow terminal: columns left out, never numbers cut short
        chosen, layouts, ("Greedy value", "Gain", "Nested value", "Nesting cost"),
        f"the workbook's {title('frontier')} sheet has every column")
    if left_out:
        print_words(console, left_out)
    print_words(console, f"[dim]{escape(_table_note(fr, problem))}[/]")
    if not order.order.empty:
        console.print(first_fitting(console, [_order_table(order, country=True),
                                              _order_table(order, country=False)]))
        for line in _around_portfolio_1(order, fr):
            print_words(console, line)
    elif order.outcome is not None:
        print_words(console, f"[yellow]No funding order[/]: the solve ended {order.status}.")
    best = result.best
    if best is not None:
        print_words(console, f"At the policy budget the optimum is worth {fixed(best.objective)} "
                             f"({counted(best.n_projects, 'project')}).")
    print_words(console, wrote_line(folder, ["frontier", "funding_order", "funding_levels"]))
    print_notes(console, result.notes)


def _table_note(fr: FrontierAnalysis, problem: Any) -> str:
    """What the table's words mean: the star (only when a row has one), the nested columns,
    and that values are scores."""
    from osa_opt.inputs.value_text import value_formula

    star = ("* the greedy ranking breaks a policy rule other than the budgets there (its "
            "value is shown as is). " if not fr.points["greedy_meets_rules"].all() else "")
    return (f"{star}Exact value: the best portfolio at that budget; greedy value: projects "
            "funded in order of value per yen while they fit; gain: exact minus greedy. "
            "Nested value: the value at that level "
            "when each level keeps every project of the levels below (a funding order); "
            "nesting cost: what keeping that order costs against the exact value. Values "
            f"are scores, not money: {value_formula(problem.policy, glue=NO_BREAK)}")


def _frontier_table(result: Result, fr: FrontierAnalysis, order: FundingOrderAnalysis, *,
                    years: bool, level: bool = True, nested: bool = True,
                    greedy: bool = True) -> Any:
    """One row per budget level; ``years`` adds each fiscal year's budget (else the total),
    ``level`` the level's number, ``nested`` the funding order's nested value and cost,
    ``greedy`` the greedy value and the gain (narrower layouts leave them out)."""
    from rich.table import Table

    problem = result.problem
    table = Table(title=table_title("Efficient frontier and funding order (budget in "
                                    "¥ million)"))
    for name in ("level", "budget_share") if level else ("budget_share",):
        table.add_column(head(name), justify="right", no_wrap=True)
    amounts = ([head(f"budget_{fy}") for fy in problem.fiscal_years] if years
               else [head("total_budget")])
    for name in amounts:
        table.add_column(name, justify="right", no_wrap=True)
    for name in ("Exact\nvalue", *(("Greedy\nvalue", "Gain") if greedy else ()), "Projects",
                 *(("Nested\nvalue", "Nesting\ncost") if nested else ())):
        table.add_column(name, justify="right", no_wrap=True)
    levels = order.levels
    # as report.html and the workbook show them (Formats.money_as_shown): a level's budget
    # is a share of the policy budget, seldom whole, and each column keeps one number of
    # decimals (4,525.0 above 6,787.5, never 4,525; 25.0% above 37.5%)
    budget_columns = ([f"budget_{fy}" for fy in problem.fiscal_years] if years
                      else ["total_budget"])
    budget_texts = list(zip(*(money_column(fr.points[c]) for c in budget_columns),
                            strict=True))
    shares = fr.points["budget_share"]
    share_digits = int(any("." in percent(s) for s in shares))
    gains, costs = fr.gain_as_shown(), order.nesting_cost_as_shown()  # the columns add up
    for (lv, p), budgets in zip(fr.points.iterrows(), budget_texts, strict=True):
        solved = p["status"] in ("optimal", "time_limit")
        greedy_text = fixed(p['greedy_value']) + ("" if p["greedy_meets_rules"] else "*")
        nested_value = levels.at[lv, "nested_value"] if lv in levels.index else float("nan")
        nested_ok = nested_value == nested_value  # not NaN: the level has a nested value
        share = percent(p["budget_share"], share_digits, trim=not share_digits)
        table.add_row(
            *([str(lv)] if level else []),
            f"[bold]{share}[/]" if abs(p["budget_share"] - 1) < 1e-9 else share,
            *budgets,
            fixed(p['value']) if solved else f"[red]{code_label(p['status'])}[/]",
            *((greedy_text, fixed(gains[lv], sign=True) if solved else "—") if greedy else ()),
            f'{int(p["projects"]):,}' if solved else "—",
            *((fixed(nested_value) if nested_ok else "—",
               fixed(costs[lv]) if nested_ok else "—") if nested else ()),
        )
    return table


def _order_table(order: FundingOrderAnalysis, *, country: bool) -> Any:
    """The top of the funding line: position, project, title (country), first level."""
    from rich.markup import escape
    from rich.table import Table

    line = Table(title=table_title(f"Funding order (top {min(TOP_OF_ORDER, len(order.order))} "
                                   f"of {len(order.order):,}): what to fund first, and to "
                                   "cut last"))
    line.add_column("Place", justify="right", no_wrap=True)
    line.add_column("Project", no_wrap=True)
    line.add_column("Title", ratio=1, min_width=12, overflow="fold")  # never cut
    if country:
        line.add_column("Country", overflow="fold")
    line.add_column("First\nfunded at", no_wrap=True)
    line.add_column("Value", justify="right", no_wrap=True)
    for r in order.order.head(TOP_OF_ORDER).itertuples(index=False):
        title = str(r.title) if country else f"{r.title} ({r.country})"
        line.add_row(str(r.position), escape(str(r.project_id)), Prose(title),
                     *([Prose(str(r.country))] if country else []),
                     percent(r.level), fixed(r.value))
    return line


def _around_portfolio_1(order: FundingOrderAnalysis, fr: FrontierAnalysis) -> list[str]:
    """What to cut first from portfolio 1 (its last places in the line) and what to add
    first with more money (the first places above 100%)."""
    from rich.markup import escape

    from osa_opt.text import id_list

    at_100 = fr.policy_level
    if at_100 is None or at_100 not in order.fractions or order.restarts:
        return []
    line = order.order
    inside = line[line["level"] <= 1.0 + 1e-9]
    above = line[line["level"] > 1.0 + 1e-9]
    out = [f"Portfolio 1 is the funding line up to place {len(inside):,} (100% of the budget)."]
    if len(inside):
        last_level = inside["level"].iloc[-1]
        cut = inside[inside["level"] == last_level]["project_id"].tolist()[::-1]
        out.append(f"If the budget is cut, these go first: {escape(id_list(cut))} (first "
                   f"funded at {percent(last_level)}).")
    if len(above):
        nxt = above["level"].iloc[0]
        add = above[above["level"] == nxt]["project_id"].tolist()
        out.append(f"With more money, these come first: {escape(id_list(add))} (funded "
                   f"from {percent(nxt)}).")
    return out
