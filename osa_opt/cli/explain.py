"""``osa-opt explain PROJECT_ID [INPUT]``: why one project is in or out, in one paragraph."""

from __future__ import annotations

from pathlib import Path

import click

from osa_opt.cli.common import input_options, json_option, print_json
from osa_opt.errors import EXIT_INFEASIBLE, OsaError
from osa_opt.text import fixed


class PolicyCannotBeMet(OsaError):
    """No portfolio exists, so no project can be explained (exit 3, with the diagnosis)."""

    exit_code = EXIT_INFEASIBLE


@click.command("explain")
@click.argument("project_id")
@input_options
@json_option
def command(
    project_id: str,
    input_path: Path | None,
    policy_path: Path | None,
    budgets: tuple[str, ...],
    sets: tuple[str, ...],
    as_json: bool,
) -> None:
    """Why PROJECT_ID is funded or not in portfolio 1, in numbers and plain words.

    Solves once, then re-solves with the project forced the other way: the value that
    would cost, the projects it would push out (or that would replace it), its cost per
    fiscal year; for an ineligible project, every eligibility reason.

    \b
    Examples:
      osa-opt explain P-17
      osa-opt explain P-17 my_round.xlsx --policy models/humanitarian_focus.toml
      osa-opt explain P-17 --budget FY2026=20000 --json

    Exit codes: 0 explained, 2 bad input or unknown project id,
    3 the policy cannot be met (the reason is printed), 4 no portfolio found in time.
    """
    from osa_opt.analysis.baseline import solve_baseline
    from osa_opt.analysis.why import explain_project, find_project
    from osa_opt.cli.common import load_from_cli
    from osa_opt.result import Status
    from osa_opt.solving.solver import stdout_to_stderr

    problem = load_from_cli(input_path, policy_path, budgets, sets)
    project_id = find_project(problem, project_id)  # exit 2 before any solve
    with stdout_to_stderr():  # HiGHS may print on file descriptor 1
        result, solver = solve_baseline(problem, portfolios=1, min_difference=1)
        if result.status == Status.INFEASIBLE:
            lines = [d["message"] for d in result.diagnosis]
            raise PolicyCannotBeMet("\n  ".join(
                ["The policy cannot be met, so no portfolio exists to explain:", *lines]))
        if result.best is None:
            error = PolicyCannotBeMet(f"No portfolio to explain: {result.message}")
            error.exit_code = result.status.exit_code
            raise error
        info = explain_project(result, project_id, solver)
    if as_json:
        print_json(info)
        return
    from rich.markup import escape

    from osa_opt.cli.render import print_example_note, print_words, stdout_console
    from osa_opt.inputs.value_text import value_definition
    from osa_opt.text import NO_BREAK, code_label

    console = stdout_console()  # wraps at the terminal's width
    country = info["country"]  # the field in words; --json keeps the code
    print_words(console, escape(f"{info['project_id']} — {info['title']} ({country}, "
                                f"{code_label(info['field'])})"))
    print_example_note(console, problem)
    print_words(console, escape(info["message"]))
    if result.best is not None and "of portfolio value" in info["message"]:
        definition = value_definition(problem.policy, glue=NO_BREAK)
        print_words(console, f"[dim]Portfolio 1 is worth {fixed(result.best.objective)}. "
                             f"{escape(definition)}[/]")
