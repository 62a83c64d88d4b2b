"""Reading inputs: a workbook or a folder of CSV files, then a validated :class:`Problem`.

Both formats give the same raw tables: one row per sheet row, every cell as read (blank
cells as ``""``), and a ``_row`` column with the Excel row number (the header is row 1), so
CSV and Excel go through one coercion in :mod:`osa_opt.inputs.validation`. Anything wrong with the
files themselves is an :class:`~osa_opt.errors.InputError` that names the file, never a
traceback.

>>> import osa_opt
>>> problem = osa_opt.load_problem("inputs/example.xlsx", policy="models/default.toml")  # doctest: +SKIP
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import io
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from osa_opt.errors import InputError, Issue, PolicyError
from osa_opt.inputs.policy import Policy
from osa_opt.inputs.schema import ROW, SHEETS

if TYPE_CHECKING:
    from osa_opt.inputs.problem import Problem

_WHAT = "an .xlsx workbook or a folder holding projects.csv and countries.csv"
_EXCEL_CSV = "in Excel, File > Save As > 'CSV UTF-8 (Comma delimited)'"


def read_tables(path: str | Path) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, str]]:
    """Read the raw ``projects`` and ``countries`` tables of a workbook or CSV folder.

    Parameters
    ----------
    path : str or Path
        An ``.xlsx`` workbook with sheets ``projects`` and ``countries`` (other sheets,
        such as ``README``, are ignored), or a folder holding ``projects.csv`` and
        ``countries.csv`` (UTF-8, comma-separated).

    Returns
    -------
    projects, countries : DataFrame
        Every cell as read (text for CSV; text, numbers or bools for Excel; ``""`` when
        blank), headers stripped, fully empty rows dropped, and ``_row`` the Excel row
        number (for CSV, the line number in the file).
    sources : dict
        File name -> sha256 of every file read.

    Raises
    ------
    InputError
        The path is missing, not a workbook, lacks a sheet or a CSV file, is not UTF-8, or
        a sheet's header row is broken (duplicate or missing headers); every problem found.

    Examples
    --------
    >>> projects, countries, sources = read_tables("inputs/example.xlsx")  # doctest: +SKIP
    >>> int(projects["_row"].iloc[0])  # doctest: +SKIP
    2
    """
    path = Path(path)
    if not path.exists():
        _fail(path.name or str(path), str(path), "file or folder not found", f"give {_WHAT}")
    suffix = path.suffix.lower()
    if path.is_dir():
        if suffix in (".xlsx", ".xlsm", ".xls") and not any(
                (path / f"{sheet}.csv").exists() for sheet in SHEETS):
            _fail(path.name, str(path), f"a folder, not a workbook (though its name ends in "
                  f"{suffix})", f"give {_WHAT}")
        return _read_folder(path)
    if not path.is_file():  # a pipe would block the read forever
        _fail(path.name, str(path), "not a regular file (a device, pipe or socket)",
              f"give {_WHAT}")
    if suffix in (".xlsx", ".xlsm"):
        return _read_workbook(path)
    if suffix == ".xls":
        _fail(path.name, str(path), "the old .xls format cannot be read",
              "open it in Excel and save it as an .xlsx workbook")
    if suffix == ".csv":
        _fail(path.name, str(path), "one CSV file cannot hold both sheets",
              "put projects.csv and countries.csv in one folder and give the folder")
    _fail(path.name, str(path), "not an input workbook or folder", f"give {_WHAT}")
    raise AssertionError("unreachable")  # pragma: no cover


def load_problem(
    path: str | Path | None = None,
    policy: str | Path | Policy | Mapping[str, Any] | None = None,
    overrides: Mapping[str, Any] | None = None,
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

    Returns
    -------
    Problem
        With ``sources`` mapping the name of every input and policy file read to its
        sha256.

    Raises
    ------
    InputError
        Every problem of the files, the policy and the tables, at once where possible (the
        policy and the files are both checked before raising; the tables are checked once
        both could be read).

    Examples
    --------
    >>> import osa_opt
    >>> problem = osa_opt.load_problem("inputs/example.xlsx",
    ...                                policy="models/default.toml",
    ...                                overrides={"budget.FY2026": 20000})  # doctest: +SKIP
    >>> problem.summary()["budget"]  # doctest: +SKIP
    {'FY2026': 20000.0, 'FY2027': 6000.0}
    """
    from osa_opt.data import default_policy_path, example_path
    from osa_opt.inputs.problem import Problem

    issues: list[Issue] = []
    only_policy = True
    sources: dict[str, str] = {}
    resolved: Policy | None = None
    try:
        resolved, policy_sources = _resolve_policy(
            default_policy_path() if policy is None else policy, overrides)
        sources.update(policy_sources)
    except InputError as exc:
        issues += exc.issues
    try:
        projects, countries, files = read_tables(example_path() if path is None else path)
    except InputError as exc:
        issues += exc.issues
        only_policy = False
    if issues:
        raise (PolicyError if only_policy else InputError)(issues)
    assert resolved is not None
    problem = Problem.from_frames(projects, countries, resolved, sources={**files, **sources})
    origin = None if path is None else str(Path(path).resolve())
    return dataclasses.replace(problem, origin=origin)


