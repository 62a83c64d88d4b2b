"""Inputs that read as something else than they hold, each a real file run through the CLI:
a sheet whose rows are stored out of order, a CSV file that is really a gzip archive or a
PDF, a number typed as an accounting negative ``(5)`` or with Python's ``1_200``. Each is
read as meant or refused by name (sheet, row, column, value, fix; exit code 2, nothing
written), never read as something else in silence."""

from __future__ import annotations

import csv
import gzip
import io
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
import test_corrupt_inputs
from test_input_messages import refused

from osa_opt.data import default_policy_path, example_path

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


# ---------------------------------------------------------------------- binary files
def test_a_csv_file_that_is_a_gzip_archive_is_named_with_the_fix(run: Callable,
                                                                 tmp_path: Path) -> None:
    """projects.csv compressed with gzip (a download saved without its .gz) was told only
    "not UTF-8 text (unreadable byte at position 1)", and to save it as UTF-8."""
    folder = csv_folder(tmp_path)
    text = (folder / "projects.csv").read_bytes()
    (folder / "projects.csv").write_bytes(gzip.compress(text))
    assert messages(refused(run, tmp_path, folder)) == [
        "projects.csv, row None, column None: not CSV text but a gzip-compressed file (.gz) "
        "(value None). Fix: rename it to projects.csv.gz, decompress it (gunzip, or 7-Zip > "
        "Extract Here on Windows), and put the projects.csv it holds in the folder"]
    code, _, err = run("solve", folder, "--out", tmp_path / "run2")
    assert code == 2 and "gzip-compressed" in " ".join(err.split())


@pytest.mark.parametrize(("content", "kind", "fix"), [
    ("workbook", "an Excel workbook (.xlsx)",
     "save its projects sheet as CSV (in Excel, File > Save As > 'CSV UTF-8 (Comma "
     "delimited)'); or, if it holds both sheets (projects and countries), rename it to "
     "projects.xlsx and give it instead of the folder"),
    ("zip", "a zip archive",
     "extract it (Windows: right-click > Extract All, or 7-Zip > Extract Here), and put the "
     "projects.csv it holds in the folder"),
    ("pdf", "a PDF document",
     "a table in a PDF document cannot be read: open the spreadsheet the table is in and "
     "save the sheet as CSV; in Excel, File > Save As > 'CSV UTF-8 (Comma delimited)'")])
def test_a_csv_file_that_is_another_binary_file_is_named(run: Callable, tmp_path: Path,
                                                         content: str, kind: str,
                                                         fix: str) -> None:
    """A workbook, a zip of the CSV file or a PDF saved as projects.csv: every zip was told
    "an Excel workbook", a PDF "not UTF-8 text"."""
    folder = csv_folder(tmp_path)
    target = folder / "projects.csv"
    if content == "workbook":
        shutil.copy(example_path(), target)
    elif content == "zip":
        data = io.BytesIO()
        with zipfile.ZipFile(data, "w") as archive:
            archive.writestr("projects.csv", target.read_text("utf-8"))
        target.write_bytes(data.getvalue())
    else:
        target.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\n")
    (issue,) = refused(run, tmp_path, folder)
    assert (issue["sheet"], issue["rule"], issue["hint"]) == (
        "projects.csv", f"not CSV text but {kind}", fix)


def test_a_policy_file_that_is_a_gzip_archive_is_named(run: Callable, tmp_path: Path) -> None:
    """A gzip-compressed policy was told "not UTF-8 text", and to save it as UTF-8."""
    policy = tmp_path / "round.toml"
    policy.write_bytes(gzip.compress(default_policy_path().read_bytes()))
    (issue,) = refused(run, tmp_path, example_path(), "--policy", policy)
    assert (issue["sheet"], issue["rule"], issue["hint"]) == (
        "policy round.toml", "not a policy (TOML text) but a gzip-compressed file (.gz)",
        "decompress it (gunzip, or 7-Zip > Extract Here on Windows), and give the .toml file "
        "it holds with --policy")
