"""``osa-opt compare [INPUT]``: the same candidates under several policies or budgets."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from osa_opt.cli.common import (
    budget_option,
    decimal_option,
    extend_option,
    input_argument,
    output_options,
    parallel_options,
    run_option,
    set_option,
)
from osa_opt.text import code_label, fixed, money

if TYPE_CHECKING:
    from osa_opt.analysis.compare import Comparison, Scenario

#: Project ids listed per cell of the in/out columns before "…" (all of them when one more).
CHANGES_SHOWN = 6


def parse_budget_scenario(text: str) -> dict[str, float]:
    """``"FY2026=15000,FY2027=5000"`` -> ``{"FY2026": 15000.0, "FY2027": 5000.0}``.

    >>> parse_budget_scenario("FY2026=15000")
    {'FY2026': 15000.0}
    """
    out: dict[str, float] = {}
    for part in text.split(","):
        fy, sep, amount = part.strip().partition("=")
        try:
            if not sep or not fy.strip() or "_" in amount:  # float reads 1_200
                raise ValueError
            out[fy.strip()] = float(amount)
        except ValueError:
            from osa_opt.inputs.toml_hints import without_underscores

            if sep and fy.strip() and without_underscores(amount) is not None:
                joined = ",".join(
                    f"{y}={without_underscores(a) or a.strip()}" for y, _, a in
                    (p.strip().partition("=") for p in text.split(",")))
                raise click.BadParameter(
                    f"{text!r}: the amount {amount.strip()} has '_' between its digits; write "
                    f"--budget-scenario {joined} (¥ million, without '_', as a cost is typed "
                    "in the input: a spreadsheet reads 1_200 as text)",
                    param_hint="--budget-scenario") from None
            fixed = _without_separators(text)
            if fixed is not None:
                raise click.BadParameter(
                    f"{text!r}: an amount has a thousands separator (commas separate the "
                    f"years here); write --budget-scenario {fixed} (¥ million, no "
                    "separators)", param_hint="--budget-scenario") from None
            from osa_opt.cli.common import option_value
            from osa_opt.inputs.cells import million_hint, yen_million

            in_million = yen_million(amount) if sep and fy.strip() else None
            if in_million is not None and in_million >= 1:  # 15bn: as --budget is told
                def plain(part: str) -> str:
                    year, _, typed = part.strip().partition("=")
                    value = yen_million(typed)
                    return f"{year}={option_value(value)}" if value is not None else part.strip()

                raise click.BadParameter(
                    f"{text!r}: {million_hint('budgets', amount.strip(), in_million, 'write')}"
                    f": --budget-scenario {','.join(map(plain, text.split(',')))}",
                    param_hint="--budget-scenario") from None
            raise click.BadParameter(
                f"{text!r}: write FY=AMOUNT in ¥ million, several years separated by commas, "
                "e.g. --budget-scenario FY2026=15000 or FY2026=15000,FY2027=5000",
                param_hint="--budget-scenario") from None
    return out


def _without_separators(text: str) -> str | None:
    """``"FY2026=18,100"`` -> ``"FY2026=18100"``: the scenario with its amounts' thousands
    separators taken out, or None when no part reads as the rest of an amount.

    >>> _without_separators("FY2026=15,000,FY2027=5000"), _without_separators("FY2026=x")
    ('FY2026=15000,FY2027=5000', None)
    """
    import re

    from osa_opt.inputs.toml_hints import without_separators

    parts = [part.strip() for part in text.split(",")]
    merged: list[str] = []
    for part in parts:  # "18" and "100": one amount split at its separator
        if merged and "=" in merged[-1] and re.fullmatch(r"\d{3}(\.\d+)?", part):
            merged[-1] += "," + part
        else:
            merged.append(part)
    if len(merged) == len(parts):
        return None
    fixed = []
    for part in merged:
        fy, _, amount = part.partition("=")
        plain = without_separators(amount) if "," in amount else amount.strip()
        if plain is None:
            return None
        fixed.append(f"{fy.strip()}={plain}")
    return ",".join(fixed)


@click.command("compare")
@input_argument
@run_option
@click.option("--policy", "policy_paths", multiple=True,
              type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="A policy scenario (TOML); repeat for each. The first is the baseline. "
                   "Default: the shipped models/default.toml.")
@click.option("--budget-scenario", "budget_scenarios", multiple=True,
              metavar="FY=AMOUNT[,FY=AMOUNT]",
              help="A scenario of the first policy with this budget in ¥ million; repeat "
                   "for each, e.g. --budget-scenario FY2026=15000.")
@budget_option(help="Override a fiscal year's budget in every scenario.")
@set_option(help="Override a policy key in every scenario, e.g. --set priority.min_countries=8.")
@decimal_option
@extend_option
@parallel_options
@output_options
def command(
    input_path: Path | None,
    policy_paths: tuple[Path, ...],
    budget_scenarios: tuple[str, ...],
    budgets: tuple[str, ...],
    sets: tuple[str, ...],
    jobs: int,
    scheduler: str | None,
    out_dir: Path | None,
    as_json: bool,
    quiet: bool,
) -> None:
    """Solve the same candidates under several policies or budgets and compare them.

    Scenarios, in order: each --policy file (the first is the baseline; without any,
    the default policy is), then each --budget-scenario, a copy of the first policy with
    that budget. --budget and --set apply to every scenario. Each is solved to its optimum;
    the comparison gives per scenario the value, cost per fiscal year, countries, number
    of projects, and the projects in or out against the baseline. Writes the baseline's
    run folder with sheets Comparison and Comparison by project (docs/outputs.md).

    \b
    Examples:
      osa-opt compare --policy models/default.toml \\
        --policy models/humanitarian_focus.toml
      osa-opt compare my_round.xlsx --budget-scenario FY2026=15000 \\
        --budget-scenario FY2026=20000
      osa-opt compare --policy a.toml --policy b.toml \\
        --budget-scenario FY2026=15000,FY2027=5000

    Exit codes: 0 done, 2 bad input, 3 the baseline policy cannot be met (the other
    scenarios are still compared), 4 no solution in time, 130 interrupted.
    """
    from osa_opt.cli.common import RUN_KEY, NoBaseline, interrupted, print_json
    from osa_opt.cli.progress import progress_bar
    from osa_opt.outputs.safe import check_target
    from osa_opt.parallel import require_dask
    from osa_opt.run_folder import write_run
    from osa_opt.solving.solver import stdout_to_stderr
    from osa_opt.workflows import compare

    parsed = [parse_budget_scenario(text) for text in budget_scenarios]
    run = click.get_current_context().meta.get(RUN_KEY)
    # the baseline (the run, the first policy or the default one), then the others
    others = len(policy_paths) - (run is None and bool(policy_paths)) + len(parsed)
    if others < 1:
        raise click.UsageError(
            "give two or more scenarios: --policy A.toml --policy B.toml, or "
            "--budget-scenario FY2026=15000 (repeatable; against the default policy or the "
            "first --policy), or --run RUN_FOLDER and one of these")
    if scheduler is not None:
        require_dask()
    if out_dir is not None:
        check_target(out_dir, "--out")
    show = not (quiet or as_json)
    scenarios = _scenarios(input_path, policy_paths, parsed, budgets, sets, run)
    with stdout_to_stderr(), progress_bar(len(scenarios), "scenarios", show,
                                          plain_lines=True) as bar:
        result = compare(scenarios, jobs=jobs, scheduler=scheduler, progress=bar.update)
    comparison = result.analyses["comparison"]
    folder = write_run(result, out_dir, option="--out")
    if as_json:
        print_json({**comparison.to_dict(), "run_folder": str(folder)})
    elif show:
        _render(comparison, folder)
    if comparison.partial:
        raise interrupted(f"{len(comparison.scenarios)} of {len(scenarios)} scenarios solved",
                          folder)
    if result.status.exit_code != 0:
        raise NoBaseline(f"The baseline {scenarios[0].name!r} has no portfolio "
                         f"({code_label(result.status.value, capital=False)}): "
                         f"{result.message} The comparison is in "
                         f"{folder}/.", result.status.exit_code)


def _scenarios(
    input_path: Path | None, policy_paths: tuple[Path, ...], budget_scenarios: list[dict],
    budgets: tuple[str, ...], sets: tuple[str, ...], run: Path | None = None,
) -> list[Scenario]:
    """Read the input once; one Problem per policy file, then per budget scenario. With
    ``--run`` the run (its input and policy) is the baseline and every --policy another
    scenario."""
    from osa_opt.analysis.compare import (
        Scenario,
        budget_label,
        budget_scenario,
        policy_file_scenario_name,
    )
    from osa_opt.cli.common import load_from_cli, merged_overrides
    from osa_opt.inputs.policy import Policy

    overrides = merged_overrides(sets, budgets)
    if run is not None:
        base = load_from_cli(input_path, None, budgets, sets)
        names = _unique([Path(run).name, *map(policy_file_scenario_name, policy_paths)])
        policy_paths = (Path(run) / "policy.toml", *policy_paths)
    else:
        first_path = policy_paths[0] if policy_paths else None
        base = load_from_cli(input_path, first_path, budgets, sets)
        names = _unique([*map(policy_file_scenario_name, policy_paths)]
                        if policy_paths else ["default"])
    scenarios = [Scenario(names[0], base)]
    for name, path in zip(names[1:], policy_paths[1:], strict=True):
        scenarios.append(Scenario(name, base.with_policy(Policy.load(path), overrides or None)))
    for amounts in budget_scenarios:
        scenarios.append(budget_scenario(base, amounts,
                                         name=f"{names[0]} {budget_label(amounts)}"))
    return scenarios


def _unique(names: list[str]) -> list[str]:
    """Scenario names as given, with #2, #3 ... added to repeats."""
    out: list[str] = []
    for name in names:
        candidate, k = name, 1
        while candidate in out:
            k += 1
            candidate = f"{name} #{k}"
        out.append(candidate)
    return out


