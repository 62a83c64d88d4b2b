"""Work a big round's ``osa-opt solve`` does not do (issue 14, the 10,000×3 round): each test
counts what a step touches or loads, never how long it takes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from osa_opt.data import example_path
from osa_opt.errors import Issue
from osa_opt.inputs import headers
from osa_opt.inputs.schema import PROJECTS


def sheet_rows(n: int) -> list[tuple[int, list[object]]]:
    """A projects sheet of ``n`` rows under a sound header row (row 1)."""
    header = ["project_id", "title", "country", "field", "assistance_type", "cost_FY2026",
              "score_security"]
    body = [(i + 2, [f"P-{i:05d}", "radar", "Aurelia", "medical", "equipment", 10.0, 5.0])
            for i in range(n)]
    return [(1, header), *body]


def test_a_sound_header_row_is_not_searched_for_below(monkeypatch: pytest.MonkeyPatch) -> None:
    """Row 1 names the columns: the rows below it are not read cell by cell for a header
    row sorted into the table (that search asked ``known_header`` of every cell of every
    row: 180,000 calls, 0.15 s, for 10,000 projects)."""
    asked: list[str] = []
    known = headers.known_header

    def counting(sheet: str, name: str) -> bool:
        asked.append(name)
        return known(sheet, name)

    monkeypatch.setattr(headers, "known_header", counting)
    issues: list[Issue] = []
    warnings: list[Issue] = []
    frame = headers.table(PROJECTS, sheet_rows(2_000), issues, warnings,
                          label=lambda i: f"column {i + 1}")
    assert len(frame) == 2_000 and not issues and not warnings
    assert len(asked) <= 3 * 7  # the header row's cells, a few times; no body cell
    assert not {"P-00001", "radar"} & set(asked)


def test_a_header_row_sorted_into_the_table_is_still_found() -> None:
    """The search still runs where row 1 names no column (the sheet sorted with its header)."""
    rows = sheet_rows(30)
    header = rows.pop(0)[1]
    rows.insert(20, (99, header))  # the header sorted down among the projects
    issues: list[Issue] = []
    headers.table(PROJECTS, rows, issues, [], label=lambda i: f"column {i + 1}")
    assert [i.row for i in issues] == [99]
    assert "the header row is row 99" in issues[0].rule


def csv_example(folder: Path) -> Path:
    """The shipped example as a folder of CSV files (what ``bench_process.py`` solves)."""
    import pandas as pd

    folder.mkdir()
    book = pd.ExcelFile(example_path())
    for sheet in ("projects", "countries"):
        pd.read_excel(book, sheet).to_csv(folder / f"{sheet}.csv", index=False)
    return folder


#: Runs ``osa-opt ARGV`` in-process and prints, as JSON, which of ``WATCHED`` were loaded when
#: HiGHS first ran (the peak of a big round's memory) and which at the end.
PROBE = """
import json, sys
import osa_opt.solving.highs_access as access
WATCHED = {watched!r}
seen = {{}}
admitted = access.admitted
def first(highs, solve=None):
    seen.setdefault("at_highs", [m for m in WATCHED if m in sys.modules])
    return admitted(highs, solve)
access.admitted = first
from osa_opt.cli import cli
try:
    cli.main({argv!r}, standalone_mode=False)
except SystemExit:
    pass
seen["at_end"] = [m for m in WATCHED if m in sys.modules]
print("SEEN", json.dumps(seen))
"""
WATCHED = ("openpyxl", "xlsxwriter", "osa_opt.run_folder", "osa_opt.report",
           "osa_opt.outputs.workbook", "osa_opt.inputs.read_xlsx", "osa_opt.inputs.read_ods")


@pytest.mark.slow
def test_a_csv_round_loads_no_workbook_reader_and_the_writers_after_highs(tmp_path: Path
                                                                           ) -> None:
    """What is loaded is resident at HiGHS's search, the peak of a big round's memory: the
    writers (xlsxwriter, the report; ~4 MB) load once there is a result to write, the
    workbook readers not at all for a folder of CSV files, nor openpyxl, which the report
    loaded to read the shipped example's partner names (0.09-0.16 s)."""
    folder = csv_example(tmp_path / "round")
    out = tmp_path / "run"
    argv = ["solve", str(folder), "--quiet", "--no-explain", "-k", "1", "--out", str(out)]
    proc = subprocess.run([sys.executable, "-c", PROBE.format(watched=WATCHED, argv=argv)],
                          capture_output=True, text=True, check=False)
    assert "SEEN" in proc.stdout, proc.stderr[-2000:]
    seen = json.loads(proc.stdout.rpartition("SEEN ")[2])
    assert (out / "report.html").is_file() and (out / "portfolios.xlsx").is_file()
    assert seen["at_highs"] == []
    assert set(seen["at_end"]) == {"xlsxwriter", "osa_opt.run_folder", "osa_opt.report",
                                   "osa_opt.outputs.workbook"}
    report = (out / "report.html").read_text(encoding="utf-8")
    assert "the shipped example&#x27;s fictional partners" in report  # still said, by name


def test_the_example_partners_are_read_as_openpyxl_reads_them() -> None:
    import openpyxl

    from osa_opt.data import example_partners

    book = openpyxl.load_workbook(example_path(), read_only=True)
    rows = book["countries"].iter_rows(values_only=True)
    at = list(next(rows)).index("country")
    names = tuple(str(row[at]).strip() for row in rows if row[at] is not None)
    book.close()
    assert example_partners() == names and len(names) == 14
