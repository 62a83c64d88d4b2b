"""Reading inputs: a workbook, an .ods file or a folder of CSV files, then a validated
:class:`Problem`.

This module dispatches on the kind of input (:mod:`~osa_opt.inputs.read_xlsx`,
:mod:`~osa_opt.inputs.read_ods`, :mod:`~osa_opt.inputs.read_csv`); every format gives the
same raw tables: one row per sheet row, every cell as read (blank cells as ``""``), and a
``_row`` column with the Excel row number, so all go through one coercion in
:mod:`osa_opt.inputs.validation`. Numbers written with separators are read by the file's
convention (:mod:`~osa_opt.inputs.numbers`). Anything wrong with the files themselves is an
:class:`~osa_opt.errors.InputError` that names the file, never a traceback; what is odd but
readable (a header below row 1, a hidden sheet) is a warning carried to the Problem.

>>> import osa_opt
>>> problem = osa_opt.load_problem("inputs/example.xlsx", policy="models/default.toml")
>>> problem
<Problem Shipped example FY2026 (illustrative): 38 projects (33 eligible), 14 countries
  policy: 'Default OSA round'
  budget: FY2026 ¥18,100m
  warnings: 0>
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from osa_opt.digest import sha256
from osa_opt.errors import InputError, Issue, PolicyError, unusable_path
from osa_opt.gcpause import paused_gc
from osa_opt.inputs.issue_list import Claimed, limit_issues, sort_issues
from osa_opt.inputs.override_years import override_year_issues
from osa_opt.inputs.policy import Policy, read_policy
from osa_opt.inputs.problem import Problem  # at run time: get_type_hints(load_problem)
from osa_opt.inputs.schema import SHEETS

_WHAT = "an .xlsx or .ods workbook, or a folder holding projects.csv and countries.csv"
#: The decimal separators a caller may declare (``--decimal-separator``).
DECIMAL_SEPARATORS = (".", ",")


@dataclass
class RawInput:
    """What :func:`read_input` returns: the raw tables, the files' sha256, warnings and,
    when asked for (``cells_later``), the problems of cells found while reading (numbers
    that could be read two ways, dates in number columns), with the cells they stand for,
    for validation to list beside its own."""

    projects: pd.DataFrame
    countries: pd.DataFrame
    sources: dict[str, str]
    warnings: list[Issue] = field(default_factory=list)
    claimed: Claimed = field(default_factory=Claimed)


def read_tables(path: str | Path, decimal_separator: str | None = None
                ) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, str]]:
    """Read the raw ``projects`` and ``countries`` tables of a workbook or CSV folder.

    Parameters
    ----------
    path : str or Path
        An ``.xlsx`` (or ``.xlsm``, ``.ods``) workbook with sheets ``projects`` and
        ``countries`` (other sheets, such as ``README``, are ignored), or a folder holding
        ``projects.csv`` and ``countries.csv`` (UTF-8; commas, semicolons or tabs between
        columns).
    decimal_separator : ``"."`` or ``","``, optional
        How numbers such as ``1.100`` are meant, when the file itself does not settle it.

    Returns
    -------
    projects, countries : DataFrame
        Every cell as read (text for CSV; text, numbers or bools for a workbook; ``""``
        when blank; text of number columns as numbers when written with separators),
        headers stripped, fully empty rows dropped, and ``_row`` the Excel row number (for
        CSV, the line number in the file).
    sources : dict
        File name -> sha256 of every file read.

    Raises
    ------
    InputError
        The path is missing, not a workbook, lacks a sheet or a CSV file, is not UTF-8, or
        a sheet's header row is broken (duplicate or missing headers); every problem found.

    Examples
    --------
    >>> projects, countries, sources = read_tables("inputs/example.xlsx")
    >>> int(projects["_row"].iloc[0]), projects["project_id"].iloc[0]
    (2, 'P-01')
    """
    raw = read_input(path, decimal_separator)
    return raw.projects, raw.countries, raw.sources


def read_input(path: str | Path, decimal_separator: str | None = None,
               cells_later: bool = False) -> RawInput:
    """:func:`read_tables`, with the warnings of the reading (see :class:`RawInput`).

    With ``cells_later``, the problems of single cells found while reading (a number that
    could be read two ways, a date in a number column, a workbook's formula saved without
    its value, an .ods cell without its number, a cost column formatted in another
    currency or divided for display, a struck-through cell, a number its format hides)
    are returned in ``claimed`` rather than raised, so
    that :func:`load_problem` lists them with every other problem of the tables (a
    duplicated id beside them); problems of the files are raised all the same.
    """
    from osa_opt.inputs import numbers

    path = Path(path)
    if decimal_separator not in (None, *DECIMAL_SEPARATORS):
        raise ValueError(f"decimal_separator must be '.' or ',', not {decimal_separator!r}")
    issues: list[Issue] = []
    warnings: list[Issue] = []
    cells: list[Issue] = []  # a formula without its value, a cost formatted in dollars ...
    with paused_gc():  # a list per row and cell: see osa_opt.gcpause
        tables, sources, delimiter = _read_files(path, issues, warnings, cells)
        if issues:  # the cells' problems too, each sheet's in row order
            raise InputError(sort_issues([*cells, *issues]) if cells else issues)
        found: list[Issue] = []
        settled = numbers.read_numbers(tables, found, decimal_separator, delimiter)
        dated: set[tuple[str, int, str]] = set()
        # after: the text left is what is no number
        found += numbers.date_issues(tables, csv=path.is_dir(), claimed=dated)
        # listed with the tables' problems, as the numbers' are; a cell the reader named
        # (an .ods cell marked as a number that stores '1,200') is not named again
        named = {(i.sheet, i.row, i.column) for i in cells}
        issues = [*cells, *(i for i in found if (i.sheet, i.row, i.column) not in named)]
    claimed = Claimed(issues, dated)
    if cells_later:
        issues = []
    issues = limit_issues(issues)  # 5,000 cells of 1.100: the first 20, then "and K more"
    if settled.reason == "delimiter" and settled.convention is not None:
        warnings.append(Issue(next(iter(sources), path.name), None, None, None,
                              str(numbers.describe(settled)),
                              "nothing to do if that is right; otherwise give "
                              "--decimal-separator '.' (decimal_separator='.' in "
                              "Python)"))
    few = None if path.is_dir() else numbers.settled_by_few_cells(settled, path.name)
    if few is not None:
        warnings.append(few)
    if issues:
        raise InputError(issues)
    return RawInput(tables["projects"], tables["countries"], sources, warnings,
                    claimed if cells_later else Claimed())


def _read_files(path: Path, issues: list[Issue], warnings: list[Issue], cells: list[Issue]
                ) -> tuple[dict[str, pd.DataFrame], dict[str, str], str | None]:
    """The tables of the input at ``path``, its files' sha256 and its CSV delimiter; the
    problems of a workbook's cells (they leave the tables readable) in ``cells``."""
    from osa_opt.inputs.file_kinds import HEAD_BYTES, encrypted, locked_issue, unreadable_issue

    refused = unusable_path(path)
    if refused:  # a name too long, a folder on the way that may not be entered
        _fail(path.name or str(path), str(path), f"the path cannot be used: {refused}",
              f"give {_WHAT} at a shorter path you may read")
    if not path.exists():
        _fail(path.name or str(path), str(path), "file or folder not found", _not_found_hint(path))
    suffix = path.suffix.lower()
    if path.is_dir():
        if suffix in (".xlsx", ".xlsm", ".xls", ".ods") and not any(
                (path / f"{sheet}.csv").exists() for sheet in SHEETS):
            _fail(path.name, str(path), f"a folder, not a workbook (though its name ends in "
                  f"{suffix})", f"give {_WHAT}")
        if (path / "run.json").is_file() and not any(
                (path / f"{sheet}.csv").exists() for sheet in SHEETS):
            _fail(path.name, str(path), "a run folder of osa-opt (it holds run.json), not "
                  "an input", _run_folder_hint(path))
        from osa_opt.inputs.read_csv import read_folder  # each reader loads when it reads

        folder = read_folder(path, issues, warnings)
        delimiter = next(iter(folder.delimiters)) if len(folder.delimiters) == 1 else None
        return folder.tables, folder.sources, delimiter
    if not path.is_file():  # a pipe would block the read forever
        _fail(path.name, str(path), "not a regular file (a device, pipe or socket)",
              f"give {_WHAT}")
    if suffix in (".xlsx", ".xlsm", ".ods"):
        data = _read_bytes(path)
        if suffix == ".ods":
            from osa_opt.inputs.read_ods import read_ods as reader
        else:
            from osa_opt.inputs.read_xlsx import read_workbook as reader
        return reader(path, data, issues, warnings, cells), {path.name: sha256(data)}, None
    if suffix in (".xls", ".xlsb"):
        if suffix == ".xls" and encrypted(_read_bytes(path)):
            _fail(path.name, str(path), locked_issue(path.name).rule,
                  "open it with its password and save a copy without one as an .xlsx "
                  "workbook")
        what = "the old .xls format" if suffix == ".xls" else "an Excel binary workbook (.xlsb)"
        _fail(path.name, str(path), f"{what} cannot be read",
              "open it in Excel and save it as an .xlsx workbook (File > Save As > Excel "
              "Workbook)")
    if suffix == ".toml":
        _fail(path.name, str(path), "a policy file (.toml), not an input",
              f"give the policy with --policy {path.name} (policy= in Python), and as INPUT "
              f"{_WHAT}")
    if suffix == ".csv":
        _fail(path.name, str(path), "one CSV file cannot hold both sheets",
              "put projects.csv and countries.csv in one folder and give the folder")
    # what the file is shows in its first bytes: a large file is not read whole to name it
    raise InputError([unreadable_issue(path, _read_bytes(path, HEAD_BYTES),
                                       "an input workbook or folder", f"give {_WHAT}")])