def sha256(data: bytes) -> str:
    """Hex sha256 of some bytes (what a run records for each input file)."""
    return hashlib.sha256(data).hexdigest()


# ---------------------------------------------------------------------- policy
def _resolve_policy(
    policy: str | Path | Policy | Mapping[str, Any], overrides: Mapping[str, Any] | None
) -> tuple[Policy, dict[str, str]]:
    sources: dict[str, str] = {}
    if isinstance(policy, Policy):
        resolved = policy
    elif isinstance(policy, Mapping):
        resolved = Policy.from_dict(policy)
    elif isinstance(policy, str | Path):
        resolved = Policy.load(policy)
        sources[Path(policy).name] = sha256(Path(policy).read_bytes())
    else:
        raise TypeError(f"policy must be a path, a Policy or a dict, not {type(policy).__name__}")
    return resolved.override(overrides), sources


# ---------------------------------------------------------------------- files
def _fail(where: str, value: str | None, rule: str, hint: str) -> None:
    raise InputError([Issue(where, None, None, value, rule, hint)])


def _read_bytes(path: Path) -> bytes:
    """The file's bytes; a file that cannot be read (permissions, I/O) is an InputError."""
    try:
        return path.read_bytes()
    except OSError as exc:
        _fail(path.name, str(path), f"cannot read the file: {exc.strerror or exc}",
              "check that the file exists, is readable by you and is not locked")
        raise AssertionError("unreachable") from None  # pragma: no cover


def _read_workbook(path: Path) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, str]]:
    import openpyxl

    data = _read_bytes(path)
    issues: list[Issue] = []
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - whatever fails to open is "not a workbook" to a user
        _fail(path.name, str(path), "not a readable Excel workbook (.xlsx)",
              "open the file in Excel and save it as an .xlsx workbook")
    tables: list[pd.DataFrame] = []
    formulas = _formula_cells(data)
    try:
        for sheet in SHEETS:
            if sheet not in book.sheetnames:
                close = [s for s in book.sheetnames if s.strip().lower() == sheet]
                hint = (f"rename the sheet {close[0]!r} to {sheet!r}" if close else
                        f"add a sheet named {sheet!r} (sheets found: "
                        f"{', '.join(book.sheetnames)})")
                issues.append(Issue(path.name, None, None, sheet, f"the sheet {sheet!r} is "
                                    "missing", hint))
                continue
            try:
                rows = list(_unpadded(book[sheet]).iter_rows(values_only=True))
            except Exception:  # noqa: BLE001 - a corrupt sheet inside a valid zip
                issues.append(Issue(path.name, None, None, sheet, f"the sheet {sheet!r} cannot "
                                    "be read", "open the file in Excel and save it again"))
                continue
            for (r, c), text in formulas.get(sheet, {}).items():
                if r <= len(rows):
                    row = [*rows[r - 1], *[None] * (c + 1 - len(rows[r - 1]))]
                    if row[c] is None:
                        row[c] = text
                        rows[r - 1] = tuple(row)
            tables.append(_table(sheet, rows, issues, excel=True))
    finally:
        book.close()
    if issues:
        raise InputError(issues)
    return tables[0], tables[1], {path.name: sha256(data)}


