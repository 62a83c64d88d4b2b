"""``osa-opt execution [INPUT]``: how much of the budget gets committed when signings slip,
and how many reserves to plan."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from osa_opt.cli.common import (
    NoBaseline,
    PlainIntRange,
    input_options,
    interrupted,
    output_options,
    parallel_options,
)
from osa_opt.cli.progress import progress_bar
from osa_opt.text import fixed

if TYPE_CHECKING:
    from rich.console import JustifyMethod

    from osa_opt.analysis.execution import ExecutionAnalysis
    from osa_opt.result import Result


@click.command("execution")
@input_options
@click.option("--reserves", "-r", type=PlainIntRange(min=0), default=10, show_default=True,
              metavar="N", help="The most reserve projects tried (levels 0..N are shown).")
@click.option("--samples", "-n", type=PlainIntRange(min=1), metavar="N",
              help="Number of simulated signing outcomes (execution.samples, default 2000).")
@click.option("--seed", type=PlainIntRange(), metavar="S",
              help="Random seed of the simulation (execution.seed); the same seed gives the "
                   "same answer, serial or parallel.")
@parallel_options
@output_options
def command(
    input_path: Path | None,
    policy_path: Path | None,
    budgets: tuple[str, ...],
    sets: tuple[str, ...],
    reserves: int,
    samples: int | None,
    seed: int | None,
    jobs: int,
    scheduler: str | None,
    out_dir: Path | None,
    as_json: bool,
    quiet: bool,
) -> None:
    """Expected execution of portfolio 1 when agreements and items slip, with reserves.

    Each partner's agreement is signed within the year with its probability (countries
    p_sign), and each item stays in it with its own (projects p_sign, else by its stage:
    [execution] p_sign_by_stage). Portfolio 1's committed items, then the reserves in
    order (the nested funding order above 100% of the budget) while every rule holds, give
    per number of reserves the expected execution (committed cost ÷ budget), the chance of
    executing less than execution.target, and the expected value. The recommendation is the
    fewest reserves whose expected execution reaches the target. See docs/execution.md.

    \b
    Examples:
      osa-opt execution
      osa-opt execution my_round.xlsx --reserves 15 --samples 5000 --seed 7
      osa-opt execution --set execution.target=0.9 --json

    Exit codes: 0 done, 2 bad input, 3 the policy cannot be met, 4 no solution in time,
    130 interrupted (the finished samples are written, marked partial).
    """
    from osa_opt.analysis.baseline import solve_baseline
    from osa_opt.cli.common import load_from_cli, print_json
    from osa_opt.outputs.safe import check_target
    from osa_opt.parallel import require_dask
    from osa_opt.run_folder import write_run
    from osa_opt.solving.solver import stdout_to_stderr
    from osa_opt.workflows import execution

    if scheduler is not None:
        require_dask()
    if out_dir is not None:
        check_target(out_dir, "--out")
    show = not (quiet or as_json)
    extra = {key: value for key, value in
             (("execution.samples", samples), ("execution.seed", seed)) if value is not None}
    problem = load_from_cli(input_path, policy_path, budgets, sets, extra=extra)
    settings = problem.policy.execution
    with stdout_to_stderr():
        result, _ = solve_baseline(problem, portfolios=1)
    if not result.portfolios:
        raise NoBaseline.recorded("execution analysis", result,
                                  write_run(result, out_dir, option="--out"))
    if show:
        from osa_opt.cli.console import terminal_text

        click.echo(terminal_text(f"Simulating {settings.samples:,} signing outcomes (seed "
                                 f"{settings.seed}) with up to {reserves} reserves ..."),
                   err=True)
    with stdout_to_stderr(), progress_bar(settings.samples, "samples", show,
                                          plain_lines=True) as bar:
        analysis = execution(problem, reserves, jobs=jobs, scheduler=scheduler,
                             baseline=result, progress=bar.update)
    result.analyses["execution"] = analysis
    folder = write_run(result, out_dir, option="--out")
    if as_json:
        print_json(analysis.to_dict())
    elif show:
        _render(result, analysis, folder)
    if analysis.partial:
        raise interrupted(f"{analysis.samples} of {settings.samples} samples finished", folder)


def _render(result: Result, analysis: ExecutionAnalysis, folder: Path) -> None:
    from rich.markup import escape

    from osa_opt.cli.console import duration, first_fitting, left_out_note
    from osa_opt.cli.render import (
        print_example_note,
        print_notes,
        print_words,
        stdout_console,
        wrote_line,
    )
    from osa_opt.text import counted, percent

    console = stdout_console()
    best = result.best
    assert best is not None
    print_words(
        console,
        f"[bold]{escape(result.problem.title)}[/]: portfolio 1 funds "
        f"{counted(best.n_projects, 'project')} of {counted(best.n_countries, 'partner')}; "
        f"{analysis.samples:,} "
        f"signing outcomes (seed {analysis.seed}) on {escape(analysis.executor)} in "
        f"{duration(analysis.seconds)}. Target: {percent(analysis.target)} of the budget.")
    print_example_note(console, result.problem)
    years = [c for c in analysis.levels.columns if c.startswith("execution_")]
    # a narrow terminal leaves out the per-year columns (a table, not 9 lines a level);
    # the note says which, and the workbook has them
    layouts = [_table(analysis, years), _table(analysis, [])]
    chosen = first_fitting(console, layouts)
    console.print(chosen)
    if len(years) > 1:
        left_out = left_out_note(chosen, layouts,
                                 [f"Execution {c.removeprefix('execution_')}" for c in years],
                                 "the workbook's Execution sheet has every column")
        if left_out:
            print_words(console, left_out)
    if analysis.recommended_reserves is not None:
        k = analysis.recommended_reserves
        names = analysis.levels.loc[k, "reserve_projects"]
        print_words(console, f"Recommended: {counted(k, 'reserve')}"
                    + (f" ({escape(', '.join(names))})" if names else "")
                    + f": expected execution reaches {percent(analysis.target)}.")
    print_notes(console, analysis.notes)
    print_words(console, wrote_line(folder, ["execution"]))


def _table(analysis: ExecutionAnalysis, years: list[str]) -> Any:
    """One row per number of reserves; ``years`` the per-year execution columns shown."""
    from rich.markup import escape
    from rich.table import Table

    from osa_opt.cli.console import table_title
    from osa_opt.text import percent, share_text

    table = Table(title=table_title("Expected execution by number of reserves"))
    columns: list[tuple[str, JustifyMethod]] = [
        ("Reserves", "right"), ("Added", "left"), ("Expected\nexecution", "right"),
        *((f"Execution\n{c.removeprefix('execution_')}", "right") for c in years),
        (f"Chance below\n{percent(analysis.target)}", "right"), ("Expected\nvalue", "right")]
    for name, justify in columns:
        table.add_column(name, justify=justify)
    for _, row in analysis.levels.iterrows():
        mark = " ←" if row["reserves"] == analysis.recommended_reserves else ""
        table.add_row(f"{row['reserves']}{mark}", escape(", ".join(row["added"])) or "—",
                      share_text(row['expected_execution']),
                      *(share_text(row[c]) for c in years),
                      share_text(row['p_below_target']),
                      fixed(row['expected_value']))
    return table
