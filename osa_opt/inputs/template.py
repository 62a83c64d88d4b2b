"""An empty, documented input workbook for a policy (``osa-opt template``).

The sheets ``projects`` and ``countries`` get the headers of the column registry in order, a
comment on every header, drop-down lists for the enum and true/false columns, number checks
for ranged numbers, a frozen bold header row, and a README sheet. The shipped example
(``inputs/make_example.py``) is written with the same helpers, so both look alike.

>>> from osa_opt.inputs.template import write_template
>>> write_template("my_round.xlsx")  # doctest: +SKIP
PosixPath('my_round.xlsx')
"""

from __future__ import annotations

import contextlib
import datetime
import os
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from osa_opt.errors import OsaError, unusable_path
from osa_opt.inputs.schema import (
    COUNTRIES,
    COUNTRY_COLUMNS,
    FIRST_DATA_ROW,
    PROJECTS,
    Column,
    project_columns,
)
from osa_opt.inputs.workbook_doc import header_comment, requirement_text, write_readme_sheet

if TYPE_CHECKING:
    from osa_opt.inputs.policy import Policy

#: Last Excel row that the drop-down lists and number checks cover.
LAST_VALIDATED_ROW = 1000

TEMPLATE_INTRO = (
    "An empty osa-opt input workbook. Fill one project per row of the 'projects' sheet and "
    "one partner country per row of the 'countries' sheet.",
    "Hover over a header to see what the column means; columns with a fixed set of values "
    "offer a drop-down list.",
)

_WIDE = {"title": 42, "status_reason": 42, "requires": 16, "exclusive_group": 22,
         "country": 18, "region": 18}


class TemplateError(OsaError):
    """The workbook cannot be written (the file exists, the folder is missing or read-only)."""


def write_template(
    path: str | os.PathLike[str],
    policy: Policy | str | os.PathLike[str] | None = None,
    *,
    overwrite: bool = False,
    option: str = "overwrite=True",
) -> Path:
    """Write an empty input workbook for ``policy``'s fiscal years and criteria.

    Parameters
    ----------
    path : where to write; must end in ``.xlsx``.
    policy : a :class:`~osa_opt.inputs.policy.Policy`, a policy file, or None for the shipped
        default (``models/default.toml``).
    overwrite : replace an existing file; without it an existing file is an error.
    option : how that error names the switch: ``overwrite=True`` from Python, ``--force``
        on the command line.

    Returns the path written. Raises :class:`TemplateError` when the file cannot be written.

    >>> write_template("round.xlsx", "models/humanitarian_focus.toml")  # doctest: +SKIP
    """
    policy = _as_policy(policy)
    fiscal_years, criteria = policy.fiscal_years, policy.criteria
    with atomic_workbook(path, overwrite=overwrite, option=option) as workbook:
        write_readme_sheet(
            workbook, fiscal_years, criteria,
            title=f"osa-opt input template — policy {policy.name!r}",
            intro=(*TEMPLATE_INTRO,
                   f"Fiscal years: {', '.join(fiscal_years)} (one cost_<FY> column each). "
                   f"Criteria: {', '.join(criteria)} (one score_<criterion> column each)."),
        )
        add_data_sheet(workbook, PROJECTS, project_columns(fiscal_years, criteria))
        add_data_sheet(workbook, COUNTRIES, COUNTRY_COLUMNS)
    return Path(path)


def add_data_sheet(
    workbook: Any,
    name: str,
    columns: Sequence[Column],
    rows: Iterable[Mapping[str, Any]] = (),
) -> Any:
    """Add a data sheet to an xlsxwriter ``Workbook``: documented headers, checks, ``rows``.

    Every header gets a bold format and a comment (:func:`~osa_opt.inputs.workbook_doc.header_comment`);
    enum and true/false columns get a drop-down list, ranged numbers a number check, over
    Excel rows 2..:data:`LAST_VALIDATED_ROW`; the header row is frozen. ``rows`` are dicts
    from column name to value (a missing or None value leaves the cell blank).
    """
    ws = workbook.add_worksheet(name)
    head = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    formats = {
        "money": workbook.add_format({"num_format": "#,##0"}),
        "number": workbook.add_format({"num_format": "0.0#"}),
    }
    for j, column in enumerate(columns):
        ws.write_string(0, j, column.name, head)
        ws.write_comment(0, j, header_comment(column), {"x_scale": 2.6, "y_scale": 1.4})
        ws.set_column(j, j, _width(column))
        validation = _validation(column, j)
        if name == PROJECTS and column.name == "country":  # the partners of the other sheet
            validation = {
                "validate": "list", "source": f"={COUNTRIES}!$A${FIRST_DATA_ROW}:$A$"
                                              f"{LAST_VALIDATED_ROW}",
                "error_type": "warning", "error_title": "country",
                "error_message": "Not in the countries sheet yet: add a row for it there "
                                 "(or pick one from the list)."}
        if validation:
            ws.data_validation(FIRST_DATA_ROW - 1, j, LAST_VALIDATED_ROW - 1, j, validation)
    ws.freeze_panes(1, 0)
    for i, row in enumerate(rows, start=FIRST_DATA_ROW - 1):
        for j, column in enumerate(columns):
            value = row.get(column.name)
            if value is None or value == "":
                continue
            if column.kind == "number":
                money = column.name.startswith("cost_")
                ws.write_number(i, j, float(value), formats["money" if money else "number"])
            else:
                ws.write(i, j, value)
    return ws


