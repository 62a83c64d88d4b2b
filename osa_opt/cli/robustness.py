"""``osa-opt robustness [INPUT]``: core, borderline and exterior projects under sampled weights."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from osa_opt.cli.common import (
    NoBaseline,
    input_options,
    interrupted,
    output_options,
    parallel_options,
    samples_option,
    seed_option,
)
from osa_opt.cli.progress import progress_bar
from osa_opt.text import fixed, number, share_text

if TYPE_CHECKING:
    from osa_opt.analysis.robustness import RobustnessAnalysis
    from osa_opt.result import Result

#: Borderline projects listed in the terminal (all of them are in the workbook).
BORDERLINE_SHOWN = 20
#: Core projects named in the terminal; a big round's 1,300 ids filled 330 lines at 80
#: columns (the workbook's Robustness sheet lists every one).
CORE_SHOWN = 60


@click.command("robustness")
@input_options
@samples_option
@seed_option
@parallel_options
@output_options
def command(
    input_path: Path | None,
    policy_path: Path | None,
    budgets: tuple[str, ...],
    sets: tuple[str, ...],
    samples: int | None,
    seed: int | None,
    jobs: int,
    scheduler: str | None,
    out_dir: Path | None,
    as_json: bool,
    quiet: bool,
) -> None:
    """Which projects are funded whatever reasonable weights and scores are chosen.

    Samples every criterion weight uniformly in its range (policy section [robustness]
    weight_ranges; other weights stay as they are) and every project score within ± its
    score_spread, re-solves the same model for each sample, and classes each project by
    its core index (the share of samples in which it is funded): core (>= 0.95),
    borderline, exterior (<= 0.05). For each ranked portfolio it reports how often it is
    within 1% of the sample's optimum. Ctrl-C stops and keeps the finished samples.
    See docs/robustness.md.

    \b
    Examples:
      osa-opt robustness
      osa-opt robustness my_round.xlsx --samples 2000 --seed 7 --jobs 2
      osa-opt robustness --set 'robustness.weight_ranges={security=[0.2, 0.6]}'
      osa-opt robustness --scheduler tcp://10.0.0.5:8786 --json > robustness.json

    Exit codes: 0 done, 2 bad input, 3 the policy cannot be met, 4 no solution in time,
    130 interrupted (the finished samples are written, marked partial).
    """
    from osa_opt.cli.common import load_from_cli, print_json
    from osa_opt.outputs.safe import check_target
    from osa_opt.parallel import require_dask
    from osa_opt.run_folder import write_run
    from osa_opt.solving.solver import stdout_to_stderr
    from osa_opt.workflows import robustness, solve

    if scheduler is not None:
        require_dask()
    if out_dir is not None:
        check_target(out_dir, "--out")  # refuse before spending time on the samples
    show = not (quiet or as_json)
    extra = {key: value for key, value in
             (("robustness.samples", samples), ("robustness.seed", seed)) if value is not None}
    problem = load_from_cli(input_path, policy_path, budgets, sets, extra=extra)
    settings = problem.policy.robustness
    # HiGHS may print on file descriptor 1: keep stdout for the table or the JSON alone.
    with stdout_to_stderr():
        result = solve(problem)
    if not result.portfolios:
        raise NoBaseline.recorded("robustness analysis", result,
                                  write_run(result, out_dir, option="--out"))
    if show:
        click.echo(f"Sampling {settings.samples:,} weight and score vectors (seed "
                   f"{settings.seed}) ...", err=True)
    with stdout_to_stderr(), progress_bar(settings.samples, "samples", show,
                                          plain_lines=True) as bar:
        robustness(problem, jobs=jobs, scheduler=scheduler, progress=bar.update,
                   baseline=result)
    analysis = result.analyses["robustness"]
    folder = write_run(result, out_dir, option="--out")
    if as_json:
        print_json({**analysis.to_dict(), "status": result.status.value,
                    "run_folder": str(folder)})
    elif show:
        _render(result, analysis, folder)
    if analysis.partial:
        raise interrupted(f"{analysis.samples_done:,} of {analysis.samples:,} samples finished",
                          folder)


def _out_of_round(result: Result) -> str:
    """The projects no sample can fund, as every output counts them: "4 ineligible, 3
    forced out" (a status excluded or a cost only in another year is the round's decision,
    not a rule's: eligibility.out_words)."""
    from osa_opt.inputs.eligibility import out_counts, out_words

    return out_words(*out_counts(result.problem.eligibility))


#: Projects held in by a rule named on the core line; the rest are counted.
HELD_SHOWN = 10


