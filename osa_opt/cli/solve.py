"""``osa-opt solve [INPUT]``: ranked portfolios, a run folder, and a summary table."""

from __future__ import annotations

import contextlib
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from osa_opt.cli.common import (
    PlainFloatRange,
    PlainIntRange,
    input_options,
    json_option,
    out_option,
    quiet_option,
    verbose_option,
)
from osa_opt.cli.progress import WRITING, progress_bar, stderr_console
from osa_opt.errors import OsaError
from osa_opt.text import code_label, fixed, number

if TYPE_CHECKING:
    from osa_opt.result import Result
    from osa_opt.solving.solver import Outcome

#: The suffixes ``--write-model`` takes (``model.export.FORMATS``'s, checked here before the
#: input is read, without loading Pyomo's writers).
MODEL_SUFFIXES = (".lp", ".mps")


@click.command("solve")
@input_options
@out_option
@click.option("--portfolios", "-k", type=PlainIntRange(min=1), metavar="K",
              help="Number of ranked portfolios (policy key portfolios.count).")
@click.option("--min-difference", type=PlainIntRange(min=1), metavar="D",
              help="Each portfolio differs from every better one in at least D projects "
                   "(portfolios.min_difference).")
@click.option("--time-limit", type=PlainFloatRange(min=0, min_open=True), metavar="S",
              help="Time limit of each solve in seconds (solver.time_limit).")
@click.option("--write-model", type=click.Path(dir_okay=False, path_type=Path),
              metavar="FILE.lp|FILE.mps",
              help="Also export the model, with names from the inputs, as LP or MPS.")
@click.option("--explain/--no-explain", default=None,
              help="Explain portfolio 1: why each project is in or out and the price of "
                   "each rule (sheets Why in or out and Rule prices). Exact up to 300 "
                   "eligible projects (a re-solve per project), LP bounds above (labelled). "
                   "Default: on up to 2,000 eligible projects.")
@click.option("--since", "since_dir", type=click.Path(path_type=Path), metavar="RUN_FOLDER",
              help="Also say what changed since that earlier run: input files and policy "
                   "keys, the cost requested, projects new, gone, forced or eligible "
                   "differently, and which entered or left portfolio 1 and why (run.json "
                   "analyses.since, sheet Since last run).")
@json_option
@quiet_option
@verbose_option
def command(
    input_path: Path | None,
    policy_path: Path | None,
    budgets: tuple[str, ...],
    sets: tuple[str, ...],
    out_dir: Path | None,
    portfolios: int | None,
    min_difference: int | None,
    time_limit: float | None,
    write_model: Path | None,
    explain: bool | None,
    since_dir: Path | None,
    as_json: bool,
    quiet: bool,
    verbose: bool,
) -> None:
    """Choose the projects to fund: ranked portfolios written to a new run folder.

    With no INPUT, solves the shipped example with the default policy. Writes run.json,
    portfolios.xlsx, portfolios.csv, policy.toml and report.html (see docs/outputs.md).

    \b
    Examples:
      osa-opt solve
      osa-opt solve my_round.xlsx --policy models/humanitarian_focus.toml -k 3
      osa-opt solve my_round.xlsx --budget FY2026=20000 \\
        --set priority.min_countries=8
      osa-opt solve --json > run.json
      osa-opt solve my_round.xlsx --policy outputs/monday/policy.toml \\
        --since outputs/monday

    Exit codes: 0 optimal (or time limit with a portfolio), 2 bad input,
    3 the policy cannot be met, 4 no portfolio found in time, 130 interrupted (Ctrl-C: the
    portfolios finished are written, run.json "partial": true).
    """
    from osa_opt.cli.common import load_from_cli, loading
    from osa_opt.outputs.safe import check_target

    _check_model_suffix(write_model)
    if out_dir is not None:
        check_target(out_dir, "--out")  # refuse before spending time on the solve
    show = not (quiet or as_json)
    previous = None
    if since_dir is not None:  # a folder that is no run's stops before the solve (exit 2)
        from osa_opt.analysis.since import unreadable
        from osa_opt.run_folder import read_manifest

        previous = read_manifest(since_dir, "--since")
        wrong = unreadable(previous)
        if wrong is not None:
            raise OsaError(f"--since {since_dir}: its run.json cannot be compared with: "
                           f"{wrong}; it was edited, or is not a run.json osa-opt wrote. "
                           "Give the folder of a run osa-opt wrote, or solve without --since.")
    t0 = time.perf_counter()
    problem = load_from_cli(input_path, policy_path, budgets, sets,
                            extra=_policy_overrides(portfolios, min_difference, time_limit))
    read_seconds = time.perf_counter() - t0
    # Pyomo loads once the input is known to be good: a bad input's message (exit 2) does
    # not wait for it.
    with loading():  # modules that live until the command ends
        from osa_opt.model import build_model
        from osa_opt.solving.solver import stdout_to_stderr
        from osa_opt.workflows import solve
    count = problem.policy.portfolios.count
    # HiGHS may print on file descriptor 1: keep stdout for the table or the JSON alone.
    with stdout_to_stderr():
        model = None
        if write_model is not None:
            from osa_opt.model.export import write_model as export_model

            model = build_model(problem)
            export_model(model, write_model)  # an OsaError in --write-model's words (exit 2)
        with _progress(count, live=show and not verbose, lines=show and verbose,
                       explain=explain, explain_limit=problem.policy.solver.explain_time_limit
                       ) as (report, phase, explaining):
            with ctrl_c_pressed() as pressed:
                result = solve(problem, model=model, log=sys.stderr if verbose else None,
                               progress=report, explain=explain, stop=pressed.is_set,
                               explain_progress=explaining)
            result.timings["read_seconds"] = round(read_seconds, 4)
            if result.partial and not result.portfolios:  # nothing finished: nothing to write
                click.secho("Interrupted before portfolio 1 was found; nothing written.",
                            fg="yellow", err=True)
                raise click.exceptions.Exit(130)
            _add_execution(result)
            if previous is not None and since_dir is not None:
                from osa_opt.analysis.since import SinceRun

                result.analyses["since"] = SinceRun.between(previous, result,
                                                            folder_label(since_dir))
            phase(WRITING)
            with loading():  # the writers (xlsxwriter, the report) load once there is a
                # result to write, not before HiGHS's search, the run's peak of memory
                from osa_opt.run_folder import write_run
            folder = write_run(result, out_dir, option="--out")
    if as_json:
        sys.stdout.write((folder / "run.json").read_text(encoding="utf-8"))
        sys.stdout.flush()
    elif show and result.portfolios:
        _render(result, folder, write_model)
    if result.partial:
        from osa_opt.cli.common import interrupted
        from osa_opt.text import counted

        raise interrupted(f"{len(result.portfolios)} of {counted(count, 'portfolio')} "
                          "finished", folder)
    if result.status.exit_code != 0:
        # An OsaError, so the top level prints it (also with --quiet) and exits 3 or 4.
        raise SolveFailed(_failure_message(result, folder), result.status.exit_code)