def _render(comparison: Comparison, folder: Path) -> None:
    from rich.markup import escape

    from osa_opt.analysis.diagnose import diagnose
    from osa_opt.cli.render import (
        first_fitting,
        print_example_note,
        print_words,
        stdout_console,
        wrote_line,
    )
    from osa_opt.result import Status
    from osa_opt.text import counted

    console = stdout_console()
    # the run's title, as solve, frontier, execution and robustness start, and the report
    print_words(console, f"[bold]{escape(comparison.baseline.problem.title)}[/]: "
                         f"{counted(len(comparison.scenarios), 'scenario')} against "
                         f"{escape(comparison.baseline.name)}.")
    print_example_note(console, comparison.baseline.problem)
    scales = len({repr(s.problem.policy.objective) for s in comparison.scenarios}) > 1
    layouts = [_table(comparison, scales, stacked=False),
               _table(comparison, scales, stacked=True),
               _table(comparison, scales, stacked=False, inout=False),
               _table(comparison, scales, stacked=True, inout=False)]
    chosen = first_fitting(console, layouts)
    console.print(chosen)
    if chosen not in layouts[:2]:  # in/out as lines under the table (or its records)
        for sc in comparison.scenarios[1:]:
            print_words(console, f"{escape(sc.name)} against {escape(comparison.baseline.name)}: "
                                 f"in {_ids(sc.added)}; out {_ids(sc.dropped)}.")
    for sc in comparison.scenarios[1:]:  # the baseline's is the error message, exit 3
        if sc.status == Status.INFEASIBLE:  # why, as osa-opt solve would say it
            entries = diagnose(sc.problem)
            why = entries[0]["message"] if entries else "no portfolio meets every rule."
            more = (f" ({counted(len(entries) - 1, 'more rule')} must move: osa-opt solve "
                    "with this scenario's policy lists them)" if len(entries) > 1 else "")
            print_words(console, f"[yellow]Note:[/] {escape(sc.name)} cannot be met: "
                                 f"{escape(why)}{more}")
    if scales:
        print_words(console, "[yellow]Note:[/] the policies value projects differently, so "
                             "their own values are on different scales; compare their \"Value "
                             f"under {escape(comparison.baseline.name)}'s weights\" "
                             "(every portfolio priced with the baseline's weights).")
    print_words(console, wrote_line(folder, ["comparison", "comparison_projects"]))


