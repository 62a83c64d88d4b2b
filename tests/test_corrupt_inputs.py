"""Corrupted and ambiguous inputs, made from the shipped example and run through the CLI.

Each case is a real file on disk, read by ``osa-opt solve`` and ``osa-opt validate --json``
as a user would: a cell or header that could mean two things stops the run with exit code
2, names the sheet, row, column and value and says how to fix it, and leaves no run folder.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from osa_opt.cli import cli
from osa_opt.cli.common import run_cli
from osa_opt.data import example_path


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Callable:
    """``osa-opt ARGS`` in-process through the real top level: (exit code, stdout, stderr)."""

    def invoke(*args: str | Path) -> tuple[int, str, str]:
        monkeypatch.setattr(sys, "argv", ["osa-opt", *map(str, args)])
        code = run_cli(cli)
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return invoke


def edited(path: Path, edit: Callable[[Any], None]) -> Path:
    """The shipped example saved at ``path`` after ``edit(workbook)``."""
    book = openpyxl.load_workbook(example_path())
    edit(book)
    book.save(path)
    return path


def column(sheet: Any, header: str) -> int:
    return next(c.column for c in sheet[1] if c.value == header)


def refused(run: Callable, path: Path, tmp_path: Path) -> list[str]:
    """The messages of ``validate --json``; ``solve`` must exit 2 and write nothing."""
    out = tmp_path / "run"
    code, _, err = run("solve", path, "--out", out, "--no-explain", "-k", "1")
    assert code == 2, err
    assert "Traceback" not in err and not out.exists()
    code, stdout, _ = run("validate", path, "--json", "--no-solve")
    assert code == 2
    return [f"{i['sheet']}, row {i['row']}, column {i['column']!r}: {i['rule']} "
            f"(value {i['value']!r}). Fix: {i['hint']}"
            for i in json.loads(stdout)["issues"]]


# ---------------------------------------------------------------------- merged cells
def test_merged_cells_in_the_table_are_refused_by_name(run: Callable, tmp_path: Path) -> None:
    """Three projects' exclusive_group merged into one cell: only the first would be in the
    group (the others read blank), so the range is named instead of a guess."""
    def merge(book: Any) -> None:
        sheet = book["projects"]
        c = column(sheet, "exclusive_group")
        sheet.cell(5, c).value = "radars"
        sheet.merge_cells(start_row=5, start_column=c, end_row=7, end_column=c)
        sheet.merge_cells("A60:C60")  # blank all over: reads as it looks
        book["README"].merge_cells("A1:C1")  # another sheet: not read

    messages = refused(run, edited(tmp_path / "merged.xlsx", merge), tmp_path)
    assert messages[0] == (
        "projects, row 5, column 'exclusive_group': the cells N5:N7 are merged: the value is "
        "in N5 only, and rows 6-7 of the range would read as blank (value 'radars'). Fix: "
        "unmerge the cells (Excel: Home > Merge & Center > Unmerge Cells; LibreOffice: Format "
        "> Merge and Unmerge Cells > Split Cells) and type the value in every cell that has it")
    assert len(messages) == 1


def test_a_merged_title_above_the_header_is_no_problem(tmp_path: Path) -> None:
    from osa_opt.inputs.readers import load_problem

    def title(book: Any) -> None:
        sheet = book["projects"]
        sheet.insert_rows(1, 2)
        sheet["A1"] = "OSA round FY2026"
        sheet.merge_cells("A1:F1")

    problem = load_problem(edited(tmp_path / "title.xlsx", title))
    assert len(problem.projects) == 38
