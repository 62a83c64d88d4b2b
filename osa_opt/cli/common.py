"""What every command shares: its options, error rendering, JSON output, stopping.

Each option is defined once here (``--policy``, ``--budget``, ``--set``, ``--out``,
``--jobs``, ``--scheduler``, ``--samples``, ``--seed``, ``--json``, ``--quiet``,
``--verbose`` ...) and every command builds its signature from them; the one progress bar
is :func:`osa_opt.cli.progress.progress_bar`. Nothing heavy is imported at module level
(``osa-opt --help``).
"""

from __future__ import annotations

import contextlib
import errno
import gc
import json
import re
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from osa_opt.cli.console import terminal_text
from osa_opt.cli.progress import stderr_console
from osa_opt.errors import OsaError
from osa_opt.gcpause import paused_gc

if TYPE_CHECKING:
    from osa_opt.inputs.problem import Problem
    from osa_opt.result import Result

#: Exit code of a run stopped by Ctrl-C (128 + SIGINT), as shells report it.
EXIT_INTERRUPTED = 130


def run_cli(group: click.Group) -> int:
    """Run the click group; user errors become a message and an exit code, not a traceback.

    A reader that closes the output (``osa-opt solve | head -1``) ends the command quietly
    with exit code 141 (128 + SIGPIPE, as a shell reports ``yes | head -1``), also when it
    happens while an error is shown: no traceback, no "Exception ignored" at exit.
    """
    from osa_opt.cli.console import EXIT_CLOSED_PIPE, ClosedOutput, end_closed_output

    try:
        return _run_cli(group)
    except (ClosedOutput, BrokenPipeError) as exc:
        if end_closed_output(exc):
            return EXIT_CLOSED_PIPE
        return _bug()


def _interrupted_text(exc: BaseException | None) -> str:
    """ "Interrupted.", or what Ctrl-C cost when it says (while the run folder was written,
    the finished portfolios were not: :class:`osa_opt.errors.WriteInterrupted`)."""
    from osa_opt.errors import WriteInterrupted

    return terminal_text(str(exc)) if isinstance(exc, WriteInterrupted) else "Interrupted."


def _run_cli(group: click.Group) -> int:
    from osa_opt.cli.console import ClosedOutput
    from osa_opt.errors import EXIT_BAD_INPUT, InputError, OsaError

    try:
        code = group.main(standalone_mode=False)
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.ClickException as exc:
        _show_usage_error(exc)
        return EXIT_BAD_INPUT
    except click.Abort as exc:  # click's name for a KeyboardInterrupt inside a command
        click.echo(_interrupted_text(exc.__cause__), err=True)
        return EXIT_INTERRUPTED
    except KeyboardInterrupt as exc:
        click.echo(_interrupted_text(exc), err=True)
        return 130
    except InputError as exc:
        render_issues(exc)
        return exc.exit_code
    except OsaError as exc:
        click.secho(terminal_text(f"Error: {exc.cli_message or exc}"), fg="red", err=True)
        return exc.exit_code
    except (ClosedOutput, BrokenPipeError):  # run_cli's to judge
        raise
    except OSError as exc:
        if exc.errno not in _FULL_DEVICE:
            return _bug()
        _show_unwritten_output(exc)
        return EXIT_BAD_INPUT
    except Exception:  # a real bug: keep the traceback, ask for a report
        return _bug()
    # a command's `raise click.exceptions.Exit(3)` comes back here as the return value
    return code if isinstance(code, int) and not isinstance(code, bool) else 0


#: errno of a write that found no room (a full disk, a quota, a file-size limit) or failed
#: on the device: the machine's state, never a bug to report.
_FULL_DEVICE = frozenset(getattr(errno, name) for name in ("ENOSPC", "EDQUOT", "EFBIG", "EIO")
                         if hasattr(errno, name))