class SolveFailed(OsaError):
    """No portfolio: the policy cannot be met (exit 3) or none was found in time (exit 4)."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code


# ---------------------------------------------------------------------- options
def folder_label(folder: Path) -> str:
    """A run folder as "Since …" names it: as given, unless the path names no folder of
    its own (``.``, ``..``, ``outputs/may/..``: "Since ." said nothing), then by the
    name of the folder it resolves to.

    >>> folder_label(Path("outputs/may")), folder_label(Path(".")) == Path.cwd().name
    ('outputs/may', True)
    """
    if folder.name in ("", ".", ".."):
        resolved = folder.resolve()
        return resolved.name or str(resolved)
    return str(folder)


def _check_model_suffix(path: Path | None) -> None:
    if path is not None and path.suffix.lower() not in MODEL_SUFFIXES:
        raise click.BadParameter(
            f"{str(path)!r} ends in {path.suffix or 'no suffix'!r}; name the file .lp or .mps, "
            "e.g. --write-model model.lp", param_hint="--write-model")


def _policy_overrides(portfolios: int | None, min_difference: int | None,
                      time_limit: float | None) -> dict[str, Any]:
    """Command-line settings as policy overrides, so the recorded policy is the one used."""
    pairs = {"portfolios.count": portfolios, "portfolios.min_difference": min_difference,
             "solver.time_limit": time_limit}
    return {key: value for key, value in pairs.items() if value is not None}


# ---------------------------------------------------------------------- Ctrl-C
@contextlib.contextmanager
def ctrl_c_pressed() -> Iterator[threading.Event]:
    """While inside, Ctrl-C sets the yielded event and interrupts as usual: HiGHS ends the
    solve it is in, and the ranking keeps the portfolios finished before it (a second
    Ctrl-C interrupts whatever runs then)."""
    pressed = threading.Event()
    previous = signal.getsignal(signal.SIGINT)
    if threading.current_thread() is not threading.main_thread() \
            or previous is signal.SIG_IGN:  # e.g. a background job: Ctrl-C never arrives
        yield pressed
        return

    def handler(signum: int, frame: Any) -> None:
        pressed.set()
        signal.signal(signal.SIGINT, previous)
        raise KeyboardInterrupt

    signal.signal(signal.SIGINT, handler)
    try:
        yield pressed
    finally:
        signal.signal(signal.SIGINT, previous)


# ---------------------------------------------------------------------- progress
def _add_execution(result: Result) -> None:
    """With stages or signing probabilities in the input, the execution analysis of
    portfolio 1 (docs/execution.md) goes into the report and the workbook."""
    from osa_opt.analysis.execution import has_execution_data
    from osa_opt.workflows import EXECUTION_AUTO_LIMIT, execution

    if result.best is None or not has_execution_data(result.problem):
        return
    eligible = len(result.problem.eligible)
    if eligible > EXECUTION_AUTO_LIMIT:  # the reserve list is a MIP over eleven budget levels
        result.notes.append(
            f"The execution analysis was not run: with {eligible:,} eligible projects its "
            "reserve list takes a while. Run it with osa-opt execution.")
        return
    result.analyses["execution"] = execution(result.problem, baseline=result)


@contextlib.contextmanager
def _progress(count: int, *, live: bool, lines: bool, explain: bool | None,
              explain_limit: float | None = None) -> Iterator[tuple[Callable[[int, Outcome], None], Callable[[str], None],
                                  Callable[[int, int], None]]]:
    """Progress on stderr: a bar "portfolio k/K" while ranking, then the phase that runs
    (explaining, writing); plain lines with --verbose (a live bar would tangle with the
    solver log); nothing when quiet. Yields ``(report(k, outcome), phase(text),
    explaining(done, total))``: while explaining, the bar counts projects, with the time
    left (at most what ``explain_limit``, ``solver.explain_time_limit``, leaves: past it the
    answers are quick bounds), then pulses while the rules are priced."""
    def describe(k: int, outcome: Outcome) -> str:
        if outcome.objective is None:
            return f"portfolio {k}/{count}: {code_label(outcome.status.value, capital=False)}"
        return f"portfolio {k}/{count}: value {fixed(outcome.objective)} ({outcome.seconds:.2f} s)"

    if lines:
        err = stderr_console()
        yield (lambda k, outcome: err.print(f"[dim]{describe(k, outcome)}[/]"),
               lambda text: None, lambda done, total: None)
        return
    after = "explaining portfolio 1 …" if explain is not False else WRITING
    with progress_bar(count, f"portfolio 1/{count}", enabled=live) as advance:
        def report(k: int, outcome: Outcome) -> None:
            if k < count and outcome.status.has_solution:
                advance(f"portfolio {k + 1}/{count}")
            else:  # the ranking is over (early when no other portfolio exists)
                advance(after if outcome.status.has_solution else "finishing …",
                        steps=count - k + 1)
                advance.deadline(explain_limit if explain is not False else None)

        def explaining(done: int, total: int) -> None:
            if done >= total:  # why is done; the rule prices follow, without a count
                advance.phase("explaining portfolio 1: pricing the rules …")
                return
            advance(f"explaining portfolio 1: project {done}/{total}", steps=0)
            advance.update(done, total)

        yield report, advance.phase, explaining


# ---------------------------------------------------------------------- rendering
def _render(result: Result, folder: Path, model_path: Path | None) -> None:
    from rich.markup import escape

    from osa_opt.cli.render import (
        print_notes,
        print_solve_summary,
        print_words,
        stdout_console,
        wrote_line,
    )

    console = stdout_console()
    print_solve_summary(console, result)
    since = result.analyses.get("since")
    if since is not None:
        for line in since.lines():
            print_words(console, escape(line))
    print_words(console, wrote_line(folder))
    if model_path is not None:
        print_words(console, f"Wrote the model to {escape(str(model_path))}.")
    print_notes(console, result.notes)


def _failure_message(result: Result, folder: Path) -> str:
    """The short message of exit codes 3 and 4."""
    from osa_opt.cli.render import shown_folder
    from osa_opt.result import Status

    policy = result.problem.policy
    if result.status == Status.INFEASIBLE:
        from osa_opt.analysis.diagnose import headline

        units = [e for e in result.diagnosis if isinstance(e, dict) and e.get("family") == "units"]
        lines = [f"First check the units: {e['message']}" for e in units]
        rules = [e for e in result.diagnosis if e not in units]
        lines.append(headline(rules))
        for entry in rules[:5]:
            text = entry.get("message") or entry.get("rule") if isinstance(entry, dict) else None
            lines.append(f"  - {text or entry}")
    elif result.status == Status.NO_SOLUTION:
        lines = [f"No portfolio found within the time limit of {number(policy.solver.time_limit)} s "
                 "per solve; raise it with --time-limit."]
    else:
        lines = [f"The solver failed: {result.message}"]
    lines.append(f"The run is recorded in {shown_folder(folder)}/run.json "
                 f"(status \"{result.status.value}\").")
    return "\n".join(lines)
