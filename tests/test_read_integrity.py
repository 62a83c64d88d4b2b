"""Inputs that read as something else than they hold, each a real file run through the CLI:
a sheet whose rows are stored out of order, a CSV file that is really a gzip archive or a
PDF, a number typed as an accounting negative ``(5)`` or with Python's ``1_200``. Each is
read as meant or refused by name (sheet, row, column, value, fix; exit code 2, nothing
written), never read as something else in silence."""

from __future__ import annotations

import csv
import io
import shutil
from collections.abc import Callable
from pathlib import Path

import test_corrupt_inputs
from test_input_messages import refused

run = test_corrupt_inputs.run  # the fixture: osa-opt ARGS in-process -> (code, out, err)

CORPUS = Path(__file__).parent / "corpus"


def csv_folder(tmp_path: Path, *cells: tuple[int, str, str]) -> Path:
    """The shipped example's CSV folder (tests/corpus/csv-en) with each (line, header,
    text) of projects.csv written."""
    folder = tmp_path / "round"
    shutil.copytree(CORPUS / "csv-en", folder)
    path = folder / "projects.csv"
    rows = list(csv.reader(io.StringIO(path.read_text("utf-8"))))
    for line, header, text in cells:
        rows[line - 1][rows[0].index(header)] = text
    with path.open("w", newline="", encoding="utf-8") as file:
        csv.writer(file, lineterminator="\n").writerows(rows)
    return folder


def messages(issues: list[dict]) -> list[str]:
    return [f"{i['sheet']}, row {i['row']}, column {i['column']!r}: {i['rule']} "
            f"(value {i['value']!r}). Fix: {i['hint']}" for i in issues]


# ---------------------------------------------------------------------- numbers
def test_an_accounting_negative_is_named_as_the_negative_it_is(run: Callable,
                                                                 tmp_path: Path) -> None:
    """``(5)`` in a cost, a risk or a score cell was told only "type a plain number such as
    750": it is −5 as an accounting format shows it, and the column takes no negative."""
    folder = csv_folder(tmp_path, (5, "cost_FY2026", "(5)"), (6, "risk", "(0.1)"),
                        (7, "score_security", "（１，２００）"))
    assert messages(refused(run, tmp_path, folder)) == [
        "projects, row 5, column 'cost_FY2026': must be a number >= 0 (value '(5)'). Fix: "
        "'(5)' is −5 in accounting format (a negative number in brackets), and cost_FY2026 "
        "cannot be negative: type 5, without brackets, if 5 is meant (cost_FY2026: cost in "
        "fiscal year FY2026, ¥ million)",
        "projects, row 6, column 'risk': must be a number in [0, 1] (value '(0.1)'). Fix: "
        "'(0.1)' is −0.1 in accounting format (a negative number in brackets), and risk "
        "cannot be negative: type 0.1, without brackets, if 0.1 is meant (risk: risk of "
        "failed delivery or misuse, 0 (none) to 1)",
        "projects, row 7, column 'score_security': must be a number in [0, 10] (value "
        "'（１，２００）'). Fix: '（１，２００）' is −1,200 in accounting format (a negative number "
        "in brackets), and score_security cannot be negative: type 1,200, without brackets, "
        "if 1,200 is meant (score_security: benefit score for the criterion 'security', "
        "0-10)"]


def test_digits_joined_by_underscores_are_refused_not_read_as_python_reads_them(
        run: Callable, tmp_path: Path) -> None:
    """``1_200`` was read as 1200 (Python's float reads underscores between digits), while a
    spreadsheet reads the cell as text: the same file meant two things."""
    folder = csv_folder(tmp_path, (4, "cost_FY2026", "1_200"))
    assert messages(refused(run, tmp_path, folder)) == [
        "projects, row 4, column 'cost_FY2026': must be a number >= 0 (value '1_200'). Fix: "
        "'1_200' has '_' between its digits: a spreadsheet reads it as text, not a number "
        "(Python would read 1200); type 1200, without '_'"]