def _show_unwritten_output(exc: OSError) -> None:
    """The output (stdout: ``osa-opt validate --json > /dev/full``) could not be written:
    one line on stderr saying so, no traceback. stdout then writes to ``os.devnull``, so
    the flush at exit does not fail on it again. A run folder is written (in full, or not
    at all) before its summary is printed, so what it holds stands."""
    import os

    with contextlib.suppress(AttributeError, OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    where = f" {exc.filename}" if exc.filename else " the output (stdout)"
    with contextlib.suppress(OSError, ValueError):  # stderr may be the full device too
        click.secho(terminal_text(
            f"Error: could not write{where}: {exc.strerror or exc}. Free some space, or "
            "send the output elsewhere; a run folder the command wrote is complete (it is "
            "written before the summary)."), fg="red", err=True)


def _bug() -> int:
    """The exception being handled is a bug: its traceback and a request to report it."""
    import traceback

    traceback.print_exc()
    click.secho(
        "\nThis is a bug in osa-opt, not in your input. Please report it with the "
        "command you ran and the traceback above.", fg="red", err=True)
    return 1


def _show_usage_error(exc: click.ClickException) -> None:
    """click's own error display (usage, hint, message), the message wrapped to the
    terminal as every other message is."""
    ctx = getattr(exc, "ctx", None)
    if isinstance(exc, click.UsageError) and ctx is not None:
        hint = (f"Try '{ctx.command_path} {ctx.help_option_names[0]}' for help.\n"
                if ctx.help_option_names else "")
        click.echo(f"{ctx.get_usage()}\n{hint}", err=True, color=ctx.color)
    click.echo(terminal_text(f"Error: {exc.format_message()}"), err=True)
    runs = _run_folders_named(exc.format_message(), ctx)
    if runs:  # 'osa-opt compare run-a run-b': two runs are compared by --since
        from osa_opt.inputs.readers import recorded_input

        earlier, later = runs[0], runs[-1]
        given = recorded_input(Path(later)) if len(runs) > 1 else next(
            (str(v) for v in (getattr(ctx, "params", None) or {}).values()
             if isinstance(v, (str, Path))
             and Path(v).exists() and str(v) not in runs), None)
        are = (f"{earlier} and {later} are run folders of osa-opt (each holds run.json)"
               if len(runs) > 1 else f"{earlier} is a run folder of osa-opt (it holds run.json)")
        click.echo(terminal_text(
            f"{are}, and a command takes one input. To see "
            f"what changed between two runs, solve the later one's input with --since the "
            f"earlier run: osa-opt solve {given or 'INPUT'} --since {earlier}; to ask more "
            f"of one run, --run {later}."), err=True)


def _run_folders_named(message: str, ctx: Any) -> list[str]:
    """The run folders (a folder holding run.json) given as arguments, when click refuses
    one as an extra argument ('Got unexpected extra argument (outputs/may)'): the command's
    own INPUT first, then the extras."""
    found = re.match(r"Got unexpected extra arguments? \((.*)\)$", message.strip())
    if not found:
        return []
    given = [str(v) for v in (getattr(ctx, "params", None) or {}).values()
             if isinstance(v, (str, Path))]
    return [a for a in [*given, *found.group(1).split()] if (Path(a) / "run.json").is_file()]


#: The narrowest the wide layout of input problems may make its fix column.
FIX_MIN_WIDTH = {"How to fix": 30}


def render_issues(exc: Any) -> None:
    """Every input problem as one table on stderr, fitted to the terminal's width (a
    stacked layout when six columns do not fit; nothing is cut)."""
    from rich.markup import escape
    from rich.table import Table

    from osa_opt.cli.console import first_fitting, fitted_console, table_title
    from osa_opt.text import counted, terminal_value

    console = fitted_console(stderr=True)
    n = sum(issue.more or 1 for issue in exc.issues)  # a "more" line stands for many
    title = f"{counted(n, 'problem')} in the input"
    source = issue_source_title(exc.issues)

    def where(issue: Any) -> str:
        return (issue.label or "") if issue.row is None else str(issue.row)

    wide = Table(title=table_title(title, "bold red"))
    for name in (source[:1].upper() + source[1:], "Row /\nline", "Column /\nkey", "Value",
                 "Rule", "How to fix"):
        # wrapped at spaces only: a word wider than its column makes the table not fit
        # (first_fitting), where a folded one fitted and split "maritime_survei|llance";
        # the fix no narrower than a short line, else the stacked layout
        # (at 80 columns a fix of three lines was 20 lines of 16 characters)
        wide.add_column(name, min_width=FIX_MIN_WIDTH.get(name))
    stacked = Table(title=table_title(title, "bold red"), show_lines=True)
    stacked.add_column(f"{source[:1].upper() + source[1:]}, row, column, value",
                       overflow="fold", ratio=1)
    stacked.add_column("Rule and how to fix", overflow="fold", ratio=2)
    for issue in exc.issues:  # escaped: "[budget]" in a hint is text, not rich markup
        value = terminal_value(issue.value_text)  # a NUL or 200,000 characters: shown short
        wide.add_row(*(escape(cell) for cell in (
            issue.sheet, where(issue), issue.column or "", value, issue.rule, issue.hint)))
        row_word = "line" if issue.of_policy else "row"
        place = ", ".join(x for x in (issue.sheet, where(issue) and f"{row_word} {where(issue)}",
                                      issue.column or "", value and f"value {value}") if x)
        stacked.add_row(escape(place), escape(f"{issue.rule}\nFix: {issue.hint}"))
    console.print(first_fitting(console, [wide, stacked]))


def issue_source_title(issues: list[Any]) -> str:
    """The first column's title: "sheet", "option", "policy file" or, mixed, "source"."""
    kinds = set()
    for issue in issues:
        name = str(issue.sheet)
        kinds.add("option" if name.startswith(("--", "policy override")) else
                  "policy file" if name.startswith("policy") else "sheet")
    return kinds.pop() if len(kinds) == 1 else "source"


def parse_budget(values: tuple[str, ...]) -> dict[str, Any]:
    """``--budget FY2026=20000`` -> ``{"budget.FY2026": 20000.0}``."""
    out: dict[str, Any] = {}
    for item in values:
        fy, sep, amount = item.partition("=")
        try:
            if not sep or not fy.strip() or "_" in amount:  # float reads 1_200: a cell not
                raise ValueError
            key, number = f"budget.{fy.strip()}", float(amount)
        except ValueError:
            from osa_opt.inputs.toml_hints import without_separators, without_underscores
            from osa_opt.text import half_width

            joined = without_underscores(half_width(amount))
            if joined is not None and sep and fy.strip():
                raise click.BadParameter(
                    f"{item!r}: the amount {amount.strip()} has '_' between its digits; write "
                    f"--budget {fy.strip()}={joined} (¥ million, without '_', as a cost is "
                    "typed in the input: a spreadsheet reads 1_200 as text)",
                    param_hint="--budget") from None
            plain = without_separators(half_width(amount))
            if plain is not None and sep and fy.strip():
                raise click.BadParameter(
                    f"{item!r}: the amount {amount.strip()} has a thousands separator; write "
                    f"--budget {fy.strip()}={plain} (¥ million, no separators)",
                    param_hint="--budget") from None
            from osa_opt.inputs.cells import million_hint, yen_million

            in_million = yen_million(amount) if sep and fy.strip() else None
            if in_million is not None:  # 18.1bn, ¥18,100m, 181億円: as a cost cell is told
                raise click.BadParameter(
                    f"{item!r}: {million_hint('budgets', amount.strip(), in_million, 'write')}"
                    f": --budget {fy.strip()}={option_value(in_million)}"
                    if in_million >= 1 else  # ¥18,100: yen, or a currency format's ¥ million
                    f"{item!r}: {million_hint('budgets', amount.strip(), in_million, 'write')}",
                    param_hint="--budget") from None
            raise click.BadParameter(
                f"{item!r}: write FY=AMOUNT in ¥ million, e.g. --budget FY2026=20000",
                param_hint="--budget") from None
        if key in out and out[key] != number:  # --budget FY2026=18100 --budget FY2026=17000
            raise click.BadParameter(
                f"{item!r}: --budget gives {fy.strip()} twice ({option_value(out[key])} and "
                f"{option_value(number)}), and which one is meant cannot be told; give it once",
                param_hint="--budget")
        out[key] = number
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
        if key.strip() in out and not _same(out[key.strip()], value.strip()):
            raise click.BadParameter(
                f"{item!r}: --set gives {key.strip()} twice ({out[key.strip()]} and "
                f"{value.strip()}), and which one is meant cannot be told; give it once",
                param_hint="--set")
        out[key.strip()] = value.strip()
    return out


def option_value(value: Any) -> str:
    """A value as an option is typed (``--budget FY2026=18100``, ``--budget-scenario``):
    ``18100`` for 18100.0."""
    from osa_opt.text import number

    return number(value, grouped=False) if isinstance(value, int | float) and \
        not isinstance(value, bool) else str(value)


def _same(first: Any, second: Any) -> bool:
    """Whether two values of one policy key are the same once read as TOML (``8`` and
    ``8.0``, ``18100`` and 18100.0)."""
    from osa_opt.inputs.policy_convert import parse_cli_value

    def read(value: Any) -> Any:
        return parse_cli_value(value) if isinstance(value, str) else value

    return bool(read(first) == read(second))


def merged_overrides(sets: tuple[str, ...], budgets: tuple[str, ...],
                     extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """The policy overrides of ``--set``, ``--budget`` and a command's own options
    (``--portfolios``: ``extra``); a key two of them give with two values
    (``--set portfolios.count=5 --portfolios 3``) is refused: which is meant cannot be
    told, and the later one would win in silence."""
    out = parse_sets(sets)
    for source, given in (("--budget", parse_budget(budgets)), (None, extra or {})):
        for key, value in given.items():
            if key in out and not _same(out[key], value):
                option = source or ("--portfolios" if key == "portfolios.count" else
                                    "--" + key.rsplit(".", 1)[-1].replace("_", "-"))
                raise click.BadParameter(
                    f"{key} is given twice, {out[key]} by --set and {option_value(value)} by "
                    f"{option}, and which one is meant cannot be told; give it once",
                    param_hint="--set")
            out[key] = value
    return out


#: True in the ``osa-opt`` process itself (set by :func:`osa_opt.cli.main`, which ends the
#: process with the command): only there may :func:`loading` freeze what it loaded. An
#: in-process caller (the tests, a notebook running :func:`run_cli`) keeps its collector as
#: it was: a freeze would also keep its own garbage from ever being collected.
FREEZE_LOADED = False


@contextlib.contextmanager
def loading() -> Iterator[None]:
    """Around a step that imports modules or reads what lives until the command ends (the
    Problem): the garbage collector paused inside (:func:`osa_opt.gcpause.paused_gc`) and,
    in the ``osa-opt`` process, what exists at its end frozen out of the collector's sight
    (``gc.freeze``, before it is back on), so no later collection walks those objects again:
    collections walking the imported modules' objects took 0.1-0.2 s of a default solve's
    1.7 s (the example, five portfolios, explanations), now about 0.03 s. Not frozen when the
    step fails."""
    with paused_gc():
        yield
        if FREEZE_LOADED:
            gc.freeze()


def load_from_cli(
    input_path: Path | None,
    policy_path: Path | None,
    budgets: tuple[str, ...] = (),
    sets: tuple[str, ...] = (),
    extra: dict[str, Any] | None = None,
    warn: bool = True,
) -> Problem:
    """Read and validate the input and policy named on the command line (or, with
    ``--run RUN_FOLDER``, the run's input and policy, with --budget/--set on top).

    The input's warnings are printed on stderr unless ``warn`` is False (``validate``
    prints them after its summary; ``--quiet`` silences them).
    """
    with loading():  # imports pandas and pandera, reads: objects that live on
        problem = _read_problem(input_path, policy_path, budgets, sets, extra)
    ctx = click.get_current_context(silent=True)
    extend = ctx.meta.get(EXTEND_KEY, ()) if ctx is not None else ()
    run = ctx.meta.get(RUN_KEY) if ctx is not None else None
    if run is not None:  # the run's own extensions, checked unchanged, or a stop naming them
        from osa_opt.run_folder import run_extensions

        extend = (*run_extensions(run, "--run", given=extend), *extend)
    if extend:
        problem = problem.with_extensions(list(extend))
    if warn and not (ctx is not None and ctx.params.get("quiet")):
        print_warnings(at_options(problem.warnings, budgets, sets))
    return problem


def _read_problem(input_path: Path | None, policy_path: Path | None, budgets: tuple[str, ...],
                  sets: tuple[str, ...], extra: dict[str, Any] | None) -> Problem:
    """:func:`load_from_cli`'s reading: the input and the policy with the options on top."""
    from osa_opt.errors import InputError
    from osa_opt.inputs.readers import load_problem

    input_path, policy_path = from_run(input_path, policy_path)
    overrides = merged_overrides(sets, budgets, extra)
    ctx = click.get_current_context(silent=True)
    separator = ctx.meta.get("osa_opt.decimal_separator") if ctx is not None else None
    try:
        return load_problem(input_path, policy=policy_path, overrides=overrides or None,
                            decimal_separator=separator)
    except InputError as exc:
        blame_budget_option(exc, budgets, sets)
        raise


def print_warnings(warnings: list[Any]) -> None:
    """Warnings on stderr, one bullet each, wrapped as the errors are
    (:func:`~osa_opt.cli.console.terminal_text`: between words, each line under the
    bullet's text, none ending in a space; one line each in a file): the run goes on
    (exit 0)."""
    if not warnings:
        return
    from osa_opt.text import counted

    console = stderr_console()
    console.print(f"[bold yellow]{counted(len(warnings), 'warning')}[/] (the input is read; "
                  "check that this is what you meant):")
    for warning in warnings:
        click.echo(terminal_text(f"  - {warning.message()}"), err=True)


def blame_budget_option(exc: Any, budgets: tuple[str, ...], sets: tuple[str, ...] = ()) -> None:
    """A fiscal year that only ``--budget`` (or ``--set budget.FY…``) names has no cost
    column in the input: say so as the option's mistake (a typo in the year, most often),
    not the workbook's, its did-you-mean as the option to type (``--budget fy2026=18100``:
    *did you mean --budget FY2026=18100?*). Such an issue carries its facts
    (:class:`~osa_opt.errors.MissingYear`), which are reworded here, never its hint's text.
    A key or value of the policy an option set wrong is placed at the option as typed
    (``--set priority.min_country=8``), not at "policy override" (:func:`at_options`)."""
    import dataclasses

    from osa_opt.errors import MissingYear
    from osa_opt.inputs.override_years import missing_year_hint

    typed, fixes = _options_typed(budgets, sets)
    exc.issues[:] = at_options(exc.issues, budgets, sets)
    for k, issue in enumerate(exc.issues):
        year = issue.detail
        if isinstance(year, MissingYear) and year.key in fixes:
            where, fixed = typed[year.key], fixes[year.key]
            option = fixed.partition(" ")[0]
            meant = fixed.format(year.closest) if year.closest else None
            exc.issues[k] = dataclasses.replace(
                issue, sheet=where, column=None, value=year.fiscal_year,
                rule=f"{year.fiscal_year} is not a fiscal year of this input (it has no "
                     f"{year.column} column)",
                hint=missing_year_hint(year, option, meant))


def _options_typed(budgets: tuple[str, ...], sets: tuple[str, ...],
                   ) -> tuple[dict[str, str], dict[str, str]]:
    """Each override key -> the option as typed (``--set priority.min_countries=8``), and
    each budget's key -> the option to type for a year (``--budget {}=18100``)."""
    typed: dict[str, str] = {}
    fixes: dict[str, str] = {}
    for item in sets:
        key, _, value = item.partition("=")
        typed[key.strip()] = f"--set {item}"
        if key.strip().startswith("budget."):
            fixes[key.strip()] = "--set budget.{}=" + value.strip()
    for item in budgets:  # --budget wins over --set for one year, as in the overrides
        fy, _, amount = item.partition("=")
        typed[f"budget.{fy.strip()}"] = f"--budget {item}"
        fixes[f"budget.{fy.strip()}"] = "--budget {}=" + amount.strip()
    return typed, fixes


def at_options(issues: list[Any], budgets: tuple[str, ...], sets: tuple[str, ...] = (),
               ) -> list[Any]:
    """Each issue (a problem or a warning) placed at an override (``policy override``)
    whose key, or a key it lies under, was given by ``--set`` or ``--budget``: placed at
    that option as typed (``--set priority.required_partners=['Tavolla']``), the most
    specific one when several are (``--budget FY2026=…`` before ``--set 'budget={…}'``)."""
    import dataclasses

    from osa_opt.inputs.policy import OVERRIDE_SHEET, under_key

    typed, _ = _options_typed(budgets, sets)
    keys = sorted(typed, key=len, reverse=True)
    out = []
    for issue in issues:
        key = under_key(issue.column, keys) if issue.sheet == OVERRIDE_SHEET else None
        out.append(issue if key is None else dataclasses.replace(issue, sheet=typed[key]))
    return out


def from_run(input_path: Path | None, policy_path: Path | None,
             ) -> tuple[Path | None, Path | None]:
    """The input and policy to read: as given, or the ``--run`` folder's (then giving INPUT
    or --policy as well is a usage error)."""
    context = click.get_current_context(silent=True)
    run = context.meta.get(RUN_KEY) if context is not None else None
    if context is None or run is None:
        return input_path, policy_path
    if input_path is not None or policy_path is not None:
        raise click.UsageError(
            f"--run {run} takes the run's input and policy; give INPUT and --policy only "
            "without --run (change single keys with --budget and --set instead)")
    from osa_opt.run_folder import run_sources

    def notice(text: str) -> None:
        if not context.params.get("quiet"):
            click.secho(text, fg="yellow", err=True)

    return run_sources(run, notice=notice)


def print_json(payload: Any) -> None:
    """The only thing a ``--json`` command writes to stdout."""
    sys.stdout.write(json.dumps(payload, indent=2, ensure_ascii=False, default=str) + "\n")
    sys.stdout.flush()


# ---------------------------------------------------------------------- options
# Every command builds its options from these, so one option reads and behaves the same
# wherever it appears. Decorators apply bottom-up: each combination lists them in the
# order of ``--help``.
Decorator = Callable[[Callable[..., Any]], Callable[..., Any]]

input_argument: Decorator = click.argument(
    "input_path", metavar="[INPUT]", required=False, type=click.Path(path_type=Path))
policy_option: Decorator = click.option(
    "--policy", "policy_path", type=click.Path(dir_okay=False, path_type=Path),
    help="Policy model (TOML). Default: the shipped models/default.toml.")
json_option: Decorator = click.option(
    "--json", "as_json", is_flag=True, help="Print only the machine-readable result (JSON).")
quiet_option: Decorator = click.option(
    "--quiet", "-q", is_flag=True, help="Print nothing but errors.")
verbose_option: Decorator = click.option(
    "--verbose", "-v", is_flag=True, help="Show the solver log.")
def _refuse_underscores(kind: click.ParamType, value: Any, param: click.Parameter | None,
                        ctx: click.Context | None) -> None:
    """``--portfolios 1_0``: Python's ``int`` and ``float`` read ``_`` between digits, as
    a number of the input is refused so (a spreadsheet reads ``1_200`` as text); the option
    is refused the same way, with the number to type."""
    if isinstance(value, str) and "_" in value:
        from osa_opt.inputs.toml_hints import without_underscores

        plain = without_underscores(value)
        if plain is None:
            return  # click's own message: not a number at all
        kind.fail(f"{value!r} has '_' between its digits; type {plain}, without '_' (as a "
                  "number of the input is typed: a spreadsheet reads 1_200 as text)", param, ctx)


class PlainIntRange(click.IntRange):
    """:class:`click.IntRange` refusing ``_`` between digits (:func:`_refuse_underscores`)."""

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> Any:
        _refuse_underscores(self, value, param, ctx)
        return super().convert(value, param, ctx)


class PlainFloatRange(click.FloatRange):
    """:class:`click.FloatRange` refusing ``_`` between digits (:func:`_refuse_underscores`)."""

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> Any:
        _refuse_underscores(self, value, param, ctx)
        return super().convert(value, param, ctx)


samples_option: Decorator = click.option(
    "--samples", "-n", type=PlainIntRange(min=1), metavar="N",
    help="Number of sampled weight and score vectors (robustness.samples, default 500).")
seed_option: Decorator = click.option(
    "--seed", type=PlainIntRange(), metavar="S",
    help="Random seed of the sampling (robustness.seed); the same seed gives the same "
         "answer, serial or parallel.")


def budget_option(help: str = "Override the budget of a fiscal year in ¥ million, e.g. "
                              "--budget FY2026=20000.") -> Decorator:
    """``--budget FY=AMOUNT`` (repeatable), parsed by :func:`parse_budget`."""
    return click.option("--budget", "budgets", multiple=True, metavar="FY=AMOUNT", help=help)


def set_option(help: str = "Override any policy key, e.g. --set priority.min_countries=8 or "
                           "--set 'objective.weights={security=0.5, humanitarian=0.3, "
                           "partnership=0.2}'.") -> Decorator:
    """``--set KEY=VALUE`` (repeatable), parsed by :func:`parse_sets`."""
    return click.option("--set", "sets", multiple=True, metavar="KEY=VALUE", help=help)


def out_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--out DIR``: the run folder to write."""
    return click.option(
        "--out", "out_dir", type=click.Path(path_type=Path), metavar="DIR",
        help="Run folder to write (must not exist or be empty). "
             "Default: a new folder under ./outputs.")(func)


#: Where ``--run`` leaves its folder for :func:`load_from_cli` (click's context meta).
RUN_KEY = "osa_opt.run"


def _remember_run(ctx: click.Context, _param: click.Parameter, value: Path | None) -> Path | None:
    if value is not None:
        ctx.meta[RUN_KEY] = value
    return value


run_option: Decorator = click.option(
    "--run", "run_folder", type=click.Path(file_okay=False, path_type=Path),
    metavar="RUN_FOLDER", expose_value=False, callback=_remember_run,
    help="Take the input and policy of a finished run (its run.json and policy.toml); "
         "--budget and --set still apply on top. Stops if the input changed since.")


def _keep_decimal_separator(ctx: click.Context, _: Any, value: str | None) -> None:
    ctx.meta["osa_opt.decimal_separator"] = value


#: ``--decimal-separator``: reaches :func:`load_from_cli` through the click context, so no
#: command needs a parameter for it.
decimal_option: Decorator = click.option(
    "--decimal-separator", type=click.Choice([".", ","]), expose_value=False,
    callback=_keep_decimal_separator, metavar="[.|,]",
    help="How numbers written with separators are meant when the input does not settle it: "
         "'.' reads 1,100.5 (English), ',' reads 1.100,5 (German, French ...).")


def _keep_extensions(ctx: click.Context, _: Any, value: tuple[str, ...]) -> None:
    ctx.meta[EXTEND_KEY] = tuple(value)


EXTEND_KEY = "osa_opt.extend"

#: ``--extend FILE.py:FUNCTION`` (repeatable): model extensions; like --decimal-separator it
#: reaches :func:`load_from_cli` through the click context (the Problem then carries them).
extend_option: Decorator = click.option(
    "--extend", multiple=True, metavar="FILE.py:FUNCTION", expose_value=False,
    callback=_keep_extensions,
    help="Add constraints of your own: a Python function FUNCTION(model, problem) in "
         "FILE.py that adds Pyomo components to the model (repeatable). Every model the "
         "command builds applies it; run.json records it.")


def input_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """INPUT argument plus --run, --policy, --budget, --set, --decimal-separator and
    --extend, shared by every command."""
    for decorator in (extend_option, decimal_option, set_option(), budget_option(),
                      policy_option, run_option, input_argument):
        func = decorator(func)
    return func


def parallel_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--jobs N``, ``--scheduler ADDRESS`` and ``--out DIR``."""
    func = out_option(func)
    func = click.option(
        "--scheduler", metavar="ADDRESS",
        help="Run on a Dask cluster, e.g. tcp://10.0.0.5:8786 (needs "
             "pip install 'osa-opt[distributed]'); --jobs is then not used.")(func)
    return click.option(
        "--jobs", "-j", type=PlainIntRange(min=1), default=1, show_default=True, metavar="N",
        help="Local worker processes; each builds the model once and solves its chunks.")(func)


def output_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--json`` and ``--quiet``: what a command prints."""
    return json_option(quiet_option(func))


# ---------------------------------------------------------------------- stopping
class NoBaseline(OsaError):
    """The normal solve found no portfolio: exit 3 (infeasible) or 4 (no solution in time)."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code

    @classmethod
    def recorded(cls, what: str, result: Result, folder: Path) -> NoBaseline:
        """"No <what>: <why>. The run is recorded in <folder>/run.json.", with the exit
        code of the result's status."""
        return cls(f"No {what}: {result.message or result.status.value} "
                   f"The run is recorded in {folder}/run.json.", result.status.exit_code)


def interrupted(what: str, folder: Path) -> click.exceptions.Exit:
    """Say what was kept after Ctrl-C (also with --quiet or --json) and exit 130."""
    click.secho(terminal_text(f"Interrupted: {what}; written to {folder}/ (marked partial)."),
                fg="yellow", err=True)
    return click.exceptions.Exit(EXIT_INTERRUPTED)