def _table(comparison: Comparison, scales: bool, *, stacked: bool, inout: bool = True) -> Any:
    """One row per scenario; ``stacked`` puts the years' costs in one cell; ``inout`` adds
    the projects in and out against the baseline."""
    from rich.table import Table

    from osa_opt.cli.console import Prose
    from osa_opt.cli.render import head, table_title

    years = comparison.fiscal_years
    # a name of several words may wrap: its first line alone ("default" of "default
    # FY2026=15000") would read as a row of the baseline's; lines between rows keep each whole
    table = Table(title=table_title(f"Scenarios (cost in ¥ million); projects in/out "
                                    f"against {comparison.baseline.name}"),
                  show_lines=any(" " in s.name for s in comparison.scenarios))
    longest = max((len(piece) for s in comparison.scenarios for w in s.name.split()
                   for piece in w.split(",")), default=8)
    # names wrap between words, a budget scenario's years after their commas
    # (FY2026=15000,FY2027=5000); a piece is cut only beyond 24 characters
    table.add_column("Scenario", min_width=min(max(longest, 8), 24),
                     overflow="fold")
    table.add_column("Value", justify="right", no_wrap=True)
    if scales:
        # as wide as the baseline's name: a cap under it would let no layout fit
        table.add_column(f"Value under\n{comparison.baseline.name}'s\nweights",
                         justify="right", no_wrap=True)
    if stacked:
        table.add_column("Cost per\nyear (¥m)", justify="right", no_wrap=True)
    else:
        for fy in years:
            table.add_column(head(f"cost_{fy}"), justify="right", no_wrap=True)
    for name in ("n_projects", "n_countries"):
        table.add_column(head(name), justify="right", no_wrap=True)
    if inout:
        table.add_column("In", min_width=6)
        table.add_column("Out", min_width=6)
    for s in comparison.scenarios:
        p = s.portfolio
        costs = [money(p.cost_by_year[fy], whole=True)
                 if p is not None and fy in p.cost_by_year else "—" for fy in years]
        if stacked:
            costs = ["\n".join(f"{fy} {c}" for fy, c in zip(years, costs, strict=True))]
        value = fixed(p.objective) if p else f"[red]{code_label(s.status.value)}[/]"
        under = ([] if not scales else
                 [fixed(s.value_under_baseline) if s.value_under_baseline is not None
                  else "—"])
        table.add_row(Prose(s.name), value, *under, *costs,
                      f"{p.n_projects:,}" if p else "—", f"{p.n_countries:,}" if p else "—",
                      *([_ids(s.added), _ids(s.dropped)] if inout else []))
    return table


def _ids(ids: list[str]) -> str:
    """The ids, up to CHANGES_SHOWN then "… (+N)"; never "… (+1)", which hides an id in
    about the room the id takes.

    >>> _ids([f"P-0{i}" for i in range(1, 8)])
    'P-01, P-02, P-03, P-04, P-05, P-06, P-07'
    >>> _ids([f"P-0{i}" for i in range(1, 9)])
    'P-01, P-02, P-03, P-04, P-05, P-06 … (+2)'
    """
    if not ids:
        return "—"
    if len(ids) <= CHANGES_SHOWN + 1:
        return ", ".join(ids)
    return f"{', '.join(ids[:CHANGES_SHOWN])} … (+{len(ids) - CHANGES_SHOWN:,})"