def load_problem(
    path: str | Path | None = None,
    policy: str | Path | Policy | Mapping[str, Any] | None = None,
    overrides: Mapping[str, Any] | None = None,
    decimal_separator: str | None = None,
) -> Problem:
    """Read, validate and return a :class:`~osa_opt.inputs.problem.Problem`.

    Parameters
    ----------
    path : str or Path, optional
        Workbook or CSV folder (see :func:`read_tables`). Default: the shipped example.
    policy : str, Path, Policy or dict, optional
        A policy TOML file, a :class:`~osa_opt.inputs.policy.Policy`, or nested dicts in the TOML
        layout. Default: the shipped ``models/default.toml``.
    overrides : dict, optional
        Dotted keys replaced in the policy, e.g. ``{"budget.FY2026": 20000,
        "priority.min_countries": 8}`` (see :meth:`Policy.override`).
    decimal_separator : ``"."`` or ``","``, optional
        How numbers such as ``1.100`` are meant when the file does not settle it.

    Returns
    -------
    Problem
        With ``sources`` mapping the name of every input and policy file read to its
        sha256, and ``warnings`` listing what was read but looks wrong.

    Raises
    ------
    InputError
        Every problem of the files, the policy and the tables, at once where possible (the
        policy and the files are both checked before raising; then a fiscal year the
        ``overrides`` name that has no cost column, named at the override; then the tables).

    Examples
    --------
    >>> import osa_opt
    >>> problem = osa_opt.load_problem("inputs/example.xlsx",
    ...                                policy="models/default.toml",
    ...                                overrides={"budget.FY2026": 20000})
    >>> problem.summary()["budget"]
    {'FY2026': 20000.0}
    """
    from osa_opt.data import default_policy_path, example_path

    issues: list[Issue] = []
    only_policy = True
    sources: dict[str, str] = {}
    resolved: Policy | None = None
    cells = Claimed()
    try:
        given, policy_sources = read_policy(
            default_policy_path() if policy is None else policy)
        resolved = given.override(overrides)
        sources.update(policy_sources)
    except InputError as exc:
        issues += exc.issues
    try:
        raw = read_input(example_path() if path is None else path, decimal_separator,
                         cells_later=True)
        cells = raw.claimed
    except InputError as exc:
        issues += exc.issues
        only_policy = False
    if policy is None and path is not None:
        folder_policy = _policy_beside(Path(path))
        if folder_policy is not None:
            issues.append(folder_policy)
            only_policy = False
    if issues:  # no policy to check the tables by: the cells' problems as they are
        if cells.issues:
            raise InputError(limit_issues(sort_issues([*issues, *cells.issues])))
        raise (PolicyError if only_policy else InputError)(issues)
    assert resolved is not None
    issues = override_year_issues(raw.projects, overrides or {}, resolved.fiscal_years)
    if issues:
        raise InputError(issues + limit_issues(sort_issues(list(cells.issues))))
    origin = None if path is None else str(Path(path).resolve())
    return Problem.from_frames(raw.projects, raw.countries, resolved,
                               sources={**raw.sources, **sources}, origin=origin,
                               read_warnings=raw.warnings, read_cells=cells)


