"""The one progress bar of every command, on stderr (rich when stderr is a terminal).

``bar()`` advances one step and ``bar("text")`` relabels it (the solve's portfolios, the
frontier's budget levels); ``bar.update(done, total)`` is the ``progress`` callback the
analyses take (robustness samples, compare scenarios, execution samples). With
``plain_lines`` a log file gets a line now and then instead of nothing.

>>> from osa_opt.analysis.robustness import robustness
>>> quiet = True
>>> with progress_bar(20, "samples", enabled=not quiet, plain_lines=True) as bar:
...     rob = robustness(problem, samples=20, progress=bar.update)
"""

from __future__ import annotations

import contextlib
import math
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console

#: Seconds between plain progress lines when stderr is not a terminal.
PLAIN_PROGRESS_SECONDS = 10.0
#: The label of the last phase of a command that writes a run folder (:meth:`Bar.phase`).
WRITING = "writing the run folder …"


def stderr_console() -> Console:
    """The console for progress, the solver log's neighbours, warnings: stderr."""
    from osa_opt.cli.console import console

    return console(stderr=True, highlight=False)


class Bar:
    """What :func:`progress_bar` yields: ``bar()`` advances one step, ``bar("text")`` also
    relabels it, ``bar(steps=0)`` only relabels; ``bar.update(done, total)`` is the
    ``progress(done, total)`` callback the analyses take."""

    def __init__(self, step: Callable[[str | None, int | None, int | None, int], None],
                 phase: Callable[[str], None] | None = None,
                 deadline: Callable[[float | None], None] | None = None) -> None:
        self._step = step
        self._phase = phase
        self._deadline = deadline

    def __call__(self, description: str | None = None, steps: int = 1) -> None:
        self._step(description, None, None, steps)

    def phase(self, description: str) -> None:
        """A last step of unknown length (writing the run folder): the bar pulses without a
        count or a time left (the last step's "38/38" would be stale) and the clock starts
        again, so a full bar does not sit still as if stalled."""
        if self._phase is not None:
            self._phase(description)
        else:
            self._step(description, None, None, 0)

    def update(self, done: int, total: int | None = None) -> None:
        self._step(None, done, total, 0)

    def deadline(self, seconds: float | None) -> None:
        """The step ends within ``seconds`` from now whatever its pace (a time limit): the
        time left shown is at most what remains of them (None: the pace alone)."""
        if self._deadline is not None:
            self._deadline(seconds)


@contextlib.contextmanager
def progress_bar(
    total: int,
    description: str,
    enabled: bool = True,
    *,
    console: Console | None = None,
    plain_lines: bool = False,
) -> Iterator[Bar]:
    """The one progress bar of every command, on stderr; it disappears when done.

    Parameters
    ----------
    total : number of steps (solves, samples, scenarios, budget levels).
    description : the label shown before the first step, e.g. ``"portfolio 1/5"``.
    enabled : False with ``--quiet`` or ``--json``: nothing is shown.
    console : where to draw (default :func:`stderr_console`).
    plain_lines : when stderr is not a terminal (a log file, a batch job), print
        ``"<label>: done/total"`` at the first step, every :data:`PLAIN_PROGRESS_SECONDS`
        and at the end, instead of nothing (for the long runs: robustness, compare).

    Examples
    --------
    >>> quiet = True
    >>> with progress_bar(3, "budget level 1/3", enabled=not quiet) as bar:
    ...     for level in (1, 2, 3):
    ...         bar(f"budget level {min(level + 1, 3)}/3")    # after solving level `level`
    >>> from osa_opt.analysis.robustness import robustness
    >>> with progress_bar(20, "samples", enabled=not quiet) as bar:
    ...     rob = robustness(problem, samples=20, progress=bar.update)
    """
    if not enabled:
        yield Bar(lambda *args: None)
        return
    console = console or stderr_console()
    if not console.is_terminal:
        yield Bar(_PlainLines(console, total, description) if plain_lines
                  else lambda *args: None)
        return
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        Task,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )
    from rich.text import Text

    class Count(MofNCompleteColumn):
        """"3/5"; nothing in a phase of unknown length (not rich's "38/?")."""

        def render(self, task: Task) -> Text:
            return Text("") if task.total is None else super().render(task)

    class Remaining(TimeRemainingColumn):
        """The time left; nothing in a phase of unknown length at once (rich would show
        its last time, kept for half a second); never past the task's deadline."""

        def __call__(self, task: Task) -> Any:
            return Text("") if task.total is None else super().__call__(task)

        def render(self, task: Task) -> Text:
            deadline, pace = task.fields.get("deadline"), task.time_remaining
            if deadline is None or pace is None or task.finished:
                return super().render(task)
            left = int(max(0.0, min(pace, deadline - time.monotonic())))
            hours, rest = divmod(left, 3600)
            return Text(f"{hours:d}:{rest // 60:02d}:{rest % 60:02d}", style="progress.remaining")

    columns = (SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), Count(),
               TimeElapsedColumn(), Remaining())
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task(description, total=max(total, 1))

        def step(label: str | None, done: int | None, new_total: int | None,
                 steps: int) -> None:
            changes: dict[str, Any] = {} if label is None else {"description": label}
            if new_total is not None:
                changes["total"] = max(new_total, 1)
            if done is None:
                progress.update(task, advance=steps, **changes)
            else:
                progress.update(task, completed=done, **changes)

        def phase(label: str) -> None:
            # the finished count ("3/3") drawn once before the pulse: between two of rich's
            # timed refreshes a fast last step was never shown at all
            progress.refresh()
            progress.tasks[0].total = None  # pulses (reset and update keep a total)
            progress.reset(task, completed=0, description=label)  # the clock starts again

        def deadline(seconds: float | None) -> None:
            progress.update(task, deadline=None if seconds is None
                            else time.monotonic() + seconds)

        yield Bar(step, phase, deadline)


class _PlainLines:
    """Progress as plain lines: the first step, then every few seconds, and the last."""

    def __init__(self, console: Console, total: int, label: str) -> None:
        self.console, self.total, self.label = console, total, label
        self.done, self.last = 0, -math.inf

    def __call__(self, label: str | None, done: int | None, total: int | None,
                 steps: int) -> None:
        self.label = self.label if label is None else label
        self.total = self.total if total is None else total
        self.done = self.done + steps if done is None else done
        now = time.monotonic()
        if now - self.last >= PLAIN_PROGRESS_SECONDS or self.done >= self.total:
            self.last = now
            self.console.print(f"{self.label}: {self.done}/{self.total}", markup=False,
                               highlight=False, soft_wrap=True)