@contextlib.contextmanager
def atomic_workbook(path: str | os.PathLike[str], *, overwrite: bool = False,
                    option: str = "overwrite=True") -> Iterator[Any]:
    """An xlsxwriter ``Workbook`` written to a temporary file beside ``path``, then moved.

    A failure leaves neither a half-written workbook nor the temporary file behind.
    """
    import xlsxwriter
    from xlsxwriter.exceptions import FileCreateError

    target = Path(path)
    if target.suffix.lower() != ".xlsx":
        example = target.with_suffix(".xlsx").name if target.name else "round.xlsx"  # "" or "."
        raise TemplateError(f"{target}: the workbook must be an .xlsx file; "
                            f"name it e.g. {example}")
    refused = unusable_path(target)
    if refused:
        raise TemplateError(f"cannot write {target}: {refused}")
    if target.is_dir():
        raise TemplateError(f"{target} is a folder; give the path of an .xlsx file")
    if target.exists() and not overwrite:
        raise TemplateError(f"{target} already exists; choose another name or overwrite it "
                            f"with {option}")
    folder = target.parent
    if not folder.is_dir():
        problem = "is not a folder" if folder.exists() else "does not exist; create it first"
        raise TemplateError(f"cannot write {target}: {folder} {problem}")
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.stem}-", suffix=".xlsx.tmp",
                                        dir=folder)
    except OSError as exc:
        raise TemplateError(f"cannot write to the folder {folder}: {exc.strerror or exc}") from None
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        workbook = xlsxwriter.Workbook(str(tmp))
        # A fixed creation date: the same content gives the same file.
        workbook.set_properties({"created": datetime.datetime(2026, 1, 1)})
        yield workbook
        workbook.close()
        os.chmod(tmp, new_file_mode())
        os.replace(tmp, target)
    except (OSError, FileCreateError) as exc:
        # xlsxwriter wraps the OSError of close() in a FileCreateError.
        cause = exc.args[0] if isinstance(exc, FileCreateError) and exc.args else exc
        raise TemplateError(f"cannot write {target}: {getattr(cause, 'strerror', None) or cause}"
                            ) from None
    finally:
        tmp.unlink(missing_ok=True)


# ---------------------------------------------------------------------- helpers
def _as_policy(policy: Any) -> Policy:
    from osa_opt.inputs.policy import Policy

    if isinstance(policy, Policy):
        return policy
    if policy is None:
        from osa_opt.data import default_policy_path

        policy = default_policy_path()
    return Policy.load(policy)


def new_file_mode() -> int:
    """The mode a new file gets under the current umask (mkstemp makes it private): given
    to a file written under a temporary name before it is moved into place (the template,
    ``osa-opt example``'s copies)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _width(column: Column) -> float:
    if column.name in _WIDE:
        return _WIDE[column.name]
    return max(10, len(column.name) + 3)


def _validation(column: Column, col: int) -> dict[str, Any] | None:
    """The xlsxwriter data_validation options of a column, or None when it has none."""
    message = {"error_title": column.name[:32],
               "error_message": f"{column.name}: {requirement_text(column)}"[:255]}
    if column.kind == "enum":
        return {"validate": "list", "source": [str(c) for c in column.choices], **message}
    if column.kind == "enums":  # a list, but a warning only: several values are allowed
        return {"validate": "list", "source": [str(c) for c in column.choices],
                "error_type": "warning", **message}
    if column.kind == "bool":
        return {"validate": "list", "source": ["TRUE", "FALSE"], **message}
    if column.kind != "number" or (column.low is None and column.high is None):
        return None
    if not column.low_inclusive and column.low is not None:
        from xlsxwriter.utility import xl_rowcol_to_cell

        cell = xl_rowcol_to_cell(FIRST_DATA_ROW - 1, col)
        rule = f"=AND(ISNUMBER({cell}),{cell}>{column.low:g}"
        rule += ")" if column.high is None else f",{cell}<={column.high:g})"
        return {"validate": "custom", "value": rule, **message}
    if column.high is None:
        return {"validate": "decimal", "criteria": ">=", "value": column.low, **message}
    if column.low is None:
        return {"validate": "decimal", "criteria": "<=", "value": column.high, **message}
    return {"validate": "decimal", "criteria": "between", "minimum": column.low,
            "maximum": column.high, **message}

