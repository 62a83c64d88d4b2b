"""``osa-opt validate``: check an input and a policy, list every problem at once."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from osa_opt.cli.common import input_options, json_option


@click.command(name="validate")
@input_options
@json_option
def command(input_path: Path | None, policy_path: Path | None, budgets: tuple[str, ...],
            sets: tuple[str, ...], as_json: bool) -> None:
    """Check INPUT (an .xlsx workbook or a folder of CSV files) against a policy.

    Every problem is listed at once, with its sheet, Excel row, column, value, the rule it
    breaks and how to fix it (exit code 2). A valid input prints a summary: projects,
    countries, how many are eligible and why the others are not, and the budget of each
    fiscal year against the cost requested. With no INPUT the shipped example is checked.

    \b
    Examples:
      osa-opt validate inputs/example.xlsx
      osa-opt validate my-round.xlsx --policy models/default.toml --budget FY2026=20000
      osa-opt validate csv-folder/ --set priority.min_countries=8 --json
    """
    from osa_opt.cli.common import load_from_cli, print_json
    from osa_opt.errors import InputError

    try:
        problem = load_from_cli(input_path, policy_path, budgets, sets)
    except InputError as exc:
        if as_json:
            print_json({"valid": False, "issues": [i.as_dict() for i in exc.issues]})
        raise  # the top level renders the table on stderr and exits with 2
    summary: dict[str, Any] = {
        "valid": True,
        "input": str(input_path) if input_path else "shipped example",
        "policy": problem.policy.name,
        **problem.summary(),
    }
    if as_json:
        print_json(summary)
    else:
        _render(summary)


def _render(summary: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = Console()
    console.print(f"[bold green]Valid[/]: {escape(summary['input'])} under the policy "
                  f"[bold]{escape(summary['policy'])}[/]")
    counts = Table(show_header=False, box=None, padding=(0, 2))
    counts.add_column(justify="left")
    counts.add_column(justify="right")
    for label, key in (("projects", "projects"), ("countries", "countries"),
                       ("eligible projects", "eligible"), ("ineligible projects", "ineligible")):
        counts.add_row(label, str(summary[key]))
    console.print(counts)
    reasons = summary["ineligible_by_reason"]
    if reasons:
        table = Table(title="Ineligible projects by reason",
                      title_justify="left")
        table.add_column("reason")
        table.add_column("projects", justify="right")
        for reason, n in sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0])):
            table.add_row(escape(reason), str(n))
        console.print(table)
        if sum(reasons.values()) > summary["ineligible"]:  # as osa-opt solve says it
            console.print(f"{summary['ineligible']} projects in all: a project that fails "
                          "several rules counts under each.")
    money = Table(title="Budget and requested cost (¥ million)", title_justify="left")
    money.add_column("fiscal year")
    money.add_column("budget", justify="right")
    money.add_column("requested", justify="right")
    money.add_column("requested / budget", justify="right")
    for fy, budget in summary["budget"].items():
        requested = summary["requested"].get(fy, 0.0)
        ratio = f"{requested / budget:.0%}" if budget else "-"
        money.add_row(fy, f"{budget:,.0f}", f"{requested:,.0f}", ratio)
    console.print(money)