def _unpadded(sheet: Any) -> Any:
    """The read-only sheet, its rows no longer padded to the sheet's size.

    One stray cell at XFD1048576 makes the size a million rows of 16,384 cells each; read
    padded, that never ends. Unpadded, an empty row is ``()`` and a row ends at its last cell.
    """
    sheet.reset_dimensions()
    return sheet


def _formula_cells(data: bytes) -> dict[str, dict[tuple[int, int], str]]:
    """Formula text by sheet and (Excel row, column index), for formulas saved without a value.

    A workbook written by a program (openpyxl, pandas) keeps a formula but no computed value;
    read for values, the cell comes back blank and a cost would silently become 0. Its text
    is read instead, so the cell is reported ("must be a number", value '=B2*2').
    """
    import zipfile

    import openpyxl

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if not any(b"</f>" in archive.read(name) for name in archive.namelist()
                       if name.startswith("xl/worksheets/")):
                return {}  # no formula anywhere: spare the second reading
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:  # noqa: BLE001 - the first reading already judged the file
        return {}
    out: dict[str, dict[tuple[int, int], str]] = {}
    try:
        for sheet in SHEETS:
            if sheet not in book.sheetnames:
                continue
            cells = out.setdefault(sheet, {})
            for r, row in enumerate(_unpadded(book[sheet]).iter_rows(values_only=True), start=1):
                for c, value in enumerate(row):
                    text = getattr(value, "text", value)  # ArrayFormula keeps its text
                    if isinstance(text, str) and text.startswith("="):
                        cells[(r, c)] = text
    except Exception:  # noqa: BLE001 - best effort; the values were read already
        return {}
    finally:
        book.close()
    return out


def _read_folder(path: Path) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, str]]:
    issues: list[Issue] = []
    tables: list[pd.DataFrame] = []
    sources: dict[str, str] = {}
    for sheet in SHEETS:
        file = path / f"{sheet}.csv"
        if not file.is_file():
            close = _same_name_but_case(path, file.name)
            hint = (f"rename {close!r} to {file.name!r} (names are lower-case)" if close else
                    f"the folder {path.name!r} must hold {sheet}.csv (one row per "
                    f"{'project' if sheet == 'projects' else 'country'})")
            issues.append(Issue(file.name, None, None, str(file), "file not found", hint))
            continue
        try:
            data = file.read_bytes()
        except OSError as exc:
            issues.append(Issue(file.name, None, None, str(file),
                                f"cannot read the file: {exc.strerror or exc}",
                                "check that the file is readable by you and is not locked"))
            continue
        sources[file.name] = sha256(data)
        try:
            # UTF-8 (with or without a byte-order mark), or UTF-16 when its mark says so
            # (Excel's "Unicode" saves)
            utf16 = data.startswith((b"\xff\xfe", b"\xfe\xff"))
            text = data.decode("utf-16" if utf16 else "utf-8-sig")
        except UnicodeDecodeError as exc:
            if data.startswith(b"PK\x03\x04"):  # a zip: an .xlsx saved under a .csv name
                issues.append(Issue(file.name, None, None, None,
                                    "an Excel workbook, not CSV text",
                                    "give the workbook itself (named .xlsx) instead of the "
                                    f"folder, or {_EXCEL_CSV}"))
                continue
            line = data.count(b"\n", 0, exc.start) + 1
            issues.append(Issue(file.name, line, None, None,
                                f"not UTF-8 text (unreadable byte at position {exc.start}, "
                                f"line {line})", f"save it as UTF-8: {_EXCEL_CSV}"))
            continue
        try:
            rows = _csv_rows(text)
        except csv.Error as exc:
            issues.append(Issue(file.name, None, None, None, f"not a readable CSV file: {exc}",
                                "save the sheet again as CSV UTF-8 (comma-separated)"))
            continue
        separator = _other_separator(rows)
        if separator:
            issues.append(Issue(file.name, 1, None, None,
                                f"the columns are separated by {separator}",
                                f"save it with commas between columns: {_EXCEL_CSV}"))
            continue
        tables.append(_table(sheet, rows, issues, excel=False))
    if issues:
        raise InputError(issues)
    return tables[0], tables[1], sources


