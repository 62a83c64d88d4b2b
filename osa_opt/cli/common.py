"""What every command shares: input and policy options, error rendering, JSON output."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from osa_opt.inputs.problem import Problem


def run_cli(group: click.Group) -> int:
    """Run the click group; user errors become a message and an exit code, not a traceback."""
    from osa_opt.errors import EXIT_BAD_INPUT, InputError, OsaError

    try:
        code = group.main(standalone_mode=False)
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        return EXIT_BAD_INPUT
    except click.Abort:
        click.echo("Aborted.", err=True)
        return 130
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        return 130
    except InputError as exc:
        render_issues(exc)
        return exc.exit_code
    except OsaError as exc:
        click.secho(f"Error: {exc}", fg="red", err=True)
        return exc.exit_code
    except Exception:  # a real bug: keep the traceback, ask for a report
        import traceback

        traceback.print_exc()
        click.secho(
            "\nThis is a bug in osa-opt, not in your input. Please report it with the "
            "command you ran and the traceback above.", fg="red", err=True)
        return 1
    # a command's `raise click.exceptions.Exit(3)` comes back here as the return value
    return code if isinstance(code, int) and not isinstance(code, bool) else 0


def render_issues(exc: Any) -> None:
    """Every input problem as one table on stderr (plain lines when not a terminal)."""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = Console(stderr=True, width=max(Console(stderr=True).width, 140))
    n = len(exc.issues)
    table = Table(title=f"{n} problem{'s' if n != 1 else ''} in the input", show_lines=False,
                  title_style="bold red", expand=False)
    for name in ("sheet", "row", "column", "value", "rule", "how to fix"):
        table.add_column(name, overflow="fold")
    for issue in exc.issues:  # escaped: "[budget]" in a hint is text, not rich markup
        table.add_row(*(escape(cell) for cell in (
            issue.sheet,
            "" if issue.row is None else str(issue.row),
            issue.column or "",
            "" if issue.value is None else str(issue.value),
            issue.rule,
            issue.hint,
        )))
    console.print(table)


def parse_budget(values: tuple[str, ...]) -> dict[str, Any]:
    """``--budget FY2026=20000`` -> ``{"budget.FY2026": 20000.0}``."""
    out: dict[str, Any] = {}
    for item in values:
        fy, sep, amount = item.partition("=")
        try:
            if not sep or not fy.strip():
                raise ValueError
            out[f"budget.{fy.strip()}"] = float(amount)
        except ValueError:
            raise click.BadParameter(
                f"{item!r}: write FY=AMOUNT in ¥ million, e.g. --budget FY2026=20000",
                param_hint="--budget") from None
    return out


def parse_sets(values: tuple[str, ...]) -> dict[str, Any]:
    """``--set priority.min_countries=8`` -> ``{"priority.min_countries": "8"}`` (TOML text)."""
    out: dict[str, Any] = {}
    for item in values:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise click.BadParameter(
                f"{item!r}: write KEY=VALUE, e.g. --set priority.min_countries=8",
                param_hint="--set")
        out[key.strip()] = value.strip()
    return out


def input_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """INPUT argument plus --policy, --budget and --set, shared by every command."""
    func = click.option(
        "--set", "sets", multiple=True, metavar="KEY=VALUE",
        help="Override any policy key, e.g. --set priority.min_countries=8 "
             "or --set 'objective.weights={security=0.5, humanitarian=0.3, "
             "partnership=0.2}'.")(func)
    func = click.option(
        "--budget", "budgets", multiple=True, metavar="FY=AMOUNT",
        help="Override the budget of a fiscal year in ¥ million, e.g. --budget FY2026=20000.")(func)
    func = click.option(
        "--policy", "policy_path", type=click.Path(dir_okay=False, path_type=Path),
        help="Policy model (TOML). Default: the shipped models/default.toml.")(func)
    func = click.argument(
        "input_path", metavar="[INPUT]", required=False,
        type=click.Path(path_type=Path))(func)
    return func


def load_from_cli(
    input_path: Path | None,
    policy_path: Path | None,
    budgets: tuple[str, ...] = (),
    sets: tuple[str, ...] = (),
    extra: dict[str, Any] | None = None,
) -> Problem:
    """Read and validate the input and policy named on the command line."""
    from osa_opt.inputs.readers import load_problem

    overrides = {**parse_sets(sets), **parse_budget(budgets), **(extra or {})}
    return load_problem(input_path, policy=policy_path, overrides=overrides or None)


def print_json(payload: Any) -> None:
    """The only thing a ``--json`` command writes to stdout."""
    sys.stdout.write(json.dumps(payload, indent=2, ensure_ascii=False, default=str) + "\n")
    sys.stdout.flush()


json_option = click.option(
    "--json", "as_json", is_flag=True, help="Print only the machine-readable result (JSON).")
quiet_option = click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors.")
verbose_option = click.option("--verbose", "-v", is_flag=True, help="Show the solver log.")
