"""``osa-opt validate``: check an input and a policy, list every problem at once."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from osa_opt.cli.common import input_options, json_option
from osa_opt.errors import OsaError

if TYPE_CHECKING:
    from osa_opt.inputs.problem import Problem


@click.command(name="validate")
@input_options
@click.option("--solve/--no-solve", "check_policy", default=True,
              help="Check that some portfolio meets the policy (one solve; default) or "
                   "only check the input.")
@json_option
def command(input_path: Path | None, policy_path: Path | None, budgets: tuple[str, ...],
            sets: tuple[str, ...], check_policy: bool, as_json: bool) -> None:
    """Check INPUT (an .xlsx or .ods workbook, or a folder of CSV files) against a policy.

    Every problem is listed at once, with its sheet, Excel row, column, value, the rule it
    breaks and how to fix it (exit code 2). A valid input prints a summary: projects,
    countries, how many are eligible and why the others are not, the projects forced in
    (status mandatory, stage signed) or out (status excluded) with their status_reason,
    and the budget of each fiscal year against the cost requested. Then one solve checks that some portfolio meets
    every rule of the policy, so "Valid" means `osa-opt solve` will find one; when none
    does, the same diagnosis as solve says which rules conflict (exit code 3).
    --no-solve skips that solve. With no INPUT the shipped example is checked.

    \b
    Examples:
      osa-opt validate inputs/example.xlsx
      osa-opt validate my-round.xlsx --budget FY2026=20000
      osa-opt validate csv-folder/ --set priority.min_countries=8 --json
      osa-opt validate my-round.xlsx --no-solve

    Exit codes: 0 valid (and the policy can be met), 2 bad input, 3 the policy cannot be
    met, 4 no portfolio found within the time limit.
    """
    from osa_opt.cli.common import at_options, load_from_cli, print_json, print_warnings
    from osa_opt.errors import InputError

    try:
        problem = load_from_cli(input_path, policy_path, budgets, sets, warn=False)
    except InputError as exc:
        if as_json:
            print_json({"valid": False, "issues": [i.as_dict() for i in exc.issues]})
        raise  # the top level renders the table on stderr and exits with 2
    warnings = at_options(problem.warnings, budgets, sets)  # named at --set/--budget
    summary: dict[str, Any] = {
        "valid": True,
        "input": str(input_path) if input_path else "shipped example",
        "policy": problem.policy.name,
        **problem.summary(),
        "unused_columns": unused_columns(problem),
        "warnings": [warning_dict(w) for w in warnings],
    }
    if check_policy:
        summary.update(feasibility(problem))
    if as_json:
        print_json(summary)
    else:
        _render(summary, problem)
        print_warnings(warnings)
    if summary.get("feasible") is False:
        raise PolicyNotMet(summary)


class PolicyNotMet(OsaError):
    """The input is valid but no portfolio meets the policy (exit 3), or none was found in
    the time limit (exit 4)."""

    def __init__(self, summary: dict[str, Any]) -> None:
        from osa_opt.analysis.diagnose import headline
        from osa_opt.errors import EXIT_INFEASIBLE, EXIT_NO_SOLUTION

        if summary["status"] == "infeasible":
            units = [d for d in summary["diagnosis"] if d.get("family") == "units"]
            rules = [d for d in summary["diagnosis"] if d not in units]
            lines = [f"First check the units: {d['message']}" for d in units]
            lines += [headline(rules)]
            lines += [f"  - {d['message']}" for d in rules[:5]]
            code = EXIT_INFEASIBLE
        else:
            lines = [f"The input is valid, but no portfolio was found within the time limit "
                     f"({summary['status']}); allow the solver more time (policy key "
                     "solver.time_limit, e.g. --set solver.time_limit=600), or skip this check "
                     "with --no-solve."]
            code = EXIT_NO_SOLUTION
        super().__init__("\n".join(lines))
        self.exit_code = code


def feasibility(problem: Problem) -> dict[str, Any]:
    """One solve: ``feasible`` (True/False), ``status``, ``seconds`` and, when the policy
    cannot be met, ``diagnosis`` (the same entries as ``osa-opt solve`` writes)."""
    from osa_opt.result import Status
    from osa_opt.solving.solver import Solver, stdout_to_stderr

    t0 = time.perf_counter()
    with stdout_to_stderr():
        solver = Solver(problem)
        outcome = solver.solve_once()
        diagnosis: list[dict[str, Any]] = []
        if outcome.status == Status.INFEASIBLE:
            from osa_opt.analysis.diagnose import diagnose

            diagnosis = diagnose(problem, solver)
    return {"feasible": outcome.status.has_solution, "status": outcome.status.value,
            "seconds": round(time.perf_counter() - t0, 3), "diagnosis": diagnosis}


def warning_dict(warning: Any) -> dict[str, Any]:
    """A warning as JSON: the fields of an issue, and its message in one line."""
    return {**warning.as_dict(), "message": warning.message()}


def unused_columns(problem: Any) -> dict[str, list[str]]:
    """Columns of each sheet that no rule or policy reads (kept and passed through); another
    year's cost column is read once it takes a project out of the round (inputs.other_years)."""
    from osa_opt.inputs.other_years import COST_ELSEWHERE, other_year_columns
    from osa_opt.inputs.schema import COUNTRY_COLUMNS, ROW, project_columns

    used = {"projects": {c.name for c in project_columns(problem.fiscal_years,
                                                         problem.criteria)} | {"project_id"},
            "countries": {c.name for c in COUNTRY_COLUMNS} | {"country"}}
    if any(f["by"] == COST_ELSEWHERE for f in problem.summary()["forced"].values()):
        used["projects"] |= set(other_year_columns(list(problem.input_projects.columns),
                                                   problem.fiscal_years))
    frames = {"projects": problem.input_projects, "countries": problem.input_countries}
    return {sheet: [c for c in frames[sheet].columns if c not in used[sheet] and c != ROW]
            for sheet in frames}