def _same_name_but_case(folder: Path, name: str) -> str | None:
    """A file of ``folder`` whose name equals ``name`` but for case (``Projects.CSV``)."""
    try:
        return next((f.name for f in folder.iterdir() if f.name.lower() == name), None)
    except OSError:
        return None


#: Column separators of other locales and programs, as the message names them.
_SEPARATORS = {";": "';'", "\t": "tabs", "|": "'|'"}


def _other_separator(rows: list[tuple[int, list[str]]]) -> str | None:
    """How the columns are separated when the header row is one cell holding ; tab or |."""
    if not rows or len(rows[0][1]) != 1:
        return None
    return next((name for sep, name in _SEPARATORS.items() if sep in rows[0][1][0]), None)


def _csv_rows(text: str) -> list[tuple[int, list[str]]]:
    """Records with the line each starts on (a quoted cell may span lines)."""
    reader = csv.reader(io.StringIO(text, newline=""))
    out: list[tuple[int, list[str]]] = []
    line = 1
    for record in reader:
        out.append((line, record))
        line = reader.line_num + 1
    return out


def _table(sheet: str, rows: Iterable[Any], issues: list[Issue], *, excel: bool) -> pd.DataFrame:
    """A raw table from rows of cells; ``rows`` are tuples (Excel) or (line, cells) (CSV)."""
    numbered = list(enumerate(rows, start=1)) if excel else [(n, r) for n, r in rows]
    if not numbered:
        return pd.DataFrame({ROW: pd.Series(dtype=int)})
    header_cells = numbered[0][1]
    header = ["" if h is None else str(h).strip() for h in header_cells]
    width = max([len(header), *(len(r) for _, r in numbered[1:])])
    header += [""] * (width - len(header))
    records: list[dict[str, Any]] = []
    extra_cells: dict[int, list[int]] = {}
    for number, cells in numbered[1:]:
        if all(_blank(c) for c in cells):  # before padding: there may be a million of them
            continue
        cells = ["" if c is None else c for c in cells]
        cells += [""] * (width - len(cells))
        record: dict[str, Any] = {ROW: number}
        for i, (name, cell) in enumerate(zip(header, cells, strict=True)):
            if name:
                record.setdefault(name, cell)
            elif not _blank(cell):
                extra_cells.setdefault(i, []).append(number)
        records.append(record)
    if not any(header) and records:
        issues.append(Issue(sheet, 1, None, None, "the header row (row 1) is empty",
                            f"put the column headers in row 1; the first row with data is row "
                            f"{records[0][ROW]}"))
        extra_cells = {}
    issues += _header_issues(sheet, header, extra_cells, excel)
    names = list(dict.fromkeys(h for h in header if h))
    frame = pd.DataFrame.from_records(records, columns=[*names, ROW])
    frame = frame.astype({name: object for name in names})
    frame[ROW] = frame[ROW].astype(int)
    return frame


def _header_issues(sheet: str, header: list[str], headerless: dict[int, list[int]],
                   excel: bool) -> list[Issue]:
    from openpyxl.utils import get_column_letter

    def label(i: int) -> str:
        return f"column {get_column_letter(i + 1)}" if excel else f"column {i + 1}"

    issues: list[Issue] = []
    seen: dict[str, list[int]] = {}
    for i, name in enumerate(header):
        if name:
            seen.setdefault(name, []).append(i)
    for name, positions in seen.items():
        if len(positions) > 1:
            issues.append(Issue(sheet, 1, name, None,
                                "the header appears more than once ("
                                + ", ".join(label(i) for i in positions) + ")",
                                "keep one column of this name; delete or rename the others"))
    for i, numbers in headerless.items():
        rows = ", ".join(map(str, numbers[:5])) + (", ..." if len(numbers) > 5 else "")
        issues.append(Issue(sheet, numbers[0], None, None,
                            f"{label(i)} has data but no header "
                            f"(row{'s' if len(numbers) > 1 else ''} {rows})",
                            "give the column a header in row 1, or delete its cells"))
    return issues


def _blank(cell: Any) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())