def _policy_beside(folder: Path) -> Issue | None:
    """A CSV folder that holds a policy file, read with no policy given: the folder's policy
    looks like the round's, yet the shipped default would be used and it never read (its
    budget, its rules), silently. Which one is meant is the user's to say."""
    try:
        found = sorted(p.name for p in folder.glob("*.toml") if p.is_file()) \
            if (folder / "projects.csv").is_file() and not (folder / "run.json").exists() \
            else []  # a run folder's policy.toml is the run's: --run reads it
    except OSError:
        return None
    if not found:
        return None
    from osa_opt.data import default_policy_path

    files = ", ".join(repr(f) for f in found)
    return Issue(folder.name or str(folder), None, None, str(folder / found[0]),
                 f"the folder holds the policy file{'s' if len(found) > 1 else ''} {files}, "
                 "but no policy is given: the shipped default policy would be used "
                 f"({default_policy_path().name}), and {files} not read",
                 f"give the folder's policy with --policy {folder / found[0]} (policy= in "
                 "Python); to use the shipped default, move the policy file out of the folder")


# ---------------------------------------------------------------------- files
def _not_found_hint(path: Path) -> str:
    """What to give instead of a path that is not there: a web address is downloaded first,
    and a ``~`` in quotes is no home folder to the shell."""
    text = str(path)
    if text.startswith(("http:/", "https:/", "ftp:/")):
        return f"download the file first and give its path on this computer: {_WHAT}"
    if text.startswith("~") and Path(text).expanduser() != path:
        return (f"the shell leaves a '~' in quotes as it is: give {str(path.expanduser())!r}, "
                f"or the path without quotes; {_WHAT}")
    return f"give {_WHAT}"