def _held_in(analysis: RobustnessAnalysis, core: list[str]) -> str:
    """The core projects a rule holds in whatever the weights, each with the rule:
    ", including 2 held in by a rule: P-01 status mandatory; P-30 the only eligible project
    of Kantoro, which priority.required_partners requires" ("" when none is)."""
    held_in_by = analysis.projects["held_in_by"]
    held = [f"{p} {held_in_by[p]}" for p in core if held_in_by[p]]
    if not held:
        return ""
    named = "; ".join(held[:HELD_SHOWN])
    if len(held) > HELD_SHOWN:
        named += f"; and {len(held) - HELD_SHOWN:,} more"
    return f", including {len(held):,} held in by a rule: {named}"


def _render(result: Result, analysis: RobustnessAnalysis, folder: Path) -> None:
    from rich.markup import escape
    from rich.table import Table

    from osa_opt.cli.console import Prose, duration, first_fitting, table_title
    from osa_opt.cli.render import (
        head,
        print_example_note,
        print_notes,
        print_words,
        stdout_console,
        wrote_line,
    )

    console = stdout_console()
    ranges = ", ".join(f"{k} {number(lo)}-{number(hi)}" for k, (lo, hi) in analysis.weight_ranges.items())
    print_words(
        console,
        f"[bold]{escape(result.problem.title)}[/]: {analysis.samples_done:,} samples (seed "
        f"{analysis.seed}) on {escape(analysis.executor)} in {duration(analysis.seconds)} "
        f"({analysis.samples_per_second:.1f} samples/s); weight ranges: "
        f"{escape(ranges) if ranges else 'none'}.")
    print_example_note(console, result.problem)
    counts = analysis.counts
    projects = analysis.projects[analysis.projects["eligible"]]
    order = {pid: k for k, pid in enumerate(result.problem.input_projects.index)}
    core = sorted(projects.index[projects["class"] == "core"], key=order.__getitem__)
    named = ", ".join(core[:CORE_SHOWN]) or "—"
    if len(core) > CORE_SHOWN:
        named += (f" and {len(core) - CORE_SHOWN:,} more (the Robustness sheet of "
                  "portfolios.xlsx lists every one)")
    print_words(console, f"[green]Core[/] ({counts['core']:,}, funded in ≥ 95% of samples"
                         f"{escape(_held_in(analysis, core))}): {escape(named)}")
    borderline = projects[projects["class"] == "borderline"]
    if len(borderline):
        shown = (f" (the first {BORDERLINE_SHOWN} by core index; portfolios.xlsx has all)"
                 if len(borderline) > BORDERLINE_SHOWN else "")
        table = Table(title=table_title(f"Borderline ({counts['borderline']:,}): funded in "
                                        f"some samples{shown}"))
        table.add_column("Project", no_wrap=True)
        table.add_column("Title", ratio=2, min_width=12, overflow="fold")  # never cut
        table.add_column("Country", ratio=1, min_width=8, overflow="fold")
        table.add_column(head("core_index"), justify="right", no_wrap=True)
        table.add_column(head("funded_in_best"), justify="center", no_wrap=True)
        for pid, row in borderline.head(BORDERLINE_SHOWN).iterrows():
            table.add_row(pid, Prose(str(row["title"])), Prose(str(row["country"])),
                          share_text(row['core_index']),
                          "yes" if row["funded_in_best"] else "")
        console.print(first_fitting(console, [table]))
        print_words(console, "[dim]Core index: the share of the samples whose best portfolio "
                             "funds the project.[/]")
    else:
        print_words(console, "Borderline (0): no project depends on the weights.")
    out = _out_of_round(result)  # "" when every project is eligible
    print_words(console, f"Exterior ({counts['exterior']:,}, funded in ≤ 5% of samples"
                         + (f", including {out}" if out else "") + ").")
    table = Table(title=table_title("Ranked portfolios under the samples"))
    for name in ("Rank", "Value", "Within 1%\nof optimum", "Mean share\nof optimum",
                 "Worst share\nof optimum"):
        table.add_column(name, justify="right", no_wrap=True)
    for rank, row in analysis.portfolios.iterrows():
        table.add_row(str(rank), fixed(row['objective']), share_text(row['share_near_optimal']),
                      share_text(row['mean_share_of_optimum'], 2),
                      share_text(row['worst_share_of_optimum'], 2))
    console.print(first_fitting(console, [table]))
    print_words(console, "[dim]Within 1% of optimum: the share of the samples in which the "
                         "portfolio is worth at least 99% of that sample's best portfolio; "
                         "mean and worst share: its value against that best, on average and "
                         "at the worst. Values are scores, not money.[/]")
    print_words(console, wrote_line(folder, ["robustness", "robustness_portfolios",
                                             "robustness_samples"]))
    # an interruption is said once more, on stderr, by the caller
    print_notes(console, [note for note in analysis.notes if not note.startswith("Interrupted")])