def _render(summary: dict[str, Any], problem: Problem) -> None:
    from rich.markup import escape
    from rich.table import Table

    from osa_opt.cli.console import first_fitting, print_words, stdout_console, table_title
    from osa_opt.cli.render import print_example_note
    from osa_opt.text import counted, number

    console = stdout_console()
    if summary.get("feasible") is False:
        # "not met" only when the solver proved it; out of time proves nothing
        verdict = ("policy not met" if summary.get("status") == "infeasible"
                   else "no portfolio found within the time limit")
        print_words(console, f"[bold yellow]Valid input, {verdict}[/]: "
                             f"{escape(summary['input'])} under the policy "
                             f"[bold]{escape(summary['policy'])}[/]")
    else:
        print_words(console, f"[bold green]Valid[/]: {escape(summary['input'])} under the "
                             f"policy [bold]{escape(summary['policy'])}[/]")
    print_example_note(console, problem)
    counts = Table(show_header=False, box=None, padding=(0, 2), pad_edge=False)
    counts.add_column(justify="left")
    counts.add_column(justify="right")
    # counted as the report's Eligible projects card (problem.summary(): eligibility.ruled_out):
    # a project out by its status alone or the year of its cost is forced out (listed under
    # Forced out below), not ineligible
    ineligible, decided = summary["ineligible"], summary["forced_out"]
    for label, n in (("projects", summary["projects"]), ("countries", summary["countries"]),
                     ("eligible projects", summary["eligible"]),
                     ("ineligible projects", ineligible),
                     *([("forced out", decided)] if decided else [])):
        counts.add_row(label, number(n))
    console.print(counts)
    reasons: dict[str, int] = summary["ineligible_by_reason"]
    if reasons:
        table = Table(title=table_title("Ineligible projects by reason"))
        table.add_column("Reason")
        table.add_column("Projects", justify="right")
        for reason, n in sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0])):
            table.add_row(escape(reason), number(n))
        console.print(first_fitting(console, [table]))
        if sum(reasons.values()) > ineligible:  # as osa-opt solve says it
            print_words(console, f"{counted(ineligible, 'project')} in all: a "
                                 "project that fails several rules counts under each.")
    from osa_opt.cli.render import forced_lines, override_lines

    for line in override_lines(summary.get("overrides", {})):
        print_words(console, escape(line))
    for line in forced_lines(summary.get("forced", {}), "osa-opt validate --json (forced)"):
        print_words(console, escape(line))
    from osa_opt.text import money, percent

    amounts = Table(title=table_title("Budget and requested cost (¥ million)"))
    amounts.add_column("Fiscal year")
    amounts.add_column("Budget", justify="right")
    amounts.add_column("Requested", justify="right")
    amounts.add_column("Requested / budget", justify="right")
    for fy, budget in summary["budget"].items():  # rounded as solve and the workbook show them
        requested = summary["requested"].get(fy, 0.0)
        ratio = percent(requested / budget, 0) if budget else "-"
        amounts.add_row(fy, money(budget, whole=True), money(requested, whole=True), ratio)
    console.print(first_fitting(console, [amounts]))
    for bundle in summary.get("bundles", []):
        print_words(console, f"Projects {escape(', '.join(bundle))} require each other: they "
                             "form a bundle, funded all or none.")
    for sheet, names in summary["unused_columns"].items():
        if names:
            print_words(console, f"Unused columns of {sheet} (kept in the outputs, read by no "
                                 "rule): " + escape(", ".join(names)))
    if summary.get("feasible"):
        print_words(console, "Some portfolio meets every rule of the policy (one solve): "
                             "osa-opt solve will find the best.")
    elif "feasible" not in summary:
        print_words(console, "Not checked whether a portfolio meets the policy (--no-solve).")