def recorded_input(folder: Path) -> str | None:
    """The input a run folder's run.json says it solved (its ``input_path``), or None: no
    run.json, not JSON, no such key, or no text there (the shipped example's run)."""
    import json

    try:
        given = json.loads((folder / "run.json").read_text(encoding="utf-8"))["input_path"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return given if isinstance(given, str) else None


def _run_folder_hint(folder: Path) -> str:
    """What to give for a run folder given as the input: its run's input, or the folder
    to --run or --since."""
    given = recorded_input(folder)
    first = (f"give the input it was solved from ({given})" if isinstance(given, str) and given
             else f"give {_WHAT}")
    return (f"{first}; to use the run's input and policy, --run {folder}; to see what "
            f"changed since it, osa-opt solve INPUT --since {folder}")


def _fail(where: str, value: str | None, rule: str, hint: str) -> None:
    raise InputError([Issue(where, None, None, value, rule, hint)])


def _read_bytes(path: Path, limit: int = -1) -> bytes:
    """The file's bytes (its first ``limit`` only, when given); a file that cannot be read
    (permissions, I/O) is an InputError."""
    try:
        if limit < 0:
            return path.read_bytes()
        with path.open("rb") as file:
            return file.read(limit)
    except OSError as exc:
        _fail(path.name, str(path), f"cannot read the file: {exc.strerror or exc}",
              "check that the file exists, is readable by you and is not locked")
        raise AssertionError("unreachable") from None  # pragma: no cover
