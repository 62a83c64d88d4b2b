"""The ``osa-opt`` command line: a thin layer that parses, calls the library and renders.

Each command lives in its own module and imports pandas, pyomo and the rest inside its
function body, so ``osa-opt --help`` answers fast.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import sys
from collections.abc import Iterator
from importlib import import_module
from typing import Any

import click

from osa_opt import __version__

# command name -> module holding a click command of that name
COMMANDS = {
    "validate": "osa_opt.cli.validate",
    "template": "osa_opt.cli.template",
    "example": "osa_opt.cli.example",
    "solve": "osa_opt.cli.solve",
    "explain": "osa_opt.cli.explain",
    "frontier": "osa_opt.cli.frontier",
    "robustness": "osa_opt.cli.robustness",
    "compare": "osa_opt.cli.compare",
    "execution": "osa_opt.cli.execution",
}


class LazyGroup(click.Group):
    """Imports a command's module only when that command runs (or its help is shown)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        return import_module(COMMANDS[name]).command

    def invoke(self, ctx: click.Context) -> Any:
        """Runs the command; a write to a closed pipe becomes ClosedOutput, which passes
        click's own broken-pipe handling (a silent exit 1) to the top level (exit 141)."""
        with _closed_output():
            return super().invoke(ctx)

    def make_context(self, *args: Any, **kwargs: Any) -> click.Context:
        """Parses the arguments, as invoke runs the command: ``--help`` and ``--version``
        are written here (``osa-opt --help | true`` ends with 141 too)."""
        with _closed_output():
            return super().make_context(*args, **kwargs)


@contextlib.contextmanager
def _closed_output() -> Iterator[None]:
    """A write to a closed pipe as ClosedOutput, past click's own handling of it."""
    from osa_opt.cli.console import ClosedOutput

    try:
        yield
    except BrokenPipeError as exc:
        raise ClosedOutput() from exc


def _wrap_help_between_words() -> None:
    """Help text breaks between words, never after a word's hyphen: click wraps it with
    textwrap's default, which printed ``pip install 'osa-`` / ``opt[distributed]'`` in
    ``osa-opt compare --help``, a command that fails as copied. click builds its wrapper
    from ``click._textwrap.TextWrapper`` at each call; if a release moves it, help wraps
    as click's own does."""
    try:
        from click import _textwrap
    except ImportError:  # pragma: no cover - another click
        return
    base = getattr(_textwrap, "TextWrapper", None)
    if base is None or getattr(base, "osa_opt", False):
        return

    class Wrapper(base):  # type: ignore[misc, valid-type]
        osa_opt = True

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            kwargs.setdefault("break_on_hyphens", False)
            super().__init__(*args, **kwargs)

    _textwrap.TextWrapper = Wrapper  # type: ignore[misc]


_wrap_help_between_words()


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="osa-opt")
def cli() -> None:
    """Choose which OSA projects to fund: exact ranked portfolios, with the reasons why.

    Exit codes: 0 success, 2 bad input or usage, 3 the policy cannot be met
    (infeasible), 4 the solver found no solution in time, 130 interrupted (Ctrl-C),
    141 the reader closed the output (osa-opt solve | head -1; the run folder is
    written first).
    """


def main() -> None:
    """Console entry point: user errors become one message and an exit code."""
    from osa_opt.cli import common

    common.FREEZE_LOADED = True  # this process ends with the command (_exit_at_once)
    atexit.register(_exit_at_once)  # registered first, so it runs after every other handler
    code = common.run_cli(cli)
    _exit_code.append(code)
    sys.exit(code)


#: The command's exit code once it has finished (empty while it runs).
_exit_code: list[int] = []


def _exit_at_once() -> None:
    """End the process without Python's teardown once the command is done.

    Every file is written and closed and every other exit handler has run; what is left is
    freeing, one object at a time, the round's frames, model and solver (0.3 s at 10,000
    projects, seconds at 100,000), which the operating system does at once.
    """
    if not _exit_code:  # the command did not finish normally: the usual exit
        return
    if "logging" in sys.modules:  # its handlers flush at its own exit handler, maybe not run
        sys.modules["logging"].shutdown()
    for stream in (sys.stdout, sys.stderr):
        if stream is None:  # started without it (osa-opt ... >&-): Python sets None
            continue
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (osa-opt ... | head): nothing to flush
            pass
    os._exit(_exit_code[0])
