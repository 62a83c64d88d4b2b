"""Errors that users cause, each with its exit code.

Only these are shown as one styled message; anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import dataclasses
import errno
import numbers
import os
from dataclasses import dataclass, field
from typing import Any

from osa_opt.text import counted, number

EXIT_OK = 0
EXIT_BAD_INPUT = 2
EXIT_INFEASIBLE = 3
EXIT_NO_SOLUTION = 4


@dataclass(frozen=True)
class MissingYear:
    """The facts behind an override naming a fiscal year (``budget.FY2028``) that the
    projects sheet has no cost column for: enough for a caller to word the issue in its own
    terms (the command line names its ``--budget`` option, cli.common.blame_budget_option)
    without reading the words of the hint."""

    key: str                        # the override's key: "budget.FY2028"
    fiscal_year: str                # "FY2028"
    column: str                     # "cost_FY2028"
    closest: str | None             # the policy's fiscal year it most likely means
    policy_years: tuple[str, ...]   # the policy's fiscal years that have a cost column


@dataclass(frozen=True)
class Issue:
    """One problem found in the inputs or the policy.

    ``row`` is the Excel row number (the header is row 1, the first data row is 2) or
    ``None`` for problems of a whole sheet, column or file. A table passed as a DataFrame
    has no Excel rows: ``label`` then names the row (``"project 'X04' (index 3)"``).
    ``more`` > 0 marks the line that stands for that many more problems of one rule.
    ``detail`` holds the facts of the rule, structured, where a caller rewords the issue
    (:class:`MissingYear`); it is not part of the message or the JSON.
    """

    sheet: str
    row: int | None
    column: str | None
    value: object
    rule: str
    hint: str
    label: str | None = None
    more: int = 0
    detail: MissingYear | None = field(default=None, compare=False, repr=False)

    @property
    def of_policy(self) -> bool:
        """Whether the issue is the policy's (``policy default.toml``, an override, an
        option of the command line that set a key, ``--set …``): it has lines and keys where
        a sheet has rows and columns."""
        return str(self.sheet).startswith(("policy", "--"))

    def message(self) -> str:
        where = self.sheet
        if self.row is not None:
            where += f", {'line' if self.of_policy else 'row'} {self.row}"
        elif self.label:
            where += f", {self.label}"
        if self.column:
            where += f", {'key' if self.of_policy else 'column'} {self.column!r}"
        # `is`/isinstance, not ==: a value from a frame built in code may be an array
        blank = self.value is None or (isinstance(self.value, str) and not self.value)
        shown = self.value_text if _is_fraction(self.value) else repr(self.value)
        value = "" if blank else f" (value {shown})"
        return f"{where}: {self.rule}{value}. Fix: {self.hint}"

    @property
    def value_text(self) -> str:
        """The value as the table of problems and the JSON show it: a number without an
        exponent (a cost of 1e20 is ``100000000000000000000``, never ``1e+20``); "" when
        there is none."""
        if self.value is None:
            return ""
        if _is_fraction(self.value):
            return number(float(self.value), grouped=False)  # type: ignore[arg-type]
        return str(self.value)

    def as_dict(self) -> dict[str, object]:
        return {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "value": None if self.value is None else self.value_text,
            "rule": self.rule,
            "hint": self.hint,
            "label": self.label,
            "more": self.more,
        }


def _is_fraction(value: object) -> bool:
    """A float (numpy's too), which ``str`` may write with an exponent; not an int or bool."""
    return isinstance(value, numbers.Real) and not isinstance(value, numbers.Integral)


def unusable_path(path: str | os.PathLike[str]) -> str | None:
    """Why the system refuses even to look ``path`` up (a name too long for the file system,
    a folder on the way that may not be entered), or None: a path that exists, or simply
    does not (which each caller words itself). ``Path.exists()`` raises on these.

    >>> unusable_path("x" * 300 + ".xlsx")
    'File name too long'
    >>> unusable_path("nowhere.xlsx") is None
    True
    """
    try:
        os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as exc:
        return exc.strerror or errno.errorcode.get(exc.errno or 0, str(exc))
    except ValueError as exc:  # a NUL byte in the name
        return str(exc)
    return None


class OsaError(Exception):
    """Base class of the errors a user can cause; carries the exit code."""

    exit_code = EXIT_BAD_INPUT
    #: The same message in the command line's words (its options rather than Python's
    #: parameters) where they differ; the CLI prints it instead of ``str(error)``.
    cli_message: str | None = None


class WriteInterrupted(KeyboardInterrupt):
    """Ctrl-C while a run folder was being written: nothing is left behind, and the message
    says what was not written (the finished portfolios), which "Interrupted." alone did not."""


@dataclass
class InputError(OsaError):
    """The inputs or the policy break one or more rules; ``issues`` lists every one."""

    issues: list[Issue] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(self.__str__())

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled by its fields (a writer in another process raises it back here)."""
        fields = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        return (_rebuilt, (type(self), fields), self.__dict__)

    def __str__(self) -> str:
        n = sum(issue.more or 1 for issue in self.issues)
        lines = [f"{counted(n, 'problem')} in the input:"]
        lines += [f"  - {issue.message()}" for issue in self.issues]
        return "\n".join(lines)


class PolicyError(InputError):
    """A policy file or override is wrong (unknown key, wrong type, bad value)."""


def _rebuilt(cls: type[InputError], fields: dict[str, Any]) -> InputError:
    return cls(**fields)
